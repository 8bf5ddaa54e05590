#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rekeying under traffic, charon on ipsec6 (kernel-ipsec6) and on XFRM:
# three pairs at once on one link, captured at the bridge.
#
#   h1 ipsec6 <-> h2 XFRM      h3 ipsec6 <-> h4 ipsec6      h5 XFRM <-> h6 XFRM
#   ---------------------------- br0 ("wire") ---------------------------------
#
# Each pair: PSK, transport, ESP AES-GCM-128 with ESN; the initiator (odd
# host) rekeys its CHILD_SA every 15 s (the responder's own time is longer,
# so who rekeys is known) and, once, its IKE_SA.  For 65 s the
# initiator pings the responder at 10/s and the responder sends 20 UDP
# datagrams a second back; then:
#   - no ping and no datagram was lost in the two pairs with ipsec6;
#   - the CHILD_SA was rekeyed at least 3 times and the IKE_SA once, and
#     every CHILD_SA had SPIs of its own;
#   - ipsec6ctl lists exactly the SAs charon reports;
#   - the capture shows no packet of the pairs in cleartext.
# XFRM <-> XFRM is the reference: its losses are reported, not checked
# (measured: 0 lost over 4 rekeys; once 1 ping over 14 rekeys on a loaded
# machine, at the switch to a new CHILD_SA).  The figures go to stderr
# ("figure:").
# timeout: 420
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ike_lib.sh"

SECS=65
PAIRS=("1 2 a b ipsec6 xfrm" "3 4 c d ipsec6 ipsec6" "5 6 e f xfrm xfrm")

# The CHILD_SA rekeys at its soft lifetime, without a random part (15, 30,
# 45, 60 s; a little later each time: a new SA counts from its
# installation).  Its hard lifetime is 60 s later, so that a slow guest
# still finishes each rekey in time (charon's default margin is 10%: under
# load, a rekey that takes 2 s lets the old SAs expire first, on XFRM too).
# The IKE_SA is rekeyed by hand right after the second CHILD_SA rekey: a
# soft expire that reaches charon while it moves the CHILD_SAs to a new
# IKE_SA is dropped ("not found for rekey", on XFRM too), and the CHILD_SA
# then lives to its hard lifetime and is re-created, losing packets; with
# timers, a slow guest makes the two meet.
conf() {
	local me=$1 peer=$2 rekey=$3
	IKE_CONN_OPTS="rekey_time = 4h" \
	IKE_CHILD_OPTS="rekey_time = ${rekey}s
				life_time = $(($3 + 60))s
				rand_time = 0s" \
		ike_conn c "2001:db8::$me" "2001:db8::$peer" "h$me" "h$peer" psk \
			transport none
}

start_all() {
	local p i r ia ib sa sb
	for p in "${PAIRS[@]}"; do
		read -r i r ia ib sa sb <<<"$p"
		charon_spawn "$ia" "h$i" "$sa" && charon_spawn "$ib" "h$r" "$sb" ||
			return 1
	done
	for p in "${PAIRS[@]}"; do
		read -r i r ia ib _ <<<"$p"
		charon_up "$ia" && charon_up "$ib" || return 1
	done
}

load_all() {
	local p i r ia ib
	for p in "${PAIRS[@]}"; do
		read -r i r ia ib _ <<<"$p"
		ike_load "$ia" "connections { $(conf "$i" "$r" 15) }
			$(ike_secrets "h$i" "h$r")" &&
			ike_load "$ib" "connections { $(conf "$r" "$i" 60) }
			$(ike_secrets "h$i" "h$r")" || return 1
	done
}

initiate_all() {
	local p i r ia
	for p in "${PAIRS[@]}"; do
		read -r i r ia _ <<<"$p"
		swan "$ia" --initiate --child c --timeout 60 >/dev/null 2>&1 &
	done
	for p in "${PAIRS[@]}"; do
		read -r i r ia _ <<<"$p"
		ike_wait_child "$ia" c 90 || return 1
	done
}

traffic() {
	local p i r n=$((SECS * 10))
	for p in "${PAIRS[@]}"; do
		read -r i r _ <<<"$p"
		ike_stream_start "h$r" "h$i" "2001:db8::$i" "700$i" $((SECS * 20)) 20 \
			$((SECS * 3)) ||
			return 1
		ip netns exec "h$i" ping -n -D -O -c "$n" -i 0.1 -W 5 "2001:db8::$r" \
			>"$IKE_DIR/ping.$i" 2>&1 &
	done
	rekey_ike || return 1
	wait_for $((SECS + 30)) eval "grep -q 'packets transmitted' $IKE_DIR/ping.1 &&
		grep -q 'packets transmitted' $IKE_DIR/ping.3 &&
		grep -q 'packets transmitted' $IKE_DIR/ping.5"
}

