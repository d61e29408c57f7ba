//! Failed logons (4625) as the "Failed logons" view shows them: grouped by where they came
//! from or by the account they tried, with bursts (many failures in a few minutes) found and
//! classified as password guessing or password spraying, and a histogram over time.
//!
//! Everything here is plain data over [`Report::failures`]; the Leptos view only draws it.

use std::collections::{BTreeMap, BTreeSet};

use logonscope_core::Report;
use logonscope_core::report::Failure;
use logonscope_core::text::Text;
use logonscope_core::time::{TICKS_PER_SECOND, Timestamp};

use crate::accounts::account_name;

/// Failures within [`BURST_WINDOW_SECONDS`] that make a burst. Ten is well above what a person
/// who mistypes a password produces (two or three tries, then a lockout at five to ten by the
/// usual policies), yet low enough to catch a slow tool.
pub const BURST_MIN_FAILURES: usize = 10;

/// The sliding window of a burst. Five minutes is short enough that ten failures in it are not
/// spread over a working day, and long enough to catch tools that pause between tries to dodge
/// lockout counters (which commonly reset after a few minutes).
pub const BURST_WINDOW_SECONDS: u64 = 5 * 60;

/// Distinct accounts tried in one burst from one source that make it password spraying
/// (one or a few passwords tried across many accounts) rather than guessing (many passwords
/// tried at one or two accounts). A person who mixes up their own user name accounts for two
/// or three; five needs a list of names.
pub const SPRAY_MIN_ACCOUNTS: usize = 5;

/// Rows of a group's failures the view lists at most when it is expanded: a burst can hold
/// tens of thousands, which no one reads row by row and which would stall the page.
pub const EXPANDED_ROWS_CAP: usize = 500;

/// The key for failures without a source address or workstation: logons typed at the console
/// or made by a local process.
pub const LOCAL_SOURCE: &str = "(local / unknown)";

/// The key for failures that name no account at all.
pub const UNKNOWN_ACCOUNT: &str = "(unknown)";

/// The reason shown for failures that carry neither a status nor a failure reason.
pub const NO_REASON: &str = "(no reason given)";

/// What failures are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupBy {
    /// Where they came from: source address, else workstation name.
    #[default]
    Source,
    /// Which account they tried.
    Account,
}

/// What a burst looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BurstKind {
    /// Many tries at few accounts.
    Guessing,
    /// Tries at many accounts from one source.
    Spraying,
}

impl BurstKind {
    /// The words the view writes on the badge.
    pub fn label(self) -> &'static str {
        match self {
            BurstKind::Guessing => "password guessing",
            BurstKind::Spraying => "password spraying",
        }
    }
}

/// At least [`BURST_MIN_FAILURES`] failures of one group within [`BURST_WINDOW_SECONDS`];
/// overlapping windows are merged into one burst.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Burst {
    /// The first failure of the burst.
    pub start: Timestamp,
    /// The last failure of the burst.
    pub end: Timestamp,
    pub count: u32,
    /// The distinct accounts tried in the burst ([`account_key`]), sorted.
    pub accounts: Vec<String>,
    pub kind: BurstKind,
}

/// The failures of one source or one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureGroup {
    /// [`source_key`] or [`account_key`] of its failures.
    pub key: String,
    pub count: u32,
    pub first: Timestamp,
    pub last: Timestamp,
    /// The distinct accounts tried ([`account_key`]), sorted.
    pub accounts: Vec<String>,
    /// The distinct sources ([`source_key`]), sorted.
    pub sources: Vec<String>,
    /// Reasons and how often each was given, most frequent first.
    pub reasons: Vec<(String, u32)>,
    /// Logon types (`None`: not logged) and how often each was tried, most frequent first.
    pub logon_types: Vec<(Option<u32>, u32)>,
    /// Its bursts, in time order.
    pub bursts: Vec<Burst>,
    /// Its failures (indices into `report.failures`), in time order.
    pub indices: Vec<u32>,
}

