//! The order in which the rules read the events, made a bounded share at a time.
//!
//! By (computer, time, record id), ties in the order given (the first copy of a record wins),
//! with the copies of a record read twice (overlapping exports of one log: the same computer,
//! channel, record id, time and event id) left out. Indexes are sorted rather than the events
//! themselves, which are large.
//!
//! Ordering a gigabyte log's million and a half events was one piece of work (the page's
//! longest task of such a load: over 200 ms), which the page, whose thread also draws it,
//! could not cut. So each event gets a key that sorts the same way (its computer's rank by
//! name, its time, its record id, its index: every key distinct), and the keys are sorted by a
//! merge sort that can stop after any number of moves and go on later: runs sorted one at a
//! time, then merged pairwise, pass after pass. Every stage does about as many events as
//! [`ReplayOrder::step`] is given; given them all at once (the command-line tool), the keys are
//! sorted in one go.

use std::collections::HashMap;

use crate::event::{Event, EventKind};
use crate::text::Text;
use crate::time::Timestamp;

/// An event's place in the order: computer rank by name, time, record id, index.
type Key = (u32, Timestamp, u64, u32);

/// Keys sorted at once before merging (small enough for a step, large enough that few merge
/// passes follow).
const RUN: usize = 4096;

/// The replay order of a set of events, being made.
pub(super) struct ReplayOrder {
    stage: Stage,
    /// Each event's computer, numbered in the order first met, and the names by number.
    computer_of: Vec<u32>,
    names: Vec<Text>,
    /// How many of the events are logons (4624): about how many sessions they make.
    logons: usize,
    /// Numbers by the shared copy of the name (cheaper to hash than the name), and by name.
    by_identity: HashMap<usize, u32, foldhash::quality::RandomState>,
    by_name: HashMap<Text, u32, foldhash::quality::RandomState>,
    /// Each computer's rank by name, by number.
    rank: Vec<u32>,
    keys: Vec<Key>,
    /// Where a merge pass writes.
    merged: Vec<Key>,
    order: Vec<u32>,
}

enum Stage {
    /// Numbering the computers of the events from `next` on.
    Numbering {
        next: usize,
    },
    /// Making the keys of the events from `next` on.
    Keying {
        next: usize,
    },
    /// Sorting the runs of keys from `next` on.
    Runs {
        next: usize,
    },
    /// Merging runs of `width` keys pairwise into `merged`: the pair at `low`, read up to
    /// `left` and `right`, written up to `out`.
    Merging(Merge),
    /// Reading the sorted keys from `next` on into the order, leaving copies out; the run of
    /// equal (computer, time, record id) being read began at `run_start` of the order.
    Reading {
        next: usize,
        run_start: usize,
    },
    Done,
}

#[derive(Clone, Copy)]
struct Merge {
    width: usize,
    low: usize,
    left: usize,
    right: usize,
    out: usize,
}

impl Merge {
    fn pass(width: usize) -> Merge {
        Merge {
            width,
            low: 0,
            left: 0,
            right: width,
            out: 0,
        }
    }
}

/// Sorts `keys`, whose computer ranks are below `computers`: a counting pass puts each
/// computer's keys together, in the order they came, which is nearly their sorted order (a log
/// is written in time order), then each computer's are sorted ([`sort_nearly_sorted`]). (Keys
/// are all distinct: stable or not, the order is the same.) Sorting them all as one took a
/// quarter of the command-line tool's whole analysis.
fn sort_by_computer(keys: &mut Vec<Key>, computers: usize) {
    let mut counts = vec![0usize; computers];
    for key in keys.iter() {
        match counts.get_mut(key.0 as usize) {
            Some(count) => *count += 1,
            None => {
                // (No such rank is ever made; sorted as one all the same.)
                keys.sort_unstable();
                return;
            }
        }
    }
    let mut starts = Vec::with_capacity(computers);
    let mut total = 0;
    for count in &counts {
        starts.push(total);
        total += count;
    }
    let mut next = starts.clone();
    let mut grouped = vec![(0, Timestamp(0), 0, 0); keys.len()];
    for key in keys.iter() {
        let at = &mut next[key.0 as usize];
        grouped[*at] = *key;
        *at += 1;
    }
    for (start, end) in starts.into_iter().zip(next) {
        sort_nearly_sorted(&mut grouped[start..end]);
    }
    *keys = grouped;
}

