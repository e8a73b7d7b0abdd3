//! The integration tests of the mock, one module per suite, in one test binary: the generated
//! crate is linked once, not once per suite. Every test starts a mock of its own on a loopback
//! port the system picks, so the suites run side by side.
//!
//! Run one suite with `cargo test -p coupa-mock --test it -- attack::`.

mod common;

mod actions;
mod attack;
mod concurrency;
mod faults;
mod routes;
mod security;
mod seeds;
