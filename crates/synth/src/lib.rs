//! logonscope-synth: realistic synthetic Windows Security logs with known answers.
//!
//! [`write_log`] simulates computers, people, services and attackers, writes what they do as a
//! real EVTX file (see [`evtx`]) and returns the report logonscope must produce for it. The
//! crate uses nothing native-only, so the browser app can make its demo log with it.
//! [`hostile_log`] writes a small log whose event data is hostile (markup, formulas, control
//! characters), to check that every export and view keeps such data inert.

pub mod evtx;
pub mod hostile;
mod people;
mod records;
mod rng;
mod simulate;

pub use hostile::hostile_log;
pub use simulate::{DEMO_SEED, SynthOptions, demo_log, log_in_memory, write_log};
