#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The SPD lookup structure (module/spd_lookup.c) against a naive
# first-match scan, in userspace: module/spd_lookup.c is compiled with the
# stand-in kernel headers of tests/host/shim/, the selector match is
# taken from module/selector.c as it is, and tests/host/spd-diff.c drives
# random policy sets and packets (under ASan and UBSan when the compiler
# has them).  SPD_DIFF_SEED picks another random sequence.
# timeout: 300
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/spd-diff.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# ipsec6_addr_cmp() .. the end of ipsec6_selector_match()
awk '/^static int ipsec6_addr_cmp/ { on = 1 }
     on { print }
     /^bool ipsec6_selector_match/ { last = 1 }
     last && /^}/ { exit }' "$REPO/module/selector.c" >"$WORK/match.c"
{
	echo '#include "selector.h"'
	echo 'void ipsec6_selector_init_any(struct ipsec6_sel *sel);'
	awk '/^void ipsec6_selector_init_any/ { on = 1 } on { print } on && /^}/ { exit }' \
		"$REPO/module/selector.c"
	cat "$WORK/match.c"
} >"$WORK/selector.c"
if ! grep -q '^bool ipsec6_selector_match' "$WORK/selector.c"; then
	echo "1..0 # SKIP could not extract the selector match from module/selector.c"
	exit 0
fi

CFLAGS=(-O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare
	-include "$REPO/tests/host/shim/shim.h"
	-I "$REPO/tests/host/shim" -I "$REPO/module")
# shellcheck disable=SC2054
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
if echo 'int main(void){return 0;}' | cc "${SAN[@]}" -x c - -o "$WORK/san" 2>/dev/null &&
	"$WORK/san"; then
	CFLAGS+=("${SAN[@]}")
fi
SRC=("$REPO/tests/host/spd-diff.c" "$REPO/tests/host/shim/shim.c"
	"$REPO/module/spd_lookup.c" "$WORK/selector.c")
if ! cc "${CFLAGS[@]}" "${SRC[@]}" -o "$WORK/spd-diff" 2>"$WORK/cc.log"; then
	echo "1..1"
	echo "not ok 1 - build spd-diff"
	sed 's/^/# /' "$WORK/cc.log"
	exit 1
fi
sed 's/^/# /' "$WORK/cc.log"
# The sanitized build checks memory and arithmetic; timings come from it too
# (slower than the kernel would be, limits are generous).
"$WORK/spd-diff" "${SPD_DIFF_SEED:-20240601}"
