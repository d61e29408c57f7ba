//! From a record's values to a typed [`Event`], or nothing when the record does not matter.
//!
//! A record's values are read through [`RecordValues`]: from the JSON the `evtx` crate renders
//! ([`JsonRecord`], the plain way), or straight from its template substitutions (the fast way,
//! `crate::template`). Both give every value as text, so that what is made of it here is the
//! same whichever way it was read. Renderers and exporters disagree on types (one sample stores
//! every value, EventID included, as a string; logon ids appear as `0x3E7`,
//! `0x00000000000003e7` or decimal), so every value is parsed leniently. Only the provider
//! named in `SESSIONS.md` counts for each event id: other providers reuse the same numbers.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::event::{
    Event, EventHeader, EventKind, ExplicitCredentialUse, FailedLogon, LogCleared, Logoff, Logon,
    RdpChange,
};
use crate::text::{Interner, Text};
use crate::time::Timestamp;

/// The values of `<System>` that a record is read by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemField {
    EventId,
    /// The `Name` attribute of `<Provider>`.
    Provider,
    EventRecordId,
    /// The `SystemTime` attribute of `<TimeCreated>`.
    TimeCreated,
    Computer,
    Channel,
}

impl SystemField {
    pub const ALL: [SystemField; 6] = [
        SystemField::EventId,
        SystemField::Provider,
        SystemField::EventRecordId,
        SystemField::TimeCreated,
        SystemField::Computer,
        SystemField::Channel,
    ];

    /// The element under `<System>` that holds the value.
    pub fn element(self) -> &'static str {
        match self {
            SystemField::EventId => "EventID",
            SystemField::Provider => "Provider",
            SystemField::EventRecordId => "EventRecordID",
            SystemField::TimeCreated => "TimeCreated",
            SystemField::Computer => "Computer",
            SystemField::Channel => "Channel",
        }
    }

    /// The attribute of that element that holds the value (else its text does).
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            SystemField::Provider => Some("Name"),
            SystemField::TimeCreated => Some("SystemTime"),
            _ => None,
        }
    }
}

/// Declares [`DataField`]: the named event values that `SESSIONS.md` reads, with their names.
macro_rules! data_fields {
    ($($field:ident),* $(,)?) => {
        /// A named value of EventData (`<Data Name="...">`) or of the element under UserData.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum DataField { $($field),* }

        impl DataField {
            pub const ALL: &[DataField] = &[$(DataField::$field),*];

            /// The value's name, as Windows writes it.
            pub fn name(self) -> &'static str {
                match self { $(DataField::$field => stringify!($field)),* }
            }

            /// The field of this name.
            pub fn named(name: &str) -> Option<DataField> {
                match name { $(stringify!($field) => Some(DataField::$field),)* _ => None }
            }
        }
    };
}

data_fields!(
    TargetLogonId,
    TargetLinkedLogonId,
    TargetUserSid,
    TargetUserName,
    TargetDomainName,
    LogonType,
    IpAddress,
    IpPort,
    WorkstationName,
    LogonProcessName,
    AuthenticationPackageName,
    LmPackageName,
    ProcessName,
    ElevatedToken,
    ImpersonationLevel,
    Status,
    SubStatus,
    FailureReason,
    TargetServerName,
    TargetInfo,
    SubjectLogonId,
    LogonID,
    SessionName,
    ClientName,
    ClientAddress,
    SubjectUserName,
    SubjectDomainName,
);

/// The values of one record, as text. `None`: the record has no such value (or it is null).
///
/// The provided methods read the values every record is read by; a source that holds them
/// typed may answer them without making text, but must answer exactly as these do.
pub trait RecordValues {
    fn system(&self, field: SystemField) -> Option<Cow<'_, str>>;
    fn data(&self, field: DataField) -> Option<Cow<'_, str>>;

    /// A named value stored as an integer, when the source knows it is one (`None`: read
    /// its text instead).
    fn data_integer(&self, _field: DataField) -> Option<Integer> {
        None
    }

    /// System/EventID, if readable.
    fn event_id(&self) -> Option<u16> {
        self.system(SystemField::EventId)
            .and_then(|t| t.trim().parse().ok())
    }

    /// System/EventRecordID, if readable.
    fn record_id(&self) -> Option<u64> {
        self.system(SystemField::EventRecordId)
            .and_then(|t| t.trim().parse().ok())
    }

    /// System/TimeCreated: `None` when the record has none, `Some(None)` when unreadable.
    fn time_created(&self) -> Option<Option<Timestamp>> {
        self.system(SystemField::TimeCreated)
            .map(|t| Timestamp::parse_iso(&t))
    }

