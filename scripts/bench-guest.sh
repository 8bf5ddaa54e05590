#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-guest.sh UDPFLOOD NLPROBE - the benchmark, run in one guest
# by scripts/bench.sh (never on a host: it loads the module).  UDPFLOOD and
# NLPROBE are the built tools/bench/udpflood and nlprobe; results go to
# $RESULTS (the guest's share).
#
# Two namespaces h1 (2001:db8::1) and h2 (2001:db8::2) joined by veth;
# ipsec6 ("module") against Linux XFRM ("xfrm"), the two stacks alternating
# run by run (the order flips every round).  Every figure goes to
# $RESULTS/raw.tsv as "metric<TAB>stack<TAB>round<TAB>value"; scripts/bench.sh
# turns that into the table, the JSON file and the plot.
#
# Env: BENCH_ROUNDS (3), BENCH_SECS (5, per throughput run),
# BENCH_SCALE ("1000 10000 100000"), BENCH_XFRM_SCALE ("1000 10000": XFRM's
# insertion is quadratic, 50k took 474 s), BENCH_SAS (10000),
# BENCH_CHANGE_SCALE ("0 1000 10000 100000": table sizes for single
# changes), BENCH_CHANGES (1000 requests of each kind per round),
# BENCH_TUNNELS (10000), BENCH_TUNNEL_BASE ("0 100000": policies already
# there), BENCH_PARTS (which parts run: "tput clear load sas scale changes
# tunnels"), BENCH_TAG (appended to the stack names of the "load" and
# "sas" parts: scripts/bench.sh runs them again with 64 possible CPUs),
# BENCH_SA_CRYPTO (cpu: the "sas" part loads aesni_intel and
# ghash_clmulni_intel first).
set -u
UDPFLOOD=${1:?usage: bench-guest.sh UDPFLOOD NLPROBE}
NLPROBE=${2:?usage: bench-guest.sh UDPFLOOD NLPROBE}
OUT=${RESULTS:?not in a guest of scripts/vm.sh}
# shellcheck source=tests/lib.sh
. "$REPO/tests/lib.sh"
tap_off

ROUNDS=${BENCH_ROUNDS:-3}
T=${BENCH_SECS:-5}
read -r -a SCALE <<<"${BENCH_SCALE:-1000 10000 100000}"
read -r -a XSCALE <<<"${BENCH_XFRM_SCALE:-1000 10000}"
NSAS=${BENCH_SAS:-10000}
read -r -a CSCALE <<<"${BENCH_CHANGE_SCALE:-0 1000 10000 100000}"
NCH=${BENCH_CHANGES:-1000}
NTUN=${BENCH_TUNNELS:-10000}
read -r -a TBASE <<<"${BENCH_TUNNEL_BASE:-0 100000}"
PARTS=" ${BENCH_PARTS:-tput clear load sas scale changes tunnels} "
TAG=${BENCH_TAG:-}
RAW=$OUT/raw.tsv
W=$(mktemp -d)
A=2001:db8::1 B=2001:db8::2
K20=0x0102030405060708090a0b0c0d0e0f1011121314
K32=0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20
TR=/sys/kernel/tracing
: >"$RAW"

log() { echo "bench: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# rec METRIC STACK ROUND VALUE
rec() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RAW"
	log "$1 $2 #$3: $4"
}

mod_on() { module_loaded || insmod "$IPSEC6_KO"; }
mod_off() { ! module_loaded || rmmod ipsec6; }
part() { [[ $PARTS == *" $1 "* ]]; }

# ---- traffic -----------------------------------------------------------

# iperf3 h1 -> h2, Mbit/s at the receiver
tput() {
	in_ns h1 iperf3 -c "$B" -t "$T" -O 1 -f m 2>&1 |
		awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") v = $i } END { print v + 0 }'
}

udp_in() {
	# shellcheck disable=SC2016
	in_ns h2 awk '$1 == "Udp6InDatagrams" || $1 == "Udp6RcvbufErrors" { s += $2 } END { print s + 0 }' /proc/net/snmp6
}

