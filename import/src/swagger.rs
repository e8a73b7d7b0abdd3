//! Reading Coupa's Swagger 2.0 files and merging them into one set of definitions and operations.
//!
//! Every file is checked as it is read: anything malformed becomes a [`Diagnostic`] with the
//! file and the JSON pointer of the problem, and the rest of the file is still read.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, Error, Sink, ptr};

/// One Swagger file of the release, as the manifest records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwaggerFile {
    /// The file's name (`Core_Platform_API.json`).
    pub file: String,
    /// The product area: the file name without `_API.json`, `_` read as a space (`Core Platform`).
    pub area: String,
    /// The SHA-256 of the file's bytes, in lower-case hex.
    pub sha256: String,
}

/// An HTTP method of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl Method {
    /// Upper case, as in a request line.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    fn from_key(key: &str) -> Option<Method> {
        Some(match key {
            "get" => Method::Get,
            "post" => Method::Post,
            "put" => Method::Put,
            "patch" => Method::Patch,
            "delete" => Method::Delete,
            _ => return None,
        })
    }
}

/// One field of a multipart form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormField {
    /// The field's name (`attachment[file]`).
    pub name: String,
    /// `true` for a file, `false` for a text field.
    pub file: bool,
    /// Whether the Swagger marks it required.
    pub required: bool,
}

/// The 2xx response of an operation, in the forms the Swagger writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// `type: array` of a definition, with the XML wrapper name when given.
    List {
        def: String,
        xml_name: Option<String>,
    },
    /// `$ref` to a definition.
    Object(String),
    /// `items` of a definition without `type: array` (every PUT and PATCH of Coupa's files).
    TypelessItems(String),
    /// No 2xx schema.
    Nothing,
}

/// One operation as the Swagger gives it.
#[derive(Clone, Debug)]
pub struct RawOp {
    /// The path as written in the file, relative to `basePath` (`/invoices/{id}`).
    pub path: String,
    /// `basePath` + path (`/api/invoices/{id}`).
    pub full_path: String,
    pub method: Method,
    /// The file that holds it.
    pub file: String,
    /// The JSON pointer of the operation in its file.
    pub pointer: String,
    /// Its (first) tag.
    pub tag: String,
    /// The body parameter: the definition and whether it is required.
    pub body: Option<(String, bool)>,
    /// The formData parameters.
    pub form: Vec<FormField>,
    pub response: Response,
}

/// One definition, merged over the files that carry it.
#[derive(Clone, Debug)]
pub struct RawDef {
    pub name: String,
    /// The definition object.
    pub value: Value,
    /// Every file that carries a copy, sorted.
    pub files: Vec<String>,
}

