//! An async client that sends any [`Endpoint`] to Coupa (feature `client`).
//!
//! - Core calls carry an OAuth 2.0 bearer token from the client-credentials flow
//!   (`POST /oauth2/token`); the token is cached, renewed before it expires, and renewed once more
//!   when Coupa answers 401. CSO calls carry the `X-CSO-API-KEY` header. Each endpoint goes to its
//!   own host from one [`Config`].
//! - JSON or XML per client; Accept and Content-Type follow.
//! - Paced to Coupa's rate limit ([`Pacing`], 25 requests per second with a burst of 20 by
//!   default): a token bucket shared by every request of a client and its clones, which slows
//!   down when Coupa answers 429 anyway and recovers gradually (see [`Pacing`]).
//! - Faults are retried a bounded number of times when that is safe (see [`Client::execute`]):
//!   429 always; 500, 502, 503, 504 and lost connections only for requests that Coupa may
//!   repeat (GET, and PUT or DELETE of an update or a delete), never for one that it may have
//!   acted on; after `Retry-After` when Coupa sends it, else after a jittered exponential
//!   backoff. What the client gives up on is a [`ClientError::GaveUp`] naming the request, the
//!   attempts and the last status.
//! - [`Client::list`] streams every page of an index (offset steps of the page size, optionally
//!   several pages at once) and stops at the first short page; a page that fails ends the
//!   listing with a [`ClientError::Page`] naming it (see [`Client::pages`] for what a listing
//!   guarantees when records are created meanwhile).
//! - Every request goes through one place, [`Client::execute`], which takes a [`Route`] and an
//!   `http::Request`: authentication, token renewal, pacing, retries, 429 handling and timeouts
//!   are written once, for typed requests ([`Client::send`]), for tools that hold a route of the
//!   registry (the command line), and for the token request itself.
//! - Secrets never appear in `Debug` output, error messages or [`Trace`] events.

mod config;
mod error;
mod list;
mod pace;
mod retry;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use config::{Auth, Config, OAuth, Secret, Trace, Tracer};
pub use error::{ClientError, GaveUp, Stop};
use pace::Pacer;
pub use pace::Pacing;
use retry::{Next, Outcome, Resend};

use crate::endpoint::Endpoint;
use crate::shape::Route;
use crate::vocab::{ActionKind, Host, Method};
use crate::wire::Format;

/// What Coupa answered to a request it accepted (a 2xx status).
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: http::StatusCode,
    /// The headers.
    pub headers: http::HeaderMap,
    /// The body's format, from its Content-Type (else the one asked for).
    pub format: Format,
    /// The body, as received (no copy).
    pub body: bytes::Bytes,
}

struct Token {
    access: Secret,
    renew_at: Instant,
}

/// The route of the OAuth 2.0 token request (`POST /oauth2/token`), which [`Client::execute`]
/// sends like any other: its credentials are in its form, and it is safe to send again (a
/// second token does no harm).
pub const TOKEN_ROUTE: Route = Route::new(
    "oauth2",
    "token",
    ActionKind::Create,
    Method::Post,
    "/oauth2/token",
);

fn is_token_route(route: &Route) -> bool {
    route.resource == TOKEN_ROUTE.resource && route.path == TOKEN_ROUTE.path
}

