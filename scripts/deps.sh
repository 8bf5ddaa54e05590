#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/deps.sh - install what building and testing ipsec6 needs.
#
# Idempotent: asks dpkg which packages are missing and only then runs
# apt-get update + apt-get install.  Silent when nothing is missing.
# Debian bookworm, non-interactive, as root.
set -euo pipefail

PKGS=(
	# build
	build-essential gcc make pkg-config libmnl-dev
	# kernels the suite runs on (the -amd64 metapackages pull the newest ABI)
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	# VM
	qemu-system-x86 busybox-static kmod cpio xz-utils zstd rsync binutils
	# guest tools
	iproute2 iputils-ping tcpdump tshark iperf3 ethtool socat procps
	nftables iptables python3 python3-scapy python3-yaml bash-completion
	# netlink code generation and the tests' netlink library: the kernel's
	# YNL (scripts/ynl.sh extracts it from the 6.12 source)
	linux-source-6.12 python3-jsonschema
	# lint
	sparse linux-source-6.1 shellcheck man-db groff-base
	# strongSwan: charon and its tools in the guests; the plugin's build
	# (tools/strongswan/configure-strongswan.sh configures strongSwan's
	# source like Debian, which checks for these libraries)
	strongswan-charon strongswan-swanctl strongswan-pki
	libgmp-dev libssl-dev libgcrypt20-dev libcap-dev bzip2
)

# The plugin is built against the source of the installed strongSwan,
# fetched with "apt-get source": that needs deb-src entries.  Without any,
# add them for the archives the deb entries name (deb822 .sources stanzas,
# or one-line .list entries).
SRC_LIST=/etc/apt/sources.list.d/ipsec6-src
need_update=0
have_deb_src() {
	grep -rqsE '^[[:space:]]*(Types:.*[[:space:]]deb-src([[:space:]]|$)|deb-src[[:space:]])' \
		/etc/apt/sources.list /etc/apt/sources.list.d/
}
add_deb_src() {
	local f
	shopt -s nullglob
	for f in /etc/apt/sources.list.d/*.sources; do
		awk 'BEGIN { RS = ""; ORS = "\n\n" }
			/(^|\n)Types:[^\n]*[[:space:]]deb([[:space:]]|\n|$)/ &&
			!/(^|\n)Enabled:[[:space:]]*no/ {
				sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, "")
				print }' "$f"
	done >"$SRC_LIST.sources.new"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f"
	done >"$SRC_LIST.list.new"
	shopt -u nullglob
	for f in "$SRC_LIST.sources" "$SRC_LIST.list"; do
		if [[ -s $f.new ]]; then
			mv "$f.new" "$f"
		else
			rm -f "$f.new"
		fi
	done
}
if ! have_deb_src; then
	if ((EUID != 0)); then
		echo "deps: no deb-src entry for apt-get source; run as root" >&2
		exit 1
	fi
	add_deb_src
	need_update=1
fi

ynl() { # YNL extracted into /var/cache/ipsec6/ynl (silent when it is)
	bash "$(dirname "${BASH_SOURCE[0]}")/ynl.sh" >/dev/null
}

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ $st == ii* ]] || missing+=("$p")
done
((${#missing[@]} || need_update)) || { ynl; exit 0; }

if ((EUID != 0)); then
	echo "deps: missing packages: ${missing[*]}; run as root" >&2
	exit 1
fi

((${#missing[@]})) && echo "deps: installing ${missing[*]}" >&2
log=$(mktemp /tmp/ipsec6-deps.XXXXXX.log)
export DEBIAN_FRONTEND=noninteractive
# Don't rebuild the man-page index on every install (slow; man -l needs none).
echo 'man-db man-db/auto-update boolean false' | debconf-set-selections 2>/dev/null || true
# An unreachable third-party source makes update warn; install then tells
# whether the Debian archive was enough.
apt-get update >"$log" 2>&1 || echo "deps: apt-get update failed (continuing)" >&2
if ((${#missing[@]})) && ! apt-get install -y --no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	"${missing[@]}" </dev/null >>"$log" 2>&1; then
	tail -n 40 "$log" >&2
	echo "deps: apt-get install failed (full log: $log)" >&2
	exit 1
fi
rm -f "$log"
ynl
echo "deps: done" >&2
