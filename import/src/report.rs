//! The report, `schema/IMPORT.md`: coverage, the decisions that apply everywhere, every
//! resource's and shape's findings, and the pages. Written from the facts and the importer's own
//! words only.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::findings::{Subject, Topic};
use crate::model::{NameSource, Resource, Source};
use crate::{Coverage, Release};

/// Where the report is written.
pub const PATH: &str = "schema/IMPORT.md";

/// `1234` → `1,234`.
pub(crate) fn num(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A table cell: `|` escaped, line breaks flattened.
pub(crate) fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render(r: &Release) -> String {
    let mut s = String::new();
    header(&mut s, r);
    coverage(&mut s, r);
    crate::report_decisions::render(&mut s, r);
    resources(&mut s, r);
    shapes(&mut s, r);
    crate::report_pages::render(&mut s, r);
    s
}

fn header(s: &mut String, r: &Release) {
    let _ = writeln!(s, "# Import of Coupa's {} API descriptions\n", r.name);
    s.push_str(
        "Written by `cargo xtask import` from Coupa's Swagger files and English reference pages; do not edit.\n\
         Everything below is a fact read from those files or a decision of the importer, in its own words.\n\n\
         | area | file | sha256 |\n|---|---|---|\n",
    );
    for f in &r.swagger {
        let _ = writeln!(
            s,
            "| {} | `{}` | `{}…` |",
            f.area,
            f.file,
            &f.sha256[..12.min(f.sha256.len())]
        );
    }
    let d = &r.pages_digest;
    let _ = writeln!(
        s,
        "\nPages read: {} (sha256 of the set `{}…`).\n",
        num(d.count),
        &d.sha256[..12.min(d.sha256.len())]
    );
}

fn coverage(s: &mut String, r: &Release) {
    let c = Coverage::of(r);
    let named = r
        .resources
        .values()
        .flat_map(|x| &x.actions)
        .filter(|a| matches!(a.name_source, NameSource::Page(_)))
        .count();
    s.push_str("## Coverage\n\n| | imported | in the sources |\n|---|---:|---:|\n");
    let rows = [
        ("operations (actions)", c.operations, c.swagger_operations),
        ("resources (tags)", c.resources, c.tags),
        ("types (definitions)", c.types, c.definitions),
        (
            "elements (properties of the distinct definitions)",
            c.elements,
            c.properties,
        ),
        (
            "Core reference pages matched to a definition",
            c.pages_matched,
            c.core_pages,
        ),
        ("actions named by a page row", named, c.operations),
    ];
    for (what, a, b) in rows {
        let _ = writeln!(s, "| {what} | {} | {} |", num(a), num(b));
    }
    let with_page = r.definitions.values().filter(|d| d.page.is_some()).count();
    let res_with_page = r
        .resources
        .keys()
        .filter(|t| r.definitions[*t].page.is_some())
        .count();
    let _ = writeln!(
        s,
        "\n{} of {} resources and {} of {} definitions have a page. Every property is imported as an \
         element; what a page adds (in/out of references and lists, unique, allowed values) is only as \
         good as the rows that could be read (see each resource).\n",
        num(res_with_page),
        num(r.resources.len()),
        num(with_page),
        num(r.definitions.len())
    );
    s.push_str("### Findings by kind\n\nEach is listed under its resource, shape or page below.\n\n| kind | count |\n|---|---:|\n");
    let mut counts: BTreeMap<Topic, usize> = BTreeMap::new();
    for f in &r.findings.0 {
        *counts.entry(f.topic).or_default() += 1;
    }
    for (t, n) in counts {
        let _ = writeln!(s, "| {} | {} |", topic_title(t), num(n));
    }
    s.push('\n');
    s.push_str("### Operations left out\n\n");
    if r.left_out.is_empty() {
        s.push_str("None.\n\n");
    } else {
        s.push_str("| method | path | tag | why |\n|---|---|---|---|\n");
        for l in &r.left_out {
            let _ = writeln!(
                s,
                "| {} | `{}` | {} | {} |",
                l.method.as_str(),
                l.path,
                l.tag,
                l.reason
            );
        }
        s.push('\n');
    }
    s.push_str("### Problems in the input files\n\n");
    if r.diagnostics.is_empty() {
        s.push_str("None: every Swagger file is well-formed Swagger 2.0 and every page has its front matter.\n\n");
    } else {
        for d in &r.diagnostics {
            let _ = writeln!(s, "- {}", cell(&d.to_string()));
        }
        s.push('\n');
    }
}

fn by_area(r: &Release) -> BTreeMap<&str, Vec<&Resource>> {
    let mut m: BTreeMap<&str, Vec<&Resource>> = BTreeMap::new();
    for res in r.resources.values() {
        m.entry(res.area.as_str()).or_default().push(res);
    }
    m
}

fn resources(s: &mut String, r: &Release) {
    s.push_str("## Resources\n\n");
    for (area, list) in by_area(r) {
        let _ = writeln!(s, "### {area}\n");
        for res in list {
            resource(s, r, res);
        }
    }
}

pub(crate) fn page_line(r: &Release, def: &str) -> String {
    match &r.definitions[def].page {
        Some(p) => format!("[{}]({}) (`{}`)", p.title, p.url, p.file),
        None => "no page".into(),
    }
}

fn resource(s: &mut String, r: &Release, res: &Resource) {
    let def = &r.definitions[&res.tag];
    let _ = writeln!(s, "#### {} (`{}`)\n", res.tag, res.module);
    let _ = writeln!(
        s,
        "- schema `{}`, wire name `{}`, plural `{}`, main path `{}`\n- page: {}\n- {} elements, {} actions\n",
        def.name,
        def.wire_name,
        res.plural,
        res.main_path,
        page_line(r, &res.tag),
        def.elements.len(),
        res.actions.len()
    );
    let _ = writeln!(
        s,
        "- scope by the prefix rule (a suggestion for the scopes table): {}\n",
        scope_hint(r, res)
    );
    s.push_str("| action | kind | method | path | name from |\n|---|---|---|---|---|\n");
    for a in &res.actions {
        let from = match &a.name_source {
            NameSource::Page(f) => format!("page `{f}`"),
            NameSource::Rule => "rule".into(),
        };
        let _ = writeln!(
            s,
            "| `{}` | {:?} | {} | `{}` | {from} |",
            a.name,
            a.kind,
            a.method.as_str(),
            a.path
        );
    }
    s.push('\n');
    facts(s, r, &res.tag);
}

/// The findings about one definition, by topic, and where its flags came from.
fn facts(s: &mut String, r: &Release, def: &str) {
    let d = &r.definitions[def];
    let unstated: Vec<String> = d
        .elements
        .iter()
        .filter(|e| e.in_out_source == Source::Default)
        .map(|e| format!("`{}`", e.name))
        .collect();
    let from_page = d
        .elements
        .iter()
        .filter(|e| e.in_out_source == Source::Page)
        .count();
    let allowed_page = d
        .elements
        .iter()
        .filter(|e| e.allowed_source == Some(Source::Page))
        .count();
    let unique = d.elements.iter().filter(|e| e.unique).count();
    if from_page + allowed_page + unique > 0 {
        let _ = writeln!(
            s,
            "From the page: in/out of {from_page} references or lists; {unique} unique; allowed values of {allowed_page}.\n"
        );
    }
    if !unstated.is_empty() {
        let _ = writeln!(
            s,
            "In/out not stated (read as in and out): {}.\n",
            unstated.join(", ")
        );
    }
    let mut topic = None;
    for f in r.findings.about(&Subject::Def(def.to_owned())) {
        if topic != Some(f.topic) {
            if topic.is_some() {
                s.push('\n');
            }
            let _ = writeln!(s, "{}:\n", topic_title(f.topic));
            topic = Some(f.topic);
        }
        let _ = writeln!(s, "- {}", f.text);
    }
    if topic.is_some() {
        s.push('\n');
    }
}

pub(crate) fn topic_title(t: Topic) -> &'static str {
    match t {
        Topic::Format => "Formats that are not types",
        Topic::Typeless => "Properties without a type",
        Topic::SelfRef => "Self references",
        Topic::Enum => "Enums dropped, trimmed or retyped",
        Topic::Twin => "`?` twins",
        Topic::Conflict => "Conflicts, and how they were settled",
        Topic::Unreadable => "Unreadable page rows (not read)",
        Topic::Cell => "Page cells",
        Topic::PageRow => "Page rows without an element",
        Topic::Name => "Action names",
        Topic::Download => "Downloads",
        Topic::ListAnswer => "Lists declared as one object",
        Topic::Module => "Module",
        Topic::Mapping => "Page mapping",
    }
}

