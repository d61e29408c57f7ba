//! A scan job: chunks `first..end` of one file, read through any `read(offset, length)` and
//! scanned one at a time, the results handed on in batches so that the page sees progress
//! and sessions early without one message per chunk.

use logonscope_core::protocol::encode_scans;
use logonscope_core::scan::{CHUNK_SIZE, ChunkReader, ChunkScan, FILE_HEADER_SIZE, chunk_offset};
use logonscope_synth::{SynthOptions, log_in_memory};

/// Chunks per batch: 4 MiB of log (one read), a fraction of a second of work. Each batch is a
/// message that the page takes in on its own thread, which the workers share on a small
/// machine: fewer, larger ones cost it less.
pub const BATCH_CHUNKS: usize = 64;

/// Chunks per read of the file: 4 MiB. Each read of a `Blob` is a round trip to the
/// browser's file machinery, which costs more than its bytes at 1 MiB a read (and no less
/// at 16 MiB).
pub const READ_CHUNKS: u64 = 64;

/// Scans of consecutive chunks, with the bytes and records they held.
#[derive(Debug, Default)]
pub struct Batch {
    pub scans: Vec<ChunkScan>,
    pub bytes: u64,
    pub records: u64,
}

/// One read of a job: chunks from `first_chunk`, `length` bytes at `offset` of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub first_chunk: u64,
    pub offset: u64,
    pub length: u64,
}

/// The reads that cover chunks `first..end` of a file of `file_size` bytes, [`READ_CHUNKS`]
/// chunks each (the last ones cut at the end of the file).
pub fn pieces(first: u64, end: u64, file_size: u64) -> Vec<Piece> {
    (first..end)
        .step_by(READ_CHUNKS as usize)
        .map(|first_chunk| {
            let offset = chunk_offset(first_chunk);
            let piece_end = chunk_offset(end.min(first_chunk + READ_CHUNKS));
            Piece {
                first_chunk,
                offset,
                length: (piece_end - offset).min(file_size.saturating_sub(offset)),
            }
        })
        .collect()
}

/// Scans the chunks of one piece read from the file (`data`, from chunk `first_chunk`),
/// handing the scans on [`BATCH_CHUNKS`] at a time. `reader` is the job's: the pieces of a
/// job share what it learns.
pub fn scan_piece(
    reader: &mut ChunkReader,
    first_chunk: u64,
    data: &[u8],
    emit: &mut impl FnMut(Batch),
) {
    for (batch_number, batch_data) in data.chunks(BATCH_CHUNKS * CHUNK_SIZE as usize).enumerate() {
        let batch_first = first_chunk + (batch_number * BATCH_CHUNKS) as u64;
        let mut batch = Batch::default();
        for (number, chunk) in batch_data.chunks(CHUNK_SIZE as usize).enumerate() {
            let scan = reader.read(batch_first + number as u64, chunk);
            batch.bytes += chunk.len() as u64;
            batch.records += scan.records;
            batch.scans.push(scan);
        }
        emit(batch);
    }
}

/// Scans chunks `first..end` of a file of `file_size` bytes, read piece by piece through
/// `read(offset, length)`. A piece that cannot be read stops the job with the reader's
/// message (the batches already sent stay valid). (The worker itself reads the next piece
/// while it scans one: the same pieces and scans, overlapped.)
pub fn scan_range(
    first: u64,
    end: u64,
    file_size: u64,
    mut read: impl FnMut(u64, u64) -> Result<Vec<u8>, String>,
    mut emit: impl FnMut(Batch),
) -> Result<(), String> {
    let mut reader = ChunkReader::default();
    for piece in pieces(first, end, file_size) {
        let data = read(piece.offset, piece.length)?;
        scan_piece(&mut reader, piece.first_chunk, &data, &mut emit);
    }
    Ok(())
}

/// Sessions of the small synthetic log that a worker reads when it starts (about 700 KB: one
/// batch).
const WARM_UP_SESSIONS: u64 = 200;

/// Times the worker reads that log.
const WARM_UP_PASSES: usize = 3;

/// What a worker's warm-up read: the records of one pass, and the batch of scans it made, as
/// sent to the page ([`encode_scans`]), so that the page can warm its own code up on it.
#[derive(Debug, Default)]
pub struct WarmUp {
    pub records: u64,
    pub chunks: u64,
    pub bulk: Option<Vec<u8>>,
}

/// Reads a small synthetic log as a file is read, a few times, and gives what a pass read.
///
/// A WebAssembly engine first compiles a module quickly, and optimises a function only once it
/// has run for a while (V8's dynamic tiering), in the background and for its next call: without
/// this, much of the first file an analyst drops would be read by unoptimised code while the
/// optimising compiler took a core from the workers (a first load took a third longer than the
/// next).
pub fn warm_up() -> WarmUp {
    let options = SynthOptions {
        sessions: WARM_UP_SESSIONS,
        computers: 2,
        seed: 1,
    };
    let Ok((bytes, _)) = log_in_memory("warm-up.evtx", &options) else {
        return WarmUp::default();
    };
    let chunks = bytes.get(FILE_HEADER_SIZE as usize..).unwrap_or_default();
    let mut warm_up = WarmUp::default();
    for pass in 0..WARM_UP_PASSES {
        let (mut records, mut scanned) = (0, 0);
        let mut bulk = None;
        // (A reader of its own each time: templates are read anew, as in a new file.)
        scan_piece(&mut ChunkReader::default(), 0, chunks, &mut |batch| {
            records += batch.records;
            scanned += batch.scans.len() as u64;
            // (Encoding is part of the work to warm up.)
            let encoded = encode_scans(&batch.scans).ok();
            if bulk.is_none() {
                bulk = encoded;
            }
        });
        if pass == 0 {
            warm_up = WarmUp {
                records,
                chunks: scanned,
                bulk,
            };
        }
    }
    warm_up
}

