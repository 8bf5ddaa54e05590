// SPDX-License-Identifier: GPL-2.0
/*
 * Sockets whose traffic bypasses the SPD: an IKE daemon's own packets
 * (SOCKET_BYPASS).  XFRM gives such sockets per-socket policies; we key on
 * the socket cookie (SO_COOKIE), which the daemon reads with getsockopt()
 * and which is never reused while the machine runs.
 *
 * A namespace keeps at most IPSEC6_BYPASS_MAX cookies, each with the
 * owner that registered it, as one immutable array replaced under the
 * writer lock and read under RCU.  Outbound, a packet whose socket is a
 * full socket with one of the cookies skips the SPD.  Inbound, a cleartext
 * UDP packet that an APPLY policy would drop is accepted if it is
 * addressed to a UDP socket with one of the cookies: the socket lookup
 * happens only then, never for other packets.  It needs udp6_lib_lookup(),
 * which the kernel exports only with CONFIG_NF_SOCKET_IPV6 or
 * CONFIG_NF_TPROXY_IPV6 (Debian's kernels have both); without them only
 * the outbound half works, and a responder's first IKE packet must be let
 * in by a BYPASS policy for UDP 500/4500.  A FLUSH with an OWNER
 * clears that owner's cookies; the namespace's exit clears them all.
 */
#include <linux/slab.h>
#include <net/sock.h>
#include <net/udp.h>
#include "bypass.h"
#include "netlink.h"
#include "netns.h"
#include "selector.h"

struct ipsec6_bypass {
	struct rcu_head rcu;
	u32 n;
	struct {
		u64 cookie;
		u32 owner;
	} e[] __counted_by(n);
};

static struct ipsec6_bypass *ipsec6_bypass_get(struct ipsec6_net *in)
{
	return rcu_dereference_protected(in->bypass,
					 lockdep_is_held(&in->lock));
}

static struct ipsec6_bypass *ipsec6_bypass_alloc(u32 n)
{
	struct ipsec6_bypass *b;

	b = kzalloc(struct_size(b, e, n), GFP_KERNEL_ACCOUNT);
	if (b)
		b->n = n;
	return b;
}

static void ipsec6_bypass_publish(struct ipsec6_net *in,
				  struct ipsec6_bypass *b)
{
	struct ipsec6_bypass *old;

	old = rcu_replace_pointer(in->bypass, b, lockdep_is_held(&in->lock));
	if (old)
		kfree_rcu(old, rcu);
}

/**
 * ipsec6_bypass_add - let a socket's packets bypass the SPD
 * @in: namespace, locked
 * @cookie: the socket's SO_COOKIE (not 0)
 * @owner: who registered it (FLUSH with this OWNER clears it)
 * @extack: for the error message
 *
 * A cookie already in the set takes the new owner.
 */
int ipsec6_bypass_add(struct ipsec6_net *in, u64 cookie, u32 owner,
		      struct netlink_ext_ack *extack)
{
	struct ipsec6_bypass *old = ipsec6_bypass_get(in), *b;
	u32 i, n = old ? old->n : 0;

	lockdep_assert_held(&in->lock);

	for (i = 0; i < n; i++)
		if (old->e[i].cookie == cookie)
			break;
	if (i == n && n == IPSEC6_BYPASS_MAX) {
		ipsec6_netlink_err(extack, NULL,
				   "SOCKET_COOKIE: %u sockets bypass already (the most)",
				   n);
		return -ENOSPC;
	}
	b = ipsec6_bypass_alloc(i == n ? n + 1 : n);
	if (!b)
		return -ENOMEM;
	if (n)
		memcpy(b->e, old->e, n * sizeof(b->e[0]));
	b->e[i].cookie = cookie;
	b->e[i].owner = owner;
	ipsec6_bypass_publish(in, b);
	return 0;
}

/* A FLUSH with @owner: that owner's cookies go. */
void ipsec6_bypass_flush(struct ipsec6_net *in, u32 owner)
{
	struct ipsec6_bypass *old = ipsec6_bypass_get(in), *b = NULL;
	u32 i, keep = 0;

	lockdep_assert_held(&in->lock);

	if (!old)
		return;
	for (i = 0; i < old->n; i++)
		keep += old->e[i].owner != owner;
	if (keep == old->n)
		return;
	if (keep) {
		b = ipsec6_bypass_alloc(keep);
		/* Without memory, keep them all rather than lose others'. */
		if (!b)
			return;
		for (i = 0, keep = 0; i < old->n; i++)
			if (old->e[i].owner != owner)
				b->e[keep++] = old->e[i];
	}
	ipsec6_bypass_publish(in, b);
}

/* Namespace exit, after the hooks are gone. */
void ipsec6_bypass_free(struct ipsec6_net *in)
{
	mutex_lock(&in->lock);
	kfree(rcu_replace_pointer(in->bypass, NULL,
				  lockdep_is_held(&in->lock)));
	mutex_unlock(&in->lock);
}

static bool ipsec6_bypass_has(const struct ipsec6_bypass *b, u64 cookie)
{
	u32 i;

	for (i = 0; cookie && i < b->n; i++)
		if (b->e[i].cookie == cookie)
			return true;
	return false;
}

/*
 * A socket's cookie is 0 until someone asks for it (sock_gen_cookie(),
 * which modules cannot call): a socket whose cookie was never read cannot
 * have been registered.
 */
static u64 ipsec6_bypass_cookie(struct sock *sk)
{
	return atomic64_read(&sk->sk_cookie);
}

/* Outbound, under RCU: does @skb come from a socket that bypasses? */
bool ipsec6_bypass_output(struct ipsec6_net *in, const struct sk_buff *skb)
{
	const struct ipsec6_bypass *b = rcu_dereference(in->bypass);
	struct sock *sk = skb->sk;

	if (likely(!b) || !sk || !sk_fullsock(sk))
		return false;
	return ipsec6_bypass_has(b, ipsec6_bypass_cookie(sk));
}

/*
 * Inbound, under RCU, for a cleartext packet an APPLY policy would drop:
 * is it UDP to a socket that bypasses?  @fl is in inbound terms (remote is
 * the source).
 */
bool ipsec6_bypass_input(struct ipsec6_net *in, const struct ipsec6_flow *fl)
{
#if IS_ENABLED(CONFIG_NF_SOCKET_IPV6) || IS_ENABLED(CONFIG_NF_TPROXY_IPV6)
	const struct ipsec6_bypass *b = rcu_dereference(in->bypass);
	struct sock *sk;
	bool hit;

	if (likely(!b) || fl->proto != IPPROTO_UDP ||
	    !(fl->flags & IPSEC6_FLOW_PORTS))
		return false;
	sk = udp6_lib_lookup(in->net, &fl->remote, htons(fl->rport),
			     &fl->local, htons(fl->lport), fl->ifindex);
	if (!sk)
		return false;
	hit = ipsec6_bypass_has(b, ipsec6_bypass_cookie(sk));
	sock_put(sk);
	return hit;
#else
	return false;	/* no udp6_lib_lookup() to call */
#endif
}
