#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipsec6ctl and the IKE additions of the module (issue 13), on h1:
#
#     h1 2001:db8::1 (ipsec6) ==== veth ==== h2 2001:db8::2
#
#   monitor / -j monitor  every event on one line: policy-add, policy-del,
#                         sa-add, sa-update, sa-del, changed, acquire (an
#                         APPLY policy without an SA and one packet),
#                         sa-expired (a larval SA that lives 1 s); each -j
#                         line is a JSON object; no key in either
#   sa update             SA_UPDATE: the SA keeps its sequence number
#   sa allocspi           an SPI of the range, a larval SA in sa list
#   owner, flush owner N  listed, and only that owner's objects go
#   sa/policy list        add time and last use
# timeout: 300
. "$(dirname "$0")/lib.sh"

plan_no
check "module loads" load_module
check "two hosts" two_hosts --global
A=$H1_IP
B=$H2_IP
KEY=0x0102030405060708090a0b0c0d0e0f1011121314
W=$(mktemp -d)
at_exit rm -rf "$W"

c() { ctl h1 "$@"; }

# udp N: N datagrams h1 [A]:4500 -> [B]:5000 (dropped ones are no error).
udp() {
	in_ns h1 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 4500))
for _ in range(int(sys.argv[3])):
    try:
        s.sendto(b"x", (sys.argv[2], 5000))
    except OSError:
        pass
' "$A" "$B" "$1"
}

# jev PYEXPR: a line of the JSON monitor is an event e for which PYEXPR
# holds.
jev() {
	python3 - "$W/json" "$1" <<'EOF'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
sys.exit(0 if any(eval(sys.argv[2], {}, {"e": e}) for e in ev) else 1)
EOF
}

# tev ERE: a line of the text monitor matches.
tev() { grep -qE -- "$1" "$W/text"; }

# seen NAME JSON-PYEXPR TEXT-ERE: both monitors report the event.
seen() {
	check "monitor -j: $1" wait_for 10 jev "$2"
	check "monitor: $1" wait_for 10 tev "$3" ||
		diag "$(grep "^${3:1:8}" "$W/text")"
}

c monitor >"$W/text" 2>&1 &
mon_t=$!
c -j monitor >"$W/json" 2>&1 &
mon_j=$!
at_exit kill "$mon_t" "$mon_j"

# Both listen once both report a change we make.
poke() {
	c policy add dst 2001:db8:ffff::1 dir out index 999 action block &&
		c policy del index 999
	grep -q '^changed' "$W/text" && grep -q '"changed"' "$W/json"
}
check "the monitors listen" wait_for 20 poke

# --- policies, acquire -----------------------------------------------------

c policy add src "$A" dst "$B" dir out index 10 owner 5 \
	tmpl proto esp mode transport reqid 7
seen "policy-add" \
	'e["event"] == "policy-add" and e["policy"]["index"] == 10 and e["policy"]["owner"] == 5 and e["policy"]["reqid"] == 7' \
	'^policy-add src 2001:db8::1/128 dst 2001:db8::2/128 dir out priority 0 index 10 action apply owner 5 tmpl proto esp mode transport reqid 7 packets 0 '
seen "changed generation N" 'e["event"] == "changed" and e["generation"] > 0' \
	'^changed generation [0-9]+$'

udp 1
IFX=$(in_ns h1 cat /sys/class/net/veth0/ifindex)
seen "acquire: the flow and the policy" \
	"e['event'] == 'acquire' and e['flow'] == {'src': '$A', 'dst': '$B', 'proto': 17, 'sport': 4500, 'dport': 5000, 'icmp_type': None, 'icmp_code': None, 'ifindex': $IFX} and e['policy']['index'] == 10 and e['policy']['reqid'] == 7" \
	'^acquire flow src 2001:db8::1 dst 2001:db8::2 proto udp sport 4500 dport 5000 dev veth0 policy src 2001:db8::1/128 .* index 10 action apply '
like "$(c policy list index 10)" "use 20[0-9-]+T[0-9:]+Z" \
	"policy list: the time of the last use"
like "$(c policy list index 10)" "action apply owner 5" "policy list: owner"
like "$(c -j policy list index 10)" '"owner":5,.*"last_used":[1-9]' \
	"policy list -j: owner and last_used"

# --- SAs: add, traffic, update, del ----------------------------------------

c sa add src "$A" dst "$B" proto esp spi 0x3001 mode transport reqid 7 \
	aead gcm "$KEY" 128 index 20 owner 5
seen "sa-add" \
	'e["event"] == "sa-add" and e["sa"]["index"] == 20 and e["sa"]["spi"] == 0x3001 and e["sa"]["owner"] == 5 and e["sa"]["state"] == "valid"' \
	'^sa-add src 2001:db8::1 dst 2001:db8::2 proto esp spi 0x00003001\(12289\) mode transport reqid 7 index 20 owner 5 replay-window 0 aead rfc4106\(gcm\(aes\)\) icv 128 .* state valid '
udp 3
is "$(c -j sa get index 20 | python3 -c 'import json,sys; print(json.load(sys.stdin)["seq"])')" \
	3 "three packets sent on SA 20"
like "$(c sa list index 20)" "state valid oseq 0x3 .* add 20[0-9-]+T[0-9:]+Z use 20" \
	"sa list: add time and last use"
