//! `logonscope bench FILE...`: times the native core and checks that every way of reading a
//! file gives the same report. The timed figure (MB/s, records/s, seconds, peak RSS) is the fast
//! extraction on one thread as the tool runs it: each run a process of its own
//! (`logonscope bench-run FILE`, [`run_once`]) that reads the file from disk, a chunk at a time,
//! and analyses it, timed from its start to its exit as `evtx_dump` is, its memory as fresh as
//! any run's. The parallel path and the plain path (every record rendered by the `evtx` crate:
//! the reference) run on the file held in memory, are timed too and must give the identical
//! `Report`, as must `FILE.expected.json` when the synthetic log writer left one beside the file;
//! the timed processes must count the same records, sessions and failures. Any difference is
//! printed loudly, naming the file, the two paths and the first differing session and field, and
//! the command exits non-zero. `scripts/bench` reads its `--json` output.
//!
//! With `--evtx-dump PROGRAM`, each timed run of the fast path is paired with a run of
//! `PROGRAM -t 1 -o jsonl FILE > /dev/null`, the two taking turns to go first: on a shared
//! machine whose speed drifts by a third and more from one minute to the next, only times taken
//! side by side give a ratio that means something.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use logonscope_core::report::Report;
use logonscope_core::scan::{Extraction, scan_bytes_parallel, scan_bytes_with, scan_reader};
use logonscope_core::{analyze, scan::ScannedFile};
use serde_json::{Value, json};

/// What `logonscope bench` was asked to do.
pub struct BenchOptions {
    /// Threads of the parallel path.
    pub threads: usize,
    /// Runs of the timed fast path (processes); the best is reported.
    pub runs: usize,
    /// Skip the plain path (it is several times slower): the parallel path and the expected
    /// report are then checked against the fast one.
    pub skip_plain: bool,
    /// Print one JSON object on stdout (progress and verdicts go to stderr).
    pub json: bool,
    /// `evtx_dump` (of the `evtx` crate), to run beside each timed run of the fast path.
    pub evtx_dump: Option<PathBuf>,
}

/// One path's time on one file.
#[derive(Debug, Clone)]
pub struct PathTiming {
    pub seconds: f64,
    pub mb_per_second: f64,
    pub records_per_second: f64,
}

impl PathTiming {
    fn new(seconds: f64, bytes: u64, records: u64) -> Self {
        let per_second = |amount: f64| if seconds > 0.0 { amount / seconds } else { 0.0 };
        PathTiming {
            seconds,
            mb_per_second: per_second(bytes as f64 / 1e6),
            records_per_second: per_second(records as f64),
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "seconds": self.seconds,
            "mb_per_second": self.mb_per_second,
            "records_per_second": self.records_per_second,
        })
    }
}

/// The figures and verdicts of one file.
#[derive(Debug, Clone)]
pub struct FileBench {
    pub file: String,
    pub bytes: u64,
    pub records: u64,
    pub sessions: usize,
    pub failures: usize,
    /// Fast extraction, one thread, best of `runs`: a process that reads, scans and
    /// analyses the file, from its start to its exit.
    pub fast: PathTiming,
    /// Of `fast.seconds`, the analysis (events to sessions) alone.
    pub analyze_seconds: f64,
    pub runs: usize,
    /// The largest peak RSS (VmHWM) of the timed processes.
    pub peak_rss_bytes: Option<u64>,
    pub parallel_threads: usize,
    pub parallel: PathTiming,
    /// `None` when skipped.
    pub plain: Option<PathTiming>,
    /// Whether FILE.expected.json was there to compare with.
    pub expected_checked: bool,
    /// Every difference found, in words; empty when all paths agree.
    pub differences: Vec<String>,
    /// The fast path beside `evtx_dump`, when asked for.
    pub against_evtx_dump: Option<Comparison>,
}

/// The fast path and `evtx_dump -t 1 -o jsonl FILE > /dev/null` timed in the same rounds.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// The fast path's time (its process, from start to exit) in each round.
    pub fast_seconds: Vec<f64>,
    /// `evtx_dump`'s time (the process, from start to exit) in each round.
    pub evtx_dump_seconds: Vec<f64>,
    /// `evtx_dump`'s peak RSS, from its untimed first run (when `/usr/bin/time` is there).
    pub evtx_dump_peak_rss_bytes: Option<u64>,
}

