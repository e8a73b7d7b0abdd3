//! The public surface of the generated crate for the real schemas: every model with its fields
//! and their Rust types, every enum with its variants, every request with its route and response
//! type, every server trait with its methods. A change to a schema shows up as a short,
//! reviewable diff of the API users see (the full code is in generated/, checked by
//! tests/it/generated_fresh.rs).
//!
//! The snapshot holds the modules of [`coupa_tests::PINNED_TYPES`] only: the types that overrides
//! change, the hand-written ones and the resources with golden payloads (see its documentation
//! for why). The surface of the whole crate (Coupa's R39 API: over 300 modules, over 800 requests)
//! would be a snapshot tens of thousands of lines long that every import rewrites. For every
//! module, the test asserts instead what could break unseen, with the counts computed from the
//! IR: every type has its model, every route its request type, every resource its server trait.

use std::collections::BTreeSet;

use coupa_tests::{PINNED_TYPES, root};
use quote::ToTokens;

fn tokens(t: &impl ToTokens) -> String {
    t.to_token_stream()
        .to_string()
        .replace(" :: ", "::")
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& ", "&")
        .replace(" : ", ": ")
        .replace(" (", "(")
        .replace(",)", ")")
        .replace(",>", ">")
}

/// Method, host and scope of a `Route::new(...)` expression, as `POST Core Some("scope")`.
fn route(expr: &syn::Expr) -> Vec<String> {
    let text = tokens(expr);
    let after = |marker: &str| {
        text.split(marker).nth(1).map(|rest| {
            rest.split([',', ')', ' '])
                .next()
                .unwrap_or_default()
                .to_owned()
        })
    };
    let method = after("Method::").unwrap_or_default().to_uppercase();
    let host = after("host(Host::").unwrap_or_else(|| "Core".to_owned());
    let scope = match text
        .split("scope(\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
    {
        Some(s) => format!("Some(\"{s}\")"),
        None => "None".to_owned(),
    };
    vec![method, host, scope]
}

/// The wire name of each field of a struct, from its `coupa_runtime::wire_struct!(Type, "wire",
/// field = "name" | "alias", ...)` invocation.
fn wire_names(file: &syn::File, ty: &syn::Ident) -> Vec<(String, String)> {
    use syn::punctuated::Punctuated;
    let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
    let args = file.items.iter().find_map(|item| match item {
        syn::Item::Macro(m)
            if m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "wire_struct") =>
        {
            let args = m.mac.parse_body_with(parser).ok()?;
            let first = args.first().map(tokens);
            (first.as_deref() == Some(ty.to_string().as_str())).then_some(args)
        }
        _ => None,
    });
    let mut names = Vec::new();
    for arg in args.iter().flatten() {
        let syn::Expr::Assign(a) = arg else { continue };
        let mut name = &*a.right;
        // `"name" | "alias"`: the wire name is the leftmost.
        while let syn::Expr::Binary(b) = name {
            name = &b.left;
        }
        if let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(w),
            ..
        }) = name
        {
            names.push((tokens(&a.left), w.value()));
        }
    }
    names
}

