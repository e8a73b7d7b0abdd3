//! The schemas as data: every resource, element and route, with the functions that read, write
//! and validate its objects. The generated crate fills [`Resource`] tables (`coupa_api::registry`)
//! so that tools working on any resource (the command line, the in-memory Coupa) need no code per
//! resource: a resource added to `schema/` is served after `cargo xtask gen`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use crate::shape::{BindTo, Element, Route, Shape};
pub use crate::vocab::{
    ActionKind, Answers, Assigned, ElementKind, Host, Method, ParamKind, Takes,
};

use crate::preserve::{Model, Preserved};
use crate::validate::{Mode, Path, UniqueStore, Validate, Violations, validate_with};
use crate::wire::{self, DecodeError, EncodeError, Format};

/// One resource: its object's shape, its routes, and the functions that read, write and validate
/// its objects.
#[derive(Debug)]
pub struct Resource {
    /// The resource's name in tools (`invoices`, `integration-runs`): its module in kebab case.
    pub name: &'static str,
    /// The plural on the wire (`invoice-headers`): the XML root of a list.
    pub plural: &'static str,
    /// The English title of Coupa's page that describes the resource, when one does.
    pub page_title: Option<&'static str>,
    /// That page's `https://` address.
    pub page_url: Option<&'static str>,
    /// The object: type name, wire name, elements and their rules.
    pub shape: &'static Shape,
    /// Host.
    pub host: Host,
    /// OAuth 2.0 scope of GET actions.
    pub read_scope: Option<&'static str>,
    /// OAuth 2.0 scope of the other actions.
    pub write_scope: Option<&'static str>,
    /// The actions, in the order of the page's table.
    pub routes: &'static [&'static Route],
    /// Reads, writes and validates the objects.
    pub codec: Codec,
    /// The list envelope (CSO).
    pub list_envelope: Option<Envelope>,
    /// The bulk-request envelope (CSO).
    pub bulk_request: Option<Envelope>,
    /// The bulk-result envelope (CSO).
    pub bulk_result: Option<Envelope>,
}

impl Resource {
    /// Schema type name (`IntegrationRun`).
    pub fn type_name(&self) -> &'static str {
        self.shape.name
    }

    /// XML root of one object (`integration-run`).
    pub fn wire_name(&self) -> &'static str {
        self.shape.wire_name
    }

    /// The elements.
    pub fn elements(&self) -> &'static [Element] {
        self.shape.elements
    }

    /// The element with this wire name.
    pub fn element(&self, name: &str) -> Option<&'static Element> {
        self.shape.elements.iter().find(|e| e.name == name)
    }

    /// The identifying element's name (`id`).
    pub fn key(&self) -> Option<&'static str> {
        self.shape.key().map(|e| e.name)
    }

    /// The action with this name.
    pub fn action(&self, name: &str) -> Option<&'static Route> {
        self.routes.iter().copied().find(|a| a.name == name)
    }
}

