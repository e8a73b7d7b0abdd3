//! Routes to actions: the kind of each operation by the shape of its route, what it takes and
//! answers, and its name (the page's Action cell, else the rule).

use crate::findings::{Findings, Topic};
use crate::model::{Action, Answers, Kind, NameSource, Takes};
use crate::names;
use crate::swagger::{Method, RawOp, Response};

/// GETs whose last segment names a download: the Swagger declares the resource's JSON object,
/// Coupa answers the file's bytes. (`GET …/attachments/{id}` is not one: it answers the
/// attachment object.)
pub const DOWNLOADS: [&str; 7] = [
    "retrieve_image_scan",
    "retrieve_legal_agreement",
    "retrieve_avatar",
    "retrieve_clearance_document",
    "retrieve_legal_invoice_pdf",
    "download",
    "avatar",
];

/// GETs the Swagger declares as one object that answer a list (paths with `{}` for any
/// parameter).
pub const LISTS: [&str; 8] = [
    "/requisitions/mine",
    "/accounts/favorites",
    "/accounts/recent",
    "/accounts/user_accounts",
    "/supplier_items/search",
    "/quote_responses/all",
    "/lookup_values/user_lookup_values",
    "/quote_requests/{}/quote_responses/all",
];

/// One segment of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    Lit(String),
    Param(String),
}

pub(crate) fn segments(path: &str) -> Vec<Seg> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(p) => Seg::Param(p.to_owned()),
                None => Seg::Lit(s.to_owned()),
            },
        )
        .collect()
}

/// Where a route sits relative to its resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Context {
    /// Under the main collection.
    Main,
    /// Under parents (`{invoice_id}` → `invoice`), kebab singulars.
    Nested(Vec<String>),
    /// Another root of the same resource (`/supplier_invites`), kebab.
    Other(String),
}

/// The parent placeholder before the child's own part: the last parameter, not `{id}`, that is
/// followed by a literal and comes before any `{id}`.
fn nesting(segs: &[Seg]) -> Option<usize> {
    let id = segs
        .iter()
        .position(|s| *s == Seg::Param("id".into()))
        .unwrap_or(segs.len());
    (0..segs.len().saturating_sub(1)).rev().find(|&k| {
        k < id
            && matches!(&segs[k], Seg::Param(p) if p != "id")
            && matches!(segs[k + 1], Seg::Lit(_))
    })
}

/// The route's context and the part of it after its collection.
pub(crate) fn locate(segs: &[Seg], main: Option<&[Seg]>) -> (Context, Vec<Seg>) {
    if let Some(k) = nesting(segs) {
        let parents = segs[..=k]
            .iter()
            .filter_map(|s| match s {
                Seg::Param(p) => Some(names::kebab(p.strip_suffix("_id").unwrap_or(p))),
                Seg::Lit(_) => None,
            })
            .collect();
        return (Context::Nested(parents), segs[k + 2..].to_vec());
    }
    if let Some(c) = main.filter(|c| segs.starts_with(c)) {
        return (Context::Main, segs[c.len()..].to_vec());
    }
    let lits = segs.iter().take_while(|s| matches!(s, Seg::Lit(_))).count();
    let root: Vec<String> = segs[..lits]
        .iter()
        .filter_map(|s| {
            if let Seg::Lit(l) = s {
                Some(names::kebab(l))
            } else {
                None
            }
        })
        .collect();
    (Context::Other(root.join("-")), segs[lits..].to_vec())
}

fn answers(op: &RawOp, f: &mut Findings) -> Answers {
    if op.method != Method::Get {
        return Answers::Object;
    }
    let last = op.path.rsplit('/').next().unwrap_or("");
    if DOWNLOADS.contains(&last) {
        f.def(
            &op.tag,
            Topic::Download,
            format!(
                "GET {}: answers the file (the Swagger declares the object)",
                op.full_path
            ),
        );
        return Answers::File;
    }
    match &op.response {
        Response::List { .. } => Answers::List,
        _ if LISTS.contains(&crate::pagematch::generic(&op.path).as_str()) => {
            f.def(
                &op.tag,
                Topic::ListAnswer,
                format!(
                    "GET {}: answers a list (the Swagger declares one object)",
                    op.full_path
                ),
            );
            Answers::List
        }
        _ => Answers::Object,
    }
}

