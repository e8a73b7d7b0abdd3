//! Checking and lowering: the loaded files become the IR, and every semantic problem becomes a
//! diagnostic. All files are checked in one run; nothing stops at the first problem.
//!
//! [`lower`] names every type first (so a reference to a type in a later file resolves), then
//! checks and lowers one file at a time. The checks are split by what they look at:
//!
//! - this file: the entry [`lower`], the contexts the checks share (`Cx` across files, `ResCx`
//!   for the actions of one resource), the checks every file gets (`source.url`, `open`, the
//!   element list) and the helpers that build diagnostics;
//! - `types.rs`: naming the types (type, wire, Rust and module names, and their collisions across
//!   files), resolving a type name, the names that share a type's module, and boxing the
//!   references that make a type contain itself;
//! - `fields.rs`: the elements: their wire names, aliases and Rust names, `alternatives`, and
//!   which keys fit which type (`length`, `allowed`, `unique`, `assigned`);
//! - `allowed.rs`: an element's allowed values and the enum variants they become;
//! - `resources.rs`: the file-level keys of a resource (`open`, `host`, `key`, `scopes`,
//!   `envelopes`) and the resource keys a shape cannot have;
//! - `actions.rs`: the actions of a resource: their names, parameters, scope, `of`, the
//!   envelopes and key they need, and the request and response types;
//! - `kinds.rs`: what an action's kind allows it to use, take and answer;
//! - `sets.rs`: the elements an action fixes: `sets` and `binds`;
//! - `paths.rs`: an action's path (literal text and `{parameters}`) and that no two actions share
//!   a route.

mod actions;
mod allowed;
mod fields;
mod kinds;
mod paths;
mod resources;
mod sets;
mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics, Loc, did_you_mean};
use crate::format::{self, FileKind, Host, Method, SchemaFile};
use crate::ir::{EnvelopesDef, Field, Ir, ScopesDef, SourceRef, TypeDef};
use crate::load::LoadedFile;
use crate::node::{Recover, Sp};

/// Checks the loaded files and lowers them into the IR. Returns `None` when any problem was found
/// (loading problems included).
pub fn lower(files: &[LoadedFile], diags: &mut Diagnostics) -> Option<Ir> {
    let mut cx = Cx {
        diags,
        paths: files.iter().map(|f| f.path.clone()).collect(),
        types: BTreeMap::new(),
        unreadable: BTreeSet::new(),
        routes: BTreeMap::new(),
    };
    cx.collect_types(files);
    for lf in files {
        if let (None, Some(name)) = (&lf.file, &lf.declared_name) {
            cx.unreadable.insert(name.clone());
        }
    }
    let mut types = Vec::new();
    for (name, entry) in &cx.types.clone() {
        let lf = &files[entry.file];
        let Some(f) = &lf.file else { continue };
        if !lf.complete {
            continue;
        }
        if let Some(t) = cx.lower_type(&lf.path, f, name, entry) {
            types.push(t);
        }
    }
    types::mark_boxed(&mut types);
    let release = files.iter().find_map(|lf| match &lf.overlay {
        Some(crate::load::Overlay::Release(r)) => Some(release_def(r)),
        _ => None,
    });
    if cx.diags.is_empty() {
        Some(Ir { types, release })
    } else {
        None
    }
}

/// The release manifest as the IR holds it.
fn release_def(r: &format::ReleaseFile) -> crate::ir::ReleaseDef {
    crate::ir::ReleaseDef {
        name: r.release.value.clone(),
        swagger: r
            .swagger
            .iter()
            .filter_map(|s| match s {
                Recover::Ok(s) => Some(s),
                Recover::Failed => None,
            })
            .map(|s| {
                (
                    s.file.value.clone(),
                    s.area.value.clone(),
                    s.sha256.value.clone(),
                )
            })
            .collect(),
        pages: r
            .pages
            .as_ref()
            .map(|p| (p.count.value, p.sha256.value.clone())),
    }
}

/// What naming a type decided: where it is defined and the Rust names it becomes.
#[derive(Clone, Debug)]
struct TypeEntry {
    file: usize,
    rust: String,
    module: String,
    kind: FileKind,
}

/// What the checks share across files: where the diagnostics go, every type's name, and every
/// route taken so far.
struct Cx<'d> {
    diags: &'d mut Diagnostics,
    /// Every file's path, by position: a value an override moved into another file is reported
    /// where it was written ([`Loc::file`]).
    paths: Vec<PathBuf>,
    /// Every type by schema name (from complete and incomplete files alike, so a reference to a
    /// half-read file is not reported as missing).
    types: BTreeMap<String, TypeEntry>,
    /// Names written in files whose top level could not be read: references to them are not
    /// reported again.
    unreadable: BTreeSet<String>,
    /// Every route seen so far, across resources: host, method and the path with its parameters
    /// blanked (`/api/x/{id}` and `/api/x/{name}` are one route to a router), and who routes it.
    routes: BTreeMap<RouteKey, (PathBuf, Loc, String)>,
}

