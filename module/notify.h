/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_NOTIFY_H
#define _IPSEC6_NOTIFY_H

#include <linux/types.h>

struct ipsec6_change;
struct ipsec6_db;
struct ipsec6_net;

void ipsec6_notify_publish(struct ipsec6_net *in,
			   const struct ipsec6_change *c,
			   const struct ipsec6_db *db, bool tell);

#endif /* _IPSEC6_NOTIFY_H */
