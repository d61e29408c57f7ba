//! Which sessions the analyst wants to see: the filter bar of the sessions table, as data.
//!
//! The filter runs over every session of the report (a million in a big case) each time a
//! field changes, so [`SessionFilter::matcher`] prepares it once (needles trimmed and
//! lower-cased) and the resulting [`SessionMatcher`] tests a session without allocating in the
//! common case (ASCII needles). Text comparisons are case-insensitive substring tests, as
//! analysts type `admin` and expect `Administrator`.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use logonscope_core::catalog;
use logonscope_core::report::{EndReason, Session};
use logonscope_core::text::Text;
use logonscope_core::time::{TICKS_PER_SECOND, Timestamp, seconds_of_ticks};
use serde::{Deserialize, Serialize};

use crate::accounts::is_system_account;
use crate::columns::{ColumnOrder, end_reason_title, logon_type_text};
use crate::zone::format_utc;

/// The filter bar's fields. Empty text fields and empty sets keep everything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionFilter {
    /// Matches `DOMAIN\user` and the plain user name.
    pub user: String,
    pub computer: String,
    /// Logon types to keep; empty keeps all (and sessions of unknown type).
    pub logon_types: BTreeSet<u32>,
    /// Matches the source IP or the workstation name.
    pub source: String,
    /// Keep sessions that overlap `[from, to]`; an unknown start or end counts as open-ended.
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// End reasons to keep; empty keeps all.
    pub end_reasons: BTreeSet<EndReason>,
    /// Hide SYSTEM, service, DWM/UMFD, anonymous and machine accounts.
    pub hide_system: bool,
    /// Free text over every text field of the session.
    pub text: String,
}

impl SessionFilter {
    /// Whether `session` passes the filter. Prepares the filter each time: to test many
    /// sessions, prepare once with [`SessionFilter::matcher`].
    pub fn matches(&self, session: &Session) -> bool {
        self.matcher().matches(session)
    }

    /// Whether the filter keeps every session (blank text fields count as empty).
    pub fn is_empty(&self) -> bool {
        self.user.trim().is_empty()
            && self.computer.trim().is_empty()
            && self.logon_types.is_empty()
            && self.source.trim().is_empty()
            && self.from.is_none()
            && self.to.is_none()
            && self.end_reasons.is_empty()
            && !self.hide_system
            && self.text.trim().is_empty()
    }

    /// The filter in words, for printed reports: `user contains "adm"; logon type 10
    /// RemoteInteractive; system accounts hidden`. Times are UTC. `None` when it keeps all.
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        let mut text = |what: &str, value: &str| {
            if !value.trim().is_empty() {
                parts.push(format!("{what} contains \"{}\"", value.trim()));
            }
        };
        text("user", &self.user);
        text("computer", &self.computer);
        text("source", &self.source);
        text("any field", &self.text);
        if !self.logon_types.is_empty() {
            let types: Vec<String> = self
                .logon_types
                .iter()
                .map(|&number| logon_type_text(number, None))
                .collect();
            parts.push(format!("logon type {}", types.join(" or ")));
        }
        if !self.end_reasons.is_empty() {
            let reasons: Vec<&str> = self
                .end_reasons
                .iter()
                .map(|&reason| end_reason_title(reason))
                .collect();
            parts.push(format!("ended by {}", reasons.join(" or ")));
        }
        if let Some(from) = self.from {
            parts.push(format!("active after {}", format_utc(from)));
        }
        if let Some(to) = self.to {
            parts.push(format!("active before {}", format_utc(to)));
        }
        if self.hide_system {
            parts.push("system accounts hidden".to_string());
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// The filter prepared for testing many sessions.
    pub fn matcher(&self) -> SessionMatcher<'_> {
        SessionMatcher {
            filter: self,
            user: Needle::new(&self.user),
            computer: Needle::new(&self.computer),
            source: Needle::new(&self.source),
            text: Needle::new(&self.text),
            keeps_all: self.is_empty(),
        }
    }
}

/// A [`SessionFilter`] prepared for testing many sessions.
#[derive(Debug, Clone)]
pub struct SessionMatcher<'a> {
    filter: &'a SessionFilter,
    user: Option<Needle>,
    computer: Option<Needle>,
    source: Option<Needle>,
    text: Option<Needle>,
    keeps_all: bool,
}

impl SessionMatcher<'_> {
    /// Whether the filter keeps every session, so that callers can skip testing.
    pub fn keeps_all(&self) -> bool {
        self.keeps_all
    }

    /// Whether `s` passes the filter. The cheap tests run first.
    pub fn matches(&self, s: &Session) -> bool {
        if self.keeps_all {
            return true;
        }
        match self.profile_verdict(s) {
            Verdict::Fails => false,
            Verdict::Passes => self.times_match(s),
            Verdict::TextElsewhere => {
                self.times_match(s)
                    && self.text.as_ref().is_none_or(|needle| {
                        needle.found_in_ids(s)
                            || attached_haystacks(s)
                                .any(|haystack| needle.found_in_haystack(haystack))
                    })
            }
        }
    }

    /// The tests that read only what a session shares with others of its profile (see
    /// [`SessionIndex`]): every field but the logon ids, the times and the attached events.
    fn profile_verdict(&self, s: &Session) -> Verdict {
        let filter = self.filter;
        if !filter.logon_types.is_empty()
            && !s
                .logon_type
                .is_some_and(|t| filter.logon_types.contains(&t))
        {
            return Verdict::Fails;
        }
        if !filter.end_reasons.is_empty() && !filter.end_reasons.contains(&s.end_reason) {
            return Verdict::Fails;
        }
        if filter.hide_system && is_system_account(s.user_sid.as_deref(), s.user.as_deref()) {
            return Verdict::Fails;
        }
        if let Some(needle) = &self.computer
            && !needle.found_in(&s.computer)
        {
            return Verdict::Fails;
        }
        if let Some(needle) = &self.user
            && !needle.found_in_account(s.domain.as_deref(), s.user.as_deref())
        {
            return Verdict::Fails;
        }
        if let Some(needle) = &self.source
            && !needle.found_in_any(&[s.source_ip.as_deref(), s.workstation.as_deref()])
        {
            return Verdict::Fails;
        }
        match &self.text {
            Some(needle) if !profile_text_matches(needle, s) => Verdict::TextElsewhere,
            _ => Verdict::Passes,
        }
    }

    /// Overlap of [start, end] with [from, to], unknown ends reaching to infinity.
    fn times_match(&self, s: &Session) -> bool {
        let filter = self.filter;
        if let (Some(to), Some(start)) = (filter.to, s.start)
            && start > to
        {
            return false;
        }
        if let (Some(from), Some(end)) = (filter.from, s.end)
            && end < from
        {
            return false;
        }
        true
    }
}

/// What the profile-level tests of [`SessionMatcher`] say of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// It fails whatever its own fields say.
    Fails,
    /// It passes if its times overlap the range.
    Passes,
    /// It passes if its times overlap the range and the free text is in one of its own fields.
    TextElsewhere,
}

