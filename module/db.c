// SPDX-License-Identifier: GPL-2.0
/*
 * Published generations: the small object a packet reads first (db.h).
 */
#include <linux/overflow.h>
#include <linux/slab.h>
#include "db.h"

/* A generation with room for @nencap_ports encapsulation ports. */
struct ipsec6_db *ipsec6_db_alloc(u32 nencap_ports)
{
	struct ipsec6_db *db;

	db = kzalloc(struct_size(db, encap_ports, nencap_ports),
		     GFP_KERNEL_ACCOUNT);
	if (db)
		db->nencap_ports = nencap_ports;
	return db;
}

/*
 * A generation a commit replaced is freed once no reader can hold it.  A
 * kfree_rcu() per commit costs a one-request change set about as much as
 * the rest of its publishing, so they go to RCU in batches: a replaced
 * generation joins the writer's list, and every IPSEC6_DB_BATCH of them
 * go to one call_rcu(), queued after the last of them was replaced: its
 * grace period covers every reader of each.  Up to IPSEC6_DB_BATCH - 1
 * small objects wait for the next commits (or namespace exit).
 */
#define IPSEC6_DB_BATCH		16

static void ipsec6_db_free_batch(struct rcu_head *rcu)
{
	struct ipsec6_db *db = container_of(rcu, struct ipsec6_db, rcu);
	struct ipsec6_db *next;

	for (; db; db = next) {
		next = db->retired_next;
		kfree(db);
	}
}

/**
 * ipsec6_db_retire - a generation was replaced; free it after readers
 * @r: the writer's list (under the namespace's lock)
 * @db: the generation just replaced, or NULL
 */
void ipsec6_db_retire(struct ipsec6_db_retired *r, struct ipsec6_db *db)
{
	if (!db)
		return;
	db->retired_next = r->head;
	r->head = db;
	if (++r->n < IPSEC6_DB_BATCH)
		return;
	call_rcu(&db->rcu, ipsec6_db_free_batch);
	r->head = NULL;
	r->n = 0;
}

/* Namespace exit: no reader is left; free the retired generations. */
void ipsec6_db_retired_free(struct ipsec6_db_retired *r)
{
	if (r->head)
		ipsec6_db_free_batch(&r->head->rcu);
	r->head = NULL;
	r->n = 0;
}
