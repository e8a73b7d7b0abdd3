//! The committed outputs of `cargo xtask gen` are fresh: the check mode `cargo xtask gen --check`
//! runs (`output::sync` with `check`) finds nothing to write and nothing to remove. Also the
//! behaviour of `coupa_codegen::output::sync` itself, in temporary directories: it writes only
//! what changed, removes what no schema produces any more, and writes nothing in check mode.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use coupa_codegen::emit::GeneratedFile;
use coupa_codegen::output::{self, Report};
use coupa_tests::root;

/// Every file under `dir`, relative to `base`, skipping `target` directories.
fn files_under(dir: &Path, base: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.expect("directory entry").path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            files_under(&p, base, out);
        } else {
            let rel = p.strip_prefix(base).expect("under the base");
            out.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn generated_files_are_fresh() {
    let root = root();
    let files = output::outputs(&root).unwrap_or_else(|e| panic!("the schemas fail:\n{e}"));
    assert!(
        files.iter().any(|f| f.path == "schema/schema.json")
            && files.iter().any(|f| f.path == "generated/src/lib.rs"),
        "outputs() lost a file"
    );
    // The check mode of `cargo xtask gen --check`: nothing to write, nothing to remove.
    let report = output::sync(&root, &files, true).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report.is_clean(),
        "run `cargo xtask gen`:\nstale or missing:\n  {}\nin generated/ but not generated:\n  {}",
        report.written.join("\n  "),
        report.removed.join("\n  ")
    );
    assert_eq!(report.unchanged, files.len());
}

/// A fresh directory under the target directory's test scratch space.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("generated-fresh")
        .join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("clear the scratch directory");
    }
    std::fs::create_dir_all(&dir).expect("create the scratch directory");
    dir
}

/// A copy of `schema/` under `root`, leaving out the files named in `skip`.
fn copy_schema(root: &Path, skip: &[&str]) {
    let from = coupa_tests::root().join("schema");
    let mut names = BTreeSet::new();
    files_under(&from, &from, &mut names);
    for name in names {
        if skip.contains(&name.as_str()) {
            continue;
        }
        let to = root.join("schema").join(&name);
        std::fs::create_dir_all(to.parent().expect("a parent")).expect("create dirs");
        std::fs::copy(from.join(&name), to).expect("copy a schema file");
    }
}

/// The modification time of every file under `root`.
fn mtimes(root: &Path) -> Vec<(String, SystemTime)> {
    let mut names = BTreeSet::new();
    files_under(root, root, &mut names);
    names
        .into_iter()
        .map(|n| {
            let t = std::fs::metadata(root.join(&n))
                .and_then(|m| m.modified())
                .expect("mtime");
            (n, t)
        })
        .collect()
}

/// Sets every file's modification time to one hour ago, so a rewrite cannot go unnoticed
/// whatever the file system's timestamp resolution.
fn age(root: &Path) {
    let old = SystemTime::now() - Duration::from_secs(3600);
    let mut names = BTreeSet::new();
    files_under(root, root, &mut names);
    for n in names {
        std::fs::File::options()
            .write(true)
            .open(root.join(&n))
            .and_then(|f| f.set_modified(old))
            .expect("set mtime");
    }
}

fn paths(files: &[GeneratedFile]) -> Vec<String> {
    files.iter().map(|f| f.path.clone()).collect()
}

#[test]
fn sync_writes_everything_once_then_nothing() {
    let dir = scratch("unchanged");
    // Without the JSON Schema, which is an output too: the first sync writes every file.
    copy_schema(&dir, &["schema.json"]);
    let files = output::outputs(&dir).expect("outputs");
    let first = output::sync(&dir, &files, false).expect("first sync");
    assert_eq!(
        first,
        Report {
            written: paths(&files),
            removed: vec![],
            unchanged: 0,
        }
    );
    for f in &files {
        assert_eq!(
            std::fs::read_to_string(dir.join(&f.path)).expect("written"),
            f.contents
        );
    }
    age(&dir);
    let before = mtimes(&dir);
    let again = output::outputs(&dir).expect("outputs");
    assert_eq!(again, files, "generation is deterministic");
    let second = output::sync(&dir, &again, false).expect("second sync");
    assert_eq!(
        second,
        Report {
            written: vec![],
            removed: vec![],
            unchanged: files.len(),
        }
    );
    assert!(second.is_clean());
    assert_eq!(mtimes(&dir), before, "an unchanged sync touched files");
}

