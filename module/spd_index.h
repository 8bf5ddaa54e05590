/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_SPD_INDEX_H
#define _IPSEC6_SPD_INDEX_H

#include <linux/workqueue.h>
#include "hash.h"

struct ipsec6_flow;
struct ipsec6_policy;
struct ipsec6_spd_lk;

/* Where a policy is kept (struct ipsec6_policy.part). */
enum {
	IPSEC6_SPD_PART_NONE,	/* in no lookup: bundle-only or empty range */
	IPSEC6_SPD_PART_REMOTE,	/* address hash, by its remote prefix */
	IPSEC6_SPD_PART_LOCAL,	/* address hash, by its local prefix */
	IPSEC6_SPD_PART_STAGED,	/* rest, not merged yet (change set) */
	IPSEC6_SPD_PART_REST,	/* rest: tree or overlay */
	IPSEC6_SPD_PART_GONE,	/* rest, dead for every reader */
};

/* The policies of one prefix length of one dimension, in the hash. */
struct ipsec6_spd_class {
	u8 part;		/* IPSEC6_SPD_PART_REMOTE or _LOCAL */
	u8 len;			/* 1 .. 128 */
	u32 count;		/* linked policies (writer) */
	u64 min_key;		/* no linked policy has a lower key */
};

struct ipsec6_spd_classes {
	u32 n;
	struct rcu_head rcu;
	struct ipsec6_spd_class c[];
};

/* A segment tree (spd_lookup.c) over policies sorted by key. */
struct ipsec6_spd_snap {
	struct ipsec6_spd_lk *lk;
	u32 n;
	struct ipsec6_policy **pol;	/* each holds a reference */
	struct work_struct free_work;
};

/* The rest: a tree plus a small overlay of later additions. */
struct ipsec6_spd_rest {
	struct ipsec6_spd_snap *snap;
	bool drop_snap;		/* free the snap with this version */
	u32 n;
	struct rcu_head rcu;
	struct ipsec6_policy *over[];	/* by key, each holds a reference */
};

/*
 * The SPD's lookup structure over the policies of every generation that
 * readers may still see (spd_index.c).  Writers hold @lock.
 */
struct ipsec6_spd_index {
	struct ipsec6_hash addr;
	struct ipsec6_spd_classes __rcu *classes;
	struct ipsec6_spd_rest __rcu *rest;
	u32 ndead;		/* GONE policies the rest still holds */
	struct mutex *lock;
};

int ipsec6_spd_index_init(struct ipsec6_spd_index *x, struct mutex *lock);
void ipsec6_spd_index_destroy(struct ipsec6_spd_index *x);
void ipsec6_spd_index_link(struct ipsec6_spd_index *x,
			   struct ipsec6_policy *pol);
int ipsec6_spd_index_merge(struct ipsec6_spd_index *x,
			   struct ipsec6_policy **staged, u32 n, u64 gen);
void ipsec6_spd_index_unlink(struct ipsec6_spd_index *x,
			     struct ipsec6_policy *pol);
struct ipsec6_policy *ipsec6_spd_index_lookup(const struct ipsec6_spd_index *x,
					      u8 dir,
					      const struct ipsec6_flow *fl,
					      u64 g);

#endif /* _IPSEC6_SPD_INDEX_H */
