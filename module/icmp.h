/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_ICMP_H
#define _IPSEC6_ICMP_H

#include <linux/types.h>

struct sk_buff;
struct ipsec6_db;
struct ipsec6_flow;
struct net;

int ipsec6_icmp_quote(const struct sk_buff *skb, const struct ipsec6_flow *fl,
		      bool outbound, struct ipsec6_flow *q);
bool ipsec6_icmp_quotes_sa(const struct sk_buff *skb,
			   const struct ipsec6_db *db);
void ipsec6_icmp_input(struct net *net, struct sk_buff *skb,
		       const struct ipsec6_db *db);

#endif /* _IPSEC6_ICMP_H */
