//! The IR: the schemas resolved, checked and named, ready for the emitters.
//!
//! Everything an emitter needs is decided here (Rust names, resolved references, the module each
//! type lives in, the boxing that breaks recursive shapes), so the emitters only turn it into
//! tokens. The IR is deterministic: types are sorted by name, elements and actions keep the order
//! of their tables. It serialises (for the insta snapshot that shows every schema change as a
//! reviewable diff).

use serde::Serialize;

pub use coupa_runtime::vocab::{
    ActionKind, Answers, Assigned, ElementKind, FormKind, Host, Method, ParamKind, Takes,
};

/// Every type and resource in `schema/`.
#[derive(Clone, Debug, Serialize)]
pub struct Ir {
    /// Shapes and resources, sorted by name.
    pub types: Vec<TypeDef>,
    /// The Coupa release the imported types come from, when some are imported.
    pub release: Option<ReleaseDef>,
}

/// The release the imported files come from (`schema/imported/release.yaml`).
#[derive(Clone, Debug, Serialize)]
pub struct ReleaseDef {
    /// The release's name (`R39`).
    pub name: String,
    /// The Swagger files: name, product area, SHA-256.
    pub swagger: Vec<(String, String, String)>,
    /// How many pages were read, and their SHA-256.
    pub pages: Option<(u32, String)>,
}

impl Ir {
    /// The type with this schema name.
    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        // The emitters look a type up for every reference and action: a scan made emitting
        // quadratic in the number of types.
        match self.types.binary_search_by(|t| t.name.as_str().cmp(name)) {
            Ok(i) => Some(&self.types[i]),
            // Sorted when the checks built it; an IR made by hand may not be.
            Err(_) => self.types.iter().find(|t| t.name == name),
        }
    }

    /// The resources, sorted by name.
    pub fn resources(&self) -> impl Iterator<Item = (&TypeDef, &ResourceDef)> {
        self.types
            .iter()
            .filter_map(|t| t.resource.as_ref().map(|r| (t, r)))
    }

    /// Every action of every resource, with its resource.
    pub fn routes(&self) -> impl Iterator<Item = (&TypeDef, &ActionDef)> {
        self.resources()
            .flat_map(|(t, r)| r.actions.iter().map(move |a| (t, a)))
    }
}

/// A shape or a resource's object.
#[derive(Clone, Debug, Serialize)]
pub struct TypeDef {
    /// The schema name (`IntegrationRun`).
    pub name: String,
    /// The Rust type name.
    pub rust: String,
    /// The Rust module the type lives in.
    pub module: String,
    /// The schema file, relative to the schema directory.
    pub file: String,
    /// The XML root element of one object (`integration-run`).
    pub wire_name: String,
    /// Description, in our own words, when the schema has one.
    pub description: Option<String>,
    /// Where the facts come from.
    pub source: SourceRef,
    /// File-level notes on departures from the page.
    pub notes: Vec<String>,
    /// Coupa leaves the object open: it is kept as a JSON map.
    pub open: bool,
    /// The elements.
    pub fields: Vec<Field>,
    /// Present for resources.
    pub resource: Option<ResourceDef>,
}

impl TypeDef {
    /// The element with this wire name.
    pub fn field(&self, wire: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.wire == wire)
    }
}

/// Where a file's facts come from.
#[derive(Clone, Debug, Serialize)]
pub struct SourceRef {
    /// English page title and URL, when a page describes the type.
    pub page: Option<(String, String)>,
    /// The product area whose Swagger file describes the type (imported types).
    pub swagger: Option<String>,
}

