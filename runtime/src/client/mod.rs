//! An async client that sends any [`Endpoint`] to Coupa (feature `client`).
//!
//! - Core calls carry an OAuth 2.0 bearer token from the client-credentials flow
//!   (`POST /oauth2/token`); the token is cached, renewed before it expires, and renewed once more
//!   when Coupa answers 401. CSO calls carry the `X-CSO-API-KEY` header. Each endpoint goes to its
//!   own host from one [`Config`].
//! - JSON or XML per client; Accept and Content-Type follow.
//! - 429 is retried a bounded number of times, after `Retry-After` when Coupa sends it and after a
//!   jittered exponential backoff otherwise. A request that the server may have acted on is never
//!   sent twice unless it is idempotent: POST and PATCH are retried only when Coupa refused them
//!   (429) or when the connection was never made.
//! - [`Client::list`] streams every page of an index (offset steps of the page size, optionally
//!   several pages at once) and stops at the first short page.
//! - Every request goes through one place, [`Client::execute`], which takes a [`Route`] and an
//!   `http::Request`: authentication, token renewal, retries, 429 handling and timeouts are
//!   written once, for typed requests ([`Client::send`]) and for tools that hold a route of the
//!   registry (the command line) alike.
//! - Secrets never appear in `Debug` output, error messages or [`Trace`] events.

mod config;
mod error;
mod list;

use std::time::{Duration, Instant};

pub use config::{Auth, Config, OAuth, Secret, Trace, Tracer};
pub use error::ClientError;
use error::{status_error, transport};

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

