#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipsec6ctl and the Windows ipsec6 files (.spd, .sad, key files): the
# example of the spec loads, every field rejects what cannot be read with
# the exact "FILE:LINE: Field: message 'value'", nothing is sent when any
# line is bad, 's' writes the Windows layout of a fresh namespace.  No
# kernel: --dry-run.  What the module judges, s -> l -> s and the keys are
# in tests/13-ctl.sh.
# timeout: 120

. "$(dirname "$0")/ctl-lib.sh"

build_ctl
cd "$WORK" || exit 1

# --- The example of the spec -------------------------------------------

example_files ex
run_ctl out err --dry-run l ex/example
expect_eq "example .spd/.sad load (exit 0, no message)" "0:" "$RC:$(cat err)"
if cmp -s out "$FIX/example.dry-run"; then
	ok "example: the requests are TXN_BEGIN, 2 POLICY_NEW, 2 SA_NEW, TXN_COMMIT"
else
	not_ok "example: requests differ from fixtures/ctl/example.dry-run" \
		"$(diff "$FIX/example.dry-run" out)"
fi
expect_grep "Test.key 'This is a test' is a 14-byte key" out \
	'AUTH_KEY=<14 bytes>'
expect_grep "HMAC-MD5 is hmac(md5) with the full 128-bit ICV" out \
	'AUTH_NAME="hmac(md5)" AUTH_KEY=<14 bytes> ICV_LEN=128'

# A NAME with the extension, and CR LF line ends, load the same.
mkdir -p crlf
sed 's/$/\r/' ex/example.spd >crlf/example.spd
sed 's/$/\r/' ex/example.sad >crlf/example.sad
cp ex/Test.key crlf/
run_ctl out2 err --dry-run l crlf/example.spd
if [[ $RC == 0 ]] && cmp -s out2 "$FIX/example.dry-run"; then
	ok "CR LF files and NAME.spd load the same"
else
	not_ok "CR LF files and NAME.spd load the same" "$(cat err)" \
		"$(diff "$FIX/example.dry-run" out2)"
fi

# Key files are relative to the folder of the .sad, not the cwd.
(cd / && "$CTL" --dry-run l "$WORK/ex/example" >/dev/null 2>&1)
expect_eq "key files are read next to the .sad" 0 $?

# --- 's' on a fresh namespace ------------------------------------------

run_ctl out err --dry-run s fresh
if [[ $RC == 0 ]] && cmp -s fresh.spd "$FIX/fresh.spd" &&
   cmp -s fresh.sad "$FIX/fresh.sad"; then
	ok "s on a fresh namespace writes the default policy and no SA"
else
	not_ok "s on a fresh namespace" "$(cat err)" \
		"$(diff "$FIX/fresh.spd" fresh.spd)" \
		"$(diff "$FIX/fresh.sad" fresh.sad)"
fi
expect_line "the default policy line" fresh.spd \
	'1 - * - * - * - * - * NONE * * NONE BIDIRECT BYPASS 0 ;'
expect_eq "s sends no change request" "" "$(cat out)"
tmps=(*.tmp??????)
expect_eq "s leaves no temporary file" "*.tmp??????" "${tmps[*]}"

# 's' replaces existing files (like the Windows tool) atomically.
echo old >fresh.spd
run_ctl out err --dry-run s fresh
if cmp -s fresh.spd "$FIX/fresh.spd"; then
	ok "s replaces an existing NAME.spd"
else
	not_ok "s replaces an existing NAME.spd" "$(cat fresh.spd)"
fi

# --- Rejections: every field, exact messages, nothing sent -------------

# spd_reject NAME ENTRY MESSAGE: the entry alone on line 6 of a .spd.
spd_reject()
{
	mkdir -p rej
	mk_spd rej/t.spd "$2" '1 - * - * - * - * - * NONE * * NONE BIDIRECT BYPASS 0 ;'
	mk_sad rej/t.sad
	run_ctl rej/out rej/err --dry-run l rej/t
	if [[ $RC == 1 && ! -s rej/out ]] &&
	   grep -qxF "rej/t.spd:6: $3" rej/err; then
		ok ".spd rejects $1"
	else
		not_ok ".spd rejects $1" "entry: $2" "want: rej/t.spd:6: $3" \
			"exit $RC, sent: $(cat rej/out)" "got: $(cat rej/err)"
	fi
}

