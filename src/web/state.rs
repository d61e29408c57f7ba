//! The page's state: what is loaded, how far loading has got, and how the analyst is looking
//! at it. [`AppState`] is `Copy` (arena signals) and is provided as a context at the root;
//! components read the signals they need and write only their own piece of the view state.

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::prelude::*;
use logonscope_core::Report;
use logonscope_core::protocol::RawRecord;
use logonscope_core::report::Session;
use logonscope_link::SharedView;
use logonscope_view::columns::{Sort, visible_sessions_indexed};
use logonscope_view::filter::{FilterChoices, SessionFilter, SessionIndex};
use logonscope_view::raw::RecordLocator;
use logonscope_view::timeline::LaneBy;
use logonscope_view::view_state::{SessionKey, ViewState};
use logonscope_view::zone::Zone;

pub use logonscope_view::view_state::Tab;

/// A finished analysis of the loaded files.
#[derive(Debug, Default)]
pub struct Analysis {
    pub report: Report,
    /// How many events of each id of interest the files hold (for the audit-coverage view).
    pub event_counts: BTreeMap<u16, u64>,
    /// Where each record is, to read raw records back on demand.
    pub locator: RecordLocator,
    /// The sessions' index, when it was made ahead (a load makes it between frames);
    /// otherwise it is made on first use.
    pub index: Option<Arc<SessionIndex>>,
    /// The filter bar's choices (they count every session: made with the analysis, not in
    /// the task that shows it).
    pub choices: FilterChoices,
    /// Where the report came from.
    pub source: Source,
}

/// Where a report came from: the page's own analysis of event logs, or someone else's, shared
/// as a link or a report file (then no raw record can be read back).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Source {
    #[default]
    Logs,
    Link,
    /// A report file, by its name.
    ReportFile(String),
}

/// Where loading is: `data-state` of `[data-testid=status]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    #[default]
    Idle,
    Working,
    Done,
    /// Nothing could be read from any file.
    Error,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Working => "working",
            Phase::Done => "done",
            Phase::Error => "error",
        }
    }
}

/// One file being (or having been) loaded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FileProgress {
    pub name: String,
    pub size: u64,
    pub bytes_done: u64,
    pub records: u64,
    pub chunks: u64,
    pub chunks_done: u64,
    /// Why the file could not be read (at all, or in part).
    pub error: Option<String>,
    pub done: bool,
}

/// The whole load: its phase, its files, and a message for the status line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoadState {
    pub phase: Phase,
    pub files: Vec<FileProgress>,
    pub message: Option<String>,
    /// What the finished load took, when logs were read.
    pub stats: Option<LoadStats>,
}

/// The figures of a finished load, shown in the status line (and read by the benchmark).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LoadStats {
    pub bytes: u64,
    pub records: u64,
    /// From the files given to the page until the report was ready.
    pub millis: f64,
    /// Of which reading: until every chunk was scanned and merged (the rest is the analysis
    /// on the page's thread).
    pub read_millis: f64,
    /// Summed over the workers: reading the files, scanning the chunks.
    pub worker_read_millis: f64,
    pub worker_scan_millis: f64,
    /// On the page's thread: taking in the workers' results, decoding and merging them.
    pub merge_millis: f64,
    pub workers: usize,
    /// Peak wasm memory of the page and its workers together (wasm memory never shrinks,
    /// so each instance's size at the end is its peak).
    pub wasm_peak_bytes: u64,
    /// Of which the workers'; and the page's once every chunk was read (before the analysis).
    pub worker_wasm_bytes: u64,
    pub page_wasm_read_bytes: u64,
    /// From the report shown until every column's order was made ahead (between frames).
    pub orders_millis: Option<f64>,
}

impl LoadState {
    /// (bytes done, bytes in all) over every file.
    pub fn bytes(&self) -> (u64, u64) {
        self.files
            .iter()
            .fold((0, 0), |(done, all), f| (done + f.bytes_done, all + f.size))
    }

    pub fn records(&self) -> u64 {
        self.files.iter().map(|f| f.records).sum()
    }
}

/// The raw records of the session shown in the detail panel, read back from the files.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawView {
    /// The session (index into `report.sessions`) the records belong to.
    pub session: Option<u32>,
    pub pending: bool,
    pub records: Vec<RawRecord>,
    /// Why some or all records could not be shown.
    pub message: Option<String>,
}

