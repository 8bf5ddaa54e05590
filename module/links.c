// SPDX-License-Identifier: GPL-2.0
/*
 * The SAs an outbound APPLY policy may use, built with each table version
 * (db->links, see db.h) so that the datapath finds a packet's SA by binary
 * search instead of scanning every SA.
 *
 * Every SA that can serve a sending policy is bound to one destination: a
 * transport-mode SA to the packet's (ipsec6_sad_match_flow()), a tunnel
 * SA to the template's peer (kept out of the list here otherwise).  A list
 * sorted by destination, newest SA first, therefore holds a packet's
 * candidates in one run, in the order ipsec6_sad_select() prefers them.
 *
 * Policies whose SAs do not name them share one list per template
 * ("ip xfrm" style: 10k peers under one "proto esp mode transport"
 * template must not cost 10k copies of a 10k-SA list).  A policy that
 * SAs name (the .sad style) gets a list of its own: the SAs naming it
 * plus those its template takes.
 */
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/ipv6.h>
#include "array.h"
#include "db.h"
#include "links.h"

struct ipsec6_links_ctx {
	struct ipsec6_db *db;
	/* SAs naming no policy that may send, by (destination, index) */
	struct ipsec6_sa **gen;
	u32 ngen;
	/* gen[] again by (reqid, destination, newest): transport templates
	 * with a reqid take their run of it instead of filtering all of gen[]
	 */
	struct ipsec6_sa **byreq;
	/* SAs naming a sending policy, grouped by the policy's rank */
	struct ipsec6_sa **named;
	u32 *named_at;		/* rank -> first in named[], npol + 1 */
	/* template -> rank + 1 of the first policy with that list */
	u32 *hash;
	u32 hmask;
	u32 used;		/* slots of db->links filled (or counted) */
};

/* By destination, then newest first (ipsec6_sad_select()). */
static int ipsec6_links_cmp(const void *a, const void *b)
{
	const struct ipsec6_sa *x = *(struct ipsec6_sa *const *)a;
	const struct ipsec6_sa *y = *(struct ipsec6_sa *const *)b;
	int d = ipv6_addr_cmp(&x->dst, &y->dst);

	if (d)
		return d;
	return x->add_seq > y->add_seq ? -1 : x->add_seq < y->add_seq;
}

/* Does @e send at all through SAs?  Only then it has a list. */
static bool ipsec6_links_sends(const struct ipsec6_spd_entry *e)
{
	return e->pol->action == IPSEC6_ACTION_APPLY &&
	       (e->pol->dir & IPSEC6_DIR_OUT);
}

/* Same template, as far as ipsec6_sad_serves() looks at one. */
static bool ipsec6_links_same(const struct ipsec6_tmpl *a,
			      const struct ipsec6_tmpl *b)
{
	if (a->proto != b->proto || a->mode != b->mode || a->reqid != b->reqid)
		return false;
	if (a->mode != IPSEC6_MODE_TUNNEL)
		return true;
	return ipv6_addr_equal(&a->tremote, &b->tremote) &&
	       a->has_tlocal == b->has_tlocal &&
	       (!a->has_tlocal || ipv6_addr_equal(&a->tlocal, &b->tlocal));
}

static u32 ipsec6_links_hash(const struct ipsec6_tmpl *t)
{
	u32 peer = 0;

	if (t->mode == IPSEC6_MODE_TUNNEL)
		peer = ipv6_addr_hash(&t->tremote);
	return jhash_3words(t->proto | t->mode << 8, t->reqid, peer, 0);
}

