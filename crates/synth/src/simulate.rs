//! The simulation behind a synthetic log: computers that boot, crash and shut down, people and
//! services that log on and off, attackers that guess passwords, all written to an EVTX file in
//! time order, while the simulation records the report that logonscope must produce.
//!
//! The expected report is kept by the simulation's own bookkeeping, not by replaying the
//! written events through the rules: the simulation knows which session each event belongs to
//! and how each session really ended, so the round trip tests parsing, extraction and the rules
//! against an independent account of the truth. It is a discrete-event simulation: a heap of
//! pending actions ordered by (time, sequence), so that memory holds the open sessions and the
//! expected report, never the whole log.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::io::{self, Seek, Write};

use logonscope_core::catalog::logon_type_name;
use logonscope_core::decode::{failure_reason, message_code_text};
use logonscope_core::report::{
    EndReason, ExplicitCredential, Failure, FileSummary, LockAction, LockEvent, RdpAction,
    RdpEvent, Report, Session, Warning, WarningKind,
};
use logonscope_core::text::Text;
use logonscope_core::time::{TICKS_PER_SECOND, Timestamp};

use crate::people::{
    ATTACKERS, Account, CLIENTS, CREDENTIAL_USERS, DOMAIN, PEOPLE, PROGRAMS, SERVICE_ACCOUNTS,
    SPRAYED_NAMES, computer_name, short_name,
};
use crate::records::{
    BAD_PASSWORD, ELEVATED, ExplicitFields, FailureFields, IMPERSONATION, LogonFields, NO_SID,
    NOT_ELEVATED, RecordSink, Subject, ZERO_GUID,
};
use crate::rng::Rng;

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthOptions {
    /// How many logon sessions arrive (the report also holds the sessions of system accounts,
    /// of split tokens and unlocks, and a few orphans, so it has more).
    pub sessions: u64,
    /// How many computers write into the log.
    pub computers: u32,
    /// The same seed gives the same file.
    pub seed: u64,
}

impl SynthOptions {
    /// Roughly how many bytes the log will have (for progress bars).
    pub fn estimated_size(&self) -> u64 {
        self.sessions.saturating_mul(3_400) + 128 * 1024
    }
}

const SECOND: u64 = TICKS_PER_SECOND;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;
/// 2024-03-04T08:00:00Z, where simulated logs start (before the seed's shift).
const LOG_START: u64 = 133_540_128_000_000_000;
const SYSTEM_SID: &str = "S-1-5-18";
const SYSTEM_LOGON_ID: u64 = 0x3e7;
const WINLOGON: &str = "C:\\Windows\\System32\\winlogon.exe";
const SERVICES: &str = "C:\\Windows\\System32\\services.exe";
const SVCHOST: &str = "C:\\Windows\\System32\\svchost.exe";

/// Writes a synthetic Security log named `name` to `out` and returns the report logonscope
/// must produce for it. `progress` is told the bytes written so far, now and then.
pub fn write_log<W: Write + Seek>(
    name: &str,
    out: W,
    options: &SynthOptions,
    progress: impl FnMut(u64),
) -> io::Result<(W, Report)> {
    let mut simulation = Simulation::new(out, options, progress)?;
    simulation.run()?;
    simulation.finish(name)
}

/// The seed of the demo log that the page and `logonscope demo` offer.
pub const DEMO_SEED: u64 = 2026;

/// The built-in demo log: the bytes of a small multi-computer log and its report.
pub fn demo_log(seed: u64) -> io::Result<(Vec<u8>, Report)> {
    let options = SynthOptions {
        sessions: 400,
        computers: 3,
        seed,
    };
    log_in_memory("demo.evtx", &options)
}

/// A log written in memory: its bytes and its report. (Not generic: the browser's worker
/// calls it, and its code stays compiled for size with the rest of this crate.)
pub fn log_in_memory(name: &str, options: &SynthOptions) -> io::Result<(Vec<u8>, Report)> {
    let (cursor, report) = write_log(name, io::Cursor::new(Vec::new()), options, |_| {})?;
    Ok((cursor.into_inner(), report))
}

/// How a session's story ends, decided when it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// A 4634.
    Logoff,
    /// A 4647, then a 4634 a few seconds later.
    UserLogoffThenLogoff,
    /// A 4647 and nothing else.
    UserLogoffOnly,
    /// Nothing: open until the machine goes down or the log ends.
    Open,
    /// Another account's 4624 reuses its logon id.
    Superseded,
}

/// The kinds of logon the simulation makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LogonKind {
    Interactive,
    Network,
    Batch,
    Service,
    Unlock,
    NetworkCleartext,
    NewCredentials,
    RemoteInteractive,
    CachedInteractive,
}

impl LogonKind {
    fn logon_type(self) -> u32 {
        match self {
            LogonKind::Interactive => 2,
            LogonKind::Network => 3,
            LogonKind::Batch => 4,
            LogonKind::Service => 5,
            LogonKind::Unlock => 7,
            LogonKind::NetworkCleartext => 8,
            LogonKind::NewCredentials => 9,
            LogonKind::RemoteInteractive => 10,
            LogonKind::CachedInteractive => 11,
        }
    }

    /// Someone sits in front of the session (it can lock, disconnect, log off by hand).
    fn is_desktop(self) -> bool {
        matches!(
            self,
            LogonKind::Interactive | LogonKind::RemoteInteractive | LogonKind::CachedInteractive
        )
    }
}

/// An account as the events name it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Identity {
    sid: String,
    user: String,
    domain: String,
}

impl Identity {
    fn of(account: &Account) -> Identity {
        Identity {
            sid: account.sid(),
            user: account.user.to_string(),
            domain: DOMAIN.to_string(),
        }
    }

    fn builtin(sid: &str, user: &str, domain: &str) -> Identity {
        Identity {
            sid: sid.to_string(),
            user: user.to_string(),
            domain: domain.to_string(),
        }
    }

    fn subject(&self, logon_id: u64) -> Subject<'_> {
        Subject {
            sid: &self.sid,
            user: &self.user,
            domain: &self.domain,
            logon_id,
        }
    }
}

/// What the simulation needs to write more events of a session.
#[derive(Debug, Clone)]
struct Live {
    machine: usize,
    logon_id: u64,
    identity: Identity,
    logon_type: u32,
    client: usize,
}

