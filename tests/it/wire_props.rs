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

use coupa_api::attachments::{Attachment, AttachmentType};
use coupa_api::bulk_result_entry::BulkResultEntry;
use coupa_api::comments::Comment;
use coupa_api::currencies::Currency;
use coupa_api::delegations::Delegation;
use coupa_api::event_bulk_request::EventBulkRequest;
use coupa_api::event_bulk_result::EventBulkResult;
use coupa_api::event_list::EventList;
use coupa_api::event_settings::EventSettings;
use coupa_api::events::{Event, EventState};
use coupa_api::integration_errors::{
    IntegrationError, IntegrationErrorContactAlertType, IntegrationErrorDocumentType,
};
use coupa_api::integration_record_response::IntegrationRecordResponse;
use coupa_api::integration_runs::{IntegrationRun, IntegrationRunStatus};
use coupa_api::integrations::{
    Integration, IntegrationDirection, IntegrationEndSystemType, IntegrationIntegrationType,
};
use coupa_api::invoice_inbox::InvoiceInbox;
use coupa_api::role::Role;
use coupa_api::user_simple::UserSimple;
use coupa_api::users::User;
use coupa_runtime::{DateTime, Decimal, Format, WireEnum, wire};
use proptest::collection::{btree_map, vec};
use proptest::option::of as opt;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError};
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

fn s() -> BoxedStrategy<Option<String>> {
    opt(text()).boxed()
}

fn int() -> BoxedStrategy<Option<i64>> {
    opt(prop_oneof![any::<i64>(), -5i64..1000]).boxed()
}

fn boolean() -> BoxedStrategy<Option<bool>> {
    opt(any::<bool>()).boxed()
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

fn dt() -> BoxedStrategy<Option<DateTime>> {
    opt(datetime()).boxed()
}

/// An allowed value, or a value the schemas do not list (kept in `Unknown`).
fn wire_enum<E: WireEnum + Clone + Debug + 'static>() -> BoxedStrategy<Option<E>> {
    opt(prop_oneof![
        select(E::VALUES).prop_map(E::from_wire),
        text().prop_map(|s| E::from_wire(&s)),
    ])
    .boxed()
}

/// A CSO id: up to 19 digits, leading zeros included.
fn digits() -> BoxedStrategy<Option<String>> {
    opt(vec(proptest::char::range('0', '9'), 1..=19).prop_map(String::from_iter)).boxed()
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

fn obj() -> BoxedStrategy<Option<Obj>> {
    opt(open_object()).boxed()
}

fn list<T: Debug + 'static>(item: BoxedStrategy<T>) -> BoxedStrategy<Option<Vec<T>>> {
    opt(vec(item, 0..3)).boxed()
}

// ---------------------------------------------------------------------------------------------
// The shapes
// ---------------------------------------------------------------------------------------------

fn short_user() -> BoxedStrategy<UserSimple> {
    (int(), s(), s(), s(), s(), s(), s(), s(), s(), obj(), obj())
        .prop_map(
            |(
                id,
                login,
                employee_number,
                firstname,
                lastname,
                fullname,
                email,
                salesforce_id,
                avatar_thumb_url,
                gpo_entity,
                custom_fields,
            )| UserSimple {
                id,
                login,
                employee_number,
                firstname,
                lastname,
                fullname,
                email,
                salesforce_id,
                avatar_thumb_url,
                gpo_entity,
                custom_fields,
            },
        )
        .boxed()
}

fn su() -> BoxedStrategy<Option<UserSimple>> {
    opt(short_user()).boxed()
}

fn currency() -> BoxedStrategy<Currency> {
    (int(), s(), int())
        .prop_map(|(id, code, decimals)| Currency { id, code, decimals })
        .boxed()
}

fn role() -> BoxedStrategy<Role> {
    (
        int(),
        dt(),
        dt(),
        s(),
        s(),
        boolean(),
        boolean(),
        su(),
        su(),
    )
        .prop_map(
            |(
                id,
                created_at,
                updated_at,
                name,
                description,
                omnipotent,
                system_role,
                created_by,
                updated_by,
            )| Role {
                id,
                created_at,
                updated_at,
                name,
                description,
                omnipotent,
                system_role,
                created_by,
                updated_by,
            },
        )
        .boxed()
}

fn invoice_inbox() -> BoxedStrategy<InvoiceInbox> {
    (s(), s())
        .prop_map(|(name, email_address)| InvoiceInbox {
            name,
            email_address,
        })
        .boxed()
}

fn next<T>(it: &mut impl Iterator<Item = T>) -> T {
    it.next().expect("the strategy generates enough values")
}

