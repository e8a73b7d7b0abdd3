//! Reading a page's tables against their headers: which tables are element or action tables,
//! and each element row read by the role of the column it sits in, or reported as unreadable.

use crate::pages::{Cell, Row, Table};

/// What a column of an element table holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Element,
    Description,
    Required,
    Unique,
    Allowed,
    In,
    Out,
    Type,
    Length,
}

impl Role {
    fn label(self) -> &'static str {
        match self {
            Role::Element => "element",
            Role::Description => "description",
            Role::Required => "required",
            Role::Unique => "unique",
            Role::Allowed => "allowed values",
            Role::In => "in",
            Role::Out => "out",
            Role::Type => "type",
            Role::Length => "length",
        }
    }
}

fn normalise(header: &str) -> String {
    let s: String = header
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '*' | '?'))
        .map(|c| if matches!(c, '_' | '-') { ' ' } else { c })
        .collect();
    s.replace('’', "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The spelling table: every header spelling of Coupa's element tables, to its role.
pub fn role(header: &str) -> Option<Role> {
    Some(match normalise(header).as_str() {
        "element" | "field name" | "field" => Role::Element,
        "description" | "field description" => Role::Description,
        "req'd" | "req" | "required" | "required field" => Role::Required,
        "unique" => Role::Unique,
        "allowable value" | "allowable values" | "allowed value" | "allowed values" => {
            Role::Allowed
        }
        "in" | "api in" | "api in field" => Role::In,
        "out" | "api out" | "api out field" => Role::Out,
        "data type" | "type" => Role::Type,
        "length" => Role::Length,
        _ => return None,
    })
}

/// The roles of an element table's columns, or `None` when the table is not one: its first
/// column is the element, every header cell is in the spelling table, and it has a type column
/// and at least one flag column.
pub fn element_roles(header: &[String]) -> Option<Vec<Role>> {
    let roles: Option<Vec<Role>> = header.iter().map(|h| role(h)).collect();
    let roles = roles?;
    let has = |r: Role| roles.contains(&r);
    (roles.first() == Some(&Role::Element)
        && has(Role::Type)
        && (has(Role::Required) || has(Role::In) || has(Role::Out)))
    .then_some(roles)
}

/// `Verb | Path | Action | Description`.
pub fn is_action_table(header: &[String]) -> bool {
    let h: Vec<String> = header.iter().map(|h| normalise(h)).collect();
    h == ["verb", "path", "action", "description"]
}

/// A flag cell: yes, no, or nothing said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    Yes,
    No,
    Empty,
}

/// One element row, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElementRow {
    pub element: String,
    pub number: usize,
    pub required: Flag,
    pub unique: Flag,
    pub api_in: Flag,
    pub api_out: Flag,
    pub allowed: String,
    pub ty: Option<Cell>,
    /// Cells read with a reading worth reporting (`yes*` as yes).
    pub remarks: Vec<String>,
}

/// What became of a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Read {
    /// Every cell empty: skipped silently.
    Empty,
    Row(ElementRow),
    /// Cannot be read without guessing: why.
    Unreadable(String),
}

/// A cell that holds a type: a link, or a scalar type (`string(255)`, `integer`, `[]`, …).
pub fn is_type_like(c: &Cell) -> bool {
    if c.link {
        return true;
    }
    let t = c.text.trim().to_lowercase();
    let head = t.split('(').next().unwrap_or("");
    let scalar = [
        "string", "text", "integer", "int", "datetime", "date", "time", "boolean", "decimal",
        "float", "number",
    ];
    t == "[]" || (scalar.contains(&head) && (t == head || t.ends_with(')')))
}

fn flag(text: &str) -> Result<(Flag, Option<String>), ()> {
    let t = text.trim().to_lowercase();
    match t.as_str() {
        "yes" | "true" => Ok((Flag::Yes, None)),
        "no" | "false" => Ok((Flag::No, None)),
        "" => Ok((Flag::Empty, None)),
        _ if t.starts_with("yes*") || t.starts_with("yes (") => {
            // The condition in brackets is Coupa's sentence: not quoted.
            let shown = if t.starts_with("yes*") {
                "yes*"
            } else {
                "yes (…)"
            };
            Ok((Flag::Yes, Some(format!("`{shown}` read as yes"))))
        }
        _ => Err(()),
    }
}

