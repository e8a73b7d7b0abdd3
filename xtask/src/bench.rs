//! `cargo xtask bench`: runs the benchmarks of `bench/` (package `coupa-bench`) and writes
//! `BENCHMARKS.md` at the root.
//!
//! - `cargo xtask bench`: everything (the in-process benches, then the compile times);
//! - `cargo xtask bench --no-compile`: the in-process benches only (generator, decoding,
//!   validation, client), a few minutes;
//! - `cargo xtask bench --client`: the client against the hand-written loop only (a minute or
//!   two);
//! - `cargo xtask bench --limits`: the client under Coupa's rate limit only (about a minute):
//!   see [`mod@limits`];
//! - `cargo xtask bench --compile`: the compile times only (cold builds of `coupa-api`, the
//!   dependency tree, the per-resource slope from synthetic crates), the slow part;
//! - `cargo xtask bench --size`: only the size of the generated code, read from git (every
//!   run writes it).
//!
//! Each part rewrites its own sections of `BENCHMARKS.md` and keeps the others, so every section
//! says which machine, which commit and which date it was measured on. Every figure is read from
//! the bench's own output (divan's table, and the `SIZE`, `DATA`, `ALLOCS` and `SEEDED` lines the
//! benches print first); ratios compare figures of one run. A target that is missed gets a
//! callgrind profile (instruction counts per function) of the workloads it compares.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

