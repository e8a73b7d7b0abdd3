//! The bulk kinds: bulk create, update and delete, lenient per item.

use axum::response::Response;
use coupa_runtime::{Mode, Violations};
use http::StatusCode;
use serde_json::Value;

use super::crud::merge;
use super::failure::{Failure, couldnt_find};
use super::{Call, Written};
use crate::select::text_of;
use crate::store::{Stamp, Store, View, assign_update, key_from_text};

impl Call<'_> {
    /// A bulk create, update or delete: lenient per item. Valid items are written, invalid ones
    /// reported in the result; when every item fails, 400 with every problem.
    pub(super) fn bulk(&self, what: Written) -> Result<Response, Failure> {
        let r = self.r;
        let (items_key, items) = self.bulk_items()?;
        let stamp = self.st.stamp();
        let mut store = self.st.store();
        let mut errors = Vec::new();
        let mut created = Vec::new();
        let mut names = Vec::new();
        let mut count = 0usize;
        for (i, item) in items.into_iter().enumerate() {
            let at = if items_key.is_empty() {
                format!("/{i}")
            } else {
                format!("/{items_key}/{i}")
            };
            match self.bulk_item(&mut store, what, item, &stamp) {
                Ok(rec) => {
                    count += 1;
                    match what {
                        Written::Created => created.extend(self.created_ref(&rec)),
                        Written::Deleted => names.push(self.display_name(&rec)),
                        Written::Updated => {}
                    }
                }
                Err(problems) => {
                    errors.extend(problems.into_iter().map(|(p, m)| format!("{at}{p}: {m}")))
                }
            }
        }
        drop(store);
        if count == 0 && !errors.is_empty() {
            return Err(Failure::about(StatusCode::BAD_REQUEST, Some(r), errors));
        }
        self.bulk_answer(what, count, created, names, errors)
    }

    /// The items of a bulk request: the list in the bulk-request envelope (whose key prefixes
    /// the items' paths in messages), or a bare list.
    fn bulk_items(&self) -> Result<(&'static str, Vec<Value>), Failure> {
        let fmt = self.in_format()?;
        let r = self.r;
        Ok(match &r.bulk_request {
            Some(env) => {
                let v = (env.codec.read)(fmt, &self.body).map_err(|e| self.decode_failure(e))?;
                match v.get(env.items) {
                    Some(Value::Array(a)) => (env.items, a.clone()),
                    _ => {
                        return Err(self.bad(format!(
                            "/{0}: `{0}` is required: it holds the objects to write",
                            env.items
                        )));
                    }
                }
            }
            None => (
                "",
                (r.codec.read_list)(fmt, &self.body).map_err(|e| self.decode_failure(e))?,
            ),
        })
    }

    /// One item of a bulk write, under the store's lock. Problems are (path in the item,
    /// message).
    fn bulk_item(
        &self,
        store: &mut Store,
        what: Written,
        item: Value,
        stamp: &Stamp,
    ) -> Result<Value, Problems> {
        match what {
            Written::Created => self.bulk_create_item(store, item, stamp),
            Written::Updated | Written::Deleted => self.bulk_change_item(store, what, item, stamp),
        }
    }

    /// One item of a bulk create: validated, with the action's sets and what Coupa assigns,
    /// stored under a new key.
    fn bulk_create_item(
        &self,
        store: &mut Store,
        mut item: Value,
        stamp: &Stamp,
    ) -> Result<Value, Problems> {
        let r = self.r;
        let key_name = r.key().unwrap_or("id");
        (r.codec.validate)(&item, Mode::Create, Some(&View(store)), None).map_err(problems)?;
        let Some(m) = item.as_object_mut() else {
            return Err(one(String::new(), "must be an object".into()));
        };
        self.apply_sets(m)
            .map_err(|f| one(String::new(), f.errors.to_string()))?;
        store.table_mut(r).assign_create(r, m, stamp);
        let v = (r.codec.canonical)(item).map_err(|e| one(String::new(), e.to_string()))?;
        let key = self
            .key_of_new(store, &v)
            .map_err(|f| one(format!("/{key_name}"), f.errors.to_string()))?;
        store.table_mut(r).records.insert(key, v.clone());
        Ok(v)
    }

    /// One item of a bulk update or delete: validated, found by its key, then removed, or
    /// merged with the action's sets and updated-at and updated-by.
    fn bulk_change_item(
        &self,
        store: &mut Store,
        what: Written,
        item: Value,
        stamp: &Stamp,
    ) -> Result<Value, Problems> {
        let r = self.r;
        let key_name = r.key().unwrap_or("id");
        let key_text = item.get(key_name).and_then(text_of);
        let mode = if what == Written::Updated {
            Mode::BulkUpdate
        } else {
            Mode::BulkDelete
        };
        (r.codec.validate)(&item, mode, Some(&View(store)), key_text.as_deref())
            .map_err(problems)?;
        let missing = || {
            one(
                format!("/{key_name}"),
                couldnt_find(
                    r.type_name(),
                    key_name,
                    key_text.as_deref().unwrap_or_default(),
                ),
            )
        };
        let key = key_text
            .as_deref()
            .and_then(|t| key_from_text(r, t))
            .ok_or_else(missing)?;
        let mut rec = store.get(r, &key).cloned().ok_or_else(missing)?;
        if what == Written::Deleted {
            store.table_mut(r).remove(&key);
            return Ok(rec);
        }
        if let (Some(m), Value::Object(b)) = (rec.as_object_mut(), item) {
            merge(r, m, b);
            self.apply_sets(m)
                .map_err(|f| one(String::new(), f.errors.to_string()))?;
            assign_update(r, m, stamp);
        }
        let v = (r.codec.canonical)(rec).map_err(|e| one(String::new(), e.to_string()))?;
        store.table_mut(r).records.insert(key, v.clone());
        Ok(v)
    }
}

/// The problems of one bulk item: (path in the item, message).
type Problems = Vec<(String, String)>;

/// Every violation of an item, as problems.
fn problems(v: Violations) -> Problems {
    v.into_iter().map(|x| (x.path, x.message)).collect()
}

/// One problem.
fn one(path: String, message: String) -> Problems {
    vec![(path, message)]
}
