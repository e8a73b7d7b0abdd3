//! The records: one table per resource, keyed by the resource's key element, with the counters
//! that assign ids and sequences. The whole store sits behind one lock (see `MockState`), so a
//! validation, its uniqueness checks and the insert that follows are one step.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use coupa_api::registry::{self, RESOURCES};
use coupa_runtime::registry::{Assigned, Element, ElementKind, Resource};
use coupa_runtime::{UniqueStore, UniqueValue};
use serde_json::{Map, Value};

/// The first id the mock gives a CSO object (a string of 19 digits, as CSO's ids are).
pub(crate) const FIRST_CSO_ID: u64 = 9_220_000_000_000_000_001;

/// The most digits a CSO id has.
pub(crate) const CSO_ID_DIGITS: usize = 19;

/// The key of a record: integers for Core, strings (of digits) for CSO.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Key {
    /// An integer id.
    Int(i64),
    /// A textual id; strings of digits sort as numbers (shorter first).
    Text(String),
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Key::Int(a), Key::Int(b)) => a.cmp(b),
            (Key::Int(_), Key::Text(_)) => Ordering::Less,
            (Key::Text(_), Key::Int(_)) => Ordering::Greater,
            (Key::Text(a), Key::Text(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Int(i) => write!(f, "{i}"),
            Key::Text(s) => f.write_str(s),
        }
    }
}

/// True for a non-empty string of ASCII digits no longer than `max`.
pub(crate) fn is_digits(s: &str, max: usize) -> bool {
    !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
}

/// The resource's key element.
pub(crate) fn key_element(r: &Resource) -> Option<&'static Element> {
    r.key().and_then(|k| r.element(k))
}

/// The key of a record, read from its key element.
pub(crate) fn key_of(r: &Resource, v: &Value) -> Option<Key> {
    match v.get(r.key()?)? {
        Value::Number(n) => n.as_i64().map(Key::Int),
        Value::String(s) => key_from_text(r, s),
        _ => None,
    }
}

/// The key a path parameter (or a bulk item's id) names, if it can name one at all: an integer
/// key must parse as an `i64`, a CSO id must be at most 19 digits.
pub(crate) fn key_from_text(r: &Resource, s: &str) -> Option<Key> {
    match key_element(r).map(|e| e.kind) {
        Some(ElementKind::Integer) => s.parse::<i64>().ok().map(Key::Int),
        Some(ElementKind::Digits) => is_digits(s, CSO_ID_DIGITS).then(|| Key::Text(s.to_owned())),
        _ => Some(Key::Text(s.to_owned())),
    }
}

/// What the mock writes into assigned elements.
#[derive(Clone, Debug)]
pub(crate) struct Stamp {
    /// Now, RFC 3339 with its offset.
    pub(crate) now: String,
    /// The API user (a short user object).
    pub(crate) user: Value,
}

impl Stamp {
    /// The user as an element of this kind: the object, its id or its login.
    fn user_as(&self, kind: ElementKind) -> Value {
        match kind {
            ElementKind::Integer => self.user.get("id").cloned().unwrap_or(Value::Null),
            ElementKind::String | ElementKind::Text => {
                self.user.get("login").cloned().unwrap_or(Value::Null)
            }
            _ => self.user.clone(),
        }
    }
}

/// A file uploaded with a record (an attachment's, an avatar, an image scan).
#[derive(Clone, Debug)]
pub(crate) struct StoredFile {
    /// The file's name as sent.
    pub(crate) name: String,
    /// Its media type as sent.
    pub(crate) content_type: String,
    /// Its bytes.
    pub(crate) bytes: axum::body::Bytes,
}

/// One parent record of a nested route (`/api/comments/{comment_id}/attachments`): the parent
/// resource's name (or the path segment, when the registry has no such resource) and its key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ParentRef {
    /// The parent resource's name (`comments`), or the path segment.
    pub(crate) name: &'static str,
    /// The parent's key.
    pub(crate) key: Key,
}

