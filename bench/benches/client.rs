//! The client (`coupa-runtime` feature `client`) listing every integration run of an in-memory
//! Coupa (`coupa-mock`) on loopback, seeded with 5,000 runs of `coupa_bench::data`, throttling
//! off: `client.list_all(Index::new())` pages through them 50 at a time, with 1 and with 10
//! pages in flight. Server and client share one two-worker Tokio runtime in this process.
//!
//! Run: `cargo bench -p coupa-bench --features client --bench client`.

use std::sync::LazyLock;

use coupa_api::integration_runs::Index;
use coupa_mock::{MockConfig, MockServer};
use coupa_runtime::client::{Client, Config, OAuth};
use coupa_runtime::endpoint::Paginated;
use divan::Bencher;
use divan::counter::ItemsCount;

/// The runs the mock is seeded with.
const SEEDED: usize = 5_000;

struct Setup {
    rt: tokio::runtime::Runtime,
    url: String,
    // Kept alive for the benches; dropping it stops the server.
    _server: MockServer,
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let server = rt.block_on(async {
        let config = MockConfig {
            rate_limit: None,
            seed: Some(serde_json::json!({
                "integration-runs": coupa_bench::data::runs(SEEDED)
            })),
            ..MockConfig::default()
        };
        MockServer::start(config).await.expect("the mock starts")
    });
    Setup {
        url: server.core_url(),
        rt,
        _server: server,
    }
});

fn client(concurrency: usize) -> Client {
    let mut config = Config::new(SETUP.url.clone());
    config.oauth = Some(OAuth {
        client_id: "mock-client".into(),
        client_secret: "mock-secret".into(),
        scopes: vec!["core.integration.read".into()],
    });
    config.concurrency = concurrency;
    Client::new(config).expect("a client")
}

fn main() {
    let c = client(1);
    let n = SETUP
        .rt
        .block_on(c.list_all(Index::new()))
        .expect("lists")
        .len();
    println!("SEEDED runs={SEEDED} listed={n} url={}", SETUP.url);
    assert_eq!(n, SEEDED, "the mock lists every seeded run");
    divan::main();
}

#[divan::bench(args = [1, 10], sample_count = 10, sample_size = 1)]
fn list_all(bencher: Bencher, concurrency: usize) {
    let c = client(concurrency);
    // The token is fetched once, outside the measurement.
    SETUP
        .rt
        .block_on(c.send(&Index::new().page(0, 1)))
        .expect("a token and one page");
    bencher.counter(ItemsCount::new(SEEDED)).bench_local(|| {
        let runs = SETUP.rt.block_on(c.list_all(Index::new())).expect("lists");
        assert_eq!(runs.len(), SEEDED);
        runs
    });
}