/// Everything read from a release's Swagger files.
#[derive(Debug, Default)]
pub struct Loaded {
    pub release: String,
    pub files: Vec<SwaggerFile>,
    pub definitions: BTreeMap<String, RawDef>,
    /// Sorted by (path, method).
    pub operations: Vec<RawOp>,
    /// Tags in the files' `tags` lists (distinct, sorted), to check that every tag is used.
    pub tags: Vec<String>,
    /// The OAuth scopes the files' security definitions list (distinct, sorted).
    pub scopes: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The area named by a Swagger file's name: `Coupa_Pay_Base_API.json` → `Coupa Pay Base`.
pub fn area_of(file: &str) -> String {
    let stem = file.strip_suffix(".json").unwrap_or(file);
    let stem = stem.strip_suffix("_API").unwrap_or(stem);
    stem.replace('_', " ")
}

/// The release a `host` names: `r39.coupadev.com` → `R39`.
fn release_of(host: &str) -> Option<String> {
    let label = host.split('.').next()?;
    let digits = label.strip_prefix(['r', 'R'])?;
    (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then(|| format!("R{digits}"))
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads and merges the files, given as (file name, bytes) in any order.
pub fn load(files: &[(String, Vec<u8>)]) -> Result<Loaded, Error> {
    let mut sorted: Vec<&(String, Vec<u8>)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut loaded = Loaded::default();
    let mut releases: Vec<(String, String)> = Vec::new();
    let mut ops: BTreeMap<(String, Method), RawOp> = BTreeMap::new();
    let mut tags = std::collections::BTreeSet::new();
    let mut scopes = std::collections::BTreeSet::new();
    for (name, bytes) in sorted {
        loaded.files.push(SwaggerFile {
            file: name.clone(),
            area: area_of(name),
            sha256: sha256_hex(bytes),
        });
        let mut sink = Sink {
            file: name,
            out: &mut loaded.diagnostics,
        };
        let Some(root) = parse_root(bytes, &mut sink) else {
            continue;
        };
        match root.get("host").and_then(Value::as_str) {
            Some(host) => match release_of(host) {
                Some(r) => releases.push((name.clone(), r)),
                None => sink.push(
                    "/host",
                    format!("the host `{host}` names no release (rNN.…)"),
                ),
            },
            None => sink.push("/host", "no host: the file names no release"),
        }
        let base = match root.get("basePath") {
            Some(Value::String(s)) => s.trim_end_matches('/').to_owned(),
            None => String::new(),
            Some(_) => {
                sink.push(
                    "/basePath",
                    "not a string; paths are read without a base path",
                );
                String::new()
            }
        };
        if let Some(list) = root.get("tags").and_then(Value::as_array) {
            tags.extend(
                list.iter()
                    .filter_map(|t| t.get("name")?.as_str().map(str::to_owned)),
            );
        }
        scopes.extend(scopes_of(&root));
        read_definitions(&root, name, &mut loaded.definitions, &mut sink);
        read_paths(&root, name, &base, &mut ops, &mut sink);
    }
    loaded.tags = tags.into_iter().collect();
    loaded.scopes = scopes.into_iter().collect();
    loaded.operations = ops.into_values().collect();
    loaded.release = one_release(&releases, &loaded)?;
    Ok(loaded)
}

fn one_release(releases: &[(String, String)], loaded: &Loaded) -> Result<String, Error> {
    let names: std::collections::BTreeSet<&str> = releases.iter().map(|r| r.1.as_str()).collect();
    match names.len() {
        1 => Ok(names.into_iter().next().unwrap_or_default().to_owned()),
        0 => Err(Error {
            message: "no Swagger file names its release (host `rNN.…`); nothing imported".into(),
            diagnostics: loaded.diagnostics.clone(),
        }),
        _ => {
            let list: Vec<String> = releases
                .iter()
                .map(|(f, r)| format!("{f} is {r}"))
                .collect();
            Err(Error {
                message: format!(
                    "the Swagger files are of {} releases ({}); import one release at a time",
                    names.len(),
                    list.join(", ")
                ),
                diagnostics: loaded.diagnostics.clone(),
            })
        }
    }
}

fn parse_root(bytes: &[u8], sink: &mut Sink) -> Option<Map<String, Value>> {
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
            sink.push(
                format!("line {}, column {}", e.line(), e.column()),
                format!("not JSON ({msg}); the file is skipped"),
            );
            return None;
        }
    };
    let Value::Object(root) = value else {
        sink.push("", "not a JSON object; the file is skipped");
        return None;
    };
    if root.get("swagger").and_then(Value::as_str) != Some("2.0") {
        sink.push(
            "/swagger",
            "not a Swagger 2.0 file (`swagger: \"2.0\"` missing); the file is skipped",
        );
        return None;
    }
    Some(root)
}

fn read_definitions(
    root: &Map<String, Value>,
    file: &str,
    defs: &mut BTreeMap<String, RawDef>,
    sink: &mut Sink,
) {
    let Some(map) = object_at(root.get("definitions"), "/definitions", sink) else {
        return;
    };
    for (name, value) in map {
        let at = ptr("/definitions", name);
        if !value.is_object() {
            sink.push(at, "not an object; the definition is skipped");
            continue;
        }
        check_definition(value, &at, sink);
        match defs.get_mut(name) {
            None => {
                defs.insert(
                    name.clone(),
                    RawDef {
                        name: name.clone(),
                        value: value.clone(),
                        files: vec![file.to_owned()],
                    },
                );
            }
            Some(existing) if existing.value == *value => existing.files.push(file.to_owned()),
            Some(existing) => sink.push(
                at,
                format!(
                    "differs from the copy in {}; that copy is kept and this one is not imported",
                    existing.files[0]
                ),
            ),
        }
    }
}

fn object_at<'v>(
    value: Option<&'v Value>,
    at: &str,
    sink: &mut Sink,
) -> Option<&'v Map<String, Value>> {
    match value {
        None => None,
        Some(Value::Object(m)) => Some(m),
        Some(_) => {
            sink.push(at, "not an object; skipped");
            None
        }
    }
}

