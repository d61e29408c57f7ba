//! The job logic of the logonscope Web Worker, as plain Rust that is tested natively; the
//! binary (`main.rs`) only adds the browser glue.

pub mod job;
