//! The analysis done a slice at a time (as the page does it, between frames) against the
//! analysis in one go: however the work is cut, the report must be identical, on synthetic
//! logs of several computers, on several files at once (overlapping copies included), and on
//! every sample log together.

mod common;

use logonscope_core::analysis::Analysis;
use logonscope_core::scan::{ScannedFile, scan_bytes};
use logonscope_core::{Report, analyze};

/// The report of `files`, stepping `events` at a time; also checks that progress grows by
/// `events` a step while the rules replay.
fn stepped(files: Vec<ScannedFile>, events: usize) -> Report {
    let mut analysis = Analysis::new(files);
    // The first steps order the events (and leave out the copies of records read twice):
    // progress stays at nothing done meanwhile. Then the replay moves it `events` a step,
    // towards a total that no longer changes.
    let mut replay: Option<(usize, usize)> = None;
    let mut steps = 0;
    loop {
        steps += 1;
        if let Some(report) = analysis.step(events) {
            // Then the sorting of the last computer's sessions, and the freeing of the events.
            if events < usize::MAX {
                let (_, total) = replay.expect("the replay moved the progress");
                assert!(steps > total.div_ceil(events), "steps of {events}");
            }
            return report;
        }
        let (done, of) = analysis.progress();
        match replay {
            None if done == 0 => {}
            None => {
                assert_eq!(done, of.min(events), "steps of {events}");
                replay = Some((done, of));
            }
            Some((last_done, total)) => {
                assert_eq!(of, total);
                assert_eq!(
                    done,
                    total.min(last_done.saturating_add(events)),
                    "steps of {events}"
                );
                replay = Some((done, total));
            }
        }
    }
}

fn assert_steps_agree(what: &str, files: Vec<ScannedFile>) {
    let whole = analyze(files.clone());
    assert!(!whole.sessions.is_empty(), "{what}: there are sessions");
    for events in [1, 7, 1000, usize::MAX] {
        let report = stepped(files.clone(), events);
        assert!(
            report == whole,
            "{what}: steps of {events} give another report"
        );
    }
}

#[test]
fn synthetic_logs_analyse_the_same_a_slice_at_a_time() {
    for (sessions, computers, seed) in [(300, 1, 11), (800, 3, 12), (1500, 5, 13)] {
        let bytes = common::synthetic_log(sessions, computers, seed).0;
        let file = scan_bytes("synthetic.evtx", &bytes);
        assert_steps_agree(&format!("{sessions} sessions, seed {seed}"), vec![file]);
    }
}

#[test]
fn several_files_analyse_the_same_a_slice_at_a_time() {
    let first = common::synthetic_log(600, 2, 21).0;
    let second = common::synthetic_log(400, 3, 22).0;
    let files = vec![
        scan_bytes("first.evtx", &first),
        scan_bytes("second.evtx", &second),
        // An overlapping export of the first log: its records count once.
        scan_bytes("first-again.evtx", &first),
    ];
    assert_steps_agree("three files", files);
}

#[test]
fn every_sample_together_analyses_the_same_a_slice_at_a_time() {
    let files = common::sample_logs()
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            scan_bytes(&name, &std::fs::read(path).unwrap())
        })
        .collect();
    assert_steps_agree("every sample", files);
}
