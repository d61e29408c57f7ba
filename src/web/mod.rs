//! The browser app: Leptos components over the core, the view model and the scanning workers.
//! Built only for wasm32 (by Trunk); everything it decides is in `logonscope-view`.

mod app;
mod clock;
mod download;
mod loader;
mod state;
mod views;

/// Mounts the app on the page.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
