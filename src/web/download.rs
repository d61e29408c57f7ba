//! Saving a file from the page: a `Blob` behind a temporary object URL, clicked through an
//! anchor with `download`. The bytes never leave the browser.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// Offers `bytes` as a download named `name`.
pub fn save(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| "the download could not be prepared".to_string())?;
    let url = Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the download could not be prepared".to_string())?;
    let anchor = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<HtmlAnchorElement>().ok())
        .ok_or_else(|| "the download could not be prepared".to_string())?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // Revoked a little later: revoking at once can cancel the download that just started.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    }
    Ok(())
}
