//! `coupa call RESOURCE ACTION [ID...]`: any route of the registry, with the credentials it
//! needs, its body validated before anything is sent.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use coupa_runtime::endpoint::{fill_path, http_request};
use coupa_runtime::registry::{Resource, Route};
use coupa_runtime::{Answers, Format, Takes, Violations};

use crate::connect::{self, Remote};
use crate::payload::{self, Payload};
use crate::{FormatArg, form, names, query, validate};

/// The options of `coupa call`.
#[derive(Debug, clap::Args)]
pub struct CallArgs {
    /// The resource: `integration-runs`, `integration_runs` or `IntegrationRun`.
    pub resource: String,
    /// The action (`coupa describe RESOURCE` lists them): `show`, `create`, `run`, ...
    pub action: String,
    /// The path's parameters, in path order (`coupa call integration-runs run 42`).
    pub ids: Vec<String>,
    /// A query parameter as it goes on the wire, `key=value` (repeatable).
    #[arg(long = "query", short = 'q', value_name = "KEY=VALUE")]
    pub queries: Vec<String>,
    /// A filter on an element, `element=value` or `element[op]=value` (repeatable).
    #[arg(long = "filter", short = 'f', value_name = "ELEMENT[OP]=VALUE")]
    pub filters: Vec<String>,
    /// The request body: a file (`.xml` is read as XML, anything else as JSON), or `-` for
    /// standard input (in the wire format). It is converted to the wire format when they differ.
    #[arg(long, value_name = "FILE|-")]
    pub body: Option<PathBuf>,
    /// A field of an upload route's multipart form: `NAME=VALUE`, or `NAME=@FILE` for a file
    /// (repeatable; `coupa describe RESOURCE` names the fields).
    #[arg(long = "form", short = 'F', value_name = "NAME=VALUE|NAME=@FILE")]
    pub form: Vec<String>,
    /// The wire format (default: the body file's, else the profile's, else JSON).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    #[command(flatten)]
    pub remote: Remote,
}

/// What to send, checked.
struct Prepared {
    route: &'static Route,
    path_and_query: String,
    /// What is sent, with its own media type when it is not the wire format's (a form).
    body: Option<(Option<String>, Vec<u8>)>,
    format: Option<Format>,
}

