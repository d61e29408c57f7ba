//! The EVTX writer's output read back by three independent readers: the `evtx` crate (with
//! checksum validation), its `evtx_dump` command, and python-evtx. Each must read every record
//! without an error and render every value as Windows would.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use evtx::{EvtxParser, ParserSettings};
use logonscope_synth::evtx::{EvtxWriter, Payload, Record, Value};
use serde_json::{Value as Json, json};

/// 2020-01-01T00:00:00Z in FILETIME ticks.
const EPOCH_2020: u64 = 132_223_104_000_000_000;
const TICKS_PER_SECOND: u64 = 10_000_000;

const SECURITY_GUID: &str = "{54849625-5478-4994-a5ba-3e3b0328c30d}";
const EVENTLOG_GUID: &str = "{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}";
const LOGON_GUID: &str = "{00000000-0000-0000-0000-000000000000}";
const OTHER_GUID: &str = "{0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9}";

/// A user name that needs more than ASCII, and one that needs XML escaping.
const UNICODE_USER: &str = "Jürgen-用户-😀";
const ESCAPED_USER: &str = "a<b>&\"c'";

/// The shapes of record the tests write, in turn.
const SHAPES: u64 = 5;

/// Owned values of record `i`, so that each test can build its `Record` and its expectations
/// from the same numbers.
struct Spec {
    id: u64,
    /// Unlike `id`: as in a log that collects several computers' events.
    event_record_id: u64,
    time: u64,
    user: String,
    logon_id: u64,
    logon_type: u32,
}

fn spec(i: u64) -> Spec {
    let user = match i % 7 {
        0 => UNICODE_USER.to_string(),
        1 => ESCAPED_USER.to_string(),
        _ => format!("user{i}"),
    };
    Spec {
        id: i + 1,
        event_record_id: 7_000_000 + 2 * i,
        time: EPOCH_2020 + i * TICKS_PER_SECOND + 1234,
        user,
        logon_id: 0x3e7 + i * 0x10,
        logon_type: (i % 12) as u32,
    }
}

