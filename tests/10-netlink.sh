#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ipsec6 generic netlink contract (Documentation/netlink.rst): every
# rejection with its errno, extack message, bad-attribute offset or missing
# attribute; identical/EEXIST/REPLACE; transactions; dumps and their order;
# notifications; privileges.  The checks are in tests/netlink_test.py, run
# in a fresh network namespace; this wrapper numbers its points.
# timeout: 240
. "$(dirname "$0")/lib.sh"

plan_no
check "ipsec6 loads" load_module
check "a fresh namespace for the test" ns_create nlt
# A dummy link with a route to 2001:db8:1::/64 for the SA state tests.
check "dummy link d0 in it" eval 'ip -n nlt link add d0 type dummy &&
	ip -n nlt link set d0 up &&
	ip -n nlt addr add 2001:db8:1::1/64 dev d0 nodad'

# netlink_test.py prints "ok - NAME", "not ok - NAME", "todo [not ]ok -
# NAME" (a known gap) and "# ..." lines.
py_rc=
while IFS= read -r line; do
	case $line in
	'ok - '*) ok 0 "${line#ok - }" ;;
	'not ok - '*) ok 1 "${line#not ok - }" ;;
	'todo ok - '*) todo "${line#todo ok - }" true ;;
	'todo not ok - '*) todo "${line#todo not ok - }" false ;;
	'__rc '*) py_rc=${line#__rc } ;;
	*) echo "$line" ;;
	esac
done < <(
	in_ns nlt /usr/bin/python3 tests/netlink_test.py "$@"
	echo "__rc $?"
)
is "$py_rc" 0 "netlink_test.py ran to its end (exit status)"
dmesg_clean "no kernel splat during the netlink tests"
