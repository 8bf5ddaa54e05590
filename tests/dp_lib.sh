# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tests/dp_lib.sh - shared by the datapath tests driven from Python
# (tests/30-scapy.sh, tests/31-badpackets.sh).  Source after lib.sh.
#
#   dp_setup                 module, crypto modules, h1/h2 with global
#                            addresses and static neighbours (so no
#                            Neighbour Discovery races the test)
#   dp_run SCRIPT ARGS...    runs SCRIPT with /usr/bin/python3 and turns
#                            its lines into lib.sh points:
#                              plan N          points it will print
#                              ok NAME         passed point
#                              nok NAME        failed point
#                              skip NAME<TAB>REASON
#                              diag TEXT       diagnostic of the last point
#                            then one point: it ran every planned point and
#                            exited 0.
# The test itself uses plan_no: the plan is printed at exit.

DP_PY=/usr/bin/python3
# Crypto the datapath tests use beyond lib.sh's list.
DP_CRYPTO_MODULES=(echainiv authencesn chacha20poly1305 chacha_generic
	poly1305_generic crypto_null gcm ghash_generic seqiv authenc cbc
	aes_generic sha512_generic sha256_generic sha1_generic md5 hmac)

dp_setup() {
	load_module || return 1
	modprobe -a -q "${DP_CRYPTO_MODULES[@]}" 2>/dev/null || true
	two_hosts --global || return 1
	ip -n "$H2" neigh replace "$H1_IP" lladdr "$H1_MAC" dev "$H2_IF" \
		nud permanent || return 1
	ip -n "$H1" neigh replace "$H2_IP" lladdr "$H2_MAC" dev "$H1_IF" \
		nud permanent || return 1
}

dp_run() {
	local script=$1 line kind rest planned='' n=0 rc pid
	shift
	exec {_dp_fd}< <(exec "$DP_PY" "$script" "$@")
	pid=$!
	while IFS= read -r -u "$_dp_fd" line; do
		kind=${line%% *}
		rest=${line#* }
		case $kind in
		plan) planned=$rest ;;
		ok)
			ok 0 "$rest"
			n=$((n + 1))
			;;
		nok)
			ok 1 "$rest"
			n=$((n + 1))
			;;
		skip)
			skip "${rest%%$'\t'*}" "${rest#*$'\t'}"
			n=$((n + 1))
			;;
		diag) diag "$rest" ;;
		*) diag "unexpected output: $line" ;;
		esac
	done
	exec {_dp_fd}<&-
	wait "$pid"
	rc=$?
	if [[ $rc == 0 && -n $planned && $n == "$planned" ]]; then
		ok 0 "${script##*/} ran its $n points and exited 0"
	else
		ok 1 "${script##*/} ran its points and exited 0"
		diag "planned '${planned}', ran $n, exit status $rc"
	fi
}
