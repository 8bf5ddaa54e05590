// SPDX-License-Identifier: GPL-2.0
/*
 * Security Association Database: SA objects, their lookups in a published
 * generation (the structures are sad_index.c's), and which SA serves
 * which policy.
 */
#include <linux/slab.h>
#include <net/ipv6.h>
#include "db.h"
#include "ipsec6.h"
#include "netlink.h"
#include "netns.h"
#include "replay.h"
#include "sad.h"
#include "sad_index.h"
#include "selector.h"
#include "tables.h"

/* Creation order of SA objects, for "the newest SA sends" (sad_index.c). */
static atomic64_t ipsec6_sad_next_seq = ATOMIC64_INIT(0);

static struct ipsec6_sa_live *ipsec6_sad_live_alloc(void)
{
	struct ipsec6_sa_live *live;

	live = kzalloc(sizeof(*live), GFP_KERNEL_ACCOUNT);
	if (!live)
		return NULL;
	refcount_set(&live->ref, 1);
	live->add_time = ktime_get_real_seconds();
	return live;
}

static void ipsec6_sad_live_put(struct ipsec6_sa_live *live)
{
	if (!live || !refcount_dec_and_test(&live->ref))
		return;
	ipsec6_replay_free(live->replay);
	kfree(live);
}

struct ipsec6_sa *ipsec6_sad_sa_alloc(void)
{
	struct ipsec6_sa *sa;

	sa = kzalloc(sizeof(*sa), GFP_KERNEL_ACCOUNT);
	if (!sa)
		return NULL;
	sa->live = ipsec6_sad_live_alloc();
	if (!sa->live) {
		kfree(sa);
		return NULL;
	}
	refcount_set(&sa->ref, 1);
	sa->add_seq = atomic64_inc_return(&ipsec6_sad_next_seq);
	ipsec6_gen_init(&sa->life, 0);
	return sa;
}

static void ipsec6_sad_sa_free(struct ipsec6_sa *sa)
{
	ipsec6_crypto_destroy(&sa->crypto);
	ipsec6_crypto_cfg_free(&sa->cfg);
	ipsec6_sad_live_put(sa->live);
	kfree(sa->keyfile);
	kfree(sa->enc_keyfile);
	kfree_sensitive(sa);
}

static void ipsec6_sad_sa_free_work(struct work_struct *work)
{
	ipsec6_sad_sa_free(container_of(work, struct ipsec6_sa, free_work));
}

/*
 * The last reference may go in softirq context (a packet finishing
 * asynchronous crypto); freeing transforms is left to process context.
 */
void ipsec6_sad_sa_put(struct ipsec6_sa *sa)
{
	if (!sa || !refcount_dec_and_test(&sa->ref))
		return;
	INIT_WORK(&sa->free_work, ipsec6_sad_sa_free_work);
	queue_work(ipsec6_wq, &sa->free_work);
}

/*
 * Allocate what the datapath needs once the configuration is complete:
 * the transform, and a fresh state starting at the configured sequence
 * numbers (ipsec6_sad_sa_inherit() may replace it by the state of the SA
 * this one replaces).
 */
int ipsec6_sad_sa_setup(struct ipsec6_sa *sa, struct netlink_ext_ack *extack)
{
	int err;

	err = ipsec6_crypto_init(&sa->crypto, &sa->cfg, sa->proto,
				 sa->flags & IPSEC6_SA_F_ESN, extack);
	if (err)
		return err;
	atomic64_set(&sa->live->oseq, sa->init_oseq);
	if (sa->dir != IPSEC6_DIR_OUT) {
		sa->live->replay = ipsec6_replay_alloc(sa->replay_window,
						       sa->init_rseq);
		if (!sa->live->replay)
			return -ENOMEM;
		sa->replay = sa->live->replay;
	}
	return 0;
}

