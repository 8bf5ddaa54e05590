#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipsec6ctl native commands: the "ip xfrm" grammar into netlink attributes
# (checked in the --dry-run request listing), automatic indexes in a fresh
# namespace, batch files (one transaction, every error of the file reported
# as FILE:LINE, nothing sent).  No kernel needed: what the module judges
# (and index allocation against installed tables) is in tests/13-ctl.sh.
# timeout: 120

. "$(dirname "$0")/ctl-lib.sh"

build_ctl
cd "$WORK" || exit 1

# dry NAME EXPECTED ARGS...: --dry-run ARGS prints exactly EXPECTED.
dry()
{
	local name=$1 want=$2
	shift 2
	run_ctl out err --dry-run "$@"
	if [[ $(cat out) == "$want" ]]; then
		ok "$name"
	else
		not_ok "$name" "ipsec6ctl --dry-run $*" "want: $want" \
			"got: $(cat out)" "stderr: $(cat err)"
	fi
}

# usage NAME MESSAGE ARGS...: exit 2, nothing sent, MESSAGE on stderr.
usage()
{
	local name=$1 msg=$2
	shift 2
	run_ctl out err --dry-run "$@"
	if [[ $RC == 2 && ! -s out ]] && grep -qF -- "$msg" err; then
		ok "$name"
	else
		not_ok "$name" "ipsec6ctl --dry-run $*" "want exit 2 and: $msg" \
			"got exit $RC: $(cat err)" "sent: $(cat out)"
	fi
}

GCMKEY=0x0102030405060708090a0b0c0d0e0f1011121314

# --- The examples of the brief ----------------------------------------

dry "sa add: ESP, rfc4106(gcm(aes)), hex key, replay window" \
'SA_NEW SA{INDEX=1 SPI=4097 PROTO=ESP MODE=TRANSPORT SRC=2001:db8::1 DST=2001:db8::2 AEAD_NAME="rfc4106(gcm(aes))" AEAD_KEY=<20 bytes> ICV_LEN=128 REPLAY_WINDOW=64}' \
	sa add src 2001:db8::1 dst 2001:db8::2 proto esp spi 0x1001 \
	mode transport aead 'rfc4106(gcm(aes))' $GCMKEY 128 replay-window 64
dry "sa add: AH, auth-trunc hmac(md5) with a string key" \
'SA_NEW SA{INDEX=1 SPI=3001 PROTO=AH MODE=TRANSPORT SRC=2001:db8::1 DST=2001:db8::2 AUTH_NAME="hmac(md5)" AUTH_KEY=<14 bytes> ICV_LEN=128}' \
	sa add src 2001:db8::1 dst 2001:db8::2 proto ah spi 3001 \
	mode transport auth-trunc 'hmac(md5)' 'This is a test' 128
dry "sa del by SPI, dst and proto" \
	'SA_DEL SA{SPI=4097 PROTO=ESP DST=2001:db8::2}' \
	sa del src 2001:db8::1 dst 2001:db8::2 proto esp spi 0x1001
dry "sa del by index" 'SA_DEL SA{INDEX=7}' sa del index 7
dry "sa flush" 'SA_FLUSH' sa flush
dry "sa flush owner" 'SA_FLUSH OWNER=19269' sa flush owner 0x4b45
dry "policy flush owner 0 (the administrator's)" 'POLICY_FLUSH OWNER=0' \
	policy flush owner 0
dry "sa update: SA_UPDATE, no REPLACE" \
'SA_UPDATE SA{INDEX=5 SPI=300 PROTO=ESP DST=2001:db8::2 AUTH_NAME="hmac(md5)" AUTH_KEY=<1 bytes> ICV_LEN=96 OWNER=7}' \
	sa update index 5 dst 2001:db8::2 proto esp spi 300 auth md5 x owner 7
dry "policy add with an owner" \
	'POLICY_NEW POLICY{INDEX=2 DIR=OUT ACTION=DISCARD OWNER=9}' \
	policy add dir out action block owner 9
dry "sa allocspi: no SPI, no index; the kernel picks both" \
	'SA_ALLOC_SPI SA{PROTO=ESP DST=2001:db8::2}' \
	sa allocspi dst 2001:db8::2 proto esp