    /// Whether the provider is `name`, ignoring ASCII case (a missing one is empty).
    fn provider_is(&self, name: &'static str) -> bool {
        self.system(SystemField::Provider)
            .unwrap_or_default()
            .eq_ignore_ascii_case(name)
    }

    /// A System value as shared text, empty when missing.
    fn system_text(&self, field: SystemField, texts: &mut Interner) -> Text {
        texts.intern(&self.system(field).unwrap_or_default())
    }

    /// A named value as shared text; `-` and empty are absent (see the README).
    fn data_text(&self, field: DataField, texts: &mut Interner) -> Option<Text> {
        self.data(field)
            .filter(|text| !is_empty_marker(text))
            .map(|text| texts.intern(&text))
    }
}

/// An integer value as stored, which says how its text reads: decimal, or hex with `0x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Integer {
    Unsigned(u64),
    Signed(i64),
    Hex(u64),
}

/// A record rendered to JSON by the `evtx` crate.
pub struct JsonRecord<'a> {
    system: Option<&'a Value>,
    data: Option<&'a Map<String, Value>>,
}

impl<'a> JsonRecord<'a> {
    pub fn new(record: &'a Value) -> JsonRecord<'a> {
        let event = record.get("Event");
        let event_data = event
            .and_then(|e| e.get("EventData"))
            .and_then(Value::as_object);
        // 1102 keeps its fields in the one element under UserData (`LogFileCleared`).
        let user_data = || {
            event
                .and_then(|e| e.get("UserData"))
                .and_then(Value::as_object)
                .and_then(|m| m.values().find_map(Value::as_object))
        };
        JsonRecord {
            system: record.pointer("/Event/System"),
            data: event_data.or_else(user_data),
        }
    }
}

impl RecordValues for JsonRecord<'_> {
    fn system(&self, field: SystemField) -> Option<Cow<'_, str>> {
        let element = self.system?.get(field.element())?;
        match field {
            // A provider name that is not a string is no provider of ours.
            SystemField::Provider => element
                .pointer("/#attributes/Name")
                .and_then(Value::as_str)
                .map(Cow::Borrowed),
            SystemField::TimeCreated => element
                .pointer("/#attributes/SystemTime")
                .and_then(text)
                .map(Cow::Owned),
            _ => text(element).map(Cow::Owned),
        }
    }

    fn data(&self, field: DataField) -> Option<Cow<'_, str>> {
        self.data?.get(field.name()).and_then(text).map(Cow::Owned)
    }
}

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
pub fn record_stamp(
    record: &(impl RecordValues + ?Sized),
    header_id: u64,
    header_time: Timestamp,
) -> RecordStamp {
    RecordStamp {
        computer: system_string(record, SystemField::Computer),
        channel: system_string(record, SystemField::Channel),
        record_id: record.record_id().unwrap_or(header_id),
        time: record.time_created().flatten().unwrap_or(header_time),
    }
}

