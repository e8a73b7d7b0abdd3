//! YAML with a position on every node, and a serde deserializer over it that collects problems.
//!
//! serde-saphyr parses the text (with budgets against hostile input) into a tree of
//! [`serde_saphyr::Spanned`] nodes. [`from_node`] then drives the schema format's own types
//! (`crate::format`) over that tree. Unlike a plain serde run, it does not stop at the first
//! problem:
//!
//! - unknown keys are reported (all of them, each with a did-you-mean hint) and skipped;
//! - a [`Recover<T>`] item that fails records its first problem and lets the list go on, so one
//!   bad element does not hide the problems in the next one;
//! - every error carries the line and column of the node it was raised on.
//!
//! [`Sp<T>`] keeps the position of a value for the semantic checks that run after loading.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::diag::{Loc, did_you_mean};

/// A parsed YAML node.
#[derive(Debug)]
pub enum Node {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Spanned<Node>>),
    /// A mapping, in source order.
    Map(Vec<(Spanned<Node>, Spanned<Node>)>),
}

impl Node {
    /// The string under the key `name`, when this is a mapping that has one: which element or
    /// type a half-read mapping is about.
    pub fn name_value(&self) -> Option<&str> {
        let Node::Map(entries) = self else {
            return None;
        };
        entries
            .iter()
            .find_map(|(k, v)| match (&k.value, &v.value) {
                (Node::Str(k), Node::Str(v)) if k == "name" => Some(v.as_str()),
                _ => None,
            })
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a YAML node")
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
                i64::try_from(v)
                    .map(Node::Int)
                    .map_err(|_| E::custom("integer is too large"))
            }
            fn visit_i128<E: de::Error>(self, _: i128) -> Result<Node, E> {
                Err(E::custom("integer is too large"))
            }
            fn visit_u128<E: de::Error>(self, _: u128) -> Result<Node, E> {
                Err(E::custom("integer is too large"))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
                Ok(Node::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Node, E> {
                Ok(Node::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element::<Spanned<Node>>()? {
                    v.push(x);
                }
                Ok(Node::Seq(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut v = Vec::new();
                while let Some(k) = a.next_key::<Spanned<Node>>()? {
                    let val = a.next_value::<Spanned<Node>>()?;
                    v.push((k, val));
                }
                Ok(Node::Map(v))
            }
        }
        d.deserialize_any(V)
    }
}

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

/// Turns a serde-saphyr error into a diagnostic in the loader's words.
fn parse_error(e: &serde_saphyr::Error, text: &str) -> ParseError {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    let loc = e.location().map(to_loc).unwrap_or(Loc::UNKNOWN);
    let mut inner = e;
    while let E::WithSnippet { error, .. } | E::AliasError { error, .. } = inner {
        inner = error;
    }
    let limit = |message: String, hint: &str| ParseError {
        code: "yaml-limit",
        loc,
        message,
        hint: hint.to_owned(),
    };
    const ALIASES: &str = "schema files have no use for anchors and aliases (`&name`, `*name`); \
                           write the values out";
    match inner {
        E::Budget { breach, .. } => match breach {
            B::Depth { .. } => limit(
                format!("the YAML is nested more than {MAX_DEPTH} levels deep"),
                "schema files are a few levels deep; look for runaway `[` or `{` or indentation",
            ),
            B::Nodes { .. } => limit(
                format!("the file has more than {MAX_NODES} YAML nodes"),
                "split the file: one resource or shape per file",
            ),
            B::ScalarBytes { .. } => limit(
                format!("the file's values add up to more than {MAX_FILE_BYTES} bytes"),
                ALIASES,
            ),
            B::Aliases { .. } | B::AliasAnchorRatio { .. } => limit(
                format!("the file uses more than {MAX_ALIASES} aliases"),
                ALIASES,
            ),
            B::Anchors { .. } => limit(
                format!("the file defines more than {MAX_ANCHORS} anchors"),
                ALIASES,
            ),
            B::Documents { .. } => ParseError {
                code: "multiple-documents",
                loc,
                message: "a second YAML document starts here; a schema file holds one".to_owned(),
                hint: "put each resource or shape in its own file, and remove this `---`"
                    .to_owned(),
            },
            other => limit(
                format!("the file exceeds a loader limit ({other:?})"),
                ALIASES,
            ),
        },
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => limit(
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
                    Loc {
                        line: line_no,
                        col,
                        len: 1,
                    },
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

fn to_loc(l: serde_saphyr::Location) -> Loc {
    let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    Loc {
        line: clamp(l.line()),
        col: clamp(l.column()),
        len: clamp(l.span().len()),
    }
}

fn loc_of(n: &Spanned<Node>) -> Loc {
    to_loc(n.referenced)
}

/// A value with the position it was read from. Serialises as the bare value.
#[derive(Clone, Debug)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub loc: Loc,
}

impl<T> Sp<T> {
    /// A value without a known position (for values a tool builds rather than reads).
    pub fn unplaced(value: T) -> Self {
        Sp {
            value,
            loc: Loc::UNKNOWN,
        }
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Default> Default for Sp<T> {
    fn default() -> Self {
        Sp::unplaced(T::default())
    }
}

// Positions do not take part in comparisons: two values are equal when they say the same thing.
impl<T: PartialEq> PartialEq for Sp<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Sp<T> {}

impl<T: Ord> PartialOrd for Sp<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: Ord> Ord for Sp<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T: Serialize> Serialize for Sp<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

const SP_MARKER: &str = "$coupa_codegen::Sp";
const RECOVER_MARKER: &str = "$coupa_codegen::Recover";

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Sp<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a positioned value")
            }
            // The node deserializer hands over (line, col, len, value).
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Sp<T>, A::Error> {
                let mut next_u32 = || -> Result<u32, A::Error> {
                    a.next_element::<u32>()?
                        .ok_or_else(|| de::Error::custom("positioned value without position"))
                };
                let loc = Loc {
                    line: next_u32()?,
                    col: next_u32()?,
                    len: next_u32()?,
                };
                let value = a
                    .next_element::<T>()?
                    .ok_or_else(|| de::Error::custom("positioned value without value"))?;
                Ok(Sp { value, loc })
            }
            // Any other deserializer: the value, without a position.
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Sp<T>, D::Error> {
                T::deserialize(d).map(Sp::unplaced)
            }
        }
        d.deserialize_newtype_struct(SP_MARKER, V(PhantomData))
    }
}

/// A list item that, when it cannot be read, records its problem and lets the list go on.
#[derive(Clone, Debug)]
pub enum Recover<T> {
    /// The item was read.
    Ok(T),
    /// The item had a problem, already recorded.
    Failed,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Recover<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Recover<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an item")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Recover<T>, D::Error> {
                // The node deserializer has recorded the problem in its sink already.
                Ok(T::deserialize(d).map_or(Recover::Failed, Recover::Ok))
            }
        }
        d.deserialize_newtype_struct(RECOVER_MARKER, V(PhantomData))
    }
}

