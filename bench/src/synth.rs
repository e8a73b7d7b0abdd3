//! Synthetic schema sets: `n` resources of 20 elements and 8 actions each, written as YAML text
//! in the format of `schema/` (see `schema/README.md`), plus the two shapes they share.
//!
//! Every resource has the same structure under its own names (`Widget0007`, `widget0007s`), so
//! the cost of a set grows with `n` alone: the generator is linear when the 500 set costs ten
//! times the 50 set.

use std::fmt::Write as _;
use std::path::PathBuf;

/// Elements per synthetic resource.
pub const ELEMENTS: usize = 20;
/// Actions per synthetic resource.
pub const ACTIONS: usize = 8;

/// The Rust type name of the `i`-th resource (`Widget0007`).
pub fn type_name(i: usize) -> String {
    format!("Widget{i:04}")
}

/// The plural (wire and module name) of the `i`-th resource (`widget0007s`).
pub fn plural(i: usize) -> String {
    format!("widget{i:04}s")
}

/// The schema files of a set of `n` resources, as (display path, YAML text), in the form
/// `coupa_codegen::compile_sources` takes.
pub fn schemas(n: usize) -> Vec<(PathBuf, String)> {
    let mut files = vec![
        (PathBuf::from("schema/shapes/synth_user.yaml"), user_shape()),
        (PathBuf::from("schema/shapes/synth_line.yaml"), line_shape()),
    ];
    for i in 0..n {
        files.push((
            PathBuf::from(format!("schema/{}.yaml", plural(i))),
            resource(i),
        ));
    }
    files
}

/// A set of one resource whose first element carries `n` misspelt keys (`descriptio0`,
/// `descriptio1`, ...): `n` diagnostics, for measuring how checking and rendering them grows.
pub fn misspelt(n: usize) -> Vec<(PathBuf, String)> {
    let mut files = schemas(1);
    let text = &mut files.last_mut().expect("one resource").1;
    let at = text
        .find("    description:")
        .expect("the first element's description");
    let keys: String = (0..n).map(|k| format!("    descriptio{k}: x\n")).collect();
    text.insert_str(at, &keys);
    files
}

/// Total bytes of YAML in a set.
pub fn yaml_bytes(files: &[(PathBuf, String)]) -> usize {
    files.iter().map(|(_, t)| t.len()).sum()
}

const SOURCE: &str = "source:
  page: Synthetic Benchmark API
  url: https://example.com/synthetic-benchmark-api
";

fn user_shape() -> String {
    format!(
        "# yaml-language-server: $schema=../schema.json
kind: shape
name: SynthUser
wire-name: user
description: >-
  The short user object that synthetic resources refer to for their creator, their last writer
  and their owner.
{SOURCE}elements:
  - name: id
    description: Coupa's unique identifier.
    type: integer
    api-in: false
    api-out: true
  - name: login
    description: The user's login.
    type: string
    length: 255
    api-in: true
    api-out: true
  - name: email
    description: The user's email address.
    type: string
    length: 255
    api-in: true
    api-out: true
  - name: fullname
    description: The user's full name.
    type: string
    api-in: false
    api-out: true
"
    )
}

fn line_shape() -> String {
    format!(
        "# yaml-language-server: $schema=../schema.json
kind: shape
name: SynthLine
wire-name: line
description: One line of a synthetic resource, with its amount and quantity.
{SOURCE}elements:
  - name: line-num
    description: The line's position, from 1.
    type: integer
    api-in: true
    api-out: true
  - name: description
    description: What the line is for.
    type: text
    api-in: true
    api-out: true
  - name: price
    description: The unit price.
    type: decimal
    api-in: true
    api-out: true
  - name: quantity
    description: How many units.
    type: integer
    api-in: true
    api-out: true
"
    )
}

