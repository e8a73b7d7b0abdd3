//! Section 5: compile times: cold builds of `coupa-api` (before and after issue 11, and this
//! commit's crate with one, no or every feature), its dependency tree without features, and the
//! per-resource slope from synthetic crates of 50 and 500 resources.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use super::divan::cargo;
use super::machine::{Machine, output};
use super::report::{Section, Target, secs, section, targets_table};

pub(super) fn compile_times(root: &Path, m: &Machine) -> Result<Section, String> {
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
    let ratios = crate_builds(&mut s, root, &work)?;
    let found = dependencies(&mut s, root)?;
    synthetic(&mut s, root, &work)?;
    let targets = vec![
        Target {
            name: "issue 11: leaner generated crate builds faster".into(),
            target: "cold `cargo build -p coupa-api` of the five resources today ≤ 0.80 × before issue 11".into(),
            measured: format!("{:.2}×", ratios.lean),
            met: ratios.lean <= 0.80,
        },
        Target {
            name: "issue 11, like for like: with the registry the old crate always built".into(),
            target: "cold `cargo build -p coupa-api` of the five resources with `registry` ≤ 0.80 × before issue 11".into(),
            measured: format!("{:.2}×", ratios.registry),
            met: ratios.registry <= 0.80,
        },
        Target {
            name: "issue 12: one resource of the whole API builds as fast as the old crate".into(),
            target: "cold build with `--features integration_runs` ≤ 1.3 × the 5-resource crate before issue 11".into(),
            measured: format!("{:.2}×", ratios.one),
            met: ratios.one <= 1.3,
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

/// The features of the five resources the crate began with (each enables the modules its types
/// refer to).
const FIVE: &str = "integration_runs,integration_errors,comments,delegations,events";

/// The generated crate: the five hand-transcribed resources before issue 11 and at its first
/// landing (git worktrees of those commits), and this commit's crate of Coupa's whole API with the
/// five resources' features (with and without `registry`), one resource's, none, and every one.
/// Answers the ratios the targets hold to.
fn crate_builds(s: &mut String, root: &Path, work: &Path) -> Result<Ratios, String> {
    let before_dir = worktree_at(root, work, crate::sizes::BEFORE)?;
    let lean_dir = worktree_at(root, work, crate::sizes::LEAN)?;
    s.push_str("### The generated crate (`coupa-api`)\n\n| Crate | Build | Cold (with dependencies) | Crate only |\n|---|---|---|---|\n");
    let before_label = format!(
        "5 resources at `{}` (before issue 11)",
        crate::sizes::BEFORE
    );
    let lean_label = format!(
        "5 resources at `{}` (issue 11's first landing)",
        crate::sizes::LEAN
    );
    let five: &[&str] = &["build", "-p", "coupa-api", "--features", FIVE];
    let five_registry = format!("{FIVE},registry");
    // The hand-transcribed schemas of the first landing, written by this commit's generator.
    let same_dir = work.join("same-schemas");
    synth_crate(root, lean_dir.join("schema").as_os_str(), &same_dir)?;
    let same_label = format!(
        "The same 5 hand-transcribed schemas (`{}`), by today's generator",
        crate::sizes::LEAN
    );
    let builds: [(&str, &Path, &[&str]); 10] = [
        (&before_label, &before_dir, &["build", "-p", "coupa-api"]),
        (&lean_label, &lean_dir, &["build", "-p", "coupa-api"]),
        (
            "The same 5 resources of Coupa's whole API, today",
            root,
            five,
        ),
        (
            "The same 5 resources, with the `registry` feature",
            root,
            &["build", "-p", "coupa-api", "--features", &five_registry],
        ),
        (
            &same_label,
            &same_dir,
            &["build", "-p", "coupa-api", "--features", "full"],
        ),
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
        (
            "Coupa's API, every type with the registry (the build of `coupa` and the mock)",
            root,
            &["build", "-p", "coupa-api", "--features", "full,registry"],
        ),
    ];
    let mut cold = Vec::new();
    for (i, (label, dir, args)) in builds.iter().enumerate() {
        let target = work.join(format!("api-{i}"));
        fresh(&target)?;
        let t = timed(root, dir, &target, args)?;
        // The crate alone, for the builds of five resources or fewer, and the registry's whole.
        let only = if i < 6 || i == builds.len() - 1 {
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
    let first_ratio = cold[1] / cold[0];
    let lean_ratio = cold[2] / cold[0];
    let registry_ratio = cold[3] / cold[0];
    let same_ratio = cold[4] / cold[0];
    let one_ratio = cold[5] / cold[0];
    let _ = writeln!(
        s,
        "\nThe five resources today (`--features {FIVE}`; their types are Coupa's whole objects now, with more \
         elements than the hand-transcribed ones) / before issue 11: **{lean_ratio:.2}**; with the `registry` \
         feature, whose codecs instantiate every reader and writer of every type: {registry_ratio:.2}. The same \
         five schemas as they were hand-transcribed, written by today's generator: {same_ratio:.2}. Issue 11's \
         first landing, which kept the registry in every build, / before: {first_ratio:.2}. One resource of Coupa's \
         whole API / the five resources before issue 11: **{one_ratio:.2}**.\n"
    );
    Ok(Ratios {
        lean: lean_ratio,
        registry: registry_ratio,
        one: one_ratio,
    })
}

/// Cold builds ÷ the five resources' before issue 11.
struct Ratios {
    /// The five resources today.
    lean: f64,
    /// The five resources today, with the `registry` feature.
    registry: f64,
    /// One resource of Coupa's whole API.
    one: f64,
}

/// The dependency tree without features; answers the lines that name an HTTP or async crate.
fn dependencies(s: &mut String, root: &Path) -> Result<Vec<String>, String> {
    let tree = output(
        Command::new(cargo())
            .args(["tree", "-p", "coupa-api", "-e", "normal"])
            .current_dir(root),
    )?;
    let banned = ["reqwest", "hyper", "tokio"];
    let found: Vec<String> = tree
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
        .map(str::to_owned)
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
    Ok(found)
}

/// The synthetic sets of section 1 as crates of their own: `cargo check` and `cargo build` of
/// each, and the slope between them.
fn synthetic(s: &mut String, root: &Path, work: &Path) -> Result<(), String> {
    let target = work.join("synth-target");
    fresh(&target)?;
    let sizes = synth_crates(root, work)?;
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
    Ok(())
}

/// Generates the synthetic crates of 50 and 500 resources under `work`; answers the facts
/// (`rust_lines=...`) `synth-crate` printed for each.
fn synth_crates(root: &Path, work: &Path) -> Result<BTreeMap<usize, String>, String> {
    let mut sizes = BTreeMap::new();
    for n in [50usize, 500] {
        let dir = work.join(format!("synth-{n}"));
        let facts = synth_crate(root, std::ffi::OsStr::new(&n.to_string()), &dir)?;
        sizes.insert(n, facts);
    }
    Ok(sizes)
}

/// `synth-crate FROM DIR`: a crate of `FROM` synthetic resources, or of the schemas in the
/// directory `FROM`, generated by this commit's generator into a workspace at `DIR`. Answers
/// the line it prints (resources, files, lines, bytes).
fn synth_crate(root: &Path, from: &std::ffi::OsStr, dir: &Path) -> Result<String, String> {
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
            .arg(from)
            .arg(dir)
            .current_dir(root),
    )?;
    Ok(facts.trim().to_owned())
}

/// Runs `cargo ARGS` in `dir` with its own target directory, quietly; answers the seconds it took.
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
pub(super) fn worktree_at(root: &Path, work: &Path, commit: &str) -> Result<PathBuf, String> {
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

pub(super) fn remove_worktree(root: &Path, dir: &Path) {
    let _ = Command::new("git")
        .args(["worktree", "remove", "--force"])
        .arg(dir)
        .current_dir(root)
        .status();
}

/// Removes `dir` if it exists.
pub(super) fn fresh(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    Ok(())
}
