//! Writing: one serde serializer that writes Coupa XML text directly, with the `type`
//! attributes Coupa writes, and (for [`crate::Preserved`]) what the model did not keep, in the
//! same pass.

use std::borrow::Cow;
use std::fmt;

use quick_xml::escape::escape;
use serde::Serialize;
use serde::ser;
use serde_json::{Map, Value};

use super::tree::{MAX_DEPTH, is_element_name};
use crate::format::bounded;
use crate::shape::Shape;
use crate::value::{DATE_MARKER, DATETIME_MARKER, DECIMAL_MARKER, TIME_MARKER};

/// A value that cannot be written as Coupa XML.
#[derive(Debug)]
pub struct XmlWriteError(String);

impl fmt::Display for XmlWriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for XmlWriteError {}

impl ser::Error for XmlWriteError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        XmlWriteError(msg.to_string())
    }
}

const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// Writes one object as Coupa XML; the root element is the type's wire name (`integration-run`).
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, XmlWriteError> {
    document(None, Keep::Nothing, value)
}

/// Writes a list as Coupa XML under `<plural type="array">`.
pub fn list_to_vec<T: Serialize>(plural: &str, items: &[T]) -> Result<Vec<u8>, XmlWriteError> {
    check_name(plural)?;
    document(Some(plural), Keep::Nothing, items)
}

/// Writes a JSON value as Coupa XML under `root` (open objects, the mock's stored records).
pub fn value_to_vec(root: &str, value: &serde_json::Value) -> Result<Vec<u8>, XmlWriteError> {
    check_name(root)?;
    document(Some(root), Keep::Nothing, value)
}

/// [`to_vec`], writing `extra` (what the model of `shape` did not keep, see [`crate::preserve`])
/// back in the same pass: each kept element after the model's own, nested ones inside their
/// object. A kept element never overwrites one the value holds.
pub(crate) fn to_vec_keeping<T: Serialize + ?Sized>(
    value: &T,
    extra: &Map<String, Value>,
    shape: &'static Shape,
) -> Result<Vec<u8>, XmlWriteError> {
    document(None, Keep::Object(extra, shape), value)
}

/// [`list_to_vec`], writing `extras[i]` back into the i-th item.
pub(crate) fn list_to_vec_keeping<T: Serialize>(
    plural: &str,
    items: &[T],
    extras: &[&Map<String, Value>],
    shape: &'static Shape,
) -> Result<Vec<u8>, XmlWriteError> {
    check_name(plural)?;
    document(Some(plural), Keep::Each(extras, shape), items)
}

fn document<T: Serialize + ?Sized>(
    root: Option<&str>,
    keep: Keep<'_>,
    value: &T,
) -> Result<Vec<u8>, XmlWriteError> {
    let mut out = String::from(DECL);
    value.serialize(ElemSer {
        out: &mut out,
        name: root.map(Cow::Borrowed),
        depth: 0,
        keep,
    })?;
    out.push('\n');
    Ok(out.into_bytes())
}

/// What the model did not keep, to be written beside what it did.
#[derive(Clone, Copy)]
enum Keep<'k> {
    /// Nothing to add.
    Nothing,
    /// The kept elements of one object of `shape`.
    Object(&'k Map<String, Value>, &'static Shape),
    /// The kept elements of each item of a list, as `Preserved` holds them: an array of objects.
    Items(&'k [Value], &'static Shape),
    /// The same, for the items of a top-level list.
    Each(&'k [&'k Map<String, Value>], &'static Shape),
}

