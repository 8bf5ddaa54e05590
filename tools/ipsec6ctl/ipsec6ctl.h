/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Global options and the commands.  Each command takes its own name as
 * argv[0] and returns the exit code: 0, 1 (failed) or 2 (bad command line).
 */
#ifndef IPSEC6CTL_H
#define IPSEC6CTL_H

#include <stdbool.h>
#include <stdio.h>
#include "nl.h"

struct ctl_options {
	bool json;
};

extern struct ctl_options ctl;

/* The netlink connection, opened on first use (exits on failure). */
struct nl *ctl_nl(void);

/* "ipsec6ctl: CMD: MESSAGE" + a hint on stderr; returns EXIT_USAGE. */
__printf(2, 3) int usage_error(const char *cmd, const char *fmt, ...);

int cmd_sp(int argc, char **argv);
int cmd_win_sa(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_sa(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
/* "-batch FILE" ('-': standard input). */
int cmd_batch(const char *path);

/* Usage texts (help_sa is followed by the algorithm aliases). */
extern const char help_sp[], help_s[], help_l[], help_d[], help_policy[],
		  help_sa[], help_stats[], help_monitor[];

#endif /* IPSEC6CTL_H */
