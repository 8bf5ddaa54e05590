// SPDX-License-Identifier: GPL-2.0
/*
 * The module's structures -> netlink messages: policies, SAs (never their
 * keys), drop counters, replies, dumps and the "events" notifications.
 */
#include <linux/overflow.h>
#include <linux/sort.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>
#include "db.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "netns.h"
#include "nl_fill.h"
#include "replay.h"
#include "sad.h"
#include "selector.h"
#include "spd.h"
#include "tables.h"

static int ipsec6_nl_put_counts(struct sk_buff *skb, int type,
				const struct ipsec6_counters *sum)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, IPSEC6_COUNTS_A_PACKETS, sum->packets,
			      IPSEC6_COUNTS_A_PAD) ||
	    nla_put_u64_64bit(skb, IPSEC6_COUNTS_A_BYTES, sum->bytes,
			      IPSEC6_COUNTS_A_PAD) ||
	    nla_put_u64_64bit(skb, IPSEC6_COUNTS_A_DROPS, sum->drops,
			      IPSEC6_COUNTS_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ipsec6_nl_put_range(struct sk_buff *skb, int a_start, int a_end,
			       const struct ipsec6_addr_range *r)
{
	if (nla_put_in6_addr(skb, a_start, &r->start) ||
	    nla_put_in6_addr(skb, a_end, &r->end))
		return -EMSGSIZE;
	return 0;
}

static int ipsec6_nl_put_sel(struct sk_buff *skb, const struct ipsec6_sel *s)
{
	u8 p = s->present;

	if ((p & IPSEC6_SEL_REMOTE) &&
	    ipsec6_nl_put_range(skb, IPSEC6_POLICY_A_REMOTE_START,
				IPSEC6_POLICY_A_REMOTE_END, &s->remote))
		return -EMSGSIZE;
	if ((p & IPSEC6_SEL_LOCAL) &&
	    ipsec6_nl_put_range(skb, IPSEC6_POLICY_A_LOCAL_START,
				IPSEC6_POLICY_A_LOCAL_END, &s->local))
		return -EMSGSIZE;
	if ((p & IPSEC6_SEL_PROTO) &&
	    nla_put_u8(skb, IPSEC6_POLICY_A_PROTO, s->proto))
		return -EMSGSIZE;
	if ((p & IPSEC6_SEL_RPORT) &&
	    (nla_put_u16(skb, IPSEC6_POLICY_A_REMOTE_PORT_START,
			 s->rport_start) ||
	     nla_put_u16(skb, IPSEC6_POLICY_A_REMOTE_PORT_END, s->rport_end)))
		return -EMSGSIZE;
	if ((p & IPSEC6_SEL_LPORT) &&
	    (nla_put_u16(skb, IPSEC6_POLICY_A_LOCAL_PORT_START,
			 s->lport_start) ||
	     nla_put_u16(skb, IPSEC6_POLICY_A_LOCAL_PORT_END, s->lport_end)))
		return -EMSGSIZE;
	if ((p & IPSEC6_SEL_ICMP_TYPE) &&
	    nla_put_u8(skb, IPSEC6_POLICY_A_ICMP_TYPE, s->icmp_type))
		return -EMSGSIZE;
	if ((p & IPSEC6_SEL_ICMP_CODE) &&
	    nla_put_u8(skb, IPSEC6_POLICY_A_ICMP_CODE, s->icmp_code))
		return -EMSGSIZE;
	if (s->from_packet &&
	    nla_put_u32(skb, IPSEC6_POLICY_A_FROM_PACKET, s->from_packet))
		return -EMSGSIZE;
	if (nla_put_u32(skb, IPSEC6_POLICY_A_IFINDEX, s->ifindex))
		return -EMSGSIZE;
	return 0;
}

/**
 * ipsec6_nl_fill_policy - a POLICY nest
 * @skb: the message
 * @pol: the policy, with its counters
 *
 * Return: 0, or -EMSGSIZE (then nothing was added).
 */
int ipsec6_nl_fill_policy(struct sk_buff *skb, const struct ipsec6_policy *pol)
{
	const struct ipsec6_tmpl *t = pol->tmpl;
	struct ipsec6_counters sum;
	struct nlattr *nest;

	nest = nla_nest_start(skb, IPSEC6_A_POLICY);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, IPSEC6_POLICY_A_INDEX, pol->index) ||
	    nla_put_u32(skb, IPSEC6_POLICY_A_PRIORITY, pol->priority) ||
	    nla_put_u8(skb, IPSEC6_POLICY_A_DIR, pol->dir) ||
	    nla_put_u8(skb, IPSEC6_POLICY_A_ACTION, pol->action) ||
	    ipsec6_nl_put_sel(skb, &pol->sel))
		goto cancel;
	if (pol->flags && nla_put_u32(skb, IPSEC6_POLICY_A_FLAGS, pol->flags))
		goto cancel;
	if (pol->owner && nla_put_u32(skb, IPSEC6_POLICY_A_OWNER, pol->owner))
		goto cancel;
	if (nla_put_u64_64bit(skb, IPSEC6_POLICY_A_LAST_USED,
			      READ_ONCE(pol->last_used), IPSEC6_POLICY_A_PAD))
		goto cancel;
	if (pol->action == IPSEC6_ACTION_APPLY) {
		if (nla_put_u8(skb, IPSEC6_POLICY_A_IPSEC_PROTO, t->proto) ||
		    nla_put_u8(skb, IPSEC6_POLICY_A_MODE, t->mode))
			goto cancel;
		if (t->mode == IPSEC6_MODE_TUNNEL &&
		    nla_put_in6_addr(skb, IPSEC6_POLICY_A_TUNNEL_REMOTE,
				     &t->tremote))
			goto cancel;
		if (t->has_tlocal &&
		    nla_put_in6_addr(skb, IPSEC6_POLICY_A_TUNNEL_LOCAL,
				     &t->tlocal))
			goto cancel;
		if (t->reqid && nla_put_u32(skb, IPSEC6_POLICY_A_REQID, t->reqid))
			goto cancel;
		if (pol->bundle_next &&
		    nla_put_u32(skb, IPSEC6_POLICY_A_BUNDLE_NEXT,
				pol->bundle_next))
			goto cancel;
	}
	ipsec6_counters_read(READ_ONCE(pol->counts), &sum);
	if (ipsec6_nl_put_counts(skb, IPSEC6_POLICY_A_COUNTS, &sum))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int ipsec6_nl_put_alg(struct sk_buff *skb, int type,
			     const struct ipsec6_alg *alg)
{
	return alg ? nla_put_string(skb, type, alg->name) : 0;
}

