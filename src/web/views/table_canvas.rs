//! The rows of the sessions table in view, painted on a canvas.
//!
//! At a million sessions every row in view changes each frame of a scroll (a pixel of the
//! scrollbar is several rows), and laying out and painting the new texts of thirty rows of
//! twelve cells as elements took the page's thread about 33 ms a frame on the build machine,
//! where the renderer alone scrolls static rows no faster. Painted here, a frame of such a
//! scroll costs the thread 9-12 ms (see the README's Benchmarks). The same rows also stay as elements
//! (`table_rows`), transparent over the canvas and redrawn when scrolling pauses: they are what
//! screen readers read, what the analyst selects and copies, and what tests read. Both take
//! their cells from `logonscope_view::table_cells`. Texts are painted with `fillText`, which
//! draws a string as it is: event data is never read as markup.

use std::cell::RefCell;

use logonscope_view::columns::{Column, TableGeometry};
use logonscope_view::table_cells::{
    CELL_PADDING_PX, CellLook, CellParts, ROW_MIN_WIDTH_PX, cell_parts,
};

use crate::web::canvas::{
    CanvasSize, LogonTypeColours, computed_style, context_2d, css_property, size_canvas,
};
use crate::web::clock::show_time;
use crate::web::views::table_rows::TableRows;

/// What the canvas is to show.
pub struct PaintWanted<'a> {
    pub geometry: TableGeometry,
    pub scroll_top: f64,
    pub scroll_left: f64,
    /// The width of the table's view (its client width), in CSS pixels.
    pub width_px: f64,
    pub rows: TableRows<'a>,
    /// Changes when the system switches between light and dark mode (the colours are read
    /// again).
    pub colour_scheme: u32,
}

/// The canvas and its 2D context.
pub struct TableCanvas {
    canvas: web_sys::HtmlCanvasElement,
    context: web_sys::CanvasRenderingContext2d,
    size: CanvasSize,
    /// The font the context was last given (setting one parses it).
    font: RefCell<String>,
    /// The fonts and colours, and the colour scheme they were read in.
    look: Option<(u32, Look)>,
}

/// Height of the "yes" badge.
const BADGE_HEIGHT_PX: f64 = 16.0;
/// The logon type's colour swatch: its side, and the space after it.
const SWATCH_PX: f64 = 8.0;
const SWATCH_GAP_PX: f64 = 6.0;
/// The selected row's bar along its left edge.
const SELECTED_BAR_PX: f64 = 3.0;
/// How strongly the selected row is tinted with the accent colour.
const SELECTED_TINT: f64 = 0.24;

impl TableCanvas {
    pub fn new(canvas: &web_sys::HtmlCanvasElement) -> Option<TableCanvas> {
        let context = context_2d(canvas)?;
        Some(TableCanvas {
            canvas: canvas.clone(),
            context,
            size: CanvasSize::default(),
            font: RefCell::new(String::new()),
            look: None,
        })
    }

    /// Whether this paints on `canvas` (a table drawn anew has a new one).
    pub fn is_on(&self, canvas: &web_sys::HtmlCanvasElement) -> bool {
        self.canvas.is_same_node(Some(canvas))
    }

    /// Paints the rows in view.
    pub fn paint(&mut self, wanted: &PaintWanted) {
        let geometry = &wanted.geometry;
        let window = geometry.window(wanted.scroll_top, 0);
        let height = geometry.viewport_px.min(window.body_height_px).max(0.0);
        let width = wanted.width_px.max(0.0);
        self.resize(width, height);
        // The style sheet is read once, and again when the colour scheme changes: not each
        // frame of a scroll.
        if self
            .look
            .as_ref()
            .is_none_or(|(scheme, _)| *scheme != wanted.colour_scheme)
        {
            self.look = Look::read(&self.canvas).map(|look| (wanted.colour_scheme, look));
        }
        let Some((_, look)) = self.look.take() else {
            return;
        };
        let context = &self.context;
        context.set_fill_style_str(&look.background);
        context.fill_rect(0.0, 0.0, width, height);
        context.set_text_baseline("middle");
        let row_height = geometry.row_height_px;
        let row_width = ROW_MIN_WIDTH_PX.max(width);
        let time = |t| show_time(t, wanted.rows.zone);
        for position in window.first..window.last {
            let Some((index, session)) = wanted.rows.at(position) else {
                continue;
            };
            let top = geometry.row_top_in_view(position, wanted.scroll_top);
            if position % 2 == 1 {
                context.set_fill_style_str(&look.alternate);
                context.fill_rect(0.0, top, width, row_height);
            }
            if wanted.rows.selected == Some(index) {
                context.set_fill_style_str(&look.accent);
                context.set_global_alpha(SELECTED_TINT);
                context.fill_rect(0.0, top, width, row_height);
                context.set_global_alpha(1.0);
                context.fill_rect(-wanted.scroll_left, top, SELECTED_BAR_PX, row_height);
            }
            let middle = top + row_height / 2.0;
            for column in Column::ALL {
                let left = column.left_px() - wanted.scroll_left;
                let column_width = column.width_in_row_px(row_width);
                if left + column_width <= 0.0 || left >= width {
                    continue;
                }
                let parts = cell_parts(column, session, &time);
                self.paint_cell(&look, &parts, left, left + column_width, middle);
            }
        }
        self.look = Some((wanted.colour_scheme, look));
    }

