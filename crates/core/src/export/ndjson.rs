//! NDJSON in the Elastic Common Schema (ECS): one line per session, then one per failure, for
//! ingest into Elasticsearch or Splunk when an investigation outgrows one machine.
//!
//! Each line is one JSON object with *nested* objects (`{"event":{"code":"4624"}}`), which is
//! how Elasticsearch stores ECS documents and what winlogbeat ships; Splunk flattens them to
//! the same dotted names (`event.code`). `@timestamp` is at the top level. Where winlogbeat's
//! Security module has a convention it is followed: `event.action` `logged-in` /
//! `logon-failed`, `winlog.logon.type` as the logon type's name with the number kept as a
//! string in `winlog.event_data.LogonType`, the workstation name in `source.domain`,
//! `winlog.event_id` and `winlog.record_id` as strings (keywords). What only logonscope knows
//! (how a session ended, whether it was an administrator's, the events attached to it) is
//! under `logonscope`.
//!
//! Keys come in a fixed order because every line is a serde struct, not a map. Absent values
//! are omitted, never `null`. `source.ip` and `related.ip` only hold values that are IP
//! addresses (an ECS `ip` field rejects the whole document otherwise): the logged text is
//! always kept in `winlog.event_data.IpAddress`.

use std::io::{self, Write};
use std::net::IpAddr;

use serde::Serialize;

use crate::catalog;
use crate::decode::status_text;
use crate::extract::parse_status;
use crate::report::{Failure, Report, Session};
use crate::text::Text;
use crate::time::Timestamp;

/// The ECS version the field names follow.
pub const ECS_VERSION: &str = "8.11.0";
const PROVIDER: &str = "Microsoft-Windows-Security-Auditing";
const CHANNEL: &str = "Security";

/// Writes `report` as NDJSON: one line (ending in `\n`) per session, in report order, then one
/// per failure. Wrap a file in a `BufWriter`: every line is written with several small writes.
pub fn write_ndjson(report: &Report, mut out: impl Write) -> io::Result<()> {
    for session in &report.sessions {
        serde_json::to_writer(&mut out, &session_line(session))?;
        out.write_all(b"\n")?;
    }
    for failure in &report.failures {
        serde_json::to_writer(&mut out, &failure_line(failure))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[derive(Serialize)]
struct Line<'a> {
    #[serde(rename = "@timestamp", skip_serializing_if = "Option::is_none")]
    timestamp: Option<Timestamp>,
    ecs: Ecs,
    message: &'static str,
    event: Event<'a>,
    #[serde(skip_serializing_if = "User::is_empty")]
    user: User<'a>,
    #[serde(skip_serializing_if = "Source::is_empty")]
    source: Source<'a>,
    host: Host<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    process: Option<Process<'a>>,
    #[serde(skip_serializing_if = "Related::is_empty")]
    related: Related<'a>,
    winlog: Winlog<'a>,
    logonscope: Logonscope<'a>,
}

#[derive(Serialize)]
struct Ecs {
    version: &'static str,
}

#[derive(Serialize)]
struct Event<'a> {
    kind: &'static str,
    category: &'static [&'static str],
    #[serde(rename = "type")]
    types: &'static [&'static str],
    action: &'static str,
    code: &'static str,
    outcome: &'static str,
    provider: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<Timestamp>,
    /// Nanoseconds, as ECS says.
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<i64>,
}

#[derive(Serialize)]
struct User<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<&'a str>,
}

impl User<'_> {
    fn is_empty(&self) -> bool {
        self.id.is_none() && self.name.is_none() && self.domain.is_none()
    }
}

#[derive(Serialize)]
struct Source<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    ip: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u32>,
    /// The WorkstationName, where winlogbeat puts it.
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<&'a str>,
}

impl Source<'_> {
    fn is_empty(&self) -> bool {
        self.ip.is_none() && self.port.is_none() && self.domain.is_none()
    }
}

