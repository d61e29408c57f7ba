//! A stable least-significant-digit radix sort of `u32` values by `u64` keys, that can be run
//! a bounded share at a time.
//!
//! The table sorts a million sessions by integer ranks (see `columns`): a few passes over
//! memory instead of twenty rounds of comparisons. Even so, a column of times takes tens of
//! milliseconds in the browser, so the page makes such orders ahead, between frames, and
//! needs a sort it can stop after any number of keys and resume ([`RadixSort::step`]).

/// Bits of a digit: 2,048 buckets, whose counts stay in the CPU's nearest cache.
const BITS: u32 = 11;
const BUCKETS: usize = 1 << BITS;
const MASK: u64 = BUCKETS as u64 - 1;

/// Below this many keys, a comparison sort is quicker than clearing the histograms.
const SMALL: usize = 64;

/// A sort in progress: `values` ordered by `keys` (same length), stably, on 11-bit digits,
/// skipping the digits every key shares (a column of times over a few months differs in its
/// low 48 bits only).
pub(crate) struct RadixSort {
    keys: Vec<u64>,
    values: Vec<u32>,
    /// The buffers each pass writes into (then swapped with `keys` and `values`).
    keys_to: Vec<u64>,
    values_to: Vec<u32>,
    /// The count of each digit value, per digit (pass) the keys need.
    histograms: Vec<[u32; BUCKETS]>,
    stage: Stage,
}

enum Stage {
    /// Counting the digits of `keys[..done]`.
    Counting {
        done: usize,
    },
    /// Pass `pass` has moved `keys[..done]`; `next[d]`: where the next key of digit `d` goes.
    Moving {
        pass: usize,
        next: Box<[u32; BUCKETS]>,
        done: usize,
    },
    Sorted,
}

impl RadixSort {
    /// A sort of `values` by `keys` (the longer is cut to the shorter's length).
    pub(crate) fn new(mut keys: Vec<u64>, mut values: Vec<u32>) -> RadixSort {
        let count = keys.len().min(values.len());
        keys.truncate(count);
        values.truncate(count);
        let mut sort = RadixSort {
            keys,
            values,
            keys_to: Vec::new(),
            values_to: Vec::new(),
            histograms: Vec::new(),
            stage: Stage::Counting { done: 0 },
        };
        if count < SMALL {
            let mut pairs: Vec<(u64, u32)> = sort.keys.iter().copied().zip(sort.values).collect();
            pairs.sort_by_key(|&(key, _)| key);
            (sort.keys, sort.values) = pairs.into_iter().unzip();
            sort.stage = Stage::Sorted;
        } else {
            let highest = sort.keys.iter().copied().max().unwrap_or(0);
            let passes = (64 - highest.leading_zeros()).div_ceil(BITS) as usize;
            sort.histograms = vec![[0u32; BUCKETS]; passes];
        }
        sort
    }

    /// Goes on for about `count` keys' worth of work (a count or a move of `count` keys);
    /// `true` once the values are sorted.
    pub(crate) fn step(&mut self, count: usize) -> bool {
        let total = self.keys.len();
        match &mut self.stage {
            Stage::Counting { done } => {
                let end = total.min(done.saturating_add(count));
                for &key in &self.keys[*done..end] {
                    for (pass, histogram) in self.histograms.iter_mut().enumerate() {
                        histogram[digit(key, pass)] += 1;
                    }
                }
                *done = end;
                if end == total {
                    self.keys_to = vec![0; total];
                    self.values_to = vec![0; total];
                    self.stage = self.pass_from(0);
                }
            }
            Stage::Moving { pass, next, done } => {
                let end = total.min(done.saturating_add(count));
                let pass = *pass;
                for (&key, &value) in self.keys[*done..end].iter().zip(&self.values[*done..end]) {
                    let slot = &mut next[digit(key, pass)];
                    let at = *slot as usize;
                    *slot += 1;
                    self.keys_to[at] = key;
                    self.values_to[at] = value;
                }
                *done = end;
                if end == total {
                    std::mem::swap(&mut self.keys, &mut self.keys_to);
                    std::mem::swap(&mut self.values, &mut self.values_to);
                    self.stage = self.pass_from(pass + 1);
                }
            }
            Stage::Sorted => {}
        }
        matches!(self.stage, Stage::Sorted)
    }

    /// The first pass from `first` on whose digit not every key shares, ready to move.
    fn pass_from(&self, first: usize) -> Stage {
        let total = self.keys.len() as u32;
        let Some(pass) =
            (first..self.histograms.len()).find(|&p| !self.histograms[p].contains(&total))
        else {
            return Stage::Sorted;
        };
        let mut next = Box::new([0u32; BUCKETS]);
        let mut start = 0u32;
        for (slot, &n) in next.iter_mut().zip(self.histograms[pass].iter()) {
            *slot = start;
            start += n;
        }
        Stage::Moving {
            pass,
            next,
            done: 0,
        }
    }

    /// The keys and the values, sorted (once [`step`](Self::step) has said so).
    pub(crate) fn into_sorted(self) -> (Vec<u64>, Vec<u32>) {
        (self.keys, self.values)
    }
}

fn digit(key: u64, pass: usize) -> usize {
    ((key >> (pass as u32 * BITS)) & MASK) as usize
}

/// Sorts `values` by `keys` in one go; returns the keys, sorted.
pub(crate) fn radix_sort(keys: Vec<u64>, values: &mut [u32]) -> Vec<u64> {
    let mut sort = RadixSort::new(keys, values.to_vec());
    while !sort.step(usize::MAX) {}
    let (keys, sorted) = sort.into_sorted();
    values[..sorted.len()].copy_from_slice(&sorted);
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_sort_is_stable_and_skips_shared_digits() {
        // Keys that share their high digits, with ties, in an order a comparison sort checks.
        let keys: Vec<u64> = (0..5_000u64)
            .map(|i| (1 << 60) + (i * 7_919 % 1_000) * (1 << 22) + i % 3)
            .collect();
        let mut values: Vec<u32> = (0..5_000).collect();
        let sorted_keys = radix_sort(keys.clone(), &mut values);
        let mut expected: Vec<u32> = (0..5_000).collect();
        expected.sort_by_key(|&i| keys[i as usize]);
        assert_eq!(values, expected);
        assert!(sorted_keys.is_sorted());
        // Short inputs, and all-equal keys.
        let mut values = vec![3, 1, 2];
        assert_eq!(radix_sort(vec![5, 5, 1], &mut values), vec![1, 5, 5]);
        assert_eq!(values, vec![2, 3, 1]);
        let mut values: Vec<u32> = (0..100).collect();
        radix_sort(vec![7; 100], &mut values);
        assert_eq!(values, (0..100).collect::<Vec<u32>>());
    }

    #[test]
    fn a_sort_in_small_steps_ends_as_one_in_a_single_step() {
        let keys: Vec<u64> = (0..3_001u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20)
            .collect();
        let values: Vec<u32> = (0..3_001).collect();
        let mut whole = RadixSort::new(keys.clone(), values.clone());
        while !whole.step(usize::MAX) {}
        let mut stepped = RadixSort::new(keys, values);
        let mut steps = 0;
        while !stepped.step(7) {
            steps += 1;
        }
        // Counting and every pass, each 3,001 keys long, went 7 keys a step.
        assert!(steps > 3 * 3_001 / 7, "{steps} steps");
        assert_eq!(stepped.into_sorted(), whole.into_sorted());
    }
}
