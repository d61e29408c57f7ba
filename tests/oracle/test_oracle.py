#!/usr/bin/env python3
"""Self-test of the oracle's rule engine (no pytest needed).

    python3 tests/oracle/test_oracle.py

Feeds small hand-built event sequences (plain dicts, no EVTX) to sessions.reconstruct() and
checks the sessions, failures and warnings against SESSIONS.md and the README decisions.
The last line printed is `N passed, N failed`; the exit status is 1 if any test failed.
"""

from __future__ import annotations

import os
import sys
import traceback

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sessions as oracle  # noqa: E402

SECURITY = "Microsoft-Windows-Security-Auditing"
EVENTLOG = "Microsoft-Windows-Eventlog"
T0 = oracle.iso_to_ticks("2024-01-01T08:00:00Z")
SECOND = oracle.TICKS_PER_SECOND
ALICE = "S-1-5-21-1-2-3-1001"
BOB = "S-1-5-21-1-2-3-1002"


def ev(event_id, seconds, record_id, computer="PC01", provider=None, channel="Security", **data):
    """One event at T0 + `seconds`."""
    if provider is None:
        provider = EVENTLOG if event_id in (1100, 1102) else SECURITY
    return {
        "provider": provider,
        "event_id": event_id,
        "computer": computer,
        "channel": channel,
        "record_id": record_id,
        "time": T0 + int(seconds * SECOND),
        "data": {k: str(v) for k, v in data.items()},
    }


def logon(seconds, record_id, logon_id="0x1000", sid=ALICE, user="alice", logon_type=2, **extra):
    fields = dict(TargetUserSid=sid, TargetUserName=user, TargetDomainName="CORP",
                  TargetLogonId=logon_id, LogonType=logon_type)
    fields.update(extra)
    return ev(4624, seconds, record_id, **fields)


def logoff(seconds, record_id, logon_id="0x1000", sid=ALICE, user="alice", logon_type=2, **kw):
    return ev(4634, seconds, record_id, TargetUserSid=sid, TargetUserName=user,
              TargetDomainName="CORP", TargetLogonId=logon_id, LogonType=logon_type, **kw)


def user_logoff(seconds, record_id, logon_id="0x1000", sid=ALICE, user="alice", **kw):
    return ev(4647, seconds, record_id, TargetUserSid=sid, TargetUserName=user,
              TargetDomainName="CORP", TargetLogonId=logon_id, **kw)


def at(seconds):
    return oracle.ticks_to_iso(T0 + int(seconds * SECOND))


def run(events):
    return oracle.reconstruct(events)


def only_session(events):
    report = run(events)
    assert len(report["sessions"]) == 1, "expected one session, got %d" % len(report["sessions"])
    return report["sessions"][0]


def check(session, **expected):
    for field, value in expected.items():
        assert session[field] == value, "%s: expected %r, got %r" % (field, value, session[field])


TESTS = []


def test(function):
    TESTS.append(function)
    return function


# --- normalisation --------------------------------------------------------------------------


@test
def time_round_trip_keeps_100ns():
    ticks = oracle.iso_to_ticks("2016-07-08T18:12:51.6816408Z")
    assert oracle.ticks_to_iso(ticks) == "2016-07-08T18:12:51.6816408Z"
    assert oracle.iso_to_ticks("2021-05-03T08:58:25.921033600Z") == oracle.iso_to_ticks(
        "2021-05-03T08:58:25.9210336Z")
    assert oracle.ticks_to_iso(oracle.iso_to_ticks("2021-05-03T08:58:25Z")) == \
        "2021-05-03T08:58:25.0000000Z"


@test
def logon_ids_parse_in_any_rendering():
    for text in ("0x3E7", "0x3e7", "0x00000000000003e7", "999"):
        assert oracle.parse_int(text) == 999, text
    assert oracle.hex_id(999) == "0x3e7"
    assert oracle.status_hex("0xC000006D") == "0xc000006d"
    assert oracle.status_hex("0x0") == "0x00000000"


