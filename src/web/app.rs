//! The page: a header (open, demo, export, zone, status), the loaded files with their
//! progress and errors, the tabs of the views, and the session detail panel. Files may be
//! dropped anywhere on the page.

use leptos::ev;
use leptos::prelude::*;
use logonscope_core::export::write_report_json;
use logonscope_view::downloads::download_stem;
use logonscope_view::numbers::{megabytes, thousands};
use logonscope_view::zone::Zone;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{File, FileList, HtmlInputElement};

use super::download;
use super::loader;
use super::share;
use super::state::{AppState, FileProgress, LoadStats, Phase, Source, Tab};
use super::views::coverage::CoverageView;
use super::views::detail::SessionDetail;
use super::views::exports::ExportMenu;
use super::views::failures::FailuresView;
use super::views::sessions::SessionsView;
use super::views::share::SharePanel;
use super::views::timeline::TimelineView;

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    share::start(state);
    // The workers start once the page has shown itself, ready for the first file.
    set_timeout(move || loader::prepare(state), std::time::Duration::ZERO);
    let dragging = RwSignal::new(false);

    let on_drop = move |event: ev::DragEvent| {
        event.prevent_default();
        dragging.set(false);
        if let Some(files) = event.data_transfer().and_then(|d| d.files()) {
            loader::load_files(state, files_of(&files));
        }
    };
    let on_key = move |event: ev::KeyboardEvent| on_page_key(state, &event);

    view! {
        <div
            class="app"
            class:app-dragging=move || dragging.get()
            on:dragover=move |event: ev::DragEvent| {
                event.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
            on:keydown=on_key
        >
            <Header/>
            <LinkNotices/>
            <FileList/>
            <Show when=move || state.analysis.with(Option::is_some) fallback=Welcome>
                <Tabs/>
                <main class="app-view">
                    {move || match state.tab.get() {
                        Tab::Sessions => view! { <SessionsView/> }.into_any(),
                        Tab::Timeline => view! { <TimelineView/> }.into_any(),
                        Tab::Failures => view! { <FailuresView/> }.into_any(),
                        Tab::Coverage => view! { <CoverageView/> }.into_any(),
                    }}
                </main>
                <SessionDetail/>
            </Show>
        </div>
    }
}

/// Shortcuts that work anywhere but in a text field: 1-4 switch tabs.
fn on_page_key(state: AppState, event: &ev::KeyboardEvent) {
    let typing = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
    if typing || event.ctrl_key() || event.meta_key() || event.alt_key() {
        return;
    }
    let tab = match event.key().as_str() {
        "1" => Tab::Sessions,
        "2" => Tab::Timeline,
        "3" => Tab::Failures,
        "4" => Tab::Coverage,
        _ => return,
    };
    if state.analysis.with_untracked(Option::is_some) {
        state.tab.set(tab);
    }
}

fn files_of(list: &FileList) -> Vec<File> {
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}

#[component]
fn Header() -> impl IntoView {
    let state = expect_context::<AppState>();
    let on_pick = move |event: ev::Event| {
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(files) = input.files() {
            loader::load_files(state, files_of(&files));
        }
        // Picking the same files again must load them again.
        input.set_value("");
    };
    let export = move |_| {
        let Some(analysis) = state.analysis.get_untracked() else {
            return;
        };
        let mut json = Vec::new();
        let name = format!("{}-report.json", download_stem(&analysis.report));
        let outcome = write_report_json(&analysis.report, &mut json)
            .map_err(|e| e.to_string())
            .and_then(|()| download::save(&name, "application/json", &json));
        if let Err(message) = outcome {
            state.load.update(|load| load.message = Some(message));
        }
    };
    let working = move || state.load.with(|l| l.phase == Phase::Working);
    let no_report = move || state.analysis.with(Option::is_none);
    let sharing = RwSignal::new(false);
    let header = NodeRef::<leptos::html::Header>::new();
    follow_header_height(header);

    view! {
        <header class="header" node_ref=header>
            <div class="header-brand">
                <span class="header-logo">"logonscope"</span>
                <span class="header-tagline">"Who logged on, when, from where, for how long"</span>
            </div>
            <div class="header-actions">
                <label class="button button-primary">
                    "Open EVTX files…"
                    <input
                        type="file"
                        multiple
                        accept=".evtx,.json,application/octet-stream"
                        class="visually-hidden"
                        on:change=on_pick
                    />
                </label>
                <button class="button" data-testid="demo" on:click=move |_| loader::load_demo(state)>
                    "Load demo log"
                </button>
                <button
                    class="button"
                    data-testid="export-json"
                    disabled=no_report
                    on:click=export
                    title="The whole report as JSON (the format of the command-line tool)"
                >
                    "Export JSON"
                </button>
                <Show when=move || !no_report()>
                    <ExportMenu/>
                </Show>
                <button
                    class="button"
                    data-testid="share"
                    disabled=no_report
                    aria-expanded=move || sharing.get().to_string()
                    on:click=move |_| sharing.update(|open| *open = !*open)
                    title="A link or a file that shows this report without the event logs"
                >
                    "Share…"
                </button>
                <ZoneSwitch/>
            </div>
            <div class="header-status">
                <Status/>
                <Show when=working>
                    <button
                        class="button button-small"
                        data-testid="cancel"
                        on:click=move |_| loader::cancel(state)
                    >
                        "Cancel"
                    </button>
                </Show>
            </div>
            <Summary/>
            <SharePanel open=sharing/>
        </header>
    }
}