P='- * - * - * - *'	# the four selectors after RemoteIPAddr
spd_reject "Policy (not a number)" \
	"x - * $P NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"Policy: not a positive integer 'x'"
spd_reject "Policy (0)" \
	"0 - * $P NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"Policy: not a positive integer '0'"
spd_reject "RemoteIPAddr flag" \
	"3 x * $P NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"RemoteIPAddr: invalid selector flag (use '-' or '+') 'x'"
spd_reject "RemoteIPAddr address" \
	"3 - FE80::ZZ $P NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"RemoteIPAddr: invalid address 'FE80::ZZ'"
spd_reject "LocalIPAddr flag" \
	"3 - * * * - * - * - * NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"LocalIPAddr: invalid selector flag (use '-' or '+') '*'"
spd_reject "LocalIPAddr prefix length" \
	"3 - * - FE80::/129 - * - * - * NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"LocalIPAddr: prefix length must be 0-128 'FE80::/129'"
spd_reject "Protocol flag" \
	"3 - * - * ? * - * - * NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"Protocol: invalid selector flag (use '-' or '+') '?'"
spd_reject "Protocol name" \
	"3 - * - * - FOO - * - * NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"Protocol: unknown value 'FOO'"
spd_reject "Protocol number above 255" \
	"3 - * - * - 256 - * - * NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"Protocol: unknown value '256'"
spd_reject "RemotePort flag" \
	"3 - * - * - TCP + * / * NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"LocalPort: invalid selector flag (use '-' or '+') '/'"
spd_reject "RemotePort value" \
	"3 - * - * - TCP - 70000 - * NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"RemotePort: invalid port '70000'"
spd_reject "IPSecProtocol" \
	"3 - * $P ESB TRANSPORT * NONE BIDIRECT APPLY 0 ;" \
	"IPSecProtocol: unknown value 'ESB'"
spd_reject "IPSecMode" \
	"3 - * $P AH TRANSPROT * NONE BIDIRECT APPLY 0 ;" \
	"IPSecMode: unknown value 'TRANSPROT'"
spd_reject "RemoteGWIPAddr address" \
	"3 - * $P ESP TUNNEL FE80::ZZ NONE BIDIRECT APPLY 0 ;" \
	"RemoteGWIPAddr: invalid address 'FE80::ZZ'"
spd_reject "SABundleIndex" \
	"3 - * $P AH TRANSPORT * next BIDIRECT APPLY 0 ;" \
	"SABundleIndex: not NONE or a policy index 'next'"
spd_reject "Direction" \
	"3 - * $P NONE * * NONE SIDEWAYS BYPASS 0 ;" \
	"Direction: unknown value 'SIDEWAYS'"
spd_reject "Action" \
	"3 - * $P NONE * * NONE BIDIRECT ALLOW 0 ;" \
	"Action: unknown value 'ALLOW'"
spd_reject "InterfaceIndex" \
	"3 - * $P NONE * * NONE BIDIRECT BYPASS eth0 ;" \
	"InterfaceIndex: not a number 'eth0'"
spd_reject "a missing field" \
	"3 - * - * - * - * NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"InterfaceIndex: missing (the entry has 16 of 18 tokens; a selector is a flag and a value)"
spd_reject "an extra field" \
	"3 - * $P NONE * * NONE BIDIRECT BYPASS 0 5 ;" \
	"entry: unexpected field after InterfaceIndex (extensions are KEY=VALUE) '5'"
spd_reject "an entry without ';'" \
	"3 - * $P NONE * * NONE BIDIRECT BYPASS 0" \
	"entry: does not end with ';' (one entry per line)"
spd_reject "text after ';'" \
	"3 - * $P NONE * * NONE BIDIRECT BYPASS 0 ; junk" \
	"entry: text after the ';' that ends the entry 'junk'"