impl Comparison {
    /// The best fast time over the best `evtx_dump` time.
    pub fn ratio_of_best(&self) -> Option<f64> {
        Some(least(&self.fast_seconds)? / least(&self.evtx_dump_seconds)?)
    }

    /// The median of each round's ratio: the figure least moved by the machine's drift.
    pub fn median_ratio(&self) -> Option<f64> {
        let ratios: Vec<f64> = self
            .fast_seconds
            .iter()
            .zip(&self.evtx_dump_seconds)
            .map(|(fast, dump)| fast / dump)
            .collect();
        median(&ratios)
    }

    fn to_json(&self) -> Value {
        json!({
            "runs": self.evtx_dump_seconds.len(),
            "seconds": least(&self.evtx_dump_seconds),
            "median_seconds": median(&self.evtx_dump_seconds),
            "round_seconds": self.evtx_dump_seconds,
            "fast_round_seconds": self.fast_seconds,
            "fast_median_seconds": median(&self.fast_seconds),
            "peak_rss_bytes": self.evtx_dump_peak_rss_bytes,
            "ratio_of_best": self.ratio_of_best(),
            "median_ratio": self.median_ratio(),
        })
    }
}

fn least(values: &[f64]) -> Option<f64> {
    values.iter().copied().reduce(f64::min)
}

/// The middle value (the mean of the two middle ones for an even count).
fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[middle]),
        _ => Some((sorted[middle - 1] + sorted[middle]) / 2.0),
    }
}

impl FileBench {
    fn to_json(&self) -> Value {
        json!({
            "file": self.file,
            "bytes": self.bytes,
            "records": self.records,
            "sessions": self.sessions,
            "failures": self.failures,
            "fast": self.fast.to_json(),
            "analyze_seconds": self.analyze_seconds,
            "runs": self.runs,
            "peak_rss_bytes": self.peak_rss_bytes,
            "parallel_threads": self.parallel_threads,
            "parallel": self.parallel.to_json(),
            "plain": self.plain.as_ref().map(PathTiming::to_json),
            "expected_checked": self.expected_checked,
            "differences": self.differences,
            "evtx_dump": self.against_evtx_dump.as_ref().map(Comparison::to_json),
        })
    }
}

/// Runs the benchmark on every file; `Ok(true)` when every check passed.
pub fn bench(paths: &[PathBuf], options: &BenchOptions) -> Result<bool, String> {
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let result = bench_file(path, options)?;
        for difference in &result.differences {
            eprintln!("logonscope bench: DIFFERENCE: {difference}");
        }
        if !options.json {
            print_text(&result);
        }
        files.push(result);
    }
    let ok = files.iter().all(|f| f.differences.is_empty());
    if options.json {
        // One object: the verdict, and each file's figures. The process peak is VmHWM at
        // the end (every path of every file).
        let run = json!({
            "ok": ok,
            "threads": options.threads,
            "files": files.iter().map(FileBench::to_json).collect::<Vec<_>>(),
            "process_peak_rss_bytes": peak_rss_bytes(),
        });
        let mut out = std::io::stdout().lock();
        writeln!(out, "{run}").map_err(|e| format!("could not write the result: {e}"))?;
    }
    if !ok {
        eprintln!(
            "logonscope bench: FAILED: the ways of reading gave different reports (see above)"
        );
    }
    Ok(ok)
}