mod client;
mod limits;

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
        _ => {
            eprintln!(
                "usage: cargo xtask bench [--compile | --no-compile | --client | --limits | --size]"
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
    ok &= step("size", size(&root, &machine));
    if in_process {
        ok &= step("generator", generator(&root, &machine));
        ok &= step("decode", decode(&root, &machine));
        ok &= step("validate", validate(&root, &machine));
    }
    if in_process || only == Some("client") {
        ok &= step("client", client::client(&root, &machine));
    }
    if in_process || only == Some("limits") {
        ok &= step("limits", limits::limits(&root, &machine));
    }
    if compile {
        ok &= step("compile", compile_times(&root, &machine));
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

// ----------------------------------------------------------------------------------------------
// The machine.

struct Machine {
    cpu: String,
    cores: usize,
    rustc: String,
    date: String,
    commit: String,
}

impl Machine {
    fn read(root: &Path) -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split_once(':'))
            .map_or("unknown CPU".to_owned(), |(_, v)| v.trim().to_owned());
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        let rustc = output(Command::new("rustc").arg("-V")).unwrap_or_else(|e| e);
        let date =
            output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"])).unwrap_or_else(|e| e);
        let mut commit = output(
            Command::new("git")
                .args(["rev-parse", "--short", "HEAD"])
                .current_dir(root),
        )
        .map_or_else(|_| "unknown".to_owned(), |c| c.trim().to_owned());
        let dirty = output(
            Command::new("git")
                .args(["status", "--porcelain", "--untracked-files=no"])
                .current_dir(root),
        )
        .is_ok_and(|s| !s.trim().is_empty());
        if dirty {
            commit.push_str(" + uncommitted changes");
        }
        Machine {
            cpu,
            cores,
            rustc: rustc.trim().to_owned(),
            date: date.trim().to_owned(),
            commit: commit.trim().to_owned(),
        }
    }

    fn line(&self) -> String {
        format!(
            "{} ({} cores), {}, {}, commit {}",
            self.cpu, self.cores, self.rustc, self.date, self.commit
        )
    }
}

fn output(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

// ----------------------------------------------------------------------------------------------
// Running a bench and reading divan's table.

/// One row of divan's table: times in seconds, throughputs per second (of the median).
#[derive(Clone, Debug, Default)]
struct Row {
    fastest: f64,
    median: f64,
    items_per_s: Option<f64>,
    bytes_per_s: Option<f64>,
}

struct BenchRun {
    /// The command that reproduces it.
    command: String,
    /// Everything the bench printed on stdout.
    stdout: String,
    /// Rows by path (`load/500`).
    rows: BTreeMap<String, Row>,
}

impl BenchRun {
    fn row(&self, path: &str) -> Result<&Row, String> {
        self.rows
            .get(path)
            .ok_or_else(|| format!("`{path}` is not in the output of `{}`", self.command))
    }

    fn median(&self, path: &str) -> Result<f64, String> {
        self.row(path).map(|r| r.median)
    }

    /// The `KEY a=1 b=2` lines the bench printed before the table.
    fn facts(&self, key: &str) -> Vec<BTreeMap<String, String>> {
        self.stdout
            .lines()
            .filter_map(|l| l.strip_prefix(key)?.strip_prefix(' '))
            .map(|rest| {
                rest.split_whitespace()
                    .filter_map(|kv| kv.split_once('='))
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect()
            })
            .collect()
    }
}

fn cargo_bench_args(bench: &str, features: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["bench", "-p", "coupa-bench", "--bench", bench]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    if !features.is_empty() {
        args.push("--features".into());
        args.push(features.join(","));
    }
    args
}

fn run_bench(root: &Path, bench: &str, features: &[&str]) -> Result<BenchRun, String> {
    let run = run_plain_bench(root, bench, features)?;
    if run.rows.is_empty() {
        return Err(format!("`{}` printed no divan table", run.command));
    }
    Ok(run)
}

/// Runs a bench that may print no divan table (its figures are `KEY k=v` lines).
fn run_plain_bench(root: &Path, bench: &str, features: &[&str]) -> Result<BenchRun, String> {
    let args = cargo_bench_args(bench, features);
    let command = format!("cargo {}", args.join(" "));
    eprintln!("bench: running `{command}`");
    let out = Command::new(cargo())
        .args(&args)
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run `{command}`: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    print!("{stdout}");
    if !out.status.success() {
        return Err(format!("`{command}` failed ({})", out.status));
    }
    let rows = parse_divan(&stdout);
    Ok(BenchRun {
        command,
        stdout,
        rows,
    })
}

/// Builds the `coupa` binary the client benches run `coupa mock` from; answers the command.
fn build_coupa(root: &Path) -> Result<String, String> {
    if !root.join("mock/Cargo.toml").exists() {
        return Err("mock/ (coupa-mock) is not in the workspace".into());
    }
    // The mock runs as users run it: a release build of `coupa mock`, in a process of its own.
    let build = "cargo build --release -p coupa-cli".to_owned();
    eprintln!("bench: running `{build}`");
    let status = Command::new(cargo())
        .args(["build", "--release", "-p", "coupa-cli"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run `{build}`: {e}"))?;
    if !status.success() {
        return Err(format!("`{build}` failed ({status})"));
    }
    Ok(build)
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Reads divan's tree table: the header gives the column where values start; the text before it
/// is the tree (3 characters per level) and the name; a row without a name holds the
/// throughputs of the row above.
fn parse_divan(out: &str) -> BTreeMap<String, Row> {
    let mut rows = BTreeMap::new();
    let mut column: Option<usize> = None;
    let mut stack: Vec<String> = Vec::new();
    let mut last: Option<String> = None;
    for line in out.lines() {
        let chars: Vec<char> = line.chars().collect();
        if line.contains("fastest") && line.contains("median") && line.contains('│') {
            let at = line.find("fastest").unwrap_or(0);
            column = Some(line[..at].chars().count());
            stack.clear();
            last = None;
            continue;
        }
        let Some(col) = column else { continue };
        if chars.len() <= col || !line.contains('│') {
            if line.trim().is_empty() {
                column = None;
            }
            continue;
        }
        let tree: String = chars[..col].iter().collect();
        let cells: Vec<String> = chars[col..]
            .iter()
            .collect::<String>()
            .split('│')
            .map(|c| c.trim().to_owned())
            .collect();
        let name_at = tree.chars().position(|c| c.is_alphanumeric() || c == '_');
        match name_at {
            Some(at) => {
                let name: String = tree
                    .chars()
                    .skip(at)
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                let depth = (at / 3).saturating_sub(1);
                stack.truncate(depth);
                stack.push(name);
                let path = stack.join("/");
                if cells.len() >= 6 && !cells[0].is_empty() {
                    let time = |i: usize| parse_time(&cells[i]).unwrap_or(f64::NAN);
                    rows.insert(
                        path.clone(),
                        Row {
                            fastest: time(0),
                            median: time(2),
                            ..Row::default()
                        },
                    );
                    last = Some(path);
                } else {
                    last = None;
                }
            }
            None => {
                let (Some(path), Some(median)) = (&last, cells.get(2)) else {
                    continue;
                };
                if let Some(row) = rows.get_mut(path) {
                    if let Some(v) = parse_rate(median, "item/s") {
                        row.items_per_s = Some(v);
                    } else if let Some(v) = parse_rate(median, "B/s") {
                        row.bytes_per_s = Some(v);
                    }
                }
            }
        }
    }
    rows
}

fn parse_time(cell: &str) -> Option<f64> {
    let (n, unit) = cell.trim().split_once(' ')?;
    let n: f64 = n.parse().ok()?;
    let scale = match unit {
        "ns" => 1e-9,
        "µs" | "us" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        _ => return None,
    };
    Some(n * scale)
}

fn parse_rate(cell: &str, suffix: &str) -> Option<f64> {
    let (n, unit) = cell.trim().split_once(' ')?;
    let prefix = unit.strip_suffix(suffix)?;
    let n: f64 = n.parse().ok()?;
    let scale = match prefix {
        "" => 1.0,
        "K" | "Ki" => 1e3,
        "M" | "Mi" => 1e6,
        "G" | "Gi" => 1e9,
        _ => return None,
    };
    Some(n * scale)
}

// ----------------------------------------------------------------------------------------------
// Formatting.

fn secs(s: f64) -> String {
    if s.is_nan() {
        "n/a".to_owned()
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else if s >= 1e-6 {
        format!("{:.1} µs", s * 1e6)
    } else {
        format!("{:.0} ns", s * 1e9)
    }
}

fn per_s(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2} M/s", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1} k/s", v / 1e3)
    } else {
        format!("{v:.0}/s")
    }
}

fn mb_s(v: Option<f64>) -> String {
    v.map_or("n/a".to_owned(), |v| format!("{:.1} MB/s", v / 1e6))
}

fn verdict(met: bool) -> &'static str {
    if met { "**met**" } else { "**missed**" }
}

/// A target: what was promised, what was measured, and whether it holds.
struct Target {
    name: String,
    target: String,
    measured: String,
    met: bool,
}

/// One part of the report.
struct Section {
    key: &'static str,
    body: String,
}

fn section(key: &'static str, title: &str, m: &Machine, commands: &[String]) -> String {
    let mut s = format!("## {title}\n\n");
    let _ = writeln!(s, "Measured on {}.\n", m.line());
    let _ = writeln!(s, "Reproduce:\n\n```sh");
    for c in commands {
        let _ = writeln!(s, "{c}");
    }
    let _ = writeln!(s, "```\n");
    let _ = key;
    s
}

fn targets_table(s: &mut String, targets: &[Target]) {
    s.push_str("<!-- targets -->\n| Target | Goal | Measured | Result |\n|---|---|---|---|\n");
    for t in targets {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            t.name,
            t.target,
            t.measured,
            verdict(t.met)
        );
    }
    s.push_str("<!-- /targets -->\n\n");
}

fn raw_output(s: &mut String, run: &BenchRun) {
    let _ = writeln!(
        s,
        "<details><summary>Raw output of <code>{}</code></summary>\n\n```text\n{}```\n\n</details>\n",
        run.command, run.stdout
    );
}

// ----------------------------------------------------------------------------------------------
// Profiles.

/// Runs one workload of a bench binary under callgrind and answers the functions that executed
/// the most instructions (exclusive counts), or why it could not.
fn callgrind(root: &Path, bench: &str, workload: &str, top: usize) -> String {
    match try_callgrind(root, bench, workload, top) {
        Ok(s) => s,
        Err(e) => format!("(no profile: {e})\n"),
    }
}

fn try_callgrind(root: &Path, bench: &str, workload: &str, top: usize) -> Result<String, String> {
    let mut args = cargo_bench_args(bench, &[]);
    args.extend(["--no-run".into(), "--message-format=json".into()]);
    let listing = output(Command::new(cargo()).args(&args).current_dir(root))?;
    let exe = listing
        .lines()
        .filter(|l| {
            l.contains("\"kind\":[\"bench\"]") && l.contains(&format!("\"name\":\"{bench}\""))
        })
        .find_map(|l| {
            let at = l.find("\"executable\":\"")? + "\"executable\":\"".len();
            let end = l[at..].find('"')?;
            Some(l[at..at + end].to_owned())
        })
        .ok_or("cargo named no bench executable")?;
    let dir = root.join("target/bench-profile");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join(format!("{bench}-{workload}.callgrind"));
    eprintln!("bench: profiling `{workload}` under callgrind");
    let status = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--collect-atstart=no",
            "--toggle-collect=*profile_target*",
        ])
        .arg(format!("--callgrind-out-file={}", file.display()))
        .arg(&exe)
        .env("COUPA_BENCH_PROFILE", workload)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run valgrind: {e}"))?;
    if !status.success() {
        return Err(format!("valgrind failed ({status})"));
    }
    let annotated = output(Command::new("callgrind_annotate").arg(&file))?;
    let mut lines = Vec::new();
    let mut in_functions = false;
    for l in annotated.lines() {
        if l.contains("PROGRAM TOTALS") {
            lines.push(l.trim().to_owned());
        }
        if l.contains("file:function") {
            in_functions = true;
            continue;
        }
        if in_functions && l.contains('(') && lines.len() <= top {
            lines.push(shorten(l));
        }
    }
    Ok(format!(
        "`{workload}` run 3 times, instructions by function (exclusive), from `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*profile_target*'` with `COUPA_BENCH_PROFILE={workload}`:\n\n```text\n{}\n```\n",
        lines.join("\n")
    ))
}

