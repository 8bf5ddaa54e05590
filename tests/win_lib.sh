#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/win_lib.sh - the Windows XP / Server 2003 two-host example, shared
# by tests/20-windows.sh and the demo (scripts/demo-guest.sh).  Source after
# tests/lib.sh.

# win_example_files DIR PEER_LL OUT_SPI IN_SPI MY_LL: the example's
# test.spd/test.sad and Test.key in DIR, as the Windows documentation has
# the administrator edit them: one AH policy for all protocols to the peer,
# HMAC-MD5 with the key "This is a test", one SA each way.
win_example_files() {
	local d=$1 peer=$2 out=$3 in=$4 me=$5 border
	border=$(printf '_%.0s' $(seq 1 60))
	mkdir -p "$d"
	printf 'This is a test' >"$d/Test.key"
	cat >"$d/test.spd" <<-EOF

	Security Policy List

	Policy RemoteIPAddr LocalIPAddr Protocol RemotePort LocalPort IPSecProtocol IPSecMode RemoteGWIPAddr SABundleIndex Direction Action InterfaceIndex
	$border
	2 - ${peer^^} - * - * - * - * AH TRANSPORT * NONE BIDIRECT APPLY 0 ;
	1 - * - * - * - * - * NONE * * NONE BIDIRECT BYPASS 0 ;
	$border

	- = Take selector from policy.
	+ = Take selector from packet.
	EOF
	cat >"$d/test.sad" <<-EOF

	Security Association List

	SAEntry SPI SADestIPAddr DestIPAddr SrcIPAddr Protocol DestPort SrcPort AuthAlg KeyFile Direction SecPolicyIndex
	$border
	2 $out ${peer^^} POLICY POLICY POLICY POLICY POLICY HMAC-MD5 Test.key OUTBOUND 2 ;
	1 $in ${me^^} POLICY POLICY POLICY POLICY POLICY HMAC-MD5 Test.key INBOUND 2 ;
	$border

	- = Take selector from policy.
	+ = Take selector from packet.
	EOF
}

# win_capture NS IF FILE: tcpdump in the background (it starts in well
# under a second where tshark takes many under TCG), returns once it
# captures: tcpdump writes the file header then.
win_capture() {
	ip netns exec "$1" tcpdump -q -U --immediate-mode -i "$2" -w "$3" ip6 >/dev/null \
		2>"$3.log" &
	_win_cap_pid=$!
	wait_for 30 test -s "$3" && return 0
	cat "$3.log" >&2
	return 1
}

win_stop_capture() {
	kill "$_win_cap_pid" 2>/dev/null
	wait "$_win_cap_pid" 2>/dev/null
	return 0
}

# win_decode FILE: "protocols spi length destination" per packet.
win_decode() {
	tshark -r "$1" -T fields -e frame.protocols -e ah.spi -e frame.len \
		-e ipv6.dst 2>/dev/null
}
