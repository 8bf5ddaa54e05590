// SPDX-License-Identifier: GPL-2.0
/*
 * Change sets.
 *
 * A change set is a full copy of the SPD and SAD contents (two xarrays of
 * referenced objects keyed by index).  Requests edit the copy; commit checks
 * the references between entries, builds a complete new table version from
 * it and publishes that with one pointer swap.  Readers see either the old
 * or the new version, never a mix, and a failed commit changes nothing.
 *
 * Entries a request stored carry IPSEC6_TXN_STAGED; the others are the
 * published objects the change set was copied from (nothing else
 * publishes while a change set is open: other sockets get -EBUSY and the
 * lifetime work waits), so commit looks at the staged ones only when it
 * matches them against the published version.
 *
 * Everything here runs under ipsec6_net.lock.
 */
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/netlink.h>
#include "array.h"
#include "db.h"
#include "hooks.h"
#include "lifetime.h"
#include "links.h"
#include "netlink.h"
#include "netns.h"
#include "notify.h"
#include "txn.h"

#define IPSEC6_TXN_STAGED	XA_MARK_0

static void ipsec6_txn_free(struct ipsec6_txn *txn)
{
	struct ipsec6_policy *pol;
	struct ipsec6_sa *sa;
	unsigned long i;

	xa_for_each(&txn->pol, i, pol)
		ipsec6_spd_policy_put(pol);
	xa_for_each(&txn->sa, i, sa)
		ipsec6_sad_sa_put(sa);
	xa_destroy(&txn->pol);
	xa_destroy(&txn->sa);
	kfree(txn);
}

static struct ipsec6_txn *ipsec6_txn_create(struct ipsec6_net *in, u32 portid,
					    bool empty)
{
	struct ipsec6_db *db = ipsec6_net_db(in);
	struct ipsec6_txn *txn;
	u32 i;

	lockdep_assert_held(&in->lock);

	txn = kzalloc(sizeof(*txn), GFP_KERNEL_ACCOUNT);
	if (!txn)
		return NULL;
	txn->portid = portid;
	xa_init(&txn->pol);
	xa_init(&txn->sa);
	if (empty || !db)
		return txn;

	/* A failed xa_store() stores nothing: every stored entry has its
	 * reference, so ipsec6_txn_free() undoes a partial copy.
	 */
	for (i = 0; i < db->npol; i++) {
		struct ipsec6_policy *pol = db->pol[db->pol_by_index[i]].pol;

		if (xa_err(xa_store(&txn->pol, pol->index, pol, GFP_KERNEL)))
			goto err;
		ipsec6_spd_policy_get(pol);
	}
	for (i = 0; i < db->nsa; i++) {
		struct ipsec6_sa *sa = db->sa[i];

		if (xa_err(xa_store(&txn->sa, sa->index, sa, GFP_KERNEL)))
			goto err;
		ipsec6_sad_sa_get(sa);
	}
	return txn;
err:
	ipsec6_txn_free(txn);
	return NULL;
}

struct ipsec6_txn *ipsec6_txn_begin(struct ipsec6_net *in, u32 portid,
				    u32 flags, struct netlink_ext_ack *extack)
{
	struct ipsec6_txn *txn;

	lockdep_assert_held(&in->lock);

	if (in->txn) {
		ipsec6_netlink_err(extack, NULL,
				   "overlapping transaction: port %u has one open",
				   in->txn->portid);
		return ERR_PTR(-EBUSY);
	}
	txn = ipsec6_txn_create(in, portid, flags & IPSEC6_TXN_F_REPLACE);
	if (!txn)
		return ERR_PTR(-ENOMEM);
	in->txn = txn;
	return txn;
}

/**
 * ipsec6_txn_get - the change set a request from @portid edits
 * @in: namespace
 * @portid: netlink port of the requesting socket
 * @extack: for the error message
 *
 * The open transaction if @portid owns it; a one-request change set if no
 * transaction is open; -EBUSY if another socket has one open.  Pass the
 * result to ipsec6_txn_finish() when the request is done.
 */