fn bench_file(path: &Path, options: &BenchOptions) -> Result<FileBench, String> {
    let name = super::display_name(path);
    let say = |what: &str| eprintln!("logonscope bench: {name}: {what}");
    let runs = options.runs.max(1);
    // Read once through, untimed, so that the file is in the page cache for every timed run
    // of both programs. (The timed runs come before this process holds the file and its
    // reports.)
    let size = std::fs::File::open(path)
        .and_then(|mut file| std::io::copy(&mut file, &mut std::io::sink()))
        .map_err(|e| format!("{}: {e}", path.display()))?;

    // A first run of each program, untimed, as every timed run finds its program's code in
    // the page cache. `evtx_dump`'s also gives its peak RSS.
    time_fast_process(path)?;
    let mut comparison = None;
    if let Some(program) = &options.evtx_dump {
        say(&format!(
            "fast extraction, 1 thread, beside {}, {runs} rounds after a first run of each",
            program.display()
        ));
        comparison = Some(Comparison {
            evtx_dump_peak_rss_bytes: evtx_dump_peak_rss(program, path)?,
            ..Comparison::default()
        });
    } else {
        say(&format!("fast extraction, 1 thread, best of {runs}"));
    }
    let evtx_dump_run = || {
        options
            .evtx_dump
            .as_deref()
            .map(|program| time_evtx_dump(program, path))
    };
    let mut timed_runs: Vec<FastProcess> = Vec::with_capacity(runs);
    for round in 0..runs {
        // Taking turns to go first, neither gets the quieter half of every round.
        let evtx_dump_first = round % 2 == 1;
        let mut evtx_dump_seconds = evtx_dump_first.then(evtx_dump_run).flatten();
        let run = time_fast_process(path)?;
        if !evtx_dump_first {
            evtx_dump_seconds = evtx_dump_run();
        }
        if let (Some(comparison), Some(evtx_dump_seconds)) = (&mut comparison, evtx_dump_seconds) {
            comparison.fast_seconds.push(run.seconds);
            comparison.evtx_dump_seconds.push(evtx_dump_seconds?);
        }
        timed_runs.push(run);
    }
    let best = timed_runs
        .iter()
        .min_by(|a, b| a.seconds.total_cmp(&b.seconds))
        .cloned()
        .ok_or("no run")?;
    let peak_rss = timed_runs.iter().filter_map(|run| run.peak_rss_bytes).max();

    // The checks, on the file held in memory. The fast path's report is the one the others
    // are compared with; the timed processes made the same, or their counts say otherwise.
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let fast = analyze(vec![scan_bytes_with(&name, &bytes, Extraction::Fast)]);
    let records = records_of(&fast);
    let mut differences = Vec::new();
    let expected = (records, fast.sessions.len(), fast.failures.len());
    if let Some(run) = timed_runs
        .iter()
        .find(|run| (run.records, run.sessions, run.failures) != expected)
    {
        differences.push(format!(
            "{name}: a timed process and the fast path (in memory) differ: (records, \
             sessions, failures) {:?} against {expected:?}",
            (run.records, run.sessions, run.failures)
        ));
    }

    let mut check = |label: &str, report: &Report, reference_label: &str, reference: &Report| {
        if let Some(difference) = first_difference(report, reference) {
            differences.push(format!(
                "{name}: {label} and {reference_label} differ: {difference}"
            ));
        }
    };
    // Each report is compared as soon as it is made and then dropped: at most two reports
    // (and the file) are held at once, which matters on a 4 GB log. Equal to the fast report,
    // and the fast report equal to the plain one, is equal to the plain one.
    let fast_label = "fast (1 thread)";
    let threads = options.threads.max(1);
    say(&format!("fast extraction, {threads} threads"));
    let (parallel_seconds, parallel) =
        timed(|| scan_bytes_parallel(&name, &bytes, threads, Extraction::Fast));
    check(
        &format!("parallel ({threads} threads)"),
        &parallel,
        fast_label,
        &fast,
    );
    drop(parallel);

    let plain = if options.skip_plain {
        None
    } else {
        say("plain extraction (every record rendered), 1 thread");
        Some(timed(|| scan_bytes_with(&name, &bytes, Extraction::Plain)))
    };
    drop(bytes);
    let (reference_label, reference) = match &plain {
        Some((_, report)) => {
            check(fast_label, &fast, "plain (the reference)", report);
            ("plain (the reference)", report)
        }
        None => (fast_label, &fast),
    };
    let expected_path = PathBuf::from(format!("{}.expected.json", path.display()));
    let expected_checked = expected_path.is_file();
    if expected_checked {
        say(&format!("comparing with {}", expected_path.display()));
        match read_report(&expected_path) {
            Ok(expected) => check(
                reference_label,
                reference,
                "the expected report of the synthetic log",
                &expected,
            ),
            Err(e) => differences.push(format!("{name}: {e}")),
        }
    }
    let (sessions, failures) = (fast.sessions.len(), fast.failures.len());

    Ok(FileBench {
        file: name.clone(),
        bytes: size,
        records,
        sessions,
        failures,
        fast: PathTiming::new(best.seconds, size, records),
        analyze_seconds: best.analyze_seconds,
        runs,
        peak_rss_bytes: peak_rss,
        parallel_threads: threads,
        parallel: PathTiming::new(parallel_seconds, size, records),
        plain: plain
            .as_ref()
            .map(|(seconds, _)| PathTiming::new(*seconds, size, records)),
        expected_checked,
        differences,
        against_evtx_dump: comparison,
    })
}

