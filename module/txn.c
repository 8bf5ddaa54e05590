// SPDX-License-Identifier: GPL-2.0
/*
 * Change sets.
 *
 * A change set edits the namespace's multi-version tables (tables.c) in
 * place, for the generation after the published one: what it adds is
 * linked as born in that generation, what it removes is marked as dying
 * in it.  No packet sees any of it until ipsec6_txn_commit() publishes the
 * generation with one pointer store; from then on every packet sees all
 * of it.  Requests are checked against the staged contents (that next
 * generation) as they arrive; commit checks what the set's objects refer
 * to or are referred to by (an SA's policy, bundles) and SPI uniqueness,
 * then publishes.  A failed commit changes nothing; abort undoes the set.
 * So a single change costs the same whatever the size of the tables.
 *
 * Everything here runs under ipsec6_net.lock.
 */
#include <linux/slab.h>
#include <net/netlink.h>
#include "db.h"
#include "encap.h"
#include "hooks.h"
#include "lifetime.h"
#include "netlink.h"
#include "netns.h"
#include "notify.h"
#include "sad_index.h"
#include "txn.h"

/*
 * A namespace has one change set at a time (under its lock): the open
 * transaction or a one-request set.  It lives in struct ipsec6_net and
 * keeps its log's buffers from one set to the next (tables.c), so that a
 * single request allocates nothing for its change set.
 */
static void ipsec6_txn_release(struct ipsec6_txn *txn)
{
	txn->t = NULL;
	txn->portid = 0;
	txn->requests = 0;
	txn->failed = false;
}

/* Undo what @txn staged (nothing once committed) and end it. */
static void ipsec6_txn_undo(struct ipsec6_net *in, struct ipsec6_txn *txn)
{
	ipsec6_tables_abort(txn->t, &txn->c);
	ipsec6_netns_tables_changed(in);
	ipsec6_txn_release(txn);
}

static struct ipsec6_txn *ipsec6_txn_create(struct ipsec6_net *in, u32 portid)
{
	struct ipsec6_txn *txn = &in->set;

	lockdep_assert_held(&in->lock);

	if (WARN_ON_ONCE(txn->t))
		return NULL;	/* one change set at a time */
	if (ipsec6_change_init(&txn->c, in->generation + 1))
		return NULL;
	txn->portid = portid;
	txn->t = &in->tables;
	/* Dead objects of earlier change sets whose grace period ended. */
	ipsec6_tables_gc(txn->t);
	return txn;
}

/* Namespace exit, no change set open: free what the sets kept. */
void ipsec6_txn_destroy(struct ipsec6_net *in)
{
	lockdep_assert_held(&in->lock);
	ipsec6_change_destroy(&in->set.c);
}

/* The policies (@sas false) or SAs of the staged contents, counted. */
static u32 ipsec6_txn_count(struct ipsec6_txn *txn, bool sas)
{
	struct xarray *xa = sas ? &txn->t->sa : &txn->t->pol;
	unsigned long i;
	void *head;
	u32 n = 0;

	xa_for_each(xa, i, head)
		n++;
	return n;
}

/*
 * Remove every SA of the staged contents (@named_only: those that name a
 * policy); room in the log was reserved.
 */
static void ipsec6_txn_kill_sas(struct ipsec6_txn *txn, bool named_only)
{
	struct ipsec6_sa *sa;
	unsigned long i;
	void *head;

	xa_for_each(&txn->t->sa, i, head) {
		sa = ipsec6_tables_sa(txn->t, i, txn->c.gen);
		if (sa && (!named_only || sa->policy))
			ipsec6_tables_kill_sa(txn->t, &txn->c, sa);
	}
}

