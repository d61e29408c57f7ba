//! Audit coverage: what the loaded logs can and cannot tell, as the "Audit coverage" view
//! shows it. How many events of each kind of the Audit logon events policy were found, how
//! often each logon type occurs, and hints where the counts suggest that auditing was off or
//! that the log was cleared or has holes.
//!
//! The counts come from the loaded files (`event_counts`, computed by the loader over every
//! record), but are never shown below what the report itself proves: a report opened without
//! its files (or a loader that skipped an id) still gives sound hints.

use std::collections::BTreeMap;

use logonscope_core::Report;
use logonscope_core::catalog::{AUDIT_LOGON_EVENTS, LOGON_TYPES, logon_type_name};
use logonscope_core::report::{EndReason, LockAction, RdpAction, Warning, WarningKind};

/// How much a hint matters, least first (so that `Ord` ranks the worst highest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; often harmless.
    Info,
    /// The logs cannot answer some questions (auditing looks off, parts unreadable).
    Warning,
    /// The evidence may have been tampered with.
    Alert,
}

impl Severity {
    /// The name used in CSS classes and `data-severity`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Alert => "alert",
        }
    }
}

/// Something the analyst should know about what the logs cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub severity: Severity,
    pub text: String,
}

/// An event id and how many of it were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub id: u16,
    pub description: &'static str,
    pub count: u64,
}

/// A logon type of the reference and how often it occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogonTypeRow {
    pub number: u32,
    pub title: &'static str,
    pub description: &'static str,
    pub sessions: u64,
    pub failures: u64,
}

/// A logon type outside the reference that occurs in the report (0, System; 12, cached
/// remote interactive; or none at all, for sessions known only from their logoff).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherLogonType {
    pub number: Option<u32>,
    pub name: String,
    pub description: &'static str,
    pub sessions: u64,
    pub failures: u64,
}

/// Everything the coverage view shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// One row per event of [`AUDIT_LOGON_EVENTS`], in its order.
    pub events: Vec<EventRow>,
    /// The other events logonscope reads ([`RELATED_EVENTS`]), in that order.
    pub related_events: Vec<EventRow>,
    /// One row per type of [`LOGON_TYPES`], in its order.
    pub logon_types: Vec<LogonTypeRow>,
    /// Types outside the reference that occur, by number (unknown last).
    pub other_logon_types: Vec<OtherLogonType>,
    /// The worst first.
    pub hints: Vec<Hint>,
    /// The report's `log_cleared` warnings, in its order.
    pub log_cleared: Vec<Warning>,
    /// Every other warning of the report, in its order.
    pub other_warnings: Vec<Warning>,
}

/// Events outside the Audit logon events policy that logonscope reads, with Microsoft's
/// titles: they attach to sessions, end them, or say something about the log itself.
pub const RELATED_EVENTS: [(u16, &str); 8] = [
    (4672, "Special privileges assigned to new logon."),
    (4778, "A session was reconnected to a Window Station."),
    (4800, "The workstation was locked."),
    (4801, "The workstation was unlocked."),
    (4608, "Windows is starting up."),
    (4609, "Windows is shutting down."),
    (1100, "The event logging service has shut down."),
    (1102, "The audit log was cleared."),
];

/// Logon types that mean a person at a keyboard (console, remote desktop, cached
/// credentials): those are the logons that usually come with a 4672 for administrators.
const INTERACTIVE_TYPES: [u32; 3] = [2, 10, 11];

