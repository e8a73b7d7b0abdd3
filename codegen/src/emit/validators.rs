//! Validators: `impl Validate` for every struct. Each element with a rule gets one runtime call,
//! which reads the rule from the element's entry in `SHAPE`; elements without a rule get none.

use proc_macro2::{Literal, TokenStream};
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
    let required = t
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.required)
        .map(|(i, f)| {
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
            let i = Literal::usize_unsuffixed(i);
            quote! { cx.require(at, &e[#i], #(#present)||*); }
        });
    let checks: Vec<TokenStream> = t
        .fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| check(ir, f, i, key == Some(f.wire.as_str())))
        .collect();
    let required: Vec<TokenStream> = required.collect();
    let body = if required.is_empty() && checks.is_empty() {
        quote! { let _ = (cx, at); }
    } else {
        quote! {
            let e = SHAPE.elements;
            #(#required)*
            #(#checks)*
        }
    };
    let resource = t.resource.as_ref().map(|r| {
        let name = &r.name;
        quote! { const RESOURCE: &'static str = #name; }
    });
    let uniques: Vec<TokenStream> = t
        .fields
        .iter()
        .filter(|f| f.unique && f.api_in && !f.list)
        .filter_map(|f| {
            let r = ident(&f.rust);
            let w = &f.wire;
            let v = unique_value(f, true)?;
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
        let v = unique_value(f, false)?;
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
                #body
            }

            #unique_fn
            #key_fn
        }
    }
}

/// A unique or key value as the runtime compares it (`v` is a reference to the value), for the
/// types that have one.
fn unique_value(f: &Field, enums: bool) -> Option<TokenStream> {
    if f.list {
        return None;
    }
    Some(match (&f.ty, &f.allowed) {
        (_, Some(_)) if enums => {
            quote! { coupa_runtime::UniqueValue::Str(coupa_runtime::WireEnum::as_wire(v)) }
        }
        (FieldType::String | FieldType::Text | FieldType::Digits, None) => {
            quote! { coupa_runtime::UniqueValue::Str(v) }
        }
        (FieldType::Integer, None) => quote! { coupa_runtime::UniqueValue::Int(*v) },
        (FieldType::Decimal, None) if enums => {
            quote! { coupa_runtime::UniqueValue::Str(v.as_str()) }
        }
        _ => return None,
    })
}

/// True when the element has a rule the runtime checks on its value: anything but an element
/// sent and returned freely (whose check would do nothing).
fn has_rule(f: &Field, is_key: bool) -> bool {
    !f.api_in
        || f.immutable
        || f.unique
        || is_key
        || f.length.is_some()
        || f.allowed.is_some()
        || f.precision.is_some()
        || !f.int_allowed.is_empty()
}

/// The call that checks element `i`, when it has something to check.
fn check(ir: &Ir, f: &Field, i: usize, is_key: bool) -> Option<TokenStream> {
    let r = ident(&f.rust);
    let nested = is_struct_ref(ir, f);
    let digits = f.ty == FieldType::Digits;
    if !has_rule(f, is_key) && !nested && !digits {
        return None;
    }
    let i = Literal::usize_unsuffixed(i);
    let e = quote! { &e[#i] };
    let text_like = f.ty.is_text();
    Some(match (f.list, &f.allowed) {
        (false, Some(_)) => quote! { cx.choice(at, #e, self.#r.as_ref()); },
        (true, Some(_)) => quote! { cx.choice_list(at, #e, self.#r.as_deref()); },
        (false, None) => match &f.ty {
            FieldType::String | FieldType::Text => {
                quote! { cx.text(at, #e, self.#r.as_deref()); }
            }
            FieldType::Digits => quote! { cx.digits(at, #e, self.#r.as_deref()); },
            FieldType::Integer => quote! { cx.integer(at, #e, self.#r); },
            FieldType::Decimal => quote! { cx.decimal(at, #e, self.#r.as_ref()); },
            FieldType::Shape { .. } if nested => {
                if f.boxed {
                    quote! { cx.nested(at, #e, self.#r.as_deref()); }
                } else {
                    quote! { cx.nested(at, #e, self.#r.as_ref()); }
                }
            }
            _ => quote! { cx.value(at, #e, self.#r.is_some()); },
        },
        (true, None) if text_like => quote! { cx.text_list(at, #e, self.#r.as_deref()); },
        (true, None) if nested => quote! { cx.nested_list(at, #e, self.#r.as_deref()); },
        (true, None) => quote! { cx.value(at, #e, self.#r.is_some()); },
    })
}
