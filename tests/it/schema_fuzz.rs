//! The loader never panics: mutated copies of the real schema files (lines deleted, duplicated,
//! swapped or re-indented, the text cut short, stray characters and bytes inserted, words swapped)
//! always come back as an IR or as a non-empty list of diagnostics that renders, each pointing
//! inside its file.
//!
//! The mutations come from a seeded generator (`fastrand::Rng::with_seed`), so a failure names a
//! seed that reproduces it; the failing text is also written under the target directory.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use coupa_tests::root;
use fastrand::Rng;

/// A number in `0..n` (0 when `n` is 0).
fn below(rng: &mut Rng, n: usize) -> usize {
    rng.usize(..n.max(1))
}

/// One of `items` (not empty).
fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[below(rng, items.len())]
}

/// Characters that mean something to YAML, to the checks or to the renderer.
const NOISE: &[&str] = &[
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "'",
    "\"",
    "#",
    "&a ",
    "*a",
    "!!int ",
    "|",
    ">",
    "\t",
    "\r",
    "\n",
    "  ",
    "?",
    "%",
    "@",
    "`",
    ",",
    "~",
    "<<: ",
    "---\n",
    "...\n",
    "é",
    "\u{FFFD}",
    "\0",
    "\u{FEFF}",
    "{id}",
    ":id",
    "}",
    "-",
    "_",
    "0",
    "99999999999999999999",
    "-1",
    "null",
    "yes",
];

fn lines_of(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One random mutation of `text`, and what it was.
fn mutate(rng: &mut Rng, text: &str) -> (String, String) {
    let lines = lines_of(text);
    let n = lines.len().max(1);
    match below(rng, 9) {
        0 => {
            let i = below(rng, n);
            let out: String = lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, l)| *l)
                .collect();
            (out, format!("delete line {}", i + 1))
        }
        1 => {
            let i = below(rng, n);
            let mut v = lines.clone();
            if let Some(l) = lines.get(i) {
                v.insert(i, l);
            }
            (v.concat(), format!("duplicate line {}", i + 1))
        }
        2 => {
            let (i, j) = (below(rng, n), below(rng, n));
            let mut v = lines.clone();
            if i < v.len() && j < v.len() {
                v.swap(i, j);
            }
            (v.concat(), format!("swap lines {} and {}", i + 1, j + 1))
        }
        3 => {
            let at = floor_char_boundary(text, below(rng, text.len() + 1));
            (text[..at].to_owned(), format!("truncate at byte {at}"))
        }
        4 => {
            let at = floor_char_boundary(text, below(rng, text.len() + 1));
            let noise = *pick(rng, NOISE);
            (
                format!("{}{noise}{}", &text[..at], &text[at..]),
                format!("insert {noise:?} at byte {at}"),
            )
        }
        5 => {
            // Several insertions at once.
            let mut out = text.to_owned();
            let mut what = Vec::new();
            for _ in 0..1 + below(rng, 5) {
                let at = floor_char_boundary(&out, below(rng, out.len() + 1));
                let noise = *pick(rng, NOISE);
                out.insert_str(at, noise);
                what.push(format!("{noise:?}@{at}"));
            }
            (out, format!("insert {}", what.join(", ")))
        }
        6 => {
            // Re-indent a line by two spaces either way.
            let i = below(rng, n);
            let mut v: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
            let how = if let Some(l) = v.get_mut(i) {
                if below(rng, 2) == 0 {
                    l.insert_str(0, "  ");
                    "indent"
                } else {
                    *l = l.strip_prefix("  ").unwrap_or(l).to_owned();
                    "dedent"
                }
            } else {
                "indent"
            };
            (v.concat(), format!("{how} line {}", i + 1))
        }
        7 => {
            // Replace a value with another word from the file (a type, a kind, a name...).
            let words: Vec<&str> = text
                .split(|c: char| c.is_whitespace() || ",[]{}:".contains(c))
                .filter(|w| !w.is_empty())
                .collect();
            if words.is_empty() {
                return (text.to_owned(), "nothing".to_owned());
            }
            let (from, to) = (*pick(rng, &words), *pick(rng, &words));
            (
                text.replacen(&format!(" {from}\n"), &format!(" {to}\n"), 1),
                format!("replace {from:?} with {to:?}"),
            )
        }
        _ => {
            // Truncate at a line boundary.
            let i = below(rng, n);
            (lines[..i].concat(), format!("keep the first {i} lines"))
        }
    }
}

