//! Every route of the registry through the mock over HTTP, in JSON and in XML: Coupa's whole R39
//! API, not only the routes a hand-written test knows.
//!
//! One mock is seeded with a record of every resource (and one more for each set of elements a
//! nested route binds, so that `/api/invoices/1/comments/{id}` finds a comment of invoice 1;
//! each seen under parent 1 of every route nested under a parent it does not bind, so that
//! `/api/comments/1/attachments/{id}` finds an attachment of comment 1),
//! then every route is called once, as a client would: path parameters filled in, a body where
//! the route takes one (a create's required elements, with unique values where they must be; an
//! empty object for an update; a bulk envelope; a multipart form with a file), the token with
//! every scope or the CSO key. Uploads come first, deletes (and `.../remove_all`) last. Every call must be answered 2xx
//! with a body the route's answer reads as (one object, a list, the list or bulk-result
//! envelope, a file), but for three kinds of route whose answer is known otherwise and computed
//! from the schemas ([`Expect`]): creates no payload can satisfy (an element both required and
//! output-only), GET collection actions answering one object, and downloads of records no file
//! was uploaded for. The test lists every route answered otherwise, with its status and message.
//!
//! Besides coverage, this is the budget of the routes at Coupa's size: the test prints how long
//! the calls took. It must stay in seconds in a debug build.

use std::collections::BTreeSet;
use std::time::Instant;

use crate::common::{JSON, XML, token};
use coupa_api::registry::RESOURCES;
use coupa_mock::{MockConfig, MockServer};
use coupa_runtime::registry::{
    ActionKind, Answers, BindTo, Element, ElementKind, Host, ParamKind, Resource, Route, Takes,
};
use coupa_runtime::shape::Shape;
use coupa_runtime::vocab::FormKind;
use coupa_runtime::{Form, Format, Upload};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Map, Value, json};

/// The value every path parameter that is not a record's key gets.
const PARENT: &str = "1";

/// The key of the plain record seeded for every resource.
const PLAIN: i64 = 1;

/// A valid value of a required element, unique to `n` (for unique elements).
fn required_value(e: &Element, n: usize) -> Value {
    let one = match e.kind {
        ElementKind::String | ElementKind::Text => match e.allowed.first() {
            Some(a) => Value::from(*a),
            None if e.unique => Value::from(format!("u{n}")),
            None => Value::from("x"),
        },
        ElementKind::Integer => match e.allowed.first() {
            Some(a) => Value::from(a.parse::<i64>().expect("an integer")),
            None if e.unique => Value::from(n as i64 + 1000),
            None => Value::from(1),
        },
        ElementKind::Decimal => Value::from("1"),
        ElementKind::Boolean => Value::from(true),
        ElementKind::DateTime => Value::from("2024-01-01T00:00:00Z"),
        ElementKind::Date => Value::from("2024-01-01"),
        ElementKind::Time => Value::from("09:30"),
        ElementKind::Float => Value::from(1.5),
        ElementKind::Digits => Value::from(format!("{}", n + 1000)),
        ElementKind::Object => Value::Object(Map::new()),
        // A reference to an existing object, by its key (as Coupa's payloads name associations).
        ElementKind::Shape => match e.shape.and_then(Shape::key) {
            Some(k) => json!({ k.name: PLAIN }),
            None => Value::Object(Map::new()),
        },
    };
    if e.list { Value::Array(vec![one]) } else { one }
}

/// The smallest valid object to create: every required element that accepts input, and the key
/// where the client names it (an accepted key Coupa does not assign, such as an expense line's
/// id: the mock does not make one up).
fn create_body(shape: &Shape, n: usize) -> Map<String, Value> {
    let mut body: Map<String, Value> = shape
        .elements
        .iter()
        .filter(|e| e.required && e.api_in)
        .map(|e| (e.name.to_owned(), required_value(e, n)))
        .collect();
    if let Some(k) = shape.key().filter(|k| k.api_in && k.assigned.is_none()) {
        body.insert(k.name.to_owned(), Value::from(10_000 + n as i64));
    }
    body
}

/// The value a route binds an element to, with every parameter [`PARENT`], typed as the
/// element.
fn bound_value(r: &Resource, element: &str, to: BindTo) -> Value {
    let text = match to {
        BindTo::Const(c) => c,
        BindTo::Param(_) => PARENT,
    };
    match r.element(element).map(|e| e.kind) {
        Some(ElementKind::Integer) => Value::from(text.parse::<i64>().expect("an integer")),
        _ => Value::from(text),
    }
}

