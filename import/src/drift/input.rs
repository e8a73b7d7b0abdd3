//! The two sides of a comparison: their files, the areas they share, and the imports of those.

use std::collections::BTreeSet;
use std::path::Path;

use super::{Drift, compare as diff};
use crate::swagger::{self, SwaggerFile, area_of};
use crate::{Error, PagesDigest, Release};

/// One side's files: Swagger files and (possibly no) pages, as (file name, bytes).
#[derive(Clone, Debug, Default)]
pub struct Input {
    pub swagger: Vec<(String, Vec<u8>)>,
    pub pages: Vec<(String, Vec<u8>)>,
}

impl Input {
    /// Every `*.json` of `swagger_dir`, and every `*.md` of `pages_dir` when given.
    pub fn read(swagger_dir: &Path, pages_dir: Option<&Path>) -> Result<Input, Error> {
        let swagger = crate::read_dir(swagger_dir, ".json")?;
        if swagger.is_empty() {
            return Err(crate::no_swagger(swagger_dir));
        }
        let pages = match pages_dir {
            Some(d) => crate::read_dir(d, ".md")?,
            None => Vec::new(),
        };
        Ok(Input { swagger, pages })
    }
}

/// What the report says of one side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideInfo {
    /// `R39`.
    pub release: String,
    /// Every Swagger file of the side (compared or not), by name.
    pub swagger: Vec<SwaggerFile>,
    pub pages: PagesDigest,
}

/// A Swagger file whose area the other side lacks: listed, not compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OneSided {
    /// The release that has it.
    pub release: String,
    /// `true` for the old side.
    pub old: bool,
    pub area: String,
    pub file: String,
    /// Its distinct tags, operations and definitions.
    pub tags: usize,
    pub operations: usize,
    pub definitions: usize,
}

fn areas(input: &Input) -> BTreeSet<String> {
    input.swagger.iter().map(|(f, _)| area_of(f)).collect()
}

fn restricted(input: &Input, common: &BTreeSet<String>) -> Input {
    Input {
        swagger: input
            .swagger
            .iter()
            .filter(|(f, _)| common.contains(&area_of(f)))
            .cloned()
            .collect(),
        pages: input.pages.clone(),
    }
}

fn import(input: &Input) -> Result<Release, Error> {
    Release::from_sources(&input.swagger, &input.pages)
}

/// Reads the files of `input` whose area is not in `common`, checking they are of `release`.
fn one_sided(
    input: &Input,
    common: &BTreeSet<String>,
    release: &str,
    old: bool,
) -> Result<Vec<OneSided>, Error> {
    let mut out = Vec::new();
    for (file, bytes) in input
        .swagger
        .iter()
        .filter(|(f, _)| !common.contains(&area_of(f)))
    {
        let loaded = swagger::load(&[(file.clone(), bytes.clone())])?;
        if loaded.release != release {
            return Err(Error {
                message: format!(
                    "the Swagger files are of 2 releases ({file} is {}, the others {release}); compare one release with another",
                    loaded.release
                ),
                diagnostics: loaded.diagnostics,
            });
        }
        let tags: BTreeSet<&str> = loaded.operations.iter().map(|o| o.tag.as_str()).collect();
        out.push(OneSided {
            release: release.to_owned(),
            old,
            area: area_of(file),
            file: file.clone(),
            tags: tags.len(),
            operations: loaded.operations.len(),
            definitions: loaded.definitions.len(),
        });
    }
    Ok(out)
}

fn info(r: &Release, input: &Input) -> SideInfo {
    let mut swagger: Vec<SwaggerFile> = input
        .swagger
        .iter()
        .map(|(file, bytes)| SwaggerFile {
            file: file.clone(),
            area: area_of(file),
            sha256: swagger::sha256_hex(bytes),
        })
        .collect();
    swagger.sort_by(|a, b| a.file.cmp(&b.file));
    SideInfo {
        release: r.name.clone(),
        swagger,
        pages: r.pages_digest.clone(),
    }
}

/// Imports the shared areas of both sides (at the same time, one thread each) and compares.
pub(super) fn compare(old: &Input, new: &Input) -> Result<Drift, Error> {
    let common: BTreeSet<String> = areas(old).intersection(&areas(new)).cloned().collect();
    if common.is_empty() {
        return Err(Error {
            message: "the two sets of Swagger files have no product area in common".into(),
            diagnostics: Vec::new(),
        });
    }
    let (a, b) = (restricted(old, &common), restricted(new, &common));
    let (a, b) = std::thread::scope(|s| {
        let first = s.spawn(|| import(&a));
        let second = import(&b);
        (first.join().expect("the import does not panic"), second)
    });
    let (a, b) = (a?, b?);
    let mut one = one_sided(old, &common, &a.name, true)?;
    one.extend(one_sided(new, &common, &b.name, false)?);
    let diagnostics = [&a, &b]
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(|d| format!("{}: {d}", r.name)))
        .collect();
    Ok(Drift {
        old: info(&a, old),
        new: info(&b, new),
        compared: common.into_iter().collect(),
        one_sided: one,
        changes: diff(&a, &b),
        diagnostics,
    })
}
