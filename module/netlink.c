// SPDX-License-Identifier: GPL-2.0
/*
 * The "ipsec6" generic netlink family (Documentation/netlink/ipsec6.yaml,
 * Documentation/netlink.rst): its operations.
 *
 * The attribute policies and the op table are generated from the spec
 * (netlink-gen.c); nl_parse.c turns attributes into policies and SAs,
 * nl_fill.c turns them back into messages.  Every change goes through a
 * change set (txn.c) under the namespace lock: ipsec6_nl_change().
 * Adding a command is a YAML edit, scripts/ynl-gen.sh, and its handler
 * here (the generated header declares it).
 */
#include <linux/nsproxy.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include "alloc.h"
#include "bypass.h"
#include "compat.h"
#include "db.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "netns.h"
#include "nl_fill.h"
#include "nl_parse.h"
#include "sad.h"
#include "spd.h"
#include "txn.h"

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
/*
 * 6.1 has no buffer in struct netlink_ext_ack for formatted messages.  The
 * message must outlive the handler (the ack is built after it returns), so
 * it goes to a ring in the namespace of the task that sent the request
 * (the ack is built before its sendmsg() returns): another namespace never
 * writes there.  A slot is reused only after IPSEC6_ERR_RING later errors
 * in the same namespace.
 */
static char *ipsec6_err_buf(struct netlink_ext_ack *extack)
{
	struct ipsec6_err_ring *ring;

	if (!current->nsproxy)
		return NULL;
	ring = &ipsec6_net(current->nsproxy->net_ns)->err;
	return ring->msg[(unsigned int)atomic_inc_return(&ring->next) %
			 IPSEC6_ERR_RING];
}
#else
static char *ipsec6_err_buf(struct netlink_ext_ack *extack)
{
	BUILD_BUG_ON(sizeof(extack->_msg_buf) < IPSEC6_ERR_LEN);
	return extack->_msg_buf;
}
#endif

/**
 * ipsec6_netlink_err - set a formatted extack message and the bad attribute
 * @extack: may be NULL
 * @attr: attribute to point at, or NULL to keep the current one
 * @fmt: printf format of the message, at most IPSEC6_ERR_LEN - 1 long
 */
void ipsec6_netlink_err(struct netlink_ext_ack *extack,
			const struct nlattr *attr, const char *fmt, ...)
{
	va_list args;
	char *buf;

	if (!extack)
		return;
	buf = ipsec6_err_buf(extack);
	if (buf) {
		va_start(args, fmt);
		vsnprintf(buf, IPSEC6_ERR_LEN, fmt, args);
		va_end(args);
		extack->_msg = buf;
	} else {
		extack->_msg = fmt;
	}
	if (attr)
		extack->bad_attr = attr;
}

/* Change requests. */

/*
 * The object a change request left at @index, referenced: staged in the
 * caller's open change set, or published.  NULL if there is none.
 */
static void *ipsec6_nl_result(struct ipsec6_net *in,
			      const struct genl_info *info, bool sa, u32 index)
{
	struct ipsec6_db *db = ipsec6_net_db(in);
	struct ipsec6_txn *txn = in->txn;
	struct ipsec6_policy *pol;
	struct ipsec6_sa *s;

	lockdep_assert_held(&in->lock);

	if (!txn || txn->portid != info->snd_portid)
		txn = NULL;
	if (sa) {
		s = txn ? ipsec6_txn_sa_find(txn, index) :
			  db ? ipsec6_sad_find(db, index) : NULL;
		return s ? ipsec6_sad_sa_get(s) : NULL;
	}
	if (txn)
		pol = ipsec6_txn_policy_find(txn, index);
	else
		pol = db ? ipsec6_spd_find(db, index) : NULL;
	return pol ? ipsec6_spd_policy_get(pol) : NULL;
}

static int ipsec6_nl_fill_policy_obj(struct sk_buff *skb, void *obj)
{
	return ipsec6_nl_fill_policy(skb, obj);
}

