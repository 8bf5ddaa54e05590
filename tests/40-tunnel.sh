#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tunnel mode (RFC 4301), security gateways, module on both ends:
#
#   site A 2001:db8:1::/64                          site B 2001:db8:2::/64
#
#   h1 ::10 ---- ::1 gw1 f1::1 ---- f1::2 r f2::2 ---- f2::1 gw2 ::1 ---- ::10 h2
#       lan0   lan0      wan0       r1       r2        wan0      lan0    lan0
#               (ipsec6)           (the Internet:            (ipsec6)
#                                   a plain router,
#                                   captured)
#
# Four namespaces do IPv6 (two hosts, two gateways); r is the wire between
# the gateways, a router that is no IPsec endpoint, so what it captures is
# what travels (a tunnel endpoint's own capture would also show the inner
# packets it re-injects).  The gateways' routes to the other site carry
# "src" their own LAN address, so errors they generate are site traffic too.
#
#   1. host to gateway: h1 tunnels to gw2 itself; gw1 is just a router.
#      Inner packets are delivered on gw2 (ping its LAN address) or
#      forwarded to h2 (ping, 1 MiB TCP each way).
#   2. site to site: gw1 <-> gw2 protect everything between the sites; the
#      hosts do no IPsec.  Ping, TCP both ways, an ICMPv6 error generated at
#      the far gateway (hop limit exceeded) reaches h1 through the tunnel,
#      cleartext from site A forged at r is dropped by gw2 (not forwarded),
#      a traced DSCP/ECN mark shows the outer header's traffic class.
#   3. recursion: a policy covering the gateways' own addresses that uses
#      the tunnel between those very addresses: each packet is
#      encapsulated once (sequence numbers count pings exactly).
#   4. what the stack sends on the spot while a tunnel packet is sent is
#      looked up in the SPD like any packet: gw1 has forgotten r's
#      link-layer address, so the first outer packet makes it send a
#      Neighbour Solicitation from within that send; a DISCARD policy for
#      outbound Neighbour Solicitations drops and counts it (a mark on the
#      tunnel packet, not on the CPU, lets only that packet pass).
# At the end the capture at r must show no packet of h1 or h2 in cleartext.
#
# tests/41-tunnel-more.sh sources this file with --lib for the topology.
# timeout: 240
. "$(dirname "$0")/lib.sh"

A_NET=2001:db8:1::/64 B_NET=2001:db8:2::/64
H1A=2001:db8:1::10 GW1L=2001:db8:1::1 GW1W=2001:db8:f1::1 R1=2001:db8:f1::2
H2A=2001:db8:2::10 GW2L=2001:db8:2::1 GW2W=2001:db8:f2::1 R2=2001:db8:f2::2
TUN_NS=(h1 gw1 r gw2 h2)

hexkey() { python3 -c "import sys; print('0x' + bytes((i * 7 + $2) & 255 for i in range($1)).hex())"; }

