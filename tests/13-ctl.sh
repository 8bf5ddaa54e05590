#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipsec6ctl against the module, in namespaces of their own (no links):
#
#     g1 g2 ...  ip-xfrm lines: what the module refuses, automatic indexes
#                and lookups against installed tables, batch errors
#     f1 f2 ...  .spd/.sad files: s -> l -> s, keys, what the module
#                refuses of a file (FILE:LINE: its message), commit errors
#     o1         listings, JSON, dumps restarted, no key in any output
#
# The tool checks only that values can be read (tests/host/ctl-*.sh, no
# kernel); the module judges what they mean, and its extack comes back
# against the command, or the FILE:LINE of the entry.
# timeout: 600
. "$(dirname "$0")/lib.sh"

plan_no
check "module loads" load_module

FIX=$REPO/tests/host/fixtures/ctl
W=$(mktemp -d)
at_exit rm -rf "$W"
cd "$W" || bail_out "no scratch folder"

NS=
RC=0

# c ARGS...: the tool in namespace $NS.
c() {
	"$IPSEC6CTL" -n "$NS" "$@"
}

# run_ctl OUT ERR ARGS...: the tool in $NS, exit code in $RC.
run_ctl() {
	local out=$1 err=$2
	shift 2
	RC=0
	c "$@" >"$out" 2>"$err" || RC=$?
}

fresh() {
	NS=$1
	ns_create "$NS" || bail_out "cannot create namespace $NS"
}

expect_eq() {
	is "$3" "$2" "$1"
}

# expect_line NAME FILE LINE: FILE has exactly this line.
expect_line() {
	grep -qxF -- "$3" "$2"
	ok $? "$1" || diag "no line: $3" "$(head -c 2000 "$2")"
}

# expect_grep NAME FILE FIXED-STRING
expect_grep() {
	grep -qF -- "$3" "$2"
	ok $? "$1" || diag "missing: $3" "$(head -c 2000 "$2")"
}

# refused NAME MESSAGE ARGS...: the module refuses, exit 1, MESSAGE.
refused() {
	local name=$1 msg=$2
	shift 2
	run_ctl out err "$@"
	[[ $RC == 1 ]] && grep -qF -- "$msg" err
	ok $? "$name" || diag "ipsec6ctl $*" "want exit 1 and: $msg" \
		"got exit $RC: $(cat err)"
}

# dry NAME EXPECTED ARGS...: --dry-run ARGS prints exactly EXPECTED.
dry() {
	local name=$1 want=$2
	shift 2
	run_ctl out err --dry-run "$@"
	is "$(cat out)" "$want" "$name" || diag "stderr: $(cat err)"
}

GCMKEY=0x0102030405060708090a0b0c0d0e0f1011121314

# --- ip-xfrm lines the module refuses (the tool sends them) ------------

fresh g0
refused "action apply needs a tmpl" "policy add: IPSEC_PROTO: missing" \
	policy add dir out action apply
refused "block with a tmpl is rejected" \
	"policy add: IPSEC_PROTO: policy 2: only with ACTION apply" \
	policy add dir out action block tmpl proto esp
refused "ports need tcp/udp" \
	"policy add: PORT: needs PROTO tcp, udp, sctp or udplite" \
	policy add dir out sport 80
refused "tunnel mode needs the peer" \
	"policy add: TUNNEL_REMOTE (tunnel mode): missing" \
	policy add dir out tmpl src 2001:db8::1 proto esp mode tunnel
refused "SPI 255 is reserved" "sa add: SPI: 255 is reserved (1-255, RFC 4303)" \
	sa add dst 2001:db8::2 proto esp spi 255 auth md5 x
refused "SPI 0 is invalid" "sa add: SPI: 0 is invalid" \
	sa add dst 2001:db8::2 proto esp spi 0 auth md5 x
refused "aead excludes auth" \
	"sa add: AEAD_NAME: excludes AUTH_NAME and ENC_NAME" \
	sa add dst 2001:db8::2 proto esp spi 300 auth md5 x aead gcm $GCMKEY 128