dry "sa allocspi spi N: the range N-N" \
	'SA_ALLOC_SPI SA{PROTO=AH SRC=2001:db8::1 DST=2001:db8::2 REQID=3 OWNER=5 SPI_MIN=4096 SPI_MAX=4096}' \
	sa allocspi src 2001:db8::1 dst 2001:db8::2 proto ah spi 0x1000 \
	reqid 3 owner 5
dry "sa allocspi min max, index, limit time-hard" \
	'SA_ALLOC_SPI SA{INDEX=9 PROTO=ESP DST=2001:db8::2 HARD_ADD_SECONDS=5 SPI_MIN=300 SPI_MAX=400}' \
	sa allocspi dst 2001:db8::2 proto esp min 300 max 400 index 9 \
	limit time-hard 5
usage "sa allocspi: min without max" "'min' and 'max' go together" \
	sa allocspi dst 2001:db8::2 proto esp min 300
usage "sa allocspi: spi and min/max" "'spi' excludes 'min' and 'max'" \
	sa allocspi dst 2001:db8::2 proto esp spi 300 min 300 max 400
usage "sa allocspi: dst and proto needed" "missing 'dst ADDR' or 'proto" \
	sa allocspi dst 2001:db8::2
usage "sa allocspi takes no keys" "'allocspi' does not take 'auth'" \
	sa allocspi dst 2001:db8::2 proto esp auth md5 x
dry "policy add: dir out with an ESP transport template" \
'POLICY_NEW POLICY{INDEX=2 DIR=OUT ACTION=APPLY REMOTE_START=2001:db8::2 REMOTE_END=2001:db8::2 LOCAL_START=2001:db8::1 LOCAL_END=2001:db8::1 IPSEC_PROTO=ESP MODE=TRANSPORT}' \
	policy add src 2001:db8::1 dst 2001:db8::2 dir out \
	tmpl src 2001:db8::1 dst 2001:db8::2 proto esp mode transport
dry "policy add: prefixes, priority, action block" \
'POLICY_NEW POLICY{INDEX=2 PRIORITY=100 DIR=OUT ACTION=DISCARD REMOTE_START=2001:db8:2:: REMOTE_END=2001:db8:2:ffff:ffff:ffff:ffff:ffff LOCAL_START=2001:db8:1:: LOCAL_END=2001:db8:1:0:ffff:ffff:ffff:ffff}' \
	policy add src 2001:db8:1::/64 dst 2001:db8:2::/48 dir out \
	priority 100 action block
dry "policy del by index" 'POLICY_DEL POLICY{INDEX=5}' policy del index 5
dry "policy flush" 'POLICY_FLUSH' policy flush

# --- Policies: remote/local, actions, templates -------------------------

dry "dir in: src is the remote end, sport the remote port" \
'POLICY_NEW POLICY{INDEX=2 DIR=IN ACTION=BYPASS REMOTE_START=2001:db8::a REMOTE_END=2001:db8::a LOCAL_START=2001:db8::b LOCAL_END=2001:db8::b PROTO=6 REMOTE_PORT_START=1000 REMOTE_PORT_END=2000 LOCAL_PORT_START=22 LOCAL_PORT_END=22}' \
	policy add src 2001:db8::a dst 2001:db8::b proto tcp sport 1000-2000 \
	dport 22 dir in action allow
dry "dir fwd, address range, icmp type and code" \
'POLICY_NEW POLICY{INDEX=2 DIR=FWD ACTION=DISCARD REMOTE_START=2001:db8::1 REMOTE_END=2001:db8::9 PROTO=58 ICMP_TYPE=128 ICMP_CODE=0}' \
	policy add src 2001:db8::1-2001:db8::9 proto icmp type 128 code 0 \
	dir fwd action discard
dry "tunnel template, dir out: tmpl src is ours" \
'POLICY_NEW POLICY{INDEX=9 DIR=OUT ACTION=APPLY IPSEC_PROTO=ESP MODE=TUNNEL TUNNEL_REMOTE=2001:db8::2 TUNNEL_LOCAL=2001:db8::1 REQID=4}' \
	policy add dir out index 9 tmpl src 2001:db8::1 dst 2001:db8::2 \
	proto esp mode tunnel reqid 4 level required
