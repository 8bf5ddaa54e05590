// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink side of what IKE daemons need (Documentation/netlink.rst):
 * SA_ALLOC_SPI, SOCKET_BYPASS, and the events ACQUIRE and the per-object
 * notifications.  The work is done elsewhere (alloc.c, bypass.c,
 * acquire.c, notify.c); this file parses and builds messages.
 */
#include <net/genetlink.h>
#include <net/ipv6.h>
#include "alloc.h"
#include "bypass.h"
#include "db.h"
#include "netlink.h"
#include "netns.h"
#include "selector.h"
#include "txn.h"

/* What the SA nest of SA_ALLOC_SPI may carry. */
static const u8 ipsec6_nl_larval_attrs[] = {
	IPSEC6_SA_A_INDEX, IPSEC6_SA_A_DST, IPSEC6_SA_A_PROTO,
	IPSEC6_SA_A_SRC, IPSEC6_SA_A_REQID, IPSEC6_SA_A_OWNER,
	IPSEC6_SA_A_HARD_ADD_SECONDS, IPSEC6_SA_A_SPI_MIN,
	IPSEC6_SA_A_SPI_MAX,
};

static int ipsec6_nl_larval_only(struct nlattr **tb,
				 struct netlink_ext_ack *extack)
{
	unsigned int type, i;

	for (type = 1; type <= IPSEC6_SA_A_MAX; type++) {
		if (!tb[type])
			continue;
		for (i = 0; i < ARRAY_SIZE(ipsec6_nl_larval_attrs); i++)
			if (ipsec6_nl_larval_attrs[i] == type)
				break;
		if (i == ARRAY_SIZE(ipsec6_nl_larval_attrs)) {
			ipsec6_netlink_err(extack, tb[type],
					   "SA: attribute %u is not taken by SA_ALLOC_SPI",
					   type);
			return -EINVAL;
		}
	}
	return 0;
}

/* The SPI range: 256..0xffffffff unless narrowed. */
static int ipsec6_nl_spi_range(struct nlattr **tb, u32 *min, u32 *max,
			       struct netlink_ext_ack *extack)
{
	*min = IPSEC6_SPI_MIN;
	*max = U32_MAX;
	if (tb[IPSEC6_SA_A_SPI_MIN])
		*min = nla_get_u32(tb[IPSEC6_SA_A_SPI_MIN]);
	if (tb[IPSEC6_SA_A_SPI_MAX])
		*max = nla_get_u32(tb[IPSEC6_SA_A_SPI_MAX]);
	if (*min < IPSEC6_SPI_MIN) {
		ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_SPI_MIN],
				   "SPI_MIN: %u is reserved (below 256, RFC 4303)",
				   *min);
		return -EINVAL;
	}
	if (*max < *min) {
		ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_SPI_MAX],
				   "SPI_MAX: %u is below SPI_MIN %u", *max, *min);
		return -EINVAL;
	}
	return 0;
}

/* Address, protocol and identity of a larval SA. */
static int ipsec6_nl_parse_larval_id(struct nlattr **tb,
				     const struct nlattr *nest,
				     struct ipsec6_sa *sa,
				     struct netlink_ext_ack *extack)
{
	if (!ipsec6_nl_need(tb, IPSEC6_SA_A_DST, nest, "DST", extack) ||
	    !ipsec6_nl_need(tb, IPSEC6_SA_A_PROTO, nest, "PROTO", extack) ||
	    ipsec6_nl_check_proto(tb[IPSEC6_SA_A_PROTO], extack))
		return -EINVAL;
	sa->proto = nla_get_u8(tb[IPSEC6_SA_A_PROTO]);
	sa->dst = nla_get_in6_addr(tb[IPSEC6_SA_A_DST]);
	if (ipv6_addr_any(&sa->dst) || ipv6_addr_is_multicast(&sa->dst)) {
		ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_DST],
				   "DST: %pI6c is not a unicast address",
				   &sa->dst);
		return -EINVAL;
	}
	if (tb[IPSEC6_SA_A_SRC]) {
		sa->src = nla_get_in6_addr(tb[IPSEC6_SA_A_SRC]);
		sa->has_src = !ipv6_addr_any(&sa->src);
	}
	if (tb[IPSEC6_SA_A_INDEX]) {
		sa->index = nla_get_u32(tb[IPSEC6_SA_A_INDEX]);
		if (!sa->index) {
			ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_INDEX],
					   "INDEX: 0 is invalid (indexes start at 1)");
			return -EINVAL;
		}
	}
	if (tb[IPSEC6_SA_A_REQID])
		sa->reqid = nla_get_u32(tb[IPSEC6_SA_A_REQID]);
	if (tb[IPSEC6_SA_A_OWNER])
		sa->owner = nla_get_u32(tb[IPSEC6_SA_A_OWNER]);
	return 0;
}

/*
 * A larval SA: no algorithms, no keys, never selected to send, its
 * packets dropped; it lives HARD_ADD_SECONDS (0 or absent: 30) unless
 * completed by SA_UPDATE or SA_NEW with REPLACE.
 */