# 64-byte UDP datagrams h1 -> h2 with sendmmsg: datagrams per second that
# arrived (delivered or dropped at the full socket) during the run.
pps() {
	local c0 c1 t0 dt
	in_ns h2 "$UDPFLOOD" recv 9000 $((T + 2)) >"$W/recv" &
	local rpid=$!
	wait_for 10 bash -c "ip netns exec h2 ss -lun | grep -q ':9000 '"
	c0=$(udp_in)
	t0=$(now)
	in_ns h1 "$UDPFLOOD" send "$B" 9000 "$T" 64 >"$W/send"
	sleep 0.2
	c1=$(udp_in)
	dt=$(since "$t0")
	wait "$rpid"
	awk -v a="$c0" -v b="$c1" -v t="$dt" 'BEGIN { printf "%.0f", (b - a) / t }'
}

# ---- configuration -----------------------------------------------------

# cfg STACK esp|ah [PRIORITY]: transport SAs and policies both ways
cfg() {
	local st=$1 proto=$2 prio=(${3:+priority "$3"}) alg ns l r s1 s2
	if [[ $proto == esp ]]; then
		alg=(aead 'rfc4106(gcm(aes))' "$K20" 128)
	else
		alg=(auth-trunc 'hmac(sha256)' "$K32" 128)
	fi
	for ns in h1 h2; do
		if [[ $ns == h1 ]]; then l=$A r=$B; else l=$B r=$A; fi
		s1=(src "$A" dst "$B" proto "$proto" spi 0x1001 mode transport "${alg[@]}")
		s2=(src "$B" dst "$A" proto "$proto" spi 0x1002 mode transport "${alg[@]}")
		po=(src "$l" dst "$r" "${prio[@]}" tmpl src "$l" dst "$r" proto "$proto" mode transport)
		pi=(src "$r" dst "$l" "${prio[@]}" tmpl src "$r" dst "$l" proto "$proto" mode transport)
		if [[ $st == module ]]; then
			ctl $ns sa add "${s1[@]}" && ctl $ns sa add "${s2[@]}" &&
				ctl $ns policy add "${po[@]}" dir out &&
				ctl $ns policy add "${pi[@]}" dir in || return 1
		else
			ip -n $ns xfrm state add "${s1[@]}" && ip -n $ns xfrm state add "${s2[@]}" &&
				ip -n $ns xfrm policy add "${po[@]}" dir out &&
				ip -n $ns xfrm policy add "${pi[@]}" dir in || return 1
		fi
	done
}

uncfg() {
	local ns
	for ns in h1 h2; do
		if module_loaded; then
			ctl $ns policy flush >/dev/null
			ctl $ns sa flush >/dev/null
		fi
		ip -n $ns xfrm policy flush
		ip -n $ns xfrm state flush
	done
}

# gen STACK N: N policies that do not match the benchmark traffic, mixed
# /128 and /64 prefixes, ranges (XFRM has none: the covering /120), and
# port selectors, out and in, ahead of the traffic's policies (priority 10).
gen() {
	awk -v st="$1" -v n="$2" 'BEGIN {
		for (i = 0; i < n; i++) {
			hi = sprintf("%x", int(i / 65536)); lo = sprintf("%x", i % 65536)
			src = "2001:db8:f:" hi "::/64"
			k = i % 4
			if (k == 0)
				dst = "2001:db8:1:" hi "::" lo "/128"
			else if (k == 1)
				dst = sprintf("2001:db8:%x:%s::/64", 512 + int(i / 65536), lo)
			else if (k == 2)
				dst = (st == "module") ? "2001:db8:3:" hi "::" lo ":0-2001:db8:3:" hi "::" lo ":7f" : "2001:db8:3:" hi "::" lo ":0/120"
			else
				dst = "2001:db8:4:" hi "::" lo ":0/112 proto tcp dport " (i % 60000) + 1
			dir = (i % 2) ? "in" : "out"
			line = "policy add src " src " dst " dst " dir " dir " priority 10 action block"
			print (st == "module") ? line : "xfrm " line
		}
	}'
}

# load STACK NS FILE: seconds to load a batch file
load() {
	local t0
	t0=$(now)
	if [[ $1 == module ]]; then
		ctl "$2" -batch "$3" >/dev/null || return 1
	else
		ip -n "$2" -batch "$3" >/dev/null || return 1
	fi
	since "$t0"
}

# memory the kernel holds for objects: slab, per-CPU, vmalloc (kB)
mem() {
	sync
	echo 2 >/proc/sys/vm/drop_caches
	awk '/^(Slab|Percpu|VmallocUsed):/ { s += $2 } END { print s }' /proc/meminfo
}

