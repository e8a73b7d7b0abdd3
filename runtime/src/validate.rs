//! Validation: the rules of Coupa's element tables, checked on a payload before it is sent (or,
//! in the mock, when it arrives).
//!
//! Generated code implements [`Validate`] for every model with one call per element into a
//! [`Cx`], which knows the action's [`Mode`] and collects every [`Violation`] with the JSON-pointer
//! path of the bad value. Validating one object allocates nothing unless a violation is found:
//! paths are a chain of borrowed segments on the stack ([`Path`]) and are only rendered into a
//! pointer when reported. Batches of more than 1,024 items allocate a set for the uniqueness
//! check (so a hostile batch costs linear time, not quadratic), and the registry's untyped path
//! (the CLI, the mock) reads each value into its model first.

use std::fmt::Write as _;

use crate::shape::Element;
use crate::value::{Decimal, WireEnum};
use crate::vocab::ActionKind;
pub use crate::vocab::{Mode, Rule};

/// One broken rule, with the place of the bad value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer (RFC 6901) to the value, relative to the validated payload (`/integration/code`).
    pub path: String,
    /// The rule broken.
    pub rule: Rule,
    /// The offending value, for scalars (absent for a missing element or a nested object).
    pub value: Option<String>,
    /// A sentence saying what is wrong.
    pub message: String,
}

/// An object of `path`, `rule`, `value` (when there is one) and `message`.
impl serde::Serialize for Violation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut o = s.serialize_struct("Violation", 3 + usize::from(self.value.is_some()))?;
        o.serialize_field("path", &self.path)?;
        o.serialize_field("rule", &self.rule)?;
        match &self.value {
            Some(v) => o.serialize_field("value", v)?,
            None => o.skip_field("value")?,
        }
        o.serialize_field("message", &self.message)?;
        o.end()
    }
}

/// Reads what [`Violation`]'s `Serialize` writes; `path`, `rule` and `message` are required.
impl<'de> serde::Deserialize<'de> for Violation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Default)]
        struct ViolationFields {
            path: Option<String>,
            rule: Option<Rule>,
            value: Option<String>,
            message: Option<String>,
        }
        crate::wire_struct!(
            ViolationFields,
            "Violation",
            path = "path",
            rule = "rule",
            value = "value",
            message = "message",
        );
        let r = ViolationFields::deserialize(d)?;
        let missing = serde::de::Error::missing_field;
        Ok(Violation {
            path: r.path.ok_or_else(|| missing("path"))?,
            rule: r.rule.ok_or_else(|| missing("rule"))?,
            value: r.value,
            message: r.message.ok_or_else(|| missing("message"))?,
        })
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            if self.path.is_empty() {
                "/"
            } else {
                &self.path
            },
            self.rule,
            self.message
        )
    }
}

/// Every violation found in a payload.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Violations(pub Vec<Violation>);

impl Violations {
    /// True when the payload is valid.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The violations.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }

    /// `Ok` when empty.
    pub fn into_result(self) -> Result<(), Violations> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl std::fmt::Display for Violations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

impl IntoIterator for Violations {
    type Item = Violation;
    type IntoIter = std::vec::IntoIter<Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// A JSON-pointer path, as a chain of borrowed segments: building one costs nothing.
#[derive(Clone, Copy, Debug)]
pub enum Path<'a> {
    /// The payload itself.
    Root,
    /// A key of an object.
    Key(&'a Path<'a>, &'a str),
    /// An item of a list.
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// The path of a key under this one.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    /// The path of a list item under this one.
    pub fn index(&'a self, i: usize) -> Path<'a> {
        Path::Index(self, i)
    }

    /// Renders the JSON pointer (`/events/1/market-id`), escaping `~` and `/` as RFC 6901 says.
    pub fn pointer(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, k) => {
                parent.write(out);
                out.push('/');
                for c in k.chars() {
                    match c {
                        '~' => out.push_str("~0"),
                        '/' => out.push_str("~1"),
                        c => out.push(c),
                    }
                }
            }
            Path::Index(parent, i) => {
                parent.write(out);
                let _ = write!(out, "/{i}");
            }
        }
    }
}

/// A value of a unique element, borrowed from the payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UniqueValue<'a> {
    /// Text.
    Str(&'a str),
    /// An integer.
    Int(i64),
}

impl std::fmt::Display for UniqueValue<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UniqueValue::Str(s) => f.write_str(s),
            UniqueValue::Int(i) => write!(f, "{i}"),
        }
    }
}

