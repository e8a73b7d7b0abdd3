//! Property tests of the wire: any value of a generated model, written in JSON or XML and read
//! back, is the same value.
//!
//! The strategies build arbitrary values of every model of the five resources and of the shapes
//! they contain: unknown enum values (`Unknown(..)`), text with XML's special characters, Japanese
//! and other non-ASCII characters, whitespace and empty strings, datetimes with any offset and
//! sub-second precision, open objects holding any JSON, `None` and `Some`, empty and non-empty
//! lists. A round trip must give an equal value and the same JSON (so that a datetime's offset,
//! which `PartialEq` ignores, is checked too).
//!
//! Text is limited to the characters XML 1.0 can carry (`Char`: tab, line feed, carriage return
//! and everything from U+0020 except surrogates, U+FFFE and U+FFFF): a C0 control character cannot
//! be written in an XML 1.0 document at all, escaped or not.
//!
//! The cases are few (64 a property) so that the suite stays fast in a debug build; failures are
//! not persisted to files (a failing input found here is kept as a regular test below).

use std::fmt::Debug;

use coupa_api::comments::Comment;
use coupa_api::delegations::Delegation;
use coupa_api::event_bulk_request::EventBulkRequest;
use coupa_api::event_bulk_result::EventBulkResult;
use coupa_api::event_list::EventList;
use coupa_api::events::{Event, EventState};
use coupa_api::integration_errors::IntegrationError;
use coupa_api::integration_runs::IntegrationRun;
use coupa_api::registry::RESOURCES;
use coupa_api::users::User;
use coupa_runtime::registry::Resource;
use coupa_runtime::xml::is_element_name;
use coupa_runtime::{
    DateTime, Decimal, Element, ElementKind, Format, Model, Shape, WireEnum, wire,
};
use proptest::collection::{btree_map, vec};
use proptest::option::of as opt;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

type Obj = Map<String, Value>;

