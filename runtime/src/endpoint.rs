//! The [`Endpoint`] trait: what every generated request knows about itself.
//!
//! A generated request (`integration_runs::Run { id, body }`) implements it: its method, its
//! rendered path and query, its body in either format, how to read its response, how to validate
//! itself, and an `http::Request` built from all of that. No HTTP client is involved; the
//! client crate, a test, or any other transport sends the request.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::form::Form;
use crate::preserve::Model;
use crate::shape::Route;
use crate::validate::{Validate, Violations};
use crate::wire::{self, DecodeError, EncodeError, Format};

/// A typed request for one API action.
///
/// A generated request states its [`Route`], renders its path, and hands out its body and query;
/// everything else (encoding, validation for the action's kind, decoding the answer, building an
/// `http::Request`) is provided here.
pub trait Endpoint {
    /// What the response decodes into.
    type Response: Response;
    /// What the body carries (`()` for requests without one).
    type Body: Serialize + Validate;

    /// The action: resource, name, kind, method, path, host, scope, ...
    const ROUTE: &'static Route;

    /// The path with its parameters filled in and percent-encoded.
    fn path(&self) -> String;

    /// The query string, without `?`.
    fn query(&self) -> Option<String> {
        None
    }

    /// The body, if the request carries one.
    fn payload(&self) -> Option<&Self::Body> {
        None
    }

    /// The form, for requests that upload files (`multipart/form-data`).
    fn form(&self) -> Option<Form<'_>> {
        None
    }

    /// The body's media type and bytes, if the request has a body: the form, or the payload in
    /// `format`.
    fn content(&self, format: Format) -> Result<Option<(String, Vec<u8>)>, EncodeError> {
        if let Some(form) = self.form() {
            return Ok(Some(form.encode()));
        }
        self.payload()
            .map(|b| Ok((format.media_type().to_owned(), wire::encode(format, b)?)))
            .transpose()
    }

    /// The body in `format`, if the request has one.
    fn body(&self, format: Format) -> Result<Option<Vec<u8>>, EncodeError> {
        Ok(self.content(format)?.map(|(_, bytes)| bytes))
    }

    /// Checks the body against the rules of the action's kind, collecting every violation.
    /// Requests without a body, and actions whose kind validates nothing, are valid.
    fn validate(&self) -> Result<(), Violations> {
        match (Self::ROUTE.kind.mode(), self.payload()) {
            (Some(mode), Some(body)) => body.validate(mode),
            _ => Ok(()),
        }
    }

    /// Reads a response body.
    fn decode_response(format: Format, bytes: &[u8]) -> Result<Self::Response, DecodeError> {
        Self::Response::decode(format, bytes)
    }

    /// The path and the query string.
    fn path_and_query(&self) -> String {
        match self.query() {
            Some(q) if !q.is_empty() => format!("{}?{q}", self.path()),
            _ => self.path(),
        }
    }

    /// An `http::Request` for `base_url` (`https://acme.coupahost.com`), with Accept and
    /// Content-Type set for `format`. Authentication is the sender's business.
    fn to_http(
        &self,
        base_url: &str,
        format: Format,
    ) -> Result<http::Request<Vec<u8>>, EncodeError> {
        http_request(
            Self::ROUTE,
            base_url,
            &self.path_and_query(),
            format,
            self.content(format)?,
        )
    }
}

/// An `http::Request` for a route: its method, `base_url` (`https://acme.coupahost.com`) followed
/// by `path_and_query` (already filled and encoded, see [`fill_path`]), Accept set for `format`,
/// and Content-Type when there is a body. What [`Endpoint::to_http`] builds, for tools that hold
/// a [`Route`] of the registry rather than a typed request.
pub fn http_request(
    route: &Route,
    base_url: &str,
    path_and_query: &str,
    format: Format,
    content: Option<(String, Vec<u8>)>,
) -> Result<http::Request<Vec<u8>>, EncodeError> {
    let uri = format!("{}{path_and_query}", base_url.trim_end_matches('/'));
    let mut b = http::Request::builder()
        .method(route.method.to_http())
        .uri(uri)
        .header(http::header::ACCEPT, format.media_type());
    let body = match content {
        Some((content_type, bytes)) => {
            b = b.header(http::header::CONTENT_TYPE, content_type);
            bytes
        }
        None => Vec::new(),
    };
    b.body(body).map_err(EncodeError::of)
}