/// How many events of `id` there are at least: the loader's count, or what the report proves
/// if that is more (each session, failure and attached event was made by an event).
fn event_count(report: &Report, event_counts: &BTreeMap<u16, u64>, id: u16) -> u64 {
    let sessions = report.sessions.iter();
    let count = |n: usize| n as u64;
    let proven = match id {
        4624 => sessions.map(|s| u64::from(s.logon_events)).sum(),
        4625 => count(report.failures.len()),
        // A session that a 4634 closed; one that a 4647 ended may also have had its 4634,
        // but that cannot be told from the report.
        4634 => count(
            sessions
                .filter(|s| s.end_reason == EndReason::Logoff)
                .count(),
        ),
        4647 => count(sessions.filter(|s| s.user_logoff_time.is_some()).count()),
        4648 => count(sessions.map(|s| s.explicit_credentials.len()).sum()),
        4672 => count(sessions.filter(|s| s.admin).count()),
        4778 | 4779 => {
            let action = if id == 4778 {
                RdpAction::Reconnect
            } else {
                RdpAction::Disconnect
            };
            count(
                sessions
                    .flat_map(|s| &s.rdp_events)
                    .filter(|e| e.action == action)
                    .count(),
            )
        }
        4800 | 4801 => {
            let action = if id == 4800 {
                LockAction::Lock
            } else {
                LockAction::Unlock
            };
            count(
                sessions
                    .flat_map(|s| &s.lock_events)
                    .filter(|e| e.action == action)
                    .count(),
            )
        }
        1102 => count(
            report
                .warnings
                .iter()
                .filter(|w| w.kind == WarningKind::LogCleared)
                .count(),
        ),
        _ => 0,
    };
    event_counts.get(&id).copied().unwrap_or(0).max(proven)
}

/// "there is 1 logon" / "there are 3 logons".
fn there_are(count: u64, one: &str, many: &str) -> String {
    let verb = if count == 1 { "is" } else { "are" };
    format!("there {verb} {}", plural(count, one, many))
}

