//! The registry: every resource, element and route as static data, with codecs built from the
//! generated models, for tools that work on any resource.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{host_tokens, type_path};
use crate::ir::{
    Assigned, BindValue, Field, FieldType, Ir, ParamType, ResourceDef, Takes, TypeDef,
};

/// The `registry` module.
pub fn emit(ir: &Ir) -> TokenStream {
    let resources = ir.resources().map(|(t, r)| resource(ir, t, r));
    let names = ir.resources().map(|(_, r)| r.plural.as_str());
    quote! {
        //! Every resource, element and route of the schemas, as data, with the functions that read,
        //! write and validate each resource's objects.

        use coupa_runtime::registry::*;

        /// The resources, sorted by type name.
        pub static RESOURCES: &[Resource] = &[#(#resources),*];

        /// The resource names (plural wire names), in the order of [`RESOURCES`].
        pub const NAMES: &[&str] = &[#(#names),*];

        /// The resource with this name (`integration-runs`), its singular wire name
        /// (`integration-run`), its type name (`IntegrationRun`) or its module name
        /// (`integration_runs`).
        pub fn resource(name: &str) -> Option<&'static Resource> {
            RESOURCES.iter().find(|r| {
                r.name == name || r.wire_name == name || r.type_name == name || r.name.replace('-', "_") == name
            })
        }
    }
}

fn opt(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote! { Some(#s) },
        None => quote! { None },
    }
}

fn envelope(ir: &Ir, name: Option<&str>, resource: &str) -> TokenStream {
    let Some(env) = name.and_then(|n| ir.get(n)) else {
        return quote! { None };
    };
    let items = super::endpoints::envelope_items(ir, &env.name, resource)
        .map(|f| f.wire.as_str())
        .unwrap_or("");
    let total = env
        .fields
        .iter()
        .find(|f| f.ty == FieldType::Integer && !f.list)
        .map(|f| f.wire.as_str());
    let total = opt(total);
    let tn = &env.name;
    let tp = type_path(env);
    let elements = env.fields.iter().map(|f| f.wire.as_str());
    quote! {
        Some(Envelope { type_name: #tn, items: #items, total: #total, elements: &[#(#elements),*], codec: Codec::of::<#tp>() })
    }
}

fn resource(ir: &Ir, t: &TypeDef, r: &ResourceDef) -> TokenStream {
    let name = &r.plural;
    let type_name = &t.name;
    let wire = &t.wire_name;
    let h = host_tokens(r.host);
    let key = opt(r.key.as_deref());
    let read_scope = opt(r.scopes.as_ref().map(|s| s.read.as_str()));
    let write_scope = opt(r.scopes.as_ref().and_then(|s| s.write.as_deref()));
    let elements = t.fields.iter().map(element);
    let actions = r.actions.iter().map(|a| {
        let n = &a.name;
        let kind = format_ident!("{}", format!("{:?}", a.kind));
        let method = a.method.as_str();
        let path = &a.path;
        let ah = host_tokens(a.host);
        let takes = format_ident!(
            "{}",
            match a.takes {
                Takes::Nothing => "Nothing",
                Takes::Object => "Object",
                Takes::OptionalObject => "OptionalObject",
                Takes::Bulk => "Bulk",
                Takes::Query => "Query",
            }
        );
        let answers = format_ident!("{}", format!("{:?}", a.answers));
        let scope = opt(a.scope.as_deref());
        let params = a.params.iter().map(|p| {
            let pn = &p.name;
            let k = format_ident!(
                "{}",
                match p.ty {
                    ParamType::Integer => "Integer",
                    ParamType::Digits => "Digits",
                    ParamType::String => "String",
                }
            );
            quote! { (#pn, ParamKind::#k) }
        });
        let sets = a.sets.iter().map(|s| {
            let (e, v) = (&s.element, &s.value);
            quote! { (#e, #v) }
        });
        let binds = a.binds.iter().map(|b| {
            let e = &b.element;
            match &b.value {
                BindValue::Const(c) => quote! { (#e, BindTo::Const(#c)) },
                BindValue::Param(p) => quote! { (#e, BindTo::Param(#p)) },
            }
        });
        let of = opt(a.of.as_deref());
        let desc = &a.description;
        quote! {
            Action {
                name: #n,
                kind: coupa_runtime::ActionKind::#kind,
                method: #method,
                path: #path,
                host: #ah,
                takes: coupa_runtime::Takes::#takes,
                answers: coupa_runtime::Answers::#answers,
                scope: #scope,
                params: &[#(#params),*],
                sets: &[#(#sets),*],
                binds: &[#(#binds),*],
                of: #of,
                description: #desc,
            }
        }
    });
    let tp = type_path(t);
    let list = envelope(ir, r.envelopes.list.as_deref(), &t.name);
    let bulk_request = envelope(ir, r.envelopes.bulk_request.as_deref(), &t.name);
    let bulk_result = envelope(ir, r.envelopes.bulk_result.as_deref(), &t.name);
    quote! {
        Resource {
            name: #name,
            type_name: #type_name,
            wire_name: #wire,
            host: #h,
            key: #key,
            read_scope: #read_scope,
            write_scope: #write_scope,
            elements: &[#(#elements),*],
            actions: &[#(#actions),*],
            codec: Codec::of::<#tp>(),
            list_envelope: #list,
            bulk_request: #bulk_request,
            bulk_result: #bulk_result,
        }
    }
}

fn element(f: &Field) -> TokenStream {
    let name = &f.wire;
    let (kind, shape) = match &f.ty {
        FieldType::String => ("String", None),
        FieldType::Text => ("Text", None),
        FieldType::Integer => ("Integer", None),
        FieldType::Decimal => ("Decimal", None),
        FieldType::Boolean => ("Boolean", None),
        FieldType::Datetime => ("DateTime", None),
        FieldType::Digits => ("Digits", None),
        FieldType::Object => ("Object", None),
        FieldType::Shape { name, .. } => ("Shape", Some(name.as_str())),
    };
    let kind = format_ident!("{kind}");
    let shape = opt(shape);
    let (list, required, unique, api_in, api_out, immutable) = (
        f.list,
        f.required,
        f.unique,
        f.api_in,
        f.api_out,
        f.immutable,
    );
    let assigned = match f.assigned {
        None => quote! { None },
        Some(a) => {
            let v = format_ident!(
                "{}",
                match a {
                    Assigned::Id => "Id",
                    Assigned::CreatedAt => "CreatedAt",
                    Assigned::UpdatedAt => "UpdatedAt",
                    Assigned::CreatedBy => "CreatedBy",
                    Assigned::UpdatedBy => "UpdatedBy",
                    Assigned::Sequence => "Sequence",
                }
            );
            quote! { Some(Assigned::#v) }
        }
    };
    let allowed = f
        .allowed
        .iter()
        .flat_map(|a| a.values.iter().map(|v| v.wire.as_str()));
    let max_len = match f.length {
        Some(n) => quote! { Some(#n) },
        None => quote! { None },
    };
    quote! {
        Element {
            name: #name,
            kind: ElementKind::#kind,
            shape: #shape,
            list: #list,
            required: #required,
            unique: #unique,
            api_in: #api_in,
            api_out: #api_out,
            immutable: #immutable,
            assigned: #assigned,
            allowed: &[#(#allowed),*],
            max_len: #max_len,
        }
    }
}
