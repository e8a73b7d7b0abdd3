//! What a program that uses the generated crate compiles: no proc-macro (the models' serde comes
//! from `coupa_runtime::wire_struct!`, not a derive) and, without the `client` feature, no HTTP
//! or async crate. Read from `cargo tree` (offline, from the lock file).

use std::process::Command;

use coupa_tests::root;

/// The crates `cargo tree` lists for `coupa-api` with these features (normal and build
/// dependencies, the ones a user's build compiles).
fn tree(features: &str) -> Vec<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["tree", "--offline", "-p", "coupa-api", "-e", "normal,build"])
        .args(["--prefix", "none", "--features", features])
        .current_dir(root())
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

#[test]
fn the_models_compile_no_proc_macro_and_no_http_stack() {
    let crates = tree("full,registry");
    assert!(crates.iter().any(|c| c == "serde"), "{crates:?}");
    for banned in [
        "syn",
        "serde_derive",
        "proc-macro2",
        "reqwest",
        "hyper",
        "tokio",
    ] {
        assert!(
            !crates.iter().any(|c| c == banned),
            "`{banned}` is in coupa-api's tree: {crates:?}"
        );
    }
    // The client brings its HTTP stack, as it should.
    assert!(tree("client").iter().any(|c| c == "reqwest"));
}
