//! The public surface of the generated crate for the real schemas, as an insta snapshot: every
//! model with its fields and their Rust types, every enum with its variants, every request with
//! its route and response type. A change to a schema shows up here as a short, reviewable diff of
//! the API users see (the full code is in generated/, checked by tests/it/generated_fresh.rs).

use coupa_tests::root;
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

fn surface(module: &str, file: &syn::File, out: &mut Vec<String>) {
    for item in &file.items {
        match item {
            syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                out.push(format!("struct {module}::{}", s.ident));
                // serde's `rename_all = "kebab-case"`: a field's wire name unless it says another.
                let kebab = s
                    .attrs
                    .iter()
                    .filter(|a| a.path().is_ident("serde"))
                    .any(|a| tokens(a).contains("rename_all = \"kebab-case\""));
                for f in &s.fields {
                    let name = f
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    let wire = f
                        .attrs
                        .iter()
                        .filter(|a| a.path().is_ident("serde"))
                        .map(tokens)
                        .find_map(|a| {
                            a.split("rename = \"")
                                .nth(1)
                                .and_then(|r| r.split('"').next())
                                .map(str::to_owned)
                        })
                        .or_else(|| kebab.then(|| name.trim_start_matches("r#").replace('_', "-")));
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
    let mut out = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.path.starts_with("generated/src/") && f.path.ends_with(".rs"))
    {
        let module = f
            .path
            .trim_start_matches("generated/src/")
            .trim_end_matches(".rs");
        let file = syn::parse_file(&f.contents).unwrap_or_else(|e| panic!("{}: {e}", f.path));
        surface(module, &file, &mut out);
    }
    // Every route has a request type (the routes themselves are pinned by the IR snapshot).
    let ir = coupa_codegen::compile_dir(&root().join("schema"))
        .unwrap_or_else(|f| panic!("{}", f.render()));
    assert_eq!(
        out.iter().filter(|l| l.starts_with("endpoint ")).count(),
        ir.routes().count(),
        "every route has a request type"
    );
    insta::assert_snapshot!("api_surface", out.join("\n"));
}
