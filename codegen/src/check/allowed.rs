//! Allowed values: an element's `allowed` list and `case-sensitive`, and the enum variants the
//! values become.

use std::collections::HashMap;
use std::path::Path;

use crate::format::Element;
use crate::ident;
use crate::ir::{Allowed, FieldType, Variant};
use crate::node::Sp;

use super::Cx;

/// The values of one `allowed` list taken so far.
#[derive(Default)]
struct TakenValues<'a> {
    /// Wire value (lower-cased when case does not matter) -> where it is written.
    wires: HashMap<String, &'a Sp<String>>,
    /// Variant name -> the value that became it.
    rusts: HashMap<String, &'a Sp<String>>,
}

impl Cx<'_> {
    /// An `allowed` list holds a value; false (reported) when it is empty.
    fn check_not_empty(&mut self, path: &Path, list: &Sp<Vec<Sp<String>>>) -> bool {
        if list.value.is_empty() {
            self.err(
                "empty-allowed",
                path,
                list.loc,
                "an empty `allowed` list accepts nothing",
            )
            .hint("list the values from the page, or remove `allowed`");
        }
        !list.value.is_empty()
    }

    /// The allowed values of an integer element: each an integer, none twice. They stay a rule
    /// (the Rust type is `i64`), checked by membership.
    pub(super) fn lower_int_allowed(&mut self, path: &Path, e: &Element) -> Vec<i64> {
        let Some(list) = &e.allowed else {
            return Vec::new();
        };
        self.check_not_empty(path, list);
        let mut out: Vec<i64> = Vec::new();
        for v in &list.value {
            match v.value.trim().parse::<i64>() {
                Ok(i) if out.contains(&i) => {
                    self.err(
                        "duplicate-value",
                        path,
                        v.loc,
                        format!("`{i}` is listed twice"),
                    )
                    .hint("remove the second one");
                }
                Ok(i) => out.push(i),
                Err(_) => {
                    self.err(
                        "invalid-value",
                        path,
                        v.loc,
                        format!("`{}` is not an integer, but the element is", v.value),
                    )
                    .hint("list integers, or make the element a `string` if Coupa sends names");
                }
            }
        }
        out
    }

    /// Checks an element's allowed values and lowers them into the enum they become. `None`
    /// when the element has none, or they do not apply to its type (reported with the type
    /// rules), or the list is empty.
    pub(super) fn lower_allowed(
        &mut self,
        path: &Path,
        e: &Element,
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
        if !self.check_not_empty(path, list) {
            return None;
        }
        let case_sensitive = e.case_sensitive.as_ref().is_none_or(|c| c.value);
        let mut taken = TakenValues::default();
        let values = list
            .value
            .iter()
            .filter_map(|v| self.lower_variant(path, v, case_sensitive, &mut taken))
            .collect();
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

    /// Checks one allowed value and lowers it into a variant: listed once (case aside when case
    /// does not matter), not the catch-all `Unknown`, and not the same variant as another
    /// value. `None` when it is not.
    fn lower_variant<'a>(
        &mut self,
        path: &Path,
        v: &'a Sp<String>,
        case_sensitive: bool,
        taken: &mut TakenValues<'a>,
    ) -> Option<Variant> {
        let key = if case_sensitive {
            v.value.clone()
        } else {
            v.value.to_lowercase()
        };
        if let Some(prev) = taken.wires.get(&key) {
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
            return None;
        }
        taken.wires.insert(key, v);
        let rust = ident::variant(&v.value);
        if rust == "Unknown" {
            self.err("reserved-name", path, v.loc, format!("the value `{}` becomes the variant `Unknown`, which holds values Coupa adds later", v.value))
                .hint("this value cannot be generated as written; report it so the catch-all variant can be renamed");
            return None;
        }
        if let Some(prev) = taken.rusts.get(&rust) {
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
            return None;
        }
        taken.rusts.insert(rust.clone(), v);
        Some(Variant {
            wire: v.value.clone(),
            rust,
        })
    }
}
