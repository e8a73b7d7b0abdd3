//! The wire: how values travel as Coupa writes them.
//!
//! - [`DateTime`] keeps the UTC offset Coupa sends (`2021-03-18T11:20:50-07:00`) through a round
//!   trip, and refuses a datetime without one.
//! - [`Decimal`] keeps an amount as the text Coupa sends (`"0.00"`), never as a float.
//! - [`WireEnum`] is implemented by the generated enums of allowed values; they keep a value they
//!   do not know (Coupa may add one) and write it back unchanged.
//! - [`decode`] and [`encode`] read and write a payload in either [`Format`], with the position of
//!   any problem.
//!
//! Reading is bounded for hostile input: arrays and objects nest at most [`MAX_DEPTH`] deep in
//! either format (checked before any recursive descent, so a 100,000-deep payload is refused
//! without touching the stack), and an error message quotes at most [`MAX_MESSAGE_CHARS`]
//! characters of what it found.
//!
//! Inputs that are not errors, by decision (pinned by `tests/it/malformed.rs`):
//!
//! - An element of a model given twice is an error (`duplicate field`), in JSON and XML; an
//!   alias and its element are one element. In an open object (`flow`, `custom-fields`, ...)
//!   JSON keeps the last value of a repeated key, as serde_json and Ruby's JSON parser (Coupa's)
//!   do, while XML keeps every value of a repeated element, as a list, as Rails reads XML.
//! - An integer beyond `u64` in an open object reads as a float in JSON (serde_json's choice);
//!   XML refuses it. In a model's integer element anything beyond `i64` is an error.
//! - A JSON array where a model expects an object is read positionally by serde's derive (its
//!   items in the order of the model's fields); XML has no such form.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The newtype name the XML writer recognises to mark a value `type="dateTime"`.
pub const DATETIME_MARKER: &str = "$coupa::dateTime";
/// The newtype name the XML writer recognises to mark a value `type="decimal"`.
pub const DECIMAL_MARKER: &str = "$coupa::decimal";

/// A point in time with the UTC offset Coupa sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime(pub chrono::DateTime<chrono::FixedOffset>);

impl DateTime {
    /// Parses an RFC 3339 datetime; the offset is required.
    pub fn parse(s: &str) -> Result<DateTime, String> {
        chrono::DateTime::parse_from_rfc3339(s.trim()).map(DateTime).map_err(|e| {
            format!("`{s}` is not a datetime with a UTC offset such as 2021-03-18T11:20:50-07:00 ({e})")
        })
    }

    /// The text Coupa writes: RFC 3339 with the offset, seconds, and fractions only when present.
    pub fn to_wire(&self) -> String {
        self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
    }
}

impl std::ops::Deref for DateTime {
    type Target = chrono::DateTime<chrono::FixedOffset>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl From<chrono::DateTime<chrono::FixedOffset>> for DateTime {
    fn from(d: chrono::DateTime<chrono::FixedOffset>) -> Self {
        DateTime(d)
    }
}

impl From<chrono::DateTime<chrono::Utc>> for DateTime {
    fn from(d: chrono::DateTime<chrono::Utc>) -> Self {
        DateTime(d.fixed_offset())
    }
}

impl FromStr for DateTime {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        DateTime::parse(s)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_wire())
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(DATETIME_MARKER, &self.to_wire())
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DateTime;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a datetime with a UTC offset, such as 2021-03-18T11:20:50-07:00")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTime, E> {
                DateTime::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

/// A decimal amount, kept as the text Coupa sent (`"0.00"`), so no digit is lost to a float.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Decimal(String);

impl Decimal {
    /// A decimal from its text: an optional sign, digits, an optional fraction.
    pub fn new(s: impl Into<String>) -> Result<Decimal, String> {
        let s = s.into();
        let body = s.strip_prefix(['-', '+']).unwrap_or(&s);
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty())
            || !digits(int)
            || !digits(frac)
            || (body.contains('.') && frac.is_empty() && int.is_empty())
        {
            return Err(format!("`{s}` is not a decimal amount such as \"12.50\""));
        }
        Ok(Decimal(s))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<i64> for Decimal {
    fn from(i: i64) -> Self {
        Decimal(i.to_string())
    }
}

impl FromStr for Decimal {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Decimal::new(s)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(DECIMAL_MARKER, &self.0)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Decimal;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a decimal amount, such as \"12.50\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
                Decimal::new(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
                Ok(Decimal(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
                Ok(Decimal(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
                if v.is_finite() {
                    Ok(Decimal(v.to_string()))
                } else {
                    Err(E::custom("a decimal amount must be finite"))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// An enum of allowed values that keeps values it does not know. Implemented by generated enums.
pub trait WireEnum: Sized {
    /// The allowed values, as Coupa spells them.
    const VALUES: &'static [&'static str];
    /// Whether Coupa compares them case-sensitively.
    const CASE_SENSITIVE: bool;

    /// The value as Coupa spells it (an unknown value exactly as it arrived).
    fn as_wire(&self) -> &str;

    /// The variant for a value, or the catch-all variant holding it.
    fn from_wire(s: &str) -> Self;

    /// True for a listed value.
    fn is_known(&self) -> bool;

    /// True when the value is accepted on input: a listed value, or (when comparison is not
    /// case-sensitive) a listed value in another case.
    fn is_allowed(&self) -> bool {
        self.is_known()
            || (!Self::CASE_SENSITIVE
                && Self::VALUES
                    .iter()
                    .any(|v| v.eq_ignore_ascii_case(self.as_wire())))
    }

    /// The listed variant this value stands for, matching case where Coupa ignores it.
    fn canonical(&self) -> Option<Self> {
        if self.is_known() {
            return Some(Self::from_wire(self.as_wire()));
        }
        if Self::CASE_SENSITIVE {
            return None;
        }
        Self::VALUES
            .iter()
            .find(|v| v.eq_ignore_ascii_case(self.as_wire()))
            .map(|v| Self::from_wire(v))
    }
}

/// Serialises a [`WireEnum`] as its text.
pub fn serialize_enum<E: WireEnum, S: Serializer>(e: &E, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(e.as_wire())
}

/// Deserialises a [`WireEnum`] from text; an unknown value is kept, never an error.
pub fn deserialize_enum<'de, E: WireEnum, D: Deserializer<'de>>(d: D) -> Result<E, D::Error> {
    struct V<E>(std::marker::PhantomData<E>);
    impl<E: WireEnum> Visitor<'_> for V<E> {
        type Value = E;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "one of {}", E::VALUES.join(", "))
        }
        fn visit_str<Er: de::Error>(self, v: &str) -> Result<E, Er> {
            Ok(E::from_wire(v))
        }
    }
    d.deserialize_str(V(std::marker::PhantomData))
}

/// The deepest nesting of arrays and objects a payload may have (the outermost object is depth
/// 1). Coupa's payloads nest a handful of levels; 64 leaves room and keeps the recursive descent
/// of reading small enough for a 256 KiB thread stack, even in a debug build.
pub const MAX_DEPTH: usize = 64;

/// The longest error message [`DecodeError`] carries, in characters: a message quoting a value
/// (a 10 MB string where a number was expected) keeps its start and its end.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// A message of at most [`MAX_MESSAGE_CHARS`] characters: a longer one keeps its first 200 and
/// last 60 characters around a note of how many were left out.
pub(crate) fn bounded(message: String) -> String {
    const HEAD: usize = 200;
    const TAIL: usize = 60;
    let n = message.chars().count();
    if n <= MAX_MESSAGE_CHARS {
        return message;
    }
    let head: String = message.chars().take(HEAD).collect();
    let tail: String = message.chars().skip(n - TAIL).collect();
    format!("{head}… ({} characters left out) …{tail}", n - HEAD - TAIL)
}

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

/// The two formats Coupa's API speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// `application/json`
    #[default]
    Json,
    /// `application/xml`
    Xml,
}

impl Format {
    /// The media type for Accept and Content-Type.
    pub fn media_type(&self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Xml => "application/xml",
        }
    }

    /// The format a Content-Type or Accept header names, if any.
    pub fn from_media_type(s: &str) -> Option<Format> {
        let s = s.to_ascii_lowercase();
        if s.contains("xml") {
            Some(Format::Xml)
        } else if s.contains("json") {
            Some(Format::Json)
        } else {
            None
        }
    }

    /// The format a file extension names (`json`, `xml`).
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "xml" => Some(Format::Xml),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Json => "json",
            Format::Xml => "xml",
        })
    }
}

