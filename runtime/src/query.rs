//! Coupa's query language: filters with operators, paging, ordering and response shaping.
//!
//! A filter is `field=value` or `field[op]=value`; wire names' dashes become underscores
//! (`updated_at[gt]=...`) and associations nest (`integration[code]=X`). Paging is
//! `offset`/`limit` (Coupa answers at most 50 records), ordering `order_by`/`dir`, and
//! `return_object` and `fields` shape the response.
//!
//! The generated query builders are typed wrappers over [`Query`]: each element gets a method that
//! takes the filter kind its type allows ([`TextFilter`], [`NumberFilter`], [`DateFilter`],
//! [`BoolFilter`]), so `contains` on a date does not compile. [`ParsedQuery`] reads a query
//! string back (the in-memory Coupa uses it).

use std::fmt::{self, Display};

/// The most records Coupa returns for one GET.
pub const MAX_LIMIT: usize = 50;

/// A filter operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// `field=value`
    Eq,
    /// `[not_eq]`
    NotEq,
    /// `[contains]`, text only.
    Contains,
    /// `[starts_with]`, text only.
    StartsWith,
    /// `[ends_with]`, text only.
    EndsWith,
    /// `[gt]`
    Gt,
    /// `[lt]`
    Lt,
    /// `[gt_or_eq]`
    GtOrEq,
    /// `[lt_or_eq]`
    LtOrEq,
    /// `[in]`, a comma-separated list.
    In,
    /// `[not_in]`, a comma-separated list.
    NotIn,
    /// `[blank]=true|false`, not on dates.
    Blank,
}

impl Op {
    /// Every operator but `Eq`, as written between brackets.
    pub const NAMED: &'static [(Op, &'static str)] = &[
        (Op::NotEq, "not_eq"),
        (Op::Contains, "contains"),
        (Op::StartsWith, "starts_with"),
        (Op::EndsWith, "ends_with"),
        (Op::Gt, "gt"),
        (Op::Lt, "lt"),
        (Op::GtOrEq, "gt_or_eq"),
        (Op::LtOrEq, "lt_or_eq"),
        (Op::In, "in"),
        (Op::NotIn, "not_in"),
        (Op::Blank, "blank"),
    ];

    /// The name between brackets (`None` for `Eq`).
    pub fn name(&self) -> Option<&'static str> {
        Op::NAMED.iter().find(|(o, _)| o == self).map(|(_, n)| *n)
    }

    /// The operator written between brackets.
    pub fn from_name(s: &str) -> Option<Op> {
        Op::NAMED.iter().find(|(_, n)| *n == s).map(|(o, _)| *o)
    }

    /// Coupa refuses `contains`, `starts_with`, `ends_with` and `blank` on dates.
    pub fn allowed_on_dates(&self) -> bool {
        !matches!(
            self,
            Op::Contains | Op::StartsWith | Op::EndsWith | Op::Blank
        )
    }
}

