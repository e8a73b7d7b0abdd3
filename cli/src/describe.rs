//! `coupa describe RESOURCE [ELEMENT]`: the schema, for a person at a terminal: elements with
//! their type, direction, rules and allowed values; routes and scopes; Coupa's page.

use std::io::Write;

use coupa_runtime::Takes;
use coupa_runtime::registry::{Element, ElementKind, Resource, Shape};

use crate::{form, names};

/// Describes a resource, or one of its elements (a dotted path reaches nested ones).
pub fn run(out: &mut impl Write, resource: &str, element: Option<&str>) -> u8 {
    let r = match names::resource(resource) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    match element {
        None => resource_page(out, r),
        Some(path) => match names::element_path(r.shape, path) {
            Ok(els) => {
                if let Some(e) = els.last() {
                    element_page(out, r, path, e);
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        },
    }
    0
}

fn host(r: &Resource) -> &'static str {
    match r.host {
        coupa_runtime::Host::Core => "Core API (OAuth 2.0 client credentials)",
        coupa_runtime::Host::Cso => "CSO API (X-CSO-API-KEY)",
    }
}

fn resource_page(out: &mut impl Write, r: &Resource) {
    let _ = writeln!(
        out,
        "{} ({}, <{}>) on the {}",
        r.name,
        r.type_name(),
        r.wire_name(),
        host(r)
    );
    page_line(out, r, "");
    let scopes: Vec<String> = [("read", r.read_scope), ("write", r.write_scope)]
        .iter()
        .filter_map(|(k, s)| s.map(|s| format!("{k} {s}")))
        .collect();
    if !scopes.is_empty() {
        let _ = writeln!(out, "Scopes: {}", scopes.join(", "));
    }
    let _ = writeln!(out, "\nElements:");
    elements_table(out, r.shape);
    let _ = writeln!(out, "\nRoutes (coupa call {} ACTION [ID...]):", r.name);
    let rows: Vec<[String; 6]> = r
        .routes
        .iter()
        .map(|a| {
            [
                a.name.to_owned(),
                a.method.to_string(),
                a.path.to_owned(),
                a.scope.unwrap_or("").to_owned(),
                a.kind.to_string(),
                format!("{} → {}", a.takes, a.answers),
            ]
        })
        .collect();
    aligned(
        out,
        &[
            "ACTION",
            "METHOD",
            "PATH",
            "SCOPE",
            "KIND",
            "TAKES → ANSWERS",
        ],
        &rows,
    );
    forms(out, r);
}

/// The multipart forms of the upload routes, each distinct form once with the routes that take it.
fn forms(out: &mut impl Write, r: &Resource) {
    let mut forms: Vec<(String, Vec<&str>)> = Vec::new();
    for route in r.routes.iter().filter(|a| a.takes == Takes::Multipart) {
        let fields = form::field_list(route.form);
        match forms.iter_mut().find(|(f, _)| *f == fields) {
            Some((_, names)) => names.push(route.name),
            None => forms.push((fields, vec![route.name])),
        }
    }
    if forms.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nForms (--form NAME=VALUE, --form NAME=@FILE):");
    for (fields, names) in forms {
        let _ = writeln!(out, "  {}: {fields}", names.join(", "));
    }
}

/// `string`, `Integration`, `list of Attachment`.
fn type_of(e: &Element) -> String {
    let t = match (e.kind, e.shape) {
        (ElementKind::Shape, Some(s)) => s.name.to_owned(),
        (k, _) => k.as_str().to_owned(),
    };
    if e.list { format!("list of {t}") } else { t }
}

fn direction(e: &Element) -> &'static str {
    match (e.api_in, e.api_out) {
        (true, true) => "in/out",
        (true, false) => "in",
        (false, true) => "out",
        (false, false) => "-",
    }
}

fn required(e: &Element) -> String {
    match (e.required, e.alternatives) {
        (false, _) => String::new(),
        (true, []) => "yes".to_owned(),
        (true, alt) => format!("yes, or {}", alt.join(" or ")),
    }
}

fn elements_table(out: &mut impl Write, shape: &Shape) {
    if shape.open {
        let _ = writeln!(out, "  (an open object: Coupa does not list its elements)");
        return;
    }
    let rows: Vec<[String; 7]> = shape
        .elements
        .iter()
        .map(|e| {
            [
                e.name.to_owned(),
                type_of(e),
                direction(e).to_owned(),
                required(e),
                if e.unique { "yes" } else { "" }.to_owned(),
                e.max_len.map(|n| n.to_string()).unwrap_or_default(),
                e.allowed.join(", "),
            ]
        })
        .collect();
    aligned(
        out,
        &[
            "ELEMENT",
            "TYPE",
            "IN/OUT",
            "REQUIRED",
            "UNIQUE",
            "LENGTH",
            "ALLOWED VALUES",
        ],
        &rows,
    );
}

fn element_page(out: &mut impl Write, r: &Resource, path: &str, e: &Element) {
    let _ = writeln!(out, "{} {path}", r.name);
    let mut facts: Vec<(&str, String)> = vec![
        ("type", type_of(e)),
        ("in/out", direction(e).to_owned()),
        ("required", required(e)),
        ("unique", if e.unique { "yes" } else { "" }.to_owned()),
        ("key", if e.key { "yes" } else { "" }.to_owned()),
        ("immutable", if e.immutable { "yes" } else { "" }.to_owned()),
        (
            "assigned by Coupa",
            e.assigned
                .map(|a| a.as_str().to_owned())
                .unwrap_or_default(),
        ),
        (
            "length",
            e.max_len
                .map(|n| format!("at most {n}"))
                .unwrap_or_default(),
        ),
        ("allowed values", e.allowed.join(", ")),
        ("also read as", e.aliases.join(", ")),
    ];
    facts.retain(|(_, v)| !v.is_empty());
    for (k, v) in facts {
        let _ = writeln!(out, "  {k:<18} {v}");
    }
    if let Some(inner) = e.struct_shape() {
        let _ = writeln!(out, "\nElements of {}:", inner.name);
        elements_table(out, inner);
    }
    page_line(out, r, "\n");
}

/// Coupa's page of the resource, or that none describes it.
fn page_line(out: &mut impl Write, r: &Resource, before: &str) {
    let _ = match (r.page_title, r.page_url) {
        (Some(title), Some(url)) => writeln!(out, "{before}Page: {title} <{url}>"),
        _ => writeln!(out, "{before}Page: none (Coupa's Swagger only)"),
    };
}

fn aligned<const N: usize>(out: &mut impl Write, headings: &[&str; N], rows: &[[String; N]]) {
    let widths: Vec<usize> = (0..N)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([headings[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("  {}", padded.join("  ").trim_end())
    };
    let _ = writeln!(out, "{}", line(headings.to_vec()));
    for r in rows {
        let _ = writeln!(out, "{}", line(r.iter().map(String::as_str).collect()));
    }
}