/// Everything the components share.
#[derive(Clone, Copy)]
pub struct AppState {
    pub analysis: RwSignal<Option<Arc<Analysis>>>,
    pub load: RwSignal<LoadState>,
    pub filter: RwSignal<SessionFilter>,
    pub sort: RwSignal<Sort>,
    /// The session open in the detail panel (index into `report.sessions`).
    pub selected: RwSignal<Option<u32>>,
    pub tab: RwSignal<Tab>,
    pub zone: RwSignal<Zone>,
    pub lane_by: RwSignal<LaneBy>,
    pub raw: RwSignal<RawView>,
    /// A view link waiting for its files: applied when they have been analysed.
    pub pending_view: RwSignal<Option<SharedView>>,
    /// Why the link in the address bar could not be opened.
    pub link_error: RwSignal<Option<String>>,
    /// The sessions that pass the filter, in the chosen order (indices into
    /// `report.sessions`). The sessions table and the timeline both show exactly these.
    pub visible: Memo<Arc<Vec<u32>>>,
}

impl AppState {
    pub fn new() -> Self {
        let analysis: RwSignal<Option<Arc<Analysis>>> = RwSignal::new(None);
        let filter = RwSignal::new(SessionFilter::default());
        let sort = RwSignal::new(Sort::default());
        // The report's sessions by profile, made once per report: filtering and sorting a
        // million sessions then reads flat arrays (see `SessionIndex`).
        let index: Memo<Option<Arc<SessionIndex>>> = Memo::new_with_compare(
            move |_| {
                analysis.with(|analysis| {
                    analysis.as_ref().map(|analysis| {
                        analysis.index.clone().unwrap_or_else(|| {
                            Arc::new(SessionIndex::new(&analysis.report.sessions))
                        })
                    })
                })
            },
            // A new report is a new index; comparing a million entries would only cost time.
            |_, _| true,
        );
        let visible = Memo::new(move |_| {
            let sessions = analysis.with(|analysis| {
                analysis.as_ref().map_or_else(Vec::new, |analysis| {
                    let sort = sort.get();
                    index.with(|index| {
                        // (The index is there whenever the analysis is.)
                        filter.with(|filter| match index {
                            Some(index) => {
                                visible_sessions_indexed(&analysis.report, index, filter, sort)
                            }
                            None => Vec::new(),
                        })
                    })
                })
            });
            Arc::new(sessions)
        });
        AppState {
            analysis,
            load: RwSignal::new(LoadState::default()),
            filter,
            sort,
            selected: RwSignal::new(None),
            tab: RwSignal::new(Tab::default()),
            zone: RwSignal::new(Zone::default()),
            lane_by: RwSignal::new(LaneBy::default()),
            raw: RwSignal::new(RawView::default()),
            pending_view: RwSignal::new(None),
            link_error: RwSignal::new(None),
            visible,
        }
    }

    /// Calls `f` with the visible rows (indices into the sessions) and the report's sessions
    /// (none before a report is loaded), tracking both.
    pub fn with_visible_sessions<T>(&self, f: impl FnOnce(&[u32], &[Session]) -> T) -> T {
        self.visible.with(|visible| {
            self.analysis.with(|analysis| {
                let sessions = analysis
                    .as_ref()
                    .map_or(&[][..], |analysis| &analysis.report.sessions[..]);
                f(visible, sessions)
            })
        })
    }

    /// The view as it is now, as links and report files carry it.
    pub fn view_state(&self) -> ViewState {
        let selected = self.selected.get_untracked().and_then(|index| {
            self.analysis.with_untracked(|analysis| {
                let session = analysis.as_ref()?.report.sessions.get(index as usize)?;
                Some(SessionKey::of(session))
            })
        });
        ViewState {
            tab: self.tab.get_untracked(),
            filter: self.filter.get_untracked(),
            sort: self.sort.get_untracked(),
            selected,
            zone: self.zone.get_untracked(),
            lane_by: self.lane_by.get_untracked(),
        }
    }

    /// Shows `view` over the loaded report. Returns false when the selected session is not in
    /// the report (the rest of the view is applied anyway).
    pub fn apply_view(&self, view: ViewState) -> bool {
        let selected = view.selected.as_ref().map(|key| {
            self.analysis
                .with_untracked(|analysis| key.find(&analysis.as_ref()?.report))
        });
        self.tab.set(view.tab);
        self.filter.set(view.filter);
        self.sort.set(view.sort);
        self.zone.set(view.zone);
        self.lane_by.set(view.lane_by);
        self.raw.set(RawView::default());
        self.selected.set(selected.flatten());
        selected.is_none_or(|found| found.is_some())
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