fn surface(module: &str, file: &syn::File, out: &mut Vec<String>) {
    for item in &file.items {
        match item {
            syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                out.push(format!("struct {module}::{}", s.ident));
                let wires = wire_names(file, &s.ident);
                for f in &s.fields {
                    let name = f
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    let wire = wires.iter().find(|(n, _)| *n == name).map(|(_, w)| w);
                    match wire {
                        Some(w) => out.push(format!("    {name}: {}  // \"{w}\"", tokens(&f.ty))),
                        None => out.push(format!("    {name}: {}", tokens(&f.ty))),
                    }
                }
            }
            syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                let variants: Vec<String> = e
                    .variants
                    .iter()
                    .map(|v| match &v.fields {
                        syn::Fields::Unit => v.ident.to_string(),
                        other => format!("{}{}", v.ident, tokens(other)),
                    })
                    .collect();
                out.push(format!(
                    "enum {module}::{} {{ {} }}",
                    e.ident,
                    variants.join(", ")
                ));
            }
            syn::Item::Type(t) if matches!(t.vis, syn::Visibility::Public(_)) => {
                out.push(format!("type {module}::{} = {}", t.ident, tokens(&t.ty)));
            }
            syn::Item::Trait(t) if matches!(t.vis, syn::Visibility::Public(_)) => {
                out.push(format!("trait {module}::{}", t.ident));
                for i in &t.items {
                    if let syn::TraitItem::Fn(f) = i {
                        out.push(format!(
                            "    fn {}({}) -> {}",
                            f.sig.ident,
                            tokens(&f.sig.inputs),
                            tokens(&f.sig.output).trim_start_matches("-> ")
                        ));
                    }
                }
            }
            syn::Item::Impl(i) => {
                let is_endpoint = i
                    .trait_
                    .as_ref()
                    .is_some_and(|(p, _)| p.segments.last().is_some_and(|s| s.ident == "Endpoint"));
                if !is_endpoint {
                    continue;
                }
                let mut response = String::new();
                let mut consts = Vec::new();
                for it in &i.items {
                    match it {
                        syn::ImplItem::Type(t) if t.ident == "Response" => response = tokens(&t.ty),
                        syn::ImplItem::Const(c) if c.ident == "ROUTE" => consts = route(&c.expr),
                        _ => {}
                    }
                }
                out.push(format!(
                    "endpoint {module}::{} [{}] -> {response}",
                    tokens(&i.self_ty),
                    consts.join(" ")
                ));
            }
            _ => {}
        }
    }
}

#[test]
fn the_generated_api_for_the_real_schemas() {
    let files = coupa_codegen::output::outputs(&root()).unwrap_or_else(|e| panic!("{e}"));
    let ir = coupa_codegen::compile_dir(&root().join("schema"))
        .unwrap_or_else(|f| panic!("{}", f.render()));
    let pinned: BTreeSet<&str> = PINNED_TYPES
        .iter()
        .map(|name| {
            ir.get(name)
                .unwrap_or_else(|| panic!("`{name}` of PINNED_TYPES is not in schema/"))
                .module
                .as_str()
        })
        .collect();
    let mut all = Vec::new();
    let mut snapshot = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.path.starts_with("generated/src/") && f.path.ends_with(".rs"))
    {
        let module = f
            .path
            .trim_start_matches("generated/src/")
            .trim_end_matches(".rs");
        let file = syn::parse_file(&f.contents).unwrap_or_else(|e| panic!("{}: {e}", f.path));
        let mut out = Vec::new();
        surface(module, &file, &mut out);
        if pinned.contains(module) {
            snapshot.extend(out.iter().cloned());
        }
        all.extend(out);
    }
    let count = |prefix: &str| all.iter().filter(|l| l.starts_with(prefix)).count();

    // Every route has a request type (the routes of the pinned types are in the IR snapshot; the
    // registry's agreement with the IR is checked by schema_ir::the_whole_ir_hangs_together).
    assert_eq!(
        count("endpoint "),
        ir.routes().count(),
        "every route has a request type"
    );
    // Every type has its model: a struct, or a type alias for an open shape. Other public structs
    // are the requests (one per route), the query builders (one per type) and the multipart
    // forms; other aliases are none.
    let models: Vec<String> = ir
        .types
        .iter()
        .map(|t| {
            if t.open {
                format!("type {}::{} = ", t.module, t.rust)
            } else {
                format!("struct {}::{}", t.module, t.rust)
            }
        })
        .collect();
    for m in &models {
        assert!(
            all.iter()
                .any(|l| l == m || (l.starts_with(m.as_str()) && m.starts_with("type "))),
            "no model `{m}`"
        );
    }
    assert_eq!(
        count("type "),
        ir.types.iter().filter(|t| t.open).count(),
        "the only type aliases are the open shapes"
    );
    // Every resource has its server trait.
    for (t, r) in ir.resources() {
        let service = format!("trait {}::{}", t.module, r.service);
        assert!(all.contains(&service), "no `{service}`");
    }
    assert_eq!(
        count("trait "),
        ir.resources().count(),
        "one trait per resource"
    );

    insta::assert_snapshot!("api_surface", snapshot.join("\n"));
}
