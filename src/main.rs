//! The `logonscope` binary: the command-line tool when built natively. Built for wasm32 by
//! Trunk it will be the browser app (the next piece of work); until then it does nothing there.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
