/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_NETLINK_H
#define _IPSEC6_NETLINK_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <linux/version.h>

struct genl_family;
struct net;
struct genl_info;
struct netlink_ext_ack;
struct nlattr;
struct sk_buff;
struct ipsec6_db;
struct ipsec6_flow;
struct ipsec6_net;
struct ipsec6_nl_sa_id;
struct ipsec6_policy;
struct ipsec6_sa;
struct ipsec6_txn;

/* Longest extack message we format (6.12's buffer is 80 bytes). */
#define IPSEC6_ERR_LEN	80

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
/* A namespace's formatted extack messages on 6.1 (netlink.c). */
#define IPSEC6_ERR_RING	32
struct ipsec6_err_ring {
	atomic_t next;
	char msg[IPSEC6_ERR_RING][IPSEC6_ERR_LEN];
};
#endif

extern struct genl_family ipsec6_nl_family;

__printf(3, 4)
void ipsec6_netlink_err(struct netlink_ext_ack *extack,
			const struct nlattr *attr, const char *fmt, ...);

int ipsec6_netlink_register(void);
void ipsec6_netlink_unregister(void);
void ipsec6_netlink_notify_changed(struct ipsec6_net *in);
void ipsec6_netlink_notify_expired(struct ipsec6_sa *sa, u8 what);

/* netlink.c, for nl_ike.c */
int ipsec6_nl_change(struct genl_info *info, u8 cmd,
		     int (*change)(struct ipsec6_net *in,
				   struct ipsec6_txn *txn,
				   struct genl_info *info, u32 *answer));
bool ipsec6_nl_echo(const struct genl_info *info);
int ipsec6_nl_sa_find(const struct ipsec6_nl_sa_id *id,
		      const struct nlattr *nest, struct ipsec6_txn *txn,
		      const struct ipsec6_db *db, u32 *index,
		      struct netlink_ext_ack *extack);
void ipsec6_nl_multicast(struct net *net, struct sk_buff *msg);
bool ipsec6_nl_listening(struct ipsec6_net *in);

/* nl_ike.c: the events for IKE daemons */
void ipsec6_netlink_notify_object(struct ipsec6_net *in, u8 cmd, void *obj);
void ipsec6_netlink_notify_acquire(struct ipsec6_net *in,
				   const struct ipsec6_policy *pol,
				   const struct ipsec6_flow *fl);

#endif /* _IPSEC6_NETLINK_H */
