#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Transport mode and packet sizes: GSO/TSO, the path MTU, a 1280-byte link.
#
#     h1 2001:db8::1 (ipsec6) ===== veth ===== h2 2001:db8::2 (Linux XFRM)
#                                              ^ capture on h2's veth0
#
# ESP AES-GCM-128 (and AH HMAC-SHA256 in part 3), the same "ip xfrm" lines
# on both sides.
#
# 1. MTU 1500, TSO on h1's veth (TCP hands the stack GSO packets of many
#    segments): 4 MiB each way.  The ESP frames h1 sends are full-sized
#    (the MSS of the protected SYN was lowered to what fits once
#    protected) and never over the link MTU; none is fragmented.
# 2. MTU 1500, a TCP connection that was made before protection was
#    configured (MSS 1440: its full segments do not fit once protected).
#    A Packet Too Big would lower the route's MTU, the very MTU the
#    protected packets are then held against (transport mode keeps the
#    flow's route): so h1 fragments its full segments after ESP instead,
#    and the data arrives whole; the route keeps MTU 1500.
# 3. MTU 1280 on both ends.  No path MTU below 1280 exists, so what does
#    not fit once protected is fragmented after IPsec (RFC 4301 8.1):
#    a ping of exactly 1280 bytes in the clear crosses as ESP (then AH) in
#    two fragments; TCP, 4 MiB each way, needs no fragment at all.
# timeout: 600
. "$(dirname "$0")/lib.sh"

plan_no
require_cmd tcpdump tshark socat ethtool
check "module loads" load_module
check "two hosts" two_hosts --global
A=$H1_IP
B=$H2_IP
W=$(mktemp -d)
at_exit rm -rf "$W"
head -c 4194304 /dev/urandom >"$W/blob"
BLOB_SUM=$(sha256sum <"$W/blob")
K20=0x0102030405060708090a0b0c0d0e0f1011121314
K32=0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20

# configure PROTO: SAs and policies both ways, ipsec6 on h1, XFRM on h2
configure() {
	local alg st_ab st_ba pol_ab pol_ba
	if [[ $1 == esp ]]; then
		alg=(aead 'rfc4106(gcm(aes))' "$K20" 128)
	else
		alg=(auth-trunc 'hmac(sha256)' "$K32" 128)
	fi
	st_ab=(src "$A" dst "$B" proto "$1" spi 0x2201 mode transport "${alg[@]}")
	st_ba=(src "$B" dst "$A" proto "$1" spi 0x2202 mode transport "${alg[@]}")
	pol_ab=(src "$A" dst "$B" tmpl src "$A" dst "$B" proto "$1" mode transport)
	pol_ba=(src "$B" dst "$A" tmpl src "$B" dst "$A" proto "$1" mode transport)
	ctl h1 sa add "${st_ab[@]}" && ctl h1 sa add "${st_ba[@]}" &&
		ctl h1 policy add "${pol_ab[@]}" dir out &&
		ctl h1 policy add "${pol_ba[@]}" dir in &&
		ip -n h2 xfrm state add "${st_ab[@]}" &&
		ip -n h2 xfrm state add "${st_ba[@]}" &&
		ip -n h2 xfrm policy add "${pol_ba[@]}" dir out &&
		ip -n h2 xfrm policy add "${pol_ab[@]}" dir in
}

unconfigure() {
	ctl h1 policy flush
	ctl h1 sa flush
	ip -n h2 xfrm policy flush
	ip -n h2 xfrm state flush
}

set_mtu() {
	ip -n h1 link set veth0 mtu "$1" && ip -n h2 link set veth0 mtu "$1"
}

# capture_start FILE / capture_stop: tcpdump on h2's veth0, immediate mode
# (nothing is left in the kernel's buffer when it is stopped)
capture_start() {
	: >"$1.err"
	ip netns exec h2 tcpdump -i veth0 -n -U --immediate-mode -s 96 \
		-B 8192 -w "$1" ip6 2>"$1.err" &
	_cap_pid=$!
	wait_for 30 grep -q 'listening on' "$1.err"
}