/// The records of one resource and its counters.
#[derive(Clone, Debug)]
pub(crate) struct Table {
    /// The records, by key.
    pub(crate) records: BTreeMap<Key, Value>,
    /// The file last uploaded with a record, by the record's key.
    pub(crate) files: BTreeMap<Key, StoredFile>,
    /// The records created (or seeded) under a parent through a nested route, or added to it
    /// (`.../{id}/add`): the parent, then the record's key. Kept beside the records, whose wire
    /// shape names no parent.
    links: BTreeSet<(ParentRef, Key)>,
    /// The last integer id given.
    last_int: i64,
    /// The last CSO id given.
    last_digits: u64,
    /// The last number of each sequence element.
    sequences: HashMap<&'static str, i64>,
}

impl Default for Table {
    fn default() -> Self {
        Table {
            records: BTreeMap::new(),
            files: BTreeMap::new(),
            links: BTreeSet::new(),
            last_int: 0,
            last_digits: FIRST_CSO_ID - 1,
            sequences: HashMap::new(),
        }
    }
}

impl Table {
    /// Stores a record, and the file uploaded with it (if any).
    pub(crate) fn put(&mut self, key: Key, rec: Value, file: Option<StoredFile>) {
        if let Some(f) = file {
            self.files.insert(key.clone(), f);
        }
        self.records.insert(key, rec);
    }

    /// Removes a record, with its file and its links to parents.
    pub(crate) fn remove(&mut self, key: &Key) -> Option<Value> {
        self.files.remove(key);
        self.links.retain(|(_, child)| child != key);
        self.records.remove(key)
    }

    /// Links a record to a parent.
    pub(crate) fn link(&mut self, parent: ParentRef, child: Key) {
        self.links.insert((parent, child));
    }

    /// Unlinks a record from a parent, or (`child` `None`) every record of the parent.
    pub(crate) fn unlink(&mut self, parent: &ParentRef, child: Option<&Key>) {
        self.links
            .retain(|(p, c)| p != parent || child.is_some_and(|k| k != c));
    }

    /// Whether a record is linked to the parent.
    pub(crate) fn is_linked(&self, parent: &ParentRef, child: &Key) -> bool {
        self.links.contains(&(parent.clone(), child.clone()))
    }

    /// The next id for an element of this kind.
    fn next_id(&mut self, kind: ElementKind) -> Value {
        match kind {
            ElementKind::Digits => {
                self.last_digits = self.last_digits.saturating_add(1);
                Value::String(self.last_digits.to_string())
            }
            ElementKind::String | ElementKind::Text => {
                self.last_int = self.last_int.saturating_add(1);
                Value::String(self.last_int.to_string())
            }
            _ => {
                self.last_int = self.last_int.saturating_add(1);
                Value::from(self.last_int)
            }
        }
    }

