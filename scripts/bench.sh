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
#   BENCH_ROUNDS, BENCH_SECS, BENCH_SCALE, BENCH_XFRM_SCALE, BENCH_SAS,
#   BENCH_CHANGE_SCALE, BENCH_CHANGES, BENCH_TUNNELS, BENCH_TUNNEL_BASE,
#   BENCH_PARTS    passed to the guest (see scripts/bench-guest.sh)
#   BENCH_MEM      guest memory in MiB (3072: 100k SAs of each stack)
#   BENCH_CPUS64=0 skip the guests with 64 possible CPUs, one online: bytes
#                  per policy and per SA with per-CPU memory for 64 CPUs,
#                  and per SA again with the CPU's AES and GHASH drivers
#                  loaded (BENCH_SA_CRYPTO=cpu in scripts/bench-guest.sh)
#   BENCH_HOSTWAIT=1  sample how long the guest's vCPU thread waited for a
#                  host CPU (tools/bench/hostwait.py) and report it for
#                  each run of the tunnels part (BENCH_OUT/hostwait.txt)
#   BUILD_DIR      as for scripts/build.sh
#   BENCH_SUMMARY_ONLY=1  only redo the table/JSON/plot from BENCH_OUT/raw.tsv
#
# Output: a table on the terminal, BENCH_OUT/bench.json, BENCH_OUT/bench.png
# (throughput and packet rate against the number of policies; the cost of
# a single change against the size of the tables), and the raw figures in
# BENCH_OUT/raw.tsv.  Builds tools/bench/udpflood (sendmmsg sender) and
# tools/bench/nlprobe (single netlink requests) into BENCH_OUT; installs
# python3-matplotlib for the plot if needed.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO"

KVER=${BENCH_KVER:-$(scripts/kernels.sh | sed -n 1p)}
OUT=${BENCH_OUT:-$REPO/build/bench}
mkdir -p "$OUT"

# guest64 DIR -e NAME=VALUE...: scripts/bench-guest.sh once more, in a
# guest with 64 possible CPUs (one online); its figures join raw.tsv.
guest64() {
	local dir=$1 rc=0
	shift
	scripts/vm.sh -q -k "$KVER" -o "$OUT/$dir" -c 1,maxcpus=64 \
		-m "${BENCH_MEM:-3072}" -t "${BENCH_TIMEOUT:-7200}" \
		${BENCH_SAS:+-e "BENCH_SAS=$BENCH_SAS"} "$@" -- \
		bash scripts/bench-guest.sh "$OUT/udpflood" "$OUT/nlprobe" || rc=$?
	if ((rc)); then
		echo "bench: the 64-CPU guest ($dir) failed (exit $rc); see $OUT/$dir/console.log" >&2
		exit 1
	fi
	cat "$OUT/$dir/raw.tsv" >>"$OUT/raw.tsv"
}

