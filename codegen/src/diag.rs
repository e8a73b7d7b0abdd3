//! Diagnostics: every problem the loader and the checks find, with the place it was found.
//!
//! A [`Diagnostic`] carries a file, a 1-based line and column, the length of the offending text, a
//! message, an optional label under the snippet and an optional hint. [`Diagnostics::render`] prints
//! them the way rustc does, so an editor can jump to `file:line:col`:
//!
//! ```text
//! error[unknown-type]: `Integrtion` is neither a built-in type nor a shape in the schemas
//!   --> schema/integration_runs.yaml:40:11
//!    |
//! 40 |     type: Integrtion
//!    |           ^^^^^^^^^^ no such shape
//!    |
//!    = hint: did you mean `Integration`?
//! ```

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// A position in a schema file: 1-based line and column (in characters), and the length of the
/// offending text in characters (0 when only the start is known).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    /// 1-based line; 0 when unknown.
    pub line: u32,
    /// 1-based column in characters; 0 when unknown.
    pub col: u32,
    /// Length of the offending text in characters.
    pub len: u32,
}

impl Loc {
    /// A location that is not known (a whole-file problem).
    pub const UNKNOWN: Loc = Loc {
        line: 0,
        col: 0,
        len: 0,
    };

    /// True when the location points somewhere.
    pub fn is_known(&self) -> bool {
        self.line > 0
    }
}

/// One problem found in a schema file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// A short stable code naming the kind of problem (`unknown-key`, `unknown-type`, ...).
    pub code: &'static str,
    /// The file, relative to the schema directory's parent when possible.
    pub file: PathBuf,
    /// Where in the file.
    pub loc: Loc,
    /// What is wrong.
    pub message: String,
    /// A short label printed under the offending text.
    pub label: Option<String>,
    /// How to fix it.
    pub hint: Option<String>,
}

/// The longest message, label or hint a diagnostic keeps, in characters. Messages quote what the
/// file says (a key, a type name), and a hostile file can say a megabyte of it: a longer text
/// keeps its start and its end around a note of how much was left out.
pub const MAX_TEXT_CHARS: usize = 1000;

fn bounded(text: String) -> String {
    const HEAD: usize = 700;
    const TAIL: usize = 200;
    let n = text.chars().count();
    if n <= MAX_TEXT_CHARS {
        return text;
    }
    let head: String = text.chars().take(HEAD).collect();
    let tail: String = text.chars().skip(n - TAIL).collect();
    format!("{head}… ({} characters left out) …{tail}", n - HEAD - TAIL)
}

impl Diagnostic {
    /// A diagnostic with a code, a place and a message (at most [`MAX_TEXT_CHARS`] characters).
    pub fn new(code: &'static str, file: &Path, loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            file: file.to_path_buf(),
            loc,
            message: bounded(message.into()),
            label: None,
            hint: None,
        }
    }

    /// Adds the label printed under the snippet.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(bounded(label.into()));
        self
    }

    /// Adds a hint for the fix.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(bounded(hint.into()));
        self
    }

    /// Adds a hint when there is one.
    pub fn maybe_hint(mut self, hint: Option<String>) -> Self {
        if hint.is_some() {
            self.hint = hint.map(bounded);
        }
        self
    }
}

