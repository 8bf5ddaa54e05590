# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tests/lib.sh - sourced by the guest tests (tests/NN-*.sh): a small TAP
# library and helpers for namespaces, veth pairs and the module.
#
#   . "$(dirname "$0")/lib.sh"
#   plan 3                      # or plan_no: the plan is printed at exit
#   check "module loads" load_module
#   is "$(cat /sys/module/ipsec6/refcnt)" 0 "refcount is 0"
#   like "$(ctl h1 sa list)" "spi 0x100" "SA listed"
#
# TAP helpers (each prints one point and returns 0 when it passed):
#   ok STATUS NAME           passes when STATUS is 0 (ok $? "name")
#   check NAME CMD...        passes when CMD exits 0; shows its output if not
#   check_fail NAME CMD...   passes when CMD exits non-zero
#   is GOT EXPECTED NAME     string equality
#   isnt GOT UNEXPECTED NAME
#   like STRING REGEX NAME   bash =~ match (ERE)
#   unlike STRING REGEX NAME
#   skip NAME REASON         a skipped point ("ok N - NAME # SKIP REASON")
#   todo NAME CMD...         like check, marked # TODO (a known gap)
#   skip_all REASON          the whole test: "1..0 # SKIP REASON", exit 0
#   diag MSG...              "# MSG" on stdout (shows up with failures)
#   note MSG...              "# MSG" on stderr (the .log file)
#   bail_out REASON          "Bail out! REASON", stop the test
# At exit the plan is checked (or printed, with plan_no) and the exit status
# is non-zero if a point failed, the count does not match the plan, or the
# script was killed by a signal; otherwise 0, whatever the last command
# returned (an "exit 3" after passing points is not a failure: use bail_out).
#
# Other helpers:
#   wait_for TIMEOUT_S CMD...   poll CMD every 0.1 s until it succeeds
#                               (TIMEOUT_S x TEST_TIMEOUT_SCALE, if set)
#   tcp_xfer FROM TO ADDR PORT FILE [TIMEOUT_S]
#                               FILE over TCP between namespaces, same SHA-256
#   load_module / unload_module / module_loaded
#   ns_create NAME...           network namespaces, deleted at exit
#   veth_pair NS1 IF1 MAC1 NS2 IF2 MAC2
#                               DAD off unless DAD=1; wait_dad NS polls
#   wait_dad NS [TIMEOUT_S]     until NS has no tentative address
#   in_ns NS CMD...             ip netns exec NS CMD...
#   ctl NS ARGS...              ip netns exec NS "$IPSEC6CTL" ARGS...
#   two_hosts [--global]        h1/h2 joined by veth0 (see H1_* / H2_*)
#   pair_lines PROTO SPI_AB SPI_BA WORDS
#   pair_config NS {xfrm|ipsec6ctl}
#                               the same ip-xfrm lines (a transport SA pair
#                               between h1 and h2, their policies) through
#                               ip xfrm or ipsec6ctl
#   at_exit CMD...              run CMD at exit (before namespace cleanup)
#   require_cmd CMD...          skip_all unless every CMD is installed
#   tap_off                     for scripts that use the helpers but are no
#                               test: no plan, exit status kept
#   dmesg_mark / dmesg_since_mark / dmesg_clean NAME
#                               kernel-log splats since the test began
#   kasan_kernel                true on a KASAN kernel (make check-debug),
#                               where memory bounds do not hold
# Plain bash, set -u friendly; does not set -e (a failing point must not
# end the test).

# ---- TAP ---------------------------------------------------------------

_tap_n=0
_tap_out=
_tap_failed=0
_tap_plan=
_tap_done=0
_tap_exit_cmds=()

plan() {
	_tap_plan=$1
	echo "1..$1"
}

plan_no() {
	_tap_plan=no
}

# tap_off: not a test (scripts/demo-guest.sh): the exit handler only cleans
# up and keeps the exit status.
tap_off() {
	_tap_plan=off
}

# ok STATUS NAME
ok() {
	local st=$1
	shift
	_tap_n=$((_tap_n + 1))
	if [[ $st == 0 ]]; then
		echo "ok $_tap_n - $*"
		return 0
	fi
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $*"
	return 1
}

diag() {
	local line
	while IFS= read -r line; do
		echo "# $line"
	done <<<"$*"
}

note() {
	local line
	while IFS= read -r line; do
		echo "# $line" >&2
	done <<<"$*"
}

