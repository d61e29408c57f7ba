//! From scanned files to the report: reconstruction over all files together, then the
//! warnings of the rules and of the files, in a stable order. In one go ([`analyze`]) or a
//! slice at a time ([`Analysis`]), with the same result.

use std::collections::HashMap;

use crate::event::EventKind;
use crate::reconstruct::{Reconstruction, Reconstructor};
use crate::report::{Report, Warning};
use crate::scan::ScannedFile;
use crate::text::Text;
use crate::time::Timestamp;

/// Builds the report of a run over `files` (in the order given).
pub fn analyze(files: Vec<ScannedFile>) -> Report {
    let mut analysis = Analysis::new(files);
    loop {
        if let Some(report) = analysis.step(usize::MAX) {
            return report;
        }
    }
}

/// [`analyze`] a slice at a time (see [`Reconstructor`]): the page runs it between frames.
pub struct Analysis {
    report: Report,
    file_warnings: Vec<Warning>,
    /// A log clear is reported with the first file that holds it (the rules see events only).
    clear_sources: HashMap<(Text, u64, Timestamp), String>,
    rules: Reconstructor,
}

impl Analysis {
    /// Takes the files' events (in the order given) for the rules.
    pub fn new(files: Vec<ScannedFile>) -> Self {
        let mut report = Report::default();
        let mut file_warnings = Vec::new();
        let mut events = Vec::new();
        let mut clear_sources = HashMap::new();
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
        Analysis {
            report,
            file_warnings,
            clear_sources,
            rules: Reconstructor::new(events),
        }
    }

    /// (events the rules have replayed, events they replay): how far the analysis is.
    pub fn progress(&self) -> (usize, usize) {
        (self.rules.replayed(), self.rules.events())
    }

    /// Does the next share of the work (see [`Reconstructor::step`]); gives the report at
    /// the end, after which the analysis has nothing left to give.
    pub fn step(&mut self, events: usize) -> Option<Report> {
        let rebuilt = self.rules.step(events)?;
        Some(self.finish(rebuilt))
    }

    fn finish(&mut self, rebuilt: Reconstruction) -> Report {
        let mut report = std::mem::take(&mut self.report);
        report.sessions = rebuilt.sessions;
        report.failures = rebuilt.failures;
        report.warnings = rebuilt.log_cleared;
        for warning in &mut report.warnings {
            if let (Some(computer), Some(record_id), Some(time)) =
                (&warning.computer, warning.record_id, warning.time)
            {
                warning.file = self
                    .clear_sources
                    .get(&(Text::from(computer.as_str()), record_id, time))
                    .cloned();
            }
        }
        report.warnings.append(&mut self.file_warnings);
        report
    }
}
