/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_HOOKS_H
#define _IPSEC6_HOOKS_H

struct ipsec6_net;

int ipsec6_hooks_register(struct ipsec6_net *in);
void ipsec6_hooks_unregister(struct ipsec6_net *in);

#endif /* _IPSEC6_HOOKS_H */
