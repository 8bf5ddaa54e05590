#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/fuzz/run.sh OUT SECONDS TARGET...: run each libFuzzer target built
# in OUT over its committed corpus (tests/fuzz/corpus/TARGET), then fuzz it
# for SECONDS with a scratch copy of the corpus.  Prints one line per
# target: "TARGET: N runs in S s, corpus A -> B, OK|CRASH"; exits non-zero
# if a target crashed (its reproducer is OUT/crash-TARGET-*).
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=$1 secs=$2
shift 2
rc=0
for t in "$@"; do
	work=$out/work-$t
	rm -rf "$work"
	mkdir -p "$work"
	cp "$here/corpus/$t"/* "$work/" 2>/dev/null
	before=$(find "$work" -type f | wc -l)
	log=$out/$t.log
	# -close_fd_mask=3: the tool's own messages (stderr) are dropped;
	# libFuzzer and the sanitizers keep writing to a copy of stderr.
	"$out/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -close_fd_mask=3 \
		-artifact_prefix="$out/crash-$t-" "$work" >"$log" 2>&1
	st=$?
	runs=$(awk -F: '/stat::number_of_executed_units/ { print $NF + 0 }' "$log")
	after=$(find "$work" -type f | wc -l)
	if ((st == 0)); then
		echo "$t: ${runs:-0} runs in $secs s, corpus $before -> $after, OK"
	else
		echo "$t: CRASH (exit $st), see $log and $out/crash-$t-*"
		grep -E 'ERROR|SUMMARY|_fuzz:|runtime error' "$log" | head -5
		rc=1
	fi
done
exit $rc
