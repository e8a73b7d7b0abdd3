//! The serde deserializer over one positioned node: it reads the node, positions every error on
//! the innermost node that saw it, records the errors of recoverable items, and reports unknown
//! and repeated keys without stopping.

use std::cell::RefCell;

use serde::de::{self, Deserializer, Visitor};
use serde_saphyr::Spanned;

use super::access::{MapAcc, SeqAcc, SpSeq, UnitVariant};
use super::error::{Pending, list};
use super::value::{RECOVER_MARKER, SP_MARKER};
use super::{DeError, Node, loc_of};
use crate::diag::{Loc, did_you_mean};

/// Reads a positioned tree into `T`, returning the value (when the top level could be read) and
/// every problem found on the way.
pub fn from_node<T: de::DeserializeOwned>(
    node: &Spanned<Node>,
    source: &str,
) -> (Option<T>, Vec<DeError>) {
    let sink = RefCell::new(Vec::new());
    let de = NodeDe {
        node,
        source,
        sink: &sink,
        recover_root: false,
    };
    let result = T::deserialize(de);
    let mut errors = sink.into_inner();
    match result {
        Ok(v) => (Some(v), errors),
        Err(e) => {
            if !e.silent {
                errors.push(e);
            }
            (None, errors)
        }
    }
}

/// The deserializer over one positioned node.
#[derive(Clone, Copy)]
pub(super) struct NodeDe<'a> {
    node: &'a Spanned<Node>,
    source: &'a str,
    sink: &'a RefCell<Vec<DeError>>,
    /// This node is the root of a [`Recover`](super::Recover) item: its errors are recorded in the sink.
    recover_root: bool,
}

impl<'a> NodeDe<'a> {
    pub(super) fn child(&self, node: &'a Spanned<Node>) -> NodeDe<'a> {
        NodeDe {
            node,
            source: self.source,
            sink: self.sink,
            recover_root: false,
        }
    }

    pub(super) fn loc(&self) -> Loc {
        let mut loc = loc_of(self.node);
        if matches!(self.node.value, Node::Seq(_) | Node::Map(_))
            && let Some(len) = self.flow_len()
        {
            loc.len = len;
        }
        loc
    }

    /// The length in characters of a flow collection (`[a, b]`, `{ k: v }`) written on one line,
    /// so that a diagnostic underlines all of it rather than its opening bracket.
    fn flow_len(&self) -> Option<u32> {
        let start = usize::try_from(self.node.referenced.span().byte_offset()?).ok()?;
        let rest = self.source.get(start..)?;
        if !rest.starts_with(['[', '{']) {
            return None;
        }
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        let mut chars = rest.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            match (quote, c) {
                (_, '\n' | '\r') => return None,
                (Some('\''), '\'') => {
                    if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                (Some('"'), '\\') => {
                    chars.next();
                }
                (Some('"'), '"') => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '[' | '{') => depth += 1,
                (None, ']' | '}') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return u32::try_from(i + 1).ok();
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// What the node holds, for a message: the text as written for a scalar.
    fn describe(&self) -> String {
        let quote = |t: &str| {
            let t: String = t.chars().take(40).collect();
            format!("`{}`", t.replace('\n', " "))
        };
        match &self.node.value {
            Node::Null => "nothing".to_owned(),
            Node::Str(s) => quote(s),
            Node::Bool(_) | Node::Int(_) | Node::Float(_) => match self.scalar_text() {
                Some(t) => quote(&t),
                None => self.unexpected().to_string(),
            },
            Node::Seq(_) => "a list".to_owned(),
            Node::Map(_) => "a mapping".to_owned(),
        }
    }

    /// The string value of this mapping's `name` key, if any (to say which element is meant).
    fn name_entry(&self) -> Option<&'a str> {
        self.node.value.name_value()
    }

    /// The text of a key, when it is a plain scalar.
    fn key_text(&self) -> Option<String> {
        match &self.node.value {
            Node::Str(s) => Some(s.clone()),
            Node::Int(_) | Node::Float(_) | Node::Bool(_) => self.scalar_text(),
            _ => None,
        }
    }

    /// Finishes a deserialize call: positions the error, and records it when this node is the
    /// root of a recoverable item.
    pub(super) fn finish<T>(&self, r: Result<T, DeError>) -> Result<T, DeError> {
        r.map_err(|mut e| {
            if e.loc.is_none()
                && let Pending::Expected(expected) = &e.pending
            {
                let expected = expected.clone();
                e.pending = Pending::Nothing;
                e.message = format!("expected {expected}, found {}", self.describe());
                if expected == "`true` or `false`" {
                    e.hint = Some(
                        "write `true` or `false` (`yes`, `no`, `on` and `off` are strings here)"
                            .to_owned(),
                    );
                }
            }
            let e = e.at(self.loc());
            if self.recover_root && !e.silent {
                self.sink.borrow_mut().push(e.clone());
            }
            e
        })
    }

    fn unexpected(&self) -> de::Unexpected<'a> {
        match &self.node.value {
            Node::Null => de::Unexpected::Unit,
            Node::Bool(b) => de::Unexpected::Bool(*b),
            Node::Int(i) => de::Unexpected::Signed(*i),
            Node::Float(f) => de::Unexpected::Float(*f),
            Node::Str(s) => de::Unexpected::Str(s),
            Node::Seq(_) => de::Unexpected::Seq,
            Node::Map(_) => de::Unexpected::Map,
        }
    }

    /// The text of a plain scalar as written in the file (so `1.10` stays `1.10` when a string is
    /// wanted).
    fn scalar_text(&self) -> Option<String> {
        let span = self.node.referenced.span();
        let (start, len) = (span.byte_offset()?, span.byte_len()?);
        let start = usize::try_from(start).ok()?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        self.source.get(start..end).map(str::to_owned)
    }

    fn visit_map_node<'de, V: Visitor<'de>>(
        &self,
        visitor: V,
        fields: Option<&'static [&'static str]>,
    ) -> Result<V::Value, DeError> {
        self.visit_map_node_suggesting(visitor, fields).0
    }

