//! One handler for every action of the registry: what an action does is decided by its `kind`,
//! `takes`, `answers`, `binds`, `sets` and `of`, never by the resource.
//!
//! The handler is split by what it does:
//!
//! - this file: serving one action ([`handle`]): authorization, the path parameters' types,
//!   dispatch by kind; and the helpers every part uses (`respond`, `answer_format`, `clip`);
//! - `failure.rs`: error answers ([`Failure`]), reading a body within its limits
//!   ([`read_body`]), the answer to an unknown route ([`no_route`]);
//! - `request.rs`: reading a call: its parameters, key, body, binds and sets, and the record it
//!   names;
//! - `answer.rs`: shaping and writing answers: objects, pages, write results, bulk results;
//! - `crud.rs`: create, index, show, update (and status) and delete;
//! - `bulk.rs`: bulk create, update and delete;
//! - `nested.rs`: `of` routes, a record's list element and its items.

mod answer;
mod bulk;
mod crud;
mod failure;
mod nested;
mod request;
mod upload;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::response::Response;
use coupa_runtime::query::ParsedQuery;
use coupa_runtime::registry::{ParamKind, Resource, Route};
use coupa_runtime::{ActionKind, Answers, Format, Host};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, StatusCode, header};

use crate::MockState;
use crate::auth::{Refusal, bearer};
use crate::store::{CSO_ID_DIGITS, is_digits};

pub(crate) use failure::{Failure, no_route, read_body};

/// What a write did, for the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Written {
    Created,
    Updated,
    Deleted,
}

/// One request to one action.
struct Call<'a> {
    st: &'a MockState,
    r: &'static Resource,
    a: &'static Route,
    params: Vec<(String, String)>,
    query: ParsedQuery,
    out: Format,
    body: Bytes,
    content_type: Option<String>,
    /// The form of a multipart request (`takes: multipart`), read.
    form: Vec<upload::FormPart>,
}

/// Serves one action.
pub(crate) async fn handle(
    st: MockState,
    r: &'static Resource,
    a: &'static Route,
    req: Request,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let out = answer_format(&parts.headers);
    match run(&st, r, a, &mut parts, body, out).await {
        Ok(res) => res,
        Err(f) => f.render(out),
    }
}

/// Serves one call: authorizes it, reads it, and does what the action's kind says.
async fn run(
    st: &MockState,
    r: &'static Resource,
    a: &'static Route,
    parts: &mut Parts,
    body: Body,
    out: Format,
) -> Result<Response, Failure> {
    authorize(st, r, a, &parts.headers)?;
    let call = Call::read(st, r, a, parts, body, out).await?;
    call.dispatch()
}

impl Call<'_> {
    /// Does what the action's kind says.
    fn dispatch(&self) -> Result<Response, Failure> {
        match self.a.kind {
            ActionKind::Create => self.create(),
            ActionKind::Index => self.index(),
            ActionKind::Show if self.a.answers == Answers::File && self.a.of.is_none() => {
                self.download()
            }
            ActionKind::Show => self.show(),
            ActionKind::Update | ActionKind::Status | ActionKind::Member => self.update(),
            ActionKind::Collection => self.collection(),
            ActionKind::Delete => self.delete(),
            ActionKind::BulkCreate => self.bulk(Written::Created),
            ActionKind::BulkUpdate => self.bulk(Written::Updated),
            ActionKind::BulkDelete => self.bulk(Written::Deleted),
        }
    }
}

