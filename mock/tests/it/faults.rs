//! The client (`coupa-runtime`'s, feature `client`) against the mock's injected faults on
//! loopback, seeded: listings that lose nothing and repeat nothing, a POST that is not sent twice,
//! a 429 storm that ends in a clear error, a failed page that is named, and records created
//! during a listing.

use std::collections::BTreeSet;
use std::time::Duration;

use coupa_api::integration_runs::{self as runs, Index, IntegrationRun};
use coupa_api::integrations::Integration;
use coupa_mock::{FaultKind, Faults, MockConfig, MockServer, Storm};
use coupa_runtime::client::{Client, ClientError, Config, OAuth, Stop};
use futures_util::StreamExt;
use serde_json::{Value, json};

fn seeded_runs(n: usize) -> Value {
    let runs: Vec<Value> = (0..n)
        .map(|i| json!({"integration": {"code": format!("INT-{i}")}, "status": "running"}))
        .collect();
    json!({ "integration-runs": runs })
}

async fn mock(records: usize, faults: Faults) -> MockServer {
    MockServer::start(MockConfig {
        seed: Some(seeded_runs(records)),
        faults: Some(faults),
        ..MockConfig::unlimited()
    })
    .await
    .expect("the mock starts")
}

/// A client for the mock: no pacing (the mock has no limit), short waits between retries
/// (`Retry-After: 1` capped at 50 ms).
fn config(mock: &MockServer) -> Config {
    let mut c = Config::new(mock.core_url());
    c.oauth = Some(OAuth {
        client_id: "mock-client".into(),
        client_secret: "mock-secret".into(),
        scopes: vec![
            "core.integration.read".into(),
            "core.integration.write".into(),
        ],
    });
    c.pacing = None;
    c.backoff = Duration::from_millis(5);
    c.max_backoff = Duration::from_millis(50);
    c
}