/// Turns one rendered record into an event of interest.
///
/// `Ok(None)`: a record of no interest (another id or provider). `Err`: a record of one of our
/// ids and providers whose key fields are missing or unreadable.
///
/// `origin` is the record's, as [`origin`] gives it (the caller needs it for every record).
pub fn extract(
    record: &(impl RecordValues + ?Sized),
    header_time: Timestamp,
    origin: &Origin,
    texts: &mut Interner,
) -> Result<Option<Event>, ExtractError> {
    let Some(event_id) = record.event_id() else {
        return Ok(None);
    };
    match wanted_provider(event_id) {
        Some(provider) if record.provider_is(provider) => {}
        _ => return Ok(None),
    }
    let record_id = record.record_id();
    let fail = |message: String| ExtractError { record_id, message };
    let Some(record_id) = record_id else {
        return Err(fail(format!("event {event_id} has no EventRecordID")));
    };
    let time = match record.time_created() {
        None => header_time,
        Some(Some(time)) => time,
        Some(None) => {
            let text = record.system(SystemField::TimeCreated).unwrap_or_default();
            return Err(fail(format!(
                "event {event_id}: unreadable TimeCreated {text:?}"
            )));
        }
    };
    let header = EventHeader {
        computer: origin.0.clone(),
        channel: origin.1.clone(),
        record_id,
        time,
        event_id,
    };
    let mut data = Data(record, texts);
    let logon_id = |field: DataField| {
        data.logon_id(field).ok_or_else(|| {
            fail(format!(
                "event {event_id}: missing or unreadable {}",
                field.name()
            ))
        })
    };
    let kind = match event_id {
        4624 => EventKind::Logon(Box::new(Logon {
            logon_id: logon_id(DataField::TargetLogonId)?,
            linked_logon_id: data
                .logon_id(DataField::TargetLinkedLogonId)
                .filter(|id| *id != 0),
            user_sid: data.value(DataField::TargetUserSid),
            user: data.value(DataField::TargetUserName),
            domain: data.value(DataField::TargetDomainName),
            logon_type: data.number(DataField::LogonType),
            source_ip: data.value(DataField::IpAddress),
            source_port: data.number(DataField::IpPort),
            workstation: data.value(DataField::WorkstationName),
            logon_process: data.value(DataField::LogonProcessName),
            auth_package: data.value(DataField::AuthenticationPackageName),
            lm_package: data.value(DataField::LmPackageName),
            process_name: data.value(DataField::ProcessName),
            elevated: data
                .get(DataField::ElevatedToken)
                .and_then(|t| match t.trim() {
                    "%%1842" => Some(true),
                    "%%1843" => Some(false),
                    _ => None,
                }),
            impersonation_level: data.value(DataField::ImpersonationLevel),
        })),
        4634 | 4647 => {
            let logoff = Logoff {
                logon_id: logon_id(DataField::TargetLogonId)?,
                user_sid: data.value(DataField::TargetUserSid),
                user: data.value(DataField::TargetUserName),
                domain: data.value(DataField::TargetDomainName),
                logon_type: data.number(DataField::LogonType),
            };
            if event_id == 4634 {
                EventKind::Logoff(logoff)
            } else {
                EventKind::UserLogoff(logoff)
            }
        }
        4625 => EventKind::Failure(Box::new(FailedLogon {
            user_sid: data.value(DataField::TargetUserSid),
            user: data.value(DataField::TargetUserName),
            domain: data.value(DataField::TargetDomainName),
            logon_type: data.number(DataField::LogonType),
            status: data.status(DataField::Status),
            sub_status: data.status(DataField::SubStatus),
            failure_reason: data.value(DataField::FailureReason),
            source_ip: data.value(DataField::IpAddress),
            source_port: data.number(DataField::IpPort),
            workstation: data.value(DataField::WorkstationName),
            process_name: data.value(DataField::ProcessName),
            logon_process: data.value(DataField::LogonProcessName),
            auth_package: data.value(DataField::AuthenticationPackageName),
        })),
        4648 => EventKind::ExplicitCredentials(Box::new(ExplicitCredentialUse {
            subject_logon_id: logon_id(DataField::SubjectLogonId)?,
            target_user: data.value(DataField::TargetUserName),
            target_domain: data.value(DataField::TargetDomainName),
            target_server: data.value(DataField::TargetServerName),
            target_info: data.value(DataField::TargetInfo),
            process_name: data.value(DataField::ProcessName),
            source_ip: data.value(DataField::IpAddress),
        })),
        4672 => EventKind::SpecialPrivileges {
            logon_id: logon_id(DataField::SubjectLogonId)?,
        },
        4778 | 4779 => {
            let change = RdpChange {
                logon_id: logon_id(DataField::LogonID)?,
                session_name: data.value(DataField::SessionName),
                client_name: data.value(DataField::ClientName),
                client_address: data.value(DataField::ClientAddress),
            };
            if event_id == 4778 {
                EventKind::RdpReconnect(change)
            } else {
                EventKind::RdpDisconnect(change)
            }
        }
        4800 => EventKind::Locked {
            logon_id: logon_id(DataField::TargetLogonId)?,
        },
        4801 => EventKind::Unlocked {
            logon_id: logon_id(DataField::TargetLogonId)?,
        },
        4608 => EventKind::Startup,
        4609 => EventKind::Shutdown,
        1100 => EventKind::LogServiceShutdown,
        1102 => EventKind::LogCleared(LogCleared {
            user: data.value(DataField::SubjectUserName),
            domain: data.value(DataField::SubjectDomainName),
        }),
        _ => return Ok(None),
    };
    Ok(Some(Event { header, kind }))
}

/// Where a record was logged: (System/Computer, System/Channel), empty when missing. Each
/// computer's log numbers its records on its own, so record ids are followed per origin.
pub type Origin = (Text, Text);

/// The origin of a record, its texts shared through the interner.
pub fn origin(record: &(impl RecordValues + ?Sized), texts: &mut Interner) -> Origin {
    (
        record.system_text(SystemField::Computer, texts),
        record.system_text(SystemField::Channel, texts),
    )
}

/// A System value as text, empty when missing.
fn system_string(record: &(impl RecordValues + ?Sized), field: SystemField) -> String {
    record
        .system(field)
        .map(Cow::into_owned)
        .unwrap_or_default()
}

/// The provider whose records of this event id are events of interest, if any.
pub fn wanted_provider(event_id: u16) -> Option<&'static str> {
    match event_id {
        4608 | 4609 | 4624 | 4625 | 4634 | 4647 | 4648 | 4672 | 4778 | 4779 | 4800 | 4801 => {
            Some(SECURITY_AUDITING)
        }
        1100 | 1102 => Some(EVENTLOG),
        _ => None,
    }
}