/// Write record `i` (of shape `i % SHAPES`) with `writer`.
fn write_record(writer: &mut EvtxWriter<impl std::io::Write + std::io::Seek>, i: u64) {
    let s = spec(i);
    let mut record = Record {
        record_id: s.id,
        event_record_id: s.event_record_id,
        time: s.time,
        provider_name: "Microsoft-Windows-Security-Auditing",
        provider_guid: Some(SECURITY_GUID),
        event_id: 4624,
        version: 2,
        level: 0,
        task: 12544,
        opcode: 0,
        keywords: 0x8020_0000_0000_0000,
        process_id: 612,
        thread_id: 4180 + (i % 5) as u32,
        channel: "Security",
        computer: "WS01.corp.example",
        payload: Payload::EventData(&[]),
    };
    let logon = [
        ("SubjectUserSid", Value::Sid("S-1-5-18")),
        ("SubjectUserName", Value::Str("WS01$")),
        ("SubjectLogonId", Value::HexInt64(0x3e7)),
        (
            "TargetUserSid",
            Value::Sid("S-1-5-21-3623811015-3361044348-30300820-1013"),
        ),
        ("TargetUserName", Value::Str(&s.user)),
        ("TargetLogonId", Value::HexInt64(s.logon_id)),
        ("LogonType", Value::UInt32(s.logon_type)),
        ("LogonGuid", Value::Guid(LOGON_GUID)),
        ("ProcessId", Value::HexInt32(0x1f2)),
        ("VirtualAccount", Value::UInt8(1)),
        ("KeyLength", Value::UInt16(128)),
        ("TargetLinkedLogonId", Value::UInt64(u64::MAX - i)),
        (
            "PasswordLastSet",
            Value::FileTime(s.time + 3600 * TICKS_PER_SECOND),
        ),
        ("RestrictedAdminMode", Value::Null),
        ("IpAddress", Value::Str("")),
    ];
    let logoff = [
        ("TargetUserSid", Value::Sid("S-1-5-90-0-2")),
        ("TargetUserName", Value::Str(&s.user)),
        ("TargetLogonId", Value::HexInt64(s.logon_id)),
        ("LogonType", Value::UInt32(s.logon_type)),
    ];
    let cleared = [
        ("SubjectUserSid", Value::Sid("S-1-5-21-1-2-3-500")),
        ("SubjectUserName", Value::Str(&s.user)),
        ("SubjectDomainName", Value::Str("CORP")),
        ("SubjectLogonId", Value::HexInt64(s.logon_id)),
    ];
    let odd = [("Guid", Value::Guid(OTHER_GUID)), ("Nothing", Value::Null)];
    match i % SHAPES {
        0 => record.payload = Payload::EventData(&logon),
        1 => {
            record.event_id = 4634;
            record.task = 12545;
            record.version = 0;
            record.payload = Payload::EventData(&logoff);
        }
        2 => {
            record.event_id = 1102;
            record.provider_name = "Microsoft-Windows-Eventlog";
            record.provider_guid = Some(EVENTLOG_GUID);
            record.version = 0;
            record.level = 4;
            record.task = 104;
            record.keywords = 0x4020_0000_0000_0000;
            record.payload = Payload::UserData {
                element: "LogFileCleared",
                xmlns: "http://manifests.microsoft.com/win/2004/08/windows/eventlog",
                fields: &cleared,
            };
        }
        3 => {
            // No provider GUID, and nothing after <System>.
            record.event_id = 4608;
            record.provider_guid = None;
            record.task = 12288;
        }
        _ => {
            record.event_id = 5000;
            record.opcode = 1;
            record.payload = Payload::EventData(&odd);
        }
    }
    writer.write(&record).expect("writes");
}

/// A file of records `0..count`.
fn write_file(count: u64) -> Vec<u8> {
    let mut writer = EvtxWriter::new(Cursor::new(Vec::new())).expect("header");
    for i in 0..count {
        write_record(&mut writer, i);
    }
    writer.finish().expect("finishes").into_inner()
}

/// The text of FILETIME `ticks` as the `evtx` crate renders it: to the tick (100 ns).
fn rendered_time(ticks: u64) -> String {
    let seconds = (ticks - EPOCH_2020) / TICKS_PER_SECOND;
    let fraction = ticks % TICKS_PER_SECOND;
    let (minutes, second) = (seconds / 60, seconds % 60);
    let (hours, minute) = (minutes / 60, minutes % 60);
    let (days, hour) = (hours / 24, hours % 24);
    assert!(days < 31, "the tests stay in January 2020");
    format!(
        "2020-01-{:02}T{hour:02}:{minute:02}:{second:02}.{fraction:07}Z",
        days + 1
    )
}

