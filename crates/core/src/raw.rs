//! Reading records back as the `evtx` crate renders them (XML and JSON), for the raw-record
//! view of a session: the page keeps only where records are, and re-reads one chunk on demand.

use std::collections::BTreeMap;
use std::sync::Arc;

use evtx::{EvtxChunkData, ParserSettings};
use serde::{Deserialize, Serialize};

use crate::extract::{JsonRecord, record_stamp};
use crate::scan::CHUNK_SIZE;
use crate::time::Timestamp;

/// One record as the `evtx` crate renders it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawRecord {
    /// The EventRecordID (System/EventRecordID, as in the report).
    pub record_id: u64,
    pub xml: String,
    pub json: String,
}

/// Renders the records of `computer` with the given EventRecordIDs found in one chunk.
/// Records not in the chunk are simply absent from the result; an unreadable chunk is an error.
pub fn render_records(
    chunk: &[u8],
    computer: &str,
    record_ids: &[u64],
) -> Result<Vec<RawRecord>, String> {
    let mut bytes = chunk.to_vec();
    bytes.resize(CHUNK_SIZE as usize, 0);
    let settings = Arc::new(ParserSettings::new().num_threads(1));
    let mut data = EvtxChunkData::new(bytes, false).map_err(|e| e.to_string())?;
    // Pass 1: find the wanted records by their EventRecordID, which only the rendered data
    // holds; remember them by their header id (the key of pass 2) with their JSON.
    let mut wanted: BTreeMap<u64, (u64, String)> = BTreeMap::new();
    {
        let mut parsed = data.parse(settings.clone()).map_err(|e| e.to_string())?;
        for record in parsed.iter().flatten() {
            let header_id = record.event_record_id;
            let Ok(value) = record.into_json_value() else {
                continue;
            };
            let stamp = record_stamp(
                &JsonRecord::new(&value.data),
                header_id,
                Timestamp::default(),
            );
            if stamp.computer == computer && record_ids.contains(&stamp.record_id) {
                let json = serde_json::to_string_pretty(&value.data).unwrap_or_default();
                wanted.insert(header_id, (stamp.record_id, json));
            }
        }
    }
    // Pass 2: the XML of the same records (a parsed record renders only once).
    let mut records = Vec::with_capacity(wanted.len());
    let mut parsed = data.parse(settings).map_err(|e| e.to_string())?;
    for record in parsed.iter().flatten() {
        let Some((record_id, json)) = wanted.remove(&record.event_record_id) else {
            continue;
        };
        let xml = record
            .into_xml()
            .map(|r| r.data)
            .unwrap_or_else(|e| format!("<!-- cannot render as XML: {e} -->"));
        records.push(RawRecord {
            record_id,
            xml,
            json,
        });
    }
    records.sort_by_key(|r| r.record_id);
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{CHUNK_SIZE, FILE_HEADER_SIZE};

    fn sample_chunk(name: &str, index: u64) -> Vec<u8> {
        let path = format!(
            "{}/../../../shared/evtx-samples/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap();
        let start = (FILE_HEADER_SIZE + index * CHUNK_SIZE) as usize;
        bytes[start..(start + CHUNK_SIZE as usize).min(bytes.len())].to_vec()
    }

    #[test]
    fn wanted_records_come_back_as_xml_and_json() {
        let chunk = sample_chunk("interactive-logon-and-failure.evtx", 0);
        let scan = crate::scan::scan_chunk(0, &chunk);
        let ((computer, _), ids) = scan.record_ids.iter().next().unwrap();
        let wanted: Vec<u64> = ids.iter().map(|(id, _)| *id).take(2).collect();
        let records = render_records(&chunk, computer, &wanted).unwrap();
        assert_eq!(
            records.iter().map(|r| r.record_id).collect::<Vec<_>>(),
            wanted
        );
        for record in &records {
            assert!(record.xml.contains("<EventRecordID>"), "{}", record.xml);
            assert!(record.xml.contains(&record.record_id.to_string()));
            let json: serde_json::Value = serde_json::from_str(&record.json).unwrap();
            assert!(json.pointer("/Event/System/EventID").is_some());
        }
        assert!(
            render_records(&chunk, "another computer", &wanted)
                .unwrap()
                .is_empty()
        );
        assert!(render_records(b"not a chunk", computer, &wanted).is_err());
    }
}
