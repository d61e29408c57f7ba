//! One 64 KiB chunk being filled: its records, then, once full, its 512-byte header with record
//! numbers, offsets, the name and template hash tables and both CRC-32s.
//!
//! The chunk's buffer is allocated once and reused for every chunk of the file, which is what
//! bounds the writer's memory.

use super::binxml::{STRING_BUCKETS, TEMPLATE_BUCKETS, Tables};
use logonscope_core::crc32;

/// The size of a chunk.
pub(crate) const CHUNK_SIZE: usize = 0x1_0000;

/// The size of a chunk's header: records start after it.
pub(crate) const CHUNK_HEADER_SIZE: usize = 512;

/// Where the chunk header's fields are.
mod offset {
    pub(super) const FIRST_RECORD_NUMBER: usize = 8;
    pub(super) const LAST_RECORD_NUMBER: usize = 16;
    pub(super) const FIRST_RECORD_ID: usize = 24;
    pub(super) const LAST_RECORD_ID: usize = 32;
    pub(super) const HEADER_SIZE: usize = 40;
    pub(super) const LAST_RECORD_OFFSET: usize = 44;
    pub(super) const FREE_SPACE_OFFSET: usize = 48;
    pub(super) const RECORDS_CHECKSUM: usize = 52;
    /// The header checksum covers the header up to here, then from `STRING_TABLE` on.
    pub(super) const FLAGS: usize = 120;
    pub(super) const HEADER_CHECKSUM: usize = 124;
    pub(super) const STRING_TABLE: usize = 128;
    pub(super) const TEMPLATE_TABLE: usize = 384;
}

/// Recomputes both checksums of a whole chunk in place, after its bytes were changed: tests
/// craft logs whose chunks are consistent but unusual this way.
pub fn reseal(chunk: &mut [u8]) {
    let at = offset::FREE_SPACE_OFFSET;
    let free = u32::from_le_bytes([chunk[at], chunk[at + 1], chunk[at + 2], chunk[at + 3]]);
    let records = crc32::checksum(&chunk[CHUNK_HEADER_SIZE..(free as usize).min(chunk.len())]);
    chunk[offset::RECORDS_CHECKSUM..][..4].copy_from_slice(&records.to_le_bytes());
    let header = crc32::update(
        crc32::checksum(&chunk[..offset::FLAGS]),
        &chunk[offset::STRING_TABLE..CHUNK_HEADER_SIZE],
    );
    chunk[offset::HEADER_CHECKSUM..][..4].copy_from_slice(&header.to_le_bytes());
}

pub(crate) struct Chunk {
    /// The whole chunk; past `free`, zeros.
    buf: Vec<u8>,
    /// Where the next record goes (the free space offset).
    free: usize,
    /// Where the last record starts.
    last_record: usize,
    first_record_id: u64,
    last_record_id: u64,
    pub(crate) tables: Tables,
}

impl Chunk {
    pub(crate) fn new() -> Self {
        Chunk {
            buf: vec![0; CHUNK_SIZE],
            free: CHUNK_HEADER_SIZE,
            last_record: 0,
            first_record_id: 0,
            last_record_id: 0,
            tables: Tables::default(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.free == CHUNK_HEADER_SIZE
    }

    /// The chunk offset the next record goes to.
    pub(crate) fn free_offset(&self) -> u32 {
        // At most CHUNK_SIZE.
        self.free as u32
    }

    /// How many bytes the next record may take.
    pub(crate) fn room(&self) -> usize {
        CHUNK_SIZE - self.free
    }

    /// Add an encoded record, which must fit in [`Chunk::room`].
    pub(crate) fn push(&mut self, record: &[u8], record_id: u64) {
        if self.is_empty() {
            self.first_record_id = record_id;
        }
        self.last_record_id = record_id;
        self.last_record = self.free;
        self.buf[self.free..self.free + record.len()].copy_from_slice(record);
        self.free += record.len();
    }

    /// Fill in the header and return the finished chunk.
    pub(crate) fn finish(&mut self) -> &[u8] {
        let buf = &mut self.buf;
        let put_u64 = |buf: &mut [u8], at: usize, value: u64| {
            buf[at..at + 8].copy_from_slice(&value.to_le_bytes());
        };
        let put_u32 = |buf: &mut [u8], at: usize, value: u32| {
            buf[at..at + 4].copy_from_slice(&value.to_le_bytes());
        };
        buf[..8].copy_from_slice(b"ElfChnk\0");
        // Record numbers are record IDs: the log has never wrapped.
        put_u64(buf, offset::FIRST_RECORD_NUMBER, self.first_record_id);
        put_u64(buf, offset::LAST_RECORD_NUMBER, self.last_record_id);
        put_u64(buf, offset::FIRST_RECORD_ID, self.first_record_id);
        put_u64(buf, offset::LAST_RECORD_ID, self.last_record_id);
        put_u32(buf, offset::HEADER_SIZE, 128);
        put_u32(buf, offset::LAST_RECORD_OFFSET, self.last_record as u32);
        put_u32(buf, offset::FREE_SPACE_OFFSET, self.free as u32);
        let records = crc32::checksum(&buf[CHUNK_HEADER_SIZE..self.free]);
        put_u32(buf, offset::RECORDS_CHECKSUM, records);
        put_u32(buf, offset::FLAGS, 0);
        for (bucket, &head) in self.tables.string_heads.iter().enumerate() {
            put_u32(buf, offset::STRING_TABLE + 4 * bucket, head);
        }
        for (bucket, &head) in self.tables.template_heads.iter().enumerate() {
            put_u32(buf, offset::TEMPLATE_TABLE + 4 * bucket, head);
        }
        let header = crc32::update(
            crc32::checksum(&buf[..offset::FLAGS]),
            &buf[offset::STRING_TABLE..CHUNK_HEADER_SIZE],
        );
        put_u32(buf, offset::HEADER_CHECKSUM, header);
        &self.buf
    }

    /// Empty the chunk for the next one, zeroing what was written so that the unused tail of
    /// every chunk is zeros.
    pub(crate) fn reset(&mut self) {
        self.buf[..self.free].fill(0);
        self.free = CHUNK_HEADER_SIZE;
        self.last_record = 0;
        self.first_record_id = 0;
        self.last_record_id = 0;
        self.tables.clear();
    }
}

// The header layout above puts the tables where the buckets say.
const _: () = assert!(offset::STRING_TABLE + 4 * STRING_BUCKETS == offset::TEMPLATE_TABLE);
const _: () = assert!(offset::TEMPLATE_TABLE + 4 * TEMPLATE_BUCKETS == CHUNK_HEADER_SIZE);
