/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_NL_PARSE_H
#define _IPSEC6_NL_PARSE_H

#include <linux/in6.h>
#include <linux/types.h>

struct genl_info;
struct ipsec6_policy;
struct ipsec6_sa;
struct ipsec6_txn;
struct netlink_ext_ack;
struct nlattr;

/* The SA a DEL or GET request names: by INDEX, or by the rest. */
struct ipsec6_nl_sa_id {
	bool by_index;
	u32 index;
	__be32 spi;
	struct in6_addr dst;
	u8 proto;
};

struct nlattr *ipsec6_nl_parse_nest(struct genl_info *info, int type,
				    const char *name);
struct ipsec6_policy *ipsec6_nl_parse_policy(const struct nlattr *nest,
					     u32 index,
					     struct netlink_ext_ack *extack);
struct ipsec6_sa *ipsec6_nl_parse_sa(const struct nlattr *nest,
				     struct ipsec6_txn *txn, u32 index,
				     struct netlink_ext_ack *extack);
struct ipsec6_sa *ipsec6_nl_parse_larval(const struct nlattr *nest, u32 *min,
					 u32 *max,
					 struct netlink_ext_ack *extack);
int ipsec6_nl_parse_policy_index(const struct nlattr *nest, u32 *index,
				 struct netlink_ext_ack *extack);
int ipsec6_nl_parse_sa_id(const struct nlattr *nest, struct ipsec6_nl_sa_id *id,
			  struct netlink_ext_ack *extack);
int ipsec6_nl_parse_sa_update_id(const struct nlattr *nest,
				 struct ipsec6_nl_sa_id *id,
				 struct netlink_ext_ack *extack);

#endif /* _IPSEC6_NL_PARSE_H */
