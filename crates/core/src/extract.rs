//! From a rendered record to a typed [`Event`], or nothing when the record does not matter.
//!
//! Records arrive as the JSON the `evtx` crate renders. Renderers and exporters disagree on
//! types (one sample stores every value, EventID included, as a string; logon ids appear as
//! `0x3E7`, `0x00000000000003e7` or decimal), so every value is read as text first and parsed
//! leniently. Only the provider named in `SESSIONS.md` counts for each event id: other
//! providers reuse the same numbers.

use serde_json::{Map, Value};

use crate::event::{
    Event, EventHeader, EventKind, ExplicitCredentialUse, FailedLogon, LogCleared, Logoff, Logon,
    RdpChange,
};
use crate::time::Timestamp;

/// The provider of the logon events.
pub const SECURITY_AUDITING: &str = "Microsoft-Windows-Security-Auditing";
/// The provider of 1100 and 1102.
pub const EVENTLOG: &str = "Microsoft-Windows-Eventlog";

/// Why a record that looked like one of ours could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractError {
    pub record_id: Option<u64>,
    pub message: String,
}

/// Where and when any record, of interest or not, was logged (for gap detection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordStamp {
    pub computer: String,
    pub channel: String,
    /// System/EventRecordID: the number the computer's own log gave the record, which a log
    /// collecting several computers keeps (the record header's number is the file's own).
    pub record_id: u64,
    pub time: Timestamp,
}

/// The stamp of a record; the record header's id and time stand in for a missing or
/// unreadable EventRecordID or TimeCreated. (Re-exported logs often carry a header time that
/// differs from TimeCreated, even 1601-01-01: TimeCreated is the one to trust.)
pub fn record_stamp(record: &Value, header_id: u64, header_time: Timestamp) -> RecordStamp {
    let system = record.pointer("/Event/System");
    let get = |name: &str| system.and_then(|s| field(s, name));
    RecordStamp {
        computer: get("Computer").unwrap_or_default(),
        channel: get("Channel").unwrap_or_default(),
        record_id: get("EventRecordID")
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(header_id),
        time: system
            .and_then(|s| s.pointer("/TimeCreated/#attributes/SystemTime"))
            .and_then(text)
            .and_then(|t| Timestamp::parse_iso(&t))
            .unwrap_or(header_time),
    }
}