struct ipsec6_txn *ipsec6_txn_get(struct ipsec6_net *in, u32 portid,
				  struct netlink_ext_ack *extack)
{
	struct ipsec6_txn *txn;

	lockdep_assert_held(&in->lock);

	if (in->txn) {
		if (in->txn->portid == portid)
			return in->txn;
		ipsec6_netlink_err(extack, NULL,
				   "a transaction of port %u is open; retry later",
				   in->txn->portid);
		return ERR_PTR(-EBUSY);
	}
	txn = ipsec6_txn_create(in, 0, false);
	return txn ?: ERR_PTR(-ENOMEM);
}

/**
 * ipsec6_txn_finish - end a request on a change set from ipsec6_txn_get()
 * @in: namespace
 * @txn: the change set
 * @err: outcome of the request
 * @extack: for the error message of a failed commit
 *
 * A one-request change set is committed if @err is 0 and dropped otherwise.
 * A failed request in an open transaction leaves the staged contents as
 * they were (every edit is all or nothing) but marks the transaction so
 * that it cannot be committed any more.
 */
int ipsec6_txn_finish(struct ipsec6_net *in, struct ipsec6_txn *txn, int err,
		      struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&in->lock);

	if (txn == in->txn) {
		txn->requests++;
		if (err)
			txn->failed = true;
		return err;
	}
	if (!err)
		err = ipsec6_txn_commit(in, txn, extack);
	ipsec6_txn_free(txn);
	return err;
}

void ipsec6_txn_abort(struct ipsec6_net *in, struct ipsec6_txn *txn)
{
	lockdep_assert_held(&in->lock);

	if (in->txn == txn)
		in->txn = NULL;
	ipsec6_txn_free(txn);
}

/* The socket that owned a transaction went away. */
void ipsec6_txn_release_portid(struct ipsec6_net *in, u32 portid)
{
	mutex_lock(&in->lock);
	if (in->txn && in->txn->portid == portid)
		ipsec6_txn_abort(in, in->txn);
	mutex_unlock(&in->lock);
}

struct ipsec6_policy *ipsec6_txn_policy_find(struct ipsec6_txn *txn,
					     u32 index)
{
	return xa_load(&txn->pol, index);
}

/*
 * On success the change set owns @pol; on error the caller still does.
 */
int ipsec6_txn_policy_add(struct ipsec6_txn *txn, struct ipsec6_policy *pol,
			  bool replace, struct netlink_ext_ack *extack)
{
	struct ipsec6_policy *old = xa_load(&txn->pol, pol->index);
	int err;

	if (old) {
		if (ipsec6_spd_policy_equal(old, pol)) {
			ipsec6_spd_policy_put(pol);
			return 0;
		}
		if (!replace) {
			ipsec6_netlink_err(extack, NULL,
					   "INDEX: policy %u exists with other content",
					   pol->index);
			return -EEXIST;
		}
	}
	err = xa_err(xa_store(&txn->pol, pol->index, pol, GFP_KERNEL));
	if (err)
		return err;
	xa_set_mark(&txn->pol, pol->index, IPSEC6_TXN_STAGED);
	if (old)
		ipsec6_spd_policy_put(old);
	return 0;
}

/* Drop the SAs that serve policy @index (a policy delete cascades). */
static void ipsec6_txn_sa_drop_policy(struct ipsec6_txn *txn, u32 index)
{
	struct ipsec6_sa *sa;
	unsigned long i;

	xa_for_each(&txn->sa, i, sa) {
		if (sa->policy == index) {
			xa_erase(&txn->sa, i);
			ipsec6_sad_sa_put(sa);
		}
	}
}

int ipsec6_txn_policy_del(struct ipsec6_txn *txn, u32 index,
			  struct netlink_ext_ack *extack)
{
	struct ipsec6_policy *pol = xa_erase(&txn->pol, index);

	if (!pol) {
		ipsec6_netlink_err(extack, NULL, "INDEX: no policy %u", index);
		return -ENOENT;
	}
	ipsec6_spd_policy_put(pol);
	ipsec6_txn_sa_drop_policy(txn, index);
	return 0;
}

