#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# UDP encapsulation of ESP (RFC 3948) against Linux XFRM's "encap espinudp"
# timeout: 600
#
#     h1 2001:db8::1  (ipsec6, ipsec6ctl)       inner 2001:db8:a::1 (tunnel)
#      |  veth, captured on h1 (ipsec6 re-injects nothing)
#     h2 2001:db8::2  (Linux XFRM, ip xfrm)      inner 2001:db8:b::2 (tunnel)
#
# The same ip-xfrm lines on both sides, "encap espinudp 4500 4500 ::"; h2
# holds a UDP_ENCAP socket on port 4500 (XFRM needs one), h1 a plain UDP
# socket on 4500 (ipsec6 needs none: it recognises ESP by the SAs' ports).
#   1. transport mode: ping and TCP both ways; sa list and -j show the
#      encapsulation.
#   2. what reaches h1's socket on port 4500: cleartext from h2 under the
#      APPLY policy is dropped (CLEARTEXT) until SOCKET_BYPASS registers the
#      socket; then the IKE non-ESP marker and a NAT keepalive (0xff) arrive
#      untouched, and none of the ESP packets ever did.  ESP in UDP with an
#      unknown SPI is dropped (UNKNOWN_SPI), with the SPI of an SA without
#      encapsulation too, and bare ESP for the encapsulated SA
#      (ENCAP_MISMATCH).
#   3. sa update to another source port (a NAT mapping change) keeps the
#      sequence numbers: XFRM's replay window takes the next packets, and
#      the counter goes on from where it was.
#   4. tunnel mode: ping and TCP both ways between the inner addresses.
# The capture must show UDP/4500 carrying ESP for every SPI, no bare ESP but
# the one injected, and nothing between the hosts in cleartext but the
# UDP the test sends itself.
. "$(dirname "$0")/lib.sh"

plan_no
require_cmd tshark socat
check "module loads" load_module
check "two hosts" two_hosts --global
A=$H1_IP B=$H2_IP
IA=2001:db8:a::1 IB=2001:db8:b::2
W=$(mktemp -d)
at_exit rm -rf "$W"
HELPER=tests/encap_helper.py
head -c 524288 /dev/urandom >"$W/blob"
K1=0x0102030405060708090a0b0c0d0e0f1011121314
K2=0x2122232425262728292a2b2c2d2e2f3031323334
ENCAP=(encap espinudp 4500 4500 ::)
ALG=(aead 'rfc4106(gcm(aes))')

# stat NAME: a drop counter of h1
stat() {
	ctl h1 -j stats | sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p"
}

# oseq SPI: the last sequence number h1 sent on its SA to h2
oseq() {
	ctl h1 -j sa get dst "$B" proto esp spi "$1" |
		sed -n 's/.*"seq": *\([0-9]*\).*/\1/p'
}

# lines in the file F
nlines() { wc -l <"$1"; }

# sa NS MODE SPI_AB SPI_BA {xfrm|ipsec6ctl}: the two SAs, encapsulated
sas() {
	local ns=$1 mode=$2 ab=$3 ba=$4
	if [[ $5 == xfrm ]]; then
		ip -n "$ns" xfrm state add src "$A" dst "$B" proto esp spi "$ab" \
			mode "$mode" "${ALG[@]}" "$K1" 128 "${ENCAP[@]}" &&
			ip -n "$ns" xfrm state add src "$B" dst "$A" proto esp \
				spi "$ba" mode "$mode" "${ALG[@]}" "$K2" 128 "${ENCAP[@]}"
		return
	fi
	ctl "$ns" sa add src "$A" dst "$B" proto esp spi "$ab" mode "$mode" \
		"${ALG[@]}" "$K1" 128 "${ENCAP[@]}" &&
		ctl "$ns" sa add src "$B" dst "$A" proto esp spi "$ba" \
			mode "$mode" "${ALG[@]}" "$K2" 128 "${ENCAP[@]}"
}

# pols NS {xfrm|ipsec6ctl} OUT_SEL IN_SEL TMPL_OUT TMPL_IN: priority 100,
# so that the bypass policies (priority 10) come first
pols() {
	local ns=$1 cmd=(ctl "$1")
	[[ $2 == xfrm ]] && cmd=(ip -n "$ns" xfrm)
	# shellcheck disable=SC2086  # selectors and templates are word lists
	"${cmd[@]}" policy add $3 dir out priority 100 tmpl $5 &&
		"${cmd[@]}" policy add $4 dir in priority 100 tmpl $6
}

