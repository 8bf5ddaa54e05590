# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tests/ike_lib.sh - strongSwan's charon in guest namespaces, on ipsec6 (the
# kernel-ipsec6 plugin) or on Linux XFRM, for tests/7x-ike*.sh.  Sourced
# after tests/lib.sh.
#
#   ike_link 1 2 3          namespaces h1 h2 h3 on one link: the bridge br0
#                           of namespace "wire" (no IPsec endpoint: what a
#                           capture there sees is what travels); hN has
#                           eth0, MAC 00:aa:00:00:00:0N, 2001:db8::N/64 and
#                           static neighbours (a trap policy for all
#                           traffic between two hosts would also catch
#                           Neighbour Discovery)
#   ike_lan N               a site behind hN: namespace sN, 2001:db8:N::10,
#                           hN routes for it (2001:db8:N::1 on lan0), the
#                           other hosts route 2001:db8:N::/64 via hN
#   charon_start NAME NS ipsec6|xfrm
#                           a charon of its own in NS: its own /run (the
#                           pid file is fixed), vici socket, log, config in
#                           $IKE_DIR/NAME; on ipsec6, Debian's plugins plus
#                           ours bind-mounted over /usr/lib/ipsec/plugins and
#                           kernel-ipsec6.conf included; Debian's
#                           strongswan.conf otherwise, bypass-lan off
#   charon_spawn NAME NS STACK / charon_up NAME
#                           the same in two steps (start several at once)
#   charon_kill NAME [SIG]  stops it (TERM, or kill -9 with KILL)
#   swan NAME CMD ARGS...   swanctl CMD on NAME's vici socket
#   ike_load NAME CONF      swanctl.conf for NAME, loaded (conns, secrets,
#                           certificates from its x509/, x509ca/, private/)
#   ike_conn NAME LADDR RADDR LID RID psk|pubkey MODE START [LTS [RTS]]
#                           a swanctl connection NAME with one CHILD_SA NAME
#                           ($IKE_PROPOSALS, $IKE_ESP; $IKE_CONN_OPTS and
#                           $IKE_CHILD_OPTS are added to the sections)
#   ike_secrets ID...       the PSK of all these IDs
#   ike_pki NAME:ID...      a CA, and for daemon NAME an ECDSA key and
#                           certificate (CN and SAN = ID, its IKE id):
#                           x509/ID.crt, private/ID.key, x509ca/ca.crt
#   ike_warm_crypto         instantiates the ESP algorithms once (a first
#                           SA would otherwise wait seconds for modprobe)
#   ike_wait_child NAME CHILD [TIMEOUT_S]
#                           until NAME's log says CHILD was established
#   ike_child_spis NAME     "IN OUT" SPIs of NAME's installed CHILD_SAs, one
#                           line each (hex, as swanctl prints them)
#   ike_spis_match NAME NS  the SPIs of NAME's CHILD_SAs are the SAs that
#                           ipsec6ctl lists in NS, retried until a probe
#                           falls between two rekeys (prints the last if not)
#   ike_ping NS DST COUNT   ping at 10/s; prints "RECEIVED FIRST_SEQ" (0 if
#                           none came back), output in $IKE_DIR/ping.NS
#   ike_log_mark NAME       the number of lines in NAME's log now
#   ike_acquire_ms NAME CHILD MARK
#                           milliseconds from the first acquire in NAME's
#                           log after line MARK (kernel-ipsec6's "ipsec6:
#                           acquire", kernel-netlink's XFRM_MSG_ACQUIRE) to
#                           CHILD's "established" (its SAs are installed)
#   ike_capture_start / ike_capture_stop / ike_cleartext A B
#                           tcpdump on br0; packets between A and B that
#                           are neither AH/ESP nor IKE nor ND
#   ike_stream_start FROM TO DST PORT N RATE TIMEOUT / ike_stream_wait /
#   ike_stream_result PORT
#                           N numbered UDP datagrams at RATE/s from
#                           namespace FROM to DST:PORT (in namespace TO);
#                           the result is how many distinct ones arrived
# Everything is stopped and removed at exit; the charon logs and the
# ping/stream results are kept in $RESULTS/TEST.ike/.

IKE_DIR=${TMPDIR:-/tmp}/ike
IKE_PLUGIN=${IKE_PLUGIN:-$REPO/tools/strongswan/libstrongswan-kernel-ipsec6.so}
IKE_PLUGIN_CONF=$REPO/tools/strongswan/kernel-ipsec6.conf
declare -A IKE_PID=()
IKE_HOSTS=()

