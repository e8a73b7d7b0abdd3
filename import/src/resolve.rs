//! From a Swagger definition to elements: formats to types, lengths and precisions, enums to
//! allowed values, `readOnly` and `required` to flags. The page's part is in [`crate::enrich`].

use serde_json::Value;

use crate::findings::{Findings, Tally, Topic};
use crate::model::{Definition, Element, Source, Type};
use crate::names;
use crate::operation::ref_name;
use crate::swagger::RawDef;

/// What a property's `type` and `format` say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Typed {
    pub ty: Type,
    pub list: bool,
    pub length: Option<u32>,
    pub precision: Option<(u32, u32)>,
    /// The format was not a type: how the report shows it.
    pub garbage: Option<String>,
    /// A garbage format naming an object (`comment`): a page row may give its type.
    pub object_hint: bool,
}

impl Typed {
    fn of(ty: Type) -> Typed {
        Typed {
            ty,
            list: false,
            length: None,
            precision: None,
            garbage: None,
            object_hint: false,
        }
    }
}

/// How the report shows a format that is not a type: never the whole Ruby hash, and without the
/// object address of `#<Warnings::WarningMessages:0x…>` (it changes with every release).
pub(crate) fn shown_format(f: &str) -> String {
    if f.starts_with("{:") {
        return format!("a Ruby hash literal ({} characters)", f.chars().count());
    }
    if let Some(i) = f.find(":0x") {
        return format!("`{}:0x…>`", &f[..i]);
    }
    if f.chars().count() > 40 {
        return format!("a format of {} characters", f.chars().count());
    }
    format!("`{f}`")
}

fn parenthesised<'a>(f: &'a str, head: &str) -> Option<&'a str> {
    f.strip_prefix(head)?.strip_prefix('(')?.strip_suffix(')')
}

/// Reads a `format`, falling back on the JSON `type` for a format that is not a type.
pub(crate) fn read_format(format: &str, json_type: &str) -> Typed {
    if let Some(n) = parenthesised(format, "string").and_then(|n| n.parse().ok()) {
        return Typed {
            length: Some(n),
            ..Typed::of(Type::String)
        };
    }
    if let Some((p, s)) = parenthesised(format, "decimal").and_then(|ps| ps.split_once(','))
        && let (Ok(p), Ok(s)) = (p.trim().parse(), s.trim().parse())
    {
        return Typed {
            precision: Some((p, s)),
            ..Typed::of(Type::Decimal)
        };
    }
    let clean = match format {
        "string" => Some(Type::String),
        "text" => Some(Type::Text),
        "integer" => Some(Type::Integer),
        "decimal" => Some(Type::Decimal),
        "float" => Some(Type::Float),
        "boolean" => Some(Type::Boolean),
        "date" => Some(Type::Date),
        "time" => Some(Type::Time),
        "datetime" => Some(Type::DateTime),
        _ => None,
    };
    if let Some(ty) = clean {
        return Typed::of(ty);
    }
    let (ty, list, object_hint) = match format {
        "int" => (Type::Integer, false, false),
        "tinyint(1)" | "true" => (Type::Boolean, false, false),
        "0.0" => (Type::Decimal, false, false),
        "[]" => (Type::String, true, false),
        "comment" | "reason_insight_event" | "workflow_process" => (Type::Object, false, true),
        "USD" | "image" | "array" => (Type::String, false, false),
        f if f.starts_with("{:") || f.starts_with("#<") => (Type::String, false, false),
        _ => (
            by_json_type(json_type).unwrap_or(Type::String),
            false,
            false,
        ),
    };
    Typed {
        list,
        object_hint,
        garbage: Some(shown_format(format)),
        ..Typed::of(ty)
    }
}

fn by_json_type(t: &str) -> Option<Type> {
    Some(match t {
        "string" => Type::String,
        "integer" => Type::Integer,
        "number" => Type::Decimal,
        "boolean" => Type::Boolean,
        "object" => Type::Object,
        _ => return None,
    })
}

/// The type a property's schema gives, with a finding for each thing settled.
fn typed(def: &str, name: &str, v: &Value, f: &mut Findings) -> Typed {
    if let Some(target) = ref_name(v) {
        return Typed::of(Type::Ref(target.to_owned()));
    }
    let json_type = v.get("type").and_then(Value::as_str);
    if json_type == Some("array") {
        return match v.get("items").and_then(ref_name) {
            Some(target) => Typed {
                list: true,
                ..Typed::of(Type::Ref(target.to_owned()))
            },
            None => {
                f.def(def, Topic::Typeless, format!("`{name}`: a list whose items name no definition; read as a list of open objects"));
                Typed {
                    list: true,
                    ..Typed::of(Type::Object)
                }
            }
        };
    }
    let Some(json_type) = json_type else {
        f.def(
            def,
            Topic::Typeless,
            format!("`{name}`: no type and no `$ref`; read as an open object"),
        );
        return Typed::of(Type::Object);
    };
    match v.get("format").and_then(Value::as_str) {
        Some(format) => {
            let t = read_format(format, json_type);
            if let Some(shown) = &t.garbage {
                let what = describe(&t);
                f.def(
                    def,
                    Topic::Format,
                    format!("`{name}`: format {shown} is not a type; read as {what}"),
                );
            }
            t
        }
        None => match by_json_type(json_type) {
            Some(ty) => Typed::of(ty),
            None => {
                f.def(
                    def,
                    Topic::Typeless,
                    format!(
                        "`{name}`: type `{json_type}` without a format; read as an open object"
                    ),
                );
                Typed::of(Type::Object)
            }
        },
    }
}

