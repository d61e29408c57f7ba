//! Reading EVTX files chunk by chunk, collecting what cannot be read instead of stopping.
//!
//! An EVTX file is a 4 KiB file header followed by self-contained 64 KiB chunks. Each chunk
//! can be scanned on its own ([`scan_chunk`]) and the [`ChunkScan`]s of a file merged in any
//! order ([`FileScan`]), which is what lets the browser spread one file over several workers.
//! A damaged chunk or record becomes an error and a warning; the rest of the file is read.

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use evtx::{EvtxChunkData, ParserSettings};

use crate::event::Event;
use crate::extract::{JsonRecord, Origin, RecordValues, extract, origin};
use crate::report::{FileSummary, Warning, WarningKind};
use crate::template;
use crate::text::Interner;
use crate::time::Timestamp;

/// Size of the file header block.
pub const FILE_HEADER_SIZE: u64 = 4096;
/// Size of a chunk.
pub const CHUNK_SIZE: u64 = 65536;
const FILE_SIGNATURE: &[u8; 8] = b"ElfFile\0";
const CHUNK_SIGNATURE: &[u8; 8] = b"ElfChnk\0";
/// The smallest piece of a cut chunk worth reading: its header.
const CHUNK_HEADER_SIZE: usize = 512;

/// Why a whole file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// Shorter than an EVTX file header.
    TooShort { size: u64 },
    /// Does not start with the EVTX signature.
    NotEvtx,
    /// The file could not be read.
    Io(String),
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::TooShort { size } => write!(
                f,
                "not a complete EVTX file: {size} bytes, shorter than the 4096-byte file header"
            ),
            FileError::NotEvtx => write!(
                f,
                "not an EVTX file: it does not start with the signature \"ElfFile\""
            ),
            FileError::Io(message) => write!(f, "could not be read: {message}"),
        }
    }
}

/// What the start of a file says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLayout {
    /// Chunks in the file (the last one maybe cut short).
    pub chunks: u64,
    /// The file header lacks its signature, but the first chunk has one: the chunks are read
    /// anyway, since nothing in them depends on the file header.
    pub header_damaged: bool,
}

/// How much of the start of a file [`check_header`] wants: the header block and the first
/// chunk's signature.
pub const HEADER_PROBE_SIZE: u64 = FILE_HEADER_SIZE + 8;

/// Checks the start of a file (up to [`HEADER_PROBE_SIZE`] bytes of it).
pub fn check_header(start: &[u8], file_size: u64) -> Result<FileLayout, FileError> {
    let file_signed = start.starts_with(FILE_SIGNATURE);
    let chunk_signed = start
        .get(FILE_HEADER_SIZE as usize..)
        .is_some_and(|rest| rest.starts_with(CHUNK_SIGNATURE));
    if !file_signed && !chunk_signed {
        return Err(FileError::NotEvtx);
    }
    if file_size < FILE_HEADER_SIZE {
        return Err(FileError::TooShort { size: file_size });
    }
    Ok(FileLayout {
        chunks: chunk_count(file_size),
        header_damaged: !file_signed,
    })
}

/// How many chunks (the last one maybe cut short) a file of this size holds.
pub fn chunk_count(file_size: u64) -> u64 {
    file_size
        .saturating_sub(FILE_HEADER_SIZE)
        .div_ceil(CHUNK_SIZE)
}

/// The byte offset of chunk `index`.
pub fn chunk_offset(index: u64) -> u64 {
    FILE_HEADER_SIZE + index * CHUNK_SIZE
}

/// Something in a chunk that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChunkProblem {
    /// The chunk could not be read at all.
    Unreadable { message: String },
    /// The file ends inside the chunk: only `available` of its bytes exist, and `lost`
    /// records that began before the cut ran past it.
    Cut { available: u64, lost: u64 },
    /// The chunk's checksums do not match its contents: what was read may be damaged.
    BadChecksum,
    /// Records that could not be read or understood.
    BadRecords { count: u64, first: String },
}

