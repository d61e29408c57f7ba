//! The share panel: a report link (the report and the view, in the URL fragment), a view link
//! (the view only, for a colleague with the same files) and the report file, with how far a
//! link of that length travels.

use leptos::prelude::*;
use logonscope_link::{
    LinkReach, REPORT_FILE_SUFFIX, SharedReport, SharedView, report_data, report_file,
    report_fragment_with, view_fragment,
};
use logonscope_view::downloads::download_stem;
use logonscope_view::numbers::thousands;
use logonscope_view::view_state::ViewState;

use crate::web::download;
use crate::web::share::page_address;
use crate::web::state::AppState;

/// The view, tracked: the links follow every change the analyst makes while the panel is open.
fn tracked_view(state: AppState) -> ViewState {
    state.tab.track();
    state.filter.track();
    state.sort.track();
    state.selected.track();
    state.zone.track();
    state.lane_by.track();
    state.view_state()
}

#[component]
pub fn SharePanel(open: RwSignal<bool>) -> impl IntoView {
    let state = expect_context::<AppState>();
    // The report part of the link is the expensive part: made once per report (memos are
    // lazy, so only when the panel first shows it), not again when the view changes.
    let report_part = Memo::new(move |_| {
        state.analysis.with(|analysis| {
            analysis
                .as_ref()
                .map(|a| report_data(&a.report, &a.event_counts))
        })
    });
    // The view, once per change, for both links.
    let view = Memo::new(move |_| tracked_view(state));
    let report_link = Memo::new(move |_| {
        let view = view.get();
        report_part.with(|part| match part {
            Some(Ok(part)) => report_fragment_with(part, &view).map(|f| page_address() + &f),
            Some(Err(message)) => Err(message.clone()),
            None => Err("Nothing is loaded.".to_string()),
        })
    });
    let view_link = Memo::new(move |_| {
        let view = view.get();
        let files = state.analysis.with(|analysis| {
            analysis.as_ref().map_or_else(Vec::new, |a| {
                a.report.files.iter().map(|f| f.name.clone()).collect()
            })
        });
        view_fragment(&SharedView { files, view }).map(|f| page_address() + &f)
    });
    let link_length = move || report_link.with(|link| link.as_ref().map_or(0, String::len));
    let reach = move || LinkReach::of(link_length());
    let reach_key = move || match reach() {
        LinkReach::Anywhere => "anywhere",
        LinkReach::Chat => "chat",
        LinkReach::AddressBarOnly => "address-bar",
        LinkReach::TooLong => "too-long",
    };
    let save_file = move |_| {
        let Some(analysis) = state.analysis.get_untracked() else {
            return;
        };
        let shared = SharedReport {
            report: analysis.report.clone(),
            event_counts: analysis.event_counts.clone(),
            view: state.view_state(),
        };
        let name = format!("{}{REPORT_FILE_SUFFIX}", download_stem(&analysis.report));
        let outcome = report_file(&shared)
            .and_then(|bytes| download::save(&name, "application/json", &bytes));
        if let Err(message) = outcome {
            state.load.update(|load| load.message = Some(message));
        }
    };

    view! {
        <Show when=move || open.get()>
            <section class="share" data-testid="share-panel" aria-label="Share">
                <header class="share-head">
                    <h2>"Share"</h2>
                    <button class="button button-small" on:click=move |_| open.set(false)>
                        "Close"
                    </button>
                </header>
                <p class="share-note">
                    "Links keep everything after the #, which browsers never send to a server: "
                    "the report travels inside the link itself. Whoever has the link can read it."
                </p>
                <div class="share-item">
                    <h3>"Report link"</h3>
                    <p class="share-what">
                        "The report (sessions, failed logons, warnings, file names; no raw records) "
                        "and this view. Opens without the event logs."
                    </p>
                    <LinkField testid="share-url" link=report_link/>
                    <p class="share-size" data-testid="share-size" data-reach=reach_key>
                        {move || format!("{} characters. ", thousands(link_length() as u64))}
                        {move || reach().advice()}
                    </p>
                </div>
                <div class="share-item">
                    <h3>"View link"</h3>
                    <p class="share-what">
                        "Only the tab, filters, sort, selected session and time zone, for a "
                        "colleague who has the same files: they open the link, then the files."
                    </p>
                    <LinkField testid="share-view-url" link=view_link/>
                </div>
                <div class="share-item">
                    <h3>"Report file"</h3>
                    <p class="share-what">
                        "The report and this view as a file, for reports too big for a link. "
                        "logonscope opens it when it is dropped on the page like an event log."
                    </p>
                    <button class="button" data-testid="share-file" on:click=save_file>
                        "Download " {REPORT_FILE_SUFFIX} " file"
                    </button>
                </div>
            </section>
        </Show>
    }
}

/// A read-only field with a link, and a button that copies it.
#[component]
fn LinkField(testid: &'static str, link: Memo<Result<String, String>>) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = move || link.with(|link| link.clone().unwrap_or_default());
    let error = move || link.with(|link| link.as_ref().err().cloned());
    let copy = move |_| {
        let Some(window) = web_sys::window() else {
            return;
        };
        // The clipboard needs a secure context: on file:// pages the analyst selects the text.
        let promise = window.navigator().clipboard().write_text(&text());
        leptos::task::spawn_local(async move {
            copied.set(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
        });
    };
    // Focusing the field selects the whole link, ready to copy by hand.
    let select_all = move |ev: leptos::ev::FocusEvent| {
        event_target::<web_sys::HtmlInputElement>(&ev).select();
    };
    view! {
        <div class="share-link">
            <input
                type="text"
                readonly
                class="share-input"
                data-testid=testid
                prop:value=text
                on:focus=select_all
            />
            <button class="button button-small" on:click=copy>
                {move || if copied.get() { "Copied" } else { "Copy" }}
            </button>
        </div>
        {move || error().map(|message| view! { <p class="share-error" role="alert">{message}</p> })}
    }
}
