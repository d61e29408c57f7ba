//! A streaming writer of Windows XML Event Log (EVTX) files, in the format of MS-EVEN6 and of
//! the logs Windows itself writes: a 4 KiB file header, then 64 KiB chunks of records whose
//! BinXML is a template instance, with templates and names written once per chunk.
//!
//! [`EvtxWriter`] holds one chunk in memory, whatever the size of the file: each chunk is
//! written out as soon as the next record does not fit in it, and [`EvtxWriter::finish`] writes
//! the last one and goes back to fill in the file header.
//!
//! ```
//! use logonscope_synth::evtx::{EvtxWriter, Payload, Record, Value};
//!
//! let mut writer = EvtxWriter::new(std::io::Cursor::new(Vec::new()))?;
//! writer.write(&Record {
//!     record_id: 1,
//!     event_record_id: 1,
//!     time: 132_223_104_000_000_000,
//!     provider_name: "Microsoft-Windows-Security-Auditing",
//!     provider_guid: Some("{54849625-5478-4994-a5ba-3e3b0328c30d}"),
//!     event_id: 4634,
//!     version: 0,
//!     level: 0,
//!     task: 12545,
//!     opcode: 0,
//!     keywords: 0x8020_0000_0000_0000,
//!     process_id: 4,
//!     thread_id: 8,
//!     channel: "Security",
//!     computer: "WS01",
//!     payload: Payload::EventData(&[
//!         ("TargetUserSid", Value::Sid("S-1-5-18")),
//!         ("TargetLogonId", Value::HexInt64(0x3e7)),
//!         ("LogonType", Value::UInt32(5)),
//!     ]),
//! })?;
//! let file = writer.finish()?.into_inner();
//! assert_eq!(file.len(), 4096 + 65536);
//! # Ok::<(), std::io::Error>(())
//! ```

mod binxml;
mod chunk;
mod values;

use std::io::{self, Seek, SeekFrom, Write};

use logonscope_core::crc32;

use binxml::{EncodeError, build_shape, encode_record};
pub use chunk::reseal as reseal_chunk;
use chunk::{CHUNK_SIZE, Chunk};
use values::invalid_input;

