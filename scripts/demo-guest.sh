#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/demo-guest.sh - the demo, inside the VM that scripts/demo.sh
# boots: load ipsec6, make two hosts h1 and h2 (network namespaces joined by
# a veth pair) and ping h2 from h1 over link-local.
#   h1 veth0 00:aa:00:53:a9:2c fe80::2aa:ff:fe53:a92c  2001:db8::1
#   h2 veth0 00:aa:00:92:d0:f1 fe80::2aa:ff:fe92:d0f1  2001:db8::2
# To come: ipsec6ctl policies/SAs on both hosts and a tshark decode of the
# ESP/AH packets on the wire.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../tests/lib.sh"
tap_off

step() {
	printf '\n==> %s\n' "$*"
}

step "load ipsec6 ($IPSEC6_KO)"
load_module
lsmod | grep -E '^(ipsec6|veth|esp6|ah6) '

step "two hosts: h1 and h2, joined by veth0"
two_hosts --global
for h in "$H1" "$H2"; do
	echo "[$h]"
	ip -n "$h" -br link show dev veth0
	ip -n "$h" -br -6 addr show dev veth0
done

step "ping h2 from h1 over link-local ($H2_LL%veth0)"
ip netns exec "$H1" ping -c 3 -i 0.2 -I veth0 "$H2_LL"

step "unload ipsec6"
unload_module
echo "demo: done"
