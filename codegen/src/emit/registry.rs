//! The registry: per resource a `RESOURCE` entry beside its routes (its shape, routes, scopes,
//! envelopes and codecs), and the `registry` module listing them, for tools that work on any
//! resource. All of it is behind the generated crate's `registry` feature: its codecs instantiate
//! every reader and writer of every type, which a user of the models alone should not compile.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, type_ref};
use crate::ir::{FieldType, Ir, ResourceDef, TypeDef};

/// The `registry` module.
pub fn emit(ir: &Ir) -> TokenStream {
    let resources = ir.resources().map(|(t, _)| {
        let m = ident(&t.module);
        let feature = crate::ident::bare(&t.module);
        quote! {
            #[cfg(feature = #feature)]
            &crate::#m::RESOURCE
        }
    });
    quote! {
        //! Every resource of the schemas, as data: its elements and routes, with the functions that
        //! read, write and validate its objects.

        use coupa_runtime::registry::Resource;

        /// The resources of the enabled features, sorted by type name.
        pub static RESOURCES: &[&Resource] = &[#(#resources),*];

        /// The resource with this name (`integration-runs`), its singular wire name
        /// (`integration-run`), its type name (`IntegrationRun`) or its module name
        /// (`integration_runs`).
        pub fn resource(name: &str) -> Option<&'static Resource> {
            coupa_runtime::registry::find(RESOURCES, name)
        }
    }
}

/// The `RESOURCE` entry of a resource, in its own module.
pub fn resource(ir: &Ir, t: &TypeDef, r: &ResourceDef) -> TokenStream {
    let name = &r.name;
    let plural = &r.plural;
    let page_title = opt(t.source.page.as_ref().map(|(title, _)| title.as_str()));
    let page_url = opt(t.source.page.as_ref().map(|(_, url)| url.as_str()));
    let host = r.host;
    let read_scope = opt(r.scopes.as_ref().map(|s| s.read.as_str()));
    let write_scope = opt(r.scopes.as_ref().and_then(|s| s.write.as_deref()));
    let model = ident(&t.rust);
    let list = envelope(ir, t, r.envelopes.list.as_deref());
    let bulk_request = envelope(ir, t, r.envelopes.bulk_request.as_deref());
    let bulk_result = envelope(ir, t, r.envelopes.bulk_result.as_deref());
    let doc = super::doc_attr(&format!(
        "The {name} resource, for tools that work on any resource (see [`crate::registry`])."
    ));
    quote! {
        #doc
        #[cfg(feature = "registry")]
        pub static RESOURCE: coupa_runtime::registry::Resource = coupa_runtime::registry::Resource {
            name: #name,
            plural: #plural,
            page_title: #page_title,
            page_url: #page_url,
            shape: &SHAPE,
            host: coupa_runtime::#host,
            read_scope: #read_scope,
            write_scope: #write_scope,
            routes: &ROUTES,
            codec: coupa_runtime::registry::Codec::of::<#model>(),
            list_envelope: #list,
            bulk_request: #bulk_request,
            bulk_result: #bulk_result,
        };
    }
}

fn opt(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote! { Some(#s) },
        None => quote! { None },
    }
}

fn envelope(ir: &Ir, t: &TypeDef, name: Option<&str>) -> TokenStream {
    let Some(env) = name.and_then(|n| ir.get(n)) else {
        return quote! { None };
    };
    let items = super::endpoints::envelope_items(ir, &env.name, &t.name)
        .map(|f| f.wire.as_str())
        .unwrap_or("");
    let total = env
        .fields
        .iter()
        .find(|f| f.ty == FieldType::Integer && !f.list)
        .map(|f| f.wire.as_str());
    let total = opt(total);
    let shape = type_ref(ir, t, &env.name, "SHAPE");
    let model = type_ref(ir, t, &env.name, &env.rust);
    quote! {
        Some(coupa_runtime::registry::Envelope {
            shape: &#shape,
            items: #items,
            total: #total,
            codec: coupa_runtime::registry::Codec::of::<#model>(),
        })
    }
}
