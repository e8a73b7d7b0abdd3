//! Fault injection ([`MockConfig::faults`](crate::MockConfig::faults), `coupa mock --faults`):
//! off by default; seeded, so a run can be repeated.
//!
//! A share of the requests ([`Faults::rate`]) gets a fault instead of its usual answer, drawn
//! from [`Faults::kinds`]:
//!
//! | kind | what the client sees | did the mock act? |
//! |---|---|---|
//! | `500`, `502`, `503` | that status with a Coupa error body | no |
//! | `503-retry-after` | 503 with `Retry-After: 1` | no |
//! | `close-before` | the connection closed before any byte of the answer | **yes** |
//! | `close-midway` | the status and headers, half the body, then the connection closed | **yes** |
//! | `slow` | the right answer, [`Faults::latency`] late | yes |
//!
//! Whether a request gets a fault, and which, is drawn from the seed, the request's method, path
//! and query, and how many times that same request came before (a retry is a new draw): the same
//! seed and the same requests give the same faults, whatever order concurrent requests arrive
//! in. A [`Storm`] answers a run of consecutive requests with 429, whatever they are. Faults
//! apply to every route, the token endpoint too, unless [`Faults::prefix`] narrows them; they
//! come before the rate limit.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use http::{StatusCode, header};

use crate::handler::{Failure, answer_format};
use crate::{MockState, lock};

/// One kind of fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultKind {
    /// 500 Internal Server Error, before the request is acted on.
    Status500,
    /// 502 Bad Gateway, before the request is acted on.
    Status502,
    /// 503 Service Unavailable, before the request is acted on.
    Status503,
    /// 503 with `Retry-After: 1`, before the request is acted on.
    Status503RetryAfter,
    /// The request is acted on, then the connection is closed before any byte of the answer.
    CloseBefore,
    /// The request is acted on, then the status, the headers and half the body are sent, and
    /// the connection is closed.
    CloseMidway,
    /// The right answer, [`Faults::latency`] late.
    Slow,
}

impl FaultKind {
    /// Every kind.
    pub const ALL: [FaultKind; 7] = [
        FaultKind::Status500,
        FaultKind::Status502,
        FaultKind::Status503,
        FaultKind::Status503RetryAfter,
        FaultKind::CloseBefore,
        FaultKind::CloseMidway,
        FaultKind::Slow,
    ];

    /// Its name on the command line (`503-retry-after`).
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Status500 => "500",
            FaultKind::Status502 => "502",
            FaultKind::Status503 => "503",
            FaultKind::Status503RetryAfter => "503-retry-after",
            FaultKind::CloseBefore => "close-before",
            FaultKind::CloseMidway => "close-midway",
            FaultKind::Slow => "slow",
        }
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for FaultKind {
    type Err = String;

    fn from_str(s: &str) -> Result<FaultKind, String> {
        FaultKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = FaultKind::ALL.iter().map(|k| k.name()).collect();
                format!("`{s}` is not a fault; known: {}", names.join(", "))
            })
    }
}

/// A 429 storm: requests `after + 1` to `after + length` (counted from the mock's start, in
/// arrival order, every route) are answered 429 with `Retry-After`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Storm {
    /// Requests answered as usual before the storm.
    pub after: u64,
    /// Requests answered 429; `None`: the storm never ends.
    pub length: Option<u64>,
    /// The `Retry-After` of its answers, in seconds.
    pub retry_after: u64,
}

/// What faults a mock injects. `Faults::default()` injects none; [`Faults::share`] gives a share
/// of every kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Faults {
    /// The share of requests that get a fault, from 0 to 1.
    pub rate: f64,
    /// The seed of the draws.
    pub seed: u64,
    /// The kinds drawn from, equally likely (empty: every kind).
    pub kinds: Vec<FaultKind>,
    /// How late a `slow` answer is.
    pub latency: Duration,
    /// A 429 storm, independent of the share.
    pub storm: Option<Storm>,
    /// Only requests whose path and query start with this get faults (`/api/` spares the
    /// token endpoint; `/api/integration_runs?offset=100` one page of a listing). The storm
    /// counts and answers every request.
    pub prefix: Option<String>,
}

impl Default for Faults {
    /// No fault; every kind once a rate is set; 250 ms of latency.
    fn default() -> Self {
        Faults {
            rate: 0.0,
            seed: 0,
            kinds: FaultKind::ALL.to_vec(),
            latency: Duration::from_millis(250),
            storm: None,
            prefix: None,
        }
    }
}

