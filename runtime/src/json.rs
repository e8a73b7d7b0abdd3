//! Reading JSON with positions and bounded nesting.

use serde::de::DeserializeOwned;

use crate::format::{DecodeError, Format, MAX_DEPTH, bounded};

/// Refuses JSON whose arrays and objects nest deeper than [`MAX_DEPTH`], before serde_json's
/// recursive descent sees it. One pass over the bytes; strings (and the brackets in them) are
/// skipped. Malformed JSON is left for serde_json to report.
fn check_json_depth(bytes: &[u8]) -> Result<(), DecodeError> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                // Jump through the string to its closing quote, a backslash at a time.
                i += 1;
                loop {
                    match memchr::memchr2(b'"', b'\\', &bytes[i.min(bytes.len())..]) {
                        Some(p) if bytes[i + p] == b'\\' => i += p + 2,
                        Some(p) => {
                            i += p;
                            break;
                        }
                        None => return Ok(()),
                    }
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(too_deep(bytes, i));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

#[cold]
fn too_deep(bytes: &[u8], i: usize) -> DecodeError {
    let before = &bytes[..i];
    let line = before.iter().filter(|c| **c == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|c| *c == b'\n')
        .map_or(0, |p| p + 1);
    DecodeError {
        format: Format::Json,
        line,
        // serde_json's columns: 1-based, in bytes.
        column: i - line_start + 1,
        path: None,
        message: format!("arrays and objects are nested more than {MAX_DEPTH} deep"),
    }
}

/// Reads one JSON value: nesting checked first, then serde_json, with the line, column and JSON
/// pointer of any problem.
pub(crate) fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    check_json_depth(bytes)?;
    serde_json::from_slice(bytes).map_err(|e| {
        // Only on the error path: a second read tells which value was being read.
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let path = match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(pe) => Some(json_pointer(pe.path())),
            Ok(_) => None,
        };
        DecodeError {
            format: Format::Json,
            // serde_json says column 0 at the start of a line (the end of a file that ends with
            // a newline): the first column of that line.
            line: e.line().max(1),
            column: e.column().max(1),
            path: path.map(bounded),
            message: bounded(strip_position(&e.to_string())),
        }
    })
}

/// The JSON pointer of a serde path, up to the first segment serde could not name (a key being
/// read when the input ended, say): the pointer names the value that holds the problem.
fn json_pointer(p: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in p.iter() {
        match seg {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => break,
        }
    }
    out
}

/// serde_json appends " at line L column C"; the error carries the position itself.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}
