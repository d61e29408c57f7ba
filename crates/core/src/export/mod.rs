//! Exports of a report: the report JSON and CSV for spreadsheets and Timeline Explorer.

pub mod csv;

use crate::report::Report;

/// The report as pretty-printed JSON (the format of `SESSIONS.md`).
pub fn report_json(report: &Report) -> String {
    // Serialising plain data with string keys cannot fail; fall back to an empty object anyway
    // rather than panic.
    serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".to_string())
}
