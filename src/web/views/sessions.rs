//! The sessions table: a filter bar over a virtualised, sortable table of the sessions the
//! filter keeps (`state.visible`).
//!
//! A case can hold a million sessions, so the table draws only the rows in view (plus a few
//! either side) inside a body as tall as all rows would be; `logonscope_view::columns`
//! decides which rows those are and where they go ([`TableGeometry`]). `table_canvas` paints
//! them each frame, and `table_rows` keeps them as elements over the canvas, redrawn when
//! scrolling pauses (see `table_canvas` for why). Text fields of the filter bar write the
//! filter after a short pause in typing, because every change re-filters the whole report and
//! redraws the timeline.

use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;
use logonscope_view::columns::{
    Column, NavKey, Sort, TableGeometry, end_reason_title, logon_type_text, move_selection,
};
use logonscope_view::filter::{SessionFilter, TimeInput, parse_time_input};
use logonscope_view::numbers::thousands;
use logonscope_view::zone::Zone;
use wasm_bindgen::JsCast;

use crate::web::canvas::watch_colour_scheme;
use crate::web::clock::{offset_minutes, show_time};
use crate::web::state::AppState;
use crate::web::tasks::{after_next_frame, next_task};
use crate::web::views::table_canvas::{PaintWanted, TableCanvas};
use crate::web::views::table_rows::{DrawnRows, RowsWanted, TableRows};

/// Height of a table row, in pixels (the CSS says the same: `.sessions-row`).
const ROW_HEIGHT: f64 = 26.0;
/// Height of the sticky header row (`.sessions-header`).
const HEADER_HEIGHT: f64 = 30.0;
/// Rows kept as elements beyond each edge of the view, for the keyboard and screen readers.
const OVERSCAN: usize = 3;
/// The pause in scrolling after which the rows' elements are drawn anew (the canvas follows
/// every frame).
const SCROLL_PAUSE: Duration = Duration::from_millis(100);
/// The tallest body the table gives itself; beyond, scrolling maps onto rows proportionally
/// (Firefox does not lay out elements taller than about 17.9 million pixels).
const MAX_BODY_HEIGHT: f64 = 8_000_000.0;
/// The pause in typing after which a text field writes the filter.
const TYPING_PAUSE: Duration = Duration::from_millis(150);

/// The sessions view: filter bar, counts and table.
#[component]
pub fn SessionsView() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state
            .analysis
            .with(Option::is_some)
            .then(|| view! { <FilterBar/><SessionsTable/> })
    }
}

/// Counts the presses of "Clear filters": each field empties itself when it changes (a
/// field whose text does not filter, such as a half-typed time, would otherwise stay), and
/// a write still waiting for a pause in typing that is older than the last clear is dropped.
#[derive(Clone, Copy)]
struct ClearEpoch(RwSignal<u64>);

impl ClearEpoch {
    /// Empties `draft` whenever the filters are cleared.
    fn empties(self, draft: RwSignal<String>) {
        Effect::new(move |previous: Option<u64>| {
            let now = self.0.get();
            if previous.is_some_and(|previous| previous != now) {
                draft.set(String::new());
            }
            now
        });
    }
}

