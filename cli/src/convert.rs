//! `coupa convert RESOURCE FILE --to json|xml`.

use std::io::Write;
use std::path::Path;

use coupa_runtime::Format;

use crate::{names, payload};

/// Converts a payload file; 2 when it cannot be read or written.
pub fn run(
    out: &mut impl Write,
    resource: &str,
    file: &Path,
    to: Format,
    format: Option<Format>,
) -> u8 {
    let r = match names::resource(resource) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let shown = file.display();
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{shown}: cannot read the file: {e}");
            return 2;
        }
    };
    let from = payload::format_of(file, format);
    match payload::convert(r, from, &bytes, to) {
        Ok(converted) => {
            let _ = out.write_all(&converted);
            0
        }
        Err(e) => {
            eprintln!("{shown}: {e}");
            2
        }
    }
}