# lookup_cost: mean microseconds per ipsec6_spd_lookup() call while h1
# pings h2 (function_graph tracer, its own overhead included)
lookup_cost() {
	[[ -w $TR/current_tracer ]] || { echo 0; return; }
	echo 0 >"$TR/tracing_on"
	echo ipsec6_spd_lookup >"$TR/set_ftrace_filter" 2>/dev/null || { echo 0; return; }
	echo 1 >"$TR/max_graph_depth"
	echo function_graph >"$TR/current_tracer"
	echo >"$TR/trace"
	echo 1 >"$TR/tracing_on"
	in_ns h1 ping -q -c 300 -i 0.002 -W 1 "$B" >/dev/null 2>&1
	echo 0 >"$TR/tracing_on"
	awk '/ipsec6_spd_lookup/ { if (match($0, /[0-9.]+ us/)) { s += substr($0, RSTART, RLENGTH - 3); n++ } }
	     END { printf "%.3f", n ? s / n : 0 }' "$TR/trace"
	echo nop >"$TR/current_tracer"
	echo >"$TR/set_ftrace_filter"
}

# ---- setup -------------------------------------------------------------

modprobe -a "${TEST_MODULES[@]}" || exit 1
modprobe -a -q "${CRYPTO_MODULES[@]}" 2>/dev/null
mount -t tracefs tracefs "$TR" 2>/dev/null
two_hosts --global || { log "two_hosts failed"; exit 1; }
in_ns h2 iperf3 -s -D --pidfile "$W/iperf.pid" || exit 1
wait_for 10 bash -c "ip netns exec h2 ss -ltn | grep -q ':5201 '"
echo "kernel $(uname -r), $(nproc) CPU online, possible $(cat /sys/devices/system/cpu/possible), $(awk '/MemTotal/ { print $2 }' /proc/meminfo) kB" >"$OUT/guest.txt"

# ---- 1, 2: ESP and AH throughput, ESP small packets ------------------------

part tput && for ((r = 1; r <= ROUNDS; r++)); do
	if ((r % 2)); then order=(module xfrm); else order=(xfrm module); fi
	for st in "${order[@]}"; do
		if [[ $st == module ]]; then mod_on; else mod_off; fi
		uncfg
		cfg "$st" esp || { log "cfg $st esp failed"; exit 1; }
		rec esp_tput_mbps "$st" "$r" "$(tput)"
		rec esp_pps "$st" "$r" "$(pps)"
		uncfg
		cfg "$st" ah || { log "cfg $st ah failed"; exit 1; }
		rec ah_tput_mbps "$st" "$r" "$(tput)"
		uncfg
	done
done

# ---- 3: cost of being loaded ------------------------------------------
# unloaded; loaded (the default policy alone: the hooks are off); armed
# (one DISCARD policy for other addresses in both hosts: the hooks are on
# and look up every packet, of which only the default policy matches it)

arm() {
	local ns
	for ns in h1 h2; do
		ctl $ns policy add src 2001:db8:ee::/64 dst 2001:db8:ef::/64 \
			dir out priority 10 action block >/dev/null || return 1
	done
}

part clear && for ((r = 1; r <= ROUNDS + 2; r++)); do
	case $((r % 3)) in
	0) order=(loaded armed unloaded) ;;
	1) order=(unloaded loaded armed) ;;
	2) order=(armed unloaded loaded) ;;
	esac
	for st in "${order[@]}"; do
		case $st in
		unloaded) mod_off ;;
		loaded) mod_off && mod_on ;;
		armed) { mod_off && mod_on && arm; } || { log "arm failed"; exit 1; } ;;
		esac
		rec clear_tput_mbps "$st" "$r" "$(tput)"
	done
done
mod_off

# ---- 4, 5: policy scale, memory ----------------------------------------

# load_sizes STACK N...: load time and bytes per policy at each N
load_sizes() {
	local st=$1 n m0 m1
	shift
	for n in "$@"; do
		gen "$st" "$n" >"$W/${st:0:1}$n.batch"
		m0=$(mem)
		rec load_s "$st$TAG" "$n" "$(load "$st" h1 "$W/${st:0:1}$n.batch")"
		sleep 1
		m1=$(mem)
		rec bytes_per_policy "$st$TAG" "$n" "$(((m1 - m0) * 1024 / n))"
		uncfg
	done
}

