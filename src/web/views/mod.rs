//! The views of a loaded report: one module per view, each drawing what `logonscope-view`
//! computes.

pub mod coverage;
pub mod detail;
pub mod exports;
pub mod failures;
pub mod sessions;
pub mod share;
mod table_canvas;
mod table_rows;
pub mod timeline;
mod timeline_canvas;
