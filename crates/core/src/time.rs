//! Event times: Windows FILETIME ticks (100 ns since 1601-01-01 UTC), written as ISO-8601
//! with seven fractional digits and `Z`, as `SESSIONS.md` requires.
//!
//! The conversion is done here by hand (days-from-civil arithmetic) so that the core needs no
//! calendar crate and behaves the same natively and in wasm.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Ticks per second.
pub const TICKS_PER_SECOND: u64 = 10_000_000;
/// Seconds from 1601-01-01 to 1970-01-01.
const UNIX_EPOCH_SECONDS: i64 = 11_644_473_600;

/// A point in time, in FILETIME ticks (100 ns steps since 1601-01-01 UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// The time `seconds` after 1970-01-01 UTC plus `ticks` (0 to 9,999,999).
    pub fn from_unix(seconds: i64, ticks: u32) -> Option<Timestamp> {
        let since_1601 = seconds.checked_add(UNIX_EPOCH_SECONDS)?;
        let seconds = u64::try_from(since_1601).ok()?;
        seconds
            .checked_mul(TICKS_PER_SECOND)?
            .checked_add(u64::from(ticks))
            .map(Timestamp)
    }

    /// The time `seconds` and `nanoseconds` (of the same sign, as `jiff` gives them) after
    /// 1970-01-01 UTC, cut to 100 ns.
    pub fn from_unix_nanos(seconds: i64, nanoseconds: i32) -> Option<Timestamp> {
        let ticks = (i128::from(seconds) + i128::from(UNIX_EPOCH_SECONDS))
            * i128::from(TICKS_PER_SECOND)
            + i128::from(nanoseconds) / 100;
        u64::try_from(ticks).ok().map(Timestamp)
    }

    /// Seconds since 1970-01-01 UTC (rounded down) and the ticks beyond them.
    pub fn to_unix(self) -> (i64, u32) {
        let seconds = (self.0 / TICKS_PER_SECOND) as i64 - UNIX_EPOCH_SECONDS;
        (seconds, (self.0 % TICKS_PER_SECOND) as u32)
    }

    /// Seconds from `self` to `later`, negative when `later` is earlier.
    pub fn seconds_until(self, later: Timestamp) -> f64 {
        seconds_of_ticks(later.0 as i128 - self.0 as i128)
    }

    /// Parses ISO-8601 UTC as renderers write it: `2016-07-08T18:12:51.6816408Z`, with any
    /// number of fractional digits (beyond seven are cut), a space instead of `T`, and `Z` or
    /// `+00:00` (or nothing) at the end.
    pub fn parse_iso(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        let text = text
            .strip_suffix('Z')
            .or_else(|| text.strip_suffix("+00:00"))
            .unwrap_or(text);
        let (date, time) = text.split_once(['T', ' '])?;
        let mut date_parts = date.splitn(3, '-');
        let year: i64 = parse_digits(date_parts.next()?)?;
        let month: u32 = parse_digits(date_parts.next()?)?;
        let day: u32 = parse_digits(date_parts.next()?)?;
        let (clock, fraction) = match time.split_once('.') {
            Some((clock, fraction)) => (clock, fraction),
            None => (time, ""),
        };
        let mut clock_parts = clock.splitn(3, ':');
        let hour: i64 = parse_digits(clock_parts.next()?)?;
        let minute: i64 = parse_digits(clock_parts.next()?)?;
        let second: i64 = parse_digits(clock_parts.next()?)?;
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        if !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut ticks: u32 = 0;
        for position in 0..7 {
            let digit = fraction.as_bytes().get(position).map_or(0, |b| b - b'0');
            ticks = ticks * 10 + u32::from(digit);
        }
        let days = days_from_civil(year, month, day);
        Timestamp::from_unix(days * 86_400 + hour * 3_600 + minute * 60 + second, ticks)
    }
}

fn parse_digits<T: std::str::FromStr>(text: &str) -> Option<T> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day since 1970-01-01 (inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (seconds, ticks) = self.to_unix();
        let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
        let of_day = seconds.rem_euclid(86_400);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{ticks:07}Z",
            of_day / 3_600,
            of_day / 60 % 60,
            of_day % 60
        )
    }
}

/// ISO-8601 text in human-readable formats (the report JSON); the bare tick count in binary
/// ones (postcard, for worker results and report links), where text would be four times
/// bigger and slower.
impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_str(self)
        } else {
            serializer.serialize_u64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if !deserializer.is_human_readable() {
            return u64::deserialize(deserializer).map(Timestamp);
        }
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Timestamp::parse_iso(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not an ISO-8601 UTC time: {text:?}")))
    }
}

/// A duration as analysts read it in tables and printed reports: `2d 03:04:05`, `03:04:05`.
pub fn clock_duration(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    let (days, rest) = (total / 86_400, total % 86_400);
    let clock = format!("{:02}:{:02}:{:02}", rest / 3_600, rest / 60 % 60, rest % 60);
    if days > 0 {
        format!("{days}d {clock}")
    } else {
        clock
    }
}