/// `  1,234 (5.6%)  ???:crate::f [/path/bin]` without the file and binary noise.
fn shorten(l: &str) -> String {
    let l = l.trim();
    let l = match l.rfind(" [") {
        Some(i) if l.ends_with(']') => &l[..i],
        _ => l,
    };
    let l = l.replace("???:", "");
    if l.chars().count() > 160 {
        let cut: String = l.chars().take(157).collect();
        format!("{cut}...")
    } else {
        l
    }
}

// ----------------------------------------------------------------------------------------------
// 1. The generator.

fn generator(root: &Path, m: &Machine) -> Result<Section, String> {
    let run = run_bench(root, "generator", &[])?;
    let sets = ["real", "50", "500"];
    let mut s = section(
        "generator",
        "1. The generator (in process)",
        m,
        std::slice::from_ref(&run.command),
    );
    s.push_str(
        "Stages: `load` parses the YAML (`coupa_codegen::load::parse_all`); `check` checks and lowers it to the IR \
         (`coupa_codegen::check::lower`); `emit` turns the IR into token streams (the public emitters `models`, \
         `validators`, `query`, `endpoints`, `registry`, called as `generate` calls them); formatting is \
         `syn::parse2` (`format_parse`) then `prettyplease::unparse` (`format_unparse`) of those tokens. \
         `load_check` (`compile_sources`) and `generate` (emit + format, as `cargo xtask gen`) are the public entry \
         points, measured whole. No change to codegen was needed to split the stages. Synthetic sets: \
         `coupa_bench::synth`, 20 elements and 8 actions per resource plus two shared shapes. Times are divan's \
         medians (fastest in brackets); 10 samples each.\n\n",
    );
    s.push_str("| Set | Schema files | YAML | Types | Resources | Generated Rust |\n|---|---|---|---|---|---|\n");
    for f in run.facts("SIZE") {
        let g = |k: &str| f.get(k).cloned().unwrap_or_default();
        let kb = |k: &str| {
            g(k).parse::<f64>()
                .map_or("?".into(), |b| format!("{:.0} kB", b / 1e3))
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} lines, {} |",
            g("set"),
            g("files"),
            kb("yaml_bytes"),
            g("types"),
            g("resources"),
            g("rust_lines"),
            kb("rust_bytes")
        );
    }
    s.push('\n');
    let stages = [
        "load",
        "check",
        "load_check",
        "emit",
        "format_parse",
        "format_unparse",
        "generate",
    ];
    let mut med: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
    for st in stages {
        for set in sets {
            let r = run.row(&format!("{st}/{set}"))?;
            med.insert((st.into(), set.into()), (r.median, r.fastest));
        }
    }
    let get = |st: &str, set: &str| med[&(st.to_owned(), set.to_owned())];
    let sum = |parts: &[&str], set: &str| {
        parts.iter().fold((0.0, 0.0), |(a, b), p| {
            let (m, f) = get(p, set);
            (a + m, b + f)
        })
    };
    s.push_str("| Stage | real | 50 | 500 | 500 / 50 (median) | 500 / 50 (fastest) |\n|---|---|---|---|---|---|\n");
    let mut row = |label: &str, v: &dyn Fn(&str) -> (f64, f64)| {
        let (r, f50, f500) = (v("real"), v("50"), v("500"));
        let _ = writeln!(
            s,
            "| {label} | {} ({}) | {} ({}) | {} ({}) | {:.1}× | {:.1}× |",
            secs(r.0),
            secs(r.1),
            secs(f50.0),
            secs(f50.1),
            secs(f500.0),
            secs(f500.1),
            f500.0 / f50.0,
            f500.1 / f50.1
        );
    };
    for st in stages {
        row(&format!("`{st}`"), &|set| get(st, set));
    }
    row("format = parse + unparse", &|set| {
        sum(&["format_parse", "format_unparse"], set)
    });
    row("**total** = `load_check` + `generate`", &|set| {
        sum(&["load_check", "generate"], set)
    });
    s.push('\n');
    s.push_str("Where the time goes (share of load + check + emit + format_parse + format_unparse, medians):\n\n| Set | load | check | emit | format: parse | format: unparse | staged sum | `load_check` + `generate` |\n|---|---|---|---|---|---|---|---|\n");
    let parts = ["load", "check", "emit", "format_parse", "format_unparse"];
    for set in sets {
        let total: f64 = parts.iter().map(|p| get(p, set).0).sum();
        let mut line = format!("| {set} |");
        for p in parts {
            let _ = write!(line, " {:.0}% |", 100.0 * get(p, set).0 / total);
        }
        let _ = writeln!(
            s,
            "{line} {} | {} |",
            secs(total),
            secs(sum(&["load_check", "generate"], set).0)
        );
    }
    s.push('\n');
    let (t50, t500) = (
        sum(&["load_check", "generate"], "50"),
        sum(&["load_check", "generate"], "500"),
    );
    let ratio = t500.0 / t50.0;
    let (d2k, d20k) = (run.row("diagnostics/2000")?, run.row("diagnostics/20000")?);
    let diag_ratio = d20k.median / d2k.median;
    let _ = writeln!(
        s,
        "`diagnostics`: one resource whose first element carries 2,000 or 20,000 misspelt keys, loaded, checked and \
         rendered with every snippet: {} for 2,000, {} for 20,000 (medians).\n",
        secs(d2k.median),
        secs(d20k.median)
    );
    let targets = vec![
        Target {
            name: "generator is linear".into(),
            target: "500 resources cost at most 12× the 50 (load + check + emit + format)".into(),
            measured: format!(
                "{:.1}× by medians ({:.1}× by fastest samples)",
                ratio,
                t500.1 / t50.1
            ),
            met: ratio <= 12.0,
        },
        Target {
            name: "diagnostics are linear".into(),
            target: "20,000 problems cost at most 12× the 2,000 (load + check + render)".into(),
            measured: format!(
                "{:.1}× by medians ({:.1}× by fastest samples)",
                diag_ratio,
                d20k.fastest / d2k.fastest
            ),
            met: diag_ratio <= 12.0,
        },
    ];
    targets_table(&mut s, &targets);
    if ratio > 12.0 {
        s.push_str("The target is missed by the medians. The stage table above is the profile: the stage whose 500 / 50 ratio is furthest above 10 is the one that grows faster than the schema; compare the fastest samples, which the machine's other load disturbs least.\n\n");
    }
    raw_output(&mut s, &run);
    Ok(Section {
        key: "generator",
        body: s,
    })
}