refused "an SA needs integrity" \
	"sa add: AUTH_NAME: missing (ESP needs an integrity algorithm)" \
	sa add dst 2001:db8::2 proto esp spi 300 enc aes 0x00112233445566778899aabbccddeeff
refused "AH does not encrypt" "sa add: ENC_NAME: AH does not encrypt" \
	sa add dst 2001:db8::2 proto ah spi 300 auth md5 x enc aes x
refused "an algorithm the module does not have: the module names it" \
	"sa add: AUTH: unknown algorithm 'hmac(rmd160)'" \
	sa add dst 2001:db8::2 proto ah spi 300 auth 'hmac(rmd160)' x
c sa add dst 2001:db8::2 proto ah spi 301 auth sha256 x index 3 \
	>/dev/null 2>&1
c sa add dst 2001:db8::2 proto esp spi 302 auth-trunc sha256 x 0 \
	enc aes 0x00112233445566778899aabbccddeeff index 4 >/dev/null 2>&1
run_ctl out err sa list
expect_eq "auth sha256 and auth-trunc sha256 KEY 0: XFRM's 96-bit ICV" \
	"2" "$(grep -c 'auth-trunc hmac(sha256) icv 96' out)"

# --- Indexes and lookups against installed tables ----------------------

fresh g1
c policy add dir out index 7 action block >/dev/null 2>&1
c sa add dst 2001:db8::2 proto esp spi 300 auth md5 x index 40 >/dev/null 2>&1
dry "a new policy gets the highest index plus one" \
	'POLICY_NEW POLICY{INDEX=8 DIR=IN ACTION=DISCARD}' \
	policy add dir in action block
dry "a new SA gets the highest index plus one" \
'SA_NEW SA{INDEX=41 SPI=301 PROTO=ESP DST=2001:db8::2 AUTH_NAME="hmac(md5)" AUTH_KEY=<1 bytes> ICV_LEN=96}' \
	sa add dst 2001:db8::2 proto esp spi 301 auth md5 x
dry "sa update finds the SA by dst, proto and spi" \
'SA_UPDATE SA{INDEX=40 SPI=300 PROTO=ESP DST=2001:db8::2 AUTH_NAME="hmac(md5)" AUTH_KEY=<1 bytes> ICV_LEN=128}' \
	sa update dst 2001:db8::2 proto esp spi 300 auth-trunc md5 y 128
run_ctl out err --dry-run sa add dst 2001:db8::2 proto esp spi 300 auth md5 x
expect_eq "sa add refuses an SPI, dst and proto in use" \
	"1:ipsec6ctl: sa add: an SA with this SPI, dst and proto exists (index 40); use 'sa update':" \
	"$RC:$(cat err):$(cat out)"
dry "policy del by selector finds the index" 'POLICY_DEL POLICY{INDEX=7}' \
	policy del dir out
run_ctl out err --dry-run policy del src 2001:db8::1 dir out
expect_eq "policy del: no policy matches" \
	"1:ipsec6ctl: policy del: no policy matches this selector and dir" \
	"$RC:$(cat err)"
run_ctl out err --dry-run policy add dir out action bypass
expect_eq "policy add refuses a selector in use" \
	"1:ipsec6ctl: policy add: a policy with this selector, dir and priority exists (index 7); use 'policy update'" \
	"$RC:$(cat err)"
run_ctl out err policy get index 7
expect_eq "policy get index" "src ::/0 dst ::/0" "$(head -1 out)"
run_ctl out err sa get dst 2001:db8::2 proto esp spi 300
expect_grep "sa get by identity" out "index 40"
run_ctl out err sa get index 99
expect_eq "sa get: no such SA" "1:ipsec6ctl: sa get: no such SA" \
	"$RC:$(cat err)"
run_ctl out err sa count
expect_eq "sa count" "SAD count 1" "$(cat out)"
run_ctl out err policy count
expect_eq "policy count" "SPD count 2" "$(cat out)"
run_ctl out err policy list dir in
expect_eq "policy list dir in: the default policy only" \
	"src ::/0 dst ::/0" "$(head -1 out)"

