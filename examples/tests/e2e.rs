//! End to end over real HTTP on loopback: the client (coupa-runtime, feature `client`) against the
//! in-memory Coupa (coupa-mock), with the typed requests of every route of the five resources the
//! schemas transcribed by hand before the R39 import (and a comment's attachments), in JSON and
//! in XML. Every route of the registry is sent through the mock by coupa-mock's `routes` suite.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use coupa_api::attachments;
use coupa_api::comments::{self, Comment};
use coupa_api::delegations;
use coupa_api::event_bulk_request::EventBulkRequest;
use coupa_api::events::{self, Event, EventState};
use coupa_api::integration_errors::{
    self as errors, IntegrationError, IntegrationErrorContactAlertType,
};
use coupa_api::integration_runs::{
    self as runs, IntegrationRun, IntegrationRunQuery, IntegrationRunStatus,
};
use coupa_api::integrations::Integration;
use coupa_mock::{MockConfig, MockServer, RateLimit};
use coupa_runtime::client::{Client, ClientError, Config, OAuth};
use coupa_runtime::query::TextFilter;
use coupa_runtime::{Endpoint, Format, Upload};
use serde_json::json;

#[allow(dead_code)]
#[path = "../integration_run_workflow.rs"]
mod workflow;

/// The resources of the five pages the schemas transcribed by hand before the R39 import.
const SEED_RESOURCES: &[&str] = &[
    "integration-runs",
    "integration-errors",
    "events",
    "delegations",
    "comments",
];

const ALL_SCOPES: &[&str] = &[
    "core.integration.read",
    "core.integration.write",
    "core.comment.read",
    "core.comment.write",
    "core.user.read",
];