# Output of a command shown under a failed point, at most 30 lines.
_tap_show() {
	local out=$1 n
	[[ -n $out ]] || return 0
	n=$(wc -l <<<"$out")
	diag "$(head -n 30 <<<"$out")"
	((n <= 30)) || diag "... ($((n - 30)) more lines)"
}

# Runs "$@" in this shell (so helpers like two_hosts keep their state),
# its output in _tap_out.
# One scratch file per test, no mktemp/rm per call (each exec costs).
_tap_outfile=
_tap_run() {
	local rc
	if [[ -z $_tap_outfile ]]; then
		_tap_outfile=${TMPDIR:-/tmp}/tap-out.$$.$RANDOM
	fi
	"$@" >"$_tap_outfile" 2>&1 </dev/null
	rc=$?
	_tap_out=$(<"$_tap_outfile")
	return "$rc"
}

check() {
	local name=$1 out rc
	shift
	_tap_run "$@"
	rc=$?
	out=$_tap_out
	if ok "$rc" "$name"; then
		return 0
	fi
	diag "command: $*"
	diag "exit status: $rc"
	_tap_show "$out"
	return 1
}

check_fail() {
	local name=$1 out rc
	shift
	_tap_run "$@"
	rc=$?
	out=$_tap_out
	if ((rc != 0)); then
		ok 0 "$name"
		return 0
	fi
	ok 1 "$name"
	diag "command: $*"
	diag "expected failure, got exit status 0"
	_tap_show "$out"
	return 1
}

is() {
	local got=$1 exp=$2
	shift 2
	if [[ $got == "$exp" ]]; then
		ok 0 "$*"
		return 0
	fi
	ok 1 "$*"
	diag "     got: '$got'"
	diag "expected: '$exp'"
	return 1
}

isnt() {
	local got=$1 exp=$2
	shift 2
	if [[ $got != "$exp" ]]; then
		ok 0 "$*"
		return 0
	fi
	ok 1 "$*"
	diag "     got: '$got'"
	diag "expected anything else"
	return 1
}

like() {
	local str=$1 re=$2
	shift 2
	if [[ $str =~ $re ]]; then
		ok 0 "$*"
		return 0
	fi
	ok 1 "$*"
	diag "                  '$(head -c 2000 <<<"$str")'"
	diag "doesn't match '$re'"
	return 1
}

unlike() {
	local str=$1 re=$2
	shift 2
	if ! [[ $str =~ $re ]]; then
		ok 0 "$*"
		return 0
	fi
	ok 1 "$*"
	diag "                  '$(head -c 2000 <<<"$str")'"
	diag "matches '$re'"
	return 1
}

skip() {
	local name=$1
	shift
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $name # SKIP ${*:-skipped}"
}

todo() {
	local name=$1 out rc
	shift
	_tap_run "$@"
	rc=$?
	out=$_tap_out
	_tap_n=$((_tap_n + 1))
	if ((rc == 0)); then
		echo "ok $_tap_n - $name # TODO"
	else
		echo "not ok $_tap_n - $name # TODO"
		diag "exit status: $rc"
		_tap_show "$out"
	fi
	return 0
}

skip_all() {
	echo "1..0 # SKIP $*"
	_tap_plan=skip_all
	exit 0
}

bail_out() {
	echo "Bail out! $*"
	_tap_plan=bailed
	exit 255
}

at_exit() {
	_tap_exit_cmds+=("$(printf '%q ' "$@")")
}

_tap_exit() {
	local rc=$? i
	((_tap_done)) && return
	_tap_done=1
	for ((i = ${#_tap_exit_cmds[@]} - 1; i >= 0; i--)); do
		eval "${_tap_exit_cmds[i]}" >&2 || true
	done
	ns_cleanup
	[[ -n $_tap_outfile ]] && rm -f "$_tap_outfile"
	case $_tap_plan in
	off) exit "$rc" ;;
	skip_all) exit 0 ;;
	bailed) exit 255 ;;
	no) echo "1..$_tap_n" ;;
	'')
		note "no plan: call plan N or plan_no"
		exit 1
		;;
	*)
		if ((_tap_n != _tap_plan)); then
			diag "Looks like you planned $_tap_plan tests but ran $_tap_n."
			exit 1
		fi
		;;
	esac
	if ((_tap_failed)); then
		diag "Looks like you failed $_tap_failed test(s) of $_tap_n."
		exit 1
	fi
	# All points passed.  The status of the script's last command does not
	# matter (a trailing "[[ ... ]] && ..." must not fail a test); death by a
	# signal does.  To fail, fail a point or bail_out.
	((rc >= 128)) && exit "$rc"
	exit 0
}
trap _tap_exit EXIT

