/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_ALLOC_H
#define _IPSEC6_ALLOC_H

#include <linux/types.h>

struct ipsec6_net;
struct ipsec6_sa;
struct ipsec6_txn;
struct netlink_ext_ack;

int ipsec6_alloc_policy_index(struct ipsec6_net *in, struct ipsec6_txn *txn,
			      u32 *index, struct netlink_ext_ack *extack);
int ipsec6_alloc_sa_index(struct ipsec6_net *in, struct ipsec6_txn *txn,
			  u32 *index, struct netlink_ext_ack *extack);
int ipsec6_alloc_spi(struct ipsec6_net *in, struct ipsec6_txn *txn,
		     struct ipsec6_sa *sa, u32 min, u32 max,
		     struct netlink_ext_ack *extack);

#endif /* _IPSEC6_ALLOC_H */
