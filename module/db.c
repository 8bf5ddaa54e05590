// SPDX-License-Identifier: GPL-2.0
/*
 * Table versions: allocation and release.  A version that was published is
 * released only after an RCU grace period, from process context, because
 * dropping the last reference to an SA frees its crypto transforms.
 */
#include <linux/slab.h>
#include "db.h"
#include "ipsec6.h"

struct ipsec6_db *ipsec6_db_alloc(void)
{
	return kzalloc(sizeof(struct ipsec6_db), GFP_KERNEL_ACCOUNT);
}

void ipsec6_db_free(struct ipsec6_db *db)
{
	u32 i;

	if (!db)
		return;
	ipsec6_spd_destroy(db);
	ipsec6_sad_destroy(db);
	for (i = 0; i < db->npol; i++)
		ipsec6_spd_policy_put(db->pol[i].pol);
	for (i = 0; i < db->nsa; i++)
		ipsec6_sad_sa_put(db->sa[i]);
	kvfree(db->links);
	kvfree(db->pol_by_index);
	kvfree(db->pol);
	kvfree(db->sa);
	kfree(db);
}

static void ipsec6_db_free_work(struct work_struct *work)
{
	ipsec6_db_free(container_of(to_rcu_work(work), struct ipsec6_db,
				    free_work));
}

/* Release a version readers may still be using. */
void ipsec6_db_free_rcu(struct ipsec6_db *db)
{
	INIT_RCU_WORK(&db->free_work, ipsec6_db_free_work);
	queue_rcu_work(ipsec6_wq, &db->free_work);
}
