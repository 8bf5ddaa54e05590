#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interoperability matrix against Linux XFRM, transport mode:
#
#     h1 2001:db8::1  (ipsec6, configured with ipsec6ctl)
#      |  veth
#     h2 2001:db8::2  (Linux XFRM, configured with ip xfrm)
#
# For every algorithm the SAs and policies of both sides are the same lines:
# "ip xfrm state/policy ..." on h2 and "ipsec6ctl sa/policy ..." on h1.
# Traffic both ways: ping, and a TCP transfer whose SHA-256 must match.
# One capture on h2 for the whole run is decoded at the end: every
# algorithm's SPI is on the wire with the right protocol, the encrypted
# ones hide their TCP, and nothing between the two global addresses ever
# travels in cleartext.  AES-GMAC in AH has no XFRM implementation: it runs
# module to module.
# timeout: 900
. "$(dirname "$0")/lib.sh"

plan_no
require_cmd tshark
check "module loads" load_module
check "two hosts" two_hosts --global
A=$H1_IP
B=$H2_IP
W=$(mktemp -d)
at_exit rm -rf "$W"
require_cmd socat
head -c 524288 /dev/urandom >"$W/blob"

hexkey() { python3 -c "import sys; print('0x' + bytes((i * 7 + $2) & 255 for i in range($1)).hex())"; }
K16=$(hexkey 16 1) K20=$(hexkey 20 2) K32=$(hexkey 32 3) K36=$(hexkey 36 4)
K48=$(hexkey 48 5) K64=$(hexkey 64 6)

# name | protocol | algorithm and options, in ip-xfrm syntax
MATRIX="
ah-hmac-md5-128|ah|auth-trunc hmac(md5) $K16 128
ah-hmac-md5-96|ah|auth-trunc hmac(md5) $K16 96
ah-hmac-sha1-160|ah|auth-trunc hmac(sha1) $K20 160
ah-hmac-sha1-96|ah|auth-trunc hmac(sha1) $K20 96
ah-hmac-sha256-128|ah|auth-trunc hmac(sha256) $K32 128
ah-hmac-sha384-192|ah|auth-trunc hmac(sha384) $K48 192
ah-hmac-sha512-256|ah|auth-trunc hmac(sha512) $K64 256
ah-hmac-sha256-esn|ah|auth-trunc hmac(sha256) $K32 128 flag esn replay-window 128
esp-null-hmac-md5-128|esp|auth-trunc hmac(md5) $K16 128 enc ecb(cipher_null) ''
esp-null-hmac-sha1-96|esp|auth-trunc hmac(sha1) $K20 96 enc ecb(cipher_null) ''
esp-null-hmac-sha256|esp|auth-trunc hmac(sha256) $K32 128 enc ecb(cipher_null) ''
esp-aes-gcm-128|esp|aead rfc4106(gcm(aes)) $K20 128
esp-aes-gcm-256|esp|aead rfc4106(gcm(aes)) $K36 128
esp-aes-gcm-128-esn|esp|aead rfc4106(gcm(aes)) $K20 128 flag esn replay-window 4096
esp-chacha20-poly1305|esp|aead rfc7539esp(chacha20,poly1305) $K36 128
esp-aes-cbc-hmac-sha256|esp|auth-trunc hmac(sha256) $K32 128 enc cbc(aes) $K16
esp-aes-cbc-hmac-sha256-esn|esp|auth-trunc hmac(sha256) $K32 128 enc cbc(aes) $K16 flag esn replay-window 64
esp-null-gmac|esp|aead rfc4543(gcm(aes)) $K20 128
ah-aes-gmac|ah|aead rfc4543(gcm(aes)) $K20 128
"

# capture on h2 for the whole run
CAP=$W/wire.pcap
ip netns exec h2 tshark -q -i veth0 -w "$CAP" -f ip6 >/dev/null 2>&1 &
cap_pid=$!
at_exit kill "$cap_pid"
check "capture started" wait_for 60 test -s "$CAP"

# xfer FROM_NS TO_NS TO_ADDR PORT: 512 KiB over TCP, same SHA-256
xfer() { tcp_xfer "$@" "$W/blob" 90; }

i=0
declare -A SPI_OF PROTO_OF
while IFS='|' read -r name proto alg; do
	[[ -n $name ]] || continue
	i=$((i + 1))
	s_ab=$((0x1000 + 2 * i)) s_ba=$((0x1001 + 2 * i))
	SPI_OF[$name]="$s_ab $s_ba"
	PROTO_OF[$name]=$proto
	peer=xfrm
	[[ $name == ah-aes-gmac ]] && peer=ipsec6ctl
	# The same lines on both sides.
	pair_lines "$proto" "$s_ab" "$s_ba" "$alg"
	check "$name: ipsec6ctl takes the ip-xfrm lines on h1" pair_config h1 ipsec6ctl
	check "$name: h2 ($peer) configured" pair_config h2 "$peer"
	check "$name: h1 -> h2 ping" ip netns exec h1 ping -c 2 -i 0.2 -W 3 "$B"
	check "$name: h2 -> h1 ping" ip netns exec h2 ping -c 2 -i 0.2 -W 3 "$A"
	check "$name: TCP h1 -> h2, 512 KiB, same SHA-256" xfer h1 h2 "$B" 5001
	check "$name: TCP h2 -> h1, 512 KiB, same SHA-256" xfer h2 h1 "$A" 5002
	drops=$(ip netns exec h1 "$IPSEC6CTL" -j stats)
	unlike "$drops" '"(icv_fail|replay|malformed|bad_padding|policy_mismatch|cleartext)":[1-9]' \
		"$name: h1 dropped nothing"
	ip netns exec h1 "$IPSEC6CTL" policy flush
	ip netns exec h1 "$IPSEC6CTL" sa flush
	ip -n h2 xfrm policy flush
	ip -n h2 xfrm state flush
	ip netns exec h2 "$IPSEC6CTL" policy flush
	ip netns exec h2 "$IPSEC6CTL" sa flush
done <<<"$MATRIX"

kill "$cap_pid"
wait "$cap_pid" 2>/dev/null
tshark -r "$CAP" -T fields -E separator='|' -e frame.protocols -e esp.spi \
	-e ah.spi -e ipv6.src -e ipv6.dst >"$W/decoded" 2>/dev/null
check "the capture decodes" test -s "$W/decoded"
for name in "${!SPI_OF[@]}"; do
	proto=${PROTO_OF[$name]}
	for spi in ${SPI_OF[$name]}; do
		hex=$(printf '0x%08x' "$spi")
		n=$(awk -F'|' -v p="ipv6:$proto" -v s="$hex" \
			'index($1, p) && (index($2, s) || index($3, s))' "$W/decoded" | wc -l)
		ok $(( n < 10 )) "$name: SPI $hex is on the wire in $proto ($n packets)"
	done
	if [[ $proto == esp && $name != esp-null-* ]]; then
		spi=$(printf '0x%08x' "${SPI_OF[$name]%% *}")
		leak=$(awk -F'|' -v s="$spi" 'index($2, s) && $1 ~ /tcp|icmpv6/' "$W/decoded" | wc -l)
		is "$leak" 0 "$name: the wire shows no TCP or ICMPv6 inside ESP"
	fi
done
clear=$(awk -F'|' '$1 !~ /:(ah|esp)/ && $4 ~ /^2001:db8::/ && $5 ~ /^2001:db8::/' "$W/decoded")
is "$clear" "" "nothing between 2001:db8::1 and ::2 ever travelled in cleartext"
dmesg_clean "no kernel splat"
