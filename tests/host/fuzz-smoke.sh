#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The libFuzzer targets of tests/fuzz/ (the .spd/.sad reader and writer,
# the ip-xfrm grammar, module/selector.c, module/replay.c; ASan + UBSan)
# build, and each runs over its committed corpus and then fuzzes for a few
# seconds (FUZZ_SECONDS, default 5) without a crash.  Skipped without
# clang's libFuzzer.  The long run is "make fuzz".
# timeout: 240
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${BUILD_DIR:-$repo/build}/fuzz
secs=${FUZZ_SECONDS:-5}
targets=(winfile xfrm selector replay)

if ! command -v "${CLANG:-clang}" >/dev/null 2>&1; then
	echo "1..0 # SKIP clang is not installed (apt-get install clang)"
	exit 0
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' \
	>"$probe/t.c"
if ! "${CLANG:-clang}" -fsanitize=fuzzer,address "$probe/t.c" -o "$probe/t" \
	>"$probe/log" 2>&1; then
	echo "1..0 # SKIP clang has no libFuzzer runtime (-fsanitize=fuzzer)"
	exit 0
fi

echo "1..$((1 + ${#targets[@]}))"
if make -s -C "$repo/tests/fuzz" OUT="$out" >"$probe/build" 2>&1; then
	echo "ok 1 - the libFuzzer targets build (${targets[*]})"
else
	echo "not ok 1 - the libFuzzer targets build"
	sed 's/^/# /' "$probe/build" | head -n 40
	n=1
	for t in "${targets[@]}"; do
		n=$((n + 1))
		echo "not ok $n - $t: not built"
	done
	exit 1
fi
n=1 rc=0
for t in "${targets[@]}"; do
	n=$((n + 1))
	if res=$("$repo/tests/fuzz/run.sh" "$out" "$secs" "$t"); then
		echo "ok $n - $res"
	else
		echo "not ok $n - $t crashed"
		printf '# %s\n' "${res//$'\n'/$'\n'# }"
		rc=1
	fi
done
exit $rc