macro_rules! filter_kind {
    ($(#[$doc:meta])* $name:ident { $($(#[$mdoc:meta])* $method:ident => $op:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name {
            op: Op,
            value: String,
        }

        impl $name {
            $(
                $(#[$mdoc])*
                pub fn $method(value: impl Display) -> Self {
                    $name { op: Op::$op, value: value.to_string() }
                }
            )*

            /// The operator.
            pub fn op(&self) -> Op {
                self.op
            }

            /// The value as it goes on the wire.
            pub fn value(&self) -> &str {
                &self.value
            }
        }

        impl From<$name> for (Op, String) {
            fn from(f: $name) -> (Op, String) {
                (f.op, f.value)
            }
        }
    };
}

filter_kind!(
    /// A filter on a text element (strings, text, CSO ids, allowed values).
    TextFilter {
        /// Equal to.
        eq => Eq,
        /// Not equal to.
        not_eq => NotEq,
        /// Contains.
        contains => Contains,
        /// Starts with.
        starts_with => StartsWith,
        /// Ends with.
        ends_with => EndsWith,
        /// Greater than.
        gt => Gt,
        /// Less than.
        lt => Lt,
        /// Greater than or equal to.
        gt_or_eq => GtOrEq,
        /// Less than or equal to.
        lt_or_eq => LtOrEq,
    }
);

filter_kind!(
    /// A filter on a number (integers, decimals).
    NumberFilter {
        /// Equal to.
        eq => Eq,
        /// Not equal to.
        not_eq => NotEq,
        /// Greater than.
        gt => Gt,
        /// Less than.
        lt => Lt,
        /// Greater than or equal to.
        gt_or_eq => GtOrEq,
        /// Less than or equal to.
        lt_or_eq => LtOrEq,
    }
);

filter_kind!(
    /// A filter on a datetime: no `contains`, `starts_with`, `ends_with` or `blank` (Coupa refuses
    /// them on dates).
    DateFilter {
        /// At.
        eq => Eq,
        /// Not at.
        not_eq => NotEq,
        /// After.
        gt => Gt,
        /// Before.
        lt => Lt,
        /// At or after.
        gt_or_eq => GtOrEq,
        /// At or before.
        lt_or_eq => LtOrEq,
    }
);

filter_kind!(
    /// A filter on a boolean.
    BoolFilter {
        /// Equal to.
        eq => Eq,
        /// Not equal to.
        not_eq => NotEq,
    }
);

macro_rules! list_and_blank {
    ($($name:ident),*) => {$(
        impl $name {
            /// One of these values.
            pub fn any_of<I: IntoIterator<Item = V>, V: Display>(values: I) -> Self {
                $name { op: Op::In, value: join(values) }
            }

            /// None of these values.
            pub fn none_of<I: IntoIterator<Item = V>, V: Display>(values: I) -> Self {
                $name { op: Op::NotIn, value: join(values) }
            }
        }
    )*};
}

list_and_blank!(TextFilter, NumberFilter, DateFilter);

macro_rules! blank {
    ($($name:ident),*) => {$(
        impl $name {
            /// Empty (`true`) or not empty (`false`).
            pub fn blank(is_blank: bool) -> Self {
                $name { op: Op::Blank, value: is_blank.to_string() }
            }
        }
    )*};
}

blank!(TextFilter, NumberFilter, BoolFilter);

fn join<I: IntoIterator<Item = V>, V: Display>(values: I) -> String {
    values
        .into_iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Sort direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dir {
    /// Ascending.
    #[default]
    Asc,
    /// Descending.
    Desc,
}

/// How much of each object Coupa returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnObject {
    /// Nothing (the status code only). Coupa takes it on PUT and POST only, not on queries.
    None,
    /// The ids of nested objects only.
    Limited,
    /// The object without its nested objects.
    Shallow,
}

impl ReturnObject {
    fn as_str(&self) -> &'static str {
        match self {
            ReturnObject::None => "none",
            ReturnObject::Limited => "limited",
            ReturnObject::Shallow => "shallow",
        }
    }
}

/// The `fields` parameter: which elements to return, nesting for associations
/// (`["id",{"lines":["id"]}]`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields(Vec<serde_json::Value>);

impl Fields {
    /// No field yet.
    pub fn new() -> Self {
        Fields::default()
    }

    /// One element.
    pub fn field(mut self, name: &str) -> Self {
        self.0.push(serde_json::Value::String(name.to_owned()));
        self
    }

    /// An association and the elements of it to return.
    pub fn nested(mut self, name: &str, inner: Fields) -> Self {
        let mut m = serde_json::Map::new();
        m.insert(name.to_owned(), serde_json::Value::Array(inner.0));
        self.0.push(serde_json::Value::Object(m));
        self
    }

    /// The JSON list.
    pub fn to_json(&self) -> String {
        serde_json::Value::Array(self.0.clone()).to_string()
    }
}

/// A query: filters, paging, ordering, shaping. Keys are kept in the order they were added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    params: Vec<(String, String)>,
}

