// SPDX-License-Identifier: GPL-2.0
/*
 * SPD lookup structure: the first policy (in search order) that matches a
 * packet, without scanning the list.
 *
 * A policy's rank is its position in the array the structure is built over
 * (sorted in search order); the answer is the matching policy of lowest
 * rank.  Per direction, every policy goes to one of three parts:
 *
 *  - the remote tree, if its remote address range is narrower than its
 *    local one (and not the wildcard);
 *  - the local tree, if its local range is the narrower one;
 *  - the "any" list, if both addresses are wildcards.
 *
 * A tree is a segment tree over the elementary intervals of one address
 * dimension: the range starts and ends of its policies cut the address
 * space into m intervals; a policy's range covers a run of them and is
 * stored at the O(log m) canonical nodes of that run.  Each node holds the
 * ranks of its policies in ascending order.  Looking up an address is a
 * binary search for its interval and a walk from that leaf to the root; on
 * each node the ranks are tried in order, each with the full selector,
 * until one matches or the rank is no better than the best match so far.
 * The three parts are searched in turn with the best rank carried over, so
 * the result is exactly the naive first match (tests/host/spd-diff.sh).
 *
 * The structure is built once and never changed, so readers need nothing
 * but the RCU read lock that keeps it alive.  Policies that die later stay
 * in it until it is rebuilt; a lookup only considers the policies of its
 * generation (gen.h).
 */
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include "array.h"
#include "gen.h"
#include "selector.h"
#include "spd.h"
#include "spd_lookup.h"

/* An address as a 128-bit number, in two host-order halves. */
struct ipsec6_spd_key {
	u64 hi;
	u64 lo;
};

/*
 * Segment tree over m elementary intervals: interval j is
 * [bound[j], bound[j + 1]) (the last one ends at the top of the address
 * space).  Nodes are numbered as in an array heap with the m leaves at
 * m..2m-1 (node 0 is unused); node i's ranks are
 * rank[off[i]] .. rank[off[i + 1] - 1].
 */
struct ipsec6_spd_tree {
	u32 m;
	struct ipsec6_spd_key *bound;
	u32 *off;
	u32 *rank;
};

struct ipsec6_spd_dirlk {
	struct ipsec6_spd_tree tree[2];	/* IPSEC6_SPD_REMOTE, _LOCAL */
	u32 nany;
	u32 *any;			/* ranks, ascending */
};

struct ipsec6_spd_lk {
	struct ipsec6_policy *const *pol;	/* in search order */
	u32 npol;
	struct ipsec6_spd_dirlk dir[2];		/* inbound, outbound */
	size_t size;				/* bytes allocated */
};

static u64 ipsec6_spd_lookup_be64(const u8 *p)
{
	return (u64)p[0] << 56 | (u64)p[1] << 48 | (u64)p[2] << 40 |
	       (u64)p[3] << 32 | (u64)p[4] << 24 | (u64)p[5] << 16 |
	       (u64)p[6] << 8 | (u64)p[7];
}

static void ipsec6_spd_lookup_key(const struct in6_addr *a,
				  struct ipsec6_spd_key *k)
{
	k->hi = ipsec6_spd_lookup_be64(&a->s6_addr[0]);
	k->lo = ipsec6_spd_lookup_be64(&a->s6_addr[8]);
}

