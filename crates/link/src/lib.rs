//! logonscope-link: report links, view links and report files: a report (or only a view of
//! one) that travels without the evidence and without a server.
//!
//! A link keeps everything in the URL fragment, which browsers never send to a server:
//!
//! - `#report=1:<report>.<view>`: the report (files, sessions, failures, warnings; no raw
//!   records) with the event counts of the audit-coverage view, then the view ([`ViewState`]).
//!   They are two parts so that the page compresses the report once and only the small view
//!   part again as the analyst changes the view;
//! - `#view=1:<data>`: the view and the names of the files it was made over, for a colleague
//!   who has the same files.
//!
//! Each part is the value in postcard (a compact binary serde format), compressed with deflate in
//! a zlib frame (whose Adler-32 checksum catches damage) and written in URL-safe base64. The
//! number after `=` is the format version: postcard is not self-describing, so any change to
//! the serialised types (field order, enum variants) must bump [`LINK_VERSION`].
//!
//! A link is as untrusted as a log: decoding stops at [`MAX_LINK_DATA`] bytes of decompressed
//! data, and the decoded report is checked ([`check_report`]) before the page uses it. Every
//! failure is a [`LinkError`] whose text tells the analyst what is wrong with the link.
//!
//! A report file (`.logonscope.json`) is the same content as JSON, for reports too big for a
//! link; the page also opens a bare report JSON (the CLI's `sessions --format json`).

use std::collections::BTreeMap;
use std::fmt;

use base64::DecodeSliceError;
use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use logonscope_core::Report;
use logonscope_core::text::interning;
use logonscope_core::time::Timestamp;
use miniz_oxide::inflate::TINFLStatus;
use serde::{Deserialize, Serialize};

use logonscope_view::view_state::ViewState;

/// The version of the link format this page writes and reads.
pub const LINK_VERSION: u32 = 1;
/// The version of the report file format this page writes and reads.
pub const REPORT_FILE_VERSION: u32 = 1;
/// The most decompressed data a link may hold (a link of a few megabytes could otherwise
/// expand to gigabytes and take the tab down).
pub const MAX_LINK_DATA: usize = 32 << 20;

/// The file name suffix of report files.
pub const REPORT_FILE_SUFFIX: &str = ".logonscope.json";

const REPORT_PREFIX: &str = "report=";
const VIEW_PREFIX: &str = "view=";

/// A report as a report link or a report file carries it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SharedReport {
    pub report: Report,
    /// How many events of each id of interest the files held (the audit-coverage view).
    pub event_counts: BTreeMap<u16, u64>,
    pub view: ViewState,
}

/// A view as a view link carries it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SharedView {
    /// The names of the files the view was made over.
    pub files: Vec<String>,
    pub view: ViewState,
}

/// What a URL fragment holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Link {
    Report(SharedReport),
    View(SharedView),
}

/// The two kinds of link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Report,
    View,
}

impl LinkKind {
    fn noun(self) -> &'static str {
        match self {
            LinkKind::Report => "report link",
            LinkKind::View => "view link",
        }
    }
}

/// Why a link cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// Made by a version of logonscope that writes another format.
    UnknownVersion { kind: LinkKind, version: String },
    /// Cut short, as chat and mail tools do with long links.
    Truncated { kind: LinkKind },
    /// Its data would decompress beyond [`MAX_LINK_DATA`].
    TooLarge { kind: LinkKind },
    /// Anything else: not base64, checksum mismatch, not a report, an impossible report.
    Malformed { kind: LinkKind, reason: String },
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::UnknownVersion { kind, version } => write!(
                f,
                "This {} was made in format version {version}, which this logonscope does \
                 not know (it reads version {LINK_VERSION}). Open it with the logonscope that \
                 made it, or ask for a report file.",
                kind.noun()
            ),
            LinkError::Truncated { kind } => write!(
                f,
                "This {} is cut short: its data ends early. Copy the whole link (chat and mail \
                 tools cut long links), or ask for a report file.",
                kind.noun()
            ),
            LinkError::TooLarge { kind } => write!(
                f,
                "This {} holds more than {} MB of data, more than logonscope accepts from a \
                 link. Ask for a report file instead.",
                kind.noun(),
                MAX_LINK_DATA >> 20
            ),
            LinkError::Malformed { kind, reason } => {
                write!(f, "This {} is damaged: {reason}.", kind.noun())
            }
        }
    }
}

impl std::error::Error for LinkError {}

