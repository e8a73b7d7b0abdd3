//! Golden payloads, in `tests/golden/<resource>/`, read into the generated types, written back,
//! and validated. See `tests/golden/README.md` for the naming and where each file comes from:
//!
//! - every example payload of the five pages the schemas first transcribed (and the bodies that
//!   Coupa's integration guides show for runs and errors);
//! - for ten resources of Coupa's whole API (invoices, purchase orders, suppliers, users,
//!   accounts, requisitions, expense reports, Coupa Pay payments, lookup values, exchange rates),
//!   a `show` answer and a create or update body written here, each in JSON and in XML (see
//!   `check_show_pair` and `check_request_pair` below).
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
//! validated for `create` and written back as XML. The XML goldens of the ten resources are
//! compared as trees (`xml_tree`) with what the models and `Preserved` write.
//!
//! Every file under `tests/golden/` must be checked by a test here, and every test's file must
//! exist ([`every_golden_file_is_checked`]).

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::path::Path;
use std::sync::OnceLock;

use coupa_api::{
    accounts, comments, coupa_pay_payments, delegations, events, exchange_rates, expense_reports,
    integration_errors, integration_runs, invoices, lookup_values, purchase_orders, requisitions,
    suppliers, users,
};
use coupa_codegen::ir::{FieldType, Ir, TypeDef};
use coupa_runtime::{Decimal, Endpoint, Format, Model, Preserved, wire};
use coupa_tests::root;

use crate::xml_tree::{self, Node};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The golden files checked by the tests below, relative to `tests/golden/`.
const CHECKED: &[&str] = &[
    "accounts/create.request.json",
    "accounts/create.request.xml",
    "accounts/show.response.json",
    "accounts/show.response.xml",
    "comments/create.request.1.xml",
    "comments/create.request.2.xml",
    "coupa-pay-payments/show.response.json",
    "coupa-pay-payments/show.response.xml",
    "coupa-pay-payments/update.request.json",
    "coupa-pay-payments/update.request.xml",
    "delegations/show.response.json",
    "events/create.request.json",
    "events/create.response.json",
    "events/delete.request.json",
    "events/delete.response.json",
    "events/index.response.json",
    "events/update.request.json",
    "events/update.response.json",
    "exchange-rates/create.request.json",
    "exchange-rates/create.request.xml",
    "exchange-rates/show.response.json",
    "exchange-rates/show.response.xml",
    "expense-reports/create.request.json",
    "expense-reports/create.request.xml",
    "expense-reports/show.response.json",
    "expense-reports/show.response.xml",
    "integration-errors/create-alert.request.json",
    "integration-runs/create.request.json",
    "integration-runs/run.request.canonical.json",
    "integration-runs/run.request.json",
    "integration-runs/success.response.json",
    "invoices/show.response.json",
    "invoices/show.response.xml",
    "invoices/update.request.json",
    "invoices/update.request.xml",
    "lookup-values/create.request.json",
    "lookup-values/create.request.xml",
    "lookup-values/show.response.json",
    "lookup-values/show.response.xml",
    "purchase-orders/create.request.json",
    "purchase-orders/create.request.xml",
    "purchase-orders/show.response.json",
    "purchase-orders/show.response.xml",
    "requisitions/show.response.json",
    "requisitions/show.response.xml",
    "requisitions/update.request.json",
    "requisitions/update.request.xml",
    "suppliers/create.request.json",
    "suppliers/create.request.xml",
    "suppliers/show.response.json",
    "suppliers/show.response.xml",
    "users/create.request.json",
    "users/create.request.xml",
    "users/show.response.json",
    "users/show.response.xml",
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
            "{file}: the golden payload fails validation for `{}`: {v}",
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

// ---- ten resources of Coupa's whole API (goldens written here, from the generated models) ----
//
// For invoices, purchase orders, suppliers, users, accounts, requisitions, expense reports, Coupa
// Pay payments, lookup values and exchange rates: an object as Coupa answers its `show`, and a
// request body for its create (or, where the import has no create or no create can be valid, its
// update), each in JSON and in XML (`tests/golden/README.md` says where they come from). Each
// pair is the same payload in the two formats:
//
// 1. the JSON reads through the action (`check_response`, `check_request`: written back as it was,
//    nulls aside; a request validates for its action and sends that same JSON), and with
//    `Preserved` it is written back exactly, nulls included;
// 2. the XML reads into the same value as the JSON;
// 3. written back as XML, it is the golden as a tree (`xml_tree`), less its `nil="true"` elements
//    (which the models do not write, as they write no null); with `Preserved`, the golden exactly;
// 4. a request read from the XML validates too, and the XML body it sends is the golden's tree.

/// The XML golden as the plain model writes it back: no `nil="true"` element, except inside open
/// objects (the XML counterpart of [`without_nulls`]).
fn without_nils(node: &Node, ty: &TypeDef) -> Node {
    if ty.open {
        return node.clone();
    }
    let children = node
        .children
        .iter()
        .filter(|c| !c.nil)
        .map(|c| match ty.field(&c.name).map(|f| (&f.ty, f.list)) {
            Some((FieldType::Shape { name, .. }, list)) => {
                let t = type_def(name);
                if list {
                    Node {
                        children: c.children.iter().map(|i| without_nils(i, t)).collect(),
                        ..c.clone()
                    }
                } else {
                    without_nils(c, t)
                }
            }
            _ => c.clone(),
        })
        .collect();
    Node {
        children,
        ..node.clone()
    }
}

fn tree(file: &str) -> Node {
    xml_tree::parse(&read(file)).unwrap_or_else(|e| panic!("{file}: not XML: {e}"))
}

#[track_caller]
fn assert_tree(expected: &Node, written: &[u8], what: &str) {
    let actual = xml_tree::parse(written).unwrap_or_else(|e| {
        panic!(
            "{what}: the XML written does not parse: {e}\n{}",
            String::from_utf8_lossy(written)
        )
    });
    if let Some(d) = xml_tree::diff(expected, &actual) {
        panic!(
            "{what}: the XML trees differ: {d}\n--- written:\n{}",
            String::from_utf8_lossy(written)
        );
    }
}

fn json_value(bytes: &[u8], what: &str) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"))
}

