//! `coupa list RESOURCE`: every record of an index, 50 per page, several pages in flight, as
//! JSON lines or (on a terminal) a table; with `--all` on a terminal, a progress bar on stderr.

use std::cell::Cell;
use std::io::{IsTerminal, Write};
use std::rc::Rc;
use std::time::Duration;

use coupa_runtime::client::{Answer, ClientError};
use coupa_runtime::endpoint::{fill_path, http_request};
use coupa_runtime::registry::{ActionKind, Answers, Resource, Route};
use coupa_runtime::{Format, query::MAX_LIMIT};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::Value;

use crate::connect::{self, Remote, Session};
use crate::{FormatArg, names, query, table};

/// How records are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// One JSON object per line.
    Json,
    /// An aligned table.
    Table,
}

/// The options of `coupa list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The resource: `integration-runs`, `integration_runs` or `IntegrationRun`.
    pub resource: String,
    /// The path's parameters, for an index under another object (`--action index-for-user 7`).
    pub ids: Vec<String>,
    /// The index action to use (default: the resource's index without parameters).
    #[arg(long)]
    pub action: Option<String>,
    /// A filter on an element, `element=value` or `element[op]=value` (repeatable).
    #[arg(long = "filter", short = 'f', value_name = "ELEMENT[OP]=VALUE")]
    pub filters: Vec<String>,
    /// A query parameter as it goes on the wire, `key=value` (repeatable).
    #[arg(long = "query", short = 'q', value_name = "KEY=VALUE")]
    pub queries: Vec<String>,
    /// Every record, page after page (with a progress bar when stderr is a terminal).
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,
    /// At most this many records (default: one page, 50).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Ask Coupa for these elements only (its `fields` parameter), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub fields: Vec<String>,
    /// The table's columns, comma-separated (dotted paths reach nested elements:
    /// `integration.code`).
    #[arg(long, value_delimiter = ',')]
    pub columns: Vec<String>,
    /// JSON lines or a table (default: a table when standard output is a terminal).
    #[arg(long, short, value_enum)]
    pub output: Option<Output>,
    /// Pages in flight at once.
    #[arg(long, short = 'c', default_value_t = 4)]
    pub concurrency: usize,
    /// The wire format (default: the profile's, else JSON).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    #[command(flatten)]
    pub remote: Remote,
}

fn usage(message: &str) -> u8 {
    eprintln!("error: {message}");
    2
}

