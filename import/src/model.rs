//! The resolved model of one Coupa release: its definitions (with every element's type and flags
//! settled), its resources (tags) with their actions, and what the import found on the way.
//!
//! [`crate::Release`] holds these; `cargo xtask import` writes them as YAML, and a comparison of
//! two releases (issue 13) reads them.

use crate::swagger::{FormField, Method};

/// An element's type, as the imported YAML names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Type {
    /// Short text.
    String,
    /// Long text.
    Text,
    /// A whole number.
    Integer,
    /// An exact decimal (`decimal(P,S)`, or `decimal` without precision).
    Decimal,
    /// A binary floating-point number (`float`).
    Float,
    /// True or false.
    Boolean,
    /// A date without time.
    Date,
    /// A time of day.
    Time,
    /// A date and time with its UTC offset.
    DateTime,
    /// An object whose shape is not known (an open object).
    Object,
    /// Another definition, by its Swagger name (`Asn-Header`).
    Ref(String),
}

impl Type {
    /// The name the YAML writes for a built-in type; `None` for a reference.
    pub fn builtin(&self) -> Option<&'static str> {
        Some(match self {
            Type::String => "string",
            Type::Text => "text",
            Type::Integer => "integer",
            Type::Decimal => "decimal",
            Type::Float => "float",
            Type::Boolean => "boolean",
            Type::Date => "date",
            Type::Time => "time",
            Type::DateTime => "datetime",
            Type::Object => "object",
            Type::Ref(_) => return None,
        })
    }

    /// Scalars read `readOnly`; references and lists do not carry it in Coupa's files.
    pub fn is_scalar(&self) -> bool {
        !matches!(self, Type::Ref(_) | Type::Object)
    }
}

/// Where a flag's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// The Swagger definition says so.
    Swagger,
    /// A row of the matched page says so.
    Page,
    /// Neither says: the importer's default.
    Default,
}

/// One element (a Swagger property) with its facts settled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    /// The wire name: the Swagger property name, verbatim (`created-at`, `active?`).
    pub name: String,
    pub ty: Type,
    /// A list of `ty`.
    pub list: bool,
    /// `string(N)`: N.
    pub length: Option<u32>,
    /// `decimal(P,S)`: P.
    pub precision: Option<u32>,
    /// `decimal(P,S)`: S.
    pub scale: Option<u32>,
    /// In the definition's `required` list.
    pub required: bool,
    /// The page marks it unique.
    pub unique: bool,
    /// The values accepted (the Swagger's enum, or a clean list from the page).
    pub allowed: Option<Vec<String>>,
    /// Where `allowed` came from (Swagger or page).
    pub allowed_source: Option<Source>,
    /// `readOnly: true` in the Swagger.
    pub read_only: bool,
    pub api_in: bool,
    pub api_out: bool,
    /// Where `api_in`/`api_out` came from.
    pub in_out_source: Source,
    /// The Rust field name when the derived one would collide (`?` twins).
    pub rust_name: Option<String>,
    /// What Coupa fills in by itself (`id`, `created-at`, ...), by Rails' conventions.
    pub assigned: Option<&'static str>,
    /// What the importer settled for this element, in its own words.
    pub note: Option<String>,
}

/// A page that describes a definition: its English title and address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRef {
    /// The page file (`0204-Integration_Runs_API.md`).
    pub file: String,
    pub title: String,
    pub url: String,
}

/// One definition of the Swagger, merged over its files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    /// The Swagger's name (`Asn-Header`).
    pub swagger_name: String,
    /// The schema name: PascalCase ASCII (`AsnHeader`).
    pub name: String,
    /// Kebab case of the Swagger name (`asn-header`).
    pub wire_name: String,
    /// The files that carry a copy, sorted.
    pub files: Vec<String>,
    /// Sorted by wire name.
    pub elements: Vec<Element>,
    /// No properties at all: an open object.
    pub open: bool,
    /// The matched English page.
    pub page: Option<PageRef>,
}

/// What an action takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Takes {
    Nothing,
    Query,
    Object,
    OptionalObject,
    Multipart,
}

/// What an action answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Answers {
    Object,
    List,
    File,
}

/// The kind of an action, by the shape of its route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Index,
    Create,
    Show,
    Update,
    Delete,
    /// An action on one object (`PUT /invoices/{id}/submit`).
    Member,
    /// An action on the collection (`POST /integration_errors/create_alert`).
    Collection,
}

/// Where an action's name came from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameSource {
    /// The Action cell of a page's row (the page file).
    Page(String),
    /// The importer's rule.
    Rule,
}

/// One action: one Swagger operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// Kebab case, unique in the resource.
    pub name: String,
    pub name_source: NameSource,
    pub kind: Kind,
    pub method: Method,
    /// `basePath` + path (`/api/invoices/{id}`).
    pub path: String,
    pub takes: Takes,
    pub answers: Answers,
    /// The `{x}` of the path, in order (all integers).
    pub params: Vec<String>,
    /// The multipart form fields.
    pub form: Vec<FormField>,
    /// The Swagger file that holds the operation.
    pub file: String,
}

/// One resource: a tag of the Swagger, with its definition and actions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// The tag, which is also the definition's Swagger name.
    pub tag: String,
    /// The Rust module (`invoices`, `asn_headers`).
    pub module: String,
    /// The area (Swagger file) it comes from.
    pub area: String,
    /// The main collection path (`/api/invoices`), or the path it is named after.
    pub main_path: String,
    /// The wire plural (`invoice-headers`).
    pub plural: String,
    /// Sorted by name.
    pub actions: Vec<Action>,
}

/// An operation of the Swagger that is not imported, and why.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LeftOut {
    pub method: Method,
    pub path: String,
    pub tag: String,
    pub reason: String,
}
