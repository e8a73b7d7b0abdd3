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
    /// Coupa kept answering 429 after every retry.
    RateLimited {
        /// How many times the request was sent.
        attempts: u32,
    },
    /// The configuration cannot reach this endpoint (no CSO URL, no credentials, ...).
    Config(String),
}

impl ClientError {
    /// The HTTP status Coupa answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Status { status, .. } | ClientError::Auth { status, .. } => Some(*status),
            ClientError::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// Coupa's error messages, if the body was Coupa's.
    pub fn coupa_errors(&self) -> Option<&CoupaErrors> {
        match self {
            ClientError::Status { errors, .. } => errors.as_ref(),
            _ => None,
        }
    }

    /// True for Coupa's XML answer to an index that matched nothing (404 with "No results match
    /// your search criteria."): an empty page, not a failure.
    pub fn is_no_results(&self) -> bool {
        matches!(self, ClientError::Status { status: 404, errors: Some(e), .. } if e.is_no_results())
    }

    /// True when no answer came: the request could not be sent, or timed out.
    pub fn is_transport(&self) -> bool {
        matches!(self, ClientError::Transport(_))
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
            ClientError::RateLimited { attempts } => {
                write!(f, "still rate limited (429) after {attempts} attempts")
            }
            ClientError::Config(m) => write!(f, "configuration: {m}"),
        }
    }
}

impl std::error::Error for ClientError {}

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
