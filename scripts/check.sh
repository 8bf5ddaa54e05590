#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/check.sh [TEST...] - what "make check" runs: install missing
# dependencies, then scripts/run-tests.sh (see there for KVERS, TESTS,
# PARALLEL, QUIET...).  The last line is "N passed, N failed[, N skipped]".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/deps.sh
exec bash scripts/run-tests.sh "$@"
