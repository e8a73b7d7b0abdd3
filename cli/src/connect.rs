//! From a profile to a client: the credentials a route needs, the tracer of `--verbose`, and how
//! a failed call is told.

use std::time::Duration;

use coupa_runtime::client::{
    Auth, Client, ClientError, Config, GaveUp, OAuth, Pacing, Stop, Trace, Tracer,
};
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
    /// Requests per second to pace to (default: the profile's `rate`, else Coupa's limit, 25);
    /// 0 switches pacing off.
    #[arg(long, global = true, value_name = "PER_SECOND")]
    pub rate: Option<f64>,
    /// Requests that may go at once after a quiet spell (default: the profile's `burst`, else
    /// 20).
    #[arg(long, global = true)]
    pub burst: Option<u32>,
}

/// The pacing and the timeout of the flags (and of the profile).
fn pace_and_time(config: &mut Config, remote: &Remote, p: &Profile) -> Result<(), String> {
    config.pacing = pacing(remote, p)?;
    if remote.timeout.is_finite() && remote.timeout > 0.0 {
        config.timeout = Duration::from_secs_f64(remote.timeout);
        config.connect_timeout = config.connect_timeout.min(config.timeout);
    }
    Ok(())
}

/// The pacing of the flags over the profile's over Coupa's limit; `None` when the rate is 0.
fn pacing(remote: &Remote, p: &Profile) -> Result<Option<Pacing>, String> {
    let default = Pacing::default();
    let rate = remote.rate.or(p.rate).unwrap_or(default.per_second);
    let burst = remote.burst.or(p.burst).unwrap_or(default.burst);
    if rate == 0.0 {
        return Ok(None);
    }
    if !(rate.is_finite() && rate > 0.0) || burst == 0 {
        return Err(format!(
            "cannot pace to {rate} requests per second with a burst of {burst}: the rate is a \
             positive number (0 switches pacing off) and the burst at least 1"
        ));
    }
    Ok(Some(Pacing::new(rate, burst)))
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
    pace_and_time(&mut config, remote, &p)?;
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
        Trace::Paced { wait } => format!(
            "  paced: waited {:.0} ms for the rate limit",
            wait.as_secs_f64() * 1000.0
        ),
        Trace::Pace { per_second } => {
            format!("  pacing to {per_second:.2} requests per second")
        }
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
    let (lines, code) = describe(e, route, session);
    for line in lines {
        eprintln!("{}", session.redactor.clean(&line));
    }
    code
}

/// The lines that tell a failure (the first starts with `error: `), and the exit code.
fn describe(e: &ClientError, route: &Route, session: &Session) -> (Vec<String>, u8) {
    match e {
        ClientError::Transport(m) => (vec![format!("error: no answer from Coupa: {m}")], 2),
        ClientError::Status {
            status,
            errors,
            body,
        } => {
            let mut lines = vec![format!(
                "error: Coupa answered {status} {} to {} {}",
                reason(*status),
                route.method,
                route.path
            )];
            lines.extend(error_lines(errors.as_ref(), body));
            if *status == 403
                && let Some(scope) = route.scope
                && !session.scopes.iter().any(|s| s == scope)
            {
                lines.push(format!(
                    "  this route needs the scope `{scope}`, and the token asked for {}",
                    if session.scopes.is_empty() {
                        "none".to_owned()
                    } else {
                        session.scopes.join(" ")
                    }
                ));
            }
            (lines, 1)
        }
        ClientError::Auth { status, body } => {
            let detail = serde_json::from_str::<serde_json::Value>(body)
                .ok()
                .and_then(|v| {
                    let d = v.get("error_description").or_else(|| v.get("error"))?;
                    d.as_str().map(str::to_owned)
                })
                .unwrap_or_else(|| body.chars().take(200).collect());
            let lines = vec![
                format!(
                    "error: the token endpoint refused the credentials ({status} {}): {detail}",
                    reason(*status)
                ),
                "  check the profile's client id, client secret and scopes".to_owned(),
            ];
            (lines, 1)
        }
        ClientError::GaveUp(g) => gave_up(g, route, session),
        ClientError::Page {
            offset,
            limit,
            error,
        } => {
            let (mut lines, code) = describe(error, route, session);
            let page = format!(
                "page {} of the listing (offset {offset}, limit {limit})",
                offset / (*limit).max(1) + 1
            );
            if let Some(first) = lines.first_mut() {
                *first = first.replacen("error: ", &format!("error: {page}: "), 1);
            }
            (lines, code)
        }
        ClientError::Decode(d) => (vec![format!("error: cannot read Coupa's answer: {d}")], 1),
        other => (vec![format!("error: {other}")], 2),
    }
}

/// A request the client gave up on: the last failure, then what was tried.
fn gave_up(g: &GaveUp, route: &Route, session: &Session) -> (Vec<String>, u8) {
    let attempts = match g.attempts {
        1 => "1 attempt".to_owned(),
        n => format!("{n} attempts"),
    };
    if g.stop == Stop::Exhausted && g.last.status() == Some(429) {
        let line = format!(
            "error: Coupa still answered 429 (rate limited) to {} {} after {attempts}",
            g.method, g.url
        );
        return (vec![line], 1);
    }
    let (mut lines, code) = describe(&g.last, route, session);
    let why = match g.stop {
        Stop::Exhausted => format!("gave up on {} {} after {attempts}", g.method, g.url),
        Stop::MayHaveActed => format!(
            "{} {} was not sent again ({attempts}): Coupa may have acted on it, so check \
             whether it did before sending it again",
            g.method, g.url
        ),
    };
    match lines.first_mut() {
        Some(first) if code == 2 => first.push_str(&format!("; {why}")),
        _ => lines.insert(1.min(lines.len()), format!("  {why}")),
    }
    (lines, code)
}
