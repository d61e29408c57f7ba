//! Handing the page's thread back: [`next_task`] waits for a task of its own, and
//! [`after_next_frame`] runs work once the next frame has been drawn.
//!
//! The page must never hold its thread for long (a task over 50 ms is a hitch the analyst
//! feels), so long work is cut into tasks, and work that reads the layout waits until a frame
//! has laid it out rather than forcing the layout itself.

use leptos::prelude::request_animation_frame;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::MessageChannel;

/// Resolves in a task of its own, right after the tasks already queued (a posted message,
/// which unlike a zero timeout is not held back when such waits follow one another).
pub async fn next_task() {
    let Ok(channel) = MessageChannel::new() else {
        return;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        channel.port1().set_onmessage(Some(&resolve));
        let _ = channel.port2().post_message(&JsValue::UNDEFINED);
    });
    // (`channel` is held until the message has come.)
    let _ = JsFuture::from(promise).await;
}

/// Runs `work` in a task of its own after the next frame: its style and layout are done by
/// then, so reading sizes costs nothing, and what `work` changes is drawn by the frame after.
///
/// Measuring in the frame's own callback instead forces the frame's layout early, and then
/// the layout, the painting that follows from the sizes and the frame's drawing all land in
/// one task: on the first report shown, with its first use of each font, that task took
/// 80 ms.
pub fn after_next_frame(work: impl FnOnce() + 'static) {
    request_animation_frame(move || {
        wasm_bindgen_futures::spawn_local(async move {
            next_task().await;
            work();
        });
    });
}
