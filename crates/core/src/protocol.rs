//! What the page and its scanning workers say to each other.
//!
//! Control and progress messages are small serde types (they cross as JS objects through
//! `serde-wasm-bindgen`); the bulk result of a scan, the [`ChunkScan`]s of a chunk range, crosses
//! as one byte buffer ([`encode_scans`]) that is transferred, not copied. Both ends are plain
//! Rust, so the whole protocol is tested natively.

use serde::{Deserialize, Serialize};

pub use crate::raw::RawRecord;
use crate::scan::{ChunkScan, FileScan};
use crate::text::Interner;

/// A request from the page to a worker. A file travels beside the message as a `Blob`.
///
/// Both enums use serde's default form, `{"scan": {...}}` (a unit variant: `"ready"`), not
/// a `kind` field among the others: reading an internally tagged enum buffers every field
/// first, and that code cost the page and the worker 7.4 kB of gzipped WebAssembly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToWorker {
    /// Scan chunks `first_chunk..end_chunk` of the file sent beside the message.
    Scan {
        job: u32,
        file: u32,
        first_chunk: u64,
        end_chunk: u64,
    },
    /// Render the records of `computer` with these EventRecordIDs found in one chunk of the
    /// file sent beside the message (the raw-record view).
    Render {
        request: u32,
        chunk: u64,
        computer: String,
        record_ids: Vec<u64>,
    },
    /// Write the built-in demo log; its bytes come back as the bulk buffer of `DemoLog`.
    Demo { seed: u64 },
}

/// A reply from a worker to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker's wasm is loaded and it listens (messages sent before are lost).
    Ready,
    /// Some chunks of a job are scanned: their [`ChunkScan`]s are in the bulk buffer
    /// ([`decode_scans`]); `bytes` and `records` are what these chunks held.
    Scanned {
        job: u32,
        file: u32,
        chunks: u64,
        bytes: u64,
        records: u64,
        /// Events of interest among the records (the page sizes the file's events by them).
        events: u64,
        /// The worker's wasm memory, in bytes, after these chunks: its peak so far, since
        /// wasm memory never shrinks (the page reports it with the load's figures).
        memory: u64,
        /// Milliseconds the worker spent reading these chunks from the file, and scanning
        /// and encoding them (the load's figures say where the time goes).
        read_millis: f64,
        scan_millis: f64,
    },
    /// Every chunk of the job has been sent.
    Done { job: u32 },
    /// The job could not go on (the file could not be read).
    Failed { job: u32, message: String },
    /// The records asked for by a `Render`, each as XML and as JSON.
    Rendered {
        request: u32,
        records: Vec<RawRecord>,
        message: Option<String>,
    },
    /// The demo log's bytes are in the bulk buffer.
    DemoLog { name: String },
    /// The worker has warmed up on a small synthetic log of `chunks` chunks; the bulk buffer
    /// holds their scans, as one batch of `Scanned` holds them, for the page to warm its own
    /// code up on.
    WarmedUp { chunks: u64 },
}

/// The bulk form of a batch of chunk scans: a compact binary layout ([`crate::wire`]) with
/// each distinct text written once, in a table that the events refer to by number. A batch's
/// events repeat a few hundred texts tens of thousands of times, and the page reads every
/// batch on its own thread.
pub fn encode_scans(scans: &[ChunkScan]) -> Result<Vec<u8>, String> {
    crate::wire::write_scans(scans).map_err(|e| format!("a scan could not be encoded: {e}"))
}

/// Reads back [`encode_scans`]; the texts go through `texts`, so that every batch of a load
/// shares one copy of each.
pub fn decode_scans(bytes: &[u8], texts: &mut Interner) -> Result<Vec<ChunkScan>, String> {
    crate::wire::read_scans(bytes, texts).map_err(unreadable_scan)
}

/// [`decode_scans`] straight into `file` (see [`FileScan::add_reading`]); `seen` sees each
/// scan, but for its events, before it is added. The scans before one that cannot be read
/// are added; that one and those after it are not.
pub fn decode_scans_into(
    bytes: &[u8],
    texts: &mut Interner,
    file: &mut FileScan,
    seen: impl FnMut(&ChunkScan),
) -> Result<(), String> {
    crate::wire::read_scans_into(bytes, texts, file, seen).map_err(unreadable_scan)
}

fn unreadable_scan(what: String) -> String {
    format!("a worker sent an unreadable scan: {what}")
}

