//! Reading: serde driven over the parsed elements, by Coupa's conventions.

use serde::Deserialize;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};

use super::tree::{Elem, HASH, XmlError, decode_error, parse, position, utf8};
use crate::format::{DecodeError, Format};

/// Reads one value from Coupa XML. Coupa's error body (`<errors>`) is refused with its messages,
/// so an error is never mistaken for an empty object.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let text = utf8(bytes)?;
    let root = parse(text).map_err(|e| decode_error(text, e))?;
    refuse_error_body(text, &root)?;
    read_root(text, &root)
}

/// An error body (`<errors>…</errors>`) as a JSON value, read once; `None` for anything else.
pub(crate) fn error_body(bytes: &[u8]) -> Option<serde_json::Value> {
    let text = std::str::from_utf8(bytes).ok()?;
    let root = parse(text).ok()?;
    (root.name == "errors")
        .then(|| read_root(text, &root).ok())
        .flatten()
}

fn read_root<T: DeserializeOwned>(text: &str, root: &Elem) -> Result<T, DecodeError> {
    T::deserialize(ElemDe {
        e: root,
        root: true,
    })
    .map_err(|e| decode_error(text, e))
}

/// Reads a list from Coupa XML: a root with `type="array"`, or a single object (a list of one).
pub fn list_from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<Vec<T>, DecodeError> {
    let text = utf8(bytes)?;
    let root = parse(text).map_err(|e| decode_error(text, e))?;
    refuse_error_body(text, &root)?;
    if root.is_array() || root.nil {
        Vec::<T>::deserialize(ElemDe {
            e: &root,
            root: true,
        })
        .map_err(|e| decode_error(text, e))
    } else {
        T::deserialize(ElemDe {
            e: &root,
            root: true,
        })
        .map(|one| vec![one])
        .map_err(|e| decode_error(text, e))
    }
}

fn refuse_error_body(text: &str, root: &Elem) -> Result<(), DecodeError> {
    if root.name != "errors" || root.is_array() {
        return Ok(());
    }
    let messages: Vec<&str> = root
        .children
        .iter()
        .map(|c| c.text.trim())
        .filter(|t| !t.is_empty())
        .collect();
    let (line, column) = position(text, root.offset);
    Err(DecodeError {
        format: Format::Xml,
        line,
        column,
        path: None,
        message: format!(
            "this is Coupa's error body, not an object: {}",
            messages.join("; ")
        ),
    })
}

/// Reads XML into a JSON value by Coupa's conventions (types from the `type` attributes).
pub fn to_json_value(bytes: &[u8]) -> Result<serde_json::Value, DecodeError> {
    from_slice(bytes)
}

#[derive(Clone, Copy)]
struct ElemDe<'a> {
    e: &'a Elem,
    root: bool,
}