/**
 * ipsec6_sad_sa_continues - may @sa carry on with @old's state?
 * @sa: an SA object about to be published
 * @old: a published one
 *
 * The same SA (SPI, destination, protocol) with the same algorithms and
 * keys: restarting its sequence numbers would reuse IVs and nonces under
 * that key (AES-GCM, ChaCha20-Poly1305), and a fresh replay window would
 * take the old packets again.  Everything else may differ (index,
 * lifetimes, window size, selectors, direction, flags, ICV length, UDP
 * encapsulation: a NAT mapping that changed).
 */
bool ipsec6_sad_sa_continues(const struct ipsec6_sa *sa,
			     const struct ipsec6_sa *old)
{
	return ipsec6_sad_sa_same_id(sa, old) &&
	       ipsec6_crypto_cfg_same_keys(&sa->cfg, &old->cfg);
}

/**
 * ipsec6_sad_sa_inherit - make @sa continue where @old is
 * @sa: an SA object not yet published (only a change set holds it)
 * @old: the object it replaces, published or not
 *
 * @sa drops its own state and shares @old's: sequence counter, replay
 * window, counters, lifetime charges, add, first- and last-use time, and
 * its place in the newest-first order.  Packets
 * still in flight on @old keep drawing from the same state, so nothing is
 * copied and nothing races.  The window takes @sa's size (the memory it
 * needs comes from @sa's own state, so this cannot fail); @sa's
 * configured start values (SEQ, RSEQ) are not used: the numbers never go
 * back.  @sa's own limits are then applied to the shared charges, and
 * its expiry is announced anew.  Called with the writer lock held.
 */
void ipsec6_sad_sa_inherit(struct ipsec6_sa *sa, struct ipsec6_sa *old)
{
	struct ipsec6_sa_live *own = sa->live, *live = old->live;

	if (sa->net)
		lockdep_assert_held(&sa->net->lock);
	if (own == live)
		return;
	if (own->replay && live->replay) {
		ipsec6_replay_adopt(live->replay, own->replay);
	} else if (own->replay) {
		/* @old never received: the window it never had is @sa's. */
		live->replay = own->replay;
		own->replay = NULL;
	}
	refcount_inc(&live->ref);
	sa->live = live;
	sa->add_seq = old->add_seq;	/* the same SA: no newer than it was */
	if (sa->replay)
		sa->replay = live->replay;
	ipsec6_sad_live_put(own);
}

/**
 * ipsec6_sad_sa_update - make @sa the SA_UPDATE of @cur
 * @sa: the SA as the request states it, at @cur's index
 * @cur: the SA it changes (staged or published)
 * @extack: names what the update may not change
 *
 * A larval SA is completed: @sa is a new SA with the larval one's SPI,
 * destination and protocol (and a state of its own).  A complete SA keeps
 * its SPI, protocol, mode, algorithms, keys and ESN; everything else may
 * change (lifetimes, addresses, REQID, window size, flags, selectors), and
 * @sa continues its state at commit (ipsec6_txn_inherit(): sequence
 * numbers, window, counters, lifetime charges, add time) and its place
 * among the SAs that may send (@add_seq).
 */
int ipsec6_sad_sa_update(struct ipsec6_sa *sa, const struct ipsec6_sa *cur,
			 struct netlink_ext_ack *extack)
{
	const char *what = NULL;

	if (cur->larval) {
		if (!ipsec6_sad_sa_same_id(sa, cur)) {
			ipsec6_netlink_err(extack, NULL,
					   "SPI: SA %u is larval: SPI, DST and PROTO must be its own",
					   cur->index);
			return -EINVAL;
		}
		return 0;
	}
	if (sa->spi != cur->spi)
		what = "SPI: an update cannot change it; add a new SA";
	else if (sa->proto != cur->proto)
		what = "PROTO: an update cannot change it; add a new SA";
	else if (sa->mode != cur->mode)
		what = "MODE: an update cannot change it; add a new SA";
	else if (!ipsec6_crypto_cfg_same_keys(&sa->cfg, &cur->cfg))
		what = "AUTH_KEY: an update cannot change keys; add a new SA";
	else if ((sa->flags ^ cur->flags) & IPSEC6_SA_F_ESN)
		what = "FLAGS: an update cannot change esn; add a new SA";
	if (what) {
		ipsec6_netlink_err(extack, NULL, "%s", what);
		return -EINVAL;
	}
	sa->updates = true;
	sa->add_seq = cur->add_seq;
	return 0;
}

