//! Round trips: synthetic logs of several sizes and seeds, read back by the core, must give
//! exactly the report the simulation recorded; and reading a file chunk by chunk in any order
//! and split (as the browser's workers will) must give the report of a single pass.

mod common;

use std::io::Cursor;

use logonscope_core::report::{EndReason, Report, WarningKind};
use logonscope_core::scan::{self, FileScan, chunk_count, chunk_offset, scan_chunk};
use logonscope_core::{analyze, scan_bytes, scan_reader};

fn synth(sessions: u64, computers: u32, seed: u64) -> (Vec<u8>, Report) {
    common::synthetic_log(sessions, computers, seed)
}

fn assert_same_report(actual: &Report, expected: &Report) {
    assert_eq!(actual.files, expected.files);
    assert_eq!(
        actual.sessions.len(),
        expected.sessions.len(),
        "session count"
    );
    for (a, e) in actual.sessions.iter().zip(&expected.sessions) {
        assert_eq!(a, e);
    }
    assert_eq!(actual.failures, expected.failures);
    assert_eq!(actual.warnings, expected.warnings);
}

#[test]
fn synthetic_logs_give_their_expected_report() {
    for (sessions, computers, seed) in [
        (0, 1, 1),
        (1, 1, 2),
        (40, 1, 3),
        (400, 2, 4),
        (1500, 4, 5),
        (3000, 1, 6),
        (2500, 7, 7),
    ] {
        let (bytes, expected) = synth(sessions, computers, seed);
        let report = analyze(vec![scan_bytes("synthetic.evtx", &bytes)]);
        assert_same_report(&report, &expected);
        assert!(
            report
                .warnings
                .iter()
                .all(|w| w.kind == WarningKind::LogCleared),
            "a synthetic log has no damage and no gaps: {:?}",
            report.warnings
        );
    }
}

#[test]
fn synthetic_logs_cover_every_end_reason_and_attachment() {
    let (_, report) = synth(3000, 1, 6);
    for reason in EndReason::ALL {
        assert!(
            report.sessions.iter().any(|s| s.end_reason == reason),
            "no session ends with {reason:?}"
        );
    }
    let any = |f: &dyn Fn(&logonscope_core::report::Session) -> bool| report.sessions.iter().any(f);
    assert!(any(&|s| s.start.is_none()), "orphans");
    assert!(any(&|s| s.logon_events > 5), "SYSTEM repeat logons");
    assert!(any(
        &|s| s.linked_logon_id.is_some() && s.elevated == Some(true)
    ));
    assert!(any(&|s| s.admin));
    assert!(any(&|s| !s.explicit_credentials.is_empty()));
    assert!(any(&|s| !s.rdp_events.is_empty()));
    assert!(any(&|s| !s.lock_events.is_empty()));
    for logon_type in [0, 2, 3, 4, 5, 7, 8, 9, 10, 11] {
        assert!(
            any(&|s| s.logon_type == Some(logon_type)),
            "type {logon_type}"
        );
    }
    assert!(report.failures.len() > 20);
    assert_eq!(report.warnings.len(), 1, "the 1102 at the start");
}

#[test]
fn same_seed_same_bytes() {
    assert_eq!(synth(300, 2, 11).0, synth(300, 2, 11).0);
    assert_ne!(synth(300, 2, 11).0, synth(300, 2, 12).0);
}

#[test]
fn chunks_in_any_order_and_split_merge_to_the_single_pass_report() {
    let (bytes, expected) = synth(2000, 3, 21);
    let size = bytes.len() as u64;
    let chunks = chunk_count(size);
    assert!(chunks > 4, "a log of several chunks");
    let chunk = |index: u64| {
        let start = chunk_offset(index) as usize;
        scan_chunk(
            index,
            &bytes[start..(start + scan::CHUNK_SIZE as usize).min(bytes.len())],
        )
    };
    // Two "workers" with disjoint ranges, merged in reverse order.
    let middle = chunks / 2;
    let layout = scan::check_header(&bytes, size).expect("an EVTX file");
    assert_eq!(layout.chunks, chunks);
    let mut merged = FileScan::new("synthetic.evtx", layout, size);
    for index in (middle..chunks).rev() {
        merged.add(chunk(index));
    }
    for index in (0..middle).rev() {
        merged.add(chunk(index));
    }
    let report = analyze(vec![merged.finish()]);
    assert_same_report(&report, &expected);
    let streamed = analyze(vec![scan_reader(
        "synthetic.evtx",
        Cursor::new(&bytes),
        |_| {},
    )]);
    assert_same_report(&streamed, &expected);
}

#[test]
fn the_same_log_twice_counts_once() {
    let (bytes, expected) = synth(500, 2, 31);
    let once = analyze(vec![scan_bytes("a.evtx", &bytes)]);
    let twice = analyze(vec![
        scan_bytes("a.evtx", &bytes),
        scan_bytes("b.evtx", &bytes),
    ]);
    assert_eq!(twice.sessions, expected.sessions);
    assert_eq!(twice.failures, expected.failures);
    assert_eq!(twice.sessions, once.sessions);
    assert_eq!(twice.files.len(), 2);
    assert_eq!(twice.files[1].name, "b.evtx");
    assert_eq!(twice.files[1].records, twice.files[0].records);
}
