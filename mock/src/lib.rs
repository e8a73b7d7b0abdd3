//! coupa-mock: an in-memory Coupa for integration tests, to run instead of a Coupa sandbox.
//!
//! The mock is **driven by the registry** (`coupa_api::registry::RESOURCES`): every action of
//! every resource is routed at its schema path and served by one generic handler that reads the
//! action's `kind`, `takes`, `answers`, `scope`, `binds`, `sets` and `of`, and the resource's
//! codec (read, validate, write). There is no code per resource: a resource added to `schema/` is
//! served after `cargo xtask gen`.
//!
//! # Hosts and URLs
//!
//! Coupa has two hosts; the mock serves both on one port:
//!
//! | host | base URL | routes | authentication |
//! |---|---|---|---|
//! | Core | [`MockServer::core_url`] (`http://127.0.0.1:PORT`) | schema paths as they are (`/api/integration_runs`), and `POST /oauth2/token` | `Authorization: Bearer <token>` with the action's scope |
//! | CSO | [`MockServer::cso_url`] (`http://127.0.0.1:PORT/cso`) | schema paths under the prefix `/cso` (`/cso/api/events`), and also as they are (`/api/events`) | `X-CSO-API-KEY` |
//!
//! A client configured with the CSO base URL `http://127.0.0.1:PORT/cso` sends
//! `/cso/api/events` without knowing about the prefix. CSO routes are also served at their plain
//! paths (`/api/events`), which no Core route uses, so that one base URL serves every path of the
//! OpenAPI document (`openapi/coupa.openapi.json`, whose CSO paths have a server of their own);
//! the host's credentials are checked either way (the CSO key, never a Core token). A CSO path
//! that a Core route also has (or that the router cannot tell apart from one, such as
//! `/api/x/{name}` beside `/api/x/{id}`) would be served under `/cso` only.
//!
//! # Behaviour
//!
//! - Records are canonical JSON values (the codec's), per resource, keyed by the key element.
//!   Core ids are integers from a counter; CSO ids (`digits`) are 19-digit strings from
//!   9220000000000000001. Assigned elements (id, created-at, updated-at, created-by, updated-by,
//!   sequences) are filled by the mock; created-by and updated-by hold
//!   [`MockConfig::api_user`].
//! - Every write (validation with a [`coupa_runtime::UniqueStore`] over the store, then the
//!   insert) happens under one lock: concurrent writers lose nothing and never break a unique
//!   element.
//! - Request bodies are read in the format of `Content-Type`, answers written in the format of
//!   `Accept` (JSON by default). A body that does not decode is a 400 carrying the decode error
//!   and its position; a validation failure is a 400 listing every violation as
//!   `<path>: <message>`; all error bodies are Coupa's (`{"errors": {"<resource>": [...]}}`,
//!   `<errors><error>...</error></errors>`).
//! - Index routes take Coupa's filters (`field[op]=value`, nested `association[field]=value`),
//!   typed by element kind, `order_by`/`dir`, `offset`/`limit` (at most 50), `return_object`
//!   and `fields`; an empty result is `[]` in JSON and a 404 with "No results match your search
//!   criteria." in XML. CSO list routes answer the list envelope (`{"total": N, "events": [...]}`).
//! - A route nested under a parent it does not bind (`/api/comments/{comment_id}/attachments`,
//!   routes of Attachment) is scoped by it: a create links the record to the parent beside the
//!   record, index, show, update and delete see only the parent's records, and a parent the
//!   registry describes must exist (404). A seed object links itself with
//!   `"@parent": {"comments": 40}`; the assignment routes `.../{id}/add`, `.../{id}/remove` and
//!   `.../remove_all` (a user's business groups) link and unlink existing records. See
//!   [`nested_parent`].
//! - Bulk routes (CSO) are lenient per item and answer the bulk-result envelope; when every item
//!   fails they answer 400. Failed items appear in `result` with the types `api.post.error`,
//!   `api.put.error` or `api.delete.error`.
//! - `POST /oauth2/token` issues client-credentials tokens ([`MockConfig::oauth_clients`]);
//!   Core routes need one with the action's scope (401 without or with a forged or expired one,
//!   403 without the scope). CSO routes need [`MockConfig::cso_api_key`].
//! - Bodies over [`MockConfig::body_limit`] get 413 (a larger `Content-Length` before any byte is
//!   read); bodies slower than [`MockConfig::body_timeout`] get 408 and the connection is closed,
//!   while other clients are served; requests over the rate limit get 429 with `Retry-After`.
//!   Rejected requests never change the store.
//! - Faults on request ([`MockConfig::faults`], off by default): a seeded share of answers
//!   replaced by 500, 502 or 503 (with and without `Retry-After`), cut connections (before or in
//!   the middle of an answer, after the request was acted on), late answers, and a 429 storm;
//!   see [`Faults`].
//!
//! # Example
//!
//! ```no_run
//! # async fn demo() -> Result<(), coupa_mock::Error> {
//! use coupa_mock::{MockConfig, MockServer};
//!
//! let server = MockServer::start(MockConfig {
//!     rate_limit: None,
//!     seed: Some(serde_json::json!({"events": [{"name": "Seeded", "market-id": "42"}]})),
//!     ..MockConfig::default()
//! })
//! .await?;
//! // Point the client under test at server.core_url() and server.cso_url() ...
//! assert_eq!(server.records("events").len(), 1);
//! server.shutdown().await?;
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod auth;
mod config;
mod faults;
mod handler;
mod nest;
mod page;
mod seed;
mod select;
mod store;

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::Request;
use axum::middleware;
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter};
use coupa_api::registry::{self, RESOURCES};
use coupa_runtime::registry::{Assigned, ElementKind, Resource, Route};
use coupa_runtime::{Format, Host};
use http::{Method, StatusCode, header};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{MockConfig, OAuthClient, RateLimit, load_seed, registry_scopes};
pub use faults::{FaultKind, FaultLog, Faults, Storm};

