//! What Coupa fills in by itself, by Rails' conventions, which the Swagger does not state: the
//! `id`, the `created-at` and `updated-at` timestamps, and the `created-by` and `updated-by`
//! users. They are marked `assigned` (so the generated validators and the mock know Coupa sets
//! them), and the users are made output-only where neither the Swagger nor a page says whether
//! they are accepted (the Swagger marks no reference read-only).

use std::collections::BTreeMap;

use crate::model::{Definition, Source, Type};

/// The element names Coupa assigns, with the `assigned` value each gets.
const ASSIGNED: [(&str, &str); 5] = [
    ("id", "id"),
    ("created-at", "created-at"),
    ("updated-at", "updated-at"),
    ("created-by", "created-by"),
    ("updated-by", "updated-by"),
];

/// Marks what Coupa assigns in every definition; returns how many elements were marked, and
/// how many users became output-only.
pub(crate) fn apply(defs: &mut BTreeMap<String, Definition>) -> (usize, usize) {
    let (mut marked, mut out_only) = (0, 0);
    for d in defs.values_mut() {
        for e in &mut d.elements {
            let Some((_, value)) = ASSIGNED.iter().find(|(n, _)| *n == e.name) else {
                continue;
            };
            let fits = match (*value, &e.ty) {
                ("id", Type::Integer) => e.read_only,
                ("created-at" | "updated-at", Type::DateTime) => true,
                ("created-by" | "updated-by", Type::Ref(_)) => !e.list,
                _ => false,
            };
            if !fits {
                continue;
            }
            e.assigned = Some(value);
            marked += 1;
            if matches!(*value, "created-by" | "updated-by") && e.in_out_source == Source::Default {
                e.api_in = false;
                out_only += 1;
            }
        }
    }
    (marked, out_only)
}
