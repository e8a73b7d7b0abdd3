//! Paths and routes: an action's path is split into literal text and `{parameters}` (reporting
//! what a path cannot hold), and no two actions share a route.

use std::collections::btree_map::Entry;
use std::path::Path;

use crate::diag::Loc;
use crate::format::{Action, Host};
use crate::ir::Segment;
use crate::node::Sp;

use super::{Cx, ResCx};

/// A path being split: its text, where it is written, and what was read so far.
struct PathScan<'t> {
    text: &'t str,
    line: u32,
    /// The column of the path's first character.
    col0: u32,
    /// The file the path is written in (see `Loc::file`).
    file: u32,
    segments: Vec<Segment>,
    params: Vec<(String, Loc)>,
    /// Literal text read since the last parameter.
    lit: String,
}

impl PathScan<'_> {
    /// Where the `len` characters from byte `i` of the path are written.
    fn at(&self, i: usize, len: usize) -> Loc {
        Loc {
            line: self.line,
            col: self.col0 + u32::try_from(self.text[..i].chars().count()).unwrap_or(0),
            len: u32::try_from(len).unwrap_or(0),
            file: self.file,
        }
    }

    /// Ends the literal text read so far as a segment (when there is any).
    fn end_lit(&mut self) {
        if !self.lit.is_empty() {
            self.segments
                .push(Segment::Lit(std::mem::take(&mut self.lit)));
        }
    }
}

