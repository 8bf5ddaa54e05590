#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every algorithm and ICV length class the module accepts, each as the SAME
# ip-xfrm line: "ipsec6ctl sa add LINE" on h1, "ip xfrm state add LINE" on
# h2 (Linux XFRM), transport mode.  AH and ESP AES-CBC (128/192/256-bit
# keys) with each HMAC at XFRM's default ICV ("auth NAME KEY", also the
# smallest the module takes) and at the whole digest ("auth-trunc"),
# HMAC-SHA-256 also at 128; ESP NULL with each HMAC at one of the two; ESP
# AES-GCM with each of the 64/96/128-bit ICVs and 128/192/256-bit keys,
# NULL-GMAC (192, 256), ChaCha20-Poly1305; AH AES-GMAC, which XFRM lacks,
# module to module.  For each line: the same ICV length on both sides,
# ping both ways, h1 drops nothing; 2 MiB of TCP both ways for the rows
# marked tcp.  At the end, no kernel warning.  (tests/21-interop.sh has
# the 128-bit keys of GCM and GMAC, TCP for every algorithm, ESN, and
# decodes the wire.)
# timeout: 900
. "$(dirname "$0")/lib.sh"

plan_no
require_cmd socat python3
check "module loads" load_module
check "two hosts" two_hosts --global
A=$H1_IP
B=$H2_IP
W=$(mktemp -d)
at_exit rm -rf "$W"
head -c 2097152 /dev/urandom >"$W/blob"

hexkey() { python3 -c "import sys; print('0x' + bytes((i * 7 + $2) & 255 for i in range($1)).hex())"; }
K16=$(hexkey 16 1) K20=$(hexkey 20 2) K24=$(hexkey 24 3) K28=$(hexkey 28 4)
K32=$(hexkey 32 5) K36=$(hexkey 36 6) K48=$(hexkey 48 7) K64=$(hexkey 64 8)
NUL="enc ecb(cipher_null) ''"

# name | protocol | h2 runs xfrm or ipsec6ctl | tcp or - | the ip-xfrm words
MATRIX="
ah-md5-auth|ah|xfrm|-|auth md5 $K16
ah-md5-128|ah|xfrm|-|auth-trunc hmac(md5) $K16 128
ah-sha1-auth|ah|xfrm|-|auth sha1 $K20
ah-sha1-160|ah|xfrm|-|auth-trunc hmac(sha1) $K20 160
ah-sha256-auth|ah|xfrm|-|auth sha256 $K32
ah-sha256-128|ah|xfrm|-|auth-trunc hmac(sha256) $K32 128
ah-sha256-256|ah|xfrm|-|auth-trunc hmac(sha256) $K32 256
ah-sha384-auth|ah|xfrm|-|auth hmac(sha384) $K48
ah-sha384-384|ah|xfrm|-|auth-trunc hmac(sha384) $K48 384
ah-sha512-auth|ah|xfrm|-|auth hmac(sha512) $K64
ah-sha512-512|ah|xfrm|tcp|auth-trunc hmac(sha512) $K64 512
esp-cbc128-md5-auth|esp|xfrm|-|auth md5 $K16 enc aes $K16
esp-cbc192-md5-128|esp|xfrm|-|auth-trunc hmac(md5) $K16 128 enc cbc(aes) $K24
esp-cbc256-sha1-auth|esp|xfrm|-|auth sha1 $K20 enc cbc(aes) $K32
esp-cbc128-sha1-160|esp|xfrm|-|auth-trunc hmac(sha1) $K20 160 enc cbc(aes) $K16
esp-cbc192-sha256-auth|esp|xfrm|-|auth sha256 $K32 enc cbc(aes) $K24
esp-cbc256-sha256-128|esp|xfrm|-|auth-trunc hmac(sha256) $K32 128 enc cbc(aes) $K32
esp-cbc128-sha256-256|esp|xfrm|-|auth-trunc hmac(sha256) $K32 256 enc cbc(aes) $K16
esp-cbc192-sha384-auth|esp|xfrm|-|auth hmac(sha384) $K48 enc cbc(aes) $K24
esp-cbc256-sha384-384|esp|xfrm|-|auth-trunc hmac(sha384) $K48 384 enc cbc(aes) $K32
esp-cbc128-sha512-auth|esp|xfrm|-|auth hmac(sha512) $K64 enc cbc(aes) $K16
esp-cbc256-sha512-512|esp|xfrm|tcp|auth-trunc hmac(sha512) $K64 512 enc cbc(aes) $K32
esp-null-md5-auth|esp|xfrm|-|auth md5 $K16 enc cipher_null ''
esp-null-sha1-160|esp|xfrm|-|auth-trunc hmac(sha1) $K20 160 $NUL
esp-null-sha256-auth|esp|xfrm|-|auth sha256 $K32 $NUL
esp-null-sha384-384|esp|xfrm|-|auth-trunc hmac(sha384) $K48 384 $NUL
esp-null-sha512-auth|esp|xfrm|-|auth hmac(sha512) $K64 $NUL
esp-gcm128-icv64|esp|xfrm|-|aead rfc4106(gcm(aes)) $K20 64
esp-gcm192-icv96|esp|xfrm|-|aead rfc4106(gcm(aes)) $K28 96
esp-gcm256-icv128|esp|xfrm|-|aead rfc4106(gcm(aes)) $K36 128
esp-gcm256-icv64|esp|xfrm|tcp|aead rfc4106(gcm(aes)) $K36 64
esp-null-gmac192|esp|xfrm|-|aead rfc4543(gcm(aes)) $K28 128
esp-null-gmac256|esp|xfrm|-|aead rfc4543(gcm(aes)) $K36 128
esp-chacha20-poly1305|esp|xfrm|-|aead rfc7539esp(chacha20,poly1305) $K36 128
ah-gmac256|ah|ipsec6ctl|-|aead rfc4543(gcm(aes)) $K36 128
"

