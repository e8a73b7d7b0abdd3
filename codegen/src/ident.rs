//! Identifier sanitising: every Rust name the generator emits comes from here.
//!
//! Wire names are kebab-case (`created-at`), allowed values are whatever Coupa spells
//! (`Asn::Header`, `to_coupa`, `api.post.added`), and shape names are PascalCase. This module
//! turns them into Rust identifiers and knows which identifiers Rust reserves:
//!
//! - field and function names are snake_case; a keyword becomes a raw identifier (`r#type`),
//!   except the few that cannot be raw (`self`, `Self`, `super`, `crate`), which get a trailing
//!   underscore;
//! - type and variant names are UpperCamelCase; `Self` gets a trailing underscore;
//! - names that start with a digit get a letter in front (`_3_way`, `V3Way`).
//!
//! Names that would shadow the prelude (`Result`, `Option`, `String`, ...) are not renamed here:
//! the checks reject them as type names and ask for a `rust-name`, because a silently renamed
//! public type is worse than a clear diagnostic.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust's strict and reserved keywords (2024 edition), which cannot be plain identifiers.
pub const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be written as raw identifiers (`r#self` is an error).
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type, trait and variant names of the standard prelude, and the runtime's names the generated
/// modules import ([`RUNTIME_IMPORTS`]), which a generated type must not shadow.
pub const PRELUDE_TYPES: &[&str] = &[
    "Box",
    "Clone",
    "Copy",
    "Default",
    "Drop",
    "Eq",
    "Err",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "Vec",
    // RUNTIME_IMPORTS
    "ActionKind",
    "Answers",
    "Assigned",
    "BindTo",
    "Element",
    "ElementKind",
    "Endpoint",
    "FormKind",
    "Host",
    "Method",
    "ParamKind",
    "Route",
    "Shape",
    "Takes",
];

/// The runtime's names a generated module may import (`use coupa_runtime::{Element, ...}`), each
/// with the path it is imported from. They are part of [`PRELUDE_TYPES`], so no generated type
/// can shadow them.
pub const RUNTIME_IMPORTS: &[(&str, &str)] = &[
    ("ActionKind", "coupa_runtime::ActionKind"),
    ("Answers", "coupa_runtime::Answers"),
    ("Assigned", "coupa_runtime::Assigned"),
    ("BindTo", "coupa_runtime::shape::BindTo"),
    ("Element", "coupa_runtime::Element"),
    ("ElementKind", "coupa_runtime::ElementKind"),
    ("Endpoint", "coupa_runtime::Endpoint"),
    ("FormKind", "coupa_runtime::FormKind"),
    ("Host", "coupa_runtime::Host"),
    ("Method", "coupa_runtime::Method"),
    ("ParamKind", "coupa_runtime::ParamKind"),
    ("Route", "coupa_runtime::Route"),
    ("Shape", "coupa_runtime::Shape"),
    ("Takes", "coupa_runtime::Takes"),
];

/// True for a Rust keyword.
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// True when `s` is, as written, one Rust identifier (`created_at`, `r#type`): what a
/// `rust-name` must be. Unlike parsing alone, surrounding whitespace or a comment is not
/// ignored, since the text goes into the generated code as it is.
pub fn is_identifier(s: &str) -> bool {
    syn::parse_str::<syn::Ident>(s).is_ok_and(|i| i == s)
}

/// True for a name the prelude already uses.
pub fn is_prelude_type(s: &str) -> bool {
    PRELUDE_TYPES.contains(&s)
}

