//! The Security-log records the simulation writes, with the fields, types, tasks and keywords
//! Windows gives them, so that the synthetic log looks like a real one to any parser.

use std::collections::HashMap;
use std::io::{self, Seek, Write};

use crate::evtx::{EvtxWriter, Payload, Record, Value};

const SECURITY_AUDITING: &str = "Microsoft-Windows-Security-Auditing";
const SECURITY_AUDITING_GUID: &str = "{54849625-5478-4994-a5ba-3e3b0328c30d}";
const EVENTLOG: &str = "Microsoft-Windows-Eventlog";
const EVENTLOG_GUID: &str = "{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}";
const EVENTLOG_XMLNS: &str = "http://manifests.microsoft.com/win/2004/08/windows/eventlog";
const AUDIT_SUCCESS: u64 = 0x8020_0000_0000_0000;
const AUDIT_FAILURE: u64 = 0x8010_0000_0000_0000;
const EVENTLOG_KEYWORDS: u64 = 0x4020_0000_0000_0000;
/// The Local Security Authority's process id, which writes Security-Auditing events.
const LSASS_PID: u32 = 640;

/// Values that Windows writes into the fields of these events, shared by every log the crate
/// writes: the null SID and GUID, and the `%%` message codes of ElevatedToken,
/// ImpersonationLevel and FailureReason.
pub const NO_SID: &str = "S-1-0-0";
pub const ZERO_GUID: &str = "{00000000-0000-0000-0000-000000000000}";
pub const ELEVATED: &str = "%%1842";
pub const NOT_ELEVATED: &str = "%%1843";
pub const IMPERSONATION: &str = "%%1833";
/// FailureReason "Unknown user name or bad password."
pub const BAD_PASSWORD: &str = "%%2313";

/// Who did something: the Subject of an event.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub sid: &'a str,
    pub user: &'a str,
    pub domain: &'a str,
    pub logon_id: u64,
}

/// The fields of a 4624.
#[derive(Debug, Clone)]
pub struct LogonFields<'a> {
    /// 0 (Windows 7 / 2008 R2 layout) or 2 (Windows 10 / 2016 and later).
    pub version: u8,
    pub subject: Subject<'a>,
    pub target: Subject<'a>,
    pub logon_type: u32,
    pub logon_process: &'a str,
    pub auth_package: &'a str,
    pub workstation: &'a str,
    pub logon_guid: &'a str,
    pub lm_package: &'a str,
    pub key_length: u32,
    pub process_id: u64,
    pub process_name: &'a str,
    pub ip: &'a str,
    pub port: &'a str,
    pub impersonation: &'a str,
    pub restricted_admin: &'a str,
    pub outbound_user: &'a str,
    pub outbound_domain: &'a str,
    pub virtual_account: &'a str,
    pub linked_logon_id: u64,
    pub elevated_token: &'a str,
}

/// The fields of a 4625.
#[derive(Debug, Clone)]
pub struct FailureFields<'a> {
    pub subject: Subject<'a>,
    pub target_sid: &'a str,
    pub target_user: &'a str,
    pub target_domain: &'a str,
    pub status: u32,
    pub failure_reason: &'a str,
    pub sub_status: u32,
    pub logon_type: u32,
    pub logon_process: &'a str,
    pub auth_package: &'a str,
    pub workstation: &'a str,
    pub process_id: u64,
    pub process_name: &'a str,
    pub ip: &'a str,
    pub port: &'a str,
}

/// The fields of a 4648.
#[derive(Debug, Clone)]
pub struct ExplicitFields<'a> {
    pub subject: Subject<'a>,
    pub target_user: &'a str,
    pub target_domain: &'a str,
    pub target_server: &'a str,
    pub target_info: &'a str,
    pub process_id: u64,
    pub process_name: &'a str,
    pub ip: &'a str,
    pub port: &'a str,
}

