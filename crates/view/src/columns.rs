//! The columns of the sessions table: their headers, what each cell says, and the order of
//! the rows when the analyst sorts by one of them.
//!
//! [`visible_sessions`] runs over the whole report whenever the filter or the sort changes,
//! so it works on indices and compares sessions in place (no key is built per comparison).
//! Sorting is stable: rows that tie keep the report's order, which is (computer, start),
//! the order an analyst reads a log in. Empty cells sort last whichever the direction, so
//! that flipping the direction never buries the data under a block of blanks.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::Hash;

use logonscope_core::Report;
use logonscope_core::catalog;
use logonscope_core::report::{EndReason, Session};
use logonscope_core::text::Text;
use logonscope_core::time::Timestamp;
use serde::{Deserialize, Serialize};

use crate::accounts::account_name;
use crate::filter::{SessionFilter, SessionIndex, cmp_ignore_case, flags, ordered_bits};
use crate::radix::{RadixSort, radix_sort};
use crate::zone::format_duration;

/// A column of the sessions table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Computer,
    User,
    LogonType,
    SourceIp,
    Workstation,
    #[default]
    Start,
    End,
    Duration,
    EndReason,
    Admin,
    Elevated,
    AuthPackage,
}

impl Column {
    /// Every column, in the table's order.
    pub const ALL: [Column; 12] = [
        Column::Computer,
        Column::User,
        Column::LogonType,
        Column::SourceIp,
        Column::Workstation,
        Column::Start,
        Column::End,
        Column::Duration,
        Column::EndReason,
        Column::Admin,
        Column::Elevated,
        Column::AuthPackage,
    ];

    /// Where the column is in [`Column::ALL`] (the variants are declared in that order).
    pub(crate) fn slot(self) -> usize {
        self as usize
    }

    /// The header, in Event Viewer's words.
    pub fn title(self) -> &'static str {
        match self {
            Column::Computer => "Computer",
            Column::User => "User",
            Column::LogonType => "Logon type",
            Column::SourceIp => "Source IP",
            Column::Workstation => "Workstation",
            Column::Start => "Start",
            Column::End => "End",
            Column::Duration => "Duration",
            Column::EndReason => "End reason",
            Column::Admin => "Admin",
            Column::Elevated => "Elevated",
            Column::AuthPackage => "Auth package",
        }
    }

    /// A stable name (for test ids, CSS classes and saved settings).
    pub fn key(self) -> &'static str {
        match self {
            Column::Computer => "computer",
            Column::User => "user",
            Column::LogonType => "logon_type",
            Column::SourceIp => "source_ip",
            Column::Workstation => "workstation",
            Column::Start => "start",
            Column::End => "end",
            Column::Duration => "duration",
            Column::EndReason => "end_reason",
            Column::Admin => "admin",
            Column::Elevated => "elevated",
            Column::AuthPackage => "auth_package",
        }
    }

    /// The cell of `s` in this column; empty when the value is unknown. `show_time` writes
    /// times in the zone the page uses.
    pub fn cell_text(self, s: &Session, show_time: &dyn Fn(Timestamp) -> String) -> String {
        let text = |value: &Option<Text>| value.as_deref().unwrap_or_default().to_string();
        match self {
            Column::Computer => s.computer.to_string(),
            Column::User => account_text(s.domain.as_deref(), s.user.as_deref()),
            Column::LogonType => s.logon_type.map_or_else(String::new, |number| {
                logon_type_text(number, s.logon_type_name.as_deref())
            }),
            Column::SourceIp => text(&s.source_ip),
            Column::Workstation => text(&s.workstation),
            Column::Start => s.start.map(show_time).unwrap_or_default(),
            Column::End => s.end.map(show_time).unwrap_or_default(),
            Column::Duration => s.duration_seconds.map(format_duration).unwrap_or_default(),
            Column::EndReason => end_reason_title(s.end_reason).to_string(),
            Column::Admin => yes(s.admin).to_string(),
            Column::Elevated => yes(s.elevated == Some(true)).to_string(),
            Column::AuthPackage => text(&s.auth_package),
        }
    }
}

fn yes(flag: bool) -> &'static str {
    if flag { "yes" } else { "" }
}

/// An account as Windows writes it: `DOMAIN\user`, or whichever part is known.
pub fn account_text(domain: Option<&str>, user: Option<&str>) -> String {
    account_name(domain, user)
        .or_else(|| domain.map(|domain| format!("{domain}\\")))
        .unwrap_or_default()
}

/// A logon type with its name: `10 RemoteInteractive`; a number without a name alone (`12`).
/// `name` is the report's `logon_type_name`; the catalog names the type when it is missing.
pub fn logon_type_text(number: u32, name: Option<&str>) -> String {
    let name = name.map_or_else(|| catalog::logon_type_name(number), str::to_string);
    if name == number.to_string() {
        name
    } else {
        format!("{number} {name}")
    }
}

/// How a session ended, in words, with the event that says so.
pub fn end_reason_title(reason: EndReason) -> &'static str {
    match reason {
        EndReason::Logoff => "Logoff (4634)",
        EndReason::UserLogoff => "User logoff (4647)",
        EndReason::Superseded => "Superseded",
        EndReason::Startup => "Startup (4608)",
        EndReason::Shutdown => "Shutdown (4609/1100)",
        EndReason::LogEnd => "Log end",
    }
}

/// The order of the table: a column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Sort {
    pub column: Column,
    pub descending: bool,
}

impl Sort {
    /// The sort after a click on `column`'s header: the same column flips direction, another
    /// column sorts ascending.
    pub fn clicked(self, column: Column) -> Sort {
        if self.column == column {
            Sort {
                column,
                descending: !self.descending,
            }
        } else {
            Sort {
                column,
                descending: false,
            }
        }
    }
}

/// The indices (into `report.sessions`) of the sessions `filter` keeps, in the order of `sort`.
///
/// Tests every session; with the report's [`SessionIndex`], [`visible_sessions_indexed`] gives
/// the same rows in a fraction of the time.
pub fn visible_sessions(report: &Report, filter: &SessionFilter, sort: Sort) -> Vec<u32> {
    let sessions = &report.sessions;
    let matcher = filter.matcher();
    let count = u32::try_from(sessions.len()).unwrap_or(u32::MAX);
    let mut indices: Vec<u32> = if matcher.keeps_all() {
        (0..count).collect()
    } else {
        (0..count)
            .filter(|&i| matcher.matches(&sessions[i as usize]))
            .collect()
    };
    sort_indices(sessions, &mut indices, sort);
    indices
}

