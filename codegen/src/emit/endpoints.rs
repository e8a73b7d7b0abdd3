//! Endpoints: per action a request type implementing `coupa_runtime::Endpoint` (its route, its
//! path, its body or query; the rest is provided by the runtime); per resource an enum of its
//! actions, the table of its routes and the server-side trait with one method per action.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attr, doc_escape, ident, type_ref};
use crate::ir::{
    ActionDef, ActionKind, Answers, BindValue, FieldType, FormKind, Host, Ir, ParamKind,
    ResourceDef, Segment, Takes, TypeDef,
};

/// The request types, action enum, route table and service trait of a resource (nothing for
/// shapes).
pub fn emit(ir: &Ir, t: &TypeDef) -> TokenStream {
    let Some(r) = &t.resource else {
        return quote! {};
    };
    let requests = r.actions.iter().map(|a| request(ir, t, a));
    let action_enum = action_enum(t, r);
    let service = service(ir, t, r);
    quote! {
        #action_enum
        #(#requests)*
        #service
    }
}

/// The Rust type of an action's response, as written in the module of `from`.
pub fn response_type(ir: &Ir, from: &TypeDef, a: &ActionDef) -> TokenStream {
    match (a.answers, &a.response_type) {
        (Answers::File, _) => quote! { Vec<u8> },
        (Answers::List, Some(t)) => {
            let p = model_ref(ir, from, t);
            quote! { Vec<#p> }
        }
        (_, Some(t)) => model_ref(ir, from, t),
        (_, None) => quote! { () },
    }
}

/// The model named `name` (a schema type name), as written in the module of `from`.
fn model_ref(ir: &Ir, from: &TypeDef, name: &str) -> TokenStream {
    let rust = &ir
        .get(name)
        .expect("the checks resolved every type name")
        .rust;
    type_ref(ir, from, name, rust)
}

/// The element of a bulk envelope that holds the resource's objects.
pub fn envelope_items<'a>(
    ir: &'a Ir,
    envelope: &str,
    resource: &str,
) -> Option<&'a crate::ir::Field> {
    ir.get(envelope)?
        .fields
        .iter()
        .find(|f| f.list && matches!(&f.ty, FieldType::Shape { name, .. } if name == resource))
}

/// What an action does, in a sentence: its description, or what its kind says.
fn what_it_does(a: &ActionDef) -> String {
    if let Some(d) = &a.description {
        return doc_escape(d);
    }
    match (a.kind, a.answers) {
        (ActionKind::Show, Answers::File) => "Downloads a file.".to_owned(),
        (ActionKind::Create, _) => "Creates one object.".to_owned(),
        (ActionKind::Index, _) => "Lists objects.".to_owned(),
        (ActionKind::Show, _) => "Reads one object.".to_owned(),
        (ActionKind::Update, _) => "Changes one object.".to_owned(),
        (ActionKind::Delete, _) => "Deletes one object.".to_owned(),
        (ActionKind::Status, _) => "Moves one object to a status.".to_owned(),
        (ActionKind::BulkCreate, _) => "Creates objects from an envelope.".to_owned(),
        (ActionKind::BulkUpdate, _) => "Changes objects from an envelope.".to_owned(),
        (ActionKind::BulkDelete, _) => "Deletes the objects an envelope names.".to_owned(),
        (ActionKind::Member, _) => format!("Coupa's `{}` action on one object.", a.name),
        (ActionKind::Collection, _) => format!("Coupa's `{}` action on the collection.", a.name),
    }
}

