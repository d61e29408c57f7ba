//! A small, valid Security log whose event data is hostile: user names, domains, workstation
//! names, process names and addresses hold HTML (`<script>`, `<img onerror>`), spreadsheet
//! formulas (`=HYPERLINK(...)`, `+SUM`, `@cmd`, `-2+3`), CSV quoting, terminal escapes and
//! other control characters, and a right-to-left override. Every export and every view must
//! show these strings as text and never let them act.
//!
//! Like [`crate::write_log`] it returns the report logonscope must produce, kept by hand as the
//! events are written (not by replaying them through the rules), so that the log also checks
//! that parsing keeps such strings exactly.

use std::collections::HashMap;
use std::io::{self, Cursor};

use logonscope_core::catalog::logon_type_name;
use logonscope_core::decode::{failure_reason, message_code_text};
use logonscope_core::report::{
    EndReason, ExplicitCredential, Failure, FileSummary, RdpAction, RdpEvent, Report, Session,
    Warning, WarningKind,
};
use logonscope_core::text::Text;
use logonscope_core::time::{TICKS_PER_SECOND, Timestamp};

use crate::records::{
    BAD_PASSWORD, ELEVATED, ExplicitFields, FailureFields, IMPERSONATION, LogonFields, NO_SID,
    NOT_ELEVATED, RecordSink, Subject, ZERO_GUID,
};
use crate::simulate::finish_report_parts;

/// The computer that writes the hostile log.
pub const HOSTILE_COMPUTER: &str = "HOSTILE-PC";
/// The name the hostile log has in its report.
pub const HOSTILE_FILE_NAME: &str = "hostile.evtx";

/// HTML that runs script when inserted as markup.
pub const IMG_ONERROR: &str = "<img src=x onerror=alert(1)>";
/// A script element.
pub const SCRIPT: &str = "<script>alert(2)</script>";
/// A spreadsheet formula that makes a link.
pub const HYPERLINK: &str = "=HYPERLINK(\"http://example.invalid/x\",\"click\")";
/// A formula by its leading `+`.
pub const PLUS_SUM: &str = "+SUM(1,2)";
/// A formula by its leading `@`.
pub const AT_CMD: &str = "@cmd";
/// A formula by its leading `-`.
pub const MINUS: &str = "-2+3";
/// A value that needs CSV quoting.
pub const QUOTED: &str = "\"quoted, comma\"";
/// Control characters: a terminal colour escape, BEL, tab, newline, carriage return.
pub const CONTROLS: &str = "\u{1b}[31mred\u{7}bell\ttab\nnewline\rcr";
/// A right-to-left override: reads as `invoiceexe.pdf`.
pub const RLO: &str = "invoice\u{202E}fdp.exe";

/// Every hostile string of the log.
pub const HOSTILE_STRINGS: [&str; 10] = [
    IMG_ONERROR,
    SCRIPT,
    HYPERLINK,
    PLUS_SUM,
    AT_CMD,
    MINUS,
    QUOTED,
    CONTROLS,
    RLO,
    DDE,
];

/// The old DDE formula trick.
const DDE: &str = "=cmd|' /C calc'!A0";

const SECOND: u64 = TICKS_PER_SECOND;
/// 2024-05-01T10:00:00Z.
const LOG_START: u64 = 133_590_312_000_000_000;
const SID_BASE: &str = "S-1-5-21-3623811015-3361044348-30300820";

/// `-` and empty are absent in the report.
fn opt(value: &str) -> Option<Text> {
    (!value.is_empty() && value != "-").then(|| Text::from(value))
}

/// Writes events and keeps the report they must give.
struct HostileLog {
    sink: RecordSink<Cursor<Vec<u8>>>,
    sessions: Vec<Session>,
    /// Open sessions: logon id -> index in `sessions`.
    open: HashMap<u64, usize>,
    failures: Vec<Failure>,
    warnings: Vec<Warning>,
}

