#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipsec6ctl output: text listings, JSON (valid, escaped) for every command
# that has it, the request listing of IPSEC6CTL_DUMP_MSGS, and keys never
# appearing anywhere (listings, JSON, request dumps, saved files, errors).
# timeout: 120

. "$(dirname "$0")/ctl-lib.sh"

build_ctl
cd "$WORK" || exit 1

HEXKEY=0102030405060708090a0b0c0d0e0f1011121314
STRKEY='Open sesame 42'
FILEKEY='key-from-a-file!'
printf '%s' "$FILEKEY" >file.key
printf 'This is a test' >Test.key
# A key file name that needs escaping in JSON.
WEIRD=$'we"ird\\name\tx.key'
printf '0123456789abcdefghij' >"$WEIRD"

export IPSEC6CTL_FAKE_STATE=$WORK/state
{
	"$CTL" l "$FIX/example"
	"$CTL" policy add src 2001:db8:1::/64 dst 2001:db8:2::1-2001:db8:2::5 \
		proto tcp sport 80 dport 1000-2000 dir out priority 5 index 10 \
		tmpl src 2001:db8::1 dst 2001:db8::2 proto esp mode tunnel reqid 3
	"$CTL" sa add src 2001:db8::1 dst 2001:db8::2 proto esp spi 0x1001 \
		aead gcm 0x$HEXKEY 128 replay-window 64 index 20 policy 10
	"$CTL" sa add dst 2001:db8::3 proto ah spi 3005 \
		auth-trunc md5 "$STRKEY" 128 index 21 flag esn limit byte-soft 9
	"$CTL" sa add dst 2001:db8::4 proto esp spi 3006 \
		auth sha1 @file.key enc aes keyfile file.key index 22 dir in \
		sel src 2001:db8::9 dst 2001:db8::4 proto udp sport 5 dport 6
	"$CTL" sa add dst 2001:db8::5 proto esp spi 3007 \
		aead gcm keyfile "$WEIRD" 128 index 23
} >setup.out 2>&1
expect_eq "set up the simulated tables" "" "$(cat setup.out)"

# --- Text listings --------------------------------------------------------

run_ctl out err policy list index 10
expect_eq "policy list: ip-xfrm-like text" \
"src 2001:db8:1::/64 dst 2001:db8:2::1-2001:db8:2::5 proto tcp sport 80 dport 1000-2000
	dir out priority 5 index 10 action apply
	tmpl src 2001:db8::1 dst 2001:db8::2 proto esp mode tunnel reqid 3
	packets 0 bytes 0 drops 0" "$(cat out)"
run_ctl out err sa list index 22
expect_eq "sa list: ip-xfrm-like text with key bits, not keys" \
"src :: dst 2001:db8::4
	proto esp spi 0x00000bbe(3006) mode transport
	index 22 dir in replay-window 0
	auth-trunc hmac(sha1) icv 96
	enc cbc(aes)
	key-bits 256 keyfile file.key enc-keyfile file.key
	sel src 2001:db8::9 dst 2001:db8::4 proto udp sport 5 dport 6
	state valid oseq 0x0 seq 0x0 packets 0 bytes 0 drops 0" "$(cat out)"
run_ctl out err sa list spi 3005
expect_grep "sa list shows lifetimes and flags" out \
	"index 21 replay-window 0 flag esn"
expect_grep "sa list shows limits" out "limit byte-soft 9"
run_ctl out err sa list proto esp dir in
expect_eq "sa list filters" 1 "$(grep -c '^src' out)"

# --- JSON -----------------------------------------------------------------

json_ok()
{
	local name=$1
	shift
	run_ctl out err -j "$@"
	if [[ $RC == 0 ]] && python3 -m json.tool out >/dev/null 2>&1; then
		ok "JSON: $name"
	else
		not_ok "JSON: $name" "exit $RC $(cat err)" "$(head -c 1000 out)"
	fi
}

json_ok "sp" sp
json_ok "sa (Windows)" sa
json_ok "policy list" policy list
json_ok "policy get" policy get index 10
json_ok "policy count" policy count
json_ok "sa list" sa list
json_ok "sa get" sa get index 20
json_ok "sa count" sa count
json_ok "stats" stats
run_ctl out err -j sa list
if python3 - "$WEIRD" out <<'EOF'
import json, sys
sas = json.load(open(sys.argv[2]))
names = [s["keyfile"] for s in sas]
assert sys.argv[1] in names, names
sa = [s for s in sas if s["index"] == 22][0]
assert sa["dir"] == "in" and sa["auth_alg"] == "hmac(sha1)"
assert sa["sel"] == {"dst": "2001:db8::4", "src": "2001:db8::9",
                     "proto": 17, "dport": 6, "sport": 5}, sa["sel"]
assert sa["key_bits"] == 256 and sa["counts"]["packets"] == 0
EOF
then
	ok "JSON strings are escaped (quote, backslash, tab) and fields right"
