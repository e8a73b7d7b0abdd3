//! Tags to resources: each tag's main collection, module, area and plural, and its actions with
//! names made unique.

use std::collections::BTreeMap;

use crate::actions::{self, Draft, Seg, segments};
use crate::findings::{Findings, Topic};
use crate::model::{Definition, LeftOut, Resource};
use crate::names;
use crate::swagger::{Method, RawOp, Response};

/// The resources of a release, and the operations left out.
pub(crate) fn build(
    ops: &[RawOp],
    defs: &BTreeMap<String, Definition>,
    page_names: &BTreeMap<(Method, String), (String, String)>,
    f: &mut Findings,
) -> (BTreeMap<String, Resource>, Vec<LeftOut>) {
    let mut by_tag: BTreeMap<&str, Vec<&RawOp>> = BTreeMap::new();
    let mut left_out = Vec::new();
    for op in ops {
        let reason = if op.path.contains(['(', ')']) {
            Some("the path holds a Rails optional segment, `(…)`: it cannot be sent as written")
        } else if !defs.contains_key(&op.tag) {
            Some("its tag names no definition")
        } else {
            None
        };
        match reason {
            Some(r) => left_out.push(LeftOut {
                method: op.method,
                path: op.full_path.clone(),
                tag: op.tag.clone(),
                reason: r.into(),
            }),
            None => by_tag.entry(&op.tag).or_default().push(op),
        }
    }
    let mut resources = BTreeMap::new();
    for (tag, ops) in by_tag {
        resources.insert(
            tag.to_owned(),
            resource(tag, &ops, &defs[tag], page_names, f),
        );
    }
    modules(&mut resources, f);
    (resources, left_out)
}

fn literal_prefix(segs: &[Seg]) -> Option<Vec<Seg>> {
    segs.iter()
        .all(|s| matches!(s, Seg::Lit(_)))
        .then(|| segs.to_vec())
}

/// The main collection: the parameter-free prefix of a `GET …/{id}`, else of an index or create
/// route; the one with the most operations under it, then the shortest, then by name.
fn main_collection(ops: &[&RawOp]) -> Option<Vec<Seg>> {
    let under = |c: &[Seg]| {
        ops.iter()
            .filter(|o| segments(&o.path).starts_with(c))
            .count()
    };
    let pick = |cands: Vec<Vec<Seg>>| {
        cands.into_iter().max_by(|a, b| {
            under(a)
                .cmp(&under(b))
                .then(b.len().cmp(&a.len()))
                .then(format!("{b:?}").cmp(&format!("{a:?}")))
        })
    };
    let show: Vec<Vec<Seg>> = ops
        .iter()
        .filter(|o| o.method == Method::Get)
        .filter_map(|o| {
            let segs = segments(&o.path);
            let (last, prefix) = segs.split_last()?;
            (*last == Seg::Param("id".into()))
                .then(|| literal_prefix(prefix))
                .flatten()
        })
        .filter(|c| !c.is_empty())
        .collect();
    if !show.is_empty() {
        return pick(show);
    }
    let coll: Vec<Vec<Seg>> = ops
        .iter()
        .filter(|o| o.method == Method::Post || matches!(o.response, Response::List { .. }))
        .filter_map(|o| literal_prefix(&segments(&o.path)))
        .collect();
    pick(coll)
}

fn resource(
    tag: &str,
    ops: &[&RawOp],
    def: &Definition,
    page_names: &BTreeMap<(Method, String), (String, String)>,
    f: &mut Findings,
) -> Resource {
    let main = main_collection(ops);
    let base = ops[0].full_path.strip_suffix(&ops[0].path).unwrap_or("");
    let lits = |c: &[Seg]| {
        c.iter()
            .filter_map(|s| {
                if let Seg::Lit(l) = s {
                    Some(l.clone())
                } else {
                    None
                }
            })
            .collect::<Vec<_>>()
    };
    let (module, main_path) = match &main {
        Some(c) => (lits(c).join("_"), format!("{base}/{}", lits(c).join("/"))),
        None => (
            names::plural(&names::snake(tag)),
            "(nested only)".to_owned(),
        ),
    };
    let mut drafts: Vec<Draft> = ops
        .iter()
        .map(|op| {
            actions::draft(
                op,
                main.as_deref(),
                page_names.get(&(op.method, op.path.clone())),
                f,
            )
        })
        .collect();
    patch_names(&mut drafts);
    let mut actions: Vec<_> = drafts
        .into_iter()
        .map(|d| {
            let mut a = d.action;
            a.name = format!("{}{}", d.base, actions::suffix(&d.base, &d.context));
            a
        })
        .collect();
    unique_names(tag, &mut actions, f);
    actions.sort_by(|a, b| a.name.cmp(&b.name));
    let (area_file, plural) = area_and_plural(ops, main.as_deref(), def);
    Resource {
        tag: tag.to_owned(),
        module,
        area: crate::swagger::area_of(&area_file),
        main_path,
        plural,
        actions,
    }
}

