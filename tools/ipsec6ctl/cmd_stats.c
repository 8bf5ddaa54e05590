// SPDX-License-Identifier: GPL-2.0
/*
 * "ipsec6ctl stats": the drop counters of the namespace.
 */
#include "ipsec6ctl.h"
#include "output.h"

const char help_stats[] =
"Usage: ipsec6ctl stats\n"
"\n"
"Print the packets the namespace dropped, by reason (with -j: a JSON\n"
"object whose keys are the reasons with '_' for '-').\n";

int cmd_stats(int argc, char **argv)
{
	struct nl_stats st;

	if (argc > 1)
		return usage_error("stats", "unexpected '%s'", argv[1]);
	if (nl_get_stats(ctl_nl(), &st) < 0)
		return 1;
	print_stats(stdout, &st, ctl.json);
	return 0;
}