static int ipsec6_nl_fill_sa_obj(struct sk_buff *skb, void *obj)
{
	return ipsec6_nl_fill_sa(skb, obj);
}

/**
 * ipsec6_nl_change - one change request
 * @info: the request
 * @cmd: the command of the answer, for a change that gives one
 * @change: the change; it sets *@answer to the index of the object to
 *	    answer with (0, as it starts, for none)
 *
 * In the caller's open change set, or in a set of its own, under the
 * namespace lock.  ipsec6_txn_finish() marks an open set failed when
 * @change fails, or publishes (or drops) a set of its own, and its result
 * is the answer: which is why this is a helper and not genetlink's
 * pre_doit/post_doit (post_doit cannot fail the request).  An answer
 * (a NEW without INDEX or with NLM_F_ECHO, SA_ALLOC_SPI) is a message of
 * @cmd with the object as a dump shows it, staged or published, before
 * the ack.
 */
int ipsec6_nl_change(struct genl_info *info, u8 cmd,
		     int (*change)(struct ipsec6_net *in,
				   struct ipsec6_txn *txn,
				   struct genl_info *info, u32 *answer))
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	bool sa = cmd != IPSEC6_CMD_POLICY_NEW;
	struct ipsec6_txn *txn;
	void *res = NULL;
	u32 answer = 0;
	int err;

	mutex_lock(&in->lock);
	txn = ipsec6_txn_get(in, info->snd_portid, info->extack);
	if (IS_ERR(txn)) {
		err = PTR_ERR(txn);
	} else {
		err = change(in, txn, info, &answer);
		err = ipsec6_txn_finish(in, txn, err, info->extack);
		if (!err && answer)
			res = ipsec6_nl_result(in, info, sa, answer);
	}
	mutex_unlock(&in->lock);
	if (!res)
		return err;
	err = ipsec6_nl_fill_reply(info, cmd, sa ? ipsec6_nl_fill_sa_obj :
					       ipsec6_nl_fill_policy_obj, res);
	if (sa)
		ipsec6_sad_sa_put(res);
	else
		ipsec6_spd_policy_put(res);
	return err;
}

/* Does the request ask for the object back (NLM_F_ECHO)? */
bool ipsec6_nl_echo(const struct genl_info *info)
{
	return info->nlhdr->nlmsg_flags & NLM_F_ECHO;
}

/*
 * Replacing is asked for with an attribute: genetlink refuses nlmsg_flags
 * such as NLM_F_REPLACE on strictly validated operations.
 */
static bool ipsec6_nl_replace(const struct genl_info *info)
{
	return nla_get_flag(info->attrs[IPSEC6_A_REPLACE]);
}

/*
 * A NEW request without INDEX gets one from the kernel (alloc.c), and
 * then answers with the object; *@index stays 0 if the request has one.
 */
static int ipsec6_nl_auto_index(struct ipsec6_net *in, struct ipsec6_txn *txn,
				const struct nlattr *nest, bool sa, u32 *index,
				struct netlink_ext_ack *extack)
{
	*index = 0;
	if (nla_find_nested(nest, sa ? IPSEC6_SA_A_INDEX :
				       IPSEC6_POLICY_A_INDEX))
		return 0;
	if (sa)
		return ipsec6_alloc_sa_index(in, txn, index, extack);
	return ipsec6_alloc_policy_index(in, txn, index, extack);
}

static int ipsec6_nl_policy_new(struct ipsec6_net *in, struct ipsec6_txn *txn,
				struct genl_info *info, u32 *answer)
{
	struct nlattr *nest = ipsec6_nl_parse_nest(info, IPSEC6_A_POLICY,
						   "POLICY");
	struct ipsec6_policy *pol;
	u32 index;
	int err;

