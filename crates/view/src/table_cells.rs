//! The cells of the sessions table: where each column goes and what each cell shows.
//!
//! The table paints the rows in view on a canvas and keeps the same rows as transparent
//! elements over it, for screen readers, clicks and text selection (see
//! `src/web/views/table_canvas.rs`). Both take their columns and cells from here, so what
//! is painted and what is read cannot disagree.

use logonscope_core::report::{EndReason, Session};
use logonscope_core::time::Timestamp;

use crate::columns::{Column, end_reason_title};
use crate::timeline::logon_type_colour;

/// The space inside a cell between its edges and its text, in pixels.
pub const CELL_PADDING_PX: f64 = 6.0;

/// The width of a row when the table is narrower than its columns; a wider table gives the
/// rest to the last column.
pub const ROW_MIN_WIDTH_PX: f64 = 1622.0;

impl Column {
    /// The width of the column, in pixels (the last column's least width).
    pub const fn width_px(self) -> f64 {
        match self {
            Column::Computer | Column::User => 180.0,
            Column::LogonType => 170.0,
            Column::SourceIp => 130.0,
            Column::Workstation => 120.0,
            Column::Start | Column::End => 175.0,
            Column::Duration => 85.0,
            Column::EndReason => 145.0,
            Column::Admin => 60.0,
            Column::Elevated => 72.0,
            Column::AuthPackage => 130.0,
        }
    }

    /// Where the column starts, in pixels from the row's left edge.
    pub fn left_px(self) -> f64 {
        Column::ALL
            .iter()
            .take_while(|&&column| column != self)
            .map(|column| column.width_px())
            .sum()
    }

    /// The width of the column in a row `row_width_px` wide: the last column takes the rest.
    pub fn width_in_row_px(self, row_width_px: f64) -> f64 {
        if Column::ALL.last() == Some(&self) {
            (row_width_px - self.left_px()).max(self.width_px())
        } else {
            self.width_px()
        }
    }
}

/// How a cell's text looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CellLook {
    #[default]
    Plain,
    /// A time (figures that line up).
    Time,
    /// A mark where a value is missing ("—", "open"): muted, so it does not read as data.
    Missing,
    /// A yes/no column: a "yes" badge or nothing.
    Flag,
    /// A logon type: its text after a swatch of its colour (see [`logon_type_colour`]), if it
    /// has a number.
    LogonType(Option<&'static str>),
}

/// What one cell shows: its look, its text, its tooltip (empty: none), and whether it is a
/// "yes" badge.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CellParts {
    pub look: CellLook,
    pub text: String,
    pub title: String,
    pub badge: bool,
}

impl CellParts {
    /// The CSS classes of the cell's element (which is transparent: the canvas paints the
    /// colours).
    pub fn class(&self) -> &'static str {
        match self.look {
            CellLook::Plain => "sessions-cell",
            CellLook::Time => "sessions-cell sessions-time",
            CellLook::Missing => "sessions-cell sessions-missing",
            CellLook::Flag => "sessions-cell sessions-flag",
            CellLook::LogonType(_) => "sessions-cell sessions-lt",
        }
    }
}

