//! Section 6: the test suite as a newcomer meets it. `cargo test` in a checkout of its own with a
//! target directory of its own (nothing built before, no `../shared` beside it), before issue 11
//! (about twenty test binaries, each linking `coupa-api`) and at this commit (one test binary per
//! crate, the generated crate of Coupa's whole API); and, when `../shared` is beside the
//! repository, `.ci/run` in this commit's checkout, as CI runs it.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use super::compile::{fresh, remove_worktree, worktree_at};
use super::divan::cargo;
use super::machine::{Machine, output};
use super::report::{Section, Target, secs, section, targets_table};

/// The figures of one `cargo test` run.
struct Run {
    wall: f64,
    binaries: usize,
    passed: usize,
}

pub(super) fn suite(root: &Path, m: &Machine) -> Result<Section, String> {
    let work = root.join("target/bench-suite");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let mut s = section(
        "suite",
        "6. The test suite",
        m,
        &["cargo xtask bench --suite".to_owned()],
    );
    s.push_str(
        "`cargo test` in a git worktree of the commit (its tracked files, as a fresh clone has them) with a target \
         directory of its own, removed first, and nothing beside it (no `../shared`): the build and every test, \
         wall-clock, one run each. Test binaries and passed tests are counted from cargo's output.\n\n\
         | Commit | `cargo test` | Test binaries | Tests passed |\n|---|---|---|---|\n",
    );
    let head = m
        .commit
        .split_whitespace()
        .next()
        .unwrap_or("HEAD")
        .to_owned();
    let mut runs = Vec::new();
    for (label, commit) in [
        (
            format!("`{}` (before issue 11)", crate::sizes::BEFORE),
            crate::sizes::BEFORE,
        ),
        (format!("`{head}` (this commit)"), head.as_str()),
    ] {
        let dir = worktree_at(root, &work, commit)?;
        let target = work.join(format!("target-{commit}"));
        fresh(&target)?;
        let run = cargo_test(&dir, &target);
        fresh(&target)?;
        remove_worktree(root, &dir);
        match &run {
            Ok(r) => {
                let _ = writeln!(
                    s,
                    "| {label} | {} | {} | {} |",
                    secs(r.wall),
                    r.binaries,
                    r.passed
                );
            }
            Err(e) => {
                eprintln!("bench: {e}");
                let _ = writeln!(s, "| {label} | **failed** (see the bench's output) | | |");
            }
        }
        runs.push(run);
    }
    if let [Ok(before), Ok(now)] = &runs[..] {
        let _ = writeln!(
            s,
            "\nThis commit / before issue 11: **{:.2}×** the time, for {} tests instead of {} (the generated \
             crate went from 19 types to Coupa's whole API in between).\n",
            now.wall / before.wall,
            now.passed,
            before.passed
        );
    }
    let ci = ci_run(root, &work, &head, &mut s)?;
    let mut targets = Vec::new();
    if let Some(t) = ci {
        targets.push(Target {
            name: "issue 12: `.ci/run` within budget".into(),
            target: "`.ci/run` on a fresh checkout under 45 minutes on this machine".into(),
            measured: secs(t),
            met: t < 45.0 * 60.0,
        });
    }
    targets_table(&mut s, &targets);
    Ok(Section {
        key: "suite",
        body: s,
    })
}

/// Runs `cargo test` in `dir` with `target` as its target directory.
fn cargo_test(dir: &Path, target: &Path) -> Result<Run, String> {
    eprintln!("bench: `cargo test` in {}", dir.display());
    let started = Instant::now();
    let out = Command::new(cargo())
        .arg("test")
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("INSTA_UPDATE", "no")
        .env("CI", "true")
        .env_remove("RUSTFLAGS")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    let wall = started.elapsed().as_secs_f64();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    if !out.status.success() {
        let tail: Vec<&str> = stdout.lines().rev().take(30).collect();
        return Err(format!(
            "`cargo test` failed in {}:\n{}\n{}",
            dir.display(),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
            stderr.lines().rev().take(10).collect::<Vec<_>>().join("\n")
        ));
    }
    let binaries = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("Running "))
        .count();
    let passed = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split_whitespace().next()?.parse::<usize>().ok())
        .sum();
    Ok(Run {
        wall,
        binaries,
        passed,
    })
}

/// `.ci/run` in a worktree of `commit`, with `../shared` beside it (a link to the repository's),
/// when the repository has one; answers its wall-clock time.
fn ci_run(root: &Path, work: &Path, commit: &str, s: &mut String) -> Result<Option<f64>, String> {
    let Some(shared) = root
        .parent()
        .map(|p| p.join("shared"))
        .filter(|p| p.is_dir())
    else {
        s.push_str("`.ci/run` was not timed: there is no `../shared` beside the repository.\n\n");
        return Ok(None);
    };
    let link = work.join("shared");
    if !link.exists() {
        std::os::unix::fs::symlink(&shared, &link).map_err(|e| e.to_string())?;
    }
    let dir = worktree_at(root, work, commit)?;
    eprintln!("bench: `.ci/run` in {}", dir.display());
    let started = Instant::now();
    let result = output(
        Command::new("bash")
            .arg(".ci/run")
            .current_dir(&dir)
            .env_remove("CARGO_TARGET_DIR")
            .stdin(Stdio::null()),
    );
    let wall = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(dir.join("target"));
    remove_worktree(root, &dir);
    let _ = std::fs::remove_file(&link);
    result.map_err(|e| format!("`.ci/run` failed: {e}"))?;
    let _ = writeln!(
        s,
        "`.ci/run` in a worktree of `{commit}` with `../shared` beside it, from nothing built (its own `target/`), \
         everything CI runs (tests, freshness checks, clippy, docs, fmt, a minute of each fuzz target, \
         schemathesis): **{}**.\n",
        secs(wall)
    );
    Ok(Some(wall))
}