static int ipsec6_nl_put_u64_nz(struct sk_buff *skb, int type, u64 v)
{
	return v ? nla_put_u64_64bit(skb, type, v, IPSEC6_SA_A_PAD) : 0;
}

static int ipsec6_nl_put_sa_sel(struct sk_buff *skb,
				const struct ipsec6_sa_sel *s)
{
	if ((s->present & IPSEC6_SA_SEL_DST) &&
	    nla_put_in6_addr(skb, IPSEC6_SA_A_SEL_DST, &s->dst))
		return -EMSGSIZE;
	if ((s->present & IPSEC6_SA_SEL_SRC) &&
	    nla_put_in6_addr(skb, IPSEC6_SA_A_SEL_SRC, &s->src))
		return -EMSGSIZE;
	if ((s->present & IPSEC6_SA_SEL_PROTO) &&
	    nla_put_u8(skb, IPSEC6_SA_A_SEL_PROTO, s->proto))
		return -EMSGSIZE;
	if ((s->present & IPSEC6_SA_SEL_DPORT) &&
	    nla_put_u16(skb, IPSEC6_SA_A_SEL_DPORT, s->dport))
		return -EMSGSIZE;
	if ((s->present & IPSEC6_SA_SEL_SPORT) &&
	    nla_put_u16(skb, IPSEC6_SA_A_SEL_SPORT, s->sport))
		return -EMSGSIZE;
	return 0;
}

