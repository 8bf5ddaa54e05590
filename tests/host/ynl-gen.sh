#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One source of truth: the generated files (module/uapi/ipsec6.h,
# module/netlink-gen.[ch]) are what the kernel's ynl-gen-c makes of
# Documentation/netlink/ipsec6.yaml (checked against YNL's schema) today,
# and the tests' YNL view of the spec names every constant the same way.
# timeout: 120
. "$(dirname "$0")/../lib.sh"

REPO=$(cd "$(dirname "$0")/../.." && pwd -P)
plan_no
check "scripts/ynl-gen.sh --check: the generated files match the spec" \
	bash "$REPO/scripts/ynl-gen.sh" --check
check "the tests' YNL view of the spec loads (tests/ynl_ipsec6.py)" \
	/usr/bin/python3 -c "import sys; sys.path.insert(0, '$REPO/tests')
import ynl_ipsec6 as y
assert y.C['IPSEC6_CMD_SA_EXPIRED'] == 14 and y.C['IPSEC6_STATS_A_PAD'] == 19"
