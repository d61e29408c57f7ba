//! Loading files in workers: the page's side of the scan protocol.
//!
//! Each file's header is read on the page (4 KiB, by `Blob.slice`); its chunks are split into
//! ranges ([`plan_ranges`]) that idle workers take one at a time, so every core is busy and a
//! fast worker takes more. Workers send back batches of chunk scans as transferred buffers;
//! the page merges them per file ([`FileScan`]) and analyses the files once they are read
//! (and, for several files, after each one, so that sessions appear early): a slice at a
//! time, between frames ([`settle`]). Nothing here decides anything about sessions: that is
//! the core's job.

mod settle;
mod warm;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use js_sys::{Array, Object, Reflect, Uint8Array};
use leptos::prelude::*;
use logonscope_core::protocol::{FromWorker, ToWorker, decode_scans_into, plan_ranges};
use logonscope_core::raw::RawRecord;
use logonscope_core::scan::{
    FileError, FileScan, HEADER_PROBE_SIZE, ScannedFile, check_header, unreadable_file,
};
use logonscope_core::text::Interner;
use logonscope_link::{is_report_file_name, parse_report_file};
use logonscope_synth::DEMO_SEED;
use logonscope_view::raw::RecordLocator;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, MessageEvent, Worker};

use super::clock::now_ms;
use super::share;
use super::state::{
    Analysis, AppState, FileProgress, LoadState, LoadStats, Phase, RawView, Source,
};

/// The worker's loader script, which Trunk writes next to the page (`data-loader-shim`).
const WORKER_SCRIPT: &str = "logonscope-worker_loader.js";

/// While files are still being read, the sessions of those read are shown at most this often
/// (ms): each time, every file read so far is analysed again.
const PARTIAL_EVERY_MS: f64 = 2_000.0;

/// The progress of the files being read is shown at most this often (ms). Each showing costs
/// the page's thread a render and a layout; done for every batch of every worker, that thread
/// took as much of a two-core machine as a worker did, and the workers read slower for it.
const PROGRESS_EVERY_MS: f64 = 200.0;

thread_local! {
    /// The page's one loader. Workers and files are not `Send`, so they live here rather than
    /// in signals; components reach them through the functions of this module.
    static LOADER: RefCell<Loader> = RefCell::new(Loader::default());
}

#[derive(Default)]
struct Loader {
    state: Option<AppState>,
    pool: Vec<Slot>,
    /// Bumped whenever the pool is replaced: replies of stopped workers are ignored.
    generation: u32,
    /// Bumped by every new load or cancel: header reads of an older load are ignored.
    load_id: u32,
    /// A worker is writing the demo log.
    demo_pending: bool,
    load: Option<Load>,
    /// The files of the last load, kept to read raw records back.
    files: Vec<File>,
    raw: Option<RawRequest>,
    next_request: u32,
    /// The page has warmed its code up on a worker's warm-up scans (or begun to).
    page_warmed: bool,
}

/// One worker and what it is doing.
struct Slot {
    worker: Worker,
    ready: bool,
    job: Option<u32>,
    /// Requests that arrived before the worker was ready.
    waiting: Vec<(ToWorker, Option<File>)>,
    _on_message: ReplyHandler,
}

/// A load in progress.
struct Load {
    files: Vec<LoadingFile>,
    queue: VecDeque<(u32, u64, u64)>,
    jobs: HashMap<u32, Job>,
    next_job: u32,
    locator: RecordLocator,
    /// Files whose header has not been read yet.
    headers_pending: usize,
    /// When the files were given (`performance.now()`, ms).
    started: f64,
    /// The wasm memory each worker last reported, by slot.
    worker_memory: Vec<u64>,
    /// One copy of each text of the load's events, whichever worker read it.
    texts: Interner,
    /// What the workers reported spending, summed over them: reading the files, scanning.
    worker_read_millis: f64,
    worker_scan_millis: f64,
    /// What the page spent taking in the workers' results, decoding and merging them.
    merge_millis: f64,
    /// When the sessions of the files read so far were last shown (`performance.now()`).
    last_partial: f64,
    /// The files read are being merged and analysed ([`settle`]).
    settling: bool,
    /// How many files were read when their sessions were last shown.
    partial_files: usize,
    /// What the workers read since the progress was last shown, by file.
    unshown: Vec<Unshown>,
    /// When the progress was last shown (`performance.now()`).
    last_progress: f64,
}