/// Core: a bearer token with the action's scope. CSO: the `X-CSO-API-KEY` header.
fn authorize(st: &MockState, r: &Resource, a: &Route, headers: &HeaderMap) -> Result<(), Failure> {
    match a.host {
        Host::Cso => {
            let given = headers.get("x-cso-api-key").and_then(|v| v.to_str().ok());
            if given == Some(st.config().cso_api_key.as_str()) {
                return Ok(());
            }
            let msg = match given {
                None => "The X-CSO-API-KEY header is required",
                Some(_) => "The X-CSO-API-KEY header does not hold a valid API key",
            };
            Err(Failure::about(
                StatusCode::UNAUTHORIZED,
                Some(r),
                vec![msg.into()],
            ))
        }
        Host::Core => {
            let token = bearer(
                headers
                    .get(header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok()),
            );
            st.check_token(token, a.scope).map_err(|refusal| {
                let (status, challenge, msg) = match refusal {
                    Refusal::Missing => (
                        StatusCode::UNAUTHORIZED,
                        "Bearer realm=\"coupa-mock\"".to_owned(),
                        "An OAuth 2.0 access token is required: Authorization: Bearer <token>"
                            .to_owned(),
                    ),
                    Refusal::Unknown => (
                        StatusCode::UNAUTHORIZED,
                        "Bearer realm=\"coupa-mock\", error=\"invalid_token\"".to_owned(),
                        "The access token is not valid".to_owned(),
                    ),
                    Refusal::Expired => (
                        StatusCode::UNAUTHORIZED,
                        "Bearer realm=\"coupa-mock\", error=\"invalid_token\", error_description=\"The access token expired\"".to_owned(),
                        "The access token expired".to_owned(),
                    ),
                    Refusal::Scope(s) => (
                        StatusCode::FORBIDDEN,
                        format!("Bearer realm=\"coupa-mock\", error=\"insufficient_scope\", scope=\"{s}\""),
                        format!("The access token does not have the scope {s}"),
                    ),
                };
                Failure::about(status, Some(r), vec![msg])
                    .with_header(header::WWW_AUTHENTICATE, &challenge)
            })
        }
    }
}

/// Every path parameter must fit its type; one that does not names nothing (404).
fn check_params(r: &Resource, a: &Route, params: &[(String, String)]) -> Result<(), Failure> {
    for (name, kind) in a.params {
        let v = params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str());
        let ok = match (v, kind) {
            (None, _) => false,
            (Some(v), ParamKind::Integer) => v.parse::<i64>().is_ok(),
            (Some(v), ParamKind::Digits) => is_digits(v, CSO_ID_DIGITS),
            (Some(_), ParamKind::String) => true,
        };
        if !ok {
            return Err(Failure::about(
                StatusCode::NOT_FOUND,
                Some(r),
                vec![failure::couldnt_find(
                    r.type_name(),
                    name,
                    v.unwrap_or_default(),
                )],
            ));
        }
    }
    Ok(())
}

/// A response with a body.
pub(crate) fn respond(status: StatusCode, content_type: Option<&str>, body: Vec<u8>) -> Response {
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    if let Some(ct) = content_type.and_then(|c| HeaderValue::from_str(c).ok()) {
        res.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    res
}

/// The format the client accepts (`Accept`), JSON by default.
pub(crate) fn answer_format(headers: &HeaderMap) -> Format {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .and_then(Format::from_media_type)
        .unwrap_or(Format::Json)
}

/// At most this many characters of a client's value go into a message.
fn clip(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::request::typed;
    use super::*;
    use coupa_api::registry;
    use serde_json::Value;

    #[test]
    fn binds_and_sets_are_typed_by_element() {
        let r = registry::resource("integration-errors").expect("errors");
        assert_eq!(typed(r, "resolved", "true"), Ok(Value::Bool(true)));
        assert_eq!(typed(r, "document-id", "5"), Ok(Value::from(5)));
        assert!(typed(r, "document-id", "x").is_err());
        assert_eq!(typed(r, "status", "Error"), Ok(Value::from("Error")));
        assert_eq!(typed(r, "unknown", "x"), Ok(Value::from("x")));
    }

    #[test]
    fn messages_clip_long_values() {
        assert_eq!(clip("abc"), "abc");
        assert_eq!(clip(&"9".repeat(100)).chars().count(), 41);
    }
}