#[derive(Serialize)]
struct Host<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct Process<'a> {
    executable: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct Related<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    user: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ip: Vec<&'a str>,
}

impl Related<'_> {
    fn is_empty(&self) -> bool {
        self.user.is_empty() && self.ip.is_empty()
    }
}

#[derive(Serialize)]
struct Winlog<'a> {
    channel: &'static str,
    computer_name: &'a str,
    provider_name: &'static str,
    event_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    record_id: Option<String>,
    logon: Logon<'a>,
    #[serde(skip_serializing_if = "EventData::is_empty")]
    event_data: EventData<'a>,
}

#[derive(Serialize)]
struct Logon<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    /// The logon type's name (`RemoteInteractive`), as winlogbeat writes it.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    logon_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<LogonFailure<'a>>,
}

/// `winlog.logon.failure` as winlogbeat fills it: the three codes of a 4625 in words.
#[derive(Serialize)]
struct LogonFailure<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_status: Option<&'static str>,
}

/// The event's own field names, for what ECS has no field for.
#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
struct EventData<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    logon_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ip_address: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_linked_logon_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logon_process_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authentication_package_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lm_package_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_status: Option<&'a str>,
}

impl EventData<'_> {
    fn is_empty(&self) -> bool {
        self.logon_type.is_none()
            && self.ip_address.is_none()
            && self.target_linked_logon_id.is_none()
            && self.logon_process_name.is_none()
            && self.authentication_package_name.is_none()
            && self.lm_package_name.is_none()
            && self.status.is_none()
            && self.sub_status.is_none()
    }
}

/// What only logonscope knows, with the names of the report (`SESSIONS.md`).
#[derive(Serialize, Default)]
struct Logonscope<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    end_reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    elevated: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    linked_logon_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logon_events: Option<u32>,
    /// How many 4648 (explicit credentials) events the session has.
    #[serde(skip_serializing_if = "Option::is_none")]
    explicit_credentials: Option<usize>,
    /// How many 4778/4779 (RDP reconnect/disconnect) events the session has.
    #[serde(skip_serializing_if = "Option::is_none")]
    rdp_events: Option<usize>,
    /// How many 4800/4801 (lock/unlock) events the session has.
    #[serde(skip_serializing_if = "Option::is_none")]
    lock_events: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_logoff_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    impersonation_level: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_seconds: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_status: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure_reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record_ids: Option<&'a [u64]>,
}

/// The text of an IP address, if it is one (ECS `ip` fields take nothing else).
fn ip(value: Option<&str>) -> Option<&str> {
    value.filter(|v| v.parse::<IpAddr>().is_ok())
}

/// The file name of a Windows (or any) path.
fn base_name(path: &str) -> &str {
    path.rsplit(['\\', '/']).next().unwrap_or(path)
}

fn process(executable: Option<&str>) -> Option<Process<'_>> {
    executable.map(|executable| Process {
        executable,
        name: base_name(executable),
    })
}

fn message(event_id: u16) -> &'static str {
    catalog::audit_event(event_id).map_or("", |e| e.description)
}

/// Nanoseconds from `start` to `end` (negative if the clock went back), saturating.
fn duration_nanos(start: Timestamp, end: Timestamp) -> i64 {
    let ticks = i128::from(end.0) - i128::from(start.0);
    i64::try_from(ticks * 100).unwrap_or(if ticks < 0 { i64::MIN } else { i64::MAX })
}

/// `@timestamp` of a session: its start; its end when the start precedes the log; failing
/// both (only in a hand-made report), the first other time it has.
fn session_time(s: &Session) -> Option<Timestamp> {
    s.start
        .or(s.end)
        .or(s.user_logoff_time)
        .or_else(|| s.rdp_events.first().map(|e| e.time))
        .or_else(|| s.lock_events.first().map(|e| e.time))
        .or_else(|| s.explicit_credentials.first().map(|e| e.time))
}

