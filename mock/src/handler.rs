//! One handler for every action of the registry: what an action does is decided by its `kind`,
//! `takes`, `answers`, `binds`, `sets` and `of`, never by the resource.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, RawPathParams, Request};
use axum::response::Response;
use coupa_runtime::error::NO_RESULTS;
use coupa_runtime::query::{ParsedQuery, ReturnObject};
use coupa_runtime::registry::{BindTo, ElementKind, ParamKind, Resource, Route};
use coupa_runtime::{ActionKind, Answers, CoupaErrors, DecodeError, Format, Host, Mode, Takes};
use coupa_runtime::{DateTime, Decimal, Violations};
use http::request::Parts;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use serde_json::{Map, Value, json};

use crate::MockState;
use crate::auth::{Refusal, bearer};
use crate::select::{Selection, shape, text_of};
use crate::store::{
    CSO_ID_DIGITS, Key, Stamp, Store, View, assign_update, is_digits, key_from_text, key_of,
};

/// An error answer: a status, Coupa's error body, and headers.
#[derive(Debug)]
pub(crate) struct Failure {
    status: StatusCode,
    errors: CoupaErrors,
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

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn loose_eq(a: &Value, b: &Value) -> bool {
    a == b || matches!((text_of(a), text_of(b)), (Some(x), Some(y)) if x == y)
}

/// A value of an element from the text of a bind, a set or a path parameter, typed by the
/// element's kind ("true" becomes a boolean for a boolean element, "5" an integer, ...).
fn typed(r: &Resource, name: &str, text: &str) -> Result<Value, String> {
    let Some(e) = r.element(name) else {
        return Ok(Value::String(text.to_owned()));
    };
    match e.kind {
        ElementKind::Integer => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("`{}` is not an integer", clip(text))),
        ElementKind::Boolean => match text.trim() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("`{}` is not true or false", clip(text))),
        },
        ElementKind::Decimal => Decimal::new(text.trim()).map(|d| Value::String(d.to_string())),
        ElementKind::DateTime => DateTime::parse(text).map(|d| Value::String(d.to_wire())),
        ElementKind::Digits => {
            if is_digits(text, usize::MAX) {
                Ok(Value::String(text.to_owned()))
            } else {
                Err(format!("`{}` is not a string of digits", clip(text)))
            }
        }
        ElementKind::String | ElementKind::Text => Ok(Value::String(text.to_owned())),
        ElementKind::Object | ElementKind::Shape => {
            serde_json::from_str(text).map_err(|e| format!("`{}` is not JSON: {e}", clip(text)))
        }
    }
}

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

async fn run(
    st: &MockState,
    r: &'static Resource,
    a: &'static Route,
    parts: &mut Parts,
    body: Body,
    out: Format,
) -> Result<Response, Failure> {
    authorize(st, r, a, &parts.headers)?;
    let raw = RawPathParams::from_request_parts(parts, &())
        .await
        .map_err(|_| {
            Failure::about(
                StatusCode::NOT_FOUND,
                Some(r),
                vec![format!("Couldn't find {}", r.type_name())],
            )
        })?;
    let params: Vec<(String, String)> = raw
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    check_params(r, a, &params)?;
    let query = ParsedQuery::parse(parts.uri.query().unwrap_or_default())
        .map_err(|e| Failure::about(StatusCode::BAD_REQUEST, Some(r), vec![e.0]))?;
    if parts.method == http::Method::GET && query.return_object == Some(ReturnObject::None) {
        // Coupa: "none ... is only supported for PUT and POST (not queries, like GET, where it
        // doesn't make sense)".
        return Err(Failure::about(
            StatusCode::BAD_REQUEST,
            Some(r),
            vec![
                "`return_object=none` is for PUT and POST only; a GET takes limited or shallow"
                    .to_owned(),
            ],
        ));
    }
    let body = read_body(
        body,
        &parts.headers,
        st.config().body_limit,
        st.config().body_timeout,
        Some(r),
    )
    .await?;
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let call = Call {
        st,
        r,
        a,
        params,
        query,
        out,
        body,
        content_type,
    };
    match a.kind {
        ActionKind::Create => call.create(),
        ActionKind::Index => call.index(),
        ActionKind::Show => call.show(),
        ActionKind::Update | ActionKind::Status => call.update(),
        ActionKind::Delete => call.delete(),
        ActionKind::BulkCreate => call.bulk(Written::Created),
        ActionKind::BulkUpdate => call.bulk(Written::Updated),
        ActionKind::BulkDelete => call.bulk(Written::Deleted),
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
                vec![format!(
                    "Couldn't find {} with '{name}'={}",
                    r.type_name(),
                    clip(v.unwrap_or_default())
                )],
            ));
        }
    }
    Ok(())
}