ike_require() {
	require_cmd tcpdump unshare python3
	[[ -x /usr/lib/ipsec/charon ]] || skip_all "strongswan-charon is not installed"
	command -v swanctl >/dev/null || skip_all "strongswan-swanctl is not installed"
	[[ -f $IKE_PLUGIN ]] ||
		skip_all "no $IKE_PLUGIN (make strongswan)"
}

_ike_mac() {
	printf '00:aa:00:00:00:%02x' "$1"
}

ike_link() {
	local n m
	mkdir -p "$IKE_DIR" || return 1
	ns_create wire || return 1
	ip -n wire link add br0 type bridge || return 1
	ip -n wire link set br0 up || return 1
	for n in "$@"; do
		ns_create "h$n" || return 1
		ip netns exec "h$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 || return 1
		ip link add name eth0 netns "h$n" address "$(_ike_mac "$n")" type veth \
			peer name "p$n" netns wire || return 1
		ip -n wire link set "p$n" master br0 up || return 1
		ip -n "h$n" link set eth0 up || return 1
		ip -n "h$n" addr add "2001:db8::$n/64" dev eth0 nodad || return 1
		IKE_HOSTS+=("$n")
	done
	for n in "$@"; do
		for m in "$@"; do
			[[ $n == "$m" ]] && continue
			ip -n "h$n" neigh replace "2001:db8::$m" lladdr "$(_ike_mac "$m")" \
				dev eth0 nud permanent || return 1
		done
	done
}

ike_lan() {
	local n=$1 m
	ns_create "s$n" || return 1
	ip link add name lan0 netns "h$n" type veth peer name lan0 netns "s$n" || return 1
	ip netns exec "h$n" sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
	ip netns exec "s$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.lan0.accept_dad=0 || return 1
	ip -n "h$n" link set lan0 up || return 1
	ip -n "s$n" link set lan0 up || return 1
	ip -n "h$n" addr add "2001:db8:$n::1/64" dev lan0 nodad || return 1
	ip -n "s$n" addr add "2001:db8:$n::10/64" dev lan0 nodad || return 1
	ip -n "s$n" route add default via "2001:db8:$n::1" || return 1
	for m in "${IKE_HOSTS[@]}"; do
		[[ $m == "$n" ]] && continue
		ip -n "h$m" route add "2001:db8:$n::/64" via "2001:db8::$n" || return 1
	done
}

# ---- charon --------------------------------------------------------------

# The plugin directory of an ipsec6 charon: Debian's plugins (reached
# through a second bind mount, since the first hides their directory) and
# ours.
_ike_plugindir() {
	local d=$IKE_DIR/plugins f
	[[ -d $d ]] && return 0
	mkdir -p "$d" "$IKE_DIR/debian-plugins" || return 1
	for f in /usr/lib/ipsec/plugins/*.so; do
		ln -s "$IKE_DIR/debian-plugins/${f##*/}" "$d/${f##*/}" || return 1
	done
	ln -sf "$IKE_PLUGIN" "$d/${IKE_PLUGIN##*/}"
}

charon_spawn() {
	local name=$1 ns=$2 stack=$3 d=$IKE_DIR/$1 mounts='' plugins=
	mkdir -p "$d/x509" "$d/x509ca" "$d/private" || return 1
	rm -f "$d/charon.vici"
	# A restart starts a new log (waits look for lines in it).
	[[ -f $d/charon.log ]] && cat "$d/charon.log" >>"$d/charon.log.old" &&
		rm -f "$d/charon.log"
	if [[ $stack == ipsec6 ]]; then
		_ike_plugindir || return 1
		plugins="include $IKE_PLUGIN_CONF"
		mounts="mount --bind /usr/lib/ipsec/plugins $IKE_DIR/debian-plugins &&
			mount --bind $IKE_DIR/plugins /usr/lib/ipsec/plugins &&"
	fi
	cat >"$d/strongswan.conf" <<-EOF
	include /etc/strongswan.conf
	charon {
		plugins {
			$plugins
			bypass-lan {
				load = no
			}
			vici {
				socket = unix://$d/charon.vici
			}
		}
		filelog {
			log {
				path = $d/charon.log
				time_format = %s
				time_add_ms = yes
				default = 1
				knl = 2
				flush_line = yes
			}
		}
	}
	EOF
	# shellcheck disable=SC2016 # expanded by the inner bash
	ip netns exec "$ns" unshare -m --propagation private bash -c \
		"mount -t tmpfs ike-run /run && $mounts
		 exec env STRONGSWAN_CONF=$d/strongswan.conf /usr/lib/ipsec/charon" \
		>"$d/charon.out" 2>&1 </dev/null &
	IKE_PID[$name]=$!
}

