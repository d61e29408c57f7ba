//! The timeline tab: every visible session as a bar on a time axis, one lane per user or per
//! computer, coloured by logon type, with the machines' startups and shutdowns as dashed lines.
//! The wheel zooms around the cursor, a drag pans (and scrolls the lanes), `+` `-` `0` and the
//! arrow keys do the same from the keyboard; a click on a bar opens its session.
//!
//! Drawing is SVG. `logonscope_view::timeline` does every computation: the layout is a memo of
//! the visible sessions and the lane grouping, so zooming only re-runs viewport arithmetic.
//! One effect owns the bar elements ([`BarLayer`]): while the view moves it takes them and
//! the reboot markers out of the page, leaving them where they are (`timeline_canvas` paints
//! the same bars and markers where the view puts them meanwhile), and places them anew and
//! puts them back when the view rests.
//!
//! Up to [`ALL_BARS_LIMIT`] bars every bar is an element (the page's tests count
//! `[data-testid=timeline-bar]`); above it only the bars in the lanes and time in view are
//! drawn, less those hidden behind others (merged when dense, within [`CULL_BUDGET`]
//! elements), and the container's `data-bar-count` still says how many bars the layout
//! holds. Lane labels are always drawn only for the lanes scrolled into view.

use std::ops::Range;
use std::sync::Arc;

use leptos::ev;
use leptos::html::Div;
use leptos::prelude::*;
use logonscope_core::catalog;
use logonscope_core::report::{EndReason, Session};
use logonscope_core::time::Timestamp;
use logonscope_view::timeline::{
    Bar, Culling, LaneBy, Marker, Tick, TimelineLayout, Viewport, bar_band, drawn_bars, layout,
    legend, logon_type_class, ticks, timestamp_at,
};
use logonscope_view::zone::{Zone, format_duration};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::web::clock::{now_ms, offset_minutes, show_time};
use crate::web::state::AppState;
use crate::web::views::timeline_canvas::{BarsCanvas, MovingBars};

/// Up to this many bars, every bar is drawn whatever the viewport.
const ALL_BARS_LIMIT: usize = 20_000;
/// Above it, about this many bars at most are drawn (those in view, merged when dense). Every
/// drawn bar is painted in every frame of a pan or zoom: with a budget of 12,000 (11,600 drawn
/// at a million sessions) the bars alone, moved by transform, ran at 23-33 frames a second
/// headless on two cores; at 4,000 (3,400 drawn), 44.
const CULL_BUDGET: usize = 4_000;
/// Height of a lane, in pixels (the CSS of the labels uses the same).
pub(super) const LANE_HEIGHT: f64 = 22.0;
/// Height of the time axis above the plot, in pixels.
pub(super) const AXIS_HEIGHT: f64 = 30.0;
/// The narrowest a bar is drawn, so that a session of a second stays visible and clickable.
const MIN_BAR_PX: f64 = 2.0;
/// Width of the fade that marks an open start or end.
const FADE_PX: f64 = 18.0;
/// Lanes drawn beyond those in view, so that a scroll does not show empty rows for a frame.
const OVERSCAN_LANES: usize = 12;
/// A pointer that moves further than this between press and release pans instead of clicking.
const DRAG_THRESHOLD_PX: f64 = 3.0;

/// The layout and a counter that changes with every new layout: bars are keyed by both, so a
/// new layout replaces every bar element while a viewport change keeps them.
#[derive(Clone)]
struct Laid {
    generation: u64,
    layout: Arc<TimelineLayout>,
}

/// A drag in progress: where it started and what the view was then.
#[derive(Clone, Copy)]
struct Drag {
    x: f64,
    y: f64,
    view: Viewport,
    top: f64,
    moved: bool,
}