/// What the page says about links: a shared report and the files it came from, a view link
/// waiting for its files, or why a link could not be opened.
#[component]
fn LinkNotices() -> impl IntoView {
    let state = expect_context::<AppState>();
    let shared_from = move || {
        state.analysis.with(|analysis| {
            let analysis = analysis.as_ref()?;
            let what = match &analysis.source {
                Source::Logs => return None,
                Source::Link => "This is a shared report".to_string(),
                Source::ReportFile(name) => format!("This is the report file {name}"),
            };
            let files: Vec<String> = analysis
                .report
                .files
                .iter()
                .map(|f| format!("{} ({})", f.name, megabytes(f.size)))
                .collect();
            let files = if files.is_empty() {
                "no file names".to_string()
            } else {
                files.join(", ")
            };
            Some(format!(
                "{what}, made by logonscope from: {files}. It holds no raw records; drop the \
                 event logs themselves to read them."
            ))
        })
    };
    let waiting = move || {
        state.pending_view.with(|pending| {
            pending.as_ref().map(|shared| {
                format!(
                    "This view link shows a view of: {}. Open those files and the view is applied.",
                    shared.files.join(", ")
                )
            })
        })
    };
    view! {
        {move || shared_from().map(|text| view! {
            <div class="notice" data-testid="shared-banner">{text}</div>
        })}
        {move || waiting().map(|text| view! {
            <div class="notice" data-testid="view-pending">{text}</div>
        })}
        {move || state.link_error.get().map(|text| view! {
            <div class="notice notice-error" data-testid="link-error" role="alert">{text}</div>
        })}
    }
}

/// Keeps the CSS variable `--header-bottom` at the header's height, which changes as the header
/// wraps or the share panel opens: the session detail opens below the header, so that Share and
/// the zone switch stay usable while a session is open.
fn follow_header_height(header: NodeRef<leptos::html::Header>) {
    let observer = StoredValue::new_local(None::<web_sys::ResizeObserver>);
    Effect::new(move |_| {
        let Some(element) = header.get() else { return };
        if observer.with_value(Option::is_some) {
            return;
        }
        let measured = element.clone();
        let measure = move || {
            let root = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(root) = root {
                let height = measured.offset_height();
                let _ = root
                    .style()
                    .set_property("--header-bottom", &format!("{height}px"));
            }
        };
        measure();
        let callback = Closure::<dyn FnMut()>::new(measure).into_js_value();
        if let Ok(resize) = web_sys::ResizeObserver::new(callback.unchecked_ref()) {
            resize.observe(&element);
            observer.set_value(Some(resize));
        }
    });
}

/// UTC (the analysts' default) or the browser's zone.
#[component]
fn ZoneSwitch() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <div class="zone-switch" role="group" aria-label="Time zone">
            <button
                class="button button-small"
                data-testid="zone-utc"
                aria-pressed=move || (state.zone.get() == Zone::Utc).to_string()
                on:click=move |_| state.zone.set(Zone::Utc)
            >
                "UTC"
            </button>
            <button
                class="button button-small"
                data-testid="zone-local"
                aria-pressed=move || (state.zone.get() == Zone::Local).to_string()
                on:click=move |_| state.zone.set(Zone::Local)
            >
                "Local time"
            </button>
        </div>
    }
}

/// The status line with the overall progress (bytes and records).
#[component]
fn Status() -> impl IntoView {
    let state = expect_context::<AppState>();
    let text = move || {
        state.load.with(|load| match load.phase {
            Phase::Idle => load
                .message
                .clone()
                .unwrap_or_else(|| "Drop Security.evtx files anywhere on the page.".to_string()),
            Phase::Working => {
                let (done, all) = load.bytes();
                match &load.message {
                    // Before any file is given (the demo log is being written), or once
                    // every file is read (the sessions are being reconstructed).
                    Some(message) if all == 0 || done >= all => message.clone(),
                    _ if all == 0 => "Starting…".to_string(),
                    _ => format!(
                        "Reading {} of {} · {} records",
                        megabytes(done),
                        megabytes(all),
                        thousands(load.records())
                    ),
                }
            }
            Phase::Done | Phase::Error => load.message.clone().unwrap_or_default(),
        })
    };
    let fraction = move || {
        state.load.with(|load| {
            let (done, all) = load.bytes();
            if all == 0 {
                0.0
            } else {
                done as f64 / all as f64
            }
        })
    };
    view! {
        <div
            class="status"
            data-testid="status"
            data-state=move || state.load.with(|l| l.phase.as_str())
            role="status"
            aria-live="polite"
        >
            <span class="status-text">{text}</span>
            {move || state.load.with(|l| l.stats).map(|stats| view! { <LoadFigures stats /> })}
            <Show when=move || state.load.with(|l| l.phase == Phase::Working)>
                <progress class="status-progress" max="1" value=fraction></progress>
            </Show>
        </div>
    }
}

