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
pub use coupa_runtime::vocab::{ActionKind, Answers, Assigned, FormKind, Host, Method, Takes};

/// One schema file: a resource (a Coupa API with its elements and actions) or a shape (an object
/// that resources refer to). `cargo xtask import` writes them under `schema/imported/` from
/// Coupa's Swagger files and pages; the rest are written by hand.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SchemaFile {
    /// `resource` for a Coupa API page, `shape` for an object other files refer to.
    pub kind: Sp<FileKind>,
    /// The type's name in PascalCase, as other files refer to it (`IntegrationRun`).
    pub name: Sp<String>,
    /// The name Coupa gives one object on the wire: the XML root element (`integration-run`).
    pub wire_name: Sp<String>,
    /// Resources: the plural on the wire (`integration-runs`): the XML root of a list, and (unless
    /// `module` says otherwise) the resource's name and Rust module.
    #[serde(default)]
    pub plural: Option<Sp<String>>,
    /// Resources: the Rust module and the resource's name in tools (`invoices`), when it is not
    /// the plural (`invoice-headers`): the segment of the resource's path.
    #[serde(default)]
    pub module: Option<Sp<String>>,
    /// The Rust type name, when the one derived from `name` is not wanted (it would collide with a
    /// Rust keyword or a prelude type).
    #[serde(default)]
    pub rust_name: Option<Sp<String>>,
    /// What this object is, in English, in our own words (never Coupa's). Becomes the type's
    /// rustdoc, before the facts; imported files have none.
    #[serde(default)]
    pub description: Option<Sp<String>>,
    /// Where the file's facts come from.
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
    /// Hand-written changes to an imported type ([`OverrideFile`]).
    Override,
    /// The hand-written table of OAuth 2.0 scopes ([`ScopesFile`]).
    Scopes,
    /// The release manifest `cargo xtask import` writes ([`ReleaseFile`]).
    Release,
}

/// Where a file's facts come from: the English page Coupa publishes (which any reader can open)
/// and, for imported files, the product area's Swagger file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Source {
    /// The page's English title, as Coupa writes it (`Integration Runs API`). Required with `url`.
    #[serde(default)]
    pub page: Option<Sp<String>>,
    /// The page's address, an `https://` URL
    /// (`https://compass.coupa.com/en-us/products/product-documentation/...`). The generated
    /// docs link the page by it.
    #[schemars(regex(
        pattern = r"^https://[A-Za-z0-9][A-Za-z0-9\-._~:@!$&'()*+,;=%]*([/?#][A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]*)?$"
    ))]
    #[serde(default)]
    pub url: Option<Sp<String>>,
    /// Imported files: the product area whose Swagger file describes the type (`Core Platform`).
    #[serde(default)]
    pub swagger: Option<Sp<String>>,
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
    /// What the element holds, in English, in our own words. Becomes the field's rustdoc, before
    /// the facts; imported files have none.
    #[serde(default)]
    pub description: Option<Sp<String>>,
    /// The data type: `string`, `text`, `integer`, `decimal`, `float`, `boolean`, `datetime`,
    /// `date`, `time`, `digits` (a string of digits, CSO's ids), `object` (an object Coupa leaves
    /// open), or the `name` of a shape.
    #[serde(rename = "type")]
    pub ty: Sp<String>,
    /// `true` when the element holds a list of `type`.
    #[serde(default)]
    pub list: Sp<bool>,
    /// Maximum length in characters (`string(255)` is 255). Only for `string`, `text` and `digits`.
    #[serde(default)]
    pub length: Option<Sp<u32>>,
    /// Decimals: the digits a value may have in all (`decimal(32,4)` is 32). With `scale`.
    #[serde(default)]
    pub precision: Option<Sp<u8>>,
    /// Decimals: the digits after the point (`decimal(32,4)` is 4). With `precision`.
    #[serde(default)]
    pub scale: Option<Sp<u8>>,
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
    /// The values Coupa accepts. For `string`, `text` and `integer`.
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
    /// What the action does, in English, in our own words. Becomes rustdoc; imported files have
    /// none.
    #[serde(default)]
    pub description: Option<Sp<String>>,
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
    /// `takes: multipart`: the fields of the form.
    #[serde(default)]
    pub form: Vec<Recover<FormField>>,
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
#[derive(Clone, Debug, Deserialize, JsonSchema)]
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

/// A field of a multipart form.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FormField {
    /// The field's name as the form writes it (`attachment[file]`).
    pub name: Sp<String>,
    /// `file` or `string`.
    #[serde(rename = "type")]
    pub ty: Sp<FormKind>,
    /// The request cannot be sent without it.
    #[serde(default)]
    pub required: Sp<bool>,
}

