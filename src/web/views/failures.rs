//! The "Failed logons" view: every 4625 of the report, as a histogram over time (bursts
//! highlighted) and a table of groups by source or by account, each with its bursts marked as
//! password guessing or spraying, and expandable into its failures.
//!
//! What forms a group or a burst is decided in `logonscope_view::failures`; this only draws
//! it. User names and addresses are attacker-controlled: they go into text nodes only.

use std::sync::Arc;

use leptos::prelude::*;
use logonscope_core::catalog;
use logonscope_core::report::Failure;
use logonscope_core::time::Timestamp;
use logonscope_view::failures::{
    BurstKind, EXPANDED_ROWS_CAP, FailureGroup, GroupBy, bucket_bounds, burst_buckets,
    bursts_first, group_failures, histogram, source_address,
};
use logonscope_view::timeline::logon_type_colour;
use logonscope_view::zone::Zone;

use crate::web::clock::show_time;
use crate::web::state::AppState;

/// Bars of the histogram: enough to separate a burst of minutes in a log of days, few enough
/// that each bar stays a few pixels wide.
const HISTOGRAM_BUCKETS: usize = 120;

/// Groups the table lists at most: thousands of one-off sources are noise past the first
/// screens, and rendering them all would stall the page. Groups with bursts come first, so
/// none of those is cut unless there are more of them than this.
const GROUP_ROWS_CAP: usize = 1000;

/// Bursts written out in a group's row before "N more".
const BURSTS_SHOWN: usize = 3;

/// Reasons written out in a group's row.
const REASONS_SHOWN: usize = 2;

/// The histogram as drawn: its span, counts and which bars fall inside a burst.
#[derive(Debug, Clone, PartialEq, Default)]
struct Bars {
    start: Timestamp,
    end: Timestamp,
    counts: Vec<u32>,
    in_burst: Vec<bool>,
}