/* Empty tables to start from (TXN_F_REPLACE). */
static int ipsec6_txn_clear(struct ipsec6_txn *txn)
{
	struct ipsec6_policy *pol;
	unsigned long i;
	void *head;
	int err;

	err = ipsec6_change_reserve(&txn->c, ipsec6_txn_count(txn, false),
				    ipsec6_txn_count(txn, true));
	if (err)
		return err;
	xa_for_each(&txn->t->pol, i, head) {
		pol = ipsec6_tables_policy(txn->t, i, txn->c.gen);
		if (pol)
			ipsec6_tables_kill_policy(txn->t, &txn->c, pol);
	}
	ipsec6_txn_kill_sas(txn, false);
	return 0;
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
	txn = ipsec6_txn_create(in, portid);
	if (!txn)
		return ERR_PTR(-ENOMEM);
	if ((flags & IPSEC6_TXN_F_REPLACE) && ipsec6_txn_clear(txn)) {
		ipsec6_txn_undo(in, txn);
		return ERR_PTR(-ENOMEM);
	}
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
	txn = ipsec6_txn_create(in, 0);
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
	if (err)
		ipsec6_txn_undo(in, txn);
	else
		ipsec6_txn_release(txn);	/* committed: nothing to undo */
	return err;
}

void ipsec6_txn_abort(struct ipsec6_net *in, struct ipsec6_txn *txn)
{
	lockdep_assert_held(&in->lock);

	if (in->txn == txn)
		in->txn = NULL;
	ipsec6_txn_undo(in, txn);
}

/* The socket that owned a transaction went away. */
void ipsec6_txn_release_portid(struct ipsec6_net *in, u32 portid)
{
	mutex_lock(&in->lock);
	if (in->txn && in->txn->portid == portid)
		ipsec6_txn_abort(in, in->txn);
	mutex_unlock(&in->lock);
}

/* The staged policy of @index, or NULL. */
struct ipsec6_policy *ipsec6_txn_policy_find(struct ipsec6_txn *txn,
					     u32 index)
{
	return ipsec6_tables_policy(txn->t, index, txn->c.gen);
}

/* The staged SA of @index, or NULL. */
struct ipsec6_sa *ipsec6_txn_sa_find(struct ipsec6_txn *txn, u32 index)
{
	return ipsec6_tables_sa(txn->t, index, txn->c.gen);
}

/* The staged SA with that identity, or NULL. */
struct ipsec6_sa *ipsec6_txn_sa_lookup(struct ipsec6_txn *txn, __be32 spi,
				       const struct in6_addr *dst, u8 proto)
{
	return ipsec6_sad_index_lookup(&txn->t->sad, spi, dst, proto,
				       txn->c.gen);
}

/*
 * On success the change set owns @pol; on error the caller still does.
 *
 * A policy added with the content of the published policy of its index,
 * which this set removed (a TXN_F_REPLACE set loading the same
 * configuration again, a delete and re-add), brings that object back: it
 * keeps its counters.
 */
int ipsec6_txn_policy_add(struct ipsec6_txn *txn, struct ipsec6_policy *pol,
			  bool replace, struct netlink_ext_ack *extack)
{
	struct ipsec6_change *c = &txn->c;
	struct ipsec6_policy *old, *pub;
	int err;

	old = ipsec6_tables_policy(txn->t, pol->index, c->gen);
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
	/*
	 * The published one, if the set brings it back unchanged: one the
	 * set removed, so none while it removed nothing (every object it
	 * removes is in its log).
	 */
	pub = c->pol_died.n ?
	      ipsec6_tables_policy(txn->t, pol->index, c->gen - 1) : NULL;
	if (pub && (pub == old || !ipsec6_spd_policy_equal(pub, pol)))
		pub = NULL;
	if (old) {
		err = ipsec6_tables_kill_policy(txn->t, c, old);
		if (err)
			return err;
	}
	if (pub) {
		ipsec6_tables_revive_policy(pub);
		ipsec6_spd_policy_put(pol);
		return 0;
	}
	err = ipsec6_tables_add_policy(txn->t, c, pol);
	if (err && old)
		ipsec6_tables_revive_policy(old);
	return err;
}

/* The staged SAs that name policy @index, counted. */
static u32 ipsec6_txn_named(struct ipsec6_txn *txn, u32 index)
{
	struct ipsec6_sa *sa;
	u32 n = 0;

	for (sa = ipsec6_tables_named(txn->t, index); sa; sa = sa->named_next)
		n += ipsec6_gen_visible(&sa->life, txn->c.gen);
	return n;
}