/// A Coupa client. Cheap to share behind an `Arc`; every method takes `&self`.
pub struct Client {
    http: reqwest::Client,
    config: Config,
    token: tokio::sync::Mutex<Option<Token>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// What to do after one attempt that got no usable answer.
enum Next {
    /// Send again after this wait.
    Retry(&'static str, Duration),
    /// Give up with this error.
    Fail(ClientError),
}

impl Client {
    /// A client for this configuration.
    pub fn new(config: Config) -> Result<Client, ClientError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|e| ClientError::Config(e.to_string()))?;
        Ok(Client {
            http,
            config,
            token: tokio::sync::Mutex::new(None),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
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

    /// A bearer token for the Core API, fetched or renewed when needed.
    async fn bearer(&self, force: bool) -> Result<Secret, ClientError> {
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
            "{}/oauth2/token",
            self.config.core_url.trim_end_matches('/')
        );
        let scope = oauth.scopes.join(" ");
        let form = [
            ("client_id", oauth.client_id.as_str()),
            ("client_secret", oauth.client_secret.expose()),
            ("grant_type", "client_credentials"),
            ("scope", scope.as_str()),
        ];
        self.trace(Trace::Request {
            method: &http::Method::POST,
            url: &url,
            attempt: 1,
            auth: Auth::ClientCredentials,
        });
        let started = Instant::now();
        let timeout = self.config.timeout;
        let answer = async {
            let resp = self.http.post(&url).form(&form).send().await?;
            let status = resp.status().as_u16();
            Ok((status, resp.text().await?))
        }
        .await;
        let (status, body) = match answer {
            Ok(a) => a,
            Err(e) => {
                let e = transport(e, timeout);
                self.trace(Trace::Failed {
                    error: &e.to_string(),
                    elapsed: started.elapsed(),
                });
                return Err(e);
            }
        };
        self.trace(Trace::Answer {
            status,
            bytes: body.len(),
            elapsed: started.elapsed(),
        });
        // A server that echoes the form must not print the secret.
        let secret = oauth.client_secret.expose();
        let body = if secret.is_empty() {
            body
        } else {
            body.replace(secret, "***")
        };
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
    ///   `X-CSO-API-KEY`; the request's own headers (Accept, Content-Type) are kept.
    /// - 429 is retried after `Retry-After` (capped at `max_backoff`) or a jittered backoff;
    ///   502, 503, 504 and failed connections are retried when the route is idempotent (not POST
    ///   or PATCH), and a connection that was never made is always retried; at most
    ///   `max_retries` times.
    /// - Any other status is a [`ClientError::Status`] with Coupa's error body.
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
        let idempotent = !matches!(route.method, Method::Post | Method::Patch);
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
            let auth = match route.host {
                Host::Core => {
                    let token = self.bearer(false).await?;
                    req = req.bearer_auth(token.expose());
                    Auth::Bearer
                }
                Host::Cso => {
                    let key = self.config.cso_api_key.as_ref().ok_or_else(|| {
                        ClientError::Config("a CSO endpoint needs `cso_api_key`".to_owned())
                    })?;
                    req = req.header("X-CSO-API-KEY", key.expose());
                    Auth::CsoKey
                }
            };
            self.trace(Trace::Request {
                method: &parts.method,
                url: &url,
                attempt,
                auth,
            });
            let next = match self.attempt(req, asked).await {
                Ok(answer) if answer.status.is_success() => return Ok(answer),
                Ok(answer) => {
                    let status = answer.status.as_u16();
                    if status == 401 && route.host == Host::Core && !renewed {
                        // The token may have been revoked or expired early: renew it once.
                        renewed = true;
                        self.trace(Trace::Renew);
                        self.bearer(true).await?;
                        attempt -= 1;
                        continue;
                    }
                    self.after_status(attempt, idempotent, answer)
                }
                Err(e) => {
                    // A connection never made cannot have been acted on.
                    let safe = e.is_connect() || idempotent;
                    let e = transport(e, self.config.timeout);
                    if safe && attempt <= self.config.max_retries {
                        Next::Retry("connection", self.backoff(attempt))
                    } else {
                        Next::Fail(e)
                    }
                }
            };
            match next {
                Next::Retry(reason, wait) => {
                    self.trace(Trace::Retry { reason, wait });
                    tokio::time::sleep(wait).await;
                }
                Next::Fail(e) => return Err(e),
            }
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

    /// Whether an error status is tried again.
    fn after_status(&self, attempt: u32, idempotent: bool, answer: Answer) -> Next {
        let status = answer.status.as_u16();
        let retries_left = attempt <= self.config.max_retries;
        match status {
            429 if retries_left => {
                let retry_after = answer
                    .headers
                    .get(http::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok());
                let wait = match retry_after {
                    Some(s) => Duration::from_secs(s).min(self.config.max_backoff),
                    None => self.backoff(attempt),
                };
                Next::Retry("429", wait)
            }
            429 => Next::Fail(ClientError::RateLimited { attempts: attempt }),
            502..=504 if idempotent && retries_left => Next::Retry(
                match status {
                    502 => "502",
                    503 => "503",
                    _ => "504",
                },
                self.backoff(attempt),
            ),
            _ => Next::Fail(status_error(status, answer.format, &answer.body)),
        }
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

    /// A jittered exponential backoff for the n-th retry: the doubled backoff, capped, times a
    /// random fraction in `[0.5, 1)` (fastrand's per-thread generator, seeded at random, so
    /// clients that failed together do not retry together).
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .config
            .backoff
            .saturating_mul(1u32 << attempt.min(16).saturating_sub(1));
        let capped = base.min(self.config.max_backoff);
        capped.mul_f64(0.5 + fastrand::f64() / 2.0)
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

    #[test]
    fn backoff_grows_with_jitter_and_a_cap() {
        let mut c = Config::new("http://x");
        c.backoff = Duration::from_millis(100);
        c.max_backoff = Duration::from_millis(1000);
        let client = Client::new(c).unwrap();
        for attempt in 1..10 {
            let full =
                Duration::from_millis(100 * (1 << (attempt - 1))).min(Duration::from_millis(1000));
            let d = client.backoff(attempt);
            assert!(
                d >= full / 2 && d <= full,
                "attempt {attempt}: {d:?} not in [{:?}, {full:?}]",
                full / 2
            );
        }
        // The jitter spreads the waits over the range.
        let waits: std::collections::BTreeSet<Duration> =
            (0..50).map(|_| client.backoff(3)).collect();
        assert!(waits.len() > 10, "{waits:?}");
        assert!(
            waits.iter().any(|d| *d < Duration::from_millis(300)),
            "{waits:?}"
        );
        assert!(
            waits.iter().any(|d| *d > Duration::from_millis(300)),
            "{waits:?}"
        );
    }
}
