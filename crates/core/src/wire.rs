//! The bytes a worker's chunk scans cross to the page in: written and read by hand.
//!
//! The page reads every event of a load on its own thread (a gigabyte log holds a million and
//! a half), between the frames it draws, and the workers write them while they scan: both are
//! part of the time an analyst waits. Through serde and postcard, each of an event's dozen
//! texts went through a generic visitor and a thread-local table lookup; here a text is a
//! number into the batch's table of texts (each distinct text written once), an absent value
//! costs one byte, and reading is a walk over the bytes.
//!
//! Layout: the table's length in bytes (4 bytes, little-endian), the table (a count, then each
//! text as a length and its UTF-8), then the scans, each with its events last (a reader can
//! put them straight where they go). Numbers are LEB128 varints. An optional text or small
//! number is written as 0 when absent, else as one more than its value. Every read is
//! checked: a damaged buffer is an error, never a panic or a huge allocation.

use std::collections::{BTreeMap, HashMap};

use crate::event::{
    Event, EventHeader, EventKind, ExplicitCredentialUse, FailedLogon, LogCleared, Logoff, Logon,
    RdpChange,
};
use crate::scan::{ChunkProblem, ChunkScan, FileScan};
use crate::text::{Interner, Text};
use crate::time::Timestamp;

/// Writes `scans` (see the module's layout).
pub fn write_scans(scans: &[ChunkScan]) -> Result<Vec<u8>, String> {
    let mut writer = Writer::default();
    writer.number(scans.len() as u64);
    for scan in scans {
        writer.scan(scan);
    }
    let mut table = Vec::new();
    put_number(&mut table, writer.texts.len() as u64);
    for text in &writer.texts {
        put_number(&mut table, text.len() as u64);
        table.extend_from_slice(text.as_bytes());
    }
    let table_length =
        u32::try_from(table.len()).map_err(|_| "a scan's text table is too large".to_string())?;
    let mut bulk = Vec::with_capacity(4 + table.len() + writer.bytes.len());
    bulk.extend_from_slice(&table_length.to_le_bytes());
    bulk.extend_from_slice(&table);
    bulk.extend_from_slice(&writer.bytes);
    Ok(bulk)
}

/// Reads back [`write_scans`]; the texts go through `texts`, so that every batch of a load
/// shares one copy of each.
pub fn read_scans(bytes: &[u8], texts: &mut Interner) -> Result<Vec<ChunkScan>, String> {
    let mut scans = Vec::new();
    read_each(bytes, texts, |mut scan, count, reader| {
        reader.events(count, &mut scan.events)?;
        scans.push(scan);
        Ok(())
    })?;
    Ok(scans)
}

/// [`read_scans`] straight into `file`: each scan's events are read into the file's events
/// (not into a vector of the scan's, then moved). `seen` sees each scan, but for its events,
/// before it is added. A scan that cannot be read is not added, nor any after it.
pub fn read_scans_into(
    bytes: &[u8],
    texts: &mut Interner,
    file: &mut FileScan,
    mut seen: impl FnMut(&ChunkScan),
) -> Result<(), String> {
    read_each(bytes, texts, |scan, count, reader| {
        seen(&scan);
        file.add_reading(scan, |events| reader.events(count, events))
    })
}

/// Reads the table, then calls `each` with every scan (but for its events), the number of
/// its events and the reader, which `each` must read them from.
fn read_each(
    bytes: &[u8],
    texts: &mut Interner,
    mut each: impl FnMut(ChunkScan, usize, &mut Reader<'_, '_>) -> Read<()>,
) -> Read<()> {
    let (length, rest) = bytes
        .split_first_chunk::<4>()
        .ok_or_else(|| "no text table".to_string())?;
    let length = u32::from_le_bytes(*length) as usize;
    if length > rest.len() {
        return Err("its text table is cut".to_string());
    }
    let (table_bytes, scan_bytes) = rest.split_at(length);
    let mut table_reader = Reader {
        bytes: table_bytes,
        at: 0,
        texts: &[],
    };
    let count = table_reader.count(1)?;
    let mut table = Vec::with_capacity(count);
    for _ in 0..count {
        let length = table_reader.count(1)?;
        let text = std::str::from_utf8(table_reader.take(length)?)
            .map_err(|_| "a text of its table is not UTF-8".to_string())?;
        table.push(texts.intern(text));
    }
    let mut reader = Reader {
        bytes: scan_bytes,
        at: 0,
        texts: &table,
    };
    // (A scan takes at least its two numbers and three counts.)
    for _ in 0..reader.count(5)? {
        let (scan, events) = reader.scan_without_events()?;
        each(scan, events, &mut reader)?;
    }
    if reader.at != reader.bytes.len() {
        return Err("bytes follow the last scan".to_string());
    }
    Ok(())
}

