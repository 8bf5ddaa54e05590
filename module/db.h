/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_DB_H
#define _IPSEC6_DB_H

#include <linux/workqueue.h>
#include "sad.h"
#include "spd.h"

struct ipsec6_spd_lk;

/*
 * db->links holds, for each policy that sends through SAs, a list: one
 * slot with the length n, then n SAs sorted by destination, newest first
 * (links.c).  Lists are shared; links[0] is the empty one.
 */
union ipsec6_link {
	struct ipsec6_sa *sa;
	unsigned long n;
};

/*
 * One published version of a namespace's SPD and SAD.  Immutable once
 * published: a change set builds a new version and swaps the pointer.
 * Each version holds a reference on every policy and SA it lists.
 */
struct ipsec6_db {
	u32 generation;

	u32 npol;
	struct ipsec6_spd_entry *pol;		/* search order */
	u32 *pol_by_index;			/* ranks in pol[], by index */
	struct ipsec6_spd_lk *lk;		/* lookup structure (spd.c) */
	/* Set if this entry matches every packet of the direction (the
	 * default policy alone): the hooks then skip the lookup.
	 */
	const struct ipsec6_spd_entry *in_all;
	const struct ipsec6_spd_entry *out_all;
	union ipsec6_link *links;		/* storage of pol[].sas */

	u32 nsa;
	struct ipsec6_sa **sa;			/* ascending index */
	struct ipsec6_sad_hash sad;
	/* ENCAP_DPORTs of SAs that may receive, network order, sorted */
	u16 *encap_ports;
	u32 nencap_ports;

	struct rcu_work free_work;
};

/*
 * A version with nothing to do: every packet of both directions bypasses
 * and no SA exists (the default policy alone).  The hooks are off then.
 */
static inline bool ipsec6_db_idle(const struct ipsec6_db *db)
{
	return db->in_all && db->out_all && !db->nsa;
}

/* The SAs that may serve APPLY entry @e when sending: length slot first. */
static inline const union ipsec6_link *
ipsec6_db_sas(const struct ipsec6_db *db, const struct ipsec6_spd_entry *e)
{
	return &db->links[e->sas];
}

/* The next step of @e's bundle, or NULL. */
static inline const struct ipsec6_spd_entry *
ipsec6_db_next(const struct ipsec6_db *db, const struct ipsec6_spd_entry *e)
{
	return e->next ? &db->pol[e->next - 1] : NULL;
}

struct ipsec6_db *ipsec6_db_alloc(void);
void ipsec6_db_free(struct ipsec6_db *db);
void ipsec6_db_free_rcu(struct ipsec6_db *db);

#endif /* _IPSEC6_DB_H */
