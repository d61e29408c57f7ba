//! Merging and analysing the files read, a slice at a time between frames.
//!
//! Once a file's chunks are all in, its batches are decoded and merged ([`FileScan`]); once
//! every file is, they are analysed ([`CoreAnalysis`], which works in steps). On a gigabyte
//! log each is seconds of work: done at once, it would freeze the page. So one driver per
//! load does it in slices of about [`SLICE_MS`], handing the thread back to the page (input,
//! drawing, the workers' messages) between them, and says how far it is. A new load or a
//! cancel stops it at the next slice.

use logonscope_core::analysis::Analysis as CoreAnalysis;
use logonscope_core::report::Session;
use logonscope_view::columns::{Column, OrderMaker, Sort};
use logonscope_view::filter::{FilterChoices, SessionIndex, SessionIndexBuilder};

use super::*;
use crate::web::tasks::next_task;

/// How long a slice of work may take (ms): well under a frame at 60 Hz (16.7 ms), so the
/// page can still draw between slices.
const SLICE_MS: f64 = 12.0;

/// Events the rules replay, and sessions indexed, between two looks at the clock.
const REPLAY_STEP: usize = 2048;
const INDEX_STEP: usize = 4096;
/// Sessions' worth of work on a column's order between two looks at the clock.
const ORDER_STEP: usize = 16_384;

/// What the driver does next.
enum Work {
    /// Merge file `index`, whose chunks are all in.
    Merge(usize),
    /// Show the sessions of the files read so far, while others are still being read.
    Partial {
        state: AppState,
        files: Vec<ScannedFile>,
        locator: RecordLocator,
    },
    /// Every file is read: the load is over once they are analysed.
    Final(Finished),
}

/// A load whose files are all read, taken out of the loader for its analysis.
struct Finished {
    files: Vec<ScannedFile>,
    locator: RecordLocator,
    outcome: Outcome,
}

/// What the page says of a load once its analysis is done: per file, and its figures.
struct Outcome {
    state: AppState,
    /// Nothing at all could be read (a partly damaged set is still "done").
    nothing_read: bool,
    errors: Vec<Option<String>>,
    /// When the files were given (`performance.now()`, ms).
    started: f64,
    /// The figures known when the files are read (the others are set when shown).
    stats: LoadStats,
}

impl Outcome {
    fn of(state: AppState, files: &[ScannedFile], load: &Load, workers: usize) -> Outcome {
        Outcome {
            state,
            nothing_read: files
                .iter()
                .all(|f| f.summary.records == 0 && !f.summary.errors.is_empty()),
            errors: files
                .iter()
                .map(|f| (!f.summary.errors.is_empty()).then(|| f.summary.errors.join("; ")))
                .collect(),
            started: load.started,
            stats: LoadStats {
                bytes: files.iter().map(|f| f.summary.size).sum(),
                records: files.iter().map(|f| f.summary.records).sum(),
                millis: 0.0,
                read_millis: now_ms() - load.started,
                worker_read_millis: load.worker_read_millis,
                worker_scan_millis: load.worker_scan_millis,
                merge_millis: load.merge_millis,
                workers,
                wasm_peak_bytes: 0,
                worker_wasm_bytes: load.worker_memory.iter().sum(),
                page_wasm_read_bytes: wasm_memory_bytes(),
                orders_millis: None,
            },
        }
    }

    /// Shows `analysis` with the load's figures.
    fn show(self, analysis: Analysis) {
        let Outcome {
            state,
            nothing_read,
            errors,
            started,
            mut stats,
        } = self;
        let sessions = analysis.report.sessions.len();
        state.analysis.set(Some(Arc::new(analysis)));
        stats.millis = now_ms() - started;
        stats.wasm_peak_bytes = wasm_memory_bytes() + stats.worker_wasm_bytes;
        state.load.update(|progress| {
            progress.stats = (!nothing_read).then_some(stats);
            for (file, error) in progress.files.iter_mut().zip(errors) {
                file.done = true;
                file.bytes_done = file.size;
                file.error = error;
            }
            progress.phase = if nothing_read {
                Phase::Error
            } else {
                Phase::Done
            };
            progress.message = Some(if nothing_read {
                "No file could be read.".to_string()
            } else {
                format!("{sessions} sessions reconstructed.")
            });
        });
        share::apply_pending_view(state);
    }
}

