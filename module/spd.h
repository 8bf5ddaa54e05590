/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_SPD_H
#define _IPSEC6_SPD_H

#include <linux/refcount.h>
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
 * A policy.  Its configuration never changes once it is in a published
 * table; a change replaces the object.  Objects are shared by every table
 * version they appear in and freed when the last reference goes.
 *
 * Readers reach a policy only through a table version, whose reference is
 * dropped after a grace period (db.c): so the last reference is dropped
 * where no reader can see the object, and it is freed at once, without an
 * rcu_head of its own.  Kept to 128 bytes (a 100k-policy SPD): the
 * template, which only APPLY policies have, is a separate object.
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
	struct ipsec6_tmpl *tmpl;	/* APPLY only, else NULL */
	struct ipsec6_counters __percpu *counts;	/* NULL until a packet */
};

/* Maximum number of policies chained with BUNDLE_NEXT. */
#define IPSEC6_BUNDLE_MAX	4

/*
 * A policy as seen by one table version: the policy plus what the version
 * resolved for it, as positions in the version's arrays (16 bytes an
 * entry; see ipsec6_db_sas() and ipsec6_db_next()).
 */
struct ipsec6_spd_entry {
	struct ipsec6_policy *pol;
	u32 sas;	/* sending APPLY: its SA list at db->links[sas] */
	u32 next;	/* bundle successor: its rank + 1, 0 = none */
};

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
bool ipsec6_spd_policy_before(const struct ipsec6_policy *a,
			      const struct ipsec6_policy *b);

int ipsec6_spd_build(struct ipsec6_db *db, const struct ipsec6_db *cur);
void ipsec6_spd_destroy(struct ipsec6_db *db);
const struct ipsec6_spd_entry *ipsec6_spd_lookup(const struct ipsec6_db *db,
						 u8 dir,
						 const struct ipsec6_flow *fl);
const struct ipsec6_spd_entry *ipsec6_spd_find(const struct ipsec6_db *db,
					       u32 index);

#endif /* _IPSEC6_SPD_H */