/// The JSON the `evtx` crate renders for record `i`'s `Event`.
fn expected_json(i: u64) -> Json {
    let s = spec(i);
    let mut system = json!({
        "Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing", "Guid": SECURITY_GUID}},
        "EventID": 4624,
        "Version": 2,
        "Level": 0,
        "Task": 12544,
        "Opcode": 0,
        "Keywords": "0x8020000000000000",
        "TimeCreated": {"#attributes": {"SystemTime": rendered_time(s.time)}},
        "EventRecordID": s.event_record_id,
        "Correlation": null,
        "Execution": {"#attributes": {"ProcessID": 612, "ThreadID": 4180 + i % 5}},
        "Channel": "Security",
        "Computer": "WS01.corp.example",
        "Security": null,
    });
    let logon_id = format!("{:#x}", s.logon_id);
    let mut event =
        json!({"#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"}});
    match i % SHAPES {
        0 => {
            event["EventData"] = json!({
                "SubjectUserSid": "S-1-5-18",
                "SubjectUserName": "WS01$",
                "SubjectLogonId": "0x3e7",
                "TargetUserSid": "S-1-5-21-3623811015-3361044348-30300820-1013",
                "TargetUserName": s.user,
                "TargetLogonId": logon_id,
                "LogonType": s.logon_type,
                "LogonGuid": LOGON_GUID,
                "ProcessId": "0x1f2",
                "VirtualAccount": 1,
                "KeyLength": 128,
                "TargetLinkedLogonId": u64::MAX - i,
                "PasswordLastSet": rendered_time(s.time + 3600 * TICKS_PER_SECOND),
                // Null and empty values both render as empty elements.
                "RestrictedAdminMode": "",
                "IpAddress": "",
            });
        }
        1 => {
            system["EventID"] = json!(4634);
            system["Task"] = json!(12545);
            system["Version"] = json!(0);
            event["EventData"] = json!({
                "TargetUserSid": "S-1-5-90-0-2",
                "TargetUserName": s.user,
                "TargetLogonId": logon_id,
                "LogonType": s.logon_type,
            });
        }
        2 => {
            system["EventID"] = json!(1102);
            system["Provider"] = json!({"#attributes": {"Name": "Microsoft-Windows-Eventlog", "Guid": EVENTLOG_GUID}});
            system["Version"] = json!(0);
            system["Level"] = json!(4);
            system["Task"] = json!(104);
            system["Keywords"] = json!("0x4020000000000000");
            event["UserData"] = json!({"LogFileCleared": {
                "#attributes": {"xmlns": "http://manifests.microsoft.com/win/2004/08/windows/eventlog"},
                "SubjectUserSid": "S-1-5-21-1-2-3-500",
                "SubjectUserName": s.user,
                "SubjectDomainName": "CORP",
                "SubjectLogonId": logon_id,
            }});
        }
        3 => {
            system["EventID"] = json!(4608);
            system["Task"] = json!(12288);
            system["Provider"] =
                json!({"#attributes": {"Name": "Microsoft-Windows-Security-Auditing"}});
            event["EventData"] = json!(null);
        }
        _ => {
            system["EventID"] = json!(5000);
            system["Opcode"] = json!(1);
            event["EventData"] = json!({"Guid": OTHER_GUID, "Nothing": ""});
        }
    }
    event["System"] = system;
    json!({ "Event": event })
}

/// Read `file` with the `evtx` crate, checksums validated: every record's ID and JSON, and the
/// number of records that failed.
fn read_back(file: Vec<u8>) -> (Vec<(u64, Json)>, usize) {
    let mut parser = EvtxParser::from_buffer(file)
        .expect("a file header")
        .with_configuration(
            ParserSettings::new()
                .validate_checksums(true)
                .num_threads(1),
        );
    let mut records = Vec::new();
    let mut errors = 0;
    for record in parser.records_json_value() {
        match record {
            Ok(record) => records.push((record.event_record_id, record.data)),
            Err(_) => errors += 1,
        }
    }
    (records, errors)
}