/// The file of the resource's main `GET …/{id}` (else its first file), and its plural: the XML
/// wrapper of its main index (else of any list it answers), else the English plural.
fn area_and_plural(ops: &[&RawOp], main: Option<&[Seg]>, def: &Definition) -> (String, String) {
    let main_show = main.map(|c| {
        let mut s = c.to_vec();
        s.push(Seg::Param("id".into()));
        s
    });
    let area_file = ops
        .iter()
        .find(|o| o.method == Method::Get && Some(segments(&o.path)) == main_show)
        .map(|o| o.file.clone())
        .or_else(|| ops.iter().map(|o| o.file.clone()).min())
        .unwrap_or_default();
    let main_index = ops
        .iter()
        .find(|o| o.method == Method::Get && main.is_some_and(|c| segments(&o.path) == c));
    let xml = |o: &RawOp| match &o.response {
        Response::List {
            xml_name: Some(x), ..
        } => Some(x.clone()),
        _ => None,
    };
    let plural = main_index
        .and_then(|o| xml(o))
        .or_else(|| ops.iter().find_map(|o| xml(o)))
        .unwrap_or_else(|| names::plural(&def.wire_name));
    (area_file, plural)
}

/// A PATCH beside a PUT of the same name on the same path: `update` → `patch`, another verb
/// `<verb>-patch`.
fn patch_names(drafts: &mut [Draft]) {
    let puts: BTreeMap<String, String> = drafts
        .iter()
        .filter(|d| d.action.method == Method::Put)
        .map(|d| (d.action.path.clone(), d.base.clone()))
        .collect();
    for d in drafts
        .iter_mut()
        .filter(|d| d.action.method == Method::Patch)
    {
        if puts.get(&d.action.path) == Some(&d.base) {
            d.base = match d.base.strip_prefix("update") {
                Some(rest) => format!("patch{rest}"),
                None => format!("{}-patch", d.base),
            };
        }
    }
}

/// Names unique in the resource: on a clash, every action but the first (by path, method) takes
/// `-<method>`, then a number.
fn unique_names(tag: &str, actions: &mut [crate::model::Action], f: &mut Findings) {
    for round in 0..2 {
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, a) in actions.iter().enumerate() {
            groups.entry(a.name.clone()).or_default().push(i);
        }
        for (name, mut idx) in groups.into_iter().filter(|g| g.1.len() > 1) {
            idx.sort_by(|&a, &b| {
                (&actions[a].path, actions[a].method).cmp(&(&actions[b].path, actions[b].method))
            });
            for (n, &i) in idx.iter().enumerate().skip(1) {
                let a = &mut actions[i];
                a.name = if round == 0 {
                    format!("{name}-{}", a.method.as_str().to_lowercase())
                } else {
                    format!("{name}-{}", n + 1)
                };
                f.def(
                    tag,
                    Topic::Name,
                    format!(
                        "{} {}: `{name}` is taken; named `{}`",
                        a.method.as_str(),
                        a.path,
                        a.name
                    ),
                );
            }
        }
    }
}

/// One module per resource: a second resource on a module takes `_<schema name>`.
fn modules(resources: &mut BTreeMap<String, Resource>, f: &mut Findings) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (tag, r) in resources.iter_mut() {
        if let Some(first) = seen.get(&r.module) {
            let new = format!("{}_{}", r.module, names::snake(tag));
            f.def(
                tag,
                Topic::Module,
                format!(
                    "module `{}` is {first}'s; this resource's is `{new}`",
                    r.module
                ),
            );
            r.module = new;
        }
        seen.insert(r.module.clone(), tag.clone());
    }
}

/// The 2xx response forms by method, for the report.
pub(crate) fn responses(ops: &[RawOp]) -> crate::findings::Tally {
    let mut t = crate::findings::Tally::default();
    for op in ops {
        let form = match &op.response {
            Response::List { .. } => "`type: array` of `$ref`",
            Response::Object(_) => "`$ref`",
            Response::TypelessItems(_) => "`items` without `type`",
            Response::Nothing => "no schema",
        };
        let read = match (op.method, &op.response) {
            (Method::Get, Response::List { .. }) => "list",
            (Method::Get, _) => "object (a file or a list where the tables below say so)",
            _ => "object",
        };
        t.add(format!("{} {form}", op.method.as_str()), read);
    }
    t
}
