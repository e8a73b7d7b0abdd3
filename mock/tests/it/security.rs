//! Tokens, scopes, the CSO key, the body limit, the rate limit, and hostile input: every refusal
//! is Coupa-shaped, no input gets a 5xx, and refused requests never change the store.

use crate::common;

use std::time::Duration;

use common::{JSON, Mock, answer, start, start_default, token};
use coupa_mock::{MockConfig, OAuthClient, RateLimit};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};

async fn token_request(m: &Mock, form: &str, basic: Option<&str>) -> common::Answer {
    let mut rb = m
        .http
        .post(m.core("/oauth2/token"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form.to_owned());
    if let Some(b) = basic {
        rb = rb.header(AUTHORIZATION, format!("Basic {b}"));
    }
    answer(rb).await
}

#[tokio::test]
async fn the_token_endpoint_follows_client_credentials() {
    let m = start_default().await;
    let a = token_request(
        &m,
        "grant_type=client_credentials&client_id=mock-client&client_secret=mock-secret&scope=core.integration.read+core.comment.read",
        None,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let v = a.json();
    assert_eq!(v["token_type"], "bearer");
    assert_eq!(v["expires_in"], 3600);
    assert_eq!(v["scope"], "core.integration.read core.comment.read");
    assert!(v["access_token"].as_str().is_some_and(|t| t.len() >= 32));

    // No scope asked: every scope of the client.
    let a = token_request(
        &m,
        "grant_type=client_credentials&client_id=mock-client&client_secret=mock-secret",
        None,
    )
    .await;
    assert_eq!(a.status, 200);
    assert!(
        a.json()["scope"]
            .as_str()
            .unwrap_or_default()
            .contains("core.user.read")
    );

    // The client in HTTP Basic ("mock-client:mock-secret").
    let a = token_request(
        &m,
        "grant_type=client_credentials",
        Some("bW9jay1jbGllbnQ6bW9jay1zZWNyZXQ="),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);

    let a = token_request(
        &m,
        "grant_type=client_credentials&client_id=mock-client&client_secret=wrong",
        None,
    )
    .await;
    assert_eq!(a.status, 401);
    assert_eq!(a.json()["error"], "invalid_client");
    let a = token_request(
        &m,
        "grant_type=client_credentials&client_id=nobody&client_secret=mock-secret",
        None,
    )
    .await;
    assert_eq!(a.status, 401);
    assert_eq!(a.json()["error"], "invalid_client");
    let a = token_request(&m, "grant_type=client_credentials", None).await;
    assert_eq!(a.status, 401);
    let a = token_request(&m, "grant_type=client_credentials&client_id=mock-client&client_secret=mock-secret&scope=core.everything.write", None).await;
    assert_eq!(a.status, 400);
    assert_eq!(a.json()["error"], "invalid_scope");
    let a = token_request(
        &m,
        "grant_type=password&client_id=mock-client&client_secret=mock-secret",
        None,
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.json()["error"], "unsupported_grant_type");
    let a = answer(m.http.get(m.core("/oauth2/token"))).await;
    assert_eq!(a.status, 405);
}

#[tokio::test]
async fn core_routes_need_a_valid_token_with_the_scope() {
    let m = start(MockConfig {
        rate_limit: None,
        token_ttl: Duration::from_millis(800),
        oauth_clients: vec![
            OAuthClient {
                client_id: "reader".into(),
                client_secret: "s3cret".into(),
                scopes: vec!["core.integration.read".into()],
            },
            MockConfig::default().oauth_clients.remove(0),
        ],
        ..MockConfig::default()
    })
    .await;
    let create = json!({"integration": {"code": "SAP"}}).to_string();
    let post = |auth: Option<String>| {
        let mut rb = m
            .http
            .post(m.core("/api/integration_runs"))
            .header(ACCEPT, JSON)
            .header(CONTENT_TYPE, JSON)
            .body(create.clone());
        if let Some(a) = auth {
            rb = rb.header(AUTHORIZATION, a);
        }
        answer(rb)
    };

    // Missing, malformed, forged.
    for auth in [
        None,
        Some("Token abc".to_owned()),
        Some("Bearer forged-token".to_owned()),
        Some("mock-cso-key".to_owned()),
    ] {
        let a = post(auth.clone()).await;
        assert_eq!(a.status, 401, "{auth:?}: {}", a.text);
        assert!(
            a.header("www-authenticate")
                .is_some_and(|h| h.starts_with("Bearer")),
            "{auth:?}"
        );
        assert_eq!(a.errors("integration-run").len(), 1, "{auth:?}");
    }
    // A CSO key is not a Core credential either.
    let a = answer(
        m.http
            .get(m.core("/api/integration_runs"))
            .header("X-CSO-API-KEY", "mock-cso-key"),
    )
    .await;
    assert_eq!(a.status, 401);

    // A read token: reads, but may not write.
    let http = reqwest::Client::new();
    let form = "grant_type=client_credentials&client_id=reader&client_secret=s3cret";
    let a = answer(
        http.post(m.core("/oauth2/token"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form),
    )
    .await;
    let read = a.json()["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let a = answer(
        m.http
            .get(m.core("/api/integration_runs"))
            .header(AUTHORIZATION, format!("Bearer {read}")),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let a = post(Some(format!("Bearer {read}"))).await;
    assert_eq!(a.status, 403, "{}", a.text);
    assert!(
        a.header("www-authenticate")
            .is_some_and(|h| h.contains("insufficient_scope"))
    );
    assert!(a.errors("integration-run")[0].contains("core.integration.write"));
    // Comments need their own scope.
    let a = answer(
        m.http
            .get(m.core("/api/invoices/1/comments"))
            .header(AUTHORIZATION, format!("Bearer {read}")),
    )
    .await;
    assert_eq!(a.status, 403);

    // A full token writes; once expired, it is refused.
    let full = token(&m.http, &m.server.core_url(), "core.integration.write").await;
    let a = post(Some(format!("Bearer {full}"))).await;
    assert_eq!(a.status, 201, "{}", a.text);
    tokio::time::sleep(Duration::from_millis(900)).await;
    let a = post(Some(format!("Bearer {full}"))).await;
    assert_eq!(a.status, 401);
    assert!(
        a.header("www-authenticate")
            .is_some_and(|h| h.contains("invalid_token"))
    );
    assert!(
        a.errors("integration-run")[0].contains("expired"),
        "{}",
        a.text
    );

    // Only the one authorised create reached the store.
    assert_eq!(m.server.records("integration-runs").len(), 1);
}

#[tokio::test]
async fn cso_routes_need_the_api_key() {
    let m = start_default().await;
    let get = |key: Option<&str>, bearer: bool| {
        let mut rb = m.http.get(m.cso("/api/events")).header(ACCEPT, JSON);
        if let Some(k) = key {
            rb = rb.header("X-CSO-API-KEY", k);
        }
        if bearer {
            rb = rb.header(AUTHORIZATION, format!("Bearer {}", m.token));
        }
        answer(rb)
    };
    let a = get(None, false).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.errors("event").len(), 1);
    assert_eq!(get(Some("wrong"), false).await.status, 401);
    assert_eq!(
        get(None, true).await.status,
        401,
        "a Core token is not a CSO key"
    );
    assert_eq!(get(Some(&m.token), false).await.status, 401);
    assert_eq!(get(Some("mock-cso-key"), false).await.status, 200);
    // CSO paths are also served at their plain paths (with the key), but Core's never under /cso.
    let a = answer(
        m.http
            .get(m.core("/api/events"))
            .header("X-CSO-API-KEY", "mock-cso-key"),
    )
    .await;
    assert_eq!(a.status, 200);
    let a = answer(
        m.http
            .get(m.core("/api/events"))
            .header(AUTHORIZATION, format!("Bearer {}", m.token)),
    )
    .await;
    assert_eq!(
        a.status, 401,
        "a Core token is not a CSO key on the plain path either"
    );
    let a = answer(
        m.http
            .get(m.cso("/api/integration_runs"))
            .header(AUTHORIZATION, format!("Bearer {}", m.token)),
    )
    .await;
    assert_eq!(a.status, 404);
}

#[tokio::test]
async fn bodies_over_the_limit_get_413() {
    let m = start(MockConfig {
        rate_limit: None,
        body_limit: 1024,
        ..MockConfig::default()
    })
    .await;
    let big = json!({"integration": {"code": "x".repeat(2000)}}).to_string();
    let a = m
        .call_raw("POST", "/api/integration_runs", JSON, JSON, big.clone())
        .await;
    assert_eq!(a.status, 413, "{}", a.text);
    assert_eq!(a.errors("integration-run").len(), 1);
    // Without a Content-Length (a chunked body) too.
    let (status, text) = chunked_post(&m, "/api/integration_runs", big.as_bytes()).await;
    assert!(status.contains(" 413 "), "{status}: {text}");
    assert!(text.contains("integration-run"), "{text}");
    let a = answer(
        m.http
            .post(m.cso("/api/events"))
            .header("X-CSO-API-KEY", "mock-cso-key")
            .header(CONTENT_TYPE, JSON)
            .body(vec![b' '; 4096]),
    )
    .await;
    assert_eq!(a.status, 413);
    assert!(m.server.records("integration-runs").is_empty());
    // Under the limit: fine.
    let a = m
        .call(
            "POST",
            "/api/integration_runs",
            Some(json!({"integration": {"code": "small"}})),
        )
        .await;
    assert_eq!(a.status, 201);
}

/// Posts a chunked body (no Content-Length) over a raw connection; answers the status line and
/// the whole response.
async fn chunked_post(m: &Mock, path: &str, body: &[u8]) -> (String, String) {
    use std::io::{Read, Write};
    let addr = m.server.addr();
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        m.token
    )
    .into_bytes();
    for chunk in body.chunks(256) {
        req.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        req.extend_from_slice(chunk);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    let out = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).expect("connect");
        // The server may answer and close before reading everything.
        let _ = s.write_all(&req);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        out
    })
    .await
    .expect("the raw request");
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.lines().next().unwrap_or_default().to_owned() + " ";
    (status, text)
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    let m = start(MockConfig {
        rate_limit: Some(RateLimit {
            per_second: 1,
            burst: 3,
        }),
        ..MockConfig::default()
    })
    .await;
    // The token request (in `start`) took one; two remain.
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..4 {
        let a = m
            .call(
                "POST",
                "/api/integration_runs",
                Some(json!({"integration": {"code": "SAP"}})),
            )
            .await;
        statuses.push(a.status);
        last = Some(a);
    }
    assert_eq!(statuses, [201, 201, 429, 429]);
    let a = last.expect("an answer");
    let retry: u64 = a
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!(retry >= 1);
    assert!(a.json()["errors"].is_object(), "{}", a.text);
    assert_eq!(
        m.server.records("integration-runs").len(),
        2,
        "throttled writes change nothing"
    );
    // After the refill, requests pass again.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let a = m.call("GET", "/api/integration_runs", None).await;
    assert_eq!(a.status, 200);
}

