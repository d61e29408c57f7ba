//! The timeline's bars and reboot markers painted on canvases while the view moves.
//!
//! The SVG elements of the bars and of the reboot markers have the coordinates of the view
//! they were placed for. Moving them by a transform while the analyst pans or zooms made the
//! browser paint them all again each frame (on a million sessions, headless on two cores: 9 ms
//! of painting and 4 ms of layerizing a frame for 3,400 bars; then, with the bars painted here,
//! 7 ms of painting and 7 of pre-painting for 1,600 reboots' lines and flags; see the README's
//! Benchmarks). So while the view moves those elements are taken out of the page, left where
//! they are (their boxes get `content-visibility: hidden`), and the same bars and markers are
//! painted here, one rectangle, line or flag each, where the current view puts them; once the
//! view rests the elements are placed anew and put back, and the canvases are hidden. The
//! elements are what a click and a tooltip find and what tests count; the canvas leaves out
//! the bars' rounded corners and the fades and arrows of open edges, which come back when the
//! view rests.

use std::ops::Range;

use logonscope_view::timeline::{TimelineLayout, Viewport, logon_type_colour};

use super::timeline::{
    AXIS_HEIGHT, FLAG_HALF_WIDTH, LANE_HEIGHT, REBOOT_LABELS, bar_box, bar_geometry, flag_corners,
    reboot_marks,
};
use crate::web::canvas::{
    CanvasSize, LogonTypeColours, computed_style, context_2d, css_property, size_canvas,
};

/// What the canvases are to show: the bars `drawn` (indices into `layout.bars`) in `lanes`,
/// and the layout's reboots, as `view` on a plot `width` wide puts them.
pub struct MovingBars<'a> {
    pub layout: &'a TimelineLayout,
    pub drawn: &'a [u32],
    pub view: Viewport,
    pub width: f64,
    pub lanes: Range<usize>,
}

/// A canvas and its 2D context.
struct Canvas {
    element: web_sys::HtmlCanvasElement,
    context: web_sys::CanvasRenderingContext2d,
    size: CanvasSize,
}

impl Canvas {
    fn new(element: &web_sys::HtmlCanvasElement) -> Option<Canvas> {
        Some(Canvas {
            context: context_2d(element)?,
            element: element.clone(),
            size: CanvasSize::default(),
        })
    }

    /// Sizes it to `width` by `height` CSS pixels, and clears it.
    fn size_and_clear(&mut self, width: f64, height: f64) {
        size_canvas(&self.element, &self.context, &mut self.size, width, height);
        self.context.clear_rect(0.0, 0.0, width, height);
    }

    fn show(&self, shown: bool) {
        let display = if shown { "block" } else { "none" };
        let _ = self.element.style().set_property("display", display);
    }
}

/// The colours of startup and shutdown markers (`--reboot-startup`, `--reboot-shutdown`).
struct MarkerColours {
    startup: String,
    shutdown: String,
}

impl MarkerColours {
    fn of(style: &web_sys::CssStyleDeclaration) -> MarkerColours {
        MarkerColours {
            startup: css_property(style, "--reboot-startup"),
            shutdown: css_property(style, "--reboot-shutdown"),
        }
    }

    /// The colour of markers labelled `label`.
    fn of_label(&self, label: &str) -> &str {
        if label == "Startup" {
            &self.startup
        } else {
            &self.shutdown
        }
    }
}

/// The canvas over the plot (bars and reboot lines) and the one over the axis (reboot flags).
pub struct BarsCanvas {
    plot: Canvas,
    axis: Canvas,
    shown: bool,
    /// The bars of each colour, gathered before painting (one fill colour set per colour, not
    /// per bar): x, y, width, height. Kept to reuse their memory.
    by_colour: Vec<(&'static str, Vec<[f64; 4]>)>,
    /// The logon types' and the markers' colours, read when a move starts.
    colours: Option<(LogonTypeColours, MarkerColours)>,
}

impl BarsCanvas {
    pub fn new(
        plot: &web_sys::HtmlCanvasElement,
        axis: &web_sys::HtmlCanvasElement,
    ) -> Option<BarsCanvas> {
        Some(BarsCanvas {
            plot: Canvas::new(plot)?,
            axis: Canvas::new(axis)?,
            shown: false,
            by_colour: Vec::new(),
            colours: None,
        })
    }