/* A policy delete takes the SAs that name it along; room was reserved. */
static void ipsec6_txn_kill_named(struct ipsec6_txn *txn, u32 index)
{
	struct ipsec6_sa *sa, *next;

	for (sa = ipsec6_tables_named(txn->t, index); sa; sa = next) {
		next = sa->named_next;
		if (ipsec6_gen_visible(&sa->life, txn->c.gen))
			ipsec6_tables_kill_sa(txn->t, &txn->c, sa);
	}
}

int ipsec6_txn_policy_del(struct ipsec6_txn *txn, u32 index,
			  struct netlink_ext_ack *extack)
{
	struct ipsec6_policy *pol = ipsec6_txn_policy_find(txn, index);
	int err;

	if (!pol) {
		ipsec6_netlink_err(extack, NULL, "INDEX: no policy %u", index);
		return -ENOENT;
	}
	err = ipsec6_change_reserve(&txn->c, 1, ipsec6_txn_named(txn, index));
	if (err)
		return err;
	ipsec6_tables_kill_policy(txn->t, &txn->c, pol);
	ipsec6_txn_kill_named(txn, index);
	return 0;
}

/* Only the default policy, and no SA that named a removed policy. */
int ipsec6_txn_policy_flush(struct ipsec6_txn *txn)
{
	struct ipsec6_policy *pol, *def;
	unsigned long i;
	void *head;
	int err;

	err = ipsec6_change_reserve(&txn->c, ipsec6_txn_count(txn, false) + 1,
				    ipsec6_txn_count(txn, true));
	if (err)
		return err;
	def = ipsec6_spd_policy_default();
	if (!def)
		return -ENOMEM;
	err = ipsec6_txn_policy_add(txn, def, true, NULL);
	if (err) {
		ipsec6_spd_policy_put(def);
		return err;
	}
	xa_for_each(&txn->t->pol, i, head) {
		pol = ipsec6_txn_policy_find(txn, i);
		if (pol && i != 1)
			ipsec6_tables_kill_policy(txn->t, &txn->c, pol);
	}
	ipsec6_txn_kill_sas(txn, true);
	return 0;
}

/*
 * POLICY_FLUSH with an OWNER: that owner's policies and the SAs naming
 * them go; the default policy is not added back.
 */
int ipsec6_txn_policy_flush_owner(struct ipsec6_txn *txn, u32 owner)
{
	struct ipsec6_policy *pol;
	unsigned long i;
	void *head;
	int err;

	err = ipsec6_change_reserve(&txn->c, ipsec6_txn_count(txn, false),
				    ipsec6_txn_count(txn, true));
	if (err)
		return err;
	xa_for_each(&txn->t->pol, i, head) {
		pol = ipsec6_txn_policy_find(txn, i);
		if (!pol || pol->owner != owner)
			continue;
		ipsec6_tables_kill_policy(txn->t, &txn->c, pol);
		ipsec6_txn_kill_named(txn, i);
	}
	return 0;
}

/* Like ipsec6_txn_policy_add(); an SA brought back keeps its state. */
int ipsec6_txn_sa_add(struct ipsec6_txn *txn, struct ipsec6_sa *sa,
		      bool replace, struct netlink_ext_ack *extack)
{
	struct ipsec6_change *c = &txn->c;
	struct ipsec6_sa *old, *pub;
	int err;

	old = ipsec6_tables_sa(txn->t, sa->index, c->gen);
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
	pub = c->sa_died.n ? ipsec6_tables_sa(txn->t, sa->index, c->gen - 1) :
			     NULL;
	if (pub && (pub == old || !ipsec6_sad_sa_equal(pub, sa)))
		pub = NULL;
	if (old) {
		err = ipsec6_tables_kill_sa(txn->t, c, old);
		if (err)
			return err;
	}
	if (pub) {
		ipsec6_tables_revive_sa(pub);
		ipsec6_sad_sa_put(sa);
		return 0;
	}
	err = ipsec6_tables_add_sa(txn->t, c, sa);
	if (err && old)
		ipsec6_tables_revive_sa(old);
	return err;
}

int ipsec6_txn_sa_del(struct ipsec6_txn *txn, u32 index,
		      struct netlink_ext_ack *extack)
{
	struct ipsec6_sa *sa = ipsec6_tables_sa(txn->t, index, txn->c.gen);

