//! One page row's flags against one element: what the page adds (in/out where the Swagger says
//! nothing, unique, allowed values), and every contradiction of the Swagger, reported and settled
//! for the Swagger.

use crate::findings::{Findings, Topic};
use crate::model::{Element, Source, Type};
use crate::rows::{ElementRow, Flag};

/// Words that make an allowed-values cell prose rather than a list.
const PROSE: [&str; 14] = [
    "any", "none", "n/a", "na", "yes", "no", "true", "false", "null", "blank", "empty", "or",
    "and", "etc",
];

pub(crate) fn apply(d: &str, e: &mut Element, row: &ElementRow, f: &mut Findings) {
    in_out(d, e, row, f);
    let n = &e.name;
    match (row.required, e.required) {
        (Flag::Yes, false) => f.def(d, Topic::Conflict, format!("`{n}`: the page marks it required, the Swagger does not; not required (an override can settle it)")),
        (Flag::No, true) => f.def(d, Topic::Conflict, format!("`{n}`: the Swagger requires it, the page says no; required")),
        _ => {}
    }
    if row.unique == Flag::Yes {
        if e.list || !e.ty.is_scalar() {
            f.def(
                d,
                Topic::Conflict,
                format!("`{n}`: the page marks a list or object unique; not read"),
            );
        } else {
            e.unique = true;
        }
    }
    allowed(d, e, &row.allowed, f);
}

fn in_out(d: &str, e: &mut Element, row: &ElementRow, f: &mut Findings) {
    let n = e.name.clone();
    let stated = row.api_in != Flag::Empty || row.api_out != Flag::Empty;
    // A row that fills one of the two columns with yes leaves the other empty for "no".
    let (i, o) = (row.api_in == Flag::Yes, row.api_out == Flag::Yes);
    if e.in_out_source == Source::Default {
        if stated && (i || o) {
            (e.api_in, e.api_out, e.in_out_source) = (i, o, Source::Page);
        } else if stated {
            f.def(
                d,
                Topic::Conflict,
                format!("`{n}`: the page says neither in nor out; read as in and out"),
            );
        }
        return;
    }
    if !(i || o) {
        return;
    }
    if i != e.api_in {
        let (page, swagger) = if e.api_in {
            ("not in", "not read-only")
        } else {
            ("in", "read-only")
        };
        f.def(
            d,
            Topic::Conflict,
            format!("`{n}`: the page says {page}, the Swagger says {swagger}; the Swagger's kept"),
        );
    }
    if !o {
        f.def(d, Topic::Conflict, format!("`{n}`: the page says not out; the Swagger's elements are all returned, so out is kept"));
    }
}

/// The values of a clean cell: comma (or else slash) separated tokens with no space inside and
/// no prose word, at least two of them.
pub(crate) fn clean_values(cell: &str) -> Option<Vec<String>> {
    let sep = if cell.contains(',') { ',' } else { '/' };
    let values: Vec<String> = cell.split(sep).map(|v| v.trim().to_owned()).collect();
    let ok = values.len() >= 2
        && values.iter().all(|v| {
            !v.is_empty()
                && !v.contains(char::is_whitespace)
                && !PROSE.contains(&v.to_lowercase().as_str())
        });
    ok.then_some(values)
}

/// How the report quotes a cell: short cells verbatim, Coupa's sentences only counted.
pub(crate) fn quoted(cell: &str) -> String {
    let words = cell.split_whitespace().count();
    if crate::rows::is_prose(cell) {
        format!("a text of {words} words")
    } else {
        format!("`{}`", cell.replace('`', "'"))
    }
}

fn allowed(d: &str, e: &mut Element, cell: &str, f: &mut Findings) {
    let cell = cell.trim();
    if cell.is_empty() || cell.eq_ignore_ascii_case("any") {
        return;
    }
    let n = &e.name;
    let values = clean_values(cell);
    if let Some(swagger) = &e.allowed {
        if let Some(v) = values.filter(|v| sorted(v) != sorted(swagger)) {
            f.def(
                d,
                Topic::Conflict,
                format!(
                    "`{n}`: the page lists {} values, the Swagger's enum {}; the Swagger's kept",
                    v.len(),
                    swagger.len()
                ),
            );
        }
        return;
    }
    let fits = match e.ty {
        Type::String | Type::Text => true,
        Type::Integer => values
            .as_ref()
            .is_some_and(|v| v.iter().all(|x| x.parse::<i64>().is_ok())),
        _ => false,
    };
    match values {
        Some(v) if fits => {
            (e.allowed, e.allowed_source) = (Some(v), Some(Source::Page));
        }
        _ => f.def(
            d,
            Topic::Cell,
            format!("`{n}`: allowed values {} not read", quoted(cell)),
        ),
    }
}

fn sorted(v: &[String]) -> Vec<&String> {
    let mut s: Vec<&String> = v.iter().collect();
    s.sort();
    s
}