dry "tunnel template, dir in: tmpl src is the peer" \
'POLICY_NEW POLICY{INDEX=9 DIR=IN ACTION=APPLY IPSEC_PROTO=ESP MODE=TUNNEL TUNNEL_REMOTE=2001:db8::2 TUNNEL_LOCAL=2001:db8::1 REQID=4}' \
	policy add dir in index 9 tmpl src 2001:db8::2 dst 2001:db8::1 \
	proto esp mode tunnel reqid 4
dry "action allow without a tmpl is BYPASS; ptype main; dev" \
'POLICY_NEW POLICY{INDEX=3 DIR=OUT ACTION=BYPASS IFINDEX=1}' \
	policy add dir out index 3 action allow ptype main dev lo
dry "bundle and flags" \
'POLICY_NEW POLICY{INDEX=4 DIR=OUT ACTION=APPLY IPSEC_PROTO=AH MODE=TRANSPORT BUNDLE_NEXT=3 FLAGS=DSCP_COPY|BUNDLE_ONLY}' \
	policy add dir out index 4 tmpl proto ah bundle 3 \
	flag dscp-copy bundle-only
dry "policy update sends NLM_F_REPLACE" \
	'POLICY_NEW flags=REPLACE POLICY{INDEX=4 DIR=OUT ACTION=DISCARD}' \
	policy update dir out index 4 action block
usage "two tmpl: rejected with a hint at bundle" "chain them with 'bundle INDEX'" \
	policy add dir out tmpl proto esp tmpl proto ah
usage "a policy needs dir" "missing 'dir {in|out|fwd}'" \
	policy add src 2001:db8::1
usage "tmpl spi other than 0" "tmpl spi: only 0" \
	policy add dir out tmpl proto esp spi 300
usage "level use" "optional templates are not supported" \
	policy add dir out tmpl proto esp level use
usage "an unknown device" "dev: no interface 'nosuchdev0'" \
	policy add dir out dev nosuchdev0
usage "a bad prefix" "src: '2001:db8::/200' is not an IPv6 address, prefix or range" \
	policy add src 2001:db8::/200 dir out
usage "ip xfrm mark is rejected" "'mark': marks are not supported by ipsec6" \
	policy add dir out mark 5

# --- SAs: keys, SPIs, algorithms, options -------------------------------

printf 'This is a test' >Test.key
dry "@FILE reads a key file and records its name" \
'SA_NEW SA{INDEX=1 SPI=3000 PROTO=AH DST=2001:db8::2 AUTH_NAME="hmac(sha1)" AUTH_KEY=<14 bytes> ICV_LEN=96 KEYFILE="Test.key"}' \
	sa add dst 2001:db8::2 proto ah spi 3000 auth sha1 @Test.key
dry "keyfile FILE for enc, aliases aes and sha256" \
'SA_NEW SA{INDEX=1 SPI=3000 PROTO=ESP DST=2001:db8::2 AUTH_NAME="hmac(sha256)" AUTH_KEY=<2 bytes> ENC_NAME="cbc(aes)" ENC_KEY=<14 bytes> ICV_LEN=96 ENC_KEYFILE="Test.key"}' \
	sa add dst 2001:db8::2 proto esp spi 3000 auth sha256 0xabcd \
	enc aes keyfile Test.key
dry "aead aliases: gcm, null-gmac, chacha20-poly1305" \
'SA_NEW SA{INDEX=1 SPI=300 PROTO=AH DST=2001:db8::2 AEAD_NAME="rfc4543(gcm(aes))" AEAD_KEY=<20 bytes> ICV_LEN=128}' \
	sa add dst 2001:db8::2 proto ah spi 300 aead null-gmac $GCMKEY 128
dry "chacha20-poly1305 alias" \
'SA_NEW SA{INDEX=1 SPI=300 PROTO=ESP DST=2001:db8::2 AEAD_NAME="rfc7539esp(chacha20,poly1305)" AEAD_KEY=<2 bytes> ICV_LEN=128}' \
	sa add dst 2001:db8::2 proto esp spi 300 aead chacha20-poly1305 0x0102 128
dry "enc null with an empty key" \
'SA_NEW SA{INDEX=1 SPI=300 PROTO=ESP DST=2001:db8::2 AUTH_NAME="hmac(md5)" AUTH_KEY=<2 bytes> ENC_NAME="ecb(cipher_null)" ENC_KEY=<0 bytes> ICV_LEN=96}' \
	sa add dst 2001:db8::2 proto esp spi 300 auth md5 0x0102 enc null ''
