/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_DB_H
#define _IPSEC6_DB_H

#include <linux/rcupdate.h>
#include "sad.h"
#include "spd.h"

struct ipsec6_tables;

/*
 * What a packet sees: one published generation of a namespace's tables.
 * A small object made by every commit and published with one pointer
 * store; the objects themselves live in the multi-version tables
 * (tables.c), and a packet sees those of @generation (gen.h).  Read
 * @generation with ipsec6_db_gen().
 */
struct ipsec6_db {
	u64 generation;
	struct ipsec6_tables *t;
	/* Set if this policy matches every packet of the direction (the
	 * default policy alone): the hooks then skip the lookup.
	 */
	struct ipsec6_policy *in_all;
	struct ipsec6_policy *out_all;
	u32 npol;
	u32 nsa;
	struct rcu_head rcu;
	struct ipsec6_db *retired_next;	/* its batch (ipsec6_db_retire()) */
	/* ENCAP_DPORTs of SAs that may receive, network order, sorted */
	u32 nencap_ports;
	u16 encap_ports[];
};

/*
 * The generation of @db, for a reader that got @db with rcu_dereference():
 * its later loads from the tables see everything published with it.
 */
static inline u64 ipsec6_db_gen(const struct ipsec6_db *db)
{
	/* pairs with rcu_replace_pointer() in ipsec6_txn_commit() */
	return smp_load_acquire(&db->generation);
}

/*
 * A version with nothing to do: every packet of both directions bypasses
 * and no SA exists (the default policy alone).  The hooks are off then.
 */
static inline bool ipsec6_db_idle(const struct ipsec6_db *db)
{
	return db->in_all && db->out_all && !db->nsa;
}

/*
 * Generations a commit replaced that wait to be handed to RCU in a batch
 * (db.c); kept by the writer, under the namespace's lock.
 */
struct ipsec6_db_retired {
	struct ipsec6_db *head;
	u32 n;
};

struct ipsec6_db *ipsec6_db_alloc(u32 nencap_ports);
void ipsec6_db_retire(struct ipsec6_db_retired *r, struct ipsec6_db *db);
void ipsec6_db_retired_free(struct ipsec6_db_retired *r);

#endif /* _IPSEC6_DB_H */
