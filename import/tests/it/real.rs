//! The real R39 release, when `COUPA_SHARED` names the folder of Coupa's files
//! (`COUPA_SHARED=../shared/coupa cargo test -p coupa-import -- --ignored`). CI checks the
//! committed import with `cargo xtask import --check` instead.

use std::path::PathBuf;

use coupa_import::{Coverage, Release};

#[test]
#[ignore = "needs Coupa's files: set COUPA_SHARED"]
fn r39_counts() {
    let Some(dir) = std::env::var_os("COUPA_SHARED").map(PathBuf::from) else {
        return;
    };
    let r =
        Release::read(&dir.join("swagger").join("R39"), &dir.join("pages")).expect("R39 imports");
    let c = Coverage::of(&r);
    assert_eq!(
        (c.swagger_operations, c.definitions, c.tags, c.properties),
        (809, 308, 92, 5516)
    );
    assert_eq!(c.operations + r.left_out.len(), c.swagger_operations);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}
