//! Times and durations as the page writes them: UTC by default (the analyst's convention), or
//! shifted into the browser's zone when the analyst asks for it.

use logonscope_core::time::{TICKS_PER_SECOND, Timestamp};
use serde::{Deserialize, Serialize};

/// The zone the page shows times in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Zone {
    #[default]
    Utc,
    /// The browser's zone. The offset differs across daylight-saving changes, so the page
    /// asks the browser for each time ([`format_time_at_offset`]).
    Local,
}

/// `2024-05-01 12:34:56Z` (UTC, to the second, as Event Viewer and Timeline Explorer show it).
pub fn format_utc(time: Timestamp) -> String {
    format_time_at_offset(time, 0)
}

/// The time shifted by `offset_minutes` east of UTC, with the offset written after it:
/// `2024-05-01 14:34:56+02:00`. An offset of 0 writes `Z`.
pub fn format_time_at_offset(time: Timestamp, offset_minutes: i32) -> String {
    let shift = i128::from(offset_minutes) * 60 * i128::from(TICKS_PER_SECOND);
    let shifted = u64::try_from(i128::from(time.0) + shift).unwrap_or(time.0);
    let iso = Timestamp(shifted).to_string();
    // `YYYY-MM-DDTHH:MM:SS.fffffffZ`: keep the date and the whole seconds.
    let base = iso.get(..19).unwrap_or(&iso).replacen('T', " ", 1);
    if offset_minutes == 0 {
        format!("{base}Z")
    } else {
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let minutes = offset_minutes.unsigned_abs();
        format!("{base}{sign}{:02}:{:02}", minutes / 60, minutes % 60)
    }
}

/// A duration as people read it: `45s`, `12m 05s`, `3h 02m`, `2d 04h`; `<1s` below a second.
pub fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return String::new();
    }
    if seconds < 1.0 {
        return "<1s".to_string();
    }
    let whole = seconds as u64;
    let (days, hours, minutes, secs) = (
        whole / 86_400,
        whole / 3_600 % 24,
        whole / 60 % 60,
        whole % 60,
    );
    if days > 0 {
        format!("{days}d {hours:02}h")
    } else if hours > 0 {
        format!("{hours}h {minutes:02}m")
    } else if minutes > 0 {
        format!("{minutes}m {secs:02}s")
    } else {
        format!("{secs}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(iso: &str) -> Timestamp {
        Timestamp::parse_iso(iso).unwrap()
    }

    #[test]
    fn utc_is_written_to_the_second_with_z() {
        assert_eq!(
            format_utc(at("2024-05-01T12:34:56.9999999Z")),
            "2024-05-01 12:34:56Z"
        );
    }

    #[test]
    fn offsets_shift_the_clock_and_are_written() {
        let time = at("2024-05-01T23:30:00Z");
        assert_eq!(
            format_time_at_offset(time, 120),
            "2024-05-02 01:30:00+02:00"
        );
        assert_eq!(
            format_time_at_offset(time, -330),
            "2024-05-01 18:00:00-05:30"
        );
        assert_eq!(format_time_at_offset(time, 0), "2024-05-01 23:30:00Z");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_duration(0.2), "<1s");
        assert_eq!(format_duration(45.0), "45s");
        assert_eq!(format_duration(725.0), "12m 05s");
        assert_eq!(format_duration(3.0 * 3600.0 + 125.0), "3h 02m");
        assert_eq!(
            format_duration(2.0 * 86_400.0 + 4.0 * 3600.0 + 9.0),
            "2d 04h"
        );
        assert_eq!(format_duration(-1.0), "");
        assert_eq!(format_duration(f64::NAN), "");
    }
}
