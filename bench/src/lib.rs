//! coupa-bench: what the benchmarks of `cargo xtask bench` share.
//!
//! - [`synth`]: synthetic schema sets of any number of resources;
//! - [`data`]: the integration runs the decoding benches read, in JSON and XML;
//! - [`baseline`]: the hand-written serde structs the generated models are measured against;
//! - [`phases`]: the generator's stages one at a time (load, check, emit, format);
//! - [`alloc`]: a counting global allocator for the bench binaries that count allocations;
//! - [`mock`]: `coupa mock` in a process of its own, for the client benches.
//!
//! The benches themselves are in `benches/` (divan, `harness = false`); `cargo xtask bench` runs
//! them and writes `BENCHMARKS.md`.

pub mod alloc;
pub mod baseline;
pub mod data;
pub mod mock;
pub mod phases;
pub mod synth;

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ sits in the workspace")
        .to_path_buf()
}

/// The real schemas (`schema/`), as (display path, text).
pub fn real_schemas() -> Vec<(PathBuf, String)> {
    let root = root();
    coupa_codegen::load::read_dir(&root.join("schema"), &root).expect("schema/ reads")
}

/// A schema set by name: `real` (the files in `schema/`), or a number of synthetic resources.
pub fn schema_set(name: &str) -> Vec<(PathBuf, String)> {
    match name {
        "real" => real_schemas(),
        n => synth::schemas(n.parse().expect("`real` or a number of resources")),
    }
}

/// The environment variable that makes a bench binary run one workload under [`profile_target`]
/// and exit, instead of benchmarking: `COUPA_BENCH_PROFILE=<bench name>`.
pub const PROFILE_ENV: &str = "COUPA_BENCH_PROFILE";

/// Runs `f` three times. Never inlined, so that callgrind can collect exactly this call:
/// `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*profile_target*'`.
#[inline(never)]
pub fn profile_target(f: &dyn Fn()) {
    for _ in 0..3 {
        f();
    }
}