/// Why a route's path could not be filled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathError {
    /// The route takes this many parameters, and this many were given.
    Count {
        /// The route's parameters.
        expected: usize,
        /// The values given.
        given: usize,
    },
    /// A value does not fit its parameter's kind (an integer id that is not one).
    Kind {
        /// The parameter (`id`).
        param: &'static str,
        /// Its kind.
        kind: crate::ParamKind,
        /// The value given.
        value: String,
    },
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathError::Count { expected, given } => write!(
                f,
                "the route takes {expected} path parameter{}, {given} given",
                if *expected == 1 { "" } else { "s" }
            ),
            PathError::Kind { param, kind, value } => {
                write!(f, "`{param}` is {}, not `{value}`", kind_phrase(*kind))
            }
        }
    }
}

impl std::error::Error for PathError {}

fn kind_phrase(kind: crate::ParamKind) -> &'static str {
    match kind {
        crate::ParamKind::Integer => "an integer",
        crate::ParamKind::Digits => "a string of digits",
        crate::ParamKind::String => "text",
    }
}

/// The route's path with its `{params}` filled from `values`, in path order, each checked
/// against its kind and percent-encoded as one segment ([`encode_segment`]). Cost: the length of
/// the path, whatever the size of the registry.
pub fn fill_path(route: &Route, values: &[&str]) -> Result<String, PathError> {
    if values.len() != route.params.len() {
        return Err(PathError::Count {
            expected: route.params.len(),
            given: values.len(),
        });
    }
    for (&(param, kind), value) in route.params.iter().zip(values) {
        let fits = match kind {
            crate::ParamKind::Integer => value.parse::<i64>().is_ok(),
            crate::ParamKind::Digits => {
                !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit())
            }
            crate::ParamKind::String => !value.is_empty(),
        };
        if !fits {
            return Err(PathError::Kind {
                param,
                kind,
                value: (*value).to_owned(),
            });
        }
    }
    let mut out = String::with_capacity(route.path.len() + 16);
    let mut rest = route.path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        out.push_str(&rest[..open]);
        match route.params.iter().position(|(p, _)| *p == name) {
            Some(i) => out.push_str(&encode_segment(values[i])),
            None => out.push_str(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// What an action answers, read from the bytes of a response.
pub trait Response: Sized {
    /// Reads a response body.
    fn decode(format: Format, bytes: &[u8]) -> Result<Self, DecodeError>;
}

/// One object (or envelope).
impl<T: Model> Response for T {
    fn decode(format: Format, bytes: &[u8]) -> Result<T, DecodeError> {
        wire::decode(format, bytes)
    }
}

/// A list of objects (a single object is a list of one).
impl<T: Model> Response for Vec<T> {
    fn decode(format: Format, bytes: &[u8]) -> Result<Vec<T>, DecodeError> {
        wire::decode_list(format, bytes)
    }
}

/// The bytes of a file, as they arrive.
impl Response for Vec<u8> {
    fn decode(_format: Format, bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
        Ok(bytes.to_vec())
    }
}

/// A request without a body.
impl Validate for () {
    fn validate_at(&self, _: &mut crate::validate::Cx<'_>, _: &crate::validate::Path<'_>) {}
}

/// An index endpoint whose results come in pages (`offset`/`limit`).
pub trait Paginated: Endpoint + Clone {
    /// One record.
    type Item;

    /// The request's query, to set the page on.
    fn query_mut(&mut self) -> &mut crate::Query;

    /// The records of one page's response (a list, or the items of a list envelope).
    fn items(response: Self::Response) -> Vec<Self::Item>;

    /// The same request for one page.
    fn page(&self, offset: usize, limit: usize) -> Self {
        let mut next = self.clone();
        let q = next.query_mut();
        *q = std::mem::take(q).offset(offset).limit(limit);
        next
    }
}

/// The actions of one resource as an enum (`IntegrationRunAction`), each knowing its route.
/// Implemented by the generated code; names and kinds are read from the routes.
pub trait Actions: Copy + 'static {
    /// Every action, in the order of the page's table.
    const ALL: &'static [Self];

    /// The action's route.
    fn route(self) -> &'static Route;

    /// The action's name in the schema (`run`).
    fn name(self) -> &'static str {
        self.route().name
    }

    /// What the action does.
    fn kind(self) -> crate::ActionKind {
        self.route().kind
    }

    /// The action with this name in the schema.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.name() == name)
    }
}