	if (!nest)
		return -EINVAL;
	err = ipsec6_nl_auto_index(in, txn, nest, false, &index, info->extack);
	if (err)
		return err;
	pol = ipsec6_nl_parse_policy(nest, index, info->extack);
	if (IS_ERR(pol))
		return PTR_ERR(pol);
	if (index || ipsec6_nl_echo(info))
		*answer = pol->index;
	err = ipsec6_txn_policy_add(txn, pol, ipsec6_nl_replace(info),
				    info->extack);
	if (err)
		ipsec6_spd_policy_put(pol);
	return err;
}

int ipsec6_nl_policy_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ipsec6_nl_change(info, IPSEC6_CMD_POLICY_NEW,
				ipsec6_nl_policy_new);
}

static int ipsec6_nl_policy_del(struct ipsec6_net *in, struct ipsec6_txn *txn,
				struct genl_info *info, u32 *answer)
{
	u32 index;

	return ipsec6_nl_parse_policy_index(ipsec6_nl_parse_nest(info,
								 IPSEC6_A_POLICY,
								 "POLICY"),
					    &index, info->extack) ?:
	       ipsec6_txn_policy_del(txn, index, info->extack);
}

int ipsec6_nl_policy_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ipsec6_nl_change(info, 0, ipsec6_nl_policy_del);
}

/*
 * With OWNER: only that owner's policies (and the SAs naming them), and
 * the SOCKET_BYPASS cookies registered with it go (those at once: they
 * are not part of change sets).
 */
static int ipsec6_nl_policy_flush(struct ipsec6_net *in,
				  struct ipsec6_txn *txn,
				  struct genl_info *info, u32 *answer)
{
	const struct nlattr *owner = info->attrs[IPSEC6_A_OWNER];
	int err;

	if (!owner)
		return ipsec6_txn_policy_flush(txn);
	err = ipsec6_txn_policy_flush_owner(txn, nla_get_u32(owner));
	if (!err)
		ipsec6_bypass_flush(in, nla_get_u32(owner));
	return err;
}

int ipsec6_nl_policy_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ipsec6_nl_change(info, 0, ipsec6_nl_policy_flush);
}

static int ipsec6_nl_sa_new(struct ipsec6_net *in, struct ipsec6_txn *txn,
			    struct genl_info *info, u32 *answer)
{
	struct nlattr *nest = ipsec6_nl_parse_nest(info, IPSEC6_A_SA, "SA");
	struct ipsec6_sa *sa;
	u32 index;
	int err;

	if (!nest)
		return -EINVAL;
	err = ipsec6_nl_auto_index(in, txn, nest, true, &index, info->extack);
	if (err)
		return err;
	sa = ipsec6_nl_parse_sa(nest, txn, index, NULL, info->extack);
	if (IS_ERR(sa))
		return PTR_ERR(sa);
	sa->net = in;
	if (index || ipsec6_nl_echo(info))
		*answer = sa->index;
	err = ipsec6_txn_sa_add(txn, sa, ipsec6_nl_replace(info), info->extack);
	if (err)
		ipsec6_sad_sa_put(sa);
	return err;
}

int ipsec6_nl_sa_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ipsec6_nl_change(info, IPSEC6_CMD_SA_NEW, ipsec6_nl_sa_new);
}

/**
 * ipsec6_nl_sa_find - the index of the SA an identity names
 * @id: INDEX, or SPI, DST and PROTO (nl_parse.c)
 * @nest: the SA nest, for the message
 * @txn: a change set to look in (staged contents), or NULL for @db
 * @db: the published generation (under rcu_read_lock()), with @txn NULL
 * @index: result (not checked to exist when @id has INDEX)
 * @extack: for the message
 */
int ipsec6_nl_sa_find(const struct ipsec6_nl_sa_id *id,
		      const struct nlattr *nest, struct ipsec6_txn *txn,
		      const struct ipsec6_db *db, u32 *index,
		      struct netlink_ext_ack *extack)
{
	struct ipsec6_sa *sa;