/// The report part of a report link, made once per report.
pub fn report_data(report: &Report, event_counts: &BTreeMap<u16, u64>) -> Result<String, String> {
    encode(&ReportDataOut {
        report,
        event_counts,
    })
}

/// The fragment (with its `#`) of a report link, from its report part ([`report_data`]).
pub fn report_fragment_with(report_data: &str, view: &ViewState) -> Result<String, String> {
    Ok(format!(
        "#{REPORT_PREFIX}{LINK_VERSION}:{report_data}.{}",
        encode(view)?
    ))
}

/// The fragment (with its `#`) of a report link.
pub fn report_fragment(shared: &SharedReport) -> Result<String, String> {
    report_fragment_with(
        &report_data(&shared.report, &shared.event_counts)?,
        &shared.view,
    )
}

/// The report part of a report link (the view is a part of its own).
#[derive(Serialize)]
struct ReportDataOut<'a> {
    report: &'a Report,
    event_counts: &'a BTreeMap<u16, u64>,
}

#[derive(Deserialize)]
struct ReportDataIn {
    report: Report,
    event_counts: BTreeMap<u16, u64>,
}

/// The fragment (with its `#`) of a view link.
pub fn view_fragment(shared: &SharedView) -> Result<String, String> {
    Ok(format!("#{VIEW_PREFIX}{LINK_VERSION}:{}", encode(shared)?))
}

/// What `fragment` (a URL's fragment, with or without its `#`) holds: `None` when it is not a
/// logonscope link at all (empty, or something else).
pub fn parse_fragment(fragment: &str) -> Result<Option<Link>, LinkError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let (kind, rest) = if let Some(rest) = fragment.strip_prefix(REPORT_PREFIX) {
        (LinkKind::Report, rest)
    } else if let Some(rest) = fragment.strip_prefix(VIEW_PREFIX) {
        (LinkKind::View, rest)
    } else {
        return Ok(None);
    };
    let Some((version, data)) = rest.split_once(':') else {
        return Err(LinkError::Malformed {
            kind,
            reason: "it has no format version".to_string(),
        });
    };
    if version != LINK_VERSION.to_string() {
        if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LinkError::Malformed {
                kind,
                reason: "its format version is not a number".to_string(),
            });
        }
        return Err(LinkError::UnknownVersion {
            kind,
            version: version.chars().take(12).collect(),
        });
    }
    let malformed = |reason: String| LinkError::Malformed { kind, reason };
    match kind {
        LinkKind::Report => {
            // Without the view part, the link was cut inside its report part.
            let (report, view) = data.split_once('.').ok_or(LinkError::Truncated { kind })?;
            let view = decode(kind, view)?;
            let report = decode(kind, report)?;
            let data: ReportDataIn = from_postcard(&report).map_err(malformed)?;
            let shared = SharedReport {
                report: data.report,
                event_counts: data.event_counts,
                view: from_postcard(&view).map_err(malformed)?,
            };
            check_report(&shared.report).map_err(malformed)?;
            check_view(&shared.view).map_err(malformed)?;
            Ok(Some(Link::Report(shared)))
        }
        LinkKind::View => {
            let bytes = decode(kind, data)?;
            let shared: SharedView = from_postcard(&bytes).map_err(malformed)?;
            check_view(&shared.view).map_err(malformed)?;
            Ok(Some(Link::View(shared)))
        }
    }
}

fn encode<T: Serialize>(value: &T) -> Result<String, String> {
    let binary =
        postcard::to_allocvec(value).map_err(|e| format!("the link could not be made: {e}"))?;
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&binary, 9);
    Ok(URL_SAFE_NO_PAD.encode(compressed))
}

/// Base64 as written, or with the padding some tools add.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

fn decode(kind: LinkKind, data: &str) -> Result<Vec<u8>, LinkError> {
    // Mail tools wrap long links; the line breaks and spaces are not part of the data.
    let data: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if data.is_empty() {
        return Err(LinkError::Truncated { kind });
    }
    // Deflate cannot shrink data below a thousandth; skip decoding what must be too big.
    if data.len() / 4 * 3 > MAX_LINK_DATA {
        return Err(LinkError::TooLarge { kind });
    }
    let mut compressed = vec![0; data.len() / 4 * 3 + 3];
    let written = match LENIENT_BASE64.decode_slice(data.as_bytes(), &mut compressed) {
        Ok(written) => written,
        // A cut in the middle of a base64 quantum.
        Err(DecodeSliceError::DecodeError(
            base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidLastSymbol(..),
        )) => return Err(LinkError::Truncated { kind }),
        Err(_) => {
            return Err(LinkError::Malformed {
                kind,
                reason: "it holds characters that links of logonscope never hold".to_string(),
            });
        }
    };
    compressed.truncate(written);
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&compressed, MAX_LINK_DATA).map_err(
        |error| match error.status {
            TINFLStatus::HasMoreOutput => LinkError::TooLarge { kind },
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                LinkError::Truncated { kind }
            }
            TINFLStatus::Adler32Mismatch => LinkError::Malformed {
                kind,
                reason: "its checksum does not match its data".to_string(),
            },
            _ => LinkError::Malformed {
                kind,
                reason: "its data is not compressed as logonscope compresses it".to_string(),
            },
        },
    )
}