/// A 4624 of the hostile log, as the fields that vary.
struct Logon<'a> {
    at: u64,
    sid: String,
    user: &'a str,
    domain: &'a str,
    logon_id: u64,
    logon_type: u32,
    workstation: &'a str,
    process_name: &'a str,
    ip: &'a str,
    port: &'a str,
    logon_process: &'a str,
    auth_package: &'a str,
    lm_package: &'a str,
    elevated: bool,
}

/// A 4625 of the hostile log.
struct Failed<'a> {
    at: u64,
    user: &'a str,
    domain: &'a str,
    status: u32,
    sub_status: u32,
    logon_type: u32,
    workstation: &'a str,
    process_name: &'a str,
    ip: &'a str,
    port: &'a str,
}

impl HostileLog {
    fn time(offset_seconds: u64) -> u64 {
        LOG_START + offset_seconds * SECOND
    }

    fn logon(&mut self, l: &Logon<'_>) -> io::Result<()> {
        let time = Self::time(l.at);
        let fields = LogonFields {
            version: 2,
            subject: Subject {
                sid: NO_SID,
                user: "-",
                domain: "-",
                logon_id: 0,
            },
            target: Subject {
                sid: &l.sid,
                user: l.user,
                domain: l.domain,
                logon_id: l.logon_id,
            },
            logon_type: l.logon_type,
            logon_process: l.logon_process,
            auth_package: l.auth_package,
            workstation: l.workstation,
            logon_guid: ZERO_GUID,
            lm_package: l.lm_package,
            key_length: 0,
            process_id: 0x2a4,
            process_name: l.process_name,
            ip: l.ip,
            port: l.port,
            impersonation: IMPERSONATION,
            restricted_admin: "-",
            outbound_user: "-",
            outbound_domain: "-",
            virtual_account: NOT_ELEVATED,
            linked_logon_id: 0,
            elevated_token: if l.elevated { ELEVATED } else { NOT_ELEVATED },
        };
        let record_id = self.sink.logon(time, HOSTILE_COMPUTER, &fields)?;
        let session = Session {
            user_sid: opt(&l.sid),
            user: opt(l.user),
            domain: opt(l.domain),
            logon_type: Some(l.logon_type),
            logon_type_name: Some(logon_type_name(l.logon_type).into()),
            start: Some(Timestamp(time)),
            logon_events: 1,
            source_ip: opt(l.ip),
            source_port: l.port.parse().ok(),
            workstation: opt(l.workstation),
            logon_process: opt(l.logon_process),
            auth_package: opt(l.auth_package),
            lm_package: opt(l.lm_package),
            process_name: opt(l.process_name),
            elevated: Some(l.elevated),
            record_ids: vec![record_id],
            impersonation_level: Some(message_code_text(IMPERSONATION).into()),
            ..Session::new(HOSTILE_COMPUTER, format!("{:#x}", l.logon_id))
        };
        self.open.insert(l.logon_id, self.sessions.len());
        self.sessions.push(session);
        Ok(())
    }

    /// A 4634 that closes the open session of `logon_id`, or makes an orphan of a session
    /// that started before the log.
    fn logoff(&mut self, at: u64, target: &Subject<'_>, logon_type: u32) -> io::Result<()> {
        let time = Self::time(at);
        let record_id = self
            .sink
            .logoff(time, HOSTILE_COMPUTER, target, Some(logon_type))?;
        let index = match self.open.remove(&target.logon_id) {
            Some(index) => index,
            None => {
                self.sessions.push(Session {
                    user_sid: opt(target.sid),
                    user: opt(target.user),
                    domain: opt(target.domain),
                    logon_type: Some(logon_type),
                    logon_type_name: Some(logon_type_name(logon_type).into()),
                    ..Session::new(HOSTILE_COMPUTER, format!("{:#x}", target.logon_id))
                });
                self.sessions.len() - 1
            }
        };
        let session = &mut self.sessions[index];
        session.record_ids.push(record_id);
        session.end = Some(Timestamp(time));
        session.end_reason = EndReason::Logoff;
        Ok(())
    }

