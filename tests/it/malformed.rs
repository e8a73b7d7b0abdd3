//! The malformed payload corpus: every file under `tests/malformed/<model>/` is a payload the
//! model must refuse, and each is pinned to its error: the message, the line and the column (the
//! snapshot `malformed__<model>__<case>__<ext>` holds `DecodeError`'s `Display`, which carries all
//! three and the JSON pointer of the value being read) and, in [`CASES`], a phrase the message
//! must contain whatever the snapshot says.
//!
//! The cases too large to commit are built here: a 10 MB string, 100,000 nested arrays or
//! objects in JSON and 100,000 nested elements in XML. Every decode runs on a thread with a
//! 256 KiB stack ([`SMALL_STACK`]), which proves that no input recurses without bound: a
//! stack overflow aborts the test binary (and with it the other suites of `tests/it/`: the run
//! fails either way).
//!
//! Some inputs are not errors, by decision, and are pinned as such here: duplicate keys in an
//! open object (JSON keeps the last, XML keeps all as a list), integers beyond `u64` in an open
//! object (JSON reads a float, XML refuses), a CSO id with letters (read, then refused by
//! validation). See `coupa_runtime::wire` for the rules.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use coupa_api::comments::Comment;
use coupa_api::event_bulk_request::EventBulkRequest;
use coupa_api::events::Event;
use coupa_api::integration_runs::IntegrationRun;
use coupa_runtime::validate::validate_with;
use coupa_runtime::{CoupaErrors, Decimal, DecodeError, Format, Mode, Preserved, wire};
use coupa_tests::root;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The stack every decode runs on: small enough that unbounded recursion overflows it.
const SMALL_STACK: usize = 256 * 1024;

