//! Golden payloads: every example payload of the five pages (and the bodies that Coupa's
//! integration guides show for runs and errors), in `tests/golden/<resource>/`, read into
//! the generated types, written back, and validated. See `tests/golden/README.md` for the naming.
//!
//! For each JSON golden:
//!
//! 1. it is read into the type its action carries: a request into the action's body type, a
//!    response through the action's own `Endpoint::decode_response` (so a `list` answer is read
//!    with `coupa_runtime::wire::decode_list`);
//! 2. written back with serde_json, it must equal the original as a `serde_json::Value`, once the
//!    nulls the models cannot keep are removed from the original (see [`without_nulls`]), or the
//!    `<name>.canonical.json` sibling when the golden uses an input-only spelling (an alias);
//! 3. a request must validate for its action with no violation, and the body the request would
//!    send must be that same canonical form.
//!
//! The XML comment bodies are read with `coupa_runtime::wire::decode`, checked field by field,
//! validated for `create` and written back as XML.
//!
//! Every file under `tests/golden/` must be checked by a test here, and every test's file must
//! exist ([`every_golden_file_is_checked`]).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use coupa_api::{comments, delegations, events, integration_errors, integration_runs};
use coupa_codegen::ir::{FieldType, Ir, TypeDef};
use coupa_runtime::{Endpoint, Format, wire};
use coupa_tests::root;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The golden files checked by the tests below, relative to `tests/golden/`.
const CHECKED: &[&str] = &[
    "comments/create.request.1.xml",
    "comments/create.request.2.xml",
    "delegations/show.response.json",
    "events/create.request.json",
    "events/create.response.json",
    "events/delete.request.json",
    "events/delete.response.json",
    "events/index.response.json",
    "events/update.request.json",
    "events/update.response.json",
    "integration-errors/create-alert.request.json",
    "integration-runs/create.request.json",
    "integration-runs/run.request.canonical.json",
    "integration-runs/run.request.json",
    "integration-runs/success.response.json",
];

fn golden_dir() -> std::path::PathBuf {
    root().join("tests/golden")
}

fn read(file: &str) -> Vec<u8> {
    let path = golden_dir().join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The schemas' IR, to know which values are open objects (see [`without_nulls`]).
fn ir() -> &'static Ir {
    static IR: OnceLock<Ir> = OnceLock::new();
    IR.get_or_init(|| {
        coupa_codegen::compile_dir(&root().join("schema"))
            .unwrap_or_else(|f| panic!("{}", f.render()))
    })
}

fn type_def(name: &str) -> &'static TypeDef {
    ir().get(name)
        .unwrap_or_else(|| panic!("no type `{name}` in schema/"))
}

/// The original payload as the models write it back: every key whose value is `null` removed,
/// recursively.
///
/// Why: every element is an `Option`, a `null` reads as `None`, and `None` is never written
/// (`skip_serializing_if`), because Coupa omits nulls (the CSO page says so; the Delegations
/// example is full of them). So `"employee-number": null` cannot survive a round trip, and need
/// not: absent and null mean the same to Coupa.
///
/// The one place nulls are data is inside an open object (`object` elements such as a user's
/// `custom-fields`, and open shapes such as `Flow`): the model keeps such an object as a JSON map,
/// every key exactly as it arrived, so `{"app-platform-e2e-money1718091754": null}` is kept, null
/// included. Which values are open comes from the schema (`ty`), so the helper walks the payload
/// beside its type. A key the schema does not know is left as it is: the model drops it, and the
/// comparison then shows it.
fn without_nulls(value: &Value, ty: &TypeDef) -> Value {
    let Value::Object(map) = value else {
        return value.clone();
    };
    if ty.open {
        return value.clone();
    }
    let mut out = serde_json::Map::new();
    for (key, v) in map {
        if v.is_null() {
            continue;
        }
        let inner = match ty.field(key).map(|f| (&f.ty, f.list)) {
            Some((FieldType::Shape { name, .. }, list)) => {
                let t = type_def(name);
                match v {
                    Value::Array(items) if list => {
                        Value::Array(items.iter().map(|i| without_nulls(i, t)).collect())
                    }
                    _ => without_nulls(v, t),
                }
            }
            _ => v.clone(),
        };
        out.insert(key.clone(), inner);
    }
    Value::Object(out)
}

