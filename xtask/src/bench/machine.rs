//! The machine a run is measured on (CPU, cores, rustc, date, commit), and running a command for
//! its output.

use std::path::Path;
use std::process::Command;

pub(super) struct Machine {
    cpu: String,
    cores: usize,
    rustc: String,
    date: String,
    /// `abc1234`, or `abc1234 + uncommitted changes`.
    pub(super) commit: String,
}

impl Machine {
    pub(super) fn read(root: &Path) -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split_once(':'))
            .map_or("unknown CPU".to_owned(), |(_, v)| v.trim().to_owned());
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        let rustc = output(Command::new("rustc").arg("-V")).unwrap_or_else(|e| e);
        let date =
            output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"])).unwrap_or_else(|e| e);
        let mut commit = output(
            Command::new("git")
                .args(["rev-parse", "--short", "HEAD"])
                .current_dir(root),
        )
        .map_or_else(|_| "unknown".to_owned(), |c| c.trim().to_owned());
        let dirty = output(
            Command::new("git")
                .args(["status", "--porcelain", "--untracked-files=no"])
                .current_dir(root),
        )
        .is_ok_and(|s| !s.trim().is_empty());
        if dirty {
            commit.push_str(" + uncommitted changes");
        }
        Machine {
            cpu,
            cores,
            rustc: rustc.trim().to_owned(),
            date: date.trim().to_owned(),
            commit: commit.trim().to_owned(),
        }
    }

    /// The line every section starts with ("Measured on ...").
    pub(super) fn line(&self) -> String {
        format!(
            "{} ({} cores), {}, {}, commit {}",
            self.cpu, self.cores, self.rustc, self.date, self.commit
        )
    }
}

/// Runs `cmd` and answers its stdout, or why it failed (with its stderr).
pub(super) fn output(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