/// Hand-written changes to an imported type (`kind: override`, in `schema/overrides/`): what
/// people know that Coupa's files get wrong or leave out. The loader applies them to the type
/// named `name`; every change carries a note saying why.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OverrideFile {
    /// `override`.
    pub kind: Sp<FileKind>,
    /// The type it changes (`IntegrationRun`).
    pub name: Sp<String>,
    /// Why the file-level keys below are changed; added to the type's notes.
    #[serde(default)]
    pub notes: Vec<Sp<String>>,
    /// Replaces the type's `wire-name`.
    #[serde(default)]
    pub wire_name: Option<Sp<String>>,
    /// Replaces the resource's `plural`.
    #[serde(default)]
    pub plural: Option<Sp<String>>,
    /// Replaces the resource's `module`.
    #[serde(default)]
    pub module: Option<Sp<String>>,
    /// Replaces the type's `rust-name`.
    #[serde(default)]
    pub rust_name: Option<Sp<String>>,
    /// Sets the type's description (our own words).
    #[serde(default)]
    pub description: Option<Sp<String>>,
    /// Replaces the resource's `key`.
    #[serde(default)]
    pub key: Option<Sp<String>>,
    /// Sets the resource's envelopes.
    #[serde(default)]
    pub envelopes: Option<Envelopes>,
    /// Changes, adds or removes elements.
    #[serde(default)]
    pub elements: Vec<Recover<ElementPatch>>,
    /// Changes, adds or removes actions.
    #[serde(default)]
    pub actions: Vec<Recover<ActionPatch>>,
}

/// What a patch does to the element or action it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Changes the keys the patch gives (the default).
    Modify,
    /// Adds an element or action the import does not have: the patch is a whole one.
    Add,
    /// Removes it.
    Remove,
}

/// A change to one element. Every key but `name`, `change` and `note` replaces the imported
/// value; with `change: add` they describe a new element, as in a schema file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ElementPatch {
    /// The element's wire name.
    pub name: Sp<String>,
    /// `modify` (default), `add` or `remove`.
    #[serde(default)]
    pub change: Option<Sp<Change>>,
    /// Why: what the sources say, and why this is right.
    pub note: Sp<String>,
    /// See [`Element::description`].
    #[serde(default)]
    pub description: Option<Sp<String>>,
    /// See [`Element::ty`].
    #[serde(default, rename = "type")]
    pub ty: Option<Sp<String>>,
    /// See [`Element::list`].
    #[serde(default)]
    pub list: Option<Sp<bool>>,
    /// See [`Element::length`].
    #[serde(default)]
    pub length: Option<Sp<u32>>,
    /// See [`Element::precision`].
    #[serde(default)]
    pub precision: Option<Sp<u8>>,
    /// See [`Element::scale`].
    #[serde(default)]
    pub scale: Option<Sp<u8>>,
    /// See [`Element::required`].
    #[serde(default)]
    pub required: Option<Sp<bool>>,
    /// See [`Element::alternatives`].
    #[serde(default)]
    pub alternatives: Option<Vec<Sp<String>>>,
    /// See [`Element::unique`].
    #[serde(default)]
    pub unique: Option<Sp<bool>>,
    /// See [`Element::allowed`].
    #[serde(default)]
    pub allowed: Option<Sp<Vec<Sp<String>>>>,
    /// See [`Element::case_sensitive`].
    #[serde(default)]
    pub case_sensitive: Option<Sp<bool>>,
    /// See [`Element::api_in`].
    #[serde(default)]
    pub api_in: Option<Sp<bool>>,
    /// See [`Element::api_out`].
    #[serde(default)]
    pub api_out: Option<Sp<bool>>,
    /// See [`Element::immutable`].
    #[serde(default)]
    pub immutable: Option<Sp<bool>>,
    /// See [`Element::aliases`].
    #[serde(default)]
    pub aliases: Option<Vec<Sp<String>>>,
    /// See [`Element::assigned`].
    #[serde(default)]
    pub assigned: Option<Sp<Assigned>>,
    /// See [`Element::rust_name`].
    #[serde(default)]
    pub rust_name: Option<Sp<String>>,
}