#[test]
fn without_nulls_keeps_the_nulls_of_open_objects() {
    let user = serde_json::json!({
        "id": 1,
        "employee-number": null,
        "custom-fields": {"x": null},
        "roles": [{"id": 2, "description": null}],
        "created-by": {"id": 3, "gpo-entity": null},
    });
    assert_eq!(
        without_nulls(&user, type_def("User")),
        serde_json::json!({
            "id": 1,
            "custom-fields": {"x": null},
            "roles": [{"id": 2}],
            "created-by": {"id": 3},
        })
    );
}

/// What the written-back golden must equal: the `.canonical.json` sibling when there is one
/// (the golden spells something the way only input accepts, such as `total_records`), else the
/// original without its nulls.
fn expected(file: &str, original: &Value, ty: &TypeDef) -> Value {
    let canonical = file.replace(".json", ".canonical.json");
    let path = golden_dir().join(&canonical);
    if path.exists() {
        serde_json::from_slice(&read(&canonical)).expect("the canonical form is JSON")
    } else {
        without_nulls(original, ty)
    }
}

/// Checks a request golden: it reads into the body type `B`, writes back as `expected`, and the
/// request `make` builds from it validates without a violation and sends `expected`.
fn check_request<B, E>(file: &str, type_name: &str, make: impl FnOnce(B) -> E)
where
    B: DeserializeOwned + Serialize,
    E: Endpoint,
{
    let bytes = read(file);
    let original: Value = serde_json::from_slice(&bytes).expect("the golden is JSON");
    let want = expected(file, &original, type_def(type_name));
    let body: B = wire::decode(Format::Json, &bytes)
        .unwrap_or_else(|e| panic!("{file} does not read as {type_name}: {e}"));
    let again = serde_json::to_value(&body).expect("the body writes as JSON");
    assert_eq!(
        again, want,
        "{file}: the {type_name} does not write back as it was read"
    );
    let request = make(body);
    if let Err(v) = request.validate() {
        panic!(
            "{file}: the page's own payload fails validation for `{}`: {v}",
            E::ROUTE.name
        );
    }
    let sent = request
        .body(Format::Json)
        .expect("the body encodes")
        .expect("the request has a body");
    let sent: Value = serde_json::from_slice(&sent).expect("the body is JSON");
    assert_eq!(sent, want, "{file}: the request sends something else");
}

/// Checks a response golden: `E::decode_response` reads it, and it writes back as `expected`.
fn check_response<E>(file: &str, type_name: &str) -> E::Response
where
    E: Endpoint,
    E::Response: Serialize,
{
    let bytes = read(file);
    let original: Value = serde_json::from_slice(&bytes).expect("the golden is JSON");
    let want = expected(file, &original, type_def(type_name));
    let response = E::decode_response(Format::Json, &bytes).unwrap_or_else(|e| {
        panic!(
            "{file} does not read as the response of `{}`: {e}",
            E::ROUTE.name
        )
    });
    let again = serde_json::to_value(&response).expect("the response writes as JSON");
    // A `list` answer is a list; the Delegations page shows one object where the list is, and
    // `decode_list` reads it as a list of one.
    let want = match (&again, &want) {
        (Value::Array(_), Value::Object(_)) => Value::Array(vec![want]),
        _ => want,
    };
    assert_eq!(
        again,
        want,
        "{file}: the response of `{}` does not write back as it was read",
        E::ROUTE.name
    );
    response
}

// ---- events (Events API page) ----

