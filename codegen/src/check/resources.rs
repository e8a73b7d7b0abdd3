//! Resources: the file-level keys of a resource (`open`, `host`, `plural`, `key`, `scopes`,
//! `envelopes`, the presence of actions), and the resource keys a shape cannot have.

use std::path::Path;

use crate::diag::Loc;
use crate::format::{Host, SchemaFile};
use crate::ident;
use crate::ir::{EnvelopesDef, Field, FieldType, ResourceDef, ScopesDef};

use super::{Cx, ResCx, element_names};

impl Cx<'_> {
    /// Checks a resource's file-level keys and lowers it, with its actions. `None` when it has no
    /// `host` or no `plural` (both reported).
    pub(super) fn lower_resource(
        &mut self,
        path: &Path,
        f: &SchemaFile,
        type_rust: &str,
        module: &str,
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
        let scopes = self.lower_scopes(path, f, host.value);
        let envelopes = self.lower_envelopes(path, f);
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
        let actions = self.lower_actions(&cx, f, type_rust);
        let name = module.replace('_', "-");
        Some(ResourceDef {
            action_enum: ident::action_enum(type_rust),
            query: ident::query_type(type_rust),
            service: ident::service_trait(&name),
            name,
            plural,
            host: host.value,
            scopes,
            key: f.key.as_ref().map(|k| k.value.clone()),
            envelopes,
            actions,
        })
    }

    /// The OAuth scopes of a resource: a Core resource needs them, a CSO resource (which
    /// authenticates with an API key) has none.
    fn lower_scopes(&mut self, path: &Path, f: &SchemaFile, host: Host) -> Option<ScopesDef> {
        let scopes = f.scopes.as_ref().map(|s| ScopesDef {
            read: s.read.value.clone(),
            write: s.write.as_ref().map(|w| w.value.clone()),
        });
        if host == Host::Cso
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
        if host == Host::Core && f.scopes.is_none() {
            self.err(
                "missing-key",
                path,
                f.kind.loc,
                "a Core resource needs `scopes`",
            )
            .hint(format!(
                "give `{}` an entry in the scopes table (`kind: scopes`, schema/overrides/scopes.yaml), or, in a hand-written file, `scopes: {{ read: core.x.read, write: core.x.write }}`",
                f.name.value
            ));
        }
        scopes
    }

    /// The envelopes of a resource: each names a shape (not a built-in type). One that names no
    /// type is reported and left out.
    fn lower_envelopes(&mut self, path: &Path, f: &SchemaFile) -> EnvelopesDef {
        let mut envelopes = EnvelopesDef::default();
        let Some(env) = &f.envelopes else {
            return envelopes;
        };
        for (slot, v) in [
            (&mut envelopes.list, &env.list),
            (&mut envelopes.bulk_request, &env.bulk_request),
            (&mut envelopes.bulk_result, &env.bulk_result),
        ] {
            let Some(v) = v else { continue };
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
        envelopes
    }

    /// A shape describes an object, not an API page: it has none of a resource's keys.
    pub(super) fn shape_has_no_api(&mut self, path: &Path, f: &SchemaFile) {
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
}
