//! Query builders: a typed filter method per element, over `coupa_runtime::Query`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_escape, ident};
use crate::ir::{Field, FieldType, Ir, TypeDef};

/// Names the builder uses itself; a filter on an element with one of these names is called
/// `filter_<name>` instead.
pub const RESERVED: &[&str] = &[
    "new",
    "offset",
    "limit",
    "order_by",
    "dir",
    "return_object",
    "fields",
    "into_query",
    "as_query",
    "to_query_string",
];

/// The name of the filter method of a field.
pub fn method_name(f: &Field) -> String {
    let bare = crate::ident::bare(&f.rust);
    if RESERVED.contains(&bare) {
        format!("filter_{bare}")
    } else {
        f.rust.clone()
    }
}

/// The query builder of one type (nothing for open shapes).
pub fn emit(ir: &Ir, t: &TypeDef) -> TokenStream {
    if t.open {
        return quote! {};
    }
    let q = ident(&crate::ident::query_type(&t.rust));
    let model = crate::ident::bare(&t.rust);
    let methods = t.fields.iter().filter_map(|f| filter_method(ir, f));
    let paging = t.resource.is_some().then(|| {
        quote! {
            /// Skips this many records.
            pub fn offset(self, n: usize) -> Self {
                Self(self.0.offset(n))
            }

            /// Returns at most this many records (Coupa answers at most 50).
            pub fn limit(self, n: usize) -> Self {
                Self(self.0.limit(n))
            }

            /// Orders by an element, by wire name.
            pub fn order_by(self, element: &str) -> Self {
                Self(self.0.order_by(element))
            }

            /// The sort direction.
            pub fn dir(self, dir: coupa_runtime::query::Dir) -> Self {
                Self(self.0.dir(dir))
            }

            /// How much of each object to return.
            pub fn return_object(self, r: coupa_runtime::query::ReturnObject) -> Self {
                Self(self.0.return_object(r))
            }

            /// Which elements to return.
            pub fn fields(self, fields: &coupa_runtime::query::Fields) -> Self {
                Self(self.0.fields(fields))
            }
        }
    });
    let doc = format!("Filters on [`{model}`] objects (Coupa's `field[op]=value` query language).");
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct #q(coupa_runtime::Query);

        impl #q {
            /// No filter.
            pub fn new() -> Self {
                Self::default()
            }

            #(#methods)*

            #paging

            /// The query.
            pub fn as_query(&self) -> &coupa_runtime::Query {
                &self.0
            }

            /// The query, to nest it under an association or send it.
            pub fn into_query(self) -> coupa_runtime::Query {
                self.0
            }

            /// The query string (without `?`).
            pub fn to_query_string(&self) -> String {
                self.0.to_query_string()
            }
        }
    }
}

fn filter_method(ir: &Ir, f: &Field) -> Option<TokenStream> {
    let m = ident(&method_name(f));
    let w = &f.wire;
    let desc = doc_escape(super::first_sentence(&f.description));
    let filter = match (&f.ty, f.allowed.is_some()) {
        (_, true) | (FieldType::String | FieldType::Text | FieldType::Digits, false) => {
            quote! { coupa_runtime::query::TextFilter }
        }
        (FieldType::Integer | FieldType::Decimal, _) => {
            quote! { coupa_runtime::query::NumberFilter }
        }
        (FieldType::Datetime, _) => quote! { coupa_runtime::query::DateFilter },
        (FieldType::Boolean, _) => quote! { coupa_runtime::query::BoolFilter },
        (FieldType::Shape { name, rust, module }, _) => {
            let target = ir.get(name)?;
            if target.open {
                return None;
            }
            let module = ident(module);
            let nq = ident(&crate::ident::query_type(rust));
            let doc = format!(
                "Filters on the elements of `{w}` (`{}[element]=value`): {desc}",
                coupa_runtime_key(w)
            );
            return Some(quote! {
                #[doc = #doc]
                pub fn #m(self, filter: crate::#module::#nq) -> Self {
                    Self(self.0.nested(#w, filter.into_query()))
                }
            });
        }
        (FieldType::Object, _) => return None,
    };
    let doc = format!("Filters on `{w}` (`{}`): {desc}", coupa_runtime_key(w));
    Some(quote! {
        #[doc = #doc]
        pub fn #m(self, filter: #filter) -> Self {
            Self(self.0.filter(#w, filter))
        }
    })
}

fn coupa_runtime_key(wire: &str) -> String {
    wire.replace('-', "_")
}