fn plural(count: u64, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// What the logs cover, from the `report` and the counts of events by id in the loaded files.
pub fn coverage(report: &Report, event_counts: &BTreeMap<u16, u64>) -> Coverage {
    let count = |id| event_count(report, event_counts, id);
    let events = AUDIT_LOGON_EVENTS
        .iter()
        .map(|event| EventRow {
            id: event.id,
            description: event.description,
            count: count(event.id),
        })
        .collect();
    let related_events = RELATED_EVENTS
        .iter()
        .map(|&(id, description)| EventRow {
            id,
            description,
            count: count(id),
        })
        .collect();

    // Sessions and failures by logon type (None: not known).
    let mut by_type: BTreeMap<Option<u32>, (u64, u64)> = BTreeMap::new();
    for session in &report.sessions {
        by_type.entry(session.logon_type).or_default().0 += 1;
    }
    for failure in &report.failures {
        by_type.entry(failure.logon_type).or_default().1 += 1;
    }
    let logon_types = LOGON_TYPES
        .iter()
        .map(|t| {
            let (sessions, failures) = by_type.get(&Some(t.number)).copied().unwrap_or_default();
            LogonTypeRow {
                number: t.number,
                title: t.title,
                description: t.description,
                sessions,
                failures,
            }
        })
        .collect();
    let mut other_logon_types: Vec<OtherLogonType> = by_type
        .iter()
        .filter(|(number, _)| !number.is_some_and(|n| LOGON_TYPES.iter().any(|t| t.number == n)))
        .map(|(&number, &(sessions, failures))| OtherLogonType {
            number,
            name: number.map_or_else(|| "(unknown)".to_string(), logon_type_name),
            description: match number {
                Some(0) => "The System account's logon when the computer starts.",
                Some(_) => "Not a logon type of the Audit logon events reference.",
                None => {
                    "Not logged: sessions known only from a logoff event (4647 has no logon type)."
                }
            },
            sessions,
            failures,
        })
        .collect();
    // BTreeMap puts None first; the unknown reads best after the numbered ones.
    other_logon_types.sort_by_key(|t| (t.number.is_none(), t.number));

    let (log_cleared, other_warnings): (Vec<Warning>, Vec<Warning>) = report
        .warnings
        .iter()
        .cloned()
        .partition(|w| w.kind == WarningKind::LogCleared);

    let mut hints = Vec::new();
    let logons = count(4624);
    let records: u64 = report.files.iter().map(|f| f.records).sum();
    if logons == 0 {
        // Without 4624 there are no sessions to reconstruct: either success auditing is off,
        // or these logs are not Security logs of a machine anyone used.
        hints.push(Hint {
            severity: Severity::Warning,
            text: format!(
                "No successful logon (4624) in the logs ({} read): success auditing may be off (Audit Logon: Success), or these are not Security logs",
                plural(records, "record", "records")
            ),
        });
    }
    if count(4625) == 0 && logons > 0 {
        // Every machine sees a mistyped password now and then; none at all over many logons
        // usually means failures are not audited, so an attack would not show here.
        hints.push(Hint {
            severity: Severity::Warning,
            text: format!(
                "No failed logon (4625) in the logs while {}: failure auditing may be off (Audit Logon: Failure)",
                there_are(logons, "successful logon", "successful logons")
            ),
        });
    }
    if count(4634) == 0 && count(4647) == 0 && logons > 0 {
        // Sessions then end only at shutdown or at the end of the log: their durations are
        // upper bounds, not facts.
        hints.push(Hint {
            severity: Severity::Warning,
            text: format!(
                "No logoff events (4634, 4647) while {}: session ends cannot be known; Audit Logoff may be off",
                there_are(logons, "successful logon", "successful logons")
            ),
        });
    }
    let interactive: u64 = INTERACTIVE_TYPES
        .iter()
        .map(|n| by_type.get(&Some(*n)).map_or(0, |c| c.0))
        .sum();
    if count(4672) == 0 && interactive > 0 {
        // Administrators' interactive logons (and SYSTEM's at boot) come with a 4672; none at
        // all means admin rights cannot be seen, though it may also be that no admin logged on.
        hints.push(Hint {
            severity: Severity::Info,
            text: format!(
                "No special logon (4672) while {}: special logon auditing may be off (Audit Special Logon), so administrator logons cannot be told apart",
                there_are(interactive, "interactive logon", "interactive logons")
            ),
        });
    }
    let cleared = count(1102);
    if cleared > 0 {
        // Clearing the log is what an intruder does to hide; whatever happened before it is
        // gone from this log.
        hints.push(Hint {
            severity: Severity::Alert,
            text: format!(
                "The Security log was cleared {}: events before each clearing are gone",
                plural(cleared, "time", "times")
            ),
        });
    }
    let gaps: Vec<&Warning> = other_warnings
        .iter()
        .filter(|w| w.kind == WarningKind::RecordIdGap)
        .collect();
    if !gaps.is_empty() {
        // Record ids number every event of a channel; a jump means events were removed
        // (tampering) or the export skipped them (a log that wrapped around between exports).
        let missing: u64 = gaps.iter().filter_map(|w| w.count).sum();
        hints.push(Hint {
            severity: Severity::Alert,
            text: format!(
                "Records are missing (record ID gaps): {} missing in {}; the log may have been tampered with or rolled over",
                plural(missing, "record", "records"),
                plural(gaps.len() as u64, "gap warning", "gap warnings")
            ),
        });
    }
    let damaged = other_warnings
        .iter()
        .filter(|w| {
            matches!(
                w.kind,
                WarningKind::DamagedChunk | WarningKind::DamagedRecords
            )
        })
        .count() as u64;
    if damaged > 0 {
        // What could not be read may have held logons: sessions may be missing or incomplete.
        hints.push(Hint {
            severity: Severity::Warning,
            text: format!(
                "Parts of the files could not be read ({}): sessions may be missing or incomplete",
                plural(
                    damaged,
                    "damaged chunk or record run",
                    "damaged chunks or record runs"
                )
            ),
        });
    }
    // Stable: hints of one severity keep the order above.
    hints.sort_by_key(|h| std::cmp::Reverse(h.severity));

    Coverage {
        events,
        related_events,
        logon_types,
        other_logon_types,
        hints,
        log_cleared,
        other_warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use logonscope_core::report::{Failure, FileSummary, Session};
    use logonscope_core::time::Timestamp;

    fn session(logon_type: Option<u32>) -> Session {
        Session {
            logon_type,
            logon_events: 1,
            start: Some(Timestamp(1)),
            ..Session::new("pc1", "0x1")
        }
    }

    fn failure(logon_type: Option<u32>) -> Failure {
        Failure {
            computer: "pc1".into(),
            time: Timestamp(5),
            user: Some("bob".into()),
            domain: None,
            user_sid: None,
            logon_type,
            logon_type_name: None,
            status: None,
            sub_status: None,
            reason: None,
            failure_reason: None,
            source_ip: None,
            source_port: None,
            workstation: None,
            process_name: None,
            logon_process: None,
            auth_package: None,
            record_id: 9,
        }
    }

    fn counts(pairs: &[(u16, u64)]) -> BTreeMap<u16, u64> {
        pairs.iter().copied().collect()
    }

    fn texts(coverage: &Coverage) -> Vec<&str> {
        coverage.hints.iter().map(|h| h.text.as_str()).collect()
    }

    fn has_hint(coverage: &Coverage, start: &str) -> bool {
        coverage.hints.iter().any(|h| h.text.starts_with(start))
    }

    /// A report with logons, failures, logoffs and 4672: nothing to hint at.
    fn healthy() -> (Report, BTreeMap<u16, u64>) {
        let report = Report {
            files: vec![FileSummary {
                name: "Security.evtx".to_string(),
                size: 1,
                records: 100,
                errors: Vec::new(),
            }],
            sessions: vec![session(Some(2)), session(Some(3)), session(Some(3))],
            failures: vec![failure(Some(3))],
            warnings: Vec::new(),
        };
        let counts = counts(&[(4624, 3), (4625, 1), (4634, 2), (4672, 1)]);
        (report, counts)
    }

    #[test]
    fn tables_list_the_reference_with_counts() {
        let (mut report, counts) = healthy();
        report.sessions.push(session(Some(0)));
        report.sessions.push(session(None));
        report.failures.push(failure(Some(12)));
        let coverage = coverage(&report, &counts);

        let events: Vec<(u16, u64)> = coverage.events.iter().map(|e| (e.id, e.count)).collect();
        assert_eq!(
            events,
            [
                (4624, 5),
                (4625, 2),
                (4634, 2),
                (4647, 0),
                (4648, 0),
                (4779, 0)
            ],
            "4624 and 4625 are raised to what the report proves"
        );
        assert_eq!(coverage.related_events.len(), RELATED_EVENTS.len());
        assert_eq!(coverage.related_events[0].id, 4672);
        assert_eq!(coverage.related_events[0].count, 1);

        assert_eq!(coverage.logon_types.len(), LOGON_TYPES.len());
        let rows: Vec<(u32, u64, u64)> = coverage
            .logon_types
            .iter()
            .map(|t| (t.number, t.sessions, t.failures))
            .take(3)
            .collect();
        assert_eq!(rows, [(2, 1, 0), (3, 2, 1), (4, 0, 0)]);
        assert_eq!(coverage.logon_types[7].title, "RemoteInteractive");

        let others: Vec<(Option<u32>, &str, u64, u64)> = coverage
            .other_logon_types
            .iter()
            .map(|t| (t.number, t.name.as_str(), t.sessions, t.failures))
            .collect();
        assert_eq!(
            others,
            [
                (Some(0), "System", 1, 0),
                (Some(12), "12", 0, 1),
                (None, "(unknown)", 1, 0)
            ]
        );
    }

    #[test]
    fn a_healthy_log_gives_no_hints() {
        let (report, counts) = healthy();
        let coverage = coverage(&report, &counts);
        assert!(coverage.hints.is_empty(), "{:?}", texts(&coverage));
    }

    #[test]
    fn missing_failures_and_logoffs_are_hinted_with_counts() {
        let (mut report, _) = healthy();
        report.failures.clear();
        let counts = counts(&[(4624, 3), (4672, 1)]);
        let coverage = coverage(&report, &counts);
        assert_eq!(
            texts(&coverage),
            [
                "No failed logon (4625) in the logs while there are 3 successful logons: failure auditing may be off (Audit Logon: Failure)",
                "No logoff events (4634, 4647) while there are 3 successful logons: session ends cannot be known; Audit Logoff may be off",
            ]
        );
        assert!(
            coverage
                .hints
                .iter()
                .all(|h| h.severity == Severity::Warning)
        );
    }

    #[test]
    fn a_4647_alone_counts_as_logoff_auditing() {
        let (mut report, _) = healthy();
        report.sessions[0].user_logoff_time = Some(Timestamp(7));
        let coverage = coverage(&report, &counts(&[(4624, 3), (4625, 1), (4672, 1)]));
        assert!(!has_hint(&coverage, "No logoff events"));
        assert_eq!(coverage.events[3].count, 1, "4647 proven by the session");
    }

    #[test]
    fn no_logons_at_all() {
        let report = Report {
            files: vec![FileSummary {
                name: "System.evtx".to_string(),
                size: 1,
                records: 42,
                errors: Vec::new(),
            }],
            ..Report::default()
        };
        let coverage = coverage(&report, &BTreeMap::new());
        assert_eq!(coverage.hints.len(), 1, "{:?}", texts(&coverage));
        assert!(has_hint(
            &coverage,
            "No successful logon (4624) in the logs (42 records read)"
        ));
    }

    #[test]
    fn no_special_logon_with_interactive_logons() {
        let (report, _) = healthy();
        let coverage = coverage(&report, &counts(&[(4624, 3), (4625, 1), (4634, 2)]));
        assert_eq!(coverage.hints.len(), 1);
        assert_eq!(coverage.hints[0].severity, Severity::Info);
        assert!(has_hint(
            &coverage,
            "No special logon (4672) while there is 1 interactive logon: special logon auditing may be off"
        ));

        // Network logons alone do not call for a 4672.
        let mut network_only = report.clone();
        network_only.sessions.retain(|s| s.logon_type == Some(3));
        let coverage = coverage_of(&network_only, &[(4624, 2), (4625, 1), (4634, 2)]);
        assert!(coverage.hints.is_empty(), "{:?}", texts(&coverage));
    }

    fn coverage_of(report: &Report, pairs: &[(u16, u64)]) -> Coverage {
        coverage(report, &counts(pairs))
    }

    #[test]
    fn cleared_logs_and_gaps_are_alerts_first() {
        let (mut report, mut counts) = healthy();
        report.failures.clear();
        counts.remove(&4625);
        let cleared = Warning {
            computer: Some("pc1".to_string()),
            user: Some("mallory".to_string()),
            record_id: Some(3),
            ..Warning::new(WarningKind::LogCleared, "cleared".to_string())
        };
        report.warnings = vec![
            cleared.clone(),
            Warning {
                count: Some(40),
                ..Warning::new(WarningKind::RecordIdGap, "gap 1".to_string())
            },
            Warning::new(WarningKind::DamagedChunk, "chunk 3".to_string()),
            Warning {
                count: Some(2),
                ..Warning::new(WarningKind::RecordIdGap, "gap 2".to_string())
            },
        ];
        counts.insert(1102, 2);
        let coverage = coverage(&report, &counts);
        assert_eq!(
            texts(&coverage),
            [
                "The Security log was cleared 2 times: events before each clearing are gone",
                "Records are missing (record ID gaps): 42 records missing in 2 gap warnings; the log may have been tampered with or rolled over",
                "No failed logon (4625) in the logs while there are 3 successful logons: failure auditing may be off (Audit Logon: Failure)",
                "Parts of the files could not be read (1 damaged chunk or record run): sessions may be missing or incomplete",
            ]
        );
        assert_eq!(coverage.hints[0].severity, Severity::Alert);
        assert_eq!(coverage.log_cleared, [cleared]);
        let others: Vec<&str> = coverage
            .other_warnings
            .iter()
            .map(|w| w.message.as_str())
            .collect();
        assert_eq!(others, ["gap 1", "chunk 3", "gap 2"]);
    }

    #[test]
    fn a_clear_warning_proves_a_1102_without_counts() {
        let (mut report, counts) = healthy();
        report.warnings = vec![Warning::new(WarningKind::LogCleared, "c".to_string())];
        let coverage = coverage(&report, &counts);
        assert!(has_hint(&coverage, "The Security log was cleared 1 time:"));
        assert_eq!(Severity::Alert.as_str(), "alert");
    }
}
