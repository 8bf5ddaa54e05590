/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_REPLAY_H
#define _IPSEC6_REPLAY_H

#include <linux/spinlock.h>
#include <linux/types.h>

/*
 * Inbound anti-replay state of an SA (RFC 4303 3.4.3, appendix A for ESN).
 * @top is the highest sequence number that passed its integrity check; bit
 * (s % @size) of @bits records whether s, within the window, was seen.
 */
struct ipsec6_replay {
	spinlock_t lock;	/* check and advance of @top, @bits */
	u64 top;
	u32 window;		/* configured size, packets; 0 = no check */
	u32 size;		/* bits in @bits: window rounded up */
	unsigned long bits[];
};

struct ipsec6_replay *ipsec6_replay_alloc(u32 window, u64 top);
void ipsec6_replay_free(struct ipsec6_replay *r);
int ipsec6_replay_check(struct ipsec6_replay *r, u32 seq_lo, bool esn,
			u64 *seq);
int ipsec6_replay_advance(struct ipsec6_replay *r, u64 seq);
u64 ipsec6_replay_top(struct ipsec6_replay *r);

#endif /* _IPSEC6_REPLAY_H */
