//! Multipart forms (`multipart/form-data`, RFC 7578): how Coupa takes file uploads (an
//! attachment's `attachment[file]` and `attachment[type]`, a user's avatar, an invoice's image
//! scan).
//!
//! A generated upload request builds a [`Form`]; [`Form::encode`] writes it with a boundary that
//! occurs in none of its parts, so the same form always encodes to the same bytes.
//!
//! This module is a leaf: it imports nothing else of the crate.

/// A file to upload: its name, media type and bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Upload {
    /// The file name sent with it (`invoice.pdf`).
    pub file_name: String,
    /// Its media type (`application/pdf`).
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl Upload {
    /// A file with this name, media type and content.
    pub fn new(
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
    ) -> Upload {
        Upload {
            file_name: file_name.into(),
            content_type: content_type.into(),
            bytes: bytes.into(),
        }
    }
}

/// One part of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a Upload),
}

/// A form to send as `multipart/form-data`, borrowing its values from the request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Form<'a> {
    parts: Vec<Part<'a>>,
}

impl<'a> Form<'a> {
    /// An empty form.
    pub fn new() -> Form<'a> {
        Form::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: &'a str, value: &'a str) -> Form<'a> {
        self.parts.push(Part::Text(name, value));
        self
    }

    /// Adds a file.
    pub fn file(mut self, name: &'a str, file: &'a Upload) -> Form<'a> {
        self.parts.push(Part::File(name, file));
        self
    }

    /// Adds a text field when there is a value.
    pub fn text_opt(self, name: &'a str, value: Option<&'a str>) -> Form<'a> {
        match value {
            Some(v) => self.text(name, v),
            None => self,
        }
    }

    /// Adds a file when there is one.
    pub fn file_opt(self, name: &'a str, file: Option<&'a Upload>) -> Form<'a> {
        match file {
            Some(f) => self.file(name, f),
            None => self,
        }
    }

    /// The `Content-Type` (with its boundary) and the body.
    pub fn encode(&self) -> (String, Vec<u8>) {
        let boundary = self.boundary();
        let mut out = Vec::new();
        for part in &self.parts {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match part {
                Part::Text(name, value) => {
                    out.extend_from_slice(
                        format!(
                            "Content-Disposition: form-data; name=\"{}\"\r\n\r\n",
                            quoted(name)
                        )
                        .as_bytes(),
                    );
                    out.extend_from_slice(value.as_bytes());
                }
                Part::File(name, file) => {
                    out.extend_from_slice(
                        format!(
                            "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                            quoted(name),
                            quoted(&file.file_name),
                            media_type(&file.content_type)
                        )
                        .as_bytes(),
                    );
                    out.extend_from_slice(&file.bytes);
                }
            }
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), out)
    }

    /// A boundary found in no part: `coupa-form-0`, `coupa-form-1`, ...
    fn boundary(&self) -> String {
        (0u64..)
            .map(|n| format!("coupa-form-{n}"))
            .find(|b| {
                self.parts.iter().all(|p| match p {
                    Part::Text(n, v) => !n.contains(b.as_str()) && !v.contains(b.as_str()),
                    Part::File(n, f) => {
                        !n.contains(b.as_str())
                            && !f.file_name.contains(b.as_str())
                            && !contains(&f.bytes, b.as_bytes())
                    }
                })
            })
            .unwrap_or_default()
    }
}

/// A header parameter value: quotes, backslashes and line breaks percent-encoded, as browsers do
/// (RFC 7578 §4.2), so no value can end its header or start another.
fn quoted(s: &str) -> String {
    s.replace('%', "%25")
        .replace('"', "%22")
        .replace('\\', "%5C")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A media type without line breaks (anything else would add a header); a broken one is sent as
/// `application/octet-stream`.
fn media_type(s: &str) -> &str {
    if s.is_empty() || s.contains(['\r', '\n']) {
        "application/octet-stream"
    } else {
        s
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_encodes_its_parts_with_a_boundary_none_contains() {
        let file = Upload::new(
            "scan \"1\".pdf",
            "application/pdf",
            b"%PDF coupa-form-0".to_vec(),
        );
        let form = Form::new()
            .file("attachment[file]", &file)
            .text("attachment[type]", "file")
            .text_opt("absent", None);
        let (content_type, body) = form.encode();
        assert_eq!(content_type, "multipart/form-data; boundary=coupa-form-1");
        let text = String::from_utf8(body).unwrap();
        assert_eq!(
            text,
            "--coupa-form-1\r\nContent-Disposition: form-data; name=\"attachment[file]\"; filename=\"scan %221%22.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF coupa-form-0\r\n\
             --coupa-form-1\r\nContent-Disposition: form-data; name=\"attachment[type]\"\r\n\r\nfile\r\n\
             --coupa-form-1--\r\n"
        );
        assert_eq!(
            form.encode().1,
            text.into_bytes(),
            "the same bytes every time"
        );
    }

    #[test]
    fn header_values_cannot_break_out() {
        let file = Upload::new("a\r\nX-Evil: 1", "text/plain\r\nX-Evil: 1", b"x".to_vec());
        let (_, body) = Form::new().file("f", &file).encode();
        let text = String::from_utf8(body).unwrap();
        assert!(!text.contains("\r\nX-Evil"), "{text}");
        assert!(text.contains("Content-Type: application/octet-stream"));
    }
}
