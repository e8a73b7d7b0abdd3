//! XML text into a tree of elements: the only place that runs quick-xml's reader, and where
//! hostile input is refused with a position.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use serde::de;
use std::fmt;

use crate::format::{DecodeError, Format, bounded};

/// The deepest nesting of elements that hold elements (or are lists) accepted: the same limit as
/// JSON's arrays and objects ([`crate::format::MAX_DEPTH`]). A plain value may sit one level below.
pub const MAX_DEPTH: usize = crate::format::MAX_DEPTH;

/// The `type` this module writes on an empty object (`<settings type="hash"></settings>`), so it
/// reads back as an empty object rather than an empty string. Coupa itself never sends one.
pub const HASH: &str = "hash";

/// A parsed element.
#[derive(Debug, Default)]
pub(super) struct Elem {
    pub(super) name: String,
    /// `type` attribute.
    pub(super) ty: Option<String>,
    pub(super) nil: bool,
    pub(super) children: Vec<Elem>,
    pub(super) text: String,
    /// Byte offset of the start tag, for error positions.
    pub(super) offset: usize,
}

impl Elem {
    pub(super) fn is_array(&self) -> bool {
        self.ty.as_deref() == Some("array")
    }
}

/// An error while reading, with the byte offset it was found at.
#[derive(Debug)]
pub(super) struct XmlError {
    pub(super) message: String,
    pub(super) offset: Option<usize>,
    pub(super) path: Vec<String>,
    /// The offset of the element last added to `path` (an element's deserializer may see the
    /// same error twice, through `Option`).
    pub(super) tagged: Option<usize>,
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for XmlError {}

impl de::Error for XmlError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        XmlError {
            message: msg.to_string(),
            offset: None,
            path: Vec::new(),
            tagged: None,
        }
    }
}

pub(super) fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

pub(super) fn decode_error(text: &str, e: XmlError) -> DecodeError {
    let (line, column) = e.offset.map_or((0, 0), |o| position(text, o));
    let path = if e.path.is_empty() {
        None
    } else {
        let mut p: Vec<String> = e.path;
        p.reverse();
        Some(bounded(
            p.iter().fold(String::new(), |acc, s| format!("{acc}/{s}")),
        ))
    };
    DecodeError {
        format: Format::Xml,
        line,
        column,
        path,
        message: bounded(e.message),
    }
}

pub(super) fn parse(text: &str) -> Result<Elem, XmlError> {
    let mut reader = Reader::from_str(text);
    let cfg = reader.config_mut();
    cfg.check_end_names = true;
    cfg.expand_empty_elements = false;
    let mut stack: Vec<Elem> = Vec::new();
    let mut root: Option<Elem> = None;
    let at =
        |reader: &Reader<&[u8]>| usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
    loop {
        let start = at(&reader);
        let ev = reader.read_event().map_err(|e| XmlError {
            message: e.to_string(),
            offset: Some(usize::try_from(reader.error_position()).unwrap_or(start)),
            path: Vec::new(),
            tagged: None,
        })?;
        let fail_at = |message: String, offset: usize| XmlError {
            message,
            offset: Some(offset),
            path: Vec::new(),
            tagged: None,
        };
        let fail = |message: String| fail_at(message, start);
        match ev {
            Event::Start(s) | Event::Empty(s) if root.is_some() => {
                let _ = s;
                return Err(fail("content after the root element".to_owned()));
            }
            Event::Start(s) => {
                let e = open(&s, start).map_err(|(m, at)| fail_at(m, at))?;
                check_depth(stack.len(), &e).map_err(fail)?;
                stack.push(e);
            }
            Event::Empty(s) => {
                let e = open(&s, start).map_err(|(m, at)| fail_at(m, at))?;
                check_depth(stack.len(), &e).map_err(fail)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(e),
                    None => root = Some(e),
                }
            }
            Event::End(_) => {
                let e = stack
                    .pop()
                    .ok_or_else(|| fail("closing tag without an opening tag".to_owned()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(e),
                    None => root = Some(e),
                }
            }
            Event::Text(t) => {
                let content = t.xml10_content();
                match stack.last_mut() {
                    Some(e) => e.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => return Err(fail("text outside the root element".to_owned())),
                }
            }
            Event::CData(c) => {
                let content = c.xml10_content();
                match stack.last_mut() {
                    Some(e) => e.text.push_str(&content),
                    None => return Err(fail("CDATA outside the root element".to_owned())),
                }
            }
            Event::GeneralRef(r) => {
                let resolved: String = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => return Err(fail("invalid character reference".to_owned())),
                    }
                } else {
                    let name = r.xml10_content();
                    match resolve_predefined_entity(&name) {
                        Some(s) => s.to_owned(),
                        None => {
                            return Err(fail(format!(
                                "the entity `&{name};` is not one of XML's predefined entities; entities are not expanded"
                            )));
                        }
                    }
                };
                match stack.last_mut() {
                    Some(e) => e.text.push_str(&resolved),
                    None => return Err(fail("text outside the root element".to_owned())),
                }
            }
            Event::DocType(_) => {
                return Err(fail(
                    "DOCTYPE declarations are not accepted (no entity is ever expanded)".to_owned(),
                ));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(XmlError {
            message: format!(
                "the document ends inside <{}>",
                stack.last().map_or("", |e| e.name.as_str())
            ),
            offset: Some(text.len()),
            path: Vec::new(),
            tagged: None,
        });
    }
    root.ok_or_else(|| XmlError {
        message: "the document has no root element".to_owned(),
        offset: Some(0),
        path: Vec::new(),
        tagged: None,
    })
}

