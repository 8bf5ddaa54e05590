// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hook registration (see Documentation/design.rst, "Hooks").
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6.h>
#include "hooks.h"
#include "netns.h"

static const struct nf_hook_ops ipsec6_hook_ops[] = {
};

int ipsec6_hooks_register(struct ipsec6_net *in)
{
	if (!ARRAY_SIZE(ipsec6_hook_ops))
		return 0;
	return nf_register_net_hooks(in->net, ipsec6_hook_ops,
				     ARRAY_SIZE(ipsec6_hook_ops));
}

void ipsec6_hooks_unregister(struct ipsec6_net *in)
{
	if (!ARRAY_SIZE(ipsec6_hook_ops))
		return;
	nf_unregister_net_hooks(in->net, ipsec6_hook_ops,
				ARRAY_SIZE(ipsec6_hook_ops));
}
