// SPDX-License-Identifier: GPL-2.0
/*
 * The multi-version tables of a namespace: every policy and SA object a
 * reader may still see, the structures that find them (by index, by
 * address for the SPD, by SPI or destination for the SAD), and what a
 * change set does to them.  Documentation/design.rst, "Change sets".
 *
 * A change set edits the shared structures directly: it links its new
 * objects with born = G + 1 (invisible to every packet, which reads G) and
 * marks the objects it removes with died = G + 1.  The caller publishes
 * G + 1 with one pointer store; ipsec6_tables_publish() then hands the dead
 * objects to the garbage collector, which unlinks them once a grace period
 * has passed (no reader can still be at a generation that sees them) and
 * drops their references after another one (no reader is still on them).
 * ipsec6_tables_abort() undoes a change set: it unmarks what it marked and
 * unlinks what it linked (nobody could see those).
 *
 * By index, the versions of one index form a chain, newest first: an
 * index's object of generation g is the first one of its chain that is
 * part of g.  The same for the SAs that name one policy (writers only).
 *
 * Everything here runs under t->lock except the lookups, which also run
 * under the RCU read lock.  This file builds in userspace too
 * (tests/host/tables-diff.sh).
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include "gen.h"
#include "sad.h"
#include "spd.h"
#include "tables.h"

/*
 * died of an object a change set marked dead and then brought back: as
 * good as IPSEC6_GEN_NEVER for readers, but it is already in the set's
 * log (ipsec6_tables_kill_*() must not log it twice).
 */
#define IPSEC6_GEN_REVIVED	(IPSEC6_GEN_NEVER - 1)

/* Dead objects waiting for grace periods: first to unlink, then to put. */
struct ipsec6_gc {
	struct list_head list;
	unsigned long cookie;	/* RCU state to wait for */
	bool unlinked;		/* the references are ours to drop */
	struct ipsec6_vec pol;
	struct ipsec6_vec sa;
};

/* Where a kind of object keeps its chain fields. */
struct ipsec6_kind {
	size_t older;
	size_t life;
	size_t index;
};

static const struct ipsec6_kind ipsec6_kind_pol = {
	.older = offsetof(struct ipsec6_policy, older),
	.life = offsetof(struct ipsec6_policy, life),
	.index = offsetof(struct ipsec6_policy, index),
};

static const struct ipsec6_kind ipsec6_kind_sa = {
	.older = offsetof(struct ipsec6_sa, older),
	.life = offsetof(struct ipsec6_sa, life),
	.index = offsetof(struct ipsec6_sa, index),
};

static void __rcu **ipsec6_tables_older(const struct ipsec6_kind *k, void *obj)
{
	return (void __rcu **)(obj + k->older);
}

static struct ipsec6_life *ipsec6_tables_life(const struct ipsec6_kind *k,
					      void *obj)
{
	return obj + k->life;
}

static u32 ipsec6_tables_index(const struct ipsec6_kind *k, const void *obj)
{
	return *(const u32 *)(obj + k->index);
}

static const struct ipsec6_hash *ipsec6_tables_hash(const struct ipsec6_tables *t,
						    int i)
{
	switch (i) {
	case 0:
		return &t->spd.addr;
	case 1:
		return &t->sad.in;
	case 2:
		return &t->sad.out;
	default:
		return &t->sad.outw;
	}
}

#define IPSEC6_TABLES_NHASH	4

/* ---- growing arrays ---------------------------------------------------- */

/* Room for @more entries; -ENOMEM leaves @v as it was. */
static int ipsec6_vec_reserve(struct ipsec6_vec *v, u32 more)
{
	u32 cap = v->cap ?: 8;
	void **nv;

	if (v->n + more <= v->cap)
		return 0;
	while (cap < v->n + more)
		cap *= 2;
	nv = kvmalloc_array(cap, sizeof(*nv), GFP_KERNEL_ACCOUNT);
	if (!nv)
		return -ENOMEM;
	if (v->n)
		memcpy(nv, v->v, v->n * sizeof(*nv));
	kvfree(v->v);
	v->v = nv;
	v->cap = cap;
	return 0;
}