# Each initiator rekeys its IKE_SA as soon as its third CHILD_SA is up
# (after the second rekey).
rekey_ike() {
	local p i ia left=3 t=0
	local -A fired=()
	while ((left && t < (SECS + 30) * 10 * ${TEST_TIMEOUT_SCALE:-1})); do
		for p in "${PAIRS[@]}"; do
			read -r i _ ia _ <<<"$p"
			[[ -n ${fired[$ia]:-} ]] && continue
			grep -qE 'outbound CHILD_SA c\{3\} established' "$IKE_DIR/$ia/charon.log" ||
				continue
			swan "$ia" --rekey --ike c >/dev/null 2>&1 &
			fired[$ia]=1
			left=$((left - 1))
		done
		_nap 0.2
		t=$((t + 2))
	done
	((left == 0))
}

# CHILD_SAs named in NAME's log ("CHILD_SA c{N} established with SPIs
# IN_i OUT_o"): how many, and how many distinct inbound SPIs.
children() {
	grep -oE 'CHILD_SA c\{[0-9]+\} established with SPIs [0-9a-f]+_i' \
		"$IKE_DIR/$1/charon.log" | sort -u >"$IKE_DIR/$1.children"
	echo "$(sed 's/ established.*//' "$IKE_DIR/$1.children" | sort -u | wc -l)" \
		"$(awk '{ print $NF }' "$IKE_DIR/$1.children" | sort -u | wc -l)"
}

plan 29
ike_require
check "module loads" load_module
check "six hosts on br0" ike_link 1 2 3 4 5 6
check "ESP algorithms instantiated" ike_warm_crypto
check "six charons: ipsec6-XFRM, ipsec6-ipsec6, XFRM-XFRM" start_all
check "configurations loaded" load_all
check "capture on br0" ike_capture_start
check "the three CHILD_SAs are up" initiate_all
check "${SECS}s of pings and UDP datagrams" traffic

ike_stream_wait
for p in "${PAIRS[@]}"; do
	read -r i r ia ib sa sb <<<"$p"
	tag="$sa<->$sb (h$i-h$r)"
	pings=$(grep -oE '[0-9]+ received' "$IKE_DIR/ping.$i")
	pings=${pings% received}
	got=$(ike_stream_result "700$i")
	if [[ $sa == xfrm && $sb == xfrm ]]; then
		# The reference: what it loses is a figure, not our failure
		# (seen: 1 ping at a rekey's switch, on a loaded machine).
		ok 0 "$tag: reference: $((SECS * 10 - ${pings:-0})) pings lost"
		ok 0 "$tag: reference: $((SECS * 20 - ${got:-0})) datagrams lost"
	else
		is "$pings" $((SECS * 10)) "$tag: every ping answered"
		is "$got" $((SECS * 20)) "$tag: every UDP datagram arrived"
	fi
	read -r n spis <<<"$(children "$ia")"
	if ((n >= 4)); then
		ok 0 "$tag: $((n - 1)) CHILD_SA rekeys"
	else
		ok 1 "$tag: at least 3 CHILD_SA rekeys (saw $((n - 1)))"
	fi
	is "$spis" "$n" "$tag: each CHILD_SA had its own SPIs"
	like "$(grep -c 'IKE_SA c\[[0-9]*\] rekeyed' "$IKE_DIR/$ia/charon.log")" \
		'^[1-9]' "$tag: IKE_SA rekeyed"
	note "figure: $tag: $((n - 1)) CHILD_SA rekeys, 1 IKE_SA rekey:" \
		"$((SECS * 20 - ${got:-0})) of $((SECS * 20)) datagrams lost," \
		"pings: $(grep -oE '[0-9.]+% packet loss' "$IKE_DIR/ping.$i")"
done
# Rekeys go on: the comparison is retried until it falls between two.
check "h1: ipsec6ctl lists the SAs charon reports" ike_spis_match a h1
check "h3: ipsec6ctl lists the SAs charon reports" ike_spis_match c h3
check "h4: ipsec6ctl lists the SAs charon reports" ike_spis_match d h4
check "capture stopped" ike_capture_stop
check "no cleartext in any pair" eval 'ike_cleartext 2001:db8::1 2001:db8::2 &&
	ike_cleartext 2001:db8::3 2001:db8::4 && ike_cleartext 2001:db8::5 2001:db8::6'
dmesg_clean "no kernel splat"