use crate::auth::{Bucket, Refusal, Tokens};
use crate::handler::{no_route, read_body, respond};
use crate::store::{Stamp, Store};

/// The prefix of the CSO routes.
pub const CSO_PREFIX: &str = "/cso";

/// The path of the OAuth 2.0 token endpoint (Core).
pub const TOKEN_PATH: &str = "/oauth2/token";

/// What can go wrong starting or running a mock.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Binding or serving failed.
    Io(std::io::Error),
    /// The seed is not valid: an unknown resource, an object its codec refuses, a duplicate id
    /// or unique value.
    Seed(String),
    /// The configuration is not usable (an `api_user` that is not a short user object).
    Config(String),
    /// The registry has routes the router cannot serve side by side (two paths it cannot tell
    /// apart, or one method twice on one path).
    Route(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "mock I/O error: {e}"),
            Error::Seed(e) => write!(f, "invalid seed: {e}"),
            Error::Config(e) => write!(f, "invalid mock configuration: {e}"),
            Error::Route(e) => write!(f, "conflicting routes: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

struct Inner {
    config: MockConfig,
    routes: Vec<RoutePath>,
    store: Mutex<Store>,
    tokens: Mutex<Tokens>,
    bucket: Option<Mutex<Bucket>>,
    injector: faults::Injector,
}

/// The state of one mock: its configuration, its records, its tokens and its rate limit.
/// Cloning it is cheap and shares everything; tests use it to look at (or seed) the records.
#[derive(Clone)]
pub struct MockState {
    inner: Arc<Inner>,
}

impl fmt::Debug for MockState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockState")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves the data as it was: the store is only changed by
    // whole inserts and removals.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl MockState {
    /// A state for this configuration, seeded with [`MockConfig::seed`].
    pub fn new(config: MockConfig) -> Result<MockState, Error> {
        check_api_user(&config.api_user)?;
        if let Some(f) = &config.faults {
            f.check().map_err(Error::Config)?;
        }
        let routes = route_table(
            RESOURCES
                .iter()
                .flat_map(|r| r.routes.iter().map(move |a| (*r, *a))),
        )?;
        let bucket = config
            .rate_limit
            .as_ref()
            .map(|l| Mutex::new(Bucket::new(l)));
        let seed = config.seed.clone();
        let st = MockState {
            inner: Arc::new(Inner {
                config,
                routes,
                store: Mutex::new(Store::new()),
                tokens: Mutex::new(Tokens::default()),
                bucket,
                injector: faults::Injector::default(),
            }),
        };
        if let Some(seed) = seed {
            st.seed(&seed)?;
        }
        Ok(st)
    }

    /// The configuration.
    pub fn config(&self) -> &MockConfig {
        &self.inner.config
    }

    /// The records of a resource (by any of its registry names), in key order; empty for an
    /// unknown name.
    pub fn records(&self, resource: &str) -> Vec<Value> {
        match registry::resource(resource) {
            Some(r) => self.store().records(r).cloned().collect(),
            None => Vec::new(),
        }
    }

    /// One record by its key (`"42"`, `"9220000000000000001"`).
    pub fn record(&self, resource: &str, key: &str) -> Option<Value> {
        let r = registry::resource(resource)?;
        let k = store::key_from_text(r, key)?;
        self.store().get(r, &k).cloned()
    }

    /// Adds records: `{"<resource name>": [objects...]}`. Each object is read by its resource's
    /// codec; given ids and sequence numbers are kept and the counters move past them; missing
    /// assigned elements are filled. An object may name the parents it is seen under through
    /// nested routes, `"@parent": {"comments": 40}` (the README's mock section). All or nothing:
    /// on an error nothing is added. Answers how many records were added.
    pub fn seed(&self, seed: &Value) -> Result<usize, Error> {
        config::check_seed_names(seed).map_err(Error::Seed)?;
        let stamp = self.stamp();
        let mut guard = self.store();
        let mut next = guard.clone();
        let mut added = 0;
        for (name, objects) in seed.as_object().into_iter().flatten() {
            let r = registry::resource(name)
                .ok_or_else(|| Error::Seed(format!("`{name}` is not a resource")))?;
            let list = match objects {
                Value::Array(a) => a.clone(),
                Value::Object(_) => vec![objects.clone()],
                _ => {
                    return Err(Error::Seed(format!("`{name}` must hold a list of objects")));
                }
            };
            for (i, o) in list.into_iter().enumerate() {
                seed::add(&mut next, r, &format!("{name}[{i}]"), o, &stamp).map_err(Error::Seed)?;
                added += 1;
            }
        }
        *guard = next;
        Ok(added)
    }

    /// Forgets every issued token, as a restarted Coupa would: a client holding one gets 401 on its
    /// next call (tests of token renewal use it).
    pub fn revoke_tokens(&self) {
        lock(&self.inner.tokens).revoke_all();
    }

    /// Issues an access token with these scopes without the token endpoint (a shortcut for
    /// tests; the token lives [`MockConfig::token_ttl`]). Fails only when the operating system
    /// has no randomness to give.
    pub fn issue_token(&self, scopes: &[&str]) -> Result<String, Error> {
        let scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
        lock(&self.inner.tokens)
            .issue(scopes, self.inner.config.token_ttl)
            .map_err(|e| Error::Io(e.into()))
    }

    /// The faults injected so far ([`MockConfig::faults`]), and the requests seen.
    pub fn faults_injected(&self) -> FaultLog {
        self.inner.injector.log()
    }

    pub(crate) fn injector(&self) -> &faults::Injector {
        &self.inner.injector
    }

    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.inner.store)
    }

    pub(crate) fn stamp(&self) -> Stamp {
        Stamp {
            now: chrono::Utc::now()
                .fixed_offset()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            user: self.inner.config.api_user.clone(),
        }
    }

    pub(crate) fn check_token(
        &self,
        token: Option<&str>,
        scope: Option<&str>,
    ) -> Result<(), Refusal> {
        lock(&self.inner.tokens).check(token, scope)
    }
}

