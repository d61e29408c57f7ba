//! The rules of `SESSIONS.md`: from events to sessions, failures and log-cleared warnings.
//!
//! Events are deduplicated (a record present in several inputs counts once), grouped by
//! Computer, ordered by (TimeCreated, EventRecordID) and replayed through a small state machine
//! per computer whose state is the set of open sessions keyed by logon id. Rule numbers in the
//! comments are those of `SESSIONS.md`.

use std::collections::HashMap;

use crate::catalog::logon_type_name;
use crate::decode::{failure_reason, message_code_text};
use crate::event::{Event, EventHeader, EventKind, FailedLogon, Logoff, Logon};
use crate::extract::{format_logon_id, format_status};
use crate::report::{
    EndReason, ExplicitCredential, Failure, LockAction, LockEvent, RdpAction, RdpEvent, Session,
    Warning, WarningKind,
};
use crate::text::{Interner, Text};
use crate::time::Timestamp;

mod order;
use order::ReplayOrder;

/// What the rules make of a set of events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reconstruction {
    /// Ordered by (computer, start with null first, logon_id), ties in processing order.
    pub sessions: Vec<Session>,
    /// Ordered by (computer, time, record_id).
    pub failures: Vec<Failure>,
    /// One `log_cleared` warning per 1102, ordered like failures.
    pub log_cleared: Vec<Warning>,
}

/// Applies the rules to events of any number of computers and files, in any order.
pub fn reconstruct(events: impl IntoIterator<Item = Event>) -> Reconstruction {
    let mut work = Reconstructor::new(events.into_iter().collect());
    loop {
        if let Some(done) = work.step(usize::MAX) {
            return done;
        }
    }
}

/// [`reconstruct`] a slice at a time, for a caller that must not be busy for long at once
/// (the page, whose thread also draws it): each [`step`](Self::step) does a bounded share of
/// the work. Stepping gives the same result however the work is cut.
pub struct Reconstructor {
    events: Vec<Event>,
    /// The events' indexes in replay order, once known, and its making until then.
    order: Option<Vec<u32>>,
    ordering: Option<ReplayOrder>,
    /// How many of `order` have been replayed.
    replayed: usize,
    replay: Option<ComputerReplay>,
    result: Reconstruction,
    texts: DerivedTexts,
}

impl Reconstructor {
    pub fn new(events: Vec<Event>) -> Self {
        Reconstructor {
            events,
            order: None,
            ordering: None,
            replayed: 0,
            replay: None,
            result: Reconstruction::default(),
            texts: DerivedTexts::default(),
        }
    }

    /// How many events there are to replay (a measure of the work, for progress): once
    /// they are ordered, without the copies of records read twice.
    pub fn events(&self) -> usize {
        self.order.as_ref().map_or(self.events.len(), Vec::len)
    }

    /// How many events have been replayed.
    pub fn replayed(&self) -> usize {
        self.replayed
    }

