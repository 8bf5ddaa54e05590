// SPDX-License-Identifier: GPL-2.0
/*
 * Outbound processing, at NF_INET_POST_ROUTING (after routing, before
 * fragmentation; see Documentation/design.rst).
 *
 *   SPD lookup -> BYPASS: continue
 *              -> DISCARD: drop
 *              -> APPLY: pick the SA of each bundle step, then per SA,
 *                 innermost first: tunnel mode adds an outer header
 *                 routed to the peer, AH or ESP goes in behind the
 *                 unfragmentable headers.
 *
 * A transport-mode packet done synchronously just continues through the
 * hook chain.  A tunnel-mode packet is sent anew with ip6_local_out() (the
 * outer header has its own route), marked so that our hook lets it pass
 * once: a tunnel endpoint covered by its own policy cannot loop, and what
 * the stack sends on the spot while sending it (Neighbour Solicitations,
 * ICMP errors) is looked up in the SPD like any packet.  GSO packets are
 * segmented first and each segment continues on its own; packets finishing
 * asynchronous crypto continue at the hook after ours (hooks.c).
 */
#include <linux/icmpv6.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/inet_ecn.h>
#include <net/dsfield.h>
#include "acquire.h"
#include "bypass.h"
#include "compat.h"
#include "db.h"
#include "icmp.h"
#include "netns.h"
#include "pkt.h"
#include "sad.h"

/*
 * The mark of a tunnel packet we send anew, in its IPv6 control block: a
 * flag bit the kernel does not use (IP6SKB_* end at 1024).  Set after the
 * control block was cleared for the outer packet; nothing between
 * ip6_local_out() and POST_ROUTING clears or reuses the control block (a
 * packet queued by nf_queue keeps it; XFRM, if it transforms the packet
 * on the way, clears it and makes a new packet of it); our hook takes the
 * mark off.  Only packets that are AH, ESP or UDP (ESP in UDP) behind the
 * IPv6 header, which is what we send, pass on it.
 */
#define IPSEC6_IP6CB_SENT	BIT(15)

static bool ipsec6_output_sent(struct sk_buff *skb)
{
	u8 nh;

	if (likely(!(IP6CB(skb)->flags & IPSEC6_IP6CB_SENT)))
		return false;
	IP6CB(skb)->flags &= ~IPSEC6_IP6CB_SENT;
	nh = ipv6_hdr(skb)->nexthdr;
	return nh == IPPROTO_ESP || nh == IPPROTO_AH || nh == IPPROTO_UDP;
}

static unsigned int ipsec6_output_overhead(const struct ipsec6_pkt *pkt,
					   unsigned int from)
{
	unsigned int i, n = 0;

	for (i = from; i < pkt->nsa; i++)
		n += ipsec6_pkt_overhead(pkt->sa[i]);
	return n;
}

/*
 * Tunnel mode, too big once protected: tell the sender the MTU it can use
 * (RFC 4301 8.2) if that is a valid IPv6 MTU; otherwise, or if the sender
 * allows fragmentation, fragment the protected packet (RFC 2473 7.1).
 */
static int ipsec6_output_mtu(struct sk_buff *skb, struct ipsec6_pkt *pkt,
			     unsigned int mtu, unsigned int overhead)
{
	if (skb->len + overhead <= mtu)
		return 0;
	if (!skb->ignore_df && mtu >= IPV6_MIN_MTU + overhead) {
		icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu - overhead);
		pkt->drop = IPSEC6_STATS_A_TOO_BIG;
		return -EMSGSIZE;
	}
	skb->ignore_df = 1;
	return 0;
}

/*
 * Selectors of the outer packet a tunnel SA makes, for the bundle steps
 * that follow it: the tunnel's endpoints, its protocol, no ports (UDP and
 * the SA's ports with encapsulation).  Our end is known only if the SA or
 * the template fixes it.
 */