like "$(c -j sa list index 20)" '"owner":5,.*"add_time":[1-9][0-9]*,"last_used":[1-9]' \
	"sa list -j: owner, add_time, last_used"

c sa update src "$A" dst "$B" proto esp spi 0x3001 mode transport reqid 7 \
	aead gcm "$KEY" 128 replay-window 32 owner 5 >"$W/upd" 2>&1
if grep -q "not implemented" "$W/upd"; then
	skip "sa update keeps the sequence number" "this module has no SA_UPDATE yet: $(cat "$W/upd")"
	skip "monitor: sa-update" "no SA_UPDATE"
else
	sa=$(c -j sa get index 20)
	like "$sa" '"replay_window":32,.*"seq":3,' \
		"sa update changes the window and keeps the sequence number" ||
		diag "$(cat "$W/upd")" "$sa"
	seen "sa-update" \
		'e["event"] == "sa-update" and e["sa"]["index"] == 20 and e["sa"]["replay_window"] == 32' \
		'^sa-update src 2001:db8::1 dst 2001:db8::2 proto esp spi 0x00003001\(12289\) .* replay-window 32 '
fi
IPSEC6CTL_DUMP_MSGS=1 c --dry-run sa update dst "$B" proto esp spi 0x3001 \
	aead gcm "$KEY" 128 >/dev/null 2>"$W/req"
like "$(grep '^SA_UPDATE' "$W/req")" '^SA_UPDATE SA\{INDEX=20 SPI=12289 ' \
	"sa update sends SA_UPDATE for the SA of that dst, proto and spi"

c sa del index 20
seen "sa-del" 'e["event"] == "sa-del" and e["sa"]["index"] == 20' \
	'^sa-del src 2001:db8::1 dst 2001:db8::2 proto esp spi 0x00003001'

# --- allocspi: larval SAs ----------------------------------------------------

c -j sa allocspi dst "$B" proto esp min 0x5000 max 0x5fff reqid 7 >"$W/alloc"
python3 - "$W/alloc" <<'EOF'
import json, sys
sa = json.load(open(sys.argv[1]))
assert 0x5000 <= sa["spi"] <= 0x5fff and sa["state"] == "larval", sa
assert sa["index"] >= 0x40000000 and sa["reqid"] == 7, sa
EOF
ok $? "sa allocspi: an SPI of the range, a larval SA" || diag "$(cat "$W/alloc")"
spi=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["spi"])' "$W/alloc")
like "$(c sa list)" "spi $(printf '0x%08x' "$spi")\\($spi\\) mode transport reqid 7.*state larval" \
	"sa list shows the larval SA"
out=$(c sa allocspi dst "$B" proto esp spi "$spi" 2>&1)
like "$out" "^ipsec6ctl: sa allocspi: SPI_MIN: no free SPI in $spi-$spi " \
	"allocspi refuses an SPI in use" ||
	diag "$out"
out=$(c sa allocspi dst "$B" proto ah spi 0x6000 limit time-hard 1)
like "$out" "spi 0x00006000\\(24576\\) .*state larval" "allocspi spi N takes N"
seen "sa-expired: the larval SA's lifetime ends" \
	'e["event"] == "sa-expired" and e["expire"] == "hard" and e["sa"]["spi"] == 0x6000' \
	'^sa-expired hard src :: dst 2001:db8::2 proto ah spi 0x00006000'
check "the expired larval SA is gone" \
	wait_for 10 bash -c "! ip netns exec h1 '$IPSEC6CTL' sa list | grep -q 0x00006000"

# --- owners -------------------------------------------------------------------

two_owners() {
	c sa add dst "$B" proto esp spi 0x3002 aead gcm "$KEY" 128 index 21 \
		owner 5 &&
		c sa add dst "$B" proto esp spi 0x3003 aead gcm "$KEY" 128 \
			index 22 &&
		c policy add dst 2001:db8::99 dir out index 11 action block
}
check "SAs and a policy of two owners" two_owners
check "sa flush owner 5" c sa flush owner 5
is "$(c sa list | grep -oE 'index 2[12]\b' | tr '\n' ' ')" "index 22 " \
	"only owner 5's SAs went" || diag "$(c sa list)"
check "policy flush owner 5" c policy flush owner 5
is "$(c policy list | grep -o 'index [0-9]*' | sort | tr '\n' ' ')" \
	"index 1 index 11 " "only owner 5's policies went, policy 1 stays"
seen "policy-del" 'e["event"] == "policy-del" and e["policy"]["index"] == 10' \
	'^policy-del src 2001:db8::1/128 dst 2001:db8::2/128 dir out priority 0 index 10 '

# --- every line ----------------------------------------------------------------

kill "$mon_t" "$mon_j"
wait "$mon_t" "$mon_j" 2>/dev/null
python3 - "$W/json" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines, "no events"
for l in lines:
    assert isinstance(json.loads(l), dict), l
EOF
ok $? "monitor -j: every line is a JSON object" || diag "$(head -c 2000 "$W/json")"
bad=$(grep -vE '^(changed|acquire|sa-expired|sa-add|sa-update|sa-del|policy-add|policy-del) ' "$W/text")
is "$bad" "" "monitor: every line is one event"
leaks=$(grep -ciE "${KEY:2:16}|${KEY:10:16}" "$W/text" "$W/json" | grep -v ':0$')
is "$leaks" "" "no key in the events"

dmesg_clean "no kernel splat"
