//! Security: OAuth 2.0 client-credentials tokens (Core), the `X-CSO-API-KEY` header (CSO), and
//! the rate limit (a token bucket shared by every request).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_PAD_INDIFFERENT, URL_SAFE_PAD_INDIFFERENT};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{StatusCode, header};

use crate::config::RateLimit;
use crate::handler::{Failure, answer_format};
use crate::{MockState, lock};

/// What a token grants.
#[derive(Clone, Debug)]
struct Grant {
    scopes: Vec<String>,
    expires: Instant,
}

/// Why a bearer token was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No `Authorization: Bearer` header.
    Missing,
    /// A token the mock never issued.
    Unknown,
    /// A token past its lifetime.
    Expired,
    /// A valid token without the action's scope.
    Scope(String),
}

/// The tokens issued.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    grants: HashMap<String, Grant>,
}

impl Tokens {
    /// Issues a token for these scopes; fails only when the system has no randomness to give.
    pub(crate) fn issue(
        &mut self,
        scopes: Vec<String>,
        ttl: Duration,
    ) -> Result<String, getrandom::Error> {
        let now = Instant::now();
        self.grants.retain(|_, g| g.expires > now);
        let token = new_token()?;
        let expires = now
            .checked_add(ttl)
            .or_else(|| now.checked_add(Duration::from_secs(u32::MAX as u64)))
            .unwrap_or(now);
        self.grants.insert(token.clone(), Grant { scopes, expires });
        Ok(token)
    }

    /// Forgets every token, as a restarted Coupa would.
    pub(crate) fn revoke_all(&mut self) {
        self.grants.clear();
    }

    /// Checks a token for a scope (`None`: any valid token).
    pub(crate) fn check(&self, token: Option<&str>, scope: Option<&str>) -> Result<(), Refusal> {
        let token = token.ok_or(Refusal::Missing)?;
        let g = self.grants.get(token).ok_or(Refusal::Unknown)?;
        if g.expires <= Instant::now() {
            return Err(Refusal::Expired);
        }
        match scope {
            Some(s) if !g.scopes.iter().any(|x| x == s) => Err(Refusal::Scope(s.to_owned())),
            _ => Ok(()),
        }
    }
}

/// An unguessable token: 128 bits from the operating system's random source, in hex.
fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().fold(String::with_capacity(32), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    }))
}

/// The bearer token of an `Authorization` header.
pub(crate) fn bearer(value: Option<&str>) -> Option<&str> {
    let v = value?.trim();
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The client id and secret of an `Authorization: Basic` header.
pub(crate) fn basic(value: Option<&str>) -> Option<(String, String)> {
    let v = value?.trim();
    let (scheme, b64) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    // Standard base64, as RFC 7617 says; the URL-safe alphabet is taken too. Padding may be
    // left out.
    let b64 = b64.trim();
    let bytes = STANDARD_PAD_INDIFFERENT
        .decode(b64)
        .or_else(|_| URL_SAFE_PAD_INDIFFERENT.decode(b64))
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    // The id and the secret are form-encoded before they are joined (RFC 6749, section 2.3.1).
    let (id, secret) = text.split_once(':')?;
    Some((form_decode(id), form_decode(secret)))
}

/// Decodes one `application/x-www-form-urlencoded` value: `+` is a space, `%XX` a byte.
fn form_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// A token bucket: `burst` requests at once, refilled at `per_second`.
#[derive(Debug)]
pub(crate) struct Bucket {
    tokens: f64,
    last: Instant,
    rate: f64,
    burst: f64,
}

impl Bucket {
    /// A full bucket.
    pub(crate) fn new(limit: &RateLimit) -> Bucket {
        let burst = f64::from(limit.burst.max(1));
        Bucket {
            tokens: burst,
            last: Instant::now(),
            rate: f64::from(limit.per_second),
            burst,
        }
    }

    /// Takes one token, or says how many seconds to wait (at least 1).
    pub(crate) fn take(&mut self) -> Result<(), u64> {
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Ok(());
        }
        if self.rate <= 0.0 {
            return Err(60);
        }
        let wait = ((1.0 - self.tokens) / self.rate).ceil();
        Err((wait as u64).max(1))
    }
}

