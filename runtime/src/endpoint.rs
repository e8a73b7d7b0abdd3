//! The [`Endpoint`] trait: what every generated request knows about itself.
//!
//! A generated request (`integration_runs::Run { id, body }`) implements it: its method, its
//! rendered path and query, its body in either format, how to read its response, how to validate
//! itself, and an `http::Request` built from all of that. No HTTP client is involved; the
//! client crate, a test, or any other transport sends the request.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::validate::Violations;
use crate::wire::{DecodeError, EncodeError, Format};

/// The two Coupa hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Host {
    /// `https://{instance}.coupahost.com`: OAuth 2.0 bearer tokens.
    Core,
    /// `https://{instance}.cso.coupahost.com`: the `X-CSO-API-KEY` header.
    Cso,
}

impl Host {
    /// `core` or `cso`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Host::Core => "core",
            Host::Cso => "cso",
        }
    }
}

/// What an action does (mirrors the schema's `kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// Creates one object.
    Create,
    /// Lists objects.
    Index,
    /// Reads one object.
    Show,
    /// Changes one object.
    Update,
    /// Deletes one object.
    Delete,
    /// Moves one object to a status.
    Status,
    /// Creates objects from an envelope.
    BulkCreate,
    /// Changes objects from an envelope.
    BulkUpdate,
    /// Deletes objects named in an envelope.
    BulkDelete,
}

impl ActionKind {
    /// The validation mode of the action's body, if it has one.
    pub fn mode(&self) -> Option<crate::Mode> {
        use crate::Mode;
        match self {
            ActionKind::Create | ActionKind::BulkCreate => Some(Mode::Create),
            ActionKind::Update | ActionKind::Status => Some(Mode::Update),
            ActionKind::BulkUpdate => Some(Mode::BulkUpdate),
            ActionKind::BulkDelete => Some(Mode::BulkDelete),
            ActionKind::Index | ActionKind::Show | ActionKind::Delete => None,
        }
    }

    /// The kebab-case name used in the schemas.
    pub fn as_str(&self) -> &'static str {
        match self {
            ActionKind::Create => "create",
            ActionKind::Index => "index",
            ActionKind::Show => "show",
            ActionKind::Update => "update",
            ActionKind::Delete => "delete",
            ActionKind::Status => "status",
            ActionKind::BulkCreate => "bulk-create",
            ActionKind::BulkUpdate => "bulk-update",
            ActionKind::BulkDelete => "bulk-delete",
        }
    }
}

/// What a request carries (mirrors the schema's `takes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Takes {
    /// Nothing.
    Nothing,
    /// One object.
    Object,
    /// One object or nothing.
    OptionalObject,
    /// A bulk envelope.
    Bulk,
    /// Query filters.
    Query,
}

/// What a response carries (mirrors the schema's `answers`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Answers {
    /// One object.
    Object,
    /// A list.
    List,
    /// A list envelope.
    Envelope,
    /// A bulk-result envelope.
    BulkResult,
    /// The bytes of a file.
    File,
}

/// A typed request for one API action.
pub trait Endpoint {
    /// What the response decodes into.
    type Response;

    /// The HTTP method.
    const METHOD: http::Method;
    /// The host the action lives on.
    const HOST: Host;
    /// The resource (plural wire name, `integration-runs`).
    const RESOURCE: &'static str;
    /// The action's name in the schema (`run`).
    const ACTION: &'static str;
    /// What the action does.
    const KIND: ActionKind;
    /// The OAuth 2.0 scope it needs (Core).
    const SCOPE: Option<&'static str>;

    /// The path with its parameters filled in and percent-encoded.
    fn path(&self) -> String;

    /// The query string, without `?`.
    fn query(&self) -> Option<String> {
        None
    }

    /// The body in `format`, if the request has one.
    fn body(&self, _format: Format) -> Result<Option<Vec<u8>>, EncodeError> {
        Ok(None)
    }

    /// Checks the body against the action's rules, collecting every violation.
    fn validate(&self) -> Result<(), Violations> {
        Ok(())
    }

    /// Reads a response body.
    fn decode_response(format: Format, bytes: &[u8]) -> Result<Self::Response, DecodeError>;

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
        let uri = format!(
            "{}{}",
            base_url.trim_end_matches('/'),
            self.path_and_query()
        );
        let body = self.body(format)?;
        let mut b = http::Request::builder()
            .method(Self::METHOD)
            .uri(uri)
            .header(http::header::ACCEPT, format.media_type());
        if body.is_some() {
            b = b.header(http::header::CONTENT_TYPE, format.media_type());
        }
        b.body(body.unwrap_or_default())
            .map_err(|e| EncodeError(e.to_string()))
    }
}

/// An index endpoint whose results come in pages (`offset`/`limit`).
pub trait Paginated: Endpoint + Clone {
    /// One record.
    type Item;

    /// The same request for one page.
    fn page(&self, offset: usize, limit: usize) -> Self;

    /// The records of one page's response (a list, or the items of a list envelope).
    fn items(response: Self::Response) -> Vec<Self::Item>;
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
