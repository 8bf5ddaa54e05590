#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/run-tests.sh [TEST...]
#
# The whole suite: builds ipsec6ctl and the module for every kernel of
# scripts/kernels.sh, runs the host tests (tests/host/*) once, then boots one
# VM per kernel running scripts/guest-tests.sh, and summarises all TAP with
# scripts/tap_summary.py.  Its last line is "N passed, N failed[, N skipped]";
# it exits non-zero if anything failed.  Results: results/ (RESULTS_DIR).
#
# Environment:
#   KVERS="K1 K2"    kernels (default: scripts/kernels.sh)
#   TESTS="..."      guest tests (default: all; or pass them as arguments)
#   HOST_TESTS=0     skip tests/host; HOST_TESTS="tap-parser ..." selects
#   PARALLEL=0|1     VMs one after the other / at once (default 1: faster
#                    on 2 cores, see Documentation/testing.md)
#   QUIET=1          don't stream the VM consoles (they are in results/)
#   VM_MEM, VM_CPUS  per VM (default 1024 MiB, 1 vCPU)
#   TEST_TIMEOUT     default per-test timeout in seconds (300)
#   NLFUZZ_*, PKTFUZZ_*  passed to the guest (tests/50-nlfuzz.sh, 51-pktfuzz.sh)
#   LIFECYCLE_RUNS, LIFECYCLE_SCALE  passed to the guest (tests/60, 61)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO"
OUT=${RESULTS_DIR:-$REPO/results}
PARALLEL=${PARALLEL:-1}
QUIET=${QUIET:-0}

t0=$(date +%s)
elapsed() { echo "$(($(date +%s) - t0))s"; }

# The summary line must come last even when we give up early.
give_up() {
	echo "run-tests: $*"
	echo "0 passed, 1 failed"
	exit 1
}

# ---- what to run -----------------------------------------------------------
kernels=()
mapfile -t kernels < <(scripts/kernels.sh || true)
((${#kernels[@]})) || give_up "no kernel to test on (scripts/kernels.sh)"
sel=$(scripts/guest-tests.sh --list "$@" 2>&1) || give_up "$sel"
tests=() ids=() limits=()
while IFS=$'\t' read -r path id limit; do
	[[ -n $path ]] || continue
	tests+=("$path") ids+=("$id") limits+=("$limit")
done <<<"$sel"

rm -rf "$OUT"
mkdir -p "$OUT/host"
echo host >"$OUT/host/label"
: >"$OUT/host/expected"

# A one-point TAP result for a step the runner does itself.
# step_result DIR ID STATUS(ok|fail|skip) NAME [LOG]
step_result() {
	local dir=$1 id=$2 st=$3 name=$4 log=${5:-}
	{
		echo "1..1"
		case $st in
		ok) echo "ok 1 - $name" ;;
		skip) echo "ok 1 - $name # SKIP ${log:-}"; log= ;;
		*)
			echo "not ok 1 - $name"
			[[ -n $log && -f $log ]] &&
				grep -E '(warning|error):|^WARNING:|FAILED|build:' "$log" |
				head -n 40 | sed 's/^/# /'
			;;
		esac
	} >"$dir/$id.tap"
	printf 'rc=0\ntimeout=0\nlimit=0\nseconds=0\n' >"$dir/$id.status"
}

# ---- builds ----------------------------------------------------------------
echo "== build ($(elapsed))"
printf 'build-ipsec6ctl\tbuild ipsec6ctl\n' >>"$OUT/host/expected"
log=$OUT/host/build-ipsec6ctl.log
if [[ ! -f tools/ipsec6ctl/Makefile ]]; then
	step_result "$OUT/host" build-ipsec6ctl skip "build ipsec6ctl" "tools/ipsec6ctl not there yet"
	echo "build: tools/ipsec6ctl/Makefile not there yet, tool skipped"
elif scripts/build.sh --tool-only >"$log" 2>&1; then
	step_result "$OUT/host" build-ipsec6ctl ok "build ipsec6ctl"
	cat "$log"
else
	step_result "$OUT/host" build-ipsec6ctl fail "build ipsec6ctl" "$log"
	cat "$log"
fi

# The charon plugin the IKE tests (tests/7x-ike*) load; they skip without it.
printf 'build-strongswan\tbuild the kernel-ipsec6 plugin\n' >>"$OUT/host/expected"
log=$OUT/host/build-strongswan.log
if [[ ! -f tools/strongswan/Makefile ]]; then
	step_result "$OUT/host" build-strongswan skip "build the kernel-ipsec6 plugin" "tools/strongswan not there yet"
elif make -C tools/strongswan >"$log" 2>&1 && ! grep -q 'warning:' "$log"; then
	step_result "$OUT/host" build-strongswan ok "build the kernel-ipsec6 plugin"
	echo "build: kernel-ipsec6 plugin ok"
else
	step_result "$OUT/host" build-strongswan fail "build the kernel-ipsec6 plugin" "$log"
	cat "$log"
fi