/// A problem found while reading a file into the schema format's types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeError {
    /// Stable code for the kind of problem.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// Where; filled in by the innermost node that saw the problem.
    pub loc: Option<Loc>,
    /// How to fix it.
    pub hint: Option<String>,
    /// Context the node that positions the error uses to complete the message.
    pending: Pending,
    /// The problem is a consequence of one already recorded (a missing key whose misspelling
    /// was reported as unknown): the item still fails, but the error is not recorded again.
    silent: bool,
}

/// What an error still needs from the node that positions it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pending {
    Nothing,
    /// A type or value error: what was expected, in the format's words. The node rewrites the
    /// message with what it actually holds.
    Expected(String),
    /// A missing key: the mapping names itself in the message.
    Missing(&'static str),
}

impl DeError {
    fn new(code: &'static str, message: String, loc: Option<Loc>, hint: Option<String>) -> Self {
        DeError {
            code,
            message,
            loc,
            hint,
            pending: Pending::Nothing,
            silent: false,
        }
    }

    fn at(mut self, loc: Loc) -> Self {
        if self.loc.is_none() {
            self.loc = Some(loc);
        }
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

/// What serde's `expected` texts mean in the schema format's words.
fn plain_expected(exp: &str) -> String {
    let s = match exp {
        "u32" | "u64" | "i64" => "a whole number from 0 to 4294967295",
        "a boolean" => "`true` or `false`",
        "a string" => "a string",
        "a sequence" => "a list (`[a, b]`, or items starting with `- `)",
        "a map" => "a mapping (`key: value` pairs)",
        "struct SchemaFile" => "a mapping of schema keys (`kind:`, `name:`, `wire-name:` ...)",
        "struct Source" => "a mapping with `page:` and `url:`",
        "struct Scopes" => "a mapping with `read:` and `write:`",
        "struct Envelopes" => "a mapping with `list:`, `bulk-request:` or `bulk-result:`",
        "struct Element" => "an element: a mapping with `name:`, `description:`, `type:` ...",
        "struct Action" => "an action: a mapping with `name:`, `kind:`, `method:`, `path:` ...",
        "struct Param" => "a parameter: a mapping like `{ name: id, type: integer }`",
        "enum FileKind" => "`resource` or `shape`",
        "enum Host" => "`core` or `cso`",
        "enum Method" => "an HTTP method (`GET`, `POST`, `PUT`, `PATCH`, `DELETE`)",
        "enum ActionKind" => "an action kind (`create`, `index`, `show`, `update` ...)",
        "enum Takes" => "what the request takes (`nothing`, `object`, `query` ...)",
        "enum Answers" => "what the response answers (`object`, `list`, `envelope` ...)",
        "enum Assigned" => "what Coupa assigns (`id`, `created-at`, `sequence` ...)",
        other => return other.to_owned(),
    };
    s.to_owned()
}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError::new("invalid-value", msg.to_string(), None, None)
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        let expected = plain_expected(&exp.to_string());
        DeError {
            pending: Pending::Expected(expected.clone()),
            ..DeError::new(
                "wrong-type",
                format!("expected {expected}, found {unexp}"),
                None,
                None,
            )
        }
    }

    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        let expected = plain_expected(&exp.to_string());
        DeError {
            pending: Pending::Expected(expected.clone()),
            ..DeError::new(
                "invalid-value",
                format!("expected {expected}, found {unexp}"),
                None,
                None,
            )
        }
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        DeError::new(
            "unknown-value",
            format!("`{variant}` is not one of the accepted values"),
            None,
            Some(match did_you_mean(variant, expected.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? Accepted: {}", list(expected)),
                None => format!("accepted values: {}", list(expected)),
            }),
        )
    }

    fn missing_field(field: &'static str) -> Self {
        DeError {
            pending: Pending::Missing(field),
            ..DeError::new(
                "missing-key",
                format!("missing required key `{field}`"),
                None,
                Some(format!("add `{field}:` to this mapping")),
            )
        }
    }

    fn duplicate_field(field: &'static str) -> Self {
        DeError::new(
            "duplicate-key",
            format!("key `{field}` appears twice"),
            None,
            Some("keep one of them".to_owned()),
        )
    }
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a positioned tree into `T`, returning the value (when the top level could be read) and
/// every problem found on the way.
pub fn from_node<T: de::DeserializeOwned>(
    node: &Spanned<Node>,
    source: &str,
) -> (Option<T>, Vec<DeError>) {
    let sink = RefCell::new(Vec::new());
    let de = NodeDe {
        node,
        source,
        sink: &sink,
        recover_root: false,
    };
    let result = T::deserialize(de);
    let mut errors = sink.into_inner();
    match result {
        Ok(v) => (Some(v), errors),
        Err(e) => {
            if !e.silent {
                errors.push(e);
            }
            (None, errors)
        }
    }
}