if [[ ${BENCH_SUMMARY_ONLY:-0} != 1 ]]; then
	command -v iperf3 >/dev/null || apt-get install -y -q iperf3 >&2
	scripts/build.sh "$KVER"
	cc -O2 -Wall -Wextra -o "$OUT/udpflood" tools/bench/udpflood.c
	cc -O2 -Wall -Wextra -o "$OUT/nlprobe" tools/bench/nlprobe.c -lmnl
	envs=()
	for v in BENCH_ROUNDS BENCH_SECS BENCH_SCALE BENCH_XFRM_SCALE BENCH_SAS \
		BENCH_CHANGE_SCALE BENCH_CHANGES BENCH_TUNNELS BENCH_TUNNEL_BASE \
		BENCH_PARTS; do
		[[ -n ${!v:-} ]] && envs+=(-e "$v=${!v}")
	done
	echo "bench: $KVER, results in $OUT (about 40 minutes)" >&2
	rc=0
	hw=
	if [[ ${BENCH_HOSTWAIT:-0} == 1 ]]; then
		mkdir -p "$OUT/vm"
		rm -f "$OUT"/vm/sync-* "$OUT"/vm/host*.tsv
		python3 tools/bench/hostwait.py record "$OUT/vm" &
		hw=$!
	fi
	scripts/vm.sh -q -k "$KVER" -o "$OUT/vm" -m "${BENCH_MEM:-3072}" \
		-t "${BENCH_TIMEOUT:-7200}" "${envs[@]}" -- \
		bash scripts/bench-guest.sh "$OUT/udpflood" "$OUT/nlprobe" || rc=$?
	cp "$OUT/vm/raw.tsv" "$OUT/vm/guest.txt" "$OUT/" 2>/dev/null || true
	if [[ -n $hw ]] && wait "$hw"; then
		python3 tools/bench/hostwait.py report "$OUT/vm" |
			tee "$OUT/hostwait.txt" || true
	fi
	if ((rc)); then
		echo "bench: the guest failed (exit $rc); see $OUT/vm/console.log" >&2
		tail -n 20 "$OUT/vm/console.log" >&2 || true
		exit 1
	fi
	# Bytes per policy again with 64 possible CPUs (one online): per-CPU
	# memory is allocated for every possible CPU.  Debian's 6.12 ignores
	# QEMU's absent CPUs, its 6.1 does not.
	if [[ ${BENCH_CPUS64:-1} == 1 ]]; then
		guest64 vm64 -e "BENCH_PARTS=load sas" -e BENCH_TAG=-64cpu \
			-e "BENCH_SCALE=${BENCH_SCALE:-1000 10000 100000}" \
			-e "BENCH_XFRM_SCALE=${BENCH_XFRM_SCALE:-1000 10000}"
		sed 's/^/64 possible CPUs: /' "$OUT/vm64/guest.txt" >>"$OUT/guest.txt"
		# SAs again with the CPU's AES and GHASH drivers loaded
		guest64 vm64c -e BENCH_PARTS=sas -e BENCH_TAG=-64cpu-cpucrypto \
			-e BENCH_SA_CRYPTO=cpu
		grep '^SAs' "$OUT/vm64c/guest.txt" >>"$OUT/guest.txt"
	fi
	echo "$KVER" >"$OUT/kernel"
	git log -1 --format='%h %s' >"$OUT/commit" 2>/dev/null || true
fi

PY=/usr/bin/python3
if ! "$PY" -c 'import matplotlib' 2>/dev/null; then
	apt-get install -y -q python3-matplotlib >/dev/null 2>&1 ||
		echo "bench: no python3-matplotlib, no plot" >&2
fi

"$PY" - "$OUT" <<'EOF'
import json, os, statistics, sys, time

out = sys.argv[1]
PER_N = ("load_s", "bytes_per_policy", "sa_load_s", "bytes_per_sa",
         "sa_list_s")
raw = {}
by_round = {}
for line in open(os.path.join(out, "raw.tsv")):
    metric, stack, rnd, val = line.rstrip("\n").split("\t")
    try:
        v = float(val)
    except ValueError:
        continue
    # These are measured once per size N (the "round" field holds N).
    if metric in PER_N:
        stack = "%s@%s" % (stack, rnd)
    else:
        by_round.setdefault(metric, {}).setdefault(stack, {})[rnd] = v
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

# The ratios of two sides of one run are also taken round by round: the
# two sides of a round ran next to each other, so a slow minute of the
# host hits both.  Median of the per-round ratios and the middle half of
# them (quartiles).
def paired(m, a, b):
    x, y = by_round.get(m, {}).get(a, {}), by_round.get(m, {}).get(b, {})
    rs = sorted(x[r] / y[r] for r in x if r in y and y[r])
    if len(rs) < 2:
        return None
    q = statistics.quantiles(rs, n=4, method="inclusive")
    return {"median": q[1], "q1": q[0], "q3": q[2], "min": rs[0],
            "max": rs[-1], "rounds": len(rs)}

