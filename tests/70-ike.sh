#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKEv2: strongSwan's charon drives ipsec6 through the kernel-ipsec6 plugin
# (tools/strongswan), against charon on Linux XFRM and against itself.
#
#   h1 ipsec6      h2 XFRM        h3 ipsec6 gw      h4 XFRM gw
#   2001:db8::1    2001:db8::2    2001:db8::3       2001:db8::4
#      |              |              |    lan0         |    lan0
#   ---+--------------+-- br0 -------+-----------------+---   s3, s4:
#          (namespace "wire": no IPsec endpoint, captured)   2001:db8:N::10
#
# One charon per host (a b c d), each with its own /run and vici socket;
# static neighbours (a trap for all traffic between two hosts would also
# catch Neighbour Discovery).  IKE: aes128-sha256-ecp256; ESP: AES-GCM-128
# with ESN.
#
#  1. h2 -> h1, PSK, transport, trap on the XFRM side: the first packet
#     brings the CHILD_SA up; ipsec6ctl lists the SAs charon reports;
#     terminating the IKE_SA removes SAs and policies from ipsec6.
#  2. the same with the trap on the ipsec6 side (the module's ACQUIRE).
#  3. h1 <-> h3, ipsec6 on both ends, certificates, transport; swanctl
#     shows the SAs' last use (the module's LAST_USED).
#  4. h1 -> h4, a host on ipsec6 to an XFRM gateway, certificates, tunnel
#     mode, to s4 behind it.
#  5. h2 -> h3, a host on XFRM to an ipsec6 gateway, PSK, tunnel, trap, to
#     s3 behind it.
#  6. encap = yes (ESP in UDP) between h1 and h2.
#  7. kill -9 of h1's charon and a restart: the new charon deletes what the
#     old one left in ipsec6 (its OWNER's objects; a policy the
#     administrator added stays), and the first packet
#     into its trap negotiates again (the peer still has the old SAs).
#  8. the reference: h2 -> h4, XFRM on both ends, PSK, transport, trap.
# The capture on br0 must show no packet between the hosts in cleartext.
# Figures ("figure:" lines at the end): from the initiator's acquire to
# its CHILD_SA installed (charon's log, ms), and from the first packet to
# the first reply through the new CHILD_SA, pinging at 10/s.
# timeout: 360
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ike_lib.sh"

H1=2001:db8::1 H2=2001:db8::2 H3=2001:db8::3 H4=2001:db8::4
S3=2001:db8:3::10 S4=2001:db8:4::10

# trap_ping NS DST LABEL CHARON CHILD: 50 pings at 10/s into a trap of
# CHARON's CHILD; passes when replies came and none was lost once the
# first came back.  Figures: the initiator's acquire to its CHILD_SA
# installed, the first packet to the first reply.
trap_ping() {
	local res n first mark ms
	mark=$(ike_log_mark "$4")
	res=$(ike_ping "$1" "$2" 50)
	read -r n first <<<"$res"
	if ((n == 0)); then
		echo "no reply"
		cat "$IKE_DIR/ping.$1"
		return 1
	fi
	ms=$(ike_acquire_ms "$4" "$5" "$mark")
	echo "figure: $3: acquire to CHILD_SA installed ${ms:-?} ms, first reply $(((first - 1) / 10)).$(((first - 1) % 10)) s after the first packet" \
		>>"$IKE_DIR/figures"
	((n == 50 - first + 1)) || { echo "$n replies from seq $first"; return 1; }
}

ping_ok() {
	ip netns exec "$1" ping -n -c 5 -i 0.2 -W 2 "$2"
}

no_apply_policies() {
	! ctl "$1" policy list | grep -q 'action apply'
}

# The IKE sockets bypass by their cookies: no policy of their own.  Left:
# the default policy and the administrator's (owner 0) for 2001:db8::99.
only_admin_policies() {
	local list
	list=$(ctl "$1" policy list) || return 1
	[[ $(grep -c ' index ' <<<"$list") == 2 ]] &&
		grep -q ' index 1 ' <<<"$list" && grep -q '2001:db8::99' <<<"$list"
}