# --- The module's errors in a batch map to lines; nothing is applied ----

# The requests of the listing on standard error, the last one.
last_request() {
	grep -E '^[A-Z_]+( |$)' "$1" | tail -1
}

fresh g2
c policy add dir out index 5 action block >/dev/null 2>&1
printf 'policy add dir in index 6 action block\n\npolicy add dir in index 5 action block\npolicy add dir fwd index 9 action block\n' >b4
run_ctl out err -batch b4
expect_eq "a kernel error names the batch line" \
	"1:b4:3: INDEX: policy 5 exists with other content" \
	"$RC:$(cat err)"
run_ctl out err policy count
expect_eq "a failed batch changes nothing" "SPD count 2" "$(cat out)"
IPSEC6CTL_DUMP_MSGS=1 run_ctl out err -batch b4
expect_eq "a failed batch ends with TXN_ABORT" "TXN_ABORT" "$(last_request err)"
printf 'sa add dst 2001:db8::9 proto esp spi 7000 auth md5 x index 20\n# two SAs, one identity\nsa add dst 2001:db8::9 proto esp spi 7000 auth md5 y index 21\n' >b5
run_ctl out err -batch b5
expect_eq "a commit error names the batch line" \
	"1:b5:3: SPI: SA 21: SPI 7000, DST and PROTO used by SA 20" \
	"$RC:$(cat err)"
printf 'policy add dir out index 30 tmpl proto esp\npolicy add dir in index 31 tmpl proto esp bundle 30\n' >b6
c -batch b6 >/dev/null 2>&1
printf '# the bundle of 31 needs 30\npolicy del index 30\n' >b7
run_ctl out err -batch b7
expect_eq "a commit error about another policy names the line that caused it" \
	"1:b7:2: BUNDLE_NEXT: policy 31: 30 is not an APPLY policy" \
	"$RC:$(cat err)"

# Standard input is read directly: a guest has no /dev/stdin.
fresh g3
printf 'policy add dir in index 6 action block\n' >b8
run_ctl out err -batch - <b8
expect_eq "-batch - reads standard input" "0::SPD count 2" \
	"$RC:$(cat err):$(c policy count)"

# An object a batch adds, replaced again in the same batch (nothing was
# published at its index): the later line wins.
fresh g4
printf 'policy add dir in index 7 action block\npolicy update dir in index 7 priority 9 action block\nsa add dst 2001:db8::9 proto esp spi 7001 auth md5 x index 22\nsa update dst 2001:db8::9 proto esp spi 7001 auth md5 x index 22 replay-window 32\n' >b9
run_ctl out err -batch b9
expect_eq "a batch replaces a policy and an SA it added itself" "0:" \
	"$RC:$(cat err)"
run_ctl out err policy get index 7
expect_grep "... the policy as its second line says" out "priority 9"
run_ctl out err sa get index 22
expect_grep "... the SA as its second line says" out "replay-window 32"

# --- .spd/.sad: s -> l -> s --------------------------------------------

mkdir ex
cp "$FIX/example.spd" "$FIX/example.sad" ex/
printf 'This is a test' >ex/Test.key

fresh f1
run_ctl out err l ex/example
expect_eq "l into the module" "0:" "$RC:$(cat err)"
cp ex/Test.key .
run_ctl out err s saved1
expect_eq "s after l" "0:" "$RC:$(cat err)"
expect_eq "s writes the example's entries back" \
	"$(sed -n '/^[0-9]/p' ex/example.spd ex/example.sad)" \
	"$(sed -n '/^[0-9]/p' saved1.spd saved1.sad)"
fresh f2
run_ctl out err l saved1
run_ctl out err2 s saved2
cmp -s saved1.spd saved2.spd && cmp -s saved1.sad saved2.sad
ok $? "s -> l -> s gives identical files (example)" ||
	diag "$(cat err err2)" "$(diff saved1.spd saved2.spd)" \
		"$(diff saved1.sad saved2.sad)"
