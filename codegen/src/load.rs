//! Loading: schema files from disk (or memory) into the format's types, with positions.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics, Loc};
use crate::format::{OverrideFile, ReleaseFile, SchemaFile, ScopesFile};
use crate::node;

/// One schema file as read.
#[derive(Debug)]
pub struct LoadedFile {
    /// The path shown in diagnostics (relative to the schema directory's parent).
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// The schema file (a resource or a shape), when its top level could be read.
    pub file: Option<SchemaFile>,
    /// The file, when it is not a schema file but changes or describes them: an override, the
    /// scopes table, the release manifest.
    pub overlay: Option<Overlay>,
    /// The `name` written in a file whose top level could not be read.
    pub declared_name: Option<String>,
    /// False when some part of the file could not be read (its semantic checks are skipped, so a
    /// half-read file does not produce a cascade of follow-on problems).
    pub complete: bool,
}

/// A file that is not a schema file: applied to the schema files by [`crate::overlay`].
// One per override file read, moved once: boxing the large variant would save nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Overlay {
    /// Hand-written changes to an imported type.
    Override(OverrideFile),
    /// The scopes table.
    Scopes(ScopesFile),
    /// The release the imported files come from.
    Release(ReleaseFile),
}

impl LoadedFile {
    /// A file whose top level could not be read (not UTF-8, not YAML, empty): kept for its text,
    /// which the diagnostics quote.
    fn unread(path: PathBuf, text: String) -> Self {
        LoadedFile {
            path,
            text,
            file: None,
            overlay: None,
            declared_name: None,
            complete: false,
        }
    }
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
        let bytes = read_bounded(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        let shown = p.strip_prefix(display_root).unwrap_or(&p).to_path_buf();
        if bytes.len() > node::MAX_FILE_BYTES {
            // Over the limit: only its size matters (`file-too-large`), and only the first bytes
            // past the limit were read. Lossy, so a character cut at the end cannot pass for
            // invalid UTF-8.
            out.push((shown, String::from_utf8_lossy(&bytes).into_owned()));
            continue;
        }
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                // Keep going: `parse_one` reports it as a diagnostic on this file. The text is the
                // valid part followed by a mark that no valid schema file ends with.
                let valid = e.utf8_error().valid_up_to();
                let mut bytes = e.into_bytes();
                bytes.truncate(valid);
                let mut t = String::from_utf8(bytes).unwrap_or_default();
                t.push_str(INVALID_UTF8_MARK);
                t
            }
        };
        out.push((shown, text));
    }
    Ok(out)
}

/// Reads a file, but never more than one byte past [`node::MAX_FILE_BYTES`]: a huge file costs
/// a megabyte of memory, not its size.
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let limit = u64::try_from(node::MAX_FILE_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Ends the text of a file that is not valid UTF-8, after its valid part: a replacement character
/// (shown in the snippet where the bad byte was) and a NUL (which YAML forbids, so a valid file
/// cannot end like this).
const INVALID_UTF8_MARK: &str = "\u{FFFD}\0";

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
///
/// The values of the i-th file carry `i + 1` as their [`Loc::file`], so a value an override moves
/// into another file is still reported where it was written.
pub fn parse_all(sources: Vec<(PathBuf, String)>, diags: &mut Diagnostics) -> Vec<LoadedFile> {
    sources
        .into_iter()
        .enumerate()
        .map(|(i, (path, text))| {
            let id = u32::try_from(i + 1).unwrap_or(u32::MAX);
            node::in_file(id, || parse_one(path, text, diags))
        })
        .collect()
}

fn parse_one(path: PathBuf, mut text: String, diags: &mut Diagnostics) -> LoadedFile {
    if text.ends_with(INVALID_UTF8_MARK) {
        // Point at the first byte that is not UTF-8, shown as the replacement character.
        text.truncate(text.len() - 1); // drop the NUL, keep the replacement character
        let lines: Vec<&str> = crate::diag::split_lines(&text).collect();
        let line = lines.len();
        let col = lines.last().map_or(1, |l| l.chars().count());
        diags.push(
            Diagnostic::new(
                "invalid-utf8",
                &path,
                Loc::at(
                    u32::try_from(line).unwrap_or(u32::MAX),
                    u32::try_from(col).unwrap_or(u32::MAX),
                    1,
                ),
                "the file is not valid UTF-8",
            )
            .label("this byte is not UTF-8")
            .hint("save the file as UTF-8 (it looks like another encoding, such as Latin-1 or Windows-1252)"),
        );
        return LoadedFile::unread(path, text);
    }
    let root = match node::parse(&text) {
        Ok(root) => root,
        Err(e) => {
            diags.push(Diagnostic::new(e.code, &path, e.loc, e.message).hint(e.hint));
            return LoadedFile::unread(path, text);
        }
    };
    if matches!(root.value, node::Node::Null) {
        diags.push(
            Diagnostic::new("empty-file", &path, Loc::UNKNOWN, "the file holds no schema")
                .hint("a schema file is a mapping that starts with `kind: resource` or `kind: shape` (see schema/README.md)"),
        );
        return LoadedFile::unread(path, text);
    }
    let (file, overlay, errors) = match root.value.str_value("kind") {
        Some("override") => read_overlay(&root, &text, Overlay::Override),
        Some("scopes") => read_overlay(&root, &text, Overlay::Scopes),
        Some("release") => read_overlay(&root, &text, Overlay::Release),
        _ => {
            let (file, errors) = node::from_node::<SchemaFile>(&root, &text);
            (file, None, errors)
        }
    };
    let complete = errors.is_empty() && (file.is_some() || overlay.is_some());
    for e in errors {
        let hint = e.hint.clone().or_else(|| default_hint(e.code));
        diags.push(
            Diagnostic::new(e.code, &path, e.loc.unwrap_or(Loc::UNKNOWN), e.message)
                .maybe_hint(hint),
        );
    }
    // When the top level could not be read, keep the type's name so that references to it are
    // not reported as unknown types on top of this file's own problems.
    let declared_name = match (&file, &overlay) {
        (None, None) => root.value.name_value().map(str::to_owned),
        _ => None,
    };
    LoadedFile {
        path,
        text,
        file,
        overlay,
        declared_name,
        complete,
    }
}

/// Reads a file of another kind than a schema file.
fn read_overlay<T: serde::de::DeserializeOwned>(
    root: &serde_saphyr::Spanned<node::Node>,
    text: &str,
    wrap: fn(T) -> Overlay,
) -> (Option<SchemaFile>, Option<Overlay>, Vec<node::DeError>) {
    let (value, errors) = node::from_node::<T>(root, text);
    (None, value.map(wrap), errors)
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