	if (!sa) {
		ipsec6_netlink_err(extack, NULL, "INDEX: no SA %u", index);
		return -ENOENT;
	}
	return ipsec6_tables_kill_sa(txn->t, &txn->c, sa);
}

int ipsec6_txn_sa_flush(struct ipsec6_txn *txn)
{
	int err;

	err = ipsec6_change_reserve(&txn->c, 0, ipsec6_txn_count(txn, true));
	if (err)
		return err;
	ipsec6_txn_kill_sas(txn, false);
	return 0;
}

/* SA_FLUSH with an OWNER: only that owner's SAs. */
int ipsec6_txn_sa_flush_owner(struct ipsec6_txn *txn, u32 owner)
{
	struct ipsec6_sa *sa;
	unsigned long i;
	void *head;
	int err;

	err = ipsec6_change_reserve(&txn->c, 0, ipsec6_txn_count(txn, true));
	if (err)
		return err;
	xa_for_each(&txn->t->sa, i, head) {
		sa = ipsec6_tables_sa(txn->t, i, txn->c.gen);
		if (sa && sa->owner == owner)
			ipsec6_tables_kill_sa(txn->t, &txn->c, sa);
	}
	return 0;
}

/* An SA naming a policy: it must exist, be APPLY and fit the SA. */
static int ipsec6_txn_check_sa_ref(struct ipsec6_txn *txn,
				   const struct ipsec6_sa *sa,
				   struct netlink_ext_ack *extack)
{
	const struct ipsec6_policy *pol;

	if (!sa->policy)
		return 0;
	pol = ipsec6_txn_policy_find(txn, sa->policy);
	if (!pol) {
		ipsec6_netlink_err(extack, NULL,
				   "POLICY: SA %u: policy %u does not exist",
				   sa->index, sa->policy);
		return -ENOENT;
	}
	if (pol->action != IPSEC6_ACTION_APPLY) {
		ipsec6_netlink_err(extack, NULL,
				   "POLICY: SA %u: policy %u is not APPLY",
				   sa->index, sa->policy);
		return -EINVAL;
	}
	if (pol->tmpl->proto != sa->proto) {
		ipsec6_netlink_err(extack, NULL,
				   "PROTO: SA %u: policy %u uses the other IPsec protocol",
				   sa->index, sa->policy);
		return -EINVAL;
	}
	if (pol->tmpl->mode != sa->mode) {
		ipsec6_netlink_err(extack, NULL,
				   "MODE: SA %u: policy %u uses the other mode",
				   sa->index, sa->policy);
		return -EINVAL;
	}
	return 0;
}

/* The staged SAs naming policy @index still fit what it is now. */
static int ipsec6_txn_check_named(struct ipsec6_txn *txn, u32 index,
				  struct netlink_ext_ack *extack)
{
	struct ipsec6_sa *sa;
	int err;