/* After a successful ipsec6_vec_reserve(). */
static void ipsec6_vec_push(struct ipsec6_vec *v, void *obj)
{
	v->v[v->n++] = obj;
}

static void ipsec6_vec_free(struct ipsec6_vec *v)
{
	kvfree(v->v);
	v->v = NULL;
	v->n = 0;
	v->cap = 0;
}

/* ---- chains by index ---------------------------------------------------- */

static void *ipsec6_tables_find(const struct xarray *xa,
				const struct ipsec6_kind *k, struct mutex *lock,
				u32 index, u64 g)
{
	void *obj;

	for (obj = xa_load((struct xarray *)xa, index); obj;
	     obj = rcu_dereference_check(*ipsec6_tables_older(k, obj),
					 lockdep_is_held(lock)))
		if (ipsec6_gen_visible(ipsec6_tables_life(k, obj), g))
			return obj;
	return NULL;
}

/* Put @obj at the head of its chain; the slot was reserved. */
static void ipsec6_tables_chain(struct xarray *xa, const struct ipsec6_kind *k,
				void *obj)
{
	u32 index = ipsec6_tables_index(k, obj);

	RCU_INIT_POINTER(*ipsec6_tables_older(k, obj), xa_load(xa, index));
	xa_store(xa, index, obj, GFP_KERNEL_ACCOUNT);
}

/* Take @obj out of its chain (readers on it may go on to older ones). */
static void ipsec6_tables_unchain(struct xarray *xa,
				  const struct ipsec6_kind *k,
				  struct mutex *lock, void *obj)
{
	u32 index = ipsec6_tables_index(k, obj);
	void *older, *cur = xa_load(xa, index);
	void __rcu **link;

	older = rcu_dereference_protected(*ipsec6_tables_older(k, obj),
					  lockdep_is_held(lock));
	if (cur == obj) {
		/* replacing an entry or erasing one allocates nothing */
		if (older)
			xa_store(xa, index, older, GFP_KERNEL_ACCOUNT);
		else
			xa_erase(xa, index);
		return;
	}
	while (cur) {
		link = ipsec6_tables_older(k, cur);
		cur = rcu_dereference_protected(*link, lockdep_is_held(lock));
		if (cur == obj) {
			rcu_assign_pointer(*link, older);
			return;
		}
	}
	WARN_ON_ONCE(1);
}

/**
 * ipsec6_tables_policy - the policy of an index in a generation
 * @t: the tables (RCU read side, or the writer)
 * @index: policy index
 * @g: generation
 */
struct ipsec6_policy *ipsec6_tables_policy(const struct ipsec6_tables *t,
					   u32 index, u64 g)
{
	return ipsec6_tables_find(&t->pol, &ipsec6_kind_pol, t->lock, index, g);
}

struct ipsec6_sa *ipsec6_tables_sa(const struct ipsec6_tables *t, u32 index,
				   u64 g)
{
	return ipsec6_tables_find(&t->sa, &ipsec6_kind_sa, t->lock, index, g);
}

/* The first of the linked SAs (any generation) that name policy @policy. */
struct ipsec6_sa *ipsec6_tables_named(const struct ipsec6_tables *t,
				      u32 policy)
{
	lockdep_assert_held(t->lock);
	return xa_load((struct xarray *)&t->named, policy);
}

static void ipsec6_tables_unname(struct ipsec6_tables *t, struct ipsec6_sa *sa)
{
	struct ipsec6_sa *cur = xa_load(&t->named, sa->policy);

	if (cur == sa) {
		if (sa->named_next)
			xa_store(&t->named, sa->policy, sa->named_next,
				 GFP_KERNEL_ACCOUNT);
		else
			xa_erase(&t->named, sa->policy);
		return;
	}
	for (; cur; cur = cur->named_next) {
		if (cur->named_next == sa) {
			cur->named_next = sa->named_next;
			return;
		}
	}
	WARN_ON_ONCE(1);
}

/* ---- setup ------------------------------------------------------------- */