/// `program -t 1 -o jsonl file > /dev/null`, as `evtx_dump` is timed.
fn evtx_dump_command(program: &Path, file: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(program);
    command
        .args(["-t", "1", "-o", "jsonl"])
        .arg(file)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    command
}

/// Runs `evtx_dump` on `file` and gives its time, from start to exit.
fn time_evtx_dump(program: &Path, file: &Path) -> Result<f64, String> {
    let started = Instant::now();
    let output = evtx_dump_command(program, file).output();
    let seconds = started.elapsed().as_secs_f64();
    check_evtx_dump(program, file, output)?;
    Ok(seconds)
}

/// Runs `evtx_dump` on `file` once, under `/usr/bin/time` when it is there, and gives its
/// peak RSS (`None` without `/usr/bin/time`).
fn evtx_dump_peak_rss(program: &Path, file: &Path) -> Result<Option<u64>, String> {
    const TIME: &str = "/usr/bin/time";
    const MARK: &str = "bench-maxrss-kb=";
    if !Path::new(TIME).is_file() {
        check_evtx_dump(program, file, evtx_dump_command(program, file).output())?;
        return Ok(None);
    }
    let dump = evtx_dump_command(program, file);
    let mut command = std::process::Command::new(TIME);
    command
        .arg("-f")
        .arg(format!("{MARK}%M"))
        .arg(dump.get_program())
        .args(dump.get_args())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let output = check_evtx_dump(program, file, command.output())?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    Ok(stderr
        .lines()
        .find_map(|line| line.strip_prefix(MARK))
        .and_then(|kb| kb.trim().parse::<u64>().ok())
        .map(|kb| kb * 1024))
}

/// The output of a finished `evtx_dump`, or what went wrong, naming the program and the file.
fn check_evtx_dump(
    program: &Path,
    file: &Path,
    output: std::io::Result<std::process::Output>,
) -> Result<std::process::Output, String> {
    let run = format!("{} on {}", program.display(), file.display());
    let output = output.map_err(|e| format!("could not run {run}: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "{run} failed ({}): {}",
            output.status,
            stderr.trim().chars().take(500).collect::<String>()
        ));
    }
    Ok(output)
}

/// Scans with `scan`, analyses, and gives the time of both with the report.
fn timed(scan: impl FnOnce() -> ScannedFile) -> (f64, Report) {
    let started = Instant::now();
    let report = analyze(vec![scan()]);
    (started.elapsed().as_secs_f64(), report)
}

/// What one timed process of the fast path did (see [`run_once`]).
#[derive(Debug, Clone, PartialEq)]
struct FastProcess {
    /// From its start to its exit, as the parent saw it.
    seconds: f64,
    /// Of that, the analysis, as the process measured it.
    analyze_seconds: f64,
    records: u64,
    sessions: usize,
    failures: usize,
    peak_rss_bytes: Option<u64>,
}

