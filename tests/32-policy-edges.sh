#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Edges of the SPD, each a rule of Documentation/design.rst, with packets
# crafted on h1 against ipsec6 in h2 (tests/policy_edges.py):
#
#   h1 2001:db8::1 ======== veth ======== h2 2001:db8::2, ::22, ::23
#   (injects, captures,                   (ipsec6; seg6 on, so its stack
#    XFRM as the reference)                follows segment routing headers)
#
#   - routing headers: outbound, the final destination picks the policy
#     (XFRM does the same); inbound, cleartext whose routing header leads
#     to an address under APPLY is dropped
#   - cleartext multicast under APPLY is dropped both ways; Neighbour
#     Discovery passes
#   - ICMPv6 errors about protected traffic leave protected (or not at
#     all); arriving errors must quote traffic consistent with their SA
#   - SAs without source address or policy speak for no gateway; inner
#     packets pass ip6_rcv_core()'s address checks
#   - a Packet Too Big refused by the SPD does not move the path MTU
# timeout: 240
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dp_lib.sh"

plan_no
"$DP_PY" -c 'import cryptography' 2>/dev/null ||
	skip_all "python3-cryptography is not installed"
check "setup: module, h1/h2, static neighbours" dp_setup
modprobe -a -q xfrm_user esp6 2>/dev/null
edges_setup() {
	ip -n "$H2" -batch - <<-EOF || return 1
	address add 2001:db8::22/64 dev $H2_IF nodad
	address add 2001:db8::23/64 dev $H2_IF nodad
	neigh replace 2001:db8::12 lladdr $H1_MAC dev $H2_IF nud permanent
	route add 2001:db8:5::/48 via $H1_IP
	route add 2001:db8:9::/48 via $H1_IP
	EOF
	ip -n "$H1" neigh replace 2001:db8::22 lladdr "$H2_MAC" dev "$H1_IF" \
		nud permanent || return 1
	ip netns exec "$H2" sysctl -qw net.ipv6.conf.all.seg6_enabled=1 \
		"net.ipv6.conf.$H2_IF.seg6_enabled=1" net.ipv6.icmp.ratelimit=0
}
check "setup: h2's addresses, routes, seg6, no ICMP rate limit" edges_setup
dp_run tests/policy_edges.py "$@"
dmesg_clean "no kernel splat"
