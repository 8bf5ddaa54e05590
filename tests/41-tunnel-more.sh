#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tunnel mode, continued, on the topology of tests/40-tunnel.sh:
#
#   h1 ---- gw1 ---- r ---- gw2 ---- h2
#   site A  (ipsec6) (wire) (XFRM, then ipsec6)  site B
#
#   1. site to site with Linux XFRM on gw2, configured with the same
#      "ip xfrm" lines: ping, TCP both ways; cleartext for site A forged
#      at r is dropped by gw1.
#   2. a bundle (transport inside tunnel): h1 protects its traffic to h2
#      with ESP transport end to end (h2 checks it), carried in an ESP
#      tunnel from h1 to gw2 (gw2 removes it), one policy chained to the
#      next with "bundle"; inbound h1 checks both, in reverse order.
#      Then AH in transport mode over the ESP tunnel between the gateways.
#   3. path MTU with the module on both gateways and r's link to gw2 at
#      1400: r's Packet Too Big for gw1's ESP lowers the path MTU to gw2,
#      gw1 then tells h1 what fits inside the tunnel; TCP works.  Again at
#      1280, the IPv6 minimum: nothing smaller fits inside, so gw1
#      fragments the ESP packets instead; TCP works.  Also the policy flag
#      dscp-copy: the outer header carries the inner DSCP.
# timeout: 240
. "$(dirname "$0")/40-tunnel.sh" --lib

plan_no
require_cmd tcpdump socat
check "module loads" load_module
modprobe -a -q gcm ghash_generic seqiv hmac sha256_generic authenc 2>/dev/null
K20=$(hexkey 20 1) K32=$(hexkey 32 2)
GCM=(aead 'rfc4106(gcm(aes))' "$K20" 128)
check "five namespaces: h1 - gw1 - r - gw2 - h2, cleartext works" tun_topology
check "capture at r started" tun_capture_start
tun_blob 1048576

# 1. Linux XFRM on gw2.
check "XFRM gateway: gw1 (ipsec6) and gw2 (XFRM) take the same lines" \
	tunnel_pair module gw1 "$GW1W" "$A_NET" xfrm gw2 "$GW2W" "$B_NET" 0x7000 "${GCM[@]}"
check "XFRM gateway: h1 -> h2 ping" ip netns exec h1 ping -c 3 -i 0.2 -W 3 "$H2A"
check "XFRM gateway: h2 -> h1 ping" ip netns exec h2 ping -c 3 -i 0.2 -W 3 "$H1A"
check "XFRM gateway: TCP h1 -> h2, 1 MiB, same SHA-256" xfer h1 h2 "$H2A" 5101
check "XFRM gateway: TCP h2 -> h1, 1 MiB, same SHA-256" xfer h2 h1 "$H1A" 5102
ip -n r addr add 2001:db8:2::66/128 dev lo
before=$(drop_count gw1 cleartext)
check_fail "XFRM gateway: cleartext from site B forged at r does not reach h1" \
	ip netns exec r ping -c 2 -i 0.2 -W 1 -I 2001:db8:2::66 "$H1A"
after=$(drop_count gw1 cleartext)
is "$(( ${after:-0} - ${before:-0} ))" 2 "XFRM gateway: gw1 counted 2 cleartext drops"
ip -n r addr del 2001:db8:2::66/128 dev lo
is "$(drops gw1)" '"cleartext":2 ' "XFRM gateway: gw1 dropped nothing else"
seq=$(sa_seq gw1 "$GW2W" 0x7000)
ok $(( ${seq:-0} < 100 )) "XFRM gateway: gw1's SA carried the traffic (seq $seq)"
cfg_flush module gw1
cfg_flush xfrm gw2

# 2. Bundle on h1: ESP transport to h2 (policies 10/12) inside an ESP
# tunnel to gw2 (policies 11/13, reached only through the bundle).
cfg module h1 sa src "$H1A" dst "$H2A" proto esp spi 0x8000 mode transport "${GCM[@]}"
cfg module h1 sa src "$H2A" dst "$H1A" proto esp spi 0x8001 mode transport "${GCM[@]}"
cfg module h1 sa src "$H1A" dst "$GW2W" proto esp spi 0x8002 mode tunnel "${GCM[@]}"
cfg module h1 sa src "$GW2W" dst "$H1A" proto esp spi 0x8003 mode tunnel "${GCM[@]}"
cfg module h1 policy src "$H1A" dst "$H2A" dir out index 10 \
	tmpl proto esp mode transport bundle 11
