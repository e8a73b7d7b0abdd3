//! The single-object kinds: create, index, show, update (and the status actions) and delete; and
//! what a write needs: the key of a new record, and a body merged into a record.

use axum::response::Response;
use coupa_runtime::registry::Resource;
use coupa_runtime::{Answers, Format, Mode};
use http::StatusCode;
use serde_json::{Map, Value};

use super::failure::Failure;
use super::request::{Parent, bound};
use super::{Call, Written, respond};
use crate::nest::Relink;
use crate::select::Selection;
use crate::store::{Key, Store, View, assign_update, key_of};

impl Call<'_> {
    /// Create: the body, validated, with the binds, sets and what Coupa assigns; answered 201.
    pub(super) fn create(&self) -> Result<Response, Failure> {
        let r = self.r;
        let (mut obj, facts, file) = if self.a.takes == coupa_runtime::Takes::Multipart {
            let form = self.form_object()?;
            (Value::Object(form.fields), form.facts, form.file)
        } else {
            (self.decode()?, Map::new(), None)
        };
        if let Some(m) = obj.as_object_mut() {
            self.apply_binds(m, true)?;
        }
        let stamp = self.st.stamp();
        let mut store = self.st.store();
        let parent = self.parent(&store)?.map(|p| p.record);
        (r.codec.validate)(&obj, Mode::Create, Some(&View(&store)), None)
            .map_err(|v| self.invalid(v))?;
        if let Some(m) = obj.as_object_mut() {
            m.extend(facts);
            self.apply_binds(m, false)?;
            self.apply_sets(m)?;
            store.table_mut(r).assign_create(r, m, &stamp);
        }
        let obj = (r.codec.canonical)(obj).map_err(|e| self.internal(e))?;
        let key = self.key_of_new(&store, &obj)?;
        if let Some(p) = parent {
            store.table_mut(r).link(p, key.clone());
        }
        store.table_mut(r).put(key, obj.clone(), file);
        drop(store);
        self.written(StatusCode::CREATED, Written::Created, obj)
    }

    /// Index: the records the query selects and the route binds, a page of them.
    pub(super) fn index(&self) -> Result<Response, Failure> {
        if let Some(of) = self.a.of {
            return self.index_of(of);
        }
        let sel = Selection::compile(self.r, &self.query).map_err(|e| self.bad(e))?;
        let binds = self.bind_values()?;
        let store = self.st.store();
        let parent = self.scope(&store)?;
        // In the store's order, the page is taken as the matches go by (see `page`).
        let (hits, total): (Vec<&Value>, usize) = {
            let matching = store
                .records_under(self.r, parent.as_ref())
                .filter(|v| bound(v, &binds) && sel.matches(v));
            self.matching_page(&sel, matching)
        };
        let plain = self.out == Format::Json
            && self.a.answers == Answers::List
            && self.query.fields.is_none()
            && self.query.return_object.is_none();
        let written = plain.then(|| crate::page::json_list(self.r.shape, &hits));
        let page: Vec<Value> = match written {
            Some(_) => Vec::new(),
            None => hits.into_iter().cloned().collect(),
        };
        drop(store);
        if let Some(bytes) = written {
            return Ok(respond(StatusCode::OK, Some(self.out.media_type()), bytes));
        }
        self.list(page, total)
    }

    /// One page of the matches, and their number when the answer says it (the list envelope).
    fn matching_page<'s>(
        &self,
        sel: &Selection,
        matching: impl Iterator<Item = &'s Value> + Clone,
    ) -> (Vec<&'s Value>, usize) {
        if sel.ordered() {
            let mut hits: Vec<&Value> = matching.collect();
            sel.sort(&mut hits);
            let total = hits.len();
            let page = hits.into_iter().skip(sel.offset).take(sel.limit).collect();
            return (page, total);
        }
        let page = matching.clone().skip(sel.offset).take(sel.limit).collect();
        let counted = matches!(self.a.answers, Answers::Envelope);
        (page, if counted { matching.count() } else { 0 })
    }

    /// Show: the record the route names (or, with `of`, its list element's item).
    pub(super) fn show(&self) -> Result<Response, Failure> {
        let key = self.key()?;
        let binds = self.bind_values()?;
        let rec = self.find_in(&self.st.store(), &key, &binds)?;
        match self.a.of {
            Some(of) => self.show_of(of, &rec),
            None => self.object(StatusCode::OK, rec),
        }
    }

    /// Update (PUT, PATCH), the status actions and the member actions (`submit`, an avatar's
    /// upload): the body's elements (or the form's) are merged into the record, then the action's
    /// `sets`, then updated-at and updated-by; an uploaded file is kept with the record.
    pub(super) fn update(&self) -> Result<Response, Failure> {
        let r = self.r;
        let key = self.key()?;
        let (body, facts, file) = if self.a.takes == coupa_runtime::Takes::Multipart {
            let form = self.form_object()?;
            (Some(Value::Object(form.fields)), form.facts, form.file)
        } else {
            (self.decode_for_takes()?, Map::new(), None)
        };
        let binds = self.bind_values()?;
        let stamp = self.st.stamp();
        let mut store = self.st.store();
        let parent = self.parent(&store)?;
        let mut rec = self.find_under(&store, &key, &binds, parent.as_ref())?;
        if let Some(b) = &body {
            let mode = self.a.kind.mode().unwrap_or(Mode::Update);
            (r.codec.validate)(b, mode, Some(&View(&store)), Some(&key.to_string()))
                .map_err(|v| self.invalid(v))?;
        }
        if let Some(m) = rec.as_object_mut() {
            if let Some(Value::Object(b)) = body {
                merge(r, m, b);
            }
            merge(r, m, facts);
            self.apply_sets(m)?;
            assign_update(r, m, &stamp);
        }
        let rec = (r.codec.canonical)(rec).map_err(|e| self.internal(e))?;
        let table = store.table_mut(r);
        if let Some(Parent { record, relink }) = parent {
            match relink {
                Some(Relink::Add) => table.link(record, key.clone()),
                Some(Relink::Remove) => table.unlink(&record, Some(&key)),
                Some(Relink::RemoveAll) => table.unlink(&record, None),
                None => {}
            }
        }
        table.put(key, rec.clone(), file);
        drop(store);
        self.written(StatusCode::OK, Written::Updated, rec)
    }

    /// A collection action (`POST /api/accounts/validate_account`, `GET /api/accounts/favorites`):
    /// what Coupa does is not described, so the mock answers a GET as an index would and any
    /// other method with its body, validated as an update (or the empty object).
    pub(super) fn collection(&self) -> Result<Response, Failure> {
        if self.a.method == coupa_runtime::Method::Get {
            return match self.a.answers {
                coupa_runtime::Answers::List => self.index(),
                _ => Err(self.not_found("")),
            };
        }
        let body = self
            .decode_for_takes()?
            .unwrap_or_else(|| Value::Object(Map::new()));
        let mut store = self.st.store();
        let parent = self.parent(&store)?;
        (self.r.codec.validate)(&body, Mode::Update, Some(&View(&store)), None)
            .map_err(|v| self.invalid(v))?;
        if let Some(Parent {
            record,
            relink: Some(Relink::RemoveAll),
        }) = parent
        {
            store.table_mut(self.r).unlink(&record, None);
        }
        drop(store);
        let body = (self.r.codec.canonical)(body).map_err(|e| self.internal(e))?;
        self.object(StatusCode::OK, body)
    }

    /// Delete: the record the route names is removed and answered.
    pub(super) fn delete(&self) -> Result<Response, Failure> {
        let key = self.key()?;
        let binds = self.bind_values()?;
        let mut store = self.st.store();
        let rec = self.find_in(&store, &key, &binds)?;
        store.table_mut(self.r).remove(&key);
        drop(store);
        self.written(StatusCode::OK, Written::Deleted, rec)
    }

    /// The key of a new record: its `key` element (which must be new), or the next integer.
    pub(super) fn key_of_new(&self, store: &Store, v: &Value) -> Result<Key, Failure> {
        match self.r.key() {
            Some(k) => {
                let key = key_of(self.r, v)
                    .ok_or_else(|| self.internal(format!("the new object has no valid `{k}`")))?;
                if store.get(self.r, &key).is_some() {
                    return Err(self.bad(format!(
                        "/{k}: `{k}` must be unique; another object already has `{key}`"
                    )));
                }
                Ok(key)
            }
            None => Ok(Key::Int(
                store
                    .table(self.r)
                    .and_then(|t| t.records.keys().next_back())
                    .map_or(1, |k| match k {
                        Key::Int(i) => i.saturating_add(1),
                        Key::Text(_) => 1,
                    }),
            )),
        }
    }
}

/// Merges the elements of a body into a record. The key and what Coupa assigns (created-at,
/// sequences, ...) stay: an element both accepted and assigned is accepted, then ignored.
pub(super) fn merge(r: &Resource, rec: &mut Map<String, Value>, body: Map<String, Value>) {
    for (k, v) in body {
        let kept =
            Some(k.as_str()) == r.key() || r.element(&k).is_some_and(|e| e.assigned.is_some());
        if !kept {
            rec.insert(k, v);
        }
    }
}