fn put_number(bytes: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        bytes.push(value as u8 | 0x80);
        value >>= 7;
    }
    bytes.push(value as u8);
}

/// The scans being written, and the table of their texts.
#[derive(Default)]
struct Writer {
    bytes: Vec<u8>,
    /// Texts by the address of their shared copy: a worker's texts are interned, so a value
    /// has one address (a value with two copies only gets two numbers).
    ids: HashMap<usize, u32, foldhash::quality::RandomState>,
    texts: Vec<Text>,
}

impl Writer {
    fn number(&mut self, value: u64) {
        put_number(&mut self.bytes, value);
    }

    fn text_id(&mut self, text: &Text) -> u64 {
        let next = self.texts.len() as u32;
        let id = *self.ids.entry(text.identity()).or_insert(next);
        if id == next {
            self.texts.push(text.clone());
        }
        u64::from(id)
    }

    fn text(&mut self, text: &Text) {
        let id = self.text_id(text);
        self.number(id);
    }

    fn optional_text(&mut self, text: &Option<Text>) {
        let value = match text {
            Some(text) => self.text_id(text) + 1,
            None => 0,
        };
        self.number(value);
    }

    fn optional_small(&mut self, value: Option<u32>) {
        self.number(value.map_or(0, |value| u64::from(value) + 1));
    }

    fn optional_number(&mut self, value: Option<u64>) {
        match value {
            Some(value) => {
                self.bytes.push(1);
                self.number(value);
            }
            None => self.bytes.push(0),
        }
    }

    fn optional_flag(&mut self, value: Option<bool>) {
        self.bytes.push(match value {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        });
    }

    fn string(&mut self, text: &str) {
        self.number(text.len() as u64);
        self.bytes.extend_from_slice(text.as_bytes());
    }

    fn scan(&mut self, scan: &ChunkScan) {
        self.number(scan.index);
        self.number(scan.records);
        self.number(scan.record_ids.len() as u64);
        for ((computer, channel), ids) in &scan.record_ids {
            self.text(computer);
            self.text(channel);
            self.number(ids.len() as u64);
            for (id, time) in ids {
                self.number(*id);
                self.number(time.0);
            }
        }
        self.number(scan.problems.len() as u64);
        for problem in &scan.problems {
            match problem {
                ChunkProblem::Unreadable { message } => {
                    self.bytes.push(0);
                    self.string(message);
                }
                ChunkProblem::Cut { available, lost } => {
                    self.bytes.push(1);
                    self.number(*available);
                    self.number(*lost);
                }
                ChunkProblem::BadChecksum => self.bytes.push(2),
                ChunkProblem::BadRecords { count, first } => {
                    self.bytes.push(3);
                    self.number(*count);
                    self.string(first);
                }
            }
        }
        // (Last: a reader can put them straight where they go.)
        self.number(scan.events.len() as u64);
        for event in &scan.events {
            self.event(event);
        }
    }