dry "policy-bound SA: proto and mode from the policy; dir, flags, limits, sel" \
'SA_NEW SA{INDEX=5 SPI=65536 DIR=IN DST=2001:db8::2 POLICY=2 REQID=3 SEL_DST=2001:db8::2 SEL_SRC=2001:db8::1 SEL_PROTO=17 SEL_DPORT=53 AUTH_NAME="hmac(sha512)" AUTH_KEY=<1 bytes> ICV_LEN=256 FLAGS=ESN|DSCP_COPY SOFT_BYTES=1000 HARD_BYTES=2000 SOFT_PACKETS=10 HARD_PACKETS=20 SOFT_ADD_SECONDS=30 HARD_ADD_SECONDS=60 SOFT_USE_SECONDS=5}' \
	sa add dst 2001:db8::2 spi 65536 policy 2 index 5 dir in reqid 3 \
	auth-trunc sha512 x 256 flag esn dscp-copy \
	limit byte-soft 1000 limit byte-hard 2000 limit packet-soft 10 \
	limit packet-hard 20 limit time-soft 30 limit time-hard 60 \
	limit time-use-soft 5 limit time-use-hard 0 \
	sel src 2001:db8::1 dst 2001:db8::2 proto udp dport 53
usage "comp is not supported" "'comp': IP compression (IPComp) is not supported by ipsec6" \
	sa add dst 2001:db8::2 proto esp spi 300 comp deflate
usage "an odd hex key" "auth: key: hex key has an odd number of digits" \
	sa add dst 2001:db8::2 proto esp spi 300 auth md5 0x123
usage "a key longer than 128 bytes" "auth: key: key is longer than 128 bytes" \
	sa add dst 2001:db8::2 proto esp spi 300 auth md5 \
	"0x$(printf '%0258d' 0)"
usage "a missing key file" "auth: key: cannot read 'nokey': No such file or directory" \
	sa add dst 2001:db8::2 proto esp spi 300 auth md5 @nokey
usage "an SA needs spi" "missing 'spi SPI'" sa add dst 2001:db8::2 proto esp
usage "an SA needs proto or policy" "missing 'proto {esp|ah}' (or 'policy N')" \
	sa add dst 2001:db8::2 spi 300 auth md5 x
usage "a flag we do not have" "flag: 'noecn' is not one of esn, dscp-copy" \
	sa add dst 2001:db8::2 proto esp spi 300 auth md5 x flag noecn
usage "an unknown limit" "limit: 'byte' is not one of" \
	sa add dst 2001:db8::2 proto esp spi 300 auth md5 x limit byte 5

# "auth NAME KEY" means what it means to "ip xfrm": XFRM's icv_truncbits.
for x in "md5 96" "sha1 96" "sha256 96" "hmac(sha256) 96" "sha384 192" \
	 "hmac(sha512) 256"; do
	alg=${x% *} bits=${x#* } h=${x#hmac(}
	h=${h%%[) ]*}
	dry "auth $alg: ICV_LEN $bits, as ip xfrm" \
"SA_NEW SA{INDEX=1 SPI=300 PROTO=AH DST=2001:db8::2 AUTH_NAME=\"hmac($h)\" AUTH_KEY=<1 bytes> ICV_LEN=$bits}" \
		sa add dst 2001:db8::2 proto ah spi 300 auth "$alg" x
done
dry "auth-trunc NAME KEY 0 is the ip xfrm default too" \
'SA_NEW SA{INDEX=1 SPI=300 PROTO=ESP DST=2001:db8::2 AUTH_NAME="hmac(sha256)" AUTH_KEY=<1 bytes> ENC_NAME="cbc(aes)" ENC_KEY=<16 bytes> ICV_LEN=96}' \
	sa add dst 2001:db8::2 proto esp spi 300 auth-trunc sha256 x 0 \
	enc aes 0x00112233445566778899aabbccddeeff
dry "auth-trunc sha256 128 is 128" \
'SA_NEW SA{INDEX=1 SPI=300 PROTO=AH DST=2001:db8::2 AUTH_NAME="hmac(sha256)" AUTH_KEY=<1 bytes> ICV_LEN=128}' \
	sa add dst 2001:db8::2 proto ah spi 300 auth-trunc sha256 x 128
