//! Reading a payload file for a resource: a single object, a list, or the resource's bulk
//! envelope, in JSON or XML, with the position of any problem.

use coupa_runtime::registry::Resource;
use coupa_runtime::{DecodeError, Format};
use serde_json::Value;

/// What a payload file held.
#[derive(Debug)]
pub enum Payload {
    /// One object.
    One(Value),
    /// A list of objects (paths `/0/...`).
    List(Vec<Value>),
    /// A bulk envelope; the objects sit under `key` (paths `/events/0/...`).
    Envelope {
        /// The envelope's element holding the objects.
        key: &'static str,
        /// The objects.
        items: Vec<Value>,
    },
}

/// The format of a file: the one asked for, else its extension, else JSON.
pub fn format_of(path: &std::path::Path, asked: Option<Format>) -> Format {
    asked
        .or_else(|| {
            path.extension()
                .and_then(|e| e.to_str())
                .and_then(Format::from_extension)
        })
        .unwrap_or(Format::Json)
}

/// Reads a payload for `resource`. Every object is read through the resource's generated model,
/// so a value of the wrong type is reported with its line and column.
pub fn read(resource: &Resource, format: Format, bytes: &[u8]) -> Result<Payload, DecodeError> {
    // The structure first (list, envelope or object), then the typed read for positions.
    let loose: Value = coupa_runtime::wire::decode(format, bytes)?;
    match &loose {
        Value::Array(_) => Ok(Payload::List((resource.codec.read_list)(format, bytes)?)),
        Value::Object(map) => {
            if let Some(env) = &resource.bulk_request
                && map.contains_key(env.items)
            {
                let envelope = (env.codec.read)(format, bytes)?;
                let items = match envelope.get(env.items) {
                    Some(Value::Array(items)) => items.clone(),
                    _ => Vec::new(),
                };
                return Ok(Payload::Envelope {
                    key: env.items,
                    items,
                });
            }
            Ok(Payload::One((resource.codec.read)(format, bytes)?))
        }
        other => Err(DecodeError {
            format,
            line: 1,
            column: 1,
            path: None,
            message: format!(
                "expected an object, a list or a bulk envelope, found {}",
                kind(other)
            ),
        }),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Converts a payload of `resource` (an object, a list or one of its envelopes) from one format to
/// another, keeping what the schemas do not know.
pub fn convert(
    resource: &Resource,
    from: Format,
    bytes: &[u8],
    to: Format,
) -> Result<Vec<u8>, String> {
    // Coupa's error body converts as an error body, whatever the resource.
    if let Some(errors) = coupa_runtime::CoupaErrors::parse(from, bytes) {
        return errors.to_body(to).map_err(|e| e.to_string());
    }
    let loose: Value = coupa_runtime::wire::decode(from, bytes).map_err(|e| e.to_string())?;
    match &loose {
        Value::Array(_) => (resource.codec.convert_list)(from, bytes, to, resource.plural),
        Value::Object(map) => {
            // The envelope whose elements hold every key of the payload; of several, the one with
            // the fewest elements (`{"events": [...]}` is a bulk request, not a bulk result).
            let envelope = [
                &resource.bulk_request,
                &resource.list_envelope,
                &resource.bulk_result,
            ]
            .into_iter()
            .flatten()
            .filter(|env| !map.is_empty() && map.keys().all(|k| env.shape.element(k).is_some()))
            .min_by_key(|env| env.shape.elements.len());
            match envelope {
                Some(env) => (env.codec.convert)(from, bytes, to),
                None => (resource.codec.convert)(from, bytes, to),
            }
        }
        other => Err(format!(
            "expected an object, a list or an envelope, found {}",
            kind(other)
        )),
    }
}