/// The filter bar: one control per field of [`SessionFilter`], and the counts.
#[component]
fn FilterBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let epoch = ClearEpoch(RwSignal::new(0));
    let choices = Memo::new(move |_| {
        state.analysis.with(|analysis| {
            analysis
                .as_ref()
                .map(|analysis| analysis.choices.clone())
                .unwrap_or_default()
        })
    });
    let total = move || {
        state
            .analysis
            .with(|a| a.as_ref().map_or(0, |a| a.report.sessions.len()))
    };
    let shown = move || thousands(state.visible.with(|v| v.len()) as u64);

    let logon_type_options = move || {
        choices.with(|choices| {
            choices
                .logon_types
                .iter()
                .map(|&(number, count)| {
                    let label = format!(
                        "{} ({})",
                        logon_type_text(number, None),
                        thousands(count as u64)
                    );
                    let selected = move || {
                        state
                            .filter
                            .with(|f| f.logon_types.len() == 1 && f.logon_types.contains(&number))
                    };
                    view! { <option value=number.to_string() prop:selected=selected>{label}</option> }
                })
                .collect_view()
        })
    };
    let end_reason_options = move || {
        choices.with(|choices| {
            choices
                .end_reasons
                .iter()
                .map(|&(reason, count)| {
                    let label =
                        format!("{} ({})", end_reason_title(reason), thousands(count as u64));
                    let selected = move || {
                        state
                            .filter
                            .with(|f| f.end_reasons.len() == 1 && f.end_reasons.contains(&reason))
                    };
                    view! {
                        <option value=reason.as_str() prop:selected=selected>{label}</option>
                    }
                })
                .collect_view()
        })
    };
    let on_logon_type = move |ev: ev::Event| {
        let value = event_target_value(&ev);
        state.filter.update(|f| {
            f.logon_types = value.parse::<u32>().ok().into_iter().collect();
        });
    };
    let on_end_reason = move |ev: ev::Event| {
        let value = event_target_value(&ev);
        state.filter.update(|f| {
            f.end_reasons = logonscope_core::report::EndReason::ALL
                .into_iter()
                .filter(|r| r.as_str() == value)
                .collect();
        });
    };
    let clear = move |_| {
        epoch.0.update(|e| *e += 1);
        state.filter.set(SessionFilter::default());
    };

    view! {
        <div class="sessions-filters" role="search" aria-label="Filter sessions">
            <TextFilter
                testid="filter-user"
                label="User"
                placeholder="DOMAIN\\user"
                kind="text"
                get=|f| &f.user
                put=|f, v| f.user = v
                epoch=epoch
            />
            <TextFilter
                testid="filter-computer"
                label="Computer"
                placeholder="computer"
                kind="text"
                get=|f| &f.computer
                put=|f, v| f.computer = v
                epoch=epoch
            />
            <TextFilter
                testid="filter-source"
                label="Source"
                placeholder="IP or workstation"
                kind="text"
                get=|f| &f.source
                put=|f, v| f.source = v
                epoch=epoch
            />
            <TimeFilter testid="filter-from" label="From" end_of_range=false epoch=epoch/>
            <TimeFilter testid="filter-to" label="To" end_of_range=true epoch=epoch/>
            <label class="sessions-field">
                <span class="sessions-label">"Logon type"</span>
                <select data-testid="filter-logon-type" on:change=on_logon_type>
                    <option
                        value=""
                        prop:selected=move || state.filter.with(|f| f.logon_types.len() != 1)
                    >
                        "All types"
                    </option>
                    {logon_type_options}
                </select>
            </label>
            <label class="sessions-field">
                <span class="sessions-label">"End reason"</span>
                <select data-testid="filter-end-reason" on:change=on_end_reason>
                    <option
                        value=""
                        prop:selected=move || state.filter.with(|f| f.end_reasons.len() != 1)
                    >
                        "All end reasons"
                    </option>
                    {end_reason_options}
                </select>
            </label>
            <label class="sessions-check">
                <input
                    type="checkbox"
                    data-testid="filter-hide-system"
                    prop:checked=move || state.filter.with(|f| f.hide_system)
                    on:change=move |ev| {
                        let checked = event_target_checked(&ev);
                        state.filter.update(|f| f.hide_system = checked);
                    }
                />
                "Hide system accounts"
            </label>
            <TextFilter
                testid="filter-text"
                label="Search"
                placeholder="Search all fields"
                kind="search"
                get=|f| &f.text
                put=|f, v| f.text = v
                epoch=epoch
            />
            <button type="button" class="sessions-clear" data-testid="filter-clear" on:click=clear>
                "Clear filters"
            </button>
            <p class="sessions-counts" aria-live="polite">
                <span data-testid="visible-count">{shown}</span>
                {move || format!(" of {} sessions shown", thousands(total() as u64))}
            </p>
        </div>
    }
}

