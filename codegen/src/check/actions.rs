//! Actions: their names (and the Rust names they become), parameters, scope, `of`, the envelopes
//! and key they need, and the types they take and answer. What an action's kind allows is
//! checked in `kinds.rs`, its `sets` and `binds` in `sets.rs`, its path and route in `paths.rs`.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::diag::{Loc, did_you_mean};
use crate::format::{self, Action, ActionKind, Answers, Host, Method, SchemaFile, Takes};
use crate::ident;
use crate::ir::{ActionDef, FieldType, ParamDef, ParamKind};
use crate::node::Recover;

use super::types::module_type_names;
use super::{Cx, ResCx};

/// The names the actions of one resource have taken so far.
struct TakenNames {
    /// Action name -> where it is first written.
    actions: HashMap<String, Loc>,
    /// Rust method name -> the action it comes from.
    fns: HashMap<String, String>,
    /// Type names in the resource's module -> what they name.
    types: HashMap<String, String>,
}

impl Cx<'_> {
    /// Checks and lowers the actions of a resource; an action whose name is taken is reported
    /// and skipped.
    pub(super) fn lower_actions(
        &mut self,
        cx: &ResCx<'_>,
        f: &SchemaFile,
        type_rust: &str,
    ) -> Vec<ActionDef> {
        let mut taken = TakenNames {
            actions: HashMap::new(),
            fns: HashMap::new(),
            // Type names that share the resource's module.
            types: module_type_names(f, type_rust, cx.fields)
                .into_iter()
                .map(|(n, what, _)| (n, what))
                .collect(),
        };
        let mut actions = Vec::new();
        for a in &f.actions {
            let Recover::Ok(a) = a else { continue };
            let Some((rust_fn, rust_type)) = self.name_action(cx.path, a, &mut taken) else {
                continue;
            };
            if let Some(ad) = self.lower_action(cx, a, rust_fn, rust_type) {
                actions.push(ad);
            }
        }
        actions
    }

    /// The Rust method and request type of an action: its name is unique in the file, and
    /// neither the method nor the type is taken. `None` (reported) when one is.
    fn name_action(
        &mut self,
        path: &Path,
        a: &Action,
        taken: &mut TakenNames,
    ) -> Option<(String, String)> {
        if let Some(prev) = taken.actions.get(&a.name.value) {
            self.err("duplicate-action", path, a.name.loc, format!("the action name `{}` is used twice", a.name.value))
                .label("second use")
                .hint(format!("the first is at line {}; action names must be unique (`update` and `update-put`, `create-for-invoice`)", prev.line));
            return None;
        }
        taken.actions.insert(a.name.value.clone(), a.name.loc);
        let rust_fn = ident::snake(&a.name.value);
        if let Some(other) = taken.fns.get(ident::bare(&rust_fn)) {
            self.err(
                "name-collision",
                path,
                a.name.loc,
                format!(
                    "the actions `{}` and `{other}` both become `{rust_fn}`",
                    a.name.value
                ),
            )
            .hint("rename one of them");
            return None;
        }
        taken
            .fns
            .insert(ident::bare(&rust_fn).to_owned(), a.name.value.clone());
        let rust_type = ident::request_type(&a.name.value);
        if let Some(what) = taken.types.get(ident::bare(&rust_type)) {
            self.err(
                "name-collision",
                path,
                a.name.loc,
                format!(
                    "the request type of action `{}` would be `{rust_type}`, the name of {what}",
                    a.name.value
                ),
            )
            .hint("rename the action");
            return None;
        }
        taken.types.insert(
            ident::bare(&rust_type).to_owned(),
            format!("the request type of `{}`", a.name.value),
        );
        Some((rust_fn, rust_type))
    }

    /// Checks one action and lowers it, step by step: its path and parameters, what its kind
    /// allows, its route, scope, `of`, `sets` and `binds`, and the envelopes and key it needs. `None` when
    /// the action has a problem.
    fn lower_action(
        &mut self,
        cx: &ResCx<'_>,
        a: &Action,
        rust_fn: String,
        rust_type: String,
    ) -> Option<ActionDef> {
        let before = self.diags.len();
        let (segments, path_params) = self.parse_path(cx.path, &a.path);
        let (params, declared) = self.lower_params(cx.path, a, &path_params);
        self.check_shape_of_action(cx, a);
        let host = a.host.as_ref().map_or(cx.host, |h| h.value);
        self.check_route_is_new(cx, a, host, &segments);
        let scope = self.action_scope(cx, a, host);
        let of_shape = self.lower_of(cx, a);
        let sets = self.lower_sets(cx, a);
        let binds = self.lower_binds(cx, a, &declared);
        let form = self.lower_form(cx.path, a, &params);
        self.check_needs_of_file(cx, a);
        if self.diags.len() > before {
            return None;
        }
        Some(ActionDef {
            name: a.name.value.clone(),
            rust_variant: rust_type.clone(),
            rust_fn,
            rust_type,
            kind: a.kind.value,
            method: a.method.value,
            path: a.path.value.clone(),
            segments,
            description: a.description.as_ref().map(|d| d.value.clone()),
            host,
            takes: a.takes.value,
            answers: a.answers.value,
            request_type: request_type(cx, a),
            response_type: response_type(cx, a, of_shape),
            params,
            form,
            sets,
            binds,
            of: a.of.as_ref().map(|o| o.value.clone()),
            scope,
            note: a.note.as_ref().map(|n| n.value.clone()),
        })
    }

    /// The fields of a multipart form: only with `takes: multipart`, which needs at least one;
    /// each name once, and no two becoming one Rust field (or a path parameter's).
    fn lower_form(
        &mut self,
        path: &Path,
        a: &Action,
        params: &[ParamDef],
    ) -> Vec<crate::ir::FormFieldDef> {
        let multipart = a.takes.value == Takes::Multipart;
        if !multipart {
            if let Some(Recover::Ok(first)) = a.form.first() {
                self.err(
                    "form-without-multipart",
                    path,
                    first.name.loc,
                    "only `takes: multipart` has a `form`",
                )
                .hint("write `takes: multipart`, or remove `form`");
            }
            return Vec::new();
        }
        if a.form.is_empty() {
            self.err("missing-key", path, a.takes.loc, "`takes: multipart` needs a `form`")
                .hint("list the form's fields: `form: [{ name: \"attachment[file]\", type: file, required: true }]`");
        }
        let mut rusts: HashMap<String, String> = params
            .iter()
            .map(|p| {
                (
                    ident::bare(&p.rust).to_owned(),
                    format!("the path parameter `{}`", p.name),
                )
            })
            .collect();
        let mut out = Vec::new();
        for f in &a.form {
            let Recover::Ok(f) = f else { continue };
            let rust = ident::form_field(&f.name.value);
            if let Some(what) = rusts.get(ident::bare(&rust)) {
                self.err(
                    "name-collision",
                    path,
                    f.name.loc,
                    format!(
                        "the form field `{}` would be the Rust field `{rust}`, as {what}",
                        f.name.value
                    ),
                )
                .hint("rename one of them");
                continue;
            }
            rusts.insert(
                ident::bare(&rust).to_owned(),
                format!("the form field `{}`", f.name.value),
            );
            out.push(crate::ir::FormFieldDef {
                name: f.name.value.clone(),
                rust,
                kind: f.ty.value,
                required: f.required.value,
            });
        }
        out
    }

    /// The declared parameters, each declared once and used in the path, in the order the path
    /// uses them; and every parameter of the path declared. Returns the parameters and the
    /// names declared (a bad one included).
    fn lower_params(
        &mut self,
        path: &Path,
        a: &Action,
        path_params: &[(String, Loc)],
    ) -> (Vec<ParamDef>, BTreeSet<String>) {
        let mut params = Vec::new();
        let mut declared: BTreeSet<String> = BTreeSet::new();
        for p in &a.params {
            let Recover::Ok(p) = p else { continue };
            if !declared.insert(p.name.value.clone()) {
                self.err(
                    "duplicate-param",
                    path,
                    p.name.loc,
                    format!("the parameter `{}` is declared twice", p.name.value),
                )
                .hint("keep one declaration");
                continue;
            }
            if let Some(param) = self.lower_param(path, a, p, path_params) {
                params.push(param);
            }
        }
        for (name, loc) in path_params {
            if !declared.contains(name) {
                self.err(
                    "undeclared-param",
                    path,
                    *loc,
                    format!("the path parameter `{{{name}}}` is not declared"),
                )
                .label("not declared")
                .hint(format!(
                    "add `- {{ name: {name}, type: integer }}` under `params:`"
                ));
            }
        }
        // Order parameters as they appear in the path.
        params.sort_by_key(|p| path_params.iter().position(|(n, _)| n == &p.name));
        (params, declared)
    }

    /// One declared parameter: it appears in the path, and its type is a parameter type. `None`
    /// (reported) when the type is not.
    fn lower_param(
        &mut self,
        path: &Path,
        a: &Action,
        p: &format::Param,
        path_params: &[(String, Loc)],
    ) -> Option<ParamDef> {
        if !path_params.iter().any(|(n, _)| n == &p.name.value) {
            self.err(
                "unused-param",
                path,
                p.name.loc,
                format!(
                    "the parameter `{}` does not appear in the path `{}`",
                    p.name.value, a.path.value
                ),
            )
            .label("not in the path")
            .hint(format!(
                "add `{{{}}}` to the path, or remove the parameter",
                p.name.value
            ));
        }
        let ty = match p.ty.value.as_str() {
            "integer" => ParamKind::Integer,
            "digits" => ParamKind::Digits,
            "string" => ParamKind::String,
            other => {
                self.err(
                    "unknown-param-type",
                    path,
                    p.ty.loc,
                    format!("`{other}` is not a parameter type"),
                )
                .hint(match did_you_mean(other, ["integer", "digits", "string"]) {
                    Some(s) => format!(
                        "did you mean `{s}`? Parameters are `integer`, `digits` or `string`"
                    ),
                    None => "parameters are `integer` (Core ids), `digits` (CSO ids) or `string`"
                        .to_owned(),
                });
                return None;
            }
        };
        Some(ParamDef {
            rust: ident::snake(&p.name.value),
            name: p.name.value.clone(),
            ty,
            description: p.description.as_ref().map(|d| d.value.clone()),
        })
    }

    /// The OAuth scope of an action: its own `scope`, or the file's read scope for a GET and
    /// write scope otherwise (which a writing action needs). CSO actions have none.
    fn action_scope(&mut self, cx: &ResCx<'_>, a: &Action, host: Host) -> Option<String> {
        match (host, &a.scope) {
            (Host::Cso, Some(s)) => {
                self.err(
                    "scopes-on-cso",
                    cx.path,
                    s.loc,
                    "CSO actions authenticate with X-CSO-API-KEY, not OAuth scopes",
                )
                .hint("remove `scope`");
                None
            }
            (Host::Cso, None) => None,
            (Host::Core, Some(s)) => Some(s.value.clone()),
            (Host::Core, None) => {
                let s = cx.scopes.and_then(|s| {
                    if a.method.value == Method::Get {
                        Some(s.read.clone())
                    } else {
                        s.write.clone()
                    }
                });
                if s.is_none() && cx.scopes.is_some() {
                    self.err(
                        "missing-scope",
                        cx.path,
                        a.method.loc,
                        format!(
                            "action `{}` writes, but the file has no write scope",
                            a.name.value
                        ),
                    )
                    .hint("add `write:` under `scopes`, or a `scope:` on this action");
                }
                s
            }
        }
    }

    /// `of` names an element holding a list of a shape, on an `index` or `show` action. Returns
    /// the shape's name.
    fn lower_of(&mut self, cx: &ResCx<'_>, a: &Action) -> Option<String> {
        let of = a.of.as_ref()?;
        let mut of_shape = None;
        match cx.field(&of.value) {
            None if cx.is_element(&of.value) => {}
            None => self.unknown_element(cx.path, of, &cx.all_names, "`of`"),
            Some(f) => match (&f.ty, f.list) {
                (FieldType::Shape { name, .. }, true) => of_shape = Some(name.clone()),
                _ => {
                    self.err(
                        "bad-of",
                        cx.path,
                        of.loc,
                        format!("`{}` is not a list of objects", of.value),
                    )
                    .hint("`of` names an element that holds a list of a shape (`attachments`)");
                }
            },
        }
        if !matches!(a.kind.value, ActionKind::Index | ActionKind::Show) {
            self.err(
                "bad-of",
                cx.path,
                of.loc,
                "`of` applies to `index` and `show` actions only",
            )
            .hint("remove `of`");
        }
        of_shape
    }

    /// What an action needs of its file: the envelope for a bulk request, a list envelope or a
    /// bulk result it answers, and the `key` of bulk updates and deletes. An envelope that is
    /// named but could not be resolved was reported already.
    fn check_needs_of_file(&mut self, cx: &ResCx<'_>, a: &Action) {
        let named = cx.named_envelopes;
        if matches!(a.takes.value, Takes::Bulk)
            && cx.envelopes.bulk_request.is_none()
            && named.is_none_or(|e| e.bulk_request.is_none())
        {
            self.err(
                "missing-envelope",
                cx.path,
                a.takes.loc,
                "a bulk action needs the file's `envelopes: { bulk-request: ... }`",
            )
            .hint("add `envelopes:` naming the bulk-request shape");
        }
        if matches!(a.answers.value, Answers::Envelope)
            && cx.envelopes.list.is_none()
            && named.is_none_or(|e| e.list.is_none())
        {
            self.err(
                "missing-envelope",
                cx.path,
                a.answers.loc,
                "answering an envelope needs the file's `envelopes: { list: ... }`",
            )
            .hint("add `envelopes:` naming the list shape");
        }
        if matches!(a.answers.value, Answers::BulkResult)
            && cx.envelopes.bulk_result.is_none()
            && named.is_none_or(|e| e.bulk_result.is_none())
        {
            self.err(
                "missing-envelope",
                cx.path,
                a.answers.loc,
                "answering a bulk result needs the file's `envelopes: { bulk-result: ... }`",
            )
            .hint("add `envelopes:` naming the bulk-result shape");
        }
        let bulk_by_key = matches!(
            a.kind.value,
            ActionKind::BulkUpdate | ActionKind::BulkDelete
        );
        if bulk_by_key && cx.key.is_none() {
            self.err(
                "missing-key",
                cx.path,
                a.kind.loc,
                "bulk updates and deletes need the file's `key`",
            )
            .hint("add `key: id` naming the element that identifies an object");
        }
    }
}

/// The type an action's request carries: the resource's type, or the bulk-request envelope.
fn request_type(cx: &ResCx<'_>, a: &Action) -> Option<String> {
    match a.takes.value {
        Takes::Object | Takes::OptionalObject => Some(cx.type_name.to_owned()),
        Takes::Bulk => cx.envelopes.bulk_request.clone(),
        Takes::Nothing | Takes::Query | Takes::Multipart => None,
    }
}

/// The type an action answers: the resource's type (or the shape of `of`), or an envelope.
fn response_type(cx: &ResCx<'_>, a: &Action, of_shape: Option<String>) -> Option<String> {
    match a.answers.value {
        Answers::Object | Answers::List => {
            Some(of_shape.unwrap_or_else(|| cx.type_name.to_owned()))
        }
        Answers::Envelope => cx.envelopes.list.clone(),
        Answers::BulkResult => cx.envelopes.bulk_result.clone(),
        Answers::File => None,
    }
}
