#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Outbound SA selection with many peers (module/sad_index.c): SAs that may
# send are hashed by what picks them (template or named policy) and their
# destination; a packet probes one or two keys.
#
#     h1 2001:db8::1 ========== veth ========== h2 2001:db8::2
#        2001:db8:f::/64 routed to h2 (the peers; h2 drops what it gets)
#
#  1. N peers 2001:db8:f::1..N ("ip xfrm" style): a policy each
#     ("dst PEER dir out tmpl proto esp mode transport") and an SA each
#     (index i, SPI 0x10000 + i), one -batch.  Kernel memory grows by less
#     than 48 MiB: a list per policy would be N*N pointers (N=4000:
#     128 MiB); the SAs themselves take ~6 KiB each.
#  2. one packet to the first, a middle and the last peer: counted by that
#     peer's SA, and the SAs of the other peers count nothing.
#  3. h2 under the same template (SA index N+2), h2 configured to match:
#     pings pass both ways, h1's SA N+2 counts them.
#  4. newest first (make-before-break, as XFRM): two more SAs for peer 7
#     (whose SA is index 8), a template one (index 1000001) and then one
#     naming peer 7's policy (1000000): the newest protects the packet,
#     whatever its index; delete it and the next newest does.  That one
#     added anew with a soft packet limit of 1 (so it is the newest again)
#     carries two packets, goes soft-expired, and the third packet takes
#     the older valid SA 8; with SA 8 deleted the soft-expired SA is the
#     only one and carries the packet; with none left the packet is
#     dropped as NO_SA.
# timeout: 300
. "$(dirname "$0")/lib.sh"

plan_no
check "module loads" load_module
check "two hosts" two_hosts --global
N=${MANY_SAS:-4000}
A=$H1_IP
B=$H2_IP
K=0x0102030405060708090a0b0c0d0e0f1011121314
W=$(mktemp -d)
at_exit rm -rf "$W"
check "a route for the peers via h2" \
	ip -n "$H1" route add 2001:db8:f::/64 via "$B"

# kernel memory for objects (kB): slab, per-CPU, vmalloc
mem() {
	sync
	echo 2 >/proc/sys/vm/drop_caches
	awk '/^(Slab|Percpu|VmallocUsed):/ { s += $2 } END { print s }' \
		/proc/meminfo
}

# packets SA INDEX of h1 counted
sa_packets() {
	ctl "$H1" -j sa get index "$1" |
		sed -n 's/.*"packets": *\([0-9]*\).*/\1/p'
}

# peer i's SA has index i + 1
awk -v n="$N" -v a="$A" -v k="$K" 'BEGIN {
	for (i = 1; i <= n; i++) {
		p = sprintf("2001:db8:f::%x", i)
		printf "policy add src %s dst %s dir out index %d tmpl proto esp mode transport\n", a, p, i + 1
		printf "sa add src %s dst %s proto esp spi %d index %d mode transport aead aes-gcm %s 128\n", a, p, 65536 + i, i + 1, k
	}
}' >"$W/peers.batch"
m0=$(mem)
t0=$(date +%s%N)
check "1: $N peers, a policy and an SA each, in one -batch" \
	ctl "$H1" -batch "$W/peers.batch"
t1=$(date +%s%N)
m1=$(mem)
grow=$(((m1 - m0) / 1024))
diag "1: loaded in $(((t1 - t0) / 1000000)) ms, kernel memory +$grow MiB"
ok $((grow < 48 ? 0 : 1)) "1: kernel memory grew by less than 48 MiB ($grow)"

send() {
	in_ns "$H1" ping -c 1 -W 1 "$1" >/dev/null 2>&1
	return 0
}

for i in 1 $((N / 2 + 1)) "$N"; do
	peer=$(printf '2001:db8:f::%x' "$i")
	send "$peer"
	is "$(sa_packets $((i + 1)))" 1 "2: a packet to peer $i is counted by its SA"
	for j in $((i - 1)) $((i + 1)); do
		((j >= 1 && j <= N)) || continue
		is "$(sa_packets $((j + 1)))" 0 "2: ... and not by peer $j's"
	done