/// A text field of the filter. It shows what is typed at once and writes the filter after a
/// pause in typing; a change made elsewhere (Clear filters, another view) is shown in it.
#[component]
fn TextFilter(
    testid: &'static str,
    label: &'static str,
    placeholder: &'static str,
    kind: &'static str,
    get: fn(&SessionFilter) -> &String,
    put: fn(&mut SessionFilter, String),
    epoch: ClearEpoch,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let draft = RwSignal::new(state.filter.with_untracked(|f| get(f).clone()));
    let typing = Typing::new();
    epoch.empties(draft);
    Effect::new(move |_| {
        let current = state.filter.with(|f| get(f).clone());
        if !typing.pending() && draft.get_untracked() != current {
            draft.set(current);
        }
    });
    let on_input = move |ev: ev::Event| {
        let value = event_target_value(&ev);
        draft.set(value.clone());
        typing.after_pause(epoch, move |cleared| {
            if cleared {
                draft.set(state.filter.with_untracked(|f| get(f).clone()));
            } else if state.filter.with_untracked(|f| *get(f) != value) {
                state.filter.update(|f| put(f, value));
            }
        });
    };
    view! {
        <label class="sessions-field">
            <span class="sessions-label">{label}</span>
            <input
                type=kind
                data-testid=testid
                placeholder=placeholder
                autocomplete="off"
                spellcheck="false"
                prop:value=move || draft.get()
                on:input=on_input
            />
        </label>
    }
}

/// A from/to field: a time as the analyst types it, read in the page's zone unless it names
/// its own. What is not a time is outlined in red and does not filter.
#[component]
fn TimeFilter(
    testid: &'static str,
    label: &'static str,
    end_of_range: bool,
    epoch: ClearEpoch,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let bound = move |f: &SessionFilter| if end_of_range { f.to } else { f.from };
    let parse = move |text: &str, zone: Zone| {
        parse_time_input(text, end_of_range, &|t| offset_minutes(t, zone))
    };
    let draft = RwSignal::new(String::new());
    let typing = Typing::new();
    epoch.empties(draft);
    // Show a bound set elsewhere (or cleared), unless the field already says it.
    Effect::new(move |_| {
        let current = state.filter.with(bound);
        if typing.pending() {
            return;
        }
        let zone = state.zone.get_untracked();
        let says = parse(&draft.get_untracked(), zone);
        let agrees = match says {
            TimeInput::Valid(t) => current == Some(t),
            TimeInput::Empty | TimeInput::Invalid => current.is_none(),
        };
        if !agrees {
            draft.set(current.map(|t| show_time(t, zone)).unwrap_or_default());
        }
    });
    let invalid = move || matches!(parse(&draft.get(), state.zone.get()), TimeInput::Invalid);
    let on_input = move |ev: ev::Event| {
        let value = event_target_value(&ev);
        draft.set(value.clone());
        typing.after_pause(epoch, move |cleared| {
            if cleared {
                draft.set(String::new());
                return;
            }
            let wanted = match parse(&value, state.zone.get_untracked()) {
                TimeInput::Valid(t) => Some(t),
                TimeInput::Empty | TimeInput::Invalid => None,
            };
            if state.filter.with_untracked(bound) != wanted {
                state.filter.update(|f| {
                    if end_of_range {
                        f.to = wanted;
                    } else {
                        f.from = wanted;
                    }
                });
            }
        });
    };
    let zone_name = move || match state.zone.get() {
        Zone::Utc => "(UTC)",
        Zone::Local => "(local)",
    };
    view! {
        <label class="sessions-field">
            <span class="sessions-label">{label} " " {zone_name}</span>
            <input
                type="text"
                class="sessions-time-input"
                class=("sessions-invalid", invalid)
                aria-invalid=move || invalid().to_string()
                data-testid=testid
                placeholder="2024-05-01 10:00"
                title="A date, or a date and time: 2024-05-01, 2024-05-01 10:00, 2024-05-01T10:00:00Z, 2024-05-01 12:00+02:00"
                autocomplete="off"
                spellcheck="false"
                prop:value=move || draft.get()
                on:input=on_input
            />
        </label>
    }
}

/// The pause-in-typing timer of one field.
#[derive(Clone, Copy)]
struct Typing {
    /// Bumped by each keystroke: only the last one's timer writes.
    generation: StoredValue<u64>,
    pending: StoredValue<bool>,
}