fn is_flag_word(text: &str) -> bool {
    matches!(
        text.trim().to_lowercase().as_str(),
        "yes" | "no" | "true" | "false"
    )
}

/// Reads one row against its table's roles.
pub fn read(roles: &[Role], row: &Row) -> Read {
    if row.cells.iter().all(|c| c.text.is_empty()) {
        return Read::Empty;
    }
    if row.source_cells != roles.len() {
        return Read::Unreadable(format!(
            "{} cells under a header of {}",
            row.source_cells,
            roles.len()
        ));
    }
    let cell = |r: Role| {
        roles
            .iter()
            .position(|x| *x == r)
            .and_then(|i| row.cells.get(i))
    };
    let element = cell(Role::Element)
        .map(|c| c.text.clone())
        .unwrap_or_default();
    if element.is_empty() {
        return Read::Unreadable("no element name".into());
    }
    if role(&element) == Some(Role::Element) {
        return Read::Unreadable("the element cell repeats the header".into());
    }
    let ty = cell(Role::Type).filter(|c| !c.text.is_empty());
    if let Some(t) = ty.filter(|t| is_flag_word(&t.text)) {
        return Read::Unreadable(format!("the type column holds `{}`, a flag", t.text));
    }
    if ty.is_none() {
        let shifted = roles.iter().zip(&row.cells).find(|(r, c)| {
            !matches!(r, Role::Element | Role::Description | Role::Type) && is_type_like(c)
        });
        if let Some((r, _)) = shifted {
            return Read::Unreadable(format!(
                "the type column is empty and the {} column holds a type",
                r.label()
            ));
        }
    }
    if let Some(l) = cell(Role::Length).filter(|c| !c.text.chars().all(|ch| ch.is_ascii_digit())) {
        return Read::Unreadable(format!("the length column holds `{}`", l.text));
    }
    let mut remarks = Vec::new();
    let mut flags = [Flag::Empty; 4];
    for (i, r) in [Role::Required, Role::Unique, Role::In, Role::Out]
        .into_iter()
        .enumerate()
    {
        let Some(c) = cell(r) else { continue };
        match flag(&c.text) {
            Ok((f, remark)) => {
                flags[i] = f;
                remarks.extend(remark.map(|m| format!("{}: {m}", r.label())));
            }
            Err(()) => {
                return Read::Unreadable(format!(
                    "the {} column holds neither yes/no/true/false nor nothing",
                    r.label()
                ));
            }
        }
    }
    Read::Row(ElementRow {
        element,
        number: row.number,
        required: flags[0],
        unique: flags[1],
        api_in: flags[2],
        api_out: flags[3],
        allowed: cell(Role::Allowed)
            .map(|c| c.text.clone())
            .unwrap_or_default(),
        ty: ty.cloned(),
        remarks,
    })
}

/// A row as the report shows it: the cells between `|`, with the description column and any long
/// cell (Coupa's prose) left out as `…`.
pub fn shown(roles: &[Role], row: &Row) -> String {
    let cells: Vec<String> = row
        .cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let prose = is_prose(&c.text);
            if roles.get(i) == Some(&Role::Description) && !c.text.is_empty() || prose {
                "…".to_owned()
            } else {
                c.text.replace('|', "\\|")
            }
        })
        .collect();
    format!("| {} |", cells.join(" | "))
}

/// The element tables of a page with their roles.
pub fn element_tables(tables: &[Table]) -> Vec<(&Table, Vec<Role>)> {
    tables
        .iter()
        .filter_map(|t| element_roles(&t.header).map(|r| (t, r)))
        .collect()
}

/// A cell that may be one of Coupa's sentences rather than a value: more than three words or 40
/// characters. The report does not quote such a cell.
pub(crate) fn is_prose(cell: &str) -> bool {
    cell.split_whitespace().count() > 3 || cell.chars().count() > 40
}
