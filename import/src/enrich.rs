//! What the matched page adds to a definition: in/out of references and lists, unique, allowed
//! values the Swagger lacks, the types of self references; and every disagreement with the
//! Swagger, reported and settled for the Swagger.

use std::collections::BTreeMap;

use crate::findings::{Findings, Subject, Topic};
use crate::model::{Definition, Element, PageRef, Type};
use crate::pagematch::{Matches, element_key};
use crate::pages::{Cell, Page};
use crate::rows::{self, ElementRow, Read};

/// Self references kept as written: the names say the element is another object of the same type.
const SELF_NAMES: [&str; 3] = ["parent", "master-contract", "original-transaction"];

/// Applies the chosen pages to the definitions, and reports every unreadable row of every Core
/// element table.
pub(crate) fn apply(
    defs: &mut BTreeMap<String, Definition>,
    pages: &[Page],
    m: &Matches,
    f: &mut Findings,
) {
    let lookup: BTreeMap<String, String> = defs
        .keys()
        .map(|k| (k.to_lowercase().replace('-', ""), k.clone()))
        .collect();
    let mut owner: BTreeMap<(usize, usize), String> = BTreeMap::new();
    for (def, c) in &m.chosen {
        if let Some(t) = c.table {
            owner.insert((c.page, t), def.clone());
        }
    }
    let mut rows_of: BTreeMap<String, Vec<ElementRow>> = BTreeMap::new();
    for (pi, page) in pages
        .iter()
        .enumerate()
        .filter(|(_, p)| crate::pagematch::is_core(p))
    {
        for (table, roles) in rows::element_tables(&page.tables) {
            let def = owner.get(&(pi, table.number));
            let subject = def.map_or(Subject::Page(page.file.clone()), |d| {
                Subject::Def(d.clone())
            });
            let read = read_table(page, table, &roles, &subject, f);
            if let Some(d) = def {
                rows_of.insert(d.clone(), read);
            }
        }
    }
    for (name, def) in defs.iter_mut() {
        if let Some(c) = m.chosen.get(name) {
            let p = &pages[c.page];
            def.page = Some(PageRef {
                file: p.file.clone(),
                title: p.title.clone(),
                url: p.url.clone(),
            });
        }
        let rows = rows_of.remove(name).unwrap_or_default();
        apply_rows(def, &rows, &lookup, f);
    }
}

