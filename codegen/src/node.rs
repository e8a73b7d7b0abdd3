//! YAML with a position on every node, and a serde deserializer over it that collects problems.
//!
//! serde-saphyr parses the text (with budgets against hostile input) into a tree of
//! [`serde_saphyr::Spanned`] nodes. [`from_node`] then drives the schema format's own types
//! (`crate::format`) over that tree. Unlike a plain serde run, it does not stop at the first
//! problem:
//!
//! - unknown keys are reported (all of them, each with a did-you-mean hint) and skipped;
//! - a [`Recover<T>`] item that fails records its first problem and lets the list go on, so one
//!   bad element does not hide the problems in the next one;
//! - every error carries the line and column of the node it was raised on.
//!
//! [`Sp<T>`] keeps the position of a value for the semantic checks that run after loading.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::diag::{Loc, did_you_mean};

/// A parsed YAML node.
#[derive(Debug)]
pub enum Node {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Spanned<Node>>),
    /// A mapping, in source order.
    Map(Vec<(Spanned<Node>, Spanned<Node>)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a YAML node")
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
                i64::try_from(v)
                    .map(Node::Int)
                    .map_err(|_| E::custom("integer is too large"))
            }
            fn visit_i128<E: de::Error>(self, _: i128) -> Result<Node, E> {
                Err(E::custom("integer is too large"))
            }
            fn visit_u128<E: de::Error>(self, _: u128) -> Result<Node, E> {
                Err(E::custom("integer is too large"))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
                Ok(Node::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Node, E> {
                Ok(Node::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element::<Spanned<Node>>()? {
                    v.push(x);
                }
                Ok(Node::Seq(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut v = Vec::new();
                while let Some(k) = a.next_key::<Spanned<Node>>()? {
                    let val = a.next_value::<Spanned<Node>>()?;
                    v.push((k, val));
                }
                Ok(Node::Map(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// Limits that keep a hostile schema file from exhausting the loader.
pub const MAX_FILE_BYTES: usize = 1 << 20;
const MAX_DEPTH: usize = 32;
const MAX_NODES: usize = 200_000;

/// Parses YAML text into a tree of positioned nodes, within the loader's budgets.
pub fn parse(text: &str) -> Result<Spanned<Node>, (Loc, String)> {
    if text.len() > MAX_FILE_BYTES {
        return Err((
            Loc::UNKNOWN,
            format!(
                "the file is {} bytes; schema files are limited to {} bytes",
                text.len(),
                MAX_FILE_BYTES
            ),
        ));
    }
    let options = serde_saphyr::options! {
        strict_booleans: true,
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_documents: 1,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_total_scalar_bytes: MAX_FILE_BYTES,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 20_000,
            max_replay_stack_depth: 16,
            max_alias_expansions_per_anchor: 100,
        },
    };
    serde_saphyr::from_str_with_options::<Spanned<Node>>(text, options).map_err(|e| {
        let loc = e.location().map(to_loc).unwrap_or(Loc::UNKNOWN);
        let inner = e.without_snippet();
        let mut msg = inner.to_string();
        // serde-saphyr appends " at line L, column C"; the diagnostic prints the position itself.
        if let Some(i) = msg.rfind(" at line ") {
            msg.truncate(i);
        }
        (loc, msg)
    })
}

fn to_loc(l: serde_saphyr::Location) -> Loc {
    let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    Loc {
        line: clamp(l.line()),
        col: clamp(l.column()),
        len: clamp(l.span().len()),
    }
}

fn loc_of(n: &Spanned<Node>) -> Loc {
    to_loc(n.referenced)
}

/// A value with the position it was read from. Serialises as the bare value.
#[derive(Clone, Debug)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub loc: Loc,
}

impl<T> Sp<T> {
    /// A value without a known position (for values a tool builds rather than reads).
    pub fn unplaced(value: T) -> Self {
        Sp { value, loc: Loc::UNKNOWN }
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Default> Default for Sp<T> {
    fn default() -> Self {
        Sp::unplaced(T::default())
    }
}

// Positions do not take part in comparisons: two values are equal when they say the same thing.
impl<T: PartialEq> PartialEq for Sp<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Sp<T> {}

impl<T: Ord> PartialOrd for Sp<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: Ord> Ord for Sp<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T: Serialize> Serialize for Sp<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

const SP_MARKER: &str = "$coupa_codegen::Sp";
const RECOVER_MARKER: &str = "$coupa_codegen::Recover";

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Sp<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a positioned value")
            }
            // The node deserializer hands over (line, col, len, value).
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Sp<T>, A::Error> {
                let mut next_u32 = || -> Result<u32, A::Error> {
                    a.next_element::<u32>()?
                        .ok_or_else(|| de::Error::custom("positioned value without position"))
                };
                let loc = Loc {
                    line: next_u32()?,
                    col: next_u32()?,
                    len: next_u32()?,
                };
                let value = a
                    .next_element::<T>()?
                    .ok_or_else(|| de::Error::custom("positioned value without value"))?;
                Ok(Sp { value, loc })
            }
            // Any other deserializer: the value, without a position.
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Sp<T>, D::Error> {
                T::deserialize(d).map(Sp::unplaced)
            }
        }
        d.deserialize_newtype_struct(SP_MARKER, V(PhantomData))
    }
}

/// A list item that, when it cannot be read, records its problem and lets the list go on.
#[derive(Clone, Debug)]
pub enum Recover<T> {
    /// The item was read.
    Ok(T),
    /// The item had a problem, already recorded.
    Failed,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Recover<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Recover<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an item")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Recover<T>, D::Error> {
                // The node deserializer has recorded the problem in its sink already.
                Ok(T::deserialize(d).map_or(Recover::Failed, Recover::Ok))
            }
        }
        d.deserialize_newtype_struct(RECOVER_MARKER, V(PhantomData))
    }
}

/// A problem found while reading a file into the schema format's types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeError {
    /// Stable code for the kind of problem.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// Where; filled in by the innermost node that saw the problem.
    pub loc: Option<Loc>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl DeError {
    fn at(mut self, loc: Loc) -> Self {
        if self.loc.is_none() {
            self.loc = Some(loc);
        }
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            code: "invalid-value",
            message: msg.to_string(),
            loc: None,
            hint: None,
        }
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        DeError {
            code: "wrong-type",
            message: format!("expected {exp}, found {unexp}"),
            loc: None,
            hint: None,
        }
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        DeError {
            code: "unknown-value",
            message: format!("`{variant}` is not one of the accepted values"),
            loc: None,
            hint: Some(match did_you_mean(variant, expected.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? Accepted: {}", list(expected)),
                None => format!("accepted values: {}", list(expected)),
            }),
        }
    }

    fn missing_field(field: &'static str) -> Self {
        DeError {
            code: "missing-key",
            message: format!("missing required key `{field}`"),
            loc: None,
            hint: Some(format!("add `{field}:` to this mapping")),
        }
    }

    fn duplicate_field(field: &'static str) -> Self {
        DeError {
            code: "duplicate-key",
            message: format!("key `{field}` appears twice"),
            loc: None,
            hint: Some("keep one of them".to_owned()),
        }
    }
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

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
            errors.push(e);
            (None, errors)
        }
    }
}

