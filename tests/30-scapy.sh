#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipsec6 against an independent implementation: scapy's IPsec layer (and,
# for what scapy lacks - truncated GCM ICVs, GMAC, ESN with a separate
# MAC - the test's own code on python3-cryptography).  For each algorithm,
# scapy verifies and decrypts what h2 sends, and h2 accepts what scapy
# builds (tests/scapy_interop.py).
# timeout: 240
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dp_lib.sh"

plan_no
"$DP_PY" -c 'import scapy.layers.ipsec, cryptography' 2>/dev/null ||
	skip_all "python3-scapy or python3-cryptography is not installed"
check "setup: module, h1/h2, static neighbours" dp_setup
dp_run tests/scapy_interop.py "$@"
dmesg_clean "no kernel splat"