/// A route as a router sees it: host, method and the path with its parameters blanked.
type RouteKey = (Host, Method, Vec<Option<String>>);

/// What the actions of one resource are checked against: the resource's file-level facts.
struct ResCx<'a> {
    path: &'a Path,
    type_name: &'a str,
    fields: &'a [Field],
    /// Every element's wire name, those whose type is unknown (and so have no `Field`) included.
    all_names: Vec<&'a str>,
    host: Host,
    scopes: Option<&'a ScopesDef>,
    envelopes: &'a EnvelopesDef,
    /// The envelopes as written, resolved or not.
    named_envelopes: Option<&'a format::Envelopes>,
    key: Option<&'a Sp<String>>,
}

impl ResCx<'_> {
    /// The field of the element `wire`, when it has one.
    fn field(&self, wire: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.wire == wire)
    }

    /// Whether `name` is an element of the file. An element that exists without a `Field` has
    /// an unknown type, reported already.
    fn is_element(&self, name: &str) -> bool {
        self.all_names.contains(&name)
    }
}

impl Cx<'_> {
    /// Starts a diagnostic; it is recorded when the returned builder is dropped.
    fn err(
        &mut self,
        code: &'static str,
        file: &Path,
        loc: Loc,
        msg: impl Into<String>,
    ) -> DiagBuilder<'_> {
        let file = match loc.file.checked_sub(1) {
            Some(i) => self.paths.get(i as usize).map_or(file, PathBuf::as_path),
            None => file,
        };
        DiagBuilder {
            diags: self.diags,
            d: Some(Diagnostic::new(code, file, loc, msg)),
        }
    }

    /// Checks one file whose types are named and lowers it into a type: its source, its
    /// elements, whether it is open, the names in its module, and its resource keys (or, for a
    /// shape, that it has none). `None` when the file has a problem.
    fn lower_type(
        &mut self,
        path: &Path,
        f: &SchemaFile,
        name: &str,
        entry: &TypeEntry,
    ) -> Option<TypeDef> {
        let before = self.diags.len();
        self.check_source(path, f);
        let fields = self.lower_fields(path, f, &entry.rust);
        // The rows as written: an element with an unknown type has no `Field` but is not missing.
        if f.open.value && !f.elements.is_empty() && entry.kind == FileKind::Shape {
            self.err("open-with-elements", path, f.open.loc, "an open shape cannot also list elements")
                .hint("drop `open: true` to describe the elements, or drop the elements to keep every key as it arrives");
        }
        if !f.open.value && f.elements.is_empty() {
            self.err("no-elements", path, f.name.loc, format!("`{name}` has no elements"))
                .hint("list the page's element table under `elements:`, or write `open: true` when Coupa leaves the object open");
        }
        if !f.open.value {
            self.check_module_names(path, f, entry, &fields);
        }
        let resource = match entry.kind {
            FileKind::Resource => self.lower_resource(path, f, &entry.rust, &entry.module, &fields),
            _ => {
                self.shape_has_no_api(path, f);
                None
            }
        };
        if self.diags.len() > before {
            return None;
        }
        Some(TypeDef {
            name: name.to_owned(),
            rust: entry.rust.clone(),
            module: entry.module.clone(),
            file: path.display().to_string().replace('\\', "/"),
            wire_name: f.wire_name.value.clone(),
            description: f.description.as_ref().map(|d| d.value.clone()),
            source: SourceRef {
                page: f
                    .source
                    .page
                    .as_ref()
                    .zip(f.source.url.as_ref())
                    .map(|(p, u)| (p.value.clone(), u.value.clone())),
                swagger: f.source.swagger.as_ref().map(|s| s.value.clone()),
            },
            notes: f.notes.iter().map(|n| n.value.clone()).collect(),
            open: f.open.value,
            fields,
            resource,
        })
    }

    /// A source names the page (`page` and `url` together), the Swagger area, or both.
    fn check_source(&mut self, path: &Path, f: &SchemaFile) {
        let s = &f.source;
        match (&s.page, &s.url) {
            (Some(_), Some(url)) => self.check_url(path, url),
            (Some(page), None) => {
                self.err(
                    "missing-key",
                    path,
                    page.loc,
                    "`source` names a page but not its `url`",
                )
                .hint("add the page's address under `url:` (its `url` in the page's front matter)");
            }
            (None, Some(url)) => {
                self.err(
                    "missing-key",
                    path,
                    url.loc,
                    "`source` gives a `url` but not the page's title",
                )
                .hint("add the page's English title under `page:`");
            }
            (None, None) if s.swagger.is_none() => {
                self.err(
                    "missing-key",
                    path,
                    f.name.loc,
                    "`source` names neither a page nor a Swagger area",
                )
                .hint("name the page a reader can open: `page:` (its title) and `url:`");
            }
            (None, None) => {}
        }
    }

    /// `source.url` is the address of the page a reader can open: an `https://` URL with a host,
    /// written with the characters a URL holds unescaped (so it is also a valid markdown link
    /// in the generated docs).
    fn check_url(&mut self, path: &Path, url: &Sp<String>) {
        let u = url.value.as_str();
        let example = "`https://compass.coupa.com/en-us/products/product-documentation/...`";
        let Some(rest) = u.strip_prefix("https://") else {
            let (label, hint) = if u
                .get(..7)
                .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
            {
                (
                    "not https",
                    "Coupa publishes its pages over https: write `https://` instead of `http://`"
                        .to_owned(),
                )
            } else {
                (
                    "not an https URL",
                    format!(
                        "write the page's address as the browser shows it, starting with `https://` ({example})"
                    ),
                )
            };
            self.err(
                "bad-url",
                path,
                url.loc,
                format!("`url` must be an https URL, not `{u}`"),
            )
            .label(label)
            .hint(hint);
            return;
        };
        if let Some(c) = u.chars().find(|&c| !is_url_char(c)) {
            self.err(
                "bad-url",
                path,
                url.loc,
                format!(
                    "`url` holds {}, which a URL cannot hold unescaped",
                    char_name(c)
                ),
            )
            .label("not a URL")
            .hint("percent-encode it (a space is `%20`), or copy the address from the browser");
            return;
        }
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        if !host.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            self.err("bad-url", path, url.loc, "`url` names no host")
                .label("no host")
                .hint(format!("write the page's whole address ({example})"));
        }
    }

    /// Reports `name`, written under `what` (`` `key` ``, `` `sets` ``), when it is not one of
    /// the file's elements `fields`.
    fn unknown_element(&mut self, path: &Path, name: &Sp<String>, fields: &[&str], what: &str) {
        let hint = match did_you_mean(&name.value, fields.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if fields.is_empty() => "this file lists no elements".to_owned(),
            None => format!(
                "the elements are {}",
                fields
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.err(
            "unknown-element",
            path,
            name.loc,
            format!(
                "{what} names `{}`, which is not an element of this file",
                name.value
            ),
        )
        .label("no such element")
        .hint(hint);
    }
}

/// A diagnostic under construction; recorded when dropped.
struct DiagBuilder<'a> {
    diags: &'a mut Diagnostics,
    d: Option<Diagnostic>,
}

