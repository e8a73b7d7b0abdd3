//! The elements an action fixes: `sets` (the values a `status` or `create` action gives
//! elements) and `binds` (the elements a nested route fixes, to a path parameter or a
//! constant).

use std::collections::BTreeSet;
use std::path::Path;

use crate::diag::did_you_mean;
use crate::format::{Action, ActionKind};
use crate::ir::{BindDef, BindValue, Field, FieldType, SetDef};
use crate::node::Sp;

use super::{Cx, ResCx};

impl Cx<'_> {
    /// `sets`: only `status` and `create` actions set elements, and a `status` action must; each
    /// element set exists and takes the value.
    pub(super) fn lower_sets(&mut self, cx: &ResCx<'_>, a: &Action) -> Vec<SetDef> {
        let kind = a.kind.value;
        if !a.sets.is_empty() && !matches!(kind, ActionKind::Status | ActionKind::Create) {
            let first = a.sets.keys().next().map_or(a.name.loc, |k| k.loc);
            self.err(
                "sets-on-non-status",
                cx.path,
                first,
                "only `status` and `create` actions set elements",
            )
            .hint("write `kind: status`, or remove `sets`");
        }
        if kind == ActionKind::Status && a.sets.is_empty() {
            self.err(
                "status-without-sets",
                cx.path,
                a.kind.loc,
                "a status action must say what it sets",
            )
            .hint("add `sets: { status: running }`");
        }
        let mut sets = Vec::new();
        for (el, value) in &a.sets {
            let Some(f) = cx.field(&el.value) else {
                if !cx.is_element(&el.value) {
                    self.unknown_element(cx.path, el, &cx.all_names, "`sets`");
                }
                continue;
            };
            self.check_set_value(cx.path, f, el, value);
            sets.push(SetDef {
                element: el.value.clone(),
                value: value.value.clone(),
            });
        }
        sets
    }

    /// The value `sets` gives an element: one of its allowed values, `true` or `false` for a
    /// boolean; and the element is a single string or boolean.
    fn check_set_value(&mut self, path: &Path, f: &Field, el: &Sp<String>, value: &Sp<String>) {
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
                .hint(match did_you_mean(&value.value, vals.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? `{}` allows {listed}", f.wire),
                    None => format!("`{}` allows {listed}", f.wire),
                });
            }
        } else if f.ty == FieldType::Boolean && !matches!(value.value.as_str(), "true" | "false") {
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
    }

    /// `binds`: each element bound exists, and a `{parameter}` value is a declared parameter
    /// (any other value is a constant).
    pub(super) fn lower_binds(
        &mut self,
        cx: &ResCx<'_>,
        a: &Action,
        declared: &BTreeSet<String>,
    ) -> Vec<BindDef> {
        let mut binds = Vec::new();
        for (el, value) in &a.binds {
            if cx.field(&el.value).is_none() {
                if !cx.is_element(&el.value) {
                    self.unknown_element(cx.path, el, &cx.all_names, "`binds`");
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
                            cx.path,
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
        binds
    }
}