fn config() -> Config {
    Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

/// One character XML 1.0 can carry, weighted towards the interesting ones.
fn xml_char() -> BoxedStrategy<char> {
    prop_oneof![
        4 => proptest::char::range(' ', '~'),
        2 => select(vec!['<', '&', '>', '"', '\'', ';', '#', ']']),
        2 => select(vec![' ', '\t', '\n', '\r']),
        2 => proptest::char::ranges(vec!['ぁ'..='ゖ', 'ァ'..='ヺ', '一'..='龥'].into()),
        1 => select(vec!['é', 'ß', 'Ω', '€', '\u{a0}', '\u{2028}', '😀', '\u{10ffff}']),
        1 => proptest::char::ranges(
            vec!['\u{20}'..='\u{d7ff}', '\u{e000}'..='\u{fffd}', '\u{10000}'..='\u{10ffff}']
                .into()
        ),
    ]
    .boxed()
}

/// Text, possibly empty, possibly only whitespace.
fn text() -> BoxedStrategy<String> {
    vec(xml_char(), 0..12).prop_map(String::from_iter).boxed()
}

/// A datetime with an offset (whole minutes, up to ±23:59, or `Z`) and 0 to 9 fraction digits.
fn datetime() -> BoxedStrategy<DateTime> {
    (
        (1i32..=9999, 1u32..=12, 1u32..=28),
        (0u32..24, 0u32..60, 0u32..60),
        prop_oneof![
            Just(String::new()),
            (1usize..=9, any::<u32>())
                .prop_map(|(n, d)| format!(".{:0>9}", d % 1_000_000_000)[..=n].to_owned()),
        ],
        prop_oneof![
            1 => Just("Z".to_owned()),
            4 => (-(23 * 60 + 59)..=(23 * 60 + 59)).prop_map(|m: i32| format!(
                "{}{:02}:{:02}",
                if m < 0 { '-' } else { '+' },
                m.abs() / 60,
                m.abs() % 60
            )),
        ],
    )
        .prop_map(|((y, mo, d), (h, mi, se), frac, off)| {
            let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{se:02}{frac}{off}");
            DateTime::parse(&text).unwrap_or_else(|e| panic!("{e}"))
        })
        .boxed()
}

fn decimal() -> BoxedStrategy<Decimal> {
    (
        select(vec!["", "-", "+"]),
        vec(proptest::char::range('0', '9'), 1..20),
        opt(vec(proptest::char::range('0', '9'), 0..7)),
    )
        .prop_map(|(sign, int, frac)| {
            let mut t = format!("{sign}{}", String::from_iter(int));
            if let Some(f) = frac {
                t.push('.');
                t.extend(f);
            }
            Decimal::new(t).unwrap()
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Open objects: any JSON under names an XML element can have
// ---------------------------------------------------------------------------------------------

fn key() -> BoxedStrategy<String> {
    select(vec![
        "id",
        "name",
        "code",
        "amount",
        "active",
        "currency",
        "number",
        "country-code",
        "custom_field_1",
        "数量",
        "a.b",
    ])
    .prop_map(str::to_owned)
    .boxed()
}

/// A JSON value for an open object: nested lists (possibly empty) and objects (never empty: see
/// [`xml_open_objects_keep_empty_objects`]), numbers of every kind (floats with few digits: see
/// [`json_open_objects_keep_any_float`]).
fn json_value() -> BoxedStrategy<Value> {
    json_value_with(
        (-1_000_000i64..1_000_000, 0i32..4)
            .prop_map(|(n, d)| n as f64 / 10f64.powi(d))
            .boxed(),
        1,
    )
}

fn json_value_with(float: BoxedStrategy<f64>, min_object: usize) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        float.prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 12, 3, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..3).prop_map(Value::Array),
            btree_map(key(), inner, min_object..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

fn open_object() -> BoxedStrategy<Obj> {
    btree_map(key(), json_value(), 0..4)
        .prop_map(|m| m.into_iter().collect())
        .boxed()
}

fn list<T: Debug + 'static>(item: BoxedStrategy<T>) -> BoxedStrategy<Option<Vec<T>>> {
    opt(vec(item, 0..3)).boxed()
}

// ---------------------------------------------------------------------------------------------
// The models: any value, from the model's shape
// ---------------------------------------------------------------------------------------------
//
// A model's `SHAPE` (the table its validator reads) says every element's wire name, kind, list,
// allowed values and nested shape, so one generator builds any value of any model: a JSON object
// with each element absent or holding a value of its kind (a listed value or any other text for
// an element with allowed values, which the model keeps in `Unknown`), read into the model
// through serde. Written back, the model must give that same JSON: no element generated here is
// dropped or changed by the model ([`model`] checks it), so every element of the model is part of
// the round trips below. Nested objects go `depth` levels down; below that they are absent, which
// also ends recursive types (a run's errors, each with a run).

/// A date (`2024-01-31`), or a full datetime whose date part is the date (as some instances write
/// date columns).
fn date() -> BoxedStrategy<String> {
    prop_oneof![
        3 => (1i32..=9999, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        1 => datetime().prop_map(|d| d.to_wire()),
    ]
    .boxed()
}

/// A time of day: `09:30`, `09:30:15`, or a datetime on 2000-01-01 (as Rails writes time columns).
fn time() -> BoxedStrategy<String> {
    prop_oneof![
        (0u32..24, 0u32..60).prop_map(|(h, m)| format!("{h:02}:{m:02}")),
        (0u32..24, 0u32..60, 0u32..60).prop_map(|(h, m, s)| format!("{h:02}:{m:02}:{s:02}")),
        (0u32..24, 0u32..60).prop_map(|(h, m)| format!("2000-01-01T{h:02}:{m:02}:00Z")),
    ]
    .boxed()
}

/// A float as JSON carries it: finite, of any magnitude.
fn float() -> BoxedStrategy<f64> {
    prop_oneof![
        (-1_000_000i64..1_000_000, 0i32..4).prop_map(|(n, d)| n as f64 / 10f64.powi(d)),
        proptest::num::f64::NORMAL | proptest::num::f64::ZERO,
    ]
    .boxed()
}

/// One value of a scalar element (not a nested shape), as JSON.
fn scalar(e: &'static Element) -> BoxedStrategy<Value> {
    let listed = |values: &'static [&'static str]| select(values.to_vec());
    match e.kind {
        ElementKind::String | ElementKind::Text if !e.allowed.is_empty() => prop_oneof![
            listed(e.allowed).prop_map(|v| Value::String(v.to_owned())),
            text().prop_map(Value::String),
        ]
        .boxed(),
        ElementKind::String | ElementKind::Text => text().prop_map(Value::String).boxed(),
        ElementKind::Integer if !e.allowed.is_empty() => prop_oneof![
            listed(e.allowed).prop_map(|v| Value::from(v.parse::<i64>().expect("an integer"))),
            any::<i64>().prop_map(Value::from),
        ]
        .boxed(),
        ElementKind::Integer => prop_oneof![any::<i64>(), -5i64..1000]
            .prop_map(Value::from)
            .boxed(),
        ElementKind::Decimal => decimal()
            .prop_map(|d| Value::String(d.as_str().to_owned()))
            .boxed(),
        ElementKind::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
        ElementKind::DateTime => datetime().prop_map(|d| Value::String(d.to_wire())).boxed(),
        ElementKind::Date => date().prop_map(Value::String).boxed(),
        ElementKind::Time => time().prop_map(Value::String).boxed(),
        ElementKind::Float => float().prop_map(Value::from).boxed(),
        ElementKind::Digits => vec(proptest::char::range('0', '9'), 1..=19)
            .prop_map(|d| Value::String(String::from_iter(d)))
            .boxed(),
        ElementKind::Object => open_object().prop_map(Value::Object).boxed(),
        ElementKind::Shape => unreachable!("`{}` is a nested shape", e.name),
    }
}

/// The formats a generated value is for.
#[derive(Clone, Copy, Debug, PartialEq)]
enum For {
    /// JSON: every element.
    Json,
    /// XML (and JSON): every element whose wire name can be an XML element name. The R39 import
    /// has elements such as `active?` (Coupa's `?` twins, see schema/IMPORT.md), which the XML
    /// writer refuses ([`elements_xml_cannot_name_are_refused_in_xml_only`]).
    Xml,
}

/// One value of an element: a scalar, an open object, or a nested object `depth` levels deep.
/// `None` for a nested object below the depth.
fn element_value(e: &'static Element, depth: u32, to: For) -> Option<BoxedStrategy<Value>> {
    match e.shape {
        Some(shape) if shape.open => Some(open_object().prop_map(Value::Object).boxed()),
        Some(_) if depth == 0 => None,
        Some(shape) => Some(object(shape, depth - 1, to).prop_map(Value::Object).boxed()),
        None => Some(scalar(e)),
    }
}

/// Any object of `shape` as JSON: each element absent or holding a value (a list of 0 to 2 for a
/// list element), nested objects down to `depth` levels.
fn object(shape: &'static Shape, depth: u32, to: For) -> BoxedStrategy<Obj> {
    if shape.open {
        return open_object();
    }
    let elements: Vec<BoxedStrategy<Option<(&'static str, Value)>>> = shape
        .elements
        .iter()
        .filter(|e| to == For::Json || is_element_name(e.name))
        .filter_map(|e| {
            let value = element_value(e, depth, to)?;
            let value = if e.list {
                vec(value, 0..3).prop_map(Value::Array).boxed()
            } else {
                value
            };
            Some(opt(value.prop_map(move |v| (e.name, v))).boxed())
        })
        .collect();
    elements
        .prop_map(|pairs| {
            pairs
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.to_owned(), v))
                .collect()
        })
        .boxed()
}

/// Any value of the model `T` for the format, nested objects down to `depth` levels.
fn model<T: Model + Debug + 'static>(depth: u32, to: For) -> BoxedStrategy<T> {
    object(T::SHAPE, depth, to)
        .prop_map(|json| {
            let json = Value::Object(json);
            let value: T = serde_json::from_value(json.clone()).unwrap_or_else(|e| {
                panic!(
                    "{}: the generated JSON does not read: {e}\n{json}",
                    T::SHAPE.name
                )
            });
            let again = serde_json::to_value(&value).expect("the model writes as JSON");
            assert_eq!(
                again,
                json,
                "{}: the model does not keep every generated element as generated",
                T::SHAPE.name
            );
            value
        })
        .boxed()
}

/// A run, its integration and users, and its errors, each with a run (whose own errors are
/// absent) and that run's integration.
fn integration_run(to: For) -> BoxedStrategy<IntegrationRun> {
    model(3, to)
}

/// An error, its run with the run's errors, ...: as deep as [`integration_run`].
fn integration_error(to: For) -> BoxedStrategy<IntegrationError> {
    model(3, to)
}

/// A run with its integration and users, no errors.
fn shallow_run(to: For) -> BoxedStrategy<IntegrationRun> {
    model(1, to)
}

fn event(to: For) -> BoxedStrategy<Event> {
    model(1, to)
}

fn event_list(to: For) -> BoxedStrategy<EventList> {
    model(2, to)
}

fn event_bulk_request(to: For) -> BoxedStrategy<EventBulkRequest> {
    model(2, to)
}

fn event_bulk_result(to: For) -> BoxedStrategy<EventBulkResult> {
    model(2, to)
}

/// A delegation, its delegator and delegate full users with their roles, limits, groups, ...
/// and the short users in those.
fn delegation(to: For) -> BoxedStrategy<Delegation> {
    model(3, to)
}

fn comment(to: For) -> BoxedStrategy<Comment> {
    model(2, to)
}

/// A model of the form the generator writes, for the runtime's `Decimal` (no element of the five
/// resources is a decimal).
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename = "requisition-line")]
struct Amounts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    total: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    prices: Option<Vec<Decimal>>,
}