int ipsec6_tables_init(struct ipsec6_tables *t, struct mutex *lock)
{
	int err;

	memset(t, 0, sizeof(*t));
	t->lock = lock;
	xa_init(&t->pol);
	xa_init(&t->sa);
	xa_init(&t->named);
	xa_init(&t->bundles);
	INIT_LIST_HEAD(&t->gc);
	err = ipsec6_spd_index_init(&t->spd, lock);
	if (err)
		return err;
	err = ipsec6_sad_index_init(&t->sad, lock);
	if (err)
		ipsec6_spd_index_destroy(&t->spd);
	return err;
}

static void ipsec6_tables_gc_free(struct ipsec6_gc *b)
{
	u32 i;

	if (b->unlinked) {
		for (i = 0; i < b->pol.n; i++)
			ipsec6_spd_policy_put(b->pol.v[i]);
		for (i = 0; i < b->sa.n; i++)
			ipsec6_sad_sa_put(b->sa.v[i]);
	}
	ipsec6_vec_free(&b->pol);
	ipsec6_vec_free(&b->sa);
	kfree(b);
}

/*
 * Namespace exit: no reader is left (the hooks are gone), no change set is
 * open.  Drops every reference the tables hold.
 */
void ipsec6_tables_destroy(struct ipsec6_tables *t)
{
	struct ipsec6_policy *pol, *pnext;
	struct ipsec6_sa *sa, *snext;
	struct ipsec6_gc *b, *tmp;
	unsigned long i;

	/* Batches not unlinked yet: their objects are still in the chains. */
	list_for_each_entry_safe(b, tmp, &t->gc, list) {
		list_del(&b->list);
		ipsec6_tables_gc_free(b);
	}
	xa_for_each(&t->pol, i, pol) {
		for (; pol; pol = pnext) {
			pnext = rcu_dereference_protected(pol->older, true);
			ipsec6_spd_policy_put(pol);
		}
	}
	xa_for_each(&t->sa, i, sa) {
		for (; sa; sa = snext) {
			snext = rcu_dereference_protected(sa->older, true);
			ipsec6_sad_sa_put(sa);
		}
	}
	xa_destroy(&t->pol);
	xa_destroy(&t->sa);
	xa_destroy(&t->named);
	xa_destroy(&t->bundles);
	ipsec6_spd_index_destroy(&t->spd);
	ipsec6_sad_index_destroy(&t->sad);
}

/* ---- change sets -------------------------------------------------------- */

/*
 * A change set keeps the buffers of its log between sets (a namespace
 * runs one after the other): up to this many entries each, a single
 * request's set allocating nothing for its log.
 */
#define IPSEC6_CHANGE_KEEP	64

/**
 * ipsec6_change_init - start a change set that publishes generation @gen
 * @c: the change set: zeroed, or left by ipsec6_tables_publish() or
 *     _abort() (it reuses what they kept)
 * @gen: the published generation + 1
 *
 * Free what @c keeps with ipsec6_change_destroy() once no set follows.
 */
int ipsec6_change_init(struct ipsec6_change *c, u64 gen)
{
	c->gen = gen;
	if (!c->gc)
		c->gc = kzalloc(sizeof(*c->gc), GFP_KERNEL_ACCOUNT);
	return c->gc ? 0 : -ENOMEM;
}

/* Empty the log of @c; keep small buffers and the unused batch. */
static void ipsec6_change_recycle(struct ipsec6_change *c)
{
	struct ipsec6_vec *v[] = { &c->pol_born, &c->pol_died, &c->sa_born,
				   &c->sa_died, &c->staged, NULL };
	unsigned int i;

	for (i = 0; v[i]; i++) {
		if (v[i]->cap > IPSEC6_CHANGE_KEEP)
			ipsec6_vec_free(v[i]);
		v[i]->n = 0;
	}
}

/* Free what @c kept from its earlier sets. */
void ipsec6_change_destroy(struct ipsec6_change *c)
{
	ipsec6_vec_free(&c->pol_born);
	ipsec6_vec_free(&c->pol_died);
	ipsec6_vec_free(&c->sa_born);
	ipsec6_vec_free(&c->sa_died);
	ipsec6_vec_free(&c->staged);
	kfree(c->gc);
	c->gc = NULL;
}

