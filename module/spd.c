// SPDX-License-Identifier: GPL-2.0
/*
 * Security Policy Database: policy objects, the search order, and the
 * lookup structure of a table version.
 */
#include <linux/slab.h>
#include "db.h"
#include "spd.h"

/* Per-version lookup structure: the policies of each direction in search
 * order.  Built off the fast path by ipsec6_spd_build().
 */
struct ipsec6_spd_lk {
	u32 n_in;
	u32 n_out;
	const struct ipsec6_spd_entry **in;
	const struct ipsec6_spd_entry **out;
};

struct ipsec6_policy *ipsec6_spd_policy_alloc(void)
{
	struct ipsec6_policy *pol;

	pol = kzalloc(sizeof(*pol), GFP_KERNEL_ACCOUNT);
	if (!pol)
		return NULL;
	pol->counts = ipsec6_counters_alloc();
	if (!pol->counts) {
		kfree(pol);
		return NULL;
	}
	refcount_set(&pol->ref, 1);
	ipsec6_selector_init_any(&pol->sel);
	return pol;
}

static void ipsec6_spd_policy_free_rcu(struct rcu_head *rcu)
{
	struct ipsec6_policy *pol = container_of(rcu, struct ipsec6_policy,
						 rcu);

	ipsec6_counters_free(pol->counts);
	kfree(pol);
}

void ipsec6_spd_policy_put(struct ipsec6_policy *pol)
{
	if (pol && refcount_dec_and_test(&pol->ref))
		call_rcu(&pol->rcu, ipsec6_spd_policy_free_rcu);
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
	       a->dir == b->dir && a->action == b->action &&
	       a->flags == b->flags && a->bundle_next == b->bundle_next &&
	       !memcmp(&a->sel, &b->sel, sizeof(a->sel)) &&
	       !memcmp(&a->tmpl, &b->tmpl, sizeof(a->tmpl));
}

/* Search order: index 1 last; then priority ascending, index descending. */
bool ipsec6_spd_policy_before(const struct ipsec6_policy *a,
			      const struct ipsec6_policy *b)
{
	if ((a->index == 1) != (b->index == 1))
		return b->index == 1;
	if (a->priority != b->priority)
		return a->priority < b->priority;
	return a->index > b->index;
}

static bool ipsec6_spd_dir_inbound(u8 dir)
{
	return dir & (IPSEC6_DIR_IN | IPSEC6_DIR_FWD);
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

int ipsec6_spd_build(struct ipsec6_db *db)
{
	struct ipsec6_spd_lk *lk;
	u32 i;

	lk = kzalloc(sizeof(*lk), GFP_KERNEL_ACCOUNT);
	if (!lk)
		return -ENOMEM;
	db->lk = lk;
	lk->in = kvcalloc(db->npol, sizeof(*lk->in), GFP_KERNEL_ACCOUNT);
	lk->out = kvcalloc(db->npol, sizeof(*lk->out), GFP_KERNEL_ACCOUNT);
	if (!lk->in || !lk->out)
		return -ENOMEM;
	for (i = 0; i < db->npol; i++) {
		const struct ipsec6_spd_entry *e = &db->pol[i];

		if (e->pol->flags & IPSEC6_POLICY_F_BUNDLE_ONLY)
			continue;
		if (ipsec6_spd_dir_inbound(e->pol->dir))
			lk->in[lk->n_in++] = e;
		if (e->pol->dir & IPSEC6_DIR_OUT)
			lk->out[lk->n_out++] = e;
	}
	db->in_all = lk->n_in ? ipsec6_spd_bypass_all(lk->in[0]) : NULL;
	db->out_all = lk->n_out ? ipsec6_spd_bypass_all(lk->out[0]) : NULL;
	return 0;
}

void ipsec6_spd_destroy(struct ipsec6_db *db)
{
	struct ipsec6_spd_lk *lk = db->lk;

	if (!lk)
		return;
	kvfree(lk->in);
	kvfree(lk->out);
	kfree(lk);
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
	const struct ipsec6_spd_lk *lk = db->lk;
	const struct ipsec6_spd_entry **v;
	u32 i, n;

	if (dir == IPSEC6_DIR_OUT) {
		v = lk->out;
		n = lk->n_out;
	} else {
		v = lk->in;
		n = lk->n_in;
	}
	for (i = 0; i < n; i++)
		if (ipsec6_selector_match(&v[i]->pol->sel, fl))
			return v[i];
	return NULL;
}

/* The entry of policy @index, or NULL. */
const struct ipsec6_spd_entry *ipsec6_spd_find(const struct ipsec6_db *db,
					       u32 index)
{
	u32 lo = 0, hi = db->npol;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		u32 cur = db->pol_by_index[mid]->pol->index;

		if (cur == index)
			return db->pol_by_index[mid];
		if (cur < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
