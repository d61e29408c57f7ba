//! Writes synthetic EVTX Security logs.
pub mod evtx;