	if (xa_empty(&txn->t->named))
		return 0;	/* no SA names a policy (the usual case) */
	for (sa = ipsec6_tables_named(txn->t, index); sa; sa = sa->named_next) {
		if (!ipsec6_gen_visible(&sa->life, txn->c.gen))
			continue;
		err = ipsec6_txn_check_sa_ref(txn, sa, extack);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Bundles: BUNDLE_NEXT must name an APPLY policy and chains must end.
 * Checked over every policy with BUNDLE_NEXT (rare) when the set changed
 * any policy.
 */
static int ipsec6_txn_check_bundles(struct ipsec6_txn *txn,
				    struct netlink_ext_ack *extack)
{
	struct ipsec6_policy *pol, *p;
	unsigned int depth;
	unsigned long i;
	void *v;

	xa_for_each(&txn->t->bundles, i, v) {
		pol = ipsec6_txn_policy_find(txn, i);
		if (!pol || !pol->bundle_next)
			continue;
		p = ipsec6_txn_policy_find(txn, pol->bundle_next);
		if (!p || p->action != IPSEC6_ACTION_APPLY) {
			ipsec6_netlink_err(extack, NULL,
					   "BUNDLE_NEXT: policy %u: %u is not an APPLY policy",
					   pol->index, pol->bundle_next);
			return -EINVAL;
		}
		for (p = pol, depth = 0; p && p->bundle_next;
		     p = ipsec6_txn_policy_find(txn, p->bundle_next)) {
			if (++depth >= IPSEC6_BUNDLE_MAX) {
				ipsec6_netlink_err(extack, NULL,
						   "BUNDLE_NEXT: policy %u: bundle loops or exceeds %u",
						   pol->index, IPSEC6_BUNDLE_MAX);
				return -ELOOP;
			}
		}
	}
	return 0;
}

/* What the set's objects refer to, and what refers to its objects. */
static int ipsec6_txn_check(struct ipsec6_txn *txn,
			    struct netlink_ext_ack *extack)
{
	struct ipsec6_change *c = &txn->c;
	struct ipsec6_sa *sa, *twin;
	u32 i;
	int err;

	for (i = 0; i < c->sa_born.n; i++) {
		sa = c->sa_born.v[i];
		if (!ipsec6_gen_visible(&sa->life, c->gen))
			continue;
		err = ipsec6_txn_check_sa_ref(txn, sa, extack);
		if (err)
			return err;
	}
	for (i = 0; i < c->pol_born.n; i++) {
		err = ipsec6_txn_check_named(txn,
					     ((struct ipsec6_policy *)
					      c->pol_born.v[i])->index, extack);
		if (err)
			return err;
	}
	for (i = 0; i < c->pol_died.n; i++) {
		err = ipsec6_txn_check_named(txn,
					     ((struct ipsec6_policy *)
					      c->pol_died.v[i])->index, extack);
		if (err)
			return err;
	}
	if ((c->pol_born.n || c->pol_died.n) && !xa_empty(&txn->t->bundles)) {
		err = ipsec6_txn_check_bundles(txn, extack);
		if (err)
			return err;
	}
	for (i = 0; i < c->sa_born.n; i++) {
		sa = c->sa_born.v[i];
		if (!ipsec6_gen_visible(&sa->life, c->gen))
			continue;
		twin = ipsec6_sad_index_twin(&txn->t->sad, sa, c->gen);
		if (twin) {
			/* The higher index first, as a load in index order
			 * meets them.
			 */
			ipsec6_netlink_err(extack, NULL,
					   "SPI: SA %u: SPI %u, DST and PROTO used by SA %u",
					   max(sa->index, twin->index),
					   ntohl(sa->spi),
					   min(sa->index, twin->index));
			return -EEXIST;
		}
	}
	return 0;
}

/*
 * The view of the generation @txn publishes: its counts, and the policy
 * that takes every packet of a direction if it is the only one there.
 */
static struct ipsec6_db *ipsec6_txn_view(struct ipsec6_txn *txn,
					 const struct ipsec6_encap_ports *ports)
{
	struct ipsec6_tables *t = txn->t;
	struct ipsec6_tables_delta d;
	struct ipsec6_policy *def;
	struct ipsec6_db *db;

	db = ipsec6_db_alloc(ipsec6_encap_nports(ports));
	if (!db)
		return NULL;
	ipsec6_encap_fill(db, ports);
	ipsec6_change_delta(&txn->c, &d);
	db->generation = txn->c.gen;
	db->t = t;
	db->npol = t->npol + d.npol;
	db->nsa = t->nsa + d.nsa;
	/* Only a direction with one policy can have one that takes all. */
	if (t->ndir[0] + d.ndir[0] != 1 && t->ndir[1] + d.ndir[1] != 1)
		return db;
	def = ipsec6_txn_policy_find(txn, 1);
	if (def && def->part != IPSEC6_SPD_PART_NONE &&
	    ipsec6_spd_bypass_all(def)) {
		if (t->ndir[0] + d.ndir[0] == 1 &&
		    ipsec6_spd_in_dir(def, IPSEC6_DIR_IN))
			db->in_all = def;
		if (t->ndir[1] + d.ndir[1] == 1 &&
		    ipsec6_spd_in_dir(def, IPSEC6_DIR_OUT))
			db->out_all = def;
	}
	return db;
}

/* The SAs the set adds that have time limits are watched (lifetime.c). */
static void ipsec6_txn_watch(struct ipsec6_net *in, struct ipsec6_txn *txn)
{
	u32 i;

	for (i = 0; i < txn->c.sa_born.n; i++) {
		struct ipsec6_sa *sa = txn->c.sa_born.v[i];

		if (sa->time_limits &&
		    ipsec6_gen_visible(&sa->life, txn->c.gen)) {
			ipsec6_lifetime_watch(in);
			return;
		}
	}
}

/*
 * The SAs @txn adds that replace a published SA -- same SPI, destination
 * and protocol, same algorithms and keys, other content -- continue its
 * state (sequence numbers, replay window, counters, lifetime charges: see
 * ipsec6_sad_sa_inherit()); an SA_UPDATE continues the SA of its index
 * (DST may change).  Run when @txn will be published: nothing after this
 * may fail.  O(SAs the set adds): each probe is one hash lookup in the
 * published generation.  An SA brought back by the set (a delete and
 * re-add of the same content) is the published object and keeps its
 * state as it is.
 */
static void ipsec6_txn_inherit(struct ipsec6_txn *txn)
{
	struct ipsec6_change *c = &txn->c;
	struct ipsec6_sa *sa, *old;
	u64 pub = c->gen - 1;
	u32 i;

	for (i = 0; i < c->sa_born.n; i++) {
		sa = c->sa_born.v[i];
		if (!ipsec6_gen_visible(&sa->life, c->gen))
			continue;
		if (sa->updates) {
			old = ipsec6_tables_sa(txn->t, sa->index, pub);
			if (old && !old->larval &&
			    ipsec6_crypto_cfg_same_keys(&sa->cfg, &old->cfg))
				ipsec6_sad_sa_inherit(sa, old);
			continue;
		}
		old = ipsec6_sad_index_lookup(&txn->t->sad, sa->spi, &sa->dst,
					      sa->proto, pub);
		if (old && ipsec6_sad_sa_continues(sa, old))
			ipsec6_sad_sa_inherit(sa, old);
	}
}

/**
 * ipsec6_txn_commit - publish a change set
 * @in: namespace
 * @txn: the change set
 * @extack: names the entry that prevents the commit
 *
 * Checks @txn and publishes its generation, unless it changes nothing.
 * On error nothing changes and @txn is left as it was.  On success @txn
 * is empty (free it).
 */
int ipsec6_txn_commit(struct ipsec6_net *in, struct ipsec6_txn *txn,
		      struct netlink_ext_ack *extack)
{
	struct ipsec6_encap_ports *ports;
	struct ipsec6_db *db, *old;
	bool tell;
	int err;

	lockdep_assert_held(&in->lock);

	if (txn->failed) {
		ipsec6_netlink_err(extack, NULL,
				   "transaction had a rejected request; abort it");
		return -EINVAL;
	}
	if (ipsec6_change_empty(&txn->c)) {
		/* No new generation, no CHANGED. */
		ipsec6_tables_abort(txn->t, &txn->c);
		return 0;
	}
	err = ipsec6_txn_check(txn, extack);
	if (err)
		return err;
	err = ipsec6_encap_prepare(in, &txn->c, &ports);
	if (err)
		return err;
	db = ipsec6_txn_view(txn, ports);
	if (!db) {
		err = -ENOMEM;
		goto err_ports;
	}
	/* Hooks on before a version that needs them is seen, off after. */
	if (!ipsec6_db_idle(db)) {
		err = ipsec6_hooks_arm(in, true);
		if (err)
			goto err;
	}
	err = ipsec6_tables_prepare(txn->t, &txn->c);
	if (err)
		goto err;
	ipsec6_txn_watch(in, txn);
	ipsec6_txn_inherit(txn);

	in->generation = db->generation;
	old = rcu_replace_pointer(in->db, db, lockdep_is_held(&in->lock));
	ipsec6_encap_publish(in, ports);
	if (ipsec6_db_idle(db))
		ipsec6_hooks_arm(in, false);
	/* Events only while someone listens: asked once per commit. */
	tell = ipsec6_nl_listening(in);
	ipsec6_notify_publish(in, &txn->c, db, tell);
	ipsec6_tables_publish(txn->t, &txn->c);
	ipsec6_db_retire(&in->retired, old);
	if (tell)
		ipsec6_netlink_notify_changed(in);
	ipsec6_netns_tables_changed(in);
	return 0;
err:
	kfree(db);
err_ports:
	ipsec6_encap_abort(in, ports);
	return err;
}
