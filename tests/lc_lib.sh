# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tests/lc_lib.sh - shared by the lifecycle-under-load tests
# (tests/60-lifecycle.sh, tests/61-replace.sh).  Source after lib.sh.
#
#   LC_SCALE                 iteration counts are multiplied by this
#                            (environment LIFECYCLE_SCALE, default 1)
#   lc_hosts                 h1/h2 with global addresses and static
#                            neighbours (no Neighbour Discovery in the way)
#   lc_config NS CFG PROTO   write $LC/NS-CFG.batch: both SAs and both
#                            policies between h1 and h2, as seen from NS;
#                            CFG is "a" (ESP AES-GCM, SPIs 0x1001/0x1002)
#                            or "b" (AH HMAC-SHA256, SPIs 0x2001/0x2002)
#   traffic_start NS DST     continuous traffic from NS: a ping every 10 ms
#                            whose replies are counted (lines appended to
#                            $LC/NS.replies) and a flood ping keeping 8
#                            echo requests in flight
#   traffic_stop             ends every generator started
#   traffic_alive            every generator is still running
#   flowing NS [TIMEOUT_S]   a reply arrives at NS after now (forgets the
#                            replies so far): protected traffic flows
#   crypto / crypto_is       /proc/crypto "name driver refcnt" lines
#   slab_total               bytes in kmalloc and ipsec6 slab objects
#   in_flight NS SPI         outbound SA SPI: sequence numbers handed out
#                            minus packets whose crypto completed
#   lc_async                 prints 1 if crypto_async=1 can run (cryptd,
#                            or pcrypt), else 0 (with a note)
#   capture_start FILE       tcpdump on h1's veth0 (frames up to 256 bytes)
#                            until capture_stop; capture_lost FILE prints
#                            how many packets it lost ("none": unknown)
#   lc_win_files DIR ME PEER PROTO ALG OUT IN [EXT [SA_OUT SA_IN]]
#                            DIR/cfg.{spd,sad}: PROTO (ESP, AH) transport
#                            between ME and PEER (policy 2, BIDIRECT, and
#                            the default BYPASS), SAs OUT (index SA_OUT,
#                            default 2) and IN (SA_IN, 1) with AuthAlg and
#                            KeyFile ALG and extension EXT (" AEAD=...")

# shellcheck disable=SC2034 # used by the tests
LC_SCALE=${LIFECYCLE_SCALE:-1}
LC=$(mktemp -d)
at_exit rm -rf "$LC"

# Crypto the lifecycle tests use beyond lib.sh's list.
LC_CRYPTO_MODULES=(gcm ghash_generic seqiv ctr aes_generic hmac
	sha256_generic authenc crypto_null)

KEY_A=0x0102030405060708090a0b0c0d0e0f1011121314
KEY_B=0x2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40

lc_modules() {
	modprobe -a "${TEST_MODULES[@]}" || return 1
	modprobe -a -q "${CRYPTO_MODULES[@]}" "${LC_CRYPTO_MODULES[@]}" \
		2>/dev/null
	return 0
}

lc_hosts() {
	two_hosts --global || return 1
	ip -n "$H2" neigh replace "$H1_IP" lladdr "$H1_MAC" dev "$H2_IF" \
		nud permanent || return 1
	ip -n "$H1" neigh replace "$H2_IP" lladdr "$H2_MAC" dev "$H1_IF" \
		nud permanent
}

# lc_sa_lines CFG: the two SAs (h1 -> h2 first), ip-xfrm grammar
lc_sa_lines() {
	local a=$H1_IP b=$H2_IP
	case $1 in
	a)
		echo "sa add src $a dst $b proto esp spi 0x1001 mode transport aead 'rfc4106(gcm(aes))' $KEY_A 128"
		echo "sa add src $b dst $a proto esp spi 0x1002 mode transport aead 'rfc4106(gcm(aes))' $KEY_A 128"
		;;
	b)
		echo "sa add src $a dst $b proto ah spi 0x2001 mode transport auth-trunc 'hmac(sha256)' $KEY_B 128"
		echo "sa add src $b dst $a proto ah spi 0x2002 mode transport auth-trunc 'hmac(sha256)' $KEY_B 128"
		;;
	esac
}

# lc_policy_lines NS CFG: out and in policies of NS
lc_policy_lines() {
	local me=$H1_IP peer=$H2_IP proto=esp
	[[ $1 == "$H2" ]] && me=$H2_IP peer=$H1_IP
	[[ $2 == b ]] && proto=ah
	echo "policy add src $me dst $peer dir out tmpl proto $proto mode transport"
	echo "policy add src $peer dst $me dir in tmpl proto $proto mode transport"
}

# lc_config NS CFG: $LC/NS-CFG.batch (SAs and policies),
# $LC/NS-CFG.sa (SAs only), $LC/NS-CFG.pol (policies only), and
# $LC/NS-CFG.replace (flush everything, then all of it: one transaction)
lc_config() {
	local ns=$1 cfg=$2 f=$LC/$1-$2
	lc_sa_lines "$cfg" >"$f.sa"
	lc_policy_lines "$ns" "$cfg" >"$f.pol"
	cat "$f.sa" "$f.pol" >"$f.batch"
	{ echo "sa flush"; echo "policy flush"; cat "$f.batch"; } >"$f.replace"
}

# ---- traffic -------------------------------------------------------------

_tr_pids=()

