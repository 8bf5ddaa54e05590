#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/demo-guest.sh - the demo, inside the VM that scripts/demo.sh
# boots: the Windows XP / Server 2003 ipsec6 two-host example on Linux.
#
#   h1 veth0 00:aa:00:53:a9:2c fe80::2aa:ff:fe53:a92c
#   h2 veth0 00:aa:00:92:d0:f1 fe80::2aa:ff:fe92:d0f1
#
# 1. Each host writes blank files ("ipsec6ctl s test"), gets the example's
#    entries (AH, HMAC-MD5, key file Test.key = "This is a test", SPIs
#    3001/3000, all protocols) and loads them ("ipsec6ctl l test").
# 2. h1 pings h2; tshark decodes the AH packets on the wire.
# 3. h2 switches to Linux's own IPsec (ip xfrm) with ESP AES-GCM, h1 is
#    configured with the same ip-xfrm lines through ipsec6ctl; ping and a
#    decode of the ESP packets again.
# 4. strongSwan negotiates the keys: charon on ipsec6 (the kernel-ipsec6
#    plugin) in h1, charon on Linux XFRM in h2, PSK, transport, ESP
#    AES-GCM-128; h1's trap policy brings the CHILD_SA up at the first
#    ping, and h1 rekeys it every 15 s during a 40 s ping.  Skipped (with a
#    message) without strongSwan or the plugin (make strongswan).
# No "set -e": tests/lib.sh's helpers are written for TAP scripts, where a
# failing command is a result, not the end; the demo stops with die().
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../tests/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../tests/win_lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../tests/ike_lib.sh"
tap_off
# _nap's pipe trick ended the demo (not the tests) in the guest when a
# capture ran in the background; plain sleep is fine for a demo.
_tap_sleep_fd=none

W=$(mktemp -d)
# tests/lib.sh's exit handler: also stops the charons (tests/ike_lib.sh).
at_exit rm -rf "$W"

die() {
	echo "demo: FAILED: $*" >&2
	exit 1
}

step() {
	printf '\n==> %s\n' "$*"
}

# show CMD...: print the command as typed, then run it.
show() {
	printf '$ %s\n' "$*"
	"$@"
}

# ping_and_decode LABEL: h1 pings h2 while h2's veth0 is captured; the
# packets are printed one per line, then one echo request in full.
ping_and_decode() {
	local cap=$W/$1.pcap
	win_capture h2 veth0 "$cap" || die "tshark did not start"
	show ip netns exec h1 ping -c 3 -i 0.3 "$H2_LL%veth0" ||
		die "h1 cannot ping h2"
	win_stop_capture
	echo
	echo "The wire, as tshark decodes it (captured on h2's veth0):"
	tshark -r "$cap" -Y 'icmpv6.type == 128 || icmpv6.type == 129 || esp' \
		-T fields -E header=y -e frame.len -e ipv6.src -e ipv6.dst \
		-e frame.protocols -e ah.spi -e ah.sequence -e esp.spi \
		-e esp.sequence 2>/dev/null | column -t
	echo
	echo "The first echo request in full:"
	tshark -r "$cap" -V -Y '(ah && icmpv6.type == 128) || esp' 2>/dev/null |
		awk '/^Frame [0-9]+:/ { n++ } n == 1' |
		sed -n '/^Internet Protocol Version 6/,$p'
}

step "load ipsec6 into the VM's kernel ($(uname -r))"
load_module || die "cannot load ipsec6"
lsmod | grep -E '^ipsec6 '

step "two hosts h1 and h2 (network namespaces) joined by a veth pair"
two_hosts || die "cannot set up the two hosts"
for h in "$H1" "$H2"; do
	echo "[$h]"
	ip -n "$h" -br -6 addr show dev veth0
done

step "h1: ipsec6ctl s test writes blank files"
mkdir -p "$W/h1" "$W/h2"
(cd "$W/h1" && show ip netns exec h1 "$IPSEC6CTL" s test && ls -l) ||
	die "ipsec6ctl s failed"