static struct ipsec6_sa *ipsec6_nl_parse_larval(struct ipsec6_net *in,
						struct ipsec6_txn *txn,
						const struct nlattr *nest,
						struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IPSEC6_SA_A_MAX + 1];
	struct ipsec6_sa *sa;
	u32 min, max;
	int err;

	err = nla_parse_nested(tb, IPSEC6_SA_A_MAX, nest, ipsec6_nl_sa_policy,
			       extack);
	if (err)
		return ERR_PTR(err);
	err = ipsec6_nl_larval_only(tb, extack) ?:
	      ipsec6_nl_spi_range(tb, &min, &max, extack);
	if (err)
		return ERR_PTR(err);
	sa = ipsec6_sad_sa_alloc();
	if (!sa)
		return ERR_PTR(-ENOMEM);
	err = ipsec6_nl_parse_larval_id(tb, nest, sa, extack);
	if (err)
		goto err;
	sa->larval = true;
	sa->mode = IPSEC6_MODE_TRANSPORT;
	sa->net = in;
	if (tb[IPSEC6_SA_A_HARD_ADD_SECONDS])
		sa->lft.hard_add = nla_get_u64(tb[IPSEC6_SA_A_HARD_ADD_SECONDS]);
	if (!sa->lft.hard_add)
		sa->lft.hard_add = IPSEC6_LARVAL_SECONDS;
	sa->time_limits = true;
	if (!sa->index) {
		err = ipsec6_alloc_sa_index(in, txn, &sa->index, extack);
		if (err)
			goto err;
	}
	err = ipsec6_alloc_spi(in, txn, sa, min, max, extack);
	if (err)
		goto err;
	return sa;
err:
	ipsec6_sad_sa_put(sa);
	return ERR_PTR(err);
}

int ipsec6_nl_sa_alloc_spi(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	struct nlattr *nest = ipsec6_nl_nest(info, IPSEC6_A_SA, "SA");
	struct ipsec6_sa *sa, *res = NULL;
	struct ipsec6_txn *txn;
	u32 index = 0;
	int err;

	mutex_lock(&in->lock);
	txn = ipsec6_txn_get(in, info->snd_portid, info->extack);
	if (IS_ERR(txn)) {
		err = PTR_ERR(txn);
		goto out;
	}
	sa = nest ? ipsec6_nl_parse_larval(in, txn, nest, info->extack) :
		    ERR_PTR(-EINVAL);
	if (IS_ERR(sa)) {
		err = PTR_ERR(sa);
	} else {
		index = sa->index;
		err = ipsec6_txn_sa_add(txn, sa, false, info->extack);
		if (err)
			ipsec6_sad_sa_put(sa);
	}
	err = ipsec6_txn_finish(in, txn, err, info->extack);
	if (!err)
		res = ipsec6_nl_result_sa(in, info, index);
out:
	mutex_unlock(&in->lock);
	if (res) {
		err = ipsec6_nl_reply(info, IPSEC6_CMD_SA_ALLOC_SPI,
				      ipsec6_nl_fill_sa, res);
		ipsec6_sad_sa_put(res);
	}
	return err;
}

int ipsec6_nl_socket_bypass(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	const struct nlattr *c = info->attrs[IPSEC6_A_SOCKET_COOKIE];
	const struct nlattr *o = info->attrs[IPSEC6_A_OWNER];
	u64 cookie;
	int err;

	if (!c) {
		NL_SET_ERR_ATTR_MISS(info->extack, NULL,
				     IPSEC6_A_SOCKET_COOKIE);
		ipsec6_netlink_err(info->extack, NULL,
				   "SOCKET_COOKIE: missing");
		return -EINVAL;
	}
	cookie = nla_get_u64(c);
	if (!cookie) {
		ipsec6_netlink_err(info->extack, c,
				   "SOCKET_COOKIE: 0 is no socket's");
		return -EINVAL;
	}
	mutex_lock(&in->lock);
	err = ipsec6_bypass_add(in, cookie, o ? nla_get_u32(o) : 0,
				info->extack);
	mutex_unlock(&in->lock);
	return err;
}

/**
 * ipsec6_netlink_notify_object - one object a published change set changed
 * @in: namespace
 * @cmd: IPSEC6_CMD_SA_{ADD,UPDATE,DEL}_NTF or _POLICY_{ADD,DEL}_NTF
 * @obj: the SA or policy (as dumps show it, without keys)
 *
 * Process context, after the publish (notify.c).
 */
void ipsec6_netlink_notify_object(struct ipsec6_net *in, u8 cmd, void *obj)
{
	bool pol = cmd == IPSEC6_CMD_POLICY_ADD_NTF ||
		   cmd == IPSEC6_CMD_POLICY_DEL_NTF;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = ipsec6_nl_event_new(cmd, GFP_KERNEL, &hdr);
	if (!msg)
		return;
	err = pol ? ipsec6_nl_put_policy(msg, obj) : ipsec6_nl_put_sa(msg, obj);
	if (err) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	ipsec6_nl_multicast(in, msg);
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
 * ipsec6_netlink_notify_acquire - an outbound packet found no SA
 * @in: namespace
 * @pol: the policy (bundle step) that lacks an SA, its FROM_PACKET
 *	 selectors already replaced by the packet's values (acquire.c)
 * @fl: the packet
 *
 * Softirq or process context, under RCU.
 */
void ipsec6_netlink_notify_acquire(struct ipsec6_net *in,
				   const struct ipsec6_policy *pol,
				   const struct ipsec6_flow *fl)
{
	struct sk_buff *msg;
	void *hdr;

	msg = ipsec6_nl_event_new(IPSEC6_CMD_ACQUIRE, GFP_ATOMIC, &hdr);
	if (!msg)
		return;
	if (ipsec6_nl_put_policy(msg, pol) || ipsec6_nl_put_flow(msg, fl)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	ipsec6_nl_multicast(in, msg);
}
