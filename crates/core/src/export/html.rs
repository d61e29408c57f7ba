//! A self-contained printable HTML report: summary, a timeline picture, the tables of sessions
//! and failures, and the warnings, in one file that needs nothing else.
//!
//! Safety comes first. Every value from the report (event data, file names, the title and the
//! view note) goes through [`escape_html`], the one escape function, through the [`Text`]
//! wrapper; numbers and times are typed and cannot carry markup. The page has no script, no
//! link or reference to anything outside itself, and a Content-Security-Policy meta tag that
//! allows only its own inline style, so that even a bug here cannot make it run script or
//! reach the network.
//!
//! The page is light and prints well: table headers repeat on each printed page, rows do not
//! break across pages, colours print. Large reports are cut to [`MAX_TABLE_ROWS`] rows per table
//! and [`MAX_LANES`] timeline lanes, and the page says what was left out.

use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write};

use super::visible_controls;
use crate::catalog;
use crate::report::{EndReason, Failure, Report, Session, WarningKind};
use crate::time::{Timestamp, civil_from_days, clock_duration};

/// The most rows each table (sessions, failures) lists; the CSV export has them all.
pub const MAX_TABLE_ROWS: usize = 5_000;
/// The most lanes the timeline draws (the busiest accounts).
pub const MAX_LANES: usize = 40;
/// The most entries of the "top" lists of the summary.
const TOP: usize = 10;
/// Longest lane label before it is cut with `…` (the whole label is the lane's tooltip).
const MAX_LABEL: usize = 32;

/// The page's Content-Security-Policy: nothing but its inline style (and `data:` images).
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// What the HTML report shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlOptions {
    /// The page's title and heading.
    pub title: String,
    /// Indices into `report.sessions` of the sessions to list, in this order (the page's
    /// filtered and sorted view); `None` lists them all. Indices out of range are skipped. The
    /// summary of sessions and the timeline cover the same sessions; failures and warnings are
    /// always listed in full.
    pub sessions: Option<Vec<u32>>,
    /// A line shown under the title, such as `Filtered: user contains alice`.
    pub view_note: Option<String>,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions {
            title: "logonscope report".to_string(),
            sessions: None,
            view_note: None,
        }
    }
}

/// The one escape function for event data in HTML: controls and bidirectional overrides made
/// visible ([`visible_controls`]), then `& < > " '` as entities. Safe in element content and
/// in quoted attribute values.
pub fn escape_html(value: &str) -> String {
    let visible = visible_controls(value);
    let mut out = String::with_capacity(visible.len() + 16);
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Untrusted text, written through [`escape_html`] wherever it is formatted.
struct Text<'a>(&'a str);

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_html(self.0))
    }
}

/// Untrusted optional text: escaped, or an en dash when absent.
struct Opt<'a>(Option<&'a str>);

impl fmt::Display for Opt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(value) => f.write_str(&escape_html(value)),
            None => f.write_str("–"),
        }
    }
}