/// One planned call.
struct Call {
    r: &'static Resource,
    a: &'static Route,
    path: String,
    /// JSON of the body (an object or a bulk envelope), or the multipart form.
    body: Option<Body>,
}

enum Body {
    Json(Value),
    Form,
}

/// The records to seed: one plain record per resource with a key, and one per route that binds
/// elements (with the bound values), whose key that route's calls use.
fn seed_and_keys() -> (Value, Vec<Option<Value>>) {
    let mut seed = Map::new();
    let mut keys = Vec::new();
    let mut next = 100;
    for r in RESOURCES {
        let Some(key) = r.key() else {
            keys.extend(r.routes.iter().map(|_| None));
            continue;
        };
        let key_of = |i: i64| match r.element(key).map(|e| e.kind) {
            Some(ElementKind::Digits | ElementKind::String) => Value::from(i.to_string()),
            _ => Value::from(i),
        };
        let mut records = vec![json!({ key: key_of(PLAIN) })];
        for a in r.routes {
            let deletes = matches!(a.kind, ActionKind::Delete | ActionKind::BulkDelete);
            if a.binds.is_empty() && !deletes {
                keys.push(Some(key_of(PLAIN)));
                continue;
            }
            // A record of its own for a route that binds elements (with their values) or
            // deletes (each delete route removes one).
            next += 1;
            let mut rec = Map::new();
            rec.insert(key.to_owned(), key_of(next));
            for (element, to) in a.binds {
                rec.insert((*element).to_owned(), bound_value(r, element, *to));
            }
            records.push(Value::Object(rec));
            keys.push(Some(key_of(next)));
        }
        // Every record is seen under every parent a nested route of its resource names.
        let parents: Map<String, Value> = r
            .routes
            .iter()
            .filter_map(|a| coupa_mock::nested_parent(r, a))
            .map(|p| (p.to_owned(), Value::from(PARENT)))
            .collect();
        if !parents.is_empty() {
            for rec in records.iter_mut().filter_map(Value::as_object_mut) {
                rec.insert("@parent".to_owned(), Value::Object(parents.clone()));
            }
        }
        seed.insert(r.name.to_owned(), Value::Array(records));
    }
    (Value::Object(seed), keys)
}

/// The path with its parameters filled: the record's key where the route names one (the last
/// parameter that is not bound to an element), [`PARENT`] elsewhere.
fn path_of(a: &Route, key: Option<&Value>) -> String {
    let key_param = a
        .params
        .iter()
        .rev()
        .map(|(p, _)| *p)
        .find(|p| !a.binds_param(p) && needs_record(a));
    let mut path = a.path.to_owned();
    for (p, kind) in a.params {
        let value = match (Some(*p) == key_param, key) {
            (true, Some(Value::String(s))) => s.clone(),
            (true, Some(v)) => v.to_string(),
            _ => match kind {
                ParamKind::Integer | ParamKind::Digits | ParamKind::String => PARENT.to_owned(),
            },
        };
        path = path.replace(&format!("{{{p}}}"), &value);
    }
    path
}

/// Whether the route acts on one existing record (its last unbound parameter is the key).
fn needs_record(a: &Route) -> bool {
    matches!(
        a.kind,
        ActionKind::Show
            | ActionKind::Update
            | ActionKind::Delete
            | ActionKind::Status
            | ActionKind::Member
    )
}

fn plan() -> (Value, Vec<Call>) {
    let (seed, keys) = seed_and_keys();
    let mut keys = keys.into_iter();
    let mut calls = Vec::new();
    let mut n = 0;
    for r in RESOURCES {
        for a in r.routes {
            n += 1;
            let key = keys.next().expect("a key slot per route");
            let path = path_of(a, key.as_ref());
            let body = match a.takes {
                Takes::Nothing | Takes::Query => None,
                Takes::Multipart => Some(Body::Form),
                Takes::OptionalObject => None,
                Takes::Object => Some(Body::Json(Value::Object(match a.kind {
                    ActionKind::Create => create_body(r.shape, n),
                    _ => Map::new(),
                }))),
                Takes::Bulk => {
                    let env = r.bulk_request.as_ref().expect("a bulk envelope");
                    let item = match a.kind {
                        ActionKind::BulkCreate => create_body(r.shape, n),
                        _ => {
                            let k = r.key().expect("a key");
                            let mut m = Map::new();
                            m.insert(k.to_owned(), key.clone().expect("a key value"));
                            m
                        }
                    };
                    Some(Body::Json(json!({ env.items: [item] })))
                }
            };
            calls.push(Call { r, a, path, body });
        }
    }
    // Uploads first, so that the downloads of the same record find the file (a user's avatar);
    // deletes and the routes that take records from their parent (`.../remove_all`) last, so
    // that every other route finds its record.
    calls.sort_by_key(|c| match c.a.kind {
        _ if c.a.takes == Takes::Multipart => 0,
        ActionKind::Delete | ActionKind::BulkDelete => 2,
        _ if coupa_mock::unlinks(c.r, c.a) => 2,
        _ => 1,
    });
    (seed, calls)
}