fn amounts() -> BoxedStrategy<Amounts> {
    (opt(decimal()), list(decimal()))
        .prop_map(|(total, prices)| Amounts { total, prices })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------

fn round_trip<T>(format: Format, value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let bytes = wire::encode(format, value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: T = wire::decode(format, &bytes)
        .map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&bytes))))?;
    prop_assert_eq!(&back, value, "{}", String::from_utf8_lossy(&bytes));
    // `PartialEq` on a datetime compares instants; the JSON also compares the offsets.
    prop_assert_eq!(
        serde_json::to_value(&back).unwrap(),
        serde_json::to_value(value).unwrap()
    );
    Ok(())
}

fn list_round_trip<T>(format: Format, plural: &str, items: &[T]) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let bytes =
        wire::encode_list(format, plural, items).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: Vec<T> = wire::decode_list(format, &bytes)
        .map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&bytes))))?;
    prop_assert_eq!(
        back.as_slice(),
        items,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    prop_assert_eq!(
        serde_json::to_value(&back).unwrap(),
        serde_json::to_value(items).unwrap()
    );
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn json_integration_runs(v in integration_run(For::Json)) {
        round_trip(Format::Json, &v)?;
    }

    #[test]
    fn xml_integration_runs(v in integration_run(For::Xml)) {
        round_trip(Format::Xml, &v)?;
    }

    #[test]
    fn json_integration_errors(v in integration_error(For::Json)) {
        round_trip(Format::Json, &v)?;
    }

    #[test]
    fn xml_integration_errors(v in integration_error(For::Xml)) {
        round_trip(Format::Xml, &v)?;
    }

    #[test]
    fn json_events(
        v in event(For::Json),
        l in event_list(For::Json),
        r in event_bulk_request(For::Json),
        b in event_bulk_result(For::Json),
    ) {
        round_trip(Format::Json, &v)?;
        round_trip(Format::Json, &l)?;
        round_trip(Format::Json, &r)?;
        round_trip(Format::Json, &b)?;
    }

    #[test]
    fn xml_events(
        v in event(For::Xml),
        l in event_list(For::Xml),
        r in event_bulk_request(For::Xml),
        b in event_bulk_result(For::Xml),
    ) {
        round_trip(Format::Xml, &v)?;
        round_trip(Format::Xml, &l)?;
        round_trip(Format::Xml, &r)?;
        round_trip(Format::Xml, &b)?;
    }

    #[test]
    fn json_delegations(v in delegation(For::Json)) {
        round_trip(Format::Json, &v)?;
    }

    #[test]
    fn xml_delegations(v in delegation(For::Xml)) {
        round_trip(Format::Xml, &v)?;
    }

    #[test]
    fn json_comments(v in comment(For::Json)) {
        round_trip(Format::Json, &v)?;
    }

    #[test]
    fn xml_comments(v in comment(For::Xml)) {
        round_trip(Format::Xml, &v)?;
    }

    #[test]
    fn json_lists(runs in vec(shallow_run(For::Json), 0..3), comments in vec(comment(For::Json), 0..3)) {
        list_round_trip(Format::Json, "integration-runs", &runs)?;
        list_round_trip(Format::Json, "comments", &comments)?;
    }

    #[test]
    fn xml_lists(runs in vec(shallow_run(For::Xml), 0..3), comments in vec(comment(For::Xml), 0..3)) {
        list_round_trip(Format::Xml, "integration-runs", &runs)?;
        list_round_trip(Format::Xml, "comments", &comments)?;
    }

    /// Whitespace is data: text made only of whitespace, or padded with it, reads back as it was
    /// written (the generic text above has it too, more rarely).
    #[test]
    fn xml_whitespace_text(
        only in vec(select(vec![' ', '\t', '\n', '\r', '\u{a0}', '\u{3000}']), 0..6),
        core in text(),
        pad in vec(select(vec![' ', '\t', '\n', '\r']), 1..4),
    ) {
        let only = String::from_iter(only);
        let pad = String::from_iter(pad);
        let padded = format!("{pad}{core}{pad}");
        let event = Event {
            name: Some(only.clone()),
            description: Some(padded.clone()),
            state: Some(EventState::from_wire(&padded)),
            ..Event::default()
        };
        round_trip(Format::Xml, &event)?;
        let mut flow = Obj::new();
        flow.insert("name".to_owned(), Value::String(only));
        flow.insert("code".to_owned(), Value::String(padded));
        round_trip(Format::Xml, &run_with_flow(flow))?;
    }

    #[test]
    fn json_decimals(v in amounts()) {
        round_trip(Format::Json, &v)?;
    }

    #[test]
    fn xml_decimals(v in amounts()) {
        round_trip(Format::Xml, &v)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Every resource of the registry
// ---------------------------------------------------------------------------------------------

/// Objects of one resource round-trip through its registry codec (what `coupa convert` and the
/// mock use): written in the format and read back, any object is the same canonical JSON.
fn codec_round_trips(r: &'static Resource, to: For, format: Format, cases: u32) {
    let mut runner = TestRunner::new(Config { cases, ..config() });
    let codec = r.codec;
    runner
        .run(&object(r.shape, 1, to), |json| {
            let json = Value::Object(json);
            let canonical = (codec.canonical)(json.clone())
                .map_err(|e| TestCaseError::fail(format!("{}: canonical: {e}", r.name)))?;
            prop_assert_eq!(
                &canonical,
                &json,
                "{}: the model does not keep every generated element",
                r.name
            );
            let bytes = (codec.write)(format, &canonical)
                .map_err(|e| TestCaseError::fail(format!("{}: write: {e}", r.name)))?;
            let back = (codec.read)(format, &bytes).map_err(|e| {
                TestCaseError::fail(format!(
                    "{}: {e}\n{}",
                    r.name,
                    String::from_utf8_lossy(&bytes)
                ))
            })?;
            prop_assert_eq!(back, canonical, "{}", String::from_utf8_lossy(&bytes));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{} in {format}: {e}", r.name));
}

/// Every resource of Coupa's API (the five seed resources' models are tested more deeply
/// above): a few objects each, with their nested objects one level down, in both formats.
#[test]
fn every_resource_round_trips() {
    for r in RESOURCES {
        codec_round_trips(r, For::Json, Format::Json, 4);
        codec_round_trips(r, For::Xml, Format::Xml, 4);
    }
}

/// Coupa's Swagger has elements named like Ruby predicates (`active?` beside `active`, the `?`
/// twins of schema/IMPORT.md), and no XML element can have such a name: the XML writer refuses
/// a payload that holds one (rather than write malformed XML), JSON carries it. So the XML
/// properties above leave them out. Pinned here: which types have them, and what happens.
#[test]
fn elements_xml_cannot_name_are_refused_in_xml_only() {
    let unnamed: Vec<String> = RESOURCES
        .iter()
        .flat_map(|r| {
            r.elements()
                .iter()
                .filter(|e| !is_element_name(e.name))
                .map(move |e| format!("{}.{}", r.type_name(), e.name))
        })
        .collect();
    assert!(
        unnamed.contains(&"User.active?".to_owned()),
        "the `?` twins are gone: drop For::Xml and this test ({unnamed:?})"
    );
    let user = User {
        is_active: Some(true),
        ..User::default()
    };
    let json = wire::encode(Format::Json, &user).expect("JSON carries it");
    assert_eq!(
        wire::decode::<User>(Format::Json, &json).expect("and reads it"),
        user
    );
    let e = wire::encode(Format::Xml, &user).expect_err("XML cannot name it");
    assert!(
        e.to_string()
            .contains("`active?` cannot be an XML element name"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------------
// What the runtime gets wrong (each property fails; see the reasons)
// ---------------------------------------------------------------------------------------------

fn run_with_flow(flow: Obj) -> IntegrationRun {
    IntegrationRun {
        flow: Some(flow),
        ..IntegrationRun::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Any float in an open object, through JSON.
    ///
    /// Minimal failing input: `{"flow": {"amount": 3.296218137816683e224}}` reads back as
    /// `3.2962181378166834e224`. `wire::decode` reads JSON with serde_json's default float
    /// parser, which is not exact for every float; serde_json's `float_roundtrip` feature is.
    /// (Floats with few digits, as `json_value` generates, are read exactly.)
    #[test]
    fn json_open_objects_keep_any_float(f in proptest::num::f64::NORMAL) {
        let mut flow = Obj::new();
        flow.insert("amount".to_owned(), Value::from(f));
        round_trip(Format::Json, &run_with_flow(flow))?;
    }

    /// Any JSON in an open object, empty objects included, through XML.
    ///
    /// Minimal failing input: a run whose `flow` is `{"id": {}}`. It is written
    /// `<flow><id></id></flow>`, and an element without children or `type` reads as text, so it
    /// comes back as `{"id": ""}`. (An open object itself, `flow: Some({})`, is fine: the model
    /// knows it is an object.)
    #[test]
    fn xml_open_objects_keep_empty_objects(
        v in btree_map(key(), json_value_with(Just(0.5).boxed(), 0), 0..4)
    ) {
        round_trip(Format::Xml, &run_with_flow(v.into_iter().collect()))?;
    }
}
