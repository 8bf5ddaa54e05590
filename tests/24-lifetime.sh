#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SA lifetimes and sequence numbers:
#
#     h1 2001:db8::1 (ipsec6) ==== veth ==== h2 2001:db8::2 (ipsec6 or XFRM)
#
# Soft and hard limits by packets, bytes and seconds (since added, since
# first used): the soft limit is announced on the events group, the hard
# limit is announced, the SA stops at once and is removed from the tables.
# The sender never cycles its sequence number (32-bit, and 64-bit ESN
# carried across 2^32); "ipsec6ctl monitor" prints all of it (-j).
# timeout: 300
. "$(dirname "$0")/lib.sh"

plan_no
check "module loads" load_module
check "two hosts" two_hosts --global
A=$H1_IP
B=$H2_IP
KEY=0x0102030405060708090a0b0c0d0e0f1011121314
W=$(mktemp -d)
at_exit rm -rf "$W"

ctl1() { ip netns exec h1 "$IPSEC6CTL" "$@"; }
ctl2() { ip netns exec h2 "$IPSEC6CTL" "$@"; }

# setup PEER OUT_OPTS... : ESP AES-GCM both ways, h1's outbound SA (SPI
# 0x2001) takes the extra options.
setup() {
	local peer=$1
	shift
	ctl1 sa flush && ctl1 policy flush || return 1
	ctl1 sa add src "$A" dst "$B" proto esp spi 0x2001 mode transport \
		aead gcm "$KEY" 128 "$@" || return 1
	ctl1 sa add src "$B" dst "$A" proto esp spi 0x2002 mode transport \
		aead gcm "$KEY" 128 || return 1
	ctl1 policy add src "$A" dst "$B" dir out tmpl proto esp mode transport &&
		ctl1 policy add src "$B" dst "$A" dir in tmpl proto esp mode transport ||
		return 1
	if [[ $peer == module ]]; then
		# h2 was an XFRM peer before: XFRM must not be in the way.
		ip -n h2 xfrm state flush && ip -n h2 xfrm policy flush &&
			ctl2 sa flush && ctl2 policy flush || return 1
		ctl2 sa add src "$A" dst "$B" proto esp spi 0x2001 mode transport \
			aead gcm "$KEY" 128 "${PEER_OPTS[@]}" || return 1
		ctl2 sa add src "$B" dst "$A" proto esp spi 0x2002 mode transport \
			aead gcm "$KEY" 128 || return 1
		ctl2 policy add src "$B" dst "$A" dir out tmpl proto esp mode transport &&
			ctl2 policy add src "$A" dst "$B" dir in tmpl proto esp mode transport
	else
		ip -n h2 xfrm state flush && ip -n h2 xfrm policy flush || return 1
		ip -n h2 xfrm state add src "$A" dst "$B" proto esp spi 0x2001 mode transport \
			aead 'rfc4106(gcm(aes))' "$KEY" 128 "${PEER_OPTS[@]}" || return 1
		ip -n h2 xfrm state add src "$B" dst "$A" proto esp spi 0x2002 mode transport \
			aead 'rfc4106(gcm(aes))' "$KEY" 128 || return 1
		ip -n h2 xfrm policy add src "$B" dst "$A" dir out tmpl proto esp mode transport &&
			ip -n h2 xfrm policy add src "$A" dst "$B" dir in tmpl proto esp mode transport
	fi
}

monitor_start() {
	: >"$W/events"
	ip netns exec h1 "$IPSEC6CTL" -j monitor >"$W/events" 2>&1 &
	_mon=$!
	# Known to be listening once it reports a change we make.
	ctl1 policy add src 2001:db8:ffff::1 dst 2001:db8:ffff::2 dir out \
		index 999 action block
	wait_for 10 grep -q '"changed"' "$W/events"
	ctl1 policy del index 999
}

monitor_stop() {
	kill "$_mon" 2>/dev/null
	wait "$_mon" 2>/dev/null
}

has_sa() { ctl1 sa list 2>/dev/null | grep -q "spi 0x00002001"; }
pings() { ip netns exec h1 ping -c "$1" -i 0.1 -W 1 -q "$B" 2>&1 | grep -o '[0-9]* received'; }