/// Turns one rendered record into an event of interest.
///
/// `Ok(None)`: a record of no interest (another id or provider). `Err`: a record of one of our
/// ids and providers whose key fields are missing or unreadable.
pub fn extract(record: &Value, header_time: Timestamp) -> Result<Option<Event>, ExtractError> {
    let Some(system) = record.pointer("/Event/System") else {
        return Ok(None);
    };
    let Some(event_id) = field(system, "EventID").and_then(|t| t.trim().parse::<u16>().ok()) else {
        return Ok(None);
    };
    let provider = system
        .pointer("/Provider/#attributes/Name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let wanted = match event_id {
        4608 | 4609 | 4624 | 4625 | 4634 | 4647 | 4648 | 4672 | 4778 | 4779 | 4800 | 4801 => {
            provider.eq_ignore_ascii_case(SECURITY_AUDITING)
        }
        1100 | 1102 => provider.eq_ignore_ascii_case(EVENTLOG),
        _ => false,
    };
    if !wanted {
        return Ok(None);
    }
    let record_id = field(system, "EventRecordID").and_then(|t| t.trim().parse::<u64>().ok());
    let fail = |message: String| ExtractError { record_id, message };
    let Some(record_id) = record_id else {
        return Err(fail(format!("event {event_id} has no EventRecordID")));
    };
    let time = system
        .pointer("/TimeCreated/#attributes/SystemTime")
        .and_then(text)
        .map(|t| {
            Timestamp::parse_iso(&t)
                .ok_or_else(|| fail(format!("event {event_id}: unreadable TimeCreated {t:?}")))
        })
        .transpose()?
        .unwrap_or(header_time);
    let header = EventHeader {
        computer: field(system, "Computer").unwrap_or_default(),
        channel: field(system, "Channel").unwrap_or_default(),
        record_id,
        time,
        event_id,
    };
    let data = Data::of(record);
    let logon_id = |name: &str| {
        data.get(name)
            .and_then(|t| parse_logon_id(&t))
            .ok_or_else(|| fail(format!("event {event_id}: missing or unreadable {name}")))
    };
    let kind = match event_id {
        4624 => EventKind::Logon(Logon {
            logon_id: logon_id("TargetLogonId")?,
            linked_logon_id: data
                .get("TargetLinkedLogonId")
                .and_then(|t| parse_logon_id(&t))
                .filter(|id| *id != 0),
            user_sid: data.value("TargetUserSid"),
            user: data.value("TargetUserName"),
            domain: data.value("TargetDomainName"),
            logon_type: data.number("LogonType"),
            source_ip: data.value("IpAddress"),
            source_port: data.number("IpPort"),
            workstation: data.value("WorkstationName"),
            logon_process: data.value("LogonProcessName"),
            auth_package: data.value("AuthenticationPackageName"),
            lm_package: data.value("LmPackageName"),
            process_name: data.value("ProcessName"),
            elevated: data.get("ElevatedToken").and_then(|t| match t.trim() {
                "%%1842" => Some(true),
                "%%1843" => Some(false),
                _ => None,
            }),
            impersonation_level: data.value("ImpersonationLevel"),
        }),
        4634 | 4647 => {
            let logoff = Logoff {
                logon_id: logon_id("TargetLogonId")?,
                user_sid: data.value("TargetUserSid"),
                user: data.value("TargetUserName"),
                domain: data.value("TargetDomainName"),
                logon_type: data.number("LogonType"),
            };
            if event_id == 4634 {
                EventKind::Logoff(logoff)
            } else {
                EventKind::UserLogoff(logoff)
            }
        }
        4625 => EventKind::Failure(FailedLogon {
            user_sid: data.value("TargetUserSid"),
            user: data.value("TargetUserName"),
            domain: data.value("TargetDomainName"),
            logon_type: data.number("LogonType"),
            status: data.get("Status").and_then(|t| parse_status(&t)),
            sub_status: data.get("SubStatus").and_then(|t| parse_status(&t)),
            failure_reason: data.value("FailureReason"),
            source_ip: data.value("IpAddress"),
            source_port: data.number("IpPort"),
            workstation: data.value("WorkstationName"),
            process_name: data.value("ProcessName"),
            logon_process: data.value("LogonProcessName"),
            auth_package: data.value("AuthenticationPackageName"),
        }),
        4648 => EventKind::ExplicitCredentials(ExplicitCredentialUse {
            subject_logon_id: logon_id("SubjectLogonId")?,
            target_user: data.value("TargetUserName"),
            target_domain: data.value("TargetDomainName"),
            target_server: data.value("TargetServerName"),
            target_info: data.value("TargetInfo"),
            process_name: data.value("ProcessName"),
            source_ip: data.value("IpAddress"),
        }),
        4672 => EventKind::SpecialPrivileges {
            logon_id: logon_id("SubjectLogonId")?,
        },
        4778 | 4779 => {
            let change = RdpChange {
                logon_id: logon_id("LogonID")?,
                session_name: data.value("SessionName"),
                client_name: data.value("ClientName"),
                client_address: data.value("ClientAddress"),
            };
            if event_id == 4778 {
                EventKind::RdpReconnect(change)
            } else {
                EventKind::RdpDisconnect(change)
            }
        }
        4800 => EventKind::Locked {
            logon_id: logon_id("TargetLogonId")?,
        },
        4801 => EventKind::Unlocked {
            logon_id: logon_id("TargetLogonId")?,
        },
        4608 => EventKind::Startup,
        4609 => EventKind::Shutdown,
        1100 => EventKind::LogServiceShutdown,
        1102 => EventKind::LogCleared(LogCleared {
            user: data.value("SubjectUserName"),
            domain: data.value("SubjectDomainName"),
        }),
        _ => return Ok(None),
    };
    Ok(Some(Event { header, kind }))
}

/// The named values of a record: EventData's `Data` elements, or the one element under
/// UserData (1102 keeps its fields in `UserData/LogFileCleared`).
struct Data<'a>(Option<&'a Map<String, Value>>);

impl<'a> Data<'a> {
    fn of(record: &'a Value) -> Data<'a> {
        let event = record.get("Event");
        let event_data = event
            .and_then(|e| e.get("EventData"))
            .and_then(Value::as_object);
        let user_data = || {
            event
                .and_then(|e| e.get("UserData"))
                .and_then(Value::as_object)
                .and_then(|m| m.values().find_map(Value::as_object))
        };
        Data(event_data.or_else(user_data))
    }

    /// The raw text of a value.
    fn get(&self, name: &str) -> Option<String> {
        self.0.and_then(|m| m.get(name)).and_then(text)
    }

    /// A string field: `-` and empty are absent (see the README).
    fn value(&self, name: &str) -> Option<String> {
        self.get(name).filter(|t| !is_empty_marker(t))
    }

    /// A decimal number field.
    fn number(&self, name: &str) -> Option<u32> {
        self.get(name).and_then(|t| t.trim().parse().ok())
    }
}

/// Windows writes `-` for "no value".
pub fn is_empty_marker(text: &str) -> bool {
    text.is_empty() || text == "-"
}

/// The text of a JSON value: strings as they are, numbers and booleans printed, an element
/// with attributes by its `#text`.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(map) => map.get("#text").and_then(text),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(text).collect();
            (!parts.is_empty()).then(|| parts.join(""))
        }
        Value::Null => None,
    }
}

