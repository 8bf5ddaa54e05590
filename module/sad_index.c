// SPDX-License-Identifier: GPL-2.0
/*
 * The SAD's lookup structures over SA objects of several generations, so
 * that adding or removing an SA costs the same whatever the number of SAs
 * and policies:
 *
 *  - inbound: a hash on (SPI, DST, PROTO), the identity RFC 4301 gives an
 *    inbound SA;
 *  - sending: every SA that may send (not inbound-only) is bound to one
 *    destination (the packet's, or in tunnel mode its template's peer, the
 *    SA's DST either way), so it is hashed by what picks it and that
 *    destination.  An SA naming a policy by (policy index, DST); one naming
 *    none by (protocol, mode, REQID, DST) if it has a REQID, for templates
 *    with that REQID, and, in a second table, by (protocol, mode, DST), for
 *    templates without one (they take any REQID).
 *
 * A sending APPLY policy finds a packet's SA by probing one or two keys
 * (ipsec6_sad_index_select()), where it used to search a list built for
 * it with every table version (links.c).  Chains hold the versions of
 * every generation readers may still see; they skip the others.  Several
 * SAs with one key (rekeying: an old and a new SA to the same peer) share
 * a chain and are all tried.
 */
#include <linux/jhash.h>
#include <net/ipv6.h>
#include "gen.h"
#include "sad.h"
#include "sad_index.h"
#include "selector.h"
#include "spd.h"
#include "uapi/ipsec6.h"

/* Sending keys: which part picks the SA besides its destination. */
enum {
	IPSEC6_SAD_KEY_NAMED = 1,	/* a policy index */
	IPSEC6_SAD_KEY_TMPL,		/* protocol, mode, REQID */
};

static u32 ipsec6_sad_index_hin(const struct ipsec6_hash *h, __be32 spi,
				const struct in6_addr *dst, u8 proto)
{
	return jhash_3words((__force u32)spi, ipv6_addr_hash(dst), proto,
			    h->seed);
}

static u32 ipsec6_sad_index_hout(const struct ipsec6_hash *h, u32 a, u32 b,
				 const struct in6_addr *dst)
{
	return jhash_3words(a, b, ipv6_addr_hash(dst), h->seed);
}

/* The sending key of @sa in ipsec6_sad_index.out: (*a, *b). */
static void ipsec6_sad_index_okey(const struct ipsec6_sa *sa, u32 *a, u32 *b)
{
	if (sa->policy) {
		*a = IPSEC6_SAD_KEY_NAMED << 16;
		*b = sa->policy;
	} else {
		*a = IPSEC6_SAD_KEY_TMPL << 16 | sa->proto << 8 | sa->mode;
		*b = sa->reqid;
	}
}

static u32 ipsec6_sad_index_hashfn_in(const struct ipsec6_hash *h,
				      const struct hlist_node *n)
{
	const struct ipsec6_sa *sa = container_of(n, struct ipsec6_sa, in_node);

	return ipsec6_sad_index_hin(h, sa->spi, &sa->dst, sa->proto);
}

static u32 ipsec6_sad_index_hashfn_out(const struct ipsec6_hash *h,
				       const struct hlist_node *n)
{
	const struct ipsec6_sa *sa = container_of(n, struct ipsec6_sa, out_node);
	u32 a, b;

	ipsec6_sad_index_okey(sa, &a, &b);
	return ipsec6_sad_index_hout(h, a, b, &sa->dst);
}

static u32 ipsec6_sad_index_hashfn_outw(const struct ipsec6_hash *h,
					const struct hlist_node *n)
{
	const struct ipsec6_sa *sa = container_of(n, struct ipsec6_sa,
						  outw_node);

	return ipsec6_sad_index_hout(h, sa->proto << 8 | sa->mode, 0, &sa->dst);
}

int ipsec6_sad_index_init(struct ipsec6_sad_index *x, struct mutex *lock)
{
	int err;

	x->lock = lock;
	x->nnamed = 0;
	err = ipsec6_hash_init(&x->in, lock, ipsec6_sad_index_hashfn_in);
	if (err)
		return err;
	err = ipsec6_hash_init(&x->out, lock, ipsec6_sad_index_hashfn_out);
	if (err)
		goto err_in;
	err = ipsec6_hash_init(&x->outw, lock, ipsec6_sad_index_hashfn_outw);
	if (err)
		goto err_out;
	return 0;
err_out:
	ipsec6_hash_destroy(&x->out);
err_in:
	ipsec6_hash_destroy(&x->in);
	return err;
}

void ipsec6_sad_index_destroy(struct ipsec6_sad_index *x)
{
	ipsec6_hash_destroy(&x->in);
	ipsec6_hash_destroy(&x->out);
	ipsec6_hash_destroy(&x->outw);
}