/// Each case (relative to `tests/malformed/`) and a phrase its error message must contain.
const CASES: &[(&str, &str)] = &[
    // Truncated and empty documents.
    (
        "integration-run/truncated-object.json",
        "EOF while parsing an object",
    ),
    (
        "integration-run/truncated-string.json",
        "EOF while parsing a string",
    ),
    (
        "integration-run/truncated-escape.json",
        "EOF while parsing a string",
    ),
    ("integration-run/empty.json", "EOF while parsing a value"),
    (
        "integration-run/trailing-characters.json",
        "trailing characters",
    ),
    ("integration-run/truncated.xml", "ends inside <integration>"),
    ("integration-run/truncated-tag.xml", "tag not closed"),
    ("integration-run/mismatched-end-tag.xml", "integration-run"),
    ("integration-run/empty.xml", "no root element"),
    (
        "integration-run/two-roots.xml",
        "content after the root element",
    ),
    (
        "integration-run/text-outside-root.xml",
        "text outside the root element",
    ),
    ("integration-run/unclosed-comment.xml", "comment"),
    // Wrong types.
    (
        "integration-run/wrong-type-string-for-integer.json",
        "invalid type: string \"12\", expected i64",
    ),
    (
        "integration-run/wrong-type-object-for-string.json",
        "invalid type: map, expected a string",
    ),
    (
        "integration-run/wrong-type-object-for-list.json",
        "invalid type: map, expected a sequence",
    ),
    (
        "integration-run/wrong-type-list-for-object.json",
        "invalid type: sequence, expected struct IntegrationRun",
    ),
    // serde's derive read an array where an object is expected positionally, a field per item;
    // the models refuse it (Coupa never sends one).
    (
        "integration-run/wrong-type-list-for-nested-object.json",
        "invalid type: sequence, expected struct Integration",
    ),
    (
        "integration-run/wrong-type-string-for-object.json",
        "invalid type: string \"integration-run\", expected struct IntegrationRun",
    ),
    (
        "integration-run/text-for-object.xml",
        "<integration> holds text where an object was expected",
    ),
    (
        "integration-run/list-for-object.xml",
        "<integration> is a list where an object was expected",
    ),
    (
        "integration-run/text-for-list.xml",
        "<integration-errors> holds text where a list was expected",
    ),
    (
        "integration-run/elements-for-value.xml",
        "<total-records> holds elements where a value was expected",
    ),
    (
        "integration-run/integer-not-a-number.xml",
        "`twelve` is not an integer",
    ),
    (
        "comment/boolean-not-true-or-false.json",
        "invalid type: string \"yes\", expected a boolean",
    ),
    (
        "comment/boolean-not-true-or-false.xml",
        "`yes` is not a boolean",
    ),
    (
        "event-bulk-request/events-not-a-list.json",
        "invalid type: map, expected a sequence",
    ),
    (
        "event-bulk-request/item-not-an-object.json",
        "invalid type: integer `7`, expected struct Event",
    ),
    (
        "event-bulk-request/id-as-number.json",
        "invalid type: integer `9220000000000000001`, expected a string",
    ),
    // Numbers beyond i64, fractions, exponents, NaN.
    (
        "integration-run/integer-beyond-i64.json",
        "invalid value: integer `9223372036854775808`, expected i64",
    ),
    (
        "integration-run/integer-beyond-u64.json",
        "invalid type: floating point `1e+20`, expected i64",
    ),
    (
        "integration-run/integer-with-fraction.json",
        "invalid type: floating point `12.5`, expected i64",
    ),
    (
        "integration-run/integer-with-exponent.json",
        "invalid type: floating point `1000.0`, expected i64",
    ),
    ("integration-run/nan.json", "expected value"),
    (
        "integration-run/integer-beyond-i64.xml",
        "`9223372036854775808` is not an integer",
    ),
    // Text that is not valid text.
    (
        "integration-run/invalid-utf8.json",
        "invalid unicode code point",
    ),
    ("integration-run/invalid-utf8.xml", "not valid UTF-8"),
    ("integration-run/lone-surrogate.json", "hex escape"),
    (
        "integration-run/control-character.json",
        "control character",
    ),
    ("integration-run/byte-order-mark.json", "expected value"),
    (
        "integration-run/invalid-character-reference.xml",
        "invalid character reference",
    ),
    (
        "integration-run/surrogate-character-reference.xml",
        "invalid character reference",
    ),
    (
        "integration-run/duplicate-attribute.xml",
        "an attribute is given twice",
    ),
    (
        "integration-run/unquoted-attribute.xml",
        "an attribute value must be enclosed",
    ),
    // Duplicate keys in a model: an error (serde's derive), the alias counting as the element.
    (
        "integration-run/duplicate-key.json",
        "duplicate field `total-records`",
    ),
    (
        "integration-run/duplicate-key-alias.json",
        "duplicate field `total-records`",
    ),
    (
        "integration-run/duplicate-key-nested.json",
        "duplicate field `code`",
    ),
    (
        "integration-run/duplicate-element.xml",
        "duplicate field `total-records`",
    ),
    // Entities and DOCTYPE declarations: refused, never expanded, nothing fetched.
    ("integration-run/billion-laughs.xml", "DOCTYPE"),
    ("integration-run/external-entity.xml", "DOCTYPE"),
    ("integration-run/external-dtd.xml", "DOCTYPE"),
    ("integration-run/parameter-entity.xml", "DOCTYPE"),
    (
        "integration-run/undeclared-entity.xml",
        "`&xxe;` is not one of XML's predefined entities",
    ),
    // Datetimes need their offset.
    (
        "integration-run/datetime-without-offset.json",
        "is not a datetime with a UTC offset",
    ),
    (
        "integration-run/datetime-without-offset.xml",
        "is not a datetime with a UTC offset",
    ),
    (
        "integration-run/datetime-impossible-date.json",
        "is not a datetime with a UTC offset",
    ),
    (
        "integration-run/datetime-as-number.json",
        "invalid type: integer `1616091650`, expected a datetime",
    ),
    // Decimals (no element of the schemas is a decimal yet: read as the runtime's type).
    ("decimal/not-a-number.json", "is not a decimal amount"),
    ("decimal/comma.json", "`12,50` is not a decimal amount"),
    ("decimal/exponent.json", "`1e5` is not a decimal amount"),
    ("decimal/sign-only.json", "`-` is not a decimal amount"),
    ("decimal/boolean.json", "invalid type: boolean `true`"),
    (
        "decimal/not-a-number.xml",
        "`12,50` is not a decimal amount",
    ),
];

/// Reads `bytes` as the model a case directory names, and answers the value as JSON text.
fn decode_as(model: &str, format: Format, bytes: &[u8]) -> Result<String, DecodeError> {
    fn read<T: DeserializeOwned + Serialize>(
        format: Format,
        bytes: &[u8],
    ) -> Result<String, DecodeError> {
        let v: T = wire::decode(format, bytes)?;
        Ok(serde_json::to_string(&v).expect("a decoded value writes"))
    }
    match model {
        "integration-run" => read::<IntegrationRun>(format, bytes),
        "comment" => read::<Comment>(format, bytes),
        "event" => read::<Event>(format, bytes),
        "event-bulk-request" => read::<EventBulkRequest>(format, bytes),
        "decimal" => read::<Decimal>(format, bytes),
        other => panic!("tests/malformed/{other}/: no model is named so; add it to decode_as"),
    }
}