/// One element.
#[derive(Clone, Debug, Serialize)]
pub struct Field {
    /// Wire name (`created-at`).
    pub wire: String,
    /// Rust field name (`created_at`, `r#type`).
    pub rust: String,
    /// The query builder's filter method (`created_at`; `filter_limit` for `limit`).
    pub filter: String,
    /// Description, in our own words, when the schema has one.
    pub description: Option<String>,
    /// The data type of one value.
    pub ty: FieldType,
    /// A list of `ty`.
    pub list: bool,
    /// Held in a `Box` because the shape refers back to itself.
    pub boxed: bool,
    /// Maximum length in characters.
    pub length: Option<u32>,
    /// Decimals: digits in all and after the point.
    pub precision: Option<(u8, u8)>,
    /// Required on create.
    pub required: bool,
    /// No two objects share a value.
    pub unique: bool,
    /// Accepted values of a text element, as an enum.
    pub allowed: Option<Allowed>,
    /// Accepted values of an integer element (a rule; the type stays `i64`).
    pub int_allowed: Vec<i64>,
    /// Accepted in requests.
    pub api_in: bool,
    /// Returned in responses.
    pub api_out: bool,
    /// Cannot change once set.
    pub immutable: bool,
    /// Other input names.
    pub aliases: Vec<String>,
    /// Elements whose presence also satisfies `required`.
    pub alternatives: Vec<String>,
    /// What Coupa fills in.
    pub assigned: Option<Assigned>,
    /// Departure from the page.
    pub note: Option<String>,
}

/// The data type of an element's value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum FieldType {
    /// Short text with an optional length.
    String,
    /// Long text.
    Text,
    /// A 64-bit integer.
    Integer,
    /// A decimal amount, carried as text.
    Decimal,
    /// true or false.
    Boolean,
    /// A date and time with its UTC offset.
    Datetime,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A floating-point number.
    Float,
    /// A string of digits (CSO ids).
    Digits,
    /// An object Coupa leaves open.
    Object,
    /// Another shape.
    Shape {
        /// Schema name.
        name: String,
        /// Rust type name.
        rust: String,
        /// Module of the type.
        module: String,
    },
}

impl FieldType {
    /// The built-in type names of the format, in the order the README lists them.
    pub const BUILTIN: &'static [&'static str] = &[
        "string", "text", "integer", "decimal", "float", "boolean", "datetime", "date", "time",
        "digits", "object",
    ];

    /// The built-in type with this name.
    pub fn builtin(name: &str) -> Option<FieldType> {
        Some(match name {
            "string" => FieldType::String,
            "text" => FieldType::Text,
            "integer" => FieldType::Integer,
            "decimal" => FieldType::Decimal,
            "boolean" => FieldType::Boolean,
            "datetime" => FieldType::Datetime,
            "date" => FieldType::Date,
            "time" => FieldType::Time,
            "float" => FieldType::Float,
            "digits" => FieldType::Digits,
            "object" => FieldType::Object,
            _ => return None,
        })
    }

    /// The runtime's kind of the element's values.
    pub fn kind(&self) -> ElementKind {
        match self {
            FieldType::String => ElementKind::String,
            FieldType::Text => ElementKind::Text,
            FieldType::Integer => ElementKind::Integer,
            FieldType::Decimal => ElementKind::Decimal,
            FieldType::Boolean => ElementKind::Boolean,
            FieldType::Datetime => ElementKind::DateTime,
            FieldType::Date => ElementKind::Date,
            FieldType::Time => ElementKind::Time,
            FieldType::Float => ElementKind::Float,
            FieldType::Digits => ElementKind::Digits,
            FieldType::Object => ElementKind::Object,
            FieldType::Shape { .. } => ElementKind::Shape,
        }
    }

    /// Text types carry lengths and allowed values.
    pub fn is_text(&self) -> bool {
        matches!(self, FieldType::String | FieldType::Text)
    }
}

/// Allowed values, as a Rust enum that keeps values it does not know.
#[derive(Clone, Debug, Serialize)]
pub struct Allowed {
    /// The enum's Rust name.
    pub rust: String,
    /// Compared case-sensitively.
    pub case_sensitive: bool,
    /// The values in table order.
    pub values: Vec<Variant>,
}

/// One allowed value.
#[derive(Clone, Debug, Serialize)]
pub struct Variant {
    /// As Coupa spells it.
    pub wire: String,
    /// Rust variant name.
    pub rust: String,
}

