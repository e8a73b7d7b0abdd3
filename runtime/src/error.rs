//! Coupa's error bodies, as one typed error.
//!
//! JSON: `{"errors": {"<resource>": ["message", ...]}}`. XML:
//! `<errors><error>message</error>...</errors>`, which names no resource. A GET with no results
//! answers `[]` in JSON and 404 in XML; [`CoupaErrors::is_no_results`] recognises the latter.

use std::collections::BTreeMap;

use crate::wire::{EncodeError, Format};

/// The messages of a Coupa error body, by resource.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CoupaErrors {
    /// Messages by the resource Coupa named (JSON bodies).
    pub by_resource: BTreeMap<String, Vec<String>>,
    /// Messages that name no resource (XML bodies, and JSON bodies with a plain list).
    pub general: Vec<String>,
}

/// The text Coupa's XML 404 uses when a query matches nothing.
pub const NO_RESULTS: &str = "No results match your search criteria.";

impl CoupaErrors {
    /// An error about `resource` with these messages.
    pub fn for_resource(resource: &str, messages: impl IntoIterator<Item = String>) -> CoupaErrors {
        let mut by_resource = BTreeMap::new();
        by_resource.insert(resource.to_owned(), messages.into_iter().collect());
        CoupaErrors {
            by_resource,
            general: Vec::new(),
        }
    }

    /// Every message, resource by resource, then the general ones.
    pub fn messages(&self) -> impl Iterator<Item = &str> {
        self.by_resource
            .values()
            .flatten()
            .chain(self.general.iter())
            .map(String::as_str)
    }

    /// The messages about one resource.
    pub fn for_(&self, resource: &str) -> &[String] {
        self.by_resource
            .get(resource)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// True for the XML 404 that means an empty result.
    pub fn is_no_results(&self) -> bool {
        self.messages().any(|m| m.trim() == NO_RESULTS)
    }

    /// Reads an error body; `None` when the body is not one.
    pub fn parse(format: Format, bytes: &[u8]) -> Option<CoupaErrors> {
        match format {
            Format::Json => {
                // Through the wire's reader: its depth limit holds for error bodies too.
                let v: serde_json::Value = crate::wire::decode(Format::Json, bytes).ok()?;
                let errors = v.get("errors")?;
                let mut out = CoupaErrors::default();
                match errors {
                    serde_json::Value::Object(m) => {
                        for (resource, msgs) in m {
                            out.by_resource.insert(resource.clone(), strings(msgs));
                        }
                    }
                    other => out.general = strings(other),
                }
                Some(out)
            }
            Format::Xml => {
                let v = crate::xml::error_body(bytes)?;
                let mut out = CoupaErrors::default();
                // `<errors><error>a</error><error>b</error></errors>` reads as a list, a single
                // `<error>` as an object with one key.
                match &v {
                    serde_json::Value::Object(m) => {
                        for msgs in m.values() {
                            out.general.extend(strings(msgs));
                        }
                    }
                    other => out
                        .general
                        .extend(strings(other).into_iter().filter(|s| !s.trim().is_empty())),
                }
                Some(out)
            }
        }
    }

    /// Writes the body Coupa would send.
    pub fn to_body(&self, format: Format) -> Result<Vec<u8>, EncodeError> {
        match format {
            Format::Json => {
                let mut m = serde_json::Map::new();
                for (r, msgs) in &self.by_resource {
                    m.insert(r.clone(), serde_json::json!(msgs));
                }
                if !self.general.is_empty() {
                    let base = m.entry("base").or_insert_with(|| serde_json::json!([]));
                    if let Some(a) = base.as_array_mut() {
                        a.extend(
                            self.general
                                .iter()
                                .map(|g| serde_json::Value::String(g.clone())),
                        );
                    }
                }
                serde_json::to_vec(&serde_json::json!({ "errors": m })).map_err(EncodeError::of)
            }
            Format::Xml => {
                let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<errors>");
                for m in self.messages() {
                    out.push_str("<error>");
                    out.push_str(&quick_xml::escape::escape(m));
                    out.push_str("</error>");
                }
                out.push_str("</errors>\n");
                Ok(out.into_bytes())
            }
        }
    }
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::Array(items) => items.iter().flat_map(strings).collect(),
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Null => Vec::new(),
        other => vec![other.to_string()],
    }
}

impl std::fmt::Display for CoupaErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for (r, msgs) in &self.by_resource {
            for m in msgs {
                if !first {
                    f.write_str("; ")?;
                }
                first = false;
                write!(f, "{r}: {m}")?;
            }
        }
        for m in &self.general {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            f.write_str(m)?;
        }
        Ok(())
    }
}

impl std::error::Error for CoupaErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_bodies_per_resource() {
        let e = CoupaErrors::parse(Format::Json, br#"{"errors": {"integration-run": ["Integration can't be blank", "Status is invalid"]}}"#).unwrap();
        assert_eq!(
            e.for_("integration-run"),
            ["Integration can't be blank", "Status is invalid"]
        );
        assert_eq!(e.messages().count(), 2);
        assert!(CoupaErrors::parse(Format::Json, br#"{"id": 1}"#).is_none());
        assert!(CoupaErrors::parse(Format::Json, b"not json").is_none());
    }

    #[test]
    fn reads_xml_bodies_and_the_no_results_404() {
        let e = CoupaErrors::parse(Format::Xml, b"<?xml version=\"1.0\"?><errors><error>Name can't be blank</error><error>Code is taken</error></errors>").unwrap();
        assert_eq!(e.general, ["Name can't be blank", "Code is taken"]);
        let e = CoupaErrors::parse(
            Format::Xml,
            b"<errors><error>No results match your search criteria.</error></errors>",
        )
        .unwrap();
        assert!(e.is_no_results());
        assert!(CoupaErrors::parse(Format::Xml, b"<user><id>1</id></user>").is_none());
    }

    #[test]
    fn writes_what_it_reads() {
        let e = CoupaErrors::for_resource(
            "event",
            vec!["State is invalid".to_owned(), "a < b & c".to_owned()],
        );
        for f in [Format::Json, Format::Xml] {
            let body = e.to_body(f).unwrap();
            let back = CoupaErrors::parse(f, &body).unwrap();
            assert_eq!(
                back.messages().collect::<Vec<_>>(),
                e.messages().collect::<Vec<_>>(),
                "{f}"
            );
        }
    }
}