/// Checks `<resource>/show.response.{json,xml}` (see above) and answers the object read.
fn check_show_pair<E>(resource: &str, type_name: &str) -> E::Response
where
    E: Endpoint,
    E::Response: Model + PartialEq + Debug,
{
    let json_file = format!("{resource}/show.response.json");
    let xml_file = format!("{resource}/show.response.xml");
    // 1.
    let from_json = check_response::<E>(&json_file, type_name);
    let json = read(&json_file);
    let kept = Preserved::<E::Response>::decode(Format::Json, &json)
        .unwrap_or_else(|e| panic!("{json_file}: Preserved: {e}"));
    assert_eq!(
        json_value(&kept.encode(Format::Json).expect("writes"), &json_file),
        json_value(&json, &json_file),
        "{json_file}: Preserved does not write it back exactly"
    );
    // 2.
    let xml = read(&xml_file);
    let from_xml = E::decode_response(Format::Xml, &xml)
        .unwrap_or_else(|e| panic!("{xml_file} does not read as the response of `show`: {e}"));
    assert_eq!(
        from_xml, from_json,
        "{resource}: the XML and the JSON differ"
    );
    assert_eq!(
        serde_json::to_value(&from_xml).expect("JSON"),
        serde_json::to_value(&from_json).expect("JSON"),
        "{resource}: the XML and the JSON differ (offsets of datetimes)"
    );
    // 3.
    let golden = tree(&xml_file);
    assert_tree(
        &without_nils(&golden, type_def(type_name)),
        &wire::encode(Format::Xml, &from_xml).expect("writes as XML"),
        &format!("{xml_file}, read and written with the model"),
    );
    let kept = Preserved::<E::Response>::decode(Format::Xml, &xml)
        .unwrap_or_else(|e| panic!("{xml_file}: Preserved: {e}"));
    assert_tree(
        &golden,
        &kept.encode(Format::Xml).expect("writes as XML"),
        &format!("{xml_file}, read and written with Preserved"),
    );
    from_json
}

