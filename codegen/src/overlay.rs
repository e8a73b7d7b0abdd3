//! Overlays: the hand-written knowledge applied to the imported schema files before they are
//! checked.
//!
//! - An override file (`kind: override`, in `schema/overrides/`) changes, adds or removes the
//!   elements and actions of the type it names, and its file-level keys. Every change carries a
//!   note, which joins the type's or the element's notes.
//! - The scopes table (`kind: scopes`) gives each Core resource its read and write scope, and the
//!   actions under a path prefix theirs.
//!
//! Values keep the position they were written at ([`crate::diag::Loc::file`]), so a problem with
//! a value an override brought in is reported in the override file. Naming what does not exist
//! (a type, an element, an action, a path prefix) is a diagnostic here, with a did-you-mean.

use std::collections::HashMap;
use std::path::Path;

use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::format::{
    Action, ActionPatch, Change, Element, ElementPatch, FileKind, Method, OverrideFile, SchemaFile,
    ScopeEntry, Scopes, ScopesFile,
};
use crate::load::{LoadedFile, Overlay};
use crate::node::{Recover, Sp};

/// Applies every override and scopes file to the schema files it names.
pub fn apply(files: &mut [LoadedFile], diags: &mut Diagnostics) {
    let names: HashMap<String, usize> = files
        .iter()
        .enumerate()
        .filter_map(|(i, lf)| lf.file.as_ref().map(|f| (f.name.value.clone(), i)))
        .collect();
    let mut sorted: Vec<&str> = names.keys().map(String::as_str).collect();
    sorted.sort_unstable();
    let sorted: Vec<String> = sorted.into_iter().map(str::to_owned).collect();
    for i in 0..files.len() {
        let Some(overlay) = files[i].overlay.take() else {
            continue;
        };
        let path = files[i].path.clone();
        match &overlay {
            Overlay::Override(o) => {
                if let Some(t) = target(files, &names, &sorted, &path, &o.name, diags) {
                    apply_override(t, o, &path, diags);
                }
            }
            Overlay::Scopes(s) => apply_scopes(files, &names, &sorted, &path, s, diags),
            Overlay::Release(_) => {}
        }
        files[i].overlay = Some(overlay);
    }
}

/// The schema file named `name`, reported when there is none.
fn target<'f>(
    files: &'f mut [LoadedFile],
    names: &HashMap<String, usize>,
    sorted: &[String],
    path: &Path,
    name: &Sp<String>,
    diags: &mut Diagnostics,
) -> Option<&'f mut SchemaFile> {
    let Some(&i) = names.get(&name.value) else {
        let mut d = Diagnostic::new(
            "unknown-type",
            path,
            name.loc,
            format!("no schema file defines `{}`", name.value),
        );
        d = match did_you_mean(&name.value, sorted.iter().map(String::as_str)) {
            Some(s) => d.hint(format!("did you mean `{s}`?")),
            None => d.hint("name a type of `schema/` (its `name:`)"),
        };
        diags.push(d);
        return None;
    };
    // A file that could not be read whole is reported already; changing it would only add
    // follow-on problems.
    if !files[i].complete {
        return None;
    }
    files[i].file.as_mut()
}

fn apply_override(t: &mut SchemaFile, o: &OverrideFile, path: &Path, diags: &mut Diagnostics) {
    let sets_file_keys = o.wire_name.is_some()
        || o.plural.is_some()
        || o.module.is_some()
        || o.rust_name.is_some()
        || o.description.is_some()
        || o.key.is_some()
        || o.envelopes.is_some();
    if sets_file_keys && o.notes.is_empty() {
        diags.push(
            Diagnostic::new(
                "missing-note",
                path,
                o.name.loc,
                "file-level changes need a note",
            )
            .hint("say under `notes:` what the sources say and why this is right"),
        );
    }
    replace(&mut t.wire_name, &o.wire_name);
    if o.plural.is_some() {
        t.plural = o.plural.clone();
    }
    if o.module.is_some() {
        t.module = o.module.clone();
    }
    if o.rust_name.is_some() {
        t.rust_name = o.rust_name.clone();
    }
    if o.description.is_some() {
        t.description = o.description.clone();
    }
    if o.key.is_some() {
        t.key = o.key.clone();
    }
    if let Some(e) = &o.envelopes {
        t.envelopes = Some(crate::format::Envelopes {
            list: e.list.clone(),
            bulk_request: e.bulk_request.clone(),
            bulk_result: e.bulk_result.clone(),
        });
    }
    t.notes.extend(o.notes.iter().cloned());
    for p in o.elements.iter().filter_map(ok) {
        patch_element(t, p, path, diags);
    }
    for p in o.actions.iter().filter_map(ok) {
        patch_action(t, p, path, diags);
    }
}