    /// Paints a cell between `left` and `right`, its text centred on `middle`.
    fn paint_cell(&self, look: &Look, parts: &CellParts, left: f64, right: f64, middle: f64) {
        let context = &self.context;
        let mut x = left + CELL_PADDING_PX;
        match parts.look {
            CellLook::Flag => {
                if parts.badge {
                    self.paint_badge(look, x, middle);
                }
                return;
            }
            CellLook::LogonType(colour) => {
                if let Some(colour) = colour {
                    context.set_fill_style_str(look.logon_types.borrow_mut().get(colour));
                    context.begin_path();
                    let _ = context.round_rect_with_f64(
                        x,
                        middle - SWATCH_PX / 2.0,
                        SWATCH_PX,
                        SWATCH_PX,
                        2.0,
                    );
                    context.fill();
                }
                x += SWATCH_PX + SWATCH_GAP_PX;
            }
            CellLook::Plain | CellLook::Time | CellLook::Missing => {}
        }
        let (font, colour) = match parts.look {
            CellLook::Missing => (&look.italic_font, &look.muted),
            _ => (&look.font, &look.text),
        };
        self.set_font(font);
        context.set_fill_style_str(colour);
        self.paint_text(&parts.text, x, middle, right - CELL_PADDING_PX - x);
    }

    /// Sizes the canvas to `width` by `height` CSS pixels, and pulls what follows it up by
    /// its height (it sits over the rows, sticky at the top of the view).
    fn resize(&mut self, width: f64, height: f64) {
        let before = self.size;
        size_canvas(&self.canvas, &self.context, &mut self.size, width, height);
        if self.size != before {
            let _ = self
                .canvas
                .style()
                .set_property("margin-bottom", &format!("{}px", -height));
            self.font.borrow_mut().clear();
        }
    }

    fn set_font(&self, font: &str) {
        let mut current = self.font.borrow_mut();
        if *current != font {
            self.context.set_font(font);
            font.clone_into(&mut current);
        }
    }

    /// Paints `text` from `x`, cut with an ellipsis if it is wider than `room`.
    fn paint_text(&self, text: &str, x: f64, middle: f64, room: f64) {
        if text.is_empty() || room <= 0.0 {
            return;
        }
        let width_of = |text: &str| {
            self.context
                .measure_text(text)
                .map_or(0.0, |metrics| metrics.width())
        };
        if width_of(text) <= room {
            let _ = self.context.fill_text(text, x, middle);
            return;
        }
        // The longest start of the text that fits with the ellipsis after it.
        let ends: Vec<usize> = text.char_indices().map(|(at, _)| at).skip(1).collect();
        let (mut fits, mut too_long) = (0, ends.len());
        while fits < too_long {
            let middle_end = (fits + too_long).div_ceil(2);
            let end = ends[middle_end - 1];
            if width_of(&format!("{}…", &text[..end])) <= room {
                fits = middle_end;
            } else {
                too_long = middle_end - 1;
            }
        }
        let cut = if fits == 0 { 0 } else { ends[fits - 1] };
        let _ = self
            .context
            .fill_text(&format!("{}…", &text[..cut]), x, middle);
    }

    /// The "yes" of the admin and elevated columns: the accent colour's pill.
    fn paint_badge(&self, look: &Look, x: f64, middle: f64) {
        self.set_font(&look.badge_font);
        let text_width = self
            .context
            .measure_text("yes")
            .map_or(0.0, |metrics| metrics.width());
        let context = &self.context;
        context.set_fill_style_str(&look.accent);
        context.begin_path();
        let _ = context.round_rect_with_f64(
            x,
            middle - BADGE_HEIGHT_PX / 2.0,
            text_width + 2.0 * CELL_PADDING_PX,
            BADGE_HEIGHT_PX,
            BADGE_HEIGHT_PX / 2.0,
        );
        context.fill();
        context.set_fill_style_str(&look.accent_text);
        let _ = context.fill_text("yes", x + CELL_PADDING_PX, middle);
    }
}

/// The fonts and colours of the table, read from its style sheet (they follow the system's
/// light or dark mode): the canvas paints what the elements would show.
struct Look {
    font: String,
    italic_font: String,
    badge_font: String,
    background: String,
    text: String,
    muted: String,
    alternate: String,
    accent: String,
    accent_text: String,
    logon_types: RefCell<LogonTypeColours>,
}

impl Look {
    fn read(canvas: &web_sys::HtmlCanvasElement) -> Option<Look> {
        let style = computed_style(canvas)?;
        let value = |name: &str| css_property(&style, name);
        let size = value("font-size");
        let family = value("font-family");
        // The elements' badge is 0.7rem against the cells' 0.8125rem.
        let badge_size = size
            .trim_end_matches("px")
            .parse::<f64>()
            .map_or(9.8, |cell| cell * 0.7 / 0.8125);
        Some(Look {
            font: format!("{size} {family}"),
            italic_font: format!("italic {size} {family}"),
            badge_font: format!("600 {badge_size}px {family}"),
            background: value("--bg"),
            text: value("--fg"),
            muted: value("--muted"),
            alternate: value("--row-alt"),
            accent: value("--accent"),
            accent_text: value("--accent-fg"),
            logon_types: RefCell::new(LogonTypeColours::new(style)),
        })
    }
}