if part load; then
	mod_on
	uncfg
	load_sizes module "${SCALE[@]}"
	mod_off
	load_sizes xfrm "${XSCALE[@]}"
fi

# SAs: NSAS ESP AES-GCM SAs, no policy uses them, loaded and listed.
# With BENCH_SA_CRYPTO=cpu the CPU's AES and GHASH drivers are loaded first,
# as udev loads them on a host (this guest has no udev): which GHASH a
# key gets decides 4 KiB of it (ghash-generic keeps a 4 KiB table per key).
if part sas; then
	[[ ${BENCH_SA_CRYPTO:-} == cpu ]] &&
		modprobe -a aesni_intel ghash_clmulni_intel 2>/dev/null
	for st in module xfrm; do
		awk -v n="$NSAS" -v k="$K20" -v x="$([[ $st == xfrm ]] && echo 'xfrm ')" 'BEGIN {
			for (i = 0; i < n; i++)
				printf "%ssa add src 2001:db8::1 dst 2001:db8:5::%x:%x proto esp spi %d mode transport aead rfc4106(gcm(aes)) %s 128\n", x, int(i / 65536), i % 65536, 4096 + i, k
		}' >"$W/sa-$st.batch"
		if [[ $st == module ]]; then mod_on; else mod_off; fi
		m0=$(mem)
		rec sa_load_s "$st$TAG" "$NSAS" "$(load "$st" h1 "$W/sa-$st.batch")"
		sleep 1
		m1=$(mem)
		rec bytes_per_sa "$st$TAG" "$NSAS" "$(((m1 - m0) * 1024 / NSAS))"
		t0=$(now)
		if [[ $st == module ]]; then
			n=$(ctl h1 sa list | grep -c '^src ')
		else
			n=$(ip -n h1 xfrm state | grep -c '^src ')
		fi
		rec sa_list_s "$st$TAG" "$NSAS" "$(since "$t0")"
		((n == NSAS)) || log "sa list $st: $n SAs listed, $NSAS loaded"
		uncfg
	done
	# the driver the keys got (rfc4106 over gcm_base(ctr(AES), GHASH))
	echo "SAs$TAG: $(awk '/^driver/ && /rfc4106/ && !/seqiv/ { print $3; exit }' /proc/crypto)" >>"$OUT/guest.txt"
fi

# throughput, packet rate and lookup cost with N policies in both hosts,
# in front of (searched before) the traffic's own policies
mod_on
part scale && for ((r = 1; r <= ROUNDS; r++)); do
	if ((r % 2)); then
		order=(1 "${SCALE[@]}")
	else
		mapfile -t order < <(printf '%s\n' 1 "${SCALE[@]}" | sort -rn)
	fi
	for n in "${order[@]}"; do
		uncfg
		if ((n > 1)); then
			[[ -f $W/m$n.batch ]] || gen module "$n" >"$W/m$n.batch"
			if ! load module h1 "$W/m$n.batch" >/dev/null ||
				! load module h2 "$W/m$n.batch" >/dev/null; then
				log "load $n failed"
				exit 1
			fi
		fi
		cfg module esp 1000 || { log "cfg with $n policies failed"; exit 1; }
		rec scale_esp_tput_mbps "$n" "$r" "$(tput)"
		rec scale_esp_pps "$n" "$r" "$(pps)"
		rec lookup_us "$n" "$r" "$(lookup_cost)"
	done
done
uncfg
mod_off

# ---- 6: single changes, as an IKE daemon makes them ----------------------
# One request per change on one netlink socket (tools/bench/nlprobe.c: no
# process start-up in the figure), each its own change set, into tables
# that already hold N /128 policies and N ESP SAs: the median (change_us)
# and mean microseconds of NCH policy adds, then their deletes, then NCH SA
# adds and deletes.

# nl STACK WORK COUNT FIRST: tools/bench/nlprobe.c in h1
nl() {
	local st=$1
	shift
	[[ $st == module ]] && st=ipsec6
	in_ns h1 "$NLPROBE" "$st" "$@"
}

# probe STACK WORK COUNT FIRST: "MEDIAN MEAN" microseconds per unit
probe() {
	nl "$@" | awk '$2 == "all" { print $6, $4 }'
}