/// Encodes a JSON body for the route in the format.
fn encode(c: &Call, json: &Value, format: Format) -> Vec<u8> {
    if format == Format::Json {
        return serde_json::to_vec(json).expect("JSON");
    }
    let codec = match c.a.takes {
        Takes::Bulk => c.r.bulk_request.as_ref().expect("an envelope").codec,
        _ => c.r.codec,
    };
    let canonical = (codec.canonical)(json.clone())
        .unwrap_or_else(|e| panic!("{} {}: the body: {e}", c.r.name, c.a.name));
    (codec.write)(Format::Xml, &canonical)
        .unwrap_or_else(|e| panic!("{} {}: the body as XML: {e}", c.r.name, c.a.name))
}

/// The multipart form the route takes: a small text file for each file field, and for each text
/// field its element's first allowed value (or `x`).
fn form(c: &Call) -> (String, Vec<u8>) {
    let upload = Upload::new("notes.txt", "text/plain", b"some notes".to_vec());
    let mut texts = Vec::new();
    for (name, kind, _) in c.a.form {
        if *kind == FormKind::String {
            let element = name
                .rsplit_once('[')
                .and_then(|(_, rest)| rest.strip_suffix(']'))
                .unwrap_or(name)
                .replace('_', "-");
            let value =
                c.r.element(&element)
                    .and_then(|e| e.allowed.first().copied())
                    .unwrap_or("x");
            texts.push((*name, value));
        }
    }
    let mut f = Form::new();
    for (name, kind, _) in c.a.form {
        if *kind == FormKind::File {
            f = f.file(name, &upload);
        }
    }
    for (name, value) in &texts {
        f = f.text(name, value);
    }
    f.encode()
}

