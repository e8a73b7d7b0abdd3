//! Endpoints: per action a request type implementing `coupa_runtime::Endpoint`; per resource an
//! enum of its actions and the server-side trait with one method per action.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attr, doc_escape, host_tokens, ident};
use crate::ir::{
    ActionDef, ActionKind, Answers, FieldType, Host, Ir, Method, ParamType, ResourceDef, Segment,
    Takes, TypeDef,
};

/// The request types, action enum and service trait of a resource (nothing for shapes).
pub fn emit(ir: &Ir, t: &TypeDef) -> TokenStream {
    let Some(r) = &t.resource else {
        return quote! {};
    };
    let requests = r.actions.iter().map(|a| request(ir, t, r, a));
    let action_enum = action_enum(t, r);
    let service = service(ir, r);
    quote! {
        #action_enum
        #(#requests)*
        #service
    }
}

fn type_path(ir: &Ir, name: &str) -> TokenStream {
    super::type_path(ir.get(name).expect("the checks resolved every type name"))
}

fn query_path(ir: &Ir, name: &str) -> TokenStream {
    let t = ir.get(name).expect("the checks resolved every type name");
    let m = ident(&t.module);
    let q = ident(&crate::ident::query_type(&t.rust));
    quote! { crate::#m::#q }
}

/// The Rust type of an action's response.
pub fn response_type(ir: &Ir, a: &ActionDef) -> TokenStream {
    match (a.answers, &a.response_type) {
        (Answers::File, _) => quote! { Vec<u8> },
        (Answers::List, Some(t)) => {
            let p = type_path(ir, t);
            quote! { Vec<#p> }
        }
        (_, Some(t)) => type_path(ir, t),
        (_, None) => quote! { () },
    }
}

fn method_tokens(m: Method) -> TokenStream {
    let m = format_ident!("{}", m.as_str());
    quote! { #m }
}

fn kind_tokens(k: ActionKind) -> TokenStream {
    let v = format_ident!("{}", format!("{k:?}"));
    quote! { coupa_runtime::ActionKind::#v }
}

fn mode_tokens(k: ActionKind) -> Option<TokenStream> {
    Some(match k {
        ActionKind::Create | ActionKind::BulkCreate => quote! { coupa_runtime::Mode::Create },
        ActionKind::Update | ActionKind::Status => quote! { coupa_runtime::Mode::Update },
        ActionKind::BulkUpdate => quote! { coupa_runtime::Mode::BulkUpdate },
        ActionKind::BulkDelete => quote! { coupa_runtime::Mode::BulkDelete },
        ActionKind::Index | ActionKind::Show | ActionKind::Delete => return None,
    })
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

fn request_doc(t: &TypeDef, a: &ActionDef) -> String {
    let mut s = format!(
        "`{} {}`: {}",
        a.method.as_str(),
        a.path,
        doc_escape(&a.description)
    );
    let host = match a.host {
        Host::Core => "the Core API (OAuth 2.0)".to_owned(),
        Host::Cso => "the CSO API (`X-CSO-API-KEY`)".to_owned(),
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
                crate::ir::BindValue::Const(v) => format!("`{}` is `{v}`", b.element),
                crate::ir::BindValue::Param(p) => format!("`{}` is the path's `{p}`", b.element),
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

fn request(ir: &Ir, t: &TypeDef, r: &ResourceDef, a: &ActionDef) -> TokenStream {
    let name = ident(&a.rust_type);
    let doc = doc_attr(&request_doc(t, a));
    let response = response_type(ir, a);

    // Fields: path parameters, then the body or the query.
    let mut fields = Vec::new();
    let mut ctor_args = Vec::new();
    let mut ctor_inits = Vec::new();
    for p in &a.params {
        let f = ident(&p.rust);
        let ty = match p.ty {
            ParamType::Integer => quote! { i64 },
            ParamType::Digits | ParamType::String => quote! { String },
        };
        let d = format!(
            "Path parameter `{{{}}}`{}",
            p.name,
            p.description
                .as_deref()
                .map(|d| format!(": {}", doc_escape(d)))
                .unwrap_or_default()
        );
        fields.push(quote! { #[doc = #d] pub #f: #ty, });
        match p.ty {
            ParamType::Integer => {
                ctor_args.push(quote! { #f: i64 });
                ctor_inits.push(quote! { #f });
            }
            _ => {
                ctor_args.push(quote! { #f: impl Into<String> });
                ctor_inits.push(quote! { #f: #f.into() });
            }
        }
    }
    let body_ty = a.request_type.as_deref().map(|n| type_path(ir, n));
    let mut builders = Vec::new();
    match (a.takes, &body_ty) {
        (Takes::Object | Takes::Bulk, Some(bt)) => {
            fields.push(quote! { /// The body.
            pub body: #bt, });
            ctor_args.push(quote! { body: #bt });
            ctor_inits.push(quote! { body });
        }
        (Takes::OptionalObject, Some(bt)) => {
            fields.push(
                quote! { /// The body, when there is one (sent as is; `None` sends no body).
                pub body: Option<#bt>, },
            );
            ctor_inits.push(quote! { body: None });
            builders.push(quote! {
                /// Sends this body with the request.
                pub fn with_body(mut self, body: #bt) -> Self {
                    self.body = Some(body);
                    self
                }
            });
        }
        (Takes::Query, _) => {
            let qt = query_path(
                ir,
                a.response_type
                    .as_deref()
                    .filter(|_| a.of.is_some())
                    .unwrap_or(&t.name),
            );
            fields.push(quote! { /// Filters, paging, ordering and response shaping.
            pub query: #qt, });
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

    // The path, piece by piece (no `format!`, so prettyplease formats every argument).
    let mut pieces = Vec::new();
    for seg in &a.segments {
        match seg {
            Segment::Lit(l) => pieces.push(quote! { path.push_str(#l); }),
            Segment::Param(p) => {
                let pd = a
                    .params
                    .iter()
                    .find(|x| &x.name == p)
                    .expect("checked: every path parameter is declared");
                let f = ident(&pd.rust);
                pieces.push(match pd.ty {
                    ParamType::Integer => quote! { path.push_str(&self.#f.to_string()); },
                    _ => quote! { path.push_str(&coupa_runtime::endpoint::encode_segment(&self.#f)); },
                });
            }
        }
    }
    let path_fn = if a.params.is_empty() {
        let whole = &a.path;
        quote! { fn path(&self) -> String { #whole.to_owned() } }
    } else {
        quote! {
            fn path(&self) -> String {
                let mut path = String::new();
                #(#pieces)*
                path
            }
        }
    };

    let query_fn = (a.takes == Takes::Query).then(|| {
        quote! {
            fn query(&self) -> Option<String> {
                Some(self.query.to_query_string())
            }
        }
    });
    let body_fn = match a.takes {
        Takes::Object | Takes::Bulk => Some(quote! {
            fn body(&self, format: coupa_runtime::Format) -> Result<Option<Vec<u8>>, coupa_runtime::EncodeError> {
                coupa_runtime::wire::encode(format, &self.body).map(Some)
            }
        }),
        Takes::OptionalObject => Some(quote! {
            fn body(&self, format: coupa_runtime::Format) -> Result<Option<Vec<u8>>, coupa_runtime::EncodeError> {
                self.body.as_ref().map(|b| coupa_runtime::wire::encode(format, b)).transpose()
            }
        }),
        _ => None,
    };
    let validate_fn = mode_tokens(a.kind).and_then(|mode| match a.takes {
        Takes::Object => Some(quote! {
            fn validate(&self) -> Result<(), coupa_runtime::Violations> {
                coupa_runtime::Validate::validate(&self.body, #mode)
            }
        }),
        Takes::OptionalObject => Some(quote! {
            fn validate(&self) -> Result<(), coupa_runtime::Violations> {
                match &self.body {
                    Some(body) => coupa_runtime::Validate::validate(body, #mode),
                    None => Ok(()),
                }
            }
        }),
        Takes::Bulk => {
            let env = a.request_type.as_deref()?;
            let items = envelope_items(ir, env, &t.name)?;
            let f = ident(&items.rust);
            let w = &items.wire;
            Some(quote! {
                fn validate(&self) -> Result<(), coupa_runtime::Violations> {
                    coupa_runtime::validate::validate_envelope(self.body.#f.as_deref(), #w, #mode)
                }
            })
        }
        _ => None,
    });
    let decode = match a.answers {
        Answers::File => quote! { Ok(bytes.to_vec()) },
        Answers::List => quote! { coupa_runtime::wire::decode_list(format, bytes) },
        _ => quote! { coupa_runtime::wire::decode(format, bytes) },
    };
    let (fmt_arg, bytes_arg) = if a.answers == Answers::File {
        (quote! { _format }, quote! { bytes })
    } else {
        (quote! { format }, quote! { bytes })
    };
    let method = method_tokens(a.method);
    let host = host_tokens(a.host);
    let plural = &r.plural;
    let action = &a.name;
    let kind = kind_tokens(a.kind);
    let scope = match &a.scope {
        Some(s) => quote! { Some(#s) },
        None => quote! { None },
    };
    let derive_default = ctor_args.is_empty().then(|| quote! { Default, });
    let ctor_doc = "A request with these path parameters and body; the query and an optional body start empty.";
    let paginated = (a.kind == ActionKind::Index && a.of.is_none()).then(|| {
        let item = type_path(ir, &t.name);
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

                fn page(&self, offset: usize, limit: usize) -> Self {
                    let mut next = self.clone();
                    next.query = next.query.offset(offset).limit(limit);
                    next
                }

                fn items(response: Self::Response) -> Vec<Self::Item> {
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
            #[doc = #ctor_doc]
            pub fn new(#(#ctor_args),*) -> Self {
                Self { #(#ctor_inits),* }
            }

            #(#builders)*
        }

        impl coupa_runtime::Endpoint for #name {
            type Response = #response;

            const METHOD: coupa_runtime::http::Method = coupa_runtime::http::Method::#method;
            const HOST: coupa_runtime::Host = #host;
            const RESOURCE: &'static str = #plural;
            const ACTION: &'static str = #action;
            const KIND: coupa_runtime::ActionKind = #kind;
            const SCOPE: Option<&'static str> = #scope;

            #path_fn
            #query_fn
            #body_fn
            #validate_fn

            fn decode_response(#fmt_arg: coupa_runtime::Format, #bytes_arg: &[u8]) -> Result<Self::Response, coupa_runtime::DecodeError> {
                #decode
            }
        }

        #paginated
    }
}

fn action_enum(t: &TypeDef, r: &ResourceDef) -> TokenStream {
    let name = ident(&r.action_enum);
    let model = ident(&t.rust);
    let variants = r.actions.iter().map(|a| {
        let v = ident(&a.rust_variant);
        let d = format!(
            "`{} {}`: {}",
            a.method.as_str(),
            a.path,
            doc_escape(&a.description)
        );
        quote! { #[doc = #d] #v, }
    });
    let all = r.actions.iter().map(|a| {
        let v = ident(&a.rust_variant);
        quote! { Self::#v }
    });
    let names = r.actions.iter().map(|a| {
        let v = ident(&a.rust_variant);
        let n = &a.name;
        quote! { Self::#v => #n, }
    });
    let kinds = r.actions.iter().map(|a| {
        let v = ident(&a.rust_variant);
        let k = kind_tokens(a.kind);
        quote! { Self::#v => #k, }
    });
    let from_names = r.actions.iter().map(|a| {
        let v = ident(&a.rust_variant);
        let n = &a.name;
        quote! { #n => Some(Self::#v), }
    });
    let doc = format!("The actions of the {} API.", r.plural);
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// Every action, in the order of the page's table.
            pub const ALL: &'static [Self] = &[#(#all),*];

            /// The action's name in the schema.
            pub fn name(&self) -> &'static str {
                match self {
                    #(#names)*
                }
            }

            /// The action with this name in the schema.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    #(#from_names)*
                    _ => None,
                }
            }

            /// What the action does.
            pub fn kind(&self) -> coupa_runtime::ActionKind {
                match self {
                    #(#kinds)*
                }
            }
        }

        impl #model {
            /// Validates this object as the body (or one item of the bulk body) of `action`,
            /// collecting every violation. Actions without a body accept anything.
            pub fn validate_for(&self, action: #name) -> Result<(), coupa_runtime::Violations> {
                match action.kind().mode() {
                    Some(mode) => coupa_runtime::Validate::validate(self, mode),
                    None => Ok(()),
                }
            }
        }
    }
}

fn service(ir: &Ir, r: &ResourceDef) -> TokenStream {
    let name = ident(&r.service);
    let methods = r.actions.iter().map(|a| {
        let f = ident(&a.rust_fn);
        let req = ident(&a.rust_type);
        let resp = response_type(ir, a);
        let d = format!("`{} {}`: {}", a.method.as_str(), a.path, doc_escape(&a.description));
        quote! {
            #[doc = #d]
            fn #f(&self, request: #req) -> impl std::future::Future<Output = Result<#resp, Self::Error>> + Send;
        }
    });
    let doc = format!(
        "The server side of the {} API: one method per action, taking the typed request and answering the typed response. Implement it to serve the API (or to fake it in tests).",
        r.plural
    );
    quote! {
        #[doc = #doc]
        pub trait #name: Send + Sync {
            /// What a method answers when it fails.
            type Error;

            #(#methods)*
        }
    }
}