/// One element row: (name, type line and extra keys, api-in).
const ELEMENT_ROWS: [(&str, &str, &str); ELEMENTS] = [
    (
        "id",
        "Coupa's unique identifier.",
        "    type: integer\n    api-in: false\n    api-out: true\n    assigned: id\n",
    ),
    (
        "created-at",
        "Automatically created by Coupa in the format YYYY-MM-DDTHH:MM:SS+HH:MM.",
        "    type: datetime\n    api-in: false\n    api-out: true\n    assigned: created-at\n",
    ),
    (
        "updated-at",
        "Automatically updated by Coupa in the format YYYY-MM-DDTHH:MM:SS+HH:MM.",
        "    type: datetime\n    api-in: false\n    api-out: true\n    assigned: updated-at\n",
    ),
    (
        "created-by",
        "The user who created the object.",
        "    type: SynthUser\n    api-in: false\n    api-out: true\n    assigned: created-by\n",
    ),
    (
        "updated-by",
        "The user who last updated the object.",
        "    type: SynthUser\n    api-in: false\n    api-out: true\n    assigned: updated-by\n    note: Not on the page; the other pages list it.\n",
    ),
    (
        "code",
        "The object's code, unique in the instance.",
        "    type: string\n    length: 64\n    required: true\n    unique: true\n    immutable: true\n    api-in: true\n    api-out: true\n",
    ),
    (
        "name",
        "The object's name.",
        "    type: string\n    length: 255\n    required: true\n    alternatives: [code]\n    api-in: true\n    api-out: true\n",
    ),
    (
        "description",
        "A longer description of the object, as entered by its owner.",
        "    type: text\n    api-in: true\n    api-out: true\n",
    ),
    (
        "status",
        "The status of the object; the status actions set it.",
        "    type: string\n    length: 32\n    allowed: [draft, active, suspended, closed]\n    api-in: false\n    api-out: true\n",
    ),
    (
        "priority",
        "How urgent the object is.",
        "    type: string\n    allowed: [low, normal, high, urgent]\n    case-sensitive: false\n    api-in: true\n    api-out: true\n",
    ),
    (
        "amount",
        "The total amount.",
        "    type: decimal\n    api-in: true\n    api-out: true\n",
    ),
    (
        "currency-code",
        "The ISO 4217 code of the amount's currency.",
        "    type: string\n    length: 3\n    api-in: true\n    api-out: true\n",
    ),
    (
        "quantity",
        "How many units the object covers.",
        "    type: integer\n    aliases: [qty]\n    api-in: true\n    api-out: true\n    note: The guides send qty, so the short key is accepted on input.\n",
    ),
    (
        "active",
        "False when the object is disabled.",
        "    type: boolean\n    api-in: true\n    api-out: true\n",
    ),
    (
        "start-date",
        "When the object takes effect.",
        "    type: datetime\n    api-in: true\n    api-out: true\n",
    ),
    (
        "end-date",
        "When the object stops taking effect.",
        "    type: datetime\n    api-in: true\n    api-out: true\n",
    ),
    (
        "external-ref",
        "The object's identifier in the other system, a string of digits.",
        "    type: digits\n    length: 20\n    api-in: true\n    api-out: true\n",
    ),
    (
        "owner",
        "The user responsible for the object.",
        "    type: SynthUser\n    api-in: true\n    api-out: true\n",
    ),
    (
        "lines",
        "The object's lines.",
        "    type: SynthLine\n    list: true\n    api-in: true\n    api-out: true\n",
    ),
    (
        "custom-fields",
        "The object's custom fields, by name; an object Coupa leaves open.",
        "    type: object\n    api-in: true\n    api-out: true\n",
    ),
];

fn resource(i: usize) -> String {
    let name = type_name(i);
    let plural = plural(i);
    let path = format!("/api/{}", plural.replace('-', "_"));
    let mut s = String::with_capacity(8 * 1024);
    let _ = write!(
        s,
        "# yaml-language-server: $schema=schema.json
kind: resource
name: {name}
wire-name: widget{i:04}
plural: {plural}
description: >-
  Synthetic resource number {i}: an object with the elements and actions of a typical Coupa page,
  generated to measure how the generator scales with the number of resources.
{SOURCE}host: core
scopes:
  read: core.widget.read
  write: core.widget.write
key: id
notes:
  - >-
    Generated by coupa-bench (bench/src/synth.rs); no Coupa page describes it.
elements:
"
    );
    for (el, description, rest) in ELEMENT_ROWS {
        let _ = write!(s, "  - name: {el}\n    description: {description}\n{rest}");
    }
    s.push_str("actions:\n");
    let id_param =
        "    params:\n      - { name: id, type: integer, description: The object's id. }\n";
    let rows: [(&str, &str, &str, &str, &str, &str, &str); ACTIONS] = [
        (
            "create",
            "create",
            "POST",
            "",
            "object",
            "object",
            "    sets: { status: draft }\n",
        ),
        ("index", "index", "GET", "", "query", "list", ""),
        (
            "show", "show", "GET", "/{id}", "nothing", "object", id_param,
        ),
        (
            "update", "update", "PUT", "/{id}", "object", "object", id_param,
        ),
        (
            "patch", "update", "PATCH", "/{id}", "object", "object", id_param,
        ),
        (
            "delete", "delete", "DELETE", "/{id}", "nothing", "object", id_param,
        ),
        (
            "activate",
            "status",
            "PUT",
            "/{id}/activate",
            "optional-object",
            "object",
            id_param,
        ),
        (
            "close",
            "status",
            "PUT",
            "/{id}/close",
            "optional-object",
            "object",
            id_param,
        ),
    ];
    for (action, kind, method, suffix, takes, answers, extra) in rows {
        let _ = write!(
            s,
            "  - name: {action}
    kind: {kind}
    method: {method}
    path: {path}{suffix}
    description: The {action} action of {name}.
    takes: {takes}
    answers: {answers}
{extra}"
        );
        match action {
            "activate" => s.push_str("    sets: { status: active }\n"),
            "close" => s.push_str("    sets: { status: closed }\n"),
            _ => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_sets_pass_the_checker() {
        for n in [1, 50] {
            let ir = coupa_codegen::compile_sources(schemas(n))
                .unwrap_or_else(|f| panic!("the {n} set does not check:\n{}", f.render()));
            assert_eq!(ir.resources().count(), n);
            assert_eq!(ir.types.len(), n + 2);
            for (t, r) in ir.resources() {
                assert_eq!(t.fields.len(), ELEMENTS, "{}", t.name);
                assert_eq!(r.actions.len(), ACTIONS, "{}", t.name);
            }
        }
    }

    #[test]
    fn a_synthetic_resource_generates_code_that_parses() {
        let ir = coupa_codegen::compile_sources(schemas(2)).expect("checks");
        let files = coupa_codegen::emit::generate(&ir).expect("emits");
        assert!(
            files
                .iter()
                .any(|f| f.path == "generated/src/widget0001s.rs")
        );
    }
}
