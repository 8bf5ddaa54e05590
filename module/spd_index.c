// SPDX-License-Identifier: GPL-2.0
/*
 * The SPD's lookup structure over policy objects of several generations:
 * the first policy in search order (lowest ipsec6_spd_key()) of the
 * reader's generation that matches a packet.  A single change costs the
 * same whatever the number of policies; only policies with address ranges
 * that are no prefix wait for a rebuild, in batches.
 *
 * Each policy that takes part in lookups goes to one of two parts, by the
 * address dimension spd_lookup.c would file it under (the narrower range):
 *
 *  - the address hash, if that range is a prefix (what IKE daemons and
 *    "ip xfrm" install: /128 hosts, subnets): keyed by (dimension, prefix
 *    length, prefix).  The (dimension, length) pairs in use are the
 *    classes; a lookup probes each class with the packet's address cut to
 *    that length (tuple space search) and walks one chain;
 *  - the rest (ranges that are no prefix, both addresses wildcards): an
 *    immutable segment tree (spd_lookup.c) plus an overlay, a small sorted
 *    array of the policies added since the tree was built.  Both are
 *    replaced, never changed: a change set's additions are merged when it
 *    commits, into a new overlay or, past IPSEC6_SPD_OVERLAY_MAX, into a
 *    new tree.
 *
 * Objects stay in the structure after they die until no reader can need
 * them (tables.c unlinks them a grace period later); readers skip what is
 * not part of their generation.  Each part returns its best match below
 * the best so far, so a class whose lowest key is no better is skipped.
 *
 * Writers hold x->lock; readers need the RCU read lock.  This file builds
 * in userspace too (tests/host/tables-diff.sh).
 */
#include <linux/bitops.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/ipv6.h>
#include "array.h"
#include "gen.h"
#include "ipsec6.h"
#include "selector.h"
#include "spd.h"
#include "spd_index.h"
#include "spd_lookup.h"

/* Classes probed per lookup, at most; further lengths go to the rest. */
#define IPSEC6_SPD_CLASSES_MAX	32
/* Policies in the overlay before the tree is rebuilt. */
#define IPSEC6_SPD_OVERLAY_MAX	64

/* The range of dimension @part of @pol. */
static const struct ipsec6_addr_range *
ipsec6_spd_index_range(const struct ipsec6_policy *pol, u8 part)
{
	return part == IPSEC6_SPD_PART_REMOTE ? &pol->sel.remote :
						&pol->sel.local;
}

static u64 ipsec6_spd_index_half(const struct in6_addr *a, int i)
{
	return (u64)ntohl(a->s6_addr32[2 * i]) << 32 |
	       ntohl(a->s6_addr32[2 * i + 1]);
}

/* The length of the prefix that is exactly @r, or 0 if it is none. */
static u8 ipsec6_spd_index_prefix(const struct ipsec6_addr_range *r)
{
	u64 sh = ipsec6_spd_index_half(&r->start, 0);
	u64 sl = ipsec6_spd_index_half(&r->start, 1);
	u64 xh = sh ^ ipsec6_spd_index_half(&r->end, 0);
	u64 xl = sl ^ ipsec6_spd_index_half(&r->end, 1);

	/* start ^ end must be low-order ones where start has zeros */
	if (xh) {
		if (xl != ~0ULL || (xh & (xh + 1)) || (sh & xh) || sl)
			return 0;
		return 64 - hweight64(xh);
	}
	if ((xl & (xl + 1)) || (sl & xl))
		return 0;
	return 128 - hweight64(xl);
}

static u32 ipsec6_spd_index_hkey(const struct ipsec6_hash *h, u8 part, u8 len,
				 const struct in6_addr *prefix)
{
	return jhash2((const u32 *)prefix, 4, h->seed ^ (part << 8 | len));
}

static u32 ipsec6_spd_index_hashfn(const struct ipsec6_hash *h,
				   const struct hlist_node *n)
{
	const struct ipsec6_policy *pol;

	pol = container_of(n, struct ipsec6_policy, hnode);
	return ipsec6_spd_index_hkey(h, pol->part, pol->plen,
				     &ipsec6_spd_index_range(pol, pol->part)->start);
}

static struct ipsec6_spd_classes *
ipsec6_spd_index_classes(const struct ipsec6_spd_index *x)
{
	return rcu_dereference_protected(x->classes, lockdep_is_held(x->lock));
}

static struct ipsec6_spd_rest *
ipsec6_spd_index_rest(const struct ipsec6_spd_index *x)
{
	return rcu_dereference_protected(x->rest, lockdep_is_held(x->lock));
}

