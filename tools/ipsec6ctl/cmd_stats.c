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
	uint64_t stats[IPSEC6_STATS_A_MAX + 1];
	bool present[IPSEC6_STATS_A_MAX + 1];

	if (argc > 1)
		return usage_error("stats", "unexpected '%s'", argv[1]);
	if (nl_get_stats(ctl_nl(), stats, present) < 0)
		return 1;
	print_stats(stdout, stats, present, ctl.json);
	return 0;
}