/// What tells profiles apart: every field [`SessionMatcher::profile_verdict`] reads and every
/// text column the table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ProfileKey<'a> {
    computer: &'a str,
    domain: Option<&'a str>,
    user: Option<&'a str>,
    user_sid: Option<&'a str>,
    logon_type: Option<u32>,
    logon_type_name: Option<&'a str>,
    source_ip: Option<&'a str>,
    workstation: Option<&'a str>,
    logon_process: Option<&'a str>,
    auth_package: Option<&'a str>,
    lm_package: Option<&'a str>,
    process_name: Option<&'a str>,
    impersonation_level: Option<&'a str>,
    end_reason: EndReason,
}

impl<'a> ProfileKey<'a> {
    fn of(s: &'a Session) -> Self {
        ProfileKey {
            computer: &s.computer,
            domain: s.domain.as_deref(),
            user: s.user.as_deref(),
            user_sid: s.user_sid.as_deref(),
            logon_type: s.logon_type,
            logon_type_name: s.logon_type_name.as_deref(),
            source_ip: s.source_ip.as_deref(),
            workstation: s.workstation.as_deref(),
            logon_process: s.logon_process.as_deref(),
            auth_package: s.auth_package.as_deref(),
            lm_package: s.lm_package.as_deref(),
            process_name: s.process_name.as_deref(),
            impersonation_level: s.impersonation_level.as_deref(),
            end_reason: s.end_reason,
        }
    }
}

/// A [`ProfileKey`] with texts counted by which shared copy they are ([`Text::identity`]):
/// a report's texts are shared, so sessions of one profile nearly always have the same
/// copies, and comparing and hashing addresses is far cheaper than comparing and hashing a
/// dozen strings per session. Sessions with the same copies have the same profile; others
/// are then looked up by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct SharedProfileKey {
    texts: [usize; 12],
    logon_type: Option<u32>,
    end_reason: EndReason,
}

impl SharedProfileKey {
    fn of(s: &Session) -> Self {
        let identity = |text: &Option<Text>| text.as_ref().map_or(0, Text::identity);
        SharedProfileKey {
            texts: [
                s.computer.identity(),
                identity(&s.domain),
                identity(&s.user),
                identity(&s.user_sid),
                identity(&s.logon_type_name),
                identity(&s.source_ip),
                identity(&s.workstation),
                identity(&s.logon_process),
                identity(&s.auth_package),
                identity(&s.lm_package),
                identity(&s.process_name),
                identity(&s.impersonation_level),
            ],
            logon_type: s.logon_type,
            end_reason: s.end_reason,
        }
    }
}

/// The sessions of a report grouped by *profile*: sessions whose fields are all equal but for
/// the logon ids, the times, the flags and the attached events. A million sessions of a real
/// log have a few thousand profiles at most (the same users log on to the same machines from
/// the same places the same way), so the filter tests each profile once and each session
/// only for its times ([`SessionIndex::filtered`]), and the table sorts text columns by
/// ranking profiles, not sessions.
///
/// Built once per report (one pass, one hash of each session's texts); holds one `u32` per
/// session. It must be used with the report it was built from: the functions that take one
/// check that it has as many sessions, and test sessions directly if not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionIndex {
    /// The profile of each session.
    profile_of: Vec<u32>,
    /// The lowest session index of each profile: its texts are the profile's.
    representatives: Vec<u32>,
    /// Every logon id is hex digits and `x` only.
    hex_ids: bool,
    /// Each session's start and end ([`Timestamp`] ticks; see `flags` for whether known), its
    /// duration as a key of the same order (`columns` sorts by them) and its [`flags`]: copied out
    /// of the sessions so that filtering and sorting a million of them reads a few flat
    /// arrays, not a million scattered structures.
    starts: Vec<u64>,
    ends: Vec<u64>,
    durations: Vec<u64>,
    /// Whether every duration key is in ticks ([`tick_key`]); if one duration is not a whole
    /// number of ticks, they are all [`ordered_bits`].
    durations_in_ticks: bool,
    flags: Vec<u8>,
    /// The texts of the sessions' attached events, one entry per shared copy (the events of a
    /// million sessions repeat a few thousand texts), and the entries of each session:
    /// `attached_ids[attached_from[i]..attached_from[i + 1]]` for session `i`. The free-text
    /// filter searches each entry once, then reads numbers.
    attached_texts: Vec<AttachedText>,
    attached_from: Vec<u32>,
    attached_ids: Vec<u32>,
    /// Every session in the ascending order of each column of the table (by column number),
    /// made the first time the table sorts by that column: after that, a filter or sort
    /// change walks this order and keeps what passes, and sorts nothing.
    orders: [OnceLock<ColumnOrder>; 12],
}

/// Bits of [`SessionIndex`]'s `flags`.
pub(crate) mod flags {
    pub const HAS_START: u8 = 1;
    pub const HAS_END: u8 = 2;
    pub const HAS_DURATION: u8 = 4;
    pub const ADMIN: u8 = 8;
    pub const ELEVATION_KNOWN: u8 = 16;
    pub const ELEVATED: u8 = 32;
}

/// A duration as a whole number of ticks (100 ns), offset so that the integers keep the
/// order of the durations, if it is one: its seconds must be exactly what the core computes
/// from that many ticks, bit for bit (so that no two durations share a key, and `-0` or a
/// fraction of a tick from a crafted link are not one). Ticks spanning weeks differ in their
/// low 45 bits or so, where [`ordered_bits`] differ in 62: the sort makes one pass less.
fn tick_key(seconds: f64) -> Option<u64> {
    let scaled = (seconds * TICKS_PER_SECOND as f64).round();
    // (Beyond 2^62 ticks, some 14,000 years, a key could saturate; such values stay bits.)
    if scaled.is_nan() || scaled.abs() >= (1u64 << 62) as f64 {
        return None;
    }
    let ticks = scaled as i64;
    let exact = seconds_of_ticks(i128::from(ticks)).to_bits() == seconds.to_bits();
    exact.then_some((ticks as u64) ^ (1 << 63))
}

/// A duration's bits as an integer of the same order (negative numbers below positive ones).
pub(crate) fn ordered_bits(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// Builds a [`SessionIndex`] a slice of sessions at a time, for a caller that must not be
/// busy for long at once (the page, between frames); [`SessionIndex::new`] does it in one go.
pub struct SessionIndexBuilder<'a> {
    sessions: &'a [Session],
    /// Sessions indexed so far.
    done: usize,
    /// Profiles by value, and by shared copies (with a fixed hasher: addresses do not come
    /// from the log).
    ids: HashMap<ProfileKey<'a>, u32, foldhash::quality::RandomState>,
    ids_by_copies: HashMap<SharedProfileKey, u32, foldhash::fast::FixedState>,
    /// Neighbours (same computer, close in time) often share a profile: comparing with the
    /// previous session first skips the hash.
    previous: Option<(SharedProfileKey, u32)>,
    /// The entry of each attached text in `attached_texts`, by its shared copy.
    attached_by_copy: HashMap<(usize, usize), u32, foldhash::fast::FixedState>,
    index: SessionIndex,
}