/// The deserializer over one positioned node.
#[derive(Clone, Copy)]
struct NodeDe<'a> {
    node: &'a Spanned<Node>,
    source: &'a str,
    sink: &'a RefCell<Vec<DeError>>,
    /// This node is the root of a [`Recover`] item: its errors are recorded in the sink.
    recover_root: bool,
}

impl<'a> NodeDe<'a> {
    fn child(&self, node: &'a Spanned<Node>) -> NodeDe<'a> {
        NodeDe {
            node,
            source: self.source,
            sink: self.sink,
            recover_root: false,
        }
    }

    fn loc(&self) -> Loc {
        let mut loc = loc_of(self.node);
        if matches!(self.node.value, Node::Seq(_) | Node::Map(_))
            && let Some(len) = self.flow_len()
        {
            loc.len = len;
        }
        loc
    }

    /// The length in characters of a flow collection (`[a, b]`, `{ k: v }`) written on one line,
    /// so that a diagnostic underlines all of it rather than its opening bracket.
    fn flow_len(&self) -> Option<u32> {
        let start = usize::try_from(self.node.referenced.span().byte_offset()?).ok()?;
        let rest = self.source.get(start..)?;
        if !rest.starts_with(['[', '{']) {
            return None;
        }
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        let mut chars = rest.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            match (quote, c) {
                (_, '\n' | '\r') => return None,
                (Some('\''), '\'') => {
                    if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                (Some('"'), '\\') => {
                    chars.next();
                }
                (Some('"'), '"') => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '[' | '{') => depth += 1,
                (None, ']' | '}') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return u32::try_from(i + 1).ok();
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// What the node holds, for a message: the text as written for a scalar.
    fn describe(&self) -> String {
        let quote = |t: &str| {
            let t: String = t.chars().take(40).collect();
            format!("`{}`", t.replace('\n', " "))
        };
        match &self.node.value {
            Node::Null => "nothing".to_owned(),
            Node::Str(s) => quote(s),
            Node::Bool(_) | Node::Int(_) | Node::Float(_) => match self.scalar_text() {
                Some(t) => quote(&t),
                None => self.unexpected().to_string(),
            },
            Node::Seq(_) => "a list".to_owned(),
            Node::Map(_) => "a mapping".to_owned(),
        }
    }

    /// The string value of this mapping's `name` key, if any (to say which element is meant).
    fn name_entry(&self) -> Option<&'a str> {
        self.node.value.name_value()
    }

    /// The text of a key, when it is a plain scalar.
    fn key_text(&self) -> Option<String> {
        match &self.node.value {
            Node::Str(s) => Some(s.clone()),
            Node::Int(_) | Node::Float(_) | Node::Bool(_) => self.scalar_text(),
            _ => None,
        }
    }

    /// Finishes a deserialize call: positions the error, and records it when this node is the
    /// root of a recoverable item.
    fn finish<T>(&self, r: Result<T, DeError>) -> Result<T, DeError> {
        r.map_err(|mut e| {
            if e.loc.is_none()
                && let Pending::Expected(expected) = &e.pending
            {
                let expected = expected.clone();
                e.pending = Pending::Nothing;
                e.message = format!("expected {expected}, found {}", self.describe());
                if expected == "`true` or `false`" {
                    e.hint = Some(
                        "write `true` or `false` (`yes`, `no`, `on` and `off` are strings here)"
                            .to_owned(),
                    );
                }
            }
            let e = e.at(self.loc());
            if self.recover_root && !e.silent {
                self.sink.borrow_mut().push(e.clone());
            }
            e
        })
    }

    fn unexpected(&self) -> de::Unexpected<'a> {
        match &self.node.value {
            Node::Null => de::Unexpected::Unit,
            Node::Bool(b) => de::Unexpected::Bool(*b),
            Node::Int(i) => de::Unexpected::Signed(*i),
            Node::Float(f) => de::Unexpected::Float(*f),
            Node::Str(s) => de::Unexpected::Str(s),
            Node::Seq(_) => de::Unexpected::Seq,
            Node::Map(_) => de::Unexpected::Map,
        }
    }

    /// The text of a plain scalar as written in the file (so `1.10` stays `1.10` when a string is
    /// wanted).
    fn scalar_text(&self) -> Option<String> {
        let span = self.node.referenced.span();
        let (start, len) = (span.byte_offset()?, span.byte_len()?);
        let start = usize::try_from(start).ok()?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        self.source.get(start..end).map(str::to_owned)
    }

    fn visit_map_node<'de, V: Visitor<'de>>(
        &self,
        visitor: V,
        fields: Option<&'static [&'static str]>,
    ) -> Result<V::Value, DeError> {
        self.visit_map_node_suggesting(visitor, fields).0
    }

