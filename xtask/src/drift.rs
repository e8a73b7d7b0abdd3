//! `cargo xtask drift OLD NEW`: what changed in Coupa's API between two releases (see
//! `coupa_import::drift`). OLD and NEW are folders of Swagger files (one per product area, as
//! Coupa publishes them); pages are optional, `--pages DIR` for both sides or `--old-pages` and
//! `--new-pages` for each. The report goes to standard output (`--format markdown|json`) or to
//! each `--out FILE` (a `.json` file gets the JSON report, any other the Markdown one); with
//! `--check`, nothing is written and the command fails when a `--out` file differs from the
//! report.

use std::path::PathBuf;
use std::process::ExitCode;

use coupa_import::drift::{Drift, Input};

const USAGE: &str = "cargo xtask drift OLD NEW [--pages DIR | --old-pages DIR --new-pages DIR] [--format markdown|json] [--out FILE]... [--check]";

#[derive(Default)]
struct Args {
    dirs: Vec<PathBuf>,
    pages: Option<PathBuf>,
    old_pages: Option<PathBuf>,
    new_pages: Option<PathBuf>,
    json: bool,
    out: Vec<PathBuf>,
    check: bool,
    /// The command that writes the `--out` files: the arguments as given, without `--check` and
    /// `--format`.
    command: String,
}

fn parse(args: &[&str]) -> Result<Args, String> {
    let mut a = Args::default();
    let mut shown = vec!["cargo xtask drift"];
    let mut i = 0;
    while i < args.len() {
        let arg = args[i];
        let takes = ["--pages", "--old-pages", "--new-pages", "--out", "--format"];
        let value = if takes.contains(&arg) {
            i += 1;
            *args.get(i).ok_or_else(|| format!("{arg} needs a value"))?
        } else {
            ""
        };
        i += 1;
        match arg {
            "--check" => a.check = true,
            "--pages" => a.pages = Some(value.into()),
            "--old-pages" => a.old_pages = Some(value.into()),
            "--new-pages" => a.new_pages = Some(value.into()),
            "--out" => a.out.push(value.into()),
            "--format" => match value {
                "markdown" | "md" => a.json = false,
                "json" => a.json = true,
                other => return Err(format!("unknown format `{other}` (markdown or json)")),
            },
            flag if flag.starts_with('-') => return Err(format!("unknown argument `{flag}`")),
            dir => a.dirs.push(dir.into()),
        }
        // The command that writes the files, for the message of a failed check.
        if !matches!(arg, "--check" | "--format") {
            shown.push(arg);
            if !value.is_empty() {
                shown.push(value);
            }
        }
    }
    a.command = shown.join(" ");
    if a.dirs.len() != 2 {
        return Err("give two folders of Swagger files: OLD and NEW".into());
    }
    if a.check && a.out.is_empty() {
        return Err("--check needs the --out files to check".into());
    }
    Ok(a)
}

fn read(a: &Args) -> Result<Drift, String> {
    let old_pages = a.old_pages.as_ref().or(a.pages.as_ref());
    let new_pages = a.new_pages.as_ref().or(a.pages.as_ref());
    for dir in a.dirs.iter().chain(old_pages).chain(new_pages) {
        if !dir.is_dir() {
            return Err(format!("{} is not a directory", dir.display()));
        }
    }
    let old = Input::read(&a.dirs[0], old_pages.map(|p| p.as_path())).map_err(|e| e.to_string())?;
    let new = Input::read(&a.dirs[1], new_pages.map(|p| p.as_path())).map_err(|e| e.to_string())?;
    Drift::of(&old, &new).map_err(|e| e.to_string())
}

fn render(d: &Drift, json: bool) -> String {
    if json { d.json() } else { d.markdown() }
}

pub fn run(args: &[&str]) -> ExitCode {
    let a = match parse(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\nusage: {USAGE}");
            return ExitCode::from(2);
        }
    };
    let d = match read(&a) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    for diag in &d.diagnostics {
        eprintln!("warning: {diag}");
    }
    if a.out.is_empty() {
        print!("{}", render(&d, a.json));
        return ExitCode::SUCCESS;
    }
    let mut stale = false;
    for path in &a.out {
        let json = path.extension().is_some_and(|e| e == "json");
        let text = render(&d, json);
        let current = std::fs::read_to_string(path).ok();
        if current.as_deref() == Some(text.as_str()) {
            println!("up to date: {}", path.display());
        } else if a.check {
            eprintln!("stale or missing: {}", path.display());
            stale = true;
        } else if let Err(e) = std::fs::write(path, &text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        } else {
            println!("wrote {}", path.display());
        }
    }
    println!(
        "{} → {}: {} breaking, {} additive, {} documentation",
        d.old.release,
        d.new.release,
        d.count(coupa_import::drift::Class::Breaking),
        d.count(coupa_import::drift::Class::Additive),
        d.count(coupa_import::drift::Class::Documentation)
    );
    if stale {
        eprintln!(
            "error: the drift report is out of date; run `{}` and commit the result",
            a.command
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