    /// Whether this paints on `canvas` (a plot drawn anew has a new one).
    pub fn is_on(&self, canvas: &web_sys::HtmlCanvasElement) -> bool {
        self.plot.element.is_same_node(Some(canvas))
    }

    /// Shows the canvases, painted with `wanted`.
    pub fn paint(&mut self, wanted: &MovingBars) {
        let top = wanted.lanes.start as f64 * LANE_HEIGHT;
        let height = wanted.lanes.len() as f64 * LANE_HEIGHT;
        let width = wanted.width.max(1.0);
        let _ = self
            .plot
            .element
            .style()
            .set_property("top", &format!("{top}px"));
        self.plot.size_and_clear(width, height);
        self.axis.size_and_clear(width, AXIS_HEIGHT);
        if !self.shown {
            self.plot.show(true);
            self.axis.show(true);
            self.shown = true;
        }
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
            self.colours = computed_style(&self.plot.element).map(|style| {
                (
                    LogonTypeColours::new(style.clone()),
                    MarkerColours::of(&style),
                )
            });
        }
        let Some((colours, marker_colours)) = &mut self.colours else {
            return;
        };
        let context = &self.plot.context;
        for (colour, rects) in &self.by_colour {
            if rects.is_empty() {
                continue;
            }
            context.set_fill_style_str(colours.get(colour));
            for [x, y, w, h] in rects {
                context.fill_rect(*x, *y, *w, *h);
            }
        }
        paint_markers(
            &self.plot.context,
            &self.axis.context,
            marker_colours,
            wanted,
            (top, height),
        );
    }

    /// Hides the canvases (the elements show the view again).
    pub fn hide(&mut self) {
        if self.shown {
            self.plot.show(false);
            self.axis.show(false);
            self.shown = false;
            self.colours = None;
        }
    }
}

/// Paints the reboots in view: a line across the computer's lane (every lane when lanes are
/// users) on the plot, and a flag on the axis; the markers of one label as one path.
///
/// The elements' lines are dashed (4 px drawn, 3 not); here they are solid, at 60 % opacity
/// (about as much colour), and one per pixel column: stroking a thousand dashed lines the
/// height of the plot took the browser 20-25 ms a frame to rasterize, headless on two cores.
fn paint_markers(
    plot: &web_sys::CanvasRenderingContext2d,
    axis: &web_sys::CanvasRenderingContext2d,
    colours: &MarkerColours,
    wanted: &MovingBars,
    (top, height): (f64, f64),
) {
    const LINE_WIDTH: f64 = 1.5;
    let plot_height = wanted.layout.lanes.len() as f64 * LANE_HEIGHT;
    let reach = -FLAG_HALF_WIDTH..=wanted.width + FLAG_HALF_WIDTH;
    let marks = reboot_marks(
        &wanted.layout.reboots,
        &wanted.view,
        wanted.width,
        plot_height,
        reach,
    );
    plot.set_global_alpha(0.6);
    for (at, label) in REBOOT_LABELS.into_iter().enumerate() {
        let colour = colours.of_label(label);
        plot.set_fill_style_str(colour);
        axis.set_fill_style_str(colour);
        axis.begin_path();
        for mark in marks.iter().filter(|mark| mark.label == at) {
            let [first, second, third] = flag_corners(mark.x);
            axis.move_to(first.0, first.1);
            axis.line_to(second.0, second.1);
            axis.line_to(third.0, third.1);
            axis.close_path();
            // (In the canvas, which holds the lanes in view: `top` down.)
            let (from, to) = (mark.top - top, mark.bottom - top);
            if to > 0.0 && from < height {
                plot.fill_rect(mark.x - LINE_WIDTH / 2.0, from, LINE_WIDTH, to - from);
            }
        }
        axis.fill();
    }
    plot.set_global_alpha(1.0);
}
