//! Swagger enums to allowed values: placeholders dropped, empty values stripped, values checked
//! against the element's type.

use serde_json::Value;

use crate::findings::{Findings, Topic};
use crate::model::Type;
use crate::resolve::Typed;

/// Enums that are format placeholders or leaked defaults, not lists of values.
const PLACEHOLDERS: [&str; 3] = ["YYYY-MM-DDTHH:MM:SS+HH:MM", "", "true"];

/// The allowed values of an enum, or `None` when it is dropped (with a finding saying why).
pub(crate) fn allowed(
    def: &str,
    name: &str,
    t: &Typed,
    values: &[Value],
    f: &mut Findings,
) -> Option<Vec<String>> {
    let mut strings = Vec::new();
    for v in values {
        match v {
            Value::String(s) => strings.push(s.clone()),
            Value::Number(n) => strings.push(n.to_string()),
            Value::Bool(b) => strings.push(b.to_string()),
            _ => f.def(
                def,
                Topic::Enum,
                format!("`{name}`: an enum value that is not a scalar; dropped"),
            ),
        }
    }
    if let [only] = strings.as_slice()
        && PLACEHOLDERS.contains(&only.as_str())
    {
        f.def(
            def,
            Topic::Enum,
            format!(
                "`{name}`: the enum [{}] is a placeholder, not a list of values; dropped",
                quoted(only)
            ),
        );
        return None;
    }
    if strings.iter().any(String::is_empty) {
        strings.retain(|s| !s.is_empty());
        f.def(
            def,
            Topic::Enum,
            format!("`{name}`: the empty value is stripped from the enum"),
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    let before = strings.len();
    strings.retain(|s| seen.insert(s.clone()));
    if strings.len() < before {
        f.def(
            def,
            Topic::Enum,
            format!(
                "`{name}`: {} repeated enum values dropped",
                before - strings.len()
            ),
        );
    }
    if strings.is_empty() {
        return None;
    }
    by_type(def, name, t, strings, f)
}

/// The values kept for the element's type: strings and integers take them, others drop them.
fn by_type(
    def: &str,
    name: &str,
    t: &Typed,
    strings: Vec<String>,
    f: &mut Findings,
) -> Option<Vec<String>> {
    match &t.ty {
        Type::String | Type::Text => Some(strings),
        Type::Integer if strings.iter().all(|s| s.parse::<i64>().is_ok()) => Some(strings),
        Type::Integer => {
            f.def(
                def,
                Topic::Enum,
                format!("`{name}`: an integer enum with values that are not integers; dropped"),
            );
            None
        }
        Type::Boolean => {
            f.def(
                def,
                Topic::Enum,
                format!(
                    "`{name}`: a boolean enum ({}); dropped, a boolean needs none",
                    strings.join(", ")
                ),
            );
            None
        }
        other => {
            let ty = other.builtin().unwrap_or("a reference");
            f.def(def, Topic::Enum, format!("`{name}`: an enum on a {ty}; dropped (allowed values are for strings and integers)"));
            None
        }
    }
}

fn quoted(s: &str) -> String {
    format!("\"{s}\"")
}

/// An `integer` whose enum lists names (`our_paper`, `specified`): Rails enums, sent by name.
pub(crate) fn names_on_integer(t: &Typed, values: Option<&Value>) -> bool {
    let Some(values) = values.and_then(Value::as_array) else {
        return false;
    };
    t.ty == Type::Integer
        && !t.list
        && values
            .iter()
            .filter_map(Value::as_str)
            .any(|v| !v.is_empty() && v.parse::<i64>().is_err())
        && values.iter().all(Value::is_string)
}