/// Sorts keys that are mostly in order already. Natively with the stable sort, which finds the
/// runs already in order and merges them (a quarter of the unstable sort's work on a
/// computer's events); in WebAssembly with the unstable one, whose code the page has already
/// (the stable sort's would add 1 kB gzip to a bundle kept under 1 MB, for a sort the page
/// only makes of logs of a few thousand events: it analyses larger ones in steps).
#[cfg(not(target_arch = "wasm32"))]
fn sort_nearly_sorted(keys: &mut [Key]) {
    keys.sort();
}

#[cfg(target_arch = "wasm32")]
fn sort_nearly_sorted(keys: &mut [Key]) {
    keys.sort_unstable();
}

impl ReplayOrder {
    pub(super) fn new(events: usize) -> Self {
        ReplayOrder {
            stage: Stage::Numbering { next: 0 },
            computer_of: Vec::with_capacity(events),
            names: Vec::new(),
            logons: 0,
            by_identity: HashMap::default(),
            by_name: HashMap::default(),
            rank: Vec::new(),
            keys: Vec::new(),
            merged: Vec::new(),
            order: Vec::new(),
        }
    }

    /// Does about `budget` events' share of the work; gives the order once it is made.
    pub(super) fn step(&mut self, events: &[Event], budget: usize) -> Option<Vec<u32>> {
        let budget = budget.max(1);
        match self.stage {
            Stage::Numbering { next } => {
                let end = events.len().min(next.saturating_add(budget));
                for event in events.get(next..end).unwrap_or_default() {
                    let number = self.number(&event.header.computer);
                    self.computer_of.push(number);
                    self.logons += usize::from(matches!(event.kind, EventKind::Logon(_)));
                }
                self.stage = if end < events.len() {
                    Stage::Numbering { next: end }
                } else {
                    self.rank_computers(events.len());
                    Stage::Keying { next: 0 }
                };
            }
            Stage::Keying { next } => {
                let end = events.len().min(next.saturating_add(budget));
                for (index, event) in events.iter().enumerate().take(end).skip(next) {
                    let number = self.computer_of.get(index).copied().unwrap_or(0);
                    let rank = self.rank.get(number as usize).copied().unwrap_or(0);
                    let header = &event.header;
                    // (A log holds far fewer than 2^32 events: a 4 GB file holds a few million.)
                    self.keys
                        .push((rank, header.time, header.record_id, index as u32));
                }
                self.stage = if end < events.len() {
                    Stage::Keying { next: end }
                } else {
                    self.computer_of = Vec::new();
                    Stage::Runs { next: 0 }
                };
            }
            Stage::Runs { next: 0 } if budget >= self.keys.len() => {
                // All at once (the command-line tool): no merging.
                sort_by_computer(&mut self.keys, self.rank.len());
                self.stage = Stage::Reading {
                    next: 0,
                    run_start: 0,
                };
            }
            Stage::Runs { next } => {
                let mut at = next;
                let mut done = 0;
                while at < self.keys.len() && done < budget {
                    let end = self.keys.len().min(at + RUN);
                    self.keys[at..end].sort_unstable();
                    done += end - at;
                    at = end;
                }
                self.stage = if at < self.keys.len() {
                    Stage::Runs { next: at }
                } else if self.keys.len() > RUN {
                    // Room only: each pass writes its output in order, by pushing. (Filled
                    // first, the 144 MB of a 4 GB log's keys were one task of 90-220 ms on
                    // the page.)
                    self.merged = Vec::with_capacity(self.keys.len());
                    Stage::Merging(Merge::pass(RUN))
                } else {
                    Stage::Reading {
                        next: 0,
                        run_start: 0,
                    }
                };
            }
            Stage::Merging(merge) => self.stage = self.merge(merge, budget),
            Stage::Reading { next, run_start } => {
                self.stage = self.read(events, next, run_start, budget);
            }
            Stage::Done => return Some(std::mem::take(&mut self.order)),
        }
        if matches!(self.stage, Stage::Done) {
            return Some(std::mem::take(&mut self.order));
        }
        None
    }