@test
def logon_ids_of_different_renderings_are_one_session():
    session = only_session([
        logon(0, 1, logon_id="0x3E7"),
        logon(1, 2, logon_id="0x00000000000003e7"),
        logon(2, 3, logon_id="999"),
    ])
    check(session, logon_id="0x3e7", logon_events=3, record_ids=[1, 2, 3])


@test
def empty_values_are_null_and_blanks_are_kept():
    session = only_session([logon(0, 1, IpAddress="-", IpPort="-", WorkstationName="",
                                  LogonProcessName="User32 ", AuthenticationPackageName="Negotiate",
                                  LmPackageName="-", ProcessName="-")])
    check(session, source_ip=None, source_port=None, workstation=None, logon_process="User32 ",
          auth_package="Negotiate", lm_package=None, process_name=None)
    session = only_session([logon(0, 1, IpAddress="10.0.0.5", IpPort="50123")])
    check(session, source_ip="10.0.0.5", source_port=50123)


@test
def logon_type_names():
    names = {0: "System", 2: "Interactive", 3: "Network", 4: "Batch", 5: "Service", 7: "Unlock",
             8: "NetworkCleartext", 9: "NewCredentials", 10: "RemoteInteractive",
             11: "CachedInteractive", 12: "12", None: None}
    for number, name in names.items():
        assert oracle.logon_type_name(number) == name, number


# --- rule 1 ---------------------------------------------------------------------------------


@test
def rule1_logon_opens_a_session_with_fields_of_the_4624():
    session = only_session([logon(0, 10, logon_type=10, IpAddress="10.0.0.9", IpPort="3389",
                                  WorkstationName="LAPTOP", ProcessName="C:\\x.exe")])
    check(session, computer="PC01", logon_id="0x1000", user_sid=ALICE, user="alice", domain="CORP",
          logon_type=10, logon_type_name="RemoteInteractive", start=at(0), end=None,
          end_reason="log_end", duration_seconds=None, logon_events=1, record_ids=[10],
          admin=False, elevated=None, linked_logon_id=None, user_logoff_time=None,
          source_ip="10.0.0.9", source_port=3389, workstation="LAPTOP", process_name="C:\\x.exe")


@test
def rule1_repeat_logon_same_sid_adds_to_the_open_session():
    session = only_session([
        logon(0, 1, logon_id="0x3e7", sid="S-1-5-18", user="SYSTEM", logon_type=5),
        logon(5, 2, logon_id="0x3e7", sid="S-1-5-18", user="OTHERNAME", logon_type=3),
        logon(9, 3, logon_id="0x3e7", sid="S-1-5-18", user="SYSTEM", logon_type=5),
    ])
    # fields stay those of the first 4624
    check(session, logon_events=3, record_ids=[1, 2, 3], start=at(0), user="SYSTEM",
          logon_type=5, end_reason="log_end")


@test
def rule1_other_sid_supersedes():
    report = run([logon(0, 1, sid=ALICE), logon(5, 2, sid=BOB, user="bob")])
    first, second = report["sessions"]
    check(first, user="alice", start=at(0), end=None, end_reason="superseded",
          duration_seconds=None, record_ids=[1])
    check(second, user="bob", start=at(5), end=None, end_reason="log_end", record_ids=[2])


@test
def rule1_logon_onto_an_orphan_supersedes_it_even_with_the_same_sid():
    report = run([user_logoff(0, 1), logon(5, 2)])
    orphan, fresh = report["sessions"]
    check(orphan, start=None, end=None, end_reason="superseded", user_logoff_time=at(0),
          record_ids=[1], logon_events=0)
    check(fresh, start=at(5), end_reason="log_end", logon_events=1, record_ids=[2])


@test
def rule1_superseded_session_with_a_4647_stays_superseded():
    report = run([logon(0, 1), user_logoff(3, 2), logon(5, 3, sid=BOB, user="bob")])
    first = report["sessions"][0]
    check(first, end=None, end_reason="superseded", user_logoff_time=at(3), record_ids=[1, 2])


# --- rules 2 and 3 --------------------------------------------------------------------------


