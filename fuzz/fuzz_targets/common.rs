//! Shared by the decoder targets: every resource's codec on the same input, and the round trip
//! of whatever decodes.

use coupa_runtime::Format;
use coupa_runtime::registry::Codec;

/// Reads `data` with every codec the registry knows (resources and their envelopes); whatever
/// reads must write back in both formats and read back to the same canonical value.
pub fn decode_everything(format: Format, data: &[u8]) {
    let _ = coupa_runtime::CoupaErrors::parse(format, data);
    for r in coupa_api::registry::RESOURCES {
        let envelopes = [&r.list_envelope, &r.bulk_request, &r.bulk_result];
        let codecs = std::iter::once(&r.codec).chain(envelopes.into_iter().flatten().map(|e| &e.codec));
        for codec in codecs {
            round_trip(codec, format, data, r.name);
        }
    }
}

/// A write may fail in one way only: JSON keeps any key in an open object, and a key XML cannot
/// name (`"a b"`) cannot be written as XML. That is an error for the caller, never a panic or a
/// silent change; anything else that fails to write is a bug.
fn may_not_write(from: Format, to: Format, e: &dyn std::fmt::Display) -> bool {
    from == Format::Json && to == Format::Xml && e.to_string().contains("cannot be an XML element name")
}

fn round_trip(codec: &Codec, format: Format, data: &[u8], plural: &str) {
    if let Ok(value) = (codec.read)(format, data) {
        for out in [Format::Json, Format::Xml] {
            let bytes = match (codec.write)(out, &value) {
                Ok(b) => b,
                Err(e) if may_not_write(format, out, &e) => continue,
                Err(e) => panic!("a decoded value does not write as {out}: {e}"),
            };
            let back = (codec.read)(out, &bytes).expect("what was written reads back");
            assert_eq!(back, value, "{out} round trip changed the value");
        }
        for out in [Format::Json, Format::Xml] {
            // `coupa convert` keeps the unknown elements too, so it may refuse what the typed
            // read skipped (`<x type="integer">twelve</x>`); whatever it writes must read back.
            if let Ok(bytes) = (codec.convert)(format, data, out) {
                (codec.read)(out, &bytes).expect("converted output reads back");
            }
        }
    }
    if let Ok(items) = (codec.read_list)(format, data) {
        let bytes = match (codec.write_list)(format, plural, &items) {
            Ok(b) => b,
            Err(e) if may_not_write(Format::Json, format, &e) => return,
            Err(e) => panic!("decoded items do not write: {e}"),
        };
        let back = (codec.read_list)(format, &bytes).expect("what was written reads back");
        assert_eq!(back, items, "list round trip changed the items");
    }
}