impl ChunkProblem {
    /// The problem as a warning kind, a count where it has one, and words.
    fn describe(self, index: u64, offset: u64) -> (WarningKind, Option<u64>, String) {
        let at = format!("chunk {index} at offset {offset:#x}");
        match self {
            ChunkProblem::Unreadable { message } => (
                WarningKind::DamagedChunk,
                None,
                format!("{at} could not be read: {message}"),
            ),
            ChunkProblem::Cut { available, lost } => (
                WarningKind::DamagedChunk,
                Some(lost),
                format!(
                    "the file ends inside {at} ({available} of {CHUNK_SIZE} bytes): it is truncated; {lost} record(s) cut by its end are lost, and any after them"
                ),
            ),
            ChunkProblem::BadChecksum => (
                WarningKind::DamagedChunk,
                None,
                format!(
                    "{at} does not match its checksum: its records were read but may be damaged"
                ),
            ),
            ChunkProblem::BadRecords { count, first } => (
                WarningKind::DamagedRecords,
                Some(count),
                format!("{at}: {count} record(s) could not be read (first: {first})"),
            ),
        }
    }
}

/// What one chunk holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChunkScan {
    pub index: u64,
    /// Records read (of any kind).
    pub records: u64,
    /// The events of interest among them.
    pub events: Vec<Event>,
    /// EventRecordID and time of every record read, by origin (Computer, Channel): each
    /// computer's log numbers its records on its own, so gaps are looked for in each series.
    pub record_ids: BTreeMap<Origin, Vec<(u64, Timestamp)>>,
    pub problems: Vec<ChunkProblem>,
}

/// How the records of a chunk are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Extraction {
    /// The few fields of `SESSIONS.md` read straight from each record's template
    /// substitutions; a chunk it cannot read that way is read the plain way.
    #[default]
    Fast,
    /// Every record rendered to JSON by the `evtx` crate, then read: the reference the fast
    /// way is checked against.
    Plain,
}

/// Reads one chunk. `data` is the chunk's bytes: `CHUNK_SIZE` of them, or fewer when the file
/// ends inside it.
pub fn scan_chunk(index: u64, data: &[u8]) -> ChunkScan {
    scan_chunk_with(index, data, Extraction::Fast)
}

/// [`scan_chunk`], read the given way.
pub fn scan_chunk_with(index: u64, data: &[u8], extraction: Extraction) -> ChunkScan {
    ChunkReader::new(extraction).read(index, data)
}

/// Reads the chunks of a file (or of a range of it) one after another, sharing what they have
/// in common: one copy of each text the records repeat.
#[derive(Default)]
pub struct ChunkReader {
    extraction: Extraction,
    texts: Interner,
    templates: template::KnownTemplates,
    /// How many records the last chunk read held: the next one likely holds as many, and its
    /// vectors are allocated for them at once rather than grown record by record.
    last_records: usize,
}

impl ChunkReader {
    pub fn new(extraction: Extraction) -> Self {
        ChunkReader {
            extraction,
            ..ChunkReader::default()
        }
    }

    /// The templates of the chunks read so far, recognised from chunk to chunk.
    pub fn known_templates(&self) -> &template::KnownTemplates {
        &self.templates
    }

    /// Reads chunk number `index`, whose bytes are `data` (see [`scan_chunk`]).
    pub fn read(&mut self, index: u64, data: &[u8]) -> ChunkScan {
        let scan = self.read_either_way(index, data);
        self.last_records = scan.records as usize;
        scan
    }

    fn read_either_way(&mut self, index: u64, data: &[u8]) -> ChunkScan {
        if self.extraction == Extraction::Fast {
            let mut collector = Collector::new(index, &mut self.texts, self.last_records);
            let fast = template::read_chunk(
                data,
                &mut self.templates,
                |header_id, header_time, values| collector.record(values, header_id, header_time),
            );
            if fast.is_ok() {
                return collector.finish();
            }
        }
        scan_chunk_plain(index, data, &mut self.texts)
    }
}

/// Whether the fast way reads this chunk, and if not why (for tests and the benchmark).
pub fn fast_way_reads(data: &[u8]) -> Result<(), template::GiveUp> {
    template::read_chunk(data, &mut template::KnownTemplates::default(), |_, _, _| {})
}