/// `integer`, `a list of string`, `object (or the page's type)`.
pub(crate) fn describe(t: &Typed) -> String {
    let base =
        t.ty.builtin()
            .map_or_else(|| "a reference".to_owned(), str::to_owned);
    let base = if t.list {
        format!("a list of {base}")
    } else {
        base
    };
    if t.object_hint {
        format!("{base} (or the type a page row names)")
    } else {
        base
    }
}

/// The elements of a definition, from the Swagger alone.
pub(crate) fn definition(raw: &RawDef, f: &mut Findings, tally: &mut Tally) -> Definition {
    let def = raw.name.as_str();
    let required: Vec<&str> = raw
        .value
        .get("required")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut elements = Vec::new();
    if let Some(props) = raw.value.get("properties").and_then(Value::as_object) {
        for (name, v) in props {
            tally.add(source_form(v), read_form(v, def, name));
            elements.push(element(def, name, v, required.contains(&name.as_str()), f));
        }
    }
    for r in &required {
        if !elements.iter().any(|e| e.name == *r) {
            f.def(
                def,
                Topic::Conflict,
                format!("`required` names `{r}`, which is not a property; ignored"),
            );
        }
    }
    elements.sort_by(|a, b| a.name.cmp(&b.name));
    twins(def, &mut elements, f);
    Definition {
        swagger_name: def.to_owned(),
        name: names::pascal(def),
        wire_name: names::kebab(def),
        files: raw.files.clone(),
        open: elements.is_empty(),
        elements,
        page: None,
    }
}

fn element(def: &str, name: &str, v: &Value, required: bool, f: &mut Findings) -> Element {
    let mut t = typed(def, name, v, f);
    let mut note = None;
    if crate::enums::names_on_integer(&t, v.get("enum")) {
        f.def(def, Topic::Enum, format!("`{name}`: an integer whose enum lists names, not numbers; read as a string with those values"));
        note = Some("The Swagger types this element integer but its enum lists names; read as a string with those values.".to_owned());
        t.ty = Type::String;
    }
    let read_only = v.get("readOnly").and_then(Value::as_bool).unwrap_or(false);
    // References and lists carry no readOnly in Coupa's files: their in/out is not stated.
    let stated = v.get("$ref").is_none() && v.get("type").and_then(Value::as_str) != Some("array");
    let allowed = v
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|values| crate::enums::allowed(def, name, &t, values, f));
    let note = note.or_else(|| {
        t.garbage.as_ref().map(|_| {
            format!(
                "The Swagger's format for this element is not a type; read as {} (see IMPORT.md).",
                describe(&t)
            )
        })
    });
    Element {
        name: name.to_owned(),
        list: t.list,
        length: t.length,
        precision: t.precision.map(|p| p.0),
        scale: t.precision.map(|p| p.1),
        ty: t.ty,
        required,
        unique: false,
        allowed_source: allowed.as_ref().map(|_| Source::Swagger),
        allowed,
        read_only,
        api_in: !read_only,
        api_out: true,
        in_out_source: if stated {
            Source::Swagger
        } else {
            Source::Default
        },
        rust_name: None,
        assigned: None,
        note,
    }
}

/// `x?` beside `x`: the Rust name `is_x` (or `x_q` when `is_x` is taken).
fn twins(def: &str, elements: &mut [Element], f: &mut Findings) {
    let snakes: Vec<String> = elements.iter().map(|e| names::snake(&e.name)).collect();
    for i in 0..elements.len() {
        let Some(bare) = elements[i].name.strip_suffix('?') else {
            continue;
        };
        if !elements.iter().any(|e| e.name == bare) {
            continue;
        }
        let snake = names::snake(bare);
        let is = format!("is_{snake}");
        let rust = if snakes.contains(&is) {
            format!("{snake}_q")
        } else {
            is
        };
        f.def(
            def,
            Topic::Twin,
            format!("`{}` beside `{bare}`: Rust name `{rust}`", elements[i].name),
        );
        elements[i].rust_name = Some(rust);
    }
}

/// How the report's format table names what the Swagger says of a property.
fn source_form(v: &Value) -> String {
    if ref_name(v).is_some() {
        return "`$ref` to a definition".into();
    }
    let ty = v.get("type").and_then(Value::as_str);
    match (ty, v.get("format").and_then(Value::as_str)) {
        (Some("array"), _) => "`type: array` of `$ref`".into(),
        (None, _) => "no type, no `$ref`".into(),
        (_, Some(f)) if parenthesised(f, "string").is_some_and(|n| n.parse::<u32>().is_ok()) => {
            "`string(N)`".into()
        }
        (_, Some(f)) if f.starts_with("decimal(") && read_format(f, "").garbage.is_none() => {
            "`decimal(P,S)`".into()
        }
        (Some(t), Some(f)) => format!("{} (type `{t}`)", shown_format(f)),
        (Some(t), None) => format!("type `{t}`, no format"),
    }
}

/// How the report's format table names what the import made of it.
fn read_form(v: &Value, def: &str, name: &str) -> String {
    let t = typed(def, name, v, &mut Findings::default());
    match (&t.ty, t.length, t.precision) {
        (Type::Ref(_), ..) if t.list => "a list of that definition".into(),
        (Type::Ref(_), ..) => "that definition".into(),
        (_, Some(_), _) => "string, length N".into(),
        (_, _, Some(_)) => "decimal, precision P, scale S".into(),
        _ => describe(&t),
    }
}
