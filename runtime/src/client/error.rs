//! [`ClientError`]: why a call failed.

use std::fmt;

use crate::error::CoupaErrors;
use crate::wire::{DecodeError, EncodeError, Format};

/// Why a call failed.
#[derive(Debug)]
pub enum ClientError {
    /// The request could not be sent or its answer not received (connection refused, timeout).
    Transport(String),
    /// Coupa answered with an error status; its error body, parsed when it is Coupa's.
    Status {
        /// The HTTP status.
        status: u16,
        /// Coupa's messages, per resource.
        errors: Option<CoupaErrors>,
        /// The body as received.
        body: String,
    },
    /// The answer could not be read as the endpoint's response type.
    Decode(DecodeError),
    /// The request body could not be written.
    Encode(EncodeError),
    /// The OAuth token endpoint refused the credentials.
    Auth {
        /// The HTTP status of the token endpoint.
        status: u16,
        /// Its body (any occurrence of the client secret replaced by `***`).
        body: String,
    },
    /// The client stopped sending a request that kept failing (429, 5xx, no answer) or that it
    /// may not send again: which request, how many times it went, and the last failure.
    GaveUp(Box<GaveUp>),
    /// A page of a listing failed: which one, and why (the records before it were all
    /// delivered, once; none after it).
    Page {
        /// The page's `offset`.
        offset: usize,
        /// Its `limit` (the page size).
        limit: usize,
        /// Why it failed.
        error: Box<ClientError>,
    },
    /// The configuration cannot reach this endpoint (no CSO URL, no credentials, ...).
    Config(String),
}

/// Why the client did not send a request again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Every retry ([`Config::max_retries`](super::Config::max_retries)) was used.
    Exhausted,
    /// The request changes something and is not idempotent (POST, PATCH, an action such as
    /// `submit`), and Coupa may have acted on it (the answer was a 5xx, or the connection failed
    /// after the request went out): sending it again could do it twice. Check whether it was
    /// done before sending it again.
    MayHaveActed,
}

/// A request the client gave up on ([`ClientError::GaveUp`]).
#[derive(Debug)]
pub struct GaveUp {
    /// The route: resource and action (`integration-runs index`, `oauth2 token`).
    pub route: String,
    /// The method.
    pub method: http::Method,
    /// The URL (Coupa's URLs carry no credentials).
    pub url: String,
    /// How many times it was sent.
    pub attempts: u32,
    /// Why it was not sent again.
    pub stop: Stop,
    /// The last failure: Coupa's answer ([`ClientError::Status`]) or none
    /// ([`ClientError::Transport`]).
    pub last: ClientError,
}

impl ClientError {
    /// The HTTP status Coupa answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Status { status, .. } | ClientError::Auth { status, .. } => Some(*status),
            _ => self.inner().and_then(ClientError::status),
        }
    }

    /// The failure inside a [`ClientError::GaveUp`] or a [`ClientError::Page`].
    pub fn inner(&self) -> Option<&ClientError> {
        match self {
            ClientError::GaveUp(g) => Some(&g.last),
            ClientError::Page { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The request the client gave up on, if it did (inside a page error too).
    pub fn gave_up(&self) -> Option<&GaveUp> {
        match self {
            ClientError::GaveUp(g) => Some(g),
            _ => self.inner().and_then(ClientError::gave_up),
        }
    }

    /// Coupa's error messages, if the body was Coupa's.
    pub fn coupa_errors(&self) -> Option<&CoupaErrors> {
        match self {
            ClientError::Status { errors, .. } => errors.as_ref(),
            _ => self.inner().and_then(ClientError::coupa_errors),
        }
    }

    /// True for Coupa's XML answer to an index that matched nothing (404 with "No results match
    /// your search criteria."): an empty page, not a failure.
    pub fn is_no_results(&self) -> bool {
        matches!(self, ClientError::Status { status: 404, errors: Some(e), .. } if e.is_no_results())
    }

    /// True when Coupa kept answering 429 until the client gave up.
    pub fn is_rate_limited(&self) -> bool {
        self.gave_up().is_some_and(|g| g.last.status() == Some(429))
    }

    /// True when no answer came: the request could not be sent, or timed out (also when that
    /// was the last failure of a request the client gave up on).
    pub fn is_transport(&self) -> bool {
        match self {
            ClientError::Transport(_) => true,
            _ => self.inner().is_some_and(ClientError::is_transport),
        }
    }
}

fn clipped(body: &str) -> String {
    body.chars().take(200).collect()
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Transport(m) => write!(f, "transport error: {m}"),
            ClientError::Status {
                status,
                errors: Some(e),
                ..
            } => write!(f, "Coupa answered {status}: {e}"),
            ClientError::Status { status, body, .. } => {
                write!(f, "Coupa answered {status}: {}", clipped(body))
            }
            ClientError::Decode(e) => write!(f, "cannot read Coupa's answer: {e}"),
            ClientError::Encode(e) => write!(f, "{e}"),
            ClientError::Auth { status, body } => {
                write!(f, "the token endpoint answered {status}: {}", clipped(body))
            }
            ClientError::GaveUp(g) => write!(f, "{g}"),
            ClientError::Page {
                offset,
                limit,
                error,
            } => write!(
                f,
                "page {} of the listing (offset {offset}, limit {limit}): {error}",
                offset / (*limit).max(1) + 1
            ),
            ClientError::Config(m) => write!(f, "configuration: {m}"),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner().map(|e| e as _)
    }
}

impl fmt::Display for GaveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let GaveUp {
            route,
            method,
            url,
            attempts,
            stop,
            last,
        } = self;
        let times = if *attempts == 1 { "once" } else { "times" };
        let sent = if *attempts == 1 {
            String::new()
        } else {
            format!("{attempts} ")
        };
        match stop {
            Stop::Exhausted if last.status() == Some(429) => write!(
                f,
                "gave up on {method} {url} ({route}): still rate limited (429) after {attempts} attempts"
            ),
            Stop::Exhausted => write!(
                f,
                "gave up on {method} {url} ({route}) after {attempts} attempts: {last}"
            ),
            Stop::MayHaveActed => write!(
                f,
                "{method} {url} ({route}) was sent {sent}{times} and not again: Coupa may have acted \
                 on it, and sending it again could do it twice ({last})"
            ),
        }
    }
}

pub(super) fn transport(e: reqwest::Error, timeout: std::time::Duration) -> ClientError {
    // reqwest's messages name the URL but never headers, so no secret is printed.
    if e.is_timeout() {
        let url = e.url().map(|u| format!(" ({u})")).unwrap_or_default();
        return ClientError::Transport(format!(
            "no answer within {} s{url}",
            timeout.as_secs_f64()
        ));
    }
    let mut innermost = None;
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        innermost = Some(s.to_string());
        source = s.source();
    }
    let url = e.url().map(|u| u.to_string()).unwrap_or_default();
    let what = if e.is_connect() {
        format!("cannot connect to {url}")
    } else {
        e.to_string()
    };
    ClientError::Transport(match innermost {
        Some(cause) => format!("{what}: {cause}"),
        None => what,
    })
}

pub(super) fn status_error(status: u16, format: Format, bytes: &[u8]) -> ClientError {
    ClientError::Status {
        status,
        errors: CoupaErrors::parse(format, bytes).or_else(|| {
            // Some answers come in the other format than asked for.
            let other = if format == Format::Json {
                Format::Xml
            } else {
                Format::Json
            };
            CoupaErrors::parse(other, bytes)
        }),
        body: String::from_utf8_lossy(bytes).into_owned(),
    }
}