/// [`visible_sessions`] with `index`, the [`SessionIndex`] of `report`: the filter tests each
/// profile once and each session only for its times, and text columns sort by profile. (An
/// index of another report is noticed by its size, and one made afresh.)
pub fn visible_sessions_indexed(
    report: &Report,
    index: &SessionIndex,
    filter: &SessionFilter,
    sort: Sort,
) -> Vec<u32> {
    let sessions = &report.sessions;
    if !index.fits(sessions) {
        // (Not the plain `visible_sessions`: that would put the whole unindexed way in the
        // page's code, which only ever passes the index of its report.)
        return visible_sessions_indexed(report, &SessionIndex::new(sessions), filter, sort);
    }
    let Some(order) = column_order(sessions, index, sort.column) else {
        return Vec::new();
    };
    if sort.descending {
        index.filtered_in(sessions, filter, order.descending())
    } else {
        index.filtered_in(sessions, filter, order.ascending.iter().copied())
    }
}

/// Every session of `sessions` (indexed by `index`) in the ascending order of `column`, made
/// the first time and then kept in `index`. (Called ahead, it spares the first view of the
/// table the sort.)
pub fn ascending_order<'i>(
    sessions: &[Session],
    index: &'i SessionIndex,
    column: Column,
) -> &'i [u32] {
    column_order(sessions, index, column).map_or(&[], |order| &order.ascending)
}

/// The [`ColumnOrder`] of `column`, made the first time and then kept in `index`.
fn column_order<'i>(
    sessions: &[Session],
    index: &'i SessionIndex,
    column: Column,
) -> Option<&'i ColumnOrder> {
    index.cached_order(column.slot(), || {
        let mut maker = OrderMaker::new(column);
        loop {
            match maker.advance(sessions, index, usize::MAX) {
                Ok(order) => break order,
                Err(more) => maker = more,
            }
        }
    })
}

/// A column's order (as a first sort by it makes and [`SessionIndex`] keeps), made a bounded
/// share at a time. On a million sessions a first sort by a column of times takes the page
/// tens of milliseconds, so once a load is shown the page makes every column's order ahead,
/// between frames, and the analyst's first click on a header finds it made.
pub struct OrderMaker {
    column: Column,
    making: Making,
}

enum Making {
    /// `ranks[i]`: the rank of session `i` in the column, for the first sessions; a column
    /// whose cells a profile decides has its profiles ranked first (`by_profile`).
    Ranking {
        by_profile: Option<Vec<Option<u64>>>,
        ranks: Vec<Option<u64>>,
    },
    /// Every session sorted by its key; `present`: how many have a value.
    Sorting {
        sort: Box<RadixSort>,
        present: usize,
    },
}

impl OrderMaker {
    pub fn new(column: Column) -> OrderMaker {
        OrderMaker {
            column,
            making: Making::Ranking {
                by_profile: None,
                ranks: Vec::new(),
            },
        }
    }

    /// Goes on for about `count` sessions' worth of work. `None` once the order is kept in
    /// `index`, the index of `sessions` (at once if it already was, or if `index` is not the
    /// index of `sessions`); otherwise the maker, to go on with later.
    pub fn step(self, sessions: &[Session], index: &SessionIndex, count: usize) -> Option<Self> {
        let slot = self.column.slot();
        if !index.fits(sessions) || index.has_order(slot) {
            return None;
        }
        match self.advance(sessions, index, count) {
            Ok(order) => {
                index.cached_order(slot, || order);
                None
            }
            Err(more) => Some(more),
        }
    }

    /// [`step`](Self::step) without keeping the order: the order once made, else the maker.
    fn advance(
        mut self,
        sessions: &[Session],
        index: &SessionIndex,
        count: usize,
    ) -> Result<ColumnOrder, OrderMaker> {
        let column = self.column;
        match self.making {
            Making::Ranking {
                mut by_profile,
                mut ranks,
            } => {
                let from = ranks.len();
                let end = sessions.len().min(from.saturating_add(count));
                if is_profile_column(column) {
                    let by_profile =
                        by_profile.get_or_insert_with(|| profile_ranks(sessions, index, column));
                    let profile_of = index.profile_of();
                    ranks.extend(
                        profile_of[from..end]
                            .iter()
                            .map(|&profile| by_profile[profile as usize]),
                    );
                } else {
                    ranks.extend((from..end).map(|i| indexed_number(index, column, i as u32)));
                }
                self.making = if end == sessions.len() {
                    let (keys, present) = keys_of(ranks, false);
                    let every: Vec<u32> = (0..end as u32).collect();
                    Making::Sorting {
                        sort: Box::new(RadixSort::new(keys, every)),
                        present,
                    }
                } else {
                    Making::Ranking { by_profile, ranks }
                };
                Err(self)
            }
            Making::Sorting { mut sort, present } => {
                if sort.step(count) {
                    let (keys, ascending) = sort.into_sorted();
                    Ok(ColumnOrder::of_sorted(ascending, &keys, present))
                } else {
                    self.making = Making::Sorting { sort, present };
                    Err(self)
                }
            }
        }
    }
}

/// Every session in the ascending order of one column, as [`SessionIndex`] keeps it, with
/// which rows have the value of the row before: the descending order (groups of equal
/// values, last group first, each group in report order as a stable sort leaves it, the empty
/// cells still last) is then read off in one pass, without looking a value up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ColumnOrder {
    ascending: Vec<u32>,
    /// How many rows have a value (the empty cells come after them).
    present: usize,
    /// Bit `i`: row `i` has the value of row `i - 1`.
    ties: Vec<u64>,
}

impl ColumnOrder {
    /// The order of sessions `ascending`, sorted by `keys` (equal keys, equal cells), of which
    /// the first `present` have a value.
    fn of_sorted(ascending: Vec<u32>, keys: &[u64], present: usize) -> ColumnOrder {
        let mut ties = vec![0u64; keys.len().div_ceil(64)];
        for (at, pair) in keys.windows(2).enumerate() {
            if pair[0] == pair[1] {
                ties[(at + 1) / 64] |= 1 << ((at + 1) % 64);
            }
        }
        ColumnOrder {
            ascending,
            present,
            ties,
        }
    }

    fn ties_previous(&self, row: usize) -> bool {
        self.ties
            .get(row / 64)
            .is_some_and(|bits| bits >> (row % 64) & 1 == 1)
    }

