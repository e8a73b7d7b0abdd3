//! The client (`coupa-runtime` feature `client`) against its floor, side by side in one run:
//! listing 5,000 integration runs (100 pages of 50) from a release build of `coupa mock` on
//! loopback, at 1 and at 10 pages in flight.
//!
//! - `list_all/client/N`: `Client::list_all(Index::new())` with `concurrency = N` (the token
//!   fetched once before the measurement, then cached by the client);
//! - `list_all/hand_loop/N`: what a person writes by hand: reqwest and `serde_json::from_slice`
//!   into the same generated structs (`Vec<IntegrationRun>`), a fixed token, the same pages
//!   (`offset` in steps of 50 until a short page, at most N in flight, in order).
//!
//! Before divan's table, `PAIRED` lines time the client and the loop one after the other, 30
//! pairs alternating which goes first, and give the median of the per-pair ratios (steadier on a
//! shared machine than two separate medians); `SHARE` lines say how much of each workload's wall time the mock
//! process spent on the CPU (its user + system time from `/proc/PID/stat`, over 10 listings),
//! and the bench process's own CPU time likewise.
//!
//! `COUPA_BENCH_WRITE_SEED=FILE` writes the seed and stops, to run the same mock under a
//! profiler (`valgrind --tool=callgrind target/release/coupa mock --seed FILE ...`).
//!
//! Run: `cargo build --release -p coupa-cli && cargo bench -p coupa-bench --features client
//! --bench client` (`cargo xtask bench` does both). `COUPA_BIN` names another `coupa` binary.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use coupa_api::integration_runs::{Index, IntegrationRun};
use coupa_bench::mock::MockProcess;
use coupa_runtime::client::{Client, Config, OAuth};
use divan::Bencher;
use divan::counter::ItemsCount;
use futures_util::StreamExt;
use futures_util::stream::FuturesOrdered;

/// The runs the mock is seeded with.
const SEEDED: usize = 5_000;
/// Records per page.
const PAGE: usize = 50;

struct Setup {
    rt: tokio::runtime::Runtime,
    url: String,
    token: String,
    mock: MockProcess,
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    // Seeded with the runs, without the rate limit.
    let mock = MockProcess::start("client", SEEDED, &["--no-rate-limit"]);
    let url = mock.url.clone();
    let token = rt.block_on(fixed_token(&url));
    Setup {
        rt,
        url,
        token,
        mock,
    }
});

/// One token for the hand-written loop, fetched once.
async fn fixed_token(url: &str) -> String {
    let form = [
        ("client_id", "mock-client"),
        ("client_secret", "mock-secret"),
        ("grant_type", "client_credentials"),
        ("scope", "core.integration.read"),
    ];
    let bytes = reqwest::Client::new()
        .post(format!("{url}/oauth2/token"))
        .form(&form)
        .send()
        .await
        .expect("the token endpoint answers")
        .bytes()
        .await
        .expect("a token");
    let body: serde_json::Value = serde_json::from_slice(&bytes).expect("a token in JSON");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

fn client(concurrency: usize) -> Client {
    let mut config = Config::new(SETUP.url.clone());
    config.oauth = Some(OAuth {
        client_id: "mock-client".into(),
        client_secret: "mock-secret".into(),
        scopes: vec!["core.integration.read".into()],
    });
    config.concurrency = concurrency;
    // The mock has no rate limit here, and the loop no pacing: the client's own cost is measured
    // (`benches/limits.rs` measures it under the limit).
    config.pacing = None;
    Client::new(config).expect("a client")
}

/// The floor: the same pages by hand, `window` in flight, in order, until a short page.
async fn hand_loop(http: &reqwest::Client, window: usize) -> Vec<IntegrationRun> {
    let page = |offset: usize| {
        let req = http
            .get(format!(
                "{}/api/integration_runs?offset={offset}&limit={PAGE}",
                SETUP.url
            ))
            .bearer_auth(&SETUP.token)
            .header("Accept", "application/json");
        async move {
            let bytes = req
                .send()
                .await
                .expect("an answer")
                .bytes()
                .await
                .expect("a body");
            serde_json::from_slice::<Vec<IntegrationRun>>(&bytes).expect("runs")
        }
    };
    let mut out = Vec::new();
    let mut in_flight = FuturesOrdered::new();
    let mut next = 0;
    let mut more = true;
    loop {
        while more && in_flight.len() < window {
            in_flight.push_back(page(next));
            next += PAGE;
        }
        let Some(runs) = in_flight.next().await else {
            break;
        };
        if runs.len() < PAGE {
            more = false;
            in_flight = FuturesOrdered::new();
        }
        out.extend(runs);
    }
    out
}

/// User + system CPU time of a process, from `/proc/PID/stat` (clock ticks of 10 ms).
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<u64>().ok()))
        .sum();
    Duration::from_millis(ticks * 10)
}