#[cfg(test)]
mod tests {
    use super::*;
    use logonscope_core::analyze;
    use logonscope_core::protocol::{decode_scans, encode_scans, plan_ranges};
    use logonscope_core::scan::{FileScan, HEADER_PROBE_SIZE, check_header, scan_bytes};
    use logonscope_core::text::Interner;

    /// What the page does: plan ranges over two workers, run them in any order, send each
    /// batch through the bulk encoding, merge.
    fn scan_like_the_page(name: &str, bytes: &[u8]) -> logonscope_core::Report {
        let size = bytes.len() as u64;
        let probe = &bytes[..bytes.len().min(HEADER_PROBE_SIZE as usize)];
        let layout = check_header(probe, size).unwrap();
        let mut file = FileScan::new(name, layout, size);
        let mut texts = Interner::default();
        let mut ranges = plan_ranges(&[layout.chunks], 2);
        ranges.reverse();
        let mut total_bytes = 0;
        for (_, first, end) in ranges {
            scan_range(
                first,
                end,
                size,
                |offset, length| Ok(bytes[offset as usize..(offset + length) as usize].to_vec()),
                |batch| {
                    assert!(batch.scans.len() <= BATCH_CHUNKS);
                    total_bytes += batch.bytes;
                    for scan in
                        decode_scans(&encode_scans(&batch.scans).unwrap(), &mut texts).unwrap()
                    {
                        file.add(scan);
                    }
                },
            )
            .unwrap();
        }
        assert_eq!(total_bytes, size.saturating_sub(4096));
        analyze(vec![file.finish()])
    }

    #[test]
    fn the_warm_up_reads_a_log() {
        // Deterministic: the same small log every time, every record of it read, in one
        // batch that decodes into its chunks' scans.
        let first = warm_up();
        assert!(first.records > 500, "{} records", first.records);
        let again = warm_up();
        assert_eq!(again.records, first.records);
        assert_eq!(again.bulk, first.bulk);
        let bulk = first.bulk.expect("the warm-up's batch");
        let scans = decode_scans(&bulk, &mut Interner::default()).unwrap();
        assert!(scans.len() > 1 && scans.len() <= BATCH_CHUNKS);
        assert_eq!(scans.len() as u64, first.chunks);
        let records: u64 = scans.iter().map(|scan| scan.records).sum();
        assert_eq!(records, first.records, "one batch holds the whole log");
    }

    #[test]
    fn the_page_path_gives_the_single_pass_report() {
        let dir = format!(
            "{}/../../../shared/evtx-samples",
            env!("CARGO_MANIFEST_DIR")
        );
        for name in [
            "security-workstation.evtx",
            "security-with-failures.evtx",
            "truncated-mid-chunk.evtx",
            "corrupt-chunk-magic.evtx",
        ] {
            let bytes = std::fs::read(format!("{dir}/{name}")).unwrap();
            let single = analyze(vec![scan_bytes(name, &bytes)]);
            assert_eq!(scan_like_the_page(name, &bytes), single, "{name}");
        }
    }

    #[test]
    fn pieces_cover_the_range_and_stop_at_the_end_of_the_file() {
        let size = 4096 + 130 * CHUNK_SIZE - 100;
        let all = pieces(0, 130, size);
        assert_eq!(
            all.iter().map(|p| p.first_chunk).collect::<Vec<_>>(),
            [0, 64, 128]
        );
        assert_eq!(all[0].length, READ_CHUNKS * CHUNK_SIZE);
        assert_eq!(all[2].offset + all[2].length, size, "the last chunk is cut");
        let middle = pieces(10, 20, size);
        assert_eq!(
            middle,
            [Piece {
                first_chunk: 10,
                offset: chunk_offset(10),
                length: 10 * CHUNK_SIZE
            }]
        );
        assert!(pieces(5, 5, size).is_empty());
    }

    #[test]
    fn a_read_error_stops_the_job_with_its_message() {
        let mut batches = 0;
        let mut reads = Vec::new();
        let outcome = scan_range(
            0,
            200,
            4096 + 200 * CHUNK_SIZE,
            |offset, length| {
                reads.push((offset, length));
                if offset > chunk_offset(100) {
                    Err("the file went away".to_string())
                } else {
                    Ok(vec![0; length as usize])
                }
            },
            |_| batches += 1,
        );
        assert_eq!(outcome, Err("the file went away".to_string()));
        assert_eq!(
            reads,
            [0, 64, 128].map(|first| (chunk_offset(first), READ_CHUNKS * CHUNK_SIZE))
        );
        assert_eq!(
            batches, 2,
            "the batches of the two reads before the error (chunks 0 to 127) were sent"
        );
    }
}
