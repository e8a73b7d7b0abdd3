//! The node reader end to end: positions, recovery, and errors.

use super::*;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Item {
    name: Sp<String>,
    #[serde(default)]
    count: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    items: Vec<Recover<Item>>,
}

fn load(text: &str) -> (Option<File>, Vec<DeError>) {
    let node = parse(text).expect("yaml parses");
    let (f, errs) = from_node::<File>(&node, text);
    (f, errs)
}

#[test]
fn positions_are_kept() {
    let text = "items:\n  - name: first\n  - name: 'second'\n";
    let node = parse(text).unwrap();
    let (f, errs) = from_node::<File>(&node, text);
    assert!(errs.is_empty(), "{errs:?}");
    let f = f.unwrap();
    let Recover::Ok(second) = &f.items[1] else {
        panic!()
    };
    assert_eq!(second.name.value, "second");
    assert_eq!(second.name.loc, Loc::at(3, 11, 8));
}

#[test]
fn every_bad_item_is_reported_and_the_rest_is_read() {
    let text = "items:\n  - nmae: a\n    name: ok\n  - name: b\n    count: lots\n  - name: c\n    colour: red\n";
    let (f, errs) = load(text);
    let f = f.unwrap();
    assert!(matches!(f.items[0], Recover::Ok(_)));
    assert!(matches!(f.items[1], Recover::Failed));
    assert!(matches!(f.items[2], Recover::Ok(_)));
    let got: Vec<_> = errs
        .iter()
        .map(|e| (e.code, e.loc.unwrap().line, e.loc.unwrap().col))
        .collect();
    assert_eq!(
        got,
        vec![
            ("unknown-key", 2, 5),
            ("wrong-type", 5, 12),
            ("unknown-key", 7, 5)
        ]
    );
    assert_eq!(errs[0].hint.as_deref(), Some("did you mean `name`?"));
}

#[test]
fn missing_key_points_at_the_mapping() {
    let (_, errs) = load("items:\n  - count: 2\n");
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].code, "missing-key");
    assert_eq!(errs[0].loc.unwrap().line, 2);
}

#[test]
fn numbers_read_as_text_keep_their_spelling() {
    let text = "items:\n  - name: 1.10\n";
    let (f, errs) = load(text);
    assert!(errs.is_empty());
    let Recover::Ok(i) = &f.unwrap().items[0] else {
        panic!()
    };
    assert_eq!(i.name.value, "1.10");
    assert_eq!(i.count, None);
}

#[test]
fn syntax_errors_and_budgets_are_reported_not_panicked() {
    let e = parse("a: [1, 2\nb: 3").unwrap_err();
    assert_eq!((e.code, e.loc.line), ("yaml-syntax", 2));
    assert!(!e.message.contains(" at line "), "{}", e.message);
    assert!(e.hint.contains("line 1, column 4"), "{}", e.hint);
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    assert_eq!(parse(bomb).unwrap_err().code, "yaml-limit");
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert_eq!(parse(&deep).unwrap_err().code, "yaml-limit");
    let big = "#".repeat(MAX_FILE_BYTES + 1);
    assert_eq!(parse(&big).unwrap_err().code, "file-too-large");
}
