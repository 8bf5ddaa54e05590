// SPDX-License-Identifier: GPL-2.0
/*
 * Inbound processing, at NF_INET_PRE_ROUTING after nf_defrag_ipv6 has
 * reassembled fragments and before conntrack (see Documentation/design.rst).
 *
 * Every AH or ESP header that an inbound SA of ours covers (lookup by SPI,
 * destination and protocol) is verified and removed, outermost first;
 * tunnel mode also removes the outer header, and the inner packet goes on
 * to routing in place of the outer one, to be delivered or forwarded.
 * Then the packet that is left must satisfy the inbound SPD: cleartext
 * under an APPLY policy is dropped, and a decapsulated packet must match
 * an APPLY policy whose bundle the SAs it came through serve, in order.
 * An ICMPv6 error is also judged by the packet it quotes (RFC 4301 6.2),
 * a packet with a routing header by every address it still goes to.
 *
 * AH or ESP that no SA of ours covers is treated like any other next
 * protocol: it may be forwarded, or be for another IPsec stack.
 */
#include <net/dsfield.h>
#include <net/inet_ecn.h>
#include <net/ipv6.h>
#include "bypass.h"
#include "db.h"
#include "encap.h"
#include "icmp.h"
#include "netns.h"
#include "pkt.h"
#include "sad.h"

/*
 * RFC 8200 4.2: a Destination Options header in front of AH or ESP is
 * processed before them, and the stack (ip6_parse_tlv()) discards the
 * packet for padding that is too long or not zero, too many options, or
 * an option it does not know whose type says "discard".  Such a packet
 * must not be verified first: that would move the anti-replay window for
 * a packet that is then dropped, where XFRM, behind the stack, never sees
 * it.  The same rules, on the header of @len bytes at @pos; no destination
 * option is known to us (the stack knows Home Address, with MIPv6).
 */
static bool ipsec6_input_destopts_ok(const struct sk_buff *skb,
				     unsigned int pos, unsigned int len)
{
	const struct net *net = dev_net(skb->dev);
	int max = READ_ONCE(net->ipv6.sysctl.max_dst_opts_cnt);
	unsigned int off = pos + 2, end = pos + len, n = 0, padlen = 0;
	bool strict = max < 0;

	if (len > READ_ONCE(net->ipv6.sysctl.max_dst_opts_len))
		return false;
	if (strict)
		max = -max;
	while (off < end) {
		u8 _o[8];
		const u8 *o;
		unsigned int optlen, i;

		o = skb_header_pointer(skb, off, min(end - off, 2U), _o);
		if (!o)
			return false;
		if (o[0] == IPV6_TLV_PAD1) {
			if (++padlen > 7)
				return false;
			off++;
			continue;
		}
		if (end - off < 2)
			return false;
		optlen = o[1] + 2;
		if (optlen > end - off)
			return false;
		if (o[0] == IPV6_TLV_PADN) {
			padlen += optlen;
			if (padlen > 7)
				return false;
			o = skb_header_pointer(skb, off, optlen, _o);
			if (!o)
				return false;
			for (i = 2; i < optlen; i++)
				if (o[i])
					return false;
		} else {
			/* Unknown: only "skip" (00) types go on. */
			if (++n > max || strict || (o[0] & 0xc0))
				return false;
			padlen = 0;
		}
		off += optlen;
	}
	return true;
}

/*
 * Find the first AH or ESP header, or with @udp the UDP header that may
 * carry ESP (encap.c).  Returns 1 (with its offset, the offset of the
 * next-header byte naming it, and the protocol), 0 if there is none for
 * this node, or -EINVAL for a truncated chain or when a Hop-by-Hop or
 * Destination Options header in front of AH or ESP makes the packet one
 * the stack discards.
 */
