//! `coupa list` and `coupa call` against `coupa mock --faults` on loopback, seeded: a listing
//! that prints every record once, a create that is not sent twice, a 429 storm told clearly.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::remote::{CSO_KEY, SECRET, clean_env, run, text};

/// `coupa mock` in a process of its own, stopped (by its id) when dropped.
struct MockProcess {
    child: Child,
    url: String,
    /// What it said on stderr before it listened (the faults line).
    told: String,
}

impl MockProcess {
    fn start(dir: &Path, records: usize, args: &[&str]) -> MockProcess {
        let runs: Vec<Value> = (0..records)
            .map(|i| json!({"integration": {"code": format!("F{i}")}}))
            .collect();
        let seed = dir.join("seed.json");
        std::fs::write(&seed, json!({ "integration-runs": runs }).to_string()).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_coupa"))
            .args(["mock", "--port", "0", "--no-rate-limit", "--seed"])
            .arg(&seed)
            .args(["--client-secret", SECRET, "--cso-key", CSO_KEY])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        let mut told = String::new();
        BufReader::new(child.stderr.take().unwrap())
            .read_line(&mut told)
            .unwrap();
        MockProcess { child, url, told }
    }

    fn coupa(&self, home: &Path) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_coupa"));
        clean_env(&mut c, home);
        c.env("COUPA_BASE_URL", &self.url)
            .env("COUPA_CLIENT_ID", "mock-client")
            .env("COUPA_CLIENT_SECRET", SECRET);
        c
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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
    let mock = MockProcess::start(
        d,
        1000,
        &["--faults", "--fault-seed", "5", "--fault-latency", "20"],
    );
    assert!(
        mock.told
            .starts_with("faults: 10.0% of requests (500, 502, 503, 503-retry-after, close-before, close-midway, slow), seed 5"),
        "{}",
        mock.told
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
    let mock = MockProcess::start(d, 1, &["--storm-after", "1"]);
    assert!(
        mock.told.contains("a 429 storm after 1 requests, for good"),
        "{}",
        mock.told
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
