//! What changed between two releases (`cargo xtask drift`): both sides are read by the same
//! importer ([`Release`]), so names, types, flags and action names are settled the same way, and
//! their models are compared resource by resource and type by type. Each change is classified
//! by a [`Rule`] for a program that uses the generated crate.
//!
//! Only the product areas both sides have are compared: a Swagger file whose area the other side
//! lacks is left out of both imports and listed ([`OneSided`]), never reported as removed.
//! Descriptions are not in the model, and formats that are not types are read as the type they
//! stand for, so description-only changes and noise (the `#<Warnings::…:0x…>` address) show no
//! change.
//!
//! ```no_run
//! use coupa_import::drift::{self, Input};
//! let old = Input::read("swagger/R38".as_ref(), Some("pages".as_ref()))?;
//! let new = Input::read("swagger/R39".as_ref(), Some("pages".as_ref()))?;
//! let d = drift::Drift::of(&old, &new)?;
//! print!("{}", d.markdown());
//! # Ok::<(), coupa_import::Error>(())
//! ```

mod input;
mod json;
mod markdown;
mod routes;
mod rules;
mod types;

use crate::Release;
use crate::swagger::Method;

pub use input::{Input, OneSided, SideInfo};
pub use rules::{Class, Rule};

/// What a change is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Item {
    /// The resource itself (its module or plural).
    Resource,
    /// One route of the resource.
    Route { method: Method, path: String },
    /// A type, by its Swagger name.
    Type(String),
    /// An element of a type, by its wire name (the new one for a rename).
    Element { ty: String, name: String },
}

/// One change between the two releases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub rule: Rule,
    /// The product area (`Core Platform`), or [`SHAPES`] for a type no resource is named after.
    pub area: String,
    /// The resource's tag, or the shape's Swagger name.
    pub group: String,
    pub item: Item,
    /// What the old release says, when it says anything.
    pub old: Option<String>,
    /// What the new release says, when it says anything.
    pub new: Option<String>,
}

impl Change {
    pub fn class(&self) -> Class {
        self.rule.class()
    }

    fn sort_key(&self) -> (Class, &str, &str, &Item, Rule) {
        (self.class(), &self.area, &self.group, &self.item, self.rule)
    }
}

/// The group of the types no resource is named after (the import's `shapes/`).
pub const SHAPES: &str = "Shapes";

/// The comparison of two sets of Coupa's files.
#[derive(Clone, Debug)]
pub struct Drift {
    pub old: SideInfo,
    pub new: SideInfo,
    /// The areas both sides have, sorted.
    pub compared: Vec<String>,
    /// The areas only one side has: not compared.
    pub one_sided: Vec<OneSided>,
    /// Breaking first, then by area, group and item.
    pub changes: Vec<Change>,
    /// Problems in the inputs, each prefixed with its side's release.
    pub diagnostics: Vec<String>,
}

impl Drift {
    /// Reads both sides (the areas they share) with the importer and compares them.
    pub fn of(old: &Input, new: &Input) -> Result<Drift, crate::Error> {
        input::compare(old, new)
    }

    /// The report as Markdown. It names its inputs by file and SHA-256, not by path, so the same
    /// files give the same bytes wherever they are read from.
    pub fn markdown(&self) -> String {
        markdown::render(self)
    }

    /// The report as JSON (the shape is documented in the `json` module and the README).
    pub fn json(&self) -> String {
        json::render(self)
    }

    /// Per area: how many breaking, additive and documentation changes.
    pub fn by_area(&self) -> std::collections::BTreeMap<&str, [usize; 3]> {
        let mut out: std::collections::BTreeMap<&str, [usize; 3]> = Default::default();
        for c in &self.changes {
            out.entry(c.area.as_str()).or_default()[c.class() as usize] += 1;
        }
        out
    }

    /// How many changes of a class.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class() == class).count()
    }
}

/// Every change from `old` to `new`, breaking first.
pub fn compare(old: &Release, new: &Release) -> Vec<Change> {
    let mut out = Vec::new();
    routes::compare(old, new, &mut out);
    types::compare(old, new, &mut out);
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// The area and group a type's changes are listed under: its resource's when a resource is
/// named after it (the new release's, else the old one's), else [`SHAPES`].
fn placement(old: &Release, new: &Release, tag: &str) -> (String, String) {
    match new.resources.get(tag).or_else(|| old.resources.get(tag)) {
        Some(r) => (r.area.clone(), tag.to_owned()),
        None => (SHAPES.to_owned(), tag.to_owned()),
    }
}
