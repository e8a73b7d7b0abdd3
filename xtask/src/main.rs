//! `cargo xtask`: the project's automation.
//!
//! - `cargo xtask gen` regenerates `generated/` and `schema/schema.json` from `schema/`, writing
//!   only the files whose contents change and removing generated files no schema produces;
//! - `cargo xtask gen --check` writes nothing, lists every stale or missing file, and fails when
//!   there is one (CI runs it);
//! - `cargo xtask check` loads and checks `schema/` and prints every diagnostic.

mod bench;

use std::path::PathBuf;
use std::process::ExitCode;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

const USAGE: &str = "usage: cargo xtask <command>

commands:
  gen            regenerate generated/ and schema/schema.json from schema/
  gen --check    fail (listing the files) when generated/ or schema/schema.json is stale
  check          check schema/ and print every problem
  openapi        write openapi/coupa.openapi.json (also written by `gen`)
  openapi --check  fail when openapi/coupa.openapi.json is stale";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["check"] => check(),
        ["gen"] => generate(false),
        ["gen", "--check"] => generate(true),
        ["openapi"] => openapi(false),
        ["openapi", "--check"] => openapi(true),
        ["bench", rest @ ..] => bench::run(rest),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn check() -> ExitCode {
    match coupa_codegen::compile_dir(&root().join("schema")) {
        Ok(ir) => {
            println!(
                "schema/: {} types, {} resources, {} routes, no problems",
                ir.types.len(),
                ir.resources().count(),
                ir.routes().count()
            );
            ExitCode::SUCCESS
        }
        Err(f) => {
            eprint!("{}", f.render());
            ExitCode::FAILURE
        }
    }
}

fn generate(check: bool) -> ExitCode {
    let root = root();
    let files = match coupa_codegen::output::outputs(&root) {
        Ok(f) => f,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let report = match coupa_codegen::output::sync(&root, &files, check) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if check {
        if report.is_clean() {
            println!("generated/ is up to date ({} files)", report.unchanged);
            return ExitCode::SUCCESS;
        }
        for f in &report.written {
            eprintln!("stale or missing: {f}");
        }
        for f in &report.removed {
            eprintln!("no longer generated: {f}");
        }
        eprintln!(
            "error: generated files are out of date; run `cargo xtask gen` and commit the result"
        );
        return ExitCode::FAILURE;
    }
    for f in &report.written {
        println!("wrote {f}");
    }
    for f in &report.removed {
        println!("removed {f}");
    }
    println!(
        "{} files written, {} removed, {} unchanged",
        report.written.len(),
        report.removed.len(),
        report.unchanged
    );
    ExitCode::SUCCESS
}

fn openapi(check: bool) -> ExitCode {
    let root = root();
    let files = match coupa_codegen::output::outputs(&root) {
        Ok(f) => f,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let path = coupa_codegen::emit::openapi::PATH;
    let Some(file) = files.into_iter().find(|f| f.path == path) else {
        eprintln!("error: the generator produced no {path}");
        return ExitCode::FAILURE;
    };
    let current = std::fs::read_to_string(root.join(path)).ok();
    if current.as_deref() == Some(file.contents.as_str()) {
        println!("{path} is up to date");
        return ExitCode::SUCCESS;
    }
    if check {
        eprintln!(
            "stale or missing: {path}\nerror: run `cargo xtask openapi` (or `cargo xtask gen`) and commit the result"
        );
        return ExitCode::FAILURE;
    }
    if let Err(e) = std::fs::create_dir_all(root.join("openapi"))
        .and_then(|_| std::fs::write(root.join(path), &file.contents))
    {
        eprintln!("error: cannot write {path}: {e}");
        return ExitCode::FAILURE;
    }
    println!("wrote {path}");
    ExitCode::SUCCESS
}
