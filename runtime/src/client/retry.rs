//! What happens after an attempt that got no usable answer: the one decision of whether a
//! request is sent again, and after how long.

use std::time::Duration;

use super::error::{status_error, transport};
use super::{Answer, Client, ClientError, Stop};
use crate::shape::Route;
use crate::vocab::{ActionKind, Method};

/// Whether a request may be sent again after an attempt that Coupa may have acted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Resend {
    /// Yes: it reads (GET), or doing it twice is doing it once (PUT of an update, DELETE, and
    /// their bulk forms, which Coupa documents as idempotent; the token request).
    Safe,
    /// Only when Coupa surely did not act: it answered 429, or the connection was never made.
    /// POST, PATCH, and actions (`PUT /api/invoices/{id}/submit`), which may do something
    /// twice.
    Unsafe,
}

impl Resend {
    /// What a route allows.
    pub(super) fn of(route: &Route) -> Resend {
        let idempotent = matches!(
            route.kind,
            ActionKind::Update
                | ActionKind::Delete
                | ActionKind::BulkUpdate
                | ActionKind::BulkDelete
        );
        match route.method {
            Method::Get => Resend::Safe,
            Method::Put | Method::Delete if idempotent => Resend::Safe,
            _ => Resend::Unsafe,
        }
    }
}

/// What one attempt came to, when it was not a success.
pub(super) enum Outcome {
    /// Coupa answered with an error status.
    Status(Answer),
    /// No whole answer: no connection, a connection lost on the way, or a timeout.
    NoAnswer(reqwest::Error),
}

/// What to do next.
pub(super) enum Next {
    /// Send again after this wait.
    Retry {
        /// Why (`429`, `503`, `connection`), for the trace.
        reason: &'static str,
        /// How long to wait first.
        wait: Duration,
    },
    /// Fail with this error (Coupa refused the request: 400, 404, 422, ...).
    Fail(ClientError),
    /// Give up on a fault: no retry left, or not safe to send again.
    GiveUp(Stop, ClientError),
}

/// `Retry-After` in seconds (the form Coupa sends); an HTTP date is not read.
pub(super) fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    headers
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

impl Client {
    /// Whether the `attempt`-th try of a request is followed by another: the client's one
    /// retry decision.
    ///
    /// - 429: Coupa refused the request before doing anything: sent again, whatever it is,
    ///   after `Retry-After` or the backoff.
    /// - 500, 502, 503, 504, and an answer that did not arrive (timeout, connection closed
    ///   before or in the middle of it): Coupa may have acted, so only a [`Resend::Safe`]
    ///   request is sent again (after `Retry-After` when one came, else the backoff); any
    ///   other gives up with [`Stop::MayHaveActed`].
    /// - A connection that was never made: sent again, whatever it is.
    /// - At most `max_retries` retries; then it gives up with [`Stop::Exhausted`].
    /// - Any other status fails at once with Coupa's error.
    pub(super) fn decide(&self, attempt: u32, resend: Resend, outcome: Outcome) -> Next {
        let retries_left = attempt <= self.config.max_retries;
        let (reason, acted_maybe, after, error) = match outcome {
            Outcome::Status(answer) => {
                let status = answer.status.as_u16();
                let reason = match status {
                    429 => "429",
                    500 => "500",
                    502 => "502",
                    503 => "503",
                    504 => "504",
                    _ => return Next::Fail(status_error(status, answer.format, &answer.body)),
                };
                let error = status_error(status, answer.format, &answer.body);
                (reason, status != 429, retry_after(&answer.headers), error)
            }
            Outcome::NoAnswer(e) => {
                let never_sent = e.is_connect();
                (
                    "connection",
                    !never_sent,
                    None,
                    transport(e, self.config.timeout),
                )
            }
        };
        if acted_maybe && resend == Resend::Unsafe {
            return Next::GiveUp(Stop::MayHaveActed, error);
        }
        if !retries_left {
            return Next::GiveUp(Stop::Exhausted, error);
        }
        let wait = match after {
            Some(d) => d.min(self.config.max_backoff),
            None => self.backoff(attempt),
        };
        Next::Retry { reason, wait }
    }