dry "an algorithm the module does not have: no ICV_LEN, the module names it" \
'SA_NEW SA{INDEX=1 SPI=300 PROTO=AH DST=2001:db8::2 AUTH_NAME="hmac(rmd160)" AUTH_KEY=<1 bytes>}' \
	sa add dst 2001:db8::2 proto ah spi 300 auth 'hmac(rmd160)' x
dry "sa delete is sa del" 'SA_DEL SA{INDEX=7}' sa delete index 7
dry "policy delete is policy del" 'POLICY_DEL POLICY{INDEX=5}' \
	policy delete index 5
dry "sel src ::/0 is any, ADDR/128 one address" \
'SA_NEW SA{INDEX=1 SPI=300 PROTO=ESP DST=2001:db8::2 SEL_DST=2001:db8::2 AUTH_NAME="hmac(md5)" AUTH_KEY=<1 bytes> ICV_LEN=96}' \
	sa add dst 2001:db8::2 proto esp spi 300 auth md5 x \
	sel src ::/0 dst 2001:db8::2/128
dry "encap espinudp SPORT DPORT OA: the four ENCAP attributes" \
'SA_NEW SA{INDEX=1 SPI=300 PROTO=ESP DST=2001:db8::2 AUTH_NAME="hmac(md5)" AUTH_KEY=<1 bytes> ICV_LEN=96 ENCAP_TYPE=2 ENCAP_SPORT=4500 ENCAP_DPORT=4501 ENCAP_OA=::}' \
	sa add dst 2001:db8::2 proto esp spi 300 auth md5 x \
	encap espinudp 4500 4501 ::
usage "encap espinudp-nonike" "encap type: 'espinudp-nonike' is not one of espinudp" \
	sa add dst 2001:db8::2 proto esp spi 300 auth md5 x \
	encap espinudp-nonike 4500 4500 ::
usage "encap without OA" "'encap oa' needs an IPv6 address" \
	sa add dst 2001:db8::2 proto esp spi 300 auth md5 x encap espinudp 1 2

# The "ip xfrm" words ipsec6ctl(8) lists as not accepted: clear errors.
usage "policy allocspi" "'allocspi': SPIs are allocated for SAs: 'sa allocspi'" \
	policy allocspi dst 2001:db8::2 proto esp
usage "state deleteall" "'deleteall': not supported by ipsec6: use 'flush'" \
	sa deleteall
usage "policy deleteall" "'deleteall': not supported by ipsec6: use 'flush'" \
	policy deleteall dir out
usage "sa help" "'help': the help is 'ipsec6ctl help sa'" sa help
for w in set setdefault getdefault; do
	usage "policy $w" "'$w': " policy $w
done
usage "state flush proto" "'flush' takes only 'owner N' ('proto' is not supported)" \
	sa flush proto esp
usage "policy flush ptype" "'flush' takes only 'owner N' ('ptype' is not supported)" \
	policy flush ptype main
usage "seq" "'seq': acquire sequence numbers are not supported" \
	sa add dst 2001:db8::2 proto esp spi 300 auth md5 x seq 5
usage "sel with a prefix" "sel src: '2001:db8::/64': an SA selector takes one address, not a prefix" \
	sa add dst 2001:db8::2 proto esp spi 300 auth md5 x sel src 2001:db8::/64
for w in dev type code key; do
	usage "sel $w" "sel $w: not supported (an SA selector has src, dst, proto, sport and dport)" \
		sa add dst 2001:db8::2 proto esp spi 300 auth md5 x sel proto 58 "$w" 1
done
usage "policy limit" "'limit': policy lifetimes are not supported by ipsec6" \
	policy add dir out limit time-hard 60
usage "policy flag localok" "flag: 'localok' is not one of dscp-copy, bundle-only" \
	policy add dir out flag localok
usage "gre key" "'key': GRE key selectors are not supported" \
	policy add dir out proto gre key 5
usage "state list filters" "'list' does not take 'mode'" sa list mode tunnel
usage "state list nokeys" "'nokeys': keys are never shown" sa list nokeys
usage "policy list filters" "'list' does not take 'src'" \
	policy list src 2001:db8::1
usage "policy list nosock" "'nosock': there are no socket policies" \
	policy list nosock
usage "sa del takes identities only" "'del' does not take 'mode'" \
	sa del index 3 mode tunnel
