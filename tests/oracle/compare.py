#!/usr/bin/env python3
"""Compare logonscope's report with the oracle's, field by field.

    python3 tests/oracle/compare.py RUST_REPORT.json ORACLE_REPORT.json [--max N] [--ignore FIELD]...

Compares `sessions`, `failures` and the `log_cleared` warnings. Ignored everywhere: the text
fields `reason`, `failure_reason`, `impersonation_level` and `message` (the oracle writes them
as null or in its own words); `--ignore FIELD` ignores more. `files` and the other warning
kinds are not compared.

Items are paired by identity (sessions: computer, logon_id, start, first record id; failures
and warnings: computer, time, record_id), then every field of each pair is compared, then the
order of the lists. `duration_seconds` may differ by 1e-6. Prints the first N differences
(default 20) and exits 1 if there are any, 0 if the reports agree, 2 if a report cannot be
read (e.g. an empty file: the CLI writes no JSON when nothing could be read).
"""

from __future__ import annotations

import argparse
import json
import sys

IGNORED = {"reason", "failure_reason", "impersonation_level", "message"}
FLOAT_TOLERANCE = 1e-6


def session_key(session: dict):
    record_ids = session.get("record_ids") or [None]
    return (session.get("computer"), session.get("logon_id"), session.get("start"), record_ids[0])


def event_key(item: dict):
    return (item.get("computer"), item.get("time"), item.get("record_id"))


def describe(kind: str, key) -> str:
    if kind == "session":
        computer, logon_id, start, first = key
        return "session %s %s start=%s first_record=%s" % (computer, logon_id, start, first)
    computer, time, record_id = key
    return "%s %s record %s at %s" % (kind, computer, record_id, time)


def values_equal(field: str, a, b) -> bool:
    if field == "duration_seconds" and isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= FLOAT_TOLERANCE
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def short(value) -> str:
    text = json.dumps(value)
    return text if len(text) <= 300 else text[:297] + "..."


def compare_items(kind: str, rust: dict, oracle: dict, ignored: set[str]) -> list[str]:
    diffs = []
    for field in list(oracle) + [f for f in rust if f not in oracle]:
        if field in ignored:
            continue
        if field not in rust:
            diffs.append("  %s: missing in Rust report (oracle: %s)" % (field, short(oracle[field])))
        elif field not in oracle:
            diffs.append("  %s: not in oracle report (Rust: %s)" % (field, short(rust[field])))
        elif not values_equal(field, rust[field], oracle[field]):
            diffs.append("  %s: Rust %s  oracle %s" % (field, short(rust[field]), short(oracle[field])))
    return diffs


def compare_lists(kind: str, rust_items: list, oracle_items: list, key, ignored) -> list[str]:
    out = []
    if len(rust_items) != len(oracle_items):
        out.append("%ss: Rust has %d, oracle has %d" % (kind, len(rust_items), len(oracle_items)))
    rust_by_key: dict = {}
    for item in rust_items:
        rust_by_key.setdefault(key(item), []).append(item)
    oracle_by_key: dict = {}
    for item in oracle_items:
        oracle_by_key.setdefault(key(item), []).append(item)

    for k, items in oracle_by_key.items():
        others = rust_by_key.get(k, [])
        for index, item in enumerate(items):
            if index >= len(others):
                out.append("%s: only in the oracle report\n  %s" % (describe(kind, k), short(item)))
                continue
            diffs = compare_items(kind, others[index], item, ignored)
            if diffs:
                out.append("%s differs:\n%s" % (describe(kind, k), "\n".join(diffs)))
    for k, items in rust_by_key.items():
        extra = items[len(oracle_by_key.get(k, [])):]
        for item in extra:
            out.append("%s: only in the Rust report\n  %s" % (describe(kind, k), short(item)))

    rust_order = [key(item) for item in rust_items if key(item) in oracle_by_key]
    oracle_order = [key(item) for item in oracle_items if key(item) in rust_by_key]
    if rust_order != oracle_order:
        for position, (a, b) in enumerate(zip(rust_order, oracle_order)):
            if a != b:
                out.append(
                    "%ss are ordered differently from position %d: Rust has %s, oracle has %s"
                    % (kind, position, describe(kind, a), describe(kind, b))
                )
                break
    return out


def log_cleared(report: dict) -> list[dict]:
    return [w for w in report.get("warnings", []) if w.get("kind") == "log_cleared"]


def compare_reports(rust: dict, oracle: dict, ignored: set[str]) -> list[str]:
    differences = []
    differences += compare_lists("session", rust.get("sessions", []), oracle.get("sessions", []),
                                 session_key, ignored)
    differences += compare_lists("failure", rust.get("failures", []), oracle.get("failures", []),
                                 event_key, ignored)
    differences += compare_lists("log_cleared warning", log_cleared(rust), log_cleared(oracle),
                                 event_key, ignored)
    return differences


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("rust_report")
    parser.add_argument("oracle_report")
    parser.add_argument("--max", type=int, default=20, help="differences to print (default 20)")
    parser.add_argument("--ignore", action="append", default=[], metavar="FIELD",
                        help="a further field to ignore (repeatable)")
    args = parser.parse_args(argv)
    reports = []
    for path in (args.rust_report, args.oracle_report):
        try:
            with open(path, encoding="utf-8") as f:
                reports.append(json.load(f))
        except (OSError, ValueError) as error:
            print("cannot read the report %s: %s" % (path, error))
            return 2
    rust, oracle = reports

    differences = compare_reports(rust, oracle, IGNORED | set(args.ignore))
    for difference in differences[: args.max]:
        print(difference)
    if len(differences) > args.max:
        print("... and %d more differences" % (len(differences) - args.max))
    counts = "%d sessions, %d failures, %d log_cleared warnings" % (
        len(oracle.get("sessions", [])), len(oracle.get("failures", [])), len(log_cleared(oracle)))
    if differences:
        print("DIFFERENT: %d differences (oracle: %s)" % (len(differences), counts))
        return 1
    print("SAME: %s" % counts)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