/*
 * May @sa be chosen to send at all?  Not an inbound-only SA, nor a larval
 * one (SA_ALLOC_SPI: no keys yet).
 */
static bool ipsec6_sad_index_sends(const struct ipsec6_sa *sa)
{
	return sa->dir != IPSEC6_DIR_IN && !sa->larval;
}

/* Link @sa, not visible yet, into every structure it belongs to. */
void ipsec6_sad_index_link(struct ipsec6_sad_index *x, struct ipsec6_sa *sa)
{
	lockdep_assert_held(x->lock);
	ipsec6_hash_add(&x->in, &sa->in_node,
			ipsec6_sad_index_hashfn_in(&x->in, &sa->in_node));
	if (!ipsec6_sad_index_sends(sa))
		return;
	if (sa->policy)
		WRITE_ONCE(x->nnamed, x->nnamed + 1);
	if (sa->policy || sa->reqid)
		ipsec6_hash_add(&x->out, &sa->out_node,
				ipsec6_sad_index_hashfn_out(&x->out,
							    &sa->out_node));
	if (!sa->policy)
		ipsec6_hash_add(&x->outw, &sa->outw_node,
				ipsec6_sad_index_hashfn_outw(&x->outw,
							     &sa->outw_node));
}

/* Unlink @sa, which no reader can need any more (free it a grace later). */
void ipsec6_sad_index_unlink(struct ipsec6_sad_index *x, struct ipsec6_sa *sa)
{
	lockdep_assert_held(x->lock);
	ipsec6_hash_del(&x->in, &sa->in_node);
	if (!ipsec6_sad_index_sends(sa))
		return;
	if (sa->policy)
		WRITE_ONCE(x->nnamed, x->nnamed - 1);
	if (sa->policy || sa->reqid)
		ipsec6_hash_del(&x->out, &sa->out_node);
	if (!sa->policy)
		ipsec6_hash_del(&x->outw, &sa->outw_node);
}

/**
 * ipsec6_sad_index_lookup - the SA of an inbound packet (RFC 4301 4.1)
 * @x: the index (under the RCU read lock, or the writer)
 * @spi: SPI
 * @dst: destination address
 * @proto: IPPROTO_AH or IPPROTO_ESP
 * @g: the generation to look in
 */
struct ipsec6_sa *ipsec6_sad_index_lookup(const struct ipsec6_sad_index *x,
					  __be32 spi, const struct in6_addr *dst,
					  u8 proto, u64 g)
{
	u32 hash = ipsec6_sad_index_hin(&x->in, spi, dst, proto);
	struct ipsec6_sa *sa, *found;
	unsigned int seq;

	do {
		seq = ipsec6_hash_begin(&x->in);
		found = NULL;
		hlist_for_each_entry_rcu(sa, ipsec6_hash_bucket(&x->in, hash),
					 in_node, lockdep_is_held(x->lock)) {
			if (sa->spi == spi && sa->proto == proto &&
			    ipv6_addr_equal(&sa->dst, dst) &&
			    ipsec6_gen_visible(&sa->life, g)) {
				found = sa;
				break;
			}
		}
	} while (ipsec6_hash_retry(&x->in, seq));
	return found;
}

/* Another SA than @sa with its identity in generation @g (writer). */
struct ipsec6_sa *ipsec6_sad_index_twin(const struct ipsec6_sad_index *x,
					const struct ipsec6_sa *sa, u64 g)
{
	u32 hash = ipsec6_sad_index_hin(&x->in, sa->spi, &sa->dst, sa->proto);
	struct ipsec6_sa *o;

	lockdep_assert_held(x->lock);
	hlist_for_each_entry(o, ipsec6_hash_bucket_w(&x->in, hash), in_node)
		if (o != sa && o->spi == sa->spi && o->proto == sa->proto &&
		    ipv6_addr_equal(&o->dst, &sa->dst) &&
		    ipsec6_gen_visible(&o->life, g))
			return o;
	return NULL;
}

/* How much an SA in @state is wanted for sending: higher first. */
static int ipsec6_sad_index_rank(int state)
{
	switch (state) {
	case IPSEC6_SA_STATE_VALID:
		return 2;
	case IPSEC6_SA_STATE_SOFT_EXPIRED:
		return 1;
	default:
		return 0;
	}
}

/*
 * Of two SAs that could protect a packet, is @a the one to use rather
 * than @b?  The newest (latest made, sa->add_seq) that is not
 * soft-expired; if all are, the newest soft-expired one; a hard-expired
 * one only if nothing else covers the packet (the caller drops it then).
 * XFRM's rule, make-before-break: a rekeyed SA takes the traffic as soon
 * as it is published, and the one it replaces can go without a packet
 * lost.
 */