fn session_line(s: &Session) -> Line<'_> {
    let source_ip = ip(s.source_ip.as_deref());
    let types: &'static [&'static str] = match s.end {
        Some(_) => &["start", "end"],
        None => &["start"],
    };
    Line {
        timestamp: session_time(s),
        ecs: Ecs {
            version: ECS_VERSION,
        },
        message: message(4624),
        event: Event {
            kind: "event",
            category: &["authentication", "session"],
            types,
            action: "logged-in",
            code: "4624",
            outcome: "success",
            provider: PROVIDER,
            reason: None,
            start: s.start,
            end: s.end,
            duration: s.start.zip(s.end).map(|(a, b)| duration_nanos(a, b)),
        },
        user: User {
            id: s.user_sid.as_deref(),
            name: s.user.as_deref(),
            domain: s.domain.as_deref(),
        },
        source: Source {
            ip: source_ip,
            port: s.source_port,
            domain: s.workstation.as_deref(),
        },
        host: Host { name: &s.computer },
        process: process(s.process_name.as_deref()),
        related: Related {
            user: s.user.as_deref().into_iter().collect(),
            ip: source_ip.into_iter().collect(),
        },
        winlog: Winlog {
            channel: CHANNEL,
            computer_name: &s.computer,
            provider_name: PROVIDER,
            event_id: "4624",
            // The 4624's record; a session that started before the log has none.
            record_id: s.start.and(s.record_ids.first()).map(|id| id.to_string()),
            logon: Logon {
                id: Some(&s.logon_id),
                logon_type: s.logon_type_name.as_deref(),
                failure: None,
            },
            event_data: EventData {
                logon_type: s.logon_type.map(|n| n.to_string()),
                ip_address: s.source_ip.as_deref(),
                target_linked_logon_id: s.linked_logon_id.as_deref(),
                logon_process_name: s.logon_process.as_deref(),
                authentication_package_name: s.auth_package.as_deref(),
                lm_package_name: s.lm_package.as_deref(),
                ..EventData::default()
            },
        },
        logonscope: Logonscope {
            end_reason: Some(s.end_reason.as_str()),
            admin: Some(s.admin),
            elevated: s.elevated,
            linked_logon_id: s.linked_logon_id.as_deref(),
            logon_events: Some(s.logon_events),
            explicit_credentials: Some(s.explicit_credentials.len()),
            rdp_events: Some(s.rdp_events.len()),
            lock_events: Some(s.lock_events.len()),
            user_logoff_time: s.user_logoff_time,
            impersonation_level: s.impersonation_level.as_deref(),
            duration_seconds: s.duration_seconds,
            record_ids: Some(&s.record_ids),
            ..Logonscope::default()
        },
    }
}

