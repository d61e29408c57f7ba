//! The timeline's bars painted on a canvas while the view moves.
//!
//! While the analyst pans or zooms, the bars' SVG elements keep the coordinates of the view
//! they were placed for and their group is moved by a transform; but the browser then painted
//! all of them again each frame (on a million sessions, headless on two cores: 9 ms of painting
//! and 4 ms of layerizing a frame for 3,400 bars; see the README's Benchmarks). So while the
//! view moves the elements are hidden and the same bars are painted here, one rectangle each,
//! where the current view puts them; once the view rests the elements are placed anew and
//! shown, and the canvas is hidden. The elements are what a click and a tooltip find and what
//! tests count; the canvas leaves out their rounded corners and the fades and arrows of open
//! edges, which come back when the view rests.

use std::ops::Range;

use logonscope_view::timeline::{TimelineLayout, Viewport, logon_type_colour};

use super::timeline::{LANE_HEIGHT, bar_box, bar_geometry};
use crate::web::canvas::{CanvasSize, LogonTypeColours, computed_style, context_2d, size_canvas};

/// What the canvas is to show: the bars `drawn` (indices into `layout.bars`) in `lanes`, as
/// `view` on a plot `width` wide puts them.
pub struct MovingBars<'a> {
    pub layout: &'a TimelineLayout,
    pub drawn: &'a [u32],
    pub view: Viewport,
    pub width: f64,
    pub lanes: Range<usize>,
}

/// The canvas over the plot, and its 2D context.
pub struct BarsCanvas {
    canvas: web_sys::HtmlCanvasElement,
    context: web_sys::CanvasRenderingContext2d,
    size: CanvasSize,
    shown: bool,
    /// The bars of each colour, gathered before painting (one fill colour set per colour, not
    /// per bar): x, y, width, height. Kept to reuse their memory.
    by_colour: Vec<(&'static str, Vec<[f64; 4]>)>,
    /// The logon types' colours, read when a move starts.
    colours: Option<LogonTypeColours>,
}

impl BarsCanvas {
    pub fn new(canvas: &web_sys::HtmlCanvasElement) -> Option<BarsCanvas> {
        Some(BarsCanvas {
            context: context_2d(canvas)?,
            canvas: canvas.clone(),
            size: CanvasSize::default(),
            shown: false,
            by_colour: Vec::new(),
            colours: None,
        })
    }

    /// Whether this paints on `canvas` (a plot drawn anew has a new one).
    pub fn is_on(&self, canvas: &web_sys::HtmlCanvasElement) -> bool {
        self.canvas.is_same_node(Some(canvas))
    }

    /// Shows the canvas, painted with `wanted`.
    pub fn paint(&mut self, wanted: &MovingBars) {
        let top = wanted.lanes.start as f64 * LANE_HEIGHT;
        let height = wanted.lanes.len() as f64 * LANE_HEIGHT;
        let width = wanted.width.max(1.0);
        size_canvas(&self.canvas, &self.context, &mut self.size, width, height);
        let style = self.canvas.style();
        let _ = style.set_property("top", &format!("{top}px"));
        if !self.shown {
            let _ = style.set_property("display", "block");
            self.shown = true;
        }
        let context = &self.context;
        context.clear_rect(0.0, 0.0, width, height);
        for (_, rects) in &mut self.by_colour {
            rects.clear();
        }
        // Bars just beyond the edges are kept: part of them may show.
        let margin = 2.0 * LANE_HEIGHT;
        for &index in wanted.drawn {
            let Some(bar) = wanted.layout.bars.get(index as usize) else {
                continue;
            };
            if !wanted.lanes.contains(&(bar.lane as usize)) {
                continue;
            }
            let (x, w) = bar_geometry(bar, &wanted.view, width, margin);
            if x + w < 0.0 || x > width {
                continue;
            }
            let (y, h) = bar_box(wanted.layout, bar);
            let colour = bar.logon_type.map_or("other", logon_type_colour);
            let rects = match self.by_colour.iter().position(|(c, _)| *c == colour) {
                Some(at) => &mut self.by_colour[at].1,
                None => {
                    self.by_colour.push((colour, Vec::new()));
                    let last = self.by_colour.len() - 1;
                    &mut self.by_colour[last].1
                }
            };
            rects.push([x, y - top, w, h]);
        }
        // The colours are read from the style sheet once per move (the system's light or dark
        // mode may have changed since the last), not each frame.
        if self.colours.is_none() {
            self.colours = computed_style(&self.canvas).map(LogonTypeColours::new);
        }
        let Some(colours) = &mut self.colours else {
            return;
        };
        for (colour, rects) in &self.by_colour {
            if rects.is_empty() {
                continue;
            }
            context.set_fill_style_str(colours.get(colour));
            for [x, y, w, h] in rects {
                context.fill_rect(*x, *y, *w, *h);
            }
        }
    }

    /// Hides the canvas (the bars' elements show the view again).
    pub fn hide(&mut self) {
        if self.shown {
            let _ = self.canvas.style().set_property("display", "none");
            self.shown = false;
            self.colours = None;
        }
    }
}