static int ipsec6_input_find(const struct sk_buff *skb, bool udp,
			     unsigned int *off, unsigned int *nh_off, u8 *proto)
{
	unsigned int pos = sizeof(struct ipv6hdr);
	unsigned int nho = offsetof(struct ipv6hdr, nexthdr);
	u8 next = ipv6_hdr(skb)->nexthdr;
	bool discard = false;
	int i;

	for (i = 0; i < 16; i++) {
		/* Every extension header is at least 8 bytes long. */
		union {
			struct ipv6_opt_hdr opt;
			struct ipv6_rt_hdr rt;
			struct frag_hdr frag;
		} _h;
		const struct ipv6_rt_hdr *h;

		switch (next) {
		case IPPROTO_AH:
		case IPPROTO_ESP:
			if (discard)
				return -EINVAL;
			*off = pos;
			*nh_off = nho;
			*proto = next;
			return 1;
		case IPPROTO_UDP:
			/* The stack discards it: not ESP to verify. */
			if (!udp || discard)
				return 0;
			*off = pos;
			*nh_off = nho;
			*proto = next;
			return 1;
		case NEXTHDR_HOP:
			/*
			 * RFC 8200 4.1: only right after the IPv6 header, and
			 * only one that ip6_rcv_core() processed (it moved
			 * nhoff past it).  One behind a Fragment header, also
			 * after nf_defrag_ipv6 moved it to the front, makes
			 * the stack discard the packet (unknown next header
			 * 0): such a packet must not be verified, as above.
			 */
			if (pos != sizeof(struct ipv6hdr) ||
			    IP6CB(skb)->nhoff != sizeof(struct ipv6hdr))
				discard = true;
			break;
		case NEXTHDR_DEST:
		case NEXTHDR_ROUTING:
		case NEXTHDR_FRAGMENT:
			break;
		default:
			return 0;
		}
		h = skb_header_pointer(skb, pos, sizeof(_h), &_h);
		if (!h)
			return -EINVAL;
		/* Not yet at the final destination: not ours to verify. */
		if (next == NEXTHDR_ROUTING && h->segments_left)
			return 0;
		/*
		 * A fragment nf_defrag_ipv6 left alone (it passes some it
		 * cannot reassemble): RFC 4303 3.4.1, never processed.
		 */
		if (next == NEXTHDR_FRAGMENT &&
		    (((const struct frag_hdr *)h)->frag_off &
		     htons(IP6_OFFSET | IP6_MF)))
			return -EINVAL;
		BUILD_BUG_ON(sizeof(_h) != 8);
		if (next == NEXTHDR_DEST &&
		    !ipsec6_input_destopts_ok(skb, pos, ipv6_optlen(h)))
			discard = true;
		nho = pos;
		pos += next == NEXTHDR_FRAGMENT ? sizeof(struct frag_hdr) :
						  ipv6_optlen(h);
		next = h->nexthdr;
	}
	return -EINVAL;
}

/*
 * The addresses ip6_rcv_core() refuses from another node: the outer
 * packet passed it, and the inner one goes on to routing in its place, so
 * it must pass the same checks.  Loopback as source or destination
 * (RFC 4291 2.5.3), a multicast source, a multicast destination of
 * reserved or interface-local scope (RFC 4291 2.7).
 */
static bool ipsec6_input_inner_ok(const struct ipv6hdr *ip6,
				  const struct net_device *dev)
{
	if ((ipv6_addr_loopback(&ip6->saddr) ||
	     ipv6_addr_loopback(&ip6->daddr)) && !netif_is_l3_master(dev))
		return false;
	if (ipv6_addr_is_multicast(&ip6->saddr))
		return false;
	return !ipv6_addr_is_multicast(&ip6->daddr) ||
	       IPV6_ADDR_MC_SCOPE(&ip6->daddr) > IPV6_ADDR_SCOPE_NODELOCAL;
}

