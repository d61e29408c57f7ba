//! The timeline, as plain data: one bar per visible session on a time axis, one lane per user
//! or per computer, the reboots of the machines as markers, and the viewport arithmetic (zoom,
//! pan, axis ticks, culling) that the Leptos component runs on every frame.
//!
//! [`layout`] is the expensive step (it groups and sorts every visible session) and runs only
//! when the visible sessions or the lane grouping change. Everything per frame ([`Viewport`],
//! [`ticks`], [`visible_bars`], [`drawn_bars`]) is arithmetic over the layout that allocates
//! only its result.
//!
//! Viewport times are **unix seconds as `f64`** (seconds since 1970-01-01 UTC, negative before):
//! an `f64` holds them to better than a microsecond for any date of a Windows log, which is far
//! finer than a pixel at the deepest zoom (one second across the plot).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;

use logonscope_core::Report;

use crate::accounts::account_name;
use logonscope_core::report::{EndReason, Session};
use logonscope_core::time::{TICKS_PER_SECOND, Timestamp, civil_from_days, days_from_civil};
use serde::{Deserialize, Serialize};

/// How the timeline groups sessions into lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LaneBy {
    #[default]
    User,
    Computer,
}

impl LaneBy {
    /// Both groupings, in the order the switch offers them.
    pub const ALL: [LaneBy; 2] = [LaneBy::User, LaneBy::Computer];

    /// A stable name for the page (`value` of the switch).
    pub fn key(self) -> &'static str {
        match self {
            LaneBy::User => "user",
            LaneBy::Computer => "computer",
        }
    }

    /// What the switch says.
    pub fn title(self) -> &'static str {
        match self {
            LaneBy::User => "by user",
            LaneBy::Computer => "by computer",
        }
    }

    /// The grouping of a [`LaneBy::key`], if it is one.
    pub fn from_key(key: &str) -> Option<LaneBy> {
        LaneBy::ALL.into_iter().find(|by| by.key() == key)
    }
}

/// One row of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    /// `DOMAIN\user` (or the user, the SID, `(unknown)`) or the computer name.
    pub label: String,
    /// How many bars the lane holds.
    pub sessions: usize,
    /// The earliest known time of its sessions (a start, or the end of an orphan): lanes are
    /// sorted by it.
    pub first: Timestamp,
    /// Sub-rows the lane's bars are packed into so that none overlaps another (at least 1).
    pub rows: u32,
}

/// One session drawn as a bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    /// Index into `report.sessions`.
    pub session: u32,
    /// Index into [`TimelineLayout::lanes`].
    pub lane: u32,
    /// Sub-row within the lane: bars that overlap in time are in different rows, so that each
    /// can be seen and clicked (an elevated logon and its linked twin share start and end).
    /// A lane shows at most [`MAX_SHOWN_ROWS`] lines ([`bar_band`]).
    pub row: u32,
    pub start: Timestamp,
    pub end: Timestamp,
    /// The session has no known start (an orphan): the bar begins at the data span's start
    /// and is drawn with an open (fading) left edge.
    pub open_start: bool,
    /// The session has no known end (still open at the end of the log, or superseded): the
    /// bar runs to the data span's end and is drawn with an open right edge.
    pub open_end: bool,
    pub logon_type: Option<u32>,
}

/// A machine boundary (startup or shutdown) drawn as a vertical line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub time: Timestamp,
    pub computer: String,
    /// `Startup` or `Shutdown`.
    pub label: &'static str,
    /// The computer's lane when lanes are computers; `None` when lanes are users (the marker
    /// then spans the whole height), or when the computer has no lane.
    pub lane: Option<u32>,
}

/// Everything the timeline draws for one set of visible sessions, plus an index by lane and
/// start that makes culling a binary search.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimelineLayout {
    pub lanes: Vec<Lane>,
    /// Exactly one per visible session, in the order of `visible`.
    pub bars: Vec<Bar>,
    /// Distinct (computer, time, kind) of sessions that ended at a startup or shutdown, by time.
    pub reboots: Vec<Marker>,
    /// Earliest and latest start or end of *all* sessions of the report (so that filtering
    /// does not rescale the axis), padded to at least [`MIN_SPAN_SECONDS`].
    pub span: (Timestamp, Timestamp),
    /// Bar indices grouped by lane, by start (then longest first) within a lane.
    order: Vec<u32>,
    /// `order[lane_offsets[l]..lane_offsets[l + 1]]` are the bars of lane `l`.
    lane_offsets: Vec<u32>,
    /// Running maximum of the bars' ends along `order`, restarting at each lane: monotone
    /// within a lane, so "the first bar that may reach time t" is a binary search.
    reach: Vec<Timestamp>,
    /// The bar of each session index (`u32::MAX`: not visible).
    bar_of_session: Vec<u32>,
    /// The culling index by shown line ([`shown_row`]): positions into `order` of the bars of
    /// each line of each lane, in `order`'s order. Line `k` (counting every lane's lines in
    /// turn) is `line_positions[line_starts[k]..line_starts[k + 1]]`; the lines of lane `l`
    /// are `lane_lines[l]..lane_lines[l + 1]`.
    line_positions: Vec<u32>,
    line_starts: Vec<u32>,
    lane_lines: Vec<u32>,
    /// The latest end among the bars of each [`BLOCK`] (and [`SUPER_BLOCK`]) entries of
    /// `line_positions`: what lets culling jump over runs of bars that end too early to show.
    block_reach: Vec<Timestamp>,
    super_reach: Vec<Timestamp>,
}

/// Entries of `line_positions` per block of [`TimelineLayout::block_reach`].
const BLOCK: usize = 64;
/// Entries per super-block (a whole number of blocks).
const SUPER_BLOCK: usize = 64 * BLOCK;

impl TimelineLayout {
    /// The bar that shows session `session`, if it is visible.
    pub fn bar_of(&self, session: u32) -> Option<usize> {
        match self.bar_of_session.get(session as usize) {
            Some(&bar) if bar != u32::MAX => Some(bar as usize),
            _ => None,
        }
    }