# ---- packets --------------------------------------------------------------
PEER_OPTS=()
monitor_start
check "packet limits: soft 5, hard 10" setup xfrm limit packet-soft 5 limit packet-hard 10
check "SA is listed with its limits" bash -c "ip netns exec h1 '$IPSEC6CTL' -j sa list | grep -q '\"hard_packets\":10'"
is "$(pings 4)" "4 received" "4 packets pass"
unlike "$(cat "$W/events")" '"sa-expired"' "no expiry before the soft limit"
is "$(pings 2)" "2 received" "packets 5 and 6 pass"
check "soft expiry announced" wait_for 5 grep -q '"expire":"soft".*"spi":8193' "$W/events"
like "$(ctl1 -j sa list)" '"state":"soft-expired"' "the SA shows soft-expired"
out=$(pings 6)
is "$out" "4 received" "packets 7-10 pass, 11 and 12 do not"
check "hard expiry announced" wait_for 5 grep -q '"expire":"hard".*"spi":8193' "$W/events"
check "the SA is removed" wait_for 10 bash -c "! ip netns exec h1 '$IPSEC6CTL' sa list | grep -q 'spi 0x00002001'"
like "$(ctl1 -j stats)" '"expired":[1-9]' "the drops are counted as expired"
# After the hard expiry: the SA's deletion, its change set (and acquires
# for the packets that found no SA any more).
like "$(sed -n '/"expire":"hard"/,$p' "$W/events")" '"event":"changed"' \
	"the removal is a published change"
monitor_stop

# ---- bytes ----------------------------------------------------------------
monitor_start
check "byte limits: soft 1000, hard 3000" setup xfrm limit byte-soft 1000 limit byte-hard 3000
ip netns exec h1 ping -c 30 -i 0.05 -W 1 -q -s 200 "$B" >/dev/null 2>&1
check "byte soft expiry announced" wait_for 5 grep -q '"expire":"soft"' "$W/events"
check "byte hard expiry announced" wait_for 5 grep -q '"expire":"hard"' "$W/events"
check "the SA is removed" wait_for 10 bash -c "! ip netns exec h1 '$IPSEC6CTL' sa list | grep -q 'spi 0x00002001'"
monitor_stop

# ---- seconds since added, since first use ------------------------------------
monitor_start
check "time limits: soft 1 s, hard 2 s after adding" setup xfrm limit time-soft 1 limit time-hard 2
check "time soft expiry announced" wait_for 5 grep -q '"expire":"soft"' "$W/events"
check "time hard expiry announced" wait_for 5 grep -q '"expire":"hard"' "$W/events"
check "the SA is removed" wait_for 10 bash -c "! ip netns exec h1 '$IPSEC6CTL' sa list | grep -q 'spi 0x00002001'"
monitor_stop

monitor_start
check "use limits: hard 1 s after first use" setup xfrm limit time-use-hard 1
sleep 2.5 # an unused SA must outlive its use limit: nothing to wait for
check "unused, the SA is still there after 2.5 s" has_sa
is "$(pings 1)" "1 received" "first use"
check "use hard expiry announced" wait_for 5 grep -q '"expire":"hard"' "$W/events"
check "the SA is removed" wait_for 10 bash -c "! ip netns exec h1 '$IPSEC6CTL' sa list | grep -q 'spi 0x00002001'"
monitor_stop

# ---- sequence numbers -------------------------------------------------------
PEER_OPTS=(replay-window 32)
monitor_start
check "32-bit sequence starting at 2^32-3" setup xfrm replay-oseq 0xfffffffd replay-window 32
is "$(pings 3)" "2 received" "sequence numbers 2^32-2 and 2^32-1 are used, then it stops"
check "exhaustion announced" wait_for 5 grep -q '"expire":"seq"' "$W/events"
like "$(ctl1 -j stats)" '"seq_exhausted":[1-9]' "counted as seq_exhausted"
check "the SA is removed" wait_for 10 bash -c "! ip netns exec h1 '$IPSEC6CTL' sa list | grep -q 'spi 0x00002001'"
monitor_stop

# ESN: the sender crosses 2^32, the receiver (ipsec6) infers the high half.
PEER_OPTS=(flag esn replay-window 64 replay-seq 0xfffffff0)
check "ESN sender at 2^32-2, receiver window near it" \
	setup module flag esn replay-window 64 replay-oseq 0xfffffffe
is "$(pings 4)" "4 received" "pings across 2^32 with ESN"
like "$(ctl1 -j sa list)" '"seq":4294967298' "h1 sent up to 2^32+2"
like "$(ctl2 -j sa list)" '"rseq":4294967298' "h2 accepted up to 2^32+2 (high half inferred)"
like "$(ctl2 -j stats)" '"replay":0,' "no replay drops across the boundary"
like "$(ctl2 -j stats)" '"icv_fail":0,' "no ICV failures across the boundary"

dmesg_clean "no kernel splat"