/* Tunnel mode: the inner IPv6 packet replaces the outer one. */
static int ipsec6_input_decap(struct sk_buff *skb, struct ipsec6_pkt *pkt)
{
	const struct ipv6hdr *outer = ipv6_hdr(skb);
	unsigned int off = pkt->off, len;
	struct ipv6hdr *inner;
	u8 outer_ecn;

	if (skb->data[pkt->nh_off] != IPPROTO_IPV6 ||
	    skb->len < off + sizeof(*inner))
		goto malformed;
	pkt->tun_src[pkt->nsa - 1] = outer->saddr;
	outer_ecn = ipv6_get_dsfield(outer) & INET_ECN_MASK;
	__skb_pull(skb, off);
	skb_reset_network_header(skb);
	inner = ipv6_hdr(skb);
	len = ntohs(inner->payload_len);
	if (inner->version != 6 || !len ||
	    len + sizeof(*inner) > skb->len || inner->nexthdr == NEXTHDR_HOP ||
	    !ipsec6_input_inner_ok(inner, pkt->state.in))
		goto malformed;
	__skb_trim(skb, len + sizeof(*inner));
	/* RFC 6040 4.2: CE on the outer header marks the inner one, and
	 * cannot be delivered to a transport that does not do ECN.
	 */
	if (INET_ECN_is_ce(outer_ecn)) {
		if (INET_ECN_is_not_ect(ipv6_get_dsfield(inner)))
			goto malformed;
		IP6_ECN_set_ce(skb, inner);
	}
	skb_set_transport_header(skb, sizeof(*inner));
	/* A reassembled outer packet says nothing of the inner one's size. */
	skb->ignore_df = 0;
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	IP6CB(skb)->iif = pkt->state.in->ifindex;
	IP6CB(skb)->nhoff = offsetof(struct ipv6hdr, nexthdr);
	skb_dst_drop(skb);
	if (skb_mac_header_was_set(skb))
		skb_mac_header_rebuild(skb);
	return 0;
malformed:
	pkt->drop = IPSEC6_STATS_A_MALFORMED;
	return -EINVAL;
}

/* After the SA last added to @pkt removed its header. */
static int ipsec6_input_after(struct sk_buff *skb, struct ipsec6_pkt *pkt)
{
	if (pkt->sa[pkt->nsa - 1]->mode == IPSEC6_MODE_TUNNEL)
		return ipsec6_input_decap(skb, pkt);
	return 0;
}

/*
 * Remove every IPsec header our SAs cover.  Returns 0, -EINPROGRESS if a
 * transform continues asynchronously (it calls ipsec6_input_done()), or an
 * error with pkt->drop set.
 */
