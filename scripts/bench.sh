#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench.sh - "make bench": ipsec6 against Linux XFRM, side by side
# in one QEMU guest (scripts/bench-guest.sh does the measuring).  Not part
# of "make check".
#
#   BENCH_KVER     kernel (default: the first of scripts/kernels.sh, 6.1)
#   BENCH_OUT      results folder (default: build/bench; "make check" empties
#                  results/)
#   BENCH_ROUNDS, BENCH_SECS, BENCH_SCALE, BENCH_XFRM_SCALE, BENCH_SAS
#                  passed to the guest (see scripts/bench-guest.sh)
#   BUILD_DIR      as for scripts/build.sh
#   BENCH_SUMMARY_ONLY=1  only redo the table/JSON/plot from BENCH_OUT/raw.tsv
#
# Output: a table on the terminal, BENCH_OUT/bench.json, BENCH_OUT/bench.png
# (throughput and packet rate against the number of policies), and the raw
# figures in BENCH_OUT/raw.tsv.  Builds tools/bench/udpflood (sendmmsg
# sender) into BENCH_OUT; installs python3-matplotlib for the plot if needed.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO"

KVER=${BENCH_KVER:-$(scripts/kernels.sh | sed -n 1p)}
OUT=${BENCH_OUT:-$REPO/build/bench}
mkdir -p "$OUT"

if [[ ${BENCH_SUMMARY_ONLY:-0} != 1 ]]; then
	command -v iperf3 >/dev/null || apt-get install -y -q iperf3 >&2
	scripts/build.sh "$KVER"
	cc -O2 -Wall -Wextra -o "$OUT/udpflood" tools/bench/udpflood.c
	envs=()
	for v in BENCH_ROUNDS BENCH_SECS BENCH_SCALE BENCH_XFRM_SCALE BENCH_SAS; do
		[[ -n ${!v:-} ]] && envs+=(-e "$v=${!v}")
	done
	echo "bench: $KVER, results in $OUT (about 15 minutes)" >&2
	rc=0
	scripts/vm.sh -q -k "$KVER" -o "$OUT/vm" -t "${BENCH_TIMEOUT:-3600}" \
		"${envs[@]}" -- bash scripts/bench-guest.sh "$OUT/udpflood" || rc=$?
	cp "$OUT/vm/raw.tsv" "$OUT/vm/guest.txt" "$OUT/" 2>/dev/null || true
	if ((rc)); then
		echo "bench: the guest failed (exit $rc); see $OUT/vm/console.log" >&2
		tail -n 20 "$OUT/vm/console.log" >&2 || true
		exit 1
	fi
	echo "$KVER" >"$OUT/kernel"
fi

PY=/usr/bin/python3
if ! "$PY" -c 'import matplotlib' 2>/dev/null; then
	apt-get install -y -q python3-matplotlib >/dev/null 2>&1 ||
		echo "bench: no python3-matplotlib, no plot" >&2
fi

"$PY" - "$OUT" <<'EOF'
import json, os, statistics, sys, time

out = sys.argv[1]
PER_N = ("load_s", "bytes_per_policy", "sa_load_s", "bytes_per_sa")
raw = {}
for line in open(os.path.join(out, "raw.tsv")):
    metric, stack, rnd, val = line.rstrip("\n").split("\t")
    try:
        v = float(val)
    except ValueError:
        continue
    # These are measured once per size N (the "round" field holds N).
    if metric in PER_N:
        stack = "%s@%s" % (stack, rnd)
    raw.setdefault(metric, {}).setdefault(stack, []).append(v)

def summ(vals):
    return {"median": statistics.median(vals), "min": min(vals),
            "max": max(vals), "runs": vals,
            "spread_pct": (100.0 * (max(vals) - min(vals)) /
                           statistics.median(vals))
            if statistics.median(vals) else 0.0}

res = {m: {s: summ(v) for s, v in st.items()} for m, st in raw.items()}
kver = open(os.path.join(out, "kernel")).read().strip() \
    if os.path.exists(os.path.join(out, "kernel")) else "?"
guest = open(os.path.join(out, "guest.txt")).read().strip() \
    if os.path.exists(os.path.join(out, "guest.txt")) else ""

def med(m, s):
    return res.get(m, {}).get(s, {}).get("median")

