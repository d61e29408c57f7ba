//! logonscope-synth: realistic synthetic Windows Security logs with known answers.
//!
//! [`write_log`] simulates computers, people, services and attackers, writes what they do as a
//! real EVTX file (see [`evtx`]) and returns the report logonscope must produce for it. The
//! crate uses nothing native-only, so the browser app can make its demo log with it.

pub mod evtx;
mod people;
mod records;
mod rng;
mod simulate;

pub use simulate::{DEMO_SEED, SynthOptions, demo_log, write_log};
