//! The report's section on pages: pages outside the Core API, Core pages not matched, and how each
//! Core page was mapped, with the findings about pages.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::Release;
use crate::findings::Subject;
use crate::pagematch::PageSummary;
use crate::report::{cell, num, topic_title};

pub(crate) fn render(s: &mut String, r: &Release) {
    s.push_str("## Pages\n\n");
    let not_core: Vec<&PageSummary> = r.pages.iter().filter(|p| !p.core).collect();
    let _ = writeln!(
        s,
        "### Not the Core API ({})\n\nPages outside `The Coupa Core API` and the two integration guides: \
         not matched to the Swagger.\n",
        num(not_core.len())
    );
    for p in not_core {
        let _ = writeln!(s, "- `{}` {}", p.file, cell(&p.title));
    }
    s.push('\n');
    let mut used: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, d) in &r.definitions {
        if let Some(p) = &d.page {
            used.entry(p.file.as_str()).or_default().push(name);
        }
    }
    let core: Vec<&PageSummary> = r.pages.iter().filter(|p| p.core).collect();
    let unmatched: Vec<&&PageSummary> = core
        .iter()
        .filter(|p| !used.contains_key(p.file.as_str()))
        .collect();
    let _ = writeln!(
        s,
        "### Core pages that describe no definition ({})\n\nA page matching a definition that a \
         better page (by action rows, then Jaccard, then name) describes is listed with that \
         definition; the others with their best overlap of element names.\n",
        num(unmatched.len())
    );
    for p in &unmatched {
        let mapped: std::collections::BTreeSet<&str> = p
            .tag
            .iter()
            .map(|t| t.0.as_str())
            .chain(p.tables.iter().filter_map(|t| t.def.as_deref()))
            .collect();
        if !mapped.is_empty() {
            let _ = writeln!(
                s,
                "- `{}` {}: matches {}, described by another page",
                p.file,
                cell(&p.title),
                mapped.into_iter().collect::<Vec<_>>().join(", ")
            );
            continue;
        }
        let best = p
            .tables
            .iter()
            .filter_map(|t| {
                t.jaccard
                    .map(|j| format!("table {} best Jaccard {j:.2}", t.table.unwrap_or(0)))
            })
            .collect::<Vec<_>>();
        let why = if best.is_empty() {
            "no element table and no matching action row".to_owned()
        } else {
            best.join(", ")
        };
        let _ = writeln!(s, "- `{}` {}: {why}", p.file, cell(&p.title));
    }
    s.push_str("\n### Mapping of the Core pages\n\n");
    s.push_str("| page | action rows matched | by action rows | element tables (Jaccard) | describes |\n|---|---:|---|---|---|\n");
    for p in &core {
        mapping_row(s, p, used.get(p.file.as_str()));
    }
    s.push('\n');
    page_only(s, &core);
    findings(s, r);
}

/// The routes Core pages list and the Swagger lacks: the schemas have no route for them.
fn page_only(s: &mut String, core: &[&PageSummary]) {
    let count: usize = core.iter().map(|p| p.page_only.len()).sum();
    let _ = writeln!(
        s,
        "### Routes only on the pages ({})

Action rows of Core pages whose method and path (placeholders aside) \
         no operation of the Swagger has, so no schema has a route for them. Where Coupa serves one, an override \
         adds the action.\n",
        num(count)
    );
    if count == 0 {
        s.push_str("None.\n\n");
        return;
    }
    s.push_str("| page | method | path | action | table, row |\n|---|---|---|---|---|\n");
    for p in core {
        for r in &p.page_only {
            let _ = writeln!(
                s,
                "| `{}` | {} | `{}` | {} | {}, {} |",
                p.file,
                r.method.as_str(),
                cell(&r.path),
                cell(&r.action),
                r.table,
                r.row
            );
        }
    }
    s.push('\n');
}

fn mapping_row(s: &mut String, p: &PageSummary, used: Option<&Vec<&str>>) {
    let tag = p
        .tag
        .as_ref()
        .map_or("–".to_owned(), |(t, n, _)| format!("{t} ({n})"));
    let tables: Vec<String> = p
        .tables
        .iter()
        .filter(|t| t.jaccard.is_some())
        .map(|t| {
            let j = t.jaccard.unwrap_or(0.0);
            match &t.def {
                Some(d) => format!("{}: {d} ({j:.2})", t.table.unwrap_or(0)),
                None => format!("{}: none ({j:.2})", t.table.unwrap_or(0)),
            }
        })
        .collect();
    let described = used.map_or("–".to_owned(), |u| u.join(", "));
    let _ = writeln!(
        s,
        "| `{}` | {} of {} | {tag} | {} | {described} |",
        p.file,
        p.action_rows.1,
        p.action_rows.0,
        if tables.is_empty() {
            "–".to_owned()
        } else {
            tables.join("; ")
        }
    );
}

fn findings(s: &mut String, r: &Release) {
    let mut by_page: BTreeMap<&str, Vec<&crate::Finding>> = BTreeMap::new();
    for f in &r.findings.0 {
        if let Subject::Page(p) = &f.subject {
            by_page.entry(p.as_str()).or_default().push(f);
        }
    }
    s.push_str("### Findings about pages\n\n");
    if by_page.is_empty() {
        s.push_str("None.\n");
    }
    for (page, mut list) in by_page {
        list.sort();
        let _ = writeln!(s, "#### `{page}`\n");
        for f in list {
            let _ = writeln!(s, "- {}: {}", topic_title(f.topic), f.text);
        }
        s.push('\n');
    }
}