# tun_topology [MTU]: the five namespaces; MTU is the r - gw2 link's.
# Few processes (each exec costs ~0.2 s in a TCG guest): one "ip -batch"
# for the namespaces and links, one per namespace for its configuration.
tun_topology() {
	local mtu=${1:-1500} ns fwd
	printf 'netns add %s\n' "${TUN_NS[@]}" | ip -batch - || return 1
	at_exit tun_topology_del
	for ns in "${TUN_NS[@]}"; do
		fwd=1
		[[ $ns == h? ]] && fwd=0
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.all.forwarding=$fwd || return 1
	done
	ip -batch - <<-EOF || return 1
	link add lan0 netns h1 address 00:aa:00:00:01:10 type veth peer name lan0 netns gw1 address 00:aa:00:00:01:01
	link add wan0 netns gw1 address 00:aa:00:00:f1:01 type veth peer name r1 netns r address 00:aa:00:00:f1:02
	link add r2 netns r address 00:aa:00:00:f2:02 type veth peer name wan0 netns gw2 address 00:aa:00:00:f2:01
	link add lan0 netns gw2 address 00:aa:00:00:02:01 type veth peer name lan0 netns h2 address 00:aa:00:00:02:10
	EOF
	ip -n h1 -batch - <<-EOF || return 1
	link set lo up
	link set lan0 up
	addr add $H1A/64 dev lan0 nodad
	route add default via $GW1L
	EOF
	ip -n gw1 -batch - <<-EOF || return 1
	link set lo up
	link set lan0 up
	link set wan0 up
	addr add $GW1L/64 dev lan0 nodad
	addr add $GW1W/64 dev wan0 nodad
	route add default via $R1
	route add $B_NET via $R1 src $GW1L
	EOF
	ip -n r -batch - <<-EOF || return 1
	link set lo up
	link set r1 up
	link set r2 mtu $mtu up
	addr add $R1/64 dev r1 nodad
	addr add $R2/64 dev r2 nodad
	route add $A_NET via $GW1W
	route add $B_NET via $GW2W
	EOF
	ip -n gw2 -batch - <<-EOF || return 1
	link set lo up
	link set lan0 up
	link set wan0 mtu $mtu up
	addr add $GW2L/64 dev lan0 nodad
	addr add $GW2W/64 dev wan0 nodad
	route add default via $R2
	route add $A_NET via $R2 src $GW2L
	EOF
	ip -n h2 -batch - <<-EOF || return 1
	link set lo up
	link set lan0 up
	addr add $H2A/64 dev lan0 nodad
	route add default via $GW2L
	EOF
	# Everything reachable in cleartext before any policy.
	wait_for 10 ip netns exec h1 ping -c 1 -W 1 "$H2A"
}

tun_topology_del() {
	printf 'netns del %s\n' "${TUN_NS[@]}" | ip -batch - 2>/dev/null
	return 0
}

# Lines of configuration are collected per namespace and sent at once:
# "ipsec6ctl -batch" (one transaction) or "ip -batch" for Linux XFRM.
# cfg KIND NS {sa|policy} ARGS...: the same "ip xfrm" line for the
# module (KIND module) or Linux XFRM (KIND xfrm).
declare -A CFG_LINES CFG_KIND
cfg() {
	local kind=$1 ns=$2 what=$3
	shift 3
	if [[ $kind == xfrm ]]; then
		[[ $what == sa ]] && what=state
		what="xfrm $what"
	fi
	CFG_KIND[$ns]=$kind
	CFG_LINES[$ns]+="$what add $*"$'\n'
}

# cfg_commit: send what cfg collected.
cfg_commit() {
	local ns rc=0
	for ns in "${!CFG_LINES[@]}"; do
		if [[ ${CFG_KIND[$ns]} == xfrm ]]; then
			ip -n "$ns" -batch - <<<"${CFG_LINES[$ns]}" || rc=1
		else
			# a file: "-batch -" reads /dev/stdin, which the guest lacks
			printf '%s' "${CFG_LINES[$ns]}" >"$TUN_W/batch"
			ip netns exec "$ns" "$IPSEC6CTL" -batch "$TUN_W/batch" || rc=1
		fi
	done
	CFG_LINES=()
	CFG_KIND=()
	return $rc
}

# cfg_flush KIND NS...
cfg_flush() {
	local kind=$1 ns
	shift
	for ns in "$@"; do
		if [[ $kind == xfrm ]]; then
			printf 'xfrm policy flush\nxfrm state flush\n' | ip -n "$ns" -batch -
		else
			printf 'policy flush\nsa flush\n' >"$TUN_W/batch"
			ip netns exec "$ns" "$IPSEC6CTL" -batch "$TUN_W/batch"
		fi
	done
}

