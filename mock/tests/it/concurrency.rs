//! Many writers at once: every record is stored exactly once, with the right status, and
//! assigned unique values never collide.

use crate::common;

use std::collections::BTreeSet;

use common::start_default;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_creates_and_transitions_lose_nothing() {
    const TASKS: usize = 50;
    const EACH: usize = 20;
    let m = std::sync::Arc::new(start_default().await);
    let mut handles = Vec::new();
    for t in 0..TASKS {
        let m = m.clone();
        handles.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..EACH {
                let code = format!("T{t}-{i}");
                let a = m
                    .call(
                        "POST",
                        "/api/integration_runs",
                        Some(json!({"integration": {"code": code}})),
                    )
                    .await;
                assert_eq!(a.status, 201, "{}", a.text);
                let id = a.json()["id"].as_i64().expect("id");
                // Odd runs succeed, even ones fail, both through `run` first.
                let a = m
                    .call("PUT", &format!("/api/integration_runs/{id}/run"), None)
                    .await;
                assert_eq!(a.json()["status"], "running");
                let end = if i % 2 == 1 { "success" } else { "fail" };
                let a = m
                    .call("PUT", &format!("/api/integration_runs/{id}/{end}"), None)
                    .await;
                assert_eq!(a.status, 200, "{}", a.text);
                ids.push((id, code, i % 2 == 1));
            }
            ids
        }));
    }
    let mut expected = Vec::new();
    for h in handles {
        expected.extend(h.await.expect("task"));
    }
    let stored = m.server.records("integration-runs");
    assert_eq!(stored.len(), TASKS * EACH);
    let ids: BTreeSet<i64> = stored.iter().filter_map(|r| r["id"].as_i64()).collect();
    assert_eq!(
        ids,
        (1..=(TASKS * EACH) as i64).collect(),
        "every id once, none skipped"
    );
    for (id, code, ok) in expected {
        let r = m
            .server
            .state()
            .record("integration-runs", &id.to_string())
            .expect("stored");
        assert_eq!(r["integration"]["code"], code);
        assert_eq!(r["status"], if ok { "successful" } else { "failed" }, "{r}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_bulk_creates_keep_ids_and_sequences_unique() {
    let m = std::sync::Arc::new(start_default().await);
    let mut handles = Vec::new();
    for t in 0..20 {
        let m = m.clone();
        handles.push(tokio::spawn(async move {
            let events: Vec<_> = (0..5)
                .map(|i| json!({"name": format!("E{t}-{i}")}))
                .collect();
            let a = m
                .cso_call("POST", "/api/events", Some(json!({"events": events})))
                .await;
            assert_eq!(a.status, 201, "{}", a.text);
            assert_eq!(a.json()["added"], 5);
        }));
    }
    for h in handles {
        h.await.expect("task");
    }
    let stored = m.server.records("events");
    assert_eq!(stored.len(), 100);
    let ids: BTreeSet<&str> = stored.iter().filter_map(|e| e["id"].as_str()).collect();
    let numbers: BTreeSet<i64> = stored
        .iter()
        .filter_map(|e| e["event-number"].as_i64())
        .collect();
    assert_eq!(ids.len(), 100);
    assert!(ids.iter().all(|id| id.len() == 19 && id.starts_with("922")));
    assert_eq!(numbers, (1..=100).collect());
}
