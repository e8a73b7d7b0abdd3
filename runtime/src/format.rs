//! The two formats Coupa's API speaks, the errors of reading and writing them, and the limits
//! that keep reading hostile input bounded.
//!
//! Reading is bounded for hostile input: arrays and objects nest at most [`MAX_DEPTH`] deep in
//! either format (checked before any recursive descent, so a 100,000-deep payload is refused
//! without touching the stack), and an error message quotes at most [`MAX_MESSAGE_CHARS`]
//! characters of what it found.
//!
//! This module is a leaf: the codecs ([`crate::json`], [`crate::xml`]) build on it.

use std::fmt;

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

impl EncodeError {
    /// The error of a writer (serde_json's, the XML writer's, the HTTP request builder's).
    pub fn of(e: impl fmt::Display) -> EncodeError {
        EncodeError(e.to_string())
    }
}
