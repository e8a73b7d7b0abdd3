//! Elements: their wire names, aliases and Rust names (each unique in the file), `alternatives`,
//! and which keys fit which type (`length`, `allowed`, `unique`, `assigned`).

use std::collections::HashMap;
use std::path::Path;

use crate::diag::Loc;
use crate::format::{self, Element, SchemaFile};
use crate::ident;
use crate::ir::{Allowed, Field, FieldType};
use crate::node::Recover;

use super::{Cx, article, element_names, is_wire_name, kebab};

/// The names the elements of one file have taken so far.
#[derive(Default)]
struct TakenNames {
    /// Wire name or alias -> where it is written, and the element it is an alias of.
    wires: HashMap<String, (Loc, Option<String>)>,
    /// Rust field name -> the wire name of its element.
    rusts: HashMap<String, String>,
}

impl Cx<'_> {
    /// Checks a file's elements and lowers those whose type is known into fields; then checks
    /// that `alternatives` name elements of the file.
    pub(super) fn lower_fields(
        &mut self,
        path: &Path,
        f: &SchemaFile,
        type_rust: &str,
    ) -> Vec<Field> {
        let mut out: Vec<Field> = Vec::new();
        let mut taken = TakenNames::default();
        for e in &f.elements {
            let Recover::Ok(e) = e else { continue };
            if let Some(field) = self.lower_field(path, e, type_rust, &mut taken) {
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

    /// Checks one element and lowers it into a field: its names, `alternatives`, its type and
    /// the keys that depend on the type. `None` when its type is unknown.
    fn lower_field(
        &mut self,
        path: &Path,
        e: &Element,
        type_rust: &str,
        taken: &mut TakenNames,
    ) -> Option<Field> {
        let wire = e.name.value.clone();
        self.check_element_wire_name(path, e);
        let duplicate_name = self.check_element_names_are_new(path, e, &mut taken.wires);
        let rust = self.field_rust_name(path, e);
        // A second row of the same element is reported once, as a duplicate.
        let same_element = duplicate_name && e.rust_name.is_none();
        if !same_element {
            self.check_rust_field_is_new(path, e, &rust, &mut taken.rusts);
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
        let int_allowed = match ty {
            Some(FieldType::Integer) => self.lower_int_allowed(path, e),
            _ => Vec::new(),
        };
        // A field with problems is still returned (when its type is known), so that later checks
        // that look it up do not report follow-on problems; the IR is not built anyway.
        let mut f = field(e, wire, rust, ty?, allowed);
        f.int_allowed = int_allowed;
        Some(f)
    }

    /// An element's name is kebab-case, as Coupa writes it.
    fn check_element_wire_name(&mut self, path: &Path, e: &Element) {
        let wire = &e.name.value;
        // Coupa's predicate elements (`active?`, beside `active`) end in a question mark.
        if !is_wire_name(wire.strip_suffix('?').unwrap_or(wire)) {
            self.err(
                "bad-wire-name",
                path,
                e.name.loc,
                format!("`{wire}` is not a kebab-case wire name"),
            )
            .hint(format!(
                "Coupa writes `{}`; put other spellings under `aliases`",
                wire.replace('_', "-").to_ascii_lowercase()
            ));
        }
    }

    /// An element's name and its aliases are each used once in the file, as a name or as an
    /// alias. Returns whether the element's own name was used before.
    fn check_element_names_are_new(
        &mut self,
        path: &Path,
        e: &Element,
        wires: &mut HashMap<String, (Loc, Option<String>)>,
    ) -> bool {
        let wire = &e.name.value;
        let mut duplicate_name = false;
        let names = std::iter::once((wire, e.name.loc, None))
            .chain(e.aliases.iter().map(|a| (&a.value, a.loc, Some(wire))));
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
        duplicate_name
    }

    /// The Rust name of an element's field: its `rust-name` (which must be an identifier), or
    /// its name in snake_case.
    fn field_rust_name(&mut self, path: &Path, e: &Element) -> String {
        match &e.rust_name {
            Some(r) => {
                if !ident::is_identifier(&r.value) {
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
            None => ident::snake(&e.name.value),
        }
    }

    /// No two elements become one Rust field.
    fn check_rust_field_is_new(
        &mut self,
        path: &Path,
        e: &Element,
        rust: &str,
        rusts: &mut HashMap<String, String>,
    ) {
        let wire = &e.name.value;
        let bare = ident::bare(rust).to_owned();
        if let Some(other) = rusts.get(&bare) {
            self.err(
                "name-collision",
                path,
                e.rust_name.as_ref().map_or(e.name.loc, |r| r.loc),
                format!("`{wire}` and `{other}` both become the Rust field `{bare}`"),
            )
            .hint(match &e.rust_name {
                Some(_) => format!("choose another `rust-name` for `{wire}`"),
                None => "give one of them a `rust-name`, or fix the spelling if they are the same element".to_owned(),
            });
        } else {
            rusts.insert(bare, wire.clone());
        }
    }

    /// The keys whose meaning depends on the element's type: `length`, `allowed`, `unique` and
    /// `assigned`.
    fn check_field_type_rules(&mut self, path: &Path, e: &Element, ty: &FieldType) {
        self.check_length(path, e, ty);
        self.check_precision(path, e, ty);
        let tyname = &e.ty.value;
        if let Some(a) = &e.allowed
            && !ty.is_text()
            && *ty != FieldType::Integer
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
                "allowed values apply to `string`, `text` and `integer`; remove `allowed`, or change `type`",
            );
        }
        self.check_unique(path, e, ty);
        self.check_assigned(path, e, ty);
    }

    /// `precision` and `scale` go together, on decimals, with the scale within the precision.
    fn check_precision(&mut self, path: &Path, e: &Element, ty: &FieldType) {
        let (precision, scale) = (&e.precision, &e.scale);
        let Some(first) = precision.as_ref().or(scale.as_ref()) else {
            return;
        };
        if *ty != FieldType::Decimal {
            let tyname = &e.ty.value;
            self.err(
                "precision-on-type",
                path,
                first.loc,
                format!(
                    "{} `{tyname}` element cannot have a precision",
                    article(tyname)
                ),
            )
            .hint("`precision` and `scale` apply to `decimal` (`decimal(32,4)`); remove them");
            return;
        }
        let both = "write both: `decimal(32,4)` is `precision: 32` and `scale: 4`";
        match (precision, scale) {
            (Some(p), None) => {
                self.err("missing-key", path, p.loc, "`precision` needs `scale`")
                    .hint(both);
            }
            (None, Some(s)) => {
                self.err("missing-key", path, s.loc, "`scale` needs `precision`")
                    .hint(both);
            }
            (Some(p), Some(s)) if p.value == 0 || s.value > p.value => {
                self.err(
                    "invalid-value",
                    path,
                    s.loc,
                    format!(
                        "a decimal of {} digits cannot have {} after the point",
                        p.value, s.value
                    ),
                )
                .hint("the scale is at most the precision, and the precision at least 1");
            }
            _ => {}
        }
    }

    /// `length` applies to text and digits, and is not 0.
    fn check_length(&mut self, path: &Path, e: &Element, ty: &FieldType) {
        let tyname = &e.ty.value;
        let Some(l) = &e.length else { return };
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

    /// `unique` applies to a single value, not to a list or a nested object.
    fn check_unique(&mut self, path: &Path, e: &Element, ty: &FieldType) {
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
    }

    /// What Coupa `assigned` fits the element's type (an id an integer, a timestamp a
    /// datetime, a user an object), and never a list.
    fn check_assigned(&mut self, path: &Path, e: &Element, ty: &FieldType) {
        let tyname = &e.ty.value;
        let Some(a) = &e.assigned else { return };
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

/// The field an element becomes, once its names, type and allowed values are known.
fn field(
    e: &Element,
    wire: String,
    rust: String,
    ty: FieldType,
    allowed: Option<Allowed>,
) -> Field {
    Field {
        filter: ident::filter_method(&rust),
        wire,
        rust,
        description: e.description.as_ref().map(|d| d.value.clone()),
        precision: e
            .precision
            .as_ref()
            .zip(e.scale.as_ref())
            .map(|(p, s)| (p.value, s.value)),
        ty,
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
        int_allowed: Vec::new(),
        note: e.note.as_ref().map(|n| n.value.clone()),
    }
}