/// The resource in `resources` with this name (`invoices`), its plural or singular wire name
/// (`invoice-headers`, `invoice-header`), its type name (`InvoiceHeader`) or its module name
/// (`invoices`; `integration_runs` for `integration-runs`).
pub fn find(resources: &[&'static Resource], name: &str) -> Option<&'static Resource> {
    resources
        .iter()
        .copied()
        .find(|r| r.name == name || r.name.replace('-', "_") == name)
        .or_else(|| {
            resources
                .iter()
                .copied()
                .find(|r| r.plural == name || r.wire_name() == name || r.type_name() == name)
        })
}

/// The names of `resources` (plural wire names), for messages that list them.
pub fn names(resources: &[&Resource]) -> String {
    resources
        .iter()
        .map(|r| r.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// An envelope of a resource's objects.
#[derive(Debug)]
pub struct Envelope {
    /// The envelope's shape.
    pub shape: &'static Shape,
    /// The element holding the objects (`events`).
    pub items: &'static str,
    /// The element holding the count, for the list envelope (`total`).
    pub total: Option<&'static str>,
    /// Reads and writes the envelope.
    pub codec: Codec,
}

/// Validates one canonical object for a mode against a store, excluding the object keyed `except`.
pub type ValidateFn =
    fn(&Value, Mode, Option<&dyn UniqueStore>, Option<&str>) -> Result<(), Violations>;
/// Validates a batch of canonical objects under `/<key>`.
pub type ValidateBatchFn =
    fn(&[Value], Mode, Option<&dyn UniqueStore>, &str) -> Result<(), Violations>;
/// Writes canonical objects as a list under a plural root.
pub type WriteListFn = fn(Format, &str, &[Value]) -> Result<Vec<u8>, EncodeError>;

/// Functions that read, write and validate one type, through its generated model.
#[derive(Clone, Copy)]
pub struct Codec {
    /// Reads one object into its canonical JSON: wire names, aliases resolved, unknown elements
    /// left out, values checked against their types.
    pub read: fn(Format, &[u8]) -> Result<Value, DecodeError>,
    /// Reads a list (a single object is a list of one).
    pub read_list: fn(Format, &[u8]) -> Result<Vec<Value>, DecodeError>,
    /// Canonicalises a JSON value as `read` does.
    pub canonical: fn(Value) -> Result<Value, DecodeError>,
    /// Validates one canonical object for a mode, checking unique elements against a store
    /// (excluding the object keyed `except`).
    pub validate: ValidateFn,
    /// Validates a batch under `/<key>` (at the root when `key` is empty), including uniqueness
    /// inside the batch.
    pub validate_batch: ValidateBatchFn,
    /// Writes one canonical object.
    pub write: fn(Format, &Value) -> Result<Vec<u8>, EncodeError>,
    /// Writes a list under a plural root (XML).
    pub write_list: WriteListFn,
    /// Converts one object between formats, keeping what the model does not know.
    pub convert: ConvertFn,
    /// Converts a list between formats (under a plural root in XML), keeping what the model does
    /// not know.
    pub convert_list: ConvertListFn,
}

/// Converts one object from one format to another.
pub type ConvertFn = fn(Format, &[u8], Format) -> Result<Vec<u8>, String>;
/// Converts a list from one format to another, under a plural root in XML.
pub type ConvertListFn = fn(Format, &[u8], Format, &str) -> Result<Vec<u8>, String>;

impl std::fmt::Debug for Codec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Codec")
    }
}

impl Codec {
    /// The codec of a generated model.
    pub const fn of<T: Validate + Model>() -> Codec {
        Codec {
            read: read::<T>,
            read_list: read_list::<T>,
            canonical: canonical::<T>,
            validate: validate::<T>,
            validate_batch: validate_batch::<T>,
            write: write::<T>,
            write_list: write_list::<T>,
            convert: convert::<T>,
            convert_list: convert_list::<T>,
        }
    }
}

fn value_error(e: serde_json::Error) -> DecodeError {
    DecodeError {
        format: Format::Json,
        line: 0,
        column: 0,
        path: None,
        message: e.to_string(),
    }
}

fn to_value<T: Serialize>(t: &T) -> Result<Value, DecodeError> {
    serde_json::to_value(t).map_err(value_error)
}

fn read<T: Validate + Serialize + DeserializeOwned>(
    format: Format,
    bytes: &[u8],
) -> Result<Value, DecodeError> {
    to_value(&wire::decode::<T>(format, bytes)?)
}

fn read_list<T: Validate + Serialize + DeserializeOwned>(
    format: Format,
    bytes: &[u8],
) -> Result<Vec<Value>, DecodeError> {
    each(&wire::decode_list::<T>(format, bytes)?, to_value)
}

fn canonical<T: Validate + Serialize + DeserializeOwned>(v: Value) -> Result<Value, DecodeError> {
    // Read through `&Value`, as `validate` and `write` do: one deserializer fewer to
    // instantiate for every type.
    let t = T::deserialize(&v).map_err(value_error)?;
    to_value(&t)
}

fn typed<T: DeserializeOwned>(v: &Value) -> Result<T, Violations> {
    // Canonical values always decode; anything else is reported rather than trusted.
    T::deserialize(v).map_err(mismatch)
}

fn mismatch(e: serde_json::Error) -> Violations {
    Violations(vec![crate::Violation {
        path: String::new(),
        rule: crate::Rule::Format,
        value: None,
        message: format!("the object does not match its type: {e}"),
    }])
}

/// `f` of each item, or the first error. (A loop, where `collect` into a `Result` would
/// instantiate half a dozen iterator adapters for every type.)
fn each<A, B, E>(items: &[A], mut f: impl FnMut(&A) -> Result<B, E>) -> Result<Vec<B>, E> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(f(item)?);
    }
    Ok(out)
}

fn validate<T: Validate + Serialize + DeserializeOwned>(
    v: &Value,
    mode: Mode,
    store: Option<&dyn UniqueStore>,
    except: Option<&str>,
) -> Result<(), Violations> {
    let t: T = typed(v)?;
    validate_with(&t, mode, store, except)
}

fn validate_batch<T: Validate + Serialize + DeserializeOwned>(
    items: &[Value],
    mode: Mode,
    store: Option<&dyn UniqueStore>,
    key: &str,
) -> Result<(), Violations> {
    let typed_items: Vec<T> = each(items, typed)?;
    let root = Path::Root;
    let at = if key.is_empty() {
        Path::Root
    } else {
        root.key(key)
    };
    crate::validate::validate_batch(&typed_items, mode, store, &at)
}

fn write<T: Validate + Serialize + DeserializeOwned>(
    format: Format,
    v: &Value,
) -> Result<Vec<u8>, EncodeError> {
    wire::encode(format, &from_value::<T>(v)?)
}

fn write_list<T: Validate + Serialize + DeserializeOwned>(
    format: Format,
    plural: &str,
    items: &[Value],
) -> Result<Vec<u8>, EncodeError> {
    let typed_items: Vec<T> = each(items, from_value)?;
    wire::encode_list(format, plural, &typed_items)
}

/// A stored value as its model, read in place (no copy of the value).
fn from_value<T: DeserializeOwned>(v: &Value) -> Result<T, EncodeError> {
    T::deserialize(v).map_err(EncodeError::of)
}

fn convert<T: Validate + Model>(from: Format, bytes: &[u8], to: Format) -> Result<Vec<u8>, String> {
    let p = Preserved::<T>::decode(from, bytes).map_err(message)?;
    p.encode(to).map_err(message)
}

fn convert_list<T: Validate + Model>(
    from: Format,
    bytes: &[u8],
    to: Format,
    plural: &str,
) -> Result<Vec<u8>, String> {
    let items = Preserved::<T>::decode_list(from, bytes).map_err(message)?;
    Preserved::encode_list(to, plural, &items).map_err(message)
}

/// An error as the converters report it. (A function, not a closure in each generic converter,
/// so that it is compiled once per error type rather than once per model.)
fn message(e: impl std::fmt::Display) -> String {
    e.to_string()
}