/*
 * Drop the SAs that serve a policy of @owner (all policies if @all): one
 * pass over the SAs, before the policies go (a policy flush cascades).
 */
static void ipsec6_txn_sa_drop_owner(struct ipsec6_txn *txn, bool all,
				     u32 owner)
{
	struct ipsec6_policy *pol;
	struct ipsec6_sa *sa;
	unsigned long i;

	xa_for_each(&txn->sa, i, sa) {
		if (!sa->policy)
			continue;
		pol = xa_load(&txn->pol, sa->policy);
		if (!pol || (!all && pol->owner != owner))
			continue;
		xa_erase(&txn->sa, i);
		ipsec6_sad_sa_put(sa);
	}
}

int ipsec6_txn_policy_flush(struct ipsec6_txn *txn)
{
	struct ipsec6_policy *pol, *def;
	unsigned long i;
	int err;

	def = ipsec6_spd_policy_default();
	if (!def)
		return -ENOMEM;
	ipsec6_txn_sa_drop_owner(txn, true, 0);
	xa_for_each(&txn->pol, i, pol) {
		xa_erase(&txn->pol, i);
		ipsec6_spd_policy_put(pol);
	}
	err = xa_err(xa_store(&txn->pol, def->index, def, GFP_KERNEL));
	if (err) {
		ipsec6_spd_policy_put(def);
		return err;
	}
	xa_set_mark(&txn->pol, def->index, IPSEC6_TXN_STAGED);
	return 0;
}

/*
 * POLICY_FLUSH with an OWNER: that owner's policies and the SAs naming
 * them go; the default policy is not added back.
 */
void ipsec6_txn_policy_flush_owner(struct ipsec6_txn *txn, u32 owner)
{
	struct ipsec6_policy *pol;
	unsigned long i;

	ipsec6_txn_sa_drop_owner(txn, false, owner);
	xa_for_each(&txn->pol, i, pol) {
		if (pol->owner != owner)
			continue;
		xa_erase(&txn->pol, i);
		ipsec6_spd_policy_put(pol);
	}
}

int ipsec6_txn_sa_add(struct ipsec6_txn *txn, struct ipsec6_sa *sa,
		      bool replace, struct netlink_ext_ack *extack)
{
	struct ipsec6_sa *old = xa_load(&txn->sa, sa->index);
	int err;

	if (old) {
		if (ipsec6_sad_sa_equal(old, sa)) {
			ipsec6_sad_sa_put(sa);
			return 0;
		}
		if (!replace) {
			ipsec6_netlink_err(extack, NULL,
					   "INDEX: SA %u exists with other content",
					   sa->index);
			return -EEXIST;
		}
	}
	err = xa_err(xa_store(&txn->sa, sa->index, sa, GFP_KERNEL));
	if (err)
		return err;
	xa_set_mark(&txn->sa, sa->index, IPSEC6_TXN_STAGED);
	if (old)
		ipsec6_sad_sa_put(old);
	return 0;
}

int ipsec6_txn_sa_del(struct ipsec6_txn *txn, u32 index,
		      struct netlink_ext_ack *extack)
{
	struct ipsec6_sa *sa = xa_erase(&txn->sa, index);

	if (!sa) {
		ipsec6_netlink_err(extack, NULL, "INDEX: no SA %u", index);
		return -ENOENT;
	}
	ipsec6_sad_sa_put(sa);
	return 0;
}

void ipsec6_txn_sa_flush(struct ipsec6_txn *txn)
{
	struct ipsec6_sa *sa;
	unsigned long i;

	xa_for_each(&txn->sa, i, sa) {
		xa_erase(&txn->sa, i);
		ipsec6_sad_sa_put(sa);
	}
}

/* SA_FLUSH with an OWNER: only that owner's SAs. */
void ipsec6_txn_sa_flush_owner(struct ipsec6_txn *txn, u32 owner)
{
	struct ipsec6_sa *sa;
	unsigned long i;

	xa_for_each(&txn->sa, i, sa) {
		if (sa->owner != owner)
			continue;
		xa_erase(&txn->sa, i);
		ipsec6_sad_sa_put(sa);
	}
}