int ipsec6_spd_index_init(struct ipsec6_spd_index *x, struct mutex *lock)
{
	struct ipsec6_spd_classes *c;
	struct ipsec6_spd_rest *r;
	int err;

	x->lock = lock;
	x->ndead = 0;
	err = ipsec6_hash_init(&x->addr, lock, ipsec6_spd_index_hashfn);
	if (err)
		return err;
	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!c || !r) {
		kfree(c);
		kfree(r);
		ipsec6_hash_destroy(&x->addr);
		return -ENOMEM;
	}
	RCU_INIT_POINTER(x->classes, c);
	RCU_INIT_POINTER(x->rest, r);
	return 0;
}

static void ipsec6_spd_index_snap_free(struct ipsec6_spd_snap *s)
{
	u32 i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		ipsec6_spd_policy_put(s->pol[i]);
	ipsec6_spd_lookup_free(s->lk);
	kvfree(s->pol);
	kfree(s);
}

static void ipsec6_spd_index_snap_work(struct work_struct *work)
{
	ipsec6_spd_index_snap_free(container_of(work, struct ipsec6_spd_snap,
						free_work));
}

static void ipsec6_spd_index_rest_free(struct ipsec6_spd_rest *r)
{
	u32 i;

	for (i = 0; i < r->n; i++)
		ipsec6_spd_policy_put(r->over[i]);
	if (r->drop_snap && r->snap) {
		/* thousands of references: not in softirq context */
		INIT_WORK(&r->snap->free_work, ipsec6_spd_index_snap_work);
		queue_work(ipsec6_wq, &r->snap->free_work);
	}
	kfree(r);
}

static void ipsec6_spd_index_rest_free_rcu(struct rcu_head *head)
{
	ipsec6_spd_index_rest_free(container_of(head, struct ipsec6_spd_rest,
						rcu));
}

/* No reader can see @x any more; every policy was unlinked or is GONE. */
void ipsec6_spd_index_destroy(struct ipsec6_spd_index *x)
{
	struct ipsec6_spd_rest *r = rcu_dereference_protected(x->rest, true);

	if (r) {
		ipsec6_spd_index_snap_free(r->snap);
		r->drop_snap = false;
		ipsec6_spd_index_rest_free(r);
	}
	kfree(rcu_dereference_protected(x->classes, true));
	RCU_INIT_POINTER(x->rest, NULL);
	RCU_INIT_POINTER(x->classes, NULL);
	ipsec6_hash_destroy(&x->addr);
}

static struct ipsec6_spd_class *
ipsec6_spd_index_class(struct ipsec6_spd_classes *cs, u8 part, u8 len)
{
	u32 i;

	for (i = 0; i < cs->n; i++)
		if (cs->c[i].part == part && cs->c[i].len == len)
			return &cs->c[i];
	return NULL;
}

/* Publish a copy of the classes without class @drop (or with one more). */
static struct ipsec6_spd_class *
ipsec6_spd_index_reclass(struct ipsec6_spd_index *x,
			 const struct ipsec6_spd_class *drop,
			 u8 part, u8 len)
{
	struct ipsec6_spd_classes *old = ipsec6_spd_index_classes(x), *new;
	u32 i, n = 0;

	new = kmalloc(struct_size(new, c, old->n + !drop), GFP_KERNEL_ACCOUNT);
	if (!new)
		return NULL;
	for (i = 0; i < old->n; i++)
		if (&old->c[i] != drop)
			new->c[n++] = old->c[i];
	if (!drop) {
		new->c[n].part = part;
		new->c[n].len = len;
		new->c[n].count = 0;
		new->c[n].min_key = U64_MAX;
		n++;
	}
	new->n = n;
	rcu_assign_pointer(x->classes, new);
	kfree_rcu(old, rcu);
	return drop ? NULL : &new->c[n - 1];
}

/*
 * Decide where @pol goes (pol->part, pol->plen): the address hash if the
 * dimension spd_lookup.c would file it under is a prefix and its class
 * exists or can be made; the rest otherwise.
 */
