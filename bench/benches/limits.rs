//! The client under Coupa's rate limit, side by side in one run against a release build of
//! `coupa mock` with its limit on (Coupa's documented 25 requests per second, burst 20), seeded
//! with 5,000 integration runs: listing them all takes a token request and 101 pages (the last
//! one empty), 102 requests, and the limit lets them through in no less than
//! (102 − 20) ÷ 25 = 3.28 s, the floor.
//!
//! - `PACED`: the client as configured by default (paced to the limit), at 1 and at 10 pages in
//!   flight, 3 listings each, alternating: its time ÷ the floor, the requests it sent, and the
//!   429 answers it got. Each listing is a new client (its token included), after a second in
//!   which the mock's bucket fills up again.
//! - `UNPACED`: the same with pacing off (`Config::pacing = None`, and 10 retries so that it
//!   finishes): the client as it was, for comparison.
//! - `SHARED`: a second client, unpaced, lists the same runs over and over with 10 pages in
//!   flight (10 retries) from half a second before the paced client starts until it is done:
//!   whether the paced client (default settings) still finishes, how fast, and how the two
//!   shared the budget.
//!
//! Every line is `KEY key=value ...`, for `cargo xtask bench --limits`; figures are counted
//! from the client's trace (`Trace::Request`, `Trace::Answer` with 429).
//!
//! Run: `cargo build --release -p coupa-cli && cargo bench -p coupa-bench --features client
//! --bench limits` (`cargo xtask bench --limits` does both). `COUPA_BIN` names another `coupa`
//! binary.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use coupa_api::integration_runs::Index;
use coupa_bench::mock::MockProcess;
use coupa_runtime::client::{Client, Config, OAuth, Pacing, Trace, Tracer};

/// The runs the mock is seeded with.
const SEEDED: usize = 5_000;
/// Records per page.
const PAGE: usize = 50;
/// Listings of each paced workload.
const REPS: usize = 3;

/// What a client's trace counted.
#[derive(Default)]
struct Counts {
    requests: AtomicU64,
    throttled: AtomicU64,
}

impl Counts {
    fn get(&self) -> (u64, u64) {
        (
            self.requests.load(Ordering::Relaxed),
            self.throttled.load(Ordering::Relaxed),
        )
    }
}

/// A new client for the mock, counting into `counts`.
fn client(url: &str, in_flight: usize, pacing: Option<Pacing>, counts: &Arc<Counts>) -> Client {
    let mut config = Config::new(url);
    config.oauth = Some(OAuth {
        client_id: "mock-client".into(),
        client_secret: "mock-secret".into(),
        scopes: vec!["core.integration.read".into()],
    });
    config.concurrency = in_flight;
    if pacing.is_none() {
        // Unpaced, it runs into the limit: enough retries to finish anyway.
        config.max_retries = 10;
    }
    config.pacing = pacing;
    let c = counts.clone();
    config.tracer = Some(Tracer::new(move |t| match t {
        Trace::Request { .. } => {
            c.requests.fetch_add(1, Ordering::Relaxed);
        }
        Trace::Answer { status: 429, .. } => {
            c.throttled.fetch_add(1, Ordering::Relaxed);
        }
        _ => {}
    }));
    Client::new(config).expect("a client")
}

/// The limit's floor for one listing: the requests past the burst, at the rate.
fn floor() -> f64 {
    let limit = Pacing::default();
    let requests = 1 + SEEDED / PAGE + 1;
    (requests as f64 - f64::from(limit.burst)) / limit.per_second
}

/// One listing by a new client, after the mock's bucket has filled up: a line of figures.
async fn listing(key: &str, url: &str, in_flight: usize, pacing: Option<Pacing>, rep: usize) {
    tokio::time::sleep(Duration::from_secs(1)).await;
    let counts = Arc::new(Counts::default());
    let c = client(url, in_flight, pacing, &counts);
    let t = Instant::now();
    let listed = c.list_all(Index::new()).await.map(|r| r.len());
    let secs = t.elapsed().as_secs_f64();
    let (requests, throttled) = counts.get();
    let listed = match listed {
        Ok(n) => n.to_string(),
        Err(e) => format!("failed:{}", e.to_string().replace(' ', "_")),
    };
    println!(
        "{key} in_flight={in_flight} rep={rep} secs={secs:.3} ratio={:.3} requests={requests} \
         throttled={throttled} listed={listed}",
        secs / floor()
    );
}

/// The paced client (default settings) against an unpaced one that lists over and over.
async fn shared(url: &str, in_flight: usize) {
    tokio::time::sleep(Duration::from_secs(1)).await;
    let greedy_counts = Arc::new(Counts::default());
    let greedy = client(url, 10, None, &greedy_counts);
    let stop = Arc::new(AtomicBool::new(false));
    let greedy_records = Arc::new(AtomicU64::new(0));
    let task = {
        let (stop, records) = (stop.clone(), greedy_records.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if let Ok(r) = greedy.list_all(Index::new()).await {
                    records.fetch_add(r.len() as u64, Ordering::Relaxed);
                }
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let counts = Arc::new(Counts::default());
    let paced = client(url, in_flight, Some(Pacing::default()), &counts);
    let t = Instant::now();
    let listed = paced.list_all(Index::new()).await.map(|r| r.len());
    let secs = t.elapsed().as_secs_f64();
    let (requests, throttled) = counts.get();
    let (g_requests, g_throttled) = greedy_counts.get();
    stop.store(true, Ordering::Relaxed);
    task.abort();
    let _ = task.await;
    let (finished, error) = match listed {
        Ok(n) => (n == SEEDED, String::new()),
        Err(e) => (false, e.to_string().replace(' ', "_")),
    };
    println!(
        "SHARED in_flight={in_flight} finished={finished} secs={secs:.3} ratio={:.3} \
         requests={requests} throttled={throttled} pace_at_end={:.2} other_requests={g_requests} \
         other_throttled={g_throttled} other_records={} error={error}",
        secs / floor(),
        paced.pace().unwrap_or(0.0),
        greedy_records.load(Ordering::Relaxed),
    );
}

fn main() {
    // The mock's own limit: Coupa's, as `coupa mock` has it by default.
    let mock = MockProcess::start("limits", SEEDED, &[]);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let limit = Pacing::default();
    println!(
        "LIMIT per_second={} burst={} records={SEEDED} page={PAGE} requests={} floor_s={:.3} url={}",
        limit.per_second,
        limit.burst,
        1 + SEEDED / PAGE + 1,
        floor(),
        mock.url
    );
    rt.block_on(async {
        for rep in 0..REPS {
            for w in [1, 10] {
                listing("PACED", &mock.url, w, Some(Pacing::default()), rep).await;
            }
        }
        for w in [1, 10] {
            listing("UNPACED", &mock.url, w, None, 0).await;
        }
        for w in [1, 10] {
            shared(&mock.url, w).await;
        }
    });
}
