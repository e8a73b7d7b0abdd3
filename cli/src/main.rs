//! `coupa`: the command line of coupa-codegen.
//!
//! - `coupa validate RESOURCE ACTION FILE...` checks payloads against the schemas' rules and prints
//!   every violation as a JSON line (exit 0: valid, 1: violations, 2: a file cannot be read);
//! - `coupa convert RESOURCE FILE --to json|xml` converts a payload between JSON and XML, keeping
//!   the elements the schemas do not know (exit 2 when it cannot be read or written);
//! - `coupa mock` runs the in-memory Coupa of `coupa-mock` on 127.0.0.1 until Ctrl-C;
//! - `coupa routes` prints every route with its method, path, host and resource.
#![forbid(unsafe_code)]

mod payload;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use coupa_api::registry;
use coupa_runtime::registry::Resource;
use coupa_runtime::{Format, Violations};
use serde_json::json;

#[derive(Parser)]
#[command(
    name = "coupa",
    version,
    about = "Work with Coupa API payloads, generated from Coupa's documentation."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Json,
    Xml,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Json => Format::Json,
            FormatArg::Xml => Format::Xml,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Check payloads (a single object, a list, or the resource's bulk envelope) for an action.
    ///
    /// Prints one JSON line per violation: {"file", "path", "rule", "message"}. Exits 0 when every
    /// payload is valid, 1 when a violation is found, 2 when a file cannot be read or parsed.
    Validate {
        /// The resource: `integration-runs`, `integration_runs` or `IntegrationRun`.
        resource: String,
        /// The action whose rules apply: `create`, `update`, `run`, ... (see `coupa routes`).
        action: String,
        /// The payload files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The files' format (default: by extension, else JSON).
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
    },
    /// Convert a payload of a resource (an object, a list or an envelope) between JSON and XML.
    ///
    /// Elements the schemas do not know are kept, so nothing in the payload is lost. The result
    /// goes to standard output.
    Convert {
        /// The resource: `integration-runs`, `integration_runs` or `IntegrationRun`.
        resource: String,
        /// The payload file.
        file: PathBuf,
        /// The format to write.
        #[arg(long, value_enum)]
        to: FormatArg,
        /// The file's format (default: by extension, else JSON).
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
    },
    /// Run an in-memory Coupa on 127.0.0.1, serving every route of the schemas, until Ctrl-C.
    ///
    /// Core routes are served at their paths (with the OAuth 2.0 token endpoint at /oauth2/token),
    /// CSO routes under /cso and also at their plain paths (as the OpenAPI document gives them).
    /// Default credentials: client `mock-client` / `mock-secret` (every scope), CSO key
    /// `mock-cso-key`.
    Mock {
        /// The port (0 picks a free one; the address is printed).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// A JSON file of records to start with: {"integration-runs": [...], "events": [...]}.
        #[arg(long)]
        seed: Option<PathBuf>,
        /// Switch off Coupa's rate limit (25 requests per second, burst 20).
        #[arg(long)]
        no_rate_limit: bool,
        /// The OAuth 2.0 client id accepted by /oauth2/token.
        #[arg(long, default_value = "mock-client")]
        client_id: String,
        /// Its secret.
        #[arg(long, default_value = "mock-secret")]
        client_secret: String,
        /// The X-CSO-API-KEY accepted by the CSO routes.
        #[arg(long, default_value = "mock-cso-key")]
        cso_key: String,
    },
    /// Print every route: method, path, host, resource and action.
    Routes {
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// The stack of the thread that runs the command and of the mock's workers. The largest models
/// hold their nested objects inline (an inventory transaction is 355 KB), and reading one takes
/// several times that: up to 11 MiB in a release build and about 25 MiB in a debug build, more
/// than the 8 MiB of `main` or the 2 MiB of a tokio worker (see the README, "Debug builds need a
/// larger stack"). A stack is reserved address space; only the pages used take memory.
const STACK: usize = 64 << 20;

fn main() -> ExitCode {
    match std::thread::Builder::new()
        .name("coupa".to_owned())
        .stack_size(STACK)
        .spawn(run)
    {
        Ok(t) => t.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> ExitCode {
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    let code = match cli.command {
        Command::Validate {
            resource,
            action,
            files,
            format,
        } => validate(
            &mut out,
            &resource,
            &action,
            &files,
            format.map(Format::from),
        ),
        Command::Routes { json } => routes(&mut out, json),
        Command::Mock {
            port,
            seed,
            no_rate_limit,
            client_id,
            client_secret,
            cso_key,
        } => {
            drop(out);
            return ExitCode::from(mock(
                port,
                seed,
                no_rate_limit,
                client_id,
                client_secret,
                cso_key,
            ));
        }
        Command::Convert {
            resource,
            file,
            to,
            format,
        } => convert(
            &mut out,
            &resource,
            &file,
            to.into(),
            format.map(Format::from),
        ),
    };
    let _ = out.flush();
    ExitCode::from(code)
}

/// The resource with this name, or `None` after saying which resources there are.
fn find_resource(name: &str) -> Option<&'static Resource> {
    let r = registry::resource(name);
    if r.is_none() {
        eprintln!(
            "error: unknown resource `{name}`; the resources are {}",
            coupa_runtime::registry::names(registry::RESOURCES)
        );
    }
    r
}

fn validate(
    out: &mut impl Write,
    resource: &str,
    action: &str,
    files: &[PathBuf],
    format: Option<Format>,
) -> u8 {
    let Some(r) = find_resource(resource) else {
        return 2;
    };
    let Some(a) = r.action(action) else {
        let names: Vec<&str> = r.routes.iter().map(|a| a.name).collect();
        eprintln!(
            "error: `{}` has no action `{action}`; its actions are {}",
            r.name,
            names.join(", ")
        );
        return 2;
    };
    let Some(mode) = a.kind.mode() else {
        eprintln!(
            "error: `{} {action}` takes no body, so there is nothing to validate",
            r.name
        );
        return 2;
    };
    let mut code = 0;
    for file in files {
        let shown = file.display().to_string();
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{shown}: cannot read the file: {e}");
                code = 2;
                continue;
            }
        };
        let fmt = payload::format_of(file, format);
        let result = match payload::read(r, fmt, &bytes) {
            Ok(payload::Payload::One(v)) => (r.codec.validate)(&v, mode, None, None),
            Ok(payload::Payload::List(items)) => (r.codec.validate_batch)(&items, mode, None, ""),
            Ok(payload::Payload::Envelope { key, items, .. }) => {
                (r.codec.validate_batch)(&items, mode, None, key)
            }
            Err(e) => {
                let at = e
                    .path
                    .as_deref()
                    .filter(|p| !p.is_empty())
                    .map(|p| format!(" (at {p})"))
                    .unwrap_or_default();
                eprintln!(
                    "{shown}:{}:{}: invalid {}{at}: {}",
                    e.line, e.column, e.format, e.message
                );
                code = 2;
                continue;
            }
        };
        if let Err(Violations(vs)) = result {
            for v in vs {
                // Keys in the documented order: file, path, rule, message.
                let _ = writeln!(
                    out,
                    "{{\"file\":{},\"path\":{},\"rule\":{},\"message\":{}}}",
                    json!(shown),
                    json!(v.path),
                    json!(v.rule.as_str()),
                    json!(v.message)
                );
            }
            if code == 0 {
                code = 1;
            }
        }
    }
    code
}

fn convert(
    out: &mut impl Write,
    resource: &str,
    file: &std::path::Path,
    to: Format,
    format: Option<Format>,
) -> u8 {
    let Some(r) = find_resource(resource) else {
        return 2;
    };
    let shown = file.display();
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{shown}: cannot read the file: {e}");
            return 2;
        }
    };
    let from = payload::format_of(file, format);
    match payload::convert(r, from, &bytes, to) {
        Ok(converted) => {
            let _ = out.write_all(&converted);
            0
        }
        Err(e) => {
            eprintln!("{shown}: {e}");
            2
        }
    }
}

