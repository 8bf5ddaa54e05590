#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lifecycle under load: the module and its objects go away while packets
# are in flight, inside asynchronous crypto included (crypto_async=1: every
# transform behind cryptd, whose worker completes each request later).
#
#     h1 2001:db8::1 ===== veth ===== h2 2001:db8::2
#
# A ping every 10 ms runs from h1 throughout each part, and right before
# each removal a burst of UDP datagrams is sent at real-time priority, so
# that (on the guest's one CPU) no crypto worker runs before the removal:
# the packets are still inside the transforms when it happens.  The loops
# run in tests/lifecycle.py (no process start per iteration).
#
#  1. rmmod/insmod R times (crypto_async=1 every other time), h2 a Linux
#     XFRM peer: each load is configured, protected traffic must flow
#     through it, delete_module() must succeed at once with the burst
#     inside the transforms.  Then every crypto transform is released and
#     kmalloc memory is back.
#  2. The namespace of h2 (decrypting a burst from h1, encrypting its
#     answers) or of h1 (the other way round; its ping is killed), or
#     their veth (RTM_DELLINK), is deleted under traffic, module on both
#     sides: R pairs.  Packets inside the transforms hold their devices
#     (device exit runs before ipsec6's namespace exit): a kprobe trace of
#     free_netdev() and of ipsec6's asynchronous completions shows no
#     completion referring to a device already freed, and none that went
#     on into a namespace being dismantled.  Every transform is released.
#  3. SA flush and policy flush on h1 and h2 while a burst of that side is
#     inside its transforms, then adding them back: 5 rounds; traffic must
#     resume each time; every transform is released at the end.
# The kernel log stays clean.  R is $LIFECYCLE_RUNS: 20 in make check, 50
# in make check-debug (scripts/check-debug.sh), where KASAN and lockdep
# watch; LIFECYCLE_SCALE=N multiplies the counts.
# timeout: 1500
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dp_lib.sh"
. "$(dirname "$0")/lc_lib.sh"

plan_no
DRIVER=$(cd "$(dirname "$0")" && pwd)/lifecycle.py
A=$H1_IP
B=$H2_IP
LC_RUNS=${LIFECYCLE_RUNS:-20}
N_RELOAD=$((LC_RUNS * LC_SCALE))
N_NETNS=$((LC_RUNS * LC_SCALE))
N_DEL=$((5 * LC_SCALE))

check "helper and crypto modules load" lc_modules
unload_module 2>/dev/null
ASYNC=$(lc_async)

# ---- 1. rmmod/insmod under traffic ----------------------------------------

check "two hosts" lc_hosts
xfrm_peer() {
	ip -n h2 xfrm state add src "$A" dst "$B" proto esp spi 0x1001 \
		mode transport aead 'rfc4106(gcm(aes))' "$KEY_A" 128 &&
		ip -n h2 xfrm state add src "$B" dst "$A" proto esp spi 0x1002 \
			mode transport aead 'rfc4106(gcm(aes))' "$KEY_A" 128 &&
		ip -n h2 xfrm policy add src "$B" dst "$A" dir out tmpl \
			proto esp mode transport &&
		ip -n h2 xfrm policy add src "$A" dst "$B" dir in tmpl \
			proto esp mode transport
}
check "h2: Linux XFRM, ESP AES-GCM both ways" xfrm_peer
check_fail "without ipsec6 on h1, h2 answers nothing (XFRM wants ESP)" \
	in_ns h1 ping -c 1 -W 1 "$B"

# Warm-up: the first SA of each kind instantiates its templates (cryptd
# instances included) for good; after that /proc/crypto and kmalloc
# memory with the module unloaded are the baseline.
dp_run "$DRIVER" reload 2 "$ASYNC" "$IPSEC6_KO"
if ((ASYNC)); then
	# cryptd, not pcrypt: padata's lockdep report would switch lockdep
	# off for the rest of the run on the debug kernel.
	like "$(crypto)" 'cryptd\(seqiv\(rfc4106\(gcm' \
		"crypto_async=1 ran AES-GCM through cryptd"
fi
base_crypto=$(crypto)
slab_0=$(slab_total)

t0=$SECONDS
dp_run "$DRIVER" reload "$N_RELOAD" "$ASYNC" "$IPSEC6_KO"
reload_secs=$((SECONDS - t0))
check_fail "ipsec6 is not loaded at the end" module_loaded
check "every crypto transform is released (/proc/crypto refcounts at the baseline)" \
	wait_for 10 crypto_is "$base_crypto"
slab_1=$(slab_total)
diag "kmalloc bytes after the warm-up: $slab_0, after $N_RELOAD loads: $slab_1"
ok $((slab_1 - slab_0 < 65536 ? 0 : 1)) \
	"$N_RELOAD loads left no kmalloc memory behind (< 64 KiB more than after the warm-up)"
is "$(grep -c '^ipsec6' /proc/slabinfo 2>/dev/null)" 0 "no ipsec6 slab cache remains"
dmesg_clean "no kernel splat while reloading under traffic"
ns_cleanup

# ---- 2. namespace teardown under traffic ----------------------------------

dmesg_mark
check "ipsec6 loads with crypto_async=$ASYNC" load_module crypto_async="$ASYNC"
base_crypto=$(crypto)
t0=$SECONDS
dp_run "$DRIVER" teardown "$N_NETNS" "$ASYNC"
netns_secs=$((SECONDS - t0))
check "every crypto transform is released" wait_for 30 crypto_is "$base_crypto"
check "ipsec6 is still loaded" module_loaded
dmesg_clean "no kernel splat while tearing namespaces down under traffic"

# ---- 3. SA and policy deletion during asynchronous crypto -----------------

dmesg_mark
check "two hosts" lc_hosts
t0=$SECONDS
dp_run "$DRIVER" delete "$N_DEL" "$ASYNC"
del_secs=$((SECONDS - t0))
check "SA flush on both sides" eval 'ctl h1 sa flush && ctl h2 sa flush'
check "every crypto transform is released" wait_for 10 crypto_is "$base_crypto"
check "ipsec6 unloads" unload_module
dmesg_clean "no kernel splat while deleting SAs and policies during asynchronous crypto"
note "seconds: reload ${reload_secs}, netns ${netns_secs}, delete ${del_secs}"
diag "seconds: reload ${reload_secs}, netns ${netns_secs}, delete ${del_secs}"
