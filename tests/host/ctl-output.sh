#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipsec6ctl output without a kernel: --dry-run monitor, and a batch error
# that does not echo its key.  The listings, JSON, dumps and the keys in
# every output are in tests/13-ctl.sh (they need tables to list).
# timeout: 120

. "$(dirname "$0")/ctl-lib.sh"

build_ctl
cd "$WORK" || exit 1

STRKEY='Open sesame 42'

run_ctl out err -j --dry-run monitor
expect_eq "monitor in --dry-run has nothing to report" "0:" "$RC:$(cat out)"

printf 'sa add dst 2001:db8::9 proto esp spi 4100 auth md5 "%s" bad\n' \
	"$STRKEY" >k.batch
run_ctl out err --dry-run -batch k.batch
expect_no_grep "a batch error does not echo the key" err "$STRKEY"

done_testing