/// A file under the system temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!("logonscope-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("writes the temporary file");
        TempFile(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

const RECORDS: u64 = 5000;

/// The chunks of `file`, after its header.
fn chunks(file: &[u8]) -> impl Iterator<Item = &[u8]> {
    file[4096..].chunks(65536)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

#[test]
fn evtx_crate_reads_every_record_back() {
    let file = write_file(RECORDS);
    let chunk_count = (file.len() - 4096) / 65536;
    assert_eq!(file.len(), 4096 + chunk_count * 65536);
    assert!(
        chunk_count >= 10,
        "{chunk_count} chunks: the test wants several"
    );

    let parser = EvtxParser::from_buffer(file.clone()).expect("a file header");
    let header = parser.header();
    assert!(header.validate_checksum(), "{header:?}");
    assert_eq!(usize::from(header.chunk_count), chunk_count);
    assert_eq!(header.last_chunk_number as usize, chunk_count - 1);
    assert_eq!(header.next_record_id, RECORDS + 1);
    assert_eq!(
        (
            header.header_size,
            header.minor_version,
            header.major_version
        ),
        (128, 1, 3)
    );
    assert_eq!(header.header_block_size, 4096);
    assert!(header.flags.is_empty(), "{header:?}");

    let (records, errors) = read_back(file);
    assert_eq!(errors, 0);
    assert_eq!(records.len() as u64, RECORDS);
    for (i, (id, json)) in records.into_iter().enumerate() {
        let i = i as u64;
        assert_eq!(id, i + 1);
        assert_eq!(json, expected_json(i), "record {id}");
    }
}

#[test]
fn evtx_dump_renders_every_record() {
    let file = TempFile::new("evtx_dump.evtx", &write_file(RECORDS));
    // Cargo's bin folder, never PATH: python packages install a different `evtx_dump`.
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo")
        });
    let output = Command::new(cargo_home.join("bin/evtx_dump"))
        .args(["--validate-checksums", "-t", "1", "-o", "jsonl"])
        .arg(file.path())
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run evtx_dump ({e}): install it with `cargo install evtx --version 0.15.1`"
            )
        });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "evtx_dump failed: {stderr}");
    assert!(stderr.trim().is_empty(), "evtx_dump complained: {stderr}");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len() as u64, RECORDS);
    for (i, line) in lines.into_iter().enumerate() {
        let json: Json = serde_json::from_str(line).expect("a JSON line");
        assert_eq!(json, expected_json(i as u64), "line {}", i + 1);
    }
}

/// Reads every record with python-evtx and prints, as JSON lines, whether the file header and
/// every chunk verify (magic, version, CRC32s), then what each record's XML holds.
const PYTHON_READER: &str = r#"
import json, sys
import xml.etree.ElementTree as ET
import Evtx.Evtx as evtx

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
with evtx.Evtx(sys.argv[1]) as log:
    header = log.get_file_header()
    chunks = list(header.chunks())
    print(json.dumps({
        "header_ok": header.verify(),
        "chunk_count": header.chunk_count(),
        "chunks_ok": [chunk.verify() for chunk in chunks],
        "templates": [len(chunk.templates()) for chunk in chunks],
    }))
    for record in log.records():
        root = ET.fromstring(record.xml())
        system = root.find(NS + "System")
        fields = {}
        for parent in ("EventData", "UserData"):
            node = root.find(NS + parent)
            if node is not None:
                for element in node.iter():
                    if element is node:
                        continue
                    name = element.get("Name") or element.tag.split("}")[-1]
                    fields[name] = element.text
        print(json.dumps({
            "number": record.record_num(),
            "EventID": system.find(NS + "EventID").text,
            "EventRecordID": system.find(NS + "EventRecordID").text,
            "Provider": system.find(NS + "Provider").attrib,
            "Keywords": system.find(NS + "Keywords").text,
            "Computer": system.find(NS + "Computer").text,
            "fields": fields,
        }))
"#;