impl<'a> SessionIndexBuilder<'a> {
    pub fn new(sessions: &'a [Session]) -> Self {
        let count = sessions.len();
        SessionIndexBuilder {
            sessions,
            done: 0,
            ids: HashMap::default(),
            ids_by_copies: HashMap::default(),
            previous: None,
            attached_by_copy: HashMap::default(),
            index: SessionIndex {
                profile_of: Vec::with_capacity(count),
                representatives: Vec::new(),
                hex_ids: true,
                starts: Vec::with_capacity(count),
                ends: Vec::with_capacity(count),
                durations: Vec::with_capacity(count),
                durations_in_ticks: true,
                flags: Vec::with_capacity(count),
                attached_texts: Vec::new(),
                attached_from: vec![0],
                attached_ids: Vec::new(),
                orders: Default::default(),
            },
        }
    }

    /// (sessions indexed, sessions in all)
    pub fn progress(&self) -> (usize, usize) {
        (self.done, self.sessions.len())
    }

    /// Indexes up to `count` more sessions; `true` once every one is.
    pub fn step(&mut self, count: usize) -> bool {
        let is_hex = |id: &str| {
            id.bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b'x' || b == b'X')
        };
        let end = self.sessions.len().min(self.done.saturating_add(count));
        let index = &mut self.index;
        for (at, session) in self.sessions[self.done..end].iter().enumerate() {
            let position = self.done + at;
            let flag = |on: bool, bit: u8| if on { bit } else { 0 };
            index.starts.push(session.start.map_or(0, |t| t.0));
            index.ends.push(session.end.map_or(0, |t| t.0));
            let duration = session.duration_seconds.unwrap_or(0.0);
            let key = match index.durations_in_ticks.then(|| tick_key(duration)) {
                Some(Some(ticks)) => ticks,
                Some(None) => {
                    // The first duration that is not in ticks: every key becomes bits.
                    index.durations_in_ticks = false;
                    for (key, earlier) in index.durations.iter_mut().zip(self.sessions) {
                        *key = ordered_bits(earlier.duration_seconds.unwrap_or(0.0));
                    }
                    ordered_bits(duration)
                }
                None => ordered_bits(duration),
            };
            index.durations.push(key);
            index.flags.push(
                flag(session.start.is_some(), flags::HAS_START)
                    | flag(session.end.is_some(), flags::HAS_END)
                    | flag(session.duration_seconds.is_some(), flags::HAS_DURATION)
                    | flag(session.admin, flags::ADMIN)
                    | flag(session.elevated.is_some(), flags::ELEVATION_KNOWN)
                    | flag(session.elevated == Some(true), flags::ELEVATED),
            );
            for haystack in attached_haystacks(session) {
                let next = index.attached_texts.len() as u32;
                let id = *self
                    .attached_by_copy
                    .entry(haystack.identity())
                    .or_insert_with(|| {
                        index.attached_texts.push(AttachedText::of(haystack));
                        next
                    });
                index.attached_ids.push(id);
            }
            index.attached_from.push(index.attached_ids.len() as u32);
            index.hex_ids = index.hex_ids
                && is_hex(&session.logon_id)
                && session.linked_logon_id.as_deref().is_none_or(is_hex);
            let key = SharedProfileKey::of(session);
            let id = match self.previous {
                Some((last, id)) if last == key => id,
                _ => *self.ids_by_copies.entry(key).or_insert_with(|| {
                    let next = index.representatives.len() as u32;
                    let id = *self.ids.entry(ProfileKey::of(session)).or_insert(next);
                    if id == next {
                        index.representatives.push(position as u32);
                    }
                    id
                }),
            };
            self.previous = Some((key, id));
            index.profile_of.push(id);
        }
        self.done = end;
        self.done == self.sessions.len()
    }

    /// The index of the sessions indexed so far (all of them, once [`step`](Self::step) has
    /// said so).
    pub fn finish(self) -> SessionIndex {
        self.index
    }
}

impl SessionIndex {
    pub fn new(sessions: &[Session]) -> SessionIndex {
        let mut builder = SessionIndexBuilder::new(sessions);
        builder.step(usize::MAX);
        builder.finish()
    }

    /// How many sessions it indexes.
    pub fn len(&self) -> usize {
        self.profile_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.profile_of.is_empty()
    }

    /// How many distinct profiles the sessions have.
    pub fn profiles(&self) -> usize {
        self.representatives.len()
    }

    /// Whether it was built from `sessions` (as far as a cheap check tells).
    pub fn fits(&self, sessions: &[Session]) -> bool {
        self.profile_of.len() == sessions.len()
    }

    /// The profile of each session.
    pub(crate) fn profile_of(&self) -> &[u32] {
        &self.profile_of
    }

    /// A session of each profile.
    pub(crate) fn representatives(&self) -> &[u32] {
        &self.representatives
    }

    /// The start of session `index`, if known.
    pub(crate) fn start(&self, index: u32) -> Option<u64> {
        let i = index as usize;
        (self.flags[i] & flags::HAS_START != 0).then(|| self.starts[i])
    }

    /// The end of session `index`, if known.
    pub(crate) fn end(&self, index: u32) -> Option<u64> {
        let i = index as usize;
        (self.flags[i] & flags::HAS_END != 0).then(|| self.ends[i])
    }

    /// The duration of session `index` as a key of the same order (see `durations`), if
    /// known.
    pub(crate) fn duration(&self, index: u32) -> Option<u64> {
        let i = index as usize;
        (self.flags[i] & flags::HAS_DURATION != 0).then(|| self.durations[i])
    }

    /// The [`flags`] of session `index`.
    pub(crate) fn flags_of(&self, index: u32) -> u8 {
        self.flags[index as usize]
    }

    /// Whether session `index` overlaps `[from, to]`, as [`SessionMatcher`] tests it.
    fn times_match(&self, index: usize, from: Option<Timestamp>, to: Option<Timestamp>) -> bool {
        let has = self.flags[index];
        if let Some(to) = to
            && has & flags::HAS_START != 0
            && self.starts[index] > to.0
        {
            return false;
        }
        if let Some(from) = from
            && has & flags::HAS_END != 0
            && self.ends[index] < from.0
        {
            return false;
        }
        true
    }

    /// Whether the order of `slot` is made.
    pub(crate) fn has_order(&self, slot: usize) -> bool {
        self.orders
            .get(slot)
            .is_some_and(|order| order.get().is_some())
    }

    /// The order of every session cached in `slot` (one per column of the table), made by
    /// `make` the first time.
    pub(crate) fn cached_order(
        &self,
        slot: usize,
        make: impl FnOnce() -> ColumnOrder,
    ) -> Option<&ColumnOrder> {
        Some(self.orders.get(slot)?.get_or_init(make))
    }

    /// The indices (ascending) of the sessions of `sessions` that `filter` keeps: what
    /// `SessionFilter::matches` keeps, with the profile tests run once per profile.
    pub fn filtered(&self, sessions: &[Session], filter: &SessionFilter) -> Vec<u32> {
        let count = u32::try_from(sessions.len()).unwrap_or(u32::MAX);
        self.filtered_in(sessions, filter, 0..count)
    }