/// The printable HTML report of `report`.
pub fn html_report(report: &Report, options: &HtmlOptions) -> String {
    let sessions: Vec<&Session> = match &options.sessions {
        Some(indices) => indices
            .iter()
            .filter_map(|&i| report.sessions.get(i as usize))
            .collect(),
        None => report.sessions.iter().collect(),
    };
    let mut out = String::with_capacity(64 * 1024 + sessions.len().min(MAX_TABLE_ROWS) * 400);
    // Writing to a String cannot fail; the Result only carries `?` through.
    match write_page(&mut out, report, options, &sessions) {
        Ok(()) => out,
        Err(fmt::Error) => String::new(),
    }
}

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 24px; font: 13px/1.4 system-ui, "Segoe UI", "DejaVu Sans", sans-serif; color: #1d2125; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 24px 0 8px; border-bottom: 1px solid #d5dbe1; padding-bottom: 2px; }
h3 { font-size: 13px; margin: 12px 0 4px; }
p { margin: 4px 0; }
.note { color: #a15c00; font-weight: 600; }
.muted { color: #5f6b76; }
.warn { color: #c62828; font-weight: 600; }
table { border-collapse: collapse; margin: 4px 0 8px; }
th, td { border: 1px solid #d5dbe1; padding: 2px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f5f7f9; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.wide { width: 100%; font-size: 11px; }
.mono, table.wide td { font-family: ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", monospace; }
.grid { display: flex; flex-wrap: wrap; gap: 8px 32px; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: baseline; }
.legend span.item { margin-right: 16px; white-space: nowrap; }
svg.timeline { width: 100%; height: auto; border: 1px solid #d5dbe1; }
svg.timeline text { font: 10px system-ui, "DejaVu Sans", sans-serif; fill: #1d2125; }
svg.timeline text.tick { fill: #5f6b76; }
svg.timeline line.tick { stroke: #d5dbe1; }
svg.timeline rect.alt { fill: #f5f7f9; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; font-size: 10px; }
  h2 { break-after: avoid; }
  table.wide { font-size: 8px; }
  svg.timeline { break-inside: avoid; }
}
"#;

fn write_page(
    out: &mut String,
    report: &Report,
    options: &HtmlOptions,
    sessions: &[&Session],
) -> fmt::Result {
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">"
    )?;
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    out.push_str("<meta name=\"generator\" content=\"logonscope\">\n");
    writeln!(out, "<title>{}</title>", Text(&options.title))?;
    writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>")?;
    writeln!(out, "<header>\n<h1>{}</h1>", Text(&options.title))?;
    if let Some(note) = &options.view_note {
        writeln!(out, "<p class=\"note\">{}</p>", Text(note))?;
    }
    writeln!(
        out,
        "<p class=\"muted\">Made by logonscope. All times are UTC.</p>\n</header>"
    )?;
    write_files(out, report)?;
    write_summary(out, report, sessions)?;
    write_timeline(out, sessions)?;
    write_sessions(out, report, sessions)?;
    write_failures(out, report)?;
    write_warnings(out, report)?;
    out.push_str("</body>\n</html>\n");
    Ok(())
}

/// `12,345`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A time as the tables show it: `2024-03-04 08:00:00.1234567`, UTC.
fn utc(time: Timestamp) -> String {
    time.to_string().replacen('T', " ", 1).replace('Z', "")
}

fn opt_utc(time: Option<Timestamp>) -> String {
    time.map_or_else(|| "–".to_string(), utc)
}

/// `DOMAIN\user` (or `user`), `None` when no user is named.
fn account(domain: Option<&str>, user: Option<&str>) -> Option<String> {
    match (domain, user?) {
        (Some(domain), user) => Some(format!("{domain}\\{user}")),
        (None, user) => Some(user.to_string()),
    }
}

/// The timeline lane of a session: its account, else its SID, else its computer.
fn lane_label(s: &Session) -> String {
    account(s.domain.as_deref(), s.user.as_deref())
        .or_else(|| s.user_sid.as_deref().map(str::to_string))
        .unwrap_or_else(|| s.computer.to_string())
}

fn end_reason_words(reason: EndReason) -> &'static str {
    match reason {
        EndReason::Logoff => "Logged off (4634)",
        EndReason::UserLogoff => "User logged off (4647)",
        EndReason::Superseded => "Logon id reused by another account",
        EndReason::Startup => "Machine started without a shutdown (4608)",
        EndReason::Shutdown => "Machine or event log shut down (4609, 1100)",
        EndReason::LogEnd => "Still open when the log ends",
    }
}

fn logon_type_cell(number: Option<u32>, name: Option<&str>) -> String {
    match (number, name) {
        (Some(n), Some(name)) if name != n.to_string() => {
            format!("{n} {}", Text(name))
        }
        (Some(n), _) => n.to_string(),
        (None, Some(name)) => Text(name).to_string(),
        (None, None) => "–".to_string(),
    }
}

fn write_files(out: &mut String, report: &Report) -> fmt::Result {
    writeln!(out, "<section id=\"files\">\n<h2>Files</h2>")?;
    if report.files.is_empty() {
        return writeln!(out, "<p class=\"muted\">No file.</p>\n</section>");
    }
    out.push_str("<table>\n<thead><tr><th>File</th><th class=\"num\">Size (bytes)</th><th class=\"num\">Records</th><th>Errors</th></tr></thead>\n<tbody>\n");
    for file in &report.files {
        write!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>",
            Text(&file.name),
            thousands(file.size as usize),
            thousands(file.records as usize)
        )?;
        if file.errors.is_empty() {
            out.push_str("none");
        }
        for (i, error) in file.errors.iter().enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            write!(out, "<span class=\"warn\">{}</span>", Text(error))?;
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    Ok(())
}

/// The `n` most frequent keys, most frequent first (ties by key).
fn top(keys: impl Iterator<Item = String>, n: usize) -> (Vec<(String, usize)>, usize) {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for key in keys {
        *counts.entry(key).or_default() += 1;
    }
    let distinct = counts.len();
    let mut sorted: Vec<(String, usize)> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    sorted.truncate(n);
    (sorted, distinct)
}

fn write_count_table(
    out: &mut String,
    caption: &str,
    header: &str,
    rows: &[(String, usize)],
    distinct: usize,
) -> fmt::Result {
    writeln!(out, "<div>\n<h3>{caption}</h3>")?;
    write!(
        out,
        "<table>\n<thead><tr><th>{header}</th><th class=\"num\">Failures</th></tr></thead>\n<tbody>\n"
    )?;
    for (key, count) in rows {
        writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
            Text(key),
            thousands(*count)
        )?;
    }
    out.push_str("</tbody>\n</table>\n");
    if distinct > rows.len() {
        writeln!(
            out,
            "<p class=\"muted\">Top {} of {}.</p>",
            rows.len(),
            thousands(distinct)
        )?;
    }
    out.push_str("</div>\n");
    Ok(())
}

fn write_summary(out: &mut String, report: &Report, sessions: &[&Session]) -> fmt::Result {
    writeln!(out, "<section id=\"summary\">\n<h2>Summary</h2>")?;
    let listed = if sessions.len() == report.sessions.len() {
        format!("{} sessions", thousands(sessions.len()))
    } else {
        format!(
            "{} of {} sessions (the view)",
            thousands(sessions.len()),
            thousands(report.sessions.len())
        )
    };
    let times = sessions.iter().flat_map(|s| [s.start, s.end]).flatten();
    let (first, last) = (times.clone().min(), times.max());
    let computers: std::collections::BTreeSet<&str> =
        sessions.iter().map(|s| s.computer.as_str()).collect();
    writeln!(
        out,
        "<p>{listed} on {} computers, {} failed logons, {} warnings.</p>",
        thousands(computers.len()),
        thousands(report.failures.len()),
        thousands(report.warnings.len())
    )?;
    if let (Some(first), Some(last)) = (first, last) {
        writeln!(
            out,
            "<p>Sessions from {} to {} UTC.</p>",
            utc(first),
            utc(last)
        )?;
    }
    let cleared = report
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::LogCleared)
        .count();
    if cleared > 0 {
        writeln!(
            out,
            "<p class=\"warn\">The audit log was cleared {} time(s): events before each clear are missing.</p>",
            thousands(cleared)
        )?;
    }
    let damaged = report.warnings.len() - cleared;
    if damaged > 0 {
        writeln!(
            out,
            "<p class=\"warn\">{} warning(s) of missing or damaged records.</p>",
            thousands(damaged)
        )?;
    }
    out.push_str("<div class=\"grid\">\n");

    // Sessions by logon type, with the Audit logon events reference's titles.
    let mut by_type: BTreeMap<Option<u32>, usize> = BTreeMap::new();
    for s in sessions {
        *by_type.entry(s.logon_type).or_default() += 1;
    }
    out.push_str("<div>\n<h3>Sessions by logon type</h3>\n<table>\n<thead><tr><th class=\"num\">Type</th><th>Title</th><th class=\"num\">Sessions</th><th>What it means</th></tr></thead>\n<tbody>\n");
    for (number, count) in &by_type {
        let (number_cell, title, description) = match number {
            Some(n) => (
                n.to_string(),
                catalog::logon_type_name(*n),
                catalog::logon_type(*n).map_or("", |t| t.description),
            ),
            None => ("–".to_string(), "Unknown".to_string(), ""),
        };
        writeln!(
            out,
            "<tr><td class=\"num\"><span class=\"swatch\" style=\"background:{}\"></span>{number_cell}</td><td>{}</td><td class=\"num\">{}</td><td class=\"muted\">{}</td></tr>",
            type_colour(*number),
            Text(&title),
            thousands(*count),
            Text(description)
        )?;
    }
    out.push_str("</tbody>\n</table>\n</div>\n");

    let mut by_reason: BTreeMap<EndReason, usize> = BTreeMap::new();
    for s in sessions {
        *by_reason.entry(s.end_reason).or_default() += 1;
    }
    out.push_str("<div>\n<h3>Sessions by end</h3>\n<table>\n<thead><tr><th>End reason</th><th>Meaning</th><th class=\"num\">Sessions</th></tr></thead>\n<tbody>\n");
    for (reason, count) in &by_reason {
        writeln!(
            out,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            reason.as_str(),
            end_reason_words(*reason),
            thousands(*count)
        )?;
    }
    out.push_str("</tbody>\n</table>\n</div>\n");

    if !report.failures.is_empty() {
        let (accounts, distinct_accounts) = top(
            report.failures.iter().map(|f| {
                account(f.domain.as_deref(), f.user.as_deref())
                    .or_else(|| f.user_sid.as_deref().map(str::to_string))
                    .unwrap_or_else(|| "(no user)".to_string())
            }),
            TOP,
        );
        write_count_table(
            out,
            "Most failing accounts",
            "Account",
            &accounts,
            distinct_accounts,
        )?;
        let (sources, distinct_sources) = top(report.failures.iter().map(failure_source), TOP);
        write_count_table(
            out,
            "Most failing sources",
            "Source",
            &sources,
            distinct_sources,
        )?;
    }
    out.push_str("</div>\n</section>\n");
    Ok(())
}

/// Where a failed logon came from: its IP address, else its workstation.
fn failure_source(f: &Failure) -> String {
    f.source_ip
        .as_deref()
        .or(f.workstation.as_deref())
        .unwrap_or("(no source)")
        .to_string()
}

/// The colour of a logon type (the app's light palette).
fn type_colour(logon_type: Option<u32>) -> &'static str {
    match logon_type {
        Some(2) => "#2e7d32",
        Some(3) => "#1565c0",
        Some(4) => "#6d4c41",
        Some(5) => "#757575",
        Some(7) => "#00897b",
        Some(8) => "#d84315",
        Some(9) => "#8e24aa",
        Some(10) => "#e65100",
        Some(11) => "#558b2f",
        _ => "#90a4ae",
    }
}

/// Seconds since 1970 as a float, for placing things on the axis.
fn seconds(time: Timestamp) -> f64 {
    let (whole, ticks) = time.to_unix();
    whole as f64 + f64::from(ticks) / 1e7
}

/// Tick steps the axis may use, in seconds.
const TICK_STEPS: [i64; 16] = [
    60,
    300,
    900,
    1_800,
    3_600,
    3 * 3_600,
    6 * 3_600,
    12 * 3_600,
    86_400,
    2 * 86_400,
    7 * 86_400,
    14 * 86_400,
    30 * 86_400,
    91 * 86_400,
    182 * 86_400,
    365 * 86_400,
];

fn tick_label(at: i64, step: i64) -> String {
    let (year, month, day) = civil_from_days(at.div_euclid(86_400));
    let of_day = at.rem_euclid(86_400);
    if step >= 86_400 {
        format!("{year:04}-{month:02}-{day:02}")
    } else if of_day == 0 {
        format!("{month:02}-{day:02}")
    } else {
        format!("{:02}:{:02}", of_day / 3_600, of_day / 60 % 60)
    }
}

/// A bar of the timeline, in SVG units.
struct Bar {
    lane: usize,
    logon_type: Option<u32>,
    x0: f64,
    x1: f64,
}

fn write_timeline(out: &mut String, sessions: &[&Session]) -> fmt::Result {
    writeln!(out, "<section id=\"timeline\">\n<h2>Timeline (UTC)</h2>")?;
    let times = sessions.iter().flat_map(|s| [s.start, s.end]).flatten();
    let (Some(low), Some(high)) = (times.clone().min(), times.max()) else {
        return writeln!(
            out,
            "<p class=\"muted\">No session with a known time.</p>\n</section>"
        );
    };
    let (mut t0, mut t1) = (seconds(low), seconds(high));
    if t1 - t0 < 60.0 {
        let middle = (t0 + t1) / 2.0;
        (t0, t1) = (middle - 30.0, middle + 30.0);
    }

    // Lanes: the busiest accounts, then ordered by their first time.
    let mut lanes: HashMap<String, (usize, f64)> = HashMap::new();
    for s in sessions {
        let first = s.start.or(s.end).map_or(t1, seconds);
        let lane = lanes.entry(lane_label(s)).or_insert((0, f64::MAX));
        lane.0 += 1;
        lane.1 = lane.1.min(first);
    }
    let mut busiest: Vec<(String, usize, f64)> = lanes
        .into_iter()
        .map(|(label, (count, first))| (label, count, first))
        .collect();
    busiest.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let left_out: Vec<(String, usize, f64)> = busiest.split_off(busiest.len().min(MAX_LANES));
    busiest.sort_by(|a, b| a.2.total_cmp(&b.2).then_with(|| a.0.cmp(&b.0)));
    let lane_of: HashMap<&str, usize> = busiest
        .iter()
        .enumerate()
        .map(|(i, (label, _, _))| (label.as_str(), i))
        .collect();

    const WIDTH: f64 = 1000.0;
    const LABEL: f64 = 200.0;
    const LANE: f64 = 16.0;
    const AXIS: f64 = 20.0;
    let plot = WIDTH - LABEL - 10.0;
    let x = |t: f64| LABEL + (t - t0) / (t1 - t0) * plot;
    let height = AXIS + LANE * busiest.len() as f64 + 4.0;

    // Bars, merged where they touch within a lane and type so that the picture stays small
    // however many sessions there are.
    let mut bars: Vec<Bar> = sessions
        .iter()
        .filter_map(|s| {
            let lane = *lane_of.get(lane_label(s).as_str())?;
            let start = s.start.map_or(t0, seconds);
            let end = s.end.map_or(t1, seconds);
            let (x0, x1) = (x(start), x(end).max(x(start) + 1.5));
            Some(Bar {
                lane,
                logon_type: s.logon_type,
                x0,
                x1: x1.min(WIDTH),
            })
        })
        .collect();
    bars.sort_by(|a, b| {
        (a.lane, a.logon_type)
            .cmp(&(b.lane, b.logon_type))
            .then_with(|| a.x0.total_cmp(&b.x0))
    });
    let mut merged: Vec<Bar> = Vec::with_capacity(bars.len());
    for bar in bars {
        match merged.last_mut() {
            Some(last)
                if last.lane == bar.lane
                    && last.logon_type == bar.logon_type
                    && bar.x0 <= last.x1 + 0.5 =>
            {
                last.x1 = last.x1.max(bar.x1);
            }
            _ => merged.push(bar),
        }
    }

    writeln!(
        out,
        "<svg class=\"timeline\" viewBox=\"0 0 {WIDTH} {height:.0}\" role=\"img\" aria-label=\"Sessions on a time axis, one lane per account\">"
    )?;
    for lane in 0..busiest.len() {
        if lane % 2 == 1 {
            writeln!(
                out,
                "<rect class=\"alt\" x=\"0\" y=\"{:.1}\" width=\"{WIDTH}\" height=\"{LANE}\"></rect>",
                AXIS + LANE * lane as f64
            )?;
        }
    }
    // Ticks on round UTC times.
    let span = t1 - t0;
    let step = TICK_STEPS
        .iter()
        .copied()
        .find(|&s| span / s as f64 <= 8.0)
        .unwrap_or(365 * 86_400 * ((span / (365.0 * 86_400.0 * 8.0)).ceil() as i64).max(1));
    let mut tick = (t0 as i64).div_euclid(step) * step;
    if (tick as f64) < t0 {
        tick += step;
    }
    while (tick as f64) <= t1 {
        let tx = x(tick as f64);
        // Labels near the right edge end at their tick so that they are not cut off.
        let anchor = if tx > WIDTH - 40.0 { "end" } else { "middle" };
        writeln!(
            out,
            "<line class=\"tick\" x1=\"{tx:.1}\" y1=\"{:.1}\" x2=\"{tx:.1}\" y2=\"{height:.1}\"></line><text class=\"tick\" x=\"{tx:.1}\" y=\"12\" text-anchor=\"{anchor}\">{}</text>",
            AXIS - 4.0,
            tick_label(tick, step)
        )?;
        tick += step;
    }
    for (lane, (label, count, _)) in busiest.iter().enumerate() {
        let shown: String = if label.chars().count() > MAX_LABEL {
            label.chars().take(MAX_LABEL - 1).collect::<String>() + "…"
        } else {
            label.clone()
        };
        writeln!(
            out,
            "<text x=\"4\" y=\"{:.1}\"><title>{} ({} sessions)</title>{}</text>",
            AXIS + LANE * lane as f64 + 11.5,
            Text(label),
            thousands(*count),
            Text(&shown)
        )?;
    }
    for bar in &merged {
        writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"></rect>",
            bar.x0,
            AXIS + LANE * bar.lane as f64 + 3.0,
            bar.x1 - bar.x0,
            LANE - 6.0,
            type_colour(bar.logon_type)
        )?;
    }
    out.push_str("</svg>\n");

    // Legend: the logon types drawn.
    let mut drawn: Vec<Option<u32>> = merged.iter().map(|b| b.logon_type).collect();
    drawn.sort();
    drawn.dedup();
    out.push_str("<p class=\"legend\">");
    for logon_type in drawn {
        let name = logon_type.map_or_else(|| "Unknown".to_string(), catalog::logon_type_name);
        let number = logon_type.map(|n| format!("{n} ")).unwrap_or_default();
        write!(
            out,
            "<span class=\"item\"><span class=\"swatch\" style=\"background:{}\"></span>{number}{}</span>",
            type_colour(logon_type),
            Text(&name)
        )?;
    }
    out.push_str("</p>\n");
    writeln!(
        out,
        "<p class=\"muted\">One lane per account (DOMAIN\\user; the SID or the computer when no user is named). Open sessions run to the right edge, sessions that started before the log from the left edge.</p>"
    )?;
    if !left_out.is_empty() {
        let sessions_left: usize = left_out.iter().map(|l| l.1).sum();
        writeln!(
            out,
            "<p class=\"note\">The {} busiest of {} accounts are drawn; {} accounts with {} sessions are left out.</p>",
            busiest.len(),
            thousands(busiest.len() + left_out.len()),
            thousands(left_out.len()),
            thousands(sessions_left)
        )?;
    }
    out.push_str("</section>\n");
    Ok(())
}

/// "first N of M; use the CSV export for all", when a table is cut.
fn write_cut_note(out: &mut String, shown: usize, total: usize) -> fmt::Result {
    if shown < total {
        writeln!(
            out,
            "<p class=\"note\">Showing the first {} of {}; use the CSV export for all.</p>",
            thousands(shown),
            thousands(total)
        )?;
    }
    Ok(())
}

fn write_sessions(out: &mut String, report: &Report, sessions: &[&Session]) -> fmt::Result {
    writeln!(
        out,
        "<section id=\"sessions\">\n<h2>Sessions ({})</h2>",
        thousands(sessions.len())
    )?;
    if sessions.len() != report.sessions.len() {
        writeln!(
            out,
            "<p class=\"muted\">{} of the report's {} sessions, as the view listed them.</p>",
            thousands(sessions.len()),
            thousands(report.sessions.len())
        )?;
    }
    if sessions.is_empty() {
        return writeln!(out, "<p class=\"muted\">No session.</p>\n</section>");
    }
    let shown = sessions.len().min(MAX_TABLE_ROWS);
    write_cut_note(out, shown, sessions.len())?;
    out.push_str("<table class=\"wide\">\n<thead><tr><th>Computer</th><th>Logon ID</th><th>Account</th><th>Type</th><th>Source IP</th><th>Workstation</th><th>Start (UTC)</th><th>End (UTC)</th><th>Duration</th><th>End reason</th><th>Admin</th><th>Process</th></tr></thead>\n<tbody>\n");
    for s in &sessions[..shown] {
        let source_ip = match (&s.source_ip, s.source_port) {
            (Some(ip), Some(port)) if port != 0 => format!("{}:{port}", Text(ip)),
            (Some(ip), _) => Text(ip).to_string(),
            (None, _) => "–".to_string(),
        };
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{source_ip}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            Text(&s.computer),
            Text(&s.logon_id),
            Opt(account(s.domain.as_deref(), s.user.as_deref()).as_deref()),
            logon_type_cell(s.logon_type, s.logon_type_name.as_deref()),
            Opt(s.workstation.as_deref()),
            opt_utc(s.start),
            opt_utc(s.end),
            s.duration_seconds
                .map_or_else(|| "–".to_string(), clock_duration),
            s.end_reason.as_str(),
            if s.admin { "admin" } else { "" },
            Opt(s.process_name.as_deref()),
        )?;
    }
    out.push_str("</tbody>\n</table>\n");
    write_cut_note(out, shown, sessions.len())?;
    out.push_str("</section>\n");
    Ok(())
}

fn write_failures(out: &mut String, report: &Report) -> fmt::Result {
    let failures = &report.failures;
    writeln!(
        out,
        "<section id=\"failures\">\n<h2>Failed logons ({})</h2>",
        thousands(failures.len())
    )?;
    if failures.is_empty() {
        return writeln!(out, "<p class=\"muted\">No failed logon.</p>\n</section>");
    }
    let shown = failures.len().min(MAX_TABLE_ROWS);
    write_cut_note(out, shown, failures.len())?;
    out.push_str("<table class=\"wide\">\n<thead><tr><th>Computer</th><th>Time (UTC)</th><th>Account</th><th>Type</th><th>Source IP</th><th>Workstation</th><th>Reason</th><th>Status</th><th>Sub status</th><th>Record ID</th></tr></thead>\n<tbody>\n");
    for f in &failures[..shown] {
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            Text(&f.computer),
            utc(f.time),
            Opt(account(f.domain.as_deref(), f.user.as_deref()).as_deref()),
            logon_type_cell(f.logon_type, f.logon_type_name.as_deref()),
            Opt(f.source_ip.as_deref()),
            Opt(f.workstation.as_deref()),
            Opt(f.reason.as_deref()),
            Opt(f.status.as_deref()),
            Opt(f.sub_status.as_deref()),
            f.record_id
        )?;
    }
    out.push_str("</tbody>\n</table>\n");
    write_cut_note(out, shown, failures.len())?;
    out.push_str("</section>\n");
    Ok(())
}

fn write_warnings(out: &mut String, report: &Report) -> fmt::Result {
    writeln!(
        out,
        "<section id=\"warnings\">\n<h2>Warnings ({})</h2>",
        thousands(report.warnings.len())
    )?;
    if report.warnings.is_empty() {
        return writeln!(out, "<p class=\"muted\">No warning.</p>\n</section>");
    }
    out.push_str("<ul>\n");
    for warning in &report.warnings {
        let class = if warning.kind == WarningKind::LogCleared {
            " class=\"warn\""
        } else {
            ""
        };
        writeln!(out, "<li{class}>{}</li>", Text(&warning.message))?;
    }
    out.push_str("</ul>\n</section>\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{FileSummary, Warning};

    const HOSTILE: [&str; 8] = [
        "<img src=x onerror=alert(1)>",
        "<script>alert(2)</script>",
        "=HYPERLINK(\"http://example.invalid/x\",\"click\")",
        "\"quoted, comma\"",
        "'single' & ampersand",
        "\u{1b}[31mred\u{7}\ttab\nnl\rcr\u{7f}",
        "invoice\u{202E}fdp.exe",
        "</style><svg onload=alert(3)>",
    ];

    fn time(seconds: i64) -> Timestamp {
        Timestamp::from_unix(1_709_539_200 + seconds, 0).unwrap()
    }

    fn hostile_report() -> Report {
        let mut sessions = Vec::new();
        for (i, text) in HOSTILE.iter().enumerate() {
            let mut s = Session::new(*text, *text);
            s.user = Some((*text).into());
            s.domain = Some((*text).into());
            s.user_sid = Some((*text).into());
            s.logon_type = Some(i as u32);
            s.logon_type_name = Some((*text).into());
            s.source_ip = Some((*text).into());
            s.workstation = Some((*text).into());
            s.process_name = Some((*text).into());
            s.start = Some(time(i as i64 * 60));
            s.end = Some(time(i as i64 * 60 + 600));
            s.duration_seconds = Some(600.0);
            sessions.push(s);
        }
        let failures = HOSTILE
            .iter()
            .enumerate()
            .map(|(i, text)| Failure {
                computer: (*text).into(),
                time: time(i as i64),
                user: Some((*text).into()),
                domain: Some((*text).into()),
                user_sid: Some((*text).into()),
                logon_type: Some(3),
                logon_type_name: Some((*text).into()),
                status: Some((*text).into()),
                sub_status: Some((*text).into()),
                reason: Some((*text).into()),
                failure_reason: Some((*text).into()),
                source_ip: Some((*text).into()),
                source_port: Some(1),
                workstation: Some((*text).into()),
                process_name: Some((*text).into()),
                logon_process: Some((*text).into()),
                auth_package: Some((*text).into()),
                record_id: i as u64,
            })
            .collect();
        let warnings = HOSTILE
            .iter()
            .map(|text| Warning::new(WarningKind::LogCleared, text.to_string()))
            .collect();
        let files = HOSTILE
            .iter()
            .map(|text| FileSummary {
                name: text.to_string(),
                size: 1,
                records: 2,
                errors: vec![text.to_string()],
            })
            .collect();
        Report {
            files,
            sessions,
            failures,
            warnings,
        }
    }

    /// The tags of a page (outside its `<style>`), and its text between tags.
    fn tags_and_text(html: &str) -> (Vec<String>, String) {
        let start = html.find("<style>").unwrap() + "<style>".len();
        let end = html.find("</style>").unwrap();
        assert_eq!(html.matches("</style>").count(), 1, "one style element");
        let markup = format!("{}{}", &html[..start], &html[end..]);
        let mut tags = Vec::new();
        let mut text = String::new();
        let mut rest = markup.as_str();
        while let Some(open) = rest.find('<') {
            text.push_str(&rest[..open]);
            let close = rest[open..].find('>').unwrap() + open;
            let tag = &rest[open + 1..close];
            assert!(!tag.contains('<'), "a tag inside a tag: {tag}");
            tags.push(tag.to_string());
            rest = &rest[close + 1..];
        }
        text.push_str(rest);
        (tags, text)
    }

    /// The attribute names of a tag's text (`td class="num"`): names, then `="value"` with no
    /// quote inside (escaping guarantees that), or a bare name.
    fn attribute_names(tag: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut rest = tag.trim_end_matches('/').trim();
        rest = rest.split_once(char::is_whitespace).map_or("", |(_, r)| r);
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                return names;
            }
            let end = rest
                .find(|c: char| c == '=' || c.is_whitespace())
                .unwrap_or(rest.len());
            names.push(rest[..end].to_string());
            rest = &rest[end..];
            if let Some(value) = rest.strip_prefix('=') {
                let value = value
                    .strip_prefix('"')
                    .expect("attribute values are quoted");
                let close = value.find('"').expect("a closing quote");
                rest = &value[close + 1..];
            }
        }
    }

    fn assert_inert(html: &str) {
        assert!(!html.to_ascii_lowercase().contains("<script"), "script");
        assert!(!html.to_ascii_lowercase().contains("<img"), "img");
        let (tags, text) = tags_and_text(html);
        assert!(!text.contains('>'), "a raw > in text");
        const ALLOWED: [&str; 30] = [
            "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2",
            "h3", "p", "section", "table", "thead", "tbody", "tr", "th", "td", "div", "span", "br",
            "ul", "li", "svg", "rect", "line", "text", "title", "/",
        ];
        for tag in &tags {
            let name = tag
                .trim_start_matches('/')
                .split([' ', '\n'])
                .next()
                .unwrap();
            assert!(
                ALLOWED.contains(&name) || tag.starts_with('/'),
                "unexpected tag <{tag}>"
            );
            // Attributes: name="value" pairs, none of them an event handler or a reference.
            for attribute in attribute_names(tag) {
                let attribute = attribute.to_ascii_lowercase();
                assert!(!attribute.starts_with("on"), "event handler in <{tag}>");
                assert!(
                    !["href", "src", "srcset", "action", "xlink:href"]
                        .contains(&attribute.as_str()),
                    "reference in <{tag}>"
                );
            }
        }
        for c in html.chars() {
            assert!(
                !c.is_control() || c == '\n',
                "raw control character {c:?} in the page"
            );
            assert!(!super::super::is_bidi_control(c), "raw bidi control");
        }
    }

    #[test]
    fn escaping() {
        assert_eq!(
            escape_html("<a href=\"x\" onclick='y'>&</a>"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(
            escape_html("a\u{1b}[31m\tb\n"),
            "a\u{241b}[31m\u{2409}b\u{240a}"
        );
        assert_eq!(escape_html("x\u{202E}y\u{7f}"), "x[U+202E]y\u{2421}");
        assert_eq!(escape_html("Zoë"), "Zoë");
    }

    #[test]
    fn a_hostile_report_is_inert() {
        let report = hostile_report();
        let options = HtmlOptions {
            title: "<script>alert('title')</script>".into(),
            sessions: None,
            view_note: Some("Filtered: user contains <img src=x onerror=alert(4)>".into()),
        };
        let html = html_report(&report, &options);
        assert_inert(&html);
        // The data is there, shown, not dropped.
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
        assert!(html.contains("invoice[U+202E]fdp.exe"));
        assert!(html.contains("\u{241b}[31mred\u{2407}\u{2409}tab\u{240a}nl\u{240d}cr\u{2421}"));
        assert!(html.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;"));
        assert!(html.contains("Filtered: user contains &lt;img"));
    }

    #[test]
    fn the_page_forbids_script_and_the_network() {
        let html = html_report(&Report::default(), &HtmlOptions::default());
        let head = &html[..html.find("</head>").unwrap()];
        let csp = head.find("Content-Security-Policy").unwrap();
        assert!(csp < head.find("<title>").unwrap(), "CSP comes first");
        assert!(head.contains(&format!("content=\"{CONTENT_SECURITY_POLICY}\"")));
        assert!(!html.contains("http://") && !html.contains("https://"));
        assert!(!html.contains("url("), "no CSS reference");
        assert!(!html.contains("@import"));
        assert!(html.contains("@media print"));
        assert!(html.contains("thead { display: table-header-group; }"));
        assert!(html.contains("No session."));
        assert_inert(&html);
    }

    #[test]
    fn the_view_selects_the_sessions_listed() {
        let report = hostile_report();
        let options = HtmlOptions {
            sessions: Some(vec![6, 0, 99]),
            ..HtmlOptions::default()
        };
        let html = html_report(&report, &options);
        assert!(html.contains("Sessions (2)"));
        assert!(html.contains("2 of 8 sessions (the view)"));
        let sessions =
            &html[html.find("id=\"sessions\"").unwrap()..html.find("id=\"failures\"").unwrap()];
        let rows = sessions.matches("<tr>").count() - 1;
        assert_eq!(rows, 2);
        let rlo = sessions.find("invoice[U+202E]").unwrap();
        let img = sessions.find("&lt;img").unwrap();
        assert!(rlo < img, "in the view's order");
        assert_inert(&html);
    }

    #[test]
    fn tables_are_cut_and_say_so() {
        let mut sessions = Vec::new();
        let mut failures = Vec::new();
        for i in 0..(MAX_TABLE_ROWS + 7) {
            let mut s = Session::new("PC", format!("{i:#x}"));
            s.user = Some(format!("user{}", i % 3).into());
            s.start = Some(time(i as i64));
            sessions.push(s);
            failures.push(Failure {
                computer: "PC".into(),
                time: time(i as i64),
                user: None,
                domain: None,
                user_sid: None,
                logon_type: None,
                logon_type_name: None,
                status: None,
                sub_status: None,
                reason: None,
                failure_reason: None,
                source_ip: Some(format!("10.0.0.{}", i % 200).into()),
                source_port: None,
                workstation: None,
                process_name: None,
                logon_process: None,
                auth_package: None,
                record_id: i as u64,
            });
        }
        let report = Report {
            sessions,
            failures,
            ..Report::default()
        };
        let html = html_report(&report, &HtmlOptions::default());
        let note = "Showing the first 5,000 of 5,007; use the CSV export for all.";
        assert_eq!(html.matches(note).count(), 4, "above and below both tables");
        let body_rows = html.matches("<tr><td>PC</td>").count();
        assert_eq!(body_rows, 2 * MAX_TABLE_ROWS);
        assert!(html.contains("Top 10 of 200."));
        assert_inert(&html);
    }

    #[test]
    fn timeline_lanes_are_capped_and_the_rest_counted() {
        let mut sessions = Vec::new();
        // Account k has k + 1 sessions: the busiest are the last ones.
        for k in 0..50usize {
            for j in 0..=k {
                let mut s = Session::new("PC", format!("{:#x}", k * 100 + j));
                s.domain = Some("CORP".into());
                s.user = Some(format!("u{k:02}").into());
                s.logon_type = Some(if k % 2 == 0 { 3 } else { 10 });
                s.start = Some(time((k * 1000 + j * 10) as i64));
                s.end = Some(time((k * 1000 + j * 10 + 5) as i64));
                sessions.push(s);
            }
        }
        let report = Report {
            sessions,
            ..Report::default()
        };
        let html = html_report(&report, &HtmlOptions::default());
        let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
        let labels: Vec<&str> = svg
            .match_indices("</title>")
            .map(|(i, _)| &svg[i + 8..i + 8 + svg[i + 8..].find('<').unwrap()])
            .collect();
        assert_eq!(labels.len(), MAX_LANES);
        assert!(labels.contains(&"CORP\\u49"));
        assert!(labels.contains(&"CORP\\u10"));
        assert!(
            !labels.contains(&"CORP\\u09"),
            "a quiet account is left out"
        );
        assert_eq!(labels[0], "CORP\\u10", "lanes by first time");
        let left: usize = (1..=10).sum();
        assert!(
            html.contains(&format!(
                "The 40 busiest of 50 accounts are drawn; 10 accounts with {left} sessions are left out."
            )),
            "{}",
            &html[html.find("</svg>").unwrap()..]
        );
        assert!(html.contains("#1565c0") && html.contains("#e65100"));
        assert!(html.contains("3 Network") && html.contains("10 RemoteInteractive"));
        assert_inert(&html);
    }

    #[test]
    fn summary_counts_types_reasons_and_failing_accounts() {
        let report = hostile_report();
        let html = html_report(&report, &HtmlOptions::default());
        let summary =
            &html[html.find("id=\"summary\"").unwrap()..html.find("id=\"timeline\"").unwrap()];
        assert!(summary.contains("<td>Unlock</td>"));
        assert!(summary.contains("This workstation was unlocked."));
        assert!(summary.contains("<td>System</td>"));
        assert!(summary.contains("Most failing accounts"));
        assert!(summary.contains("The audit log was cleared 8 time(s)"));
        assert!(summary.contains("log_end"));
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(clock_duration(90_061.0), "1d 01:01:01");
    }
}