/* The run of byreq[] with reqid @reqid: [*@first, *@end). */
static void ipsec6_links_reqid_range(const struct ipsec6_links_ctx *c,
				     u32 reqid, u32 *first, u32 *end)
{
	u32 lo = 0, hi = c->ngen;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (c->byreq[mid]->reqid < reqid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	for (hi = lo; hi < c->ngen && c->byreq[hi]->reqid == reqid; hi++)
		;
	*end = hi;
}

/*
 * The SAs naming no policy that may serve @e, in the order of gen[]
 * (destination, newest first): for a tunnel template the run of gen[]
 * with its peer as destination; for a transport template with a reqid
 * the run of byreq[] with that reqid (the same SAs in the same order,
 * since ipsec6_sad_serves() takes no other); else all of gen[].
 * Returns the array and sets *@first and *@end to the part of it to
 * filter with ipsec6_sad_serves().
 */
static struct ipsec6_sa **
ipsec6_links_gen_range(const struct ipsec6_links_ctx *c,
		       const struct ipsec6_spd_entry *e, u32 *first, u32 *end)
{
	const struct ipsec6_tmpl *t = e->pol->tmpl;
	u32 lo = 0, hi = c->ngen;

	if (t->mode != IPSEC6_MODE_TUNNEL) {
		if (t->reqid) {
			ipsec6_links_reqid_range(c, t->reqid, first, end);
			return c->byreq;
		}
		*first = 0;
		*end = c->ngen;
		return c->gen;
	}
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (ipv6_addr_cmp(&c->gen[mid]->dst, &t->tremote) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	for (hi = lo; hi < c->ngen &&
	     ipv6_addr_equal(&c->gen[hi]->dst, &t->tremote); hi++)
		;
	*end = hi;
	return c->gen;
}

/*
 * Count (@out NULL) or write @e's list at c->used: a length slot, then
 * its SAs by destination, newest first.
 */
static void ipsec6_links_one(struct ipsec6_links_ctx *c, u32 rank,
			     union ipsec6_link *out)
{
	const struct ipsec6_spd_entry *e = &c->db->pol[rank];
	const struct ipsec6_tmpl *t = e->pol->tmpl;
	u32 i, first, end, n = 0, at = c->used + 1;
	struct ipsec6_sa **gen;

	for (i = c->named_at[rank]; i < c->named_at[rank + 1]; i++) {
		struct ipsec6_sa *sa = c->named[i];

		/* A named SA skips the template check of ipsec6_sad_serves() */
		if (t->mode == IPSEC6_MODE_TUNNEL &&
		    !ipsec6_sad_tunnel_ok(sa, t, IPSEC6_DIR_OUT))
			continue;
		if (out)
			out[at + n].sa = sa;
		n++;
	}
	gen = ipsec6_links_gen_range(c, e, &first, &end);
	for (i = first; i < end; i++) {
		if (!ipsec6_sad_serves(gen[i], e, IPSEC6_DIR_OUT))
			continue;
		if (out)
			out[at + n].sa = gen[i];
		n++;
	}
	if (out) {
		out[c->used].n = n;
		/* Named and template SAs merged; gen[] alone is in order. */
		if (c->named_at[rank] != c->named_at[rank + 1])
			sort(&out[at], n, sizeof(*out), ipsec6_links_cmp, NULL);
	}
	c->used = at + n;
}

/* One pass over the sending policies: count (@out NULL) or fill. */
static void ipsec6_links_pass(struct ipsec6_links_ctx *c,
			      union ipsec6_link *out)
{
	struct ipsec6_db *db = c->db;
	u32 r, slot;

	memset(c->hash, 0, (c->hmask + 1) * sizeof(*c->hash));
	c->used = 1;			/* links[0]: the empty list */
	if (out)
		out[0].n = 0;
	for (r = 0; r < db->npol; r++) {
		struct ipsec6_spd_entry *e = &db->pol[r];
		const struct ipsec6_tmpl *t;

		if (!ipsec6_links_sends(e)) {
			e->sas = 0;
			continue;
		}
		if (c->named_at[r] != c->named_at[r + 1]) {
			e->sas = c->used;
			ipsec6_links_one(c, r, out);
			continue;
		}
		t = e->pol->tmpl;
		for (slot = ipsec6_links_hash(t) & c->hmask; c->hash[slot];
		     slot = (slot + 1) & c->hmask) {
			const struct ipsec6_spd_entry *o =
				&db->pol[c->hash[slot] - 1];

			if (ipsec6_links_same(o->pol->tmpl, t))
				break;
		}
		if (c->hash[slot]) {
			e->sas = db->pol[c->hash[slot] - 1].sas;
			continue;
		}
		c->hash[slot] = r + 1;
		e->sas = c->used;
		ipsec6_links_one(c, r, out);
	}
}

/*
 * byreq[]: gen[] sorted by reqid, stably, so in gen[]'s order within a
 * reqid: a radix sort, one byte of the reqid a pass, O(S).
 */
static int ipsec6_links_by_reqid(struct ipsec6_links_ctx *c)
{
	struct ipsec6_sa **src = c->byreq, **dst, **tmp;
	u32 count[256], i, b, shift;

	if (!c->ngen)
		return 0;
	dst = kvmalloc_array(c->ngen, sizeof(*dst), GFP_KERNEL);
	if (!dst)
		return -ENOMEM;
	tmp = dst;
	memcpy(src, c->gen, c->ngen * sizeof(*src));
	for (shift = 0; shift < 32; shift += 8) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < c->ngen; i++)
			count[(src[i]->reqid >> shift) & 0xff]++;
		if (count[(src[0]->reqid >> shift) & 0xff] == c->ngen)
			continue;	/* one value of this byte: nothing moves */
		for (b = 0, i = 0; b < 256; b++) {
			u32 n = count[b];

			count[b] = i;
			i += n;
		}
		for (i = 0; i < c->ngen; i++)
			dst[count[(src[i]->reqid >> shift) & 0xff]++] = src[i];
		swap(src, dst);
	}
	if (src != c->byreq)
		memcpy(c->byreq, src, c->ngen * sizeof(*src));
	kvfree(tmp);
	return 0;
}

