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
//!
//! The module is split by concern:
//!
//! - this file: the node tree ([`Node`]) and the positions of its nodes;
//! - `parse.rs`: reading YAML text into the tree, within the loader's budgets ([`parse`],
//!   [`MAX_FILE_BYTES`]), and the syntax errors explained in the loader's words ([`ParseError`]);
//! - `value.rs`: the positioned value [`Sp<T>`] and the recoverable list item [`Recover<T>`];
//! - `error.rs`: the problems a read reports ([`DeError`]), in the schema format's words;
//! - `deserializer.rs`: [`from_node`] and the serde deserializer over one node;
//! - `access.rs`: the serde accessors that walk a mapping, a list, a positioned value and an
//!   enum.

mod access;
mod deserializer;
mod error;
mod parse;
mod value;

#[cfg(test)]
mod tests;

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diag::Loc;

pub use deserializer::from_node;
pub use error::DeError;
pub use parse::{MAX_FILE_BYTES, ParseError, parse};
pub use value::{Recover, Sp, in_file};

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

impl Node {
    /// The string under the key `name`, when this is a mapping that has one: which element or
    /// type a half-read mapping is about.
    pub fn name_value(&self) -> Option<&str> {
        self.str_value("name")
    }

    /// The string under `key`, when this is a mapping that has one.
    pub fn str_value(&self, key: &str) -> Option<&str> {
        let Node::Map(entries) = self else {
            return None;
        };
        entries
            .iter()
            .find_map(|(k, v)| match (&k.value, &v.value) {
                (Node::Str(k), Node::Str(v)) if k == key => Some(v.as_str()),
                _ => None,
            })
    }
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

/// A parser position as the diagnostics hold it (clamped to `u32`).
fn to_loc(l: serde_saphyr::Location) -> Loc {
    let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    Loc::at(clamp(l.line()), clamp(l.column()), clamp(l.span().len()))
}

/// Where a node is written.
fn loc_of(n: &Spanned<Node>) -> Loc {
    to_loc(n.referenced)
}
