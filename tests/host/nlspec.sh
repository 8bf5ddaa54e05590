#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The YAML spec of the netlink family, the uapi header and the kernel's
# attribute policies and operation flags agree.
# timeout: 60
exec /usr/bin/python3 "$(dirname "$0")/../../scripts/nlspec.py"