static struct ipsec6_spd_class *
ipsec6_spd_index_place(struct ipsec6_spd_index *x, struct ipsec6_policy *pol)
{
	struct ipsec6_spd_classes *cs = ipsec6_spd_index_classes(x);
	struct ipsec6_spd_class *c;
	int dim;
	u8 len;

	pol->plen = 0;
	if ((pol->flags & IPSEC6_POLICY_F_BUNDLE_ONLY) ||
	    !(pol->dir & IPSEC6_DIR_ALL)) {
		pol->part = IPSEC6_SPD_PART_NONE;
		return NULL;
	}
	dim = ipsec6_spd_lookup_part(&pol->sel);
	if (dim == IPSEC6_SPD_NEVER) {
		pol->part = IPSEC6_SPD_PART_NONE;
		return NULL;
	}
	pol->part = IPSEC6_SPD_PART_STAGED;
	if (dim == IPSEC6_SPD_ANY)
		return NULL;
	pol->part = dim == IPSEC6_SPD_REMOTE ? IPSEC6_SPD_PART_REMOTE :
					       IPSEC6_SPD_PART_LOCAL;
	len = ipsec6_spd_index_prefix(ipsec6_spd_index_range(pol, pol->part));
	c = len ? ipsec6_spd_index_class(cs, pol->part, len) : NULL;
	if (!c && len && cs->n < IPSEC6_SPD_CLASSES_MAX)
		c = ipsec6_spd_index_reclass(x, NULL, pol->part, len);
	if (!c) {
		pol->part = IPSEC6_SPD_PART_STAGED;
		return NULL;
	}
	pol->plen = len;
	return c;
}

/**
 * ipsec6_spd_index_link - add a policy
 * @x: the index (writer)
 * @pol: a policy not visible yet (born after the published generation)
 *
 * Policies of the address hash are linked at once.  Others come back
 * with pol->part IPSEC6_SPD_PART_STAGED: the caller passes them to
 * ipsec6_spd_index_merge() when their change set commits.  Never fails.
 */
void ipsec6_spd_index_link(struct ipsec6_spd_index *x,
			   struct ipsec6_policy *pol)
{
	struct ipsec6_spd_class *c;
	u64 key = ipsec6_spd_key(pol);

	lockdep_assert_held(x->lock);
	c = ipsec6_spd_index_place(x, pol);
	if (!c)
		return;
	c->count++;
	if (key < c->min_key)
		WRITE_ONCE(c->min_key, key);
	ipsec6_hash_add(&x->addr, &pol->hnode,
			ipsec6_spd_index_hashfn(&x->addr, &pol->hnode));
}

/**
 * ipsec6_spd_index_unlink - remove a policy no reader can need any more
 * @x: the index (writer)
 * @pol: a linked policy, dead for every generation readers may still see
 *
 * A hash member is unlinked (free it after a grace period); a member of
 * the rest becomes GONE and is left out of the next overlay or tree.
 */
void ipsec6_spd_index_unlink(struct ipsec6_spd_index *x,
			     struct ipsec6_policy *pol)
{
	struct ipsec6_spd_class *c;

	lockdep_assert_held(x->lock);
	switch (pol->part) {
	case IPSEC6_SPD_PART_REMOTE:
	case IPSEC6_SPD_PART_LOCAL:
		ipsec6_hash_del(&x->addr, &pol->hnode);
		c = ipsec6_spd_index_class(ipsec6_spd_index_classes(x),
					   pol->part, pol->plen);
		if (c && !--c->count)
			ipsec6_spd_index_reclass(x, c, 0, 0);
		break;
	case IPSEC6_SPD_PART_REST:
		x->ndead++;
		break;
	default:
		break;
	}
	pol->part = IPSEC6_SPD_PART_GONE;
}

static int ipsec6_spd_index_cmp(const void *a, const void *b)
{
	u64 x = ipsec6_spd_key(*(struct ipsec6_policy *const *)a);
	u64 y = ipsec6_spd_key(*(struct ipsec6_policy *const *)b);

	return x < y ? -1 : x > y;
}

/* Is staged @pol to be merged by the change set of generation @gen? */
static bool ipsec6_spd_index_merges(const struct ipsec6_policy *pol, u64 gen)
{
	return pol->part == IPSEC6_SPD_PART_STAGED &&
	       ipsec6_gen_visible(&pol->life, gen);
}

/* A new rest: @n policies (their references taken here) and a snap. */
static struct ipsec6_spd_rest *
ipsec6_spd_index_rest_new(struct ipsec6_spd_snap *snap,
			  struct ipsec6_policy **pol, u32 n)
{
	struct ipsec6_spd_rest *r;
	u32 i;

	r = kmalloc(struct_size(r, over, n), GFP_KERNEL_ACCOUNT);
	if (!r)
		return NULL;
	r->snap = snap;
	r->drop_snap = false;
	r->n = n;
	for (i = 0; i < n; i++)
		r->over[i] = ipsec6_spd_policy_get(pol[i]);
	sort(r->over, n, sizeof(*r->over), ipsec6_spd_index_cmp, NULL);
	return r;
}

