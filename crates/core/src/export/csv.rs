//! CSV of sessions and failures, for Excel and Timeline Explorer: one header row, UTC times,
//! RFC 4180 quoting, and formula-safe cells.
//!
//! Event data is attacker-controlled: a user name such as `=HYPERLINK("http://x","y")` would
//! run as a formula when the CSV is opened in a spreadsheet. Any cell that starts with a
//! character a spreadsheet treats as the start of a formula (`=`, `+`, `-`, `@`, tab, carriage
//! return) gets a leading `'`, as OWASP recommends.

use crate::report::{Failure, Report, Session};
use crate::time::Timestamp;

/// The session columns, in order.
pub const SESSION_COLUMNS: [&str; 27] = [
    "computer",
    "logon_id",
    "linked_logon_id",
    "user_sid",
    "domain",
    "user",
    "logon_type",
    "logon_type_name",
    "start",
    "end",
    "duration_seconds",
    "end_reason",
    "source_ip",
    "source_port",
    "workstation",
    "logon_process",
    "auth_package",
    "lm_package",
    "process_name",
    "elevated",
    "admin",
    "logon_events",
    "user_logoff_time",
    "explicit_credentials",
    "rdp_events",
    "lock_events",
    "record_ids",
];

/// The failure columns, in order.
pub const FAILURE_COLUMNS: [&str; 18] = [
    "computer",
    "time",
    "user_sid",
    "domain",
    "user",
    "logon_type",
    "logon_type_name",
    "status",
    "sub_status",
    "reason",
    "failure_reason",
    "source_ip",
    "source_port",
    "workstation",
    "process_name",
    "logon_process",
    "auth_package",
    "record_id",
];

/// Makes a cell safe for spreadsheets and CSV.
pub fn cell(value: &str) -> String {
    let neutral = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

fn text(value: &Option<String>) -> String {
    value.as_deref().map(cell).unwrap_or_default()
}

fn time(value: Option<Timestamp>) -> String {
    value.map(|t| t.to_string()).unwrap_or_default()
}

fn number<T: ToString>(value: Option<T>) -> String {
    value.map(|n| n.to_string()).unwrap_or_default()
}

fn push_row(out: &mut String, cells: &[String]) {
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

fn session_row(s: &Session) -> Vec<String> {
    vec![
        cell(&s.computer),
        s.logon_id.clone(),
        text(&s.linked_logon_id),
        text(&s.user_sid),
        text(&s.domain),
        text(&s.user),
        number(s.logon_type),
        text(&s.logon_type_name),
        time(s.start),
        time(s.end),
        number(s.duration_seconds),
        s.end_reason.as_str().to_string(),
        text(&s.source_ip),
        number(s.source_port),
        text(&s.workstation),
        text(&s.logon_process),
        text(&s.auth_package),
        text(&s.lm_package),
        text(&s.process_name),
        number(s.elevated),
        s.admin.to_string(),
        s.logon_events.to_string(),
        time(s.user_logoff_time),
        s.explicit_credentials.len().to_string(),
        s.rdp_events.len().to_string(),
        s.lock_events.len().to_string(),
        s.record_ids
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(" "),
    ]
}

fn failure_row(f: &Failure) -> Vec<String> {
    vec![
        cell(&f.computer),
        f.time.to_string(),
        text(&f.user_sid),
        text(&f.domain),
        text(&f.user),
        number(f.logon_type),
        text(&f.logon_type_name),
        text(&f.status),
        text(&f.sub_status),
        text(&f.reason),
        text(&f.failure_reason),
        text(&f.source_ip),
        number(f.source_port),
        text(&f.workstation),
        text(&f.process_name),
        text(&f.logon_process),
        text(&f.auth_package),
        f.record_id.to_string(),
    ]
}

/// The sessions of a report as CSV.
pub fn sessions_csv(report: &Report) -> String {
    let mut out = String::new();
    push_row(&mut out, &SESSION_COLUMNS.map(String::from));
    for session in &report.sessions {
        push_row(&mut out, &session_row(session));
    }
    out
}

/// The failures of a report as CSV.
pub fn failures_csv(report: &Report) -> String {
    let mut out = String::new();
    push_row(&mut out, &FAILURE_COLUMNS.map(String::from));
    for failure in &report.failures {
        push_row(&mut out, &failure_row(failure));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_quoting_is_rfc4180() {
        assert_eq!(
            cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(cell("alice"), "alice");
    }

    #[test]
    fn header_matches_columns() {
        let report = Report::default();
        assert_eq!(sessions_csv(&report).trim_end(), SESSION_COLUMNS.join(","));
        assert_eq!(failures_csv(&report).trim_end(), FAILURE_COLUMNS.join(","));
    }
}
