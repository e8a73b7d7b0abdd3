//! Validating 10,000 integration runs, against the time it takes to decode them, and the heap
//! allocations validation makes (a counting global allocator is installed in this binary).
//!
//! The runs are those of `coupa_bench::data` as a request carries them (only the elements Coupa
//! accepts in requests; `data::requests`), so they are valid for a create and an update: a run as
//! Coupa answers it carries output-only elements (`id`, `created-at`, ...), which are violations
//! in a request. `responses_create` validates the answered runs as they are, for the cost of
//! building violations.
//!
//! - `validate_create`, `validate_update`: `Validate::validate` on each run;
//! - `validate_batch_create`: `coupa_runtime::validate::validate_batch` over the 10,000;
//! - `responses_create`: each answered run, 6 to 7 violations each;
//! - `decode_requests`, `decode_responses`: decoding the JSON of the same runs (the denominators).
//!
//! Before the benches, `ALLOCS` lines give the allocations of each validation over the 10,000.
//!
//! Run: `cargo bench -p coupa-bench --bench validate`.

use std::sync::LazyLock;

use coupa_api::integration_runs::IntegrationRun;
use coupa_bench::{alloc, data};
use coupa_runtime::validate::{Path, validate_batch};
use coupa_runtime::{Mode, Validate};
use divan::counter::ItemsCount;
use divan::{Bencher, black_box};

#[global_allocator]
static GLOBAL: alloc::Counting = alloc::Counting;

static REQUESTS: LazyLock<Vec<IntegrationRun>> = LazyLock::new(|| data::requests(data::RECORDS));
static REQUESTS_JSON: LazyLock<Vec<u8>> =
    LazyLock::new(|| serde_json::to_vec(&*REQUESTS).expect("serialises"));
static RESPONSES_JSON: LazyLock<Vec<u8>> = LazyLock::new(|| data::json(data::RECORDS));
static RESPONSES: LazyLock<Vec<IntegrationRun>> =
    LazyLock::new(|| serde_json::from_slice(&RESPONSES_JSON).expect("reads"));

fn each(runs: &[IntegrationRun], mode: Mode) -> usize {
    runs.iter()
        .filter(|r| black_box(*r).validate(mode).is_err())
        .count()
}

fn main() {
    if let Ok(name) = std::env::var(coupa_bench::PROFILE_ENV) {
        return profile(&name);
    }
    let (requests, responses) = (&*REQUESTS, &*RESPONSES);
    let report = |name: &str, (allocs, invalid): (usize, usize)| {
        println!(
            "ALLOCS name={name} records={} invalid={invalid} allocations={allocs}",
            data::RECORDS
        );
    };
    report(
        "validate_create",
        alloc::count(|| each(requests, Mode::Create)),
    );
    report(
        "validate_update",
        alloc::count(|| each(requests, Mode::Update)),
    );
    report(
        "validate_batch_create",
        alloc::count(|| {
            validate_batch(requests, Mode::Create, None, &Path::Root)
                .err()
                .map_or(0, |v| v.0.len())
        }),
    );
    report(
        "responses_create",
        alloc::count(|| each(responses, Mode::Create)),
    );
    divan::main();
}

/// One workload under callgrind (see `coupa_bench::profile_target`).
fn profile(name: &str) {
    let (requests, responses) = (&REQUESTS[..], &RESPONSES[..]);
    let bytes = &REQUESTS_JSON[..];
    let f: Box<dyn Fn()> = match name {
        "validate_create" => Box::new(|| {
            black_box(each(requests, Mode::Create));
        }),
        "responses_create" => Box::new(|| {
            black_box(each(responses, Mode::Create));
        }),
        "decode_requests" => Box::new(|| {
            black_box(serde_json::from_slice::<Vec<IntegrationRun>>(bytes).unwrap());
        }),
        other => panic!("no workload `{other}` to profile"),
    };
    coupa_bench::profile_target(&*f);
}

#[divan::bench(sample_count = 100)]
fn validate_create(bencher: Bencher) {
    let runs = &REQUESTS[..];
    bencher
        .counter(ItemsCount::new(runs.len()))
        .bench(|| each(runs, Mode::Create));
}

#[divan::bench(sample_count = 100)]
fn validate_update(bencher: Bencher) {
    let runs = &REQUESTS[..];
    bencher
        .counter(ItemsCount::new(runs.len()))
        .bench(|| each(runs, Mode::Update));
}

#[divan::bench(sample_count = 100)]
fn validate_batch_create(bencher: Bencher) {
    let runs = &REQUESTS[..];
    bencher
        .counter(ItemsCount::new(runs.len()))
        .bench(|| validate_batch(runs, Mode::Create, None, &Path::Root).is_ok());
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn responses_create(bencher: Bencher) {
    let runs = &RESPONSES[..];
    bencher
        .counter(ItemsCount::new(runs.len()))
        .bench(|| each(runs, Mode::Create));
}

#[divan::bench(sample_count = 40, sample_size = 1)]
fn decode_requests(bencher: Bencher) {
    let bytes = &REQUESTS_JSON[..];
    bencher
        .counter(ItemsCount::new(data::RECORDS))
        .bench(|| serde_json::from_slice::<Vec<IntegrationRun>>(black_box(bytes)).unwrap());
}

#[divan::bench(sample_count = 40, sample_size = 1)]
fn decode_responses(bencher: Bencher) {
    let bytes = &RESPONSES_JSON[..];
    bencher
        .counter(ItemsCount::new(data::RECORDS))
        .bench(|| serde_json::from_slice::<Vec<IntegrationRun>>(black_box(bytes)).unwrap());
}
