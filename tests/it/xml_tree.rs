//! Coupa XML as a tree, for comparing payloads by structure rather than by text.
//!
//! Shared by the wire suites of coupa-tests (`tests/it/wire.rs`) and coupa-cli
//! (`cli/tests/it/wire.rs`; `cli/tests/it/main.rs` includes this file through a `#[path]`). It
//! reads with quick-xml directly, independently of `coupa_runtime::xml`, so the runtime's reader
//! is not used to judge the runtime's writer.
//!
//! A [`Node`] keeps what Coupa's XML carries: the element's name, its `type` and `nil`
//! attributes, its text (for an element without children) and its children. The XML declaration,
//! comments, and whitespace between elements are not kept; the text of a leaf is kept exactly,
//! whitespace included (it is data).
//!
//! [`diff`] compares two trees. Children are compared in order, with one normalisation: the
//! children of an *object* (an element that is not `type="array"`) are ordered by name (a stable
//! sort, so same-named siblings such as `<error>`s keep their order). Coupa's objects are Rails
//! hashes: their elements carry no order, and `Preserved<T>` writes the elements it kept (nulls,
//! unknown elements) after the ones the model wrote. The items of a `type="array"` list are
//! compared strictly in order. [`diff_strict`] compares without the normalisation.
#![allow(dead_code)]

use std::fmt::Write as _;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// One element.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    /// The element name.
    pub name: String,
    /// The `type` attribute.
    pub ty: Option<String>,
    /// `nil="true"`.
    pub nil: bool,
    /// The text, for an element without children (empty for `<a/>` and `<a></a>`).
    pub text: String,
    /// The child elements, in document order.
    pub children: Vec<Node>,
}

impl Node {
    /// A leaf with text and no attributes.
    pub fn leaf(name: &str, text: &str) -> Node {
        Node {
            name: name.to_owned(),
            text: text.to_owned(),
            ..Node::default()
        }
    }

    /// True for `type="array"`.
    pub fn is_array(&self) -> bool {
        self.ty.as_deref() == Some("array")
    }

    /// The first child with this name.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The first child with this name, mutably.
    pub fn child_mut(&mut self, name: &str) -> Option<&mut Node> {
        self.children.iter_mut().find(|c| c.name == name)
    }

    /// The node at a `/`-separated path of child names below this one (`delegator/roles`).
    pub fn at(&self, path: &str) -> Option<&Node> {
        path.split('/')
            .filter(|s| !s.is_empty())
            .try_fold(self, |n, seg| n.child(seg))
    }

    /// The node at a path, mutably.
    pub fn at_mut(&mut self, path: &str) -> Option<&mut Node> {
        let mut n = self;
        for seg in path.split('/').filter(|s| !s.is_empty()) {
            n = n.child_mut(seg)?;
        }
        Some(n)
    }

