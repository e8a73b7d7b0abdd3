//! Reading Coupa's reference pages: the front matter (title, url, toc_path) and every table with
//! the heading or bold paragraph that names it. Cells keep inline code and link text.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::diag::{Diagnostic, Sink};

/// One cell of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The text, with inline code kept and links replaced by their text.
    pub text: String,
    /// The whole cell is one link (`[User](https://…)`).
    pub link: bool,
}

/// One body row of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// 1-based among the table's body rows.
    pub number: usize,
    /// 1-based line in the page file.
    pub line: usize,
    pub cells: Vec<Cell>,
    /// How many cells the row's source line has (pulldown-cmark pads or cuts to the header's).
    pub source_cells: usize,
}

/// One table of a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// 1-based among the page's tables.
    pub number: usize,
    /// The nearest heading or bold-only paragraph before it.
    pub caption: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

/// One page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub file: String,
    pub title: String,
    pub url: String,
    pub toc_path: Vec<String>,
    pub tables: Vec<Table>,
}

/// Reads one page; a page without front matter is read with an empty title and URL, and a
/// diagnostic.
pub fn read(file: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Page {
    let mut sink = Sink { file, out: diags };
    let (front, body, body_line) = split_front_matter(text);
    let mut page = Page {
        file: file.to_owned(),
        title: String::new(),
        url: String::new(),
        toc_path: Vec::new(),
        tables: Vec::new(),
    };
    match front {
        Some(front) => front_matter(front, &mut page),
        None => sink.push(
            "line 1",
            "no front matter (--- … ---); the page has no title, url or toc_path",
        ),
    }
    if page.title.is_empty() || page.url.is_empty() {
        sink.push(
            "front matter",
            "no `title` or `url`; the page cannot be cited",
        );
    }
    page.tables = tables(body, body_line);
    page
}

/// (front matter, body, line number of the body's first line).
fn split_front_matter(text: &str) -> (Option<&str>, &str, usize) {
    let Some(rest) = text.strip_prefix("---\n") else {
        return (None, text, 1);
    };
    let Some(end) = rest
        .find("\n---\n")
        .or_else(|| rest.strip_suffix("\n---").map(|r| r.len()))
    else {
        return (None, text, 1);
    };
    let front = &rest[..end];
    let body_start = (4 + end + 5).min(text.len());
    let body_line = text[..body_start].matches('\n').count() + 1;
    (Some(front), &text[body_start..], body_line)
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    match v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => v.to_owned(),
    }
}

fn front_matter(front: &str, page: &mut Page) {
    let mut in_toc = false;
    for line in front.lines() {
        if let Some(item) = line.trim_start().strip_prefix("- ").filter(|_| in_toc) {
            page.toc_path.push(unquote(item));
            continue;
        }
        in_toc = false;
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        match key.trim() {
            "title" => page.title = unquote(value),
            "url" => page.url = unquote(value),
            "toc_path" => in_toc = true,
            _ => {}
        }
    }
}

#[derive(Default)]
struct State {
    caption: Option<String>,
    heading: Option<String>,
    para: Option<(String, bool)>,
    strong: usize,
    link: usize,
    table: Option<Table>,
    row: Option<(Vec<Cell>, usize, usize)>,
    cell: Option<(String, bool)>,
}

fn tables(body: &str, body_line: usize) -> Vec<Table> {
    let line_of = |offset: usize| body_line + body[..offset].matches('\n').count();
    let mut out = Vec::new();
    let mut st = State::default();
    for (event, range) in Parser::new_ext(body, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(tag) => start(&mut st, tag, range.start, &line_of, body),
            Event::End(tag) => end(&mut st, tag, &mut out),
            Event::Text(t) | Event::Code(t) => text(&mut st, &t),
            Event::SoftBreak | Event::HardBreak => text(&mut st, " "),
            _ => {}
        }
    }
    out
}

fn start(st: &mut State, tag: Tag, offset: usize, line_of: &dyn Fn(usize) -> usize, body: &str) {
    match tag {
        Tag::Heading { .. } => st.heading = Some(String::new()),
        Tag::Paragraph => st.para = Some((String::new(), true)),
        Tag::Strong => st.strong += 1,
        Tag::Link { .. } => st.link += 1,
        Tag::Table(_) => {
            st.table = Some(Table {
                number: 0,
                caption: st.caption.clone(),
                header: Vec::new(),
                rows: Vec::new(),
            });
        }
        Tag::TableHead | Tag::TableRow => {
            let line_text = body[offset..].lines().next().unwrap_or("");
            st.row = Some((Vec::new(), line_of(offset), count_cells(line_text)));
        }
        Tag::TableCell => st.cell = Some((String::new(), true)),
        _ => {}
    }
}

fn end(st: &mut State, tag: TagEnd, out: &mut Vec<Table>) {
    match tag {
        TagEnd::Heading(_) => st.caption = st.heading.take().map(|h| h.trim().to_owned()),
        TagEnd::Paragraph => {
            if let Some((p, true)) = st.para.take().filter(|p| !p.0.trim().is_empty()) {
                st.caption = Some(p.trim().to_owned());
            }
        }
        TagEnd::Strong => st.strong = st.strong.saturating_sub(1),
        TagEnd::Link => st.link = st.link.saturating_sub(1),
        TagEnd::TableCell => {
            if let (Some((text, link)), Some(row)) = (st.cell.take(), st.row.as_mut()) {
                let text = text.trim().to_owned();
                row.0.push(Cell {
                    link: link && !text.is_empty(),
                    text,
                });
            }
        }
        TagEnd::TableHead | TagEnd::TableRow => {
            let (Some((cells, line, source_cells)), Some(table)) =
                (st.row.take(), st.table.as_mut())
            else {
                return;
            };
            if matches!(tag, TagEnd::TableHead) {
                table.header = cells.into_iter().map(|c| c.text).collect();
            } else {
                let number = table.rows.len() + 1;
                table.rows.push(Row {
                    number,
                    line,
                    cells,
                    source_cells,
                });
            }
        }
        TagEnd::Table => {
            if let Some(mut t) = st.table.take() {
                t.number = out.len() + 1;
                out.push(t);
            }
        }
        _ => {}
    }
}

fn text(st: &mut State, t: &str) {
    if let Some((cell, link)) = st.cell.as_mut() {
        cell.push_str(t);
        if st.link == 0 && !t.trim().is_empty() {
            *link = false;
        }
    } else if let Some(h) = st.heading.as_mut() {
        h.push_str(t);
    } else if let Some((p, bold)) = st.para.as_mut() {
        p.push_str(t);
        if st.strong == 0 && !t.trim().is_empty() {
            *bold = false;
        }
    }
}

/// The cells of a table row's source line: split at every `|` not escaped (GFM splits inside
/// inline code too).
fn count_cells(line: &str) -> usize {
    let line = line.trim();
    let mut count: usize = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '|' => count += 1,
            _ => {}
        }
    }
    let edges =
        usize::from(line.starts_with('|')) + usize::from(line.ends_with('|') && line.len() > 1);
    (count + 1).saturating_sub(edges)
}