    /// How many of the events are logons (4624), once they are numbered: about how many
    /// sessions they make (a logon repeated for an open session makes none, a logoff without
    /// one makes an orphan).
    pub(super) fn logons(&self) -> usize {
        self.logons
    }

    /// The number of `computer`, given when first met.
    fn number(&mut self, computer: &Text) -> u32 {
        if let Some(&number) = self.by_identity.get(&computer.identity()) {
            return number;
        }
        let number = match self.by_name.get(computer) {
            Some(&number) => number,
            None => {
                let number = self.names.len() as u32;
                self.names.push(computer.clone());
                self.by_name.insert(computer.clone(), number);
                number
            }
        };
        self.by_identity.insert(computer.identity(), number);
        number
    }

    /// Ranks the computers by name, and makes room for the keys.
    fn rank_computers(&mut self, events: usize) {
        let mut by_name: Vec<u32> = (0..self.names.len() as u32).collect();
        by_name.sort_unstable_by(|&a, &b| self.names[a as usize].cmp(&self.names[b as usize]));
        self.rank = vec![0; self.names.len()];
        for (rank, &number) in by_name.iter().enumerate() {
            self.rank[number as usize] = rank as u32;
        }
        self.by_identity = HashMap::default();
        self.by_name = HashMap::default();
        self.keys = Vec::with_capacity(events);
    }

    /// Moves about `budget` keys of the merge pass `merge`; gives the stage that follows.
    fn merge(&mut self, mut merge: Merge, budget: usize) -> Stage {
        let length = self.keys.len();
        let mut moved = 0;
        while merge.low < length && moved < budget {
            let middle = length.min(merge.low + merge.width);
            let high = length.min(merge.low + 2 * merge.width);
            let (mut left, mut right, mut out) = (
                merge.low + merge.left,
                middle.max(merge.low + merge.right),
                merge.low + merge.out,
            );
            // A pass writes `merged` from its start to its end, in order: `out` is always its
            // length.
            while out < high && moved < budget {
                let take_left =
                    right >= high || (left < middle && self.keys[left] < self.keys[right]);
                if take_left {
                    self.merged.push(self.keys[left]);
                    left += 1;
                } else {
                    self.merged.push(self.keys[right]);
                    right += 1;
                }
                out += 1;
                moved += 1;
            }
            if out < high {
                merge.left = left - merge.low;
                merge.right = right - merge.low;
                merge.out = out - merge.low;
                return Stage::Merging(merge);
            }
            merge = Merge {
                low: high,
                ..Merge::pass(merge.width)
            };
        }
        if merge.low < length {
            return Stage::Merging(merge);
        }
        // A pass is over: what it wrote is read by the next, which writes over the keys it
        // read (their room kept).
        std::mem::swap(&mut self.keys, &mut self.merged);
        self.merged.clear();
        if merge.width.saturating_mul(2) < length {
            Stage::Merging(Merge::pass(merge.width * 2))
        } else {
            self.merged = Vec::new();
            Stage::Reading {
                next: 0,
                run_start: 0,
            }
        }
    }

    /// Reads about `budget` sorted keys into the order; gives the stage that follows.
    fn read(
        &mut self,
        events: &[Event],
        next: usize,
        mut run_start: usize,
        budget: usize,
    ) -> Stage {
        let end = self.keys.len().min(next.saturating_add(budget));
        for at in next..end {
            let (rank, time, record_id, index) = self.keys[at];
            let same_record = at > 0 && {
                let (before_rank, before_time, before_id, _) = self.keys[at - 1];
                (before_rank, before_time, before_id) == (rank, time, record_id)
            };
            if !same_record {
                run_start = self.order.len();
                self.order.push(index);
                continue;
            }
            // Copies of a record have equal (computer, time, record id): only then are the
            // events read.
            let Some(event) = events.get(index as usize) else {
                continue;
            };
            let h = &event.header;
            let copy = self.order[run_start..].iter().any(|&kept| {
                let k = &events[kept as usize].header;
                k.channel == h.channel && k.event_id == h.event_id
            });
            if !copy {
                self.order.push(index);
            }
        }
        if end < self.keys.len() {
            return Stage::Reading {
                next: end,
                run_start,
            };
        }
        self.keys = Vec::new();
        Stage::Done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventHeader, EventKind};

