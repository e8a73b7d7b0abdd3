//! The problems a read reports: serde's errors, in the schema format's words, with what the node
//! that raised them still has to fill in.

use std::fmt;

use serde::de;

use crate::diag::{Loc, did_you_mean};

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
    pub(super) pending: Pending,
    /// The problem is a consequence of one already recorded (a missing key whose misspelling
    /// was reported as unknown): the item still fails, but the error is not recorded again.
    pub(super) silent: bool,
}

/// What an error still needs from the node that positions it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Pending {
    Nothing,
    /// A type or value error: what was expected, in the format's words. The node rewrites the
    /// message with what it actually holds.
    Expected(String),
    /// A missing key: the mapping names itself in the message.
    Missing(&'static str),
}

impl DeError {
    pub(super) fn new(
        code: &'static str,
        message: String,
        loc: Option<Loc>,
        hint: Option<String>,
    ) -> Self {
        DeError {
            code,
            message,
            loc,
            hint,
            pending: Pending::Nothing,
            silent: false,
        }
    }

    pub(super) fn at(mut self, loc: Loc) -> Self {
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

/// `a`, `b`, `c`: the items quoted and joined, for a message.
pub(super) fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
