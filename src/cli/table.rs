//! The readable report: aligned tables of sessions and failures, then the warnings.
//!
//! Values come from event logs and are attacker-controlled: control characters (which could
//! move the cursor or recolour a terminal) and bidirectional overrides and isolates (which
//! reorder what a line reads) are shown as `\u{..}` escapes, never written raw.

use std::io::{self, Write};

use std::collections::BTreeMap;

use logonscope_core::catalog;
use logonscope_core::export::is_active_char;
use logonscope_core::report::{Report, Session};
use logonscope_core::text::Text;
use logonscope_core::time::clock_duration;

/// Longest a cell may be before it is cut with `…`.
const MAX_CELL: usize = 40;

/// A value made safe for a terminal and cut to [`MAX_CELL`] characters.
pub fn terminal_safe(value: &str) -> String {
    let mut out = terminal_safe_long(value);
    if out.chars().count() > MAX_CELL {
        out = out.chars().take(MAX_CELL - 1).collect::<String>() + "…";
    }
    out
}

fn account(domain: &Option<Text>, user: &Option<Text>) -> String {
    match (domain, user) {
        (Some(d), Some(u)) => format!("{d}\\{u}"),
        (None, Some(u)) => u.to_string(),
        _ => "-".to_string(),
    }
}

fn or_dash<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map_or("-".to_string(), T::to_string)
}

fn session_cells(s: &Session) -> Vec<String> {
    let source = match (&s.source_ip, &s.workstation) {
        (Some(ip), _) => ip.to_string(),
        (None, Some(ws)) => ws.to_string(),
        (None, None) => "-".to_string(),
    };
    let logon_type = match (s.logon_type, &s.logon_type_name) {
        (Some(n), Some(name)) if name != &n.to_string() => format!("{n} {name}"),
        (Some(n), _) => n.to_string(),
        (None, _) => "-".to_string(),
    };
    vec![
        s.computer.to_string(),
        s.logon_id.clone(),
        account(&s.domain, &s.user),
        logon_type,
        source,
        or_dash(&s.start),
        or_dash(&s.end),
        s.duration_seconds.map_or("-".to_string(), clock_duration),
        s.end_reason.as_str().to_string(),
        if s.admin { "admin" } else { "" }.to_string(),
    ]
}

fn write_table(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|c| terminal_safe(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
        let padded: Vec<String> = cells
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(&mut header.iter().copied()))?;
    for row in &rows {
        writeln!(out, "{}", line(&mut row.iter().map(String::as_str)))?;
    }
    Ok(())
}

/// Writes the whole readable report.
pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    writeln!(out, "Sessions: {}", report.sessions.len())?;
    let rows: Vec<Vec<String>> = report.sessions.iter().map(session_cells).collect();
    write_table(
        out,
        &[
            "COMPUTER",
            "LOGON ID",
            "USER",
            "TYPE",
            "SOURCE",
            "START (UTC)",
            "END (UTC)",
            "DURATION",
            "END REASON",
            "ADMIN",
        ],
        &rows,
    )?;
    write_logon_types(out, report)?;
    if !report.failures.is_empty() {
        writeln!(out, "\nFailed logons: {}", report.failures.len())?;
        let rows: Vec<Vec<String>> = report
            .failures
            .iter()
            .map(|f| {
                vec![
                    f.computer.to_string(),
                    f.time.to_string(),
                    account(&f.domain, &f.user),
                    or_dash(&f.logon_type),
                    or_dash(&f.source_ip),
                    or_dash(&f.reason),
                ]
            })
            .collect();
        write_table(
            out,
            &["COMPUTER", "TIME (UTC)", "USER", "TYPE", "SOURCE", "REASON"],
            &rows,
        )?;
    }
    if !report.warnings.is_empty() {
        writeln!(out, "\nWarnings: {}", report.warnings.len())?;
        for warning in &report.warnings {
            writeln!(out, "- {}", terminal_safe_long(&warning.message))?;
        }
    }
    Ok(())
}

/// The logon types seen, with their counts and what the Audit logon events reference says of
/// them.
fn write_logon_types(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    for logon_type in report.sessions.iter().filter_map(|s| s.logon_type) {
        *counts.entry(logon_type).or_default() += 1;
    }
    if counts.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nLogon types:")?;
    for (number, count) in counts {
        let name = catalog::logon_type_name(number);
        let description = catalog::logon_type(number).map_or("", |t| t.description);
        let line = format!("{number:>4} {name:<18} {count:>7}  {description}");
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Like [`terminal_safe`], without the length limit (for sentences).
fn terminal_safe_long(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        // Controls, bidi controls and the line and paragraph separators.
        if is_active_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(terminal_safe("evil\u{1b}[31mred"), "evil\\u{1b}[31mred");
        assert_eq!(terminal_safe("a\nb"), "a\\u{a}b");
        assert_eq!(terminal_safe("x\u{9b}2J"), "x\\u{9b}2J");
        assert_eq!(
            terminal_safe("invoice\u{202E}fdp.exe"),
            "invoice\\u{202e}fdp.exe"
        );
        assert_eq!(terminal_safe("\u{2066}a\u{2069}"), "\\u{2066}a\\u{2069}");
        assert_eq!(terminal_safe_long("a\u{202a}b"), "a\\u{202a}b");
        let long = "x".repeat(100);
        assert_eq!(terminal_safe(&long).chars().count(), MAX_CELL);
    }
}