static bool ipsec6_change_any(const struct ipsec6_vec *born,
			      const struct ipsec6_vec *died,
			      const struct ipsec6_kind *k, u64 gen)
{
	u32 i;

	for (i = 0; i < born->n; i++)
		if (ipsec6_tables_life(k, born->v[i])->died != gen)
			return true;
	for (i = 0; i < died->n; i++)
		if (ipsec6_tables_life(k, died->v[i])->died == gen)
			return true;
	return false;
}

/* Does @c change nothing any generation would see? */
bool ipsec6_change_empty(const struct ipsec6_change *c)
{
	return !ipsec6_change_any(&c->pol_born, &c->pol_died, &ipsec6_kind_pol,
				  c->gen) &&
	       !ipsec6_change_any(&c->sa_born, &c->sa_died, &ipsec6_kind_sa,
				  c->gen);
}

/*
 * t->bundles counts, per index, the linked versions with BUNDLE_NEXT (a
 * value entry); the slot of a new one was reserved.
 */
static void ipsec6_tables_count_bundle(struct ipsec6_tables *t, u32 index,
				       int d)
{
	void *v = xa_load(&t->bundles, index);
	unsigned long n = (v ? xa_to_value(v) : 0) + d;

	if (n)
		xa_store(&t->bundles, index, xa_mk_value(n), GFP_KERNEL_ACCOUNT);
	else
		xa_erase(&t->bundles, index);
}

/*
 * A long change set (a batch) adds many objects before the resize work
 * gets to run: resize here once a table is four times over its load,
 * which a change set of single requests never reaches.
 */
static void ipsec6_tables_grow(struct ipsec6_tables *t)
{
	int i;

	for (i = 0; i < IPSEC6_TABLES_NHASH; i++) {
		struct ipsec6_hash *h;

		h = (struct ipsec6_hash *)ipsec6_tables_hash(t, i);
		if (ipsec6_hash_overloaded(h))
			ipsec6_hash_resize(h);
	}
}

/**
 * ipsec6_change_reserve - room to remove objects without failing
 * @c: the change set
 * @npol: policies it may remove next
 * @nsa: SAs it may remove next
 *
 * After it, that many ipsec6_tables_kill_*() calls cannot fail.
 */
int ipsec6_change_reserve(struct ipsec6_change *c, u32 npol, u32 nsa)
{
	return ipsec6_vec_reserve(&c->pol_died, npol) ?:
	       ipsec6_vec_reserve(&c->sa_died, nsa);
}

/**
 * ipsec6_tables_add_policy - link a new policy, part of @c's generation on
 * @t: the tables (writer)
 * @c: the change set
 * @pol: a policy no table holds; the tables take over its reference
 *
 * All or nothing: on error @pol is still the caller's.
 */
int ipsec6_tables_add_policy(struct ipsec6_tables *t, struct ipsec6_change *c,
			     struct ipsec6_policy *pol)
{
	int err;

	lockdep_assert_held(t->lock);
	err = ipsec6_vec_reserve(&c->pol_born, 1) ?:
	      ipsec6_vec_reserve(&c->staged, 1) ?:
	      xa_reserve(&t->pol, pol->index, GFP_KERNEL_ACCOUNT);
	if (err)
		return err;
	if (pol->bundle_next) {
		err = xa_reserve(&t->bundles, pol->index, GFP_KERNEL_ACCOUNT);
		if (err) {
			xa_release(&t->pol, pol->index);
			return err;
		}
		ipsec6_tables_count_bundle(t, pol->index, 1);
	}
	ipsec6_gen_init(&pol->life, c->gen);
	ipsec6_tables_chain(&t->pol, &ipsec6_kind_pol, pol);
	ipsec6_spd_index_link(&t->spd, pol);
	if (pol->part == IPSEC6_SPD_PART_STAGED)
		ipsec6_vec_push(&c->staged, pol);
	ipsec6_vec_push(&c->pol_born, pol);
	ipsec6_tables_grow(t);
	return 0;
}

