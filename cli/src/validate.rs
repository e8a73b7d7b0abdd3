//! `coupa validate RESOURCE ACTION FILE...`, and the checks `coupa call` makes before it sends.

use std::io::Write;
use std::path::PathBuf;

use coupa_runtime::registry::Resource;
use coupa_runtime::{Format, Mode, Violation, Violations};
use serde_json::json;

use crate::names;
use crate::payload::{self, Payload};

/// Checks a payload for a mode, as read: one object, a list, or the resource's bulk envelope.
pub fn check(r: &Resource, mode: Mode, payload: &Payload) -> Result<(), Violations> {
    match payload {
        Payload::One(v) => (r.codec.validate)(v, mode, None, None),
        Payload::List(items) => (r.codec.validate_batch)(items, mode, None, ""),
        Payload::Envelope { key, items } => (r.codec.validate_batch)(items, mode, None, key),
    }
}

/// Prints violations as JSON lines with the keys in the documented order: file, path, rule,
/// message.
pub fn print_violations(out: &mut impl Write, file: &str, vs: &[Violation]) {
    for v in vs {
        let _ = writeln!(
            out,
            "{{\"file\":{},\"path\":{},\"rule\":{},\"message\":{}}}",
            json!(file),
            json!(v.path),
            json!(v.rule.as_str()),
            json!(v.message)
        );
    }
}

/// `file:line:column: invalid json (at /path): message`.
pub fn decode_message(shown: &str, e: &coupa_runtime::DecodeError) -> String {
    let at = e
        .path
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(|p| format!(" (at {p})"))
        .unwrap_or_default();
    format!(
        "{shown}:{}:{}: invalid {}{at}: {}",
        e.line, e.column, e.format, e.message
    )
}

/// `coupa validate`: 0 when every payload is valid, 1 on a violation, 2 when a file cannot be
/// read or parsed.
pub fn run(
    out: &mut impl Write,
    resource: &str,
    action: &str,
    files: &[PathBuf],
    format: Option<Format>,
) -> u8 {
    let r = match names::resource(resource) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let a = match names::action(r, action) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let Some(mode) = a.kind.mode() else {
        eprintln!(
            "error: `{} {action}` takes no body, so there is nothing to validate",
            r.name
        );
        return 2;
    };
    let mut code = 0;
    for file in files {
        let shown = file.display().to_string();
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{shown}: cannot read the file: {e}");
                code = 2;
                continue;
            }
        };
        let fmt = payload::format_of(file, format);
        match payload::read(r, fmt, &bytes) {
            Ok(p) => {
                if let Err(Violations(vs)) = check(r, mode, &p) {
                    print_violations(out, &shown, &vs);
                    if code == 0 {
                        code = 1;
                    }
                }
            }
            Err(e) => {
                eprintln!("{}", decode_message(&shown, &e));
                code = 2;
            }
        }
    }
    code
}