/// Checks `<resource>/<action>.request.{json,xml}` (see above) and answers the body read.
fn check_request_pair<B, E>(
    resource: &str,
    action: &str,
    type_name: &str,
    make: impl Fn(B) -> E,
) -> B
where
    B: DeserializeOwned + Serialize + PartialEq + Debug,
    E: Endpoint,
{
    let json_file = format!("{resource}/{action}.request.json");
    let xml_file = format!("{resource}/{action}.request.xml");
    assert_eq!(
        E::ROUTE.name,
        action,
        "{resource}: the request is the action's"
    );
    // 1.
    check_request(&json_file, type_name, &make);
    let from_json: B = wire::decode(Format::Json, &read(&json_file)).expect("reads");
    // 2.
    let from_xml: B = wire::decode(Format::Xml, &read(&xml_file))
        .unwrap_or_else(|e| panic!("{xml_file} does not read as {type_name}: {e}"));
    assert_eq!(
        from_xml, from_json,
        "{resource}: the XML and the JSON differ"
    );
    // 3.
    let golden = without_nils(&tree(&xml_file), type_def(type_name));
    assert_tree(
        &golden,
        &wire::encode(Format::Xml, &from_xml).expect("writes as XML"),
        &format!("{xml_file}, read and written with the model"),
    );
    // 4.
    let request = make(from_xml);
    if let Err(v) = request.validate() {
        panic!("{xml_file}: fails validation for `{action}`: {v}");
    }
    let sent = request
        .body(Format::Xml)
        .expect("the body encodes")
        .expect("the request has a body");
    assert_tree(
        &golden,
        &sent,
        &format!("{xml_file}: the XML the request sends"),
    );
    from_json
}

fn amount(d: Option<&Decimal>) -> Option<&str> {
    d.map(Decimal::as_str)
}

#[test]
fn invoices_show_response() {
    let inv = check_show_pair::<invoices::Show>("invoices", "InvoiceHeader");
    assert_eq!(inv.status, Some(invoices::InvoiceHeaderStatus::Approved));
    assert_eq!(amount(inv.total_with_taxes.as_ref()), Some("1532.13"));
    let lines = inv.invoice_lines.expect("invoice-lines");
    assert_eq!(lines.len(), 2);
    assert_eq!(amount(lines[0].price.as_ref()), Some("189.99"));
    assert_eq!(lines[0].quantity.as_ref().map(Decimal::as_str), Some("6.0"));
    assert_eq!(
        lines[1].uom.as_ref().and_then(|u| u.code.as_deref()),
        Some("EA")
    );
    assert_eq!(
        inv.updated_by.and_then(|u| u.login),
        Some("mgarcia".to_owned())
    );
}

/// The import has no create for invoices (the Swagger has no POST /api/invoices): the request
/// golden is the update an ERP sends once it has paid.
#[test]
fn invoices_update_request() {
    let body = check_request_pair("invoices", "update", "InvoiceHeader", |b| {
        invoices::Update::new(5112).with_body(b)
    });
    assert_eq!(body.paid, Some(true));
    let payments = body.payments.expect("payments");
    assert_eq!(amount(payments[0].amount_paid.as_ref()), Some("1532.13"));
}

#[test]
fn purchase_orders_show_response() {
    let po = check_show_pair::<purchase_orders::Show>("purchase-orders", "OrderHeader");
    assert_eq!(po.status, Some(purchase_orders::OrderHeaderStatus::Issued));
    assert_eq!(po.po_number.as_deref(), Some("4500012210"));
    let lines = po.order_lines.expect("order-lines");
    assert_eq!(lines.len(), 2);
    assert_eq!(amount(lines[1].total.as_ref()), Some("239.25"));
    assert_eq!(
        lines[0]
            .account
            .as_ref()
            .and_then(|a| a.segment_2.as_deref()),
        Some("5200")
    );
}

/// An external purchase order (`type` ExternalOrderHeader) created from an ERP, its supplier,
/// address, user, currency, unit and account named by their keys.
#[test]
fn purchase_orders_create_request() {
    let body = check_request_pair(
        "purchase-orders",
        "create",
        "OrderHeader",
        purchase_orders::Create::new,
    );
    assert_eq!(body.order_lines.map(|l| l.len()), Some(2));
}