capture_stop() {
	kill -INT "$_cap_pid" 2>/dev/null
	wait "$_cap_pid" 2>/dev/null
}

# fields FILE FILTER FIELD...: one line per matching packet
fields() {
	local f=$1 filter=$2 args=() x
	shift 2
	for x in "$@"; do args+=(-e "$x"); done
	tshark -r "$f" -Y "$filter" -T fields "${args[@]}" 2>/dev/null
}

# max_of: the largest number on standard input (0 if none)
max_of() {
	sort -n | tail -n 1 | grep . || echo 0
}

# xfer FROM TO ADDR PORT: 4 MiB over TCP, same SHA-256
xfer() { tcp_xfer "$@" "$W/blob" 120; }

# ---- 1. GSO/TSO at MTU 1500 ---------------------------------------------------

check "MTU 1500: TSO is on for h1's veth0" \
	bash -c "ip netns exec h1 ethtool -k veth0 | grep -q '^tcp-segmentation-offload: on'"
check "1: configured (ESP AES-GCM-128)" configure esp
CAP=$W/gso.pcap
check "1: capture runs" capture_start "$CAP"
check "1: TCP h1 -> h2, 4 MiB, same SHA-256" xfer h1 h2 "$B" 5201
check "1: TCP h2 -> h1, 4 MiB, same SHA-256" xfer h2 h1 "$A" 5202
capture_stop
esp=$(fields "$CAP" "esp && ipv6.src == $A" frame.len)
n=$(grep -c . <<<"$esp")
big=$(max_of <<<"$esp")
full=$(awk '$1 >= 1490' <<<"$esp" | grep -c .)
ok $((n > 2000 ? 0 : 1)) "1: h1 sent the data as ESP ($n frames)"
ok $((big <= 1514 ? 0 : 1)) "1: no ESP frame of h1 exceeds the link MTU (largest $big bytes)"
ok $((full * 2 > n ? 0 : 1)) "1: most of h1's ESP frames are full-sized, 1490-1514 bytes ($full of $n)"
is "$(fields "$CAP" "ipv6.src == $A && ipv6.fraghdr" frame.number | grep -c .)" 0 \
	"1: h1 fragmented nothing"
like "$(ctl h1 -j stats)" '"too_big":0[,}]' "1: no Packet Too Big was needed"
note "1: $n ESP frames of h1, largest $big bytes"
unconfigure

# ---- 2. a connection older than the protection --------------------------------

# The client connects in the clear, waits for $W/go, then sends the blob.
cat >"$W/client.py" <<EOF
import os, socket, sys, time
s = socket.create_connection(('$B', 5203))
print('mss', s.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG), flush=True)
end = time.monotonic() + 60
while not os.path.exists('$W/go') and time.monotonic() < end:
    time.sleep(0.05)
s.sendall(open('$W/blob', 'rb').read())
s.shutdown(socket.SHUT_WR)
s.settimeout(60)
s.recv(1)
EOF
CAP=$W/ptb.pcap
rm -f "$W/srv"
ip netns exec h2 timeout 120 socat -u "TCP6-LISTEN:5203,reuseaddr" - |
	sha256sum >"$W/srv" &
srv=$!
check "2: the server listens" \
	wait_for 30 bash -c "ip netns exec h2 ss -ltn | grep -q ':5203 '"
ip netns exec h1 timeout 120 /usr/bin/python3 "$W/client.py" >"$W/client.out" 2>&1 &
cli=$!
check "2: the connection is made in the clear" \
	wait_for 30 bash -c "ip netns exec h1 ss -tnH state established | grep -q ':5203'"
