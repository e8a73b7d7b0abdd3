//! From a profile to a client: the credentials a route needs, the tracer of `--verbose`, and how
//! a failed call is told.

use std::time::Duration;

use coupa_runtime::client::{Auth, Client, ClientError, Config, OAuth, Trace, Tracer};
use coupa_runtime::registry::Route;
use coupa_runtime::{Format, Host};

use crate::profile::{self, Profile, Redactor};

/// The options every command that talks to Coupa takes.
#[derive(Clone, Debug, clap::Args)]
pub struct Remote {
    /// The profile of `~/.config/coupa/config.toml` (or `COUPA_CONFIG`) to use.
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// Trace every request, answer and retry on stderr (never a credential).
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// Seconds to wait for an answer.
    #[arg(long, global = true, default_value_t = 60.0)]
    pub timeout: f64,
}

/// A client ready for one host, and what the command needs to tell its failures.
pub struct Session {
    /// The client.
    pub client: Client,
    /// Hides the profile's secrets in every message.
    pub redactor: Redactor,
    /// The scopes the token asks for.
    pub scopes: Vec<String>,
    /// The runtime the calls run on.
    pub runtime: tokio::runtime::Runtime,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A client for `host` with the profile's credentials; Core tokens ask for the profile's scopes,
/// or for the route's own `scope` when the profile names none.
pub fn connect(
    remote: &Remote,
    host: Host,
    scope: Option<&str>,
    format: Option<Format>,
    concurrency: usize,
) -> Result<Session, String> {
    let p: Profile = profile::load(remote.profile.as_deref(), &env)?;
    let redactor = Redactor::for_profile(&p);
    let which = p
        .name
        .as_deref()
        .map_or("the environment".to_owned(), |n| format!("profile `{n}`"));
    let base = p.base_url.clone().unwrap_or_default();
    let mut config = Config::new(base.clone());
    config.format = format.or(p.format).unwrap_or(Format::Json);
    config.cso_url = p.cso_url.clone();
    config.concurrency = concurrency.max(1);
    if remote.timeout.is_finite() && remote.timeout > 0.0 {
        config.timeout = Duration::from_secs_f64(remote.timeout);
        config.connect_timeout = config.connect_timeout.min(config.timeout);
    }
    let mut scopes = p.scopes.clone();
    match host {
        Host::Core => {
            let missing = |what: &str, var: &str| {
                format!("{which} has no {what} (set it in the profile or in {var})")
            };
            if base.is_empty() {
                return Err(missing("base URL", "COUPA_BASE_URL"));
            }
            let client_id = p
                .client_id
                .clone()
                .ok_or_else(|| missing("client id", "COUPA_CLIENT_ID"))?;
            let client_secret = p.client_secret.clone().ok_or_else(|| {
                missing(
                    "client secret",
                    "COUPA_CLIENT_SECRET, client_secret_env or client_secret_file",
                )
            })?;
            if scopes.is_empty() {
                scopes.extend(scope.map(str::to_owned));
            }
            config.oauth = Some(OAuth {
                client_id,
                client_secret,
                scopes: scopes.clone(),
            });
        }
        Host::Cso => {
            if p.cso_url.is_none() {
                return Err(format!(
                    "{which} has no CSO URL (set cso_url in the profile or COUPA_CSO_URL)"
                ));
            }
            config.cso_api_key = Some(p.cso_api_key.clone().ok_or_else(|| {
                format!(
                    "{which} has no CSO API key (set COUPA_CSO_API_KEY, cso_api_key_env or cso_api_key_file)"
                )
            })?);
        }
    }
    if remote.verbose {
        let r = redactor.clone();
        config.tracer = Some(Tracer::new(move |t| {
            eprintln!("{}", r.clean(&trace_line(t)))
        }));
    }
    let client = Client::new(config).map_err(|e| redactor.clean(&e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    Ok(Session {
        client,
        redactor,
        scopes,
        runtime,
    })
}

/// One line of `--verbose`.
fn trace_line(t: &Trace<'_>) -> String {
    match t {
        Trace::Request {
            method,
            url,
            attempt,
            auth,
        } => {
            let auth = match auth {
                Auth::Bearer => "Authorization: Bearer ***",
                Auth::CsoKey => "X-CSO-API-KEY: ***",
                Auth::ClientCredentials => "client credentials in the form, secret ***",
            };
            format!("> {method} {url} (attempt {attempt}; {auth})")
        }
        Trace::Answer {
            status,
            bytes,
            elapsed,
        } => format!(
            "< {status} {} ({bytes} bytes in {:.1} ms)",
            reason(*status),
            elapsed.as_secs_f64() * 1000.0
        ),
        Trace::Failed { error, elapsed } => format!(
            "< no answer: {error} after {:.1} ms",
            elapsed.as_secs_f64() * 1000.0
        ),
        Trace::Retry { reason, wait } => {
            format!("  retrying after {:.1} s ({reason})", wait.as_secs_f64())
        }
        Trace::Renew => "  the token was refused: renewing it once".to_owned(),
        _ => String::new(),
    }
}

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// Coupa's error messages, one line each (`  resource: message`), or the start of a body that
/// is not Coupa's.
fn error_lines(errors: Option<&coupa_runtime::CoupaErrors>, body: &str) -> Vec<String> {
    match errors {
        Some(errs) => errs
            .by_resource
            .iter()
            .flat_map(|(resource, messages)| {
                messages.iter().map(move |m| format!("  {resource}: {m}"))
            })
            .chain(errs.general.iter().map(|m| format!("  {m}")))
            .collect(),
        None if !body.trim().is_empty() => {
            vec![format!(
                "  {}",
                body.trim().chars().take(500).collect::<String>()
            )]
        }
        None => Vec::new(),
    }
}

/// Tells a failed call on stderr and answers the exit code: 2 when no answer came (network,
/// timeout) or the request could not be made, 1 when Coupa answered with an error.
pub fn report(e: &ClientError, route: &Route, session: &Session) -> u8 {
    let say = |s: String| eprintln!("{}", session.redactor.clean(&s));
    match e {
        ClientError::Transport(m) => {
            say(format!("error: no answer from Coupa: {m}"));
            2
        }
        ClientError::Status {
            status,
            errors,
            body,
        } => {
            say(format!(
                "error: Coupa answered {status} {} to {} {}",
                reason(*status),
                route.method,
                route.path
            ));
            for line in error_lines(errors.as_ref(), body) {
                say(line);
            }
            if *status == 403
                && let Some(scope) = route.scope
                && !session.scopes.iter().any(|s| s == scope)
            {
                say(format!(
                    "  this route needs the scope `{scope}`, and the token asked for {}",
                    if session.scopes.is_empty() {
                        "none".to_owned()
                    } else {
                        session.scopes.join(" ")
                    }
                ));
            }
            1
        }
        ClientError::Auth { status, body } => {
            let detail = serde_json::from_str::<serde_json::Value>(body)
                .ok()
                .and_then(|v| {
                    let d = v.get("error_description").or_else(|| v.get("error"))?;
                    d.as_str().map(str::to_owned)
                })
                .unwrap_or_else(|| body.chars().take(200).collect());
            say(format!(
                "error: the token endpoint refused the credentials ({status} {}): {detail}",
                reason(*status)
            ));
            say("  check the profile's client id, client secret and scopes".to_owned());
            1
        }
        ClientError::RateLimited { attempts } => {
            say(format!(
                "error: Coupa still answered 429 (rate limited) after {attempts} attempts"
            ));
            1
        }
        ClientError::Decode(d) => {
            say(format!("error: cannot read Coupa's answer: {d}"));
            1
        }
        other => {
            say(format!("error: {other}"));
            2
        }
    }
}
