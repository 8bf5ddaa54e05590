/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/ipsec6.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_IPSEC6_GEN_H
#define _LINUX_IPSEC6_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/ipsec6.h>
#include <compat.h>

/* Common nested types */
extern const struct nla_policy ipsec6_counts_nl_policy[IPSEC6_COUNTS_A_PAD + 1];
extern const struct nla_policy ipsec6_policy_nl_policy[IPSEC6_POLICY_A_LAST_USED + 1];
extern const struct nla_policy ipsec6_sa_nl_policy[IPSEC6_SA_A_ENCAP_OA + 1];

/* Ops table for ipsec6 */
extern const struct genl_split_ops ipsec6_nl_ops[17];

int ipsec6_nl_policy_get_dump_done(struct netlink_callback *cb);

int ipsec6_nl_policy_new_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec6_nl_policy_del_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec6_nl_policy_get_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec6_nl_policy_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int ipsec6_nl_policy_flush_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec6_nl_sa_new_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec6_nl_sa_del_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec6_nl_sa_get_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec6_nl_sa_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ipsec6_nl_sa_flush_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec6_nl_txn_begin_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec6_nl_txn_commit_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec6_nl_txn_abort_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec6_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec6_nl_sa_alloc_spi_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec6_nl_sa_update_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec6_nl_socket_bypass_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	IPSEC6_NLGRP_EVENTS,
};

#endif /* _LINUX_IPSEC6_GEN_H */