/// Runs a workload `n` times and prints the mock's and the bench's CPU time against the wall
/// time.
fn share(name: &str, n: u32, mut work: impl FnMut()) {
    let mock = SETUP.mock.child.id();
    let me = std::process::id();
    let (m0, b0, t0) = (cpu_time(mock), cpu_time(me), Instant::now());
    for _ in 0..n {
        work();
    }
    let wall = t0.elapsed();
    let (m, b) = (cpu_time(mock) - m0, cpu_time(me) - b0);
    println!(
        "SHARE workload={name} listings={n} wall_ms={:.1} mock_cpu_ms={:.0} bench_cpu_ms={:.0} mock_share={:.3}",
        wall.as_secs_f64() * 1e3,
        m.as_secs_f64() * 1e3,
        b.as_secs_f64() * 1e3,
        m.as_secs_f64() / wall.as_secs_f64()
    );
}

/// Client and loop one after the other, `pairs` times, alternating which goes first: the medians
/// of each and of the per-pair ratios. A machine shared with other work slows both of a pair
/// alike, so the ratio of a pair is steadier than the ratio of two separate medians.
fn paired(window: usize, pairs: usize, http: &reqwest::Client) {
    let c = client(window);
    let time_client = || {
        let t = Instant::now();
        let n = SETUP
            .rt
            .block_on(c.list_all(Index::new()))
            .expect("lists")
            .len();
        assert_eq!(n, SEEDED);
        t.elapsed().as_secs_f64()
    };
    let time_loop = || {
        let t = Instant::now();
        assert_eq!(SETUP.rt.block_on(hand_loop(http, window)).len(), SEEDED);
        t.elapsed().as_secs_f64()
    };
    time_client();
    time_loop();
    let (mut tc, mut tl, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..pairs {
        let (a, b) = if i % 2 == 0 {
            let a = time_client();
            (a, time_loop())
        } else {
            let b = time_loop();
            (time_client(), b)
        };
        tc.push(a);
        tl.push(b);
        ratios.push(a / b);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "PAIRED in_flight={window} pairs={pairs} client_ms={:.2} loop_ms={:.2} ratio={:.3}",
        median(&mut tc) * 1e3,
        median(&mut tl) * 1e3,
        median(&mut ratios)
    );
}

fn main() {
    // For profiling the mock by hand: write the seed and stop.
    if let Ok(path) = std::env::var("COUPA_BENCH_WRITE_SEED") {
        let runs = serde_json::json!({ "integration-runs": coupa_bench::data::runs(SEEDED) });
        std::fs::write(path, runs.to_string()).expect("the seed is written");
        return;
    }
    // For profiling the client by hand (callgrind): 5 listings of one workload, nothing else.
    if let Ok(which) = std::env::var("COUPA_BENCH_PROFILE") {
        let http = reqwest::Client::new();
        let c = client(1);
        for _ in 0..5 {
            match which.as_str() {
                "client" => drop(SETUP.rt.block_on(c.list_all(Index::new()))),
                _ => drop(SETUP.rt.block_on(hand_loop(&http, 1))),
            }
        }
        SETUP.mock.stop();
        return;
    }
    let c = client(1);
    let n = SETUP
        .rt
        .block_on(c.list_all(Index::new()))
        .expect("lists")
        .len();
    let http = reqwest::Client::new();
    let by_hand = SETUP.rt.block_on(hand_loop(&http, 10)).len();
    println!(
        "SEEDED runs={SEEDED} listed={n} by_hand={by_hand} url={}",
        SETUP.url
    );
    assert_eq!(
        (n, by_hand),
        (SEEDED, SEEDED),
        "the mock lists every seeded run"
    );
    for w in [1, 10] {
        paired(w, 30, &http);
    }
    for w in [1, 10] {
        let c = client(w);
        share(&format!("client/{w}"), 10, || {
            SETUP.rt.block_on(c.list_all(Index::new())).expect("lists");
        });
        share(&format!("hand_loop/{w}"), 10, || {
            SETUP.rt.block_on(hand_loop(&http, w));
        });
    }
    divan::main();
    // The mock is a child process: stop it (by its id) and remove the seed.
    SETUP.mock.stop();
}

mod list_all {
    use super::*;

    #[divan::bench(args = [1, 10], sample_count = 20, sample_size = 1)]
    fn client(bencher: Bencher, concurrency: usize) {
        let c = super::client(concurrency);
        // The token is fetched once, outside the measurement.
        SETUP
            .rt
            .block_on(c.send(&coupa_runtime::endpoint::Paginated::page(
                &Index::new(),
                0,
                1,
            )))
            .expect("a token and one page");
        bencher.counter(ItemsCount::new(SEEDED)).bench_local(|| {
            let runs = SETUP.rt.block_on(c.list_all(Index::new())).expect("lists");
            assert_eq!(runs.len(), SEEDED);
            runs
        });
    }

    #[divan::bench(args = [1, 10], sample_count = 20, sample_size = 1)]
    fn hand_loop(bencher: Bencher, concurrency: usize) {
        let http = reqwest::Client::new();
        bencher.counter(ItemsCount::new(SEEDED)).bench_local(|| {
            let runs = SETUP.rt.block_on(super::hand_loop(&http, concurrency));
            assert_eq!(runs.len(), SEEDED);
            runs
        });
    }
}
