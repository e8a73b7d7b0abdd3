//! `coupa list` and `coupa call` against `coupa mock --faults` on loopback, seeded: a listing
//! that prints every record once, a create that is not sent twice, a 429 storm told clearly.

use serde_json::{Value, json};

use crate::mock_process::MockProcess;
use crate::remote::{run, text};

fn ids(out: &[u8]) -> Vec<i64> {
    text(out)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect()
}

#[test]
fn list_all_under_faults_prints_every_record_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut mock = MockProcess::start(
        d,
        1000,
        &["--faults", "--fault-seed", "5", "--fault-latency", "20"],
    );
    let told = mock.told();
    assert!(
        told.starts_with("faults: 10.0% of requests (500, 502, 503, 503-retry-after, close-before, close-midway, slow), seed 5"),
        "{told}"
    );
    // Paced (the default) and unpaced, one and several pages in flight.
    for args in [
        &["--all", "-c", "1"][..],
        &["--all", "-c", "4", "--rate", "0"],
    ] {
        let o = run(
            mock.coupa(d),
            &[&["list", "integration-runs"], args].concat(),
        );
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
        assert_eq!(ids(&o.stdout), (1..=1000).collect::<Vec<_>>(), "{args:?}");
    }
}

#[test]
fn a_create_answered_by_a_dropped_connection_is_told_and_not_resent() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mock = MockProcess::start(
        d,
        0,
        &[
            "--faults",
            "1",
            "--fault-kinds",
            "close-before",
            "--fault-prefix",
            "/api/",
            "--fault-seed",
            "1",
        ],
    );
    let body = d.join("run.json");
    std::fs::write(&body, json!({"integration": {"code": "X"}}).to_string()).unwrap();
    let o = run(
        mock.coupa(d),
        &[
            "call",
            "integration-runs",
            "create",
            "--body",
            body.to_str().unwrap(),
            "-v",
        ],
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let sent = err
        .lines()
        .filter(|l| l.starts_with("> POST") && l.contains("/api/integration_runs"))
        .count();
    assert_eq!(sent, 1, "sent once: {err}");
    let told = err.lines().find(|l| l.starts_with("error: ")).unwrap();
    assert!(
        told.contains("no answer from Coupa")
            && told.contains("was not sent again (1 attempt)")
            && told.contains("may have acted on it"),
        "{told}"
    );
}

#[test]
fn a_429_storm_is_told_after_the_bounded_attempts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The token request goes through; then every answer is 429 with Retry-After: 1.
    let mut mock = MockProcess::start(d, 1, &["--storm-after", "1"]);
    let told = mock.told();
    assert!(
        told.contains("a 429 storm after 1 requests, for good"),
        "{told}"
    );
    let o = run(mock.coupa(d), &["call", "integration-runs", "show", "1"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: Coupa still answered 429 (rate limited) to GET ")
            && err
                .trim_end()
                .ends_with("/api/integration_runs/1 after 4 attempts"),
        "{err}"
    );
}