/// Validates `value` as the body (or one item of the bulk body) of `action`, collecting every
/// violation. Actions without a body accept anything.
pub fn validate_for<T: Validate, A: Actions>(value: &T, action: A) -> Result<(), Violations> {
    match action.kind().mode() {
        Some(mode) => value.validate(mode),
        None => Ok(()),
    }
}

/// The bytes a path segment keeps as they are: ASCII letters and digits, `-`, `_`, `~` and `.`
/// (RFC 3986's unreserved characters); every other byte is percent-encoded.
const SEGMENT_ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'~')
    .remove(b'.');

/// Percent-encodes one path segment (parameters are never allowed to add `/` or `..`): a segment
/// that is `.` or `..` is encoded whole, since a server would read it as a step in the path.
pub fn encode_segment(s: &str) -> String {
    match s {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => utf8_percent_encode(s, SEGMENT_ENCODED).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_filled_in_order_and_encoded() {
        use crate::ParamKind;
        static R: Route = Route::new(
            "things",
            "show",
            crate::ActionKind::Show,
            crate::Method::Get,
            "/api/owners/{owner_id}/things/{id}",
        )
        .params(&[("owner_id", ParamKind::String), ("id", ParamKind::Integer)]);
        assert_eq!(
            fill_path(&R, &["a/b", "42"]).unwrap(),
            "/api/owners/a%2Fb/things/42"
        );
        assert_eq!(
            fill_path(&R, &["a"]),
            Err(PathError::Count {
                expected: 2,
                given: 1
            })
        );
        let e = fill_path(&R, &["a", "x"]).unwrap_err();
        assert_eq!(e.to_string(), "`id` is an integer, not `x`");
    }

    #[test]
    fn segments_cannot_escape_the_path() {
        assert_eq!(encode_segment("42"), "42");
        assert_eq!(encode_segment("../etc"), "..%2Fetc");
        assert_eq!(encode_segment(".."), "%2E%2E");
        assert_eq!(encode_segment("a b/c?d"), "a%20b%2Fc%3Fd");
        assert_eq!(encode_segment("日"), "%E6%97%A5");
        assert_eq!(encode_segment("."), "%2E");
        assert_eq!(encode_segment("..."), "...");
        assert_eq!(encode_segment("a.b-c_d~e"), "a.b-c_d~e");
        assert_eq!(encode_segment(""), "");
        assert_eq!(encode_segment("%+&=#\u{7f}"), "%25%2B%26%3D%23%7F");
    }

    /// The encoding written by hand before `percent-encoding` did it, kept as the reference.
    fn by_hand(s: &str) -> String {
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric()
                || matches!(b, b'-' | b'_' | b'~')
                || (b == b'.' && s != "." && s != "..")
            {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    #[test]
    fn every_character_is_encoded_as_before() {
        let chars: Vec<char> = (0u32..0x800)
            .chain([0xFFFD, 0x1F600])
            .filter_map(char::from_u32)
            .collect();
        for c in &chars {
            for s in [
                c.to_string(),
                format!("a{c}"),
                format!("{c}{c}."),
                format!(".{c}"),
            ] {
                assert_eq!(encode_segment(&s), by_hand(&s), "{s:?}");
            }
        }
    }
}