fn ok<T>(r: &Recover<T>) -> Option<&T> {
    match r {
        Recover::Ok(t) => Some(t),
        Recover::Failed => None,
    }
}

fn replace<T: Clone>(into: &mut Sp<T>, from: &Option<Sp<T>>) {
    if let Some(v) = from {
        *into = v.clone();
    }
}

fn replace_opt<T: Clone>(into: &mut Option<Sp<T>>, from: &Option<Sp<T>>) {
    if from.is_some() {
        *into = from.clone();
    }
}

/// The note of a value after a change: the import's, then the override's.
fn joined_note(old: &Option<Sp<String>>, new: &Sp<String>) -> Option<Sp<String>> {
    Some(match old {
        Some(o) => Sp {
            value: format!("{} {}", o.value, new.value),
            loc: new.loc,
        },
        None => new.clone(),
    })
}

/// What a patch's `change` says (modify by default).
fn change_of(c: &Option<Sp<Change>>) -> Change {
    c.as_ref().map_or(Change::Modify, |c| c.value)
}

/// A patch naming an element or action the type does not have.
struct Unknown<'a> {
    code: &'static str,
    /// `element` or `action`.
    what: &'a str,
    /// The type's name.
    ty: &'a str,
    change: Change,
}

fn unknown(
    u: Unknown<'_>,
    name: &Sp<String>,
    known: Vec<&str>,
    path: &Path,
    diags: &mut Diagnostics,
) {
    let Unknown {
        code,
        what,
        ty,
        change,
    } = u;
    let mut d = Diagnostic::new(
        code,
        path,
        name.loc,
        format!("`{ty}` has no {what} `{}`", name.value),
    );
    let other = if change == Change::Remove {
        "there is nothing to remove".to_owned()
    } else {
        format!("to add one, write `change: add` and the whole {what}")
    };
    d = match did_you_mean(&name.value, known) {
        Some(s) => d.hint(format!("did you mean `{s}`? Otherwise, {other}")),
        None => d.hint(format!("name one of `{ty}`'s {what}s; otherwise, {other}")),
    };
    diags.push(d);
}

/// One change to a list of a type (its elements or its actions): the item the patch names is
/// changed or removed, or a new one is added; naming an item that is not there (or adding one
/// that is) is reported.
struct ListPatch<'p> {
    /// `element` or `action`.
    what: &'static str,
    /// Its code when it is missing: `unknown-element`, `unknown-action`.
    unknown: &'static str,
    /// Its code when it is there already: `duplicate-element`, `duplicate-action`.
    duplicate: &'static str,
    name: &'p Sp<String>,
    change: Change,
    /// The type's name.
    ty: &'p str,
    /// The override file.
    path: &'p Path,
}

impl ListPatch<'_> {
    fn apply<T>(
        &self,
        items: &mut Vec<Recover<T>>,
        name_of: fn(&T) -> &str,
        modify: impl FnOnce(&mut T),
        new: impl FnOnce(&mut Diagnostics) -> Option<T>,
        diags: &mut Diagnostics,
    ) {
        let (t_name, path) = (self.ty, self.path);
        let at = items
            .iter()
            .position(|i| ok(i).is_some_and(|i| name_of(i) == self.name.value));
        match (self.change, at) {
            (Change::Modify, Some(i)) => {
                if let Recover::Ok(item) = &mut items[i] {
                    modify(item);
                }
            }
            (Change::Remove, Some(i)) => {
                items.remove(i);
            }
            (Change::Add, None) => {
                if let Some(item) = new(diags) {
                    items.push(Recover::Ok(item));
                }
            }
            (Change::Add, Some(_)) => diags.push(
                Diagnostic::new(
                    self.duplicate,
                    path,
                    self.name.loc,
                    format!(
                        "`{t_name}` already has an {} `{}`",
                        self.what, self.name.value
                    ),
                )
                .hint(format!("drop `change: add` to change the {}", self.what)),
            ),
            (Change::Modify | Change::Remove, None) => {
                let known = items.iter().filter_map(ok).map(name_of).collect();
                let u = Unknown {
                    code: self.unknown,
                    what: self.what,
                    ty: t_name,
                    change: self.change,
                };
                unknown(u, self.name, known, path, diags);
            }
        }
    }
}

