//! The `coupa` binary, run as a user runs it.

use std::path::Path;
use std::process::{Command, Output};

use crate::coupa;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn lines(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line: {l}: {e}")))
        .collect()
}

#[test]
fn valid_payloads_exit_0_and_print_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "run.json",
        r#"{"integration": {"code": "INT-1"}}"#,
    );
    let o = coupa(&["validate", "integration-runs", "create", &f]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn violations_exit_1_one_json_line_each_in_the_documented_key_order() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "err.json",
        r#"{"contact-alert-type": "Everyone", "id": 4}"#,
    );
    let o = coupa(&["validate", "integration_errors", "create", &f]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("{{\"file\":{},\"path\":", serde_json::json!(f))),
        "{first}"
    );
    let got: Vec<(String, String)> = lines(&o)
        .iter()
        .map(|v| {
            (
                v["path"].as_str().unwrap().to_owned(),
                v["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("/integration-run".to_owned(), "required".to_owned()),
            ("/contact-alert-type".to_owned(), "allowed".to_owned()),
            ("/id".to_owned(), "output-only".to_owned()),
        ]
    );
}

#[test]
fn lists_and_envelopes_are_validated_item_by_item() {
    let dir = tempfile::tempdir().unwrap();
    let list = write(
        dir.path(),
        "list.json",
        r#"[{"integration": {"code": "A"}}, {"status": "running"}]"#,
    );
    let o = coupa(&["validate", "IntegrationRun", "create", &list]);
    let paths: Vec<String> = lines(&o)
        .iter()
        .map(|v| v["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(paths, vec!["/1/integration", "/1/status"]);
    let env = write(
        dir.path(),
        "env.json",
        r#"{"events": [{"name": "A"}, {"id": "12", "market-id": "1"}]}"#,
    );
    let o = coupa(&["validate", "events", "update", &env]);
    let got: Vec<(String, String)> = lines(&o)
        .iter()
        .map(|v| {
            (
                v["path"].as_str().unwrap().to_owned(),
                v["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("/events/0/id".to_owned(), "required".to_owned()),
            ("/events/1/market-id".to_owned(), "immutable".to_owned())
        ]
    );
}

#[test]
fn unreadable_or_malformed_files_exit_2_with_file_and_position() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.json",
        "{\n  \"integration\": {\"code\": 5}\n}",
    );
    let good = write(
        dir.path(),
        "good.json",
        r#"{"integration": {"code": "A"}, "id": 1}"#,
    );
    let o = coupa(&["validate", "integration-runs", "create", &bad, &good]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a parse error wins over violations"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("{bad}:2:")), "{err}");
    assert!(err.contains("/integration/code"), "{err}");
    assert_eq!(lines(&o).len(), 1, "the other file is still checked");
    let o = coupa(&[
        "validate",
        "integration-runs",
        "create",
        &dir.path().join("missing.json").display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read"));
    let o = coupa(&["validate", "no-such-thing", "create", &good]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown resource `no-such-thing`"));
    let o = coupa(&["validate", "integraton-runs", "create", &good]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("did you mean `integration-runs`?"),
        "a near miss is named"
    );
    let o = coupa(&["validate", "integration-runs", "show", &good]);
    assert_eq!(o.status.code(), Some(2), "show takes no body");
}

/// `coupa routes` lists every route of the registry, once, with its method, path and host (the
/// number is the registry's, which `tests/it/schema_ir.rs` checks against the schemas).
#[test]
fn routes_lists_every_route_with_method_path_host_resource() {
    let o = coupa(&["routes", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let rows = lines(&o);
    let mut want = std::collections::BTreeSet::new();
    for r in coupa_api::registry::RESOURCES {
        for a in r.routes {
            want.insert((
                r.name.to_owned(),
                a.name.to_owned(),
                a.method.as_str().to_owned(),
                a.path.to_owned(),
                a.host.as_str().to_owned(),
            ));
        }
    }
    let got: std::collections::BTreeSet<(String, String, String, String, String)> = rows
        .iter()
        .map(|r| {
            let s = |k: &str| {
                r[k].as_str()
                    .unwrap_or_else(|| panic!("no `{k}` in {r}"))
                    .to_owned()
            };
            (
                s("resource"),
                s("action"),
                s("method"),
                s("path"),
                s("host"),
            )
        })
        .collect();
    assert_eq!(got.len(), rows.len(), "a route listed twice");
    assert_eq!(
        got, want,
        "every route of the registry, as the registry has it"
    );
    assert!(rows.iter().any(|r| r["method"] == "PUT"
        && r["path"] == "/api/integration_runs/{id}/run"
        && r["host"] == "core"
        && r["resource"] == "integration-runs"));
    assert!(
        rows.iter()
            .any(|r| r["method"] == "DELETE" && r["path"] == "/api/events" && r["host"] == "cso")
    );
    let table = coupa(&["routes"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.starts_with("METHOD"));
    assert_eq!(
        text.lines().count(),
        want.len() + 1,
        "a header and a line per route"
    );
}

#[test]
fn mock_prints_its_address_serves_and_stops_on_ctrl_c() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    let mut child = Command::new(env!("CARGO_BIN_EXE_coupa"))
        .args(["mock", "--port", "0", "--no-rate-limit"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("coupa mock starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    // A Core route without a token: 401 with a Coupa error body.
    let mut s = TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /api/integration_runs HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("errors"), "{answer}");
    // Ctrl-C stops it cleanly.
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "a clean stop");
}

/// `coupa describe` shows what the registry holds: every element with its facts, every route with
/// its scope, the page, and the upload forms; `describe RESOURCE ELEMENT` one element, nested
/// ones by their dotted path.
#[test]
fn describe_shows_the_registrys_facts_for_a_resource_and_an_element() {
    let r = coupa_runtime::registry::find(coupa_api::registry::RESOURCES, "integration-runs")
        .expect("integration-runs is in the registry");
    let o = coupa(&["describe", "integration-runs"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains(r.page_url.expect("a page")), "{text}");
    let row = |first: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(first))
            .unwrap_or_else(|| panic!("no row for {first}:\n{text}"))
            .to_owned()
    };
    for e in r.shape.elements {
        let line = row(e.name);
        let in_out = match (e.api_in, e.api_out) {
            (true, true) => "in/out",
            (false, true) => "out",
            (true, false) => "in",
            (false, false) => "-",
        };
        assert!(line.contains(in_out), "{line}");
        if let Some(n) = e.max_len {
            assert!(line.contains(&n.to_string()), "{line}");
        }
        // The REQUIRED column, by the header's offsets.
        let header = row("ELEMENT");
        let (from, to) = (
            header.find("REQUIRED").unwrap(),
            header.find("UNIQUE").unwrap(),
        );
        let required = line.get(from..to.min(line.len())).unwrap_or("").trim();
        assert_eq!(required, if e.required { "yes" } else { "" }, "{line}");
        if !e.allowed.is_empty() {
            assert!(line.ends_with(&e.allowed.join(", ")), "{line}");
        }
    }
    for route in r.routes {
        let line = row(route.name);
        assert!(
            line.contains(route.path) && line.contains(route.scope.unwrap_or("")),
            "{line}"
        );
    }
    assert!(!text.contains("Forms"), "{text}");

    let o = coupa(&["describe", "integration-runs", "integration.code"]);
    let text = String::from_utf8_lossy(&o.stdout);
    for fact in [
        "string",
        "required           yes",
        "unique             yes",
        "at most 255",
    ] {
        assert!(text.contains(fact), "{fact} in {text}");
    }

    // The upload routes' forms: each distinct form once, with the routes that take it.
    let o = coupa(&["describe", "users"]);
    let text = String::from_utf8_lossy(&o.stdout);
    let forms = text
        .split("Forms (--form NAME=VALUE, --form NAME=@FILE):\n")
        .nth(1);
    assert_eq!(
        forms,
        Some("  avatar-post: file (file, required)\n  avatar-put: file (file)\n"),
        "{text}"
    );
}

/// Every element of `shape`, with nested objects `depth` levels down (a payload as large as the
/// model can carry). Elements XML cannot name (`active?`) are left out, so it converts.
fn everything(shape: &'static coupa_runtime::Shape, depth: u32) -> serde_json::Value {
    use coupa_runtime::ElementKind;
    use serde_json::{Map, Value};
    let mut m = Map::new();
    for e in shape.elements.iter().filter(|e| !e.name.contains('?')) {
        let v = match e.shape {
            Some(s) if s.open => Value::Object(Map::new()),
            Some(_) if depth == 0 => continue,
            Some(s) => everything(s, depth - 1),
            None => match e.kind {
                ElementKind::Integer => Value::from(
                    e.allowed
                        .first()
                        .map_or(1, |a| a.parse::<i64>().expect("an integer")),
                ),
                ElementKind::Decimal => Value::from("1.5"),
                ElementKind::Boolean => Value::from(true),
                ElementKind::DateTime => Value::from("2024-01-01T00:00:00+00:00"),
                ElementKind::Date => Value::from("2024-01-01"),
                ElementKind::Time => Value::from("09:30"),
                ElementKind::Float => Value::from(1.5),
                ElementKind::Digits => Value::from("1"),
                ElementKind::Object => Value::Object(Map::new()),
                _ => Value::from(e.allowed.first().copied().unwrap_or("x")),
            },
        };
        m.insert(
            e.name.to_owned(),
            if e.list { Value::Array(vec![v]) } else { v },
        );
    }
    Value::Object(m)
}

/// The largest model (an inventory transaction, with every element and its nested objects two
/// levels down) is validated and converted in the 2 MiB a tokio worker or a spawned thread gets by
/// default. Nested objects are boxed: held inline, they made reading this payload take about
/// 25 MiB of stack in a debug build. (On Unix the binary's main thread is held to 2 MiB with
/// `ulimit -s`; elsewhere it has its platform's default.)
#[test]
fn the_largest_payload_does_not_overflow_the_stack() {
    let r = coupa_api::registry::RESOURCES
        .iter()
        .find(|r| r.name == "inventory-transactions")
        .expect("inventory-transactions");
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "big.json", &everything(r.shape, 2).to_string());
    let run = |args: &[&str]| {
        let mut c = if cfg!(unix) {
            let mut c = Command::new("sh");
            c.args(["-c", "ulimit -s 2048 && exec \"$0\" \"$@\""])
                .arg(env!("CARGO_BIN_EXE_coupa"));
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_coupa"))
        };
        c.args(args)
            .env_remove("RUST_MIN_STACK")
            .output()
            .expect("the binary runs")
    };
    let o = run(&["validate", "inventory-transactions", "update", &file]);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "validate: {:?}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(&["convert", "inventory-transactions", &file, "--to", "xml"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "convert: {:?}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
}
