//! Running a bench of `bench/` (package `coupa-bench`) and reading its output: divan's table, and
//! the `KEY k=v` lines the benches print before it.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// One row of divan's table: times in seconds, throughputs per second (of the median).
#[derive(Clone, Debug, Default)]
pub(super) struct Row {
    pub(super) fastest: f64,
    pub(super) median: f64,
    pub(super) items_per_s: Option<f64>,
    pub(super) bytes_per_s: Option<f64>,
}

/// One run of a bench binary.
pub(super) struct BenchRun {
    /// The command that reproduces it.
    pub(super) command: String,
    /// Everything the bench printed on stdout.
    pub(super) stdout: String,
    /// Rows by path (`load/500`).
    pub(super) rows: BTreeMap<String, Row>,
}

impl BenchRun {
    pub(super) fn row(&self, path: &str) -> Result<&Row, String> {
        self.rows
            .get(path)
            .ok_or_else(|| format!("`{path}` is not in the output of `{}`", self.command))
    }

    pub(super) fn median(&self, path: &str) -> Result<f64, String> {
        self.row(path).map(|r| r.median)
    }

    /// The `KEY a=1 b=2` lines the bench printed before the table.
    pub(super) fn facts(&self, key: &str) -> Vec<BTreeMap<String, String>> {
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

/// The arguments of `cargo bench` for one bench of `coupa-bench`.
pub(super) fn cargo_bench_args(bench: &str, features: &[&str]) -> Vec<String> {
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

/// Runs a bench that prints a divan table.
pub(super) fn run_bench(root: &Path, bench: &str, features: &[&str]) -> Result<BenchRun, String> {
    let run = run_plain_bench(root, bench, features)?;
    if run.rows.is_empty() {
        return Err(format!("`{}` printed no divan table", run.command));
    }
    Ok(run)
}

/// Runs a bench that may print no divan table (its figures are `KEY k=v` lines).
pub(super) fn run_plain_bench(
    root: &Path,
    bench: &str,
    features: &[&str],
) -> Result<BenchRun, String> {
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
pub(super) fn build_coupa(root: &Path) -> Result<String, String> {
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

/// The cargo that runs xtask (`$CARGO`), or `cargo`.
pub(super) fn cargo() -> String {
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
