/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_LIFETIME_H
#define _IPSEC6_LIFETIME_H

#include <linux/types.h>

struct ipsec6_db;
struct ipsec6_net;
struct ipsec6_sa;

int ipsec6_lifetime_charge(struct ipsec6_sa *sa, unsigned int len);
void ipsec6_lifetime_expire(struct ipsec6_sa *sa, u8 what);
void ipsec6_lifetime_watch(struct ipsec6_net *in);
void ipsec6_lifetime_init(struct ipsec6_net *in);
void ipsec6_lifetime_stop(struct ipsec6_net *in);

#endif /* _IPSEC6_LIFETIME_H */