step "the administrator edits them as in the Windows documentation"
win_example_files "$W/h1" "$H2_LL" 3001 3000 "$H1_LL"
win_example_files "$W/h2" "$H1_LL" 3000 3001 "$H2_LL"
grep -E '^[0-9]+ ' "$W/h1/test.spd" "$W/h1/test.sad"
printf 'Test.key: '; cat "$W/h1/Test.key"; echo

step "ipsec6ctl l test, on both hosts"
for h in h1 h2; do
	(cd "$W/$h" && show ip netns exec "$h" "$IPSEC6CTL" l test) ||
		die "ipsec6ctl l failed on $h"
done
show ip netns exec h1 "$IPSEC6CTL" sp
show ip netns exec h1 "$IPSEC6CTL" sa

step "h1 pings h2: AH between the IPv6 and the ICMPv6 header"
ping_and_decode ah
show ip netns exec h1 "$IPSEC6CTL" sa list

step "h2 switches to Linux XFRM, ESP AES-GCM-128; h1 takes the same lines"
KEY=0x$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')
ip netns exec h2 "$IPSEC6CTL" d sa all
ip netns exec h2 "$IPSEC6CTL" d sp all
ip netns exec h1 "$IPSEC6CTL" d sa all
ip netns exec h1 "$IPSEC6CTL" d sp all
A=$H1_LL
B=$H2_LL
for spi in 0x1001 0x1002; do
	if [[ $spi == 0x1001 ]]; then s=$A d=$B; else s=$B d=$A; fi
	line=(src "$s" dst "$d" proto esp spi "$spi" mode transport
	      aead 'rfc4106(gcm(aes))' "$KEY" 128 replay-window 64)
	printf '$ ip xfrm state add %s ... (key not shown)\n' "${line[*]:0:9}"
	ip -n h2 xfrm state add "${line[@]}" || die "ip xfrm state add"
	printf '$ ipsec6ctl sa add %s ... (same key)\n' "${line[*]:0:9}"
	ip netns exec h1 "$IPSEC6CTL" sa add "${line[@]}" ||
		die "ipsec6ctl sa add"
done
show ip -n h2 xfrm policy add src "$B" dst "$A" dir out tmpl proto esp mode transport
show ip -n h2 xfrm policy add src "$A" dst "$B" dir in tmpl proto esp mode transport
show ip netns exec h1 "$IPSEC6CTL" policy add src "$A" dst "$B" dir out tmpl proto esp mode transport
show ip netns exec h1 "$IPSEC6CTL" policy add src "$B" dst "$A" dir in tmpl proto esp mode transport
ping_and_decode esp

step "drop counters on h1 (all zero: nothing was refused)"
show ip netns exec h1 "$IPSEC6CTL" stats

ip netns del h1
ip netns del h2

# ---- 4. strongSwan -------------------------------------------------------

# ike_missing: why the strongSwan part cannot run (nothing if it can).
ike_missing() {
	if [[ ! -x /usr/lib/ipsec/charon ]]; then
		echo "strongswan-charon is not installed"
	elif ! command -v swanctl >/dev/null; then
		echo "strongswan-swanctl is not installed"
	elif [[ ! -f $IKE_PLUGIN ]]; then
		echo "no $IKE_PLUGIN (make strongswan did not build it)"
	fi
}

# ike_conf ME PEER REKEY_S: h1's (trap) or h2's (none) side of the
# connection "c".  The CHILD_SA rekeys at its soft lifetime, without a
# random part; the hard one is 60 s later (tests/71-ike-rekey.sh: a slow
# guest must finish each rekey in time).
ike_conf() {
	local start="none"
	[[ $1 == 1 ]] && start="trap"
	IKE_CONN_OPTS="rekey_time = 4h" \
	IKE_CHILD_OPTS="rekey_time = ${3}s
				life_time = $(($3 + 60))s
				rand_time = 0s" \
		ike_conn c "2001:db8::$1" "2001:db8::$2" "h$1" "h$2" psk transport \
			"$start"
}

# ike_pings_done: the long ping printed its summary.
ike_pings_done() {
	grep -q 'packets transmitted' "$W/ping"
}

