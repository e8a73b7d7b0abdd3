//! coupa-codegen: the schemas in `schema/` become the `coupa-api` crate.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`load`]: read the YAML files ([`node`] keeps a position on every value, [`format`](mod@format) is the
//!    schema format's types), and apply the hand-written overrides and scopes to the imported
//!    files ([`overlay`]);
//! 2. [`check`]: check them and lower them into the [`ir`], reporting every problem as a
//!    [`diag::Diagnostic`] at `file:line:col`;
//! 3. [`emit`]: turn the IR into Rust tokens, one emitter per kind of output (all names come
//!    from [`ident`]);
//! 4. format with prettyplease and write only the files whose contents changed.
#![forbid(unsafe_code)]

pub mod check;
pub mod diag;
pub mod emit;
pub mod format;
pub mod ident;
pub mod ir;
pub mod load;
pub mod node;
pub mod output;
pub mod overlay;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use diag::Diagnostics;

/// Why the schemas could not be turned into an IR: every problem, with the texts to render them.
#[derive(Debug)]
pub struct Failure {
    /// The problems.
    pub diagnostics: Diagnostics,
    sources: HashMap<PathBuf, String>,
}

impl Failure {
    /// The problems rendered with their snippets.
    pub fn render(&self) -> String {
        self.diagnostics
            .render(&|p: &Path| self.sources.get(p).map(String::as_str))
    }
}

/// Loads and checks schema sources given as (display path, text), in memory.
pub fn compile_sources(sources: Vec<(PathBuf, String)>) -> Result<ir::Ir, Failure> {
    let mut diagnostics = Diagnostics::default();
    let mut files = load::parse_all(sources, &mut diagnostics);
    overlay::apply(&mut files, &mut diagnostics);
    let ir = check::lower(&files, &mut diagnostics);
    match ir {
        Some(ir) if diagnostics.is_empty() => Ok(ir),
        _ => Err(Failure {
            diagnostics,
            sources: files.into_iter().map(|f| (f.path, f.text)).collect(),
        }),
    }
}

/// Loads and checks every `*.yaml` file under `dir`. Paths in diagnostics are shown relative to
/// `dir`'s parent (`schema/integration_runs.yaml`).
pub fn compile_dir(dir: &Path) -> Result<ir::Ir, Failure> {
    let root = dir.parent().unwrap_or(dir);
    let sources = load::read_dir(dir, root).map_err(|e| {
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(diag::Diagnostic::new("io", dir, diag::Loc::UNKNOWN, e));
        Failure {
            diagnostics,
            sources: HashMap::new(),
        }
    })?;
    compile_sources(sources)
}