cfg module h1 policy src "$H1A" dst "$H2A" dir out index 11 \
	tmpl src "$H1A" dst "$GW2W" proto esp mode tunnel flag bundle-only
cfg module h1 policy src "$H2A" dst "$H1A" dir in index 12 \
	tmpl proto esp mode transport bundle 13
cfg module h1 policy src "$H2A" dst "$H1A" dir in index 13 \
	tmpl src "$GW2W" dst "$H1A" proto esp mode tunnel flag bundle-only
cfg module h2 sa src "$H1A" dst "$H2A" proto esp spi 0x8000 mode transport "${GCM[@]}"
cfg module h2 sa src "$H2A" dst "$H1A" proto esp spi 0x8001 mode transport "${GCM[@]}"
cfg module h2 policy src "$H2A" dst "$H1A" dir out tmpl proto esp mode transport
cfg module h2 policy src "$H1A" dst "$H2A" dir in tmpl proto esp mode transport
check "bundle: h1 (bundle) and h2 (transport) configured" cfg_commit
cfg module gw2 sa src "$H1A" dst "$GW2W" proto esp spi 0x8002 mode tunnel "${GCM[@]}"
cfg module gw2 sa src "$GW2W" dst "$H1A" proto esp spi 0x8003 mode tunnel "${GCM[@]}"
cfg module gw2 policy src "$B_NET" dst "$H1A" dir out \
	tmpl src "$GW2W" dst "$H1A" proto esp mode tunnel
cfg module gw2 policy src "$H1A" dst "$B_NET" dir in \
	tmpl src "$H1A" dst "$GW2W" proto esp mode tunnel
check "bundle: gw2 (tunnel to h1) configured" cfg_commit
check "bundle: h1 -> h2 ping" ip netns exec h1 ping -c 3 -i 0.2 -W 3 "$H2A"
check "bundle: h2 -> h1 ping" ip netns exec h2 ping -c 3 -i 0.2 -W 3 "$H1A"
check "bundle: TCP h1 -> h2, 1 MiB, same SHA-256" xfer h1 h2 "$H2A" 5103
s1=$(sa_seq h1 "$H2A" 0x8000) s2=$(sa_seq h1 "$GW2W" 0x8002)
ok $(( ${s1:-0} < 100 || s1 != s2 )) \
	"bundle: every packet went through h1's transport SA and its tunnel SA ($s1, $s2)"
s3=$(sa_seq gw2 "$H1A" 0x8003) s4=$(sa_seq h2 "$H1A" 0x8001)
ok $(( ${s3:-0} < 10 || s3 != s4 )) \
	"bundle: h2's transport packets all went through gw2's tunnel SA ($s4, $s3)"
is "$(drops h1)" "" "bundle: h1 dropped nothing"
cfg_flush module h1 h2 gw2

# AH (transport) over the ESP tunnel between the gateways: the second step
# of the bundle protects the outer packet.
for g in gw1 gw2; do
	for sa in "$GW1W $GW2W esp 0x9000 tunnel" "$GW2W $GW1W esp 0x9001 tunnel" \
		"$GW1W $GW2W ah 0x9002 transport" "$GW2W $GW1W ah 0x9003 transport"; do
		read -r src dst proto spi mode <<<"$sa"
		alg=("${GCM[@]}")
		[[ $proto == ah ]] && alg=(auth-trunc 'hmac(sha256)' "$K32" 128)
		cfg module "$g" sa src "$src" dst "$dst" proto "$proto" spi "$spi" \
			mode "$mode" "${alg[@]}"
	done
done
cfg module gw1 policy src "$A_NET" dst "$B_NET" dir out index 20 \
	tmpl src "$GW1W" dst "$GW2W" proto esp mode tunnel bundle 21
cfg module gw1 policy src "$A_NET" dst "$B_NET" dir out index 21 \
	tmpl src "$GW1W" dst "$GW2W" proto ah mode transport flag bundle-only
cfg module gw1 policy src "$B_NET" dst "$A_NET" dir in index 22 \
	tmpl src "$GW2W" dst "$GW1W" proto esp mode tunnel bundle 23
cfg module gw1 policy src "$B_NET" dst "$A_NET" dir in index 23 \
	tmpl src "$GW2W" dst "$GW1W" proto ah mode transport flag bundle-only
cfg module gw2 policy src "$B_NET" dst "$A_NET" dir out index 20 \
	tmpl src "$GW2W" dst "$GW1W" proto esp mode tunnel bundle 21
cfg module gw2 policy src "$B_NET" dst "$A_NET" dir out index 21 \
	tmpl src "$GW2W" dst "$GW1W" proto ah mode transport flag bundle-only