# ---- waiting -------------------------------------------------------------

# A builtin 0.1 s sleep: read(1) with a timeout on a pipe nobody writes.
# No fork+exec per poll (each costs ~0.1 s in a TCG guest).
_tap_sleep_fd=
_nap() {
	if [[ -z $_tap_sleep_fd ]]; then
		exec {_tap_sleep_fd}<> <(:) 2>/dev/null || _tap_sleep_fd=none
	fi
	if [[ $_tap_sleep_fd == none ]]; then
		sleep "$1"
	else
		read -r -t "$1" -u "$_tap_sleep_fd" _ 2>/dev/null || true
	fi
}

# wait_for TIMEOUT_S CMD...: 0 as soon as CMD succeeds, 1 after TIMEOUT_S.
_usecs() {
	local t=${EPOCHREALTIME/[.,]/}
	echo "$((10#$t))"
}

wait_for() {
	local limit=$1 deadline int frac=0 scale=${TEST_TIMEOUT_SCALE:-1}
	shift
	# TIMEOUT_S may have a fraction: 0.5, 2.25.  The debug kernel lane
	# (TEST_TIMEOUT_SCALE) stretches it like every test's timeout.
	int=${limit%%.*}
	[[ $limit == *.* ]] && frac=${limit#*.}000000
	deadline=$(($(_usecs) + (${int:-0} * 1000000 + 10#${frac:0:6}) * scale))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		(($(_usecs) < deadline)) || break
		_nap 0.1
	done
	note "wait_for: '$*' still failing after ${limit}s (x$scale)"
	return 1
}

# tcp_xfer FROM_NS TO_NS TO_ADDR PORT FILE [TIMEOUT_S]: send FILE over TCP
# (socat) from FROM_NS to a listener in TO_NS on PORT; succeeds when what
# arrived has FILE's SHA-256, else prints both sums.
tcp_xfer() {
	local from=$1 to=$2 addr=$3 port=$4 file=$5 t=${6:-90} want got pid sums
	want=$(sha256sum <"$file")
	sums=$(mktemp)
	ip netns exec "$to" timeout "$t" socat -u "TCP6-LISTEN:$port,reuseaddr" - |
		sha256sum >"$sums" &
	pid=$!
	if ! wait_for 30 bash -c "ip netns exec $to ss -ltn | grep -q ':$port '" ||
		! ip netns exec "$from" timeout "$t" socat -u "FILE:$file" "TCP6:[$addr]:$port"; then
		kill "$pid" 2>/dev/null
		wait "$pid"
		rm -f "$sums"
		return 1
	fi
	wait "$pid"
	got=$(<"$sums")
	rm -f "$sums"
	[[ $got == "$want" ]] || { echo "sent $want, received $got"; return 1; }
}

# ---- the module ----------------------------------------------------------

# Kernel modules the tests use.  Loaded explicitly: auto-loading may not
# work in the guest.
TEST_MODULES=(veth nf_defrag_ipv6 xfrm_user ah6 esp6)
# Crypto the module asks for; most are built in, the rest modules.
CRYPTO_MODULES=(hmac md5 sha1_generic sha256_generic sha512_generic cbc
	aes_generic gcm ghash_generic ctr seqiv authenc)

module_loaded() {
	[[ -d /sys/module/ipsec6 ]]
}

load_module() {
	modprobe -a "${TEST_MODULES[@]}" || return 1
	modprobe -a -q "${CRYPTO_MODULES[@]}" 2>/dev/null || true
	module_loaded && return 0
	if [[ -z ${IPSEC6_KO:-} || ! -f ${IPSEC6_KO:-} ]]; then
		echo "load_module: no module at IPSEC6_KO='${IPSEC6_KO:-}'" >&2
		return 1
	fi
	insmod "$IPSEC6_KO" "$@"
}

unload_module() {
	module_loaded || return 0
	rmmod ipsec6
}

# ---- namespaces and links ------------------------------------------------

_ns_list=()

ns_create() {
	local ns
	for ns in "$@"; do
		ip netns del "$ns" 2>/dev/null
		ip netns add "$ns" || return 1
		_ns_list+=("$ns")
		ip -n "$ns" link set lo up || return 1
	done
}

ns_cleanup() {
	local ns
	for ns in "${_ns_list[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	_ns_list=()
	return 0
}

in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

ctl() {
	local ns=$1
	shift
	ip netns exec "$ns" "${IPSEC6CTL:?IPSEC6CTL not set}" "$@"
}

# veth_pair NS1 IF1 MAC1 NS2 IF2 MAC2: a veth pair, one end in each
# namespace, up.  DAD is switched off on both ends (addresses are usable at
# once) unless DAD=1 is set; then use wait_dad.
veth_pair() {
	local ns1=$1 if1=$2 mac1=$3 ns2=$4 if2=$5 mac2=$6
	ip link add name "$if1" netns "$ns1" address "$mac1" type veth \
		peer name "$if2" netns "$ns2" address "$mac2" || return 1
	if [[ ${DAD:-0} != 1 ]]; then
		ip netns exec "$ns1" sysctl -qw "net.ipv6.conf.$if1.accept_dad=0" || return 1
		ip netns exec "$ns2" sysctl -qw "net.ipv6.conf.$if2.accept_dad=0" || return 1
	fi
	ip -n "$ns1" link set "$if1" up || return 1
	ip -n "$ns2" link set "$if2" up || return 1
}

_no_tentative() {
	! ip -n "$1" -6 addr show tentative | grep -q inet6
}

# wait_dad NS [TIMEOUT_S]: until NS has no tentative IPv6 address.
wait_dad() {
	wait_for "${2:-10}" _no_tentative "$1"
}

_has_ll() {
	ip -n "$1" -6 addr show dev "$2" scope link | grep -q "inet6 $3/"
}

# The two-host topology: namespaces h1 and h2, joined by veth0 <-> veth0.
H1=h1 H2=h2 H1_IF=veth0 H2_IF=veth0
H1_MAC=00:aa:00:53:a9:2c H2_MAC=00:aa:00:92:d0:f1
H1_LL=fe80::2aa:ff:fe53:a92c H2_LL=fe80::2aa:ff:fe92:d0f1
H1_IP=2001:db8::1 H2_IP=2001:db8::2

# two_hosts [--global]: h1 and h2 up with link-local addresses (and, with
# --global, 2001:db8::1/64 and ::2/64), DAD finished.
two_hosts() {
	ns_create "$H1" "$H2" || return 1
	veth_pair "$H1" "$H1_IF" "$H1_MAC" "$H2" "$H2_IF" "$H2_MAC" || return 1
	if [[ ${1:-} == --global ]]; then
		ip -n "$H1" addr add "$H1_IP/64" dev "$H1_IF" || return 1
		ip -n "$H2" addr add "$H2_IP/64" dev "$H2_IF" || return 1
	fi
	wait_for 10 _has_ll "$H1" "$H1_IF" "$H1_LL" || return 1
	wait_for 10 _has_ll "$H2" "$H2_IF" "$H2_LL" || return 1
	wait_dad "$H1" || return 1
	wait_dad "$H2" || return 1
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
	done
}

# ---- the same lines for ip xfrm and ipsec6ctl ---------------------------

# pair_lines PROTO SPI_AB SPI_BA WORDS: the words of two transport-mode SAs,
# $H1_IP -> $H2_IP (SPI_AB) and back, with the algorithm WORDS (split on
# blanks; '' is an empty key), in the arrays PAIR_SA_AB and PAIR_SA_BA, and
# of their policies (without "dir") in PAIR_POL_AB and PAIR_POL_BA.
pair_lines() {
	local proto=$1 s_ab=$2 s_ba=$3 w j a=$H1_IP b=$H2_IP
	read -r -a w <<<"$4"
	for j in "${!w[@]}"; do [[ ${w[j]} == "''" ]] && w[j]=; done
	PAIR_SA_AB=(src "$a" dst "$b" proto "$proto" spi "$s_ab" mode transport "${w[@]}")
	PAIR_SA_BA=(src "$b" dst "$a" proto "$proto" spi "$s_ba" mode transport "${w[@]}")
	PAIR_POL_AB=(src "$a" dst "$b" tmpl src "$a" dst "$b" proto "$proto"
		mode transport)
	PAIR_POL_BA=(src "$b" dst "$a" tmpl src "$b" dst "$a" proto "$proto"
		mode transport)
}

# pair_config NS {xfrm|ipsec6ctl}: the lines of pair_lines in NS ($H1 or
# $H2), as "ip xfrm state/policy add" or "ipsec6ctl sa/policy add"; 0 when
# all four were taken.
pair_config() {
	local ns=$1 out=("${PAIR_POL_AB[@]}") in=("${PAIR_POL_BA[@]}")
	if [[ $ns == "$H2" ]]; then
		out=("${PAIR_POL_BA[@]}") in=("${PAIR_POL_AB[@]}")
	fi
	if [[ $2 == xfrm ]]; then
		ip -n "$ns" xfrm state add "${PAIR_SA_AB[@]}" &&
			ip -n "$ns" xfrm state add "${PAIR_SA_BA[@]}" &&
			ip -n "$ns" xfrm policy add "${out[@]}" dir out &&
			ip -n "$ns" xfrm policy add "${in[@]}" dir in
		return
	fi
	ctl "$ns" sa add "${PAIR_SA_AB[@]}" &&
		ctl "$ns" sa add "${PAIR_SA_BA[@]}" &&
		ctl "$ns" policy add "${out[@]}" dir out &&
		ctl "$ns" policy add "${in[@]}" dir in
}

# ---- the kernel log ------------------------------------------------------

# Kernel-log lines that mean a bug.  Case-sensitive on purpose (the boot log
# says "report a bug").  scripts/guest-tests.sh uses the same expression for
# kernel-log.tap.
KERNEL_SPLAT_RE='WARNING:|BUG:|kernel BUG at|Oops|general protection fault|KASAN|kmemleak|unreferenced object|UBSAN|refcount_t:|RCU stall|rcu: INFO:|rcu_(sched|preempt) (self-)?detected|self-detected stall|soft lockup|hard LOCKUP|blocked for more than|list_(add|del) corruption|Kernel panic|cut here|Call Trace:'

_dmesg_mark=

# dmesg_mark: remember "now" in the kernel log (a line written to /dev/kmsg).
dmesg_mark() {
	_dmesg_mark="ipsec6-test: mark $$.$RANDOM"
	echo "<6>$_dmesg_mark" >/dev/kmsg 2>/dev/null || _dmesg_mark=
}

# dmesg_since_mark: the kernel log after the last dmesg_mark (all of it
# if there was none).
dmesg_since_mark() {
	if [[ -n $_dmesg_mark ]]; then
		dmesg | awk -v m="$_dmesg_mark" 'f; index($0, m) { f = 1 }'
	else
		dmesg
	fi
}

# dmesg_clean NAME: a point that passes when the kernel log since the last
# dmesg_mark has no splat; the offending lines become diagnostics.
# inbound_socket_bypass: can the module let cleartext to a SOCKET_BYPASS
# socket in?  It looks the socket up with udp6_lib_lookup(), which the
# kernel exports only with CONFIG_NF_SOCKET_IPV6 or CONFIG_NF_TPROXY_IPV6
# (Debian's kernels: yes; the debug kernel: no; module/bypass.c).  True
# when the kernel's config cannot be read.
# shellcheck disable=SC2034 # the skip reason, for the tests
NO_INBOUND_BYPASS="this kernel has neither NF_SOCKET_IPV6 nor NF_TPROXY_IPV6 (no udp6_lib_lookup)"
inbound_socket_bypass() {
	local cfg

	cfg=/lib/modules/$(uname -r)/build/.config
	[[ -r $cfg ]] || return 0
	grep -Eq '^CONFIG_NF_(SOCKET|TPROXY)_IPV6=[ym]' "$cfg"
}

# A KASAN kernel: redzones, kmemleak's metadata and the quarantine of freed
# objects inflate every slab figure, so memory bounds are skipped there
# (kmemleak judges leaks instead, kernel-log.tap).
kasan_kernel() {
	grep -q ' kasan_report$' /proc/kallsyms
}

dmesg_clean() {
	local hits
	hits=$(dmesg_since_mark | awk -f "$REPO/scripts/dmesg-known.awk" |
		grep -E -A 15 "$KERNEL_SPLAT_RE" | head -n 60)
	if [[ -z $hits ]]; then
		ok 0 "$*"
		return 0
	fi
	ok 1 "$*"
	_tap_show "$hits"
	return 1
}

# Every guest test starts with a mark, so dmesg_clean covers the whole test.
# (Not on the host: tests/host/* may source this file too.)
[[ ${IPSEC6_VM:-} == 1 ]] && dmesg_mark