	if (id->by_index) {
		*index = id->index;
		return 0;
	}
	if (txn)
		sa = ipsec6_txn_sa_lookup(txn, id->spi, &id->dst, id->proto);
	else
		sa = ipsec6_sad_lookup(db, id->spi, &id->dst, id->proto);
	if (!sa) {
		ipsec6_netlink_err(extack, nest,
				   "SA: no SA with SPI %u, DST %pI6c, PROTO %u",
				   ntohl(id->spi), &id->dst, id->proto);
		return -ENOENT;
	}
	*index = sa->index;
	return 0;
}

/*
 * The SA a DEL or GET request names, in a change set (@txn) or in the
 * published generation (@db, under rcu_read_lock()): its index.
 */
static int ipsec6_nl_sa_index(struct genl_info *info, struct ipsec6_txn *txn,
			      struct ipsec6_db *db, u32 *index)
{
	struct nlattr *nest = ipsec6_nl_parse_nest(info, IPSEC6_A_SA, "SA");
	struct ipsec6_nl_sa_id id;

	return ipsec6_nl_parse_sa_id(nest, &id, info->extack) ?:
	       ipsec6_nl_sa_find(&id, nest, txn, db, index, info->extack);
}

static int ipsec6_nl_sa_del(struct ipsec6_net *in, struct ipsec6_txn *txn,
			    struct genl_info *info, u32 *answer)
{
	u32 index;

	return ipsec6_nl_sa_index(info, txn, NULL, &index) ?:
	       ipsec6_txn_sa_del(txn, index, info->extack);
}

int ipsec6_nl_sa_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ipsec6_nl_change(info, 0, ipsec6_nl_sa_del);
}

/* With OWNER: only that owner's SAs (and SOCKET_BYPASS cookies). */
static int ipsec6_nl_sa_flush(struct ipsec6_net *in, struct ipsec6_txn *txn,
			      struct genl_info *info, u32 *answer)
{
	const struct nlattr *owner = info->attrs[IPSEC6_A_OWNER];

	int err;

	if (!owner)
		return ipsec6_txn_sa_flush(txn);
	err = ipsec6_txn_sa_flush_owner(txn, nla_get_u32(owner));
	if (!err)
		ipsec6_bypass_flush(in, nla_get_u32(owner));
	return err;
}

int ipsec6_nl_sa_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ipsec6_nl_change(info, 0, ipsec6_nl_sa_flush);
}

/* Transactions. */

int ipsec6_nl_txn_begin_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	struct ipsec6_txn *txn;
	u32 flags = 0;

	if (info->attrs[IPSEC6_A_TXN_FLAGS])
		flags = nla_get_u32(info->attrs[IPSEC6_A_TXN_FLAGS]);
	mutex_lock(&in->lock);
	txn = ipsec6_txn_begin(in, info->snd_portid, flags, info->extack);
	mutex_unlock(&in->lock);
	return PTR_ERR_OR_ZERO(txn);
}

/* The open transaction of the caller, or an error saying there is none. */
static struct ipsec6_txn *ipsec6_nl_own_txn(struct ipsec6_net *in,
					    struct genl_info *info)
{
	lockdep_assert_held(&in->lock);

	if (!in->txn || in->txn->portid != info->snd_portid) {
		ipsec6_netlink_err(info->extack, NULL,
				   "no open transaction on this socket");
		return NULL;
	}
	return in->txn;
}

/*
 * A request genetlink refuses (reserved header flags, an unknown attribute,
 * an attribute its policy refuses) never reaches ipsec6 and so cannot mark
 * the set failed.  A client that says in TXN_REQUESTS how many change
 * requests it sent learns it at commit: the set is then failed, as if
 * ipsec6 had refused the request.
 */
static int ipsec6_nl_txn_count(struct ipsec6_txn *txn, struct genl_info *info)
{
	const struct nlattr *attr = info->attrs[IPSEC6_A_TXN_REQUESTS];

	if (!attr || nla_get_u32(attr) == txn->requests)
		return 0;
	txn->failed = true;
	ipsec6_netlink_err(info->extack, attr,
			   "TXN_REQUESTS: %u sent, %u reached ipsec6; abort it",
			   nla_get_u32(attr), txn->requests);
	return -EINVAL;
}