/// Progress of one file not shown yet ([`PROGRESS_EVERY_MS`]).
#[derive(Clone, Copy, Default)]
struct Unshown {
    bytes: u64,
    records: u64,
    chunks: u64,
}

impl Load {
    /// Shows the progress the workers made since it was last shown.
    fn show_progress(&mut self, state: AppState) {
        self.last_progress = now_ms();
        if self.unshown.iter().all(|u| u.chunks == 0) {
            return;
        }
        let unshown = std::mem::replace(
            &mut self.unshown,
            vec![Unshown::default(); self.files.len()],
        );
        state.load.update(|load| {
            for (progress, made) in load.files.iter_mut().zip(unshown) {
                progress.bytes_done += made.bytes;
                progress.records += made.records;
                progress.chunks_done += made.chunks;
            }
        });
    }
}

/// A range of chunks given to a worker, and how many of them came back.
#[derive(Clone, Copy)]
struct Job {
    file: u32,
    first: u64,
    end: u64,
    received: u64,
}

struct LoadingFile {
    file: File,
    scan: Option<FileScan>,
    /// The workers' batches of scans as they sent them, by first chunk, and how many events
    /// they hold. Once every chunk is in, they are sorted by first chunk, last first, and
    /// merged from the end.
    batches: Vec<(u64, Vec<u8>)>,
    events: u64,
    /// Merging has begun.
    merging: bool,
    chunks_left: u64,
    scanned: Option<ScannedFile>,
    /// A job that failed part-way: its message goes into the file's errors.
    failures: Vec<String>,
}

/// The raw-record request in flight.
struct RawRequest {
    session: u32,
    /// How many records were asked for.
    wanted: usize,
    ids: Vec<u32>,
    records: Vec<RawRecord>,
    messages: Vec<String>,
}

/// Loads `files` (replacing what was loaded), reading them in workers. A report file
/// (`.logonscope.json`, or the CLI's report JSON) dropped on its own is opened instead.
pub fn load_files(state: AppState, files: Vec<File>) {
    let (reports, files): (Vec<File>, Vec<File>) = files
        .into_iter()
        .partition(|file| is_report_file_name(&file.name()));
    if files.is_empty() {
        if let [report] = reports.as_slice() {
            wasm_bindgen_futures::spawn_local(open_report_file(state, report.clone()));
        } else if !reports.is_empty() {
            state.load.set(LoadState {
                phase: Phase::Error,
                files: Vec::new(),
                message: Some("No file was opened.".to_string()),
                stats: None,
            });
            reject_report_files(state, &reports, "open one report file at a time");
        }
        return;
    }
    share::forget_report_link();
    state.link_error.set(None);
    let load_id = LOADER.with_borrow_mut(|loader| {
        loader.reset(state, false);
        loader.files = files.clone();
        loader.load = Some(Load {
            files: files
                .iter()
                .map(|file| LoadingFile {
                    file: file.clone(),
                    scan: None,
                    batches: Vec::new(),
                    events: 0,
                    merging: false,
                    chunks_left: 0,
                    scanned: None,
                    failures: Vec::new(),
                })
                .collect(),
            queue: VecDeque::new(),
            jobs: HashMap::new(),
            next_job: 0,
            locator: RecordLocator::default(),
            headers_pending: files.len(),
            started: now_ms(),
            worker_memory: Vec::new(),
            texts: Interner::default(),
            worker_read_millis: 0.0,
            worker_scan_millis: 0.0,
            merge_millis: 0.0,
            last_partial: f64::NEG_INFINITY,
            settling: false,
            partial_files: 0,
            unshown: vec![Unshown::default(); files.len()],
            last_progress: f64::NEG_INFINITY,
        });
        loader.load_id
    });
    state.analysis.set(None);
    state.selected.set(None);
    state.raw.set(RawView::default());
    state.load.set(LoadState {
        phase: Phase::Working,
        files: files
            .iter()
            .map(|file| FileProgress {
                name: file.name(),
                size: file.size() as u64,
                ..FileProgress::default()
            })
            .collect(),
        message: None,
        stats: None,
    });
    for (index, file) in files.into_iter().enumerate() {
        wasm_bindgen_futures::spawn_local(read_header(load_id, index, file));
    }
    if !reports.is_empty() {
        reject_report_files(
            state,
            &reports,
            "a report file opens on its own, not together with event logs",
        );
    }
}

