#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/ynl.sh - print the directory of the kernel's YNL tools
# (tools/net/ynl: ynl-gen-c.py and the Python library lib/), extracting
# them and the spec schemas (Documentation/netlink/*.yaml) from Debian's
# linux-source-6.12 tarball into /var/cache/ipsec6/ynl the first time.
# Nothing of the kernel's tree is copied into this repository: the code
# generator (scripts/ynl-gen.sh) and the tests (tests/ynl_ipsec6.py) use
# it from there; guests see the host's / over 9p.
#
# YNL_ROOT=DIR overrides the cache (it must hold linux-source-6.12/).
set -euo pipefail

root=${YNL_ROOT:-/var/cache/ipsec6/ynl}
src=$root/linux-source-6.12
tarball=/usr/src/linux-source-6.12.tar.xz

if [[ ! -f $src/tools/net/ynl/ynl-gen-c.py ||
	! -f $src/Documentation/netlink/genetlink-legacy.yaml ]]; then
	if [[ ! -f $tarball ]]; then
		echo "ynl: $tarball missing; install linux-source-6.12 (scripts/deps.sh)" >&2
		exit 1
	fi
	mkdir -p "$root"
	tmp=$(mktemp -d "$root/.extract.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	tar -xJf "$tarball" -C "$tmp" \
		linux-source-6.12/tools/net/ynl \
		--wildcards 'linux-source-6.12/Documentation/netlink/*.yaml'
	mkdir -p "$src"
	cp -a "$tmp/linux-source-6.12/." "$src/"
fi
echo "$src/tools/net/ynl"