fn read_table(
    page: &Page,
    table: &crate::pages::Table,
    roles: &[rows::Role],
    subject: &Subject,
    f: &mut Findings,
) -> Vec<ElementRow> {
    let mut read: Vec<ElementRow> = Vec::new();
    let mut unreadable = |why: String, row: &crate::pages::Row| {
        let text = format!(
            "{} table {}, row {} (line {}): {why}: `{}`",
            page.file,
            table.number,
            row.number,
            row.line,
            rows::shown(roles, row)
        );
        f.0.push(crate::findings::Finding {
            subject: subject.clone(),
            topic: Topic::Unreadable,
            text,
        });
    };
    // An element on several rows that differ cannot be read without guessing which row is its.
    let mut by_name: BTreeMap<&str, Vec<&crate::pages::Row>> = BTreeMap::new();
    for row in &table.rows {
        if let Some(c) = row.cells.first().filter(|c| !c.text.is_empty()) {
            by_name.entry(c.text.as_str()).or_default().push(row);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for row in &table.rows {
        let name = row.cells.first().map_or("", |c| c.text.as_str());
        let group = by_name.get(name).map_or(&[][..], Vec::as_slice);
        if group.len() > 1 && group.iter().any(|r| r.cells != group[0].cells) {
            unreadable(
                format!("`{name}` is in {} rows that differ", group.len()),
                row,
            );
            continue;
        }
        if !seen.insert(name.to_owned()) {
            continue;
        }
        match rows::read(roles, row) {
            Read::Empty => {}
            Read::Row(r) => read.push(r),
            Read::Unreadable(why) => unreadable(why, row),
        }
    }
    read
}

/// The definition a page's type cell names: link text, words joined (`Approval Limit`), `::` and
/// `/` read as `-`, looked up without case and `-`. `Ok(None)` for a scalar or empty cell.
fn page_def(
    cell: &Option<Cell>,
    lookup: &BTreeMap<String, String>,
) -> Result<Option<String>, String> {
    let Some(c) = cell else { return Ok(None) };
    if !c.link && rows::is_type_like(c) {
        return Ok(None);
    }
    let text = c.text.trim();
    // `Tagging API`, `Supplier Tax Detail Object`: the page's word for the object is dropped.
    let bare = ["API", "Object", "object"]
        .iter()
        .find_map(|w| text.strip_suffix(w).map(str::trim_end))
        .unwrap_or(text);
    let key = |s: &str| -> String {
        s.chars()
            .filter(|ch| ch.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase()
    };
    // `Users`, `Payment Terms`: a plural of the definition's name.
    let singular = crate::names::singular(&key(bare));
    [key(text), key(bare), singular]
        .iter()
        .find_map(|k| lookup.get(k))
        .cloned()
        .map(Some)
        .ok_or_else(|| text.to_owned())
}

fn find<'a>(elements: &'a mut [Element], page_name: &str) -> Option<&'a mut Element> {
    let exact = elements.iter().position(|e| e.name == page_name);
    let key = element_key(page_name);
    let i = exact
        .or_else(|| elements.iter().position(|e| e.name == key))
        .or_else(|| {
            elements
                .iter()
                .position(|e| e.name.trim_end_matches('?') == key)
        })?;
    Some(&mut elements[i])
}

fn apply_rows(
    def: &mut Definition,
    rows: &[ElementRow],
    lookup: &BTreeMap<String, String>,
    f: &mut Findings,
) {
    let d = def.swagger_name.clone();
    let mut typed_by_page: BTreeMap<String, Result<Option<String>, String>> = BTreeMap::new();
    for row in rows {
        for r in &row.remarks {
            f.def(
                &d,
                Topic::Cell,
                format!("row {} `{}`: {r}", row.number, row.element),
            );
        }
        let Some(e) = find(&mut def.elements, &row.element) else {
            f.def(
                &d,
                Topic::PageRow,
                format!(
                    "page row {} `{}` names no element of the Swagger definition; not read",
                    row.number, row.element
                ),
            );
            continue;
        };
        let typed = page_def(&row.ty, lookup);
        if let Err(miss) = &typed {
            let n = &e.name;
            let miss = crate::flags::quoted(miss);
            f.def(
                &d,
                Topic::Cell,
                format!("`{n}`: the page's type {miss} names no definition"),
            );
        }
        typed_by_page.insert(e.name.clone(), typed);
        crate::flags::apply(&d, e, row, f);
    }
    for e in &mut def.elements {
        let from_page = typed_by_page.get(&e.name);
        self_reference(&d, e, from_page, f);
    }
}

fn self_reference(
    d: &str,
    e: &mut Element,
    page: Option<&Result<Option<String>, String>>,
    f: &mut Findings,
) {
    let is_self = e.ty == Type::Ref(d.to_owned());
    let hint = e.ty == Type::Object && e.note.is_some();
    if !is_self && !hint {
        return;
    }
    let what = if e.list { "the item type" } else { "the type" };
    let named = match page {
        Some(Ok(Some(t))) => Some(t.clone()),
        _ => None,
    };
    if hint {
        if let Some(t) = named {
            f.def(
                d,
                Topic::Format,
                format!("`{}`: the page's row names {t}; read as {t}", e.name),
            );
            e.note = Some(format!(
                "The Swagger's format for this element is not a type; the type is from the page's row ({t})."
            ));
            e.ty = Type::Ref(t);
        }
        return;
    }
    if SELF_NAMES.contains(&e.name.as_str()) {
        f.def(
            d,
            Topic::SelfRef,
            format!("`{}`: {what} is {d} itself; kept, as the name says", e.name),
        );
        return;
    }
    match named {
        Some(t) if t == d => f.def(
            d,
            Topic::SelfRef,
            format!(
                "`{}`: {what} is {d} itself; kept, as the page's row names it too",
                e.name
            ),
        ),
        Some(t) => {
            f.def(
                d,
                Topic::SelfRef,
                format!(
                    "`{}`: {what} is {d} itself; read as {t}, which the page's row names",
                    e.name
                ),
            );
            e.note = Some(format!(
                "The Swagger gives the containing object as {what}; the type is from the page's row ({t})."
            ));
            e.ty = Type::Ref(t);
        }
        None => {
            f.def(d, Topic::SelfRef, format!("`{}`: {what} is {d} itself and no page row names another; read as an open object", e.name));
            e.note = Some(format!(
                "The Swagger gives the containing object as {what}; read as an open object."
            ));
            e.ty = Type::Object;
        }
    }
}
