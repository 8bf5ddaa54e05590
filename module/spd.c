// SPDX-License-Identifier: GPL-2.0
/*
 * Security Policy Database: policy objects and their lookups in a
 * published generation (the structures are spd_index.c's).
 */
#include <linux/slab.h>
#include "db.h"
#include "spd.h"
#include "spd_index.h"
#include "tables.h"

static struct kmem_cache *ipsec6_spd_cache __read_mostly;

int ipsec6_spd_init(void)
{
	ipsec6_spd_cache = KMEM_CACHE(ipsec6_policy, SLAB_ACCOUNT);
	return ipsec6_spd_cache ? 0 : -ENOMEM;
}

/* Every policy is freed (rcu_barrier() and the workqueue drained). */
void ipsec6_spd_exit(void)
{
	kmem_cache_destroy(ipsec6_spd_cache);
}

struct ipsec6_policy *ipsec6_spd_policy_alloc(void)
{
	struct ipsec6_policy *pol;

	pol = kmem_cache_zalloc(ipsec6_spd_cache, GFP_KERNEL_ACCOUNT);
	if (!pol)
		return NULL;
	refcount_set(&pol->ref, 1);
	ipsec6_gen_init(&pol->life, 0);
	ipsec6_selector_init_any(&pol->sel);
	return pol;
}

/* 100k policies: each one's size counts (Documentation/performance.md). */
static_assert(sizeof(struct ipsec6_policy) <= 176);

/* No reader can reach @pol any more (see struct ipsec6_policy). */
void ipsec6_spd_policy_put(struct ipsec6_policy *pol)
{
	if (!pol || !refcount_dec_and_test(&pol->ref))
		return;
	ipsec6_counters_free(pol->counts);
	kfree(pol->tmpl);
	kmem_cache_free(ipsec6_spd_cache, pol);
}

/* Give an APPLY policy its (zeroed) template. */
int ipsec6_spd_policy_tmpl_alloc(struct ipsec6_policy *pol)
{
	pol->tmpl = kzalloc(sizeof(*pol->tmpl), GFP_KERNEL_ACCOUNT);
	return pol->tmpl ? 0 : -ENOMEM;
}

/* The policy a namespace starts with: index 1, all wildcards, BYPASS. */
struct ipsec6_policy *ipsec6_spd_policy_default(void)
{
	struct ipsec6_policy *pol = ipsec6_spd_policy_alloc();

	if (!pol)
		return NULL;
	pol->index = 1;
	pol->dir = IPSEC6_DIR_BIDIRECT;
	pol->action = IPSEC6_ACTION_BYPASS;
	return pol;
}

bool ipsec6_spd_policy_equal(const struct ipsec6_policy *a,
			     const struct ipsec6_policy *b)
{
	return a->index == b->index && a->priority == b->priority &&
	       a->owner == b->owner &&
	       a->dir == b->dir && a->action == b->action &&
	       a->flags == b->flags && a->bundle_next == b->bundle_next &&
	       !memcmp(&a->sel, &b->sel, sizeof(a->sel)) &&
	       !a->tmpl == !b->tmpl &&
	       (!a->tmpl || !memcmp(a->tmpl, b->tmpl, sizeof(*a->tmpl)));
}

/* Does @pol let every packet of its directions through? */
bool ipsec6_spd_bypass_all(const struct ipsec6_policy *pol)
{
	return !pol->sel.present &&
	       (pol->action == IPSEC6_ACTION_BYPASS ||
		pol->action == IPSEC6_ACTION_APPCHOICE);
}

/**
 * ipsec6_spd_lookup - first policy matching a packet
 * @db: the generation the packet sees (under RCU)
 * @dir: IPSEC6_DIR_IN (inbound, IN or FWD policies) or IPSEC6_DIR_OUT
 * @fl: the packet's selector fields
 *
 * Returns NULL if no policy matches.
 */
struct ipsec6_policy *ipsec6_spd_lookup(const struct ipsec6_db *db, u8 dir,
					const struct ipsec6_flow *fl)
{
	return ipsec6_spd_index_lookup(&db->t->spd, dir, fl, ipsec6_db_gen(db));
}

/* The policy of @index in @db's generation, or NULL. */
struct ipsec6_policy *ipsec6_spd_find(const struct ipsec6_db *db, u32 index)
{
	return ipsec6_tables_policy(db->t, index, ipsec6_db_gen(db));
}

/* The next step of @pol's bundle, or NULL (commit checked it exists). */
struct ipsec6_policy *ipsec6_spd_next(const struct ipsec6_db *db,
				      const struct ipsec6_policy *pol)
{
	return pol->bundle_next ? ipsec6_spd_find(db, pol->bundle_next) : NULL;
}
