//! Bad input never panics and never loses the rest: random damage to a real log (bytes
//! overwritten anywhere, including headers and string tables; files cut at any length) must
//! give a report, with what could not be read named in the file's errors.

mod common;

use common::sample;
use logonscope_core::scan::{CHUNK_SIZE, chunk_count, chunk_offset, scan_chunk};
use logonscope_core::{analyze, scan_bytes};

/// A small deterministic generator, so that a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % bound
    }
}

#[test]
fn damaged_bytes_never_panic() {
    let original = std::fs::read(sample("security-with-failures.evtx")).unwrap();
    let clean = analyze(vec![scan_bytes("clean.evtx", &original)]);
    let total = clean.files[0].records;
    let per_chunk: Vec<u64> = (0..chunk_count(original.len() as u64))
        .map(|index| {
            let start = chunk_offset(index) as usize;
            let end = original.len().min(start + CHUNK_SIZE as usize);
            scan_chunk(index, &original[start..end]).records
        })
        .collect();
    let mut rng = Lcg(2024);
    for round in 0..150 {
        let mut bytes = original.clone();
        // Damage one chunk (or the file header) in several places.
        let chunk = rng.below(original.len() / 65536 + 1);
        let base = if chunk == 0 {
            0
        } else {
            4096 + (chunk - 1) * 65536
        };
        let span = if chunk == 0 { 4096 } else { 65536 };
        for _ in 0..1 + rng.below(24) {
            let at = base + rng.below(span);
            if at < bytes.len() {
                bytes[at] = rng.below(256) as u8;
            }
        }
        let report = analyze(vec![scan_bytes("damaged.evtx", &bytes)]);
        // The other chunks are read in full whatever the damage: the file header is not
        // needed, and chunks are independent.
        let at_least = if chunk == 0 {
            total
        } else {
            total - per_chunk[chunk - 1]
        };
        assert!(
            report.files[0].records >= at_least,
            "round {round}: damage to block {chunk} lost records of others ({} < {at_least})",
            report.files[0].records
        );
    }
}

#[test]
fn cut_anywhere_never_panics_and_keeps_the_records_before_the_cut() {
    let original = std::fs::read(sample("security-workstation.evtx")).unwrap();
    let mut rng = Lcg(7);
    let mut previous_cut = 0;
    let mut cuts: Vec<usize> = (0..60).map(|_| rng.below(original.len())).collect();
    cuts.sort_unstable();
    let mut previous_records = 0;
    for cut in cuts {
        let report = analyze(vec![scan_bytes("cut.evtx", &original[..cut])]);
        let file = &report.files[0];
        if cut < 4096 {
            assert_eq!(file.records, 0);
            assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
        } else {
            assert!(
                file.records >= previous_records,
                "cut at {cut} read fewer records ({}) than the cut at {previous_cut} ({previous_records})",
                file.records
            );
        }
        previous_cut = cut;
        previous_records = file.records;
    }
}

#[test]
fn a_damaged_file_header_does_not_hide_intact_chunks() {
    let original = std::fs::read(sample("zerologon-log-cleared.evtx")).unwrap();
    let mut bytes = original.clone();
    bytes[..8].copy_from_slice(b"XXXXXXXX");
    let clean = analyze(vec![scan_bytes("z.evtx", &original)]);
    let damaged = analyze(vec![scan_bytes("z.evtx", &bytes)]);
    assert_eq!(damaged.sessions, clean.sessions);
    assert_eq!(
        damaged.files[0].errors,
        ["the file header is damaged (no \"ElfFile\" signature): its chunks were read anyway"]
    );
    // Without a chunk signature either, it is not taken for a log.
    bytes[4096..4104].copy_from_slice(b"XXXXXXXX");
    let foreign = analyze(vec![scan_bytes("z.evtx", &bytes)]);
    assert_eq!(foreign.files[0].records, 0);
    assert!(foreign.files[0].errors[0].starts_with("not an EVTX file"));
}