flush_all() {
	ctl h1 policy flush && ctl h1 sa flush &&
		ip -n h2 xfrm policy flush && ip -n h2 xfrm state flush
}

# capture on h1 for the whole run
CAP=$W/wire.pcap
ip netns exec h1 tshark -q -i veth0 -w "$CAP" -f ip6 >/dev/null 2>&1 &
cap_pid=$!
at_exit kill "$cap_pid"
check "capture started" wait_for 120 test -s "$CAP"

# h2's UDP_ENCAP socket (XFRM's), h1's plain socket on 4500
ip netns exec h2 python3 "$HELPER" xfrm 4500 600 >"$W/xfrm.out" 2>&1 &
at_exit kill $!
ip netns exec h1 python3 "$HELPER" recv 4500 600 "$W/h1.rx" --register \
	>"$W/recv.out" 2>&1 &
recv_pid=$!
at_exit kill "$recv_pid"

# --- 1. transport mode ------------------------------------------------------

check "1: h1 (ipsec6ctl): transport SAs 0x2001/0x2002 with encap espinudp 4500 4500 ::" \
	sas h1 transport 0x2001 0x2002 ipsec6ctl
check "1: h1: policies for everything between the hosts" \
	pols h1 ipsec6ctl "src $A dst $B" "src $B dst $A" \
	"src $A dst $B proto esp mode transport" \
	"src $B dst $A proto esp mode transport"
check "1: h2 (XFRM): the same lines" sas h2 transport 0x2001 0x2002 xfrm
check "1: h2: policies" \
	pols h2 xfrm "src $B dst $A" "src $A dst $B" \
	"src $B dst $A proto esp mode transport" \
	"src $A dst $B proto esp mode transport"
# XFRM checks the inbound policy on the UDP packet before its encap socket
# sees it (an IKE daemon gives that socket a bypass socket policy).
check "1: h2: UDP to 4500 bypasses its inbound policy" \
	ip -n h2 xfrm policy add src "$A" dst "$B" proto udp dport 4500 dir in priority 10
check "1: h2's UDP_ENCAP socket is bound" wait_for 60 grep -q ready "$W/xfrm.out"
check "1: h1's plain socket on 4500 is bound and registered" \
	wait_for 60 grep -q ready "$W/recv.out"
list=$(ctl h1 sa list)
like "$list" "encap espinudp 4500 4500 ::" "1: sa list shows the encapsulation"
like "$(ctl h1 -j sa list)" '"encap": *\{"type": *"espinudp", *"sport": *4500, *"dport": *4500, *"oa": *"::"\}' \
	"1: sa list -j shows it too"
check "1: h1 -> h2 ping" in_ns h1 ping -c 3 -i 0.2 -W 3 "$B"
check "1: h2 -> h1 ping" in_ns h2 ping -c 3 -i 0.2 -W 3 "$A"
check "1: TCP h1 -> h2, 512 KiB, same SHA-256" tcp_xfer h1 h2 "$B" 5001 "$W/blob"
check "1: TCP h2 -> h1, 512 KiB, same SHA-256" tcp_xfer h2 h1 "$A" 5002 "$W/blob"
drops=$(ctl h1 -j stats)
unlike "$drops" '"(icv_fail|replay|malformed|bad_padding|policy_mismatch|cleartext|unknown_spi|encap_mismatch)": *[1-9]' \
	"1: h1 dropped nothing ($drops)"

# --- 2. the socket on port 4500 ---------------------------------------------

# h2 sends cleartext UDP to 4500 and bare ESP past its own policies
check "2: h2: bypass policies for UDP to 4500, 4501 and the ESP it sends itself" \
	bash -c "ip -n h2 xfrm policy add src $B dst $A proto udp dport 4500 dir out priority 10 &&
		ip -n h2 xfrm policy add src $B dst $A proto udp dport 4501 dir out priority 10 &&
		ip -n h2 xfrm policy add src $B dst $A proto esp dir out priority 10"