# charon_up NAME: until its vici socket is there.
charon_up() {
	local d=$IKE_DIR/$1
	wait_for 60 test -S "$d/charon.vici" && return 0
	cat "$d/charon.out"
	return 1
}

charon_start() {
	charon_spawn "$@" && charon_up "$1"
}

charon_kill() {
	local name=$1 sig=${2:-TERM} pid=${IKE_PID[$1]:-}
	[[ -n $pid ]] || return 0
	kill "-$sig" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "IKE_PID[$name]"
	return 0
}

_ike_cleanup() {
	local name keep=${RESULTS:+$RESULTS/${0##*/}.ike}
	for name in "${!IKE_PID[@]}"; do
		charon_kill "$name"
	done
	# The daemons' logs stay with the results (results/KVER/TEST.ike/).
	if [[ -n $keep && -d $IKE_DIR ]]; then
		mkdir -p "$keep" &&
			for name in "$IKE_DIR"/*/charon.log*; do
				[[ -f $name ]] || continue
				cp "$name" "$keep/$(basename "$(dirname "$name")").${name##*/}"
			done
		cp "$IKE_DIR"/ping.* "$IKE_DIR"/stream.* "$keep/" 2>/dev/null
	fi
	_ike_capture_kill
	for name in "${IKE_STREAM_PID[@]}"; do
		kill "$name" 2>/dev/null
	done
	return 0
}
at_exit _ike_cleanup

# swanctl and pki load only the plugins they need here: each of them
# loading all of Debian's costs seconds per call in a TCG guest.
_ike_tools_conf() {
	[[ -f $IKE_DIR/tools.conf ]] && return 0
	mkdir -p "$IKE_DIR" &&
		cat >"$IKE_DIR/tools.conf" <<-EOF
		swanctl {
			load = pem pkcs1 pkcs8 x509 pubkey openssl random nonce
		}
		pki {
			load = pem pkcs1 pkcs8 x509 pubkey openssl random nonce sha1 sha2
		}
		EOF
}

swan() {
	local name=$1 cmd=$2
	shift 2
	_ike_tools_conf || return 1
	STRONGSWAN_CONF=$IKE_DIR/tools.conf swanctl "$cmd" \
		--uri "unix://$IKE_DIR/$name/charon.vici" "$@"
}

ike_load() {
	local name=$1
	printf '%s\n' "$2" >"$IKE_DIR/$name/swanctl.conf" || return 1
	swan "$name" --load-all --noprompt --file "$IKE_DIR/$name/swanctl.conf"
}

ike_pki() {
	local d=$IKE_DIR/pki p name id
	mkdir -p "$d" && _ike_tools_conf || return 1
	local -x STRONGSWAN_CONF=$IKE_DIR/tools.conf
	if [[ ! -f $d/ca.crt ]]; then
		pki --gen --type ecdsa --size 256 --outform pem >"$d/ca.key" &&
			pki --self --ca --lifetime 30 --in "$d/ca.key" --type ecdsa \
				--dn "CN=ipsec6 test CA" --outform pem >"$d/ca.crt" ||
			return 1
	fi
	for p in "$@"; do
		name=${p%%:*} id=${p#*:}
		mkdir -p "$IKE_DIR/$name/x509" "$IKE_DIR/$name/x509ca" \
			"$IKE_DIR/$name/private" || return 1
		pki --gen --type ecdsa --size 256 --outform pem \
			>"$IKE_DIR/$name/private/$id.key" || return 1
		pki --issue --lifetime 30 --in "$IKE_DIR/$name/private/$id.key" \
			--type priv --cacert "$d/ca.crt" --cakey "$d/ca.key" \
			--dn "CN=$id" --san "$id" --outform pem \
			>"$IKE_DIR/$name/x509/$id.crt" || return 1
		cp "$d/ca.crt" "$IKE_DIR/$name/x509ca/ca.crt" || return 1
	done
}

IKE_PROPOSALS=aes128-sha256-ecp256
IKE_ESP=aes128gcm16-esn
IKE_PSK="ipsec6 test secret"

ike_conn() {
	local name=$1 la=$2 ra=$3 lid=$4 rid=$5 auth=$6 mode=$7 start=$8
	local lts=${9:-dynamic} rts=${10:-dynamic} cert=
	[[ $auth == pubkey ]] && cert="certs = $lid.crt"
	cat <<-EOF
	$name {
		local_addrs = $la
		remote_addrs = $ra
		proposals = $IKE_PROPOSALS
		${IKE_CONN_OPTS:-}
		local {
			auth = $auth
			id = $lid
			$cert
		}
		remote {
			auth = $auth
			id = $rid
		}
		children {
			$name {
				mode = $mode
				local_ts = $lts
				remote_ts = $rts
				esp_proposals = $IKE_ESP
				start_action = $start
				${IKE_CHILD_OPTS:-}
			}
		}
	}
	EOF
}

ike_secrets() {
	local i=0 id
	echo "secrets {"
	echo "	ike-psk {"
	for id in "$@"; do
		i=$((i + 1))
		echo "		id-$i = $id"
	done
	echo "		secret = \"$IKE_PSK\""
	echo "	}"
	echo "}"
}

ike_warm_crypto() {
	local k=0x0102030405060708090a0b0c0d0e0f1011121314
	ns_create ikewarm || return 1
	ip -n ikewarm xfrm state add src ::1 dst ::2 proto esp spi 0x100 \
		mode transport aead 'rfc4106(gcm(aes))' "$k" 128 || return 1
	ctl ikewarm sa add src ::1 dst ::2 proto esp spi 0x100 mode transport \
		aead 'rfc4106(gcm(aes))' "$k" 128 || return 1
	ip netns del ikewarm
}

# ---- state -----------------------------------------------------------------

# From the log: polling swanctl costs seconds per call under TCG.
_ike_child_up() {
	grep -qE "CHILD_SA $2\{[0-9]+\} established" "$IKE_DIR/$1/charon.log"
}

ike_wait_child() {
	wait_for "${3:-30}" _ike_child_up "$1" "$2"
}

ike_child_spis() {
	swan "$1" --list-sas --raw 2>/dev/null |
		grep -o 'state=INSTALLED[^}]*spi-in=[0-9a-f]* spi-out=[0-9a-f]*' |
		sed 's/.*spi-in=\([0-9a-f]*\) spi-out=\([0-9a-f]*\)/\1 \2/'
}

ike_charon_spis() {
	swan "$1" --list-sas --raw 2>/dev/null |
		grep -oE 'spi-(in|out)=[0-9a-f]+' | sed 's/.*=//' | sort -u
}

ike_kernel_spis() {
	local spi
	ctl "$1" sa list 2>/dev/null | grep -oE 'spi 0x[0-9a-f]+' |
		while read -r _ spi; do
			printf '%08x\n' "$spi"
		done | sort -u
}

# One probe: the kernel's SAs, then charon's, then the kernel's again.
# swanctl takes seconds under TCG (more on the debug kernel), and a rekey
# (every ~16 s there) can fall inside it, so charon's list is compared with
# both kernel lists: every SA the kernel had before and after must be one
# charon lists (no SA left behind), and every SA charon lists must be one
# the kernel had before or after (none missing).  An SA that came or went
# during the probe is in one kernel list only and decides nothing.
_ike_spis_same() {
	local c k1 k2
	k1=$(ike_kernel_spis "$2")
	c=$(ike_charon_spis "$1")
	k2=$(ike_kernel_spis "$2")
	printf 'ipsec6ctl: %s\ncharon:    %s\nipsec6ctl: %s\n' "${k1//$'\n'/ }" \
		"${c//$'\n'/ }" "${k2//$'\n'/ }" >"$IKE_DIR/spis.$2"
	[[ -n $c ]] || return 1
	# in both kernel lists but not in charon's
	[[ -z $(comm -23 <(comm -12 <(echo "$k1") <(echo "$k2")) <(echo "$c")) ]] ||
		return 1
	# in charon's but in neither kernel list
	[[ -z $(comm -23 <(echo "$c") <(sort -u <(echo "$k1") <(echo "$k2"))) ]]
}

ike_spis_match() {
	wait_for 40 _ike_spis_same "$1" "$2" && return 0
	echo "last probe (ipsec6ctl in $2, charon $1, ipsec6ctl again):"
	cat "$IKE_DIR/spis.$2"
	return 1
}

ike_ping() {
	local ns=$1 dst=$2 n=$3 out=$IKE_DIR/ping.$1 first
	ip netns exec "$ns" ping -n -c "$n" -i 0.1 -W 1 "$dst" >"$out" 2>&1
	first=$(grep -m1 -o 'icmp_seq=[0-9]*' "$out")
	echo "$(grep -c 'bytes from' "$out") ${first#icmp_seq=}"
}

ike_log_mark() {
	wc -l <"$IKE_DIR/$1/charon.log"
}

# Log lines start with the time in seconds and milliseconds (time_add_ms).
ike_acquire_ms() {
	tail -n +"$(($3 + 1))" "$IKE_DIR/$1/charon.log" | awk -v child="$2" '
		!t && /ipsec6: acquire|received a XFRM_MSG_ACQUIRE/ { t = $1 }
		t && index($0, "CHILD_SA " child "{") && /established/ {
			printf "%d\n", ($1 - t) * 1000 + 0.5
			exit
		}'
}

# ---- the wire --------------------------------------------------------------

IKE_CAP=
IKE_CAP_PID=

ike_capture_start() {
	IKE_CAP=$IKE_DIR/wire.pcap
	: >"$IKE_CAP.err"
	ip netns exec wire tcpdump -i br0 -n -U --immediate-mode -s 128 \
		-B 8192 -w "$IKE_CAP" ip6 2>"$IKE_CAP.err" &
	IKE_CAP_PID=$!
	wait_for 30 grep -q 'listening on' "$IKE_CAP.err"
}

_ike_capture_kill() {
	[[ -n $IKE_CAP_PID ]] || return 0
	kill "$IKE_CAP_PID" 2>/dev/null
	wait "$IKE_CAP_PID" 2>/dev/null
	IKE_CAP_PID=
}

ike_capture_stop() {
	_ike_capture_kill
	test -s "$IKE_CAP"
}

# ike_cleartext A B: packets between A and B in the capture that are
# neither AH, ESP, IKE (UDP 500/4500) nor Neighbour Discovery; prints them
# (at most 10) and fails if there is one.
ike_cleartext() {
	local out
	out=$(tcpdump -nn -r "$IKE_CAP" "ip6 host $1 and ip6 host $2 and
		not (ip6 proto 50 or ip6 proto 51 or udp port 500 or udp port 4500
		or (icmp6 and ip6[40] >= 133 and ip6[40] <= 137))" 2>/dev/null)
	[[ -z $out ]] && return 0
	echo "$(wc -l <<<"$out") cleartext packets between $1 and $2:"
	head -n 10 <<<"$out"
	return 1
}

# ---- traffic ---------------------------------------------------------------

declare -A IKE_STREAM_PID=()

# ike_stream_start FROM_NS TO_NS DST PORT N RATE TIMEOUT_S: N datagrams
# numbered 0..N-1 from FROM_NS to DST:PORT (a receiver in TO_NS), RATE per
# second; the receiver gives up TIMEOUT_S after it started.
ike_stream_start() {
	local from=$1 to=$2 dst=$3 port=$4 n=$5 rate=$6 t=$7 out=$IKE_DIR/stream.$4
	rm -f "$out" "$out.ready"
	ip netns exec "$to" python3 "$REPO/tests/ike_stream.py" recv "$port" \
		"$out" "$n" "$t" &
	IKE_STREAM_PID[$port]=$!
	wait_for 30 test -f "$out.ready" || return 1
	ip netns exec "$from" python3 "$REPO/tests/ike_stream.py" send "$dst" \
		"$port" "$n" "$rate" >/dev/null 2>&1 &
}

# ike_stream_wait: waits for the receivers (each stops when all its
# datagrams came, or at its timeout).  Not in a $(...): a subshell cannot
# wait for them.
ike_stream_wait() {
	local port
	for port in "${!IKE_STREAM_PID[@]}"; do
		wait "${IKE_STREAM_PID[$port]}" 2>/dev/null
		unset "IKE_STREAM_PID[$port]"
	done
}

# ike_stream_result PORT: how many distinct datagrams arrived (after
# ike_stream_wait).
ike_stream_result() {
	cat "$IKE_DIR/stream.$1" 2>/dev/null || echo 0
}