    /// A jittered exponential backoff for the n-th retry: the doubled backoff, capped, times a
    /// random fraction in `[0.5, 1)` (fastrand's per-thread generator, seeded at random, so
    /// clients that failed together do not retry together).
    pub(super) fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .config
            .backoff
            .saturating_mul(1u32 << attempt.min(16).saturating_sub(1));
        let capped = base.min(self.config.max_backoff);
        capped.mul_f64(0.5 + fastrand::f64() / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Config;
    use crate::wire::Format;

    fn route(kind: ActionKind, method: Method) -> Route {
        Route::new(
            "integration-runs",
            "probe",
            kind,
            method,
            "/api/integration_runs",
        )
    }

    fn answer(status: u16, retry_after: Option<&str>) -> Outcome {
        let mut headers = http::HeaderMap::new();
        if let Some(v) = retry_after {
            headers.insert(
                http::header::RETRY_AFTER,
                v.parse().expect("a header value"),
            );
        }
        Outcome::Status(Answer {
            status: http::StatusCode::from_u16(status).expect("a status"),
            headers,
            format: Format::Json,
            body: bytes::Bytes::from_static(b"{}"),
        })
    }

    fn client() -> Client {
        let mut c = Config::new("http://x");
        c.max_retries = 2;
        c.backoff = Duration::from_millis(100);
        c.max_backoff = Duration::from_secs(5);
        Client::new(c).expect("a client")
    }

    #[test]
    fn only_reads_and_idempotent_writes_are_safe_to_repeat() {
        use ActionKind as K;
        use Method as M;
        let safe = [
            (K::Index, M::Get),
            (K::Show, M::Get),
            (K::Update, M::Put),
            (K::Delete, M::Delete),
            (K::BulkUpdate, M::Put),
            (K::BulkDelete, M::Delete),
            (K::Member, M::Get),
        ];
        let unsafe_ = [
            (K::Create, M::Post),
            (K::BulkCreate, M::Post),
            (K::Member, M::Put),
            (K::Status, M::Put),
            (K::Collection, M::Post),
            (K::Update, M::Patch),
            (K::Member, M::Delete),
        ];
        for (k, m) in safe {
            assert_eq!(Resend::of(&route(k, m)), Resend::Safe, "{k:?} {m:?}");
        }
        for (k, m) in unsafe_ {
            assert_eq!(Resend::of(&route(k, m)), Resend::Unsafe, "{k:?} {m:?}");
        }
    }

    #[test]
    fn the_decision() {
        let c = client();
        let retried = |n: Next| match n {
            Next::Retry { reason, wait } => Some((reason, wait)),
            _ => None,
        };
        let stop = |n: Next| match n {
            Next::GiveUp(s, e) => Some((s, e.status())),
            _ => None,
        };
        // 429 is retried whatever the request, after Retry-After (capped) or the backoff.
        for r in [Resend::Safe, Resend::Unsafe] {
            let (reason, wait) = retried(c.decide(1, r, answer(429, Some("2")))).unwrap();
            assert_eq!((reason, wait), ("429", Duration::from_secs(2)));
        }
        let (_, wait) = retried(c.decide(1, Resend::Safe, answer(429, Some("60")))).unwrap();
        assert_eq!(wait, Duration::from_secs(5), "capped at max_backoff");
        let (_, wait) = retried(c.decide(2, Resend::Safe, answer(429, None))).unwrap();
        assert!(wait >= Duration::from_millis(100) && wait < Duration::from_millis(200));
        // 5xx: retried when safe, else given up at once: Coupa may have acted.
        for status in [500, 502, 503, 504] {
            assert!(retried(c.decide(1, Resend::Safe, answer(status, None))).is_some());
            assert_eq!(
                stop(c.decide(1, Resend::Unsafe, answer(status, None))),
                Some((Stop::MayHaveActed, Some(status)))
            );
        }
        let (reason, wait) = retried(c.decide(1, Resend::Safe, answer(503, Some("1")))).unwrap();
        assert_eq!((reason, wait), ("503", Duration::from_secs(1)));
        // Retries run out: the third attempt with max_retries 2 is the last.
        assert!(retried(c.decide(2, Resend::Safe, answer(503, None))).is_some());
        assert_eq!(
            stop(c.decide(3, Resend::Safe, answer(503, None))),
            Some((Stop::Exhausted, Some(503)))
        );
        assert_eq!(
            stop(c.decide(3, Resend::Unsafe, answer(429, None))),
            Some((Stop::Exhausted, Some(429)))
        );
        // Coupa's refusals are not faults: no retry, no give-up.
        for status in [400, 401, 403, 404, 409, 413, 422] {
            assert!(matches!(
                c.decide(1, Resend::Safe, answer(status, None)),
                Next::Fail(e) if e.status() == Some(status)
            ));
        }
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
