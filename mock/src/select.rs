//! Coupa's query language on stored records: filters typed by element kind, ordering, paging,
//! and the shaping parameters `return_object` and `fields`.

use std::cmp::Ordering;

use coupa_runtime::query::{Condition, Dir, Op, ParsedQuery, ReturnObject, query_key};
use coupa_runtime::registry::{Element, ElementKind, Resource};
use coupa_runtime::{DateTime, Decimal};
use serde_json::{Map, Value};

/// How an element's values compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Int,
    Dec,
    Bool,
    Date,
    Digits,
    Text,
    /// An element of a shape the registry does not describe: typed by the stored value.
    Dynamic,
}

impl Kind {
    fn of(kind: ElementKind) -> Option<Kind> {
        Some(match kind {
            ElementKind::String | ElementKind::Text | ElementKind::Date | ElementKind::Time => {
                Kind::Text
            }
            ElementKind::Integer => Kind::Int,
            ElementKind::Decimal | ElementKind::Float => Kind::Dec,
            ElementKind::Boolean => Kind::Bool,
            ElementKind::DateTime => Kind::Date,
            ElementKind::Digits => Kind::Digits,
            ElementKind::Object | ElementKind::Shape => return None,
        })
    }

    fn describe(&self) -> &'static str {
        match self {
            Kind::Int => "an integer",
            Kind::Dec => "a decimal",
            Kind::Bool => "a boolean",
            Kind::Date => "a datetime",
            Kind::Digits => "a string of digits",
            Kind::Text => "a text",
            Kind::Dynamic => "a value",
        }
    }
}

/// A typed value, read from a filter or from a record.
#[derive(Clone, Debug)]
enum Scalar {
    Int(i64),
    Dec(f64),
    Bool(bool),
    Date(DateTime),
    Digits(String),
    Text(String),
}