/// What a store of existing objects answers, so that unique elements are checked against them.
pub trait UniqueStore {
    /// True when an object of `resource` other than the one keyed `except` already holds `value`
    /// in `element`.
    fn is_taken(
        &self,
        resource: &str,
        element: &str,
        value: UniqueValue<'_>,
        except: Option<&str>,
    ) -> bool;
}

/// A model that knows its rules. Implemented by the generated code.
pub trait Validate {
    /// The resource this type is the object of (`integration-runs`), for store lookups.
    const RESOURCE: &'static str = "";

    /// Checks every element, reporting violations into `cx` under `at`.
    fn validate_at(&self, cx: &mut Cx<'_>, at: &Path<'_>);

    /// Reports the values of unique elements sent in requests.
    fn unique_values<'s>(&'s self, _f: &mut dyn FnMut(&'static str, UniqueValue<'s>)) {}

    /// The resource's key element and its value, when present (`id`): two items of one bulk
    /// update or delete must not name the same object.
    fn key_value(&self) -> Option<(&'static str, UniqueValue<'_>)> {
        None
    }

    /// Validates this object for an action, collecting every violation.
    fn validate(&self, mode: Mode) -> Result<(), Violations>
    where
        Self: Sized,
    {
        validate_with(self, mode, None, None)
    }
}

/// Validates one object for an action, checking unique elements against `store` (excluding the
/// object keyed `except`, the one being updated).
pub fn validate_with<T: Validate>(
    value: &T,
    mode: Mode,
    store: Option<&dyn UniqueStore>,
    except: Option<&str>,
) -> Result<(), Violations> {
    let mut out = Vec::new();
    let mut cx = Cx {
        mode,
        nested: false,
        out: &mut out,
        store,
        resource: T::RESOURCE,
        except,
    };
    value.validate_at(&mut cx, &Path::Root);
    Violations(out).into_result()
}

/// Validates the items of one batch (a bulk payload or a list), each for the action's mode, and
/// checks that no two items share a value of a unique element. `at` is the path of the list
/// (`/events`).
pub fn validate_batch<T: Validate>(
    items: &[T],
    mode: Mode,
    store: Option<&dyn UniqueStore>,
    at: &Path<'_>,
) -> Result<(), Violations> {
    let mut out = Vec::new();
    validate_batch_into(items, mode, store, at, &mut out);
    Violations(out).into_result()
}

/// Validates the items of a bulk envelope (`{"events": [...]}`) for the action's kind: the list is
/// required, and each item is checked under `/<key>/<index>`.
pub fn validate_envelope<T: Validate>(
    items: Option<&[T]>,
    key: &'static str,
    kind: ActionKind,
) -> Result<(), Violations> {
    let Some(mode) = kind.mode() else {
        return Ok(());
    };
    let mut out = Vec::new();
    let root = Path::Root;
    match items {
        Some(items) => validate_batch_into(items, mode, None, &root.key(key), &mut out),
        None => out.push(Violation {
            path: root.key(key).pointer(),
            rule: Rule::Required,
            value: None,
            message: format!("`{key}` is required: it holds the objects to write"),
        }),
    }
    Violations(out).into_result()
}