/// The deserializer over one positioned node.
#[derive(Clone, Copy)]
struct NodeDe<'a> {
    node: &'a Spanned<Node>,
    source: &'a str,
    sink: &'a RefCell<Vec<DeError>>,
    /// This node is the root of a [`Recover`] item: its errors are recorded in the sink.
    recover_root: bool,
}

impl<'a> NodeDe<'a> {
    fn child(&self, node: &'a Spanned<Node>) -> NodeDe<'a> {
        NodeDe {
            node,
            source: self.source,
            sink: self.sink,
            recover_root: false,
        }
    }

    fn loc(&self) -> Loc {
        loc_of(self.node)
    }

    /// Finishes a deserialize call: positions the error, and records it when this node is the
    /// root of a recoverable item.
    fn finish<T>(&self, r: Result<T, DeError>) -> Result<T, DeError> {
        r.map_err(|e| {
            let e = e.at(self.loc());
            if self.recover_root {
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
        let Node::Map(entries) = &self.node.value else {
            return Err(de::Error::invalid_type(self.unexpected(), &visitor));
        };
        let mut kept = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            if let (Some(fields), Node::Str(key)) = (fields, &k.value)
                && !fields.contains(&key.as_str())
            {
                let hint = match did_you_mean(key, fields.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the keys allowed here are {}", list(fields)),
                };
                self.sink.borrow_mut().push(DeError {
                    code: "unknown-key",
                    message: format!("unknown key `{key}`"),
                    loc: Some(loc_of(k)),
                    hint: Some(hint),
                });
                continue;
            }
            kept.push((k, v));
        }
        visitor.visit_map(MapAcc {
            de: *self,
            entries: kept.into_iter(),
            value: None,
        })
    }
}

struct MapAcc<'a, I> {
    de: NodeDe<'a>,
    entries: I,
    value: Option<&'a Spanned<Node>>,
}

impl<'de, 'a, I> MapAccess<'de> for MapAcc<'a, I>
where
    I: Iterator<Item = (&'a Spanned<Node>, &'a Spanned<Node>)>,
{
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            None => Ok(None),
            Some((k, v)) => {
                self.value = Some(v);
                let kd = self.de.child(k);
                kd.finish(seed.deserialize(kd)).map(Some)
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let v = self
            .value
            .take()
            .ok_or_else(|| <DeError as de::Error>::custom("value requested before key"))?;
        let vd = self.de.child(v);
        vd.finish(seed.deserialize(vd))
    }
}

struct SeqAcc<'a, I> {
    de: NodeDe<'a>,
    items: I,
}

impl<'de, 'a, I: Iterator<Item = &'a Spanned<Node>>> SeqAccess<'de> for SeqAcc<'a, I> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            None => Ok(None),
            Some(n) => {
                let d = self.de.child(n);
                d.finish(seed.deserialize(d)).map(Some)
            }
        }
    }
}