/// A change to one action. Every key but `name`, `change` and `note` replaces the imported
/// value; with `change: add` they describe a new action, as in a schema file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ActionPatch {
    /// The action's name.
    pub name: Sp<String>,
    /// `modify` (default), `add` or `remove`.
    #[serde(default)]
    pub change: Option<Sp<Change>>,
    /// Why: what the sources say, and why this is right.
    pub note: Sp<String>,
    /// See [`Action::kind`].
    #[serde(default)]
    pub kind: Option<Sp<ActionKind>>,
    /// See [`Action::method`].
    #[serde(default)]
    pub method: Option<Sp<Method>>,
    /// See [`Action::path`].
    #[serde(default)]
    pub path: Option<Sp<String>>,
    /// See [`Action::description`].
    #[serde(default)]
    pub description: Option<Sp<String>>,
    /// See [`Action::host`].
    #[serde(default)]
    pub host: Option<Sp<Host>>,
    /// See [`Action::takes`].
    #[serde(default)]
    pub takes: Option<Sp<Takes>>,
    /// See [`Action::answers`].
    #[serde(default)]
    pub answers: Option<Sp<Answers>>,
    /// See [`Action::params`].
    #[serde(default)]
    pub params: Option<Vec<Recover<Param>>>,
    /// See [`Action::form`].
    #[serde(default)]
    pub form: Option<Vec<Recover<FormField>>>,
    /// See [`Action::sets`].
    #[serde(default)]
    pub sets: Option<BTreeMap<Sp<String>, Sp<String>>>,
    /// See [`Action::binds`].
    #[serde(default)]
    pub binds: Option<BTreeMap<Sp<String>, Sp<String>>>,
    /// See [`Action::of`].
    #[serde(default)]
    pub of: Option<Sp<String>>,
    /// See [`Action::scope`].
    #[serde(default)]
    pub scope: Option<Sp<String>>,
}

/// The hand-written table of OAuth 2.0 scopes (`kind: scopes`, `schema/overrides/scopes.yaml`).
/// Coupa's Swagger lists the scopes but assigns none to an operation, so each Core resource's
/// read and write scope is stated here, reviewed, with a note where the name is not plain.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScopesFile {
    /// `scopes`.
    pub kind: Sp<FileKind>,
    /// One entry per Core resource.
    pub resources: Vec<Recover<ScopeEntry>>,
}

/// The scopes of one resource.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScopeEntry {
    /// The resource's type name (`InvoiceHeader`).
    pub resource: Sp<String>,
    /// Needed by GET actions (`core.invoice.read`).
    pub read: Sp<String>,
    /// Needed by every other action (`core.invoice.write`).
    #[serde(default)]
    pub write: Option<Sp<String>>,
    /// Actions whose path starts with a prefix that has scopes of its own.
    #[serde(default)]
    pub paths: Vec<Recover<PathScopes>>,
    /// Why, where the scope's name does not follow the resource's.
    #[serde(default)]
    pub note: Option<Sp<String>>,
}

/// The scopes of the actions under one path prefix.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PathScopes {
    /// The prefix (`/api/inventory_adjustments`).
    pub prefix: Sp<String>,
    /// Needed by GET actions under it.
    pub read: Sp<String>,
    /// Needed by the other actions under it.
    #[serde(default)]
    pub write: Option<Sp<String>>,
}

/// The release manifest (`kind: release`, `schema/imported/release.yaml`): the Coupa release the
/// imported files come from, and the files they were imported from. Written by
/// `cargo xtask import`; the generated crate tells it (`coupa_api::COUPA_RELEASE`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReleaseFile {
    /// `release`.
    pub kind: Sp<FileKind>,
    /// The release's name (`R39`).
    pub release: Sp<String>,
    /// The Swagger files read, one per product area.
    pub swagger: Vec<Recover<SwaggerSource>>,
    /// The pages read.
    #[serde(default)]
    pub pages: Option<PagesSource>,
}

/// One Swagger file of a release.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SwaggerSource {
    /// The file's name (`Core_Platform_API.json`).
    pub file: Sp<String>,
    /// Its product area (`Core Platform`).
    pub area: Sp<String>,
    /// The SHA-256 of its bytes, in hex.
    pub sha256: Sp<String>,
}

/// The pages of a release.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PagesSource {
    /// How many were read.
    pub count: Sp<u32>,
    /// The SHA-256 of every page (name and bytes, in name order), in hex.
    pub sha256: Sp<String>,
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

/// Any file under `schema/`, for the JSON Schema editors use: its `kind` says which.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
// Never built: only its JSON Schema is.
#[allow(clippy::large_enum_variant)]
enum AnyFile {
    Schema(SchemaFile),
    Override(OverrideFile),
    Scopes(ScopesFile),
    Release(ReleaseFile),
}

/// The JSON Schema of the format, for editors (`schema/schema.json`).
pub fn json_schema() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<AnyFile>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
