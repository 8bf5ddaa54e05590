#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise the TAP results of an ipsec6 test run.

    scripts/tap_summary.py [--json] GROUPDIR...

A group directory is one kernel's results (results/KVER) or the host's
(results/host).  It holds:

  label           the group's name, printed as [label] (default: dir name)
  expected        one test a line: "ID<TAB>DISPLAY" (DISPLAY defaults to ID);
                  the tests that should have run, in order
  ID.tap          the test's standard output (TAP)
  ID.status       key=value lines written by the runner: rc=N, timeout=0|1,
                  limit=SECONDS, seconds=SECONDS; no file: the test never
                  ran, or (ID.tap there) never finished: the VM died in it
  serial.log      the VM's serial console, quoted for the test it died in
  ID.log          the test's standard error, quoted when it failed
  group.status    why tests without an ID.status did not run (e.g. the VM
                  crashed, the build failed); optional

Counting (also in Documentation/testing.md):
  ok                          passed
  not ok                      failed
  ok/not ok ... # SKIP        skipped
  ok/not ok ... # TODO        passed (a known, tracked gap; shown as "todo")
  1..0 # SKIP and no points   one skipped
and one extra failure for a test that timed out, bailed out, printed no
plan, ran a different number of points than planned, or never ran, or
(none of these, and no failed point) exited non-zero.