@test
def rule3_logoff_closes():
    session = only_session([logon(0, 1), logoff(90.5, 2)])
    check(session, end=at(90.5), end_reason="logoff", duration_seconds=90.5, record_ids=[1, 2])


@test
def rule2_user_logoff_marks_then_logoff_closes():
    session = only_session([logon(0, 1), user_logoff(50, 2), user_logoff(55, 3), logoff(60, 4)])
    check(session, user_logoff_time=at(50), end=at(60), end_reason="user_logoff",
          duration_seconds=60.0, record_ids=[1, 2, 3, 4])


@test
def rule3_after_logoff_the_id_can_open_again():
    report = run([logon(0, 1), logoff(10, 2), logon(20, 3)])
    first, second = report["sessions"]
    check(first, end_reason="logoff", record_ids=[1, 2])
    check(second, start=at(20), end_reason="log_end", logon_events=1)


# --- rule 4 ---------------------------------------------------------------------------------


@test
def rule4_orphan_4634():
    session = only_session([logoff(10, 7, logon_id="0xabc", sid=BOB, user="bob", logon_type=3)])
    check(session, logon_id="0xabc", start=None, end=at(10), end_reason="logoff",
          duration_seconds=None, user_sid=BOB, user="bob", domain="CORP", logon_type=3,
          logon_type_name="Network", logon_events=0, record_ids=[7], source_ip=None)


@test
def rule4_orphan_4647_has_no_logon_type_and_ends_at_its_4647():
    session = only_session([user_logoff(10, 7)])
    check(session, start=None, logon_type=None, logon_type_name=None, user="alice",
          user_logoff_time=at(10), end=at(10), end_reason="user_logoff", duration_seconds=None)


@test
def rule4_orphan_4647_then_4634():
    session = only_session([user_logoff(10, 7), logoff(12, 8)])
    check(session, start=None, logon_type=None, end=at(12), end_reason="user_logoff",
          record_ids=[7, 8])


@test
def rule4_two_orphans_of_one_id():
    report = run([logoff(10, 1), logoff(20, 2)])
    assert [s["end"] for s in report["sessions"]] == [at(10), at(20)]


# --- rule 5 ---------------------------------------------------------------------------------


@test
def rule5_boundaries_close_every_open_session_of_the_computer():
    for event_id, reason in ((4608, "startup"), (4609, "shutdown"), (1100, "shutdown")):
        report = run([
            logon(0, 1, logon_id="0x10"),
            logon(1, 2, logon_id="0x20", sid=BOB, user="bob"),
            user_logoff(2, 3, logon_id="0x20", sid=BOB, user="bob"),
            logon(3, 4, logon_id="0x30", computer="OTHER"),
            ev(event_id, 10, 5),
        ])
        by_id = {(s["computer"], s["logon_id"]): s for s in report["sessions"]}
        check(by_id[("PC01", "0x10")], end=at(10), end_reason=reason, duration_seconds=10.0,
              record_ids=[1])
        check(by_id[("PC01", "0x20")], end=at(2), end_reason="user_logoff", duration_seconds=1.0)
        check(by_id[("OTHER", "0x30")], end=None, end_reason="log_end")


@test
def rule5_after_a_boundary_the_same_id_opens_a_new_session():
    report = run([logon(0, 1), ev(4608, 10, 2), logon(20, 3), ev(4609, 30, 4)])
    first, second = report["sessions"]
    check(first, end=at(10), end_reason="startup")
    check(second, start=at(20), end=at(30), end_reason="shutdown", logon_events=1)


# --- rule 6 and 7 ---------------------------------------------------------------------------


@test
def rule6_end_of_input():
    report = run([logon(0, 1, logon_id="0x1"), logon(1, 2, logon_id="0x2"),
                  user_logoff(4, 3, logon_id="0x2")])
    first, second = report["sessions"]
    check(first, end=None, end_reason="log_end", duration_seconds=None)
    check(second, end=at(4), end_reason="user_logoff", duration_seconds=3.0)


