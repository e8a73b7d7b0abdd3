//! One group of tests per validation rule, on the generated models of the five seed pages, of
//! imported resources for the rules the import brought (decimal precision, integer allowed
//! values), and, for `unique`, on a hand-written `Validate` impl shaped like the generated ones
//! and on the generated `Integration` shape.
//!
//! Every test asserts the EXACT list of (JSON pointer, rule) pairs, in order, so a rule that
//! fires twice, fires on the wrong path or stops firing shows up. Payloads are written as JSON and
//! read through serde, as they arrive.

use coupa_api::{
    comments, events, integration_errors, integration_runs, integrations, invoices,
    purchase_orders, users,
};
use coupa_runtime::validate::{Cx, Path, validate_batch, validate_with};
use coupa_runtime::{
    Element, ElementKind, Endpoint, Mode, Rule, UniqueStore, UniqueValue, Validate, Violations,
    WireEnum,
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The (path, rule) pairs of a validation result, in order.
fn pairs(r: Result<(), Violations>) -> Vec<(String, Rule)> {
    match r {
        Ok(()) => Vec::new(),
        Err(v) => v.into_iter().map(|v| (v.path, v.rule)).collect(),
    }
}

/// The expected pairs, written `[("/path", Rule::X), ...]`.
fn want(list: &[(&str, Rule)]) -> Vec<(String, Rule)> {
    list.iter().map(|(p, r)| (p.to_string(), *r)).collect()
}

fn read<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("the payload reads")
}

fn run(v: Value) -> integration_runs::IntegrationRun {
    read(v)
}

fn error(v: Value) -> integration_errors::IntegrationError {
    read(v)
}

fn bulk(v: Value) -> coupa_api::event_bulk_request::EventBulkRequest {
    read(v)
}

// ---------------------------------------------------------------- required

#[test]
fn required_on_create_only() {
    let empty = integration_runs::IntegrationRun::default();
    assert_eq!(
        pairs(integration_runs::Create::new(empty.clone()).validate()),
        want(&[("/integration", Rule::Required)])
    );
    assert_eq!(
        pairs(
            integration_runs::Update::new(1)
                .with_body(empty.clone())
                .validate()
        ),
        want(&[])
    );
    assert_eq!(
        pairs(
            integration_runs::Patch::new(1)
                .with_body(empty.clone())
                .validate()
        ),
        want(&[])
    );
    // A status action's optional body is an update: nothing is required.
    assert_eq!(
        pairs(integration_runs::Run::new(1).with_body(empty).validate()),
        want(&[])
    );
    // The Comments page marks no element required, `comments` included: an empty comment is
    // not refused on create.
    let comment = comments::Comment::default();
    assert_eq!(
        pairs(comment.validate_for(comments::CommentAction::Create)),
        want(&[])
    );
    assert_eq!(
        pairs(comments::CreateForUser::new(7, comment.clone()).validate()),
        want(&[])
    );
    // Actions without a body accept anything.
    assert_eq!(
        pairs(comment.validate_for(comments::CommentAction::ShowForUser)),
        want(&[])
    );
}

#[test]
fn required_in_table_order_and_every_one_reported() {
    assert_eq!(
        pairs(integration_errors::Create::new(error(json!({}))).validate()),
        want(&[
            ("/contact-alert-type", Rule::Required),
            ("/integration-run", Rule::Required),
        ])
    );
}

#[test]
fn required_alternatives_integration_run_or_its_id() {
    let create = |v: Value| pairs(integration_errors::Create::new(error(v)).validate());
    assert_eq!(
        create(json!({"contact-alert-type": "Both"})),
        want(&[("/integration-run", Rule::Required)])
    );
    assert_eq!(
        create(json!({"contact-alert-type": "Both", "integration-run-id": 4711})),
        want(&[])
    );
    // The nested run is a reference: its own required `integration` is not this payload's business.
    assert_eq!(
        create(json!({"contact-alert-type": "Both", "integration-run": {}})),
        want(&[])
    );
    assert_eq!(
        create(json!({
            "contact-alert-type": "Both",
            "integration-run": {"records-processed": 3},
            "integration-run-id": 4711
        })),
        want(&[])
    );
    // An update needs neither.
    assert_eq!(
        pairs(
            integration_errors::Update::new(9)
                .with_body(error(json!({})))
                .validate()
        ),
        want(&[])
    );
}

