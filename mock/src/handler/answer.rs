//! Shaping and writing answers: one object, a page of records (a list or the list envelope),
//! the answer to a write, the bulk-result envelope, and values no model describes.

use axum::response::Response;
use coupa_runtime::error::NO_RESULTS;
use coupa_runtime::query::ReturnObject;
use coupa_runtime::{Answers, Format};
use http::StatusCode;
use serde_json::{Map, Value, json};

use super::failure::Failure;
use super::{Call, Written, respond};
use crate::select::shape;
use crate::store::key_of;

impl Call<'_> {
    /// Whether the client asked for no body (`return_object=none`).
    pub(super) fn return_none(&self) -> bool {
        self.query.return_object == Some(ReturnObject::None)
    }

    /// The answer's view of a record (`return_object`, `fields`).
    pub(super) fn shape(&self, v: Value) -> Value {
        shape(v, self.query.return_object, self.query.fields.as_ref())
    }

    /// Answers one object.
    pub(super) fn object(&self, status: StatusCode, v: Value) -> Result<Response, Failure> {
        if self.return_none() {
            return Ok(respond(status, None, Vec::new()));
        }
        let v = self.shape(v);
        let bytes = (self.r.codec.write)(self.out, &v).map_err(|e| self.internal(e))?;
        Ok(respond(status, Some(self.out.media_type()), bytes))
    }

    /// Answers a page of records: a list (`[]` in JSON, 404 in XML when empty) or the list
    /// envelope (`{"total": N, "events": [...]}`).
    pub(super) fn list(&self, items: Vec<Value>, total: usize) -> Result<Response, Failure> {
        if self.return_none() {
            return Ok(respond(StatusCode::OK, None, Vec::new()));
        }
        let items: Vec<Value> = items.into_iter().map(|v| self.shape(v)).collect();
        if let (Answers::Envelope, Some(env)) = (self.a.answers, &self.r.list_envelope) {
            let mut m = Map::new();
            if let Some(t) = env.total {
                m.insert(t.to_owned(), Value::from(total));
            }
            m.insert(env.items.to_owned(), Value::Array(items));
            let bytes =
                (env.codec.write)(self.out, &Value::Object(m)).map_err(|e| self.internal(e))?;
            return Ok(respond(StatusCode::OK, Some(self.out.media_type()), bytes));
        }
        if items.is_empty() && self.out == Format::Xml {
            return Err(self.fail(StatusCode::NOT_FOUND, NO_RESULTS.to_owned()));
        }
        let bytes = (self.r.codec.write_list)(self.out, self.r.plural, &items)
            .map_err(|e| self.internal(e))?;
        Ok(respond(StatusCode::OK, Some(self.out.media_type()), bytes))
    }

    /// Answers a write: the object, or the bulk-result envelope when the action answers one.
    pub(super) fn written(
        &self,
        status: StatusCode,
        what: Written,
        rec: Value,
    ) -> Result<Response, Failure> {
        match self.a.answers {
            Answers::BulkResult => {
                let created = match what {
                    Written::Created => self.created_ref(&rec).into_iter().collect(),
                    _ => Vec::new(),
                };
                let names = match what {
                    Written::Deleted => vec![self.display_name(&rec)],
                    _ => Vec::new(),
                };
                self.bulk_answer(what, 1, created, names, Vec::new())
            }
            Answers::List | Answers::Envelope => self.list(vec![rec], 1),
            Answers::Object | Answers::File => self.object(status, rec),
        }
    }

    /// `{"id": ...}` of a created record.
    pub(super) fn created_ref(&self, rec: &Value) -> Option<Value> {
        let k = self.r.key()?;
        let mut m = Map::new();
        m.insert(k.to_owned(), rec.get(k)?.clone());
        Some(Value::Object(m))
    }

    /// How the bulk result names a deleted record: its name, else its key.
    pub(super) fn display_name(&self, rec: &Value) -> String {
        rec.get("name")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| key_of(self.r, rec).map(|k| k.to_string()))
            .unwrap_or_default()
    }

    /// The bulk-result envelope, as CSO's Events page shows it.
    pub(super) fn bulk_answer(
        &self,
        what: Written,
        count: usize,
        created: Vec<Value>,
        names: Vec<String>,
        errors: Vec<String>,
    ) -> Result<Response, Failure> {
        let r = self.r;
        let objects = if count == 1 { "object" } else { "objects" };
        let mut result = Vec::new();
        let (count_key, error_type, status) = match what {
            Written::Created => {
                result.push(json!({"type": "api.post.added",
                                   "description": format!("{count} {objects} created.")}));
                ("added", "api.post.error", StatusCode::CREATED)
            }
            Written::Updated => {
                result.push(json!({"type": "api.put.updated",
                                   "description": format!("{count} {objects} updated.")}));
                ("updated", "api.put.error", StatusCode::OK)
            }
            Written::Deleted => {
                for n in names {
                    result.push(json!({"type": format!("{}.deleted.logMsg", r.wire_name()),
                                       "description": format!("The {} {n} was deleted.", r.wire_name())}));
                }
                ("deleted", "api.delete.error", StatusCode::OK)
            }
        };
        for e in errors {
            result.push(json!({"type": error_type, "description": e}));
        }
        let mut m = Map::new();
        m.insert("result".into(), Value::Array(result));
        m.insert(count_key.into(), Value::from(count));
        if what == Written::Created {
            let items = r.bulk_result.as_ref().map_or(r.plural, |e| e.items);
            m.insert(items.into(), Value::Array(created));
        }
        let v = Value::Object(m);
        match &r.bulk_result {
            Some(env) => {
                let bytes = (env.codec.write)(self.out, &v).map_err(|e| self.internal(e))?;
                Ok(respond(status, Some(self.out.media_type()), bytes))
            }
            None => self.answer_value(status, "result", &v),
        }
    }

    /// Answers a value no model describes (an `of` list or item, a result without its envelope)
    /// in the answer's format, under the XML root `root`.
    pub(super) fn answer_value(
        &self,
        status: StatusCode,
        root: &str,
        v: &Value,
    ) -> Result<Response, Failure> {
        let bytes = match self.out {
            Format::Json => serde_json::to_vec(v).map_err(|e| self.internal(e))?,
            Format::Xml => {
                coupa_runtime::xml::value_to_vec(root, v).map_err(|e| self.internal(e))?
            }
        };
        Ok(respond(status, Some(self.out.media_type()), bytes))
    }
}
