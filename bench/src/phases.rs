//! The generator's stages one at a time, through codegen's public API only.
//!
//! `coupa_codegen::emit::generate` emits and formats together. Its emitters are public (one per
//! kind of output: `models`, `validators`, `query`, `endpoints`, `registry`), so the token
//! generation is reproduced here by calling them for every type, exactly as `generate` does, and
//! the formatting is `syn::parse2` + `prettyplease::unparse` on those tokens, as `generate` does
//! for each file. Left out: the crate's `lib.rs` and the module doc comments (a few lines per
//! type); [`tokens`] + [`format()`] is checked against `generate` in the tests and in the report.

use coupa_codegen::diag::Diagnostics;
use coupa_codegen::emit;
use coupa_codegen::ir::Ir;
use coupa_codegen::load::LoadedFile;
use proc_macro2::TokenStream;
use std::path::PathBuf;

/// Stage 1: parse the YAML texts, and apply the overrides and scopes to them.
pub fn load(sources: Vec<(PathBuf, String)>) -> Vec<LoadedFile> {
    let mut diags = Diagnostics::default();
    let mut files = coupa_codegen::load::parse_all(sources, &mut diags);
    coupa_codegen::overlay::apply(&mut files, &mut diags);
    assert!(diags.is_empty(), "the schemas do not load");
    files
}

/// Stage 2: check and lower to the IR.
pub fn check(files: &[LoadedFile]) -> Ir {
    let mut diags = Diagnostics::default();
    let ir = coupa_codegen::check::lower(files, &mut diags);
    assert!(diags.is_empty(), "the schemas do not check");
    ir.expect("an IR")
}

/// Stage 3: the token streams of every module and of the registry, unformatted.
pub fn tokens(ir: &Ir) -> Vec<TokenStream> {
    let mut out: Vec<TokenStream> = ir
        .types
        .iter()
        .map(|t| {
            let mut ts = emit::models::emit(ir, t);
            ts.extend(emit::validators::emit(ir, t));
            ts.extend(emit::query::emit(ir, t));
            ts.extend(emit::endpoints::emit(ir, t));
            ts
        })
        .collect();
    out.push(emit::registry::emit(ir));
    out
}

/// Stage 4a: the token streams parsed into syntax trees (the first half of formatting).
pub fn parse(tokens: Vec<TokenStream>) -> Vec<syn::File> {
    tokens
        .into_iter()
        .map(|t| syn::parse2(t).expect("the emitted tokens parse"))
        .collect()
}

/// Stage 4b: the syntax trees printed by prettyplease (the second half of formatting).
pub fn unparse(files: &[syn::File]) -> usize {
    files.iter().map(|f| prettyplease::unparse(f).len()).sum()
}

/// Stages 4a and 4b together: returns the bytes of formatted Rust.
pub fn format(tokens: Vec<TokenStream>) -> usize {
    unparse(&parse(tokens))
}

/// Lines and bytes of the generated crate for a schema set (as `generate` writes it).
pub fn output_size(ir: &Ir) -> (usize, usize) {
    let files = emit::generate(ir).expect("generates");
    (
        files.iter().map(|f| f.contents.lines().count()).sum(),
        files.iter().map(|f| f.contents.len()).sum(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stages_reproduce_generate() {
        let ir = check(&load(crate::real_schemas()));
        let staged = format(tokens(&ir));
        let (_, generated) = output_size(&ir);
        // `generate` adds lib.rs, Cargo.toml, headers and module docs: a few percent.
        assert!(
            staged <= generated && staged * 100 >= generated * 85,
            "staged {staged} bytes, generate {generated} bytes"
        );
    }
}