/// (kind, verb) of a route by the part after its collection.
fn kind(method: Method, rest: &[Seg], list: bool) -> (Kind, Option<String>) {
    let lit = |s: &Seg| {
        if let Seg::Lit(l) = s {
            Some(l.clone())
        } else {
            None
        }
    };
    match (rest, method) {
        ([], Method::Get) if list => (Kind::Index, None),
        ([], Method::Post) => (Kind::Create, None),
        ([], _) => (Kind::Collection, None),
        ([Seg::Param(_)], Method::Get) => (Kind::Show, None),
        ([Seg::Param(_)], Method::Put | Method::Patch) => (Kind::Update, None),
        ([Seg::Param(_)], Method::Delete) => (Kind::Delete, None),
        ([Seg::Param(_)], Method::Post) => (Kind::Member, None),
        ([Seg::Param(_), more @ ..], m) => {
            let verb = more.iter().filter_map(lit).collect::<Vec<_>>().join("_");
            (
                if m == Method::Get {
                    Kind::Show
                } else {
                    Kind::Member
                },
                Some(verb),
            )
        }
        (more, m) => {
            let verb = more.iter().filter_map(lit).collect::<Vec<_>>().join("_");
            (
                if m == Method::Get && list {
                    Kind::Index
                } else {
                    Kind::Collection
                },
                Some(verb),
            )
        }
    }
}

fn rule_name(kind: Kind, verb: &Option<String>, method: Method) -> String {
    match (verb, kind) {
        (Some(v), _) if !v.is_empty() => names::kebab(v),
        (_, Kind::Index) => "index".into(),
        (_, Kind::Create) => "create".into(),
        (_, Kind::Show) => "show".into(),
        (_, Kind::Update) => "update".into(),
        (_, Kind::Delete) => "delete".into(),
        _ => method.as_str().to_lowercase(),
    }
}

fn takes(op: &RawOp, kind: Kind) -> Takes {
    if !op.form.is_empty() {
        return Takes::Multipart;
    }
    match (&op.body, kind) {
        (Some((_, true)), _) => Takes::Object,
        (Some((_, false)), _) => Takes::OptionalObject,
        (None, Kind::Index) => Takes::Query,
        (None, _) => Takes::Nothing,
    }
}

/// An action before its name is made unique: the base name and the context suffix apart.
pub(crate) struct Draft {
    pub action: Action,
    pub base: String,
    pub context: Context,
}

/// Builds the draft action of one operation.
pub(crate) fn draft(
    op: &RawOp,
    main: Option<&[Seg]>,
    page_name: Option<&(String, String)>,
    f: &mut Findings,
) -> Draft {
    let segs = segments(&op.path);
    let (context, rest) = locate(&segs, main);
    let answers = answers(op, f);
    let (kind, verb) = kind(op.method, &rest, answers == Answers::List);
    let (base, name_source) = match page_name {
        Some((n, file)) => (n.clone(), NameSource::Page(file.clone())),
        None => (rule_name(kind, &verb, op.method), NameSource::Rule),
    };
    if let Some((def, _)) = op.body.as_ref().filter(|(d, _)| *d != op.tag) {
        f.def(
            &op.tag,
            Topic::Conflict,
            format!(
                "{} {}: the body is a {def}, not a {}",
                op.method.as_str(),
                op.full_path,
                op.tag
            ),
        );
    }
    let params = segs
        .iter()
        .filter_map(|s| {
            if let Seg::Param(p) = s {
                Some(p.clone())
            } else {
                None
            }
        })
        .collect();
    let action = Action {
        name: String::new(),
        name_source,
        kind,
        method: op.method,
        path: op.full_path.clone(),
        takes: takes(op, kind),
        answers,
        params,
        form: op.form.clone(),
        file: op.file.clone(),
    };
    Draft {
        action,
        base,
        context,
    }
}

/// The context suffix of a name: `-for-invoice`, `-supplier-invites`; none when the base already
/// says it.
pub(crate) fn suffix(base: &str, context: &Context) -> String {
    match context {
        Context::Main => String::new(),
        Context::Nested(_) if base.contains("-for-") => String::new(),
        Context::Nested(parents) => format!("-for-{}", parents.join("-")),
        Context::Other(root) if base.contains(root.as_str()) || root.is_empty() => String::new(),
        Context::Other(root) => format!("-{root}"),
    }
}