fn patch_element(t: &mut SchemaFile, p: &ElementPatch, path: &Path, diags: &mut Diagnostics) {
    let t_name = t.name.value.clone();
    let patch = ListPatch {
        what: "element",
        unknown: "unknown-element",
        duplicate: "duplicate-element",
        name: &p.name,
        change: change_of(&p.change),
        ty: &t_name,
        path,
    };
    patch.apply(
        &mut t.elements,
        |x: &Element| x.name.value.as_str(),
        |x| modify_element(x, p),
        |d| new_element(p, path, d),
        diags,
    );
}

fn modify_element(e: &mut Element, p: &ElementPatch) {
    replace(&mut e.ty, &p.ty);
    replace(&mut e.list, &p.list);
    replace_opt(&mut e.length, &p.length);
    replace_opt(&mut e.precision, &p.precision);
    replace_opt(&mut e.scale, &p.scale);
    replace(&mut e.required, &p.required);
    if let Some(a) = &p.alternatives {
        e.alternatives = a.clone();
    }
    replace(&mut e.unique, &p.unique);
    if p.allowed.is_some() {
        e.allowed = p.allowed.clone();
    }
    replace_opt(&mut e.case_sensitive, &p.case_sensitive);
    replace(&mut e.api_in, &p.api_in);
    replace(&mut e.api_out, &p.api_out);
    replace(&mut e.immutable, &p.immutable);
    if let Some(a) = &p.aliases {
        e.aliases = a.clone();
    }
    replace_opt(&mut e.assigned, &p.assigned);
    replace_opt(&mut e.rust_name, &p.rust_name);
    replace_opt(&mut e.description, &p.description);
    e.note = joined_note(&e.note, &p.note);
}

/// A whole element from a `change: add` patch: `type`, `api-in` and `api-out` are required.
fn new_element(p: &ElementPatch, path: &Path, diags: &mut Diagnostics) -> Option<Element> {
    let mut missing = Vec::new();
    if p.ty.is_none() {
        missing.push("type");
    }
    if p.api_in.is_none() {
        missing.push("api-in");
    }
    if p.api_out.is_none() {
        missing.push("api-out");
    }
    if !missing.is_empty() {
        diags.push(
            Diagnostic::new(
                "missing-key",
                path,
                p.name.loc,
                format!("an added element needs {}", missing.join(", ")),
            )
            .hint("an added element is written whole, as in a schema file"),
        );
        return None;
    }
    let mut e = Element {
        name: p.name.clone(),
        description: None,
        ty: p.ty.clone()?,
        list: Sp::unplaced(false),
        length: None,
        precision: None,
        scale: None,
        required: Sp::unplaced(false),
        alternatives: Vec::new(),
        unique: Sp::unplaced(false),
        allowed: None,
        case_sensitive: None,
        api_in: p.api_in.clone()?,
        api_out: p.api_out.clone()?,
        immutable: Sp::unplaced(false),
        aliases: Vec::new(),
        assigned: None,
        rust_name: None,
        note: None,
    };
    modify_element(&mut e, p);
    Some(e)
}

fn patch_action(t: &mut SchemaFile, p: &ActionPatch, path: &Path, diags: &mut Diagnostics) {
    let t_name = t.name.value.clone();
    let patch = ListPatch {
        what: "action",
        unknown: "unknown-action",
        duplicate: "duplicate-action",
        name: &p.name,
        change: change_of(&p.change),
        ty: &t_name,
        path,
    };
    patch.apply(
        &mut t.actions,
        |x: &Action| x.name.value.as_str(),
        |x| modify_action(x, p),
        |d| new_action(p, path, d),
        diags,
    );
}

