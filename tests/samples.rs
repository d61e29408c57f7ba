//! Every sample log of `../shared/evtx-samples/` with exact expectations: records read, session
//! counts by end_reason, failures, warnings, errors for the broken files, and chosen sessions
//! and failures field by field. The numbers were read off the logs independently (see
//! `tests/oracle/SAMPLES.md`, written from the Python reference implementation).

mod common;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use common::sample;
use logonscope_core::report::{EndReason, Report, WarningKind};
use logonscope_core::{analyze, scan_bytes};

fn report_of(names: &[&str]) -> Report {
    let files = names
        .iter()
        .map(|name| {
            let bytes = std::fs::read(sample(name)).expect("sample readable");
            scan_bytes(name, &bytes)
        })
        .collect();
    analyze(files)
}

fn by_reason(report: &Report) -> BTreeMap<EndReason, usize> {
    let mut counts = BTreeMap::new();
    for session in &report.sessions {
        *counts.entry(session.end_reason).or_default() += 1;
    }
    counts
}

fn by_kind(report: &Report) -> BTreeMap<WarningKind, usize> {
    let mut counts = BTreeMap::new();
    for warning in &report.warnings {
        *counts.entry(warning.kind).or_default() += 1;
    }
    counts
}

struct Expected {
    file: &'static str,
    records: u64,
    errors: usize,
    sessions: &'static [(EndReason, usize)],
    failures: usize,
    warnings: &'static [(WarningKind, usize)],
}

use EndReason::{LogEnd, Logoff, Shutdown, Startup, UserLogoff};
use WarningKind::{DamagedChunk, DamagedRecords, LogCleared, RecordIdGap};

const WORKSTATION_SESSIONS: &[(EndReason, usize)] = &[
    (Logoff, 10),
    (UserLogoff, 36),
    (Startup, 14),
    (Shutdown, 180),
    (LogEnd, 6),
];

const EXPECTED: [Expected; 16] = [
    Expected {
        file: "security-workstation.evtx",
        records: 2261,
        errors: 0,
        sessions: WORKSTATION_SESSIONS,
        failures: 0,
        warnings: &[],
    },
    Expected {
        file: "security-with-failures.evtx",
        records: 636,
        errors: 0,
        sessions: &[
            (Logoff, 17),
            (UserLogoff, 1),
            (Startup, 25),
            (Shutdown, 13),
            (LogEnd, 1),
        ],
        failures: 15,
        warnings: &[],
    },
    // Two bytes of chunk 0's string table are zeroed: its checksum fails, every record is read.
    Expected {
        file: "corrupt-string-cache.evtx",
        records: 2261,
        errors: 1,
        sessions: WORKSTATION_SESSIONS,
        failures: 0,
        warnings: &[(DamagedChunk, 1)],
    },
    // Chunks 6 and 10 have no signature; 0, 7 and 9 fail their checksums; one record of chunk 7
    // cannot be read. An AppX log: no logon events.
    Expected {
        file: "corrupt-chunk-magic.evtx",
        records: 301,
        errors: 6,
        sessions: &[],
        failures: 0,
        warnings: &[(RecordIdGap, 3), (DamagedChunk, 5), (DamagedRecords, 1)],
    },
    // The file header claims 3 chunks; 15 are in use and all are read.
    Expected {
        file: "system-no-logons.evtx",
        records: 1881,
        errors: 0,
        sessions: &[],
        failures: 0,
        warnings: &[],
    },
    Expected {
        file: "security-short.evtx",
        records: 7,
        errors: 0,
        sessions: &[],
        failures: 1,
        warnings: &[(RecordIdGap, 3)],
    },
    // Only the 4624s were kept from the original log: 15 gaps, 10 listed and one summary.
    Expected {
        file: "rdp-tunneling-4624.evtx",
        records: 18,
        errors: 0,
        sessions: &[(LogEnd, 10)],
        failures: 0,
        warnings: &[(RecordIdGap, 11)],
    },
    // 11 computers, each with its own EventRecordID series.
    Expected {
        file: "multi-computer-sharphound.evtx",
        records: 55,
        errors: 0,
        sessions: &[(LogEnd, 44)],
        failures: 0,
        warnings: &[(RecordIdGap, 42)],
    },
    Expected {
        file: "rdp-hijack-4778-4779.evtx",
        records: 14,
        errors: 0,
        sessions: &[],
        failures: 0,
        warnings: &[(RecordIdGap, 1)],
    },
    Expected {
        file: "ssh-bruteforce-valid-users.evtx",
        records: 11,
        errors: 0,
        sessions: &[(LogEnd, 2)],
        failures: 5,
        warnings: &[(RecordIdGap, 4)],
    },
    Expected {
        file: "smb-password-guessing.evtx",
        records: 3561,
        errors: 0,
        sessions: &[],
        failures: 3561,
        warnings: &[(RecordIdGap, 1)],
    },
    Expected {
        file: "runas-explicit-credentials.evtx",
        records: 3,
        errors: 0,
        sessions: &[(LogEnd, 1)],
        failures: 0,
        warnings: &[(LogCleared, 1)],
    },
    Expected {
        file: "anonymous-network-logon.evtx",
        records: 3,
        errors: 0,
        sessions: &[(Logoff, 1)],
        failures: 0,
        warnings: &[(LogCleared, 1)],
    },
    Expected {
        file: "zerologon-log-cleared.evtx",
        records: 14,
        errors: 0,
        sessions: &[(Logoff, 3)],
        failures: 0,
        warnings: &[(LogCleared, 1)],
    },
    Expected {
        file: "interactive-logon-and-failure.evtx",
        records: 4,
        errors: 0,
        sessions: &[(LogEnd, 3)],
        failures: 1,
        warnings: &[],
    },
    // Cut 64,832 bytes into chunk 2: the records before the cut (259) are read; record 260
    // runs 40 bytes past the end and is lost.
    Expected {
        file: "truncated-mid-chunk.evtx",
        records: 259,
        errors: 1,
        sessions: &[(UserLogoff, 1), (Shutdown, 15), (Startup, 2), (LogEnd, 3)],
        failures: 0,
        warnings: &[(DamagedChunk, 1)],
    },
];