#[test]
fn sync_removes_the_files_of_a_removed_resource() {
    let dir = scratch("removed");
    copy_schema(&dir, &[]);
    output::sync(&dir, &output::outputs(&dir).expect("outputs"), false).expect("first sync");
    // Build output inside generated/ is not ours to judge.
    let build = dir.join("generated/target/debug/keep.txt");
    std::fs::create_dir_all(build.parent().expect("a parent")).expect("create dirs");
    std::fs::write(&build, "build output").expect("write");
    let stray = dir.join("generated/src/old_module.rs");
    std::fs::write(&stray, "// from a schema that is gone\n").expect("write");

    let before = output::outputs(&dir).expect("outputs");
    std::fs::remove_file(dir.join("schema/delegations.yaml")).expect("remove a resource");
    let files = output::outputs(&dir).expect("outputs without delegations");
    assert!(!paths(&files).contains(&"generated/src/delegations.rs".to_owned()));
    let report = output::sync(&dir, &files, false).expect("sync");
    assert_eq!(
        report.removed,
        [
            "generated/src/delegations.rs",
            "generated/src/old_module.rs"
        ]
    );
    // Exactly the files whose contents changed are written: among them the crate root and the
    // registry, which no longer name the module.
    let changed: Vec<String> = files
        .iter()
        .filter(|f| !before.contains(f))
        .map(|f| f.path.clone())
        .collect();
    assert_eq!(report.written, changed);
    assert_eq!(report.unchanged, files.len() - changed.len());
    for p in ["generated/src/lib.rs", "generated/src/registry.rs"] {
        assert!(changed.iter().any(|c| c == p), "{p} did not change");
    }
    assert!(!dir.join("generated/src/delegations.rs").exists());
    assert!(!stray.exists());
    assert!(
        build.exists(),
        "sync removed build output under generated/target"
    );
    let lib = std::fs::read_to_string(dir.join("generated/src/lib.rs")).expect("lib.rs");
    assert!(!lib.contains("pub mod delegations;"), "{lib}");
}

#[test]
fn sync_in_check_mode_writes_nothing() {
    let dir = scratch("check");
    copy_schema(&dir, &["schema.json"]);
    let files = output::outputs(&dir).expect("outputs");
    // Nothing on disk yet: everything would be written, and nothing is.
    let report = output::sync(&dir, &files, true).expect("check");
    assert_eq!(report.written, paths(&files));
    assert!(!dir.join("generated").exists(), "check mode wrote files");

    output::sync(&dir, &files, false).expect("sync");
    let lib = dir.join("generated/src/lib.rs");
    std::fs::write(&lib, "// edited by hand\n").expect("edit");
    let stray = dir.join("generated/src/stray.rs");
    std::fs::write(&stray, "// stray\n").expect("write");
    std::fs::remove_file(dir.join("generated/src/events.rs")).expect("remove");
    age(&dir);
    let before = mtimes(&dir);
    let report = output::sync(&dir, &files, true).expect("check");
    assert_eq!(
        report,
        Report {
            written: vec![
                "generated/src/events.rs".to_owned(),
                "generated/src/lib.rs".to_owned()
            ],
            removed: vec!["generated/src/stray.rs".to_owned()],
            unchanged: files.len() - 2,
        }
    );
    assert!(!report.is_clean());
    assert_eq!(mtimes(&dir), before, "check mode touched files");
    assert_eq!(
        std::fs::read_to_string(&lib).expect("lib.rs"),
        "// edited by hand\n"
    );
    assert!(stray.exists());
    assert!(!dir.join("generated/src/events.rs").exists());
}