static int ipsec6_txn_cmp_search(const void *a, const void *b)
{
	const struct ipsec6_spd_entry *x = a, *y = b;

	if (ipsec6_spd_policy_before(x->pol, y->pol))
		return -1;
	return ipsec6_spd_policy_before(y->pol, x->pol) ? 1 : 0;
}

/* Ranks in @priv's pol[] by the index of their policies. */
static int ipsec6_txn_cmp_index(const void *a, const void *b, const void *priv)
{
	const struct ipsec6_db *db = priv;
	u32 i = db->pol[*(const u32 *)a].pol->index;
	u32 j = db->pol[*(const u32 *)b].pol->index;

	return i < j ? -1 : i > j;
}

/* A staged policy that is not in the published version, and its rank. */
struct ipsec6_txn_new {
	struct ipsec6_policy *pol;
	u32 rank;
};

static int ipsec6_txn_cmp_new_search(const void *a, const void *b)
{
	const struct ipsec6_txn_new *x = a, *y = b;

	return ipsec6_spd_policy_before(x->pol, y->pol) ? -1 : 1;
}

static int ipsec6_txn_cmp_new_index(const void *a, const void *b)
{
	const struct ipsec6_txn_new *x = a, *y = b;

	return x->pol->index < y->pol->index ? -1 : 1;
}

/* Put @pol at the next rank of @db. */
static u32 ipsec6_txn_put(struct ipsec6_db *db, struct ipsec6_policy *pol)
{
	db->pol[db->npol].pol = ipsec6_spd_policy_get(pol);
	return db->npol++;
}

/*
 * ipsec6_txn_fill_merge - db->pol[] and pol_by_index[] of @db, @n policies,
 * from the published version @cur and the few policies @txn staged: the
 * published orders without the policies that went, merged with the new
 * ones sorted on their own, O(n + k log k) for k new policies instead of
 * sorting all n (a single change into a large SPD).  Returns false, with
 * @db as it was, when @txn staged too many policies for this to pay or
 * the counts do not add up; the caller then sorts.
 */
static bool ipsec6_txn_fill_merge(const struct ipsec6_db *cur,
				  struct ipsec6_txn *txn, struct ipsec6_db *db,
				  u32 n)
{
	struct ipsec6_txn_new *add = NULL;
	const struct ipsec6_spd_entry *e;
	struct ipsec6_policy *pol;
	u32 k = 0, nadd = 0, a, j, *map = NULL, *out;
	unsigned long i;

	if (!cur)
		return false;
	xa_for_each_marked(&txn->pol, i, pol, IPSEC6_TXN_STAGED)
		k++;
	if (k > cur->npol / 8 + 16)
		return false;
	add = kmalloc_array(max_t(u32, k, 1), sizeof(*add), GFP_KERNEL);
	map = kvmalloc_array(max_t(u32, cur->npol, 1), sizeof(*map),
			     GFP_KERNEL);
	if (!add || !map)
		goto undo;
	xa_for_each_marked(&txn->pol, i, pol, IPSEC6_TXN_STAGED) {
		e = ipsec6_spd_find(cur, i);
		if ((!e || e->pol != pol) && nadd < k)
			add[nadd++].pol = pol;
	}
	sort(add, nadd, sizeof(*add), ipsec6_txn_cmp_new_search, NULL);

	/* search order: what stays of @cur, the new ones in between */
	for (a = 0, j = 0; j < cur->npol; j++) {
		pol = cur->pol[j].pol;
		map[j] = U32_MAX;
		if (xa_load(&txn->pol, pol->index) != pol)
			continue;	/* deleted or replaced */
		for (; a < nadd && ipsec6_spd_policy_before(add[a].pol, pol); a++) {
			if (db->npol == n)
				goto undo;
			add[a].rank = ipsec6_txn_put(db, add[a].pol);
		}
		if (db->npol == n)
			goto undo;
		map[j] = ipsec6_txn_put(db, pol);
	}
	for (; a < nadd; a++) {
		if (db->npol == n)
			goto undo;
		add[a].rank = ipsec6_txn_put(db, add[a].pol);
	}
	if (db->npol != n)
		goto undo;

	/* index order likewise */
	sort(add, nadd, sizeof(*add), ipsec6_txn_cmp_new_index, NULL);
	out = db->pol_by_index;
	for (a = 0, j = 0; j < cur->npol; j++) {
		u32 r = map[cur->pol_by_index[j]];

		if (r == U32_MAX)
			continue;
		for (; a < nadd && add[a].pol->index < db->pol[r].pol->index; a++)
			*out++ = add[a].rank;
		*out++ = r;
	}
	for (; a < nadd; a++)
		*out++ = add[a].rank;
	kvfree(map);
	kfree(add);
	return true;
undo:
	WARN_ON_ONCE(add && map);
	while (db->npol)
		ipsec6_spd_policy_put(db->pol[--db->npol].pol);
	kvfree(map);
	kfree(add);
	return false;
}

