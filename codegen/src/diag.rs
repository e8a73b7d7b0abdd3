//! Diagnostics: every problem the loader and the checks find, with the place it was found.
//!
//! A [`Diagnostic`] carries a file, a 1-based line and column, the length of the offending text, a
//! message, an optional label under the snippet and an optional hint. [`Diagnostics::render`] prints
//! them the way rustc does (through `annotate-snippets`, which also cuts long lines around the
//! offending text and shows control characters as symbols), so an editor can jump to
//! `file:line:col`:
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
//!
//! A problem with no position in the file (an empty file, one too large to read) names the file
//! alone: `--> schema/x.yaml`.

use std::fmt::{self, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Element, Level, Origin, Renderer, Snippet};

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
    /// The file it is in, when that is not the file being reported on: a value an override
    /// file put into an imported type is reported in the override file. 1-based index into the
    /// files as loaded; 0 for "the file at hand".
    pub file: u32,
}

impl Loc {
    /// A location that is not known (a whole-file problem).
    pub const UNKNOWN: Loc = Loc {
        line: 0,
        col: 0,
        len: 0,
        file: 0,
    };

    /// A position in the file at hand.
    pub const fn at(line: u32, col: u32, len: u32) -> Loc {
        Loc {
            line,
            col,
            len,
            file: 0,
        }
    }

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
    /// Each file is split into lines once, however many problems it has, and each problem is
    /// rendered from its own line only, so rendering grows with the number of problems.
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
            out.push_str(&render_one(d, line));
            out.push_str("\n\n");
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
        f.write_str(render_one(self, None).trim_end())
    }
}

/// One problem, without a line break at the end; `source_line` is the text of its line, when the
/// file could be read. Long lines are cut around the offending text by the renderer.
fn render_one(d: &Diagnostic, source_line: Option<&str>) -> String {
    let file = d.file.display().to_string().replace('\\', "/");
    let title = Level::ERROR.primary_title(d.message.as_str()).id(d.code);
    let line = d.loc.line as usize;
    let place: Element<'_> = if !d.loc.is_known() {
        Origin::path(file.as_str()).into()
    } else if let Some((text, span)) = source_line.and_then(|l| snippet_span(l, d.loc)) {
        Snippet::source(text)
            .line_start(line)
            .path(file.as_str())
            .annotation(AnnotationKind::Primary.span(span).label(d.label.as_deref()))
            .into()
    } else {
        // No text to show (the file cannot be read, or the column lies past the end of the
        // line): the place alone, exactly as the diagnostic gives it.
        Origin::path(file.as_str())
            .line(line)
            .char_column(d.loc.col as usize)
            .into()
    };
    let mut group = title.element(place);
    if let Some(h) = &d.hint {
        group = group.element(Level::HELP.with_name("hint").message(h.as_str()));
    }
    Renderer::plain().render(&[group])
}

