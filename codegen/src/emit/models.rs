//! Models: a serde struct per shape with Coupa's wire names, an alias per open shape, and an enum
//! per element with allowed values.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attr, doc_escape, field_type, ident};
use crate::ir::{Allowed, Assigned, Field, FieldType, Ir, TypeDef};

/// The model of one type, and the enums of its elements.
pub fn emit(ir: &Ir, t: &TypeDef) -> TokenStream {
    let name = ident(&t.rust);
    let doc = doc_attr(&type_doc(t));
    if t.open {
        return quote! {
            #doc
            pub type #name = serde_json::Map<String, serde_json::Value>;
        };
    }
    let wire = &t.wire_name;
    let fields = t.fields.iter().map(|f| {
        let fname = ident(&f.rust);
        let ty = field_type(f);
        let doc = doc_attr(&field_doc(f));
        let w = &f.wire;
        let aliases = f.aliases.iter().map(|a| quote! { alias = #a, });
        quote! {
            #doc
            #[serde(rename = #w, #(#aliases)* default, skip_serializing_if = "Option::is_none")]
            pub #fname: #ty,
        }
    });
    let enums = t
        .fields
        .iter()
        .filter_map(|f| f.allowed.as_ref().map(|a| emit_enum(t, f, a)));
    let wire_names = t.fields.iter().map(|f| &f.wire);
    let schema_name = &t.name;
    let shape_elements = t.fields.iter().map(|f| {
        let w = &f.wire;
        let aliases = &f.aliases;
        let nested = match &f.ty {
            FieldType::Shape { module, .. } if super::is_struct_ref(ir, f) => {
                let m = ident(module);
                quote! { Some(&crate::#m::SHAPE) }
            }
            _ => quote! { None },
        };
        quote! {
            coupa_runtime::preserve::ElementInfo { name: #w, aliases: &[#(#aliases),*], nested: #nested }
        }
    });
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(rename = #wire)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// The wire names of the elements, in the order of the page's table.
            pub const ELEMENTS: &'static [&'static str] = &[#(#wire_names),*];
        }

        /// The elements of the model, for `coupa_runtime::Preserved`.
        pub(crate) static SHAPE: coupa_runtime::preserve::ShapeInfo = coupa_runtime::preserve::ShapeInfo {
            name: #schema_name,
            elements: &[#(#shape_elements),*],
        };

        impl coupa_runtime::Model for #name {
            const WIRE_NAME: &'static str = #wire;

            fn shape() -> &'static coupa_runtime::preserve::ShapeInfo {
                &SHAPE
            }
        }

        #(#enums)*
    }
}

fn type_doc(t: &TypeDef) -> String {
    let mut s = doc_escape(&t.description);
    if t.open {
        s.push_str("\n\nCoupa leaves this object open: every key is kept as it arrives.");
    } else {
        s.push_str(&format!("\n\nOn the wire: `{}`.", t.wire_name));
    }
    s
}

/// The rustdoc of a field: the description, then every rule of the page's table.
pub fn field_doc(f: &Field) -> String {
    let mut s = doc_escape(&f.description);
    let mut facts: Vec<String> = Vec::new();
    facts.push(format!("Wire name `{}`", f.wire));
    if !f.aliases.is_empty() {
        facts.push(format!(
            "also read as {}",
            f.aliases
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    facts.push(
        match (f.api_in, f.api_out) {
            (true, true) => "sent and returned",
            (true, false) => "sent only (not returned)",
            (false, true) => "returned only (not accepted in requests)",
            (false, false) => "internal (neither sent nor returned)",
        }
        .to_owned(),
    );
    if f.required {
        if f.alternatives.is_empty() {
            facts.push("required on create".to_owned());
        } else {
            facts.push(format!(
                "required on create (or {})",
                f.alternatives
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    if f.unique {
        facts.push("unique".to_owned());
    }
    if f.immutable {
        facts.push("cannot change once set".to_owned());
    }
    if let Some(n) = f.length {
        facts.push(format!("at most {n} characters"));
    }
    if let Some(a) = &f.allowed {
        facts.push(format!(
            "allowed values {}{}",
            a.values
                .iter()
                .map(|v| format!("`{}`", v.wire))
                .collect::<Vec<_>>()
                .join(", "),
            if a.case_sensitive { "" } else { " (any case)" }
        ));
    }
    if f.ty == FieldType::Digits {
        facts.push("a string of digits".to_owned());
    }
    if let Some(a) = f.assigned {
        facts.push(
            match a {
                Assigned::Id => "assigned by Coupa on create",
                Assigned::CreatedAt => "set by Coupa when the object is created",
                Assigned::UpdatedAt => "set by Coupa on every write",
                Assigned::CreatedBy => "the user who created the object, set by Coupa",
                Assigned::UpdatedBy => "the user who last wrote the object, set by Coupa",
                Assigned::Sequence => "assigned by Coupa in increasing order",
            }
            .to_owned(),
        );
    }
    s.push_str("\n\n");
    s.push_str(&facts.join("; "));
    s.push('.');
    if let Some(n) = &f.note {
        s.push_str("\n\nSchema note: ");
        s.push_str(&doc_escape(n));
    }
    s
}

fn emit_enum(t: &TypeDef, f: &Field, a: &Allowed) -> TokenStream {
    let name = ident(&a.rust);
    let doc = doc_attr(&format!(
        "The allowed values of [`{}::{}`](#structfield.{}) (`{}`). A value Coupa adds later is kept in `Unknown`, exactly as sent.",
        crate::ident::bare(&t.rust),
        crate::ident::bare(&f.rust),
        crate::ident::bare(&f.rust),
        f.wire
    ));
    let variants = a.values.iter().map(|v| {
        let vn = ident(&v.rust);
        let d = doc_attr(&format!("`{}`", v.wire));
        quote! { #d #vn, }
    });
    let to_wire = a.values.iter().map(|v| {
        let vn = ident(&v.rust);
        let w = &v.wire;
        quote! { Self::#vn => #w, }
    });
    let from_wire = a.values.iter().map(|v| {
        let vn = ident(&v.rust);
        let w = &v.wire;
        quote! { #w => Self::#vn, }
    });
    let values = a.values.iter().map(|v| &v.wire);
    let case_sensitive = a.case_sensitive;
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            /// A value the schemas do not list, kept exactly as Coupa sent it (and rejected on input by validation).
            Unknown(String),
        }

        impl #name {
            /// The value as Coupa spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::Unknown(s) => s,
                }
            }
        }

        impl coupa_runtime::WireEnum for #name {
            const VALUES: &'static [&'static str] = &[#(#values),*];
            const CASE_SENSITIVE: bool = #case_sensitive;

            fn as_wire(&self) -> &str {
                self.as_str()
            }

            fn from_wire(s: &str) -> Self {
                match s {
                    #(#from_wire)*
                    other => Self::Unknown(other.to_owned()),
                }
            }

            fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                coupa_runtime::wire::serialize_enum(self, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                coupa_runtime::wire::deserialize_enum(deserializer)
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            // Not `Self::Err`: an allowed value `err` makes a variant `Err`, and `Self::Err`
            // would then be ambiguous (a hard error, `ambiguous_associated_items`).
            fn from_str(s: &str) -> Result<Self, std::convert::Infallible> {
                Ok(<Self as coupa_runtime::WireEnum>::from_wire(s))
            }
        }
    }
}