/// A payload that could not be read, with where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// The format being read.
    pub format: Format,
    /// 1-based line of the problem (0 when unknown).
    pub line: usize,
    /// 1-based column of the problem (0 when unknown).
    pub column: usize,
    /// JSON pointer of the value being read, when known (`/integration/code`).
    pub path: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} at line {}, column {}",
            self.format, self.line, self.column
        )?;
        if let Some(p) = &self.path
            && !p.is_empty()
        {
            write!(f, " (at {p})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for DecodeError {}

/// A value that could not be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError(pub String);

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot encode the payload: {}", self.0)
    }
}

impl std::error::Error for EncodeError {}

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
        Format::Json => serde_json::to_vec(value).map_err(|e| EncodeError(e.to_string())),
        Format::Xml => crate::xml::to_vec(value).map_err(|e| EncodeError(e.to_string())),
    }
}

/// Writes a list under the plural root element Coupa uses in XML (`integration-runs`).
pub fn encode_list<T: Serialize>(
    format: Format,
    plural: &str,
    items: &[T],
) -> Result<Vec<u8>, EncodeError> {
    match format {
        Format::Json => serde_json::to_vec(items).map_err(|e| EncodeError(e.to_string())),
        Format::Xml => {
            crate::xml::list_to_vec(plural, items).map_err(|e| EncodeError(e.to_string()))
        }
    }
}

fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
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

    #[test]
    fn datetimes_keep_their_offset() {
        let d: DateTime = serde_json::from_str("\"2021-03-18T11:20:50-07:00\"").unwrap();
        assert_eq!(d.offset().local_minus_utc(), -7 * 3600);
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            "\"2021-03-18T11:20:50-07:00\""
        );
        let frac: DateTime = "2021-03-18T11:20:50.125+05:30".parse().unwrap();
        assert_eq!(frac.to_wire(), "2021-03-18T11:20:50.125+05:30");
    }

    #[test]
    fn datetimes_without_offset_are_refused() {
        let e = serde_json::from_str::<DateTime>("\"2021-03-18T11:20:50\"").unwrap_err();
        assert!(e.to_string().contains("UTC offset"), "{e}");
    }

    #[test]
    fn decimals_keep_their_text() {
        let d: Decimal = serde_json::from_str("\"0.00\"").unwrap();
        assert_eq!(d.as_str(), "0.00");
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"0.00\"");
        assert!(Decimal::new("1e5").is_err());
        assert!(Decimal::new("").is_err());
        assert!(Decimal::new(".").is_err());
        assert!(Decimal::new("-12.5").is_ok());
        assert!(Decimal::new("12.").is_ok());
        let n: Decimal = serde_json::from_str("12").unwrap();
        assert_eq!(n.as_str(), "12");
    }

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
