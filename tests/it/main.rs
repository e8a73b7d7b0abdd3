//! The cross-crate suites of coupa-tests, one module per suite, in one test binary: the generated
//! crate is linked once, not once per suite.
//!
//! Run one suite with `cargo test -p coupa-tests --test it -- <module>::` (`schema_corpus::`).
//! Its snapshots are in `snapshots/`, named `it__<module>__<name>.snap`.
//!
//! Nothing here may set process-wide state (environment variables, the current directory, a panic
//! hook): every suite runs in this one process, its tests on threads side by side. The counting
//! allocator of [`validation_alloc`] is the binary's global allocator, and counts only on the
//! thread that asked.

mod api_surface;
mod dependencies;
mod generated_fresh;
mod generator_fixtures;
mod golden;
mod malformed;
mod schema_corpus;
mod schema_fuzz;
mod schema_ir;
mod validation_alloc;
mod validation_rules;
mod wire;
mod wire_props;
mod xml_tree;