fn from_postcard<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, String> {
    // The texts of the report share one copy of each value, as when it was made.
    match interning(|| postcard::take_from_bytes::<T>(bytes)) {
        Ok((value, [])) => Ok(value),
        Ok(_) => Err("its data goes on after the report".to_string()),
        Err(e) => Err(format!("its data is not a logonscope report ({e})")),
    }
}

/// The latest time a report may hold: the page writes four-digit years.
fn latest_time() -> Timestamp {
    Timestamp::parse_iso("9999-12-31T23:59:59.9999999Z").unwrap_or(Timestamp(u64::MAX))
}

fn check_time(time: Option<Timestamp>, what: &str) -> Result<(), String> {
    match time {
        Some(time) if time > latest_time() => Err(format!("{what} lies after the year 9999")),
        _ => Ok(()),
    }
}

/// Checks what the page relies on in a report read from a link or a file: times it can
/// write, durations that are numbers, sessions that do not end before they start.
pub fn check_report(report: &Report) -> Result<(), String> {
    for (index, s) in report.sessions.iter().enumerate() {
        let what = format!("session {}", index + 1);
        check_time(s.start, &what)?;
        check_time(s.end, &what)?;
        check_time(s.user_logoff_time, &what)?;
        if let (Some(start), Some(end)) = (s.start, s.end)
            && end < start
        {
            return Err(format!("{what} ends before it starts"));
        }
        if let Some(duration) = s.duration_seconds
            && !(duration.is_finite() && duration >= 0.0)
        {
            return Err(format!("{what} has an impossible duration"));
        }
        let attached = s.explicit_credentials.iter().map(|e| e.time);
        let attached = attached.chain(s.rdp_events.iter().map(|e| e.time));
        for time in attached.chain(s.lock_events.iter().map(|e| e.time)) {
            check_time(Some(time), &what)?;
        }
    }
    for (index, failure) in report.failures.iter().enumerate() {
        check_time(Some(failure.time), &format!("failed logon {}", index + 1))?;
    }
    for (index, warning) in report.warnings.iter().enumerate() {
        check_time(warning.time, &format!("warning {}", index + 1))?;
    }
    Ok(())
}

fn check_view(view: &ViewState) -> Result<(), String> {
    check_time(view.filter.from, "the filter's start")?;
    check_time(view.filter.to, "the filter's end")?;
    if let Some(key) = &view.selected {
        check_time(key.start, "the selected session")?;
        check_time(key.end, "the selected session")?;
    }
    Ok(())
}

/// How far a link of `length` characters travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkReach {
    /// Up to 2,000 characters: the old limit of browsers and of many tools; safe anywhere.
    Anywhere,
    /// Up to 28,000 characters: fits a Microsoft Teams message (about 28 KB) and a Slack
    /// message (40,000 characters), but mail tools and ticket systems may cut or break it.
    Chat,
    /// Up to 2 MiB: Chromium's limit for a URL. Too long to paste in a message; it still
    /// opens when pasted into the address bar.
    AddressBarOnly,
    /// Over 2 MiB: browsers refuse to open it.
    TooLong,
}

impl LinkReach {
    pub fn of(length: usize) -> LinkReach {
        match length {
            0..=2_000 => LinkReach::Anywhere,
            2_001..=28_000 => LinkReach::Chat,
            28_001..=2_097_152 => LinkReach::AddressBarOnly,
            _ => LinkReach::TooLong,
        }
    }

