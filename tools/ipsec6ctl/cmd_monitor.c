// SPDX-License-Identifier: GPL-2.0
/*
 * "ipsec6ctl monitor": print the events of the "events" group.
 */
#include "ipsec6ctl.h"
#include "output.h"

const char help_monitor[] =
"Usage: ipsec6ctl monitor\n"
"\n"
"Print each event of the module on one line until interrupted: every\n"
"policy and SA a change added, updated or deleted (policy-add, policy-del,\n"
"sa-add, sa-update, sa-del: the object as 'list' shows it), each\n"
"published change (changed generation N), each SA that reaches a soft or\n"
"hard lifetime or runs out of sequence numbers (sa-expired), and each\n"
"packet an APPLY policy dropped for want of an SA (acquire: the packet's\n"
"flow and the policy).  With -j one JSON object per line.  Keys are never\n"
"shown.\n";

static int on_event(const struct nl_event *ev, void *data)
{
	print_event(stdout, ev, ctl.json);
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	if (argc > 1)
		return usage_error("monitor", "unexpected '%s'", argv[1]);
	return nl_monitor(ctl_nl(), on_event, NULL) < 0 ? 1 : 0;
}