/// Whether a record is an event of interest (by its id and provider).
pub fn is_wanted(record: &(impl RecordValues + ?Sized)) -> bool {
    record
        .event_id()
        .and_then(wanted_provider)
        .is_some_and(|provider| record.provider_is(provider))
}

/// The named values of a record, read leniently; texts shared through the interner.
struct Data<'a, R: ?Sized>(&'a R, &'a mut Interner);

impl<R: RecordValues + ?Sized> Data<'_, R> {
    /// The raw text of a value.
    fn get(&self, field: DataField) -> Option<Cow<'_, str>> {
        self.0.data(field)
    }

    /// A string field: `-` and empty are absent (see the README).
    fn value(&mut self, field: DataField) -> Option<Text> {
        self.0.data_text(field, self.1)
    }

    /// A decimal number field.
    fn number(&self, field: DataField) -> Option<u32> {
        match self.0.data_integer(field) {
            Some(Integer::Unsigned(n)) => u32::try_from(n).ok(),
            Some(Integer::Signed(n)) => u32::try_from(n).ok(),
            // Its text, `0x...`, is no decimal number.
            Some(Integer::Hex(_)) => None,
            None => self.get(field).and_then(|t| t.trim().parse().ok()),
        }
    }

    /// A logon id field (see [`parse_logon_id`]).
    fn logon_id(&self, field: DataField) -> Option<u64> {
        match self.0.data_integer(field) {
            Some(Integer::Unsigned(n) | Integer::Hex(n)) => Some(n),
            Some(Integer::Signed(n)) => u64::try_from(n).ok(),
            None => self.get(field).and_then(|t| parse_logon_id(&t)),
        }
    }

    /// A status field (see [`parse_status`]).
    fn status(&self, field: DataField) -> Option<u32> {
        match self.0.data_integer(field) {
            Some(Integer::Hex(n)) => u32::try_from(n).ok(),
            Some(Integer::Unsigned(n)) => u32::try_from(n).ok(),
            Some(Integer::Signed(n)) => u32::try_from(n)
                .ok()
                .or_else(|| i32::try_from(n).ok().map(|n| n as u32)),
            None => self.get(field).and_then(|t| parse_status(&t)),
        }
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
    let digits = (u64::BITS - id.leading_zeros()).div_ceil(4).max(1);
    hex_text(id, digits)
}

/// A status as the report writes it: lowercase 8-digit hex with `0x`.
pub fn format_status(status: u32) -> String {
    hex_text(u64::from(status), 8)
}

/// `0x` and the last `digits` hex digits of `value`, in lowercase. (Every session and failure
/// has its ids written so: `format!` took 15 times as long, 3% of a whole analysis.)
fn hex_text(value: u64, digits: u32) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(2 + digits as usize);
    text.push_str("0x");
    for digit in (0..digits).rev() {
        let nibble = value.checked_shr(digit * 4).unwrap_or(0) & 0xf;
        text.push(char::from(HEX[nibble as usize]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What `extract` makes of a rendered record.
    fn extract_json(record: &Value) -> Result<Option<Event>, ExtractError> {
        let mut texts = Interner::default();
        let record = JsonRecord::new(record);
        let origin = origin(&record, &mut texts);
        extract(&record, Timestamp(0), &origin, &mut texts)
    }

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
    fn hex_ids_are_written_as_format_writes_them() {
        let mut value = 0x9e37_79b9_7f4a_7c15_u64;
        let samples = [0, 1, 0xf, 0x10, 0x3e7, u64::from(u32::MAX), u64::MAX];
        for id in samples.into_iter().chain((0..2000).map(|_| {
            value ^= value << 13;
            value ^= value >> 7;
            value ^= value << 17;
            value >> (value % 64)
        })) {
            assert_eq!(format_logon_id(id), format!("{id:#x}"));
            let status = id as u32;
            assert_eq!(format_status(status), format!("{status:#010x}"));
        }
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
        let event = extract_json(&logon).unwrap().unwrap();
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
        assert_eq!(extract_json(&app), Ok(None));
        let cleared_by_auditing = record(SECURITY_AUDITING, json!(1102), json!({}));
        assert_eq!(extract_json(&cleared_by_auditing), Ok(None));
    }

    #[test]
    fn missing_logon_id_is_an_error() {
        let broken = record(
            SECURITY_AUDITING,
            json!(4634),
            json!({"TargetUserName": "x"}),
        );
        let err = extract_json(&broken).unwrap_err();
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
        let event = extract_json(&cleared).unwrap().unwrap();
        assert_eq!(
            event.kind,
            EventKind::LogCleared(LogCleared {
                user: Some("Administrator".into()),
                domain: Some("TEST".into())
            })
        );
    }
}
