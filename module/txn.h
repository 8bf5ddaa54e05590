/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_TXN_H
#define _IPSEC6_TXN_H

#include <linux/in6.h>
#include "tables.h"
#include "uapi/ipsec6.h"

struct ipsec6_net;
struct ipsec6_policy;
struct ipsec6_sa;
struct netlink_ext_ack;

/*
 * A change set: edits of the namespace's tables (tables.c) staged for the
 * generation after the published one, published by ipsec6_txn_commit()
 * or undone.  Only ever touched under ipsec6_net.lock; one at a time per
 * namespace (ipsec6_net.set).
 */
struct ipsec6_txn {
	u32 portid;		/* owning socket, 0 = one request */
	struct ipsec6_tables *t;	/* NULL while no set is under way */
	struct ipsec6_change c;	/* what it did to the tables */
	u32 requests;		/* change requests that reached the set */
	bool failed;		/* a request was rejected */
};

struct ipsec6_txn *ipsec6_txn_begin(struct ipsec6_net *in, u32 portid,
				    u32 flags, struct netlink_ext_ack *extack);
struct ipsec6_txn *ipsec6_txn_get(struct ipsec6_net *in, u32 portid,
				  struct netlink_ext_ack *extack);
int ipsec6_txn_finish(struct ipsec6_net *in, struct ipsec6_txn *txn, int err,
		      struct netlink_ext_ack *extack);
int ipsec6_txn_commit(struct ipsec6_net *in, struct ipsec6_txn *txn,
		      struct netlink_ext_ack *extack);
void ipsec6_txn_abort(struct ipsec6_net *in, struct ipsec6_txn *txn);
void ipsec6_txn_release_portid(struct ipsec6_net *in, u32 portid);
void ipsec6_txn_destroy(struct ipsec6_net *in);

int ipsec6_txn_policy_add(struct ipsec6_txn *txn, struct ipsec6_policy *pol,
			  bool replace, struct netlink_ext_ack *extack);
int ipsec6_txn_policy_del(struct ipsec6_txn *txn, u32 index,
			  struct netlink_ext_ack *extack);
int ipsec6_txn_policy_flush(struct ipsec6_txn *txn);
int ipsec6_txn_policy_flush_owner(struct ipsec6_txn *txn, u32 owner);
struct ipsec6_policy *ipsec6_txn_policy_find(struct ipsec6_txn *txn,
					     u32 index);
struct ipsec6_sa *ipsec6_txn_sa_find(struct ipsec6_txn *txn, u32 index);
struct ipsec6_sa *ipsec6_txn_sa_lookup(struct ipsec6_txn *txn, __be32 spi,
				       const struct in6_addr *dst, u8 proto);
int ipsec6_txn_sa_add(struct ipsec6_txn *txn, struct ipsec6_sa *sa,
		      bool replace, struct netlink_ext_ack *extack);
int ipsec6_txn_sa_del(struct ipsec6_txn *txn, u32 index,
		      struct netlink_ext_ack *extack);
int ipsec6_txn_sa_flush(struct ipsec6_txn *txn);
int ipsec6_txn_sa_flush_owner(struct ipsec6_txn *txn, u32 owner);

#endif /* _IPSEC6_TXN_H */
