//! Profiles for missed targets: one workload of a bench binary under callgrind, instructions by
//! function.

use std::path::Path;
use std::process::{Command, Stdio};

use super::divan::{cargo, cargo_bench_args};
use super::machine::output;

/// Runs one workload of a bench binary under callgrind and answers the functions that executed
/// the most instructions (exclusive counts), or why it could not.
pub(super) fn callgrind(root: &Path, bench: &str, workload: &str, top: usize) -> String {
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