    /// The bars of `lane`, by start.
    pub fn lane_bars(&self, lane: usize) -> &[u32] {
        match (self.lane_offsets.get(lane), self.lane_offsets.get(lane + 1)) {
            (Some(&a), Some(&b)) => &self.order[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// The shortest data span: a report whose sessions all happen within a second still gets an
/// axis a minute wide, centred on them.
pub const MIN_SPAN_SECONDS: f64 = 60.0;
/// The deepest zoom: one second across the plot.
pub const MIN_VIEW_SECONDS: f64 = 1.0;
/// The widest zoom, as a multiple of the data span.
pub const MAX_VIEW_SPANS: f64 = 2.0;
/// How far apart axis labels should be, at least.
pub const TICK_SPACING_PX: f64 = 100.0;

const UNIX_EPOCH_TICKS: i128 = 116_444_736_000_000_000;

/// Unix seconds of a timestamp. (The difference is taken in `u64` either way round: the same
/// number as in `i128`, and so the same `f64`, without 128-bit arithmetic, which WebAssembly
/// emulates, for every bar placed.)
pub fn unix_seconds(time: Timestamp) -> f64 {
    const EPOCH: u64 = UNIX_EPOCH_TICKS as u64;
    let ticks = if time.0 >= EPOCH {
        (time.0 - EPOCH) as f64
    } else {
        -((EPOCH - time.0) as f64)
    };
    ticks / TICKS_PER_SECOND as f64
}

/// The timestamp of unix seconds, rounded to the nearest tick and clamped to what a
/// [`Timestamp`] can hold.
pub fn timestamp_at(seconds: f64) -> Timestamp {
    if seconds.is_nan() {
        return Timestamp(0);
    }
    let ticks = (seconds * TICKS_PER_SECOND as f64).round() + UNIX_EPOCH_TICKS as f64;
    if ticks <= 0.0 {
        Timestamp(0)
    } else if ticks >= u64::MAX as f64 {
        Timestamp(u64::MAX)
    } else {
        Timestamp(ticks as u64)
    }
}

/// The lane label of a session grouped by user: `DOMAIN\user`, the user, the SID, or
/// `(unknown)`.
pub fn user_label(session: &Session) -> String {
    account_name(session.domain.as_deref(), session.user.as_deref())
        .or_else(|| session.user_sid.as_deref().map(str::to_string))
        .unwrap_or_else(|| "(unknown)".to_string())
}

/// The data span of a report: min and max over every start and end, padded to
/// [`MIN_SPAN_SECONDS`]; an hour from the unix epoch when no session has a time.
pub fn data_span(report: &Report) -> (Timestamp, Timestamp) {
    let mut low: Option<Timestamp> = None;
    let mut high: Option<Timestamp> = None;
    for time in report
        .sessions
        .iter()
        .flat_map(|s| [s.start, s.end])
        .flatten()
    {
        low = Some(low.map_or(time, |low| low.min(time)));
        high = Some(high.map_or(time, |high| high.max(time)));
    }
    let (Some(low), Some(high)) = (low, high) else {
        return (timestamp_at(0.0), timestamp_at(3600.0));
    };
    let (a, b) = (unix_seconds(low), unix_seconds(high));
    if b - a >= MIN_SPAN_SECONDS {
        return (low, high);
    }
    let middle = (a + b) / 2.0;
    (
        timestamp_at(middle - MIN_SPAN_SECONDS / 2.0),
        timestamp_at(middle + MIN_SPAN_SECONDS / 2.0),
    )
}

/// What tells lanes apart before names are lower-cased: (domain, user, SID) or (computer).
type Identity<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

/// Lays out the sessions `visible` (indices into `report.sessions`; out-of-range ones are
/// skipped) in lanes `by` user or computer.
///
/// Cost: one pass over `visible` with a hash lookup each (allocating only per distinct lane),
/// one sort of each lane's bars, one pass over the report for the span and the reboots.
pub fn layout(report: &Report, visible: &[u32], by: LaneBy) -> TimelineLayout {
    let span = data_span(report);
    let sessions = &report.sessions;

    // Lanes in order of first appearance, then sorted by first time below. Names compare
    // without regard to case (Windows account and computer names are case-insensitive);
    // `exact` avoids lower-casing the same name for every session.
    struct Group {
        label: String,
        label_from: u32,
        sessions: usize,
        first: Timestamp,
    }
    let mut groups: Vec<Group> = Vec::new();
    // (Looked up for every session: foldhash, seeded, is cheaper than the standard hasher.)
    let mut by_key: HashMap<String, u32, foldhash::quality::RandomState> = HashMap::default();
    let mut exact: HashMap<Identity, u32, foldhash::quality::RandomState> = HashMap::default();
    let mut bars: Vec<Bar> = Vec::with_capacity(visible.len());

    for &index in visible {
        let Some(session) = sessions.get(index as usize) else {
            continue;
        };
        let identity = match by {
            LaneBy::User => (
                session.domain.as_deref(),
                session.user.as_deref(),
                session
                    .user
                    .is_none()
                    .then_some(session.user_sid.as_deref())
                    .flatten(),
            ),
            LaneBy::Computer => (Some(session.computer.as_str()), None, None),
        };
        let group = match exact.get(&identity) {
            Some(&group) => group,
            None => {
                let label = match by {
                    LaneBy::User => user_label(session),
                    LaneBy::Computer => session.computer.to_string(),
                };
                let key = label.to_lowercase();
                let group = match by_key.get(&key) {
                    Some(&group) => group,
                    None => {
                        let group = groups.len() as u32;
                        groups.push(Group {
                            label,
                            label_from: index,
                            sessions: 0,
                            first: Timestamp(u64::MAX),
                        });
                        by_key.insert(key, group);
                        group
                    }
                };
                exact.insert(identity, group);
                group
            }
        };

        let start = session.start.unwrap_or(span.0);
        let end = session.end.unwrap_or(span.1).max(start);
        let known = session.start.or(session.end).unwrap_or(span.0);
        let entry = &mut groups[group as usize];
        entry.sessions += 1;
        entry.first = entry.first.min(known);
        // The label is the spelling of the lowest session index, whatever the sort order.
        if index < entry.label_from {
            entry.label_from = index;
            entry.label = match by {
                LaneBy::User => user_label(session),
                LaneBy::Computer => session.computer.to_string(),
            };
        }
        bars.push(Bar {
            session: index,
            lane: group,
            row: 0,
            start,
            end,
            open_start: session.start.is_none(),
            open_end: session.end.is_none(),
            logon_type: session.logon_type,
        });
    }

    // Lanes by first time, then label: renumber the bars' lanes.
    let mut ranked: Vec<u32> = (0..groups.len() as u32).collect();
    ranked.sort_by(|&a, &b| {
        let (a, b) = (&groups[a as usize], &groups[b as usize]);
        (a.first, &a.label, a.label_from).cmp(&(b.first, &b.label, b.label_from))
    });
    let mut rank_of = vec![0u32; groups.len()];
    for (rank, &group) in ranked.iter().enumerate() {
        rank_of[group as usize] = rank as u32;
    }
    for bar in &mut bars {
        bar.lane = rank_of[bar.lane as usize];
    }
    let mut lanes: Vec<Lane> = ranked
        .iter()
        .map(|&group| {
            let group = &groups[group as usize];
            Lane {
                label: group.label.clone(),
                sessions: group.sessions,
                first: group.first,
                rows: 1,
            }
        })
        .collect();

    // The culling index: a counting sort by lane, then by start within each lane.
    let mut lane_offsets = vec![0u32; lanes.len() + 1];
    for bar in &bars {
        lane_offsets[bar.lane as usize + 1] += 1;
    }
    for lane in 0..lanes.len() {
        lane_offsets[lane + 1] += lane_offsets[lane];
    }
    let mut fill = lane_offsets.clone();
    let mut order = vec![0u32; bars.len()];
    for (index, bar) in bars.iter().enumerate() {
        let slot = &mut fill[bar.lane as usize];
        order[*slot as usize] = index as u32;
        *slot += 1;
    }
    let mut reach = vec![Timestamp(0); bars.len()];
    for lane in 0..lanes.len() {
        let range = lane_offsets[lane] as usize..lane_offsets[lane + 1] as usize;
        let slice = &mut order[range.clone()];
        // Longer bars first among equal starts: they cover the shorter ones when coalescing.
        slice.sort_by_key(|&bar| {
            let bar = &bars[bar as usize];
            (bar.start, std::cmp::Reverse(bar.end))
        });
        let mut furthest = Timestamp(0);
        for position in range.clone() {
            furthest = furthest.max(bars[order[position] as usize].end);
            reach[position] = furthest;
        }
        lanes[lane].rows = pack_rows(&mut bars, &order[range]);
    }

    let mut bar_of_session = vec![u32::MAX; sessions.len()];
    for (index, bar) in bars.iter().enumerate() {
        bar_of_session[bar.session as usize] = index as u32;
    }

    let reboots = reboots(report, &bars, &by_key, by);
    let lines = LineIndex::new(&lanes, &bars, &order, &lane_offsets);

    TimelineLayout {
        lanes,
        bars,
        reboots,
        span,
        order,
        lane_offsets,
        reach,
        bar_of_session,
        line_positions: lines.positions,
        line_starts: lines.starts,
        lane_lines: lines.lane_lines,
        block_reach: lines.block_reach,
        super_reach: lines.super_reach,
    }
    .with_lanes_renumbered(&rank_of)
}

/// The parts of [`TimelineLayout`]'s culling index by shown line, while it is built.
struct LineIndex {
    positions: Vec<u32>,
    starts: Vec<u32>,
    lane_lines: Vec<u32>,
    block_reach: Vec<Timestamp>,
    super_reach: Vec<Timestamp>,
}

impl LineIndex {
    /// A counting sort of each lane's positions by shown line (stable: each line keeps
    /// `order`'s order), then the block maxima of the bars' ends.
    fn new(lanes: &[Lane], bars: &[Bar], order: &[u32], lane_offsets: &[u32]) -> LineIndex {
        let mut positions = vec![0u32; order.len()];
        let mut starts = vec![0u32];
        let mut lane_lines = vec![0u32];
        for (lane, info) in lanes.iter().enumerate() {
            let (a, b) = (lane_offsets[lane] as usize, lane_offsets[lane + 1] as usize);
            let (_, shown) = shown_row(info.rows, 0);
            let line_of =
                |position: usize| shown_row(info.rows, bars[order[position] as usize].row).0;
            let mut counts = vec![0u32; shown as usize];
            for position in a..b {
                counts[line_of(position) as usize] += 1;
            }
            let mut next = Vec::with_capacity(shown as usize);
            let mut at = a as u32;
            for count in counts {
                next.push(at);
                at += count;
                starts.push(at);
            }
            for position in a..b {
                let slot = &mut next[line_of(position) as usize];
                positions[*slot as usize] = position as u32;
                *slot += 1;
            }
            lane_lines.push(starts.len() as u32 - 1);
        }
        let end_at = |entry: &u32| bars[order[*entry as usize] as usize].end;
        let block_reach: Vec<Timestamp> = positions
            .chunks(BLOCK)
            .map(|block| block.iter().map(end_at).max().unwrap_or(Timestamp(0)))
            .collect();
        let super_reach = block_reach
            .chunks(SUPER_BLOCK / BLOCK)
            .map(|blocks| blocks.iter().copied().max().unwrap_or(Timestamp(0)))
            .collect();
        LineIndex {
            positions,
            starts,
            lane_lines,
            block_reach,
            super_reach,
        }
    }
}

/// Packs the bars `lane_order` (one lane's, by start) into rows: each bar takes the lowest
/// row whose previous bar ended before it starts. Returns the number of rows (at least 1).
/// Cost: O(n log rows) with two heaps (rows in use by end, free rows by number).
fn pack_rows(bars: &mut [Bar], lane_order: &[u32]) -> u32 {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut busy: BinaryHeap<Reverse<(Timestamp, u32)>> = BinaryHeap::new();
    let mut free: BinaryHeap<Reverse<u32>> = BinaryHeap::new();
    let mut rows = 0u32;
    for &index in lane_order {
        let bar = &mut bars[index as usize];
        while let Some(&Reverse((end, row))) = busy.peek() {
            if end >= bar.start {
                break;
            }
            busy.pop();
            free.push(Reverse(row));
        }
        let row = match free.pop() {
            Some(Reverse(row)) => row,
            None => {
                rows += 1;
                rows - 1
            }
        };
        bar.row = row;
        busy.push(Reverse((bar.end, row)));
    }
    rows.max(1)
}

/// The most rows a lane shows, one above the other: beyond, rows share a line (a lane of a
/// machine account with hundreds of concurrent sessions is a solid band anyway).
pub const MAX_SHOWN_ROWS: u32 = 9;

/// The line (of at most [`MAX_SHOWN_ROWS`]) that sub-row `row` of a lane of `rows` rows is
/// shown on, and how many lines the lane shows.
pub fn shown_row(rows: u32, row: u32) -> (u32, u32) {
    let rows = rows.max(1);
    let shown = rows.min(MAX_SHOWN_ROWS);
    let line = (u64::from(row.min(rows - 1)) * u64::from(shown) / u64::from(rows)) as u32;
    (line, shown)
}

/// Where a bar of sub-row `row` of a lane of `rows` rows goes within a lane `lane_height`
/// tall: (offset from the lane's top, height). One row is a 14px bar in a 22px lane; more
/// rows share the lane (at most [`MAX_SHOWN_ROWS`] lines), with a 1px gap between lines
/// while they are at least 4px apart.
pub fn bar_band(rows: u32, row: u32, lane_height: f64) -> (f64, f64) {
    let (line, shown) = shown_row(rows, row);
    if shown == 1 {
        let height = (lane_height * 0.64).round();
        return ((lane_height - height) / 2.0, height);
    }
    let inner = lane_height - 4.0;
    let pitch = inner / f64::from(shown);
    let gap = if pitch >= 4.0 { 1.0 } else { 0.0 };
    (2.0 + f64::from(line) * pitch, pitch - gap)
}

impl TimelineLayout {
    /// Markers were computed with the pre-sort lane numbers; move them to the sorted ones.
    fn with_lanes_renumbered(mut self, rank_of: &[u32]) -> TimelineLayout {
        for marker in &mut self.reboots {
            marker.lane = marker
                .lane
                .and_then(|group| rank_of.get(group as usize).copied());
        }
        self
    }
}

/// The startups and shutdowns the sessions ended at. With lanes by computer each marker goes
/// in its computer's lane (computers without a lane have none); with lanes by user a marker
/// spans every lane, and only computers that have a visible session get markers.
fn reboots(
    report: &Report,
    bars: &[Bar],
    lane_keys: &HashMap<String, u32, foldhash::quality::RandomState>,
    by: LaneBy,
) -> Vec<Marker> {
    // Computer names compare without regard to case, as lanes do.
    let visible_computers: HashSet<String> = match by {
        LaneBy::User => bars
            .iter()
            .filter_map(|bar| report.sessions.get(bar.session as usize))
            .map(|session| session.computer.as_str())
            .collect::<HashSet<&str>>()
            .into_iter()
            .map(str::to_lowercase)
            .collect(),
        LaneBy::Computer => HashSet::new(),
    };
    let mut seen: HashSet<(&str, Timestamp, &'static str)> = HashSet::new();
    let mut markers = Vec::new();
    for session in &report.sessions {
        let label = match session.end_reason {
            EndReason::Startup => "Startup",
            EndReason::Shutdown => "Shutdown",
            _ => continue,
        };
        let Some(time) = session.end else {
            continue;
        };
        if !seen.insert((session.computer.as_str(), time, label)) {
            continue;
        }
        let lane = match by {
            LaneBy::Computer => match lane_keys.get(&session.computer.to_lowercase()) {
                Some(&group) => Some(group),
                None => continue,
            },
            LaneBy::User => {
                if !visible_computers.contains(&session.computer.to_lowercase()) {
                    continue;
                }
                None
            }
        };
        markers.push(Marker {
            time,
            computer: session.computer.to_string(),
            label,
            lane,
        });
    }
    markers.sort_by(|a, b| (a.time, &a.computer, a.label).cmp(&(b.time, &b.computer, b.label)));
    markers
}

/// The logon types the bars show, for the legend: known numbers ascending, then `None`
/// (unknown) if any bar has no type.
pub fn legend(layout: &TimelineLayout) -> Vec<Option<u32>> {
    let types: BTreeSet<(bool, u32)> = layout
        .bars
        .iter()
        .map(|bar| (bar.logon_type.is_none(), bar.logon_type.unwrap_or(0)))
        .collect();
    types
        .into_iter()
        .map(|(unknown, number)| (!unknown).then_some(number))
        .collect()
}

/// The CSS class of a bar of logon type `logon_type`: `timeline-lt-<n>` or `timeline-lt-other`
/// (see [`logon_type_colour`]).
pub fn logon_type_class(logon_type: Option<u32>) -> String {
    format!(
        "timeline-lt-{}",
        logon_type.map_or("other", logon_type_colour)
    )
}

/// The colour of logon type `logon_type`, as the page's classes and CSS variables name it
/// (`--lt-2`, `sessions-lt-2`, `failures-lt-2`, ...): its number for the types with a colour
/// of their own, `other` for every other type. The one place that says which types have one.
pub fn logon_type_colour(logon_type: u32) -> &'static str {
    match logon_type {
        2 => "2",
        3 => "3",
        4 => "4",
        5 => "5",
        7 => "7",
        8 => "8",
        9 => "9",
        10 => "10",
        11 => "11",
        _ => "other",
    }
}

/// The time range shown across the plot, in unix seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub start: f64,
    pub end: f64,
}

impl Viewport {
    /// The whole data span with 2% room on each side.
    pub fn fit(span: (Timestamp, Timestamp)) -> Viewport {
        let (a, b) = (unix_seconds(span.0), unix_seconds(span.1));
        let length = (b - a).max(MIN_VIEW_SECONDS);
        let middle = (a + b) / 2.0;
        let half = length * 1.04 / 2.0;
        Viewport {
            start: middle - half,
            end: middle + half,
        }
    }

    /// Seconds across the plot.
    pub fn seconds(&self) -> f64 {
        self.end - self.start
    }

    /// Whether what is drawn for this view widened by `margin` of its widths on each side
    /// still serves `other`: it lies within, and is not zoomed more than twice in or out.
    pub fn serves(&self, other: &Viewport, margin: f64) -> bool {
        let around = self.seconds() * margin;
        let zoom = other.seconds() / self.seconds();
        other.start >= self.start - around
            && other.end <= self.end + around
            && (0.5..=2.0).contains(&zoom)
    }

    /// The x pixel of `time` on a plot `width_px` wide.
    pub fn x_of(&self, time: Timestamp, width_px: f64) -> f64 {
        self.x_of_seconds(unix_seconds(time), width_px)
    }

    /// The x pixel of unix seconds `seconds`.
    pub fn x_of_seconds(&self, seconds: f64, width_px: f64) -> f64 {
        (seconds - self.start) / self.seconds() * width_px.max(1.0)
    }

    /// The time at x pixel `x`.
    pub fn time_at(&self, x: f64, width_px: f64) -> Timestamp {
        timestamp_at(self.seconds_at(x, width_px))
    }

    /// The unix seconds at x pixel `x`.
    pub fn seconds_at(&self, x: f64, width_px: f64) -> f64 {
        self.start + x / width_px.max(1.0) * self.seconds()
    }

    /// Zooms in by `factor` (`2.0` shows half as many seconds; below 1 zooms out) around the
    /// pixel `anchor_x`, whose time stays under it. The width is kept between
    /// [`MIN_VIEW_SECONDS`] and [`MAX_VIEW_SPANS`] times the data span.
    pub fn zoom(
        &self,
        factor: f64,
        anchor_x: f64,
        width_px: f64,
        span: (Timestamp, Timestamp),
    ) -> Viewport {
        if !factor.is_finite() || factor <= 0.0 {
            return *self;
        }
        let width_px = width_px.max(1.0);
        let anchor = self.seconds_at(anchor_x, width_px);
        let span_seconds = unix_seconds(span.1) - unix_seconds(span.0);
        let widest = (span_seconds * MAX_VIEW_SPANS).max(MIN_VIEW_SECONDS);
        let length = (self.seconds() / factor).clamp(MIN_VIEW_SECONDS, widest);
        let start = anchor - anchor_x / width_px * length;
        Viewport {
            start,
            end: start + length,
        }
        .kept_near(span)
    }

    /// Moves the content `dx_px` pixels to the right (a drag to the right shows earlier
    /// times). The middle of the plot stays within the data span.
    pub fn pan(&self, dx_px: f64, width_px: f64, span: (Timestamp, Timestamp)) -> Viewport {
        let shift = dx_px / width_px.max(1.0) * self.seconds();
        Viewport {
            start: self.start - shift,
            end: self.end - shift,
        }
        .kept_near(span)
    }

    /// Shifts the viewport so that its middle is within the span: the data never leaves the
    /// plot entirely.
    fn kept_near(self, span: (Timestamp, Timestamp)) -> Viewport {
        let (a, b) = (unix_seconds(span.0), unix_seconds(span.1));
        let middle = (self.start + self.end) / 2.0;
        let shift = if middle < a {
            a - middle
        } else if middle > b {
            b - middle
        } else {
            0.0
        };
        Viewport {
            start: self.start + shift,
            end: self.end + shift,
        }
    }
}

/// One mark of the time axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    pub time: Timestamp,
    pub label: String,
    /// The tick starts a larger unit (a day for clock ticks, a month for day ticks, a year for
    /// month ticks); its label names that unit.
    pub major: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Seconds(f64),
    /// Seven days, starting on Mondays.
    Week,
    Months(i64),
    Years(i64),
}

impl Step {
    fn approx_seconds(self) -> f64 {
        match self {
            Step::Seconds(s) => s,
            Step::Week => 7.0 * 86_400.0,
            Step::Months(n) => n as f64 * 30.44 * 86_400.0,
            Step::Years(n) => n as f64 * 365.25 * 86_400.0,
        }
    }
}

const STEPS: [Step; 28] = [
    Step::Seconds(1.0),
    Step::Seconds(5.0),
    Step::Seconds(15.0),
    Step::Seconds(30.0),
    Step::Seconds(60.0),
    Step::Seconds(300.0),
    Step::Seconds(900.0),
    Step::Seconds(1_800.0),
    Step::Seconds(3_600.0),
    Step::Seconds(3.0 * 3_600.0),
    Step::Seconds(6.0 * 3_600.0),
    Step::Seconds(12.0 * 3_600.0),
    Step::Seconds(86_400.0),
    Step::Seconds(2.0 * 86_400.0),
    Step::Week,
    Step::Months(1),
    Step::Months(3),
    Step::Months(6),
    Step::Years(1),
    Step::Years(2),
    Step::Years(5),
    Step::Years(10),
    Step::Years(20),
    Step::Years(50),
    Step::Years(100),
    Step::Years(200),
    Step::Years(500),
    Step::Years(1_000),
];

/// The axis ticks of `viewport` on a plot `width_px` wide: the smallest nice step (1 s to
/// years) that puts labels at least [`TICK_SPACING_PX`] apart, aligned to the clock of the
/// zone whose offset (minutes east of UTC) at a time is `offset_minutes(time)`: `&|_| 0`
/// for UTC. Ticks are increasing and within the viewport.
pub fn ticks(
    viewport: &Viewport,
    width_px: f64,
    offset_minutes: &dyn Fn(Timestamp) -> i32,
) -> Vec<Tick> {
    let width_px = width_px.max(1.0);
    let length = viewport.seconds();
    if !(length.is_finite() && length > 0.0) {
        return Vec::new();
    }
    let wanted = length / width_px * TICK_SPACING_PX;
    let step = STEPS
        .into_iter()
        .find(|step| step.approx_seconds() >= wanted)
        .unwrap_or(Step::Years(1_000));

    // Ticks are generated on the zone's clock ("local seconds") and converted back with the
    // offset at each tick, so hour ticks stay on the hour across a daylight-saving change.
    // The local range covers both offsets at the viewport's ends.
    let offset_at = |seconds: f64| f64::from(offset_minutes(timestamp_at(seconds))) * 60.0;
    let (offset_a, offset_b) = (offset_at(viewport.start), offset_at(viewport.end));
    let local_start = viewport.start + offset_a.min(offset_b);
    let local_end = viewport.end + offset_a.max(offset_b);
    let middle_offset = offset_at((viewport.start + viewport.end) / 2.0);
    // The UTC time of a local time: guess with the middle's offset, correct with the offset
    // at the guess; `None` for a local time that does not exist (skipped by a change).
    let to_utc = |local: f64| -> Option<f64> {
        let guess = local - offset_at(local - middle_offset);
        let utc = local - offset_at(guess);
        (utc + offset_at(utc) == local).then_some(utc)
    };

    let mut result: Vec<Tick> = Vec::new();
    let mut last = f64::NEG_INFINITY;
    // At most one tick per 10 px even if the step search fell through; a guard, not a layout.
    let limit = (width_px / 10.0) as usize + 16;
    let mut push = |local: f64| {
        let Some(utc) = to_utc(local) else {
            return;
        };
        // Ticks outside the viewport (the local range is wider) or behind the previous one
        // (a change setting the clock back) are dropped to keep the axis increasing.
        if utc < viewport.start || utc > viewport.end || utc <= last {
            return;
        }
        last = utc;
        let (label, major) = tick_label(local, step);
        result.push(Tick {
            time: timestamp_at(utc),
            label,
            major,
        });
    };
    // Candidates beyond the viewport are bounded by the offsets' difference (an hour or two).
    let mut candidates = 0usize;
    let candidate_limit = limit + 10_000;
    match step {
        Step::Seconds(_) | Step::Week => {
            let (every, phase) = match step {
                Step::Seconds(seconds) => (seconds, 0.0),
                // 1970-01-05 was a Monday.
                _ => (7.0 * 86_400.0, 4.0 * 86_400.0),
            };
            let mut local = ((local_start - phase) / every).ceil() * every + phase;
            while local <= local_end && candidates < candidate_limit {
                candidates += 1;
                push(local);
                local += every;
            }
        }
        Step::Months(every) | Step::Years(every) => {
            let months = if matches!(step, Step::Years(_)) {
                12 * every
            } else {
                every
            };
            let (year, month, _) = civil_from_days((local_start / 86_400.0).floor() as i64);
            // Months since year 0, from the first aligned month at or before the range's start.
            let first = year * 12 + i64::from(month) - 1;
            let mut index = first - first.rem_euclid(months);
            while candidates < candidate_limit {
                candidates += 1;
                let (y, m) = (index.div_euclid(12), index.rem_euclid(12) + 1);
                index += months;
                let local = days_from_civil(y, m as u32, 1) as f64 * 86_400.0;
                if local > local_end {
                    break;
                }
                if local >= local_start {
                    push(local);
                }
            }
        }
    }
    result.truncate(limit);
    result
}

/// The label of a tick at local seconds `local`, and whether it starts a larger unit.
fn tick_label(local: f64, step: Step) -> (String, bool) {
    let whole = local.floor() as i64;
    let days = whole.div_euclid(86_400);
    let of_day = whole.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let date = format!("{year:04}-{month:02}-{day:02}");
    let (hours, minutes, seconds) = (of_day / 3_600, of_day / 60 % 60, of_day % 60);
    match step {
        Step::Seconds(s) if s < 86_400.0 => {
            if of_day == 0 {
                (date, true)
            } else if s < 60.0 {
                (format!("{hours:02}:{minutes:02}:{seconds:02}"), false)
            } else {
                (format!("{hours:02}:{minutes:02}"), false)
            }
        }
        Step::Seconds(_) | Step::Week => (date, day == 1),
        Step::Months(_) => {
            if month == 1 {
                (format!("{year:04}"), true)
            } else {
                (format!("{year:04}-{month:02}"), false)
            }
        }
        Step::Years(_) => (format!("{year:04}"), true),
    }
}

/// The bars of lanes `lanes` that intersect the viewport (touching counts), lane by lane and
/// by start within a lane.
///
/// Cost per lane: two binary searches, then one comparison for each bar that starts before
/// the viewport ends and after the first bar that could reach into it. A lane whose early bar
/// stays open to the end makes that a linear scan of the lane (a million comparisons, about a
/// millisecond), never an allocation per bar.
pub fn visible_bars(layout: &TimelineLayout, viewport: &Viewport, lanes: Range<usize>) -> Vec<u32> {
    let mut out = Vec::new();
    for_each_visible(layout, viewport, lanes, |_, bar| out.push(bar));
    out
}

/// How the culled timeline may simplify what it draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Culling {
    /// Width of the plot.
    pub width_px: f64,
    /// The narrowest a bar is drawn.
    pub min_px: f64,
    /// Height of a lane.
    pub lane_px: f64,
    /// About how many bars may be drawn at most (the selected one comes on top).
    pub budget: usize,
    /// The cell size tried first: 1, or somewhat below that of the last choice (a view
    /// moved a little needs about the same), to skip the tries sure to be over budget.
    pub first_cell_px: f64,
}

/// The bars [`drawn_bars`] chose, and how coarsely: bars were merged into cells of `cell_px`
/// pixels (1: nothing visible was left out).
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    pub bars: Vec<u32>,
    pub cell_px: f64,
}

