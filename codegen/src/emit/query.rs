//! Query builders: a typed filter method per element over `coupa_runtime::Query`. Converting and
//! rendering come from `coupa_runtime::QueryBuilder`, paging and ordering (for resources) from
//! `coupa_runtime::Paging`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attr, ident, type_ref};
use crate::ir::{Field, FieldType, Ir, TypeDef};

/// The query builder of one type (nothing for open shapes).
pub fn emit(ir: &Ir, t: &TypeDef) -> TokenStream {
    if t.open {
        return quote! {};
    }
    let q = ident(&crate::ident::query_type(&t.rust));
    let model = crate::ident::bare(&t.rust);
    let methods = t.fields.iter().filter_map(|f| filter_method(ir, t, f));
    let paging = t.resource.is_some().then(|| {
        quote! { impl coupa_runtime::Paging for #q {} }
    });
    let doc = doc_attr(&format!(
        "Filters on [`{model}`] objects (Coupa's `field[op]=value` query language)."
    ));
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct #q(pub(crate) coupa_runtime::Query);

        impl coupa_runtime::QueryBuilder for #q {
            fn as_query(&self) -> &coupa_runtime::Query {
                &self.0
            }

            fn as_query_mut(&mut self) -> &mut coupa_runtime::Query {
                &mut self.0
            }

            fn into_query(self) -> coupa_runtime::Query {
                self.0
            }
        }

        #paging

        impl #q {
            /// No filter.
            pub fn new() -> Self {
                Self::default()
            }

            #(#methods)*
        }
    }
}

fn filter_method(ir: &Ir, t: &TypeDef, f: &Field) -> Option<TokenStream> {
    let m = ident(&f.filter);
    let w = &f.wire;
    let field = format!(
        "[`{}`]({}::{})",
        crate::ident::bare(&f.rust),
        crate::ident::bare(&t.rust),
        crate::ident::bare(&f.rust)
    );
    let filter = match (&f.ty, f.allowed.is_some()) {
        (_, true) | (FieldType::String | FieldType::Text | FieldType::Digits, false) => {
            quote! { coupa_runtime::query::TextFilter }
        }
        (FieldType::Integer | FieldType::Decimal | FieldType::Float, _) => {
            quote! { coupa_runtime::query::NumberFilter }
        }
        (FieldType::Datetime | FieldType::Date, _) => quote! { coupa_runtime::query::DateFilter },
        (FieldType::Time, _) => quote! { coupa_runtime::query::TextFilter },
        (FieldType::Boolean, _) => quote! { coupa_runtime::query::BoolFilter },
        (FieldType::Shape { name, rust, .. }, _) => {
            if ir.get(name)?.open {
                return None;
            }
            let nq = type_ref(ir, t, name, &crate::ident::query_type(rust));
            let doc = doc_attr(&format!(
                "Filters on the elements of {field} (`{}[element]=value`).",
                coupa_runtime::query::query_key(w)
            ));
            return Some(quote! {
                #doc
                pub fn #m(self, filter: #nq) -> Self {
                    Self(self.0.nested(#w, filter.0))
                }
            });
        }
        (FieldType::Object, _) => return None,
    };
    let doc = doc_attr(&format!(
        "Filters on {field} (`{}`).",
        coupa_runtime::query::query_key(w)
    ));
    Some(quote! {
        #doc
        pub fn #m(self, filter: #filter) -> Self {
            Self(self.0.filter(#w, filter))
        }
    })
}