fn request_doc(t: &TypeDef, a: &ActionDef) -> String {
    let mut s = format!("`{} {}`: {}", a.method.as_str(), a.path, what_it_does(a));
    let host = match a.host {
        Host::Core => "the Core API (OAuth 2.0)",
        Host::Cso => "the CSO API (`X-CSO-API-KEY`)",
    };
    s.push_str(&format!(
        "\n\nAction `{}` of [`{}`] on {host}",
        a.name,
        crate::ident::bare(&t.rust)
    ));
    if let Some(scope) = &a.scope {
        s.push_str(&format!(", scope `{scope}`"));
    }
    s.push('.');
    if !a.sets.is_empty() {
        let sets: Vec<String> = a
            .sets
            .iter()
            .map(|s| format!("`{}` to `{}`", s.element, s.value))
            .collect();
        s.push_str(&format!(" Sets {}.", sets.join(" and ")));
    }
    if !a.binds.is_empty() {
        let binds: Vec<String> = a
            .binds
            .iter()
            .map(|b| match &b.value {
                BindValue::Const(v) => format!("`{}` is `{v}`", b.element),
                BindValue::Param(p) => format!("`{}` is the path's `{p}`", b.element),
            })
            .collect();
        s.push_str(&format!(" On this route {}.", binds.join(" and ")));
    }
    if let Some(n) = &a.note {
        s.push_str("\n\nSchema note: ");
        s.push_str(&doc_escape(n));
    }
    s
}

/// What the constructor of a request takes and leaves empty, in a sentence.
fn constructor_doc(a: &ActionDef) -> String {
    let params: Vec<String> = a.params.iter().map(|p| format!("`{}`", p.name)).collect();
    let mut s = String::from("The request");
    if !params.is_empty() {
        s.push_str(&format!(" for the path's {}", params.join(" and ")));
    }
    match a.takes {
        Takes::Object | Takes::Bulk => s.push_str(" with this body"),
        Takes::OptionalObject => {
            s.push_str(", without a body (add one with [`with_body`](Self::with_body))")
        }
        Takes::Query => {
            s.push_str(", without filters (add them with [`with_query`](Self::with_query))")
        }
        Takes::Multipart => {
            let required: Vec<String> = a
                .form
                .iter()
                .filter(|f| f.required)
                .map(|f| format!("`{}`", f.name))
                .collect();
            if !required.is_empty() {
                s.push_str(&format!(" with the form's {}", required.join(" and ")));
            }
        }
        Takes::Nothing => {}
    }
    s.push('.');
    s
}