#[test]
fn events_index_response() {
    let list = check_response::<events::Index>("events/index.response.json", "EventList");
    assert_eq!(list.total, Some(5));
    let events = list.events.expect("events");
    assert_eq!(events.len(), 5);
    assert_eq!(events[0].id.as_deref(), Some("9219595375673293031"));
    assert_eq!(events[3].state, Some(events::EventState::Terminated));
    assert_eq!(events[1].time_zone.as_deref(), Some("Europe/Stockholm"));
    // The page's own example: two events of one market (why market-id is not unique).
    assert_eq!(events[2].market_id, events[4].market_id);
}

#[test]
fn events_create_request() {
    check_request(
        "events/create.request.json",
        "EventBulkRequest",
        events::Create::new,
    );
}

#[test]
fn events_create_response() {
    let r = check_response::<events::Create>("events/create.response.json", "EventBulkResult");
    assert_eq!(r.added, Some(2));
    assert_eq!(r.events.map(|e| e.len()), Some(2));
}

#[test]
fn events_update_request() {
    check_request(
        "events/update.request.json",
        "EventBulkRequest",
        events::Update::new,
    );
}

#[test]
fn events_update_response() {
    let r = check_response::<events::Update>("events/update.response.json", "EventBulkResult");
    assert_eq!(r.updated, Some(2));
}

#[test]
fn events_delete_request() {
    check_request(
        "events/delete.request.json",
        "EventBulkRequest",
        events::Delete::new,
    );
}

#[test]
fn events_delete_response() {
    let r = check_response::<events::Delete>("events/delete.response.json", "EventBulkResult");
    assert_eq!(r.deleted, Some(1));
}

// ---- delegations (Delegates API page) ----

#[test]
fn delegations_show_response() {
    let list = check_response::<delegations::Show>("delegations/show.response.json", "Delegation");
    assert_eq!(
        list.len(),
        1,
        "the page's one object reads as a list of one"
    );
    let d = &list[0];
    assert_eq!(d.id, Some(1));
    assert_eq!(
        d.start_date.map(|t| t.to_wire()).as_deref(),
        Some("2021-03-17T00:00:00-07:00"),
        "the offset survives"
    );
    let delegator = d.delegator.as_ref().expect("delegator");
    assert_eq!(delegator.roles.as_ref().map(Vec::len), Some(4));
    let custom = delegator.custom_fields.as_ref().expect("custom-fields");
    assert_eq!(
        custom.get("app-platform-e2e-money1718091754"),
        Some(&Value::Null),
        "an open object keeps its nulls"
    );
}

// ---- integration runs (bodies from the integration guides) ----

#[test]
fn integration_runs_create_request() {
    check_request(
        "integration-runs/create.request.json",
        "IntegrationRun",
        integration_runs::Create::new,
    );
}

#[test]
fn integration_runs_run_request_reads_the_snake_case_alias() {
    check_request(
        "integration-runs/run.request.json",
        "IntegrationRun",
        |body: integration_runs::IntegrationRun| {
            assert_eq!(body.total_records, Some(250));
            integration_runs::Run::new(4711).with_body(body)
        },
    );
}

/// The canonical form is itself a valid body that writes back unchanged.
#[test]
fn integration_runs_run_request_canonical() {
    let file = "integration-runs/run.request.canonical.json";
    let bytes = read(file);
    let original: Value = serde_json::from_slice(&bytes).expect("JSON");
    let body: integration_runs::IntegrationRun = wire::decode(Format::Json, &bytes).expect("reads");
    assert_eq!(serde_json::to_value(&body).expect("writes"), original);
    integration_runs::Run::new(4711)
        .with_body(body)
        .validate()
        .expect("valid");
}

#[test]
fn integration_runs_success_response() {
    let run = check_response::<integration_runs::Success>(
        "integration-runs/success.response.json",
        "IntegrationRun",
    );
    assert_eq!(
        run.status,
        Some(integration_runs::IntegrationRunStatus::Successful)
    );
}

// ---- integration errors (body from the integration guides) ----

#[test]
fn integration_errors_create_alert_request() {
    check_request(
        "integration-errors/create-alert.request.json",
        "IntegrationError",
        |body: integration_errors::IntegrationError| {
            // Also valid as a plain create: create_alert takes the same object.
            body.validate_for(integration_errors::IntegrationErrorAction::Create)
                .expect("valid for create");
            integration_errors::CreateAlert::new(body)
        },
    );
}

