#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/demo.sh - what "make demo" runs: build the module (and the tool)
# for the newest Debian 6.1 kernel and boot a VM running
# scripts/demo-guest.sh, its console shown live.  Output also lands in
# results/demo/.  DEMO_KVER=... picks another kernel.  The kernel-ipsec6
# charon plugin is built too (as scripts/run-tests.sh does); without it the
# guest skips the strongSwan part.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO"
bash scripts/deps.sh
k=${DEMO_KVER:-$(scripts/kernels.sh | grep -m1 '^6\.1\.' || true)}
[[ -n $k ]] || { echo "demo: no Debian 6.1 kernel installed" >&2; exit 1; }
scripts/build.sh "$k"
mkdir -p "$REPO/build"
log=$REPO/build/strongswan-demo.log
if ! make -C tools/strongswan >"$log" 2>&1; then
	echo "demo: the kernel-ipsec6 plugin did not build (see $log);" \
		"the strongSwan part will be skipped" >&2
fi
exec scripts/vm.sh -k "$k" -o "$REPO/results/demo" -t "${DEMO_TIMEOUT:-600}" -- \
	scripts/demo-guest.sh "$@"
