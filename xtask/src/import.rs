//! `cargo xtask import [--swagger DIR] [--pages DIR] [--check]`: reads Coupa's Swagger files and
//! reference pages and writes `schema/imported/**` and `schema/IMPORT.md` (see the `coupa-import`
//! crate). With `--check`, writes nothing and fails when a file on disk differs from what would be
//! written, or is there and would not be.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use coupa_codegen::emit::GeneratedFile;

/// The directory whose files are all written by the import.
const IMPORTED: &str = "schema/imported";

struct Args {
    swagger: PathBuf,
    pages: PathBuf,
    check: bool,
}

fn parse(root: &Path, args: &[&str]) -> Result<Args, String> {
    let shared = root.join("..").join("shared").join("coupa");
    let mut out = Args {
        swagger: shared.join("swagger").join("R39"),
        pages: shared.join("pages"),
        check: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "--check" => out.check = true,
            "--swagger" | "--pages" => {
                let v = it.next().ok_or_else(|| format!("{a} needs a directory"))?;
                let slot = if *a == "--swagger" {
                    &mut out.swagger
                } else {
                    &mut out.pages
                };
                *slot = PathBuf::from(v);
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    for (flag, dir) in [("--swagger", &out.swagger), ("--pages", &out.pages)] {
        if !dir.is_dir() {
            return Err(format!(
                "{} is not a directory: download Coupa's files (see the README, \"Importing Coupa's API descriptions\") and pass {flag} DIR",
                dir.display()
            ));
        }
    }
    Ok(out)
}

fn list_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            list_files(&p, out)
        } else {
            out.push(p)
        }
    }
}

/// Removes (or, with `check`, only lists) the files under `schema/imported/` the import does not
/// write.
fn remove_stale(
    root: &Path,
    files: &[GeneratedFile],
    check: bool,
    removed: &mut Vec<String>,
) -> Result<(), String> {
    let mut existing = Vec::new();
    list_files(&root.join(IMPORTED), &mut existing);
    existing.sort();
    for p in existing {
        let shown = p
            .strip_prefix(root)
            .unwrap_or(&p)
            .to_string_lossy()
            .replace('\\', "/");
        if files.iter().all(|f| f.path != shown) {
            if !check {
                std::fs::remove_file(&p).map_err(|e| format!("cannot remove {shown}: {e}"))?;
            }
            removed.push(shown);
        }
    }
    Ok(())
}

pub fn run(root: &Path, args: &[&str]) -> ExitCode {
    let args = match parse(root, args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let release = match coupa_import::Release::read(&args.swagger, &args.pages) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    for d in &release.diagnostics {
        eprintln!("{d}");
    }
    let files: Vec<GeneratedFile> = release
        .outputs()
        .into_iter()
        .map(|f| GeneratedFile {
            path: f.path,
            contents: f.contents,
        })
        .collect();
    let mut report = match coupa_codegen::output::write_changed(root, &files, args.check) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = remove_stale(root, &files, args.check, &mut report.removed) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let c = coupa_import::Coverage::of(&release);
    let summary = format!(
        "{}: {} of {} operations, {} of {} types, {} elements, {} of {} Core pages matched",
        release.name,
        c.operations,
        c.swagger_operations,
        c.types,
        c.definitions,
        c.elements,
        c.pages_matched,
        c.core_pages
    );
    if args.check {
        for f in &report.written {
            eprintln!("stale or missing: {f}");
        }
        for f in &report.removed {
            eprintln!("not written by the import: {f}");
        }
        if !report.is_clean() {
            eprintln!(
                "error: the imported schemas are out of date; run `cargo xtask import` and commit the result"
            );
            return ExitCode::FAILURE;
        }
        println!("{summary}; up to date ({} files)", report.unchanged);
    } else {
        println!(
            "{summary}; {} files written, {} removed, {} unchanged",
            report.written.len(),
            report.removed.len(),
            report.unchanged
        );
    }
    if release.diagnostics.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