/// Lists report files that were not opened, each with why.
fn reject_report_files(state: AppState, reports: &[File], why: &str) {
    state.load.update(|load| {
        for file in reports {
            load.files.push(FileProgress {
                name: file.name(),
                size: file.size() as u64,
                error: Some(format!("not opened: {why}")),
                done: true,
                ..FileProgress::default()
            });
        }
    });
}

/// Reads a report file and shows its report, or says why it cannot.
async fn open_report_file(state: AppState, file: File) {
    let name = file.name();
    let bytes = JsFuture::from(file.array_buffer())
        .await
        .map(|buffer| Uint8Array::new(&buffer).to_vec())
        .map_err(describe);
    match bytes.and_then(|bytes| parse_report_file(&bytes)) {
        Ok(shared) => {
            share::forget_report_link();
            share::open_report(state, shared, Source::ReportFile(name));
        }
        Err(error) => {
            forget_files(state);
            state.analysis.set(None);
            state.load.set(LoadState {
                phase: Phase::Error,
                files: vec![FileProgress {
                    name,
                    size: file.size() as u64,
                    error: Some(error),
                    done: true,
                    ..FileProgress::default()
                }],
                message: Some("The report file could not be opened.".to_string()),
                stats: None,
            });
        }
    }
}

/// Forgets the loaded files (a report made elsewhere replaces them): a load in progress
/// stops, and raw records can no longer be read back.
pub fn forget_files(state: AppState) {
    LOADER.with_borrow_mut(|loader| {
        if loader.load.is_some() || loader.demo_pending {
            loader.reset(state, true);
        } else {
            loader.load_id = loader.load_id.wrapping_add(1);
            loader.raw = None;
        }
        loader.files.clear();
    });
}

/// Starts the workers ahead of the first load, while the analyst picks files: each costs a
/// WebAssembly instantiation, which would otherwise delay the first load. A failure here is
/// not shown: the first load starts them again and says what went wrong.
pub fn prepare(state: AppState) {
    LOADER.with_borrow_mut(|loader| {
        if !loader.pool.is_empty() {
            return;
        }
        loader.state = Some(state);
        if loader.start_pool().is_err() {
            for slot in loader.pool.drain(..) {
                slot.worker.terminate();
            }
        }
    });
}

/// Asks a worker for the demo log, then loads it like a dropped file.
pub fn load_demo(state: AppState) {
    share::forget_report_link();
    state.link_error.set(None);
    LOADER.with_borrow_mut(|loader| {
        loader.reset(state, false);
        loader.demo_pending = true;
        loader.send(0, ToWorker::Demo { seed: DEMO_SEED }, None);
    });
    state.analysis.set(None);
    state.load.set(LoadState {
        phase: Phase::Working,
        files: Vec::new(),
        message: Some("Writing the demo log…".to_string()),
        stats: None,
    });
}

/// Stops loading: the workers are stopped and nothing is shown.
pub fn cancel(state: AppState) {
    LOADER.with_borrow_mut(|loader| loader.reset(state, true));
    state.load.update(|load| {
        load.phase = Phase::Idle;
        load.message = Some("Loading was cancelled.".to_string());
    });
}

/// Reads the records behind session `session` back from the files, into `state.raw`.
pub fn load_raw(state: AppState, session: u32) {
    let Some(analysis) = state.analysis.get_untracked() else {
        return;
    };
    let Some(found) = analysis.report.sessions.get(session as usize) else {
        return;
    };
    if analysis.source != Source::Logs {
        state.raw.set(RawView {
            session: Some(session),
            pending: false,
            records: Vec::new(),
            message: Some(
                "A shared report holds no raw records: open the original event logs to read them."
                    .to_string(),
            ),
        });
        return;
    }
    // Group the wanted records by the chunk that holds them: one request per chunk.
    let mut by_place: BTreeMap<(u32, u64), Vec<u64>> = BTreeMap::new();
    for id in &found.record_ids {
        if let Some(place) = analysis.locator.locate(&found.computer, *id).first() {
            by_place.entry(*place).or_default().push(*id);
        }
    }
    if by_place.is_empty() {
        state.raw.set(RawView {
            session: Some(session),
            pending: false,
            records: Vec::new(),
            message: Some("The records of this session are not in the loaded files.".to_string()),
        });
        return;
    }
    state.raw.set(RawView {
        session: Some(session),
        pending: true,
        ..RawView::default()
    });
    let computer = found.computer.clone();
    LOADER.with_borrow_mut(|loader| {
        loader.state = Some(state);
        let mut ids = Vec::new();
        for ((file, chunk), record_ids) in by_place {
            let Some(blob) = loader.files.get(file as usize).cloned() else {
                continue;
            };
            let request = loader.next_request;
            loader.next_request += 1;
            ids.push(request);
            let slot = request as usize % loader.pool.len().max(1);
            loader.send(
                slot,
                ToWorker::Render {
                    request,
                    chunk,
                    computer: computer.to_string(),
                    record_ids,
                },
                Some(blob),
            );
        }
        loader.raw = Some(RawRequest {
            session,
            wanted: found.record_ids.len(),
            ids,
            records: Vec::new(),
            messages: Vec::new(),
        });
    });
}

