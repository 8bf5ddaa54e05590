#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An SA changed without changing its SPI and keys keeps its state
# (sequence numbers, replay window, counters):
#
#     h1 2001:db8::1 ===== veth ===== h2 2001:db8::2
#         ^ capture (both directions)
#
# ESP AES-GCM both ways (SPI 0x1001 from h1, 0x1002 back), the module on
# both hosts; h1 pings h2 every 10 ms and floods it (8 in flight) all the
# while.  Both hosts change both SAs three times, same SPIs and key:
#   1. "ipsec6ctl sa update", with a larger replay window and a packet limit;
#   2. "ipsec6ctl l --replace" of Windows .spd/.sad files (other indexes,
#      the SAs bound to a policy and a direction, no source address);
#   3. "ipsec6ctl -batch": sa flush, policy flush, the SAs again with
#      another window and a time limit, the policies (one transaction).
# Then no sequence number of either SPI may be on the wire twice (a new
# sequence counter would reuse AES-GCM nonces under the key), the last
# number sent is the number of packets since the start, the counters
# count every packet since the start, and the receiver's window is where
# the wire's last number is.  Finally h2 alone changes its inbound SA
# (sa update, another window) and the last ESP packet of h1 on the wire is
# sent again: it is a replay and is dropped as one.  Once with
# synchronous crypto, once with crypto_async=1 (cryptd: packets in flight
# on the old SA object while the new one is published).
# timeout: 600
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lc_lib.sh"

plan_no
require_cmd tcpdump stdbuf
A=$H1_IP
B=$H2_IP
KEY_TXT=lifecycle-gcm-key-20
KEY=0x$(printf '%s' "$KEY_TXT" | od -An -tx1 | tr -d ' \n')
GCM=(aead 'rfc4106(gcm(aes))' "$KEY" 128)
ESP_PCAP=$(cd "$(dirname "$0")" && pwd)/esp_pcap.py

check "helper and crypto modules load" lc_modules
unload_module 2>/dev/null
ASYNC=$(lc_async)
check "two hosts" lc_hosts

# ---- the configurations ----------------------------------------------------

# sa_lines WINDOW LIMIT...: both SAs, for a batch file.
sa_lines() {
	local w=$1
	shift
	echo "sa add src $A dst $B proto esp spi 0x1001 mode transport aead 'rfc4106(gcm(aes))' $KEY 128 replay-window $w $*"
	echo "sa add src $B dst $A proto esp spi 0x1002 mode transport aead 'rfc4106(gcm(aes))' $KEY 128 replay-window $w $*"
}

# sa_update NS WINDOW LIMIT...: "sa update" of both SAs.
sa_update() {
	local ns=$1 w=$2
	shift 2
	ctl "$ns" sa update src "$A" dst "$B" proto esp spi 0x1001 mode transport \
		"${GCM[@]}" replay-window "$w" "$@" &&
		ctl "$ns" sa update src "$B" dst "$A" proto esp spi 0x1002 \
			mode transport "${GCM[@]}" replay-window "$w" "$@"
}

# policy_lines NS
policy_lines() {
	local me=$A peer=$B
	[[ $1 == h2 ]] && me=$B peer=$A
	echo "policy add src $me dst $peer dir out tmpl proto esp mode transport"
	echo "policy add src $peer dst $me dir in tmpl proto esp mode transport"
}

# win_files NS: $LC/win-NS/cfg.{spd,sad} (SAs 7 and 6) and the key file.
win_files() {
	local ns=$1 d=$LC/win-$1 me=$A peer=$B out=4097 in=4098
	[[ $ns == h2 ]] && me=$B peer=$A out=4098 in=4097
	mkdir -p "$d"
	printf '%s' "$KEY_TXT" >"$d/gcm.key"
	lc_win_files "$d" "$me" "$peer" ESP "NULL gcm.key" "$out" "$in" \
		" AEAD=AES-GCM-128" 7 6
}

for ns in h1 h2; do
	{ sa_lines 64; policy_lines "$ns"; } >"$LC/$ns.start"
	{
		echo "sa flush"
		echo "policy flush"
		sa_lines 256 limit time-hard 86400
		policy_lines "$ns"
	} >"$LC/$ns.batch"
	win_files "$ns"
done

# ---- reading the tables ---------------------------------------------------------

