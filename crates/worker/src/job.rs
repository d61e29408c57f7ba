//! A scan job: chunks `first..end` of one file, read through any `read(offset, length)` and
//! scanned one at a time, the results handed on in batches so that the page sees progress
//! and sessions early without one message per chunk.

use logonscope_core::scan::{CHUNK_SIZE, ChunkScan, chunk_offset, scan_chunk};

/// Chunks per batch: 1 MiB of log, a fraction of a second of work.
pub const BATCH_CHUNKS: usize = 16;

/// Scans of consecutive chunks, with the bytes and records they held.
#[derive(Debug, Default)]
pub struct Batch {
    pub scans: Vec<ChunkScan>,
    pub bytes: u64,
    pub records: u64,
}

/// Scans chunks `first..end` of a file of `file_size` bytes, reading a batch of chunks at a
/// time (one read per megabyte rather than per chunk). A piece that cannot be read stops the
/// job with the reader's message (the batches already sent stay valid).
pub fn scan_range(
    first: u64,
    end: u64,
    file_size: u64,
    mut read: impl FnMut(u64, u64) -> Result<Vec<u8>, String>,
    mut emit: impl FnMut(Batch),
) -> Result<(), String> {
    let mut index = first;
    while index < end {
        let batch_end = end.min(index + BATCH_CHUNKS as u64);
        let offset = chunk_offset(index);
        let length = (chunk_offset(batch_end) - offset).min(file_size.saturating_sub(offset));
        let data = read(offset, length)?;
        let mut batch = Batch::default();
        for (number, chunk) in data.chunks(CHUNK_SIZE as usize).enumerate() {
            let scan = scan_chunk(index + number as u64, chunk);
            batch.bytes += chunk.len() as u64;
            batch.records += scan.records;
            batch.scans.push(scan);
        }
        if !batch.scans.is_empty() {
            emit(batch);
        }
        index = batch_end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use logonscope_core::analyze;
    use logonscope_core::protocol::{decode_scans, encode_scans, plan_ranges};
    use logonscope_core::scan::{FileScan, HEADER_PROBE_SIZE, check_header, scan_bytes};

    /// What the page does: plan ranges over two workers, run them in any order, send each
    /// batch through the bulk encoding, merge.
    fn scan_like_the_page(name: &str, bytes: &[u8]) -> logonscope_core::Report {
        let size = bytes.len() as u64;
        let probe = &bytes[..bytes.len().min(HEADER_PROBE_SIZE as usize)];
        let layout = check_header(probe, size).unwrap();
        let mut file = FileScan::new(name, layout, size);
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
                    for scan in decode_scans(&encode_scans(&batch.scans).unwrap()).unwrap() {
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
    fn a_read_error_stops_the_job_with_its_message() {
        let mut batches = 0;
        let outcome = scan_range(
            0,
            40,
            4096 + 40 * CHUNK_SIZE,
            |offset, _| {
                if offset > chunk_offset(20) {
                    Err("the file went away".to_string())
                } else {
                    Ok(vec![0; CHUNK_SIZE as usize])
                }
            },
            |_| batches += 1,
        );
        assert_eq!(outcome, Err("the file went away".to_string()));
        assert_eq!(
            batches, 2,
            "the batches read before the error (chunks 0 to 31) were sent"
        );
    }
}