    /// The sessions of `order` (indices into `sessions`) that `filter` keeps, in that order.
    pub fn filtered_in(
        &self,
        sessions: &[Session],
        filter: &SessionFilter,
        order: impl IntoIterator<Item = u32>,
    ) -> Vec<u32> {
        let matcher = filter.matcher();
        let order = order.into_iter();
        if matcher.keeps_all() {
            return order.collect();
        }
        if !self.fits(sessions) {
            return order
                .filter(|&i| sessions.get(i as usize).is_some_and(|s| matcher.matches(s)))
                .collect();
        }
        let verdicts: Vec<Verdict> = self
            .representatives
            .iter()
            .map(|&i| matcher.profile_verdict(&sessions[i as usize]))
            .collect();
        let (from, to) = (filter.from, filter.to);
        // Only a search that could be in a logon id reads the sessions themselves; others
        // read the entries of attached texts, each text searched once.
        let needle = matcher.text.as_ref();
        let reads_ids = needle.is_some_and(|needle| needle.may_be_in_hex || !self.hex_ids);
        let attached_found: Vec<bool> = match needle {
            Some(needle) => self
                .attached_texts
                .iter()
                .map(|text| needle.found_in_haystack(text.haystack()))
                .collect(),
            None => Vec::new(),
        };
        let text_found = |index: usize| {
            let entries = match (
                self.attached_from.get(index),
                self.attached_from.get(index + 1),
            ) {
                (Some(&from), Some(&to)) => self.attached_ids.get(from as usize..to as usize),
                _ => None,
            };
            entries
                .unwrap_or_default()
                .iter()
                .any(|&id| attached_found.get(id as usize).copied().unwrap_or(false))
                || (reads_ids && needle.is_some_and(|needle| needle.found_in_ids(&sessions[index])))
        };
        // Which sessions pass is decided in report order, reading the flat arrays front to
        // back (in the sort's order they would be read at random places: a cache miss or
        // more per session), into one bit per session; the order is then walked for them.
        let mut passes = vec![0u64; self.profile_of.len().div_ceil(64)];
        for (index, &profile) in self.profile_of.iter().enumerate() {
            let keep = match verdicts[profile as usize] {
                Verdict::Fails => false,
                Verdict::Passes => self.times_match(index, from, to),
                Verdict::TextElsewhere => self.times_match(index, from, to) && text_found(index),
            };
            if keep {
                passes[index / 64] |= 1 << (index % 64);
            }
        }
        order
            .filter(|&session| {
                passes
                    .get(session as usize / 64)
                    .is_some_and(|bits| bits >> (session % 64) & 1 == 1)
            })
            .collect()
    }
}

/// Whether the free-text needle is in a text the session shares with its profile: every
/// text field but the logon ids and the attached events.
fn profile_text_matches(needle: &Needle, s: &Session) -> bool {
    let type_title = s
        .logon_type
        .and_then(catalog::logon_type)
        .map(|known| known.title);
    needle.found_in_account(s.domain.as_deref(), s.user.as_deref())
        || needle.found_in_any(&[
            Some(&s.computer),
            s.user_sid.as_deref(),
            s.logon_type_name.as_deref(),
            type_title,
            s.source_ip.as_deref(),
            s.workstation.as_deref(),
            s.logon_process.as_deref(),
            s.auth_package.as_deref(),
            s.lm_package.as_deref(),
            s.process_name.as_deref(),
            s.impersonation_level.as_deref(),
            Some(s.end_reason.as_str()),
            Some(end_reason_title(s.end_reason)),
        ])
}

/// A text searched by the free-text filter.
#[derive(Debug, Clone, Copy)]
enum Haystack<'s> {
    Text(&'s Text),
    /// An account, searched as `DOMAIN\user` (see [`Needle::found_in_account`]).
    Account(Option<&'s Text>, Option<&'s Text>),
}

impl Haystack<'_> {
    /// Which shared texts these are (a value's copies share one identity).
    fn identity(self) -> (usize, usize) {
        let of = |text: Option<&Text>| text.map_or(0, Text::identity);
        match self {
            // An account's first half is never 0 (no text is at address 0 or 1): the two
            // kinds never share a key.
            Haystack::Text(text) => (0, text.identity()),
            Haystack::Account(domain, user) => (of(domain).max(1), of(user)),
        }
    }
}

/// The texts of the events attached to a session (explicit credentials, RDP events) that the
/// free-text filter searches.
fn attached_haystacks(s: &Session) -> impl Iterator<Item = Haystack<'_>> {
    let credentials = s.explicit_credentials.iter().flat_map(|c| {
        [
            Some(Haystack::Account(
                c.target_domain.as_ref(),
                c.target_user.as_ref(),
            )),
            c.target_server.as_ref().map(Haystack::Text),
            c.target_info.as_ref().map(Haystack::Text),
            c.process_name.as_ref().map(Haystack::Text),
            c.source_ip.as_ref().map(Haystack::Text),
        ]
        .into_iter()
        .flatten()
    });
    let rdp = s.rdp_events.iter().flat_map(|r| {
        [&r.session_name, &r.client_name, &r.client_address]
            .into_iter()
            .flatten()
            .map(Haystack::Text)
    });
    credentials.chain(rdp)
}

/// A text of an attached event as [`SessionIndex`] keeps it (a shared copy, not a new one).
#[derive(Debug, Clone, PartialEq, Eq)]
enum AttachedText {
    Text(Text),
    Account(Option<Text>, Option<Text>),
}

impl AttachedText {
    fn of(haystack: Haystack<'_>) -> AttachedText {
        match haystack {
            Haystack::Text(text) => AttachedText::Text(text.clone()),
            Haystack::Account(domain, user) => {
                AttachedText::Account(domain.cloned(), user.cloned())
            }
        }
    }

    fn haystack(&self) -> Haystack<'_> {
        match self {
            AttachedText::Text(text) => Haystack::Text(text),
            AttachedText::Account(domain, user) => {
                Haystack::Account(domain.as_ref(), user.as_ref())
            }
        }
    }
}

/// The choices of the filter bar's selects: each logon type present in the report (in
/// number order) and each end reason present (in [`EndReason::ALL`] order), with how many
/// sessions have it. Sessions of unknown logon type are not a choice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterChoices {
    pub logon_types: Vec<(u32, usize)>,
    pub end_reasons: Vec<(EndReason, usize)>,
}

impl FilterChoices {
    pub fn of(sessions: &[Session]) -> FilterChoices {
        // The logon types Windows uses are small numbers: counted in an array, and any other
        // (a log may hold anything) in a map, rather than a map lookup for every session of
        // the first drawing of a report.
        let mut usual = [0usize; 16];
        let mut types = std::collections::BTreeMap::<u32, usize>::new();
        let mut reasons = [0usize; EndReason::ALL.len()];
        for s in sessions {
            if let Some(number) = s.logon_type {
                match usual.get_mut(number as usize) {
                    Some(count) => *count += 1,
                    None => *types.entry(number).or_default() += 1,
                }
            }
            if let Some(at) = EndReason::ALL.iter().position(|r| *r == s.end_reason) {
                reasons[at] += 1;
            }
        }
        for (number, count) in (0u32..).zip(usual) {
            if count > 0 {
                types.insert(number, count);
            }
        }
        FilterChoices {
            logon_types: types.into_iter().collect(),
            end_reasons: EndReason::ALL
                .iter()
                .zip(reasons)
                .filter(|(_, count)| *count > 0)
                .map(|(reason, count)| (*reason, count))
                .collect(),
        }
    }
}