    /// Like [`Self::visit_map_node`], and also returns the keys suggested for misspelt ones.
    fn visit_map_node_suggesting<'de, V: Visitor<'de>>(
        &self,
        visitor: V,
        fields: Option<&'static [&'static str]>,
    ) -> (Result<V::Value, DeError>, Vec<&'static str>) {
        let Node::Map(entries) = &self.node.value else {
            return (
                Err(de::Error::invalid_type(self.unexpected(), &visitor)),
                Vec::new(),
            );
        };
        let mut suggested = Vec::new();
        let mut kept = Vec::with_capacity(entries.len());
        let mut seen: std::collections::HashMap<String, Loc> = std::collections::HashMap::new();
        for (k, v) in entries {
            let key = self.child(k).key_text();
            if let Some(key) = &key {
                if let Some(first) = seen.get(key) {
                    self.sink.borrow_mut().push(DeError::new(
                        "duplicate-key",
                        format!("the key `{key}` appears twice in this mapping"),
                        Some(loc_of(k)),
                        Some(format!(
                            "the first is at line {}, column {}; keep one of them",
                            first.line, first.col
                        )),
                    ));
                    continue;
                }
                seen.insert(key.clone(), loc_of(k));
            }
            if let Some(fields) = fields {
                let problem = match &key {
                    Some(key) if !fields.contains(&key.as_str()) => Some((
                        format!("unknown key `{key}`"),
                        match did_you_mean(key, fields.iter().copied()) {
                            Some(s) => {
                                suggested.push(s);
                                format!("did you mean `{s}`?")
                            }
                            None => format!("the keys allowed here are {}", list(fields)),
                        },
                    )),
                    Some(_) => None,
                    None => Some((
                        format!(
                            "a key must be a plain name, not {}",
                            self.child(k).describe()
                        ),
                        format!("the keys allowed here are {}", list(fields)),
                    )),
                };
                if let Some((message, hint)) = problem {
                    self.sink.borrow_mut().push(DeError::new(
                        "unknown-key",
                        message,
                        Some(self.child(k).loc()),
                        Some(hint),
                    ));
                    continue;
                }
            }
            kept.push((k, v));
        }
        let r = visitor.visit_map(MapAcc {
            de: *self,
            entries: kept.into_iter(),
            value: None,
        });
        (r, suggested)
    }
}

