//! Writes a synthetic `coupa-api` crate of N resources (`coupa_bench::synth`) into its own
//! workspace, for the compile-time measurements of `cargo xtask bench --compile`.
//!
//! Usage: `synth-crate N OUT_DIR`, or `synth-crate SCHEMA_DIR OUT_DIR` for the crate this
//! commit's generator writes from the schemas in a directory (an older commit's `schema/`, say).
//! `OUT_DIR/Cargo.toml` is a workspace holding `generated/`,
//! whose `coupa-runtime` dependency points at this workspace's `runtime/`; the workspace's
//! `Cargo.lock` is copied so the same dependency versions are built.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [from, out] = args.as_slice() else {
        eprintln!("usage: synth-crate N|SCHEMA_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    let ir = match from.parse::<usize>() {
        Ok(n) => coupa_codegen::compile_sources(coupa_bench::synth::schemas(n)),
        Err(_) if std::path::Path::new(from).is_dir() => {
            coupa_codegen::compile_dir(std::path::Path::new(from))
        }
        Err(_) => {
            eprintln!("{from}: neither a number of resources nor a directory of schemas");
            return ExitCode::from(2);
        }
    };
    let ir = match ir {
        Ok(ir) => ir,
        Err(f) => {
            eprintln!("{}", f.render());
            return ExitCode::FAILURE;
        }
    };
    match write(&ir, &PathBuf::from(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write(ir: &coupa_codegen::ir::Ir, out: &std::path::Path) -> Result<(), String> {
    let root = coupa_bench::root();
    let files = coupa_codegen::emit::generate(ir)?;
    let io = |e: std::io::Error| e.to_string();
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(io)?;
    }
    std::fs::create_dir_all(out).map_err(io)?;
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).map_err(io)?;
    std::fs::write(out.join("Cargo.toml"), workspace_manifest(&manifest, &root)).map_err(io)?;
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).map_err(io)?;
    let (mut lines, mut bytes) = (0, 0);
    for f in &files {
        let path = out.join(&f.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        if !f.path.ends_with("Cargo.toml") {
            lines += f.contents.lines().count();
            bytes += f.contents.len();
        }
        std::fs::write(&path, &f.contents).map_err(io)?;
    }
    println!(
        "SYNTH resources={} files={} rust_lines={lines} rust_bytes={bytes}",
        ir.resources().count(),
        files.len()
    );
    Ok(())
}

/// This workspace's manifest for a workspace holding only `generated/`: the same package
/// defaults, dependencies (the generated crate inherits its own from them) and profiles, with
/// every path dependency but the generated crate's pointing back into this workspace.
fn workspace_manifest(manifest: &str, root: &std::path::Path) -> String {
    let mut out = String::new();
    for line in manifest.lines() {
        if line.starts_with("members = ") {
            out.push_str("members = [\"generated\"]");
        } else if let Some((head, rest)) = line.split_once("path = \"")
            && !rest.starts_with("generated\"")
        {
            out.push_str(head);
            out.push_str(&format!("path = \"{}/", root.display()));
            out.push_str(rest);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}
