//! The command line: `logonscope sessions` prints the report of EVTX files (as a table, JSON,
//! CSV, NDJSON or HTML), `logonscope synth` writes a synthetic Security log (or the hostile one)
//! and the report it must give, `logonscope bench` times the core and checks its ways of reading
//! against each other.

mod bench;
mod progress;
mod table;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use logonscope_core::export::html::{HtmlOptions, html_report};
use logonscope_core::export::ndjson::write_ndjson;
use logonscope_core::export::{csv, write_report_json};
use logonscope_core::scan::scan_reader;
use logonscope_core::{Report, analyze};
use logonscope_synth::SynthOptions;

use progress::Progress;

#[derive(Parser)]
#[command(
    name = "logonscope",
    version,
    about = "Who logged on to this Windows machine, when, from where, and for how long"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Reconstruct the logon sessions of one or more Security.evtx files.
    Sessions {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// EVTX files (several computers and overlapping exports are fine).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a synthetic Security log and, beside it, FILE.expected.json.
    Synth {
        /// The EVTX file to write.
        #[arg(long)]
        out: PathBuf,
        /// How many logon sessions to simulate.
        #[arg(long, required_unless_present = "hostile")]
        sessions: Option<u64>,
        /// How many computers write into the log.
        #[arg(long, default_value_t = 1)]
        computers: u32,
        /// Seed of the random choices: the same seed gives the same file.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write the small hostile log instead: HTML, formulas, control characters and a
        /// right-to-left override in its names, to check that every output keeps them inert.
        #[arg(long, conflicts_with_all = ["sessions", "computers", "seed"])]
        hostile: bool,
    },
    /// Time the core (fast extraction, one thread, a process per run) and check that the
    /// parallel and plain paths, and FILE.expected.json if present, give the identical report.
    Bench {
        /// EVTX files, each timed on its own.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Threads of the parallel path (default: every core).
        #[arg(long)]
        threads: Option<usize>,
        /// Runs of the timed fast path, each a process; the best one counts (with
        /// --evtx-dump: rounds).
        #[arg(long, default_value_t = 1)]
        runs: usize,
        /// Skip the plain path (the slow reference); the others are then checked against the
        /// fast one.
        #[arg(long)]
        skip_plain: bool,
        /// Print one JSON object on stdout (progress and differences go to stderr).
        #[arg(long)]
        json: bool,
        /// Also run this `evtx_dump` (`-t 1 -o jsonl FILE > /dev/null`) beside each timed run
        /// of the fast path, taking turns to go first, and give the ratio of their times.
        #[arg(long, value_name = "PROGRAM")]
        evtx_dump: Option<PathBuf>,
    },
    /// One timed run of `bench`: read and analyse FILE, print the figures as JSON.
    #[command(hide = true)]
    BenchRun { file: PathBuf },
    /// Write the demo log that the browser app offers (demo.evtx, three computers).
    Demo {
        /// Where to write it.
        #[arg(long, default_value = "demo.evtx")]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// An aligned table of sessions, then failures and warnings.
    Table,
    /// The whole report as JSON (the format of SESSIONS.md).
    Json,
    /// Sessions as CSV (formula-safe).
    Csv,
    /// Failed logons as CSV (formula-safe).
    FailuresCsv,
    /// One JSON line per session, then per failure, in Elastic Common Schema.
    Ndjson,
    /// A self-contained printable HTML report.
    Html,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Sessions { format, files } => sessions(format, &files),
        Command::Synth { out, hostile, .. } if hostile => synth_hostile(&out),
        Command::Synth {
            out,
            sessions,
            computers,
            seed,
            ..
        } => synth(
            &out,
            &SynthOptions {
                // clap requires --sessions unless --hostile is given.
                sessions: sessions.unwrap_or_default(),
                computers,
                seed,
            },
        ),
        Command::Demo { out } => demo(&out),
        Command::BenchRun { file } => bench::run_once(&file),
        Command::Bench {
            files,
            threads,
            runs,
            skip_plain,
            json,
            evtx_dump,
        } => {
            let options = bench::BenchOptions {
                threads: threads.unwrap_or_else(|| {
                    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
                }),
                runs,
                skip_plain,
                json,
                evtx_dump,
            };
            match bench::bench(&files, &options) {
                Ok(true) => Ok(()),
                Ok(false) => Err("the reports differ (see above)".to_string()),
                Err(message) => Err(message),
            }
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("logonscope: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The name a file has in the report: its base name, as the browser would show it.
fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn sessions(format: Format, paths: &[PathBuf]) -> Result<(), String> {
    let total: u64 = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let mut progress = Progress::new(total);
    let mut scanned = Vec::with_capacity(paths.len());
    for path in paths {
        let name = display_name(path);
        let file = match File::open(path) {
            Ok(file) => file,
            Err(e) => {
                let error = logonscope_core::scan::FileError::Io(e.to_string());
                scanned.push(logonscope_core::scan::unreadable_file(&name, 0, &error));
                continue;
            }
        };
        let base = progress.done();
        scanned.push(scan_reader(&name, file, |bytes| {
            progress.update(base + bytes)
        }));
    }
    progress.finish();
    let report = analyze(scanned);
    for file in &report.files {
        for error in &file.errors {
            eprintln!("logonscope: {}: {}", file.name, error);
        }
    }
    // An empty but sound log is a (short) answer; only when every file failed is there none.
    if report
        .files
        .iter()
        .all(|f| f.records == 0 && !f.errors.is_empty())
    {
        return Err("no records could be read from any of the given files".to_string());
    }
    write_report(format, &report).map_err(|e| format!("could not write the report: {e}"))
}

fn write_report(format: Format, report: &Report) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match format {
        Format::Json => write_report_json(report, &mut out)?,
        Format::Csv => out.write_all(csv::sessions_csv(report).as_bytes())?,
        Format::FailuresCsv => out.write_all(csv::failures_csv(report).as_bytes())?,
        Format::Ndjson => write_ndjson(report, &mut out)?,
        Format::Html => {
            let names: Vec<&str> = report.files.iter().map(|f| f.name.as_str()).collect();
            let options = HtmlOptions {
                title: format!("Logon sessions: {}", names.join(", ")),
                ..HtmlOptions::default()
            };
            out.write_all(html_report(report, &options).as_bytes())?
        }
        Format::Table => table::write(&mut out, report)?,
    }
    out.flush()
}

fn demo(out: &Path) -> Result<(), String> {
    let (bytes, report) = logonscope_synth::demo_log(logonscope_synth::DEMO_SEED)
        .map_err(|e| format!("the demo log: {e}"))?;
    std::fs::write(out, bytes).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!(
        "logonscope: wrote {} ({} sessions, {} failures)",
        out.display(),
        report.sessions.len(),
        report.failures.len()
    );
    Ok(())
}

/// FILE.expected.json beside `out`.
fn write_expected(out: &Path, report: &Report) -> Result<PathBuf, String> {
    let expected = PathBuf::from(format!("{}.expected.json", out.display()));
    File::create(&expected)
        .and_then(|file| {
            let mut out = BufWriter::new(file);
            write_report_json(report, &mut out)?;
            out.flush()
        })
        .map_err(|e| format!("{}: {e}", expected.display()))?;
    Ok(expected)
}

/// The hostile log and its report. The report names the file as [`display_name`] would, so
/// that it equals what `logonscope sessions` gives for the written file.
fn synth_hostile(out: &Path) -> Result<(), String> {
    let (bytes, mut report) =
        logonscope_synth::hostile_log().map_err(|e| format!("the hostile log: {e}"))?;
    let name = display_name(out);
    for file in &mut report.files {
        file.name = name.clone();
    }
    for warning in &mut report.warnings {
        warning.file = Some(name.clone());
    }
    std::fs::write(out, bytes).map_err(|e| format!("{}: {e}", out.display()))?;
    let expected = write_expected(out, &report)?;
    eprintln!(
        "logonscope: wrote {} (hostile: {} sessions, {} failures) and {}",
        out.display(),
        report.sessions.len(),
        report.failures.len(),
        expected.display()
    );
    Ok(())
}

fn synth(out: &Path, options: &SynthOptions) -> Result<(), String> {
    let file = File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut progress = Progress::new(options.estimated_size());
    let (writer, report) =
        logonscope_synth::write_log(&display_name(out), BufWriter::new(file), options, |bytes| {
            progress.update(bytes)
        })
        .map_err(|e| format!("{}: {e}", out.display()))?;
    writer
        .into_inner()
        .map_err(|e| format!("{}: {e}", out.display()))?
        .sync_all()
        .map_err(|e| format!("{}: {e}", out.display()))?;
    progress.finish();
    let expected = write_expected(out, &report)?;
    eprintln!(
        "logonscope: wrote {} ({} sessions, {} failures) and {}",
        out.display(),
        report.sessions.len(),
        report.failures.len(),
        expected.display()
    );
    Ok(())
}
