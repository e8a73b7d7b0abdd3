//! Generator fixtures: `tests/fixtures/<feature>/` is a small schema directory exercising one
//! feature of the generator, and the snapshots `fixture__<feature>__<file>` (in
//! `tests/it/snapshots/`, prefixed `it__generator_fixtures__`) hold every Rust file
//! the generator emits for it (`generated/src/<file>`), so a change to an emitter shows up as a
//! reviewable diff of small, focused outputs.
//!
//! | feature | what it exercises |
//! |---|---|
//! | `optional-fields` | one optional element of every built-in type, a list with a length, an alias |
//! | `enums` | allowed values, case-insensitive ones, `Asn::Header`, `to_coupa`, a leading digit, a list, a status action |
//! | `references` | a shape element, a list of shapes, a shape that refers to another, an open shape |
//! | `collisions` | names taken by Rust (`type`, `self`, `match`, `ref`, `box`, `crate`, `gen`, values `None`/`Ok`/...), shapes named `Result` and `Option` with a `rust-name` |
//! | `path-params` | several parameters (integer, digits, string), nested routes binding elements |
//! | `bulk` | CSO envelopes and bulk create, update and delete |
//! | `unique` | unique api-in elements of every kind, so the batch uniqueness is generated |
//! | `recursive` | a shape that refers to itself (boxed), a list of itself (not boxed), mutual recursion |
//! | `values` | a decimal with a precision and scale (and without), an integer with allowed values, a date, a time, a float, a list of decimals |
//! | `member-collection` | member actions (a PUT with an optional body, a PUT and a DELETE without one) and collection actions (a POST with a body, a GET with a query and a scope of its own) |
//! | `multipart` | a create taking a multipart form with a file and a text field, a member upload with an optional file, a download |
//! | `override` | an imported resource and shape, an override file applied to them (description, aliases, allowed values, in/out, an element added and one removed, an action made a status action, one added and one removed) and the scopes table: the snapshots show the merged output |
//! | `scopes` | an imported resource and the scopes table with `paths` entries (nested routes under another scope, an approval sub-scope) |
//!
//! Besides the snapshots, [`every_fixture_compiles`] writes each fixture's crate to a temporary
//! workspace, depending on `coupa-runtime` by path, and runs `cargo check --offline
//! --all-features` on it (every module is behind a feature) with warnings denied.
//!
//! To add a fixture: create the directory, add it to [`FEATURES`] and to a test below, run
//! `INSTA_UPDATE=always cargo test -p coupa-tests --test it -- generator_fixtures::`, and read the
//! new snapshots.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use coupa_codegen::emit::GeneratedFile;
use coupa_tests::root;

/// Every fixture directory.
const FEATURES: &[&str] = &[
    "bulk",
    "collisions",
    "enums",
    "member-collection",
    "multipart",
    "optional-fields",
    "override",
    "path-params",
    "recursive",
    "references",
    "scopes",
    "unique",
    "values",
];

fn fixture_dir(feature: &str) -> PathBuf {
    root().join("tests/fixtures").join(feature)
}

/// The files the generator emits for a fixture.
fn generate(feature: &str) -> Vec<GeneratedFile> {
    let ir = coupa_codegen::compile_dir(&fixture_dir(feature))
        .unwrap_or_else(|f| panic!("fixture {feature} does not compile:\n{}", f.render()));
    coupa_codegen::emit::generate(&ir).unwrap_or_else(|e| panic!("fixture {feature}: {e}"))
}

/// Snapshots every Rust file of a fixture's crate; returns the files by name (`alerts.rs`).
fn snapshot(feature: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in generate(feature) {
        let Some(name) = f.path.strip_prefix("generated/src/") else {
            assert_eq!(
                f.path, "generated/Cargo.toml",
                "{feature}: unexpected output"
            );
            continue;
        };
        let mut settings = insta::Settings::clone_current();
        settings.set_omit_expression(true);
        settings.set_description(format!("tests/fixtures/{feature} -> {}", f.path));
        settings.bind(|| {
            insta::assert_snapshot!(format!("fixture__{feature}__{name}"), f.contents);
        });
        out.push((name.to_owned(), f.contents));
    }
    out
}

fn file<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
    files
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, c)| c.as_str())
        .unwrap_or_else(|| panic!("no generated/src/{name}"))
}

/// Asserts that `text` contains every needle, naming the missing ones.
fn assert_contains(what: &str, text: &str, needles: &[&str]) {
    let missing: Vec<&&str> = needles.iter().filter(|n| !text.contains(**n)).collect();
    assert!(missing.is_empty(), "{what} lacks {missing:?}");
}

