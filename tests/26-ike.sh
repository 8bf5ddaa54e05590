#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What an IKE daemon relies on, between two hosts running ipsec6:
#
#     h1 2001:db8::1 ============ veth ============ h2 2001:db8::2
#
#  1. make-before-break: ESP both ways, a ping every 50 ms (600 of them).  A new SA pair
#     (new SPIs, new keys) is installed as IKE rekeys, the receiving side of
#     each SA first: each direction moves to its new SA with the next
#     packet (the old one counts nothing more).  The old SAs are deleted,
#     sending side first: not one ping lost.
#  2. socket bypass: APPLY policies for all traffic between the hosts and
#     no SA (static neighbours: Neighbour Discovery would be trapped too).
#     A UDP exchange between two sockets registered with SOCKET_BYPASS
#     (tests/bypass_helper.py reads SO_COOKIE) passes both ways; an
#     unregistered client gets nothing out (NO_SA), a registered client
#     to an unregistered server is dropped on arrival (CLEARTEXT); an
#     SA_FLUSH with the owner ends the client's registration.
# timeout: 300
. "$(dirname "$0")/lib.sh"

plan_no
check "module loads" load_module
check "two hosts" two_hosts --global
A=$H1_IP
B=$H2_IP
K1=0x0102030405060708090a0b0c0d0e0f1011121314
K2=0x1112131415161718191a1b1c1d1e1f2021222324
K3=0x2122232425262728292a2b2c2d2e2f3031323334
K4=0x3132333435363738393a3b3c3d3e3f4041424344
W=$(mktemp -d)
at_exit rm -rf "$W"
HELPER=tests/bypass_helper.py
IKE=0x4b45

# esp NS SRC DST SPI KEY: an ESP transport SA, AES-GCM
esp() {
	ctl "$1" sa add src "$2" dst "$3" proto esp spi "$4" mode transport \
		aead gcm "$5" 128
}

# pkts NS DST SPI: packets counted by that SA
pkts() {
	ctl "$1" -j sa get dst "$2" proto esp spi "$3" |
		sed -n 's/.*"packets": *\([0-9]*\).*/\1/p'
}

# at_least N NS DST SPI
at_least() {
	local n
	n=$(pkts "$2" "$3" "$4")
	((${n:-0} >= $1))
}

# stat NS NAME: a drop counter of the namespace
stat() {
	ctl "$1" -j stats | sed -n "s/.*\"$2\": *\([0-9]*\).*/\1/p"
}

# policies: ESP transport for everything between the hosts, both ways
policies() {
	ctl h1 policy add src "$A" dst "$B" dir out tmpl proto esp mode transport &&
		ctl h1 policy add src "$B" dst "$A" dir in tmpl proto esp mode transport &&
		ctl h2 policy add src "$B" dst "$A" dir out tmpl proto esp mode transport &&
		ctl h2 policy add src "$A" dst "$B" dir in tmpl proto esp mode transport
}

setup_esp() {
	esp h1 "$A" "$B" 0x1001 "$K1" && esp h1 "$B" "$A" 0x1002 "$K2" &&
		esp h2 "$A" "$B" 0x1001 "$K1" && esp h2 "$B" "$A" 0x1002 "$K2" &&
		policies
}

# rekey_in / rekey_out: the receiving side of each new SA, then the sending
rekey_in() { esp h2 "$A" "$B" 0x1101 "$K3" && esp h1 "$B" "$A" 0x1102 "$K4"; }
rekey_out() { esp h1 "$A" "$B" 0x1101 "$K3" && esp h2 "$B" "$A" 0x1102 "$K4"; }

del_old() {
	ctl h1 sa del dst "$B" proto esp spi 0x1001 &&
		ctl h2 sa del dst "$A" proto esp spi 0x1002 &&
		ctl h2 sa del dst "$B" proto esp spi 0x1001 &&
		ctl h1 sa del dst "$A" proto esp spi 0x1002
}

no_sa_setup() {
	ctl h1 sa flush && ctl h2 sa flush &&
		ctl h1 policy flush && ctl h2 policy flush && policies &&
		ip -n h1 neigh replace "$B" lladdr 00:aa:00:92:d0:f1 dev veth0 nud permanent &&
		ip -n h2 neigh replace "$A" lladdr 00:aa:00:53:a9:2c dev veth0 nud permanent
}

# --- 1. make-before-break ---------------------------------------------------

check "1: ESP both ways (SPIs 0x1001 h1->h2, 0x1002 h2->h1) and policies" \
	setup_esp
