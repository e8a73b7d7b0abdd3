//! The schema loader on arbitrary text: it answers every input with an IR or diagnostics, never a
//! panic, a hang or a stack overflow, and every diagnostic renders.
#![no_main]

use std::path::PathBuf;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    match coupa_codegen::compile_sources(vec![(PathBuf::from("schema/fuzz.yaml"), text)]) {
        Ok(ir) => {
            // A schema that loads must also generate.
            let _ = coupa_codegen::emit::generate(&ir);
        }
        Err(f) => {
            assert!(!f.diagnostics.is_empty(), "a failure without a diagnostic");
            let _ = f.render();
        }
    }
});