# tunnel_pair KIND_A NS_A END_A NET_A KIND_B NS_B END_B NET_B SPI ALGO...
# An ESP tunnel between END_A (in NS_A, protecting NET_A) and END_B:
# SPI from A to B, SPI+1 back.  Policies out, in and fwd on both ends;
# $TUN_A_OUT_EXTRA (words) is added to A's outbound policy.
tunnel_pair() {
	local ka=$1 na=$2 ea=$3 neta=$4 kb=$5 nb=$6 eb=$7 netb=$8 spi=$9
	shift 9
	local sab=(proto esp spi "$spi" mode tunnel "$@")
	local sba=(proto esp spi "$((spi + 1))" mode tunnel "$@")
	local d
	cfg "$ka" "$na" sa src "$ea" dst "$eb" "${sab[@]}"
	cfg "$ka" "$na" sa src "$eb" dst "$ea" "${sba[@]}"
	cfg "$kb" "$nb" sa src "$ea" dst "$eb" "${sab[@]}"
	cfg "$kb" "$nb" sa src "$eb" dst "$ea" "${sba[@]}"
	cfg "$ka" "$na" policy src "$neta" dst "$netb" dir out \
		tmpl src "$ea" dst "$eb" proto esp mode tunnel "${TUN_A_OUT_EXTRA:-}"
	cfg "$kb" "$nb" policy src "$netb" dst "$neta" dir out \
		tmpl src "$eb" dst "$ea" proto esp mode tunnel
	for d in in fwd; do
		cfg "$ka" "$na" policy src "$netb" dst "$neta" dir "$d" \
			tmpl src "$eb" dst "$ea" proto esp mode tunnel
		cfg "$kb" "$nb" policy src "$neta" dst "$netb" dir "$d" \
			tmpl src "$ea" dst "$eb" proto esp mode tunnel
	done
	cfg_commit
}

TUN_W=$(mktemp -d)
at_exit rm -rf "$TUN_W"

tun_blob() {
	head -c "${1:-1048576}" /dev/urandom >"$TUN_W/blob"
}

# xfer FROM_NS TO_NS TO_ADDR PORT: the blob over TCP, same SHA-256.
xfer() { tcp_xfer "$@" "$TUN_W/blob" 60; }

