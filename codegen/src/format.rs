//! The schema format: the Rust types a YAML file in `schema/` is read into.
//!
//! These types are the single definition of the format. The loader reads them (through
//! [`crate::node`], so every value keeps its position), `schema/README.md` documents them key by
//! key, and `schema/schema.json` (the JSON Schema editors use for completion) is generated from
//! them by [`json_schema`], so the three cannot drift apart.

use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;

use crate::node::{Recover, Sp};

/// The vocabulary the schemas share with the runtime: defined once, in `coupa-runtime`.
pub use coupa_runtime::vocab::{ActionKind, Answers, Assigned, Host, Method, Takes};

/// One schema file: a resource (a Coupa API with its elements and actions) or a shape (an object
/// that resources refer to).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SchemaFile {
    /// `resource` for a Coupa API page, `shape` for an object other files refer to.
    pub kind: Sp<FileKind>,
    /// The type's name in PascalCase, as other files refer to it (`IntegrationRun`).
    pub name: Sp<String>,
    /// The name Coupa gives one object on the wire: the XML root element (`integration-run`).
    pub wire_name: Sp<String>,
    /// Resources: the plural on the wire (`integration-runs`): the XML root of a list, and the
    /// Rust module name.
    #[serde(default)]
    pub plural: Option<Sp<String>>,
    /// The Rust type name, when the one derived from `name` is not wanted (it would collide with a
    /// Rust keyword or a prelude type).
    #[serde(default)]
    pub rust_name: Option<Sp<String>>,
    /// What this object is, in English. Becomes the type's rustdoc.
    pub description: Sp<String>,
    /// The documentation page this file transcribes.
    pub source: Source,
    /// Resources: the host the API lives on.
    #[serde(default)]
    pub host: Option<Sp<Host>>,
    /// Resources on the Core host: the OAuth 2.0 scopes that guard the actions.
    #[serde(default)]
    pub scopes: Option<Scopes>,
    /// Resources: the element that identifies one object (`id`), used by bulk updates and deletes.
    #[serde(default)]
    pub key: Option<Sp<String>>,
    /// Resources with bulk actions: the shapes of the envelopes they exchange.
    #[serde(default)]
    pub envelopes: Option<Envelopes>,
    /// Shapes: `true` when Coupa leaves the object open (no elements are described; any keys are
    /// kept as they arrive).
    #[serde(default)]
    pub open: Sp<bool>,
    /// Departures from the page's literal text that concern the whole file, each saying what and
    /// why.
    #[serde(default)]
    pub notes: Vec<Sp<String>>,
    /// The rows of the page's element table.
    #[serde(default)]
    pub elements: Vec<Recover<Element>>,
    /// The rows of the page's action table (resources only).
    #[serde(default)]
    pub actions: Vec<Recover<Action>>,
}

/// What a schema file describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// A Coupa API: elements and actions.
    Resource,
    /// An object referred to by resources: elements only.
    Shape,
}

/// The Coupa page a file transcribes: the English page as Coupa publishes it, which any reader
/// can open.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Source {
    /// The page's English title, as Coupa writes it (`Integration Runs API`).
    pub page: Sp<String>,
    /// The page's address, an `https://` URL
    /// (`https://compass.coupa.com/en-us/products/product-documentation/...`). The generated
    /// docs link the page by it.
    #[schemars(regex(
        pattern = r"^https://[A-Za-z0-9][A-Za-z0-9\-._~:@!$&'()*+,;=%]*([/?#][A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]*)?$"
    ))]
    pub url: Sp<String>,
}

/// OAuth 2.0 scopes of a Core resource.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Scopes {
    /// Needed by GET actions (`core.integration.read`).
    pub read: Sp<String>,
    /// Needed by every other action (`core.integration.write`).
    #[serde(default)]
    pub write: Option<Sp<String>>,
}

/// The envelope shapes of a resource with bulk actions (CSO).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Envelopes {
    /// What a list answers (`{"total": N, "events": [...]}`).
    #[serde(default)]
    pub list: Option<Sp<String>>,
    /// What a bulk write sends (`{"events": [...]}`).
    #[serde(default)]
    pub bulk_request: Option<Sp<String>>,
    /// What a write answers (`{"result": [...], "added": N, ...}`).
    #[serde(default)]
    pub bulk_result: Option<Sp<String>>,
}