static int ipsec6_spd_lookup_cmp(const struct ipsec6_spd_key *a,
				 const struct ipsec6_spd_key *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

static int ipsec6_spd_lookup_sort_cmp(const void *a, const void *b)
{
	return ipsec6_spd_lookup_cmp(a, b);
}

static bool ipsec6_spd_lookup_is_max(const struct ipsec6_spd_key *k)
{
	return k->hi == ~0ULL && k->lo == ~0ULL;
}

/* Does policy @p take part in direction @d (0 inbound, 1 outbound)? */
static bool ipsec6_spd_lookup_in_dir(const struct ipsec6_policy *p, int d)
{
	if (p->flags & IPSEC6_POLICY_F_BUNDLE_ONLY)
		return false;
	if (d)
		return p->dir & IPSEC6_DIR_OUT;
	return p->dir & (IPSEC6_DIR_IN | IPSEC6_DIR_FWD);
}

/*
 * The range of @sel in dimension @which (IPSEC6_SPD_REMOTE or _LOCAL).
 * Returns false if the range is empty.
 */
static bool ipsec6_spd_lookup_range(const struct ipsec6_sel *sel, int which,
				    struct ipsec6_spd_key *s,
				    struct ipsec6_spd_key *e)
{
	u8 bit = which == IPSEC6_SPD_REMOTE ? IPSEC6_SEL_REMOTE :
					      IPSEC6_SEL_LOCAL;
	const struct ipsec6_addr_range *r =
		which == IPSEC6_SPD_REMOTE ? &sel->remote : &sel->local;

	if (!(sel->present & bit)) {
		s->hi = 0;
		s->lo = 0;
		e->hi = ~0ULL;
		e->lo = ~0ULL;
		return true;
	}
	ipsec6_spd_lookup_key(&r->start, s);
	ipsec6_spd_lookup_key(&r->end, e);
	return ipsec6_spd_lookup_cmp(s, e) <= 0;
}

/**
 * ipsec6_spd_lookup_part - where a selector goes
 * @sel: the selector
 *
 * IPSEC6_SPD_REMOTE if its remote range is the narrower one (and not the
 * wildcard), IPSEC6_SPD_LOCAL if the local one is, IPSEC6_SPD_ANY if both
 * are wildcards, IPSEC6_SPD_NEVER if a range is empty.
 */
int ipsec6_spd_lookup_part(const struct ipsec6_sel *sel)
{
	struct ipsec6_spd_key rs, re, ls, le, rw, lw;
	bool rany, lany;

	if (!ipsec6_spd_lookup_range(sel, IPSEC6_SPD_REMOTE, &rs, &re) ||
	    !ipsec6_spd_lookup_range(sel, IPSEC6_SPD_LOCAL, &ls, &le))
		return IPSEC6_SPD_NEVER;
	rany = !rs.hi && !rs.lo && ipsec6_spd_lookup_is_max(&re);
	lany = !ls.hi && !ls.lo && ipsec6_spd_lookup_is_max(&le);
	if (rany && lany)
		return IPSEC6_SPD_ANY;
	if (rany)
		return IPSEC6_SPD_LOCAL;
	if (lany)
		return IPSEC6_SPD_REMOTE;
	/* widths end - start */
	rw.hi = re.hi - rs.hi - (re.lo < rs.lo);
	rw.lo = re.lo - rs.lo;
	lw.hi = le.hi - ls.hi - (le.lo < ls.lo);
	lw.lo = le.lo - ls.lo;
	return ipsec6_spd_lookup_cmp(&rw, &lw) <= 0 ? IPSEC6_SPD_REMOTE :
						       IPSEC6_SPD_LOCAL;
}

/* Index of @k, which must be one of the bounds. */
static u32 ipsec6_spd_lookup_bound(const struct ipsec6_spd_tree *t,
				   const struct ipsec6_spd_key *k)
{
	u32 lo = 0, hi = t->m;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (ipsec6_spd_lookup_cmp(&t->bound[mid], k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The elementary interval that holds @k. */
static u32 ipsec6_spd_lookup_interval(const struct ipsec6_spd_tree *t,
				      const struct ipsec6_spd_key *k)
{
	u32 lo = 0, hi = t->m;	/* bound[lo] <= k < bound[hi] */

	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (ipsec6_spd_lookup_cmp(&t->bound[mid], k) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Visit the canonical nodes of the intervals covered by policy @rank's
 * range: count them (t->rank not allocated yet) or store @rank there.
 * Returns the number of nodes.
 */
static u32 ipsec6_spd_lookup_place(struct ipsec6_spd_tree *t,
				   const struct ipsec6_sel *sel, int which,
				   u32 rank)
{
	struct ipsec6_spd_key s, e;
	u32 l, r, n = 0;

	ipsec6_spd_lookup_range(sel, which, &s, &e);
	l = ipsec6_spd_lookup_bound(t, &s);
	if (ipsec6_spd_lookup_is_max(&e)) {
		r = t->m;
	} else {
		if (++e.lo == 0)
			e.hi++;
		r = ipsec6_spd_lookup_bound(t, &e);
	}
	for (l += t->m, r += t->m; l < r; l >>= 1, r >>= 1) {
		if (l & 1) {
			if (t->rank)
				t->rank[t->off[l]++] = rank;
			else
				t->off[l + 1]++;
			l++;
			n++;
		}
		if (r & 1) {
			r--;
			if (t->rank)
				t->rank[t->off[r]++] = rank;
			else
				t->off[r + 1]++;
			n++;
		}
	}
	return n;
}

static void ipsec6_spd_lookup_tree_free(struct ipsec6_spd_tree *t)
{
	kvfree(t->bound);
	kvfree(t->off);
	kvfree(t->rank);
}

/* Build @t over the policies @members (ranks, ascending). */
static int ipsec6_spd_lookup_tree_build(struct ipsec6_spd_lk *lk,
					struct ipsec6_spd_tree *t, int which,
					const u32 *members, u32 n)
{
	struct ipsec6_spd_key *keys, s, e;
	u32 i, k = 0, m, total = 0;

	if (!n)
		return 0;
	keys = kvmalloc_array(2 * (size_t)n + 1, sizeof(*keys), GFP_KERNEL);
	if (!keys)
		return -ENOMEM;
	keys[k].hi = 0;
	keys[k++].lo = 0;
	for (i = 0; i < n; i++) {
		ipsec6_spd_lookup_range(&lk->pol[members[i]]->sel, which,
					&s, &e);
		keys[k++] = s;
		if (!ipsec6_spd_lookup_is_max(&e)) {
			if (++e.lo == 0)
				e.hi++;
			keys[k++] = e;
		}
	}
	sort(keys, k, sizeof(*keys), ipsec6_spd_lookup_sort_cmp, NULL);
	for (i = 1, m = 1; i < k; i++)
		if (ipsec6_spd_lookup_cmp(&keys[i], &keys[m - 1]))
			keys[m++] = keys[i];

	t->bound = ipsec6_array_alloc(m, sizeof(*t->bound), GFP_KERNEL_ACCOUNT);
	t->off = ipsec6_array_alloc(2 * (size_t)m + 1, sizeof(*t->off),
				    GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!t->bound || !t->off) {
		kvfree(keys);
		return -ENOMEM;
	}
	memcpy(t->bound, keys, m * sizeof(*keys));
	kvfree(keys);
	t->m = m;

	/* Count per node into off[i + 1], then turn counts into starts. */
	for (i = 0; i < n; i++)
		total += ipsec6_spd_lookup_place(t, &lk->pol[members[i]]->sel,
						 which, members[i]);
	for (i = 1; i <= 2 * m; i++)
		t->off[i] += t->off[i - 1];
	t->rank = ipsec6_array_alloc(total ?: 1, sizeof(*t->rank),
				     GFP_KERNEL_ACCOUNT);
	if (!t->rank)
		return -ENOMEM;
	/* Fill in rank order; off[i] advances to the start of node i + 1. */
	for (i = 0; i < n; i++)
		ipsec6_spd_lookup_place(t, &lk->pol[members[i]]->sel, which,
					members[i]);
	for (i = 2 * m; i > 0; i--)
		t->off[i] = t->off[i - 1];
	t->off[0] = 0;
	lk->size += m * sizeof(*t->bound) + (2 * m + 1) * sizeof(*t->off) +
		    (total ?: 1) * sizeof(*t->rank);
	return 0;
}

static int ipsec6_spd_lookup_dir_build(struct ipsec6_spd_lk *lk, int d,
				       u32 *parts)
{
	struct ipsec6_spd_dirlk *dl = &lk->dir[d];
	u32 *member[3] = { parts, parts + lk->npol, parts + 2 * lk->npol };
	u32 n[3] = { 0, 0, 0 };
	u32 i;
	int err, p;

	for (i = 0; i < lk->npol; i++) {
		const struct ipsec6_policy *pol = lk->pol[i];

		if (!ipsec6_spd_lookup_in_dir(pol, d))
			continue;
		p = ipsec6_spd_lookup_part(&pol->sel);
		if (p != IPSEC6_SPD_NEVER)
			member[p][n[p]++] = i;
	}
	for (p = IPSEC6_SPD_REMOTE; p <= IPSEC6_SPD_LOCAL; p++) {
		err = ipsec6_spd_lookup_tree_build(lk, &dl->tree[p], p,
						   member[p], n[p]);
		if (err)
			return err;
	}
	if (!n[IPSEC6_SPD_ANY])
		return 0;
	dl->any = ipsec6_array_alloc(n[IPSEC6_SPD_ANY], sizeof(*dl->any),
				     GFP_KERNEL_ACCOUNT);
	if (!dl->any)
		return -ENOMEM;
	dl->nany = n[IPSEC6_SPD_ANY];
	memcpy(dl->any, member[IPSEC6_SPD_ANY], dl->nany * sizeof(*dl->any));
	lk->size += dl->nany * sizeof(*dl->any);
	return 0;
}

/**
 * ipsec6_spd_lookup_build - lookup structure of a version
 * @pol: policies in search order; must outlive the result
 * @npol: how many
 *
 * Runs in process context without locks of its own (the caller holds the
 * namespace's writer lock).  Returns NULL if out of memory.
 */
struct ipsec6_spd_lk *ipsec6_spd_lookup_build(struct ipsec6_policy *const *pol,
					      u32 npol)
{
	struct ipsec6_spd_lk *lk;
	u32 *parts;
	int d, err = 0;

	lk = kzalloc(sizeof(*lk), GFP_KERNEL_ACCOUNT);
	if (!lk)
		return NULL;
	lk->pol = pol;
	lk->npol = npol;
	lk->size = sizeof(*lk);
	parts = kvmalloc_array(3 * (size_t)npol + 1, sizeof(*parts),
			       GFP_KERNEL);
	if (!parts) {
		kfree(lk);
		return NULL;
	}
	for (d = 0; d < 2 && !err; d++)
		err = ipsec6_spd_lookup_dir_build(lk, d, parts);
	kvfree(parts);
	if (err) {
		ipsec6_spd_lookup_free(lk);
		return NULL;
	}
	return lk;
}

void ipsec6_spd_lookup_free(struct ipsec6_spd_lk *lk)
{
	int d, p;

	if (!lk)
		return;
	for (d = 0; d < 2; d++) {
		for (p = IPSEC6_SPD_REMOTE; p <= IPSEC6_SPD_LOCAL; p++)
			ipsec6_spd_lookup_tree_free(&lk->dir[d].tree[p]);
		kvfree(lk->dir[d].any);
	}
	kfree(lk);
}

/* Does the policy of rank @r match @fl in generation @g? */
static bool ipsec6_spd_lookup_match(const struct ipsec6_spd_lk *lk, u32 r,
				    const struct ipsec6_flow *fl, u64 g)
{
	const struct ipsec6_policy *pol = lk->pol[r];

	return ipsec6_gen_visible(&pol->life, g) &&
	       ipsec6_selector_match(&pol->sel, fl);
}

/* Lowest rank below @best of a policy in @t that matches @fl. */
static u32 ipsec6_spd_lookup_tree_find(const struct ipsec6_spd_lk *lk,
				       const struct ipsec6_spd_tree *t,
				       const struct in6_addr *addr,
				       const struct ipsec6_flow *fl, u64 g,
				       u32 best)
{
	struct ipsec6_spd_key k;
	u32 i, j, end;

	if (!t->m)
		return best;
	ipsec6_spd_lookup_key(addr, &k);
	for (i = ipsec6_spd_lookup_interval(t, &k) + t->m; i; i >>= 1) {
		for (j = t->off[i], end = t->off[i + 1]; j < end; j++) {
			u32 r = t->rank[j];

			if (r >= best)
				break;
			if (ipsec6_spd_lookup_match(lk, r, fl, g)) {
				best = r;
				break;
			}
		}
	}
	return best;
}

/**
 * ipsec6_spd_lookup_find - first policy of a direction matching a packet
 * @lk: lookup structure (under the RCU read lock that keeps it)
 * @dir: IPSEC6_DIR_OUT, or IPSEC6_DIR_IN for inbound (IN and FWD policies)
 * @fl: the packet's selector fields
 * @g: the generation the packet sees
 * @below: only ranks below this one count (IPSEC6_SPD_NONE: all)
 *
 * Returns the rank of the first matching policy, or IPSEC6_SPD_NONE.
 */
u32 ipsec6_spd_lookup_find(const struct ipsec6_spd_lk *lk, u8 dir,
			   const struct ipsec6_flow *fl, u64 g, u32 below)
{
	const struct ipsec6_spd_dirlk *dl = &lk->dir[dir == IPSEC6_DIR_OUT];
	u32 best = below, i;

	best = ipsec6_spd_lookup_tree_find(lk, &dl->tree[IPSEC6_SPD_REMOTE],
					   &fl->remote, fl, g, best);
	best = ipsec6_spd_lookup_tree_find(lk, &dl->tree[IPSEC6_SPD_LOCAL],
					   &fl->local, fl, g, best);
	for (i = 0; i < dl->nany && dl->any[i] < best; i++) {
		if (ipsec6_spd_lookup_match(lk, dl->any[i], fl, g)) {
			best = dl->any[i];
			break;
		}
	}
	return best == below ? IPSEC6_SPD_NONE : best;
}

/* Bytes the structure takes. */
size_t ipsec6_spd_lookup_size(const struct ipsec6_spd_lk *lk)
{
	return lk->size;
}
