//! The corpus of broken schemas: `tests/broken/<case>/` holds a small schema directory with one
//! kind of mistake, and the snapshot `broken__<case>` holds the diagnostics it renders.
//!
//! A case is named after the diagnostic code it must produce: `<code>`, or `<code>--<variant>`
//! when one code has several cases (`name-collision--fields`). Codes never contain `--`, so the
//! code is the part of the name before the first `--`. The one exception is `many-problems`,
//! which holds several mistakes in two files and must report every one of them in one run.
//!
//! Files too large or too many to commit (a file over the size limit, a sparse 3 GiB file, a key
//! of a megabyte, a 900,000-character line, 300,000-character names, a thousand files) are
//! written under the target directory by the tests below and checked the same way.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use coupa_tests::root;

/// Separates a case's code from its variant.
const VARIANT_SEPARATOR: &str = "--";

/// The code a case must produce, from its directory name.
fn expected_code(case: &str) -> &str {
    case.split_once(VARIANT_SEPARATOR)
        .map_or(case, |(code, _)| code)
}

fn cases() -> Vec<PathBuf> {
    let dir = root().join("tests/broken");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

fn case_name(dir: &Path) -> String {
    dir.file_name()
        .expect("a case directory has a name")
        .to_string_lossy()
        .into_owned()
}

/// Checks one case and compares its rendering with the snapshot. Returns the codes it produced.
fn check_case(dir: &Path) -> BTreeSet<&'static str> {
    let case = case_name(dir);
    let failure = match coupa_codegen::compile_dir(dir) {
        Ok(_) => panic!("{case}: the broken schemas compiled without a diagnostic"),
        Err(f) => f,
    };
    let items = failure.diagnostics.items();
    assert!(!items.is_empty(), "{case}: failed without a diagnostic");
    let codes: BTreeSet<&'static str> = items.iter().map(|d| d.code).collect();
    for d in &items {
        assert!(
            d.loc.is_known() || matches!(d.code, "empty-file" | "file-too-large" | "io"),
            "{case}: `{}` has no position: {d}",
            d.code
        );
    }
    if case == "many-problems" {
        let files: BTreeSet<&Path> = items.iter().map(|d| d.file.as_path()).collect();
        assert!(files.len() >= 2, "{case}: problems in {files:?} only");
        assert!(
            items.len() >= 6,
            "{case}: only {} problems reported",
            items.len()
        );
        assert!(codes.len() >= 5, "{case}: only the codes {codes:?}");
    } else {
        let code = expected_code(&case);
        assert!(
            codes.contains(code),
            "{case}: expected a `{code}` diagnostic, got {codes:?}:\n{}",
            failure.render()
        );
    }
    let rendered = failure.render();
    let mut settings = insta::Settings::clone_current();
    // Generated cases live under the target directory, whose place varies.
    if dir.starts_with(root().join("tests/broken")) {
        settings.set_input_file(dir);
    }
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(format!("broken__{case}"), rendered));
    codes
}

#[test]
fn every_broken_case_fails_with_its_code() {
    let cases = cases();
    assert!(
        cases.len() >= 28,
        "only {} cases in tests/broken",
        cases.len()
    );
    let mut failed = Vec::new();
    let mut codes = BTreeSet::new();
    for dir in &cases {
        // Run every case, so one run shows every case that changed.
        match catch_unwind(AssertUnwindSafe(|| check_case(dir))) {
            Ok(c) => codes.extend(c),
            Err(_) => failed.push(case_name(dir)),
        }
    }
    assert!(
        failed.is_empty(),
        "{} case(s) failed: {}",
        failed.len(),
        failed.join(", ")
    );
    let named: BTreeSet<String> = cases
        .iter()
        .map(|d| case_name(d))
        .filter(|c| c != "many-problems")
        .map(|c| expected_code(&c).to_owned())
        .collect();
    assert!(
        named.len() >= 25,
        "the corpus covers only {} codes: {named:?}",
        named.len()
    );
    // Every code a case is named after is one the loader produced.
    let missing: Vec<&String> = named
        .iter()
        .filter(|c| !codes.contains(c.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "codes named by cases but never produced: {missing:?}"
    );
}

#[test]
fn case_names_follow_the_rule() {
    for dir in cases() {
        let case = case_name(&dir);
        let code = expected_code(&case);
        assert!(
            !code.is_empty()
                && code.split('-').all(|w| !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
            "`{case}`: a case is named `<code>` or `<code>--<variant>`, with a kebab-case code"
        );
        let yaml = std::fs::read_dir(&dir)
            .expect("case directory")
            .filter_map(Result::ok)
            .any(|e| e.path().is_dir() || e.path().extension().is_some_and(|x| x == "yaml"));
        assert!(yaml, "`{case}` holds no .yaml file");
    }
}

/// A file over the size limit, written at test time rather than committed.
#[test]
fn file_too_large() {
    let case = "file-too-large";
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("broken-generated")
        .join(case);
    std::fs::create_dir_all(&dir).expect("create the case directory");
    let base = std::fs::read_to_string(root().join("tests/broken/unknown-key/widgets.yaml"))
        .expect("read a small schema");
    let mut text = String::from("# Generated by schema_corpus.rs: a file over the size limit.\n");
    text.push_str(&base);
    text.push_str("notes:\n");
    let note = format!("  - {}\n", "A long note. ".repeat(70));
    while text.len() <= coupa_codegen::node::MAX_FILE_BYTES {
        text.push_str(&note);
    }
    std::fs::write(dir.join("widgets.yaml"), &text).expect("write the big file");
    let codes = check_case(&dir);
    assert_eq!(codes, BTreeSet::from(["file-too-large"]));
}

/// Writes a generated case (files too large, or too many, to commit) under the target directory
/// and checks it like a committed one. Answers the codes it produced.
fn generated_case(case: &str, files: &[(String, String)]) -> BTreeSet<&'static str> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("broken-generated")
        .join(case);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the case directory");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write a generated file");
    }
    check_case(&dir)
}