static void ipsec6_output_tunnel_flow(struct ipsec6_flow *fl,
				      const struct ipsec6_sa *sa,
				      const struct ipsec6_tmpl *t)
{
	fl->remote = sa->dst;
	if (sa->has_src)
		fl->local = sa->src;
	else if (t->has_tlocal)
		fl->local = t->tlocal;
	fl->flags &= ~(IPSEC6_FLOW_PORTS | IPSEC6_FLOW_ICMP);
	fl->proto = sa->proto;
	if (sa->encap_type) {
		/* ESP in UDP: what the wire carries */
		fl->proto = IPPROTO_UDP;
		fl->lport = ntohs(sa->encap_sport);
		fl->rport = ntohs(sa->encap_dport);
		fl->flags |= IPSEC6_FLOW_PORTS;
	}
}

/*
 * RFC 4301 6.2: an ICMPv6 error about traffic under APPLY carries its
 * plaintext; it is sent under the APPLY policy of the return traffic of
 * the packet it quotes, whatever its own selectors find (input.c judges it
 * by that policy too).  Then @e and @fl become that policy and flow.
 * Returns -EHOSTUNREACH if the error does not go back to the quoted
 * packet's source (no SA of that policy would fit it), else 0.
 */
static int ipsec6_output_quote(const struct sk_buff *skb,
			       const struct ipsec6_db *db,
			       struct ipsec6_policy **e,
			       struct ipsec6_flow *fl)
{
	struct ipsec6_policy *qe;
	struct ipsec6_flow q;

	if (ipsec6_icmp_quote(skb, fl, true, &q))
		return 0;
	qe = ipsec6_spd_lookup(db, IPSEC6_DIR_OUT, &q);
	if (!qe || qe->action != IPSEC6_ACTION_APPLY)
		return 0;
	*e = qe;
	if (!ipv6_addr_equal(&q.remote, &fl->remote)) {
		ipsec6_policy_drop(qe);
		return -EHOSTUNREACH;
	}
	*fl = q;
	return 0;
}

/* Put an outer IPv6 header in front, routed to the SA's peer. */
static int ipsec6_output_encap(struct sk_buff *skb, struct ipsec6_pkt *pkt,
			       struct ipsec6_sa *sa)
{
	struct net *net = pkt->state.net;
	struct ipv6hdr *inner = ipv6_hdr(skb), *outer;
	unsigned int overhead, mtu;
	struct flowi6 fl6 = {};
	struct dst_entry *dst;
	u8 dsfield;
	int err;

	fl6.daddr = sa->dst;
	if (sa->has_src)
		fl6.saddr = sa->src;
	fl6.flowi6_proto = sa->encap_type ? IPPROTO_UDP : sa->proto;
	fl6.fl6_sport = sa->encap_sport;
	fl6.fl6_dport = sa->encap_dport;
	fl6.flowi6_mark = skb->mark;
	err = ip6_dst_lookup(net, NULL, &dst, &fl6);
	if (err) {
		pkt->drop = IPSEC6_STATS_A_NO_ROUTE;
		return err;
	}
	/* This outer header and every transform still to come. */
	overhead = ipsec6_output_overhead(pkt, pkt->pos);
	mtu = dst_mtu(dst);
	/* The TCP header is still in sight in front of the first step. */
	if (!pkt->pos && mtu > overhead + sizeof(*inner) + sizeof(struct tcphdr))
		ipsec6_mss_clamp(skb, mtu - overhead - sizeof(*inner) -
				 sizeof(struct tcphdr));
	err = ipsec6_output_mtu(skb, pkt, mtu, overhead);
	if (err)
		goto err;
	err = ipsec6_pkt_make_room(skb, sizeof(*outer) + LL_RESERVED_SPACE(dst->dev),
				   0);
	if (err) {
		pkt->drop = IPSEC6_STATS_A_NOMEM;
		goto err;
	}
	inner = ipv6_hdr(skb);
	/* RFC 6040 normal mode: the outer ECN field is a copy of the inner
	 * one; DSCP is copied only if the SA or the policy asks for it
	 * (RFC 4301 5.1.2.1).
	 */
	dsfield = ipv6_get_dsfield(inner);
	if (!(sa->flags & IPSEC6_SA_F_DSCP_COPY) &&
	    !(pkt->dscp_copy & BIT(pkt->pos)))
		dsfield &= INET_ECN_MASK;
	outer = skb_push(skb, sizeof(*outer));
	skb_reset_network_header(skb);
	ip6_flow_hdr(outer, dsfield, ip6_flowlabel(inner) ?:
		     ip6_make_flowlabel(net, skb, 0, true, &fl6));
	outer->nexthdr = IPPROTO_IPV6;
	outer->hop_limit = ip6_dst_hoplimit(dst);
	outer->saddr = fl6.saddr;
	outer->daddr = sa->dst;
	ipsec6_pkt_set_payload_len(skb);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	/* A new packet of this host: not the inner flow's connection. */
	nf_reset_ct(skb);
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);
	pkt->tunnel = true;
	return 0;
