// SPDX-License-Identifier: GPL-2.0
/*
 * The requests and events for IKE daemons (Documentation/netlink.rst):
 * SA_ALLOC_SPI, SA_UPDATE, SOCKET_BYPASS, ACQUIRE and the per-object
 * notifications.  The work is done elsewhere (alloc.c, sad.c, bypass.c,
 * acquire.c, notify.c); nl_parse.c and nl_fill.c translate.
 */
#include <net/genetlink.h>
#include "alloc.h"
#include "bypass.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "netns.h"
#include "nl_fill.h"
#include "nl_parse.h"
#include "sad.h"
#include "txn.h"

static int ipsec6_nl_sa_alloc_spi(struct ipsec6_net *in,
				  struct ipsec6_txn *txn,
				  struct genl_info *info, u32 *answer)
{
	struct nlattr *nest = ipsec6_nl_parse_nest(info, IPSEC6_A_SA, "SA");
	struct ipsec6_sa *sa;
	u32 min, max;
	int err;

	if (!nest)
		return -EINVAL;
	sa = ipsec6_nl_parse_larval(nest, &min, &max, info->extack);
	if (IS_ERR(sa))
		return PTR_ERR(sa);
	sa->net = in;
	err = sa->index ? 0 : ipsec6_alloc_sa_index(in, txn, &sa->index,
						     info->extack);
	err = err ?: ipsec6_alloc_spi(in, txn, sa, min, max, info->extack);
	if (!err) {
		*answer = sa->index;
		err = ipsec6_txn_sa_add(txn, sa, false, info->extack);
	}
	if (err)
		ipsec6_sad_sa_put(sa);
	return err;
}

int ipsec6_nl_sa_alloc_spi_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ipsec6_nl_change(info, IPSEC6_CMD_SA_ALLOC_SPI,
				ipsec6_nl_sa_alloc_spi);
}

/*
 * SA_UPDATE: the SA nest as for SA_NEW, naming the SA it changes by INDEX
 * or, without INDEX, by SPI, DST and PROTO (the SA keeps its index).
 * Without algorithm, key and ICV_LEN attributes a complete SA keeps its
 * own (an IKE daemon moving an SA to new addresses has no keys to send:
 * no dump gives them back).
 * sad.c says what may change; txn.c carries the state over at commit.
 */
static int ipsec6_nl_sa_update(struct ipsec6_net *in, struct ipsec6_txn *txn,
			       struct genl_info *info, u32 *answer)
{
	struct nlattr *nest = ipsec6_nl_parse_nest(info, IPSEC6_A_SA, "SA");
	struct ipsec6_nl_sa_id id;
	struct ipsec6_sa *sa, *cur;
	u32 index;
	int err;

	if (!nest)
		return -EINVAL;
	err = ipsec6_nl_parse_sa_update_id(nest, &id, info->extack) ?:
	      ipsec6_nl_sa_find(&id, nest, txn, NULL, &index,
				info->extack);
	if (err)
		return err;
	cur = ipsec6_txn_sa_find(txn, index);
	if (!cur) {
		ipsec6_netlink_err(info->extack,
				   nla_find_nested(nest, IPSEC6_SA_A_INDEX) ?:
				   nest, "INDEX: no SA %u", index);
		return -ENOENT;
	}
	sa = ipsec6_nl_parse_sa(nest, txn, cur->index, cur, info->extack);
	if (IS_ERR(sa))
		return PTR_ERR(sa);
	err = ipsec6_sad_sa_update(sa, cur, info->extack);
	if (!err) {
		sa->net = in;
		if (ipsec6_nl_echo(info))
			*answer = sa->index;
		err = ipsec6_txn_sa_add(txn, sa, true, info->extack);
	}
	if (err)
		ipsec6_sad_sa_put(sa);
	return err;
}

int ipsec6_nl_sa_update_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ipsec6_nl_change(info, IPSEC6_CMD_SA_UPDATE, ipsec6_nl_sa_update);
}

int ipsec6_nl_socket_bypass_doit(struct sk_buff *skb, struct genl_info *info)
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
	ipsec6_nl_multicast(in->net, ipsec6_nl_fill_object(cmd, obj));
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
	ipsec6_nl_multicast(in->net, ipsec6_nl_fill_acquire(pol, fl));
}
