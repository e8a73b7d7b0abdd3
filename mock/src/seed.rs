//! Seeding: one object of a seed added to the store, as `MockState::seed` reads it.
//!
//! An object is read by its resource's codec, its assigned elements filled where it lacks them,
//! and checked against the records already there (its key and its unique elements). The
//! member `"@parent"`, which no resource has, is not part of the record: it names the parents
//! the record is seen under through nested routes (`/api/comments/{comment_id}/attachments`,
//! see `crate::nest`), each by its resource (any of its registry names, or the path segment of a
//! collection the registry does not describe) and its key: `"@parent": {"comments": 40}`. The
//! parents need not exist (a route under a missing parent answers 404 anyway).

use coupa_runtime::registry::Resource;
use coupa_runtime::{UniqueStore, UniqueValue};
use serde_json::Value;

use crate::nest::seed_parent;
use crate::store::{Key, ParentRef, Stamp, Store, View, key_of};

/// The member of a seed object that names its parents.
pub(crate) const PARENT: &str = "@parent";

/// Adds one seed object of `r` to the store (`at` names it in messages: `attachments[0]`).
pub(crate) fn add(
    store: &mut Store,
    r: &'static Resource,
    at: &str,
    mut o: Value,
    stamp: &Stamp,
) -> Result<(), String> {
    let parents = match o.as_object_mut().and_then(|m| m.remove(PARENT)) {
        Some(p) => parents_of(r, &p).map_err(|e| format!("{at}: {e}"))?,
        None => Vec::new(),
    };
    let mut v = (r.codec.canonical)(o).map_err(|e| format!("{at}: {}", e.message))?;
    let Some(m) = v.as_object_mut() else {
        return Err(format!("{at}: not an object"));
    };
    store.table_mut(r).assign_seed(r, m, stamp);
    let v = (r.codec.canonical)(v).map_err(|e| format!("{at}: {}", e.message))?;
    let key = match r.key() {
        Some(k) => {
            key_of(r, &v).ok_or_else(|| format!("{at}: `{k}` is not a valid key of {}", r.name))?
        }
        None => Key::Int(store.records(r).count() as i64 + 1),
    };
    if store.get(r, &key).is_some() {
        return Err(format!(
            "{at}: another {} already has the key {key}",
            r.wire_name()
        ));
    }
    check_unique(store, r, &v).map_err(|e| format!("{at}: {e}"))?;
    let table = store.table_mut(r);
    for p in parents {
        table.link(p, key.clone());
    }
    table.records.insert(key, v);
    Ok(())
}

/// The parents `"@parent"` names: an object `{"<parent>": <key>, ...}`.
fn parents_of(r: &Resource, p: &Value) -> Result<Vec<ParentRef>, String> {
    let Value::Object(m) = p else {
        return Err(format!(
            "`{PARENT}` is an object naming parents and their keys: {{\"comments\": 40}}"
        ));
    };
    m.iter()
        .map(|(name, id)| {
            let id = match id {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return Err(format!("`{PARENT}`: the key of `{name}` is not a key")),
            };
            seed_parent(r, name, &id).map_err(|e| format!("`{PARENT}`: {e}"))
        })
        .collect()
}

/// The object's unique elements (but its key) are not taken by a record of the store.
fn check_unique(store: &Store, r: &Resource, v: &Value) -> Result<(), String> {
    let unique = r.elements().iter().filter(|e| e.unique && !e.list);
    for e in unique.filter(|e| Some(e.name) != r.key()) {
        let view = View(store);
        let taken = match v.get(e.name) {
            Some(Value::String(s)) => view.is_taken(r.name, e.name, UniqueValue::Str(s), None),
            Some(Value::Number(n)) => n
                .as_i64()
                .is_some_and(|i| view.is_taken(r.name, e.name, UniqueValue::Int(i), None)),
            _ => false,
        };
        if taken {
            return Err(format!(
                "`{}` must be unique; another {} already has {}",
                e.name,
                r.wire_name(),
                v.get(e.name).map(Value::to_string).unwrap_or_default()
            ));
        }
    }
    Ok(())
}