err:
	dst_release(dst);
	return err;
}

/*
 * Apply the SAs from pkt->pos on.  Returns 0 when all are applied,
 * -EINPROGRESS if a transform continues asynchronously (it then calls
 * ipsec6_output_done()), or an error with pkt->drop set.
 */
static int ipsec6_output_apply(struct sk_buff *skb, struct ipsec6_pkt *pkt)
{
	for (; pkt->pos < pkt->nsa; pkt->pos++) {
		struct ipsec6_sa *sa = pkt->sa[pkt->pos];
		unsigned int off, nh_off;
		int err;

		if (sa->mode == IPSEC6_MODE_TUNNEL) {
			err = ipsec6_output_encap(skb, pkt, sa);
			if (err)
				return err;
			off = sizeof(struct ipv6hdr);
			nh_off = offsetof(struct ipv6hdr, nexthdr);
		} else {
			err = ipsec6_pkt_nexthdr_off(skb, &off);
			if (err < 0) {
				pkt->drop = IPSEC6_STATS_A_MALFORMED;
				return err;
			}
			nh_off = err;
		}
		if (sa->proto == IPPROTO_AH)
			err = ipsec6_ah_output(skb, pkt, sa, off, nh_off);
		else
			err = ipsec6_esp_output(skb, pkt, sa, off, nh_off);
		if (err)
			return err;
	}
	return 0;
}

/* All SAs applied: send a tunnel packet on its own way. */
static void ipsec6_output_tunnel_xmit(struct sk_buff *skb,
				      struct ipsec6_pkt *pkt)
{
	BUILD_BUG_ON(IPSEC6_IP6CB_SENT > U16_MAX);
	BUILD_BUG_ON(IPSEC6_IP6CB_SENT & (IP6SKB_XFRM_TRANSFORMED |
		     IP6SKB_FORWARDED | IP6SKB_REROUTED | IP6SKB_ROUTERALERT |
		     IP6SKB_FRAGMENTED | IP6SKB_HOPBYHOP | IP6SKB_L3SLAVE |
		     IP6SKB_JUMBOGRAM | IP6SKB_SEG6 | IP6SKB_FAKEJUMBO |
		     IP6SKB_MULTIPATH));
	if (skb->len > dst_mtu(skb_dst(skb)))
		skb->ignore_df = 1;
	skb->dev = skb_dst(skb)->dev;
	IP6CB(skb)->flags |= IPSEC6_IP6CB_SENT;
	ip6_local_out(pkt->state.net, skb->sk, skb);
}

