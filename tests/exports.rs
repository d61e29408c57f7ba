//! Every export of `logonscope sessions` (CSV of sessions and of failures, NDJSON, HTML) over
//! real sample logs, a synthetic log and the hostile log: the rows and lines match the report,
//! CSV parses back (with an RFC 4180 parser written here) into one header row and the expected
//! columns, and the hostile strings stay inert in every one of them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{logonscope, rust_evtx_dump, sample, scratch};
use logonscope_core::export::csv::{FAILURE_COLUMNS, SESSION_COLUMNS};
use logonscope_core::export::html::MAX_TABLE_ROWS;
use logonscope_core::report::Report;
use logonscope_synth::hostile::{HOSTILE_STRINGS, IMG_ONERROR, SCRIPT};
use logonscope_synth::{SynthOptions, write_log};
use serde_json::Value;

fn run(args: &[&str]) -> String {
    let output = logonscope(args);
    assert!(
        output.status.success(),
        "logonscope {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

fn export(format: &str, files: &[&Path]) -> String {
    let mut args = vec!["sessions", "--format", format];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    run(&args)
}

/// A strict RFC 4180 parser: records end with CRLF, fields are separated by commas, a quoted
/// field may hold commas, CR, LF and doubled quotes. Anything else (a bare CR or LF outside
/// quotes, a quote inside an unquoted field, text after a closing quote) fails the test.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if at_field_start => {
                at_field_start = false;
                loop {
                    match chars.next().expect("a closing quote") {
                        '"' if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        '"' => break,
                        c => field.push(c),
                    }
                }
                assert!(
                    matches!(chars.peek(), Some(',') | Some('\r') | None),
                    "text after a closing quote in {field:?}"
                );
            }
            '"' => panic!("a quote inside an unquoted field: {field:?}"),
            ',' => {
                record.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "a bare CR ends no record");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                at_field_start = true;
            }
            '\n' => panic!("a bare LF after {field:?}"),
            c => {
                at_field_start = false;
                field.push(c);
            }
        }
    }
    assert!(
        field.is_empty() && record.is_empty(),
        "the last record has no CRLF"
    );
    records
}

/// Parses a CSV export and checks its shape: one header row equal to `columns`, then `rows`
/// records of the same width. Returns the data records.
fn csv_rows(text: &str, columns: &[&str], rows: usize) -> Vec<Vec<String>> {
    let mut records = parse_csv(text);
    assert_eq!(records.len(), rows + 1, "one header row and a row per item");
    let header = records.remove(0);
    assert_eq!(header, columns);
    for record in &records {
        assert_eq!(record.len(), columns.len(), "{record:?}");
        assert_ne!(record, &header, "the header appears once");
    }
    records
}

fn ndjson_lines(text: &str) -> Vec<Value> {
    assert!(text.is_empty() || text.ends_with('\n'));
    text.lines()
        .map(|line| serde_json::from_str(line).expect("every line is one JSON object"))
        .collect()
}

/// The rows of one table of the HTML report (`<section id=...>`), header row excluded.
fn html_rows(html: &str, section: &str) -> usize {
    let start = html
        .find(&format!("<section id=\"{section}\">"))
        .expect("the section");
    let end = start + html[start..].find("</section>").unwrap();
    html[start..end].matches("<tr>").count().saturating_sub(1)
}

/// Checks every export of `files` against their JSON report.
fn check_exports(files: &[&Path]) -> Report {
    let report: Report = serde_json::from_str(&export("json", files)).expect("report JSON");
    let (sessions, failures) = (report.sessions.len(), report.failures.len());

    let rows = csv_rows(&export("csv", files), &SESSION_COLUMNS, sessions);
    for (row, session) in rows.iter().zip(&report.sessions) {
        assert_eq!(row[1], session.logon_id);
        assert_eq!(
            row[8],
            session.start.map(|t| t.to_string()).unwrap_or_default()
        );
        assert_eq!(row[11], session.end_reason.as_str());
    }
    let rows = csv_rows(&export("failures-csv", files), &FAILURE_COLUMNS, failures);
    for (row, failure) in rows.iter().zip(&report.failures) {
        assert_eq!(row[1], failure.time.to_string());
        assert_eq!(row[17], failure.record_id.to_string());
    }

    let lines = ndjson_lines(&export("ndjson", files));
    assert_eq!(lines.len(), sessions + failures);
    for (line, session) in lines.iter().zip(&report.sessions) {
        assert_eq!(line["event"]["code"], "4624");
        assert_eq!(line["winlog"]["logon"]["id"], session.logon_id.as_str());
        assert_eq!(line["host"]["name"], session.computer.as_str());
        let stamp = session.start.or(session.end).map(|t| t.to_string());
        assert_eq!(line["@timestamp"].as_str(), stamp.as_deref());
    }
    for (line, failure) in lines[sessions..].iter().zip(&report.failures) {
        assert_eq!(line["event"]["code"], "4625");
        assert_eq!(line["event"]["outcome"], "failure");
        assert_eq!(line["@timestamp"], failure.time.to_string());
        assert_eq!(line["winlog"]["record_id"], failure.record_id.to_string());
    }

    let html = export("html", files);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html_rows(&html, "sessions"), sessions.min(MAX_TABLE_ROWS));
    assert_eq!(html_rows(&html, "failures"), failures.min(MAX_TABLE_ROWS));
    if sessions < 1000 {
        assert!(html.contains(&format!("<h2>Sessions ({sessions})</h2>")));
    }
    for file in &report.files {
        assert!(html.contains(&format!("<td>{}</td>", file.name)));
    }
    report
}