/// One row of an element table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Element {
    /// The wire name exactly as Coupa writes it: JSON key and XML element (`created-at`).
    pub name: Sp<String>,
    /// What the element holds, in English. Becomes the field's rustdoc.
    pub description: Sp<String>,
    /// The data type: `string`, `text`, `integer`, `decimal`, `boolean`, `datetime`, `digits`
    /// (a string of digits, CSO's ids), `object` (an object Coupa leaves open), or the `name` of a
    /// shape.
    #[serde(rename = "type")]
    pub ty: Sp<String>,
    /// `true` when the element holds a list of `type`.
    #[serde(default)]
    pub list: Sp<bool>,
    /// Maximum length in characters (`string(255)` is 255). Only for `string`, `text` and `digits`.
    #[serde(default)]
    pub length: Option<Sp<u32>>,
    /// Must be present when the object is created.
    #[serde(default)]
    pub required: Sp<bool>,
    /// Required elements only: other elements whose presence also satisfies the requirement
    /// (`integration-run` is required, unless `integration-run-id` names the run).
    #[serde(default)]
    pub alternatives: Vec<Sp<String>>,
    /// No two objects may share a value.
    #[serde(default)]
    pub unique: Sp<bool>,
    /// The values Coupa accepts. Only for `string` and `text`.
    #[serde(default)]
    pub allowed: Option<Sp<Vec<Sp<String>>>>,
    /// Whether `allowed` is compared case-sensitively (default `true`).
    #[serde(default)]
    pub case_sensitive: Option<Sp<bool>>,
    /// Accepted in requests (the page's api-in column).
    pub api_in: Sp<bool>,
    /// Returned in responses (the page's api-out column).
    pub api_out: Sp<bool>,
    /// Cannot be changed once set: an update must not carry it.
    #[serde(default)]
    pub immutable: Sp<bool>,
    /// Other names Coupa accepts for this element on input (`total_records`).
    #[serde(default)]
    pub aliases: Vec<Sp<String>>,
    /// What Coupa fills in by itself: an id, a timestamp, the acting user, a sequence number.
    #[serde(default)]
    pub assigned: Option<Sp<Assigned>>,
    /// The Rust field name, when the one derived from `name` is not wanted.
    #[serde(default)]
    pub rust_name: Option<Sp<String>>,
    /// Where and why this row departs from the page's literal text.
    #[serde(default)]
    pub note: Option<Sp<String>>,
}

/// One row of an action table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Action {
    /// The action's name, unique in its file (`create`, `run`, `show-for-invoice`).
    pub name: Sp<String>,
    /// What the action does to the resource.
    pub kind: Sp<ActionKind>,
    /// The HTTP method.
    pub method: Sp<Method>,
    /// The path, with named parameters in braces (`/api/integration_runs/{id}/run`).
    pub path: Sp<String>,
    /// What the action does, in English. Becomes rustdoc.
    pub description: Sp<String>,
    /// The host, when it differs from the file's `host`.
    #[serde(default)]
    pub host: Option<Sp<Host>>,
    /// What the request carries.
    pub takes: Sp<Takes>,
    /// What the response carries.
    pub answers: Sp<Answers>,
    /// The path parameters, in the order they appear in the path.
    #[serde(default)]
    pub params: Vec<Recover<Param>>,
    /// Status actions: the elements the action sets, and to what (`status: running`).
    #[serde(default)]
    pub sets: BTreeMap<Sp<String>, Sp<String>>,
    /// Nested routes: elements fixed by the route, either to a constant or to a path parameter
    /// written in braces (`commentable-id: "{invoice_id}"`). Set on create, matched on reads.
    #[serde(default)]
    pub binds: BTreeMap<Sp<String>, Sp<String>>,
    /// Routes that reach into a list element of one object (`attachments`).
    #[serde(default)]
    pub of: Option<Sp<String>>,
    /// The OAuth 2.0 scope, when it is not the file's read scope (GET) or write scope (others).
    #[serde(default)]
    pub scope: Option<Sp<String>>,
    /// Where and why this row departs from the page's literal text.
    #[serde(default)]
    pub note: Option<Sp<String>>,
}

/// A path parameter.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Param {
    /// The name between braces in the path (`id`, `invoice_id`).
    pub name: Sp<String>,
    /// `integer` (Core ids), `digits` (CSO ids) or `string`.
    #[serde(rename = "type")]
    pub ty: Sp<String>,
    /// What the parameter identifies.
    #[serde(default)]
    pub description: Option<Sp<String>>,
}

/// `Sp<T>` and `Recover<T>` are transparent wrappers: their JSON Schema is `T`'s.
macro_rules! transparent_json_schema {
    ($($wrapper:ident),*) => {$(
        impl<T: JsonSchema> JsonSchema for $wrapper<T> {
            fn inline_schema() -> bool {
                T::inline_schema()
            }
            fn schema_name() -> std::borrow::Cow<'static, str> {
                T::schema_name()
            }
            fn schema_id() -> std::borrow::Cow<'static, str> {
                T::schema_id()
            }
            fn json_schema(generator: &mut SchemaGenerator) -> Schema {
                T::json_schema(generator)
            }
        }
    )*};
}

transparent_json_schema!(Sp, Recover);

/// The JSON Schema of the format, for editors (`schema/schema.json`).
pub fn json_schema() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<SchemaFile>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
