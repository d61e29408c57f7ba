//! logonscope-view: what the page shows, as plain data.
//!
//! Every decision the browser app makes about a report (which sessions a filter keeps, how
//! they sort, where a session's bar goes on the timeline, which failures form a burst, what the
//! audit coverage says) lives here, as pure functions over the core's [`Report`] that are tested
//! natively. The Leptos components only draw what these functions return.
//!
//! [`Report`]: logonscope_core::Report

pub mod accounts;
pub mod columns;
pub mod coverage;
pub mod downloads;
pub mod failures;
pub mod filter;
pub mod numbers;
mod radix;
pub mod raw;
pub mod table_cells;
pub mod timeline;
pub mod view_state;
pub mod zone;
