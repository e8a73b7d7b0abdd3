//! `coupa-import`: reads Coupa's Swagger 2.0 files (one per product area) and English reference
//! pages into one [`Release`], and writes it as the imported schemas (`schema/imported/**`), the
//! release manifest and the report `schema/IMPORT.md` (`cargo xtask import`).
//!
//! ```no_run
//! let release = coupa_import::Release::read("swagger/R39".as_ref(), "pages".as_ref())?;
//! for file in release.outputs() {
//!     println!("{}", file.path);
//! }
//! # Ok::<(), coupa_import::Error>(())
//! ```
//!
//! Facts only: names, types, lengths, values, flags, routes and page URLs come from Coupa's
//! files; no description or summary of Coupa's is copied into anything written.

mod actions;
mod conventions;
mod coverage;
mod diag;
pub mod drift;
mod enrich;
mod enums;
mod findings;
mod flags;
pub mod model;
pub mod names;
mod operation;
pub mod pagematch;
pub mod pages;
mod report;
mod report_decisions;
mod report_pages;
mod resolve;
mod resources;
pub mod rows;
pub mod swagger;
mod yaml;

use std::collections::BTreeMap;
use std::path::Path;

pub use actions::{DOWNLOADS, LISTS};
pub use coverage::Coverage;
pub use diag::{Diagnostic, Error};
pub use findings::{Finding, Findings, Subject, Tally, Topic};
pub use model::{Definition, Element, LeftOut, Resource};
pub use pagematch::PageSummary;
pub use swagger::SwaggerFile;

/// The hash of a set of pages: SHA-256 over each page, in name order, as its name, a NUL, its
/// length in decimal, a NUL, and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PagesDigest {
    pub count: usize,
    pub sha256: String,
}

/// One Coupa release, as its Swagger files and pages describe it.
#[derive(Clone, Debug)]
pub struct Release {
    /// `R39`.
    pub name: String,
    /// The Swagger files, by name.
    pub swagger: Vec<SwaggerFile>,
    pub pages_digest: PagesDigest,
    /// Every definition, by Swagger name.
    pub definitions: BTreeMap<String, Definition>,
    /// Every tag with its actions, by tag (which is also its definition's Swagger name).
    pub resources: BTreeMap<String, Resource>,
    /// Operations not imported, and why.
    pub left_out: Vec<LeftOut>,
    /// How many operations the Swagger files hold (after merging).
    pub operation_count: usize,
    /// How many distinct tags the operations name.
    pub tag_count: usize,
    /// What the import made of each page, by file name.
    pub pages: Vec<PageSummary>,
    /// Everything settled on the way.
    pub findings: Findings,
    /// Problems in the inputs (file, where, what).
    pub diagnostics: Vec<Diagnostic>,
    /// The OAuth scopes the Swagger files list (no operation names one).
    pub scopes: Vec<String>,
    /// Property forms of the Swagger (distinct definitions) and what they were read as.
    pub formats: Tally,
    /// 2xx response forms by method, and what they were read as.
    pub responses: Tally,
    /// Elements marked as assigned by Coupa's conventions, and acting users made output-only.
    pub conventions: (usize, usize),
}

/// A file the import writes, relative to the workspace root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub contents: String,
}

pub(crate) fn read_dir(dir: &Path, ext: &str) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let fail = |e: std::io::Error| Error {
        message: format!("cannot read {}: {e}", dir.display()),
        diagnostics: Vec::new(),
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(fail)? {
        let path = entry.map_err(fail)?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if path.is_file() && name.ends_with(ext) {
            out.push((name.to_owned(), std::fs::read(&path).map_err(fail)?));
        }
    }
    out.sort();
    Ok(out)
}

pub(crate) fn no_swagger(dir: &Path) -> Error {
    Error {
        message: format!("no *.json file in {}", dir.display()),
        diagnostics: Vec::new(),
    }
}

impl Release {
    /// Reads every `*.json` of `swagger_dir` and every `*.md` of `pages_dir`.
    pub fn read(swagger_dir: &Path, pages_dir: &Path) -> Result<Release, Error> {
        let swagger = read_dir(swagger_dir, ".json")?;
        if swagger.is_empty() {
            return Err(no_swagger(swagger_dir));
        }
        Release::from_sources(&swagger, &read_dir(pages_dir, ".md")?)
    }

    /// Builds the release from the files' names and bytes, given in any order.
    pub fn from_sources(
        swagger: &[(String, Vec<u8>)],
        pages: &[(String, Vec<u8>)],
    ) -> Result<Release, Error> {
        let loaded = swagger::load(swagger)?;
        let mut diagnostics = loaded.diagnostics;
        let mut sorted: Vec<&(String, Vec<u8>)> = pages.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let read_pages: Vec<pages::Page> = sorted
            .iter()
            .map(|(name, bytes)| {
                let text = String::from_utf8_lossy(bytes);
                pages::read(name, &text, &mut diagnostics)
            })
            .collect();
        let mut f = Findings::default();
        let mut formats = Tally::default();
        let mut definitions: BTreeMap<String, Definition> = loaded
            .definitions
            .values()
            .map(|d| (d.name.clone(), resolve::definition(d, &mut f, &mut formats)))
            .collect();
        let matches = pagematch::run(&read_pages, &loaded.operations, &definitions, &mut f);
        enrich::apply(&mut definitions, &read_pages, &matches, &mut f);
        let conventions = conventions::apply(&mut definitions);
        let (resources, left_out) =
            resources::build(&loaded.operations, &definitions, &matches.names, &mut f);
        Ok(Release {
            name: loaded.release,
            swagger: loaded.files,
            pages_digest: digest(&sorted),
            definitions,
            resources,
            left_out,
            conventions,
            operation_count: loaded.operations.len(),
            tag_count: loaded
                .operations
                .iter()
                .map(|o| o.tag.as_str())
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            pages: matches.pages,
            findings: f,
            diagnostics,
            formats,
            scopes: loaded.scopes,
            responses: resources::responses(&loaded.operations),
        })
    }

    /// Every file the import writes: the manifest, one YAML file per resource and per shape, and
    /// the report, sorted by path.
    pub fn outputs(&self) -> Vec<OutputFile> {
        let mut files = yaml::files(self);
        files.push(OutputFile {
            path: report::PATH.to_owned(),
            contents: report::render(self),
        });
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

fn digest(pages: &[&(String, Vec<u8>)]) -> PagesDigest {
    let mut all = Vec::new();
    for (name, bytes) in pages {
        all.extend_from_slice(name.as_bytes());
        all.push(0);
        all.extend_from_slice(bytes.len().to_string().as_bytes());
        all.push(0);
        all.extend_from_slice(bytes);
    }
    PagesDigest {
        count: pages.len(),
        sha256: swagger::sha256_hex(&all),
    }
}