    /// Like [`Self::visit_map_node`], and also returns the keys suggested for misspelt ones.
    fn visit_map_node_suggesting<'de, V: Visitor<'de>>(
        &self,
        visitor: V,
        fields: Option<&'static [&'static str]>,
    ) -> (Result<V::Value, DeError>, Vec<&'static str>) {
        let Node::Map(entries) = &self.node.value else {
            return (
                Err(de::Error::invalid_type(self.unexpected(), &visitor)),
                Vec::new(),
            );
        };
        let mut suggested = Vec::new();
        let mut kept = Vec::with_capacity(entries.len());
        let mut seen: std::collections::HashMap<String, Loc> = std::collections::HashMap::new();
        for (k, v) in entries {
            let key = self.child(k).key_text();
            if let Some(key) = &key {
                if let Some(first) = seen.get(key) {
                    self.sink.borrow_mut().push(DeError::new(
                        "duplicate-key",
                        format!("the key `{key}` appears twice in this mapping"),
                        Some(loc_of(k)),
                        Some(format!(
                            "the first is at line {}, column {}; keep one of them",
                            first.line, first.col
                        )),
                    ));
                    continue;
                }
                seen.insert(key.clone(), loc_of(k));
            }
            if let Some(fields) = fields {
                let problem = match &key {
                    Some(key) if !fields.contains(&key.as_str()) => Some((
                        format!("unknown key `{key}`"),
                        match did_you_mean(key, fields.iter().copied()) {
                            Some(s) => {
                                suggested.push(s);
                                format!("did you mean `{s}`?")
                            }
                            None => format!("the keys allowed here are {}", list(fields)),
                        },
                    )),
                    Some(_) => None,
                    None => Some((
                        format!(
                            "a key must be a plain name, not {}",
                            self.child(k).describe()
                        ),
                        format!("the keys allowed here are {}", list(fields)),
                    )),
                };
                if let Some((message, hint)) = problem {
                    self.sink.borrow_mut().push(DeError::new(
                        "unknown-key",
                        message,
                        Some(self.child(k).loc()),
                        Some(hint),
                    ));
                    continue;
                }
            }
            kept.push((k, v));
        }
        let r = visitor.visit_map(MapAcc {
            de: *self,
            entries: kept.into_iter(),
            value: None,
        });
        (r, suggested)
    }
}

