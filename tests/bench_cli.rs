//! `logonscope bench` as `scripts/bench` runs it: on a synthetic log it prints one JSON object
//! with its figures and the verdict that every path agrees with the others and with the
//! expected report; when the expected report differs, it names the file, the paths, the
//! session and the field, and exits non-zero.

mod common;

use common::{logonscope, scratch};
use serde_json::Value;

fn synthetic_log(test: &str) -> std::path::PathBuf {
    let dir = scratch(test);
    let log = dir.join("bench.evtx");
    let output = logonscope(&[
        "synth",
        "--out",
        log.to_str().unwrap(),
        "--sessions",
        "300",
        "--computers",
        "2",
        "--seed",
        "5",
    ]);
    assert!(output.status.success(), "{:?}", output);
    log
}

#[test]
fn agreeing_paths_give_figures_and_success() {
    let log = synthetic_log("bench_agreeing");
    let output = logonscope(&[
        "bench",
        "--json",
        "--runs",
        "2",
        "--threads",
        "3",
        log.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let run: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert_eq!(run["ok"], true);
    assert_eq!(run["threads"], 3);
    let file = &run["files"][0];
    assert_eq!(file["file"], "bench.evtx");
    assert_eq!(
        file["bytes"],
        std::fs::metadata(&log).unwrap().len(),
        "{file}"
    );
    assert_eq!(file["expected_checked"], true);
    assert_eq!(file["differences"], serde_json::json!([]));
    assert_eq!(file["runs"], 2);
    assert_eq!(file["parallel_threads"], 3);
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{}.expected.json", log.display())).unwrap(),
    )
    .unwrap();
    assert_eq!(
        file["sessions"],
        expected["sessions"].as_array().unwrap().len()
    );
    assert_eq!(file["records"], expected["files"][0]["records"]);
    for path in ["fast", "parallel", "plain"] {
        assert!(file[path]["seconds"].as_f64().unwrap() > 0.0, "{path}");
        assert!(
            file[path]["mb_per_second"].as_f64().unwrap() > 0.0,
            "{path}"
        );
    }
    // The timed processes' peak: a process's own (some MB), not this one's with the file.
    let peak = file["peak_rss_bytes"].as_u64().unwrap();
    assert!((1_000_000..500_000_000).contains(&peak), "{peak}");
}

/// The timed process of `bench`: it reads the file from disk, analyses it and prints the counts
/// of the report it made, which are the expected report's.
#[test]
fn one_timed_run_prints_its_counts() {
    let log = synthetic_log("bench_run");
    let output = logonscope(&["bench-run", log.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let figures: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{}.expected.json", log.display())).unwrap(),
    )
    .unwrap();
    assert_eq!(figures["records"], expected["files"][0]["records"]);
    let count = |list: &str| expected[list].as_array().unwrap().len();
    assert_eq!(figures["sessions"], count("sessions"), "{figures}");
    assert_eq!(figures["failures"], count("failures"), "{figures}");
    assert!(figures["analyze_seconds"].as_f64().unwrap() > 0.0);
    assert!(figures["peak_rss_bytes"].as_u64().unwrap() > 0);

    let missing = log.with_file_name("nothing.evtx");
    let output = logonscope(&["bench-run", missing.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing.evtx"));
}

#[test]
fn text_output_and_skipping_the_plain_path() {
    let log = synthetic_log("bench_text");
    let output = logonscope(&["bench", "--skip-plain", log.to_str().unwrap()]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("bench.evtx:"), "{text}");
    assert!(text.contains("MB/s"), "{text}");
    assert!(!text.contains("plain, 1 thread"), "{text}");
    assert!(
        text.contains("identical reports (fast, parallel, expected.json)"),
        "{text}"
    );
}

#[test]
fn a_difference_is_named_and_fails() {
    let log = synthetic_log("bench_difference");
    let expected_path = format!("{}.expected.json", log.display());
    let mut expected: Value =
        serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap()).unwrap();
    let logon_id = expected["sessions"][5]["logon_id"]
        .as_str()
        .unwrap()
        .to_string();
    expected["sessions"][5]["user"] = Value::from("mallory");
    std::fs::write(&expected_path, expected.to_string()).unwrap();

    let output = logonscope(&["bench", "--json", log.to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("DIFFERENCE: bench.evtx: plain"), "{stderr}");
    assert!(stderr.contains("expected report"), "{stderr}");
    assert!(stderr.contains("session #5"), "{stderr}");
    assert!(stderr.contains(&logon_id), "{stderr}");
    assert!(stderr.contains("field `user`"), "{stderr}");
    assert!(stderr.contains("\"mallory\""), "{stderr}");
    assert!(stderr.contains("FAILED"), "{stderr}");
    let run: Value = serde_json::from_slice(&output.stdout).expect("still one JSON object");
    assert_eq!(run["ok"], false);
    assert_eq!(
        run["files"][0]["differences"].as_array().unwrap().len(),
        1,
        "{run}"
    );
}

/// `--evtx-dump` pairs each timed run with a run of the program (here `true`, which takes the
/// same arguments and does nothing): as many rounds as runs, each ratio the fast time over the
/// program's.
#[test]
fn evtx_dump_runs_beside_the_fast_path() {
    let log = synthetic_log("bench_beside");
    let output = logonscope(&[
        "bench",
        "--json",
        "--skip-plain",
        "--runs",
        "3",
        "--evtx-dump",
        "true",
        log.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let run: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    let file = &run["files"][0];
    let dump = &file["evtx_dump"];
    assert_eq!(dump["runs"], 3, "{dump}");
    let seconds = |key: &str| -> Vec<f64> {
        dump[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    };
    let (rounds, fast_rounds) = (seconds("round_seconds"), seconds("fast_round_seconds"));
    assert_eq!((rounds.len(), fast_rounds.len()), (3, 3), "{dump}");
    assert!(
        rounds.iter().chain(&fast_rounds).all(|s| *s > 0.0),
        "{dump}"
    );
    let least = |values: &[f64]| values.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(dump["seconds"].as_f64().unwrap(), least(&rounds));
    assert_eq!(
        file["fast"]["seconds"].as_f64().unwrap(),
        least(&fast_rounds)
    );
    let ratio_of_best = dump["ratio_of_best"].as_f64().unwrap();
    assert!((ratio_of_best - least(&fast_rounds) / least(&rounds)).abs() < 1e-9);
    let mut ratios: Vec<f64> = fast_rounds
        .iter()
        .zip(&rounds)
        .map(|(f, d)| f / d)
        .collect();
    ratios.sort_by(f64::total_cmp);
    assert!(
        (dump["median_ratio"].as_f64().unwrap() - ratios[1]).abs() < 1e-9,
        "{dump}"
    );

    // Without the option there is no comparison.
    let output = logonscope(&["bench", "--json", "--skip-plain", log.to_str().unwrap()]);
    let run: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert_eq!(run["files"][0]["evtx_dump"], Value::Null);
}

#[test]
fn a_failing_evtx_dump_is_named() {
    let log = synthetic_log("bench_failing_dump");
    let output = logonscope(&[
        "bench",
        "--skip-plain",
        "--evtx-dump",
        "false",
        log.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("false on "), "{stderr}");
    assert!(stderr.contains("bench.evtx failed"), "{stderr}");
}

#[test]
fn a_missing_file_is_an_error() {
    let dir = scratch("bench_missing");
    let output = logonscope(&["bench", dir.join("nothing.evtx").to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing.evtx"));
}