rx=$(nlines "$W/h1.rx")
is "$rx" 0 "2: no ESP packet reached h1's socket on 4500"
# No SOCKET_BYPASS for a second socket: its cleartext is dropped.
ip netns exec h1 python3 "$HELPER" recv 4501 600 "$W/h1.rx4501" >"$W/recv2.out" 2>&1 &
at_exit kill $!
check "2: a socket on 4501, not registered" wait_for 60 grep -q ready "$W/recv2.out"
c0=$(stat cleartext)
in_ns h2 python3 "$HELPER" send "$A" 4501 000000006e6f6e2d6573702d6d61726b6572
check "2: cleartext UDP to an unregistered socket under APPLY: dropped as CLEARTEXT" \
	wait_for 10 test "$(stat cleartext)" -gt "$c0"
is "$(nlines "$W/h1.rx4501")" 0 "2: ... and it never reached that socket"
in_ns h2 python3 "$HELPER" send "$A" 4500 000000006e6f6e2d6573702d6d61726b6572
in_ns h2 python3 "$HELPER" send "$A" 4500 ff
nrx=0
if inbound_socket_bypass; then
	check "2: the non-ESP marker (IKE) and a NAT keepalive reach the registered socket" \
		wait_for 10 test "$(nlines "$W/h1.rx")" -ge 2
	is "$(cat "$W/h1.rx")" "000000006e6f6e2d6573702d6d61726b6572
ff" "2: ... untouched, and nothing else"
	nrx=2
else
	skip "2: the non-ESP marker (IKE) and a NAT keepalive reach the registered socket" \
		"$NO_INBOUND_BYPASS"
	skip "2: ... untouched, and nothing else" "$NO_INBOUND_BYPASS"
fi
u0=$(stat unknown_spi)
in_ns h2 python3 "$HELPER" send "$A" 4500 deadbeef00000001000102030405060708090a0b0c0d0e0f
check "2: ESP in UDP with an unknown SPI: dropped as UNKNOWN_SPI" \
	wait_for 10 test "$(stat unknown_spi)" -gt "$u0"
check "2: an SA 0x2999 without encapsulation" \
	ctl h1 sa add src "$B" dst "$A" proto esp spi 0x2999 mode transport "${ALG[@]}" "$K2" 128
m0=$(stat encap_mismatch)
in_ns h2 python3 "$HELPER" send "$A" 4500 0000299900000001000102030405060708090a0b0c0d0e0f
check "2: ESP in UDP for the SA without encapsulation: dropped as ENCAP_MISMATCH" \
	wait_for 10 test "$(stat encap_mismatch)" -gt "$m0"
in_ns h2 python3 "$HELPER" esp "$A" 0000200200000fff000102030405060708090a0b0c0d0e0f
check "2: bare ESP for the encapsulated SA 0x2002: dropped as ENCAP_MISMATCH" \
	wait_for 10 test "$(stat encap_mismatch)" -gt "$((m0 + 1))"
is "$(nlines "$W/h1.rx")" "$nrx" "2: none of them reached the socket"
ctl h1 sa del dst "$A" proto esp spi 0x2999

# --- 3. a NAT mapping change ------------------------------------------------

check "3: pings before" in_ns h1 ping -c 3 -i 0.2 -W 3 "$B"
s0=$(oseq 0x2001)
check "3: sa update: h1's SA to h2 now sends from port 4501" \
	ctl h1 sa update src "$A" dst "$B" proto esp spi 0x2001 mode transport \
	"${ALG[@]}" "$K1" 128 encap espinudp 4501 4500 ::
like "$(ctl h1 sa get dst "$B" proto esp spi 0x2001)" "encap espinudp 4501 4500 ::" \
	"3: the SA shows the new port"
s1=$(oseq 0x2001)
is "$s1" "$s0" "3: the sequence number is kept ($s0)"
check "3: h1 -> h2 ping after the change (XFRM's window takes them)" \
	in_ns h1 ping -c 3 -i 0.2 -W 3 "$B"
s2=$(oseq 0x2001)
ok $((s2 >= s0 + 3 && s2 <= s0 + 8 ? 0 : 1)) \
	"3: the counter went on from $s0 (now $s2)"

