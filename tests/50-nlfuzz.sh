#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fuzzing the ipsec6 generic netlink family (tests/fuzz/nlfuzz.c): mostly
# valid requests with every kind of damage (wrong lengths, unknown and
# duplicate attributes, extreme values, nested garbage, truncated and
# corrupted messages, several per datagram), while a second process dumps
# SAs and policies through the smallest receive buffer and a third listens
# to the events.  No key byte comes back in any reply, nothing splats, and
# after the namespace is gone and the module unloaded, every crypto
# transform is released and the kmalloc caches are back where they were.
# Unprivileged callers (no CAP_NET_ADMIN; nobody) get EPERM for every
# privileged command, whatever the message holds, and change nothing.
#
# NLFUZZ_MESSAGES (default 30000) and NLFUZZ_SEED; "make fuzz" sends
# 1,000,000.
# timeout: 900
. "$(dirname "$0")/lib.sh"

N=${NLFUZZ_MESSAGES:-30000}
NU=${NLFUZZ_UNPRIV_MESSAGES:-$((N / 5 < 5000 ? 5000 : N / 5 > 50000 ? 50000 : N / 5))}
SEED=${NLFUZZ_SEED:-$(date +%s)}
TMP=${TMPDIR:-/tmp}
NLFUZZ=$TMP/nlfuzz

plan_no

# Built in the guest: the tree is read-only here.
check "nlfuzz builds" gcc -O2 -Wall -D_GNU_SOURCE -I module/uapi \
	-o "$NLFUZZ" tests/fuzz/nlfuzz.c || bail_out "no nlfuzz"

crypto() {
	awk -F' *: ' '$1 == "name" { n = $2 } $1 == "driver" { d = $2 }
		$1 == "refcnt" { print n, d, $2 }' /proc/crypto | sort
}

# crypto_back BASE: every algorithm of BASE has its reference count of
# then; one instantiated since (a template such as hmac(sha512) the fuzzer
# named first) is held by nothing but its registration (1).  An SA that
# was never freed holds its transforms: a count above that.
crypto_back() {
	awk 'FILENAME == ARGV[1] { b[$1 " " $2] = $3; next }
	     { k = $1 " " $2; want = (k in b) ? b[k] : 1
	       # The crypto API keeps its default RNG (stdrng, a DRBG on
	       # hmac(sha512)/sha512 seeded by jitterentropy on sha3-256)
	       # once something asked for it, for good: a user of its own.
	       if ($1 ~ /^(stdrng|jitterentropy_rng|sha3-256|sha512|hmac\(sha512\))$/ &&
		   $3 == want + 1)
		       want = $3
	       if ($3 != want) { print k ": refcnt " $3 ", expected " want; bad = 1 } }
	     END { exit bad }' <(echo "$1") <(crypto)
}

# Bytes in active objects of the kmalloc caches, per-CPU slabs flushed.
kmalloc_bytes() {
	local f
	for f in /sys/kernel/slab/kmalloc-*/shrink; do
		echo 1 >"$f" 2>/dev/null
	done
	awk 'NR > 2 && $1 ~ /^kmalloc-/ { n += $2 * $4 } END { print n + 0 }' \
		/proc/slabinfo
}

unload_module 2>/dev/null
check "module loads" load_module
# A first load/unload, so that what stays allocated after the first use of
# the crypto API and of genetlink is in the baseline.
unload_module && load_module

# Unknown algorithm names would make the crypto API ask modprobe for
# them (a process per request, slow under TCG): no module loading.
modprobe_path=$(cat /proc/sys/kernel/modprobe)
restore_modprobe() {
	echo "$modprobe_path" >/proc/sys/kernel/modprobe
}
at_exit restore_modprobe
echo >/proc/sys/kernel/modprobe

# Warm-up: a short run instantiates the algorithm templates and the
# crypto API's default RNG (held for good once an IV generator used it),
# so that the baseline has them.
ns_create warm
in_ns warm "$NLFUZZ" -n 3000 -s 7 >/dev/null 2>&1
ip netns del warm
_ns_list=()
sleep 2
base_crypto=$(crypto)
base_slab=$(kmalloc_bytes)

ns_create nf
note "seed $SEED"
start=$(_usecs)
check "nlfuzz: $N requests (seed $SEED), concurrent dumps and events, no key byte in a reply" \
	in_ns nf "$NLFUZZ" -n "$N" -s "$SEED"
secs=$((($(_usecs) - start) / 1000000))
# shellcheck disable=SC2154 # _tap_out: the output check kept (lib.sh)
diag "$(grep '^nlfuzz:' <<<"$_tap_out")"
diag "$N requests in $secs s"

check "unprivileged: $NU fuzzed requests, every privileged command EPERM, nothing changed" \
	in_ns nf "$NLFUZZ" -u -n "$NU" -s "$SEED"
diag "$(grep -E 'unprivileged|generation' <<<"$_tap_out")"

ip netns del nf
_ns_list=()
check "namespace deleted: every crypto transform of the fuzzed SAs released" \
	wait_for 30 crypto_back "$base_crypto"
check "ipsec6 unloads" unload_module
check "after unloading, every transform back to its reference count" \
	crypto_back "$base_crypto"
slab_back() {
	local now
	now=$(kmalloc_bytes)
	echo "kmalloc bytes: $base_slab before, $now after"
	# Unrelated allocations come and go: 256 KiB of slack; a leak of one
	# small object per hundred requests is more.
	((now - base_slab < 262144))
}
check "kmalloc caches back within 256 KiB of the baseline" wait_for 20 slab_back
diag "kmalloc bytes: $base_slab before, $(kmalloc_bytes) after"
load_module
dmesg_clean "no kernel splat"