ratios = {}
pairs = {}

def side(name, m, a, b):
    """A side-by-side ratio: of the medians, and round by round."""
    ratios[name] = ratio(m, a, b)
    p = paired(m, a, b)
    if p:
        pairs[name] = p

side("esp_tput module/xfrm", "esp_tput_mbps", "module", "xfrm")
side("ah_tput module/xfrm", "ah_tput_mbps", "module", "xfrm")
side("esp_pps module/xfrm", "esp_pps", "module", "xfrm")
side("clear_tput loaded/unloaded", "clear_tput_mbps", "loaded", "unloaded")
side("clear_tput armed/unloaded", "clear_tput_mbps", "armed", "unloaded")
for m in ("load_s", "bytes_per_policy"):
    for s in sorted(res.get(m, {})):
        if s.startswith("module@"):
            n = s.split("@")[1]
            ratios["%s module/xfrm at %s" % (m, n)] = ratio(m, s, "xfrm@" + n)
# single changes: cost at the largest table over the cost at 0, per kind
for st in ("module", "xfrm"):
    for w in ("policy-add", "policy-del", "sa-add", "sa-del"):
        sizes = sorted(int(k.split("@")[1]) for k in res.get("change_us", {})
                       if k.startswith("%s/%s@" % (st, w)))
        if len(sizes) > 1:
            ratios["change %s %s %d/%d" % (st, w, sizes[-1], sizes[0])] = \
                ratio("change_us", "%s/%s@%d" % (st, w, sizes[-1]),
                      "%s/%s@%d" % (st, w, sizes[0]))
for k in sorted(res.get("tunnel_us", {})):
    st, _, base = k.partition("@")
    last, first = med("tunnel_last_us", k), med("tunnel_first_us", k)
    ratios["tunnels last/first 1000, %s on %s" % (st, base)] = \
        last / first if last and first else None
    if st == "module":
        # >= 1: ipsec6 establishes tunnels at least as fast as XFRM
        side("tunnels/s module/xfrm on %s" % base, "tunnel_us",
             "xfrm@" + base, k)
ns = sorted(int(s) for s in res.get("scale_esp_tput_mbps", {}))
if ns:
    top = str(ns[-1])
    side("esp_tput %s/1 policies" % top, "scale_esp_tput_mbps", top, "1")
    side("esp_pps %s/1 policies" % top, "scale_esp_pps", top, "1")

units = {"esp_tput_mbps": "Mbit/s", "ah_tput_mbps": "Mbit/s",
         "esp_pps": "pkt/s", "clear_tput_mbps": "Mbit/s", "load_s": "s",
         "bytes_per_policy": "B", "sa_load_s": "s", "bytes_per_sa": "B",
         "sa_list_s": "s",
         "scale_esp_tput_mbps": "Mbit/s", "scale_esp_pps": "pkt/s",
         "lookup_us": "us", "change_us": "us", "change_mean_us": "us",
         "tunnel_us": "us",
         "tunnel_first_us": "us", "tunnel_last_us": "us",
         "tunnel_del_us": "us", "tunnel_req_p99_us": "us"}
print("\nipsec6 bench, kernel %s (%s), %s" %
      (kver, guest, time.strftime("%Y-%m-%d")))
print("%-22s %-26s %10s %8s  %s" % ("metric", "stack/N", "median",
                                      "spread", "runs"))
def key(s):
    if s.isdigit():
        return (0, "", int(s))
    st, _, n = s.partition("@")
    n, _, sub = n.partition("/")
    return (1, st, int(n) if n.isdigit() else 0, sub)
def fmt_run(v):
    return "%.4g" % v
for m in raw:
    for s in sorted(res[m], key=key):
        r = res[m][s]
        print("%-22s %-26s %10.4g %7.1f%%  %s %s" %
              (m, s, r["median"], r["spread_pct"],
               " ".join("%.4g" % v for v in r["runs"]), units.get(m, "")))