fn small_schema() -> String {
    std::fs::read_to_string(root().join("tests/broken/unknown-key/widgets.yaml"))
        .expect("read a small schema")
}

/// A key of 1,000,000 characters, written as an explicit key (`? key`): an unknown key, whose
/// message and snippet quote only the ends of it, with no suggestion (computing one cost the
/// product of the lengths).
#[test]
fn a_key_a_megabyte_long() {
    let key = "k".repeat(1_000_000);
    let text = small_schema()
        .replacen(
            "# Corpus case unknown-key: a misspelt optional key.",
            "# Generated by schema_corpus.rs: a key 1,000,000 characters long.",
            1,
        )
        .replace("    uniqe: true\n", &format!("    ? {key}\n    : true\n"));
    assert!(text.len() <= coupa_codegen::node::MAX_FILE_BYTES);
    let codes = generated_case(
        "unknown-key--megabyte-key",
        &[("widgets.yaml".into(), text)],
    );
    assert_eq!(codes, BTreeSet::from(["unknown-key"]));
}

/// The same key written plainly: YAML limits a plain (implicit) key to 1024 characters.
#[test]
fn a_plain_key_a_megabyte_long() {
    let key = "k".repeat(1_000_000);
    let text = small_schema()
        .replacen(
            "# Corpus case unknown-key: a misspelt optional key.",
            "# Generated by schema_corpus.rs: a plain key 1,000,000 characters long.",
            1,
        )
        .replace("    uniqe: true\n", &format!("    {key}: true\n"));
    let codes = generated_case(
        "yaml-syntax--megabyte-plain-key",
        &[("widgets.yaml".into(), text)],
    );
    assert_eq!(codes, BTreeSet::from(["yaml-syntax"]));
}

/// A line of 900,000 characters with the mistake at its end: the snippet shows 120 characters
/// around it.
#[test]
fn a_very_long_line() {
    let text = small_schema()
        .replacen(
            "# Corpus case unknown-key: a misspelt optional key.",
            "# Generated by schema_corpus.rs: a misspelt key at the end of a 900,000-character line.",
            1,
        )
        .replace(
            "  - name: id\n    description: The widget's id.\n    type: integer\n    api-in: false\n    api-out: true\n    assigned: id\n    uniqe: true\n",
            &format!(
                "  - {{ name: id, description: \"The widget's id. {}\", type: integer, api-in: false, api-out: true, assigned: id, uniqe: true }}\n",
                "An id. ".repeat(900_000 / 7)
            ),
        );
    assert!(
        text.lines().any(|l| l.len() > 900_000),
        "the long line was not written"
    );
    let codes = generated_case(
        "unknown-key--very-long-line",
        &[("widgets.yaml".into(), text)],
    );
    assert_eq!(codes, BTreeSet::from(["unknown-key"]));
}

/// A type name and a shape name of 300,000 characters that differ by one: no suggestion (the
/// edit distance of the two asked for 720 GB and aborted the process).
#[test]
fn type_names_300000_characters_long() {
    let name = format!("I{}", "x".repeat(300_000));
    let widgets = small_schema()
        .replacen(
            "# Corpus case unknown-key: a misspelt optional key.",
            "# Generated by schema_corpus.rs: a 300,000-character type that is not a shape.",
            1,
        )
        .replace("    uniqe: true\n", "")
        .replacen("type: integer", &format!("type: {name}"), 1);
    let shape = format!(
        "# Generated by schema_corpus.rs: a shape whose name differs by one character.\nkind: shape\nname: {name}y\nwire-name: long\ndescription: A shape with a long name.\nsource:\n  page: Widgets API\n  url: https://example.com/widgets-api\nelements:\n  - name: a\n    description: A.\n    type: string\n    api-in: true\n    api-out: true\n"
    );
    let codes = generated_case(
        "unknown-type--long-names",
        &[
            ("widgets.yaml".into(), widgets),
            ("shape.yaml".into(), shape),
        ],
    );
    assert_eq!(codes, BTreeSet::from(["unknown-type"]));
}