    /// What the share panel says about a link of this reach.
    pub fn advice(self) -> &'static str {
        match self {
            LinkReach::Anywhere => "Short enough for any chat, mail or ticket tool.",
            LinkReach::Chat => {
                "Fits a Teams or Slack message, but some mail and ticket tools cut links this \
                 long. If it arrives broken, share the view only or send the report file."
            }
            LinkReach::AddressBarOnly => {
                "Too long for chat and mail tools (they cut links after a few thousand \
                 characters). It opens when pasted into a browser's address bar; otherwise share \
                 the view only, or send the report file."
            }
            LinkReach::TooLong => {
                "Too long for any browser (Chromium accepts at most 2 MB in a URL). Send the \
                 report file instead, or share the view only."
            }
        }
    }
}

/// A report file: the shared report as JSON, its report in the format of `SESSIONS.md`.
#[derive(Serialize)]
struct ReportFileOut<'a> {
    logonscope_report: u32,
    view: &'a ViewState,
    event_counts: &'a BTreeMap<u16, u64>,
    report: &'a Report,
}

/// The bytes of a report file (`.logonscope.json`).
pub fn report_file(shared: &SharedReport) -> Result<Vec<u8>, String> {
    let file = ReportFileOut {
        logonscope_report: REPORT_FILE_VERSION,
        view: &shared.view,
        event_counts: &shared.event_counts,
        report: &shared.report,
    };
    serde_json::to_vec(&file).map_err(|e| format!("the report file could not be written: {e}"))
}

/// The version a report file says it has, read before the rest so that a file of a newer
/// format gets a clear message rather than a parse error.
#[derive(Deserialize)]
struct ReportFileProbe {
    logonscope_report: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ReportFileIn {
    #[serde(default)]
    view: ViewState,
    #[serde(default)]
    event_counts: BTreeMap<u16, u64>,
    report: Report,
}

/// Whether a file, by its name, is a report (a report file, or a report JSON of the CLI)
/// rather than an event log.
pub fn is_report_file_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".json")
}