/// Every problem found in one run, sorted by file and position when rendered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records one more problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many problems were found.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The problems, in file and position order.
    pub fn items(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| (&a.file, a.loc, a.code).cmp(&(&b.file, b.loc, b.code)));
        v.dedup();
        v
    }

    /// Renders every problem with its snippet, reading the text of each file through `source`.
    /// Each file is split into lines once, however many problems it has.
    pub fn render<'s>(&self, source: &dyn Fn(&Path) -> Option<&'s str>) -> String {
        let mut out = String::new();
        let items = self.items();
        // The lines of the file of the problems being rendered (`None`: it cannot be read).
        let mut lines: (Option<&Path>, Option<Vec<&str>>) = (None, None);
        for d in &items {
            if lines.0 != Some(d.file.as_path()) {
                let text = source(&d.file);
                lines = (
                    Some(d.file.as_path()),
                    text.map(|t| split_lines(t).collect()),
                );
            }
            let line = (d.loc.line as usize)
                .checked_sub(1)
                .and_then(|i| lines.1.as_ref()?.get(i).copied());
            render_one(&mut out, d, line);
            out.push('\n');
        }
        let n = items.len();
        let _ = writeln!(
            out,
            "error: {n} problem{} found in the schemas",
            if n == 1 { "" } else { "s" }
        );
        out
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<T: IntoIterator<Item = Diagnostic>>(&mut self, iter: T) {
        self.items.extend(iter);
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        render_one(&mut s, self, None);
        f.write_str(s.trim_end())
    }
}

/// One problem; `source_line` is the text of its line, when the file could be read.
fn render_one(out: &mut String, d: &Diagnostic, source_line: Option<&str>) {
    let file = d.file.display().to_string().replace('\\', "/");
    let _ = writeln!(out, "error[{}]: {}", d.code, d.message);
    if !d.loc.is_known() {
        let _ = writeln!(out, "  --> {file}");
        if let Some(h) = &d.hint {
            let _ = writeln!(out, "   = hint: {h}");
        }
        return;
    }
    let line_no = d.loc.line.to_string();
    let pad = " ".repeat(line_no.len());
    let _ = writeln!(out, "{pad}--> {file}:{}:{}", d.loc.line, d.loc.col);
    if let Some(line) = source_line {
        let (line, col) = snippet_window(line.trim_end(), d.loc.col.max(1) as usize);
        let line = line.as_str();
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{line_no} | {line}");
        let available = line.chars().count().saturating_sub(col - 1);
        let width = (d.loc.len as usize).clamp(1, available.max(1));
        // Tabs keep their width in the caret line so the carets sit under the text.
        let lead: String = line
            .chars()
            .take(col - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = write!(out, "{pad} | {lead}{}", "^".repeat(width));
        if let Some(label) = &d.label {
            let _ = write!(out, " {label}");
        }
        out.push('\n');
    }
    if let Some(h) = &d.hint {
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{pad} = hint: {h}");
    }
}

/// The widest snippet line shown, in characters.
const MAX_SNIPPET_CHARS: usize = 120;

/// The part of a long line worth showing: at most [`MAX_SNIPPET_CHARS`] characters starting a
/// little before column `col`, with `…` where text was cut. Answers the text and the column of
/// `col` in it.
fn snippet_window(line: &str, col: usize) -> (String, usize) {
    const BEFORE: usize = 40;
    let n = line.chars().count();
    if n <= MAX_SNIPPET_CHARS {
        return (line.to_owned(), col);
    }
    let start = col
        .saturating_sub(1 + BEFORE)
        .min(n.saturating_sub(MAX_SNIPPET_CHARS));
    let end = (start + MAX_SNIPPET_CHARS).min(n);
    let mut shown = String::new();
    let mut new_col = col - start;
    if start > 0 {
        shown.push('…');
        new_col += 1;
    }
    shown.extend(line.chars().skip(start).take(end - start));
    if end < n {
        shown.push('…');
    }
    (shown, new_col)
}

/// The lines of a text as YAML counts them: `\r\n`, `\n` and a lone `\r` each end a line.
pub fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        match t.find(['\n', '\r']) {
            Some(i) => {
                let skip = if t[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&t[i + skip..]).filter(|r| !r.is_empty());
                Some(&t[..i])
            }
            None => {
                rest = None;
                Some(t)
            }
        }
    })
}

/// Names longer than this (in characters) get no suggestion: typos are made in names of a
/// sensible length, and the edit distance of two long names costs the product of their lengths.
const MAX_SUGGESTED_CHARS: usize = 100;

