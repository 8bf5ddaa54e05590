/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_SAD_INDEX_H
#define _IPSEC6_SAD_INDEX_H

#include <linux/in6.h>
#include "hash.h"

struct ipsec6_flow;
struct ipsec6_policy;
struct ipsec6_sa;

/*
 * The SAD's lookup structures over SA objects of several generations
 * (sad_index.c).  Writers hold @lock; readers need the RCU read lock.
 */
struct ipsec6_sad_index {
	struct ipsec6_hash in;		/* by (SPI, DST, PROTO) */
	struct ipsec6_hash out;		/* by (template or named policy, DST) */
	struct ipsec6_hash outw;	/* by (protocol and mode, DST) */
	u32 nnamed;			/* linked SAs that name a policy */
	struct mutex *lock;
};

int ipsec6_sad_index_init(struct ipsec6_sad_index *x, struct mutex *lock);
void ipsec6_sad_index_destroy(struct ipsec6_sad_index *x);
void ipsec6_sad_index_link(struct ipsec6_sad_index *x, struct ipsec6_sa *sa);
void ipsec6_sad_index_unlink(struct ipsec6_sad_index *x, struct ipsec6_sa *sa);
struct ipsec6_sa *ipsec6_sad_index_lookup(const struct ipsec6_sad_index *x,
					  __be32 spi, const struct in6_addr *dst,
					  u8 proto, u64 g);
struct ipsec6_sa *ipsec6_sad_index_twin(const struct ipsec6_sad_index *x,
					const struct ipsec6_sa *sa, u64 g);
struct ipsec6_sa *ipsec6_sad_index_select(const struct ipsec6_sad_index *x,
					  const struct ipsec6_policy *pol,
					  const struct ipsec6_flow *fl, u64 g);

#endif /* _IPSEC6_SAD_INDEX_H */