fn scalar_cmp(a: &Scalar, b: &Scalar) -> Option<Ordering> {
    match (a, b) {
        (Scalar::Int(x), Scalar::Int(y)) => Some(x.cmp(y)),
        (Scalar::Int(x), Scalar::Dec(y)) => (*x as f64).partial_cmp(y),
        (Scalar::Dec(x), Scalar::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Scalar::Dec(x), Scalar::Dec(y)) => x.partial_cmp(y),
        (Scalar::Bool(x), Scalar::Bool(y)) => Some(x.cmp(y)),
        // Instants: the offsets may differ.
        (Scalar::Date(x), Scalar::Date(y)) => Some(x.cmp(y)),
        (Scalar::Digits(x), Scalar::Digits(y)) => {
            Some(x.len().cmp(&y.len()).then_with(|| x.cmp(y)))
        }
        (Scalar::Text(x), Scalar::Text(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Reads a datetime from a filter: RFC 3339, or without an offset (UTC), or a date (midnight
/// UTC). A `+` that the query string turned into a space is put back.
pub(crate) fn parse_when(s: &str) -> Option<DateTime> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse(s) {
        return Some(d);
    }
    if s.contains(' ')
        && let Ok(d) = DateTime::parse(&s.replace(' ', "+"))
    {
        return Some(d);
    }
    if let Ok(n) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(DateTime(n.and_utc().fixed_offset()));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| DateTime(n.and_utc().fixed_offset()))
}

fn digits_normalised(s: &str) -> String {
    let t = s.trim_start_matches('0');
    if t.is_empty() { "0".into() } else { t.into() }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// A filter value, typed.
fn operand(kind: Kind, s: &str) -> Result<Scalar, String> {
    let bad = || format!("`{s}` is not {}", kind.describe());
    match kind {
        Kind::Int => s.trim().parse().map(Scalar::Int).map_err(|_| bad()),
        Kind::Dec => Decimal::new(s.trim())
            .ok()
            .and_then(|d| d.as_str().parse::<f64>().ok())
            .map(Scalar::Dec)
            .ok_or_else(bad),
        Kind::Bool => parse_bool(s).map(Scalar::Bool).ok_or_else(bad),
        Kind::Date => parse_when(s)
            .map(Scalar::Date)
            .ok_or_else(|| format!("`{s}` is not a datetime such as 2021-03-18T11:20:50-07:00")),
        Kind::Digits => {
            let t = s.trim();
            if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
                Ok(Scalar::Digits(digits_normalised(t)))
            } else {
                Err(bad())
            }
        }
        Kind::Text | Kind::Dynamic => Ok(Scalar::Text(s.to_owned())),
    }
}

/// A stored value, typed.
fn stored(kind: Kind, v: &Value) -> Option<Scalar> {
    match (kind, v) {
        (_, Value::Null) => None,
        (Kind::Int, Value::Number(n)) => n.as_i64().map(Scalar::Int),
        (Kind::Int, Value::String(s)) => s.trim().parse().ok().map(Scalar::Int),
        (Kind::Dec, Value::Number(n)) => n.as_f64().map(Scalar::Dec),
        (Kind::Dec, Value::String(s)) => s.trim().parse().ok().map(Scalar::Dec),
        (Kind::Bool, Value::Bool(b)) => Some(Scalar::Bool(*b)),
        (Kind::Bool, Value::String(s)) => parse_bool(s).map(Scalar::Bool),
        (Kind::Date, Value::String(s)) => DateTime::parse(s).ok().map(Scalar::Date),
        (Kind::Digits, Value::String(s)) => Some(Scalar::Digits(digits_normalised(s))),
        (Kind::Digits, Value::Number(n)) => Some(Scalar::Digits(n.to_string())),
        (Kind::Text, _) | (Kind::Dynamic, _) => text_of(v).map(Scalar::Text),
        _ => None,
    }
}

/// The text of a scalar value.
pub(crate) fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Compares a stored value of a shape the registry does not describe with a filter's text, by
/// the stored value's type.
fn dynamic_cmp(v: &Value, raw: &str) -> Option<Ordering> {
    match v {
        Value::Number(n) => n.as_f64()?.partial_cmp(&raw.trim().parse::<f64>().ok()?),
        Value::Bool(b) => Some(b.cmp(&parse_bool(raw)?)),
        Value::String(s) => match (DateTime::parse(s), parse_when(raw)) {
            (Ok(a), Some(b)) if raw.len() >= 10 => Some(a.cmp(&b)),
            _ => Some(s.as_str().cmp(raw)),
        },
        _ => None,
    }
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

/// One step of a condition's path: the wire name and the name as written.
#[derive(Clone, Debug)]
struct Step {
    wire: String,
    written: String,
}

#[derive(Clone, Debug)]
struct Cond {
    steps: Vec<Step>,
    kind: Kind,
    op: Op,
    /// Typed operands (one, or the items of an `in` list).
    operands: Vec<Scalar>,
    /// The operands as written (text operators, dynamic kinds).
    raw: Vec<String>,
    /// For `blank`.
    blank: bool,
}

/// The elements of a nested shape, when the schemas describe them (not an open object).
fn shape_elements(e: &Element) -> Option<&'static [Element]> {
    e.struct_shape().map(|s| s.elements)
}

fn find<'e>(elements: &'e [Element], written: &str) -> Option<&'e Element> {
    elements
        .iter()
        .find(|e| e.name == written || query_key(e.name) == written)
}

fn resolve(r: &Resource, path: &[String]) -> Result<(Vec<Step>, Kind), String> {
    let mut elements: Option<&'static [Element]> = Some(r.elements());
    let mut owner = r.wire_name().to_owned();
    let mut steps = Vec::new();
    let mut kind = Kind::Dynamic;
    for (i, written) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        match elements {
            Some(list) => {
                let e = find(list, written)
                    .ok_or_else(|| format!("`{written}` is not an element of {owner}"))?;
                steps.push(Step {
                    wire: e.name.to_owned(),
                    written: written.clone(),
                });
                match Kind::of(e.kind) {
                    Some(k) if last => kind = k,
                    Some(_) => {
                        return Err(format!(
                            "`{}` is not an association: it has no element `{}`",
                            e.name,
                            path.get(i + 1).map(String::as_str).unwrap_or_default()
                        ));
                    }
                    None if last => {
                        return Err(format!(
                            "`{}` is an object: filter on one of its elements ({}[element]=value)",
                            e.name,
                            query_key(e.name)
                        ));
                    }
                    None => {
                        elements = shape_elements(e);
                        owner = e.name.to_owned();
                    }
                }
            }
            None => {
                steps.push(Step {
                    wire: written.replace('_', "-"),
                    written: written.clone(),
                });
                kind = Kind::Dynamic;
            }
        }
    }
    Ok((steps, kind))
}

