//! The drift reports' shapes (Markdown and JSON, pinned on one pair), and the sides that cannot
//! be compared: files of two releases on one side.

use std::path::Path;

use coupa_import::drift::{Drift, Input};

fn read(case: &str, side: &str) -> Input {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("drift")
        .join(case)
        .join(side);
    let pages = dir.join("pages");
    Input::read(
        &dir.join("swagger"),
        pages.is_dir().then_some(pages.as_path()),
    )
    .expect("reads")
}

fn pair(case: &str) -> Drift {
    Drift::of(&read(case, "old"), &read(case, "new")).expect("compares")
}

#[test]
fn markdown_report() {
    insta::assert_snapshot!(pair("in-removed").markdown());
}

#[test]
fn json_report() {
    let json = pair("in-removed").json();
    let v: serde_json::Value = serde_json::from_str(&json).expect("the report is JSON");
    assert_eq!(v["format"], "coupa-drift/1");
    let keys: Vec<&String> = v.as_object().expect("an object").keys().collect();
    assert_eq!(
        keys,
        [
            "changes",
            "compared_areas",
            "format",
            "new",
            "old",
            "one_sided",
            "pages_note",
            "rules",
            "summary"
        ]
    );
    insta::assert_snapshot!(json);
}

#[test]
fn the_breaking_changes_come_first() {
    let d = pair("in-removed");
    let classes: Vec<_> = d.changes.iter().map(|c| c.class()).collect();
    let mut sorted = classes.clone();
    sorted.sort();
    assert_eq!(classes, sorted);
    let md = d.markdown();
    let summary = md.find("## Summary").expect("a summary");
    assert!(summary < md.find("## How changes are classified").expect("the rules"));
    assert!(md[summary..].contains("### Breaking changes\n\n- Core Platform › Widget"));
}

/// A side whose files are of two releases is refused, whether or not the odd file's area is
/// compared.
#[test]
fn a_side_of_two_releases_is_refused() {
    let old = read("one-sided-area", "old");
    let mut mixed = old.clone();
    for (name, bytes) in &mut mixed.swagger {
        if name.starts_with("Worker") {
            let text = String::from_utf8(bytes.clone()).expect("UTF-8");
            *bytes = text
                .replace("r38.coupadev.com", "r37.coupadev.com")
                .into_bytes();
        }
    }
    let new = read("one-sided-area", "new");
    let e = Drift::of(&mixed, &new).expect_err("two releases on the old side");
    assert!(
        e.message.contains("2 releases") && e.message.contains("Worker_Management_API.json is R37"),
        "{e}"
    );
    let mut both = old.clone();
    both.swagger.push((
        "Invoicing_API.json".into(),
        String::from_utf8(new.swagger[0].1.clone())
            .expect("UTF-8")
            .into_bytes(),
    ));
    let e = Drift::of(&both, &both).expect_err("two releases on a side");
    assert!(e.message.contains("2 releases"), "{e}");
}