/// `Route::new(...)` and a call per fact that departs from the defaults.
fn route(r: &str, a: &ActionDef) -> TokenStream {
    let (name, kind, method, path) = (&a.name, a.kind, a.method, &a.path);
    let mut route = quote! { Route::new(#r, #name, #kind, #method, #path) };
    let mut call = |tokens: TokenStream| route = quote! { #route.#tokens };
    if a.host != Host::Core {
        let h = a.host;
        call(quote! { host(#h) });
    }
    if a.takes != Takes::Nothing {
        let t = a.takes;
        call(quote! { takes(#t) });
    }
    if a.answers != Answers::Object {
        let an = a.answers;
        call(quote! { answers(#an) });
    }
    if let Some(s) = &a.scope {
        call(quote! { scope(#s) });
    }
    if !a.params.is_empty() {
        let params = a.params.iter().map(|p| {
            let (n, k) = (&p.name, p.ty);
            quote! { (#n, #k) }
        });
        call(quote! { params(&[#(#params),*]) });
    }
    if !a.form.is_empty() {
        let form = a.form.iter().map(|f| {
            let (n, k, r) = (&f.name, f.kind, f.required);
            quote! { (#n, #k, #r) }
        });
        call(quote! { form(&[#(#form),*]) });
    }
    if !a.sets.is_empty() {
        let sets = a.sets.iter().map(|s| {
            let (e, v) = (&s.element, &s.value);
            quote! { (#e, #v) }
        });
        call(quote! { sets(&[#(#sets),*]) });
    }
    if !a.binds.is_empty() {
        let binds = a.binds.iter().map(|b| {
            let e = &b.element;
            match &b.value {
                BindValue::Const(c) => quote! { (#e, BindTo::Const(#c)) },
                BindValue::Param(p) => quote! { (#e, BindTo::Param(#p)) },
            }
        });
        call(quote! { binds(&[#(#binds),*]) });
    }
    if let Some(of) = &a.of {
        call(quote! { of(#of) });
    }
    route
}

/// `fn path`: one `format!` over the path, parameters percent-encoded where they are text.
fn path_fn(a: &ActionDef) -> TokenStream {
    if a.params.is_empty() {
        let whole = &a.path;
        return quote! {
            fn path(&self) -> String {
                #whole.to_owned()
            }
        };
    }
    let mut template = String::new();
    let mut args = Vec::new();
    for seg in &a.segments {
        match seg {
            Segment::Lit(l) => template.push_str(&l.replace('{', "{{").replace('}', "}}")),
            Segment::Param(p) => {
                let pd = a
                    .params
                    .iter()
                    .find(|x| &x.name == p)
                    .expect("checked: every path parameter is declared");
                let f = ident(&pd.rust);
                template.push_str("{}");
                args.push(match pd.ty {
                    ParamKind::Integer => quote! { self.#f },
                    _ => quote! { coupa_runtime::endpoint::encode_segment(&self.#f) },
                });
            }
        }
    }
    quote! {
        fn path(&self) -> String {
            format!(#template, #(#args),*)
        }
    }
}

fn request(ir: &Ir, t: &TypeDef, a: &ActionDef) -> TokenStream {
    let r = t.resource.as_ref().expect("requests belong to resources");
    let name = ident(&a.rust_type);
    let doc = doc_attr(&request_doc(t, a));
    let response = response_type(ir, t, a);

    // Fields: path parameters, then the body or the query.
    let mut fields = Vec::new();
    let mut ctor_args = Vec::new();
    let mut ctor_inits = Vec::new();
    for p in &a.params {
        let f = ident(&p.rust);
        let d = doc_attr(&format!(
            "Path parameter `{{{}}}`{}",
            p.name,
            p.description
                .as_deref()
                .map(|d| format!(": {}", doc_escape(d)))
                .unwrap_or_default()
        ));
        match p.ty {
            ParamKind::Integer => {
                fields.push(quote! { #d pub #f: i64, });
                ctor_args.push(quote! { #f: i64 });
                ctor_inits.push(quote! { #f });
            }
            _ => {
                fields.push(quote! { #d pub #f: String, });
                ctor_args.push(quote! { #f: impl Into<String> });
                ctor_inits.push(quote! { #f: #f.into() });
            }
        }
    }
    let body_ty = a.request_type.as_deref().map(|n| model_ref(ir, t, n));
    let mut builders = Vec::new();
    let mut payload_fn = None;
    let mut form_fn = None;
    match (a.takes, &body_ty) {
        (Takes::Object | Takes::Bulk, Some(bt)) => {
            fields.push(quote! {
                /// The body.
                pub body: #bt,
            });
            ctor_args.push(quote! { body: #bt });
            ctor_inits.push(quote! { body });
            payload_fn = Some(quote! {
                fn payload(&self) -> Option<&#bt> {
                    Some(&self.body)
                }
            });
        }
        (Takes::OptionalObject, Some(bt)) => {
            fields.push(quote! {
                /// The body, when there is one (sent as is; `None` sends no body).
                pub body: Option<#bt>,
            });
            ctor_inits.push(quote! { body: None });
            builders.push(quote! {
                /// Sends this body with the request.
                pub fn with_body(mut self, body: #bt) -> Self {
                    self.body = Some(body);
                    self
                }
            });
            payload_fn = Some(quote! {
                fn payload(&self) -> Option<&#bt> {
                    self.body.as_ref()
                }
            });
        }
        (Takes::Multipart, _) => {
            let form = multipart(
                a,
                &mut fields,
                &mut ctor_args,
                &mut ctor_inits,
                &mut builders,
            );
            form_fn = Some(form);
        }
        (Takes::Query, _) => {
            let target = ir
                .get(
                    a.response_type
                        .as_deref()
                        .filter(|_| a.of.is_some())
                        .unwrap_or(&t.name),
                )
                .expect("the checks resolved every type name");
            let qt = type_ref(ir, t, &target.name, &crate::ident::query_type(&target.rust));
            fields.push(quote! {
                /// Filters, paging, ordering and response shaping.
                pub query: #qt,
            });
            ctor_inits.push(quote! { query: Default::default() });
            builders.push(quote! {
                /// Uses this query.
                pub fn with_query(mut self, query: #qt) -> Self {
                    self.query = query;
                    self
                }
            });
        }
        _ => {}
    }
    let body_assoc = body_ty.clone().unwrap_or_else(|| quote! { () });
    let query_fn = (a.takes == Takes::Query).then(|| {
        quote! {
            fn query(&self) -> Option<String> {
                Some(self.query.0.to_query_string())
            }
        }
    });
    // Bulk bodies are validated item by item under the envelope's list; other bodies by the
    // provided `Endpoint::validate`.
    let validate_fn = (a.takes == Takes::Bulk)
        .then(|| {
            let env = a.request_type.as_deref()?;
            let items = envelope_items(ir, env, &t.name)?;
            let f = ident(&items.rust);
            let w = &items.wire;
            Some(quote! {
                fn validate(&self) -> Result<(), coupa_runtime::Violations> {
                    coupa_runtime::validate::validate_envelope(self.body.#f.as_deref(), #w, Self::ROUTE.kind)
                }
            })
        })
        .flatten();
    let route = route(&r.name, a);
    let path_fn = path_fn(a);
    let derive_default = ctor_args.is_empty().then(|| quote! { Default, });
    let ctor_doc = doc_attr(&constructor_doc(a));
    let paginated = (a.kind == ActionKind::Index && a.of.is_none()).then(|| {
        let item = model_ref(ir, t, &t.name);
        let items = match a.answers {
            Answers::Envelope => {
                let env = a
                    .response_type
                    .as_deref()
                    .and_then(|e| envelope_items(ir, e, &t.name));
                match env {
                    Some(f) => {
                        let f = ident(&f.rust);
                        quote! { response.#f.unwrap_or_default() }
                    }
                    None => quote! { Vec::new() },
                }
            }
            _ => quote! { response },
        };
        quote! {
            impl coupa_runtime::endpoint::Paginated for #name {
                type Item = #item;

                fn query_mut(&mut self) -> &mut coupa_runtime::Query {
                    &mut self.query.0
                }

                fn items(response: #response) -> Vec<#item> {
                    #items
                }
            }
        }
    });
    quote! {
        #doc
        #[derive(Clone, Debug, #derive_default PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #ctor_doc
            pub fn new(#(#ctor_args),*) -> Self {
                Self { #(#ctor_inits),* }
            }

            #(#builders)*
        }

        impl Endpoint for #name {
            type Response = #response;
            type Body = #body_assoc;

            const ROUTE: &'static Route = &#route;

            #path_fn
            #query_fn
            #payload_fn
            #form_fn
            #validate_fn
        }

        #paginated
    }
}

/// The fields, constructor and builders of a multipart request, and its `fn form`.
fn multipart(
    a: &ActionDef,
    fields: &mut Vec<TokenStream>,
    ctor_args: &mut Vec<TokenStream>,
    ctor_inits: &mut Vec<TokenStream>,
    builders: &mut Vec<TokenStream>,
) -> TokenStream {
    let mut parts = Vec::new();
    for f in &a.form {
        let field = ident(&f.rust);
        let name = &f.name;
        let (ty, add, add_opt) = match f.kind {
            FormKind::File => (
                quote! { coupa_runtime::Upload },
                quote! { file },
                quote! { file_opt },
            ),
            FormKind::String => (quote! { String }, quote! { text }, quote! { text_opt }),
        };
        let doc = doc_attr(&format!(
            "The form's `{name}` ({}{}).",
            if f.kind == FormKind::File {
                "a file"
            } else {
                "text"
            },
            if f.required { "" } else { ", when sent" }
        ));
        if f.required {
            fields.push(quote! { #doc pub #field: #ty, });
            ctor_args.push(quote! { #field: #ty });
            ctor_inits.push(quote! { #field });
            parts.push(quote! { .#add(#name, &self.#field) });
        } else {
            fields.push(quote! { #doc pub #field: Option<#ty>, });
            ctor_inits.push(quote! { #field: None });
            let with = ident(&format!("with_{}", crate::ident::bare(&f.rust)));
            let bdoc = doc_attr(&format!("Sends the form's `{name}`."));
            builders.push(quote! {
                #bdoc
                pub fn #with(mut self, #field: #ty) -> Self {
                    self.#field = Some(#field);
                    self
                }
            });
            let arg = match f.kind {
                FormKind::File => quote! { self.#field.as_ref() },
                FormKind::String => quote! { self.#field.as_deref() },
            };
            parts.push(quote! { .#add_opt(#name, #arg) });
        }
    }
    quote! {
        fn form(&self) -> Option<coupa_runtime::Form<'_>> {
            Some(coupa_runtime::Form::new() #(#parts)*)
        }
    }
}

fn action_enum(t: &TypeDef, r: &ResourceDef) -> TokenStream {
    let name = ident(&r.action_enum);
    let model = ident(&t.rust);
    let variants = r.actions.iter().map(|a| {
        let v = ident(&a.rust_variant);
        let d = doc_attr(&format!(
            "[`{}`]: `{} {}`.",
            crate::ident::bare(&a.rust_type),
            a.method.as_str(),
            a.path
        ));
        quote! { #d #v, }
    });
    let all = r.actions.iter().map(|a| {
        let v = ident(&a.rust_variant);
        quote! { Self::#v }
    });
    let routes = r.actions.iter().map(|a| {
        let rt = ident(&a.rust_type);
        quote! { #rt::ROUTE }
    });
    let n = proc_macro2::Literal::usize_unsuffixed(r.actions.len());
    let doc = doc_attr(&format!("The actions of the {} API.", r.name));
    quote! {
        #doc
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
        }

        impl coupa_runtime::Actions for #name {
            const ALL: &'static [Self] = &[#(#all),*];

            fn route(self) -> &'static Route {
                ROUTES[self as usize]
            }
        }

        /// The routes of the actions, in the order of the page's table.
        pub static ROUTES: [&Route; #n] = [#(#routes),*];

        impl #model {
            /// Validates this object as the body (or one item of the bulk body) of `action`,
            /// collecting every violation. Actions without a body accept anything.
            pub fn validate_for(&self, action: #name) -> Result<(), coupa_runtime::Violations> {
                coupa_runtime::endpoint::validate_for(self, action)
            }
        }
    }
}

fn service(ir: &Ir, t: &TypeDef, r: &ResourceDef) -> TokenStream {
    let name = ident(&r.service);
    let methods = r.actions.iter().map(|a| {
        let f = ident(&a.rust_fn);
        let req = ident(&a.rust_type);
        let resp = response_type(ir, t, a);
        let d = doc_attr(&format!(
            "[`{}`]: `{} {}`.",
            crate::ident::bare(&a.rust_type),
            a.method.as_str(),
            a.path
        ));
        quote! {
            #d
            fn #f(&self, request: #req) -> impl std::future::Future<Output = Result<#resp, Self::Error>> + Send;
        }
    });
    let doc = doc_attr(&format!(
        "The server side of the {} API: one method per action, taking the typed request and answering the typed response. Implement it to serve the API (or to fake it in tests).",
        r.name
    ));
    quote! {
        #doc
        pub trait #name: Send + Sync {
            /// What a method answers when it fails.
            type Error;

            #(#methods)*
        }
    }
}