    fn descending(&self) -> Vec<u32> {
        let present = self.present.min(self.ascending.len());
        let mut descending = Vec::with_capacity(self.ascending.len());
        let mut end = present;
        while end > 0 {
            let mut start = end - 1;
            while start > 0 && self.ties_previous(start) {
                start -= 1;
            }
            descending.extend_from_slice(&self.ascending[start..end]);
            end = start;
        }
        descending.extend_from_slice(&self.ascending[present..]);
        descending
    }
}

/// The rank of each profile of `index` in `column`, a column whose cells a profile decides.
fn profile_ranks(sessions: &[Session], index: &SessionIndex, column: Column) -> Vec<Option<u64>> {
    let representatives = index.representatives();
    if is_text_column(column) {
        text_ranks(
            sessions,
            representatives,
            |s| text_of(column, s),
            |key| text_parts(column, key),
        )
    } else {
        let end_reasons = end_reasons_by_title();
        representatives
            .iter()
            .map(|&i| number_of(column, &sessions[i as usize], &end_reasons))
            .collect()
    }
}

/// The end reasons in the order of the titles the cells show.
fn end_reasons_by_title() -> [EndReason; 6] {
    let mut end_reasons = EndReason::ALL;
    end_reasons.sort_by(|a, b| cmp_ignore_case(&[end_reason_title(*a)], &[end_reason_title(*b)]));
    end_reasons
}

/// What a text column sorts by: the cell's text as a hashable key, and the key spelt out as up
/// to three parts read one after the other (`DOMAIN`, `\`, `user`).
type TextKey<'a> = (Option<&'a str>, Option<&'a str>);

/// Whether a column shows text (sorted case-insensitively) rather than a number, a time or a
/// choice.
fn is_text_column(column: Column) -> bool {
    matches!(
        column,
        Column::Computer
            | Column::User
            | Column::SourceIp
            | Column::Workstation
            | Column::AuthPackage
    )
}

/// The text a text column sorts by, as a key (`None`: empty cell, or not a text column).
fn text_of(column: Column, s: &Session) -> Option<TextKey<'_>> {
    match column {
        Column::Computer => Some((Some(s.computer.as_str()), None)),
        Column::User => (s.domain.is_some() || s.user.is_some())
            .then_some((s.domain.as_deref(), s.user.as_deref())),
        Column::SourceIp => s.source_ip.as_deref().map(|t| (Some(t), None)),
        Column::Workstation => s.workstation.as_deref().map(|t| (Some(t), None)),
        Column::AuthPackage => s.auth_package.as_deref().map(|t| (Some(t), None)),
        _ => None,
    }
}

/// A text key spelt out as the cell writes it: `DOMAIN\user`, `user`, or `DOMAIN\`.
fn text_parts<'a>(column: Column, (first, second): TextKey<'a>) -> [&'a str; 3] {
    match column {
        Column::User => match first {
            Some(domain) => [domain, "\\", second.unwrap_or("")],
            None => [second.unwrap_or(""), "", ""],
        },
        _ => [first.unwrap_or(""), "", ""],
    }
}

/// The rank of a session in a column that is not text (`None`: empty cell, or a text column).
fn number_of(column: Column, s: &Session, end_reasons: &[EndReason; 6]) -> Option<u64> {
    match column {
        Column::LogonType => s.logon_type.map(u64::from),
        Column::Start => s.start.map(|t| t.0),
        Column::End => s.end.map(|t| t.0),
        Column::Duration => s.duration_seconds.map(ordered_bits),
        Column::EndReason => end_reasons
            .iter()
            .position(|r| *r == s.end_reason)
            .map(|at| at as u64),
        Column::Admin => Some(u64::from(s.admin)),
        Column::Elevated => s.elevated.map(u64::from),
        _ => None,
    }
}

/// [`number_of`] a session read from the index (columns of the session's own only).
fn indexed_number(index: &SessionIndex, column: Column, session: u32) -> Option<u64> {
    let has = |bit: u8| index.flags_of(session) & bit != 0;
    match column {
        Column::Start => index.start(session),
        Column::End => index.end(session),
        Column::Duration => index.duration(session),
        Column::Admin => Some(u64::from(has(flags::ADMIN))),
        Column::Elevated => has(flags::ELEVATION_KNOWN).then(|| u64::from(has(flags::ELEVATED))),
        _ => None,
    }
}

/// Whether a column's value is the same for every session of a profile.
fn is_profile_column(column: Column) -> bool {
    matches!(
        column,
        Column::Computer
            | Column::User
            | Column::LogonType
            | Column::SourceIp
            | Column::Workstation
            | Column::EndReason
            | Column::AuthPackage
    )
}

/// Sorts `indices` (ascending, as the filter leaves them) by `sort`.
///
/// Each session gets a numeric rank in the column, so that the sort compares integers: text
/// columns have few distinct values, which are ranked once, case-insensitively. The ranks,
/// with the direction and "absent last" folded in ([`keys_of`]), are sorted by a stable radix
/// sort: ties keep the report's order, and a million rows sort in a few passes over memory
/// instead of twenty rounds of comparisons. (With the report's [`SessionIndex`],
/// [`OrderMaker`] ranks profiles rather than sessions, and the order is made once.)
fn sort_indices(sessions: &[Session], indices: &mut [u32], sort: Sort) {
    // End reasons sort by the title the cell shows, like the other text columns.
    let end_reasons = end_reasons_by_title();
    let column = sort.column;
    let ranks: Vec<Option<u64>> = if is_text_column(column) {
        text_ranks(
            sessions,
            indices,
            |s| text_of(column, s),
            |key| text_parts(column, key),
        )
    } else {
        indices
            .iter()
            .map(|&i| number_of(column, &sessions[i as usize], &end_reasons))
            .collect()
    };
    let (keys, _) = keys_of(ranks, sort.descending);
    radix_sort(keys, indices);
}

/// Sort keys from 0 for `ranks`: present ranks in the chosen direction, then the absent ones
/// (all one key). Also says how many are present.
fn keys_of(ranks: Vec<Option<u64>>, descending: bool) -> (Vec<u64>, usize) {
    let (mut low, mut high, mut present) = (u64::MAX, 0, 0);
    for &rank in ranks.iter().flatten() {
        (low, high, present) = (low.min(rank), high.max(rank), present + 1);
    }
    let low = low.min(high);
    let absent = high - low + 1;
    let keys = ranks
        .into_iter()
        .map(|rank| match rank {
            None => absent,
            Some(rank) if descending => high - rank,
            Some(rank) => rank - low,
        })
        .collect();
    (keys, present)
}

