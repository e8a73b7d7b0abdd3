//! Section 0: the size of the generated code, read from git (see `crate::sizes`); every run
//! writes it.

use std::path::Path;

use super::machine::Machine;
use super::report::{Section, Target, section, targets_table};

pub(super) fn size(root: &Path, m: &Machine) -> Result<Section, String> {
    let mut s = section(
        "size",
        "0. Generated code size",
        m,
        &["cargo xtask bench".to_owned()],
    );
    let head = m.commit.split_whitespace().next().unwrap_or("HEAD");
    let (body, ratio) = crate::sizes::section(root, head)?;
    s.push_str(&body);
    targets_table(
        &mut s,
        &[Target {
            name: "issue 11: fewer generated lines per resource".into(),
            target:
                "lines of the five resources (modules and registry) after issue 11 ≤ 0.70 × before"
                    .into(),
            measured: format!("{ratio:.2}×"),
            met: ratio <= 0.70,
        }],
    );
    Ok(Section {
        key: "size",
        body: s,
    })
}