/* Before the first transform: checksum, MSS, MTU. */
static int ipsec6_output_prepare(struct sk_buff *skb, struct ipsec6_pkt *pkt)
{
	unsigned int overhead = ipsec6_output_overhead(pkt, 0);
	struct dst_entry *dst = skb_dst(skb);
	unsigned int mtu;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)) {
		pkt->drop = IPSEC6_STATS_A_NOMEM;
		return -ENOMEM;
	}
	if (!dst)
		return 0;
	mtu = dst_mtu(dst);
	if (mtu > overhead + sizeof(struct ipv6hdr) + sizeof(struct tcphdr))
		ipsec6_mss_clamp(skb, mtu - overhead - sizeof(struct ipv6hdr) -
				 sizeof(struct tcphdr));
	/* Tunnel mode checks against the outer route when it has one. */
	if (pkt->sa[0]->mode == IPSEC6_MODE_TUNNEL)
		return 0;
	/*
	 * Transport mode: the protected packet keeps the inner flow's route,
	 * and ip6_finish_output() holds it against that route's MTU.  A
	 * Packet Too Big to the sender would lower exactly that MTU, by the
	 * overhead on every round, and the protected packets would still not
	 * fit.  So the sender is not told: TCP fits from its first segment
	 * (the MSS of its SYNs is clamped above and in input.c), anything
	 * else too big is fragmented once protected (RFC 8200 4.5: by its
	 * source).
	 */
	if (skb->len + overhead > mtu)
		skb->ignore_df = 1;
	return 0;
}

/*
 * Protect one (non-GSO) packet.  Returns NF_ACCEPT when the packet is done
 * and continues through the hook chain, NF_STOLEN when it was sent, went
 * asynchronous, or was dropped and freed.
 */
static unsigned int ipsec6_output_one(struct sk_buff *skb,
				      struct ipsec6_pkt *pkt)
{
	int err;

	/*
	 * With BHs disabled, a SIMD transform that has requests queued on
	 * its cryptd fallback queues this one behind them too instead of
	 * overtaking them, so packets of a flow leave in order.
	 */
	local_bh_disable();
	err = ipsec6_output_prepare(skb, pkt);
	if (!err)
		err = ipsec6_output_apply(skb, pkt);
	local_bh_enable();
	if (err == -EINPROGRESS)
		return NF_STOLEN;
	if (err) {
		ipsec6_pkt_drop(pkt, skb, pkt->drop);
		ipsec6_pkt_release(pkt);
		return NF_STOLEN;
	}
	ipsec6_pkt_release(pkt);
	if (pkt->tunnel) {
		ipsec6_output_tunnel_xmit(skb, pkt);
		return NF_STOLEN;
	}
	return NF_ACCEPT;
}

/* A GSO packet: segment it and protect each segment on its own. */
static unsigned int ipsec6_output_gso(struct sk_buff *skb,
				      struct ipsec6_pkt *pkt)
{
	struct sk_buff *segs, *seg, *next;

	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		ipsec6_pkt_drop(pkt, skb, IPSEC6_STATS_A_MALFORMED);
		return NF_STOLEN;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		struct ipsec6_pkt p = *pkt;

		skb_mark_not_on_list(seg);
		if (ipsec6_output_one(seg, &p) == NF_ACCEPT)
			ipsec6_hooks_resume(seg, &p.state);
	}
	return NF_STOLEN;
}

/* A transform finished asynchronously: go on where it left off. */
void ipsec6_output_done(struct sk_buff *skb, struct ipsec6_pkt *pkt, int err)
{
	local_bh_disable();
	rcu_read_lock();
	if (!err)
		err = ipsec6_pkt_resumable(pkt);
	if (!err) {
		pkt->pos++;
		err = ipsec6_output_apply(skb, pkt);
		if (err == -EINPROGRESS)
			goto out;
	}
	if (err)
		ipsec6_pkt_drop(pkt, skb, pkt->drop);
	else if (pkt->tunnel)
		ipsec6_output_tunnel_xmit(skb, pkt);
	else
		ipsec6_hooks_resume(skb, &pkt->state);
	ipsec6_pkt_release(pkt);
out:
	rcu_read_unlock();
	local_bh_enable();
}

