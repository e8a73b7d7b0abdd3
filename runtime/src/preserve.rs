//! Keeping what the models do not know, when a caller asks for it.
//!
//! The models ignore elements they do not know (Coupa adds elements over time), which keeps the
//! common path as fast as plain serde derives. When a payload must survive a read and a write
//! unchanged (a proxy, a migration, a sync that writes back what it read), wrap it in
//! [`Preserved`]: it keeps, beside the typed value, a tree of what the model dropped (unknown
//! elements, and known elements Coupa sent as `null`), and puts it back when writing, in JSON
//! and in XML. No `#[serde(flatten)]` is involved, so models that do not use it pay nothing.
//!
//! Custom fields arrive two ways: under `custom-fields`, and (older instances) as extra top-level
//! keys. [`Preserved::custom_field`] reads both.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::shape::Shape;
use crate::wire::{self, DecodeError, EncodeError, Format};

/// A generated model: its elements and their rules. Implemented by the generated structs.
pub trait Model: Serialize + DeserializeOwned {
    /// The model's shape: its wire name, elements and rules.
    const SHAPE: &'static Shape;
}

/// A value and everything its model did not keep, so that writing it back loses nothing.
#[derive(Clone, Debug, PartialEq)]
pub struct Preserved<T> {
    /// The typed value. Change it freely; what was not understood is put back around it.
    pub value: T,
    /// What the model did not keep: unknown elements, known elements sent as `null`, and the same
    /// for nested objects (under their element's name) and lists (an array, item by item).
    pub extra: Map<String, Value>,
}

impl<T: Model> Preserved<T> {
    /// Reads a payload, keeping what the model does not know.
    pub fn decode(format: Format, bytes: &[u8]) -> Result<Preserved<T>, DecodeError> {
        // The typed read first: its errors carry positions.
        let value = wire::decode::<T>(format, bytes)?;
        let raw: Value = wire::decode(format, bytes)?;
        let extra = extra_of(&raw, T::SHAPE);
        Ok(Preserved { value, extra })
    }

    /// Wraps a value built in code (nothing extra).
    pub fn new(value: T) -> Preserved<T> {
        Preserved {
            value,
            extra: Map::new(),
        }
    }

    /// Writes the value with what was kept put back.
    pub fn encode(&self, format: Format) -> Result<Vec<u8>, EncodeError> {
        match format {
            Format::Json => {
                let mut v = serde_json::to_value(&self.value).map_err(EncodeError::of)?;
                merge(&mut v, &self.extra, T::SHAPE);
                serde_json::to_vec(&v).map_err(EncodeError::of)
            }
            Format::Xml => crate::xml::to_vec_keeping(&self.value, &self.extra, T::SHAPE)
                .map_err(EncodeError::of),
        }
    }

    /// Reads a list (a single object is a list of one), keeping what the model does not know of
    /// each item.
    pub fn decode_list(format: Format, bytes: &[u8]) -> Result<Vec<Preserved<T>>, DecodeError> {
        let values = wire::decode_list::<T>(format, bytes)?;
        let raw: Vec<Value> = wire::decode_list(format, bytes)?;
        let mut extras = raw.iter().map(|r| extra_of(r, T::SHAPE));
        let mut out = Vec::with_capacity(values.len());
        for value in values {
            let extra = extras.next().unwrap_or_default();
            out.push(Preserved { value, extra });
        }
        Ok(out)
    }

    /// Writes a list under the plural root Coupa uses in XML, each item with what was kept.
    pub fn encode_list(
        format: Format,
        plural: &str,
        items: &[Preserved<T>],
    ) -> Result<Vec<u8>, EncodeError> {
        match format {
            Format::Json => {
                let mut out = Vec::with_capacity(items.len());
                for p in items {
                    let mut v = serde_json::to_value(&p.value).map_err(EncodeError::of)?;
                    merge(&mut v, &p.extra, T::SHAPE);
                    out.push(v);
                }
                serde_json::to_vec(&out).map_err(EncodeError::of)
            }
            Format::Xml => {
                let mut values = Vec::with_capacity(items.len());
                let mut extras = Vec::with_capacity(items.len());
                for p in items {
                    values.push(&p.value);
                    extras.push(&p.extra);
                }
                crate::xml::list_to_vec_keeping(plural, &values, &extras, T::SHAPE)
                    .map_err(EncodeError::of)
            }
        }
    }

    /// A custom field, from `custom-fields` (kept or modelled) or, as older instances send them,
    /// from an extra top-level key.
    pub fn custom_field(&self, name: &str) -> Option<Value> {
        if let Some(Value::Object(cf)) = self.extra.get("custom-fields")
            && let Some(v) = cf.get(name)
        {
            return Some(v.clone());
        }
        if T::SHAPE.element("custom-fields").is_some()
            && let Ok(Value::Object(m)) = serde_json::to_value(&self.value)
            && let Some(Value::Object(cf)) = m.get("custom-fields")
            && let Some(v) = cf.get(name)
        {
            return Some(v.clone());
        }
        self.extra
            .get(name)
            .filter(|_| T::SHAPE.element(name).is_none())
            .cloned()
    }
}

/// What `shape` does not keep of `raw` (nothing of what is not an object).
fn extra_of(raw: &Value, shape: &Shape) -> Map<String, Value> {
    match raw {
        Value::Object(m) => extract(m, shape),
        _ => Map::new(),
    }
}

