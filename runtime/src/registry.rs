//! The schemas as data: every resource, element and route, with the functions that read, write
//! and validate its objects. The generated crate fills [`Resource`] tables (`coupa_api::registry`)
//! so that tools working on any resource (the command line, the in-memory Coupa) need no code per
//! resource: a resource added to `schema/` is served after `cargo xtask gen`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::endpoint::{ActionKind, Answers, Host, Takes};
use crate::preserve::{Model, Preserved};
use crate::validate::{Mode, Path, UniqueStore, Validate, Violations, validate_with};
use crate::wire::{self, DecodeError, EncodeError, Format};

/// One resource.
#[derive(Debug)]
pub struct Resource {
    /// Plural wire name (`integration-runs`), the resource's name everywhere.
    pub name: &'static str,
    /// Schema type name (`IntegrationRun`).
    pub type_name: &'static str,
    /// XML root of one object (`integration-run`).
    pub wire_name: &'static str,
    /// Host.
    pub host: Host,
    /// The identifying element (`id`).
    pub key: Option<&'static str>,
    /// OAuth 2.0 scope of GET actions.
    pub read_scope: Option<&'static str>,
    /// OAuth 2.0 scope of the other actions.
    pub write_scope: Option<&'static str>,
    /// The elements.
    pub elements: &'static [Element],
    /// The actions.
    pub actions: &'static [Action],
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
    /// The element with this wire name.
    pub fn element(&self, name: &str) -> Option<&'static Element> {
        self.elements.iter().find(|e| e.name == name)
    }

    /// The action with this name.
    pub fn action(&self, name: &str) -> Option<&'static Action> {
        self.actions.iter().find(|a| a.name == name)
    }
}

/// An envelope of a resource's objects.
#[derive(Debug)]
pub struct Envelope {
    /// Schema type name.
    pub type_name: &'static str,
    /// The element holding the objects (`events`).
    pub items: &'static str,
    /// The element holding the count, for the list envelope (`total`).
    pub total: Option<&'static str>,
    /// The wire names of the envelope's elements.
    pub elements: &'static [&'static str],
    /// Reads and writes the envelope.
    pub codec: Codec,
}

/// The kind of an element's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementKind {
    /// Short text.
    String,
    /// Long text.
    Text,
    /// Integer.
    Integer,
    /// Decimal amount (text).
    Decimal,
    /// Boolean.
    Boolean,
    /// Datetime with offset.
    DateTime,
    /// String of digits.
    Digits,
    /// Open object.
    Object,
    /// Another shape.
    Shape,
}

/// What Coupa fills in by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assigned {
    /// The id, on create.
    Id,
    /// Creation time.
    CreatedAt,
    /// Last write time.
    UpdatedAt,
    /// Creating user.
    CreatedBy,
    /// Last writing user.
    UpdatedBy,
    /// Next number of a sequence.
    Sequence,
}

/// One element.
#[derive(Debug)]
pub struct Element {
    /// Wire name.
    pub name: &'static str,
    /// Kind of value.
    pub kind: ElementKind,
    /// For shapes: the shape's type name.
    pub shape: Option<&'static str>,
    /// A list of values.
    pub list: bool,
    /// Required on create.
    pub required: bool,
    /// Unique.
    pub unique: bool,
    /// Accepted in requests.
    pub api_in: bool,
    /// Returned in responses.
    pub api_out: bool,
    /// Cannot change once set.
    pub immutable: bool,
    /// Filled in by Coupa.
    pub assigned: Option<Assigned>,
    /// Allowed values.
    pub allowed: &'static [&'static str],
    /// Maximum length.
    pub max_len: Option<u32>,
}

/// A path parameter's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// Integer id.
    Integer,
    /// CSO id.
    Digits,
    /// Text.
    String,
}

/// What a nested route binds an element to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindTo {
    /// A constant.
    Const(&'static str),
    /// A path parameter.
    Param(&'static str),
}

/// One action.
#[derive(Debug)]
pub struct Action {
    /// Name in the schema.
    pub name: &'static str,
    /// What it does.
    pub kind: ActionKind,
    /// HTTP method.
    pub method: &'static str,
    /// Path with `{params}`.
    pub path: &'static str,
    /// Host.
    pub host: Host,
    /// Request content.
    pub takes: Takes,
    /// Response content.
    pub answers: Answers,
    /// OAuth 2.0 scope.
    pub scope: Option<&'static str>,
    /// Path parameters.
    pub params: &'static [(&'static str, ParamKind)],
    /// Elements set by the action, with their wire values.
    pub sets: &'static [(&'static str, &'static str)],
    /// Elements bound by the route.
    pub binds: &'static [(&'static str, BindTo)],
    /// The list element the route reaches into.
    pub of: Option<&'static str>,
    /// English description.
    pub description: &'static str,
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
    wire::decode_list::<T>(format, bytes)?
        .iter()
        .map(to_value)
        .collect()
}

fn canonical<T: Validate + Serialize + DeserializeOwned>(v: Value) -> Result<Value, DecodeError> {
    let t: T = serde_json::from_value(v).map_err(value_error)?;
    to_value(&t)
}

fn typed<T: DeserializeOwned>(v: &Value) -> Result<T, Violations> {
    // Canonical values always decode; anything else is reported rather than trusted.
    T::deserialize(v).map_err(|e| {
        Violations(vec![crate::Violation {
            path: String::new(),
            rule: crate::Rule::Format,
            value: None,
            message: format!("the object does not match its type: {e}"),
        }])
    })
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
    let typed_items: Vec<T> = items.iter().map(typed).collect::<Result<_, _>>()?;
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
    let typed_items: Vec<T> = items.iter().map(from_value).collect::<Result<_, _>>()?;
    wire::encode_list(format, plural, &typed_items)
}

/// A stored value as its model, read in place (no copy of the value).
fn from_value<T: DeserializeOwned>(v: &Value) -> Result<T, EncodeError> {
    T::deserialize(v).map_err(|e| EncodeError(e.to_string()))
}

fn convert<T: Validate + Model>(from: Format, bytes: &[u8], to: Format) -> Result<Vec<u8>, String> {
    let p = Preserved::<T>::decode(from, bytes).map_err(|e| e.to_string())?;
    p.encode(to).map_err(|e| e.to_string())
}

fn convert_list<T: Validate + Model>(
    from: Format,
    bytes: &[u8],
    to: Format,
    plural: &str,
) -> Result<Vec<u8>, String> {
    let items = Preserved::<T>::decode_list(from, bytes).map_err(|e| e.to_string())?;
    Preserved::encode_list(to, plural, &items).map_err(|e| e.to_string())
}