# ike_demo: the strongSwan part.
ike_demo() {
	local why mon pid n ev
	step "strongSwan negotiates the keys: charon on ipsec6 (h1), charon on XFRM (h2)"
	why=$(ike_missing)
	if [[ -n $why ]]; then
		echo "demo: skipping the strongSwan part: $why"
		return 0
	fi
	echo "h1 2001:db8::1, charon with the kernel-ipsec6 plugin"
	echo "h2 2001:db8::2, charon with Linux XFRM (kernel-netlink)"
	echo "PSK, transport mode, ESP AES-GCM-128; h1 rekeys the CHILD_SA every 15 s"
	ike_link 1 2 || die "cannot set up h1 and h2 on a bridge"
	ike_warm_crypto || die "cannot instantiate the ESP algorithms"
	if ! { charon_spawn a h1 ipsec6 && charon_spawn b h2 xfrm &&
		charon_up a && charon_up b; }; then
		die "charon did not start"
	fi

	# The monitor is listening once it shows the trap policies charon
	# installs when its configuration is loaded.
	mon=$W/monitor
	ip netns exec h1 "$IPSEC6CTL" monitor >"$mon" 2>&1 &
	pid=$!
	if ! { ike_load b "connections { $(ike_conf 2 1 300) }
			$(ike_secrets h1 h2)" >"$W/load" 2>&1 &&
		ike_load a "connections { $(ike_conf 1 2 15) }
			$(ike_secrets h1 h2)" >>"$W/load" 2>&1; }; then
		cat "$W/load"
		die "swanctl --load-all failed"
	fi
	if ! wait_for 30 grep -q '^policy-add' "$mon"; then
		kill "$pid"
		die "h1 shows no trap policy (start_action = trap)"
	fi
	echo
	echo "h1's trap policies, as ipsec6ctl shows them:"
	ip netns exec h1 "$IPSEC6CTL" policy list

	step "h1 pings h2 once: the packet hits the trap, the module asks charon (acquire)"
	show ip netns exec h1 ping -n -c 1 -W 1 2001:db8::2
	ike_wait_child a c 60 || die "the CHILD_SA did not come up"
	grep -m1 -E 'CHILD_SA c\{[0-9]+\} established' "$IKE_DIR/a/charon.log" |
		sed 's/^[0-9.]* *//'

	step "h1 pings h2 for 40 s at 5/s while the CHILD_SA is rekeyed"
	printf '$ ping -n -c 200 -i 0.2 2001:db8::2\n'
	ip netns exec h1 ping -n -c 200 -i 0.2 -W 5 2001:db8::2 >"$W/ping" 2>&1 &
	wait_for 240 ike_pings_done || echo "demo: the ping did not finish"
	kill "$pid"
	wait "$pid" 2>/dev/null
	tail -n 3 "$W/ping"
	# Each CHILD_SA once ("established" is logged more than once per SA).
	n=$(grep -oE 'CHILD_SA c\{[0-9]+\} established' "$IKE_DIR/a/charon.log" |
		sort -u | wc -l)
	echo "CHILD_SAs established on h1: $n (the first, then $((n - 1)) rekeys)"
	echo "(a rekey every 15 s of the guest's time: more on a loaded machine,"
	echo " where 200 pings at 5/s take longer than 40 s)"

	step "what charon (h1) and the module (h1) hold now"
	printf '$ swanctl --list-sas   (on h1, through its vici socket)\n'
	swan a --list-sas
	show ip netns exec h1 "$IPSEC6CTL" sa list
	ike_spis_match a h1 >/dev/null &&
		echo "(the same SPIs: ipsec6ctl lists exactly the SAs charon installed)"

	step "ipsec6ctl monitor on h1 during the run (acquire, sa-add, sa-del; abridged)"
	grep -E '^(acquire|sa-add|sa-del|sa-expired)' "$mon" | head -n 12 |
		cut -c 1-150
	for ev in acquire sa-add sa-del sa-expired; do
		printf '%s: %s  ' "$ev" "$(grep -c "^$ev" "$mon")"
	done
	echo
	charon_kill a
	charon_kill b
	ip netns del h1
	ip netns del h2
	ip netns del wire
}
ike_demo

step "unload ipsec6"
unload_module
echo "demo: done"