impl FailureGroup {
    /// The most alarming kind among the group's bursts (spraying over guessing), if any.
    pub fn burst_kind(&self) -> Option<BurstKind> {
        self.bursts.iter().map(|b| b.kind).max()
    }
}

/// A text field that holds something: the report writes `-` and empty values as `null`, but a
/// hand-made report might not.
fn present(value: &Option<Text>) -> Option<&str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

/// Where a failure came from: its source address, else its workstation, else
/// [`LOCAL_SOURCE`].
pub fn source_key(failure: &Failure) -> String {
    present(&failure.source_ip)
        .or_else(|| present(&failure.workstation))
        .unwrap_or(LOCAL_SOURCE)
        .to_string()
}

/// The account a failure tried: `DOMAIN\user`, else the user, else the SID, else
/// [`UNKNOWN_ACCOUNT`]. Kept as logged (not case-folded) so the analyst sees exactly what
/// was typed.
pub fn account_key(failure: &Failure) -> String {
    account_name(present(&failure.domain), present(&failure.user))
        .or_else(|| present(&failure.user_sid).map(str::to_string))
        .unwrap_or_else(|| UNKNOWN_ACCOUNT.to_string())
}

/// Why a failure failed, as the group lists it: the decoded status (which is specific: "bad
/// password", "account locked out"), else the FailureReason text, else [`NO_REASON`].
pub fn reason_key(failure: &Failure) -> String {
    present(&failure.reason)
        .or_else(|| present(&failure.failure_reason))
        .unwrap_or(NO_REASON)
        .to_string()
}

/// Where a failure came from, as a table cell: `ip:port` (`[ip]:port` for IPv6), the address
/// alone when the port is absent or 0, empty when there is no address.
pub fn source_address(failure: &Failure) -> String {
    match (present(&failure.source_ip), failure.source_port) {
        (Some(ip), Some(port)) if port != 0 && ip.contains(':') => format!("[{ip}]:{port}"),
        (Some(ip), Some(port)) if port != 0 => format!("{ip}:{port}"),
        (Some(ip), _) => ip.to_string(),
        (None, _) => String::new(),
    }
}

/// Counts of `items`, most frequent first, ties in the items' order.
fn ranked<T: Ord>(items: impl Iterator<Item = T>) -> Vec<(T, u32)> {
    let mut counts: BTreeMap<T, u32> = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    let mut ranked: Vec<(T, u32)> = counts.into_iter().collect();
    // Stable: equal counts keep the BTreeMap's (sorted) order.
    ranked.sort_by_key(|item| std::cmp::Reverse(item.1));
    ranked
}

/// The failures of `report` grouped `by` source or account, the largest group first (ties by
/// key), each with its bursts.
pub fn group_failures(report: &Report, by: GroupBy) -> Vec<FailureGroup> {
    let mut members: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (index, failure) in report.failures.iter().enumerate() {
        let key = match by {
            GroupBy::Source => source_key(failure),
            GroupBy::Account => account_key(failure),
        };
        members.entry(key).or_default().push(index as u32);
    }
    let mut groups: Vec<FailureGroup> = members
        .into_iter()
        .filter_map(|(key, mut indices)| {
            let failure = |i: &u32| report.failures.get(*i as usize);
            // The report orders failures by computer first; a group spanning computers is
            // read in time order.
            indices.sort_by_key(|i| failure(i).map(|f| (f.time, f.record_id)));
            let failures: Vec<&Failure> = indices.iter().filter_map(failure).collect();
            let first = failures.first()?.time;
            let last = failures.last()?.time;
            let accounts: BTreeSet<String> = failures.iter().map(|f| account_key(f)).collect();
            let sources: BTreeSet<String> = failures.iter().map(|f| source_key(f)).collect();
            Some(FailureGroup {
                count: failures.len() as u32,
                first,
                last,
                accounts: accounts.into_iter().collect(),
                sources: sources.into_iter().collect(),
                reasons: ranked(failures.iter().map(|f| reason_key(f))),
                logon_types: ranked(failures.iter().map(|f| f.logon_type)),
                // Spraying is one source trying many accounts; in an account group many
                // accounts cannot occur, so its bursts are guessing.
                bursts: find_bursts(&failures, by == GroupBy::Source),
                indices,
                key,
            })
        })
        .collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    groups
}