/// A full user: its many elements come from lists of values of each kind.
fn user() -> BoxedStrategy<User> {
    (
        (
            vec(int(), 4),
            vec(dt(), 2),
            vec(s(), 16),
            vec(boolean(), 24),
        ),
        (vec(obj(), 21), vec(list(open_object()), 8)),
        (
            list(invoice_inbox()),
            list(role()),
            su(),
            opt(currency()),
            su(),
            su(),
        ),
    )
        .prop_map(
            |(
                (ints, dts, strs, bools),
                (objs, lists),
                (inboxes, roles, manager, currency, created_by, updated_by),
            )| {
                let (mut i, mut d, mut s, mut b) = (
                    ints.into_iter(),
                    dts.into_iter(),
                    strs.into_iter(),
                    bools.into_iter(),
                );
                let (mut o, mut l) = (objs.into_iter(), lists.into_iter());
                let u = User {
                    id: next(&mut i),
                    created_at: next(&mut d),
                    updated_at: next(&mut d),
                    login: next(&mut s),
                    email: next(&mut s),
                    purchasing_user: next(&mut b),
                    expense_user: next(&mut b),
                    sourcing_user: next(&mut b),
                    inventory_user: next(&mut b),
                    contracts_user: next(&mut b),
                    analytics_user: next(&mut b),
                    spend_guard_user: next(&mut b),
                    ccw_user: next(&mut b),
                    clm_advanced_user: next(&mut b),
                    supply_chain_user: next(&mut b),
                    risk_assess_user: next(&mut b),
                    travel_user: next(&mut b),
                    treasury_user: next(&mut b),
                    invoicing_user: next(&mut b),
                    employee_number: next(&mut s),
                    firstname: next(&mut s),
                    lastname: next(&mut s),
                    fullname: next(&mut s),
                    api_user: next(&mut b),
                    salesforce_id: next(&mut s),
                    account_security_type: next(&mut i),
                    authentication_method: next(&mut s),
                    sso_identifier: next(&mut s),
                    default_locale: next(&mut s),
                    business_group_security_type: next(&mut i),
                    avatar_thumb_url: next(&mut s),
                    mention_name: next(&mut s),
                    aic_user: next(&mut b),
                    seniority_level: next(&mut s),
                    business_function: next(&mut s),
                    employee_payment_channel: next(&mut s),
                    allow_employee_payment_account_creation: next(&mut b),
                    middlename: next(&mut s),
                    supplier_id: next(&mut i),
                    category_planner_user: next(&mut b),
                    intake_user: next(&mut b),
                    supplier_user: next(&mut b),
                    support_user: next(&mut b),
                    active: next(&mut b),
                    eligible_for_virtual_cards: next(&mut b),
                    allowed_invoice_inboxes: inboxes,
                    allow_user_to_upload_invoice_from_mobile: next(&mut b),
                    gpo_entity: next(&mut o),
                    phone_work: next(&mut o),
                    phone_mobile: next(&mut o),
                    country_of_residence: next(&mut o),
                    roles,
                    manager,
                    default_address: next(&mut o),
                    default_account: next(&mut o),
                    default_account_type: next(&mut o),
                    default_currency: currency,
                    pcard: next(&mut o),
                    department: next(&mut o),
                    legal_entity: next(&mut o),
                    requisition_approval_limit: next(&mut o),
                    expense_approval_limit: next(&mut o),
                    invoice_approval_limit: next(&mut o),
                    contract_approval_limit: next(&mut o),
                    requisition_self_approval_limit: next(&mut o),
                    expense_self_approval_limit: next(&mut o),
                    invoice_self_approval_limit: next(&mut o),
                    contract_self_approval_limit: next(&mut o),
                    work_confirmation_approval_limit: next(&mut o),
                    escalation_threshold: next(&mut o),
                    expenses_delegated_to: next(&mut l),
                    can_expense_for: next(&mut l),
                    content_groups: next(&mut l),
                    account_groups: next(&mut l),
                    approval_groups: next(&mut l),
                    user_groups: next(&mut l),
                    working_warehouses: next(&mut l),
                    inventory_organizations: next(&mut l),
                    created_by,
                    updated_by,
                    custom_fields: next(&mut o),
                };
                assert!(
                    i.next().is_none()
                        && d.next().is_none()
                        && s.next().is_none()
                        && b.next().is_none()
                        && o.next().is_none()
                        && l.next().is_none(),
                    "every generated value is used"
                );
                u
            },
        )
        .boxed()
}

