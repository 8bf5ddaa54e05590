/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_NETLINK_H
#define _IPSEC6_NETLINK_H

#include <net/netlink.h>
#include "uapi/ipsec6.h"

struct genl_info;
struct netlink_ext_ack;
struct nlattr;
struct sk_buff;
struct ipsec6_db;
struct ipsec6_flow;
struct ipsec6_net;
struct ipsec6_policy;
struct ipsec6_sa;

/* Longest extack message we format (6.12's buffer is 80 bytes). */
#define IPSEC6_ERR_LEN	80

__printf(3, 4)
void ipsec6_netlink_err(struct netlink_ext_ack *extack,
			const struct nlattr *attr, const char *fmt, ...);

int ipsec6_netlink_register(void);
void ipsec6_netlink_unregister(void);
void ipsec6_netlink_notify_changed(struct ipsec6_net *in);
void ipsec6_netlink_notify_expired(struct ipsec6_sa *sa, u8 what);

/* Shared by netlink.c and nl_ike.c. */
extern const struct nla_policy ipsec6_nl_sa_policy[IPSEC6_SA_A_MAX + 1];
int ipsec6_nl_check_proto(const struct nlattr *a,
			  struct netlink_ext_ack *extack);
bool ipsec6_nl_need(struct nlattr **tb, int type, const struct nlattr *nest,
		    const char *name, struct netlink_ext_ack *extack);
struct nlattr *ipsec6_nl_nest(struct genl_info *info, int type,
			      const char *name);
int ipsec6_nl_put_policy(struct sk_buff *skb,
			 const struct ipsec6_policy *pol);
int ipsec6_nl_put_sa(struct sk_buff *skb, struct ipsec6_sa *sa);
int ipsec6_nl_fill_policy(struct sk_buff *skb, void *obj);
int ipsec6_nl_fill_sa(struct sk_buff *skb, void *obj);
int ipsec6_nl_reply(struct genl_info *info, u8 cmd,
		    int (*fill)(struct sk_buff *skb, void *obj), void *obj);
struct ipsec6_sa *ipsec6_nl_result_sa(struct ipsec6_net *in,
				      const struct genl_info *info, u32 index);
bool ipsec6_nl_listening(struct ipsec6_net *in);
void ipsec6_nl_multicast(struct ipsec6_net *in, struct sk_buff *msg);
struct sk_buff *ipsec6_nl_event_new(u8 cmd, gfp_t gfp, void **hdr);

/* nl_ike.c: the operations and events for IKE daemons. */
int ipsec6_nl_sa_alloc_spi(struct sk_buff *skb, struct genl_info *info);
int ipsec6_nl_socket_bypass(struct sk_buff *skb, struct genl_info *info);
void ipsec6_netlink_notify_object(struct ipsec6_net *in, u8 cmd,
				  void *obj);
void ipsec6_netlink_notify_acquire(struct ipsec6_net *in,
				   const struct ipsec6_policy *pol,
				   const struct ipsec6_flow *fl);

#endif /* _IPSEC6_NETLINK_H */