spd_reject "an unknown extension" \
	"3 - * $P NONE * * NONE BIDIRECT BYPASS 0 COLOR=red ;" \
	"extension: unknown 'COLOR=red'"
spd_reject "PRIORITY=" \
	"3 - * $P NONE * * NONE BIDIRECT BYPASS 0 PRIORITY=high ;" \
	"PRIORITY: not a number 'high'"
spd_reject "FLAGS=" \
	"3 - * $P NONE * * NONE BIDIRECT BYPASS 0 FLAGS=FAST ;" \
	"FLAGS: not a list of DSCP_COPY, BUNDLE_ONLY 'FAST'"
spd_reject "an extension given twice" \
	"3 - * $P NONE * * NONE BIDIRECT BYPASS 0 PRIORITY=1 PRIORITY=2 ;" \
	"PRIORITY: given twice 'PRIORITY=2'"

# A duplicate index names both lines.
mk_spd rej/d.spd "3 - * $P NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"3 - * $P NONE * * NONE BIDIRECT DISCARD 0 ;"
mk_sad rej/d.sad
run_ctl rej/out rej/err --dry-run l rej/d
expect_line "a duplicate policy index names both lines" rej/err \
	"rej/d.spd:7: Policy: index already used on line 6 '3'"

# sad_reject NAME ENTRY MESSAGE: the entry on line 6 of a .sad; the .spd has
# policy 3 (ESP transport), 2 (AH transport) and 1.
mkdir -p rs
mk_spd rs/t.spd "3 - * $P ESP TRANSPORT * NONE BIDIRECT APPLY 0 ;" \
	"2 - FE80::2AA:FF:FE92:D0F1 $P AH TRANSPORT * NONE BIDIRECT APPLY 0 ;" \
	'1 - * - * - * - * - * NONE * * NONE BIDIRECT BYPASS 0 ;'
printf 'This is a test' >rs/Test.key
printf '0123456789abcdef0123' >rs/gcm.key
printf '0123456789abcdef' >rs/aes.key
: >rs/empty.key
head -c 129 /dev/zero >rs/long.key
sad_reject()
{
	mk_sad rs/t.sad "$2"
	run_ctl rs/out rs/err --dry-run l rs/t
	if [[ $RC == 1 && ! -s rs/out ]] &&
	   grep -qxF "rs/t.sad:6: $3" rs/err; then
		ok ".sad rejects $1"
	else
		not_ok ".sad rejects $1" "entry: $2" "want: rs/t.sad:6: $3" \
			"exit $RC, sent: $(cat rs/out)" "got: $(cat rs/err)"
	fi
}

D='FE80::2AA:FF:FE92:D0F1'
S='POLICY POLICY POLICY POLICY POLICY'	# DestIPAddr .. SrcPort
sad_reject "SAEntry" "x 3001 $D $S HMAC-MD5 Test.key OUTBOUND 2 ;" \
	"SAEntry: not a positive integer 'x'"
sad_reject "SPI (not a number)" "5 abc $D $S HMAC-MD5 Test.key OUTBOUND 2 ;" \
	"SPI: not a decimal number up to 4294967295 'abc'"
sad_reject "SPI (too big)" "5 4294967296 $D $S HMAC-MD5 Test.key OUTBOUND 2 ;" \
	"SPI: not a decimal number up to 4294967295 '4294967296'"
sad_reject "SADestIPAddr" "5 3001 FE80::ZZ $S HMAC-MD5 Test.key OUTBOUND 2 ;" \
	"SADestIPAddr: invalid address 'FE80::ZZ'"
sad_reject "DestIPAddr" \
	"5 3001 $D X POLICY POLICY POLICY POLICY HMAC-MD5 Test.key OUTBOUND 2 ;" \
	"DestIPAddr: not POLICY or an address 'X'"
sad_reject "SrcIPAddr" \
	"5 3001 $D POLICY FE80::G POLICY POLICY POLICY HMAC-MD5 Test.key OUTBOUND 2 ;" \
	"SrcIPAddr: not POLICY or an address 'FE80::G'"
