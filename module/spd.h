/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_SPD_H
#define _IPSEC6_SPD_H

#include <linux/list.h>
#include <linux/refcount.h>
#include "gen.h"
#include "selector.h"
#include "stats.h"

struct ipsec6_db;
struct ipsec6_sa;

/* What an APPLY policy asks for (one step of a bundle). */
struct ipsec6_tmpl {
	u8 proto;		/* IPPROTO_AH or IPPROTO_ESP */
	u8 mode;		/* IPSEC6_MODE_* */
	bool has_tlocal;
	struct in6_addr tremote;	/* tunnel peer (gateway) */
	struct in6_addr tlocal;		/* our tunnel end, if fixed */
	u32 reqid;
};

/*
 * A policy.  Its configuration never changes once it is in the tables; a
 * change makes a new object, and the generations say which one a packet
 * sees (gen.h).
 *
 * The tables (tables.c) drop their reference only once no reader can
 * reach the object (a grace period after it was unlinked), and the SPD's
 * rest part (spd_index.c) holds its own until its arrays are freed after
 * a grace period: so the last reference goes where no reader can see the
 * object, and it is freed at once, without an rcu_head of its own.  176
 * bytes from a cache of its own (a 100k-policy SPD); the template, which
 * only APPLY policies have, is a separate object.
 */
struct ipsec6_policy {
	refcount_t ref;
	u32 index;
	u32 priority;
	u8 dir;			/* enum ipsec6_dir bits */
	u8 action;		/* enum ipsec6_action */
	u16 flags;		/* enum ipsec6_policy_flags */
	u32 owner;		/* IPSEC6_POLICY_A_OWNER, 0 = none */
	u32 bundle_next;	/* index, 0 = none */
	struct ipsec6_sel sel;
	/* Wall-clock seconds (mod 2^32) of the last packet; written only
	 * when it changes, so at most once a second.
	 */
	u32 last_used;
	u8 part;		/* where spd_index.c keeps it */
	u8 plen;		/* its prefix length there (address hash) */
	struct ipsec6_tmpl *tmpl;	/* APPLY only, else NULL */
	struct ipsec6_counters __percpu *counts;	/* NULL until a packet */
	struct ipsec6_life life;	/* generations it is part of */
	struct ipsec6_policy __rcu *older;	/* same index, older (tables.c) */
	struct hlist_node hnode;	/* address hash chain (spd_index.c) */
};

/*
 * The search order as a number: a lower key is searched first (priority
 * ascending, index descending, index 1 last).  Index 0 does not exist, so
 * keys stay below U64_MAX, which bounds "no policy yet".
 */
static inline u64 ipsec6_spd_key(const struct ipsec6_policy *pol)
{
	if (pol->index == 1)
		return U64_MAX - 1;
	return (u64)pol->priority << 32 | (u32)~pol->index;
}

/* Does @pol take part in lookups of direction @dir (IN or OUT)? */
static inline bool ipsec6_spd_in_dir(const struct ipsec6_policy *pol, u8 dir)
{
	if (dir == IPSEC6_DIR_OUT)
		return pol->dir & IPSEC6_DIR_OUT;
	return pol->dir & (IPSEC6_DIR_IN | IPSEC6_DIR_FWD);
}

/* Maximum number of policies chained with BUNDLE_NEXT. */
#define IPSEC6_BUNDLE_MAX	4

int ipsec6_spd_init(void);
void ipsec6_spd_exit(void);
struct ipsec6_policy *ipsec6_spd_policy_alloc(void);
void ipsec6_spd_policy_put(struct ipsec6_policy *pol);
static inline struct ipsec6_policy *
ipsec6_spd_policy_get(struct ipsec6_policy *pol)
{
	refcount_inc(&pol->ref);
	return pol;
}

int ipsec6_spd_policy_tmpl_alloc(struct ipsec6_policy *pol);
bool ipsec6_spd_policy_equal(const struct ipsec6_policy *a,
			     const struct ipsec6_policy *b);
struct ipsec6_policy *ipsec6_spd_policy_default(void);
bool ipsec6_spd_bypass_all(const struct ipsec6_policy *pol);

struct ipsec6_policy *ipsec6_spd_lookup(const struct ipsec6_db *db, u8 dir,
					const struct ipsec6_flow *fl);
struct ipsec6_policy *ipsec6_spd_find(const struct ipsec6_db *db, u32 index);
struct ipsec6_policy *ipsec6_spd_next(const struct ipsec6_db *db,
				      const struct ipsec6_policy *pol);

#endif /* _IPSEC6_SPD_H */