/// Like [`visible_bars`], less the bars that could not be seen (or, past the budget, hardly).
///
/// A lane's shown lines are gathered into bands at least `cell` pixels tall, and a bar that ends
/// less than `cell` pixels beyond the furthest-reaching earlier drawn bar of its band is left
/// out: bars are by start, so that earlier bar covers it but for less than a cell. Each drawn
/// bar thus advances its band by a cell, which bounds what is drawn to about
/// `bands × width / cell` per lane however many sessions there are. The cell starts at one
/// pixel (nothing visible is lost) and grows until the result fits `budget`. `keep` (the
/// selected bar) is always included.
pub fn drawn_bars(
    layout: &TimelineLayout,
    viewport: &Viewport,
    lanes: Range<usize>,
    culling: &Culling,
    keep: Option<usize>,
) -> Drawn {
    let budget = culling.budget.max(1);
    let mut cell_px = culling.first_cell_px.clamp(1.0, 256.0);
    loop {
        let bars = drawn_at(layout, viewport, lanes.clone(), culling, cell_px, keep);
        if bars.len() <= budget.saturating_add(1) || cell_px >= 256.0 {
            return Drawn { bars, cell_px };
        }
        // The count falls about with the square of the cell (fewer bands, longer steps).
        let grow = (bars.len() as f64 / budget as f64).sqrt() * 1.25;
        cell_px = (cell_px * grow.max(2.0)).min(256.0);
    }
}

