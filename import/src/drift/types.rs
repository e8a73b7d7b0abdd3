//! Types and their elements: types added and removed, pages, open objects; elements added,
//! removed and renamed; and every fact of an element present on both sides.

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, Item, Rule, placement};
use crate::Release;
use crate::model::{Definition, Element, Source, Type};

type Push<'a> = dyn FnMut(Rule, Option<String>, Option<String>) + 'a;

pub(super) fn compare(old: &Release, new: &Release, out: &mut Vec<Change>) {
    let names: BTreeSet<&String> = old
        .definitions
        .keys()
        .chain(new.definitions.keys())
        .collect();
    for name in names {
        let (area, group) = placement(old, new, name);
        let mut push = |rule, item: Item, o: Option<String>, n: Option<String>| {
            out.push(Change {
                rule,
                area: area.clone(),
                group: group.clone(),
                item,
                old: o,
                new: n,
            })
        };
        let ty = || Item::Type(name.clone());
        match (old.definitions.get(name), new.definitions.get(name)) {
            (Some(d), None) => push(Rule::TypeRemoved, ty(), Some(size(d)), None),
            (None, Some(d)) => push(Rule::TypeAdded, ty(), None, Some(size(d))),
            (Some(a), Some(b)) => definition(a, b, &mut push),
            (None, None) => {}
        }
    }
}

fn size(d: &Definition) -> String {
    match d.elements.len() {
        0 => "open, no elements".to_owned(),
        1 => "1 element".to_owned(),
        n => format!("{n} elements"),
    }
}

fn definition(
    a: &Definition,
    b: &Definition,
    push: &mut dyn FnMut(Rule, Item, Option<String>, Option<String>),
) {
    let ty = Item::Type(a.swagger_name.clone());
    let page = |d: &Definition| d.page.as_ref().map(|p| p.url.clone());
    if page(a) != page(b) {
        push(Rule::PageChanged, ty.clone(), page(a), page(b));
    }
    if a.open != b.open {
        push(Rule::TypeOpenChanged, ty, Some(size(a)), Some(size(b)));
    }
    let before: BTreeMap<&str, &Element> =
        a.elements.iter().map(|e| (e.name.as_str(), e)).collect();
    let after: BTreeMap<&str, &Element> = b.elements.iter().map(|e| (e.name.as_str(), e)).collect();
    let mut removed: Vec<&str> = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .copied()
        .collect();
    let mut added: Vec<&str> = after
        .keys()
        .filter(|k| !before.contains_key(*k))
        .copied()
        .collect();
    let item = |name: &str| Item::Element {
        ty: a.swagger_name.clone(),
        name: name.to_owned(),
    };
    for (was, is) in renames(&mut removed, &mut added) {
        push(
            Rule::ElementRenamed,
            item(is),
            Some(was.to_owned()),
            Some(is.to_owned()),
        );
        element(before[was], after[is], &mut |r, o, n| {
            push(r, item(is), o, n)
        });
    }
    for name in removed {
        push(
            Rule::ElementRemoved,
            item(name),
            Some(shown(before[name])),
            None,
        );
    }
    for name in added {
        let e = after[name];
        let rule = if e.required {
            Rule::ElementAddedRequired
        } else {
            Rule::ElementAdded
        };
        push(rule, item(name), None, Some(shown(e)));
    }
    for (name, e) in &before {
        if let Some(f) = after.get(name) {
            element(e, f, &mut |r, o, n| push(r, item(name), o, n));
        }
    }
}

/// The name a rename keeps: the words of the name, without a final `?`.
fn rename_key(name: &str) -> String {
    crate::names::kebab(name.trim_end_matches('?'))
}

/// Pairs a removed and an added element whose names have the same key, when that pairing is
/// the only one either could make; takes the pairs out of both lists.
fn renames<'a>(removed: &mut Vec<&'a str>, added: &mut Vec<&'a str>) -> Vec<(&'a str, &'a str)> {
    let mut pairs = Vec::new();
    for r in removed.clone() {
        let key = rename_key(r);
        let twins: Vec<&str> = added
            .iter()
            .copied()
            .filter(|a| rename_key(a) == key)
            .collect();
        let rivals = removed.iter().filter(|x| rename_key(x) == key).count();
        if let ([a], 1) = (twins.as_slice(), rivals) {
            pairs.push((r, *a));
        }
    }
    removed.retain(|r| pairs.iter().all(|p| p.0 != *r));
    added.retain(|a| pairs.iter().all(|p| p.1 != *a));
    pairs
}

/// An element's type as the report shows it: `string(255)`, `decimal(32,4)`, `list of Address`.
fn shown(e: &Element) -> String {
    let list = if e.list { "list of " } else { "" };
    format!("{list}{}", base(e))
}

