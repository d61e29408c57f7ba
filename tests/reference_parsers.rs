//! Synthetic logs must parse without a single error in two independent parsers: the `evtx`
//! crate's `evtx_dump` and `python-evtx`. Both are installed by `scripts/setup`; a missing
//! tool fails the test.

mod common;

use std::process::Command;

use common::{rust_evtx_dump, scratch};
use logonscope_synth::{SynthOptions, write_log};

/// Writes a multi-computer synthetic log of several chunks and returns its path and record count.
fn synthetic_log(test: &str) -> (std::path::PathBuf, u64) {
    let path = scratch(test).join("synthetic.evtx");
    let file = std::fs::File::create(&path).unwrap();
    let options = SynthOptions {
        sessions: 700,
        computers: 2,
        seed: 77,
    };
    let (_, report) = write_log("synthetic.evtx", file, &options, |_| {}).unwrap();
    (path, report.files[0].records)
}

#[test]
fn evtx_dump_reads_every_record_without_error() {
    let (path, records) = synthetic_log("parsers-evtx-dump");
    let output = Command::new(rust_evtx_dump())
        .args(["--validate-checksums", "-o", "jsonl"])
        .arg(&path)
        .output()
        .expect("evtx_dump is installed (scripts/setup installs it)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "evtx_dump failed: {stderr}");
    assert!(stderr.trim().is_empty(), "evtx_dump complained: {stderr}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON record per line"))
        .collect();
    assert_eq!(lines.len() as u64, records);
    let logons = lines
        .iter()
        .filter(|r| r["Event"]["System"]["EventID"] == 4624)
        .count();
    assert!(logons > 700, "{logons} logons");
}

#[test]
fn python_evtx_reads_every_record_without_error() {
    let (path, records) = synthetic_log("parsers-python-evtx");
    let script = r#"
import sys
import xml.etree.ElementTree as ET
import Evtx.Evtx as evtx
count = 0
event_ids = set()
with evtx.Evtx(sys.argv[1]) as log:
    for chunk in log.chunks():
        assert chunk.check_magic(), "bad chunk magic"
        assert chunk.calculate_header_checksum() == chunk.header_checksum(), "chunk header CRC"
        assert chunk.calculate_data_checksum() == chunk.data_checksum(), "chunk data CRC"
    for record in log.records():
        root = ET.fromstring(record.xml())
        ns = "{http://schemas.microsoft.com/win/2004/08/events/event}"
        event_ids.add(root.find(ns + "System/" + ns + "EventID").text)
        count += 1
print(count)
print(",".join(sorted(event_ids)))
"#;
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "python-evtx failed: {stderr}");
    assert!(stderr.trim().is_empty(), "python-evtx complained: {stderr}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut lines = stdout.lines();
    assert_eq!(lines.next().unwrap().parse::<u64>().unwrap(), records);
    let ids = lines.next().unwrap();
    for id in [
        "1100", "1102", "4608", "4624", "4625", "4634", "4647", "4648", "4672", "4688", "4778",
        "4779", "4800", "4801",
    ] {
        assert!(
            ids.split(',').any(|i| i == id),
            "event {id} missing from {ids}"
        );
    }
}
