//! coupa-runtime: the hand-written support that the generated `coupa-api` crate calls.
//!
//! - [`validate`]: one [`Violation`] type with a JSON-pointer path, and the rules of Coupa's
//!   element tables, collecting every violation (not just the first);
//! - [`wire`]: datetimes with their offset, decimals as text, enums that keep unknown values,
//!   JSON and XML reading and writing with positions;
//! - [`xml`]: Coupa's XML conventions on top of quick-xml;
//! - [`query`]: Coupa's filter operators, paging, ordering and response shaping;
//! - [`endpoint`]: the [`Endpoint`] trait every generated request implements, which builds an
//!   `http::Request` without any HTTP client;
//! - [`error`]: Coupa's error bodies ([`CoupaErrors`]), read and written in both formats;
//! - [`preserve`]: [`Preserved`], a model and everything it did not understand, so a round trip
//!   loses nothing;
//! - [`registry`]: the untyped view of the generated crate (routes, elements, codecs) that
//!   generic tools such as the CLI and the mock use;
//! - `client` (feature `client`): an async client on reqwest and tokio that sends any endpoint.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "client")]
pub mod client;
pub mod endpoint;
pub mod error;
pub mod preserve;
pub mod query;
pub mod registry;
pub mod validate;
pub mod wire;
pub mod xml;

pub use endpoint::{ActionKind, Answers, Endpoint, Host, Takes};
pub use error::CoupaErrors;
/// Re-exported so the generated code needs no direct dependency on `http`.
pub use http;
pub use preserve::{Model, Preserved};
pub use query::Query;
pub use validate::{Mode, Rule, Rules, UniqueStore, UniqueValue, Validate, Violation, Violations};
pub use wire::{DateTime, Decimal, DecodeError, EncodeError, Format, WireEnum};