/// What a from/to field of the filter bar says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeInput {
    /// Blank: no bound.
    Empty,
    Valid(Timestamp),
    /// Not a time: the field is marked and the bound is not applied.
    Invalid,
}

/// Reads a from/to field: `2024-05-01 10:00`, `2024-05-01T10:00:00.5`, `2024-05-01`, with an
/// optional `Z` or `+02:00` / `-0530` after it. A time without a zone is in the page's zone,
/// whose offset (minutes east of UTC) at a given UTC time `offset_at` tells. A date alone
/// means the start of that day, or its last instant when `end_of_range` (a "to" field), so
/// that "to 2024-05-01" keeps that whole day.
pub fn parse_time_input(
    text: &str,
    end_of_range: bool,
    offset_at: &dyn Fn(Timestamp) -> i32,
) -> TimeInput {
    let text = text.trim();
    if text.is_empty() {
        return TimeInput::Empty;
    }
    let (wall, offset) = split_zone(text);
    let wall = wall.trim();
    let (date, clock) = match wall.split_once(['T', 't', ' ']) {
        Some((date, clock)) => (date, Some(clock.trim())),
        None => (wall, None),
    };
    let clock = match clock {
        None if end_of_range => "23:59:59.9999999".to_string(),
        None => "00:00:00".to_string(),
        // `HH:MM` is allowed: seconds default to 0.
        Some(clock) if clock.matches(':').count() == 1 => format!("{clock}:00"),
        Some(clock) => clock.to_string(),
    };
    let Some(wall_time) = Timestamp::parse_iso(&format!("{date}T{clock}Z")) else {
        return TimeInput::Invalid;
    };
    let offset = match offset {
        Some(Some(minutes)) => minutes,
        Some(None) => return TimeInput::Invalid,
        // The offset at the wall time read as UTC is off by the offset itself near a
        // daylight-saving change; asking again at the corrected time settles it.
        None => {
            let first = offset_at(wall_time);
            offset_at(shift(wall_time, -first).unwrap_or(wall_time))
        }
    };
    shift(wall_time, -offset).map_or(TimeInput::Invalid, TimeInput::Valid)
}

/// The time `minutes` later (earlier when negative), if it stays in range.
fn shift(time: Timestamp, minutes: i32) -> Option<Timestamp> {
    let ticks = i128::from(time.0)
        + i128::from(minutes) * 60 * i128::from(logonscope_core::time::TICKS_PER_SECOND);
    u64::try_from(ticks).ok().map(Timestamp)
}

/// Splits a trailing zone off a time: `Z` is 0, `+HH:MM` / `-HHMM` its minutes
/// (`Some(None)` when it is malformed), none `None`.
fn split_zone(text: &str) -> (&str, Option<Option<i32>>) {
    if let Some(wall) = text.strip_suffix(['Z', 'z']) {
        return (wall, Some(Some(0)));
    }
    // A zone sign comes after the time: look only past the date's own dashes.
    let Some(clock_at) = text.find(['T', 't', ' ']) else {
        return (text, None);
    };
    let Some(sign_at) = text[clock_at..].rfind(['+', '-']).map(|at| at + clock_at) else {
        return (text, None);
    };
    let (wall, zone) = text.split_at(sign_at);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    let minutes = (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| {
            let hours: i32 = digits[..2].parse().ok()?;
            let minutes: i32 = digits[2..].parse().ok()?;
            (hours <= 14 && minutes < 60).then_some(sign * (hours * 60 + minutes))
        })
        .flatten();
    (wall, Some(minutes))
}

/// A trimmed, lower-cased search string.
#[derive(Debug, Clone)]
struct Needle {
    lower: String,
    /// Whether it could be part of a logon id (`0x` and hex digits).
    may_be_in_hex: bool,
}

impl Needle {
    /// `None` for a blank field, which keeps everything.
    fn new(text: &str) -> Option<Needle> {
        let trimmed = text.trim();
        (!trimmed.is_empty()).then(|| {
            let lower = trimmed.to_lowercase();
            let may_be_in_hex = lower.bytes().all(|b| b.is_ascii_hexdigit() || b == b'x');
            Needle {
                lower,
                may_be_in_hex,
            }
        })
    }

    fn found_in(&self, haystack: &str) -> bool {
        contains_ignore_case(haystack, &self.lower)
    }

    fn found_in_haystack(&self, haystack: Haystack<'_>) -> bool {
        match haystack {
            Haystack::Text(text) => self.found_in(text),
            Haystack::Account(domain, user) => {
                self.found_in_account(domain.map(Text::as_str), user.map(Text::as_str))
            }
        }
    }

    fn found_in_any(&self, haystacks: &[Option<&str>]) -> bool {
        haystacks.iter().flatten().any(|h| self.found_in(h))
    }

    /// Whether the needle is in the session's logon id or linked logon id.
    fn found_in_ids(&self, s: &Session) -> bool {
        self.found_in_any(&[Some(&s.logon_id), s.linked_logon_id.as_deref()])
    }

    /// Whether the needle is in `DOMAIN\user` (as the table writes the account), tested
    /// without building that string: inside either part, or across the backslash.
    fn found_in_account(&self, domain: Option<&str>, user: Option<&str>) -> bool {
        if user.is_some_and(|u| self.found_in(u)) || domain.is_some_and(|d| self.found_in(d)) {
            return true;
        }
        let Some(domain) = domain else {
            return false;
        };
        let user = user.unwrap_or("");
        self.lower.match_indices('\\').any(|(at, _)| {
            ends_with_ignore_case(domain, &self.lower[..at])
                && starts_with_ignore_case(user, &self.lower[at + 1..])
        })
    }
}

/// Whether `haystack` contains `needle_lower` (already lower-case), ignoring case. Allocates
/// only for a non-ASCII needle.
pub(crate) fn contains_ignore_case(haystack: &str, needle_lower: &str) -> bool {
    if needle_lower.is_empty() {
        return true;
    }
    if needle_lower.is_ascii() {
        let needle = needle_lower.as_bytes();
        let (first, rest) = (needle[0], &needle[1..]);
        let first_upper = first.to_ascii_uppercase();
        // Test the first byte before the rest: most positions fail there.
        return haystack.as_bytes().windows(needle.len()).any(|window| {
            (window[0] == first || window[0] == first_upper)
                && window[1..].eq_ignore_ascii_case(rest)
        });
    }
    haystack.to_lowercase().contains(needle_lower)
}

fn starts_with_ignore_case(text: &str, prefix_lower: &str) -> bool {
    if prefix_lower.is_ascii() {
        return text
            .as_bytes()
            .get(..prefix_lower.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix_lower.as_bytes()));
    }
    text.to_lowercase().starts_with(prefix_lower)
}

