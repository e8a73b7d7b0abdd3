//! Pacing: the client's own token bucket, so that it stays under Coupa's rate limit instead of
//! running into it, and slows down when Coupa answers 429 anyway.
//!
//! - The bucket is a GCRA limiter of `governor` at [`Pacing::per_second`] with room for
//!   [`Pacing::burst`] requests less [`Pacing::headroom`], shared by every request of a
//!   [`Client`](super::Client) and its clones, across tasks; every attempt (retries and token
//!   requests too) takes one token.
//! - A 429 means someone else spends the same budget (another program with the same
//!   credentials): the rate is multiplied by [`Pacing::decrease`] (once a second at most: the
//!   answers to the requests already in flight say the same thing), without a burst, down to
//!   [`Pacing::min_per_second`]. Each second without a 429 adds [`Pacing::recover`] requests per
//!   second back, up to the configured rate, where the burst returns: additive increase,
//!   multiplicative decrease.
//! - A `Retry-After` holds every request of the client until it has passed.
//!
//! Time is tokio's, so tests can pause it.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use tokio::time::Instant;

/// How the client paces its requests ([`Config::pacing`](super::Config::pacing)). The default is
/// Coupa's documented limit: 25 requests per second with a burst of 20.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pacing {
    /// Requests per second, at most.
    pub per_second: f64,
    /// Requests that may go at once after a quiet spell (at least 1), as the limit states it.
    pub burst: u32,
    /// Requests of the burst the client leaves unspent. Coupa's bucket starts counting when the
    /// first request arrives, the client's when it leaves: when a later request takes less time
    /// to arrive than the first did (which also connected), it reaches Coupa earlier than the
    /// client counted, and a client that spent the whole burst would run into the limit. A
    /// token of headroom absorbs up to one interval (40 ms at 25 per second) of such
    /// difference, for the cost of that interval once per burst.
    pub headroom: u32,
    /// On a 429 the rate is multiplied by this (between 0 and 1).
    pub decrease: f64,
    /// Requests per second added back for each second without a 429.
    pub recover: f64,
    /// The rate never goes below this.
    pub min_per_second: f64,
}

impl Default for Pacing {
    /// Coupa's limit (25 per second, burst 20, of which 19 are spent); halved on a 429, 2.5 per
    /// second back each second, never below 1 per second.
    fn default() -> Self {
        Pacing::new(25.0, 20)
    }
}

impl Pacing {
    /// A rate and a burst, with one token of headroom (none for a burst of 1), the default
    /// slow-down (halved on a 429) and recovery (a tenth of the rate back each second).
    pub fn new(per_second: f64, burst: u32) -> Pacing {
        Pacing {
            per_second,
            burst,
            headroom: u32::from(burst > 1),
            decrease: 0.5,
            recover: per_second / 10.0,
            min_per_second: per_second.min(1.0),
        }
    }

    /// Why this pacing cannot be used, if it cannot.
    pub(super) fn check(&self) -> Result<(), String> {
        let positive = |v: f64| v.is_finite() && v > 0.0;
        if !positive(self.per_second) || !positive(self.min_per_second) {
            return Err(format!(
                "pacing needs rates above 0 (per_second {}, min_per_second {}); \
                 `pacing: None` switches it off",
                self.per_second, self.min_per_second
            ));
        }
        let decrease_ok = self.decrease > 0.0 && self.decrease <= 1.0;
        let recover_ok = self.recover.is_finite() && self.recover >= 0.0;
        if !(decrease_ok && recover_ok) {
            return Err(format!(
                "pacing: decrease must be in (0, 1] and recover at least 0 (got {} and {})",
                self.decrease, self.recover
            ));
        }
        if self.burst == 0 {
            return Err("pacing: the burst must be at least 1".to_owned());
        }
        Ok(())
    }
}

/// Tokio's clock for governor: time since the pacer was made.
#[derive(Clone, Debug)]
struct TokioClock {
    origin: Instant,
}

impl Clock for TokioClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        Instant::now().saturating_duration_since(self.origin)
    }
}

type Limiter = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>;

struct State {
    /// The rate now, between `min_per_second` and `per_second`.
    rate: f64,
    limiter: Arc<Limiter>,
    /// No request before this (`Retry-After`).
    hold_until: Option<Instant>,
    last_decrease: Option<Instant>,
    /// The last time the rate grew (or was cut): recovery counts from here.
    last_change: Instant,
}

/// A client's pacer: a token bucket whose rate follows the 429s.
pub(super) struct Pacer {
    pacing: Pacing,
    clock: TokioClock,
    state: Mutex<State>,
}