/// Moves the groups with bursts to the top, spraying before guessing, keeping the order of
/// [`group_failures`] otherwise: an attack matters more than a larger pile of old typos.
pub fn bursts_first(groups: &mut [FailureGroup]) {
    groups.sort_by_key(|g| std::cmp::Reverse(g.burst_kind()));
}

/// The bursts among `failures` (in time order): every window of [`BURST_WINDOW_SECONDS`] that
/// holds at least [`BURST_MIN_FAILURES`], windows sharing a failure merged into one.
fn find_bursts(failures: &[&Failure], may_spray: bool) -> Vec<Burst> {
    let window = BURST_WINDOW_SECONDS * TICKS_PER_SECOND;
    // Inclusive index ranges of the merged bursts.
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut end = 0;
    for start in 0..failures.len() {
        end = end.max(start);
        // The window opened by `start` reaches as far as 5 minutes after it. `end` only
        // grows with `start`, so the scan is linear.
        while failures
            .get(end + 1)
            .is_some_and(|next| next.time.0.saturating_sub(failures[start].time.0) <= window)
        {
            end += 1;
        }
        if end + 1 - start >= BURST_MIN_FAILURES {
            match ranges.last_mut() {
                Some((_, last_end)) if start <= *last_end => *last_end = end,
                _ => ranges.push((start, end)),
            }
        }
    }
    ranges
        .into_iter()
        .filter_map(|(start, end)| {
            let run = failures.get(start..=end)?;
            let accounts: BTreeSet<String> = run.iter().map(|f| account_key(f)).collect();
            let kind = if may_spray && accounts.len() >= SPRAY_MIN_ACCOUNTS {
                BurstKind::Spraying
            } else {
                BurstKind::Guessing
            };
            Some(Burst {
                start: run.first()?.time,
                end: run.last()?.time,
                count: run.len() as u32,
                accounts: accounts.into_iter().collect(),
                kind,
            })
        })
        .collect()
}

/// Failures per time bucket: `buckets` equal slices of the span from the first failure to
/// the last (both included). Returns (first, last, counts); with no failures, both times are
/// 0 and every count is 0.
pub fn histogram(report: &Report, buckets: usize) -> (Timestamp, Timestamp, Vec<u32>) {
    let mut counts = vec![0u32; buckets];
    let times = report.failures.iter().map(|f| f.time);
    let (Some(start), Some(end)) = (times.clone().min(), times.max()) else {
        return (Timestamp(0), Timestamp(0), counts);
    };
    if buckets == 0 {
        return (start, end, counts);
    }
    for failure in &report.failures {
        if let Some(count) = counts.get_mut(bucket_of(start, end, buckets, failure.time)) {
            *count += 1;
        }
    }
    (start, end, counts)
}

/// The bucket of [`histogram`] that `time` falls in (clamped to the span).
pub fn bucket_of(start: Timestamp, end: Timestamp, buckets: usize, time: Timestamp) -> usize {
    if buckets == 0 {
        return 0;
    }
    // One tick more than end - start, so that the last failure falls in the last bucket and
    // not one past it.
    let span = u128::from(end.0.saturating_sub(start.0)) + 1;
    let offset = u128::from(time.0.clamp(start.0, end.0.max(start.0)) - start.0);
    let bucket = offset * buckets as u128 / span;
    (bucket as usize).min(buckets - 1)
}