#[component]
pub fn TimelineView() -> impl IntoView {
    let state = expect_context::<AppState>();

    let laid: Memo<Laid> = Memo::new_with_compare(
        move |previous: Option<&Laid>| {
            let by = state.lane_by.get();
            let visible = state.visible.get();
            let layout = state.analysis.with(|analysis| match analysis {
                Some(analysis) => layout(&analysis.report, &visible, by),
                None => TimelineLayout::default(),
            });
            Laid {
                generation: previous.map_or(0, |p| p.generation + 1),
                layout: Arc::new(layout),
            }
        },
        // Every recomputation is a new layout; comparing a million bars would only cost time.
        |_, _| true,
    );

    let width = RwSignal::new(800.0_f64);
    let view_height = RwSignal::new(480.0_f64);
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(laid.with_untracked(|l| Viewport::fit(l.layout.span)));
    // The view which bars are drawn was last chosen for (with a margin): it follows the
    // bars' base (see `BarLayer::draw`) once the view rests somewhere the drawn bars do not
    // serve, not every frame of a zoom or pan.
    let placed_view = RwSignal::new(viewport.get_untracked());
    // The view and plot width the bars' coordinates are computed for (their base; see
    // `BarLayer::draw`): the reboot markers are placed for it too.
    let marker_base = RwSignal::new((viewport.get_untracked(), 0.0_f64));
    let fitted_span = StoredValue::new(laid.with_untracked(|l| l.layout.span));
    let pending = StoredValue::new(None::<Viewport>);
    // When the view was last moved (`performance.now()`): it rests once that is long enough ago.
    let last_move = StoredValue::new(f64::NEG_INFINITY);
    // Where the plot starts on the screen, for the wheel's zoom anchor: measured with its size
    // and whenever the pointer comes in, not on every wheel event (reading it then forces a
    // layout of the bars the frame before changed).
    let plot_left = StoredValue::new(0.0_f64);
    let drag = StoredValue::new(None::<Drag>);
    let suppress_click = StoredValue::new(false);
    let root_ref = NodeRef::<Div>::new();
    let plot_ref = NodeRef::<Div>::new();
    let scroll_ref = NodeRef::<Div>::new();

    let span = move || laid.with_untracked(|l| l.layout.span);
    // The newest viewport, including one waiting for the next frame.
    let current = move || {
        pending
            .get_value()
            .unwrap_or_else(|| viewport.get_untracked())
    };
    // Viewport changes (wheel events come faster than frames) are applied once per frame.
    let commit = move |next: Viewport| {
        last_move.set_value(now_ms());
        let scheduled = pending.get_value().is_some();
        pending.set_value(Some(next));
        if !scheduled {
            request_animation_frame(move || {
                if let Some(Some(next)) = pending.try_update_value(Option::take) {
                    viewport.try_set(next);
                }
            });
        }
    };
    let fit = move || commit(Viewport::fit(span()));
    let zoom_at = move |factor: f64, anchor_x: f64| {
        commit(current().zoom(factor, anchor_x, width.get_untracked(), span()));
    };
    let pan_by = move |dx: f64| commit(current().pan(dx, width.get_untracked(), span()));

    // A new report (another data span) starts fitted; a new filter keeps the zoom.
    Effect::new(move |_| {
        let span = laid.with(|l| l.layout.span);
        if fitted_span.get_value() != span {
            fitted_span.set_value(span);
            pending.set_value(None);
            viewport.set(Viewport::fit(span));
        }
    });

    // Sizes: measured on mount and whenever the plot or the scroll area changes size (window
    // resize, detail panel opening, tab shown).
    let measure = move || {
        if let Some(plot) = plot_ref.get_untracked() {
            let rect = plot.get_bounding_client_rect();
            plot_left.set_value(rect.left());
            let w = rect.width();
            if w > 0.0 && (w - width.get_untracked()).abs() > 0.5 {
                width.set(w);
            }
        }
        if let Some(scroller) = scroll_ref.get_untracked() {
            let h = f64::from(scroller.client_height());
            if h > 0.0 && (h - view_height.get_untracked()).abs() > 0.5 {
                view_height.set(h);
            }
        }
    };
    let observer = StoredValue::new_local(None::<web_sys::ResizeObserver>);
    Effect::new(move |_| {
        let (Some(plot), Some(scroller)) = (plot_ref.get(), scroll_ref.get()) else {
            return;
        };
        measure();
        if observer.with_value(Option::is_some) {
            return;
        }
        let callback = Closure::<dyn FnMut()>::new(measure).into_js_value();
        if let Ok(resize) = web_sys::ResizeObserver::new(callback.unchecked_ref()) {
            resize.observe(&plot);
            resize.observe(&scroller);
            observer.set_value(Some(resize));
        }
    });
    on_cleanup(move || {
        if let Some(Some(resize)) = observer.try_with_value(Clone::clone) {
            resize.disconnect();
        }
    });

    // Drags continue outside the plot, so they are followed on the window.
    let move_handle = window_event_listener(ev::mousemove, move |event| {
        let Some(mut started) = drag.get_value() else {
            return;
        };
        let dx = f64::from(event.client_x()) - started.x;
        let dy = f64::from(event.client_y()) - started.y;
        if !started.moved && dx.abs() + dy.abs() > DRAG_THRESHOLD_PX {
            started.moved = true;
            drag.set_value(Some(started));
        }
        if started.moved {
            commit(started.view.pan(dx, width.get_untracked(), span()));
            if let Some(scroller) = scroll_ref.get_untracked() {
                scroller.set_scroll_top((started.top - dy).round() as i32);
            }
        }
    });
    let up_handle = window_event_listener(ev::mouseup, move |_| {
        if let Some(started) = drag.get_value() {
            suppress_click.set_value(started.moved);
            drag.set_value(None);
        }
    });
    on_cleanup(move || {
        move_handle.remove();
        up_handle.remove();
    });

    let on_mousedown = move |event: ev::MouseEvent| {
        if event.button() != 0 {
            return;
        }
        // No text selection while dragging; focus the timeline for its keys.
        event.prevent_default();
        if let Some(root) = root_ref.get_untracked() {
            let _ = root.focus();
        }
        suppress_click.set_value(false);
        drag.set_value(Some(Drag {
            x: f64::from(event.client_x()),
            y: f64::from(event.client_y()),
            view: current(),
            top: scroll_top.get_untracked(),
            moved: false,
        }));
    };

    let on_click = move |event: ev::MouseEvent| {
        if suppress_click.get_value() {
            suppress_click.set_value(false);
            return;
        }
        // One listener for all bars: the bar is the nearest element with a session index.
        let session = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("[data-index]").ok().flatten())
            .and_then(|bar| bar.get_attribute("data-index"))
            .and_then(|index| index.parse::<u32>().ok());
        if let Some(session) = session {
            state.selected.set(Some(session));
        }
    };

    let on_mouseover = move |event: ev::MouseEvent| {
        let Some(rect) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("[data-index]").ok().flatten())
        else {
            return;
        };
        if rect.first_element_child().is_some() {
            return;
        }
        let Some(session) = rect
            .get_attribute("data-index")
            .and_then(|index| index.parse::<u32>().ok())
        else {
            return;
        };
        let Some(bar) = laid.with_untracked(|l| l.layout.bar_of(session).map(|b| l.layout.bars[b]))
        else {
            return;
        };
        let zone = state.zone.get_untracked();
        let title = state.analysis.with_untracked(|analysis| {
            analysis
                .as_ref()
                .and_then(|a| a.report.sessions.get(session as usize))
                .map(|s| bar_title(s, &bar, zone))
        });
        if let Some(title) = title {
            add_title(&rect, &title);
        }
    };

    let on_wheel = move |event: ev::WheelEvent| {
        event.prevent_default();
        let scale = match event.delta_mode() {
            1 => 16.0,
            2 => view_height.get_untracked(),
            _ => 1.0,
        };
        let (dx, dy) = (event.delta_x() * scale, event.delta_y() * scale);
        if event.shift_key() {
            // Shift+wheel scrolls the lanes (some systems turn it into a horizontal delta).
            let delta = if dy != 0.0 { dy } else { dx };
            if let Some(scroller) = scroll_ref.get_untracked() {
                scroller.set_scroll_top((scroll_top.get_untracked() + delta).round() as i32);
            }
        } else if dx.abs() > dy.abs() {
            pan_by(-dx);
        } else if dy != 0.0 {
            let left = plot_left.get_value();
            zoom_at((-dy * 0.0015).exp(), f64::from(event.client_x()) - left);
        }
    };

    let on_keydown = move |event: ev::KeyboardEvent| {
        // Keys typed into the lane switch are its own.
        let in_control = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|element| {
                matches!(element.tag_name().as_str(), "SELECT" | "INPUT" | "TEXTAREA")
            });
        if in_control || event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let w = width.get_untracked();
        match event.key().as_str() {
            "+" | "=" => zoom_at(1.5, w / 2.0),
            "-" | "_" => zoom_at(1.0 / 1.5, w / 2.0),
            "ArrowLeft" => pan_by(w * 0.1),
            "ArrowRight" => pan_by(-w * 0.1),
            "0" => fit(),
            _ => return,
        }
        event.prevent_default();
    };

    let on_scroll = move |_| {
        if let Some(scroller) = scroll_ref.get_untracked() {
            scroll_top.set(f64::from(scroller.scroll_top()));
        }
    };

    // Bring the selected session into view (selected elsewhere, or before the tab was shown).
    Effect::new(move |_| {
        let Some(session) = state.selected.get() else {
            return;
        };
        let Some(bar) = laid.with(|l| l.layout.bar_of(session).map(|b| l.layout.bars[b])) else {
            return;
        };
        let top = f64::from(bar.lane) * LANE_HEIGHT;
        let (shown_top, shown_height) = (scroll_top.get_untracked(), view_height.get_untracked());
        if (top < shown_top || top + LANE_HEIGHT > shown_top + shown_height)
            && let Some(scroller) = scroll_ref.get_untracked()
        {
            scroller.set_scroll_top((top - shown_height / 3.0).max(0.0).round() as i32);
        }
        let view = current();
        let (start, end) = (
            logonscope_view::timeline::unix_seconds(bar.start),
            logonscope_view::timeline::unix_seconds(bar.end),
        );
        if end < view.start || start > view.end {
            let shift = start - (view.start + view.end) / 2.0;
            commit(
                Viewport {
                    start: view.start + shift,
                    end: view.end + shift,
                }
                .pan(0.0, width.get_untracked(), span()),
            );
        }
    });

    let lane_count = move || laid.with(|l| l.layout.lanes.len());
    let bar_count = move || laid.with(|l| l.layout.bars.len());
    let plot_height = move || lane_count() as f64 * LANE_HEIGHT;
    let lanes_in_view: Memo<Range<usize>> = Memo::new(move |_| {
        let top = scroll_top.get();
        let height = view_height.get();
        let count = lane_count();
        let first = ((top / LANE_HEIGHT).floor().max(0.0) as usize).saturating_sub(OVERSCAN_LANES);
        let last =
            (((top + height) / LANE_HEIGHT).ceil().max(0.0) as usize + OVERSCAN_LANES).min(count);
        first.min(last)..last
    });
    let culled = move || bar_count() > ALL_BARS_LIMIT;

    // The bars to draw: all of them, or (above the limit) those in the view they are placed
    // for and the margin around it that a zoom or pan may bring into sight before they are
    // placed anew, within a budget. With how coarsely they were merged (1: exact), for the
    // summary.
    let drawn: Memo<(Arc<Vec<u32>>, f64)> = Memo::new(move |previous| {
        laid.with(|l| {
            let layout = &l.layout;
            if layout.bars.len() <= ALL_BARS_LIMIT {
                return (Arc::new((0..layout.bars.len() as u32).collect()), 1.0);
            }
            let keep = state.selected.get().and_then(|s| layout.bar_of(s));
            let view = placed_view.get();
            let margin = view.seconds() * BASE_MARGIN_WIDTHS;
            let around = Viewport {
                start: view.start - margin,
                end: view.end + margin,
            };
            let culling = Culling {
                width_px: width.get() * (1.0 + 2.0 * BASE_MARGIN_WIDTHS),
                min_px: MIN_BAR_PX,
                lane_px: LANE_HEIGHT,
                budget: CULL_BUDGET,
                first_cell_px: previous.map_or(1.0, |(_, cell_px)| cell_px / 4.0),
            };
            let drawn = drawn_bars(layout, &around, lanes_in_view.get(), &culling, keep);
            (Arc::new(drawn.bars), drawn.cell_px)
        })
    });

    let offset_of = move |zone: Zone| move |time: Timestamp| offset_minutes(time, zone);
    let axis_ticks: Memo<Vec<Tick>> = Memo::new(move |_| {
        let zone = state.zone.get();
        let offset = offset_of(zone);
        ticks(&viewport.get(), width.get(), &offset)
    });

    let lane_labels = move || {
        let generation = laid.with(|l| l.generation);
        lanes_in_view
            .get()
            .map(|lane| (generation, lane))
            .collect::<Vec<_>>()
    };
    let lane_label_view = move |(_, lane): (u64, usize)| {
        let (label, sessions) = laid.with_untracked(|l| {
            l.layout
                .lanes
                .get(lane)
                .map(|lane| (lane.label.clone(), lane.sessions))
                .unwrap_or_default()
        });
        let tip = format!("{label}: {sessions} session(s)");
        view! {
            <div
                class="timeline-lane-label"
                class:timeline-lane-alt=lane % 2 == 1
                data-testid="timeline-lane"
                style:top=format!("{}px", lane as f64 * LANE_HEIGHT)
                title=tip
            >
                <span class="timeline-lane-name">{label}</span>
                <span class="timeline-lane-count">{sessions}</span>
            </div>
        }
    };
    let stripe_view = move |(_, lane): (u64, usize)| {
        view! {
            <rect
                class="timeline-stripe"
                x="0"
                y=lane as f64 * LANE_HEIGHT
                width="100%"
                height=LANE_HEIGHT
            ></rect>
        }
    };

    // The bars are drawn by hand rather than as reactive views: thousands of effects that
    // all follow the viewport signal make every zoom step quadratic in the reactive graph
    // (each re-run unsubscribes from a shared list). One effect owns them instead. While the
    // analyst zooms and pans, it takes them out of the page and only works out the transform
    // that would move them from the view they were placed for (written in the group's
    // `data-transform`, for tests), and the canvas paints them; once the view rests for a
    // moment, or has moved too far for that transform to stay exact, the bars are placed anew
    // ("rebased"), a slice at a time between frames, and shown.
    let layer = StoredValue::new_local(BarLayer::default());
    // While the view moves, the bars and markers are painted on canvases instead (see
    // `timeline_canvas`).
    let bars_canvas = NodeRef::<leptos::html::Canvas>::new();
    let axis_canvas = NodeRef::<leptos::html::Canvas>::new();
    let bars_painter = StoredValue::new_local(None::<BarsCanvas>);
    let settle = RwSignal::new(0_u64);
    let settle_seen = StoredValue::new(0_u64);
    let changes = StoredValue::new(0_u64);
    // Bumped when the layer's work, done in slices, is over.
    let worked = RwSignal::new(0_u64);
    Effect::new(move |_| {
        worked.track();
        let Some(plot) = plot_ref.get() else {
            return;
        };
        let Ok(Some(group)) = plot.query_selector(".timeline-bars") else {
            return;
        };
        let (generation, layout) = laid.with(|l| (l.generation, l.layout.clone()));
        let zone = state.zone.get();
        let drawn = drawn.with(|(bars, _)| bars.clone());
        let view = viewport.get();
        let w = width.get();
        // A new settle tick (the view rested) asks for a rebase.
        let tick = settle.get();
        let settled = tick != settle_seen.get_value();
        settle_seen.set_value(tick);
        let slices = Slices {
            layer,
            plot: plot_ref,
            laid,
            worked,
        };
        let exact = layer
            .try_update_value(|layer| {
                let key = (generation, zone == Zone::Local);
                if layer.key != Some(key) {
                    layer.clear();
                    layer.key = Some(key);
                }
                if !layer.drawn.as_ref().is_some_and(|d| Arc::ptr_eq(d, &drawn)) {
                    layer.show(&drawn);
                    layer.drawn = Some(drawn.clone());
                }
                let exact = layer.draw(&group, view, w, settled);
                // Which bars are drawn follows once the bars are placed for a view that
                // those drawn do not serve, when the view rests: choosing them again takes
                // a few hundred milliseconds at a million sessions, too long for a frame of
                // a zoom (which meanwhile may show fewer bars at its edges).
                let mut stale = false;
                let mut choosing = false;
                if let Some((base, base_width)) = layer.base {
                    if !placed_view
                        .get_untracked()
                        .serves(&base, BASE_MARGIN_WIDTHS)
                    {
                        if settled {
                            // The bars are chosen again, and this runs again for them.
                            placed_view.set(base);
                            choosing = true;
                        } else {
                            stale = true;
                        }
                    }
                    if marker_base.get_untracked() != (base, base_width) {
                        marker_base.set((base, base_width));
                    }
                }
                // The elements are made and placed a slice at a time, the first slice now.
                let done = !stale && !choosing && layer.work(&group, &layout, WORK_SLICE_MS);
                if layer.has_work() && !layer.working {
                    layer.working = true;
                    work_in_slices(slices);
                }
                // Moved from their base, or placed anew while the view still moves (it has
                // not rested since), or not all made and placed yet: the canvases paint the
                // bars and markers, and their elements wait out of the page, unmoved.
                let wait_for_rest = layer.moved || (layer.moving && !layer.rested);
                let moving = wait_for_rest || !done;
                if let Some(root) = root_ref.get_untracked() {
                    layer.hide_while_moving(&root, moving);
                }
                if let (Some(canvas), Some(axis_canvas)) =
                    (bars_canvas.get_untracked(), axis_canvas.get_untracked())
                {
                    bars_painter.update_value(|painter| {
                        if !painter.as_ref().is_some_and(|p| p.is_on(&canvas)) {
                            *painter = BarsCanvas::new(&canvas, &axis_canvas);
                        }
                        let Some(painter) = painter else {
                            return;
                        };
                        if moving {
                            painter.paint(&MovingBars {
                                layout: &layout,
                                drawn: &drawn,
                                view,
                                width: w,
                                lanes: lanes_in_view.get(),
                            });
                        } else {
                            painter.hide();
                        }
                    });
                }
                // While moving, the rest must come, to put the elements back (the end of
                // the work brings this back by `worked`).
                exact && !stale && !wait_for_rest
            })
            .unwrap_or(true);
        if !exact {
            // Rebase (and choose the bars again) once the view has rested: the last change
            // schedules it.
            let change = changes.get_value().wrapping_add(1);
            changes.set_value(change);
            settle_after_rest(Rest {
                changes,
                change,
                last_move,
                settle,
            });
        }
    });

    let selection = move || {
        let session = state.selected.get()?;
        let bar = laid.with(|l| l.layout.bar_of(session).map(|b| l.layout.bars[b]))?;
        let (x, w) = bar_geometry(&bar, &viewport.get(), width.get(), FADE_PX * 2.0);
        let (top, height) = laid.with(|l| bar_box(&l.layout, &bar));
        Some(view! {
            <rect
                class="timeline-selection"
                x=x - 2.0
                y=top - 2.0
                width=w + 4.0
                height=height + 4.0
                rx="2"
            ></rect>
        })
    };

    // The reboot markers, in the bars' base coordinates (with them, they leave the page while
    // the view moves, and are placed anew when the bars are): lines on the plot, and flags on
    // the axis (see `RebootMarks`).
    let reboot_marks = Memo::new(move |_| {
        let (base, base_width) = marker_base.get();
        let height = plot_height();
        laid.with(|l| RebootMarks::new(&l.layout.reboots, &base, base_width, height))
    });
    let reboot_lines = NodeRef::<leptos::svg::G>::new();
    Effect::new(move |_| {
        if let Some(group) = reboot_lines.get() {
            reboot_marks.with(|marks| group.set_inner_html(&marks.lines));
        }
    });
    // A flag's tooltip: the reboots under the pointer (flags of one label are one element).
    let on_flags_move = move |event: ev::MouseEvent| {
        let Some(path) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .filter(|element| element.class_list().contains("timeline-flag"))
        else {
            return;
        };
        // (From the left of the flags' SVG, on which this listens.)
        let Some(svg) = event
            .current_target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let x = f64::from(event.client_x()) - svg.get_bounding_client_rect().left();
        let (base, base_width) = marker_base.get_untracked();
        let zone = state.zone.get_untracked();
        let title = laid.with_untracked(|l| {
            l.layout
                .reboots
                .iter()
                .filter(|m| (base.x_of(m.time, base_width) - x).abs() <= FLAG_HALF_WIDTH)
                .map(|m| {
                    format!(
                        "{} of {} at {}",
                        m.label,
                        m.computer,
                        show_time(m.time, zone)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
        set_title(&path, &title);
    };

    // Ticks are few and move every frame: they are rebuilt rather than keyed.
    let tick_label_view = move |tick: Tick| {
        let w = width.get_untracked();
        let x = viewport.get_untracked().x_of(tick.time, w);
        // A label that would run off the right edge is written to the left of its tick.
        let fits = x + 3.0 + tick.label.len() as f64 * 7.0 <= w;
        let (text_x, anchor) = if fits {
            (x + 3.0, "start")
        } else {
            (x - 3.0, "end")
        };
        view! {
            <g class="timeline-tick" class:timeline-tick-major=tick.major>
                <line x1=x x2=x y1="16" y2="30"></line>
                <text x=text_x y="13" text-anchor=anchor>
                    {tick.label}
                </text>
            </g>
        }
    };
    let grid_line_view = move |tick: Tick| {
        let x = viewport
            .get_untracked()
            .x_of(tick.time, width.get_untracked());
        view! {
            <line
                class="timeline-grid"
                class:timeline-grid-major=tick.major
                x1=x
                x2=x
                y1="0"
                y2=plot_height()
            ></line>
        }
    };

    let legend_view = move || {
        let types = laid.with(|l| legend(&l.layout));
        types
            .into_iter()
            .map(|logon_type| {
                let name = match logon_type {
                    Some(n) => type_name(n),
                    None => "Unknown type".to_string(),
                };
                let class = format!("timeline-swatch {}", logon_type_class(logon_type));
                view! {
                    <span class="timeline-legend-item">
                        <span class=class></span>
                        {name}
                    </span>
                }
            })
            .collect_view()
    };

    let range_text = move || {
        let view = viewport.get();
        let zone = state.zone.get();
        format!(
            "{} – {}",
            show_time(timestamp_at(view.start), zone),
            show_time(timestamp_at(view.end), zone)
        )
    };
    let summary = move || {
        laid.with(|l| {
            let (bars, lanes) = (l.layout.bars.len(), l.layout.lanes.len());
            let kind = match state.lane_by.get() {
                LaneBy::User => "user",
                LaneBy::Computer => "computer",
            };
            let simplified = if drawn.with(|(_, cell)| *cell > 1.0) {
                " (zoom in for every bar: bars are merged at this scale)"
            } else {
                ""
            };
            format!(
                "{bars} session{} in {lanes} {kind} lane{}{simplified}",
                if bars == 1 { "" } else { "s" },
                if lanes == 1 { "" } else { "s" }
            )
        })
    };
    let empty_text = move || {
        if state.analysis.with(Option::is_none) {
            Some("Load a Security.evtx file to see its sessions on a timeline.")
        } else if bar_count() == 0 {
            Some("No session matches the filter.")
        } else {
            None
        }
    };

    view! {
        <div
            class="timeline"
            data-testid="timeline"
            data-bar-count=move || bar_count().to_string()
            data-lane-count=move || lane_count().to_string()
            data-mode=move || if culled() { "culled" } else { "all" }
            tabindex="0"
            node_ref=root_ref
            on:keydown=on_keydown
        >
            <div class="timeline-toolbar">
                <label class="timeline-lanes">
                    "Lanes: "
                    <select
                        data-testid="timeline-lanes"
                        prop:value=move || state.lane_by.get().key()
                        on:change=move |event| {
                            if let Some(by) = LaneBy::from_key(&event_target_value(&event)) {
                                state.lane_by.set(by);
                            }
                        }
                    >
                        {LaneBy::ALL
                            .into_iter()
                            .map(|by| {
                                view! {
                                    <option
                                        value=by.key()
                                        selected=move || state.lane_by.get() == by
                                    >
                                        {by.title()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <span class="timeline-zoom">
                    <button
                        type="button"
                        data-testid="timeline-zoom-in"
                        title="Zoom in (+)"
                        on:click=move |_| zoom_at(2.0, width.get_untracked() / 2.0)
                    >
                        "+"
                    </button>
                    <button
                        type="button"
                        data-testid="timeline-zoom-out"
                        title="Zoom out (−)"
                        on:click=move |_| zoom_at(0.5, width.get_untracked() / 2.0)
                    >
                        "−"
                    </button>
                    <button
                        type="button"
                        data-testid="timeline-fit"
                        title="Show everything (0)"
                        on:click=move |_| fit()
                    >
                        "Fit"
                    </button>
                </span>
                <span class="timeline-range" data-testid="timeline-range">
                    {range_text}
                </span>
                <span class="timeline-summary">{summary}</span>
            </div>
            <div class="timeline-legend" data-testid="timeline-legend">
                {legend_view}
                <span class="timeline-legend-item">
                    <span class="timeline-swatch timeline-swatch-open"></span>
                    "open: no logoff seen"
                </span>
                <span class="timeline-legend-item">
                    <span class="timeline-swatch timeline-swatch-orphan"></span>
                    "orphan: logon not seen"
                </span>
                <span class="timeline-legend-item">
                    <span class="timeline-swatch-reboot timeline-reboot-startup"></span>
                    "startup"
                </span>
                <span class="timeline-legend-item">
                    <span class="timeline-swatch-reboot timeline-reboot-shutdown"></span>
                    "shutdown"
                </span>
                <span class="timeline-hint">
                    "Wheel: zoom · drag: pan · Shift+wheel: scroll lanes · click: details"
                </span>
            </div>
            {move || empty_text().map(|text| view! { <p class="timeline-empty">{text}</p> })}
            <div class="timeline-head">
                <div class="timeline-corner">
                    {move || match state.lane_by.get() {
                        LaneBy::User => "User",
                        LaneBy::Computer => "Computer",
                    }}
                </div>
                <div class="timeline-axis-box">
                    <svg
                        class="timeline-axis"
                        width=move || width.get()
                        height=AXIS_HEIGHT
                        data-testid="timeline-axis"
                    >
                        {move || axis_ticks.get().into_iter().map(tick_label_view).collect_view()}
                    </svg>
                    <div
                        class="timeline-marks"
                        style:width=move || format!("{}px", width.get())
                        style:height=format!("{AXIS_HEIGHT}px")
                    >
                        <svg width=move || width.get() height=AXIS_HEIGHT on:mousemove=on_flags_move>
                            <g class="timeline-flags">
                                {move || {
                                    reboot_marks
                                        .with(|paths| {
                                            paths
                                                .flags
                                                .iter()
                                                .map(|(at, d)| {
                                                    view! {
                                                        <path
                                                            class=RebootMarks::class("timeline-flag", *at)
                                                            d=d.clone()
                                                        ></path>
                                                    }
                                                })
                                                .collect_view()
                                        })
                                }}
                            </g>
                        </svg>
                    </div>
                    <canvas
                        class="timeline-canvas timeline-axis-canvas"
                        aria-hidden="true"
                        node_ref=axis_canvas
                    ></canvas>
                </div>
            </div>
            <div class="timeline-scroll" node_ref=scroll_ref on:scroll=on_scroll>
                <div
                    class="timeline-body"
                    style:height=move || format!("{}px", plot_height())
                >
                    <div class="timeline-labels">
                        <For each=lane_labels key=|key| *key children=lane_label_view />
                    </div>
                    <div
                        class="timeline-plot"
                        node_ref=plot_ref
                        on:mousedown=on_mousedown
                        on:click=on_click
                        on:mouseover=on_mouseover
                        on:mouseenter=move |_| measure()
                        on:wheel=on_wheel
                    >
                        <svg
                            class="timeline-svg"
                            width=move || width.get()
                            height=plot_height
                        >
                            <defs>
                                <linearGradient id="timeline-fade-left" x1="0" x2="1" y1="0" y2="0">
                                    <stop offset="0" class="timeline-fade-solid"></stop>
                                    <stop offset="1" class="timeline-fade-clear"></stop>
                                </linearGradient>
                                <linearGradient id="timeline-fade-right" x1="0" x2="1" y1="0" y2="0">
                                    <stop offset="0" class="timeline-fade-clear"></stop>
                                    <stop offset="1" class="timeline-fade-solid"></stop>
                                </linearGradient>
                            </defs>
                            <g class="timeline-stripes">
                                <For
                                    each=move || {
                                        lane_labels()
                                            .into_iter()
                                            .filter(|(_, lane)| lane % 2 == 1)
                                            .collect::<Vec<_>>()
                                    }
                                    key=|key| *key
                                    children=stripe_view
                                />
                            </g>
                            <g class="timeline-grids">
                                {move || {
                                    axis_ticks.get().into_iter().map(grid_line_view).collect_view()
                                }}
                            </g>
                            {selection}
                        </svg>
                        <div
                            class="timeline-marks"
                            style:width=move || format!("{}px", width.get())
                            style:height=move || format!("{}px", plot_height())
                        >
                            <svg width=move || width.get() height=plot_height>
                                <g class="timeline-bars"></g>
                                <g class="timeline-reboots" node_ref=reboot_lines></g>
                            </svg>
                        </div>
                        <canvas
                            class="timeline-canvas timeline-plot-canvas"
                            aria-hidden="true"
                            node_ref=bars_canvas
                        ></canvas>
                    </div>
                </div>
            </div>
        </div>
    }
}

/// Left edge and width of a bar, in pixels, kept within `margin` of the plot (far-off
/// coordinates are hidden anyway, and small numbers keep SVG rendering exact).
pub(super) fn bar_geometry(bar: &Bar, view: &Viewport, width: f64, margin: f64) -> (f64, f64) {
    let limit = |x: f64| x.clamp(-margin, width + margin);
    let x0 = view.x_of(bar.start, width);
    let x1 = view.x_of(bar.end, width).max(x0 + MIN_BAR_PX);
    let (x0, x1) = (limit(x0), limit(x1));
    (x0, (x1 - x0).max(0.0))
}

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// The elements of one bar, and the geometry they were last given.
struct BarNode {
    rect: web_sys::Element,
    /// The fade over an open start.
    left: Option<web_sys::Element>,
    /// The fade and the arrow at an open end.
    right: Option<(web_sys::Element, web_sys::Element)>,
    /// Where it was last put: x and width in tenths of a pixel.
    placed: Option<(i64, i64)>,
}

impl BarNode {
    fn remove(&self) {
        self.rect.remove();
        if let Some(left) = &self.left {
            left.remove();
        }
        if let Some((fade, arrow)) = &self.right {
            fade.remove();
            arrow.remove();
        }
    }
}

/// The bar elements in the plot, by bar index, for one layout and zone, and the viewport
/// (and plot width) their coordinates were computed for.
#[derive(Default)]
struct BarLayer {
    key: Option<(u64, bool)>,
    drawn: Option<Arc<Vec<u32>>>,
    nodes: foldhash::HashMap<u32, BarNode>,
    /// Elements of bars no longer drawn, still in the page: removed by [`BarLayer::work`].
    to_remove: Vec<BarNode>,
    /// Drawn bars still without elements, last first: made by [`BarLayer::work`].
    to_make: Vec<u32>,
    /// Bars whose elements are still to be placed at `base`: by [`BarLayer::work`].
    to_place: Vec<u32>,
    /// A chain of [`BarLayer::work`] slices is scheduled.
    working: bool,
    base: Option<(Viewport, f64)>,
    /// The view is not the base: the bars would need a transform (see [`BarLayer::draw`]).
    moved: bool,
    /// The bars and markers are out of the page, and painted on the canvases.
    moving: bool,
    /// The view has not moved since it last rested (and its settle asked for a rebase).
    rested: bool,
    /// The view and width last drawn, to tell a move from another change.
    last_view: Option<(Viewport, f64)>,
}

/// How long one slice of [`BarLayer::work`] may take (ms): making and placing the elements
/// of thousands of bars takes 100-150 ms at a million sessions, which in one task would
/// hold up the frames of a move that starts meanwhile.
const WORK_SLICE_MS: f64 = 8.0;

/// How far beyond the plot (in plot widths) bars are drawn (culled mode: chosen again once
/// the view rests).
const BASE_MARGIN_WIDTHS: f64 = 1.0;

/// How far beyond the plot (in plot widths) placed bars keep their true coordinates (a bar
/// reaching further is cut there), so that a pan by transform shows them right; a pan that
/// shows more places them anew at once. Wider than what is drawn: placing ten thousand bars
/// takes several frames' time, and a long pan would otherwise do it every plot width, while
/// placing them anew brings no bar into sight that the margin of what is drawn does not.
const PLACED_MARGIN_WIDTHS: f64 = 8.0;

impl BarLayer {
    /// Takes the bars and the reboot markers out of the page while the view moves, and the
    /// canvases paint them; puts them back once they are placed for the view. They sit in
    /// boxes of their own (`.timeline-marks`, under `root`, the timeline), which get
    /// `content-visibility: hidden`: the browser keeps their elements laid out and only skips
    /// them, so the first frame of a move costs it little. Taking the 7,000 elements of a
    /// million sessions out of its layout instead (`display="none"` on their groups) cost that
    /// frame 45-60 ms, hiding them by `visibility` 60-80 ms (each restyled).
    fn hide_while_moving(&mut self, root: &web_sys::Element, moving: bool) {
        if self.moving == moving {
            return;
        }
        self.moving = moving;
        let Ok(boxes) = root.query_selector_all(".timeline-marks") else {
            return;
        };
        for index in 0..boxes.length() {
            let Some(style) = boxes
                .item(index)
                .and_then(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
                .map(|element| element.style())
            else {
                continue;
            };
            let _ = if moving {
                style.set_property("content-visibility", "hidden")
            } else {
                style.remove_property("content-visibility").map(|_| ())
            };
        }
    }

    fn clear(&mut self) {
        for node in self.nodes.values() {
            node.remove();
        }
        self.nodes.clear();
        for node in self.to_remove.drain(..) {
            node.remove();
        }
        self.to_make.clear();
        self.to_place.clear();
        self.drawn = None;
    }

    /// Makes the elements match `drawn` (by [`BarLayer::work`]): the others to be removed,
    /// the missing ones made.
    fn show(&mut self, drawn: &[u32]) {
        let wanted: foldhash::HashSet<u32> = drawn.iter().copied().collect();
        let (kept, gone) = std::mem::take(&mut self.nodes)
            .into_iter()
            .partition(|(bar, _)| wanted.contains(bar));
        self.nodes = kept;
        self.to_remove.extend(gone.into_values());
        // Made in the order drawn (later bars over earlier ones): taken from the end.
        self.to_make = drawn
            .iter()
            .rev()
            .copied()
            .filter(|index| !self.nodes.contains_key(index))
            .collect();
    }

    fn has_work(&self) -> bool {
        !self.to_remove.is_empty() || !self.to_make.is_empty() || !self.to_place.is_empty()
    }

    /// Makes and places elements left to do, for at most `budget_ms`; returns whether none
    /// is left. Until then the elements stay out of the page and the canvases paint the
    /// bars, so the work can be spread over tasks that let frames through.
    fn work(&mut self, group: &web_sys::Element, layout: &TimelineLayout, budget_ms: f64) -> bool {
        // (Nothing can be placed before there is a base: `draw` makes one first.)
        let Some((base, width)) = self.base else {
            return true;
        };
        let margin = width * PLACED_MARGIN_WIDTHS;
        let start = now_ms();
        let document = document();
        let mut done = 0_u32;
        loop {
            // (The clock is a call into JavaScript: read every few dozen bars.)
            if done % 32 == 31 && now_ms() - start > budget_ms {
                return false;
            }
            done += 1;
            if let Some(node) = self.to_remove.pop() {
                node.remove();
            } else if let Some(index) = self.to_make.pop() {
                let Some(bar) = layout.bars.get(index as usize) else {
                    continue;
                };
                if let Some(mut node) = create_bar(&document, group, layout, bar) {
                    node.place(layout, bar, bar_geometry(bar, &base, width, margin));
                    self.nodes.insert(index, node);
                }
            } else if let Some(index) = self.to_place.pop() {
                if let (Some(node), Some(bar)) =
                    (self.nodes.get_mut(&index), layout.bars.get(index as usize))
                {
                    node.place(layout, bar, bar_geometry(bar, &base, width, margin));
                }
            } else {
                return true;
            }
        }
    }

    /// Follows `view` on a plot `width` wide. Either by the transform that would move the bars
    /// from their base (kept in `moved` and the group's `data-transform`; the bars, out of
    /// the page meanwhile, stay where they are; returns `false` unless that is the identity:
    /// a rebase is due when the view rests)
    /// or, when `rebase` is asked, there is no base yet, or the transform would scale too much
    /// or show bars beyond their kept coordinates, by making the view the base, every bar to
    /// be placed anew by [`BarLayer::work`] (returns `true`).
    fn draw(&mut self, group: &web_sys::Element, view: Viewport, width: f64, rebase: bool) -> bool {
        let width = width.max(1.0);
        if rebase {
            self.rested = true;
        } else if self.last_view.is_some_and(|last| last != (view, width)) {
            self.rested = false;
        }
        self.last_view = Some((view, width));
        let transform = self.base.map(|(base, base_width)| {
            // x on the plot = scale * x in the base + shift.
            let scale = (base.seconds() * width) / (base_width * view.seconds());
            let shift = (base.start - view.start) * width / view.seconds();
            let margin = base_width * PLACED_MARGIN_WIDTHS - FADE_PX * 2.0;
            let (from, to) = (-shift / scale, (width - shift) / scale);
            // While the view moves, bars stretch up to 16 times (or shrink to a quarter)
            // before they are placed anew: placing ten thousand bars takes longer than a
            // frame. At rest they are placed exactly.
            let fits = (0.25..=16.0).contains(&scale) && from > -margin && to < base_width + margin;
            (scale, shift, fits)
        });
        match transform {
            Some((scale, shift, true)) if !rebase => {
                let exact = (scale - 1.0).abs() < 1e-9 && shift.abs() < 1e-6;
                self.moved = !exact;
                let _ = group.set_attribute(
                    "data-transform",
                    &format!("matrix({scale:.6} 0 0 1 {shift:.3} 0)"),
                );
                exact
            }
            _ => {
                // Placed anew by `work` (writing only what changed).
                self.base = Some((view, width));
                self.to_place = self.nodes.keys().copied().collect();
                self.moved = false;
                let _ = group.remove_attribute("data-transform");
                true
            }
        }
    }
}

impl BarNode {
    /// Puts the bar at `x`, `w` pixels wide (to a tenth of a pixel), unless it is there.
    fn place(&mut self, layout: &TimelineLayout, bar: &Bar, (x, w): (f64, f64)) {
        // In tenths of a pixel: compared and written as integers, which format faster than
        // floats (a rebase writes two to four numbers for each of thousands of bars).
        let (x, w) = ((x * 10.0).round() as i64, (w * 10.0).round() as i64);
        if self.placed == Some((x, w)) {
            return;
        }
        self.placed = Some((x, w));
        let _ = self.rect.set_attribute("x", &tenths(x));
        let _ = self.rect.set_attribute("width", &tenths(w));
        let fade = (FADE_PX as i64 * 10).min(w / 2);
        if let Some(left) = &self.left {
            let _ = left.set_attribute("x", &tenths(x));
            let _ = left.set_attribute("width", &tenths(fade));
        }
        if let Some((right, arrow)) = &self.right {
            let end = x + w;
            let _ = right.set_attribute("x", &tenths(end - fade));
            let _ = right.set_attribute("width", &tenths(fade));
            let (y, height) = bar_box(layout, bar);
            let inset = (height / 5.0).min(3.0);
            let end = end as f64 / 10.0;
            let d = format!(
                "M{:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1}",
                end - 5.0,
                y + inset,
                end - 1.0,
                y + height / 2.0,
                end - 5.0,
                y + height - inset
            );
            let _ = arrow.set_attribute("d", &d);
        }
    }
}

/// A number of tenths as a decimal: `-15` is `-1.5`.
fn tenths(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let magnitude = value.unsigned_abs();
    format!("{sign}{}.{}", magnitude / 10, magnitude % 10)
}

/// What the slices of a bar layer's work need.
#[derive(Clone, Copy)]
struct Slices {
    layer: StoredValue<BarLayer, LocalStorage>,
    plot: NodeRef<Div>,
    laid: Memo<Laid>,
    /// Bumped when the work is over, to show the elements.
    worked: RwSignal<u64>,
}

/// Does the layer's work a slice at a time, each in a task of its own, so that frames are
/// drawn between them.
fn work_in_slices(slices: Slices) {
    set_timeout(
        move || {
            let group = slices
                .plot
                .get_untracked()
                .and_then(|plot| plot.query_selector(".timeline-bars").ok().flatten());
            let layout = slices.laid.try_with_untracked(|l| l.layout.clone());
            let done = slices.layer.try_update_value(|layer| {
                let done = match (&group, &layout) {
                    (Some(group), Some(layout)) => layer.work(group, layout, WORK_SLICE_MS),
                    _ => true,
                };
                layer.working = !done;
                done
            });
            match done {
                Some(true) => {
                    slices.worked.try_update(|n| *n = n.wrapping_add(1));
                }
                Some(false) => work_in_slices(slices),
                None => {}
            }
        },
        std::time::Duration::ZERO,
    );
}

/// How long the view must have stayed still before the bars are placed anew (ms). Counted from
/// the last move, not from the last frame: a slow frame in the middle of a zoom is no rest.
const REST_MS: f64 = 150.0;

/// A rebase waiting for the view to rest: it is due when no other change came after
/// `change` and the view has not moved for [`REST_MS`].
#[derive(Clone, Copy)]
struct Rest {
    changes: StoredValue<u64>,
    change: u64,
    last_move: StoredValue<f64>,
    settle: RwSignal<u64>,
}

/// Asks for the rebase of `rest` once the view rests (looking again while it moves).
fn settle_after_rest(rest: Rest) {
    let wait = rest
        .last_move
        .try_get_value()
        .map_or(REST_MS, |moved| REST_MS - (now_ms() - moved))
        .clamp(1.0, REST_MS);
    set_timeout(
        move || {
            if rest.changes.try_get_value() != Some(rest.change) {
                return;
            }
            let still = rest
                .last_move
                .try_get_value()
                .is_some_and(|moved| now_ms() - moved >= REST_MS);
            if still {
                rest.settle.try_set(rest.change);
            } else {
                settle_after_rest(rest);
            }
        },
        std::time::Duration::from_millis(wait as u64),
    );
}

/// How far a reboot's flag on the axis reaches either side of its time, in pixels.
pub(super) const FLAG_HALF_WIDTH: f64 = 5.0;

/// The corners of the flag of a reboot at `x` on the axis: a triangle pointing down at the
/// plot.
pub(super) fn flag_corners(x: f64) -> [(f64, f64); 3] {
    [
        (x - FLAG_HALF_WIDTH, 20.0),
        (x + FLAG_HALF_WIDTH, 20.0),
        (x, AXIS_HEIGHT - 2.0),
    ]
}

/// The reboot markers as `view` on a plot `width` wide and `height` tall puts them (every
/// reboot within a plot width either side of the view): the markup of their lines on the
/// plot, and paths of their flags on the axis.
///
/// A log of a million sessions has thousands of reboots. As elements made and placed one by
/// one, each a few calls into the browser, they held up the page for tens of milliseconds each
/// time the bars were placed anew; so the lines are written as markup in one go (numbers and
/// fixed names only: no text from the log). They stay lines: the browser rasterizes a dashed
/// line fast, but one path of many of them at 400 ms a frame. The flags, filled triangles, are
/// one path for each label and stretch of [`RebootMarks::BUCKET_PX`] (the browser replays a
/// path in every tile its bounds meet). Markers of one label in one pixel column and lane are
/// drawn once.
#[derive(Debug, Clone, PartialEq, Default)]
struct RebootMarks {
    lines: String,
    /// (index in [`REBOOT_LABELS`], path data), for each stretch of each label.
    flags: Vec<(usize, String)>,
}

impl RebootMarks {
    const BUCKET_PX: f64 = 128.0;

    fn new(reboots: &[Marker], view: &Viewport, width: f64, height: f64) -> Self {
        use std::fmt::Write;
        let reach = -width * BASE_MARGIN_WIDTHS..=width * (1.0 + BASE_MARGIN_WIDTHS);
        let mut marks = RebootMarks::default();
        // (label, stretch) -> flags.
        let mut flags: std::collections::BTreeMap<(usize, i64), String> =
            std::collections::BTreeMap::new();
        for RebootMark {
            label: at,
            x,
            top,
            bottom,
        } in reboot_marks(reboots, view, width, height, reach)
        {
            let _ = write!(
                marks.lines,
                r#"<line class="{}" x1="{x:.1}" x2="{x:.1}" y1="{top}" y2="{bottom}"></line>"#,
                Self::class("timeline-reboot", at)
            );
            let [first, second, third] = flag_corners(x);
            let _ = write!(
                flags
                    .entry((at, (x / Self::BUCKET_PX).floor() as i64))
                    .or_default(),
                "M{:.1},{}L{:.1},{}L{:.1},{}Z",
                first.0,
                first.1,
                second.0,
                second.1,
                third.0,
                third.1
            );
        }
        marks.flags = flags.into_iter().map(|((at, _), d)| (at, d)).collect();
        marks
    }

    fn class(kind: &str, at: usize) -> String {
        let label = REBOOT_LABELS.get(at).copied().unwrap_or_default();
        format!("{kind} timeline-reboot-{}", label.to_lowercase())
    }
}

/// The labels of reboot markers, each drawn in a colour of its own.
pub(super) const REBOOT_LABELS: [&str; 2] = ["Startup", "Shutdown"];

/// A reboot marker as drawn, by the elements at rest and the canvases while the view moves.
pub(super) struct RebootMark {
    /// Its index in [`REBOOT_LABELS`].
    pub label: usize,
    /// Where its time is on the plot.
    pub x: f64,
    /// The stretch of the plot its line crosses: its computer's lane, or (lanes by user, or a
    /// computer without a lane) the whole plot, `plot_height` tall.
    pub top: f64,
    pub bottom: f64,
}

/// The reboots that `view` on a plot `width` wide puts within `reach` (pixels), once for each
/// label, lane and half-pixel column (more there would draw the same).
pub(super) fn reboot_marks(
    reboots: &[Marker],
    view: &Viewport,
    width: f64,
    plot_height: f64,
    reach: std::ops::RangeInclusive<f64>,
) -> Vec<RebootMark> {
    let mut drawn = foldhash::HashSet::default();
    reboots
        .iter()
        .filter_map(|marker| {
            let label = REBOOT_LABELS.iter().position(|l| *l == marker.label)?;
            let x = view.x_of(marker.time, width);
            if !reach.contains(&x) || !drawn.insert((label, marker.lane, (x * 2.0).round() as i64))
            {
                return None;
            }
            let (top, bottom) = match marker.lane {
                Some(lane) => (
                    f64::from(lane) * LANE_HEIGHT,
                    f64::from(lane + 1) * LANE_HEIGHT,
                ),
                None => (0.0, plot_height),
            };
            Some(RebootMark {
                label,
                x,
                top,
                bottom,
            })
        })
        .collect()
}

/// Sets the text of `element`'s tooltip (its first `<title>` child, made if missing).
fn set_title(element: &web_sys::Element, title: &str) {
    let tip = match element.query_selector("title") {
        Ok(Some(tip)) => tip,
        _ => match document().create_element_ns(Some(SVG_NS), "title") {
            Ok(tip) => {
                let _ = element.append_child(&tip);
                tip
            }
            Err(_) => return,
        },
    };
    if tip.text_content().as_deref() != Some(title) {
        tip.set_text_content(Some(title));
    }
}

/// The top and height of a bar within the plot: its lane, and its row within the lane.
pub(super) fn bar_box(layout: &TimelineLayout, bar: &Bar) -> (f64, f64) {
    let rows = layout
        .lanes
        .get(bar.lane as usize)
        .map_or(1, |lane| lane.rows);
    let (offset, height) = bar_band(rows, bar.row, LANE_HEIGHT);
    (f64::from(bar.lane) * LANE_HEIGHT + offset, height)
}

/// Creates the elements of one bar in `group`: the rect (what tests count and clicks find)
/// and the fades and arrow of open edges. Its tooltip is added when the pointer first rests
/// on it ([`add_title`]): thousands of titles nobody reads would double the elements.
fn create_bar(
    document: &web_sys::Document,
    group: &web_sys::Element,
    layout: &TimelineLayout,
    bar: &Bar,
) -> Option<BarNode> {
    let (top, height) = bar_box(layout, bar);
    let element = |name: &str, class: &str| -> Option<web_sys::Element> {
        let element = document.create_element_ns(Some(SVG_NS), name).ok()?;
        element.set_attribute("class", class).ok()?;
        if name == "rect" {
            element.set_attribute("y", &top.to_string()).ok()?;
            element.set_attribute("height", &height.to_string()).ok()?;
        }
        group.append_child(&element).ok()?;
        Some(element)
    };
    let mut class = format!("timeline-bar {}", logon_type_class(bar.logon_type));
    if bar.open_start {
        class.push_str(" timeline-open-start");
    }
    if bar.open_end {
        class.push_str(" timeline-open-end");
    }
    let rect = element("rect", &class)?;
    rect.set_attribute("data-testid", "timeline-bar").ok()?;
    rect.set_attribute("data-index", &bar.session.to_string())
        .ok()?;
    rect.set_attribute("rx", "2").ok()?;
    let left = if bar.open_start {
        let fade = element("rect", "timeline-fade")?;
        fade.set_attribute("fill", "url(#timeline-fade-left)")
            .ok()?;
        Some(fade)
    } else {
        None
    };
    let right = if bar.open_end {
        let fade = element("rect", "timeline-fade")?;
        fade.set_attribute("fill", "url(#timeline-fade-right)")
            .ok()?;
        Some((fade, element("path", "timeline-arrow")?))
    } else {
        None
    };
    Some(BarNode {
        rect,
        left,
        right,
        placed: None,
    })
}

/// Gives a bar its tooltip: an SVG `<title>` whose text is set as text, never as markup
/// (user names are attacker-controlled).
fn add_title(rect: &web_sys::Element, title: &str) {
    if let Ok(tip) = document().create_element_ns(Some(SVG_NS), "title") {
        tip.set_text_content(Some(title));
        let _ = rect.append_child(&tip);
    }
}

/// A logon type as the legend and tooltips write it: `Network (3)`, or `Logon type 12` for a
/// number the reference does not name.
fn type_name(number: u32) -> String {
    match catalog::logon_type(number) {
        Some(known) => format!("{} ({number})", known.title),
        None if number == 0 => "System (0)".to_string(),
        None => format!("Logon type {number}"),
    }
}

/// The tooltip of a bar: who, how, when, how long, from where.
fn bar_title(session: &Session, bar: &Bar, zone: Zone) -> String {
    let who = logonscope_view::timeline::user_label(session);
    let kind = match (session.logon_type, &session.logon_type_name) {
        (Some(n), _) => type_name(n),
        (None, _) => "unknown logon type".to_string(),
    };
    let start = match session.start {
        Some(start) => show_time(start, zone),
        None => "logon not seen".to_string(),
    };
    let end = match session.end {
        Some(end) => show_time(end, zone),
        None if session.end_reason == EndReason::Superseded => "superseded".to_string(),
        None => "still open at the end of the log".to_string(),
    };
    let duration = session
        .duration_seconds
        .map(format_duration)
        .filter(|d| !d.is_empty())
        .map_or_else(String::new, |d| format!(" ({d})"));
    let source = match (&session.source_ip, &session.workstation) {
        (Some(ip), Some(ws)) => format!("\nfrom {ip} ({ws})"),
        (Some(ip), None) => format!("\nfrom {ip}"),
        (None, Some(ws)) => format!("\nfrom {ws}"),
        (None, None) => String::new(),
    };
    let marks = match (bar.open_start, bar.open_end) {
        (true, true) => " · orphan, open",
        (true, false) => " · orphan",
        (false, true) => " · open",
        (false, false) => "",
    };
    format!(
        "{who} on {}\n{kind}{marks}\n{start} – {end}{duration}{source}\nended: {}",
        session.computer,
        session.end_reason.as_str().replace('_', " ")
    )
}