impl DiagBuilder<'_> {
    fn label(mut self, l: impl Into<String>) -> Self {
        self.d = self.d.take().map(|d| d.label(l));
        self
    }
    fn hint(mut self, h: impl Into<String>) -> Self {
        self.d = self.d.take().map(|d| d.hint(h));
        self
    }
}

impl Drop for DiagBuilder<'_> {
    fn drop(&mut self) {
        if let Some(d) = self.d.take() {
            self.diags.push(d);
        }
    }
}

/// Whether `s` is a wire name as Coupa writes them: lower case words and digits joined by `-`.
fn is_wire_name(s: &str) -> bool {
    let mut parts = s.split('-');
    parts.all(|p| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    }) && s.starts_with(|c: char| c.is_ascii_lowercase())
}

/// The wire names of a file's elements that could be read.
fn element_names(f: &SchemaFile) -> Vec<&str> {
    f.elements
        .iter()
        .filter_map(|e| match e {
            Recover::Ok(e) => Some(e.name.value.as_str()),
            Recover::Failed => None,
        })
        .collect()
}

/// `a` or `an`, for the word that follows (`an integer`, `a string`).
fn article(word: &str) -> &'static str {
    if word
        .trim_start_matches('`')
        .starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U'])
    {
        "an"
    } else {
        "a"
    }
}

/// `BulkCreate` as the schemas write it: `bulk-create`.
fn kebab(s: &str) -> String {
    use heck::ToKebabCase;
    s.to_kebab_case()
}

/// A character a URL holds as it is (RFC 3986's unreserved and reserved characters, and `%` of
/// an escape), except the brackets of IPv6 hosts, which markdown would read as a link.
fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#@!$&'()*+,;=%".contains(c)
}

/// How a diagnostic names a character: `a space`, `` `<` ``, `U+0009`.
fn char_name(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        c if c.is_control() || c.is_whitespace() => format!("the character U+{:04X}", c as u32),
        '`' => "a backtick".to_owned(),
        c => format!("`{c}`"),
    }
}