#[test]
fn python_evtx_reads_every_record() {
    let file = write_file(RECORDS);
    let chunk_count = (file.len() - 4096) / 65536;
    let file = TempFile::new("python-evtx.evtx", &file);
    let output = Command::new("python3")
        .arg("-c")
        .arg(PYTHON_READER)
        .arg(file.path())
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e})"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "python-evtx failed (install it with `pip install python-evtx`): {stderr}"
    );
    assert!(stderr.trim().is_empty(), "python-evtx complained: {stderr}");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    let mut lines = stdout
        .lines()
        .map(|line| serde_json::from_str::<Json>(line).expect("JSON"));

    let summary = lines.next().expect("a summary line");
    assert_eq!(summary["header_ok"], true);
    assert_eq!(summary["chunk_count"], chunk_count);
    assert_eq!(summary["chunks_ok"], json!(vec![true; chunk_count]));
    // Every chunk holds records of all five shapes, each template found from the table.
    assert_eq!(summary["templates"], json!(vec![SHAPES; chunk_count]));

    let records: Vec<Json> = lines.collect();
    assert_eq!(records.len() as u64, RECORDS);
    for (i, record) in records.iter().enumerate() {
        let i = i as u64;
        let s = spec(i);
        assert_eq!(record["number"], s.id);
        assert_eq!(record["EventRecordID"], s.event_record_id.to_string());
        assert_eq!(record["Computer"], "WS01.corp.example");
        let fields = &record["fields"];
        // python-evtx pads hexadecimal values to their width.
        let logon_id = format!("0x{:016x}", s.logon_id);
        match i % SHAPES {
            0 => {
                assert_eq!(record["EventID"], "4624");
                assert_eq!(record["Provider"]["Guid"], SECURITY_GUID);
                assert_eq!(record["Keywords"], "0x8020000000000000");
                assert_eq!(fields["SubjectUserSid"], "S-1-5-18");
                assert_eq!(
                    fields["TargetUserSid"],
                    "S-1-5-21-3623811015-3361044348-30300820-1013"
                );
                assert_eq!(fields["TargetUserName"], s.user.as_str());
                assert_eq!(fields["TargetLogonId"], logon_id.as_str());
                assert_eq!(fields["LogonType"], s.logon_type.to_string());
                assert_eq!(fields["LogonGuid"], LOGON_GUID);
                assert_eq!(fields["ProcessId"], "0x000001f2");
                assert_eq!(fields["TargetLinkedLogonId"], (u64::MAX - i).to_string());
                assert_eq!(fields["RestrictedAdminMode"], Json::Null);
            }
            1 => {
                assert_eq!(record["EventID"], "4634");
                assert_eq!(fields["TargetUserSid"], "S-1-5-90-0-2");
                assert_eq!(fields["TargetUserName"], s.user.as_str());
            }
            2 => {
                assert_eq!(record["EventID"], "1102");
                assert_eq!(record["Provider"]["Name"], "Microsoft-Windows-Eventlog");
                assert_eq!(fields["SubjectUserSid"], "S-1-5-21-1-2-3-500");
                assert_eq!(fields["SubjectLogonId"], logon_id.as_str());
                assert_eq!(fields["SubjectDomainName"], "CORP");
            }
            3 => {
                assert_eq!(record["EventID"], "4608");
                assert_eq!(fields, &json!({}));
            }
            _ => {
                assert_eq!(record["EventID"], "5000");
                assert_eq!(fields["Guid"], OTHER_GUID);
            }
        }
    }
}

#[test]
fn flipped_bytes_fail_the_checksums() {
    let file = write_file(2000);
    let (intact, errors) = read_back(file.clone());
    assert_eq!((intact.len(), errors), (2000, 0));

    // Chunk 2's records and where they are.
    let chunk_at = 4096 + 2 * 65536;
    let chunk = &file[chunk_at..chunk_at + 65536];
    let (first, last) = (u64_at(chunk, 24), u64_at(chunk, 32));
    let free = u32_at(chunk, 48) as usize;
    let in_chunk = |id: u64| (first..=last).contains(&id);
    let survivors = intact.iter().filter(|(id, _)| !in_chunk(*id)).count();
    assert!(survivors < intact.len());

    // A byte of a record in the middle of the chunk, then a byte of its string table (which
    // only the header CRC32 covers).
    for at in [chunk_at + (512 + free) / 2, chunk_at + 128 + 4 * 11] {
        let mut damaged = file.clone();
        damaged[at] ^= 0x01;
        let (records, errors) = read_back(damaged.clone());
        assert!(errors >= 1, "flipping byte {at} went unnoticed");
        assert_eq!(records.len(), survivors, "flipping byte {at}");
        assert!(records.iter().all(|(id, _)| !in_chunk(*id)));

        // Without validation the chunk is read: the checksums are what rejected it.
        let mut parser = EvtxParser::from_buffer(damaged)
            .expect("a file header")
            .with_configuration(
                ParserSettings::new()
                    .validate_checksums(false)
                    .num_threads(1),
            );
        let read = parser.records_json_value().filter(|r| r.is_ok()).count();
        assert!(read > survivors, "flipping byte {at}");
    }
}

