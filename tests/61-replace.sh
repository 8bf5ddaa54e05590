#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Replacing the whole configuration while traffic flows never lets a
# protected packet out in cleartext:
#
#     h1 2001:db8::1 ===== veth ===== h2 2001:db8::2
#         ^ capture (both directions)
#
# Two configurations, each complete (policies and SAs of both directions):
# "a" is ESP AES-GCM-128 (SPIs 0x1001/0x1002), "b" is AH HMAC-SHA256
# (SPIs 0x2001/0x2002).  Both hosts go a -> b -> a ... 8 times, by
# "ipsec6ctl l --replace NAME" (Windows .spd/.sad files) and by
# "ipsec6ctl -batch FILE" (sa flush, policy flush, then the adds: one
# transaction), two of each kind of swap, while h1 pings h2 every 10 ms
# and every 2 ms.  After each swap of both hosts a new reply must arrive.
# A capture on h1's veth for the whole run must hold no packet between the
# two addresses that is neither ESP nor AH, none lost by the capture, and
# all four SPIs.  Once with synchronous crypto, once with crypto_async=1
# (cryptd).  The count must find the cleartext of a BYPASS configuration.
# LIFECYCLE_SCALE=N multiplies the number of swaps.
# timeout: 600
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lc_lib.sh"

plan_no
require_cmd tcpdump stdbuf
A=$H1_IP
B=$H2_IP
N_SWAP=$((8 * LC_SCALE))
FLOW="ip6 and ((src $A and dst $B) or (src $B and dst $A))"

check "helper and crypto modules load" lc_modules
unload_module 2>/dev/null
ASYNC=$(lc_async)
check "two hosts" lc_hosts

# ---- the configurations ---------------------------------------------------

# win_files NS CFG: $LC/win/NS-CFG/cfg.{spd,sad} and the key file.
win_files() {
	local ns=$1 cfg=$2 d=$LC/win/$1-$2 me=$A peer=$B out in proto alg key
	local ext=
	[[ $ns == h2 ]] && me=$B peer=$A
	mkdir -p "$d"
	if [[ $cfg == a ]]; then
		proto=ESP alg="NULL gcm.key" key=gcm.key out=4097 in=4098
		ext=" AEAD=AES-GCM-128"
		printf '%s' lifecycle-gcm-key-20 >"$d/$key"
	else
		proto=AH alg="HMAC-SHA256 sha.key" key=sha.key out=8193 in=8194
		printf '%s' lifecycle-hmac-sha256-key-32byte >"$d/$key"
	fi
	[[ $ns == h2 ]] && { local t=$out; out=$in in=$t; }
	lc_win_files "$d" "$me" "$peer" "$proto" "$alg" "$out" "$in" "$ext"
}
for ns in h1 h2; do
	for cfg in a b; do
		win_files "$ns" "$cfg"
		lc_config "$ns" "$cfg"
	done
done
mkdir -p "$LC/win/bypass"
cat >"$LC/win/bypass/cfg.spd" <<EOF

Security Policy List

Policy RemoteIPAddr LocalIPAddr Protocol RemotePort LocalPort IPSecProtocol IPSecMode RemoteGWIPAddr SABundleIndex Direction Action InterfaceIndex
$LC_BORDER
1 - * - * - * - * - * NONE * * NONE BIDIRECT BYPASS 0 ;
$LC_BORDER
EOF
printf '\nSecurity Association List\n\nSAEntry SPI SADestIPAddr DestIPAddr SrcIPAddr Protocol DestPort SrcPort AuthAlg KeyFile Direction SecPolicyIndex\n%s\n%s\n' \
	"$LC_BORDER" "$LC_BORDER" >"$LC/win/bypass/cfg.sad"

# swap NS CFG METHOD
swap() {
	if [[ $3 == replace ]]; then
		ctl "$1" l --replace "$LC/win/$1-$2/cfg"
	else
		ctl "$1" -batch "$LC/$1-$2.replace"
	fi
}

# ---- capture ----------------------------------------------------------------

count() {
	tcpdump -r "$1" -n "$2" 2>/dev/null | wc -l
}

# ---- the rounds ---------------------------------------------------------------

