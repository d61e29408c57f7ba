//! The rows of the sessions table as elements: transparent, over the rows painted on the
//! canvas (`table_canvas`), and redrawn when scrolling pauses rather than each frame. They are
//! what screen readers read, what the analyst selects and copies, and what tests read.
//!
//! They are written by hand rather than as reactive views: one effect gives each row its
//! session and writes only the texts and attributes that differ from what the row shows. A row
//! is made once per place in the window (the n-th drawn row stays the n-th, so the page's order
//! is the table's) and is given whichever session comes to its place. Texts go in as text
//! nodes, never as markup: event data is attacker-controlled.

use logonscope_core::report::Session;
use logonscope_view::columns::Column;
use logonscope_view::table_cells::{CellParts, cell_parts};
use logonscope_view::zone::Zone;
use wasm_bindgen::JsCast;

use crate::web::clock::show_time;

/// The table's rows as the canvas and the elements both show them: the sessions the filter
/// keeps, in order (`visible`, indices into `sessions`), their times' zone, the selection.
#[derive(Clone, Copy)]
pub struct TableRows<'a> {
    pub visible: &'a [u32],
    pub sessions: &'a [Session],
    pub zone: Zone,
    pub selected: Option<u32>,
}

impl<'a> TableRows<'a> {
    /// The session at `position` among the visible rows, with its index.
    pub fn at(&self, position: usize) -> Option<(u32, &'a Session)> {
        let index = *self.visible.get(position)?;
        Some((index, self.sessions.get(index as usize)?))
    }
}

/// What the elements are to show: the rows at positions `first..last`.
pub struct RowsWanted<'a> {
    pub first: usize,
    pub last: usize,
    pub rows: TableRows<'a>,
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
            place_cell(&cell, column);
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
            selected: None,
        })
    }

    fn show(&mut self, document: &web_sys::Document, wanted: &RowsWanted, position: usize) {
        let Some((index, session)) = wanted.rows.at(position) else {
            return;
        };
        let key = RowKey {
            report_generation: wanted.report_generation,
            position,
            index,
            zone: wanted.rows.zone,
        };
        if self.key != Some(key) {
            self.key = Some(key);
            let _ = self.element.set_attribute("data-index", &index.to_string());
            let _ = self
                .element
                .set_attribute("aria-rowindex", &(position + 2).to_string());
            let time = |t| show_time(t, wanted.rows.zone);
            for (cell, column) in self.cells.iter_mut().zip(Column::ALL) {
                cell.show(document, cell_parts(column, session, &time));
            }
        }
        let selected = wanted.rows.selected == Some(index);
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
        if parts.look != self.shown.look {
            self.element.set_class_name(parts.class());
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

/// Puts a cell at its column's place (the header's cells are put at the same places): fixed
/// places rather than a grid, whose row is laid out anew whenever one of its cells changes.
/// The last column takes the rest of the row.
fn place_cell(cell: &web_sys::Element, column: Column) {
    let Some(cell) = cell.dyn_ref::<web_sys::HtmlElement>() else {
        return;
    };
    let style = cell.style();
    let _ = style.set_property("left", &format!("{}px", column.left_px()));
    if Column::ALL.last() == Some(&column) {
        let _ = style.set_property("right", "0");
    } else {
        let _ = style.set_property("width", &format!("{}px", column.width_px()));
    }
}