/// The parent a route of `r` is nested under without binding it, by the name a seed's
/// `"@parent"` gives it: `Some("comments")` for the Attachment routes under
/// `/api/comments/{comment_id}/attachments`. Such a route answers 404 when the parent is a
/// resource of the registry with no such record, and sees (lists, reads, changes, deletes) only
/// the records created through it or seeded under that parent; `None` for any other route.
pub fn nested_parent(r: &Resource, a: &'static Route) -> Option<&'static str> {
    nest::nest(r, a).map(|n| n.name())
}

/// True for a route nested under a parent that takes records from it: `.../{id}/remove` and
/// `.../remove_all` (a user's, a supplier's, a contract's business groups). After it, the
/// parent's routes no longer see the records it removed.
pub fn unlinks(r: &Resource, a: &'static Route) -> bool {
    matches!(
        nest::nest(r, a).and_then(|n| n.relink),
        Some(nest::Relink::Remove | nest::Relink::RemoveAll)
    )
}

/// The api user must be writable wherever the registry records a user.
fn check_api_user(user: &Value) -> Result<(), Error> {
    for r in RESOURCES {
        for e in r.elements().iter().filter(|e| {
            matches!(e.assigned, Some(Assigned::CreatedBy | Assigned::UpdatedBy))
                && matches!(e.kind, ElementKind::Shape | ElementKind::Object)
        }) {
            (r.codec.canonical)(json!({ e.name: user })).map_err(|err| {
                Error::Config(format!(
                    "api_user cannot be the `{}` of {}: {}",
                    e.name, r.name, err.message
                ))
            })?;
        }
    }
    Ok(())
}

/// An action of the registry, with its resource.
type Served = (&'static Resource, &'static Route);

/// One path of the router and the actions served there, by method.
struct RoutePath {
    path: String,
    actions: Vec<(MethodFilter, Served)>,
}

/// The paths of the router, checked so that building it cannot fail: every action at its path
/// (CSO actions under [`CSO_PREFIX`], and also at their plain path unless that collides with
/// another route, when they are served under the prefix only), beside [`TOKEN_PATH`].
///
/// axum panics on a path its router (matchit) cannot take, such as `/api/x/{id}` beside
/// `/api/x/{name}` (the checker's `duplicate-route` only rules that out for one method), and
/// on a method routed twice on one path: each path is tried on a matchit router first, the
/// one axum uses, and such a conflict is an error for the caller.
fn route_table(actions: impl IntoIterator<Item = Served>) -> Result<Vec<RoutePath>, Error> {
    let actions: Vec<Served> = actions.into_iter().collect();
    let mut by_path: BTreeMap<String, Vec<Served>> = BTreeMap::new();
    for &(r, a) in &actions {
        let path = match a.host {
            Host::Core => a.path.to_owned(),
            Host::Cso => format!("{CSO_PREFIX}{}", a.path),
        };
        by_path.entry(path).or_default().push((r, a));
    }
    // axum also wants a leading `/`; its checks of paths written for axum 0.7 are off (a
    // literal segment may start with `:` or `*`).
    let mut probe = matchit::Router::new();
    let mut take = |path: &str| {
        if !path.starts_with('/') {
            return Err(Error::Route(format!("{path}: a path starts with `/`")));
        }
        probe
            .insert(path, ())
            .map_err(|e| Error::Route(format!("{path}: {e}")))
    };
    take(TOKEN_PATH)?;
    for path in by_path.keys() {
        take(path)?;
    }
    let mut plain: BTreeMap<&str, Vec<Served>> = BTreeMap::new();
    for &(r, a) in actions.iter().filter(|(_, a)| a.host == Host::Cso) {
        plain.entry(a.path).or_default().push((r, a));
    }
    for (path, served) in plain {
        if by_path.contains_key(path) {
            for (_, a) in &served {
                eprintln!(
                    "coupa-mock: CSO {} {path} is also a Core path; served under {CSO_PREFIX} only",
                    a.method
                );
            }
        } else if let Err(e) = take(path) {
            eprintln!("coupa-mock: CSO {e}; served under {CSO_PREFIX} only");
        } else {
            by_path.insert(path.to_owned(), served);
        }
    }
    let mut table = Vec::with_capacity(by_path.len());
    for (path, served) in by_path {
        let mut methods: Vec<Method> = Vec::new();
        let mut actions = Vec::with_capacity(served.len());
        for (r, a) in served {
            let method = a.method.to_http();
            // Coupa's methods (`coupa_runtime::Method`) include no HEAD, which axum's GET answers.
            if methods.contains(&method) {
                return Err(Error::Route(format!(
                    "{method} {path} is routed twice (again by {}/{})",
                    r.name, a.name
                )));
            }
            let filter = MethodFilter::try_from(method.clone()).map_err(|_| {
                Error::Route(format!("{method} {path}: a method the router cannot serve"))
            })?;
            methods.push(method);
            actions.push((filter, (r, a)));
        }
        table.push(RoutePath { path, actions });
    }
    Ok(table)
}

/// The router of a mock: every action of the registry at its path (CSO actions under
/// [`CSO_PREFIX`], and also at their plain path when no Core route has it), `POST /oauth2/token`,
/// Coupa-shaped 404 and 405 answers for anything else, and the rate limit in front of everything.
/// For in-process use (`tower::ServiceExt::oneshot`) or your own server.
///
/// The paths were checked by [`MockState::new`], so building the router cannot fail.
pub fn router(state: MockState) -> Router {
    let routes = &state.inner.routes;
    serve_routes(&state, routes)
}

/// The router for these checked paths (see [`route_table`]).
fn serve_routes(state: &MockState, routes: &[RoutePath]) -> Router {
    let mut app = Router::new().without_v07_checks();
    for route in routes {
        let mut mr: MethodRouter = MethodRouter::new();
        for &(filter, (r, a)) in &route.actions {
            let st = state.clone();
            mr = mr.on(filter, move |req: Request| {
                handler::handle(st.clone(), r, a, req)
            });
        }
        app = app.route(&route.path, mr.fallback(method_not_allowed));
    }
    let st = state.clone();
    app.route(
        TOKEN_PATH,
        axum::routing::post(move |req: Request| token(st.clone(), req))
            .fallback(method_not_allowed),
    )
    .fallback(not_found)
    .layer(middleware::from_fn_with_state(
        state.clone(),
        auth::rate_limit,
    ))
    .layer(middleware::from_fn_with_state(
        state.clone(),
        faults::inject,
    ))
}

async fn not_found(req: Request) -> Response {
    no_route(
        req.method(),
        req.uri().path(),
        req.headers(),
        StatusCode::NOT_FOUND,
    )
}

async fn method_not_allowed(req: Request) -> Response {
    no_route(
        req.method(),
        req.uri().path(),
        req.headers(),
        StatusCode::METHOD_NOT_ALLOWED,
    )
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = json!({"error": error, "error_description": description}).to_string();
    let mut res = respond(status, Some("application/json"), body.into_bytes());
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            http::HeaderValue::from_static("Basic realm=\"coupa-mock\""),
        );
    }
    res
}