/*
 * Copy the change set's objects into @db, each with its own reference;
 * policies in search order, with their ranks by index.
 */
static int ipsec6_txn_fill(struct ipsec6_net *in, struct ipsec6_txn *txn,
			   struct ipsec6_db *db)
{
	struct ipsec6_policy *pol;
	struct ipsec6_sa *sa;
	unsigned long i;
	u32 n = 0;

	xa_for_each(&txn->pol, i, pol)
		n++;
	db->pol = ipsec6_array_alloc(n, sizeof(*db->pol),
				     GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	db->pol_by_index = ipsec6_array_alloc(n, sizeof(*db->pol_by_index),
					      GFP_KERNEL_ACCOUNT);
	if (n && (!db->pol || !db->pol_by_index))
		return -ENOMEM;
	if (!ipsec6_txn_fill_merge(ipsec6_net_db(in), txn, db, n)) {
		xa_for_each(&txn->pol, i, pol) {
			if (WARN_ON_ONCE(db->npol == n))
				break;
			db->pol[db->npol++].pol = ipsec6_spd_policy_get(pol);
		}
		sort(db->pol, db->npol, sizeof(*db->pol),
		     ipsec6_txn_cmp_search, NULL);
		for (n = 0; n < db->npol; n++)
			db->pol_by_index[n] = n;
		sort_r(db->pol_by_index, db->npol, sizeof(*db->pol_by_index),
		       ipsec6_txn_cmp_index, NULL, db);
	}

	n = 0;
	xa_for_each(&txn->sa, i, sa)
		n++;
	db->sa = ipsec6_array_alloc(n, sizeof(*db->sa), GFP_KERNEL_ACCOUNT);
	if (n && !db->sa)
		return -ENOMEM;
	xa_for_each(&txn->sa, i, sa) {
		if (WARN_ON_ONCE(db->nsa == n))
			break;
		db->sa[db->nsa++] = ipsec6_sad_sa_get(sa);
	}
	return 0;
}

/* Bundles: BUNDLE_NEXT must name an APPLY policy and chains must end. */
static int ipsec6_txn_link_bundles(struct ipsec6_db *db,
				   struct netlink_ext_ack *extack)
{
	u32 i;

	for (i = 0; i < db->npol; i++) {
		struct ipsec6_spd_entry *e = &db->pol[i];
		const struct ipsec6_spd_entry *next;

		if (!e->pol->bundle_next)
			continue;
		next = ipsec6_spd_find(db, e->pol->bundle_next);
		if (!next || next->pol->action != IPSEC6_ACTION_APPLY) {
			ipsec6_netlink_err(extack, NULL,
					   "BUNDLE_NEXT: policy %u: %u is not an APPLY policy",
					   e->pol->index, e->pol->bundle_next);
			return -EINVAL;
		}
		e->next = next - db->pol + 1;
	}
	for (i = 0; i < db->npol; i++) {
		const struct ipsec6_spd_entry *e = &db->pol[i];
		unsigned int depth = 0;

		for (; e; e = ipsec6_db_next(db, e)) {
			if (++depth > IPSEC6_BUNDLE_MAX) {
				ipsec6_netlink_err(extack, NULL,
						   "BUNDLE_NEXT: policy %u: bundle loops or exceeds %u",
						   db->pol[i].pol->index,
						   IPSEC6_BUNDLE_MAX);
				return -ELOOP;
			}
		}
	}
	return 0;
}

/* SAs naming a policy: it must exist, be APPLY and use the SA's protocol. */
static int ipsec6_txn_check_sa_refs(struct ipsec6_db *db,
				    struct netlink_ext_ack *extack)
{
	u32 i;