/// The band of row `row` of a lane of `rows` rows, and the number of bands, for cells of
/// `cell_px` in a lane `lane_px` tall. At one pixel a band is a shown line ([`shown_row`]).
fn band_of(rows: u32, row: u32, lane_px: f64, cell_px: f64) -> (u32, u32) {
    let (line, shown) = shown_row(rows, row);
    let fit = ((lane_px - 4.0) / cell_px).floor().max(1.0) as u32;
    let bands = shown.min(fit);
    let band = (u64::from(line) * u64::from(bands) / u64::from(shown)) as u32;
    (band, bands)
}

/// [`drawn_bars`] for one cell size.
///
/// Each band of each lane is a greedy pass over its bars by start: a bar is drawn when it
/// reaches at least a cell beyond what the band's drawn bars cover. The pass does not visit
/// the bars it would leave out: every line of the band has a cursor that jumps (by binary
/// search on starts and by the block maxima of ends) to the next bar that starts or ends far
/// enough right to be drawn, and the cursors are merged in `order`'s order. So the cost is
/// about that of the bars drawn, a few dozen steps each, however many sessions lie behind
/// them (a fitted view of a million sessions draws twelve thousand).
fn drawn_at(
    layout: &TimelineLayout,
    viewport: &Viewport,
    lanes: Range<usize>,
    culling: &Culling,
    cell_px: f64,
    keep: Option<usize>,
) -> Vec<u32> {
    let width_px = culling.width_px;
    let from = timestamp_at(viewport.start.floor());
    let to = timestamp_at(viewport.end.ceil());
    // A small margin (in pixels) keeps the jumps on the safe side of rounding: a bar is
    // skipped only where the exact test below would leave it out.
    const MARGIN_PX: f64 = 0.01;
    let time_at_px = |x: f64| timestamp_at(viewport.seconds_at(x, width_px));
    let mut out = Vec::new();
    let mut kept = false;
    let lanes = lanes.start.min(layout.lanes.len())..lanes.end.min(layout.lanes.len());
    let mut cursors: Vec<LineCursor> = Vec::with_capacity(MAX_SHOWN_ROWS as usize);
    for lane in lanes {
        let (a, b) = (
            layout.lane_offsets[lane] as usize,
            layout.lane_offsets[lane + 1] as usize,
        );
        let order = &layout.order[a..b];
        // The lane's bars that may intersect the viewport: positions first..last of `order`.
        let last = a + order.partition_point(|&bar| layout.bars[bar as usize].start <= to);
        let first = a + layout.reach[a..b].partition_point(|&end| end < from);
        if first >= last {
            continue;
        }
        let rows = layout.lanes[lane].rows;
        let (_, shown) = shown_row(rows, 0);
        let (_, bands) = band_of(rows, 0, culling.lane_px, cell_px);
        let line_base = layout.lane_lines[lane] as usize;
        for band in 0..bands {
            // The lines of the band: those whose band is `band` (consecutive).
            cursors.clear();
            for line in 0..shown {
                if u64::from(line) * u64::from(bands) / u64::from(shown) != u64::from(band) {
                    continue;
                }
                let (start, end) = (
                    layout.line_starts[line_base + line as usize] as usize,
                    layout.line_starts[line_base + line as usize + 1] as usize,
                );
                let entries = &layout.line_positions[start..end];
                let lo = start + entries.partition_point(|&p| (p as usize) < first);
                let hi = start + entries.partition_point(|&p| (p as usize) < last);
                cursors.push(LineCursor {
                    at: lo,
                    end: hi,
                    candidate: None,
                });
            }
            let mut reach = f64::NEG_INFINITY;
            loop {
                // Thresholds for the band as covered now: a bar that ends before `end_by`
                // and starts before `start_by` cannot reach a cell beyond `reach`.
                let (end_by, start_by) = if reach == f64::NEG_INFINITY {
                    (from, None)
                } else {
                    let limit = reach + cell_px - MARGIN_PX;
                    (
                        time_at_px(limit).max(from),
                        Some(time_at_px(limit - culling.min_px)),
                    )
                };
                // The cursor whose candidate comes first in `order`.
                let mut best: Option<(usize, u32)> = None;
                for (slot, cursor) in cursors.iter_mut().enumerate() {
                    let candidate = match cursor.candidate {
                        Some(candidate) => candidate,
                        None => {
                            let found = layout
                                .next_candidate(cursor.at, cursor.end, end_by, start_by, from);
                            cursor.at = found;
                            if found >= cursor.end {
                                continue;
                            }
                            let position = layout.line_positions[found];
                            cursor.candidate = Some(position);
                            position
                        }
                    };
                    if best.is_none_or(|(_, p)| candidate < p) {
                        best = Some((slot, candidate));
                    }
                }
                let Some((slot, position)) = best else {
                    break;
                };
                let cursor = &mut cursors[slot];
                cursor.candidate = None;
                cursor.at += 1;
                let index = layout.order[position as usize];
                let bar = &layout.bars[index as usize];
                if bar.end < from {
                    continue;
                }
                let x0 = viewport.x_of(bar.start, width_px);
                let x1 = viewport.x_of(bar.end, width_px).max(x0 + culling.min_px);
                let is_kept = keep == Some(index as usize);
                if x1 < reach + cell_px && !is_kept {
                    continue;
                }
                kept |= is_kept;
                reach = reach.max(x1);
                out.push(index);
            }
        }
    }
    if let Some(keep) = keep
        && !kept
        && keep < layout.bars.len()
    {
        out.push(keep as u32);
    }
    out
}