/// `POST /oauth2/token`: the client-credentials grant (form fields, or HTTP Basic for the client).
async fn token(st: MockState, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let config = st.config();
    let body = match read_body(
        body,
        &parts.headers,
        config.body_limit,
        config.body_timeout,
        None,
    )
    .await
    {
        Ok(b) => b,
        Err(f) => return f.render(Format::Json),
    };
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let basic = auth::basic(
        parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    );
    let (id, secret) = match (form.get("client_id"), form.get("client_secret")) {
        (Some(i), Some(s)) => (i.clone(), s.clone()),
        _ => match basic {
            Some(pair) => pair,
            None => {
                return oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "client_id and client_secret are required",
                );
            }
        },
    };
    let Some(client) = st
        .config()
        .oauth_clients
        .iter()
        .find(|c| c.client_id == id && c.client_secret == secret)
    else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client or wrong secret",
        );
    };
    match form.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {}
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is required",
            );
        }
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "only client_credentials is supported",
            );
        }
    }
    let mut scopes: Vec<String> = Vec::new();
    for s in form
        .get("scope")
        .map(String::as_str)
        .unwrap_or_default()
        .split_whitespace()
    {
        if !client.scopes.iter().any(|c| c == s) {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                &format!("the client may not ask for the scope {s}"),
            );
        }
        if !scopes.iter().any(|x| x == s) {
            scopes.push(s.to_owned());
        }
    }
    if scopes.is_empty() {
        scopes = client.scopes.clone();
    }
    let ttl = st.config().token_ttl;
    let access = match lock(&st.inner.tokens).issue(scopes.clone(), ttl) {
        Ok(token) => token,
        Err(e) => {
            return oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                &format!("no randomness for a token: {e}"),
            );
        }
    };
    let body = json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": ttl.as_secs(),
        "scope": scopes.join(" "),
    });
    let mut res = respond(
        StatusCode::OK,
        Some("application/json"),
        body.to_string().into_bytes(),
    );
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    res
}

