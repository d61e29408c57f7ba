//! The report: what logonscope found in a set of logs, as serde types.
//!
//! Its JSON is the format of `SESSIONS.md` ("The report"), shared by the CLI, the exports and
//! report links, so field names and their order here are part of the format. Times are
//! [`Timestamp`]s, which serialise as ISO-8601 with seven fractional digits.

use serde::{Deserialize, Serialize};

use crate::text::Text;
use crate::time::Timestamp;

/// Everything found in one run over one or more files.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub files: Vec<FileSummary>,
    pub sessions: Vec<Session>,
    pub failures: Vec<Failure>,
    pub warnings: Vec<Warning>,
}

/// One input file: how much of it could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSummary {
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// Records read from the file (all of them, not only logon events).
    pub records: u64,
    /// What could not be read, one message each.
    pub errors: Vec<String>,
}

/// How a session ended (`end_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// A 4634 closed it.
    Logoff,
    /// The user logged off (4647), then a 4634, a boundary or the end of the log.
    UserLogoff,
    /// A new 4624 for the same logon id and another user replaced it.
    Superseded,
    /// The machine started (4608) without a recorded shutdown.
    Startup,
    /// The machine shut down (4609) or the event log service stopped (1100).
    Shutdown,
    /// Still open when the log ends.
    LogEnd,
}

impl EndReason {
    /// Every reason, in the order of [`Ord`].
    pub const ALL: [EndReason; 6] = [
        EndReason::Logoff,
        EndReason::UserLogoff,
        EndReason::Superseded,
        EndReason::Startup,
        EndReason::Shutdown,
        EndReason::LogEnd,
    ];

    /// The name used in the JSON and the exports.
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Logoff => "logoff",
            EndReason::UserLogoff => "user_logoff",
            EndReason::Superseded => "superseded",
            EndReason::Startup => "startup",
            EndReason::Shutdown => "shutdown",
            EndReason::LogEnd => "log_end",
        }
    }
}

/// A 4648: a process of this session used explicit credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplicitCredential {
    pub time: Timestamp,
    pub record_id: u64,
    pub target_user: Option<Text>,
    pub target_domain: Option<Text>,
    pub target_server: Option<Text>,
    pub target_info: Option<Text>,
    pub process_name: Option<Text>,
    pub source_ip: Option<Text>,
}

/// What a 4778/4779 says happened to the RDP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RdpAction {
    Reconnect,
    Disconnect,
}

/// A 4778 or 4779 attached to a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RdpEvent {
    pub time: Timestamp,
    pub record_id: u64,
    pub action: RdpAction,
    pub session_name: Option<Text>,
    pub client_name: Option<Text>,
    pub client_address: Option<Text>,
}

/// What a 4800/4801 says happened to the workstation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockAction {
    Lock,
    Unlock,
}

/// A 4800 or 4801 attached to a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockEvent {
    pub time: Timestamp,
    pub record_id: u64,
    pub action: LockAction,
}

/// One logon session, as the rules of `SESSIONS.md` reconstruct it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub computer: Text,
    pub logon_id: String,
    pub linked_logon_id: Option<String>,
    pub user_sid: Option<Text>,
    pub user: Option<Text>,
    pub domain: Option<Text>,
    pub logon_type: Option<u32>,
    pub logon_type_name: Option<Text>,
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
    pub end_reason: EndReason,
    pub duration_seconds: Option<f64>,
    pub logon_events: u32,
    pub source_ip: Option<Text>,
    pub source_port: Option<u32>,
    pub workstation: Option<Text>,
    pub logon_process: Option<Text>,
    pub auth_package: Option<Text>,
    pub lm_package: Option<Text>,
    pub process_name: Option<Text>,
    pub elevated: Option<bool>,
    pub admin: bool,
    pub record_ids: Vec<u64>,
    /// Time of the first 4647 (user-initiated logoff), if any.
    pub user_logoff_time: Option<Timestamp>,
    /// The ImpersonationLevel of the opening 4624, as text.
    pub impersonation_level: Option<Text>,
    pub explicit_credentials: Vec<ExplicitCredential>,
    pub rdp_events: Vec<RdpEvent>,
    pub lock_events: Vec<LockEvent>,
}

impl Session {
    /// A session of `computer` and `logon_id` that no event has filled in yet: no start, no
    /// end, open until the log ends, nothing attached.
    pub fn new(computer: impl Into<Text>, logon_id: impl Into<String>) -> Session {
        Session {
            computer: computer.into(),
            logon_id: logon_id.into(),
            linked_logon_id: None,
            user_sid: None,
            user: None,
            domain: None,
            logon_type: None,
            logon_type_name: None,
            start: None,
            end: None,
            end_reason: EndReason::LogEnd,
            duration_seconds: None,
            logon_events: 0,
            source_ip: None,
            source_port: None,
            workstation: None,
            logon_process: None,
            auth_package: None,
            lm_package: None,
            process_name: None,
            elevated: None,
            admin: false,
            record_ids: Vec::new(),
            user_logoff_time: None,
            impersonation_level: None,
            explicit_credentials: Vec::new(),
            rdp_events: Vec::new(),
            lock_events: Vec::new(),
        }
    }
}

/// One failed logon (4625).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub computer: Text,
    pub time: Timestamp,
    pub user: Option<Text>,
    pub domain: Option<Text>,
    pub user_sid: Option<Text>,
    pub logon_type: Option<u32>,
    pub logon_type_name: Option<Text>,
    pub status: Option<Text>,
    pub sub_status: Option<Text>,
    /// SubStatus decoded when it is not zero, else Status.
    pub reason: Option<Text>,
    /// The FailureReason `%%` code as text.
    pub failure_reason: Option<Text>,
    pub source_ip: Option<Text>,
    pub source_port: Option<u32>,
    pub workstation: Option<Text>,
    pub process_name: Option<Text>,
    pub logon_process: Option<Text>,
    pub auth_package: Option<Text>,
    pub record_id: u64,
}

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// A 1102: the audit log was cleared.
    LogCleared,
    /// EventRecordIDs jump within one file and channel: records are missing.
    RecordIdGap,
    /// A chunk of a file could not be read at all.
    DamagedChunk,
    /// Some records of a chunk could not be read.
    DamagedRecords,
}

/// Something the analyst should know about the evidence itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub kind: WarningKind,
    /// The file it was found in (`null` when it is not tied to one file).
    pub file: Option<String>,
    pub computer: Option<String>,
    pub time: Option<Timestamp>,
    pub record_id: Option<u64>,
    /// Who cleared the log (`log_cleared`).
    pub user: Option<String>,
    pub domain: Option<String>,
    /// Records missing or unreadable (`record_id_gap`, `damaged_records`).
    pub count: Option<u64>,
    /// Byte offset in the file (`damaged_chunk`, `damaged_records`).
    pub offset: Option<u64>,
    /// The warning in words.
    pub message: String,
}

impl Warning {
    /// A warning of `kind` that says `message`, not yet tied to a file, computer or time.
    pub fn new(kind: WarningKind, message: String) -> Warning {
        Warning {
            kind,
            file: None,
            computer: None,
            time: None,
            record_id: None,
            user: None,
            domain: None,
            count: None,
            offset: None,
            message,
        }
    }
}
