//! From scanned files to the report: reconstruction over all files together, then the
//! warnings of the rules and of the files, in a stable order.

use std::collections::HashMap;

use crate::event::EventKind;
use crate::reconstruct::reconstruct;
use crate::report::Report;
use crate::scan::ScannedFile;
use crate::text::Text;
use crate::time::Timestamp;

/// Builds the report of a run over `files` (in the order given).
pub fn analyze(files: Vec<ScannedFile>) -> Report {
    let mut report = Report::default();
    let mut file_warnings = Vec::new();
    let mut events = Vec::new();
    // A log clear is reported with the first file that holds it (the rules see events only).
    let mut clear_sources: HashMap<(Text, u64, Timestamp), String> = HashMap::new();
    for file in files {
        for event in &file.events {
            if matches!(event.kind, EventKind::LogCleared(_)) {
                let h = &event.header;
                clear_sources
                    .entry((h.computer.clone(), h.record_id, h.time))
                    .or_insert_with(|| file.summary.name.clone());
            }
        }
        report.files.push(file.summary);
        file_warnings.extend(file.warnings);
        // The first file's events are taken as they are: copying them would double the
        // memory a big log needs.
        if events.is_empty() {
            events = file.events;
        } else {
            events.extend(file.events);
        }
    }
    let rebuilt = reconstruct(events);
    report.sessions = rebuilt.sessions;
    report.failures = rebuilt.failures;
    report.warnings = rebuilt.log_cleared;
    for warning in &mut report.warnings {
        if let (Some(computer), Some(record_id), Some(time)) =
            (&warning.computer, warning.record_id, warning.time)
        {
            warning.file = clear_sources
                .get(&(Text::from(computer.as_str()), record_id, time))
                .cloned();
        }
    }
    report.warnings.extend(file_warnings);
    report
}
