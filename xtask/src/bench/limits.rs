//! `cargo xtask bench --limits`: the client under Coupa's rate limit (`bench/benches/limits.rs`),
//! against a release build of `coupa mock` with its limit on: paced listings against the
//! limit's floor, the 429s they got, the unpaced client for comparison, and a paced client
//! sharing the budget with an unpaced one.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::divan::{build_coupa, run_plain_bench};
use super::machine::Machine;
use super::report::{Section, Target, raw_output, section, targets_table};

type Facts = BTreeMap<String, String>;

fn get<'a>(f: &'a Facts, k: &str) -> &'a str {
    f.get(k).map_or("?", String::as_str)
}

fn num(f: &Facts, k: &str) -> f64 {
    get(f, k).parse().unwrap_or(f64::NAN)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The paced listings at one number of pages in flight: a table row and two targets.
fn paced_row(s: &mut String, targets: &mut Vec<Target>, lines: &[Facts], in_flight: &str) {
    let runs: Vec<&Facts> = lines
        .iter()
        .filter(|f| get(f, "in_flight") == in_flight)
        .collect();
    let ratio = median(runs.iter().map(|f| num(f, "ratio")).collect());
    let secs = median(runs.iter().map(|f| num(f, "secs")).collect());
    let throttled: f64 = runs.iter().map(|f| num(f, "throttled")).sum();
    let all_listed = runs.iter().all(|f| get(f, "listed") == "5000");
    let each: Vec<String> = runs
        .iter()
        .map(|f| format!("{} s ({}×)", get(f, "secs"), get(f, "ratio")))
        .collect();
    let requests: Vec<&str> = runs.iter().map(|f| get(f, "requests")).collect();
    let _ = writeln!(
        s,
        "| {in_flight} | {} | {secs:.3} s | **{ratio:.3}×** | {} | **{throttled}** | {} |",
        each.join(", "),
        requests.join(", "),
        if all_listed {
            "all 5,000, each time"
        } else {
            "**not all**"
        },
    );
    let plural = if in_flight == "1" { "" } else { "s" };
    targets.push(Target {
        name: format!("paced listing, {in_flight} in flight: time ÷ the limit's floor"),
        target: format!(
            "listing 5,000 runs with the limit on (25/s, burst 20), {in_flight} page{plural} in flight, \
             within 1.05× of the floor"
        ),
        measured: format!("{ratio:.3}× (median of {})", runs.len()),
        met: ratio <= 1.05 && all_listed,
    });
    targets.push(Target {
        name: format!("paced listing, {in_flight} in flight: 429 answers"),
        target: "none at the default settings".to_owned(),
        measured: format!("{throttled} in {} listings", runs.len()),
        met: throttled == 0.0 && !runs.is_empty(),
    });
}

/// The paced client beside an unpaced one: a table row and a target.
fn shared_row(s: &mut String, targets: &mut Vec<Target>, f: &Facts) {
    let in_flight = get(f, "in_flight");
    let finished = get(f, "finished") == "true";
    let _ = writeln!(
        s,
        "| {in_flight} | {} | {} s | **{}×** | {} | {} | {} req/s | {} | {} | {} |",
        if finished { "yes, all 5,000" } else { "**no**" },
        get(f, "secs"),
        get(f, "ratio"),
        get(f, "requests"),
        get(f, "throttled"),
        get(f, "pace_at_end"),
        get(f, "other_requests"),
        get(f, "other_throttled"),
        get(f, "other_records"),
    );
    targets.push(Target {
        name: format!("paced beside an unpaced client, {in_flight} in flight"),
        target: "the paced client (default settings) still lists all 5,000 runs".to_owned(),
        measured: if finished {
            format!("finished in {}× the floor", get(f, "ratio"))
        } else {
            format!("failed: {}", get(f, "error").replace('_', " "))
        },
        met: finished,
    });
}

pub(super) fn limits(root: &Path, m: &Machine) -> Result<Section, String> {
    let build = build_coupa(root)?;
    let run = run_plain_bench(root, "limits", &["client"])?;
    let limit = run.facts("LIMIT").into_iter().next().unwrap_or_default();
    let mut s = section(
        "limits",
        "4b. The client under Coupa's rate limit",
        m,
        &[build, run.command.clone()],
    );
    let _ = writeln!(
        s,
        "Listing {} integration runs (`Client::list_all`, pages of {}) from a release build of `coupa mock` with its \
         rate limit on (Coupa's documented {} requests per second, burst {}), on loopback, in a process of its own, side by \
         side in one run of `benches/limits.rs`. A listing is {} requests (a token and 101 pages, the last one empty); the \
         limit lets them through in no less than ({} − {}) ÷ {} = **{} s, the floor**. Each listing is a new client \
         (its token included) after a second in which the mock's bucket fills up again; 429 answers and requests are \
         counted from the client's trace.\n",
        get(&limit, "records"),
        get(&limit, "page"),
        get(&limit, "per_second"),
        get(&limit, "burst"),
        get(&limit, "requests"),
        get(&limit, "requests"),
        get(&limit, "burst"),
        get(&limit, "per_second"),
        get(&limit, "floor_s"),
    );
    s.push_str(
        "### Paced (the default: 25 per second, burst 20 of which 19 are spent)\n\n\
         | Pages in flight | Each listing (time, ÷ floor) | Median | **Median ÷ floor** | Requests sent | **429 answers** | Records |\n\
         |---|---|---|---|---|---|---|\n",
    );
    let mut targets = Vec::new();
    let paced = run.facts("PACED");
    for w in ["1", "10"] {
        paced_row(&mut s, &mut targets, &paced, w);
    }
    s.push_str(
        "\n### Unpaced, for comparison (`Config::pacing = None`, 10 retries)\n\n\
         The client as it was before pacing: it runs into the limit, and each 429 costs the whole-second `Retry-After`.\n\n\
         | Pages in flight | Time | ÷ floor | Requests sent | 429 answers | Records |\n|---|---|---|---|---|---|\n",
    );
    for f in run.facts("UNPACED") {
        let _ = writeln!(
            s,
            "| {} | {} s | {}× | {} | {} | {} |",
            get(&f, "in_flight"),
            get(&f, "secs"),
            get(&f, "ratio"),
            get(&f, "requests"),
            get(&f, "throttled"),
            get(&f, "listed"),
        );
    }
    s.push_str(
        "\n### Sharing the budget with an unpaced client\n\n\
         Another client, unpaced (10 pages in flight, 10 retries), lists the same runs over and over from half a second \
         before the paced client starts until it is done: another program spending the same instance's budget. The paced \
         client has its default settings (3 retries); it slows down on the 429s it gets (halving its rate at most once a \
         second, 2.5 requests per second back each second without one) and waits out every `Retry-After`.\n\n\
         | Paced: pages in flight | Finished | Time | **÷ floor** | Requests | 429s | Its pace at the end | Other: requests | Other: 429s | Other: records listed meanwhile |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
    );
    for f in run.facts("SHARED") {
        shared_row(&mut s, &mut targets, &f);
    }
    s.push('\n');
    targets_table(&mut s, &targets);
    raw_output(&mut s, &run);
    Ok(Section {
        key: "limits",
        body: s,
    })
}
