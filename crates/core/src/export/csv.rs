//! CSV of sessions and failures, for Excel and Timeline Explorer: one header row, UTC times,
//! RFC 4180 quoting, and formula-safe cells.
//!
//! Event data is attacker-controlled: a user name such as `=HYPERLINK("http://x","y")` would
//! run as a formula when the CSV is opened in a spreadsheet. Any cell that starts with a
//! character a spreadsheet treats as the start of a formula (`=`, `+`, `-`, `@`, tab, carriage
//! return) gets a leading `'`, as OWASP recommends. Control characters (tab, CR and LF
//! included) become their Unicode Control Pictures and bidirectional overrides a visible
//! `[U+202E]` ([`visible_controls`]), so that no value splits a row, recolours a terminal that
//! shows the file, or reorders what a cell reads.

use super::visible_controls;
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

/// Makes a cell safe for spreadsheets and CSV: controls made visible, formulas neutralised,
/// quoted as RFC 4180 says when it holds a comma or a quote.
pub fn cell(value: &str) -> String {
    let visible = visible_controls(value);
    let neutral = match visible.chars().next() {
        // Tab and CR cannot remain after `visible_controls`; they stay here so that this rule
        // holds on its own.
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{visible}"),
        _ => visible.into_owned(),
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

fn text(value: &Option<impl AsRef<str>>) -> String {
    value
        .as_ref()
        .map(|value| cell(value.as_ref()))
        .unwrap_or_default()
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
        // A report read from a shared link is as untrusted as a log: no value is written raw.
        cell(&s.logon_id),
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
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("alice"), "alice");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn control_characters_never_split_a_row() {
        assert_eq!(cell("line\nbreak"), "line\u{240a}break");
        assert_eq!(cell("\tx"), "\u{2409}x");
        assert_eq!(cell("\rx"), "\u{240d}x");
        assert_eq!(cell("a\r\nb,c"), "\"a\u{240d}\u{240a}b,c\"");
        assert_eq!(cell("\u{1b}[31mred\u{7}"), "\u{241b}[31mred\u{2407}");
        assert_eq!(cell("x\u{7f}"), "x\u{2421}");
        assert_eq!(cell("invoice\u{202E}fdp.exe"), "invoice[U+202E]fdp.exe");
        // A control picture in front of a formula keeps it from being one.
        assert_eq!(cell("\t=1+1"), "\u{2409}=1+1");
        assert_eq!(cell("=1\n+2"), "'=1\u{240a}+2");
    }

    #[test]
    fn hostile_values_give_one_row_of_the_right_width() {
        let mut session = Session::new("PC\n2", "0x1\r\n");
        session.user = Some("\"quoted, comma\"\n=HYPERLINK(\"http://x\",\"y\")".into());
        session.domain = Some("-2+3".into());
        session.workstation = Some("@cmd\t".into());
        let report = Report {
            sessions: vec![session],
            ..Report::default()
        };
        let text = sessions_csv(&report);
        let rows: Vec<&str> = text.split("\r\n").filter(|r| !r.is_empty()).collect();
        assert_eq!(rows.len(), 2, "{text:?}");
        for row in &rows {
            assert!(!row.contains(['\n', '\r']), "{row:?}");
        }
        assert!(rows[1].contains(",'-2+3,"), "{}", rows[1]);
        assert!(rows[1].contains(",'@cmd\u{2409},"), "{}", rows[1]);
        assert!(rows[1].starts_with("PC\u{240a}2,0x1\u{240d}\u{240a},"));
        // Fields: commas outside quotes, plus one.
        let mut quoted = false;
        let mut fields = 1;
        for c in rows[1].chars() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => fields += 1,
                _ => {}
            }
        }
        assert_eq!(fields, SESSION_COLUMNS.len());
    }

    #[test]
    fn header_matches_columns() {
        let report = Report::default();
        assert_eq!(sessions_csv(&report).trim_end(), SESSION_COLUMNS.join(","));
        assert_eq!(failures_csv(&report).trim_end(), FAILURE_COLUMNS.join(","));
    }
}