// ----------------------------------------------------------------------------------------------
// 2. Decoding.

fn decode(root: &Path, m: &Machine) -> Result<Section, String> {
    let run = run_bench(root, "decode", &[])?;
    let mut s = section(
        "decode",
        "2. Decoding 10,000 integration runs",
        m,
        std::slice::from_ref(&run.command),
    );
    let data = run.facts("DATA").into_iter().next().unwrap_or_default();
    let g = |k: &str| data.get(k).cloned().unwrap_or_default();
    let mb = |k: &str| {
        g(k).parse::<f64>()
            .map_or("?".into(), |b| format!("{:.1} MB", b / 1e6))
    };
    let _ = writeln!(
        s,
        "Data (`coupa_bench::data`, built in code, deterministic): {} runs, JSON {}, XML {}. Each run has the nested \
         integration (code, name, three enums), datetimes with offsets from -07:00 to +09:00 (a third with \
         milliseconds), one of the five statuses, counters, a flow object or null, the created-by and updated-by \
         short users (with their nulls and empty custom-fields), one element no model knows (`custom-fields`), and \
         on failed runs (about one in five) an integration error with a record response. The baseline \
         (`coupa_bench::baseline`) is the same fields with plain serde derives (`rename_all`, derived enums with \
         `#[serde(other)]`, chrono's serde for datetimes). XML is read by the runtime's reader \
         (`coupa_runtime::xml::list_from_slice`) for both, so the XML ratio isolates the models.\n",
        g("records"),
        mb("json_bytes"),
        mb("xml_bytes")
    );
    s.push_str("| Workload | Median | Fastest | Records/s | Throughput |\n|---|---|---|---|---|\n");
    let names = [
        (
            "json_generated",
            "JSON, generated (`wire::decode_list::<IntegrationRun>`)",
        ),
        (
            "json_generated_serde",
            "JSON, generated (`serde_json::from_slice::<Vec<IntegrationRun>>`)",
        ),
        (
            "json_baseline",
            "JSON, baseline (`serde_json::from_slice::<Vec<baseline::Run>>`)",
        ),
        (
            "json_preserved",
            "JSON, generated, keeping unknown fields (`Preserved::decode_list`)",
        ),
        ("json_value", "JSON into `serde_json::Value` (reference)"),
        (
            "xml_generated",
            "XML, generated (`wire::decode_list::<IntegrationRun>`)",
        ),
        (
            "xml_baseline",
            "XML, baseline (`xml::list_from_slice::<baseline::Run>`)",
        ),
        (
            "xml_preserved",
            "XML, generated, keeping unknown fields (`Preserved::decode_list`)",
        ),
        (
            "xml_tree_only",
            "XML into `serde_json::Value` (the reader's own cost, reference)",
        ),
    ];
    for (k, label) in names {
        let r = run.row(k)?;
        let _ = writeln!(
            s,
            "| {label} | {} | {} | {} | {} |",
            secs(r.median),
            secs(r.fastest),
            r.items_per_s.map_or("n/a".into(), per_s),
            mb_s(r.bytes_per_s)
        );
    }
    s.push('\n');
    let t = |k: &str| run.median(k);
    let json_ratio = t("json_baseline")? / t("json_generated")?;
    let json_serde_ratio = t("json_baseline")? / t("json_generated_serde")?;
    let xml_ratio = t("xml_baseline")? / t("xml_generated")?;
    let json_keep = t("json_preserved")? / t("json_generated")?;
    let xml_keep = t("xml_preserved")? / t("xml_generated")?;
    let _ = writeln!(
        s,
        "Ratios (throughput of generated ÷ throughput of baseline = baseline time ÷ generated time; medians of this run):\n\n\
         - JSON: **{json_ratio:.2}** through `wire::decode_list`, {json_serde_ratio:.2} through `serde_json` directly.\n\
         - XML: **{xml_ratio:.2}**. The reader itself (XML into `Value`) takes {:.0}% of the baseline's XML time.\n\
         - Keeping unknown fields (`Preserved`) costs **{json_keep:.1}×** the plain decode in JSON and **{xml_keep:.1}×** in XML: \
         `Preserved::decode_list` reads the bytes twice, once typed and once into `serde_json::Value`, then walks the \
         values against the model's shape (`coupa_runtime::preserve::extract`); the `Value` read alone is {:.1}× the typed JSON decode.\n",
        100.0 * t("xml_tree_only")? / t("xml_baseline")?,
        t("json_value")? / t("json_generated")?,
    );
    let targets = vec![
        Target {
            name: "JSON decode, generated vs baseline".into(),
            target: "generated ≥ 0.9 × baseline throughput".into(),
            measured: format!("{json_ratio:.2}×"),
            met: json_ratio >= 0.9,
        },
        Target {
            name: "XML decode, generated vs baseline (same reader)".into(),
            target: "generated ≥ 0.9 × baseline throughput (the JSON goal, reported the same way)"
                .into(),
            measured: format!("{xml_ratio:.2}×"),
            met: xml_ratio >= 0.9,
        },
    ];
    targets_table(&mut s, &targets);
    for (label, ratio, generated, baseline) in [
        ("JSON", json_ratio, "json_generated", "json_baseline"),
        ("XML", xml_ratio, "xml_generated", "xml_baseline"),
    ] {
        if ratio < 0.9 {
            let _ = writeln!(
                s,
                "### Why the {label} target is missed\n\nThe two workloads under callgrind; compare the functions that appear only, or much higher, in the generated run.\n"
            );
            s.push_str(&callgrind(root, "decode", generated, 25));
            s.push('\n');
            s.push_str(&callgrind(root, "decode", baseline, 25));
            s.push('\n');
        }
    }
    raw_output(&mut s, &run);
    Ok(Section {
        key: "decode",
        body: s,
    })
}