fn read_paths(
    root: &Map<String, Value>,
    file: &str,
    base: &str,
    ops: &mut BTreeMap<(String, Method), RawOp>,
    sink: &mut Sink,
) {
    let Some(paths) = object_at(root.get("paths"), "/paths", sink) else {
        return;
    };
    for (path, item) in paths {
        let at = ptr("/paths", path);
        let Some(item) = object_at(Some(item), &at, sink) else {
            continue;
        };
        for (key, op) in item {
            let op_at = ptr(&at, key);
            let Some(method) = Method::from_key(key) else {
                sink.push(
                    op_at,
                    format!("`{key}` is not a method the importer reads; skipped"),
                );
                continue;
            };
            let Some(raw) = crate::operation::read(op, path, base, method, file, &op_at, sink)
            else {
                continue;
            };
            match ops.get(&(path.clone(), method)) {
                None => {
                    ops.insert((path.clone(), method), raw);
                }
                Some(first) => {
                    let first_value = &first.pointer;
                    let same = same_operation(first, &raw);
                    if !same {
                        sink.push(
                            op_at,
                            format!(
                                "{} {path} is also in {} ({first_value}) with different content; \
                                 that one is kept",
                                method.as_str(),
                                first.file
                            ),
                        );
                    }
                }
            }
        }
    }
}

fn same_operation(a: &RawOp, b: &RawOp) -> bool {
    a.tag == b.tag && a.body == b.body && a.form == b.form && a.response == b.response
}

/// Reports every key of a definition whose value has the wrong JSON type; the resolver then reads
/// such a key as absent.
fn check_definition(def: &Value, at: &str, sink: &mut Sink) {
    if let Some(req) = def.get("required")
        && !req
            .as_array()
            .is_some_and(|l| l.iter().all(Value::is_string))
    {
        sink.push(
            ptr(at, "required"),
            "not a list of strings; read as no required property",
        );
    }
    let props = match def.get("properties") {
        None => return,
        Some(Value::Object(p)) => p,
        Some(_) => {
            sink.push(
                ptr(at, "properties"),
                "not an object; the definition is read as open",
            );
            return;
        }
    };
    for (name, p) in props {
        let p_at = ptr(&ptr(at, "properties"), name);
        let Some(p) = p.as_object() else {
            sink.push(p_at, "not an object; read as an open object");
            continue;
        };
        let wrong = |key: &str, ok: fn(&Value) -> bool| p.get(key).is_some_and(|v| !ok(v));
        for (key, ok, what) in [
            ("type", Value::is_string as fn(&Value) -> bool, "a string"),
            ("format", Value::is_string, "a string"),
            ("$ref", Value::is_string, "a string"),
            ("readOnly", Value::is_boolean, "a boolean"),
            ("enum", Value::is_array, "a list"),
            ("items", Value::is_object, "an object"),
        ] {
            if wrong(key, ok) {
                sink.push(ptr(&p_at, key), format!("not {what}; read as absent"));
            }
        }
    }
}

/// The scopes of every security definition of a file.
fn scopes_of(root: &Map<String, Value>) -> Vec<String> {
    let Some(defs) = root.get("securityDefinitions").and_then(Value::as_object) else {
        return Vec::new();
    };
    defs.values()
        .filter_map(|d| d.get("scopes")?.as_object())
        .flat_map(|s| s.keys().cloned())
        .collect()
}
