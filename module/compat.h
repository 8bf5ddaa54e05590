/* SPDX-License-Identifier: GPL-2.0 */
/* Differences between the kernels we build for (6.1 and 6.12). */
#ifndef _IPSEC6_COMPAT_H
#define _IPSEC6_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
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

#endif /* _IPSEC6_COMPAT_H */