    /// Moves the id counters past an id given by a seed.
    fn bump_id(&mut self, v: &Value) {
        match v {
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    self.last_int = self.last_int.max(i);
                }
            }
            Value::String(s) => {
                if let Ok(i) = s.parse::<u64>() {
                    if i >= FIRST_CSO_ID || s.len() >= CSO_ID_DIGITS {
                        self.last_digits = self.last_digits.max(i);
                    } else if let Ok(i) = i64::try_from(i) {
                        self.last_int = self.last_int.max(i);
                    }
                }
            }
            _ => {}
        }
    }

    fn next_sequence(&mut self, name: &'static str) -> i64 {
        let n = self.sequences.entry(name).or_insert(0);
        *n = n.saturating_add(1);
        *n
    }

    fn bump_sequence(&mut self, name: &'static str, v: &Value) {
        let given = match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        };
        if let Some(i) = given {
            let n = self.sequences.entry(name).or_insert(0);
            *n = (*n).max(i);
        }
    }

    /// Fills what Coupa assigns on create: the id, the timestamps, the users, the sequences.
    /// A value the client sent for an assigned element is overwritten.
    pub(crate) fn assign_create(&mut self, r: &Resource, obj: &mut Map<String, Value>, s: &Stamp) {
        for e in r.elements() {
            if let Some(v) = self.assigned_value(e, s) {
                obj.insert(e.name.to_owned(), v);
            }
        }
    }

    /// What Coupa assigns to `e` (the next id or sequence number, now, the user), if anything.
    fn assigned_value(&mut self, e: &Element, s: &Stamp) -> Option<Value> {
        Some(match e.assigned? {
            Assigned::Id => self.next_id(e.kind),
            Assigned::Sequence => Value::from(self.next_sequence(e.name)),
            Assigned::CreatedAt | Assigned::UpdatedAt => Value::String(s.now.clone()),
            Assigned::CreatedBy | Assigned::UpdatedBy => s.user_as(e.kind),
        })
    }

    /// Fills what a seed object lacks, keeping what it gives and moving the counters past it.
    pub(crate) fn assign_seed(&mut self, r: &Resource, obj: &mut Map<String, Value>, s: &Stamp) {
        // First move every counter past the given values, then fill the gaps.
        for e in r.elements() {
            if let Some(v) = obj.get(e.name).filter(|v| !v.is_null()) {
                match e.assigned {
                    Some(Assigned::Id) => self.bump_id(v),
                    Some(Assigned::Sequence) => self.bump_sequence(e.name, v),
                    _ => {}
                }
            }
        }
        for e in r.elements() {
            if obj.get(e.name).is_some_and(|v| !v.is_null()) {
                continue;
            }
            if let Some(v) = self.assigned_value(e, s) {
                obj.insert(e.name.to_owned(), v);
            }
        }
    }
}

/// Refreshes what Coupa changes on every write: updated-at and updated-by.
pub(crate) fn assign_update(r: &Resource, obj: &mut Map<String, Value>, s: &Stamp) {
    for e in r.elements() {
        let v = match e.assigned {
            Some(Assigned::UpdatedAt) => Value::String(s.now.clone()),
            Some(Assigned::UpdatedBy) => s.user_as(e.kind),
            _ => continue,
        };
        obj.insert(e.name.to_owned(), v);
    }
}

/// Every table.
#[derive(Clone, Debug)]
pub(crate) struct Store {
    tables: HashMap<&'static str, Table>,
}

impl Store {
    /// An empty table for every resource of the registry.
    pub(crate) fn new() -> Store {
        Store {
            tables: RESOURCES
                .iter()
                .map(|r| (r.name, Table::default()))
                .collect(),
        }
    }

    /// The table of a resource.
    pub(crate) fn table(&self, r: &Resource) -> Option<&Table> {
        self.tables.get(r.name)
    }

    /// The table of a resource, created when missing.
    pub(crate) fn table_mut(&mut self, r: &'static Resource) -> &mut Table {
        self.tables.entry(r.name).or_default()
    }

    /// The file last uploaded with a record.
    pub(crate) fn file(&self, r: &Resource, key: &Key) -> Option<&StoredFile> {
        self.table(r)?.files.get(key)
    }

    /// One record.
    pub(crate) fn get(&self, r: &Resource, key: &Key) -> Option<&Value> {
        self.table(r)?.records.get(key)
    }

    /// The records of a resource, in key order.
    pub(crate) fn records(&self, r: &Resource) -> impl Iterator<Item = &Value> + Clone {
        self.table(r).into_iter().flat_map(|t| t.records.values())
    }

    /// The records of a resource in key order: all of them, or those linked to `parent`.
    pub(crate) fn records_under<'s>(
        &'s self,
        r: &Resource,
        parent: Option<&'s ParentRef>,
    ) -> impl Iterator<Item = &'s Value> + Clone {
        self.table(r).into_iter().flat_map(move |t| {
            t.records
                .iter()
                .filter(move |(k, _)| parent.is_none_or(|p| t.is_linked(p, k)))
                .map(|(_, v)| v)
        })
    }
}