@test
def rule7_duration_has_100ns_precision():
    events = [logon(0, 1), logoff(0, 2)]
    events[1]["time"] += 1234567  # 0.1234567 s
    session = only_session(events)
    assert session["duration_seconds"] == 0.1234567, session["duration_seconds"]


# --- attached events ------------------------------------------------------------------------


@test
def attached_events_attach_to_the_open_session():
    session = only_session([
        logon(0, 1, logon_id="0x500"),
        ev(4672, 0, 2, SubjectLogonId="0x500", SubjectUserName="alice"),
        ev(4648, 5, 3, SubjectLogonId="0x0000000000000500", TargetUserName="admin",
           TargetDomainName="CORP", TargetServerName="srv01", TargetInfo="srv01",
           ProcessName="C:\\Windows\\System32\\runas.exe", IpAddress="-"),
        ev(4779, 6, 4, LogonID="0x500", SessionName="RDP-Tcp#1", ClientName="LAPTOP",
           ClientAddress="10.0.0.9"),
        ev(4778, 7, 5, LogonID="0x500", SessionName="RDP-Tcp#2", ClientName="LAPTOP",
           ClientAddress="10.0.0.9"),
        ev(4800, 8, 6, TargetLogonId="0x500"),
        ev(4801, 9, 7, TargetLogonId="0x500"),
        logoff(10, 8, logon_id="0x500"),
        ev(4672, 11, 9, SubjectLogonId="0x500"),  # after the logoff: attaches nowhere
    ])
    check(session, admin=True, start=at(0), end=at(10), record_ids=[1, 2, 3, 4, 5, 6, 7, 8])
    check(session, explicit_credentials=[{
        "time": at(5), "record_id": 3, "target_user": "admin", "target_domain": "CORP",
        "target_server": "srv01", "target_info": "srv01",
        "process_name": "C:\\Windows\\System32\\runas.exe", "source_ip": None}])
    check(session, rdp_events=[
        {"time": at(6), "record_id": 4, "action": "disconnect", "session_name": "RDP-Tcp#1",
         "client_name": "LAPTOP", "client_address": "10.0.0.9"},
        {"time": at(7), "record_id": 5, "action": "reconnect", "session_name": "RDP-Tcp#2",
         "client_name": "LAPTOP", "client_address": "10.0.0.9"}])
    check(session, lock_events=[{"time": at(8), "record_id": 6, "action": "lock"},
                                {"time": at(9), "record_id": 7, "action": "unlock"}])


@test
def attached_event_without_open_session_makes_nothing():
    report = run([ev(4672, 0, 1, SubjectLogonId="0x500"), ev(4779, 1, 2, LogonID="0x500"),
                  ev(4800, 2, 3, TargetLogonId="0x500")])
    assert report["sessions"] == []


@test
def version2_fields_linked_logon_id_and_elevated():
    report = run([
        logon(0, 1, logon_id="0x100", TargetLinkedLogonId="0x101", ElevatedToken="%%1842"),
        logon(0, 2, logon_id="0x101", TargetLinkedLogonId="0x100", ElevatedToken="%%1843"),
        logon(1, 3, logon_id="0x102", TargetLinkedLogonId="0x0", ElevatedToken="%%1842"),
    ])
    a, b, c = report["sessions"]
    check(a, linked_logon_id="0x101", elevated=True)
    check(b, linked_logon_id="0x100", elevated=False)
    check(c, linked_logon_id=None, elevated=True)


# --- what counts, and in which order -------------------------------------------------------


@test
def only_the_named_providers_count():
    report = run([
        logon(0, 1),
        ev(4634, 1, 2, provider="SomeApp", TargetLogonId="0x1000"),
        ev(4625, 2, 3, provider="SomeApp", Status="0xc000006d"),
        ev(1100, 3, 4, provider=SECURITY),
        ev(4608, 4, 5, provider=EVENTLOG),
        ev(1102, 5, 6, provider=SECURITY, SubjectUserName="x"),
    ])
    assert report["failures"] == [] and report["warnings"] == []
    check(report["sessions"][0], end=None, end_reason="log_end", record_ids=[1])


