//! Every model's XML decoder (and the error-body reader) on arbitrary bytes.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::decode_everything(coupa_runtime::Format::Xml, data);
});