struct MapAcc<'a, I> {
    de: NodeDe<'a>,
    entries: I,
    value: Option<&'a Spanned<Node>>,
}

impl<'de, 'a, I> MapAccess<'de> for MapAcc<'a, I>
where
    I: Iterator<Item = (&'a Spanned<Node>, &'a Spanned<Node>)>,
{
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            None => Ok(None),
            Some((k, v)) => {
                self.value = Some(v);
                let kd = self.de.child(k);
                kd.finish(seed.deserialize(kd)).map(Some)
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let v = self
            .value
            .take()
            .ok_or_else(|| <DeError as de::Error>::custom("value requested before key"))?;
        let vd = self.de.child(v);
        vd.finish(seed.deserialize(vd))
    }
}

struct SeqAcc<'a, I> {
    de: NodeDe<'a>,
    items: I,
}

impl<'de, 'a, I: Iterator<Item = &'a Spanned<Node>>> SeqAccess<'de> for SeqAcc<'a, I> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            None => Ok(None),
            Some(n) => {
                let d = self.de.child(n);
                d.finish(seed.deserialize(d)).map(Some)
            }
        }
    }
}

/// Feeds (line, col, len, value) to [`Sp`]'s visitor.
struct SpSeq<'a> {
    de: NodeDe<'a>,
    step: u8,
}

