//! `coupa`: the command line of coupa-codegen.
//!
//! - `coupa call RESOURCE ACTION [ID...]` sends any route of the registry to a Coupa instance,
//!   with the credentials of a profile, its body validated first;
//! - `coupa list RESOURCE` pages through an index: JSON lines, or a table on a terminal;
//! - `coupa describe RESOURCE [ELEMENT]` shows the schema: elements, rules, routes, scopes;
//! - `coupa validate RESOURCE ACTION FILE...` checks payloads against the schemas' rules and
//!   prints every violation as a JSON line (exit 0: valid, 1: violations, 2: a file cannot be
//!   read);
//! - `coupa convert RESOURCE FILE --to json|xml` converts a payload between JSON and XML, keeping
//!   the elements the schemas do not know (exit 2 when it cannot be read or written);
//! - `coupa mock` runs the in-memory Coupa of `coupa-mock` on 127.0.0.1 until Ctrl-C;
//! - `coupa routes` prints every route with its method, path, host and resource;
//! - `coupa completions bash|zsh|fish` prints a completion script.
//!
//! Profiles (where Coupa is, and its credentials) are described in [`profile`].
#![forbid(unsafe_code)]

mod call;
mod completions;
mod connect;
mod convert;
mod describe;
mod form;
mod list;
mod mock;
mod names;
mod payload;
mod profile;
mod query;
mod routes;
mod table;
mod validate;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use coupa_runtime::Format;

#[derive(Parser)]
#[command(
    name = "coupa",
    version,
    about = "Call, list and describe Coupa's API, validate and convert payloads, run an in-memory Coupa.",
    after_help = "Profiles live in ~/.config/coupa/config.toml (or the file COUPA_CONFIG names); \
                  COUPA_BASE_URL, COUPA_CSO_URL, COUPA_CLIENT_ID, COUPA_CLIENT_SECRET, \
                  COUPA_SCOPES and COUPA_CSO_API_KEY override them."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// A wire format.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    /// JSON.
    Json,
    /// XML.
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
    /// Send any route of the registry: `coupa call integration-runs show 42`.
    ///
    /// The body (--body) is validated before anything is sent: violations are printed as
    /// `coupa validate` prints them, and the exit code is 1. Coupa's answer goes to standard
    /// output; its error bodies go to stderr with their HTTP status (exit 1). When no answer
    /// comes (network, timeout), one line says why (exit 2).
    Call(call::CallArgs),
    /// List the records of a resource: 50 (one page) by default, --limit N, or --all.
    ///
    /// JSON lines, or a table when standard output is a terminal. With --all and a terminal
    /// on stderr, a progress bar shows the records, pages and rate.
    List(list::ListArgs),
    /// Describe a resource (elements, rules, routes, scopes, Coupa's page) or one element.
    Describe {
        /// The resource: `integration-runs`, `integration_runs` or `IntegrationRun`.
        resource: String,
        /// An element (`status`, or `integration.code` for a nested one).
        element: Option<String>,
    },
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
    Mock(mock::MockArgs),
    /// Print every route: method, path, host, resource and action.
    Routes {
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print a completion script that knows the resources and their actions.
    ///
    /// bash: `coupa completions bash > ~/.local/share/bash-completion/completions/coupa`;
    /// zsh: into a directory of $fpath as `_coupa`; fish: `~/.config/fish/completions/coupa.fish`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    let code = match cli.command {
        Command::Call(args) => call::run(&mut out, &args),
        Command::List(args) => list::run(&mut out, &args),
        Command::Describe { resource, element } => {
            describe::run(&mut out, &resource, element.as_deref())
        }
        Command::Validate {
            resource,
            action,
            files,
            format,
        } => validate::run(
            &mut out,
            &resource,
            &action,
            &files,
            format.map(Format::from),
        ),
        Command::Convert {
            resource,
            file,
            to,
            format,
        } => convert::run(
            &mut out,
            &resource,
            &file,
            to.into(),
            format.map(Format::from),
        ),
        Command::Mock(args) => {
            drop(out);
            return ExitCode::from(mock::run(args));
        }
        Command::Routes { json } => routes::run(&mut out, json),
        Command::Completions { shell } => completions::run(&mut out, Cli::command(), shell),
    };
    let _ = out.flush();
    ExitCode::from(code)
}