impl ElemDe<'_> {
    fn finish<T>(&self, r: Result<T, XmlError>) -> Result<T, XmlError> {
        r.map_err(|err| self.tag(err))
    }

    /// Places an error at this element, and names it in the error's path.
    fn tag(&self, mut err: XmlError) -> XmlError {
        if err.offset.is_none() {
            err.offset = Some(self.e.offset);
        }
        if !self.root && err.tagged != Some(self.e.offset) {
            err.path.push(self.e.name.clone());
            err.tagged = Some(self.e.offset);
        }
        err
    }

    fn has_children(&self) -> bool {
        !self.e.children.is_empty()
    }

    fn scalar(&self) -> Result<&str, XmlError> {
        if self.has_children() {
            return Err(de::Error::custom(format!(
                "<{}> holds elements where a value was expected",
                self.e.name
            )));
        }
        Ok(&self.e.text)
    }

    fn parse_num<N: std::str::FromStr>(&self, what: &str) -> Result<N, XmlError> {
        let t = self.scalar()?.trim();
        t.parse::<N>()
            .map_err(|_| de::Error::custom(format!("`{t}` is not {what}")))
    }

    /// [`Deserializer::deserialize_any`] for a list, an element holding elements, or an empty
    /// object as this module writes one.
    #[inline(never)]
    fn any_container<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        let e = self.e;
        if e.is_array() {
            visitor.visit_seq(Seq::children(e))
        } else if e.children.is_empty() {
            // `type="hash"`: an empty object (Coupa never sends one).
            visitor.visit_map(Groups {
                groups: Vec::new().into_iter(),
                value: None,
            })
        } else {
            // Untyped: elements repeated under one parent are a list (`<errors><error>..`).
            let groups = group_children(e);
            if groups.len() == 1 && groups[0].1.len() > 1 {
                visitor.visit_seq(Seq::group(
                    groups.into_iter().next().map(|g| g.1).unwrap_or_default(),
                ))
            } else {
                visitor.visit_map(Groups {
                    groups: groups.into_iter(),
                    value: None,
                })
            }
        }
    }

    /// [`Deserializer::deserialize_any`] for a value, typed by its `type` attribute.
    #[inline(never)]
    fn any_scalar<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        let e = self.e;
        match e.ty.as_deref() {
            Some("integer") => match e.text.trim().parse::<i64>() {
                Ok(i) => visitor.visit_i64(i),
                Err(_) => match e.text.trim().parse::<u64>() {
                    Ok(u) => visitor.visit_u64(u),
                    Err(_) => Err(de::Error::custom(format!(
                        "`{}` is not an integer",
                        e.text.trim()
                    ))),
                },
            },
            Some("boolean") => match e.text.trim() {
                "true" => visitor.visit_bool(true),
                "false" => visitor.visit_bool(false),
                other => Err(de::Error::custom(format!("`{other}` is not a boolean"))),
            },
            Some("float" | "double") => match e.text.trim().parse::<f64>() {
                Ok(f) => visitor.visit_f64(f),
                Err(_) => Err(de::Error::custom(format!(
                    "`{}` is not a number",
                    e.text.trim()
                ))),
            },
            // decimal, dateTime, date, symbol, string and untyped values are text.
            _ => visitor.visit_str(&e.text),
        }
    }

    /// The error for an element that cannot be an object, if it cannot.
    fn not_an_object(&self) -> Option<XmlError> {
        let what = if self.e.is_array() {
            "is a list"
        } else if !self.e.text.trim().is_empty() && !self.has_children() {
            "holds text"
        } else {
            return None;
        };
        Some(de::Error::custom(format!(
            "<{}> {what} where an object was expected",
            self.e.name
        )))
    }

    /// A struct: each child is one field; a repeated one is a duplicate field. (A function of
    /// its own, apart from [`ElemDe::open_object`]: a model's visitor is instantiated with this
    /// one map reader only.)
    fn structure<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        let r = match self.not_an_object() {
            Some(err) => Err(err),
            None => {
                let mut fields = Map {
                    items: self.e.children.iter(),
                    value: None,
                };
                let r = visitor.visit_map(&mut fields);
                // An error between a field's name and its value is about the name (a duplicate
                // field): place it at that element rather than at this one.
                r.map_err(|err| match fields.value {
                    Some(e) if err.offset.is_none() => ElemDe { e, root: false }.tag(err),
                    _ => err,
                })
            }
        };
        self.finish(r)
    }

    /// A map (an open object): children repeated under one name are one entry holding a list,
    /// as the untyped reader and Rails read them, so none is lost.
    fn open_object<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        let r = match self.not_an_object() {
            Some(err) => Err(err),
            None => visitor.visit_map(Groups {
                groups: group_children(self.e).into_iter(),
                value: None,
            }),
        };
        self.finish(r)
    }
}

macro_rules! deserialize_number {
    ($($method:ident => $visit:ident, $ty:ty, $what:literal;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
            let r = if self.e.nil {
                visitor.visit_unit()
            } else {
                self.parse_num::<$ty>($what).and_then(|n| visitor.$visit(n))
            };
            self.finish(r)
        }
    )*};
}