impl<'de, 'a> SeqAccess<'de> for SpSeq<'a> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let loc = self.de.loc();
        let step = self.step;
        self.step += 1;
        match step {
            0 => seed.deserialize(loc.line.into_deserializer()).map(Some),
            1 => seed.deserialize(loc.col.into_deserializer()).map(Some),
            2 => seed.deserialize(loc.len.into_deserializer()).map(Some),
            3 => seed.deserialize(self.de).map(Some),
            _ => Ok(None),
        }
    }
}

struct UnitVariant<'a>(NodeDe<'a>);

impl<'de, 'a> EnumAccess<'de> for UnitVariant<'a> {
    type Error = DeError;
    type Variant = Self;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), DeError> {
        let v = seed.deserialize(self.0)?;
        Ok((v, self))
    }
}

impl<'de, 'a> VariantAccess<'de> for UnitVariant<'a> {
    type Error = DeError;
    fn unit_variant(self) -> Result<(), DeError> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value, DeError> {
        Err(de::Error::custom("expected a plain value"))
    }
    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, DeError> {
        Err(de::Error::custom("expected a plain value"))
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, DeError> {
        Err(de::Error::custom("expected a plain value"))
    }
}

macro_rules! forward_scalar {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            self.deserialize_any(visitor)
        }
    )*};
}