impl Faults {
    /// This share of requests faulted, every kind equally likely, from this seed.
    pub fn share(rate: f64, seed: u64) -> Faults {
        Faults {
            rate,
            seed,
            ..Faults::default()
        }
    }

    /// Why these faults cannot be injected, if they cannot.
    pub(crate) fn check(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.rate) {
            return Err(format!(
                "the share of faults is between 0 and 1, not {}",
                self.rate
            ));
        }
        Ok(())
    }
}

/// The faults injected so far ([`MockState::faults_injected`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultLog {
    /// How many of each kind.
    pub by_kind: std::collections::BTreeMap<FaultKind, u64>,
    /// How many 429s of the storm.
    pub storm: u64,
    /// Every request the mock saw (faulted or not).
    pub requests: u64,
}

impl FaultLog {
    /// Every fault injected, the storm's included.
    pub fn total(&self) -> u64 {
        self.by_kind.values().sum::<u64>() + self.storm
    }
}

/// The state of the injector: requests seen, and how often each one came.
#[derive(Debug, Default)]
pub(crate) struct Injector {
    requests: AtomicU64,
    seen: Mutex<HashMap<String, u64>>,
    log: Mutex<FaultLog>,
}

/// What to do with one request.
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    Serve,
    Storm,
    Fault(FaultKind),
}

impl Injector {
    /// Draws the plan for a request (`GET /api/x?offset=50`).
    fn plan(&self, faults: &Faults, request: String) -> Plan {
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        let plan = self.draw(faults, n, request);
        let mut log = lock(&self.log);
        log.requests += 1;
        match plan {
            Plan::Storm => log.storm += 1,
            Plan::Fault(k) => *log.by_kind.entry(k).or_default() += 1,
            Plan::Serve => {}
        }
        plan
    }

    fn draw(&self, faults: &Faults, n: u64, request: String) -> Plan {
        if let Some(s) = faults.storm
            && n > s.after
            && s.length.is_none_or(|len| n <= s.after.saturating_add(len))
        {
            return Plan::Storm;
        }
        let chosen = faults.prefix.as_deref().is_none_or(|p| {
            request
                .split_once(' ')
                .is_some_and(|(_, target)| target.starts_with(p))
        });
        if faults.rate <= 0.0 || !chosen {
            return Plan::Serve;
        }
        let key = hash(faults.seed, request.as_bytes());
        let occurrence = {
            let mut seen = lock(&self.seen);
            let c = seen.entry(request).or_default();
            *c += 1;
            *c
        };
        let draw = mix(key ^ mix(occurrence));
        // The top 53 bits as a number in [0, 1).
        let u = (draw >> 11) as f64 / (1u64 << 53) as f64;
        if u >= faults.rate {
            return Plan::Serve;
        }
        let kinds: &[FaultKind] = if faults.kinds.is_empty() {
            &FaultKind::ALL
        } else {
            &faults.kinds
        };
        let pick = mix(draw) % kinds.len() as u64;
        Plan::Fault(kinds[pick as usize])
    }

    pub(crate) fn log(&self) -> FaultLog {
        lock(&self.log).clone()
    }
}

