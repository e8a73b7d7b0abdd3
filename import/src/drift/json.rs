//! The JSON report (`--format json`), for tools. Its shape is stable; `format` names its version
//! and changes only when a key changes meaning or goes (new keys may be added). Keys are sorted.
//!
//! ```text
//! {
//!   "format": "coupa-drift/1",
//!   "old" / "new": { "release": "R38",
//!                    "swagger": [{ "file", "area", "sha256" }],
//!                    "pages": { "count", "sha256" } },
//!   "compared_areas": ["CLM Standard", …],
//!   "one_sided": [{ "side": "old"|"new", "release", "area", "file",
//!                   "tags", "operations", "definitions" }],
//!   "pages_note": "…",
//!   "rules": [{ "rule": "route-removed", "class": "breaking", "when": "…" }],
//!   "summary": { "breaking": n, "additive": n, "documentation": n,
//!                "areas": [{ "area", "breaking", "additive", "documentation" }] },
//!   "changes": [{ "class", "rule", "area", "group",
//!                 "item": { "kind": "resource" }
//!                       | { "kind": "route", "method": "GET", "path": "/api/…" }
//!                       | { "kind": "type", "type": "Supplier" }
//!                       | { "kind": "element", "type": "Supplier", "element": "name" },
//!                 "old": string|null, "new": string|null }]
//! }
//! ```
//!
//! `changes` are in the Markdown report's summary order: breaking first, then by area, group and
//! item. `group` is the resource's tag, or the type's name under the area `Shapes`. Values are
//! never cut.

use serde_json::{Value, json};

use super::{Change, Class, Drift, Item, Rule, SideInfo};

/// The value of the report's `format` key.
pub const FORMAT: &str = "coupa-drift/1";

pub(super) fn render(d: &Drift) -> String {
    let v = json!({
        "format": FORMAT,
        "old": side(&d.old),
        "new": side(&d.new),
        "compared_areas": d.compared,
        "one_sided": d.one_sided.iter().map(|a| json!({
            "side": if a.old { "old" } else { "new" },
            "release": a.release,
            "area": a.area,
            "file": a.file,
            "tags": a.tags,
            "operations": a.operations,
            "definitions": a.definitions,
        })).collect::<Vec<_>>(),
        "pages_note": super::markdown::pages_note(d),
        "rules": Rule::ALL.iter().map(|r| json!({
            "rule": r.id(), "class": r.class().id(), "when": r.when(),
        })).collect::<Vec<_>>(),
        "summary": summary(d),
        "changes": d.changes.iter().map(change).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&v).expect("a JSON value serialises");
    s.push('\n');
    s
}

fn side(s: &SideInfo) -> Value {
    json!({
        "release": s.release,
        "swagger": s.swagger.iter().map(|f| json!({
            "file": f.file, "area": f.area, "sha256": f.sha256,
        })).collect::<Vec<_>>(),
        "pages": { "count": s.pages.count, "sha256": s.pages.sha256 },
    })
}

fn summary(d: &Drift) -> Value {
    let by_area = d.by_area();
    let areas: Vec<Value> = by_area
        .into_iter()
        .map(|(area, n)| {
            json!({"area": area, "breaking": n[0], "additive": n[1], "documentation": n[2]})
        })
        .collect();
    json!({
        "breaking": d.count(Class::Breaking),
        "additive": d.count(Class::Additive),
        "documentation": d.count(Class::Documentation),
        "areas": areas,
    })
}

fn change(c: &Change) -> Value {
    let item = match &c.item {
        Item::Resource => json!({"kind": "resource"}),
        Item::Route { method, path } => {
            json!({"kind": "route", "method": method.as_str(), "path": path})
        }
        Item::Type(t) => json!({"kind": "type", "type": t}),
        Item::Element { ty, name } => json!({"kind": "element", "type": ty, "element": name}),
    };
    json!({
        "class": c.class().id(),
        "rule": c.rule.id(),
        "area": c.area,
        "group": c.group,
        "item": item,
        "old": c.old,
        "new": c.new,
    })
}