// ----------------------------------------------------------------------------------------------
// 3. Validation.

fn validate(root: &Path, m: &Machine) -> Result<Section, String> {
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
    s.push_str("| Workload | Median | Fastest | Records/s | Invalid records | Heap allocations |\n|---|---|---|---|---|---|\n");
    let allocs: BTreeMap<String, BTreeMap<String, String>> = run
        .facts("ALLOCS")
        .into_iter()
        .filter_map(|f| Some((f.get("name")?.clone(), f)))
        .collect();
    for (k, label) in [
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
    ] {
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
    let t = |k: &str| run.median(k);
    let of_data = t("validate_create")? / t("decode_responses")?;
    let of_same = t("validate_create")? / t("decode_requests")?;
    let valid_allocs: usize = [
        "validate_create",
        "validate_update",
        "validate_batch_create",
    ]
    .iter()
    .filter_map(|k| allocs.get(*k)?.get("allocations")?.parse::<usize>().ok())
    .sum();
    let counted = [
        "validate_create",
        "validate_update",
        "validate_batch_create",
    ]
    .iter()
    .all(|k| allocs.contains_key(*k));
    let targets = vec![
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
    ];
    targets_table(&mut s, &targets);
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

// ----------------------------------------------------------------------------------------------
// 0. Generated code size (read from git, see `crate::sizes`).

fn size(root: &Path, m: &Machine) -> Result<Section, String> {
    let mut s = section(
        "size",
        "0. Generated code size",
        m,
        &["cargo xtask bench".to_owned()],
    );
    let head = m.commit.split_whitespace().next().unwrap_or("HEAD");
    let (body, ratio) = crate::sizes::section(root, head)?;
    s.push_str(&body);
    targets_table(
        &mut s,
        &[Target {
            name: "issue 11: fewer generated lines per resource".into(),
            target:
                "lines of the five resources (modules and registry) after issue 11 ≤ 0.70 × before"
                    .into(),
            measured: format!("{ratio:.2}×"),
            met: ratio <= 0.70,
        }],
    );
    Ok(Section {
        key: "size",
        body: s,
    })
}

// ----------------------------------------------------------------------------------------------
// 5. Compile times.

fn timed(root: &Path, dir: &Path, target: &Path, args: &[&str]) -> Result<f64, String> {
    eprintln!("bench: `cargo {}` in {}", args.join(" "), dir.display());
    let started = Instant::now();
    let status = Command::new(cargo())
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    let t = started.elapsed().as_secs_f64();
    if !status.success() {
        // Say what failed, with cargo's messages this time.
        let _ = Command::new(cargo())
            .args(args)
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target)
            .status();
        return Err(format!(
            "`cargo {}` failed in {}",
            args.join(" "),
            dir.strip_prefix(root).unwrap_or(dir).display()
        ));
    }
    Ok(t)
}

/// A worktree of `commit` under `work` (made when missing), to build that commit's crate.
fn worktree_at(root: &Path, work: &Path, commit: &str) -> Result<PathBuf, String> {
    let dir = work.join(format!("at-{commit}"));
    if !dir.join("Cargo.toml").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        output(
            Command::new("git")
                .args(["worktree", "add", "--detach"])
                .arg(&dir)
                .arg(commit)
                .current_dir(root),
        )?;
    }
    Ok(dir)
}

