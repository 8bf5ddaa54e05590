/* SPDX-License-Identifier: GPL-2.0 */
/* Differences between the kernels we build for (6.1 and 6.12). */
#ifndef _IPSEC6_COMPAT_H
#define _IPSEC6_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#include <net/gso.h>
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
/*
 * Split ops (one entry per command and do/dump), as netlink-gen.c lists
 * them, came in 6.2: the fields the generator fills.  netlink.c turns the
 * table into full ops on every kernel.
 */
struct genl_split_ops {
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	int (*done)(struct netlink_callback *cb);
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 flags;
	u8 validate;
};
#endif

/* The attributes a dump request was parsed into. */
static inline struct nlattr **ipsec6_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * Crypto completion callbacks take the request's data pointer since 6.3,
 * the request itself before.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
typedef void *ipsec6_crypto_arg_t;

static inline void *ipsec6_crypto_data(ipsec6_crypto_arg_t arg)
{
	return arg;
}
#else
#include <linux/crypto.h>
typedef struct crypto_async_request *ipsec6_crypto_arg_t;

static inline void *ipsec6_crypto_data(ipsec6_crypto_arg_t arg)
{
	return arg->data;
}
#endif

#endif /* _IPSEC6_COMPAT_H */
