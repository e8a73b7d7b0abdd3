//! Models: a struct per shape, read and written under Coupa's wire names by
//! `coupa_runtime::wire_struct!`, an alias per open shape, an enum
//! per element with allowed values, and the shape's element table (`SHAPE`), where every rule of
//! the page's table is stated once for the validators, `Preserved` and the registry.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attr, doc_escape, field_type, ident, type_ref};
use crate::ir::{Allowed, Assigned, Field, FieldType, Ir, TypeDef};

/// The model of one type, its element table, and the enums of its elements.
pub fn emit(ir: &Ir, t: &TypeDef) -> TokenStream {
    let name = ident(&t.rust);
    let doc = doc_attr(&type_doc(t));
    let schema_name = &t.name;
    let wire = &t.wire_name;
    if t.open {
        return quote! {
            #doc
            pub type #name = serde_json::Map<String, serde_json::Value>;

            /// The shape of an open object: no elements are described.
            pub static SHAPE: Shape = Shape::open(#schema_name, #wire);
        };
    }
    let fields = t.fields.iter().map(|f| {
        let fname = ident(&f.rust);
        let ty = field_type(ir, t, f);
        let doc = doc_attr(&field_doc(f));
        quote! {
            #doc
            pub #fname: #ty,
        }
    });
    let wire_names = t.fields.iter().map(|f| {
        let fname = ident(&f.rust);
        let w = &f.wire;
        let aliases = &f.aliases;
        quote! { #fname = #w #(| #aliases)* }
    });
    let enums = t
        .fields
        .iter()
        .filter_map(|f| f.allowed.as_ref().map(|a| emit_enum(t, f, a)));
    let elements = t.fields.iter().map(|f| element(ir, t, f));
    let shape_doc = doc_attr(&format!(
        "The elements of [`{}`] and their rules, in the order of the page's table.",
        crate::ident::bare(&t.rust)
    ));
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        coupa_runtime::wire_struct!(#name, #wire, #(#wire_names),*);

        #shape_doc
        pub static SHAPE: Shape = Shape::new(#schema_name, #wire, &[#(#elements),*]);

        impl coupa_runtime::Model for #name {
            const SHAPE: &'static Shape = &SHAPE;
        }

        #(#enums)*
    }
}

/// One entry of the element table: `Element::new("created-at", ElementKind::DateTime)` and a
/// call per rule that departs from the defaults (sent and returned, no other rule).
fn element(ir: &Ir, t: &TypeDef, f: &Field) -> TokenStream {
    let w = &f.wire;
    let mut e = match &f.ty {
        FieldType::Shape { name, .. } => {
            let shape = type_ref(ir, t, name, "SHAPE");
            quote! { Element::nested(#w, &#shape) }
        }
        ty => {
            let kind = ty.kind();
            quote! { Element::new(#w, #kind) }
        }
    };
    let mut call = |tokens: TokenStream| e = quote! { #e.#tokens };
    if f.list {
        call(quote! { list() });
    }
    if !f.aliases.is_empty() {
        let a = &f.aliases;
        call(quote! { aliases(&[#(#a),*]) });
    }
    if f.required {
        call(quote! { required() });
    }
    if !f.alternatives.is_empty() {
        let a = &f.alternatives;
        call(quote! { alternatives(&[#(#a),*]) });
    }
    if f.unique {
        call(quote! { unique() });
    }
    // The key names one object: a resource's `key`, and a shape's `id`, by which Coupa takes a
    // nested object as a reference to an existing one (`{"supplier": {"id": 5}}`).
    let key = match &t.resource {
        Some(r) => r.key.as_deref(),
        None => t.field("id").map(|_| "id"),
    };
    if key == Some(f.wire.as_str()) {
        call(quote! { key() });
    }
    if !f.api_in {
        call(quote! { output_only() });
    }
    if !f.api_out {
        call(quote! { input_only() });
    }
    if f.immutable {
        call(quote! { immutable() });
    }
    if let Some(a) = f.assigned {
        call(quote! { assigned(#a) });
    }
    if let Some(a) = &f.allowed {
        // The values are written once, in the enum's `WireEnum::VALUES`.
        let e = ident(&a.rust);
        call(quote! { allowed(<#e as coupa_runtime::WireEnum>::VALUES) });
    }
    if !f.int_allowed.is_empty() {
        let values = f.int_allowed.iter().map(|i| i.to_string());
        call(quote! { allowed(&[#(#values),*]) });
    }
    if let Some(n) = f.length {
        let n = proc_macro2::Literal::u32_unsuffixed(n);
        call(quote! { max_len(#n) });
    }
    if let Some((p, s)) = f.precision {
        let (p, s) = (
            proc_macro2::Literal::u8_unsuffixed(p),
            proc_macro2::Literal::u8_unsuffixed(s),
        );
        call(quote! { precision(#p, #s) });
    }
    e
}

fn type_doc(t: &TypeDef) -> String {
    let mut s = match &t.description {
        Some(d) => doc_escape(d),
        None => format!("Coupa's `{}` object.", t.name),
    };
    if t.open {
        s.push_str("\n\nCoupa leaves this object open: every key is kept as it arrives.");
    } else {
        s.push_str(&format!("\n\nOn the wire: `{}`.", t.wire_name));
    }
    s
}

/// The rustdoc of a field: the description (when the schema has one), then every rule of the
/// element.
pub fn field_doc(f: &Field) -> String {
    let mut s = f
        .description
        .as_deref()
        .map(|d| format!("{}\n\n", doc_escape(d)))
        .unwrap_or_default();
    let mut facts: Vec<String> = Vec::new();
    facts.push(format!("Wire name `{}`", f.wire));
    if !f.aliases.is_empty() {
        facts.push(format!("also read as {}", code_list(&f.aliases)));
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
                code_list(&f.alternatives)
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
    if let Some((p, sc)) = f.precision {
        facts.push(format!(
            "a decimal of at most {p} digits, {sc} after the point"
        ));
    }
    if !f.int_allowed.is_empty() {
        facts.push(format!(
            "allowed values {}",
            code_list(&f.int_allowed.iter().map(i64::to_string).collect::<Vec<_>>())
        ));
    }
    if let Some(a) = &f.allowed {
        let values: Vec<&str> = a.values.iter().map(|v| v.wire.as_str()).collect();
        facts.push(format!(
            "allowed values {}{}",
            code_list(&values),
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
    s.push_str(&facts.join("; "));
    s.push('.');
    if let Some(n) = &f.note {
        s.push_str("\n\nSchema note: ");
        s.push_str(&doc_escape(n));
    }
    s
}

/// `` `a`, `b` ``.
fn code_list<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|i| format!("`{}`", i.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn emit_enum(t: &TypeDef, f: &Field, a: &Allowed) -> TokenStream {
    let name = ident(&a.rust);
    let doc = doc_attr(&format!(
        "The allowed values of [`{}::{}`] (`{}`). A value Coupa adds later is kept in `Unknown`, exactly as sent.",
        crate::ident::bare(&t.rust),
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

        impl coupa_runtime::WireEnum for #name {
            const VALUES: &'static [&'static str] = &[#(#values),*];
            const CASE_SENSITIVE: bool = #case_sensitive;

            fn as_wire(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::Unknown(s) => s,
                }
            }

            fn from_wire(s: &str) -> Self {
                match s {
                    #(#from_wire)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        coupa_runtime::wire_enum_impls!(#name);
    }
}