/// The least time between two decreases: 429s answered to the requests that were already in
/// flight carry no news.
const DECREASE_SPACING: Duration = Duration::from_secs(1);

impl Pacer {
    /// A pacer with a full bucket.
    pub(super) fn new(pacing: Pacing) -> Pacer {
        let clock = TokioClock {
            origin: Instant::now(),
        };
        let limiter = Arc::new(limiter(&pacing, pacing.per_second, &clock));
        Pacer {
            pacing,
            state: Mutex::new(State {
                rate: pacing.per_second,
                limiter,
                hold_until: None,
                last_decrease: None,
                last_change: Instant::now(),
            }),
            clock,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Every change under the lock is a few assignments: a panic cannot leave it half made.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The rate now, in requests per second.
    pub(super) fn rate(&self) -> f64 {
        self.state().rate
    }

    /// Waits until a request may go; answers how long it waited.
    pub(super) async fn acquire(&self) -> Duration {
        let started = Instant::now();
        loop {
            let (limiter, hold) = {
                let s = self.state();
                (s.limiter.clone(), s.hold_until)
            };
            if let Some(until) = hold
                && until > Instant::now()
            {
                tokio::time::sleep_until(until).await;
                continue;
            }
            match limiter.check() {
                Ok(()) => return started.elapsed(),
                Err(not_until) => {
                    tokio::time::sleep(not_until.wait_time_from(self.clock.now())).await;
                }
            }
        }
    }

    /// Coupa answered 429 (with this `Retry-After`, if any): hold every request until it has
    /// passed, and slow down. Answers the new rate when it changed.
    pub(super) fn throttled(&self, retry_after: Option<Duration>) -> Option<f64> {
        let now = Instant::now();
        let mut s = self.state();
        if let Some(wait) = retry_after {
            self.hold(&mut s, now + wait);
        }
        if s.last_decrease
            .is_some_and(|t| now.saturating_duration_since(t) < DECREASE_SPACING)
        {
            return None;
        }
        let rate = (s.rate * self.pacing.decrease).max(self.pacing.min_per_second);
        s.last_decrease = Some(now);
        self.set_rate(&mut s, rate, now)
    }

    /// Coupa asked for a pause (`Retry-After` on another status than 429): hold every request
    /// until it has passed.
    pub(super) fn pause(&self, wait: Duration) {
        let mut s = self.state();
        self.hold(&mut s, Instant::now() + wait);
    }

    fn hold(&self, s: &mut State, until: Instant) {
        s.hold_until = Some(s.hold_until.map_or(until, |h| h.max(until)));
    }

    /// A request went through: recover a little, once per second. Answers the new rate when it
    /// changed.
    pub(super) fn succeeded(&self) -> Option<f64> {
        let now = Instant::now();
        let mut s = self.state();
        if s.rate >= self.pacing.per_second {
            return None;
        }
        let since = now.saturating_duration_since(s.last_change);
        if since < Duration::from_secs(1) {
            return None;
        }
        // A quiet spell teaches nothing: at most one second's worth at a time.
        let step = self.pacing.recover * since.as_secs_f64().min(1.0);
        let rate = (s.rate + step).min(self.pacing.per_second);
        self.set_rate(&mut s, rate, now)
    }

    fn set_rate(&self, s: &mut State, rate: f64, now: Instant) -> Option<f64> {
        s.last_change = now;
        if rate == s.rate {
            return None;
        }
        s.rate = rate;
        let next = limiter(&self.pacing, rate, &self.clock);
        // A new limiter starts full; it starts empty instead, so that a change never lets a
        // burst through.
        let _ = next.check_n(burst_at(&self.pacing, rate));
        s.limiter = Arc::new(next);
        Some(rate)
    }
}

/// The burst at a rate: the configured one less the headroom at the configured rate, none below
/// it.
fn burst_at(pacing: &Pacing, rate: f64) -> NonZeroU32 {
    if rate >= pacing.per_second {
        NonZeroU32::new(pacing.burst.saturating_sub(pacing.headroom)).unwrap_or(NonZeroU32::MIN)
    } else {
        NonZeroU32::MIN
    }
}

fn limiter(pacing: &Pacing, rate: f64, clock: &TokioClock) -> Limiter {
    // At least a nanosecond: `check` rules out rates that are not positive and finite.
    let period = Duration::from_secs_f64(1.0 / rate).max(Duration::from_nanos(1));
    let quota = Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst_at(pacing, rate));
    RateLimiter::direct_with_clock(quota, clock.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// When each of `n` requests may go, from the first call, on the paused clock.
    async fn times(pacer: &Pacer, n: usize) -> Vec<Duration> {
        let start = Instant::now();
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            pacer.acquire().await;
            out.push(start.elapsed());
        }
        out
    }

    fn ms(d: Duration) -> f64 {
        d.as_secs_f64() * 1000.0
    }

    #[tokio::test(start_paused = true)]
    async fn the_bucket_lets_a_burst_through_then_paces() {
        let pacer = Pacer::new(Pacing::default());
        let t = times(&pacer, 45).await;
        // 19 at once (20 less a token of headroom), then one every 40 ms.
        assert!(t[..19].iter().all(|d| d.is_zero()), "{t:?}");
        for (i, d) in t[19..].iter().enumerate() {
            let expected = 40.0 * (i + 1) as f64;
            assert!((ms(*d) - expected).abs() < 1.0, "request {}: {d:?}", i + 19);
        }
        // After a quiet second the burst is back.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let t = times(&pacer, 20).await;
        assert!(t[..19].iter().all(|d| d.is_zero()), "{t:?}");
        assert!(!t[19].is_zero(), "{t:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn clones_and_tasks_share_one_bucket() {
        let pacer = Arc::new(Pacer::new(Pacing {
            headroom: 0,
            ..Pacing::new(10.0, 5)
        }));
        let start = Instant::now();
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let p = pacer.clone();
                tokio::spawn(async move {
                    for _ in 0..10 {
                        p.acquire().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("the task runs");
        }
        // 40 requests: 5 at once, 35 at 10 per second.
        let took = start.elapsed();
        assert!(
            (ms(took) - 3500.0).abs() < 2.0,
            "40 requests at 10/s, burst 5, took {took:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_halves_the_rate_and_it_recovers_gradually() {
        let pacer = Pacer::new(Pacing::default());
        times(&pacer, 19).await;
        assert_eq!(pacer.throttled(None), Some(12.5));
        // Answers to requests already in flight: no further cut within a second.
        assert_eq!(pacer.throttled(None), None);
        assert_eq!(pacer.rate(), 12.5);
        // No burst while slowed: one every 80 ms from an empty bucket.
        let t = times(&pacer, 5).await;
        let gaps: Vec<f64> = t.iter().map(|d| ms(*d)).collect();
        for (i, g) in gaps.iter().enumerate() {
            assert!((g - 80.0 * (i + 1) as f64).abs() < 1.0, "{gaps:?}");
        }
        // A second 429 a second later cuts again.
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(pacer.throttled(None), Some(6.25));
        // Then 2.5 per second back for each second of successes, up to 25 and the burst.
        let mut rates = Vec::new();
        for _ in 0..10 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            pacer.acquire().await;
            if let Some(r) = pacer.succeeded() {
                rates.push(r);
            }
        }
        assert_eq!(
            rates,
            [8.75, 11.25, 13.75, 16.25, 18.75, 21.25, 23.75, 25.0],
            "additive increase"
        );
        assert_eq!(pacer.succeeded(), None, "at the configured rate already");
        tokio::time::sleep(Duration::from_secs(1)).await;
        let t = times(&pacer, 19).await;
        assert!(t.iter().all(|d| d.is_zero()), "the burst is back: {t:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_holds_every_request() {
        let pacer = Pacer::new(Pacing::default());
        pacer.throttled(Some(Duration::from_secs(2)));
        let t = times(&pacer, 2).await;
        // The hold, then the slowed bucket (12.5 per second, started empty at the 429).
        assert_eq!(t[0], Duration::from_secs(2), "{t:?}");
        assert!((ms(t[1]) - 2080.0).abs() < 1.0, "{t:?}");
        // A shorter hold does not shorten a longer one.
        pacer.pause(Duration::from_secs(3));
        pacer.pause(Duration::from_secs(1));
        let start = Instant::now();
        pacer.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn the_rate_never_goes_below_the_floor() {
        let pacer = Pacer::new(Pacing::default());
        for _ in 0..20 {
            pacer.throttled(None);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        assert_eq!(pacer.rate(), 1.0);
    }

    #[test]
    fn unusable_pacing_is_refused() {
        assert!(Pacing::default().check().is_ok());
        for bad in [
            Pacing::new(0.0, 20),
            Pacing::new(f64::NAN, 20),
            Pacing::new(25.0, 0),
            Pacing {
                decrease: 0.0,
                ..Pacing::default()
            },
            Pacing {
                recover: -1.0,
                ..Pacing::default()
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
    }
}