/// Runs `f` on a thread with a [`SMALL_STACK`].
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .name("small-stack".into())
        .stack_size(SMALL_STACK)
        .spawn(f)
        .expect("spawn a thread")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e))
}

fn format_of(case: &str) -> Format {
    let ext = Path::new(case)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    Format::from_extension(ext).unwrap_or_else(|| panic!("{case}: not .json or .xml"))
}

fn snapshot_name(case: &str) -> String {
    case.replace(['/', '.'], "__")
}

fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_omit_expression(true);
    settings.set_prepend_module_to_snapshot(true);
    settings.bind(|| insta::assert_snapshot!(name.to_owned(), text));
}

/// The files under `tests/malformed/`, relative to it.
fn files() -> BTreeSet<String> {
    let dir = root().join("tests/malformed");
    let mut out = BTreeSet::new();
    for model in std::fs::read_dir(&dir).expect("tests/malformed") {
        let model = model.expect("an entry").path();
        if !model.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&model).expect("a model directory") {
            let f = f.expect("an entry").path();
            let rel = f.strip_prefix(&dir).expect("under the corpus");
            out.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    out
}

#[test]
fn every_file_is_a_case_and_every_case_a_file() {
    let files = files();
    let cases: BTreeSet<String> = CASES.iter().map(|(c, _)| (*c).to_owned()).collect();
    assert_eq!(cases.len(), CASES.len(), "a case is listed twice");
    let unlisted: Vec<&String> = files.difference(&cases).collect();
    let missing: Vec<&String> = cases.difference(&files).collect();
    assert!(unlisted.is_empty(), "files not in CASES: {unlisted:?}");
    assert!(missing.is_empty(), "CASES without a file: {missing:?}");
}

#[test]
fn every_case_fails_with_its_error() {
    let dir = root().join("tests/malformed");
    // Decode everything on a small stack, then check on this thread.
    let results: Vec<(&str, &str, Result<String, DecodeError>)> = on_small_stack(move || {
        CASES
            .iter()
            .map(|(case, phrase)| {
                let bytes = std::fs::read(dir.join(case)).expect("read the case");
                let model = case.split('/').next().expect("a model directory");
                (*case, *phrase, decode_as(model, format_of(case), &bytes))
            })
            .collect()
    });
    let mut failed = Vec::new();
    for (case, phrase, result) in results {
        let check = || {
            let e = match result {
                Ok(v) => panic!("{case}: decoded to {v}"),
                Err(e) => e,
            };
            assert_eq!(e.format, format_of(case), "{case}");
            assert!(
                e.message.contains(phrase),
                "{case}: `{}` does not say `{phrase}`",
                e.message
            );
            assert!(e.line >= 1 && e.column >= 1, "{case}: no position: {e}");
            snapshot(&snapshot_name(case), &e.to_string());
        };
        if catch_unwind(AssertUnwindSafe(check)).is_err() {
            failed.push(case);
        }
    }
    assert!(
        failed.is_empty(),
        "{} case(s) failed: {failed:?}",
        failed.len()
    );
}

/// Every way a payload is read in this workspace, for the hostile inputs built below: the model,
/// a list of the model, `Preserved` (which also reads the payload untyped), an untyped value and
/// Coupa's error-body reader. Answers the model's error (the others must fail or, for the error
/// reader, answer `None`, without crashing).
fn read_every_way(format: Format, bytes: Vec<u8>) -> Result<String, DecodeError> {
    on_small_stack(move || {
        let typed = decode_as("integration-run", format, &bytes);
        let list = wire::decode_list::<IntegrationRun>(format, &bytes).map(|_| ());
        let preserved = Preserved::<IntegrationRun>::decode(format, &bytes).map(|_| ());
        let untyped = wire::decode::<serde_json::Value>(format, &bytes).map(|_| ());
        let _ = CoupaErrors::parse(format, &bytes);
        if typed.is_err() {
            assert!(
                list.is_err() && preserved.is_err(),
                "{format}: read by one way only"
            );
        }
        let _ = untyped;
        typed
    })
}

fn nested(open: &str, close: &str, n: usize, leaf: &str) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * n + leaf.len());
    for _ in 0..n {
        s.push_str(open);
    }
    s.push_str(leaf);
    for _ in 0..n {
        s.push_str(close);
    }
    s
}

