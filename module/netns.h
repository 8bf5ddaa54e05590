/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_NETNS_H
#define _IPSEC6_NETNS_H

#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "netlink.h"
#include "stats.h"
#include "db.h"
#include "tables.h"
#include "txn.h"

struct ipsec6_acquire;
struct ipsec6_bypass;
struct ipsec6_encap_ports;

/*
 * Per network namespace state.
 *
 * Locking: @lock serializes every writer (change sets, the open
 * transaction, the tables' collector).  Packet processing only does
 * rcu_dereference(@db), reads the tables in @db's generation and never
 * takes @lock.
 */
struct ipsec6_net {
	struct net *net;
	struct ipsec6_db __rcu *db;	/* the published generation */
	struct ipsec6_db_retired retired;	/* replaced ones, under @lock */
	struct mutex lock;		/* serializes writers: txn, publish */
	struct ipsec6_tables tables;	/* every object readers may see */
	struct rcu_work gc_work;	/* the tables' collector */
	struct work_struct resize_work;	/* their hash tables */
	struct ipsec6_txn *txn;		/* open change set, under @lock */
	struct ipsec6_txn set;		/* the change set under way (txn.c) */
	u64 generation;			/* of the published db, under @lock */
	/* receiving SAs per ENCAP_DPORT, published (encap.c), under @lock */
	struct ipsec6_encap_ports *encap;
	struct ipsec6_pcpu_stats __percpu *stats;
	atomic_t inflight;		/* packets in asynchronous crypto */
	struct delayed_work expire_work;	/* SA lifetimes (lifetime.c) */
	u32 pol_cursor;			/* next kernel-assigned index (alloc.c), */
	u32 sa_cursor;			/* under @lock */
	struct ipsec6_bypass __rcu *bypass;	/* SOCKET_BYPASS (bypass.c) */
	struct ipsec6_acquire *acq;	/* ACQUIRE rate limit (acquire.c) */
	bool armed;			/* hooks and nf_defrag_ipv6 on, under @lock */
	bool dying;			/* namespace exit began, under @lock */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
	struct ipsec6_err_ring err;	/* extack messages (netlink.c) */
#endif
};

extern unsigned int ipsec6_net_id;

static inline struct ipsec6_net *ipsec6_net(const struct net *net)
{
	return net_generic(net, ipsec6_net_id);
}

static inline struct ipsec6_db *ipsec6_net_db(struct ipsec6_net *in)
{
	return rcu_dereference_protected(in->db, lockdep_is_held(&in->lock));
}

void ipsec6_netns_tables_changed(struct ipsec6_net *in);
int ipsec6_netns_register(void);
void ipsec6_netns_unregister(void);

#endif /* _IPSEC6_NETNS_H */
