//! The drawn rows of the sessions table, written by hand rather than as reactive views.
//!
//! Scrolling a million-row table replaces every drawn row each frame (past a few hundred
//! thousand rows a scroll position maps onto more rows than it moves pixels). As reactive
//! views each of the twelve cells of every drawn row re-ran four closures a frame, each
//! crossing into JavaScript; here one effect gives each row its session and writes only the
//! texts and attributes that differ from what the row shows (on 1,000,000 sessions, headless
//! on two cores, the page's script time per frame went from about 20 ms to 6). A row is made
//! once per place in the window (the n-th drawn row stays the n-th, so the page's order is
//! the table's) and is given whichever session comes to its place. Texts go in as text
//! nodes, never as markup: event data is attacker-controlled.

use std::borrow::Cow;

use logonscope_core::report::{EndReason, Session};
use logonscope_core::time::Timestamp;
use logonscope_view::columns::{Column, end_reason_title};
use logonscope_view::timeline::logon_type_colour;
use logonscope_view::zone::Zone;
use wasm_bindgen::JsCast;

use crate::web::clock::show_time;

/// What the rows are to show: the sessions at positions `first..last` of `visible`.
pub struct RowsWanted<'a> {
    pub first: usize,
    pub last: usize,
    pub visible: &'a [u32],
    pub sessions: &'a [Session],
    pub zone: Zone,
    pub selected: Option<u32>,
    /// Changes whenever the report does (the same index may then be another session).
    pub report_generation: u64,
}

/// The drawn rows, by place in the window.
#[derive(Default)]
pub struct DrawnRows {
    /// The element the rows are in; a new one (the table was drawn anew) starts over.
    group: Option<web_sys::Element>,
    rows: Vec<DrawnRow>,
}

impl DrawnRows {
    /// Makes the rows in `group` show `wanted`: adds or removes rows to match the window, then
    /// writes what changed in each.
    pub fn show(&mut self, group: &web_sys::Element, wanted: &RowsWanted) {
        if !self
            .group
            .as_ref()
            .is_some_and(|g| g.is_same_node(Some(group)))
        {
            self.rows.clear();
            group.set_text_content(None);
            self.group = Some(group.clone());
        }
        let places = wanted.last.saturating_sub(wanted.first);
        while self.rows.len() > places {
            if let Some(row) = self.rows.pop() {
                row.element.remove();
            }
        }
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        while self.rows.len() < places {
            match DrawnRow::new(&document) {
                Some(row) => {
                    let _ = group.append_child(&row.element);
                    self.rows.push(row);
                }
                None => return,
            }
        }
        for (place, row) in self.rows.iter_mut().enumerate() {
            row.show(&document, wanted, wanted.first + place);
        }
    }
}

/// The session index of the drawn row an event happened in, if any.
pub fn row_index_of(target: Option<web_sys::EventTarget>) -> Option<u32> {
    let element = target?.dyn_into::<web_sys::Element>().ok()?;
    let row = element.closest(".sessions-row[data-index]").ok()??;
    row.get_attribute("data-index")?.parse().ok()
}

/// Which session a row shows, as drawn.
#[derive(Clone, Copy, PartialEq)]
struct RowKey {
    report_generation: u64,
    position: usize,
    index: u32,
    zone: Zone,
}

/// One row's elements, and what they were last given.
struct DrawnRow {
    element: web_sys::Element,
    cells: Vec<DrawnCell>,
    key: Option<RowKey>,
    class: String,
    selected: Option<bool>,
}

struct DrawnCell {
    element: web_sys::Element,
    text_node: web_sys::Text,
    /// The "yes" badge, made when first shown.
    badge_node: Option<web_sys::Element>,
    shown: CellParts,
}

impl DrawnRow {
    fn new(document: &web_sys::Document) -> Option<DrawnRow> {
        let element = document.create_element("div").ok()?;
        element.set_class_name("sessions-row");
        let _ = element.set_attribute("role", "row");
        let _ = element.set_attribute("data-testid", "session-row");
        let mut cells = Vec::with_capacity(Column::ALL.len());
        for column in Column::ALL {
            let cell = document.create_element("div").ok()?;
            cell.set_class_name("sessions-cell");
            let _ = cell.set_attribute("role", "cell");
            let _ = cell.set_attribute("data-column", column.key());
            let text_node = document.create_text_node("");
            let _ = cell.append_child(&text_node);
            let _ = element.append_child(&cell);
            cells.push(DrawnCell {
                element: cell,
                text_node,
                badge_node: None,
                shown: CellParts::default(),
            });
        }
        Some(DrawnRow {
            element,
            cells,
            key: None,
            class: "sessions-row".to_string(),
            selected: None,
        })
    }

