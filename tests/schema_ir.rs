//! The IR of the real schemas, as a snapshot: a change to any YAML shows up as a reviewable diff.

use coupa_tests::root;

#[test]
fn real_schemas_compile_without_diagnostics() {
    let ir = coupa_codegen::compile_dir(&root().join("schema"))
        .unwrap_or_else(|f| panic!("{}", f.render()));
    // The 41 rows of the five action tables, plus POST /api/comments and the two attachment routes.
    assert_eq!(ir.routes().count(), 44);
    let per_resource: Vec<(String, usize)> = ir
        .resources()
        .map(|(t, r)| (t.name.clone(), r.actions.len()))
        .collect();
    assert_eq!(
        per_resource,
        vec![
            ("Comment".to_owned(), 18),
            ("Delegation".to_owned(), 1),
            ("Event".to_owned(), 7),
            ("IntegrationError".to_owned(), 8),
            ("IntegrationRun".to_owned(), 10),
        ]
    );
}

#[test]
fn ir_snapshot() {
    let ir = coupa_codegen::compile_dir(&root().join("schema"))
        .unwrap_or_else(|f| panic!("{}", f.render()));
    insta::assert_json_snapshot!("ir", ir);
}

#[test]
fn ir_is_deterministic() {
    let a = coupa_codegen::compile_dir(&root().join("schema")).unwrap();
    let b = coupa_codegen::compile_dir(&root().join("schema")).unwrap();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}
