//! Security: OAuth 2.0 client-credentials tokens (Core), the `X-CSO-API-KEY` header (CSO), and
//! the rate limit (a token bucket shared by every request).

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::config::RateLimit;

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
    issued: u64,
}

impl Tokens {
    /// Issues a token for these scopes.
    pub(crate) fn issue(&mut self, scopes: Vec<String>, ttl: Duration) -> String {
        let now = Instant::now();
        self.grants.retain(|_, g| g.expires > now);
        self.issued = self.issued.wrapping_add(1);
        let token = new_token(self.issued);
        let expires = now
            .checked_add(ttl)
            .or_else(|| now.checked_add(Duration::from_secs(u32::MAX as u64)))
            .unwrap_or(now);
        self.grants.insert(token.clone(), Grant { scopes, expires });
        token
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

/// An unguessable token: two SipHash outputs under the process's random keys.
fn new_token(n: u64) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let state = std::collections::hash_map::RandomState::new();
    let mut a = state.build_hasher();
    a.write_u64(n);
    a.write_u128(nanos);
    let x = a.finish();
    let mut b = std::collections::hash_map::RandomState::new().build_hasher();
    b.write_u64(x);
    b.write_u64(n);
    format!("{x:016x}{:016x}", b.finish())
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
    let text = String::from_utf8(base64_decode(b64.trim())?).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((
        form_urlencoded::parse(format!("a={id}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default(),
        form_urlencoded::parse(format!("a={secret}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default(),
    ))
}

/// Standard base64 (with or without padding).
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    }
    let bytes: Vec<u8> = s.bytes().filter(|b| *b != b'=').collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= val(*c)? << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    Some(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_scopes_and_expire() {
        let mut t = Tokens::default();
        let a = t.issue(
            vec!["core.integration.read".into()],
            Duration::from_secs(60),
        );
        let b = t.issue(vec![], Duration::ZERO);
        assert_ne!(a, b);
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