/// The API part of a resource.
#[derive(Clone, Debug, Serialize)]
pub struct ResourceDef {
    /// The resource's name in tools (`invoices`, `integration-runs`): the kebab case of its
    /// module.
    pub name: String,
    /// Plural wire name (`integration-runs`): the XML root of a list.
    pub plural: String,
    /// Default host.
    pub host: Host,
    /// OAuth 2.0 scopes (Core).
    pub scopes: Option<ScopesDef>,
    /// The identifying element.
    pub key: Option<String>,
    /// Envelope shapes (CSO).
    pub envelopes: EnvelopesDef,
    /// The Rust name of the per-resource action enum.
    pub action_enum: String,
    /// The Rust name of the query builder.
    pub query: String,
    /// The Rust name of the server-side trait.
    pub service: String,
    /// The actions in table order.
    pub actions: Vec<ActionDef>,
}

/// OAuth 2.0 scopes.
#[derive(Clone, Debug, Serialize)]
pub struct ScopesDef {
    /// For GET.
    pub read: String,
    /// For the rest.
    pub write: Option<String>,
}

/// Envelope type names.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EnvelopesDef {
    /// List envelope.
    pub list: Option<String>,
    /// Bulk request envelope.
    pub bulk_request: Option<String>,
    /// Bulk result envelope.
    pub bulk_result: Option<String>,
}

/// One action.
#[derive(Clone, Debug, Serialize)]
pub struct ActionDef {
    /// Schema name (`create-alert`).
    pub name: String,
    /// Rust function name (`create_alert`).
    pub rust_fn: String,
    /// Rust request type name (`CreateAlert`).
    pub rust_type: String,
    /// Rust variant of the resource's action enum.
    pub rust_variant: String,
    /// What it does.
    pub kind: ActionKind,
    /// HTTP method.
    pub method: Method,
    /// Path with `{params}`.
    pub path: String,
    /// The path split into literal text and parameters.
    pub segments: Vec<Segment>,
    /// Description, in our own words, when the schema has one.
    pub description: Option<String>,
    /// Host.
    pub host: Host,
    /// Request content.
    pub takes: Takes,
    /// Response content.
    pub answers: Answers,
    /// The schema name of the type the body carries (for `object`, `optional-object`, `bulk`).
    pub request_type: Option<String>,
    /// The schema name of the type the response carries (one item for `list`).
    pub response_type: Option<String>,
    /// Path parameters.
    pub params: Vec<ParamDef>,
    /// The fields of a multipart form (`takes: multipart`).
    pub form: Vec<FormFieldDef>,
    /// Elements a status action sets.
    pub sets: Vec<SetDef>,
    /// Elements a nested route fixes.
    pub binds: Vec<BindDef>,
    /// The list element the route reaches into.
    pub of: Option<String>,
    /// The OAuth 2.0 scope (Core).
    pub scope: Option<String>,
    /// Departure from the page.
    pub note: Option<String>,
}

/// A piece of a path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Segment {
    /// Literal text.
    Lit(String),
    /// A parameter, by name.
    Param(String),
}

/// A path parameter.
#[derive(Clone, Debug, Serialize)]
pub struct ParamDef {
    /// Name in the path.
    pub name: String,
    /// Rust field name.
    pub rust: String,
    /// Its type.
    pub ty: ParamKind,
    /// English description.
    pub description: Option<String>,
}

/// A field of a multipart form.
#[derive(Clone, Debug, Serialize)]
pub struct FormFieldDef {
    /// The name the form writes (`attachment[file]`).
    pub name: String,
    /// The request's Rust field name (`file`).
    pub rust: String,
    /// A file or text.
    pub kind: FormKind,
    /// The request cannot be sent without it.
    pub required: bool,
}

/// An element a status action sets.
#[derive(Clone, Debug, Serialize)]
pub struct SetDef {
    /// Wire name of the element.
    pub element: String,
    /// The value, as written on the wire (`running`, `true`).
    pub value: String,
}

/// An element fixed by a nested route.
#[derive(Clone, Debug, Serialize)]
pub struct BindDef {
    /// Wire name of the element.
    pub element: String,
    /// What it is fixed to.
    pub value: BindValue,
}

/// What a bound element is fixed to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BindValue {
    /// A constant.
    Const(String),
    /// The value of a path parameter.
    Param(String),
}
