//! Seeds, unique elements, and the ways to run a mock (`serve`, `router`).

use crate::common;

use coupa_mock::{Error, MockConfig, MockServer, MockState, load_seed};
use serde_json::json;

#[tokio::test]
async fn seeds_keep_their_ids_and_move_the_counters() {
    let m = common::start(MockConfig {
        rate_limit: None,
        seed: Some(json!({
            "integration-runs": [{"id": 41, "status": "running", "integration": {"code": "A"}}],
            "event": {"id": "9230000000000000000", "name": "Seeded", "event-number": 613},
        })),
        ..MockConfig::default()
    })
    .await;
    let runs = m.server.records("integration-runs");
    assert_eq!(runs[0]["status"], "running");
    assert_eq!(runs[0]["created-by"]["login"], "api-user");
    let a = m
        .call(
            "POST",
            "/api/integration_runs",
            Some(json!({"integration": {"code": "B"}})),
        )
        .await;
    assert_eq!(a.json()["id"], 42);
    let a = m
        .cso_call(
            "POST",
            "/api/events",
            Some(json!({"events": [{"name": "Next"}]})),
        )
        .await;
    assert_eq!(a.json()["events"], json!([{"id": "9230000000000000001"}]));
    let e = m
        .server
        .state()
        .record("events", "9230000000000000001")
        .expect("event");
    assert_eq!(e["event-number"], 614);
}

#[test]
fn bad_seeds_are_refused_whole() {
    let err = |seed| match MockState::new(MockConfig {
        seed: Some(seed),
        ..MockConfig::default()
    }) {
        Err(Error::Seed(e)) => e,
        Err(e) => panic!("not a seed error: {e}"),
        Ok(_) => panic!("accepted"),
    };
    let e = err(json!({"widgets": []}));
    assert!(
        e.contains("widgets") && e.contains("integration-runs") && e.contains("events"),
        "{e}"
    );
    let e = err(json!({"integration-runs": [{"id": "abc"}]}));
    assert!(e.contains("integration-runs[0]"), "{e}");
    let e = err(json!({"integration-runs": [{"id": 1}, {"id": 1}]}));
    assert!(
        e.contains("integration-runs[1]") && e.contains("key 1"),
        "{e}"
    );
    // Unique elements: the event number.
    let e = err(json!({"events": [{"event-number": 7}, {"event-number": 7}]}));
    assert!(e.contains("event-number") && e.contains("unique"), "{e}");

    // Seeding a running mock is all or nothing.
    let st = MockState::new(MockConfig::default()).expect("state");
    assert_eq!(
        st.seed(&json!({"events": [{"event-number": 1}]}))
            .expect("seeded"),
        1
    );
    assert!(
        st.seed(&json!({"events": [{"event-number": 2}, {"event-number": 1}]}))
            .is_err()
    );
    assert_eq!(st.records("events").len(), 1);

    // The api user must fit the short user object.
    let bad = MockState::new(MockConfig {
        api_user: json!({"id": "not a number"}),
        ..MockConfig::default()
    });
    assert!(matches!(bad, Err(Error::Config(_))));
}

#[tokio::test]
async fn bulk_updates_are_not_clashes_with_themselves() {
    // The id is unique and required in a bulk update: the event being updated holds it.
    let m = common::start(MockConfig {
        rate_limit: None,
        seed: Some(json!({"events": [{"id": "9220000000000000005", "event-number": 3}]})),
        ..MockConfig::default()
    })
    .await;
    let a = m
        .cso_call(
            "PUT",
            "/api/events",
            Some(json!({"events": [{"id": "9220000000000000005", "name": "Renamed"}]})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["updated"], 1);
    // Sending the assigned unique element is refused, as output-only and immutable.
    let a = m
        .cso_call(
            "PUT",
            "/api/events",
            Some(json!({"events": [{"id": "9220000000000000005", "event-number": 4}]})),
        )
        .await;
    assert_eq!(a.status, 400, "{}", a.text);
}

#[tokio::test]
async fn seed_files_and_serve() {
    let dir = std::env::temp_dir().join(format!("coupa-mock-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("seed.json");
    std::fs::write(
        &file,
        r#"{"integration-errors": [{"contact-alert-type": "Both", "status": "Error"}]}"#,
    )
    .expect("write");
    let seed = load_seed(&file).expect("a seed");
    std::fs::write(&file, r#"{"nope": []}"#).expect("write");
    assert!(load_seed(&file).unwrap_err().to_string().contains("nope"));
    std::fs::write(&file, "{").expect("write");
    assert!(load_seed(&file).is_err());
    let _ = std::fs::remove_dir_all(&dir);

    // `serve` until a shutdown future completes, as the command line does until Ctrl-C.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(coupa_mock::serve(
        listener,
        MockConfig {
            seed: Some(seed),
            ..MockConfig::unlimited()
        },
        async move {
            let _ = stopped.await;
        },
    ));
    let http = reqwest::Client::new();
    let token = common::token(&http, &format!("http://{addr}"), "core.integration.read").await;
    let a = common::answer(
        http.get(format!("http://{addr}/api/integration_errors/1"))
            .header("Authorization", format!("Bearer {token}")),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["status"], "Error");
    drop(http);
    let _ = stop.send(());
    server.await.expect("task").expect("served");

    // A started server answers on its URLs and shuts down cleanly.
    let s = MockServer::start(MockConfig::unlimited())
        .await
        .expect("start");
    assert_eq!(s.core_url(), format!("http://{}", s.addr()));
    assert_eq!(s.cso_url(), format!("http://{}/cso", s.addr()));
    s.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn the_router_serves_in_process() {
    use axum::body::Body;
    use tower::ServiceExt;

    let st = MockState::new(MockConfig::unlimited()).expect("state");
    let token = st
        .issue_token(&["core.integration.write"])
        .expect("a token");
    let req = http::Request::post("/api/integration_runs")
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .body(Body::from(r#"{"integration": {"code": "IN-PROC"}}"#))
        .expect("request");
    let res = coupa_mock::router(st.clone())
        .oneshot(req)
        .await
        .expect("infallible");
    assert_eq!(res.status(), 201);
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .expect("body");
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(v["status"], "pending");
    assert_eq!(st.records("integration-runs").len(), 1);
    // The token has no read scope.
    let req = http::Request::get("/api/integration_runs")
        .header("Authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    let res = coupa_mock::router(st)
        .oneshot(req)
        .await
        .expect("infallible");
    assert_eq!(res.status(), 403);
}
