#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MOBIKE (RFC 4555) moves a CHILD_SA to a new address in place: charon
# calls update_sa, which the kernel-ipsec6 plugin does with SA_GET and
# SA_UPDATE (new SRC/DST, the module keeps the keys).
#
#   h1 ipsec6 (charon a, initiator)   h2 XFRM (charon b)
#   2001:db8::1 -> 2001:db8::11       2001:db8::2
#
# h1's address changes (a second one added, the first removed); charon a
# sends UPDATE_SA_ADDRESSES and updates its SAs.  ipsec6ctl then lists the
# same SPIs with the new addresses, and traffic flows from the new address,
# ESP only on the wire.  (A plugin without update_sa makes charon rekey the
# CHILD_SA instead: new SPIs.)
# timeout: 240
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ike_lib.sh"

H1=2001:db8::1 H1B=2001:db8::11 H2=2001:db8::2

ping_ok() {
	ip netns exec "$1" ping -n -c 5 -i 0.2 -W 2 "$2"
}

# sa_at NS SPI SRC DST: ipsec6ctl lists SA SPI (hex) from SRC to DST.
sa_at() {
	ctl "$1" sa list | awk -v spi="$2" -v want="src $3 dst $4" '
		/^src / { at = $0 }
		$0 ~ "spi 0x" spi "\\(" && at == want { ok = 1 }
		END { exit !ok }'
}

# moved IN OUT: both SAs of h1, same SPIs, on the new address.
moved() {
	sa_at h1 "$1" $H2 $H1B && sa_at h1 "$2" $H1B $H2
}

# conf NAME CONN LADDR RADDR LID RID: swanctl.conf (MOBIKE is on by default).
conf() {
	echo "connections {"
	ike_conn "$2" "$3" "$4" "$5" "$6" psk transport none
	echo "}"
	ike_secrets h1 h2
}

load_all() {
	ike_load a "$(conf a x2 %any $H2 h1 h2)" &&
		ike_load b "$(conf b x1 $H2 %any h2 h1)"
}

plan_no
ike_require
check "module loads" load_module
check "h1 and h2 on br0" ike_link 1 2
check "ESP algorithms instantiated" ike_warm_crypto
check "charon on ipsec6 in h1, on XFRM in h2" eval \
	'charon_start a h1 ipsec6 && charon_start b h2 xfrm'
check "configurations loaded (MOBIKE, h1 from any address)" load_all
check "capture on br0" ike_capture_start
check "h1 initiates to h2" swan a --initiate --child x2
check "h1 reaches h2" ping_ok h1 $H2
spis=$(ike_child_spis a)
read -r spi_in spi_out <<<"$spis"
check "one CHILD_SA (in $spi_in, out $spi_out)" test -n "$spi_out"
check "ipsec6ctl on h1 lists it on $H1" sa_at h1 "$spi_out" $H1 $H2
# The new address needs no Neighbour Discovery under the new policies.
check "h1 moves from $H1 to $H1B" eval "
	ip -n h2 neigh replace $H1B lladdr $(_ike_mac 1) dev eth0 nud permanent &&
	ip -n h1 addr add $H1B/64 dev eth0 nodad &&
	ip -n h1 addr del $H1/64 dev eth0"
check "ipsec6ctl lists the same SPIs on $H1B (update_sa, no rekey)" \
	wait_for 30 moved "$spi_in" "$spi_out"
check "charon a still has the CHILD_SA $spi_in/$spi_out" \
	test "$(ike_child_spis a)" == "$spis"
check "h1 reaches h2 from $H1B" ping_ok h1 $H2
check "h2 reaches h1 at $H1B" ping_ok h2 $H1B
check "the plugin moved both SAs" \
	test "$(grep -c "ipsec6: SA .* now " "$IKE_DIR/a/charon.log")" -eq 2
check "capture stopped" ike_capture_stop
check "no cleartext between h2 and either address of h1" eval \
	"ike_cleartext $H1 $H2 && ike_cleartext $H1B $H2"
dmesg_clean "no kernel splat"
