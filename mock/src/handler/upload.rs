//! Uploads: a multipart form (`attachment[file]` and `attachment[type]`, an avatar's `file`)
//! read into the elements of the record it creates or changes, and the file itself kept, so that
//! the routes that download it answer its bytes.
//!
//! A text field `attachment[type]` (or `type`) is the element `type`. A file field
//! `attachment[file]` (or `file`) fills, where the shape has them, the elements Coupa's models
//! keep about a file (`file`, `file-file-name`, `file-content-type`, `file-file-size`); its bytes
//! are kept beside the record.

use axum::body::Bytes;
use axum::response::Response;
use http::StatusCode;
use serde_json::{Map, Value};

use super::Call;
use super::failure::Failure;
use super::respond;
use crate::store::StoredFile;

/// One field of a form as read.
#[derive(Clone, Debug)]
pub(crate) struct FormPart {
    /// The field's name (`attachment[file]`).
    pub(crate) name: String,
    /// For a file: its name and media type.
    pub(crate) file: Option<(String, String)>,
    /// The content.
    pub(crate) bytes: Bytes,
}

/// Reads a `multipart/form-data` body whose `Content-Type` is `content_type`.
pub(crate) async fn read_form(content_type: &str, body: Bytes) -> Result<Vec<FormPart>, String> {
    let boundary = multer::parse_boundary(content_type).map_err(|_| {
        "a multipart body needs `Content-Type: multipart/form-data; boundary=...`".to_owned()
    })?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| format!("the form cannot be read: {e}"))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let file = field.file_name().map(|f| {
            let ct = field.content_type().map_or_else(
                || "application/octet-stream".to_owned(),
                ToString::to_string,
            );
            (f.to_owned(), ct)
        });
        let bytes = field
            .bytes()
            .await
            .map_err(|e| format!("the form cannot be read: {e}"))?;
        parts.push(FormPart { name, file, bytes });
    }
    Ok(parts)
}

/// A multipart form, read into the elements of a record.
pub(crate) struct FormObject {
    /// The text fields, as the elements they fill: the body to validate.
    pub(crate) fields: Map<String, Value>,
    /// What Coupa records about the uploaded file, in the elements the shape has for it.
    pub(crate) facts: Map<String, Value>,
    /// The uploaded file.
    pub(crate) file: Option<StoredFile>,
}

/// The element a form field fills: the last bracketed part of its name, dashed
/// (`attachment[file]` → `file`).
fn element_of(name: &str) -> String {
    name.rsplit_once('[')
        .and_then(|(_, rest)| rest.strip_suffix(']'))
        .filter(|s| !s.is_empty())
        .unwrap_or(name)
        .replace('_', "-")
}

impl Call<'_> {
    /// The form as an object of the resource's elements (what the request sends, validated as a
    /// body), what Coupa records about the file it carries (`file`, `file-file-name`, ...: set
    /// by Coupa, not accepted in a body, so merged only once the body is valid), and the file
    /// itself (if any). A required field of the route's form that is missing is a 400.
    pub(super) fn form_object(&self) -> Result<FormObject, Failure> {
        let mut obj = Map::new();
        let mut facts_of_file = Map::new();
        let mut stored = None;
        for part in &self.form {
            let element = element_of(&part.name);
            match &part.file {
                None => {
                    let text = String::from_utf8(part.bytes.to_vec()).map_err(|_| {
                        self.bad(format!("the form field `{}` is not UTF-8 text", part.name))
                    })?;
                    if self.r.element(&element).is_some() {
                        obj.insert(element, Value::String(text));
                    }
                }
                Some((file_name, content_type)) => {
                    let facts = [
                        (element.clone(), Value::String(file_name.clone())),
                        (
                            format!("{element}-file-name"),
                            Value::String(file_name.clone()),
                        ),
                        (
                            format!("{element}-content-type"),
                            Value::String(content_type.clone()),
                        ),
                        (
                            format!("{element}-file-size"),
                            Value::String(part.bytes.len().to_string()),
                        ),
                    ];
                    for (k, v) in facts {
                        if self.r.element(&k).is_some() {
                            facts_of_file.insert(k, v);
                        }
                    }
                    stored = Some(StoredFile {
                        name: file_name.clone(),
                        content_type: content_type.clone(),
                        bytes: part.bytes.clone(),
                    });
                }
            }
        }
        for (name, _, required) in self.a.form {
            if *required && !self.form.iter().any(|p| p.name == *name) {
                return Err(self.bad(format!("the form field `{name}` is required")));
            }
        }
        Ok(FormObject {
            fields: obj,
            facts: facts_of_file,
            file: stored,
        })
    }

    /// A download: the bytes of the file kept with the record the route names (404 when none
    /// was uploaded, in the words of Coupa's Comments API page: "Attachment does not have a file
    /// attached").
    pub(super) fn download(&self) -> Result<Response, Failure> {
        let key = self.key()?;
        let binds = self.bind_values()?;
        let store = self.st.store();
        self.find_in(&store, &key, &binds)?;
        let Some(f) = store.file(self.r, &key) else {
            return Err(self.fail(
                StatusCode::NOT_FOUND,
                format!("{} does not have a file attached", self.r.type_name()),
            ));
        };
        let mut resp = respond(StatusCode::OK, Some(&f.content_type), f.bytes.to_vec());
        // The name as sent, quoted as RFC 6266 asks (a quote or backslash escaped).
        let quoted = f.name.replace('\\', "\\\\").replace('"', "\\\"");
        if let Ok(v) = http::HeaderValue::from_str(&format!("attachment; filename=\"{quoted}\"")) {
            resp.headers_mut()
                .insert(http::header::CONTENT_DISPOSITION, v);
        }
        Ok(resp)
    }
}
