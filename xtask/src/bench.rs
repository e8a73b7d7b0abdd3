//! `cargo xtask bench`: runs the benchmarks of `bench/` (package `coupa-bench`) and writes
//! `BENCHMARKS.md` at the root.
//!
//! - `cargo xtask bench`: everything (the in-process benches, then the compile times);
//! - `cargo xtask bench --no-compile`: the in-process benches only (generator, decoding,
//!   validation, client), a few minutes;
//! - `cargo xtask bench --generator`, `--decode`, `--validate`: one in-process bench only;
//! - `cargo xtask bench --client`: the client against the hand-written loop only (a minute or
//!   two);
//! - `cargo xtask bench --limits`: the client under Coupa's rate limit only (about a minute):
//!   see [`mod@limits`];
//! - `cargo xtask bench --compile`: the compile times only (cold builds of `coupa-api`, the
//!   dependency tree, the per-resource slope from synthetic crates), the slow part;
//! - `cargo xtask bench --size`: only the size of the generated code, read from git (every
//!   run writes it);
//! - `cargo xtask bench --suite`: `cargo test` from nothing built, before issue 11 and at this
//!   commit, and `.ci/run` when `../shared` is beside the repository (about an hour on 2 cores):
//!   see [`mod@suite`].
//!
//! Each part rewrites its own sections of `BENCHMARKS.md` and keeps the others, so every section
//! says which machine, which commit and which date it was measured on. Every figure is read from
//! the bench's own output (divan's table, and the `SIZE`, `DATA`, `ALLOCS` and `SEEDED` lines the
//! benches print first); ratios compare figures of one run. A target that is missed gets a
//! callgrind profile (instruction counts per function) of the workloads it compares.
//!
//! Where the code is: this file runs the parts and writes the report ([`run`], [`ORDER`],
//! [`write_report`]); one module per section ([`mod@size`], [`mod@generator`], [`mod@decode`],
//! [`mod@validate`], [`mod@client`], [`mod@limits`], [`mod@compile`], [`mod@suite`]) runs its
//! bench and writes its section; they share [`mod@divan`] (running a bench, reading its output),
//! [`mod@report`] (formats, headings, targets tables), [`mod@machine`] (the machine, running
//! commands) and [`mod@profile`] (callgrind profiles of missed targets).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

mod client;
mod compile;
mod decode;
mod divan;
mod generator;
mod limits;
mod machine;
mod profile;
mod report;
mod size;
mod suite;
mod validate;

use machine::Machine;
use report::Section;

const REPORT: &str = "BENCHMARKS.md";

/// Entry point: `args` are the words after `bench`.
pub fn run(args: &[&str]) -> ExitCode {
    // In process (generator, decode, validate, client, limits), compile times, one part alone.
    let (in_process, compile, only) = match args {
        [] => (true, true, None),
        ["--compile"] => (false, true, None),
        ["--no-compile"] => (true, false, None),
        ["--client"] => (false, false, Some("client")),
        ["--limits"] => (false, false, Some("limits")),
        ["--size"] => (false, false, None),
        ["--suite"] => (false, false, Some("suite")),
        ["--generator"] => (false, false, Some("generator")),
        ["--decode"] => (false, false, Some("decode")),
        ["--validate"] => (false, false, Some("validate")),
        _ => {
            eprintln!(
                "usage: cargo xtask bench [--compile | --no-compile | --generator | --decode | --validate | --client | --limits | --size | --suite]"
            );
            return ExitCode::from(2);
        }
    };
    let root = crate::root();
    let started = Instant::now();
    let machine = Machine::read(&root);
    eprintln!("bench: {}", machine.line());
    let mut sections = Vec::new();
    let mut step = |name: &str, r: Result<Section, String>| match r {
        Ok(s) => {
            sections.push(s);
            true
        }
        Err(e) => {
            eprintln!("error: {name}: {e}");
            false
        }
    };
    let mut ok = true;
    ok &= step("size", size::size(&root, &machine));
    if in_process || only == Some("generator") {
        ok &= step("generator", generator::generator(&root, &machine));
    }
    if in_process || only == Some("decode") {
        ok &= step("decode", decode::decode(&root, &machine));
    }
    if in_process || only == Some("validate") {
        ok &= step("validate", validate::validate(&root, &machine));
    }
    if in_process || only == Some("client") {
        ok &= step("client", client::client(&root, &machine));
    }
    if in_process || only == Some("limits") {
        ok &= step("limits", limits::limits(&root, &machine));
    }
    if compile {
        ok &= step("compile", compile::compile_times(&root, &machine));
    }
    if only == Some("suite") {
        ok &= step("suite", suite::suite(&root, &machine));
    }
    if let Err(e) = write_report(&root, &sections) {
        eprintln!("error: cannot write {REPORT}: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "bench: wrote {REPORT} ({} sections) in {:.0} s",
        sections.len(),
        started.elapsed().as_secs_f64()
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The sections in the order of the report, by key.
const ORDER: [&str; 8] = [
    "size",
    "generator",
    "decode",
    "validate",
    "client",
    "limits",
    "compile",
    "suite",
];

/// Rewrites the report with the `new` sections and the old ones kept, in [`ORDER`], after a
/// summary of every section's targets.
fn write_report(root: &Path, new: &[Section]) -> Result<(), String> {
    let path: PathBuf = root.join(REPORT);
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let mut bodies: BTreeMap<&str, String> = BTreeMap::new();
    for key in ORDER {
        let (open, close) = (
            format!("<!-- section:{key} -->\n"),
            format!("<!-- /section:{key} -->"),
        );
        if let Some(a) = old.find(&open)
            && let Some(b) = old[a..].find(&close)
        {
            bodies.insert(key, old[a + open.len()..a + b].to_owned());
        }
    }
    for s in new {
        bodies.insert(s.key, s.body.clone());
    }
    let mut out = String::from(
        "# Benchmarks\n\n\
         Written by `cargo xtask bench` (code: `xtask/src/bench.rs` and `xtask/src/bench/`, benches: `bench/`); do not edit by hand. \
         `cargo xtask bench` runs everything (about 15 minutes on 2 cores); `cargo xtask bench --no-compile` only the \
         in-process benches (a few minutes), `cargo xtask bench --client` only the client against the hand-written \
         loop, `cargo xtask bench --limits` only the client under Coupa's rate limit, `cargo xtask bench --compile` \
         only the compile times, `cargo xtask bench --suite` the test suite and `.ci/run` from nothing built (not part of \
         `cargo xtask bench`). Each part rewrites \
         its own sections, and each section names the machine, commit and date it was measured on. The machine is \
         shared and noisy: compare the ratios within a section (measured in one run), not absolute times across \
         sections or machines.\n\n## Targets\n\n| Part | Target | Goal | Measured | Result |\n|---|---|---|---|---|\n",
    );
    for key in ORDER {
        let Some(body) = bodies.get(key) else {
            continue;
        };
        if let (Some(a), Some(b)) = (
            body.find("<!-- targets -->"),
            body.find("<!-- /targets -->"),
        ) {
            for line in body[a..b].lines().skip(3) {
                if let Some(rest) = line.strip_prefix('|') {
                    let _ = writeln!(out, "| {key} |{rest}");
                }
            }
        }
    }
    out.push('\n');
    for key in ORDER {
        if let Some(body) = bodies.get(key) {
            let _ = write!(
                out,
                "<!-- section:{key} -->\n{}<!-- /section:{key} -->\n\n",
                body
            );
        }
    }
    std::fs::write(&path, out.trim_end().to_owned() + "\n").map_err(|e| e.to_string())
}
