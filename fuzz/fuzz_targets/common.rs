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

fn round_trip(codec: &Codec, format: Format, data: &[u8], plural: &str) {
    if let Ok(value) = (codec.read)(format, data) {
        for out in [Format::Json, Format::Xml] {
            let bytes = (codec.write)(out, &value).expect("a decoded value writes");
            let back = (codec.read)(out, &bytes).expect("what was written reads back");
            assert_eq!(back, value, "{out} round trip changed the value");
        }
        let _ = (codec.convert)(format, data, Format::Json);
        let _ = (codec.convert)(format, data, Format::Xml);
    }
    if let Ok(items) = (codec.read_list)(format, data) {
        let bytes = (codec.write_list)(format, plural, &items).expect("decoded items write");
        let back = (codec.read_list)(format, &bytes).expect("what was written reads back");
        assert_eq!(back, items, "list round trip changed the items");
    }
}