impl<'k> Keep<'k> {
    /// What to keep for the element `key` of an object.
    fn child(self, key: &str) -> Keep<'k> {
        let Keep::Object(extra, shape) = self else {
            return Keep::Nothing;
        };
        let Some(inner) = shape.element(key).and_then(|e| e.struct_shape()) else {
            return Keep::Nothing;
        };
        match extra.get(key) {
            Some(Value::Object(sub)) => Keep::Object(sub, inner),
            Some(Value::Array(items)) => Keep::Items(items, inner),
            _ => Keep::Nothing,
        }
    }

    /// What to keep for the `i`-th item of a list.
    fn item(self, i: usize) -> Keep<'k> {
        match self {
            Keep::Items(items, shape) => match items.get(i) {
                Some(Value::Object(sub)) => Keep::Object(sub, shape),
                _ => Keep::Nothing,
            },
            Keep::Each(extras, shape) => match extras.get(i) {
                Some(sub) => Keep::Object(sub, shape),
                None => Keep::Nothing,
            },
            _ => Keep::Nothing,
        }
    }

    /// The kept elements to write at the end of an object that wrote `written`: those the value
    /// does not hold. A kept nested object or list only goes back into the value's own (an
    /// object the value no longer holds takes its kept elements with it).
    fn rest(self, written: &[&str]) -> impl Iterator<Item = (&'k String, &'k Value)> {
        let (extra, shape) = match self {
            Keep::Object(extra, shape) => (Some(extra), Some(shape)),
            _ => (None, None),
        };
        extra.into_iter().flatten().filter(move |(k, v)| {
            let nested = shape
                .and_then(|s| s.element(k))
                .and_then(|e| e.struct_shape())
                .is_some();
            !written.contains(&k.as_str()) && !(nested && (v.is_object() || v.is_array()))
        })
    }
}

fn check_name(name: &str) -> Result<(), XmlWriteError> {
    if is_element_name(name) {
        Ok(())
    } else {
        Err(XmlWriteError(format!(
            "`{}` cannot be an XML element name",
            bounded(name.to_owned())
        )))
    }
}

/// The element name of one item of a collection: the collection's name in the singular, as
/// Rails writes it (`roles` → `role`, `allowed-invoice-inboxes` → `allowed-invoice-inbox`).
pub fn singular(name: &str) -> Cow<'_, str> {
    let (head, last) = match name.rfind('-') {
        Some(i) => (&name[..=i], &name[i + 1..]),
        None => ("", name),
    };
    let one = if let Some(stem) = last.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = last.strip_suffix("sses") {
        format!("{stem}ss")
    } else if let Some(stem) = ["xes", "ches", "shes", "uses"]
        .iter()
        .find_map(|s| last.strip_suffix(s).map(|st| (st, s)))
    {
        format!("{}{}", stem.0, &stem.1[..stem.1.len() - 2])
    } else if let Some(stem) = last
        .strip_suffix('s')
        .filter(|s| !s.ends_with('s') && !s.is_empty())
    {
        stem.to_owned()
    } else {
        return Cow::Borrowed(name);
    };
    Cow::Owned(format!("{head}{one}"))
}

fn kebab_of_type(name: &str) -> String {
    // A struct without a wire-name rename: `IntegrationRun` → `integration-run`.
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

struct ElemSer<'o> {
    out: &'o mut String,
    /// The element's name; `None` at the root, where the type's name is used.
    name: Option<Cow<'o, str>>,
    depth: usize,
    /// What the model did not keep of this value, to write with it.
    keep: Keep<'o>,
}

impl<'o> ElemSer<'o> {
    fn name_or(&self, fallback: &str) -> Result<String, XmlWriteError> {
        let n = match &self.name {
            Some(n) => n.to_string(),
            None => kebab_of_type(fallback),
        };
        check_name(&n)?;
        Ok(n)
    }

    fn leaf(self, ty: Option<&str>, text: &str) -> Result<(), XmlWriteError> {
        let name = self.name_or("value")?;
        self.out.push('<');
        self.out.push_str(&name);
        if let Some(t) = ty {
            self.out.push_str(" type=\"");
            self.out.push_str(t);
            self.out.push('"');
        }
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str("</");
        self.out.push_str(&name);
        self.out.push('>');
        Ok(())
    }

    fn nil(self) -> Result<(), XmlWriteError> {
        let name = self.name_or("value")?;
        self.out.push('<');
        self.out.push_str(&name);
        self.out.push_str(" nil=\"true\"/>");
        Ok(())
    }

    fn deeper(&self) -> Result<usize, XmlWriteError> {
        if self.depth >= MAX_DEPTH {
            return Err(XmlWriteError(format!(
                "values are nested more than {MAX_DEPTH} deep"
            )));
        }
        Ok(self.depth + 1)
    }
}

macro_rules! ser_integer {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<(), XmlWriteError> {
            self.leaf(Some("integer"), &v.to_string())
        }
    )*};
}

impl<'o> ser::Serializer for ElemSer<'o> {
    type Ok = ();
    type Error = XmlWriteError;
    type SerializeSeq = SeqSer<'o>;
    type SerializeTuple = SeqSer<'o>;
    type SerializeTupleStruct = SeqSer<'o>;
    type SerializeTupleVariant = ser::Impossible<(), XmlWriteError>;
    type SerializeMap = MapSer<'o>;
    type SerializeStruct = MapSer<'o>;
    type SerializeStructVariant = ser::Impossible<(), XmlWriteError>;