#[test]
fn exports_of_sample_logs_match_their_reports() {
    for names in [
        &["security-with-failures.evtx"][..],
        &["security-workstation.evtx"],
        &["smb-password-guessing.evtx"],
        &["multi-computer-sharphound.evtx"],
        &[
            "zerologon-log-cleared.evtx",
            "runas-explicit-credentials.evtx",
        ],
        &["rdp-hijack-4778-4779.evtx"],
    ] {
        let paths: Vec<PathBuf> = names.iter().map(|n| sample(n)).collect();
        let paths: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        let report = check_exports(&paths);
        assert_eq!(report.files.len(), names.len());
    }
}

#[test]
fn exports_of_a_synthetic_log_match_its_report() {
    let path = scratch("exports-synthetic").join("synthetic.evtx");
    let options = SynthOptions {
        sessions: 600,
        computers: 3,
        seed: 41,
    };
    let file = std::fs::File::create(&path).unwrap();
    let (_, expected) = write_log("synthetic.evtx", file, &options, |_| {}).unwrap();
    let report = check_exports(&[&path]);
    assert_eq!(report.files, expected.files);
    assert_eq!(report.sessions.len(), expected.sessions.len());
    for (actual, expected) in report.sessions.iter().zip(&expected.sessions) {
        assert_eq!(actual, expected);
    }
    assert_eq!(report.failures, expected.failures);
    assert_eq!(report.warnings, expected.warnings);
    assert_eq!(report, expected);
    assert!(report.sessions.len() > 600 && !report.failures.is_empty());
}

/// `logonscope synth --hostile` into a scratch folder: the log's path and its expected report.
fn hostile(test: &str) -> (PathBuf, Report) {
    let dir = scratch(test);
    let log = dir.join("hostile.evtx");
    run(&["synth", "--hostile", "--out", log.to_str().unwrap()]);
    let expected = std::fs::read_to_string(dir.join("hostile.evtx.expected.json")).unwrap();
    (log, serde_json::from_str(&expected).unwrap())
}

#[test]
fn the_hostile_log_parses_to_its_expected_report() {
    let (log, expected) = hostile("exports-hostile-report");
    let report: Report = serde_json::from_str(&export("json", &[&log])).unwrap();
    assert_eq!(report, expected);
    assert!(report.files[0].errors.is_empty());
    assert_eq!(report.sessions.len(), 5);
    assert_eq!(report.failures.len(), 3);
    let json = serde_json::to_string(&report).unwrap();
    for hostile in HOSTILE_STRINGS {
        let encoded = serde_json::to_string(hostile).unwrap();
        assert!(json.contains(encoded.trim_matches('"')), "{hostile:?}");
    }
}