Prints one line per test, then the failures with their diagnostics, and
as its very last line "N passed, N failed" (", N skipped" when any).
Exits 1 if anything failed or nothing ran at all.
"""

import json
import os
import re
import sys

PLAN_RE = re.compile(r"^1\.\.(\d+)\s*(?:#\s*(.*))?$")
POINT_RE = re.compile(r"^(not ok|ok)\b\s*(\d+)?\s*(?:-\s*)?(.*)$")
DIRECTIVE_RE = re.compile(r"(?<!\\)#\s*(SKIP|TODO)\S*\s*(.*)$", re.IGNORECASE)
BAIL_RE = re.compile(r"^Bail out!\s*(.*)$")
WIDTH = 64
LOG_TAIL = 15


def read_kv(path):
    kv = {}
    try:
        with open(path, errors="replace") as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    kv[k.strip()] = v.strip()
    except FileNotFoundError:
        return None
    return kv


def read_text(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return None


def parse_tap(text):
    """Parse TAP text.  Returns a dict of counts and details."""
    r = {"plan": None, "plan_skip": None, "points": 0, "passed": 0,
         "failed": 0, "skipped": 0, "todo": 0, "bail": None,
         "failures": [], "plan_late_points": False}
    last_fail = None
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line:
            continue
        if line[0] in " \t":        # subtests and YAML blocks: not counted
            if last_fail is not None and line.strip():
                last_fail["diag"].append(line.strip())
            continue
        m = PLAN_RE.match(line)
        if m:
            if r["plan"] is None:
                r["plan"] = int(m.group(1))
                if m.group(2) and m.group(2).upper().startswith("SKIP"):
                    r["plan_skip"] = m.group(2)[4:].strip() or "skipped"
            continue
        m = BAIL_RE.match(line)
        if m:
            r["bail"] = m.group(1) or "(no reason)"
            break
        m = POINT_RE.match(line)
        if m:
            r["points"] += 1
            status, desc = m.group(1), m.group(3)
            d = DIRECTIVE_RE.search(desc)
            kind = d.group(1).upper() if d else None
            if kind == "SKIP":
                r["skipped"] += 1
                last_fail = None
            elif kind == "TODO":
                r["passed"] += 1
                r["todo"] += 1
                last_fail = None
            elif status == "ok":
                r["passed"] += 1
                last_fail = None
            else:
                r["failed"] += 1
                last_fail = {"line": line, "diag": []}
                r["failures"].append(last_fail)
            continue
        if line.startswith("#"):
            if last_fail is not None:
                last_fail["diag"].append(line)
            continue
        # Anything else is not TAP; ignore it but keep it with a failure.
        if last_fail is not None:
            last_fail["diag"].append("# " + line)
    return r


def evaluate(group_dir, test_id, display, group_reason):
    """Counts and problems of one test of one group."""
    base = os.path.join(group_dir, test_id)
    status = read_kv(base + ".status")
    tap = read_text(base + ".tap")
    res = {"id": test_id, "display": display, "passed": 0, "failed": 0,
           "skipped": 0, "todo": 0, "points": 0, "plan": None,
           "problems": [], "failures": [], "log": base + ".log"}
    if status is None:
        why = group_reason or "no result (the VM crashed or timed out)"
        if tap is not None:
            # Started, never finished: the test the VM died in.
            res["problems"].append("did not finish: " + why)
            res["serial"] = os.path.join(group_dir, "serial.log")
        else:
            res["problems"].append("did not run: " + why)
        res["failed"] += 1
        return res
    r = parse_tap(tap or "")
    for k in ("passed", "failed", "skipped", "todo", "points", "plan",
              "failures"):
        res[k] = r[k]
    rc = status.get("rc", "?")
    timed_out = status.get("timeout", "0") == "1"
    problems = res["problems"]
    if timed_out:
        problems.append("timed out after %s s" % status.get("limit", "?"))
    if r["bail"] is not None:
        problems.append("bailed out: " + r["bail"])
    if r["plan"] is None:
        if not timed_out and r["bail"] is None:
            problems.append("no plan printed")
    elif r["plan_skip"] is not None and r["points"] == 0:
        res["skipped"] += 1
    elif r["plan"] != r["points"] and not timed_out and r["bail"] is None:
        problems.append("planned %d points, ran %d" % (r["plan"],
                                                       r["points"]))
    if rc != "0" and not problems and r["failed"] == 0:
        problems.append("exited with status %s" % rc)
    res["failed"] += len(problems)
    return res


def load_group(group_dir):
    label = (read_text(os.path.join(group_dir, "label")) or "").strip() \
        or os.path.basename(os.path.normpath(group_dir))
    reason = (read_text(os.path.join(group_dir, "group.status")) or "")
    reason = " ".join(reason.split())
    tests = []
    for line in (read_text(os.path.join(group_dir, "expected")) or "") \
            .splitlines():
        if not line.strip():
            continue
        tid, _, disp = line.partition("\t")
        tests.append(evaluate(group_dir, tid.strip(), disp.strip() or
                              tid.strip(), reason))
    # The VM died before any test began: quote its console with the first
    # test that did not run.
    serial = os.path.join(group_dir, "serial.log")
    if os.path.exists(serial) and not any(t.get("serial") for t in tests):
        for t in tests:
            if any(p.startswith("did not run") for p in t["problems"]):
                t["serial"] = serial
                break
    return label, tests


def verdict(t):
    total = t["passed"] + t["failed"] + t["skipped"]
    extra = []
    if t["skipped"]:
        extra.append("%d skipped" % t["skipped"])
    if t["todo"]:
        extra.append("%d todo" % t["todo"])
    if t["failed"]:
        word = "FAILED %d/%d" % (t["passed"], total)
        extra.insert(0, "%d failed" % t["failed"])
    elif t["passed"] == 0 and t["skipped"]:
        word = "skipped"
    else:
        word = "ok %d/%d" % (t["passed"], total)
    return word + (" (" + ", ".join(extra) + ")" if extra else "")


def tail(path, n):
    text = read_text(path)
    if not text:
        return []
    return text.rstrip("\n").splitlines()[-n:]


CRASH_RE = re.compile(r"Kernel panic|BUG:|Oops|general protection fault|"
                      r"cut here|WARNING:")


def crash_excerpt(path, test, n):
    """n lines of a serial log from the first splat after the test began,
    else its last n lines."""
    text = read_text(path)
    if not text:
        return []
    lines = text.rstrip("\n").splitlines()
    start = 0
    for i, line in enumerate(lines):
        if line.startswith("# ---- %s " % test):
            start = i
    for i in range(start, len(lines)):
        if CRASH_RE.search(lines[i]):
            return lines[i:i + n]
    return lines[max(start, len(lines) - n):]


def main(argv):
    as_json = False
    dirs = []
    for a in argv:
        if a == "--json":
            as_json = True
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            dirs.append(a)
    groups = [load_group(d) for d in dirs]
    passed = sum(t["passed"] for _, ts in groups for t in ts)
    failed = sum(t["failed"] for _, ts in groups for t in ts)
    skipped = sum(t["skipped"] for _, ts in groups for t in ts)
    if as_json:
        json.dump({"passed": passed, "failed": failed, "skipped": skipped,
                   "groups": [{"label": lbl, "tests": ts}
                              for lbl, ts in groups]}, sys.stdout, indent=1)
        print()
        return 1 if failed or not (passed or skipped) else 0

    for label, tests in groups:
        for t in tests:
            name = "[%s] %s " % (label, t["display"])
            print(name.ljust(WIDTH, ".") + " " + verdict(t))
    bad = [(lbl, t) for lbl, ts in groups for t in ts if t["failed"]]
    if bad:
        print()
        print("Failures:")
        for label, t in bad:
            print("[%s] %s" % (label, t["display"]))
            for f in t["failures"]:
                print("  " + f["line"])
                for d in f["diag"][:40]:
                    print("      " + d)
                if len(f["diag"]) > 40:
                    print("      # ... %d more" % (len(f["diag"]) - 40))
            for p in t["problems"]:
                print("  " + p)
            if t.get("serial"):
                lines = crash_excerpt(t["serial"], t["display"], 30)
                if lines:
                    print("  serial console (from %s):" % t["serial"])
                    for line in lines:
                        print("    | " + line)
            lines = tail(t["log"], LOG_TAIL)
            has_diag = any(f["diag"] for f in t["failures"])
            if lines and (t["problems"] or not has_diag):
                print("  stderr (last lines of %s):" % t["log"])
                for line in lines:
                    print("    | " + line)
            elif lines:
                print("  (stderr: %s)" % t["log"])
    if not (passed or failed or skipped):
        print("no test ran")
        failed = 1
    line = "%d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    print(line)
    return 1 if failed or not (passed or skipped) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
