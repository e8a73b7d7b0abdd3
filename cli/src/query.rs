//! Query parameters from the command line: `--filter 'element[op]=value'`, checked against the
//! resource's elements and Coupa's operators, and raw `--query key=value`.

use coupa_runtime::query::{Op, query_key};
use coupa_runtime::registry::{Resource, Shape};

use crate::names;

/// `key=value`, split at the first `=`.
pub fn raw(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("`{text}` is not `key=value`"))
}

/// A filter `element=value`, `element[op]=value` or `association[element][op]=value`, with
/// element names checked against the resource (wire names, `-` or `_`) and the operator against
/// Coupa's; answers the query key (`updated_at[gt]`) and the value.
pub fn filter(r: &Resource, text: &str) -> Result<(String, String), String> {
    let (key, value) =
        raw(text).map_err(|_| format!("`{text}` is not a filter: write `element[op]=value`"))?;
    let (name, rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key.as_str(), ""),
    };
    let mut parts: Vec<&str> = Vec::new();
    let mut tail = rest;
    while let Some(stripped) = tail.strip_prefix('[') {
        let close = stripped
            .find(']')
            .ok_or_else(|| format!("`{key}`: a `[` is not closed"))?;
        parts.push(&stripped[..close]);
        tail = &stripped[close + 1..];
    }
    if !tail.is_empty() {
        return Err(format!("`{key}`: unexpected `{tail}` after the brackets"));
    }
    let mut out = query_key(names::element(r.shape, name)?.name);
    let mut shape: Option<&Shape> = names::element(r.shape, name)?.struct_shape();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if let Some(s) = shape
            && s.element(part)
                .or_else(|| s.element(&part.replace('_', "-")))
                .is_some()
        {
            let e = names::element(s, part)?;
            out.push_str(&format!("[{}]", query_key(e.name)));
            shape = e.struct_shape();
            continue;
        }
        if last && Op::from_name(part).is_some() {
            out.push_str(&format!("[{part}]"));
            continue;
        }
        let ops = Op::NAMED.iter().map(|(_, n)| *n);
        let hint = match shape {
            Some(s) => names::closest(part, s.names().chain(ops)),
            None => names::closest(part, ops),
        }
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default();
        return Err(format!(
            "`{key}`: `{part}` is neither an operator ({}) nor an element{hint}",
            Op::NAMED
                .iter()
                .map(|(_, n)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok((out, value))
}

/// The query string of these pairs, percent-encoded.
pub fn encode(pairs: &[(String, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs() -> &'static Resource {
        coupa_api::registry::resource("integration-runs").unwrap()
    }

    #[test]
    fn filters_are_checked_and_keyed_as_coupa_reads_them() {
        assert_eq!(
            filter(runs(), "created-at[gt]=2024-01-01").unwrap(),
            ("created_at[gt]".to_owned(), "2024-01-01".to_owned())
        );
        assert_eq!(
            filter(runs(), "integration[code][contains]=X").unwrap().0,
            "integration[code][contains]"
        );
        let e = filter(runs(), "stauts=running").unwrap_err();
        assert!(e.contains("did you mean `status`"), "{e}");
        let e = filter(runs(), "status[containz]=x").unwrap_err();
        assert!(e.contains("did you mean `contains`"), "{e}");
    }
}
