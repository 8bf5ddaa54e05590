/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_ICMP_H
#define _IPSEC6_ICMP_H

struct sk_buff;
struct ipsec6_db;
struct net;

void ipsec6_icmp_input(struct net *net, struct sk_buff *skb,
		       const struct ipsec6_db *db);

#endif /* _IPSEC6_ICMP_H */