/// Where the pass over one shown line of a band is: entries `at..end` of `line_positions`
/// are still to come, and `candidate` is the position (into `order`) of the entry at `at`
/// once it has been found to be worth testing.
struct LineCursor {
    at: usize,
    end: usize,
    candidate: Option<u32>,
}

impl TimelineLayout {
    /// The first entry of `line_positions` in `at..end` (`end` if none) whose bar ends at or
    /// after `end_by`, or starts at or after `start_by` and ends at or after `from`. The
    /// entries are in order of start: the start test is a binary search, the end test skips
    /// blocks whose bars all end earlier.
    fn next_candidate(
        &self,
        at: usize,
        end: usize,
        end_by: Timestamp,
        start_by: Option<Timestamp>,
        from: Timestamp,
    ) -> usize {
        let start_of = |entry: &u32| self.bars[self.order[*entry as usize] as usize].start;
        let late = match start_by {
            Some(start_by) => {
                at + self.line_positions[at..end]
                    .partition_point(|entry| start_of(entry) < start_by)
            }
            None => end,
        };
        let found = self.next_reaching(at, late, end_by);
        if found < late {
            return found;
        }
        self.next_reaching(late, end, from)
    }

    /// The first entry of `line_positions` in `at..end` (`end` if none) whose bar ends at or
    /// after `time`.
    fn next_reaching(&self, mut at: usize, end: usize, time: Timestamp) -> usize {
        while at < end {
            if at.is_multiple_of(SUPER_BLOCK) && self.super_reach[at / SUPER_BLOCK] < time {
                at += SUPER_BLOCK;
                continue;
            }
            if at.is_multiple_of(BLOCK) && self.block_reach[at / BLOCK] < time {
                at += BLOCK;
                continue;
            }
            let entry = self.line_positions[at];
            if self.bars[self.order[entry as usize] as usize].end >= time {
                return at;
            }
            at += 1;
        }
        end
    }
}