int ipsec6_nl_txn_commit_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	struct ipsec6_txn *txn;
	int err = -ENOENT;

	mutex_lock(&in->lock);
	txn = ipsec6_nl_own_txn(in, info);
	if (txn) {
		err = ipsec6_nl_txn_count(txn, info) ?:
		      ipsec6_txn_commit(in, txn, info->extack);
		if (!err)
			ipsec6_txn_abort(in, txn);
	}
	mutex_unlock(&in->lock);
	return err;
}

int ipsec6_nl_txn_abort_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	struct ipsec6_txn *txn;
	int err = -ENOENT;

	mutex_lock(&in->lock);
	txn = ipsec6_nl_own_txn(in, info);
	if (txn) {
		ipsec6_txn_abort(in, txn);
		err = 0;
	}
	mutex_unlock(&in->lock);
	return err;
}

/* Queries. */

int ipsec6_nl_policy_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	struct ipsec6_policy *pol;
	u32 index;
	int err;

	err = ipsec6_nl_parse_policy_index(ipsec6_nl_parse_nest(info,
								IPSEC6_A_POLICY,
								"POLICY"),
					   &index, info->extack);
	if (err)
		return err;
	rcu_read_lock();
	pol = ipsec6_spd_find(rcu_dereference(in->db), index);
	if (pol)
		ipsec6_spd_policy_get(pol);
	rcu_read_unlock();
	if (!pol) {
		ipsec6_netlink_err(info->extack, NULL, "INDEX: no policy %u",
				   index);
		return -ENOENT;
	}
	err = ipsec6_nl_fill_reply(info, IPSEC6_CMD_POLICY_GET,
				   ipsec6_nl_fill_policy_obj, pol);
	ipsec6_spd_policy_put(pol);
	return err;
}

int ipsec6_nl_policy_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	return ipsec6_nl_fill_dump(skb, cb, IPSEC6_CMD_POLICY_GET, false);
}

int ipsec6_nl_policy_get_dump_done(struct netlink_callback *cb)
{
	ipsec6_nl_fill_dump_done(cb);
	return 0;
}

int ipsec6_nl_sa_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	struct ipsec6_sa *sa = NULL;
	struct ipsec6_db *db;
	u32 index;
	int err;

	rcu_read_lock();
	db = rcu_dereference(in->db);
	err = ipsec6_nl_sa_index(info, NULL, db, &index);
	if (!err) {
		sa = ipsec6_sad_find(db, index);
		if (sa)
			ipsec6_sad_sa_get(sa);
	}
	rcu_read_unlock();
	if (err)
		return err;
	if (!sa) {
		ipsec6_netlink_err(info->extack, NULL, "INDEX: no SA %u", index);
		return -ENOENT;
	}
	err = ipsec6_nl_fill_reply(info, IPSEC6_CMD_SA_GET,
				   ipsec6_nl_fill_sa_obj, sa);
	ipsec6_sad_sa_put(sa);
	return err;
}

int ipsec6_nl_sa_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return ipsec6_nl_fill_dump(skb, cb, IPSEC6_CMD_SA_GET, true);
}

int ipsec6_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ipsec6_nl_fill_reply(info, IPSEC6_CMD_STATS_GET,
				    ipsec6_nl_fill_stats,
				    ipsec6_net(genl_info_net(info)));
}

/* Notifications. */

void ipsec6_nl_multicast(struct net *net, struct sk_buff *msg)
{
	if (msg)
		genlmsg_multicast_netns(&ipsec6_nl_family, net, msg, 0,
					IPSEC6_NLGRP_EVENTS, GFP_ATOMIC);
}

/* Is anyone listening to the events group of @in's namespace? */
bool ipsec6_nl_listening(struct ipsec6_net *in)
{
	return genl_has_listeners(&ipsec6_nl_family, in->net,
				  IPSEC6_NLGRP_EVENTS);
}