/* Mark @life dead in @c; log it in @died unless it is logged already. */
static int ipsec6_tables_kill(struct ipsec6_vec *died, struct ipsec6_life *life,
			      void *obj, u64 gen)
{
	int err;

	if (life->died == IPSEC6_GEN_REVIVED) {
		WRITE_ONCE(life->died, gen);
		return 0;
	}
	err = ipsec6_vec_reserve(died, 1);
	if (err)
		return err;
	WRITE_ONCE(life->died, gen);
	ipsec6_vec_push(died, obj);
	return 0;
}

/**
 * ipsec6_tables_kill_policy - mark a policy dead from @c's generation on
 * @t: the tables (writer)
 * @c: the change set
 * @pol: a policy part of @c's generation
 */
int ipsec6_tables_kill_policy(struct ipsec6_tables *t, struct ipsec6_change *c,
			      struct ipsec6_policy *pol)
{
	lockdep_assert_held(t->lock);
	return ipsec6_tables_kill(&c->pol_died, &pol->life, pol, c->gen);
}

/* Bring back @pol, which the open change set marked dead. */
void ipsec6_tables_revive_policy(struct ipsec6_policy *pol)
{
	WRITE_ONCE(pol->life.died, IPSEC6_GEN_REVIVED);
}

/* The same for SAs; the SA's policy index, if any, must exist in @c. */
int ipsec6_tables_add_sa(struct ipsec6_tables *t, struct ipsec6_change *c,
			 struct ipsec6_sa *sa)
{
	int err;

	lockdep_assert_held(t->lock);
	err = ipsec6_vec_reserve(&c->sa_born, 1) ?:
	      xa_reserve(&t->sa, sa->index, GFP_KERNEL_ACCOUNT);
	if (err)
		return err;
	if (sa->policy) {
		err = xa_reserve(&t->named, sa->policy, GFP_KERNEL_ACCOUNT);
		if (err) {
			xa_release(&t->sa, sa->index);
			return err;
		}
		sa->named_next = xa_load(&t->named, sa->policy);
		xa_store(&t->named, sa->policy, sa, GFP_KERNEL_ACCOUNT);
	}
	ipsec6_gen_init(&sa->life, c->gen);
	ipsec6_tables_chain(&t->sa, &ipsec6_kind_sa, sa);
	ipsec6_sad_index_link(&t->sad, sa);
	ipsec6_vec_push(&c->sa_born, sa);
	ipsec6_tables_grow(t);
	return 0;
}

int ipsec6_tables_kill_sa(struct ipsec6_tables *t, struct ipsec6_change *c,
			  struct ipsec6_sa *sa)
{
	lockdep_assert_held(t->lock);
	return ipsec6_tables_kill(&c->sa_died, &sa->life, sa, c->gen);
}

void ipsec6_tables_revive_sa(struct ipsec6_sa *sa)
{
	WRITE_ONCE(sa->life.died, IPSEC6_GEN_REVIVED);
}

/**
 * ipsec6_tables_prepare - the last step of a change set that may fail
 * @t: the tables (writer)
 * @c: the change set
 *
 * Merges its policies of the SPD's rest part (spd_index.c).  Then publish
 * @c->gen and call ipsec6_tables_publish().  -ENOMEM changes nothing.
 */
int ipsec6_tables_prepare(struct ipsec6_tables *t, struct ipsec6_change *c)
{
	lockdep_assert_held(t->lock);
	return ipsec6_spd_index_merge(&t->spd,
				      (struct ipsec6_policy **)c->staged.v,
				      c->staged.n, c->gen);
}

static void ipsec6_tables_unlink_policy(struct ipsec6_tables *t,
					struct ipsec6_policy *pol)
{
	ipsec6_tables_unchain(&t->pol, &ipsec6_kind_pol, t->lock, pol);
	ipsec6_spd_index_unlink(&t->spd, pol);
	if (pol->bundle_next)
		ipsec6_tables_count_bundle(t, pol->index, -1);
}

static void ipsec6_tables_unlink_sa(struct ipsec6_tables *t,
				    struct ipsec6_sa *sa)
{
	ipsec6_tables_unchain(&t->sa, &ipsec6_kind_sa, t->lock, sa);
	if (sa->policy)
		ipsec6_tables_unname(t, sa);
	ipsec6_sad_index_unlink(&t->sad, sa);
}

