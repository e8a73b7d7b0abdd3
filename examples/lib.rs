//! Example programs of coupa-codegen (see `integration_run_workflow.rs`), and the end-to-end tests
//! of the client against the in-memory Coupa (`tests/e2e.rs`).
#![forbid(unsafe_code)]

/// The README's examples, compiled (and run where they can be) by `cargo test`, so they cannot go
/// stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;
