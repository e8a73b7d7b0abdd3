//! Reading one Swagger operation: its tag, body, form fields and 2xx response. Query parameters
//! are not read: the Swagger gives the same fixed set on every operation of a method.

use serde_json::{Map, Value};

use crate::diag::{Sink, ptr};
use crate::swagger::{FormField, Method, RawOp, Response};

/// The definition a `$ref` names (`#/definitions/X` → `X`).
pub(crate) fn ref_name(v: &Value) -> Option<&str> {
    v.get("$ref")?.as_str()?.strip_prefix("#/definitions/")
}

/// Reads one operation; `None` (with a diagnostic) when it cannot be imported at all.
pub(crate) fn read(
    op: &Value,
    path: &str,
    base: &str,
    method: Method,
    file: &str,
    at: &str,
    sink: &mut Sink,
) -> Option<RawOp> {
    let Some(op) = op.as_object() else {
        sink.push(at, "not an object; the operation is skipped");
        return None;
    };
    let tag = match op.get("tags").and_then(Value::as_array).map(Vec::as_slice) {
        Some([Value::String(t), rest @ ..]) => {
            if !rest.is_empty() {
                sink.push(
                    ptr(at, "tags"),
                    format!("several tags; the first, {t}, is used"),
                );
            }
            t.clone()
        }
        _ => {
            sink.push(
                ptr(at, "tags"),
                "no tag (a list of strings): the operation belongs to no resource and is skipped",
            );
            return None;
        }
    };
    let (body, form) = parameters(op, at, sink);
    let response = response(op, at, sink);
    Some(RawOp {
        path: path.to_owned(),
        full_path: format!("{base}{path}"),
        method,
        file: file.to_owned(),
        pointer: at.to_owned(),
        tag,
        body,
        form,
        response,
    })
}

type Params = (Option<(String, bool)>, Vec<FormField>);

fn parameters(op: &Map<String, Value>, at: &str, sink: &mut Sink) -> Params {
    let mut body = None;
    let mut form = Vec::new();
    let list = match op.get("parameters") {
        None => return (None, form),
        Some(Value::Array(list)) => list,
        Some(_) => {
            sink.push(ptr(at, "parameters"), "not a list; parameters are not read");
            return (None, form);
        }
    };
    for (i, p) in list.iter().enumerate() {
        let p_at = ptr(&ptr(at, "parameters"), &i.to_string());
        let (Some(kind), Some(name)) = (
            p.get("in").and_then(Value::as_str),
            p.get("name").and_then(Value::as_str),
        ) else {
            sink.push(p_at, "a parameter without `in` and `name` strings; skipped");
            continue;
        };
        let required = match p.get("required") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                sink.push(ptr(&p_at, "required"), "not a boolean; read as false");
                false
            }
        };
        match kind {
            "body" => match p.get("schema").and_then(ref_name) {
                Some(def) => body = Some((def.to_owned(), required)),
                None => sink.push(
                    ptr(&p_at, "schema"),
                    "a body that is not a `$ref` to a definition; skipped",
                ),
            },
            "formData" => {
                let ty = p.get("type").and_then(Value::as_str).unwrap_or("");
                if ty != "file" && ty != "string" {
                    sink.push(
                        ptr(&p_at, "type"),
                        format!("form field type `{ty}` read as a text field"),
                    );
                }
                form.push(FormField {
                    name: name.to_owned(),
                    file: ty == "file",
                    required,
                });
            }
            "path" | "query" | "header" => {}
            other => sink.push(
                ptr(&p_at, "in"),
                format!("`in: {other}` is not a parameter kind; skipped"),
            ),
        }
    }
    (body, form)
}

fn response(op: &Map<String, Value>, at: &str, sink: &mut Sink) -> Response {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        sink.push(
            ptr(at, "responses"),
            "no responses object; the operation answers nothing",
        );
        return Response::Nothing;
    };
    let mut codes: Vec<&String> = responses.keys().filter(|c| c.starts_with('2')).collect();
    codes.sort();
    for code in codes {
        let Some(schema) = responses[code].get("schema") else {
            continue;
        };
        let s_at = ptr(&ptr(&ptr(at, "responses"), code), "schema");
        let items = schema.get("items").and_then(ref_name);
        let is_array = schema.get("type").and_then(Value::as_str) == Some("array");
        if let Some(def) = ref_name(schema) {
            return Response::Object(def.to_owned());
        }
        match (items, is_array) {
            (Some(def), true) => {
                let xml_name = schema
                    .get("xml")
                    .and_then(|x| x.get("name"))
                    .and_then(Value::as_str);
                return Response::List {
                    def: def.to_owned(),
                    xml_name: xml_name.map(str::to_owned),
                };
            }
            (Some(def), false) => return Response::TypelessItems(def.to_owned()),
            _ => sink.push(
                s_at,
                "a response schema that names no definition; read as no schema",
            ),
        }
    }
    Response::Nothing
}
