#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/guest-tests.sh [TEST...]          (inside a scripts/vm.sh guest)
# scripts/guest-tests.sh --list [TEST...]   (anywhere: print the selection)
#
# Runs the selected guest tests one after the other, each under its own
# timeout, and writes for each test ID (file name without .sh):
#   $RESULTS/ID.tap     standard output (TAP)
#   $RESULTS/ID.log     standard error
#   $RESULTS/ID.status  rc=, timeout=0|1, limit=, seconds=
# then $RESULTS/kernel-log.tap: one point, not ok when the kernel log shows a
# WARNING/BUG/Oops/KASAN/kmemleak/RCU stall/refcount/UBSAN splat or the
# kernel got tainted by one.
#
# Selection: the arguments, else $TESTS (space separated), else every
# tests/[0-9][0-9]-* that is a .sh file or executable.  A test may be named
# tests/20-foo.sh, 20-foo.sh, 20-foo or any unique prefix such as 20.
# Timeout: 300 s ($TEST_TIMEOUT), or "# timeout: N" in the test's header
# (the comment block it starts with), times $TEST_TIMEOUT_SCALE (default 1; the debug kernel lane's
# KASAN+lockdep guests are several times slower).  .sh tests run with
# bash, other executables directly, in $REPO with a fresh $TMPDIR.
# --list prints "PATH<TAB>ID<TAB>TIMEOUT" per selected test; exits 2 on a
# name that is no test.
# On a kernel with kmemleak (the debug kernel), leaks found before the
# first test are cleared, and after the last one kmemleak scans; what it
# reports goes to $RESULTS/kmemleak.txt and fails kernel-log.tap.
set -euo pipefail

REPO=${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)}
cd "$REPO"
DEFAULT_TIMEOUT=${TEST_TIMEOUT:-300}
TIMEOUT_SCALE=${TEST_TIMEOUT_SCALE:-1}
[[ $TIMEOUT_SCALE =~ ^[1-9][0-9]*$ ]] ||
	{ echo "guest-tests: TEST_TIMEOUT_SCALE must be a positive integer" >&2; exit 2; }

list=0
if [[ ${1:-} == --list ]]; then
	list=1
	shift