fn compile_condition(r: &Resource, c: &Condition) -> Result<Cond, String> {
    let (steps, kind) = resolve(r, &c.path)?;
    let name = c.path.join(".");
    let op_name = c.op.name().unwrap_or("eq");
    if kind == Kind::Date && !c.op.allowed_on_dates() {
        return Err(format!(
            "`{op_name}` is not allowed on dates (`{name}` is a datetime)"
        ));
    }
    let text_op = matches!(c.op, Op::Contains | Op::StartsWith | Op::EndsWith);
    if text_op && matches!(kind, Kind::Int | Kind::Dec | Kind::Bool) {
        return Err(format!(
            "`{op_name}` applies to text; `{name}` is {}",
            kind.describe()
        ));
    }
    if kind == Kind::Bool && matches!(c.op, Op::Gt | Op::Lt | Op::GtOrEq | Op::LtOrEq) {
        return Err(format!(
            "`{op_name}` does not apply to the boolean `{name}`"
        ));
    }
    let raw: Vec<String> = match c.op {
        Op::In | Op::NotIn => c.value.split(',').map(str::to_owned).collect(),
        _ => vec![c.value.clone()],
    };
    let mut operands = Vec::new();
    if !matches!(c.op, Op::Blank) && !text_op && kind != Kind::Dynamic {
        for s in &raw {
            operands.push(operand(kind, s).map_err(|e| format!("`{name}`: {e}"))?);
        }
    }
    Ok(Cond {
        steps,
        kind,
        op: c.op,
        operands,
        raw,
        blank: c.value == "true",
    })
}

fn collect<'a>(v: &'a Value, steps: &[Step], out: &mut Vec<&'a Value>) {
    match steps.split_first() {
        None => match v {
            Value::Array(items) => out.extend(items.iter()),
            _ => out.push(v),
        },
        Some((step, rest)) => match v {
            Value::Object(m) => {
                if let Some(c) = m.get(&step.wire).or_else(|| m.get(&step.written)) {
                    collect(c, rest, out);
                }
            }
            Value::Array(items) => {
                for item in items {
                    collect(item, steps, out);
                }
            }
            _ => {}
        },
    }
}

impl Cond {
    fn cmp(&self, v: &Value, i: usize) -> Option<Ordering> {
        if self.kind == Kind::Dynamic {
            return dynamic_cmp(v, self.raw.get(i)?);
        }
        scalar_cmp(&stored(self.kind, v)?, self.operands.get(i)?)
    }

    fn equals_any(&self, v: &Value) -> bool {
        (0..self.raw.len()).any(|i| self.cmp(v, i) == Some(Ordering::Equal))
    }

    fn matches(&self, rec: &Value) -> bool {
        let mut found = Vec::new();
        collect(rec, &self.steps, &mut found);
        let present: Vec<&Value> = found.into_iter().filter(|v| !v.is_null()).collect();
        match self.op {
            Op::Blank => present.iter().all(|v| is_blank(v)) == self.blank,
            Op::Eq | Op::In => present.iter().any(|v| self.equals_any(v)),
            Op::NotEq | Op::NotIn => {
                !present.is_empty() && !present.iter().any(|v| self.equals_any(v))
            }
            Op::Gt | Op::Lt | Op::GtOrEq | Op::LtOrEq => present.iter().any(|v| {
                self.cmp(v, 0).is_some_and(|o| match self.op {
                    Op::Gt => o == Ordering::Greater,
                    Op::Lt => o == Ordering::Less,
                    Op::GtOrEq => o != Ordering::Less,
                    _ => o != Ordering::Greater,
                })
            }),
            Op::Contains | Op::StartsWith | Op::EndsWith => {
                let needle = self.raw.first().map(String::as_str).unwrap_or_default();
                present.iter().any(|v| {
                    text_of(v).is_some_and(|t| match self.op {
                        Op::Contains => t.contains(needle),
                        Op::StartsWith => t.starts_with(needle),
                        _ => t.ends_with(needle),
                    })
                })
            }
        }
    }
}