unsigned int ipsec6_output_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct ipsec6_net *in = ipsec6_net(state->net);
	struct ipsec6_policy *e;
	const struct ipsec6_db *db;
	struct ipsec6_flow fl;
	struct ipsec6_pkt pkt;

	/* A tunnel packet of ours, sent anew: protected already. */
	if (ipsec6_output_sent(skb))
		return NF_ACCEPT;
	db = rcu_dereference(in->db);
	if (unlikely(!db))
		return NF_ACCEPT;
	if (db->out_all) {
		ipsec6_policy_account(db->out_all, skb->len);
		return NF_ACCEPT;
	}
	if (state->out && (state->out->flags & IFF_LOOPBACK))
		return NF_ACCEPT;
	/* An IKE daemon's own packets (SOCKET_BYPASS). */
	if (ipsec6_bypass_output(in, skb))
		return NF_ACCEPT;

	pkt.in = in;
	pkt.nsa = 0;
	if (ipsec6_selector_flow(skb, true, state->out ? state->out->ifindex : 0,
				 &fl)) {
		ipsec6_stats_drop(in, IPSEC6_STATS_A_MALFORMED);
		return NF_DROP;
	}
	e = ipsec6_spd_lookup(db, IPSEC6_DIR_OUT, &fl);
	if (!e) {
		ipsec6_stats_drop(in, IPSEC6_STATS_A_NO_POLICY);
		return NF_DROP;
	}
	if (ipsec6_output_quote(skb, db, &e, &fl)) {
		ipsec6_stats_drop(in, IPSEC6_STATS_A_NO_SA);
		return NF_DROP;
	}
	ipsec6_policy_account(e, skb->len);
	switch (e->action) {
	case IPSEC6_ACTION_APPLY:
		break;
	case IPSEC6_ACTION_DISCARD:
		ipsec6_policy_drop(e);
		ipsec6_stats_drop(in, IPSEC6_STATS_A_DISCARD);
		return NF_DROP;
	default:
		return NF_ACCEPT;
	}
	/*
	 * Unicast SAs cannot protect multicast (RFC 4301 4.1): Neighbour
	 * Discovery and MLD go in cleartext, anything else the policy asks
	 * to protect cannot be sent.
	 */
	if (ipv6_addr_is_multicast(&fl.remote)) {
		if (ipsec6_selector_nd_mld(&fl, true))
			return NF_ACCEPT;
		ipsec6_policy_drop(e);
		ipsec6_stats_drop(in, IPSEC6_STATS_A_NO_SA);
		return NF_DROP;
	}

	pkt.dscp_copy = 0;
	for (; e && pkt.nsa < IPSEC6_BUNDLE_MAX; e = ipsec6_spd_next(db, e)) {
		struct ipsec6_sa *sa = ipsec6_sad_select(db, e, &fl);

		if (!sa)
			ipsec6_acquire(in, e, &fl);
		if (!sa || READ_ONCE(sa->state) == IPSEC6_SA_STATE_EXPIRED) {
			ipsec6_stats_drop(in, sa ? IPSEC6_STATS_A_EXPIRED :
					  IPSEC6_STATS_A_NO_SA);
			return NF_DROP;
		}
		if (e->flags & IPSEC6_POLICY_F_DSCP_COPY)
			pkt.dscp_copy |= BIT(pkt.nsa);
		pkt.sa[pkt.nsa++] = sa;
		/* The steps after a tunnel protect the outer packet. */
		if (sa->mode == IPSEC6_MODE_TUNNEL)
			ipsec6_output_tunnel_flow(&fl, sa, e->tmpl);
	}
	pkt.state = *state;
	pkt.pos = 0;
	pkt.held = false;
	pkt.tunnel = false;
	pkt.drop = 0;
	if (skb_is_gso(skb))
		return ipsec6_output_gso(skb, &pkt);
	return ipsec6_output_one(skb, &pkt);
}
