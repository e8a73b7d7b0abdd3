//! Section 2: decoding 10,000 integration runs (`bench/benches/decode.rs`), JSON and XML, into
//! the generated models against plain serde derives.

use std::fmt::Write as _;
use std::path::Path;

use super::divan::{BenchRun, run_bench};
use super::machine::Machine;
use super::profile::callgrind;
use super::report::{Section, Target, mb_s, per_s, raw_output, secs, section, targets_table};

/// The workloads of the table, by divan name, with their labels.
const WORKLOADS: [(&str, &str); 9] = [
    (
        "json_generated",
        "JSON, generated (`wire::decode_list::<IntegrationRun>`)",
    ),
    (
        "json_generated_serde",
        "JSON, generated (`serde_json::from_slice::<Vec<IntegrationRun>>`)",
    ),
    (
        "json_baseline",
        "JSON, baseline (`serde_json::from_slice::<Vec<baseline::Run>>`)",
    ),
    (
        "json_preserved",
        "JSON, generated, keeping unknown fields (`Preserved::decode_list`)",
    ),
    ("json_value", "JSON into `serde_json::Value` (reference)"),
    (
        "xml_generated",
        "XML, generated (`wire::decode_list::<IntegrationRun>`)",
    ),
    (
        "xml_baseline",
        "XML, baseline (`xml::list_from_slice::<baseline::Run>`)",
    ),
    (
        "xml_preserved",
        "XML, generated, keeping unknown fields (`Preserved::decode_list`)",
    ),
    (
        "xml_tree_only",
        "XML into `serde_json::Value` (the reader's own cost, reference)",
    ),
];

pub(super) fn decode(root: &Path, m: &Machine) -> Result<Section, String> {
    let run = run_bench(root, "decode", &[])?;
    let mut s = section(
        "decode",
        "2. Decoding 10,000 integration runs",
        m,
        std::slice::from_ref(&run.command),
    );
    data(&mut s, &run);
    workloads_table(&mut s, &run)?;
    let (json_ratio, xml_ratio) = ratios(&mut s, &run)?;
    let targets = vec![
        Target {
            name: "JSON decode, generated vs baseline".into(),
            target: "generated ≥ 0.9 × baseline throughput".into(),
            measured: format!("{json_ratio:.2}×"),
            met: json_ratio >= 0.9,
        },
        Target {
            name: "XML decode, generated vs baseline (same reader)".into(),
            target: "generated ≥ 0.9 × baseline throughput (the JSON goal, reported the same way)"
                .into(),
            measured: format!("{xml_ratio:.2}×"),
            met: xml_ratio >= 0.9,
        },
    ];
    targets_table(&mut s, &targets);
    profiles(&mut s, root, json_ratio, xml_ratio);
    raw_output(&mut s, &run);
    Ok(Section {
        key: "decode",
        body: s,
    })
}

/// What the data set is, from the `DATA` line.
fn data(s: &mut String, run: &BenchRun) {
    let data = run.facts("DATA").into_iter().next().unwrap_or_default();
    let g = |k: &str| data.get(k).cloned().unwrap_or_default();
    let mb = |k: &str| {
        g(k).parse::<f64>()
            .map_or("?".into(), |b| format!("{:.1} MB", b / 1e6))
    };
    let _ = writeln!(
        s,
        "Data (`coupa_bench::data`, built in code, deterministic): {} runs, JSON {}, XML {}. Each run has the nested \
         integration (code, name, three enums), datetimes with offsets from -07:00 to +09:00 (a third with \
         milliseconds), one of the five statuses, counters, a flow object or null, the created-by and updated-by \
         short users (with their nulls and empty custom-fields), one element no model knows (`custom-fields`), and \
         on failed runs (about one in five) an integration error with a record response. The baseline \
         (`coupa_bench::baseline`) is the same fields with plain serde derives (`rename_all`, derived enums with \
         `#[serde(other)]`, chrono's serde for datetimes). XML is read by the runtime's reader \
         (`coupa_runtime::xml::list_from_slice`) for both, so the XML ratio isolates the models.\n",
        g("records"),
        mb("json_bytes"),
        mb("xml_bytes")
    );
}

fn workloads_table(s: &mut String, run: &BenchRun) -> Result<(), String> {
    s.push_str("| Workload | Median | Fastest | Records/s | Throughput |\n|---|---|---|---|---|\n");
    for (k, label) in WORKLOADS {
        let r = run.row(k)?;
        let _ = writeln!(
            s,
            "| {label} | {} | {} | {} | {} |",
            secs(r.median),
            secs(r.fastest),
            r.items_per_s.map_or("n/a".into(), per_s),
            mb_s(r.bytes_per_s)
        );
    }
    s.push('\n');
    Ok(())
}

/// The ratios paragraph; answers the JSON and XML ratios the targets hold to.
fn ratios(s: &mut String, run: &BenchRun) -> Result<(f64, f64), String> {
    let t = |k: &str| run.median(k);
    let json_ratio = t("json_baseline")? / t("json_generated")?;
    let json_serde_ratio = t("json_baseline")? / t("json_generated_serde")?;
    let xml_ratio = t("xml_baseline")? / t("xml_generated")?;
    let json_keep = t("json_preserved")? / t("json_generated")?;
    let xml_keep = t("xml_preserved")? / t("xml_generated")?;
    let _ = writeln!(
        s,
        "Ratios (throughput of generated ÷ throughput of baseline = baseline time ÷ generated time; medians of this run):\n\n\
         - JSON: **{json_ratio:.2}** through `wire::decode_list`, {json_serde_ratio:.2} through `serde_json` directly.\n\
         - XML: **{xml_ratio:.2}**. The reader itself (XML into `Value`) takes {:.0}% of the baseline's XML time.\n\
         - Keeping unknown fields (`Preserved`) costs **{json_keep:.1}×** the plain decode in JSON and **{xml_keep:.1}×** in XML: \
         `Preserved::decode_list` reads the bytes twice, once typed and once into `serde_json::Value`, then walks the \
         values against the model's shape (`coupa_runtime::preserve::extract`); the `Value` read alone is {:.1}× the typed JSON decode.\n",
        100.0 * t("xml_tree_only")? / t("xml_baseline")?,
        t("json_value")? / t("json_generated")?,
    );
    Ok((json_ratio, xml_ratio))
}

/// For each missed target, both workloads under callgrind.
fn profiles(s: &mut String, root: &Path, json_ratio: f64, xml_ratio: f64) {
    for (label, ratio, generated, baseline) in [
        ("JSON", json_ratio, "json_generated", "json_baseline"),
        ("XML", xml_ratio, "xml_generated", "xml_baseline"),
    ] {
        if ratio < 0.9 {
            let _ = writeln!(
                s,
                "### Why the {label} target is missed\n\nThe two workloads under callgrind; compare the functions that appear only, or much higher, in the generated run.\n"
            );
            s.push_str(&callgrind(root, "decode", generated, 25));
            s.push('\n');
            s.push_str(&callgrind(root, "decode", baseline, 25));
            s.push('\n');
        }
    }
}