/// A reference names the referenced object by its key (`{"integration-run": {"id": 4711}}`, the
/// way Coupa references associations); the run's `id` is output-only as an element of a run, but
/// not as the key of a reference.
#[test]
fn a_nested_reference_may_name_the_object_by_its_key() {
    let e = error(json!({"contact-alert-type": "Both", "integration-run": {"id": 4711}}));
    assert_eq!(
        pairs(integration_errors::Create::new(e).validate()),
        want(&[])
    );
    // Other output-only elements of the referenced object are still refused.
    let e = error(json!({
        "contact-alert-type": "Both",
        "integration-run": {"id": 4711, "status": "running"}
    }));
    assert_eq!(
        pairs(integration_errors::Create::new(e).validate()),
        want(&[("/integration-run/status", Rule::OutputOnly)])
    );
}

#[test]
fn bulk_envelopes_require_their_list_and_bulk_writes_the_key() {
    let empty = bulk(json!({}));
    for r in [
        events::Create::new(empty.clone()).validate(),
        events::Update::new(empty.clone()).validate(),
        events::Delete::new(empty).validate(),
    ] {
        assert_eq!(pairs(r), want(&[("/events", Rule::Required)]));
    }
    let unnamed = bulk(json!({"events": [{"id": "1"}, {"name": "no id"}]}));
    assert_eq!(
        pairs(events::Update::new(unnamed.clone()).validate()),
        want(&[("/events/1/id", Rule::Required)])
    );
    assert_eq!(
        pairs(events::Delete::new(unnamed.clone()).validate()),
        want(&[("/events/1/id", Rule::Required)])
    );
    // A create must not carry the id (it is Coupa's), and needs none.
    assert_eq!(
        pairs(events::Create::new(unnamed).validate()),
        want(&[("/events/0/id", Rule::OutputOnly)])
    );
    // An empty list is a list.
    assert_eq!(
        pairs(events::Create::new(bulk(json!({"events": []}))).validate()),
        want(&[])
    );
}

// ---------------------------------------------------------------- allowed

#[test]
fn allowed_values_are_strict_on_input() {
    let r = run(json!({"integration": {"code": "X", "direction": "sideways"}}));
    assert_eq!(
        pairs(integration_runs::Create::new(r).validate()),
        want(&[("/integration/direction", Rule::Allowed)])
    );
    let r = run(json!({"integration": {"code": "X", "direction": "to_coupa"}}));
    assert_eq!(
        pairs(integration_runs::Create::new(r).validate()),
        want(&[])
    );
    let e = error(json!({
        "contact-alert-type": "Everyone",
        "document-type": "Asn::Header",
        "integration-run-id": 1
    }));
    assert_eq!(
        pairs(integration_errors::CreateAlert::new(e).validate()),
        want(&[("/contact-alert-type", Rule::Allowed)])
    );
}

#[test]
fn an_unknown_value_is_kept_and_written_back_unchanged() {
    let payload = json!({"integration": {"code": "X", "direction": "sideways"}});
    let r = run(payload.clone());
    let direction = r
        .integration
        .as_ref()
        .and_then(|i| i.direction.clone())
        .expect("direction");
    assert_eq!(
        direction,
        integrations::IntegrationDirection::Unknown("sideways".to_owned())
    );
    assert!(!direction.is_known() && !direction.is_allowed());
    assert_eq!(serde_json::to_value(&r).expect("writes"), payload);
    // Also as XML.
    let xml = coupa_runtime::wire::encode(coupa_runtime::Format::Xml, &r).expect("writes XML");
    let again: integration_runs::IntegrationRun =
        coupa_runtime::wire::decode(coupa_runtime::Format::Xml, &xml).expect("reads XML");
    assert_eq!(again, r);
    // Values with punctuation are values like any other.
    let e = error(json!({"document-type": "Asn::Header"}));
    assert_eq!(
        e.document_type,
        Some(integration_errors::IntegrationErrorDocumentType::AsnHeader)
    );
    assert_eq!(
        serde_json::to_value(&e).expect("writes"),
        json!({"document-type": "Asn::Header"})
    );
}