impl Typing {
    fn new() -> Self {
        Typing {
            generation: StoredValue::new(0),
            pending: StoredValue::new(false),
        }
    }

    fn pending(self) -> bool {
        self.pending.try_get_value().unwrap_or(false)
    }

    /// Runs `write` after a pause in typing, unless another keystroke came first. `write` is
    /// told whether "Clear filters" was pressed meanwhile (the typed text is then dropped).
    fn after_pause(self, epoch: ClearEpoch, write: impl FnOnce(bool) + 'static) {
        let Some(generation) = self.generation.try_update_value(|g| {
            *g += 1;
            *g
        }) else {
            return;
        };
        let cleared_before = epoch.0.try_get_untracked();
        self.pending.set_value(true);
        set_timeout(
            move || {
                // The field may be gone (view switched): its stored values are then disposed.
                if self.generation.try_get_value() != Some(generation) {
                    return;
                }
                self.pending.set_value(false);
                write(epoch.0.try_get_untracked() != cleared_before);
            },
            TYPING_PAUSE,
        );
    }
}

/// The table: a sticky header and a virtualised body, with keyboard navigation.
#[component]
fn SessionsTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let container: NodeRef<leptos::html::Div> = NodeRef::new();
    let scroll_top = RwSignal::new(0.0f64);
    let scroll_left = RwSignal::new(0.0f64);
    let viewport = RwSignal::new(600.0f64);
    let view_width = RwSignal::new(1_000.0f64);
    // The rows are drawn once the table has been measured, not before at a guessed size (they
    // would be drawn twice, the first time in the task that builds the whole view). The
    // rows' elements come a task after the canvas: together, on the first report shown (first
    // use of the canvas's fonts included), they made a task of 50 ms.
    let measured = RwSignal::new(false);
    let rows_due = RwSignal::new(false);
    // True from a scroll until it pauses: the rows' elements wait, hidden.
    let scrolling = RwSignal::new(false);
    let scroll_generation = StoredValue::new(0u64);

    let geometry = move || table_geometry(state.visible.with(|v| v.len()), viewport.get());
    let window = Memo::new(move |_| geometry().window(scroll_top.get(), OVERSCAN));
    // Where the selected session is among the visible rows (None when filtered out).
    let selected_position = Memo::new(move |_| {
        let selected = state.selected.get()?;
        state
            .visible
            .with(|visible| visible.iter().position(|&i| i == selected))
    });

    let measure = move || {
        let Some(Some(el)) = container.try_get_untracked() else {
            return;
        };
        let screen = window_height();
        let height = f64::from(el.client_height()) - HEADER_HEIGHT;
        // A hidden table measures 0; a table in a page that grows with its content would
        // measure the whole body. Either way the screen's height bounds what can be seen.
        let body = if height < ROW_HEIGHT {
            screen
        } else {
            height.min(screen)
        };
        viewport.set(body.max(ROW_HEIGHT));
        view_width.set(f64::from(el.client_width()));
        scroll_top.set(f64::from(el.scroll_top()));
        if !measured.get_untracked() {
            measured.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                next_task().await;
                rows_due.try_set(true);
            });
        }
    };
    // Measure once drawn, and again when the tab comes back or the rows change.
    Effect::new(move |_| {
        state.tab.track();
        state.visible.track();
        after_next_frame(measure);
    });
    let resize = window_event_listener(ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    // Bring the selected row into view, whoever selected it (keys, the timeline, a link).
    Effect::new(move |_| {
        let Some(position) = selected_position.get() else {
            return;
        };
        let Some(Some(el)) = container.try_get_untracked() else {
            return;
        };
        let top = f64::from(el.scroll_top());
        let geometry = table_geometry(
            state.visible.with_untracked(|v| v.len()),
            viewport.get_untracked(),
        );
        if let Some(wanted) = geometry.scroll_to_show(position, top) {
            el.set_scroll_top(wanted.round() as i32);
            scroll_top.set(f64::from(el.scroll_top()));
        }
    });

    let on_keydown = move |ev: ev::KeyboardEvent| {
        let key = ev.key();
        if key == "Escape" {
            state.selected.set(None);
            return;
        }
        // Enter or Space on a header button sorts; leave those keys to the button.
        let on_button = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| el.tag_name().eq_ignore_ascii_case("button"));
        let nav = match NavKey::from_key(&key) {
            Some(nav) => nav,
            // Enter opens the detail of the row in view when nothing is selected (a selected
            // row's detail is open already).
            None if key == "Enter" && !on_button => {
                if state.selected.get_untracked().is_some() {
                    return;
                }
                NavKey::Down
            }
            None => return,
        };
        ev.prevent_default();
        let geometry = table_geometry(
            state.visible.with_untracked(|v| v.len()),
            viewport.get_untracked(),
        );
        let first_in_view = geometry.first_in_view(scroll_top.get_untracked());
        let current = selected_position.get_untracked();
        if let Some(position) = move_selection(
            current,
            nav,
            geometry.rows,
            geometry.page_rows(),
            first_in_view,
        ) {
            let index = state.visible.with_untracked(|v| v.get(position).copied());
            if index.is_some() {
                state.selected.set(index);
            }
        }
    };

    // The canvas paints the rows in view whenever anything it shows changes, scrolling
    // included, and again when the system's light or dark mode changes.
    let canvas: NodeRef<leptos::html::Canvas> = NodeRef::new();
    let painter = StoredValue::new_local(None::<TableCanvas>);
    let colour_scheme = RwSignal::new(0u32);
    // (Stored so that it lives, and stops watching, with the table.)
    let _scheme_watch = StoredValue::new_local(watch_colour_scheme(move || {
        colour_scheme.update(|n| *n += 1)
    }));
    Effect::new(move |_| {
        let Some(canvas) = canvas.get() else {
            return;
        };
        if !measured.get() {
            return;
        }
        let colour_scheme = colour_scheme.get();
        let wanted_geometry = geometry();
        let (scroll_top, scroll_left) = (scroll_top.get(), scroll_left.get());
        let (width_px, zone, selected) = (view_width.get(), state.zone.get(), state.selected.get());
        state.with_visible_sessions(|visible, sessions| {
            let wanted = PaintWanted {
                geometry: wanted_geometry,
                scroll_top,
                scroll_left,
                width_px,
                rows: TableRows {
                    visible,
                    sessions,
                    zone,
                    selected,
                },
                colour_scheme,
            };
            painter.update_value(|painter| {
                if !painter.as_ref().is_some_and(|p| p.is_on(&canvas)) {
                    *painter = TableCanvas::new(&canvas);
                }
                if let Some(painter) = painter {
                    painter.paint(&wanted);
                }
            });
        });
    });

    // The rows' elements (see `table_rows`), drawn by hand when the window, the rows, the
    // zone or the selection change, but not while the table scrolls.
    let rows_group: NodeRef<leptos::html::Div> = NodeRef::new();
    let drawn_rows = StoredValue::new_local(DrawnRows::default());
    let report_generation = Memo::new(move |previous: Option<&u64>| {
        state.analysis.track();
        previous.map_or(0, |generation| generation + 1)
    });
    Effect::new(move |_| {
        if scrolling.get() || !rows_due.get() {
            return;
        }
        let Some(group) = rows_group.get() else {
            return;
        };
        let (first, last, offset_px) = window.with(|w| (w.first, w.last, w.offset_px));
        let _ = web_sys::HtmlElement::style(&group)
            .set_property("transform", &format!("translateY({offset_px}px)"));
        let zone = state.zone.get();
        let selected = state.selected.get();
        let report_generation = report_generation.get();
        state.with_visible_sessions(|visible, sessions| {
            let wanted = RowsWanted {
                first,
                last,
                rows: TableRows {
                    visible,
                    sessions,
                    zone,
                    selected,
                },
                report_generation,
            };
            drawn_rows.update_value(|rows| rows.show(&group, &wanted));
        });
    });
    let row_count = move || state.visible.with(|v| v.len());
    let empty = move || row_count() == 0;

    let on_scroll = move |_| {
        if let Some(Some(el)) = container.try_get_untracked() {
            scroll_top.set(f64::from(el.scroll_top()));
            scroll_left.set(f64::from(el.scroll_left()));
        }
        if !scrolling.get_untracked() {
            scrolling.set(true);
        }
        let Some(generation) = scroll_generation.try_update_value(|g| {
            *g += 1;
            *g
        }) else {
            return;
        };
        set_timeout(
            move || {
                if scroll_generation.try_get_value() == Some(generation) {
                    scrolling.try_set(false);
                }
            },
            SCROLL_PAUSE,
        );
    };
    // A click selects the row painted under it (the rows' elements may wait for a pause).
    let on_body_click = move |ev: ev::MouseEvent| {
        let Some(Some(el)) = container.try_get_untracked() else {
            return;
        };
        let body_top =
            el.get_bounding_client_rect().top() + f64::from(el.client_top()) + HEADER_HEIGHT;
        let geometry = table_geometry(
            state.visible.with_untracked(|v| v.len()),
            viewport.get_untracked(),
        );
        let y = f64::from(ev.client_y()) - body_top;
        let Some(position) = geometry.row_at(y, f64::from(el.scroll_top())) else {
            return;
        };
        if let Some(index) = state.visible.with_untracked(|v| v.get(position).copied()) {
            state.selected.set(Some(index));
        }
    };

    view! {
        <div
            class="sessions-scroll"
            data-testid="sessions-table"
            role="table"
            aria-label="Sessions"
            aria-rowcount=move || (row_count() + 1).to_string()
            tabindex="0"
            node_ref=container
            on:scroll=on_scroll
            on:keydown=on_keydown
        >
            <HeaderRow/>
            <Show
                when=move || !empty()
                fallback=|| {
                    view! {
                        <p class="sessions-empty" data-testid="sessions-empty">
                            "No session matches the filters"
                        </p>
                    }
                }
            >
                <div
                    class="sessions-body"
                    role="rowgroup"
                    style:height=move || format!("{}px", window.with(|w| w.body_height_px))
                    on:click=on_body_click
                >
                    <canvas class="sessions-canvas" aria-hidden="true" node_ref=canvas></canvas>
                    <div
                        class="sessions-rows"
                        class:sessions-stale=move || scrolling.get()
                        node_ref=rows_group
                    ></div>
                </div>
            </Show>
        </div>
    }
}