    /// Writes the tree back as XML (no declaration), escaping text; `<a/>` for an empty leaf.
    pub fn to_xml(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        if let Some(t) = &self.ty {
            let _ = write!(out, " type=\"{}\"", quick_xml::escape::escape(t.as_str()));
        }
        if self.nil {
            out.push_str(" nil=\"true\"");
        }
        if self.children.is_empty() && self.text.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        if self.children.is_empty() {
            // `escape` also writes a carriage return as `&#13;`, which a reader keeps.
            out.push_str(&quick_xml::escape::escape(self.text.as_str()));
        }
        for c in &self.children {
            c.write(out);
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }
}

/// Parses a document into its root element.
pub fn parse(bytes: &[u8]) -> Result<Node, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| format!("at byte {}: {e}", reader.error_position()))?;
        match ev {
            Event::Start(s) => stack.push(open(&s)?),
            Event::Empty(s) => {
                let n = open(&s)?;
                match stack.last_mut() {
                    Some(p) => p.children.push(n),
                    None => root = Some(n),
                }
            }
            Event::End(_) => {
                let n = stack.pop().ok_or("a closing tag without an opening tag")?;
                match stack.last_mut() {
                    Some(p) => p.children.push(n),
                    None => root = Some(n),
                }
            }
            Event::Text(t) => {
                if let Some(p) = stack.last_mut() {
                    p.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(c) => {
                if let Some(p) = stack.last_mut() {
                    p.text.push_str(&c.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let s = if r.is_char_ref() {
                    r.resolve_char_ref()
                        .map_err(|e| e.to_string())?
                        .ok_or("an invalid character reference")?
                        .to_string()
                } else {
                    let name = r.xml10_content();
                    quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| format!("the entity &{name}; is not predefined"))?
                        .to_owned()
                };
                if let Some(p) = stack.last_mut() {
                    p.text.push_str(&s);
                }
            }
            Event::DocType(_) => return Err("a DOCTYPE".to_owned()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err("the document ends inside an element".to_owned());
    }
    let mut root = root.ok_or("no root element")?;
    drop_whitespace_between_elements(&mut root);
    Ok(root)
}

fn open(s: &BytesStart<'_>) -> Result<Node, String> {
    let mut n = Node {
        name: s.name().as_ref().to_owned(),
        ..Node::default()
    };
    for a in s.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let v = a
            .normalized_value(quick_xml::XmlVersion::Explicit1_0)
            .map_err(|e| e.to_string())?
            .into_owned();
        match a.key.as_ref() {
            "type" => n.ty = Some(v),
            "nil" => n.nil = v == "true",
            _ => {}
        }
    }
    Ok(n)
}

/// The text of an element with children is the whitespace between them; so is the text of an
/// empty list written over several lines.
fn drop_whitespace_between_elements(n: &mut Node) {
    if (!n.children.is_empty() || n.is_array()) && n.text.trim().is_empty() {
        n.text.clear();
    }
    for c in &mut n.children {
        drop_whitespace_between_elements(c);
    }
}

fn normalise(n: &Node) -> Node {
    let mut children: Vec<Node> = n.children.iter().map(normalise).collect();
    if !n.is_array() {
        children.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Node {
        children,
        ..n.clone()
    }
}

/// The first difference between two trees, with its path; objects' children compared by name
/// (see the module documentation), lists' items in order.
pub fn diff(expected: &Node, actual: &Node) -> Option<String> {
    diff_at(&normalise(expected), &normalise(actual), "")
}

/// The first difference between two trees, every child in document order.
pub fn diff_strict(expected: &Node, actual: &Node) -> Option<String> {
    diff_at(expected, actual, "")
}

fn diff_at(e: &Node, a: &Node, parent: &str) -> Option<String> {
    let path = format!("{parent}/{}", e.name);
    if e.name != a.name {
        return Some(format!(
            "{parent}: expected <{}>, found <{}>",
            e.name, a.name
        ));
    }
    if e.ty != a.ty {
        return Some(format!(
            "{path}: expected type {:?}, found {:?}",
            e.ty, a.ty
        ));
    }
    if e.nil != a.nil {
        return Some(format!(
            "{path}: expected nil={}, found nil={}",
            e.nil, a.nil
        ));
    }
    if e.text != a.text {
        return Some(format!(
            "{path}: expected text {:?}, found {:?}",
            e.text, a.text
        ));
    }
    for (i, (ec, ac)) in e.children.iter().zip(&a.children).enumerate() {
        let at = if e.is_array() {
            format!("{path}[{i}]")
        } else {
            path.clone()
        };
        if let Some(d) = diff_at(ec, ac, &at) {
            return Some(d);
        }
    }
    if e.children.len() != a.children.len() {
        let names = |n: &Node| {
            n.children
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
        };
        return Some(format!(
            "{path}: expected {} children {:?}, found {} {:?}",
            e.children.len(),
            names(e),
            a.children.len(),
            names(a)
        ));
    }
    None
}

/// What XML cannot keep through a model, in the goldens of `tests/wire/`: the `type` of a value
/// inside an open object (an `object` element), which the model holds as a JSON value: a decimal
/// is a JSON string there, so it would be written back as text without `type="decimal"`. Listed
/// as (golden, path below the root of each object, the type lost).
///
/// None today: the one such value of the goldens, a user's requisition-approval-limit amount,
/// is a `Decimal` of the ApprovalLimit model since the R39 import (the seed transcription had
/// left the approval limits open).
pub const XML_TYPES_LOST: &[(&str, &str, &str)] = &[];

/// The XML golden `golden` (`<resource>/<name>`) as the writers can reproduce it: the types of
/// [`XML_TYPES_LOST`] taken out (each must be there). `list` when the root is a list of objects.
pub fn reproducible(golden: &str, n: &Node, list: bool) -> Node {
    let mut n = n.clone();
    for (file, path, ty) in XML_TYPES_LOST {
        if *file != golden {
            continue;
        }
        let objects: Vec<&mut Node> = if list {
            n.children.iter_mut().collect()
        } else {
            vec![&mut n]
        };
        for o in objects {
            let e = o
                .at_mut(path)
                .unwrap_or_else(|| panic!("{file}: no element at {path}"));
            assert_eq!(e.ty.as_deref(), Some(*ty), "{file}: {path}");
            e.ty = None;
        }
    }
    n
}

/// Parses both documents and panics with the first difference (objects' children by name).
#[track_caller]
pub fn assert_same_tree(expected: &[u8], actual: &[u8], what: &str) {
    let e = parse(expected).unwrap_or_else(|err| panic!("{what}: the expected XML: {err}"));
    let a = parse(actual).unwrap_or_else(|err| {
        panic!(
            "{what}: the XML written: {err}\n{}",
            String::from_utf8_lossy(actual)
        )
    });
    if let Some(d) = diff(&e, &a) {
        panic!(
            "{what}: the trees differ: {d}\n--- written:\n{}",
            String::from_utf8_lossy(actual)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_between_elements_and_the_declaration_are_not_kept_but_leaf_text_is() {
        let a = parse(
            b"<?xml version=\"1.0\"?>\n<r>\n  <a type=\"integer\">1</a>\n  <b> x </b><c/><l type=\"array\">\n</l></r>",
        )
        .unwrap();
        let b =
            parse(b"<r><a type=\"integer\">1</a><b> x </b><c></c><l type=\"array\"/></r>").unwrap();
        assert_eq!(diff_strict(&a, &b), None);
        assert_eq!(a.child("b").unwrap().text, " x ");
    }

    #[test]
    fn object_children_compare_by_name_list_items_in_order() {
        let a = parse(b"<r><a/><b/><l type=\"array\"><i>1</i><i>2</i></l></r>").unwrap();
        let b = parse(b"<r><l type=\"array\"><i>1</i><i>2</i></l><b/><a/></r>").unwrap();
        assert_eq!(diff(&a, &b), None);
        assert!(diff_strict(&a, &b).is_some());
        let c = parse(b"<r><a/><b/><l type=\"array\"><i>2</i><i>1</i></l></r>").unwrap();
        assert!(
            diff(&a, &c).unwrap().contains("/r/l[0]/i"),
            "{:?}",
            diff(&a, &c)
        );
        let d =
            parse(b"<r><a nil=\"true\"/><b/><l type=\"array\"><i>1</i><i>2</i></l></r>").unwrap();
        assert!(diff(&a, &d).unwrap().contains("nil"));
    }

    #[test]
    fn entities_and_character_references_are_resolved_and_written_back() {
        let a = parse("<r>&lt;&amp;&gt;&quot;&apos;&#13;&#x65E5;</r>".as_bytes()).unwrap();
        assert_eq!(a.text, "<&>\"'\r日");
        assert_eq!(parse(a.to_xml().as_bytes()).unwrap(), a);
    }
}