fn ends_with_ignore_case(text: &str, suffix_lower: &str) -> bool {
    if suffix_lower.is_ascii() {
        let bytes = text.as_bytes();
        return bytes.len() >= suffix_lower.len()
            && bytes[bytes.len() - suffix_lower.len()..]
                .eq_ignore_ascii_case(suffix_lower.as_bytes());
    }
    text.to_lowercase().ends_with(suffix_lower)
}

/// Case-insensitive order of two texts, each given as parts read one after the other (so
/// that `DOMAIN\user` sorts as written without being built). ASCII is compared byte by byte;
/// the first non-ASCII byte switches to full Unicode lower-casing.
pub(crate) fn cmp_ignore_case(a: &[&str], b: &[&str]) -> Ordering {
    let mut left = a.iter().flat_map(|part| part.bytes());
    let mut right = b.iter().flat_map(|part| part.bytes());
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii() && y.is_ascii() => {
                match x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase()) {
                    Ordering::Equal => {}
                    other => return other,
                }
            }
            // Rare: start again with Unicode case folding (lower-casing agrees with the ASCII
            // comparison on the equal prefix, so the result is the same as if it had been
            // used from the start).
            _ => {
                let left = a
                    .iter()
                    .flat_map(|part| part.chars())
                    .flat_map(char::to_lowercase);
                let right = b
                    .iter()
                    .flat_map(|part| part.chars())
                    .flat_map(char::to_lowercase);
                return left.cmp(right);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use logonscope_core::report::{ExplicitCredential, RdpAction, RdpEvent};

    #[test]
    fn durations_in_ticks_keep_their_order_and_their_ties() {
        // Durations as the core computes them, from tick counts of every size and sign.
        let mut ticks: Vec<i64> = vec![0, 1, 9, 10_000_000, 10_000_001, 36_000_000_000];
        ticks.extend((0..2_000i64).map(|i| i * i * 7_919_993 % (1 << 49)));
        ticks.extend([(1 << 50) + 1, 3 << 51]);
        let negative: Vec<i64> = ticks.iter().map(|t| -t).collect();
        ticks.extend(negative);
        let base = Timestamp(1 << 60);
        let seconds_of = |t: i64| base.seconds_until(Timestamp(base.0.wrapping_add_signed(t)));
        let mut durations: Vec<f64> = ticks.into_iter().map(seconds_of).collect();
        durations.sort_by(f64::total_cmp);
        let keys: Vec<u64> = durations
            .iter()
            .map(|&d| tick_key(d).unwrap_or_else(|| panic!("{d} is in ticks")))
            .collect();
        for (pair, keys) in durations.windows(2).zip(keys.windows(2)) {
            // Equal durations, equal keys; a longer one, a larger key.
            assert_eq!(pair[0] == pair[1], keys[0] == keys[1], "{pair:?}");
            assert!(keys[0] <= keys[1], "{pair:?}");
        }
        // Not whole ticks, or not told apart from zero by the core: left to the bits.
        for odd in [-0.0, 1e-9, 0.1 + 0.2, f64::NAN, f64::INFINITY, 1e300] {
            assert_eq!(tick_key(odd), None, "{odd}");
        }
    }

    #[test]
    fn a_filter_describes_itself_in_words() {
        assert_eq!(SessionFilter::default().describe(), None);
        let filter = SessionFilter {
            user: " adm ".into(),
            logon_types: BTreeSet::from([10, 3]),
            end_reasons: BTreeSet::from([EndReason::LogEnd]),
            from: Some(at("2024-05-01T10:00:00Z")),
            hide_system: true,
            ..SessionFilter::default()
        };
        let words = filter.describe().unwrap();
        assert_eq!(
            words,
            "user contains \"adm\"; logon type 3 Network or 10 RemoteInteractive; ended by \
             Log end; active after 2024-05-01 10:00:00Z; system accounts hidden"
        );
    }

    fn at(iso: &str) -> Timestamp {
        Timestamp::parse_iso(iso).unwrap()
    }

    fn session(user: &str, start: Option<&str>, end: Option<&str>) -> Session {
        let mut s = Session::new("WKS01.corp.local", "0x1a2b3c");
        s.user = Some(user.into());
        s.domain = Some("CORP".into());
        s.user_sid = Some("S-1-5-21-1-2-3-1104".into());
        s.logon_type = Some(10);
        s.logon_type_name = Some("RemoteInteractive".into());
        s.start = start.map(at);
        s.end = end.map(at);
        s.source_ip = Some("10.0.0.5".into());
        s.workstation = Some("LAPTOP-7".into());
        s.auth_package = Some("Negotiate".into());
        s.logon_process = Some("User32 ".into());
        s
    }

    #[test]
    fn empty_filter_keeps_everything() {
        let filter = SessionFilter::default();
        assert!(filter.is_empty());
        assert!(filter.matches(&Session::new("A", "0x1")));
        let blank = SessionFilter {
            user: "   ".to_string(),
            ..SessionFilter::default()
        };
        assert!(blank.is_empty());
        let hiding = SessionFilter {
            hide_system: true,
            ..SessionFilter::default()
        };
        assert!(!hiding.is_empty());
    }

    #[test]
    fn user_matches_plain_and_domain_qualified_names() {
        let s = session("Alice", None, None);
        for needle in [
            "alice",
            "ALI",
            "corp\\alice",
            "rp\\al",
            "CORP\\",
            "\\alice",
            "corp",
        ] {
            let filter = SessionFilter {
                user: needle.to_string(),
                ..SessionFilter::default()
            };
            assert!(filter.matches(&s), "{needle}");
        }
        for needle in ["bob", "corp\\bob", "other\\alice", "alice\\corp"] {
            let filter = SessionFilter {
                user: needle.to_string(),
                ..SessionFilter::default()
            };
            assert!(!filter.matches(&s), "{needle}");
        }
    }

    #[test]
    fn computer_source_types_and_reasons() {
        let s = session("alice", None, None);
        let matches = |filter: SessionFilter| filter.matches(&s);
        assert!(matches(SessionFilter {
            computer: "wks01".into(),
            ..Default::default()
        }));
        assert!(!matches(SessionFilter {
            computer: "srv".into(),
            ..Default::default()
        }));
        assert!(matches(SessionFilter {
            source: "10.0.0".into(),
            ..Default::default()
        }));
        assert!(matches(SessionFilter {
            source: "laptop".into(),
            ..Default::default()
        }));
        assert!(!matches(SessionFilter {
            source: "192.168".into(),
            ..Default::default()
        }));
        assert!(matches(SessionFilter {
            logon_types: BTreeSet::from([3, 10]),
            ..Default::default()
        }));
        assert!(!matches(SessionFilter {
            logon_types: BTreeSet::from([2]),
            ..Default::default()
        }));
        assert!(matches(SessionFilter {
            end_reasons: BTreeSet::from([EndReason::LogEnd]),
            ..Default::default()
        }));
        assert!(!matches(SessionFilter {
            end_reasons: BTreeSet::from([EndReason::Logoff, EndReason::Shutdown]),
            ..Default::default()
        }));
        // A session of unknown logon type is not of any chosen type.
        let mut orphan = s.clone();
        orphan.logon_type = None;
        let typed = SessionFilter {
            logon_types: BTreeSet::from([10]),
            ..Default::default()
        };
        assert!(!typed.matches(&orphan));
    }

    #[test]
    fn time_range_keeps_overlapping_and_open_ended_sessions() {
        let range = SessionFilter {
            from: Some(at("2024-05-01T10:00:00Z")),
            to: Some(at("2024-05-01T12:00:00Z")),
            ..Default::default()
        };
        let keeps =
            |start: Option<&str>, end: Option<&str>| range.matches(&session("alice", start, end));
        // Inside, straddling either edge, and covering the range.
        assert!(keeps(
            Some("2024-05-01T10:30:00Z"),
            Some("2024-05-01T11:00:00Z")
        ));
        assert!(keeps(
            Some("2024-05-01T09:00:00Z"),
            Some("2024-05-01T10:00:00Z")
        ));
        assert!(keeps(
            Some("2024-05-01T11:59:00Z"),
            Some("2024-05-01T13:00:00Z")
        ));
        assert!(keeps(
            Some("2024-05-01T08:00:00Z"),
            Some("2024-05-01T14:00:00Z")
        ));
        // Wholly before or after.
        assert!(!keeps(
            Some("2024-05-01T08:00:00Z"),
            Some("2024-05-01T09:59:59Z")
        ));
        assert!(!keeps(
            Some("2024-05-01T12:00:01Z"),
            Some("2024-05-01T13:00:00Z")
        ));
        // Open-ended: orphan (no start) ending after from; open session started before to.
        assert!(keeps(None, Some("2024-05-01T11:00:00Z")));
        assert!(!keeps(None, Some("2024-05-01T09:00:00Z")));
        assert!(keeps(Some("2024-05-01T07:00:00Z"), None));
        assert!(!keeps(Some("2024-05-01T12:30:00Z"), None));
        assert!(keeps(None, None));
        // Only one bound.
        let from_only = SessionFilter {
            from: Some(at("2024-05-01T10:00:00Z")),
            ..Default::default()
        };
        assert!(!from_only.matches(&session(
            "alice",
            Some("2024-05-01T08:00:00Z"),
            Some("2024-05-01T09:00:00Z")
        )));
        assert!(from_only.matches(&session("alice", Some("2030-01-01T00:00:00Z"), None)));
    }

    #[test]
    fn hide_system_uses_the_accounts_rule() {
        let filter = SessionFilter {
            hide_system: true,
            ..Default::default()
        };
        assert!(filter.matches(&session("alice", None, None)));
        let mut system = session("SYSTEM", None, None);
        system.user_sid = Some("S-1-5-18".into());
        assert!(!filter.matches(&system));
        let machine = session("WKS01$", None, None);
        assert!(!filter.matches(&machine));
    }

    #[test]
    fn free_text_searches_every_text_field() {
        let mut s = session("alice", None, None);
        s.linked_logon_id = Some("0x99aa".to_string());
        s.process_name = Some("C:\\Windows\\System32\\svchost.exe".into());
        s.explicit_credentials.push(ExplicitCredential {
            time: at("2024-05-01T10:00:00Z"),
            record_id: 1,
            target_user: Some("backup_svc".into()),
            target_domain: Some("CORP".into()),
            target_server: Some("fileserver".into()),
            target_info: None,
            process_name: None,
            source_ip: None,
        });
        s.rdp_events.push(RdpEvent {
            time: at("2024-05-01T10:00:00Z"),
            record_id: 2,
            action: RdpAction::Disconnect,
            session_name: Some("RDP-Tcp#3".into()),
            client_name: Some("HOME-PC".into()),
            client_address: Some("203.0.113.9".into()),
        });
        for needle in [
            "0x1a2b3c",
            "0X99AA",
            "1-2-3-1104",
            "corp\\alice",
            "remoteinter",
            "negotiate",
            "user32",
            "svchost",
            "log end",
            "log_end",
            "backup_svc",
            "fileserver",
            "home-pc",
            "203.0.113",
            "wks01",
        ] {
            let filter = SessionFilter {
                text: needle.to_string(),
                ..Default::default()
            };
            assert!(filter.matches(&s), "{needle}");
        }
        let filter = SessionFilter {
            text: "mallory".to_string(),
            ..Default::default()
        };
        assert!(!filter.matches(&s));
    }

    #[test]
    fn non_ascii_text_matches_ignoring_case() {
        let s = session("Jürgen", None, None);
        let filter = SessionFilter {
            user: "JÜRG".to_string(),
            ..Default::default()
        };
        assert!(filter.matches(&s));
        assert!(contains_ignore_case("ÉCOLE", "éc"));
        assert!(!contains_ignore_case("ÉCOLE", "ex"));
    }

    #[test]
    fn time_inputs_accept_what_analysts_type() {
        let utc = |_: Timestamp| 0;
        let parse = |text: &str, end: bool| parse_time_input(text, end, &utc);
        assert_eq!(parse("", false), TimeInput::Empty);
        assert_eq!(parse("   ", true), TimeInput::Empty);
        assert_eq!(
            parse("2024-05-01 10:00", false),
            TimeInput::Valid(at("2024-05-01T10:00:00Z"))
        );
        assert_eq!(
            parse(" 2024-05-01T10:00:30.5 ", false),
            TimeInput::Valid(at("2024-05-01T10:00:30.5Z"))
        );
        assert_eq!(
            parse("2024-05-01", false),
            TimeInput::Valid(at("2024-05-01T00:00:00Z"))
        );
        assert_eq!(
            parse("2024-05-01", true),
            TimeInput::Valid(at("2024-05-01T23:59:59.9999999Z"))
        );
        assert_eq!(
            parse("2024-05-01 12:34:56Z", false),
            TimeInput::Valid(at("2024-05-01T12:34:56Z"))
        );
        // What the page writes in the browser's zone reads back as the same instant.
        assert_eq!(
            parse("2024-05-01 14:34:56+02:00", false),
            TimeInput::Valid(at("2024-05-01T12:34:56Z"))
        );
        assert_eq!(
            parse("2024-05-01 07:04:56-0530", false),
            TimeInput::Valid(at("2024-05-01T12:34:56Z"))
        );
        for bad in [
            "yesterday",
            "2024-13-01",
            "2024-05-01 25:00",
            "2024-05-01 10",
            "2024-05-01 10:00+2",
            "10:00",
        ] {
            assert_eq!(parse(bad, false), TimeInput::Invalid, "{bad}");
        }
    }

    #[test]
    fn time_inputs_without_a_zone_are_in_the_page_zone() {
        let paris_summer = |_: Timestamp| 120;
        assert_eq!(
            parse_time_input("2024-05-01 10:00", false, &paris_summer),
            TimeInput::Valid(at("2024-05-01T08:00:00Z"))
        );
        // An explicit zone wins over the page's.
        assert_eq!(
            parse_time_input("2024-05-01 10:00Z", false, &paris_summer),
            TimeInput::Valid(at("2024-05-01T10:00:00Z"))
        );
    }

    #[test]
    fn choices_list_what_the_report_holds() {
        let mut sessions = vec![
            session("a", None, None),
            session("b", None, None),
            session("c", None, None),
        ];
        sessions[1].logon_type = Some(3);
        sessions[2].logon_type = None;
        sessions[2].end_reason = EndReason::Logoff;
        let choices = FilterChoices::of(&sessions);
        assert_eq!(choices.logon_types, vec![(3, 1), (10, 1)]);
        // Any number a log holds, in order, the usual small ones and others alike.
        for (name, logon_type) in [
            ("d", 4_000_000_000),
            ("e", 16),
            ("f", 15),
            ("g", 0),
            ("h", 16),
        ] {
            let mut other = session(name, None, None);
            other.logon_type = Some(logon_type);
            sessions.push(other);
        }
        assert_eq!(
            FilterChoices::of(&sessions).logon_types,
            vec![
                (0, 1),
                (3, 1),
                (10, 1),
                (15, 1),
                (16, 2),
                (4_000_000_000, 1)
            ]
        );
        assert_eq!(
            choices.end_reasons,
            vec![(EndReason::Logoff, 1), (EndReason::LogEnd, 2)]
        );
    }

    #[test]
    fn compares_ignoring_case_across_parts() {
        assert_eq!(cmp_ignore_case(&["alice"], &["ALICE"]), Ordering::Equal);
        assert_eq!(cmp_ignore_case(&["Bob"], &["alice"]), Ordering::Greater);
        assert_eq!(cmp_ignore_case(&["al"], &["alice"]), Ordering::Less);
        assert_eq!(
            cmp_ignore_case(&["CORP", "\\", "bob"], &["corp\\alice"]),
            Ordering::Greater
        );
        assert_eq!(cmp_ignore_case(&["Émile"], &["émile"]), Ordering::Equal);
        assert_eq!(cmp_ignore_case(&["zoë"], &["ZOE"]), Ordering::Greater);
    }

    #[test]
    fn the_index_keeps_what_the_filter_keeps() {
        // Shared, as read from a log: the index remembers what it found in each.
        let corp = Text::from("CORP");
        let users = [Text::from("adm-bob"), Text::from("svc_backup")];
        let servers = [Text::from("fileserver01"), Text::from("dc01")];
        let mut sessions = Vec::new();
        for i in 0..400u32 {
            let mut s = session(
                ["alice", "Bob", "SYSTEM", "WKS01$", "jürgen"][(i % 5) as usize],
                (i % 9 != 0).then_some("2024-05-01T10:00:00Z"),
                (i % 7 != 0).then_some("2024-05-01T11:00:00Z"),
            );
            s.computer = ["WKS01", "srv-02", "DC"][(i % 3) as usize].into();
            s.logon_id = format!("{:#x}", 0x1000 + i);
            // A report from elsewhere may spell logon ids otherwise.
            if i == 17 {
                s.logon_id = "logon-17".to_string();
            }
            s.start = s.start.map(|t| Timestamp(t.0 + u64::from(i) * 600_000_000));
            s.end = s.end.map(|t| Timestamp(t.0 + u64::from(i) * 600_000_000));
            s.logon_type = [Some(2), Some(3), Some(10), None][(i % 4) as usize];
            s.source_ip = (i % 6 != 0).then(|| format!("10.0.{}.5", i % 4).into());
            s.end_reason = EndReason::ALL[(i % 6) as usize];
            if i % 50 == 3 {
                s.rdp_events.push(RdpEvent {
                    time: at("2024-05-01T10:00:00Z"),
                    record_id: 2,
                    action: RdpAction::Disconnect,
                    session_name: Some("RDP-Tcp#3".into()),
                    client_name: Some("HOME-PC".into()),
                    client_address: Some("203.0.113.9".into()),
                });
            }
            // Attached texts that repeat across sessions: the index searches each once.
            if i % 40 == 7 {
                s.explicit_credentials.push(ExplicitCredential {
                    time: at("2024-05-01T10:00:00Z"),
                    record_id: 3,
                    target_user: Some(users[(i / 40 % 2) as usize].clone()),
                    target_domain: Some(corp.clone()),
                    target_server: Some(servers[(i % 3 % 2) as usize].clone()),
                    target_info: None,
                    process_name: None,
                    source_ip: None,
                });
            }
            sessions.push(s);
        }
        let index = SessionIndex::new(&sessions);
        assert_eq!(index.len(), 400);
        assert!(index.profiles() < 400, "{}", index.profiles());
        // Built a slice at a time, as the page builds it, it is the same index.
        for count in [1, 7, 150] {
            let mut builder = SessionIndexBuilder::new(&sessions);
            let mut steps = 1;
            while !builder.step(count) {
                assert_eq!(builder.progress(), (steps * count, 400));
                steps += 1;
            }
            assert_eq!(steps, 400usize.div_ceil(count), "slices of {count}");
            assert!(builder.finish() == index, "slices of {count}");
        }
        // Texts equal but not shared make the same profiles as shared ones.
        let unshared: Vec<Session> = sessions
            .iter()
            .map(|s| Session {
                computer: Text::from(s.computer.as_str()),
                user: s.user.as_deref().map(Text::from),
                domain: s.domain.as_deref().map(Text::from),
                ..s.clone()
            })
            .collect();
        assert_eq!(SessionIndex::new(&unshared).profile_of, index.profile_of);
        let mut filters = vec![
            SessionFilter::default(),
            SessionFilter {
                user: "corp\\al".into(),
                ..Default::default()
            },
            SessionFilter {
                computer: "SRV".into(),
                hide_system: true,
                ..Default::default()
            },
            SessionFilter {
                source: "10.0.2".into(),
                logon_types: [3, 10].into(),
                ..Default::default()
            },
            SessionFilter {
                end_reasons: [EndReason::Logoff, EndReason::LogEnd].into(),
                from: Some(at("2024-05-02T00:00:00Z")),
                to: Some(at("2024-05-02T12:00:00Z")),
                ..Default::default()
            },
        ];
        // Free text, alone.
        filters.extend(
            [
                "0x10a",
                "LOGON-1",
                "home-pc",
                "JÜRG",
                "log end",
                "corp\\adm",
                "FILESERVER",
            ]
            .map(|text| SessionFilter {
                text: text.into(),
                ..Default::default()
            }),
        );
        filters.push(SessionFilter {
            text: "rdp-tcp#3".into(),
            from: Some(at("2024-05-03T00:00:00Z")),
            ..Default::default()
        });
        for filter in &filters {
            let expected: Vec<u32> = (0..400u32)
                .filter(|&i| filter.matches(&sessions[i as usize]))
                .collect();
            assert!(!expected.is_empty(), "{filter:?}");
            assert_eq!(index.filtered(&sessions, filter), expected, "{filter:?}");
        }
        // An index of other sessions is not trusted.
        let other = SessionIndex::new(&sessions[..5]);
        assert!(!other.fits(&sessions));
        let direct = sessions.iter().filter(|s| filters[6].matches(s)).count();
        assert_eq!(other.filtered(&sessions, &filters[6]).len(), direct);
    }
}