#[test]
fn the_hostile_log_reads_cleanly_in_evtx_dump_and_python_evtx() {
    let (log, expected) = hostile("exports-hostile-parsers");
    let records = expected.files[0].records;
    let output = Command::new(rust_evtx_dump())
        .args(["--validate-checksums", "-o", "jsonl"])
        .arg(&log)
        .output()
        .expect("evtx_dump is installed (scripts/setup installs it)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.trim().is_empty(),
        "{stderr}"
    );
    let lines = ndjson_lines(&String::from_utf8(output.stdout).unwrap());
    assert_eq!(lines.len() as u64, records);
    let names: Vec<&str> = lines
        .iter()
        .filter_map(|r| r["Event"]["EventData"]["TargetUserName"].as_str())
        .collect();
    for hostile in HOSTILE_STRINGS
        .iter()
        .filter(|h| h.starts_with(['<', '"', '@']))
    {
        assert!(names.contains(hostile), "{hostile:?} not in {names:?}");
    }

    let script = r#"
import sys
import xml.etree.ElementTree as ET
import Evtx.Evtx as evtx
ns = "{http://schemas.microsoft.com/win/2004/08/events/event}"
count = 0
names = []
with evtx.Evtx(sys.argv[1]) as log:
    for chunk in log.chunks():
        assert chunk.calculate_header_checksum() == chunk.header_checksum(), "chunk header CRC"
        assert chunk.calculate_data_checksum() == chunk.data_checksum(), "chunk data CRC"
    for record in log.records():
        root = ET.fromstring(record.xml())
        for data in root.iter(ns + "Data"):
            if data.get("Name") == "TargetUserName":
                names.append(data.text or "")
        count += 1
print(count)
for name in names:
    print(repr(name))
"#;
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&log)
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.trim().is_empty(),
        "{stderr}"
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut out = stdout.lines();
    assert_eq!(out.next().unwrap().parse::<u64>().unwrap(), records);
    let names: Vec<&str> = out.collect();
    assert!(
        names.contains(&format!("'{IMG_ONERROR}'").as_str()),
        "{names:?}"
    );
    assert!(names.contains(&format!("'{SCRIPT}'").as_str()), "{names:?}");
}

/// Whether a CSV cell would be a formula in a spreadsheet.
fn is_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

#[test]
fn every_export_of_the_hostile_log_is_inert() {
    let (log, report) = hostile("exports-hostile-inert");

    for (format, columns, rows) in [
        ("csv", &SESSION_COLUMNS[..], report.sessions.len()),
        ("failures-csv", &FAILURE_COLUMNS[..], report.failures.len()),
    ] {
        let text = export(format, &[&log]);
        for c in text.chars() {
            assert!(
                !c.is_control() || c == '\r' || c == '\n',
                "raw control {c:?} in {format}"
            );
            assert!(
                !('\u{202a}'..='\u{202e}').contains(&c),
                "raw bidi in {format}"
            );
        }
        assert_eq!(
            text.matches("\r\n").count(),
            rows + 1,
            "{format}: CRLF only between records"
        );
        for row in csv_rows(&text, columns, rows) {
            for cell in row {
                assert!(!is_formula(&cell), "{format}: formula cell {cell:?}");
            }
        }
        assert!(text.contains("'=HYPERLINK(\"\"http://example.invalid/x\"\",\"\"click\"\")"));
    }

    let lines = ndjson_lines(&export("ndjson", &[&log]));
    assert_eq!(lines.len(), 8);
    let names: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["user"]["name"].as_str())
        .collect();
    let expected: Vec<&str> = report
        .sessions
        .iter()
        .map(|s| s.user.as_deref())
        .chain(report.failures.iter().map(|f| f.user.as_deref()))
        .flatten()
        .collect();
    assert_eq!(names, expected, "names survive JSON escaping exactly");

    let html = export("html", &[&log]);
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"));
    assert!(!lower.contains("<img"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
    // No tag carries an event handler: `onerror=` only ever appears in escaped text.
    let mut rest = html.as_str();
    while let Some(open) = rest.find('<') {
        let close = open + rest[open..].find('>').unwrap();
        let tag = &rest[open + 1..close];
        // Attribute values are quoted and hold no quote: drop them, then look at the names.
        let names: String = tag.split('"').step_by(2).collect::<Vec<_>>().join(" ");
        for name in names.split([' ', '=', '\n']).skip(1) {
            assert!(!name.to_ascii_lowercase().starts_with("on"), "<{tag}>");
        }
        rest = &rest[close..];
    }
    for c in html.chars() {
        assert!(!c.is_control() || c == '\n', "raw control {c:?} in HTML");
        assert!(!('\u{202a}'..='\u{202e}').contains(&c), "raw bidi in HTML");
    }
    assert!(html.contains("invoice[U+202E]fdp.exe"));
    assert!(html.contains("\u{241b}[31mred\u{2407}bell\u{2409}tab\u{240a}newline\u{240d}cr"));

    let table = export("table", &[&log]);
    assert!(!table.contains('\u{1b}') && !table.contains('\u{202e}'));
    assert!(table.contains("invoice\\u{202e}fdp.exe"));
}

#[test]
fn synth_hostile_takes_no_simulation_options() {
    let dir = scratch("exports-hostile-options");
    let log = dir.join("h.evtx");
    let output = logonscope(&[
        "synth",
        "--hostile",
        "--sessions",
        "5",
        "--out",
        log.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let output = logonscope(&["synth", "--out", log.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "--sessions is required");
    assert!(!log.exists());
}