sad_reject "Protocol" \
	"5 3001 $D POLICY POLICY SCTP POLICY POLICY HMAC-MD5 Test.key OUTBOUND 2 ;" \
	"Protocol: unknown value 'SCTP'"
sad_reject "DestPort" \
	"5 3001 $D POLICY POLICY TCP 70000 POLICY HMAC-MD5 Test.key OUTBOUND 2 ;" \
	"DestPort: not POLICY or a port (0-65535) '70000'"
sad_reject "SrcPort without TCP/UDP" \
	"5 3001 $D POLICY POLICY ICMP POLICY 80 HMAC-MD5 Test.key OUTBOUND 2 ;" \
	"SrcPort: ports need Protocol TCP, UDP, 132 or 136 '80'"
sad_reject "AuthAlg" "5 3001 $D $S HMAC-MD7 Test.key OUTBOUND 2 ;" \
	"AuthAlg: unknown value 'HMAC-MD7'"
sad_reject "KeyFile missing" "5 3001 $D $S HMAC-MD5 missing.key OUTBOUND 2 ;" \
	"KeyFile: cannot read 'missing.key': No such file or directory"
sad_reject "KeyFile empty" "5 3001 $D $S HMAC-MD5 empty.key OUTBOUND 2 ;" \
	"KeyFile: 'empty.key' is empty"
sad_reject "KeyFile too long" "5 3001 $D $S HMAC-MD5 long.key OUTBOUND 2 ;" \
	"KeyFile: 'long.key' is longer than 128 bytes"
sad_reject "Direction" "5 3001 $D $S HMAC-MD5 Test.key SIDEWAYS 2 ;" \
	"Direction: unknown value 'SIDEWAYS'"
sad_reject "SecPolicyIndex (not a number)" \
	"5 3001 $D $S HMAC-MD5 Test.key OUTBOUND two ;" \
	"SecPolicyIndex: not a policy index 'two'"
sad_reject "a missing field" "5 3001 $D $S HMAC-MD5 Test.key OUTBOUND ;" \
	"SecPolicyIndex: missing (the entry has 11 of 12 tokens)"
sad_reject "AEAD= with an HMAC" \
	"5 3001 $D $S HMAC-MD5 Test.key OUTBOUND 3 AEAD=AES-GCM-128 ;" \
	"AEAD: needs AuthAlg NULL (it provides integrity itself) 'AES-GCM-128'"
sad_reject "AEAD= value" \
	"5 3001 $D $S NULL gcm.key OUTBOUND 3 AEAD=ROT13 ;" \
	"AEAD: unknown value 'ROT13'"
sad_reject "AEAD= key length" \
	"5 3001 $D $S NULL Test.key OUTBOUND 3 AEAD=AES-GCM-128 ;" \
	"KeyFile: 'Test.key' holds 14 bytes; AES-GCM-128 needs 20 (key and 4-byte salt)"
sad_reject "ESN=" \
	"5 3001 $D $S HMAC-MD5 Test.key OUTBOUND 2 ESN=yes ;" \
	"ESN: not 0 or 1 'yes'"
sad_reject "PROTO= with a SecPolicyIndex" \
	"5 3001 $D $S HMAC-MD5 Test.key OUTBOUND 2 PROTO=AH ;" \
	"PROTO: only with SecPolicyIndex NONE (the policy decides)"
sad_reject "SOFT_BYTES=" \
	"5 3001 $D $S HMAC-MD5 Test.key OUTBOUND 2 SOFT_BYTES=lots ;" \
	"SOFT_BYTES: not a number 'lots'"
sad_reject "an unknown extension" \
	"5 3001 $D $S HMAC-MD5 Test.key OUTBOUND 2 BOGUS=1 ;" \
	"extension: unknown 'BOGUS=1'"

mk_sad rs/t.sad "2 3001 $D $S HMAC-MD5 Test.key OUTBOUND 2 ;" \
	"2 3002 $D $S HMAC-MD5 Test.key INBOUND 2 ;" \
	"1 3001 $D $S HMAC-MD5 Test.key INBOUND 2 ;"
