//! Spelling rules: the case conversions and the English plural the importer applies to Coupa's
//! names.

/// The words of a name: split at `-`, `_`, spaces, `:`, `/` and at lower→upper case changes
/// (`Payables-Order-ReconciliationLine` → payables, order, reconciliation, line).
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let boundary = c.is_ascii_uppercase()
            && i > 0
            && (chars[i - 1].is_ascii_lowercase()
                || chars[i - 1].is_ascii_digit()
                || (chars[i - 1].is_ascii_uppercase()
                    && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())));
        if boundary && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `Payables-Order-ReconciliationLine` → `payables-order-reconciliation-line`.
pub fn kebab(name: &str) -> String {
    words(name).join("-")
}

/// `Payables-Order-ReconciliationLine` → `payables_order_reconciliation_line`.
pub fn snake(name: &str) -> String {
    words(name).join("_")
}

/// A schema name: PascalCase ASCII letters and digits (`Asn-Header` → `AsnHeader`). Words are
/// split only where the name has a separator, so `ReconciliationLine` keeps its spelling.
pub fn pascal(name: &str) -> String {
    let mut out = String::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut cs = part.chars();
        if let Some(first) = cs.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(cs);
        }
    }
    out
}

/// The English plural of a kebab or snake name, by the Rails rules the spec names: `y` after a
/// consonant → `ies`, `s`/`x`/`z`/`ch`/`sh` → `es`, else `s`. Only the last word changes.
pub fn plural(name: &str) -> String {
    let ends = |s: &str| name.ends_with(s);
    if ends("y") && !["ay", "ey", "iy", "oy", "uy"].iter().any(|v| ends(v)) {
        format!("{}ies", &name[..name.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"].iter().any(|v| ends(v)) {
        format!("{name}es")
    } else {
        format!("{name}s")
    }
}

/// The singular of a URL segment or parameter stem (`invoices` → `invoice`, `addresses` →
/// `address`, `categories` → `category`), the inverse of [`plural`] for the common cases.
pub fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["sses", "xes", "ches", "shes", "zes"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            return format!("{stem}{}", &suffix[..suffix.len() - 2]);
        }
    }
    if name.ends_with("ss") {
        return name.to_owned();
    }
    name.strip_suffix('s').unwrap_or(name).to_owned()
}

/// True for a kebab-case wire name: lower-case ASCII words of letters and digits joined by single
/// `-`, starting with a letter.
pub fn is_kebab(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(
            kebab("Payables-Order-ReconciliationLine"),
            "payables-order-reconciliation-line"
        );
        assert_eq!(kebab("CoupaPay-Payment"), "coupa-pay-payment");
        assert_eq!(kebab("Asn-Header"), "asn-header");
        assert_eq!(pascal("Asn-Header"), "AsnHeader");
        assert_eq!(snake("ObjectTranslation"), "object_translation");
        assert_eq!(plural("invoice-header"), "invoice-headers");
        assert_eq!(plural("address"), "addresses");
        assert_eq!(plural("category"), "categories");
        assert_eq!(plural("key"), "keys");
        assert_eq!(singular("addresses"), "address");
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("invoices"), "invoice");
        assert_eq!(singular("business_groups"), "business_group");
        assert!(is_kebab("created-at") && !is_kebab("created_at") && !is_kebab("a--b"));
    }
}