/// Runs `coupa call`: 0 on success, 1 when the body is invalid or Coupa answers an error, 2 when
/// the command cannot be made sense of or no answer comes.
pub fn run(out: &mut impl Write, args: &CallArgs) -> u8 {
    let r = match names::resource(&args.resource) {
        Ok(r) => r,
        Err(e) => return usage(&e),
    };
    let prepared = match prepare(out, r, args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let route = prepared.route;
    let session = match connect::connect(&args.remote, route.host, route.scope, prepared.format, 1)
    {
        Ok(s) => s,
        Err(e) => return usage(&e),
    };
    let format = session.client.config().format;
    let request = session
        .client
        .base_url(route.host)
        .map_err(|e| e.to_string())
        .and_then(|base| {
            http_request(
                route,
                base,
                &prepared.path_and_query,
                format,
                prepared.body.map(|(media_type, b)| {
                    (
                        media_type.unwrap_or_else(|| format.media_type().to_owned()),
                        b,
                    )
                }),
            )
            .map_err(|e| e.to_string())
        });
    let request = match request {
        Ok(r) => r,
        Err(e) => return usage(&session.redactor.clean(&e)),
    };
    match session
        .runtime
        .block_on(session.client.execute(route, request))
    {
        Ok(answer) => {
            print_body(out, route, answer.format, &answer.body);
            0
        }
        Err(e) => connect::report(&e, route, &session),
    }
}

fn usage(message: &str) -> u8 {
    eprintln!("error: {message}");
    2
}

/// Finds the route, fills its path and query, reads and validates the body. Violations are
/// printed as `coupa validate` prints them (exit 1); anything else that is wrong exits 2.
fn prepare(out: &mut impl Write, r: &'static Resource, args: &CallArgs) -> Result<Prepared, u8> {
    let route = names::action(r, &args.action).map_err(|e| usage(&e))?;
    let ids: Vec<&str> = args.ids.iter().map(String::as_str).collect();
    let path = fill_path(route, &ids).map_err(|e| {
        let params: Vec<String> = route
            .params
            .iter()
            .map(|(p, _)| format!("{{{p}}}"))
            .collect();
        usage(&format!(
            "{} {} ({} {}): {e}{}",
            r.name,
            route.name,
            route.method,
            route.path,
            if params.is_empty() {
                String::new()
            } else {
                format!("; give {} in order", params.join(" "))
            }
        ))
    })?;
    let mut pairs = Vec::new();
    for f in &args.filters {
        if route.takes != Takes::Query {
            return Err(usage(&format!(
                "`{} {}` takes no filters (it is not a query)",
                r.name, route.name
            )));
        }
        pairs.push(query::filter(r, f).map_err(|e| usage(&e))?);
    }
    for q in &args.queries {
        pairs.push(query::raw(q).map_err(|e| usage(&e))?);
    }
    let path_and_query = if pairs.is_empty() {
        path
    } else {
        format!("{path}?{}", query::encode(&pairs))
    };
    let asked = args.format.map(Format::from);
    if route.takes == Takes::Multipart || !args.form.is_empty() {
        if route.takes != Takes::Multipart {
            return Err(usage(&format!(
                "`{} {}` takes no multipart form (--form)",
                r.name, route.name
            )));
        }
        if args.body.is_some() {
            return Err(usage(&format!(
                "`{} {}` takes a multipart form, not a body: give its fields with --form",
                r.name, route.name
            )));
        }
        let (media_type, bytes) = form::build(r.name, route, &args.form).map_err(|e| usage(&e))?;
        return Ok(Prepared {
            route,
            path_and_query,
            body: Some((Some(media_type), bytes)),
            format: asked,
        });
    }
    let (body, format) = match &args.body {
        None => {
            if matches!(route.takes, Takes::Object | Takes::Bulk) {
                return Err(usage(&format!(
                    "`{} {}` needs a body: give one with --body FILE (or - for standard input)",
                    r.name, route.name
                )));
            }
            (None, asked)
        }
        Some(file) => {
            let (bytes, format) = checked_body(out, r, route, file, asked)?;
            (Some((None, bytes)), Some(format))
        }
    };
    Ok(Prepared {
        route,
        path_and_query,
        body,
        format,
    })
}

/// Reads the body, validates it for the route's kind, and converts it to the wire format.
fn checked_body(
    out: &mut impl Write,
    r: &Resource,
    route: &Route,
    file: &PathBuf,
    asked: Option<Format>,
) -> Result<(Vec<u8>, Format), u8> {
    let Some(mode) = route.kind.mode().filter(|_| {
        matches!(
            route.takes,
            Takes::Object | Takes::OptionalObject | Takes::Bulk
        )
    }) else {
        return Err(usage(&format!("`{} {}` takes no body", r.name, route.name)));
    };
    let stdin = file.as_os_str() == "-";
    let shown = if stdin {
        "-".to_owned()
    } else {
        file.display().to_string()
    };
    let bytes = if stdin {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map(|_| b)
            .map_err(|e| usage(&format!("cannot read standard input: {e}")))?
    } else {
        std::fs::read(file).map_err(|e| usage(&format!("{shown}: cannot read the file: {e}")))?
    };
    // The file's own format is its extension's (standard input: the wire format); the wire
    // format is the one asked for, else the file's.
    let from = if stdin {
        asked.unwrap_or(Format::Json)
    } else {
        payload::format_of(file, None)
    };
    let read = payload::read(r, from, &bytes).map_err(|e| {
        eprintln!("{}", validate::decode_message(&shown, &e));
        2u8
    })?;
    let fits = matches!(
        (&read, route.takes),
        (Payload::One(_), Takes::Object | Takes::OptionalObject)
            | (Payload::Envelope { .. }, Takes::Bulk)
    );
    if !fits {
        return Err(usage(&format!(
            "{shown}: `{} {}` takes {}",
            r.name,
            route.name,
            if route.takes == Takes::Bulk {
                "the bulk envelope (a list of objects under its key)"
            } else {
                "one object"
            }
        )));
    }
    if let Err(Violations(vs)) = validate::check(r, mode, &read) {
        validate::print_violations(out, &shown, &vs);
        eprintln!(
            "error: {shown}: {} violation{}; nothing was sent",
            vs.len(),
            if vs.len() == 1 { "" } else { "s" }
        );
        return Err(1);
    }
    let to = asked.unwrap_or(from);
    if to == from {
        return Ok((bytes, to));
    }
    payload::convert(r, from, &bytes, to)
        .map(|b| (b, to))
        .map_err(|e| usage(&format!("{shown}: cannot convert to {to}: {e}")))
}

/// Writes an answer's body: a file's bytes exactly as they came, JSON pretty-printed on a
/// terminal, anything else as it came with a final newline.
fn print_body(out: &mut impl Write, route: &Route, format: Format, body: &[u8]) {
    if body.is_empty() {
        return;
    }
    if route.answers == Answers::File {
        let _ = out.write_all(body);
        return;
    }
    if format == Format::Json
        && std::io::stdout().is_terminal()
        && let Ok(v) = serde_json::from_slice::<serde_json::Value>(body)
        && let Ok(pretty) = serde_json::to_string_pretty(&v)
    {
        let _ = writeln!(out, "{pretty}");
        return;
    }
    let _ = out.write_all(body);
    if !body.ends_with(b"\n") {
        let _ = out.write_all(b"\n");
    }
}
