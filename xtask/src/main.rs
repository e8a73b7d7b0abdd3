//! `cargo xtask`: the project's automation.
//!
//! - `cargo xtask gen` regenerates `generated/` and `schema/schema.json` from `schema/`, writing
//!   only the files whose contents change and removing generated files no schema produces;
//! - `cargo xtask gen --check` writes nothing, lists every stale or missing file, and fails when
//!   there is one (CI runs it);
//! - `cargo xtask check` loads and checks `schema/` and prints every diagnostic;
//! - `cargo xtask openapi [--check]` writes (or checks) `openapi/coupa.openapi.json`;
//! - `cargo xtask import [--swagger DIR] [--pages DIR] [--check]` imports Coupa's Swagger files
//!   and reference pages into `schema/imported/` and `schema/IMPORT.md` (see [`mod@import`]);
//! - `cargo xtask drift OLD NEW [--pages DIR] [--format json] [--out FILE]... [--check]` reports
//!   what changed in Coupa's API between two releases (see [`mod@drift`]);
//! - `cargo xtask bench [--compile|--no-compile]` runs the benchmarks and writes `BENCHMARKS.md`
//!   (see [`mod@bench`]).

mod bench;
mod drift;
mod import;
mod sizes;

use std::path::PathBuf;
use std::process::ExitCode;

/// The generator allocates and frees many small values per file (tokens, syntax trees); with
/// glibc's allocator each file got slower as the heap grew (BENCHMARKS.md, section 1).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
  openapi --check  fail when openapi/coupa.openapi.json is stale
  import [--swagger DIR] [--pages DIR] [--check]
                 import Coupa's Swagger files and pages into schema/imported/ and schema/IMPORT.md
                 (default: ../shared/coupa/swagger/R39 and ../shared/coupa/pages)
  drift OLD NEW [--pages DIR | --old-pages DIR --new-pages DIR] [--format markdown|json]
        [--out FILE]... [--check]
                 report what changed between two releases (OLD, NEW: folders of Swagger files)
                 to standard output, or to each --out FILE (.json: JSON, else Markdown);
                 --check: write nothing, fail when an --out file is stale
  bench          run the benchmarks and write BENCHMARKS.md
                 (--no-compile: in-process only; --compile: compile times only)";

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
        ["import", rest @ ..] => import::run(&root(), rest),
        ["drift", rest @ ..] => drift::run(rest),
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
    run_outputs(check, None)
}

fn openapi(check: bool) -> ExitCode {
    run_outputs(check, Some(coupa_codegen::emit::openapi::PATH))
}

/// Regenerates every output (or only the file at `only`), writing what changed or, with `check`,
/// failing on what is stale.
fn run_outputs(check: bool, only: Option<&str>) -> ExitCode {
    let root = root();
    let mut files = match coupa_codegen::output::outputs(&root) {
        Ok(f) => f,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match only {
        None => coupa_codegen::output::sync(&root, &files, check),
        Some(path) => {
            files.retain(|f| f.path == path);
            coupa_codegen::output::write_changed(&root, &files, check)
        }
    };
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let command = if only.is_some() {
        "cargo xtask openapi"
    } else {
        "cargo xtask gen"
    };
    if check {
        if report.is_clean() {
            println!("up to date ({} files)", report.unchanged);
            return ExitCode::SUCCESS;
        }
        for f in &report.written {
            eprintln!("stale or missing: {f}");
        }
        for f in &report.removed {
            eprintln!("no longer generated: {f}");
        }
        eprintln!("error: generated files are out of date; run `{command}` and commit the result");
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
