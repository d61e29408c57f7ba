//! Helpers shared by the integration tests: where the sample logs are, and running the CLI.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// `../shared/evtx-samples/`, read in place (never copied into the repository).
pub fn samples_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/evtx-samples");
    assert!(
        dir.is_dir(),
        "the sample logs are missing: expected them in {}",
        dir.display()
    );
    dir
}

/// Every `.evtx` of the samples folder, in name order.
pub fn sample_logs() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(samples_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "evtx"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 15, "the samples are there");
    paths
}

pub fn sample(name: &str) -> PathBuf {
    let path = samples_dir().join(name);
    assert!(path.is_file(), "sample {} is missing", path.display());
    path
}

/// Runs the `logonscope` binary.
pub fn logonscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_logonscope"))
        .args(args)
        .output()
        .expect("the logonscope binary runs")
}

/// A synthetic log written in memory by the project's writer, and its expected report.
pub fn synthetic_log(
    sessions: u64,
    computers: u32,
    seed: u64,
) -> (Vec<u8>, logonscope_core::Report) {
    let options = logonscope_synth::SynthOptions {
        sessions,
        computers,
        seed,
    };
    let (cursor, expected) = logonscope_synth::write_log(
        "synthetic.evtx",
        std::io::Cursor::new(Vec::new()),
        &options,
        |_| {},
    )
    .expect("the synthetic log is written");
    (cursor.into_inner(), expected)
}

/// A fresh scratch folder for one test.
pub fn scratch(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// The `evtx` crate's `evtx_dump`, as `scripts/setup` installs it into cargo's bin folder.
/// Never looked up on PATH: python packages install a different `evtx_dump` that may come first.
pub fn rust_evtx_dump() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cargo")
        });
    cargo_home.join("bin").join("evtx_dump")
}