static int ipsec6_nl_put_lifetime(struct sk_buff *skb,
				  const struct ipsec6_lifetime *l)
{
	if (ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_SOFT_BYTES, l->soft_bytes) ||
	    ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_HARD_BYTES, l->hard_bytes) ||
	    ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_SOFT_PACKETS,
				 l->soft_packets) ||
	    ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_HARD_PACKETS,
				 l->hard_packets) ||
	    ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_SOFT_ADD_SECONDS,
				 l->soft_add) ||
	    ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_HARD_ADD_SECONDS,
				 l->hard_add) ||
	    ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_SOFT_USE_SECONDS,
				 l->soft_use) ||
	    ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_HARD_USE_SECONDS,
				 l->hard_use))
		return -EMSGSIZE;
	return 0;
}

static int ipsec6_nl_put_encap(struct sk_buff *skb, const struct ipsec6_sa *sa)
{
	if (!sa->encap_type)
		return 0;
	if (nla_put_u16(skb, IPSEC6_SA_A_ENCAP_TYPE, sa->encap_type) ||
	    nla_put_u16(skb, IPSEC6_SA_A_ENCAP_SPORT, ntohs(sa->encap_sport)) ||
	    nla_put_u16(skb, IPSEC6_SA_A_ENCAP_DPORT, ntohs(sa->encap_dport)) ||
	    nla_put_in6_addr(skb, IPSEC6_SA_A_ENCAP_OA, &sa->encap_oa))
		return -EMSGSIZE;
	return 0;
}

/* What dumps call the state: a larval SA is LARVAL until it expires. */
static u8 ipsec6_nl_sa_state(const struct ipsec6_sa *sa)
{
	int state = READ_ONCE(sa->state);

	if (sa->larval && state == IPSEC6_SA_STATE_VALID)
		return IPSEC6_SA_STATE_LARVAL;
	return state;
}

/**
 * ipsec6_nl_fill_sa - an SA nest: everything about the SA except its keys
 * @skb: the message
 * @sa: the SA
 *
 * Return: 0, or -EMSGSIZE (then nothing was added).
 */