/// [`validate_batch`], appending to `out`.
pub fn validate_batch_into<T: Validate>(
    items: &[T],
    mode: Mode,
    store: Option<&dyn UniqueStore>,
    at: &Path<'_>,
    out: &mut Vec<Violation>,
) {
    for (i, item) in items.iter().enumerate() {
        let p = at.index(i);
        let mut cx = Cx {
            mode,
            nested: false,
            out,
            store,
            resource: T::RESOURCE,
            except: None,
        };
        item.validate_at(&mut cx, &p);
    }
    if mode != Mode::BulkDelete {
        duplicates(items.len(), at, out, Duplicate::Value, &|i, f| {
            items[i].unique_values(f)
        });
    }
    if matches!(mode, Mode::BulkUpdate | Mode::BulkDelete) {
        duplicates(items.len(), at, out, Duplicate::Key, &|i, f| {
            if let Some((element, value)) = items[i].key_value() {
                f(element, value);
            }
        });
    }
}

/// What two items of a batch share.
#[derive(Clone, Copy)]
enum Duplicate {
    /// A value of a unique element.
    Value,
    /// The key: both name the same object.
    Key,
}

/// Reports, for the item at an index, each unique element's name and value.
type ValuesAt<'f, 't> = dyn Fn(usize, &mut dyn FnMut(&'static str, UniqueValue<'t>)) + 'f;

/// Reports every item that shares a value reported by `values` (of the item at an index) with
/// an earlier item. Not generic over the items' type: compiled once, not once per model.
fn duplicates<'t>(
    len: usize,
    at: &Path<'_>,
    out: &mut Vec<Violation>,
    kind: Duplicate,
    values: &ValuesAt<'_, 't>,
) {
    // Pairwise below the threshold: no allocation for valid batches. Above it, a set keeps a
    // hostile batch from costing quadratic time.
    const PAIRWISE_MAX: usize = 1024;
    if len <= PAIRWISE_MAX {
        for j in 1..len {
            values(j, &mut |element, value| {
                let mut first = None;
                for i in 0..j {
                    let mut hit = false;
                    values(i, &mut |e, v| hit |= e == element && v == value);
                    if hit {
                        first = Some(i);
                        break;
                    }
                }
                if let Some(i) = first {
                    out.push(duplicate(at, j, i, element, value, kind));
                }
            });
        }
    } else {
        let mut seen: std::collections::HashMap<(&'static str, UniqueValue<'t>), usize> =
            std::collections::HashMap::new();
        for j in 0..len {
            values(j, &mut |element, value| {
                if let Some(&i) = seen.get(&(element, value)) {
                    out.push(duplicate(at, j, i, element, value, kind));
                } else {
                    seen.insert((element, value), j);
                }
            });
        }
    }
}

fn duplicate(
    at: &Path<'_>,
    j: usize,
    i: usize,
    element: &str,
    value: UniqueValue<'_>,
    kind: Duplicate,
) -> Violation {
    let item = at.index(j);
    let message = match kind {
        Duplicate::Value => {
            format!("`{element}` must be unique, but item {i} of this batch has the same value")
        }
        Duplicate::Key => {
            format!("item {i} of this batch already names the object with {element} `{value}`")
        }
    };
    Violation {
        path: item.key(element).pointer(),
        rule: Rule::Unique,
        value: Some(value.to_string()),
        message,
    }
}

/// The validation context: the mode, where violations go, and the store to check unique values
/// against.
pub struct Cx<'a> {
    /// The action's mode.
    pub mode: Mode,
    /// True inside a nested object (a reference such as `integration`): required and unique are
    /// the referenced object's business, not this payload's.
    pub nested: bool,
    out: &'a mut Vec<Violation>,
    store: Option<&'a dyn UniqueStore>,
    resource: &'static str,
    except: Option<&'a str>,
}