/// The System values that tell one kind of event from another.
#[derive(Debug, Clone, Copy)]
struct EventType {
    event_id: u16,
    version: u8,
    task: u16,
    keywords: u64,
}

impl EventType {
    const fn new(event_id: u16, version: u8, task: u16, keywords: u64) -> Self {
        EventType {
            event_id,
            version,
            task,
            keywords,
        }
    }
}

/// Writes records with consecutive record numbers, counting them, and returns the
/// EventRecordID each got from its computer's own numbering.
pub struct RecordSink<W: Write + Seek> {
    writer: EvtxWriter<W>,
    next_record_id: u64,
    /// Each computer numbers its events (EventRecordID) on its own.
    next_event_record_id: HashMap<String, u64>,
    thread: u32,
}

impl<W: Write + Seek> RecordSink<W> {
    pub fn new(out: W, first_record_id: u64) -> io::Result<Self> {
        Ok(RecordSink {
            writer: EvtxWriter::new(out)?,
            next_record_id: first_record_id,
            next_event_record_id: HashMap::new(),
            thread: 700,
        })
    }

    /// Records written so far.
    pub fn records(&self) -> u64 {
        self.next_record_id - 1
    }

    pub fn bytes_written(&self) -> u64 {
        self.writer.bytes_written()
    }

    pub fn finish(self) -> io::Result<W> {
        self.writer.finish()
    }

    fn write(
        &mut self,
        time: u64,
        computer: &str,
        (provider_name, provider_guid): (&str, &str),
        EventType {
            event_id,
            version,
            task,
            keywords,
        }: EventType,
        payload: Payload<'_>,
    ) -> io::Result<u64> {
        let record_id = self.next_record_id;
        let event_record_id = match self.next_event_record_id.get_mut(computer) {
            Some(next) => next,
            None => self
                .next_event_record_id
                .entry(computer.to_string())
                .or_insert(1),
        };
        // Threads of the LSA vary from event to event; any stable pattern will do.
        self.thread = 600 + (self.thread * 7 + 13) % 4000;
        let level = if provider_name == EVENTLOG { 4 } else { 0 };
        self.writer.write(&Record {
            record_id,
            event_record_id: *event_record_id,
            time,
            provider_name,
            provider_guid: Some(provider_guid),
            event_id,
            version,
            level,
            task,
            opcode: 0,
            keywords,
            process_id: LSASS_PID,
            thread_id: self.thread,
            channel: "Security",
            computer,
            payload,
        })?;
        self.next_record_id += 1;
        let written = *event_record_id;
        *event_record_id += 1;
        Ok(written)
    }