/// 100,000 nested arrays or objects in JSON, at the root, in an open object (`flow`) and under an
/// element the model does not know: refused at depth 65, with the position of the bracket.
#[test]
fn json_nested_100000_deep_is_refused_without_recursion() {
    let arrays = nested("[", "]", 100_000, "1");
    let objects = nested("{\"a\":", "}", 100_000, "1");
    let cases = [
        ("root", arrays.clone()),
        (
            "in_open_object",
            format!("{{\"flow\": {{\"steps\": {arrays}}}}}"),
        ),
        ("in_unknown_element", format!("{{\"zzz\": {arrays}}}")),
        (
            "objects_in_unknown_element",
            format!("{{\"zzz\": {objects}}}"),
        ),
    ];
    let mut out = String::new();
    for (name, text) in cases {
        let e = read_every_way(Format::Json, text.into_bytes()).expect_err(name);
        assert!(
            e.message.contains("nested more than 64 deep"),
            "{name}: {e}"
        );
        out.push_str(&format!("{name}: {e}\n"));
    }
    snapshot("json_nested_100000_deep", &out);
}

/// 100,000 nested elements in XML: refused when the parser reaches depth 66 (the parser is a loop,
/// and the tree it builds is never deeper than that).
#[test]
fn xml_nested_100000_deep_is_refused_without_recursion() {
    let elements = nested("<a>", "</a>", 100_000, "1");
    let lists = nested("<a type=\"array\">", "</a>", 100_000, "");
    let cases = [
        ("root", elements.clone()),
        (
            "in_open_object",
            format!("<integration-run><flow>{elements}</flow></integration-run>"),
        ),
        (
            "in_unknown_element",
            format!("<integration-run>{elements}</integration-run>"),
        ),
        (
            "lists_in_unknown_element",
            format!("<integration-run>{lists}</integration-run>"),
        ),
    ];
    let mut out = String::new();
    for (name, text) in cases {
        let e = read_every_way(Format::Xml, text.into_bytes()).expect_err(name);
        assert!(e.message.contains("nested"), "{name}: {e}");
        out.push_str(&format!("{name}: {e}\n"));
    }
    snapshot("xml_nested_100000_deep", &out);
}

/// As deep as allowed, with a mistake at the bottom: the error is reported with its path, on the
/// small stack (the JSON reader reads a second time to find the path).
///
/// The margin is real but not wide in a debug build: the worst read here (XML into a model with
/// an open object) needs about 224 KiB. If this test overflows, a change made a frame on the
/// decoding path bigger (`coupa_runtime::xml`'s `deserialize_any` keeps its branches in
/// functions of their own for that reason); make it smaller rather than the stack bigger.
#[test]
fn the_deepest_allowed_nesting_reads_on_a_small_stack() {
    // The root object and `flow` are two levels: 62 arrays make 64.
    let ok = format!("{{\"flow\": {{\"steps\": {}}}}}", nested("[", "]", 62, "1"));
    let bad = format!(
        "{{\"flow\": {{\"steps\": {}}}, \"zzz\": {}}}",
        nested("[", "]", 62, "1"),
        nested("[", "]", 63, "1,")
    );
    read_every_way(Format::Json, ok.into_bytes()).expect("64 deep reads");
    let e = read_every_way(Format::Json, bad.into_bytes()).expect_err("a syntax error");
    assert_eq!(e.line, 1);
    let xml = format!(
        "<integration-run><flow>{}</flow></integration-run>",
        nested("<a>", "</a>", 62, "<b>1</b>")
    );
    // integration-run, flow and 62 <a> hold elements (64 levels); <b> is the 65th.
    read_every_way(Format::Xml, xml.into_bytes()).expect("65 deep reads");
}

/// A 10 MB string: where a number is expected it is an error whose message quotes only the ends
/// of it; where text is expected it is read, and validation reports its length.
#[test]
fn a_10_megabyte_string() {
    const TEN_MB: usize = 10 * 1024 * 1024;
    let digits = "9".repeat(TEN_MB);
    let mut out = String::new();
    for (name, format, text) in [
        (
            "json_integer",
            Format::Json,
            format!("{{\"total-records\": \"{digits}\"}}"),
        ),
        (
            "json_number",
            Format::Json,
            format!("{{\"total-records\": {digits}}}"),
        ),
        (
            "xml_integer",
            Format::Xml,
            format!(
                "<integration-run><total-records type=\"integer\">{digits}</total-records></integration-run>"
            ),
        ),
    ] {
        let e = read_every_way(format, text.into_bytes()).expect_err(name);
        assert!(
            e.to_string().chars().count() < 400,
            "{name}: a message of {} characters",
            e.to_string().len()
        );
        out.push_str(&format!("{name}: {e}\n"));
    }
    // A 10 MB key the model does not know is skipped; a 10 MB element name too.
    let key = format!("{{\"{}\": 1, \"total-records\": 3}}", "k".repeat(TEN_MB));
    let v = read_every_way(Format::Json, key.into_bytes()).expect("an unknown key is skipped");
    out.push_str(&format!("json_key: read as {v}\n"));
    let name = "k".repeat(TEN_MB);
    let xml = format!("<integration-run><{name}>1</{name}></integration-run>");
    let v = read_every_way(Format::Xml, xml.into_bytes()).expect("an unknown element is skipped");
    out.push_str(&format!("xml_element_name: read as {v}\n"));
    // Text: read, then refused by the length rule (commentable-type is string(255)).
    for format in [Format::Json, Format::Xml] {
        let text = "x".repeat(TEN_MB);
        let body = match format {
            Format::Json => format!("{{\"comments\": \"ok\", \"commentable-type\": \"{text}\"}}"),
            Format::Xml => format!(
                "<comment><comments>ok</comments><commentable-type>{text}</commentable-type></comment>"
            ),
        };
        let c: Comment = on_small_stack(move || wire::decode(format, body.as_bytes()))
            .expect("10 MB of text reads");
        let v = validate_with(&c, Mode::Create, None, None).expect_err("too long");
        out.push_str(&format!("{format}_text: {v}\n"));
    }
    snapshot("ten_megabyte_string", &out);
}