/// A query compiled against a resource.
#[derive(Debug)]
pub(crate) struct Selection {
    conds: Vec<Cond>,
    order: Option<(&'static str, Kind)>,
    desc: bool,
    /// Records skipped.
    pub(crate) offset: usize,
    /// Records answered at most.
    pub(crate) limit: usize,
}

impl Selection {
    /// Compiles the filters, the order and the paging; an unknown element or an operator its
    /// kind refuses is an error (Coupa answers 400).
    pub(crate) fn compile(r: &Resource, q: &ParsedQuery) -> Result<Selection, String> {
        let conds = q
            .conditions
            .iter()
            .map(|c| compile_condition(r, c))
            .collect::<Result<Vec<_>, _>>()?;
        let order = match &q.order_by {
            None => None,
            Some(name) => {
                let e = find(r.elements(), name).ok_or_else(|| {
                    format!(
                        "cannot order by `{name}`: it is not an element of {}",
                        r.wire_name()
                    )
                })?;
                let k = Kind::of(e.kind)
                    .ok_or_else(|| format!("cannot order by `{name}`: it is an object"))?;
                Some((e.name, k))
            }
        };
        let limit = q.page_limit();
        Ok(Selection {
            conds,
            order,
            desc: q.dir == Dir::Desc,
            offset: q.offset.unwrap_or(0),
            limit,
        })
    }

    /// True when the records are not in the store's (key) order: ordered by an element, or
    /// descending.
    pub(crate) fn ordered(&self) -> bool {
        self.order.is_some() || self.desc
    }

    /// True when the record passes every filter.
    pub(crate) fn matches(&self, rec: &Value) -> bool {
        self.conds.iter().all(|c| c.matches(rec))
    }

