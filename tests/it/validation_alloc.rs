//! Validating a valid payload allocates nothing (the promise of `coupa_runtime::validate`: paths
//! are borrowed chains on the stack, and violations are only built when found).
//!
//! A counting allocator is the global allocator of the whole test binary (a `#[global_allocator]`
//! is per binary), so it sees the allocations of every suite in `tests/it/`, running on other
//! threads at the same time. It counts only the allocations of the thread that switched counting
//! on, in a per-thread counter, so they do not disturb the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use coupa_api::event_bulk_request::EventBulkRequest;
use coupa_api::{events, integration_errors, integration_runs};
use coupa_runtime::Endpoint;
use serde_json::json;

struct Counting;

thread_local! {
    // Const-initialised Cells without destructors: using them never allocates. The count is per
    // thread too, so tests counting at the same time on other threads do not add to it.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn note_allocation() {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counter only reads a
// thread-local flag and bumps an atomic, neither of which allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded with the caller's pointer, layout and size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns how many allocations it made on this thread, and its result.
fn allocations_during<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = ALLOCATIONS.with(Cell::get);
    COUNTING.with(|c| c.set(true));
    let r = std::hint::black_box(f());
    COUNTING.with(|c| c.set(false));
    (ALLOCATIONS.with(Cell::get) - before, r)
}

#[test]
fn the_counter_counts() {
    let (n, v) = allocations_during(|| vec![1u8; 16]);
    assert_eq!(v.len(), 16);
    assert!(n >= 1, "the counting allocator saw no allocation");
    // An invalid payload does allocate: its violations are built.
    let run: integration_runs::IntegrationRun =
        serde_json::from_value(json!({"id": 1})).expect("reads");
    let request = integration_runs::Create::new(run);
    let (n, r) = allocations_during(|| request.validate());
    assert!(r.is_err());
    assert!(n >= 2, "only {n} allocations for two violations");
}

#[test]
fn a_valid_integration_run_validates_without_allocating() {
    let run: integration_runs::IntegrationRun = serde_json::from_value(json!({
        "integration": {
            "code": "SAP-INVOICE-EXPORT",
            "name": "SAP invoice export",
            "direction": "from_coupa",
            "end-system-type": "erp",
            "integration-type": "flat_file"
        },
        "start-time": "2021-03-18T11:20:50-07:00",
        "total-records": 250,
        "records-processed": 0,
        "flow": {"name": "nightly"}
    }))
    .expect("reads");
    let request = integration_runs::Create::new(run.clone());
    let (n, r) = allocations_during(|| request.validate());
    assert_eq!(r, Ok(()));
    assert_eq!(n, 0, "validating a valid run allocated {n} times");
    let request = integration_runs::Run::new(4711).with_body(run);
    let (n, r) = allocations_during(|| request.validate());
    assert_eq!(r, Ok(()));
    assert_eq!(n, 0, "validating a valid run body allocated {n} times");
}

#[test]
fn a_valid_integration_error_with_nested_lists_validates_without_allocating() {
    let e: integration_errors::IntegrationError = serde_json::from_value(json!({
        "document-type": "InvoiceHeader",
        "document-id": 52817,
        "contact-alert-type": "Functional",
        "integration-run": {"id": 4711},
        "integration": {"code": "SAP-INVOICE-EXPORT"},
        "responses": [
            {"response-code": "E-1042", "response-message": "日本語のメッセージ"},
            {"response-code": "E-1043"}
        ]
    }))
    .expect("reads");
    let request = integration_errors::CreateAlert::new(e);
    let (n, r) = allocations_during(|| request.validate());
    assert_eq!(r, Ok(()));
    assert_eq!(n, 0, "validating a valid error allocated {n} times");
}

#[test]
fn a_valid_bulk_envelope_validates_without_allocating() {
    let path = coupa_tests::root().join("tests/golden/events/create.request.json");
    let bytes = std::fs::read(path).expect("the golden create payload");
    let body: EventBulkRequest = serde_json::from_slice(&bytes).expect("reads");
    let request = events::Create::new(body);
    let (n, r) = allocations_during(|| request.validate());
    assert_eq!(r, Ok(()));
    assert_eq!(
        n, 0,
        "validating the page's bulk create allocated {n} times"
    );

    let body: EventBulkRequest = serde_json::from_value(json!({"events": [
        {"id": "9220538753252871154", "state": "Active", "name": "a"},
        {"id": "9220538753252871160", "name": "b", "settings": {"currency": "EUR"}}
    ]}))
    .expect("reads");
    let request = events::Update::new(body);
    let (n, r) = allocations_during(|| request.validate());
    assert_eq!(r, Ok(()));
    assert_eq!(n, 0, "validating a valid bulk update allocated {n} times");
}
