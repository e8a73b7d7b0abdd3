//! Checking and lowering: the loaded files become the IR, and every semantic problem becomes a
//! diagnostic. All files are checked in one run; nothing stops at the first problem.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics, Loc, did_you_mean};
use crate::format::{self, ActionKind, Answers, FileKind, Host, Method, SchemaFile, Takes};
use crate::ident;
use crate::ir::*;
use crate::load::LoadedFile;
use crate::node::{Recover, Sp};

/// Checks the loaded files and lowers them into the IR. Returns `None` when any problem was found
/// (loading problems included).
pub fn lower(files: &[LoadedFile], diags: &mut Diagnostics) -> Option<Ir> {
    let mut cx = Cx {
        diags,
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
    mark_boxed(&mut types);
    if cx.diags.is_empty() {
        Some(Ir { types })
    } else {
        None
    }
}

#[derive(Clone, Debug)]
struct TypeEntry {
    file: usize,
    rust: String,
    module: String,
    kind: FileKind,
}

struct Cx<'d> {
    diags: &'d mut Diagnostics,
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

type RouteKey = (Host, Method, Vec<Option<String>>);

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

fn is_type_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

impl Cx<'_> {
    fn err(
        &mut self,
        code: &'static str,
        file: &Path,
        loc: Loc,
        msg: impl Into<String>,
    ) -> DiagBuilder<'_> {
        DiagBuilder {
            diags: self.diags,
            d: Some(Diagnostic::new(code, file, loc, msg)),
        }
    }

    /// Names every type and checks the names across files.
    fn collect_types(&mut self, files: &[LoadedFile]) {
        // Rust type name -> (schema name, file, position of an explicit `rust-name`).
        let mut rust_names: HashMap<String, (String, &Path, Option<Loc>)> = HashMap::new();
        let mut modules: HashMap<String, (String, &Path)> = HashMap::new();
        for (i, lf) in files.iter().enumerate() {
            let Some(f) = &lf.file else { continue };
            let path = lf.path.as_path();
            let name = f.name.value.clone();
            if !is_type_name(&name) {
                self.err(
                    "bad-type-name",
                    path,
                    f.name.loc,
                    format!("`{name}` is not a type name"),
                )
                .label("type names are PascalCase letters and digits")
                .hint(if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    format!("write `{}`", ident::camel(&name))
                } else {
                    "start the name with a capital letter (`IntegrationRun`)".to_owned()
                });
            }
            if !is_wire_name(&f.wire_name) {
                self.err(
                    "bad-wire-name",
                    path,
                    f.wire_name.loc,
                    format!("`{}` is not a kebab-case wire name", f.wire_name.value),
                )
                .hint("Coupa's wire names are lower case words joined by `-`");
            }
            let rust = match &f.rust_name {
                Some(r) => {
                    if syn::parse_str::<syn::Ident>(&r.value).is_err() {
                        self.err(
                            "bad-rust-name",
                            path,
                            r.loc,
                            format!("`{}` is not a Rust identifier", r.value),
                        )
                        .hint("use letters, digits and `_`, starting with a letter");
                    }
                    r.value.clone()
                }
                None => ident::camel(&name),
            };
            let bare = ident::bare(&rust).to_owned();
            if ident::is_prelude_type(&bare)
                || ident::is_keyword(&bare)
                || bare.ends_with('_') && ident::is_keyword(bare.trim_end_matches('_'))
            {
                let loc = f.rust_name.as_ref().map_or(f.name.loc, |r| r.loc);
                self.err(
                    "reserved-name",
                    path,
                    loc,
                    if rust == name {
                        format!("the type name `{name}` collides with Rust's own `{}`", bare.trim_end_matches('_'))
                    } else {
                        format!("the type name `{name}` becomes `{rust}`, which collides with Rust's own `{}`", bare.trim_end_matches('_'))
                    },
                )
                .label("reserved in Rust")
                .hint(format!("keep `name: {name}` for the schemas and add `rust-name: Coupa{}` for the generated type", bare.trim_end_matches('_')));
            }
            let module = match f.kind.value {
                FileKind::Resource => {
                    match &f.plural {
                        Some(p) => {
                            if !is_wire_name(&p.value) {
                                self.err("bad-wire-name", path, p.loc, format!("`{}` is not a kebab-case wire name", p.value))
                                .hint("write the plural as Coupa does, kebab-case (`integration-runs`)");
                            }
                            ident::snake(&p.value)
                        }
                        None => {
                            self.err("missing-key", path, f.name.loc, "a resource needs `plural`")
                            .hint("add `plural:` with the wire name of a list (`integration-runs`)");
                            ident::snake(&name)
                        }
                    }
                }
                FileKind::Shape => ident::snake(&name),
            };
            if let Some(prev) = self.types.get(&name) {
                let prev_path = files[prev.file].path.display().to_string();
                self.err(
                    "duplicate-type",
                    path,
                    f.name.loc,
                    format!("the type `{name}` is defined twice"),
                )
                .label("second definition")
                .hint(format!("the first is in {prev_path}; rename one of them"));
                continue;
            }
            if let Some((other, other_path, other_rust)) = rust_names.get(&bare) {
                // Point at the `rust-name` that causes the collision, when one does.
                let (at_path, at, explicit, implicit, implicit_path) =
                    match (&f.rust_name, other_rust) {
                        (Some(r), _) => (path, r.loc, name.as_str(), other.as_str(), *other_path),
                        (None, Some(l)) => (*other_path, *l, other.as_str(), name.as_str(), path),
                        (None, None) => (path, f.name.loc, "", other.as_str(), *other_path),
                    };
                if explicit.is_empty() {
                    self.err(
                        "name-collision",
                        at_path,
                        at,
                        format!("`{name}` and `{other}` both become the Rust type `{bare}`"),
                    )
                    .hint(format!(
                        "rename one, or give one a `rust-name` (the other is in {})",
                        implicit_path.display()
                    ));
                } else {
                    self.err(
                        "name-collision",
                        at_path,
                        at,
                        format!("the `rust-name` of `{explicit}` is `{bare}`, which is already the Rust type of `{implicit}`"),
                    )
                    .label("taken")
                    .hint(format!("choose another `rust-name` (`{implicit}` is in {})", implicit_path.display()));
                }
            } else {
                rust_names.insert(
                    bare.clone(),
                    (name.clone(), path, f.rust_name.as_ref().map(|r| r.loc)),
                );
            }
            if let Some((other, other_path)) = modules.get(&module) {
                self.err(
                    "name-collision",
                    path,
                    f.name.loc,
                    format!("`{name}` and `{other}` both become the Rust module `{module}`"),
                )
                .hint(format!(
                    "rename one of them (the other is in {})",
                    other_path.display()
                ));
            } else {
                modules.insert(module.clone(), (name.clone(), path));
            }
            self.types.insert(
                name,
                TypeEntry {
                    file: i,
                    rust,
                    module,
                    kind: f.kind.value,
                },
            );
        }
    }

    fn resolve_type(&mut self, path: &Path, ty: &Sp<String>) -> Option<FieldType> {
        if let Some(b) = FieldType::builtin(&ty.value) {
            return Some(b);
        }
        if let Some(e) = self.types.get(&ty.value) {
            return Some(FieldType::Shape {
                name: ty.value.clone(),
                rust: e.rust.clone(),
                module: e.module.clone(),
            });
        }
        if self.unreadable.contains(&ty.value) {
            return None;
        }
        let names: Vec<String> = FieldType::BUILTIN
            .iter()
            .map(|s| s.to_string())
            .chain(self.types.keys().cloned())
            .collect();
        let hint = match did_you_mean(&ty.value, names.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "use a built-in type ({}) or the name of a shape in schema/",
                FieldType::BUILTIN.join(", ")
            ),
        };
        self.err(
            "unknown-type",
            path,
            ty.loc,
            format!(
                "`{}` is neither a built-in type nor a shape in the schemas",
                ty.value
            ),
        )
        .label("no such type")
        .hint(hint);
        None
    }

    fn lower_type(
        &mut self,
        path: &Path,
        f: &SchemaFile,
        name: &str,
        entry: &TypeEntry,
    ) -> Option<TypeDef> {
        let before = self.diags.len();
        self.check_url(path, &f.source.url);
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
            FileKind::Resource => self.lower_resource(path, f, &entry.rust, &fields),
            FileKind::Shape => {
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
            description: f.description.value.clone(),
            source: SourceRef {
                page: f.source.page.value.clone(),
                url: f.source.url.value.clone(),
            },
            notes: f.notes.iter().map(|n| n.value.clone()).collect(),
            open: f.open.value,
            fields,
            resource,
        })
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

    /// The names a type's module holds besides the actions' request types: the model, the enums
    /// of allowed values, the query builder (and, for resources, the action enum and the service
    /// trait); and the query builder's filter methods.
    fn check_module_names(
        &mut self,
        path: &Path,
        f: &SchemaFile,
        entry: &TypeEntry,
        fields: &[Field],
    ) {
        let loc_of = |wire: &str| element_loc(f, wire);
        let names = module_type_names(f, &entry.rust, fields);
        let mut seen: HashMap<String, String> = HashMap::new();
        for (n, what, loc) in names {
            if let Some(other) = seen.get(&n) {
                self.err("name-collision", path, loc, format!("{what} and {other} would both be named `{n}`"))
                    .hint("give the element a `rust-name`, or the file a `rust-name`, so the generated names differ");
            } else {
                seen.insert(n, what);
            }
        }
        let mut methods: HashMap<String, String> = HashMap::new();
        for fl in fields {
            let m = ident::bare(&fl.filter).to_owned();
            if let Some(other) = methods.get(&m) {
                self.err(
                    "name-collision",
                    path,
                    loc_of(&fl.wire),
                    format!(
                        "the query filters on `{}` and `{other}` would both be the method `{m}`",
                        fl.wire
                    ),
                )
                .hint("give one of the elements a `rust-name`");
            } else {
                methods.insert(m, fl.wire.clone());
            }
        }
    }

    fn shape_has_no_api(&mut self, path: &Path, f: &SchemaFile) {
        let mut misplaced: Vec<(&str, Loc)> = Vec::new();
        if let Some(h) = &f.host {
            misplaced.push(("host", h.loc));
        }
        if let Some(p) = &f.plural {
            misplaced.push(("plural", p.loc));
        }
        if let Some(s) = &f.scopes {
            misplaced.push(("scopes", s.read.loc));
        }
        if let Some(k) = &f.key {
            misplaced.push(("key", k.loc));
        }
        if !f.actions.is_empty() {
            misplaced.push(("actions", f.kind.loc));
        }
        if let Some(e) = &f.envelopes {
            let loc = [&e.list, &e.bulk_request, &e.bulk_result]
                .into_iter()
                .flatten()
                .map(|v| v.loc)
                .next()
                .unwrap_or(f.kind.loc);
            misplaced.push(("envelopes", loc));
        }
        for (key, loc) in misplaced {
            self.err(
                "resource-key-on-shape",
                path,
                loc,
                format!("a shape cannot have `{key}`"),
            )
            .hint("write `kind: resource` if this file describes an API page");
        }
    }

    fn lower_fields(&mut self, path: &Path, f: &SchemaFile, type_rust: &str) -> Vec<Field> {
        let mut out: Vec<Field> = Vec::new();
        let mut wires: HashMap<String, (Loc, Option<String>)> = HashMap::new();
        let mut rusts: HashMap<String, String> = HashMap::new();
        for e in &f.elements {
            let Recover::Ok(e) = e else { continue };
            if let Some(field) = self.lower_field(path, e, type_rust, &mut wires, &mut rusts) {
                out.push(field);
            }
        }
        // Elements whose type is unknown are left out of `out`; they are still elements.
        let names = element_names(f);
        for e in &f.elements {
            let Recover::Ok(e) = e else { continue };
            for alt in &e.alternatives {
                if !names.contains(&alt.value.as_str()) {
                    self.unknown_element(path, alt, &names, "`alternatives`");
                }
            }
        }
        out
    }

    fn lower_field(
        &mut self,
        path: &Path,
        e: &format::Element,
        type_rust: &str,
        wires: &mut HashMap<String, (Loc, Option<String>)>,
        rusts: &mut HashMap<String, String>,
    ) -> Option<Field> {
        let wire = e.name.value.clone();
        let at = e.name.loc;
        if !is_wire_name(&wire) {
            self.err(
                "bad-wire-name",
                path,
                at,
                format!("`{wire}` is not a kebab-case wire name"),
            )
            .hint(format!(
                "Coupa writes `{}`; put other spellings under `aliases`",
                wire.replace('_', "-").to_ascii_lowercase()
            ));
        }
        let mut duplicate_name = false;
        let names = std::iter::once((&wire, at, None))
            .chain(e.aliases.iter().map(|a| (&a.value, a.loc, Some(&wire))));
        for (name, loc, alias_of) in names {
            let Some((prev, prev_alias_of)) = wires.get(name) else {
                wires.insert(name.clone(), (loc, alias_of.cloned()));
                continue;
            };
            duplicate_name |= alias_of.is_none();
            let (message, hint) = match (prev_alias_of, alias_of) {
                (None, None) => (
                    format!("the element `{name}` is listed twice"),
                    format!("the first is at line {}; merge the two rows", prev.line),
                ),
                (Some(other), None) => (
                    format!("`{name}` is both an element and an alias of `{other}`"),
                    format!(
                        "line {} lists it under the `aliases` of `{other}`; remove it there",
                        prev.line
                    ),
                ),
                (None, Some(of)) => (
                    format!("the alias `{name}` of `{of}` is the name of another element"),
                    format!(
                        "the element `{name}` is at line {}; remove the alias",
                        prev.line
                    ),
                ),
                (Some(other), Some(of)) => (
                    format!("`{name}` is an alias of both `{other}` and `{of}`"),
                    format!("line {} lists it for `{other}`; keep one", prev.line),
                ),
            };
            self.err("duplicate-element", path, loc, message)
                .label("second use")
                .hint(hint);
        }
        let rust = match &e.rust_name {
            Some(r) => {
                if syn::parse_str::<syn::Ident>(&r.value).is_err() {
                    self.err(
                        "bad-rust-name",
                        path,
                        r.loc,
                        format!("`{}` is not a Rust identifier", r.value),
                    )
                    .hint("use snake_case letters, digits and `_`");
                }
                r.value.clone()
            }
            None => ident::snake(&wire),
        };
        let bare = ident::bare(&rust).to_owned();
        // A second row of the same element is reported once, as a duplicate.
        let same_element = duplicate_name && e.rust_name.is_none();
        if same_element {
            // Reported above as a duplicate element.
        } else if let Some(other) = rusts.get(&bare) {
            self.err(
                "name-collision",
                path,
                e.rust_name.as_ref().map_or(at, |r| r.loc),
                format!("`{wire}` and `{other}` both become the Rust field `{bare}`"),
            )
            .hint(match &e.rust_name {
                Some(_) => format!("choose another `rust-name` for `{wire}`"),
                None => "give one of them a `rust-name`, or fix the spelling if they are the same element".to_owned(),
            });
        } else {
            rusts.insert(bare, wire.clone());
        }
        if !e.alternatives.is_empty() && !e.required.value {
            self.err(
                "alternatives-without-required",
                path,
                e.alternatives[0].loc,
                "`alternatives` only matter for a required element",
            )
            .hint("write `required: true`, or remove `alternatives`");
        }
        let ty = self.resolve_type(path, &e.ty);
        if let Some(ty) = &ty {
            self.check_field_type_rules(path, e, ty);
        }
        let allowed = self.lower_allowed(path, e, type_rust, ty.as_ref());
        // A field with problems is still returned (when its type is known), so that later checks
        // that look it up do not report follow-on problems; the IR is not built anyway.
        Some(Field {
            filter: ident::filter_method(&rust),
            wire,
            rust,
            description: e.description.value.clone(),
            ty: ty?,
            list: e.list.value,
            boxed: false,
            length: e.length.as_ref().map(|l| l.value),
            required: e.required.value,
            unique: e.unique.value,
            allowed,
            api_in: e.api_in.value,
            api_out: e.api_out.value,
            immutable: e.immutable.value,
            aliases: e.aliases.iter().map(|a| a.value.clone()).collect(),
            alternatives: e.alternatives.iter().map(|a| a.value.clone()).collect(),
            assigned: e.assigned.as_ref().map(|a| a.value),
            note: e.note.as_ref().map(|n| n.value.clone()),
        })
    }

    fn check_field_type_rules(&mut self, path: &Path, e: &format::Element, ty: &FieldType) {
        let tyname = &e.ty.value;
        if let Some(l) = &e.length {
            if !ty.is_text() && *ty != FieldType::Digits {
                self.err(
                    "length-on-type",
                    path,
                    l.loc,
                    format!(
                        "{} `{tyname}` element cannot have a length",
                        article(tyname)
                    ),
                )
                .hint("lengths apply to `string`, `text` and `digits`; remove `length`");
            } else if l.value == 0 {
                self.err(
                    "invalid-value",
                    path,
                    l.loc,
                    "a length of 0 allows no value at all",
                )
                .hint("write the page's length (`string(255)` is `length: 255`)");
            }
        }
        if let Some(a) = &e.allowed
            && !ty.is_text()
        {
            self.err(
                "allowed-on-type",
                path,
                a.loc,
                format!(
                    "{} `{tyname}` element cannot have allowed values",
                    article(tyname)
                ),
            )
            .hint(
                "allowed values apply to `string` and `text`; remove `allowed`, or change `type`",
            );
        }
        if e.unique.value
            && (e.list.value || matches!(ty, FieldType::Shape { .. } | FieldType::Object))
        {
            self.err(
                "unique-on-type",
                path,
                e.unique.loc,
                format!(
                    "a {} cannot be unique",
                    if e.list.value {
                        "list"
                    } else {
                        "nested object"
                    }
                ),
            )
            .hint("mark the identifying element of the nested shape unique instead");
        }
        if let Some(a) = &e.assigned {
            use format::Assigned::*;
            let fits = match a.value {
                Id => matches!(ty, FieldType::Integer | FieldType::Digits),
                CreatedAt | UpdatedAt => *ty == FieldType::Datetime,
                CreatedBy | UpdatedBy => matches!(ty, FieldType::Shape { .. } | FieldType::Object),
                Sequence => *ty == FieldType::Integer,
            } && !e.list.value;
            if !fits {
                self.err("assigned-type", path, a.loc, if e.list.value {
                    format!("Coupa cannot assign `{}` to a list", kebab(&format!("{:?}", a.value)))
                } else {
                    format!("Coupa cannot assign `{}` to {} `{tyname}` element", kebab(&format!("{:?}", a.value)), article(tyname))
                })
                    .hint("`id` takes integer or digits, timestamps take datetime, users take a shape, `sequence` takes integer");
            }
        }
    }

    fn lower_allowed(
        &mut self,
        path: &Path,
        e: &format::Element,
        type_rust: &str,
        ty: Option<&FieldType>,
    ) -> Option<Allowed> {
        let Some(list) = &e.allowed else {
            if let Some(cs) = &e.case_sensitive {
                self.err(
                    "case-sensitive-without-allowed",
                    path,
                    cs.loc,
                    "`case-sensitive` without `allowed` has no effect",
                )
                .hint("remove it, or list the allowed values");
            }
            return None;
        };
        if !ty.is_some_and(FieldType::is_text) {
            return None;
        }
        if list.value.is_empty() {
            self.err(
                "empty-allowed",
                path,
                list.loc,
                "an empty `allowed` list accepts nothing",
            )
            .hint("list the values from the page, or remove `allowed`");
            return None;
        }
        let case_sensitive = e.case_sensitive.as_ref().is_none_or(|c| c.value);
        let mut seen: HashMap<String, &Sp<String>> = HashMap::new();
        let mut rust_seen: HashMap<String, &Sp<String>> = HashMap::new();
        let mut values = Vec::new();
        for v in &list.value {
            let key = if case_sensitive {
                v.value.clone()
            } else {
                v.value.to_lowercase()
            };
            if let Some(prev) = seen.get(&key) {
                let message = if prev.value == v.value {
                    format!("`{}` is listed twice", v.value)
                } else {
                    format!(
                        "`{}` and `{}` are the same value when case does not matter",
                        v.value, prev.value
                    )
                };
                self.err("duplicate-value", path, v.loc, message)
                    .label("second listing")
                    .hint(format!(
                        "the first is at line {}, column {}; keep one",
                        prev.loc.line, prev.loc.col
                    ));
                continue;
            }
            seen.insert(key, v);
            let rust = ident::camel(&v.value);
            if rust == "Unknown" {
                self.err("reserved-name", path, v.loc, format!("the value `{}` becomes the variant `Unknown`, which holds values Coupa adds later", v.value))
                    .hint("this value cannot be generated as written; report it so the catch-all variant can be renamed");
                continue;
            }
            if let Some(prev) = rust_seen.get(&rust) {
                self.err(
                    "name-collision",
                    path,
                    v.loc,
                    format!(
                        "`{}` and `{}` both become the variant `{rust}`",
                        v.value, prev.value
                    ),
                )
                .hint(if case_sensitive {
                    "if Coupa treats them as one value, write `case-sensitive: false` and keep one"
                        .to_owned()
                } else {
                    "fix the spelling of one of them".to_owned()
                });
                continue;
            }
            rust_seen.insert(rust.clone(), v);
            values.push(Variant {
                wire: v.value.clone(),
                rust,
            });
        }
        Some(Allowed {
            rust: format!(
                "{}{}",
                ident::bare(type_rust),
                // The field's `rust-name` renames its enum too.
                ident::camel(e.rust_name.as_ref().map_or(&e.name.value, |r| &r.value))
            ),
            case_sensitive,
            values,
        })
    }

    fn lower_resource(
        &mut self,
        path: &Path,
        f: &SchemaFile,
        type_rust: &str,
        fields: &[Field],
    ) -> Option<ResourceDef> {
        if f.open.value {
            self.err(
                "open-resource",
                path,
                f.open.loc,
                "a resource cannot be open",
            )
            .hint(
                "describe the page's element table under `elements:`; only shapes can be left open",
            );
        }
        let Some(host) = &f.host else {
            self.err("missing-key", path, f.kind.loc, "a resource needs `host`")
                .hint("add `host: core` (https://{instance}.coupahost.com) or `host: cso`");
            return None;
        };
        let plural = f.plural.as_ref().map(|p| p.value.clone())?;
        let all_names = element_names(f);
        if let Some(k) = &f.key
            && !all_names.contains(&k.value.as_str())
        {
            self.unknown_element(path, k, &all_names, "`key`");
        }
        let scopes = f.scopes.as_ref().map(|s| ScopesDef {
            read: s.read.value.clone(),
            write: s.write.as_ref().map(|w| w.value.clone()),
        });
        if host.value == Host::Cso
            && let Some(s) = &f.scopes
        {
            self.err(
                "scopes-on-cso",
                path,
                s.read.loc,
                "CSO resources authenticate with X-CSO-API-KEY, not OAuth scopes",
            )
            .hint("remove `scopes`");
        }
        if host.value == Host::Core && f.scopes.is_none() {
            self.err(
                "missing-key",
                path,
                f.kind.loc,
                "a Core resource needs `scopes`",
            )
            .hint("add `scopes: { read: core.x.read, write: core.x.write }`");
        }
        let mut envelopes = EnvelopesDef::default();
        if let Some(env) = &f.envelopes {
            for (slot, v) in [
                (&mut envelopes.list, &env.list),
                (&mut envelopes.bulk_request, &env.bulk_request),
                (&mut envelopes.bulk_result, &env.bulk_result),
            ] {
                if let Some(v) = v {
                    match self.resolve_type(path, v) {
                        Some(FieldType::Shape { name, .. }) => *slot = Some(name),
                        Some(_) => {
                            self.err(
                                "bad-envelope",
                                path,
                                v.loc,
                                format!("`{}` is a built-in type, not an envelope shape", v.value),
                            )
                            .hint("name a shape file whose elements wrap the list");
                        }
                        None => {}
                    }
                }
            }
        }
        if f.actions.is_empty() {
            self.err("no-actions", path, f.kind.loc, "a resource has no actions")
                .hint("list the page's action table under `actions:`, or write `kind: shape`");
        }
        let cx = ResCx {
            path,
            type_name: &f.name.value,
            fields,
            all_names,
            host: host.value,
            scopes: scopes.as_ref(),
            envelopes: &envelopes,
            named_envelopes: f.envelopes.as_ref(),
            key: f.key.as_ref(),
        };
        let mut actions = Vec::new();
        let mut names: HashMap<String, Loc> = HashMap::new();
        let mut rust_names: HashMap<String, String> = HashMap::new();
        // Type names that share the resource's module.
        let action_enum = ident::action_enum(type_rust);
        let query = ident::query_type(type_rust);
        let service = ident::service_trait(&plural);
        let mut module_types: HashMap<String, String> = module_type_names(f, type_rust, fields)
            .into_iter()
            .map(|(n, what, _)| (n, what))
            .collect();
        for a in &f.actions {
            let Recover::Ok(a) = a else { continue };
            if let Some(prev) = names.get(&a.name.value) {
                self.err("duplicate-action", path, a.name.loc, format!("the action name `{}` is used twice", a.name.value))
                    .label("second use")
                    .hint(format!("the first is at line {}; action names must be unique (`update` and `update-put`, `create-for-invoice`)", prev.line));
                continue;
            }
            names.insert(a.name.value.clone(), a.name.loc);
            let rust_fn = ident::snake(&a.name.value);
            if let Some(other) = rust_names.get(ident::bare(&rust_fn)) {
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
                continue;
            }
            rust_names.insert(ident::bare(&rust_fn).to_owned(), a.name.value.clone());
            let rust_type = ident::camel(&a.name.value);
            if let Some(what) = module_types.get(ident::bare(&rust_type)) {
                self.err(
                    "name-collision",
                    path,
                    a.name.loc,
                    format!("the request type of action `{}` would be `{rust_type}`, the name of {what}", a.name.value),
                )
                .hint("rename the action");
                continue;
            }
            module_types.insert(
                ident::bare(&rust_type).to_owned(),
                format!("the request type of `{}`", a.name.value),
            );
            if let Some(ad) = self.lower_action(&cx, a, rust_fn, rust_type) {
                actions.push(ad);
            }
        }
        Some(ResourceDef {
            plural,
            host: host.value,
            scopes,
            key: f.key.as_ref().map(|k| k.value.clone()),
            envelopes,
            action_enum,
            query,
            service,
            actions,
        })
    }

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

    fn lower_action(
        &mut self,
        cx: &ResCx<'_>,
        a: &format::Action,
        rust_fn: String,
        rust_type: String,
    ) -> Option<ActionDef> {
        let path = cx.path;
        let before = self.diags.len();
        let kind = a.kind.value;
        let (segments, path_params) = self.parse_path(path, &a.path);
        // Declared parameters.
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
                        None => {
                            "parameters are `integer` (Core ids), `digits` (CSO ids) or `string`"
                                .to_owned()
                        }
                    });
                    continue;
                }
            };
            params.push(ParamDef {
                rust: ident::snake(&p.name.value),
                name: p.name.value.clone(),
                ty,
                description: p.description.as_ref().map(|d| d.value.clone()),
            });
        }
        for (name, loc) in &path_params {
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
        self.check_shape_of_action(cx, a);
        let host = a.host.as_ref().map_or(cx.host, |h| h.value);
        self.check_route_is_new(cx, a, host, &segments);
        // Scopes.
        let scope = match (host, &a.scope) {
            (Host::Cso, Some(s)) => {
                self.err(
                    "scopes-on-cso",
                    path,
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
                        path,
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
        };
        // `of`.
        let field_names = &cx.all_names;
        // An element that exists without a `Field` has an unknown type, reported already.
        let known = |name: &str| field_names.contains(&name);
        let mut of_shape = None;
        if let Some(of) = &a.of {
            match cx.fields.iter().find(|f| f.wire == of.value) {
                None if known(&of.value) => {}
                None => self.unknown_element(path, of, field_names, "`of`"),
                Some(f) => {
                    match (&f.ty, f.list) {
                        (FieldType::Shape { name, .. }, true) => of_shape = Some(name.clone()),
                        _ => {
                            self.err("bad-of", path, of.loc, format!("`{}` is not a list of objects", of.value))
                            .hint("`of` names an element that holds a list of a shape (`attachments`)");
                        }
                    }
                }
            }
            if !matches!(kind, ActionKind::Index | ActionKind::Show) {
                self.err(
                    "bad-of",
                    path,
                    of.loc,
                    "`of` applies to `index` and `show` actions only",
                )
                .hint("remove `of`");
            }
        }
        // `sets`.
        let mut sets = Vec::new();
        if !a.sets.is_empty() && !matches!(kind, ActionKind::Status | ActionKind::Create) {
            let first = a.sets.keys().next().map_or(a.name.loc, |k| k.loc);
            self.err(
                "sets-on-non-status",
                path,
                first,
                "only `status` and `create` actions set elements",
            )
            .hint("write `kind: status`, or remove `sets`");
        }
        if kind == ActionKind::Status && a.sets.is_empty() {
            self.err(
                "status-without-sets",
                path,
                a.kind.loc,
                "a status action must say what it sets",
            )
            .hint("add `sets: { status: running }`");
        }
        for (el, value) in &a.sets {
            let Some(f) = cx.fields.iter().find(|f| f.wire == el.value) else {
                if !known(&el.value) {
                    self.unknown_element(path, el, field_names, "`sets`");
                }
                continue;
            };
            if let Some(allowed) = &f.allowed {
                let ok = allowed.values.iter().any(|v| {
                    if allowed.case_sensitive {
                        v.wire == value.value
                    } else {
                        v.wire.eq_ignore_ascii_case(&value.value)
                    }
                });
                if !ok {
                    let vals: Vec<&str> = allowed.values.iter().map(|v| v.wire.as_str()).collect();
                    let listed = vals
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.err(
                        "status-value",
                        path,
                        value.loc,
                        format!("`{}` is not an allowed value of `{}`", value.value, f.wire),
                    )
                    .label("not allowed")
                    .hint(
                        match did_you_mean(&value.value, vals.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`? `{}` allows {listed}", f.wire),
                            None => format!("`{}` allows {listed}", f.wire),
                        },
                    );
                }
            } else if f.ty == FieldType::Boolean
                && !matches!(value.value.as_str(), "true" | "false")
            {
                self.err(
                    "status-value",
                    path,
                    value.loc,
                    format!(
                        "`{}` is boolean; `{}` is not true or false",
                        f.wire, value.value
                    ),
                )
                .hint("write `true` or `false`");
            } else if !matches!(
                f.ty,
                FieldType::Boolean | FieldType::String | FieldType::Text
            ) || f.list
            {
                self.err(
                    "status-value",
                    path,
                    el.loc,
                    format!("a status action cannot set `{}`", f.wire),
                )
                .hint("status actions set a string or boolean element");
            }
            sets.push(SetDef {
                element: el.value.clone(),
                value: value.value.clone(),
            });
        }
        // `binds`.
        let mut binds = Vec::new();
        for (el, value) in &a.binds {
            if !cx.fields.iter().any(|f| f.wire == el.value) {
                if !known(&el.value) {
                    self.unknown_element(path, el, field_names, "`binds`");
                }
                continue;
            }
            let v = match value
                .value
                .strip_prefix('{')
                .and_then(|v| v.strip_suffix('}'))
            {
                Some(p) => {
                    if !declared.contains(p) {
                        self.err(
                            "unknown-param",
                            path,
                            value.loc,
                            format!("`{{{p}}}` is not a parameter of this action"),
                        )
                        .hint(format!(
                            "the parameters are {}",
                            declared
                                .iter()
                                .map(|d| format!("`{{{d}}}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                        continue;
                    }
                    BindValue::Param(p.to_owned())
                }
                None => BindValue::Const(value.value.clone()),
            };
            binds.push(BindDef {
                element: el.value.clone(),
                value: v,
            });
        }
        // An envelope that is named but could not be resolved was reported already.
        let named = cx.named_envelopes;
        if matches!(a.takes.value, Takes::Bulk)
            && cx.envelopes.bulk_request.is_none()
            && named.is_none_or(|e| e.bulk_request.is_none())
        {
            self.err(
                "missing-envelope",
                path,
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
                path,
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
                path,
                a.answers.loc,
                "answering a bulk result needs the file's `envelopes: { bulk-result: ... }`",
            )
            .hint("add `envelopes:` naming the bulk-result shape");
        }
        if matches!(kind, ActionKind::BulkUpdate | ActionKind::BulkDelete) && cx.key.is_none() {
            self.err(
                "missing-key",
                path,
                a.kind.loc,
                "bulk updates and deletes need the file's `key`",
            )
            .hint("add `key: id` naming the element that identifies an object");
        }
        if self.diags.len() > before {
            return None;
        }
        let request_type = match a.takes.value {
            Takes::Object | Takes::OptionalObject => Some(cx.type_name.to_owned()),
            Takes::Bulk => cx.envelopes.bulk_request.clone(),
            Takes::Nothing | Takes::Query => None,
        };
        let response_type = match a.answers.value {
            Answers::Object | Answers::List => {
                Some(of_shape.unwrap_or_else(|| cx.type_name.to_owned()))
            }
            Answers::Envelope => cx.envelopes.list.clone(),
            Answers::BulkResult => cx.envelopes.bulk_result.clone(),
            Answers::File => None,
        };
        Some(ActionDef {
            name: a.name.value.clone(),
            rust_variant: rust_type.clone(),
            rust_fn,
            rust_type,
            kind,
            method: a.method.value,
            path: a.path.value.clone(),
            segments,
            description: a.description.value.clone(),
            host,
            takes: a.takes.value,
            answers: a.answers.value,
            request_type,
            response_type,
            params,
            sets,
            binds,
            of: a.of.as_ref().map(|o| o.value.clone()),
            scope,
            note: a.note.as_ref().map(|n| n.value.clone()),
        })
    }

    /// Two actions on one route (same host, method and path, whatever their parameters are
    /// called) cannot both be served or told apart by a client.
    fn check_route_is_new(
        &mut self,
        cx: &ResCx<'_>,
        a: &format::Action,
        host: Host,
        segments: &[Segment],
    ) {
        let shape = segments
            .iter()
            .map(|s| match s {
                Segment::Lit(t) => Some(t.clone()),
                Segment::Param(_) => None,
            })
            .collect();
        let who = format!("`{}` of {}", a.name.value, cx.type_name);
        match self.routes.entry((host, a.method.value, shape)) {
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert((cx.path.to_owned(), a.path.loc, who));
            }
            std::collections::btree_map::Entry::Occupied(o) => {
                let (file, loc, first) = o.get().clone();
                self.err(
                    "duplicate-route",
                    cx.path,
                    a.path.loc,
                    format!(
                        "{} {} is already the route of {first}",
                        a.method.value.as_str(),
                        a.path.value
                    ),
                )
                .label("routed twice")
                .hint(format!(
                    "the first is at {}:{}:{}; one method and path (parameter names aside) must name one action",
                    file.display().to_string().replace('\\', "/"),
                    loc.line,
                    loc.col
                ));
            }
        }
    }

    /// The kind of an action fixes its method, what it takes and what it answers.
    fn check_shape_of_action(&mut self, cx: &ResCx<'_>, a: &format::Action) {
        use ActionKind as K;
        let (methods, takes, answers): (&[Method], &[Takes], &[Answers]) = match a.kind.value {
            K::Create => (&[Method::Post], &[Takes::Object], &[Answers::Object]),
            K::Index => (
                &[Method::Get],
                &[Takes::Query],
                &[Answers::List, Answers::Envelope],
            ),
            K::Show => (
                &[Method::Get],
                &[Takes::Nothing],
                &[Answers::Object, Answers::File],
            ),
            K::Update => (
                &[Method::Put, Method::Patch],
                &[Takes::Object, Takes::OptionalObject],
                &[Answers::Object, Answers::BulkResult],
            ),
            K::Delete => (
                &[Method::Delete],
                &[Takes::Nothing],
                &[Answers::Object, Answers::BulkResult],
            ),
            K::Status => (
                &[Method::Put, Method::Post],
                &[Takes::Nothing, Takes::Object, Takes::OptionalObject],
                &[Answers::Object],
            ),
            K::BulkCreate => (&[Method::Post], &[Takes::Bulk], &[Answers::BulkResult]),
            K::BulkUpdate => (
                &[Method::Put, Method::Patch],
                &[Takes::Bulk],
                &[Answers::BulkResult],
            ),
            K::BulkDelete => (&[Method::Delete], &[Takes::Bulk], &[Answers::BulkResult]),
        };
        let kind = format!("{:?}", a.kind.value);
        let path = cx.path;
        if !methods.contains(&a.method.value) {
            self.err(
                "kind-mismatch",
                path,
                a.method.loc,
                format!(
                    "{} `{}` action cannot use {}",
                    article(&kebab(&kind)),
                    kebab(&kind),
                    format!("{:?}", a.method.value).to_uppercase()
                ),
            )
            .hint(format!(
                "`{}` actions use {}",
                kebab(&kind),
                methods
                    .iter()
                    .map(|m| format!("{m:?}").to_uppercase())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
        }
        self.kind_fits(path, &kind, "take", &a.takes, takes);
        self.kind_fits(path, &kind, "answer", &a.answers, answers);
    }

    /// Reports `value` (what an action takes or answers) when its kind does not allow it.
    fn kind_fits<T: std::fmt::Debug + PartialEq>(
        &mut self,
        path: &Path,
        kind: &str,
        verb: &str,
        value: &Sp<T>,
        allowed: &[T],
    ) {
        if allowed.contains(&value.value) {
            return;
        }
        let kind = kebab(kind);
        let name = |t: &T| kebab(&format!("{t:?}"));
        self.err(
            "kind-mismatch",
            path,
            value.loc,
            format!(
                "{} `{kind}` action cannot {verb} `{}`",
                article(&kind),
                name(&value.value)
            ),
        )
        .hint(format!(
            "`{kind}` actions {verb} {}",
            allowed
                .iter()
                .map(|t| format!("`{}`", name(t)))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }

    /// Splits a path into literal text and `{parameters}`.
    fn parse_path(&mut self, file: &Path, p: &Sp<String>) -> (Vec<Segment>, Vec<(String, Loc)>) {
        let text = &p.value;
        // The value's column points at its first character (or the opening quote).
        let quoted = p.loc.len as usize == text.chars().count() + 2;
        let col0 = p.loc.col + u32::from(quoted);
        let at = |i: usize, len: usize| Loc {
            line: p.loc.line,
            col: col0 + u32::try_from(text[..i].chars().count()).unwrap_or(0),
            len: u32::try_from(len).unwrap_or(0),
        };
        let mut segments = Vec::new();
        let mut params = Vec::new();
        if !text.starts_with('/') {
            self.err(
                "bad-path",
                file,
                p.loc,
                format!("the path `{text}` does not start with `/`"),
            )
            .hint("write the path from the host's root (`/api/...`)");
        }
        let mut lit = String::new();
        let mut rest = text.as_str();
        let mut pos = 0;
        while let Some(c) = rest.chars().next() {
            match c {
                '{' => {
                    let Some(end) = rest.find('}') else {
                        self.err(
                            "bad-path",
                            file,
                            at(pos, rest.chars().count()),
                            "`{` is never closed",
                        )
                        .hint("close the parameter with `}`");
                        // Count the parameter as written, so its declaration is not reported too.
                        let name: String = rest[1..]
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        if !name.is_empty() {
                            params.push((name, at(pos, rest.chars().count())));
                        }
                        break;
                    };
                    let name = &rest[1..end];
                    let valid = !name.is_empty()
                        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                        && name
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                    if !valid {
                        self.err(
                            "bad-path",
                            file,
                            at(pos, end + 1),
                            format!("`{{{name}}}` is not a parameter name"),
                        )
                        .hint("parameter names are snake_case (`{invoice_id}`)");
                    }
                    if !lit.is_empty() {
                        segments.push(Segment::Lit(std::mem::take(&mut lit)));
                    }
                    if params.iter().any(|(n, _): &(String, Loc)| n == name) {
                        self.err(
                            "bad-path",
                            file,
                            at(pos, end + 1),
                            format!("`{{{name}}}` appears twice in the path"),
                        )
                        .hint("give the two parameters different names");
                    }
                    segments.push(Segment::Param(name.to_owned()));
                    params.push((name.to_owned(), at(pos, end + 1)));
                    pos += end + 1;
                    rest = &rest[end + 1..];
                }
                '}' => {
                    self.err("bad-path", file, at(pos, 1), "`}` without `{`")
                        .hint("remove it");
                    pos += 1;
                    rest = &rest[1..];
                }
                ':' if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) => {
                    let name: String = rest[1..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    self.err(
                        "bad-path",
                        file,
                        at(pos, name.len() + 1),
                        format!("`:{name}` is the page's notation for a parameter"),
                    )
                    .hint(format!("write `{{{name}}}`"));
                    // Count the parameter as written, so its declaration is not reported too.
                    params.push((name.clone(), at(pos, name.len() + 1)));
                    pos += name.len() + 1;
                    rest = &rest[name.len() + 1..];
                }
                c if c.is_whitespace() || c == '?' || c == '#' => {
                    let (len, hint) = match c {
                        '?' => (
                            rest.len(),
                            "end the path before `?`: query parameters come from `takes: query`",
                        ),
                        '#' => (
                            rest.len(),
                            "end the path before `#`: fragments are not sent to Coupa",
                        ),
                        _ => (
                            c.len_utf8(),
                            "remove it: Coupa paths have no white space (a translated page may have split a word)",
                        ),
                    };
                    self.err(
                        "bad-path",
                        file,
                        at(pos, rest[..len].chars().count()),
                        format!("a path cannot contain `{}`", c.escape_default()),
                    )
                    .hint(hint);
                    if c == '?' || c == '#' {
                        break;
                    }
                    pos += c.len_utf8();
                    rest = &rest[c.len_utf8()..];
                }
                c => {
                    lit.push(c);
                    pos += c.len_utf8();
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        if !lit.is_empty() {
            segments.push(Segment::Lit(lit));
        }
        (segments, params)
    }
}

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

/// Where the element `wire` is written (the file's `name` when it cannot be found).
fn element_loc(f: &SchemaFile, wire: &str) -> Loc {
    f.elements
        .iter()
        .find_map(|e| match e {
            Recover::Ok(e) if e.name.value == wire => Some(e.name.loc),
            _ => None,
        })
        .unwrap_or(f.name.loc)
}

/// The names a type's module holds besides the actions' request types, each with what it is and
/// where it comes from: the model, the query builder, for resources the action enum and the
/// service trait, and the enums of allowed values. One list for the module-name check and for
/// the check of the request types' names.
fn module_type_names(
    f: &SchemaFile,
    type_rust: &str,
    fields: &[Field],
) -> Vec<(String, String, Loc)> {
    let mut names = vec![
        (
            ident::bare(type_rust).to_owned(),
            format!("the type `{}`", f.name.value),
            f.name.loc,
        ),
        (
            ident::query_type(type_rust),
            "the query builder".to_owned(),
            f.name.loc,
        ),
    ];
    if f.kind.value == FileKind::Resource
        && let Some(p) = &f.plural
    {
        names.push((
            ident::action_enum(type_rust),
            "the action enum".to_owned(),
            f.name.loc,
        ));
        names.push((
            ident::service_trait(&p.value),
            "the service trait".to_owned(),
            f.name.loc,
        ));
    }
    for fl in fields {
        if let Some(a) = &fl.allowed {
            names.push((
                a.rust.clone(),
                format!("the enum of `{}`", fl.wire),
                element_loc(f, &fl.wire),
            ));
        }
    }
    names
}

fn kebab(s: &str) -> String {
    use heck::ToKebabCase;
    s.to_kebab_case()
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

/// Boxes the shape references that make a type contain itself (lists already break the cycle).
fn mark_boxed(types: &mut [TypeDef]) {
    let edges: HashMap<String, Vec<String>> = types
        .iter()
        .map(|t| {
            let refs = t
                .fields
                .iter()
                .filter(|f| !f.list)
                .filter_map(|f| match &f.ty {
                    FieldType::Shape { name, .. } => Some(name.clone()),
                    _ => None,
                })
                .collect();
            (t.name.clone(), refs)
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone())
                && let Some(next) = edges.get(&n)
            {
                stack.extend(next.iter().cloned());
            }
        }
        false
    };
    for t in types.iter_mut() {
        let me = t.name.clone();
        for f in &mut t.fields {
            if let (FieldType::Shape { name, .. }, false) = (&f.ty, f.list) {
                f.boxed = reaches(name, &me);
            }
        }
    }
}
