#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipsec6ctl with 100,000-line batch files: parsing (a bad last line, so
# nothing is sent) and the whole --dry-run (requests planned, encoded and
# printed as one transaction) stay fast, with explicit and with automatic
# indexes.  Limits are on CPU time and generous; the
# measured times are printed as TAP comments.
# timeout: 180

. "$(dirname "$0")/ctl-lib.sh"

build_ctl
cd "$WORK" || exit 1

N=100000
PARSE_LIMIT=${CTL_PARSE_LIMIT:-3}
RUN_LIMIT=${CTL_RUN_LIMIT:-8}
KEY=0x0102030405060708090a0b0c0d0e0f1011121314

awk -v n=$N -v key=$KEY 'BEGIN {
	for (i = 0; i < n; i++)
		printf "sa add src 2001:db8::1 dst 2001:db8::%x:%x proto esp spi %d mode transport aead rfc4106(gcm(aes)) %s 128 replay-window 64 index %d\n", int(i / 65536) + 1, i % 65536, 1000 + i, key, i + 1
}' >explicit.batch
awk -v n=$N -v key=$KEY 'BEGIN {
	for (i = 0; i < n; i++)
		printf "sa add dst 2001:db8::%x:%x proto esp spi %d aead gcm %s 128\n", int(i / 65536) + 1, i % 65536, 1000 + i, key
}' >auto-sa.batch
awk -v n=$N 'BEGIN {
	for (i = 0; i < n; i++)
		printf "policy add src 2001:db8::%x:%x/128 dst 2001:db8:1::/64 proto tcp dport %d dir out action block\n", int(i / 65536) + 1, i % 65536, i % 65536
}' >auto-policy.batch
{ cat explicit.batch; echo "sa add dst 2001:db8::1 proto esp spi 300 bogus"; } >bad-last.batch

# timed NAME LIMIT EXPECTED-EXIT ARGS...: run, check the exit code and the
# CPU time (user + system: steadier than wall time on a loaded machine).
timed()
{
	local name=$1 limit=$2 want=$3 t0 t1 ms cpu
	shift 3
	t0=$(date +%s%N)
	cpu=$( { TIMEFORMAT='%3U %3S'; time run_ctl out err "$@"; \
		 echo "RC=$RC" >rc; } 2>&1 )
	t1=$(date +%s%N)
	RC=$(sed -n 's/^RC=//p' rc)
	ms=$(awk -v u="${cpu% *}" -v s="${cpu#* }" 'BEGIN { printf "%d", (u + s) * 1000 }')
	echo "# $name: cpu $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s, wall $(((t1 - t0) / 1000000)) ms"
	if [[ $RC != "$want" ]]; then
		not_ok "$name" "exit $RC, want $want" "$(head -c 1000 err)"
	elif ((ms > limit * 1000)); then
		not_ok "$name (cpu ${ms} ms, limit ${limit}s)"
	else
		ok "$name (cpu ${ms} ms)"
	fi
}

timed "parse $N lines (bad last line, nothing sent)" "$PARSE_LIMIT" 1 \
	--dry-run -batch bad-last.batch
expect_eq "only the bad last line is reported, nothing is sent" \
	"bad-last.batch:100001: unknown argument 'bogus':0" \
	"$(head -1 err):$(wc -l <out)"

timed "dry run of $N SAs with indexes, one transaction" "$RUN_LIMIT" 0 \
	--dry-run -batch explicit.batch
expect_eq "$N requests between TXN_BEGIN and TXN_COMMIT" \
	"$((N + 2)):TXN_BEGIN:TXN_COMMIT TXN_REQUESTS=$N" \
	"$(wc -l <out):$(head -1 out):$(tail -1 out)"

timed "dry run of $N SAs with automatic indexes" "$RUN_LIMIT" 0 \
	--dry-run -batch auto-sa.batch
expect_grep "the last automatic SA index is $N" out "SA_NEW SA{INDEX=$N SPI=$((N + 999)) "

timed "dry run of $N policies with automatic indexes" "$RUN_LIMIT" 0 \
	--dry-run -batch auto-policy.batch
expect_grep "the last automatic policy index is $((N + 1))" out \
	"POLICY_NEW POLICY{INDEX=$((N + 1)) "

done_testing
