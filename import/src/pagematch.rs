//! Mapping pages to the Swagger: action rows to operations (and so pages to tags), element tables
//! to definitions by their action rows or by the overlap of element names.

use std::collections::{BTreeMap, BTreeSet};

use crate::findings::{Findings, Topic};
use crate::model::Definition;
use crate::pages::Page;
use crate::rows;
use crate::swagger::{Method, RawOp};

/// Pages under this `toc_path[1]` describe the Core API, which the Swagger files describe.
pub const CORE: &str = "The Coupa Core API";
/// Core pages that are integration guides (step tables), not reference pages.
pub const GUIDES: [&str; 2] = [
    "Invoices Integration into your ERP",
    "PO's and PO Changes Integration into your ERP",
];

/// How a page (or one of its element tables) was mapped.
#[derive(Clone, Debug, PartialEq)]
pub struct TableMap {
    /// The element table's number on its page; `None` for a page mapped by action rows only.
    pub table: Option<usize>,
    /// The definition, by Swagger name.
    pub def: Option<String>,
    /// The overlap of element names, when mapped by them (0 to 1).
    pub jaccard: Option<f64>,
}

/// What the import made of one page.
#[derive(Clone, Debug, PartialEq)]
pub struct PageSummary {
    pub file: String,
    pub title: String,
    pub url: String,
    /// A Core API reference page (matched to the Swagger).
    pub core: bool,
    /// The tag its action rows name most, with (rows matched, action rows).
    pub tag: Option<(String, usize, usize)>,
    /// Action rows in all, and how many matched an operation.
    pub action_rows: (usize, usize),
    /// The action rows whose method and path no operation of the Swagger has: `GET
    /// /api/accounts/favorites`, with the table and row.
    pub page_only: Vec<PageRoute>,
    pub tables: Vec<TableMap>,
}

/// A route a page lists and the Swagger lacks.
#[derive(Clone, Debug, PartialEq)]
pub struct PageRoute {
    pub method: Method,
    /// The Path cell as the page writes it (`/api/accounts/:id/favorite`).
    pub path: String,
    /// The Action cell.
    pub action: String,
    pub table: usize,
    pub row: usize,
}

/// The page (and table) chosen for a definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub page: usize,
    pub table: Option<usize>,
    /// 0: by action rows; 1: by element names.
    rank: u8,
    score: f64,
}

/// Everything matched.
#[derive(Debug, Default)]
pub struct Matches {
    pub pages: Vec<PageSummary>,
    /// (method, Swagger path) → (action name, page file).
    pub names: BTreeMap<(Method, String), (String, String)>,
    /// Definition → page and table.
    pub chosen: BTreeMap<String, Choice>,
}

pub fn is_core(p: &Page) -> bool {
    p.toc_path.get(1).map(String::as_str) == Some(CORE) && !GUIDES.contains(&p.title.as_str())
}