#[test]
fn cso_state_is_case_sensitive() {
    let b = bulk(json!({"events": [
        {"name": "a", "state": "Active"},
        {"name": "b", "state": "active"},
        {"name": "c", "state": "SETUP"},
    ]}));
    let states: Vec<_> = b
        .events
        .iter()
        .flatten()
        .map(|e| e.state.clone().expect("state"))
        .collect();
    assert_eq!(
        states,
        [
            events::EventState::Active,
            events::EventState::Unknown("active".to_owned()),
            events::EventState::Unknown("SETUP".to_owned()),
        ]
    );
    assert!(states[1].canonical().is_none(), "no case folding");
    assert_eq!(
        pairs(events::Create::new(b).validate()),
        want(&[
            ("/events/1/state", Rule::Allowed),
            ("/events/2/state", Rule::Allowed),
        ])
    );
}

/// No element of the five pages is case-insensitive, so this uses an enum written like the
/// generated ones with `CASE_SENSITIVE = false` (the generator fixture `enums` shows the emitted
/// code).
#[test]
fn case_insensitive_values_are_allowed_in_any_case() {
    #[derive(Debug, PartialEq)]
    enum Alert {
        Both,
        Unknown(String),
    }
    impl WireEnum for Alert {
        const VALUES: &'static [&'static str] = &["Both"];
        const CASE_SENSITIVE: bool = false;
        fn as_wire(&self) -> &str {
            match self {
                Alert::Both => "Both",
                Alert::Unknown(s) => s,
            }
        }
        fn from_wire(s: &str) -> Self {
            match s {
                "Both" => Alert::Both,
                o => Alert::Unknown(o.to_owned()),
            }
        }
        fn is_known(&self) -> bool {
            !matches!(self, Alert::Unknown(_))
        }
    }
    let check = |v: &str| {
        let mut out = Vec::new();
        let mut cx = Cx::new(Mode::Create, &mut out);
        cx.choice(
            &Path::Root,
            &Element::new("alert", ElementKind::String).allowed(&["Both"]),
            Some(&Alert::from_wire(v)),
        );
        out.into_iter()
            .map(|v| (v.path, v.rule))
            .collect::<Vec<_>>()
    };
    assert_eq!(check("Both"), want(&[]));
    assert_eq!(check("BOTH"), want(&[]));
    assert_eq!(check("both"), want(&[]));
    assert_eq!(check("Neither"), want(&[("/alert", Rule::Allowed)]));
    assert_eq!(Alert::from_wire("bOtH").canonical(), Some(Alert::Both));
}

/// Integers may have allowed values too (a user's `business-group-security-type`, 0 or 1):
/// another value is an `allowed` violation, in an update as in a create.
#[test]
fn integers_with_allowed_values() {
    let user = |v: Value| -> users::User { read(json!({"business-group-security-type": v})) };
    for (v, refused) in [
        (json!(0), false),
        (json!(1), false),
        (json!(2), true),
        (json!(-1), true),
    ] {
        let want_pairs = if refused {
            want(&[("/business-group-security-type", Rule::Allowed)])
        } else {
            want(&[])
        };
        assert_eq!(
            pairs(users::Update::new(1).with_body(user(v.clone())).validate()),
            want_pairs,
            "{v}"
        );
    }
    // Absent, it is not checked.
    assert_eq!(
        pairs(users::User::default().validate_for(users::UserAction::Update)),
        want(&[])
    );
}

// ---------------------------------------------------------------- length

#[test]
fn length_counts_characters_not_bytes() {
    let with = |external_id: String| {
        error(json!({
            "contact-alert-type": "Technical",
            "integration-run-id": 1,
            "external-id": external_id
        }))
    };
    let fits = "日".repeat(255);
    assert_eq!(fits.len(), 765, "765 bytes, 255 characters");
    assert_eq!(
        pairs(integration_errors::Create::new(with(fits)).validate()),
        want(&[])
    );
    assert_eq!(
        pairs(integration_errors::Create::new(with("日".repeat(256))).validate()),
        want(&[("/external-id", Rule::Length)])
    );
    assert_eq!(
        pairs(integration_errors::Create::new(with("a".repeat(256))).validate()),
        want(&[("/external-id", Rule::Length)])
    );
    // Length applies on update too.
    assert_eq!(
        pairs(
            integration_errors::Update::new(1)
                .with_body(with("日".repeat(256)))
                .validate()
        ),
        want(&[("/external-id", Rule::Length)])
    );
    // A combining sequence counts as its characters (Unicode scalar values), as Coupa's
    // string(255) columns count them.
    let e = with("e\u{301}".repeat(128));
    assert_eq!(
        pairs(integration_errors::Create::new(e).validate()),
        want(&[("/external-id", Rule::Length)])
    );
}

