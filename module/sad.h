/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_SAD_H
#define _IPSEC6_SAD_H

#include <linux/refcount.h>
#include <linux/workqueue.h>
#include <linux/in6.h>
#include "crypto.h"
#include "gen.h"
#include "stats.h"

struct ipsec6_db;
struct ipsec6_flow;
struct ipsec6_replay;
struct ipsec6_net;
struct ipsec6_policy;
struct ipsec6_tmpl;

/* .sad selector overrides: which packets of its policy an SA serves. */
enum {
	IPSEC6_SA_SEL_DST = 1 << 0,
	IPSEC6_SA_SEL_SRC = 1 << 1,
	IPSEC6_SA_SEL_PROTO = 1 << 2,
	IPSEC6_SA_SEL_DPORT = 1 << 3,
	IPSEC6_SA_SEL_SPORT = 1 << 4,
};

struct ipsec6_sa_sel {
	u8 present;
	u8 proto;
	u16 dport;
	u16 sport;
	struct in6_addr dst;
	struct in6_addr src;
};

struct ipsec6_lifetime {
	u64 soft_bytes, hard_bytes;
	u64 soft_packets, hard_packets;
	u64 soft_add, hard_add;		/* seconds */
	u64 soft_use, hard_use;		/* seconds */
};

/*
 * What an SA has done: the datapath state that must survive a change of
 * its configuration.  Every SA object has one; the successive objects of
 * one SA (same SPI, destination, protocol, algorithms and keys) share it
 * (ipsec6_sad_sa_inherit()), so that a packet still in flight on the old
 * object and one on the new draw from the same sequence counter and
 * replay window.  Only its fields are written by the datapath.
 */
struct ipsec6_sa_live {
	refcount_t ref;
	atomic64_t oseq;		/* last sequence number sent */
	struct ipsec6_sa_counters counts;	/* written with @oseq */
	struct ipsec6_replay *replay;	/* inbound window, NULL if none yet */
	atomic64_t lft_bytes;		/* charged against lft, if limited */
	atomic64_t lft_packets;
	time64_t add_time;
	time64_t use_time;		/* first use, 0 = unused */
	time64_t last_used;		/* last packet, 0 = never; written only
					 * when it changes (once a second)
					 */
};

/*
 * A security association.  Configuration is fixed at creation; the
 * datapath state lives in @live, shared with the objects this one
 * replaces or that replace it, as long as SPI, destination, protocol,
 * algorithms and keys stay the same.  The object is shared by every table
 * version it appears in.  Packets in flight through asynchronous crypto
 * hold a reference.
 */
struct ipsec6_sa {
	refcount_t ref;
	u32 index;
	u32 owner;		/* IPSEC6_SA_A_OWNER, 0 = none */
	bool larval;		/* SA_ALLOC_SPI: no keys, carries nothing */
	bool updates;		/* SA_UPDATE: continues the SA at its index */
	u64 add_seq;		/* creation order: the newest sends first */
	__be32 spi;
	u8 proto;		/* IPPROTO_AH or IPPROTO_ESP */
	u8 mode;		/* IPSEC6_MODE_*, resolved */
	u8 dir;			/* IPSEC6_DIR_IN/OUT, 0 = both */
	bool has_src;
	u32 flags;		/* enum ipsec6_sa_flags */
	struct in6_addr src;
	struct in6_addr dst;
	u32 policy;		/* index, 0 = template matching */
	u32 reqid;
	u32 replay_window;
	/* UDP encapsulation (RFC 3948): UDP_ENCAP_ESPINUDP or 0 = none */
	u16 encap_type;
	__be16 encap_sport;
	__be16 encap_dport;
	struct in6_addr encap_oa;	/* NAT-OA: stored, returned, unused */
	struct ipsec6_sa_sel sel;
	struct ipsec6_lifetime lft;
	bool count_limits;		/* byte or packet limits set */
	bool time_limits;		/* second limits set */
	u64 init_oseq;			/* last sent, at the start */
	u64 init_rseq;			/* top of the window, at the start */
	char *keyfile;
	char *enc_keyfile;
	struct ipsec6_crypto_cfg cfg;	/* keys kept for comparison */
	struct ipsec6_crypto crypto;

	/* datapath */
	struct ipsec6_sa_live *live;
	/* @live's, fixed once the object is published (NULL: outbound) */
	struct ipsec6_replay *replay;
	int state;		/* enum ipsec6_sa_state: this object's limits */
	struct ipsec6_net *net;		/* for events; no reference */

	struct work_struct free_work;

	/* tables.c, sad_index.c */
	struct ipsec6_life life;	/* generations it is part of */
	struct ipsec6_sa __rcu *older;	/* same index, older */
	struct ipsec6_sa *named_next;	/* next SA naming the same policy */
	struct hlist_node in_node;	/* inbound: by (SPI, DST, PROTO) */
	struct hlist_node out_node;	/* sending: by template and DST */
	struct hlist_node outw_node;	/* sending: by template without reqid */
};

struct ipsec6_sa *ipsec6_sad_sa_alloc(void);
void ipsec6_sad_sa_put(struct ipsec6_sa *sa);
static inline struct ipsec6_sa *ipsec6_sad_sa_get(struct ipsec6_sa *sa)
{
	refcount_inc(&sa->ref);
	return sa;
}

static inline bool ipsec6_sad_sa_tryget(struct ipsec6_sa *sa)
{
	return refcount_inc_not_zero(&sa->ref);
}

int ipsec6_sad_sa_setup(struct ipsec6_sa *sa, struct netlink_ext_ack *extack);
bool ipsec6_sad_sa_equal(const struct ipsec6_sa *a, const struct ipsec6_sa *b);
bool ipsec6_sad_sa_same_id(const struct ipsec6_sa *a,
			   const struct ipsec6_sa *b);
bool ipsec6_sad_sa_continues(const struct ipsec6_sa *sa,
			     const struct ipsec6_sa *old);
void ipsec6_sad_sa_inherit(struct ipsec6_sa *sa, struct ipsec6_sa *old);
int ipsec6_sad_sa_update(struct ipsec6_sa *sa, const struct ipsec6_sa *cur,
			 struct netlink_ext_ack *extack);

struct ipsec6_sa *ipsec6_sad_lookup(const struct ipsec6_db *db, __be32 spi,
				    const struct in6_addr *dst, u8 proto);
struct ipsec6_sa *ipsec6_sad_find(const struct ipsec6_db *db, u32 index);
struct ipsec6_sa *ipsec6_sad_select(const struct ipsec6_db *db,
				    const struct ipsec6_policy *pol,
				    const struct ipsec6_flow *fl);
bool ipsec6_sad_serves(const struct ipsec6_sa *sa,
		       const struct ipsec6_policy *pol, u8 dir);
bool ipsec6_sad_tunnel_ok(const struct ipsec6_sa *sa,
			  const struct ipsec6_tmpl *t, u8 dir);
bool ipsec6_sad_match_flow(const struct ipsec6_sa *sa,
			   const struct ipsec6_flow *fl, u8 dir);

#endif /* _IPSEC6_SAD_H */