#[tokio::test]
async fn hostile_input_never_gets_a_5xx() {
    let m = start_default().await;
    let bodies: [&[u8]; 10] = [
        b"",
        b"null",
        b"[]",
        b"[{}]",
        b"\"text\"",
        // (Not `{"integration": []}`: serde reads a struct from a JSON array, so the codec takes
        // it as an empty integration.)
        b"{\"integration\": 7}",
        b"{\"id\": 99999999999999999999999}",
        b"\xff\xfe\x00",
        b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>",
        b"{\"events\": [null, 1, \"x\", {\"id\": null}]}",
    ];
    let paths = [
        ("POST", "/api/integration_runs"),
        ("PUT", "/api/integration_runs/1"),
        ("PUT", "/api/integration_runs/1/run"),
        ("POST", "/api/invoices/abc/comments"),
        ("POST", "/api/invoices/99999999999999999999/comments"),
        ("PUT", "/api/integration_errors/1/resolve"),
        ("GET", "/api/integration_runs?integration[code][id][x]=1"),
        ("GET", "/api/integration_runs?id[in]=,,,"),
        ("GET", "/api/integration_runs?fields=[1,{\"a\":2},null]"),
        ("GET", "/api/integration_runs?created_at[gt]=yesterday"),
        (
            "GET",
            "/api/integration_runs?offset=99999999999999999999999",
        ),
        ("GET", "/api/comments/1/attachments/%00"),
    ];
    m.call(
        "POST",
        "/api/integration_runs",
        Some(json!({"integration": {"code": "A"}})),
    )
    .await;
    let before = m.server.records("integration-runs");
    for (method, path) in paths {
        for body in bodies {
            for ct in [JSON, common::XML] {
                let a = m.call_raw(method, path, ct, ct, body.to_vec()).await;
                assert!(
                    a.status < 500,
                    "{method} {path} {ct} {body:?}: {} {}",
                    a.status,
                    a.text
                );
            }
        }
    }
    for body in bodies {
        let a = answer(
            m.http
                .put(m.cso("/api/events"))
                .header("X-CSO-API-KEY", "mock-cso-key")
                .header(CONTENT_TYPE, JSON)
                .body(body.to_vec()),
        )
        .await;
        assert!(a.status < 500, "{body:?}: {} {}", a.status, a.text);
    }
    // The only writes that passed were valid ones: the record is still readable and well-typed.
    let after = m.server.records("integration-runs");
    assert_eq!(after.len(), before.len());
    assert_eq!(after[0]["integration"], before[0]["integration"]);
    let a = m.call("GET", "/api/integration_runs/1", None).await;
    let v: Value = a.json();
    assert_eq!(v["id"], 1);
}