    fn failure(&mut self, f: &Failed<'_>) -> io::Result<()> {
        let time = Self::time(f.at);
        let fields = FailureFields {
            subject: Subject {
                sid: NO_SID,
                user: "-",
                domain: "-",
                logon_id: 0,
            },
            target_sid: NO_SID,
            target_user: f.user,
            target_domain: f.domain,
            status: f.status,
            failure_reason: BAD_PASSWORD,
            sub_status: f.sub_status,
            logon_type: f.logon_type,
            logon_process: "NtLmSsp ",
            auth_package: "NTLM",
            workstation: f.workstation,
            process_id: 0,
            process_name: f.process_name,
            ip: f.ip,
            port: f.port,
        };
        let record_id = self.sink.failure(time, HOSTILE_COMPUTER, &fields)?;
        self.failures.push(Failure {
            computer: HOSTILE_COMPUTER.into(),
            time: Timestamp(time),
            user: opt(f.user),
            domain: opt(f.domain),
            user_sid: opt(NO_SID),
            logon_type: Some(f.logon_type),
            logon_type_name: Some(logon_type_name(f.logon_type).into()),
            status: Some(format!("{:#010x}", f.status).into()),
            sub_status: Some(format!("{:#010x}", f.sub_status).into()),
            reason: failure_reason(Some(f.status), Some(f.sub_status)).map(Text::from),
            failure_reason: Some(message_code_text(BAD_PASSWORD).into()),
            source_ip: opt(f.ip),
            source_port: f.port.parse().ok(),
            workstation: opt(f.workstation),
            process_name: opt(f.process_name),
            logon_process: opt("NtLmSsp "),
            auth_package: opt("NTLM"),
            record_id,
        });
        Ok(())
    }

    fn session_of(&mut self, logon_id: u64) -> io::Result<&mut Session> {
        let index = *self.open.get(&logon_id).ok_or_else(|| {
            io::Error::other(format!("no open session {logon_id:#x} in the hostile log"))
        })?;
        Ok(&mut self.sessions[index])
    }