# Loading the same files again: identical entries are accepted.
NS=f1
run_ctl out err l saved1
expect_eq "loading installed entries again is accepted" "0:" "$RC:$(cat err)"

# Every extension field, in the canonical form 's' writes.
mkdir ext
cp "$FIX"/ext.spd "$FIX"/ext.sad "$FIX"/*.key ext/
fresh f3
run_ctl out err l --replace ext/ext
expect_eq "extension fields load" "0:" "$RC:$(cat err)"
run_ctl out err s ext/again
cmp -s ext/ext.spd ext/again.spd && cmp -s ext/ext.sad ext/again.sad
ok $? "s -> l -> s gives identical files (every extension field)" ||
	diag "$(cat err)" "$(diff ext/ext.spd ext/again.spd)" \
		"$(diff ext/ext.sad ext/again.sad)"

# --- sp / sa ------------------------------------------------------------

run_ctl out err sp 1
expect_eq "sp IFINDEX lists that interface's policies" \
	"23 - 2001:DB8::7 - * - * - * - * NONE * * NONE INBOUND DISCARD 1 ;" \
	"$(grep '^[0-9]' out)"
run_ctl out err sa
expect_eq "sa lists the SAs as a .sad, highest index first" \
	"$(grep '^[0-9]' ext/ext.sad)" "$(grep '^[0-9]' out)"
run_ctl out err -j sp
python3 -m json.tool out >/dev/null 2>&1
ok $? "sp -j is valid JSON" || diag "$(head -c 500 out)"
run_ctl out err -j sa
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); assert len(a) == 7' out
ok $? "sa -j is a valid JSON array of the 7 SAs" || diag "$(head -c 500 out)"

# --- 's' and keys ---------------------------------------------------------

fresh f4
c l ex/example >/dev/null 2>&1
c sa add dst 2001:db8::2 proto esp spi 0x1001 \
	aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128 \
	index 7 >/dev/null 2>&1
c sa add dst 2001:db8::3 proto ah spi 0x1002 \
	auth-trunc 'hmac(md5)' 'secret key string' 128 index 8 >/dev/null 2>&1
mkdir keys
run_ctl out err s keys/inl
expect_eq "s with inline keys succeeds" 0 "$RC"
expect_line "an inline key gets the key file NAME-sa<INDEX>.key" keys/inl.sad \
	'7 4097 2001:DB8::2 POLICY POLICY POLICY POLICY POLICY NULL inl-sa7.key BIDIRECT NONE PROTO=ESP AEAD=AES-GCM-128 ;'
expect_grep "s warns that the key file must be supplied" err \
	"SA 7: its key was not loaded from a key file; the .sad names 'inl-sa7.key', which you must create"
expect_eq "s creates no key file" "inl.sad inl.spd" "$(cd keys && echo *)"
echo "do not touch" >keys/inl-sa8.key
run_ctl out err s keys/inl
expect_eq "s never overwrites a key file" "do not touch" "$(cat keys/inl-sa8.key)"
leaks=$(grep -rhiE '0102030405060708|secret key|This is a test' keys out err)
is "$leaks" "" "s writes no key bytes"

# --- What the module refuses of a file: FILE:LINE: its message ---------

P='- * - * - * - *'	# the four selectors after RemoteIPAddr

# Line 6: the entry (the title is on line 2, the border on line 5).
mk_spd() {
	local f=$1
	shift
	{
		printf '\nSecurity Policy List\n\nPolicy ...\n'
		echo '________________'
		printf '%s\n' "$@"
		echo '________________'
	} >"$f"
}

mk_sad() {
	local f=$1
	shift
	{
		printf '\nSecurity Association List\n\nSAEntry ...\n'
		echo '________________'
		printf '%s\n' "$@"
		echo '________________'
	} >"$f"
}

# spd_reject NAME ENTRY MESSAGE: the entry alone on line 6 of a .spd.
mkdir -p rej
fresh f5
spd_reject() {
	mk_spd rej/t.spd "$2" '1 - * - * - * - * - * NONE * * NONE BIDIRECT BYPASS 0 ;'
	mk_sad rej/t.sad
	run_ctl rej/out rej/err l rej/t
	[[ $RC == 1 ]] && grep -qxF "rej/t.spd:6: $3" rej/err
	ok $? ".spd rejects $1" || diag "entry: $2" "want: rej/t.spd:6: $3" \
		"exit $RC, got: $(cat rej/err)"
}

spd_reject "RemoteIPAddr range order" \
	"3 - FE80::9-FE80::1 $P NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"REMOTE: START fe80::9 is above END fe80::1"
spd_reject "RemotePort without TCP/UDP" \
	"3 - * - * - ICMP - 80 - * NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"PORT: needs PROTO tcp, udp, sctp or udplite"
spd_reject "LocalPort range order" \
	"3 - * - * - UDP - * - 90-80 NONE * * NONE BIDIRECT BYPASS 0 ;" \
	"LOCAL_PORT: START 90 is above END 80"
spd_reject "RemoteGWIPAddr missing in TUNNEL mode" \
	"3 - * $P ESP TUNNEL * NONE BIDIRECT APPLY 0 ;" \
	"TUNNEL_REMOTE (tunnel mode): missing"
spd_reject "SABundleIndex (itself)" \
	"3 - * $P AH TRANSPORT * 3 BIDIRECT APPLY 0 ;" \
	"BUNDLE_NEXT: 3 is not another policy"
spd_reject "APPLY without AH/ESP" \
	"3 - * $P NONE TRANSPORT * NONE BIDIRECT APPLY 0 ;" \
	"IPSEC_PROTO: missing"
spd_reject "APPLY without a mode" \
	"3 - * $P AH * * NONE BIDIRECT APPLY 0 ;" \
	"MODE: missing"
spd_reject "AH without APPLY" \
	"3 - * $P AH * * NONE BIDIRECT BYPASS 0 ;" \
	"IPSEC_PROTO: policy 3: only with ACTION apply"
spd_reject "a mode with NONE" \
	"3 - * $P NONE TRANSPORT * NONE BIDIRECT DISCARD 0 ;" \
	"MODE: policy 3: only with ACTION apply"
spd_reject "a bundle without APPLY" \
	"3 - * $P NONE * * 2 BIDIRECT BYPASS 0 ;" \
	"BUNDLE_NEXT: policy 3: only with ACTION apply"
spd_reject "REQID= without APPLY" \
	"3 - * $P NONE * * NONE BIDIRECT BYPASS 0 REQID=4 ;" \
	"REQID: policy 3: only with ACTION apply"
spd_reject "ICMP_TYPE= without ICMP" \
	"3 - * $P NONE * * NONE BIDIRECT BYPASS 0 ICMP_TYPE=128 ;" \
	"ICMP_TYPE/CODE: need PROTO 58 (ICMPv6)"

# sad_reject NAME ENTRY MESSAGE: the entry on line 6 of a .sad; the .spd has
# policy 3 (ESP transport), 2 (AH transport) and 1.
mkdir -p rs
mk_spd rs/t.spd "3 - * $P ESP TRANSPORT * NONE BIDIRECT APPLY 0 ;" \
	"2 - FE80::2AA:FF:FE92:D0F1 $P AH TRANSPORT * NONE BIDIRECT APPLY 0 ;" \
	'1 - * - * - * - * - * NONE * * NONE BIDIRECT BYPASS 0 ;'
printf 'This is a test' >rs/Test.key
printf '0123456789abcdef0123' >rs/gcm.key
printf '0123456789abcdef' >rs/aes.key
sad_reject() {
	mk_sad rs/t.sad "$2"
	run_ctl rs/out rs/err l rs/t
	[[ $RC == 1 ]] && grep -qxF "rs/t.sad:6: $3" rs/err
	ok $? ".sad rejects $1" || diag "entry: $2" "want: rs/t.sad:6: $3" \
		"exit $RC, got: $(cat rs/err)"
}

D='FE80::2AA:FF:FE92:D0F1'
S='POLICY POLICY POLICY POLICY POLICY'	# DestIPAddr .. SrcPort
sad_reject "SPI (reserved)" "5 255 $D $S HMAC-MD5 Test.key OUTBOUND 2 ;" \
	"SPI: 255 is reserved (1-255, RFC 4303)"
sad_reject "SPI (0)" "5 0 $D $S HMAC-MD5 Test.key OUTBOUND 2 ;" \
	"SPI: 0 is invalid"
sad_reject "SADestIPAddr (multicast)" \
	"5 3001 FF02::1 $S HMAC-MD5 Test.key OUTBOUND 2 ;" \
	"DST: ff02::1 is not a unicast address"
sad_reject "AuthAlg NULL (no integrity)" "5 3001 $D $S NULL NONE OUTBOUND 3 ;" \
	"AUTH_NAME: missing (ESP needs an integrity algorithm)"
sad_reject "KeyFile NONE with an HMAC" "5 3001 $D $S HMAC-MD5 NONE OUTBOUND 2 ;" \
	"AUTH_KEY: missing"
sad_reject "KeyFile with NULL" "5 3001 $D $S NULL Test.key OUTBOUND 3 ;" \
	"AUTH_NAME: missing (ESP needs an integrity algorithm)"
sad_reject "SecPolicyIndex (no such policy)" \
	"5 3001 $D $S HMAC-MD5 Test.key OUTBOUND 9 ;" \
	"POLICY: SA 5: 9 is no APPLY policy to take PROTO from"
sad_reject "SecPolicyIndex (not APPLY)" \
	"5 3001 $D $S HMAC-MD5 Test.key OUTBOUND 1 ;" \
	"POLICY: SA 5: 1 is no APPLY policy to take PROTO from"
sad_reject "SecPolicyIndex NONE without PROTO=" \
	"5 3001 $D $S HMAC-MD5 Test.key OUTBOUND NONE ;" \
	"PROTO: missing"
sad_reject "AEAD= with AH" \
	"5 3001 $D $S NULL gcm.key OUTBOUND 2 AEAD=AES-GCM-128 ;" \
	"AEAD: 'rfc4106(gcm(aes))' is not usable with AH"
sad_reject "ENC= with AH" \
	"5 3001 $D $S HMAC-SHA1 Test.key OUTBOUND 2 ENC=AES-CBC ENCKEYFILE=aes.key ;" \
	"ENC_NAME: AH does not encrypt"
sad_reject "ENC=AES-CBC without ENCKEYFILE=" \
	"5 3001 $D $S HMAC-SHA1 Test.key OUTBOUND 3 ENC=AES-CBC ;" \
	"ENC key: 0 bytes does not suit 'cbc(aes)'"
sad_reject "ENCKEYFILE= without ENC=" \
	"5 3001 $D $S HMAC-SHA1 Test.key OUTBOUND 3 ENCKEYFILE=aes.key ;" \
	"ENC_KEY: given without ENC_NAME"
sad_reject "ENCKEYFILE= key length" \
	"5 3001 $D $S HMAC-SHA1 Test.key OUTBOUND 3 ENC=AES-CBC ENCKEYFILE=Test.key ;" \
	"ENC key: 14 bytes does not suit 'cbc(aes)'"
sad_reject "REPLAY=" \
	"5 3001 $D $S HMAC-MD5 Test.key OUTBOUND 2 REPLAY=5000 ;" \
	"REPLAY_WINDOW: integer out of range"
sad_reject "ICV=" \
	"5 3001 $D $S HMAC-MD5 Test.key OUTBOUND 2 ICV=100 ;" \
	"ICV_LEN: 100 bits invalid for 'hmac(md5)' (96..128, multiple of 32)"

mk_sad rs/t.sad "2 3001 $D $S HMAC-MD5 Test.key OUTBOUND 2 ;" \
	"1 3001 $D $S HMAC-MD5 Test.key INBOUND 2 ;"
run_ctl rs/out rs/err l rs/t
expect_line "a duplicate SPI, SADestIPAddr and protocol names both lines" \
	rs/err "rs/t.sad:6: SPI: SA 2: SPI 3001, DST and PROTO used by SA 1"

# --- The module's errors are mapped back to FILE:LINE ------------------

fresh f6
c policy add dst 2001:db8::1 dir out action block index 2 >/dev/null 2>&1
run_ctl out err l ex/example
expect_eq "a conflicting installed policy fails the load" 1 "$RC"
expect_line "the kernel's error names the file and line" err \
	"ex/example.spd:6: INDEX: policy 2 exists with other content"
IPSEC6CTL_DUMP_MSGS=1 run_ctl out err l ex/example
expect_eq "the transaction is aborted" "TXN_ABORT" "$(last_request err)"
run_ctl out err sp
expect_grep "nothing of the failed load was applied" out \
	'2 - 2001:DB8::1 - * - * - * - * NONE * * NONE OUTBOUND DISCARD 0 ;'
# A commit-time error (SPI, DST and protocol taken by an installed SA).
c d sp all >/dev/null 2>&1
c sa add dst fe80::2aa:ff:fe92:d0f1 proto ah spi 3001 \
	auth md5 0x0011223344556677 index 9 >/dev/null 2>&1
run_ctl out err l ex/example
expect_line "a commit error names the line of the entry" err \
	"ex/example.sad:6: SPI: SA 9: SPI 3001, DST and PROTO used by SA 2"

# --- Listings, JSON, dumps, keys ------------------------------------------

HEXKEY=0102030405060708090a0b0c0d0e0f1011121314
STRKEY='Open sesame 42'
FILEKEY='key-from-a-file!'
printf '%s' "$FILEKEY" >file.key
printf 'This is a test' >Test.key
# A key file name that needs escaping in JSON.
WEIRD=$'we"ird\\name\tx.key'
printf '0123456789abcdefghij' >"$WEIRD"

fresh o1
{
	c l "$FIX/example"
	c policy add src 2001:db8:1::/64 dst 2001:db8:2::1-2001:db8:2::5 \
		proto tcp sport 80 dport 1000-2000 dir out priority 5 index 10 \
		tmpl src 2001:db8::1 dst 2001:db8::2 proto esp mode tunnel reqid 3
	c sa add src 2001:db8::1 dst 2001:db8::2 proto esp spi 0x1001 \
		aead gcm 0x$HEXKEY 128 replay-window 64 index 20 policy 10
	c sa add dst 2001:db8::3 proto ah spi 3005 \
		auth-trunc md5 "$STRKEY" 128 index 21 flag esn limit byte-soft 9
	c sa add dst 2001:db8::4 proto esp spi 3006 \
		auth sha1 @file.key enc aes keyfile file.key index 22 dir in \
		sel src 2001:db8::9 dst 2001:db8::4 proto udp sport 5 dport 6
	c sa add dst 2001:db8::5 proto esp spi 3007 \
		aead gcm keyfile "$WEIRD" 128 index 23
} >setup.out 2>&1
expect_eq "set up the tables" "" "$(cat setup.out)"

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
	state valid oseq 0x0 seq 0x0 packets 0 bytes 0 drops 0" \
	"$(sed 's/ add 20[0-9T:Z-]*$//' out)"
run_ctl out err sa list spi 3005
expect_grep "sa list shows lifetimes and flags" out \
	"index 21 replay-window 0 flag esn"
expect_grep "sa list shows limits" out "limit byte-soft 9"
run_ctl out err sa list proto esp dir in
expect_eq "sa list filters" 1 "$(grep -c '^src' out)"

json_ok() {
	local name=$1
	shift
	run_ctl out err -j "$@"
	[[ $RC == 0 ]] && python3 -m json.tool out >/dev/null 2>&1
	ok $? "JSON: $name" || diag "exit $RC $(cat err)" "$(head -c 1000 out)"
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
python3 - "$WEIRD" out <<'EOF'
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
ok $? "JSON strings are escaped (quote, backslash, tab) and fields right" ||
	diag "$(head -c 1500 out)"
run_ctl out err -j policy list index 10
python3 - out <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))[0]
assert p["dir"] == ["out"] and p["action"] == "apply"
assert p["local"] == {"start": "2001:db8:1::",
                      "end": "2001:db8:1:0:ffff:ffff:ffff:ffff"}, p
assert p["remote_port"] == {"start": 1000, "end": 2000}
assert p["tunnel_remote"] == "2001:db8::2" and p["reqid"] == 3
EOF
ok $? "JSON policy fields: remote/local, ports, tunnel" || diag "$(cat out)"
run_ctl out err -j stats
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["no_policy"] == 0 and len(d) == 19' out
ok $? "JSON stats: one counter per drop reason" || diag "$(cat out)"
run_ctl out err stats
expect_eq "stats text" "no-policy        0" "$(head -1 out)"

# A dump interrupted by a change is read again (IPSEC6CTL_TEST_DUMP_INTR
# takes the first N dumps as interrupted).
IPSEC6CTL_TEST_DUMP_INTR=4 run_ctl out err sp
expect_eq "a dump flagged NLM_F_DUMP_INTR is restarted" \
	"0:$(c sp)" "$RC:$(cat out)"
IPSEC6CTL_TEST_DUMP_INTR=5 run_ctl out err sa list
expect_eq "a dump that never settles fails clearly" \
	"1:ipsec6ctl: the tables kept changing during the dump; try again:" \
	"$RC:$(cat err):$(cat out)"

IPSEC6CTL_DUMP_MSGS=1 run_ctl out err sa add dst 2001:db8::7 proto esp \
	spi 4000 auth md5 "$STRKEY"
expect_line "IPSEC6CTL_DUMP_MSGS shows the dumps" err "POLICY_GET flags=DUMP"
expect_grep "IPSEC6CTL_DUMP_MSGS shows the change" err \
	'SA_NEW SA{INDEX=24 SPI=4000 PROTO=ESP DST=2001:db8::7 AUTH_NAME="hmac(md5)" AUTH_KEY=<14 bytes> ICV_LEN=96}'

{
	c sa
	c sa list
	c -j sa list
	c -j sa
	c sa get index 20
	c -j sa get index 21
	c s saved
	cat saved.spd saved.sad
	c --dry-run l saved
	IPSEC6CTL_DUMP_MSGS=1 c --dry-run sa add dst 2001:db8::8 \
		proto esp spi 4001 aead gcm 0x$HEXKEY 128
	c --dry-run sa add dst 2001:db8::8 proto esp spi 4002 \
		auth md5 "$STRKEY" enc aes @file.key
	# Errors after or around keys.
	c sa add dst 2001:db8::8 proto esp spi 4002 auth md5 "$STRKEY" \
		enc aes @file.key
	c sa add dst 2001:db8::8 proto esp spi 4003 aead gcm 0x$HEXKEY 100
	c sa add dst 2001:db8::8 proto esp spi 4004 \
		auth-trunc md5 "$STRKEY" many
	c sa add dst 2001:db8::8 proto esp spi 4005 aead gcm 0x${HEXKEY}zz 128
	c sa add dst 2001:db8::2 proto esp spi 0x1001 aead gcm 0x$HEXKEY 128
	printf 'sa add dst 2001:db8::8 proto esp spi 4006 aead gcm 0x%s 128 junk\n' \
		"$HEXKEY" | c -batch -
	printf 'sa add dst 2001:db8::2 proto esp spi 0x1001 aead gcm 0x%s 128 index 77\n' \
		"$HEXKEY" | c -batch -
} >all.out 2>&1
leaks=$(grep -aiE "${HEXKEY:0:16}|${HEXKEY:8:16}|$STRKEY|$FILEKEY|This is a test|0123456789abcdefghij" all.out)
is "$leaks" "" "no key in any listing, JSON, request dump, saved file or error"
expect_grep "keys are shown as their length" all.out "AEAD_KEY=<20 bytes>"

dmesg_clean "no kernel splat"
