//! Warming the page's own WebAssembly up before the first load.
//!
//! V8 first runs WebAssembly in code compiled quickly, and optimises a function only once it
//! has run a while: in the background, on a core the workers would otherwise have, and for the
//! function's next call (a running function is not replaced). So on a first load the merge,
//! the analysis, the index and the first sort ran in the quick code, slower, while the
//! optimising compiler competed with the workers: a trace of a 100 MB load showed 0.6 s (wall
//! time, on background threads) of optimising compiles in it. Each worker warms up on a small
//! synthetic log when it starts and sends the page what it read ([`FromWorker::WarmedUp`]);
//! the page runs that through the steps of a load a few times (a slice at a time, and only
//! while nothing is loading), and through the sorts, filters and timeline layouts that the
//! views run on a report. What it makes is dropped. (In alternating runs on a 100 MB log, the
//! page's load time went from 0.98-1.13 s without it to 0.83-0.91 s with it, at twelve passes
//! then; with six, and the rules' cheaper lookups that came next, 0.78-0.89 s.)

use logonscope_core::report::Report;
use logonscope_core::scan::{FileLayout, chunk_offset};
use logonscope_view::columns::{Column, Sort, visible_sessions_indexed};
use logonscope_view::filter::{SessionFilter, SessionIndex};
use logonscope_view::timeline::{Culling, LaneBy, Viewport, data_span, drawn_bars, layout};

use super::settle::{analyse, merge_batch};
use super::*;
use crate::web::tasks::next_task;

/// Times the warm-up load is analysed.
const PASSES: usize = 6;

impl Loader {
    /// Takes a worker's warm-up scans: the first to come warms the page up (once per page).
    pub(super) fn warmed_worker(&mut self, chunks: u64, bulk: Option<Vec<u8>>) {
        let (Some(state), Some(bulk)) = (self.state, bulk) else {
            return;
        };
        if std::mem::replace(&mut self.page_warmed, true) {
            return;
        }
        wasm_bindgen_futures::spawn_local(warm_up(state, chunks, bulk));
    }
}

/// Runs the warm-up scans `bulk` (of `chunks` chunks) through a load's steps [`PASSES`] times;
/// stops as soon as a load starts.
async fn warm_up(state: AppState, chunks: u64, bulk: Vec<u8>) {
    for pass in 0..PASSES {
        let Some(load_id) =
            LOADER.with_borrow(|loader| loader.load.is_none().then_some(loader.load_id))
        else {
            return;
        };
        // (Not in the task of the worker's message, nor in the previous pass's last.)
        if !still_idle(load_id).await {
            return;
        }
        let Some((file, locator)) = merged(&bulk, chunks) else {
            return;
        };
        // (The first pass runs code not yet compiled: each step is slow then.)
        if !still_idle(load_id).await {
            return;
        }
        let Some(analysis) = analyse(load_id, state, vec![file], locator, false).await else {
            return;
        };
        let Some(index) = analysis.index.as_deref() else {
            return;
        };
        if !still_idle(load_id).await {
            return;
        }
        let visible = sort_every_column(&analysis.report, index, pass);
        if !still_idle(load_id).await {
            return;
        }
        lay_out(&analysis.report, &visible, pass);
    }
}

/// The scans of `bulk` (a whole small log) merged as a file's are.
fn merged(bulk: &[u8], chunks: u64) -> Option<(ScannedFile, RecordLocator)> {
    let layout = FileLayout {
        chunks,
        header_damaged: false,
    };
    let mut file = FileScan::new("warm-up.evtx", layout, chunk_offset(chunks));
    let mut locator = RecordLocator::default();
    merge_batch(bulk, &mut Interner::default(), 0, &mut file, &mut locator).ok()?;
    Some((file.finish(), locator))
}

/// Sorts the report by every column, one way or the other, under a filter on one field or
/// another (by `pass`); gives the sessions of the last.
fn sort_every_column(report: &Report, index: &SessionIndex, pass: usize) -> Vec<u32> {
    let mut filter = SessionFilter {
        hide_system: pass.is_multiple_of(2),
        ..SessionFilter::default()
    };
    match pass % 4 {
        1 => filter.user = "a".to_string(),
        2 => filter.text = "1".to_string(),
        3 => filter.source = "1".to_string(),
        _ => {}
    }
    let descending = !pass.is_multiple_of(2);
    let mut visible = Vec::new();
    for column in Column::ALL {
        visible = visible_sessions_indexed(report, index, &filter, Sort { column, descending });
    }
    visible
}

/// Lays the timeline of `visible` out, in lanes by user or by computer (by `pass`), and
/// picks the bars to draw as above the culling limit.
fn lay_out(report: &Report, visible: &[u32], pass: usize) {
    let by = if pass.is_multiple_of(2) {
        LaneBy::User
    } else {
        LaneBy::Computer
    };
    let timeline = layout(report, visible, by);
    let culling = Culling {
        width_px: 1_000.0,
        min_px: 2.0,
        lane_px: 40.0,
        // (Small, so that the bars are merged as at a million sessions.)
        budget: 50,
        first_cell_px: 1.0,
    };
    let lanes = 0..timeline.lanes.len();
    let _ = drawn_bars(
        &timeline,
        &Viewport::fit(data_span(report)),
        lanes,
        &culling,
        None,
    );
}

/// Hands the thread back to the page; `false` once a load has started (or been replaced).
async fn still_idle(load_id: u32) -> bool {
    next_task().await;
    LOADER.with_borrow(|loader| loader.load.is_none() && loader.load_id == load_id)
}