#[test]
fn every_sample_gives_its_counts() {
    for expected in &EXPECTED {
        let report = report_of(&[expected.file]);
        let file = &report.files[0];
        assert_eq!(file.name, expected.file);
        assert_eq!(file.records, expected.records, "{}: records", expected.file);
        assert_eq!(
            file.errors.len(),
            expected.errors,
            "{}: {:?}",
            expected.file,
            file.errors
        );
        assert_eq!(
            by_reason(&report),
            expected.sessions.iter().copied().collect(),
            "{}: sessions",
            expected.file
        );
        assert_eq!(
            report.failures.len(),
            expected.failures,
            "{}: failures",
            expected.file
        );
        assert_eq!(
            by_kind(&report),
            expected.warnings.iter().copied().collect(),
            "{}: warnings",
            expected.file
        );
    }
}

#[test]
fn foreign_and_cut_headers_are_clear_errors() {
    let report = report_of(&["not-an-evtx.evtx", "truncated-header.evtx"]);
    assert_eq!(report.files[0].records, 0);
    assert_eq!(report.files[0].size, 17);
    assert_eq!(
        report.files[0].errors,
        ["not an EVTX file: it does not start with the signature \"ElfFile\""]
    );
    assert_eq!(
        report.files[1].errors,
        ["not a complete EVTX file: 3000 bytes, shorter than the 4096-byte file header"]
    );
    assert!(report.sessions.is_empty() && report.warnings.is_empty());
}

#[test]
fn damaged_chunks_are_named_with_their_offsets() {
    let report = report_of(&["corrupt-chunk-magic.evtx"]);
    let errors = &report.files[0].errors;
    assert!(errors.contains(&"chunk 6 at offset 0x61000 could not be read: bad chunk signature (expected \"ElfChnk\")".to_string()), "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("chunk 7 at offset 0x71000: 1 record(s) could not be read")),
        "{errors:?}"
    );
    let damaged = report
        .warnings
        .iter()
        .find(|w| w.kind == DamagedRecords)
        .unwrap();
    assert_eq!((damaged.count, damaged.offset), (Some(1), Some(0x71000)));
    assert!(damaged.message.starts_with("corrupt-chunk-magic.evtx: "));
    let cut = report_of(&["truncated-mid-chunk.evtx"]);
    assert_eq!(
        cut.files[0].errors,
        [
            "the file ends inside chunk 2 at offset 0x21000 (64832 of 65536 bytes): it is truncated; 1 record(s) cut by its end are lost, and any after them"
        ]
    );
}

