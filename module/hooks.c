// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks (see Documentation/design.rst, "Hooks").
 *
 * Inbound runs in PRE_ROUTING after nf_defrag_ipv6 (-400) and the raw
 * table (-300), before conntrack (-200): conntrack, NAT and filtering see
 * the decapsulated packet, and routing sees the inner destination of a
 * tunnel.  Outbound runs last in POST_ROUTING: after filtering, NAT and
 * conntrack confirmation, before fragmentation.
 *
 * The hooks, and nf_defrag_ipv6 that inbound verification needs, are on in
 * a namespace only while its tables hold something beyond the default
 * policy: with nothing to protect, a namespace pays nothing per packet.
 *
 * A packet we held back (GSO segments, asynchronous crypto) continues at
 * the hook after ours, like a packet reinjected by nf_queue.
 */
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include "compat.h"
#include "hooks.h"
#include "netns.h"
#include "pkt.h"

#define IPSEC6_PRI_INPUT	(NF_IP6_PRI_RAW + 50)
#define IPSEC6_PRI_OUTPUT	NF_IP6_PRI_LAST

static const struct nf_hook_ops ipsec6_hook_ops[] = {
	{
		.hook = ipsec6_input_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = IPSEC6_PRI_INPUT,
	},
	{
		.hook = ipsec6_output_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = IPSEC6_PRI_OUTPUT,
	},
};

/*
 * nf_defrag_ipv6 is taken at run time (symbol_request) rather than linked,
 * so that a plain insmod of ipsec6.ko loads it on demand.
 */
static int (*ipsec6_defrag_enable)(struct net *net);
static void (*ipsec6_defrag_disable)(struct net *net);

int ipsec6_hooks_init(void)
{
	ipsec6_defrag_enable = symbol_request(nf_defrag_ipv6_enable);
	if (!ipsec6_defrag_enable)
		return -ENOENT;
	ipsec6_defrag_disable = symbol_request(nf_defrag_ipv6_disable);
	if (!ipsec6_defrag_disable) {
		symbol_put(nf_defrag_ipv6_enable);
		return -ENOENT;
	}
	return 0;
}

void ipsec6_hooks_exit(void)
{
	symbol_put(nf_defrag_ipv6_disable);
	symbol_put(nf_defrag_ipv6_enable);
}

/**
 * ipsec6_hooks_arm - switch a namespace's hooks and defragmentation
 * @in: the namespace
 * @on: wanted state
 *
 * Called with the writer lock held: on before a generation that needs the
 * hooks is published, off after one that does not (and at namespace
 * exit).  Unregistering does not wait for hook runs already under way:
 * what they read must be freed after a grace period (generations and
 * dead objects are; ipsec6_netns_exit() waits for one).  Packets still in
 * asynchronous crypto when the hooks go are dropped when they come back
 * (ipsec6_hooks_resume()).  A dying namespace is never armed again.
 */
int ipsec6_hooks_arm(struct ipsec6_net *in, bool on)
{
	int err;

	lockdep_assert_held(&in->lock);
	if (on == in->armed || (on && in->dying))
		return 0;
	if (!on) {
		nf_unregister_net_hooks(in->net, ipsec6_hook_ops,
					ARRAY_SIZE(ipsec6_hook_ops));
		ipsec6_defrag_disable(in->net);
		in->armed = false;
		return 0;
	}
	err = ipsec6_defrag_enable(in->net);
	if (err)
		return err;
	err = nf_register_net_hooks(in->net, ipsec6_hook_ops,
				    ARRAY_SIZE(ipsec6_hook_ops));
	if (err) {
		ipsec6_defrag_disable(in->net);
		return err;
	}
	in->armed = true;
	return 0;
}

/**
 * ipsec6_hooks_resume - continue a packet after our hook
 * @skb: the packet, ours
 * @state: the hook state it was stopped in
 *
 * Runs the hooks registered after ours at the same point, then the
 * stack's continuation.  Call under rcu_read_lock() with BHs disabled.
 */
void ipsec6_hooks_resume(struct sk_buff *skb, struct nf_hook_state *state)
{
	nf_hookfn *self = state->hook == NF_INET_PRE_ROUTING ?
			  ipsec6_input_hook : ipsec6_output_hook;
	const struct nf_hook_entries *e;
	unsigned int i;

	e = rcu_dereference(state->net->nf.hooks_ipv6[state->hook]);
	for (i = 0; e && i < e->num_hook_entries; i++)
		if (e->hooks[i].hook == self)
			break;
	if (!e || i == e->num_hook_entries) {
		/* Our hook is gone: the namespace is being torn down. */
		kfree_skb(skb);
		return;
	}
	if (nf_hook_slow(skb, state, e, i + 1) == 1)
		state->okfn(state->net, state->sk, skb);
}
