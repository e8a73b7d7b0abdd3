//! Reading YAML text into the node tree, within budgets against hostile input, and turning the
//! parser's errors into diagnostics in the loader's words.

use serde_saphyr::Spanned;

use super::{Node, to_loc};
use crate::diag::Loc;

/// Limits that keep a hostile schema file from exhausting the loader.
pub const MAX_FILE_BYTES: usize = 1 << 20;
const MAX_DEPTH: usize = 32;
const MAX_NODES: usize = 200_000;

/// Why a file could not be parsed as YAML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Stable code: `yaml-syntax`, `yaml-limit` (a budget against hostile input was exceeded),
    /// `duplicate-key`, `multiple-documents` or `file-too-large`.
    pub code: &'static str,
    /// Where; [`Loc::UNKNOWN`] for a whole-file problem.
    pub loc: Loc,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

/// Parses YAML text into a tree of positioned nodes, within the loader's budgets.
pub fn parse(text: &str) -> Result<Spanned<Node>, ParseError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(ParseError {
            code: "file-too-large",
            loc: Loc::UNKNOWN,
            // Files on disk are read only up to one byte past the limit, so the size is not
            // known exactly.
            message: format!(
                "the file is over {MAX_FILE_BYTES} bytes, the limit for a schema file"
            ),
            hint: "split the file: one resource or shape per file".to_owned(),
        });
    }
    let options = serde_saphyr::options! {
        strict_booleans: true,
        // Every entry reaches the node tree, so a repeated key is reported where it is written
        // (with the first one's line) instead of ending the parse.
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_documents: 1,
            max_aliases: MAX_ALIASES,
            max_anchors: MAX_ANCHORS,
            max_total_scalar_bytes: MAX_FILE_BYTES,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_REPLAYED_EVENTS,
            max_replay_stack_depth: 16,
            max_alias_expansions_per_anchor: 100,
        },
    };
    serde_saphyr::from_str_with_options::<Spanned<Node>>(text, options)
        .map_err(|e| parse_error(&e, text))
}

const MAX_ALIASES: usize = 1_000;
const MAX_ANCHORS: usize = 1_000;
const MAX_REPLAYED_EVENTS: usize = 20_000;

/// The hint for the limits that only anchors and aliases reach in a schema file.
const ALIASES: &str = "schema files have no use for anchors and aliases (`&name`, `*name`); \
                       write the values out";

/// A `yaml-limit` error: a budget against hostile input was exceeded.
fn limit(loc: Loc, message: String, hint: &str) -> ParseError {
    ParseError {
        code: "yaml-limit",
        loc,
        message,
        hint: hint.to_owned(),
    }
}

/// Which budget was exceeded, in the loader's words (a second document is not a budget to a
/// reader: it gets its own code).
fn budget_error(breach: &serde_saphyr::budget::BudgetBreach, loc: Loc) -> ParseError {
    use serde_saphyr::budget::BudgetBreach as B;
    match breach {
        B::Depth { .. } => limit(
            loc,
            format!("the YAML is nested more than {MAX_DEPTH} levels deep"),
            "schema files are a few levels deep; look for runaway `[` or `{` or indentation",
        ),
        B::Nodes { .. } => limit(
            loc,
            format!("the file has more than {MAX_NODES} YAML nodes"),
            "split the file: one resource or shape per file",
        ),
        B::ScalarBytes { .. } => limit(
            loc,
            format!("the file's values add up to more than {MAX_FILE_BYTES} bytes"),
            ALIASES,
        ),
        B::Aliases { .. } | B::AliasAnchorRatio { .. } => limit(
            loc,
            format!("the file uses more than {MAX_ALIASES} aliases"),
            ALIASES,
        ),
        B::Anchors { .. } => limit(
            loc,
            format!("the file defines more than {MAX_ANCHORS} anchors"),
            ALIASES,
        ),
        B::Documents { .. } => ParseError {
            code: "multiple-documents",
            loc,
            message: "a second YAML document starts here; a schema file holds one".to_owned(),
            hint: "put each resource or shape in its own file, and remove this `---`".to_owned(),
        },
        other => limit(
            loc,
            format!("the file exceeds a loader limit ({other:?})"),
            ALIASES,
        ),
    }
}

