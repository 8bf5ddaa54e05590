#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Windows XP / Server 2003 ipsec6 two-host example, end to end:
#
#     h1 fe80::2aa:ff:fe53:a92c  ======== veth =======  h2 fe80::2aa:ff:fe92:d0f1
#     (00:aa:00:53:a9:2c)                               (00:aa:00:92:d0:f1)
#
# Each host writes blank files with "ipsec6ctl s test", gets the example's
# policy and SAs (AH, HMAC-MD5 with the full 16-byte ICV, key file Test.key
# holding exactly "This is a test", SPIs 3001/3000, all protocols) and loads
# them with "ipsec6ctl l test".  Ping must work and the wire must show AH
# between the IPv6 and ICMPv6 headers; then again with h2 running Linux
# XFRM configured equivalently.  Also: s -> l -> s gives the same files, a
# file with an error on its last line changes nothing.
# timeout: 300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/win_lib.sh"

plan_no
require_cmd tshark
check "module loads" load_module
check "two hosts with the example's link-local addresses" two_hosts

W=$(mktemp -d)
at_exit rm -rf "$W"

# In each host's own folder: blank files first.
for h in h1 h2; do
	mkdir -p "$W/$h"
	check "$h: ipsec6ctl s test writes blank files" \
		bash -c "cd '$W/$h' && ip netns exec $h '$IPSEC6CTL' s test"
	like "$(cat "$W/$h/test.spd" 2>/dev/null)" \
		$'\n1 - \\* - \\* - \\* - \\* - \\* NONE \\* \\* NONE BIDIRECT BYPASS 0 ;' \
		"$h: the blank policy file holds the default policy"
	unlike "$(cat "$W/$h/test.sad" 2>/dev/null)" '^[0-9]+ [0-9]+ ' \
		"$h: the blank SA file lists no SA"
done

win_example_files "$W/h1" "$H2_LL" 3001 3000 "$H1_LL"
win_example_files "$W/h2" "$H1_LL" 3000 3001 "$H2_LL"

# A file whose last line is wrong must change nothing.
cp -r "$W/h1" "$W/bad"
sed -i 's/^1 3000 \(.*\) INBOUND 2 ;/1 3000 \1 INBOUND 9 ;/' "$W/bad/test.sad"
before=$(ip netns exec h1 "$IPSEC6CTL" sp)
out=$(cd "$W/bad" && ip netns exec h1 "$IPSEC6CTL" l test 2>&1)
ok $(( $? == 0 )) "a .sad whose last entry names a missing policy is refused"
like "$out" 'test\.sad:[0-9]+:' "the error names the file and line"
is "$(ip netns exec h1 "$IPSEC6CTL" sp)" "$before" "and nothing was installed"

for h in h1 h2; do
	check "$h: ipsec6ctl l test" \
		bash -c "cd '$W/$h' && ip netns exec $h '$IPSEC6CTL' l test"
done
like "$(ip netns exec h1 "$IPSEC6CTL" sa)" '3001' "h1: ipsec6ctl sa lists SPI 3001"

# s -> l -> s: the saved files are the loaded ones.
mkdir -p "$W/h1/again"
check "h1: ipsec6ctl s again" \
	bash -c "cd '$W/h1/again' && ip netns exec h1 '$IPSEC6CTL' s test"
is "$(grep -E '^[0-9]+ ' "$W/h1/again/test.spd")" \
	"$(grep -E '^[0-9]+ ' "$W/h1/test.spd")" "the saved policies are the loaded ones"
is "$(grep -E '^[0-9]+ ' "$W/h1/again/test.sad")" \
	"$(grep -E '^[0-9]+ ' "$W/h1/test.sad")" "the saved SAs are the loaded ones (key file names, no key bytes)"
unlike "$(cat "$W/h1/again/"*)" 'This is a test' "no key bytes in the saved files"
check "reloading the same files is accepted (nothing changes)" \
	bash -c "cd '$W/h1' && ip netns exec h1 '$IPSEC6CTL' l test"

run_ping_and_check() {
	local label=$1
	local cap=$W/$label.pcap
	win_capture h2 veth0 "$cap"
	check "$label: h1 pings h2 over link-local" \
		ip netns exec h1 ping -c 3 -i 0.2 -W 2 -I veth0 "$H2_LL"
	win_stop_capture
	local d
	d=$(win_decode "$cap")
	like "$d" $'eth:ethertype:ipv6:ah:icmpv6(:data)?\t0x00000bb9' \
		"$label: echo requests carry AH (SPI 3001) between IPv6 and ICMPv6"
	like "$d" $'eth:ethertype:ipv6:ah:icmpv6(:data)?\t0x00000bb8' \
		"$label: echo replies carry AH (SPI 3000)"
	like "$d" $'ah:icmpv6:data\t0x00000bb[89]\t150\t' \
		"$label: frames are 150 bytes (16-byte ICV, AH padded to 32)"
	unlike "$(grep -v ':ah:' <<<"$d" | grep -vE $'\tff[0-9a-f]{2}:[^\t]*$')" \
		'.' "$label: nothing unicast travels in cleartext"
	diag "$(head -n 8 <<<"$d")"
}

run_ping_and_check "module<->module"
stats=$(ip netns exec h1 "$IPSEC6CTL" -j stats)
like "$stats" '"icv_fail":0,' "h1: no ICV failures"

# h2 becomes Linux XFRM with the same keys and selectors.
check "h2: the module's tables are emptied" \
	bash -c "ip netns exec h2 '$IPSEC6CTL' d sa all && ip netns exec h2 '$IPSEC6CTL' d sp all"
xfrm() { ip -n h2 xfrm "$@"; }
check "h2: XFRM states" bash -c "
	ip -n h2 xfrm state add src $H2_LL dst $H1_LL proto ah spi 3000 mode transport auth-trunc 'hmac(md5)' 'This is a test' 128 &&
	ip -n h2 xfrm state add src $H1_LL dst $H2_LL proto ah spi 3001 mode transport auth-trunc 'hmac(md5)' 'This is a test' 128"
check "h2: XFRM policies" bash -c "
	ip -n h2 xfrm policy add src $H2_LL dst $H1_LL dir out tmpl proto ah mode transport &&
	ip -n h2 xfrm policy add src $H1_LL dst $H2_LL dir in tmpl proto ah mode transport"
ip -n h1 neigh flush all
ip -n h2 neigh flush all
run_ping_and_check "module<->XFRM"
like "$(ip -n h2 -s xfrm state)" 'replay [0-9]+ failed 0' "XFRM saw no replay failures"

dmesg_clean "no kernel splat"
