//! The rules of `SESSIONS.md`: from events to sessions, failures and log-cleared warnings.
//!
//! Events are deduplicated (a record present in several inputs counts once), grouped by
//! Computer, ordered by (TimeCreated, EventRecordID) and replayed through a small state machine
//! per computer whose state is the set of open sessions keyed by logon id. Rule numbers in the
//! comments are those of `SESSIONS.md`.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::catalog::logon_type_name;
use crate::decode::{failure_reason, message_code_text};
use crate::event::{Event, EventKind, FailedLogon, Logoff, Logon};
use crate::extract::{format_logon_id, format_status};
use crate::report::{
    EndReason, ExplicitCredential, Failure, LockAction, LockEvent, RdpAction, RdpEvent, Session,
    Warning, WarningKind,
};
use crate::time::Timestamp;

/// What the rules make of a set of events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reconstruction {
    /// Ordered by (computer, start with null first, logon_id), then first record id.
    pub sessions: Vec<Session>,
    /// Ordered by (computer, time, record_id).
    pub failures: Vec<Failure>,
    /// One `log_cleared` warning per 1102, ordered like failures.
    pub log_cleared: Vec<Warning>,
}

/// Applies the rules to events of any number of computers and files, in any order.
pub fn reconstruct(events: impl IntoIterator<Item = Event>) -> Reconstruction {
    let mut by_computer: BTreeMap<String, Vec<Event>> = BTreeMap::new();
    let mut seen = HashSet::new();
    for event in events {
        let h = &event.header;
        let identity = (
            h.computer.clone(),
            h.channel.clone(),
            h.record_id,
            h.time,
            h.event_id,
        );
        if seen.insert(identity) {
            by_computer
                .entry(event.header.computer.clone())
                .or_default()
                .push(event);
        }
    }
    let mut result = Reconstruction::default();
    for (computer, mut events) in by_computer {
        events.sort_by_key(|e| (e.header.time, e.header.record_id));
        let mut replay = ComputerReplay::new(computer);
        for event in events {
            replay.apply(event, &mut result);
        }
        replay.end_of_input();
        result.sessions.extend(replay.sessions);
    }
    result.sessions.sort_by(|a, b| {
        (
            &a.computer,
            a.start,
            logon_id_value(a),
            a.record_ids.first(),
        )
            .cmp(&(
                &b.computer,
                b.start,
                logon_id_value(b),
                b.record_ids.first(),
            ))
    });
    for session in &mut result.sessions {
        session.duration_seconds = match (session.start, session.end) {
            (Some(start), Some(end)) => Some(start.seconds_until(end)),
            _ => None,
        };
    }
    result
}

/// Sessions sort by the logon id's value, not its text (`0x10` after `0x9`).
fn logon_id_value(session: &Session) -> u64 {
    crate::extract::parse_logon_id(&session.logon_id).unwrap_or(u64::MAX)
}

/// The replay of one computer's events.
struct ComputerReplay {
    computer: String,
    sessions: Vec<Session>,
    /// Open sessions: logon id -> index in `sessions`.
    open: HashMap<u64, usize>,
}

impl ComputerReplay {
    fn new(computer: String) -> Self {
        ComputerReplay {
            computer,
            sessions: Vec::new(),
            open: HashMap::new(),
        }
    }