/// 1,000 files, two of which (the first and the last) define the same resource: one diagnostic,
/// found in linear time.
#[test]
fn a_thousand_files() {
    let base = small_schema().replace("    uniqe: true\n", "");
    let mut files = Vec::new();
    for i in 0..1000 {
        let n = if i == 999 { 0 } else { i };
        let text = base
            .replacen(
                "# Corpus case unknown-key: a misspelt optional key.",
                &format!("# Generated by schema_corpus.rs: file {i} of 1,000."),
                1,
            )
            .replace("Widget", &format!("Widget{n}"))
            .replace("widget", &format!("widget{n}"));
        files.push((format!("w{i:04}.yaml"), text));
    }
    let start = std::time::Instant::now();
    let codes = generated_case("duplicate-type--a-thousand-files", &files);
    assert!(codes.contains("duplicate-type"), "{codes:?}");
    assert!(
        start.elapsed() < std::time::Duration::from_secs(120),
        "{:?}",
        start.elapsed()
    );
}

/// A file of 3 GiB (sparse: it costs no disk) is refused after reading a megabyte of it; it used
/// to be read whole before its size was checked.
#[test]
fn a_file_of_three_gigabytes() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("broken-generated")
        .join("file-too-large--three-gigabytes");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the case directory");
    let f = std::fs::File::create(dir.join("widgets.yaml")).expect("create the file");
    f.set_len(3 << 30).expect("a sparse file");
    drop(f);
    let start = std::time::Instant::now();
    let codes = check_case(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(codes, BTreeSet::from(["file-too-large"]));
    assert!(
        start.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
}

/// A replacement character written on purpose is valid UTF-8, not a sign of a bad byte.
#[test]
fn a_replacement_character_is_valid_utf8() {
    let text = std::fs::read_to_string(root().join("tests/broken/unknown-key/widgets.yaml"))
        .expect("read a small schema")
        .replace("    uniqe: true\n", "")
        .replace("A widget.", "A widget \u{FFFD}.");
    coupa_codegen::compile_sources(vec![(PathBuf::from("schema/widgets.yaml"), text)])
        .unwrap_or_else(|f| panic!("{}", f.render()));
}

/// Line breaks that are a lone `\r` (old Mac files) count as YAML counts them, so the snippet
/// shows the line the position names.
#[test]
fn lone_carriage_returns_are_line_breaks() {
    let text = std::fs::read_to_string(root().join("tests/broken/unknown-key/widgets.yaml"))
        .expect("read a small schema")
        .replace('\n', "\r");
    let failure =
        coupa_codegen::compile_sources(vec![(PathBuf::from("schema/widgets.yaml"), text)])
            .expect_err("the case is broken");
    let rendered = failure.render();
    assert!(rendered.contains("22 |     uniqe: true\n"), "{rendered}");
}

/// 20,000 misspelt keys in one mapping: every one is reported, with the line it is on. Rendering
/// read the whole file again for each problem (20,000 keys took about a minute); the file is now
/// split into lines once. Not snapshotted: the rendering is 120,000 lines.
#[test]
fn twenty_thousand_unknown_keys_are_all_rendered() {
    const N: usize = 20_000;
    let base = small_schema();
    let head = "    uniqe: true\n";
    assert!(base.contains(head), "the base schema has its misspelt key");
    let extra: String = (0..N).map(|i| format!("    uniqe{i}: true\n")).collect();
    let text = base.replacen(head, &extra, 1);
    let first_line = 1 + base[..base.find(head).unwrap()].lines().count();
    let failure = coupa_codegen::compile_sources(vec![("widgets.yaml".into(), text)])
        .expect_err("every key is unknown");
    let items = failure.diagnostics.items();
    assert_eq!(items.len(), N);
    assert!(items.iter().all(|d| d.code == "unknown-key"));
    let rendered = failure.render();
    assert!(
        rendered.ends_with(&format!("error: {N} problems found in the schemas\n")),
        "{}",
        &rendered[rendered.len().saturating_sub(200)..]
    );
    let last = first_line + N - 1;
    assert!(
        rendered.contains(&format!("{last} |     uniqe{}: true\n", N - 1)),
        "the last key is shown on its own line ({last})"
    );
}