/// Reads one chunk by rendering every record to JSON with the `evtx` crate.
fn scan_chunk_plain(index: u64, data: &[u8], texts: &mut Interner) -> ChunkScan {
    let mut collector = Collector::new(index, texts, 0);
    // A chunk of zeros is unused space (Windows preallocates), not damage.
    if data.iter().all(|b| *b == 0) {
        return collector.finish();
    }
    if data.len() < CHUNK_HEADER_SIZE || &data[..CHUNK_SIGNATURE.len()] != CHUNK_SIGNATURE {
        let message = if data.len() < CHUNK_SIGNATURE.len() {
            format!("only {} bytes", data.len())
        } else if &data[..CHUNK_SIGNATURE.len()] != CHUNK_SIGNATURE {
            "bad chunk signature (expected \"ElfChnk\")".to_string()
        } else {
            format!("only {} bytes, less than a chunk header", data.len())
        };
        collector
            .scan
            .problems
            .push(ChunkProblem::Unreadable { message });
        return collector.finish();
    }
    let available = data.len() as u64;
    let mut bytes = data.to_vec();
    // A cut chunk is padded with zeros for the parser; records that reach into the padding
    // are dropped below, since their end is made up.
    bytes.resize(CHUNK_SIZE as usize, 0);
    let mut chunk = match EvtxChunkData::new(bytes, false) {
        Ok(chunk) => chunk,
        Err(e) => {
            collector.scan.problems.push(ChunkProblem::Unreadable {
                message: e.to_string(),
            });
            return collector.finish();
        }
    };
    if available == CHUNK_SIZE && !chunk.validate_checksum() {
        collector.scan.problems.push(ChunkProblem::BadChecksum);
    }
    let settings = Arc::new(ParserSettings::new().num_threads(1));
    let mut parsed = match chunk.parse(settings) {
        Ok(parsed) => parsed,
        Err(e) => {
            collector.scan.problems.push(ChunkProblem::Unreadable {
                message: e.to_string(),
            });
            return collector.finish();
        }
    };
    let mut lost = 0u64;
    for record in parsed.iter() {
        if let Ok(record) = &record {
            // The record ends with a copy of its size, 4 bytes after its BinXML.
            let end = record.binxml_offset + u64::from(record.binxml_size) + 4;
            if end > available {
                lost += 1;
                continue;
            }
        }
        let outcome = record.map_err(|e| e.to_string()).and_then(|record| {
            let header_time = Timestamp::from_unix_nanos(
                record.timestamp.as_second(),
                record.timestamp.subsec_nanosecond(),
            )
            .unwrap_or_default();
            record
                .into_json_value()
                .map(|r| (r, header_time))
                .map_err(|e| e.to_string())
        });
        match outcome {
            Ok((record, header_time)) => collector.record(
                &JsonRecord::new(&record.data),
                record.event_record_id,
                header_time,
            ),
            Err(message) => collector.bad_record(message),
        }
    }
    if available < CHUNK_SIZE {
        collector
            .scan
            .problems
            .push(ChunkProblem::Cut { available, lost });
    }
    collector.finish()
}

/// Gathers the records of a chunk into its [`ChunkScan`], whichever way they were read.
struct Collector<'t> {
    scan: ChunkScan,
    texts: &'t mut Interner,
    bad: u64,
    first_bad: Option<String>,
    /// The origins of the records seen, with their ids and times; and which of them the last
    /// record had: records come in runs of one origin, so that one is tried first.
    origins: Vec<(Origin, Vec<(u64, Timestamp)>)>,
    current: usize,
    /// How many records the chunk likely holds.
    expected: usize,
}

impl<'t> Collector<'t> {
    /// A collector for chunk `index`, which likely holds `expected` records (0: unknown).
    fn new(index: u64, texts: &'t mut Interner, expected: usize) -> Self {
        // A chunk holds a hundred-odd records, most of them often of interest. (A count from
        // a chunk read is small: a record takes at least 28 of a chunk's 65,536 bytes.)
        let expected = if expected == 0 { 64 } else { expected };
        Collector {
            scan: ChunkScan {
                index,
                events: Vec::with_capacity(expected),
                ..ChunkScan::default()
            },
            texts,
            bad: 0,
            first_bad: None,
            origins: Vec::new(),
            current: 0,
            expected,
        }
    }

