//! Exports of a report: the report JSON and CSV for spreadsheets and Timeline Explorer.

pub mod csv;

use std::io::{self, Write};

use crate::report::Report;

/// Writes the report as pretty-printed JSON (the format of `SESSIONS.md`) and a newline,
/// streaming: a report of a gigabyte log is never held twice in memory.
pub fn write_report_json(report: &Report, mut out: impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut out, report)?;
    out.write_all(b"\n")
}
