#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The hooks are on in a namespace only while its tables hold more than the
# default policy (Documentation/design.rst, "Hooks"); the packet counter
# of policy 1 (all traffic, BYPASS) shows when they are:
#
#     h1 2001:db8::1 ===== veth ===== h2 2001:db8::2
#
#  1. fresh namespaces: pings pass, policy 1 of h1 counts nothing.
#  2. a DISCARD policy for other addresses: pings pass, policy 1 counts
#     them (both ways: the requests out, the replies in).
#  3. policy flush, back to the default policy alone: pings pass, the
#     count stays where it was.
#  4. an SA alone, without a policy that uses it: the hooks are on again.
# timeout: 120
. "$(dirname "$0")/lib.sh"

plan_no
check "module loads" load_module
check "two hosts" two_hosts --global

# packets counted by policy 1 of h1
count1() {
	ctl h1 -j policy get index 1 |
		sed -n 's/.*"packets":\([0-9]*\).*/\1/p'
}

pings() {
	in_ns h1 ping -c 5 -i 0.1 -W 2 "$H2_IP" >/dev/null
}

c=$(count1)
is "$c" 0 "1: a fresh namespace: policy 1 has counted nothing"
check "1: h1 pings h2" pings
is "$(count1)" 0 "1: the hooks are off: policy 1 still counted nothing"

check "2: a DISCARD policy for 2001:db8:ff::/64" \
	ctl h1 policy add src 2001:db8::1 dst 2001:db8:ff::/64 dir out action block
check "2: h1 pings h2" pings
c=$(count1)
ok $((c >= 10 ? 0 : 1)) "2: the hooks are on: policy 1 counted the requests and replies ($c)"

check "3: policy flush (the default policy alone)" ctl h1 policy flush
# Read after the flush: a neighbour probe may still be counted between
# step 2's reading and the flush (seen under load on 6.12).
c=$(count1)
check "3: h1 pings h2" pings
is "$(count1)" "$c" "3: the hooks are off again: policy 1 counted nothing more"

K=0x0102030405060708090a0b0c0d0e0f1011121314
check "4: an SA, no policy uses it" \
	ctl h1 sa add src 2001:db8::1 dst 2001:db8::2 proto esp spi 0x4001 \
	mode transport aead 'rfc4106(gcm(aes))' "$K" 128
check "4: h1 pings h2 (in the clear: no policy asks for ESP)" pings
c4=$(count1)
ok $((c4 >= c + 5 ? 0 : 1)) "4: the hooks are on: policy 1 counted again ($c -> $c4)"
check "4: SA flush" ctl h1 sa flush
dmesg_clean "no kernel splat"
