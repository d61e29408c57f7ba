//! The browser app: Leptos components over the core, the view model and the scanning workers.
//! Built only for wasm32 (by Trunk); everything it decides is in `logonscope-view`.

mod app;
mod canvas;
mod clock;
mod download;
mod loader;
mod share;
mod state;
mod tasks;
mod views;

/// Mounts the app on the page, then registers the service worker.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
    register_service_worker();
}

/// The service worker beside the page (written by `scripts/post-build.mjs`): it caches the
/// app's files so that, after one visit, the app loads with the network off.
const SERVICE_WORKER: &str = "./sw.js";

/// Registers [`SERVICE_WORKER`] when the page is served over http(s). Not from disk
/// (`file://` has no service workers) nor in the single-file build (`<html data-single-file>`,
/// which has no `sw.js` beside it). The URL is relative, so the worker's scope is the folder of
/// the page, whatever path the app is served under. A failure only costs the offline mode: it is
/// a warning on the console, never an error of the page.
fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let protocol = window.location().protocol().unwrap_or_default();
    if protocol != "http:" && protocol != "https:" {
        return;
    }
    let single_file = window
        .document()
        .and_then(|d| d.document_element())
        .is_some_and(|html| html.has_attribute("data-single-file"));
    if single_file {
        return;
    }
    let navigator = window.navigator();
    // Absent outside secure contexts (http from a host other than localhost).
    if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        warn_offline_unavailable(
            &"service workers are not available here (not a secure context)".into(),
        );
        return;
    }
    let registration = navigator.service_worker().register(SERVICE_WORKER);
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(error) = wasm_bindgen_futures::JsFuture::from(registration).await {
            warn_offline_unavailable(&error);
        }
    });
}

fn warn_offline_unavailable(reason: &wasm_bindgen::JsValue) {
    web_sys::console::warn_2(
        &"logonscope: the service worker could not be registered, so the app will not load \
          offline:"
            .into(),
        reason,
    );
}