fn mock(
    port: u16,
    seed: Option<PathBuf>,
    no_rate_limit: bool,
    client_id: String,
    client_secret: String,
    cso_key: String,
) -> u8 {
    let mut config = coupa_mock::MockConfig::default();
    if no_rate_limit {
        config.rate_limit = None;
    }
    config.cso_api_key = cso_key;
    for c in &mut config.oauth_clients {
        c.client_id = client_id.clone();
        c.client_secret = client_secret.clone();
    }
    if let Some(path) = seed {
        match coupa_mock::load_seed(&path) {
            Ok(v) => config.seed = Some(v),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(STACK)
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return 2;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
                return 2;
            }
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        };
        println!("listening on http://{addr} (Core at /, CSO under /cso); Ctrl-C stops");
        let _ = std::io::stdout().flush();
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match coupa_mock::serve(listener, config, stop).await {
            Ok(()) => {
                eprintln!("stopped");
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                1
            }
        }
    })
}

fn routes(out: &mut impl Write, as_json: bool) -> u8 {
    let mut rows = Vec::new();
    for r in registry::RESOURCES {
        for a in r.routes {
            rows.push((a.method.as_str(), a.path, a.host.as_str(), r.name, a.name));
        }
    }
    if as_json {
        for (method, path, host, resource, action) in rows {
            let line = json!({"method": method, "path": path, "host": host, "resource": resource, "action": action});
            let _ = writeln!(out, "{line}");
        }
        return 0;
    }
    let w = |f: fn(&(&str, &str, &str, &str, &str)) -> usize| rows.iter().map(f).max().unwrap_or(0);
    let (wm, wp, wh, wr) = (
        w(|r| r.0.len()),
        w(|r| r.1.len()),
        w(|r| r.2.len()),
        w(|r| r.3.len()),
    );
    let _ = writeln!(
        out,
        "{:wm$}  {:wp$}  {:wh$}  {:wr$}  ACTION",
        "METHOD", "PATH", "HOST", "RESOURCE"
    );
    for (method, path, host, resource, action) in rows {
        let _ = writeln!(
            out,
            "{method:wm$}  {path:wp$}  {host:wh$}  {resource:wr$}  {action}"
        );
    }
    0
}
