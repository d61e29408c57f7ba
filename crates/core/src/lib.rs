//! logonscope-core: logon sessions from Windows Security event logs.
//!
//! The pipeline is [`scan`] (EVTX bytes, chunk by chunk) -> [`extract`] (typed events of
//! `SESSIONS.md`) -> [`reconstruct`] (the rules) -> [`report`] (the JSON format), tied
//! together by [`analysis`]; the texts of events and sessions are shared ([`text`]). Each chunk of a file can be read on its own and the partial
//! results merged, so that the browser can spread one file over several workers. Nothing here
//! depends on a web crate.

pub mod analysis;
pub mod catalog;
pub mod crc32;
pub mod decode;
pub mod event;
pub mod export;
pub mod extract;
pub mod protocol;
pub mod raw;
pub mod reconstruct;
pub mod report;
pub mod scan;
pub mod template;
pub mod text;
pub mod time;
mod wire;

pub use analysis::analyze;
pub use report::Report;
pub use scan::{Extraction, scan_bytes, scan_reader};