	for (i = 0; i < db->nsa; i++) {
		const struct ipsec6_sa *sa = db->sa[i];
		const struct ipsec6_spd_entry *e;

		if (!sa->policy)
			continue;
		e = ipsec6_spd_find(db, sa->policy);
		if (!e) {
			ipsec6_netlink_err(extack, NULL,
					   "POLICY: SA %u: policy %u does not exist",
					   sa->index, sa->policy);
			return -ENOENT;
		}
		if (e->pol->action != IPSEC6_ACTION_APPLY) {
			ipsec6_netlink_err(extack, NULL,
					   "POLICY: SA %u: policy %u is not APPLY",
					   sa->index, sa->policy);
			return -EINVAL;
		}
		if (e->pol->tmpl->proto != sa->proto) {
			ipsec6_netlink_err(extack, NULL,
					   "PROTO: SA %u: policy %u uses the other IPsec protocol",
					   sa->index, sa->policy);
			return -EINVAL;
		}
		if (e->pol->tmpl->mode != sa->mode) {
			ipsec6_netlink_err(extack, NULL,
					   "MODE: SA %u: policy %u uses the other mode",
					   sa->index, sa->policy);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * An entry staged with the same content as the published entry of its
 * index (a TXN_F_REPLACE set loading the same configuration again, or a
 * delete and re-add) keeps the published object: a policy its counters,
 * an SA everything, its lifetime state included.  (An SA with other
 * content but the same SPI and keys gets a new object that continues the
 * old one's state: ipsec6_txn_inherit().)
 */
static void ipsec6_txn_keep_equal(struct ipsec6_net *in,
				  struct ipsec6_txn *txn)
{
	struct ipsec6_db *db = ipsec6_net_db(in);
	const struct ipsec6_spd_entry *e;
	struct ipsec6_policy *pol;
	struct ipsec6_sa *sa, *cur;
	unsigned long i;

	if (!db)
		return;
	xa_for_each_marked(&txn->pol, i, pol, IPSEC6_TXN_STAGED) {
		e = ipsec6_spd_find(db, i);
		if (!e || e->pol == pol || !ipsec6_spd_policy_equal(e->pol, pol))
			continue;
		/* Replacing a present entry allocates nothing. */
		if (xa_err(xa_store(&txn->pol, i, e->pol, GFP_KERNEL)))
			continue;
		ipsec6_spd_policy_get(e->pol);
		ipsec6_spd_policy_put(pol);
	}
	xa_for_each_marked(&txn->sa, i, sa, IPSEC6_TXN_STAGED) {
		cur = ipsec6_sad_find(db, i);
		if (!cur || cur == sa || !ipsec6_sad_sa_equal(cur, sa))
			continue;
		if (xa_err(xa_store(&txn->sa, i, cur, GFP_KERNEL)))
			continue;
		ipsec6_sad_sa_get(cur);
		ipsec6_sad_sa_put(sa);
	}
}

/*
 * The SAs of @txn that replace a published SA -- same SPI, destination and
 * protocol, same algorithms and keys, other content -- continue its state
 * (sequence numbers, replay window, counters, lifetime charges: see
 * ipsec6_sad_sa_inherit()).  Run when the version built from @txn will be
 * published: nothing after this may fail.  Only staged SAs can be new.
 */
static void ipsec6_txn_inherit(struct ipsec6_net *in, struct ipsec6_txn *txn)
{
	struct ipsec6_db *cur = ipsec6_net_db(in);
	struct ipsec6_sa *sa, *old;
	unsigned long i;

	lockdep_assert_held(&in->lock);
	if (!cur)
		return;
	xa_for_each_marked(&txn->sa, i, sa, IPSEC6_TXN_STAGED) {
		if (ipsec6_sad_find(cur, sa->index) == sa)
			continue;	/* published already */
		/* SA_UPDATE continues the SA of its index (DST may change) */
		if (sa->updates) {
			old = ipsec6_sad_find(cur, sa->index);
			if (old && !old->larval &&
			    ipsec6_crypto_cfg_same_keys(&sa->cfg, &old->cfg))
				ipsec6_sad_sa_inherit(sa, old);
			continue;
		}
		old = ipsec6_sad_lookup(cur, sa->spi, &sa->dst, sa->proto);
		if (old && ipsec6_sad_sa_continues(sa, old))
			ipsec6_sad_sa_inherit(sa, old);
	}
}

/*
 * Does @txn list exactly the objects of the published version?  Then it
 * changes nothing (an identical NEW keeps the existing object) and is not
 * published: no new generation, no CHANGED.  Both sides are in index order.
 */
static bool ipsec6_txn_unchanged(struct ipsec6_net *in,
				 struct ipsec6_txn *txn)
{
	struct ipsec6_db *db = ipsec6_net_db(in);
	struct ipsec6_policy *pol;
	struct ipsec6_sa *sa;
	unsigned long i;
	u32 n = 0;

	if (!db)
		return false;
	xa_for_each(&txn->pol, i, pol) {
		if (n == db->npol || db->pol[db->pol_by_index[n]].pol != pol)
			return false;
		n++;
	}
	if (n != db->npol)
		return false;
	n = 0;
	xa_for_each(&txn->sa, i, sa) {
		if (n == db->nsa || db->sa[n] != sa)
			return false;
		n++;
	}
	return n == db->nsa;
}

/**
 * ipsec6_txn_commit - publish a change set
 * @in: namespace
 * @txn: the change set
 * @extack: names the entry that prevents the commit
 *
 * Builds a complete table version from @txn and swaps it in, unless @txn
 * changes nothing.  On error nothing changes and @txn is left as it was.
 */
int ipsec6_txn_commit(struct ipsec6_net *in, struct ipsec6_txn *txn,
		      struct netlink_ext_ack *extack)
{
	struct ipsec6_db *db, *old;
	int err;

	lockdep_assert_held(&in->lock);

	if (txn->failed) {
		ipsec6_netlink_err(extack, NULL,
				   "transaction had a rejected request; abort it");
		return -EINVAL;
	}
	ipsec6_txn_keep_equal(in, txn);
	if (ipsec6_txn_unchanged(in, txn))
		return 0;
	db = ipsec6_db_alloc();
	if (!db)
		return -ENOMEM;
	err = ipsec6_txn_fill(in, txn, db);
	if (err)
		goto err;
	err = ipsec6_txn_check_sa_refs(db, extack);
	if (err)
		goto err;
	err = ipsec6_txn_link_bundles(db, extack);
	if (err)
		goto err;
	err = ipsec6_sad_build(db, extack);
	if (err)
		goto err;
	err = ipsec6_links_build(db);
	if (err)
		goto err;
	err = ipsec6_spd_build(db, ipsec6_net_db(in));
	if (err)
		goto err;

	/* Hooks on before a version that needs them is seen, off after. */
	if (!ipsec6_db_idle(db)) {
		err = ipsec6_hooks_arm(in, true);
		if (err)
			goto err;
	}
	ipsec6_txn_inherit(in, txn);
	db->generation = ++in->generation;
	old = rcu_replace_pointer(in->db, db, lockdep_is_held(&in->lock));
	if (ipsec6_db_idle(db))
		ipsec6_hooks_arm(in, false);
	ipsec6_notify_publish(in, old, db);
	if (old)
		ipsec6_db_free_rcu(old);
	ipsec6_netlink_notify_changed(in);
	ipsec6_lifetime_watch(in, db);
	return 0;
err:
	ipsec6_db_free(db);
	return err;
}