/// The index route: the one named, else the resource's first index whose parameters the ids
/// fill.
fn index_route(r: &Resource, action: Option<&str>, ids: usize) -> Result<&'static Route, String> {
    let is_index = |a: &Route| a.kind == ActionKind::Index && a.of.is_none();
    if let Some(name) = action {
        let a = names::action(r, name)?;
        return if is_index(a) {
            Ok(a)
        } else {
            Err(format!("`{} {name}` is not an index", r.name))
        };
    }
    let indexes: Vec<&Route> = r.routes.iter().copied().filter(|a| is_index(a)).collect();
    indexes
        .iter()
        .copied()
        .find(|a| a.params.len() == ids)
        .ok_or_else(|| match indexes.as_slice() {
            [] => format!("`{}` has no index to list", r.name),
            some => format!(
                "`{}` has no index taking {ids} parameter{}; name one with --action: {}",
                r.name,
                if ids == 1 { "" } else { "s" },
                some.iter()
                    .map(|a| format!("{} ({})", a.name, a.path))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

/// The records of one page's answer, as Coupa sent them (in XML, read through the model and
/// kept whole).
fn page_records(r: &Resource, route: &Route, a: &Answer) -> Result<Vec<Value>, String> {
    let converted;
    let json: &[u8] = match (a.format, route.answers) {
        (Format::Json, _) => &a.body,
        (Format::Xml, Answers::Envelope) => match &r.list_envelope {
            Some(env) => {
                converted = (env.codec.convert)(Format::Xml, &a.body, Format::Json)?;
                &converted
            }
            None => return Err("no list envelope for this resource".into()),
        },
        (Format::Xml, _) => {
            converted = (r.codec.convert_list)(Format::Xml, &a.body, Format::Json, r.name)?;
            &converted
        }
    };
    let v: Value = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    let items = match (v, route.answers, &r.list_envelope) {
        (Value::Object(mut m), Answers::Envelope, Some(env)) => {
            m.remove(env.items).unwrap_or(Value::Array(Vec::new()))
        }
        (v, _, _) => v,
    };
    match items {
        Value::Array(a) => Ok(a),
        Value::Null => Ok(Vec::new()),
        one @ Value::Object(_) => Ok(vec![one]),
        other => Err(format!("expected a list of records, found {other}")),
    }
}

/// The filters, raw parameters and `fields` of the command line, checked against the resource.
fn query_pairs(r: &Resource, args: &ListArgs) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    for f in &args.filters {
        pairs.push(query::filter(r, f)?);
    }
    for q in &args.queries {
        pairs.push(query::raw(q)?);
    }
    if !args.fields.is_empty() {
        for f in &args.fields {
            names::element(r.shape, f)?;
        }
        pairs.push((
            "fields".to_owned(),
            serde_json::json!(args.fields).to_string(),
        ));
    }
    Ok(pairs)
}

/// Runs `coupa list`: 0 when every record was written, 1 when Coupa answered an error, 2 when
/// the command cannot be made sense of or no answer came.
pub fn run(out: &mut impl Write, args: &ListArgs) -> u8 {
    let r = match names::resource(&args.resource) {
        Ok(r) => r,
        Err(e) => return usage(&e),
    };
    let route = match index_route(r, args.action.as_deref(), args.ids.len()) {
        Ok(a) => a,
        Err(e) => return usage(&e),
    };
    let ids: Vec<&str> = args.ids.iter().map(String::as_str).collect();
    let path = match fill_path(route, &ids) {
        Ok(p) => p,
        Err(e) => return usage(&format!("{} {}: {e}", r.name, route.name)),
    };
    let pairs = match query_pairs(r, args) {
        Ok(p) => p,
        Err(e) => return usage(&e),
    };
    let output = args.output.unwrap_or(if std::io::stdout().is_terminal() {
        Output::Table
    } else {
        Output::Json
    });
    let columns = if args.columns.is_empty() {
        table::default_columns(r.shape)
    } else {
        match table::named_columns(r.shape, &args.columns) {
            Ok(c) => c,
            Err(e) => return usage(&e),
        }
    };
    let format = args.format.map(Format::from);
    let session = match connect::connect(
        &args.remote,
        route.host,
        route.scope,
        format,
        args.concurrency,
    ) {
        Ok(s) => s,
        Err(e) => return usage(&e),
    };
    let limit = if args.all {
        usize::MAX
    } else {
        args.limit.unwrap_or(MAX_LIMIT)
    };
    let listing = Listing {
        r,
        route,
        path,
        pairs,
        session: &session,
    };
    let bar = progress_bar(args.all);
    // Lines on the terminal the bar is drawn on are written around it.
    let share_terminal = !bar.is_hidden() && std::io::stdout().is_terminal();
    let mut records = Vec::new();
    let result = session
        .runtime
        .block_on(listing.each(limit, &bar, |v| match output {
            Output::Json if share_terminal => bar.suspend(|| {
                let _ = writeln!(out, "{v}");
            }),
            Output::Json => {
                let _ = writeln!(out, "{v}");
            }
            Output::Table => records.push(v),
        }));
    bar.finish();
    if output == Output::Table {
        table::write(out, &columns, &records);
    }
    match result {
        Ok(()) => 0,
        Err(e) => connect::report(&e, route, &session),
    }
}

/// A progress bar on stderr for `--all` when stderr is a terminal; hidden otherwise.
fn progress_bar(all: bool) -> ProgressBar {
    if !all || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{spinner} {human_pos} records, {msg} ({elapsed})")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.set_message("0 pages");
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// One listing's fixed parts.
struct Listing<'a> {
    r: &'static Resource,
    route: &'static Route,
    path: String,
    pairs: Vec<(String, String)>,
    session: &'a Session,
}

impl Listing<'_> {
    /// Hands each record to `each`, page after page, until `limit` records or the last page.
    async fn each(
        &self,
        limit: usize,
        bar: &ProgressBar,
        mut each: impl FnMut(Value),
    ) -> Result<(), ClientError> {
        if limit == 0 {
            return Ok(());
        }
        let client = &self.session.client;
        let base = client.base_url(self.route.host)?.to_owned();
        let format = client.config().format;
        let pages = Rc::new(Cell::new(0usize));
        let stream = client.records(|offset, page| {
            let mut pairs = self.pairs.clone();
            let page = page.min(limit);
            pairs.push(("offset".to_owned(), offset.to_string()));
            pairs.push(("limit".to_owned(), page.to_string()));
            let pq = format!("{}?{}", self.path, query::encode(&pairs));
            let request = http_request(self.route, &base, &pq, format, None);
            let pages = pages.clone();
            async move {
                let request = request.map_err(ClientError::Encode)?;
                let items = match client.execute(self.route, request).await {
                    Ok(answer) => page_records(self.r, self.route, &answer).map_err(|message| {
                        ClientError::Decode(coupa_runtime::DecodeError {
                            format: answer.format,
                            line: 0,
                            column: 0,
                            path: None,
                            message,
                        })
                    })?,
                    Err(e) if e.is_no_results() => Vec::new(),
                    Err(e) => return Err(e),
                };
                pages.set(pages.get() + 1);
                let rate = bar.position() as f64 / bar.elapsed().as_secs_f64().max(1e-3);
                bar.set_message(format!("{} pages, {rate:.0} records/s", pages.get()));
                Ok(items)
            }
        });
        let mut stream = std::pin::pin!(stream.take(limit));
        while let Some(item) = stream.next().await {
            each(item?);
            bar.inc(1);
        }
        Ok(())
    }
}
