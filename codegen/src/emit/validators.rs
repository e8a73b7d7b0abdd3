//! Validators: `impl Validate` for every struct, one runtime call per element.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, is_struct_ref};
use crate::ir::{Field, FieldType, Ir, TypeDef};

/// The `Validate` impl of one type (nothing for open shapes).
pub fn emit(ir: &Ir, t: &TypeDef) -> TokenStream {
    if t.open {
        return quote! {};
    }
    let name = ident(&t.rust);
    let key = t.resource.as_ref().and_then(|r| r.key.as_deref());
    let checks = t.fields.iter().map(|f| check(ir, f, key));
    let required = t.fields.iter().filter(|f| f.required).map(|f| {
        let w = &f.wire;
        let present = std::iter::once(f.rust.as_str())
            .chain(
                f.alternatives
                    .iter()
                    .filter_map(|a| t.field(a).map(|af| af.rust.as_str())),
            )
            .map(|r| {
                let r = ident(r);
                quote! { self.#r.is_some() }
            });
        quote! { cx.require(at, #w, #(#present)||*); }
    });
    let resource = t.resource.as_ref().map(|r| {
        let plural = &r.plural;
        quote! { const RESOURCE: &'static str = #plural; }
    });
    let uniques: Vec<TokenStream> = t
        .fields
        .iter()
        .filter(|f| f.unique && f.api_in && !f.list)
        .filter_map(|f| {
            let r = ident(&f.rust);
            let w = &f.wire;
            let v = match (&f.ty, &f.allowed) {
                (_, Some(_)) => {
                    quote! { coupa_runtime::UniqueValue::Str(coupa_runtime::WireEnum::as_wire(v)) }
                }
                (FieldType::String | FieldType::Text | FieldType::Digits, None) => {
                    quote! { coupa_runtime::UniqueValue::Str(v) }
                }
                (FieldType::Integer, None) => quote! { coupa_runtime::UniqueValue::Int(*v) },
                (FieldType::Decimal, None) => {
                    quote! { coupa_runtime::UniqueValue::Str(v.as_str()) }
                }
                _ => return None,
            };
            Some(quote! {
                if let Some(v) = &self.#r {
                    f(#w, #v);
                }
            })
        })
        .collect();
    let key_fn = key.and_then(|k| t.field(k)).and_then(|f| {
        let r = ident(&f.rust);
        let w = &f.wire;
        let v = match (&f.ty, f.list) {
            (FieldType::Integer, false) => quote! { coupa_runtime::UniqueValue::Int(*v) },
            (FieldType::String | FieldType::Text | FieldType::Digits, false) => {
                quote! { coupa_runtime::UniqueValue::Str(v) }
            }
            _ => return None,
        };
        Some(quote! {
            fn key_value(&self) -> Option<(&'static str, coupa_runtime::UniqueValue<'_>)> {
                self.#r.as_ref().map(|v| (#w, #v))
            }
        })
    });
    let unique_fn = (!uniques.is_empty()).then(|| {
        quote! {
            fn unique_values<'s>(&'s self, f: &mut dyn FnMut(&'static str, coupa_runtime::UniqueValue<'s>)) {
                #(#uniques)*
            }
        }
    });
    quote! {
        impl coupa_runtime::Validate for #name {
            #resource

            fn validate_at(&self, cx: &mut coupa_runtime::validate::Cx<'_>, at: &coupa_runtime::validate::Path<'_>) {
                use coupa_runtime::Rules;
                #(#required)*
                #(#checks)*
            }

            #unique_fn
            #key_fn
        }
    }
}

fn check(ir: &Ir, f: &Field, key: Option<&str>) -> TokenStream {
    let r = ident(&f.rust);
    let w = &f.wire;
    let mut rules = quote! { Rules::new(#w) };
    if !f.api_in {
        rules = quote! { #rules.output_only() };
    }
    if f.immutable {
        rules = quote! { #rules.immutable() };
    }
    if f.unique {
        rules = quote! { #rules.unique() };
    }
    if key == Some(f.wire.as_str()) {
        rules = quote! { #rules.key() };
    }
    if let Some(n) = f.length {
        rules = quote! { #rules.max_len(#n) };
    }
    // A constant: built once at compile time, not on every call.
    let rules = quote! { const { #rules } };
    let text_like = matches!(f.ty, FieldType::String | FieldType::Text);
    match (f.list, &f.allowed) {
        (false, Some(_)) => quote! { cx.choice(at, &#rules, self.#r.as_ref()); },
        (true, Some(_)) => quote! { cx.choice_list(at, &#rules, self.#r.as_deref()); },
        (false, None) => match &f.ty {
            FieldType::String | FieldType::Text => {
                quote! { cx.text(at, &#rules, self.#r.as_deref()); }
            }
            FieldType::Digits => quote! { cx.digits(at, &#rules, self.#r.as_deref()); },
            FieldType::Integer => quote! { cx.integer(at, &#rules, self.#r); },
            FieldType::Decimal => quote! { cx.decimal(at, &#rules, self.#r.as_ref()); },
            FieldType::Shape { .. } if is_struct_ref(ir, f) => {
                if f.boxed {
                    quote! { cx.nested(at, &#rules, self.#r.as_deref()); }
                } else {
                    quote! { cx.nested(at, &#rules, self.#r.as_ref()); }
                }
            }
            _ => quote! { cx.value(at, &#rules, self.#r.is_some()); },
        },
        (true, None) if text_like => quote! { cx.text_list(at, &#rules, self.#r.as_deref()); },
        (true, None) if is_struct_ref(ir, f) => {
            quote! { cx.nested_list(at, &#rules, self.#r.as_deref()); }
        }
        (true, None) => quote! { cx.value(at, &#rules, self.#r.is_some()); },
    }
}