/// A Coupa client. Clones share everything (the connection pool, the token, the pacing bucket),
/// so a clone per task paces them all together; every method takes `&self`.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    config: Arc<Config>,
    token: Arc<tokio::sync::Mutex<Option<Token>>>,
    pacer: Option<Arc<Pacer>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for this configuration.
    pub fn new(config: Config) -> Result<Client, ClientError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|e| ClientError::Config(e.to_string()))?;
        let pacer = match &config.pacing {
            Some(p) => {
                p.check().map_err(ClientError::Config)?;
                Some(Arc::new(Pacer::new(*p)))
            }
            None => None,
        };
        Ok(Client {
            http,
            config: Arc::new(config),
            token: Arc::new(tokio::sync::Mutex::new(None)),
            pacer,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The rate the client paces itself to now, in requests per second (lower than
    /// [`Pacing::per_second`] after 429s); `None` when pacing is off.
    pub fn pace(&self) -> Option<f64> {
        self.pacer.as_ref().map(|p| p.rate())
    }

    /// The base URL of a host (`https://acme.coupahost.com`).
    pub fn base_url(&self, host: Host) -> Result<&str, ClientError> {
        match host {
            Host::Core => Ok(&self.config.core_url),
            Host::Cso => self
                .config
                .cso_url
                .as_deref()
                .ok_or_else(|| ClientError::Config("a CSO endpoint needs `cso_url`".to_owned())),
        }
    }

    fn trace(&self, event: Trace<'_>) {
        if let Some(t) = &self.config.tracer {
            (t.0)(&event);
        }
    }

    /// A bearer token for the Core API, fetched (through [`Client::execute`], with
    /// [`TOKEN_ROUTE`]) or renewed when needed.
    ///
    /// `execute` calls this for Core routes and this calls `execute` for the token: the future
    /// is boxed, with its type written out, to break the cycle.
    fn bearer(
        &self,
        force: bool,
    ) -> Pin<Box<dyn Future<Output = Result<Secret, ClientError>> + Send + '_>> {
        Box::pin(self.fetch_bearer(force))
    }

    async fn fetch_bearer(&self, force: bool) -> Result<Secret, ClientError> {
        let mut slot = self.token.lock().await;
        if !force
            && let Some(t) = slot.as_ref()
            && Instant::now() < t.renew_at
        {
            return Ok(t.access.clone());
        }
        let oauth = self.config.oauth.as_ref().ok_or_else(|| {
            ClientError::Config("a Core endpoint needs OAuth credentials (`oauth`)".to_owned())
        })?;
        let url = format!(
            "{}{}",
            self.config.core_url.trim_end_matches('/'),
            TOKEN_ROUTE.path
        );
        let scope = oauth.scopes.join(" ");
        let form: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &oauth.client_id)
            .append_pair("client_secret", oauth.client_secret.expose())
            .append_pair("grant_type", "client_credentials")
            .append_pair("scope", &scope)
            .finish();
        let request = http::Request::post(&url)
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(http::header::ACCEPT, "application/json")
            .body(form.into_bytes())
            .map_err(|e| ClientError::Config(format!("the token request: {e}")))?;
        // A server that echoes the form must not print the secret.
        let secret = oauth.client_secret.expose();
        let redact = |body: String| {
            if secret.is_empty() {
                body
            } else {
                body.replace(secret, "***")
            }
        };
        let answer = match self.execute(&TOKEN_ROUTE, request).await {
            Ok(a) => a,
            Err(ClientError::Status { status, body, .. }) => {
                return Err(ClientError::Auth {
                    status,
                    body: redact(body),
                });
            }
            Err(e) => return Err(e),
        };
        let status = answer.status.as_u16();
        let body = redact(String::from_utf8_lossy(&answer.body).into_owned());
        if status != 200 {
            return Err(ClientError::Auth { status, body });
        }
        #[derive(serde::Deserialize)]
        struct TokenBody {
            access_token: String,
            #[serde(default)]
            expires_in: Option<u64>,
        }
        let t: TokenBody = serde_json::from_str(&body).map_err(|e| ClientError::Auth {
            status,
            body: format!("unreadable token answer: {e}"),
        })?;
        let renew_at = renew_at(Instant::now(), t.expires_in, self.config.token_margin);
        let access = Secret::new(t.access_token);
        *slot = Some(Token {
            access: access.clone(),
            renew_at,
        });
        Ok(access)
    }

    /// Sends a request for `route` and answers what Coupa accepted it with: the one place where
    /// requests are sent and retried.
    ///
    /// - Core routes get a bearer token (fetched, cached, renewed once on 401), CSO routes the
    ///   `X-CSO-API-KEY`; the request's own headers (Accept, Content-Type) are kept. The token
    ///   request ([`TOKEN_ROUTE`]) carries its credentials in its form.
    /// - Every attempt waits for the pacing bucket first ([`Config::pacing`]).
    /// - What is tried again, at most `max_retries` times, is decided in one place (`decide`):
    ///   429 always (Coupa refused it before doing anything), after `Retry-After` (capped at
    ///   `max_backoff`, and holding every request of the client meanwhile) or a jittered
    ///   backoff; 500, 502, 503, 504, a timeout or a connection lost on the way when the route
    ///   may be repeated (GET; PUT of an update and DELETE, which Coupa documents as
    ///   idempotent; the token request); a connection that was never made always. A POST, a
    ///   PATCH or an action (`submit`, `approve`) that Coupa may have acted on is never sent
    ///   again: it is reported as given up ([`Stop::MayHaveActed`]).
    /// - When retries run out, or a request may not be sent again, the error is a
    ///   [`ClientError::GaveUp`] with the route, the URL, the attempts and the last failure;
    ///   any other status is a [`ClientError::Status`] with Coupa's error body.
    pub async fn execute(
        &self,
        route: &Route,
        request: http::Request<Vec<u8>>,
    ) -> Result<Answer, ClientError> {
        let (parts, body) = request.into_parts();
        let url = parts.uri.to_string();
        let asked = parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .and_then(Format::from_media_type)
            .unwrap_or(self.config.format);
        let token_request = is_token_route(route);
        let resend = if token_request {
            Resend::Safe
        } else {
            Resend::of(route)
        };
        let mut attempt: u32 = 0;
        let mut renewed = false;
        loop {
            attempt += 1;
            let mut req = self
                .http
                .request(parts.method.clone(), &url)
                .headers(parts.headers.clone());
            if !body.is_empty() {
                req = req.body(body.clone());
            }
            let (req, auth) = self.authenticate(req, route, token_request).await?;
            self.wait_for_pace().await;
            self.trace(Trace::Request {
                method: &parts.method,
                url: &url,
                attempt,
                auth,
            });
            let outcome = match self.attempt(req, asked).await {
                Ok(answer) if answer.status.is_success() => {
                    self.heed(&answer);
                    return Ok(answer);
                }
                Ok(answer) if answer.status == 401 && auth == Auth::Bearer && !renewed => {
                    // The token may have been revoked or expired early: renew it once.
                    renewed = true;
                    self.trace(Trace::Renew);
                    self.bearer(true).await?;
                    attempt -= 1;
                    continue;
                }
                Ok(answer) => {
                    self.heed(&answer);
                    Outcome::Status(answer)
                }
                Err(e) => Outcome::NoAnswer(e),
            };
            match self.decide(attempt, resend, outcome) {
                Next::Retry { reason, wait } => {
                    self.trace(Trace::Retry { reason, wait });
                    tokio::time::sleep(wait).await;
                }
                Next::Fail(e) => return Err(e),
                Next::GiveUp(stop, last) => {
                    return Err(ClientError::GaveUp(Box::new(GaveUp {
                        route: format!("{} {}", route.resource, route.name),
                        method: parts.method.clone(),
                        url,
                        attempts: attempt,
                        stop,
                        last,
                    })));
                }
            }
        }
    }

    /// Adds the credentials a route needs.
    async fn authenticate(
        &self,
        req: reqwest::RequestBuilder,
        route: &Route,
        token_request: bool,
    ) -> Result<(reqwest::RequestBuilder, Auth), ClientError> {
        if token_request {
            return Ok((req, Auth::ClientCredentials));
        }
        match route.host {
            Host::Core => {
                let token = self.bearer(false).await?;
                Ok((req.bearer_auth(token.expose()), Auth::Bearer))
            }
            Host::Cso => {
                let key = self.config.cso_api_key.as_ref().ok_or_else(|| {
                    ClientError::Config("a CSO endpoint needs `cso_api_key`".to_owned())
                })?;
                Ok((req.header("X-CSO-API-KEY", key.expose()), Auth::CsoKey))
            }
        }
    }

    /// Waits for the pacing bucket, if pacing is on.
    async fn wait_for_pace(&self) {
        if let Some(p) = &self.pacer {
            let wait = p.acquire().await;
            if wait >= Duration::from_millis(1) {
                self.trace(Trace::Paced { wait });
            }
        }
    }

    /// Tells the pacer what an answer says about the rate: a 429 slows it down, any other
    /// answer lets it recover, and a `Retry-After` holds every request.
    fn heed(&self, answer: &Answer) {
        let Some(p) = &self.pacer else {
            return;
        };
        let after = retry::retry_after(&answer.headers).map(|d| d.min(self.config.max_backoff));
        let changed = if answer.status == http::StatusCode::TOO_MANY_REQUESTS {
            p.throttled(after)
        } else {
            if let Some(wait) = after {
                p.pause(wait);
            }
            p.succeeded()
        };
        if let Some(per_second) = changed {
            self.trace(Trace::Pace { per_second });
        }
    }

    /// One try: sends and reads the whole answer.
    async fn attempt(
        &self,
        req: reqwest::RequestBuilder,
        asked: Format,
    ) -> Result<Answer, reqwest::Error> {
        let started = Instant::now();
        let result = async {
            let resp = req.send().await?;
            let status = resp.status();
            let headers = resp.headers().clone();
            let bytes = resp.bytes().await?;
            Ok((status, headers, bytes))
        }
        .await;
        let (status, headers, bytes) = match result {
            Ok(r) => r,
            Err(e) => {
                self.trace(Trace::Failed {
                    error: &transport_line(&e),
                    elapsed: started.elapsed(),
                });
                return Err(e);
            }
        };
        self.trace(Trace::Answer {
            status: status.as_u16(),
            bytes: bytes.len(),
            elapsed: started.elapsed(),
        });
        let format = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(Format::from_media_type)
            .unwrap_or(asked);
        Ok(Answer {
            status,
            headers,
            format,
            body: bytes,
        })
    }

    /// Sends an endpoint and reads its typed response.
    pub async fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Response, ClientError> {
        let request = endpoint
            .to_http(self.base_url(E::ROUTE.host)?, self.config.format)
            .map_err(ClientError::Encode)?;
        match self.execute(E::ROUTE, request).await {
            Ok(answer) => {
                E::decode_response(answer.format, &answer.body).map_err(ClientError::Decode)
            }
            // Coupa's XML answers an empty result with 404.
            Err(e) if E::ROUTE.kind == ActionKind::Index && e.is_no_results() => {
                E::decode_response(Format::Xml, b"<nil-classes type=\"array\"/>")
                    .map_err(ClientError::Decode)
            }
            Err(e) => Err(e),
        }
    }
}