# sa_field NS SPI FIELD: a number of SPI's SA in NS (seq, rseq, packets)
sa_field() {
	local j dst=$B
	[[ $2 == 0x1002 ]] && dst=$A
	j=$(ctl "$1" -j sa get dst "$dst" proto esp spi "$2") || return 1
	[[ $j =~ \"$3\":\ ?([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
}

# settled: every sequence number h1 and h2 handed out went through crypto
settled() {
	[[ $(sa_field h1 0x1001 seq) == "$(sa_field h1 0x1001 packets)" &&
		$(sa_field h2 0x1002 seq) == "$(sa_field h2 0x1002 packets)" ]]
}

# both ARGS...: ctl h1 ARGS, then ctl h2 ARGS; @NS in ARGS is the namespace.
both() {
	local ns a args
	for ns in h1 h2; do
		args=()
		for a in "$@"; do
			args+=("${a//@NS/$ns}")
		done
		ctl "$ns" "${args[@]}" || return 1
	done
}

drop_count() {
	local j
	j=$(ctl "$1" -j stats)
	[[ $j =~ \"$2\":\ ?([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
}

# replay_seen REPLAY_DROPS_BEFORE: h2 dropped a replay or took a packet
# more than h1 sent
replay_seen() {
	[[ $(drop_count h2 replay) != "$1" ||
		$(sa_field h2 0x1001 packets) != "$(sa_field h1 0x1001 packets)" ]]
}

# ---- the rounds ------------------------------------------------------------------

round() {
	local async=$1 tag="crypto_async=$1" cap=$LC/round$1.pcap ns spi
	local n distinct top src
	dmesg_mark
	check "$tag: ipsec6 loads" load_module crypto_async="$async"
	check "$tag: both hosts configured (window 64)" \
		both -batch "$LC/@NS.start"
	check "$tag: capture on h1's veth0 runs" capture_start "$cap"
	traffic_start h1 "$B"
	check "$tag: traffic flows" flowing h1 10

	check "$tag: 1. sa update (window 128, packet limit) on both hosts" \
		eval 'sa_update h1 128 limit packet-hard 100000000 &&
			sa_update h2 128 limit packet-hard 100000000'
	check "$tag: traffic flows after sa update" flowing h1 10
	check "$tag: 2. l --replace of Windows files on both hosts" \
		both l --replace "$LC/win-@NS/cfg"
	check "$tag: traffic flows after l --replace" flowing h1 10
	like "$(ctl h1 -j sa list)" '"index": ?7' "$tag: the SAs are the files' (index 7)"
	check "$tag: 3. -batch (flush, window 256, time limit) on both hosts" \
		both -batch "$LC/@NS.batch"
	check "$tag: traffic flows after -batch" flowing h1 10
	check "$tag: the traffic generators ran throughout" traffic_alive
	traffic_stop
	check "$tag: every packet handed out came through crypto" wait_for 10 settled
	capture_stop
	is "$(capture_lost "$cap")" 0 "$tag: the capture lost no packet"

	for spi in 0x1001 0x1002; do
		ns=h1 src=$A
		[[ $spi == 0x1002 ]] && ns=h2 src=$B
		read -r n distinct top < <("$DP_PY" "$ESP_PCAP" seqs "$cap" "$src" "$spi")
		diag "$tag: SPI $spi: $n packets on the wire, $distinct numbers, the highest ${top:-none}"
		ok $((${n:-0} > 100 && ${n:-0} == ${distinct:--1} ? 0 : 1)) \
			"$tag: SPI $spi: no sequence number twice on the wire ($n packets, $distinct numbers)"
		is "$(sa_field "$ns" "$spi" seq)" "$n" \
			"$tag: SPI $spi: the last number sent counts every packet since the start"
		is "$(sa_field "$ns" "$spi" packets)" "$n" \
			"$tag: SPI $spi: the sender's packet counter counts them all"
		is "$(sa_field "${PEER[$ns]}" "$spi" rseq)" "$top" \
			"$tag: SPI $spi: the receiver's window is at the wire's last number"
	done

	# The receiver alone changes its SA; the last packet comes again.
	local before after seq
	check "$tag: h2 changes its inbound SA alone (window 512)" \
		ctl h2 sa update src "$A" dst "$B" proto esp spi 0x1001 mode transport \
		"${GCM[@]}" replay-window 512
	before=$(drop_count h2 replay)
	seq=$("$DP_PY" "$ESP_PCAP" resend h1 veth0 "$cap" "$A" 0x1001)
	check "$tag: h2 dropped or took the packet sent again" \
		wait_for 5 replay_seen "$before"
	after=$(drop_count h2 replay)
	is "$((${after:-0} - ${before:-0}))" 1 \
		"$tag: h1's last packet (seq ${seq:-none}) sent again is dropped as a replay"
	is "$(sa_field h2 0x1001 packets)" "$(sa_field h1 0x1001 packets)" \
		"$tag: h2 took no packet more than h1 sent"

	check "$tag: SA flush on both sides" eval 'ctl h1 sa flush && ctl h2 sa flush'
	check "$tag: ipsec6 unloads" unload_module
	dmesg_clean "$tag: no kernel splat"
}

DP_PY=/usr/bin/python3
declare -A PEER=([h1]=h2 [h2]=h1)
round 0
round "$ASYNC"
