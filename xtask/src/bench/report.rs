//! Writing a section of the report: number formats, the section's heading, its targets table and
//! the bench's raw output.

use std::fmt::Write as _;

use super::divan::BenchRun;
use super::machine::Machine;

/// A time in seconds, in the unit that suits it (`n/a` for NaN).
pub(super) fn secs(s: f64) -> String {
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

/// A rate per second (`12.3 k/s`).
pub(super) fn per_s(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2} M/s", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1} k/s", v / 1e3)
    } else {
        format!("{v:.0}/s")
    }
}

/// Bytes per second in MB/s.
pub(super) fn mb_s(v: Option<f64>) -> String {
    v.map_or("n/a".to_owned(), |v| format!("{:.1} MB/s", v / 1e6))
}

fn verdict(met: bool) -> &'static str {
    if met { "**met**" } else { "**missed**" }
}

/// A target: what was promised, what was measured, and whether it holds.
pub(super) struct Target {
    pub(super) name: String,
    pub(super) target: String,
    pub(super) measured: String,
    pub(super) met: bool,
}

/// One part of the report.
pub(super) struct Section {
    /// Its key in `ORDER` and in the `<!-- section:KEY -->` markers.
    pub(super) key: &'static str,
    pub(super) body: String,
}

/// The heading of a section: its title, the machine, the commands that reproduce it.
pub(super) fn section(key: &'static str, title: &str, m: &Machine, commands: &[String]) -> String {
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

/// The targets as a table between markers, which `write_report` copies into the summary.
pub(super) fn targets_table(s: &mut String, targets: &[Target]) {
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

/// Everything the bench printed, folded.
pub(super) fn raw_output(s: &mut String, run: &BenchRun) {
    let _ = writeln!(
        s,
        "<details><summary>Raw output of <code>{}</code></summary>\n\n```text\n{}```\n\n</details>\n",
        run.command, run.stdout
    );
}