/// The closest candidate to `word` by edit distance, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_len = word.chars().count();
    if word_len > MAX_SUGGESTED_CHARS {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .filter_map(|c| {
            let c_len = c.chars().count();
            let allowed = (c.len().max(word.len()) / 3).max(1);
            // The distance is at least the difference of the lengths: skip what cannot match.
            if c_len > MAX_SUGGESTED_CHARS || c_len.abs_diff(word_len) > allowed {
                return None;
            }
            let d = edit_distance(&lower, &c.to_ascii_lowercase());
            (d <= allowed).then_some((d, c))
        })
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Edit distance counting a swap of two neighbouring characters as one edit (`nmae` → `name`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j - 1] + cost)
                .min(d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let c = ["integer", "string", "boolean"];
        assert_eq!(did_you_mean("strng", c), Some("string"));
        assert_eq!(did_you_mean("Integer", c), Some("integer"));
        assert_eq!(did_you_mean("datetime", c), None);
    }

    #[test]
    fn long_names_get_no_suggestion_and_cost_nothing() {
        let long = "x".repeat(300_000);
        let other = format!("{long}y");
        let start = std::time::Instant::now();
        assert_eq!(did_you_mean(&long, [other.as_str(), "name"]), None);
        assert_eq!(did_you_mean("nmae", [other.as_str(), "name"]), Some("name"));
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn long_lines_and_texts_are_clipped() {
        let line = format!("{}uniqe: true{}", "a".repeat(5000), "b".repeat(5000));
        let (shown, col) = snippet_window(&line, 5001);
        assert!(shown.chars().count() <= MAX_SNIPPET_CHARS + 2, "{shown}");
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(
            shown.chars().skip(col - 1).take(5).collect::<String>(),
            "uniqe"
        );
        assert_eq!(snippet_window("short", 2), ("short".to_owned(), 2));
        // Near the end of a long line the window ends with the line.
        let (shown, col) = snippet_window(&line, 10_000);
        assert!(!shown.ends_with('…'));
        assert_eq!(shown.chars().nth(col - 1), Some('b'));
        let d = Diagnostic::new(
            "unknown-key",
            Path::new("x.yaml"),
            Loc::UNKNOWN,
            "k".repeat(5000),
        );
        assert!(d.message.chars().count() < MAX_TEXT_CHARS + 50);
        assert!(
            d.message.contains("(4100 characters left out)"),
            "{}",
            d.message
        );
    }

    #[test]
    fn splits_lines_as_yaml_does() {
        let lines: Vec<&str> = split_lines("a\nb\r\nc\rd\n").collect();
        assert_eq!(lines, ["a", "b", "c", "d"]);
        assert_eq!(split_lines("a\n\nb").collect::<Vec<_>>(), ["a", "", "b"]);
    }

    #[test]
    fn renders_snippet_with_carets_under_the_text() {
        let d = Diagnostic::new(
            "unknown-key",
            Path::new("schema/x.yaml"),
            Loc {
                line: 2,
                col: 5,
                len: 4,
            },
            "unknown key `nmae`",
        )
        .label("not a key of an element")
        .hint("did you mean `name`?");
        let mut ds = Diagnostics::default();
        ds.push(d);
        let text = ds.render(&|_| Some("elements:\n  - nmae: id\n"));
        assert_eq!(
            text,
            "error[unknown-key]: unknown key `nmae`\n --> schema/x.yaml:2:5\n  |\n2 |   - nmae: id\n  |     ^^^^ not a key of an element\n  |\n  = hint: did you mean `name`?\n\nerror: 1 problem found in the schemas\n"
        );
        // A file that cannot be read gets no snippet, not an empty one.
        let text = ds.render(&|_| None);
        assert!(!text.contains("2 |"), "{text}");
        assert!(
            text.contains("--> schema/x.yaml:2:5\n  |\n  = hint"),
            "{text}"
        );
    }
}