/// The store as the validators see it: unique elements are checked against it.
pub(crate) struct View<'a>(pub(crate) &'a Store);

impl UniqueStore for View<'_> {
    fn is_taken(
        &self,
        resource: &str,
        element: &str,
        value: UniqueValue<'_>,
        except: Option<&str>,
    ) -> bool {
        let Some(r) = registry::resource(resource) else {
            return false;
        };
        let Some(t) = self.0.table(r) else {
            return false;
        };
        let except = except.and_then(|e| key_from_text(r, e));
        t.records.iter().any(|(k, rec)| {
            except.as_ref() != Some(k) && rec.get(element).is_some_and(|v| holds(v, value))
        })
    }
}

/// True when a stored value is the unique value.
fn holds(v: &Value, u: UniqueValue<'_>) -> bool {
    match (v, u) {
        (Value::String(s), UniqueValue::Str(x)) => s == x,
        (Value::Number(n), UniqueValue::Int(i)) => n.as_i64() == Some(i),
        (Value::Number(n), UniqueValue::Str(x)) => n.to_string() == x,
        (Value::String(s), UniqueValue::Int(i)) => s.parse::<i64>().ok() == Some(i),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn events() -> &'static Resource {
        registry::resource("events").expect("the registry has events")
    }

    #[test]
    fn keys_sort_as_numbers() {
        let mut keys = [
            Key::Text("10".into()),
            Key::Text("9".into()),
            Key::Int(3),
            Key::Int(-1),
        ];
        keys.sort();
        assert_eq!(
            keys,
            [
                Key::Int(-1),
                Key::Int(3),
                Key::Text("9".into()),
                Key::Text("10".into())
            ]
        );
    }

    #[test]
    fn cso_ids_are_19_digits_at_most() {
        let r = events();
        assert_eq!(
            key_from_text(r, "9220000000000000001"),
            Some(Key::Text("9220000000000000001".into()))
        );
        assert_eq!(key_from_text(r, "92200000000000000011"), None);
        assert_eq!(key_from_text(r, "12a"), None);
        assert_eq!(key_from_text(r, ""), None);
    }

    #[test]
    fn the_view_answers_for_unique_elements_except_the_named_object() {
        let r = events();
        let mut store = Store::new();
        let t = store.table_mut(r);
        t.records.insert(
            Key::Text("9220000000000000001".into()),
            json!({"id": "9220000000000000001", "event-number": 7}),
        );
        let view = View(&store);
        assert!(view.is_taken("events", "event-number", UniqueValue::Int(7), None));
        assert!(!view.is_taken("events", "event-number", UniqueValue::Int(8), None));
        assert!(!view.is_taken(
            "events",
            "event-number",
            UniqueValue::Int(7),
            Some("9220000000000000001")
        ));
        assert!(view.is_taken(
            "events",
            "id",
            UniqueValue::Str("9220000000000000001"),
            Some("9220000000000000002")
        ));
        assert!(!view.is_taken("nothing", "id", UniqueValue::Int(1), None));
    }

    #[test]
    fn ids_and_sequences_move_past_seeds() {
        let r = events();
        let s = Stamp {
            now: "2021-03-18T11:20:50+00:00".into(),
            user: json!({"id": 1, "login": "api-user"}),
        };
        let mut t = Table::default();
        let mut seeded = json!({"id": "9230000000000000000", "event-number": 41});
        if let Some(m) = seeded.as_object_mut() {
            t.assign_seed(r, m, &s);
        }
        let mut fresh = Map::new();
        t.assign_create(r, &mut fresh, &s);
        assert_eq!(fresh["id"], json!("9230000000000000001"));
        assert_eq!(fresh["event-number"], json!(42));
    }
}