/* Count policy @pol (@d: +1 or -1) into @delta. */
static void ipsec6_tables_count_policy(struct ipsec6_tables_delta *delta,
				       const struct ipsec6_policy *pol, int d)
{
	delta->npol += d;
	if (pol->part == IPSEC6_SPD_PART_NONE)
		return;
	if (ipsec6_spd_in_dir(pol, IPSEC6_DIR_IN))
		delta->ndir[0] += d;
	if (ipsec6_spd_in_dir(pol, IPSEC6_DIR_OUT))
		delta->ndir[1] += d;
}

static void ipsec6_tables_count(struct ipsec6_tables_delta *delta,
				const struct ipsec6_kind *k, void *obj, int d)
{
	if (k == &ipsec6_kind_pol)
		ipsec6_tables_count_policy(delta, obj, d);
	else
		delta->nsa += d;
}

/*
 * What @c changes in the tables' counts: objects it added (and did not
 * remove again) count +1, objects of the published generation it removed
 * -1.
 */
static void ipsec6_change_delta_of(struct ipsec6_tables_delta *delta,
				   const struct ipsec6_kind *k,
				   const struct ipsec6_vec *born,
				   const struct ipsec6_vec *died, u64 gen)
{
	u32 i;

	for (i = 0; i < born->n; i++)
		if (ipsec6_tables_life(k, born->v[i])->died != gen)
			ipsec6_tables_count(delta, k, born->v[i], 1);
	for (i = 0; i < died->n; i++) {
		struct ipsec6_life *l = ipsec6_tables_life(k, died->v[i]);

		if (l->died == gen && l->born != gen)
			ipsec6_tables_count(delta, k, died->v[i], -1);
	}
}

/* The counts of the tables change by @d when @c is published. */
void ipsec6_change_delta(const struct ipsec6_change *c,
			 struct ipsec6_tables_delta *d)
{
	memset(d, 0, sizeof(*d));
	ipsec6_change_delta_of(d, &ipsec6_kind_pol, &c->pol_born, &c->pol_died,
			       c->gen);
	ipsec6_change_delta_of(d, &ipsec6_kind_sa, &c->sa_born, &c->sa_died,
			       c->gen);
}

/*
 * Keep in @died only what was really removed in generation @gen (objects
 * born and removed in it included); objects brought back live on.
 * Returns how many are left.
 */
static u32 ipsec6_tables_settle(const struct ipsec6_kind *k,
				struct ipsec6_vec *died, u64 gen)
{
	u32 i, n = 0;

	for (i = 0; i < died->n; i++) {
		struct ipsec6_life *l = ipsec6_tables_life(k, died->v[i]);

		if (l->died == IPSEC6_GEN_REVIVED)
			WRITE_ONCE(l->died, IPSEC6_GEN_NEVER);
		if (l->died == gen)
			died->v[n++] = died->v[i];
	}
	died->n = n;
	return n;
}

/**
 * ipsec6_tables_publish - @c's generation was published
 * @t: the tables (writer)
 * @c: the change set, prepared; empty afterwards (it keeps buffers for
 *     the next set: ipsec6_change_init(), ipsec6_change_destroy())
 *
 * Queues the objects @c removed for unlinking once no reader can see
 * them; the caller runs ipsec6_tables_gc() after grace periods.
 */
void ipsec6_tables_publish(struct ipsec6_tables *t, struct ipsec6_change *c)
{
	struct ipsec6_tables_delta d;
	struct ipsec6_gc *b = c->gc;
	u32 n;

	lockdep_assert_held(t->lock);
	ipsec6_change_delta(c, &d);
	t->npol += d.npol;
	t->nsa += d.nsa;
	t->ndir[0] += d.ndir[0];
	t->ndir[1] += d.ndir[1];
	n = ipsec6_tables_settle(&ipsec6_kind_pol, &c->pol_died, c->gen) +
	    ipsec6_tables_settle(&ipsec6_kind_sa, &c->sa_died, c->gen);
	if (n) {
		b->pol = c->pol_died;
		b->sa = c->sa_died;
		memset(&c->pol_died, 0, sizeof(c->pol_died));
		memset(&c->sa_died, 0, sizeof(c->sa_died));
		b->cookie = start_poll_synchronize_rcu();
		list_add_tail(&b->list, &t->gc);
		c->gc = NULL;
	}
	ipsec6_change_recycle(c);
}

