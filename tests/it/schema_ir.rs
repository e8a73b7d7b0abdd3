//! The IR of the real schemas, as a snapshot: a change to any YAML shows up as a reviewable diff.
//! And the generator's output does not depend on the order the files come in, nor on the
//! process's hash seeds.

use std::collections::BTreeSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;

use coupa_codegen::emit::GeneratedFile;
use coupa_codegen::output;
use coupa_tests::root;

#[test]
fn real_schemas_compile_without_diagnostics() {
    // What they compile to (types, resources, every action and route) is pinned by the `ir`
    // snapshot below.
    coupa_codegen::compile_dir(&root().join("schema")).unwrap_or_else(|f| panic!("{}", f.render()));
}

#[test]
fn ir_snapshot() {
    let ir = coupa_codegen::compile_dir(&root().join("schema"))
        .unwrap_or_else(|f| panic!("{}", f.render()));
    insta::assert_json_snapshot!("ir", ir);
}

/// The schema sources in the orders the determinism test feeds them in: as listed (sorted by
/// path), reversed, rotated, and a few fixed shuffles (sorted by a hash with fixed keys).
fn orders(sources: &[(PathBuf, String)]) -> Vec<(String, Vec<(PathBuf, String)>)> {
    let mut out = vec![("sorted".to_owned(), sources.to_vec())];
    let mut reversed = sources.to_vec();
    reversed.reverse();
    out.push(("reversed".to_owned(), reversed));
    let mut rotated = sources.to_vec();
    rotated.rotate_left(sources.len() / 2);
    out.push(("rotated".to_owned(), rotated));
    for seed in 0..2u64 {
        let mut shuffled = sources.to_vec();
        shuffled.sort_by_cached_key(|(path, _)| {
            // `DefaultHasher::new()` has fixed keys: the same shuffle on every run.
            let mut h = DefaultHasher::new();
            (seed, path).hash(&mut h);
            h.finish()
        });
        out.push((format!("shuffle {seed}"), shuffled));
    }
    out
}

/// What one compilation gives: the IR (as JSON) and every output file.
struct Compiled {
    ir: String,
    files: Vec<GeneratedFile>,
}

/// Compiles the sources in the order given (`name` says which) and emits every output.
fn compile(name: &str, order: Vec<(PathBuf, String)>) -> Compiled {
    let ir = coupa_codegen::compile_sources(order)
        .unwrap_or_else(|f| panic!("{name} order: the schemas fail:\n{}", f.render()));
    let files = output::outputs_of(&ir).unwrap_or_else(|e| panic!("{name} order: {e}"));
    Compiled {
        ir: serde_json::to_string_pretty(&ir).expect("the IR serializes"),
        files,
    }
}

/// Compiling twice in one process, in the same order, proves little. Here each compilation gets
/// the schema files in another order (a directory listing's order is the file system's: sorted
/// on one machine, by hash or creation on another) and runs on a thread of its own (std gives
/// every thread fresh random hash keys, so a `HashMap`'s iteration order leaking into the output
/// differs between them), and the whole output is compared: the IR, and every generated file
/// against the committed one, which `cargo xtask gen` wrote in another process, maybe on another
/// machine.
#[test]
fn ir_is_deterministic() {
    let root = root();
    let sources = coupa_codegen::load::read_dir(&root.join("schema"), &root)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(sources.len() > 2, "too few schema files to reorder");
    let runs: Vec<(String, Compiled)> = std::thread::scope(|s| {
        let handles: Vec<_> = orders(&sources)
            .into_iter()
            .map(|(name, order)| {
                let run = s.spawn({
                    let name = name.clone();
                    move || compile(&name, order)
                });
                (name, run)
            })
            .collect();
        handles
            .into_iter()
            .map(|(name, h)| {
                let run = h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
                (name, run)
            })
            .collect()
    });
    let mut runs = runs.into_iter();
    let (first, want) = runs.next().expect("at least one order");
    for (name, Compiled { ir, files }) in runs {
        assert!(
            ir == want.ir,
            "the IR compiled from the files in {name} order differs from the IR of the {first} order"
        );
        let differ: BTreeSet<&str> = files
            .iter()
            .filter(|f| !want.files.contains(f))
            .chain(want.files.iter().filter(|f| !files.contains(f)))
            .map(|f| f.path.as_str())
            .collect();
        assert!(
            differ.is_empty(),
            "with the files in {name} order, these outputs differ from the {first} order's: {differ:?}"
        );
    }
    let report = output::sync(&root, &want.files, true).expect("check mode");
    assert!(
        report.is_clean(),
        "the output differs from the committed files, which `cargo xtask gen` wrote in another \
         process: stale (run `cargo xtask gen`), or the output depends on the process\n\
         differs: {:?}\nnot generated: {:?}",
        report.written,
        report.removed
    );
}