static bool ipsec6_sad_index_better(const struct ipsec6_sa *a,
				    const struct ipsec6_sa *b)
{
	int ra, rb;

	if (!b)
		return true;
	ra = ipsec6_sad_index_rank(READ_ONCE(a->state));
	rb = ipsec6_sad_index_rank(READ_ONCE(b->state));
	if (ra != rb)
		return ra > rb;
	return a->add_seq > b->add_seq;
}

/* Is @sa, found under a key of @pol, one to protect @fl with? */
static bool ipsec6_sad_index_fits(const struct ipsec6_sa *sa,
				  const struct ipsec6_policy *pol,
				  const struct in6_addr *dst,
				  const struct ipsec6_flow *fl, u64 g)
{
	const struct ipsec6_tmpl *t = pol->tmpl;

	if (!ipv6_addr_equal(&sa->dst, dst) || !ipsec6_sad_index_sends(sa) ||
	    !ipsec6_gen_visible(&sa->life, g))
		return false;
	if (sa->policy) {
		/* A named SA skips the template check of ipsec6_sad_serves() */
		if (sa->policy != pol->index ||
		    (t->mode == IPSEC6_MODE_TUNNEL &&
		     !ipsec6_sad_tunnel_ok(sa, t, IPSEC6_DIR_OUT)))
			return false;
	} else if (!ipsec6_sad_serves(sa, pol, IPSEC6_DIR_OUT)) {
		return false;
	}
	return ipsec6_sad_match_flow(sa, fl, IPSEC6_DIR_OUT);
}

/* The best SA on the chain of (@a, @b, @dst) in @h, better than @best. */
static struct ipsec6_sa *
ipsec6_sad_index_probe(const struct ipsec6_hash *h, bool wild, u32 a, u32 b,
		       const struct ipsec6_policy *pol,
		       const struct in6_addr *dst,
		       const struct ipsec6_flow *fl, u64 g,
		       struct ipsec6_sa *best)
{
	u32 hash = ipsec6_sad_index_hout(h, a, b, dst);
	struct ipsec6_sa *sa, *found;
	unsigned int seq;
	u32 ka, kb;

	do {
		seq = ipsec6_hash_begin(h);
		found = best;
		if (wild) {
			hlist_for_each_entry_rcu(sa, ipsec6_hash_bucket(h, hash),
						 outw_node) {
				if (ipsec6_sad_index_fits(sa, pol, dst, fl, g) &&
				    ipsec6_sad_index_better(sa, found))
					found = sa;
			}
			continue;
		}
		hlist_for_each_entry_rcu(sa, ipsec6_hash_bucket(h, hash),
					 out_node) {
			ipsec6_sad_index_okey(sa, &ka, &kb);
			if (ka == a && kb == b &&
			    ipsec6_sad_index_fits(sa, pol, dst, fl, g) &&
			    ipsec6_sad_index_better(sa, found))
				found = sa;
		}
	} while (ipsec6_hash_retry(h, seq));
	return found;
}

/**
 * ipsec6_sad_index_select - the SA that protects a packet of a policy
 * @x: the index (under the RCU read lock)
 * @pol: a sending APPLY policy (one step of a bundle)
 * @fl: the packet's selector fields (outbound terms)
 * @g: the generation the packet sees
 *
 * Of the SAs that may serve @pol when sending (those naming it, and those
 * naming none that fit its template, as ipsec6_sad_serves() says) and
 * cover the flow (ipsec6_sad_match_flow()), the one
 * ipsec6_sad_index_better() prefers; NULL if there is none.
 */
struct ipsec6_sa *ipsec6_sad_index_select(const struct ipsec6_sad_index *x,
					  const struct ipsec6_policy *pol,
					  const struct ipsec6_flow *fl, u64 g)
{
	const struct ipsec6_tmpl *t = pol->tmpl;
	const struct in6_addr *dst = t->mode == IPSEC6_MODE_TUNNEL ?
				     &t->tremote : &fl->remote;
	struct ipsec6_sa *best = NULL;

	if (READ_ONCE(x->nnamed))
		best = ipsec6_sad_index_probe(&x->out, false,
					      IPSEC6_SAD_KEY_NAMED << 16,
					      pol->index, pol, dst, fl, g, best);
	if (t->reqid)
		return ipsec6_sad_index_probe(&x->out, false,
					      IPSEC6_SAD_KEY_TMPL << 16 |
					      t->proto << 8 | t->mode,
					      t->reqid, pol, dst, fl, g, best);
	return ipsec6_sad_index_probe(&x->outw, true, t->proto << 8 | t->mode,
				      0, pol, dst, fl, g, best);
}
