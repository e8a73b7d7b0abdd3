//! The IR of the real schemas: a snapshot of the types people decided something about, checks of
//! the whole, and determinism.
//!
//! At Coupa's size (the R39 import: over 300 types and 800 routes) a snapshot of the whole IR
//! would be hundreds of thousands of lines that every import rewrites: nobody would read its
//! diffs. So the snapshot `ir` pins the IR of a fixed, named set of types,
//! [`coupa_tests::PINNED_TYPES`]: every type an override file changes (checked here, so a new
//! override file cannot go unpinned), every hand-written type, and the resources whose golden
//! payloads the tests rely on. A change to an override, a hand-written file or those resources'
//! imported facts shows up as a reviewable diff of one line per element and per action.
//!
//! For every other type, [`the_whole_ir_hangs_together`] asserts what could break without a
//! snapshot noticing, with every count computed from the IR (none written here): every type is
//! generated as a model in its module, every route has a request type and is in the registry
//! with its method, path and scope, every resource is in the registry with its routes, every
//! Core route has a scope.
//!
//! And the generator's output does not depend on the order the files come in, nor on the
//! process's hash seeds ([`ir_is_deterministic`]).

use std::collections::BTreeSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::OnceLock;

use coupa_codegen::emit::GeneratedFile;
use coupa_codegen::ir::{Host, Ir, TypeDef};
use coupa_codegen::output;
use coupa_tests::{PINNED_TYPES, overridden_types, root};
use serde_json::Value;

fn ir() -> &'static Ir {
    static IR: OnceLock<Ir> = OnceLock::new();
    IR.get_or_init(|| {
        coupa_codegen::compile_dir(&root().join("schema"))
            .unwrap_or_else(|f| panic!("{}", f.render()))
    })
}

#[test]
fn real_schemas_compile_without_diagnostics() {
    // What the pinned types compile to is in the `ir` snapshot below; the rest is checked by
    // `the_whole_ir_hangs_together`.
    ir();
}

/// One line of compact JSON, without the keys whose value is `null`, `false`, `[]` or `{}`
/// (absent means that), so that a line shows what is set.
fn line(v: &Value) -> String {
    fn strip(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), strip(v)))
                    .filter(|(_, v)| match v {
                        Value::Null | Value::Bool(false) => false,
                        Value::Array(a) => !a.is_empty(),
                        Value::Object(o) => !o.is_empty(),
                        _ => true,
                    })
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string(&strip(v)).expect("JSON")
}

/// A type's IR, one line per element and per action: the type's own facts, then `element` lines,
/// then the resource's facts and `action` lines. Nothing set in the IR is left out.
fn render(t: &TypeDef, out: &mut Vec<String>) {
    let Value::Object(mut ty) = serde_json::to_value(t).expect("the IR serializes") else {
        unreachable!("a type serializes as an object")
    };
    let fields = ty.remove("fields").unwrap_or_default();
    let resource = ty.remove("resource").unwrap_or_default();
    out.push(format!("type {}", line(&Value::Object(ty))));
    for f in fields.as_array().into_iter().flatten() {
        out.push(format!("  element {}", line(f)));
    }
    if let Value::Object(mut r) = resource {
        let actions = r.remove("actions").unwrap_or_default();
        out.push(format!("  resource {}", line(&Value::Object(r))));
        for a in actions.as_array().into_iter().flatten() {
            out.push(format!("    action {}", line(a)));
        }
    }
}

#[test]
fn every_overridden_type_is_pinned() {
    let pinned: BTreeSet<&str> = PINNED_TYPES.iter().copied().collect();
    let overridden = overridden_types();
    assert!(!overridden.is_empty(), "no override file found");
    for name in &overridden {
        assert!(
            pinned.contains(name.as_str()),
            "`{name}` has an override file in schema/overrides/: add it to coupa_tests::PINNED_TYPES"
        );
    }
    // Hand-written types (outside schema/imported/) too.
    for t in &ir().types {
        if !t.file.starts_with("schema/imported/") {
            assert!(
                pinned.contains(t.name.as_str()),
                "`{}` is hand-written ({}): add it to coupa_tests::PINNED_TYPES",
                t.name,
                t.file
            );
        }
    }
}

