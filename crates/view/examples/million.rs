//! Prints how long the page's view computations take on a report of about a million sessions:
//! each filter change and sort change of the sessions table (`visible_sessions`), the
//! timeline's layout (`layout`, by user and by computer) and the per-frame work of its
//! scrolling and zooming (`drawn_bars`), the table's per-frame window, and the once-per-report
//! work of the other views (filter choices, failure groups, coverage).
//!
//! The report is the known answer of the synthetic writer (`logonscope_synth::write_log`) for
//! 800,000 arriving sessions on 8 computers with seed 5 (about 1,000,000 sessions over months,
//! with people, services, machine accounts, split tokens, orphans and failures), simulated
//! straight into a sink that keeps no bytes, so nothing is read from disk and no 2.7 GB log is
//! held in memory. It is the report the page gets from `logonscope synth --out … --sessions
//! 800000 --computers 8 --seed 5`, read back through an interner so that, as in the page, each
//! distinct text is one shared copy.
//!
//! `cargo run --release -p logonscope-view --example million [-- --sessions N]`
//!
//! Each figure is the best of a few runs, in milliseconds (the target the page must meet is a
//! filter or sort change under 100 ms in the browser, where wasm runs about 1.5-2x slower than
//! this native build; so natively under 50 ms).

use std::collections::BTreeSet;
use std::io::{self, Seek, SeekFrom, Write};
use std::time::Instant;

use logonscope_core::Report;
use logonscope_core::report::EndReason;
use logonscope_core::text::interning;
use logonscope_synth::{SynthOptions, write_log};
use logonscope_view::columns::{
    Column, Sort, TableGeometry, ascending_order, visible_sessions, visible_sessions_indexed,
};
use logonscope_view::coverage::coverage;
use logonscope_view::failures::{GroupBy, bursts_first, group_failures, histogram};
use logonscope_view::filter::{FilterChoices, SessionFilter, SessionIndex};
use logonscope_view::timeline::{Culling, LaneBy, Viewport, drawn_bars, layout};

/// A writer that keeps only its position and length: the simulation writes and patches its
/// EVTX file through it, and the bytes go nowhere.
#[derive(Default)]
struct Discard {
    position: u64,
    length: u64,
}

impl Write for Discard {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.position += bytes.len() as u64;
        self.length = self.length.max(self.position);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Seek for Discard {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::Current(by) => self.position.checked_add_signed(by),
            SeekFrom::End(by) => self.length.checked_add_signed(by),
        };
        self.position = target.ok_or_else(|| io::Error::other("seek before the start"))?;
        Ok(self.position)
    }
}

/// Runs `work` `runs` times; returns the best time in milliseconds and the last result.
fn best_of<T>(runs: usize, mut work: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut result = None;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let value = work();
        best = best.min(started.elapsed().as_secs_f64() * 1e3);
        result = Some(value);
    }
    match result {
        Some(value) => (best, value),
        None => unreachable!("at least one run"),
    }
}

fn line(what: &str, ms: f64, note: &str) {
    println!("  {what:<52} {ms:>9.1} ms  {note}");
}

/// A line with the time without and with the session index.
fn pair(what: &str, direct: f64, indexed: f64, note: &str) {
    println!("  {what:<52} {direct:>9.1} ms {indexed:>9.1} ms  {note}");
}