    fn event(&mut self, event: &Event) {
        let header = &event.header;
        self.text(&header.computer);
        self.text(&header.channel);
        self.number(header.record_id);
        self.number(header.time.0);
        self.number(u64::from(header.event_id));
        match &event.kind {
            EventKind::Logon(logon) => {
                self.bytes.push(0);
                self.number(logon.logon_id);
                self.optional_number(logon.linked_logon_id);
                self.optional_text(&logon.user_sid);
                self.optional_text(&logon.user);
                self.optional_text(&logon.domain);
                self.optional_small(logon.logon_type);
                self.optional_text(&logon.source_ip);
                self.optional_small(logon.source_port);
                self.optional_text(&logon.workstation);
                self.optional_text(&logon.logon_process);
                self.optional_text(&logon.auth_package);
                self.optional_text(&logon.lm_package);
                self.optional_text(&logon.process_name);
                self.optional_flag(logon.elevated);
                self.optional_text(&logon.impersonation_level);
            }
            EventKind::Logoff(logoff) => {
                self.bytes.push(1);
                self.logoff(logoff);
            }
            EventKind::UserLogoff(logoff) => {
                self.bytes.push(2);
                self.logoff(logoff);
            }
            EventKind::Failure(failure) => {
                self.bytes.push(3);
                self.optional_text(&failure.user_sid);
                self.optional_text(&failure.user);
                self.optional_text(&failure.domain);
                self.optional_small(failure.logon_type);
                self.optional_small(failure.status);
                self.optional_small(failure.sub_status);
                self.optional_text(&failure.failure_reason);
                self.optional_text(&failure.source_ip);
                self.optional_small(failure.source_port);
                self.optional_text(&failure.workstation);
                self.optional_text(&failure.process_name);
                self.optional_text(&failure.logon_process);
                self.optional_text(&failure.auth_package);
            }
            EventKind::ExplicitCredentials(used) => {
                self.bytes.push(4);
                self.number(used.subject_logon_id);
                self.optional_text(&used.target_user);
                self.optional_text(&used.target_domain);
                self.optional_text(&used.target_server);
                self.optional_text(&used.target_info);
                self.optional_text(&used.process_name);
                self.optional_text(&used.source_ip);
            }
            EventKind::SpecialPrivileges { logon_id } => {
                self.bytes.push(5);
                self.number(*logon_id);
            }
            EventKind::RdpReconnect(change) => {
                self.bytes.push(6);
                self.rdp(change);
            }
            EventKind::RdpDisconnect(change) => {
                self.bytes.push(7);
                self.rdp(change);
            }
            EventKind::Locked { logon_id } => {
                self.bytes.push(8);
                self.number(*logon_id);
            }
            EventKind::Unlocked { logon_id } => {
                self.bytes.push(9);
                self.number(*logon_id);
            }
            EventKind::Startup => self.bytes.push(10),
            EventKind::Shutdown => self.bytes.push(11),
            EventKind::LogServiceShutdown => self.bytes.push(12),
            EventKind::LogCleared(cleared) => {
                self.bytes.push(13);
                self.optional_text(&cleared.user);
                self.optional_text(&cleared.domain);
            }
        }
    }

    fn logoff(&mut self, logoff: &Logoff) {
        self.number(logoff.logon_id);
        self.optional_text(&logoff.user_sid);
        self.optional_text(&logoff.user);
        self.optional_text(&logoff.domain);
        self.optional_small(logoff.logon_type);
    }

    fn rdp(&mut self, change: &RdpChange) {
        self.number(change.logon_id);
        self.optional_text(&change.session_name);
        self.optional_text(&change.client_name);
        self.optional_text(&change.client_address);
    }
}

type Read<T> = Result<T, String>;

/// Reads scans from `bytes`, whose texts are numbers into `texts`.
struct Reader<'b, 't> {
    bytes: &'b [u8],
    at: usize,
    texts: &'t [Text],
}

