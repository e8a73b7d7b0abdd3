//! One test per kind of defect: the snapshot holds the diagnostics, every YAML file and the
//! report.

use crate::render;

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(render(stringify!($name)));
            }
        )*
    };
}

cases!(
    garbage_formats,
    typeless_items,
    duplicate_identical,
    duplicate_differing,
    split_path,
    self_references,
    question_twins,
    placeholder_enums,
    typed_enums,
    hyphenated_names,
    namespaced_collections,
    nested_and_patch,
    multipart,
    downloads,
    image_style,
    shifted_row,
    rows_off_header,
    self_reference_page_type,
    mixed_releases,
    malformed,
    non_core_page,
    page_title_match,
    page_only_routes,
);