fn remove_worktree(root: &Path, dir: &Path) {
    let _ = Command::new("git")
        .args(["worktree", "remove", "--force"])
        .arg(dir)
        .current_dir(root)
        .status();
}

fn fresh(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    Ok(())
}

fn compile_times(root: &Path, m: &Machine) -> Result<Section, String> {
    let work = root.join("target/bench-compile");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let mut s = section(
        "compile",
        "5. Compile times",
        m,
        &["cargo xtask bench --compile".to_owned()],
    );
    s.push_str(
        "Every build runs with `CARGO_INCREMENTAL=0` and a target directory of its own under `target/bench-compile/`, \
         removed first, so \"cold\" means nothing of it was built before. \"Crate only\" is a second build after \
         `cargo clean -p coupa-api`: the dependencies are built, the generated crate is not. Wall-clock times on this \
         2-core machine, one build each.\n\n",
    );
    // The generated crate: the five hand-transcribed resources before and after issue 11 (git
    // worktrees of those commits), and this commit's crate of Coupa's whole API with one
    // resource's feature, without features, and with every feature.
    let before_dir = worktree_at(root, &work, crate::sizes::BEFORE)?;
    let lean_dir = worktree_at(root, &work, crate::sizes::LEAN)?;
    s.push_str("### The generated crate (`coupa-api`)\n\n| Crate | Build | Cold (with dependencies) | Crate only |\n|---|---|---|---|\n");
    let before_label = format!(
        "5 resources at `{}` (before issue 11)",
        crate::sizes::BEFORE
    );
    let lean_label = format!("5 resources at `{}` (after issue 11)", crate::sizes::LEAN);
    let builds: [(&str, &Path, &[&str]); 6] = [
        (&before_label, &before_dir, &["build", "-p", "coupa-api"]),
        (&lean_label, &lean_dir, &["build", "-p", "coupa-api"]),
        (
            "Coupa's API, one resource (`--features integration_runs`)",
            root,
            &["build", "-p", "coupa-api", "--features", "integration_runs"],
        ),
        (
            "Coupa's API, no feature",
            root,
            &["build", "-p", "coupa-api"],
        ),
        (
            "Coupa's API, every type (`--features full`)",
            root,
            &["check", "-p", "coupa-api", "--features", "full"],
        ),
        (
            "Coupa's API, every type (`--features full`)",
            root,
            &["build", "-p", "coupa-api", "--features", "full"],
        ),
    ];
    let mut cold = Vec::new();
    for (i, (label, dir, args)) in builds.iter().enumerate() {
        let target = work.join(format!("api-{i}"));
        fresh(&target)?;
        let t = timed(root, dir, &target, args)?;
        // The crate alone, for the three builds the targets compare.
        let only = if i < 3 {
            timed(root, dir, &target, &["clean", "-p", "coupa-api"])?;
            secs(timed(root, dir, &target, args)?)
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "| {label} | `cargo {}` | {} | {only} |",
            args.join(" "),
            secs(t)
        );
        cold.push(t);
        fresh(&target)?;
    }
    remove_worktree(root, &before_dir);
    remove_worktree(root, &lean_dir);
    let lean_ratio = cold[1] / cold[0];
    let one_ratio = cold[2] / cold[0];
    let _ = writeln!(
        s,
        "\nAfter issue 11 / before: **{lean_ratio:.2}**. One resource of Coupa's whole API / the five resources \
         before issue 11: **{one_ratio:.2}** (the issue's 14.9 s reference was measured at `{}` on another run).\n",
        crate::sizes::BEFORE
    );
    // The dependency tree without features.
    let tree = output(
        Command::new(cargo())
            .args(["tree", "-p", "coupa-api", "-e", "normal"])
            .current_dir(root),
    )?;
    let banned = ["reqwest", "hyper", "tokio"];
    let found: Vec<&str> = tree
        .lines()
        .filter(|l| {
            let name = l
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .split_whitespace()
                .next()
                .unwrap_or("");
            banned
                .iter()
                .any(|b| name == *b || name.starts_with(&format!("{b}-")))
        })
        .collect();
    let all_tree = output(
        Command::new(cargo())
            .args(["tree", "-p", "coupa-api", "-e", "normal", "--all-features"])
            .current_dir(root),
    )
    .unwrap_or_default();
    let with_feature = banned
        .iter()
        .filter(|b| all_tree.contains(&format!(" {b} v")))
        .count();
    let _ = writeln!(
        s,
        "### Dependencies without features\n\n`cargo tree -p coupa-api -e normal` ({} lines). {} \
         (With `--all-features`, {with_feature} of the three appear, as they should: they are the `client` feature's.)\n\n```text\n{}```\n",
        tree.lines().count(),
        if found.is_empty() {
            "No HTTP or async crate (reqwest, hyper, tokio) appears.".to_owned()
        } else {
            format!(
                "**These HTTP or async crates appear: {}.**",
                found.join("; ")
            )
        },
        tree
    );
    // Synthetic crates.
    let target = work.join("synth-target");
    fresh(&target)?;
    let mut sizes = BTreeMap::new();
    for n in [50usize, 500] {
        let dir = work.join(format!("synth-{n}"));
        let facts = output(
            Command::new(cargo())
                .args([
                    "run",
                    "--release",
                    "-q",
                    "-p",
                    "coupa-bench",
                    "--bin",
                    "synth-crate",
                    "--",
                ])
                .arg(n.to_string())
                .arg(&dir)
                .current_dir(root),
        )?;
        sizes.insert(n, facts.trim().to_owned());
    }
    let d50 = work.join("synth-50");
    let synth_check: &[&str] = &["check", "-p", "coupa-api", "--features", "full"];
    let synth_build: &[&str] = &["build", "-p", "coupa-api", "--features", "full"];
    let deps = timed(root, &d50, &target, synth_check)?;
    let mut checks = BTreeMap::new();
    let mut builds = BTreeMap::new();
    for n in [50usize, 500] {
        let dir = work.join(format!("synth-{n}"));
        timed(root, &dir, &target, &["clean", "-p", "coupa-api"])?;
        checks.insert(n, timed(root, &dir, &target, synth_check)?);
    }
    for n in [50usize, 500] {
        let dir = work.join(format!("synth-{n}"));
        timed(root, &dir, &target, &["clean", "-p", "coupa-api"])?;
        builds.insert(n, timed(root, &dir, &target, synth_build)?);
    }
    fresh(&target)?;
    let _ = writeln!(
        s,
        "### Per resource, from synthetic crates\n\nThe synthetic sets of section 1 generated to crates of their own \
         (`cargo run -p coupa-bench --bin synth-crate -- N DIR`: a workspace holding the generated crate, depending on \
         this workspace's `runtime/`, with this workspace's `Cargo.lock`); the first `cargo check` of the 50 set \
         (dependencies included) took {}. Crate-only times:\n",
        secs(deps)
    );
    s.push_str(
        "| Resources | Generated | `cargo check` | `cargo build` (debug) |\n|---|---|---|---|\n",
    );
    for n in [50usize, 500] {
        let size = sizes[&n]
            .split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "rust_lines")
            .map_or("?".to_owned(), |(_, v)| format!("{v} lines"));
        let _ = writeln!(
            s,
            "| {n} | {size} | {} | {} |",
            secs(checks[&n]),
            secs(builds[&n])
        );
    }
    let slope = |t: &BTreeMap<usize, f64>| (t[&500] - t[&50]) / 450.0;
    let _ = writeln!(
        s,
        "\nMarginal cost per resource (slope between 50 and 500): **{} per resource for `cargo check`**, **{} per \
         resource for `cargo build`**; 500 / 50 = {:.1}× (check) and {:.1}× (build).\n",
        secs(slope(&checks)),
        secs(slope(&builds)),
        checks[&500] / checks[&50],
        builds[&500] / builds[&50]
    );
    let targets = vec![
        Target {
            name: "issue 11: leaner generated crate builds faster".into(),
            target: "cold `cargo build -p coupa-api` after issue 11 ≤ 0.80 × before".into(),
            measured: format!("{lean_ratio:.2}×"),
            met: lean_ratio <= 0.80,
        },
        Target {
            name: "issue 12: one resource of the whole API builds as fast as the old crate".into(),
            target: "cold build with `--features integration_runs` ≤ 1.3 × the 5-resource crate before issue 11".into(),
            measured: format!("{one_ratio:.2}×"),
            met: one_ratio <= 1.3,
        },
        Target {
        name: "no HTTP or async crate without features".into(),
        target: "`cargo tree -p coupa-api -e normal` names none of reqwest, hyper, tokio".into(),
        measured: if found.is_empty() {
            "none".into()
        } else {
            found.join("; ")
        },
        met: found.is_empty(),
        },
    ];
    targets_table(&mut s, &targets);
    Ok(Section {
        key: "compile",
        body: s,
    })
}

