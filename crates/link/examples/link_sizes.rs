//! Prints how long report links get: for every sample log (`../shared/evtx-samples`), all
//! samples together, and synthetic logs of growing size, the report's JSON size, the length of
//! its report link and of a view link, how far such a link travels, and how long making it
//! took. The README's table of link sizes comes from this.
//!
//! `cargo run --release -p logonscope-link --example link_sizes`

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use logonscope_core::scan::scan_bytes;
use logonscope_core::{Report, analyze};
use logonscope_link::{LinkReach, SharedReport, SharedView, report_fragment, view_fragment};
use logonscope_synth::{SynthOptions, write_log};
use logonscope_view::view_state::ViewState;

fn main() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/evtx-samples");
    println!(
        "{:<36} {:>9} {:>9} {:>12} {:>12} {:>10} {:>9}  reach",
        "input", "sessions", "failures", "JSON bytes", "link chars", "view link", "make ms"
    );
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&samples)
        .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|e| e == "evtx"));
    paths.sort();
    let mut all = Vec::new();
    for path in &paths {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        let bytes = std::fs::read(path).unwrap_or_default();
        all.push(scan_bytes(&name, &bytes));
        let report = analyze(vec![scan_bytes(&name, &bytes)]);
        if !report.sessions.is_empty() || !report.failures.is_empty() {
            row(&name, report);
        }
    }
    row(
        &format!("all {} samples together", paths.len()),
        analyze(all),
    );
    for sessions in [100, 1_000, 10_000, 50_000, 200_000] {
        let options = SynthOptions {
            sessions,
            computers: 3,
            seed: 7,
        };
        let out = std::io::Cursor::new(Vec::new());
        let Ok((file, report)) = write_log("synthetic.evtx", out, &options, |_| {}) else {
            eprintln!("the synthetic log of {sessions} sessions could not be written");
            continue;
        };
        let size = file.get_ref().len() as f64 / 1e6;
        row(
            &format!("synthetic, {sessions} sessions ({size:.0} MB)"),
            report,
        );
    }
}

fn row(label: &str, report: Report) {
    let json = serde_json::to_vec(&report).map_or(0, |json| json.len());
    let files = report.files.iter().map(|f| f.name.clone()).collect();
    let (sessions, failures) = (report.sessions.len(), report.failures.len());
    let shared = SharedReport {
        report,
        event_counts: BTreeMap::new(),
        view: ViewState::default(),
    };
    let started = Instant::now();
    let link = report_fragment(&shared).unwrap_or_default();
    let took = started.elapsed().as_millis();
    let view = view_fragment(&SharedView {
        files,
        view: ViewState::default(),
    })
    .unwrap_or_default();
    let reach = match LinkReach::of(link.len()) {
        LinkReach::Anywhere => "anywhere",
        LinkReach::Chat => "chat (Teams, Slack)",
        LinkReach::AddressBarOnly => "address bar only",
        LinkReach::TooLong => "too long for browsers",
    };
    println!(
        "{label:<36} {sessions:>9} {failures:>9} {json:>12} {:>12} {:>10} {took:>9}  {reach}",
        link.len(),
        view.len()
    );
}