    fn record(
        &mut self,
        values: &(impl RecordValues + ?Sized),
        header_id: u64,
        header_time: Timestamp,
    ) {
        self.scan.records += 1;
        let id = values.record_id().unwrap_or(header_id);
        let time = values.time_created().flatten().unwrap_or(header_time);
        let origin = origin(values, self.texts);
        // (Shared texts compare by address first. The texts of one interner mostly have one
        // address per value, so an origin is looked for by its texts' addresses, before
        // comparing texts: the origins of one log often differ only near their ends.)
        let same = |(seen, _): &(Origin, _)| {
            seen.0.identity() == origin.0.identity() && seen.1.identity() == origin.1.identity()
        };
        if self
            .origins
            .get(self.current)
            .is_none_or(|(seen, _)| *seen != origin)
        {
            let known = (self.origins.iter().position(same))
                .or_else(|| self.origins.iter().position(|(seen, _)| *seen == origin));
            self.current = match known {
                Some(index) => index,
                None => {
                    // (Records mostly come from one origin.)
                    let ids = Vec::with_capacity(self.expected);
                    self.origins.push((origin.clone(), ids));
                    self.origins.len() - 1
                }
            };
        }
        self.origins[self.current].1.push((id, time));
        match extract(values, header_time, &origin, self.texts) {
            Ok(Some(event)) => self.scan.events.push(event),
            Ok(None) => {}
            Err(e) => {
                let id = e
                    .record_id
                    .map_or(String::new(), |id| format!("record {id}: "));
                self.bad_record(format!("{id}{}", e.message));
            }
        }
    }

    fn bad_record(&mut self, message: String) {
        self.bad += 1;
        self.first_bad.get_or_insert(message);
    }

    fn finish(mut self) -> ChunkScan {
        // Each origin is in the list once.
        self.scan.record_ids = self.origins.into_iter().collect();
        if self.bad > 0 {
            self.scan.problems.push(ChunkProblem::BadRecords {
                count: self.bad,
                first: self.first_bad.unwrap_or_default(),
            });
        }
        self.scan
    }
}

/// A file read to the end: its summary, its events and the warnings about it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScannedFile {
    pub summary: FileSummary,
    pub events: Vec<Event>,
    pub warnings: Vec<Warning>,
}

/// Collects the chunks of one file, in any order, into a [`ScannedFile`].
///
/// A big log's events are most of the memory a load takes, so they are moved into the file's
/// vector as the chunks come, and the file's events are that vector when the chunks came in
/// order (as the page adds them): never a second copy of them all. Chunks that came out of
/// order are put in order at the end.
#[derive(Debug, Clone)]
pub struct FileScan {
    name: String,
    size: u64,
    header_damaged: bool,
    /// Chunks in the file.
    layout_chunks: u64,
    /// The chunks added, their events moved out to `events` and their record ids to
    /// `ids_by_origin`.
    chunks: Vec<ChunkScan>,
    events: Vec<Event>,
    /// Where the events of each chunk of `chunks` start in `events`.
    starts: Vec<usize>,
    /// Every record's (id, time), by origin, in the order added (gathered as chunks come,
    /// so that finishing a big file is less work at once).
    ids_by_origin: BTreeMap<Origin, Vec<(u64, Timestamp)>>,
}

impl FileScan {
    pub fn new(name: impl Into<String>, layout: FileLayout, size: u64) -> Self {
        FileScan {
            name: name.into(),
            size,
            header_damaged: layout.header_damaged,
            layout_chunks: layout.chunks,
            chunks: Vec::new(),
            events: Vec::new(),
            starts: Vec::new(),
            ids_by_origin: BTreeMap::new(),
        }
    }

    /// Makes room for `additional` more events (when the caller knows how many will come,
    /// the events' vector is then allocated once, at its size).
    pub fn reserve_events(&mut self, additional: usize) {
        self.events.reserve_exact(additional);
    }

    pub fn add(&mut self, mut chunk: ChunkScan) {
        // Taken, not appended: the chunk's own vector is freed here rather than kept (empty
        // but still allocated) with the chunk until the end.
        let events = std::mem::take(&mut chunk.events);
        let Ok(()) = self.add_reading(chunk, |all| {
            all.extend(events);
            Ok::<(), std::convert::Infallible>(())
        });
    }

    /// [`add`](Self::add)s `chunk`, whose events `read_events` appends to the file's events
    /// itself (the page decodes a worker's events straight into them, rather than into a
    /// vector of the chunk's that is then copied). If it fails, what it appended is taken back
    /// and the chunk is not added.
    pub fn add_reading<E>(
        &mut self,
        mut chunk: ChunkScan,
        read_events: impl FnOnce(&mut Vec<Event>) -> Result<(), E>,
    ) -> Result<(), E> {
        let start = self.events.len();
        if let Err(error) = read_events(&mut self.events) {
            self.events.truncate(start);
            return Err(error);
        }
        self.starts.push(start);
        for (origin, ids) in std::mem::take(&mut chunk.record_ids) {
            self.ids_by_origin.entry(origin).or_default().extend(ids);
        }
        self.chunks.push(chunk);
        Ok(())
    }

