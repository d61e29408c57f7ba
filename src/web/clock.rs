//! Times on the page, in UTC or in the browser's own zone. The browser knows the zone's rules
//! (daylight saving included), so the offset is asked of it for each time. Also the page's
//! clock for how long things take ([`now_ms`]).

use logonscope_core::time::Timestamp;
use logonscope_view::zone::{Zone, format_time_at_offset};

/// A time as the page shows it in `zone`.
pub fn show_time(time: Timestamp, zone: Zone) -> String {
    format_time_at_offset(time, offset_minutes(time, zone))
}

/// Milliseconds since the page started (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Minutes east of UTC of `zone` at `time`.
pub fn offset_minutes(time: Timestamp, zone: Zone) -> i32 {
    match zone {
        Zone::Utc => 0,
        Zone::Local => {
            let (seconds, _) = time.to_unix();
            let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0));
            // getTimezoneOffset is minutes *west* of UTC.
            -(date.get_timezone_offset() as i32)
        }
    }
}