/* A tree over @pol (sorted here; references taken here). */
static struct ipsec6_spd_snap *ipsec6_spd_index_snap_new(struct ipsec6_policy **pol,
							 u32 n)
{
	struct ipsec6_spd_snap *s;
	u32 i;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return NULL;
	sort(pol, n, sizeof(*pol), ipsec6_spd_index_cmp, NULL);
	s->lk = ipsec6_spd_lookup_build(pol, n);
	if (!s->lk) {
		kfree(s);
		return NULL;
	}
	s->pol = pol;
	s->n = n;
	for (i = 0; i < n; i++)
		ipsec6_spd_policy_get(pol[i]);
	return s;
}

/* Collect the rest's live policies and @staged into one array. */
static struct ipsec6_policy **
ipsec6_spd_index_collect(const struct ipsec6_spd_rest *r,
			 struct ipsec6_policy **staged, u32 nstaged, u64 gen,
			 bool with_snap, u32 *n)
{
	u32 i, k = 0, max = r->n + nstaged + (with_snap && r->snap ?
					       r->snap->n : 0);
	struct ipsec6_policy **v;

	v = ipsec6_array_alloc(max ?: 1, sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return NULL;
	for (i = 0; with_snap && r->snap && i < r->snap->n; i++)
		if (r->snap->pol[i]->part != IPSEC6_SPD_PART_GONE)
			v[k++] = r->snap->pol[i];
	for (i = 0; i < r->n; i++)
		if (r->over[i]->part != IPSEC6_SPD_PART_GONE)
			v[k++] = r->over[i];
	for (i = 0; i < nstaged; i++)
		if (ipsec6_spd_index_merges(staged[i], gen))
			v[k++] = staged[i];
	*n = k;
	return v;
}

/**
 * ipsec6_spd_index_merge - add a change set's staged policies to the rest
 * @x: the index (writer)
 * @staged: policies ipsec6_spd_index_link() left IPSEC6_SPD_PART_STAGED
 * @n: how many
 * @gen: the generation the change set publishes: staged policies not
 *	 part of it (born and removed in the same set) are left out
 *
 * Into a new overlay while it stays small, else into a new tree (then
 * also without the policies that are GONE).  Call it before publishing
 * @gen, also with nothing staged: it rebuilds when too many GONE policies
 * accumulate.  All or nothing: -ENOMEM changes nothing.
 */
int ipsec6_spd_index_merge(struct ipsec6_spd_index *x,
			   struct ipsec6_policy **staged, u32 n, u64 gen)
{
	struct ipsec6_spd_rest *old = ipsec6_spd_index_rest(x), *new;
	u32 i, k = 0, live = 0, gone = 0, snapn;
	struct ipsec6_policy **v;
	struct ipsec6_spd_snap *snap;

	lockdep_assert_held(x->lock);
	for (i = 0; i < n; i++)
		k += ipsec6_spd_index_merges(staged[i], gen);
	for (i = 0; i < old->n; i++) {
		if (old->over[i]->part == IPSEC6_SPD_PART_GONE)
			gone++;
		else
			live++;
	}
	snapn = old->snap ? old->snap->n : 0;
	if (!k && x->ndead <= max_t(u32, IPSEC6_SPD_OVERLAY_MAX, snapn / 2))
		return 0;

	if (live + k <= IPSEC6_SPD_OVERLAY_MAX &&
	    x->ndead - gone <= max_t(u32, IPSEC6_SPD_OVERLAY_MAX, snapn / 2)) {
		v = ipsec6_spd_index_collect(old, staged, n, gen, false, &k);
		new = v ? ipsec6_spd_index_rest_new(old->snap, v, k) : NULL;
		kvfree(v);
		if (!new)
			return -ENOMEM;
		x->ndead -= gone;
	} else {
		v = ipsec6_spd_index_collect(old, staged, n, gen, true, &k);
		snap = v ? ipsec6_spd_index_snap_new(v, k) : NULL;
		if (!snap) {
			kvfree(v);
			return -ENOMEM;
		}
		new = ipsec6_spd_index_rest_new(snap, NULL, 0);
		if (!new) {
			ipsec6_spd_index_snap_free(snap);
			return -ENOMEM;
		}
		old->drop_snap = true;
		x->ndead = 0;
	}
	for (i = 0; i < n; i++)
		if (ipsec6_spd_index_merges(staged[i], gen))
			staged[i]->part = IPSEC6_SPD_PART_REST;
	rcu_assign_pointer(x->rest, new);
	call_rcu(&old->rcu, ipsec6_spd_index_rest_free_rcu);
	return 0;
}

/* Best match of class @c below @lim, or NULL. */
static struct ipsec6_policy *
ipsec6_spd_index_probe(const struct ipsec6_spd_index *x,
		       const struct ipsec6_spd_class *c, u8 dir,
		       const struct ipsec6_flow *fl, u64 g, u64 lim)
{
	const struct in6_addr *addr = c->part == IPSEC6_SPD_PART_REMOTE ?
				      &fl->remote : &fl->local;
	struct ipsec6_policy *pol, *best;
	struct in6_addr prefix;
	unsigned int seq;
	u32 hash;

	ipv6_addr_prefix(&prefix, addr, c->len);
	hash = ipsec6_spd_index_hkey(&x->addr, c->part, c->len, &prefix);
	do {
		u64 blim = lim;

		seq = ipsec6_hash_begin(&x->addr);
		best = NULL;
		hlist_for_each_entry_rcu(pol, ipsec6_hash_bucket(&x->addr, hash),
					 hnode) {
			u64 key = ipsec6_spd_key(pol);

			if (key >= blim || pol->part != c->part ||
			    pol->plen != c->len ||
			    !ipv6_addr_equal(&ipsec6_spd_index_range(pol, c->part)->start,
					     &prefix) ||
			    !ipsec6_spd_in_dir(pol, dir) ||
			    !ipsec6_gen_visible(&pol->life, g) ||
			    !ipsec6_selector_match(&pol->sel, fl))
				continue;
			best = pol;
			blim = key;
		}
	} while (ipsec6_hash_retry(&x->addr, seq));
	return best;
}

/* Best match of the rest below @lim, or NULL. */
static struct ipsec6_policy *
ipsec6_spd_index_rest_find(const struct ipsec6_spd_rest *r, u8 dir,
			   const struct ipsec6_flow *fl, u64 g, u64 lim)
{
	const struct ipsec6_spd_snap *s = r->snap;
	struct ipsec6_policy *best = NULL;
	u32 i;

	if (s && s->n) {
		u32 lo = 0, hi = s->n;

		/* ranks below the first key >= lim */
		while (lo < hi) {
			u32 mid = lo + (hi - lo) / 2;

			if (ipsec6_spd_key(s->pol[mid]) < lim)
				lo = mid + 1;
			else
				hi = mid;
		}
		i = ipsec6_spd_lookup_find(s->lk, dir, fl, g, lo);
		if (i != IPSEC6_SPD_NONE) {
			best = s->pol[i];
			lim = ipsec6_spd_key(best);
		}
	}
	for (i = 0; i < r->n && ipsec6_spd_key(r->over[i]) < lim; i++) {
		struct ipsec6_policy *pol = r->over[i];

		if (ipsec6_spd_in_dir(pol, dir) &&
		    ipsec6_gen_visible(&pol->life, g) &&
		    ipsec6_selector_match(&pol->sel, fl))
			return pol;
	}
	return best;
}

/**
 * ipsec6_spd_index_lookup - first policy of a direction matching a packet
 * @x: the index (under the RCU read lock)
 * @dir: IPSEC6_DIR_OUT, or IPSEC6_DIR_IN for inbound (IN and FWD policies)
 * @fl: the packet's selector fields
 * @g: the generation the packet sees
 *
 * Returns NULL if no policy matches.
 */
struct ipsec6_policy *ipsec6_spd_index_lookup(const struct ipsec6_spd_index *x,
					      u8 dir,
					      const struct ipsec6_flow *fl,
					      u64 g)
{
	const struct ipsec6_spd_classes *cs = rcu_dereference(x->classes);
	struct ipsec6_policy *best = NULL, *pol;
	u64 lim = U64_MAX;
	u32 i;

	for (i = 0; i < cs->n; i++) {
		const struct ipsec6_spd_class *c = &cs->c[i];

		if (READ_ONCE(c->min_key) >= lim)
			continue;
		pol = ipsec6_spd_index_probe(x, c, dir, fl, g, lim);
		if (pol) {
			best = pol;
			lim = ipsec6_spd_key(pol);
		}
	}
	pol = ipsec6_spd_index_rest_find(rcu_dereference(x->rest), dir, fl, g,
					 lim);
	return pol ?: best;
}