    /// Does the next share of the work, of about `events` events: ordering them, replaying
    /// them (each computer's sessions sorted once its events are replayed), freeing them.
    /// Gives the result at the end, after which the reconstructor has nothing left to give.
    pub fn step(&mut self, events: usize) -> Option<Reconstruction> {
        let events = events.max(1);
        let Some(order) = self.order.as_ref() else {
            let ordering = self
                .ordering
                .get_or_insert_with(|| ReplayOrder::new(self.events.len()));
            if let Some(order) = ordering.step(&self.events, events) {
                // Every computer's sessions go into one vector, in replay order, each
                // computer's sorted at its end: made room for at once, it is not copied as
                // it grows, nor again to join the computers'. (Sessions beyond the logons,
                // orphans, are few; if not, the vector grows as any does.)
                self.result.sessions.reserve(ordering.logons());
                self.order = Some(order);
                self.ordering = None;
            }
            return None;
        };
        if self.replayed < order.len() {
            let end = order.len().min(self.replayed.saturating_add(events));
            for &index in order.get(self.replayed..end).unwrap_or_default() {
                let Some(event) = self.events.get_mut(index as usize) else {
                    continue;
                };
                if self
                    .replay
                    .as_ref()
                    .is_none_or(|replay| replay.computer != event.header.computer)
                {
                    if let Some(done) = self.replay.take() {
                        self.result.sessions = done.finish();
                    }
                    let sessions = std::mem::take(&mut self.result.sessions);
                    let computer = event.header.computer.clone();
                    self.replay = Some(ComputerReplay::new(computer, sessions));
                }
                if let Some(replay) = self.replay.as_mut() {
                    // The event's fields move into the sessions (no text is copied); what is
                    // left of the event is dropped with the others at the end.
                    let kind = std::mem::replace(&mut event.kind, EventKind::Startup);
                    replay.apply(&event.header, kind, &mut self.result, &mut self.texts);
                }
            }
            self.replayed = end;
            return None;
        }
        if let Some(done) = self.replay.take() {
            self.result.sessions = done.finish();
            return None;
        }
        if !self.events.is_empty() {
            // Dropped from the end, a slice at a time, then freed.
            self.events
                .truncate(self.events.len().saturating_sub(events));
            if self.events.is_empty() {
                self.events = Vec::new();
            }
            return None;
        }
        self.replayed = 0;
        self.order = Some(Vec::new());
        Some(std::mem::take(&mut self.result))
    }
}

/// The replay of one computer's events.
struct ComputerReplay {
    computer: Text,
    /// The sessions of the computers replayed before, then this one's, from `first` on.
    sessions: Vec<Session>,
    first: usize,
    /// The logon ids of this computer's sessions, as numbers (the sessions hold them as
    /// text): they order sessions that start together.
    logon_ids: Vec<u64>,
    /// Open sessions: logon id -> index in `sessions`. (Looked up for every event: foldhash,
    /// seeded, is several times cheaper than the standard hasher on a number.)
    open: HashMap<u64, usize, foldhash::quality::RandomState>,
}

impl ComputerReplay {
    /// The replay of `computer`, whose sessions follow `sessions`.
    fn new(computer: Text, sessions: Vec<Session>) -> Self {
        ComputerReplay {
            computer,
            first: sessions.len(),
            sessions,
            logon_ids: Vec::new(),
            open: HashMap::default(),
        }
    }