/// Reads a report file, or a bare report JSON (the CLI's `sessions --format json`).
pub fn parse_report_file(bytes: &[u8]) -> Result<SharedReport, String> {
    let not_json =
        |e: serde_json::Error| format!("it is not a logonscope report (not valid JSON: {e})");
    let probe: ReportFileProbe = serde_json::from_slice(bytes).map_err(not_json)?;
    let shared = match probe.logonscope_report {
        Some(version) => {
            if version.as_u64() != Some(u64::from(REPORT_FILE_VERSION)) {
                return Err(format!(
                    "it is a report file of format version {version}, which this logonscope \
                     does not know (it reads version {REPORT_FILE_VERSION})"
                ));
            }
            let file: ReportFileIn = interning(|| serde_json::from_slice(bytes))
                .map_err(|e| format!("it is not a complete logonscope report file ({e})"))?;
            SharedReport {
                report: file.report,
                event_counts: file.event_counts,
                view: file.view,
            }
        }
        None => {
            let report: Report = interning(|| serde_json::from_slice(bytes))
                .map_err(|e| format!("it is not a logonscope report ({e})"))?;
            SharedReport {
                report,
                ..SharedReport::default()
            }
        }
    };
    check_report(&shared.report)?;
    check_view(&shared.view)?;
    Ok(shared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use logonscope_core::report::Session;
    use logonscope_view::columns::{Column, Sort};
    use logonscope_view::view_state::{SessionKey, Tab};
    use logonscope_view::zone::Zone;

    fn as_json(report: &Report) -> String {
        serde_json::to_string(report).unwrap()
    }

    fn demo_report() -> Report {
        logonscope_synth::demo_log(7).unwrap().1
    }

    fn view_of(report: &Report) -> ViewState {
        let mut view = ViewState {
            tab: Tab::Timeline,
            sort: Sort {
                column: Column::Duration,
                descending: true,
            },
            selected: Some(SessionKey::of(&report.sessions[5])),
            zone: Zone::Local,
            ..ViewState::default()
        };
        view.filter.user = "adm".to_string();
        view.filter.logon_types.insert(10);
        view.filter.hide_system = true;
        view.filter.from = report.sessions[3].start;
        view
    }

    fn shared_demo() -> SharedReport {
        let report = demo_report();
        SharedReport {
            view: view_of(&report),
            event_counts: BTreeMap::from([(4624, 812), (4625, 40)]),
            report,
        }
    }

    #[test]
    fn a_report_link_gives_back_the_report_and_the_view() {
        let shared = shared_demo();
        let fragment = report_fragment(&shared).unwrap();
        assert!(fragment.starts_with("#report=1:"));
        assert!(
            fragment[10..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
            "only characters that need no escaping in a URL"
        );
        let Some(Link::Report(back)) = parse_fragment(&fragment).unwrap() else {
            panic!("not a report link");
        };
        assert_eq!(back, shared);
        // And without the '#', as `location.hash` minus its first character.
        assert!(matches!(
            parse_fragment(&fragment[1..]),
            Ok(Some(Link::Report(_)))
        ));
    }

    #[test]
    fn a_report_link_is_much_smaller_than_the_json() {
        let shared = shared_demo();
        let json = serde_json::to_string(&shared.report).unwrap();
        let fragment = report_fragment(&shared).unwrap();
        assert!(
            fragment.len() * 5 < json.len(),
            "link {} vs JSON {}",
            fragment.len(),
            json.len()
        );
    }

    #[test]
    fn a_view_link_gives_back_the_view_and_the_file_names() {
        let report = demo_report();
        let shared = SharedView {
            files: vec!["DC01-Security.evtx".into(), "WS07.evtx".into()],
            view: view_of(&report),
        };
        let fragment = view_fragment(&shared).unwrap();
        assert!(fragment.starts_with("#view=1:"));
        assert!(fragment.len() < 400, "a view link stays short: {fragment}");
        assert_eq!(
            parse_fragment(&fragment).unwrap(),
            Some(Link::View(shared.clone()))
        );
    }

    #[test]
    fn fragments_that_are_not_links_are_ignored() {
        for fragment in ["", "#", "#top", "#reports", "#viewer=1:abc"] {
            assert_eq!(parse_fragment(fragment), Ok(None), "{fragment}");
        }
    }

    #[test]
    fn an_unknown_version_is_named() {
        let shared = shared_demo();
        let fragment = report_fragment(&shared).unwrap().replace("=1:", "=2:");
        let error = parse_fragment(&fragment).unwrap_err();
        assert_eq!(
            error,
            LinkError::UnknownVersion {
                kind: LinkKind::Report,
                version: "2".into()
            }
        );
        let message = error.to_string();
        assert!(message.contains("version 2"), "{message}");
        assert!(message.contains("reads version 1"), "{message}");
        assert!(matches!(
            parse_fragment("#view=x:abc"),
            Err(LinkError::Malformed { .. })
        ));
        assert!(matches!(
            parse_fragment("#view=abc"),
            Err(LinkError::Malformed { .. })
        ));
    }

    #[test]
    fn every_cut_of_a_link_is_refused_as_truncated() {
        let fragment = report_fragment(&shared_demo()).unwrap();
        let data_start = "#report=1:".len();
        let step = (fragment.len() - data_start) / 97 + 1;
        for cut in (data_start..fragment.len() - 1).step_by(step) {
            let error = parse_fragment(&fragment[..cut]).unwrap_err();
            assert_eq!(
                error,
                LinkError::Truncated {
                    kind: LinkKind::Report
                },
                "cut at {cut} of {}",
                fragment.len()
            );
        }
    }

    #[test]
    fn damaged_links_are_refused() {
        let fragment = report_fragment(&shared_demo()).unwrap();
        // A character that base64 never holds.
        let bad_char = format!("{}!{}", &fragment[..40], &fragment[41..]);
        assert!(matches!(
            parse_fragment(&bad_char),
            Err(LinkError::Malformed { .. })
        ));
        // A changed byte in the middle: the checksum or the decompressor notices.
        let mut bytes = fragment.clone().into_bytes();
        let middle = bytes.len() / 2;
        bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(bytes).unwrap();
        assert!(parse_fragment(&changed).is_err());
        // Compressed well, but not a report.
        let not_a_report = format!(
            "#report=1:{}.{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec_zlib(
                b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
                6
            )),
            encode(&ViewState::default()).unwrap()
        );
        let error = parse_fragment(&not_a_report).unwrap_err();
        assert!(error.to_string().contains("damaged"), "{error}");
    }

    #[test]
    fn a_link_that_expands_beyond_the_bound_is_refused_without_expanding_it() {
        let zeros = vec![0u8; MAX_LINK_DATA + 1];
        let bomb = miniz_oxide::deflate::compress_to_vec_zlib(&zeros, 9);
        assert!(bomb.len() < 100_000, "compresses to {}", bomb.len());
        let view = encode(&ViewState::default()).unwrap();
        let fragment = format!("#report=1:{}.{view}", URL_SAFE_NO_PAD.encode(&bomb));
        let error = parse_fragment(&fragment).unwrap_err();
        assert_eq!(
            error,
            LinkError::TooLarge {
                kind: LinkKind::Report
            }
        );
        assert!(error.to_string().contains("32 MB"), "{error}");
        // Just under the bound is data like any other (here: not a report).
        let under = miniz_oxide::deflate::compress_to_vec_zlib(&zeros[..1000], 9);
        let fragment = format!("#report=1:{}.{view}", URL_SAFE_NO_PAD.encode(&under));
        assert!(matches!(
            parse_fragment(&fragment),
            Err(LinkError::Malformed { .. })
        ));
    }

    #[test]
    fn hostile_strings_travel_as_data() {
        let mut report = Report::default();
        let mut session = Session::new("<b>PC</b>", "0x1");
        session.user = Some("<img src=x onerror=alert(1)>".into());
        session.workstation = Some("=HYPERLINK(\"http://example.invalid\",\"x\")".into());
        session.process_name = Some("a\u{1b}[31m\u{7}\u{202e}b".into());
        report.sessions.push(session);
        let shared = SharedReport {
            report,
            ..SharedReport::default()
        };
        let fragment = report_fragment(&shared).unwrap();
        let Ok(Some(Link::Report(back))) = parse_fragment(&fragment) else {
            panic!("not read back");
        };
        assert_eq!(back.report, shared.report);
    }

    #[test]
    fn impossible_reports_are_refused() {
        let start = Timestamp::parse_iso("2024-01-01T00:00:00Z");
        let end = Timestamp::parse_iso("2023-01-01T00:00:00Z");
        let mut backwards = Session::new("PC", "0x1");
        backwards.start = start;
        backwards.end = end;
        let mut nan = Session::new("PC", "0x2");
        nan.duration_seconds = Some(f64::NAN);
        let mut far = Session::new("PC", "0x3");
        far.start = Some(Timestamp(u64::MAX));
        for (session, words) in [
            (backwards, "ends before it starts"),
            (nan, "impossible duration"),
            (far, "after the year 9999"),
        ] {
            let shared = SharedReport {
                report: Report {
                    sessions: vec![session],
                    ..Report::default()
                },
                ..SharedReport::default()
            };
            let error = parse_fragment(&report_fragment(&shared).unwrap()).unwrap_err();
            assert!(error.to_string().contains(words), "{error}");
        }
    }

    #[test]
    fn a_report_file_gives_back_the_report_and_the_view() {
        let shared = shared_demo();
        let bytes = report_file(&shared).unwrap();
        let back = parse_report_file(&bytes).unwrap();
        // Durations are written to the tenth of a microsecond, so compare what JSON says.
        assert_eq!(as_json(&back.report), as_json(&shared.report));
        assert_eq!(back.view, shared.view);
        assert_eq!(back.event_counts, shared.event_counts);
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["logonscope_report"], 1);
        assert_eq!(json["view"]["tab"], "timeline");
        assert_eq!(json["event_counts"]["4624"], 812);
        assert_eq!(
            json["report"]["sessions"].as_array().unwrap().len(),
            shared.report.sessions.len()
        );
    }

    #[test]
    fn a_bare_report_json_opens_as_a_report_file() {
        let report = demo_report();
        let mut json = Vec::new();
        logonscope_core::export::write_report_json(&report, &mut json).unwrap();
        let shared = parse_report_file(&json).unwrap();
        assert_eq!(as_json(&shared.report), as_json(&report));
        assert_eq!(shared.view, ViewState::default());
    }

    #[test]
    fn bad_report_files_say_what_is_wrong() {
        let newer = br#"{"logonscope_report": 9, "something": "new"}"#;
        let error = parse_report_file(newer).unwrap_err();
        assert!(error.contains("version 9"), "{error}");
        let error = parse_report_file(b"ElfFile\x00\x01").unwrap_err();
        assert!(error.contains("not valid JSON"), "{error}");
        let error = parse_report_file(br#"{"hello": 1}"#).unwrap_err();
        assert!(error.contains("not a logonscope report"), "{error}");
        assert!(is_report_file_name("case.logonscope.JSON"));
        assert!(!is_report_file_name("Security.evtx"));
    }

    #[test]
    fn link_reach_follows_the_limits_of_common_tools() {
        assert_eq!(LinkReach::of(1_500), LinkReach::Anywhere);
        assert_eq!(LinkReach::of(20_000), LinkReach::Chat);
        assert_eq!(LinkReach::of(500_000), LinkReach::AddressBarOnly);
        assert_eq!(LinkReach::of(3_000_000), LinkReach::TooLong);
    }
}