#[test]
fn ir_snapshot() {
    let ir = ir();
    let mut out = Vec::new();
    if let Some(release) = &ir.release {
        out.push(format!(
            "release {}",
            line(&serde_json::to_value(release).expect("JSON"))
        ));
    }
    for name in PINNED_TYPES {
        let t = ir
            .get(name)
            .unwrap_or_else(|| panic!("`{name}` of PINNED_TYPES is not in schema/"));
        render(t, &mut out);
    }
    insta::assert_snapshot!("ir", out.join("\n"));
}

/// What holds for every type and route, pinned or not. Every count is computed from the IR.
#[test]
fn the_whole_ir_hangs_together() {
    let ir = ir();
    let files = output::outputs_of(ir).unwrap_or_else(|e| panic!("{e}"));
    let file = |module: &str| {
        let path = format!("generated/src/{module}.rs");
        files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.contents.as_str())
            .unwrap_or_else(|| panic!("no {path}"))
    };

    // Every type is a model in its module: a struct, or a type alias for an open shape.
    let mut modules = BTreeSet::new();
    for t in &ir.types {
        assert!(
            modules.insert(t.module.as_str()),
            "two types in `{}`",
            t.module
        );
        let code = file(&t.module);
        let model = if t.open {
            format!("pub type {} =", t.rust)
        } else {
            format!("pub struct {} {{", t.rust)
        };
        assert!(code.contains(&model), "{}: no `{model}`", t.module);
    }
    // ... and nothing else is generated: one module per type, the crate root and the registry.
    let generated: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.path.strip_prefix("generated/src/"))
        .filter_map(|p| p.strip_suffix(".rs"))
        .filter(|m| !matches!(*m, "lib" | "registry"))
        .collect();
    assert_eq!(generated, modules, "one generated module per type");

    // Every route has a request type in its resource's module, and is in the registry with its
    // method, path, host and scope; every Core route has a scope, no CSO route has one.
    let registry = coupa_api::registry::RESOURCES;
    assert_eq!(
        registry.len(),
        ir.resources().count(),
        "every resource is in the registry"
    );
    for (t, r) in ir.resources() {
        let code = file(&t.module);
        let entry = registry
            .iter()
            .find(|e| e.name == r.name)
            .unwrap_or_else(|| panic!("`{}` is not in the registry", r.name));
        assert_eq!(entry.type_name(), t.name, "{}", r.name);
        assert_eq!(entry.routes.len(), r.actions.len(), "{}: routes", r.name);
        for a in &r.actions {
            let endpoint = format!("impl Endpoint for {} {{", a.rust_type);
            assert!(
                code.contains(&endpoint),
                "{} {}: no request type (`{endpoint}`)",
                r.name,
                a.name
            );
            let route = entry
                .action(&a.name)
                .unwrap_or_else(|| panic!("{} {}: not in the registry", r.name, a.name));
            assert_eq!(
                (route.method, route.path, route.host, route.kind),
                (a.method, a.path.as_str(), a.host, a.kind),
                "{} {}",
                r.name,
                a.name
            );
            assert_eq!(route.scope, a.scope.as_deref(), "{} {}", r.name, a.name);
            match a.host {
                Host::Core => assert!(a.scope.is_some(), "{} {}: no scope", r.name, a.name),
                Host::Cso => assert!(a.scope.is_none(), "{} {}: a CSO scope", r.name, a.name),
            }
        }
    }
    assert_eq!(
        registry.iter().map(|r| r.routes.len()).sum::<usize>(),
        ir.routes().count(),
        "every route is in the registry"
    );
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