static int ipsec6_input_walk(struct sk_buff *skb, struct ipsec6_pkt *pkt,
			     const struct ipsec6_db *db)
{
	for (;;) {
		unsigned int off, nh_off;
		struct ipsec6_sa *sa;
		__be32 _spi;
		const __be32 *spi;
		bool udp = false;
		u8 proto;
		int err;

		err = ipsec6_input_find(skb, db->nencap_ports, &off, &nh_off,
					&proto);
		if (err <= 0) {
			if (err)
				pkt->drop = IPSEC6_STATS_A_MALFORMED;
			return err;
		}
		if (proto == IPPROTO_UDP) {
			err = ipsec6_encap_input(skb, pkt, db, off, nh_off);
			if (err <= 0)
				return err;
			/* ESP is at @off now. */
			proto = IPPROTO_ESP;
			udp = true;
		}
		spi = skb_header_pointer(skb, off + (proto == IPPROTO_AH ? 4 : 0),
					 sizeof(_spi), &_spi);
		if (!spi) {
			pkt->drop = IPSEC6_STATS_A_MALFORMED;
			return -EINVAL;
		}
		sa = ipsec6_sad_lookup(db, *spi, &ipv6_hdr(skb)->daddr, proto);
		if (!sa || sa->dir == IPSEC6_DIR_OUT) {
			pkt->spi_miss = true;
			return 0;
		}
		if (pkt->nsa == IPSEC6_BUNDLE_MAX) {
			pkt->drop = IPSEC6_STATS_A_MALFORMED;
			return -ELOOP;
		}
		ipsec6_pkt_add_sa(pkt, sa);
		/* SA_ALLOC_SPI reserved the SPI; there are no keys yet. */
		if (sa->larval) {
			pkt->drop = IPSEC6_STATS_A_UNKNOWN_SPI;
			return -ENOKEY;
		}
		/* An SA with UDP encapsulation takes ESP in UDP only. */
		if (!!sa->encap_type != udp) {
			pkt->drop = IPSEC6_STATS_A_ENCAP_MISMATCH;
			return -EINVAL;
		}
		if (READ_ONCE(sa->state) == IPSEC6_SA_STATE_EXPIRED) {
			pkt->drop = IPSEC6_STATS_A_EXPIRED;
			return -EKEYEXPIRED;
		}
		pkt->off = off;
		pkt->nh_off = nh_off;
		if (proto == IPPROTO_AH)
			err = ipsec6_ah_input(skb, pkt, sa, off, nh_off);
		else
			err = ipsec6_esp_input(skb, pkt, sa, off, nh_off);
		if (!err)
			err = ipsec6_input_after(skb, pkt);
		if (err)
			return err;
	}
}

/*
 * May @sa speak for the policy of bundle step @s?  RFC 4301 5.2: the
 * packet must match a policy that the SA is bound to.  An SA is bound by
 * naming the policy, or by its source address (transport mode: the
 * packet's source, ipsec6_sad_match_flow(); tunnel mode: the policy's
 * peer, ipsec6_sad_serves()).  An SA with neither proves no peer: any
 * peer holding its key could claim the addresses of every policy whose
 * template it fits.
 */
static bool ipsec6_input_bound(const struct ipsec6_sa *sa,
			       const struct ipsec6_policy *s)
{
	return sa->has_src || sa->policy == s->index;
}

/*
 * The inbound SPD on flow @fl of the packet left after decapsulation
 * (RFC 4301 5.2).
 */
static enum ipsec6_stats_attr
ipsec6_input_judge(struct ipsec6_pkt *pkt, const struct ipsec6_db *db,
		   const struct ipsec6_flow *fl, unsigned int len)
{
	struct ipsec6_policy *e, *s;
	bool tunnel = false;
	unsigned int k;

	e = ipsec6_spd_lookup(db, IPSEC6_DIR_IN, fl);
	if (!e)
		return IPSEC6_STATS_A_NO_POLICY;
	ipsec6_policy_account(e, len);
	if (!pkt->nsa) {
		switch (e->action) {
		case IPSEC6_ACTION_APPLY:
			/* No SA protects multicast; ND and MLD must pass. */
			if (ipsec6_selector_nd_mld(fl, false))
				return 0;
			/* An IKE daemon's socket (SOCKET_BYPASS). */
			if (!pkt->spi_miss && ipsec6_bypass_input(pkt->in, fl))
				return 0;
			ipsec6_policy_drop(e);
			return pkt->spi_miss ? IPSEC6_STATS_A_UNKNOWN_SPI :
					       IPSEC6_STATS_A_CLEARTEXT;
		case IPSEC6_ACTION_DISCARD:
			ipsec6_policy_drop(e);
			return IPSEC6_STATS_A_DISCARD;
		default:
			return 0;
		}
	}
	if (e->action != IPSEC6_ACTION_APPLY) {
		/* Protected where cleartext would do: as Linux XFRM does,
		 * accept it if only transport-mode SAs were removed (a
		 * decapsulated tunnel packet must match its policy).
		 */
		for (k = 0; k < pkt->nsa; k++)
			if (pkt->sa[k]->mode == IPSEC6_MODE_TUNNEL)
				return IPSEC6_STATS_A_POLICY_MISMATCH;
		return e->action == IPSEC6_ACTION_DISCARD ?
		       IPSEC6_STATS_A_DISCARD : 0;
	}
	/* Step k of the bundle (0 innermost) was the (nsa - 1 - k)th SA
	 * removed.
	 */
	for (k = 0, s = e; k < pkt->nsa; k++, s = ipsec6_spd_next(db, s)) {
		unsigned int i = pkt->nsa - 1 - k;
		struct ipsec6_sa *sa = pkt->sa[i];

		if (!s || !ipsec6_sad_serves(sa, s, IPSEC6_DIR_IN) ||
		    !ipsec6_input_bound(sa, s))
			return IPSEC6_STATS_A_POLICY_MISMATCH;
		if (!tunnel && !ipsec6_sad_match_flow(sa, fl, IPSEC6_DIR_IN))
			return IPSEC6_STATS_A_POLICY_MISMATCH;
		if (sa->mode == IPSEC6_MODE_TUNNEL) {
			if (!ipv6_addr_equal(&pkt->tun_src[i],
					     &s->tmpl->tremote))
				return IPSEC6_STATS_A_POLICY_MISMATCH;
			tunnel = true;
		}
	}
	return s ? IPSEC6_STATS_A_POLICY_MISMATCH : 0;
}