# fill STACK N: N policies and N SAs that the probes do not touch
fill() {
	((${2} > 0)) || return 0
	nl "$1" load-policies "$2" 1000000 >/dev/null &&
		nl "$1" load-sas "$2" 1000000 >/dev/null
}

# stack_on STACK: load or unload the module; the first SA of a kind builds
# its crypto template instance (seconds): not part of any figure
stack_on() {
	if [[ $1 == module ]]; then mod_on; else mod_off; fi
	nl "$1" sa-add 1 999999 >/dev/null && nl "$1" sa-del 1 999999 >/dev/null
}

if part changes; then
	for n in "${CSCALE[@]}"; do
		if ((n % 2)); then order=(module xfrm); else order=(xfrm module); fi
		for st in "${order[@]}"; do
			stack_on "$st"
			uncfg
			fill "$st" "$n" || { log "fill $st $n failed"; exit 1; }
			for ((r = 1; r <= ROUNDS; r++)); do
				for w in policy-add policy-del sa-add sa-del; do
					read -r med mean < <(probe "$st" "$w" "$NCH" 1)
					[[ -n $mean ]] || { log "$st $w at $n failed"; exit 1; }
					rec change_us "$st/$w@$n" "$r" "$med"
					rec change_mean_us "$st/$w@$n" "$r" "$mean"
				done
			done
			uncfg
		done
	done
fi

# ---- 7: tunnels one after the other ----------------------------------------
# NTUN tunnels (2 SAs, 2 policies: 4 requests each) on top of N policies,
# then their removal; per round the mean per tunnel (1e6 / tunnels per
# second) and the medians of the first and of the last 1000, the 99th
# percentile of each kind of request and the share of its time spent in
# slow ones (over 4x its median); every request's time in
# $OUT/tunnel-STACK-BASE-ROUND.tsv (tools/bench/nlprobe.c, NLPROBE_RAW).
# sync_mark NAME: the guest's CLOCK_MONOTONIC (ns) in $OUT/sync-NAME, for
# tools/bench/hostwait.py on the host (BENCH_HOSTWAIT=1 scripts/bench.sh)
sync_mark() {
	awk '/^now at/ { print $3; exit }' /proc/timer_list >"$OUT/sync-$1"
	sleep 0.2
}

if part tunnels; then
	sync_mark tunnels-a1
	sync_mark tunnels-a2
	for base in "${TBASE[@]}"; do
		for ((r = 1; r <= ROUNDS; r++)); do
			# the order flips every round: the first run of a boot
			# pays for what the emulator translates the first time
			if ((r % 2)); then order=(module xfrm); else order=(xfrm module); fi
			for st in "${order[@]}"; do
				stack_on "$st"
				uncfg
				if ((base > 0)); then
					nl "$st" load-policies "$base" 1000000 >/dev/null ||
						{ log "fill $st $base failed"; exit 1; }
				fi
				NLPROBE_RAW=$OUT/tunnel-$st-$base-$r.tsv \
					nl "$st" tunnel "$NTUN" 1 >"$W/tun" ||
					{ log "tunnels $st $base failed"; exit 1; }
				# mean: tunnels per second; medians: first and last 1000
				rec tunnel_us "$st@$base" "$r" "$(awk '$2 == "all" { print $4 }' "$W/tun")"
				rec tunnel_first_us "$st@$base" "$r" "$(awk '$2 == "0" { print $6 }' "$W/tun")"
				rec tunnel_last_us "$st@$base" "$r" "$(awk '$2 ~ /^[0-9]+$/ { v = $6 } END { print v }' "$W/tun")"
				# the tail, by kind of request: p99, and the share
				# of the time spent in requests over 4x the median
				while read -r kind p99 slow; do
					rec tunnel_req_p99_us "$st@$base/$kind" "$r" "$p99"
					rec tunnel_req_slow_share "$st@$base/$kind" "$r" "$slow"
				done < <(awk '$2 ~ /^req:/ { print substr($2, 5), $8, $10 }' "$W/tun")
				read -r med mean < <(probe "$st" tunnel-del "$NTUN" 1)
				rec tunnel_del_us "$st@$base" "$r" "$mean"
				uncfg
			done
		done
	done
	sync_mark tunnels-b1
	sync_mark tunnels-b2
	mod_off
fi

kill "$(cat "$W/iperf.pid")" 2>/dev/null
log finished
exit 0