fn modify_action(a: &mut Action, p: &ActionPatch) {
    replace(&mut a.kind, &p.kind);
    replace(&mut a.method, &p.method);
    replace(&mut a.path, &p.path);
    replace_opt(&mut a.description, &p.description);
    replace_opt(&mut a.host, &p.host);
    replace(&mut a.takes, &p.takes);
    replace(&mut a.answers, &p.answers);
    if let Some(params) = &p.params {
        a.params = params.iter().map(clone_recover).collect();
    }
    if let Some(form) = &p.form {
        a.form = form.iter().map(clone_recover).collect();
    }
    if let Some(sets) = &p.sets {
        a.sets = sets.clone();
    }
    if let Some(binds) = &p.binds {
        a.binds = binds.clone();
    }
    replace_opt(&mut a.of, &p.of);
    replace_opt(&mut a.scope, &p.scope);
    a.note = joined_note(&a.note, &p.note);
}

fn clone_recover<T: Clone>(r: &Recover<T>) -> Recover<T> {
    match r {
        Recover::Ok(t) => Recover::Ok(t.clone()),
        Recover::Failed => Recover::Failed,
    }
}

/// A whole action from a `change: add` patch: `kind`, `method`, `path`, `takes` and `answers`
/// are required.
fn new_action(p: &ActionPatch, path: &Path, diags: &mut Diagnostics) -> Option<Action> {
    let mut missing = Vec::new();
    for (key, present) in [
        ("kind", p.kind.is_some()),
        ("method", p.method.is_some()),
        ("path", p.path.is_some()),
        ("takes", p.takes.is_some()),
        ("answers", p.answers.is_some()),
    ] {
        if !present {
            missing.push(key);
        }
    }
    if !missing.is_empty() {
        diags.push(
            Diagnostic::new(
                "missing-key",
                path,
                p.name.loc,
                format!("an added action needs {}", missing.join(", ")),
            )
            .hint("an added action is written whole, as in a schema file"),
        );
        return None;
    }
    let mut a = Action {
        name: p.name.clone(),
        kind: p.kind.clone()?,
        method: p.method.clone()?,
        path: p.path.clone()?,
        description: None,
        host: None,
        takes: p.takes.clone()?,
        answers: p.answers.clone()?,
        params: Vec::new(),
        form: Vec::new(),
        sets: Default::default(),
        binds: Default::default(),
        of: None,
        scope: None,
        note: None,
    };
    modify_action(&mut a, p);
    Some(a)
}

/// Gives each resource of the table its scopes, and the actions under a listed prefix theirs.
fn apply_scopes(
    files: &mut [LoadedFile],
    names: &HashMap<String, usize>,
    sorted: &[String],
    path: &Path,
    s: &ScopesFile,
    diags: &mut Diagnostics,
) {
    for entry in s.resources.iter().filter_map(ok) {
        let Some(t) = target(files, names, sorted, path, &entry.resource, diags) else {
            continue;
        };
        if t.kind.value != FileKind::Resource {
            diags.push(
                Diagnostic::new(
                    "scopes-on-shape",
                    path,
                    entry.resource.loc,
                    format!(
                        "`{}` is a shape; only resources have scopes",
                        entry.resource.value
                    ),
                )
                .hint("remove the entry"),
            );
            continue;
        }
        t.scopes = Some(Scopes {
            read: entry.read.clone(),
            write: entry.write.clone(),
        });
        scope_paths(t, entry, path, diags);
    }
}

/// The actions under each prefix of an entry take the prefix's scopes.
fn scope_paths(t: &mut SchemaFile, entry: &ScopeEntry, path: &Path, diags: &mut Diagnostics) {
    for p in entry.paths.iter().filter_map(ok) {
        let mut hit = false;
        for a in t.actions.iter_mut().filter_map(|a| match a {
            Recover::Ok(a) => Some(a),
            Recover::Failed => None,
        }) {
            if !a.path.value.starts_with(&p.prefix.value) || a.scope.is_some() {
                continue;
            }
            hit = true;
            let scope = if a.method.value == Method::Get {
                Some(p.read.clone())
            } else {
                p.write.clone()
            };
            a.scope = scope;
        }
        if !hit {
            diags.push(
                Diagnostic::new(
                    "unknown-path",
                    path,
                    p.prefix.loc,
                    format!(
                        "no action of `{}` has a path under `{}`",
                        entry.resource.value, p.prefix.value
                    ),
                )
                .hint("write the start of an action's path (`/api/inventory_adjustments`)"),
            );
        }
    }
}
