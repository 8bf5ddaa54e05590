#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/fuzz/long.sh ("make fuzz"): the long fuzzing runs.
#
#   1. every libFuzzer target (tests/fuzz/Makefile) for FUZZ_MINUTES
#      minutes (default 10) each, if clang is there;
#   2. per kernel (scripts/kernels.sh, KVERS), one after the other, a VM
#      running tests/50-nlfuzz.sh with NLFUZZ_MESSAGES (default 1,000,000)
#      and tests/51-pktfuzz.sh with PKTFUZZ_PACKETS (default 100,000).
#
# Seeds: NLFUZZ_SEED, PKTFUZZ_SEED (default: the time).  Results in
# RESULTS_DIR/fuzz-KVER/ (console.log: the TAP of both tests) and
# BUILD_DIR/fuzz/ (libFuzzer logs, crash-* reproducers).
set -u
cd "$(dirname "$0")/../.." || exit 1
REPO=$PWD
BUILD_DIR=${BUILD_DIR:-$REPO/build}
RESULTS_DIR=${RESULTS_DIR:-$REPO/results}
export BUILD_DIR RESULTS_DIR
rc=0

if command -v "${CLANG:-clang}" >/dev/null 2>&1; then
	echo "== libFuzzer, ${FUZZ_MINUTES:-10} min per target"
	make -s -C tests/fuzz OUT="$BUILD_DIR/fuzz" run \
		SECONDS=$((${FUZZ_MINUTES:-10} * 60)) || rc=1
else
	echo "== libFuzzer: skipped (no clang)"
fi

for k in $(scripts/kernels.sh); do
	echo "== $k: netlink ${NLFUZZ_MESSAGES:-1000000} messages, packets ${PKTFUZZ_PACKETS:-100000}"
	scripts/build.sh "$k" || { rc=1; continue; }
	out=$RESULTS_DIR/fuzz-$k
	scripts/vm.sh -q -k "$k" -o "$out" -t 10800 \
		-e "NLFUZZ_MESSAGES=${NLFUZZ_MESSAGES:-1000000}" \
		-e "PKTFUZZ_PACKETS=${PKTFUZZ_PACKETS:-100000}" \
		${NLFUZZ_SEED:+-e "NLFUZZ_SEED=$NLFUZZ_SEED"} \
		${PKTFUZZ_SEED:+-e "PKTFUZZ_SEED=$PKTFUZZ_SEED"} \
		-- bash -c 'r=0; for t in tests/50-nlfuzz.sh tests/51-pktfuzz.sh; do
			echo "# $t"; bash "$t" </dev/null || r=1; done; exit $r' ||
		rc=1
	grep -E '^(not )?ok|^# (nlfuzz|[0-9]+ (packets|requests)|delivered|ipsec6 drops)' \
		"$out/console.log"
done
echo "fuzz: $([[ $rc == 0 ]] && echo OK || echo FAILED)"
exit $rc