fn integration() -> BoxedStrategy<Integration> {
    (
        int(),
        s(),
        s(),
        s(),
        s(),
        boolean(),
        wire_enum::<IntegrationDirection>(),
        wire_enum::<IntegrationEndSystemType>(),
        wire_enum::<IntegrationIntegrationType>(),
    )
        .prop_map(
            |(
                id,
                code,
                name,
                business_object,
                end_system,
                standard,
                direction,
                end_system_type,
                integration_type,
            )| {
                Integration {
                    id,
                    code,
                    name,
                    business_object,
                    end_system,
                    standard,
                    direction,
                    end_system_type,
                    integration_type,
                }
            },
        )
        .boxed()
}

fn record_response() -> BoxedStrategy<IntegrationRecordResponse> {
    (int(), dt(), dt(), s(), s())
        .prop_map(
            |(id, created_at, updated_at, response_code, response_message)| {
                IntegrationRecordResponse {
                    id,
                    created_at,
                    updated_at,
                    response_code,
                    response_message,
                }
            },
        )
        .boxed()
}

/// A run; with `depth` > 0 its errors, each with a run of `depth - 1`.
fn integration_run(depth: u32) -> BoxedStrategy<IntegrationRun> {
    let errors = if depth == 0 {
        Just(None).boxed()
    } else {
        list(integration_error(depth - 1))
    };
    (
        (dt(), su(), dt(), obj(), int(), opt(integration()), errors),
        (
            int(),
            dt(),
            wire_enum::<IntegrationRunStatus>(),
            int(),
            dt(),
            su(),
        ),
    )
        .prop_map(
            |(
                (created_at, created_by, end_time, flow, id, integration, integration_errors),
                (records_processed, start_time, status, total_records, updated_at, updated_by),
            )| IntegrationRun {
                created_at,
                created_by,
                end_time,
                flow,
                id,
                integration,
                integration_errors,
                records_processed,
                start_time,
                status,
                total_records,
                updated_at,
                updated_by,
            },
        )
        .boxed()
}

fn integration_error(depth: u32) -> BoxedStrategy<IntegrationError> {
    (
        (
            wire_enum::<IntegrationErrorContactAlertType>(),
            dt(),
            su(),
            s(),
            int(),
            int(),
            s(),
            wire_enum::<IntegrationErrorDocumentType>(),
            s(),
            int(),
        ),
        (
            opt(integration()),
            s(),
            opt(integration_run(depth)),
            int(),
            boolean(),
            list(record_response()),
            s(),
            dt(),
            su(),
        ),
    )
        .prop_map(
            |(
                (
                    contact_alert_type,
                    created_at,
                    created_by,
                    creation_method,
                    document_id,
                    document_revision,
                    document_status,
                    document_type,
                    external_id,
                    id,
                ),
                (
                    integration,
                    integration_filename,
                    integration_run,
                    integration_run_id,
                    resolved,
                    responses,
                    status,
                    updated_at,
                    updated_by,
                ),
            )| IntegrationError {
                contact_alert_type,
                created_at,
                created_by,
                creation_method,
                document_id,
                document_revision,
                document_status,
                document_type,
                external_id,
                id,
                integration,
                integration_filename,
                integration_run,
                integration_run_id,
                resolved,
                responses,
                status,
                updated_at,
                updated_by,
            },
        )
        .boxed()
}

fn event() -> BoxedStrategy<Event> {
    (
        digits(),
        digits(),
        wire_enum::<EventState>(),
        s(),
        s(),
        s(),
        int(),
        s(),
        opt(s().prop_map(|currency| EventSettings { currency })),
    )
        .prop_map(
            |(
                id,
                market_id,
                state,
                name,
                description,
                reference_number,
                event_number,
                time_zone,
                settings,
            )| Event {
                id,
                market_id,
                state,
                name,
                description,
                reference_number,
                event_number,
                time_zone,
                settings,
            },
        )
        .boxed()
}

fn event_list() -> BoxedStrategy<EventList> {
    (int(), list(event()))
        .prop_map(|(total, events)| EventList { total, events })
        .boxed()
}

fn event_bulk_request() -> BoxedStrategy<EventBulkRequest> {
    list(event())
        .prop_map(|events| EventBulkRequest { events })
        .boxed()
}

fn event_bulk_result() -> BoxedStrategy<EventBulkResult> {
    (
        list(
            (s(), s())
                .prop_map(|(r#type, description)| BulkResultEntry {
                    r#type,
                    description,
                })
                .boxed(),
        ),
        int(),
        int(),
        int(),
        list(event()),
    )
        .prop_map(
            |(result, added, updated, deleted, events)| EventBulkResult {
                result,
                added,
                updated,
                deleted,
                events,
            },
        )
        .boxed()
}