/// A record planned for later, with the session it belongs to.
#[derive(Debug, Clone)]
enum Planned {
    Logoff {
        session: usize,
    },
    UserLogoff {
        session: usize,
    },
    Explicit {
        session: usize,
        target: usize,
        process: usize,
        server: u32,
    },
    Rdp {
        session: usize,
        reconnect: bool,
    },
    Lock {
        session: usize,
    },
    /// Unlocks `session`: a short type 7 logon, then the 4801.
    Unlock {
        session: usize,
    },
    Process {
        session: usize,
        created: bool,
        pid: u64,
        image: usize,
    },
    Failure(PlannedFailure),
    OrphanLogoff {
        logon_id: u64,
        account: usize,
        logon_type: Option<u32>,
    },
}

#[derive(Debug, Clone)]
struct PlannedFailure {
    name: String,
    logon_type: u32,
    status: u32,
    sub_status: u32,
    ip: &'static str,
    workstation: &'static str,
}

#[derive(Debug, Clone)]
enum Action {
    Arrival,
    Record(Planned),
    Supersede { old: usize },
    ServiceTick,
    Shutdown,
    Startup,
    Crash,
    Spray,
    EndOfLog,
}

struct Pending {
    time: u64,
    sequence: u64,
    machine: usize,
    /// The machine's boot this action belongs to: it is dropped if the machine rebooted since.
    epoch: u32,
    action: Action,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.sequence) == (other.time, other.sequence)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.time, self.sequence).cmp(&(other.time, other.sequence))
    }
}

struct Machine {
    name: String,
    /// Event version of its 4624s: 2 (Windows 10 and later) or 0 (Windows 7 era).
    version: u8,
    epoch: u32,
    /// Between a shutdown and the next startup.
    down: bool,
    /// Sessions open in truth: logon id -> index.
    open: HashMap<u64, usize>,
    /// Logon ids (LUIDs) grow within a boot and start again after a reboot.
    next_luid: u64,
    luid_start: u64,
    system_session: Option<usize>,
}

struct Simulation<W: Write + Seek, P: FnMut(u64)> {
    rng: Rng,
    sink: RecordSink<W>,
    progress: P,
    machines: Vec<Machine>,
    heap: BinaryHeap<Reverse<Pending>>,
    sequence: u64,
    sessions: Vec<Session>,
    live: Vec<Live>,
    failures: Vec<Failure>,
    warnings: Vec<Warning>,
    arrivals_left: u64,
    /// Mean time between two session arrivals (all computers together).
    arrival_gap: f64,
    mean_uptime: f64,
    start: u64,
}

fn opt(value: &str) -> Option<Text> {
    (!value.is_empty() && value != "-").then(|| Text::from(value))
}

fn port(value: &str) -> Option<u32> {
    value.parse().ok()
}

impl<W: Write + Seek, P: FnMut(u64)> Simulation<W, P> {
    fn new(out: W, options: &SynthOptions, progress: P) -> io::Result<Self> {
        let mut rng = Rng::new(options.seed);
        let computers = options.computers.max(1);
        let machines = (0..computers)
            .map(|index| {
                let luid_start = 0x1_0000 + rng.below(0x40_0000);
                Machine {
                    name: computer_name(index),
                    version: if index % 4 == 3 { 0 } else { 2 },
                    epoch: 0,
                    down: false,
                    open: HashMap::new(),
                    next_luid: luid_start,
                    luid_start,
                    system_session: None,
                }
            })
            .collect();
        let start = LOG_START + rng.below(90 * 24 * HOUR);
        Ok(Simulation {
            rng,
            sink: RecordSink::new(out, 1)?,
            progress,
            machines,
            heap: BinaryHeap::new(),
            sequence: 0,
            sessions: Vec::new(),
            live: Vec::new(),
            failures: Vec::new(),
            warnings: Vec::new(),
            arrivals_left: options.sessions,
            arrival_gap: 150.0 * SECOND as f64 / f64::from(computers),
            mean_uptime: 20.0 * HOUR as f64,
            start,
        })
    }

    fn schedule(&mut self, time: u64, machine: usize, action: Action) {
        self.sequence += 1;
        let epoch = self.machines[machine].epoch;
        self.heap.push(Reverse(Pending {
            time,
            sequence: self.sequence,
            machine,
            epoch,
            action,
        }));
    }

    fn seconds(&mut self, low: u64, high: u64) -> u64 {
        self.rng.between(low * SECOND, high * SECOND)
    }

    fn run(&mut self) -> io::Result<()> {
        let t0 = self.start;
        // The log was cleared when it starts: its first record is a 1102.
        let admin = Identity::of(&PEOPLE[11]);
        let record_id =
            self.sink
                .log_cleared(t0, &self.machines[0].name.clone(), &admin.subject(0x3_1337))?;
        self.warnings.push(log_cleared_warning(
            &self.machines[0].name,
            t0,
            record_id,
            &admin,
        ));
        for machine in 0..self.machines.len() {
            let tick = t0 + self.seconds(1, 300);
            self.schedule(tick, machine, Action::ServiceTick);
            self.schedule_boundary(t0, machine);
            // Sessions that started before the log: only their logoffs are in it.
            for _ in 0..self.rng.between(1, 3) {
                self.plan_orphan(t0, machine);
            }
        }
        let first = t0 + self.seconds(5, 60);
        self.schedule_unbound(first, Action::Arrival);
        let spray = t0 + self.rng.exponential(self.arrival_gap * 60.0) as u64;
        self.schedule_unbound(spray, Action::Spray);
        if self.arrivals_left == 0 {
            self.schedule_unbound(t0 + HOUR, Action::EndOfLog);
        }
        while let Some(Reverse(pending)) = self.heap.pop() {
            let stale = self
                .machines
                .get(pending.machine)
                .is_some_and(|m| m.epoch != pending.epoch);
            if stale {
                continue;
            }
            // Unbound actions (no machine) pick their machine themselves.
            let pending = Pending {
                machine: pending.machine.min(self.machines.len() - 1),
                ..pending
            };
            let (time, machine) = (pending.time, pending.machine);
            match pending.action {
                Action::EndOfLog => break,
                Action::Arrival => self.arrival(time)?,
                Action::Record(planned) => self.record(time, machine, planned)?,
                Action::Supersede { old } => self.supersede(time, old)?,
                Action::ServiceTick => self.service_tick(time, machine)?,
                Action::Shutdown => self.shutdown(time, machine)?,
                Action::Startup => self.startup(time, machine)?,
                Action::Crash => self.crash(time, machine)?,
                Action::Spray => self.spray(time)?,
            }
            if self.sink.records().is_multiple_of(256) {
                (self.progress)(self.sink.bytes_written());
            }
        }
        Ok(())
    }