    fn auditing(
        &mut self,
        time: u64,
        computer: &str,
        event_type: EventType,
        data: &[(&str, Value<'_>)],
    ) -> io::Result<u64> {
        self.write(
            time,
            computer,
            (SECURITY_AUDITING, SECURITY_AUDITING_GUID),
            event_type,
            Payload::EventData(data),
        )
    }

    /// 4624: an account was successfully logged on.
    pub fn logon(&mut self, time: u64, computer: &str, f: &LogonFields<'_>) -> io::Result<u64> {
        let mut data = vec![
            ("SubjectUserSid", Value::Sid(f.subject.sid)),
            ("SubjectUserName", Value::Str(f.subject.user)),
            ("SubjectDomainName", Value::Str(f.subject.domain)),
            ("SubjectLogonId", Value::HexInt64(f.subject.logon_id)),
            ("TargetUserSid", Value::Sid(f.target.sid)),
            ("TargetUserName", Value::Str(f.target.user)),
            ("TargetDomainName", Value::Str(f.target.domain)),
            ("TargetLogonId", Value::HexInt64(f.target.logon_id)),
            ("LogonType", Value::UInt32(f.logon_type)),
            ("LogonProcessName", Value::Str(f.logon_process)),
            ("AuthenticationPackageName", Value::Str(f.auth_package)),
            ("WorkstationName", Value::Str(f.workstation)),
            ("LogonGuid", Value::Guid(f.logon_guid)),
            ("TransmittedServices", Value::Str("-")),
            ("LmPackageName", Value::Str(f.lm_package)),
            ("KeyLength", Value::UInt32(f.key_length)),
            ("ProcessId", Value::HexInt64(f.process_id)),
            ("ProcessName", Value::Str(f.process_name)),
            ("IpAddress", Value::Str(f.ip)),
            ("IpPort", Value::Str(f.port)),
        ];
        if f.version >= 2 {
            data.extend([
                ("ImpersonationLevel", Value::Str(f.impersonation)),
                ("RestrictedAdminMode", Value::Str(f.restricted_admin)),
                ("TargetOutboundUserName", Value::Str(f.outbound_user)),
                ("TargetOutboundDomainName", Value::Str(f.outbound_domain)),
                ("VirtualAccount", Value::Str(f.virtual_account)),
                ("TargetLinkedLogonId", Value::HexInt64(f.linked_logon_id)),
                ("ElevatedToken", Value::Str(f.elevated_token)),
            ]);
        }
        self.auditing(
            time,
            computer,
            EventType::new(4624, f.version, 12544, AUDIT_SUCCESS),
            &data,
        )
    }

    /// 4634 (logoff, with the logon type) or 4647 (user-initiated logoff, without).
    pub fn logoff(
        &mut self,
        time: u64,
        computer: &str,
        target: &Subject<'_>,
        logon_type: Option<u32>,
    ) -> io::Result<u64> {
        let mut data = vec![
            ("TargetUserSid", Value::Sid(target.sid)),
            ("TargetUserName", Value::Str(target.user)),
            ("TargetDomainName", Value::Str(target.domain)),
            ("TargetLogonId", Value::HexInt64(target.logon_id)),
        ];
        let event_id = match logon_type {
            Some(logon_type) => {
                data.push(("LogonType", Value::UInt32(logon_type)));
                4634
            }
            None => 4647,
        };
        self.auditing(
            time,
            computer,
            EventType::new(event_id, 0, 12545, AUDIT_SUCCESS),
            &data,
        )
    }

    /// 4625: an account failed to log on.
    pub fn failure(&mut self, time: u64, computer: &str, f: &FailureFields<'_>) -> io::Result<u64> {
        let data = [
            ("SubjectUserSid", Value::Sid(f.subject.sid)),
            ("SubjectUserName", Value::Str(f.subject.user)),
            ("SubjectDomainName", Value::Str(f.subject.domain)),
            ("SubjectLogonId", Value::HexInt64(f.subject.logon_id)),
            ("TargetUserSid", Value::Sid(f.target_sid)),
            ("TargetUserName", Value::Str(f.target_user)),
            ("TargetDomainName", Value::Str(f.target_domain)),
            ("Status", Value::HexInt32(f.status)),
            ("FailureReason", Value::Str(f.failure_reason)),
            ("SubStatus", Value::HexInt32(f.sub_status)),
            ("LogonType", Value::UInt32(f.logon_type)),
            ("LogonProcessName", Value::Str(f.logon_process)),
            ("AuthenticationPackageName", Value::Str(f.auth_package)),
            ("WorkstationName", Value::Str(f.workstation)),
            ("TransmittedServices", Value::Str("-")),
            ("LmPackageName", Value::Str("-")),
            ("KeyLength", Value::UInt32(0)),
            ("ProcessId", Value::HexInt64(f.process_id)),
            ("ProcessName", Value::Str(f.process_name)),
            ("IpAddress", Value::Str(f.ip)),
            ("IpPort", Value::Str(f.port)),
        ];
        self.auditing(
            time,
            computer,
            EventType::new(4625, 0, 12544, AUDIT_FAILURE),
            &data,
        )
    }

    /// 4648: a logon was attempted using explicit credentials.
    pub fn explicit_credentials(
        &mut self,
        time: u64,
        computer: &str,
        f: &ExplicitFields<'_>,
    ) -> io::Result<u64> {
        let data = [
            ("SubjectUserSid", Value::Sid(f.subject.sid)),
            ("SubjectUserName", Value::Str(f.subject.user)),
            ("SubjectDomainName", Value::Str(f.subject.domain)),
            ("SubjectLogonId", Value::HexInt64(f.subject.logon_id)),
            (
                "LogonGuid",
                Value::Guid("{00000000-0000-0000-0000-000000000000}"),
            ),
            ("TargetUserName", Value::Str(f.target_user)),
            ("TargetDomainName", Value::Str(f.target_domain)),
            (
                "TargetLogonGuid",
                Value::Guid("{00000000-0000-0000-0000-000000000000}"),
            ),
            ("TargetServerName", Value::Str(f.target_server)),
            ("TargetInfo", Value::Str(f.target_info)),
            ("ProcessId", Value::HexInt64(f.process_id)),
            ("ProcessName", Value::Str(f.process_name)),
            ("IpAddress", Value::Str(f.ip)),
            ("IpPort", Value::Str(f.port)),
        ];
        self.auditing(
            time,
            computer,
            EventType::new(4648, 0, 12544, AUDIT_SUCCESS),
            &data,
        )
    }

    /// 4672: special privileges assigned to new logon.
    pub fn special_privileges(
        &mut self,
        time: u64,
        computer: &str,
        subject: &Subject<'_>,
    ) -> io::Result<u64> {
        let privileges = "SeSecurityPrivilege\r\n\t\t\tSeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\tSeTakeOwnershipPrivilege\r\n\t\t\tSeDebugPrivilege\r\n\t\t\tSeSystemEnvironmentPrivilege\r\n\t\t\tSeLoadDriverPrivilege\r\n\t\t\tSeImpersonatePrivilege\r\n\t\t\tSeDelegateSessionUserImpersonatePrivilege";
        let data = [
            ("SubjectUserSid", Value::Sid(subject.sid)),
            ("SubjectUserName", Value::Str(subject.user)),
            ("SubjectDomainName", Value::Str(subject.domain)),
            ("SubjectLogonId", Value::HexInt64(subject.logon_id)),
            ("PrivilegeList", Value::Str(privileges)),
        ];
        self.auditing(
            time,
            computer,
            EventType::new(4672, 0, 12548, AUDIT_SUCCESS),
            &data,
        )
    }

    /// 4778 (reconnected, `reconnect` true) or 4779 (disconnected).
    #[allow(clippy::too_many_arguments)]
    pub fn rdp(
        &mut self,
        time: u64,
        computer: &str,
        reconnect: bool,
        account: &Subject<'_>,
        session_name: &str,
        client_name: &str,
        client_address: &str,
    ) -> io::Result<u64> {
        let data = [
            ("AccountName", Value::Str(account.user)),
            ("AccountDomain", Value::Str(account.domain)),
            ("LogonID", Value::HexInt64(account.logon_id)),
            ("SessionName", Value::Str(session_name)),
            ("ClientName", Value::Str(client_name)),
            ("ClientAddress", Value::Str(client_address)),
        ];
        let event_id = if reconnect { 4778 } else { 4779 };
        self.auditing(
            time,
            computer,
            EventType::new(event_id, 0, 12551, AUDIT_SUCCESS),
            &data,
        )
    }

    /// 4800 (locked, `lock` true) or 4801 (unlocked).
    pub fn lock(
        &mut self,
        time: u64,
        computer: &str,
        lock: bool,
        target: &Subject<'_>,
        session_id: u32,
    ) -> io::Result<u64> {
        let data = [
            ("TargetUserSid", Value::Sid(target.sid)),
            ("TargetUserName", Value::Str(target.user)),
            ("TargetDomainName", Value::Str(target.domain)),
            ("TargetLogonId", Value::HexInt64(target.logon_id)),
            ("SessionId", Value::UInt32(session_id)),
        ];
        let event_id = if lock { 4800 } else { 4801 };
        self.auditing(
            time,
            computer,
            EventType::new(event_id, 0, 12551, AUDIT_SUCCESS),
            &data,
        )
    }

    /// 4608 (Windows is starting up) or 4609 (shutting down).
    pub fn state_change(&mut self, time: u64, computer: &str, startup: bool) -> io::Result<u64> {
        let event_id = if startup { 4608 } else { 4609 };
        self.auditing(
            time,
            computer,
            EventType::new(event_id, 0, 12288, AUDIT_SUCCESS),
            &[],
        )
    }

    /// 1100: the event logging service has shut down.
    pub fn service_shutdown(&mut self, time: u64, computer: &str) -> io::Result<u64> {
        let payload = Payload::UserData {
            element: "ServiceShutdown",
            xmlns: EVENTLOG_XMLNS,
            fields: &[],
        };
        self.write(
            time,
            computer,
            (EVENTLOG, EVENTLOG_GUID),
            EventType::new(1100, 0, 103, EVENTLOG_KEYWORDS),
            payload,
        )
    }

    /// 1102: the audit log was cleared.
    pub fn log_cleared(&mut self, time: u64, computer: &str, by: &Subject<'_>) -> io::Result<u64> {
        let fields = [
            ("SubjectUserSid", Value::Sid(by.sid)),
            ("SubjectUserName", Value::Str(by.user)),
            ("SubjectDomainName", Value::Str(by.domain)),
            ("SubjectLogonId", Value::HexInt64(by.logon_id)),
        ];
        let payload = Payload::UserData {
            element: "LogFileCleared",
            xmlns: EVENTLOG_XMLNS,
            fields: &fields,
        };
        self.write(
            time,
            computer,
            (EVENTLOG, EVENTLOG_GUID),
            EventType::new(1102, 0, 104, EVENTLOG_KEYWORDS),
            payload,
        )
    }

    /// 4688 (a new process has been created) or 4689 (a process has exited): the bulk of a
    /// busy Security log, of no interest to sessions.
    pub fn process(
        &mut self,
        time: u64,
        computer: &str,
        created: bool,
        subject: &Subject<'_>,
        process_id: u64,
        image: &str,
    ) -> io::Result<u64> {
        if created {
            let data = [
                ("SubjectUserSid", Value::Sid(subject.sid)),
                ("SubjectUserName", Value::Str(subject.user)),
                ("SubjectDomainName", Value::Str(subject.domain)),
                ("SubjectLogonId", Value::HexInt64(subject.logon_id)),
                ("NewProcessId", Value::HexInt64(process_id)),
                ("NewProcessName", Value::Str(image)),
                ("TokenElevationType", Value::Str("%%1938")),
                ("ProcessId", Value::HexInt64(0x1d4)),
                ("CommandLine", Value::Str("")),
                ("TargetUserSid", Value::Sid("S-1-0-0")),
                ("TargetUserName", Value::Str("-")),
                ("TargetDomainName", Value::Str("-")),
                ("TargetLogonId", Value::HexInt64(0)),
                ("ParentProcessName", Value::Str("C:\\Windows\\explorer.exe")),
                ("MandatoryLabel", Value::Sid("S-1-16-8192")),
            ];
            self.auditing(
                time,
                computer,
                EventType::new(4688, 2, 13312, AUDIT_SUCCESS),
                &data,
            )
        } else {
            let data = [
                ("SubjectUserSid", Value::Sid(subject.sid)),
                ("SubjectUserName", Value::Str(subject.user)),
                ("SubjectDomainName", Value::Str(subject.domain)),
                ("SubjectLogonId", Value::HexInt64(subject.logon_id)),
                ("Status", Value::HexInt32(0)),
                ("ProcessId", Value::HexInt64(process_id)),
                ("ProcessName", Value::Str(image)),
            ];
            self.auditing(
                time,
                computer,
                EventType::new(4689, 0, 13313, AUDIT_SUCCESS),
                &data,
            )
        }
    }
}