impl<'de> Deserializer<'de> for ElemDe<'_> {
    type Error = XmlError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        // The branches live in functions of their own: in a debug build every temporary of every
        // branch takes room in the frame, and this frame is on the path of every nested level.
        let r = if self.e.nil {
            visitor.visit_unit()
        } else if self.e.is_array() || self.has_children() || self.e.ty.as_deref() == Some(HASH) {
            self.any_container(visitor)
        } else {
            self.any_scalar(visitor)
        };
        self.finish(r)
    }

    deserialize_number! {
        deserialize_i8 => visit_i8, i8, "an integer";
        deserialize_i16 => visit_i16, i16, "an integer";
        deserialize_i32 => visit_i32, i32, "an integer";
        deserialize_i64 => visit_i64, i64, "an integer";
        deserialize_u8 => visit_u8, u8, "a non-negative integer";
        deserialize_u16 => visit_u16, u16, "a non-negative integer";
        deserialize_u32 => visit_u32, u32, "a non-negative integer";
        deserialize_u64 => visit_u64, u64, "a non-negative integer";
        deserialize_f32 => visit_f32, f32, "a number";
        deserialize_f64 => visit_f64, f64, "a number";
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        let r = if self.e.nil {
            visitor.visit_unit()
        } else {
            match self.scalar().map(str::trim) {
                Ok("true") => visitor.visit_bool(true),
                Ok("false") => visitor.visit_bool(false),
                Ok(other) => Err(de::Error::custom(format!("`{other}` is not a boolean"))),
                Err(e) => Err(e),
            }
        };
        self.finish(r)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        let r = if self.e.nil {
            visitor.visit_unit()
        } else {
            self.scalar().and_then(|s| visitor.visit_str(s))
        };
        self.finish(r)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        // `nil="true"` is null for every type: an integer, a list, an object.
        let r = if self.e.nil {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        };
        self.finish(r)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        self.finish(visitor.visit_unit())
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, XmlError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, XmlError> {
        let r = visitor.visit_newtype_struct(self);
        self.finish(r)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        let r = if self.e.nil {
            visitor.visit_seq(Seq::group(Vec::new()))
        } else if !self.e.text.trim().is_empty() && !self.has_children() {
            Err(de::Error::custom(format!(
                "<{}> holds text where a list was expected",
                self.e.name
            )))
        } else {
            visitor.visit_seq(Seq::children(self.e))
        };
        self.finish(r)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, XmlError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, XmlError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        self.open_object(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, XmlError> {
        self.structure(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, XmlError> {
        let r = match self.scalar() {
            Ok(s) => visitor.visit_enum(de::value::StrDeserializer::<XmlError>::new(s)),
            Err(e) => Err(e),
        };
        self.finish(r)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, XmlError> {
        visitor.visit_unit()
    }
}

/// The children of an element by name, in order of first appearance. Linear in the number of
/// children (an index by name), so an element with many distinct children is no slower to read
/// than one with many repeated ones.
fn group_children(e: &Elem) -> Vec<(&str, Vec<&Elem>)> {
    let mut groups: Vec<(&str, Vec<&Elem>)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for c in &e.children {
        match index.get(c.name.as_str()) {
            Some(&i) => groups[i].1.push(c),
            None => {
                index.insert(&c.name, groups.len());
                groups.push((&c.name, vec![c]));
            }
        }
    }
    groups
}

/// Children as map entries for untyped reads: a repeated name is one entry holding a list.
struct Groups<'a> {
    groups: std::vec::IntoIter<(&'a str, Vec<&'a Elem>)>,
    value: Option<Vec<&'a Elem>>,
}

impl<'de> MapAccess<'de> for Groups<'_> {
    type Error = XmlError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, XmlError> {
        match self.groups.next() {
            None => Ok(None),
            Some((name, elems)) => {
                self.value = Some(elems);
                seed.deserialize(de::value::StrDeserializer::<XmlError>::new(name))
                    .map(Some)
            }
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, XmlError> {
        let elems = self
            .value
            .take()
            .ok_or_else(|| <XmlError as de::Error>::custom("value before key"))?;
        match elems.as_slice() {
            [one] => seed.deserialize(ElemDe {
                e: one,
                root: false,
            }),
            _ => seed.deserialize(de::value::SeqAccessDeserializer::new(Seq::group(elems))),
        }
    }
}

/// List items: an element's children, or the elements of one name in an open object. One type
/// for both, so that a list's reader is instantiated once per item type.
struct Seq<'a> {
    items: Items<'a>,
}

enum Items<'a> {
    Children(std::slice::Iter<'a, Elem>),
    Group(std::vec::IntoIter<&'a Elem>),
}

impl<'a> Iterator for Items<'a> {
    type Item = &'a Elem;

    fn next(&mut self) -> Option<&'a Elem> {
        match self {
            Items::Children(i) => i.next(),
            Items::Group(i) => i.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Items::Children(i) => i.size_hint(),
            Items::Group(i) => i.size_hint(),
        }
    }
}

impl ExactSizeIterator for Items<'_> {}

impl<'a> Seq<'a> {
    fn children(e: &'a Elem) -> Seq<'a> {
        Seq {
            items: Items::Children(e.children.iter()),
        }
    }

    fn group(elems: Vec<&'a Elem>) -> Seq<'a> {
        Seq {
            items: Items::Group(elems.into_iter()),
        }
    }
}

impl<'de> SeqAccess<'de> for Seq<'_> {
    type Error = XmlError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, XmlError> {
        match self.items.next() {
            None => Ok(None),
            Some(e) => seed.deserialize(ElemDe { e, root: false }).map(Some),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Map<'a> {
    items: std::slice::Iter<'a, Elem>,
    value: Option<&'a Elem>,
}

impl<'de> MapAccess<'de> for Map<'_> {
    type Error = XmlError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, XmlError> {
        match self.items.next() {
            None => Ok(None),
            Some(e) => {
                self.value = Some(e);
                seed.deserialize(de::value::StrDeserializer::<XmlError>::new(&e.name))
                    .map(Some)
            }
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, XmlError> {
        let e = self
            .value
            .take()
            .ok_or_else(|| <XmlError as de::Error>::custom("value before key"))?;
        seed.deserialize(ElemDe { e, root: false })
    }
}
