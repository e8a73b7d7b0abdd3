//! The progress bar of `coupa list --all`, seen in a pseudo-terminal (rexpect): records, pages
//! and rate on stderr while the records go to a file; none when stderr is not a terminal (see
//! `remote::listings_of_thousands_of_records_with_and_without_all`).

use std::process::Command;

use crate::remote::{Mock, clean_env};

#[test]
fn list_all_draws_a_progress_bar_on_a_terminal() {
    let mock = Mock::seeded(3000);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("runs.jsonl");
    // stderr is the pseudo-terminal; stdout goes to a file, as `coupa list --all > file` does.
    let mut c = Command::new("sh");
    c.arg("-c").arg(format!(
        "exec '{}' list integration-runs --all -c 2 > '{}'",
        env!("CARGO_BIN_EXE_coupa"),
        out.display()
    ));
    let inner = mock.coupa(dir.path());
    for (k, v) in inner.get_envs() {
        if let Some(v) = v {
            c.env(k, v);
        }
    }
    clean_env(&mut c, dir.path());
    c.env("TERM", "xterm-256color");
    for (k, v) in inner.get_envs() {
        if let Some(v) = v {
            c.env(k, v);
        }
    }
    let mut p = rexpect::session::spawn_command(c, Some(30_000)).expect("a pty");
    let (_, bar) = p
        .exp_regex(r"3,000 records, 6[0-9] pages, [0-9]+ records/s")
        .expect("the final state of the bar");
    let rest = p.exp_eof().expect("the command ends");
    let lines = std::fs::read_to_string(&out).unwrap().lines().count();
    assert_eq!(lines, 3000, "bar: {bar:?} then {rest:?}");
}