usage "mode beet" "mode: 'beet' is not one of transport, tunnel" \
	sa add dst 2001:db8::2 proto esp spi 300 auth md5 x mode beet
usage "proto comp" "proto: 'comp' is not one of esp, ah" \
	sa add dst 2001:db8::2 proto comp spi 300
usage "sa del needs an identity" "needs 'index N' or 'dst ADDR proto {esp|ah} spi SPI'" \
	sa del dst 2001:db8::2
usage "an unknown subcommand" "unknown subcommand 'frob'" sa frob
usage "an unknown argument" "unknown argument 'colour'" \
	sa add dst 2001:db8::2 proto esp spi 300 colour blue

# --- Batch files ----------------------------------------------------------

cat >b1 <<EOF
# comments, blank lines, continuations, quotes, ip xfrm spellings

policy add src 2001:db8::1 dst 2001:db8::2 dir out \\
	tmpl src 2001:db8::1 dst 2001:db8::2 proto esp mode transport
xfrm state add src 2001:db8::1 dst 2001:db8::2 proto esp spi 0x1001 aead "rfc4106(gcm(aes))" $GCMKEY 128 # trailing
state add src 2001:db8::2 dst 2001:db8::1 proto esp spi 0x1002 aead 'gcm' $GCMKEY 128
ip xfrm policy add src 2001:db8::2 dst 2001:db8::1 dir in tmpl proto esp
sa del index 1
EOF
run_ctl out err --dry-run -batch b1
expect_eq "a batch is one transaction (auto indexes follow each other)" \
'TXN_BEGIN
POLICY_NEW POLICY{INDEX=2 DIR=OUT ACTION=APPLY REMOTE_START=2001:db8::2 REMOTE_END=2001:db8::2 LOCAL_START=2001:db8::1 LOCAL_END=2001:db8::1 IPSEC_PROTO=ESP MODE=TRANSPORT}
SA_NEW SA{INDEX=1 SPI=4097 PROTO=ESP SRC=2001:db8::1 DST=2001:db8::2 AEAD_NAME="rfc4106(gcm(aes))" AEAD_KEY=<20 bytes> ICV_LEN=128}
SA_NEW SA{INDEX=2 SPI=4098 PROTO=ESP SRC=2001:db8::2 DST=2001:db8::1 AEAD_NAME="rfc4106(gcm(aes))" AEAD_KEY=<20 bytes> ICV_LEN=128}
POLICY_NEW POLICY{INDEX=3 DIR=IN ACTION=APPLY REMOTE_START=2001:db8::2 REMOTE_END=2001:db8::2 LOCAL_START=2001:db8::1 LOCAL_END=2001:db8::1 IPSEC_PROTO=ESP MODE=TRANSPORT}
SA_DEL SA{INDEX=1}
TXN_COMMIT TXN_REQUESTS=5' "$(cat out)"
expect_eq "the batch succeeds" "0:" "$RC:$(cat err)"

run_ctl out err --dry-run -batch - <b1
expect_eq "-batch - reads standard input" 0 "$RC"

cat >b2 <<EOF
policy add dir out index 5 action block
sa add dst 2001:db8::2 proto esp spi 0x1001 aead gcm $GCMKEY 128 bogus
policy add src 2001:db8::1 dst 2001:db8::2
sa list
policy add dir out 'unterminated
sa add dst 2001:db8::2 proto esp spi 300 auth md5 x index 3
state allocspi dst 2001:db8::2 proto esp
EOF
run_ctl out err --dry-run -batch b2
expect_eq "every error of a batch is reported, nothing is sent" \
"b2:2: unknown argument 'bogus'
b2:3: missing 'dir {in|out|fwd}'
b2:4: 'sa list' cannot be in a batch (a batch is one transaction of add, update, del and flush)
b2:5: unterminated ' quote
b2:7: 'sa allocspi' cannot be in a batch (a batch is one transaction of add, update, del and flush)
ipsec6ctl: 5 errors in b2; nothing was changed
1:" "$(cat err)
$RC:$(cat out)"

printf 'policy add dir out index 5 action block\nsa add dst 2001:db8::2 proto esp spi 300 auth md5 x\nsa frob\n' >b3
run_ctl out err --dry-run -batch b3
expect_eq "a bad last line of a batch: nothing is sent" \
	"1:b3:3: unknown subcommand 'frob':" "$RC:$(head -1 err):$(cat out)"

done_testing
