//! What a mock is started with.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use coupa_api::registry::{self, RESOURCES};
use serde_json::{Value, json};

use crate::{Error, Faults};

/// An OAuth 2.0 client the token endpoint (`POST /oauth2/token`) knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthClient {
    /// The `client_id` form field.
    pub client_id: String,
    /// The `client_secret` form field.
    pub client_secret: String,
    /// The scopes the client may ask for (`core.integration.read`, ...). A token request without
    /// a `scope` field gets all of them.
    pub scopes: Vec<String>,
}

/// The rate limit: a token bucket shared by every request, as Coupa documents it (25 requests per
/// second with a burst of 20). Requests over it get 429 with a `Retry-After` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests per second the bucket refills.
    pub per_second: u32,
    /// Requests the bucket holds (at least 1).
    pub burst: u32,
}

impl Default for RateLimit {
    /// 25 per second, burst 20.
    fn default() -> Self {
        RateLimit {
            per_second: 25,
            burst: 20,
        }
    }
}

/// How a mock behaves. `MockConfig::default()` is ready to use.
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// The OAuth 2.0 clients. Default: one client `mock-client` / `mock-secret` with every scope
    /// the registry names ([`registry_scopes`]).
    pub oauth_clients: Vec<OAuthClient>,
    /// The `X-CSO-API-KEY` the CSO routes require. Default: `mock-cso-key`.
    pub cso_api_key: String,
    /// How long an access token lives. Default: one hour.
    pub token_ttl: Duration,
    /// The rate limit; `None` switches it off (most tests want that). Default: Coupa's (25 per
    /// second, burst 20).
    pub rate_limit: Option<RateLimit>,
    /// The largest request body accepted, in bytes; larger ones get 413. Default: 1 MiB.
    pub body_limit: usize,
    /// How long a request body may take to arrive, from the end of the headers; a slower one
    /// gets 408 and the connection is closed. Other clients are served meanwhile. Default: 30 s.
    pub body_timeout: Duration,
    /// The user recorded in created-by and updated-by (a short user object). Default:
    /// `{"id": 1, "login": "api-user"}`.
    pub api_user: Value,
    /// Records to start with: `{"<resource name>": [objects...]}` (see [`load_seed`]).
    pub seed: Option<Value>,
    /// Faults to inject (see [`Faults`]). Default: none.
    pub faults: Option<Faults>,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            oauth_clients: vec![OAuthClient {
                client_id: "mock-client".into(),
                client_secret: "mock-secret".into(),
                scopes: registry_scopes(),
            }],
            cso_api_key: "mock-cso-key".into(),
            token_ttl: Duration::from_secs(3600),
            rate_limit: Some(RateLimit::default()),
            body_limit: 1024 * 1024,
            body_timeout: Duration::from_secs(30),
            api_user: json!({"id": 1, "login": "api-user"}),
            seed: None,
            faults: None,
        }
    }
}

impl MockConfig {
    /// The default configuration without a rate limit: what most tests want.
    pub fn unlimited() -> Self {
        MockConfig {
            rate_limit: None,
            ..MockConfig::default()
        }
    }
}

/// Every OAuth 2.0 scope the registry names (resources' read and write scopes and actions'
/// scopes), sorted.
pub fn registry_scopes() -> Vec<String> {
    let mut out = BTreeSet::new();
    for r in RESOURCES {
        out.extend(r.read_scope);
        out.extend(r.write_scope);
        out.extend(r.routes.iter().filter_map(|a| a.scope));
    }
    out.into_iter().map(str::to_owned).collect()
}

/// Reads a seed file: a JSON object `{"<resource name>": [objects...]}` (a single object stands
/// for a list of one). Resource names are the registry's (`integration-runs`, also
/// `integration-run`, `IntegrationRun`, `integration_runs`). The objects are checked when the mock
/// starts (see [`crate::MockState::seed`]); an unknown resource name is an error here already.
pub fn load_seed(path: impl AsRef<Path>) -> Result<Value, Error> {
    let path = path.as_ref();
    let text = std::fs::read(path)
        .map_err(|e| Error::Seed(format!("cannot read {}: {e}", path.display())))?;
    let v: Value = serde_json::from_slice(&text)
        .map_err(|e| Error::Seed(format!("{}: not JSON: {e}", path.display())))?;
    check_seed_names(&v).map_err(|e| Error::Seed(format!("{}: {e}", path.display())))?;
    Ok(v)
}

/// The seed is an object whose keys name resources.
pub(crate) fn check_seed_names(v: &Value) -> Result<(), String> {
    let m = v
        .as_object()
        .ok_or_else(|| "a seed is a JSON object {\"<resource name>\": [objects...]}".to_owned())?;
    for name in m.keys() {
        if registry::resource(name).is_none() {
            return Err(format!(
                "`{name}` is not a resource; known: {}",
                coupa_runtime::registry::names(registry::RESOURCES)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_client_has_every_scope() {
        let c = MockConfig::default();
        let scopes = &c.oauth_clients[0].scopes;
        for s in [
            "core.comment.read",
            "core.comment.write",
            "core.integration.read",
            "core.integration.write",
            "core.user.read",
        ] {
            assert!(scopes.iter().any(|x| x == s), "{s}");
        }
        assert_eq!(c.rate_limit, Some(RateLimit::default()));
        assert!(MockConfig::unlimited().rate_limit.is_none());
    }

    #[test]
    fn seed_names_must_be_resources() {
        assert!(check_seed_names(&json!({"integration-runs": [], "IntegrationError": []})).is_ok());
        let e = check_seed_names(&json!({"widgets": []})).unwrap_err();
        assert!(
            e.contains("widgets") && e.contains("integration-runs"),
            "{e}"
        );
        assert!(check_seed_names(&json!([])).is_err());
    }
}
