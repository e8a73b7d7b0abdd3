//! Coupa's XML, read and written through serde, generic over the generated types.
//!
//! Coupa's XML follows Rails conventions that quick-xml's own serde layer cannot express (tested
//! in `tests::quick_xml_serde_cannot_read_coupa_xml`): a null is `<x nil="true"/>` whatever the
//! field's type, collections are wrapped (`<roles type="array"><role>...</role></roles>`), and
//! scalars carry a `type` attribute (`integer`, `dateTime`, `boolean`, `decimal`, `symbol`). So
//! this module parses with quick-xml's reader into a small tree, and drives serde over the tree;
//! writing goes through a serde serializer that emits the attributes Coupa emits.
//!
//! Hostile input is refused with a position, never expanded or recursed into without bound: a
//! DOCTYPE (and so any entity declaration) is an error, only the five predefined entities and
//! character references are resolved, and nesting is limited to [`MAX_DEPTH`] levels of elements
//! holding elements (one more level of plain values below them), so that reading never recurses
//! deeper than JSON reading does ([`crate::format::MAX_DEPTH`]) and whatever is read here can be
//! written as JSON and read back.
//!
//! The module reads in two steps: [`tree`](self) parses text into elements (the only place that
//! sees quick-xml's reader), and the reader drives serde over them. Writing is one serde
//! serializer that writes text directly; [`crate::Preserved`] hands it what the model did not
//! keep, and it writes that in the same pass.

mod read;
#[cfg(test)]
mod tests;
mod tree;
mod write;

pub(crate) use read::error_body;
pub use read::{from_slice, list_from_slice, to_json_value};
pub use tree::{HASH, MAX_DEPTH, is_element_name};
pub use write::{XmlWriteError, list_to_vec, singular, to_vec, value_to_vec};
pub(crate) use write::{list_to_vec_keeping, to_vec_keeping};