done

n1=$((N + 2))
cat >"$W/h1.batch" <<-EOF
	policy add src $A dst $B dir out index $n1 tmpl proto esp mode transport
	sa add src $A dst $B proto esp spi 0x5001 index $n1 mode transport aead aes-gcm $K 128
	policy add src $B dst $A dir in index $((n1 + 1)) tmpl proto esp mode transport
	sa add src $B dst $A proto esp spi 0x5002 index $((n1 + 1)) mode transport aead aes-gcm $K 128
	EOF
cat >"$W/h2.batch" <<-EOF
	policy add src $B dst $A dir out index 2 tmpl proto esp mode transport
	sa add src $B dst $A proto esp spi 0x5002 index 2 mode transport aead aes-gcm $K 128
	policy add src $A dst $B dir in index 3 tmpl proto esp mode transport
	sa add src $A dst $B proto esp spi 0x5001 index 3 mode transport aead aes-gcm $K 128
	EOF
check "3: h1: policy and SA for h2 under the same template, and back" \
	ctl "$H1" -batch "$W/h1.batch"
check "3: h2: the same SAs" ctl "$H2" -batch "$W/h2.batch"
check "3: h1 pings h2 through ESP" \
	in_ns "$H1" ping -c 3 -i 0.2 -W 2 "$B"
c=$(sa_packets "$n1")
ok $((c >= 3 ? 0 : 1)) "3: h1's SA to h2 (index $n1) counted the 3 requests (and any NUD probe): $c"

p7=2001:db8:f::7
check "4: a second SA for peer 7, a template one at index 1000001" \
	ctl "$H1" sa add src "$A" dst "$p7" proto esp spi 0x6001 index 1000001 \
	mode transport aead aes-gcm "$K" 128
check "4: then a third, at index 1000000, naming peer 7's policy" \
	ctl "$H1" sa add src "$A" dst "$p7" spi 0x6002 index 1000000 policy 8 \
	aead aes-gcm "$K" 128
send "$p7"
is "$(sa_packets 8):$(sa_packets 1000001):$(sa_packets 1000000)" 0:0:1 \
	"4: the newest (1000000) protects the packet, not the lowest index (8)"
check "4: delete SA 1000000" ctl "$H1" sa del index 1000000
send "$p7"
is "$(sa_packets 8):$(sa_packets 1000001)" 0:1 \
	"4: then the next newest (1000001), a template SA"
readd_soft() {
	ctl "$H1" sa del index 1000001 &&
		ctl "$H1" sa add src "$A" dst "$p7" proto esp spi 0x6001 \
			index 1000001 mode transport aead aes-gcm "$K" 128 \
			limit packet-soft 1
}
check "4: SA 1000001 deleted and added again with a soft packet limit of 1" \
	readd_soft
send "$p7"
send "$p7"
is "$(sa_packets 8):$(sa_packets 1000001)" 0:2 \
	"4: the new SA is the newest: it carries the next two packets"
like "$(ctl "$H1" -j sa get index 1000001)" '"state": *"soft-expired"' \
	"4: ... and is soft-expired"
send "$p7"
is "$(sa_packets 8):$(sa_packets 1000001)" 1:2 \
	"4: the next packet takes the older SA 8 that is not soft-expired"
check "4: delete SA 8" ctl "$H1" sa del index 8
send "$p7"
is "$(sa_packets 1000001)" 3 \
	"4: with only the soft-expired SA left, it carries the packet"
check "4: delete SA 1000001" ctl "$H1" sa del index 1000001
send "$p7"
is "$(ctl "$H1" -j stats | sed -n 's/.*"no_sa": *\([0-9]*\).*/\1/p')" 1 "4: no SA left for peer 7: dropped as NO_SA"

dmesg_clean "no kernel splat"