impl Loader {
    /// Starts the load's driver, unless it runs already.
    pub(super) fn settle_soon(&mut self) {
        let load_id = self.load_id;
        let Some(load) = self.load.as_mut() else {
            return;
        };
        if !load.settling {
            load.settling = true;
            wasm_bindgen_futures::spawn_local(settle(load_id));
        }
    }

    /// The driver's next piece of work, if any (if none, the driver stops).
    fn next_work(&mut self, load_id: u32) -> Option<Work> {
        if self.load_id != load_id {
            return None;
        }
        let state = self.state?;
        let workers = self.pool.len();
        let load = self.load.as_mut()?;
        // (A file whose header could not be read has no scan: it is complete already.)
        if let Some(index) = load
            .files
            .iter()
            .position(|f| f.chunks_left == 0 && f.scan.is_some() && f.scanned.is_none())
        {
            return Some(Work::Merge(index));
        }
        let scanned = load.files.iter().filter(|f| f.scanned.is_some()).count();
        if load.headers_pending == 0 && scanned == load.files.len() {
            let mut load = self.load.take()?;
            let files: Vec<ScannedFile> = std::mem::take(&mut load.files)
                .into_iter()
                .filter_map(|f| f.scanned)
                .collect();
            let outcome = Outcome::of(state, &files, &load, workers);
            return Some(Work::Final(Finished {
                files,
                locator: load.locator,
                outcome,
            }));
        }
        if scanned > load.partial_files && now_ms() - load.last_partial >= PARTIAL_EVERY_MS {
            load.partial_files = scanned;
            return Some(Work::Partial {
                state,
                files: load
                    .files
                    .iter()
                    .filter_map(|f| f.scanned.clone())
                    .collect(),
                locator: load.locator.clone(),
            });
        }
        load.settling = false;
        None
    }

    /// Merges batches of file `index` until `until` (`performance.now()`); `Some(true)` once
    /// the file is complete, `None` if the load is gone.
    fn merge_slice(&mut self, load_id: u32, index: usize, until: f64) -> Option<bool> {
        if self.load_id != load_id {
            return None;
        }
        let state = self.state?;
        let load = self.load.as_mut()?;
        let began = now_ms();
        let loading = load.files.get_mut(index)?;
        let scan = loading.scan.as_mut()?;
        if !loading.merging {
            loading.merging = true;
            // Decoded in chunk order, straight into the file's events.
            loading
                .batches
                .sort_unstable_by_key(|(first, _)| std::cmp::Reverse(*first));
            scan.reserve_events(usize::try_from(loading.events).unwrap_or(0));
        }
        let mut merged_any = false;
        while let Some((_, bulk)) = loading.batches.pop() {
            let merged = merge_batch(&bulk, &mut load.texts, index, scan, &mut load.locator);
            if let Err(message) = merged {
                loading.failures.push(message);
            }
            merged_any = true;
            if now_ms() >= until {
                break;
            }
        }
        // Finishing the file passes over all its records: in a task of its own, not after a
        // slice of merging (on a gigabyte log the two made a task of nearly 50 ms).
        if merged_any {
            load.merge_millis += now_ms() - began;
            return Some(false);
        }
        let mut scanned = loading.scan.take()?.finish();
        load.merge_millis += now_ms() - began;
        // (What was read of it counts in its records once it is done.)
        load.show_progress(state);
        let loading = load.files.get_mut(index)?;
        scanned.summary.errors.append(&mut loading.failures);
        let errors = scanned.summary.errors.clone();
        loading.scanned = Some(scanned);
        state.load.update(|load| {
            if let Some(progress) = load.files.get_mut(index) {
                progress.done = true;
                progress.bytes_done = progress.size;
                progress.error = (!errors.is_empty()).then(|| errors.join("; "));
            }
        });
        Some(true)
    }
}