/// The rank of each of `indices` in a text column, case-insensitively (texts equal but for
/// case tie). `key` is the cell's text as a hashable key (a string, or domain and user) and
/// `parts` spells it out as up to three parts read one after the other (`DOMAIN`, `\`,
/// `user`). Each distinct text is ranked once; neighbouring sessions often share a text
/// (the report is ordered by computer), so a repeat of the previous key skips the hash.
fn text_ranks<'a, K: Hash + Eq + Copy>(
    sessions: &'a [Session],
    indices: &[u32],
    key: impl Fn(&'a Session) -> Option<K>,
    parts: impl Fn(K) -> [&'a str; 3],
) -> Vec<Option<u64>> {
    let mut distinct: HashMap<K, u32> = HashMap::new();
    let mut previous: Option<(K, u32)> = None;
    let ids: Vec<Option<u32>> = indices
        .iter()
        .map(|&i| {
            let key = key(&sessions[i as usize])?;
            if let Some((last, id)) = previous
                && last == key
            {
                return Some(id);
            }
            let next = distinct.len() as u32;
            let id = *distinct.entry(key).or_insert(next);
            previous = Some((key, id));
            Some(id)
        })
        .collect();
    let mut texts: Vec<([&str; 3], u32)> = distinct
        .into_iter()
        .map(|(key, id)| (parts(key), id))
        .collect();
    texts.sort_by(|a, b| cmp_ignore_case(&a.0, &b.0));
    let mut rank_of_id = vec![0u64; texts.len()];
    let mut rank = 0u64;
    for (at, (parts, id)) in texts.iter().enumerate() {
        if at > 0 && cmp_ignore_case(&texts[at - 1].0, parts) != Ordering::Equal {
            rank += 1;
        }
        rank_of_id[*id as usize] = rank;
    }
    ids.into_iter()
        .map(|id| id.map(|id| rank_of_id[id as usize]))
        .collect()
}

/// The other half of session `index`'s split-token pair (UAC gives an administrator two
/// logon sessions at once, each naming the other in `linked_logon_id`): the session of the
/// same computer whose `logon_id` is the linked id. Logon ids repeat across reboots, so among
/// several the one that started nearest in time wins (the earliest listed on a tie).
pub fn linked_session(report: &Report, index: u32) -> Option<u32> {
    let session = report.sessions.get(index as usize)?;
    let linked = session.linked_logon_id.as_deref()?;
    let distance = |other: &Session| match (session.start, other.start) {
        (Some(a), Some(b)) => a.0.abs_diff(b.0),
        _ => u64::MAX,
    };
    report
        .sessions
        .iter()
        .enumerate()
        .filter(|(i, other)| {
            *i != index as usize
                && other.computer == session.computer
                && other.logon_id.eq_ignore_ascii_case(linked)
        })
        .min_by_key(|(i, other)| (distance(other), *i))
        .and_then(|(i, _)| u32::try_from(i).ok())
}

/// The slice of a long table that is drawn: rows `first..last`, the first of them
/// `offset_px` below the top of the table body.
///
/// Only the rows in view (and a few either side) exist in the page, so a million sessions
/// cost as much to draw as fifty. Browsers cap an element's height (Firefox near 17.9 million
/// pixels), so past `max_height_px` the body keeps that height and a scroll position maps
/// proportionally onto the rows: the scrollbar still spans every row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TableWindow {
    pub first: usize,
    pub last: usize,
    /// Where row `first` goes, in pixels from the top of the body.
    pub offset_px: f64,
    /// The height the body takes in the page.
    pub body_height_px: f64,
}

/// The geometry of a virtualised table body.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TableGeometry {
    pub rows: usize,
    pub row_height_px: f64,
    /// The height of the visible part of the body.
    pub viewport_px: f64,
    pub max_height_px: f64,
}

impl TableGeometry {
    fn total(&self) -> f64 {
        self.rows as f64 * self.row_height_px
    }

    fn body_height(&self) -> f64 {
        self.total().min(self.max_height_px)
    }

    /// How far the body can scroll in the page, and over the rows.
    fn ranges(&self) -> (f64, f64) {
        let physical = (self.body_height() - self.viewport_px).max(0.0);
        let virtual_ = (self.total() - self.viewport_px).max(0.0);
        (physical, virtual_)
    }

    /// The position among the rows (in pixels of rows) at page scroll position `scroll_top`.
    fn virtual_top(&self, scroll_top: f64) -> f64 {
        let (physical, virtual_) = self.ranges();
        if physical <= 0.0 {
            return 0.0;
        }
        scroll_top.clamp(0.0, physical) * virtual_ / physical
    }

    /// Rows a page (PageUp / PageDown) moves by: those wholly in view, at least one.
    pub fn page_rows(&self) -> usize {
        ((self.viewport_px / self.row_height_px).floor() as usize).max(1)
    }

    /// The rows to draw at scroll position `scroll_top`, with `overscan` extra rows either side.
    pub fn window(&self, scroll_top: f64, overscan: usize) -> TableWindow {
        let virtual_top = self.virtual_top(scroll_top);
        let first_in_view = (virtual_top / self.row_height_px).floor() as usize;
        let first = first_in_view.saturating_sub(overscan).min(self.rows);
        let end_in_view = ((virtual_top + self.viewport_px) / self.row_height_px).ceil() as usize;
        let last = end_in_view
            .saturating_add(overscan)
            .min(self.rows)
            .max(first);
        let (physical, _) = self.ranges();
        let scroll_top = scroll_top.clamp(0.0, physical);
        TableWindow {
            first,
            last,
            offset_px: scroll_top + (first as f64 * self.row_height_px - virtual_top),
            body_height_px: self.body_height(),
        }
    }

    /// Where the top of `row` is at `scroll_top`, in pixels from the top of the view (negative
    /// for a row partly or wholly above it).
    pub fn row_top_in_view(&self, row: usize, scroll_top: f64) -> f64 {
        row as f64 * self.row_height_px - self.virtual_top(scroll_top)
    }

    /// The row at `y_px` pixels from the top of the view at `scroll_top`, if a row is there.
    pub fn row_at(&self, y_px: f64, scroll_top: f64) -> Option<usize> {
        if !(0.0..self.viewport_px).contains(&y_px) {
            return None;
        }
        let row = ((self.virtual_top(scroll_top) + y_px) / self.row_height_px).floor() as usize;
        (row < self.rows).then_some(row)
    }