#[test]
fn length_of_cso_ids() {
    let b = bulk(json!({"events": [
        {"market-id": "1234567890123456789"},
        {"market-id": "12345678901234567890"},
    ]}));
    assert_eq!(
        pairs(events::Create::new(b).validate()),
        want(&[("/events/1/market-id", Rule::Length)])
    );
}

// ---------------------------------------------------------------- output-only

#[test]
fn output_only_elements_are_refused_in_requests() {
    let r = run(json!({
        "id": 4711,
        "integration": {"code": "X"},
        "status": "successful",
        "created-at": "2021-03-18T11:20:50-07:00"
    }));
    assert_eq!(
        pairs(integration_runs::Create::new(r.clone()).validate()),
        want(&[
            ("/created-at", Rule::OutputOnly),
            ("/id", Rule::OutputOnly),
            ("/status", Rule::OutputOnly),
        ])
    );
    // On a status action's body too: the action sets the status, the body must not.
    assert_eq!(
        pairs(integration_runs::Success::new(4711).with_body(r).validate()),
        want(&[
            ("/created-at", Rule::OutputOnly),
            ("/id", Rule::OutputOnly),
            ("/status", Rule::OutputOnly),
        ])
    );
    // An output-only value is refused for being there, whatever it is: an unknown status is
    // not reported a second time as not allowed.
    let r = run(json!({"integration": {"code": "X"}, "status": "done"}));
    assert_eq!(
        pairs(integration_runs::Create::new(r).validate()),
        want(&[("/status", Rule::OutputOnly)])
    );
    // Inside a nested object.
    let r = run(json!({"integration": {"code": "X", "standard": true}}));
    assert_eq!(
        pairs(integration_runs::Create::new(r).validate()),
        want(&[("/integration/standard", Rule::OutputOnly)])
    );
    // Internal elements (neither in nor out) are refused too.
    let c: comments::Comment = read(json!({"comments": "hi", "comment-type": "x"}));
    assert_eq!(
        pairs(comments::Create::new(c).validate()),
        want(&[("/comment-type", Rule::OutputOnly)])
    );
    // The Comments page marks to-supplier api-out only.
    let c: comments::Comment = read(json!({"comments": "hi", "to-supplier": true}));
    assert_eq!(
        pairs(comments::CreateForInvoice::new(5, c).validate()),
        want(&[("/to-supplier", Rule::OutputOnly)])
    );
    // CSO: event-number is Coupa's.
    let b = bulk(json!({"events": [{"name": "a", "event-number": 12}]}));
    assert_eq!(
        pairs(events::Create::new(b).validate()),
        want(&[("/events/0/event-number", Rule::OutputOnly)])
    );
}

// ---------------------------------------------------------------- immutable

#[test]
fn immutable_elements_are_refused_in_updates() {
    let e: events::Event = read(json!({"market-id": "9220538753220565329", "name": "x"}));
    assert_eq!(
        pairs(events::UpdateOne::new("9220538753252871154", e.clone()).validate()),
        want(&[("/market-id", Rule::Immutable)])
    );
    // Allowed on create.
    assert_eq!(
        pairs(e.validate_for(events::EventAction::Create)),
        want(&[])
    );
    let b = bulk(json!({"events": [
        {"id": "1", "name": "x"},
        {"id": "2", "market-id": "9220538753220565329"},
        {"id": "3", "event-number": 7},
    ]}));
    assert_eq!(
        pairs(events::Update::new(b.clone()).validate()),
        want(&[
            ("/events/1/market-id", Rule::Immutable),
            ("/events/2/event-number", Rule::Immutable),
        ])
    );
    // A bulk delete only reads the ids.
    assert_eq!(pairs(events::Delete::new(b).validate()), want(&[]));
    // event-number is immutable and output-only: on update it is reported once, as immutable.
    let e: events::Event = read(json!({"event-number": 7}));
    assert_eq!(
        pairs(e.validate_for(events::EventAction::UpdateOne)),
        want(&[("/event-number", Rule::Immutable)])
    );
    assert_eq!(
        pairs(e.validate_for(events::EventAction::Create)),
        want(&[("/event-number", Rule::OutputOnly)])
    );
}

