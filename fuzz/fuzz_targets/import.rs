//! The importer on arbitrary input: a Swagger file and a reference page built from the same bytes
//! (split at the first NUL) are read into a release, or refused with an error that says where and
//! why; never a panic, a hang or a stack overflow. What is read is also written (the YAML files
//! and the report), as `cargo xtask import` would.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (swagger, page) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let swagger = vec![("Core_Platform_API.json".to_owned(), swagger.to_vec())];
    let pages = vec![("0001-Fuzz_API.md".to_owned(), page.to_vec())];
    match coupa_import::Release::from_sources(&swagger, &pages) {
        Ok(release) => {
            let _ = release.outputs();
        }
        Err(e) => assert!(!e.message.is_empty(), "an error without a message"),
    }
});
