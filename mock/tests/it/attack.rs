//! The mock under attack: missing, expired, forged and misplaced credentials; path traversal and
//! oversized ids; oversized, slow and truncated bodies; slow headers; hostile payloads within
//! the body limit; a flood past the rate limit.
//!
//! Every refusal the mock itself writes has the right status and a Coupa-shaped error body
//! ([`coupa_error`]), and the store is the same after every rejected request ([`Store::same`]).
//! Malformed HTTP (a URI or headers over hyper's limits) is answered by hyper before the mock
//! sees it, with a bare status: that is checked too, and that the server keeps serving.

use crate::common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::{JSON, Mock, XML, answer, start, token};
use coupa_mock::{MockConfig, OAuthClient, RateLimit};
use coupa_runtime::{CoupaErrors, Format};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};

/// Every record of every resource, to compare before and after an attack.
#[derive(Debug, PartialEq)]
struct Store(Vec<(String, Vec<Value>)>);

impl Store {
    fn of(m: &Mock) -> Store {
        Store(
            coupa_api::registry::RESOURCES
                .iter()
                .map(|r| (r.name.to_owned(), m.server.records(r.name)))
                .collect(),
        )
    }

    fn same(&self, m: &Mock, what: &str) {
        let now = Store::of(m);
        assert!(*self == now, "{what} changed the store:\n{self:?}\n{now:?}");
    }
}

/// A mock with one integration run and one event, and a client with every scope.
async fn seeded(config: MockConfig) -> Mock {
    let m = start(MockConfig {
        seed: Some(json!({
            "integration-runs": [{"integration": {"code": "SAP"}}],
            "events": [{"name": "Q3 sourcing", "market-id": "9220538753220565329"}],
        })),
        ..config
    })
    .await;
    assert_eq!(m.server.records("integration-runs").len(), 1);
    m
}

/// Asserts a Coupa error body in the answer's format, with at least one message.
fn coupa_error(status: u16, content_type: Option<&str>, body: &[u8], what: &str) -> CoupaErrors {
    let format = content_type
        .and_then(Format::from_media_type)
        .unwrap_or_else(|| panic!("{what}: {status} without a Content-Type"));
    let e = CoupaErrors::parse(format, body).unwrap_or_else(|| {
        panic!(
            "{what}: {status} is not a Coupa error body: {}",
            String::from_utf8_lossy(body)
        )
    });
    assert!(e.messages().next().is_some(), "{what}: no message");
    e
}

fn check(a: &common::Answer, status: u16, what: &str) -> CoupaErrors {
    assert_eq!(a.status, status, "{what}: {}", a.text);
    coupa_error(
        a.status,
        a.header("content-type").as_deref(),
        a.text.as_bytes(),
        what,
    )
}

// ------------------------------------------------------------------------------------------
// Raw HTTP over loopback, for what reqwest would not send.

/// A response read off a raw connection.
#[derive(Debug)]
struct Raw {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    fn coupa_error(&self, status: u16, what: &str) -> CoupaErrors {
        assert_eq!(self.status, status, "{what}: {}", self.head);
        coupa_error(self.status, self.header("content-type"), &self.body, what)
    }
}

/// Parses what a raw connection received (one response, `Content-Length` framed, as the mock
/// writes them).
fn parse_raw(bytes: &[u8], what: &str) -> Raw {
    let text = String::from_utf8_lossy(bytes);
    let end = text
        .find("\r\n\r\n")
        .unwrap_or_else(|| panic!("{what}: no response: {text:?}"));
    let head = text[..end].to_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{what}: no status line: {head}"));
    let mut body = bytes[end + 4..].to_vec();
    let r = Raw {
        status,
        head,
        body: Vec::new(),
    };
    if let Some(n) = r
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        body.truncate(n);
    }
    Raw { body, ..r }
}

/// Sends `request` on a new connection (then half-closes it when `close` is set) and reads the
/// answer until the server closes or `timeout` passes.
fn raw(addr: SocketAddr, request: &[u8], close: bool, timeout: Duration) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(timeout)).expect("read timeout");
    // The server may answer and close before reading everything.
    let _ = s.write_all(request);
    if close {
        let _ = s.shutdown(std::net::Shutdown::Write);
    }
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                out.extend_from_slice(&buf[..n]);
                if let Some(r) = complete(&out) {
                    out.truncate(r);
                    break;
                }
            }
        }
    }
    out
}