// ---------------------------------------------------------------- unique

/// A resource with a unique api-in element, written as the generator writes one (see the
/// `unique` generator fixture's snapshot).
#[derive(Debug, Default)]
struct Widget {
    code: Option<String>,
}

impl Validate for Widget {
    const RESOURCE: &'static str = "widgets";

    fn validate_at(&self, cx: &mut Cx<'_>, at: &Path<'_>) {
        const CODE: Element = Element::new("code", ElementKind::String)
            .required()
            .unique()
            .max_len(8);
        cx.require(at, &CODE, self.code.is_some());
        cx.text(at, &CODE, self.code.as_deref());
    }

    fn unique_values<'s>(&'s self, f: &mut dyn FnMut(&'static str, UniqueValue<'s>)) {
        if let Some(v) = &self.code {
            f("code", UniqueValue::Str(v));
        }
    }
}

fn widget(code: &str) -> Widget {
    Widget {
        code: Some(code.to_owned()),
    }
}

#[test]
fn unique_values_may_not_repeat_inside_one_batch() {
    let items = [
        widget("A"),
        widget("B"),
        widget("A"),
        widget("B"),
        widget("A"),
    ];
    let root = Path::Root;
    let at = root.key("widgets");
    let r = validate_batch(&items, Mode::Create, None, &at);
    assert_eq!(
        pairs(r.clone()),
        want(&[
            ("/widgets/2/code", Rule::Unique),
            ("/widgets/3/code", Rule::Unique),
            ("/widgets/4/code", Rule::Unique),
        ])
    );
    let v = r.unwrap_err();
    assert_eq!(v.0[0].value.as_deref(), Some("A"));
    assert!(v.0[0].message.contains("item 0"), "{}", v.0[0].message);
    assert!(v.0[1].message.contains("item 1"), "{}", v.0[1].message);
    // Absent values are not duplicates of each other; the missing code is reported as required.
    let items = [Widget::default(), Widget::default()];
    assert_eq!(
        pairs(validate_batch(&items, Mode::Create, None, &at)),
        want(&[
            ("/widgets/0/code", Rule::Required),
            ("/widgets/1/code", Rule::Required),
        ])
    );
    // Bulk updates are batches too; bulk deletes only name objects.
    let items = [widget("A"), widget("A")];
    assert_eq!(
        pairs(validate_batch(&items, Mode::BulkUpdate, None, &at)),
        want(&[("/widgets/1/code", Rule::Unique)])
    );
    assert_eq!(
        pairs(validate_batch(&items, Mode::BulkDelete, None, &at)),
        want(&[])
    );
}

/// Above 1024 items the batch check switches from pairwise comparison to a hash map; both must
/// report the same thing.
#[test]
fn unique_in_a_large_batch() {
    let mut items: Vec<Widget> = (0..1100).map(|i| widget(&format!("W{i}"))).collect();
    items[1050] = widget("W3");
    items[1099] = widget("W1050");
    let root = Path::Root;
    assert_eq!(
        pairs(validate_batch(&items, Mode::Create, None, &root)),
        want(&[("/1050/code", Rule::Unique)])
    );
    let small = &items[..1000];
    assert_eq!(
        pairs(validate_batch(small, Mode::Create, None, &root)),
        want(&[])
    );
}

#[test]
fn unique_in_a_batch_of_generated_integrations() {
    // `Integration` has two unique api-in elements, code and name. Created, an integration also
    // needs its business object, direction, end system and end system type (required by the
    // Integrations API page and the Swagger; see schema/overrides/integrations.yaml).
    let integration = |code: &str, name: &str| {
        json!({
            "code": code, "name": name, "business-object": "invoices", "direction": "from_coupa",
            "end-system": "SAP", "end-system-type": "erp",
        })
    };
    let items: Vec<integrations::Integration> = read(json!([
        integration("SAP-1", "SAP invoices"),
        integration("SAP-2", "SAP invoices"),
        integration("SAP-1", "Other"),
    ]));
    let root = Path::Root;
    assert_eq!(
        pairs(validate_batch(&items, Mode::Create, None, &root)),
        want(&[("/1/name", Rule::Unique), ("/2/code", Rule::Unique)])
    );
}

