//! Section 3: validating 10,000 integration runs (`bench/benches/validate.rs`): its time against
//! decoding, and its heap allocations.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::divan::{BenchRun, run_bench};
use super::machine::Machine;
use super::profile::callgrind;
use super::report::{Section, Target, per_s, raw_output, secs, section, targets_table};

/// The `ALLOCS` lines by workload name.
type Allocs = BTreeMap<String, BTreeMap<String, String>>;

/// The workloads of the table, by divan name, with their labels.
const WORKLOADS: [(&str, &str); 6] = [
    (
        "validate_create",
        "`validate(Mode::Create)` on each request run",
    ),
    (
        "validate_update",
        "`validate(Mode::Update)` on each request run",
    ),
    (
        "validate_batch_create",
        "`validate_batch(.., Mode::Create, ..)` over the 10,000",
    ),
    (
        "responses_create",
        "`validate(Mode::Create)` on each answered run (invalid)",
    ),
    (
        "decode_requests",
        "decoding the request runs' JSON (denominator)",
    ),
    (
        "decode_responses",
        "decoding the answered runs' JSON, the data set of section 2 (denominator)",
    ),
];

/// The workloads that validate valid runs, which must not allocate.
const VALID: [&str; 3] = [
    "validate_create",
    "validate_update",
    "validate_batch_create",
];

pub(super) fn validate(root: &Path, m: &Machine) -> Result<Section, String> {
    let run = run_bench(root, "validate", &[])?;
    let mut s = section(
        "validate",
        "3. Validating 10,000 integration runs",
        m,
        std::slice::from_ref(&run.command),
    );
    s.push_str(
        "The runs of section 2 as a request carries them (only the elements Coupa accepts in requests, the \
         integration named by its code: `coupa_bench::data::requests`), which are valid for a create and an update. \
         The runs as Coupa answers them are not valid requests (they carry `id`, `created-at`, `status` and the other \
         output-only elements), so `responses_create` shows what validation costs when it finds violations. \
         Allocations are counted by a counting global allocator installed in the bench binary \
         (`coupa_bench::alloc::Counting`), over one pass of the 10,000 before the timed benches.\n\n",
    );
    let allocs: Allocs = run
        .facts("ALLOCS")
        .into_iter()
        .filter_map(|f| Some((f.get("name")?.clone(), f)))
        .collect();
    workloads_table(&mut s, &run, &allocs)?;
    let t = |k: &str| run.median(k);
    let of_data = t("validate_create")? / t("decode_responses")?;
    let of_same = t("validate_create")? / t("decode_requests")?;
    targets_table(&mut s, &targets(of_data, of_same, &allocs));
    if of_data > 0.10 || of_same > 0.10 {
        s.push_str("### Where validation spends its time\n\n");
        s.push_str(&callgrind(root, "validate", "validate_create", 15));
        s.push('\n');
        s.push_str(&callgrind(root, "validate", "decode_requests", 12));
        s.push('\n');
    }
    raw_output(&mut s, &run);
    Ok(Section {
        key: "validate",
        body: s,
    })
}

fn workloads_table(s: &mut String, run: &BenchRun, allocs: &Allocs) -> Result<(), String> {
    s.push_str("| Workload | Median | Fastest | Records/s | Invalid records | Heap allocations |\n|---|---|---|---|---|---|\n");
    for (k, label) in WORKLOADS {
        let r = run.row(k)?;
        let a = allocs.get(k);
        let _ = writeln!(
            s,
            "| {label} | {} | {} | {} | {} | {} |",
            secs(r.median),
            secs(r.fastest),
            r.items_per_s.map_or("n/a".into(), per_s),
            a.and_then(|a| a.get("invalid")).map_or("", |v| v.as_str()),
            a.and_then(|a| a.get("allocations"))
                .map_or("", |v| v.as_str()),
        );
    }
    s.push('\n');
    Ok(())
}

/// `of_data` and `of_same`: validation time over the decoding time of the data set and of the
/// validated runs themselves.
fn targets(of_data: f64, of_same: f64, allocs: &Allocs) -> Vec<Target> {
    let valid_allocs: usize = VALID
        .iter()
        .filter_map(|k| allocs.get(*k)?.get("allocations")?.parse::<usize>().ok())
        .sum();
    let counted = VALID.iter().all(|k| allocs.contains_key(*k));
    vec![
        Target {
            name: "validation time vs decoding the data set".into(),
            target: "≤ 10% of decoding the 10,000 runs (JSON as answered)".into(),
            measured: format!("{:.1}%", 100.0 * of_data),
            met: of_data <= 0.10,
        },
        Target {
            name: "validation time vs decoding the same payloads".into(),
            target: "≤ 10% of decoding the validated runs themselves (request JSON)".into(),
            measured: format!("{:.1}%", 100.0 * of_same),
            met: of_same <= 0.10,
        },
        Target {
            name: "allocations when valid".into(),
            target: "zero heap allocations validating 10,000 valid runs (create, update, batch)"
                .into(),
            measured: if counted {
                format!("{valid_allocs}")
            } else {
                "not counted".into()
            },
            met: counted && valid_allocs == 0,
        },
    ]
}
