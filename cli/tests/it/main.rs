//! The integration tests of the `coupa` binary, one module per suite, in one test binary: the
//! generated crate is linked once, not once per suite. Each test runs the binary in a process of
//! its own, with its files in a temporary directory of its own.
//!
//! Run one suite with `cargo test -p coupa-cli --test it -- wire::`.

mod cli;
mod completions;
mod faults;
mod malformed;
mod mock_process;
mod profiles;
mod progress;
mod remote;
mod wire;
// Shared with coupa-tests, whose wire suite compares XML the same way.
#[path = "../../../tests/it/xml_tree.rs"]
mod xml_tree;

use std::process::{Command, Output};

/// Runs `coupa` with these arguments and waits for it.
fn coupa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coupa"))
        .args(args)
        .output()
        .expect("the binary runs")
}
