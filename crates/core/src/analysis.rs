//! From scanned files to the report: reconstruction over all files together, then the
//! warnings of the files and of the rules, in a stable order.

use crate::reconstruct::reconstruct;
use crate::report::Report;
use crate::scan::ScannedFile;

/// Builds the report of a run over `files` (in the order given).
pub fn analyze(files: Vec<ScannedFile>) -> Report {
    let mut report = Report::default();
    let mut file_warnings = Vec::new();
    let mut events = Vec::new();
    for file in files {
        report.files.push(file.summary);
        file_warnings.extend(file.warnings);
        events.extend(file.events);
    }
    let rebuilt = reconstruct(events);
    report.sessions = rebuilt.sessions;
    report.failures = rebuilt.failures;
    report.warnings = rebuilt.log_cleared;
    report.warnings.extend(file_warnings);
    report
}