fi
names=("$@")
if ((${#names[@]} == 0)) && [[ -n ${TESTS:-} ]]; then
	read -ra names <<<"$TESTS"
fi

tests=()
if ((${#names[@]} == 0)); then
	for t in tests/[0-9][0-9]-*; do
		[[ -f $t ]] || continue
		[[ $t == *.sh || -x $t ]] || continue
		tests+=("$t")
	done
else
	for n in "${names[@]}"; do
		n=${n#./}
		found=
		for c in "$n" "tests/$n" "tests/$n.sh" "$n.sh"; do
			if [[ -f $c ]]; then
				found=$c
				break
			fi
		done
		if [[ -z $found ]]; then
			# A unique prefix: "20" or "20-foo" for tests/20-foo.sh
			shopt -s nullglob
			m=("tests/${n#tests/}"*)
			shopt -u nullglob
			((${#m[@]} == 1)) && found=${m[0]}
		fi
		if [[ -z $found ]]; then
			echo "guest-tests: no such test (or not unique): $n" >&2
			exit 2
		fi
		tests+=("$found")
	done
fi

test_id() {
	local b=${1##*/}
	echo "${b%.sh}"
}

test_timeout() {
	local t
	t=$(awk '!/^#/ { exit }
		 sub(/^#[[:space:]]*timeout:[[:space:]]*/, "") { print $1 + 0; exit }' "$1")
	echo $((${t:-$DEFAULT_TIMEOUT} * TIMEOUT_SCALE))
}

if ((list)); then
	for t in "${tests[@]}"; do
		printf '%s\t%s\t%s\n' "$t" "$(test_id "$t")" "$(test_timeout "$t")"
	done
	exit 0
fi

: "${RESULTS:?RESULTS is not set (run me through scripts/vm.sh)}"
: "${KVER:=$(uname -r)}"
export REPO KVER RESULTS
mkdir -p "$RESULTS"

kmsg() {
	echo "<6>ipsec6-test: $*" >/dev/kmsg 2>/dev/null || true
}

now() {
	echo "${EPOCHREALTIME/,/.}"
}

cleanup_between() {
	# Whatever a killed or careless test left behind.
	ip -all netns delete 2>/dev/null || true
}

run_one() {
	local t=$1 id limit start end rc timed_out=0 pid tpid tmp
	local -a cmd
	id=$(test_id "$t")
	limit=$(test_timeout "$t")
	if [[ $t == *.sh ]]; then
		cmd=(bash "$t")
	else
		cmd=("./$t")
	fi
	tmp=$(mktemp -d "/tmp/$id.XXXXXX")
	echo "# ---- $t (timeout ${limit}s)"
	kmsg "begin $t"
	start=$(now)
	# timeout(1) puts the test in its own process group and kills all of
	# it; the group is killed again below for daemons the test left.
	TMPDIR=$tmp TEST_NAME=$t timeout -k 10 "$limit" "${cmd[@]}" \
		</dev/null >"$RESULTS/$id.tap" 2>"$RESULTS/$id.log" &
	pid=$!
	tail -n +1 -s 0.2 --pid="$pid" -f "$RESULTS/$id.tap" &
	tpid=$!
	set +e
	wait "$pid"
	rc=$?
	set -e
	wait "$tpid" || true
	kill -KILL -- -"$pid" 2>/dev/null || true
	end=$(now)
	kmsg "end $t rc=$rc"
	if ((rc == 124 || rc == 137)) &&
		awk -v s="$start" -v e="$end" -v l="$limit" 'BEGIN { exit !(e - s >= l) }'; then
		timed_out=1
	fi
	printf 'rc=%s\ntimeout=%s\nlimit=%s\nseconds=%.1f\n' "$rc" "$timed_out" \
		"$limit" "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" \
		>"$RESULTS/$id.status"
	if ((timed_out)); then
		echo "# $t: TIMED OUT after ${limit}s"
	else
		echo "# $t: rc=$rc"
	fi
	rm -rf "$tmp"
	cleanup_between
}

# Kernel-log patterns that mean a bug: KERNEL_SPLAT_RE from tests/lib.sh.
SPLAT_RE=$(bash -c '. tests/lib.sh >/dev/null 2>&1; trap - EXIT; printf %s "$KERNEL_SPLAT_RE"')
[[ -n $SPLAT_RE ]] || SPLAT_RE='WARNING:|BUG:|Oops'
# The debug kernel's checkers (their reports mostly begin with WARNING: or
# BUG: anyway): lockdep, RCU-lockdep, might_sleep, ref_tracker leaks.
SPLAT_RE+='|possible (circular|recursive) locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|DEBUG_LOCKS_WARN_ON|leaked reference|ODEBUG: .*object type'
# Lines that match but are no bug: kmemleak's banner, and its "N new
# suspected memory leaks" (kmemleak.txt, read after clearing the boot-time
# leaks, is what counts).
BENIGN_RE='kmemleak: Kernel memory leak detector initialized|kmemleak: Automatic memory scanning thread|kmemleak: [0-9]+ new suspected memory leaks'
KMEMLEAK=/sys/kernel/debug/kmemleak
# Taint bits a splat leaves: B bad page (5), D oops (7), W warning (9),
# L soft lockup (14).  O (out-of-tree) and E (unsigned) are expected.
TAINT_BAD=$(((1 << 5) | (1 << 7) | (1 << 9) | (1 << 14)))

kernel_log_check() {
	local out=$RESULTS/kernel-log.tap name lines taint
	name="no WARNING/BUG/Oops/KASAN/kmemleak/RCU stall/refcount/UBSAN in dmesg"
	if [[ -w $KMEMLEAK ]]; then
		# kmemleak reports an object only once it is 5 s old and was
		# unreferenced in a scan; two scans, as its documentation says,
		# against objects only transiently out of sight.
		sleep 6
		echo scan >"$KMEMLEAK" 2>/dev/null || true
		echo scan >"$KMEMLEAK" 2>/dev/null || true
		cat "$KMEMLEAK" >"$RESULTS/kmemleak.txt" 2>/dev/null || true
	fi
	# Each hit with the test that was running, from our /dev/kmsg markers.
	# A hit brings the 15 lines after it (the trace) along.
	# Known false positives of the kernel's own: scripts/dmesg-known.awk.
	lines=$(dmesg 2>&1 | awk -f "$REPO/scripts/dmesg-known.awk" |
		awk -v re="$SPLAT_RE" -v benign="$BENIGN_RE" '
		/ipsec6-test: begin / { sub(/.*ipsec6-test: begin /, ""); cur = $0; next }
		/ipsec6-test: end / { cur = ""; next }
		ctx == 0 && $0 ~ benign { next }
		$0 ~ re { ctx = 16 }
		ctx > 0 { ctx--; print "# " (cur == "" ? "" : "[" cur "] ") $0 }' | head -n 80)
	[[ -z $lines ]] || lines+=$'\n'"# (whole log: $RESULTS/dmesg.txt)"
	if [[ -s $RESULTS/kmemleak.txt ]]; then
		lines+=$'\n'"# kmemleak: $(grep -c 'unreferenced object' "$RESULTS/kmemleak.txt") unreferenced objects ($RESULTS/kmemleak.txt), $(grep -c 'ipsec6' "$RESULTS/kmemleak.txt" || true) lines naming ipsec6:"
		lines+=$'\n'$(head -n 40 "$RESULTS/kmemleak.txt" | sed 's/^/# /')
	fi
	taint=$(</proc/sys/kernel/tainted)
	if ((taint & TAINT_BAD)); then
		lines+=$'\n'"# kernel tainted: $taint"
	fi
	lines=$(sed '/^$/d' <<<"$lines")
	{
		echo "1..1"
		if [[ -z $lines ]]; then
			echo "ok 1 - $name"
		else
			echo "not ok 1 - $name"
			echo "$lines"
		fi
	} >"$out"
	printf 'rc=0\ntimeout=0\nlimit=0\nseconds=0\n' >"$RESULTS/kernel-log.status"
	cat "$out"
}

echo "# guest-tests: ${#tests[@]} test(s) on $KVER"
if [[ -w $KMEMLEAK ]]; then
	# What boot leaked is not ours: scan, then mark it all as seen.
	s=$(now)
	echo scan >"$KMEMLEAK" 2>/dev/null || true
	echo clear >"$KMEMLEAK" 2>/dev/null || true
	kmsg "leak detector: boot-time reports cleared"
	echo "# kmemleak: boot-time state scanned and cleared in $(awk -v s="$s" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }')s"
fi
for t in "${tests[@]}"; do
	run_one "$t"
done
echo "# ---- kernel log"
kernel_log_check
