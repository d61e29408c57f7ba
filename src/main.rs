//! The `logonscope` binary: the command-line tool when built natively, the browser app when
//! built for wasm32 by Trunk.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    keep_freed_memory();
    cli::main()
}

/// Tells the allocator to keep the memory the tool frees for its own later use, rather than
/// hand it back to the system after a delay. A run frees as it goes (each chunk's working
/// values, each event once replayed into its session) while it allocates more (events,
/// sessions), and memory handed back is zeroed again by the system when it is touched next:
/// on a 1 GB log, a run that reads and analyses it took 1.31 s instead of 1.71 s (medians of
/// ten runs each, alternating) with 422 page faults instead of 2,107, on a 2-vCPU KVM machine
/// whose first touch of a page is slow. A run is short and ends by giving everything back.
#[cfg(not(target_arch = "wasm32"))]
fn keep_freed_memory() {
    /// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (the bindings name no constant
    /// for it): -1 is never.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets a plain option value; mimalloc reads it when it next frees memory. Only
    // the main thread runs yet.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}

#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(target_arch = "wasm32")]
fn main() {
    web::start();
}