static bool ipsec6_sad_str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/* Same configuration, keys included. */
bool ipsec6_sad_sa_equal(const struct ipsec6_sa *a, const struct ipsec6_sa *b)
{
	return a->index == b->index && a->spi == b->spi &&
	       a->owner == b->owner && a->larval == b->larval &&
	       a->proto == b->proto && a->mode == b->mode &&
	       a->dir == b->dir && a->has_src == b->has_src &&
	       a->flags == b->flags && ipv6_addr_equal(&a->src, &b->src) &&
	       ipv6_addr_equal(&a->dst, &b->dst) && a->policy == b->policy &&
	       a->reqid == b->reqid && a->replay_window == b->replay_window &&
	       a->encap_type == b->encap_type &&
	       a->encap_sport == b->encap_sport &&
	       a->encap_dport == b->encap_dport &&
	       ipv6_addr_equal(&a->encap_oa, &b->encap_oa) &&
	       a->init_oseq == b->init_oseq && a->init_rseq == b->init_rseq &&
	       !memcmp(&a->sel, &b->sel, sizeof(a->sel)) &&
	       !memcmp(&a->lft, &b->lft, sizeof(a->lft)) &&
	       ipsec6_sad_str_equal(a->keyfile, b->keyfile) &&
	       ipsec6_sad_str_equal(a->enc_keyfile, b->enc_keyfile) &&
	       ipsec6_crypto_cfg_equal(&a->cfg, &b->cfg);
}

/* The identity RFC 4301 gives an inbound SA. */
bool ipsec6_sad_sa_same_id(const struct ipsec6_sa *a,
			   const struct ipsec6_sa *b)
{
	return a->spi == b->spi && a->proto == b->proto &&
	       ipv6_addr_equal(&a->dst, &b->dst);
}

/* Inbound lookup (RFC 4301 4.1): by SPI, destination and protocol. */
struct ipsec6_sa *ipsec6_sad_lookup(const struct ipsec6_db *db, __be32 spi,
				    const struct in6_addr *dst, u8 proto)
{
	return ipsec6_sad_index_lookup(&db->t->sad, spi, dst, proto,
				       ipsec6_db_gen(db));
}

/* The SA of @index in @db's generation, or NULL. */
struct ipsec6_sa *ipsec6_sad_find(const struct ipsec6_db *db, u32 index)
{
	return ipsec6_tables_sa(db->t, index, ipsec6_db_gen(db));
}

/* Tunnel endpoints of a template against an SA, seen in direction @dir. */
bool ipsec6_sad_tunnel_ok(const struct ipsec6_sa *sa,
			  const struct ipsec6_tmpl *t, u8 dir)
{
	if (dir == IPSEC6_DIR_OUT)
		return ipv6_addr_equal(&sa->dst, &t->tremote) &&
		       (!t->has_tlocal || !sa->has_src ||
			ipv6_addr_equal(&sa->src, &t->tlocal));
	return (!sa->has_src || ipv6_addr_equal(&sa->src, &t->tremote)) &&
	       (!t->has_tlocal || ipv6_addr_equal(&sa->dst, &t->tlocal));
}

/**
 * ipsec6_sad_serves - may @sa serve policy @pol?
 * @sa: the SA
 * @pol: the policy
 * @dir: IPSEC6_DIR_IN or _OUT to check for that direction, 0 for either
 *
 * An SA naming a policy serves exactly that one; otherwise it serves the
 * APPLY policies whose template (protocol, mode, reqid, tunnel endpoints)
 * it fits, as in "ip xfrm".
 */