    fn apply(
        &mut self,
        header: &EventHeader,
        kind: EventKind,
        out: &mut Reconstruction,
        texts: &mut DerivedTexts,
    ) {
        let time = header.time;
        let record_id = header.record_id;
        match kind {
            EventKind::Logon(logon) => self.logon(time, record_id, *logon, texts),
            EventKind::UserLogoff(logoff) => {
                // Rule 2 (rule 4 first when no session is open).
                let index = self.open_or_orphan(record_id, &logoff, texts);
                let session = &mut self.sessions[index];
                session.user_logoff_time.get_or_insert(time);
            }
            EventKind::Logoff(logoff) => {
                // Rule 3 (rule 4 first when no session is open).
                let index = self.open_or_orphan(record_id, &logoff, texts);
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
                let action = if header.event_id == 4778 {
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
                let action = if header.event_id == 4800 {
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
                    .push(failure_of(&self.computer, time, record_id, *failure, texts));
            }
            EventKind::LogCleared(cleared) => {
                let who = match (&cleared.domain, &cleared.user) {
                    (Some(domain), Some(user)) => format!("{domain}\\{user}"),
                    (None, Some(user)) => user.to_string(),
                    _ => "an unknown account".to_string(),
                };
                let message = format!(
                    "The audit log of {} was cleared at {time} by {who}: events before it are missing.",
                    self.computer
                );
                out.log_cleared.push(Warning {
                    computer: Some(self.computer.to_string()),
                    time: Some(time),
                    record_id: Some(record_id),
                    user: cleared.user.map(String::from),
                    domain: cleared.domain.map(String::from),
                    ..Warning::new(WarningKind::LogCleared, message)
                });
            }
        }
    }

    /// Rule 1.
    fn logon(&mut self, time: Timestamp, record_id: u64, logon: Logon, texts: &mut DerivedTexts) {
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
            logon_type_name: logon.logon_type.map(|t| texts.logon_type_name(t)),
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
            record_ids: first_record(record_id),
            user_logoff_time: None,
            impersonation_level: logon
                .impersonation_level
                .as_ref()
                .map(|code| texts.code_text(code)),
            explicit_credentials: Vec::new(),
            rdp_events: Vec::new(),
            lock_events: Vec::new(),
        };
        self.open.insert(logon.logon_id, self.sessions.len());
        self.sessions.push(session);
        self.logon_ids.push(logon.logon_id);
    }

    /// The open session of a logoff's logon id, or a new orphan (rule 4); the logoff's record
    /// is added to it either way.
    fn open_or_orphan(
        &mut self,
        record_id: u64,
        logoff: &Logoff,
        texts: &mut DerivedTexts,
    ) -> usize {
        let index = match self.open.get(&logoff.logon_id) {
            Some(&index) => index,
            None => {
                let index = self.sessions.len();
                self.sessions.push(Session {
                    user_sid: logoff.user_sid.clone(),
                    user: logoff.user.clone(),
                    domain: logoff.domain.clone(),
                    logon_type: logoff.logon_type,
                    logon_type_name: logoff.logon_type.map(|t| texts.logon_type_name(t)),
                    ..Session::new(self.computer.clone(), format_logon_id(logoff.logon_id))
                });
                self.logon_ids.push(logoff.logon_id);
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
    /// Ends the replay: sessions still open stay open (or end at a 4647), and the computer's
    /// sessions are sorted by (start, logon id) and given their durations; gives back all the
    /// sessions (those of the computers before, then this one's). Sorting each
    /// computer's sessions sorts them all by (computer, start, logon id), since computers come
    /// in order. The sort is stable: sessions that tie (orphans of one logon id) stay in
    /// processing order.
    fn finish(mut self) -> Vec<Session> {
        self.end_of_input();
        let mut sessions = self.sessions;
        let own = sessions.get_mut(self.first..).unwrap_or_default();
        let logon_ids = &self.logon_ids;
        let key = |at: usize| {
            (
                own[at].start,
                logon_ids.get(at).copied().unwrap_or(u64::MAX),
            )
        };
        // Sessions open in time order, so they often are sorted already (orphans, which have
        // no start, are what usually is not): the keys are only gathered to sort.
        if !(1..own.len()).all(|at| key(at - 1) <= key(at)) {
            let keys: Vec<_> = (0..own.len()).map(key).collect();
            sort_by_keys(own, keys);
        }
        for session in own {
            session.duration_seconds = match (session.start, session.end) {
                (Some(start), Some(end)) => Some(start.seconds_until(end)),
                _ => None,
            };
        }
        sessions
    }

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

/// Sorts `items` by `keys` (one per item), stably: what `sort_by_cached_key` does, with the
/// keys at hand (an item is moved once, into its place).
fn sort_by_keys<T, K: Ord>(items: &mut [T], keys: Vec<K>) {
    let mut order: Vec<(K, usize)> = keys.into_iter().zip(0..).collect();
    // (Unstable on distinct pairs: the index breaks ties, so the sort is stable.)
    order.sort_unstable();
    // Item `i` takes the one that belongs there; where that one was taken already (moved to
    // an earlier place), it is followed to where it went.
    for i in 0..order.len() {
        let mut from = order[i].1;
        while from < i {
            from = order[from].1;
        }
        order[i].1 = from;
        items.swap(i, from);
    }
}

/// The record ids of a new session, room made for the few records that usually follow (its
/// 4672, its logoff): growing from one would reallocate for most sessions.
fn first_record(record_id: u64) -> Vec<u64> {
    let mut record_ids = Vec::with_capacity(4);
    record_ids.push(record_id);
    record_ids
}

/// SIDs compare without regard to case (`S-1-5-18` = `s-1-5-18`).
fn same_sid(a: &Option<Text>, b: &Option<Text>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (None, None) => true,
        _ => false,
    }
}

/// The texts the rules derive (logon type names, the words of `%%` codes, status codes): the
/// same few on every session and failure, each made once and shared.
#[derive(Default)]
struct DerivedTexts {
    logon_types: HashMap<u32, Text, foldhash::quality::RandomState>,
    /// By the code as logged (a log may hold any text there: the map is bounded).
    codes: HashMap<Text, Text, foldhash::quality::RandomState>,
    /// Status codes as text, and the reason of each (status, sub-status): formatted once, not
    /// for every failure (any number may be logged: these maps are bounded too).
    statuses: HashMap<u32, Text, foldhash::quality::RandomState>,
    reasons: HashMap<(Option<u32>, Option<u32>), Option<Text>, foldhash::quality::RandomState>,
    texts: Interner,
}

/// How many distinct `%%` codes (and status codes, and reasons) [`DerivedTexts`] remembers
/// before it starts afresh.
const CODES_LIMIT: usize = 1 << 12;

impl DerivedTexts {
    fn logon_type_name(&mut self, logon_type: u32) -> Text {
        self.logon_types
            .entry(logon_type)
            .or_insert_with(|| Text::from(logon_type_name(logon_type)))
            .clone()
    }

    fn code_text(&mut self, code: &Text) -> Text {
        if let Some(text) = self.codes.get(code) {
            return text.clone();
        }
        if self.codes.len() >= CODES_LIMIT {
            self.codes.clear();
        }
        let text = self.texts.intern(&message_code_text(code));
        self.codes.insert(code.clone(), text.clone());
        text
    }

    fn status(&mut self, status: u32) -> Text {
        if let Some(text) = self.statuses.get(&status) {
            return text.clone();
        }
        if self.statuses.len() >= CODES_LIMIT {
            self.statuses.clear();
        }
        let text = self.texts.intern(&format_status(status));
        self.statuses.insert(status, text.clone());
        text
    }

    fn reason(&mut self, status: Option<u32>, sub_status: Option<u32>) -> Option<Text> {
        if let Some(text) = self.reasons.get(&(status, sub_status)) {
            return text.clone();
        }
        if self.reasons.len() >= CODES_LIMIT {
            self.reasons.clear();
        }
        let text = failure_reason(status, sub_status).map(|reason| self.texts.intern(&reason));
        self.reasons.insert((status, sub_status), text.clone());
        text
    }
}

fn failure_of(
    computer: &Text,
    time: Timestamp,
    record_id: u64,
    f: FailedLogon,
    texts: &mut DerivedTexts,
) -> Failure {
    Failure {
        computer: computer.clone(),
        time,
        user: f.user,
        domain: f.domain,
        user_sid: f.user_sid,
        logon_type: f.logon_type,
        logon_type_name: f.logon_type.map(|t| texts.logon_type_name(t)),
        status: f.status.map(|s| texts.status(s)),
        sub_status: f.sub_status.map(|s| texts.status(s)),
        reason: texts.reason(f.status, f.sub_status),
        failure_reason: f.failure_reason.as_ref().map(|code| texts.code_text(code)),
        source_ip: f.source_ip,
        source_port: f.source_port,
        workstation: f.workstation,
        process_name: f.process_name,
        logon_process: f.logon_process,
        auth_package: f.auth_package,
        record_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{ExplicitCredentialUse, LogCleared, RdpChange};

    const T0: u64 = 133_000_000_000_000_000;

    fn at(seconds: u64) -> Timestamp {
        Timestamp(T0 + seconds * 10_000_000)
    }

    fn event(
        computer: &str,
        record_id: u64,
        seconds: u64,
        event_id: u16,
        kind: EventKind,
    ) -> Event {
        Event {
            header: EventHeader {
                computer: computer.into(),
                channel: "Security".into(),
                record_id,
                time: at(seconds),
                event_id,
            },
            kind,
        }
    }

    fn logon(logon_id: u64, sid: &str) -> EventKind {
        EventKind::Logon(Box::new(Logon {
            logon_id,
            user_sid: Some(sid.into()),
            user: Some(format!("user-{sid}").into()),
            logon_type: Some(2),
            ..Logon::default()
        }))
    }

    fn logoff(logon_id: u64) -> EventKind {
        EventKind::Logoff(Logoff {
            logon_id,
            user_sid: Some("S-1-5-21-9".into()),
            user: Some("late".into()),
            logon_type: Some(3),
            ..Logoff::default()
        })
    }

    fn user_logoff(logon_id: u64) -> EventKind {
        EventKind::UserLogoff(Logoff {
            logon_id,
            user_sid: Some("S-1-5-21-9".into()),
            user: Some("late".into()),
            ..Logoff::default()
        })
    }

    /// Events on one computer "PC", numbered and timed in the order given.
    fn on_pc(kinds: Vec<(u16, EventKind)>) -> Vec<Event> {
        kinds
            .into_iter()
            .enumerate()
            .map(|(i, (id, kind))| event("PC", i as u64 + 1, i as u64 * 10, id, kind))
            .collect()
    }

    #[test]
    fn rule1_logon_opens_and_repeat_logon_joins() {
        let r = reconstruct(on_pc(vec![
            (4624, logon(0x3e7, "S-1-5-18")),
            (4624, logon(0x3e7, "S-1-5-18")),
            (4624, logon(0x3e7, "s-1-5-18")),
        ]));
        assert_eq!(r.sessions.len(), 1);
        let s = &r.sessions[0];
        assert_eq!(s.logon_events, 3);
        assert_eq!(s.record_ids, vec![1, 2, 3]);
        assert_eq!(s.start, Some(at(0)));
        assert_eq!((s.end, s.end_reason), (None, EndReason::LogEnd));
        assert_eq!(s.logon_id, "0x3e7");
    }

    #[test]
    fn rule1_other_sid_supersedes() {
        let r = reconstruct(on_pc(vec![
            (4624, logon(0x10, "S-1")),
            (4624, logon(0x10, "S-2")),
        ]));
        assert_eq!(r.sessions.len(), 2);
        assert_eq!(r.sessions[0].end_reason, EndReason::Superseded);
        assert_eq!(r.sessions[0].end, None);
        assert_eq!(r.sessions[0].duration_seconds, None);
        assert_eq!(r.sessions[1].user_sid.as_deref(), Some("S-2"));
        assert_eq!(r.sessions[1].end_reason, EndReason::LogEnd);
    }

    #[test]
    fn rule1_logon_into_an_orphan_supersedes_it_even_after_4647() {
        let r = reconstruct(on_pc(vec![
            (4647, user_logoff(0x10)),
            (4624, logon(0x10, "S-1-5-21-9")),
        ]));
        assert_eq!(r.sessions.len(), 2);
        let orphan = &r.sessions[0];
        assert_eq!(orphan.start, None);
        assert_eq!(
            (orphan.end, orphan.end_reason),
            (None, EndReason::Superseded)
        );
        assert_eq!(orphan.user_logoff_time, Some(at(0)));
        assert_eq!(r.sessions[1].start, Some(at(10)));
    }

    #[test]
    fn rules2_and_3_user_logoff_then_logoff() {
        let r = reconstruct(on_pc(vec![
            (4624, logon(0x10, "S-1")),
            (4647, user_logoff(0x10)),
            (4647, user_logoff(0x10)),
            (4634, logoff(0x10)),
        ]));
        let s = &r.sessions[0];
        assert_eq!(s.user_logoff_time, Some(at(10)), "first 4647 wins");
        assert_eq!((s.end, s.end_reason), (Some(at(30)), EndReason::UserLogoff));
        assert_eq!(s.duration_seconds, Some(30.0));
        assert_eq!(s.record_ids, vec![1, 2, 3, 4]);
        // The logon's fields stay: the logoff's user does not overwrite them.
        assert_eq!(s.user.as_deref(), Some("user-S-1"));
    }

    #[test]
    fn rule3_plain_logoff() {
        let r = reconstruct(on_pc(vec![
            (4624, logon(0x10, "S-1")),
            (4634, logoff(0x10)),
        ]));
        assert_eq!(r.sessions[0].end_reason, EndReason::Logoff);
        assert_eq!(r.sessions[0].duration_seconds, Some(10.0));
    }

    #[test]
    fn rule4_orphans_from_4634_and_4647() {
        let r = reconstruct(on_pc(vec![(4634, logoff(0x20)), (4647, user_logoff(0x30))]));
        assert_eq!(r.sessions.len(), 2);
        let by_4634 = &r.sessions[0];
        assert_eq!(by_4634.logon_id, "0x20");
        assert_eq!(by_4634.start, None);
        assert_eq!(
            (by_4634.end, by_4634.end_reason),
            (Some(at(0)), EndReason::Logoff)
        );
        assert_eq!(by_4634.logon_type, Some(3));
        assert_eq!(by_4634.logon_type_name.as_deref(), Some("Network"));
        assert_eq!(by_4634.user.as_deref(), Some("late"));
        assert_eq!(by_4634.logon_events, 0);
        assert_eq!(by_4634.duration_seconds, None);
        let by_4647 = &r.sessions[1];
        assert_eq!(by_4647.logon_type, None);
        assert_eq!(by_4647.logon_type_name, None);
        // Rule 6: still open at the end, but its user logged off.
        assert_eq!(
            (by_4647.end, by_4647.end_reason),
            (Some(at(10)), EndReason::UserLogoff)
        );
    }

    #[test]
    fn rule5_boundaries_close_sessions_of_their_computer_only() {
        let mut events = on_pc(vec![
            (4624, logon(0x10, "S-1")),
            (4624, logon(0x11, "S-2")),
            (4647, user_logoff(0x11)),
            (1100, EventKind::LogServiceShutdown),
            (4608, EventKind::Startup),
            (4624, logon(0x10, "S-1")),
            (4608, EventKind::Startup),
            (4624, logon(0x10, "S-1")),
            (4609, EventKind::Shutdown),
        ]);
        events.push(event("OTHER", 1, 5, 4624, logon(0x10, "S-1")));
        let r = reconstruct(events);
        let pc: Vec<&Session> = r.sessions.iter().filter(|s| s.computer == "PC").collect();
        assert_eq!(pc.len(), 4);
        assert_eq!(
            (pc[0].end, pc[0].end_reason),
            (Some(at(30)), EndReason::Shutdown)
        );
        assert_eq!(
            (pc[1].end, pc[1].end_reason),
            (Some(at(20)), EndReason::UserLogoff)
        );
        // The same logon id after a reboot is a new session, not a repeat logon.
        assert_eq!(pc[2].start, Some(at(50)));
        assert_eq!(
            (pc[2].end, pc[2].end_reason),
            (Some(at(60)), EndReason::Startup)
        );
        assert_eq!(
            (pc[3].end, pc[3].end_reason),
            (Some(at(80)), EndReason::Shutdown)
        );
        let other = r.sessions.iter().find(|s| s.computer == "OTHER").unwrap();
        assert_eq!((other.end, other.end_reason), (None, EndReason::LogEnd));
    }

    #[test]
    fn sort_by_keys_is_a_stable_sort() {
        // Items tagged with their first place; keys with many ties, in a scrambled order.
        for length in [0, 1, 2, 3, 10, 257] {
            let keys: Vec<u32> = (0..length).map(|i: u32| (i * 7919 + 13) % 11).collect();
            let mut items: Vec<(u32, usize)> = keys.iter().copied().zip(0..).collect();
            let mut expected = items.clone();
            expected.sort_by_key(|(key, _)| *key);
            sort_by_keys(&mut items, keys);
            assert_eq!(items, expected, "{length} items");
        }
    }

    #[test]
    fn sessions_that_start_together_sort_by_logon_id_value() {
        // 0x10 after 0x9 (by value, not text); the orphan (no start) first.
        let mut events = vec![
            event("PC", 1, 100, 4624, logon(0x10, "S-1-5-21-1")),
            event("PC", 2, 100, 4624, logon(0x9, "S-1-5-21-2")),
            event("PC", 3, 200, 4634, logoff(0x77)),
        ];
        events.reverse();
        let sessions = reconstruct(events).sessions;
        let ids: Vec<&str> = sessions.iter().map(|s| s.logon_id.as_str()).collect();
        assert_eq!(ids, ["0x77", "0x9", "0x10"]);
    }

    #[test]
    fn same_logon_id_on_two_computers_are_two_sessions() {
        let events = vec![
            event("B", 1, 0, 4624, logon(0x3e7, "S-1-5-18")),
            event("A", 1, 0, 4624, logon(0x3e7, "S-1-5-18")),
            event("A", 2, 5, 4634, logoff(0x3e7)),
        ];
        let r = reconstruct(events);
        assert_eq!(r.sessions.len(), 2);
        assert_eq!(r.sessions[0].computer, "A");
        assert_eq!(r.sessions[0].end_reason, EndReason::Logoff);
        assert_eq!(r.sessions[1].computer, "B");
        assert_eq!(r.sessions[1].end_reason, EndReason::LogEnd);
    }

    #[test]
    fn order_is_time_then_record_id_whatever_the_input_order() {
        // Given out of order: the logoff (time 20) before the logon (time 10).
        let events = vec![
            event("PC", 7, 20, 4634, logoff(0x10)),
            event("PC", 5, 10, 4624, logon(0x10, "S-1")),
            // Same time as the logon, lower record id: processed first, so it is an orphan.
            event("PC", 4, 10, 4634, logoff(0x10)),
        ];
        let r = reconstruct(events);
        assert_eq!(r.sessions.len(), 2);
        assert_eq!(r.sessions[0].start, None);
        assert_eq!(r.sessions[0].record_ids, vec![4]);
        assert_eq!(r.sessions[1].start, Some(at(10)));
        assert_eq!(r.sessions[1].end, Some(at(20)));
    }

    #[test]
    fn duplicates_count_once() {
        let once = on_pc(vec![(4624, logon(0x10, "S-1")), (4624, logon(0x10, "S-1"))]);
        let mut twice = once.clone();
        twice.extend(once.clone());
        assert_eq!(reconstruct(twice), reconstruct(once.clone()));
        assert_eq!(reconstruct(once).sessions[0].logon_events, 2);
    }

    #[test]
    fn attached_events_need_an_open_session() {
        let rdp = |id| RdpChange {
            logon_id: 0x10,
            session_name: Some("RDP-Tcp#1".into()),
            client_name: Some(format!("CLIENT{id}").into()),
            client_address: Some("10.0.0.1".into()),
        };
        let r = reconstruct(on_pc(vec![
            (4672, EventKind::SpecialPrivileges { logon_id: 0x10 }),
            (4624, logon(0x10, "S-1")),
            (4672, EventKind::SpecialPrivileges { logon_id: 0x10 }),
            (
                4648,
                EventKind::ExplicitCredentials(Box::new(ExplicitCredentialUse {
                    subject_logon_id: 0x10,
                    target_user: Some("admin".into()),
                    target_server: Some("fs01".into()),
                    ..ExplicitCredentialUse::default()
                })),
            ),
            (4779, EventKind::RdpDisconnect(rdp(1))),
            (4778, EventKind::RdpReconnect(rdp(2))),
            (4800, EventKind::Locked { logon_id: 0x10 }),
            (4801, EventKind::Unlocked { logon_id: 0x10 }),
            (4634, logoff(0x10)),
            (4672, EventKind::SpecialPrivileges { logon_id: 0x10 }),
        ]));
        assert_eq!(r.sessions.len(), 1);
        let s = &r.sessions[0];
        assert!(s.admin);
        assert_eq!(s.record_ids, vec![2, 3, 4, 5, 6, 7, 8, 9]);
        assert_eq!(s.explicit_credentials.len(), 1);
        assert_eq!(
            s.explicit_credentials[0].target_server.as_deref(),
            Some("fs01")
        );
        let actions: Vec<RdpAction> = s.rdp_events.iter().map(|e| e.action).collect();
        assert_eq!(actions, vec![RdpAction::Disconnect, RdpAction::Reconnect]);
        assert_eq!(s.rdp_events[1].client_name.as_deref(), Some("CLIENT2"));
        let locks: Vec<LockAction> = s.lock_events.iter().map(|e| e.action).collect();
        assert_eq!(locks, vec![LockAction::Lock, LockAction::Unlock]);
        // Attached events never change start or end.
        assert_eq!((s.start, s.end), (Some(at(10)), Some(at(80))));
    }

    #[test]
    fn failures_and_log_clears() {
        let failure = EventKind::Failure(Box::new(FailedLogon {
            user: Some("bob".into()),
            status: Some(0xC000006D),
            sub_status: Some(0xC0000064),
            failure_reason: Some("%%2313".into()),
            logon_type: Some(3),
            ..FailedLogon::default()
        }));
        let cleared = EventKind::LogCleared(LogCleared {
            user: Some("Administrator".into()),
            domain: Some("CORP".into()),
        });
        let r = reconstruct(on_pc(vec![(4625, failure), (1102, cleared)]));
        assert!(r.sessions.is_empty());
        let f = &r.failures[0];
        assert_eq!(f.status.as_deref(), Some("0xc000006d"));
        assert_eq!(f.sub_status.as_deref(), Some("0xc0000064"));
        assert_eq!(
            f.reason.as_deref(),
            Some("User logon with misspelled or bad user account")
        );
        assert_eq!(
            f.failure_reason.as_deref(),
            Some("Unknown user name or bad password.")
        );
        assert_eq!(f.logon_type_name.as_deref(), Some("Network"));
        let w = &r.log_cleared[0];
        assert_eq!(w.kind, WarningKind::LogCleared);
        assert_eq!((w.time, w.record_id), (Some(at(10)), Some(2)));
        assert!(w.message.contains("CORP\\Administrator"), "{}", w.message);
    }

    #[test]
    fn sessions_sort_by_computer_start_and_numeric_logon_id() {
        let events = vec![
            event("PC", 1, 10, 4624, logon(0x10, "S-1")),
            event("PC", 2, 10, 4624, logon(0x9, "S-1")),
            event("PC", 3, 30, 4634, logoff(0x50)),
            event("AAA", 1, 50, 4624, logon(0x1, "S-1")),
        ];
        let r = reconstruct(events);
        let order: Vec<(&str, &str)> = r
            .sessions
            .iter()
            .map(|s| (s.computer.as_str(), s.logon_id.as_str()))
            .collect();
        assert_eq!(
            order,
            vec![
                ("AAA", "0x1"),
                ("PC", "0x50"),
                ("PC", "0x9"),
                ("PC", "0x10")
            ]
        );
    }
}
