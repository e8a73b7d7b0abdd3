//! `coupa call` and `coupa list` end to end against the in-memory Coupa on loopback: every kind
//! of call in JSON and XML, listings of thousands of records, wrong credentials, a missing scope,
//! a 429 answered with a retry, a body that fails validation, network failures and timeouts, and
//! no secret in any output.

use std::path::Path;
use std::process::{Command, Output};

use coupa_mock::{MockConfig, MockServer, RateLimit};
use serde_json::{Value, json};

/// The secrets the tests use: distinctive, so that finding one in an output means a leak.
pub const SECRET: &str = "sEcReT-7f3a9c";
pub const CSO_KEY: &str = "cSoKeY-41d2e8";

/// A mock on its own runtime, alive as long as this value.
pub struct Mock {
    pub server: MockServer,
    _rt: tokio::runtime::Runtime,
}

impl Mock {
    pub fn start(mut config: MockConfig) -> Mock {
        for c in &mut config.oauth_clients {
            c.client_secret = SECRET.to_owned();
        }
        config.cso_api_key = CSO_KEY.to_owned();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = rt
            .block_on(MockServer::start(config))
            .expect("the mock starts");
        Mock { server, _rt: rt }
    }

    pub fn seeded(runs: usize) -> Mock {
        let runs: Vec<Value> = (0..runs)
            .map(|i| json!({"integration": {"code": format!("INT-{i}")}, "status": "running"}))
            .collect();
        Mock::start(MockConfig {
            seed: Some(json!({"integration-runs": runs})),
            ..MockConfig::unlimited()
        })
    }

    /// `coupa` with this mock's URLs and credentials in the environment, and a home of its own.
    pub fn coupa(&self, home: &Path) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_coupa"));
        clean_env(&mut c, home);
        c.env("COUPA_BASE_URL", self.server.core_url())
            .env("COUPA_CSO_URL", self.server.cso_url())
            .env("COUPA_CLIENT_ID", "mock-client")
            .env("COUPA_CLIENT_SECRET", SECRET)
            .env("COUPA_CSO_API_KEY", CSO_KEY);
        c
    }
}

/// No COUPA_ variable of the caller's, and a home (and config directory) of the test's own.
pub fn clean_env(c: &mut Command, home: &Path) {
    for (k, _) in std::env::vars() {
        if k.starts_with("COUPA_") {
            c.env_remove(k);
        }
    }
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"));
}

pub fn run(mut c: Command, args: &[&str]) -> Output {
    c.args(args).output().expect("coupa runs")
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", text(&o.stderr));
    text(&o.stdout)
}

fn json_of(o: &Output) -> Value {
    serde_json::from_str(&ok(o)).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)))
}

fn file(dir: &Path, name: &str, v: &Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, v.to_string()).unwrap();
    p.display().to_string()
}