/// Inputs that are not errors, by decision, pinned with what they read as.
#[test]
fn decided_behaviours_are_pinned() {
    let cases: [(&str, Format, &str); 5] = [
        // An open object given a key twice in JSON: the last value wins, as in serde_json and in
        // Ruby's JSON parser (Coupa's). Model elements given twice are errors (see CASES).
        (
            "json_duplicate_key_in_open_object",
            Format::Json,
            r#"{"flow": {"step": "a", "step": "b"}}"#,
        ),
        // In XML, an element repeated in an open object is a list, as Rails reads it.
        (
            "xml_repeated_element_in_open_object",
            Format::Xml,
            "<integration-run><flow><step>a</step><step>b</step></flow></integration-run>",
        ),
        // An integer beyond u64 in an open object: JSON reads a float (serde_json's choice)...
        (
            "json_integer_beyond_u64_in_open_object",
            Format::Json,
            r#"{"flow": {"n": 123456789012345678901234567890}}"#,
        ),
        // ... while i64::MAX + 1 still fits u64 and stays exact.
        (
            "json_integer_beyond_i64_in_open_object",
            Format::Json,
            r#"{"flow": {"n": 9223372036854775808}}"#,
        ),
        // An empty element where an object is expected is an empty object.
        (
            "xml_empty_element_for_object",
            Format::Xml,
            "<integration-run><integration/></integration-run>",
        ),
    ];
    let mut out = String::new();
    for (name, format, text) in cases {
        let r = decode_as("integration-run", format, text.as_bytes());
        let shown = match &r {
            Ok(v) => format!("read as {v}"),
            Err(e) => format!("error: {e}"),
        };
        out.push_str(&format!("{name}: {shown}\n"));
    }
    // XML refuses an integer beyond u64 even in an open object.
    let e = decode_as(
        "integration-run",
        Format::Xml,
        b"<integration-run><flow><n type=\"integer\">123456789012345678901234567890</n></flow></integration-run>",
    )
    .expect_err("beyond u64");
    out.push_str(&format!(
        "xml_integer_beyond_u64_in_open_object: error: {e}\n"
    ));
    snapshot("decided_behaviours", &out);
}

/// A CSO id is a string of digits: one with letters reads (the model's type is a string), and
/// validation refuses it, for the id of a bulk update and for a market id.
#[test]
fn a_cso_id_with_letters_is_refused_by_validation() {
    let body = br#"{"events": [{"id": "92200000000000000A1", "name": "Q3 sourcing"}]}"#;
    let req: EventBulkRequest = wire::decode(Format::Json, body).expect("reads");
    let update = coupa_runtime::validate::validate_envelope(
        req.events.as_deref(),
        "events",
        coupa_runtime::ActionKind::BulkUpdate,
    )
    .expect_err("letters in an id");
    let event: Event = wire::decode(
        Format::Json,
        br#"{"market-id": "92205387532205653x9", "name": "Q3 sourcing"}"#,
    )
    .expect("reads");
    let create = validate_with(&event, Mode::Create, None, None).expect_err("letters");
    let rules: Vec<&str> = update
        .iter()
        .chain(create.iter())
        .map(|v| v.rule.as_str())
        .collect();
    assert!(rules.iter().all(|r| *r == "format"), "{rules:?}");
    snapshot(
        "cso_id_with_letters",
        &format!("bulk update: {update}\ncreate: {create}\n"),
    );
}