    ser_integer!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128);

    fn serialize_bool(self, v: bool) -> Result<(), XmlWriteError> {
        self.leaf(Some("boolean"), if v { "true" } else { "false" })
    }
    fn serialize_f32(self, v: f32) -> Result<(), XmlWriteError> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), XmlWriteError> {
        if !v.is_finite() {
            return Err(XmlWriteError("a number must be finite".to_owned()));
        }
        self.leaf(Some("float"), &v.to_string())
    }
    fn serialize_char(self, v: char) -> Result<(), XmlWriteError> {
        self.leaf(None, v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), XmlWriteError> {
        self.leaf(None, v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), XmlWriteError> {
        Err(XmlWriteError(
            "bytes cannot be written as Coupa XML".to_owned(),
        ))
    }
    fn serialize_none(self) -> Result<(), XmlWriteError> {
        self.nil()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), XmlWriteError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), XmlWriteError> {
        self.nil()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), XmlWriteError> {
        self.nil()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), XmlWriteError> {
        self.leaf(None, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), XmlWriteError> {
        let ty = match name {
            DATETIME_MARKER => "dateTime",
            DECIMAL_MARKER => "decimal",
            DATE_MARKER => "date",
            TIME_MARKER => "time",
            _ => return value.serialize(self),
        };
        let text = value.serialize(TextSer)?;
        self.leaf(Some(ty), &text)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), XmlWriteError> {
        Err(XmlWriteError(
            "enum variants with data cannot be written as Coupa XML".to_owned(),
        ))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<SeqSer<'o>, XmlWriteError> {
        let depth = self.deeper()?;
        let name = self.name_or("values")?;
        self.out.push('<');
        self.out.push_str(&name);
        self.out.push_str(" type=\"array\">");
        let item = singular(&name).into_owned();
        Ok(SeqSer {
            out: self.out,
            name,
            item,
            depth,
            keep: self.keep,
            index: 0,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer<'o>, XmlWriteError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<SeqSer<'o>, XmlWriteError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, XmlWriteError> {
        Err(XmlWriteError(
            "enum variants with data cannot be written as Coupa XML".to_owned(),
        ))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<MapSer<'o>, XmlWriteError> {
        self.open_map("object", true)
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<MapSer<'o>, XmlWriteError> {
        self.open_map(name, false)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, XmlWriteError> {
        Err(XmlWriteError(
            "enum variants with data cannot be written as Coupa XML".to_owned(),
        ))
    }
}

impl<'o> ElemSer<'o> {
    fn open_map(self, type_name: &str, mark_empty: bool) -> Result<MapSer<'o>, XmlWriteError> {
        let depth = self.deeper()?;
        let name = self.name_or(type_name)?;
        self.out.push('<');
        self.out.push_str(&name);
        let open_at = self.out.len();
        self.out.push('>');
        Ok(MapSer {
            out: self.out,
            name,
            key: None,
            depth,
            open_at,
            mark_empty,
            keep: self.keep,
            written: Vec::new(),
        })
    }
}

struct SeqSer<'o> {
    out: &'o mut String,
    name: String,
    item: String,
    depth: usize,
    keep: Keep<'o>,
    /// The index of the next item.
    index: usize,
}

impl ser::SerializeSeq for SeqSer<'_> {
    type Ok = ();
    type Error = XmlWriteError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), XmlWriteError> {
        let keep = self.keep.item(self.index);
        self.index += 1;
        value.serialize(ElemSer {
            out: self.out,
            name: Some(Cow::Borrowed(&self.item)),
            depth: self.depth,
            keep,
        })
    }
    fn end(self) -> Result<(), XmlWriteError> {
        self.out.push_str("</");
        self.out.push_str(&self.name);
        self.out.push('>');
        Ok(())
    }
}

impl ser::SerializeTuple for SeqSer<'_> {
    type Ok = ();
    type Error = XmlWriteError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), XmlWriteError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), XmlWriteError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for SeqSer<'_> {
    type Ok = ();
    type Error = XmlWriteError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), XmlWriteError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), XmlWriteError> {
        ser::SerializeSeq::end(self)
    }
}