#[test]
fn damaged_copies_read_the_same_records_as_the_original() {
    let whole = report_of(&["security-workstation.evtx"]);
    let damaged_cache = report_of(&["corrupt-string-cache.evtx"]);
    assert_eq!(damaged_cache.sessions, whole.sessions);
    // Every event read from the truncated copy is the original's, untouched.
    let original = scan_bytes(
        "w",
        &std::fs::read(sample("security-workstation.evtx")).unwrap(),
    );
    let truncated = scan_bytes(
        "t",
        &std::fs::read(sample("truncated-mid-chunk.evtx")).unwrap(),
    );
    assert_eq!(truncated.summary.records, 259);
    assert_eq!(truncated.events.len(), 139, "events of interest among them");
    for event in &truncated.events {
        assert!(
            original.events.contains(event),
            "{event:?} not in the original"
        );
    }
    // The cut copy's sessions are the whole log's as long as the log reaches.
    assert_eq!(whole.sessions[..12], cut_sessions()[..12]);
}

fn cut_sessions() -> Vec<logonscope_core::report::Session> {
    report_of(&["truncated-mid-chunk.evtx"]).sessions
}

fn session_json(report: &Report, computer: &str, logon_id: &str) -> Vec<Value> {
    report
        .sessions
        .iter()
        .filter(|s| s.computer == computer && s.logon_id == logon_id)
        .map(|s| serde_json::to_value(s).unwrap())
        .collect()
}