/* Sort the SAs that may send into gen[] and named[] (by policy rank). */
static int ipsec6_links_split(struct ipsec6_links_ctx *c)
{
	struct ipsec6_db *db = c->db;
	u32 i, nnamed = 0, *fill;

	c->gen = kvmalloc_array(db->nsa, sizeof(*c->gen), GFP_KERNEL);
	c->byreq = kvmalloc_array(db->nsa, sizeof(*c->byreq), GFP_KERNEL);
	c->named = kvmalloc_array(db->nsa, sizeof(*c->named), GFP_KERNEL);
	c->named_at = kvcalloc(db->npol + 1, sizeof(*c->named_at), GFP_KERNEL);
	fill = kvcalloc(db->npol + 1, sizeof(*fill), GFP_KERNEL);
	if ((db->nsa && (!c->gen || !c->byreq || !c->named)) ||
	    !c->named_at || !fill) {
		kvfree(fill);
		return -ENOMEM;
	}
	for (i = 0; i < db->nsa; i++) {
		struct ipsec6_sa *sa = db->sa[i];
		const struct ipsec6_spd_entry *e;

		/* Larval SAs (SA_ALLOC_SPI) have no keys: never sent on. */
		if (sa->dir == IPSEC6_DIR_IN || sa->larval)
			continue;
		if (!sa->policy) {
			c->gen[c->ngen++] = sa;
			continue;
		}
		/* txn.c checked that it exists and is APPLY */
		e = ipsec6_spd_find(db, sa->policy);
		if (e && (e->pol->dir & IPSEC6_DIR_OUT)) {
			c->named_at[e - db->pol + 1]++;
			nnamed++;
		}
	}
	for (i = 0; i < db->npol; i++)
		c->named_at[i + 1] += c->named_at[i];
	memcpy(fill, c->named_at, (db->npol + 1) * sizeof(*fill));
	for (i = 0; i < db->nsa && nnamed; i++) {
		struct ipsec6_sa *sa = db->sa[i];
		const struct ipsec6_spd_entry *e;

		if (sa->dir == IPSEC6_DIR_IN || !sa->policy)
			continue;
		e = ipsec6_spd_find(db, sa->policy);
		if (e && (e->pol->dir & IPSEC6_DIR_OUT))
			c->named[fill[e - db->pol]++] = sa;
	}
	kvfree(fill);
	sort(c->gen, c->ngen, sizeof(*c->gen), ipsec6_links_cmp, NULL);
	return ipsec6_links_by_reqid(c);
}

/**
 * ipsec6_links_build - the SA lists of a table version's sending policies
 * @db: the version being built: policies in search order, SAs by index
 *
 * Sets every entry's ->sas and db->links.  Entries that do not send
 * through SAs get the empty list at links[0].
 */
int ipsec6_links_build(struct ipsec6_db *db)
{
	struct ipsec6_links_ctx c = { .db = db };
	u32 r, nsend = 0, size = 1;
	int err = -ENOMEM;

	for (r = 0; r < db->npol; r++)
		nsend += ipsec6_links_sends(&db->pol[r]);
	if (!nsend)
		return 0;
	while (size < 2 * nsend)
		size <<= 1;
	c.hmask = size - 1;
	c.hash = kvmalloc_array(size, sizeof(*c.hash), GFP_KERNEL);
	if (!c.hash)
		goto out;
	err = ipsec6_links_split(&c);
	if (err)
		goto out;
	ipsec6_links_pass(&c, NULL);
	db->links = ipsec6_array_alloc(c.used, sizeof(*db->links),
				       GFP_KERNEL_ACCOUNT);
	err = -ENOMEM;
	if (!db->links)
		goto out;
	ipsec6_links_pass(&c, db->links);
	err = 0;
out:
	kvfree(c.hash);
	kvfree(c.gen);
	kvfree(c.byreq);
	kvfree(c.named);
	kvfree(c.named_at);
	return err;
}
