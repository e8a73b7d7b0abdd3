//! Index pages, cheaply: the records a selection matches are paged without collecting (or
//! copying) every match when the order is the store's, and a plain JSON page is written straight
//! from the stored values.
//!
//! Profiled with callgrind while listing 5,000 integration runs (issue 14), the index spent most
//! of its time in the allocator: every page collected a reference to each of the 5,000 records,
//! copied its 50 records out of the store, read each copy back into its generated model and wrote
//! the model. Stored values are canonical (the model's own JSON), so the JSON page is now written
//! from them in the model's field order ([`Ordered`]): the same bytes the typed writer gives,
//! with no copy and no typed read. XML pages, shaped pages (`fields`, `return_object`) and
//! envelopes still go through the typed writer.

use coupa_runtime::registry::Shape;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

/// A canonical value written with its object's keys in the order of the shape's elements, as the
/// generated model writes them (nested shapes too); open objects and scalars as they are.
pub(crate) struct Ordered<'a> {
    value: &'a Value,
    shape: Option<&'static Shape>,
}

impl<'a> Ordered<'a> {
    /// `value`, an object of `shape` (or a list of them).
    pub(crate) fn new(value: &'a Value, shape: Option<&'static Shape>) -> Ordered<'a> {
        Ordered { value, shape }
    }
}

impl Serialize for Ordered<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (self.value, self.shape) {
            (Value::Object(m), Some(shape)) if !shape.open => {
                let mut map = s.serialize_map(Some(m.len()))?;
                let mut written = 0;
                for e in shape.elements {
                    if let Some(v) = m.get(e.name) {
                        map.serialize_entry(e.name, &Ordered::new(v, e.struct_shape()))?;
                        written += 1;
                    }
                }
                if written < m.len() {
                    // Keys the shape does not name (a canonical value has none): after, sorted.
                    for (k, v) in m {
                        if !shape.elements.iter().any(|e| e.name == k) {
                            map.serialize_entry(k, v)?;
                        }
                    }
                }
                map.end()
            }
            (Value::Array(items), shape) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for v in items {
                    seq.serialize_element(&Ordered::new(v, shape))?;
                }
                seq.end()
            }
            (v, _) => v.serialize(s),
        }
    }
}

/// A JSON list of canonical records of `shape`, as the typed writer writes it.
pub(crate) fn json_list(shape: &'static Shape, records: &[&Value]) -> Vec<u8> {
    let mut out = Vec::with_capacity(records.len() * 512 + 2);
    let mut ser = serde_json::Serializer::new(&mut out);
    let result = (|| {
        let mut seq = ser.serialize_seq(Some(records.len()))?;
        for v in records {
            seq.serialize_element(&Ordered::new(v, Some(shape)))?;
        }
        SerializeSeq::end(seq)
    })();
    // Writing JSON into a Vec fails only on a map key that is not a string, which a Value has not.
    debug_assert!(result.is_ok());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use coupa_api::registry::RESOURCES;
    use coupa_runtime::Format;
    use serde_json::json;

    /// Records of every resource, as rich as their shapes: every element the seed can hold.
    fn samples() -> Vec<(&'static str, Value)> {
        vec![
            (
                "integration-runs",
                json!({"integration": {"code": "A", "name": "N"}, "status": "failed",
                       "total-records": 5, "records-processed": 3,
                       "start-time": "2024-01-02T03:04:05-07:00",
                       "created-by": {"id": 3, "login": "x"},
                       "flow": {"id": 4, "name": "nightly"}}),
            ),
            (
                "events",
                json!({"name": "E", "market-id": "42", "state": "Active", "description": "d"}),
            ),
            (
                "comments",
                json!({"comments": "hi", "commentable-type": "User", "commentable-id": 7}),
            ),
            (
                "integration-errors",
                json!({"contact-alert-type": "Functional", "integration-run": {"id": 1}}),
            ),
        ]
    }

    #[test]
    fn json_pages_are_the_bytes_the_typed_writer_writes() {
        let state = crate::MockState::new(crate::MockConfig::unlimited()).unwrap();
        for (name, v) in samples() {
            let added = state.seed(&json!({ name: [v.clone(), v] })).unwrap_or(0);
            assert!(added > 0 || name == "integration-errors", "{name}");
        }
        for r in RESOURCES {
            let records = state.records(r.name);
            let refs: Vec<&Value> = records.iter().collect();
            let typed = (r.codec.write_list)(Format::Json, r.name, &records).unwrap();
            assert_eq!(
                String::from_utf8(json_list(r.shape, &refs)).unwrap(),
                String::from_utf8(typed).unwrap(),
                "{}",
                r.name
            );
        }
        assert!(!state.records("integration-runs").is_empty());
    }
}