cfg module gw2 policy src "$A_NET" dst "$B_NET" dir in index 22 \
	tmpl src "$GW1W" dst "$GW2W" proto esp mode tunnel bundle 23
cfg module gw2 policy src "$A_NET" dst "$B_NET" dir in index 23 \
	tmpl src "$GW1W" dst "$GW2W" proto ah mode transport flag bundle-only
check "AH over ESP tunnel: gw1 and gw2 configured" cfg_commit
check "AH over ESP tunnel: h1 -> h2 ping" \
	ip netns exec h1 ping -c 2 -i 0.2 -W 3 -s 333 "$H2A"
check "AH over ESP tunnel: TCP h2 -> h1, 1 MiB, same SHA-256" xfer h2 h1 "$H1A" 5104
is "$(drops gw1)" '"cleartext":2 ' "AH over ESP tunnel: gw1 dropped nothing more"
cfg_flush module gw1 gw2

# 3. Path MTU: r's link to gw2 at 1400, gw2's end still at 1500 (so that
# gw2 does not clamp the MSS of h2's SYN-ACK to what fits: h1 sends
# full-sized segments and the path MTU has to be discovered).
ip -n r link set r2 mtu 1400
export TUN_A_OUT_EXTRA="flag dscp-copy"
check "PMTU: gw1 (policy flag dscp-copy) and gw2 configured" \
	tunnel_pair module gw1 "$GW1W" "$A_NET" module gw2 "$GW2W" "$B_NET" 0xa000 "${GCM[@]}"
unset TUN_A_OUT_EXTRA
check "PMTU 1400: TCP h1 -> h2, 1 MiB, same SHA-256" xfer h1 h2 "$H2A" 5105
like "$(ip -n gw1 -6 route get "$GW2W")" "mtu 1400" \
	"PMTU 1400: r's Packet Too Big for ESP lowered gw1's path MTU to gw2"
like "$(ip -n h1 -6 route get "$H2A")" "mtu 13[0-9][0-9]" \
	"PMTU 1400: gw1 told h1 the MTU inside the tunnel"
check "PMTU: ping with DSCP AF41 and ECT(0)" \
	ip netns exec h1 ping -c 2 -i 0.2 -W 3 -Q 0x8a -s 333 "$H2A"
# 1280: the tunnel cannot offer h1 an IPv6 MTU (1280 less the overhead is
# below the minimum), so gw1 fragments the ESP packets after r's Packet
# Too Big (RFC 2473 7.1) instead of black-holing them.
ip -n r link set r2 mtu 1280
ip -n gw1 -6 route flush cache
ip -n h1 -6 route flush cache
check "PMTU 1280: TCP h1 -> h2, 1 MiB, same SHA-256" xfer h1 h2 "$H2A" 5106
like "$(ip -n gw1 -6 route get "$GW2W")" "mtu 1280" \
	"PMTU 1280: gw1's path MTU to gw2 is 1280"
# And with gw2's own link at 1280: gw2 clamps the MSS of protected SYNs.
ip -n gw2 link set wan0 mtu 1280
check "PMTU 1280: TCP h2 -> h1 over gw2's 1280-byte link, same SHA-256" \
	xfer h2 h1 "$H1A" 5107
like "$(drops gw1)" '^"cleartext":2 ("too_big":[0-9]+ )?$' \
	"PMTU: gw1 dropped nothing more (packets too big for h1's path MTU aside)"
is "$(drops gw2)" "" "PMTU: gw2 dropped nothing"
cfg_flush module gw1 gw2

check "the capture at r decodes" tun_capture_decode
is "$(tun_no_cleartext)" "" "no packet of h1 or h2 crossed r in cleartext"
# AH with a 128-bit ICV (28 bytes, padded to 32) over the 416 bytes of ESP.
n=$(awk -F'|' -v a="$GW1W" '$1 == "AH" && $2 == a && $5 == 448' "$TUN_W/decoded" | wc -l)
is "$n" 4 "AH over ESP tunnel: the two pings crossed r as AH (seen twice each)" ||
	diag "$(grep AH "$TUN_W/decoded" | sort | uniq -c | head)"
tc=$(awk -F'|' -v a="$GW1W" '$1 == "ESP" && $2 == a && $5 == 416 { print $4 }' \
	"$TUN_W/decoded" | sort -u | tr '\n' ' ')
is "$tc" "0x8a " "dscp-copy: the outer traffic class is the inner one"
dmesg_clean "no kernel splat"
