//! The validators: whatever decodes is validated for every action of its resource, one object and
//! as a batch, with a store; validation never panics.
#![no_main]

use coupa_runtime::{UniqueStore, UniqueValue};

struct EveryOther;

impl UniqueStore for EveryOther {
    fn is_taken(&self, _: &str, _: &str, value: UniqueValue<'_>, _: Option<&str>) -> bool {
        value.to_string().len() % 2 == 0
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let format = match data.first() {
        Some(b'<') => coupa_runtime::Format::Xml,
        _ => coupa_runtime::Format::Json,
    };
    for r in coupa_api::registry::RESOURCES {
        let one = (r.codec.read)(format, data).ok();
        let many = (r.codec.read_list)(format, data).ok();
        for a in r.routes {
            let Some(mode) = a.kind.mode() else { continue };
            if let Some(v) = &one {
                let _ = (r.codec.validate)(v, mode, Some(&EveryOther), Some("1"));
                let _ = (r.codec.validate)(v, mode, None, None);
            }
            if let Some(items) = &many {
                let _ = (r.codec.validate_batch)(items, mode, Some(&EveryOther), r.name);
            }
        }
    }
});
