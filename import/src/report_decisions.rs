//! The report's section on the decisions that apply everywhere: the format table, lists or
//! objects, the download and list tables, in/out defaults, action names.

use std::fmt::Write;

use crate::Release;
use crate::actions::{DOWNLOADS, LISTS};
use crate::findings::{Tally, Topic};
use crate::model::{NameSource, Source};
use crate::report::num;

fn tally_table(s: &mut String, t: &Tally, source: &str, read: &str) {
    let _ = writeln!(s, "| {source} | {read} | count |\n|---|---|---:|");
    for ((a, b), n) in &t.0 {
        let _ = writeln!(s, "| {a} | {b} | {} |", num(*n));
    }
    s.push('\n');
}

pub(crate) fn render(s: &mut String, r: &Release) {
    s.push_str("## Decisions that apply everywhere\n\n### Formats\n\n");
    s.push_str(
        "Each property of each distinct definition, by what the Swagger says and what it is read as. \
         A format that is not a type is never written into the YAML; each one is listed under its \
         definition below.\n\n",
    );
    tally_table(s, &r.formats, "Swagger", "read as");
    s.push_str("### Lists or objects\n\n");
    s.push_str(
        "By the method, not the schema: a GET answers a list when its response is `type: array`, \
         one object otherwise; PUT and PATCH responses give `items` without `type` and answer one \
         object; POST answers one object; DELETE answers the deleted object (the Swagger gives no \
         schema). Operations by method and response form:\n\n",
    );
    tally_table(s, &r.responses, "method and 2xx schema", "answers");
    s.push_str("GETs whose last segment names a download answer the file, not the object the Swagger declares:\n");
    for d in DOWNLOADS {
        let _ = write!(s, " `{d}`");
    }
    let downloads = r.findings.count(Topic::Download);
    let lists = r.findings.count(Topic::ListAnswer);
    let _ = writeln!(s, " ({downloads} operations).\n");
    s.push_str(
        "GETs the Swagger declares as one object that answer a list (`{}` is any parameter):",
    );
    for l in LISTS {
        let _ = write!(s, " `{l}`");
    }
    let _ = writeln!(s, " ({lists} operations).\n");
    in_out(s, r);
    names(s, r);
    s.push_str(
        "### Page cells\n\n\
         - A flag cell reads `yes`/`true` as yes and `no`/`false` as no; `yes*` and `yes (…)` are read \
         as yes and listed; anything else makes the row unreadable.\n\
         - An allowed-values cell is read only when the Swagger has no enum, the element is a string, \
         text or integer, and the cell is a list of at least two comma (or else slash) separated values \
         with no space inside a value and no prose word; `any` means no restriction and is not listed; \
         any other cell is listed, not read.\n\
         - Lengths on pages are not read: the Swagger's `string(N)` is.\n\
         - A row is shown in this report with its description cell and any long cell replaced by `…`: \
         Coupa's sentences are not copied.\n\n",
    );
}

fn in_out(s: &mut String, r: &Release) {
    let all = r.definitions.values().flat_map(|d| &d.elements);
    let (mut ro, mut rw, mut page, mut default) = (0, 0, 0, 0);
    for e in all {
        match e.in_out_source {
            Source::Swagger if e.read_only => ro += 1,
            Source::Swagger => rw += 1,
            Source::Page => page += 1,
            Source::Default => default += 1,
        }
    }
    let _ = writeln!(
        s,
        "### In and out\n\n\
         - Scalars (and typeless properties): `readOnly: true` is in false, out true ({}); otherwise in \
         and out ({}). A page that says otherwise is listed as a conflict; the Swagger's reading is kept.\n\
         - References and lists carry no `readOnly`: in/out from the page's In/Out columns where a \
         matched row fills at least one of them with yes (an empty cell beside it reads as no) ({}); \
         otherwise in and out, \"in/out not stated\" ({}).\n\
         - `required` is the definition's `required` list; a page's yes that the Swagger lacks is listed, \
         not adopted. `unique` is the page's.\n\
         - By Rails' conventions, which the Swagger does not state, `id` (read-only integer), `created-at`, \
         `updated-at` (datetimes), `created-by` and `updated-by` (references) are `assigned`: Coupa \
         fills them in ({} elements). The users are out only where neither source says ({}).\n",
        num(ro),
        num(rw),
        num(page),
        num(default),
        num(r.conventions.0),
        num(r.conventions.1)
    );
}

fn names(s: &mut String, r: &Release) {
    let actions: Vec<_> = r.resources.values().flat_map(|x| &x.actions).collect();
    let page = actions
        .iter()
        .filter(|a| matches!(a.name_source, NameSource::Page(_)))
        .count();
    let _ = writeln!(
        s,
        "### Action names\n\n\
         From the Action cell of a page row that matches the operation ({}), snake and Title Case \
         words joined by `-`, `destroy` read as `delete`; otherwise by rule ({}): `index`, `create`, \
         `show`, `update`, `delete` for plain routes, the last literal segment for member and \
         collection actions. Nested routes add `-for-<parent>` (every parent of the path, in order), \
         routes under another root of the resource add `-<root>`. A PATCH beside a PUT of the same \
         name is `patch` (`<verb>-patch` for a member action). A name taken twice gets `-<method>`, \
         then a number; each is listed under its resource.\n",
        num(page),
        num(actions.len() - page)
    );
}
