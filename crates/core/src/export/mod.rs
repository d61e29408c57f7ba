//! Exports of a report: the report JSON, CSV for spreadsheets and Timeline Explorer, NDJSON in
//! Elastic Common Schema for Elasticsearch and Splunk, and a printable HTML report.
//!
//! Event data is attacker-controlled, and so is a report read from a shared link. Every export
//! that a human reads in another program (CSV, HTML) passes each value through
//! [`visible_controls`] so that no character in it can act instead of show: split a row, move a
//! terminal's cursor, or reverse the order in which the text reads.

pub mod csv;
pub mod html;
pub mod ndjson;

use std::borrow::Cow;
use std::io::{self, Write};

use crate::report::Report;

/// Writes the report as pretty-printed JSON (the format of `SESSIONS.md`) and a newline,
/// streaming: a report of a gigabyte log is never held twice in memory.
pub fn write_report_json(report: &Report, mut out: impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut out, report)?;
    out.write_all(b"\n")
}

/// Whether `c` is a bidirectional embedding, override or isolate (U+202A to U+202E, U+2066 to
/// U+2069): invisible characters that reorder the text around them, so that
/// `invoice\u{202E}fdp.exe` reads as `invoiceexe.pdf`.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether [`visible_controls`] replaces `c`.
pub fn is_active_char(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// The text with every character that acts rather than shows replaced by a visible stand-in:
/// C0 controls (tab, CR and LF included, so that no value ever splits a row or a line) by their
/// Unicode Control Pictures U+2400 to U+241F, DEL by U+2421, and C1 controls, bidirectional
/// controls ([`is_bidi_control`]) and the line and paragraph separators by `[U+XXXX]`.
/// Borrowed when there is nothing to replace, as for nearly every value.
pub fn visible_controls(value: &str) -> Cow<'_, str> {
    if !value.chars().any(is_active_char) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
            '\u{7f}' => out.push('\u{2421}'),
            c if is_active_char(c) => out.push_str(&format!("[U+{:04X}]", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_pictures_and_bidi_becomes_visible() {
        assert_eq!(visible_controls("alice"), "alice");
        assert!(matches!(visible_controls("alice"), Cow::Borrowed(_)));
        assert_eq!(
            visible_controls("a\tb\nc\rd"),
            "a\u{2409}b\u{240a}c\u{240d}d"
        );
        assert_eq!(visible_controls("\u{1b}[31m\u{7}"), "\u{241b}[31m\u{2407}");
        assert_eq!(
            visible_controls("\u{0}\u{1f}\u{7f}"),
            "\u{2400}\u{241f}\u{2421}"
        );
        assert_eq!(visible_controls("x\u{202E}y"), "x[U+202E]y");
        assert_eq!(visible_controls("\u{2066}\u{2069}"), "[U+2066][U+2069]");
        assert_eq!(visible_controls("\u{85}\u{9b}"), "[U+0085][U+009B]");
        assert_eq!(visible_controls("a\u{2028}b"), "a[U+2028]b");
        assert_eq!(visible_controls("Zoë 東京"), "Zoë 東京");
        for value in ["\u{1b}x", "a\u{202d}b", "\u{2067}", "l\u{2029}", "\u{9f}"] {
            assert!(
                !visible_controls(value).chars().any(is_active_char),
                "{value:?}"
            );
        }
    }
}
