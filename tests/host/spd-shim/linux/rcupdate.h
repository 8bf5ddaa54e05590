/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for the kernel header (tests/host/spd-diff.sh). */
#ifndef _SPD_SHIM_RCUPDATE_H
#define _SPD_SHIM_RCUPDATE_H
struct rcu_head {
	void *next;
	void (*func)(struct rcu_head *head);
};
#endif
