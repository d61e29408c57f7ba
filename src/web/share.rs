//! Report links and report files in the page: opening the link in the address bar (at start
//! and whenever the fragment changes), opening a dropped report file, and applying a view
//! link once its files are loaded. Encoding and checking are `logonscope_view::link`'s; this
//! is only the glue to `location`, `history` and the page's state.

use std::sync::Arc;

use leptos::prelude::*;
use logonscope_link::{Link, SharedReport, SharedView, parse_fragment};
use logonscope_view::filter::FilterChoices;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::loader;
use super::state::{Analysis, AppState, FileProgress, LoadState, Phase, Source};

/// Opens the link the page was opened with, and any link pasted into the address bar later.
pub fn start(state: AppState) {
    open_location(state);
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_hash_change = Closure::<dyn FnMut()>::new(move || open_location(state));
    // Listens for the page's whole life, so the closure is never dropped.
    let _ = window
        .add_event_listener_with_callback("hashchange", on_hash_change.as_ref().unchecked_ref());
    on_hash_change.forget();
}

/// The page's address without its fragment: what a link is built on.
pub fn page_address() -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    match href.split_once('#') {
        Some((address, _)) => address.to_string(),
        None => href,
    }
}

fn open_location(state: AppState) {
    let Some(hash) = web_sys::window().and_then(|w| w.location().hash().ok()) else {
        return;
    };
    match parse_fragment(&hash) {
        Ok(None) => {}
        Ok(Some(Link::Report(shared))) => open_report(state, shared, Source::Link),
        Ok(Some(Link::View(shared))) => open_view(state, shared),
        Err(error) => state.link_error.set(Some(error.to_string())),
    }
}

/// Shows a report made elsewhere (a link or a report file) in place of what was loaded.
pub fn open_report(state: AppState, shared: SharedReport, source: Source) {
    loader::forget_files(state);
    let SharedReport {
        report,
        event_counts,
        view,
    } = shared;
    let files = report
        .files
        .iter()
        .map(|file| FileProgress {
            name: file.name.clone(),
            size: file.size,
            bytes_done: file.size,
            records: file.records,
            error: (!file.errors.is_empty()).then(|| file.errors.join("; ")),
            done: true,
            ..FileProgress::default()
        })
        .collect();
    let sessions = report.sessions.len();
    let origin = match &source {
        Source::ReportFile(name) => format!("report file {name}"),
        Source::Link | Source::Logs => "shared link".to_string(),
    };
    let choices = FilterChoices::of(&report.sessions);
    state.analysis.set(Some(Arc::new(Analysis {
        report,
        event_counts,
        locator: Default::default(),
        index: None,
        choices,
        source,
    })));
    state.link_error.set(None);
    state.pending_view.set(None);
    state.load.set(LoadState {
        phase: Phase::Done,
        files,
        message: Some(format!("{sessions} sessions, from the {origin}.")),
        stats: None,
    });
    if !state.apply_view(view) {
        state.link_error.set(Some(
            "The session selected in this report could not be found in it.".to_string(),
        ));
    }
}

/// Applies a view link now if a report is loaded, else when its files are.
fn open_view(state: AppState, shared: SharedView) {
    state.link_error.set(None);
    state.pending_view.set(Some(shared));
    if state.analysis.with_untracked(Option::is_some)
        && state.load.with_untracked(|l| l.phase == Phase::Done)
    {
        apply_pending_view(state);
    }
}

/// Applies the view link that waited for its files (called when an analysis is complete).
pub fn apply_pending_view(state: AppState) {
    let Some(shared) = state.pending_view.get_untracked() else {
        return;
    };
    state.pending_view.set(None);
    if !state.apply_view(shared.view) {
        state.link_error.set(Some(
            "The session selected in the view link is not in the loaded files.".to_string(),
        ));
    }
}

/// Takes a report link out of the address bar once other files are loaded: a reload must not
/// bring the shared report back over them. (A view link stays until it is applied.)
pub fn forget_report_link() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let hash = window.location().hash().unwrap_or_default();
    if !hash.starts_with("#report=") {
        return;
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&page_address()));
    }
}