fn transport_line(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "cannot connect".to_owned()
    } else {
        "the answer did not arrive whole".to_owned()
    }
}

/// The longest a token is trusted, whatever `expires_in` says (Coupa's last a day).
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(366 * 24 * 3600);

/// When a token answered at `now` should be renewed: `margin` before it expires (an hour when
/// the server does not say), and never later than [`MAX_TOKEN_LIFETIME`] from now, so a server
/// answering `expires_in: 18446744073709551615` cannot overflow the clock.
fn renew_at(now: Instant, expires_in: Option<u64>, margin: Duration) -> Instant {
    let lifetime = Duration::from_secs(expires_in.unwrap_or(3600)).min(MAX_TOKEN_LIFETIME);
    now.checked_add(lifetime.saturating_sub(margin))
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_renewal_time_is_bounded() {
        let now = Instant::now();
        let margin = Duration::from_secs(60);
        assert_eq!(
            renew_at(now, Some(3600), margin),
            now + Duration::from_secs(3540)
        );
        assert_eq!(renew_at(now, None, margin), now + Duration::from_secs(3540));
        // Shorter than the margin: renew at once.
        assert_eq!(renew_at(now, Some(10), margin), now);
        // Review finding: `Instant + u64::MAX seconds` panicked.
        assert_eq!(
            renew_at(now, Some(u64::MAX), margin),
            now + MAX_TOKEN_LIFETIME - margin
        );
    }

    #[test]
    fn secrets_never_print() {
        let mut c = Config::new("https://acme.coupahost.com");
        c.oauth = Some(OAuth {
            client_id: "id".into(),
            client_secret: "s3cr3t".into(),
            scopes: vec![],
        });
        c.cso_api_key = Some("k3y".into());
        let shown = format!("{c:?} {:?}", Client::new(c.clone()).unwrap());
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("k3y"),
            "{shown}"
        );
        assert!(shown.contains("Secret(***)"));
    }
}