fn field(system: &Value, name: &str) -> Option<String> {
    system.get(name).and_then(text)
}

/// A logon id as written by any renderer: `0x3E7`, `0x00000000000003e7`, or decimal.
pub fn parse_logon_id(text: &str) -> Option<u64> {
    let text = text.trim();
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() => u64::from_str_radix(hex, 16).ok(),
        Some(_) => None,
        None => text.parse().ok(),
    }
}

/// An NTSTATUS as hex (`0xC000006D`) or decimal (signed or not).
pub fn parse_status(text: &str) -> Option<u32> {
    let text = text.trim();
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => text
            .parse::<u32>()
            .ok()
            .or_else(|| text.parse::<i32>().ok().map(|n| n as u32)),
    }
}

/// A logon id as the report writes it: lowercase hex with `0x`.
pub fn format_logon_id(id: u64) -> String {
    format!("{id:#x}")
}

/// A status as the report writes it: lowercase 8-digit hex with `0x`.
pub fn format_status(status: u32) -> String {
    format!("{status:#010x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(provider: &str, event_id: Value, data: Value) -> Value {
        json!({"Event": {
            "System": {
                "Provider": {"#attributes": {"Name": provider}},
                "EventID": event_id,
                "TimeCreated": {"#attributes": {"SystemTime": "2021-05-03T08:58:25.921033600Z"}},
                "EventRecordID": "42",
                "Channel": "Security",
                "Computer": "PC01"
            },
            "EventData": data
        }})
    }

    #[test]
    fn logon_ids_in_every_spelling() {
        assert_eq!(parse_logon_id("0x3E7"), Some(999));
        assert_eq!(parse_logon_id("0x00000000000003e7"), Some(999));
        assert_eq!(parse_logon_id("999"), Some(999));
        assert_eq!(parse_logon_id("0x"), None);
        assert_eq!(parse_logon_id("-"), None);
        assert_eq!(format_logon_id(999), "0x3e7");
        assert_eq!(parse_status("0xC000006D"), Some(0xc000006d));
        assert_eq!(parse_status("-1073741715"), Some(0xc000006d));
        assert_eq!(format_status(0), "0x00000000");
    }

    #[test]
    fn values_stored_as_strings_and_qualifiers() {
        let logon = record(
            SECURITY_AUDITING,
            json!({"#attributes": {"Qualifiers": 0}, "#text": "4624"}),
            json!({"TargetLogonId": "0x88F313A8", "LogonType": "3", "IpAddress": "10.0.0.1",
                   "IpPort": "62173", "WorkstationName": "-", "ElevatedToken": "%%1842",
                   "TargetLinkedLogonId": "0x0", "TargetUserName": "admmig"}),
        );
        let event = extract(&logon, Timestamp(0)).unwrap().unwrap();
        assert_eq!(event.header.record_id, 42);
        assert_eq!(
            event.header.time.to_string(),
            "2021-05-03T08:58:25.9210336Z"
        );
        let EventKind::Logon(l) = event.kind else {
            panic!("not a logon")
        };
        assert_eq!(l.logon_id, 0x88f313a8);
        assert_eq!(l.logon_type, Some(3));
        assert_eq!(l.source_port, Some(62173));
        assert_eq!(l.workstation, None);
        assert_eq!(l.linked_logon_id, None);
        assert_eq!(l.elevated, Some(true));
        assert_eq!(l.user.as_deref(), Some("admmig"));
    }

    #[test]
    fn other_providers_do_not_count() {
        let app = record("Some-Application", json!(4625), json!({}));
        assert_eq!(extract(&app, Timestamp(0)), Ok(None));
        let cleared_by_auditing = record(SECURITY_AUDITING, json!(1102), json!({}));
        assert_eq!(extract(&cleared_by_auditing, Timestamp(0)), Ok(None));
    }

    #[test]
    fn missing_logon_id_is_an_error() {
        let broken = record(
            SECURITY_AUDITING,
            json!(4634),
            json!({"TargetUserName": "x"}),
        );
        let err = extract(&broken, Timestamp(0)).unwrap_err();
        assert_eq!(err.record_id, Some(42));
        assert!(err.message.contains("TargetLogonId"), "{}", err.message);
    }

    #[test]
    fn log_cleared_reads_user_data() {
        let mut cleared = record(EVENTLOG, json!(1102), Value::Null);
        cleared["Event"]
            .as_object_mut()
            .unwrap()
            .insert(
                "UserData".into(),
                json!({"LogFileCleared": {"SubjectUserName": "Administrator", "SubjectDomainName": "TEST"}}),
            );
        let event = extract(&cleared, Timestamp(0)).unwrap().unwrap();
        assert_eq!(
            event.kind,
            EventKind::LogCleared(LogCleared {
                user: Some("Administrator".into()),
                domain: Some("TEST".into())
            })
        );
    }
}