    /// The first row wholly (or, failing that, partly) in view at `scroll_top`.
    pub fn first_in_view(&self, scroll_top: f64) -> usize {
        let virtual_top = self.virtual_top(scroll_top);
        ((virtual_top / self.row_height_px).ceil() as usize).min(self.rows.saturating_sub(1))
    }

    /// The scroll position that brings `row` wholly into view moving as little as possible, or
    /// `None` when it is in view already.
    pub fn scroll_to_show(&self, row: usize, scroll_top: f64) -> Option<f64> {
        let virtual_top = self.virtual_top(scroll_top);
        let row_top = row as f64 * self.row_height_px;
        let row_bottom = row_top + self.row_height_px;
        let wanted = if row_top < virtual_top {
            row_top
        } else if row_bottom > virtual_top + self.viewport_px {
            (row_bottom - self.viewport_px).max(0.0)
        } else {
            return None;
        };
        let (physical, virtual_) = self.ranges();
        Some(if virtual_ <= 0.0 {
            0.0
        } else {
            wanted.min(virtual_) * physical / virtual_
        })
    }
}

/// A key that moves the selection in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NavKey {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
}

impl NavKey {
    /// The key of a `KeyboardEvent.key`, if it moves the selection.
    pub fn from_key(key: &str) -> Option<NavKey> {
        Some(match key {
            "ArrowUp" => NavKey::Up,
            "ArrowDown" => NavKey::Down,
            "PageUp" => NavKey::PageUp,
            "PageDown" => NavKey::PageDown,
            "Home" => NavKey::Home,
            "End" => NavKey::End,
            _ => return None,
        })
    }
}

