//! Reading JSON with positions and bounded nesting.

use serde::de::DeserializeOwned;

use crate::format::{DecodeError, Format, MAX_DEPTH, bounded};

/// Refuses JSON whose arrays and objects nest deeper than [`MAX_DEPTH`], before serde_json's
/// recursive descent sees it. One pass over the bytes; strings (and the brackets in them) are
/// skipped: their first bytes one by one (most strings are keys and short values), the rest of a
/// long one with memchr. Malformed JSON is left for serde_json to report.
fn check_json_depth(bytes: &[u8]) -> Result<(), DecodeError> {
    let n = bytes.len();
    let mut depth = 0usize;
    let mut i = 0;
    while i < n {
        match bytes[i] {
            b'"' => match string_end(bytes, i + 1) {
                Some(end) => i = end,
                None => return Ok(()),
            },
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

/// The index of the quote that closes the string whose first byte is at `i`, if it is closed.
/// Its first 32 bytes are read eight at a time (most strings are keys and short values), the
/// rest of a long one with memchr.
#[inline]
fn string_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    let n = bytes.len();
    loop {
        let stop = (i + 32).min(n);
        let mut found = false;
        while i + 8 <= stop {
            let word = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("eight bytes"));
            if let Some(k) = quote_or_backslash(word) {
                i += k;
                found = true;
                break;
            }
            i += 8;
        }
        if !found {
            while i < stop && bytes[i] != b'"' && bytes[i] != b'\\' {
                i += 1;
            }
            if i == stop {
                i += memchr::memchr2(b'"', b'\\', bytes.get(i..)?)?;
            }
        }
        if bytes[i] == b'"' {
            return Some(i);
        }
        // A backslash: the next byte is escaped.
        i += 2;
        if i >= n {
            return None;
        }
    }
}

/// The offset of the first byte of `word` (read little-endian) that is `"` or `\`, if any: the
/// zero-byte test of "Bit Twiddling Hacks" on `word` xor each. A test can flag a byte above a
/// true match (a borrow), never one below it, so the lowest flag is exact.
#[inline]
fn quote_or_backslash(word: u64) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    let hits =
        ((quote.wrapping_sub(ONES) & !quote) | (backslash.wrapping_sub(ONES) & !backslash)) & HIGHS;
    (hits != 0).then(|| hits.trailing_zeros() as usize / 8)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time check the jumping one replaced, kept as the reference.
    fn by_bytes(bytes: &[u8]) -> Option<usize> {
        let (mut depth, mut i, mut in_str) = (0usize, 0, false);
        while i < bytes.len() {
            match (in_str, bytes[i]) {
                (true, b'\\') => i += 1,
                (true, b'"') => in_str = false,
                (true, _) => {}
                (false, b'"') => in_str = true,
                (false, b'[' | b'{') => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Some(i);
                    }
                }
                (false, b']' | b'}') => depth = depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
        }
        None
    }

    #[test]
    fn the_depth_check_agrees_with_a_byte_at_a_time_reading() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let mut cases: Vec<String> = vec![
            deep(MAX_DEPTH),
            deep(MAX_DEPTH + 1),
            format!(
                "{}\"[[[\\\"{{\"{}",
                "[".repeat(MAX_DEPTH - 1),
                "]".repeat(MAX_DEPTH)
            ),
            format!("]]]]{}", deep(MAX_DEPTH + 1)),
            format!("{{\"a\": \"\\\\\", \"b\": {}}}", deep(MAX_DEPTH)),
            "\"unterminated [[[".to_owned(),
            format!(
                "[\"{}\\\"{}\", [{}]]",
                "x".repeat(100),
                "é".repeat(40),
                "[".repeat(70)
            ),
            format!("{{\"{}\": {}}}", "k".repeat(31), deep(MAX_DEPTH)),
            "\"ends with a backslash \\".to_owned(),
            String::new(),
        ];
        let mut rng = fastrand_like(7);
        for _ in 0..2000 {
            let len = (rng() % 200) as usize;
            // Mostly plain bytes in some inputs, so that strings run long.
            let plain = (rng() % 4) as usize * 8;
            let s: String = (0..len)
                .map(|_| {
                    let k = (rng() % (8 + plain as u64)) as usize;
                    ['[', ']', '{', '}', '"', '\\', 'a', ',']
                        .get(k)
                        .copied()
                        .unwrap_or('b')
                })
                .collect();
            cases.push(format!("{}{s}", "[".repeat(MAX_DEPTH - 2)));
        }
        for c in &cases {
            let got = check_json_depth(c.as_bytes()).err().map(|e| e.column - 1);
            assert_eq!(got, by_bytes(c.as_bytes()), "{c:?}");
        }
    }

    /// A small xorshift, so the runtime needs no random-number crate for its tests.
    fn fastrand_like(seed: u64) -> impl FnMut() -> u64 {
        let mut x = seed;
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }
}