/// The query key of a wire name: dashes become underscores.
pub fn query_key(wire: &str) -> String {
    wire.replace('-', "_")
}

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Query::default()
    }

    /// Adds a filter on an element, by wire name.
    pub fn filter(mut self, wire: &str, filter: impl Into<(Op, String)>) -> Self {
        let (op, value) = filter.into();
        let mut key = query_key(wire);
        if let Some(name) = op.name() {
            key = format!("{key}[{name}]");
        }
        self.params.push((key, value));
        self
    }

    /// Adds the filters of `inner` under an association (`integration[code]=X`).
    pub fn nested(mut self, wire: &str, inner: Query) -> Self {
        let assoc = query_key(wire);
        for (k, v) in inner.params {
            let (head, rest) = match k.find('[') {
                Some(i) => (&k[..i], &k[i..]),
                None => (k.as_str(), ""),
            };
            self.params.push((format!("{assoc}[{head}]{rest}"), v));
        }
        self
    }

    /// Skips this many records.
    pub fn offset(self, n: usize) -> Self {
        self.set("offset", n.to_string())
    }

    /// Returns at most this many records (Coupa caps it at 50).
    pub fn limit(self, n: usize) -> Self {
        self.set("limit", n.to_string())
    }

    /// Orders by an element, by wire name.
    pub fn order_by(self, wire: &str) -> Self {
        self.set("order_by", query_key(wire))
    }

    /// The sort direction.
    pub fn dir(self, dir: Dir) -> Self {
        self.set(
            "dir",
            if dir == Dir::Asc { "asc" } else { "desc" }.to_owned(),
        )
    }

    /// How much of each object to return.
    pub fn return_object(self, r: ReturnObject) -> Self {
        self.set("return_object", r.as_str().to_owned())
    }

    /// Which elements to return.
    pub fn fields(self, fields: &Fields) -> Self {
        self.set("fields", fields.to_json())
    }

    fn set(mut self, key: &str, value: String) -> Self {
        self.params.retain(|(k, _)| k != key);
        self.params.push((key.to_owned(), value));
        self
    }

    /// The value of a paging or shaping parameter.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The parameters, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.params
    }

    /// True when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    /// The query string, percent-encoded (without the leading `?`).
    pub fn to_query_string(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.params {
            s.append_pair(k, v);
        }
        s.finish()
    }
}

/// A typed query builder: the generated `...Query` types wrap a [`Query`] and add one filter
/// method per element. Converting and rendering are provided here.
pub trait QueryBuilder: Sized {
    /// The query built so far.
    fn as_query(&self) -> &Query;

    /// The query, to change it in place.
    fn as_query_mut(&mut self) -> &mut Query;

    /// The query, to nest it under an association or send it.
    fn into_query(self) -> Query;

    /// The query string (without `?`).
    fn to_query_string(&self) -> String {
        self.as_query().to_query_string()
    }

    /// Applies `f` to the query.
    fn map(mut self, f: impl FnOnce(Query) -> Query) -> Self {
        let q = self.as_query_mut();
        *q = f(std::mem::take(q));
        self
    }
}

/// Paging, ordering and response shaping of a resource's index, for every generated query
/// builder of a resource.
pub trait Paging: QueryBuilder {
    /// Skips this many records.
    fn offset(self, n: usize) -> Self {
        self.map(|q| q.offset(n))
    }

    /// Returns at most this many records (Coupa answers at most 50).
    fn limit(self, n: usize) -> Self {
        self.map(|q| q.limit(n))
    }

    /// Orders by an element, by wire name.
    fn order_by(self, element: &str) -> Self {
        self.map(|q| q.order_by(element))
    }

    /// The sort direction.
    fn dir(self, dir: Dir) -> Self {
        self.map(|q| q.dir(dir))
    }

    /// How much of each object to return.
    fn return_object(self, r: ReturnObject) -> Self {
        self.map(|q| q.return_object(r))
    }

