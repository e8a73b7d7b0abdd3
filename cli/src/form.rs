//! `coupa call ... --form NAME=VALUE --form NAME=@FILE`: the multipart form of an upload route
//! (an attachment's `attachment[file]`, a user's avatar), checked against the route's fields
//! before anything is sent.

use std::path::Path;

use coupa_runtime::registry::Route;
use coupa_runtime::vocab::FormKind;
use coupa_runtime::{Form, Upload};

/// One `--form` argument, read.
enum Field {
    Text(String),
    File(Upload),
}

/// Builds the form from the `--form` arguments: every name is one of the route's fields, a file
/// field is given a file (`@path`) and a text field text, and every required field is there.
/// Returns the `Content-Type` (with its boundary) and the body.
pub fn build(resource: &str, route: &Route, args: &[String]) -> Result<(String, Vec<u8>), String> {
    let mut fields: Vec<(&'static str, Field)> = Vec::new();
    for arg in args {
        let (name, value) = arg
            .split_once('=')
            .ok_or_else(|| format!("--form `{arg}`: expected NAME=VALUE or NAME=@FILE"))?;
        let Some(&(known, kind, _)) = route.form.iter().find(|(n, _, _)| *n == name) else {
            return Err(format!(
                "--form `{name}`: the form of `{resource} {}` has no such field; its fields are {}",
                route.name,
                field_list(route.form)
            ));
        };
        if fields.iter().any(|(n, _)| *n == known) {
            return Err(format!("--form `{name}` is given twice"));
        }
        let field = match (kind, value.strip_prefix('@')) {
            (FormKind::File, Some(path)) => Field::File(upload(Path::new(path))?),
            (FormKind::File, None) => {
                return Err(format!(
                    "--form `{name}` is a file: give it as {name}=@PATH"
                ));
            }
            (_, _) => Field::Text(value.to_owned()),
        };
        fields.push((known, field));
    }
    let missing: Vec<&str> = route
        .form
        .iter()
        .filter(|(n, _, required)| *required && !fields.iter().any(|(f, _)| f == n))
        .map(|(n, _, _)| *n)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "`{resource} {}` needs {}: give {}",
            route.name,
            missing.join(", "),
            missing
                .iter()
                .map(|n| format!("--form '{n}=...'"))
                .collect::<Vec<_>>()
                .join(" ")
        ));
    }
    // The form goes in the route's field order, whatever the order of the arguments.
    let form = route.form.iter().fold(Form::new(), |form, (name, _, _)| {
        match fields.iter().find(|(n, _)| n == name).map(|(_, f)| f) {
            Some(Field::Text(t)) => form.text(name, t),
            Some(Field::File(u)) => form.file(name, u),
            None => form,
        }
    });
    Ok(form.encode())
}

/// A form's fields as `coupa describe` and the errors show them:
/// `attachment[file] (file, required), attachment[type] (string)`.
pub fn field_list(form: &[(&str, FormKind, bool)]) -> String {
    if form.is_empty() {
        return "none".to_owned();
    }
    form.iter()
        .map(|(n, kind, required)| {
            format!(
                "{n} ({}{})",
                kind.as_str(),
                if *required { ", required" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a file to upload: its name and a media type from its extension.
fn upload(path: &Path) -> Result<Upload, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("{}: cannot read the file: {e}", path.display()))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "upload".to_owned());
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    Ok(Upload::new(file_name, media_type(&ext), bytes))
}

/// The media type of the files people attach to Coupa records, by extension; anything else is
/// `application/octet-stream`.
fn media_type(ext: &str) -> &'static str {
    match ext {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "tif" | "tiff" => "image/tiff",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "xml" => "application/xml",
        "json" => "application/json",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use coupa_runtime::{ActionKind, Method, Takes};

    const ROUTE: &Route = &Route::new(
        "attachments",
        "create-for-comment",
        ActionKind::Create,
        Method::Post,
        "/api/comments/{id}/attachments",
    )
    .takes(Takes::Multipart)
    .form(&[
        ("attachment[file]", FormKind::File, true),
        ("attachment[type]", FormKind::String, true),
    ]);

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_form_in_the_routes_order_with_the_files_name_and_type() {
        let dir = std::env::temp_dir().join(format!("coupa-form-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("scan.PDF");
        std::fs::write(&file, b"%PDF-1.4").unwrap();
        let (content_type, body) = build(
            "attachments",
            ROUTE,
            &args(&[
                "attachment[type]=file",
                &format!("attachment[file]=@{}", file.display()),
            ]),
        )
        .unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(content_type.starts_with("multipart/form-data; boundary="));
        let body = String::from_utf8(body).unwrap();
        let file_at = body.find("name=\"attachment[file]\"; filename=\"scan.PDF\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4").unwrap();
        let type_at = body.find("name=\"attachment[type]\"\r\n\r\nfile").unwrap();
        assert!(file_at < type_at, "{body}");
    }

    #[test]
    fn every_mistake_is_told_before_anything_is_read_or_sent() {
        let err = |a: &[&str]| build("attachments", ROUTE, &args(a)).unwrap_err();
        assert_eq!(
            err(&["attachment[type]=file"]),
            "`attachments create-for-comment` needs attachment[file]: give --form 'attachment[file]=...'"
        );
        assert_eq!(
            err(&["attachment[file]=scan.pdf", "attachment[type]=file"]),
            "--form `attachment[file]` is a file: give it as attachment[file]=@PATH"
        );
        assert_eq!(
            err(&["file=@x"]),
            "--form `file`: the form of `attachments create-for-comment` has no such field; its fields are \
             attachment[file] (file, required), attachment[type] (string, required)"
        );
        assert_eq!(
            err(&["attachment[type]"]),
            "--form `attachment[type]`: expected NAME=VALUE or NAME=@FILE"
        );
        assert_eq!(
            err(&["attachment[type]=a", "attachment[type]=b"]),
            "--form `attachment[type]` is given twice"
        );
        assert!(err(&["attachment[file]=@/nonexistent/scan.pdf"]).contains("cannot read the file"));
    }
}