/// A typed substitution value, as Windows stores them in Security events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// No value (type 0x00): the element it is in renders empty.
    Null,
    /// A string (type 0x01), stored as UTF-16LE.
    Str(&'a str),
    /// Type 0x04.
    UInt8(u8),
    /// Type 0x06.
    UInt16(u16),
    /// Type 0x08.
    UInt32(u32),
    /// Type 0x0a.
    UInt64(u64),
    /// A 32-bit number rendered in hexadecimal, `0x1f2` (type 0x14).
    HexInt32(u32),
    /// A 64-bit number rendered in hexadecimal (type 0x15): logon IDs, keywords.
    HexInt64(u64),
    /// A SID (type 0x13), given as text, `S-1-5-21-...`, and stored in binary: text that is not
    /// a SID makes [`EvtxWriter::write`] fail with `InvalidInput`.
    Sid(&'a str),
    /// A GUID (type 0x0f), given as text, `{54849625-5478-4994-a5ba-3e3b0328c30d}` (the braces
    /// may be left out): anything else makes [`EvtxWriter::write`] fail with `InvalidInput`.
    Guid(&'a str),
    /// A FILETIME (type 0x11): 100-nanosecond ticks since 1601-01-01 UTC.
    FileTime(u64),
}

/// What a record holds after `<System>`. Names are written as given: they should be XML names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload<'a> {
    /// `<EventData><Data Name="k">v</Data>...</EventData>`.
    EventData(&'a [(&'a str, Value<'a>)]),
    /// `<UserData><{element} xmlns="{xmlns}"><k>v</k>...</{element}></UserData>`, as in 1102
    /// (LogFileCleared); without the `xmlns` attribute when `xmlns` is empty.
    UserData {
        element: &'a str,
        xmlns: &'a str,
        fields: &'a [(&'a str, Value<'a>)],
    },
}

/// One event record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    /// The record's ID, also its number: IDs should increase through the file, as readers
    /// stop reading a chunk at its last record's ID.
    pub record_id: u64,
    /// `<EventRecordID>`: the number the computer's own log gave the event. The same as
    /// `record_id` in a computer's own log; in a log that collects several computers' events,
    /// each keeps its own computer's numbering.
    pub event_record_id: u64,
    /// When the event was logged, in FILETIME ticks: the record header's time and
    /// `<TimeCreated SystemTime>`.
    pub time: u64,
    pub provider_name: &'a str,
    /// The provider's GUID, as for [`Value::Guid`]; `None` leaves the `Guid` attribute out.
    pub provider_guid: Option<&'a str>,
    pub event_id: u16,
    pub version: u8,
    pub level: u8,
    pub task: u16,
    pub opcode: u8,
    pub keywords: u64,
    pub process_id: u32,
    pub thread_id: u32,
    pub channel: &'a str,
    pub computer: &'a str,
    pub payload: Payload<'a>,
}

/// The size of the file header block.
const FILE_HEADER_SIZE: usize = 4096;

/// The file header's "dirty" flag: the file is being written, its header is not up to date.
const FLAG_DIRTY: u32 = 0x1;

/// Writes an EVTX file record by record; see the [module documentation](self).
///
/// If an error comes from `out`, the file is unusable: drop the writer. If the writer is dropped
/// without [`EvtxWriter::finish`], the file header left says the file is dirty and has no
/// chunks.
pub struct EvtxWriter<W: Write + Seek> {
    out: W,
    /// The stream position of the file header.
    start: u64,
    chunk: Chunk,
    /// The record being encoded, before it goes into the chunk.
    scratch: Vec<u8>,
    /// The shape of the record being encoded (see `binxml::build_shape`).
    shape: Vec<u8>,
    /// Chunks written to `out`.
    chunks: u64,
    /// The ID of the last record written, if any.
    last_record_id: Option<u64>,
}

impl<W: Write + Seek> EvtxWriter<W> {
    /// Start a file at `out`'s current position, with a placeholder header that
    /// [`EvtxWriter::finish`] replaces.
    pub fn new(mut out: W) -> io::Result<Self> {
        let start = out.stream_position()?;
        out.write_all(&file_header(0, 1, FLAG_DIRTY))?;
        Ok(EvtxWriter {
            out,
            start,
            chunk: Chunk::new(),
            scratch: Vec::with_capacity(CHUNK_SIZE),
            shape: Vec::new(),
            chunks: 0,
            last_record_id: None,
        })
    }

    /// Add a record, writing out the current chunk first if the record does not fit in it.
    ///
    /// Fails with `InvalidInput` if a SID or GUID is not valid, a string is too long for BinXML
    /// (32767 UTF-16 units for a value), or the record would not fit even in an empty chunk.
    /// The record is then not in the file, which stays valid: the writer can go on.
    pub fn write(&mut self, record: &Record<'_>) -> io::Result<()> {
        build_shape(&mut self.shape, &record.payload);
        loop {
            let base = self.chunk.free_offset();
            let heads = self.chunk.tables.heads();
            let encoded = encode_record(
                &mut self.scratch,
                base,
                self.chunk.room(),
                &mut self.chunk.tables,
                &self.shape,
                record,
            );
            match encoded {
                Ok(()) => {
                    self.chunk.push(&self.scratch, record.record_id);
                    self.last_record_id = Some(record.record_id);
                    return Ok(());
                }
                Err(error) => {
                    // Whatever the record added to the chunk's tables goes: it is not in it.
                    self.chunk.tables.rollback(heads, base);
                    match error {
                        EncodeError::Invalid(error) => return Err(error),
                        EncodeError::TooLarge if self.chunk.is_empty() => {
                            return Err(invalid_input(format!(
                                "record {} does not fit in a {CHUNK_SIZE}-byte chunk",
                                record.record_id
                            )));
                        }
                        // Try again in a new chunk.
                        EncodeError::TooLarge => self.write_chunk()?,
                    }
                }
            }
        }
    }

    /// Write the last chunk and the final file header, and return `out`, positioned at the end
    /// of the file.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.chunk.is_empty() {
            self.write_chunk()?;
        }
        let next_record_id = self.last_record_id.map_or(1, |id| id.wrapping_add(1));
        let header = file_header(self.chunks, next_record_id, 0);
        self.out.seek(SeekFrom::Start(self.start))?;
        self.out.write_all(&header)?;
        let end = self.start + self.bytes_written();
        self.out.seek(SeekFrom::Start(end))?;
        self.out.flush()?;
        Ok(self.out)
    }

    /// How many bytes have been written to `out`: the file header and every full chunk so far.
    /// The chunk being filled is written when it is full or at [`EvtxWriter::finish`].
    pub fn bytes_written(&self) -> u64 {
        FILE_HEADER_SIZE as u64 + self.chunks * CHUNK_SIZE as u64
    }

    fn write_chunk(&mut self) -> io::Result<()> {
        self.out.write_all(self.chunk.finish())?;
        self.chunk.reset();
        self.chunks += 1;
        Ok(())
    }
}

