//! Decoding 10,000 integration runs (`coupa_bench::data`), with the generated models and with
//! the hand-written baseline (`coupa_bench::baseline`), in JSON and in XML, in the same run.
//!
//! - `json_generated`: `coupa_runtime::wire::decode_list::<IntegrationRun>` (what the client
//!   calls); `json_generated_serde`: `serde_json::from_slice::<Vec<IntegrationRun>>` directly;
//! - `json_baseline`: `serde_json::from_slice::<Vec<baseline::Run>>`;
//! - `json_preserved`: `Preserved::<IntegrationRun>::decode_list`, which keeps unknown elements;
//! - `json_value`: `serde_json::Value` of the same bytes (what `Preserved` reads a second time);
//! - `xml_generated`, `xml_baseline`, `xml_preserved`: the same through the runtime's XML reader
//!   (`coupa_runtime::xml::list_from_slice`), so the ratio isolates the models;
//! - `xml_tree_only`: the XML read into `serde_json::Value`, the reader's own cost.
//!
//! Run: `cargo bench -p coupa-bench --bench decode`.

use std::sync::LazyLock;

use coupa_api::integration_runs::IntegrationRun;
use coupa_bench::{baseline, data};
use coupa_runtime::{Format, Preserved, wire};
use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};

static JSON: LazyLock<Vec<u8>> = LazyLock::new(|| data::json(data::RECORDS));
static XML: LazyLock<Vec<u8>> = LazyLock::new(|| data::xml(data::RECORDS));

fn main() {
    if let Ok(name) = std::env::var(coupa_bench::PROFILE_ENV) {
        return profile(&name);
    }
    println!(
        "DATA records={} json_bytes={} xml_bytes={}",
        data::RECORDS,
        JSON.len(),
        XML.len()
    );
    divan::main();
}

/// One workload under callgrind (see `coupa_bench::profile_target`).
fn profile(name: &str) {
    let (json, xml) = (&JSON[..], &XML[..]);
    let f: Box<dyn Fn()> = match name {
        "json_generated" => Box::new(|| {
            black_box(wire::decode_list::<IntegrationRun>(Format::Json, json).unwrap());
        }),
        "json_baseline" => Box::new(|| {
            black_box(serde_json::from_slice::<Vec<baseline::Run>>(json).unwrap());
        }),
        "json_preserved" => Box::new(|| {
            black_box(Preserved::<IntegrationRun>::decode_list(Format::Json, json).unwrap());
        }),
        "xml_generated" => Box::new(|| {
            black_box(wire::decode_list::<IntegrationRun>(Format::Xml, xml).unwrap());
        }),
        "xml_baseline" => Box::new(|| {
            black_box(coupa_runtime::xml::list_from_slice::<baseline::Run>(xml).unwrap());
        }),
        "xml_preserved" => Box::new(|| {
            black_box(Preserved::<IntegrationRun>::decode_list(Format::Xml, xml).unwrap());
        }),
        other => panic!("no workload `{other}` to profile"),
    };
    coupa_bench::profile_target(&*f);
}

fn json<'a, 'b>(bencher: Bencher<'a, 'b>) -> Bencher<'a, 'b> {
    bencher
        .counter(ItemsCount::new(data::RECORDS))
        .counter(BytesCount::of_slice(&JSON[..]))
}

fn xml<'a, 'b>(bencher: Bencher<'a, 'b>) -> Bencher<'a, 'b> {
    bencher
        .counter(ItemsCount::new(data::RECORDS))
        .counter(BytesCount::of_slice(&XML[..]))
}

#[divan::bench(sample_count = 40, sample_size = 1)]
fn json_generated(bencher: Bencher) {
    let bytes = &JSON[..];
    json(bencher).bench(|| {
        let v: Vec<IntegrationRun> = wire::decode_list(Format::Json, black_box(bytes)).unwrap();
        assert_eq!(v.len(), data::RECORDS);
        v
    });
}

#[divan::bench(sample_count = 40, sample_size = 1)]
fn json_generated_serde(bencher: Bencher) {
    let bytes = &JSON[..];
    json(bencher).bench(|| {
        let v: Vec<IntegrationRun> = serde_json::from_slice(black_box(bytes)).unwrap();
        assert_eq!(v.len(), data::RECORDS);
        v
    });
}

#[divan::bench(sample_count = 40, sample_size = 1)]
fn json_baseline(bencher: Bencher) {
    let bytes = &JSON[..];
    json(bencher).bench(|| {
        let v: Vec<baseline::Run> = serde_json::from_slice(black_box(bytes)).unwrap();
        assert_eq!(v.len(), data::RECORDS);
        v
    });
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn json_preserved(bencher: Bencher) {
    let bytes = &JSON[..];
    json(bencher).bench(|| {
        let v = Preserved::<IntegrationRun>::decode_list(Format::Json, black_box(bytes)).unwrap();
        assert_eq!(v.len(), data::RECORDS);
        v
    });
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn json_value(bencher: Bencher) {
    let bytes = &JSON[..];
    json(bencher).bench(|| serde_json::from_slice::<serde_json::Value>(black_box(bytes)).unwrap());
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn xml_generated(bencher: Bencher) {
    let bytes = &XML[..];
    xml(bencher).bench(|| {
        let v: Vec<IntegrationRun> = wire::decode_list(Format::Xml, black_box(bytes)).unwrap();
        assert_eq!(v.len(), data::RECORDS);
        v
    });
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn xml_baseline(bencher: Bencher) {
    let bytes = &XML[..];
    xml(bencher).bench(|| {
        let v: Vec<baseline::Run> = coupa_runtime::xml::list_from_slice(black_box(bytes)).unwrap();
        assert_eq!(v.len(), data::RECORDS);
        v
    });
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn xml_preserved(bencher: Bencher) {
    let bytes = &XML[..];
    xml(bencher).bench(|| {
        let v = Preserved::<IntegrationRun>::decode_list(Format::Xml, black_box(bytes)).unwrap();
        assert_eq!(v.len(), data::RECORDS);
        v
    });
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn xml_tree_only(bencher: Bencher) {
    let bytes = &XML[..];
    xml(bencher).bench(|| coupa_runtime::xml::to_json_value(black_box(bytes)).unwrap());
}