fn base(e: &Element) -> String {
    let name = match &e.ty {
        Type::Ref(d) => return d.clone(),
        t => t.builtin().unwrap_or_default(),
    };
    match (e.length, e.precision, e.scale) {
        (Some(n), ..) => format!("{name}({n})"),
        (_, Some(p), Some(s)) => format!("{name}({p},{s})"),
        _ => name.to_owned(),
    }
}

fn text_like(t: &Type) -> bool {
    matches!(t, Type::String | Type::Text)
}

/// The changes of one element present on both sides.
fn element(a: &Element, b: &Element, push: &mut Push<'_>) {
    if a.ty != b.ty && !(text_like(&a.ty) && text_like(&b.ty)) {
        push(Rule::TypeChanged, Some(base(a)), Some(base(b)));
    } else {
        if a.ty != b.ty {
            push(Rule::StringText, Some(base(a)), Some(base(b)));
        }
        bounds(a, b, push);
    }
    if a.list != b.list {
        let l = |e: &Element| if e.list { "list" } else { "single" }.to_owned();
        push(Rule::ListChanged, Some(l(a)), Some(l(b)));
    }
    allowed(a, b, push);
    flags(a, b, push);
    sources(a, b, push);
}

fn bounds(a: &Element, b: &Element, push: &mut Push<'_>) {
    let n = |v: Option<u32>| Some(v.map_or_else(|| "none".to_owned(), |n| n.to_string()));
    if a.length != b.length {
        let narrower = b.length.is_some_and(|l| a.length.is_none_or(|o| l < o));
        let rule = if narrower {
            Rule::LengthNarrowed
        } else {
            Rule::LengthWidened
        };
        push(rule, n(a.length), n(b.length));
    }
    let (pa, pb) = ((a.precision, a.scale), (b.precision, b.scale));
    if pa != pb {
        let narrower = match (pa, pb) {
            ((Some(p), Some(s)), (Some(q), Some(t))) => q < p || t < s,
            (_, (None, None)) => false,
            _ => true,
        };
        let rule = if narrower {
            Rule::PrecisionNarrowed
        } else {
            Rule::PrecisionWidened
        };
        let ps = |p: (Option<u32>, Option<u32>)| {
            Some(match p {
                (Some(p), Some(s)) => format!("({p},{s})"),
                _ => "none".to_owned(),
            })
        };
        push(rule, ps(pa), ps(pb));
    }
}

fn allowed(a: &Element, b: &Element, push: &mut Push<'_>) {
    match (&a.allowed, &b.allowed) {
        (None, Some(v)) => push(Rule::AllowedIntroduced, None, Some(v.join(", "))),
        (Some(v), None) => {
            let rule = if text_like(&b.ty) {
                Rule::EnumDropped
            } else {
                Rule::AllowedDropped
            };
            push(rule, Some(v.join(", ")), None)
        }
        (Some(v), Some(w)) => {
            for x in v.iter().filter(|x| !w.contains(x)) {
                push(Rule::ValueRemoved, Some(x.clone()), None);
            }
            for x in w.iter().filter(|x| !v.contains(x)) {
                push(Rule::ValueAdded, None, Some(x.clone()));
            }
        }
        (None, None) => {}
    }
}

fn flags(a: &Element, b: &Element, push: &mut Push<'_>) {
    let yes = |v: bool| Some(if v { "yes" } else { "no" }.to_owned());
    // (old, new, the rule when it becomes true, the rule when it becomes false)
    let pairs = [
        (
            a.required,
            b.required,
            Rule::RequiredAdded,
            Rule::RequiredRemoved,
        ),
        (a.unique, b.unique, Rule::UniqueAdded, Rule::UniqueRemoved),
        (a.api_in, b.api_in, Rule::InAdded, Rule::InRemoved),
        (a.api_out, b.api_out, Rule::OutAdded, Rule::OutRemoved),
    ];
    for (was, is, set, cleared) in pairs {
        if was != is {
            push(if is { set } else { cleared }, yes(was), yes(is));
        }
    }
    if a.read_only != b.read_only {
        push(Rule::ReadOnlyChanged, yes(a.read_only), yes(b.read_only));
    }
}

fn source(s: Option<Source>) -> &'static str {
    match s {
        Some(Source::Swagger) => "the Swagger",
        Some(Source::Page) => "the page",
        Some(Source::Default) => "the importer's default",
        None => "nowhere",
    }
}

fn sources(a: &Element, b: &Element, push: &mut Push<'_>) {
    let same_in_out = (a.api_in, a.api_out) == (b.api_in, b.api_out);
    if same_in_out && a.in_out_source != b.in_out_source {
        push(
            Rule::SourceChanged,
            Some(format!("in/out from {}", source(Some(a.in_out_source)))),
            Some(format!("in/out from {}", source(Some(b.in_out_source)))),
        );
    }
    if a.allowed == b.allowed && a.allowed.is_some() && a.allowed_source != b.allowed_source {
        push(
            Rule::SourceChanged,
            Some(format!("allowed values from {}", source(a.allowed_source))),
            Some(format!("allowed values from {}", source(b.allowed_source))),
        );
    }
}