void ipsec6_netlink_notify_changed(struct ipsec6_net *in)
{
	if (genl_has_listeners(&ipsec6_nl_family, in->net, IPSEC6_NLGRP_EVENTS))
		ipsec6_nl_multicast(in->net, ipsec6_nl_fill_changed(in));
}

/* May run in softirq context. */
void ipsec6_netlink_notify_expired(struct ipsec6_sa *sa, u8 what)
{
	struct net *net = sa->net->net;

	if (genl_has_listeners(&ipsec6_nl_family, net, IPSEC6_NLGRP_EVENTS))
		ipsec6_nl_multicast(net, ipsec6_nl_fill_expired(sa, what));
}

/* The family. */

/*
 * Not generated: ynl-gen-c (6.12) writes no group flags, and SA_EXPIRED
 * carries what SA_GET shows only to CAP_NET_ADMIN.
 */
static const struct genl_multicast_group ipsec6_mcgrps[] = {
	[IPSEC6_NLGRP_EVENTS] = { .name = IPSEC6_MCGRP_EVENTS,
				  .flags = GENL_MCAST_CAP_NET_ADMIN },
};

/*
 * The generated table lists split ops (one entry per command and do/dump);
 * the family registers full ops (one entry per command), on 6.1, which has
 * no split ops, and on 6.12 alike, for the same behaviour on both: the do
 * policy also checks a dump request's attributes, and genetlink gives a
 * command without a policy one that refuses every attribute (6.12 lets
 * them through on a split op without a policy).
 */
static struct genl_ops ipsec6_nl_full_ops[ARRAY_SIZE(ipsec6_nl_ops)] __ro_after_init;

static unsigned int ipsec6_nl_full_ops_init(void)
{
	const struct genl_split_ops *split = ipsec6_nl_ops;
	struct genl_ops *full = ipsec6_nl_full_ops;
	unsigned int i, j, n = 0;

	for (i = 0; i < ARRAY_SIZE(ipsec6_nl_ops); i++) {
		for (j = 0; j < n && full[j].cmd != split[i].cmd; j++)
			;
		if (j == n) {
			n++;
			full[j].cmd = split[i].cmd;
			full[j].validate = split[i].validate;
		}
		full[j].flags |= split[i].flags &
				 ~(GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP);
		/* doit and dumpit share a union in 6.2+: the flag tells. */
		if (split[i].flags & GENL_CMD_CAP_DO) {
			full[j].doit = split[i].doit;
			full[j].policy = split[i].policy;
			full[j].maxattr = split[i].maxattr;
		} else {
			full[j].dumpit = split[i].dumpit;
			full[j].done = split[i].done;
		}
	}
	return n;
}

struct genl_family ipsec6_nl_family __ro_after_init = {
	.name = IPSEC6_GENL_NAME,
	.version = IPSEC6_GENL_VERSION,
	.maxattr = IPSEC6_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = ipsec6_nl_full_ops,
	.resv_start_op = IPSEC6_CMD_POLICY_NEW,
	.mcgrps = ipsec6_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ipsec6_mcgrps),
};

/* A socket that owned a transaction was closed: drop the transaction. */
static int ipsec6_nl_urelease(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	ipsec6_txn_release_portid(ipsec6_net(n->net), n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block ipsec6_nl_notifier = {
	.notifier_call = ipsec6_nl_urelease,
};

int ipsec6_netlink_register(void)
{
	int err;

	ipsec6_nl_family.n_ops = ipsec6_nl_full_ops_init();
	err = netlink_register_notifier(&ipsec6_nl_notifier);
	if (err)
		return err;
	err = genl_register_family(&ipsec6_nl_family);
	if (err)
		netlink_unregister_notifier(&ipsec6_nl_notifier);
	return err;
}

void ipsec6_netlink_unregister(void)
{
	genl_unregister_family(&ipsec6_nl_family);
	netlink_unregister_notifier(&ipsec6_nl_notifier);
}