/// Runs `logonscope bench-run FILE` and gives its time, from its start to its exit.
fn time_fast_process(file: &Path) -> Result<FastProcess, String> {
    let program = std::env::current_exe()
        .map_err(|e| format!("could not find this program to run it again: {e}"))?;
    let started = Instant::now();
    let output = Command::new(&program)
        .arg("bench-run")
        .arg(file)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    let seconds = started.elapsed().as_secs_f64();
    let run = format!("{} bench-run {}", program.display(), file.display());
    let output = output.map_err(|e| format!("could not run {run}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{run} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let figures: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("{run} gave no figures: {e}"))?;
    let number = |field: &str| {
        figures[field]
            .as_u64()
            .ok_or_else(|| format!("{run} gave no `{field}`: {figures}"))
    };
    Ok(FastProcess {
        seconds,
        analyze_seconds: figures["analyze_seconds"].as_f64().unwrap_or_default(),
        records: number("records")?,
        sessions: number("sessions")? as usize,
        failures: number("failures")? as usize,
        peak_rss_bytes: figures["peak_rss_bytes"].as_u64(),
    })
}

/// `logonscope bench-run FILE`, the timed process of `logonscope bench`: reads FILE as
/// `logonscope sessions` does (from disk, a chunk at a time), analyses it, and prints its
/// figures as one JSON object: `records`, `sessions`, `failures`, `analyze_seconds`,
/// `peak_rss_bytes`.
pub fn run_once(path: &Path) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let scanned = scan_reader(&super::display_name(path), file, |_| {});
    let scanned_at = Instant::now();
    let report = analyze(vec![scanned]);
    let analyze_seconds = scanned_at.elapsed().as_secs_f64();
    let figures = json!({
        "records": records_of(&report),
        "sessions": report.sessions.len(),
        "failures": report.failures.len(),
        "analyze_seconds": analyze_seconds,
        "peak_rss_bytes": peak_rss_bytes(),
    });
    writeln!(std::io::stdout().lock(), "{figures}")
        .map_err(|e| format!("could not write the figures: {e}"))?;
    // The process ends here: freeing the report's millions of values one by one is work the
    // system does at once on exit, and no run of the tool needs to do it.
    std::mem::forget(report);
    Ok(())
}

fn records_of(report: &Report) -> u64 {
    report.files.iter().map(|f| f.records).sum()
}

fn read_report(path: &Path) -> Result<Report, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_reader(std::io::BufReader::new(file))
        .map_err(|e| format!("{}: not a report: {e}", path.display()))
}