/// The header: one sort button per column, with the direction shown and told (`aria-sort`).
#[component]
fn HeaderRow() -> impl IntoView {
    let state = expect_context::<AppState>();
    let headers = Column::ALL
        .into_iter()
        .map(|column| {
            let direction = move || {
                let sort: Sort = state.sort.get();
                (sort.column == column).then_some(sort.descending)
            };
            let aria = move || match direction() {
                Some(true) => "descending",
                Some(false) => "ascending",
                None => "none",
            };
            let arrow = move || match direction() {
                Some(true) => "▼",
                Some(false) => "▲",
                None => "",
            };
            let last = Column::ALL.last() == Some(&column);
            view! {
                <div
                    role="columnheader"
                    class="sessions-cell sessions-head"
                    aria-sort=aria
                    data-column=column.key()
                    style:left=format!("{}px", column.left_px())
                    style:width=(!last).then(|| format!("{}px", column.width_px()))
                    style:right=last.then_some("0")
                >
                    <button
                        type="button"
                        class="sessions-sort"
                        data-testid=format!("sort-{}", column.key())
                        title=format!("Sort by {}", column.title().to_lowercase())
                        on:click=move |_| state.sort.update(|s| *s = s.clicked(column))
                    >
                        {column.title()}
                        <span class="sessions-arrow" aria-hidden="true">
                            {arrow}
                        </span>
                    </button>
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="sessions-row sessions-header" role="row" aria-rowindex="1">
            {headers}
        </div>
    }
}

/// The table's geometry with `rows` rows and a view `viewport_px` high.
fn table_geometry(rows: usize, viewport_px: f64) -> TableGeometry {
    TableGeometry {
        rows,
        row_height_px: ROW_HEIGHT,
        viewport_px,
        max_height_px: MAX_BODY_HEIGHT,
    }
}

/// The browser window's inner height, or a common screen height if it cannot be read.
fn window_height() -> f64 {
    window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(900.0)
}