/// A parameter name as written after `{` or `:`: the ASCII letters, digits and `_` that start
/// `s`.
fn leading_name(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

impl Cx<'_> {
    /// Splits a path into literal text and `{parameters}`, with where each parameter is written.
    pub(super) fn parse_path(
        &mut self,
        file: &Path,
        p: &Sp<String>,
    ) -> (Vec<Segment>, Vec<(String, Loc)>) {
        let text = p.value.as_str();
        // The value's column points at its first character (or the opening quote).
        let quoted = p.loc.len as usize == text.chars().count() + 2;
        let mut scan = PathScan {
            text,
            line: p.loc.line,
            col0: p.loc.col + u32::from(quoted),
            file: p.loc.file,
            segments: Vec::new(),
            params: Vec::new(),
            lit: String::new(),
        };
        if !text.starts_with('/') {
            self.err(
                "bad-path",
                file,
                p.loc,
                format!("the path `{text}` does not start with `/`"),
            )
            .hint("write the path from the host's root (`/api/...`)");
        }
        let mut pos = 0;
        // Each step reads from `pos` and says how many bytes it read, or that the path ends.
        while let Some(c) = text[pos..].chars().next() {
            let rest = &text[pos..];
            let step = match c {
                '{' => self.path_param(file, &mut scan, pos),
                '}' => {
                    self.err("bad-path", file, scan.at(pos, 1), "`}` without `{`")
                        .hint("remove it");
                    Some(1)
                }
                ':' if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) => {
                    Some(self.page_param(file, &mut scan, pos))
                }
                c if c.is_whitespace() || c == '?' || c == '#' => {
                    self.path_bad_char(file, &scan, pos, c)
                }
                c => {
                    scan.lit.push(c);
                    Some(c.len_utf8())
                }
            };
            match step {
                Some(n) => pos += n,
                None => break,
            }
        }
        scan.end_lit();
        (scan.segments, scan.params)
    }

    /// A `{parameter}` at byte `pos`: closed, with a snake_case name used once in the path.
    /// Returns the bytes read, or `None` when the `{` is never closed (the path ends there).
    fn path_param(&mut self, file: &Path, scan: &mut PathScan<'_>, pos: usize) -> Option<usize> {
        let rest = &scan.text[pos..];
        let Some(end) = rest.find('}') else {
            let at = scan.at(pos, rest.chars().count());
            self.err("bad-path", file, at, "`{` is never closed")
                .hint("close the parameter with `}`");
            // Count the parameter as written, so its declaration is not reported too.
            let name = leading_name(&rest[1..]);
            if !name.is_empty() {
                scan.params.push((name, at));
            }
            return None;
        };
        let name = &rest[1..end];
        let at = scan.at(pos, end + 1);
        let valid = !name.is_empty()
            && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            self.err(
                "bad-path",
                file,
                at,
                format!("`{{{name}}}` is not a parameter name"),
            )
            .hint("parameter names are snake_case (`{invoice_id}`)");
        }
        scan.end_lit();
        if scan.params.iter().any(|(n, _)| n == name) {
            self.err(
                "bad-path",
                file,
                at,
                format!("`{{{name}}}` appears twice in the path"),
            )
            .hint("give the two parameters different names");
        }
        scan.segments.push(Segment::Param(name.to_owned()));
        scan.params.push((name.to_owned(), at));
        Some(end + 1)
    }

    /// A parameter in the page's notation (`:id`) at byte `pos`: reported, and counted as a
    /// parameter so its declaration is not reported too. Returns the bytes read.
    fn page_param(&mut self, file: &Path, scan: &mut PathScan<'_>, pos: usize) -> usize {
        let name = leading_name(&scan.text[pos + 1..]);
        let at = scan.at(pos, name.len() + 1);
        self.err(
            "bad-path",
            file,
            at,
            format!("`:{name}` is the page's notation for a parameter"),
        )
        .hint(format!("write `{{{name}}}`"));
        let len = name.len() + 1;
        scan.params.push((name, at));
        len
    }

    /// White space, `?` or `#` at byte `pos`, which a path cannot contain. Returns the bytes
    /// read, or `None` at `?` and `#`, where the path ends.
    fn path_bad_char(
        &mut self,
        file: &Path,
        scan: &PathScan<'_>,
        pos: usize,
        c: char,
    ) -> Option<usize> {
        let rest = &scan.text[pos..];
        let (len, hint) = match c {
            '?' => (
                rest.len(),
                "end the path before `?`: query parameters come from `takes: query`",
            ),
            '#' => (
                rest.len(),
                "end the path before `#`: fragments are not sent to Coupa",
            ),
            _ => (
                c.len_utf8(),
                "remove it: Coupa paths have no white space (a translated page may have split a word)",
            ),
        };
        self.err(
            "bad-path",
            file,
            scan.at(pos, rest[..len].chars().count()),
            format!("a path cannot contain `{}`", c.escape_default()),
        )
        .hint(hint);
        if c == '?' || c == '#' {
            return None;
        }
        Some(c.len_utf8())
    }

    /// Two actions on one route (same host, method and path, whatever their parameters are
    /// called) cannot both be served or told apart by a client.
    pub(super) fn check_route_is_new(
        &mut self,
        cx: &ResCx<'_>,
        a: &Action,
        host: Host,
        segments: &[Segment],
    ) {
        let shape = segments
            .iter()
            .map(|s| match s {
                Segment::Lit(t) => Some(t.clone()),
                Segment::Param(_) => None,
            })
            .collect();
        let who = format!("`{}` of {}", a.name.value, cx.type_name);
        match self.routes.entry((host, a.method.value, shape)) {
            Entry::Vacant(v) => {
                v.insert((cx.path.to_owned(), a.path.loc, who));
            }
            Entry::Occupied(o) => {
                let (file, loc, first) = o.get().clone();
                self.err(
                    "duplicate-route",
                    cx.path,
                    a.path.loc,
                    format!(
                        "{} {} is already the route of {first}",
                        a.method.value.as_str(),
                        a.path.value
                    ),
                )
                .label("routed twice")
                .hint(format!(
                    "the first is at {}:{}:{}; one method and path (parameter names aside) must name one action",
                    file.display().to_string().replace('\\', "/"),
                    loc.line,
                    loc.col
                ));
            }
        }
    }
}