    fn write(mut self) -> io::Result<(Vec<u8>, Report)> {
        let sid = |rid: u32| format!("{SID_BASE}-{rid}");

        // The log was cleared by an account with a hostile name.
        let cleared_by = sid(1000);
        let by = Subject {
            sid: &cleared_by,
            user: SCRIPT,
            domain: IMG_ONERROR,
            logon_id: 0x3_1337,
        };
        let time = Self::time(0);
        let record_id = self.sink.log_cleared(time, HOSTILE_COMPUTER, &by)?;
        let t = Timestamp(time);
        self.warnings.push(Warning {
            file: Some(HOSTILE_FILE_NAME.to_string()),
            computer: Some(HOSTILE_COMPUTER.to_string()),
            time: Some(t),
            record_id: Some(record_id),
            user: opt(SCRIPT).map(String::from),
            domain: opt(IMG_ONERROR).map(String::from),
            ..Warning::new(
                WarningKind::LogCleared,
                format!(
                    "The audit log of {HOSTILE_COMPUTER} was cleared at {t} by {IMG_ONERROR}\\{SCRIPT}: events before it are missing."
                ),
            )
        });

        // A session that started before the log: only its logoff is in it.
        let orphan_sid = sid(1005);
        self.logoff(
            30,
            &Subject {
                sid: &orphan_sid,
                user: HYPERLINK,
                domain: PLUS_SUM,
                logon_id: 0x5_0001,
            },
            2,
        )?;

        // An interactive logon of an administrator, logged off.
        self.logon(&Logon {
            at: 60,
            sid: sid(1001),
            user: IMG_ONERROR,
            domain: SCRIPT,
            logon_id: 0x1_0001,
            logon_type: 2,
            workstation: HYPERLINK,
            process_name: AT_CMD,
            ip: "127.0.0.1",
            port: "0",
            logon_process: "User32 ",
            auth_package: "Negotiate",
            lm_package: "-",
            elevated: true,
        })?;
        let admin_sid = sid(1001);
        let admin = Subject {
            sid: &admin_sid,
            user: IMG_ONERROR,
            domain: SCRIPT,
            logon_id: 0x1_0001,
        };
        let record_id = self
            .sink
            .special_privileges(Self::time(60), HOSTILE_COMPUTER, &admin)?;
        let session = self.session_of(0x1_0001)?;
        session.admin = true;
        session.record_ids.push(record_id);

        // A remote desktop session with explicit credentials and a disconnect and reconnect,
        // still open when the log ends.
        self.logon(&Logon {
            at: 120,
            sid: sid(1002),
            user: QUOTED,
            domain: MINUS,
            logon_id: 0x2_0001,
            logon_type: 10,
            workstation: CONTROLS,
            process_name: PLUS_SUM,
            ip: "203.0.113.7",
            port: "50123",
            logon_process: "User32 ",
            auth_package: "Negotiate",
            lm_package: "-",
            elevated: false,
        })?;
        let rdp_sid = sid(1002);
        let rdp = Subject {
            sid: &rdp_sid,
            user: QUOTED,
            domain: MINUS,
            logon_id: 0x2_0001,
        };
        // Network logons whose address and names are markup and bidi tricks.
        self.logon(&Logon {
            at: 180,
            sid: sid(1003),
            user: RLO,
            domain: "HOSTILE",
            logon_id: 0x3_0001,
            logon_type: 3,
            workstation: SCRIPT,
            process_name: "-",
            ip: IMG_ONERROR,
            port: "49800",
            logon_process: "NtLmSsp ",
            auth_package: "NTLM",
            lm_package: "NTLM V2",
            elevated: false,
        })?;
        let network_sid = sid(1003);
        self.logoff(
            185,
            &Subject {
                sid: &network_sid,
                user: RLO,
                domain: "HOSTILE",
                logon_id: 0x3_0001,
            },
            3,
        )?;
        self.logon(&Logon {
            at: 240,
            sid: sid(1004),
            user: CONTROLS,
            domain: DDE,
            logon_id: 0x4_0001,
            logon_type: 3,
            workstation: RLO,
            process_name: "-",
            ip: "::1",
            port: "0",
            logon_process: "Kerberos",
            auth_package: "Kerberos",
            lm_package: "-",
            elevated: false,
        })?;
        let other_sid = sid(1004);
        self.logoff(
            250,
            &Subject {
                sid: &other_sid,
                user: CONTROLS,
                domain: DDE,
                logon_id: 0x4_0001,
            },
            3,
        )?;
        let time = Self::time(300);
        let explicit = ExplicitFields {
            subject: rdp.clone(),
            target_user: HYPERLINK,
            target_domain: CONTROLS,
            target_server: SCRIPT,
            target_info: RLO,
            process_id: 0x1f4,
            process_name: RLO,
            ip: "-",
            port: "-",
        };
        let record_id = self
            .sink
            .explicit_credentials(time, HOSTILE_COMPUTER, &explicit)?;
        let session = self.session_of(0x2_0001)?;
        session.record_ids.push(record_id);
        session.explicit_credentials.push(ExplicitCredential {
            time: Timestamp(time),
            record_id,
            target_user: opt(HYPERLINK),
            target_domain: opt(CONTROLS),
            target_server: opt(SCRIPT),
            target_info: opt(RLO),
            process_name: opt(RLO),
            source_ip: None,
        });
        for (at, reconnect) in [(600, false), (900, true)] {
            let time = Self::time(at);
            let record_id = self.sink.rdp(
                time,
                HOSTILE_COMPUTER,
                reconnect,
                &rdp,
                SCRIPT,
                CONTROLS,
                IMG_ONERROR,
            )?;
            let session = self.session_of(0x2_0001)?;
            session.record_ids.push(record_id);
            session.rdp_events.push(RdpEvent {
                time: Timestamp(time),
                record_id,
                action: if reconnect {
                    RdpAction::Reconnect
                } else {
                    RdpAction::Disconnect
                },
                session_name: opt(SCRIPT),
                client_name: opt(CONTROLS),
                client_address: opt(IMG_ONERROR),
            });
        }

        self.logoff(1_800, &admin, 2)?;

        // Failed logons with hostile names, workstations and addresses.
        self.failure(&Failed {
            at: 2_000,
            user: SCRIPT,
            domain: HYPERLINK,
            status: 0xC000_006D,
            sub_status: 0xC000_006A,
            logon_type: 3,
            workstation: IMG_ONERROR,
            process_name: "-",
            ip: "198.51.100.9",
            port: "51515",
        })?;
        self.failure(&Failed {
            at: 2_001,
            user: AT_CMD,
            domain: MINUS,
            status: 0xC000_006D,
            sub_status: 0xC000_0064,
            logon_type: 10,
            workstation: CONTROLS,
            process_name: "-",
            ip: RLO,
            port: "0",
        })?;
        self.failure(&Failed {
            at: 2_002,
            user: QUOTED,
            domain: PLUS_SUM,
            status: 0xC000_0234,
            sub_status: 0,
            logon_type: 2,
            workstation: MINUS,
            process_name: HYPERLINK,
            ip: "-",
            port: "-",
        })?;

        self.finish()
    }

