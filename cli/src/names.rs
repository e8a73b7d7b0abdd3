//! Resource, action and element names as a user types them, with a did-you-mean when one is
//! unknown.

use coupa_api::registry;
use coupa_runtime::registry::{Element, Resource, Route, Shape};

/// The closest of `candidates` to `wrong`, when it is close enough to be a likely typo.
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong = wrong.to_ascii_lowercase().replace('_', "-");
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wrong, &c.replace('_', "-")), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `; did you mean `x`?` or nothing.
fn hint<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(wrong, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

/// The resource with this name (`integration-runs`, `integration_runs`, `IntegrationRun`), or a
/// message that says which one was probably meant.
pub fn resource(name: &str) -> Result<&'static Resource, String> {
    registry::resource(name).ok_or_else(|| {
        let names = registry::RESOURCES.iter().map(|r| r.name);
        match closest(name, names.clone()) {
            Some(c) => format!("unknown resource `{name}`; did you mean `{c}`?"),
            None => {
                let all: Vec<&str> = names.collect();
                let shown = if all.len() > 20 {
                    format!(
                        "{}, ... (`coupa routes` lists them all)",
                        all[..20].join(", ")
                    )
                } else {
                    all.join(", ")
                };
                format!("unknown resource `{name}`; the resources are {shown}")
            }
        }
    })
}

/// The action of `r` with this name, or a message naming its actions.
pub fn action(r: &Resource, name: &str) -> Result<&'static Route, String> {
    r.action(name).ok_or_else(|| {
        let names: Vec<&str> = r.routes.iter().map(|a| a.name).collect();
        format!(
            "`{}` has no action `{name}` (its actions: {}){}",
            r.name,
            names.join(", "),
            hint(name, names.iter().copied())
        )
    })
}

/// The element of `shape` with this wire name (or alias; `_` for `-` accepted), or a message.
pub fn element(shape: &Shape, name: &str) -> Result<&'static Element, String> {
    shape
        .element(name)
        .or_else(|| shape.element(&name.replace('_', "-")))
        .ok_or_else(|| {
            format!(
                "`{}` has no element `{name}`{}",
                shape.wire_name,
                hint(name, shape.names())
            )
        })
}

/// The element at a dotted path (`integration.code`), following nested shapes.
pub fn element_path(shape: &Shape, path: &str) -> Result<Vec<&'static Element>, String> {
    let mut out = Vec::new();
    let mut at = shape;
    for (i, part) in path.split('.').enumerate() {
        if i > 0 {
            let prev: &Element = out[i - 1];
            at = prev.struct_shape().ok_or_else(|| {
                format!("`{}` holds no elements to name with `.{part}`", prev.name)
            })?;
        }
        out.push(element(at, part)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_a_suggestion_and_strangers_do_not() {
        let names = ["integration-runs", "integration-errors", "events"];
        assert_eq!(closest("integraton-runs", names), Some("integration-runs"));
        assert_eq!(
            closest("integration_erors", names),
            Some("integration-errors")
        );
        assert_eq!(closest("zzz", names), None);
    }
}