impl<'de, 'a> Deserializer<'de> for NodeDe<'a> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let r = match &self.node.value {
            Node::Null => visitor.visit_unit(),
            Node::Bool(b) => visitor.visit_bool(*b),
            Node::Int(i) => visitor.visit_i64(*i),
            Node::Float(f) => visitor.visit_f64(*f),
            Node::Str(s) => visitor.visit_str(s),
            Node::Seq(items) => visitor.visit_seq(SeqAcc {
                de: self,
                items: items.iter(),
            }),
            Node::Map(_) => self.visit_map_node(visitor, None),
        };
        self.finish(r)
    }

    forward_scalar!(deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32 deserialize_f64
        deserialize_char deserialize_bytes deserialize_byte_buf deserialize_unit);

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let r = match &self.node.value {
            Node::Str(s) => visitor.visit_str(s),
            // A plain scalar read as text keeps its spelling (`1.10`, `true`).
            Node::Int(_) | Node::Float(_) | Node::Bool(_) => match self.scalar_text() {
                Some(t) => visitor.visit_string(t),
                None => return self.deserialize_any(visitor),
            },
            _ => return self.deserialize_any(visitor),
        };
        self.finish(r)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let r = match &self.node.value {
            Node::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        };
        self.finish(r)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match name {
            SP_MARKER => {
                let r = visitor.visit_seq(SpSeq { de: self, step: 0 });
                self.finish(r)
            }
            RECOVER_MARKER => visitor.visit_newtype_struct(NodeDe {
                recover_root: true,
                ..self
            }),
            _ => {
                let r = visitor.visit_newtype_struct(self);
                self.finish(r)
            }
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let r = match &self.node.value {
            Node::Seq(items) => visitor.visit_seq(SeqAcc {
                de: self,
                items: items.iter(),
            }),
            _ => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        };
        self.finish(r)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let r = self.visit_map_node(visitor, None);
        self.finish(r)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let (r, suggested) = self.visit_map_node_suggesting(visitor, Some(fields));
        let r = r.map_err(|mut e| {
            // Say which mapping lacks the key: `element `status` is missing ...`.
            if e.loc.is_none()
                && let Pending::Missing(field) = e.pending
            {
                e.pending = Pending::Nothing;
                let what = match name {
                    "SchemaFile" => "the file".to_owned(),
                    "Source" => "`source`".to_owned(),
                    "Scopes" => "`scopes`".to_owned(),
                    "Element" | "Action" | "Param" => {
                        let noun = match name {
                            "Element" => "element",
                            "Action" => "action",
                            _ => "parameter",
                        };
                        match self.name_entry() {
                            Some(n) => format!("{noun} `{n}`"),
                            None => format!("this {noun}"),
                        }
                    }
                    _ => "this mapping".to_owned(),
                };
                e.message = format!("{what} is missing the required key `{field}`");
                // A misspelt key was already reported with this one as its suggestion.
                e.silent = suggested.contains(&field);
            }
            e
        });
        self.finish(r)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let r = match &self.node.value {
            Node::Str(_) | Node::Int(_) | Node::Bool(_) | Node::Float(_) => {
                visitor.visit_enum(UnitVariant(self))
            }
            _ => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        };
        self.finish(r)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    struct Item {
        name: Sp<String>,
        #[serde(default)]
        count: Option<u32>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        items: Vec<Recover<Item>>,
    }

    fn load(text: &str) -> (Option<File>, Vec<DeError>) {
        let node = parse(text).expect("yaml parses");
        let (f, errs) = from_node::<File>(&node, text);
        (f, errs)
    }

    #[test]
    fn positions_are_kept() {
        let text = "items:\n  - name: first\n  - name: 'second'\n";
        let node = parse(text).unwrap();
        let (f, errs) = from_node::<File>(&node, text);
        assert!(errs.is_empty(), "{errs:?}");
        let f = f.unwrap();
        let Recover::Ok(second) = &f.items[1] else {
            panic!()
        };
        assert_eq!(second.name.value, "second");
        assert_eq!(
            second.name.loc,
            Loc {
                line: 3,
                col: 11,
                len: 8
            }
        );
    }

    #[test]
    fn every_bad_item_is_reported_and_the_rest_is_read() {
        let text = "items:\n  - nmae: a\n    name: ok\n  - name: b\n    count: lots\n  - name: c\n    colour: red\n";
        let (f, errs) = load(text);
        let f = f.unwrap();
        assert!(matches!(f.items[0], Recover::Ok(_)));
        assert!(matches!(f.items[1], Recover::Failed));
        assert!(matches!(f.items[2], Recover::Ok(_)));
        let got: Vec<_> = errs
            .iter()
            .map(|e| (e.code, e.loc.unwrap().line, e.loc.unwrap().col))
            .collect();
        assert_eq!(
            got,
            vec![
                ("unknown-key", 2, 5),
                ("wrong-type", 5, 12),
                ("unknown-key", 7, 5)
            ]
        );
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `name`?"));
    }

    #[test]
    fn missing_key_points_at_the_mapping() {
        let (_, errs) = load("items:\n  - count: 2\n");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].code, "missing-key");
        assert_eq!(errs[0].loc.unwrap().line, 2);
    }

    #[test]
    fn numbers_read_as_text_keep_their_spelling() {
        let text = "items:\n  - name: 1.10\n";
        let (f, errs) = load(text);
        assert!(errs.is_empty());
        let Recover::Ok(i) = &f.unwrap().items[0] else {
            panic!()
        };
        assert_eq!(i.name.value, "1.10");
        assert_eq!(i.count, None);
    }

    #[test]
    fn syntax_errors_and_budgets_are_reported_not_panicked() {
        let e = parse("a: [1, 2\nb: 3").unwrap_err();
        assert_eq!((e.code, e.loc.line), ("yaml-syntax", 2));
        assert!(!e.message.contains(" at line "), "{}", e.message);
        assert!(e.hint.contains("line 1, column 4"), "{}", e.hint);
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        assert_eq!(parse(bomb).unwrap_err().code, "yaml-limit");
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(parse(&deep).unwrap_err().code, "yaml-limit");
        let big = "#".repeat(MAX_FILE_BYTES + 1);
        assert_eq!(parse(&big).unwrap_err().code, "file-too-large");
    }
}