traffic_start() {
	local ns=$1 dst=$2
	: >"$LC/$ns.replies"
	# Appended (O_APPEND), so "flowing" can empty the file under it.
	ip netns exec "$ns" stdbuf -oL ping -n -i 0.01 "$dst" \
		>>"$LC/$ns.replies" 2>>"$LC/$ns.ping-err" &
	_tr_pids+=($!)
	ip netns exec "$ns" ping -n -q -f -l 8 "$dst" \
		>>"$LC/$ns.flood" 2>&1 &
	_tr_pids+=($!)
}

traffic_alive() {
	local p
	for p in "${_tr_pids[@]}"; do
		kill -0 "$p" 2>/dev/null || {
			echo "traffic generator $p is gone"
			return 1
		}
	done
}

traffic_stop() {
	local p
	for p in "${_tr_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${_tr_pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	_tr_pids=()
	return 0
}
at_exit traffic_stop

_replied() {
	[[ -s $LC/$1.replies ]]
}

# flowing NS [TIMEOUT_S]: a reply to NS's ping arrives from now on.
flowing() {
	: >"$LC/$1.replies"
	wait_for "${2:-10}" _replied "$1"
}

# ---- leaks ---------------------------------------------------------------

# /proc/crypto as sorted "name driver refcnt" lines: every transform an SA
# holds is a reference on its algorithm there (as in tests/11-netns.sh).
crypto() {
	awk -F' *: ' '$1 == "name" { n = $2 } $1 == "driver" { d = $2 }
		$1 == "refcnt" { print n, d, $2 }' /proc/crypto | sort
}

crypto_is() {
	[[ $(crypto) == "$1" ]]
}

# Bytes in active kmalloc and ipsec6 slab objects, after flushing the
# per-CPU slabs.
slab_total() {
	local f
	for f in /sys/kernel/slab/kmalloc-*/shrink; do
		echo 1 >"$f" 2>/dev/null
	done
	awk 'NR > 2 && $1 ~ /^(kmalloc-|ipsec6)/ { n += $2 * $4 }
		END { print n + 0 }' /proc/slabinfo 2>/dev/null || echo 0
}

# in_flight NS SPI: for NS's outbound SA SPI (decimal), the sequence
# numbers handed out minus the packets whose transform completed.
in_flight() {
	local json chunk seq pk
	json=$(ip netns exec "$1" "$IPSEC6CTL" -j sa list) || return 1
	json=${json//\{\"index\":/$'\n'}
	while IFS= read -r chunk; do
		[[ $chunk == *\"spi\":$2,* ]] || continue
		[[ $chunk =~ \"seq\":([0-9]+) ]] && seq=${BASH_REMATCH[1]}
		[[ $chunk =~ \"packets\":([0-9]+) ]] && pk=${BASH_REMATCH[1]}
		echo $((seq - pk))
		return 0
	done <<<"$json"
	return 1
}

# ---- asynchronous crypto, capture, Windows files ------------------------------

lc_async() {
	if modprobe -a cryptd pcrypt 2>/dev/null; then
		echo 1
	else
		note "cryptd is not available: the asynchronous variants run synchronously"
		echo 0
	fi
}

# capture_start FILE: tcpdump on h1's veth0 until capture_stop; in immediate
# mode, so that the packets of the last moment are not left in the kernel's
# buffer when it is stopped.
capture_start() {
	_cap_file=$1
	: >"$_cap_file.err"
	ip netns exec h1 tcpdump -i veth0 -n -U --immediate-mode -s 256 -B 16384 \
		-w "$_cap_file" ip6 2>"$_cap_file.err" &
	_cap_pid=$!
	wait_for 30 grep -q 'listening on' "$_cap_file.err"
}

capture_stop() {
	kill -INT "$_cap_pid" 2>/dev/null
	wait "$_cap_pid" 2>/dev/null
	_cap_pid=
}
# shellcheck disable=SC2016 # expanded when the test exits
at_exit eval '[[ -n ${_cap_pid:-} ]] && capture_stop'

capture_lost() {
	local n
	n=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$1.err")
	echo "${n:-none}"
}

LC_BORDER=$(printf '_%.0s' $(seq 1 60))

lc_win_files() {
	local d=$1 me=$2 peer=$3 proto=$4 alg=$5 out=$6 in=$7 ext=${8:-}
	local sa_out=${9:-2} sa_in=${10:-1}
	mkdir -p "$d"
	cat >"$d/cfg.spd" <<-EOF

	Security Policy List

	Policy RemoteIPAddr LocalIPAddr Protocol RemotePort LocalPort IPSecProtocol IPSecMode RemoteGWIPAddr SABundleIndex Direction Action InterfaceIndex
	$LC_BORDER
	2 - ${peer^^} - ${me^^} - * - * - * $proto TRANSPORT * NONE BIDIRECT APPLY 0 ;
	1 - * - * - * - * - * NONE * * NONE BIDIRECT BYPASS 0 ;
	$LC_BORDER
	EOF
	cat >"$d/cfg.sad" <<-EOF

	Security Association List

	SAEntry SPI SADestIPAddr DestIPAddr SrcIPAddr Protocol DestPort SrcPort AuthAlg KeyFile Direction SecPolicyIndex
	$LC_BORDER
	$sa_out $out ${peer^^} POLICY POLICY POLICY POLICY POLICY $alg OUTBOUND 2$ext ;
	$sa_in $in ${me^^} POLICY POLICY POLICY POLICY POLICY $alg INBOUND 2$ext ;
	$LC_BORDER
	EOF
}
