//! `coupa mock` in a process of its own, seeded with integration runs, for the suites that run
//! the `coupa` binary against it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStderr, Command, Stdio};

use serde_json::{Value, json};

use crate::remote::{CSO_KEY, SECRET, clean_env};

/// `coupa mock` listening on a free port of loopback, stopped (by its id) when dropped.
pub(crate) struct MockProcess {
    child: Child,
    url: String,
    stderr: Option<ChildStderr>,
}

impl MockProcess {
    /// Starts `coupa mock` with `records` integration runs and these extra arguments, and waits
    /// until it listens.
    pub(crate) fn start(dir: &Path, records: usize, args: &[&str]) -> MockProcess {
        let runs: Vec<Value> = (0..records)
            .map(|i| json!({"integration": {"code": format!("F{i}")}}))
            .collect();
        let seed = dir.join("seed.json");
        std::fs::write(&seed, json!({ "integration-runs": runs }).to_string()).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_coupa"))
            .args(["mock", "--port", "0", "--no-rate-limit", "--seed"])
            .arg(&seed)
            .args(["--client-secret", SECRET, "--cso-key", CSO_KEY])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        let stderr = child.stderr.take();
        MockProcess { child, url, stderr }
    }

    /// The line the mock said on stderr before it listened (what `--faults` or `--storm-after`
    /// will do); empty once read, or when it said nothing and stopped.
    pub(crate) fn told(&mut self) -> String {
        let mut told = String::new();
        if let Some(stderr) = self.stderr.take() {
            BufReader::new(stderr).read_line(&mut told).unwrap();
        }
        told
    }

    /// `coupa` with a clean environment in `home`, configured for this mock.
    pub(crate) fn coupa(&self, home: &Path) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_coupa"));
        clean_env(&mut c, home);
        c.env("COUPA_BASE_URL", &self.url)
            .env("COUPA_CLIENT_ID", "mock-client")
            .env("COUPA_CLIENT_SECRET", SECRET);
        c
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
