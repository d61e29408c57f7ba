#!/usr/bin/env python3
"""Cross-check logonscope against the independent Python implementation of SESSIONS.md.

    python3 tests/oracle/check.py path/to/logonscope

Runs `logonscope sessions --format json` and the oracle (`sessions.py`) on every sample log of
../shared/evtx-samples (one by one, then all together) and on a freshly written synthetic log,
and compares sessions, failures and log-clear warnings field by field (`compare.py`). For the
synthetic log the expected report written by `logonscope synth` is compared too. Prints one
line per case and `N passed, N failed` last; exits 1 on any difference.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import compare  # noqa: E402
import sessions  # noqa: E402

SAMPLES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "evtx-samples"))
# Files the CLI refuses as a whole (nothing readable): they have no report to compare.
UNREADABLE = {"not-an-evtx.evtx", "truncated-header.evtx"}


def logonscope_report(binary: str, paths: list[str]) -> dict:
    run = subprocess.run(
        [binary, "sessions", "--format", "json", *paths],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise RuntimeError("logonscope failed: " + run.stderr.strip())
    return json.loads(run.stdout)


def without_control_characters(value):
    """The report with control characters removed from every string.

    The oracle reads records through python-evtx's XML, and XML 1.0 cannot carry control
    characters (the synthetic log has a user name with ESC and BEL in it): python-evtx drops
    them. Both sides are compared without them; logonscope's own tests check it keeps them.
    """
    if isinstance(value, str):
        return "".join(c for c in value if c >= " " or c in "\t\n\r")
    if isinstance(value, list):
        return [without_control_characters(v) for v in value]
    if isinstance(value, dict):
        return {k: without_control_characters(v) for k, v in value.items()}
    return value


def check(name: str, rust: dict, oracle: dict) -> bool:
    differences = compare.compare_reports(rust, oracle, set(compare.IGNORED))
    if differences:
        print("FAIL %s: %d difference(s)" % (name, len(differences)))
        for line in differences[:10]:
            print("  " + line)
        return False
    print(
        "ok   %s: %d sessions, %d failures"
        % (name, len(rust["sessions"]), len(rust["failures"]))
    )
    return True


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = os.path.abspath(argv[1])
    if not os.path.isdir(SAMPLES):
        print("the sample logs are missing: expected them in " + SAMPLES, file=sys.stderr)
        return 2
    files = sorted(f for f in os.listdir(SAMPLES) if f.endswith(".evtx"))
    readable = [os.path.join(SAMPLES, f) for f in files if f not in UNREADABLE]
    results = []
    for path in readable:
        rust = logonscope_report(binary, [path])
        results.append(check(os.path.basename(path), rust, sessions.build_report([path])))
    rust = logonscope_report(binary, readable)
    results.append(check("all samples together", rust, sessions.build_report(readable)))
    with tempfile.TemporaryDirectory() as scratch:
        log = os.path.join(scratch, "synthetic.evtx")
        subprocess.run(
            [binary, "synth", "--out", log, "--sessions", "400", "--computers", "3", "--seed", "5"],
            check=True,
            capture_output=True,
        )
        rust = logonscope_report(binary, [log])
        oracle = sessions.build_report([log])
        results.append(
            check(
                "synthetic log",
                without_control_characters(rust),
                without_control_characters(oracle),
            )
        )
        with open(log + ".expected.json", encoding="utf-8") as expected:
            results.append(check("synthetic log, expected report", rust, json.load(expected)))
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