/// Decodes a worker's batch of scans `bulk` into file `index`'s scan, and notes where its
/// records are.
pub(super) fn merge_batch(
    bulk: &[u8],
    texts: &mut Interner,
    index: usize,
    scan: &mut FileScan,
    locator: &mut RecordLocator,
) -> Result<(), String> {
    decode_scans_into(bulk, texts, scan, |chunk| locator.add(index as u32, chunk))
}

/// The driver of load `load_id`: merges each file once it is read, shows the sessions of the
/// files read so far now and then, and analyses them all at the end.
async fn settle(load_id: u32) {
    loop {
        match LOADER.with_borrow_mut(|loader| loader.next_work(load_id)) {
            None => return,
            Some(Work::Merge(index)) => loop {
                let until = now_ms() + SLICE_MS;
                match LOADER.with_borrow_mut(|loader| loader.merge_slice(load_id, index, until)) {
                    None => return,
                    Some(true) => break,
                    Some(false) => next_task().await,
                }
            },
            Some(Work::Partial {
                state,
                files,
                locator,
            }) => {
                let Some(analysis) = analyse(load_id, state, files, locator, false).await else {
                    return;
                };
                state.analysis.set(Some(Arc::new(analysis)));
                LOADER.with_borrow_mut(|loader| {
                    if let Some(load) = loader.load.as_mut() {
                        // (From the end of this one: the page gets time to itself between
                        // them.)
                        load.last_partial = now_ms();
                    }
                });
            }
            Some(Work::Final(finished)) => {
                complete(load_id, finished).await;
                return;
            }
        }
        next_task().await;
    }
}

/// Analyses `files` a slice at a time; `None` if the load was replaced or cancelled meanwhile.
/// With `progress`, the load's message says how far it is.
pub(super) async fn analyse(
    load_id: u32,
    state: AppState,
    files: Vec<ScannedFile>,
    locator: RecordLocator,
    progress: bool,
) -> Option<Analysis> {
    // Each of these passes over every event (on a 4 GB log, together, a task of 70 ms): each
    // in a task of its own, and not in the first slice's.
    let event_counts = event_counts(&files);
    if !between_slices(load_id).await {
        return None;
    }
    let mut analysis = CoreAnalysis::new(files);
    if !between_slices(load_id).await {
        return None;
    }
    let report = loop {
        let report = slice(|| analysis.step(REPLAY_STEP));
        if progress {
            let (done, of) = analysis.progress();
            say(state, "Reconstructing sessions", done, of);
        }
        if !between_slices(load_id).await {
            return None;
        }
        if let Some(report) = report {
            break report;
        }
    };
    // The view's index of the sessions, which the table and the timeline need first thing.
    let mut builder = SessionIndexBuilder::new(&report.sessions);
    loop {
        let indexed = slice(|| builder.step(INDEX_STEP).then_some(())).is_some();
        if progress {
            let (done, of) = builder.progress();
            say(state, "Indexing sessions", done, of);
        }
        if !between_slices(load_id).await {
            return None;
        }
        if indexed {
            break;
        }
    }
    let index = builder.finish();
    let choices = FilterChoices::of(&report.sessions);
    if !between_slices(load_id).await {
        return None;
    }
    // The table's first order, which its first drawing needs (in slices too: one sort of a
    // gigabyte log's sessions takes tens of milliseconds).
    if !make_order(load_id, &report.sessions, &index, Sort::default().column).await {
        return None;
    }
    Some(Analysis {
        report,
        event_counts,
        locator,
        index: Some(Arc::new(index)),
        choices,
        source: Source::Logs,
    })
}