    fn apply(&mut self, event: Event, out: &mut Reconstruction) {
        let time = event.header.time;
        let record_id = event.header.record_id;
        match event.kind {
            EventKind::Logon(logon) => self.logon(time, record_id, logon),
            EventKind::UserLogoff(logoff) => {
                // Rule 2 (rule 4 first when no session is open).
                let index = self.open_or_orphan(record_id, &logoff);
                let session = &mut self.sessions[index];
                session.user_logoff_time.get_or_insert(time);
            }
            EventKind::Logoff(logoff) => {
                // Rule 3 (rule 4 first when no session is open).
                let index = self.open_or_orphan(record_id, &logoff);
                self.open.remove(&logoff.logon_id);
                let session = &mut self.sessions[index];
                session.end = Some(time);
                session.end_reason = if session.user_logoff_time.is_some() {
                    EndReason::UserLogoff
                } else {
                    EndReason::Logoff
                };
            }
            EventKind::Startup => self.boundary(time, EndReason::Startup),
            EventKind::Shutdown | EventKind::LogServiceShutdown => {
                self.boundary(time, EndReason::Shutdown)
            }
            EventKind::SpecialPrivileges { logon_id } => {
                if let Some(session) = self.attach(logon_id, record_id) {
                    session.admin = true;
                }
            }
            EventKind::ExplicitCredentials(use_) => {
                if let Some(session) = self.attach(use_.subject_logon_id, record_id) {
                    session.explicit_credentials.push(ExplicitCredential {
                        time,
                        record_id,
                        target_user: use_.target_user,
                        target_domain: use_.target_domain,
                        target_server: use_.target_server,
                        target_info: use_.target_info,
                        process_name: use_.process_name,
                        source_ip: use_.source_ip,
                    });
                }
            }
            EventKind::RdpReconnect(change) | EventKind::RdpDisconnect(change) => {
                let action = if event.header.event_id == 4778 {
                    RdpAction::Reconnect
                } else {
                    RdpAction::Disconnect
                };
                if let Some(session) = self.attach(change.logon_id, record_id) {
                    session.rdp_events.push(RdpEvent {
                        time,
                        record_id,
                        action,
                        session_name: change.session_name,
                        client_name: change.client_name,
                        client_address: change.client_address,
                    });
                }
            }
            EventKind::Locked { logon_id } | EventKind::Unlocked { logon_id } => {
                let action = if event.header.event_id == 4800 {
                    LockAction::Lock
                } else {
                    LockAction::Unlock
                };
                if let Some(session) = self.attach(logon_id, record_id) {
                    session.lock_events.push(LockEvent {
                        time,
                        record_id,
                        action,
                    });
                }
            }
            EventKind::Failure(failure) => {
                out.failures
                    .push(failure_of(&self.computer, time, record_id, failure));
            }
            EventKind::LogCleared(cleared) => {
                let who = match (&cleared.domain, &cleared.user) {
                    (Some(domain), Some(user)) => format!("{domain}\\{user}"),
                    (None, Some(user)) => user.clone(),
                    _ => "an unknown account".to_string(),
                };
                out.log_cleared.push(Warning {
                    kind: WarningKind::LogCleared,
                    file: None,
                    computer: Some(self.computer.clone()),
                    time: Some(time),
                    record_id: Some(record_id),
                    user: cleared.user,
                    domain: cleared.domain,
                    count: None,
                    offset: None,
                    message: format!(
                        "The audit log of {} was cleared at {time} by {who}: events before it are missing.",
                        self.computer
                    ),
                });
            }
        }
    }

    /// Rule 1.
    fn logon(&mut self, time: Timestamp, record_id: u64, logon: Logon) {
        if let Some(&index) = self.open.get(&logon.logon_id) {
            let session = &mut self.sessions[index];
            if session.start.is_some() && same_sid(&session.user_sid, &logon.user_sid) {
                session.logon_events += 1;
                session.record_ids.push(record_id);
                return;
            }
            session.end = None;
            session.end_reason = EndReason::Superseded;
            self.open.remove(&logon.logon_id);
        }
        let session = Session {
            computer: self.computer.clone(),
            logon_id: format_logon_id(logon.logon_id),
            linked_logon_id: logon.linked_logon_id.map(format_logon_id),
            user_sid: logon.user_sid,
            user: logon.user,
            domain: logon.domain,
            logon_type: logon.logon_type,
            logon_type_name: logon.logon_type.map(logon_type_name),
            start: Some(time),
            end: None,
            end_reason: EndReason::LogEnd,
            duration_seconds: None,
            logon_events: 1,
            source_ip: logon.source_ip,
            source_port: logon.source_port,
            workstation: logon.workstation,
            logon_process: logon.logon_process,
            auth_package: logon.auth_package,
            lm_package: logon.lm_package,
            process_name: logon.process_name,
            elevated: logon.elevated,
            admin: false,
            record_ids: vec![record_id],
            user_logoff_time: None,
            impersonation_level: logon.impersonation_level.as_deref().map(message_code_text),
            explicit_credentials: Vec::new(),
            rdp_events: Vec::new(),
            lock_events: Vec::new(),
        };
        self.open.insert(logon.logon_id, self.sessions.len());
        self.sessions.push(session);
    }

