//! The importer's tests: one small release per kind of defect of Coupa's files
//! (`tests/fixtures/<case>/`), each pinned by a snapshot of everything the import writes and says;
//! determinism; the comparison of two releases (`drift`: one pair of fixture releases per
//! classification rule, `tests/drift/<rule>/`); and, when `../shared/coupa` is present and asked
//! for, the real release.

mod cases;
mod determinism;
mod drift;
mod drift_reports;
mod real;

use std::path::{Path, PathBuf};

use coupa_import::Release;

fn fixture_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(case)
}

/// The (name, bytes) of every file of a fixture's `swagger/` or `pages/` folder, sorted.
fn files(case: &str, sub: &str) -> Vec<(String, Vec<u8>)> {
    let dir = fixture_dir(case).join(sub);
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            out.push((name, std::fs::read(e.path()).expect("fixture readable")));
        }
    }
    out.sort();
    out
}

fn import(case: &str) -> Result<Release, coupa_import::Error> {
    Release::from_sources(&files(case, "swagger"), &files(case, "pages"))
}

/// Everything an import of the fixture says: its diagnostics, then every file it writes; or the
/// error that stopped it.
fn render(case: &str) -> String {
    match import(case) {
        Err(e) => format!("error:\n{e}\n"),
        Ok(r) => {
            let mut s = String::from("=== diagnostics ===\n");
            for d in &r.diagnostics {
                s.push_str(&format!("{d}\n"));
            }
            for f in r.outputs() {
                s.push_str(&format!("=== {} ===\n{}", f.path, f.contents));
            }
            s
        }
    }
}