    /// [`add`](Self::add), for a caller that adds the chunks of the whole file in order and
    /// as they are read (natively): once the first chunks are in, the events' vector makes
    /// room for as many more as they suggest the file holds (and so do the record ids).
    ///
    /// Each chunk's events then move into the file's vector as soon as the chunk is read (its
    /// own vector is reused for the next chunk, still in cache), rather than every chunk's
    /// vector being kept until the end: that held all the events twice, in memory the system
    /// had to hand out (and zero) first. Room reserved at once is not copied as the vector
    /// grows, and room never used is never touched, so a generous margin costs no memory
    /// natively. (Logs are rarely uniform: a shortfall only means one copy.) The page does
    /// not use this: it knows its counts, and wasm memory, once grown, is all counted.
    fn add_reserving(&mut self, chunk: ChunkScan) {
        self.add(chunk);
        let read = self.chunks.len() as u64;
        if read == ESTIMATE_AFTER_CHUNKS {
            let remaining = self.layout_chunks.saturating_sub(read) as f64;
            let more = |so_far: usize| (so_far as f64 / read as f64 * remaining * 1.25) as usize;
            self.events.reserve(more(self.events.len()));
            for ids in self.ids_by_origin.values_mut() {
                ids.reserve(more(ids.len()));
            }
        }
    }

    /// The events in chunk order (for chunks added more than once, in the order added).
    fn events_in_chunk_order(&mut self) -> Vec<Event> {
        let mut events = std::mem::take(&mut self.events);
        if self.chunks.is_sorted_by_key(|chunk| chunk.index) {
            return events;
        }
        let mut pieces = Vec::with_capacity(self.chunks.len());
        for (added, (chunk, start)) in self.chunks.iter().zip(&self.starts).enumerate().rev() {
            pieces.push((chunk.index, added, events.split_off(*start)));
        }
        pieces.sort_unstable_by_key(|(index, added, _)| (*index, *added));
        let mut ordered = Vec::with_capacity(pieces.iter().map(|(_, _, piece)| piece.len()).sum());
        for (_, _, piece) in pieces {
            ordered.extend(piece);
        }
        ordered
    }

    /// Merges the chunks (the result does not depend on the order they were added in).
    pub fn finish(mut self) -> ScannedFile {
        let events = self.events_in_chunk_order();
        self.chunks.sort_by_key(|c| c.index);
        let mut file = ScannedFile {
            summary: FileSummary {
                name: self.name.clone(),
                size: self.size,
                records: 0,
                errors: Vec::new(),
            },
            ..ScannedFile::default()
        };
        if self.header_damaged {
            let message = "the file header is damaged (no \"ElfFile\" signature): its chunks were read anyway".to_string();
            file.summary.errors.push(message.clone());
            file.warnings.push(Warning {
                file: Some(self.name.clone()),
                offset: Some(0),
                ..Warning::new(
                    WarningKind::DamagedChunk,
                    format!("{}: {message}", self.name),
                )
            });
        }
        file.events = events;
        for chunk in self.chunks {
            file.summary.records += chunk.records;
            let offset = chunk_offset(chunk.index);
            for problem in chunk.problems {
                let (kind, count, message) = problem.describe(chunk.index, offset);
                file.summary.errors.push(message.clone());
                file.warnings.push(Warning {
                    file: Some(self.name.clone()),
                    count,
                    offset: Some(offset),
                    ..Warning::new(kind, format!("{}: {message}", self.name))
                });
            }
        }
        for ((computer, channel), mut ids) in self.ids_by_origin {
            // Chunks come in order and records ascend within them, so the ids are usually
            // sorted already.
            let gaps = match gaps_in_sorted(&ids) {
                Some(gaps) => gaps,
                None => {
                    ids.sort_unstable();
                    gaps_in_sorted(&ids).unwrap_or_default()
                }
            };
            let channel = if channel.is_empty() {
                "(none)"
            } else {
                &channel
            };
            for (number, ((before, before_time), (after, after_time))) in gaps.iter().enumerate() {
                if number == MAX_GAP_WARNINGS {
                    let rest = &gaps[MAX_GAP_WARNINGS..];
                    let missing: u64 = rest.iter().map(|((b, _), (a, _))| a - b - 1).sum();
                    file.warnings.push(gap_warning(
                        &self.name,
                        &computer,
                        None,
                        missing,
                        format!(
                            "{} more gaps in EventRecordID on {computer}, channel {channel}, with {missing} record(s) missing in all",
                            rest.len()
                        ),
                    ));
                    break;
                }
                let missing = after - before - 1;
                file.warnings.push(gap_warning(
                    &self.name,
                    &computer,
                    Some((*after, *after_time)),
                    missing,
                    format!(
                        "{missing} record(s) missing on {computer}, channel {channel}: EventRecordID jumps from {before} ({before_time}) to {after} ({after_time})"
                    ),
                ));
            }
        }
        file
    }
}

