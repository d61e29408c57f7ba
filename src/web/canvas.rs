//! What the views that paint on a canvas share: the 2D context, the canvas's size at the
//! screen's pixel ratio, the style sheet's colours, and the system's light or dark mode,
//! which those colours follow.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// The 2D context of `canvas`.
pub fn context_2d(
    canvas: &web_sys::HtmlCanvasElement,
) -> Option<web_sys::CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()??
        .dyn_into::<web_sys::CanvasRenderingContext2d>()
        .ok()
}

/// A canvas's size: CSS width, CSS height and the device pixel ratio it was made for.
#[derive(Clone, Copy, Default, PartialEq)]
pub struct CanvasSize {
    pub width: f64,
    pub height: f64,
    pub ratio: f64,
}

/// Gives `canvas` a picture of `width` by `height` CSS pixels at the screen's pixel ratio
/// (sharp on a high-density screen), unless `size` already says it has one; then the context
/// draws in CSS pixels. Resizing resets the context's state (font, fill, transform).
pub fn size_canvas(
    canvas: &web_sys::HtmlCanvasElement,
    context: &web_sys::CanvasRenderingContext2d,
    size: &mut CanvasSize,
    width: f64,
    height: f64,
) {
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    let wanted = CanvasSize {
        width,
        height,
        ratio,
    };
    if *size == wanted {
        return;
    }
    *size = wanted;
    canvas.set_width((width * ratio).round() as u32);
    canvas.set_height((height * ratio).round() as u32);
    let style = canvas.style();
    let _ = style.set_property("width", &format!("{width}px"));
    let _ = style.set_property("height", &format!("{height}px"));
    let _ = context.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
}

/// The computed style of `element` (the colours it inherits from the style sheet).
pub fn computed_style(element: &web_sys::Element) -> Option<web_sys::CssStyleDeclaration> {
    web_sys::window()?.get_computed_style(element).ok()?
}

/// The value of CSS property `name` (a custom property such as `--fg` included), trimmed.
pub fn css_property(style: &web_sys::CssStyleDeclaration, name: &str) -> String {
    style
        .get_property_value(name)
        .map(|value| value.trim().to_string())
        .unwrap_or_default()
}

/// The logon types' colours (`--lt-2`, ..., `--lt-other`), read as they are first asked for,
/// by the name `logon_type_colour` gives them.
pub struct LogonTypeColours {
    style: web_sys::CssStyleDeclaration,
    read: Vec<(&'static str, String)>,
}

impl LogonTypeColours {
    pub fn new(style: web_sys::CssStyleDeclaration) -> LogonTypeColours {
        LogonTypeColours {
            style,
            read: Vec::new(),
        }
    }

    /// The colour `--lt-<colour>`.
    pub fn get(&mut self, colour: &'static str) -> &str {
        let at = match self.read.iter().position(|(name, _)| *name == colour) {
            Some(at) => at,
            None => {
                let value = css_property(&self.style, &format!("--lt-{colour}"));
                self.read.push((colour, value));
                self.read.len() - 1
            }
        };
        &self.read[at].1
    }
}

/// Watches the system's light or dark mode, which canvas colours follow (elements follow it by
/// their style sheet alone), until dropped.
pub struct ColourSchemeWatch {
    query: web_sys::MediaQueryList,
    listener: Closure<dyn FnMut()>,
}

/// Calls `changed` whenever the system switches between light and dark mode.
pub fn watch_colour_scheme(changed: impl FnMut() + 'static) -> Option<ColourSchemeWatch> {
    let query = web_sys::window()?
        .match_media("(prefers-color-scheme: dark)")
        .ok()??;
    let listener = Closure::<dyn FnMut()>::new(changed);
    query
        .add_event_listener_with_callback("change", listener.as_ref().unchecked_ref())
        .ok()?;
    Some(ColourSchemeWatch { query, listener })
}

impl Drop for ColourSchemeWatch {
    fn drop(&mut self) {
        let _ = self
            .query
            .remove_event_listener_with_callback("change", self.listener.as_ref().unchecked_ref());
    }
}