/// The file header block of a file of `chunks` chunks.
///
/// Its chunk count is 16-bit: past 65535 chunks it stays at 65535, while the last chunk number
/// (64-bit) is right. The `evtx` crate counts chunks from the file's size, so it reads them
/// all; readers that trust the count read the first 65535.
fn file_header(chunks: u64, next_record_id: u64, flags: u32) -> [u8; FILE_HEADER_SIZE] {
    let mut header = [0_u8; FILE_HEADER_SIZE];
    header[..8].copy_from_slice(b"ElfFile\0");
    // First chunk number (8..16) stays 0: the log has never wrapped.
    header[16..24].copy_from_slice(&chunks.saturating_sub(1).to_le_bytes());
    header[24..32].copy_from_slice(&next_record_id.to_le_bytes());
    header[32..36].copy_from_slice(&128_u32.to_le_bytes());
    // Format version 3.1.
    header[36..38].copy_from_slice(&1_u16.to_le_bytes());
    header[38..40].copy_from_slice(&3_u16.to_le_bytes());
    header[40..42].copy_from_slice(&(FILE_HEADER_SIZE as u16).to_le_bytes());
    let count = u16::try_from(chunks).unwrap_or(u16::MAX);
    header[42..44].copy_from_slice(&count.to_le_bytes());
    header[120..124].copy_from_slice(&flags.to_le_bytes());
    let checksum = crc32::checksum(&header[..120]);
    header[124..128].copy_from_slice(&checksum.to_le_bytes());
    header
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn record(record_id: u64, payload: Payload<'_>) -> Record<'_> {
        Record {
            record_id,
            event_record_id: record_id,
            time: 132_223_104_000_000_000,
            provider_name: "Microsoft-Windows-Security-Auditing",
            provider_guid: Some("{54849625-5478-4994-a5ba-3e3b0328c30d}"),
            event_id: 4624,
            version: 2,
            level: 0,
            task: 12544,
            opcode: 0,
            keywords: 0x8020_0000_0000_0000,
            process_id: 612,
            thread_id: 4180,
            channel: "Security",
            computer: "WS01.corp.example",
            payload,
        }
    }

    #[test]
    fn file_header_layout() {
        let header = file_header(3, 42, 0);
        assert_eq!(&header[..8], b"ElfFile\0");
        assert_eq!(header[16], 2, "last chunk number");
        assert_eq!(header[24], 42, "next record ID");
        assert_eq!(&header[32..44], [128, 0, 0, 0, 1, 0, 3, 0, 0, 0x10, 3, 0]);
        assert_eq!(
            u32::from_le_bytes(header[124..128].try_into().unwrap()),
            crc32::checksum(&header[..120])
        );
        assert!(header[128..].iter().all(|&b| b == 0));
        let huge = file_header(70_000, 1, 0);
        assert_eq!(&huge[42..44], [0xff, 0xff]);
        assert_eq!(u64::from_le_bytes(huge[16..24].try_into().unwrap()), 69_999);
    }

    #[test]
    fn empty_file_is_just_a_header() {
        let writer = EvtxWriter::new(Cursor::new(Vec::new())).unwrap();
        assert_eq!(writer.bytes_written(), 4096);
        let file = writer.finish().unwrap().into_inner();
        assert_eq!(file, file_header(0, 1, 0));
    }

    #[test]
    fn the_placeholder_header_is_dirty_until_finish() {
        let mut writer = EvtxWriter::new(Cursor::new(Vec::new())).unwrap();
        writer.write(&record(1, Payload::EventData(&[]))).unwrap();
        assert_eq!(writer.out.get_ref()[120], 1);
        let file = writer.finish().unwrap().into_inner();
        assert_eq!(file[120], 0);
        assert_eq!(&file[42..44], [1, 0]);
        assert_eq!(file[24], 2, "next record ID");
    }

    #[test]
    fn templates_and_names_are_written_once_per_chunk() {
        let fields = [("TargetUserName", Value::Str("alice"))];
        let mut writer = EvtxWriter::new(Cursor::new(Vec::new())).unwrap();
        writer
            .write(&record(1, Payload::EventData(&fields)))
            .unwrap();
        let first = writer.chunk.free_offset();
        writer
            .write(&record(2, Payload::EventData(&fields)))
            .unwrap();
        let second = writer.chunk.free_offset() - first;
        // The second record only points at the template: it is much shorter.
        assert!(second * 3 < first - 512, "{first} then {second}");
        let file = writer.finish().unwrap().into_inner();
        let name = "TargetUserName"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<_>>();
        let count = file
            .windows(name.len())
            .filter(|w| *w == name.as_slice())
            .count();
        // Once as a value (the Name attribute's text), and never as an element name.
        assert_eq!(count, 1);
        let data = "Data"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<_>>();
        let count = file
            .windows(data.len())
            .filter(|w| *w == data.as_slice())
            .count();
        // Once as the name Data, once inside the name EventData.
        assert_eq!(count, 2);
    }

    #[test]
    fn bad_values_leave_the_file_as_it_was() {
        let mut writer = EvtxWriter::new(Cursor::new(Vec::new())).unwrap();
        writer.write(&record(1, Payload::EventData(&[]))).unwrap();
        let free = writer.chunk.free_offset();
        let heads = writer.chunk.tables.heads();
        let bad = [
            ("NewName", Value::UInt8(1)),
            ("TargetUserSid", Value::Sid("S-1-x")),
        ];
        let err = writer
            .write(&record(2, Payload::EventData(&bad)))
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(writer.chunk.free_offset(), free);
        assert!(writer.chunk.tables.heads() == heads);
        // The same shape with a good SID writes its template and names afresh.
        let good = [
            ("NewName", Value::UInt8(1)),
            ("TargetUserSid", Value::Sid("S-1-5-18")),
        ];
        writer.write(&record(2, Payload::EventData(&good))).unwrap();
        assert!(writer.chunk.free_offset() > free);
    }

    #[test]
    fn records_too_large_for_a_chunk_are_invalid_input() {
        let long = "x".repeat(30_000);
        let fields = [
            ("A", Value::Str(&long)),
            ("B", Value::Str(&long)),
            ("C", Value::Str(&long)),
        ];
        let mut writer = EvtxWriter::new(Cursor::new(Vec::new())).unwrap();
        writer.write(&record(1, Payload::EventData(&[]))).unwrap();
        let err = writer
            .write(&record(2, Payload::EventData(&fields)))
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        // The first record's chunk was written out before trying again in an empty one.
        assert_eq!(writer.bytes_written(), 4096 + 65536);
        let too_long = "x".repeat(40_000);
        let err = writer
            .write(&record(
                3,
                Payload::EventData(&[("A", Value::Str(&too_long))]),
            ))
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        // A record that just fits is fine.
        let fits = "x".repeat(31_000);
        writer
            .write(&record(4, Payload::EventData(&[("A", Value::Str(&fits))])))
            .unwrap();
        writer
            .write(&record(5, Payload::EventData(&[("A", Value::Str(&fits))])))
            .unwrap();
        assert_eq!(writer.bytes_written(), 4096 + 2 * 65536);
    }
}
