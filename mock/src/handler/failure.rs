//! Error answers: [`Failure`], Coupa's error body with its status and headers; the request
//! body read within its size and time limits; the answer to a route that does not exist; and
//! the errors a call raises.

use axum::body::{Body, Bytes};
use axum::response::Response;
use coupa_runtime::registry::Resource;
use coupa_runtime::{CoupaErrors, DecodeError, Format, Violations};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};

use super::{Call, answer_format, clip, respond};

/// An error answer: a status, Coupa's error body, and headers.
#[derive(Debug)]
pub(crate) struct Failure {
    status: StatusCode,
    pub(super) errors: CoupaErrors,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Failure {
    /// An error about a resource (`{"errors": {"<wire name>": [...]}}`), or a general one.
    pub(crate) fn about(
        status: StatusCode,
        r: Option<&Resource>,
        messages: Vec<String>,
    ) -> Failure {
        let errors = match r {
            Some(r) => CoupaErrors::for_resource(r.wire_name(), messages),
            None => CoupaErrors {
                general: messages,
                ..CoupaErrors::default()
            },
        };
        Failure {
            status,
            errors,
            headers: Vec::new(),
        }
    }

    /// Adds a header (ignored when the value cannot be one).
    pub(crate) fn with_header(mut self, name: HeaderName, value: &str) -> Failure {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((name, v));
        }
        self
    }

    /// The response, in the format the client accepts.
    pub(crate) fn render(self, format: Format) -> Response {
        let body = self
            .errors
            .to_body(format)
            .unwrap_or_else(|_| br#"{"errors":{}}"#.to_vec());
        let mut res = respond(self.status, Some(format.media_type()), body);
        for (k, v) in self.headers {
            res.headers_mut().append(k, v);
        }
        res
    }
}

/// The 413 of a body over `limit` bytes.
fn too_large(limit: usize, r: Option<&Resource>) -> Failure {
    Failure::about(
        StatusCode::PAYLOAD_TOO_LARGE,
        r,
        vec![format!(
            "The request body is larger than the limit of {limit} bytes"
        )],
    )
}

/// `1 s`, `1.5 s`, `250 ms`.
fn seconds(d: std::time::Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else if d.as_secs() == 0 {
        format!("{} ms", d.subsec_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Reads a request body, refusing one over `limit` bytes with 413, and one that takes longer
/// than `timeout` to arrive with 408 (and `Connection: close`: the rest of it is not read).
pub(crate) async fn read_body(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
    timeout: std::time::Duration,
    r: Option<&Resource>,
) -> Result<Bytes, Failure> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit, r));
    }
    let read = match tokio::time::timeout(timeout, axum::body::to_bytes(body, limit)).await {
        Ok(read) => read,
        Err(_) => {
            return Err(Failure::about(
                StatusCode::REQUEST_TIMEOUT,
                r,
                vec![format!(
                    "The request body did not arrive within {}",
                    seconds(timeout)
                )],
            )
            .with_header(header::CONNECTION, "close"));
        }
    };
    read.map_err(|e| {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        let mut over = false;
        while let Some(s) = source {
            over |= s.to_string().contains("length limit");
            source = s.source();
        }
        if over {
            too_large(limit, r)
        } else {
            Failure::about(
                StatusCode::BAD_REQUEST,
                r,
                vec![format!("The request body could not be read: {e}")],
            )
        }
    })
}

/// The error body of a route that does not exist.
pub(crate) fn no_route(
    method: &http::Method,
    path: &str,
    headers: &HeaderMap,
    status: StatusCode,
) -> Response {
    Failure::about(
        status,
        None,
        vec![format!("No route matches [{method}] {}", clip(path))],
    )
    .render(answer_format(headers))
}

impl Call<'_> {
    /// An error about the call's resource.
    pub(super) fn fail(&self, status: StatusCode, message: String) -> Failure {
        Failure::about(status, Some(self.r), vec![message])
    }

    /// A 400.
    pub(super) fn bad(&self, message: String) -> Failure {
        self.fail(StatusCode::BAD_REQUEST, message)
    }

    /// A 500: the mock could not do what the route says (a bad bind or set, a codec error).
    pub(super) fn internal(&self, e: impl std::fmt::Display) -> Failure {
        self.fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("The mock could not write the object: {e}"),
        )
    }

    /// The 404 of a key that names no record.
    pub(super) fn not_found(&self, id: &str) -> Failure {
        self.no_record(self.r.type_name(), self.r.key().unwrap_or("id"), id)
    }

    /// The 404 of a record of `what` the path names by `key` and the store lacks.
    pub(super) fn no_record(&self, what: &str, key: &str, id: &str) -> Failure {
        self.fail(StatusCode::NOT_FOUND, couldnt_find(what, key, id))
    }

    /// Every violation, as `<path>: <message>`, in one 400.
    pub(super) fn invalid(&self, v: Violations) -> Failure {
        Failure::about(
            StatusCode::BAD_REQUEST,
            Some(self.r),
            v.iter()
                .map(|x| {
                    let p = if x.path.is_empty() { "/" } else { &x.path };
                    format!("{p}: {}", x.message)
                })
                .collect(),
        )
    }

    /// A 400 for a body that cannot be read.
    pub(super) fn decode_failure(&self, e: DecodeError) -> Failure {
        self.bad(e.to_string())
    }
}

/// Coupa's words for a record that does not exist: "Couldn't find Comment with 'id'=999".
pub(super) fn couldnt_find(what: &str, key: &str, id: &str) -> String {
    format!("Couldn't find {what} with '{key}'={}", clip(id))
}