/// Reads the header of file `index` and plans its chunks.
async fn read_header(load_id: u32, index: usize, file: File) {
    let size = file.size() as u64;
    let probe = match file.slice_with_f64_and_f64(0.0, HEADER_PROBE_SIZE.min(size) as f64) {
        Ok(piece) => JsFuture::from(piece.array_buffer())
            .await
            .map(|buffer| Uint8Array::new(&buffer).to_vec())
            .map_err(describe),
        Err(e) => Err(describe(e)),
    };
    LOADER.with_borrow_mut(|loader| {
        if loader.load_id != load_id {
            return;
        }
        loader.header_read(index, probe);
    });
}

impl Loader {
    /// Forgets the current load. A worker cannot be interrupted, so busy workers (or all of
    /// them, when `stop` is set) are stopped and the pool replaced; idle ones are kept, since
    /// starting a worker costs a wasm instantiation.
    fn reset(&mut self, state: AppState, stop: bool) {
        // (A raw-record request in flight is short, and its reply is ignored once `raw` is
        // cleared, so it does not count.)
        let busy = self.demo_pending
            || self
                .pool
                .iter()
                .any(|slot| slot.job.is_some() || !slot.waiting.is_empty());
        self.load = None;
        self.raw = None;
        self.demo_pending = false;
        self.state = Some(state);
        self.load_id = self.load_id.wrapping_add(1);
        if stop || busy || self.pool.is_empty() {
            for slot in self.pool.drain(..) {
                slot.worker.terminate();
            }
            self.generation = self.generation.wrapping_add(1);
            if let Err(message) = self.start_pool()
                && let Some(state) = self.state
            {
                fail_all(state, format!("A worker could not start: {message}"));
            }
        }
    }

    fn start_pool(&mut self) -> Result<(), String> {
        let count = web_sys::window()
            .map(|w| w.navigator().hardware_concurrency() as usize)
            .unwrap_or(1)
            .clamp(1, 16);
        let generation = self.generation;
        for index in 0..count {
            let (worker, on_message) = spawn_worker(generation, index)?;
            self.pool.push(Slot {
                worker,
                ready: false,
                job: None,
                waiting: Vec::new(),
                _on_message: on_message,
            });
        }
        Ok(())
    }

    /// Sends a request to worker `slot`, or keeps it until the worker is ready.
    fn send(&mut self, slot: usize, message: ToWorker, file: Option<File>) {
        let Some(slot) = self.pool.get_mut(slot) else {
            return;
        };
        if slot.ready {
            post(&slot.worker, &message, file.as_ref());
        } else {
            slot.waiting.push((message, file));
        }
    }

    fn header_read(&mut self, index: usize, probe: Result<Vec<u8>, String>) {
        let Some(state) = self.state else { return };
        let Some(load) = self.load.as_mut() else {
            return;
        };
        let Some(loading) = load.files.get_mut(index) else {
            return;
        };
        load.headers_pending -= 1;
        let name = loading.file.name();
        let size = loading.file.size() as u64;
        let layout = probe
            .map_err(FileError::Io)
            .and_then(|probe| check_header(&probe, size));
        match layout {
            Ok(layout) => {
                loading.scan = Some(FileScan::new(name, layout, size));
                loading.chunks_left = layout.chunks;
                state.load.update(|load| {
                    if let Some(progress) = load.files.get_mut(index) {
                        progress.chunks = layout.chunks;
                        // The header is read: count it as done.
                        progress.bytes_done = size.min(4096);
                    }
                });
            }
            Err(error) => loading.scanned = Some(unreadable_file(&name, size, &error)),
        }
        if load.headers_pending == 0 {
            let chunks: Vec<u64> = load.files.iter().map(|f| f.chunks_left).collect();
            load.queue = plan_ranges(&chunks, self.pool.len()).into();
            // (Files without chunks are read already.)
            self.dispatch();
            self.settle_soon();
        }
    }

