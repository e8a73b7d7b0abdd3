//! Loading: schema files from disk (or memory) into the format's types, with positions.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics, Loc};
use crate::format::SchemaFile;
use crate::node;

/// One schema file as read.
#[derive(Debug)]
pub struct LoadedFile {
    /// The path shown in diagnostics (relative to the schema directory's parent).
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// The file, when its top level could be read.
    pub file: Option<SchemaFile>,
    /// False when some part of the file could not be read (its semantic checks are skipped, so a
    /// half-read file does not produce a cascade of follow-on problems).
    pub complete: bool,
}

/// Every `*.yaml` file under `dir` (recursively), sorted by path, as (display path, text).
///
/// `display_root` is the directory paths are shown relative to.
pub fn read_dir(dir: &Path, display_root: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let mut paths = Vec::new();
    collect_yaml(dir, &mut paths)
        .map_err(|e| format!("cannot read schema directory {}: {e}", dir.display()))?;
    paths.sort();
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        let bytes = std::fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        let shown = p.strip_prefix(display_root).unwrap_or(&p).to_path_buf();
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                // Keep going: the parser reports it as a diagnostic on this file.
                let valid = e.utf8_error().valid_up_to();
                let mut t = String::from_utf8_lossy(&e.into_bytes()[..valid]).into_owned();
                t.push('\u{FFFD}');
                t
            }
        };
        out.push((shown, text));
    }
    Ok(out)
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let ty = entry.file_type()?;
        if ty.is_dir() {
            collect_yaml(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Parses every source into the format's types, recording every problem.
pub fn parse_all(sources: Vec<(PathBuf, String)>, diags: &mut Diagnostics) -> Vec<LoadedFile> {
    sources
        .into_iter()
        .map(|(path, text)| parse_one(path, text, diags))
        .collect()
}

fn parse_one(path: PathBuf, text: String, diags: &mut Diagnostics) -> LoadedFile {
    if text.contains('\u{FFFD}') {
        let line = text
            .lines()
            .position(|l| l.contains('\u{FFFD}'))
            .map_or(0, |i| i + 1);
        diags.push(
            Diagnostic::new(
                "invalid-utf8",
                &path,
                Loc { line: u32::try_from(line).unwrap_or(0), col: 1, len: 0 },
                "the file is not valid UTF-8",
            )
            .hint("save the file as UTF-8"),
        );
        return LoadedFile { path, text, file: None, complete: false };
    }
    let root = match node::parse(&text) {
        Ok(root) => root,
        Err((loc, msg)) => {
            diags.push(
                Diagnostic::new("yaml-syntax", &path, loc, format!("invalid YAML: {msg}"))
                    .hint("fix the YAML syntax at this position; every other file was still checked"),
            );
            return LoadedFile { path, text, file: None, complete: false };
        }
    };
    let (file, errors) = node::from_node::<SchemaFile>(&root, &text);
    let complete = errors.is_empty() && file.is_some();
    for e in errors {
        let hint = e.hint.clone().or_else(|| default_hint(e.code));
        diags.push(
            Diagnostic::new(e.code, &path, e.loc.unwrap_or(Loc::UNKNOWN), e.message)
                .maybe_hint(hint),
        );
    }
    LoadedFile { path, text, file, complete }
}

fn default_hint(code: &str) -> Option<String> {
    Some(
        match code {
            "wrong-type" => "write a value of the type this key takes (see schema/README.md)",
            "invalid-value" => "see schema/README.md for the values this key takes",
            _ => return None,
        }
        .to_owned(),
    )
}