/// The text of the snippet for a problem at `loc` on `line`, and the byte range of the offending
/// text in it: from the column for `loc.len` characters, cut at the end of the line; an empty
/// range when the length is 0 or the column is just past the end. Trailing blanks are not shown
/// unless the range covers them. `None` when the column lies further past the end of the line
/// than that, so that the header (computed from the range) names the column of `loc`; a column
/// of 0 (unknown) counts as the first, and the header says 1.
fn snippet_span(line: &str, loc: Loc) -> Option<(&str, Range<usize>)> {
    let mut bounds = line
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(line.len()));
    let start = bounds.nth((loc.col.max(1) - 1) as usize)?;
    let end = match (loc.len as usize).checked_sub(1) {
        Some(rest) => bounds.nth(rest).unwrap_or(line.len()),
        None => start,
    };
    let shown = line.trim_end().len().max(end);
    Some((&line[..shown], start..end))
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
            // Optimal string alignment: a swap of two neighbouring characters is one edit
            // (`nmae` → `name`).
            let d = strsim::osa_distance(&lower, &c.to_ascii_lowercase());
            (d <= allowed).then_some((d, c))
        })
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
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

    /// Renders one diagnostic at `loc` in a file whose only text is `line`.
    fn render_at(line: &str, loc: Loc) -> String {
        let mut ds = Diagnostics::default();
        ds.push(
            Diagnostic::new("unknown-key", Path::new("x.yaml"), loc, "m")
                .label("here")
                .hint("h"),
        );
        ds.render(&|_| Some(line))
    }

    #[test]
    fn long_lines_and_texts_are_clipped() {
        let line = format!("{}uniqe: true{}", "a".repeat(5000), "b".repeat(5000));
        let loc = |col| Loc::at(1, col, 5);
        let text = render_at(&line, loc(5001));
        assert!(text.contains("--> x.yaml:1:5001\n"), "{text}");
        assert!(text.lines().all(|l| l.chars().count() < 200), "{text}");
        // The offending text is shown, with the carets under it.
        let shown = text.lines().find(|l| l.starts_with("1 |")).expect("{text}");
        let carets = text.lines().find(|l| l.contains("^^^^^")).expect("{text}");
        let at = carets.find('^').expect("carets");
        assert_eq!(&shown[at..at + 5], "uniqe", "{text}");
        assert!(shown.contains("...") && shown.ends_with("..."), "{text}");
        // Near the end of a long line the window ends with the line.
        let text = render_at(&line, loc(10_000));
        assert!(text.contains("--> x.yaml:1:10000\n"), "{text}");
        assert!(text.contains("bbbb\n"), "{text}");
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
    fn a_megabyte_line_renders_in_linear_time() {
        let line = format!("    ? {}: 1", "k".repeat(1 << 20));
        let start = std::time::Instant::now();
        let text = render_at(&line, Loc::at(1, 7, 1 << 20));
        assert!(text.len() < 2000, "{}", text.len());
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    /// The header names the diagnostic's own line and column, whatever the column and length
    /// say about the line, and rendering never panics: columns and lengths past the end, a
    /// column of 0, tabs, wide and combining characters, control characters.
    #[test]
    fn any_position_on_any_line_renders_with_its_own_place() {
        let lines = [
            "",
            "   ",
            "\t- name:\tx",
            "  日本語: x",
            "a\u{301}b\u{200b}c: d",
            "x\u{1b}[31m: y",
            "name: id   ",
        ];
        for line in lines {
            let n = u32::try_from(line.chars().count()).expect("short");
            for col in [0, 1, 2, n, n + 1, n + 2, 1000, u32::MAX] {
                for len in [0, 1, 3, n, u32::MAX] {
                    let loc = Loc::at(1, col, len);
                    let text = render_at(line, loc);
                    let col_shown = col.max(1);
                    assert!(
                        text.contains(&format!("--> x.yaml:1:{col_shown}\n")),
                        "{line:?} {loc:?}:\n{text}"
                    );
                    assert!(text.contains("= hint: h\n"), "{line:?} {loc:?}:\n{text}");
                    let has_snippet = col <= n + 1;
                    assert_eq!(
                        text.contains("1 |"),
                        has_snippet,
                        "{line:?} {loc:?}:\n{text}"
                    );
                    assert_eq!(
                        text.contains("^ here"),
                        has_snippet,
                        "{line:?} {loc:?}:\n{text}"
                    );
                }
            }
        }
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
            Loc::at(2, 5, 4),
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
            text.contains("--> schema/x.yaml:2:5\n = hint: did you mean `name`?\n"),
            "{text}"
        );
        // A whole-file problem names the file alone.
        let mut ds = Diagnostics::default();
        ds.push(
            Diagnostic::new("empty-file", Path::new("e.yaml"), Loc::UNKNOWN, "empty")
                .label("never shown")
                .hint("write a schema"),
        );
        let text = ds.render(&|_| Some(""));
        assert_eq!(
            text,
            "error[empty-file]: empty\n--> e.yaml\n = hint: write a schema\n\nerror: 1 problem found in the schemas\n"
        );
    }
}