/// Turns a serde-saphyr error into a diagnostic in the loader's words.
fn parse_error(e: &serde_saphyr::Error, text: &str) -> ParseError {
    use serde_saphyr::Error as E;
    let loc = e.location().map(to_loc).unwrap_or(Loc::UNKNOWN);
    let mut inner = e;
    while let E::WithSnippet { error, .. } | E::AliasError { error, .. } = inner {
        inner = error;
    }
    match inner {
        E::Budget { breach, .. } => budget_error(breach, loc),
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => limit(
            loc,
            format!(
                "aliases here expand to more than {MAX_REPLAYED_EVENTS} YAML nodes (an alias bomb?)"
            ),
            ALIASES,
        ),
        E::MultipleDocuments { .. } => ParseError {
            code: "multiple-documents",
            loc,
            message: "a second YAML document starts here; a schema file holds one".to_owned(),
            hint: "put each resource or shape in its own file, and remove this `---`".to_owned(),
        },
        E::DuplicateMappingKey { key, .. } => ParseError {
            code: "duplicate-key",
            loc,
            message: match key {
                Some(k) => format!("the key `{k}` appears twice in this mapping"),
                None => "a key appears twice in this mapping".to_owned(),
            },
            hint: "keep one of them".to_owned(),
        },
        _ => {
            let mut message = inner.to_string();
            // serde-saphyr appends " at line L, column C"; the diagnostic prints the position
            // itself.
            if let Some(i) = message.rfind(" at line ")
                && message[i..].starts_with(&format!(" at line {}, column ", loc.line))
            {
                message.truncate(i);
            }
            let (loc, message, hint) = explain_syntax_error(text, loc, message);
            ParseError {
                code: "yaml-syntax",
                loc,
                message: format!("invalid YAML: {message}"),
                hint,
            }
        }
    }
}

/// YAML's limit on the length of a plain (implicit) key.
const YAML_MAX_PLAIN_KEY_CHARS: usize = 1024;

/// Adds what usually causes a syntax error to the parser's message: a tab in the indentation, or a
/// `[`, `{` or quote left open on an earlier line (the parser only notices it further down).
fn explain_syntax_error(text: &str, loc: Loc, message: String) -> (Loc, String, String) {
    const DEFAULT_HINT: &str =
        "fix the YAML syntax at this position; every other file was still checked";
    let lines: Vec<&str> = crate::diag::split_lines(text).collect();
    let at = (loc.line as usize).saturating_sub(1);
    if message.contains("tab") {
        // YAML forbids tabs in indentation; point at the first one from the reported line on.
        for (i, line) in lines.iter().enumerate().skip(at) {
            let indent: String = line
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            if let Some(col) = indent.chars().position(|c| c == '\t') {
                let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
                let col = u32::try_from(col + 1).unwrap_or(u32::MAX);
                return (
                    Loc::at(line_no, col, 1),
                    "a tab in the indentation".to_owned(),
                    "YAML indents with spaces only; replace the tab with spaces".to_owned(),
                );
            }
        }
    }
    if message.contains("simple key")
        && lines
            .get(at)
            .is_some_and(|l| l.chars().count() > YAML_MAX_PLAIN_KEY_CHARS)
    {
        // YAML ends a plain key after 1024 characters, so the parser finds no `:` after it.
        return (
            loc,
            format!(
                "a plain key longer than {YAML_MAX_PLAIN_KEY_CHARS} characters (YAML's limit), or a line with no `:` after its first {YAML_MAX_PLAIN_KEY_CHARS} characters"
            ),
            "schema keys are short names (see schema/README.md); check this line for a runaway value".to_owned(),
        );
    }
    if loc.is_known() {
        // The nearest earlier line that leaves a flow collection open.
        for i in (0..at.min(lines.len())).rev() {
            if let Some((col, open)) = unclosed_flow(lines[i]) {
                let hint = format!(
                    "the `{open}` at line {}, column {} is not closed on its line; \
                     if it should be, close it there",
                    i + 1,
                    col + 1
                );
                return (loc, message, hint);
            }
            // Stop at the first line that starts a new top-level key.
            if lines[i].starts_with(|c: char| c.is_ascii_alphanumeric()) {
                break;
            }
        }
    }
    (loc, message, DEFAULT_HINT.to_owned())
}

/// The column (0-based, in characters) and character of the first `[` or `{` a line leaves open,
/// ignoring quoted text and comments.
fn unclosed_flow(line: &str) -> Option<(usize, char)> {
    let mut stack: Vec<(usize, char)> = Vec::new();
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    let mut chars = line.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some('\'') if c == '\'' => {
                if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                    chars.next();
                } else {
                    quote = None;
                }
            }
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some('"') if c == '"' => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' if matches!(prev, ' ' | '[' | '{' | ',' | ':') => quote = Some(c),
                '#' if prev == ' ' => break,
                '[' | '{' => stack.push((i, c)),
                ']' | '}' => {
                    stack.pop();
                }
                _ => {}
            },
        }
        prev = c;
    }
    stack.first().copied()
}