# The ICV lengths of the SAs of a namespace, "BITS BITS": ipsec6 from the
# JSON listing, XFRM from "auth-trunc NAME KEY BITS" / "aead NAME KEY BITS".
icv_ipsec6() {
	ctl "$1" -j sa list | grep -o '"icv_bits":[0-9]*' | cut -d: -f2 |
		sort -n | paste -sd' '
}
icv_xfrm() {
	ip -n h2 xfrm state list |
		awk '$1 == "auth-trunc" || $1 == "aead" { print $NF }' |
		sort -n | paste -sd' '
}

xfer() { tcp_xfer "$@" "$W/blob" 90; }

# The drops of h1 that mean the two sides disagree (a namespace total).
drops() {
	ctl h1 -j stats |
		grep -oE '"(icv_fail|replay|malformed|bad_padding|policy_mismatch|cleartext|crypto_error)":[0-9]+' |
		awk -F: '{ n += $2 } END { print n + 0 }'
}

i=0
before=$(drops)
while IFS='|' read -r name proto peer tcp alg; do
	[[ -n $name ]] || continue
	i=$((i + 1))
	s_ab=$((0x2000 + 2 * i)) s_ba=$((0x2001 + 2 * i))
	pair_lines "$proto" "$s_ab" "$s_ba" "$alg"
	check "$name: ipsec6ctl takes the line on h1" pair_config h1 ipsec6ctl
	check "$name: h2 ($peer) takes the line" pair_config h2 "$peer"
	want=$(icv_ipsec6 h1)
	if [[ $peer == xfrm ]]; then
		got=$(icv_xfrm)
	else
		got=$(icv_ipsec6 h2)
	fi
	[[ $want =~ ^[0-9]+\ [0-9]+$ && $want == "$got" ]]
	ok $? "$name: the same ICV length (bits) on both hosts" ||
		diag "h1 (ipsec6): '$want', h2 ($peer): '$got'"
	check "$name: h1 -> h2 ping" ip netns exec h1 ping -c 2 -i 0.2 -W 3 "$B"
	check "$name: h2 -> h1 ping" ip netns exec h2 ping -c 2 -i 0.2 -W 3 "$A"
	if [[ $tcp == tcp ]]; then
		check "$name: TCP h1 -> h2, 2 MiB, same SHA-256" xfer h1 h2 "$B" 5001
		check "$name: TCP h2 -> h1, 2 MiB, same SHA-256" xfer h2 h1 "$A" 5002
	fi
	now=$(drops)
	is "$((now - before))" 0 "$name: h1 dropped nothing"
	before=$now
	ctl h1 policy flush
	ctl h1 sa flush
	if [[ $peer == xfrm ]]; then
		ip -n h2 xfrm policy flush
		ip -n h2 xfrm state flush
	else
		ctl h2 policy flush
		ctl h2 sa flush
	fi
done <<<"$MATRIX"

dmesg_clean "no kernel warning"