#[test]
fn every_fixture_directory_is_listed() {
    let dir = root().join("tests/fixtures");
    let found: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("read tests/fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    let listed: BTreeSet<String> = FEATURES.iter().map(|s| s.to_string()).collect();
    assert_eq!(found, listed, "tests/fixtures and FEATURES differ");
}

#[test]
fn fixture_optional_fields() {
    let files = snapshot("optional-fields");
    let m = file(&files, "gadgets.rs");
    assert_contains(
        "gadgets.rs",
        m,
        &[
            "pub label: Option<String>",
            "pub weight: Option<coupa_runtime::Decimal>",
            "pub active: Option<bool>",
            "pub made_at: Option<coupa_runtime::DateTime>",
            "pub serial: Option<String>",
            "pub extra: Option<serde_json::Map<String, serde_json::Value>>",
            "pub tags: Option<Vec<String>>",
            "total_count = \"total-count\" | \"total_count\",",
            "cx.text_list(",
            "cx.digits(",
        ],
    );
}

#[test]
fn fixture_enums() {
    let files = snapshot("enums");
    let m = file(&files, "alerts.rs");
    assert_contains(
        "alerts.rs",
        m,
        &[
            "const CASE_SENSITIVE: bool = false;",
            "const CASE_SENSITIVE: bool = true;",
            "\"Asn::Header\" => Self::AsnHeader",
            "\"Payables::External::Payable\" => Self::PayablesExternalPayable",
            "\"to_coupa\" => Self::ToCoupa",
            "\"3-way\" => Self::V3Way",
            "\"event.deleted.logMsg\" => Self::EventDeletedLogMsg",
            "Unknown(String)",
            "cx.choice_list(",
        ],
    );
}

#[test]
fn fixture_references() {
    let files = snapshot("references");
    assert_contains(
        "orders.rs",
        file(&files, "orders.rs"),
        &[
            "pub supplier: Option<Box<crate::supplier::Supplier>>",
            "pub lines: Option<Vec<crate::order_line::OrderLine>>",
            "pub flow: Option<crate::flow::Flow>",
            "Element::nested(\"supplier\", &crate::supplier::SHAPE)",
            "cx.nested(at, &e[1], self.supplier.as_deref());",
            "cx.nested_list(at, &e[2], self.lines.as_deref());",
        ],
    );
    assert_contains(
        "flow.rs",
        file(&files, "flow.rs"),
        &["pub type Flow = serde_json::Map<String, serde_json::Value>;"],
    );
}

#[test]
fn fixture_collisions() {
    let files = snapshot("collisions");
    assert_contains(
        "keywords.rs",
        file(&files, "keywords.rs"),
        &[
            "pub r#type: Option<KeywordType>",
            "pub self_: Option<String>",
            "pub r#match: Option<i64>",
            "pub r#ref: Option<String>",
            "pub result: Option<Box<crate::result::CoupaResult>>",
            "pub option: Option<Vec<crate::option::CoupaOption>>",
            "pub r#box: Option<bool>",
            "pub crate_: Option<String>",
            "pub r#gen: Option<String>",
            "Self_",
            "pub struct Match",
            "pub struct ShowByType",
        ],
    );
    assert_contains(
        "result.rs",
        file(&files, "result.rs"),
        &["pub struct CoupaResult"],
    );
    assert_contains(
        "option.rs",
        file(&files, "option.rs"),
        &["pub struct CoupaOption"],
    );
}

#[test]
fn fixture_path_params() {
    let files = snapshot("path-params");
    assert_contains(
        "lines.rs",
        file(&files, "lines.rs"),
        &[
            "pub order_id: i64",
            "pub market_id: String",
            "pub event_id: String",
            "pub code: String",
        ],
    );
}

#[test]
fn fixture_bulk() {
    let files = snapshot("bulk");
    assert_contains(
        "bids.rs",
        file(&files, "bids.rs"),
        &[
            "coupa_runtime::validate::validate_envelope(",
            "ActionKind::BulkUpdate",
            "ActionKind::BulkDelete",
            "Self::ROUTE.kind",
            "type Response = crate::bid_list::BidList;",
            "type Response = crate::bid_bulk_result::BidBulkResult;",
        ],
    );
}

#[test]
fn fixture_unique() {
    let files = snapshot("unique");
    let m = file(&files, "suppliers.rs");
    assert_contains(
        "suppliers.rs",
        m,
        &[
            "fn unique_values<'s>(",
            "f(\"number\", coupa_runtime::UniqueValue::Str(v));",
            "f(\"tax-id\", coupa_runtime::UniqueValue::Str(v));",
            "f(\"rank\", coupa_runtime::UniqueValue::Int(*v));",
            "f(\"credit-limit\", coupa_runtime::UniqueValue::Str(v.as_str()));",
            "coupa_runtime::WireEnum::as_wire(v)",
        ],
    );
    // The output-only id is unique among existing objects, but a request cannot carry it.
    assert!(
        !m.contains("f(\"id\""),
        "the output-only id is in unique_values"
    );
}

#[test]
fn fixture_recursive() {
    let files = snapshot("recursive");
    assert_contains(
        "category.rs",
        file(&files, "category.rs"),
        &[
            "pub parent: Option<Box<Category>>",
            "pub children: Option<Vec<Category>>",
            "self.parent.as_deref()",
        ],
    );
    assert_contains(
        "taxonomies.rs",
        file(&files, "taxonomies.rs"),
        &[
            "pub root: Option<Box<crate::category::Category>>",
            "pub parent: Option<Box<Taxonomy>>",
        ],
    );
    assert_contains(
        "node.rs",
        file(&files, "node.rs"),
        &["pub next: Option<Box<crate::edge::Edge>>"],
    );
    assert_contains(
        "edge.rs",
        file(&files, "edge.rs"),
        &["pub to: Option<Box<crate::node::Node>>"],
    );
}

#[test]
fn fixture_values() {
    let files = snapshot("values");
    assert_contains(
        "meters.rs",
        file(&files, "meters.rs"),
        &[
            "pub reading: Option<coupa_runtime::Decimal>",
            "pub channel: Option<i64>",
            "pub read_on: Option<coupa_runtime::Date>",
            "pub read_at: Option<coupa_runtime::Time>",
            "pub temperature: Option<f64>",
            "pub history: Option<Vec<coupa_runtime::Decimal>>",
            ".precision(12, 4)",
            ".precision(10, 0)",
            ".allowed(&[\"0\", \"1\", \"2\"])",
            "cx.decimal(",
            "cx.integer(",
        ],
    );
}

#[test]
fn fixture_member_collection() {
    let files = snapshot("member-collection");
    assert_contains(
        "invoices.rs",
        file(&files, "invoices.rs"),
        &[
            "ActionKind::Member",
            "ActionKind::Collection",
            "pub fn with_body(mut self, body: Invoice) -> Self",
            "Method::Delete",
            "type Response = Vec<Invoice>;",
            ".scope(\"core.invoice.overdue.read\")",
            "\"/api/invoices/validate_number\"",
        ],
    );
}

#[test]
fn fixture_multipart() {
    let files = snapshot("multipart");
    assert_contains(
        "documents.rs",
        file(&files, "documents.rs"),
        &[
            "Takes::Multipart",
            "pub file: coupa_runtime::Upload",
            "pub r#type: String",
            "pub file: Option<coupa_runtime::Upload>",
            "fn form(&self) -> Option<coupa_runtime::Form<'_>>",
            "\"document[file]\"",
            "\"document[type]\"",
            "FormKind::File",
            "FormKind::String",
        ],
    );
}

/// The override is applied before anything is generated: the snapshots show the merged type (no
/// `legacy-ref`, no `legacy-export`; `custom-fields` and `retire` added; the override's
/// description and notes in the rustdoc).
#[test]
fn fixture_override() {
    let files = snapshot("override");
    let m = file(&files, "widgets.rs");
    assert_contains(
        "widgets.rs",
        m,
        &[
            "A widget, as the Widgets API page describes it.",
            "The description is ours.",
            "pub custom_fields: Option<serde_json::Map<String, serde_json::Value>>",
            "code = \"code\" | \"widget_code\",",
            "pub status: Option<WidgetStatus>",
            "Element::new(\"id\", ElementKind::Integer)",
            ".assigned(Assigned::Id)",
            "pub struct Retire",
            "ActionKind::Status",
            "(\"status\", \"retired\")",
            "(\"status\", \"active\")",
            "The page lists three statuses and marks status returned only.",
        ],
    );
    for gone in ["legacy_ref", "legacy-ref", "LegacyExport", "legacy_export"] {
        assert!(!m.contains(gone), "widgets.rs still has `{gone}`");
    }
}

/// The scopes table's `paths` give the nested routes and the approval their own scopes.
#[test]
fn fixture_scopes() {
    let files = snapshot("scopes");
    let m = file(&files, "parcels.rs");
    let scope_of = |route: &str| {
        let at = m
            .find(&format!("\"{route}\""))
            .unwrap_or_else(|| panic!("no route {route}"));
        let rest = &m[at..];
        let scope = rest
            .split(".scope(\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_else(|| panic!("{route}: no scope"));
        scope.to_owned()
    };
    assert_eq!(scope_of("create"), "core.parcel.write");
    assert_eq!(scope_of("index"), "core.parcel.read");
    assert_eq!(scope_of("create-for-shipment"), "core.shipment.write");
    assert_eq!(scope_of("index-for-shipment"), "core.shipment.read");
    assert_eq!(scope_of("approve"), "core.parcel.approval");
}

/// The directory Cargo builds into (`target/`), from the test's temporary directory
/// (`target/tmp`), so a custom target directory is honoured.
fn target_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is under the target directory")
        .to_path_buf()
}

/// The dependencies a generated manifest inherits from the workspace (`name.workspace = true`
/// under `[dependencies]`).
fn inherited_dependencies(manifest: &str) -> Vec<&str> {
    manifest
        .lines()
        .skip_while(|l| *l != "[dependencies]")
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| l.strip_suffix(".workspace = true"))
        .collect()
}

