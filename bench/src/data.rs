//! The decoding data set: a list of integration runs as Coupa's index answers it, in JSON and in
//! XML, built deterministically in code.
//!
//! Each run carries what a real answer carries: the nested integration (its code, name, enums),
//! datetimes with various UTC offsets (some with fractions of a second), one of the five statuses,
//! counters, a flow object or `null`, the short user objects of `created-by` and `updated-by`
//! (with their `null`s and empty `custom-fields`), one element no model knows (`custom-fields` of
//! the run, which Coupa sends on many objects) and, on failed runs, an integration error with a
//! record response. The XML holds the same values with Coupa's conventions (`type="integer"`,
//! `type="dateTime"`, `type="array"`, `nil="true"`).

use chrono::{FixedOffset, SecondsFormat, TimeZone};
use serde_json::{Map, Value, json};

/// The number of records the benches decode.
pub const RECORDS: usize = 10_000;

/// The seed of the generator: every run decodes the same bytes.
const SEED: u64 = 0x5EED_CAFE_F00D_0001;

const OFFSETS: [i32; 6] = [-7 * 3600, -4 * 3600, 0, 3600, 5 * 3600 + 1800, 9 * 3600];
const STATUSES: [&str; 5] = ["successful", "successful", "failed", "running", "pending"];
const FIRST: [&str; 6] = ["Jane", "Kenji", "Amélie", "Priya", "Tomás", "Olu"];
const LAST: [&str; 6] = ["Doe", "Tanaka", "Lefèvre", "Raman", "García", "Adeyemi"];
const BUSINESS: [&str; 5] = [
    "invoices",
    "suppliers",
    "purchase_orders",
    "payments",
    "users",
];
const SYSTEMS: [&str; 4] = ["SAP ECC", "Oracle EBS", "Workday", "NetSuite"];
const SYSTEM_TYPES: [&str; 4] = ["erp", "hr", "payroll", "third_party_vendor"];
const INTEGRATION_TYPES: [&str; 3] = ["flat_file", "api", "json"];