fn shapes(s: &mut String, r: &Release) {
    s.push_str("## Shapes\n\nDefinitions that are not a tag: resources and other shapes refer to them.\n\n");
    for (name, d) in r
        .definitions
        .iter()
        .filter(|(n, _)| !r.resources.contains_key(*n))
    {
        let open = if d.open { ", open (no properties)" } else { "" };
        let _ = writeln!(
            s,
            "#### {name}\n\n- schema `{}`, {} elements{open}; page: {}\n",
            d.name,
            d.elements.len(),
            page_line(r, name)
        );
        facts(s, r, name);
    }
}

/// The scope area the prefix rule suggests: the longest area (a listed scope without its last
/// component) whose components, joined by `_` and optionally pluralised, begin the main path's
/// literal segments joined by `_`.
fn scope_hint(r: &Release, res: &Resource) -> String {
    let path = res.main_path.trim_start_matches("/api/").replace('/', "_");
    let mut best: Option<&str> = None;
    for scope in &r.scopes {
        let Some((area, _)) = scope.rsplit_once('.') else {
            continue;
        };
        let joined = area.trim_start_matches("core.").replace('.', "_");
        let fits = [
            joined.clone(),
            format!("{joined}s"),
            crate::names::plural(&joined),
        ]
        .iter()
        .any(|j| path == *j || path.starts_with(&format!("{j}_")));
        if fits && best.is_none_or(|b| area.len() > b.len()) {
            best = Some(area);
        }
    }
    let Some(area) = best else {
        return "none".into();
    };
    let ops: Vec<&str> = r
        .scopes
        .iter()
        .filter_map(|s| s.strip_prefix(area)?.strip_prefix('.'))
        .filter(|op| !op.contains('.'))
        .collect();
    format!("`{area}` ({})", ops.join(", "))
}