# sa_seq NS DST SPI: the last sequence number an SA of the module sent.
sa_seq() {
	local j
	j=$(ip netns exec "$1" "$IPSEC6CTL" -j sa get dst "$2" proto esp spi "$3")
	[[ $j =~ \"seq\":\ ?([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
}

# drops NS: the module's drop counters that are not zero
drops() {
	local j
	j=$(ip netns exec "$1" "$IPSEC6CTL" -j stats)
	grep -oE '"[a-z_]+": ?[1-9][0-9]*' <<<"$j" | tr '\n' ' '
}

# drop_count NS NAME: one drop counter
drop_count() {
	local j
	j=$(ip netns exec "$1" "$IPSEC6CTL" -j stats)
	[[ $j =~ \"$2\":\ ?([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
}

# Capture at r, both of its links, for the whole test: everything but
# AH and ESP (decoding thousands of ESP packets takes tshark too long in a
# guest), plus ESP with a payload length of 400 to 460 bytes (the packets
# whose outer header is looked at).
tun_capture_start() {
	TUN_CAP=$TUN_W/wire.pcap
	ip netns exec r tcpdump -U -q -i any -w "$TUN_CAP" \
		'ip6 and (not (ip6 proto 50 or ip6 proto 51) or (ip6[4:2] > 400 and ip6[4:2] < 460))' \
		>/dev/null 2>&1 &
	TUN_CAP_PID=$!
	at_exit kill "$TUN_CAP_PID"
	wait_for 30 test -s "$TUN_CAP"
}

# tun_capture_decode: one line per packet, next-header|src|dst|tclass|plen
# (tcpdump reads a capture in a fraction of the time tshark takes here).
tun_capture_decode() {
	kill "$TUN_CAP_PID" 2>/dev/null
	wait "$TUN_CAP_PID" 2>/dev/null
	tcpdump -nn -v -r "$TUN_CAP" 2>/dev/null | awk '
		match($0, / IP6 \(.*\) [0-9a-f:]+ > [0-9a-f:]+:/) {
			h = substr($0, RSTART, RLENGTH)
			tc = "0x0"
			if (match(h, /class 0x[0-9a-f]+/))
				tc = substr(h, RSTART + 6, RLENGTH - 6)
			match(h, /next-header [^ ]+/)
			nh = substr(h, RSTART + 12, RLENGTH - 12)
			match(h, /payload length: [0-9]+/)
			plen = substr(h, RSTART + 16, RLENGTH - 16)
			match(h, /\) [0-9a-f:]+ > [0-9a-f:]+:$/)
			split(substr(h, RSTART + 2, RLENGTH - 3), a, " > ")
			print nh "|" a[1] "|" a[2] "|" tc "|" plen
		}' >"$TUN_W/decoded"
	test -s "$TUN_W/decoded"
}

# Every packet at r from or to a host is ESP or AH (r's own forgeries
# come from ::66 of a site).
tun_no_cleartext() {
	awk -F'|' -v a="$H1A" -v b="$H2A" \
		'$1 != "ESP" && $1 != "AH" && $2 !~ /::66$/ &&
		 ($2 == a || $2 == b || $3 == a || $3 == b)' "$TUN_W/decoded"
}

[[ ${1:-} == --lib ]] && return 0

plan_no
require_cmd tcpdump socat
check "module loads" load_module
modprobe -a -q gcm ghash_generic seqiv 2>/dev/null
K20=$(hexkey 20 1)
GCM=(aead 'rfc4106(gcm(aes))' "$K20" 128)
check "five namespaces: h1 - gw1 - r - gw2 - h2, cleartext works" tun_topology
check "capture at r started" tun_capture_start
tun_blob 1048576

# 1. Host to gateway: h1 <-> gw2, h1 protects its traffic to site B.
check "host-to-gateway: h1 and gw2 configured" \
	tunnel_pair module h1 "$H1A" "$H1A/128" module gw2 "$GW2W" "$B_NET" 0x4000 "${GCM[@]}"
check "host-to-gateway: h1 -> h2 ping (forwarded by gw2)" \
	ip netns exec h1 ping -c 3 -i 0.2 -W 3 "$H2A"
check "host-to-gateway: h1 -> gw2's LAN address ping (delivered on gw2)" \
	ip netns exec h1 ping -c 2 -i 0.2 -W 3 "$GW2L"
check "host-to-gateway: TCP h1 -> h2, 1 MiB, same SHA-256" xfer h1 h2 "$H2A" 5001
check "host-to-gateway: TCP h2 -> h1, 1 MiB, same SHA-256" xfer h2 h1 "$H1A" 5002
seq=$(sa_seq h1 "$GW2W" 0x4000)
ok $(( ${seq:-0} < 100 )) "host-to-gateway: h1's tunnel SA carried the traffic (seq $seq)"
is "$(drops h1)" "" "host-to-gateway: h1 dropped nothing"
is "$(drops gw2)" "" "host-to-gateway: gw2 dropped nothing"
cfg_flush module h1 gw2

# 2. Site to site, module on both gateways.
check "site-to-site: gw1 and gw2 configured" \
	tunnel_pair module gw1 "$GW1W" "$A_NET" module gw2 "$GW2W" "$B_NET" 0x5000 "${GCM[@]}"
check "site-to-site: h1 -> h2 ping" ip netns exec h1 ping -c 3 -i 0.2 -W 3 "$H2A"
check "site-to-site: h2 -> h1 ping" ip netns exec h2 ping -c 3 -i 0.2 -W 3 "$H1A"
check "site-to-site: h1 -> gw2's LAN address ping" \
	ip netns exec h1 ping -c 2 -i 0.2 -W 3 "$GW2L"
check "site-to-site: TCP h1 -> h2, 1 MiB, same SHA-256" xfer h1 h2 "$H2A" 5003
check "site-to-site: TCP h2 -> h1, 1 MiB, same SHA-256" xfer h2 h1 "$H1A" 5004
# Hop limit 2: gw1 forwards it with 1, gw2 cannot; its Time Exceeded
# (from its LAN address) goes back through the tunnel.
out=$(ip netns exec h1 ping -c 1 -W 3 -t 2 "$H2A" 2>&1)
like "$out" "From $GW2L.*[Tt]ime exceeded" \
	"site-to-site: gw2's Time Exceeded reaches h1 through the tunnel"
# Traffic class: ECN copied (RFC 6040 normal mode), DSCP zeroed.
check "site-to-site: ping with DSCP AF41 and ECT(0)" \
	ip netns exec h1 ping -c 2 -i 0.2 -W 3 -Q 0x8a -s 333 "$H2A"
# Cleartext for site B from a site A address, forged at r.
ip -n r addr add 2001:db8:1::66/128 dev lo
before=$(drop_count gw2 cleartext)
check_fail "site-to-site: forged cleartext from site A is not forwarded" \
	ip netns exec r ping -c 2 -i 0.2 -W 1 -I 2001:db8:1::66 "$H2A"
after=$(drop_count gw2 cleartext)
is "$(( ${after:-0} - ${before:-0} ))" 2 "site-to-site: gw2 counted 2 cleartext drops"
ip -n r addr del 2001:db8:1::66/128 dev lo
d1=$(drops gw1)
is "$d1" "" "site-to-site: gw1 dropped nothing"
cfg_flush module gw1 gw2

# 3. Recursion: the gateways' own traffic under a policy whose tunnel runs
# between those very addresses.
check "recursion: the tunnel endpoints covered by their own policy" \
	tunnel_pair module gw1 "$GW1W" "$GW1W/128" module gw2 "$GW2W" "$GW2W/128" 0x6000 "${GCM[@]}"
check "recursion: gw1 -> gw2 ping through the tunnel" \
	ip netns exec gw1 ping -c 4 -i 0.2 -W 3 "$GW2W"
is "$(sa_seq gw1 "$GW2W" 0x6000)" 4 "recursion: 4 pings, 4 packets on gw1's SA (encapsulated once)"
is "$(sa_seq gw2 "$GW1W" 0x6001)" 4 "recursion: 4 replies, 4 packets on gw2's SA"
cfg_flush module gw1 gw2

# 4. Sent on the spot: the Neighbour Solicitation for r that gw1's first
# tunnel packet triggers inside its own send.
# pol_drops NS INDEX: the drop counter of a policy
pol_drops() {
	local j
	j=$(ctl "$1" -j policy get index "$2")
	[[ $j =~ \"drops\":\ ?([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
}
insend_setup() {
	tunnel_pair module gw1 "$GW1W" "$A_NET" module gw2 "$GW2W" "$B_NET" \
		0x7000 "${GCM[@]}" &&
		ctl gw1 policy add proto icmp type 135 dir out index 100 \
			action discard
}
forget_r() {
	ip -n gw1 neigh flush dev wan0 &&
		! ip -n gw1 neigh show dev wan0 | grep -q lladdr
}
# The entry for r may still be INCOMPLETE, its last probes about to fail
# and drop the packets queued on it: forget it again, so the ping starts
# a resolution of its own.
insend_undo() {
	ctl gw1 policy del index 100 && forget_r &&
		ip netns exec h1 ping -c 2 -i 0.2 -W 3 "$H2A"
}
check "in-send: site-to-site, gw1 discards outbound Neighbour Solicitations" \
	insend_setup
check "in-send: gw1 forgets r's link-layer address" forget_r
check_fail "in-send: h1 -> h2 ping fails: gw1 cannot resolve r" \
	ip netns exec h1 ping -c 2 -i 0.5 -W 1 "$H2A"
n=$(pol_drops gw1 100)
ok $(( ${n:-0} >= 1 ? 0 : 1 )) \
	"in-send: the DISCARD policy dropped gw1's Neighbour Solicitations for r (${n:-none})"
neigh=$(ip -n gw1 neigh show "$R1" dev wan0)
unlike "$neigh" "lladdr" "in-send: r's link-layer address stays unknown to gw1 ($neigh)"
check "in-send: without the DISCARD policy, h1 -> h2 ping works" insend_undo
cfg_flush module gw1 gw2

check "the capture at r decodes" tun_capture_decode
n=$(awk -F'|' '$2 == "2001:db8:1::66"' "$TUN_W/decoded" | wc -l)
ok $(( n < 2 )) "the capture shows cleartext where there is some: r's forged packets ($n)"
is "$(tun_no_cleartext)" "" "no packet of h1 or h2 crossed r in cleartext"
# Seen twice each, on r's way in and out.
# The DSCP/ECN ping: 333 bytes of data make the inner packet 381 bytes,
# the ESP payload (AES-GCM) 8 + 8 + 384 + 16 = 416.
n=$(awk -F'|' -v a="$GW1W" '$1 == "ESP" && $2 == a && $5 == 416' "$TUN_W/decoded" | wc -l)
is "$n" 4 "the two DSCP/ECN pings crossed r in ESP between the gateways"
tc=$(awk -F'|' -v a="$GW1W" '$1 == "ESP" && $2 == a && $5 == 416 { print $4 }' \
	"$TUN_W/decoded" | sort -u | tr '\n' ' ')
is "$tc" "0x02 " "outer traffic class: ECT(0) copied, DSCP not"
dmesg_clean "no kernel splat"