#[test]
fn every_kind_of_call_in_json() {
    let mock = Mock::start(MockConfig::unlimited());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let call = |args: &[&str]| run(mock.coupa(d), &[&["call"], args].concat());
    let body = file(d, "run.json", &json!({"integration": {"code": "INT-9"}}));
    // create (one object), show, update (PUT with a body), a status action without a body.
    let created = json_of(&call(&["integration-runs", "create", "--body", &body]));
    let id = created["id"].as_i64().unwrap().to_string();
    assert_eq!(created["status"], "pending");
    assert_eq!(
        json_of(&call(&["integration-runs", "show", &id]))["id"],
        created["id"]
    );
    let total = file(d, "total.json", &json!({"total-records": 12}));
    let updated = json_of(&call(&[
        "integration-runs",
        "update",
        &id,
        "--body",
        &total,
    ]));
    assert_eq!(updated["total-records"], 12);
    assert_eq!(
        json_of(&call(&["integration_runs", "run", &id]))["status"],
        "running"
    );
    // An index through `call`, with a filter.
    let listed = json_of(&call(&[
        "IntegrationRun",
        "index",
        "-f",
        "integration[code]=INT-9",
    ]));
    assert_eq!(listed.as_array().unwrap().len(), 1);
    // A nested route with its parameter.
    let note = file(d, "note.json", &json!({"comments": "hello"}));
    let c = json_of(&call(&[
        "comments",
        "create-for-user",
        "7",
        "--body",
        &note,
    ]));
    assert_eq!(c["comments"], "hello");
    // CSO: the bulk envelope, then one event by id, then deleted.
    let events = file(
        d,
        "events.json",
        &json!({"events": [{"name": "Spring", "market-id": "42"}]}),
    );
    let result = json_of(&call(&["events", "create", "--body", &events]));
    assert!(result.to_string().contains("created"), "{result}");
    let eid = mock.server.records("events")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(json_of(&call(&["events", "show", &eid]))["name"], "Spring");
    ok(&call(&["events", "delete-one", &eid]));
    assert!(mock.server.records("events").is_empty());
    // Coupa's error body, readably, with its status: exit 1.
    let o = call(&["integration-runs", "show", "999"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("404 Not Found") && err.contains("Couldn't find"),
        "{err}"
    );
}

#[test]
fn an_upload_is_a_multipart_form_and_a_download_its_bytes() {
    let mock = Mock::start(MockConfig::unlimited());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let call = |args: &[&str]| run(mock.coupa(d), &[&["call"], args].concat());
    let note = file(d, "note.json", &json!({"comments": "see the scan"}));
    let comment = json_of(&call(&[
        "comments",
        "create-for-user",
        "7",
        "--body",
        &note,
    ]));
    let comment_id = comment["id"].to_string();
    // Bytes that no text conversion leaves alone: a NUL, invalid UTF-8, no final newline.
    let scan: Vec<u8> = b"%PDF-1.4\n\x00\xff\xfe binary".to_vec();
    std::fs::write(d.join("scan.pdf"), &scan).unwrap();
    let file_arg = format!("attachment[file]=@{}", d.join("scan.pdf").display());
    let upload = |extra: &[&str]| {
        call(
            &[
                &["attachments", "create-for-comment", &comment_id][..],
                extra,
            ]
            .concat(),
        )
    };
    // A missing field, a file given as text and a body are refused before anything is sent.
    for (args, told) in [
        (vec![file_arg.as_str()], "needs attachment[type]"),
        (
            vec!["attachment[file]=scan.pdf", "attachment[type]=file"],
            "is a file: give it as attachment[file]=@PATH",
        ),
    ] {
        let form: Vec<&str> = args.iter().flat_map(|a| ["--form", a]).collect();
        let o = upload(&form);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
        assert!(text(&o.stderr).contains(told), "{}", text(&o.stderr));
    }
    let o = upload(&["--body", &note]);
    assert!(text(&o.stderr).contains("takes a multipart form, not a body"));
    assert!(mock.server.records("attachments").is_empty());
    let o = call(&["integration-runs", "create", "--form", "a=b"]);
    assert!(
        text(&o.stderr).contains("takes no multipart form"),
        "{}",
        text(&o.stderr)
    );
    // The upload, in both formats of answer.
    let created = json_of(&upload(&["-F", &file_arg, "-F", "attachment[type]=file"]));
    assert_eq!(created["file-file-name"], "scan.pdf", "{created}");
    assert_eq!(created["file-content-type"], "application/pdf", "{created}");
    let out = ok(&upload(&[
        "--format",
        "xml",
        "-F",
        "attachment[type]=file",
        "-F",
        &file_arg,
    ]));
    assert!(
        out.contains("<file-file-name>scan.pdf</file-file-name>"),
        "{out}"
    );
    // The download is the file's bytes, exactly.
    let id = created["id"].to_string();
    let o = call(&["attachments", "show-for-comment", &comment_id, &id]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(o.stdout, scan);
}

#[test]
fn every_kind_of_call_in_xml() {
    let mock = Mock::start(MockConfig::unlimited());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let call = |args: &[&str]| {
        run(
            mock.coupa(d),
            &[&["call", "--format", "xml"], args].concat(),
        )
    };
    // The body is written in XML (converted from the JSON file) and the answers are XML.
    let body = file(d, "run.json", &json!({"integration": {"code": "INT-X"}}));
    let out = ok(&call(&["integration-runs", "create", "--body", &body]));
    assert!(
        out.starts_with("<?xml") && out.contains("<code>INT-X</code>"),
        "{out}"
    );
    let id = mock.server.records("integration-runs")[0]["id"].to_string();
    let out = ok(&call(&["integration-runs", "show", &id]));
    assert!(out.contains("<status>pending</status>"), "{out}");
    let xml = d.join("total.xml");
    std::fs::write(
        &xml,
        "<integration-run><total-records type=\"integer\">5</total-records></integration-run>",
    )
    .unwrap();
    let out = ok(&call(&[
        "integration-runs",
        "update",
        &id,
        "--body",
        xml.to_str().unwrap(),
    ]));
    assert!(out.contains(">5</total-records>"), "{out}");
    assert!(ok(&call(&["integration-runs", "pause", &id])).contains("<status>paused</status>"));
    let out = ok(&call(&["integration-runs", "index", "-f", "status=paused"]));
    assert!(out.contains("<integration-runs"), "{out}");
    let events = file(
        d,
        "events.json",
        &json!({"events": [{"name": "Fall", "market-id": "7"}]}),
    );
    let out = ok(&call(&["events", "create", "--body", &events]));
    assert!(out.starts_with("<?xml"), "{out}");
    let eid = mock.server.records("events")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(ok(&call(&["events", "show", &eid])).contains("<name>Fall</name>"));
    let o = call(&["integration-runs", "show", "999"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("Couldn't find"),
        "{}",
        text(&o.stderr)
    );
    // An empty XML index is Coupa's 404 "no results": an empty listing, not an error.
    let o = run(
        mock.coupa(d),
        &[
            "list",
            "integration-runs",
            "--format",
            "xml",
            "-f",
            "status=failed",
        ],
    );
    assert_eq!(ok(&o), "");
}

fn ids(o: &Output) -> Vec<i64> {
    ok(o)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect()
}

#[test]
fn listings_of_thousands_of_records_with_and_without_all() {
    let mock = Mock::seeded(3000);
    let dir = tempfile::tempdir().unwrap();
    let list = |args: &[&str]| {
        run(
            mock.coupa(dir.path()),
            &[&["list", "integration-runs"], args].concat(),
        )
    };
    // Without --all: one page.
    assert_eq!(ids(&list(&[])), (1..=50).collect::<Vec<_>>());
    assert_eq!(
        ids(&list(&["--limit", "120", "-c", "3"])),
        (1..=120).collect::<Vec<_>>()
    );
    // With --all: every record once, in order, at 1 and 8 pages in flight, in JSON and XML.
    for args in [
        &["--all", "-c", "1"][..],
        &["--all", "-c", "8"],
        &["--all", "--format", "xml"],
    ] {
        let o = list(args);
        assert_eq!(ids(&o), (1..=3000).collect::<Vec<_>>(), "{args:?}");
        // stderr is not a terminal: no progress bar.
        assert_eq!(text(&o.stderr), "", "{args:?}");
    }
    // A table on request, with chosen columns.
    let out = ok(&list(&[
        "-o",
        "table",
        "--columns",
        "id,integration.code",
        "--limit",
        "2",
    ]));
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        ["ID  INTEGRATION.CODE", "1   INT-0", "2   INT-1"]
    );
}

#[test]
fn unknown_names_get_a_did_you_mean() {
    let mock = Mock::seeded(1);
    let dir = tempfile::tempdir().unwrap();
    for (args, says) in [
        (
            &["call", "integraton-runs", "show", "1"][..],
            "did you mean `integration-runs`?",
        ),
        (
            &["call", "integration-runs", "shwo", "1"],
            "did you mean `show`?",
        ),
        (
            &["list", "integration-runs", "-f", "stauts=running"],
            "did you mean `status`?",
        ),
        (
            &["list", "integration-runs", "--columns", "integraton.code"],
            "did you mean `integration`?",
        ),
        (&["describe", "evnts"], "did you mean `events`?"),
    ] {
        let o = run(mock.coupa(dir.path()), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            text(&o.stderr).contains(says),
            "{args:?}: {}",
            text(&o.stderr)
        );
    }
}

#[test]
fn wrong_credentials_and_a_missing_scope_are_told_readably() {
    let mock = Mock::seeded(1);
    let dir = tempfile::tempdir().unwrap();
    let mut c = mock.coupa(dir.path());
    c.env("COUPA_CLIENT_SECRET", "not-the-secret");
    let o = run(c, &["list", "integration-runs"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("refused the credentials (401 Unauthorized)"),
        "{err}"
    );
    let body = file(
        dir.path(),
        "run.json",
        &json!({"integration": {"code": "A"}}),
    );
    let mut c = mock.coupa(dir.path());
    c.env("COUPA_SCOPES", "core.integration.read");
    let o = run(c, &["call", "integration-runs", "create", "--body", &body]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("403 Forbidden"), "{err}");
    assert!(
        err.contains("needs the scope `core.integration.write`"),
        "{err}"
    );
    assert_eq!(mock.server.records("integration-runs").len(), 1);
}

#[test]
fn a_429_is_answered_with_a_retry() {
    // One request a second: the token takes the only one, so the call is refused once (429,
    // Retry-After: 1) and goes through when retried.
    let mock = Mock::start(MockConfig {
        rate_limit: Some(RateLimit {
            per_second: 1,
            burst: 1,
        }),
        seed: Some(json!({"integration-runs": [{"integration": {"code": "A"}}]})),
        ..MockConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        mock.coupa(dir.path()),
        &["call", "integration-runs", "show", "1", "-v"],
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("< 429 Too Many Requests") && err.contains("retrying after"),
        "{err}"
    );
    assert_eq!(json_of(&o)["id"], 1);
}

#[test]
fn a_body_that_fails_validation_sends_nothing() {
    let mock = Mock::seeded(2);
    let before = mock.server.records("integration-runs");
    let dir = tempfile::tempdir().unwrap();
    let bad = file(dir.path(), "bad.json", &json!({"status": "bogus", "id": 3}));
    let o = run(
        mock.coupa(dir.path()),
        &["call", "integration-runs", "create", "--body", &bad],
    );
    assert_eq!(o.status.code(), Some(1));
    // Printed as `coupa validate` prints them.
    let v = crate::coupa(&["validate", "integration-runs", "create", &bad]);
    assert_eq!(text(&o.stdout), text(&v.stdout));
    assert!(
        text(&o.stdout).contains("\"rule\":\"required\""),
        "{}",
        text(&o.stdout)
    );
    assert!(text(&o.stderr).contains("nothing was sent"));
    assert_eq!(mock.server.records("integration-runs"), before);
    // Bulk bodies are validated item by item, the same way.
    let events = file(
        dir.path(),
        "events.json",
        &json!({"events": [{"market-id": "x"}]}),
    );
    let o = run(
        mock.coupa(dir.path()),
        &["call", "events", "create", "--body", &events],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("/events/0/market-id"),
        "{}",
        text(&o.stdout)
    );
    assert!(mock.server.records("events").is_empty());
}

#[test]
fn network_failures_and_timeouts_are_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    // A server that takes the connection and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    for (base, says) in [
        (&url, "cannot connect"),
        (&silent_url, "no answer within 0.5 s"),
    ] {
        let mut c = Command::new(env!("CARGO_BIN_EXE_coupa"));
        clean_env(&mut c, dir.path());
        c.env("COUPA_BASE_URL", base)
            .env("COUPA_CLIENT_ID", "x")
            .env("COUPA_CLIENT_SECRET", SECRET);
        let o = run(
            c,
            &["call", "integration-runs", "show", "1", "--timeout", "0.5"],
        );
        assert_eq!(o.status.code(), Some(2));
        let err = text(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(says), "{err}");
        assert!(!err.contains(SECRET));
    }
    drop(silent);
}

#[test]
fn secrets_never_appear_in_output_errors_or_traces() {
    let mock = Mock::seeded(60);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let body = file(d, "run.json", &json!({"integration": {"code": "B"}}));
    let bad = file(d, "bad.json", &json!({"id": 1}));
    let events = file(
        d,
        "ev.json",
        &json!({"events": [{"name": "E", "market-id": "1"}]}),
    );
    let cases: &[&[&str]] = &[
        &["call", "integration-runs", "create", "--body", &body],
        &["call", "integration-runs", "create", "--body", &bad],
        &["call", "integration-runs", "show", "999"],
        &["call", "events", "create", "--body", &events],
        &["call", "events", "index", "--format", "xml"],
        &["list", "integration-runs", "--all", "-c", "3"],
    ];
    for args in cases {
        for verbose in [false, true] {
            let mut a = args.to_vec();
            if verbose {
                a.push("--verbose");
            }
            let o = run(mock.coupa(d), &a);
            let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
            assert!(
                !all.contains(SECRET) && !all.contains(CSO_KEY),
                "{a:?}: {all}"
            );
            // A body that fails validation is never sent, so it has no trace.
            if verbose && !a.contains(&bad.as_str()) {
                assert!(text(&o.stderr).contains("> "), "{a:?}: a trace");
            }
        }
    }
    // Refused credentials, a refused CSO key, and a server that is down, traced.
    let mut c = mock.coupa(d);
    c.env("COUPA_CLIENT_ID", "someone-else");
    let mut k = mock.coupa(d);
    k.env("COUPA_CSO_API_KEY", format!("{CSO_KEY}-old"));
    let mut down = mock.coupa(d);
    down.env("COUPA_BASE_URL", "http://127.0.0.1:9");
    for (cmd, args) in [
        (c, &["list", "integration-runs", "-v"][..]),
        (k, &["call", "events", "index", "-v"]),
        (down, &["list", "integration-runs", "-v"]),
    ] {
        let o = run(cmd, args);
        assert_ne!(o.status.code(), Some(0));
        let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
        assert!(
            !all.contains(SECRET) && !all.contains(CSO_KEY),
            "{args:?}: {all}"
        );
    }
}

#[test]
fn against_the_coupa_mock_command() {
    let dir = tempfile::tempdir().unwrap();
    let mock = crate::mock_process::MockProcess::start(dir.path(), 120, &[]);
    let listed = run(
        mock.coupa(dir.path()),
        &["list", "integration-runs", "--all"],
    );
    let shown = run(
        mock.coupa(dir.path()),
        &["call", "integration-runs", "success", "120"],
    );
    assert_eq!(ids(&listed).len(), 120);
    assert_eq!(json_of(&shown)["status"], "successful");
}
