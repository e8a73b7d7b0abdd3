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
//! - Secrets never appear in `Debug` output or error messages.

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use futures_util::stream::{self, Stream};

use crate::endpoint::{Endpoint, Paginated};
use crate::error::CoupaErrors;
use crate::vocab::{ActionKind, Host, Method};
use crate::wire::{DecodeError, EncodeError, Format};

/// A secret (a client secret, an API key, a token) that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret::new(s)
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret(s)
    }
}

/// OAuth 2.0 client credentials for the Core API.
#[derive(Clone, Debug)]
pub struct OAuth {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
    /// The scopes to ask for (`core.integration.read`, ...).
    pub scopes: Vec<String>,
}

/// Where and how to reach Coupa.
#[derive(Clone, Debug)]
pub struct Config {
    /// The Core API (`https://acme.coupahost.com`).
    pub core_url: String,
    /// The CSO API (`https://acme.cso.coupahost.com`).
    pub cso_url: Option<String>,
    /// JSON or XML.
    pub format: Format,
    /// Core authentication.
    pub oauth: Option<OAuth>,
    /// CSO authentication.
    pub cso_api_key: Option<Secret>,
    /// The whole request, from connecting to the last byte of the answer.
    pub timeout: Duration,
    /// Connecting only.
    pub connect_timeout: Duration,
    /// How many times a throttled (429) or failed idempotent request is tried again.
    pub max_retries: u32,
    /// The first backoff; it doubles with each retry, with jitter.
    pub backoff: Duration,
    /// The longest wait between two tries (also caps `Retry-After`).
    pub max_backoff: Duration,
    /// Records per page when listing (Coupa answers at most 50).
    pub page_size: usize,
    /// Pages fetched at once when listing.
    pub concurrency: usize,
    /// A token is renewed this long before it expires.
    pub token_margin: Duration,
}

impl Config {
    /// A configuration for a Core host, JSON, with Coupa's defaults.
    pub fn new(core_url: impl Into<String>) -> Config {
        Config {
            core_url: core_url.into(),
            cso_url: None,
            format: Format::Json,
            oauth: None,
            cso_api_key: None,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_retries: 3,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            page_size: crate::query::MAX_LIMIT,
            concurrency: 1,
            token_margin: Duration::from_secs(60),
        }
    }
}

/// Why a call failed.
#[derive(Debug)]
pub enum ClientError {
    /// The request could not be sent or its answer not received.
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
        /// Its body.
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
                write!(
                    f,
                    "Coupa answered {status}: {}",
                    body.chars().take(200).collect::<String>()
                )
            }
            ClientError::Decode(e) => write!(f, "cannot read Coupa's answer: {e}"),
            ClientError::Encode(e) => write!(f, "{e}"),
            ClientError::Auth { status, body } => {
                write!(
                    f,
                    "the token endpoint answered {status}: {}",
                    body.chars().take(200).collect::<String>()
                )
            }
            ClientError::RateLimited { attempts } => {
                write!(f, "still rate limited (429) after {attempts} attempts")
            }
            ClientError::Config(m) => write!(f, "configuration: {m}"),
        }
    }
}