    /// Which elements to return.
    fn fields(self, fields: &Fields) -> Self {
        self.map(|q| q.fields(fields))
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_query_string())
    }
}

/// One filter read from a query string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// The element, and the elements of associations before it (`["integration", "code"]`), as
    /// written in the query (underscores).
    pub path: Vec<String>,
    /// The operator.
    pub op: Op,
    /// The value.
    pub value: String,
}

/// A query string read back.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedQuery {
    /// The filters.
    pub conditions: Vec<Condition>,
    /// `offset`.
    pub offset: Option<usize>,
    /// `limit`.
    pub limit: Option<usize>,
    /// `order_by`.
    pub order_by: Option<String>,
    /// `dir`.
    pub dir: Dir,
    /// `return_object`.
    pub return_object: Option<ReturnObject>,
    /// `fields`, as the JSON list.
    pub fields: Option<serde_json::Value>,
}

/// A query string that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError(pub String);

impl Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QueryError {}

impl ParsedQuery {
    /// The page size Coupa answers with: `limit`, where absent or 0 the default, and never more
    /// than [`MAX_LIMIT`] (50).
    pub fn page_limit(&self) -> usize {
        match self.limit {
            None | Some(0) => MAX_LIMIT,
            Some(n) => n.min(MAX_LIMIT),
        }
    }

    /// Reads a query string (without the leading `?`).
    pub fn parse(qs: &str) -> Result<ParsedQuery, QueryError> {
        let mut out = ParsedQuery::default();
        for (k, v) in form_urlencoded::parse(qs.as_bytes()) {
            let (k, v) = (k.into_owned(), v.into_owned());
            let number = |v: &str| {
                v.parse::<usize>().map_err(|_| {
                    QueryError(format!("`{k}` must be a non-negative integer, not `{v}`"))
                })
            };
            match k.as_str() {
                "offset" => out.offset = Some(number(&v)?),
                "limit" => out.limit = Some(number(&v)?),
                "order_by" => out.order_by = Some(v),
                "dir" => {
                    out.dir = match v.as_str() {
                        "asc" => Dir::Asc,
                        "desc" => Dir::Desc,
                        _ => return Err(QueryError(format!("`dir` is asc or desc, not `{v}`"))),
                    }
                }
                "return_object" => {
                    out.return_object = Some(match v.as_str() {
                        "none" => ReturnObject::None,
                        "limited" => ReturnObject::Limited,
                        "shallow" => ReturnObject::Shallow,
                        _ => {
                            return Err(QueryError(format!(
                                "`return_object` is none, limited or shallow, not `{v}`"
                            )));
                        }
                    })
                }
                "fields" => {
                    let parsed: serde_json::Value = serde_json::from_str(&v)
                        .map_err(|e| QueryError(format!("`fields` must be a JSON list: {e}")))?;
                    if !parsed.is_array() {
                        return Err(QueryError("`fields` must be a JSON list".to_owned()));
                    }
                    out.fields = Some(parsed);
                }
                _ => out.conditions.push(parse_condition(&k, v)?),
            }
        }
        Ok(out)
    }
}