// ---- comments (Comments API page): the two XML bodies ----

fn check_comment_xml(file: &str, text: &str) {
    let bytes = read(file);
    let comment: comments::Comment = wire::decode(Format::Xml, &bytes)
        .unwrap_or_else(|e| panic!("{file} does not read as a Comment: {e}"));
    assert_eq!(
        comment,
        comments::Comment {
            commentable_id: Some(123456),
            commentable_type: Some("InvoiceHeader".to_owned()),
            comments: Some(text.to_owned()),
            ..Default::default()
        },
        "{file}"
    );
    comment
        .validate_for(comments::CommentAction::Create)
        .unwrap_or_else(|v| panic!("{file}: {v}"));
    comments::Create::new(comment.clone())
        .validate()
        .unwrap_or_else(|v| panic!("{file}: {v}"));
    // The page posts it with commentable-type InvoiceHeader: the invoice route takes it too.
    comments::CreateForInvoice::new(123456, comment.clone())
        .validate()
        .unwrap_or_else(|v| panic!("{file}: {v}"));
    // Written as XML and read again, it is the same comment.
    let xml = wire::encode(Format::Xml, &comment).expect("writes as XML");
    let again: comments::Comment = wire::decode(Format::Xml, &xml).unwrap_or_else(|e| {
        panic!(
            "{file}: the written XML does not read back: {e}\n{}",
            String::from_utf8_lossy(&xml)
        )
    });
    assert_eq!(again, comment, "{file}: XML round trip");
}

#[test]
fn comments_create_request_1_xml() {
    check_comment_xml("comments/create.request.1.xml", "コメントテキスト");
}

#[test]
fn comments_create_request_2_xml() {
    check_comment_xml(
        "comments/create.request.2.xml",
        "@ [ユーザー: 2]このコメントを参照してください",
    );
}

// ---- the set of files ----

fn list(dir: &Path, out: &mut BTreeSet<String>) {
    for e in std::fs::read_dir(dir).expect("read tests/golden") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            list(&p, out);
        } else {
            let rel = p.strip_prefix(golden_dir()).expect("under tests/golden");
            out.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn every_golden_file_is_checked() {
    let mut files = BTreeSet::new();
    list(&golden_dir(), &mut files);
    files.remove("README.md");
    let checked: BTreeSet<String> = CHECKED.iter().map(|s| s.to_string()).collect();
    let unchecked: Vec<&String> = files.difference(&checked).collect();
    let missing: Vec<&String> = checked.difference(&files).collect();
    assert!(
        unchecked.is_empty() && missing.is_empty(),
        "golden files without a test: {unchecked:?}; tests without a file: {missing:?}"
    );
}

/// The names follow `<action>.<request|response>[.<n>|.canonical].<json|xml>`, and the action is
/// one the resource's schema has.
#[test]
fn golden_names_follow_the_rule() {
    for file in CHECKED {
        let (resource, name) = file.split_once('/').expect("<resource>/<name>");
        let r = coupa_api::registry::RESOURCES
            .iter()
            .find(|r| r.name == resource)
            .unwrap_or_else(|| panic!("{file}: `{resource}` is not a resource"));
        let parts: Vec<&str> = name.split('.').collect();
        assert!(
            (3..=4).contains(&parts.len()),
            "{file}: <action>.<request|response>[.<n>|.canonical].<ext>"
        );
        assert!(
            r.action(parts[0]).is_some(),
            "{file}: no action `{}`",
            parts[0]
        );
        assert!(matches!(parts[1], "request" | "response"), "{file}");
        if parts.len() == 4 {
            assert!(
                parts[2] == "canonical" || parts[2].parse::<u32>().is_ok(),
                "{file}"
            );
        }
        assert!(matches!(parts[parts.len() - 1], "json" | "xml"), "{file}");
    }
}
