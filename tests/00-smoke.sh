#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module loads, shows up, unloads cleanly and loads again, and the
# kernel log stays clean.
# timeout: 120
. "$(dirname "$0")/lib.sh"

plan 10

check "module file exists (IPSEC6_KO=${IPSEC6_KO:-})" test -f "${IPSEC6_KO:-}"
check "helper modules load (${TEST_MODULES[*]})" modprobe -a "${TEST_MODULES[@]}"
unload_module 2>/dev/null # a leftover from an earlier test
check "ipsec6 loads" load_module
check "/sys/module/ipsec6 exists" test -d /sys/module/ipsec6
like "$(lsmod)" $'(^|\n)ipsec6 ' "lsmod lists ipsec6"
check "ipsec6 unloads" unload_module
check_fail "/sys/module/ipsec6 is gone" test -e /sys/module/ipsec6
check "ipsec6 loads again" load_module
check "ipsec6 unloads again" unload_module
dmesg_clean "no kernel splat while loading and unloading"
