/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_ACQUIRE_H
#define _IPSEC6_ACQUIRE_H

#include <linux/types.h>

struct ipsec6_db;
struct ipsec6_flow;
struct ipsec6_net;
struct ipsec6_policy;
struct ipsec6_sa;

void ipsec6_acquire(struct ipsec6_net *in, const struct ipsec6_policy *e,
		    const struct ipsec6_flow *fl);
void ipsec6_acquire_forget(struct ipsec6_net *in, const struct ipsec6_db *db,
			   const struct ipsec6_sa *sa);
bool ipsec6_acquire_active(struct ipsec6_net *in);
void ipsec6_acquire_free(struct ipsec6_net *in);

#endif /* _IPSEC6_ACQUIRE_H */