declare -A built=()
for k in "${kernels[@]}"; do
	d=$OUT/$k
	mkdir -p "$d"
	echo "$k" >"$d/label"
	{
		printf 'build\tbuild module\n'
		for i in "${!tests[@]}"; do
			printf '%s\t%s\n' "${ids[i]}" "${tests[i]}"
		done
		printf 'kernel-log\tkernel log\n'
	} >"$d/expected"
	if scripts/build.sh --module-only "$k" >"$d/build.log" 2>&1; then
		step_result "$d" build ok "module builds for $k with W=1, no warnings"
		built[$k]=1
	else
		step_result "$d" build fail "module builds for $k with W=1, no warnings" "$d/build.log"
		echo "module build failed for $k: guest tests not run" >"$d/group.status"
	fi
	cat "$d/build.log"
done

# ---- host tests ------------------------------------------------------------
if [[ ${HOST_TESTS:-} != 0 ]]; then
	echo "== host tests ($(elapsed))"
	for f in tests/host/*; do
		[[ -f $f && -x $f ]] || continue
		id=${f##*/}
		id=${id%.sh}
		if [[ -n ${HOST_TESTS:-} && " $HOST_TESTS " != *" $id "* && " $HOST_TESTS " != *" $f "* ]]; then
			continue
		fi
		limit=$(head -n 20 "$f" | sed -n 's/^#[[:space:]]*timeout:[[:space:]]*\([0-9]\+\).*/\1/p' | head -n 1)
		limit=${limit:-${TEST_TIMEOUT:-300}}
		printf '%s\t%s\n' "$id" "$f" >>"$OUT/host/expected"
		s=$(date +%s.%N)
		set +e
		timeout -k 10 "$limit" "./$f" </dev/null >"$OUT/host/$id.tap" 2>"$OUT/host/$id.log"
		rc=$?
		set -e
		to=0
		((rc == 124 || rc == 137)) && to=1
		printf 'rc=%s\ntimeout=%s\nlimit=%s\nseconds=%s\n' "$rc" "$to" "$limit" \
			"$(awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')" \
			>"$OUT/host/$id.status"
		echo "$f: rc=$rc"
	done
fi

# ---- VMs -------------------------------------------------------------------
vm_env=()
[[ -n ${TEST_TIMEOUT:-} ]] && vm_env+=(-e "TEST_TIMEOUT=$TEST_TIMEOUT")
[[ -n ${TEST_TIMEOUT_SCALE:-} ]] && vm_env+=(-e "TEST_TIMEOUT_SCALE=$TEST_TIMEOUT_SCALE")
# the fuzzers' knobs, so that a failing seed can be replayed with make check
# and the lifecycle tests' (tests/60-lifecycle.sh, lc_lib.sh)
for v in NLFUZZ_SEED NLFUZZ_MESSAGES NLFUZZ_UNPRIV_MESSAGES PKTFUZZ_SEED \
	PKTFUZZ_PACKETS LIFECYCLE_RUNS LIFECYCLE_SCALE; do
	[[ -n ${!v:-} ]] && vm_env+=(-e "$v=${!v}")
done
run_vm() {
	local k=$1 d=$OUT/$1 limit=120 l rc
	for l in "${limits[@]}"; do
		limit=$((limit + l + 15))
	done
	set +e
	if ((QUIET)); then
		scripts/vm.sh -q -k "$k" -o "$d" -t "$limit" "${vm_env[@]}" -- \
			scripts/guest-tests.sh "${tests[@]}" >"$d/vm.log" 2>&1
		rc=$?
	else
		scripts/vm.sh -k "$k" -o "$d" -t "$limit" "${vm_env[@]}" -- \
			scripts/guest-tests.sh "${tests[@]}" 2>&1 |
			tee "$d/vm.log" | sed -u "s/^/[$k] /"
		rc=${PIPESTATUS[0]}
	fi
	set -e
	echo "$rc" >"$d/vm.rc"
	case $rc in
	0 | 1) ;;
	124) echo "the VM timed out after ${limit}s (see $d/serial.log)" >"$d/group.status" ;;
	125) echo "the VM crashed or ended without an exit code (see $d/serial.log)" >"$d/group.status" ;;
	*) echo "scripts/guest-tests.sh exited with $rc (see $d/console.log)" >"$d/group.status" ;;
	esac
	echo "[$k] VM done: rc=$rc ($(elapsed))"
}

echo "== VMs: ${#tests[@]} test(s) x ${#kernels[@]} kernel(s) ($(elapsed))"
pids=()
for k in "${kernels[@]}"; do
	[[ -n ${built[$k]:-} ]] || continue
	if ((PARALLEL)); then
		run_vm "$k" &
		pids+=($!)
	else
		run_vm "$k"
	fi
done
for p in "${pids[@]}"; do
	wait "$p" || true
done

# ---- summary ---------------------------------------------------------------
echo "== summary ($(elapsed))"
groups=("$OUT/host")
for k in "${kernels[@]}"; do
	groups+=("$OUT/$k")
done
py=python3
[[ -x /usr/bin/python3 ]] && py=/usr/bin/python3
exec "$py" scripts/tap_summary.py "${groups[@]}"