// ----------------------------------------------------------------------------------------------
// The report.

const ORDER: [&str; 7] = [
    "size",
    "generator",
    "decode",
    "validate",
    "client",
    "limits",
    "compile",
];

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
         Written by `cargo xtask bench` (code: `xtask/src/bench.rs`, benches: `bench/`); do not edit by hand. \
         `cargo xtask bench` runs everything (about 15 minutes on 2 cores); `cargo xtask bench --no-compile` only the \
         in-process benches (a few minutes), `cargo xtask bench --client` only the client against the hand-written \
         loop, `cargo xtask bench --limits` only the client under Coupa's rate limit, `cargo xtask bench --compile` \
         only the compile times. Each part rewrites \
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

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
SIZE set=real files=19
Timer precision: 20 ns
generator          fastest       │ slowest       │ median        │ mean          │ samples │ iters
├─ check                         │               │               │               │         │
│  ├─ real         465.4 µs      │ 576.6 µs      │ 476.1 µs      │ 489.1 µs      │ 10      │ 10
│  ╰─ 500          23.84 ms      │ 25.94 ms      │ 24.24 ms      │ 24.4 ms       │ 10      │ 10
╰─ json_baseline   1.009 s       │ 52.07 ms      │ 46.98 ms      │ 47.28 ms      │ 40      │ 40
                   288 MB/s      │ 248.6 MB/s    │ 275.6 MB/s    │ 273.8 MB/s    │         │
                   222.4 Kitem/s │ 192 Kitem/s   │ 212.8 Kitem/s │ 211.4 Kitem/s │         │
";

    #[test]
    fn divan_tables_are_read() {
        let rows = parse_divan(SAMPLE);
        let keys: Vec<&str> = rows.keys().map(String::as_str).collect();
        assert_eq!(keys, ["check/500", "check/real", "json_baseline"]);
        assert!((rows["check/real"].median - 476.1e-6).abs() < 1e-9);
        assert!((rows["check/500"].fastest - 23.84e-3).abs() < 1e-9);
        let j = &rows["json_baseline"];
        assert!((j.fastest - 1.009).abs() < 1e-9);
        assert!((j.bytes_per_s.unwrap() - 275.6e6).abs() < 1.0);
        assert!((j.items_per_s.unwrap() - 212.8e3).abs() < 1e-6);
    }
}