#[test]
fn suppliers_show_response() {
    let s = check_show_pair::<suppliers::Show>("suppliers", "Supplier");
    assert_eq!(s.po_method, Some(suppliers::SupplierPoMethod::Cxml));
    assert_eq!(amount(s.savings_pct.as_ref()), Some("4.50"));
    let contact = s.primary_contact.expect("primary-contact");
    assert_eq!(
        contact.phone_work.and_then(|p| p.number),
        Some("555-0147".to_owned())
    );
    assert_eq!(s.remit_to_addresses.map(|a| a.len()), Some(1));
}

/// A supplier with the elements the import requires on create (enterprise, online store,
/// payment method, primary address and contact, name).
#[test]
fn suppliers_create_request() {
    let body = check_request_pair("suppliers", "create", "Supplier", suppliers::Create::new);
    assert_eq!(
        body.primary_address.and_then(|a| a.city),
        Some("Augsburg".to_owned())
    );
}

#[test]
fn users_show_response() {
    let u = check_show_pair::<users::Show>("users", "User");
    assert_eq!(u.business_group_security_type, Some(1));
    let limit = u
        .requisition_approval_limit
        .expect("requisition-approval-limit");
    assert_eq!(amount(limit.amount.as_ref()), Some("5000.00"));
    assert_eq!(u.roles.map(|r| r.len()), Some(2));
    assert_eq!(
        u.custom_fields.and_then(|c| c.get("badge-number").cloned()),
        Some(Value::from(20817)),
        "an open object keeps its values"
    );
}

#[test]
fn users_create_request() {
    let body = check_request_pair("users", "create", "User", users::Create::new);
    assert_eq!(body.business_group_security_type, Some(0));
}

#[test]
fn accounts_show_response() {
    let a = check_show_pair::<accounts::Show>("accounts", "Account");
    assert_eq!(a.code.as_deref(), Some("US-4410-6150"));
    assert_eq!(
        a.account_type.and_then(|t| t.currency).and_then(|c| c.code),
        Some("USD".to_owned())
    );
}

#[test]
fn accounts_create_request() {
    check_request_pair("accounts", "create", "Account", accounts::Create::new);
}

#[test]
fn requisitions_show_response() {
    let r = check_show_pair::<requisitions::Show>("requisitions", "RequisitionHeader");
    assert_eq!(
        r.status,
        Some(requisitions::RequisitionHeaderStatus::PendingApproval)
    );
    assert_eq!(amount(r.total.as_ref()), Some("2086.00"));
    let lines = r.requisition_lines.expect("requisition-lines");
    assert_eq!(
        lines[1].uom.as_ref().and_then(|u| u.allowable_precision),
        Some(2)
    );
}

/// No create of a requisition validates: the import makes `requested-by` required and
/// output-only (the Swagger marks it required, the page returned only). The request golden is
/// an update of the lines, which name their lines by id.
#[test]
fn requisitions_update_request() {
    let body = check_request_pair("requisitions", "update", "RequisitionHeader", |b| {
        requisitions::Update::new(2291).with_body(b)
    });
    assert_eq!(body.requisition_lines.map(|l| l.len()), Some(2));
    let create = requisitions::Create::new(requisitions::RequisitionHeader::default());
    let refused: Vec<String> = create
        .validate()
        .expect_err("no create validates")
        .into_iter()
        .map(|v| v.path)
        .collect();
    assert!(refused.contains(&"/requested-by".to_owned()), "{refused:?}");
}

#[test]
fn expense_reports_show_response() {
    let r = check_show_pair::<expense_reports::Show>("expense-reports", "ExpenseReport");
    assert_eq!(
        r.start_date.as_ref().map(|d| d.as_str()),
        Some("2024-03-11")
    );
    let lines = r.expense_lines.expect("expense-lines");
    assert_eq!(amount(lines[0].exchange_rate.as_ref()), Some("1.086377000"));
    assert_eq!(
        lines[1]
            .foreign_currency
            .as_ref()
            .and_then(|c| c.code.as_deref()),
        Some("EUR")
    );
}

#[test]
fn expense_reports_create_request() {
    check_request_pair(
        "expense-reports",
        "create",
        "ExpenseReport",
        expense_reports::Create::new,
    );
}

#[test]
fn coupa_pay_payments_show_response() {
    let p = check_show_pair::<coupa_pay_payments::Show>("coupa-pay-payments", "CoupaPayPayment");
    assert_eq!(amount(p.pay_to_total.as_ref()), Some("2611.48"));
    assert_eq!(
        p.requested_execution_date.as_ref().map(|d| d.as_str()),
        Some("2024-03-29")
    );
    assert_eq!(p.payment_details.map(|d| d.len()), Some(2));
}

