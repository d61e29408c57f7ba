//! The command-line tool as a user runs it: formats, exit codes, messages naming bad files,
//! and `synth` writing a log whose report matches the expected JSON it writes beside it.

mod common;

use common::{logonscope, sample, scratch};
use logonscope_core::report::Report;
use logonscope_core::{analyze, scan_bytes};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("utf-8 stderr")
}

#[test]
fn json_is_the_report_of_the_library() {
    let path = sample("security-with-failures.evtx");
    let output = logonscope(&["sessions", "--format", "json", path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Report = serde_json::from_str(&stdout(&output)).expect("report JSON");
    let bytes = std::fs::read(&path).unwrap();
    let expected = analyze(vec![scan_bytes("security-with-failures.evtx", &bytes)]);
    assert_eq!(report, expected);
    assert_eq!(report.sessions.len(), 57);
}

#[test]
fn json_field_names_and_shapes_follow_sessions_md() {
    let path = sample("zerologon-log-cleared.evtx");
    let output = logonscope(&["sessions", "--format", "json", path.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["files", "sessions", "failures", "warnings"]);
    let session = &json["sessions"][0];
    for field in [
        "computer",
        "logon_id",
        "linked_logon_id",
        "user_sid",
        "user",
        "domain",
        "logon_type",
        "logon_type_name",
        "start",
        "end",
        "end_reason",
        "duration_seconds",
        "logon_events",
        "source_ip",
        "source_port",
        "workstation",
        "logon_process",
        "auth_package",
        "lm_package",
        "process_name",
        "elevated",
        "admin",
        "record_ids",
    ] {
        assert!(session.get(field).is_some(), "session field {field}");
    }
    let start = session["start"].as_str().unwrap();
    assert_eq!(start.len(), "2016-07-08T18:12:51.6816408Z".len(), "{start}");
    assert!(start.ends_with('Z'));
    assert!(session["logon_id"].as_str().unwrap().starts_with("0x"));
    assert!(session["logon_type"].is_u64());
    let file = &json["files"][0];
    assert_eq!(file["name"], "zerologon-log-cleared.evtx");
    assert_eq!(file["records"], 14);
    assert_eq!(file["errors"], serde_json::json!([]));
}

#[test]
fn a_foreign_file_alone_fails_with_its_name() {
    let path = sample("not-an-evtx.evtx");
    let output = logonscope(&["sessions", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("not-an-evtx.evtx: not an EVTX file"), "{err}");
    assert!(err.contains("no records could be read"), "{err}");
    assert!(stdout(&output).is_empty());
}

#[test]
fn a_missing_file_is_named() {
    let output = logonscope(&["sessions", "/nonexistent/Security.evtx"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("Security.evtx: could not be read"));
}

#[test]
fn an_empty_log_is_an_empty_report_not_a_failure() {
    let path = scratch("cli-empty").join("empty.evtx");
    let writer =
        logonscope_synth::evtx::EvtxWriter::new(std::fs::File::create(&path).unwrap()).unwrap();
    writer.finish().unwrap();
    let output = logonscope(&["sessions", path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("Sessions: 0\n"));
}

#[test]
fn bad_files_do_not_stop_good_ones() {
    let good = sample("zerologon-log-cleared.evtx");
    let foreign = sample("not-an-evtx.evtx");
    let cut = sample("truncated-header.evtx");
    let output = logonscope(&[
        "sessions",
        "--format",
        "json",
        foreign.to_str().unwrap(),
        good.to_str().unwrap(),
        cut.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("not-an-evtx.evtx: not an EVTX file"), "{err}");
    assert!(
        err.contains("truncated-header.evtx: not a complete EVTX file"),
        "{err}"
    );
    let report: Report = serde_json::from_str(&stdout(&output)).unwrap();
    let names: Vec<&str> = report.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "not-an-evtx.evtx",
            "zerologon-log-cleared.evtx",
            "truncated-header.evtx"
        ]
    );
    assert_eq!(report.files[0].errors.len(), 1);
    assert_eq!(report.files[1].errors.len(), 0);
    assert_eq!(report.sessions.len(), 3);
}

#[test]
fn csv_has_a_header_and_a_row_per_session() {
    let path = sample("security-with-failures.evtx");
    let output = logonscope(&["sessions", "--format", "csv", path.to_str().unwrap()]);
    assert!(output.status.success());
    let text = stdout(&output);
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 58);
    assert!(lines[0].starts_with("computer,logon_id,linked_logon_id,user_sid,domain,user,"));
}

#[test]
fn table_is_readable() {
    let path = sample("rdp-hijack-4778-4779.evtx");
    let output = logonscope(&["sessions", path.to_str().unwrap()]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.starts_with("Sessions: 0\n"), "{text}");
    let path = sample("zerologon-log-cleared.evtx");
    let text = stdout(&logonscope(&["sessions", path.to_str().unwrap()]));
    assert!(text.starts_with("Sessions: 3\nCOMPUTER"), "{text}");
    assert!(
        text.contains("Warnings: 1\n- The audit log of dc1.test.local was cleared"),
        "{text}"
    );
}

#[test]
fn synth_writes_a_log_and_its_expected_report() {
    let dir = scratch("cli-synth");
    let log = dir.join("demo.evtx");
    let output = logonscope(&[
        "synth",
        "--out",
        log.to_str().unwrap(),
        "--sessions",
        "300",
        "--computers",
        "3",
        "--seed",
        "9",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let expected: Report = serde_json::from_str(
        &std::fs::read_to_string(dir.join("demo.evtx.expected.json")).unwrap(),
    )
    .unwrap();
    let output = logonscope(&["sessions", "--format", "json", log.to_str().unwrap()]);
    let report: Report = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report, expected);
    assert!(report.sessions.len() > 300);
    let computers: std::collections::BTreeSet<&str> = report
        .sessions
        .iter()
        .map(|s| s.computer.as_str())
        .collect();
    assert_eq!(computers.len(), 3);
}

#[test]
fn hostile_strings_are_inert_in_table_and_csv() {
    let dir = scratch("cli-hostile");
    let log = dir.join("hostile.evtx");
    logonscope(&[
        "synth",
        "--out",
        log.to_str().unwrap(),
        "--sessions",
        "2000",
        "--seed",
        "3",
    ]);
    let report: Report = serde_json::from_str(
        &std::fs::read_to_string(dir.join("hostile.evtx.expected.json")).unwrap(),
    )
    .unwrap();
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.user.as_deref().is_some_and(|u| u.contains('\u{1b}'))),
        "the synthetic log has a user name with an escape character"
    );
    let table = stdout(&logonscope(&["sessions", log.to_str().unwrap()]));
    assert!(
        !table.contains('\u{1b}'),
        "raw escape character in the table"
    );
    assert!(table.contains("evil\\u{1b}[2J"), "escaped form shown");
}
