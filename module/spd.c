// SPDX-License-Identifier: GPL-2.0
/*
 * Security Policy Database: policy objects, the search order, and the
 * lookup structure of a table version.
 */
#include <linux/slab.h>
#include "db.h"
#include "spd.h"
#include "spd_lookup.h"

struct ipsec6_policy *ipsec6_spd_policy_alloc(void)
{
	struct ipsec6_policy *pol;

	pol = kzalloc(sizeof(*pol), GFP_KERNEL_ACCOUNT);
	if (!pol)
		return NULL;
	refcount_set(&pol->ref, 1);
	ipsec6_selector_init_any(&pol->sel);
	return pol;
}

/* 100k policies: each one's size counts (Documentation/performance.md). */
static_assert(sizeof(struct ipsec6_policy) <= 128);

/* No reader can reach @pol any more (see struct ipsec6_policy). */
void ipsec6_spd_policy_put(struct ipsec6_policy *pol)
{
	if (!pol || !refcount_dec_and_test(&pol->ref))
		return;
	ipsec6_counters_free(pol->counts);
	kfree(pol->tmpl);
	kfree(pol);
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

/* Search order: index 1 last; then priority ascending, index descending. */
bool ipsec6_spd_policy_before(const struct ipsec6_policy *a,
			      const struct ipsec6_policy *b)
{
	bool a_last = a->index == 1, b_last = b->index == 1;

	if (a_last != b_last)
		return b_last;
	if (a->priority != b->priority)
		return a->priority < b->priority;
	return a->index > b->index;
}

/* @e if it lets every packet through, else NULL. */
static const struct ipsec6_spd_entry *
ipsec6_spd_bypass_all(const struct ipsec6_spd_entry *e)
{
	if (e->pol->sel.present || (e->pol->action != IPSEC6_ACTION_BYPASS &&
				    e->pol->action != IPSEC6_ACTION_APPCHOICE))
		return NULL;
	return e;
}

/* Does @db list the policies of @cur in the same order? */
static bool ipsec6_spd_same_order(const struct ipsec6_db *db,
				  const struct ipsec6_db *cur)
{
	u32 i;

	if (!cur || !cur->lk || cur->npol != db->npol)
		return false;
	for (i = 0; i < db->npol; i++)
		if (db->pol[i].pol != cur->pol[i].pol)
			return false;
	return true;
}

/*
 * Build the lookup structure of a version that is not published yet
 * (spd_lookup.c), or share that of the published version @cur (may be
 * NULL) if the policies and their order are the same: a change set that
 * changed only SAs.  Runs under the namespace's writer lock.
 */
int ipsec6_spd_build(struct ipsec6_db *db, const struct ipsec6_db *cur)
{
	const struct ipsec6_spd_entry *e;

	if (ipsec6_spd_same_order(db, cur))
		db->lk = ipsec6_spd_lookup_share(cur->lk, db->pol, db->npol);
	else
		db->lk = ipsec6_spd_lookup_build(db->pol, db->npol);
	if (!db->lk)
		return -ENOMEM;
	e = ipsec6_spd_lookup_first(db->lk, IPSEC6_DIR_IN);
	db->in_all = e ? ipsec6_spd_bypass_all(e) : NULL;
	e = ipsec6_spd_lookup_first(db->lk, IPSEC6_DIR_OUT);
	db->out_all = e ? ipsec6_spd_bypass_all(e) : NULL;
	return 0;
}

void ipsec6_spd_destroy(struct ipsec6_db *db)
{
	ipsec6_spd_lookup_free(db->lk);
	db->lk = NULL;
}

/**
 * ipsec6_spd_lookup - first policy matching a packet
 * @db: table version (under RCU)
 * @dir: IPSEC6_DIR_IN (inbound, IN or FWD policies) or IPSEC6_DIR_OUT
 * @fl: the packet's selector fields
 *
 * Returns NULL if no policy matches.
 */
const struct ipsec6_spd_entry *ipsec6_spd_lookup(const struct ipsec6_db *db,
						 u8 dir,
						 const struct ipsec6_flow *fl)
{
	return ipsec6_spd_lookup_find(db->lk, dir, fl);
}

/* The entry of policy @index, or NULL. */
const struct ipsec6_spd_entry *ipsec6_spd_find(const struct ipsec6_db *db,
					       u32 index)
{
	u32 lo = 0, hi = db->npol;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		const struct ipsec6_spd_entry *e = &db->pol[db->pol_by_index[mid]];
		u32 cur = e->pol->index;

		if (cur == index)
			return e;
		if (cur < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
