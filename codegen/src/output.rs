//! Writing the outputs: every generated file, written only when its contents change, stale files
//! removed, and a check mode that writes nothing and lists what is out of date.

use std::path::{Path, PathBuf};

use crate::emit::GeneratedFile;

/// Every output of `cargo xtask gen` for the workspace at `root`: the generated crate, the JSON
/// Schema of the format (`schema/schema.json`) and the OpenAPI document
/// (`openapi/coupa.openapi.json`).
pub fn outputs(root: &Path) -> Result<Vec<GeneratedFile>, String> {
    let ir = crate::compile_dir(&root.join("schema")).map_err(|f| f.render())?;
    outputs_of(&ir)
}

/// The outputs of [`outputs`] for an IR already compiled (the determinism test compiles the
/// schemas from sources given in several orders), sorted by path.
pub fn outputs_of(ir: &crate::ir::Ir) -> Result<Vec<GeneratedFile>, String> {
    let mut files = crate::emit::generate(ir)?;
    files.push(GeneratedFile {
        path: "schema/schema.json".to_owned(),
        contents: crate::format::json_schema(),
    });
    files.push(GeneratedFile {
        path: crate::emit::openapi::PATH.to_owned(),
        contents: crate::emit::openapi::emit(ir),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// What a sync did, or (in check mode) would do.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Files written because they were missing or different.
    pub written: Vec<String>,
    /// Generated files removed because no schema produces them any more.
    pub removed: Vec<String>,
    /// Files left alone because they were already up to date.
    pub unchanged: usize,
}

impl Report {
    /// True when nothing was (or would be) changed.
    pub fn is_clean(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }
}

/// Writes the files whose contents differ (nothing with `check`), without removing anything: the
/// part of [`sync`] that `cargo xtask openapi` uses for its one file.
pub fn write_changed(root: &Path, files: &[GeneratedFile], check: bool) -> Result<Report, String> {
    let mut report = Report::default();
    for f in files {
        let path = root.join(&f.path);
        let current = std::fs::read(&path).ok();
        if current.as_deref() == Some(f.contents.as_bytes()) {
            report.unchanged += 1;
            continue;
        }
        report.written.push(f.path.clone());
        if !check {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            std::fs::write(&path, &f.contents)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    Ok(report)
}

/// The directory whose files are all generated: anything else in it is stale.
pub const GENERATED_DIR: &str = "generated";

/// Brings the files under `root` in line with `files`. With `check`, writes nothing and reports
/// what is stale or missing.
pub fn sync(root: &Path, files: &[GeneratedFile], check: bool) -> Result<Report, String> {
    let mut report = write_changed(root, files, check)?;
    let wanted: std::collections::BTreeSet<PathBuf> =
        files.iter().map(|f| root.join(&f.path)).collect();
    let mut existing = Vec::new();
    list_files(&root.join(GENERATED_DIR), &mut existing);
    existing.sort();
    for p in existing {
        if !wanted.contains(&p) {
            let shown = p
                .strip_prefix(root)
                .unwrap_or(&p)
                .display()
                .to_string()
                .replace('\\', "/");
            report.removed.push(shown);
            if !check {
                std::fs::remove_file(&p)
                    .map_err(|e| format!("cannot remove {}: {e}", p.display()))?;
            }
        }
    }
    Ok(report)
}

fn list_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            // Build output and editor droppings are not ours to judge.
            if p.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            list_files(&p, out);
        } else {
            out.push(p);
        }
    }
}