    fn finish(mut self, name: &str) -> io::Result<(W, Report)> {
        // Rule 6 in truth: what is still open stays open, unless its user logged off.
        for session in &mut self.sessions {
            if session.end.is_none()
                && session.end_reason == EndReason::LogEnd
                && let Some(logoff) = session.user_logoff_time
            {
                session.end = Some(logoff);
                session.end_reason = EndReason::UserLogoff;
            }
        }
        let records = self.sink.records();
        let mut out = self.sink.finish()?;
        let size = out.seek(io::SeekFrom::End(0))?;
        let mut sessions = self.sessions;
        let mut failures = self.failures;
        let mut warnings = self.warnings;
        for warning in &mut warnings {
            warning.file = Some(name.to_string());
        }
        finish_report_parts(&mut sessions, &mut failures, &mut warnings);
        let report = Report {
            files: vec![FileSummary {
                name: name.to_string(),
                size,
                records,
                errors: Vec::new(),
            }],
            sessions,
            failures,
            warnings,
        };
        Ok((out, report))
    }
}

/// Fills in the durations and puts sessions, failures and warnings in the order of the report
/// logonscope gives: by computer, then time (and logon id, then first record, for sessions).
pub(crate) fn finish_report_parts(
    sessions: &mut [Session],
    failures: &mut [Failure],
    warnings: &mut [Warning],
) {
    for session in sessions.iter_mut() {
        session.duration_seconds = match (session.start, session.end) {
            (Some(start), Some(end)) => Some(start.seconds_until(end)),
            _ => None,
        };
    }
    let logon_id =
        |s: &Session| u64::from_str_radix(s.logon_id.trim_start_matches("0x"), 16).unwrap_or(0);
    sessions.sort_by(|a, b| {
        (&a.computer, a.start, logon_id(a), a.record_ids.first()).cmp(&(
            &b.computer,
            b.start,
            logon_id(b),
            b.record_ids.first(),
        ))
    });
    failures.sort_by(|a, b| {
        (&a.computer, a.time, a.record_id).cmp(&(&b.computer, b.time, b.record_id))
    });
    warnings.sort_by(|a, b| {
        (&a.computer, a.time, a.record_id).cmp(&(&b.computer, b.time, b.record_id))
    });
}

/// The fields of a logon that vary by kind, before the account and logon id are known.
struct LogonShape {
    logon_process: &'static str,
    auth_package: &'static str,
    lm_package: &'static str,
    key_length: u32,
    workstation: String,
    ip: String,
    port: String,
    process_id: u64,
    process_name: &'static str,
    logon_guid: String,
    outbound_user: &'static str,
    outbound_domain: &'static str,
    /// The subject is the computer itself (SYSTEM) rather than nobody.
    by_system: bool,
}

impl<W: Write + Seek, P: FnMut(u64)> Simulation<W, P> {
    fn allocate_luid(&mut self, machine: usize) -> u64 {
        let step = 1 + self.rng.below(0x2000);
        let m = &mut self.machines[machine];
        m.next_luid += step;
        m.next_luid
    }

