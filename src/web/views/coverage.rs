//! The "Audit coverage" view: what the loaded logs can tell. Hints on top (auditing that
//! looks off, a cleared log, missing records), then how many events of each kind were found,
//! how often each logon type occurs, who cleared the log, and every other warning.
//!
//! The counts and hints come from `logonscope_view::coverage`; this only draws them. Names
//! from the logs go into text nodes only.

use leptos::prelude::*;
use logonscope_core::report::{Warning, WarningKind};
use logonscope_view::accounts::account_name;
use logonscope_view::coverage::{Coverage, EventRow, coverage};
use logonscope_view::timeline::logon_type_colour;
use logonscope_view::zone::Zone;

use crate::web::clock::show_time;
use crate::web::state::AppState;

#[component]
pub fn CoverageView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let found = Memo::new(move |_| {
        state.analysis.with(|analysis| {
            analysis
                .as_ref()
                .map(|analysis| coverage(&analysis.report, &analysis.event_counts))
        })
    });
    let body = move || match found.get() {
        None => view! {
            <p class="coverage-empty">"Load Security logs to see what they cover."</p>
        }
        .into_any(),
        Some(found) => view! { <CoverageBody found/> }.into_any(),
    };
    view! { <section class="coverage" data-testid="coverage-view">{body}</section> }
}

