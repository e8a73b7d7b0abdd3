//! Helpers shared by the suites: a started mock, a reqwest client and a token.

use coupa_mock::{MockConfig, MockServer};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::Value;

pub const JSON: &str = "application/json";
pub const XML: &str = "application/xml";
pub const ALL_SCOPES: &str = "core.comment.read core.comment.write core.integration.read core.integration.write core.user.read";

/// A mock and a client holding a token with every scope.
pub struct Mock {
    pub server: MockServer,
    pub http: reqwest::Client,
    pub token: String,
}

pub async fn start(config: MockConfig) -> Mock {
    let server = MockServer::start(config).await.expect("the mock starts");
    let http = reqwest::Client::new();
    let token = token(&http, &server.core_url(), ALL_SCOPES).await;
    Mock {
        server,
        http,
        token,
    }
}

/// The default configuration without the rate limit.
pub async fn start_default() -> Mock {
    start(MockConfig::unlimited()).await
}

/// A token from the token endpoint.
pub async fn token(http: &reqwest::Client, core: &str, scope: &str) -> String {
    let form = format!(
        "grant_type=client_credentials&client_id=mock-client&client_secret=mock-secret&scope={}",
        scope.replace(' ', "+")
    );
    let res = http
        .post(format!("{core}/oauth2/token"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .expect("token request");
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.expect("token json");
    v["access_token"].as_str().expect("access_token").to_owned()
}

/// What came back.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// The messages of a JSON Coupa error body about `resource`.
    pub fn errors(&self, resource: &str) -> Vec<String> {
        let v = self.json();
        v["errors"][resource]
            .as_array()
            .unwrap_or_else(|| panic!("no errors about {resource}: {}", self.text))
            .iter()
            .map(|m| m.as_str().unwrap_or_default().to_owned())
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

impl Mock {
    pub fn core(&self, path: &str) -> String {
        format!("{}{path}", self.server.core_url())
    }

    pub fn cso(&self, path: &str) -> String {
        format!("{}{path}", self.server.cso_url())
    }

    /// A Core request with the token, in JSON.
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Answer {
        let mut rb = self
            .http
            .request(method.parse().expect("method"), self.core(path))
            .header(AUTHORIZATION, format!("Bearer {}", self.token))
            .header(ACCEPT, JSON);
        if let Some(b) = body {
            rb = rb.header(CONTENT_TYPE, JSON).body(b.to_string());
        }
        answer(rb).await
    }

    /// A Core request with the token, with a raw body and formats.
    pub async fn call_raw(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        accept: &str,
        body: impl Into<reqwest::Body>,
    ) -> Answer {
        let rb = self
            .http
            .request(method.parse().expect("method"), self.core(path))
            .header(AUTHORIZATION, format!("Bearer {}", self.token))
            .header(ACCEPT, accept)
            .header(CONTENT_TYPE, content_type)
            .body(body);
        answer(rb).await
    }

    /// A CSO request with the API key, in JSON.
    pub async fn cso_call(&self, method: &str, path: &str, body: Option<Value>) -> Answer {
        let mut rb = self
            .http
            .request(method.parse().expect("method"), self.cso(path))
            .header("X-CSO-API-KEY", "mock-cso-key")
            .header(ACCEPT, JSON);
        if let Some(b) = body {
            rb = rb.header(CONTENT_TYPE, JSON).body(b.to_string());
        }
        answer(rb).await
    }
}

pub async fn answer(rb: reqwest::RequestBuilder) -> Answer {
    let res = rb.send().await.expect("the request is answered");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.expect("a body");
    Answer {
        status,
        headers,
        text,
    }
}