/// `{id}` and every other placeholder made alike, for comparing page and Swagger paths.
pub(crate) fn generic(path: &str) -> String {
    path.split('/')
        .map(|s| {
            if s.starts_with('{') || s.starts_with(':') {
                "{}"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A page's path cell as a Swagger path: `/api/x/:id` → `/x/{id}`; `None` for a path outside
/// `/api`.
fn page_path(cell: &str) -> Option<String> {
    let p: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
    let p = p.split('?').next().unwrap_or("");
    let rest = p.strip_prefix("/api/").or_else(|| p.strip_prefix("api/"))?;
    let segs: Vec<String> = rest
        .trim_end_matches('/')
        .split('/')
        .map(|s| {
            s.strip_prefix(':')
                .map_or_else(|| s.to_owned(), |n| format!("{{{n}}}"))
        })
        .collect();
    Some(format!("/{}", segs.join("/")))
}

fn methods(cell: &str) -> Vec<Method> {
    cell.split(['|', '/', ','])
        .filter_map(|m| match m.trim().to_uppercase().as_str() {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PUT" => Some(Method::Put),
            "PATCH" => Some(Method::Patch),
            "DELETE" => Some(Method::Delete),
            _ => None,
        })
        .collect()
}

/// A page's Action cell as a kebab action name: snake and Title Case words joined by `-`,
/// `destroy` read as `delete`. `Err` with the reason when the cell is not a name.
pub(crate) fn action_name(cell: &str) -> Result<Option<String>, &'static str> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    if cell.starts_with('{') {
        return Err("a Ruby hash, not a name");
    }
    let words: Vec<String> = cell
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let name = words.join("-");
    let name = if name == "destroy" {
        "delete".to_owned()
    } else {
        name
    };
    if crate::names::is_kebab(&name) {
        Ok(Some(name))
    } else {
        Err("not a name")
    }
}

/// Matches every page; `defs` are the definitions by Swagger name.
pub fn run(
    pages: &[Page],
    ops: &[RawOp],
    defs: &BTreeMap<String, Definition>,
    f: &mut Findings,
) -> Matches {
    let mut index: BTreeMap<(Method, String), Vec<usize>> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        index
            .entry((op.method, generic(&op.path)))
            .or_default()
            .push(i);
    }
    let props: Vec<(&String, BTreeSet<String>)> = defs
        .iter()
        .map(|(n, d)| {
            (
                n,
                d.elements
                    .iter()
                    .map(|e| e.name.trim_end_matches('?').to_owned())
                    .collect(),
            )
        })
        .collect();
    let mut m = Matches::default();
    let mut candidates: Vec<(String, Choice)> = Vec::new();
    for (pi, page) in pages.iter().enumerate() {
        let core = is_core(page);
        let mut summary = PageSummary {
            file: page.file.clone(),
            title: page.title.clone(),
            url: page.url.clone(),
            core,
            tag: None,
            action_rows: (0, 0),
            page_only: Vec::new(),
            tables: Vec::new(),
        };
        if core {
            summary.tag = action_rows(page, ops, &index, &mut m, &mut summary, f);
            element_tables(pi, page, &props, &mut summary, &mut candidates, f);
        }
        m.pages.push(summary);
    }
    choose(candidates, pages, &mut m, f);
    m
}

fn action_rows(
    page: &Page,
    ops: &[RawOp],
    index: &BTreeMap<(Method, String), Vec<usize>>,
    m: &mut Matches,
    summary: &mut PageSummary,
    f: &mut Findings,
) -> Option<(String, usize, usize)> {
    let counts = &mut summary.action_rows;
    let mut by_tag: BTreeMap<&str, usize> = BTreeMap::new();
    for table in page
        .tables
        .iter()
        .filter(|t| rows::is_action_table(&t.header))
    {
        for row in &table.rows {
            let cell = |i: usize| row.cells.get(i).map_or("", |c| c.text.as_str());
            let Some(path) = page_path(cell(1)) else {
                continue;
            };
            for method in methods(cell(0)) {
                counts.0 += 1;
                let hits = index
                    .get(&(method, generic(&path)))
                    .map_or(&[][..], Vec::as_slice);
                if hits.is_empty() {
                    summary.page_only.push(PageRoute {
                        method,
                        path: cell(1).trim().trim_matches('`').to_owned(),
                        action: cell(2).trim().to_owned(),
                        table: table.number,
                        row: row.number,
                    });
                }
                let [hit] = hits else { continue };
                counts.1 += 1;
                let op = &ops[*hit];
                *by_tag.entry(op.tag.as_str()).or_default() += 1;
                name_from_row(page, table.number, row.number, cell(2), op, m, f);
            }
        }
    }
    let best = by_tag
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
    Some((best.0.to_string(), *best.1, counts.0))
}

fn name_from_row(
    page: &Page,
    table: usize,
    row: usize,
    cell: &str,
    op: &RawOp,
    m: &mut Matches,
    f: &mut Findings,
) {
    let key = (op.method, op.path.clone());
    match action_name(cell) {
        Ok(None) => {}
        Ok(Some(name)) => match m.names.get(&key) {
            None => {
                m.names.insert(key, (name, page.file.clone()));
            }
            Some((other, file)) if *other != name => f.def(
                &op.tag,
                Topic::Name,
                format!("{} {}: {file} names it `{other}`, {} (table {table}, row {row}) `{name}`; the first is used", op.method.as_str(), op.full_path, page.file),
            ),
            Some(_) => {}
        },
        Err(why) => f.page(
            &page.file,
            Topic::Name,
            format!("table {table}, row {row}: the Action cell of {} {} is {why}; the rule names the action", op.method.as_str(), op.full_path),
        ),
    }
}

/// A page's element name as a Swagger property name: lower case, `_` → `-`, no `?`.
pub(crate) fn element_key(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .replace('_', "-")
        .trim_end_matches('?')
        .to_owned()
}

fn element_tables(
    pi: usize,
    page: &Page,
    props: &[(&String, BTreeSet<String>)],
    summary: &mut PageSummary,
    candidates: &mut Vec<(String, Choice)>,
    f: &mut Findings,
) {
    for t in page
        .tables
        .iter()
        .filter(|t| rows::element_roles(&t.header).is_none())
    {
        let first = t.header.first().map(String::as_str).unwrap_or("");
        if rows::role(first) == Some(rows::Role::Element) && !rows::is_action_table(&t.header) {
            let (n, h) = (t.number, t.header.join(" | "));
            f.page(&page.file, Topic::Mapping, format!("table {n}: the header `{h}` is not an element table's (no type or flag column, or a column not in the spelling table); not read"));
        }
    }
    let tables = rows::element_tables(&page.tables);
    if let Some((tag, matched, _)) = &summary.tag {
        let first = tables.first().map(|t| t.0.number);
        summary.tables.push(TableMap {
            table: first,
            def: Some(tag.clone()),
            jaccard: None,
        });
        let choice = Choice {
            page: pi,
            table: first,
            rank: 0,
            score: *matched as f64,
        };
        candidates.push((tag.clone(), choice));
    }
    let skip = usize::from(summary.tag.is_some());
    for (table, _) in tables.into_iter().skip(skip) {
        let names: BTreeSet<String> = table
            .rows
            .iter()
            .filter_map(|r| r.cells.first())
            .map(|c| element_key(&c.text))
            .filter(|n| !n.is_empty() && rows::role(n) != Some(rows::Role::Element))
            .collect();
        let mut best: Option<(&String, f64)> = None;
        let mut ties = Vec::new();
        for (def, set) in props {
            let inter = names.intersection(set).count();
            let union = names.union(set).count().max(1);
            let j = inter as f64 / union as f64;
            match best {
                Some((_, b)) if (j - b).abs() < 1e-9 => ties.push((*def).clone()),
                Some((_, b)) if j < b => {}
                _ => {
                    best = Some((def, j));
                    ties.clear();
                }
            }
        }
        // The definition the page's title names, when its element names overlap as much as a
        // match needs, wins over a closer overlap: Language and AdjustmentCode hold the same
        // names, and the Adjustment Code page is AdjustmentCode's.
        if let Some((named, nj)) = props.iter().find_map(|(d, set)| {
            names_the_title(d, &page.title).then(|| {
                let inter = names.intersection(set).count();
                let union = names.union(set).count().max(1);
                (*d, inter as f64 / union as f64)
            })
        }) && nj >= 0.5
            && best.is_some_and(|(b, _)| b != named)
        {
            best = Some((named, nj));
            ties.clear();
        }
        let (def, j) = best.map_or((None, 0.0), |(d, j)| (Some(d.clone()), j));
        let mapped = def.filter(|_| j >= 0.5);
        if let (Some(d), false) = (&mapped, ties.is_empty()) {
            f.page(
                &page.file,
                Topic::Mapping,
                format!(
                    "table {}: {d} ties with {} (Jaccard {j:.2}); {d} is taken by name order",
                    table.number,
                    ties.join(", ")
                ),
            );
        }
        if let Some(d) = &mapped {
            candidates.push((
                d.clone(),
                Choice {
                    page: pi,
                    table: Some(table.number),
                    rank: 1,
                    score: j,
                },
            ));
        }
        summary.tables.push(TableMap {
            table: Some(table.number),
            def: mapped,
            jaccard: Some(j),
        });
    }
}

/// Whether a definition's name is what a page's title names: `Adjustment Code API` names
/// `AdjustmentCode`, `Languages API` names `Language` (case, spaces, `-`, a trailing `API` and
/// a plural aside).
fn names_the_title(def: &str, title: &str) -> bool {
    let key = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_lowercase()
    };
    let t = key(title.split('(').next().unwrap_or(title));
    let t = t.strip_suffix("api").unwrap_or(&t);
    let d = key(def);
    d == t
        || t.strip_suffix('s') == Some(d.as_str())
        || t.strip_suffix("ies")
            .is_some_and(|stem| d.strip_suffix('y') == Some(stem))
}

fn choose(
    mut candidates: Vec<(String, Choice)>,
    pages: &[Page],
    m: &mut Matches,
    f: &mut Findings,
) {
    candidates.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.rank.cmp(&b.1.rank))
            .then(b.1.score.total_cmp(&a.1.score))
            .then(pages[a.1.page].file.cmp(&pages[b.1.page].file))
    });
    for (def, choice) in candidates {
        match m.chosen.get(&def) {
            None => {
                m.chosen.insert(def, choice);
            }
            Some(first) => {
                let (used, other) = (&pages[first.page].file, &pages[choice.page].file);
                let table = choice
                    .table
                    .map_or(String::new(), |t| format!(" (table {t})"));
                f.page(
                    other,
                    Topic::Mapping,
                    format!("also matches {def}{table}, which takes {used}; not used for it"),
                );
            }
        }
    }
}