/// The middleware: 429 with `Retry-After` for a request over the rate limit.
pub(crate) async fn rate_limit(State(st): State<MockState>, req: Request, next: Next) -> Response {
    let taken = match &st.inner.bucket {
        Some(b) => lock(b).take(),
        None => Ok(()),
    };
    if let Err(wait) = taken {
        let limit = st.config().rate_limit.unwrap_or_default();
        return Failure::about(
            StatusCode::TOO_MANY_REQUESTS,
            None,
            vec![format!(
                "Rate limit exceeded: at most {} requests per second (burst {}); retry after {wait} s",
                limit.per_second, limit.burst
            )],
        )
        .with_header(header::RETRY_AFTER, &wait.to_string())
        .render(answer_format(req.headers()));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_scopes_and_expire() {
        let mut t = Tokens::default();
        let a = t
            .issue(
                vec!["core.integration.read".into()],
                Duration::from_secs(60),
            )
            .expect("randomness");
        let b = t.issue(vec![], Duration::ZERO).expect("randomness");
        assert_ne!(a, b);
        assert!(
            a.len() == 32 && a.bytes().all(|c| c.is_ascii_hexdigit()),
            "{a}"
        );
        assert_eq!(t.check(Some(&a), Some("core.integration.read")), Ok(()));
        assert_eq!(t.check(Some(&a), None), Ok(()));
        assert_eq!(
            t.check(Some(&a), Some("core.integration.write")),
            Err(Refusal::Scope("core.integration.write".into()))
        );
        assert_eq!(t.check(Some(&b), None), Err(Refusal::Expired));
        assert_eq!(t.check(Some("forged"), None), Err(Refusal::Unknown));
        assert_eq!(t.check(None, None), Err(Refusal::Missing));
    }

    #[test]
    fn headers() {
        assert_eq!(bearer(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer(Some("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(Some("Bearer")), None);
        // "mock-client:mock-secret"
        assert_eq!(
            basic(Some("Basic bW9jay1jbGllbnQ6bW9jay1zZWNyZXQ=")),
            Some(("mock-client".into(), "mock-secret".into()))
        );
        assert_eq!(basic(Some("Basic !!!")), None);
        // Without padding, and in either alphabet ("id?:s>?" encodes with `/` and `+`).
        assert_eq!(
            basic(Some("Basic bW9jay1jbGllbnQ6bW9jay1zZWNyZXQ")),
            Some(("mock-client".into(), "mock-secret".into()))
        );
        let pair = Some(("id?".into(), "s>?".into()));
        assert_eq!(basic(Some("Basic aWQ/OnM+Pw==")), pair);
        assert_eq!(basic(Some("Basic aWQ_OnM-Pw")), pair);
        // Form-encoded id and secret: `+` is a space, `%XX` a byte; `&` and `=` are kept.
        // "my+client%21:s%26c=t" and "a:%E6%97%A5"
        assert_eq!(
            basic(Some("Basic bXkrY2xpZW50JTIxOnMlMjZjPXQ=")),
            Some(("my client!".into(), "s&c=t".into()))
        );
        assert_eq!(
            basic(Some("Basic YTolRTYlOTclQTU=")),
            Some(("a".into(), "日".into()))
        );
        // Not UTF-8 once decoded, or no `:`.
        assert_eq!(basic(Some("Basic //8=")), None);
        assert_eq!(basic(Some("Basic bm9jb2xvbg==")), None);
    }

    #[test]
    fn the_bucket_allows_a_burst_then_refuses() {
        let mut b = Bucket::new(&RateLimit {
            per_second: 1,
            burst: 3,
        });
        for _ in 0..3 {
            assert_eq!(b.take(), Ok(()));
        }
        assert_eq!(b.take(), Err(1));
    }
}