impl<'a> Cx<'a> {
    /// A context that appends to `out`.
    pub fn new(mode: Mode, out: &'a mut Vec<Violation>) -> Cx<'a> {
        Cx {
            mode,
            nested: false,
            out,
            store: None,
            resource: "",
            except: None,
        }
    }

    #[cold]
    #[inline(never)]
    fn push(
        &mut self,
        at: &Path<'_>,
        name: &str,
        rule: Rule,
        value: Option<String>,
        message: String,
    ) {
        self.out.push(Violation {
            path: at.key(name).pointer(),
            rule,
            value,
            message,
        });
    }

    /// Reports a required element that is missing. `present` is true when the element, or one of
    /// its alternatives, is present.
    #[inline]
    pub fn require(&mut self, at: &Path<'_>, r: &Element, present: bool) {
        if !present && self.mode == Mode::Create && !self.nested {
            let name = r.name;
            self.push(
                at,
                name,
                Rule::Required,
                None,
                format!("`{name}` is required to create this object"),
            );
        }
    }

    /// The key element (`id`) must be present in bulk updates and deletes.
    #[inline]
    fn require_key(&mut self, at: &Path<'_>, r: &Element, present: bool) {
        if r.key
            && !present
            && !self.nested
            && matches!(self.mode, Mode::BulkUpdate | Mode::BulkDelete)
        {
            self.push(
                at,
                r.name,
                Rule::Required,
                None,
                format!(
                    "`{}` names the object to change; it is required here",
                    r.name
                ),
            );
        }
    }

    /// The rules every present element obeys whatever its type. Returns false when the value's own
    /// rules need not be checked (it was rejected outright, or the mode ignores it).
    #[inline(always)]
    fn admit(&mut self, at: &Path<'_>, r: &Element, present: bool) -> bool {
        if !present {
            if r.key {
                self.require_key(at, r, present);
            }
            return false;
        }
        // Most elements of most requests: accepted in requests, neither the key nor immutable,
        // so no mode refuses them (a bulk delete, which ignores all but the key, aside).
        if r.api_in && !r.key && !r.immutable && self.mode != Mode::BulkDelete {
            return true;
        }
        self.admit_rules(at, r)
    }

    /// [`Self::admit`] for a present element that a mode may refuse or ignore.
    fn admit_rules(&mut self, at: &Path<'_>, r: &Element) -> bool {
        let top = !self.nested;
        match self.mode {
            Mode::BulkDelete if top => return false,
            Mode::BulkUpdate | Mode::BulkDelete if top && r.key => return true,
            Mode::Update | Mode::BulkUpdate if top && r.immutable => {
                self.push(
                    at,
                    r.name,
                    Rule::Immutable,
                    None,
                    format!(
                        "`{}` cannot be changed once set; leave it out of updates",
                        r.name
                    ),
                );
                return false;
            }
            _ => {}
        }
        // A nested object of a resource is a reference to an existing one, which names it by its
        // key (`{"integration-run": {"id": 4711}}`): the key is Coupa's to assign, not to refuse
        // here.
        if !top && r.key {
            return true;
        }
        if !r.api_in {
            self.push(
                at,
                r.name,
                Rule::OutputOnly,
                None,
                format!("`{}` is set by Coupa and not accepted in requests", r.name),
            );
            return false;
        }
        true
    }

    #[inline]
    fn check_unique(&mut self, at: &Path<'_>, r: &Element, value: UniqueValue<'_>) {
        if !r.unique || self.nested {
            return;
        }
        if let Some(store) = self.store
            && store.is_taken(self.resource, r.name, value, self.except)
        {
            self.push(
                at,
                r.name,
                Rule::Unique,
                Some(value.to_string()),
                format!(
                    "`{}` must be unique; another object already has `{value}`",
                    r.name
                ),
            );
        }
    }

    #[inline]
    fn check_len(&mut self, at: &Path<'_>, r: &Element, s: &str) {
        if let Some(max) = r.max_len {
            // Characters, not bytes: 255 Japanese characters fit in string(255). A text of at
            // most `max` bytes has at most `max` characters, so only longer ones are counted.
            let n = if s.len() > max as usize {
                s.chars().count()
            } else {
                0
            };
            if n > max as usize {
                self.push(
                    at,
                    r.name,
                    Rule::Length,
                    Some(s.to_owned()),
                    format!(
                        "`{}` is {n} characters long; at most {max} are allowed",
                        r.name
                    ),
                );
            }
        }
    }

    /// A text element (string, text).
    #[inline]
    pub fn text(&mut self, at: &Path<'_>, r: &Element, v: Option<&str>) {
        if self.admit(at, r, v.is_some())
            && let Some(s) = v
        {
            self.check_len(at, r, s);
            self.check_unique(at, r, UniqueValue::Str(s));
        }
    }

    /// A string of digits (CSO ids).
    #[inline]
    pub fn digits(&mut self, at: &Path<'_>, r: &Element, v: Option<&str>) {
        if self.admit(at, r, v.is_some())
            && let Some(s) = v
        {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                self.push(
                    at,
                    r.name,
                    Rule::Format,
                    Some(s.to_owned()),
                    format!("`{}` must be a string of digits", r.name),
                );
            } else {
                self.check_len(at, r, s);
                self.check_unique(at, r, UniqueValue::Str(s));
            }
        }
    }