def ratio(m, a, b):
    x, y = med(m, a), med(m, b)
    return x / y if x and y else None

ratios = {
    "esp_tput module/xfrm": ratio("esp_tput_mbps", "module", "xfrm"),
    "ah_tput module/xfrm": ratio("ah_tput_mbps", "module", "xfrm"),
    "esp_pps module/xfrm": ratio("esp_pps", "module", "xfrm"),
    "clear_tput loaded/unloaded": ratio("clear_tput_mbps", "loaded",
                                         "unloaded"),
    "clear_tput armed/unloaded": ratio("clear_tput_mbps", "armed",
                                        "unloaded"),
}
for m in ("load_s", "bytes_per_policy"):
    for s in sorted(res.get(m, {})):
        if s.startswith("module@"):
            n = s.split("@")[1]
            ratios["%s module/xfrm at %s" % (m, n)] = ratio(m, s, "xfrm@" + n)
ns = sorted(int(s) for s in res.get("scale_esp_tput_mbps", {}))
if ns:
    top = str(ns[-1])
    ratios["esp_tput %s/1 policies" % top] = ratio("scale_esp_tput_mbps",
                                                    top, "1")
    ratios["esp_pps %s/1 policies" % top] = ratio("scale_esp_pps", top, "1")

units = {"esp_tput_mbps": "Mbit/s", "ah_tput_mbps": "Mbit/s",
         "esp_pps": "pkt/s", "clear_tput_mbps": "Mbit/s", "load_s": "s",
         "bytes_per_policy": "B", "sa_load_s": "s", "bytes_per_sa": "B",
         "scale_esp_tput_mbps": "Mbit/s", "scale_esp_pps": "pkt/s",
         "lookup_us": "us"}
print("\nipsec6 bench, kernel %s (%s), %s" %
      (kver, guest, time.strftime("%Y-%m-%d")))
print("%-22s %-13s %12s %8s  %s" % ("metric", "stack/N", "median",
                                      "spread", "runs"))
def key(s):
    if s.isdigit():
        return (0, "", int(s))
    st, _, n = s.partition("@")
    return (1, st, int(n) if n.isdigit() else 0)
for m in raw:
    for s in sorted(res[m], key=key):
        r = res[m][s]
        print("%-22s %-13s %12.4g %7.1f%%  %s %s" %
              (m, s, r["median"], r["spread_pct"],
               " ".join("%.4g" % v for v in r["runs"]), units.get(m, "")))
print()
for k, v in ratios.items():
    print("%-40s %s" % (k, "%.3f" % v if v else "n/a"))
top_n = max((int(s.split("@")[1]) for s in res.get("load_s", {})
             if s.startswith("module@")), default=None)
if top_n:
    print("\ngoals (issue: performance):")
    print("  %d policies load in %.2f s (goal <= 5 s)" %
          (top_n, med("load_s", "module@%d" % top_n)))
    print("  %.0f bytes per policy at %d (goal <= 256)" %
          (med("bytes_per_policy", "module@%d" % top_n), top_n))

json.dump({"kernel": kver, "guest": guest,
           "date": time.strftime("%Y-%m-%d"), "results": res,
           "ratios": ratios},
          open(os.path.join(out, "bench.json"), "w"), indent=1)
print("\n%s/bench.json" % out)

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit(0)
if ns:
    fig, ax1 = plt.subplots(figsize=(7, 4.5))
    t = [med("scale_esp_tput_mbps", str(n)) for n in ns]
    p = [med("scale_esp_pps", str(n)) for n in ns]
    ax1.plot(ns, t, "o-", color="tab:blue", label="ESP TCP throughput")
    ax1.set_xscale("log")
    ax1.set_xlabel("policies installed (each host)")
    ax1.set_ylabel("Mbit/s (iperf3, median)", color="tab:blue")
    ax1.set_ylim(bottom=0)
    ax2 = ax1.twinx()
    ax2.plot(ns, p, "s--", color="tab:red", label="ESP 64-byte UDP rate")
    ax2.set_ylabel("packets/s (median)", color="tab:red")
    ax2.set_ylim(bottom=0)
    ax1.set_title("ipsec6 vs number of policies (%s, QEMU TCG)" % kver)
    fig.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "bench.png"), dpi=100)
    print("%s/bench.png" % out)
EOF