/// FNV-1a of the bytes, from the seed: stable across runs and platforms.
fn hash(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325 ^ mix(seed);
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

/// SplitMix64's finalizer: every input bit moves every output bit.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The middleware: a fault instead of the answer, when one is drawn.
pub(crate) async fn inject(State(st): State<MockState>, req: Request, next: Next) -> Response {
    let Some(faults) = &st.config().faults else {
        return next.run(req).await;
    };
    let format = answer_format(req.headers());
    let request = format!(
        "{} {}",
        req.method(),
        req.uri().path_and_query().map_or("/", |p| p.as_str())
    );
    let status = |status: StatusCode, message: &str| {
        Failure::about(status, None, vec![format!("{message} (an injected fault)")])
    };
    match st.injector().plan(faults, request) {
        Plan::Serve => next.run(req).await,
        Plan::Storm => {
            let wait = faults.storm.map_or(1, |s| s.retry_after).to_string();
            status(
                StatusCode::TOO_MANY_REQUESTS,
                &format!("Rate limit exceeded; retry after {wait} s"),
            )
            .with_header(header::RETRY_AFTER, &wait)
            .render(format)
        }
        Plan::Fault(kind) => match kind {
            FaultKind::Status500 => {
                status(StatusCode::INTERNAL_SERVER_ERROR, "Internal error").render(format)
            }
            FaultKind::Status502 => status(StatusCode::BAD_GATEWAY, "Bad gateway").render(format),
            FaultKind::Status503 => {
                status(StatusCode::SERVICE_UNAVAILABLE, "Service unavailable").render(format)
            }
            FaultKind::Status503RetryAfter => {
                status(StatusCode::SERVICE_UNAVAILABLE, "Service unavailable")
                    .with_header(header::RETRY_AFTER, "1")
                    .render(format)
            }
            FaultKind::Slow => {
                tokio::time::sleep(faults.latency).await;
                next.run(req).await
            }
            FaultKind::CloseBefore => cut(next.run(req).await, false).await,
            FaultKind::CloseMidway => cut(next.run(req).await, true).await,
        },
    }
}

/// The answer, cut: the connection is closed before any of it (`midway` false), or after its
/// head and half its body.
async fn cut(res: Response, midway: bool) -> Response {
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let broken = || std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "injected fault");
    if !midway {
        // A body that fails before its first byte: the server drops the connection without
        // sending the head it had not flushed yet.
        let stream = futures_util::stream::once(async move { Err::<Bytes, _>(broken()) });
        return Response::from_parts(parts, Body::from_stream(stream));
    }
    let half = bytes.slice(..bytes.len() / 2);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, bytes.len().into());
    // The head and the first half go out (the server flushes while the body waits), then the
    // connection drops.
    let rest = futures_util::stream::once(async move {
        tokio::time::sleep(Duration::from_millis(10)).await;
        Err::<Bytes, _>(broken())
    });
    let stream = futures_util::stream::once(async move { Ok(half) }).chain(rest);
    Response::from_parts(parts, Body::from_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plans(faults: &Faults, requests: &[&str]) -> Vec<Plan> {
        let inj = Injector::default();
        requests
            .iter()
            .map(|r| inj.plan(faults, (*r).to_owned()))
            .collect()
    }

    #[test]
    fn the_same_seed_draws_the_same_faults_in_any_order() {
        let faults = Faults::share(0.3, 7);
        let reqs: Vec<String> = (0..200)
            .map(|i| format!("GET /api/integration_runs?offset={}", i * 50))
            .collect();
        let refs: Vec<&str> = reqs.iter().map(String::as_str).collect();
        let a = plans(&faults, &refs);
        let mut reversed = refs.clone();
        reversed.reverse();
        let mut b = plans(&faults, &reversed);
        b.reverse();
        assert_eq!(a, b);
        let faulted = a.iter().filter(|p| **p != Plan::Serve).count();
        assert!((40..=80).contains(&faulted), "{faulted} of 200 at 30%");
        // Every kind shows up.
        for k in FaultKind::ALL {
            assert!(a.contains(&Plan::Fault(k)), "{k}");
        }
        // Another seed, other faults.
        assert_ne!(a, plans(&Faults::share(0.3, 8), &refs));
        // A retry of the same request is a new draw.
        let again = plans(&faults, &["GET /x"; 50]);
        assert!(again.contains(&Plan::Serve) && again.iter().any(|p| *p != Plan::Serve));
    }

    #[test]
    fn a_storm_answers_a_run_of_requests() {
        let faults = Faults {
            storm: Some(Storm {
                after: 2,
                length: Some(3),
                retry_after: 1,
            }),
            ..Faults::default()
        };
        let inj = Injector::default();
        let p: Vec<Plan> = (0..7).map(|_| inj.plan(&faults, "GET /x".into())).collect();
        use Plan::{Serve, Storm as S};
        assert_eq!(p, [Serve, Serve, S, S, S, Serve, Serve]);
        let log = inj.log();
        assert_eq!((log.storm, log.requests, log.total()), (3, 7, 3));
    }

    #[test]
    fn a_prefix_narrows_the_faults() {
        let faults = Faults {
            prefix: Some("/api/x?offset=100".into()),
            ..Faults::share(1.0, 1)
        };
        let p = plans(
            &faults,
            &[
                "POST /oauth2/token",
                "GET /api/x?offset=50",
                "GET /api/x?offset=100&limit=50",
            ],
        );
        assert_eq!(p[..2], [Plan::Serve, Plan::Serve]);
        assert!(matches!(p[2], Plan::Fault(_)));
    }

    #[test]
    fn kinds_read_and_shares_check() {
        for k in FaultKind::ALL {
            assert_eq!(k.name().parse::<FaultKind>(), Ok(k));
        }
        let e = "504".parse::<FaultKind>().unwrap_err();
        assert!(e.contains("503-retry-after"), "{e}");
        assert!(Faults::share(1.5, 0).check().is_err());
        assert!(Faults::share(0.1, 0).check().is_ok());
    }
}