@test
def duplicates_count_once():
    first = logon(0, 1)
    copy = dict(first, data=dict(first["data"]), file="copy.evtx")
    session = only_session([first, copy, logoff(5, 2), logoff(5, 2)])
    check(session, logon_events=1, record_ids=[1, 2], end_reason="logoff")


@test
def same_record_id_in_another_channel_is_not_a_duplicate():
    session = only_session([logon(0, 1), dict(logon(1, 1), channel="ForwardedEvents")])
    check(session, logon_events=2)


@test
def events_are_processed_in_time_then_record_id_order():
    # given out of order: the logoff is read first
    session = only_session([logoff(10, 3), logon(0, 2)])
    check(session, start=at(0), end=at(10), end_reason="logoff", record_ids=[2, 3])
    # same time: record id decides (a 4634 with the lower record id comes first: an orphan)
    report = run([logon(5, 8), logoff(5, 7)])
    assert [s["end_reason"] for s in report["sessions"]] == ["logoff", "log_end"]


@test
def computers_are_separate():
    report = run([logon(0, 1, computer="B"), logon(0, 1, computer="A"), logoff(5, 2, computer="A")])
    a, b = report["sessions"]
    check(a, computer="A", end_reason="logoff")
    check(b, computer="B", end_reason="log_end")


@test
def sessions_are_ordered_by_computer_start_null_first_logon_id():
    report = run([
        logon(5, 1, logon_id="0x10", computer="B"),
        logon(5, 2, logon_id="0x9", computer="B"),
        logoff(9, 3, logon_id="0xff", computer="B"),
        logon(1, 4, logon_id="0x20", computer="B"),
        logon(9, 5, logon_id="0x1", computer="A"),
    ])
    order = [(s["computer"], s["logon_id"]) for s in report["sessions"]]
    assert order == [("A", "0x1"), ("B", "0xff"), ("B", "0x20"), ("B", "0x9"), ("B", "0x10")], order


# --- failures and warnings ------------------------------------------------------------------


@test
def failures_are_listed_and_never_sessions():
    report = run([
        ev(4625, 5, 2, TargetUserName="bob", TargetDomainName="CORP", TargetUserSid="S-1-0-0",
           LogonType="3", Status="0xC000006D", SubStatus="0xC000006A", IpAddress="10.0.0.7",
           IpPort="445", WorkstationName="-", ProcessName="-", LogonProcessName="NtLmSsp ",
           AuthenticationPackageName="NTLM"),
        ev(4625, 1, 9, TargetUserName="eve", LogonType="10", Status="0xc000015b",
           SubStatus="0x0"),
    ])
    assert report["sessions"] == []
    first, second = report["failures"]
    check(first, user="eve", time=at(1), record_id=9, status="0xc000015b",
          sub_status="0x00000000", logon_type=10, logon_type_name="RemoteInteractive")
    check(second, computer="PC01", time=at(5), user="bob", domain="CORP", user_sid="S-1-0-0",
          logon_type=3, logon_type_name="Network", status="0xc000006d", sub_status="0xc000006a",
          source_ip="10.0.0.7", source_port=445, workstation=None, process_name=None,
          logon_process="NtLmSsp ", auth_package="NTLM", record_id=2)


@test
def log_cleared_warning():
    event = ev(1102, 3, 77, SubjectUserName="Administrator", SubjectDomainName="CORP")
    event["file"] = "Security.evtx"
    report = run([logon(0, 1), event])
    (warning,) = report["warnings"]
    check(warning, kind="log_cleared", file="Security.evtx", computer="PC01", time=at(3),
          record_id=77, user="Administrator", domain="CORP", count=None, offset=None)
    check(report["sessions"][0], end_reason="log_end")  # a 1102 is not a boundary


def main() -> int:
    passed = failed = 0
    for function in TESTS:
        try:
            function()
        except Exception:
            failed += 1
            print("FAIL %s" % function.__name__)
            traceback.print_exc()
        else:
            passed += 1
            print("ok   %s" % function.__name__)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