/// The seconds of a span of `ticks` (100 ns), as session durations are given: whole seconds
/// and the fraction added, so that a span of whole seconds is exact.
pub fn seconds_of_ticks(ticks: i128) -> f64 {
    // Spans of real times fit 64 bits, whose division (unlike 128-bit division, a library
    // call in WebAssembly) is one instruction: the page computes a million sessions' durations.
    // The quotient and remainder are the same either way.
    if let Ok(ticks) = i64::try_from(ticks) {
        let per_second = TICKS_PER_SECOND as i64;
        let whole = (ticks / per_second) as f64;
        let fraction = (ticks % per_second) as f64 / TICKS_PER_SECOND as f64;
        return whole + fraction;
    }
    let whole = (ticks / TICKS_PER_SECOND as i128) as f64;
    let fraction = (ticks % TICKS_PER_SECOND as i128) as f64 / TICKS_PER_SECOND as f64;
    whole + fraction
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_of_ticks_agree_at_any_width() {
        let wide = |ticks: i128| {
            let whole = (ticks / TICKS_PER_SECOND as i128) as f64;
            let fraction = (ticks % TICKS_PER_SECOND as i128) as f64 / TICKS_PER_SECOND as f64;
            whole + fraction
        };
        let spans = [
            0,
            1,
            -1,
            9_999_999,
            10_000_000,
            -10_000_001,
            36_000_000_123,
            i128::from(i64::MAX),
            i128::from(i64::MIN),
            i128::from(i64::MAX) + 1,
            i128::from(u64::MAX),
            -i128::from(u64::MAX),
        ];
        for ticks in spans {
            assert_eq!(
                seconds_of_ticks(ticks).to_bits(),
                wide(ticks).to_bits(),
                "{ticks}"
            );
        }
        assert_eq!(seconds_of_ticks(15_000_000), 1.5);
    }

    #[test]
    fn clock_durations() {
        assert_eq!(clock_duration(3_725.4), "01:02:05");
        assert_eq!(clock_duration(2.0 * 86_400.0 + 1.0), "2d 00:00:01");
        assert_eq!(clock_duration(-5.0), "00:00:00");
    }

    #[test]
    fn serialises_as_text_in_json_and_as_ticks_in_postcard() {
        let t = Timestamp::parse_iso("2016-07-08T18:12:51.6816408Z").unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"2016-07-08T18:12:51.6816408Z\"");
        assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), t);
        let binary = postcard::to_allocvec(&t).unwrap();
        assert!(binary.len() <= 10, "a varint, not text: {binary:?}");
        assert_eq!(postcard::from_bytes::<Timestamp>(&binary).unwrap(), t);
    }

    #[test]
    fn formats_seven_fraction_digits() {
        let t = Timestamp::parse_iso("2016-07-08T18:12:51.6816408Z").unwrap();
        assert_eq!(t.to_string(), "2016-07-08T18:12:51.6816408Z");
        let whole = Timestamp::parse_iso("2016-07-08T18:12:51Z").unwrap();
        assert_eq!(whole.to_string(), "2016-07-08T18:12:51.0000000Z");
    }

    #[test]
    fn parses_renderer_variants() {
        let nine = Timestamp::parse_iso("2021-05-03T08:58:25.921033600Z").unwrap();
        assert_eq!(nine.to_string(), "2021-05-03T08:58:25.9210336Z");
        let spaced = Timestamp::parse_iso("2020-09-09 13:18:23.627951+00:00").unwrap();
        assert_eq!(spaced.to_string(), "2020-09-09T13:18:23.6279510Z");
        assert!(Timestamp::parse_iso("2020-02-30T00:00:00Z").is_none());
        assert!(Timestamp::parse_iso("yesterday").is_none());
        assert!(Timestamp::parse_iso("2020-01-01T00:00:00.12a4Z").is_none());
    }

    #[test]
    fn filetime_epoch_and_unix_epoch() {
        assert_eq!(Timestamp(0).to_string(), "1601-01-01T00:00:00.0000000Z");
        let unix = Timestamp::from_unix(0, 0).unwrap();
        assert_eq!(unix.0, 116_444_736_000_000_000);
        assert_eq!(unix.to_string(), "1970-01-01T00:00:00.0000000Z");
    }

    #[test]
    fn round_trips_every_day_across_leap_years() {
        let start = Timestamp::parse_iso("1999-12-25T00:00:00Z").unwrap();
        for day in 0..3_000u64 {
            let t = Timestamp(start.0 + day * 86_400 * TICKS_PER_SECOND + 1_234_567);
            assert_eq!(Timestamp::parse_iso(&t.to_string()), Some(t));
        }
    }

    #[test]
    fn from_unix_nanos_before_and_after_1970() {
        assert_eq!(
            Timestamp::from_unix_nanos(0, 250),
            Some(Timestamp(116_444_736_000_000_002))
        );
        let before = Timestamp::from_unix_nanos(-1, -500_000_000).unwrap();
        assert_eq!(before.to_string(), "1969-12-31T23:59:58.5000000Z");
        assert_eq!(
            Timestamp::from_unix_nanos(-11_644_473_600, 0),
            Some(Timestamp(0))
        );
        assert_eq!(Timestamp::from_unix_nanos(-11_644_473_601, 0), None);
    }

    #[test]
    fn seconds_between() {
        let a = Timestamp::parse_iso("2020-01-01T00:00:00Z").unwrap();
        let b = Timestamp::parse_iso("2020-01-01T01:00:00.5Z").unwrap();
        assert_eq!(a.seconds_until(b), 3600.5);
        assert_eq!(b.seconds_until(a), -3600.5);
    }
}