check "1: a ping passes" in_ns h1 ping -c 1 -W 2 "$B"

# Long enough to outlast the rekey on a loaded machine (TCG: 50-90 ms a
# ping), and as much longer as the timeouts on a slower kernel (the debug
# kernel: x4); the end result counts, so it is waited for.
NPING=$((600 * ${TEST_TIMEOUT_SCALE:-1}))
in_ns h1 ping -c "$NPING" -i 0.05 -W 2 "$B" >"$W/ping" 2>&1 &
ping_pid=$!
check "1: a ping every 50 ms runs through SAs 0x1001/0x1002" \
	wait_for 20 at_least 5 h1 "$B" 0x1001
check "1: rekey: h2 adds the new SA it receives on (0x1101), h1 the one it receives on (0x1102)" \
	rekey_in
check "1: h1 adds its new outbound SA 0x1101, h2 its new 0x1102" \
	rekey_out
o1=$(pkts h1 "$B" 0x1001)
o2=$(pkts h2 "$A" 0x1002)
check "1: the next echo requests go through the new SA 0x1101" \
	wait_for 10 at_least 5 h1 "$B" 0x1101
check "1: ... and the replies through the new SA 0x1102" \
	wait_for 10 at_least 5 h2 "$A" 0x1102
n1=$(pkts h1 "$B" 0x1001)
n2=$(pkts h2 "$A" 0x1002)
ok $((n1 - o1 <= 1 && n2 - o2 <= 1 ? 0 : 1)) \
	"1: the old SAs carried nothing more after the new ones came ($o1 -> $n1, $o2 -> $n2)"
check "1: the old SAs deleted, the sending side first" del_old
n1=$(pkts h1 "$B" 0x1101)
check "1: the ping goes on through the new SAs" \
	wait_for 10 at_least $((n1 + 5)) h1 "$B" 0x1101
check "1: ... and was still running then" kill -0 "$ping_pid"
wait "$ping_pid"
like "$(cat "$W/ping")" " $NPING received, 0% packet loss" \
	"1: not one of the $NPING pings was lost"
diag "$(tail -n 2 "$W/ping")"

# --- 2. socket bypass ---------------------------------------------------------

check "2: no SA, APPLY policies for all traffic both ways, static neighbours" \
	no_sa_setup
check_fail "2: a ping does not pass" in_ns h1 ping -c 1 -W 1 "$B"

# The servers end by themselves after 240 s, or when the test kills them.
in_ns h2 python3 "$HELPER" serve 500 240 --register --owner "$IKE" \
	>"$W/srv500" 2>&1 &
srv500=$!
in_ns h2 python3 "$HELPER" serve 501 240 >"$W/srv501" 2>&1 &
srv501=$!
check "2: h2: a UDP server on port 500 registered with SOCKET_BYPASS (owner $IKE)" \
	wait_for 60 grep -qx ready "$W/srv500"
check "2: h2: one on port 501, not registered" \
	wait_for 60 grep -qx ready "$W/srv501"
if inbound_socket_bypass; then
	check "2: h1: a registered socket exchanges datagrams with h2's registered socket" \
		in_ns h1 python3 "$HELPER" send "$B" 500 --register --owner "$IKE"
else
	skip "2: h1: a registered socket exchanges datagrams with h2's registered socket" \
		"$NO_INBOUND_BYPASS"
fi
nosa=$(stat h1 no_sa)
check_fail "2: h1: an unregistered socket gets no answer from it" \
	in_ns h1 python3 "$HELPER" send "$B" 500
is "$(stat h1 no_sa)" $((nosa + 1)) "2: ... its datagram was dropped on h1 as NO_SA"
clear=$(stat h2 cleartext)
check_fail "2: h1: a registered socket gets no answer from h2's unregistered socket" \
	in_ns h1 python3 "$HELPER" send "$B" 501 --register --owner "$IKE"
is "$(stat h2 cleartext)" $((clear + 1)) "2: ... its datagram was dropped on h2 as CLEARTEXT"
if inbound_socket_bypass; then
	check "2: h1: SA_FLUSH with the owner ends a registration: the same socket then gets no answer" \
		in_ns h1 python3 "$HELPER" send "$B" 500 --register --owner "$IKE" --flush
else
	skip "2: h1: SA_FLUSH with the owner ends a registration: the same socket then gets no answer" \
		"$NO_INBOUND_BYPASS"
fi
kill "$srv500" "$srv501" 2>/dev/null
wait "$srv500" "$srv501" 2>/dev/null

dmesg_clean "no kernel splat"