    /// Gives queued ranges to idle, ready workers.
    fn dispatch(&mut self) {
        let Some(load) = self.load.as_mut() else {
            return;
        };
        for slot in self.pool.iter_mut() {
            if !slot.ready || slot.job.is_some() {
                continue;
            }
            let Some((file, first, end)) = load.queue.pop_front() else {
                break;
            };
            let job = load.next_job;
            load.next_job += 1;
            load.jobs.insert(
                job,
                Job {
                    file,
                    first,
                    end,
                    received: 0,
                },
            );
            slot.job = Some(job);
            let message = ToWorker::Scan {
                job,
                file,
                first_chunk: first,
                end_chunk: end,
            };
            let blob = load.files.get(file as usize).map(|f| f.file.clone());
            post(&slot.worker, &message, blob.as_ref());
        }
    }

    fn on_message(&mut self, slot: usize, message: FromWorker, bulk: Option<Vec<u8>>) {
        let Some(state) = self.state else { return };
        match message {
            FromWorker::Ready => {
                if let Some(slot) = self.pool.get_mut(slot) {
                    slot.ready = true;
                    for (message, file) in std::mem::take(&mut slot.waiting) {
                        post(&slot.worker, &message, file.as_ref());
                    }
                }
                self.dispatch();
            }
            FromWorker::Scanned {
                job,
                file,
                chunks,
                bytes,
                records,
                events,
                memory,
                read_millis,
                scan_millis,
            } => {
                let began = now_ms();
                let Some(load) = self.load.as_mut() else {
                    return;
                };
                load.worker_read_millis += read_millis;
                load.worker_scan_millis += scan_millis;
                if load.worker_memory.len() <= slot {
                    load.worker_memory.resize(slot + 1, 0);
                }
                load.worker_memory[slot] = load.worker_memory[slot].max(memory);
                let Some(job) = load.jobs.get_mut(&job) else {
                    return;
                };
                // A job's batches come in order.
                let first_chunk = job.first + job.received;
                job.received += chunks;
                let Some(loading) = load.files.get_mut(file as usize) else {
                    return;
                };
                loading.chunks_left = loading.chunks_left.saturating_sub(chunks);
                // Kept encoded (a fraction of their decoded size) until the file is read:
                // then they are decoded in chunk order straight into the file's events.
                match bulk {
                    Some(bulk) => {
                        loading.batches.push((first_chunk, bulk));
                        loading.events += events;
                    }
                    None => loading.failures.push("a worker sent no scan".to_string()),
                }
                if let Some(made) = load.unshown.get_mut(file as usize) {
                    made.bytes += bytes;
                    made.records += records;
                    made.chunks += chunks;
                }
                let complete = loading.chunks_left == 0;
                load.merge_millis += now_ms() - began;
                if complete || now_ms() - load.last_progress >= PROGRESS_EVERY_MS {
                    load.show_progress(state);
                }
                self.settle_soon();
            }
            FromWorker::Done { job } | FromWorker::Failed { job, .. } => {
                if let FromWorker::Failed { message, .. } = &message {
                    if self.load.is_none() {
                        // Not a scan: the demo log could not be written.
                        if std::mem::take(&mut self.demo_pending) {
                            fail_all(state, message.clone());
                        }
                        return;
                    }
                    self.job_failed(job, message.clone());
                }
                if let Some(slot) = self.pool.get_mut(slot) {
                    slot.job = None;
                }
                if let Some(load) = self.load.as_mut() {
                    load.jobs.remove(&job);
                }
                self.dispatch();
                self.settle_soon();
            }
            FromWorker::Rendered {
                request,
                records,
                message,
            } => self.rendered(state, request, records, message),
            FromWorker::WarmedUp { chunks } => self.warmed_worker(chunks, bulk),
            FromWorker::DemoLog { name } => {
                if !std::mem::take(&mut self.demo_pending) {
                    return;
                }
                let file = bulk
                    .ok_or_else(|| "the demo log is empty".to_string())
                    .and_then(|bytes| {
                        let parts = Array::of1(&Uint8Array::from(bytes.as_slice()));
                        File::new_with_u8_array_sequence(&parts, &name).map_err(describe)
                    });
                // Loading starts outside this borrow of the loader.
                wasm_bindgen_futures::spawn_local(async move {
                    match file {
                        Ok(file) => load_files(state, vec![file]),
                        Err(message) => fail_all(state, message),
                    }
                });
            }
        }
    }

