//! Records as a table for a person: the columns a person would pick (the key, the status-like
//! elements, a name or code, the creation time), or the ones `--columns` names.

use std::io::Write;

use coupa_runtime::registry::{Assigned, Element, ElementKind, Shape};
use serde_json::Value;

use crate::names;

/// The widest a cell is shown.
const CELL: usize = 40;
/// The most columns picked by default.
const DEFAULT_COLUMNS: usize = 6;

/// A column: its heading and the path of wire names to its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    path: Vec<&'static str>,
}

impl Column {
    fn of(path: Vec<&'static str>) -> Column {
        Column { path }
    }

    /// The heading: the dotted path.
    pub fn heading(&self) -> String {
        self.path.join(".")
    }

    fn value<'a>(&self, record: &'a Value) -> Option<&'a Value> {
        self.path.iter().try_fold(record, |v, k| v.get(*k))
    }
}

fn scalar(e: &Element) -> bool {
    e.api_out && !e.list && !matches!(e.kind, ElementKind::Shape | ElementKind::Object)
}

fn wordy(name: &str) -> bool {
    ["name", "code", "title", "number", "login"]
        .iter()
        .any(|w| name.split('-').any(|part| part == *w))
}

/// The columns a person would pick for a shape.
pub fn default_columns(shape: &Shape) -> Vec<Column> {
    let mut out: Vec<Column> = Vec::new();
    let add = |c: Column, out: &mut Vec<Column>| {
        if out.len() < DEFAULT_COLUMNS && !out.contains(&c) {
            out.push(c);
        }
    };
    let els = shape.elements;
    for e in els.iter().filter(|e| e.key && scalar(e)) {
        add(Column::of(vec![e.name]), &mut out);
    }
    for e in els.iter().filter(|e| scalar(e) && wordy(e.name)).take(2) {
        add(Column::of(vec![e.name]), &mut out);
    }
    for e in els
        .iter()
        .filter(|e| scalar(e) && !e.allowed.is_empty())
        .take(2)
    {
        add(Column::of(vec![e.name]), &mut out);
    }
    for e in els
        .iter()
        .filter(|e| e.api_out && !e.list && e.assigned.is_none())
        .take(8)
    {
        let Some(inner) = e.struct_shape() else {
            continue;
        };
        if let Some(n) = inner.elements.iter().find(|n| scalar(n) && wordy(n.name)) {
            add(Column::of(vec![e.name, n.name]), &mut out);
            break;
        }
    }
    for when in [Assigned::CreatedAt, Assigned::UpdatedAt] {
        if let Some(e) = els.iter().find(|e| e.assigned == Some(when) && scalar(e)) {
            add(Column::of(vec![e.name]), &mut out);
        }
    }
    if out.is_empty() {
        for e in els.iter().filter(|e| scalar(e)).take(DEFAULT_COLUMNS) {
            add(Column::of(vec![e.name]), &mut out);
        }
    }
    out
}

/// The columns `--columns` names (dotted paths into nested elements), checked.
pub fn named_columns(shape: &Shape, names: &[String]) -> Result<Vec<Column>, String> {
    names
        .iter()
        .map(|n| {
            names::element_path(shape, n)
                .map(|els| Column::of(els.iter().map(|e| e.name).collect()))
        })
        .collect()
}

/// A cell's text: strings as they are, nested objects by a name or code, lists by their length.
fn cell(v: Option<&Value>) -> String {
    let text = match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => format!("[{} items]", a.len()),
        Some(Value::Object(m)) => ["code", "name", "login", "id"]
            .iter()
            .find_map(|k| m.get(*k).filter(|v| !v.is_null()))
            .map_or_else(|| Value::Object(m.clone()).to_string(), |v| cell(Some(v))),
        Some(other) => other.to_string(),
    };
    let text = text.replace(['\n', '\r', '\t'], " ");
    if text.chars().count() > CELL {
        let cut: String = text.chars().take(CELL - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// Writes the records as an aligned table.
pub fn write(out: &mut impl Write, columns: &[Column], records: &[Value]) {
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| columns.iter().map(|c| cell(c.value(r))).collect())
        .collect();
    let headings: Vec<String> = columns.iter().map(|c| c.heading().to_uppercase()).collect();
    let widths: Vec<usize> = headings
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([h.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let _ = writeln!(out, "{}", line(&headings));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integration_runs_get_the_columns_a_person_would_pick() {
        let r = coupa_api::registry::resource("integration-runs").unwrap();
        let got: Vec<String> = default_columns(r.shape)
            .iter()
            .map(Column::heading)
            .collect();
        assert!(got.len() >= 3 && got.len() <= DEFAULT_COLUMNS, "{got:?}");
        assert_eq!(got[0], "id");
        assert!(got.contains(&"status".to_owned()), "{got:?}");
        assert!(got.contains(&"integration.code".to_owned()), "{got:?}");
    }

    #[test]
    fn cells_are_short_and_on_one_line() {
        assert_eq!(cell(Some(&serde_json::json!({"code": "X", "id": 1}))), "X");
        assert_eq!(cell(Some(&serde_json::json!([1, 2]))), "[2 items]");
        assert_eq!(cell(Some(&serde_json::json!("a\nb"))), "a b");
        assert_eq!(
            cell(Some(&Value::String("x".repeat(50)))).chars().count(),
            CELL
        );
    }
}