fn main() {
    let mut arriving = 800_000u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sessions" => arriving = args.next().and_then(|n| n.parse().ok()).unwrap_or(arriving),
            other => {
                eprintln!("unknown argument {other}; usage: million [--sessions N]");
                std::process::exit(2);
            }
        }
    }
    let options = SynthOptions {
        sessions: arriving,
        computers: 8,
        seed: 5,
    };
    let started = Instant::now();
    let report: Report = match write_log("million.evtx", Discard::default(), &options, |_| {}) {
        Ok((_, report)) => report,
        Err(error) => {
            eprintln!("the synthetic report could not be made: {error}");
            std::process::exit(1);
        }
    };
    // Its texts shared as in the page's report (read through an interner): one copy of each
    // value, which the free-text filter relies on.
    let shared = postcard::to_allocvec(&report)
        .ok()
        .and_then(|bytes| interning(|| postcard::from_bytes::<Report>(&bytes)).ok());
    let Some(report) = shared else {
        eprintln!("the synthetic report could not be read back");
        std::process::exit(1);
    };
    let sessions = report.sessions.len();
    let users: BTreeSet<_> = report.sessions.iter().map(|s| s.user.as_deref()).collect();
    let ips: BTreeSet<_> = report
        .sessions
        .iter()
        .map(|s| s.source_ip.as_deref())
        .collect();
    println!(
        "report: {sessions} sessions, {} failures, {} distinct users, {} distinct source IPs \
         (simulated in {:.1} s; {arriving} arriving sessions, 8 computers, seed 5)",
        report.failures.len(),
        users.len(),
        ips.len(),
        started.elapsed().as_secs_f64()
    );
    const RUNS: usize = 3;

    println!("\nonce per report (native, best of {RUNS}):");
    let (ms, index) = best_of(RUNS, || SessionIndex::new(&report.sessions));
    line(
        "session index (SessionIndex::new)",
        ms,
        &format!("{} profiles", index.profiles()),
    );
    let (ms, _) = best_of(RUNS, || FilterChoices::of(&report.sessions));
    line("filter choices (FilterChoices::of)", ms, "");
    let (ms, _) = best_of(RUNS, || {
        let mut groups = group_failures(&report, GroupBy::Source);
        bursts_first(&mut groups);
        groups
    });
    line("failure groups by source", ms, "failures tab");
    let (ms, _) = best_of(RUNS, || group_failures(&report, GroupBy::Account));
    line("failure groups by account", ms, "failures tab");
    let (ms, _) = best_of(RUNS, || histogram(&report, 120));
    line("failure histogram", ms, "failures tab");
    let (ms, _) = best_of(RUNS, || coverage(&report, &Default::default()));
    line("audit coverage", ms, "coverage tab");

    println!(
        "\nfilter changes, sorted by start (target < 50 ms native):\n  {:<52} {:>12} {:>12}",
        "", "direct", "indexed"
    );
    let start = Sort::default();
    let filters: Vec<(&str, SessionFilter)> = vec![
        ("no filter", SessionFilter::default()),
        (
            "user contains \"adm\"",
            SessionFilter {
                user: "adm".into(),
                ..Default::default()
            },
        ),
        (
            "user contains \"corp\\\\a\" (domain-qualified)",
            SessionFilter {
                user: "corp\\a".into(),
                ..Default::default()
            },
        ),
        (
            "computer contains \"02\"",
            SessionFilter {
                computer: "02".into(),
                ..Default::default()
            },
        ),
        (
            "source contains \"10.1\"",
            SessionFilter {
                source: "10.1".into(),
                ..Default::default()
            },
        ),
        (
            "logon type 3",
            SessionFilter {
                logon_types: [3].into(),
                ..Default::default()
            },
        ),
        (
            "end reason superseded",
            SessionFilter {
                end_reasons: [EndReason::Superseded].into(),
                ..Default::default()
            },
        ),
        (
            "hide system accounts",
            SessionFilter {
                hide_system: true,
                ..Default::default()
            },
        ),
        (
            "from/to: one week",
            SessionFilter {
                from: report.sessions.iter().filter_map(|s| s.start).min(),
                to: report
                    .sessions
                    .iter()
                    .filter_map(|s| s.start)
                    .min()
                    .map(|t| logonscope_core::time::Timestamp(t.0 + 7 * 86_400 * 10_000_000)),
                ..Default::default()
            },
        ),
        (
            "search all fields \"svchost\"",
            SessionFilter {
                text: "svchost".into(),
                ..Default::default()
            },
        ),
        (
            "search all fields \"zzzz\" (no match: every field read)",
            SessionFilter {
                text: "zzzz".into(),
                ..Default::default()
            },
        ),
        (
            "hide system + type 10 + search \"wks\"",
            SessionFilter {
                hide_system: true,
                logon_types: [10].into(),
                text: "wks".into(),
                ..Default::default()
            },
        ),
    ];
    let mut worst_filter = 0.0f64;
    for (name, filter) in &filters {
        let (direct, rows) = best_of(RUNS, || visible_sessions(&report, filter, start));
        let (ms, indexed) = best_of(RUNS, || {
            visible_sessions_indexed(&report, &index, filter, start)
        });
        assert_eq!(rows, indexed, "the index changed what {name} keeps");
        worst_filter = worst_filter.max(ms);
        pair(name, direct, ms, &format!("{} rows", rows.len()));
    }

    println!(
        "\nsort changes, no filter (target < 50 ms native):\n  {:<52} {:>12} {:>12}",
        "", "direct", "indexed"
    );
    let mut worst_sort = 0.0f64;
    for column in Column::ALL {
        for descending in [false, true] {
            let sort = Sort { column, descending };
            let none = SessionFilter::default();
            let (direct, rows) = best_of(RUNS, || visible_sessions(&report, &none, sort));
            let (ms, indexed) = best_of(RUNS, || {
                visible_sessions_indexed(&report, &index, &none, sort)
            });
            assert_eq!(rows, indexed, "the index changed the order of {sort:?}");
            worst_sort = worst_sort.max(ms);
            let name = format!(
                "{} {}",
                column.title(),
                if descending {
                    "descending"
                } else {
                    "ascending"
                }
            );
            pair(&name, direct, ms, "");
        }
    }

    // The first sort by a column makes its order (kept in the index after that): timed on a
    // fresh index per column.
    println!("\nfirst sort by a column (the order made; native, best of {RUNS}):");
    for column in Column::ALL {
        let mut best = f64::INFINITY;
        for _ in 0..RUNS {
            let fresh = SessionIndex::new(&report.sessions);
            let started = Instant::now();
            ascending_order(&report.sessions, &fresh, column);
            best = best.min(started.elapsed().as_secs_f64() * 1e3);
        }
        line(column.title(), best, "");
    }

    // What the page does besides: the memo of the visible rows compares the new list with the
    // old one, and the table looks for the selected session among the rows.
    let all = visible_sessions(&report, &SessionFilter::default(), start);
    let copy = all.clone();
    let (ms, _) = best_of(RUNS, || all == copy);
    println!("\nper change, besides:");
    line("compare the new visible list with the old", ms, "");
    let last = all.last().copied();
    let (ms, _) = best_of(RUNS, || all.iter().position(|&i| Some(i) == last));
    line("find the selected row among the visible (worst)", ms, "");

    println!("\ntimeline layout (on a filter or sort change with the timeline shown):");
    let mut worst_layout = 0.0f64;
    for by in LaneBy::ALL {
        let (ms, laid) = best_of(RUNS, || layout(&report, &all, by));
        worst_layout = worst_layout.max(ms);
        line(
            &format!("layout {}, every session", by.title()),
            ms,
            &format!("{} lanes, {} bars", laid.lanes.len(), laid.bars.len()),
        );
    }
    let filtered = visible_sessions(&report, &filters[7].1, start);
    let (ms, laid) = best_of(RUNS, || layout(&report, &filtered, LaneBy::User));
    worst_layout = worst_layout.max(ms);
    line(
        "layout by user, system accounts hidden",
        ms,
        &format!("{} lanes, {} bars", laid.lanes.len(), laid.bars.len()),
    );

    println!("\nper frame (a frame at 50 fps lasts 20 ms):");
    let geometry = TableGeometry {
        rows: all.len(),
        row_height_px: 26.0,
        viewport_px: 700.0,
        max_height_px: 8_000_000.0,
    };
    let (ms, _) = best_of(RUNS, || {
        (0..1_000)
            .map(|step| geometry.window(f64::from(step) * 7_919.0, 10).first)
            .sum::<usize>()
    });
    line("table window, per frame", ms / 1_000.0, "");
    let culling = Culling {
        width_px: 1_200.0,
        min_px: 2.0,
        lane_px: 22.0,
        budget: 12_000,
        first_cell_px: 1.0,
    };
    let mut worst_frame = 0.0f64;
    for by in LaneBy::ALL {
        let laid = layout(&report, &all, by);
        let fit = Viewport::fit(laid.span);
        let lanes = laid.lanes.len();
        let shown = 40usize;
        let cases = [
            ("fit, top lanes", fit, 0..shown.min(lanes)),
            (
                "fit, lanes in the middle",
                fit,
                lanes / 2..(lanes / 2 + shown).min(lanes),
            ),
            (
                "zoomed to a day",
                fit.zoom(fit.seconds() / 86_400.0, 600.0, 1_200.0, laid.span),
                0..shown.min(lanes),
            ),
            (
                "zoomed to an hour",
                fit.zoom(fit.seconds() / 3_600.0, 600.0, 1_200.0, laid.span),
                0..shown.min(lanes),
            ),
        ];
        for (name, view, range) in cases {
            let (ms, drawn) = best_of(RUNS, || {
                drawn_bars(&laid, &view, range.clone(), &culling, None)
            });
            worst_frame = worst_frame.max(ms);
            line(
                &format!("timeline drawn bars {}, {name}", by.title()),
                ms,
                &format!("{} bars drawn, cell {} px", drawn.bars.len(), drawn.cell_px),
            );
        }
        // A scroll of the lanes: 60 frames down through the lanes at the fit viewport.
        let mut worst = 0.0f64;
        for frame in 0..60 {
            let first = (lanes * frame / 60).min(lanes.saturating_sub(shown));
            let range = first..(first + shown).min(lanes);
            let started = Instant::now();
            std::hint::black_box(drawn_bars(&laid, &fit, range, &culling, None));
            worst = worst.max(started.elapsed().as_secs_f64() * 1e3);
        }
        worst_frame = worst_frame.max(worst);
        line(
            &format!(
                "timeline drawn bars {}, lane scroll (worst of 60)",
                by.title()
            ),
            worst,
            "",
        );
    }

    println!(
        "\nworst (native, indexed): filter {worst_filter:.1} ms, sort {worst_sort:.1} ms (target < 50), \
              timeline layout {worst_layout:.1} ms, timeline frame {worst_frame:.1} ms (target < 20)"
    );
}