fn datetime(rng: &mut fastrand::Rng, base: i64) -> String {
    let offset = FixedOffset::east_opt(OFFSETS[rng.usize(..OFFSETS.len())]).expect("valid offset");
    let millis = if rng.u64(..3) == 0 {
        rng.u32(..1000) * 1_000_000
    } else {
        0
    };
    offset
        .timestamp_opt(base, millis)
        .single()
        .expect("valid time")
        .to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

fn user(rng: &mut fastrand::Rng) -> Value {
    let u = rng.usize(..36);
    let (first, last) = (FIRST[u % 6], LAST[u / 6]);
    json!({
        "id": 1000 + u,
        "login": format!("{}.{}", first.to_lowercase(), last.to_lowercase()),
        "employee-number": format!("E{:05}", 4000 + u),
        "firstname": first,
        "lastname": last,
        "fullname": format!("{first} {last}"),
        "email": format!("{}.{}@example.com", first.to_lowercase(), last.to_lowercase()),
        "salesforce-id": Value::Null,
        "avatar-thumb-url": Value::Null,
        "gpo-entity": Value::Null,
        "custom-fields": {},
    })
}

fn integration(rng: &mut fastrand::Rng) -> Value {
    let k = rng.usize(..20);
    json!({
        "id": 10 + k,
        "code": format!("INT-{:03}-{}", k, BUSINESS[k % 5].to_uppercase()),
        "name": format!("{} to {} #{k}", BUSINESS[k % 5], SYSTEMS[k % 4]),
        "business-object": BUSINESS[k % 5],
        "end-system": SYSTEMS[k % 4],
        "standard": k.is_multiple_of(7),
        "direction": if k.is_multiple_of(2) { "from_coupa" } else { "to_coupa" },
        "end-system-type": SYSTEM_TYPES[k % 4],
        "integration-type": INTEGRATION_TYPES[k % 3],
    })
}

fn error(rng: &mut fastrand::Rng, run_id: u64, base: i64) -> Value {
    let id = 500_000 + run_id;
    let alert = ["Technical", "Functional", "Both"][rng.usize(..3)];
    let document_type = [
        "InvoiceHeader",
        "Supplier",
        "Payables::Invoice",
        "Asn::Header",
    ][rng.usize(..4)];
    json!({
        "id": id,
        "contact-alert-type": alert,
        "created-at": datetime(rng, base + 60),
        "updated-at": datetime(rng, base + 90),
        "created-by": user(rng),
        "updated-by": user(rng),
        "creation-method": "api",
        "document-id": 70_000 + rng.u64(..10_000),
        "document-revision": 1 + rng.u64(..3),
        "document-status": "pending_receipt",
        "document-type": document_type,
        "external-id": format!("{}", 9_000_000_000u64 + rng.u64(..1_000_000)),
        "integration-filename": format!("export_{run_id}.csv"),
        "integration-run-id": run_id,
        "resolved": false,
        "status": "unresolved",
        "responses": [{
            "id": id * 10,
            "created-at": datetime(rng, base + 120),
            "updated-at": datetime(rng, base + 120),
            "response-code": "E-422",
            "response-message": "The supplier's tax id is missing; the record was skipped.",
        }],
    })
}

/// `n` integration runs as JSON values.
pub fn runs(n: usize) -> Vec<Value> {
    let mut rng = fastrand::Rng::with_seed(SEED);
    let epoch = 1_700_000_000i64;
    (0..n)
        .map(|i| {
            let id = 100_000 + i as u64;
            let base = epoch + i as i64 * 97;
            let status = STATUSES[rng.usize(..STATUSES.len())];
            let total = 100 + rng.u64(..10_000);
            let (processed, end) = match status {
                "pending" => (0, Value::Null),
                "running" => (total / 2, Value::Null),
                _ => (total, Value::String(datetime(&mut rng, base + 3600))),
            };
            let errors = if status == "failed" {
                vec![error(&mut rng, id, base)]
            } else {
                Vec::new()
            };
            let flow = if rng.u64(..2) == 0 {
                json!({"id": 3 + rng.u64(..4), "name": "nightly"})
            } else {
                Value::Null
            };
            json!({
                "id": id,
                "created-at": datetime(&mut rng, base),
                "updated-at": datetime(&mut rng, base + 3600),
                "start-time": datetime(&mut rng, base + 5),
                "end-time": end,
                "status": status,
                "records-processed": processed,
                "total-records": total,
                "integration": integration(&mut rng),
                "flow": flow,
                "integration-errors": errors,
                "created-by": user(&mut rng),
                "updated-by": user(&mut rng),
                "custom-fields": {"batch": format!("B{}", i / 100)},
            })
        })
        .collect()
}

/// A JSON list of `n` runs, compact as Coupa sends it.
pub fn json(n: usize) -> Vec<u8> {
    serde_json::to_vec(&Value::Array(runs(n))).expect("serialises")
}

/// The same runs as Coupa's XML (`<integration-runs type="array">`).
pub fn xml(n: usize) -> Vec<u8> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<integration-runs type=\"array\">\n");
    for run in runs(n) {
        write_value(&mut out, "integration-run", &run, 1);
    }
    out.push_str("</integration-runs>\n");
    out.into_bytes()
}

fn is_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        && b[4] == b'-'
        && b[10] == b'T'
        && chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

fn write_value(out: &mut String, name: &str, v: &Value, depth: usize) {
    let indent = "  ".repeat(depth);
    out.push_str(&indent);
    match v {
        Value::Null => {
            out.push_str(&format!("<{name} nil=\"true\"/>\n"));
        }
        Value::Bool(b) => out.push_str(&format!("<{name} type=\"boolean\">{b}</{name}>\n")),
        Value::Number(n) => out.push_str(&format!("<{name} type=\"integer\">{n}</{name}>\n")),
        Value::String(s) => {
            if is_datetime(s) {
                out.push_str(&format!("<{name} type=\"dateTime\">"));
            } else {
                out.push_str(&format!("<{name}>"));
            }
            escape(s, out);
            out.push_str(&format!("</{name}>\n"));
        }
        Value::Array(items) if items.is_empty() => {
            out.push_str(&format!("<{name} type=\"array\"/>\n"));
        }
        Value::Array(items) => {
            out.push_str(&format!("<{name} type=\"array\">\n"));
            let item = name.strip_suffix('s').unwrap_or(name);
            for i in items {
                write_value(out, item, i, depth + 1);
            }
            out.push_str(&format!("{indent}</{name}>\n"));
        }
        Value::Object(m) if m.is_empty() => out.push_str(&format!("<{name}/>\n")),
        Value::Object(m) => {
            out.push_str(&format!("<{name}>\n"));
            write_fields(out, m, depth + 1);
            out.push_str(&format!("{indent}</{name}>\n"));
        }
    }
}

