//! The same inputs give the same bytes, whatever order the files come in.

use coupa_import::Release;

use crate::files;

const CASES: [&str; 6] = [
    "garbage_formats",
    "duplicate_identical",
    "split_path",
    "nested_and_patch",
    "shifted_row",
    "non_core_page",
];

#[test]
fn file_order_does_not_matter() {
    for case in CASES {
        let (swagger, pages) = (files(case, "swagger"), files(case, "pages"));
        let first = Release::from_sources(&swagger, &pages)
            .expect("imports")
            .outputs();
        let (mut rs, mut rp) = (swagger.clone(), pages.clone());
        rs.reverse();
        rp.reverse();
        let again = Release::from_sources(&rs, &rp).expect("imports").outputs();
        assert_eq!(first, again, "{case}: another file order gave other bytes");
        assert!(!first.is_empty());
    }
}

#[test]
fn two_imports_agree() {
    let a = crate::render("nested_and_patch");
    let b = crate::render("nested_and_patch");
    assert_eq!(a, b);
}
