//! Routes nested under a parent they do not bind: `/api/comments/{comment_id}/attachments` is a
//! route of Attachment, whose objects have no element naming their comment. The mock keeps the
//! link (the parent and its key, then the child's key) beside the records, not in them, so that
//! the wire shape stays the schema's.
//!
//! A route is nested when its path has a parameter before the resource's own collection segment
//! (the resource's name or plural with `_` for `-`: `attachments`) that the route does not bind
//! to an element. The nearest such parameter names the parent, and the literal segment before it
//! the parent's collection (`comments`); a grandparent (`/api/expense_reports/{expense_report_id}
//! /expense_lines/{expense_line_id}/expense_artifacts`) must exist too ([`Nest::ancestors`]), but
//! whether the parent is the grandparent's is not checked. When the segment names a resource of
//! the registry that has a key, the parent must exist in its store (404 otherwise); when it names
//! none (a collection the schemas do not describe, such as `charges`), the link is kept under
//! the segment itself. `of` routes reach into a record's own list element and are not nested in
//! this sense.
//!
//! Three nested routes change the links themselves, by the last segment of their path, as
//! Coupa's assignment routes are written (`/api/users/{user_id}/business_groups/{id}/add`):
//! `{id}/add` links an existing record to the parent, `{id}/remove` unlinks it, and
//! `remove_all` unlinks every record of the parent ([`Relink`]).

use coupa_api::registry;
use coupa_runtime::registry::{ParamKind, Resource, Route};

use crate::store::{Key, ParentRef, key_from_text};

/// The parent a nested route names.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Nest {
    /// The literal segment before the parent's parameter (`comments`).
    pub(crate) segment: &'static str,
    /// The parameter that holds the parent's key (`comment_id`).
    pub(crate) param: &'static str,
    /// That parameter's type.
    kind: ParamKind,
    /// The resource the segment names, if the registry has it (with a key).
    pub(crate) parent: Option<&'static Resource>,
    /// The index of the parameter's segment in the path.
    at: usize,
    /// The route's path.
    path: &'static str,
    /// The change of links the route makes, if any.
    pub(crate) relink: Option<Relink>,
}

impl Nest {
    /// The name links are kept under: the parent resource's, else the path segment.
    pub(crate) fn name(&self) -> &'static str {
        self.parent.map_or(self.segment, |p| p.name)
    }

    /// The parent named by the text of its parameter (`None` when it cannot name one).
    pub(crate) fn parent_ref(&self, text: &str) -> Option<ParentRef> {
        let key = match self.parent {
            Some(p) => key_from_text(p, text)?,
            None => match self.kind {
                ParamKind::Integer => Key::Int(text.parse().ok()?),
                ParamKind::Digits | ParamKind::String => Key::Text(text.to_owned()),
            },
        };
        Some(ParentRef {
            name: self.name(),
            key,
        })
    }

    /// The resources above the parent, each with the parameter naming its record:
    /// `(expense-reports, expense_report_id)` for
    /// `/api/expense_reports/{expense_report_id}/expense_lines/{expense_line_id}/expense_artifacts`.
    /// Only those the registry describes (with a key); each must exist, as the parent must.
    pub(crate) fn ancestors(&self) -> Vec<(&'static Resource, &'static str)> {
        let segments: Vec<&'static str> = self.path.split('/').collect();
        segments[..self.at.saturating_sub(1)]
            .windows(2)
            .filter_map(|w| {
                let param = param_of(w[1])?;
                let parent = registry::resource(w[0]).filter(|p| p.key().is_some())?;
                Some((parent, param))
            })
            .collect()
    }
}

/// How a nested route changes the links between its parent and the records (see the module's
/// doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Relink {
    /// `.../{id}/add`: the record becomes one of the parent's.
    Add,
    /// `.../{id}/remove`: the record is no longer one of the parent's.
    Remove,
    /// `.../remove_all`: the parent has none left.
    RemoveAll,
}

/// The change of links a nested route with this path makes, if any.
fn relink_of(path: &str) -> Option<Relink> {
    let mut segments = path.rsplit('/');
    let last = segments.next()?;
    let member = segments.next().and_then(param_of).is_some();
    match (last, member) {
        ("add", true) => Some(Relink::Add),
        ("remove", true) => Some(Relink::Remove),
        ("remove_all", false) => Some(Relink::RemoveAll),
        _ => None,
    }
}