/**
 * ipsec6_tables_abort - undo a change set that was not published
 * @t: the tables (writer)
 * @c: the change set; empty afterwards, as after ipsec6_tables_publish()
 */
void ipsec6_tables_abort(struct ipsec6_tables *t, struct ipsec6_change *c)
{
	struct ipsec6_gc *b = c->gc;
	u32 i;

	lockdep_assert_held(t->lock);
	for (i = 0; i < c->pol_died.n; i++) {
		struct ipsec6_policy *pol = c->pol_died.v[i];

		if (pol->life.born != c->gen)
			WRITE_ONCE(pol->life.died, IPSEC6_GEN_NEVER);
	}
	for (i = 0; i < c->sa_died.n; i++) {
		struct ipsec6_sa *sa = c->sa_died.v[i];

		if (sa->life.born != c->gen)
			WRITE_ONCE(sa->life.died, IPSEC6_GEN_NEVER);
	}
	/* No generation ever saw what @c linked: unlink it now. */
	for (i = 0; i < c->pol_born.n; i++) {
		struct ipsec6_policy *pol = c->pol_born.v[i];

		WRITE_ONCE(pol->life.died, c->gen);
		ipsec6_tables_unlink_policy(t, pol);
	}
	for (i = 0; i < c->sa_born.n; i++) {
		struct ipsec6_sa *sa = c->sa_born.v[i];

		WRITE_ONCE(sa->life.died, c->gen);
		ipsec6_tables_unlink_sa(t, sa);
	}
	if (c->pol_born.n || c->sa_born.n) {
		b->pol = c->pol_born;
		b->sa = c->sa_born;
		memset(&c->pol_born, 0, sizeof(c->pol_born));
		memset(&c->sa_born, 0, sizeof(c->sa_born));
		b->unlinked = true;
		b->cookie = start_poll_synchronize_rcu();
		list_add_tail(&b->list, &t->gc);
		c->gc = NULL;
	}
	ipsec6_change_recycle(c);
}

/**
 * ipsec6_tables_gc - advance the dead objects whose grace period ended
 * @t: the tables (writer)
 *
 * Unlinks the objects of batches whose generation no reader can still
 * see, and drops the references of those unlinked a grace period ago.
 * Returns true if batches are left (call it again after a grace period).
 */
bool ipsec6_tables_gc(struct ipsec6_tables *t)
{
	struct ipsec6_gc *b, *tmp;
	u32 i;

	lockdep_assert_held(t->lock);
	list_for_each_entry_safe(b, tmp, &t->gc, list) {
		if (!poll_state_synchronize_rcu(b->cookie))
			continue;
		if (b->unlinked) {
			list_del(&b->list);
			ipsec6_tables_gc_free(b);
			continue;
		}
		for (i = 0; i < b->pol.n; i++)
			ipsec6_tables_unlink_policy(t, b->pol.v[i]);
		for (i = 0; i < b->sa.n; i++)
			ipsec6_tables_unlink_sa(t, b->sa.v[i]);
		b->unlinked = true;
		b->cookie = start_poll_synchronize_rcu();
	}
	return !list_empty(&t->gc);
}

/* Does a hash table's load call for another size? */
bool ipsec6_tables_wants_resize(const struct ipsec6_tables *t)
{
	int i;

	for (i = 0; i < IPSEC6_TABLES_NHASH; i++)
		if (ipsec6_hash_wants_resize(ipsec6_tables_hash(t, i)))
			return true;
	return false;
}

/* Resize the hash tables whose load left bounds (O(n), writer). */
void ipsec6_tables_resize(struct ipsec6_tables *t)
{
	int i;

	for (i = 0; i < IPSEC6_TABLES_NHASH; i++) {
		struct ipsec6_hash *h;

		h = (struct ipsec6_hash *)ipsec6_tables_hash(t, i);
		if (ipsec6_hash_wants_resize(h))
			ipsec6_hash_resize(h);
	}
}
