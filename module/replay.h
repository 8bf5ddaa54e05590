/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_REPLAY_H
#define _IPSEC6_REPLAY_H

#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/* The bits of a window: bit (s % @size) records whether s was seen. */
struct ipsec6_replay_map {
	struct rcu_head rcu;
	u32 size;		/* bits: the window rounded up */
	unsigned long bits[];
};

/*
 * Inbound anti-replay state of an SA (RFC 4303 3.4.3, appendix A for ESN).
 * @top is the highest sequence number that passed its integrity check.
 * The window can be reconfigured while packets use it (an SA that keeps
 * its state across a change, sad.c): @map is replaced under @lock when it
 * is too small and freed after a grace period.
 */
struct ipsec6_replay {
	spinlock_t lock;	/* advances @top and @map's bits; replaces @map */
	u64 top;
	u32 window;		/* configured size, packets; 0 = no check */
	struct ipsec6_replay_map __rcu *map;
};

struct ipsec6_replay *ipsec6_replay_alloc(u32 window, u64 top);
void ipsec6_replay_free(struct ipsec6_replay *r);
int ipsec6_replay_check(struct ipsec6_replay *r, u32 seq_lo, bool esn,
			u64 *seq);
int ipsec6_replay_advance(struct ipsec6_replay *r, u64 seq);
u64 ipsec6_replay_top(struct ipsec6_replay *r);
void ipsec6_replay_adopt(struct ipsec6_replay *r,
			 struct ipsec6_replay *spare);

#endif /* _IPSEC6_REPLAY_H */
