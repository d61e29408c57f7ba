//! Where a record lives, so that the raw-record view can read it back from the file on demand
//! instead of keeping every record in memory.

use std::collections::HashMap;

use logonscope_core::scan::ChunkScan;
use logonscope_core::text::Text;

/// Which chunks of which files hold which EventRecordIDs of which computer.
#[derive(Debug, Clone, Default)]
pub struct RecordLocator {
    /// (computer) -> (file, chunk, first id, last id), one entry per chunk and computer.
    ranges: HashMap<Text, Vec<(u32, u64, u64, u64)>>,
}

impl RecordLocator {
    /// Notes the records of one scanned chunk of file `file`.
    pub fn add(&mut self, file: u32, scan: &ChunkScan) {
        for ((computer, _channel), ids) in &scan.record_ids {
            let (Some(first), Some(last)) = (
                ids.iter().map(|(id, _)| *id).min(),
                ids.iter().map(|(id, _)| *id).max(),
            ) else {
                continue;
            };
            self.ranges
                .entry(computer.clone())
                .or_default()
                .push((file, scan.index, first, last));
        }
    }

    /// The (file, chunk) places that may hold record `record_id` of `computer`, most likely
    /// first. Several files can hold the same record (overlapping exports).
    pub fn locate(&self, computer: &str, record_id: u64) -> Vec<(u32, u64)> {
        let mut places: Vec<(u32, u64)> = self
            .ranges
            .get(computer)
            .into_iter()
            .flatten()
            .filter(|(_, _, first, last)| (*first..=*last).contains(&record_id))
            .map(|(file, chunk, _, _)| (*file, *chunk))
            .collect();
        places.sort_unstable();
        places.dedup();
        places
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use logonscope_core::time::Timestamp;

    fn chunk(index: u64, computer: &str, ids: &[u64]) -> ChunkScan {
        let mut scan = ChunkScan {
            index,
            ..ChunkScan::default()
        };
        scan.record_ids.insert(
            (Text::from(computer), Text::from("Security")),
            ids.iter().map(|id| (*id, Timestamp(0))).collect(),
        );
        scan
    }

    #[test]
    fn records_are_found_in_their_chunk_and_computer() {
        let mut locator = RecordLocator::default();
        locator.add(0, &chunk(0, "A", &[1, 2, 3]));
        locator.add(0, &chunk(1, "A", &[4, 5, 6]));
        locator.add(1, &chunk(0, "B", &[4, 5]));
        locator.add(2, &chunk(7, "A", &[5, 6, 7]));
        assert_eq!(locator.locate("A", 2), vec![(0, 0)]);
        assert_eq!(locator.locate("A", 5), vec![(0, 1), (2, 7)]);
        assert_eq!(locator.locate("B", 5), vec![(1, 0)]);
        assert!(locator.locate("A", 99).is_empty());
        assert!(locator.locate("C", 1).is_empty());
    }
}