fn failure_line(f: &Failure) -> Line<'_> {
    let source_ip = ip(f.source_ip.as_deref());
    let words = |code: &Option<Text>| code.as_deref().and_then(parse_status).and_then(status_text);
    Line {
        timestamp: Some(f.time),
        ecs: Ecs {
            version: ECS_VERSION,
        },
        message: message(4625),
        event: Event {
            kind: "event",
            category: &["authentication"],
            types: &["start"],
            action: "logon-failed",
            code: "4625",
            outcome: "failure",
            provider: PROVIDER,
            reason: f.reason.as_deref(),
            start: None,
            end: None,
            duration: None,
        },
        user: User {
            id: f.user_sid.as_deref(),
            name: f.user.as_deref(),
            domain: f.domain.as_deref(),
        },
        source: Source {
            ip: source_ip,
            port: f.source_port,
            domain: f.workstation.as_deref(),
        },
        host: Host { name: &f.computer },
        process: process(f.process_name.as_deref()),
        related: Related {
            user: f.user.as_deref().into_iter().collect(),
            ip: source_ip.into_iter().collect(),
        },
        winlog: Winlog {
            channel: CHANNEL,
            computer_name: &f.computer,
            provider_name: PROVIDER,
            event_id: "4625",
            record_id: Some(f.record_id.to_string()),
            logon: Logon {
                id: None,
                logon_type: f.logon_type_name.as_deref(),
                failure: Some(LogonFailure {
                    reason: f.failure_reason.as_deref(),
                    status: words(&f.status),
                    sub_status: words(&f.sub_status),
                }),
            },
            event_data: EventData {
                logon_type: f.logon_type.map(|n| n.to_string()),
                ip_address: f.source_ip.as_deref(),
                logon_process_name: f.logon_process.as_deref(),
                authentication_package_name: f.auth_package.as_deref(),
                status: f.status.as_deref(),
                sub_status: f.sub_status.as_deref(),
                ..EventData::default()
            },
        },
        logonscope: Logonscope {
            status: f.status.as_deref(),
            sub_status: f.sub_status.as_deref(),
            failure_reason: f.failure_reason.as_deref(),
            ..Logonscope::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{EndReason, ExplicitCredential};
    use serde_json::Value;

    fn time(text: &str) -> Timestamp {
        Timestamp::parse_iso(text).unwrap()
    }

    fn sample() -> Report {
        let mut rdp = Session::new("WS01.corp.local", "0x5a3f1");
        rdp.user_sid = Some("S-1-5-21-1-2-3-1104".into());
        rdp.user = Some("alice".into());
        rdp.domain = Some("CORP".into());
        rdp.logon_type = Some(10);
        rdp.logon_type_name = Some("RemoteInteractive".into());
        rdp.start = Some(time("2024-03-04T08:00:00.1234567Z"));
        rdp.end = Some(time("2024-03-04T09:30:00.1234568Z"));
        rdp.end_reason = EndReason::Logoff;
        rdp.duration_seconds = Some(5400.0000001);
        rdp.logon_events = 1;
        rdp.source_ip = Some("10.1.2.3".into());
        rdp.source_port = Some(50123);
        rdp.workstation = Some("LAPTOP7".into());
        rdp.logon_process = Some("User32 ".into());
        rdp.auth_package = Some("Negotiate".into());
        rdp.process_name = Some("C:\\Windows\\System32\\svchost.exe".into());
        rdp.elevated = Some(true);
        rdp.admin = true;
        rdp.linked_logon_id = Some("0x5a3f2".into());
        rdp.record_ids = vec![17, 18, 40];
        rdp.explicit_credentials.push(ExplicitCredential {
            time: time("2024-03-04T08:10:00Z"),
            record_id: 18,
            target_user: None,
            target_domain: None,
            target_server: None,
            target_info: None,
            process_name: None,
            source_ip: None,
        });
        let mut orphan = Session::new("WS01.corp.local", "0x99");
        orphan.end = Some(time("2024-03-04T07:00:00Z"));
        orphan.end_reason = EndReason::Logoff;
        orphan.source_ip = Some("<img src=x onerror=alert(1)>".into());
        orphan.record_ids = vec![3];
        let failure = Failure {
            computer: "WS01.corp.local".into(),
            time: time("2024-03-04T08:05:00Z"),
            user: Some("\"quoted\u{1b}[31m\n\u{202E}".into()),
            domain: Some("=HYPERLINK(\"http://x\")".into()),
            user_sid: Some("S-1-0-0".into()),
            logon_type: Some(3),
            logon_type_name: Some("Network".into()),
            status: Some("0xc000006d".into()),
            sub_status: Some("0xc000006a".into()),
            reason: Some("User logon with misspelled or bad password".into()),
            failure_reason: Some("Unknown user name or bad password.".into()),
            source_ip: Some("fe80::1".into()),
            source_port: Some(0),
            workstation: None,
            process_name: None,
            logon_process: Some("NtLmSsp ".into()),
            auth_package: Some("NTLM".into()),
            record_id: 21,
        };
        Report {
            sessions: vec![orphan, rdp],
            failures: vec![failure],
            ..Report::default()
        }
    }

    fn lines(report: &Report) -> (String, Vec<Value>) {
        let mut out = Vec::new();
        write_ndjson(report, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let parsed = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("every line is JSON"))
            .collect();
        (text, parsed)
    }

    #[test]
    fn one_line_per_session_then_per_failure() {
        let report = sample();
        let (text, lines) = lines(&report);
        assert!(text.ends_with('\n'));
        assert_eq!(text.matches('\n').count(), 3);
        assert_eq!(lines.len(), report.sessions.len() + report.failures.len());
        let codes: Vec<&str> = lines
            .iter()
            .map(|l| l["event"]["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["4624", "4624", "4625"]);
        assert_eq!(lines_of(&Report::default()), 0);
    }

    fn lines_of(report: &Report) -> usize {
        lines(report).1.len()
    }

    #[test]
    fn session_fields_follow_ecs_and_winlogbeat() {
        let (_, lines) = lines(&sample());
        let s = &lines[1];
        assert_eq!(s["@timestamp"], "2024-03-04T08:00:00.1234567Z");
        assert_eq!(s["ecs"]["version"], ECS_VERSION);
        assert_eq!(s["event"]["action"], "logged-in");
        assert_eq!(s["event"]["kind"], "event");
        assert_eq!(
            s["event"]["category"],
            serde_json::json!(["authentication", "session"])
        );
        assert_eq!(s["event"]["outcome"], "success");
        assert_eq!(s["event"]["provider"], PROVIDER);
        assert_eq!(s["event"]["start"], "2024-03-04T08:00:00.1234567Z");
        assert_eq!(s["event"]["end"], "2024-03-04T09:30:00.1234568Z");
        assert_eq!(s["event"]["duration"], 5_400_000_000_100_i64);
        assert_eq!(s["user"]["name"], "alice");
        assert_eq!(s["user"]["domain"], "CORP");
        assert_eq!(s["user"]["id"], "S-1-5-21-1-2-3-1104");
        assert_eq!(s["source"]["ip"], "10.1.2.3");
        assert_eq!(s["source"]["port"], 50123);
        assert_eq!(s["source"]["domain"], "LAPTOP7");
        assert_eq!(s["host"]["name"], "WS01.corp.local");
        assert_eq!(s["winlog"]["computer_name"], "WS01.corp.local");
        assert_eq!(s["winlog"]["channel"], "Security");
        assert_eq!(s["winlog"]["event_id"], "4624");
        assert_eq!(s["winlog"]["record_id"], "17");
        assert_eq!(s["winlog"]["logon"]["id"], "0x5a3f1");
        assert_eq!(s["winlog"]["logon"]["type"], "RemoteInteractive");
        assert_eq!(s["winlog"]["event_data"]["LogonType"], "10");
        assert_eq!(s["winlog"]["event_data"]["TargetLinkedLogonId"], "0x5a3f2");
        assert_eq!(
            s["process"]["executable"],
            "C:\\Windows\\System32\\svchost.exe"
        );
        assert_eq!(s["process"]["name"], "svchost.exe");
        assert_eq!(s["related"]["user"], serde_json::json!(["alice"]));
        assert_eq!(s["related"]["ip"], serde_json::json!(["10.1.2.3"]));
        let own = &s["logonscope"];
        assert_eq!(own["end_reason"], "logoff");
        assert_eq!(own["admin"], true);
        assert_eq!(own["elevated"], true);
        assert_eq!(own["linked_logon_id"], "0x5a3f2");
        assert_eq!(own["explicit_credentials"], 1);
        assert_eq!(own["rdp_events"], 0);
        assert_eq!(own["record_ids"], serde_json::json!([17, 18, 40]));
        // Top-level keys in a fixed order.
        let keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "@timestamp",
                "ecs",
                "message",
                "event",
                "user",
                "source",
                "host",
                "process",
                "related",
                "winlog",
                "logonscope"
            ]
        );
    }

    #[test]
    fn an_orphan_is_stamped_at_its_end_and_absent_values_are_omitted() {
        let (text, lines) = lines(&sample());
        assert!(!text.contains("null"), "{text}");
        let orphan = &lines[0];
        assert_eq!(orphan["@timestamp"], "2024-03-04T07:00:00.0000000Z");
        assert!(orphan["event"].get("start").is_none());
        assert!(orphan["event"].get("duration").is_none());
        assert!(orphan.get("user").is_none());
        assert!(orphan.get("process").is_none());
        assert!(
            orphan["winlog"].get("record_id").is_none(),
            "no 4624 in the log"
        );
        // Not an IP address: kept as logged, but not where Elasticsearch expects an IP.
        assert!(orphan["source"].get("ip").is_none());
        assert!(orphan.get("related").is_none());
        assert_eq!(
            orphan["winlog"]["event_data"]["IpAddress"],
            "<img src=x onerror=alert(1)>"
        );
    }

    #[test]
    fn failure_fields() {
        let (_, lines) = lines(&sample());
        let f = &lines[2];
        assert_eq!(f["@timestamp"], "2024-03-04T08:05:00.0000000Z");
        assert_eq!(f["event"]["code"], "4625");
        assert_eq!(f["event"]["action"], "logon-failed");
        assert_eq!(f["event"]["outcome"], "failure");
        assert_eq!(
            f["event"]["category"],
            serde_json::json!(["authentication"])
        );
        assert_eq!(
            f["event"]["reason"],
            "User logon with misspelled or bad password"
        );
        assert_eq!(f["source"]["ip"], "fe80::1");
        assert_eq!(f["source"]["port"], 0);
        assert_eq!(f["winlog"]["record_id"], "21");
        assert_eq!(f["winlog"]["logon"]["type"], "Network");
        assert_eq!(
            f["winlog"]["logon"]["failure"]["reason"],
            "Unknown user name or bad password."
        );
        assert_eq!(
            f["winlog"]["logon"]["failure"]["sub_status"],
            "User logon with misspelled or bad password"
        );
        assert_eq!(f["winlog"]["event_data"]["LogonType"], "3");
        assert_eq!(f["logonscope"]["status"], "0xc000006d");
        assert_eq!(f["logonscope"]["sub_status"], "0xc000006a");
        assert!(f["logonscope"].get("end_reason").is_none());
    }

    #[test]
    fn hostile_strings_survive_json_escaping() {
        let report = sample();
        let (text, lines) = lines(&report);
        assert_eq!(text.lines().count(), 3, "no value splits a line");
        assert!(!text.contains('\u{1b}'), "control characters are escaped");
        let f = &lines[2];
        assert_eq!(
            f["user"]["name"].as_str(),
            report.failures[0].user.as_deref()
        );
        assert_eq!(
            f["user"]["domain"].as_str(),
            report.failures[0].domain.as_deref()
        );
        assert_eq!(
            lines[0]["winlog"]["event_data"]["IpAddress"].as_str(),
            report.sessions[0].source_ip.as_deref()
        );
    }

    #[test]
    fn durations_in_nanoseconds() {
        let a = time("2024-01-01T00:00:00Z");
        let b = time("2024-01-01T00:00:01.5Z");
        assert_eq!(duration_nanos(a, b), 1_500_000_000);
        assert_eq!(duration_nanos(b, a), -1_500_000_000);
        assert_eq!(duration_nanos(Timestamp(0), Timestamp(u64::MAX)), i64::MAX);
        assert_eq!(base_name("C:\\Windows\\x.exe"), "x.exe");
        assert_eq!(base_name("plain"), "plain");
    }
}