run_ctl rs/out rs/err --dry-run l rs/t
expect_line "a duplicate SA index names both lines" rs/err \
	"rs/t.sad:7: SAEntry: index already used on line 6 '2'"

# --- Every error is reported; a bad last line stops everything ----------

mk_spd rej/m.spd "4 - * $P AH TRANSPROT * NONE BIDIRECT APPLY 0 ;" \
	"3 - FE80::ZZ $P NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"2 - * $P NONE * * NONE UPWARD BYPASS x ;" \
	'1 - * - * - * - * - * NONE * * NONE BIDIRECT BYPASS 0 ;'
mk_sad rej/m.sad "1 3000 $D $S HMAC-MD7 Test.key SIDEWAYS 4 ;"
run_ctl rej/out rej/err --dry-run l rej/m
expect_eq "every error of both files is reported" \
"rej/m.spd:6: IPSecMode: unknown value 'TRANSPROT'
rej/m.spd:7: RemoteIPAddr: invalid address 'FE80::ZZ'
rej/m.spd:8: Direction: unknown value 'UPWARD'
rej/m.spd:8: InterfaceIndex: not a number 'x'
rej/m.sad:6: AuthAlg: unknown value 'HMAC-MD7'
rej/m.sad:6: Direction: unknown value 'SIDEWAYS'
ipsec6ctl: 6 errors in rej/m.spd and rej/m.sad; nothing was loaded" "$(cat rej/err)"
expect_eq "with errors: exit 1 and no request" "1:" "$RC:$(cat rej/out)"

cp ex/example.spd last.spd
sed '/^1 3000/s/HMAC-MD5/HMAC-MD55/' ex/example.sad >last.sad
cp ex/Test.key .
run_ctl out err --dry-run l last
expect_eq "a bad last line: error, exit 1, nothing sent" \
	"1:last.sad:7: AuthAlg: unknown value 'HMAC-MD55':" \
	"$RC:$(head -1 err):$(cat out)"

# Warnings are not errors: decreasing order, newline in a key file.
mk_spd w.spd "1 - * $P NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"2 - $D $P AH TRANSPORT * NONE BIDIRECT APPLY 0 ;"
printf 'This is a test\n' >nl.key
mk_sad w.sad "1 3000 $D $S HMAC-MD5 nl.key INBOUND 2 ;"
run_ctl out err --dry-run l w
expect_eq "warnings do not stop a load" 0 "$RC"
expect_line "a policy out of search order gets a warning" err \
	"w.spd:7: warning: Policy: index 2 comes after 1: policies are searched by priority then decreasing index, not in file order"
expect_line "a key file ending in a newline gets a warning" err \
	"w.sad:6: warning: KeyFile: 'nl.key' ends with a newline byte, which is part of the 15-byte key"
expect_grep "the newline is part of the key" out 'AUTH_KEY=<15 bytes>'

# Files that are not the format.
echo "no borders here" >nb.spd
mk_sad nb.sad
run_ctl out err --dry-run l nb
expect_line "a file without border lines is an error" err \
	"ipsec6ctl: nb.spd: no entry list (no border line starting with '_')"
run_ctl out err --dry-run l nosuchfile
expect_eq "a missing file is an error (exit 1)" 1 "$RC"
expect_grep "a missing file is named" err "nosuchfile.spd: No such file or directory"

# --- sp / sa / d ----------------------------------------------------------

run_ctl out err --dry-run d sp 5
expect_eq "d sp N" "POLICY_DEL POLICY{INDEX=5}" "$(cat out)"
run_ctl out err --dry-run d sp all
expect_eq "d sp all" "POLICY_FLUSH" "$(cat out)"
run_ctl out err --dry-run d sa 5
expect_eq "d sa N" "SA_DEL SA{INDEX=5}" "$(cat out)"
run_ctl out err --dry-run d sa all
expect_eq "d sa all" "SA_FLUSH" "$(cat out)"
run_ctl out err --dry-run d sp x
expect_eq "d sp with a bad index is a usage error" 2 "$RC"

done_testing