int ipsec6_nl_fill_sa(struct sk_buff *skb, struct ipsec6_sa *sa)
{
	const struct ipsec6_crypto_cfg *c = &sa->cfg;
	struct ipsec6_counters sum;
	struct nlattr *nest;

	ipsec6_sa_counters_read(&sa->live->counts, &sum);
	nest = nla_nest_start(skb, IPSEC6_A_SA);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, IPSEC6_SA_A_INDEX, sa->index) ||
	    nla_put_u32(skb, IPSEC6_SA_A_SPI, be32_to_cpu(sa->spi)) ||
	    nla_put_u8(skb, IPSEC6_SA_A_PROTO, sa->proto) ||
	    nla_put_u8(skb, IPSEC6_SA_A_MODE, sa->mode) ||
	    nla_put_u8(skb, IPSEC6_SA_A_DIR, sa->dir) ||
	    nla_put_in6_addr(skb, IPSEC6_SA_A_DST, &sa->dst) ||
	    (sa->has_src && nla_put_in6_addr(skb, IPSEC6_SA_A_SRC, &sa->src)) ||
	    (sa->policy && nla_put_u32(skb, IPSEC6_SA_A_POLICY, sa->policy)) ||
	    (sa->reqid && nla_put_u32(skb, IPSEC6_SA_A_REQID, sa->reqid)) ||
	    (sa->owner && nla_put_u32(skb, IPSEC6_SA_A_OWNER, sa->owner)) ||
	    ipsec6_nl_put_sa_sel(skb, &sa->sel) ||
	    ipsec6_nl_put_alg(skb, IPSEC6_SA_A_AUTH_NAME, c->auth) ||
	    ipsec6_nl_put_alg(skb, IPSEC6_SA_A_ENC_NAME, c->enc) ||
	    ipsec6_nl_put_alg(skb, IPSEC6_SA_A_AEAD_NAME, c->aead) ||
	    nla_put_u32(skb, IPSEC6_SA_A_ICV_LEN, c->icv_bits) ||
	    nla_put_u32(skb, IPSEC6_SA_A_REPLAY_WINDOW, sa->replay_window) ||
	    (sa->flags && nla_put_u32(skb, IPSEC6_SA_A_FLAGS, sa->flags)) ||
	    ipsec6_nl_put_lifetime(skb, &sa->lft) ||
	    ipsec6_nl_put_encap(skb, sa) ||
	    (sa->keyfile &&
	     nla_put_string(skb, IPSEC6_SA_A_KEYFILE, sa->keyfile)) ||
	    (sa->enc_keyfile &&
	     nla_put_string(skb, IPSEC6_SA_A_ENC_KEYFILE, sa->enc_keyfile)) ||
	    nla_put_u32(skb, IPSEC6_SA_A_KEY_BITS,
			ipsec6_crypto_cfg_key_bits(c)) ||
	    nla_put_u64_64bit(skb, IPSEC6_SA_A_SEQ, atomic64_read(&sa->live->oseq),
			      IPSEC6_SA_A_PAD) ||
	    (sa->replay &&
	     nla_put_u64_64bit(skb, IPSEC6_SA_A_RSEQ,
			       ipsec6_replay_top(sa->replay), IPSEC6_SA_A_PAD)) ||
	    nla_put_u8(skb, IPSEC6_SA_A_STATE, ipsec6_nl_sa_state(sa)) ||
	    nla_put_u64_64bit(skb, IPSEC6_SA_A_LAST_USED,
			      READ_ONCE(sa->live->last_used), IPSEC6_SA_A_PAD) ||
	    nla_put_u64_64bit(skb, IPSEC6_SA_A_ADD_TIME, sa->live->add_time,
			      IPSEC6_SA_A_PAD) ||
	    ipsec6_nl_put_counts(skb, IPSEC6_SA_A_COUNTS, &sum)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * ipsec6_nl_fill_stats - the STATS nest: one counter per drop reason
 * @skb: the message
 * @obj: the namespace (struct ipsec6_net)
 */