impl std::error::Error for ClientError {}

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

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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

    fn base(&self, host: Host) -> Result<&str, ClientError> {
        match host {
            Host::Core => Ok(&self.config.core_url),
            Host::Cso => self
                .config
                .cso_url
                .as_deref()
                .ok_or_else(|| ClientError::Config("a CSO endpoint needs `cso_url`".to_owned())),
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
        let resp = self
            .http
            .post(&url)
            .form(&form)
            .send()
            .await
            .map_err(transport)?;
        let status = resp.status().as_u16();
        let body = resp.text().await.map_err(transport)?;
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
        let access = Secret(t.access_token);
        *slot = Some(Token {
            access: access.clone(),
            renew_at,
        });
        Ok(access)
    }

    /// Sends an endpoint and reads its typed response.
    pub async fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Response, ClientError> {
        let format = self.config.format;
        let request = endpoint
            .to_http(self.base(E::ROUTE.host)?, format)
            .map_err(ClientError::Encode)?;
        let (parts, body) = request.into_parts();
        let idempotent = !matches!(E::ROUTE.method, Method::Post | Method::Patch);
        let mut attempt: u32 = 0;
        let mut renewed = false;
        loop {
            attempt += 1;
            let mut req = self
                .http
                .request(parts.method.clone(), parts.uri.to_string())
                .headers(parts.headers.clone());
            if !body.is_empty() {
                req = req.body(body.clone());
            }
            req = match E::ROUTE.host {
                Host::Core => {
                    let token = self.bearer(false).await?;
                    req.bearer_auth(token.expose())
                }
                Host::Cso => {
                    let key = self.config.cso_api_key.as_ref().ok_or_else(|| {
                        ClientError::Config("a CSO endpoint needs `cso_api_key`".to_owned())
                    })?;
                    req.header("X-CSO-API-KEY", key.expose())
                }
            };
            let resp = match req.send().await {
                Ok(r) => r,
                Err(e) => {
                    // A connection never made cannot have been acted on.
                    let safe = e.is_connect() || idempotent;
                    if safe && attempt <= self.config.max_retries {
                        tokio::time::sleep(self.backoff(attempt)).await;
                        continue;
                    }
                    return Err(transport(e));
                }
            };
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            let answer_format = resp
                .headers()
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .and_then(Format::from_media_type)
                .unwrap_or(format);
            let bytes = resp.bytes().await.map_err(transport)?;
            match status {
                200..=299 => {
                    return E::decode_response(answer_format, &bytes).map_err(ClientError::Decode);
                }
                401 if E::ROUTE.host == Host::Core && !renewed => {
                    // The token may have been revoked or expired early: renew it once.
                    renewed = true;
                    self.bearer(true).await?;
                    attempt -= 1;
                    continue;
                }
                429 => {
                    if attempt > self.config.max_retries {
                        return Err(ClientError::RateLimited { attempts: attempt });
                    }
                    let wait = match retry_after {
                        Some(s) => Duration::from_secs(s).min(self.config.max_backoff),
                        None => self.backoff(attempt),
                    };
                    tokio::time::sleep(wait).await;
                    continue;
                }
                502..=504 if idempotent && attempt <= self.config.max_retries => {
                    tokio::time::sleep(self.backoff(attempt)).await;
                    continue;
                }
                404 if E::ROUTE.kind == ActionKind::Index && answer_format == Format::Xml => {
                    // Coupa's XML answers an empty result with 404.
                    if CoupaErrors::parse(Format::Xml, &bytes).is_some_and(|e| e.is_no_results()) {
                        return E::decode_response(Format::Xml, b"<nil-classes type=\"array\"/>")
                            .map_err(ClientError::Decode);
                    }
                    return Err(status_error(status, answer_format, &bytes));
                }
                _ => return Err(status_error(status, answer_format, &bytes)),
            }
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

    /// Every record an index endpoint matches, page by page (offset steps of the page size,
    /// `concurrency` pages at once), stopping at the first short page.
    pub fn list<'a, E>(
        &'a self,
        endpoint: E,
    ) -> impl Stream<Item = Result<E::Item, ClientError>> + 'a
    where
        E: Paginated + 'a,
        E::Item: 'a,
    {
        struct State<E: Paginated> {
            endpoint: E,
            offset: usize,
            done: bool,
            buffer: VecDeque<E::Item>,
        }
        let page = self.config.page_size.clamp(1, crate::query::MAX_LIMIT);
        let concurrency = self.config.concurrency.max(1);
        let state = State {
            endpoint,
            offset: 0,
            done: false,
            buffer: VecDeque::new(),
        };
        stream::unfold(state, move |mut st| async move {
            loop {
                if let Some(item) = st.buffer.pop_front() {
                    return Some((Ok(item), st));
                }
                if st.done {
                    return None;
                }
                let requests: Vec<E> = (0..concurrency)
                    .map(|i| st.endpoint.page(st.offset + i * page, page))
                    .collect();
                let pages =
                    futures_util::future::join_all(requests.iter().map(|r| self.send(r))).await;
                st.offset += concurrency * page;
                for result in pages {
                    match result {
                        Err(e) => {
                            st.done = true;
                            return Some((Err(e), st));
                        }
                        Ok(resp) => {
                            let items = E::items(resp);
                            let short = items.len() < page;
                            st.buffer.extend(items);
                            if short {
                                st.done = true;
                                break;
                            }
                        }
                    }
                }
            }
        })
    }

    /// [`Client::list`], collected.
    pub async fn list_all<E: Paginated>(&self, endpoint: E) -> Result<Vec<E::Item>, ClientError> {
        use futures_util::StreamExt;
        let mut out = Vec::new();
        let mut s = std::pin::pin!(self.list(endpoint));
        while let Some(item) = s.next().await {
            out.push(item?);
        }
        Ok(out)
    }
}

fn transport(e: reqwest::Error) -> ClientError {
    // reqwest's messages name the URL but never headers, so no secret is printed.
    ClientError::Transport(e.to_string())
}

fn status_error(status: u16, format: Format, bytes: &[u8]) -> ClientError {
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
