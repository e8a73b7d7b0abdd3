//! Types: naming every type across files, resolving a type name, the names that share a type's
//! module, and boxing the references that make a type contain itself.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::diag::{Loc, did_you_mean};
use crate::format::{FileKind, SchemaFile};
use crate::ident;
use crate::ir::{Field, FieldType, TypeDef};
use crate::load::LoadedFile;
use crate::node::{Recover, Sp};

use super::{Cx, TypeEntry, is_wire_name};

/// The Rust names taken so far while naming the types, to report two files that take one.
#[derive(Default)]
struct TakenNames<'f> {
    /// Rust type name -> (schema name, file, position of an explicit `rust-name`).
    types: HashMap<String, (String, &'f Path, Option<Loc>)>,
    /// Rust module name -> (schema name, file).
    modules: HashMap<String, (String, &'f Path)>,
}

impl Cx<'_> {
    /// Names every type and checks the names across files.
    pub(super) fn collect_types(&mut self, files: &[LoadedFile]) {
        let mut taken = TakenNames::default();
        for (i, lf) in files.iter().enumerate() {
            let Some(f) = &lf.file else { continue };
            let path = lf.path.as_path();
            let name = f.name.value.clone();
            self.check_type_names(path, f);
            let rust = self.type_rust_name(path, f);
            let module = self.type_module(path, f);
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
            self.check_rust_type_is_new(path, f, &rust, &mut taken);
            self.check_module_is_new(path, f, &module, &mut taken);
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

    /// A type's `name` is PascalCase and its `wire-name` kebab-case.
    fn check_type_names(&mut self, path: &Path, f: &SchemaFile) {
        let name = &f.name.value;
        if !is_type_name(name) {
            self.err(
                "bad-type-name",
                path,
                f.name.loc,
                format!("`{name}` is not a type name"),
            )
            .label("type names are PascalCase letters and digits")
            .hint(if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                format!("write `{}`", ident::camel(name))
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
    }

    /// The Rust name of a type (its `rust-name`, or its `name`), which must be an identifier and
    /// not one of Rust's own names.
    fn type_rust_name(&mut self, path: &Path, f: &SchemaFile) -> String {
        let name = &f.name.value;
        let rust = match &f.rust_name {
            Some(r) => {
                if !ident::is_identifier(&r.value) {
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
            None => ident::camel(name),
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
                if rust == *name {
                    format!("the type name `{name}` collides with Rust's own `{}`", bare.trim_end_matches('_'))
                } else {
                    format!("the type name `{name}` becomes `{rust}`, which collides with Rust's own `{}`", bare.trim_end_matches('_'))
                },
            )
            .label("reserved in Rust")
            .hint(format!("keep `name: {name}` for the schemas and add `rust-name: Coupa{}` for the generated type", bare.trim_end_matches('_')));
        }
        rust
    }

    /// The Rust module of a type: a resource's `module` (a snake_case identifier) or else its
    /// `plural` (which it must have, in kebab-case), a shape's `name`, in snake_case.
    fn type_module(&mut self, path: &Path, f: &SchemaFile) -> String {
        if let Some(m) = &f.module {
            if f.kind.value != FileKind::Resource {
                self.err(
                    "resource-key-on-shape",
                    path,
                    m.loc,
                    "only a resource has a `module`",
                )
                .hint("a shape's module is its name in snake_case; remove `module`");
            } else if ident::snake(&m.value) != m.value || m.value.starts_with("r#") {
                self.err(
                    "bad-module",
                    path,
                    m.loc,
                    format!("`{}` is not a snake_case module name", m.value),
                )
                .hint(format!(
                    "write it as Rust does: `{}`",
                    ident::snake(&m.value)
                ));
            }
        }
        match f.kind.value {
            FileKind::Resource if f.module.is_some() => {
                if f.plural.is_none() {
                    self.err("missing-key", path, f.name.loc, "a resource needs `plural`")
                        .hint("add `plural:` with the wire name of a list (`integration-runs`)");
                }
                f.module
                    .as_ref()
                    .map(|m| m.value.clone())
                    .unwrap_or_default()
            }
            FileKind::Resource => match &f.plural {
                Some(p) => {
                    if !is_wire_name(&p.value) {
                        self.err(
                            "bad-wire-name",
                            path,
                            p.loc,
                            format!("`{}` is not a kebab-case wire name", p.value),
                        )
                        .hint("write the plural as Coupa does, kebab-case (`integration-runs`)");
                    }
                    ident::snake(&p.value)
                }
                None => {
                    self.err("missing-key", path, f.name.loc, "a resource needs `plural`")
                        .hint("add `plural:` with the wire name of a list (`integration-runs`)");
                    ident::snake(&f.name.value)
                }
            },
            _ => ident::snake(&f.name.value),
        }
    }

    /// No two types become one Rust type; the report points at the `rust-name` that causes the
    /// collision, when one does.
    fn check_rust_type_is_new<'f>(
        &mut self,
        path: &'f Path,
        f: &SchemaFile,
        rust: &str,
        taken: &mut TakenNames<'f>,
    ) {
        let name = &f.name.value;
        let bare = ident::bare(rust).to_owned();
        let Some((other, other_path, other_rust)) = taken.types.get(&bare) else {
            taken.types.insert(
                bare,
                (name.clone(), path, f.rust_name.as_ref().map(|r| r.loc)),
            );
            return;
        };
        let (at_path, at, explicit, implicit, implicit_path) = match (&f.rust_name, other_rust) {
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
    }

    /// No two types become one Rust module.
    fn check_module_is_new<'f>(
        &mut self,
        path: &'f Path,
        f: &SchemaFile,
        module: &str,
        taken: &mut TakenNames<'f>,
    ) {
        let name = &f.name.value;
        if let Some((other, other_path)) = taken.modules.get(module) {
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
            taken
                .modules
                .insert(module.to_owned(), (name.clone(), path));
        }
    }

    /// The type `ty` names: a built-in type or a type of the schemas. `None` (reported, with a
    /// did-you-mean, unless the name is that of a file that could not be read) when it is
    /// neither.
    pub(super) fn resolve_type(&mut self, path: &Path, ty: &Sp<String>) -> Option<FieldType> {
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

    /// The names a type's module holds besides the actions' request types: the model, the enums
    /// of allowed values, the query builder (and, for resources, the action enum and the service
    /// trait); and the query builder's filter methods.
    pub(super) fn check_module_names(
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
}

/// Whether `s` is a type name: PascalCase ASCII letters and digits.
fn is_type_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_alphanumeric())
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
pub(super) fn module_type_names(
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

/// Boxes every single nested object (a reference to a shape that is a struct; lists are on the
/// heap already, open shapes are maps). Coupa's objects nest deep (an invoice holds a supplier,
/// which holds addresses and users, ...): held inline, an invoice would be 85 KB, moved on every
/// read and, in a debug build, enough to overflow a thread's stack while deserialising. Boxed,
/// each model is a few KB at most, and a type that contains itself needs nothing more.
pub(super) fn mark_boxed(types: &mut [TypeDef]) {
    let open: BTreeSet<String> = types
        .iter()
        .filter(|t| t.open)
        .map(|t| t.name.clone())
        .collect();
    for t in types.iter_mut() {
        for f in &mut t.fields {
            if let (FieldType::Shape { name, .. }, false) = (&f.ty, f.list) {
                f.boxed = !open.contains(name);
            }
        }
    }
}
