//! `cargo xtask bench --client`: the client against a hand-written loop (`bench/benches/client.rs`),
//! listing from a release build of `coupa mock` without its rate limit, and where the mock's
//! time goes.

use std::fmt::Write as _;
use std::path::Path;

use super::divan::{build_coupa, run_bench};
use super::machine::Machine;
use super::report::{Section, Target, raw_output, secs, section, targets_table};

pub(super) fn client(root: &Path, m: &Machine) -> Result<Section, String> {
    let build = build_coupa(root)?;
    let run = run_bench(root, "client", &["client"])?;
    let mut s = section(
        "client",
        "4. The client against a hand-written loop",
        m,
        &[build, run.command.clone()],
    );
    let seeded = run.facts("SEEDED").into_iter().next().unwrap_or_default();
    let _ = writeln!(
        s,
        "Listing {} integration runs (`coupa_bench::data`, 100 pages of 50) from a release build of `coupa mock --no-rate-limit` \
         on loopback, in a process of its own, JSON, side by side in one run of `benches/client.rs`:\n\n\
         - **client**: `coupa_runtime::client::Client::list_all(coupa_api::integration_runs::Index::new())` with \
         `config.concurrency` pages in flight (its OAuth token fetched before the measurement and cached);\n\
         - **hand-written loop**: reqwest and `serde_json::from_slice::<Vec<IntegrationRun>>` into the same generated \
         structs, a fixed bearer token, the same pages (`offset` in steps of 50 until a short page, at most N in flight, \
         in order).\n\n\
         Both run on one current-thread Tokio runtime in the bench process; the mock has its own multi-threaded runtime. \
         The machine has 2 cores, shared by the mock and the bench.\n",
        seeded.get("runs").map_or("?", |v| v.as_str())
    );
    s.push_str(
        "Paired: 30 pairs of listings, client and loop one after the other (alternating which goes first), \
         so that a machine busy with other work slows both of a pair alike; the ratio is the median of the 30 per-pair \
         ratios. Divan: its 20 samples of each workload, one workload after the other.\n\n",
    );
    s.push_str("| Pages in flight | Paired: client | Paired: loop | **Paired: client ÷ loop** | Divan: client (median) | Divan: loop (median) | Divan: client ÷ loop |\n|---|---|---|---|---|---|---|\n");
    let paired = run.facts("PAIRED");
    let mut targets = Vec::new();
    for c in ["1", "10"] {
        let cl = run.row(&format!("list_all/client/{c}"))?;
        let hl = run.row(&format!("list_all/hand_loop/{c}"))?;
        let p = paired
            .iter()
            .find(|f| f.get("in_flight").map(String::as_str) == Some(c))
            .ok_or_else(|| format!("no PAIRED line for {c} in flight"))?;
        let g = |k: &str| p.get(k).map_or("?".to_owned(), String::clone);
        let ratio: f64 = g("ratio").parse().unwrap_or(f64::NAN);
        let _ = writeln!(
            s,
            "| {c} | {} ms | {} ms | **{ratio:.3}×** | {} | {} | {:.3}× |",
            g("client_ms"),
            g("loop_ms"),
            secs(cl.median),
            secs(hl.median),
            cl.median / hl.median
        );
        targets.push(Target {
            name: format!("client vs hand-written loop, {c} in flight"),
            target: format!(
                "`list_all` of 5,000 runs within 1.15× of the loop's time, {c} page{} in flight",
                if c == "1" { "" } else { "s" }
            ),
            measured: format!("{ratio:.3}× (median of 30 paired ratios)"),
            met: ratio <= 1.15,
        });
    }
    s.push_str(
        "\nThe mock's share: over 10 listings of each workload (before divan's samples), the CPU time the mock process \
         spent (user + system, `/proc/PID/stat`, 10 ms ticks) and the bench process's own, against the wall time.\n\n\
         | Workload | Wall time (10 listings) | Mock CPU | Bench CPU | Mock CPU ÷ wall |\n|---|---|---|---|---|\n",
    );
    for f in run.facts("SHARE") {
        let g = |k: &str| f.get(k).map_or("?".to_owned(), String::clone);
        let share: f64 = g("mock_share").parse().unwrap_or(f64::NAN);
        let _ = writeln!(
            s,
            "| {} | {} ms | {} ms | {} ms | {:.0}% |",
            g("workload"),
            g("wall_ms"),
            g("mock_cpu_ms"),
            g("bench_cpu_ms"),
            share * 100.0
        );
    }
    s.push_str(MOCK_PROFILE);
    targets_table(&mut s, &targets);
    raw_output(&mut s, &run);
    Ok(Section {
        key: "client",
        body: s,
    })
}

/// Where the mock's time went, and what was changed (issue 14): measured once, by hand, with
/// callgrind; the figures above are the ones of each run.
const MOCK_PROFILE: &str = "\n### Where the mock's time goes\n\n\
Measured once by hand for issue 14, when the mock was the bottleneck (about 70% of the wall time of a listing went to the \
mock process): `valgrind --tool=callgrind --instr-atstart=no target/release/coupa mock --no-rate-limit --seed FILE` \
(`COUPA_BENCH_WRITE_SEED=FILE` writes the bench's seed), instrumentation switched on (`callgrind_control -i on`) once the \
seed was loaded, then `coupa list integration-runs --all -c 1` (101 pages, 5,000 runs).\n\n\
- Before: 476.6 M instructions for the listing. 45% in the allocator (`malloc`, `free`, `malloc_consolidate`): every \
page copied its 50 records out of the store (`BTreeMap` and `String` clones), read each copy back into its generated model \
(`serde_json::Value` into `IntegrationRun`, datetimes parsed again) and wrote the model; 5.7% collected a reference to \
each of the 5,000 records for every page (`Vec::from_iter`), before skipping to the page's offset; 11.8% escaping JSON \
strings (the output itself).\n\
- Changed (`mock/src/page.rs`): in the store's order, a page is taken as the matches go by (no vector of every \
match; the total is counted only for the list envelope, which states it), and a plain JSON page (no `fields`, no \
`return_object`) is written straight from the stored values, which are canonical, in the model's field order \
(`page::Ordered`): the typed writer's exact bytes (a unit test compares them for every resource), with no copy and no \
typed read. XML pages, shaped pages and envelopes still go through the typed writer.\n\
- After: 176.5 M instructions (2.7× fewer); a third is JSON string escaping, the rest mostly walking the stored \
values in field order. In the bench, before and after on the same machine in one afternoon: the hand-written loop's \
listing went from 86.8 ms to 44.8 ms (1 in flight) and from 83.1 ms to 43.9 ms (10 in flight), the mock's CPU time per \
listing from 60 ms to 25 ms.\n\n\
The client's own overhead against the loop is, by the same kind of profile of the bench process \
(`COUPA_BENCH_PROFILE=client` or `hand_loop` runs 5 listings of one workload), almost all in \
`coupa_runtime::json::check_json_depth`, the pass that refuses JSON nested deeper than 64 before serde_json reads it; \
it was made to skip short strings byte by byte and long ones with memchr (about 3.6 instructions a byte).\n\n";
