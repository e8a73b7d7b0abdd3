//! The generator, in process, stage by stage, on the real schemas and on synthetic sets of 50
//! and 500 resources (20 elements and 8 actions each; see `coupa_bench::synth`).
//!
//! - `load`: YAML texts to positioned trees (`coupa_codegen::load::parse_all`);
//! - `check`: checking and lowering to the IR (`coupa_codegen::check::lower`);
//! - `load_check`: both, through the public entry point (`coupa_codegen::compile_sources`);
//! - `emit`: the IR to token streams (the public emitters, as `generate` calls them);
//! - `format_parse` and `format_unparse`: `syn::parse2` and `prettyplease::unparse` of those
//!   tokens, the two halves of formatting;
//! - `generate`: `coupa_codegen::emit::generate`, emit and format together, as `cargo xtask gen`;
//! - `diagnostics`: loading, checking and rendering a file with 2,000 and 20,000 misspelt keys
//!   (`coupa_bench::synth::misspelt`), every one reported with its snippet.
//!
//! The bench runs with mimalloc, the allocator of `cargo xtask`.
//!
//! Run: `cargo bench -p coupa-bench --bench generator`.

use coupa_bench::{phases, schema_set};
use divan::Bencher;

/// The allocator `cargo xtask gen` runs with (see `xtask/src/main.rs`), so the figures are those
/// of the command.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SETS: &[&str] = &["real", "50", "500"];

fn main() {
    for set in SETS {
        let sources = schema_set(set);
        let ir = phases::check(&phases::load(sources.clone()));
        let (lines, bytes) = phases::output_size(&ir);
        println!(
            "SIZE set={set} files={} yaml_bytes={} types={} resources={} rust_lines={lines} rust_bytes={bytes}",
            sources.len(),
            coupa_bench::synth::yaml_bytes(&sources),
            ir.types.len(),
            ir.resources().count(),
        );
    }
    divan::main();
}

#[divan::bench(args = SETS, sample_count = 10, sample_size = 1)]
fn load(bencher: Bencher, set: &str) {
    let sources = schema_set(set);
    bencher
        .with_inputs(|| sources.clone())
        .bench_local_values(phases::load);
}

#[divan::bench(args = SETS, sample_count = 10, sample_size = 1)]
fn check(bencher: Bencher, set: &str) {
    let files = phases::load(schema_set(set));
    bencher.bench_local(|| phases::check(&files));
}

#[divan::bench(args = SETS, sample_count = 10, sample_size = 1)]
fn load_check(bencher: Bencher, set: &str) {
    let sources = schema_set(set);
    bencher
        .with_inputs(|| sources.clone())
        .bench_local_values(|s| coupa_codegen::compile_sources(s).map_err(|_| "does not check"));
}

#[divan::bench(args = SETS, sample_count = 10, sample_size = 1)]
fn emit(bencher: Bencher, set: &str) {
    let ir = phases::check(&phases::load(schema_set(set)));
    bencher.bench_local(|| phases::tokens(&ir));
}

#[divan::bench(args = SETS, sample_count = 10, sample_size = 1)]
fn format_parse(bencher: Bencher, set: &str) {
    let ir = phases::check(&phases::load(schema_set(set)));
    let tokens = phases::tokens(&ir);
    bencher
        .with_inputs(|| tokens.clone())
        .bench_local_values(phases::parse);
}

#[divan::bench(args = SETS, sample_count = 10, sample_size = 1)]
fn format_unparse(bencher: Bencher, set: &str) {
    let ir = phases::check(&phases::load(schema_set(set)));
    let files = phases::parse(phases::tokens(&ir));
    bencher.bench_local(|| phases::unparse(&files));
}

#[divan::bench(args = SETS, sample_count = 10, sample_size = 1)]
fn generate(bencher: Bencher, set: &str) {
    let ir = phases::check(&phases::load(schema_set(set)));
    bencher.bench_local(|| coupa_codegen::emit::generate(&ir).expect("generates"));
}

/// How many misspelt keys the `diagnostics` bench reports.
const PROBLEMS: &[usize] = &[2_000, 20_000];

#[divan::bench(args = PROBLEMS, sample_count = 5, sample_size = 1)]
fn diagnostics(bencher: Bencher, n: usize) {
    let sources = coupa_bench::synth::misspelt(n);
    bencher
        .with_inputs(|| sources.clone())
        .bench_local_values(|s| {
            let failure = coupa_codegen::compile_sources(s).expect_err("every key is misspelt");
            assert_eq!(failure.diagnostics.len(), n);
            failure.render().len()
        });
}