#[test]
fn chunks_are_laid_out_as_windows_lays_them_out() {
    let file = write_file(RECORDS);
    let mut next_id = 1;
    for (number, chunk) in chunks(&file).enumerate() {
        assert_eq!(&chunk[..8], b"ElfChnk\0", "chunk {number}");
        let (first, last) = (u64_at(chunk, 24), u64_at(chunk, 32));
        assert_eq!(
            (u64_at(chunk, 8), u64_at(chunk, 16)),
            (first, last),
            "numbers are IDs"
        );
        assert_eq!(first, next_id, "chunk {number} follows on");
        assert_eq!(u32_at(chunk, 40), 128);
        let (last_offset, free) = (u32_at(chunk, 44) as usize, u32_at(chunk, 48) as usize);
        assert!(
            chunk[free..].iter().all(|&b| b == 0),
            "chunk {number}'s tail is zeros"
        );
        assert!(chunk[56..120].iter().all(|&b| b == 0));

        // The records: one after the other up to the free space, sizes repeated, 8-aligned.
        let mut at = 512;
        let mut template_definitions = 0;
        while at < free {
            assert_eq!(&chunk[at..at + 4], b"**\0\0", "chunk {number} at {at}");
            let size = u32_at(chunk, at + 4) as usize;
            assert_eq!(size % 8, 0);
            assert_eq!(u32_at(chunk, at + size - 4) as usize, size);
            assert_eq!(u64_at(chunk, at + 8), next_id);
            // Fragment header, then a template instance whose definition is inline or before.
            assert_eq!(&chunk[at + 24..at + 30], [0x0f, 1, 1, 0, 0x0c, 1]);
            let definition = u32_at(chunk, at + 34) as usize;
            if definition == at + 38 {
                template_definitions += 1;
            } else {
                assert!(
                    definition < at,
                    "chunk {number}: a template from the future"
                );
            }
            // The short template ID is the start of the definition's GUID.
            assert_eq!(
                chunk[at + 30..at + 34],
                chunk[definition + 4..definition + 8]
            );
            if at + size == free {
                assert_eq!(at, last_offset, "the last record's offset");
                assert_eq!(u64_at(chunk, at + 8), last);
            }
            next_id += 1;
            at += size;
        }
        assert_eq!(at, free);
        assert_eq!(
            template_definitions, SHAPES,
            "one definition per shape in chunk {number}"
        );

        // The name table: every name in the bucket its hash says, with that hash.
        let mut names = Vec::new();
        for bucket in 0..64 {
            let mut entry = u32_at(chunk, 128 + 4 * bucket) as usize;
            while entry != 0 {
                let hash = u16::from_le_bytes([chunk[entry + 4], chunk[entry + 5]]);
                let units = u16::from_le_bytes([chunk[entry + 6], chunk[entry + 7]]) as usize;
                let name: Vec<u16> = (0..units)
                    .map(|k| {
                        u16::from_le_bytes([chunk[entry + 8 + 2 * k], chunk[entry + 9 + 2 * k]])
                    })
                    .collect();
                let computed = name.iter().fold(0_u32, |h, &u| {
                    h.wrapping_mul(65599).wrapping_add(u32::from(u))
                });
                assert_eq!(hash, computed as u16);
                assert_eq!(usize::from(hash) % 64, bucket);
                names.push(String::from_utf16(&name).expect("UTF-16"));
                entry = u32_at(chunk, entry) as usize;
            }
        }
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "chunk {number} has a name twice");
        for name in [
            "Event",
            "System",
            "Data",
            "EventData",
            "UserData",
            "LogFileCleared",
            "xmlns",
        ] {
            assert!(
                names.iter().any(|n| n == name),
                "{name} is not in chunk {number}'s table"
            );
        }

        // The template table: each template preceded by its instance, as python-evtx checks.
        let mut templates = 0;
        for bucket in 0..32 {
            let mut entry = u32_at(chunk, 384 + 4 * bucket) as usize;
            while entry != 0 {
                assert_eq!(chunk[entry - 10], 0x0c);
                assert_eq!(u32_at(chunk, entry - 4) as usize, entry);
                templates += 1;
                entry = u32_at(chunk, entry) as usize;
            }
        }
        assert_eq!(templates, SHAPES);
    }
    assert_eq!(next_id, RECORDS + 1);
}