/// The cell of session `s` in `column`. `show_time` writes times in the page's zone; missing
/// starts (orphans) and ends (open sessions) are marked so that they do not read as blanks.
pub fn cell_parts(
    column: Column,
    s: &Session,
    show_time: &dyn Fn(Timestamp) -> String,
) -> CellParts {
    let plain = |look: CellLook, text: String, title: String| CellParts {
        look,
        text,
        title,
        badge: false,
    };
    let time = |t: Timestamp| plain(CellLook::Time, show_time(t), String::new());
    let marked = |text: &str, why: String| plain(CellLook::Missing, text.to_string(), why);
    let badge = |on: bool| CellParts {
        badge: on,
        ..plain(CellLook::Flag, String::new(), String::new())
    };
    match column {
        Column::Start => match s.start {
            Some(t) => time(t),
            None => marked(
                "—",
                "No logon event: the session began before the log (orphan)".to_string(),
            ),
        },
        Column::End => match (s.end, s.end_reason) {
            (Some(t), _) => time(t),
            (None, EndReason::LogEnd) => marked("open", "Still open when the log ends".to_string()),
            (None, reason) => marked("—", format!("No end time: {}", end_reason_title(reason))),
        },
        Column::Admin => badge(s.admin),
        Column::Elevated => badge(s.elevated == Some(true)),
        Column::LogonType => {
            let text = column.cell_text(s, show_time);
            plain(
                CellLook::LogonType(s.logon_type.map(logon_type_colour)),
                text.clone(),
                text,
            )
        }
        _ => {
            let text = column.cell_text(s, show_time);
            plain(CellLook::Plain, text.clone(), text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone::format_utc;
    use logonscope_core::text::Text;

    fn session() -> Session {
        let mut s = Session::new("WS1", "0x1");
        s.user = Some(Text::from("alice"));
        s.domain = Some(Text::from("CORP"));
        s.logon_type = Some(10);
        s.logon_type_name = Some(Text::from("RemoteInteractive"));
        s.start = Timestamp::parse_iso("2024-05-01T10:00:00Z");
        s.admin = true;
        s.elevated = Some(false);
        s.workstation = Some(Text::from("=HYPERLINK(\"x\")"));
        s
    }

    #[test]
    fn columns_sit_side_by_side_and_the_last_takes_the_rest() {
        let mut left = 0.0;
        for column in Column::ALL {
            assert_eq!(column.left_px(), left, "{column:?}");
            left += column.width_px();
        }
        assert_eq!(left, ROW_MIN_WIDTH_PX);
        let last = Column::AuthPackage;
        assert_eq!(last.width_in_row_px(ROW_MIN_WIDTH_PX), last.width_px());
        assert_eq!(last.width_in_row_px(2_000.0), 2_000.0 - last.left_px());
        assert_eq!(last.width_in_row_px(800.0), last.width_px());
        assert_eq!(Column::Start.width_in_row_px(2_000.0), 175.0);
    }

    #[test]
    fn cells_say_what_the_session_holds() {
        let s = session();
        let cell = |column| cell_parts(column, &s, &format_utc);
        assert_eq!(cell(Column::User).text, "CORP\\alice");
        assert_eq!(cell(Column::User).look, CellLook::Plain);
        assert_eq!(cell(Column::User).class(), "sessions-cell");
        // Event data is shown as it is, never read: the page writes it as text.
        assert_eq!(cell(Column::Workstation).text, "=HYPERLINK(\"x\")");
        let start = cell(Column::Start);
        assert_eq!(start.look, CellLook::Time);
        assert_eq!(start.text, format_utc(s.start.expect("a start")));
        assert_eq!(start.class(), "sessions-cell sessions-time");
        let end = cell(Column::End);
        assert_eq!((end.look, end.text.as_str()), (CellLook::Missing, "open"));
        assert_eq!(end.title, "Still open when the log ends");
        assert!(cell(Column::Admin).badge);
        assert!(!cell(Column::Elevated).badge);
        assert_eq!(cell(Column::Admin).class(), "sessions-cell sessions-flag");
        let logon_type = cell(Column::LogonType);
        assert_eq!(logon_type.look, CellLook::LogonType(Some("10")));
        assert_eq!(logon_type.class(), "sessions-cell sessions-lt");
        assert_eq!(logon_type.title, logon_type.text);
    }

    #[test]
    fn missing_values_are_marked_not_blank() {
        let mut s = session();
        s.start = None;
        s.end_reason = EndReason::Startup;
        s.logon_type = None;
        let start = cell_parts(Column::Start, &s, &format_utc);
        assert_eq!((start.look, start.text.as_str()), (CellLook::Missing, "—"));
        assert!(start.title.contains("orphan"), "{}", start.title);
        let end = cell_parts(Column::End, &s, &format_utc);
        assert_eq!(end.text, "—");
        assert_eq!(
            end.title,
            format!("No end time: {}", end_reason_title(EndReason::Startup))
        );
        let logon_type = cell_parts(Column::LogonType, &s, &format_utc);
        assert_eq!(logon_type.look, CellLook::LogonType(None));
        assert_eq!(logon_type.class(), "sessions-cell sessions-lt");
    }
}
