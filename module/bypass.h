/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_BYPASS_H
#define _IPSEC6_BYPASS_H

#include <linux/types.h>

struct ipsec6_flow;
struct ipsec6_net;
struct netlink_ext_ack;
struct sk_buff;

int ipsec6_bypass_add(struct ipsec6_net *in, u64 cookie, u32 owner,
		      struct netlink_ext_ack *extack);
void ipsec6_bypass_flush(struct ipsec6_net *in, u32 owner);
void ipsec6_bypass_free(struct ipsec6_net *in);
bool ipsec6_bypass_output(struct ipsec6_net *in, const struct sk_buff *skb);
bool ipsec6_bypass_input(struct ipsec6_net *in, const struct ipsec6_flow *fl);

#endif /* _IPSEC6_BYPASS_H */
