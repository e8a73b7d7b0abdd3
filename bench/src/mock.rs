//! `coupa mock` in a process of its own, as users run it: a release build of the `coupa` binary
//! (`cargo build --release -p coupa-cli`, which `cargo xtask bench` runs first; `COUPA_BIN` names
//! another), seeded with [`data::runs`](crate::data::runs), on a free loopback port. The client
//! benches list from it.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A running `coupa mock`, stopped (by its process id) and its seed removed when dropped.
pub struct MockProcess {
    /// The process.
    pub child: Child,
    /// Its Core URL (`http://127.0.0.1:PORT`).
    pub url: String,
    dir: PathBuf,
}

/// The `coupa` binary to run.
pub fn coupa_bin() -> PathBuf {
    if let Ok(p) = std::env::var("COUPA_BIN") {
        return PathBuf::from(p);
    }
    let p = crate::root().join("target/release/coupa");
    assert!(
        p.exists(),
        "{} is missing: run `cargo build --release -p coupa-cli` first (cargo xtask bench does)",
        p.display()
    );
    p
}

impl MockProcess {
    /// Starts `coupa mock --seed FILE ARGS...` with `runs` integration runs, and waits for its
    /// address.
    pub fn start(name: &str, runs: usize, args: &[&str]) -> MockProcess {
        let dir = std::env::temp_dir().join(format!("coupa-bench-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let seed = dir.join("seed.json");
        let runs = serde_json::json!({ "integration-runs": crate::data::runs(runs) });
        std::fs::write(&seed, runs.to_string()).expect("the seed is written");
        let mut child = Command::new(coupa_bin())
            .args(["mock", "--port", "0", "--seed"])
            .arg(&seed)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("coupa mock starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("its stdout"))
            .read_line(&mut line)
            .expect("coupa mock prints its address");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        MockProcess { child, url, dir }
    }
}

impl MockProcess {
    /// Stops the mock by its process id and removes its seed, for one held in a static (which
    /// is never dropped).
    pub fn stop(&self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
