//! The wire: reading and writing a payload in either [`Format`], with the position of any
//! problem. [`decode`] and [`encode`] dispatch to [`crate::json`] and [`crate::xml`]; the value
//! types and errors they use are re-exported here, where the generated code and most users look
//! for them.
//!
//! Inputs that are not errors, by decision (pinned by `tests/it/malformed.rs`):
//!
//! - An element of a model given twice is an error (`duplicate field`), in JSON and XML; an
//!   alias and its element are one element. In an open object (`flow`, `custom-fields`, ...)
//!   JSON keeps the last value of a repeated key, as serde_json and Ruby's JSON parser (Coupa's)
//!   do, while XML keeps every value of a repeated element, as a list, as Rails reads XML.
//! - An integer beyond `u64` in an open object reads as a float in JSON (serde_json's choice);
//!   XML refuses it. In a model's integer element anything beyond `i64` is an error.
//! - A JSON array where a model expects an object is an error (`invalid type: sequence, expected
//!   struct ...`), at the array; serde's derive would read it positionally, a field per item.
//!   In XML, an element with `type="array"` where an object is expected is an error too.

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use crate::format::{DecodeError, EncodeError, Format, MAX_DEPTH, MAX_MESSAGE_CHARS};
use crate::json::decode_json;
pub use crate::value::{
    DATE_MARKER, DATETIME_MARKER, DECIMAL_MARKER, Date, DateTime, Decimal, TIME_MARKER, Time,
    WireEnum, deserialize_enum, serialize_enum,
};

/// Reads one value.
pub fn decode<T: DeserializeOwned>(format: Format, bytes: &[u8]) -> Result<T, DecodeError> {
    match format {
        Format::Json => decode_json(bytes),
        Format::Xml => crate::xml::from_slice(bytes),
    }
}

/// Reads a list. Lenient where Coupa's pages are: a single object where a list is expected is a
/// list of one (the Delegations page shows its list action answering one object).
pub fn decode_list<T: DeserializeOwned>(
    format: Format,
    bytes: &[u8],
) -> Result<Vec<T>, DecodeError> {
    match format {
        Format::Json => {
            let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
            if first == Some(&b'{') {
                decode_json::<T>(bytes).map(|one| vec![one])
            } else {
                decode_json(bytes)
            }
        }
        Format::Xml => crate::xml::list_from_slice(bytes),
    }
}

/// Writes one value.
pub fn encode<T: Serialize + ?Sized>(format: Format, value: &T) -> Result<Vec<u8>, EncodeError> {
    match format {
        Format::Json => serde_json::to_vec(value).map_err(EncodeError::of),
        Format::Xml => crate::xml::to_vec(value).map_err(EncodeError::of),
    }
}

/// Writes a list under the plural root element Coupa uses in XML (`integration-runs`).
pub fn encode_list<T: Serialize>(
    format: Format,
    plural: &str,
    items: &[T],
) -> Result<Vec<u8>, EncodeError> {
    match format {
        Format::Json => serde_json::to_vec(items).map_err(EncodeError::of),
        Format::Xml => crate::xml::list_to_vec(plural, items).map_err(EncodeError::of),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::bounded;
    use serde::Deserialize;

    #[test]
    fn json_errors_say_where() {
        #[derive(Debug, Deserialize)]
        struct T {
            #[allow(dead_code)]
            a: Vec<i64>,
        }
        let e = decode::<T>(Format::Json, b"{\n  \"a\": [1, \"x\"]\n}").unwrap_err();
        assert_eq!((e.line, e.path.as_deref()), (2, Some("/a/1")));
        assert!(
            e.to_string().starts_with("invalid json at line 2, column"),
            "{e}"
        );
    }

    #[test]
    fn nesting_is_limited_before_serde_recurses() {
        let nest = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(decode::<serde_json::Value>(Format::Json, nest(MAX_DEPTH).as_bytes()).is_ok());
        let e =
            decode::<serde_json::Value>(Format::Json, nest(MAX_DEPTH + 1).as_bytes()).unwrap_err();
        assert_eq!((e.line, e.column), (1, MAX_DEPTH + 1));
        assert!(e.message.contains("nested more than 64 deep"), "{e}");
        // Brackets in strings, escaped quotes and backslashes do not count.
        let text = format!(
            "{{\"a\": \"{}\\\"{}\\\\\", \"b\": {}}}",
            "[".repeat(100),
            "{".repeat(100),
            nest(MAX_DEPTH - 1)
        );
        let v: serde_json::Value = decode(Format::Json, text.as_bytes()).unwrap();
        assert_eq!(v["a"].as_str().map(str::len), Some(202));
        // Lines and columns as serde_json counts them.
        let text = format!("{{\n  \"a\": {}", "[".repeat(200));
        let e = decode::<serde_json::Value>(Format::Json, text.as_bytes()).unwrap_err();
        // The outer object is depth 1; the first `[` is column 8.
        assert_eq!((e.line, e.column), (2, 8 + MAX_DEPTH - 1));
    }

    #[test]
    fn long_messages_keep_their_ends() {
        let text = format!("{{\"a\": [1, \"{}\"]}}", "9".repeat(1_000_000));
        #[derive(Debug, Deserialize)]
        struct T {
            #[allow(dead_code)]
            a: Vec<i64>,
        }
        let e = decode::<T>(Format::Json, text.as_bytes()).unwrap_err();
        assert!(e.message.chars().count() <= MAX_MESSAGE_CHARS + 40, "{e}");
        assert!(e.message.starts_with("invalid type: string \"999"), "{e}");
        assert!(e.message.ends_with("999\", expected i64"), "{e}");
        assert!(e.message.contains("characters left out"), "{e}");
        assert_eq!(bounded("short".to_owned()), "short");
    }

    #[test]
    fn a_single_object_reads_as_a_list_of_one() {
        let v: Vec<serde_json::Value> = decode_list(Format::Json, b" {\"id\": 1}").unwrap();
        assert_eq!(v.len(), 1);
        let v: Vec<serde_json::Value> = decode_list(Format::Json, b"[]").unwrap();
        assert!(v.is_empty());
    }
}
