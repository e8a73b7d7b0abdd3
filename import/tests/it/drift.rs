//! The comparison of two releases: one pair of small releases per classification rule
//! (`tests/drift/<rule>/{old,new}/`, written by `tests/make_drift_fixtures.py`), each pinned by a
//! snapshot of its changes; the pairs' coverage of the rules; a release against itself; what must
//! not show; an area only one side has; and the reports' shapes.

use std::path::{Path, PathBuf};

use coupa_import::drift::{Class, Drift, Input, Rule};

/// Cases of `tests/drift/` that are not a rule's pair: they must show no change.
const QUIET: [&str; 2] = ["noise", "one-sided-area"];

fn drift_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("drift")
}

fn side(dir: &Path) -> Input {
    let pages = dir.join("pages");
    let pages = pages.is_dir().then_some(pages.as_path());
    Input::read(&dir.join("swagger"), pages).expect("the fixture reads")
}

fn pair(case: &str) -> Drift {
    let dir = drift_dir().join(case);
    assert!(dir.is_dir(), "no fixture tests/drift/{case}/");
    Drift::of(&side(&dir.join("old")), &side(&dir.join("new"))).expect("the pair compares")
}

/// The changes of a pair, one a line, and the areas not compared.
fn lines(d: &Drift) -> String {
    let mut s = format!("{} → {}\n", d.old.release, d.new.release);
    for a in &d.one_sided {
        s.push_str(&format!(
            "not compared: {} ({}, only in {})\n",
            a.area, a.file, a.release
        ));
    }
    for c in &d.changes {
        let v = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        s.push_str(&format!(
            "{} {} {} › {}: {:?}: {} → {}\n",
            c.class().id(),
            c.rule.id(),
            c.area,
            c.group,
            c.item,
            v(&c.old),
            v(&c.new)
        ));
    }
    for diag in &d.diagnostics {
        s.push_str(&format!("diagnostic: {diag}\n"));
    }
    s
}

macro_rules! pairs {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let case = stringify!($name).replace('_', "-");
                let d = pair(&case);
                let rule = Rule::by_id(&case).expect("the case names a rule");
                assert!(
                    d.changes.iter().any(|c| c.rule == rule),
                    "{case}: the pair shows no `{case}` change:\n{}",
                    lines(&d)
                );
                insta::assert_snapshot!(lines(&d));
            }
        )*
    };
}

pairs!(
    route_removed,
    action_renamed,
    body_required,
    takes_changed,
    answers_changed,
    form_changed,
    resource_renamed,
    type_removed,
    type_open_changed,
    element_removed,
    element_renamed,
    element_added_required,
    type_changed,
    list_changed,
    length_narrowed,
    precision_narrowed,
    value_removed,
    allowed_introduced,
    enum_dropped,
    required_added,
    unique_added,
    in_removed,
    out_removed,
    route_added,
    body_optional,
    type_added,
    element_added,
    length_widened,
    precision_widened,
    value_added,
    allowed_dropped,
    required_removed,
    unique_removed,
    in_added,
    out_added,
    string_text,
    read_only_changed,
    page_changed,
    source_changed,
);

#[test]
fn every_class_has_a_rule_and_every_rule_a_pair() {
    for class in Class::ALL {
        assert!(
            Rule::ALL.iter().any(|r| r.class() == class),
            "no rule of class {class:?}"
        );
    }
    let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    for r in Rule::ALL {
        assert_eq!(Rule::by_id(r.id()), Some(*r));
        assert!(!r.when().is_empty());
        assert!(drift_dir().join(r.id()).is_dir(), "{}: no pair", r.id());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), Rule::ALL.len(), "two rules share a name");
    for entry in std::fs::read_dir(drift_dir()).expect("tests/drift") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        assert!(
            Rule::by_id(&name).is_some() || QUIET.contains(&name.as_str()),
            "tests/drift/{name} is neither a rule nor a known case"
        );
    }
}

/// Every side of every pair, and every fixture of the import's own tests, against itself.
#[test]
fn a_release_against_itself_is_empty() {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(drift_dir())
        .expect("tests/drift")
        .flatten()
    {
        dirs.push(entry.path().join("old"));
        dirs.push(entry.path().join("new"));
    }
    let fixtures = drift_dir().with_file_name("fixtures");
    for entry in std::fs::read_dir(fixtures)
        .expect("tests/fixtures")
        .flatten()
    {
        if entry.file_name() != "mixed_releases" {
            dirs.push(entry.path());
        }
    }
    assert!(dirs.len() > 80);
    for dir in dirs {
        let s = side(&dir);
        let d = Drift::of(&s, &s).expect("compares");
        assert!(d.changes.is_empty(), "{}:\n{}", dir.display(), lines(&d));
        assert!(d.markdown().contains("\nNo changes.\n"));
    }
}

#[test]
fn descriptions_and_noise_do_not_show() {
    let d = pair("noise");
    assert!(d.changes.is_empty(), "{}", lines(&d));
    insta::assert_snapshot!(d.markdown());
}

#[test]
fn an_area_one_side_lacks_is_listed_not_removed() {
    let d = pair("one-sided-area");
    assert!(d.changes.is_empty(), "{}", lines(&d));
    assert_eq!(d.compared, ["Core Platform"]);
    insta::assert_snapshot!(lines(&d));
}
