/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_HOOKS_H
#define _IPSEC6_HOOKS_H

struct ipsec6_net;

#include <linux/types.h>

int ipsec6_hooks_init(void);
void ipsec6_hooks_exit(void);
int ipsec6_hooks_arm(struct ipsec6_net *in, bool on);

#endif /* _IPSEC6_HOOKS_H */