fn config(mock: &MockServer, format: Format, scopes: &[&str]) -> Config {
    let mut c = Config::new(mock.core_url());
    c.cso_url = Some(mock.cso_url());
    c.format = format;
    c.oauth = Some(OAuth {
        client_id: "mock-client".into(),
        client_secret: "mock-secret".into(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
    });
    c.cso_api_key = Some("mock-cso-key".into());
    c.backoff = Duration::from_millis(20);
    // The mocks here have no rate limit (or a tiny one, to be run into): no pacing.
    c.pacing = None;
    c
}

fn client(mock: &MockServer, format: Format) -> Client {
    Client::new(config(mock, format, ALL_SCOPES)).expect("a client")
}

/// Sends an endpoint and records which route it was, so the test can prove it covered them all.
struct Tracker {
    client: Client,
    seen: Mutex<BTreeSet<(String, String)>>,
}

impl Tracker {
    async fn send<E: Endpoint>(&self, e: &E) -> E::Response {
        self.seen
            .lock()
            .unwrap()
            .insert((E::ROUTE.resource.to_owned(), E::ROUTE.name.to_owned()));
        match self.client.send(e).await {
            Ok(r) => r,
            Err(err) => panic!("{} {} failed: {err}", E::ROUTE.resource, E::ROUTE.name),
        }
    }
}

fn seed() -> serde_json::Value {
    json!({
        "delegations": [{
            "id": 1, "reason": "Holiday", "approval-delegate": true,
            "start-date": "2021-03-17T00:00:00-07:00", "end-date": "2021-03-21T00:00:00-07:00",
            "delegator": {"id": 272, "login": "pradeep"}, "delegate": {"id": 273, "login": "dhana"},
            "delegator-id": 272, "delegate-id": 273
        }],
        "comments": [{
            "id": 500, "commentable-type": "InvoiceHeader", "commentable-id": 123456, "comments": "See the attachments"
        }, {
            // Seen under easy form response 9 (the route binds no element to it: the mock keeps
            // the link beside the record).
            "id": 501, "comments": "On the form", "@parent": {"easy-form-responses": 9}
        }],
        "easy-form-responses": [{"id": 9}],
        "attachments": [{"id": 2, "type": "url", "url": "https://example.com/terms", "@parent": {"comments": 500}}]
    })
}

async fn every_route(format: Format) {
    let mut cfg = MockConfig::unlimited();
    cfg.seed = Some(seed());
    let mock = MockServer::start(cfg).await.expect("the mock starts");
    let t = Tracker {
        client: client(&mock, format),
        seen: Mutex::new(BTreeSet::new()),
    };

    // Integration runs: create, then every status action, show, index, update, patch.
    let run = t
        .send(&runs::Create::new(IntegrationRun {
            integration: Some(Box::new(Integration {
                code: Some("INT-1".into()),
                ..Default::default()
            })),
            ..Default::default()
        }))
        .await;
    assert_eq!(run.status, Some(IntegrationRunStatus::Pending));
    let id = run.id.expect("an id");
    let steps: [(&str, IntegrationRunStatus); 5] = [
        ("run", IntegrationRunStatus::Running),
        ("pause", IntegrationRunStatus::Paused),
        ("pending", IntegrationRunStatus::Pending),
        ("fail", IntegrationRunStatus::Failed),
        ("success", IntegrationRunStatus::Successful),
    ];
    for (action, want) in steps {
        let got = match action {
            "run" => {
                t.send(&runs::Run::new(id).with_body(IntegrationRun {
                    total_records: Some(10),
                    ..Default::default()
                }))
                .await
            }
            "pause" => t.send(&runs::Pause::new(id)).await,
            "pending" => t.send(&runs::Pending::new(id)).await,
            "fail" => t.send(&runs::Fail::new(id)).await,
            _ => t.send(&runs::Success::new(id)).await,
        };
        assert_eq!(got.status, Some(want), "{action}");
    }
    assert_eq!(t.send(&runs::Show::new(id)).await.total_records, Some(10));
    // The member actions the import adds (the Swagger's; no page says what they do): the mock
    // answers the run.
    assert_eq!(t.send(&runs::Finish::new(id)).await.id, Some(id));
    assert_eq!(t.send(&runs::MaxUpdatedAt::new(id)).await.id, Some(id));
    let patched = t
        .send(&runs::Patch::new(id).with_body(IntegrationRun {
            records_processed: Some(7),
            ..Default::default()
        }))
        .await;
    assert_eq!(patched.records_processed, Some(7));
    let updated = t
        .send(&runs::Update::new(id).with_body(IntegrationRun {
            records_processed: Some(10),
            ..Default::default()
        }))
        .await;
    assert_eq!(updated.records_processed, Some(10));
    assert_eq!(t.send(&runs::Index::new()).await.len(), 1);

    // Integration errors.
    let err = t
        .send(&errors::Create::new(IntegrationError {
            contact_alert_type: Some(IntegrationErrorContactAlertType::Functional),
            integration_run_id: Some(id),
            status: Some("Error".into()),
            ..Default::default()
        }))
        .await;
    let eid = err.id.expect("an id");
    let alert = t
        .send(&errors::CreateAlert::new(IntegrationError {
            contact_alert_type: Some(IntegrationErrorContactAlertType::Both),
            integration_run_id: Some(id),
            ..Default::default()
        }))
        .await;
    assert!(alert.id.is_some());
    assert_eq!(
        t.send(&errors::Resolve::new(eid)).await.resolved,
        Some(true)
    );
    assert_eq!(
        t.send(&errors::Unresolve::new(eid)).await.resolved,
        Some(false)
    );
    assert_eq!(
        t.send(&errors::Show::new(eid)).await.status.as_deref(),
        Some("Error")
    );
    let p = t
        .send(&errors::Patch::new(eid).with_body(IntegrationError {
            external_id: Some("EXT-1".into()),
            ..Default::default()
        }))
        .await;
    assert_eq!(p.external_id.as_deref(), Some("EXT-1"));
    let u = t
        .send(&errors::Update::new(eid).with_body(IntegrationError {
            document_id: Some(9),
            ..Default::default()
        }))
        .await;
    assert_eq!(u.document_id, Some(9));
    assert_eq!(t.send(&errors::Query::new()).await.len(), 2);

    // CSO events: bulk create, list envelope, show, bulk update, update one, delete one, bulk delete.
    let ev = |name: &str| Event {
        market_id: Some("9220538753220565329".into()),
        name: Some(name.into()),
        ..Default::default()
    };
    let created = t
        .send(&events::Create::new(EventBulkRequest {
            events: Some(vec![ev("A"), ev("B"), ev("C")]),
        }))
        .await;
    assert_eq!(created.added, Some(3));
    let ids: Vec<String> = created
        .events
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| e.id)
        .collect();
    assert_eq!(ids.len(), 3);
    let list = t.send(&events::Index::new()).await;
    assert_eq!(list.total, Some(3));
    assert_eq!(
        t.send(&events::Show::new(ids[0].clone()))
            .await
            .name
            .as_deref(),
        Some("A")
    );
    let upd = t
        .send(&events::Update::new(EventBulkRequest {
            events: Some(vec![Event {
                id: Some(ids[0].clone()),
                state: Some(EventState::Active),
                ..Default::default()
            }]),
        }))
        .await;
    assert_eq!(upd.updated, Some(1));
    let one = t
        .send(&events::UpdateOne::new(
            ids[1].clone(),
            Event {
                name: Some("B2".into()),
                ..Default::default()
            },
        ))
        .await;
    assert_eq!(one.updated, Some(1));
    assert_eq!(
        t.send(&events::DeleteOne::new(ids[1].clone()))
            .await
            .deleted,
        Some(1)
    );
    let del = t
        .send(&events::Delete::new(EventBulkRequest {
            events: Some(vec![Event {
                id: Some(ids[2].clone()),
                ..Default::default()
            }]),
        }))
        .await;
    assert_eq!(del.deleted, Some(1));
    assert_eq!(t.send(&events::Index::new()).await.total, Some(1));

    // Delegations (seeded).
    let d = t.send(&delegations::Show::new()).await;
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].delegate.as_ref().and_then(|u| u.login.as_deref()),
        Some("dhana")
    );

    // Comments: each parent's create, index and show, the general create, attachments.
    let body = || Comment {
        comments: Some("Please check the amount".into()),
        ..Default::default()
    };
    let c1 = t.send(&comments::CreateForInvoice::new(1, body())).await;
    assert_eq!(c1.commentable_type.as_deref(), Some("InvoiceHeader"));
    let c2 = t
        .send(&comments::CreateForExpenseReport::new(2, body()))
        .await;
    let c3 = t
        .send(&comments::CreateForPurchaseOrder::new(3, body()))
        .await;
    let c4 = t.send(&comments::CreateForUser::new(4, body())).await;
    let c5 = t
        .send(&comments::CreateForRequisition::new(5, body()))
        .await;
    assert_eq!(c5.commentable_type.as_deref(), Some("RequisitionHeader"));
    let general = t
        .send(&comments::Create::new(Comment {
            commentable_type: Some("InvoiceHeader".into()),
            commentable_id: Some(1),
            comments: Some("@[User:2] please look".into()),
            ..Default::default()
        }))
        .await;
    assert!(general.id.is_some());
    assert_eq!(t.send(&comments::IndexForInvoice::new(1)).await.len(), 2);
    assert_eq!(
        t.send(&comments::IndexForExpenseReport::new(2)).await.len(),
        1
    );
    assert_eq!(
        t.send(&comments::IndexForPurchaseOrder::new(3)).await.len(),
        1
    );
    assert_eq!(t.send(&comments::IndexForUser::new(4)).await.len(), 1);
    assert_eq!(
        t.send(&comments::IndexForRequisition::new(5)).await.len(),
        1
    );
    let cid = |c: &Comment| c.id.expect("an id");
    assert_eq!(
        t.send(&comments::ShowForInvoice::new(1, cid(&c1))).await.id,
        c1.id
    );
    assert_eq!(
        t.send(&comments::ShowForExpenseReport::new(2, cid(&c2)))
            .await
            .id,
        c2.id
    );
    assert_eq!(
        t.send(&comments::ShowForPurchaseOrder::new(3, cid(&c3)))
            .await
            .id,
        c3.id
    );
    assert_eq!(
        t.send(&comments::ShowForUser::new(4, cid(&c4))).await.id,
        c4.id
    );
    assert_eq!(
        t.send(&comments::ShowForRequisition::new(5, cid(&c5)))
            .await
            .id,
        c5.id
    );
    let c6 = t.send(&comments::CreateForContract::new(6, body())).await;
    assert_eq!(c6.commentable_type.as_deref(), Some("Contract"));
    assert_eq!(t.send(&comments::IndexForContract::new(6)).await.len(), 1);
    assert_eq!(
        t.send(&comments::ShowForContract::new(6, cid(&c6)))
            .await
            .id,
        c6.id
    );
    // The sourcing approvables' and easy form responses' routes bind nothing (no source names
    // the commentable type they stand for): the mock links a comment created through one to its
    // parent beside the record, and lists and reads under a parent only its comments.
    let c7 = t
        .send(&comments::CreateForQuoteAwardApprovable::new(7, body()))
        .await;
    let c8 = t
        .send(&comments::CreateForQuoteRequestApprovable::new(8, body()))
        .await;
    let has = |list: &[Comment], c: &Comment| list.iter().any(|x| x.id == c.id);
    let l = t
        .send(&comments::IndexForQuoteAwardApprovable::new(7))
        .await;
    assert!(has(&l, &c7));
    let l = t
        .send(&comments::IndexForQuoteRequestApprovable::new(8))
        .await;
    assert!(has(&l, &c8));
    assert!(!has(&l, &c7));
    let l = t.send(&comments::IndexForEasyFormResponse::new(9)).await;
    assert_eq!(
        l.iter().map(|c| c.id).collect::<Vec<_>>(),
        [Some(501)],
        "{l:?}"
    );
    assert_eq!(
        t.send(&comments::ShowForQuoteAwardApprovable::new(7, cid(&c7)))
            .await
            .id,
        c7.id
    );
    assert_eq!(
        t.send(&comments::ShowForQuoteRequestApprovable::new(8, cid(&c8)))
            .await
            .id,
        c8.id
    );
    let all_comments = t.send(&comments::Index::new()).await;
    assert!(has(&all_comments, &general) && has(&all_comments, &c1));
    assert_eq!(
        t.send(&comments::Show::new(cid(&general))).await.comments,
        general.comments
    );

    // A comment's attachments, through the Attachment routes the import gives them: a file
    // uploaded as a multipart form, listed, and downloaded byte for byte.
    let pdf = b"%PDF-1.7 invoice 123456".to_vec();
    let uploaded = t
        .send(&attachments::CreateForComment::new(
            500,
            Upload::new("invoice-123456.pdf", "application/pdf", pdf.clone()),
            "file".into(),
        ))
        .await;
    assert_eq!(
        uploaded.file_file_name.as_deref(),
        Some("invoice-123456.pdf")
    );
    let listed = t.send(&attachments::IndexForComment::new(500)).await;
    assert!(listed.iter().any(|a| a.id == uploaded.id), "{listed:?}");
    let file = t
        .send(&attachments::ShowForComment::new(
            500,
            uploaded.id.expect("an id"),
        ))
        .await;
    assert_eq!(file, pdf);
    // A URL attachment (seeded under comment 500) has no file: a clean, typed not-found, with
    // the message of Coupa's Comments API page.
    let e = t
        .client
        .send(&attachments::ShowForComment::new(500, 2))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404), "{e}");
    assert!(
        e.to_string()
            .contains("Attachment does not have a file attached"),
        "{e}"
    );

    // Every route of the five resources the schemas transcribed by hand before the R39 import,
    // and the comment attachment routes, was exercised here with the typed requests. (Every
    // route of the registry, all 800 and more, goes through the mock in both formats in
    // coupa-mock's `routes` suite.)
    let all: BTreeSet<(String, String)> = coupa_api::registry::RESOURCES
        .iter()
        .filter(|r| SEED_RESOURCES.contains(&r.name))
        .flat_map(|r| {
            r.routes
                .iter()
                .map(move |a| (r.name.to_owned(), a.name.to_owned()))
        })
        .chain(
            [
                "create-for-comment",
                "index-for-comment",
                "show-for-comment",
            ]
            .map(|a| ("attachments".to_owned(), a.to_owned())),
        )
        .collect();
    let seen = t.seen.lock().unwrap().clone();
    let missing: Vec<_> = all.difference(&seen).collect();
    assert!(missing.is_empty(), "routes not exercised: {missing:?}");
    mock.shutdown().await.expect("the mock stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_in_json() {
    every_route(Format::Json).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_in_xml() {
    every_route(Format::Xml).await;
}

fn runs_seed(n: usize) -> serde_json::Value {
    let statuses = ["pending", "running", "paused", "successful", "failed"];
    let runs: Vec<serde_json::Value> = (1..=n)
        .map(|i| {
            json!({
                "id": i,
                "status": statuses[i % statuses.len()],
                "integration": {"code": format!("INT-{}", i % 3)},
                "total-records": i,
                "created-at": "2024-01-01T00:00:00+00:00"
            })
        })
        .collect();
    json!({ "integration-runs": runs })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_through_more_than_50_records_with_filters_in_both_formats() {
    let mut cfg = MockConfig::unlimited();
    cfg.seed = Some(runs_seed(137));
    let mock = MockServer::start(cfg).await.unwrap();
    for format in [Format::Json, Format::Xml] {
        for concurrency in [1, 4] {
            let mut c = config(&mock, format, ALL_SCOPES);
            c.concurrency = concurrency;
            let client = Client::new(c).unwrap();
            let all = client.list_all(runs::Index::new()).await.unwrap();
            assert_eq!(all.len(), 137, "{format} x{concurrency}");
            let ids: Vec<i64> = all.iter().filter_map(|r| r.id).collect();
            assert_eq!(ids, (1..=137).collect::<Vec<i64>>(), "in order, each once");
            let running = client
                .list_all(
                    runs::Index::new().with_query(
                        IntegrationRunQuery::new()
                            .status(TextFilter::eq(IntegrationRunStatus::Running)),
                    ),
                )
                .await
                .unwrap();
            assert_eq!(running.len(), 28);
            assert!(
                running
                    .iter()
                    .all(|r| r.status == Some(IntegrationRunStatus::Running))
            );
            let int2 = client
                .list_all(
                    runs::Index::new().with_query(
                        IntegrationRunQuery::new().integration(
                            coupa_api::integrations::IntegrationQuery::new()
                                .code(TextFilter::eq("INT-2")),
                        ),
                    ),
                )
                .await
                .unwrap();
            assert_eq!(int2.len(), 46);
            // Nothing matches: [] in JSON, Coupa's 404 in XML; both read as an empty list.
            let none = client
                .send(
                    &runs::Index::new()
                        .with_query(IntegrationRunQuery::new().status(TextFilter::eq("archived"))),
                )
                .await
                .unwrap();
            assert!(none.is_empty());
        }
    }
    mock.shutdown().await.expect("the mock stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_that_expires_or_is_revoked_mid_run_is_renewed() {
    let mut cfg = MockConfig::unlimited();
    cfg.token_ttl = Duration::from_secs(1);
    let mock = MockServer::start(cfg).await.unwrap();
    let mut c = config(&mock, Format::Json, ALL_SCOPES);
    c.token_margin = Duration::ZERO;
    let client = Client::new(c).unwrap();
    assert!(client.send(&runs::Index::new()).await.unwrap().is_empty());
    // The token expires: the client renews it before using it again.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(client.send(&runs::Index::new()).await.is_ok());
    // The server forgets it while the client still trusts it: 401, one renewal, success.
    mock.state().revoke_tokens();
    assert!(client.send(&runs::Index::new()).await.is_ok());
    mock.shutdown().await.expect("the mock stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_failures_are_typed_errors() {
    let mut cfg = MockConfig::unlimited();
    cfg.body_limit = 4096;
    let mock = MockServer::start(cfg).await.unwrap();

    // 401: wrong credentials at the token endpoint.
    let mut bad = config(&mock, Format::Json, ALL_SCOPES);
    bad.oauth.as_mut().unwrap().client_secret = "not-the-secret-4711".into();
    let e = Client::new(bad)
        .unwrap()
        .send(&runs::Index::new())
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::Auth { status: 401, .. }), "{e:?}");
    assert!(
        !format!("{e:?}").contains("4711"),
        "the secret never prints: {e:?}"
    );

    // 401 on CSO: a wrong key.
    let mut bad_key = config(&mock, Format::Json, ALL_SCOPES);
    bad_key.cso_api_key = Some("not-the-key".into());
    let e = Client::new(bad_key)
        .unwrap()
        .send(&events::Index::new())
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(401));

    // 403: a read-only token on a write route.
    let reader = Client::new(config(&mock, Format::Json, &["core.integration.read"])).unwrap();
    assert!(reader.send(&runs::Index::new()).await.is_ok());
    let e = reader
        .send(&runs::Create::new(IntegrationRun {
            integration: Some(Box::new(Integration {
                code: Some("X".into()),
                ..Default::default()
            })),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(403), "{e}");

    // 404 with Coupa's error body.
    let client = client(&mock, Format::Json);
    let e = client.send(&runs::Show::new(999_999)).await.unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert!(e.coupa_errors().is_some(), "{e:?}");

    // 413: a body over the limit.
    let e = client
        .send(&comments::Create::new(Comment {
            commentable_type: Some("InvoiceHeader".into()),
            commentable_id: Some(1),
            comments: Some("x".repeat(10_000)),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(413), "{e}");
    assert!(
        mock.records("comments").is_empty(),
        "a rejected request changes nothing"
    );

    // 400: every violation comes back, per resource.
    let e = client
        .send(&errors::Create::new(IntegrationError {
            contact_alert_type: Some(IntegrationErrorContactAlertType::Unknown("Everyone".into())),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(400));
    let messages: Vec<&str> = e
        .coupa_errors()
        .expect("Coupa's error body")
        .messages()
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("integration-run")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("Everyone")),
        "{messages:?}"
    );
    mock.shutdown().await.expect("the mock stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_requests_are_retried_after_429() {
    let mut cfg = MockConfig::unlimited();
    cfg.rate_limit = Some(RateLimit {
        per_second: 10,
        burst: 2,
    });
    let mock = MockServer::start(cfg).await.unwrap();
    let mut c = config(&mock, Format::Json, ALL_SCOPES);
    c.max_retries = 20;
    let client = Client::new(c).unwrap();
    let started = Instant::now();
    for _ in 0..10 {
        client
            .send(&runs::Index::new())
            .await
            .expect("retried until the bucket refills");
    }
    // 10 requests (plus the token request) through a bucket of 2 refilled at 10 per second.
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "the client waited: {:?}",
        started.elapsed()
    );

    // Without retries the 429 surfaces as a typed error.
    let mut c = config(&mock, Format::Json, ALL_SCOPES);
    c.max_retries = 0;
    let impatient = Client::new(c).unwrap();
    let mut saw = false;
    for _ in 0..10 {
        if let Err(e) = impatient.send(&runs::Index::new()).await {
            assert!(
                e.is_rate_limited() && e.gave_up().is_some_and(|g| g.attempts == 1),
                "{e:?}"
            );
            saw = true;
            break;
        }
    }
    assert!(saw, "a burst past the limit is throttled");
    mock.shutdown().await.expect("the mock stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_clients_writing_at_once_lose_nothing() {
    let mock = MockServer::start(MockConfig::unlimited()).await.unwrap();
    let client = Arc::new(client(&mock, Format::Json));
    let mut tasks = Vec::new();
    for task in 0..16 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..10 {
                let run = client
                    .send(&runs::Create::new(IntegrationRun {
                        integration: Some(Box::new(Integration {
                            code: Some(format!("T{task}-{i}")),
                            ..Default::default()
                        })),
                        ..Default::default()
                    }))
                    .await
                    .unwrap();
                let id = run.id.unwrap();
                client.send(&runs::Run::new(id)).await.unwrap();
                client.send(&runs::Success::new(id)).await.unwrap();
                ids.push(id);
            }
            ids
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.extend(t.await.unwrap());
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 160, "every create got its own id");
    let all = client.list_all(runs::Index::new()).await.unwrap();
    assert_eq!(all.len(), 160);
    assert!(
        all.iter()
            .all(|r| r.status == Some(IntegrationRunStatus::Successful))
    );
    let codes: BTreeSet<String> = all
        .iter()
        .filter_map(|r| r.integration.as_ref()?.code.clone())
        .collect();
    assert_eq!(codes.len(), 160, "each record exactly once");
    mock.shutdown().await.expect("the mock stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_workflow_runs() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let client = workflow::client(&mock.core_url(), "mock-client", "mock-secret").unwrap();
    let outcome = workflow::workflow(&client).await.unwrap();
    assert_eq!(
        outcome.run_statuses,
        vec![
            IntegrationRunStatus::Pending,
            IntegrationRunStatus::Running,
            IntegrationRunStatus::Successful
        ]
    );
    assert!(outcome.error_resolved);
    let stored = mock.records("integration-errors");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["integration-run-id"], json!(outcome.run_id));
    mock.shutdown().await.expect("the mock stops cleanly");
}