    /// An integer element.
    #[inline]
    pub fn integer(&mut self, at: &Path<'_>, r: &Element, v: Option<i64>) {
        if self.admit(at, r, v.is_some())
            && let Some(i) = v
        {
            if !r.allowed.is_empty() && !r.allowed.iter().any(|a| a.parse() == Ok(i)) {
                self.push(
                    at,
                    r.name,
                    Rule::Allowed,
                    Some(i.to_string()),
                    format!(
                        "`{i}` is not an allowed value of `{}`; allowed: {}",
                        r.name,
                        r.allowed.join(", ")
                    ),
                );
                return;
            }
            self.check_unique(at, r, UniqueValue::Int(i));
        }
    }

    /// A decimal element.
    #[inline]
    pub fn decimal(&mut self, at: &Path<'_>, r: &Element, v: Option<&Decimal>) {
        if self.admit(at, r, v.is_some())
            && let Some(d) = v
        {
            if let Some((digits, scale)) = r.precision {
                self.check_precision(at, r, d, digits, scale);
            }
            self.check_unique(at, r, UniqueValue::Str(d.as_str()));
        }
    }

    /// A decimal column holds `digits - scale` digits before the point and `scale` after it:
    /// more before is out of range, more after would be rounded away.
    fn check_precision(&mut self, at: &Path<'_>, r: &Element, d: &Decimal, digits: u8, scale: u8) {
        let (int, frac) = d.digits();
        let int_max = usize::from(digits.saturating_sub(scale));
        let message = if int > int_max {
            format!(
                "`{}` holds at most {int_max} digits before the point (decimal({digits},{scale})); `{d}` has {int}",
                r.name
            )
        } else if frac > usize::from(scale) {
            format!(
                "`{}` holds at most {scale} digits after the point (decimal({digits},{scale})); `{d}` has {frac}, which Coupa would round",
                r.name
            )
        } else {
            return;
        };
        self.push(at, r.name, Rule::Precision, Some(d.to_string()), message);
    }

    /// An element whose value has no rule of its own (boolean, datetime, open object).
    #[inline]
    pub fn value(&mut self, at: &Path<'_>, r: &Element, present: bool) {
        self.admit(at, r, present);
    }

    /// An element with allowed values. Unknown values were kept when reading; on input they are
    /// violations.
    #[inline]
    pub fn choice<E: WireEnum>(&mut self, at: &Path<'_>, r: &Element, v: Option<&E>) {
        if self.admit(at, r, v.is_some())
            && let Some(e) = v
        {
            self.check_choice(at, r, e);
        }
    }