macro_rules! forward_scalar {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            self.deserialize_any(visitor)
        }
    )*};
}

impl<'de, 'a> Deserializer<'de> for NodeDe<'a> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let r = match &self.node.value {
            Node::Null => visitor.visit_unit(),
            Node::Bool(b) => visitor.visit_bool(*b),
            Node::Int(i) => visitor.visit_i64(*i),
            Node::Float(f) => visitor.visit_f64(*f),
            Node::Str(s) => visitor.visit_str(s),
            Node::Seq(items) => visitor.visit_seq(SeqAcc {
                de: self,
                items: items.iter(),
            }),
            Node::Map(_) => self.visit_map_node(visitor, None),
        };
        self.finish(r)
    }

    forward_scalar!(deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32 deserialize_f64
        deserialize_char deserialize_bytes deserialize_byte_buf deserialize_unit);

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let r = match &self.node.value {
            Node::Str(s) => visitor.visit_str(s),
            // A plain scalar read as text keeps its spelling (`1.10`, `true`).
            Node::Int(_) | Node::Float(_) | Node::Bool(_) => match self.scalar_text() {
                Some(t) => visitor.visit_string(t),
                None => return self.deserialize_any(visitor),
            },
            _ => return self.deserialize_any(visitor),
        };
        self.finish(r)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let r = match &self.node.value {
            Node::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        };
        self.finish(r)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match name {
            SP_MARKER => {
                let r = visitor.visit_seq(SpSeq { de: self, step: 0 });
                self.finish(r)
            }
            RECOVER_MARKER => visitor.visit_newtype_struct(NodeDe {
                recover_root: true,
                ..self
            }),
            _ => {
                let r = visitor.visit_newtype_struct(self);
                self.finish(r)
            }
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let r = match &self.node.value {
            Node::Seq(items) => visitor.visit_seq(SeqAcc {
                de: self,
                items: items.iter(),
            }),
            _ => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        };
        self.finish(r)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let r = self.visit_map_node(visitor, None);
        self.finish(r)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let (r, suggested) = self.visit_map_node_suggesting(visitor, Some(fields));
        let r = r.map_err(|mut e| {
            // Say which mapping lacks the key: `element `status` is missing ...`.
            if e.loc.is_none()
                && let Pending::Missing(field) = e.pending
            {
                e.pending = Pending::Nothing;
                let what = match name {
                    "SchemaFile" => "the file".to_owned(),
                    "Source" => "`source`".to_owned(),
                    "Scopes" => "`scopes`".to_owned(),
                    "Element" | "Action" | "Param" => {
                        let noun = match name {
                            "Element" => "element",
                            "Action" => "action",
                            _ => "parameter",
                        };
                        match self.name_entry() {
                            Some(n) => format!("{noun} `{n}`"),
                            None => format!("this {noun}"),
                        }
                    }
                    _ => "this mapping".to_owned(),
                };
                e.message = format!("{what} is missing the required key `{field}`");
                // A misspelt key was already reported with this one as its suggestion.
                e.silent = suggested.contains(&field);
            }
            e
        });
        self.finish(r)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let r = match &self.node.value {
            Node::Str(_) | Node::Int(_) | Node::Bool(_) | Node::Float(_) => {
                visitor.visit_enum(UnitVariant(self))
            }
            _ => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        };
        self.finish(r)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}