/// How many events of each id the files hold (the audit-coverage view).
///
/// Counted in a table with a place for every id, and only then put in a map: a map entry
/// looked up for each of a gigabyte log's million and a half events made this one task of
/// tens of milliseconds.
fn event_counts(files: &[ScannedFile]) -> BTreeMap<u16, u64> {
    let mut by_id = vec![0u64; usize::from(u16::MAX) + 1];
    for file in files {
        for event in &file.events {
            by_id[usize::from(event.header.event_id)] += 1;
        }
    }
    (0..=u16::MAX)
        .zip(by_id)
        .filter(|(_, count)| *count > 0)
        .collect()
}

/// Calls `step` (a bounded share of some work, `Some` once the work is done) until the work
/// is done or a slice's time is up.
fn slice<T>(mut step: impl FnMut() -> Option<T>) -> Option<T> {
    let until = now_ms() + SLICE_MS;
    loop {
        if let Some(done) = step() {
            return Some(done);
        }
        if now_ms() >= until {
            return None;
        }
    }
}

/// Hands the thread back to the page until its next task; `false` if load `load_id` was
/// replaced or cancelled meanwhile.
async fn between_slices(load_id: u32) -> bool {
    next_task().await;
    LOADER.with_borrow(|loader| loader.load_id) == load_id
}

/// Says in the load's message how far a long step of the analysis is.
fn say(state: AppState, what: &str, done: usize, of: usize) {
    let percent = done.saturating_mul(100) / of.max(1);
    state.load.update(|load| {
        load.message = Some(format!("{what}… {percent}%"));
    });
}

/// Analyses the files of a finished load and shows the result with the load's figures.
async fn complete(load_id: u32, finished: Finished) {
    let Finished {
        files,
        locator,
        outcome,
    } = finished;
    let state = outcome.state;
    let Some(analysis) = analyse(load_id, state, files, locator, true).await else {
        return;
    };
    outcome.show(analysis);
    // (Not in the task that shows the report, which builds the whole view already.)
    if between_slices(load_id).await {
        make_orders_ahead(load_id, state).await;
    }
}

/// Makes the order of every column of the table (see [`OrderMaker`]) a slice at a time,
/// once the report is shown, so that the analyst's first sort by a column finds it made
/// rather than taking up to a hundred milliseconds on a million sessions. Then says how long
/// that took, and the wasm memory after it, in the load's figures.
async fn make_orders_ahead(load_id: u32, state: AppState) {
    let started = now_ms();
    let Some(analysis) = state.analysis.get_untracked() else {
        return;
    };
    let Some(index) = analysis.index.clone() else {
        return;
    };
    let sessions = &analysis.report.sessions;
    // The columns of times first: theirs are the slowest orders to make. (Start's, the
    // table's first, is made already.)
    let columns = [Column::Duration, Column::End];
    for column in columns.into_iter().chain(Column::ALL) {
        if !make_order(load_id, sessions, &index, column).await {
            return;
        }
    }
    state.load.update(|load| {
        if let Some(stats) = load.stats.as_mut() {
            stats.orders_millis = Some(now_ms() - started);
            stats.wasm_peak_bytes = stats
                .wasm_peak_bytes
                .max(wasm_memory_bytes() + stats.worker_wasm_bytes);
        }
    });
}

/// Makes `column`'s order of `sessions` and keeps it in `index` (see [`OrderMaker`]), a slice
/// at a time; `false` if load `load_id` was replaced or cancelled meanwhile.
async fn make_order(
    load_id: u32,
    sessions: &[Session],
    index: &SessionIndex,
    column: Column,
) -> bool {
    let mut maker = Some(OrderMaker::new(column));
    while maker.is_some() {
        slice(|| match maker.take() {
            Some(more) => {
                maker = more.step(sessions, index, ORDER_STEP);
                maker.is_none().then_some(())
            }
            None => Some(()),
        });
        if !between_slices(load_id).await {
            return false;
        }
    }
    true
}