/// Coupa Pay payments have no create in the import: an update (the ERP's reference).
#[test]
fn coupa_pay_payments_update_request() {
    check_request_pair("coupa-pay-payments", "update", "CoupaPayPayment", |b| {
        coupa_pay_payments::Update::new(60117).with_body(b)
    });
}

#[test]
fn lookup_values_show_response() {
    let v = check_show_pair::<lookup_values::Show>("lookup-values", "LookupValue");
    assert_eq!(v.depth, Some(2));
    assert_eq!(
        v.parent.and_then(|p| p.name),
        Some("4400 Marketing".to_owned())
    );
}

#[test]
fn lookup_values_create_request() {
    check_request_pair(
        "lookup-values",
        "create",
        "LookupValue",
        lookup_values::Create::new,
    );
}

#[test]
fn exchange_rates_show_response() {
    let r = check_show_pair::<exchange_rates::Show>("exchange-rates", "ExchangeRate");
    assert_eq!(amount(r.rate.as_ref()), Some("151.347000000"));
    assert_eq!(
        r.rate_date.map(|d| d.to_wire()).as_deref(),
        Some("2024-03-29T00:00:00+00:00")
    );
}

#[test]
fn exchange_rates_create_request() {
    check_request_pair(
        "exchange-rates",
        "create",
        "ExchangeRate",
        exchange_rates::Create::new,
    );
}

/// The JSON of a request golden with one value changed.
fn golden_with(file: &str, key: &str, value: Value) -> Value {
    let mut v = json_value(&read(file), file);
    v.as_object_mut()
        .expect("an object")
        .insert(key.to_owned(), value);
    v
}

fn rules(r: Result<(), coupa_runtime::Violations>) -> Vec<(String, coupa_runtime::Rule)> {
    r.err()
        .map(|v| v.into_iter().map(|v| (v.path, v.rule)).collect())
        .unwrap_or_default()
}

/// A decimal with more digits than its column (`rate` is `decimal(30,9)`: 21 before the point,
/// 9 after) is a `precision` violation, in JSON and in XML; at the limit it is not.
#[test]
fn a_decimal_beyond_its_precision_is_refused() {
    use coupa_runtime::Rule;
    let file = "exchange-rates/create.request.json";
    for (rate, refused) in [
        ("0.9248150001", true),
        ("1234567890123456789012.5", true),
        ("0.924815000", false),
        ("123456789012345678901.123456789", false),
        ("-000.5", false),
    ] {
        let body: exchange_rates::ExchangeRate =
            serde_json::from_value(golden_with(file, "rate", Value::from(rate))).expect("reads");
        let xml = wire::encode(Format::Xml, &body).expect("writes");
        let from_xml: exchange_rates::ExchangeRate =
            wire::decode(Format::Xml, &xml).expect("reads");
        for b in [body, from_xml] {
            let want = if refused {
                vec![("/rate".to_owned(), Rule::Precision)]
            } else {
                vec![]
            };
            assert_eq!(
                rules(exchange_rates::Create::new(b).validate()),
                want,
                "{rate}"
            );
        }
    }
}

/// An integer outside its allowed values (a user's `business-group-security-type`, 0 or 1) is
/// an `allowed` violation, in JSON and in XML.
#[test]
fn an_integer_outside_its_allowed_values_is_refused() {
    use coupa_runtime::Rule;
    let file = "users/create.request.json";
    for (value, refused) in [(2, true), (-1, true), (0, false), (1, false)] {
        let body: users::User = serde_json::from_value(golden_with(
            file,
            "business-group-security-type",
            Value::from(value),
        ))
        .expect("reads");
        let xml = wire::encode(Format::Xml, &body).expect("writes");
        let from_xml: users::User = wire::decode(Format::Xml, &xml).expect("reads");
        for b in [body, from_xml] {
            let want = if refused {
                vec![("/business-group-security-type".to_owned(), Rule::Allowed)]
            } else {
                vec![]
            };
            assert_eq!(rules(users::Create::new(b).validate()), want, "{value}");
        }
    }
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