/*
 * A routing header with segments left: the stack moves the packet on to
 * each address left in it that is its own, and forwards it to the first
 * one that is not.  Each of them is judged as the packet's destination;
 * types whose addresses are unknown here are discarded by the stack.
 */
static enum ipsec6_stats_attr
ipsec6_input_route(struct sk_buff *skb, struct ipsec6_pkt *pkt,
		   const struct ipsec6_db *db, struct ipsec6_flow *fl)
{
	enum ipsec6_stats_attr reason;
	unsigned int off, k;
	int left, err;

	left = ipsec6_selector_route(skb, &off);
	if (left < 0)
		return IPSEC6_STATS_A_MALFORMED;
	for (k = 0; k < (unsigned int)left; k++) {
		err = ipsec6_selector_segment(skb, off, &ipv6_hdr(skb)->daddr,
					      k, &fl->local);
		if (err == -EOPNOTSUPP)
			return 0;
		if (err)
			return IPSEC6_STATS_A_MALFORMED;
		reason = ipsec6_input_judge(pkt, db, fl, skb->len);
		if (reason)
			return reason;
	}
	return 0;
}

/*
 * RFC 4301 6.2: an ICMPv6 error quotes the plaintext of the packet it is
 * about.  Is that return traffic @q under APPLY?  Then the error must have
 * come through SAs that serve it, and is judged as that traffic (a router
 * inside a tunnel's far site may send errors; a peer may not send errors
 * about another peer's traffic, nor anyone in cleartext).  The AH or ESP
 * packet of one of our SAs, as a router on the path quotes it, is no
 * plaintext.
 */
static bool ipsec6_input_quotes_apply(const struct sk_buff *skb,
				      const struct ipsec6_db *db,
				      const struct ipsec6_flow *q)
{
	struct ipsec6_policy *e;

	e = ipsec6_spd_lookup(db, IPSEC6_DIR_IN, q);
	return e && e->action == IPSEC6_ACTION_APPLY &&
	       !ipsec6_icmp_quotes_sa(skb, db);
}

/* What RFC 4301 5.2 and 6.2 ask of the packet left after decapsulation. */
static enum ipsec6_stats_attr
ipsec6_input_policy(struct sk_buff *skb, struct ipsec6_pkt *pkt,
		    const struct ipsec6_db *db)
{
	struct ipsec6_flow fl, q;
	enum ipsec6_stats_attr reason;

	if (ipsec6_selector_flow(skb, false, pkt->state.in->ifindex, &fl))
		return IPSEC6_STATS_A_MALFORMED;
	if (!ipsec6_icmp_quote(skb, &fl, false, &q) &&
	    ipsec6_input_quotes_apply(skb, db, &q))
		reason = ipsec6_input_judge(pkt, db, &q, skb->len);
	else
		reason = ipsec6_input_judge(pkt, db, &fl, skb->len);
	if (reason)
		return reason;
	if (fl.flags & IPSEC6_FLOW_ROUTED)
		return ipsec6_input_route(skb, pkt, db, &fl);
	return 0;
}