/// The times a bucket of [`histogram`] covers: (from, to), `to` excluded except in the last
/// bucket.
pub fn bucket_bounds(
    start: Timestamp,
    end: Timestamp,
    buckets: usize,
    bucket: usize,
) -> (Timestamp, Timestamp) {
    let span = u128::from(end.0.saturating_sub(start.0)) + 1;
    let buckets = buckets.max(1) as u128;
    let at = |i: u128| {
        let ticks = u128::from(start.0) + span * i.min(buckets) / buckets;
        Timestamp(u64::try_from(ticks).unwrap_or(u64::MAX))
    };
    (at(bucket as u128), at(bucket as u128 + 1))
}

/// Which buckets of [`histogram`] (same `start`, `end`, `buckets`) overlap a burst of any of
/// `groups`, for the view to highlight.
pub fn burst_buckets(
    start: Timestamp,
    end: Timestamp,
    buckets: usize,
    groups: &[FailureGroup],
) -> Vec<bool> {
    let mut inside = vec![false; buckets];
    for burst in groups.iter().flat_map(|g| &g.bursts) {
        let from = bucket_of(start, end, buckets, burst.start);
        let to = bucket_of(start, end, buckets, burst.end);
        for flag in inside.iter_mut().take(to + 1).skip(from) {
            *flag = true;
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 133_000_000_000_000_000;

    fn at_seconds(seconds: u64) -> Timestamp {
        Timestamp(T0 + seconds * TICKS_PER_SECOND)
    }

    fn failure(seconds: u64, user: &str, ip: Option<&str>) -> Failure {
        Failure {
            computer: "pc1".into(),
            time: at_seconds(seconds),
            user: Some(user.into()),
            domain: Some("CORP".into()),
            user_sid: Some("S-1-0-0".into()),
            logon_type: Some(3),
            logon_type_name: Some("Network".into()),
            status: Some("0xc000006d".into()),
            sub_status: Some("0xc000006a".into()),
            reason: Some("User logon with misspelled or bad password".into()),
            failure_reason: Some("Unknown user name or bad password.".into()),
            source_ip: ip.map(Into::into),
            source_port: Some(50_000),
            workstation: None,
            process_name: None,
            logon_process: Some("NtLmSsp ".into()),
            auth_package: Some("NTLM".into()),
            record_id: seconds,
        }
    }

    fn report(failures: Vec<Failure>) -> Report {
        Report {
            failures,
            ..Report::default()
        }
    }

    /// `count` failures at `user` from `ip`, `step` seconds apart from `from`.
    fn run(from: u64, step: u64, count: u64, user: &str, ip: &str) -> Vec<Failure> {
        (0..count)
            .map(|i| failure(from + i * step, user, Some(ip)))
            .collect()
    }

    #[test]
    fn groups_by_source_and_by_account_largest_first() {
        let mut failures = run(0, 60, 3, "alice", "10.0.0.9");
        failures.extend(run(1000, 60, 2, "bob", "10.0.0.9"));
        failures.extend(run(5000, 60, 4, "bob", "10.0.0.7"));
        let mut other = failure(9000, "zed", Some("10.0.0.1"));
        other.reason = Some("Account locked out".into());
        failures.push(other);
        let report = report(failures);

        let by_source = group_failures(&report, GroupBy::Source);
        let keys: Vec<(&str, u32)> = by_source
            .iter()
            .map(|g| (g.key.as_str(), g.count))
            .collect();
        assert_eq!(
            keys,
            [("10.0.0.9", 5), ("10.0.0.7", 4), ("10.0.0.1", 1)],
            "count desc"
        );
        let nine = &by_source[0];
        assert_eq!(nine.accounts, ["CORP\\alice", "CORP\\bob"]);
        assert_eq!(nine.sources, ["10.0.0.9"]);
        assert_eq!(nine.first, at_seconds(0));
        assert_eq!(nine.last, at_seconds(1060));
        assert_eq!(nine.indices, [0, 1, 2, 3, 4]);
        assert_eq!(nine.logon_types, [(Some(3), 5)]);
        assert!(nine.bursts.is_empty());
        assert_eq!(
            by_source[2].reasons,
            [("Account locked out".to_string(), 1)]
        );

        let by_account = group_failures(&report, GroupBy::Account);
        let keys: Vec<(&str, u32)> = by_account
            .iter()
            .map(|g| (g.key.as_str(), g.count))
            .collect();
        assert_eq!(
            keys,
            [("CORP\\bob", 6), ("CORP\\alice", 3), ("CORP\\zed", 1)]
        );
        assert_eq!(by_account[0].sources, ["10.0.0.7", "10.0.0.9"]);
    }

    #[test]
    fn ties_sort_by_key_and_reasons_by_frequency() {
        let mut failures = vec![
            failure(0, "b", Some("10.0.0.2")),
            failure(1, "a", Some("10.0.0.1")),
        ];
        for (i, reason) in ["x", "y", "y"].into_iter().enumerate() {
            let mut f = failure(10 + i as u64, "c", Some("10.0.0.3"));
            f.reason = Some(reason.into());
            failures.push(f);
        }
        let groups = group_failures(&report(failures), GroupBy::Source);
        let keys: Vec<&str> = groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["10.0.0.3", "10.0.0.1", "10.0.0.2"]);
        assert_eq!(
            groups[0].reasons,
            [("y".to_string(), 2), ("x".to_string(), 1)]
        );
    }

    #[test]
    fn keys_fall_back_when_fields_are_missing() {
        let mut f = failure(0, "alice", None);
        assert_eq!(source_key(&f), LOCAL_SOURCE);
        f.workstation = Some("KALI".into());
        assert_eq!(source_key(&f), "KALI");
        f.source_ip = Some("192.0.2.4".into());
        assert_eq!(source_key(&f), "192.0.2.4", "the address wins");
        f.source_ip = Some("".into());
        assert_eq!(source_key(&f), "KALI", "an empty address is no address");

        assert_eq!(account_key(&f), "CORP\\alice");
        f.domain = None;
        assert_eq!(account_key(&f), "alice");
        f.user = None;
        assert_eq!(account_key(&f), "S-1-0-0");
        f.user_sid = None;
        assert_eq!(account_key(&f), UNKNOWN_ACCOUNT);
        f.domain = Some("CORP".into());
        assert_eq!(
            account_key(&f),
            UNKNOWN_ACCOUNT,
            "a domain alone names no one"
        );

        f.reason = None;
        assert_eq!(reason_key(&f), "Unknown user name or bad password.");
        f.failure_reason = None;
        assert_eq!(reason_key(&f), NO_REASON);
    }

    #[test]
    fn source_addresses_are_written_with_their_port() {
        let mut f = failure(0, "a", Some("10.1.2.3"));
        assert_eq!(source_address(&f), "10.1.2.3:50000");
        f.source_ip = Some("fe80::1".into());
        assert_eq!(source_address(&f), "[fe80::1]:50000");
        f.source_port = Some(0);
        assert_eq!(source_address(&f), "fe80::1");
        f.source_ip = None;
        assert_eq!(source_address(&f), "");
    }

    #[test]
    fn twelve_failures_in_two_minutes_are_one_burst() {
        // 12 failures 10 s apart: 110 s in all.
        let report = report(run(0, 10, 12, "alice", "10.0.0.9"));
        let groups = group_failures(&report, GroupBy::Source);
        assert_eq!(groups.len(), 1);
        let bursts = &groups[0].bursts;
        assert_eq!(bursts.len(), 1, "{bursts:?}");
        assert_eq!(bursts[0].count, 12);
        assert_eq!(bursts[0].start, at_seconds(0));
        assert_eq!(bursts[0].end, at_seconds(110));
        assert_eq!(bursts[0].accounts, ["CORP\\alice"]);
        assert_eq!(bursts[0].kind, BurstKind::Guessing);
        assert_eq!(groups[0].burst_kind(), Some(BurstKind::Guessing));
    }

    #[test]
    fn nine_failures_are_no_burst() {
        let report = report(run(0, 1, 9, "alice", "10.0.0.9"));
        let groups = group_failures(&report, GroupBy::Source);
        assert!(groups[0].bursts.is_empty());
        assert_eq!(groups[0].burst_kind(), None);
    }

    #[test]
    fn ten_failures_spread_over_more_than_five_minutes_are_no_burst() {
        // 10 failures 34 s apart: 306 s from first to last.
        let spread = report(run(0, 34, 10, "alice", "10.0.0.9"));
        assert!(
            group_failures(&spread, GroupBy::Source)[0]
                .bursts
                .is_empty()
        );
        // 10 failures 33 s apart: 297 s, inside the window.
        let tight = report(run(0, 33, 10, "alice", "10.0.0.9"));
        assert_eq!(group_failures(&tight, GroupBy::Source)[0].bursts.len(), 1);
    }

    #[test]
    fn two_runs_an_hour_apart_are_two_bursts() {
        let mut failures = run(0, 5, 12, "alice", "10.0.0.9");
        failures.extend(run(3600, 5, 15, "alice", "10.0.0.9"));
        let groups = group_failures(&report(failures), GroupBy::Source);
        let bursts = &groups[0].bursts;
        assert_eq!(bursts.len(), 2, "{bursts:?}");
        assert_eq!((bursts[0].count, bursts[1].count), (12, 15));
        assert_eq!(bursts[1].start, at_seconds(3600));
    }

    #[test]
    fn a_long_steady_run_merges_into_one_burst() {
        // One failure every 20 s for an hour: every 5-minute window holds 16, and they all
        // overlap.
        let report = report(run(0, 20, 180, "alice", "10.0.0.9"));
        let bursts = &group_failures(&report, GroupBy::Source)[0].bursts;
        assert_eq!(bursts.len(), 1);
        assert_eq!(bursts[0].count, 180);
        assert_eq!(bursts[0].end, at_seconds(179 * 20));
    }

    #[test]
    fn many_accounts_from_one_source_is_spraying() {
        let users = ["ann", "ben", "cal", "dan", "eve", "fay"];
        let spray: Vec<Failure> = (0..12)
            .map(|i| failure(i * 5, users[i as usize % 6], Some("10.0.0.66")))
            .collect();
        let mut failures = spray;
        // Guessing at two accounts from elsewhere.
        for i in 0..12 {
            let user = if i % 2 == 0 { "root" } else { "admin" };
            failures.push(failure(10_000 + i * 5, user, Some("10.0.0.77")));
        }
        let report = report(failures);
        let groups = group_failures(&report, GroupBy::Source);
        let kind_of = |key: &str| {
            groups
                .iter()
                .find(|g| g.key == key)
                .and_then(FailureGroup::burst_kind)
        };
        assert_eq!(kind_of("10.0.0.66"), Some(BurstKind::Spraying));
        assert_eq!(kind_of("10.0.0.77"), Some(BurstKind::Guessing));
        let spray = groups.iter().find(|g| g.key == "10.0.0.66");
        assert_eq!(spray.map(|g| g.bursts[0].accounts.len()), Some(6));

        // By account, no group holds 10 failures in 5 minutes (2 each): no bursts at all.
        let by_account = group_failures(&report, GroupBy::Account);
        assert!(by_account.iter().all(|g| g.bursts.is_empty()));
        assert_eq!(BurstKind::Spraying.label(), "password spraying");
        assert_eq!(BurstKind::Guessing.label(), "password guessing");
    }

    #[test]
    fn four_accounts_are_still_guessing() {
        let users = ["ann", "ben", "cal", "dan"];
        let failures: Vec<Failure> = (0..12)
            .map(|i| failure(i * 5, users[i as usize % 4], Some("10.0.0.66")))
            .collect();
        let groups = group_failures(&report(failures), GroupBy::Source);
        assert_eq!(groups[0].burst_kind(), Some(BurstKind::Guessing));
    }

    #[test]
    fn groups_with_bursts_float_to_the_top() {
        let mut failures = run(0, 3600, 30, "slow", "10.0.0.1"); // large, no burst
        failures.extend(run(0, 5, 12, "root", "10.0.0.2")); // guessing
        let users = ["a", "b", "c", "d", "e"];
        failures
            .extend((0..10).map(|i| failure(50_000 + i, users[i as usize % 5], Some("10.0.0.3"))));
        let mut groups = group_failures(&report(failures), GroupBy::Source);
        assert_eq!(groups[0].key, "10.0.0.1");
        bursts_first(&mut groups);
        let keys: Vec<&str> = groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["10.0.0.3", "10.0.0.2", "10.0.0.1"]);
    }

    #[test]
    fn histogram_counts_every_failure_once() {
        let mut failures = run(0, 7, 50, "a", "10.0.0.1");
        failures.extend(run(10_000, 1, 13, "b", "10.0.0.2"));
        let report = report(failures);
        let (start, end, counts) = histogram(&report, 40);
        assert_eq!(counts.len(), 40);
        assert_eq!(counts.iter().sum::<u32>(), 63);
        assert_eq!((start, end), (at_seconds(0), at_seconds(10_012)));
        assert_eq!(counts[39], 13, "the last failure lands in the last bucket");
        // Buckets are 10,013 s / 40 = 250.3 s wide: the first run (0..=343 s, every 7 s)
        // fills bucket 0 up to 245 s and bucket 1 from 252 s.
        assert_eq!((counts[0], counts[1], counts[2]), (36, 14, 0));
    }

    #[test]
    fn histogram_of_nothing_and_of_one_instant() {
        let (start, end, counts) = histogram(&Report::default(), 5);
        assert_eq!((start, end), (Timestamp(0), Timestamp(0)));
        assert_eq!(counts, [0; 5]);
        let one = report(run(100, 0, 3, "a", "10.0.0.1"));
        let (start, end, counts) = histogram(&one, 4);
        assert_eq!(start, end);
        assert_eq!(counts, [3, 0, 0, 0]);
        assert!(histogram(&one, 0).2.is_empty());
    }

    #[test]
    fn buckets_cover_the_span_and_bursts_mark_theirs() {
        // A span of exactly 100 s: ten buckets of 10 s.
        let (start, end) = (at_seconds(0), Timestamp(at_seconds(100).0 - 1));
        assert_eq!(bucket_of(start, end, 10, at_seconds(0)), 0);
        assert_eq!(bucket_of(start, end, 10, at_seconds(9)), 0);
        assert_eq!(bucket_of(start, end, 10, at_seconds(10)), 1);
        assert_eq!(bucket_of(start, end, 10, at_seconds(99)), 9);
        assert_eq!(bucket_of(start, end, 10, at_seconds(500)), 9, "clamped");
        let (from, to) = bucket_bounds(start, end, 10, 1);
        assert_eq!((from, to), (at_seconds(10), at_seconds(20)));
        assert_eq!(bucket_bounds(start, end, 10, 9).1, at_seconds(100));

        let mut failures = run(0, 1, 12, "a", "10.0.0.1"); // burst at 0..11 s
        failures.push(failure(99, "b", Some("10.0.0.2")));
        let report = report(failures);
        let (start, end, counts) = histogram(&report, 10);
        let groups = group_failures(&report, GroupBy::Source);
        let marked = burst_buckets(start, end, 10, &groups);
        assert_eq!(
            marked,
            [
                true, true, false, false, false, false, false, false, false, false
            ]
        );
        assert_eq!(counts[9], 1);
    }
}
