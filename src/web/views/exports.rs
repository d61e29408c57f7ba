//! The export menu: the report as CSV (sessions, failed logons) for Excel and Timeline
//! Explorer, NDJSON in Elastic Common Schema for Elasticsearch and Splunk, and a printable HTML
//! report of the current view. (The report JSON has its own button in the header.) Every
//! export is written by the core, as the command-line tool writes it.

use leptos::prelude::*;
use logonscope_core::Report;
use logonscope_core::export::csv::{failures_csv, sessions_csv};
use logonscope_core::export::html::{HtmlOptions, html_report};
use logonscope_core::export::ndjson::write_ndjson;
use logonscope_view::downloads::download_stem;

use crate::web::download;
use crate::web::state::AppState;

/// One export: its test id, label, help text, file name suffix, MIME type and writer.
struct Export {
    testid: &'static str,
    label: &'static str,
    title: &'static str,
    suffix: &'static str,
    mime: &'static str,
    write: fn(&Report, &AppState) -> Result<Vec<u8>, String>,
}

const EXPORTS: [Export; 4] = [
    Export {
        testid: "export-csv-sessions",
        label: "Sessions (CSV)",
        title: "Every session, one row each, UTC times: for Excel and Timeline Explorer",
        suffix: "-sessions.csv",
        mime: "text/csv",
        write: |report, _| Ok(sessions_csv(report).into_bytes()),
    },
    Export {
        testid: "export-csv-failures",
        label: "Failed logons (CSV)",
        title: "Every failed logon (4625), one row each, UTC times",
        suffix: "-failures.csv",
        mime: "text/csv",
        write: |report, _| Ok(failures_csv(report).into_bytes()),
    },
    Export {
        testid: "export-ndjson",
        label: "NDJSON (Elastic Common Schema)",
        title: "One JSON line per session and per failed logon, with ECS field names: for \
                Elasticsearch or Splunk",
        suffix: ".ndjson",
        mime: "application/x-ndjson",
        write: |report, _| {
            let mut out = Vec::new();
            write_ndjson(report, &mut out).map_err(|e| e.to_string())?;
            Ok(out)
        },
    },
    Export {
        testid: "export-html",
        label: "Printable report (HTML)",
        title: "A self-contained HTML report of the sessions shown (with the current filters), \
                the failed logons and the warnings, ready to print",
        suffix: "-report.html",
        mime: "text/html",
        write: |report, state| Ok(printable_report(report, state).into_bytes()),
    },
];

/// The HTML report of what the analyst is looking at: the filtered, sorted sessions.
fn printable_report(report: &Report, state: &AppState) -> String {
    let filter = state.filter.get_untracked();
    let (sessions, view_note) = match filter.describe() {
        Some(words) => (
            Some(state.visible.get_untracked().to_vec()),
            Some(format!("Sessions filtered: {words}")),
        ),
        None => (None, None),
    };
    let title = match report.files.as_slice() {
        [file] => format!("Logon sessions: {}", file.name),
        files => format!("Logon sessions: {} files", files.len()),
    };
    html_report(
        report,
        &HtmlOptions {
            title,
            sessions,
            view_note,
        },
    )
}

#[component]
pub fn ExportMenu() -> impl IntoView {
    let state = expect_context::<AppState>();
    let run = move |export: &'static Export| {
        move |_| {
            let Some(analysis) = state.analysis.get_untracked() else {
                return;
            };
            let name = format!("{}{}", download_stem(&analysis.report), export.suffix);
            let outcome = (export.write)(&analysis.report, &state)
                .and_then(|bytes| download::save(&name, export.mime, &bytes));
            if let Err(message) = outcome {
                state.load.update(|load| load.message = Some(message));
            }
        }
    };
    view! {
        <details class="export-menu" data-testid="export-menu">
            <summary class="button">"More exports"</summary>
            <div class="export-menu-items">
                {EXPORTS
                    .iter()
                    .map(|export| {
                        view! {
                            <button
                                class="button export-menu-item"
                                data-testid=export.testid
                                title=export.title
                                on:click=run(export)
                            >
                                {export.label}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        </details>
    }
}
