//! How much code the generator writes: lines and bytes of `generated/src/` at the commits the
//! report compares, read from git (nothing is built, so the figures are exact and repeatable).
//!
//! - before issue 11 (`BEFORE`), after it (`LEAN`): the five hand-transcribed resources, per
//!   resource (its module plus its share of the registry, which held every element and route
//!   again before issue 11) and per type;
//! - the commit measured: Coupa's whole API, per type.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// The last commit before issue 11 ("lean generated code").
pub const BEFORE: &str = "bc7a594";
/// The commit that finished issue 11 (the five resources, before the import of issue 12).
pub const LEAN: &str = "e9c5334";

/// The five resources both commits generate, by module.
const SEED: [&str; 5] = [
    "comments",
    "delegations",
    "events",
    "integration_errors",
    "integration_runs",
];

/// Lines and bytes of one text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Size {
    /// Lines.
    pub lines: usize,
    /// Bytes.
    pub bytes: usize,
}

impl Size {
    fn of(text: &str) -> Size {
        Size {
            lines: text.lines().count(),
            bytes: text.len(),
        }
    }

    fn add(self, o: Size) -> Size {
        Size {
            lines: self.lines + o.lines,
            bytes: self.bytes + o.bytes,
        }
    }
}

/// The generated files of a commit, by module name (`integration_runs`), with their sizes.
fn files_at(root: &Path, commit: &str) -> Result<BTreeMap<String, String>, String> {
    let list = git(root, &["ls-tree", "--name-only", commit, "generated/src/"])?;
    let mut out = BTreeMap::new();
    for path in list.lines().filter(|p| p.ends_with(".rs")) {
        let text = git(root, &["show", &format!("{commit}:{path}")])?;
        let module = path
            .trim_start_matches("generated/src/")
            .trim_end_matches(".rs")
            .to_owned();
        out.insert(module, text);
    }
    Ok(out)
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| e.to_string())
}

/// The lines of the registry that describe one resource: before issue 11 its `Resource { ... }`
/// block (elements, actions and codecs, written out), after it the one line that points at the
/// resource's own `RESOURCE`.
fn registry_share(registry: &str, plural: &str) -> Size {
    let lines: Vec<&str> = registry.lines().collect();
    let name = format!("name: \"{plural}\",");
    let Some(start) = lines
        .iter()
        .position(|l| l.trim() == name)
        .and_then(|i| lines[..i].iter().rposition(|l| l.trim() == "Resource {"))
    else {
        let hits: Vec<&&str> = lines
            .iter()
            .filter(|l| l.contains(&format!("crate::{}::RESOURCE", plural.replace('-', "_"))))
            .collect();
        return hits.iter().fold(Size::default(), |s, l| {
            s.add(Size {
                lines: 1,
                bytes: l.len() + 1,
            })
        });
    };
    let indent = lines[start].len() - lines[start].trim_start().len();
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.len() - l.trim_start().len() == indent && l.trim_start().starts_with('}'))
        .map_or(lines.len(), |i| start + 1 + i);
    let block = lines[start..=end.min(lines.len() - 1)].join("\n");
    Size::of(&block).add(Size { lines: 0, bytes: 1 })
}

/// The size of each seed resource at a commit: its module, and its module plus its registry
/// share.
fn seed_sizes(root: &Path, commit: &str) -> Result<BTreeMap<&'static str, (Size, Size)>, String> {
    let files = files_at(root, commit)?;
    let registry = files.get("registry").cloned().unwrap_or_default();
    let mut out = BTreeMap::new();
    for m in SEED {
        let module = files
            .get(m)
            .map(|t| Size::of(t))
            .ok_or_else(|| format!("{commit} generates no `{m}`"))?;
        let plural = m.replace('_', "-");
        out.insert(m, (module, module.add(registry_share(&registry, &plural))));
    }
    Ok(out)
}

/// The whole crate at a commit: files, types (modules but `lib` and `registry`), lines, bytes.
fn totals(root: &Path, commit: &str) -> Result<(usize, Size), String> {
    let files = files_at(root, commit)?;
    let types = files
        .keys()
        .filter(|k| *k != "lib" && *k != "registry")
        .count();
    let size = files
        .values()
        .fold(Size::default(), |s, t| s.add(Size::of(t)));
    Ok((types, size))
}

/// The report's section on generated code size. Returns the section text and the measured
/// ratio of lines per resource after issue 11 to before it (all five resources together).
pub fn section(root: &Path, head: &str) -> Result<(String, f64), String> {
    let before = seed_sizes(root, BEFORE)?;
    let lean = seed_sizes(root, LEAN)?;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "### Generated lines per resource (issue 11)\n\nRead from git: `generated/src/` at `{BEFORE}` (before issue 11) and \
         `{LEAN}` (after it), for the five resources both generate. \"With registry\" adds the resource's share of \
         `registry.rs`, which before issue 11 wrote every element and route of the resource a second time.\n\n\
         | Resource | Module before | Module after | With registry before | With registry after | Lines after / before | Bytes after / before |\n\
         |---|---|---|---|---|---|---|"
    );
    let (mut b_all, mut l_all) = (Size::default(), Size::default());
    for m in SEED {
        let (bm, bw) = before[m];
        let (lm, lw) = lean[m];
        b_all = b_all.add(bw);
        l_all = l_all.add(lw);
        let _ = writeln!(
            s,
            "| `{m}` | {} lines, {} B | {} lines, {} B | {} lines | {} lines | {:.2} | {:.2} |",
            bm.lines,
            bm.bytes,
            lm.lines,
            lm.bytes,
            bw.lines,
            lw.lines,
            lw.lines as f64 / bw.lines as f64,
            lw.bytes as f64 / bw.bytes as f64
        );
    }
    let ratio = l_all.lines as f64 / b_all.lines as f64;
    let _ = writeln!(
        s,
        "| **all five** | | | {} lines, {} B | {} lines, {} B | **{ratio:.2}** | {:.2} |\n",
        b_all.lines,
        b_all.bytes,
        l_all.lines,
        l_all.bytes,
        l_all.bytes as f64 / b_all.bytes as f64
    );
    let _ = writeln!(
        s,
        "### The whole generated crate\n\n| Commit | Types | Lines | Bytes | Lines per type | Bytes per type |\n|---|---|---|---|---|---|"
    );
    for (label, commit) in [
        (format!("`{BEFORE}` (before issue 11)"), BEFORE),
        (format!("`{LEAN}` (after issue 11)"), LEAN),
        (format!("`{head}` (measured: Coupa's API)"), head),
    ] {
        let (types, size) = totals(root, commit)?;
        let _ = writeln!(
            s,
            "| {label} | {types} | {} | {} | {:.0} | {:.0} |",
            size.lines,
            size.bytes,
            size.lines as f64 / types as f64,
            size.bytes as f64 / types as f64
        );
    }
    s.push('\n');
    Ok((s, ratio))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registry_block_is_the_resource_share() {
        let registry = "\
pub static RESOURCES: &[Resource] = &[
    Resource {
        name: \"widgets\",
        elements: &[
            Element { name: \"id\" },
        ],
    },
    Resource {
        name: \"gadgets\",
    },
];
";
        assert_eq!(registry_share(registry, "widgets").lines, 6);
        assert_eq!(registry_share(registry, "gadgets").lines, 3);
        let lean = "pub static RESOURCES: &[&Resource] = &[&crate::widgets::RESOURCE, &crate::gadgets::RESOURCE];\n";
        assert_eq!(registry_share(lean, "widgets").lines, 1);
        assert_eq!(registry_share(lean, "gizmos").lines, 0);
    }
}