# --- 4. tunnel mode -----------------------------------------------------------

check "4: flush" flush_all
check "4: inner addresses and routes" \
	bash -c "ip -n h1 addr add $IA/128 dev lo && ip -n h2 addr add $IB/128 dev lo &&
		ip -n h1 route add 2001:db8:b::/64 via $B src $IA &&
		ip -n h2 route add 2001:db8:a::/64 via $A src $IB"
check "4: h1 (ipsec6ctl): tunnel SAs 0x3001/0x3002 with encap espinudp 4500 4500 ::" \
	sas h1 tunnel 0x3001 0x3002 ipsec6ctl
check "4: h1: tunnel policies" \
	pols h1 ipsec6ctl "src 2001:db8:a::/64 dst 2001:db8:b::/64" \
	"src 2001:db8:b::/64 dst 2001:db8:a::/64" \
	"src $A dst $B proto esp mode tunnel" "src $B dst $A proto esp mode tunnel"
check "4: h2 (XFRM): the same lines" sas h2 tunnel 0x3001 0x3002 xfrm
check "4: h2: tunnel policies" \
	pols h2 xfrm "src 2001:db8:b::/64 dst 2001:db8:a::/64" \
	"src 2001:db8:a::/64 dst 2001:db8:b::/64" \
	"src $B dst $A proto esp mode tunnel" "src $A dst $B proto esp mode tunnel"
check "4: h1 -> h2 ping (inner)" in_ns h1 ping -c 3 -i 0.2 -W 3 -I "$IA" "$IB"
check "4: h2 -> h1 ping (inner)" in_ns h2 ping -c 3 -i 0.2 -W 3 -I "$IB" "$IA"
check "4: TCP h1 -> h2 (inner), 512 KiB, same SHA-256" tcp_xfer h1 h2 "$IB" 5003 "$W/blob"
check "4: TCP h2 -> h1 (inner), 512 KiB, same SHA-256" tcp_xfer h2 h1 "$IA" 5004 "$W/blob"
drops=$(ctl h1 -j stats)
unlike "$drops" '"(icv_fail|replay|malformed|bad_padding|policy_mismatch|too_big)": *[1-9]' \
	"4: h1 dropped nothing new ($drops)"
is "$(nlines "$W/h1.rx")" "$nrx" "4: still nothing more reached h1's socket on 4500"

# --- the wire -----------------------------------------------------------------

kill "$cap_pid"
wait "$cap_pid" 2>/dev/null
tshark -r "$CAP" -T fields -E separator='|' -e frame.protocols -e esp.spi \
	-e udp.srcport -e udp.dstport -e ipv6.src -e ipv6.dst -e icmpv6.type \
	>"$W/decoded" 2>/dev/null
check "the capture decodes" test -s "$W/decoded"
for spi in 0x2001 0x2002 0x3001 0x3002; do
	hex=$(printf '0x%08x' "$spi")
	n=$(awk -F'|' -v s="$hex" 'index($1, "udp:udpencap:esp") && $2 == s && $3 != "" ' "$W/decoded" | wc -l)
	ok $((n >= 6 ? 0 : 1)) "SPI $hex travels as ESP in UDP ($n packets)"
done
n=$(awk -F'|' 'index($1, "udp:udpencap:esp") && $2 == "0x00002001" && $3 == 4501 && $4 == 4500' "$W/decoded" | wc -l)
ok $((n >= 3 ? 0 : 1)) "after the update, 0x2001 leaves from port 4501 ($n packets)"
bare=$(awk -F'|' '$1 ~ /ipv6:esp/ { print $2 "|" $5 "|" $6 }' "$W/decoded")
is "$bare" "0x00002002|$B|$A" "no bare ESP on the wire but the one injected"
# What the test sent in cleartext itself: UDP to 4500 and 4501.
clear=$(awk -F'|' '$1 !~ /ipv6:esp/ && !($1 ~ /:udp/ && ($4 == 4500 || $4 == 4501)) &&
	!($1 ~ /icmpv6/ && $7 >= 133 && $7 <= 137) && $5 ~ /^2001:db8:/' "$W/decoded")
is "$clear" "" "nothing between the hosts in cleartext but UDP to 4500/4501 (and ND)"
dmesg_clean "no kernel splat"
