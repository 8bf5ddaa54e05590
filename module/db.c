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

/* Release a generation readers may still be using. */
void ipsec6_db_free_rcu(struct ipsec6_db *db)
{
	if (db)
		kfree_rcu(db, rcu);
}
