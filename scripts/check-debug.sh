#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/check-debug.sh [TEST...] - what "make check-debug" runs: the
# whole suite on the debug kernel (KASAN, kmemleak, lockdep, UBSAN,
# debugobjects, DEBUG_ATOMIC_SLEEP; scripts/debug-kernel.config).
#
# Installs missing dependencies, builds the debug kernel unless it is
# cached (scripts/debug-kernel.sh: under /var/cache/ipsec6, an hour or
# more on 2 cores the first time), then runs scripts/run-tests.sh on it
# alone, so the module is built against the debug kernel's build dir and
# every guest test runs in one VM of it.  Any splat in the kernel log or
# any kmemleak report after the tests fails kernel-log.tap.  The last line
# is "N passed, N failed[, N skipped]".
#
# Defaults that differ from "make check" (override them in the environment):
#   TEST_TIMEOUT_SCALE=4  every test's timeout x4: KASAN and lockdep under
#                         TCG are that much slower
#   VM_MEM=2048           KASAN's shadow and kmemleak's metadata need room
#   LIFECYCLE_RUNS=50     tests/60-lifecycle's reloads and namespace
#                         deletions (20 in make check)
# Everything else as for run-tests.sh (TESTS, HOST_TESTS, QUIET,
# RESULTS_DIR, BUILD_DIR...).  KVERS is set here.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO"

bash scripts/deps.sh
t0=$(date +%s)
if ! kver=$(scripts/debug-kernel.sh | tail -n 1) || [[ -z $kver ]]; then
	echo "check-debug: the debug kernel did not build (scripts/debug-kernel.sh)"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "check-debug: debug kernel $kver ready after $(($(date +%s) - t0))s"

export KVERS=$kver
export TEST_TIMEOUT_SCALE=${TEST_TIMEOUT_SCALE:-4}
export VM_MEM=${VM_MEM:-2048}
# tests/60-lifecycle: 50 reloads and namespace deletions under KASAN
export LIFECYCLE_RUNS=${LIFECYCLE_RUNS:-50}
exec bash scripts/run-tests.sh "$@"
