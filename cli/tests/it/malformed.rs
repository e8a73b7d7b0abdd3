//! `coupa validate` on payloads of the malformed corpus (`tests/malformed/`) and on hostile ones
//! built here: exit 2, and one line on standard error that starts with `file:line:col:`.

use std::path::{Path, PathBuf};

use crate::coupa;

fn corpus(case: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/malformed")
        .join(case)
        .display()
        .to_string()
}

/// Runs `coupa validate RESOURCE ACTION FILE`, expects exit 2 and answers standard error.
fn refused(resource: &str, action: &str, file: &str) -> String {
    let o = coupa(&["validate", resource, action, file]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{file}: {err}");
    assert!(
        o.stdout.is_empty(),
        "{file}: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    err
}

#[test]
fn corpus_files_exit_2_with_file_line_and_column() {
    for (case, resource, action, at, phrase) in [
        (
            "integration-run/truncated-object.json",
            "integration-runs",
            "create",
            ":4:1: invalid json",
            "EOF while parsing an object",
        ),
        (
            "integration-run/duplicate-key.json",
            "integration-runs",
            "create",
            ":3:17: invalid json",
            "duplicate field `total-records`",
        ),
        (
            "integration-run/integer-beyond-i64.xml",
            "integration-runs",
            "create",
            ":2:3: invalid xml (at /total-records)",
            "is not an integer",
        ),
        (
            "integration-run/external-entity.xml",
            "integration-runs",
            "create",
            ":2:1: invalid xml",
            "DOCTYPE declarations are not accepted",
        ),
        (
            "integration-run/billion-laughs.xml",
            "integration-runs",
            "create",
            ":2:1: invalid xml",
            "DOCTYPE",
        ),
        (
            "integration-run/invalid-utf8.json",
            "integration-runs",
            "create",
            ":1:28: invalid json",
            "invalid unicode code point",
        ),
        (
            "integration-run/datetime-without-offset.json",
            "integration-runs",
            "update",
            ":1:36: invalid json (at /start-time)",
            "UTC offset",
        ),
        (
            "event-bulk-request/id-as-number.json",
            "events",
            "update",
            ":1:38: invalid json (at /events/0/id)",
            "expected a string",
        ),
    ] {
        let file = corpus(case);
        let err = refused(resource, action, &file);
        assert!(
            err.starts_with(&format!("{file}{at}")),
            "{case}: expected `{file}{at}...`, got {err}"
        );
        assert!(err.contains(phrase), "{case}: {err}");
        assert_eq!(err.lines().count(), 1, "{case}: {err}");
    }
}

fn temp_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let p: PathBuf = dir.path().join(name);
    std::fs::write(&p, bytes).expect("write the payload");
    let shown = p.display().to_string();
    (dir, shown)
}

#[test]
fn deep_nesting_and_huge_values_exit_2_with_a_short_message() {
    let deep_json = format!(
        "{{\"flow\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let deep_xml = format!(
        "<integration-run>{}{}</integration-run>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    let huge = format!(
        "{{\"total-records\": \"{}\"}}",
        "9".repeat(10 * 1024 * 1024)
    );
    for (name, bytes, at, phrase) in [
        (
            "deep.json",
            deep_json.into_bytes(),
            ":1:73: invalid json",
            "nested more than 64 deep",
        ),
        (
            "deep.xml",
            deep_xml.into_bytes(),
            ":1:210: invalid xml",
            "nested more than 65 deep",
        ),
        (
            "huge.json",
            huge.into_bytes(),
            ":1:10485780: invalid json (at /total-records)",
            "characters left out",
        ),
    ] {
        let (_dir, file) = temp_file(name, &bytes);
        let err = refused("integration-runs", "create", &file);
        assert!(err.starts_with(&format!("{file}{at}")), "{name}: {err}");
        assert!(err.contains(phrase), "{name}: {err}");
        assert!(err.len() < file.len() + 400, "{name}: {} bytes", err.len());
    }
}
