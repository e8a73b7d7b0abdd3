//! The coverage figures at the top of the report: what was imported out of what the sources hold.

use std::collections::BTreeSet;

use crate::Release;

/// Imported against present, for operations, types, elements and pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Coverage {
    /// Operations that became actions.
    pub operations: usize,
    /// Operations in the Swagger files (merged).
    pub swagger_operations: usize,
    /// Schema files written (resources and shapes).
    pub types: usize,
    /// Definitions in the Swagger files (distinct names).
    pub definitions: usize,
    /// Elements written.
    pub elements: usize,
    /// Properties of the definitions (distinct definitions).
    pub properties: usize,
    /// Resources written.
    pub resources: usize,
    /// Distinct tags of the Swagger's operations.
    pub tags: usize,
    /// Core reference pages matched to a definition.
    pub pages_matched: usize,
    /// Core reference pages.
    pub core_pages: usize,
}

impl Coverage {
    pub fn of(r: &Release) -> Coverage {
        let used: BTreeSet<&str> = r
            .definitions
            .values()
            .filter_map(|d| d.page.as_ref().map(|p| p.file.as_str()))
            .collect();
        Coverage {
            operations: r.resources.values().map(|x| x.actions.len()).sum(),
            swagger_operations: r.operation_count,
            types: r.definitions.len(),
            definitions: r.definitions.len(),
            elements: r.definitions.values().map(|d| d.elements.len()).sum(),
            properties: r.definitions.values().map(|d| d.elements.len()).sum(),
            resources: r.resources.len(),
            tags: r.tag_count,
            pages_matched: r
                .pages
                .iter()
                .filter(|p| p.core && used.contains(p.file.as_str()))
                .count(),
            core_pages: r.pages.iter().filter(|p| p.core).count(),
        }
    }
}
