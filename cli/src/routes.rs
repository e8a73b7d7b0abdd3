//! `coupa routes`: every route with its method, path, host, resource and action.

use std::io::Write;

use coupa_api::registry;
use serde_json::json;

/// Prints the routes as a table or JSON lines.
pub fn run(out: &mut impl Write, as_json: bool) -> u8 {
    let mut rows = Vec::new();
    for r in registry::RESOURCES {
        for a in r.routes {
            rows.push((a.method.as_str(), a.path, a.host.as_str(), r.name, a.name));
        }
    }
    if as_json {
        for (method, path, host, resource, action) in rows {
            let line = json!({"method": method, "path": path, "host": host, "resource": resource, "action": action});
            let _ = writeln!(out, "{line}");
        }
        return 0;
    }
    let w = |f: fn(&(&str, &str, &str, &str, &str)) -> usize| rows.iter().map(f).max().unwrap_or(0);
    let (wm, wp, wh, wr) = (
        w(|r| r.0.len()),
        w(|r| r.1.len()),
        w(|r| r.2.len()),
        w(|r| r.3.len()),
    );
    let _ = writeln!(
        out,
        "{:wm$}  {:wp$}  {:wh$}  {:wr$}  ACTION",
        "METHOD", "PATH", "HOST", "RESOURCE"
    );
    for (method, path, host, resource, action) in rows {
        let _ = writeln!(
            out,
            "{method:wm$}  {path:wp$}  {host:wh$}  {resource:wr$}  {action}"
        );
    }
    0
}