/// Feeds (line, col, len, value) to [`Sp`]'s visitor.
struct SpSeq<'a> {
    de: NodeDe<'a>,
    step: u8,
}

impl<'de, 'a> SeqAccess<'de> for SpSeq<'a> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let loc = self.de.loc();
        let step = self.step;
        self.step += 1;
        match step {
            0 => seed.deserialize(loc.line.into_deserializer()).map(Some),
            1 => seed.deserialize(loc.col.into_deserializer()).map(Some),
            2 => seed.deserialize(loc.len.into_deserializer()).map(Some),
            3 => seed.deserialize(self.de).map(Some),
            _ => Ok(None),
        }
    }
}

struct UnitVariant<'a>(NodeDe<'a>);

impl<'de, 'a> EnumAccess<'de> for UnitVariant<'a> {
    type Error = DeError;
    type Variant = Self;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), DeError> {
        let v = seed.deserialize(self.0)?;
        Ok((v, self))
    }
}

impl<'de, 'a> VariantAccess<'de> for UnitVariant<'a> {
    type Error = DeError;
    fn unit_variant(self) -> Result<(), DeError> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value, DeError> {
        Err(de::Error::custom("expected a plain value"))
    }
    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, DeError> {
        Err(de::Error::custom("expected a plain value"))
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, DeError> {
        Err(de::Error::custom("expected a plain value"))
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
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let r = self.visit_map_node(visitor, Some(fields));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    struct Item {
        name: Sp<String>,
        #[serde(default)]
        count: Option<u32>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        items: Vec<Recover<Item>>,
    }

    fn load(text: &str) -> (Option<File>, Vec<DeError>) {
        let node = parse(text).expect("yaml parses");
        let (f, errs) = from_node::<File>(&node, text);
        (f, errs)
    }

    #[test]
    fn positions_are_kept() {
        let text = "items:\n  - name: first\n  - name: 'second'\n";
        let node = parse(text).unwrap();
        let (f, errs) = from_node::<File>(&node, text);
        assert!(errs.is_empty(), "{errs:?}");
        let f = f.unwrap();
        let Recover::Ok(second) = &f.items[1] else {
            panic!()
        };
        assert_eq!(second.name.value, "second");
        assert_eq!(second.name.loc, Loc { line: 3, col: 11, len: 8 });
    }

    #[test]
    fn every_bad_item_is_reported_and_the_rest_is_read() {
        let text = "items:\n  - nmae: a\n    name: ok\n  - name: b\n    count: lots\n  - name: c\n    colour: red\n";
        let (f, errs) = load(text);
        let f = f.unwrap();
        assert!(matches!(f.items[0], Recover::Ok(_)));
        assert!(matches!(f.items[1], Recover::Failed));
        assert!(matches!(f.items[2], Recover::Ok(_)));
        let got: Vec<_> = errs
            .iter()
            .map(|e| (e.code, e.loc.unwrap().line, e.loc.unwrap().col))
            .collect();
        assert_eq!(
            got,
            vec![("unknown-key", 2, 5), ("wrong-type", 5, 12), ("unknown-key", 7, 5)]
        );
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `name`?"));
    }

    #[test]
    fn missing_key_points_at_the_mapping() {
        let (_, errs) = load("items:\n  - count: 2\n");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].code, "missing-key");
        assert_eq!(errs[0].loc.unwrap().line, 2);
    }

    #[test]
    fn numbers_read_as_text_keep_their_spelling() {
        let text = "items:\n  - name: 1.10\n";
        let (f, errs) = load(text);
        assert!(errs.is_empty());
        let Recover::Ok(i) = &f.unwrap().items[0] else {
            panic!()
        };
        assert_eq!(i.name.value, "1.10");
    }

    #[test]
    fn syntax_errors_and_budgets_are_reported_not_panicked() {
        let (loc, msg) = parse("a: [1, 2\nb: 3").unwrap_err();
        assert_eq!(loc.line, 2);
        assert!(!msg.contains(" at line "), "{msg}");
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        assert!(parse(bomb).is_err());
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(parse(&deep).is_err());
    }
}
