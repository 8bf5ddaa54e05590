#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Crafted bad packets against the inbound datapath: ICV failures, replays
# and the window edge, unknown SPIs, cleartext under APPLY, truncated and
# inconsistent AH/ESP, bad ESP padding with a valid ICV, dummy packets,
# extension-header chains and AH's mutable options, fragments, packets of
# an SA whose policy was deleted.  Each must move exactly the expected
# drop counter and deliver nothing (or exactly what is expected).  The
# packets are built and injected from h1 by tests/badpackets.py.
# timeout: 240
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dp_lib.sh"

plan_no
"$DP_PY" -c 'import cryptography' 2>/dev/null ||
	skip_all "python3-cryptography is not installed"
check "setup: module, h1/h2, static neighbours" dp_setup
dp_run tests/badpackets.py "$@"
dmesg_clean "no kernel splat"
