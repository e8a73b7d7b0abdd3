//! `coupa validate` and `coupa convert` on the wire goldens of `tests/wire/` (see
//! `tests/wire/README.md`): XML read by extension or `--format xml`, exit codes, and conversions
//! that give back what they were given.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::{coupa, xml_tree};

fn wire_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/wire")
}

fn golden(name: &str) -> String {
    wire_dir().join(name).display().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_exit(o: &Output, code: i32, what: &str) {
    assert_eq!(o.status.code(), Some(code), "{what}: {}", stderr(o));
}

/// The violations printed, without the file (to compare two files' results).
fn violations(o: &Output) -> Vec<(String, String)> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line: {l}: {e}"));
            (
                v["path"].as_str().unwrap().to_owned(),
                v["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Request bodies: valid for their action.
const VALID: &[(&str, &str, &str)] = &[
    ("comments", "create", "comments/create.1"),
    ("comments", "create", "comments/create.2"),
    ("integration-runs", "create", "integration-runs/create"),
    (
        "integration-errors",
        "create-alert",
        "integration-errors/create-alert",
    ),
    ("events", "create", "events/create"),
];

/// Responses sent back as requests: output-only elements (and, for an update, a missing key).
const INVALID: &[(&str, &str, &str)] = &[
    ("integration-runs", "create", "integration-runs/show"),
    ("integration-errors", "update", "integration-errors/index"),
    ("comments", "create", "comments/index"),
    ("events", "update", "events/create"),
];

#[test]
fn validate_reads_xml_by_extension_and_with_format_xml() {
    let dir = tempfile::tempdir().unwrap();
    for (resource, action, name) in VALID {
        let xml = golden(&format!("{name}.xml"));
        let o = coupa(&["validate", resource, action, &xml]);
        assert_exit(&o, 0, &xml);
        assert!(o.stdout.is_empty(), "{xml}");
        // The same bytes under another extension: JSON unless told otherwise.
        let txt = dir.path().join(format!("{}.txt", name.replace('/', "_")));
        std::fs::copy(&xml, &txt).unwrap();
        let txt = txt.display().to_string();
        let o = coupa(&["validate", resource, action, &txt, "--format", "xml"]);
        assert_exit(&o, 0, &txt);
        let o = coupa(&["validate", resource, action, &txt]);
        assert_exit(&o, 2, &format!("{txt} read as JSON"));
        assert!(
            stderr(&o).starts_with(&format!("{txt}:1:1: invalid json")),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn validate_finds_the_same_violations_in_the_xml_and_the_json_golden() {
    for (resource, action, name) in INVALID {
        let xml = golden(&format!("{name}.xml"));
        let json = golden(&format!("{name}.json"));
        let ox = coupa(&["validate", resource, action, &xml]);
        let oj = coupa(&["validate", resource, action, &json]);
        assert_exit(&ox, 1, &xml);
        assert_exit(&oj, 1, &json);
        let vx = violations(&ox);
        assert!(!vx.is_empty());
        assert_eq!(vx, violations(&oj), "{name}");
        let first = String::from_utf8_lossy(&ox.stdout)
            .lines()
            .next()
            .unwrap()
            .to_owned();
        assert!(
            first.starts_with(&format!("{{\"file\":{},", serde_json::json!(xml))),
            "{first}"
        );
    }
    // Both files at once: exit 1, every violation of both.
    let (_, _, name) = INVALID[0];
    let (xml, json) = (
        golden(&format!("{name}.xml")),
        golden(&format!("{name}.json")),
    );
    let o = coupa(&["validate", "integration-runs", "create", &xml, &json]);
    assert_exit(&o, 1, "two files");
    assert_eq!(
        violations(&o).len(),
        2 * violations(&coupa(&["validate", "integration-runs", "create", &xml])).len()
    );
}

#[test]
fn validate_exits_2_on_malformed_xml_and_still_checks_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xml");
    std::fs::write(
        &bad,
        "<comment>\n  <commentable-id type=\"integer\">12x</commentable-id>\n</comment>\n",
    )
    .unwrap();
    let bad = bad.display().to_string();
    let show = golden("integration-runs/show.xml");
    let o = coupa(&["validate", "comments", "create", &bad]);
    assert_exit(&o, 2, &bad);
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!("{bad}:2:3: invalid xml (at /commentable-id)")),
        "{err}"
    );
    let o = coupa(&["validate", "integration-runs", "create", &bad, &show]);
    assert_exit(&o, 2, "a parse error wins over violations");
    assert!(
        !violations(&o).is_empty(),
        "the other file is still checked"
    );
}

// ---- convert ----

/// Every pair of goldens (`<name>.json` and `<name>.xml`) of a resource's payloads. Error bodies
/// and "no results" answers are Coupa's answers, not payloads of a resource.
fn pairs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(wire_dir()).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let resource = dir.file_name().unwrap().to_string_lossy().into_owned();
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".json")
                && !matches!(stem, "errors" | "no-results")
                && dir.join(format!("{stem}.xml")).exists()
            {
                out.push((resource.clone(), format!("{resource}/{stem}")));
            }
        }
    }
    out.sort();
    assert!(out.len() >= 18, "{out:?}");
    out
}

