#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The multi-version tables (module/tables.c and the structures under it:
# spd_index.c, sad_index.c, hash.c, spd_lookup.c) against a naive model,
# in userspace: compiled with the stand-in kernel headers of
# tests/host/shim/, the selector match taken from module/selector.c and
# the SA predicates from module/sad.c as they are; tests/host/tables-diff.c
# drives random change sets and checks every generation a reader may still
# hold (under ASan and UBSan when the compiler has them).
# TABLES_DIFF_SEED picks another random sequence.
# timeout: 300
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tables-diff.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# ipsec6_selector_init_any() .. the end of ipsec6_selector_match()
{
	echo '#include "selector.h"'
	awk '/^void ipsec6_selector_init_any/ { on = 1 }
	     on { print }
	     /^bool ipsec6_selector_match/ { last = 1 }
	     last && /^}/ { exit }' "$REPO/module/selector.c"
} >"$WORK/selector.c"
# ipsec6_sad_tunnel_ok() .. the end of ipsec6_sad_match_flow()
{
	echo '#include "sad.h"'
	echo '#include "selector.h"'
	echo '#include "spd.h"'
	awk '/^bool ipsec6_sad_tunnel_ok/ { on = 1 }
	     on { print }
	     /^bool ipsec6_sad_match_flow/ { last = 1 }
	     last && /^}/ { exit }' "$REPO/module/sad.c"
} >"$WORK/sad_match.c"
if ! grep -q '^bool ipsec6_selector_match' "$WORK/selector.c" ||
	! grep -q '^bool ipsec6_sad_match_flow' "$WORK/sad_match.c"; then
	echo "1..0 # SKIP could not extract the matches from module/selector.c, sad.c"
	exit 0
fi

CFLAGS=(-O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare
	-Wno-pointer-arith -include "$REPO/tests/host/shim/shim.h"
	-I "$REPO/tests/host/shim" -I "$REPO/module")
# shellcheck disable=SC2054
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
if echo 'int main(void){return 0;}' | cc "${SAN[@]}" -x c - -o "$WORK/san" 2>/dev/null &&
	"$WORK/san"; then
	CFLAGS+=("${SAN[@]}")
fi
SRC=("$REPO/tests/host/tables-diff.c" "$REPO/tests/host/shim/shim.c"
	"$REPO/module/tables.c" "$REPO/module/spd_index.c"
	"$REPO/module/sad_index.c" "$REPO/module/hash.c"
	"$REPO/module/spd_lookup.c" "$WORK/selector.c" "$WORK/sad_match.c")
if ! cc "${CFLAGS[@]}" "${SRC[@]}" -o "$WORK/tables-diff" 2>"$WORK/cc.log"; then
	echo "1..1"
	echo "not ok 1 - build tables-diff"
	sed 's/^/# /' "$WORK/cc.log"
	exit 1
fi
sed 's/^/# /' "$WORK/cc.log"
"$WORK/tables-diff" "${TABLES_DIFF_SEED:-20261206}"
