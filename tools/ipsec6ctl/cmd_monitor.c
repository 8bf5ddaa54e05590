// SPDX-License-Identifier: GPL-2.0
/*
 * "ipsec6ctl monitor": print the events of the "events" group.
 */
#include "ipsec6ctl.h"
#include "output.h"

const char help_monitor[] =
"Usage: ipsec6ctl monitor\n"
"\n"
"Print each published change (\"changed generation N\") and each SA that\n"
"reaches a soft or hard lifetime or runs out of sequence numbers, until\n"
"interrupted; with -j one JSON object per line.\n";

static int on_event(const struct nl_event *ev, void *data)
{
	(void)data;
	if (ev->cmd == IPSEC6_CMD_CHANGED || ev->cmd == IPSEC6_CMD_SA_EXPIRED)
		print_event(stdout, ev, ctl.json);
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	if (argc > 1)
		return usage_error("monitor", "unexpected '%s'", argv[1]);
	return nl_monitor(ctl_nl(), on_event, NULL) < 0 ? 1 : 0;
}