#[test]
fn bytes_written_counts_what_reached_the_output() {
    let mut writer = EvtxWriter::new(Cursor::new(Vec::new())).expect("header");
    assert_eq!(writer.bytes_written(), 4096);
    let mut previous = writer.bytes_written();
    for i in 0..1000 {
        write_record(&mut writer, i);
        let now = writer.bytes_written();
        assert!(
            now == previous || now == previous + 65536,
            "{previous} then {now}"
        );
        previous = now;
    }
    assert!(previous > 4096);
    let file = writer.finish().expect("finishes").into_inner();
    assert_eq!(
        file.len() as u64,
        previous + 65536,
        "finish writes the last chunk"
    );
}

#[test]
fn files_can_start_inside_a_stream() {
    let mut out = Cursor::new(b"0123456789".to_vec());
    out.set_position(10);
    let mut writer = EvtxWriter::new(out).expect("header");
    write_record(&mut writer, 0);
    let out = writer.finish().expect("finishes");
    assert_eq!(out.position(), 10 + 4096 + 65536);
    let bytes = out.into_inner();
    assert_eq!(&bytes[..10], b"0123456789");
    let (records, errors) = read_back(bytes[10..].to_vec());
    assert_eq!((records.len(), errors), (1, 0));
    assert_eq!(records[0].1, expected_json(0));
}

/// A `Write + Seek` that keeps nothing, to time the writer alone.
struct Sink {
    position: u64,
    len: u64,
}

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.position += buf.len() as u64;
        self.len = self.len.max(self.position);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::io::Seek for Sink {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        self.position = match to {
            std::io::SeekFrom::Start(at) => at,
            std::io::SeekFrom::End(by) => self.len.saturating_add_signed(by),
            std::io::SeekFrom::Current(by) => self.position.saturating_add_signed(by),
        };
        Ok(self.position)
    }
}

/// A file of more chunks than the header's 16-bit count holds (4.3 GB, thrown away as it is
/// written), printing the write speed. Slow unoptimized: run it with
/// `cargo test -p logonscope-synth --release --test evtx_writer -- --ignored --nocapture`.
#[test]
#[ignore = "a benchmark: run it in release mode"]
fn writes_fast_and_past_65535_chunks() {
    let start = std::time::Instant::now();
    let mut writer = EvtxWriter::new(Sink {
        position: 0,
        len: 0,
    })
    .expect("header");
    let mut i = 0;
    while writer.bytes_written() < 4096 + 65_600 * 65536 {
        write_record(&mut writer, i);
        i += 1;
    }
    let sink = writer.finish().expect("finishes");
    let seconds = start.elapsed().as_secs_f64();
    let megabytes = sink.len as f64 / 1e6;
    println!(
        "{i} records, {megabytes:.0} MB in {seconds:.1} s: {:.0} MB/s",
        megabytes / seconds
    );
    // Only the size is asserted: speed is a figure to read, not a test to pass.
    assert_eq!(sink.len, 4096 + 65_601 * 65536);
}
