//! coupa-runtime: the hand-written support that the generated `coupa-api` crate calls.
//!
//! The modules form layers; each imports only from the layers above it in this list:
//!
//! - [`vocab`]: hosts, methods, action kinds, what actions take and answer, element kinds,
//!   validation modes — the words the schemas and the generated code share;
//! - [`shape`]: the static tables the generated code states its facts in (a [`Shape`] per model,
//!   a [`Route`] per action);
//! - [`value`]: datetimes with their offset, decimals as text, enums that keep unknown values;
//! - [`wire_struct`](mod@wire_struct): serde for the generated models, by a `macro_rules!`
//!   rather than a derive, so that nothing compiles a proc-macro;
//! - [`form`]: multipart forms, for file uploads;
//! - [`format`](mod@format): JSON or XML, the errors of reading and writing, and the limits on hostile input;
//! - [`json`] and [`xml`]: the two codecs (Coupa's XML conventions on top of quick-xml);
//! - [`wire`]: reading and writing a payload in either format, with positions;
//! - [`validate`]: one [`Violation`] type with a JSON-pointer path, and the rules of Coupa's
//!   element tables, collecting every violation (not just the first);
//! - [`query`]: Coupa's filter operators, paging, ordering and response shaping;
//! - [`preserve`]: [`Preserved`], a model and everything it did not understand, so a round trip
//!   loses nothing;
//! - [`endpoint`]: the [`Endpoint`] trait every generated request implements, which builds an
//!   `http::Request` without any HTTP client;
//! - [`error`]: Coupa's error bodies ([`CoupaErrors`]), read and written in both formats;
//! - [`registry`]: the untyped view of the generated crate (routes, elements, codecs) that
//!   generic tools such as the CLI and the mock use;
//! - `client` (feature `client`): an async client on reqwest and tokio that sends any endpoint.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "client")]
pub mod client;
pub mod endpoint;
pub mod error;
pub mod form;
pub mod format;
pub mod json;
pub mod preserve;
pub mod query;
pub mod registry;
pub mod shape;
pub mod validate;
pub mod value;
pub mod vocab;
pub mod wire;
pub mod wire_struct;
pub mod xml;

pub use endpoint::{Actions, Endpoint};

/// The traits that give the generated types their provided methods: `use
/// coupa_runtime::prelude::*;` to call `.limit(50)` on a query, `.name()` on an action, or
/// `.validate()` on a request without naming each trait.
pub mod prelude {
    pub use crate::endpoint::{Actions, Endpoint, Paginated};
    pub use crate::preserve::Model;
    pub use crate::query::{Paging, QueryBuilder};
    pub use crate::validate::Validate;
    pub use crate::value::WireEnum;
}
pub use error::CoupaErrors;
pub use form::{Form, Upload};
pub use format::{DecodeError, EncodeError, Format};
/// Re-exported so the generated code needs no direct dependency on `http`.
pub use http;
pub use preserve::{Model, Preserved};
pub use query::{Paging, Query, QueryBuilder};
#[doc(hidden)]
pub use serde as __serde;
pub use shape::{Element, Route, Shape};
pub use validate::{Rule, UniqueStore, UniqueValue, Validate, Violation, Violations};
pub use value::{Date, DateTime, Decimal, Time, WireEnum};
pub use vocab::{
    ActionKind, Answers, Assigned, ElementKind, FormKind, Host, Method, Mode, ParamKind, Takes,
};