fn for_each_visible(
    layout: &TimelineLayout,
    viewport: &Viewport,
    lanes: Range<usize>,
    mut visit: impl FnMut(usize, u32),
) {
    let from = timestamp_at(viewport.start.floor());
    let to = timestamp_at(viewport.end.ceil());
    let lanes = lanes.start.min(layout.lanes.len())..lanes.end.min(layout.lanes.len());
    for lane in lanes {
        let (a, b) = (
            layout.lane_offsets[lane] as usize,
            layout.lane_offsets[lane + 1] as usize,
        );
        let order = &layout.order[a..b];
        let reach = &layout.reach[a..b];
        let last = order.partition_point(|&bar| layout.bars[bar as usize].start <= to);
        let first = reach.partition_point(|&end| end < from);
        for &bar in order.get(first..last).unwrap_or(&[]) {
            if layout.bars[bar as usize].end >= from {
                visit(lane, bar);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn unix_seconds_are_those_of_exact_arithmetic() {
        for ticks in [
            0,
            1,
            UNIX_EPOCH_TICKS as u64 - 1,
            UNIX_EPOCH_TICKS as u64,
            UNIX_EPOCH_TICKS as u64 + 1,
            134_000_000_000_000_123,
            u64::MAX / 3,
            u64::MAX,
        ] {
            let exact = (i128::from(ticks) - UNIX_EPOCH_TICKS) as f64 / TICKS_PER_SECOND as f64;
            assert_eq!(
                unix_seconds(Timestamp(ticks)).to_bits(),
                exact.to_bits(),
                "{ticks}"
            );
        }
    }

    use super::*;

    fn at(iso: &str) -> Timestamp {
        Timestamp::parse_iso(iso).unwrap()
    }

    fn session(
        computer: &str,
        user: Option<&str>,
        logon_type: Option<u32>,
        start: Option<&str>,
        end: Option<&str>,
        end_reason: EndReason,
    ) -> Session {
        let mut s = Session::new(computer, "0x1");
        s.user = user.map(Into::into);
        s.domain = user.map(|_| "CORP".into());
        s.user_sid = Some("S-1-5-21-1".into());
        s.logon_type = logon_type;
        s.start = start.map(at);
        s.end = end.map(at);
        s.end_reason = end_reason;
        s
    }

    fn report() -> Report {
        Report {
            sessions: vec![
                // 0: alice on PC1, closed.
                session(
                    "PC1",
                    Some("alice"),
                    Some(2),
                    Some("2024-05-01T08:00:00Z"),
                    Some("2024-05-01T09:00:00Z"),
                    EndReason::Logoff,
                ),
                // 1: bob on PC2, ends at a shutdown.
                session(
                    "PC2",
                    Some("bob"),
                    Some(10),
                    Some("2024-05-01T07:00:00Z"),
                    Some("2024-05-01T12:00:00Z"),
                    EndReason::Shutdown,
                ),
                // 2: alice (other case) on PC2, orphan: no start.
                session(
                    "PC2",
                    Some("ALICE"),
                    Some(3),
                    None,
                    Some("2024-05-01T10:00:00Z"),
                    EndReason::Logoff,
                ),
                // 3: carol on PC1, still open at the end of the log.
                session(
                    "PC1",
                    Some("carol"),
                    None,
                    Some("2024-05-01T11:00:00Z"),
                    None,
                    EndReason::LogEnd,
                ),
                // 4: dave on PC2, also ended by the same shutdown (one marker for both).
                session(
                    "PC2",
                    Some("dave"),
                    Some(3),
                    Some("2024-05-01T11:30:00Z"),
                    Some("2024-05-01T12:00:00Z"),
                    EndReason::Shutdown,
                ),
                // 5: PC1 restarted without a shutdown.
                session(
                    "pc1",
                    None,
                    Some(5),
                    Some("2024-05-01T06:00:00Z"),
                    Some("2024-05-01T13:00:00Z"),
                    EndReason::Startup,
                ),
            ],
            ..Report::default()
        }
    }

    #[test]
    fn one_bar_per_visible_session_in_visible_order() {
        let r = report();
        let visible = [4, 0, 2, 99];
        let l = layout(&r, &visible, LaneBy::User);
        assert_eq!(
            l.bars.iter().map(|b| b.session).collect::<Vec<_>>(),
            [4, 0, 2]
        );
        let all: Vec<u32> = (0..6).collect();
        assert_eq!(layout(&r, &all, LaneBy::Computer).bars.len(), 6);
        assert_eq!(l.bar_of(0), Some(1));
        assert_eq!(l.bar_of(1), None);
        assert_eq!(l.bar_of(1000), None);
    }

    #[test]
    fn lanes_by_user_and_by_computer() {
        let r = report();
        let all: Vec<u32> = (0..6).collect();
        let users = layout(&r, &all, LaneBy::User);
        // alice and ALICE share a lane (names are case-insensitive), labelled after the lowest
        // session index; the account-less session falls back to its SID.
        let labels: Vec<&str> = users.lanes.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "S-1-5-21-1",
                "CORP\\bob",
                "CORP\\alice",
                "CORP\\carol",
                "CORP\\dave"
            ]
        );
        assert_eq!(users.lanes[2].sessions, 2);
        // The orphan's lane is ranked by its known time (its end), not by the span's start.
        assert_eq!(users.lanes[2].first, at("2024-05-01T08:00:00Z"));
        let alice = users.bar_of(2).unwrap();
        assert_eq!(users.bars[alice].lane, 2);
        assert_eq!(users.bars[users.bar_of(0).unwrap()].lane, 2);

        let computers = layout(&r, &all, LaneBy::Computer);
        let labels: Vec<(&str, usize)> = computers
            .lanes
            .iter()
            .map(|l| (l.label.as_str(), l.sessions))
            .collect();
        // PC1 and pc1 are one computer; its first session (06:00) ranks it first.
        assert_eq!(labels, [("PC1", 3), ("PC2", 3)]);
        for bar in &computers.bars {
            let computer = r.sessions[bar.session as usize].computer.to_lowercase();
            assert_eq!(
                computers.lanes[bar.lane as usize].label.to_lowercase(),
                computer
            );
        }
    }

    #[test]
    fn user_labels_fall_back() {
        let mut s = Session::new("PC", "0x1");
        assert_eq!(user_label(&s), "(unknown)");
        s.user_sid = Some("S-1-5-18".into());
        assert_eq!(user_label(&s), "S-1-5-18");
        s.user = Some("SYSTEM".into());
        assert_eq!(user_label(&s), "SYSTEM");
        s.domain = Some("NT AUTHORITY".into());
        assert_eq!(user_label(&s), "NT AUTHORITY\\SYSTEM");
    }

    #[test]
    fn orphan_and_open_bars_reach_the_span_edges() {
        let r = report();
        let all: Vec<u32> = (0..6).collect();
        let l = layout(&r, &all, LaneBy::User);
        assert_eq!(
            l.span,
            (at("2024-05-01T06:00:00Z"), at("2024-05-01T13:00:00Z"))
        );
        let orphan = l.bars[l.bar_of(2).unwrap()];
        assert!(orphan.open_start && !orphan.open_end);
        assert_eq!(orphan.start, l.span.0);
        assert_eq!(orphan.end, at("2024-05-01T10:00:00Z"));
        let open = l.bars[l.bar_of(3).unwrap()];
        assert!(open.open_end && !open.open_start);
        assert_eq!(open.end, l.span.1);
        assert_eq!(open.logon_type, None);
        let closed = l.bars[l.bar_of(0).unwrap()];
        assert!(!closed.open_start && !closed.open_end);
        assert_eq!(closed.logon_type, Some(2));
    }

    #[test]
    fn span_covers_all_sessions_not_only_visible_ones() {
        let r = report();
        let l = layout(&r, &[0], LaneBy::User);
        assert_eq!(
            l.span,
            (at("2024-05-01T06:00:00Z"), at("2024-05-01T13:00:00Z"))
        );
    }

    #[test]
    fn reboots_are_distinct_and_placed_by_lane_kind() {
        let r = report();
        let all: Vec<u32> = (0..6).collect();
        let computers = layout(&r, &all, LaneBy::Computer);
        let got: Vec<(Timestamp, &str, &str, Option<u32>)> = computers
            .reboots
            .iter()
            .map(|m| (m.time, m.computer.as_str(), m.label, m.lane))
            .collect();
        assert_eq!(
            got,
            [
                (at("2024-05-01T12:00:00Z"), "PC2", "Shutdown", Some(1)),
                (at("2024-05-01T13:00:00Z"), "pc1", "Startup", Some(0)),
            ]
        );
        let users = layout(&r, &all, LaneBy::User);
        assert_eq!(users.reboots.len(), 2);
        assert!(users.reboots.iter().all(|m| m.lane.is_none()));
        // Only alice's closed session on PC1 is visible: PC2's shutdown is not marked.
        let only_pc1 = layout(&r, &[0], LaneBy::User);
        assert_eq!(only_pc1.reboots.len(), 1);
        assert_eq!(only_pc1.reboots[0].label, "Startup");
        let only_pc1 = layout(&r, &[0], LaneBy::Computer);
        assert_eq!(only_pc1.reboots.len(), 1);
        assert_eq!(only_pc1.reboots[0].lane, Some(0));
    }

    #[test]
    fn empty_report_and_zero_length_span() {
        let empty = layout(&Report::default(), &[], LaneBy::User);
        assert!(empty.bars.is_empty() && empty.lanes.is_empty() && empty.reboots.is_empty());
        assert!(empty.span.1 > empty.span.0);
        let view = Viewport::fit(empty.span);
        assert!(view.seconds() > 0.0);
        assert!(!ticks(&view, 800.0, &|_| 0).is_empty());
        assert!(visible_bars(&empty, &view, 0..10).is_empty());

        let t = "2024-05-01T08:00:00Z";
        let r = Report {
            sessions: vec![session(
                "PC",
                Some("a"),
                Some(2),
                Some(t),
                Some(t),
                EndReason::Logoff,
            )],
            ..Report::default()
        };
        let l = layout(&r, &[0], LaneBy::User);
        assert_eq!(
            unix_seconds(l.span.1) - unix_seconds(l.span.0),
            MIN_SPAN_SECONDS
        );
        assert!(l.span.0 < at(t) && at(t) < l.span.1);
        assert_eq!(l.bars[0].start, l.bars[0].end);
    }

    #[test]
    fn legend_and_classes() {
        let r = report();
        let all: Vec<u32> = (0..6).collect();
        let l = layout(&r, &all, LaneBy::User);
        assert_eq!(legend(&l), [Some(2), Some(3), Some(5), Some(10), None]);
        assert_eq!(logon_type_class(Some(10)), "timeline-lt-10");
        assert_eq!(logon_type_class(Some(12)), "timeline-lt-other");
        assert_eq!(logon_type_class(None), "timeline-lt-other");
        assert_eq!(logon_type_colour(0), "other");
        assert_eq!(logon_type_colour(13), "other");
        assert_eq!(logon_type_colour(7), "7");
    }

    #[test]
    fn the_types_with_a_colour_are_those_of_the_catalog() {
        // (The stylesheets give each catalogued type a colour of its own: `--lt-<n>`.)
        for number in 0..64 {
            let coloured = logon_type_colour(number) != "other";
            let catalogued = logonscope_core::catalog::logon_type(number).is_some();
            assert_eq!(coloured, catalogued, "logon type {number}");
            if coloured {
                assert_eq!(logon_type_colour(number), number.to_string());
            }
        }
    }

    #[test]
    fn lane_by_keys_round_trip() {
        for by in LaneBy::ALL {
            assert_eq!(LaneBy::from_key(by.key()), Some(by));
        }
        assert_eq!(LaneBy::from_key("nope"), None);
        assert_eq!(LaneBy::default(), LaneBy::User);
    }

    #[test]
    fn viewport_maps_both_ways() {
        let span = (at("2024-05-01T00:00:00Z"), at("2024-05-02T00:00:00Z"));
        let view = Viewport::fit(span);
        assert!(view.start < unix_seconds(span.0) && view.end > unix_seconds(span.1));
        let noon = at("2024-05-01T12:00:00Z");
        assert!((view.x_of(noon, 1000.0) - 500.0).abs() < 1e-6);
        assert_eq!(view.time_at(view.x_of(noon, 1000.0), 1000.0), noon);
        assert_eq!(timestamp_at(unix_seconds(noon)), noon);
        assert_eq!(timestamp_at(-1e30), Timestamp(0));
    }

    #[test]
    fn zoom_keeps_the_anchor_and_clamps() {
        let span = (at("2024-05-01T00:00:00Z"), at("2024-05-02T00:00:00Z"));
        let view = Viewport::fit(span);
        let anchor = 300.0;
        let before = view.seconds_at(anchor, 1000.0);
        let zoomed = view.zoom(4.0, anchor, 1000.0, span);
        assert!((zoomed.seconds() - view.seconds() / 4.0).abs() < 1e-6);
        assert!((zoomed.seconds_at(anchor, 1000.0) - before).abs() < 1e-6);

        let mut deep = zoomed;
        for _ in 0..100 {
            deep = deep.zoom(10.0, anchor, 1000.0, span);
        }
        assert!((deep.seconds() - MIN_VIEW_SECONDS).abs() < 1e-9);
        assert!((deep.seconds_at(anchor, 1000.0) - before).abs() < 1e-3);

        let mut wide = view;
        for _ in 0..100 {
            wide = wide.zoom(0.5, 0.0, 1000.0, span);
        }
        assert!((wide.seconds() - 2.0 * 86_400.0).abs() < 1e-6);
        let middle = (wide.start + wide.end) / 2.0;
        assert!(middle >= unix_seconds(span.0) && middle <= unix_seconds(span.1));
        assert_eq!(view.zoom(f64::NAN, 0.0, 1000.0, span), view);
    }

    #[test]
    fn pan_moves_content_and_stays_near_the_data() {
        let span = (at("2024-05-01T00:00:00Z"), at("2024-05-02T00:00:00Z"));
        let view = Viewport::fit(span).zoom(8.0, 500.0, 1000.0, span);
        let moved = view.pan(100.0, 1000.0, span);
        // Dragging right by 10% of the plot shows 10% earlier times.
        assert!((moved.start - (view.start - view.seconds() / 10.0)).abs() < 1e-6);
        assert!((moved.seconds() - view.seconds()).abs() < 1e-6);
        let far = view.pan(-1e9, 1000.0, span);
        assert!(((far.start + far.end) / 2.0 - unix_seconds(span.1)).abs() < 1e-6);
    }

    fn check_ticks(view: &Viewport, width: f64, offset: &dyn Fn(Timestamp) -> i32) -> Vec<Tick> {
        let ticks = ticks(view, width, offset);
        assert!(!ticks.is_empty(), "no ticks for {view:?}");
        for pair in ticks.windows(2) {
            assert!(pair[0].time < pair[1].time);
            let gap = view.x_of(pair[1].time, width) - view.x_of(pair[0].time, width);
            // Nice steps are at most ~3x apart and months vary, so at least 2/3 of the target.
            assert!(gap >= TICK_SPACING_PX * 0.66, "{gap} px apart in {view:?}");
        }
        for tick in &ticks {
            let s = unix_seconds(tick.time);
            assert!(s >= view.start && s <= view.end);
        }
        assert!(ticks.len() as f64 <= width / TICK_SPACING_PX + 1.0);
        ticks
    }

    #[test]
    fn ticks_are_nice_increasing_and_within_the_viewport() {
        let utc = |_: Timestamp| 0;
        let day = (at("2024-05-01T00:00:00Z"), at("2024-05-02T00:00:00Z"));
        let view = Viewport::fit(day);
        let got = check_ticks(&view, 1200.0, &utc);
        // A day on 1200 px: 3-hour steps, midnight as a major tick with its date.
        let labels: Vec<&str> = got.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "2024-05-01",
                "03:00",
                "06:00",
                "09:00",
                "12:00",
                "15:00",
                "18:00",
                "21:00",
                "2024-05-02"
            ]
        );
        assert!(got[0].major && !got[1].major);

        // Seconds.
        let narrow = Viewport {
            start: unix_seconds(at("2024-05-01T10:00:00Z")),
            end: unix_seconds(at("2024-05-01T10:00:10Z")),
        };
        let got = check_ticks(&narrow, 1000.0, &utc);
        assert_eq!(got[0].label, "10:00:00");
        assert_eq!(got[1].label, "10:00:01");

        // Months and years.
        let year = Viewport {
            start: unix_seconds(at("2023-11-15T00:00:00Z")),
            end: unix_seconds(at("2025-03-01T00:00:00Z")),
        };
        let got = check_ticks(&year, 1600.0, &utc);
        assert!(got.iter().any(|t| t.label == "2024" && t.major));
        assert!(got.iter().any(|t| t.label == "2024-02" && !t.major));
        let centuries = Viewport {
            start: unix_seconds(at("1601-01-01T00:00:00Z")),
            end: unix_seconds(at("2024-05-01T00:00:00Z")),
        };
        let got = check_ticks(&centuries, 800.0, &utc);
        assert!(got.iter().all(|t| t.major && t.label.len() == 4));

        // Weeks start on Mondays.
        let weeks = Viewport {
            start: unix_seconds(at("2024-04-01T00:00:00Z")),
            end: unix_seconds(at("2024-05-20T00:00:00Z")),
        };
        let got = check_ticks(&weeks, 1000.0, &utc);
        assert_eq!(got[0].label, "2024-04-01");
        assert_eq!(got[1].label, "2024-04-08");

        // Every zoom level of a week-long span on a small plot stays consistent.
        let week = (at("2024-05-01T00:00:00Z"), at("2024-05-08T00:00:00Z"));
        let mut view = Viewport::fit(week);
        for _ in 0..40 {
            check_ticks(&view, 640.0, &utc);
            view = view.zoom(1.7, 200.0, 640.0, week);
        }
    }

    #[test]
    fn ticks_follow_the_local_clock() {
        // Two hours east of UTC: local midnight is 22:00 UTC.
        let plus_two = |_: Timestamp| 120;
        let view = Viewport {
            start: unix_seconds(at("2024-04-30T20:00:00Z")),
            end: unix_seconds(at("2024-05-01T04:00:00Z")),
        };
        let got = check_ticks(&view, 800.0, &plus_two);
        let midnight = got.iter().find(|t| t.major).unwrap();
        assert_eq!(midnight.time, at("2024-04-30T22:00:00Z"));
        assert_eq!(midnight.label, "2024-05-01");

        // A daylight-saving change inside the viewport (+1h before, +2h after 01:00 UTC).
        let change = at("2024-03-31T01:00:00Z");
        let dst = move |t: Timestamp| if t < change { 60 } else { 120 };
        let view = Viewport {
            start: unix_seconds(at("2024-03-30T20:00:00Z")),
            end: unix_seconds(at("2024-03-31T06:00:00Z")),
        };
        let got = check_ticks(&view, 1000.0, &dst);
        // Every tick is on a local whole hour.
        for tick in &got {
            let local = unix_seconds(tick.time) + f64::from(dst(tick.time)) * 60.0;
            assert_eq!(local.rem_euclid(3_600.0), 0.0, "{tick:?}");
        }
    }

    fn many(count: u32, lanes: u32) -> Report {
        let base = unix_seconds(at("2024-01-01T00:00:00Z"));
        let mut sessions: Vec<Session> = (0..count)
            .map(|i| {
                let mut s = Session::new(format!("PC{}", i % lanes), "0x1");
                s.start = Some(timestamp_at(base + f64::from(i) * 60.0));
                s.end = Some(timestamp_at(
                    base + f64::from(i) * 60.0 + f64::from(i % 7) * 600.0,
                ));
                s.logon_type = Some(3);
                s
            })
            .collect();
        // One session per lane open to the end: the worst case for the reach index.
        for lane in 0..lanes {
            let mut s = Session::new(format!("PC{lane}"), "0x2");
            s.start = Some(timestamp_at(base));
            sessions.push(s);
        }
        Report {
            sessions,
            ..Report::default()
        }
    }

    fn brute_force(l: &TimelineLayout, view: &Viewport, lanes: Range<usize>) -> Vec<u32> {
        let from = timestamp_at(view.start.floor());
        let to = timestamp_at(view.end.ceil());
        let mut out = Vec::new();
        for lane in lanes {
            out.extend(l.lane_bars(lane).iter().copied().filter(|&b| {
                let bar = &l.bars[b as usize];
                bar.start <= to && bar.end >= from
            }));
        }
        out
    }

    #[test]
    fn culling_matches_a_brute_force_scan() {
        let r = many(5_000, 7);
        let all: Vec<u32> = (0..r.sessions.len() as u32).collect();
        let l = layout(&r, &all, LaneBy::Computer);
        assert_eq!(l.bars.len(), 5_007);
        for lane in 0..l.lanes.len() {
            let bars = l.lane_bars(lane);
            assert!(
                bars.windows(2)
                    .all(|w| { l.bars[w[0] as usize].start <= l.bars[w[1] as usize].start })
            );
            assert!(
                bars.iter()
                    .all(|&b| l.bars[b as usize].lane as usize == lane)
            );
        }
        let mut view = Viewport::fit(l.span);
        assert_eq!(visible_bars(&l, &view, 0..100).len(), l.bars.len());
        for step in 0..30 {
            view = view.zoom(1.5, 100.0 + f64::from(step) * 20.0, 1000.0, l.span);
            let lanes = (step % 3) as usize..7;
            assert_eq!(
                visible_bars(&l, &view, lanes.clone()),
                brute_force(&l, &view, lanes)
            );
        }
        // A viewport before all data shows nothing.
        let before = Viewport {
            start: view.start - 1e7,
            end: view.start - 1e7 + 10.0,
        };
        assert!(visible_bars(&l, &before, 0..7).is_empty());
    }

    #[test]
    fn a_view_serves_views_near_it() {
        let view = Viewport {
            start: 1_000.0,
            end: 2_000.0,
        };
        let moved = |start: f64, end: f64| Viewport { start, end };
        assert!(view.serves(&view, 1.0));
        assert!(view.serves(&moved(100.0, 1_100.0), 1.0));
        assert!(view.serves(&moved(1_900.0, 2_900.0), 1.0));
        assert!(
            !view.serves(&moved(1_900.0, 3_100.0), 1.0),
            "past the margin"
        );
        assert!(
            !view.serves(&moved(-100.0, 900.0), 1.0),
            "before the margin"
        );
        assert!(
            view.serves(&moved(1_000.0, 1_500.0), 1.0),
            "zoomed in twice"
        );
        assert!(
            !view.serves(&moved(1_000.0, 1_400.0), 1.0),
            "zoomed in more"
        );
        assert!(view.serves(&moved(500.0, 2_500.0), 1.0), "zoomed out twice");
        assert!(!view.serves(&moved(400.0, 2_600.0), 1.0), "zoomed out more");
        assert!(!view.serves(&moved(1_500.0, 2_500.0), 0.0), "no margin");
    }

    fn culling(width_px: f64, budget: usize) -> Culling {
        Culling {
            width_px,
            min_px: 1.0,
            lane_px: 22.0,
            budget,
            first_cell_px: 1.0,
        }
    }

    /// Every visible bar lies within a drawn bar of its lane and band, give or take a cell.
    fn assert_covered(l: &TimelineLayout, view: &Viewport, width: f64, drawn: &Drawn) {
        let cell = drawn.cell_px;
        let span = |b: &Bar| {
            let x0 = view.x_of(b.start, width);
            (x0, view.x_of(b.end, width).max(x0 + 1.0))
        };
        let band = |b: &Bar| band_of(l.lanes[b.lane as usize].rows, b.row, 22.0, cell).0;
        for &b in &visible_bars(l, view, 0..l.lanes.len()) {
            let bar = &l.bars[b as usize];
            let (x0, x1) = span(bar);
            assert!(
                drawn.bars.iter().any(|&d| {
                    let d = &l.bars[d as usize];
                    let (d0, d1) = span(d);
                    d.lane == bar.lane && band(d) == band(bar) && d0 <= x0 + 1e-9 && d1 + cell >= x1
                }),
                "bar {b} is neither drawn nor covered"
            );
        }
    }

    #[test]
    fn drawn_bars_leave_out_only_covered_ones() {
        // 30,000 ten-second sessions, one every 20 seconds, in one lane: one row, and about
        // 37 sessions per pixel at 800 px.
        let base = unix_seconds(at("2024-01-01T00:00:00Z"));
        let sessions = (0..30_000)
            .map(|i| {
                let mut s = Session::new("PC", "0x1");
                s.start = Some(timestamp_at(base + f64::from(i) * 20.0));
                s.end = Some(timestamp_at(base + f64::from(i) * 20.0 + 10.0));
                s
            })
            .collect();
        let r = Report {
            sessions,
            ..Report::default()
        };
        let all: Vec<u32> = (0..30_000).collect();
        let l = layout(&r, &all, LaneBy::Computer);
        assert_eq!(l.lanes[0].rows, 1);
        let width = 800.0;
        let view = Viewport::fit(l.span);
        let drawn = drawn_bars(&l, &view, 0..1, &culling(width, usize::MAX), None);
        assert_eq!(drawn.cell_px, 1.0);
        assert!(
            drawn.bars.len() <= 810 && drawn.bars.len() > 400,
            "{}",
            drawn.bars.len()
        );
        assert_covered(&l, &view, width, &drawn);
        // Zoomed in to a few minutes, every bar is far wider than a pixel: all are drawn.
        let close = Viewport {
            start: base + 3_000.0,
            end: base + 3_300.0,
        };
        let drawn = drawn_bars(&l, &close, 0..1, &culling(width, usize::MAX), None);
        assert_eq!(drawn.bars, visible_bars(&l, &close, 0..1));
        // The selected bar is drawn even when covered.
        let keep = l.bar_of(12_345).unwrap();
        let drawn = drawn_bars(&l, &view, 0..1, &culling(width, usize::MAX), Some(keep));
        assert!(drawn.bars.contains(&(keep as u32)));

        // Overlapping sessions with open ones: still only covered bars are left out.
        let r = many(20_000, 3);
        let all: Vec<u32> = (0..r.sessions.len() as u32).collect();
        let l = layout(&r, &all, LaneBy::Computer);
        let view = Viewport::fit(l.span);
        let drawn = drawn_bars(&l, &view, 0..3, &culling(width, usize::MAX), None);
        assert!(drawn.bars.len() as f64 <= 3.0 * 18.0 * (width + 10.0));
        assert_covered(&l, &view, width, &drawn);
    }

    #[test]
    fn drawn_bars_keep_to_the_budget() {
        let r = many(200_000, 5);
        let all: Vec<u32> = (0..r.sessions.len() as u32).collect();
        let l = layout(&r, &all, LaneBy::Computer);
        let view = Viewport::fit(l.span);
        let width = 1200.0;
        let unlimited = drawn_bars(&l, &view, 0..5, &culling(width, usize::MAX), None);
        let drawn = drawn_bars(&l, &view, 0..5, &culling(width, 2_000), Some(77));
        assert!(unlimited.bars.len() > 2_001);
        assert!(drawn.bars.len() <= 2_001, "{}", drawn.bars.len());
        assert!(drawn.cell_px > 1.0);
        assert!(drawn.bars.contains(&77));
        assert_covered(&l, &view, width, &drawn);
    }

    #[test]
    fn overlapping_bars_get_their_own_rows() {
        let r = many(2_000, 4);
        let all: Vec<u32> = (0..r.sessions.len() as u32).collect();
        let l = layout(&r, &all, LaneBy::Computer);
        for (lane, info) in l.lanes.iter().enumerate() {
            let bars = l.lane_bars(lane);
            // No two bars of one row overlap.
            for row in 0..info.rows {
                let mut in_row: Vec<&Bar> = bars
                    .iter()
                    .map(|&b| &l.bars[b as usize])
                    .filter(|b| b.row == row)
                    .collect();
                assert!(!in_row.is_empty(), "row {row} of lane {lane} is empty");
                in_row.sort_by_key(|b| b.start);
                for pair in in_row.windows(2) {
                    assert!(pair[0].end < pair[1].start);
                }
            }
            // As few rows as the most sessions open at one time.
            let mut events: Vec<(Timestamp, i32)> = bars
                .iter()
                .flat_map(|&b| {
                    let b = &l.bars[b as usize];
                    [(b.start, 1), (b.end, -1)]
                })
                .collect();
            events.sort_by_key(|&(t, delta)| (t, -delta));
            let mut open = 0;
            let mut most = 0;
            for (_, delta) in events {
                open += delta;
                most = most.max(open);
            }
            assert_eq!(info.rows, most as u32);
        }

        // Twins (an elevated logon and its linked one) share start and end: two rows.
        let t = Some("2024-05-01T08:00:00Z");
        let e = Some("2024-05-01T09:00:00Z");
        let r = Report {
            sessions: vec![
                session("PC", Some("a"), Some(2), t, e, EndReason::Logoff),
                session("PC", Some("a"), Some(2), t, e, EndReason::Logoff),
            ],
            ..Report::default()
        };
        let l = layout(&r, &[0, 1], LaneBy::User);
        assert_eq!(l.lanes[0].rows, 2);
        assert_ne!(l.bars[0].row, l.bars[1].row);
    }

    #[test]
    fn bands_split_the_lane_without_overlap() {
        assert_eq!(bar_band(1, 0, 22.0), (4.0, 14.0));
        for rows in 2..200 {
            let mut lines: Vec<(f64, f64)> =
                (0..rows).map(|row| bar_band(rows, row, 22.0)).collect();
            lines.dedup();
            assert_eq!(lines.len() as u32, rows.min(MAX_SHOWN_ROWS), "{rows} rows");
            let mut bottom = 0.0;
            for (top, height) in lines {
                assert!(height >= 1.0 && top >= bottom - 1e-9, "{rows} rows");
                bottom = top + height;
            }
            assert!(bottom <= 22.0 + 1e-9);
        }
        // Rows keep their order on the lines they share.
        assert_eq!(shown_row(18, 0), (0, 9));
        assert_eq!(shown_row(18, 17), (8, 9));
        assert_eq!(shown_row(3, 2), (2, 3));
    }

    #[test]
    fn a_million_bars_cull_quickly() {
        let r = many(1_000_000, 50);
        let all: Vec<u32> = (0..r.sessions.len() as u32).collect();
        let l = layout(&r, &all, LaneBy::Computer);
        assert_eq!(l.bars.len(), 1_000_050);
        let view = Viewport::fit(l.span).zoom(1000.0, 500.0, 1000.0, l.span);
        let started = std::time::Instant::now();
        let seen = visible_bars(&l, &view, 0..50);
        let drawn = drawn_bars(&l, &view, 0..50, &culling(1000.0, 15_000), None);
        assert!(!seen.is_empty() && drawn.bars.len() <= seen.len().min(15_001));
        // Generous even for an unoptimised test build on a busy machine.
        assert!(started.elapsed().as_millis() < 2_000);
    }

    /// The culling pass as a plain scan over every visible bar, for [`drawn_at`] to match.
    fn drawn_by_scan(
        l: &TimelineLayout,
        view: &Viewport,
        lanes: Range<usize>,
        culling: &Culling,
        cell_px: f64,
    ) -> Vec<u32> {
        let mut out = Vec::new();
        let mut current_lane = usize::MAX;
        let mut covered: Vec<f64> = Vec::new();
        for_each_visible(l, view, lanes, |lane, index| {
            let rows = l.lanes[lane].rows;
            if lane != current_lane {
                current_lane = lane;
                let (_, bands) = band_of(rows, 0, culling.lane_px, cell_px);
                covered.clear();
                covered.resize(bands as usize, f64::NEG_INFINITY);
            }
            let bar = &l.bars[index as usize];
            let x0 = view.x_of(bar.start, culling.width_px);
            let x1 = view
                .x_of(bar.end, culling.width_px)
                .max(x0 + culling.min_px);
            let (band, _) = band_of(rows, bar.row, culling.lane_px, cell_px);
            let reach = &mut covered[band as usize];
            if x1 >= *reach + cell_px {
                *reach = reach.max(x1);
                out.push(index);
            }
        });
        out
    }

    #[test]
    fn culling_jumps_give_what_a_full_scan_gives() {
        // Lanes of many rows (open sessions and bursts of overlapping ones), zoomed and panned.
        let base = unix_seconds(at("2024-01-01T00:00:00Z"));
        let mut sessions: Vec<Session> = (0..60_000u32)
            .map(|i| {
                let mut s = Session::new(format!("PC{}", i % 5), "0x1");
                let start = base + f64::from(i) * 37.0 + f64::from(i % 13) * 400.0;
                s.start = (i % 97 != 0).then(|| timestamp_at(start));
                let length = match i % 11 {
                    0 => 86_400.0 * 3.0,
                    1..=3 => 5.0,
                    _ => f64::from(i % 17) * 300.0,
                };
                s.end = (i % 89 != 0).then(|| timestamp_at(start + length));
                s
            })
            .collect();
        sessions.push(Session::new("PC0", "0x2"));
        let r = Report {
            sessions,
            ..Report::default()
        };
        let all: Vec<u32> = (0..r.sessions.len() as u32).collect();
        let l = layout(&r, &all, LaneBy::Computer);
        assert!(l.lanes.iter().any(|lane| lane.rows > MAX_SHOWN_ROWS));
        let width = 1_000.0;
        let mut view = Viewport::fit(l.span);
        for step in 0..24 {
            for cell in [1.0, 2.0, 5.0, 16.0] {
                let culling = Culling {
                    width_px: width,
                    min_px: 2.0,
                    lane_px: 22.0,
                    budget: usize::MAX,
                    first_cell_px: 1.0,
                };
                let lanes = (step % 2) as usize..5;
                let mut jumped = drawn_at(&l, &view, lanes.clone(), &culling, cell, None);
                let mut scanned = drawn_by_scan(&l, &view, lanes, &culling, cell);
                jumped.sort_unstable();
                scanned.sort_unstable();
                assert_eq!(jumped, scanned, "step {step}, cell {cell}");
            }
            view = if step % 3 == 2 {
                view.pan(-350.0, width, l.span)
            } else {
                view.zoom(1.6, 300.0, width, l.span)
            };
        }
    }
}