    fn random_guid(&mut self) -> String {
        let a = self.rng.next_u64();
        let b = self.rng.next_u64();
        format!(
            "{{{:08x}-{:04x}-{:04x}-{:04x}-{:012x}}}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }

    fn shape(&mut self, kind: LogonKind, machine: usize, client: usize) -> LogonShape {
        let short = short_name(&self.machines[machine].name).to_string();
        let (client_name, client_ip) = CLIENTS[client];
        let local = |process_name, logon_process| LogonShape {
            logon_process,
            auth_package: "Negotiate",
            lm_package: "-",
            key_length: 0,
            workstation: short.clone(),
            ip: "127.0.0.1".to_string(),
            port: "0".to_string(),
            process_id: 0x2a8,
            process_name,
            logon_guid: ZERO_GUID.to_string(),
            outbound_user: "-",
            outbound_domain: "-",
            by_system: true,
        };
        match kind {
            LogonKind::Interactive | LogonKind::CachedInteractive | LogonKind::Unlock => {
                local(WINLOGON, "User32 ")
            }
            LogonKind::RemoteInteractive => LogonShape {
                workstation: client_name.to_string(),
                ip: client_ip.to_string(),
                ..local(WINLOGON, "User32 ")
            },
            LogonKind::Network => {
                let port = self.rng.between(49152, 65535).to_string();
                if self.rng.chance(50) {
                    LogonShape {
                        logon_process: "NtLmSsp ",
                        auth_package: "NTLM",
                        lm_package: "NTLM V2",
                        key_length: 128,
                        workstation: client_name.to_string(),
                        ip: client_ip.to_string(),
                        port,
                        process_id: 0,
                        process_name: "-",
                        logon_guid: ZERO_GUID.to_string(),
                        outbound_user: "-",
                        outbound_domain: "-",
                        by_system: false,
                    }
                } else {
                    let logon_guid = self.random_guid();
                    LogonShape {
                        logon_process: "Kerberos",
                        auth_package: "Kerberos",
                        lm_package: "-",
                        key_length: 0,
                        workstation: "-".to_string(),
                        ip: client_ip.to_string(),
                        port,
                        process_id: 0,
                        process_name: "-",
                        logon_guid,
                        outbound_user: "-",
                        outbound_domain: "-",
                        by_system: false,
                    }
                }
            }
            LogonKind::NetworkCleartext => LogonShape {
                logon_process: "Advapi  ",
                ip: client_ip.to_string(),
                port: self.rng.between(49152, 65535).to_string(),
                ..local("C:\\Windows\\System32\\inetsrv\\w3wp.exe", "Advapi  ")
            },
            LogonKind::Batch => LogonShape {
                workstation: "-".to_string(),
                ip: "-".to_string(),
                port: "-".to_string(),
                ..local(SVCHOST, "Advapi  ")
            },
            LogonKind::Service => LogonShape {
                workstation: "-".to_string(),
                ip: "-".to_string(),
                port: "-".to_string(),
                ..local(SERVICES, "Advapi  ")
            },
            LogonKind::NewCredentials => LogonShape {
                workstation: "-".to_string(),
                ip: "::1".to_string(),
                outbound_user: "adm_alice",
                outbound_domain: DOMAIN,
                ..local(SVCHOST, "seclogo")
            },
        }
    }

    /// Writes a 4624 that opens a new session in truth, and returns the session's index.
    #[allow(clippy::too_many_arguments)]
    fn open_session(
        &mut self,
        time: u64,
        machine: usize,
        identity: Identity,
        logon_type: u32,
        shape: &LogonShape,
        logon_id: u64,
        linked_logon_id: u64,
        elevated: bool,
        client: usize,
    ) -> io::Result<usize> {
        let m = &self.machines[machine];
        let computer = m.name.clone();
        let version = m.version;
        let machine_account =
            Identity::builtin(SYSTEM_SID, &format!("{}$", short_name(&computer)), DOMAIN);
        let nobody = Identity::builtin(NO_SID, "-", "-");
        let subject = if shape.by_system {
            machine_account.subject(SYSTEM_LOGON_ID)
        } else {
            nobody.subject(0)
        };
        let token = if elevated { ELEVATED } else { NOT_ELEVATED };
        let fields = LogonFields {
            version,
            subject,
            target: identity.subject(logon_id),
            logon_type,
            logon_process: shape.logon_process,
            auth_package: shape.auth_package,
            workstation: &shape.workstation,
            logon_guid: &shape.logon_guid,
            lm_package: shape.lm_package,
            key_length: shape.key_length,
            process_id: shape.process_id,
            process_name: shape.process_name,
            ip: &shape.ip,
            port: &shape.port,
            impersonation: IMPERSONATION,
            restricted_admin: "-",
            outbound_user: shape.outbound_user,
            outbound_domain: shape.outbound_domain,
            virtual_account: NOT_ELEVATED,
            linked_logon_id,
            elevated_token: token,
        };
        let record_id = self.sink.logon(time, &computer, &fields)?;
        let v2 = version >= 2;
        let session = Session {
            computer: computer.into(),
            logon_id: format!("{logon_id:#x}"),
            linked_logon_id: (v2 && linked_logon_id != 0).then(|| format!("{linked_logon_id:#x}")),
            user_sid: opt(&identity.sid),
            user: opt(&identity.user),
            domain: opt(&identity.domain),
            logon_type: Some(logon_type),
            logon_type_name: Some(logon_type_name(logon_type).into()),
            start: Some(Timestamp(time)),
            end: None,
            end_reason: EndReason::LogEnd,
            duration_seconds: None,
            logon_events: 1,
            source_ip: opt(&shape.ip),
            source_port: port(&shape.port),
            workstation: opt(&shape.workstation),
            logon_process: opt(shape.logon_process),
            auth_package: opt(shape.auth_package),
            lm_package: opt(shape.lm_package),
            process_name: opt(shape.process_name),
            elevated: v2.then_some(elevated),
            admin: false,
            record_ids: vec![record_id],
            user_logoff_time: None,
            impersonation_level: v2.then(|| message_code_text(IMPERSONATION).into()),
            explicit_credentials: Vec::new(),
            rdp_events: Vec::new(),
            lock_events: Vec::new(),
        };
        let index = self.sessions.len();
        self.sessions.push(session);
        self.live.push(Live {
            machine,
            logon_id,
            identity,
            logon_type,
            client,
        });
        self.machines[machine].open.insert(logon_id, index);
        Ok(index)
    }

    /// Writes a 4672 for an open session.
    fn special_privileges(&mut self, time: u64, session: usize) -> io::Result<()> {
        let live = &self.live[session];
        let computer = self.machines[live.machine].name.clone();
        let record_id =
            self.sink
                .special_privileges(time, &computer, &live.identity.subject(live.logon_id))?;
        let s = &mut self.sessions[session];
        s.admin = true;
        s.record_ids.push(record_id);
        Ok(())
    }

    /// A new session arrives somewhere.
    fn arrival(&mut self, time: u64) -> io::Result<()> {
        let machine = self.rng.below(self.machines.len() as u64) as usize;
        let next = time + self.rng.exponential(self.arrival_gap) as u64 + 1;
        if self.machines[machine].down {
            // Nobody logs on to a machine that is off; try again a little later. Arrivals are
            // unbound: a chain bound to one machine would die with its next reboot.
            self.schedule_unbound(next, Action::Arrival);
            return Ok(());
        }
        self.begin_user_session(time, machine)?;
        self.arrivals_left = self.arrivals_left.saturating_sub(1);
        if self.arrivals_left == 0 {
            self.schedule_unbound(time + HOUR, Action::EndOfLog);
        } else {
            self.schedule_unbound(next, Action::Arrival);
        }
        Ok(())
    }

    fn pick_kind(&mut self) -> LogonKind {
        match self.rng.below(100) {
            0..=14 => LogonKind::Interactive,
            15..=26 => LogonKind::RemoteInteractive,
            27..=66 => LogonKind::Network,
            67..=71 => LogonKind::Batch,
            72..=74 => LogonKind::Service,
            75..=79 => LogonKind::NetworkCleartext,
            80..=84 => LogonKind::NewCredentials,
            _ => LogonKind::CachedInteractive,
        }
    }

    fn begin_user_session(&mut self, time: u64, machine: usize) -> io::Result<()> {
        let kind = self.pick_kind();
        let account = match kind {
            LogonKind::Batch | LogonKind::Service => *self.rng.pick(&SERVICE_ACCOUNTS),
            _ => *self.rng.pick(&PEOPLE),
        };
        let client = self.rng.below(CLIENTS.len() as u64) as usize;
        let identity = Identity::of(&account);
        let shape = self.shape(kind, machine, client);
        let v2 = self.machines[machine].version >= 2;
        let computer = self.machines[machine].name.clone();
        if kind.is_desktop() && self.rng.chance(10) {
            // A typo first: the failed attempt just before the logon.
            let failure = PlannedFailure {
                name: account.user.to_string(),
                logon_type: kind.logon_type(),
                status: 0xC000_006D,
                sub_status: 0xC000_006A,
                ip: "127.0.0.1",
                workstation: "-",
            };
            self.write_failure(time, &computer, &failure)?;
        }
        let duration = self.duration(kind);
        let fate = self.fate(kind);
        if v2 && kind.is_desktop() && account.admin {
            // UAC: an elevated and a filtered token, each in its own logon session, linked.
            let elevated_id = self.allocate_luid(machine);
            let filtered_id = self.allocate_luid(machine);
            let elevated = self.open_session(
                time,
                machine,
                identity.clone(),
                kind.logon_type(),
                &shape,
                elevated_id,
                filtered_id,
                true,
                client,
            )?;
            self.special_privileges(time, elevated)?;
            let filtered = self.open_session(
                time,
                machine,
                identity,
                kind.logon_type(),
                &shape,
                filtered_id,
                elevated_id,
                false,
                client,
            )?;
            let end = time + duration;
            self.plan_life(time, end, filtered, kind);
            self.plan_end(end, filtered, fate);
            if matches!(fate, Fate::Logoff | Fate::UserLogoffThenLogoff) {
                let last = end + 3 * SECOND;
                self.schedule(
                    last,
                    machine,
                    Action::Record(Planned::Logoff { session: elevated }),
                );
            }
            return Ok(());
        }
        let logon_id = self.allocate_luid(machine);
        let elevated = account.admin && !kind.is_desktop();
        let session = self.open_session(
            time,
            machine,
            identity,
            kind.logon_type(),
            &shape,
            logon_id,
            0,
            elevated,
            client,
        )?;
        if account.admin && kind != LogonKind::NewCredentials {
            self.special_privileges(time, session)?;
        }
        let end = time + duration;
        self.plan_life(time, end, session, kind);
        self.plan_end(end, session, fate);
        Ok(())
    }

    fn duration(&mut self, kind: LogonKind) -> u64 {
        let seconds = match kind {
            LogonKind::Network | LogonKind::NetworkCleartext => self.rng.exponential(40.0),
            LogonKind::Batch => self.rng.exponential(300.0),
            LogonKind::Unlock => 0.5,
            LogonKind::Service => self.rng.exponential(8.0 * 3600.0),
            LogonKind::NewCredentials => self.rng.exponential(1800.0),
            _ => self.rng.exponential(3600.0),
        };
        (seconds * SECOND as f64) as u64 + SECOND
    }

    fn fate(&mut self, kind: LogonKind) -> Fate {
        let roll = self.rng.below(100);
        if kind.is_desktop() {
            match roll {
                0..=54 => Fate::UserLogoffThenLogoff,
                55..=69 => Fate::Logoff,
                70..=79 => Fate::UserLogoffOnly,
                _ => Fate::Open,
            }
        } else if kind == LogonKind::Network {
            match roll {
                0..=87 => Fate::Logoff,
                88..=94 => Fate::Open,
                _ => Fate::Superseded,
            }
        } else {
            match roll {
                0..=89 => Fate::Logoff,
                _ => Fate::Open,
            }
        }
    }

    /// Schedules what happens during a session: attached events and noise, all before `end`.
    fn plan_life(&mut self, start: u64, end: u64, session: usize, kind: LogonKind) {
        let machine = self.live[session].machine;
        let span = end.saturating_sub(start);
        let within = |rng: &mut Rng, from: f64, to: f64| {
            start + (span as f64 * (from + (to - from) * rng.unit())) as u64
        };
        if matches!(
            kind,
            LogonKind::Interactive
                | LogonKind::RemoteInteractive
                | LogonKind::CachedInteractive
                | LogonKind::NewCredentials
        ) && self.rng.chance(25)
        {
            let at = within(&mut self.rng, 0.1, 0.9);
            let target = self.rng.below(PEOPLE.len() as u64) as usize;
            let process = self.rng.below(CREDENTIAL_USERS.len() as u64) as usize;
            let server = self.rng.below(self.machines.len() as u64) as u32;
            self.schedule(
                at,
                machine,
                Action::Record(Planned::Explicit {
                    session,
                    target,
                    process,
                    server,
                }),
            );
        }
        if kind == LogonKind::RemoteInteractive && self.rng.chance(50) {
            let away = within(&mut self.rng, 0.2, 0.5);
            let back = within(&mut self.rng, 0.55, 0.85);
            self.schedule(
                away,
                machine,
                Action::Record(Planned::Rdp {
                    session,
                    reconnect: false,
                }),
            );
            if self.rng.chance(80) {
                self.schedule(
                    back,
                    machine,
                    Action::Record(Planned::Rdp {
                        session,
                        reconnect: true,
                    }),
                );
            }
        }
        if matches!(kind, LogonKind::Interactive | LogonKind::CachedInteractive)
            && self.rng.chance(40)
        {
            let lock = within(&mut self.rng, 0.2, 0.5);
            let unlock = within(&mut self.rng, 0.55, 0.85);
            self.schedule(lock, machine, Action::Record(Planned::Lock { session }));
            self.schedule(unlock, machine, Action::Record(Planned::Unlock { session }));
        }
        if kind.is_desktop() {
            for _ in 0..self.rng.below(4) {
                let created = within(&mut self.rng, 0.05, 0.6);
                let exited = within(&mut self.rng, 0.61, 0.95);
                let pid = 0x1000 + 4 * self.rng.below(0x4000);
                let image = self.rng.below(PROGRAMS.len() as u64) as usize;
                self.schedule(
                    created,
                    machine,
                    Action::Record(Planned::Process {
                        session,
                        created: true,
                        pid,
                        image,
                    }),
                );
                self.schedule(
                    exited,
                    machine,
                    Action::Record(Planned::Process {
                        session,
                        created: false,
                        pid,
                        image,
                    }),
                );
            }
        }
    }

    fn plan_end(&mut self, end: u64, session: usize, fate: Fate) {
        let machine = self.live[session].machine;
        match fate {
            Fate::Logoff => {
                self.schedule(end, machine, Action::Record(Planned::Logoff { session }))
            }
            Fate::UserLogoffThenLogoff => {
                self.schedule(
                    end,
                    machine,
                    Action::Record(Planned::UserLogoff { session }),
                );
                let later = end + self.seconds(1, 3);
                self.schedule(later, machine, Action::Record(Planned::Logoff { session }));
            }
            Fate::UserLogoffOnly => self.schedule(
                end,
                machine,
                Action::Record(Planned::UserLogoff { session }),
            ),
            Fate::Open => {}
            Fate::Superseded => self.schedule(end, machine, Action::Supersede { old: session }),
        }
    }

    /// Pre-log sessions: a 4634, a 4647 then a 4634, or a lone 4647, for a logon id the log
    /// never saw logging on.
    fn plan_orphan(&mut self, t0: u64, machine: usize) {
        let logon_id = self.allocate_luid(machine);
        let account = self.rng.below(PEOPLE.len() as u64) as usize;
        let at = t0 + self.seconds(30, 1800);
        let logon_type = *self.rng.pick(&[2u32, 3, 10]);
        match self.rng.below(3) {
            0 => self.schedule(
                at,
                machine,
                Action::Record(Planned::OrphanLogoff {
                    logon_id,
                    account,
                    logon_type: Some(logon_type),
                }),
            ),
            1 => {
                self.schedule(
                    at,
                    machine,
                    Action::Record(Planned::OrphanLogoff {
                        logon_id,
                        account,
                        logon_type: None,
                    }),
                );
                let later = at + self.seconds(1, 3);
                self.schedule(
                    later,
                    machine,
                    Action::Record(Planned::OrphanLogoff {
                        logon_id,
                        account,
                        logon_type: Some(logon_type),
                    }),
                );
            }
            _ => self.schedule(
                at,
                machine,
                Action::Record(Planned::OrphanLogoff {
                    logon_id,
                    account,
                    logon_type: None,
                }),
            ),
        }
    }

    fn record(&mut self, time: u64, machine: usize, planned: Planned) -> io::Result<()> {
        let computer = self.machines[machine].name.clone();
        match planned {
            Planned::Logoff { session } | Planned::UserLogoff { session } => {
                let logoff = matches!(planned, Planned::Logoff { .. });
                let live = &self.live[session];
                let logon_type = logoff.then_some(live.logon_type);
                let record_id = self.sink.logoff(
                    time,
                    &computer,
                    &live.identity.subject(live.logon_id),
                    logon_type,
                )?;
                let logon_id = live.logon_id;
                self.logged_off(time, machine, session, logon_id, record_id, logoff);
            }
            Planned::OrphanLogoff {
                logon_id,
                account,
                logon_type,
            } => {
                let identity = Identity::of(&PEOPLE[account]);
                let record_id =
                    self.sink
                        .logoff(time, &computer, &identity.subject(logon_id), logon_type)?;
                let index = match self.machines[machine].open.get(&logon_id) {
                    Some(&index) => index,
                    None => {
                        let index = self.sessions.len();
                        self.sessions
                            .push(orphan_session(&computer, logon_id, &identity, logon_type));
                        self.live.push(Live {
                            machine,
                            logon_id,
                            identity,
                            logon_type: logon_type.unwrap_or(0),
                            client: 0,
                        });
                        self.machines[machine].open.insert(logon_id, index);
                        index
                    }
                };
                self.logged_off(
                    time,
                    machine,
                    index,
                    logon_id,
                    record_id,
                    logon_type.is_some(),
                );
            }
            Planned::Explicit {
                session,
                target,
                process,
                server,
            } => {
                let live = &self.live[session];
                let target_server = self.machines[server as usize % self.machines.len()]
                    .name
                    .clone();
                let fields = ExplicitFields {
                    subject: live.identity.subject(live.logon_id),
                    target_user: PEOPLE[target].user,
                    target_domain: DOMAIN,
                    target_server: &target_server,
                    target_info: &target_server,
                    process_id: 0x1a2c,
                    process_name: CREDENTIAL_USERS[process],
                    ip: "-",
                    port: "-",
                };
                let record_id = self.sink.explicit_credentials(time, &computer, &fields)?;
                let s = &mut self.sessions[session];
                s.record_ids.push(record_id);
                s.explicit_credentials.push(ExplicitCredential {
                    time: Timestamp(time),
                    record_id,
                    target_user: opt(PEOPLE[target].user),
                    target_domain: opt(DOMAIN),
                    target_server: opt(&target_server),
                    target_info: opt(&target_server),
                    process_name: opt(CREDENTIAL_USERS[process]),
                    source_ip: None,
                });
            }
            Planned::Rdp { session, reconnect } => {
                let live = &self.live[session];
                let (client_name, client_ip) = CLIENTS[live.client];
                let session_name = format!("RDP-Tcp#{}", live.logon_id % 50);
                let record_id = self.sink.rdp(
                    time,
                    &computer,
                    reconnect,
                    &live.identity.subject(live.logon_id),
                    &session_name,
                    client_name,
                    client_ip,
                )?;
                let s = &mut self.sessions[session];
                s.record_ids.push(record_id);
                s.rdp_events.push(RdpEvent {
                    time: Timestamp(time),
                    record_id,
                    action: if reconnect {
                        RdpAction::Reconnect
                    } else {
                        RdpAction::Disconnect
                    },
                    session_name: opt(&session_name),
                    client_name: opt(client_name),
                    client_address: opt(client_ip),
                });
            }
            Planned::Lock { session } => self.lock_event(time, &computer, session, true)?,
            Planned::Unlock { session } => {
                // Unlocking is a short logon of its own (type 7), then the 4801.
                let identity = self.live[session].identity.clone();
                let client = self.live[session].client;
                let shape = self.shape(LogonKind::Unlock, machine, client);
                let logon_id = self.allocate_luid(machine);
                let elevated = false;
                let unlock = self.open_session(
                    time, machine, identity, 7, &shape, logon_id, 0, elevated, client,
                )?;
                self.lock_event(time, &computer, session, false)?;
                let end = time + self.seconds(0, 1) + SECOND / 10;
                self.schedule(
                    end,
                    machine,
                    Action::Record(Planned::Logoff { session: unlock }),
                );
            }
            Planned::Process {
                session,
                created,
                pid,
                image,
            } => {
                let live = &self.live[session];
                self.sink.process(
                    time,
                    &computer,
                    created,
                    &live.identity.subject(live.logon_id),
                    pid,
                    PROGRAMS[image],
                )?;
            }
            Planned::Failure(failure) => self.write_failure(time, &computer, &failure)?,
        }
        Ok(())
    }

    /// A 4634 (`closes`) or 4647 of a session was written: the truth of rules 2 and 3.
    fn logged_off(
        &mut self,
        time: u64,
        machine: usize,
        session: usize,
        logon_id: u64,
        record_id: u64,
        closes: bool,
    ) {
        let s = &mut self.sessions[session];
        s.record_ids.push(record_id);
        if closes {
            s.end = Some(Timestamp(time));
            s.end_reason = if s.user_logoff_time.is_some() {
                EndReason::UserLogoff
            } else {
                EndReason::Logoff
            };
            self.machines[machine].open.remove(&logon_id);
        } else {
            s.user_logoff_time.get_or_insert(Timestamp(time));
        }
    }

    fn lock_event(
        &mut self,
        time: u64,
        computer: &str,
        session: usize,
        lock: bool,
    ) -> io::Result<()> {
        let live = &self.live[session];
        let record_id = self.sink.lock(
            time,
            computer,
            lock,
            &live.identity.subject(live.logon_id),
            1,
        )?;
        let s = &mut self.sessions[session];
        s.record_ids.push(record_id);
        s.lock_events.push(LockEvent {
            time: Timestamp(time),
            record_id,
            action: if lock {
                LockAction::Lock
            } else {
                LockAction::Unlock
            },
        });
        Ok(())
    }

    fn write_failure(&mut self, time: u64, computer: &str, f: &PlannedFailure) -> io::Result<()> {
        let port = if f.ip == "-" || f.ip == "127.0.0.1" {
            "0".to_string()
        } else {
            self.rng.between(49152, 65535).to_string()
        };
        let port = if f.ip == "-" { "-".to_string() } else { port };
        let reason = if f.sub_status == 0xC000_0064 {
            BAD_PASSWORD
        } else if f.status == 0xC000_0234 {
            "%%2307"
        } else {
            BAD_PASSWORD
        };
        let fields = FailureFields {
            subject: Subject {
                sid: NO_SID,
                user: "-",
                domain: "-",
                logon_id: 0,
            },
            target_sid: NO_SID,
            target_user: &f.name,
            target_domain: DOMAIN,
            status: f.status,
            failure_reason: reason,
            sub_status: f.sub_status,
            logon_type: f.logon_type,
            logon_process: "NtLmSsp ",
            auth_package: "NTLM",
            workstation: f.workstation,
            process_id: 0,
            process_name: "-",
            ip: f.ip,
            port: &port,
        };
        let record_id = self.sink.failure(time, computer, &fields)?;
        self.failures.push(Failure {
            computer: computer.into(),
            time: Timestamp(time),
            user: opt(&f.name),
            domain: opt(DOMAIN),
            user_sid: opt(NO_SID),
            logon_type: Some(f.logon_type),
            logon_type_name: Some(logon_type_name(f.logon_type).into()),
            status: Some(format!("{:#010x}", f.status).into()),
            sub_status: Some(format!("{:#010x}", f.sub_status).into()),
            reason: failure_reason(Some(f.status), Some(f.sub_status)).map(Text::from),
            failure_reason: Some(message_code_text(reason).into()),
            source_ip: opt(f.ip),
            source_port: port.parse().ok(),
            workstation: opt(f.workstation),
            process_name: None,
            logon_process: opt("NtLmSsp "),
            auth_package: opt("NTLM"),
            record_id,
        });
        Ok(())
    }

    /// Another account's network logon reuses the logon id of an open session.
    fn supersede(&mut self, time: u64, old: usize) -> io::Result<()> {
        let machine = self.live[old].machine;
        let logon_id = self.live[old].logon_id;
        if self.machines[machine].open.get(&logon_id) != Some(&old) {
            return Ok(());
        }
        let s = &mut self.sessions[old];
        s.end = None;
        s.end_reason = EndReason::Superseded;
        self.machines[machine].open.remove(&logon_id);
        let old_sid = self.live[old].identity.sid.clone();
        let account = loop {
            let candidate = *self.rng.pick(&PEOPLE);
            if candidate.sid() != old_sid {
                break candidate;
            }
        };
        let client = self.rng.below(CLIENTS.len() as u64) as usize;
        let shape = self.shape(LogonKind::Network, machine, client);
        let session = self.open_session(
            time,
            machine,
            Identity::of(&account),
            3,
            &shape,
            logon_id,
            0,
            account.admin,
            client,
        )?;
        if account.admin {
            self.special_privileges(time, session)?;
        }
        let end = time + self.duration(LogonKind::Network);
        self.plan_end(end, session, Fate::Logoff);
        Ok(())
    }

    /// SYSTEM logs on again and again into the same logon session (0x3e7): services starting.
    fn service_tick(&mut self, time: u64, machine: usize) -> io::Result<()> {
        let system = Identity::builtin(SYSTEM_SID, "SYSTEM", "NT AUTHORITY");
        let shape = LogonShape {
            workstation: "-".to_string(),
            ip: "-".to_string(),
            port: "-".to_string(),
            process_id: 0x26c,
            ..self.shape(LogonKind::Service, machine, 0)
        };
        match self.machines[machine].system_session {
            Some(session) => {
                let computer = self.machines[machine].name.clone();
                let version = self.machines[machine].version;
                let machine_account =
                    Identity::builtin(SYSTEM_SID, &format!("{}$", short_name(&computer)), DOMAIN);
                let fields = LogonFields {
                    version,
                    subject: machine_account.subject(SYSTEM_LOGON_ID),
                    target: system.subject(SYSTEM_LOGON_ID),
                    logon_type: 5,
                    logon_process: shape.logon_process,
                    auth_package: shape.auth_package,
                    workstation: &shape.workstation,
                    logon_guid: ZERO_GUID,
                    lm_package: "-",
                    key_length: 0,
                    process_id: shape.process_id,
                    process_name: SERVICES,
                    ip: "-",
                    port: "-",
                    impersonation: IMPERSONATION,
                    restricted_admin: "-",
                    outbound_user: "-",
                    outbound_domain: "-",
                    virtual_account: NOT_ELEVATED,
                    linked_logon_id: 0,
                    elevated_token: ELEVATED,
                };
                let record_id = self.sink.logon(time, &computer, &fields)?;
                let s = &mut self.sessions[session];
                s.logon_events += 1;
                s.record_ids.push(record_id);
                self.special_privileges(time, session)?;
            }
            None => {
                let session = self.open_session(
                    time,
                    machine,
                    system,
                    5,
                    &shape,
                    SYSTEM_LOGON_ID,
                    0,
                    true,
                    0,
                )?;
                self.special_privileges(time, session)?;
                self.machines[machine].system_session = Some(session);
            }
        }
        // Some background work by SYSTEM between service logons.
        if self.rng.chance(50) {
            let computer = self.machines[machine].name.clone();
            let pid = 0x400 + 4 * self.rng.below(0x1000);
            let system =
                Identity::builtin(SYSTEM_SID, &format!("{}$", short_name(&computer)), DOMAIN);
            self.sink.process(
                time,
                &computer,
                true,
                &system.subject(SYSTEM_LOGON_ID),
                pid,
                SVCHOST,
            )?;
        }
        let next = time + self.rng.exponential(25.0 * MINUTE as f64) as u64 + SECOND;
        self.schedule(next, machine, Action::ServiceTick);
        Ok(())
    }

    /// Rule 5 in truth: the machine goes down and every open session ends with it.
    fn close_all(&mut self, time: u64, machine: usize, reason: EndReason) {
        let open: Vec<usize> = self.machines[machine]
            .open
            .drain()
            .map(|(_, index)| index)
            .collect();
        for index in open {
            let s = &mut self.sessions[index];
            match s.user_logoff_time {
                Some(logoff) => {
                    s.end = Some(logoff);
                    s.end_reason = EndReason::UserLogoff;
                }
                None => {
                    s.end = Some(Timestamp(time));
                    s.end_reason = reason;
                }
            }
        }
        self.machines[machine].system_session = None;
    }

    fn shutdown(&mut self, time: u64, machine: usize) -> io::Result<()> {
        let computer = self.machines[machine].name.clone();
        if self.rng.chance(25) {
            self.sink.state_change(time, &computer, false)?;
            self.close_all(time, machine, EndReason::Shutdown);
            self.sink.service_shutdown(time + 2 * SECOND, &computer)?;
        } else {
            self.sink.service_shutdown(time, &computer)?;
            self.close_all(time, machine, EndReason::Shutdown);
        }
        let m = &mut self.machines[machine];
        m.epoch += 1;
        m.down = true;
        let up = time + self.seconds(60, 600);
        self.schedule(up, machine, Action::Startup);
        Ok(())
    }

    fn startup(&mut self, time: u64, machine: usize) -> io::Result<()> {
        let computer = self.machines[machine].name.clone();
        self.sink.state_change(time, &computer, true)?;
        self.close_all(time, machine, EndReason::Startup);
        self.machines[machine].down = false;
        self.boot(time, machine)
    }

    fn crash(&mut self, time: u64, machine: usize) -> io::Result<()> {
        let computer = self.machines[machine].name.clone();
        self.sink.state_change(time, &computer, true)?;
        self.close_all(time, machine, EndReason::Startup);
        self.machines[machine].epoch += 1;
        self.boot(time, machine)
    }

    /// What a machine logs as it boots: SYSTEM (type 0), the service accounts, the window
    /// manager and font driver sessions; then services keep logging on.
    fn boot(&mut self, time: u64, machine: usize) -> io::Result<()> {
        let m = &mut self.machines[machine];
        m.next_luid = m.luid_start;
        let t = time + SECOND;
        let boot_shape = LogonShape {
            logon_process: "-",
            auth_package: "-",
            workstation: "-".to_string(),
            ip: "-".to_string(),
            port: "-".to_string(),
            process_id: 4,
            process_name: "-",
            by_system: false,
            ..self.shape(LogonKind::Service, machine, 0)
        };
        let system = Identity::builtin(SYSTEM_SID, "SYSTEM", "NT AUTHORITY");
        let session = self.open_session(
            t,
            machine,
            system,
            0,
            &boot_shape,
            SYSTEM_LOGON_ID,
            0,
            true,
            0,
        )?;
        self.special_privileges(t, session)?;
        self.machines[machine].system_session = Some(session);
        let service_shape = self.shape(LogonKind::Service, machine, 0);
        let services = [
            ("S-1-5-20", "NETWORK SERVICE", 0x3e4),
            ("S-1-5-19", "LOCAL SERVICE", 0x3e5),
        ];
        for (offset, (sid, user, logon_id)) in services.into_iter().enumerate() {
            let at = t + (offset as u64 + 2) * SECOND;
            let identity = Identity::builtin(sid, user, "NT AUTHORITY");
            let session = self.open_session(
                at,
                machine,
                identity,
                5,
                &service_shape,
                logon_id,
                0,
                true,
                0,
            )?;
            self.special_privileges(at, session)?;
        }
        let desktop_shape = self.shape(LogonKind::Service, machine, 0);
        for (offset, (sid, user, domain)) in [
            ("S-1-5-96-0-0", "UMFD-0", "Font Driver Host"),
            ("S-1-5-90-0-1", "DWM-1", "Window Manager"),
        ]
        .into_iter()
        .enumerate()
        {
            let at = t + (offset as u64 + 5) * SECOND;
            let logon_id = self.allocate_luid(machine);
            let identity = Identity::builtin(sid, user, domain);
            self.open_session(
                at,
                machine,
                identity,
                2,
                &desktop_shape,
                logon_id,
                0,
                false,
                0,
            )?;
        }
        let tick = t + self.seconds(30, 600);
        self.schedule(tick, machine, Action::ServiceTick);
        self.schedule_boundary(time, machine);
        Ok(())
    }

    /// The machine's next shutdown (70 %) or crash, at least an hour after `now`.
    fn schedule_boundary(&mut self, now: u64, machine: usize) {
        let at = now + self.rng.exponential(self.mean_uptime) as u64 + HOUR;
        let action = if self.rng.chance(70) {
            Action::Shutdown
        } else {
            Action::Crash
        };
        self.schedule(at, machine, action);
    }

    /// A burst of failed logons from one source: password guessing or spraying.
    fn spray(&mut self, time: u64) -> io::Result<()> {
        let machine = self.rng.below(self.machines.len() as u64) as usize;
        let next = time + self.rng.exponential(self.arrival_gap * 60.0) as u64 + MINUTE;
        // The next burst is scheduled on machine 0's clock so that a reboot elsewhere does
        // not end the series.
        self.schedule_unbound(next, Action::Spray);
        if self.machines[machine].down {
            return Ok(());
        }
        let ip = *self.rng.pick(&ATTACKERS);
        let workstation = if ip == "-" {
            "-"
        } else {
            *self.rng.pick(&["-", "kali", "WIN-8J2K1"])
        };
        let spraying = self.rng.chance(50);
        let guessed = self.rng.pick(&SPRAYED_NAMES).to_string();
        let attempts = self.rng.between(5, 40);
        let logon_type = if self.rng.chance(70) { 3 } else { 10 };
        let mut at = time;
        for attempt in 0..attempts {
            let name = if spraying {
                self.rng.pick(&SPRAYED_NAMES).to_string()
            } else {
                guessed.clone()
            };
            let known = PEOPLE.iter().any(|p| p.user.eq_ignore_ascii_case(&name));
            let (status, sub_status) = if !known {
                (0xC000_006D, 0xC000_0064)
            } else if !spraying && attempt >= 10 {
                (0xC000_0234, 0)
            } else {
                *self.rng.pick(&[
                    (0xC000_006D, 0xC000_006A),
                    (0xC000_006D, 0xC000_006A),
                    (0xC000_006E, 0xC000_0072),
                    (0xC000_006E, 0xC000_0071),
                    (0xC000_006D, 0xC000_0193),
                ])
            };
            let failure = PlannedFailure {
                name,
                logon_type,
                status,
                sub_status,
                ip,
                workstation,
            };
            self.schedule(at, machine, Action::Record(Planned::Failure(failure)));
            at += self.rng.between(SECOND / 5, 3 * SECOND);
        }
        Ok(())
    }

    /// Schedules an action that no reboot cancels.
    fn schedule_unbound(&mut self, time: u64, action: Action) {
        self.sequence += 1;
        self.heap.push(Reverse(Pending {
            time,
            sequence: self.sequence,
            machine: usize::MAX,
            epoch: 0,
            action,
        }));
    }
}

fn orphan_session(
    computer: &str,
    logon_id: u64,
    identity: &Identity,
    logon_type: Option<u32>,
) -> Session {
    Session {
        user_sid: opt(&identity.sid),
        user: opt(&identity.user),
        domain: opt(&identity.domain),
        logon_type,
        logon_type_name: logon_type.map(|t| logon_type_name(t).into()),
        ..Session::new(computer, format!("{logon_id:#x}"))
    }
}

fn log_cleared_warning(computer: &str, time: u64, record_id: u64, by: &Identity) -> Warning {
    let t = Timestamp(time);
    let message = format!(
        "The audit log of {computer} was cleared at {t} by {}\\{}: events before it are missing.",
        by.domain, by.user
    );
    Warning {
        computer: Some(computer.to_string()),
        time: Some(t),
        record_id: Some(record_id),
        user: opt(&by.user).map(String::from),
        domain: opt(&by.domain).map(String::from),
        ..Warning::new(WarningKind::LogCleared, message)
    }
}