else
	not_ok "JSON strings are escaped and fields right" "$(head -c 1500 out)"
fi
run_ctl out err -j policy list index 10
if python3 - out <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))[0]
assert p["dir"] == ["out"] and p["action"] == "apply"
assert p["local"] == {"start": "2001:db8:1::",
                      "end": "2001:db8:1:0:ffff:ffff:ffff:ffff"}, p
assert p["remote_port"] == {"start": 1000, "end": 2000}
assert p["tunnel_remote"] == "2001:db8::2" and p["reqid"] == 3
EOF
then
	ok "JSON policy fields: remote/local, ports, tunnel"
else
	not_ok "JSON policy fields" "$(cat out)"
fi
run_ctl out err -j stats
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["no_policy"] == 0 and len(d) == 18' out; then
	ok "JSON stats: one counter per drop reason"
else
	not_ok "JSON stats" "$(cat out)"
fi
run_ctl out err stats
expect_eq "stats text" "no-policy        0" "$(head -1 out)"
run_ctl out err -j --dry-run monitor
expect_eq "monitor in --dry-run has nothing to report" "0:" "$RC:$(cat out)"

# --- Dumps interrupted by changes are restarted --------------------------

IPSEC6CTL_FAKE_DUMP_INTR=4 run_ctl out err sp
expect_eq "a dump flagged NLM_F_DUMP_INTR is restarted" \
	"0:$("$CTL" sp)" "$RC:$(cat out)"
IPSEC6CTL_FAKE_DUMP_INTR=5 run_ctl out err sa list
expect_eq "a dump that never settles fails clearly" \
	"1:ipsec6ctl: the tables kept changing during the dump; try again:" \
	"$RC:$(cat err):$(cat out)"

# --- The request listing on stderr ----------------------------------------

IPSEC6CTL_DUMP_MSGS=1 run_ctl out err sa add dst 2001:db8::7 proto esp \
	spi 4000 auth md5 "$STRKEY"
expect_line "IPSEC6CTL_DUMP_MSGS shows the dumps" err "POLICY_GET flags=DUMP"
expect_grep "IPSEC6CTL_DUMP_MSGS shows the change" err \
	'SA_NEW SA{INDEX=24 SPI=4000 PROTO=ESP DST=2001:db8::7 AUTH_NAME="hmac(md5)" AUTH_KEY=<14 bytes> ICV_LEN=96}'

# --- Keys never appear ----------------------------------------------------

{
	"$CTL" sa
	"$CTL" sa list
	"$CTL" -j sa list
	"$CTL" -j sa
	"$CTL" sa get index 20
	"$CTL" -j sa get index 21
	"$CTL" s saved
	cat saved.spd saved.sad
	"$CTL" --dry-run l saved
	IPSEC6CTL_DUMP_MSGS=1 "$CTL" --dry-run sa add dst 2001:db8::8 \
		proto esp spi 4001 aead gcm 0x$HEXKEY 128
	"$CTL" --dry-run sa add dst 2001:db8::8 proto esp spi 4002 \
		auth md5 "$STRKEY" enc aes @file.key
	# Errors after or around keys.
	"$CTL" sa add dst 2001:db8::8 proto esp spi 4002 auth md5 "$STRKEY" \
		enc aes @file.key
	"$CTL" sa add dst 2001:db8::8 proto esp spi 4003 aead gcm \
		0x$HEXKEY 100
	"$CTL" sa add dst 2001:db8::8 proto esp spi 4004 \
		auth-trunc md5 "$STRKEY" many
	"$CTL" sa add dst 2001:db8::8 proto esp spi 4005 aead gcm \
		0x${HEXKEY}zz 128
	"$CTL" sa add dst 2001:db8::2 proto esp spi 0x1001 aead gcm \
		0x$HEXKEY 128
	printf 'sa add dst 2001:db8::8 proto esp spi 4006 aead gcm 0x%s 128 junk\n' \
		"$HEXKEY" | "$CTL" -batch -
	printf 'sa add dst 2001:db8::2 proto esp spi 0x1001 aead gcm 0x%s 128 index 77\n' \
		"$HEXKEY" | "$CTL" -batch -
} >all.out 2>&1
leaks=$(grep -aiE "${HEXKEY:0:16}|${HEXKEY:8:16}|$STRKEY|$FILEKEY|This is a test|0123456789abcdefghij" all.out || true)
if [[ -z $leaks && -s all.out ]]; then
	ok "no key in any listing, JSON, request dump, saved file or error"
else
	not_ok "no key in any output" "$leaks"
fi
expect_grep "keys are shown as their length" all.out "AEAD_KEY=<20 bytes>"

unset IPSEC6CTL_FAKE_STATE
printf 'sa add dst 2001:db8::9 proto esp spi 4100 auth md5 "%s" bad\n' \
	"$STRKEY" >k.batch
run_ctl out err --dry-run -batch k.batch
expect_no_grep "a batch error does not echo the key" err "$STRKEY"

done_testing