# NAME's IKE_SA IKE: swanctl shows when its SAs were last used, both ways,
# within the last 30 s (query_sa/query_policy: the module's LAST_USED).
last_used() {
	local out ago
	out=$(swan "$1" --list-sas --ike "$2") || return 1
	ago=$(grep -oE '(in|out) +[0-9a-f]+, .* packets, +[0-9]+s ago' <<<"$out" |
		awk '{ sub(/s$/, "", $(NF - 1)); print $1, $(NF - 1) }')
	grep -q '^in ' <<<"$ago" && grep -q '^out ' <<<"$ago" &&
		awk '$2 > 30 { bad = 1 } END { exit bad }' <<<"$ago" && return 0
	echo "$out"
	return 1
}

no_sas() {
	[[ -z $(ike_kernel_spis "$1") ]]
}

encap_ping() {
	ike_wait_child a e2 1 && ping_ok h1 $H2
}

# Both SAs of the CHILD_SA on h1 are ESP in UDP to or from port 4500.
encap_sas() {
	[[ $(ctl h1 sa list | grep -c '^[[:space:]]*encap espinudp .*4500') -ge 2 ]]
}

load_all() {
	ike_load a "$(conf_a none)" && ike_load b "$(conf_b)" &&
		ike_load c "$(conf_c)" && ike_load d "$(conf_d)"
}

no_cleartext() {
	local r=0 p
	for p in "$H1 $H2" "$H1 $H3" "$H1 $S4" "$H2 $S3" "$H2 $H4"; do
		# shellcheck disable=SC2086 # two addresses
		ike_cleartext $p || r=1
	done
	return $r
}

conf_a() {
	local start_x2=$1
	cat <<-EOF
	connections {
	$(ike_conn x2 $H1 $H2 h1 h2 psk transport "$start_x2")
	$(ike_conn x3 $H1 $H3 h1 h3 pubkey transport none)
	$(ike_conn x4 $H1 $H4 h1 h4 pubkey tunnel none dynamic 2001:db8:4::/64)
	$(IKE_CONN_OPTS="encap = yes" ike_conn e2 $H1 $H2 h1 h2 psk transport none)
	}
	$(ike_secrets h1 h2)
	EOF
}

conf_b() {
	cat <<-EOF
	connections {
	$(ike_conn x1 $H2 $H1 h2 h1 psk transport trap)
	$(IKE_CONN_OPTS="encap = yes" ike_conn e1 $H2 $H1 h2 h1 psk transport none)
	$(ike_conn g3 $H2 $H3 h2 h3 psk tunnel trap dynamic 2001:db8:3::/64)
	$(ike_conn x4 $H2 $H4 h2 h4 psk transport trap)
	}
	$(ike_secrets h1 h2 h3 h4)
	EOF
}

conf_c() {
	cat <<-EOF
	connections {
	$(ike_conn x1 $H3 $H1 h3 h1 pubkey transport none)
	$(ike_conn g2 $H3 $H2 h3 h2 psk tunnel none 2001:db8:3::/64 dynamic)
	}
	$(ike_secrets h2 h3)
	EOF
}

conf_d() {
	cat <<-EOF
	connections {
	$(ike_conn g1 $H4 $H1 h4 h1 pubkey tunnel none 2001:db8:4::/64 dynamic)
	$(ike_conn x2 $H4 $H2 h4 h2 psk transport none)
	}
	$(ike_secrets h2 h4)
	EOF
}

plan_no
ike_require
check "module loads" load_module
check "four hosts on br0, sites s3 behind h3 and s4 behind h4" \
	eval 'ike_link 1 2 3 4 && ike_lan 3 && ike_lan 4'
check "ESP algorithms instantiated" ike_warm_crypto
check "certificates for h1, h3, h4" ike_pki a:h1 c:h3 d:h4
check "charon on ipsec6 in h1 and h3, on XFRM in h2 and h4" eval \
	'charon_start a h1 ipsec6 && charon_start b h2 xfrm &&
	 charon_start c h3 ipsec6 && charon_start d h4 xfrm'
like "$(grep 'loaded plugins' "$IKE_DIR/a/charon.log")" 'kernel-ipsec6' \
	"h1's charon loaded kernel-ipsec6"