#[test]
fn chosen_sessions_field_by_field() {
    let workstation = report_of(&["security-workstation.evtx"]);
    let system = &session_json(&workstation, "37L4247F27-25", "0x3e7")[0];
    assert_eq!(
        *system,
        json!({
            "computer": "37L4247F27-25", "logon_id": "0x3e7", "linked_logon_id": null, "user_sid": "S-1-5-18",
            "user": "SYSTEM", "domain": "NT AUTHORITY", "logon_type": 0, "logon_type_name": "System",
            "start": "2016-07-08T18:12:51.6816408Z", "end": "2016-07-08T18:14:59.6174655Z",
            "end_reason": "shutdown", "duration_seconds": 127.9358247, "logon_events": 10, "source_ip": null,
            "source_port": null, "workstation": null, "logon_process": null, "auth_package": null,
            "lm_package": null, "process_name": null, "elevated": null, "admin": true,
            "record_ids": [2, 16, 17, 22, 23, 24, 25, 26, 27, 28, 29, 34, 35, 36, 37, 39, 40, 41, 42],
            "user_logoff_time": null, "impersonation_level": null, "explicit_credentials": [], "rdp_events": [],
            "lock_events": []
        })
    );
    // A UAC split-token pair: the 4647 goes to the filtered half only.
    let admin_half = &session_json(&workstation, "WIN-03DLIIOFRRA", "0x1672c")[0];
    let filtered_half = &session_json(&workstation, "WIN-03DLIIOFRRA", "0x16766")[0];
    assert_eq!(admin_half["admin"], true);
    assert_eq!(admin_half["end_reason"], "shutdown");
    assert_eq!(admin_half["end"], "2016-07-08T22:51:16.2473407Z");
    assert_eq!(admin_half["record_ids"], json!([167, 169]));
    assert_eq!(filtered_half["admin"], false);
    assert_eq!(filtered_half["end_reason"], "user_logoff");
    assert_eq!(filtered_half["end"], "2016-07-08T22:51:13.0649351Z");
    assert_eq!(
        filtered_half["user_logoff_time"],
        "2016-07-08T22:51:13.0649351Z"
    );
    assert_eq!(filtered_half["duration_seconds"], 2058.7213179);
    assert_eq!(filtered_half["logon_process"], "User32 ");

    // A logoff written after the shutdown that closed its session: an orphan beside it.
    let failures_log = report_of(&["security-with-failures.evtx"]);
    let pair = session_json(&failures_log, "26L2233B1-02", "0x51860");
    assert_eq!(pair.len(), 2);
    assert_eq!(pair[0]["start"], Value::Null);
    assert_eq!(pair[0]["end"], "2015-08-24T06:52:55.1086250Z");
    assert_eq!(pair[0]["end_reason"], "logoff");
    assert_eq!(pair[0]["logon_events"], 0);
    assert_eq!(pair[0]["logon_type"], 3);
    assert_eq!(pair[0]["user"], "ANONYMOUS LOGON");
    assert_eq!(pair[0]["record_ids"], json!([32]));
    assert_eq!(pair[1]["start"], "2015-08-24T06:51:59.6875000Z");
    assert_eq!(pair[1]["end_reason"], "shutdown");
    assert_eq!(pair[1]["duration_seconds"], 55.343);
    assert_eq!(pair[1]["lm_package"], "NTLM V1");

    // RDP through a local port forward, and SYSTEM's repeat logons.
    let tunnel = report_of(&["rdp-tunneling-4624.evtx"]);
    let rdp = &session_json(&tunnel, "PC02.example.corp", "0x45120")[0];
    assert_eq!(rdp["logon_type"], 10);
    assert_eq!(rdp["logon_type_name"], "RemoteInteractive");
    assert_eq!(rdp["source_ip"], "127.0.0.1");
    assert_eq!(rdp["source_port"], 49164);
    assert_eq!(rdp["start"], "2019-02-13T15:26:53.3567809Z");
    assert_eq!(rdp["end_reason"], "log_end");
    let system = &session_json(&tunnel, "PC02.example.corp", "0x3e7")[0];
    assert_eq!(system["logon_events"], 9);
    assert_eq!(system["logon_type"], 5);
    assert_eq!(
        system["record_ids"],
        json!([5278, 5281, 5283, 5289, 5291, 5293, 5296, 5303, 5305])
    );

    // Every value stored as a string, 9 fractional digits in TimeCreated.
    let sharphound = report_of(&["multi-computer-sharphound.evtx"]);
    assert_eq!(sharphound.sessions[0].computer, "adfs01.offsec.lan");
    let first = serde_json::to_value(&sharphound.sessions[0]).unwrap();
    assert_eq!(first["logon_id"], "0x213dfbef");
    assert_eq!(first["start"], "2021-05-03T08:58:38.7621574Z");
    assert_eq!(first["source_port"], 62210);
    assert_eq!(first["elevated"], true);
    assert_eq!(first["linked_logon_id"], Value::Null);
    assert_eq!(first["impersonation_level"], "Impersonation");
    let computers: std::collections::BTreeSet<&str> = sharphound
        .sessions
        .iter()
        .map(|s| s.computer.as_str())
        .collect();
    assert_eq!(computers.len(), 11);

    let zerologon = report_of(&["zerologon-log-cleared.evtx"]);
    assert_eq!(
        serde_json::to_value(&zerologon.sessions[0]).unwrap(),
        json!({
            "computer": "dc1.test.local", "logon_id": "0x86d358", "linked_logon_id": null, "user_sid": "S-1-5-18",
            "user": "DC1$", "domain": "TEST.LOCAL", "logon_type": 3, "logon_type_name": "Network",
            "start": "2022-02-23T10:10:06.0726600Z", "end": "2022-02-23T10:10:06.0733792Z", "end_reason": "logoff",
            "duration_seconds": 0.0007192, "logon_events": 1, "source_ip": "::1", "source_port": 51373,
            "workstation": null, "logon_process": "Kerberos", "auth_package": "Kerberos", "lm_package": null,
            "process_name": null, "elevated": true, "admin": false, "record_ids": [12553, 12555],
            "user_logoff_time": null, "impersonation_level": "Impersonation", "explicit_credentials": [],
            "rdp_events": [], "lock_events": []
        })
    );
}

#[test]
fn log_clears_are_warnings_with_who_and_when() {
    let report = report_of(&["zerologon-log-cleared.evtx"]);
    assert_eq!(
        serde_json::to_value(&report.warnings[0]).unwrap(),
        json!({
            "kind": "log_cleared", "file": "zerologon-log-cleared.evtx", "computer": "dc1.test.local",
            "time": "2022-02-23T10:10:03.6023659Z", "record_id": 12551, "user": "Administrator", "domain": "TEST",
            "count": null, "offset": null,
            "message": "The audit log of dc1.test.local was cleared at 2022-02-23T10:10:03.6023659Z by TEST\\Administrator: events before it are missing."
        })
    );
    let anonymous = report_of(&["anonymous-network-logon.evtx"]);
    assert_eq!(anonymous.warnings[0].user.as_deref(), Some("bob"));
    assert_eq!(anonymous.warnings[0].record_id, Some(25048));
}