    /// Orders records given in key order (the default order); ties keep key order.
    pub(crate) fn sort<'a>(&self, records: &mut Vec<&'a Value>) {
        match self.order {
            Some((name, kind)) => {
                let mut keyed: Vec<(Option<Scalar>, &'a Value)> = records
                    .iter()
                    .map(|v| (v.get(name).and_then(|x| stored(kind, x)), *v))
                    .collect();
                keyed.sort_by(|(a, _), (b, _)| {
                    let o = match (a, b) {
                        (None, None) => Ordering::Equal,
                        (None, Some(_)) => Ordering::Less,
                        (Some(_), None) => Ordering::Greater,
                        (Some(x), Some(y)) => scalar_cmp(x, y).unwrap_or(Ordering::Equal),
                    };
                    if self.desc { o.reverse() } else { o }
                });
                *records = keyed.into_iter().map(|(_, v)| v).collect();
            }
            None if self.desc => records.reverse(),
            None => {}
        }
    }
}

/// Applies `fields` and then `return_object` (limited or shallow) to an answered object.
pub(crate) fn shape(v: Value, ro: Option<ReturnObject>, fields: Option<&Value>) -> Value {
    let v = match fields {
        Some(f) => select_fields(v, f),
        None => v,
    };
    match ro {
        Some(ReturnObject::Shallow) => shallow(v),
        Some(ReturnObject::Limited) => limited(v),
        _ => v,
    }
}

fn same_name(key: &str, wanted: &str) -> bool {
    key == wanted || query_key(key) == query_key(wanted)
}

fn select_fields(v: Value, fields: &Value) -> Value {
    let Some(list) = fields.as_array() else {
        return v;
    };
    match v {
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|i| select_fields(i, fields))
                .collect(),
        ),
        Value::Object(m) => {
            let mut out = Map::new();
            for f in list {
                match f {
                    Value::String(name) => {
                        if let Some((k, val)) = m.iter().find(|(k, _)| same_name(k, name)) {
                            out.insert(k.clone(), val.clone());
                        }
                    }
                    Value::Object(nested) => {
                        for (name, sub) in nested {
                            if let Some((k, val)) = m.iter().find(|(k, _)| same_name(k, name)) {
                                out.insert(k.clone(), select_fields(val.clone(), sub));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Value::Object(out)
        }
        other => other,
    }
}

fn is_nested(v: &Value) -> bool {
    match v {
        Value::Object(_) => true,
        Value::Array(items) => items.iter().any(Value::is_object),
        _ => false,
    }
}

fn shallow(v: Value) -> Value {
    match v {
        Value::Object(mut m) => {
            m.retain(|_, x| !is_nested(x));
            Value::Object(m)
        }
        other => other,
    }
}

fn id_only(v: &Value) -> Option<Value> {
    let id = v.get("id")?;
    let mut m = Map::new();
    m.insert("id".into(), id.clone());
    Some(Value::Object(m))
}

fn limited(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter_map(|(k, x)| match &x {
                    Value::Object(_) => id_only(&x).map(|i| (k, i)),
                    Value::Array(items) if items.iter().any(Value::is_object) => {
                        Some((k, Value::Array(items.iter().filter_map(id_only).collect())))
                    }
                    _ => Some((k, x)),
                })
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use coupa_api::registry;
    use serde_json::json;

    fn runs() -> &'static Resource {
        registry::resource("integration-runs").expect("runs")
    }

    fn sel(q: &str) -> Result<Selection, String> {
        Selection::compile(runs(), &ParsedQuery::parse(q).map_err(|e| e.0)?)
    }

    #[test]
    fn filters_are_typed_by_element() {
        let a = json!({"id": 9, "status": "running", "created-at": "2021-03-18T11:20:50-07:00",
                       "integration": {"code": "SAP"}});
        let b = json!({"id": 10, "status": "pending", "created-at": "2021-03-18T18:20:49Z",
                       "integration": {"code": "ERP"}});
        let s = sel("id[gt]=9").unwrap();
        assert!(
            !s.matches(&a) && s.matches(&b),
            "integers compare as numbers"
        );
        let s = sel("created_at[lt]=2021-03-18T18:20:51%2B00:00").unwrap();
        assert!(
            s.matches(&a) && s.matches(&b),
            "datetimes compare as instants"
        );
        let s = sel("created_at=2021-03-18T18:20:50Z").unwrap();
        assert!(
            s.matches(&a) && !s.matches(&b),
            "the same instant in another offset"
        );
        let s = sel("created_at[gt]=2021-03-18T18:20:49.5Z").unwrap();
        assert!(s.matches(&a) && !s.matches(&b));
        let s = sel("integration[code][starts_with]=S").unwrap();
        assert!(s.matches(&a) && !s.matches(&b));
        let s = sel("status[in]=running,paused").unwrap();
        assert!(s.matches(&a) && !s.matches(&b));
        let s = sel("status[not_in]=running,paused").unwrap();
        assert!(!s.matches(&a) && s.matches(&b));
        let s = sel("records_processed[blank]=true").unwrap();
        assert!(s.matches(&a));
    }

    #[test]
    fn bad_filters_say_why() {
        assert!(sel("nope=1").unwrap_err().contains("nope"));
        assert!(
            sel("created_at[contains]=2021")
                .unwrap_err()
                .contains("dates")
        );
        assert!(sel("created_at[blank]=true").is_err());
        assert!(sel("id=abc").unwrap_err().contains("integer"));
        assert!(sel("id[contains]=1").is_err());
        assert!(sel("integration=1").is_err());
        assert!(sel("order_by=integration").is_err());
    }

    #[test]
    fn shaping() {
        let v = json!({"id": 1, "status": "running", "integration": {"id": 4, "code": "SAP"},
                       "integration-errors": [{"id": 7, "status": "x"}]});
        assert_eq!(
            shape(v.clone(), Some(ReturnObject::Shallow), None),
            json!({"id": 1, "status": "running"})
        );
        assert_eq!(
            shape(v.clone(), Some(ReturnObject::Limited), None),
            json!({"id": 1, "status": "running", "integration": {"id": 4},
                   "integration-errors": [{"id": 7}]})
        );
        assert_eq!(
            shape(v, None, Some(&json!(["id", {"integration": ["code"]}]))),
            json!({"id": 1, "integration": {"code": "SAP"}})
        );
    }
}