#[component]
fn CoverageBody(found: Coverage) -> impl IntoView {
    let state = expect_context::<AppState>();
    let hints = if found.hints.is_empty() {
        view! {
            <p class="coverage-ok" data-testid="coverage-ok">
                "Nothing suggests that auditing was off or that the log was tampered with."
            </p>
        }
        .into_any()
    } else {
        let items = found
            .hints
            .iter()
            .map(|hint| {
                let severity = hint.severity.as_str();
                view! {
                    <li
                        class=format!("coverage-hint coverage-{severity}")
                        data-testid="coverage-hint"
                        data-severity=severity
                    >
                        <span class="coverage-severity">{severity}</span>
                        " "
                        {hint.text.clone()}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="coverage-hints">{items}</ul> }.into_any()
    };

    let logon_types = found
        .logon_types
        .iter()
        .map(|t| {
            let zero = t.sessions == 0 && t.failures == 0;
            view! {
                <tr class:coverage-zero=zero data-type=t.number.to_string()>
                    <td class="coverage-num">
                        <span class=format!("coverage-lt coverage-lt-{}", logon_type_colour(t.number))></span>
                        {t.number.to_string()}
                    </td>
                    <td>{t.title}</td>
                    <td class="coverage-desc">{t.description}</td>
                    <td class="coverage-num">{t.sessions.to_string()}</td>
                    <td class="coverage-num">{t.failures.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    let other_types = found
        .other_logon_types
        .iter()
        .map(|t| {
            view! {
                <tr class="coverage-other" data-type=t.number.map_or_else(String::new, |n| n.to_string())>
                    <td class="coverage-num">
                        <span class="coverage-lt coverage-lt-other"></span>
                        {t.number.map_or_else(|| "–".to_string(), |n| n.to_string())}
                    </td>
                    <td>{t.name.clone()}</td>
                    <td class="coverage-desc">{t.description}</td>
                    <td class="coverage-num">{t.sessions.to_string()}</td>
                    <td class="coverage-num">{t.failures.to_string()}</td>
                </tr>
            }
        })
        .collect_view();

    let cleared = found.log_cleared.clone();
    let cleared_rows = move || {
        let zone = state.zone.get();
        cleared.iter().map(|w| cleared_row(w, zone)).collect_view()
    };
    let cleared_section = (!found.log_cleared.is_empty()).then(|| {
        view! {
            <h3>"Log cleared (1102)"</h3>
            <table class="coverage-table coverage-cleared" data-testid="coverage-cleared">
                <thead>
                    <tr>
                        <th>"Time"</th>
                        <th>"Computer"</th>
                        <th>"Cleared by"</th>
                        <th class="coverage-num">"Record ID"</th>
                        <th>"File"</th>
                    </tr>
                </thead>
                <tbody>{cleared_rows}</tbody>
            </table>
        }
    });

    let warnings = found.other_warnings.clone();
    let warning_rows = move || {
        let zone = state.zone.get();
        warnings
            .iter()
            .map(|w| {
                let time = w.time.map(|t| show_time(t, zone)).unwrap_or_default();
                view! {
                    <tr data-testid="coverage-warning" data-kind=kind_name(w.kind)>
                        <td class="coverage-kind">{kind_title(w.kind)}</td>
                        <td class="coverage-time">{time}</td>
                        <td>{w.computer.clone().unwrap_or_default()}</td>
                        <td class="coverage-message">{w.message.clone()}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let warnings_section = (!found.other_warnings.is_empty()).then(|| {
        view! {
            <h3>"Other warnings"</h3>
            <table class="coverage-table coverage-warnings" data-testid="coverage-warnings">
                <thead>
                    <tr>
                        <th>"Kind"</th>
                        <th>"Time"</th>
                        <th>"Computer"</th>
                        <th>"Message"</th>
                    </tr>
                </thead>
                <tbody>{warning_rows}</tbody>
            </table>
        }
    });

    view! {
        {hints}
        <div class="coverage-tables">
            <div>
                <h3>"Audit logon events"</h3>
                {event_table("coverage-events", &found.events)}
                <h3>"Related events"</h3>
                {event_table("coverage-related-events", &found.related_events)}
            </div>
            <div>
                <h3>"Logon types"</h3>
                <table class="coverage-table" data-testid="coverage-logon-types">
                    <thead>
                        <tr>
                            <th class="coverage-num">"Type"</th>
                            <th>"Title"</th>
                            <th>"Description"</th>
                            <th class="coverage-num">"Sessions"</th>
                            <th class="coverage-num">"Failures"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {logon_types}
                        {other_types}
                    </tbody>
                </table>
            </div>
        </div>
        {cleared_section}
        {warnings_section}
    }
}

/// A table of event ids with their descriptions and the counts found.
fn event_table(testid: &'static str, rows: &[EventRow]) -> impl IntoView + use<> {
    view! {
        <table class="coverage-table" data-testid=testid>
            <thead>
                <tr>
                    <th class="coverage-num">"Event"</th>
                    <th>"Description"</th>
                    <th class="coverage-num">"Found"</th>
                </tr>
            </thead>
            <tbody>{event_rows(rows)}</tbody>
        </table>
    }
}

fn event_rows(rows: &[EventRow]) -> impl IntoView + use<> {
    rows.iter()
        .map(|e| {
            view! {
                <tr class:coverage-zero=e.count == 0 data-event=e.id.to_string()>
                    <td class="coverage-num">{e.id.to_string()}</td>
                    <td class="coverage-desc">{e.description}</td>
                    <td class="coverage-num">{e.count.to_string()}</td>
                </tr>
            }
        })
        .collect_view()
}

fn cleared_row(warning: &Warning, zone: Zone) -> impl IntoView + use<> {
    let who = account_name(warning.domain.as_deref(), warning.user.as_deref()).unwrap_or_default();
    view! {
        <tr data-testid="coverage-cleared-row">
            <td class="coverage-time">
                {warning.time.map(|t| show_time(t, zone)).unwrap_or_default()}
            </td>
            <td>{warning.computer.clone().unwrap_or_default()}</td>
            <td>{who}</td>
            <td class="coverage-num">{warning.record_id.map(|id| id.to_string()).unwrap_or_default()}</td>
            <td>{warning.file.clone().unwrap_or_default()}</td>
        </tr>
    }
}

/// The report's name of a warning kind, for `data-kind`.
fn kind_name(kind: WarningKind) -> &'static str {
    match kind {
        WarningKind::LogCleared => "log_cleared",
        WarningKind::RecordIdGap => "record_id_gap",
        WarningKind::DamagedChunk => "damaged_chunk",
        WarningKind::DamagedRecords => "damaged_records",
    }
}

/// A warning kind in words.
fn kind_title(kind: WarningKind) -> &'static str {
    match kind {
        WarningKind::LogCleared => "Log cleared",
        WarningKind::RecordIdGap => "Record ID gap",
        WarningKind::DamagedChunk => "Damaged chunk",
        WarningKind::DamagedRecords => "Damaged records",
    }
}