/// What a call must be answered, computed from the route and its resource.
enum Expect {
    /// 2xx, with a body the route's answer reads as.
    Served,
    /// A create whose resource has elements that are required and not accepted (the import
    /// has some: a requisition's requested-by, a task's owner and linkable, ...): no request can
    /// create one, and the mock says so, naming exactly those elements.
    Unsatisfiable(Vec<&'static str>),
    /// A GET collection action that answers one object (`GET /api/requisitions/current_cart`):
    /// the mock has no object to answer, and says it found none (404).
    NoObject,
    /// A file download: the file's bytes, or (for a record no file was uploaded for) a 404
    /// saying so.
    File,
}

fn expect(c: &Call) -> Expect {
    let unsatisfiable: Vec<&'static str> =
        c.r.elements()
            .iter()
            .filter(|e| e.required && !e.api_in)
            .map(|e| e.name)
            .collect();
    if matches!(c.a.kind, ActionKind::Create | ActionKind::BulkCreate) && !unsatisfiable.is_empty()
    {
        return Expect::Unsatisfiable(unsatisfiable);
    }
    if c.a.kind == ActionKind::Collection
        && c.a.method == coupa_runtime::Method::Get
        && c.a.answers == Answers::Object
    {
        return Expect::NoObject;
    }
    if c.a.answers == Answers::File {
        return Expect::File;
    }
    Expect::Served
}

/// The messages of a Coupa error body in either format.
fn messages(format: Format, body: &[u8]) -> Vec<String> {
    coupa_runtime::CoupaErrors::parse(format, body)
        .map(|e| e.messages().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Checks an answer against what the call expects.
fn check(c: &Call, format: Format, status: u16, body: &[u8]) -> Result<(), String> {
    let ok = (200..300).contains(&status);
    match expect(c) {
        Expect::Served if ok => check_answer(c, format, body),
        Expect::File if ok => Ok(()),
        Expect::File
            if status == 404
                && messages(format, body)
                    .iter()
                    .any(|m| m.ends_with("does not have a file attached")) =>
        {
            Ok(())
        }
        Expect::NoObject if status == 404 && !messages(format, body).is_empty() => Ok(()),
        Expect::Unsatisfiable(names) if status == 400 => {
            let mut want: Vec<String> = names
                .iter()
                .map(|n| format!("/{n}: `{n}` is required to create this object"))
                .collect();
            let mut got = messages(format, body);
            want.sort();
            got.sort();
            if got == want {
                Ok(())
            } else {
                Err(format!("refused with {got:?}, not {want:?}"))
            }
        }
        _ => Err(format!(
            "{status} {}",
            String::from_utf8_lossy(body)
                .chars()
                .take(300)
                .collect::<String>()
        )),
    }
}

/// Checks that an answer reads as what the route answers.
fn check_answer(c: &Call, format: Format, body: &[u8]) -> Result<(), String> {
    let read = match c.a.answers {
        Answers::Object => (c.r.codec.read)(format, body).map(|_| ()),
        Answers::List => (c.r.codec.read_list)(format, body).map(|_| ()),
        Answers::Envelope => {
            let env = c.r.list_envelope.as_ref().ok_or("no list envelope")?;
            (env.codec.read)(format, body).map(|_| ())
        }
        Answers::BulkResult => {
            let env = c.r.bulk_result.as_ref().ok_or("no bulk-result envelope")?;
            (env.codec.read)(format, body).map(|_| ())
        }
        Answers::File => return Ok(()),
    };
    read.map_err(|e| format!("the answer does not read: {e}"))
}

async fn every_route(format: Format) {
    let (seed, calls) = plan();
    let mut config = MockConfig::unlimited();
    config.seed = Some(seed);
    let server = MockServer::start(config).await.expect("the mock starts");
    let http = reqwest::Client::new();
    let scopes: BTreeSet<&str> = RESOURCES
        .iter()
        .flat_map(|r| r.routes.iter().filter_map(|a| a.scope))
        .collect();
    let scopes: Vec<&str> = scopes.into_iter().collect();
    let token = token(&http, &server.core_url(), &scopes.join(" ")).await;
    let media = match format {
        Format::Json => JSON,
        Format::Xml => XML,
    };

    let started = Instant::now();
    let mut failed = Vec::new();
    let mut served = 0;
    for c in &calls {
        let base = match c.a.host {
            Host::Core => server.core_url(),
            Host::Cso => server.cso_url(),
        };
        let mut rb = http
            .request(c.a.method.to_http(), format!("{base}{}", c.path))
            .header(ACCEPT, media);
        rb = match c.a.host {
            Host::Core => rb.header(AUTHORIZATION, format!("Bearer {token}")),
            Host::Cso => rb.header("X-CSO-API-KEY", "mock-cso-key"),
        };
        match &c.body {
            None => {}
            Some(Body::Json(v)) => {
                rb = rb.header(CONTENT_TYPE, media).body(encode(c, v, format));
            }
            Some(Body::Form) => {
                let (content_type, bytes) = form(c);
                rb = rb.header(CONTENT_TYPE, content_type).body(bytes);
            }
        }
        let res = rb.send().await.expect("the mock answers");
        let status = res.status().as_u16();
        let body = res.bytes().await.expect("a body");
        let what = format!(
            "{} {} ({} {})",
            c.r.name,
            c.a.name,
            c.a.method.as_str(),
            c.path
        );
        if (200..300).contains(&status) {
            served += 1;
        }
        if let Err(e) = check(c, format, status, &body) {
            failed.push(format!("{what}: {e}"));
        }
    }
    let took = started.elapsed();
    eprintln!(
        "{} routes in {format}: {:.2?} ({:.2?} a call), {served} answered 2xx",
        calls.len(),
        took,
        took / calls.len() as u32
    );
    server.shutdown().await.expect("the mock stops");
    assert!(
        failed.is_empty(),
        "{} of {} routes were not served in {format}:\n{}",
        failed.len(),
        calls.len(),
        failed.join("\n")
    );
    let routes: usize = RESOURCES.iter().map(|r| r.routes.len()).sum();
    assert_eq!(
        calls.len(),
        routes,
        "every route of the registry was called"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_of_the_registry_in_json() {
    every_route(Format::Json).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_of_the_registry_in_xml() {
    every_route(Format::Xml).await;
}