fn delegation() -> BoxedStrategy<Delegation> {
    (
        (
            boolean(),
            dt(),
            su(),
            opt(user()),
            int(),
            opt(user()),
            int(),
            dt(),
        ),
        (
            int(),
            boolean(),
            s(),
            boolean(),
            boolean(),
            dt(),
            dt(),
            su(),
        ),
    )
        .prop_map(
            |(
                (
                    approval_delegate,
                    created_at,
                    created_by,
                    delegate,
                    delegate_id,
                    delegator,
                    delegator_id,
                    end_date,
                ),
                (
                    id,
                    invoice_requester_delegate,
                    reason,
                    receiving_delegate,
                    review_delegate,
                    start_date,
                    updated_at,
                    updated_by,
                ),
            )| Delegation {
                approval_delegate,
                created_at,
                created_by,
                delegate,
                delegate_id,
                delegator,
                delegator_id,
                end_date,
                id,
                invoice_requester_delegate,
                reason,
                receiving_delegate,
                review_delegate,
                start_date,
                updated_at,
                updated_by,
            },
        )
        .boxed()
}

fn attachment() -> BoxedStrategy<Attachment> {
    (
        int(),
        dt(),
        dt(),
        wire_enum::<AttachmentType>(),
        s(),
        s(),
        s(),
        s(),
        su(),
        su(),
    )
        .prop_map(
            |(
                id,
                created_at,
                updated_at,
                r#type,
                file,
                url,
                text,
                intent,
                created_by,
                updated_by,
            )| Attachment {
                id,
                created_at,
                updated_at,
                r#type,
                file,
                url,
                text,
                intent,
                created_by,
                updated_by,
            },
        )
        .boxed()
}

fn comment() -> BoxedStrategy<Comment> {
    (
        (list(attachment()), int(), s(), s(), s(), dt()),
        (su(), int(), s(), boolean(), dt(), su()),
    )
        .prop_map(
            |(
                (attachments, commentable_id, commentable_type, comment_type, comments, created_at),
                (created_by, id, reason_code, to_supplier, updated_at, updated_by),
            )| Comment {
                attachments,
                commentable_id,
                commentable_type,
                comment_type,
                comments,
                created_at,
                created_by,
                id,
                reason_code,
                to_supplier,
                updated_at,
                updated_by,
            },
        )
        .boxed()
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
    fn json_integration_runs(v in integration_run(1)) {
        round_trip(Format::Json, &v)?;
    }

    #[test]
    fn xml_integration_runs(v in integration_run(1)) {
        round_trip(Format::Xml, &v)?;
    }

    #[test]
    fn json_integration_errors(v in integration_error(1)) {
        round_trip(Format::Json, &v)?;
    }

    #[test]
    fn xml_integration_errors(v in integration_error(1)) {
        round_trip(Format::Xml, &v)?;
    }

    #[test]
    fn json_events(
        v in event(),
        l in event_list(),
        r in event_bulk_request(),
        b in event_bulk_result(),
    ) {
        round_trip(Format::Json, &v)?;
        round_trip(Format::Json, &l)?;
        round_trip(Format::Json, &r)?;
        round_trip(Format::Json, &b)?;
    }

    #[test]
    fn xml_events(
        v in event(),
        l in event_list(),
        r in event_bulk_request(),
        b in event_bulk_result(),
    ) {
        round_trip(Format::Xml, &v)?;
        round_trip(Format::Xml, &l)?;
        round_trip(Format::Xml, &r)?;
        round_trip(Format::Xml, &b)?;
    }

    #[test]
    fn json_delegations(v in delegation()) {
        round_trip(Format::Json, &v)?;
    }

    #[test]
    fn xml_delegations(v in delegation()) {
        round_trip(Format::Xml, &v)?;
    }

    #[test]
    fn json_comments(v in comment()) {
        round_trip(Format::Json, &v)?;
    }

    #[test]
    fn xml_comments(v in comment()) {
        round_trip(Format::Xml, &v)?;
    }

    #[test]
    fn json_lists(runs in vec(integration_run(0), 0..3), comments in vec(comment(), 0..3)) {
        list_round_trip(Format::Json, "integration-runs", &runs)?;
        list_round_trip(Format::Json, "comments", &comments)?;
    }

    #[test]
    fn xml_lists(runs in vec(integration_run(0), 0..3), comments in vec(comment(), 0..3)) {
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