int ipsec6_nl_fill_stats(struct sk_buff *skb, void *obj)
{
	struct ipsec6_net *in = obj;
	struct nlattr *nest;
	unsigned int r;

	nest = nla_nest_start(skb, IPSEC6_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (r = IPSEC6_STATS_A_NO_POLICY; r <= IPSEC6_STATS_A_MAX; r++) {
		if (r == IPSEC6_STATS_A_PAD)
			continue;
		if (nla_put_u64_64bit(skb, r, ipsec6_stats_read(in->stats, r),
				      IPSEC6_STATS_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * ipsec6_nl_fill_reply - answer a request with one message
 * @info: the request
 * @cmd: the command of the answer
 * @fill: adds the attributes
 * @obj: what @fill describes
 */
int ipsec6_nl_fill_reply(struct genl_info *info, u8 cmd,
			 int (*fill)(struct sk_buff *skb, void *obj), void *obj)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ipsec6_nl_family, 0, cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err;
	}
	err = fill(msg, obj);
	if (err)
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return err;
}

/* One object of a dump; -EMSGSIZE when the part is full. */
static int ipsec6_nl_fill_dump_one(struct sk_buff *skb,
				   struct netlink_callback *cb, u8 cmd, u64 gen,
				   void *obj)
{
	void *hdr;
	int err;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &ipsec6_nl_family, NLM_F_MULTI, cmd);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, IPSEC6_A_GENERATION, (u32)gen))
		err = -EMSGSIZE;
	else if (cmd == IPSEC6_CMD_SA_GET)
		err = ipsec6_nl_fill_sa(skb, obj);
	else
		err = ipsec6_nl_fill_policy(skb, obj);
	if (err) {
		genlmsg_cancel(skb, hdr);
		return err;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* The search keys of a policy dump, taken at its first part. */
struct ipsec6_nl_fill_keys {
	u32 n;
	u64 key[];
};

static int ipsec6_nl_fill_key_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The search keys of the published policies, in search order. */
static struct ipsec6_nl_fill_keys *ipsec6_nl_fill_keys(struct ipsec6_net *in)
{
	struct ipsec6_nl_fill_keys *k;
	struct ipsec6_policy *pol;
	unsigned long i;
	void *head;
	u32 n = 0;

	mutex_lock(&in->lock);
	xa_for_each(&in->tables.pol, i, head)
		n++;
	k = kvmalloc(struct_size(k, key, n), GFP_KERNEL);
	if (!k)
		goto out;
	k->n = 0;
	xa_for_each(&in->tables.pol, i, head) {
		pol = ipsec6_tables_policy(&in->tables, i, in->generation);
		if (pol && k->n < n)
			k->key[k->n++] = ipsec6_spd_key(pol);
	}
	sort(k->key, k->n, sizeof(k->key[0]), ipsec6_nl_fill_key_cmp, NULL);
out:
	mutex_unlock(&in->lock);
	return k;
}

/* The index a search key was made from (ipsec6_spd_key()). */
static u32 ipsec6_nl_fill_key_index(u64 key)
{
	return key == U64_MAX - 1 ? 1 : ~(u32)key;
}

/**
 * ipsec6_nl_fill_dump - one part of a POLICY_GET or SA_GET dump
 * @skb: the part
 * @cb: cb->args[0] is the position, cb->seq the generation, so that a
 *	dump that spans a change is flagged NLM_F_DUMP_INTR
 * @cmd: IPSEC6_CMD_POLICY_GET or IPSEC6_CMD_SA_GET
 * @sas: SAs instead of policies
 *
 * Walks the published generation, one message per object: SAs by index
 * (the position is the next index), policies in search order, from the
 * list of their search keys taken at the first part (cb->args[1], freed
 * by ipsec6_nl_fill_dump_done(); the position is a place in it).  A
 * policy changed since is left out, and the dump flagged.
 */
int ipsec6_nl_fill_dump(struct sk_buff *skb, struct netlink_callback *cb,
			u8 cmd, bool sas)
{
	struct ipsec6_net *in = ipsec6_net(sock_net(skb->sk));
	struct ipsec6_nl_fill_keys *k = (void *)cb->args[1];
	unsigned long pos = cb->args[0], index;
	const struct ipsec6_db *db;
	bool any = false;
	void *obj;
	int err = 0;
	u64 gen;

	if (!sas && !k) {
		k = ipsec6_nl_fill_keys(in);
		if (!k)
			return -ENOMEM;
		cb->args[1] = (unsigned long)k;
	}
	rcu_read_lock();
	db = rcu_dereference(in->db);
	gen = ipsec6_db_gen(db);
	cb->seq = (u32)gen;
	if (sas) {
		xa_for_each_start(&db->t->sa, index, obj, pos) {
			obj = ipsec6_sad_find(db, index);
			if (!obj)
				continue;
			err = ipsec6_nl_fill_dump_one(skb, cb, cmd, gen, obj);
			if (err)
				break;
			any = true;
			cb->args[0] = index + 1;
		}
	} else {
		for (; pos < k->n; pos++) {
			obj = ipsec6_spd_find(db,
					      ipsec6_nl_fill_key_index(k->key[pos]));
			if (!obj || ipsec6_spd_key(obj) != k->key[pos])
				continue;
			err = ipsec6_nl_fill_dump_one(skb, cb, cmd, gen, obj);
			if (err)
				break;
			any = true;
		}
		cb->args[0] = pos;
	}
	rcu_read_unlock();
	/* A single object that does not fit an empty message is a bug. */
	if (err && !any)
		return err;
	return skb->len;
}

/* The end of a policy dump. */
void ipsec6_nl_fill_dump_done(struct netlink_callback *cb)
{
	kvfree((void *)cb->args[1]);
	cb->args[1] = 0;
}

/**
 * ipsec6_nl_fill_changed - the CHANGED notification
 * @in: the namespace, whose generation it carries
 *
 * Return: the message, or NULL if it could not be built.
 */
struct sk_buff *ipsec6_nl_fill_changed(struct ipsec6_net *in)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, &ipsec6_nl_family, 0, IPSEC6_CMD_CHANGED);
	if (!hdr || nla_put_u32(msg, IPSEC6_A_GENERATION, in->generation)) {
		nlmsg_free(msg);
		return NULL;
	}
	genlmsg_end(msg, hdr);
	return msg;
}