struct MapSer<'o> {
    out: &'o mut String,
    name: String,
    key: Option<String>,
    depth: usize,
    /// Where the start tag's `>` is, to mark the element `type="hash"` if nothing goes inside.
    open_at: usize,
    /// An open map (not a struct, whose shape says it is an object): mark it when empty.
    mark_empty: bool,
    keep: Keep<'o>,
    /// The elements written so far, when something kept is to be written after them.
    written: Vec<&'static str>,
}

impl ser::SerializeMap for MapSer<'_> {
    type Ok = ();
    type Error = XmlWriteError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), XmlWriteError> {
        self.key = Some(key.serialize(TextSer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), XmlWriteError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| XmlWriteError("value before key".to_owned()))?;
        value.serialize(ElemSer {
            out: self.out,
            name: Some(Cow::Owned(key)),
            depth: self.depth,
            keep: Keep::Nothing,
        })
    }
    fn end(self) -> Result<(), XmlWriteError> {
        for (key, value) in self.keep.rest(&self.written) {
            value.serialize(ElemSer {
                out: &mut *self.out,
                name: Some(Cow::Borrowed(key)),
                depth: self.depth,
                keep: Keep::Nothing,
            })?;
        }
        if self.mark_empty && self.out.len() == self.open_at + 1 {
            // Nothing inside: say it is an (empty) object, or it would read back as "".
            self.out.insert_str(self.open_at, " type=\"hash\"");
        }
        self.out.push_str("</");
        self.out.push_str(&self.name);
        self.out.push('>');
        Ok(())
    }
}

impl ser::SerializeStruct for MapSer<'_> {
    type Ok = ();
    type Error = XmlWriteError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), XmlWriteError> {
        let keep = self.keep.child(key);
        if matches!(self.keep, Keep::Object(..)) {
            self.written.push(key);
        }
        value.serialize(ElemSer {
            out: self.out,
            name: Some(Cow::Borrowed(key)),
            depth: self.depth,
            keep,
        })
    }
    fn end(self) -> Result<(), XmlWriteError> {
        ser::SerializeMap::end(self)
    }
}

/// Serialises a scalar to its text (map keys, newtype-marked values).
struct TextSer;

macro_rules! text_display {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<String, XmlWriteError> {
            Ok(v.to_string())
        }
    )*};
}

impl ser::Serializer for TextSer {
    type Ok = String;
    type Error = XmlWriteError;
    type SerializeSeq = ser::Impossible<String, XmlWriteError>;
    type SerializeTuple = ser::Impossible<String, XmlWriteError>;
    type SerializeTupleStruct = ser::Impossible<String, XmlWriteError>;
    type SerializeTupleVariant = ser::Impossible<String, XmlWriteError>;
    type SerializeMap = ser::Impossible<String, XmlWriteError>;
    type SerializeStruct = ser::Impossible<String, XmlWriteError>;
    type SerializeStructVariant = ser::Impossible<String, XmlWriteError>;

    text_display!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_f32: f32, serialize_f64: f64,
        serialize_char: char, serialize_str: &str);

    fn serialize_bytes(self, _: &[u8]) -> Result<String, XmlWriteError> {
        Err(XmlWriteError("expected text".to_owned()))
    }
    fn serialize_none(self) -> Result<String, XmlWriteError> {
        Err(XmlWriteError("expected text".to_owned()))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<String, XmlWriteError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, XmlWriteError> {
        Err(XmlWriteError("expected text".to_owned()))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, XmlWriteError> {
        Err(XmlWriteError("expected text".to_owned()))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
    ) -> Result<String, XmlWriteError> {
        Ok(v.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String, XmlWriteError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, XmlWriteError> {
        Err(XmlWriteError("expected text".to_owned()))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, XmlWriteError> {
        Err(XmlWriteError("expected text".to_owned()))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, XmlWriteError> {
        Err(XmlWriteError("expected text".to_owned()))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, XmlWriteError> {
        Err(XmlWriteError("expected text".to_owned()))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, XmlWriteError> {
        Err(XmlWriteError("expected text".to_owned()))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, XmlWriteError> {
        Err(XmlWriteError("expected text".to_owned()))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, XmlWriteError> {
        Err(XmlWriteError("expected text".to_owned()))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, XmlWriteError> {
        Err(XmlWriteError("expected text".to_owned()))
    }
}
