//! The events of `SESSIONS.md` as typed values, independent of how they were read.
//!
//! Extraction (`extract`) makes them from records; the synthetic writer and the tests make
//! them directly; reconstruction (`reconstruct`) only ever sees these types.

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// What every event carries: where it comes from and when.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EventHeader {
    pub computer: String,
    pub channel: String,
    pub record_id: u64,
    pub time: Timestamp,
    pub event_id: u16,
}

/// A 4624 (successful logon).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logon {
    pub logon_id: u64,
    pub linked_logon_id: Option<u64>,
    pub user_sid: Option<String>,
    pub user: Option<String>,
    pub domain: Option<String>,
    pub logon_type: Option<u32>,
    pub source_ip: Option<String>,
    pub source_port: Option<u32>,
    pub workstation: Option<String>,
    pub logon_process: Option<String>,
    pub auth_package: Option<String>,
    pub lm_package: Option<String>,
    pub process_name: Option<String>,
    pub elevated: Option<bool>,
    pub impersonation_level: Option<String>,
}

/// A 4634 (logoff) or 4647 (user-initiated logoff).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logoff {
    pub logon_id: u64,
    pub user_sid: Option<String>,
    pub user: Option<String>,
    pub domain: Option<String>,
    /// 4634 only.
    pub logon_type: Option<u32>,
}

/// A 4625 (failed logon).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedLogon {
    pub user_sid: Option<String>,
    pub user: Option<String>,
    pub domain: Option<String>,
    pub logon_type: Option<u32>,
    pub status: Option<u32>,
    pub sub_status: Option<u32>,
    /// The FailureReason `%%` code, as logged.
    pub failure_reason: Option<String>,
    pub source_ip: Option<String>,
    pub source_port: Option<u32>,
    pub workstation: Option<String>,
    pub process_name: Option<String>,
    pub logon_process: Option<String>,
    pub auth_package: Option<String>,
}

/// A 4648 (logon with explicit credentials), attached by its SubjectLogonId.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplicitCredentialUse {
    pub subject_logon_id: u64,
    pub target_user: Option<String>,
    pub target_domain: Option<String>,
    pub target_server: Option<String>,
    pub target_info: Option<String>,
    pub process_name: Option<String>,
    pub source_ip: Option<String>,
}

/// A 4778 (reconnected) or 4779 (disconnected) RDP session event, attached by its LogonID.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RdpChange {
    pub logon_id: u64,
    pub session_name: Option<String>,
    pub client_name: Option<String>,
    pub client_address: Option<String>,
}

/// A 1102: the audit log was cleared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogCleared {
    pub user: Option<String>,
    pub domain: Option<String>,
}

/// What an event means for sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// 4624 (boxed, like the other large kinds: most events are small, and an enum is as
    /// large as its largest kind)
    Logon(Box<Logon>),
    /// 4634
    Logoff(Logoff),
    /// 4647
    UserLogoff(Logoff),
    /// 4625
    Failure(Box<FailedLogon>),
    /// 4648
    ExplicitCredentials(Box<ExplicitCredentialUse>),
    /// 4672, by SubjectLogonId
    SpecialPrivileges { logon_id: u64 },
    /// 4778
    RdpReconnect(RdpChange),
    /// 4779
    RdpDisconnect(RdpChange),
    /// 4800, by TargetLogonId
    Locked { logon_id: u64 },
    /// 4801, by TargetLogonId
    Unlocked { logon_id: u64 },
    /// 4608: Windows is starting up.
    Startup,
    /// 4609: Windows is shutting down.
    Shutdown,
    /// 1100: the event logging service shut down.
    LogServiceShutdown,
    /// 1102
    LogCleared(LogCleared),
}

/// One event of interest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub header: EventHeader,
    pub kind: EventKind,
}

impl Event {
    /// The key that makes two copies of a record (from two inputs) the same record.
    pub fn identity(&self) -> (&str, &str, u64, Timestamp, u16) {
        let h = &self.header;
        (&h.computer, &h.channel, h.record_id, h.time, h.event_id)
    }
}