bool ipsec6_sad_serves(const struct ipsec6_sa *sa,
		       const struct ipsec6_policy *pol, u8 dir)
{
	const struct ipsec6_tmpl *t = pol->tmpl;
	u8 pdir = pol->dir & IPSEC6_DIR_OUT ? IPSEC6_DIR_OUT : 0;

	if (pol->dir & (IPSEC6_DIR_IN | IPSEC6_DIR_FWD))
		pdir |= IPSEC6_DIR_IN;
	if (sa->dir && !(sa->dir & pdir))
		return false;
	if (dir && ((sa->dir && sa->dir != dir) || !(pdir & dir)))
		return false;
	if (sa->policy)
		return sa->policy == pol->index;
	if (pol->action != IPSEC6_ACTION_APPLY || sa->proto != t->proto ||
	    sa->mode != t->mode || (t->reqid && t->reqid != sa->reqid))
		return false;
	if (t->mode != IPSEC6_MODE_TUNNEL)
		return true;
	if (dir)
		return ipsec6_sad_tunnel_ok(sa, t, dir);
	return ((pdir & IPSEC6_DIR_OUT) &&
		ipsec6_sad_tunnel_ok(sa, t, IPSEC6_DIR_OUT)) ||
	       ((pdir & IPSEC6_DIR_IN) &&
		ipsec6_sad_tunnel_ok(sa, t, IPSEC6_DIR_IN));
}

/**
 * ipsec6_sad_match_flow - does @sa cover this packet of its policy?
 * @sa: the SA
 * @fl: the packet's selector fields in @dir terms
 * @dir: IPSEC6_DIR_OUT (sending) or IPSEC6_DIR_IN (received, decapsulated)
 *
 * Transport mode SAs are bound to the packet's addresses; the .sad
 * selector overrides bind an SA to one address, protocol or port.
 */
bool ipsec6_sad_match_flow(const struct ipsec6_sa *sa,
			   const struct ipsec6_flow *fl, u8 dir)
{
	const struct ipsec6_sa_sel *s = &sa->sel;
	bool out = dir == IPSEC6_DIR_OUT;
	const struct in6_addr *pdst = out ? &fl->remote : &fl->local;
	const struct in6_addr *psrc = out ? &fl->local : &fl->remote;
	u16 dport = out ? fl->rport : fl->lport;
	u16 sport = out ? fl->lport : fl->rport;

	if (sa->mode == IPSEC6_MODE_TRANSPORT &&
	    (!ipv6_addr_equal(&sa->dst, pdst) ||
	     (sa->has_src && !ipv6_addr_equal(&sa->src, psrc))))
		return false;
	if (!s->present)
		return true;
	if ((s->present & IPSEC6_SA_SEL_DST) && !ipv6_addr_equal(&s->dst, pdst))
		return false;
	if ((s->present & IPSEC6_SA_SEL_SRC) && !ipv6_addr_equal(&s->src, psrc))
		return false;
	if ((s->present & IPSEC6_SA_SEL_PROTO) && s->proto != fl->proto)
		return false;
	if ((s->present & (IPSEC6_SA_SEL_DPORT | IPSEC6_SA_SEL_SPORT)) &&
	    !(fl->flags & IPSEC6_FLOW_PORTS))
		return false;
	if ((s->present & IPSEC6_SA_SEL_DPORT) && s->dport != dport)
		return false;
	if ((s->present & IPSEC6_SA_SEL_SPORT) && s->sport != sport)
		return false;
	return true;
}

/*
 * The SA that protects an outbound packet under APPLY policy @pol in
 * @db's generation (sad_index.c).
 */
struct ipsec6_sa *ipsec6_sad_select(const struct ipsec6_db *db,
				    const struct ipsec6_policy *pol,
				    const struct ipsec6_flow *fl)
{
	return ipsec6_sad_index_select(&db->t->sad, pol, fl, ipsec6_db_gen(db));
}
