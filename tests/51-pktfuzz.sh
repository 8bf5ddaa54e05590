#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packet fuzzing against Linux XFRM (tests/pktfuzz.py): mutated ESP and AH
# packets (before the ICV, after it, extension-header chains, fragments,
# replays, cleartext) go from h1 to h2 (ipsec6) and to h3 (esp6/ah6 set up
# with "ip xfrm", same SAs and policies).  The packets that reach h2's
# socket are exactly those that reach h3's; nothing that must be dropped
# reaches a socket; every drop is counted.
#
# PKTFUZZ_PACKETS (default 3000) and PKTFUZZ_SEED; "make fuzz" sends
# 100,000.
# timeout: 1800
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dp_lib.sh"

N=${PKTFUZZ_PACKETS:-3000}
SEED=${PKTFUZZ_SEED:-$(date +%s)}

plan_no
"$DP_PY" -c 'import cryptography' 2>/dev/null ||
	skip_all "python3-cryptography is not installed"

setup() {
	load_module || return 1
	modprobe -a -q "${DP_CRYPTO_MODULES[@]}" 2>/dev/null
	ns_create h1 h2 h3 || return 1
	veth_pair h1 v2 "$H1_MAC" h2 veth0 "$H2_MAC" || return 1
	veth_pair h1 v3 00:aa:00:53:a9:2d h3 veth0 "$H2_MAC" || return 1
	ip -n h2 addr add "$H2_IP/64" dev veth0 nodad || return 1
	ip -n h3 addr add "$H2_IP/64" dev veth0 nodad || return 1
	sysctl -qw net.core.netdev_max_backlog=10000
}
check "setup: module, h1 -> h2 (ipsec6) and h1 -> h3 (XFRM)" setup
note "seed $SEED"
dp_run tests/pktfuzz.py "$N" "$SEED"
dmesg_clean "no kernel splat"