# round ASYNC: N_SWAP swaps of both hosts under traffic, one capture.
round() {
	local async=$1 tag="crypto_async=$1" cap=$LC/round$1.pcap i cfg method
	local fail_swap=0 fail_flow=0 errors='' out t0
	dmesg_mark
	check "$tag: ipsec6 loads" load_module crypto_async="$async"
	check "$tag: both hosts load configuration a (ESP) with l --replace" \
		eval 'swap h1 a replace && swap h2 a replace'
	traffic_start h1 "$B"
	check "$tag: traffic flows" flowing h1 10
	check "$tag: capture on h1's veth0 runs" capture_start "$cap"
	t0=$SECONDS
	for ((i = 0; i < N_SWAP; i++)); do
		cfg=b method=replace
		((i % 2)) && cfg=a
		((i / 2 % 2)) && method='batch'
		for ns in h1 h2; do
			if ! out=$(swap "$ns" "$cfg" "$method" 2>&1); then
				fail_swap=$((fail_swap + 1))
				errors+="swap $i: $ns to $cfg by $method: $out"$'\n'
			fi
		done
		if ! flowing h1 10; then
			fail_flow=$((fail_flow + 1))
			errors+="swap $i: no reply within 10 s after both hosts went to $cfg by $method"$'\n'
		fi
	done
	SWAP_SECS[async]=$((SECONDS - t0))
	capture_stop
	check "$tag: the traffic generators ran throughout" traffic_alive
	traffic_stop
	[[ -n $errors ]] && diag "$errors"
	is "$fail_swap" 0 "$tag: $((2 * N_SWAP)) replacements accepted (l --replace and -batch, a <-> b)"
	is "$fail_flow" 0 "$tag: traffic continued after each of the $N_SWAP swaps"

	local clear esp ah total spis
	is "$(capture_lost "$cap")" 0 "$tag: the capture lost no packet"
	clear=$(count "$cap" "$FLOW and not ip6 proto 50 and not ip6 proto 51")
	esp=$(count "$cap" "$FLOW and ip6 proto 50")
	ah=$(count "$cap" "$FLOW and ip6 proto 51")
	total=$(count "$cap" ip6)
	spis=$(tcpdump -r "$cap" -n "$FLOW" 2>/dev/null |
		grep -o 'spi=0x[0-9a-f]*' | sort -u | tr '\n' ' ')
	diag "$tag: $N_SWAP swaps in ${SWAP_SECS[async]}s; captured $total IPv6 packets: $esp ESP, $ah AH, $clear in cleartext between $A and $B; SPIs: $spis"
	FIG[async]="$N_SWAP swaps in ${SWAP_SECS[async]}s, $total packets captured, $esp ESP, $ah AH, $clear cleartext"
	is "$clear" 0 "$tag: no packet between h1 and h2 left in cleartext during the swaps"
	if ((clear)); then
		diag "$(tcpdump -r "$cap" -n "$FLOW and not ip6 proto 50 and not ip6 proto 51" 2>/dev/null | head -n 10)"
	fi
	ok $((esp > 0 && ah > 0 ? 0 : 1)) "$tag: the capture holds ESP ($esp) and AH ($ah) packets of the flow"
	is "$spis" "spi=0x00001001 spi=0x00001002 spi=0x00002001 spi=0x00002002 " \
		"$tag: all four SPIs were on the wire"
	if ((async)); then
		local c
		c=$(crypto)
		like "$c" 'cryptd\(seqiv\(rfc4106\(gcm' "$tag: ESP AES-GCM ran through cryptd"
		like "$c" 'cryptd\(authenc\(hmac\(sha256' "$tag: AH HMAC-SHA256 ran through cryptd"
	fi
	check "$tag: SA flush on both sides" eval 'ctl h1 sa flush && ctl h2 sa flush'
	check "$tag: ipsec6 unloads" unload_module
	dmesg_clean "$tag: no kernel splat"
}

SWAP_SECS=() FIG=()
round 0
round "$ASYNC"

# ---- the count can fail ---------------------------------------------------------

check "ipsec6 loads" load_module
check "h1: configuration a" swap h1 a replace
check "capture on h1's veth0 runs" capture_start "$LC/control.pcap"
check "h1: l --replace with the default BYPASS policy alone" \
	ctl h1 l --replace "$LC/win/bypass/cfg"
in_ns h1 ping -c 3 -i 0.1 -W 1 "$B" >/dev/null 2>&1
capture_stop
clear=$(count "$LC/control.pcap" "$FLOW and not ip6 proto 50 and not ip6 proto 51")
ok $((clear >= 3 ? 0 : 1)) "the same count finds the cleartext of a BYPASS configuration ($clear packets)"
((clear >= 3)) || diag "$(cat "$LC/control.pcap.err"; tcpdump -r "$LC/control.pcap" -n 2>&1 | head -20; ctl h1 sp; ctl h1 sa)"
check "ipsec6 unloads" unload_module
note "figures: sync: ${FIG[0]:-}; async: ${FIG[$ASYNC]:-}"