/// Splits the chunks of several files into ranges for `workers` workers: about four ranges
/// per worker so that a fast worker takes more, never a range across two files, never an
/// empty range. `chunks[i]` is the chunk count of file `i`; the result is `(file, first, end)`.
pub fn plan_ranges(chunks: &[u64], workers: usize) -> Vec<(u32, u64, u64)> {
    let total: u64 = chunks.iter().sum();
    let wanted = (workers.max(1) as u64) * 4;
    let size = total.div_ceil(wanted).max(1);
    let mut ranges = Vec::new();
    for (file, &count) in chunks.iter().enumerate() {
        let mut first = 0;
        while first < count {
            let end = (first + size).min(count);
            ranges.push((file as u32, first, end));
            first = end;
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::scan_chunk;

    #[test]
    fn ranges_cover_every_chunk_once_and_stay_within_files() {
        for workers in 1..6 {
            for chunks in [
                vec![],
                vec![0],
                vec![1],
                vec![3, 0, 17],
                vec![100, 1, 55, 2],
            ] {
                let ranges = plan_ranges(&chunks, workers);
                let mut seen: Vec<Vec<u64>> = chunks.iter().map(|_| Vec::new()).collect();
                for (file, first, end) in &ranges {
                    assert!(first < end, "{ranges:?}");
                    assert!(*end <= chunks[*file as usize]);
                    seen[*file as usize].extend(*first..*end);
                }
                for (file, indexes) in seen.into_iter().enumerate() {
                    assert_eq!(indexes, (0..chunks[file]).collect::<Vec<_>>());
                }
            }
        }
        assert!(
            plan_ranges(&[64], 2).len() >= 8,
            "work is split for load balance"
        );
    }

    /// A real log of the shared samples.
    fn sample() -> Vec<u8> {
        let path = format!(
            "{}/../../../shared/evtx-samples/security-with-failures.evtx",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(path).unwrap()
    }

    #[test]
    fn scans_survive_the_bulk_encoding() {
        let bytes = sample();
        let real = scan_chunk(0, &bytes[4096..4096 + 65536]);
        assert!(!real.events.is_empty() && !real.record_ids.is_empty());
        let scans = vec![
            real,
            scan_chunk(3, &[0u8; 16]),
            scan_chunk(4, b"ElfChnk\0 too short"),
        ];
        assert!(!scans[2].problems.is_empty());
        let encoded = encode_scans(&scans).unwrap();
        assert_eq!(
            decode_scans(&encoded, &mut Interner::default()).unwrap(),
            scans
        );
        assert!(decode_scans(&encoded[..encoded.len() / 2], &mut Interner::default()).is_err());
        // Each text is written once: far fewer bytes than the events' strings.
        let plain = postcard::to_allocvec(&scans).unwrap();
        assert!(
            encoded.len() * 2 < plain.len(),
            "{} {}",
            encoded.len(),
            plain.len()
        );
        // Damaged tables are errors, not panics.
        for damaged in [&encoded[..2], &[255, 255, 255, 255, 0][..], &encoded[..6]] {
            assert!(decode_scans(damaged, &mut Interner::default()).is_err());
        }
    }

    #[test]
    fn scans_decode_straight_into_a_file() {
        let bytes = sample();
        let layout = crate::scan::check_header(&bytes, bytes.len() as u64).unwrap();
        let chunks: Vec<ChunkScan> = (0..layout.chunks)
            .map(|index| {
                let start = crate::scan::chunk_offset(index) as usize;
                scan_chunk(index, &bytes[start..bytes.len().min(start + 65536)])
            })
            .collect();
        let encoded = encode_scans(&chunks).unwrap();
        let mut added = FileScan::new("a.evtx", layout, bytes.len() as u64);
        for chunk in decode_scans(&encoded, &mut Interner::default()).unwrap() {
            added.add(chunk);
        }
        let mut into = FileScan::new("a.evtx", layout, bytes.len() as u64);
        let mut seen = Vec::new();
        decode_scans_into(&encoded, &mut Interner::default(), &mut into, |scan| {
            assert!(scan.events.is_empty());
            seen.push((scan.index, scan.record_ids.len()));
        })
        .unwrap();
        let expected: Vec<_> = chunks
            .iter()
            .map(|c| (c.index, c.record_ids.len()))
            .collect();
        assert_eq!(seen, expected);
        let into = into.finish();
        assert!(!into.events.is_empty());
        assert_eq!(into, added.finish());
        // A damaged batch adds the scans before the damage, whole, and nothing of the rest.
        let mut cut = FileScan::new("a.evtx", layout, bytes.len() as u64);
        let result = decode_scans_into(
            &encoded[..encoded.len() - 3],
            &mut Interner::default(),
            &mut cut,
            |_| {},
        );
        assert!(
            result
                .unwrap_err()
                .starts_with("a worker sent an unreadable scan")
        );
        let cut = cut.finish();
        let whole: usize = chunks[..chunks.len() - 1]
            .iter()
            .map(|c| c.events.len())
            .sum();
        assert_eq!(cut.events.len(), whole);
    }

    #[test]
    fn messages_are_named_by_their_variant() {
        let message = ToWorker::Scan {
            job: 1,
            file: 2,
            first_chunk: 3,
            end_chunk: 4,
        };
        let json = serde_json::to_value(&message).unwrap();
        assert_eq!(json["scan"]["end_chunk"], 4);
        assert_eq!(serde_json::from_value::<ToWorker>(json).unwrap(), message);
        let ready = serde_json::to_value(FromWorker::Ready).unwrap();
        assert_eq!(ready, "ready");
        assert_eq!(
            serde_json::from_value::<FromWorker>(ready).unwrap(),
            FromWorker::Ready
        );
    }
}