    fn show(&mut self, document: &web_sys::Document, wanted: &RowsWanted, position: usize) {
        let Some((index, session)) = wanted
            .visible
            .get(position)
            .and_then(|&index| Some((index, wanted.sessions.get(index as usize)?)))
        else {
            return;
        };
        let key = RowKey {
            report_generation: wanted.report_generation,
            position,
            index,
            zone: wanted.zone,
        };
        if self.key != Some(key) {
            self.key = Some(key);
            let _ = self.element.set_attribute("data-index", &index.to_string());
            let _ = self
                .element
                .set_attribute("aria-rowindex", &(position + 2).to_string());
            for (cell, column) in self.cells.iter_mut().zip(Column::ALL) {
                cell.show(document, cell_parts(column, session, wanted.zone));
            }
        }
        let selected = wanted.selected == Some(index);
        let class = match (position % 2 == 1, selected) {
            (false, false) => "sessions-row",
            (true, false) => "sessions-row sessions-alt",
            (false, true) => "sessions-row sessions-selected",
            (true, true) => "sessions-row sessions-alt sessions-selected",
        };
        if self.class != class {
            self.element.set_class_name(class);
            self.class = class.to_string();
        }
        if self.selected != Some(selected) {
            let _ = self
                .element
                .set_attribute("aria-selected", if selected { "true" } else { "false" });
            self.selected = Some(selected);
        }
    }
}

impl DrawnCell {
    fn show(&mut self, document: &web_sys::Document, parts: CellParts) {
        if parts.class != self.shown.class {
            self.element.set_class_name(&parts.class);
        }
        if parts.title != self.shown.title {
            if parts.title.is_empty() {
                let _ = self.element.remove_attribute("title");
            } else {
                let _ = self.element.set_attribute("title", &parts.title);
            }
        }
        if parts.text != self.shown.text {
            self.text_node.set_data(&parts.text);
        }
        if parts.badge != self.shown.badge {
            if parts.badge {
                if self.badge_node.is_none() {
                    self.badge_node = document.create_element("span").ok().inspect(|badge| {
                        badge.set_class_name("sessions-badge");
                        badge.set_text_content(Some("yes"));
                    });
                }
                if let Some(badge) = &self.badge_node {
                    let _ = self.element.insert_before(badge, Some(&self.text_node));
                }
            } else if let Some(badge) = &self.badge_node {
                badge.remove();
            }
        }
        self.shown = parts;
    }
}

/// What one cell shows: its classes, its text, its tooltip (empty: none), and whether it is a
/// "yes" badge.
#[derive(Clone, PartialEq)]
struct CellParts {
    /// (Borrowed, but for the logon type's, which names its colour.)
    class: Cow<'static, str>,
    text: String,
    title: String,
    badge: bool,
}

impl Default for CellParts {
    /// What a new cell shows: nothing.
    fn default() -> Self {
        CellParts {
            class: Cow::Borrowed("sessions-cell"),
            text: String::new(),
            title: String::new(),
            badge: false,
        }
    }
}

/// One cell. Times follow the page's zone; missing starts (orphans) and ends (open
/// sessions) are marked so that they do not read as blanks.
fn cell_parts(column: Column, s: &Session, zone: Zone) -> CellParts {
    let plain = |class: &'static str, text: String, title: String| CellParts {
        class: Cow::Borrowed(class),
        text,
        title,
        badge: false,
    };
    let time = |t: Timestamp| {
        plain(
            "sessions-cell sessions-time",
            show_time(t, zone),
            String::new(),
        )
    };
    let marked =
        |text: &str, why: String| plain("sessions-cell sessions-missing", text.to_string(), why);
    let badge = |on: bool| CellParts {
        badge: on,
        ..plain("sessions-cell sessions-flag", String::new(), String::new())
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
            let text = column.cell_text(s, &|_| String::new());
            let class = match s.logon_type {
                Some(n) => format!(
                    "sessions-cell sessions-lt sessions-lt-{}",
                    logon_type_colour(n)
                ),
                None => "sessions-cell sessions-lt".to_string(),
            };
            CellParts {
                class: Cow::Owned(class),
                ..plain("", text.clone(), text)
            }
        }
        _ => {
            let text = column.cell_text(s, &|_| String::new());
            plain("sessions-cell", text.clone(), text)
        }
    }
}