    fn event(computer: &Text, time: u64, record_id: u64, event_id: u16) -> Event {
        Event {
            header: EventHeader {
                computer: computer.clone(),
                channel: Text::from("Security"),
                record_id,
                time: Timestamp(time),
                event_id,
            },
            kind: EventKind::Startup,
        }
    }

    /// The order as sorting everything at once gives it.
    fn at_once(events: &[Event]) -> Vec<u32> {
        let mut indexes: Vec<u32> = (0..events.len() as u32).collect();
        indexes.sort_by(|&a, &b| {
            let (a, b) = (&events[a as usize].header, &events[b as usize].header);
            (a.computer.as_str(), a.time, a.record_id).cmp(&(
                b.computer.as_str(),
                b.time,
                b.record_id,
            ))
        });
        let mut order: Vec<u32> = Vec::new();
        for index in indexes {
            let h = &events[index as usize].header;
            let copy = order.iter().any(|&kept| {
                let k = &events[kept as usize].header;
                (
                    k.computer.as_str(),
                    k.time,
                    k.record_id,
                    &k.channel,
                    k.event_id,
                ) == (
                    h.computer.as_str(),
                    h.time,
                    h.record_id,
                    &h.channel,
                    h.event_id,
                )
            });
            if !copy {
                order.push(index);
            }
        }
        order
    }

    #[test]
    fn sorting_by_computer_is_sorting() {
        // Runs in time order per computer, interleaved, some out of order; and a rank past
        // the count given.
        let keys: Vec<Key> = (0..5_000u64)
            .map(|i| {
                let time = if i % 97 == 0 { i / 3 } else { i };
                ((i % 3) as u32, Timestamp(time), i % 13, i as u32)
            })
            .collect();
        let mut expected = keys.clone();
        expected.sort_unstable();
        for computers in [3, 2] {
            let mut sorted = keys.clone();
            sort_by_computer(&mut sorted, computers);
            assert_eq!(sorted, expected, "{computers} computers");
        }
    }

    #[test]
    fn any_budget_gives_the_order_of_one_sort() {
        // Three computers (two copies of one name), times with many ties, records read twice,
        // and more events than a few runs, in a scrambled order.
        let names = [
            Text::from("B"),
            Text::from("A"),
            Text::from("B"),
            Text::from("C"),
        ];
        let events: Vec<Event> = (0..3 * RUN as u64 + 123)
            .map(|i| {
                let scrambled = i * 7_919 % 1_009;
                let computer = &names[(scrambled % 4) as usize];
                let event_id = if i % 11 == 0 { 4634 } else { 4624 };
                event(computer, scrambled / 5, scrambled % 97, event_id)
            })
            .collect();
        let expected = at_once(&events);
        assert!(expected.len() < events.len(), "some records are read twice");
        for budget in [1, 7, 1_000, RUN, 5_000, usize::MAX] {
            let mut work = ReplayOrder::new(events.len());
            let mut steps = 0;
            let order = loop {
                steps += 1;
                if let Some(order) = work.step(&events, budget) {
                    break order;
                }
            };
            assert_eq!(order, expected, "budget {budget}");
            if budget == 1_000 {
                assert!(steps > 2 * events.len() / 1_000, "{steps} steps");
            }
        }
        let mut work = ReplayOrder::new(0);
        assert_eq!(work.step(&[], 10), None);
        let order = loop {
            if let Some(order) = work.step(&[], 10) {
                break order;
            }
        };
        assert!(order.is_empty());
    }
}