/// A record id and the time of its record.
type IdAt = (u64, Timestamp);

/// The gaps in `ids`, each as the ids (with times) either side of it; `None` if `ids` are not
/// in order. A record read twice is no gap; its first copy (the earlier time) counts.
///
/// One pass that writes nothing: checking the order, removing the copies and then pairing
/// the ids were three, and on a 4 GB log's six million records they made one task of the
/// page of 40-65 ms.
fn gaps_in_sorted(ids: &[IdAt]) -> Option<Vec<(IdAt, IdAt)>> {
    let mut gaps = Vec::new();
    let Some((&first, rest)) = ids.split_first() else {
        return Some(gaps);
    };
    let mut previous = first;
    let mut last = first;
    for &id in rest {
        if id < last {
            return None;
        }
        last = id;
        if id.0 == previous.0 {
            continue;
        }
        // (Ascending and distinct: `id.0 - previous.0` is at least 1.)
        if id.0 - previous.0 > 1 {
            gaps.push((previous, id));
        }
        previous = id;
    }
    Some(gaps)
}

/// After how many chunks [`FileScan::add_reserving`] estimates how many events a file holds.
const ESTIMATE_AFTER_CHUNKS: u64 = 32;

/// Gaps listed one by one per (computer, channel) before the rest are summed up in one.
const MAX_GAP_WARNINGS: usize = 10;

fn gap_warning(
    file: &str,
    computer: &str,
    after: Option<(u64, Timestamp)>,
    missing: u64,
    message: String,
) -> Warning {
    Warning {
        file: Some(file.to_string()),
        computer: (!computer.is_empty()).then(|| computer.to_string()),
        time: after.map(|(_, time)| time),
        record_id: after.map(|(id, _)| id),
        count: Some(missing),
        ..Warning::new(WarningKind::RecordIdGap, format!("{file}: {message}"))
    }
}

/// A file that could not be read at all, as the report lists it.
pub fn unreadable_file(name: &str, size: u64, error: &FileError) -> ScannedFile {
    ScannedFile {
        summary: FileSummary {
            name: name.to_string(),
            size,
            records: 0,
            errors: vec![error.to_string()],
        },
        ..ScannedFile::default()
    }
}

/// Reads a whole file held in memory.
pub fn scan_bytes(name: &str, bytes: &[u8]) -> ScannedFile {
    scan_bytes_with(name, bytes, Extraction::Fast)
}

/// [`scan_bytes`], read the given way.
pub fn scan_bytes_with(name: &str, bytes: &[u8], extraction: Extraction) -> ScannedFile {
    let size = bytes.len() as u64;
    let layout = match check_header(bytes, size) {
        Ok(layout) => layout,
        Err(e) => return unreadable_file(name, size, &e),
    };
    let mut scan = FileScan::new(name, layout, size);
    let mut reader = ChunkReader::new(extraction);
    for index in 0..layout.chunks {
        let start = chunk_offset(index) as usize;
        let end = bytes.len().min(start + CHUNK_SIZE as usize);
        scan.add_reserving(reader.read(index, &bytes[start..end]));
    }
    scan.finish()
}