check "2: then protection is configured (ESP AES-GCM-128)" configure esp
check "2: capture runs" capture_start "$CAP"
touch "$W/go"
wait "$cli"
ok $? "2: the client sent 4 MiB"
wait "$srv"
is "$(<"$W/srv")" "$BLOB_SUM" "2: h2 received them whole (same SHA-256)"
capture_stop
diag "$(cat "$W/client.out")"
like "$(ctl h1 -j stats)" '"too_big":0[,}]' "2: h1 sent no Packet Too Big"
unlike "$(ip -n h1 -6 route get "$B")" " mtu " "2: h1's route to h2 keeps the link MTU"
frags=$(fields "$CAP" "ipv6.src == $A && ipv6.fraghdr.nxt == 50" frame.number | grep -c .)
ok $((frags > 100 ? 0 : 1)) "2: h1 fragmented its full segments after ESP ($frags fragments)"
big=$(fields "$CAP" "ipv6.src == $A" frame.len | max_of)
ok $((big <= 1514 ? 0 : 1)) "2: no frame of h1 exceeds the link MTU (largest $big bytes)"
# (to h2: multicast, such as Neighbor Solicitations, is never protected)
clear="ipv6.src == $A && ipv6.dst == $B && !esp && !(ipv6.fraghdr.nxt == 50)"
is "$(fields "$CAP" "$clear" frame.number | grep -c .)" 0 \
	"2: after protection was configured, nothing of h1 crossed to h2 in the clear" ||
	diag "$(tshark -r "$CAP" -Y "$clear" 2>/dev/null | head -n 5)"
unconfigure

# ---- 3. a 1280-byte link ------------------------------------------------------

check "3: MTU 1280 on both ends" set_mtu 1280
for proto in esp ah; do
	CAP=$W/min-$proto.pcap
	check "3 $proto: configured" configure "$proto"
	check "3 $proto: capture runs" capture_start "$CAP"
	# 1232 bytes of ICMPv6 payload: 1280 bytes in the clear, exactly the MTU
	check "3 $proto: ping h1 -> h2, 1280 bytes in the clear" \
		ip netns exec h1 ping -c 3 -i 0.3 -W 3 -s 1232 "$B"
	check "3 $proto: TCP h1 -> h2, 4 MiB, same SHA-256" xfer h1 h2 "$B" 5204
	check "3 $proto: TCP h2 -> h1, 4 MiB, same SHA-256" xfer h2 h1 "$A" 5205
	capture_stop
	first=$(fields "$CAP" "ipv6.src == $A && ipv6.fraghdr.offset == 0 && ipv6.fraghdr.more" \
		frame.len ipv6.nxt ipv6.fraghdr.nxt | head -n 1)
	# The first fragment: unfragmentable part (IPv6), fragment header, then
	# the protocol header (tshark names the fragment header's next header)
	case $proto in
	esp) pnum=50 ;;
	ah) pnum=51 ;;
	esac
	frags=$(fields "$CAP" "ipv6.src == $A && ipv6.fraghdr" frame.number | grep -c .)
	is "$frags" 6 "3 $proto: h1 sent 6 fragments: 3 echo requests in 2 each, TCP none" ||
		diag "$(fields "$CAP" "ipv6.src == $A && ipv6.fraghdr" frame.number \
			frame.time_relative frame.len ipv6.fraghdr.ident ipv6.fraghdr.offset \
			ipv6.fraghdr.more)"
	like "$first" "(^|[[:space:]])$pnum\$" \
		"3 $proto: the first fragment carries ${proto^^} behind the fragment header"
	big=$(fields "$CAP" "ipv6.src == $A" frame.len | max_of)
	ok $((big <= 1294 ? 0 : 1)) "3 $proto: no frame of h1 exceeds the 1280-byte link (largest $big)"
	unlike "$(ctl h1 -j stats)" '"(icv_fail|replay|malformed|policy_mismatch|cleartext)":[1-9]' \
		"3 $proto: h1 dropped nothing it received"
	note "3 $proto: $frags fragments of h1, largest frame $big; first fragment: $first"
	unconfigure
done
dmesg_clean "no kernel splat"