/// A store of existing objects, as the mock keeps one.
struct FakeStore {
    /// (resource, element, value, key of the object holding it)
    taken: Vec<(&'static str, &'static str, &'static str, &'static str)>,
}

impl UniqueStore for FakeStore {
    fn is_taken(
        &self,
        resource: &str,
        element: &str,
        value: UniqueValue<'_>,
        except: Option<&str>,
    ) -> bool {
        self.taken.iter().any(|(r, e, v, key)| {
            *r == resource && *e == element && value == UniqueValue::Str(v) && except != Some(*key)
        })
    }
}

#[test]
fn unique_values_are_checked_against_the_store() {
    let store = FakeStore {
        taken: vec![("widgets", "code", "TAKEN", "1")],
    };
    assert_eq!(
        pairs(validate_with(
            &widget("TAKEN"),
            Mode::Create,
            Some(&store),
            None
        )),
        want(&[("/code", Rule::Unique)])
    );
    assert_eq!(
        pairs(validate_with(
            &widget("FREE"),
            Mode::Create,
            Some(&store),
            None
        )),
        want(&[])
    );
    // Updating the object that holds the value is not a clash with itself.
    assert_eq!(
        pairs(validate_with(
            &widget("TAKEN"),
            Mode::Update,
            Some(&store),
            Some("1")
        )),
        want(&[])
    );
    assert_eq!(
        pairs(validate_with(
            &widget("TAKEN"),
            Mode::Update,
            Some(&store),
            Some("2")
        )),
        want(&[("/code", Rule::Unique)])
    );
    // Batches consult the store for every item, then compare the items.
    let items = [widget("TAKEN"), widget("X"), widget("X")];
    let root = Path::Root;
    assert_eq!(
        pairs(validate_batch(&items, Mode::Create, Some(&store), &root)),
        want(&[("/0/code", Rule::Unique), ("/2/code", Rule::Unique)])
    );
}

#[test]
fn nested_references_are_not_checked_for_uniqueness() {
    // The integration a run refers to already exists: its code being taken is the point.
    struct Everything;
    impl UniqueStore for Everything {
        fn is_taken(&self, _: &str, _: &str, _: UniqueValue<'_>, _: Option<&str>) -> bool {
            true
        }
    }
    let r = run(json!({"integration": {"code": "SAP-1", "name": "SAP"}}));
    assert_eq!(
        pairs(validate_with(&r, Mode::Create, Some(&Everything), None)),
        want(&[])
    );
}

// ---------------------------------------------------------------- digits

#[test]
fn cso_ids_are_strings_of_digits() {
    let b = bulk(json!({"events": [
        {"id": "9220538753252871154"},
        {"id": "12a"},
        {"id": ""},
        {"id": "-1"},
        {"id": "９２２"},
        {"id": " 1"},
    ]}));
    assert_eq!(
        pairs(events::Update::new(b.clone()).validate()),
        want(&[
            ("/events/1/id", Rule::Format),
            ("/events/2/id", Rule::Format),
            ("/events/3/id", Rule::Format),
            ("/events/4/id", Rule::Format),
            ("/events/5/id", Rule::Format),
        ])
    );
    assert_eq!(
        pairs(events::Delete::new(b).validate()),
        want(&[]),
        "a bulk delete checks that each item names an event, not what the name looks like"
    );
    let b = bulk(json!({"events": [{"market-id": "92x"}]}));
    assert_eq!(
        pairs(events::Create::new(b).validate()),
        want(&[("/events/0/market-id", Rule::Format)])
    );
}

// ---------------------------------------------------------------- precision

