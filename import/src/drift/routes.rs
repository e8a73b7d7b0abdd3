//! Resources and their routes: routes added and removed (by method and path), action names,
//! what a route takes and answers, multipart forms, and the resource's module and plural.

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, Item, Rule, placement};
use crate::Release;
use crate::model::{Action, Answers, NameSource, Resource, Takes};
use crate::swagger::Method;

pub(super) fn compare(old: &Release, new: &Release, out: &mut Vec<Change>) {
    let tags: BTreeSet<&String> = old.resources.keys().chain(new.resources.keys()).collect();
    for tag in tags {
        let (area, group) = placement(old, new, tag);
        let mut push = |rule, item, o: Option<String>, n: Option<String>| {
            out.push(Change {
                rule,
                area: area.clone(),
                group: group.clone(),
                item,
                old: o,
                new: n,
            })
        };
        let (o, n) = (old.resources.get(tag), new.resources.get(tag));
        if let (Some(o), Some(n)) = (o, n) {
            let (was, is) = (naming(o), naming(n));
            if was != is {
                push(Rule::ResourceRenamed, Item::Resource, Some(was), Some(is));
            }
        }
        let before = actions(o);
        let after = actions(n);
        for (key, a) in &before {
            let item = Item::Route {
                method: key.0,
                path: key.1.to_owned(),
            };
            match after.get(key) {
                None => push(Rule::RouteRemoved, item, Some(a.name.clone()), None),
                Some(b) => action(a, b, &mut |r, o, n| push(r, item.clone(), o, n)),
            }
        }
        for (key, b) in after.iter().filter(|(k, _)| !before.contains_key(*k)) {
            let item = Item::Route {
                method: key.0,
                path: key.1.to_owned(),
            };
            push(Rule::RouteAdded, item, None, Some(b.name.clone()));
        }
    }
}

fn naming(r: &Resource) -> String {
    format!("module {}, plural {}", r.module, r.plural)
}

fn actions(r: Option<&Resource>) -> BTreeMap<(Method, &str), &Action> {
    r.map(|r| {
        r.actions
            .iter()
            .map(|a| ((a.method, a.path.as_str()), a))
            .collect()
    })
    .unwrap_or_default()
}

type Push<'a> = dyn FnMut(Rule, Option<String>, Option<String>) + 'a;

/// The changes of one route present on both sides.
fn action(a: &Action, b: &Action, push: &mut Push<'_>) {
    if a.name != b.name {
        push(
            Rule::ActionRenamed,
            Some(a.name.clone()),
            Some(b.name.clone()),
        );
    } else if a.name_source != b.name_source {
        push(
            Rule::SourceChanged,
            Some(format!("action name from {}", name_source(&a.name_source))),
            Some(format!("action name from {}", name_source(&b.name_source))),
        );
    }
    if a.takes != b.takes {
        let rule = match (a.takes, b.takes) {
            (Takes::OptionalObject, Takes::Object) => Rule::BodyRequired,
            (Takes::Object, Takes::OptionalObject) => Rule::BodyOptional,
            _ => Rule::TakesChanged,
        };
        push(rule, Some(takes(a.takes)), Some(takes(b.takes)));
    }
    if a.answers != b.answers {
        push(
            Rule::AnswersChanged,
            Some(answers(a.answers)),
            Some(answers(b.answers)),
        );
    }
    if a.form != b.form {
        push(Rule::FormChanged, form(a), form(b));
    }
}

fn name_source(s: &NameSource) -> String {
    match s {
        NameSource::Page(file) => format!("the page {file}"),
        NameSource::Rule => "the importer's rule".to_owned(),
    }
}

fn takes(t: Takes) -> String {
    match t {
        Takes::Nothing => "nothing",
        Takes::Query => "a query",
        Takes::Object => "a body",
        Takes::OptionalObject => "an optional body",
        Takes::Multipart => "a multipart form",
    }
    .to_owned()
}

fn answers(a: Answers) -> String {
    match a {
        Answers::Object => "one object",
        Answers::List => "a list",
        Answers::File => "a file",
    }
    .to_owned()
}

fn form(a: &Action) -> Option<String> {
    (!a.form.is_empty()).then(|| {
        a.form
            .iter()
            .map(|f| {
                let kind = if f.file { "file" } else { "text" };
                let req = if f.required { ", required" } else { "" };
                format!("{} ({kind}{req})", f.name)
            })
            .collect::<Vec<_>>()
            .join(", ")
    })
}
