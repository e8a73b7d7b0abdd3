//! `of` routes: the list element of a record (`/api/comments/{id}/attachments`) and one item
//! of it, or the item's file.

use axum::response::Response;
use coupa_runtime::error::NO_RESULTS;
use coupa_runtime::{Answers, Format};
use http::{HeaderValue, StatusCode, header};
use serde_json::Value;

use super::failure::Failure;
use super::{Call, respond};
use crate::select::text_of;

impl Call<'_> {
    /// The list element of a record (`/api/comments/{id}/attachments`).
    pub(super) fn index_of(&self, of: &str) -> Result<Response, Failure> {
        let key = self.key()?;
        let binds = self.bind_values()?;
        let rec = self.find_in(&self.st.store(), &key, &binds)?;
        let all: Vec<Value> = match rec.get(of) {
            Some(Value::Array(a)) => a.clone(),
            Some(v @ Value::Object(_)) => vec![v.clone()],
            _ => Vec::new(),
        };
        if self.return_none() {
            return Ok(respond(StatusCode::OK, None, Vec::new()));
        }
        let limit = self.query.page_limit();
        let items: Vec<Value> = all
            .into_iter()
            .skip(self.query.offset.unwrap_or(0))
            .take(limit)
            .map(|v| self.shape(v))
            .collect();
        if items.is_empty() && self.out == Format::Xml {
            return Err(self.fail(StatusCode::NOT_FOUND, NO_RESULTS.to_owned()));
        }
        self.answer_value(StatusCode::OK, of, &Value::Array(items))
    }

    /// One item of a record's list element; for `answers: file`, the item's file.
    pub(super) fn show_of(&self, of: &str, rec: &Value) -> Result<Response, Failure> {
        let one = coupa_runtime::xml::singular(of).into_owned();
        let wanted = self.item_id();
        let item = rec
            .get(of)
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|i| i.get("id").and_then(text_of).as_deref() == Some(wanted))
            })
            .ok_or_else(|| self.no_record(&capitalised(&one), "id", wanted))?;
        if self.a.answers != Answers::File {
            return self.answer_value(StatusCode::OK, &one, &self.shape(item.clone()));
        }
        self.file_of(item, &one)
    }

    /// The id of the item a `show` `of` route names: its last path parameter that is neither
    /// the record's key nor bound to an element.
    fn item_id(&self) -> &str {
        let item_param = self
            .a
            .params
            .iter()
            .rev()
            .map(|(n, _)| *n)
            .find(|n| Some(*n) != self.r.key() && !self.a.binds_param(n));
        item_param.and_then(|p| self.param(p)).unwrap_or_default()
    }

    /// The file of an item (`type: file`), as a download named after the file's last path
    /// segment.
    fn file_of(&self, item: &Value, one: &str) -> Result<Response, Failure> {
        if item.get("type").and_then(Value::as_str) != Some("file") {
            return Err(self.fail(
                StatusCode::NOT_FOUND,
                format!("{} does not have a file attached", capitalised(one)),
            ));
        }
        let file = item.get("file").and_then(text_of).unwrap_or_default();
        let mut res = respond(
            StatusCode::OK,
            Some("application/octet-stream"),
            file.clone().into_bytes(),
        );
        let name: String = file
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .chars()
            .filter(|c| c.is_ascii_graphic() && *c != '"' && *c != '\\')
            .collect();
        let disposition = if name.is_empty() {
            "attachment".to_owned()
        } else {
            format!("attachment; filename=\"{name}\"")
        };
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
        Ok(res)
    }
}

/// `attachment` -> `Attachment`.
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