/// Writes every fixture's crate into one temporary workspace: `<feature>/Cargo.toml` is the
/// generated one, and the workspace declares the dependencies it inherits as this workspace
/// does, with `coupa-runtime` pointing at this workspace's `runtime/`.
fn write_fixture_workspace(dir: &Path) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).expect("clear the fixture workspace");
    }
    std::fs::create_dir_all(dir).expect("create the fixture workspace");
    let runtime = root().join("runtime");
    let runtime = runtime.to_str().expect("a UTF-8 path").replace('\\', "/");
    let ours = std::fs::read_to_string(root().join("Cargo.toml")).expect("read Cargo.toml");
    let declared: Vec<&str> = ours
        .lines()
        .skip_while(|l| l.trim() != "[workspace.dependencies]")
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .collect();
    let generated = generate(FEATURES[0]);
    let crate_manifest = generated
        .iter()
        .find(|f| f.path == "generated/Cargo.toml")
        .expect("a generated Cargo.toml");
    let inherited = inherited_dependencies(&crate_manifest.contents);
    assert!(
        inherited.contains(&"coupa-runtime"),
        "the generated Cargo.toml changed shape:\n{}",
        crate_manifest.contents
    );
    let dependencies: Vec<String> = inherited
        .iter()
        .map(|name| {
            if *name == "coupa-runtime" {
                return format!("coupa-runtime = {{ path = \"{runtime}\" }}");
            }
            declared
                .iter()
                .find(|l| l.split_once('=').is_some_and(|(n, _)| n.trim() == *name))
                .unwrap_or_else(|| panic!("`{name}` is not under [workspace.dependencies]"))
                .to_string()
        })
        .collect();
    let members: Vec<String> = FEATURES.iter().map(|f| format!("{f:?}")).collect();
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n\
         [workspace.package]\nedition = \"2024\"\nrust-version = \"1.95\"\n\
         license = \"MIT OR Apache-2.0\"\npublish = false\n\n\
         [workspace.dependencies]\n{}\n",
        members.join(", "),
        dependencies.join("\n")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write the workspace manifest");
    // The same versions as this workspace, so `--offline` finds them and the builds are shared.
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    for feature in FEATURES {
        for f in generate(feature) {
            let rel = f
                .path
                .strip_prefix("generated/")
                .expect("the crate's files are under generated/");
            let mut contents = f.contents;
            if rel == "Cargo.toml" {
                let before = contents.clone();
                contents = contents.replace(
                    "name = \"coupa-api\"",
                    &format!("name = \"fixture-{feature}\""),
                );
                assert_ne!(before, contents, "the generated Cargo.toml changed shape");
            }
            let path = dir.join(feature).join(rel);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs");
            std::fs::write(&path, contents).expect("write a fixture file");
        }
    }
}

/// Every fixture's generated crate compiles, without a warning (`missing_docs` is denied by the
/// generated `lib.rs`; `-D warnings` catches the rest), with every feature: each module is
/// behind the feature of its name, so without them only `lib.rs` would be checked.
#[test]
fn every_fixture_compiles() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("generator-fixtures");
    write_fixture_workspace(&dir);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let out = Command::new(cargo)
        .current_dir(&dir)
        .args([
            "check",
            "--offline",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--quiet",
        ])
        .env("CARGO_TARGET_DIR", target_dir().join("fixture-check"))
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("RUSTC_WRAPPER")
        .output()
        .expect("run cargo check");
    eprintln!(
        "cargo check of {} fixture crates took {:.1?}",
        FEATURES.len(),
        started.elapsed()
    );
    assert!(
        out.status.success(),
        "the fixture crates do not compile ({}):\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}