    /// The open session of a logoff's logon id, or a new orphan (rule 4); the logoff's record
    /// is added to it either way.
    fn open_or_orphan(&mut self, record_id: u64, logoff: &Logoff) -> usize {
        let index = match self.open.get(&logoff.logon_id) {
            Some(&index) => index,
            None => {
                let index = self.sessions.len();
                self.sessions.push(Session {
                    computer: self.computer.clone(),
                    logon_id: format_logon_id(logoff.logon_id),
                    linked_logon_id: None,
                    user_sid: logoff.user_sid.clone(),
                    user: logoff.user.clone(),
                    domain: logoff.domain.clone(),
                    logon_type: logoff.logon_type,
                    logon_type_name: logoff.logon_type.map(logon_type_name),
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
                });
                self.open.insert(logoff.logon_id, index);
                index
            }
        };
        self.sessions[index].record_ids.push(record_id);
        index
    }

    /// The open session an attached event belongs to, with the event's record added.
    fn attach(&mut self, logon_id: u64, record_id: u64) -> Option<&mut Session> {
        let index = *self.open.get(&logon_id)?;
        let session = &mut self.sessions[index];
        session.record_ids.push(record_id);
        Some(session)
    }

    /// Rule 5: a startup or shutdown closes every open session of the computer.
    fn boundary(&mut self, time: Timestamp, reason: EndReason) {
        for (_, index) in self.open.drain() {
            let session = &mut self.sessions[index];
            match session.user_logoff_time {
                Some(logoff) => {
                    session.end = Some(logoff);
                    session.end_reason = EndReason::UserLogoff;
                }
                None => {
                    session.end = Some(time);
                    session.end_reason = reason;
                }
            }
        }
    }

    /// Rule 6.
    fn end_of_input(&mut self) {
        for (_, index) in self.open.drain() {
            let session = &mut self.sessions[index];
            match session.user_logoff_time {
                Some(logoff) => {
                    session.end = Some(logoff);
                    session.end_reason = EndReason::UserLogoff;
                }
                None => {
                    session.end = None;
                    session.end_reason = EndReason::LogEnd;
                }
            }
        }
    }
}

/// SIDs compare without regard to case (`S-1-5-18` = `s-1-5-18`).
fn same_sid(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (None, None) => true,
        _ => false,
    }
}

fn failure_of(computer: &str, time: Timestamp, record_id: u64, f: FailedLogon) -> Failure {
    Failure {
        computer: computer.to_string(),
        time,
        user: f.user,
        domain: f.domain,
        user_sid: f.user_sid,
        logon_type: f.logon_type,
        logon_type_name: f.logon_type.map(logon_type_name),
        status: f.status.map(format_status),
        sub_status: f.sub_status.map(format_status),
        reason: failure_reason(f.status, f.sub_status),
        failure_reason: f.failure_reason.as_deref().map(message_code_text),
        source_ip: f.source_ip,
        source_port: f.source_port,
        workstation: f.workstation,
        process_name: f.process_name,
        logon_process: f.logon_process,
        auth_package: f.auth_package,
        record_id,
    }
}