    /// Closes the file and puts the report in the order logonscope gives it.
    fn finish(self) -> io::Result<(Vec<u8>, Report)> {
        let records = self.sink.records();
        let bytes = self.sink.finish()?.into_inner();
        let (mut sessions, mut failures, mut warnings) =
            (self.sessions, self.failures, self.warnings);
        finish_report_parts(&mut sessions, &mut failures, &mut warnings);
        let report = Report {
            files: vec![FileSummary {
                name: HOSTILE_FILE_NAME.to_string(),
                size: bytes.len() as u64,
                records,
                errors: Vec::new(),
            }],
            sessions,
            failures,
            warnings,
        };
        Ok((bytes, report))
    }
}

/// The hostile log ([`HOSTILE_FILE_NAME`], one computer, [`HOSTILE_COMPUTER`]): its bytes and
/// the report logonscope must give for it. Five sessions (one that started before the log, an
/// administrator's, a remote desktop session still open, two network logons), three failed
/// logons and a log clear, with the strings of [`HOSTILE_STRINGS`] in names, domains,
/// workstations, process names, addresses and RDP client fields. No NUL anywhere.
pub fn hostile_log() -> io::Result<(Vec<u8>, Report)> {
    let log = HostileLog {
        sink: RecordSink::new(Cursor::new(Vec::new()), 1)?,
        sessions: Vec::new(),
        open: HashMap::new(),
        failures: Vec::new(),
        warnings: Vec::new(),
    };
    log.write()
}

#[cfg(test)]
mod tests {
    use super::*;
    use logonscope_core::{analyze, scan_bytes};

    #[test]
    fn the_hostile_log_gives_its_expected_report() {
        let (bytes, expected) = hostile_log().unwrap();
        let report = analyze(vec![scan_bytes(HOSTILE_FILE_NAME, &bytes)]);
        assert_eq!(report.files, expected.files);
        assert!(report.files[0].errors.is_empty());
        assert_eq!(report.sessions.len(), 5);
        for (actual, expected) in report.sessions.iter().zip(&expected.sessions) {
            assert_eq!(actual, expected);
        }
        assert_eq!(report, expected);
        assert_eq!(report.failures.len(), 3);
        assert_eq!(report.warnings.len(), 1);
    }

    #[test]
    fn every_hostile_string_is_in_the_report_and_no_nul() {
        let (bytes, report) = hostile_log().unwrap();
        let json = serde_json::to_string(&report).unwrap();
        for hostile in HOSTILE_STRINGS {
            let encoded = serde_json::to_string(hostile).unwrap();
            assert!(
                json.contains(encoded.trim_matches('"')),
                "{hostile:?} is not in the report"
            );
        }
        assert!(!json.contains("\\u0000"), "no NUL character");
        assert!(bytes.len() >= 4096 + 65536, "a file header and a chunk");
    }
}