fn write_fields(out: &mut String, m: &Map<String, Value>, depth: usize) {
    for (k, v) in m {
        write_value(out, k, v, depth);
    }
}

/// The runs as a request would carry them: only the elements Coupa accepts in requests
/// (`api-in`), with the nested integration named by its code. These are valid for a create.
pub fn requests(n: usize) -> Vec<coupa_api::integration_runs::IntegrationRun> {
    let all: Vec<coupa_api::integration_runs::IntegrationRun> =
        serde_json::from_slice(&json(n)).expect("the data set reads");
    all.into_iter()
        .map(|r| coupa_api::integration_runs::IntegrationRun {
            integration: r.integration.map(|i| {
                Box::new(coupa_api::integrations::Integration {
                    code: i.code,
                    ..Default::default()
                })
            }),
            start_time: r.start_time,
            end_time: r.end_time,
            records_processed: r.records_processed,
            total_records: r.total_records,
            flow: r.flow,
            ..Default::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use coupa_api::integration_runs::IntegrationRun;
    use coupa_runtime::{Format, Preserved, wire};

    #[test]
    fn generated_and_baseline_read_the_same_runs_in_both_formats() {
        let n = 200;
        let (json, xml) = (json(n), xml(n));
        let g: Vec<IntegrationRun> = wire::decode_list(Format::Json, &json).expect("json");
        let b: Vec<crate::baseline::Run> = serde_json::from_slice(&json).expect("baseline json");
        let gx: Vec<IntegrationRun> = wire::decode_list(Format::Xml, &xml).expect("xml");
        let bx: Vec<crate::baseline::Run> =
            coupa_runtime::xml::list_from_slice(&xml).expect("baseline xml");
        assert_eq!((g.len(), b.len(), gx.len(), bx.len()), (n, n, n, n));
        assert_eq!(g, gx, "JSON and XML hold the same runs");
        assert_eq!(b, bx);
        for (g, b) in g.iter().zip(&b) {
            assert_eq!(g.id, b.id);
            assert_eq!(g.created_at.map(|d| d.0), b.created_at);
            assert_eq!(g.end_time.map(|d| d.0), b.end_time);
            assert_eq!(
                g.status.as_ref().map(|s| s.as_str().to_owned()),
                b.status.map(|s| format!("{s:?}").to_lowercase())
            );
            assert_eq!(
                g.integration_errors.as_ref().map(Vec::len),
                b.integration_errors.as_ref().map(Vec::len)
            );
            assert_eq!(
                g.created_by.as_ref().and_then(|u| u.email.clone()),
                b.created_by.as_ref().and_then(|u| u.email.clone())
            );
        }
        assert!(
            g.iter()
                .any(|r| r.integration_errors.as_ref().is_some_and(|e| !e.is_empty()))
        );
        assert!(g.iter().any(|r| {
            r.created_at
                .is_some_and(|d| d.offset().local_minus_utc() != 0)
        }));
        let p = Preserved::<IntegrationRun>::decode_list(Format::Json, &json).expect("preserved");
        assert!(p[0].extra.contains_key("custom-fields"), "{:?}", p[0].extra);
        let px = Preserved::<IntegrationRun>::decode_list(Format::Xml, &xml).expect("preserved");
        assert_eq!(px.len(), n);
    }

    /// Every run of a bench decodes the same bytes: the data set is made from a fixed seed.
    #[test]
    fn the_data_set_is_the_same_every_time() {
        assert_eq!(json(300), json(300));
        assert_eq!(xml(300), xml(300));
        // And it varies within itself: the generator is not stuck.
        let statuses: std::collections::BTreeSet<String> = runs(300)
            .iter()
            .map(|r| r["status"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(statuses.len(), 4, "{statuses:?}");
    }

    #[test]
    fn request_shaped_runs_are_valid_for_a_create() {
        use coupa_runtime::{Mode, Validate};
        for r in requests(200) {
            r.validate(Mode::Create).expect("valid");
        }
    }
}