fn parse_condition(key: &str, value: String) -> Result<Condition, QueryError> {
    let bad = || {
        QueryError(format!(
            "`{key}` is not a filter (field, field[op] or association[field])"
        ))
    };
    let (head, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    if head.is_empty() {
        return Err(bad());
    }
    let mut parts = vec![head.to_owned()];
    while !rest.is_empty() {
        let end = rest.find(']').ok_or_else(bad)?;
        if !rest.starts_with('[') || end < 2 {
            return Err(bad());
        }
        parts.push(rest[1..end].to_owned());
        rest = &rest[end + 1..];
    }
    let valid = |p: &str| {
        p.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if parts.len() > 8 || !parts.iter().all(|p| valid(p)) {
        return Err(bad());
    }
    let op = match parts.last().and_then(|p| Op::from_name(p)) {
        Some(op) if parts.len() > 1 => {
            parts.pop();
            op
        }
        _ => Op::Eq,
    };
    if op == Op::Blank && !matches!(value.as_str(), "true" | "false") {
        return Err(QueryError(format!(
            "`{key}` takes true or false, not `{value}`"
        )));
    }
    Ok(Condition {
        path: parts,
        op,
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_limit_defaults_to_and_stops_at_fifty() {
        for (qs, want) in [
            ("", 50),
            ("limit=0", 50),
            ("limit=7", 7),
            ("limit=50", 50),
            ("limit=5000", 50),
        ] {
            assert_eq!(ParsedQuery::parse(qs).unwrap().page_limit(), want, "{qs}");
        }
    }

    #[test]
    fn builds_coupa_filters() {
        let q = Query::new()
            .filter("updated-at", DateFilter::gt("2021-03-18T11:20:50-07:00"))
            .filter("status", TextFilter::any_of(["running", "paused"]))
            .nested(
                "integration",
                Query::new().filter("code", TextFilter::eq("INT 1")),
            )
            .filter("resolved", BoolFilter::eq(false))
            .limit(50)
            .offset(100)
            .order_by("created-at")
            .dir(Dir::Desc)
            .return_object(ReturnObject::Shallow)
            .fields(
                &Fields::new()
                    .field("id")
                    .nested("integration", Fields::new().field("code")),
            );
        assert_eq!(
            q.to_query_string(),
            "updated_at%5Bgt%5D=2021-03-18T11%3A20%3A50-07%3A00&status%5Bin%5D=running%2Cpaused&integration%5Bcode%5D=INT+1&resolved=false&limit=50&offset=100&order_by=created_at&dir=desc&return_object=shallow&fields=%5B%22id%22%2C%7B%22integration%22%3A%5B%22code%22%5D%7D%5D"
        );
        let back = ParsedQuery::parse(&q.to_query_string()).unwrap();
        assert_eq!(
            back.conditions[0],
            Condition {
                path: vec!["updated_at".into()],
                op: Op::Gt,
                value: "2021-03-18T11:20:50-07:00".into()
            }
        );
        assert_eq!(back.conditions[1].op, Op::In);
        assert_eq!(
            back.conditions[2].path,
            vec!["integration".to_owned(), "code".to_owned()]
        );
        assert_eq!(back.conditions[2].op, Op::Eq);
        assert_eq!(
            (back.limit, back.offset, back.dir),
            (Some(50), Some(100), Dir::Desc)
        );
        assert_eq!(
            back.fields.unwrap(),
            serde_json::json!(["id", {"integration": ["code"]}])
        );
    }

    #[test]
    fn nested_operators_keep_their_place() {
        let q = Query::new().nested(
            "integration",
            Query::new().filter("code", TextFilter::starts_with("A")),
        );
        assert_eq!(q.pairs()[0].0, "integration[code][starts_with]");
        let back = ParsedQuery::parse(&q.to_query_string()).unwrap();
        assert_eq!(
            back.conditions[0].path,
            vec!["integration".to_owned(), "code".to_owned()]
        );
        assert_eq!(back.conditions[0].op, Op::StartsWith);
    }

    #[test]
    fn bad_queries_say_why() {
        assert!(
            ParsedQuery::parse("limit=abc")
                .unwrap_err()
                .0
                .contains("limit")
        );
        assert!(ParsedQuery::parse("dir=up").is_err());
        assert!(ParsedQuery::parse("status[blank]=maybe").is_err());
        assert!(ParsedQuery::parse("a[b").is_err());
        assert!(ParsedQuery::parse("[x]=1").is_err());
        assert!(ParsedQuery::parse("fields={}").is_err());
        assert!(ParsedQuery::parse("a%5D%5B=1").is_err());
    }

    #[test]
    fn dates_refuse_text_operators() {
        assert!(!Op::Contains.allowed_on_dates());
        assert!(!Op::Blank.allowed_on_dates());
        assert!(Op::Gt.allowed_on_dates());
    }
}