impl<'b> Reader<'b, '_> {
    #[inline(always)]
    fn byte(&mut self) -> Read<u8> {
        let byte = *self
            .bytes
            .get(self.at)
            .ok_or_else(|| "it is cut".to_string())?;
        self.at += 1;
        Ok(byte)
    }

    fn take(&mut self, length: usize) -> Read<&'b [u8]> {
        let end = self
            .at
            .checked_add(length)
            .filter(|end| *end <= self.bytes.len());
        let end = end.ok_or_else(|| "it is cut".to_string())?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    /// (Inlined, with the one-byte numbers first: the page is built for size, and every field
    /// of every event passes here.)
    #[inline(always)]
    fn number(&mut self) -> Read<u64> {
        match self.bytes.get(self.at) {
            Some(&byte) if byte < 0x80 => {
                self.at += 1;
                Ok(u64::from(byte))
            }
            _ => self.long_number(),
        }
    }

    fn long_number(&mut self) -> Read<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                // (The tenth byte may only hold the top bit.)
                if shift == 63 && byte > 1 {
                    break;
                }
                return Ok(value);
            }
        }
        Err("a number is too long".to_string())
    }

    /// A count of items that each take at least `each` bytes: no more than the bytes left
    /// can hold (a damaged count must not reserve gigabytes).
    fn count(&mut self, each: usize) -> Read<usize> {
        let count = self.number()?;
        let left = (self.bytes.len() - self.at) / each.max(1);
        match usize::try_from(count) {
            Ok(count) if count <= left => Ok(count),
            _ => Err("a count exceeds what follows".to_string()),
        }
    }

    #[inline(always)]
    fn text_at(&self, id: u64) -> Read<Text> {
        usize::try_from(id)
            .ok()
            .and_then(|id| self.texts.get(id))
            .cloned()
            .ok_or_else(|| format!("text {id} is not in the text table"))
    }

    #[inline(always)]
    fn text(&mut self) -> Read<Text> {
        let id = self.number()?;
        self.text_at(id)
    }

    #[inline(always)]
    fn optional_text(&mut self) -> Read<Option<Text>> {
        match self.number()? {
            0 => Ok(None),
            id => self.text_at(id - 1).map(Some),
        }
    }

    #[inline(always)]
    fn optional_small(&mut self) -> Read<Option<u32>> {
        match self.number()? {
            0 => Ok(None),
            value => u32::try_from(value - 1)
                .map(Some)
                .map_err(|_| "a number is out of range".to_string()),
        }
    }

    fn optional_number(&mut self) -> Read<Option<u64>> {
        match self.byte()? {
            0 => Ok(None),
            1 => self.number().map(Some),
            _ => Err("a bad optional number".to_string()),
        }
    }

    fn optional_flag(&mut self) -> Read<Option<bool>> {
        match self.byte()? {
            0 => Ok(None),
            1 => Ok(Some(false)),
            2 => Ok(Some(true)),
            _ => Err("a bad flag".to_string()),
        }
    }

    fn string(&mut self) -> Read<String> {
        let length = self.count(1)?;
        let bytes = self.take(length)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| "a message is not UTF-8".to_string())
    }

    /// A scan but for its events, and how many events follow it.
    fn scan_without_events(&mut self) -> Read<(ChunkScan, usize)> {
        let index = self.number()?;
        let records = self.number()?;
        let mut record_ids = BTreeMap::new();
        for _ in 0..self.count(3)? {
            let origin = (self.text()?, self.text()?);
            let count = self.count(2)?;
            let mut ids = Vec::with_capacity(count);
            for _ in 0..count {
                ids.push((self.number()?, Timestamp(self.number()?)));
            }
            record_ids.insert(origin, ids);
        }
        let mut problems = Vec::new();
        for _ in 0..self.count(1)? {
            problems.push(match self.byte()? {
                0 => ChunkProblem::Unreadable {
                    message: self.string()?,
                },
                1 => ChunkProblem::Cut {
                    available: self.number()?,
                    lost: self.number()?,
                },
                2 => ChunkProblem::BadChecksum,
                3 => ChunkProblem::BadRecords {
                    count: self.number()?,
                    first: self.string()?,
                },
                _ => return Err("an unknown kind of chunk problem".to_string()),
            });
        }
        let scan = ChunkScan {
            index,
            records,
            events: Vec::new(),
            record_ids,
            problems,
        };
        // (An event takes at least its five header numbers and its kind.)
        Ok((scan, self.count(6)?))
    }

    /// Appends `count` events to `events`.
    fn events(&mut self, count: usize, events: &mut Vec<Event>) -> Read<()> {
        events.reserve(count);
        for _ in 0..count {
            events.push(self.event()?);
        }
        Ok(())
    }

    fn event(&mut self) -> Read<Event> {
        let header = EventHeader {
            computer: self.text()?,
            channel: self.text()?,
            record_id: self.number()?,
            time: Timestamp(self.number()?),
            event_id: u16::try_from(self.number()?)
                .map_err(|_| "an event id is out of range".to_string())?,
        };
        let kind = match self.byte()? {
            0 => EventKind::Logon(Box::new(Logon {
                logon_id: self.number()?,
                linked_logon_id: self.optional_number()?,
                user_sid: self.optional_text()?,
                user: self.optional_text()?,
                domain: self.optional_text()?,
                logon_type: self.optional_small()?,
                source_ip: self.optional_text()?,
                source_port: self.optional_small()?,
                workstation: self.optional_text()?,
                logon_process: self.optional_text()?,
                auth_package: self.optional_text()?,
                lm_package: self.optional_text()?,
                process_name: self.optional_text()?,
                elevated: self.optional_flag()?,
                impersonation_level: self.optional_text()?,
            })),
            1 => EventKind::Logoff(self.logoff()?),
            2 => EventKind::UserLogoff(self.logoff()?),
            3 => EventKind::Failure(Box::new(FailedLogon {
                user_sid: self.optional_text()?,
                user: self.optional_text()?,
                domain: self.optional_text()?,
                logon_type: self.optional_small()?,
                status: self.optional_small()?,
                sub_status: self.optional_small()?,
                failure_reason: self.optional_text()?,
                source_ip: self.optional_text()?,
                source_port: self.optional_small()?,
                workstation: self.optional_text()?,
                process_name: self.optional_text()?,
                logon_process: self.optional_text()?,
                auth_package: self.optional_text()?,
            })),
            4 => EventKind::ExplicitCredentials(Box::new(ExplicitCredentialUse {
                subject_logon_id: self.number()?,
                target_user: self.optional_text()?,
                target_domain: self.optional_text()?,
                target_server: self.optional_text()?,
                target_info: self.optional_text()?,
                process_name: self.optional_text()?,
                source_ip: self.optional_text()?,
            })),
            5 => EventKind::SpecialPrivileges {
                logon_id: self.number()?,
            },
            6 => EventKind::RdpReconnect(self.rdp()?),
            7 => EventKind::RdpDisconnect(self.rdp()?),
            8 => EventKind::Locked {
                logon_id: self.number()?,
            },
            9 => EventKind::Unlocked {
                logon_id: self.number()?,
            },
            10 => EventKind::Startup,
            11 => EventKind::Shutdown,
            12 => EventKind::LogServiceShutdown,
            13 => EventKind::LogCleared(LogCleared {
                user: self.optional_text()?,
                domain: self.optional_text()?,
            }),
            _ => return Err("an unknown kind of event".to_string()),
        };
        Ok(Event { header, kind })
    }

    fn logoff(&mut self) -> Read<Logoff> {
        Ok(Logoff {
            logon_id: self.number()?,
            user_sid: self.optional_text()?,
            user: self.optional_text()?,
            domain: self.optional_text()?,
            logon_type: self.optional_small()?,
        })
    }

    fn rdp(&mut self) -> Read<RdpChange> {
        Ok(RdpChange {
            logon_id: self.number()?,
            session_name: self.optional_text()?,
            client_name: self.optional_text()?,
            client_address: self.optional_text()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(computer: &Text, record_id: u64, event_id: u16) -> EventHeader {
        EventHeader {
            computer: computer.clone(),
            channel: Text::from("Security"),
            record_id,
            time: Timestamp(133_000_000_000_000_000 + record_id),
            event_id,
        }
    }

    /// Every kind of event, with every optional field present (extreme values) or absent,
    /// and every kind of chunk problem.
    fn every_kind() -> Vec<ChunkScan> {
        let computer = Text::from("WS1.example.org");
        let text = |value: &str| Some(Text::from(value));
        let logon = Logon {
            logon_id: u64::MAX,
            linked_logon_id: Some(u64::MAX),
            user_sid: text("S-1-5-21-1"),
            user: text("<b>alice</b>"),
            domain: text("EXAMPLE"),
            logon_type: Some(u32::MAX),
            source_ip: text("10.0.0.1"),
            source_port: Some(0),
            workstation: text("=cmd|' /c calc'!A1"),
            logon_process: text("User32"),
            auth_package: text("Negotiate"),
            lm_package: text("NTLM V2"),
            process_name: text("C:\\Windows\\System32\\winlogon.exe"),
            elevated: Some(true),
            impersonation_level: text("%%1833"),
        };
        let failure = FailedLogon {
            user_sid: text("S-1-0-0"),
            user: text("bob\u{7}"),
            domain: text(""),
            logon_type: Some(3),
            status: Some(0xC000_006D),
            sub_status: Some(0xC000_0064),
            failure_reason: text("%%2313"),
            source_ip: text("::1"),
            source_port: Some(65_535),
            workstation: text("ATTACKER"),
            process_name: text("-"),
            logon_process: text("NtLmSsp"),
            auth_package: text("NTLM"),
        };
        let used = ExplicitCredentialUse {
            subject_logon_id: 0x3e7,
            target_user: text("admin"),
            target_domain: None,
            target_server: text("localhost"),
            target_info: text("localhost"),
            process_name: None,
            source_ip: text("-"),
        };
        let rdp = RdpChange {
            logon_id: 7,
            session_name: text("RDP-Tcp#0"),
            client_name: None,
            client_address: text("192.168.1.5"),
        };
        let logoff = Logoff {
            logon_id: 1,
            user_sid: None,
            user: text("alice"),
            domain: None,
            logon_type: Some(10),
        };
        let kinds = vec![
            EventKind::Logon(Box::new(logon)),
            EventKind::Logon(Box::default()),
            EventKind::Logoff(logoff.clone()),
            EventKind::UserLogoff(Logoff::default()),
            EventKind::Failure(Box::new(failure)),
            EventKind::Failure(Box::default()),
            EventKind::ExplicitCredentials(Box::new(used)),
            EventKind::SpecialPrivileges { logon_id: 0 },
            EventKind::RdpReconnect(rdp.clone()),
            EventKind::RdpDisconnect(RdpChange::default()),
            EventKind::Locked { logon_id: 1 << 40 },
            EventKind::Unlocked { logon_id: 3 },
            EventKind::Startup,
            EventKind::Shutdown,
            EventKind::LogServiceShutdown,
            EventKind::LogCleared(LogCleared {
                user: text("mallory"),
                domain: None,
            }),
        ];
        let events = kinds
            .into_iter()
            .enumerate()
            .map(|(number, kind)| Event {
                header: header(&computer, number as u64 * 1000, 4624 + number as u16),
                kind,
            })
            .collect();
        let mut record_ids = BTreeMap::new();
        record_ids.insert(
            (computer.clone(), Text::from("Security")),
            vec![(1, Timestamp(5)), (u64::MAX, Timestamp(u64::MAX))],
        );
        record_ids.insert((Text::from(""), Text::from("")), Vec::new());
        vec![
            ChunkScan {
                index: 12,
                records: 300,
                events,
                record_ids,
                problems: vec![
                    ChunkProblem::Unreadable {
                        message: "bad chunk signature".to_string(),
                    },
                    ChunkProblem::Cut {
                        available: 512,
                        lost: 3,
                    },
                    ChunkProblem::BadChecksum,
                    ChunkProblem::BadRecords {
                        count: 2,
                        first: "record 7: ünreadable".to_string(),
                    },
                ],
            },
            ChunkScan::default(),
        ]
    }

    #[test]
    fn every_kind_of_event_and_problem_comes_back() {
        let scans = every_kind();
        let bytes = write_scans(&scans).unwrap();
        let mut texts = Interner::default();
        assert_eq!(read_scans(&bytes, &mut texts).unwrap(), scans);
        // Texts are shared: the computer of every event is one copy.
        let again = read_scans(&bytes, &mut texts).unwrap();
        let computers: Vec<usize> = again[0]
            .events
            .iter()
            .map(|event| event.header.computer.identity())
            .collect();
        assert!(computers.windows(2).all(|pair| pair[0] == pair[1]));
        assert_eq!(
            read_scans(&write_scans(&[]).unwrap(), &mut texts).unwrap(),
            []
        );
    }

    #[test]
    fn damaged_bytes_are_errors_not_panics() {
        let bytes = write_scans(&every_kind()).unwrap();
        let mut texts = Interner::default();
        // Every cut, and every single byte changed to values that break counts, numbers,
        // kinds and text numbers.
        for end in 0..bytes.len() {
            assert!(
                read_scans(&bytes[..end], &mut texts).is_err(),
                "cut at {end}"
            );
        }
        for at in 0..bytes.len() {
            for value in [0x00, 0x7f, 0x80, 0xff] {
                let mut damaged = bytes.clone();
                damaged[at] = value;
                // (Some changes still read as scans, only different ones.)
                let _ = read_scans(&damaged, &mut texts);
            }
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            read_scans(&longer, &mut texts).unwrap_err(),
            "bytes follow the last scan"
        );
        // A count far beyond the bytes is refused before anything is reserved for it.
        let mut huge = write_scans(&[]).unwrap();
        huge.truncate(huge.len() - 1);
        huge.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
        assert_eq!(
            read_scans(&huge, &mut texts).unwrap_err(),
            "a count exceeds what follows"
        );
    }

    #[test]
    fn numbers_take_as_few_bytes_as_they_need() {
        for (value, length) in [
            (0, 1),
            (127, 1),
            (128, 2),
            (u64::from(u32::MAX), 5),
            (u64::MAX, 10),
        ] {
            let mut bytes = Vec::new();
            put_number(&mut bytes, value);
            assert_eq!(bytes.len(), length, "{value}");
            let mut reader = Reader {
                bytes: &bytes,
                at: 0,
                texts: &[],
            };
            assert_eq!(reader.number().unwrap(), value);
        }
        // An eleventh byte, or a tenth beyond 64 bits, is refused.
        for bad in [
            &[0xff; 11][..],
            &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02],
        ] {
            let mut reader = Reader {
                bytes: bad,
                at: 0,
                texts: &[],
            };
            assert!(reader.number().is_err());
        }
    }
}