print()
for k, v in ratios.items():
    print("%-40s %s" % (k, "%.3f" % v if v else "n/a"))
if pairs:
    print("\nround by round: median of the per-round ratios "
          "[middle half] (lowest-highest, rounds)")
    for k, p in pairs.items():
        print("%-40s %.3f [%.3f-%.3f] (%.3f-%.3f, %d)" %
              (k, p["median"], p["q1"], p["q3"], p["min"], p["max"],
               p["rounds"]))
top_n = max((int(s.split("@")[1]) for s in res.get("load_s", {})
             if s.startswith("module@")), default=None)
if top_n:
    print("\ngoals (issue: performance):")
    print("  %d policies load in %.2f s (goal <= 5 s)" %
          (top_n, med("load_s", "module@%d" % top_n)))
    print("  %.0f bytes per policy at %d (goal <= 256)" %
          (med("bytes_per_policy", "module@%d" % top_n), top_n))
    b64 = med("bytes_per_policy", "module-64cpu@%d" % top_n)
    if b64:
        print("  %.0f bytes per policy at %d with 64 possible CPUs (goal <= 256)"
              % (b64, top_n))
for s in sorted(res.get("bytes_per_sa", {})):
    if s.startswith("module"):
        print("  %.0f bytes per SA, %s (stretch goal <= 4096)" %
              (med("bytes_per_sa", s), s))
for k, v in ratios.items():
    if k.startswith("change module") and v:
        print("  %s: %.2fx (goal <= 1.5)" % (k, v))
    if k.startswith("tunnels/s module/xfrm") and v:
        print("  %s: %.2fx (goal >= 1.0)" % (k, v))
    if k.startswith("tunnels last/first 1000, module") and v:
        print("  %s: %.2fx (goal <= 1.5)" % (k, v))

commit = open(os.path.join(out, "commit")).read().strip() \
    if os.path.exists(os.path.join(out, "commit")) else "?"
json.dump({"kernel": kver, "guest": guest, "commit": commit,
           "date": time.strftime("%Y-%m-%d"), "results": res,
           "ratios": ratios, "paired": pairs},
          open(os.path.join(out, "bench.json"), "w"), indent=1)
print("\n%s/bench.json" % out)

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit(0)
cs = sorted(set(int(k.split("@")[1]) for k in res.get("change_us", {})))
if ns or cs:
    fig, axes = plt.subplots(1, 2 if ns and cs else 1, figsize=(13, 4.5),
                             squeeze=False)
if cs:
    ax = axes[0][-1]
    xs = list(range(len(cs)))
    for st, style in (("module", "-"), ("xfrm", ":")):
        for w, mark in (("policy-add", "o"), ("policy-del", "x"),
                        ("sa-add", "s"), ("sa-del", "+")):
            ys = [med("change_us", "%s/%s@%d" % (st, w, n)) for n in cs]
            if any(ys):
                ax.plot(xs, ys, mark + style,
                        label="%s %s" % ("ipsec6" if st == "module" else
                                         "XFRM", w))
    ax.set_xticks(xs)
    ax.set_xticklabels(["%dk" % (n // 1000) if n else "0" for n in cs])
    ax.set_xlabel("policies and SAs already installed")
    ax.set_ylabel("microseconds per request (nlprobe, median)")
    ax.set_yscale("log")
    ax.set_title("one change, its own change set (%s)" % kver)
    ax.legend(fontsize="small", ncol=2)
if ns:
    ax1 = axes[0][0]
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
    ax1.legend(loc="lower left")
    ax2.legend(loc="lower right")
if ns or cs:
    fig.tight_layout()
    fig.savefig(os.path.join(out, "bench.png"), dpi=100)
    print("%s/bench.png" % out)
EOF