check "configurations loaded" load_all
check "capture on br0" ike_capture_start

# 1. XFRM traps, ipsec6 answers.
check "1: trap on XFRM (h2): ping h1 gets through from the first reply on" \
	trap_ping h2 $H1 "XFRM -> ipsec6, transport" b x1
check "1: CHILD_SA installed on h1" ike_wait_child a x2
check "1: ipsec6ctl on h1 lists the SAs charon reports" ike_spis_match a h1
check "1: h1 reaches h2" ping_ok h1 $H2
check "1: terminate" swan a --terminate --ike x2
check "1: no SA left in h1's ipsec6" wait_for 10 no_sas h1
check "1: no APPLY policy left in h1's ipsec6" wait_for 10 no_apply_policies h1

# 2. ipsec6 traps (ACQUIRE).
check "2: the trap moves to h1" eval 'swan b --uninstall --child x1 &&
	swan a --install --child x2'
check "2: trap on ipsec6 (h1): ping h2 gets through from the first reply on" \
	trap_ping h1 $H2 "ipsec6 -> XFRM, transport" a x2
swan a --uninstall --child x2 >/dev/null 2>&1
swan a --terminate --ike x2 >/dev/null 2>&1

# 3. ipsec6 <-> ipsec6, certificates.
check "3: h1 initiates to h3 (ipsec6), certificates" swan a --initiate --child x3
check "3: h1 reaches h3" ping_ok h1 $H3
check "3: swanctl on h1 says when the SAs were last used" last_used a x3
check "3: ipsec6ctl lists charon's SAs on h1" ike_spis_match a h1
check "3: ipsec6ctl lists charon's SAs on h3" ike_spis_match c h3

# 4. ipsec6 host, XFRM gateway.
check "4: h1 initiates a tunnel to the XFRM gateway h4, certificates" \
	swan a --initiate --child x4
check "4: h1 reaches s4 through h4" ping_ok h1 $S4
check "4: and s4 reaches h1" ping_ok s4 $H1

# 5. XFRM host, ipsec6 gateway.
check "5: trap on h2 for s3: ping s3 through the ipsec6 gateway h3" \
	trap_ping h2 $S3 "XFRM -> ipsec6 gateway, tunnel" b g3
check "5: ipsec6ctl lists charon's SAs on h3" ike_spis_match c h3

# 6. ESP in UDP.
swan a --terminate --ike x3 >/dev/null 2>&1
swan a --terminate --ike x4 >/dev/null 2>&1
check "6: encap = yes: h1 initiates to h2" swan a --initiate --child e2
check "6: h1 reaches h2 through ESP in UDP" encap_ping
check "6: h1's SAs carry ESP in UDP (ipsec6ctl sa list)" encap_sas
swan a --terminate --ike e2 >/dev/null 2>&1

# 7. kill -9 and restart.
check "7: h1 initiates to h2" swan a --initiate --child x2
check "7: h1 reaches h2" ping_ok h1 $H2
check "7: an administrator's policy next to charon's" \
	ctl h1 policy add dst 2001:db8::99 dir out action allow
charon_kill a KILL
check "7: charon restarted after kill -9" charon_start a h1 ipsec6
check "7: the old SAs and policies are gone, the administrator's stay" \
	eval 'no_sas h1 && only_admin_policies h1'
check "7: configuration with a trap loaded" ike_load a "$(conf_a trap)"
check "7: the first packet negotiates again" trap_ping h1 $H2 \
	"ipsec6 -> XFRM after a restart" a x2
check "7: traffic both ways after the restart" eval "ping_ok h1 $H2 && ping_ok h2 $H1"

# 8. XFRM <-> XFRM.
check "8: reference, XFRM on both ends: trap on h2, ping h4" \
	trap_ping h2 $H4 "XFRM -> XFRM, transport" b x4

check "capture stopped" ike_capture_stop
check "no cleartext between any two of h1 h2 h3 h4 s3 s4" no_cleartext
dmesg_clean "no kernel splat"
note "$(cat "$IKE_DIR/figures" 2>/dev/null)"
