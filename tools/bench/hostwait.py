#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""hostwait - how long the guest's CPU waited for the host's.

    hostwait.py record DIR   (on the host, while scripts/vm.sh -o DIR runs)
    hostwait.py report DIR   (afterwards)

A QEMU TCG guest with one vCPU runs on one host thread.  When the host has
more runnable threads than cores, that thread waits on a run queue and the
guest stands still, while its clock goes on: the request that was running
takes milliseconds longer, for either stack.  The guest cannot see this
(TCG reports no steal time); the host can, in the thread's schedstat.

record samples /proc/PID/task/*/schedstat of the QEMU process whose
command line shares DIR (run time and run-queue wait, ns) until it exits,
into DIR/hostwait.tsv, and notes when each DIR/sync-* file appears, which
the guest writes with its CLOCK_MONOTONIC (ns) in it, into
DIR/hostsync.tsv: the host time is the guest's plus an offset (the least
difference seen; the guest writes the file before the host can see it).

report takes every DIR/tunnel-*.tsv (tools/bench/nlprobe.c, NLPROBE_RAW)
and prints, per run, the wall time from the first request to the end of
the last, the mean per tunnel over it, the time the vCPU thread waited on
the host within it, and the mean per tunnel without that wait.  The vCPU
thread is the one that ran longest.
"""
import bisect
import glob
import os
import sys
import time


def record(out):
    key = b"path=" + os.path.realpath(out).encode() + b","
    pid, deadline = None, time.monotonic() + 600
    while pid is None:
        if time.monotonic() > deadline:
            sys.exit("hostwait: no QEMU guest of %s" % out)
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % p, "rb") as f:
                    cmd = f.read().split(b"\0")
            except OSError:
                continue
            if b"qemu-system" in cmd[0] and any(key in a for a in cmd):
                pid = p
                break
        time.sleep(0.02)
    last, seen, n = {}, set(), 0
    with open(os.path.join(out, "hostwait.tsv"), "w") as w, \
            open(os.path.join(out, "hostsync.tsv"), "w") as s:
        while True:
            try:
                tids = os.listdir("/proc/%s/task" % pid)
            except OSError:
                break
            now = time.monotonic_ns()
            for t in tids:
                try:
                    with open("/proc/%s/task/%s/schedstat" % (pid, t)) as f:
                        v = f.read().split()[:2]
                except OSError:
                    continue
                if last.get(t) != v:
                    w.write("%d %s %s %s\n" % (now, t, v[0], v[1]))
                    last[t] = v
            n += 1
            if n % 8 == 0:
                for name in os.listdir(out):
                    if not name.startswith("sync-") or name in seen:
                        continue
                    with open(os.path.join(out, name)) as f:
                        g = f.read().strip()
                    if g:
                        seen.add(name)
                        s.write("%s %d %s\n" % (name, now, g))
            time.sleep(0.0005)


def report(out):
    with open(os.path.join(out, "hostsync.tsv")) as f:
        syncs = [line.split() for line in f]
    if not syncs:
        sys.exit("hostwait: no sync-* file seen in %s" % out)
    off = min(int(h) - int(g) for _, h, g in syncs)
    with open(os.path.join(out, "hostwait.tsv")) as f:
        rows = [line.split() for line in f]
    first, last = {}, {}
    for _, tid, run, _ in rows:
        first.setdefault(tid, int(run))
        last[tid] = int(run)
    vcpu = max(last, key=lambda t: last[t] - first[t])
    times, waits = [], []
    for t, tid, _, wait in rows:
        if tid == vcpu:
            times.append(int(t))
            waits.append(int(wait))

    def wait_at(t):  # the thread's wait total as of host time t
        i = bisect.bisect_right(times, t) - 1
        return waits[max(i, 0)]

    print("%-32s %8s %9s %9s %9s %6s %12s" %
          ("run", "tunnels", "mean_us", "wall_ms", "wait_ms", "wait%",
           "mean-wait_us"))
    for path in sorted(glob.glob(os.path.join(out, "tunnel-*.tsv"))):
        t0, reqs = None, []
        with open(path) as f:
            for line in f:
                if line.startswith("# t0"):
                    t0 = float(line.split()[2])
                    continue
                unit, _, us, start = line.split("\t")
                reqs.append((int(unit), float(us), float(start)))
        if not reqs or t0 is None:
            continue
        a = int(t0 * 1e9) + off
        b = a + int((reqs[-1][2] * 1e3 + reqs[-1][1]) * 1e3)
        units = len(set(r[0] for r in reqs))
        wall = (b - a) / 1e3
        wait = (wait_at(b) - wait_at(a)) / 1e3
        print("%-32s %8d %9.1f %9.0f %9.0f %5.0f%% %12.1f" %
              (os.path.basename(path), units, wall / units, wall / 1e3,
               wait / 1e3, 100 * wait / wall, (wall - wait) / units))

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("record", "report"):
        sys.exit("usage: hostwait.py record|report DIR")
    (record if sys.argv[1] == "record" else report)(sys.argv[2])