/* The receiving TCP must not be told an MSS our overhead breaks. */
static void ipsec6_input_mss(struct sk_buff *skb, struct ipsec6_pkt *pkt)
{
	unsigned int i, overhead = sizeof(struct ipv6hdr) +
				   sizeof(struct tcphdr);
	unsigned int mtu = pkt->state.in->mtu;

	for (i = 0; i < pkt->nsa; i++)
		overhead += ipsec6_pkt_overhead(pkt->sa[i]);
	if (mtu > overhead)
		ipsec6_mss_clamp(skb, mtu - overhead);
}

static enum ipsec6_stats_attr
ipsec6_input_finish(struct sk_buff *skb, struct ipsec6_pkt *pkt,
		    const struct ipsec6_db *db)
{
	enum ipsec6_stats_attr reason = ipsec6_input_policy(skb, pkt, db);

	if (reason)
		return reason;
	if (pkt->nsa)
		ipsec6_input_mss(skb, pkt);
	/* Only a Packet Too Big the SPD let in may move the path MTU. */
	if (db->nsa)
		ipsec6_icmp_input(pkt->state.net, skb, db);
	return 0;
}

void ipsec6_input_done(struct sk_buff *skb, struct ipsec6_pkt *pkt, int err)
{
	const struct ipsec6_db *db;
	enum ipsec6_stats_attr reason;

	local_bh_disable();
	rcu_read_lock();
	db = rcu_dereference(pkt->in->db);
	if (!err)
		err = ipsec6_pkt_resumable(pkt);
	if (!err)
		err = ipsec6_input_after(skb, pkt);
	if (!err && !db) {
		pkt->drop = IPSEC6_STATS_A_NO_POLICY;
		err = -ENOENT;
	}
	if (!err)
		err = ipsec6_input_walk(skb, pkt, db);
	if (err == -EINPROGRESS)
		goto out;
	reason = err ? pkt->drop : ipsec6_input_finish(skb, pkt, db);
	if (reason)
		ipsec6_pkt_drop(pkt, skb, reason);
	else
		ipsec6_hooks_resume(skb, &pkt->state);
	ipsec6_pkt_release(pkt);
out:
	rcu_read_unlock();
	local_bh_enable();
}

unsigned int ipsec6_input_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct ipsec6_net *in = ipsec6_net(state->net);
	const struct ipsec6_db *db;
	struct ipsec6_pkt pkt;
	enum ipsec6_stats_attr reason;
	int err;

	db = rcu_dereference(in->db);
	if (unlikely(!db))
		return NF_ACCEPT;
	if (db->in_all && !db->nsa) {
		ipsec6_policy_account(db->in_all, skb->len);
		return NF_ACCEPT;
	}
	if (state->in->flags & IFF_LOOPBACK)
		return NF_ACCEPT;

	pkt.state = *state;
	pkt.in = in;
	pkt.nsa = 0;
	pkt.held = false;
	pkt.spi_miss = false;
	pkt.drop = 0;
	err = ipsec6_input_walk(skb, &pkt, db);
	if (err == -EINPROGRESS)
		return NF_STOLEN;
	reason = err ? pkt.drop : ipsec6_input_finish(skb, &pkt, db);
	if (reason)
		ipsec6_pkt_count_drop(&pkt, reason);
	ipsec6_pkt_release(&pkt);
	return reason ? NF_DROP : NF_ACCEPT;
}