/// The segment `{name}` holds the parameter `name`.
fn param_of(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

/// Whether a literal path segment is the resource's own collection.
fn is_own_segment(r: &Resource, segment: &str) -> bool {
    let own = |name: &str| segment == name.replace('-', "_");
    own(r.name) || own(r.plural)
}

/// The parent of a route of `r` nested under one it does not bind (see the module's doc).
pub(crate) fn nest(r: &Resource, a: &'static Route) -> Option<Nest> {
    if a.of.is_some() {
        return None;
    }
    let segments: Vec<&'static str> = a.path.split('/').collect();
    let own = segments.iter().rposition(|s| is_own_segment(r, s))?;
    let at = segments[..own]
        .iter()
        .rposition(|s| param_of(s).is_some())?;
    let param = param_of(segments[at])?;
    let bound = a.binds_param(param);
    let segment = *segments[..at].last()?;
    if bound || segment.is_empty() || param_of(segment).is_some() {
        return None;
    }
    let kind = a.params.iter().find(|(p, _)| *p == param)?.1;
    Some(Nest {
        segment,
        param,
        kind,
        parent: registry::resource(segment).filter(|p| p.key().is_some()),
        at,
        path: a.path,
        relink: relink_of(a.path),
    })
}

/// The parent a seed names for a record of `r` (`"@parent": {"comments": 40}`): `name` is the
/// parent of one of `r`'s nested routes (any of the parent resource's registry names, or the
/// path segment), `id` its key.
pub(crate) fn seed_parent(r: &Resource, name: &str, id: &str) -> Result<ParentRef, String> {
    let wanted = registry::resource(name).map_or(name, |p| p.name);
    let n = r
        .routes
        .iter()
        .filter_map(|a| nest(r, a))
        .find(|n| n.name() == wanted || n.segment == name)
        .ok_or_else(|| format!("no route of {} is nested under `{name}`", r.name))?;
    n.parent_ref(id)
        .ok_or_else(|| format!("`{id}` is not a key of `{name}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(resource: &str, action: &str) -> (&'static Resource, &'static Route) {
        let r = registry::resource(resource).expect("a resource");
        (r, r.action(action).expect("an action"))
    }

    #[test]
    fn a_comments_attachments_are_nested_under_it() {
        for action in [
            "index-for-comment",
            "show-for-comment",
            "create-for-comment",
        ] {
            let (r, a) = route("attachments", action);
            let n = nest(r, a).expect("nested");
            assert_eq!(
                (n.name(), n.segment, n.param),
                ("comments", "comments", "comment_id")
            );
        }
        for action in ["index", "show", "create"] {
            let (r, a) = route("attachments", action);
            assert!(nest(r, a).is_none(), "{action}");
        }
    }

    /// A parent the registry does not describe is named by its segment, and never checked.
    #[test]
    fn an_unknown_parent_is_named_by_its_segment() {
        let (r, a) = route("attachments", "index-for-charge");
        let n = nest(r, a).expect("nested");
        assert!(n.parent.is_none());
        assert_eq!(n.name(), "charges");
        assert_eq!(
            n.parent_ref("7"),
            Some(ParentRef {
                name: "charges",
                key: Key::Int(7)
            })
        );
        assert_eq!(n.parent_ref("x"), None);
    }

    /// A route that binds its parent's parameter to an element is scoped by the element.
    #[test]
    fn bound_parents_are_not_nested() {
        let r = registry::resource("integration-errors").expect("errors");
        for a in r.routes {
            let binds_param = a
                .binds
                .iter()
                .any(|(_, to)| matches!(to, coupa_runtime::registry::BindTo::Param(_)));
            if binds_param {
                assert!(nest(r, a).is_none(), "{}", a.path);
            }
        }
    }

    #[test]
    fn an_expense_artifact_has_a_report_above_its_line() {
        let r = registry::resource("expense-artifacts").expect("artifacts");
        let a = r
            .routes
            .iter()
            .copied()
            .find(|a| a.path.starts_with("/api/expense_reports/"))
            .expect("a route under a report");
        let n = nest(r, a).expect("nested");
        assert_eq!((n.name(), n.param), ("expense-lines", "expense_line_id"));
        let above: Vec<(&str, &str)> = n.ancestors().iter().map(|(p, q)| (p.name, *q)).collect();
        assert_eq!(above, [("expense-reports", "expense_report_id")]);
        let (c, show) = route("attachments", "show-for-comment");
        assert!(nest(c, show).expect("nested").ancestors().is_empty());
    }

    /// Business groups are assigned to users, suppliers and contracts by `add` and `remove`.
    #[test]
    fn assignment_routes_relink() {
        let r = registry::resource("business-groups").expect("business groups");
        let by_path = |path: &str| {
            let a = r
                .routes
                .iter()
                .copied()
                .find(|a| a.path == path)
                .unwrap_or_else(|| panic!("{path}"));
            nest(r, a).and_then(|n| n.relink)
        };
        assert_eq!(
            by_path("/api/users/{user_id}/business_groups/{id}/add"),
            Some(Relink::Add)
        );
        assert_eq!(
            by_path("/api/suppliers/{supplier_id}/business_groups/{id}/remove"),
            Some(Relink::Remove)
        );
        assert_eq!(
            by_path("/api/contracts/{contract_id}/business_groups/remove_all"),
            Some(Relink::RemoveAll)
        );
        // The collection's `add` names no record; the resource's own routes no parent.
        assert_eq!(by_path("/api/users/{user_id}/business_groups/add"), None);
        assert_eq!(by_path("/api/business_groups/{id}"), None);
    }

    #[test]
    fn seeds_name_a_parent_by_any_name() {
        let r = registry::resource("attachments").expect("attachments");
        for name in ["comments", "Comment", "comment"] {
            let p = seed_parent(r, name, "40").expect(name);
            assert_eq!((p.name, p.key), ("comments", Key::Int(40)));
        }
        assert_eq!(
            seed_parent(r, "charges", "7").map(|p| p.name),
            Ok("charges")
        );
        let e = seed_parent(r, "users", "1").unwrap_err();
        assert!(e.contains("nested under `users`"), "{e}");
        assert!(seed_parent(r, "comments", "x").is_err());
    }
}