fn ids(runs: &[IntegrationRun]) -> Vec<i64> {
    runs.iter().map(|r| r.id.expect("an id")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_at_ten_percent_faults_returns_exactly_the_seeded_records() {
    let faults = Faults {
        latency: Duration::from_millis(20),
        ..Faults::share(0.1, 2024)
    };
    let mock = mock(3000, faults).await;
    let seeded: Vec<i64> = (1..=3000).collect();
    for concurrency in [1, 4] {
        let mut c = config(&mock);
        c.concurrency = concurrency;
        let client = Client::new(c).expect("a client");
        // A listing is Send: it runs in a task of its own (one after the other, so that the
        // faults each listing meets are the seed's, whatever the timing).
        let listed = tokio::spawn(async move { client.list_all(Index::new()).await })
            .await
            .expect("the task runs")
            .unwrap_or_else(|e| panic!("{concurrency} in flight: {e}"));
        assert_eq!(ids(&listed), seeded, "{concurrency} in flight");
    }
    let log = mock.state().faults_injected();
    // About a tenth of some 130 requests, of several kinds.
    assert!(log.total() >= 6, "{log:?}");
    assert!(log.by_kind.len() >= 3, "{log:?}");
    assert_eq!(mock.records("integration-runs").len(), 3000);
    mock.shutdown().await.expect("the mock stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_answered_by_a_dropped_connection_is_not_resent_and_is_reported() {
    for kind in [FaultKind::CloseBefore, FaultKind::CloseMidway] {
        // Every request under /api/ is acted on, then its connection dropped; the token request
        // is spared.
        let mock = mock(
            0,
            Faults {
                kinds: vec![kind],
                prefix: Some("/api/".into()),
                ..Faults::share(1.0, 1)
            },
        )
        .await;
        let client = Client::new(config(&mock)).expect("a client");
        let run = IntegrationRun {
            integration: Some(Box::new(Integration {
                code: Some("X".into()),
                ..Default::default()
            })),
            ..Default::default()
        };
        let e = client
            .send(&runs::Create::new(run))
            .await
            .expect_err("no answer came");
        let g = e.gave_up().unwrap_or_else(|| panic!("{kind}: {e:?}"));
        assert_eq!((g.stop, g.attempts), (Stop::MayHaveActed, 1), "{kind}");
        assert_eq!(g.method, http::Method::POST);
        assert!(g.url.ends_with("/api/integration_runs"), "{}", g.url);
        assert!(g.last.is_transport(), "{kind}: {:?}", g.last);
        let said = e.to_string();
        assert!(
            said.contains("POST") && said.contains("not again") && said.contains("may have acted"),
            "{said}"
        );
        // The mock acted once, and saw the token request and one POST: nothing was resent.
        assert_eq!(mock.records("integration-runs").len(), 1, "{kind}");
        let log = mock.state().faults_injected();
        assert_eq!(
            (log.requests, log.by_kind[&kind]),
            (2, 1),
            "{kind}: {log:?}"
        );
        mock.shutdown().await.expect("the mock stops");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotent_requests_are_retried_until_the_bound() {
    let mock = mock(
        1,
        Faults {
            kinds: vec![FaultKind::Status503],
            prefix: Some("/api/".into()),
            ..Faults::share(1.0, 1)
        },
    )
    .await;
    let client = Client::new(config(&mock)).expect("a client");
    let e = client
        .send(&runs::Show::new(1))
        .await
        .expect_err("every answer is 503");
    let g = e.gave_up().expect("given up");
    assert_eq!((g.stop, g.attempts), (Stop::Exhausted, 4));
    assert_eq!(e.status(), Some(503));
    assert!(e.to_string().contains("after 4 attempts"), "{e}");
    // The token request and four GETs.
    assert_eq!(mock.state().faults_injected().requests, 5);
    mock.shutdown().await.expect("the mock stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_ends_in_a_clear_error_after_the_bounded_attempts() {
    // The token request goes through, then everything is 429 (Retry-After: 1, which the client
    // caps at its max_backoff, 50 ms).
    let storm = Storm {
        after: 1,
        length: None,
        retry_after: 1,
    };
    let mock = mock(
        10,
        Faults {
            storm: Some(storm),
            ..Faults::default()
        },
    )
    .await;
    let mut c = config(&mock);
    c.pacing = Some(Default::default());
    let client = Client::new(c).expect("a client");
    let e = client
        .list_all(Index::new())
        .await
        .expect_err("the storm never ends");
    assert!(e.is_rate_limited(), "{e:?}");
    let g = e.gave_up().expect("given up");
    assert_eq!((g.stop, g.attempts), (Stop::Exhausted, 4));
    assert!(matches!(e, ClientError::Page { offset: 0, .. }), "{e:?}");
    let said = e.to_string();
    assert!(
        said.contains("page 1") && said.contains("still rate limited (429) after 4 attempts"),
        "{said}"
    );
    assert_eq!(mock.state().faults_injected().storm, 4);
    // The client slowed down (once: the 429s came within a second).
    assert_eq!(client.pace(), Some(12.5));
    mock.shutdown().await.expect("the mock stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_given_up_on_ends_the_listing_with_an_error_naming_it() {
    let mock = mock(
        200,
        Faults {
            kinds: vec![FaultKind::Status502],
            prefix: Some("/api/integration_runs?offset=100&".into()),
            ..Faults::share(1.0, 1)
        },
    )
    .await;
    let client = Client::new(config(&mock)).expect("a client");
    let items: Vec<Result<IntegrationRun, ClientError>> = client.list(Index::new()).collect().await;
    let (last, records) = items.split_last().expect("items");
    let got: Vec<i64> = records
        .iter()
        .map(|r| r.as_ref().expect("a record").id.expect("an id"))
        .collect();
    // The two pages before it, whole, then the error: no gap, nothing after it.
    assert_eq!(got, (1..=100).collect::<Vec<_>>());
    let e = last.as_ref().expect_err("the third page fails");
    assert!(
        matches!(
            e,
            ClientError::Page {
                offset: 100,
                limit: 50,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.status(), Some(502));
    assert!(
        e.to_string()
            .starts_with("page 3 of the listing (offset 100, limit 50): gave up"),
        "{e}"
    );
    mock.shutdown().await.expect("the mock stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_created_during_a_listing_never_repeat_or_hide_the_others() {
    // Faults too: retried pages must not shift anything either.
    let mock = mock(1000, Faults::share(0.1, 99)).await;
    let state = mock.state().clone();
    let client = Client::new(config(&mock)).expect("a client");
    let mut pages = std::pin::pin!(client.pages(|offset, limit| {
        let request = coupa_runtime::endpoint::Paginated::page(&Index::new(), offset, limit);
        let client = &client;
        async move { client.send(&request).await }
    }));
    let mut seen = Vec::new();
    let mut created = 0;
    while let Some(page) = pages.next().await {
        seen.extend(ids(&page.expect("a page")));
        // Between two pages, another program creates 7 records.
        let more: Vec<Value> = (0..7)
            .map(|i| json!({"integration": {"code": format!("NEW-{created}-{i}")}}))
            .collect();
        created += state
            .seed(&json!({ "integration-runs": more }))
            .expect("created");
    }
    let unique: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no record twice");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "in id order");
    // Every record of the start exactly once; new ones (ids above 1000) at most once.
    let old: Vec<i64> = seen.iter().copied().filter(|id| *id <= 1000).collect();
    assert_eq!(old, (1..=1000).collect::<Vec<_>>());
    let new = seen.len() - 1000;
    assert!(new > 0 && new <= created, "{new} of {created} created");
    mock.shutdown().await.expect("the mock stops");
}

/// What a cut connection sends, byte by byte: nothing before the close, or the head and half
/// the body (with the whole body's Content-Length) in the middle.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_connections_send_nothing_or_half_an_answer() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    for kind in [FaultKind::CloseBefore, FaultKind::CloseMidway] {
        let faults = Faults {
            kinds: vec![kind],
            prefix: Some("/api/".into()),
            ..Faults::share(1.0, 1)
        };
        let mock = mock(3, faults).await;
        let token = mock
            .state()
            .issue_token(&["core.integration.read"])
            .expect("a token");
        let mut s = tokio::net::TcpStream::connect(mock.addr())
            .await
            .expect("connects");
        let req = format!(
            "GET /api/integration_runs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n"
        );
        s.write_all(req.as_bytes()).await.expect("sent");
        let mut got = Vec::new();
        s.read_to_end(&mut got).await.expect("read to the close");
        let text = String::from_utf8_lossy(&got);
        if kind == FaultKind::CloseBefore {
            assert_eq!(text, "", "{kind}");
            continue;
        }
        let (head, body) = text.split_once("\r\n\r\n").expect("a head");
        assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .and_then(|v| v.parse().ok())
            .expect("a content-length");
        assert_eq!(body.len(), length / 2, "{kind}: {text}");
    }
}
