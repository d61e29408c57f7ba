//! logonscope-core: logon sessions from Windows Security event logs.
//!
//! The pipeline is `reader` (EVTX bytes, chunk by chunk) -> `extract` (typed events of
//! `SESSIONS.md`) -> `reconstruct` (the rules) -> `report` (the JSON format). Each chunk of a
//! file can be read on its own and the partial results merged, so that the browser can spread
//! one file over several workers. Nothing here depends on a web crate.

pub mod report;
pub mod time;
