//! Helpers shared by the cross-crate suites.
#![forbid(unsafe_code)]

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// The types whose IR (`tests/it/schema_ir.rs`) and generated API (`tests/it/api_surface.rs`)
/// are pinned by snapshot, by schema type name.
///
/// At Coupa's size (R39: over 300 types, over 800 routes) a snapshot of everything would be tens
/// of thousands of lines that every import rewrites, and nobody reviews. These are the types a
/// person decided something about, where a change is a change of decision:
///
/// - every type an override file in `schema/overrides/` changes (the tests check that each one is
///   listed here: [`overridden_types`]),
/// - every hand-written type (`schema/*.yaml`, `schema/shapes/`: the CSO events and their
///   envelopes, delegations, invoice inboxes),
/// - the resources whose golden payloads are in `tests/golden/` (invoices, purchase orders,
///   suppliers, users, accounts, requisitions, expense reports, Coupa Pay payments, lookup values,
///   exchange rates), where the models' facts are relied on.
///
/// Everything else is covered by aggregate checks that compare the IR with what is generated.
pub const PINNED_TYPES: &[&str] = &[
    // Overridden.
    "Attachment",
    "Comment",
    "Currency",
    "Integration",
    "IntegrationError",
    "IntegrationRun",
    "Role",
    "User",
    "UserSimple",
    // Hand-written.
    "BulkResultEntry",
    "Delegation",
    "Event",
    "EventBulkRequest",
    "EventBulkResult",
    "EventList",
    "EventSettings",
    "InvoiceInbox",
    // With golden payloads.
    "Account",
    "CoupaPayPayment",
    "ExchangeRate",
    "ExpenseReport",
    "InvoiceHeader",
    "LookupValue",
    "OrderHeader",
    "RequisitionHeader",
    "Supplier",
];

/// The types the override files in `schema/overrides/` change (their `name:`), sorted.
pub fn overridden_types() -> Vec<String> {
    let dir = root().join("schema/overrides");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("schema/overrides") {
        let path = entry.expect("an entry").path();
        let text = std::fs::read_to_string(&path).expect("an override file");
        if !text.lines().any(|l| l.trim_end() == "kind: override") {
            continue;
        }
        let name = text
            .lines()
            .find_map(|l| l.strip_prefix("name: "))
            .unwrap_or_else(|| panic!("{}: no top-level `name:`", path.display()));
        out.push(name.trim().to_owned());
    }
    out.sort();
    out
}