/// What `shape` does not keep of `raw`.
pub fn extract(raw: &Map<String, Value>, shape: &Shape) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in raw {
        let element = shape.element(k);
        match element.map(|e| e.struct_shape()) {
            None => {
                out.insert(k.clone(), v.clone());
            }
            Some(_) if v.is_null() => {
                out.insert(k.clone(), Value::Null);
            }
            Some(Some(inner)) => match v {
                Value::Object(m) => {
                    let sub = extract(m, inner);
                    if !sub.is_empty() {
                        out.insert(k.clone(), Value::Object(sub));
                    }
                }
                Value::Array(items) => {
                    let subs: Vec<Value> = items
                        .iter()
                        .map(|i| match i {
                            Value::Object(m) => Value::Object(extract(m, inner)),
                            _ => Value::Object(Map::new()),
                        })
                        .collect();
                    if subs
                        .iter()
                        .any(|s| s.as_object().is_some_and(|m| !m.is_empty()))
                    {
                        out.insert(k.clone(), Value::Array(subs));
                    }
                }
                _ => {}
            },
            Some(_) => {}
        }
    }
    out
}

/// Puts `extra` back into `tree` (what the model wrote as JSON), following `shape` into nested
/// objects and lists. A known element the value now holds is never overwritten, and a kept nested
/// object only goes back into the value's own. The XML writer does the same in one pass
/// (`crate::xml::to_vec_keeping`).
pub(crate) fn merge(tree: &mut Value, extra: &Map<String, Value>, shape: &Shape) {
    let Value::Object(tree) = tree else {
        return;
    };
    for (k, v) in extra {
        let nested = shape.element(k).and_then(|e| e.struct_shape());
        match (nested, v) {
            (Some(inner), Value::Object(sub)) => {
                if let Some(child @ Value::Object(_)) = tree.get_mut(k) {
                    merge(child, sub, inner);
                }
            }
            (Some(inner), Value::Array(subs)) => {
                if let Some(Value::Array(items)) = tree.get_mut(k) {
                    for (item, sub) in items.iter_mut().zip(subs) {
                        if let Value::Object(sub) = sub {
                            merge(item, sub, inner);
                        }
                    }
                }
            }
            _ => {
                if !tree.contains_key(k) {
                    tree.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::shape::{Element, Shape};
    use crate::vocab::ElementKind;

    static INNER: Shape = Shape::new(
        "Inner",
        "inner",
        &[Element::new("code", ElementKind::String)],
    );
    static OUTER: Shape = Shape::new(
        "Outer",
        "outer",
        &[
            Element::new("id", ElementKind::Integer),
            Element::new("total-records", ElementKind::Integer).aliases(&["total_records"]),
            Element::nested("inner", &INNER),
            Element::nested("items", &INNER).list(),
        ],
    );

    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(rename = "outer")]
    struct Outer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<i64>,
    }

    #[test]
    fn extracts_unknown_and_null_and_nested_and_merges_back() {
        let raw = serde_json::json!({
            "id": 1, "new-thing": [1, 2], "total_records": 3, "gone": null,
            "inner": {"code": "A", "extra": true, "code2": null},
            "items": [{"code": "x"}, {"code": "y", "z": 1}]
        });
        let extra = extract(raw.as_object().unwrap(), &OUTER);
        assert_eq!(
            Value::Object(extra.clone()),
            serde_json::json!({"new-thing": [1, 2], "gone": null, "inner": {"extra": true, "code2": null}, "items": [{}, {"z": 1}]})
        );
        // What the model wrote (aliases written canonically, nulls left out).
        let mut typed = serde_json::json!({"id": 1, "total-records": 3, "inner": {"code": "A"}, "items": [{"code": "x"}, {"code": "y"}]});
        merge(&mut typed, &extra, &OUTER);
        assert_eq!(
            typed,
            serde_json::json!({
                "id": 1, "new-thing": [1, 2], "total-records": 3, "gone": null,
                "inner": {"code": "A", "extra": true, "code2": null},
                "items": [{"code": "x"}, {"code": "y", "z": 1}]
            })
        );
    }

    #[test]
    fn a_kept_key_xml_cannot_name_is_an_error_when_writing_xml() {
        // Review finding: the merge wrote `<a b>` and `coupa convert` exited 0 with bad XML.
        let typed = Outer { id: Some(1) };
        for key in ["a b", "1st", "x`"] {
            let raw = serde_json::json!({ "id": 1, "new": { key: 2 } });
            let extra = extract(raw.as_object().unwrap(), &OUTER);
            let e = crate::xml::to_vec_keeping(&typed, &extra, &OUTER).unwrap_err();
            assert!(
                e.to_string().contains("cannot be an XML element name"),
                "{e}"
            );
        }
        let raw = serde_json::json!({ "id": 1, "new-thing": { "ok": [1] } });
        let extra = extract(raw.as_object().unwrap(), &OUTER);
        let out = crate::xml::to_vec_keeping(&typed, &extra, &OUTER).unwrap();
        let back: Value = crate::xml::from_slice(&out).unwrap();
        assert_eq!(back["new-thing"]["ok"], serde_json::json!([1]));
    }

    #[test]
    fn a_value_set_since_is_not_overwritten() {
        let raw = serde_json::json!({"id": null});
        let extra = extract(raw.as_object().unwrap(), &OUTER);
        let mut typed = serde_json::json!({"id": 7});
        merge(&mut typed, &extra, &OUTER);
        assert_eq!(typed, serde_json::json!({"id": 7}));
    }
}