/// The row (position among `rows` visible rows) selected after `key`. `current` is the
/// selected row's position, if it is visible; with nothing selected, the first move lands on
/// `first_in_view` (the analyst's eyes are there, not at the top of the list).
pub fn move_selection(
    current: Option<usize>,
    key: NavKey,
    rows: usize,
    page_rows: usize,
    first_in_view: usize,
) -> Option<usize> {
    let last = rows.checked_sub(1)?;
    let page = page_rows.max(1);
    let Some(current) = current else {
        return Some(match key {
            NavKey::Home => 0,
            NavKey::End => last,
            _ => first_in_view.min(last),
        });
    };
    Some(match key {
        NavKey::Up => current.saturating_sub(1),
        NavKey::Down => (current + 1).min(last),
        NavKey::PageUp => current.saturating_sub(page),
        NavKey::PageDown => current.saturating_add(page).min(last),
        NavKey::Home => 0,
        NavKey::End => last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use logonscope_core::report::Report;

    fn at(iso: &str) -> Timestamp {
        Timestamp::parse_iso(iso).unwrap()
    }

    fn iso(t: Timestamp) -> String {
        t.to_string()
    }

    fn session(computer: &str, user: Option<&str>, start: Option<&str>) -> Session {
        let mut s = Session::new(computer, "0x10");
        s.user = user.map(Into::into);
        s.domain = user.map(|_| "CORP".into());
        s.start = start.map(at);
        s
    }

    fn report(sessions: Vec<Session>) -> Report {
        Report {
            sessions,
            ..Report::default()
        }
    }

    #[test]
    fn columns_have_distinct_titles_and_keys() {
        let titles: std::collections::HashSet<_> = Column::ALL.iter().map(|c| c.title()).collect();
        let keys: std::collections::HashSet<_> = Column::ALL.iter().map(|c| c.key()).collect();
        assert_eq!(titles.len(), 12);
        assert_eq!(keys.len(), 12);
        assert_eq!(Column::LogonType.title(), "Logon type");
        assert_eq!(Column::AuthPackage.key(), "auth_package");
        assert_eq!(Column::default(), Column::Start);
        // Each column's slot (where the index keeps its order) is its place in the table.
        for (at, column) in Column::ALL.into_iter().enumerate() {
            assert_eq!(column.slot(), at, "{column:?}");
        }
    }

    #[test]
    fn cells_say_what_the_table_shows() {
        let mut s = session("WKS01", Some("alice"), Some("2024-05-01T10:00:00Z"));
        s.end = Some(at("2024-05-01T10:12:05Z"));
        s.duration_seconds = Some(725.0);
        s.logon_type = Some(10);
        s.logon_type_name = Some("RemoteInteractive".into());
        s.admin = true;
        s.elevated = Some(false);
        s.end_reason = EndReason::UserLogoff;
        let show = |t: Timestamp| iso(t);
        assert_eq!(Column::User.cell_text(&s, &show), "CORP\\alice");
        assert_eq!(
            Column::LogonType.cell_text(&s, &show),
            "10 RemoteInteractive"
        );
        assert_eq!(
            Column::Start.cell_text(&s, &show),
            "2024-05-01T10:00:00.0000000Z"
        );
        assert_eq!(Column::Duration.cell_text(&s, &show), "12m 05s");
        assert_eq!(Column::EndReason.cell_text(&s, &show), "User logoff (4647)");
        assert_eq!(Column::Admin.cell_text(&s, &show), "yes");
        assert_eq!(Column::Elevated.cell_text(&s, &show), "");
        assert_eq!(Column::SourceIp.cell_text(&s, &show), "");

        let mut orphan = Session::new("WKS01", "0x20");
        orphan.user = Some("bob".into());
        orphan.logon_type = Some(12);
        assert_eq!(Column::User.cell_text(&orphan, &show), "bob");
        assert_eq!(Column::LogonType.cell_text(&orphan, &show), "12");
        assert_eq!(Column::Start.cell_text(&orphan, &show), "");
        assert_eq!(Column::Duration.cell_text(&orphan, &show), "");
        orphan.logon_type = Some(3);
        assert_eq!(Column::LogonType.cell_text(&orphan, &show), "3 Network");
        assert_eq!(logon_type_text(0, None), "0 System");
    }

    #[test]
    fn sorts_by_start_with_nulls_last_both_ways() {
        let r = report(vec![
            session("A", Some("a"), Some("2024-05-01T10:00:00Z")),
            session("A", Some("b"), None),
            session("A", Some("c"), Some("2024-05-01T09:00:00Z")),
            session("A", Some("d"), Some("2024-05-01T11:00:00Z")),
            session("A", Some("e"), None),
        ]);
        let all = SessionFilter::default();
        let ascending = Sort {
            column: Column::Start,
            descending: false,
        };
        assert_eq!(visible_sessions(&r, &all, ascending), vec![2, 0, 3, 1, 4]);
        let descending = Sort {
            descending: true,
            ..ascending
        };
        // Nulls stay last and keep report order among themselves.
        assert_eq!(visible_sessions(&r, &all, descending), vec![3, 0, 2, 1, 4]);
    }

    #[test]
    fn sorts_text_ignoring_case_and_keeps_ties_in_report_order() {
        let r = report(vec![
            session("srv", Some("bob"), None),
            session("SRV", Some("Alice"), None),
            session("alpha", Some("alice"), None),
            session("Srv", None, None),
            session("beta", Some("ALICE"), None),
        ]);
        let all = SessionFilter::default();
        let by = |column, descending| visible_sessions(&r, &all, Sort { column, descending });
        assert_eq!(by(Column::Computer, false), vec![2, 4, 0, 1, 3]);
        assert_eq!(by(Column::Computer, true), vec![0, 1, 3, 4, 2]);
        assert_eq!(by(Column::User, false), vec![1, 2, 4, 0, 3]);
        assert_eq!(by(Column::User, true), vec![0, 1, 2, 4, 3]);
    }

    #[test]
    fn sorts_numbers_flags_and_reasons() {
        let mut sessions: Vec<Session> = (0..4).map(|_| session("A", Some("u"), None)).collect();
        sessions[0].logon_type = Some(10);
        sessions[1].logon_type = Some(2);
        sessions[2].logon_type = None;
        sessions[3].logon_type = Some(3);
        sessions[0].duration_seconds = Some(90.0);
        sessions[1].duration_seconds = Some(5.5);
        sessions[3].duration_seconds = Some(3600.0);
        sessions[2].admin = true;
        sessions[0].elevated = Some(true);
        sessions[1].elevated = Some(false);
        sessions[0].end_reason = EndReason::Shutdown;
        sessions[1].end_reason = EndReason::Logoff;
        sessions[3].end_reason = EndReason::Superseded;
        let r = report(sessions);
        let all = SessionFilter::default();
        let by = |column, descending| visible_sessions(&r, &all, Sort { column, descending });
        assert_eq!(by(Column::LogonType, false), vec![1, 3, 0, 2]);
        assert_eq!(by(Column::LogonType, true), vec![0, 3, 1, 2]);
        assert_eq!(by(Column::Duration, false), vec![1, 0, 3, 2]);
        assert_eq!(by(Column::Duration, true), vec![3, 0, 1, 2]);
        assert_eq!(by(Column::Admin, true), vec![2, 0, 1, 3]);
        assert_eq!(by(Column::Elevated, false), vec![1, 0, 2, 3]);
        // "Log end" < "Logoff (4634)" < "Shutdown ..." < "Superseded".
        assert_eq!(by(Column::EndReason, false), vec![2, 1, 0, 3]);
    }

    #[test]
    fn clicking_a_header_flips_or_switches() {
        let sort = Sort::default();
        let flipped = sort.clicked(Column::Start);
        assert!(flipped.descending);
        let other = flipped.clicked(Column::User);
        assert_eq!(
            other,
            Sort {
                column: Column::User,
                descending: false
            }
        );
    }

    #[test]
    fn small_tables_scroll_one_pixel_per_pixel() {
        let geometry = TableGeometry {
            rows: 1_000,
            row_height_px: 26.0,
            viewport_px: 260.0,
            max_height_px: 8_000_000.0,
        };
        let top = geometry.window(0.0, 10);
        assert_eq!((top.first, top.last), (0, 20));
        assert_eq!(top.offset_px, 0.0);
        assert_eq!(top.body_height_px, 26_000.0);
        let middle = geometry.window(26.0 * 500.0 + 13.0, 10);
        assert_eq!((middle.first, middle.last), (490, 521));
        assert_eq!(middle.offset_px, 490.0 * 26.0);
        let bottom = geometry.window(1e9, 10);
        assert_eq!(bottom.last, 1_000);
        assert_eq!(geometry.page_rows(), 10);
        assert_eq!(geometry.first_in_view(13.0), 1);
        // Showing a row: below the view scrolls it to the bottom edge, above to the top edge.
        assert_eq!(geometry.scroll_to_show(5, 0.0), None);
        assert_eq!(geometry.scroll_to_show(10, 0.0), Some(26.0));
        assert_eq!(geometry.scroll_to_show(3, 26.0 * 20.0), Some(78.0));
    }

    #[test]
    fn a_million_rows_fit_under_the_browsers_height_cap() {
        let geometry = TableGeometry {
            rows: 1_000_000,
            row_height_px: 26.0,
            viewport_px: 520.0,
            max_height_px: 8_000_000.0,
        };
        let top = geometry.window(0.0, 10);
        assert_eq!(top.body_height_px, 8_000_000.0);
        assert_eq!((top.first, top.last), (0, 30));
        // The end of the scrollbar reaches the last row, drawn at the bottom of the body.
        let end = geometry.window(8_000_000.0 - 520.0, 10);
        assert_eq!(end.last, 1_000_000);
        let last_row_y = end.offset_px + (999_999 - end.first) as f64 * 26.0;
        assert!(
            (last_row_y + 26.0 - 8_000_000.0).abs() < 1e-3,
            "{last_row_y}"
        );
        // Halfway down shows the middle rows.
        let half = geometry.window((8_000_000.0 - 520.0) / 2.0, 0);
        assert!((499_980..=500_000).contains(&half.first), "{half:?}");
        // Scrolling to show a row and drawing there puts the row in view.
        let scroll = geometry.scroll_to_show(765_432, 0.0).unwrap();
        let there = geometry.window(scroll, 0);
        assert!((there.first..there.last).contains(&765_432), "{there:?}");
        let y = there.offset_px + (765_432 - there.first) as f64 * 26.0;
        assert!(y >= scroll - 1e-6 && y + 26.0 <= scroll + 520.0 + 1e-6);
    }

    #[test]
    fn rows_are_painted_and_clicked_where_the_window_puts_them() {
        for rows in [1_000, 1_000_000] {
            let geometry = TableGeometry {
                rows,
                row_height_px: 26.0,
                viewport_px: 520.0,
                max_height_px: 8_000_000.0,
            };
            let end = geometry.window(f64::MAX, 0).body_height_px - 520.0;
            for scroll_top in [0.0, 13.0, 5_000.0, end / 3.0, end - 1.0, end] {
                let window = geometry.window(scroll_top, 0);
                // Row `first` is where the window's offset puts it, relative to the view's top.
                let top = geometry.row_top_in_view(window.first, scroll_top);
                assert!(
                    (top - (window.offset_px - scroll_top)).abs() < 1e-6,
                    "{rows} rows at {scroll_top}: {top} {window:?}"
                );
                assert!(top <= 0.0 && top > -26.0, "{top}");
                // A point in the middle of each row in view finds that row.
                for row in window.first..window.last {
                    let middle = geometry.row_top_in_view(row, scroll_top) + 13.0;
                    if (0.0..520.0).contains(&middle) {
                        assert_eq!(geometry.row_at(middle, scroll_top), Some(row));
                    }
                }
            }
            assert_eq!(geometry.row_at(-1.0, 0.0), None);
            assert_eq!(geometry.row_at(520.0, 0.0), None);
        }
        // Below the last row of a short table there is no row.
        let short = TableGeometry {
            rows: 3,
            row_height_px: 26.0,
            viewport_px: 520.0,
            max_height_px: 8_000_000.0,
        };
        assert_eq!(short.row_at(77.0, 0.0), Some(2));
        assert_eq!(short.row_at(78.0, 0.0), None);
    }

    #[test]
    fn empty_tables_draw_nothing() {
        let geometry = TableGeometry {
            rows: 0,
            row_height_px: 26.0,
            viewport_px: 500.0,
            max_height_px: 8_000_000.0,
        };
        let window = geometry.window(100.0, 10);
        assert_eq!((window.first, window.last), (0, 0));
        assert_eq!(move_selection(None, NavKey::Down, 0, 10, 0), None);
    }

    #[test]
    fn keys_move_the_selection_within_the_rows() {
        assert_eq!(NavKey::from_key("ArrowDown"), Some(NavKey::Down));
        assert_eq!(NavKey::from_key("a"), None);
        let step = |current, key| move_selection(current, key, 100, 20, 40);
        assert_eq!(step(None, NavKey::Down), Some(40));
        assert_eq!(step(None, NavKey::End), Some(99));
        assert_eq!(step(Some(0), NavKey::Up), Some(0));
        assert_eq!(step(Some(5), NavKey::Down), Some(6));
        assert_eq!(step(Some(99), NavKey::Down), Some(99));
        assert_eq!(step(Some(10), NavKey::PageUp), Some(0));
        assert_eq!(step(Some(90), NavKey::PageDown), Some(99));
        assert_eq!(step(Some(30), NavKey::PageDown), Some(50));
        assert_eq!(step(Some(30), NavKey::Home), Some(0));
    }

    #[test]
    fn finds_the_other_half_of_a_split_token() {
        let mut sessions = vec![
            session("A", Some("alice"), Some("2024-05-01T08:00:00Z")),
            session("A", Some("alice"), Some("2024-05-01T10:00:00Z")),
            session("B", Some("alice"), Some("2024-05-01T10:00:00Z")),
            session("A", Some("alice"), Some("2024-05-01T10:00:00.01Z")),
            session("A", Some("alice"), Some("2024-05-01T10:00:00Z")),
        ];
        // 0 and 3 are both 0x200 of computer A (a reboot in between); 2 is on another computer.
        for i in [0, 2, 3] {
            sessions[i].logon_id = "0x200".to_string();
        }
        sessions[1].logon_id = "0x100".to_string();
        sessions[1].linked_logon_id = Some("0x200".to_string());
        sessions[4].linked_logon_id = Some("0x999".to_string());
        let r = report(sessions);
        assert_eq!(linked_session(&r, 1), Some(3));
        assert_eq!(linked_session(&r, 4), None);
        assert_eq!(linked_session(&r, 0), None);
        assert_eq!(linked_session(&r, 99), None);
    }

    /// The order a plain comparison sort gives: what the ranked keys must reproduce.
    #[test]
    fn durations_sort_alike_whether_keyed_in_ticks_or_in_bits() {
        let sessions = |odd: Option<f64>| -> Vec<Session> {
            let mut sessions: Vec<Session> = (0..500u64)
                .map(|i| {
                    let mut s = Session::new("srv", "0x1");
                    let start = Timestamp(133_000_000_000_000_000 + i * 1_234_567);
                    let end = Timestamp(start.0 + (i * 7_919 % 300) * 3_333_333 + i % 2);
                    (s.start, s.end) = (Some(start), Some(end));
                    s.duration_seconds = (i % 5 != 0).then(|| start.seconds_until(end));
                    s
                })
                .collect();
            // A duration no tick count gives (as a crafted link may hold), near the end.
            sessions[480].duration_seconds = odd;
            sessions
        };
        for odd in [Some(12.5), Some(0.1 + 0.2), Some(1e-9)] {
            let r = report(sessions(odd));
            let index = SessionIndex::new(&r.sessions);
            for descending in [false, true] {
                let sort = Sort {
                    column: Column::Duration,
                    descending,
                };
                let expected = reference_order(&r, sort);
                assert_eq!(
                    visible_sessions(&r, &SessionFilter::default(), sort),
                    expected
                );
                assert_eq!(
                    visible_sessions_indexed(&r, &index, &SessionFilter::default(), sort),
                    expected,
                    "{odd:?} {sort:?}"
                );
            }
        }
    }

    fn reference_order(r: &Report, sort: Sort) -> Vec<u32> {
        use std::cmp::Reverse;
        #[derive(PartialEq, PartialOrd)]
        enum Key {
            Text(String),
            Number(f64),
        }
        let key = |s: &Session| -> Option<Key> {
            let text = |v: String| (!v.is_empty()).then(|| Key::Text(v.to_lowercase()));
            match sort.column {
                Column::LogonType => s.logon_type.map(|n| Key::Number(f64::from(n))),
                Column::Start => s.start.map(|t| Key::Number(t.0 as f64)),
                Column::End => s.end.map(|t| Key::Number(t.0 as f64)),
                Column::Duration => s.duration_seconds.map(Key::Number),
                Column::Admin => Some(Key::Number(f64::from(u8::from(s.admin)))),
                Column::Elevated => s.elevated.map(|e| Key::Number(f64::from(u8::from(e)))),
                column => text(column.cell_text(s, &|_| String::new())),
            }
        };
        let mut order: Vec<u32> = (0..r.sessions.len() as u32).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (key(&r.sessions[a as usize]), key(&r.sessions[b as usize]));
            match (a, b) {
                (Some(a), Some(b)) if sort.descending => Reverse(a)
                    .partial_cmp(&Reverse(b))
                    .unwrap_or(Ordering::Equal),
                (Some(a), Some(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        });
        order
    }

    #[test]
    fn every_column_sorts_as_a_plain_comparison_would() {
        let users = [
            None,
            Some("alice"),
            Some("Alice"),
            Some("bob"),
            Some("Élodie"),
        ];
        let domains = [None, Some("CORP"), Some("corp"), Some("A-B")];
        let sessions: Vec<Session> = (0..600u64)
            .map(|i| {
                let mut s = Session::new(["srv", "SRV", "alpha", "Beta"][(i % 4) as usize], "0x1");
                s.user = users[(i % 5) as usize].map(Into::into);
                s.domain = domains[(i / 5 % 4) as usize].map(Into::into);
                s.logon_type = [None, Some(2), Some(10), Some(3)][(i / 3 % 4) as usize];
                s.start = (i % 7 != 0).then_some(Timestamp(i * 13 % 50));
                s.end = (i % 11 != 0).then_some(Timestamp(i * 17 % 40));
                s.duration_seconds = (i % 6 != 0).then_some((i % 9) as f64 - 2.5);
                s.source_ip = (i % 8 != 0).then(|| format!("10.0.0.{}", i % 12).into());
                s.workstation = (i % 10 != 0).then(|| ["ws", "WS", "zz"][(i % 3) as usize].into());
                s.auth_package = (i % 2 == 0).then(|| "NTLM".into());
                s.admin = i % 3 == 0;
                s.elevated = [None, Some(true), Some(false)][(i % 3) as usize];
                s.end_reason = EndReason::ALL[(i % 6) as usize];
                s
            })
            .collect();
        let r = report(sessions);
        let index = SessionIndex::new(&r.sessions);
        assert!(index.profiles() < r.sessions.len());
        // Every order made ahead, 7 sessions' worth a step, as the page makes them.
        let ahead = SessionIndex::new(&r.sessions);
        for column in Column::ALL {
            let mut maker = Some(OrderMaker::new(column));
            let mut steps = 0;
            while let Some(more) = maker {
                maker = more.step(&r.sessions, &ahead, 7);
                steps += 1;
            }
            assert!(steps > 600 / 7, "{column:?} made in {steps} steps");
            assert!(ahead.has_order(column.slot()), "{column:?}");
            // Made already: the next maker stops at once.
            assert!(
                OrderMaker::new(column)
                    .step(&r.sessions, &ahead, 7)
                    .is_none()
            );
        }
        // An index of other sessions gets no order.
        let other = SessionIndex::new(&r.sessions[..10]);
        assert!(
            OrderMaker::new(Column::End)
                .step(&r.sessions, &other, 7)
                .is_none()
        );
        assert!(!other.has_order(Column::End.slot()));
        for column in Column::ALL {
            for descending in [false, true] {
                let sort = Sort { column, descending };
                let expected = reference_order(&r, sort);
                assert_eq!(
                    visible_sessions(&r, &SessionFilter::default(), sort),
                    expected,
                    "{sort:?}"
                );
                assert_eq!(
                    visible_sessions_indexed(&r, &index, &SessionFilter::default(), sort),
                    expected,
                    "{sort:?} with the index"
                );
                assert_eq!(
                    visible_sessions_indexed(&r, &ahead, &SessionFilter::default(), sort),
                    expected,
                    "{sort:?} with the orders made ahead"
                );
                // Filtered: the cached order of every session, walked, gives the same rows.
                let filter = SessionFilter {
                    computer: "s".into(),
                    logon_types: [2, 10].into(),
                    ..SessionFilter::default()
                };
                assert_eq!(
                    visible_sessions_indexed(&r, &index, &filter, sort),
                    visible_sessions(&r, &filter, sort),
                    "{sort:?} filtered, with the index"
                );
            }
        }
    }

    #[test]
    fn filters_then_sorts_two_hundred_thousand_sessions() {
        let base = at("2024-01-01T00:00:00Z");
        let names = ["alice", "Bob", "carol", "SYSTEM", "dave$", "Émile"];
        let sessions: Vec<Session> = (0..200_000u64)
            .map(|i| {
                let mut s = Session::new(format!("WKS{:02}", i % 7), format!("{:#x}", i));
                // A scrambled but deterministic start, with some orphans.
                let scrambled = (i * 7_919) % 200_000;
                s.start = (i % 50 != 0).then_some(Timestamp(base.0 + scrambled * 10_000_000));
                s.user = Some(names[(i % 6) as usize].into());
                s.domain = Some("CORP".into());
                s.logon_type = Some([2, 3, 5, 10][(i % 4) as usize]);
                s.duration_seconds = (i % 3 != 0).then_some((i % 1_000) as f64);
                s
            })
            .collect();
        let r = report(sessions);

        let all = visible_sessions(&r, &SessionFilter::default(), Sort::default());
        assert_eq!(all.len(), 200_000);
        let starts: Vec<Option<Timestamp>> =
            all.iter().map(|&i| r.sessions[i as usize].start).collect();
        let known = starts.iter().take_while(|s| s.is_some()).count();
        assert_eq!(known, 200_000 - 4_000);
        assert!(starts[..known].windows(2).all(|w| w[0] <= w[1]));
        assert!(starts[known..].iter().all(Option::is_none));

        let filter = SessionFilter {
            hide_system: true,
            logon_types: [10].into(),
            text: "wks03".to_string(),
            ..SessionFilter::default()
        };
        let by_user = Sort {
            column: Column::User,
            descending: true,
        };
        let some = visible_sessions(&r, &filter, by_user);
        assert!(!some.is_empty() && some.len() < 200_000);
        assert!(
            some.iter()
                .all(|&i| filter.matches(&r.sessions[i as usize]))
        );
        let expected = r.sessions.iter().filter(|s| filter.matches(s)).count();
        assert_eq!(some.len(), expected);
        let index = SessionIndex::new(&r.sessions);
        assert_eq!(visible_sessions_indexed(&r, &index, &filter, by_user), some);
        // An index of another report is not used.
        let other = SessionIndex::new(&r.sessions[..10]);
        assert_eq!(visible_sessions_indexed(&r, &other, &filter, by_user), some);
        let users: Vec<String> = some
            .iter()
            .map(|&i| r.sessions[i as usize].user.clone().unwrap().to_lowercase())
            .collect();
        assert!(users.windows(2).all(|w| w[0] >= w[1]));
        assert!(!users.iter().any(|u| u == "system" || u.ends_with('$')));
    }
}