/// A snake_case identifier (field, function, module) for a wire name or an action name.
///
/// Returns the identifier as it is written in source, raw prefix included (`r#type`).
pub fn snake(name: &str) -> String {
    let mut s = words(name).to_snake_case();
    if s.is_empty() {
        s.push('_');
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    escape_keyword(s)
}

/// An UpperCamelCase identifier (type, variant) for a shape name or an allowed value.
pub fn camel(name: &str) -> String {
    let mut s = words(name).to_upper_camel_case();
    if s.is_empty() {
        s.push('V');
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    escape_keyword(s)
}

/// The enum variant of an allowed value: [`camel`], with the signs of offsets kept (`GMT+1` is
/// `GmtPlus1`, `GMT-1` is `GmtMinus1`, `GMT1` is `Gmt1`: Coupa's time zones list all three), and
/// `Unknown` (the catch-all variant) spelled `UnknownValue`.
pub fn variant(value: &str) -> String {
    let mut signed = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        let next_is_digit = chars.peek().is_some_and(char::is_ascii_digit);
        match c {
            '+' => signed.push_str(" plus "),
            '-' if next_is_digit && prev.is_ascii_alphanumeric() => signed.push_str(" minus "),
            c => signed.push(c),
        }
        prev = c;
    }
    let v = camel(&signed);
    if v == "Unknown" {
        "UnknownValue".to_owned()
    } else {
        v
    }
}

/// A SCREAMING_SNAKE_CASE name for a constant.
pub fn screaming(name: &str) -> String {
    let s = snake(name);
    s.trim_start_matches("r#").to_ascii_uppercase()
}

/// The identifier without its raw prefix, for comparisons and for building longer names.
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The query builder of the type whose Rust name is `type_rust` (`IntegrationRunQuery`).
pub fn query_type(type_rust: &str) -> String {
    format!("{}Query", bare(type_rust))
}

/// The request type of an action (`Run`, `CreateForInvoice`). An action whose name would
/// shadow a name of the prelude or one the generated modules import (`copy` → `Copy`) gets
/// `Request` after it (`CopyRequest`): Coupa names its actions, and a module must keep using the
/// prelude's `Copy`.
pub fn request_type(action: &str) -> String {
    let t = camel(action);
    if is_prelude_type(bare(&t)) {
        format!("{}Request", bare(&t))
    } else {
        t
    }
}

/// The enum of a resource's actions (`IntegrationRunAction`).
pub fn action_enum(type_rust: &str) -> String {
    format!("{}Action", bare(type_rust))
}

/// The server-side trait of a resource, from its plural (`IntegrationRunsService`).
pub fn service_trait(plural: &str) -> String {
    format!("{}Service", camel(plural))
}

/// Names a query builder defines itself (its constructor, and the provided methods of
/// `coupa_runtime::QueryBuilder` and `coupa_runtime::Paging`); a filter on an element with one of
/// these names is called `filter_<name>` instead.
pub const QUERY_METHODS: &[&str] = &[
    "new",
    "offset",
    "limit",
    "order_by",
    "dir",
    "return_object",
    "fields",
    "into_query",
    "as_query",
    "as_query_mut",
    "map",
    "to_query_string",
];

/// The query builder's filter method for the field whose Rust name is `field_rust`
/// (`created_at`, or `filter_limit` for an element named `limit`).
pub fn filter_method(field_rust: &str) -> String {
    let b = bare(field_rust);
    if QUERY_METHODS.contains(&b) {
        format!("filter_{b}")
    } else {
        field_rust.to_owned()
    }
}

/// The request's field for a multipart form field: the last bracketed part of the name, when it
/// has one (`attachment[file]` → `file`), in snake_case.
pub fn form_field(name: &str) -> String {
    let inner = name
        .rsplit_once('[')
        .and_then(|(_, rest)| rest.strip_suffix(']'))
        .filter(|s| !s.is_empty())
        .unwrap_or(name);
    snake(inner)
}

/// Splits on every character that cannot be part of an identifier, so `Asn::Header`,
/// `api.post.added` and `to-coupa` all become words heck can case.
fn words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect::<String>()
}