/// A decimal holds `digits - scale` digits before the point and `scale` after it (an order
/// line's price is `decimal(30,6)`): more before is out of range, more after would be rounded;
/// leading zeros and the sign do not count. Nested, with the item's path.
#[test]
fn decimals_fit_their_column() {
    let order = |price: &str| -> purchase_orders::OrderHeader {
        read(json!({"order-lines": [{"description": "Bolts"}, {"price": price}]}))
    };
    for (price, refused) in [
        ("1.123456", false),
        ("123456789012345678901234.123456", false),
        ("000000000000000000000000000001.5", false),
        ("-0.5", false),
        ("+12", false),
        ("1.1234567", true),
        ("1234567890123456789012345", true),
        ("-1234567890123456789012345.5", true),
    ] {
        let want_pairs = if refused {
            want(&[("/order-lines/1/price", Rule::Precision)])
        } else {
            want(&[])
        };
        assert_eq!(
            pairs(
                purchase_orders::Update::new(1)
                    .with_body(order(price))
                    .validate()
            ),
            want_pairs,
            "{price}"
        );
    }
    // A decimal without a precision (an invoice's supplier-total) takes any digits.
    let invoice: invoices::InvoiceHeader =
        read(json!({"supplier-total": "123456789012345678901234567890.1234567890"}));
    assert_eq!(
        pairs(invoices::Update::new(1).with_body(invoice).validate()),
        want(&[])
    );
    // An output-only decimal is refused as output-only, whatever its digits.
    let invoice: invoices::InvoiceHeader =
        read(json!({"amount-of-advance-payment": "1.123456789012345678901"}));
    assert_eq!(
        pairs(invoices::Update::new(1).with_body(invoice).validate()),
        want(&[("/amount-of-advance-payment", Rule::OutputOnly)])
    );
}

// ---------------------------------------------------------------- nested paths

#[test]
fn violations_carry_the_path_of_the_value() {
    let b = bulk(json!({"events": [
        {"name": "fine", "state": "Setup"},
        {"name": "bad state", "state": "Closed"},
        {"name": "bad market", "market-id": "x", "state": "Active"},
    ]}));
    assert_eq!(
        pairs(events::Create::new(b).validate()),
        want(&[
            ("/events/1/state", Rule::Allowed),
            ("/events/2/market-id", Rule::Format),
        ])
    );
    let e = error(json!({
        "contact-alert-type": "Functional",
        "integration-run-id": 4711,
        "integration": {"direction": "both_ways", "standard": false},
        "responses": [
            {"response-code": "E-1", "response-message": "fine"},
            {"response-code": "x".repeat(256), "created-at": "2024-01-01T00:00:00Z"},
        ]
    }));
    // In table order: Integration's elements are in the import's (alphabetical) order.
    assert_eq!(
        pairs(integration_errors::CreateAlert::new(e).validate()),
        want(&[
            ("/integration/direction", Rule::Allowed),
            ("/integration/standard", Rule::OutputOnly),
            ("/responses/1/created-at", Rule::OutputOnly),
            ("/responses/1/response-code", Rule::Length),
        ])
    );
    // A nested object may name an existing one by its key (`id`), output-only elsewhere.
    let e = error(json!({
        "contact-alert-type": "Functional",
        "integration-run-id": 4711,
        "responses": [{"id": 3}],
    }));
    assert_eq!(
        pairs(integration_errors::CreateAlert::new(e).validate()),
        want(&[])
    );
}

#[test]
fn violations_say_what_is_wrong() {
    let r = run(json!({"integration": {"direction": "sideways"}, "id": 3}));
    let v = integration_runs::Create::new(r)
        .validate()
        .expect_err("invalid");
    let shown: Vec<String> = v.iter().map(|v| v.to_string()).collect();
    assert_eq!(
        shown,
        [
            "/id (output-only): `id` is set by Coupa and not accepted in requests",
            "/integration/direction (allowed): `sideways` is not an allowed value of `direction`; allowed: to_coupa, from_coupa",
        ]
    );
    assert_eq!(v.0[1].value.as_deref(), Some("sideways"));
    assert_eq!(v.0[0].value, None);
}

#[test]
fn a_bulk_update_or_delete_may_not_name_one_object_twice() {
    let b = bulk(json!({"events": [
        {"id": "11", "name": "a"},
        {"id": "12", "name": "b"},
        {"id": "11", "name": "c"},
    ]}));
    assert_eq!(
        pairs(events::Update::new(b.clone()).validate()),
        want(&[("/events/2/id", Rule::Unique)])
    );
    assert_eq!(
        pairs(events::Delete::new(b.clone()).validate()),
        want(&[("/events/2/id", Rule::Unique)])
    );
    // A create carries no ids (they are output-only), so only that is reported.
    assert_eq!(
        pairs(events::Create::new(b).validate()),
        want(&[
            ("/events/0/id", Rule::OutputOnly),
            ("/events/1/id", Rule::OutputOnly),
            ("/events/2/id", Rule::OutputOnly),
        ])
    );
}
