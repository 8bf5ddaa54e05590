/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_NETLINK_H
#define _IPSEC6_NETLINK_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <linux/version.h>

struct genl_family;
struct netlink_ext_ack;
struct nlattr;
struct ipsec6_net;
struct ipsec6_sa;

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

#endif /* _IPSEC6_NETLINK_H */
