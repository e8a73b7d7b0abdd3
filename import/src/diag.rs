//! Problems in the inputs: each names the file and where in it (a JSON pointer, a line and column,
//! or a page's table and row), so nothing is lost silently and nothing panics.

use std::fmt;

/// One problem in one input file. The import goes on without the part named.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file's name (`Core_Platform_API.json`, `0204-Integration_Runs_API.md`).
    pub file: String,
    /// Where in the file: a JSON pointer (`/paths/~1invoices/get`), `line 3, column 7`, or a
    /// page's table and row.
    pub at: String,
    /// What is wrong and what the importer did about it.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.at, self.message)
        }
    }
}

/// An import that cannot produce a release at all: no input, files of two releases, no release
/// named anywhere. Carries the diagnostics gathered up to that point.
#[derive(Debug)]
pub struct Error {
    /// What stopped the import.
    pub message: String,
    /// The problems found in the files before it stopped.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.diagnostics {
            writeln!(f, "{d}")?;
        }
        write!(f, "error: {}", self.message)
    }
}

impl std::error::Error for Error {}

/// Collects diagnostics for one file.
pub(crate) struct Sink<'a> {
    pub file: &'a str,
    pub out: &'a mut Vec<Diagnostic>,
}

impl Sink<'_> {
    pub fn push(&mut self, at: impl Into<String>, message: impl Into<String>) {
        self.out.push(Diagnostic {
            file: self.file.to_owned(),
            at: at.into(),
            message: message.into(),
        });
    }
}

/// Appends one reference token to a JSON pointer, escaped as RFC 6901 says (`~` → `~0`, `/` →
/// `~1`).
pub(crate) fn ptr(base: &str, token: &str) -> String {
    format!("{base}/{}", token.replace('~', "~0").replace('/', "~1"))
}