/// Bulk payloads whose XML root `coupa convert` gets wrong (see
/// `convert_keeps_the_envelope_of_bulk_payloads`); their trees are compared below the root.
const WRONG_ROOT: &[&str] = &["events/create", "events/update-result"];

fn convert(resource: &str, file: &Path, to: &str, extra: &[&str]) -> Vec<u8> {
    let f = file.display().to_string();
    let mut args = vec!["convert", resource, &f, "--to", to];
    args.extend_from_slice(extra);
    let o = coupa(&args);
    assert_exit(&o, 0, &format!("convert {f} --to {to}"));
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
    o.stdout
}

fn json(bytes: &[u8], what: &str) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"))
}

#[track_caller]
fn assert_same_tree(golden: &str, actual: &[u8], what: &str, below_root: bool) {
    let bytes = std::fs::read(wire_dir().join(format!("{golden}.xml"))).unwrap();
    let e = xml_tree::parse(&bytes).unwrap_or_else(|err| panic!("{what}: {err}"));
    // What a model cannot give back (a decimal's type inside an open object).
    let e = xml_tree::reproducible(golden, &e, e.is_array());
    let mut a = xml_tree::parse(actual).unwrap_or_else(|err| panic!("{what}: {err}"));
    if below_root {
        a.name.clone_from(&e.name);
    }
    if let Some(d) = xml_tree::diff(&e, &a) {
        panic!(
            "{what}: {d}\n--- written:\n{}",
            String::from_utf8_lossy(actual)
        );
    }
}

/// JSON → XML → JSON is the identity; XML → JSON → XML is the identity as a tree; and the JSON
/// golden converted to XML is the XML golden.
#[test]
fn convert_every_golden_to_the_other_format_and_back() {
    let dir = tempfile::tempdir().unwrap();
    for (resource, name) in pairs() {
        let below_root = WRONG_ROOT.contains(&name.as_str());
        let json_file = wire_dir().join(format!("{name}.json"));
        let xml_file = wire_dir().join(format!("{name}.xml"));
        let tmp = |ext: &str| dir.path().join(format!("{}.{ext}", name.replace('/', "_")));

        let as_xml = convert(&resource, &json_file, "xml", &[]);
        assert_same_tree(
            &name,
            &as_xml,
            &format!("{name}.json --to xml, against {name}.xml"),
            below_root,
        );
        std::fs::write(tmp("xml"), &as_xml).unwrap();
        let back = convert(&resource, &tmp("xml"), "json", &[]);
        assert_eq!(
            json(&back, &name),
            json(&std::fs::read(&json_file).unwrap(), &name),
            "{name}.json --to xml --to json"
        );

        let as_json = convert(&resource, &xml_file, "json", &[]);
        assert_eq!(
            json(&as_json, &name),
            json(&std::fs::read(&json_file).unwrap(), &name),
            "{name}.xml --to json, against {name}.json"
        );
        std::fs::write(tmp("json"), &as_json).unwrap();
        let back = convert(&resource, &tmp("json"), "xml", &[]);
        assert_same_tree(
            &name,
            &back,
            &format!("{name}.xml --to json --to xml"),
            below_root,
        );
    }
}