/// [`scan_bytes_with`] on `threads` threads, each taking every `threads`-th chunk: the way
/// the browser's workers split a file, natively.
#[cfg(not(target_arch = "wasm32"))]
pub fn scan_bytes_parallel(
    name: &str,
    bytes: &[u8],
    threads: usize,
    extraction: Extraction,
) -> ScannedFile {
    let size = bytes.len() as u64;
    let layout = match check_header(bytes, size) {
        Ok(layout) => layout,
        Err(e) => return unreadable_file(name, size, &e),
    };
    let threads = threads.max(1) as u64;
    let scans: Vec<Vec<ChunkScan>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|first| {
                scope.spawn(move || {
                    let mut reader = ChunkReader::new(extraction);
                    (first..layout.chunks)
                        .step_by(threads as usize)
                        .map(|index| {
                            let start = chunk_offset(index) as usize;
                            let end = bytes.len().min(start + CHUNK_SIZE as usize);
                            reader.read(index, &bytes[start..end])
                        })
                        .collect()
                })
            })
            .collect();
        workers
            .into_iter()
            // scan_chunk does not panic on any input; if it ever did, say so loudly rather
            // than report a file with chunks missing.
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut chunks: Vec<ChunkScan> = scans.into_iter().flatten().collect();
    chunks.sort_by_key(|chunk| chunk.index);
    let mut scan = FileScan::new(name, layout, size);
    scan.reserve_events(chunks.iter().map(|chunk| chunk.events.len()).sum());
    for chunk in chunks {
        scan.add(chunk);
    }
    scan.finish()
}

/// Reads a file from any seekable source, one chunk in memory at a time. `progress` is told
/// the bytes done after each chunk.
pub fn scan_reader<R: Read + Seek>(
    name: &str,
    mut source: R,
    mut progress: impl FnMut(u64),
) -> ScannedFile {
    let size = match source.seek(SeekFrom::End(0)) {
        Ok(size) => size,
        Err(e) => return unreadable_file(name, 0, &FileError::Io(e.to_string())),
    };
    let mut header = vec![0u8; HEADER_PROBE_SIZE.min(size) as usize];
    if let Err(e) = source
        .seek(SeekFrom::Start(0))
        .and_then(|_| source.read_exact(&mut header))
    {
        return unreadable_file(name, size, &FileError::Io(e.to_string()));
    }
    let layout = match check_header(&header, size) {
        Ok(layout) => layout,
        Err(e) => return unreadable_file(name, size, &e),
    };
    let mut scan = FileScan::new(name, layout, size);
    let mut buffer = Vec::with_capacity(CHUNK_SIZE as usize);
    let mut reader = ChunkReader::default();
    for index in 0..layout.chunks {
        buffer.clear();
        let read = source
            .seek(SeekFrom::Start(chunk_offset(index)))
            .and_then(|_| (&mut source).take(CHUNK_SIZE).read_to_end(&mut buffer));
        match read {
            Ok(_) => scan.add_reserving(reader.read(index, &buffer)),
            Err(e) => scan.add(ChunkScan {
                index,
                problems: vec![ChunkProblem::Unreadable {
                    message: e.to_string(),
                }],
                ..ChunkScan::default()
            }),
        }
        progress((chunk_offset(index) + CHUNK_SIZE).min(size));
    }
    scan.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The gaps as they were found before [`gaps_in_sorted`]: sorted, copies removed, then
    /// neighbours paired.
    fn gaps_the_long_way(ids: &[IdAt]) -> Vec<(IdAt, IdAt)> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup_by_key(|(id, _)| *id);
        ids.windows(2)
            .filter(|pair| pair[1].0 - pair[0].0 > 1)
            .map(|pair| (pair[0], pair[1]))
            .collect()
    }

    #[test]
    fn gaps_are_found_in_one_pass() {
        // Ids with runs, gaps, copies (at other times) and the ends of the range.
        let mut ids: Vec<IdAt> = (0..2_000u64)
            .filter(|i| i % 7 != 3 && i % 50 < 45)
            .map(|i| (i, Timestamp(i * 10)))
            .collect();
        ids.extend(
            (0..2_000u64)
                .step_by(13)
                .map(|i| (i, Timestamp(i * 10 + 5))),
        );
        ids.extend([(u64::MAX, Timestamp(1)), (u64::MAX - 1, Timestamp(2))]);
        ids.sort_unstable();
        let gaps = gaps_in_sorted(&ids).unwrap();
        assert_eq!(gaps, gaps_the_long_way(&ids));
        assert!(gaps.len() > 100, "{} gaps", gaps.len());
        // A record read twice counts by its first (earlier) time: 65 is there twice, 66 not.
        assert!(gaps.contains(&((65, Timestamp(650)), (67, Timestamp(670)))));

        // Out of order: not judged.
        ids.swap(10, 20);
        assert_eq!(gaps_in_sorted(&ids), None);
        assert_eq!(gaps_in_sorted(&[]), Some(Vec::new()));
        assert_eq!(gaps_in_sorted(&[(5, Timestamp(0))]), Some(Vec::new()));
    }
}
