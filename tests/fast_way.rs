//! The fast way of reading records (straight from their template substitutions) against the
//! plain way (every record rendered to JSON by `evtx`): on every sample log, on synthetic logs
//! of several seeds and sizes, and on damaged copies, both must give the identical scan, and
//! the fast way must actually be the one used on the intact chunks of real logs.

mod common;

use logonscope_core::scan::{
    CHUNK_SIZE, ChunkReader, Extraction, chunk_count, chunk_offset, fast_way_reads,
    scan_bytes_parallel, scan_bytes_with,
};
use logonscope_synth::evtx::reseal_chunk;

/// How many chunks of a file the fast way reads, of how many, with the reasons it gave up.
fn fast_chunks(bytes: &[u8]) -> (usize, usize, Vec<String>) {
    let chunks = chunk_count(bytes.len() as u64);
    let mut fast = 0;
    let mut reasons = Vec::new();
    for index in 0..chunks {
        let start = chunk_offset(index) as usize;
        let end = bytes.len().min(start + CHUNK_SIZE as usize);
        match fast_way_reads(&bytes[start..end]) {
            Ok(()) => fast += 1,
            Err(why) => reasons.push(format!("chunk {index}: {}", why.0)),
        }
    }
    (fast, chunks as usize, reasons)
}

fn assert_ways_agree(name: &str, bytes: &[u8]) {
    let plain = scan_bytes_with(name, bytes, Extraction::Plain);
    let fast = scan_bytes_with(name, bytes, Extraction::Fast);
    assert_eq!(fast.summary, plain.summary, "{name}: file summary");
    assert_eq!(fast.warnings, plain.warnings, "{name}: warnings");
    assert_eq!(fast.events.len(), plain.events.len(), "{name}: event count");
    for (f, p) in fast.events.iter().zip(&plain.events) {
        assert_eq!(f, p, "{name}");
    }
    let parallel = scan_bytes_parallel(name, bytes, 3, Extraction::Fast);
    assert_eq!(parallel, plain, "{name}: three threads");
}

#[test]
fn every_sample_reads_the_same_both_ways() {
    for path in common::sample_logs() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        assert_ways_agree(&name, &bytes);
        let (fast, chunks, reasons) = fast_chunks(&bytes);
        println!("{name}: {fast} of {chunks} chunks read the fast way {reasons:?}");
    }
}

/// (`multi-computer-sharphound` is not among them: another tool wrote its records as plain
/// elements, not template instances, so they are read the plain way.)
#[test]
fn the_fast_way_reads_the_intact_chunks_of_real_logs() {
    for name in [
        "security-workstation.evtx",
        "security-with-failures.evtx",
        "smb-password-guessing.evtx",
        "rdp-hijack-4778-4779.evtx",
        "zerologon-log-cleared.evtx",
    ] {
        let bytes = std::fs::read(common::sample(name)).unwrap();
        let (fast, chunks, reasons) = fast_chunks(&bytes);
        assert!(
            fast == chunks && chunks > 0,
            "{name}: only {fast} of {chunks} chunks read the fast way: {reasons:?}"
        );
    }
}

#[test]
fn synthetic_logs_read_the_same_both_ways_and_fast() {
    for (sessions, computers, seed) in [(50, 1, 1), (2_000, 3, 7), (5_000, 2, 42)] {
        let (bytes, _) = common::synthetic_log(sessions, computers, seed);
        assert_ways_agree(&format!("synthetic seed {seed}"), &bytes);
        let (fast, chunks, reasons) = fast_chunks(&bytes);
        assert_eq!(fast, chunks, "seed {seed}: {reasons:?}");
    }
}

#[test]
fn damaged_logs_read_the_same_both_ways() {
    let original = std::fs::read(common::sample("security-with-failures.evtx")).unwrap();
    // Flip bytes at spread positions inside records (not headers): the chunk checksum then
    // fails, so the plain way decides what the damaged chunk holds.
    for at in [5_000usize, 70_000, 140_000, 200_000] {
        let mut bytes = original.clone();
        if at < bytes.len() {
            bytes[at] ^= 0x5a;
            assert_ways_agree(&format!("flipped at {at}"), &bytes);
        }
    }
    for cut in [4096 + 30_000, 4096 + 65_536 + 100, original.len() - 1] {
        assert_ways_agree(&format!("cut at {cut}"), &original[..cut]);
    }
}

#[test]
fn templates_of_earlier_chunks_are_recognised_not_read_again() {
    let bytes = common::synthetic_log(2_000, 2, 3).0;
    let mut reader = ChunkReader::new(Extraction::Fast);
    for index in 0..chunk_count(bytes.len() as u64) {
        let start = chunk_offset(index) as usize;
        reader.read(
            index,
            &bytes[start..bytes.len().min(start + CHUNK_SIZE as usize)],
        );
    }
    let (read, reused) = reader.known_templates().counts();
    assert!(
        read > 0 && reused > 10 * read,
        "read {read}, reused {reused}"
    );
}

/// A template that a later chunk writes differently under the same GUID (as a crafted log
/// could) is read anew there, not taken for the one of the earlier chunks.
#[test]
fn a_template_changed_under_the_same_guid_is_read_again() {
    let original = common::synthetic_log(2_000, 2, 5).0;
    let utf16 =
        |text: &str| -> Vec<u8> { text.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    // A literal of a template (the name of a named value), and a name that later templates of
    // the chunk refer to from outside themselves (written once per chunk, with its length).
    let literal = utf16("TargetUserName");
    let mut name = vec![4, 0];
    name.extend(utf16("Data"));
    name.extend([0, 0]);
    for (what, pattern, at) in [("literal", &literal, 0), ("name", &name, 2)] {
        let mut bytes = original.clone();
        let chunk = chunk_offset(3) as usize;
        let found = bytes[chunk..chunk + CHUNK_SIZE as usize]
            .windows(pattern.len())
            .position(|w| w == pattern.as_slice())
            .unwrap_or_else(|| panic!("{what} in chunk 3"));
        // One character changed: the same GUID and size, another template.
        bytes[chunk + found + at] = b'X';
        reseal_chunk(&mut bytes[chunk..chunk + CHUNK_SIZE as usize]);
        let changed = scan_bytes_with(what, &bytes, Extraction::Plain);
        let before = scan_bytes_with(what, &original, Extraction::Plain);
        assert_ne!(changed.events, before.events, "{what}: the change matters");
        assert_ways_agree(what, &bytes);
        let (fast, chunks, reasons) = fast_chunks(&bytes);
        assert_eq!(fast, chunks, "{what}: {reasons:?}");
    }
}