#[test]
fn chosen_failures_field_by_field() {
    let report = report_of(&["interactive-logon-and-failure.evtx"]);
    assert_eq!(
        serde_json::to_value(&report.failures[0]).unwrap(),
        json!({
            "computer": "MSEDGEWIN10", "time": "2020-09-09T13:18:23.6279525Z", "user": "IEUser", "domain": "MSEDGEWIN10",
            "user_sid": "S-1-0-0", "logon_type": 2, "logon_type_name": "Interactive", "status": "0xc000006d",
            "sub_status": "0xc000006a", "reason": "User logon with misspelled or bad password",
            "failure_reason": "Unknown user name or bad password.", "source_ip": null, "source_port": null,
            "workstation": "MSEDGEWIN10",
            "process_name": "C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe",
            "logon_process": "Chrome", "auth_package": "Negotiate", "record_id": 137222
        })
    );
    let guessing = report_of(&["smb-password-guessing.evtx"]);
    let first = &guessing.failures[0];
    assert_eq!(first.user.as_deref(), Some("JcDfcZTc"));
    assert_eq!(first.sub_status.as_deref(), Some("0xc0000064"));
    assert_eq!(
        first.reason.as_deref(),
        Some("User logon with misspelled or bad user account")
    );
    assert_eq!(first.source_ip.as_deref(), Some("192.168.198.149"));
    assert!(
        guessing
            .failures
            .iter()
            .all(|f| f.computer == "DESKTOP-M5SN04R" && f.logon_type == Some(3))
    );
    let disabled = &report_of(&["security-with-failures.evtx"]).failures[0];
    assert_eq!(disabled.user.as_deref(), Some("Guest"));
    assert_eq!(
        disabled.reason.as_deref(),
        Some("User logon to account disabled by administrator")
    );
    assert_eq!(
        disabled.failure_reason.as_deref(),
        Some("Account currently disabled.")
    );
    let ssh = report_of(&["ssh-bruteforce-valid-users.evtx"]);
    assert!(
        ssh.failures
            .iter()
            .all(|f| f.logon_type_name.as_deref() == Some("NetworkCleartext")
                && f.user.as_deref() == Some("admmig@offsec.lan")
                && f.domain.is_none())
    );
    // Its two 4648s name SYSTEM's logon session, which is not open: attached to nothing.
    assert!(
        ssh.sessions
            .iter()
            .all(|s| s.explicit_credentials.is_empty())
    );
}

#[test]
fn rdp_events_without_a_session_attach_to_nothing() {
    let report = report_of(&["rdp-hijack-4778-4779.evtx"]);
    assert!(report.sessions.is_empty());
}

#[test]
fn all_good_samples_together_are_the_union_and_copies_count_once() {
    let good = [
        "security-workstation.evtx",
        "security-with-failures.evtx",
        "system-no-logons.evtx",
        "security-short.evtx",
        "rdp-tunneling-4624.evtx",
        "multi-computer-sharphound.evtx",
        "rdp-hijack-4778-4779.evtx",
        "ssh-bruteforce-valid-users.evtx",
        "smb-password-guessing.evtx",
        "runas-explicit-credentials.evtx",
        "anonymous-network-logon.evtx",
        "zerologon-log-cleared.evtx",
        "interactive-logon-and-failure.evtx",
    ];
    let together = report_of(&good);
    assert_eq!(together.sessions.len(), 367);
    assert_eq!(
        by_reason(&together),
        [
            (Logoff, 31),
            (UserLogoff, 37),
            (Startup, 39),
            (Shutdown, 193),
            (LogEnd, 67)
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(together.failures.len(), 3583);
    let mut separately: Vec<_> = good.iter().flat_map(|f| report_of(&[f]).sessions).collect();
    separately.sort_by(|a, b| {
        (&a.computer, a.start, &a.logon_id).cmp(&(&b.computer, b.start, &b.logon_id))
    });
    let mut joined = together.sessions.clone();
    joined.sort_by(|a, b| {
        (&a.computer, a.start, &a.logon_id).cmp(&(&b.computer, b.start, &b.logon_id))
    });
    assert_eq!(joined, separately);
    // Broken files and copies on top change nothing but `files`.
    let mut all: Vec<&str> = good.to_vec();
    all.extend([
        "corrupt-string-cache.evtx",
        "truncated-mid-chunk.evtx",
        "corrupt-chunk-magic.evtx",
        "not-an-evtx.evtx",
        "truncated-header.evtx",
    ]);
    let everything = report_of(&all);
    assert_eq!(everything.sessions, together.sessions);
    assert_eq!(everything.failures, together.failures);
    assert_eq!(everything.files.len(), 18);
}