/// What the last load took: size, records, time, workers. Its data attributes carry the
/// exact figures for the benchmark (`scripts/bench`).
#[component]
fn LoadFigures(stats: LoadStats) -> impl IntoView {
    let seconds = stats.millis / 1000.0;
    let text = format!(
        "Read {} ({} records) in {seconds:.1} s with {} workers.",
        megabytes(stats.bytes),
        thousands(stats.records),
        stats.workers
    );
    view! {
        <span
            class="status-figures"
            data-testid="load-stats"
            data-bytes=stats.bytes.to_string()
            data-records=stats.records.to_string()
            data-millis=format!("{:.0}", stats.millis)
            data-read-millis=format!("{:.0}", stats.read_millis)
            data-worker-read-millis=format!("{:.0}", stats.worker_read_millis)
            data-worker-scan-millis=format!("{:.0}", stats.worker_scan_millis)
            data-merge-millis=format!("{:.0}", stats.merge_millis)
            data-workers=stats.workers.to_string()
            data-wasm-peak-bytes=stats.wasm_peak_bytes.to_string()
            data-worker-wasm-bytes=stats.worker_wasm_bytes.to_string()
            data-page-wasm-read-bytes=stats.page_wasm_read_bytes.to_string()
            data-orders-millis=stats.orders_millis.map(|ms| format!("{ms:.0}"))
        >
            {text}
        </span>
    }
}

/// Counts of the report: sessions (unfiltered), failed logons, files, warnings.
#[component]
fn Summary() -> impl IntoView {
    let state = expect_context::<AppState>();
    let count = move |pick: fn(&logonscope_core::Report) -> usize| {
        move || {
            state
                .analysis
                .with(|a| a.as_ref().map_or(0, |a| pick(&a.report)))
        }
    };
    let sessions = count(|r| r.sessions.len());
    let failures = count(|r| r.failures.len());
    let warnings = count(|r| r.warnings.len());
    view! {
        <Show when=move || state.analysis.with(Option::is_some)>
            <div class="summary">
                <span>
                    <strong data-testid="session-count">{move || sessions().to_string()}</strong>
                    " sessions"
                </span>
                <span>
                    <strong>{move || thousands(failures() as u64)}</strong>
                    " failed logons"
                </span>
                <span>
                    <strong>{move || thousands(warnings() as u64)}</strong>
                    " warnings"
                </span>
            </div>
        </Show>
    }
}

/// The files of the load, each with its progress and, if it failed, its error.
#[component]
fn FileList() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <ul class="files">
            <For
                each=move || state.load.with(|l| l.files.clone().into_iter().enumerate().collect::<Vec<_>>())
                key=|(index, file)| (*index, file.clone())
                children=move |(_, file)| view! { <FileRow file/> }
            />
        </ul>
    }
}

#[component]
fn FileRow(file: FileProgress) -> impl IntoView {
    let fraction = if file.size == 0 {
        1.0
    } else {
        file.bytes_done as f64 / file.size as f64
    };
    let state_text = if file.done {
        format!("{} records", thousands(file.records))
    } else {
        format!(
            "{} of {} · {} records",
            megabytes(file.bytes_done),
            megabytes(file.size),
            thousands(file.records)
        )
    };
    let error = file.error.clone().map(|error| {
        view! {
            <div class="file-error" data-testid="file-error" role="alert">
                <strong>{file.name.clone()}</strong>
                ": "
                {error}
            </div>
        }
    });
    view! {
        <li class="file" data-testid="file-status" class:file-failed=file.error.is_some()>
            <span class="file-name">{file.name.clone()}</span>
            <span class="file-size">{megabytes(file.size)}</span>
            <progress class="file-progress" max="1" value=fraction></progress>
            <span class="file-state">{state_text}</span>
            {error}
        </li>
    }
}

#[component]
fn Tabs() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <nav class="tabs" role="tablist">
            {Tab::ALL
                .into_iter()
                .enumerate()
                .map(|(index, tab)| {
                    view! {
                        <button
                            role="tab"
                            class="tab"
                            data-testid=format!("tab-{}", tab.key())
                            aria-selected=move || (state.tab.get() == tab).to_string()
                            title=format!("{} (key {})", tab.title(), index + 1)
                            on:click=move |_| state.tab.set(tab)
                        >
                            {tab.title()}
                        </button>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// What the page shows before anything is loaded.
#[component]
fn Welcome() -> impl IntoView {
    view! {
        <section class="welcome">
            <h1>"Drop Security.evtx files here"</h1>
            <p>
                "logonscope reconstructs every logon session from Windows Security logs: user, "
                "logon type, source address, start, end, duration, how it ended, RDP "
                "disconnects, explicit credentials, admin rights, and the failed logons beside them."
            </p>
            <p>
                "Several files at once are fine (several computers, overlapping exports). "
                "Everything happens in this browser tab: the files are never uploaded."
            </p>
        </section>
    }
}
