//! The Web Worker of the logonscope page. The page hands each worker a file and a range of
//! its chunks; the worker reads them with `Blob.slice` (a few MiB in memory at a time), scans
//! them with the core and sends the results back in batches as transferable buffers. It also
//! renders raw records on demand and writes the demo log, so the page's main thread never
//! parses anything. The job logic is plain Rust (the library, `logonscope_worker::job`); only
//! `glue` touches the browser.

#[cfg(target_arch = "wasm32")]
mod glue;

fn main() {
    // Built natively (as part of the workspace) the worker has nothing to do.
    #[cfg(target_arch = "wasm32")]
    glue::start();
}
