#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/ynl-gen.sh [--check] - generate, from the netlink spec
# Documentation/netlink/ipsec6.yaml, with the kernel's own ynl-gen-c:
#   module/uapi/ipsec6.h    the uapi header (enums, constants)
#   module/netlink-gen.h    the attribute policies and op table, declared
#   module/netlink-gen.c    ... and defined
# These files are committed and never edited by hand.  --check writes
# them to a temporary directory and fails (listing the difference) if the
# committed ones differ; tests/host/ynl-gen.sh runs it in "make check".
#
# ynl-gen-c wants the spec two levels under a directory holding its
# schema (genetlink-legacy.yaml) and a kernel tree root (a MAINTAINERS
# file) above it, which it names in the "generated from" line: a
# temporary tree provides both.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

check=0
[[ ${1:-} == --check ]] && check=1

ynl=$(bash scripts/ynl.sh)
spec=Documentation/netlink/ipsec6.yaml
tree=$(mktemp -d /tmp/ipsec6-ynl.XXXXXX)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/Documentation/netlink" "$tree/out"
: >"$tree/MAINTAINERS"
cp "$spec" "$tree/$spec"
ln -s "$ynl/../../../Documentation/netlink/genetlink-legacy.yaml" \
	"$tree/Documentation/genetlink-legacy.yaml"

gen() { # mode --header|--source out
	/usr/bin/python3 "$ynl/ynl-gen-c.py" --mode "$1" "$2" --spec "$tree/$spec" \
		-o "$tree/out/$3" >"$tree/log" 2>&1 || {
		cat "$tree/log" >&2
		echo "ynl-gen: ynl-gen-c --mode $1 $2 failed" >&2
		exit 1
	}
}
gen uapi --header ipsec6.h
gen kernel --header netlink-gen.h
gen kernel --source netlink-gen.c

rc=0
for f in uapi/ipsec6.h netlink-gen.h netlink-gen.c; do
	new=$tree/out/$(basename "$f")
	if ((check)); then
		if ! diff -u "module/$f" "$new" >&2; then
			echo "ynl-gen: module/$f is not what $spec generates (run scripts/ynl-gen.sh)" >&2
			rc=1
		fi
	elif ! cmp -s "$new" "module/$f"; then
		cp "$new" "module/$f"
		echo "ynl-gen: wrote module/$f"
	fi
done
exit $rc