#[test]
fn convert_reads_xml_from_any_extension_with_format_xml() {
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("comment.txt");
    std::fs::copy(wire_dir().join("comments/show.xml"), &txt).unwrap();
    let out = convert("comments", &txt, "json", &["--format", "xml"]);
    assert_eq!(
        json(&out, "comment.txt"),
        json(
            &std::fs::read(wire_dir().join("comments/show.json")).unwrap(),
            "show.json"
        )
    );
    let o = coupa(&[
        "convert",
        "comments",
        &txt.display().to_string(),
        "--to",
        "json",
    ]);
    assert_exit(&o, 2, "an XML file read as JSON");
}

/// `coupa convert` picks the envelope of an object by its keys. A bulk request
/// (`{"events": [...]}`) is taken for a bulk result (whose check accepts an object holding only
/// `events`, and is made first), and a bulk result without `events` or `added`
/// (`{"result": [...], "updated": 1}`) for a single event: the XML root is wrong
/// (`<event-bulk-result>`, `<event>`) though everything below it is right.
#[test]
fn convert_keeps_the_envelope_of_bulk_payloads() {
    for (name, root) in [
        ("events/create", "event-bulk-request"),
        ("events/update-result", "event-bulk-result"),
    ] {
        let out = convert(
            "events",
            &wire_dir().join(format!("{name}.json")),
            "xml",
            &[],
        );
        let t = xml_tree::parse(&out).unwrap();
        assert_eq!(t.name, root, "{name}");
    }
}

#[test]
fn convert_exits_2_on_malformed_files_with_the_file_and_the_position() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "bad.xml",
            "<comment>\n  <commentable-id type=\"integer\">12x</commentable-id>\n</comment>\n",
            "invalid xml at line 2, column 3 (at /commentable-id): `12x` is not an integer",
        ),
        (
            "unclosed.xml",
            "<comment>\n  <comments>a</comment>\n",
            "invalid xml at line 2, column ",
        ),
        (
            "bad.json",
            "{\n  \"id\": 1,\n  \"comments\": \"a\"\n  \"to-supplier\": true\n}\n",
            "invalid json at line 4, column 3",
        ),
        (
            "typed.json",
            "{\"commentable-id\": \"x\"}",
            "invalid json at line 1, column 22 (at /commentable-id)",
        ),
    ];
    for (name, text, want) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let shown = p.display().to_string();
        for to in ["json", "xml"] {
            let o = coupa(&["convert", "comments", &shown, "--to", to]);
            assert_exit(&o, 2, name);
            assert!(o.stdout.is_empty(), "{name}: nothing is written");
            let err = stderr(&o);
            assert!(
                err.starts_with(&format!("{shown}: {want}")),
                "{name}: {err}"
            );
        }
    }
}

#[test]
fn convert_exits_2_when_a_kept_json_key_cannot_be_an_xml_element() {
    // JSON keeps any key; `<a b>` is not XML. Writing it anyway (exit 0, bad XML) was a bug.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("odd-key.json");
    std::fs::write(&p, r#"{"id": 1, "extra": {"a b": 2}}"#).unwrap();
    let shown = p.display().to_string();
    let o = coupa(&["convert", "comments", &shown, "--to", "xml"]);
    assert_exit(&o, 2, "odd key to xml");
    assert!(o.stdout.is_empty(), "nothing is written");
    let err = stderr(&o);
    assert!(err.contains("`a b` cannot be an XML element name"), "{err}");
    // The same file still converts to JSON, keeping the key.
    let out = convert("comments", &p, "json", &[]);
    assert_eq!(json(&out, "odd key")["extra"]["a b"], 2);
}