/// An element opened under `parents` open elements: at most [`MAX_DEPTH`] levels of elements
/// holding elements (a list is one, even empty), and one level of plain values below them. The
/// element's own children are checked when they open.
fn check_depth(parents: usize, e: &Elem) -> Result<(), String> {
    if parents > MAX_DEPTH {
        return Err(format!(
            "elements are nested more than {} deep (at most {MAX_DEPTH} levels of elements holding elements)",
            MAX_DEPTH + 1
        ));
    }
    if parents == MAX_DEPTH && e.is_array() {
        return Err(format!(
            "<{}> is a list at depth {}: lists and elements holding elements are nested at most {MAX_DEPTH} deep",
            e.name,
            MAX_DEPTH + 1
        ));
    }
    Ok(())
}

/// An element from its start tag at `offset`. A broken attribute is reported at its own offset.
fn open(s: &BytesStart<'_>, offset: usize) -> Result<Elem, (String, usize)> {
    use quick_xml::events::attributes::AttrError;
    let name = s.name().as_ref().to_owned();
    if !is_element_name(&name) {
        return Err((
            format!(
                "`{}` is not an element name (a letter, `_` or `:`, then letters, digits, `-`, `_`, `.` or `:`)",
                bounded(name)
            ),
            offset,
        ));
    }
    let mut e = Elem {
        name,
        offset,
        ..Elem::default()
    };
    // quick-xml counts attribute positions from the character after `<`.
    let at = |pos: usize| offset.saturating_add(1).saturating_add(pos);
    for a in s.attributes() {
        let a = a.map_err(|err| match err {
            AttrError::ExpectedEq(p) => (
                "an attribute name must be followed by `=`".to_owned(),
                at(p),
            ),
            AttrError::ExpectedValue(p) => ("`=` must be followed by a value".to_owned(), at(p)),
            AttrError::UnquotedValue(p) => (
                "an attribute value must be enclosed in `\"` or `'`".to_owned(),
                at(p),
            ),
            AttrError::ExpectedQuote(p, q) => (
                format!("an attribute value misses its closing `{}`", q as char),
                at(p),
            ),
            AttrError::Duplicated(p, _) => {
                ("an attribute is given twice in one tag".to_owned(), at(p))
            }
        })?;
        let value = a
            .normalized_value(quick_xml::XmlVersion::Explicit1_0)
            .map_err(|err| (err.to_string(), offset))?;
        match a.key.as_ref() {
            "type" => e.ty = Some(value.into_owned()),
            "nil" => e.nil = value == "true",
            _ => {}
        }
    }
    Ok(e)
}

pub(super) fn utf8(bytes: &[u8]) -> Result<&str, DecodeError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = e.valid_up_to();
        let text = String::from_utf8_lossy(&bytes[..valid]);
        let (line, column) = position(&text, valid);
        DecodeError {
            format: Format::Xml,
            line,
            column,
            path: None,
            message: "the document is not valid UTF-8".to_owned(),
        }
    })
}

/// True for a name this module reads and writes as an element: a letter, `_` or `:`, then
/// letters, digits, `-`, `_`, `.` or `:` (XML's Name, without the rarer characters it also
/// allows). The reader and the writer use the same rule, so whatever is read can be written.
pub fn is_element_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || matches!(c, '_' | ':'))
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}