fn escape_keyword(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if is_keyword(&s) {
        format!("r#{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_built_from_a_type_drop_its_raw_prefix() {
        assert_eq!(query_type("IntegrationRun"), "IntegrationRunQuery");
        assert_eq!(query_type("r#Type"), "TypeQuery");
        assert_eq!(action_enum("r#Match"), "MatchAction");
        assert_eq!(service_trait("integration-runs"), "IntegrationRunsService");
    }

    #[test]
    fn filters_that_would_shadow_the_builder_are_renamed() {
        assert_eq!(filter_method("limit"), "filter_limit");
        assert_eq!(filter_method("r#type"), "r#type");
        assert_eq!(filter_method("map"), "filter_map");
        assert_eq!(filter_method("status"), "status");
    }

    #[test]
    fn variants_keep_the_signs_of_offsets() {
        assert_eq!(variant("Etc/GMT+1"), "EtcGmtPlus1");
        assert_eq!(variant("Etc/GMT-1"), "EtcGmtMinus1");
        assert_eq!(variant("GMT0"), "Gmt0");
        assert_eq!(variant("3-way"), "V3Way");
        assert_eq!(variant("to-coupa"), "ToCoupa");
        assert_eq!(variant("unknown"), "UnknownValue");
        assert_eq!(variant("Asn::Header"), "AsnHeader");
    }

    #[test]
    fn request_types_do_not_shadow_the_prelude() {
        assert_eq!(request_type("copy"), "CopyRequest");
        assert_eq!(request_type("default"), "DefaultRequest");
        assert_eq!(request_type("create-for-invoice"), "CreateForInvoice");
        assert_eq!(request_type("route"), "RouteRequest");
    }

    #[test]
    fn form_fields_take_their_bracketed_name() {
        assert_eq!(form_field("attachment[file]"), "file");
        assert_eq!(form_field("attachment[type]"), "r#type");
        assert_eq!(form_field("file"), "file");
        assert_eq!(form_field("a[]"), "a");
    }

    #[test]
    fn runtime_imports_are_reserved() {
        for (name, path) in RUNTIME_IMPORTS {
            assert!(is_prelude_type(name), "{name}");
            assert!(path.ends_with(name), "{path}");
        }
    }

    #[test]
    fn fields_are_snake_case() {
        assert_eq!(snake("created-at"), "created_at");
        assert_eq!(snake("market-id"), "market_id");
        assert_eq!(snake("total_records"), "total_records");
        assert_eq!(snake("api-out"), "api_out");
        assert_eq!(snake("create_alert"), "create_alert");
        assert_eq!(snake("show-for-invoice"), "show_for_invoice");
    }

    #[test]
    fn keywords_become_raw_or_get_an_underscore() {
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("match"), "r#match");
        assert_eq!(snake("async"), "r#async");
        assert_eq!(snake("gen"), "r#gen");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("super"), "super_");
        assert_eq!(snake("crate"), "crate_");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(camel("Self"), "Self_");
        // Casing alone can make a keyword.
        assert_eq!(snake("Type"), "r#type");
        assert_eq!(snake("MATCH"), "r#match");
    }

    #[test]
    fn prelude_names_are_recognised_not_renamed() {
        assert_eq!(camel("result"), "Result");
        assert!(is_prelude_type(&camel("result")));
        assert!(is_prelude_type(&camel("option")));
        assert!(is_prelude_type("Vec"));
        assert!(!is_prelude_type("IntegrationRun"));
    }

    #[test]
    fn values_become_variants() {
        assert_eq!(camel("Asn::Header"), "AsnHeader");
        assert_eq!(
            camel("Payables::External::Payable"),
            "PayablesExternalPayable"
        );
        assert_eq!(camel("CoupaPay::Payment"), "CoupaPayPayment");
        assert_eq!(camel("to_coupa"), "ToCoupa");
        assert_eq!(camel("third_party_vendor"), "ThirdPartyVendor");
        assert_eq!(camel("api.post.added"), "ApiPostAdded");
        assert_eq!(camel("Setup"), "Setup");
        assert_eq!(camel("flat_file"), "FlatFile");
    }

    #[test]
    fn names_that_collide_after_conversion_map_to_the_same_identifier() {
        // The checks rely on this to report collisions.
        assert_eq!(snake("created-at"), snake("created_at"));
        assert_eq!(snake("createdAt"), snake("created-at"));
        assert_eq!(camel("Both"), camel("both"));
        assert_eq!(camel("Payables::Invoice"), camel("PayablesInvoice"));
        assert_ne!(camel("InvoiceHeader"), camel("Invoice"));
    }

    #[test]
    fn leading_digits_and_empty_names_stay_valid() {
        assert_eq!(snake("3-way-match"), "_3_way_match");
        assert_eq!(camel("3-way"), "V3Way");
        assert_eq!(camel(""), "V");
        assert_eq!(snake("::"), "__");
        assert_eq!(screaming("created-at"), "CREATED_AT");
        assert_eq!(screaming("type"), "TYPE");
    }

    #[test]
    fn every_output_parses_as_an_identifier() {
        let inputs = [
            "type", "Self", "self", "match", "Result", "Option", "crate", "super", "3d", "a-b",
            "::", "", "fn", "r#x", "über",
        ];
        for i in inputs {
            for id in [snake(i), camel(i)] {
                assert!(
                    syn_ident_ok(&id),
                    "{i:?} gave {id:?}, which is not an identifier"
                );
            }
        }
    }

    fn syn_ident_ok(s: &str) -> bool {
        is_identifier(s)
    }

    #[test]
    fn an_identifier_is_the_whole_text() {
        for ok in ["created_at", "r#type", "Coupa", "über"] {
            assert!(is_identifier(ok), "{ok:?}");
        }
        for bad in [
            " Coupa",
            "Coupa ",
            "Coupa // x",
            "/* */ x",
            "r#self",
            "_",
            "a b",
            "",
            "3d",
        ] {
            assert!(!is_identifier(bad), "{bad:?}");
        }
    }
}
