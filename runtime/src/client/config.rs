//! What a [`Client`](super::Client) is configured with: where Coupa is, the credentials, the
//! timeouts, retries and paging, and an optional tracer.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::Pacing;
use crate::wire::Format;

/// A secret (a client secret, an API key, a token) that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret::new(s)
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret(s)
    }
}

/// OAuth 2.0 client credentials for the Core API.
#[derive(Clone, Debug)]
pub struct OAuth {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
    /// The scopes to ask for (`core.integration.read`, ...).
    pub scopes: Vec<String>,
}

/// How a request was authenticated, as a trace shows it (never the credential itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer` with the cached OAuth token.
    Bearer,
    /// The `X-CSO-API-KEY` header.
    CsoKey,
    /// The client credentials in the token request's form body.
    ClientCredentials,
}

/// What the client is doing, for a tracer ([`Config::tracer`]): requests, answers, retries and
/// token requests. No event carries a header, a body or a credential, so a trace cannot leak a
/// secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum Trace<'a> {
    /// A request is about to be sent.
    Request {
        /// The method.
        method: &'a http::Method,
        /// The URL (Coupa's URLs carry no credentials).
        url: &'a str,
        /// The attempt, from 1.
        attempt: u32,
        /// How it is authenticated.
        auth: Auth,
    },
    /// An answer arrived.
    Answer {
        /// Its status.
        status: u16,
        /// Its body's length.
        bytes: usize,
        /// From sending to the last byte.
        elapsed: Duration,
    },
    /// The request failed before an answer (connection, timeout).
    Failed {
        /// Why, in a line.
        error: &'a str,
        /// From sending to the failure.
        elapsed: Duration,
    },
    /// The request will be sent again after `wait`.
    Retry {
        /// Why (`429`, `503`, `connection`).
        reason: &'a str,
        /// How long the client waits first.
        wait: Duration,
    },
    /// Coupa answered 401 to a token it had accepted: the token is renewed once.
    Renew,
    /// The request waited this long for the pacing bucket ([`Config::pacing`]) before it went.
    Paced {
        /// How long.
        wait: Duration,
    },
    /// The client's pace changed: slower after a 429, faster as it recovers.
    Pace {
        /// Requests per second from now on.
        per_second: f64,
    },
}

/// A function that sees every [`Trace`] event of a client (the command line's `--verbose`).
#[derive(Clone)]
pub struct Tracer(pub Arc<dyn Fn(&Trace<'_>) + Send + Sync>);

impl Tracer {
    /// A tracer calling `f`.
    pub fn new(f: impl Fn(&Trace<'_>) + Send + Sync + 'static) -> Tracer {
        Tracer(Arc::new(f))
    }
}

impl fmt::Debug for Tracer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tracer")
    }
}

/// Where and how to reach Coupa.
#[derive(Clone, Debug)]
pub struct Config {
    /// The Core API (`https://acme.coupahost.com`).
    pub core_url: String,
    /// The CSO API (`https://acme.cso.coupahost.com`).
    pub cso_url: Option<String>,
    /// JSON or XML.
    pub format: Format,
    /// Core authentication.
    pub oauth: Option<OAuth>,
    /// CSO authentication.
    pub cso_api_key: Option<Secret>,
    /// The whole request, from connecting to the last byte of the answer.
    pub timeout: Duration,
    /// Connecting only.
    pub connect_timeout: Duration,
    /// How many times a request is tried again after a fault (429, 5xx, no answer), when it
    /// may be (see [`Client::execute`](super::Client::execute)).
    pub max_retries: u32,
    /// The first backoff; it doubles with each retry, with jitter.
    pub backoff: Duration,
    /// The longest wait between two tries (also caps `Retry-After`).
    pub max_backoff: Duration,
    /// Records per page when listing (Coupa answers at most 50).
    pub page_size: usize,
    /// Pages in flight at once when listing.
    pub concurrency: usize,
    /// A token is renewed this long before it expires.
    pub token_margin: Duration,
    /// The client's own pace: a token bucket shared by every request of the client and its
    /// clones. Default: Coupa's documented limit ([`Pacing::default`]: 25 requests per second,
    /// burst 20). `None` switches it off (a client against an unlimited test server, or one
    /// with a budget of its own).
    pub pacing: Option<Pacing>,
    /// Sees every request, answer and retry (none by default).
    pub tracer: Option<Tracer>,
}

impl Config {
    /// A configuration for a Core host, JSON, with Coupa's defaults.
    pub fn new(core_url: impl Into<String>) -> Config {
        Config {
            core_url: core_url.into(),
            cso_url: None,
            format: Format::Json,
            oauth: None,
            cso_api_key: None,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_retries: 3,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            page_size: crate::query::MAX_LIMIT,
            concurrency: 1,
            token_margin: Duration::from_secs(60),
            pacing: Some(Pacing::default()),
            tracer: None,
        }
    }
}