/**
 * ipsec6_nl_fill_expired - the SA_EXPIRED notification; may run in softirq
 * @sa: the SA
 * @what: enum ipsec6_expire
 *
 * Return: the message, or NULL if it could not be built.
 */
struct sk_buff *ipsec6_nl_fill_expired(struct ipsec6_sa *sa, u8 what)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, &ipsec6_nl_family, 0,
			  IPSEC6_CMD_SA_EXPIRED);
	if (!hdr || nla_put_u8(msg, IPSEC6_A_EXPIRE, what) ||
	    ipsec6_nl_fill_sa(msg, sa)) {
		nlmsg_free(msg);
		return NULL;
	}
	genlmsg_end(msg, hdr);
	return msg;
}

/**
 * ipsec6_nl_fill_object - a per-object notification of a published change
 * set (notify.c)
 * @cmd: IPSEC6_CMD_SA_{ADD,UPDATE,DEL}_NTF or _POLICY_{ADD,DEL}_NTF
 * @obj: the SA or policy
 *
 * Return: the message, or NULL if it could not be built.
 */
struct sk_buff *ipsec6_nl_fill_object(u8 cmd, void *obj)
{
	bool pol = cmd == IPSEC6_CMD_POLICY_ADD_NTF ||
		   cmd == IPSEC6_CMD_POLICY_DEL_NTF;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, &ipsec6_nl_family, 0, cmd);
	if (!hdr || (pol ? ipsec6_nl_fill_policy(msg, obj) :
			   ipsec6_nl_fill_sa(msg, obj))) {
		nlmsg_free(msg);
		return NULL;
	}
	genlmsg_end(msg, hdr);
	return msg;
}

/* The packet of an ACQUIRE, as it leaves (remote is the destination). */
static int ipsec6_nl_put_flow(struct sk_buff *skb, const struct ipsec6_flow *fl)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, IPSEC6_A_FLOW);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_in6_addr(skb, IPSEC6_FLOW_A_SRC, &fl->local) ||
	    nla_put_in6_addr(skb, IPSEC6_FLOW_A_DST, &fl->remote) ||
	    nla_put_u8(skb, IPSEC6_FLOW_A_PROTO, fl->proto) ||
	    ((fl->flags & IPSEC6_FLOW_PORTS) &&
	     (nla_put_u16(skb, IPSEC6_FLOW_A_SPORT, fl->lport) ||
	      nla_put_u16(skb, IPSEC6_FLOW_A_DPORT, fl->rport))) ||
	    ((fl->flags & IPSEC6_FLOW_ICMP) &&
	     (nla_put_u8(skb, IPSEC6_FLOW_A_ICMP_TYPE, fl->icmp_type) ||
	      nla_put_u8(skb, IPSEC6_FLOW_A_ICMP_CODE, fl->icmp_code))) ||
	    nla_put_u32(skb, IPSEC6_FLOW_A_IFINDEX, fl->ifindex)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * ipsec6_nl_fill_acquire - the ACQUIRE notification; runs in the output hook
 * @pol: the policy (bundle step) without an SA, FROM_PACKET selectors
 *	 narrowed (acquire.c)
 * @fl: the packet
 *
 * Return: the message, or NULL if it could not be built.
 */
struct sk_buff *ipsec6_nl_fill_acquire(const struct ipsec6_policy *pol,
				       const struct ipsec6_flow *fl)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, &ipsec6_nl_family, 0, IPSEC6_CMD_ACQUIRE);
	if (!hdr || ipsec6_nl_fill_policy(msg, pol) ||
	    ipsec6_nl_put_flow(msg, fl)) {
		nlmsg_free(msg);
		return NULL;
	}
	genlmsg_end(msg, hdr);
	return msg;
}
