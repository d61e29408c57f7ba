//! The events of `SESSIONS.md` as typed values, independent of how they were read.
//!
//! Extraction (`extract`) makes them from records; the synthetic writer and the tests make
//! them directly; reconstruction (`reconstruct`) only ever sees these types.

use serde::{Deserialize, Serialize};

use crate::text::Text;
use crate::time::Timestamp;

/// What every event carries: where it comes from and when.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EventHeader {
    pub computer: Text,
    pub channel: Text,
    pub record_id: u64,
    pub time: Timestamp,
    pub event_id: u16,
}

/// A 4624 (successful logon).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logon {
    pub logon_id: u64,
    pub linked_logon_id: Option<u64>,
    pub user_sid: Option<Text>,
    pub user: Option<Text>,
    pub domain: Option<Text>,
    pub logon_type: Option<u32>,
    pub source_ip: Option<Text>,
    pub source_port: Option<u32>,
    pub workstation: Option<Text>,
    pub logon_process: Option<Text>,
    pub auth_package: Option<Text>,
    pub lm_package: Option<Text>,
    pub process_name: Option<Text>,
    pub elevated: Option<bool>,
    pub impersonation_level: Option<Text>,
}

/// A 4634 (logoff) or 4647 (user-initiated logoff).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logoff {
    pub logon_id: u64,
    pub user_sid: Option<Text>,
    pub user: Option<Text>,
    pub domain: Option<Text>,
    /// 4634 only.
    pub logon_type: Option<u32>,
}

/// A 4625 (failed logon).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedLogon {
    pub user_sid: Option<Text>,
    pub user: Option<Text>,
    pub domain: Option<Text>,
    pub logon_type: Option<u32>,
    pub status: Option<u32>,
    pub sub_status: Option<u32>,
    /// The FailureReason `%%` code, as logged.
    pub failure_reason: Option<Text>,
    pub source_ip: Option<Text>,
    pub source_port: Option<u32>,
    pub workstation: Option<Text>,
    pub process_name: Option<Text>,
    pub logon_process: Option<Text>,
    pub auth_package: Option<Text>,
}

/// A 4648 (logon with explicit credentials), attached by its SubjectLogonId.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplicitCredentialUse {
    pub subject_logon_id: u64,
    pub target_user: Option<Text>,
    pub target_domain: Option<Text>,
    pub target_server: Option<Text>,
    pub target_info: Option<Text>,
    pub process_name: Option<Text>,
    pub source_ip: Option<Text>,
}

/// A 4778 (reconnected) or 4779 (disconnected) RDP session event, attached by its LogonID.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RdpChange {
    pub logon_id: u64,
    pub session_name: Option<Text>,
    pub client_name: Option<Text>,
    pub client_address: Option<Text>,
}

/// A 1102: the audit log was cleared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogCleared {
    pub user: Option<Text>,
    pub domain: Option<Text>,
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