fn print_text(result: &FileBench) {
    let timing = |label: &str, t: &PathTiming| {
        println!(
            "  {label:<28} {:>9.3} s {:>9.1} MB/s {:>12.0} records/s",
            t.seconds, t.mb_per_second, t.records_per_second
        )
    };
    println!(
        "{}: {:.1} MB, {} records, {} sessions, {} failed logons",
        result.file,
        result.bytes as f64 / 1e6,
        result.records,
        result.sessions,
        result.failures
    );
    timing(
        &format!("fast, 1 thread (best of {})", result.runs),
        &result.fast,
    );
    println!(
        "  {:<28} {:>9.3} s",
        "  of which analysis", result.analyze_seconds
    );
    timing(
        &format!("fast, {} threads", result.parallel_threads),
        &result.parallel,
    );
    if let Some(plain) = &result.plain {
        timing("plain, 1 thread", plain);
    }
    if let Some(comparison) = &result.against_evtx_dump {
        let seconds = |values: &[f64]| {
            values
                .iter()
                .map(|s| format!("{s:.3}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        println!(
            "  {:<28} {} s (the fast path: {} s)",
            "evtx_dump -t 1, by round",
            seconds(&comparison.evtx_dump_seconds),
            seconds(&comparison.fast_seconds)
        );
        let ratio = |r: Option<f64>| r.map_or_else(|| "n/a".to_string(), |r| format!("{r:.2}"));
        println!(
            "  {:<28} {} (median of the rounds), {} (best against best)",
            "fast / evtx_dump (time)",
            ratio(comparison.median_ratio()),
            ratio(comparison.ratio_of_best())
        );
    }
    match result.peak_rss_bytes {
        Some(bytes) => println!(
            "  {:<28} {:>9.1} MB",
            "peak RSS, fast, 1 thread",
            bytes as f64 / 1e6
        ),
        None => println!("  {:<28} {:>9}", "peak RSS, fast, 1 thread", "n/a"),
    }
    let verdict = if result.differences.is_empty() {
        let mut agree = vec!["fast", "parallel"];
        if result.plain.is_some() {
            agree.push("plain");
        }
        if result.expected_checked {
            agree.push("expected.json");
        }
        format!("identical reports ({})", agree.join(", "))
    } else {
        format!("{} DIFFERENCE(S)", result.differences.len())
    };
    println!("  {:<28} {verdict}", "check");
}

/// VmHWM of this process (`/proc/self/status`), in bytes; `None` where there is no procfs.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kb| kb.trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
}

/// Where two reports first differ, in words (`None` when they are equal). The order of the
/// checks is that of `tests/roundtrip.rs` (files, session count, each session, failures,
/// warnings), but instead of stopping at an assertion it names the first differing session or
/// failure (by its place and key) and its first differing field with both values.
pub fn first_difference(actual: &Report, reference: &Report) -> Option<String> {
    if actual == reference {
        return None;
    }
    if actual.files != reference.files {
        return Some(list_difference(
            "file",
            &actual.files,
            &reference.files,
            |f| f.name.clone(),
            |f| serde_json::to_value(f),
        ));
    }
    if actual.sessions.len() != reference.sessions.len() {
        let first = actual
            .sessions
            .iter()
            .zip(&reference.sessions)
            .position(|(a, r)| a != r);
        let place = match first {
            Some(index) => format!(
                "; first differing session at #{index}: {}",
                element_difference(
                    serde_json::to_value(&actual.sessions[index]),
                    serde_json::to_value(&reference.sessions[index]),
                    &session_key(&reference.sessions[index])
                )
            ),
            None => String::new(),
        };
        return Some(format!(
            "{} sessions against {}{place}",
            actual.sessions.len(),
            reference.sessions.len()
        ));
    }
    if actual.sessions != reference.sessions {
        return Some(list_difference(
            "session",
            &actual.sessions,
            &reference.sessions,
            session_key,
            |s| serde_json::to_value(s),
        ));
    }
    if actual.failures != reference.failures {
        return Some(list_difference(
            "failed logon",
            &actual.failures,
            &reference.failures,
            |f| format!("computer {}, record {}", f.computer, f.record_id),
            |f| serde_json::to_value(f),
        ));
    }
    Some(list_difference(
        "warning",
        &actual.warnings,
        &reference.warnings,
        |w| format!("{:?}", w.kind),
        |w| serde_json::to_value(w),
    ))
}

fn session_key(session: &logonscope_core::report::Session) -> String {
    format!(
        "computer {}, logon id {}, start {}",
        session.computer,
        session.logon_id,
        session
            .start
            .as_ref()
            .map_or_else(|| "none".to_string(), |t| t.to_string())
    )
}

/// The first differing element of two lists (or their lengths), named by `key`; `value`
/// gives an element's fields (its JSON form).
fn list_difference<T: PartialEq>(
    what: &str,
    actual: &[T],
    reference: &[T],
    key: impl Fn(&T) -> String,
    value: impl Fn(&T) -> serde_json::Result<Value>,
) -> String {
    match actual.iter().zip(reference).position(|(a, r)| a != r) {
        Some(index) => format!(
            "{what} #{index}: {}",
            element_difference(
                value(&actual[index]),
                value(&reference[index]),
                &key(&reference[index])
            )
        ),
        None => format!("{} {what}s against {}", actual.len(), reference.len()),
    }
}

/// `(key): field `f`: X against Y` for the first field (in name order) that differs.
fn element_difference(
    actual: serde_json::Result<Value>,
    reference: serde_json::Result<Value>,
    key: &str,
) -> String {
    let (Ok(actual), Ok(reference)) = (actual, reference) else {
        return format!("({key}) differs");
    };
    if let (Value::Object(a), Value::Object(r)) = (&actual, &reference) {
        let names = r.keys().chain(a.keys().filter(|k| !r.contains_key(*k)));
        for field in names {
            let (left, right) = (a.get(field), r.get(field));
            if left != right {
                return format!(
                    "({key}) field `{field}`: {} against {}",
                    shown(left),
                    shown(right)
                );
            }
        }
    }
    format!(
        "({key}) {} against {}",
        shown(Some(&actual)),
        shown(Some(&reference))
    )
}

/// A value for a message: JSON, cut short (event data can be long, and is shown escaped).
fn shown(value: Option<&Value>) -> String {
    const LIMIT: usize = 200;
    let text = value.map_or_else(|| "(missing)".to_string(), Value::to_string);
    if text.chars().count() > LIMIT {
        let cut: String = text.chars().take(LIMIT).collect();
        format!("{cut}…")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use logonscope_core::report::{FileSummary, Session};

    fn report_of(bytes: &[u8]) -> Report {
        analyze(vec![scan_bytes_with("a.evtx", bytes, Extraction::Fast)])
    }

    fn synthetic() -> Report {
        let options = logonscope_synth::SynthOptions {
            sessions: 60,
            computers: 2,
            seed: 9,
        };
        let (cursor, _) = logonscope_synth::write_log(
            "a.evtx",
            std::io::Cursor::new(Vec::new()),
            &options,
            |_| {},
        )
        .expect("writes");
        report_of(&cursor.into_inner())
    }

    #[test]
    fn medians_and_ratios_of_rounds() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        let comparison = Comparison {
            fast_seconds: vec![1.0, 3.0],
            evtx_dump_seconds: vec![4.0, 2.0],
            evtx_dump_peak_rss_bytes: None,
        };
        assert_eq!(comparison.ratio_of_best(), Some(0.5));
        // Rounds 0.25 and 1.5: their median, not the best against the best.
        assert_eq!(comparison.median_ratio(), Some(0.875));
        assert_eq!(Comparison::default().median_ratio(), None);
    }

    #[test]
    fn equal_reports_have_no_difference() {
        let report = synthetic();
        assert_eq!(first_difference(&report, &report.clone()), None);
    }

    #[test]
    fn names_the_session_and_the_field() {
        let reference = synthetic();
        let mut changed = reference.clone();
        let index = 7;
        changed.sessions[index].user = Some("mallory".into());
        let message = first_difference(&changed, &reference).expect("a difference");
        assert!(message.starts_with("session #7: "), "{message}");
        assert!(
            message.contains(&format!("logon id {}", reference.sessions[index].logon_id)),
            "{message}"
        );
        assert!(message.contains("field `user`"), "{message}");
        assert!(message.contains("\"mallory\""), "{message}");
    }

    #[test]
    fn names_a_missing_session() {
        let reference = synthetic();
        let mut changed = reference.clone();
        changed.sessions.remove(3);
        let message = first_difference(&changed, &reference).expect("a difference");
        assert!(
            message.starts_with(&format!(
                "{} sessions against {}",
                reference.sessions.len() - 1,
                reference.sessions.len()
            )),
            "{message}"
        );
        assert!(message.contains("session at #3"), "{message}");
    }

    #[test]
    fn names_files_failures_and_warnings() {
        let reference = synthetic();
        let mut files = reference.clone();
        files.files[0] = FileSummary {
            records: files.files[0].records + 1,
            ..files.files[0].clone()
        };
        let message = first_difference(&files, &reference).expect("a difference");
        assert!(message.contains("file #0"), "{message}");
        assert!(message.contains("field `records`"), "{message}");

        let mut failures = reference.clone();
        failures.failures[0].status = Some("0xdeadbeef".into());
        let message = first_difference(&failures, &reference).expect("a difference");
        assert!(message.starts_with("failed logon #0"), "{message}");
        assert!(message.contains("field `status`"), "{message}");

        let mut warnings = reference.clone();
        warnings.warnings.clear();
        let message = first_difference(&warnings, &reference).expect("a difference");
        assert!(message.contains("warnings against"), "{message}");
    }

    #[test]
    fn long_values_are_cut() {
        let reference = synthetic();
        let mut changed = reference.clone();
        let long: String = "x".repeat(10_000);
        let session: &mut Session = &mut changed.sessions[0];
        session.process_name = Some(long.into());
        let message = first_difference(&changed, &reference).expect("a difference");
        assert!(message.len() < 1_000, "{} chars", message.len());
    }
}