#[component]
pub fn FailuresView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let group_by = RwSignal::new(GroupBy::Source);
    // The key of the group whose failures are listed.
    let expanded: RwSignal<Option<String>> = RwSignal::new(None);

    let total = Memo::new(move |_| {
        state
            .analysis
            .with(|a| a.as_ref().map(|a| a.report.failures.len()))
    });
    let groups = Memo::new(move |_| {
        let by = group_by.get();
        let groups = state.analysis.with(|analysis| {
            analysis.as_ref().map_or_else(Vec::new, |analysis| {
                let mut groups = group_failures(&analysis.report, by);
                bursts_first(&mut groups);
                groups
            })
        });
        Arc::new(groups)
    });
    let bars = Memo::new(move |_| {
        state.analysis.with(|analysis| {
            analysis.as_ref().map_or_else(Bars::default, |analysis| {
                let (start, end, counts) = histogram(&analysis.report, HISTOGRAM_BUCKETS);
                let in_burst = groups.with(|g| burst_buckets(start, end, counts.len(), g));
                Bars {
                    start,
                    end,
                    counts,
                    in_burst,
                }
            })
        })
    });

    let set_group_by = move |by: GroupBy| {
        if group_by.get_untracked() != by {
            expanded.set(None);
            group_by.set(by);
        }
    };

    let summary = move || {
        groups.with(|groups| {
            let bursts = groups.iter().flat_map(|g| &g.bursts);
            let spraying = bursts.clone().filter(|b| b.kind == BurstKind::Spraying);
            let (all, spraying) = (bursts.count(), spraying.count());
            let noun = match group_by.get() {
                GroupBy::Source => "source",
                GroupBy::Account => "account",
            };
            let mut text = format!(
                "{} {noun}{}",
                groups.len(),
                if groups.len() == 1 { "" } else { "s" }
            );
            if all > 0 {
                text.push_str(&format!(
                    "; {all} burst{} ({} guessing, {spraying} spraying)",
                    if all == 1 { "" } else { "s" },
                    all - spraying
                ));
            }
            text
        })
    };

    view! {
        <section class="failures" data-testid="failures-view">
            <header class="failures-header">
                <h2>
                    "Failed logons (4625): "
                    <span data-testid="failure-count">
                        {move || total.get().unwrap_or(0).to_string()}
                    </span>
                </h2>
                <p class="failures-summary">{summary}</p>
                <div class="failures-toggle" role="group" data-testid="failures-group-by"
                    data-value=move || match group_by.get() {
                        GroupBy::Source => "source",
                        GroupBy::Account => "account",
                    }
                >
                    <button
                        type="button"
                        data-value="source"
                        class:failures-on=move || group_by.get() == GroupBy::Source
                        aria-pressed=move || (group_by.get() == GroupBy::Source).to_string()
                        on:click=move |_| set_group_by(GroupBy::Source)
                    >
                        "By source"
                    </button>
                    <button
                        type="button"
                        data-value="account"
                        class:failures-on=move || group_by.get() == GroupBy::Account
                        aria-pressed=move || (group_by.get() == GroupBy::Account).to_string()
                        on:click=move |_| set_group_by(GroupBy::Account)
                    >
                        "By account"
                    </button>
                </div>
            </header>
            {move || match total.get() {
                None => {
                    view! { <p class="failures-empty">"Load Security logs to see their failed logons."</p> }
                        .into_any()
                }
                Some(0) => {
                    view! { <p class="failures-empty">"No failed logon (4625) in the loaded logs."</p> }
                        .into_any()
                }
                Some(_) => {
                    view! {
                        <Histogram bars=bars/>
                        <GroupTable groups=groups group_by=group_by expanded=expanded/>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// The failures over time as SVG bars; bars inside a burst are highlighted.
#[component]
fn Histogram(bars: Memo<Bars>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let chart = move || {
        let zone = state.zone.get();
        bars.with(|bars| {
            let buckets = bars.counts.len();
            let max = bars.counts.iter().copied().max().unwrap_or(0).max(1);
            let rects = bars
                .counts
                .iter()
                .enumerate()
                .map(|(i, &count)| {
                    // A bar of one failure must stay visible next to one of thousands.
                    let height = if count == 0 {
                        0.0
                    } else {
                        (f64::from(count) / f64::from(max) * 100.0).max(3.0)
                    };
                    let (from, to) = bucket_bounds(bars.start, bars.end, buckets, i);
                    let burst = bars.in_burst.get(i).copied().unwrap_or(false);
                    let tip = format!(
                        "{count} failure{} from {} to {}{}",
                        if count == 1 { "" } else { "s" },
                        show_time(from, zone),
                        show_time(to, zone),
                        if burst { " (burst)" } else { "" }
                    );
                    view! {
                        <rect
                            class="failures-bar"
                            class:failures-bar-burst=burst
                            x=i.to_string()
                            y=format!("{:.2}", 100.0 - height)
                            width="0.85"
                            height=format!("{height:.2}")
                        >
                            <title>{tip}</title>
                        </rect>
                    }
                })
                .collect_view();
            view! {
                <svg
                    class="failures-chart"
                    data-testid="failures-histogram"
                    viewBox=format!("0 0 {} 100", buckets.max(1))
                    preserveAspectRatio="none"
                    role="img"
                    aria-label=format!("Failed logons over time, highest bar {max}")
                >
                    {rects}
                </svg>
                <div class="failures-axis">
                    <span>{show_time(bars.start, zone)}</span>
                    <span class="failures-legend">
                        <span class="failures-swatch failures-swatch-burst"></span>
                        " inside a burst"
                    </span>
                    <span>{show_time(bars.end, zone)}</span>
                </div>
            }
        })
    };
    view! { <div class="failures-histogram">{chart}</div> }
}

/// The table of groups; a click on a group lists its failures below it.
#[component]
fn GroupTable(
    groups: Memo<Arc<Vec<FailureGroup>>>,
    group_by: RwSignal<GroupBy>,
    expanded: RwSignal<Option<String>>,
) -> impl IntoView {
    let other = move || match group_by.get() {
        GroupBy::Source => "Accounts",
        GroupBy::Account => "Sources",
    };
    let key_title = move || match group_by.get() {
        GroupBy::Source => "Source",
        GroupBy::Account => "Account",
    };
    let rows = move || {
        let groups = groups.get();
        let by = group_by.get_untracked();
        let shown = groups.len().min(GROUP_ROWS_CAP);
        let rest = groups.len() - shown;
        let rows = groups
            .iter()
            .take(shown)
            .map(|group| group_rows(group.clone(), by, expanded))
            .collect_view();
        let more = (rest > 0).then(|| {
            view! {
                <tr class="failures-more">
                    <td colspan="8">
                        {format!("{rest} more group{} with fewer failures", if rest == 1 { "" } else { "s" })}
                    </td>
                </tr>
            }
        });
        view! {
            {rows}
            {more}
        }
    };
    view! {
        <table class="failures-groups">
            <thead>
                <tr>
                    <th></th>
                    <th>{key_title}</th>
                    <th class="failures-num">"Failures"</th>
                    <th>"First"</th>
                    <th>"Last"</th>
                    <th class="failures-num">{other}</th>
                    <th>"Top reasons"</th>
                    <th>"Bursts"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// A group's row, and below it its failures when it is expanded.
fn group_rows(
    group: FailureGroup,
    by: GroupBy,
    expanded: RwSignal<Option<String>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let group = Arc::new(group);
    let key = group.key.clone();
    let is_open = {
        let key = key.clone();
        move || expanded.with(|open| open.as_deref() == Some(key.as_str()))
    };
    let toggle = {
        let key = key.clone();
        move |_| {
            expanded.update(|open| {
                *open = if open.as_deref() == Some(key.as_str()) {
                    None
                } else {
                    Some(key.clone())
                };
            });
        }
    };
    let others = match by {
        GroupBy::Source => &group.accounts,
        GroupBy::Account => &group.sources,
    };
    let others_tip = others
        .iter()
        .take(50)
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    let others_count = others.len();
    let reasons = group
        .reasons
        .iter()
        .take(REASONS_SHOWN)
        .map(|(reason, count)| format!("{reason} ({count})"))
        .collect::<Vec<_>>()
        .join("; ");
    let reasons_more = group.reasons.len().saturating_sub(REASONS_SHOWN);
    let kind = group.burst_kind();
    let (first, last) = (group.first, group.last);
    let bursts = {
        let group = group.clone();
        move || {
            let zone = state.zone.get();
            let shown = group
                .bursts
                .iter()
                .take(BURSTS_SHOWN)
                .map(|burst| {
                    let kind = kind_name(burst.kind);
                    let window = format!(
                        "{} – {}: {} failures, {} account{}",
                        show_time(burst.start, zone),
                        show_time(burst.end, zone),
                        burst.count,
                        burst.accounts.len(),
                        if burst.accounts.len() == 1 { "" } else { "s" }
                    );
                    view! {
                        <div class="failures-burst">
                            <span
                                class=format!("failures-badge failures-badge-{kind}")
                                data-testid="failure-burst"
                                data-kind=kind
                            >
                                {burst.kind.label()}
                            </span>
                            " "
                            <span class="failures-window">{window}</span>
                        </div>
                    }
                })
                .collect_view();
            let more = group.bursts.len().saturating_sub(BURSTS_SHOWN);
            view! {
                {shown}
                {(more > 0).then(|| view! { <div class="failures-muted">{format!("{more} more")}</div> })}
            }
        }
    };
    let detail = {
        let group = group.clone();
        let is_open = is_open.clone();
        move || is_open().then(|| failure_list(group.clone()))
    };
    view! {
        <tr
            class="failures-group"
            class:failures-flagged=kind.is_some()
            class:failures-open=is_open.clone()
            data-testid="failure-group"
            data-key=key.clone()
            data-burst=kind.map_or("none", kind_name)
            on:click=toggle
            tabindex="0"
            aria-expanded=move || is_open().to_string()
        >
            <td class="failures-caret">{let is_open = is_open.clone(); move || if is_open() { "▾" } else { "▸" }}</td>
            <td class="failures-key">{key.clone()}</td>
            <td class="failures-num">{group.count.to_string()}</td>
            <td class="failures-time">{move || show_time(first, state.zone.get())}</td>
            <td class="failures-time">{move || show_time(last, state.zone.get())}</td>
            <td class="failures-num" title=others_tip>{others_count.to_string()}</td>
            <td class="failures-reasons">
                {reasons}
                {(reasons_more > 0).then(|| view! { <span class="failures-muted">{format!(" +{reasons_more} more")}</span> })}
            </td>
            <td class="failures-bursts">{bursts}</td>
        </tr>
        {detail}
    }
}

/// `spraying` / `guessing`, for CSS classes and data attributes.
fn kind_name(kind: BurstKind) -> &'static str {
    match kind {
        BurstKind::Guessing => "guessing",
        BurstKind::Spraying => "spraying",
    }
}

/// The failures of an expanded group (at most [`EXPANDED_ROWS_CAP`]), in a row spanning the
/// table.
fn failure_list(group: Arc<FailureGroup>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let more = group.indices.len().saturating_sub(EXPANDED_ROWS_CAP);
    let rows = move || {
        let zone = state.zone.get();
        let analysis = state.analysis.get();
        let failures: Vec<Failure> = analysis
            .as_ref()
            .map(|analysis| {
                group
                    .indices
                    .iter()
                    .take(EXPANDED_ROWS_CAP)
                    .filter_map(|&i| analysis.report.failures.get(i as usize).cloned())
                    .collect()
            })
            .unwrap_or_default();
        failures
            .into_iter()
            .map(|failure| failure_row(failure, zone))
            .collect_view()
    };
    view! {
        <tr class="failures-detail" data-testid="failure-detail">
            <td colspan="8">
                <table class="failures-list">
                    <thead>
                        <tr>
                            <th>"Time"</th>
                            <th>"Computer"</th>
                            <th>"User"</th>
                            <th>"Logon type"</th>
                            <th>"Source"</th>
                            <th>"Workstation"</th>
                            <th>"Status"</th>
                            <th>"Reason"</th>
                            <th>"Process"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                {(more > 0).then(|| view! {
                    <p class="failures-muted" data-testid="failure-more">
                        {format!("{more} more failure{} not listed", if more == 1 { "" } else { "s" })}
                    </p>
                })}
            </td>
        </tr>
    }
}

/// One failure as a row of the expanded list.
fn failure_row(failure: Failure, zone: Zone) -> impl IntoView {
    let user = match (&failure.domain, &failure.user) {
        (Some(domain), Some(user)) => format!("{domain}\\{user}"),
        (None, Some(user)) => user.to_string(),
        _ => failure.user_sid.as_deref().unwrap_or_default().to_string(),
    };
    let type_text = match (&failure.logon_type_name, failure.logon_type) {
        (Some(name), Some(number)) => format!("{number} {name}"),
        (None, Some(number)) => format!("{number} {}", catalog::logon_type_name(number)),
        (Some(name), None) => name.to_string(),
        (None, None) => String::new(),
    };
    let type_tip = match failure.logon_type {
        Some(0) => "The System account's logon when the computer starts.".to_string(),
        Some(number) => catalog::logon_type(number).map_or_else(
            || format!("Logon type {number}"),
            |t| t.description.to_string(),
        ),
        None => "Not logged".to_string(),
    };
    let status = match (&failure.status, &failure.sub_status) {
        (Some(status), Some(sub)) => format!("{status} / {sub}"),
        (Some(status), None) => status.to_string(),
        (None, Some(sub)) => format!("– / {sub}"),
        (None, None) => String::new(),
    };
    let reason_tip = failure
        .failure_reason
        .as_deref()
        .unwrap_or_default()
        .to_string();
    let logon_type_class = format!(
        "failures-lt failures-lt-{}",
        failure.logon_type.map_or("other", logon_type_colour)
    );
    view! {
        <tr data-testid="failure-row" data-record-id=failure.record_id.to_string()>
            <td class="failures-time">{show_time(failure.time, zone)}</td>
            <td>{failure.computer.to_string()}</td>
            <td>{user}</td>
            <td class=logon_type_class title=type_tip>{type_text}</td>
            <td>{source_address(&failure)}</td>
            <td>{failure.workstation.as_deref().unwrap_or_default().to_string()}</td>
            <td class="failures-code">{status}</td>
            <td title=reason_tip>{failure.reason.as_deref().or(failure.failure_reason.as_deref()).unwrap_or_default().to_string()}</td>
            <td class="failures-process">{failure.process_name.as_deref().unwrap_or_default().to_string()}</td>
        </tr>
    }
}