impl Call<'_> {
    fn fail(&self, status: StatusCode, message: String) -> Failure {
        Failure::about(status, Some(self.r), vec![message])
    }

    fn bad(&self, message: String) -> Failure {
        self.fail(StatusCode::BAD_REQUEST, message)
    }

    fn internal(&self, e: impl std::fmt::Display) -> Failure {
        self.fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("The mock could not write the object: {e}"),
        )
    }

    fn not_found(&self, id: &str) -> Failure {
        self.fail(
            StatusCode::NOT_FOUND,
            format!(
                "Couldn't find {} with '{}'={}",
                self.r.type_name(),
                self.r.key().unwrap_or("id"),
                clip(id)
            ),
        )
    }

    /// Every violation, as `<path>: <message>`, in one 400.
    fn invalid(&self, v: Violations) -> Failure {
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

    fn decode_failure(&self, e: DecodeError) -> Failure {
        self.bad(e.to_string())
    }

    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The record the route names (by the key parameter).
    fn key(&self) -> Result<Key, Failure> {
        let name = self.r.key().unwrap_or("id");
        let v = self.param(name).unwrap_or_default();
        key_from_text(self.r, v).ok_or_else(|| self.not_found(v))
    }

    /// The format of the request body (`Content-Type`, JSON when absent).
    fn in_format(&self) -> Result<Format, Failure> {
        match &self.content_type {
            None => Ok(Format::Json),
            Some(ct) => Format::from_media_type(ct).ok_or_else(|| {
                self.fail(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    format!(
                        "The Content-Type `{}` is not supported: send application/json or application/xml",
                        clip(ct)
                    ),
                )
            }),
        }
    }

    fn body_is_empty(&self) -> bool {
        self.body.iter().all(u8::is_ascii_whitespace)
    }

    /// Reads one object.
    fn decode(&self) -> Result<Value, Failure> {
        let fmt = self.in_format()?;
        let v = (self.r.codec.read)(fmt, &self.body).map_err(|e| self.decode_failure(e))?;
        if v.is_object() {
            Ok(v)
        } else {
            Err(self.bad("The body must be one object".into()))
        }
    }

    /// Reads the body the action takes, if any.
    fn decode_for_takes(&self) -> Result<Option<Value>, Failure> {
        match self.a.takes {
            Takes::Object => self.decode().map(Some),
            Takes::OptionalObject if !self.body_is_empty() => self.decode().map(Some),
            _ => Ok(None),
        }
    }

    /// The values the route binds, typed.
    fn bind_values(&self) -> Result<Vec<(&'static str, Value)>, Failure> {
        self.a
            .binds
            .iter()
            .map(|(name, to)| self.bind_value(name, *to).map(|v| (*name, v)))
            .collect()
    }

    fn bind_value(&self, name: &str, to: BindTo) -> Result<Value, Failure> {
        match to {
            BindTo::Const(c) => typed(self.r, name, c).map_err(|e| {
                self.internal(format!(
                    "the route binds `{name}` to a constant that does not fit: {e}"
                ))
            }),
            BindTo::Param(p) => {
                let text = self.param(p).unwrap_or_default();
                typed(self.r, name, text).map_err(|_| {
                    self.fail(
                        StatusCode::NOT_FOUND,
                        format!(
                            "Couldn't find {} with '{p}'={}",
                            self.r.type_name(),
                            clip(text)
                        ),
                    )
                })
            }
        }
    }

    /// Writes the bound values into an object: the elements a client may send (`api_in`) before
    /// validation, the others after it.
    fn apply_binds(&self, obj: &mut Map<String, Value>, api_in: bool) -> Result<(), Failure> {
        for (name, to) in self.a.binds {
            let accepted = self.r.element(name).is_none_or(|e| e.api_in);
            if accepted == api_in {
                obj.insert((*name).to_owned(), self.bind_value(name, *to)?);
            }
        }
        Ok(())
    }

    /// Writes what the action sets (`run` sets status running, `resolve` resolved true).
    fn apply_sets(&self, obj: &mut Map<String, Value>) -> Result<(), Failure> {
        for (name, text) in self.a.sets {
            let v = typed(self.r, name, text).map_err(|e| {
                self.internal(format!(
                    "the action sets `{name}` to a value that does not fit: {e}"
                ))
            })?;
            obj.insert((*name).to_owned(), v);
        }
        Ok(())
    }

    fn return_none(&self) -> bool {
        self.query.return_object == Some(ReturnObject::None)
    }

    fn shape(&self, v: Value) -> Value {
        shape(v, self.query.return_object, self.query.fields.as_ref())
    }

    /// Answers one object.
    fn object(&self, status: StatusCode, v: Value) -> Result<Response, Failure> {
        if self.return_none() {
            return Ok(respond(status, None, Vec::new()));
        }
        let v = self.shape(v);
        let bytes = (self.r.codec.write)(self.out, &v).map_err(|e| self.internal(e))?;
        Ok(respond(status, Some(self.out.media_type()), bytes))
    }

    /// Answers a page of records: a list (`[]` in JSON, 404 in XML when empty) or the list
    /// envelope (`{"total": N, "events": [...]}`).
    fn list(&self, items: Vec<Value>, total: usize) -> Result<Response, Failure> {
        if self.return_none() {
            return Ok(respond(StatusCode::OK, None, Vec::new()));
        }
        let items: Vec<Value> = items.into_iter().map(|v| self.shape(v)).collect();
        if let (Answers::Envelope, Some(env)) = (self.a.answers, &self.r.list_envelope) {
            let mut m = Map::new();
            if let Some(t) = env.total {
                m.insert(t.to_owned(), Value::from(total));
            }
            m.insert(env.items.to_owned(), Value::Array(items));
            let bytes =
                (env.codec.write)(self.out, &Value::Object(m)).map_err(|e| self.internal(e))?;
            return Ok(respond(StatusCode::OK, Some(self.out.media_type()), bytes));
        }
        if items.is_empty() && self.out == Format::Xml {
            return Err(self.fail(StatusCode::NOT_FOUND, NO_RESULTS.to_owned()));
        }
        let bytes = (self.r.codec.write_list)(self.out, self.r.name, &items)
            .map_err(|e| self.internal(e))?;
        Ok(respond(StatusCode::OK, Some(self.out.media_type()), bytes))
    }

    /// Answers a write: the object, or the bulk-result envelope when the action answers one.
    fn written(&self, status: StatusCode, what: Written, rec: Value) -> Result<Response, Failure> {
        match self.a.answers {
            Answers::BulkResult => {
                let created = match what {
                    Written::Created => self.created_ref(&rec).into_iter().collect(),
                    _ => Vec::new(),
                };
                let names = match what {
                    Written::Deleted => vec![self.display_name(&rec)],
                    _ => Vec::new(),
                };
                self.bulk_answer(what, 1, created, names, Vec::new())
            }
            Answers::List | Answers::Envelope => self.list(vec![rec], 1),
            Answers::Object | Answers::File => self.object(status, rec),
        }
    }

    /// `{"id": ...}` of a created record.
    fn created_ref(&self, rec: &Value) -> Option<Value> {
        let k = self.r.key()?;
        let mut m = Map::new();
        m.insert(k.to_owned(), rec.get(k)?.clone());
        Some(Value::Object(m))
    }

    /// How the bulk result names a deleted record: its name, else its key.
    fn display_name(&self, rec: &Value) -> String {
        rec.get("name")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| key_of(self.r, rec).map(|k| k.to_string()))
            .unwrap_or_default()
    }

    fn key_of_new(&self, store: &Store, v: &Value) -> Result<Key, Failure> {
        match self.r.key() {
            Some(k) => {
                let key = key_of(self.r, v)
                    .ok_or_else(|| self.internal(format!("the new object has no valid `{k}`")))?;
                if store.get(self.r, &key).is_some() {
                    return Err(self.bad(format!(
                        "/{k}: `{k}` must be unique; another object already has `{key}`"
                    )));
                }
                Ok(key)
            }
            None => Ok(Key::Int(
                store
                    .table(self.r)
                    .and_then(|t| t.records.keys().next_back())
                    .map_or(1, |k| match k {
                        Key::Int(i) => i.saturating_add(1),
                        Key::Text(_) => 1,
                    }),
            )),
        }
    }

    // ------------------------------------------------------------------ the kinds

    fn create(&self) -> Result<Response, Failure> {
        let r = self.r;
        let mut obj = self.decode()?;
        if let Some(m) = obj.as_object_mut() {
            self.apply_binds(m, true)?;
        }
        let stamp = self.st.stamp();
        let mut store = self.st.store();
        (r.codec.validate)(&obj, Mode::Create, Some(&View(&store)), None)
            .map_err(|v| self.invalid(v))?;
        if let Some(m) = obj.as_object_mut() {
            self.apply_binds(m, false)?;
            self.apply_sets(m)?;
            store.table_mut(r).assign_create(r, m, &stamp);
        }
        let obj = (r.codec.canonical)(obj).map_err(|e| self.internal(e))?;
        let key = self.key_of_new(&store, &obj)?;
        store.table_mut(r).records.insert(key, obj.clone());
        drop(store);
        self.written(StatusCode::CREATED, Written::Created, obj)
    }

    fn index(&self) -> Result<Response, Failure> {
        if let Some(of) = self.a.of {
            return self.index_of(of);
        }
        let sel = Selection::compile(self.r, &self.query).map_err(|e| self.bad(e))?;
        let binds = self.bind_values()?;
        let store = self.st.store();
        // In the store's order, the page is taken as the matches go by (see `page`).
        let (hits, total): (Vec<&Value>, usize) = {
            let matching = store
                .records(self.r)
                .filter(|v| bound(v, &binds) && sel.matches(v));
            self.matching_page(&sel, matching)
        };
        let plain = self.out == Format::Json
            && self.a.answers == Answers::List
            && self.query.fields.is_none()
            && self.query.return_object.is_none();
        let written = plain.then(|| crate::page::json_list(self.r.shape, &hits));
        let page: Vec<Value> = match written {
            Some(_) => Vec::new(),
            None => hits.into_iter().cloned().collect(),
        };
        drop(store);
        if let Some(bytes) = written {
            return Ok(respond(StatusCode::OK, Some(self.out.media_type()), bytes));
        }
        self.list(page, total)
    }

    /// One page of the matches, and their number when the answer says it (the list envelope).
    fn matching_page<'s>(
        &self,
        sel: &Selection,
        matching: impl Iterator<Item = &'s Value> + Clone,
    ) -> (Vec<&'s Value>, usize) {
        if sel.ordered() {
            let mut hits: Vec<&Value> = matching.collect();
            sel.sort(&mut hits);
            let total = hits.len();
            let page = hits.into_iter().skip(sel.offset).take(sel.limit).collect();
            return (page, total);
        }
        let page = matching.clone().skip(sel.offset).take(sel.limit).collect();
        let counted = matches!(self.a.answers, Answers::Envelope);
        (page, if counted { matching.count() } else { 0 })
    }

    /// The record the route names, if it matches the route's binds.
    fn find_in(&self, store: &Store, key: &Key, binds: &[(&str, Value)]) -> Result<Value, Failure> {
        store
            .get(self.r, key)
            .filter(|v| bound(v, binds))
            .cloned()
            .ok_or_else(|| self.not_found(&key.to_string()))
    }

    fn show(&self) -> Result<Response, Failure> {
        let key = self.key()?;
        let binds = self.bind_values()?;
        let rec = self.find_in(&self.st.store(), &key, &binds)?;
        match self.a.of {
            Some(of) => self.show_of(of, &rec),
            None => self.object(StatusCode::OK, rec),
        }
    }

    /// Update (PUT, PATCH) and the status actions: the body's elements are merged into the
    /// record, then the action's `sets`, then updated-at and updated-by.
    fn update(&self) -> Result<Response, Failure> {
        let r = self.r;
        let key = self.key()?;
        let body = self.decode_for_takes()?;
        let binds = self.bind_values()?;
        let stamp = self.st.stamp();
        let mut store = self.st.store();
        let mut rec = self.find_in(&store, &key, &binds)?;
        if let Some(b) = &body {
            let mode = self.a.kind.mode().unwrap_or(Mode::Update);
            (r.codec.validate)(b, mode, Some(&View(&store)), Some(&key.to_string()))
                .map_err(|v| self.invalid(v))?;
        }
        if let Some(m) = rec.as_object_mut() {
            if let Some(Value::Object(b)) = body {
                merge(r, m, b);
            }
            self.apply_sets(m)?;
            assign_update(r, m, &stamp);
        }
        let rec = (r.codec.canonical)(rec).map_err(|e| self.internal(e))?;
        store.table_mut(r).records.insert(key, rec.clone());
        drop(store);
        self.written(StatusCode::OK, Written::Updated, rec)
    }

    fn delete(&self) -> Result<Response, Failure> {
        let key = self.key()?;
        let binds = self.bind_values()?;
        let mut store = self.st.store();
        let rec = self.find_in(&store, &key, &binds)?;
        store.table_mut(self.r).records.remove(&key);
        drop(store);
        self.written(StatusCode::OK, Written::Deleted, rec)
    }

    /// A bulk create, update or delete: lenient per item. Valid items are written, invalid ones
    /// reported in the result; when every item fails, 400 with every problem.
    fn bulk(&self, what: Written) -> Result<Response, Failure> {
        let r = self.r;
        let fmt = self.in_format()?;
        let (items_key, items) = match &r.bulk_request {
            Some(env) => {
                let v = (env.codec.read)(fmt, &self.body).map_err(|e| self.decode_failure(e))?;
                match v.get(env.items) {
                    Some(Value::Array(a)) => (env.items, a.clone()),
                    _ => {
                        return Err(self.bad(format!(
                            "/{0}: `{0}` is required: it holds the objects to write",
                            env.items
                        )));
                    }
                }
            }
            None => (
                "",
                (r.codec.read_list)(fmt, &self.body).map_err(|e| self.decode_failure(e))?,
            ),
        };
        let stamp = self.st.stamp();
        let mut store = self.st.store();
        let mut errors = Vec::new();
        let mut created = Vec::new();
        let mut names = Vec::new();
        let mut count = 0usize;
        for (i, item) in items.into_iter().enumerate() {
            let at = if items_key.is_empty() {
                format!("/{i}")
            } else {
                format!("/{items_key}/{i}")
            };
            match self.bulk_item(&mut store, what, item, &stamp) {
                Ok(rec) => {
                    count += 1;
                    match what {
                        Written::Created => created.extend(self.created_ref(&rec)),
                        Written::Deleted => names.push(self.display_name(&rec)),
                        Written::Updated => {}
                    }
                }
                Err(problems) => {
                    errors.extend(problems.into_iter().map(|(p, m)| format!("{at}{p}: {m}")))
                }
            }
        }
        drop(store);
        if count == 0 && !errors.is_empty() {
            return Err(Failure::about(StatusCode::BAD_REQUEST, Some(r), errors));
        }
        self.bulk_answer(what, count, created, names, errors)
    }

    /// One item of a bulk write, under the store's lock. Problems are (path in the item,
    /// message).
    fn bulk_item(
        &self,
        store: &mut Store,
        what: Written,
        mut item: Value,
        stamp: &Stamp,
    ) -> Result<Value, Vec<(String, String)>> {
        let r = self.r;
        let problems = |v: Violations| -> Vec<(String, String)> {
            v.into_iter().map(|x| (x.path, x.message)).collect()
        };
        let one = |p: String, m: String| vec![(p, m)];
        let key_name = r.key().unwrap_or("id");
        match what {
            Written::Created => {
                (r.codec.validate)(&item, Mode::Create, Some(&View(store)), None)
                    .map_err(problems)?;
                let Some(m) = item.as_object_mut() else {
                    return Err(one(String::new(), "must be an object".into()));
                };
                self.apply_sets(m)
                    .map_err(|f| one(String::new(), f.errors.to_string()))?;
                store.table_mut(r).assign_create(r, m, stamp);
                let v = (r.codec.canonical)(item).map_err(|e| one(String::new(), e.to_string()))?;
                let key = self
                    .key_of_new(store, &v)
                    .map_err(|f| one(format!("/{key_name}"), f.errors.to_string()))?;
                store.table_mut(r).records.insert(key, v.clone());
                Ok(v)
            }
            Written::Updated | Written::Deleted => {
                let key_text = item.get(key_name).and_then(text_of);
                let mode = if what == Written::Updated {
                    Mode::BulkUpdate
                } else {
                    Mode::BulkDelete
                };
                (r.codec.validate)(&item, mode, Some(&View(store)), key_text.as_deref())
                    .map_err(problems)?;
                let missing = || {
                    one(
                        format!("/{key_name}"),
                        format!(
                            "Couldn't find {} with '{key_name}'={}",
                            r.type_name(),
                            clip(key_text.as_deref().unwrap_or_default())
                        ),
                    )
                };
                let key = key_text
                    .as_deref()
                    .and_then(|t| key_from_text(r, t))
                    .ok_or_else(missing)?;
                let mut rec = store.get(r, &key).cloned().ok_or_else(missing)?;
                if what == Written::Deleted {
                    store.table_mut(r).records.remove(&key);
                    return Ok(rec);
                }
                if let (Some(m), Value::Object(b)) = (rec.as_object_mut(), item) {
                    merge(r, m, b);
                    self.apply_sets(m)
                        .map_err(|f| one(String::new(), f.errors.to_string()))?;
                    assign_update(r, m, stamp);
                }
                let v = (r.codec.canonical)(rec).map_err(|e| one(String::new(), e.to_string()))?;
                store.table_mut(r).records.insert(key, v.clone());
                Ok(v)
            }
        }
    }

    /// The bulk-result envelope, as CSO's Events page shows it.
    fn bulk_answer(
        &self,
        what: Written,
        count: usize,
        created: Vec<Value>,
        names: Vec<String>,
        errors: Vec<String>,
    ) -> Result<Response, Failure> {
        let r = self.r;
        let objects = if count == 1 { "object" } else { "objects" };
        let mut result = Vec::new();
        let (count_key, error_type, status) = match what {
            Written::Created => {
                result.push(json!({"type": "api.post.added",
                                   "description": format!("{count} {objects} created.")}));
                ("added", "api.post.error", StatusCode::CREATED)
            }
            Written::Updated => {
                result.push(json!({"type": "api.put.updated",
                                   "description": format!("{count} {objects} updated.")}));
                ("updated", "api.put.error", StatusCode::OK)
            }
            Written::Deleted => {
                for n in names {
                    result.push(json!({"type": format!("{}.deleted.logMsg", r.wire_name()),
                                       "description": format!("The {} {n} was deleted.", r.wire_name())}));
                }
                ("deleted", "api.delete.error", StatusCode::OK)
            }
        };
        for e in errors {
            result.push(json!({"type": error_type, "description": e}));
        }
        let mut m = Map::new();
        m.insert("result".into(), Value::Array(result));
        m.insert(count_key.into(), Value::from(count));
        if what == Written::Created {
            let items = r.bulk_result.as_ref().map_or(r.name, |e| e.items);
            m.insert(items.into(), Value::Array(created));
        }
        let v = Value::Object(m);
        match &r.bulk_result {
            Some(env) => {
                let bytes = (env.codec.write)(self.out, &v).map_err(|e| self.internal(e))?;
                Ok(respond(status, Some(self.out.media_type()), bytes))
            }
            None => self.answer_value(status, "result", &v),
        }
    }

    /// Answers a value no model describes (an `of` list or item, a result without its envelope)
    /// in the answer's format, under the XML root `root`.
    fn answer_value(&self, status: StatusCode, root: &str, v: &Value) -> Result<Response, Failure> {
        let bytes = match self.out {
            Format::Json => serde_json::to_vec(v).map_err(|e| self.internal(e))?,
            Format::Xml => {
                coupa_runtime::xml::value_to_vec(root, v).map_err(|e| self.internal(e))?
            }
        };
        Ok(respond(status, Some(self.out.media_type()), bytes))
    }

    // ------------------------------------------------------------------ `of` routes

    /// The list element of a record (`/api/comments/{id}/attachments`).
    fn index_of(&self, of: &str) -> Result<Response, Failure> {
        let key = self.key()?;
        let binds = self.bind_values()?;
        let rec = self.find_in(&self.st.store(), &key, &binds)?;
        let all: Vec<Value> = match rec.get(of) {
            Some(Value::Array(a)) => a.clone(),
            Some(v @ Value::Object(_)) => vec![v.clone()],
            _ => Vec::new(),
        };
        if self.return_none() {
            return Ok(respond(StatusCode::OK, None, Vec::new()));
        }
        let limit = self.query.page_limit();
        let items: Vec<Value> = all
            .into_iter()
            .skip(self.query.offset.unwrap_or(0))
            .take(limit)
            .map(|v| self.shape(v))
            .collect();
        if items.is_empty() && self.out == Format::Xml {
            return Err(self.fail(StatusCode::NOT_FOUND, NO_RESULTS.to_owned()));
        }
        self.answer_value(StatusCode::OK, of, &Value::Array(items))
    }

    /// One item of a record's list element; for `answers: file`, the item's file.
    fn show_of(&self, of: &str, rec: &Value) -> Result<Response, Failure> {
        let one = coupa_runtime::xml::singular(of).into_owned();
        let bound: Vec<&str> = self
            .a
            .binds
            .iter()
            .filter_map(|(_, to)| match to {
                BindTo::Param(p) => Some(*p),
                BindTo::Const(_) => None,
            })
            .collect();
        let item_param = self
            .a
            .params
            .iter()
            .rev()
            .map(|(n, _)| *n)
            .find(|n| Some(*n) != self.r.key() && !bound.contains(n));
        let wanted = item_param.and_then(|p| self.param(p)).unwrap_or_default();
        let item = rec
            .get(of)
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|i| i.get("id").and_then(text_of).as_deref() == Some(wanted))
            })
            .ok_or_else(|| {
                self.fail(
                    StatusCode::NOT_FOUND,
                    format!(
                        "Couldn't find {} with 'id'={}",
                        capitalised(&one),
                        clip(wanted)
                    ),
                )
            })?;
        if self.a.answers != Answers::File {
            return self.answer_value(StatusCode::OK, &one, &self.shape(item.clone()));
        }
        if item.get("type").and_then(Value::as_str) != Some("file") {
            return Err(self.fail(
                StatusCode::NOT_FOUND,
                format!("{} does not have a file attached", capitalised(&one)),
            ));
        }
        let file = item.get("file").and_then(text_of).unwrap_or_default();
        let mut res = respond(
            StatusCode::OK,
            Some("application/octet-stream"),
            file.clone().into_bytes(),
        );
        let name: String = file
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .chars()
            .filter(|c| c.is_ascii_graphic() && *c != '"' && *c != '\\')
            .collect();
        let disposition = if name.is_empty() {
            "attachment".to_owned()
        } else {
            format!("attachment; filename=\"{name}\"")
        };
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
        Ok(res)
    }
}

/// True when the record holds every bound value.
fn bound(rec: &Value, binds: &[(&str, Value)]) -> bool {
    binds
        .iter()
        .all(|(name, want)| rec.get(*name).is_some_and(|v| loose_eq(v, want)))
}

/// Merges the elements of a body into a record. The key and what Coupa assigns (created-at,
/// sequences, ...) stay: an element both accepted and assigned is accepted, then ignored.
fn merge(r: &Resource, rec: &mut Map<String, Value>, body: Map<String, Value>) {
    for (k, v) in body {
        let kept =
            Some(k.as_str()) == r.key() || r.element(&k).is_some_and(|e| e.assigned.is_some());
        if !kept {
            rec.insert(k, v);
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use coupa_api::registry;

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