    /// A job stopped early: its unread chunks count as read, with the reason in the file's
    /// errors, so that the rest of the file (and the other files) are still analysed.
    fn job_failed(&mut self, job: u32, message: String) {
        let Some(load) = self.load.as_mut() else {
            return;
        };
        let Some(job) = load.jobs.get(&job).copied() else {
            return;
        };
        if let Some(loading) = load.files.get_mut(job.file as usize) {
            let lost = (job.end - job.first).saturating_sub(job.received);
            loading.failures.push(format!(
                "chunks {} to {} could not be read: {message}",
                job.first + job.received,
                job.end - 1
            ));
            loading.chunks_left = loading.chunks_left.saturating_sub(lost);
        }
        self.settle_soon();
    }

    fn rendered(
        &mut self,
        state: AppState,
        request: u32,
        mut records: Vec<RawRecord>,
        message: Option<String>,
    ) {
        let Some(raw) = self.raw.as_mut() else { return };
        let Some(position) = raw.ids.iter().position(|id| *id == request) else {
            return;
        };
        raw.ids.swap_remove(position);
        raw.records.append(&mut records);
        raw.messages.extend(message);
        if !raw.ids.is_empty() {
            return;
        }
        let Some(mut raw) = self.raw.take() else {
            return;
        };
        raw.records.sort_by_key(|r| r.record_id);
        raw.records.dedup_by_key(|r| r.record_id);
        if raw.records.len() < raw.wanted {
            raw.messages.push(format!(
                "{} of the session's {} records were not found in the loaded files",
                raw.wanted - raw.records.len(),
                raw.wanted
            ));
        }
        state.raw.set(RawView {
            session: Some(raw.session),
            pending: false,
            records: raw.records,
            message: (!raw.messages.is_empty()).then(|| raw.messages.join("; ")),
        });
    }
}

/// The page's own wasm memory, in bytes.
fn wasm_memory_bytes() -> u64 {
    core::arch::wasm32::memory_size::<0>() as u64 * 65536
}

fn fail_all(state: AppState, message: String) {
    state.load.update(|load| {
        load.phase = Phase::Error;
        load.message = Some(message);
    });
}

/// The handler of a worker's replies (kept alive as long as the worker).
type ReplyHandler = Closure<dyn FnMut(MessageEvent)>;

/// Starts worker `index`; its replies go to [`Loader::on_message`].
fn spawn_worker(generation: u32, index: usize) -> Result<(Worker, ReplyHandler), String> {
    let worker = Worker::new(&worker_script_url()?).map_err(describe)?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let message = Reflect::get(&data, &"message".into())
            .ok()
            .and_then(|m| serde_wasm_bindgen::from_value::<FromWorker>(m).ok());
        let bulk = Reflect::get(&data, &"bulk".into())
            .ok()
            .filter(|b| !b.is_undefined())
            .map(|b| Uint8Array::new(&b).to_vec());
        let Some(message) = message else { return };
        LOADER.with_borrow_mut(|loader| {
            if loader.generation == generation {
                loader.on_message(index, message, bulk);
            }
        });
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    Ok((worker, on_message))
}

/// Where the worker's script is: beside the page, or (in the single-file build, where the
/// page is opened from disk and cannot start a worker from a file) the `blob:` URL that the
/// page's boot script put in `<html data-worker-url>`.
fn worker_script_url() -> Result<String, String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("the page has no document")?;
    if let Some(url) = document
        .document_element()
        .and_then(|html| html.get_attribute("data-worker-url"))
    {
        return Ok(url);
    }
    let base = document.base_uri().ok().flatten().unwrap_or_default();
    let url = web_sys::Url::new_with_base(WORKER_SCRIPT, &base).map_err(describe)?;
    Ok(url.href())
}

/// Sends a request, with the file (a `Blob`: only a handle is cloned, not its bytes).
fn post(worker: &Worker, message: &ToWorker, file: Option<&File>) {
    let envelope = Object::new();
    let Ok(message) = serde_wasm_bindgen::to_value(message) else {
        return;
    };
    let _ = Reflect::set(&envelope, &"message".into(), &message);
    if let Some(file) = file {
        let _ = Reflect::set(&envelope, &"file".into(), file);
    }
    // A worker that cannot be posted to was terminated; its load was reset already.
    let _ = worker.post_message(&envelope);
}

fn describe(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}