    #[inline]
    fn check_choice<E: WireEnum>(&mut self, at: &Path<'_>, r: &Element, e: &E) {
        let s = e.as_wire();
        if !e.is_allowed() {
            self.push(
                at,
                r.name,
                Rule::Allowed,
                Some(s.to_owned()),
                format!(
                    "`{s}` is not an allowed value of `{}`; allowed: {}",
                    r.name,
                    E::VALUES.join(", ")
                ),
            );
            return;
        }
        self.check_len(at, r, s);
        self.check_unique(at, r, UniqueValue::Str(s));
    }

    /// A list of values with allowed values.
    pub fn choice_list<E: WireEnum>(&mut self, at: &Path<'_>, r: &Element, v: Option<&[E]>) {
        if self.admit(at, r, v.is_some())
            && let Some(items) = v
        {
            let list = at.key(r.name);
            for (i, e) in items.iter().enumerate() {
                let s = e.as_wire();
                if !e.is_allowed() {
                    self.out.push(Violation {
                        path: list.index(i).pointer(),
                        rule: Rule::Allowed,
                        value: Some(s.to_owned()),
                        message: format!(
                            "`{s}` is not an allowed value of `{}`; allowed: {}",
                            r.name,
                            E::VALUES.join(", ")
                        ),
                    });
                }
            }
        }
    }

    /// A list of texts.
    pub fn text_list(&mut self, at: &Path<'_>, r: &Element, v: Option<&[String]>) {
        if self.admit(at, r, v.is_some())
            && let (Some(items), Some(max)) = (v, r.max_len)
        {
            let list = at.key(r.name);
            for (i, s) in items.iter().enumerate() {
                let n = if s.len() > max as usize {
                    s.chars().count()
                } else {
                    0
                };
                if n > max as usize {
                    self.out.push(Violation {
                        path: list.index(i).pointer(),
                        rule: Rule::Length,
                        value: Some(s.clone()),
                        message: format!(
                            "item {i} of `{}` is {n} characters long; at most {max} are allowed",
                            r.name
                        ),
                    });
                }
            }
        }
    }

    /// A nested object: its own elements are checked (allowed values, lengths, output-only), but
    /// not required or unique, which belong to the referenced object.
    #[inline]
    pub fn nested<T: Validate>(&mut self, at: &Path<'_>, r: &Element, v: Option<&T>) {
        if self.admit(at, r, v.is_some())
            && let Some(inner) = v
        {
            let p = at.key(r.name);
            let was = std::mem::replace(&mut self.nested, true);
            inner.validate_at(self, &p);
            self.nested = was;
        }
    }