/// Serves a mock on `listener` until `shutdown` completes, then finishes the requests in flight.
/// For the command line: `serve(listener, config, async { let _ = tokio::signal::ctrl_c().await; })`.
pub async fn serve<F>(listener: TcpListener, config: MockConfig, shutdown: F) -> Result<(), Error>
where
    F: Future<Output = ()> + Send + 'static,
{
    let state = MockState::new(config)?;
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(Error::Io)
}

/// A mock running in a background task on 127.0.0.1. Dropping it stops the server too (without
/// waiting); [`MockServer::shutdown`] waits for the requests in flight.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    state: MockState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl MockServer {
    /// Starts a mock on 127.0.0.1 on a free port. Needs a Tokio runtime.
    pub async fn start(config: MockConfig) -> Result<MockServer, Error> {
        MockServer::start_on(config, 0).await
    }

    /// Starts a mock on 127.0.0.1 on this port (0: a free one).
    pub async fn start_on(config: MockConfig, port: u16) -> Result<MockServer, Error> {
        let state = MockState::new(config)?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(state.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(MockServer {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The address the mock listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The Core base URL: `http://127.0.0.1:PORT`.
    pub fn core_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The CSO base URL: `http://127.0.0.1:PORT/cso`.
    pub fn cso_url(&self) -> String {
        format!("http://{}{CSO_PREFIX}", self.addr)
    }

    /// The mock's state (records, seeding, tokens).
    pub fn state(&self) -> &MockState {
        &self.state
    }

    /// The records of a resource, in key order (see [`MockState::records`]).
    pub fn records(&self, resource: &str) -> Vec<Value> {
        self.state.records(resource)
    }

    /// Stops accepting connections, finishes the requests in flight, and waits for the server
    /// task.
    pub async fn shutdown(mut self) -> Result<(), Error> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => match task.await {
                Ok(r) => r.map_err(Error::Io),
                Err(e) => Err(Error::Io(std::io::Error::other(e))),
            },
            None => Ok(()),
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use coupa_runtime::{ActionKind, Method as M};

    /// An action of the first resource of the registry at this method, path and host.
    fn action(method: &'static str, path: &'static str, host: Host) -> Served {
        let method = M::from_name(method).expect("an HTTP method of Coupa's");
        let a: &'static Route = Box::leak(Box::new(
            Route::new("probe", "probe", ActionKind::Show, method, path).host(host),
        ));
        (RESOURCES[0], a)
    }

    fn route_error(actions: Vec<Served>) -> String {
        match route_table(actions) {
            Err(Error::Route(e)) => e,
            Err(e) => panic!("expected a route error, got {e}"),
            Ok(t) => panic!("expected a route error, got the paths {:?}", paths(&t)),
        }
    }

    fn paths(table: &[RoutePath]) -> Vec<&str> {
        table.iter().map(|r| r.path.as_str()).collect()
    }

    #[test]
    fn the_registry_routes_check() {
        let table = route_table(
            RESOURCES
                .iter()
                .flat_map(|r| r.routes.iter().map(move |a| (*r, *a))),
        )
        .expect("the registry's routes");
        let served: usize = table.iter().map(|r| r.actions.len()).sum();
        let cso = RESOURCES
            .iter()
            .flat_map(|r| r.routes.iter())
            .filter(|a| a.host == Host::Cso)
            .count();
        let all = RESOURCES.iter().map(|r| r.routes.len()).sum::<usize>();
        // Every action once, and every CSO action at its plain path too.
        assert_eq!(served, all + cso, "{:?}", paths(&table));
    }

    /// Paths the checker accepts but axum's router cannot take side by side are an error for the
    /// caller, where axum would panic.
    #[test]
    fn conflicting_routes_are_an_error() {
        let e = route_error(vec![
            action("GET", "/api/x/{id}", Host::Core),
            action("PUT", "/api/x/{name}", Host::Core),
        ]);
        assert!(e.contains("/api/x/{name}") && e.contains("conflict"), "{e}");
        let e = route_error(vec![
            action("GET", "/api/x", Host::Core),
            action("GET", "/api/x", Host::Core),
        ]);
        assert!(e.contains("GET /api/x is routed twice"), "{e}");
        let e = route_error(vec![action("GET", "/api/x/{a}{b}", Host::Core)]);
        assert!(e.contains("one parameter"), "{e}");
        let e = route_error(vec![action("POST", TOKEN_PATH, Host::Core)]);
        assert!(e.contains(TOKEN_PATH), "{e}");
        let e = route_error(vec![action("GET", "api/x", Host::Core)]);
        assert!(e.contains("starts with `/`"), "{e}");
        let text = Error::Route(e).to_string();
        assert!(text.starts_with("conflicting routes: "), "{text}");
    }

    /// A CSO path is also served as it is unless that collides with a Core route, exactly or
    /// as the router sees it.
    #[test]
    fn cso_paths_are_served_plain_unless_they_collide() {
        let table = route_table(vec![
            action("GET", "/api/y/{id}", Host::Core),
            action("GET", "/api/y/{name}", Host::Cso),
            action("PUT", "/api/z", Host::Core),
            action("GET", "/api/z", Host::Cso),
            action("GET", "/api/w/{id}", Host::Cso),
            action("PUT", "/api/w/{id}", Host::Cso),
        ])
        .expect("no conflict");
        assert_eq!(
            paths(&table),
            [
                "/api/w/{id}",
                "/api/y/{id}",
                "/api/z",
                "/cso/api/w/{id}",
                "/cso/api/y/{name}",
                "/cso/api/z",
            ]
        );
        assert_eq!(table[0].actions.len(), 2);
    }

    /// Whatever the paths, a table that checks builds a router without a panic, and one that
    /// does not check is an error: every pair of these paths, on one method or two, on either
    /// host.
    #[test]
    fn a_checked_table_always_builds_a_router() {
        const PATHS: &[&str] = &[
            "/",
            "/a",
            "/a/",
            "/a/new",
            "/a/{id}",
            "/a/{name}",
            "/a/{id}/b",
            "/a/{id}.json",
            "/a/x{id}",
            "/a/{a}-{b}",
            "/a/{*rest}",
            "/a/{*rest}/b",
            "/a/:x",
            "/a/*x",
            "/a/{}",
            "/a/{id",
            "/a/}",
            "/cso/a/{id}",
            "/oauth2/token",
            "/oauth2/{x}",
            "a",
            "",
        ];
        let state = MockState::new(MockConfig::unlimited()).expect("state");
        let mut built = 0;
        for p in PATHS {
            for q in PATHS {
                for (m, host) in [("GET", Host::Core), ("PUT", Host::Core), ("GET", Host::Cso)] {
                    let actions = vec![action("GET", p, Host::Core), action(m, q, host)];
                    if let Ok(table) = route_table(actions) {
                        let _ = serve_routes(&state, &table);
                        built += 1;
                    }
                }
            }
        }
        assert!(built > 100, "{built}");
    }

    /// axum's checks of paths written for axum 0.7 are off: a literal segment that starts with
    /// `:` or `*` is served as written.
    #[tokio::test]
    async fn literal_segments_may_start_with_a_colon_or_a_star() {
        use tower::ServiceExt;
        let state = MockState::new(MockConfig::unlimited()).expect("state");
        let table = route_table(vec![
            action("GET", "/api/:1", Host::Core),
            action("GET", "/api/*x", Host::Core),
        ])
        .expect("literal paths");
        for path in ["/api/:1", "/api/*x", "/api/other"] {
            let req = http::Request::get(path)
                .body(axum::body::Body::empty())
                .expect("request");
            let res = serve_routes(&state, &table)
                .oneshot(req)
                .await
                .expect("infallible");
            assert_eq!(
                res.status() == StatusCode::NOT_FOUND,
                path == "/api/other",
                "{path}: {}",
                res.status()
            );
        }
    }
}
