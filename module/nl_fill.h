/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_NL_FILL_H
#define _IPSEC6_NL_FILL_H

#include <linux/types.h>

struct genl_info;
struct ipsec6_flow;
struct ipsec6_net;
struct ipsec6_policy;
struct ipsec6_sa;
struct netlink_callback;
struct sk_buff;

int ipsec6_nl_fill_policy(struct sk_buff *skb, const struct ipsec6_policy *pol);
int ipsec6_nl_fill_sa(struct sk_buff *skb, struct ipsec6_sa *sa);
int ipsec6_nl_fill_stats(struct sk_buff *skb, void *obj);
int ipsec6_nl_fill_reply(struct genl_info *info, u8 cmd,
			 int (*fill)(struct sk_buff *skb, void *obj), void *obj);
int ipsec6_nl_fill_dump(struct sk_buff *skb, struct netlink_callback *cb,
			u8 cmd, bool sas);
void ipsec6_nl_fill_dump_done(struct netlink_callback *cb);
struct sk_buff *ipsec6_nl_fill_changed(struct ipsec6_net *in);
struct sk_buff *ipsec6_nl_fill_expired(struct ipsec6_sa *sa, u8 what);
struct sk_buff *ipsec6_nl_fill_object(u8 cmd, void *obj);
struct sk_buff *ipsec6_nl_fill_acquire(const struct ipsec6_policy *pol,
				       const struct ipsec6_flow *fl);

#endif /* _IPSEC6_NL_FILL_H */