    /// A list of nested objects.
    #[inline]
    pub fn nested_list<T: Validate>(&mut self, at: &Path<'_>, r: &Element, v: Option<&[T]>) {
        if self.admit(at, r, v.is_some())
            && let Some(items) = v
        {
            let list = at.key(r.name);
            let was = std::mem::replace(&mut self.nested, true);
            for (i, inner) in items.iter().enumerate() {
                inner.validate_at(self, &list.index(i));
            }
            self.nested = was;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::ElementKind;

    #[test]
    fn pointers_escape_as_rfc_6901_says() {
        let root = Path::Root;
        let a = root.key("a/b");
        let b = a.index(3);
        let c = b.key("m~n");
        assert_eq!(c.pointer(), "/a~1b/3/m~0n");
        assert_eq!(Path::Root.pointer(), "");
    }

    #[test]
    fn rules_build_in_const_context() {
        const R: Element = Element::new("status", ElementKind::String)
            .output_only()
            .max_len(255)
            .unique()
            .key()
            .immutable();
        const { assert!(!R.api_in && R.unique && R.key && R.immutable) };
        const { assert!(matches!(R.max_len, Some(255))) };
    }

    #[test]
    fn decimals_fit_their_precision_and_integers_their_values() {
        let amount = Element::new("amount", ElementKind::Decimal).precision(6, 2);
        let kind = Element::new("kind", ElementKind::Integer).allowed(&["1", "2"]);
        let mut out = Vec::new();
        let mut cx = Cx::new(Mode::Create, &mut out);
        for ok in ["1234.56", "-0001234.5", "0.25"] {
            cx.decimal(&Path::Root, &amount, Some(&Decimal::new(ok).unwrap()));
        }
        cx.integer(&Path::Root, &kind, Some(2));
        assert!(out.is_empty(), "{out:?}");
        let mut cx = Cx::new(Mode::Create, &mut out);
        cx.decimal(
            &Path::Root,
            &amount,
            Some(&Decimal::new("12345.6").unwrap()),
        );
        cx.decimal(&Path::Root, &amount, Some(&Decimal::new("1.234").unwrap()));
        cx.integer(&Path::Root, &kind, Some(3));
        let got: Vec<_> = out.iter().map(|v| (v.rule, v.value.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                (Rule::Precision, Some("12345.6")),
                (Rule::Precision, Some("1.234")),
                (Rule::Allowed, Some("3")),
            ]
        );
        assert!(out[1].message.contains("round"), "{}", out[1].message);
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let mut out = Vec::new();
        let mut cx = Cx::new(Mode::Create, &mut out);
        let r = Element::new("reason", ElementKind::String).max_len(255);
        let fits: String = "日".repeat(255);
        let too_long: String = "日".repeat(256);
        cx.text(&Path::Root, &r, Some(&fits));
        assert!(out.is_empty());
        let mut cx = Cx::new(Mode::Create, &mut out);
        cx.text(&Path::Root, &r, Some(&too_long));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].rule, Rule::Length);
        assert_eq!(out[0].path, "/reason");
    }

    #[test]
    fn a_nested_reference_may_carry_its_key() {
        let id = Element::new("id", ElementKind::Digits).output_only().key();
        let status = Element::new("status", ElementKind::String).output_only();
        let mut out = Vec::new();
        let mut cx = Cx::new(Mode::Create, &mut out);
        cx.nested = true;
        cx.integer(&Path::Root, &id, Some(4711));
        cx.digits(&Path::Root, &id, Some("12a"));
        cx.text(&Path::Root, &status, Some("running"));
        let got: Vec<_> = out.into_iter().map(|v| (v.path, v.rule)).collect();
        assert_eq!(
            got,
            vec![
                ("/id".into(), Rule::Format),
                ("/status".into(), Rule::OutputOnly)
            ]
        );
    }

    #[test]
    fn modes_decide_required_immutable_and_output_only() {
        let id = Element::new("id", ElementKind::Digits).output_only().key();
        let market = Element::new("market-id", ElementKind::Digits).immutable();
        let run = |mode: Mode, id_v: Option<&str>, market_v: Option<&str>| {
            let mut out = Vec::new();
            let mut cx = Cx::new(mode, &mut out);
            cx.digits(&Path::Root, &id, id_v);
            cx.digits(&Path::Root, &market, market_v);
            cx.require(
                &Path::Root,
                &Element::new("name", ElementKind::String),
                false,
            );
            out.into_iter()
                .map(|v| (v.path, v.rule))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            run(Mode::Create, Some("1"), Some("2")),
            vec![
                ("/id".into(), Rule::OutputOnly),
                ("/name".into(), Rule::Required)
            ]
        );
        assert_eq!(
            run(Mode::Update, None, Some("2")),
            vec![("/market-id".into(), Rule::Immutable)]
        );
        assert_eq!(
            run(Mode::BulkUpdate, None, None),
            vec![("/id".into(), Rule::Required)]
        );
        assert_eq!(run(Mode::BulkUpdate, Some("1"), None), vec![]);
        assert_eq!(run(Mode::BulkDelete, Some("1"), Some("x")), vec![]);
        assert_eq!(
            run(Mode::BulkUpdate, Some("1x"), None),
            vec![("/id".into(), Rule::Format)]
        );
    }
}