/// Compiles the sources, and checks that it neither panics nor fails without saying why.
/// Returns the codes of the diagnostics.
fn check(sources: Vec<(PathBuf, String)>, what: &str, seed: u64) -> Vec<&'static str> {
    let texts = sources.clone();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        match coupa_codegen::compile_sources(sources) {
            Ok(_) => None,
            Err(f) => {
                let rendered = f.render();
                Some((
                    f.diagnostics
                        .items()
                        .into_iter()
                        .cloned()
                        .collect::<Vec<_>>(),
                    rendered,
                ))
            }
        }
    }));
    let dump = || {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("schema-fuzz-{seed}"));
        let _ = std::fs::create_dir_all(&dir);
        for (p, t) in &texts {
            let _ = std::fs::write(dir.join(p.file_name().unwrap_or_default()), t);
        }
        dir
    };
    match outcome {
        Err(_) => panic!(
            "seed {seed}: the loader panicked on {what}; input in {}",
            dump().display()
        ),
        Ok(None) => Vec::new(),
        Ok(Some((items, rendered))) => {
            assert!(
                !items.is_empty(),
                "seed {seed}: failed without a diagnostic on {what}; input in {}",
                dump().display()
            );
            assert!(
                rendered.ends_with("found in the schemas\n"),
                "seed {seed}: {rendered}"
            );
            for d in &items {
                let Some((_, text)) = texts.iter().find(|(p, _)| *p == d.file) else {
                    panic!("seed {seed}: a diagnostic names a file that was not given: {d}");
                };
                let lines = coupa_codegen::diag::split_lines(text).count();
                assert!(
                    d.loc.line as usize <= lines + 1,
                    "seed {seed}: {what}: line {} is past the end ({lines} lines): {d}; input in {}",
                    d.loc.line,
                    dump().display()
                );
            }
            items.iter().map(|d| d.code).collect()
        }
    }
}

fn real_schemas() -> Vec<(PathBuf, String)> {
    let dir = root().join("schema");
    coupa_codegen::load::read_dir(&dir, &root()).expect("read schema/")
}

/// Each real file alone, as `schema/x.yaml`, mutated many times.
#[test]
fn mutated_files_alone_never_panic() {
    let files = real_schemas();
    let mut rng = Rng::with_seed(0x5EED_0001);
    let mut codes = std::collections::BTreeMap::<&str, usize>::new();
    for round in 0..60u64 {
        for (_, text) in &files {
            let seed = rng.u64(..);
            let mut local = Rng::with_seed(seed);
            let (mut mutant, mut what) = mutate(&mut local, text);
            // A second mutation on top of the first, now and then.
            if round % 3 == 0 {
                let (m, w) = mutate(&mut local, &mutant);
                mutant = m;
                what = format!("{what}, then {w}");
            }
            for c in check(vec![(PathBuf::from("schema/x.yaml"), mutant)], &what, seed) {
                *codes.entry(c).or_default() += 1;
            }
        }
    }
    // The mutations reach past the YAML parser into the format and the checks.
    assert!(
        codes.len() >= 15,
        "only these codes were produced: {codes:?}"
    );
}

/// One mutated file among the other real files, so that references resolve and the checks that
/// come after loading see the mutations too.
#[test]
fn mutated_file_among_the_others_never_panics() {
    let files = real_schemas();
    let mut rng = Rng::with_seed(0x5EED_0002);
    let mut codes = std::collections::BTreeMap::<&str, usize>::new();
    // 120 rounds gave 8 to 12 codes depending on the seed (the old generator's seed gave 10, by
    // luck); 200 give at least 10 for each seed tried.
    for _ in 0..200 {
        let seed = rng.u64(..);
        let mut local = Rng::with_seed(seed);
        let i = below(&mut local, files.len());
        let (mutant, what) = mutate(&mut local, &files[i].1);
        let mut sources = files.clone();
        sources[i].1 = mutant;
        let what = format!("{} ({what})", files[i].0.display());
        for c in check(sources, &what, seed) {
            *codes.entry(c).or_default() += 1;
        }
    }
    assert!(
        codes.len() >= 10,
        "only these codes were produced: {codes:?}"
    );
}

/// Every prefix of a real file, cut every 97 bytes.
#[test]
fn truncated_files_never_panic() {
    let files = real_schemas();
    for (path, text) in &files {
        let mut at = 0;
        while at < text.len() {
            let cut = floor_char_boundary(text, at);
            let _ = check(
                vec![(PathBuf::from("schema/x.yaml"), text[..cut].to_owned())],
                &format!("{} cut at byte {cut}", path.display()),
                u64::try_from(cut).unwrap_or(0),
            );
            at += 97;
        }
    }
}