/// The length of a complete `Content-Length`-framed response at the start of `bytes`.
fn complete(bytes: &[u8]) -> Option<usize> {
    let text = String::from_utf8_lossy(bytes);
    let end = text.find("\r\n\r\n")? + 4;
    let n = text[..end].lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| v.trim().parse::<usize>().ok())?
    })?;
    (bytes.len() >= end + n).then_some(end + n)
}

async fn raw_async(addr: SocketAddr, request: Vec<u8>, close: bool, timeout: Duration) -> Vec<u8> {
    tokio::task::spawn_blocking(move || raw(addr, &request, close, timeout))
        .await
        .expect("the raw request")
}

/// A GET. The connection is not half-closed after it ([`raw`] with `close: false`): hyper drops a
/// request whose connection reads EOF before the answer is written.
fn get(path: &str, auth: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Accept: application/json\r\nConnection: close\r\n\r\n")
        .into_bytes()
}

// ------------------------------------------------------------------------------------------
// Credentials

#[tokio::test]
async fn credentials_missing_expired_forged_or_for_the_other_host() {
    let m = seeded(MockConfig {
        rate_limit: None,
        token_ttl: Duration::from_millis(500),
        oauth_clients: vec![
            OAuthClient {
                client_id: "reader".into(),
                client_secret: "s3cret".into(),
                scopes: vec!["core.integration.read".into(), "core.comment.read".into()],
            },
            MockConfig::default().oauth_clients.remove(0),
        ],
        ..MockConfig::default()
    })
    .await;
    let before = Store::of(&m);
    let expired = token(&m.http, &m.server.core_url(), "core.integration.write").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    // Tokens that have not expired (the token TTL is short: ask for them now).
    let read = {
        let a = answer(
            m.http
                .post(m.core("/oauth2/token"))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body("grant_type=client_credentials&client_id=reader&client_secret=s3cret"),
        )
        .await;
        a.json()["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let full = token(&m.http, &m.server.core_url(), common::ALL_SCOPES).await;

    let create = json!({"integration": {"code": "EVIL"}}).to_string();
    let event =
        json!({"events": [{"name": "Evil", "market-id": "9220538753220565329"}]}).to_string();
    let writes: [(&str, String, String); 6] = [
        ("POST", m.core("/api/integration_runs"), create.clone()),
        ("PUT", m.core("/api/integration_runs/1"), create.clone()),
        ("PUT", m.core("/api/integration_runs/1/fail"), String::new()),
        (
            "POST",
            m.core("/api/invoices/1/comments"),
            json!({"comments": "Evil"}).to_string(),
        ),
        ("POST", m.cso("/api/events"), event.clone()),
        (
            "DELETE",
            m.cso("/api/events"),
            json!({"events": [{"id": "9220000000000000001"}]}).to_string(),
        ),
    ];
    let core_creds: [(&str, Option<String>, u16, &str); 7] = [
        ("no credentials", None, 401, "required"),
        (
            "a forged token",
            Some("Bearer 0123456789abcdef0123456789abcdef".into()),
            401,
            "not valid",
        ),
        (
            "an expired token",
            Some(format!("Bearer {expired}")),
            401,
            // "expired", or "not valid" once a newer token was issued (the mock forgets expired
            // tokens then); 401 with error="invalid_token" either way.
            "access token",
        ),
        (
            "a read token",
            Some(format!("Bearer {read}")),
            403,
            "does not have the scope",
        ),
        (
            "the CSO key as a bearer token",
            Some("Bearer mock-cso-key".into()),
            401,
            "not valid",
        ),
        (
            "Basic client credentials",
            Some("Basic bW9jay1jbGllbnQ6bW9jay1zZWNyZXQ=".into()),
            401,
            "required",
        ),
        ("an empty bearer", Some("Bearer ".into()), 401, "required"),
    ];
    for (method, url, body) in writes.iter().filter(|(_, u, _)| !u.contains("/cso/")) {
        for (what, auth, status, phrase) in &core_creds {
            let mut rb = m
                .http
                .request(method.parse().expect("method"), url)
                .header(ACCEPT, JSON)
                .header(CONTENT_TYPE, JSON)
                .body(body.clone());
            if let Some(a) = auth {
                rb = rb.header(AUTHORIZATION, a);
            }
            // The CSO key in its own header is no Core credential either.
            rb = rb.header("X-CSO-API-KEY", "mock-cso-key");
            let a = answer(rb).await;
            let what = format!("{method} {url} with {what}");
            let e = check(&a, *status, &what);
            assert!(e.messages().any(|x| x.contains(phrase)), "{what}: {e}");
            assert!(
                a.header("www-authenticate")
                    .is_some_and(|h| h.starts_with("Bearer")),
                "{what}: no challenge"
            );
        }
    }
    let cso_creds: [(&str, Vec<(&str, String)>); 5] = [
        ("no key", vec![]),
        (
            "a wrong key",
            vec![("X-CSO-API-KEY", "mock-cso-key-2".into())],
        ),
        ("an empty key", vec![("X-CSO-API-KEY", String::new())]),
        (
            "a Core token",
            vec![(AUTHORIZATION.as_str(), format!("Bearer {full}"))],
        ),
        (
            "the key as a bearer token",
            vec![(AUTHORIZATION.as_str(), "Bearer mock-cso-key".into())],
        ),
    ];
    for (method, url, body) in writes.iter().filter(|(_, u, _)| u.contains("/cso/")) {
        for (what, headers) in &cso_creds {
            let mut rb = m
                .http
                .request(method.parse().expect("method"), url)
                .header(ACCEPT, JSON)
                .header(CONTENT_TYPE, JSON)
                .body(body.clone());
            for (k, v) in headers {
                rb = rb.header(*k, v);
            }
            let a = answer(rb).await;
            check(&a, 401, &format!("{method} {url} with {what}"));
        }
    }
    // Reads are refused the same way; in XML the body is Coupa's XML error body.
    let a = answer(
        m.http
            .get(m.core("/api/integration_runs"))
            .header(ACCEPT, XML),
    )
    .await;
    assert_eq!(a.status, 401);
    assert!(a.text.contains("<errors><error>"), "{}", a.text);
    check(&a, 401, "an XML read without a token");
    // A read token with other scopes reads nothing else.
    let a = answer(
        m.http
            .get(m.core("/api/delegations"))
            .header(AUTHORIZATION, format!("Bearer {read}")),
    )
    .await;
    check(&a, 403, "a read token without core.user.read");
    before.same(&m, "refused credentials");
    // The same writes with the right credentials do change it.
    let a = answer(
        m.http
            .post(m.core("/api/integration_runs"))
            .header(AUTHORIZATION, format!("Bearer {full}"))
            .header(CONTENT_TYPE, JSON)
            .body(create),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(m.server.records("integration-runs").len(), 2);
}

// ------------------------------------------------------------------------------------------
// Paths

#[tokio::test]
async fn path_traversal_and_oversized_ids_are_not_found() {
    let m = seeded(MockConfig::unlimited()).await;
    let before = Store::of(&m);
    let bearer = format!("Authorization: Bearer {}\r\n", m.token);
    let key = "X-CSO-API-KEY: mock-cso-key\r\n".to_owned();
    let long_digits = "9".repeat(60_000);
    let core = [
        "/api/integration_runs/..%2F..%2Fetc%2Fpasswd".to_owned(),
        "/api/integration_runs/..%252F..%252Fetc%252Fpasswd".to_owned(),
        "/api/integration_runs/%2e%2e%2f%2e%2e%2fetc%2fpasswd".to_owned(),
        "/api/integration_runs/..%5C..%5Cwindows%5Cwin.ini".to_owned(),
        "/api/integration_runs/1%00".to_owned(),
        "/api/integration_runs/1%2F..%2F2".to_owned(),
        "/api/integration_runs/-1".to_owned(),
        "/api/integration_runs/0x1".to_owned(),
        "/api/integration_runs/99999999999999999999".to_owned(),
        format!("/api/integration_runs/{long_digits}"),
        "/api/invoices/..%2F..%2F/comments".to_owned(),
        "/api/comments/1/attachments/..%2F..%2Fetc%2Fpasswd".to_owned(),
        "/api/integration_runs/../../../etc/passwd".to_owned(),
        "/api/../../etc/passwd".to_owned(),
        "/../../../../etc/passwd".to_owned(),
        "/etc/passwd".to_owned(),
        "//etc/passwd".to_owned(),
    ];
    for path in &core {
        let r = parse_raw(
            &raw_async(
                m.server.addr(),
                get(path, &bearer),
                false,
                Duration::from_secs(10),
            )
            .await,
            path,
        );
        let e = r.coupa_error(404, path);
        assert!(
            e.to_string().chars().count() < 200,
            "{path}: an echoed id is clipped: {e}"
        );
        assert!(
            !String::from_utf8_lossy(&r.body).contains("root:"),
            "{path}"
        );
    }
    let cso = [
        "/cso/api/events/..%2F..%2Fetc%2Fpasswd".to_owned(),
        "/cso/api/events/..%252F..%252Fetc%252Fpasswd".to_owned(),
        "/cso/api/events/92200000000000000A1".to_owned(),
        "/cso/api/events/92200000000000000001".to_owned(),
        format!("/cso/api/events/{long_digits}"),
        "/cso/../api/integration_runs/1".to_owned(),
        "/api/events/..%2F..%2Fetc%2Fpasswd".to_owned(),
    ];
    for path in &cso {
        let r = parse_raw(
            &raw_async(
                m.server.addr(),
                get(path, &key),
                false,
                Duration::from_secs(10),
            )
            .await,
            path,
        );
        r.coupa_error(404, path);
    }
    // A URI over hyper's limit never reaches the mock: hyper answers it bare.
    let huge = format!("/api/integration_runs/{}", "9".repeat(70_000));
    let r = parse_raw(
        &raw_async(
            m.server.addr(),
            get(&huge, &bearer),
            false,
            Duration::from_secs(10),
        )
        .await,
        "a 70 KB path",
    );
    assert!(matches!(r.status, 400 | 414), "{}", r.head);
    // Writes to traversal paths change nothing.
    for path in [
        "/api/integration_runs/..%2F1",
        "/api/integration_runs/1%2F..%2F1/run",
    ] {
        let a = m
            .call_raw(
                "PUT",
                path,
                JSON,
                JSON,
                json!({"total-records": 5}).to_string(),
            )
            .await;
        check(&a, 404, path);
    }
    before.same(&m, "traversal paths");
    let a = m.call("GET", "/api/integration_runs/1", None).await;
    assert_eq!(a.status, 200, "the mock still serves: {}", a.text);
}

// ------------------------------------------------------------------------------------------
// Bodies

#[tokio::test]
async fn oversized_bodies_get_413_whatever_they_declare() {
    let m = seeded(MockConfig {
        rate_limit: None,
        body_limit: 64 * 1024,
        ..MockConfig::default()
    })
    .await;
    let before = Store::of(&m);
    let big = json!({"integration": {"code": "x".repeat(100_000)}}).to_string();
    for (path, ct) in [
        ("/api/integration_runs", JSON),
        ("/api/integration_runs/1", XML),
    ] {
        let method = if path.ends_with('1') { "PUT" } else { "POST" };
        let a = m.call_raw(method, path, ct, ct, big.clone()).await;
        check(&a, 413, &format!("{method} {path} {ct}"));
    }
    let a = answer(
        m.http
            .post(m.cso("/api/events"))
            .header("X-CSO-API-KEY", "mock-cso-key")
            .header(CONTENT_TYPE, JSON)
            .body(big.clone()),
    )
    .await;
    check(&a, 413, "CSO");
    let a = answer(
        m.http
            .post(m.core("/oauth2/token"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!(
                "grant_type=client_credentials&x={}",
                "x".repeat(100_000)
            )),
    )
    .await;
    assert_eq!(a.status, 413, "{}", a.text);
    // A declared length of an exabyte is refused before a byte of the body is read.
    let req = format!(
        "POST /api/integration_runs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 1000000000000000000\r\n\r\n{{",
        m.token
    );
    let start = Instant::now();
    let r = parse_raw(
        &raw_async(
            m.server.addr(),
            req.into_bytes(),
            false,
            Duration::from_secs(10),
        )
        .await,
        "an exabyte declared",
    );
    r.coupa_error(413, "an exabyte declared");
    assert!(start.elapsed() < Duration::from_secs(5));
    before.same(&m, "oversized bodies");
}

/// The mock's answer to a body that trickles in: 408 once [`MockConfig::body_timeout`] has passed,
/// while other clients are served as usual.
#[tokio::test]
async fn slow_bodies_get_408_and_others_are_served_meanwhile() {
    let m = seeded(MockConfig {
        rate_limit: None,
        body_timeout: Duration::from_secs(1),
        ..MockConfig::default()
    })
    .await;
    let before = Store::of(&m);
    let addr = m.server.addr();
    let token = m.token.clone();
    let slow = tokio::task::spawn_blocking(move || {
        let body = br#"{"integration": {"code": "SLOW"}}"#;
        let mut s = TcpStream::connect(addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(15)))
            .expect("timeout");
        let head = format!(
            "POST /api/integration_runs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        s.write_all(head.as_bytes()).expect("head");
        let start = Instant::now();
        let mut out = Vec::new();
        // One byte every 300 ms, until the server answers.
        s.set_nonblocking(false).expect("blocking");
        for b in body.iter() {
            if s.write_all(&[*b]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(300));
            s.set_read_timeout(Some(Duration::from_millis(1)))
                .expect("timeout");
            let mut buf = [0u8; 4096];
            if let Ok(n) = s.read(&mut buf)
                && n > 0
            {
                out.extend_from_slice(&buf[..n]);
                break;
            }
        }
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut buf = [0u8; 4096];
        while complete(&out).is_none() {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
        (out, start.elapsed())
    });
    // Meanwhile, other clients are served at once: well before the slow body's 1 s timeout, which
    // is what a server blocked by it would make them wait.
    tokio::time::sleep(Duration::from_millis(200)).await;
    for _ in 0..5 {
        let t = Instant::now();
        let a = m.call("GET", "/api/integration_runs", None).await;
        assert_eq!(a.status, 200);
        assert!(
            t.elapsed() < Duration::from_millis(900),
            "{:?}",
            t.elapsed()
        );
    }
    let (out, took) = slow.await.expect("the slow client");
    let r = parse_raw(&out, "a slow body");
    let e = r.coupa_error(408, "a slow body");
    assert!(e.to_string().contains("1 s"), "{e}");
    assert!(took < Duration::from_secs(5), "answered after {took:?}");
    assert_eq!(r.header("connection"), Some("close"), "{}", r.head);
    before.same(&m, "a slow body");
}

/// Clients that never finish their headers (slowloris) hold a connection each, and nothing else.
#[tokio::test]
async fn slow_headers_do_not_stop_other_clients() {
    let m = seeded(MockConfig::unlimited()).await;
    let addr = m.server.addr();
    let mut idle = Vec::new();
    for _ in 0..64 {
        let mut s = TcpStream::connect(addr).expect("connect");
        s.write_all(b"GET /api/integration_runs HTTP/1.1\r\nHost: local")
            .expect("part of a head");
        idle.push(s);
    }
    for _ in 0..5 {
        let t = Instant::now();
        let a = m.call("GET", "/api/integration_runs/1", None).await;
        assert_eq!(a.status, 200);
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    }
    drop(idle);
}

/// A body shorter than its Content-Length, then a closed connection: refused (400 if anybody is
/// still listening), nothing written, and the server carries on.
#[tokio::test]
async fn truncated_bodies_change_nothing() {
    let m = seeded(MockConfig::unlimited()).await;
    let before = Store::of(&m);
    for (method, path, declared, sent) in [
        (
            "POST",
            "/api/integration_runs",
            1000,
            r#"{"integration": {"code": "TRUNC"}}"#,
        ),
        (
            "PUT",
            "/api/integration_runs/1",
            500,
            r#"{"total-records": 7}"#,
        ),
        (
            "POST",
            "/api/integration_runs",
            40,
            r#"{"integration": {"code": "#,
        ),
    ] {
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n{sent}",
            m.token
        );
        let out = raw_async(
            m.server.addr(),
            req.into_bytes(),
            true,
            Duration::from_secs(5),
        )
        .await;
        if !out.is_empty() {
            parse_raw(&out, path).coupa_error(400, path);
        }
        // A chunked body cut before its last chunk.
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{sent}\r\n",
            m.token,
            sent.len()
        );
        let out = raw_async(
            m.server.addr(),
            req.into_bytes(),
            true,
            Duration::from_secs(5),
        )
        .await;
        if !out.is_empty() {
            parse_raw(&out, path).coupa_error(400, path);
        }
    }
    before.same(&m, "truncated bodies");
    let a = m.call("GET", "/api/integration_runs/1", None).await;
    assert_eq!(a.status, 200);
}

/// Payloads within the body limit that are built to hurt: deep nesting, many distinct elements,
/// entities, huge numbers. Each is a 400 with the decoder's message, quickly.
#[tokio::test]
async fn hostile_payloads_within_the_limit_are_400s() {
    let m = seeded(MockConfig::unlimited()).await;
    let before = Store::of(&m);
    let limit = MockConfig::default().body_limit;
    let deep_json = format!(
        "{{\"flow\": {}{}}}",
        "[".repeat(limit / 3),
        "]".repeat(limit / 3)
    );
    let deep_xml = format!(
        "<integration-run>{}{}</integration-run>",
        "<a>".repeat(limit / 8),
        "</a>".repeat(limit / 8)
    );
    let mut distinct =
        String::from("<integration-run><integration><code>A</code></integration><flow>");
    let mut i = 0;
    while distinct.len() < limit - 100 {
        distinct.push_str(&format!("<e{i}/>"));
        i += 1;
    }
    distinct.push_str("</flow><total-records>x</total-records></integration-run>");
    let cases: [(&str, &str, String, &str); 6] = [
        ("deep JSON", JSON, deep_json, "nested more than 64 deep"),
        ("deep XML", XML, deep_xml, "nested more than 65 deep"),
        ("a megabyte of distinct elements", XML, distinct, "is not an integer"),
        (
            "billion laughs",
            XML,
            "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY l \"l\"><!ENTITY l2 \"&l;&l;&l;&l;\">]><integration-run><integration><code>&l2;</code></integration></integration-run>".into(),
            "DOCTYPE",
        ),
        (
            "an external entity",
            XML,
            "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><integration-run><integration><code>&x;</code></integration></integration-run>".into(),
            "DOCTYPE",
        ),
        (
            "an integer of 500,000 digits",
            JSON,
            format!("{{\"integration\": {{\"code\": \"A\"}}, \"total-records\": \"{}\"}}", "9".repeat(500_000)),
            "characters left out",
        ),
    ];
    for (what, ct, body, phrase) in cases {
        let t = Instant::now();
        let a = m
            .call_raw("POST", "/api/integration_runs", ct, JSON, body)
            .await;
        let e = check(&a, 400, what);
        assert!(e.to_string().contains(phrase), "{what}: {e}");
        assert!(
            a.text.len() < 1000,
            "{what}: a {}-byte answer",
            a.text.len()
        );
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "{what}: {:?}",
            t.elapsed()
        );
    }
    before.same(&m, "hostile payloads");
}

// ------------------------------------------------------------------------------------------
// Methods and headers

#[tokio::test]
async fn odd_methods_and_headers() {
    let m = seeded(MockConfig::unlimited()).await;
    let before = Store::of(&m);
    for method in ["PROPFIND", "TRACE", "PATCH", "OPTIONS", "CONNECTX"] {
        let a = answer(
            m.http
                .request(
                    method.parse().expect("method"),
                    m.core("/api/integration_runs"),
                )
                .header(AUTHORIZATION, format!("Bearer {}", m.token)),
        )
        .await;
        check(&a, 405, method);
    }
    // An unsupported Content-Type is 415; a body sent with a GET is ignored.
    let a = m
        .call_raw(
            "POST",
            "/api/integration_runs",
            "text/yaml",
            JSON,
            "integration: {code: A}",
        )
        .await;
    check(&a, 415, "text/yaml");
    let a = m
        .call_raw(
            "GET",
            "/api/integration_runs/1",
            JSON,
            JSON,
            "{\"total-records\": 9}",
        )
        .await;
    assert_eq!(a.status, 200);
    // Headers over hyper's limits are answered by hyper (431), and the server carries on.
    let many: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    let big = format!("X-Big: {}\r\n", "v".repeat(200_000));
    for (what, extra) in [("200 headers", many), ("a 200 KB header", big)] {
        let req = format!(
            "GET /api/integration_runs HTTP/1.1\r\nHost: localhost\r\n{extra}Connection: close\r\n\r\n"
        );
        let out = raw_async(
            m.server.addr(),
            req.into_bytes(),
            true,
            Duration::from_secs(10),
        )
        .await;
        if !out.is_empty() {
            let r = parse_raw(&out, what);
            assert!(matches!(r.status, 400 | 431), "{what}: {}", r.head);
        }
    }
    before.same(&m, "odd methods and headers");
    let a = m.call("GET", "/api/integration_runs/1", None).await;
    assert_eq!(a.status, 200);
}

// ------------------------------------------------------------------------------------------
// The rate limit

#[tokio::test]
async fn a_flood_past_the_rate_limit_gets_429_with_retry_after() {
    let m = seeded(MockConfig {
        rate_limit: Some(RateLimit {
            per_second: 1,
            burst: 10,
        }),
        ..MockConfig::default()
    })
    .await;
    let before = Store::of(&m);
    let mut tasks = Vec::new();
    for i in 0..100 {
        let http = m.http.clone();
        let url = m.core("/api/integration_runs");
        let token = m.token.clone();
        tasks.push(tokio::spawn(async move {
            let accept = if i % 2 == 0 { JSON } else { XML };
            answer(
                http.post(url)
                    .header(AUTHORIZATION, format!("Bearer {token}"))
                    .header(ACCEPT, accept)
                    .header(CONTENT_TYPE, JSON)
                    .body(json!({"integration": {"code": format!("F{i}")}}).to_string()),
            )
            .await
        }));
    }
    let mut created = 0;
    let mut limited = 0;
    for t in tasks {
        let a = t.await.expect("a request");
        match a.status {
            201 => created += 1,
            429 => {
                limited += 1;
                check(&a, 429, "a throttled write");
                let wait: u64 = a
                    .header("retry-after")
                    .and_then(|v| v.parse().ok())
                    .expect("Retry-After in seconds");
                assert!((1..=60).contains(&wait), "{wait}");
            }
            s => panic!("{s}: {}", a.text),
        }
    }
    assert!(limited >= 80, "only {limited} of 100 throttled");
    assert!(created <= 20, "{created} created");
    // Exactly the writes that were let through reached the store.
    assert_eq!(
        m.server.records("integration-runs").len(),
        before
            .0
            .iter()
            .find(|(n, _)| n == "integration-runs")
            .map_or(0, |(_, r)| r.len())
            + created
    );
    // CSO and the token endpoint share the bucket (a token may have come back meanwhile).
    let mut cso = m.cso_call("GET", "/api/events", None).await;
    for _ in 0..5 {
        if cso.status == 429 {
            break;
        }
        cso = m.cso_call("GET", "/api/events", None).await;
    }
    check(&cso, 429, "a throttled CSO read");
    let token_request = || {
        answer(
            m.http
                .post(m.core("/oauth2/token"))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(
                    "grant_type=client_credentials&client_id=mock-client&client_secret=mock-secret",
                ),
        )
    };
    let mut a = token_request().await;
    for _ in 0..5 {
        if a.status == 429 {
            break;
        }
        a = token_request().await;
    }
    check(&a, 429, "a throttled token request");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let a = m.call("GET", "/api/integration_runs/1", None).await;
    assert_eq!(a.status, 200, "after the refill: {}", a.text);
}

/// CSO routes are also served at their plain paths (as the OpenAPI document's CSO server gives
/// them), with the same key check.
#[tokio::test]
async fn cso_routes_at_their_plain_paths_need_the_key_too() {
    let m = seeded(MockConfig::unlimited()).await;
    let before = Store::of(&m);
    let a = answer(m.http.get(m.core("/api/events")).header(ACCEPT, JSON)).await;
    check(&a, 401, "no key on a plain CSO path");
    let a = answer(
        m.http
            .get(m.core("/api/events"))
            .header(AUTHORIZATION, format!("Bearer {}", m.token)),
    )
    .await;
    check(&a, 401, "a Core token on a plain CSO path");
    before.same(&m, "refused plain CSO paths");
    let a = answer(
        m.http
            .get(m.core("/api/events"))
            .header("X-CSO-API-KEY", "mock-cso-key"),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["events"].as_array().map(Vec::len), Some(1));
    // Core routes are not served under /cso.
    let a = answer(
        m.http
            .get(m.cso("/api/integration_runs"))
            .header(AUTHORIZATION, format!("Bearer {}", m.token)),
    )
    .await;
    check(&a, 404, "a Core path under /cso");
}
