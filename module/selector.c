// SPDX-License-Identifier: GPL-2.0
/*
 * Traffic selectors: what part of a packet a policy matches on, and reading
 * those fields out of a packet.
 */
#include <linux/skbuff.h>
#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include "compat.h"
#include "selector.h"

void ipsec6_selector_init_any(struct ipsec6_sel *sel)
{
	memset(sel, 0, sizeof(*sel));
	memset(&sel->remote.end, 0xff, sizeof(sel->remote.end));
	memset(&sel->local.end, 0xff, sizeof(sel->local.end));
	sel->rport_end = U16_MAX;
	sel->lport_end = U16_MAX;
}

static int ipsec6_addr_cmp(const struct in6_addr *a, const struct in6_addr *b)
{
	u64 x = get_unaligned_be64(&a->s6_addr[0]);
	u64 y = get_unaligned_be64(&b->s6_addr[0]);

	if (x != y)
		return x < y ? -1 : 1;
	x = get_unaligned_be64(&a->s6_addr[8]);
	y = get_unaligned_be64(&b->s6_addr[8]);
	if (x != y)
		return x < y ? -1 : 1;
	return 0;
}

bool ipsec6_selector_addr_in(const struct ipsec6_addr_range *r,
			     const struct in6_addr *a)
{
	return ipsec6_addr_cmp(&r->start, a) <= 0 &&
	       ipsec6_addr_cmp(a, &r->end) <= 0;
}

bool ipsec6_selector_match(const struct ipsec6_sel *sel,
			   const struct ipsec6_flow *fl)
{
	u8 p = sel->present;

	if (!p)
		return true;
	if ((p & IPSEC6_SEL_IFINDEX) && sel->ifindex != fl->ifindex)
		return false;
	if ((p & IPSEC6_SEL_REMOTE) &&
	    !ipsec6_selector_addr_in(&sel->remote, &fl->remote))
		return false;
	if ((p & IPSEC6_SEL_LOCAL) &&
	    !ipsec6_selector_addr_in(&sel->local, &fl->local))
		return false;
	if (!(p & IPSEC6_SEL_PROTO))
		return true;
	if (sel->proto != fl->proto)
		return false;
	if (p & (IPSEC6_SEL_RPORT | IPSEC6_SEL_LPORT)) {
		/* RFC 4301 4.4.1.1: a non-initial fragment has no ports and
		 * only matches a selector whose ports are wildcards.
		 */
		if (!(fl->flags & IPSEC6_FLOW_PORTS))
			return false;
		if ((p & IPSEC6_SEL_RPORT) &&
		    (fl->rport < sel->rport_start || fl->rport > sel->rport_end))
			return false;
		if ((p & IPSEC6_SEL_LPORT) &&
		    (fl->lport < sel->lport_start || fl->lport > sel->lport_end))
			return false;
	}
	if (p & IPSEC6_SEL_ICMP_TYPE) {
		if (!(fl->flags & IPSEC6_FLOW_ICMP) ||
		    fl->icmp_type != sel->icmp_type)
			return false;
		if ((p & IPSEC6_SEL_ICMP_CODE) &&
		    fl->icmp_code != sel->icmp_code)
			return false;
	}
	return true;
}

static bool ipsec6_proto_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP || proto == IPPROTO_UDPLITE;
}

/*
 * Routing headers (RFC 8200 4.4).  With segments left, the packet is not at
 * its final destination yet: the stack that owns its destination address
 * moves it on to the next address of the header.  Types 0 and 2 list the
 * addresses still to visit at their end, the last being the final
 * destination; the segment routing header (type 4, RFC 8754) lists them
 * backwards, segment 0 being the final destination; RPL (type 3,
 * RFC 6554) keeps them compressed against the destination address (the
 * first CmprI bytes, CmprE for the last address, are the destination's).
 */
#define IPSEC6_RH_MAX_LEFT	127	/* RPL's limit; the others fit in it */

/**
 * ipsec6_selector_segment - an address a routing header still leads to
 * @skb: packet
 * @off: offset of the routing header (from skb->data)
 * @daddr: the packet's destination address
 * @k: 0 for the next address, ..., segments left - 1 for the final one
 * @addr: result
 *
 * Returns 0, -ENOENT when @k is not below the segments left, -EINVAL for
 * a header that is truncated or inconsistent (the stack discards it), and
 * -EOPNOTSUPP for a type whose addresses are not known here.
 */
int ipsec6_selector_segment(const struct sk_buff *skb, unsigned int off,
			    const struct in6_addr *daddr, unsigned int k,
			    struct in6_addr *addr)
{
	unsigned int n, len, left, idx, pfx = 0, cmpri, cmpre;
	const struct ipv6_rt_hdr *rt;
	struct ipv6_rt_hdr _rt;
	const u8 *h, *a;
	u8 _h[8], _a[16];

	rt = skb_header_pointer(skb, off, sizeof(_rt), &_rt);
	if (!rt)
		return -EINVAL;
	left = rt->segments_left;
	if (k >= left)
		return -ENOENT;
	h = skb_header_pointer(skb, off, sizeof(_h), _h);
	if (!h)
		return -EINVAL;
	switch (h[2]) {
	case IPV6_SRCRT_TYPE_0:
	case IPV6_SRCRT_TYPE_2:
		n = h[1] / 2;
		if (left > n)
			return -EINVAL;
		idx = n - left + k;
		off += 8 + 16 * idx;
		len = 16;
		break;
	case IPV6_SRCRT_TYPE_4:
		/* segments[left] is the current destination */
		if (left >= h[1] / 2U)
			return -EINVAL;
		off += 8 + 16 * (left - 1 - k);
		len = 16;
		break;
	case IPV6_SRCRT_TYPE_3:
		cmpri = h[4] >> 4;
		cmpre = h[4] & 0xf;
		len = h[1] * 8U;
		if (len < (h[5] >> 4) + 16U - cmpre)
			return -EINVAL;
		len -= (h[5] >> 4) + 16U - cmpre;
		/* n addresses of 16 - CmprI bytes, then the last one */
		if (len % (16 - cmpri))
			return -EINVAL;
		n = len / (16 - cmpri);
		if (n + 1 > IPSEC6_RH_MAX_LEFT || left > n + 1)
			return -EINVAL;
		idx = n + 1 - left + k;
		pfx = idx < n ? cmpri : cmpre;
		off += 8 + idx * (16 - cmpri);
		len = 16 - pfx;
		break;
	default:
		return -EOPNOTSUPP;
	}
	a = skb_header_pointer(skb, off, len, _a);
	if (!a)
		return -EINVAL;
	memcpy(addr->s6_addr, daddr->s6_addr, pfx);
	memcpy(addr->s6_addr + pfx, a, len);
	return 0;
}

/**
 * ipsec6_selector_route - find the routing header that still has
 *	segments left
 * @skb: packet, network header set
 * @off: its offset (from skb->data)
 *
 * Returns its segments left (at least 1), 0 if there is none, or -EINVAL
 * for a truncated header chain.
 */
int ipsec6_selector_route(const struct sk_buff *skb, unsigned int *off)
{
	unsigned int pos = skb_network_offset(skb) + sizeof(struct ipv6hdr);
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	int hops;

	for (hops = 0; hops < 16; hops++) {
		struct ipv6_rt_hdr _h;
		const struct ipv6_rt_hdr *h;

		if (nexthdr != NEXTHDR_HOP && nexthdr != NEXTHDR_ROUTING &&
		    nexthdr != NEXTHDR_DEST && nexthdr != NEXTHDR_FRAGMENT)
			return 0;
		h = skb_header_pointer(skb, pos, sizeof(_h), &_h);
		if (!h)
			return -EINVAL;
		if (nexthdr == NEXTHDR_ROUTING && h->segments_left) {
			*off = pos;
			return h->segments_left;
		}
		pos += nexthdr == NEXTHDR_FRAGMENT ? sizeof(struct frag_hdr) :
						     ipv6_optlen(h);
		nexthdr = h->nexthdr;
	}
	return 0;
}

/**
 * ipsec6_selector_flow_at - read the selector fields of the packet at @off
 * @skb: packet
 * @off: offset of its IPv6 header (from skb->data)
 * @outbound: remote is the destination (true) or the source (false)
 * @ifindex: interface the packet leaves or arrived on
 * @fl: result
 *
 * Walks the extension headers that precede the upper-layer header (AH and
 * ESP end the walk: they are the next protocol).  Outbound, the remote
 * address is the final destination of a routing header with segments
 * left, as the sender's routing lookup sees it; inbound, such a header
 * sets IPSEC6_FLOW_ROUTED (ipsec6_selector_route() finds it).  Returns 0,
 * or -EINVAL when the IPv6 header or the header chain is truncated; a
 * chain cut short still leaves the addresses in @fl, with the next header
 * reached as the protocol and IPSEC6_FLOW_OPAQUE set.
 */
int ipsec6_selector_flow_at(const struct sk_buff *skb, unsigned int off,
			    bool outbound, int ifindex,
			    struct ipsec6_flow *fl)
{
	struct ipv6hdr _ip6;
	const struct ipv6hdr *ip6;
	bool fragment = false, routed = false;
	u8 nexthdr;
	int hops;

	ip6 = skb_header_pointer(skb, off, sizeof(_ip6), &_ip6);
	if (!ip6)
		return -EINVAL;
	if (outbound) {
		fl->remote = ip6->daddr;
		fl->local = ip6->saddr;
	} else {
		fl->remote = ip6->saddr;
		fl->local = ip6->daddr;
	}
	fl->ifindex = ifindex;
	fl->flags = 0;
	fl->rport = 0;
	fl->lport = 0;
	fl->icmp_type = 0;
	fl->icmp_code = 0;
	nexthdr = ip6->nexthdr;
	off += sizeof(*ip6);

	for (hops = 0; hops < 16; hops++) {
		struct ipv6_rt_hdr _h;
		const struct ipv6_rt_hdr *h;

		if (nexthdr != NEXTHDR_HOP && nexthdr != NEXTHDR_ROUTING &&
		    nexthdr != NEXTHDR_DEST && nexthdr != NEXTHDR_FRAGMENT)
			break;
		h = skb_header_pointer(skb, off, sizeof(_h), &_h);
		if (!h)
			goto truncated;
		if (nexthdr == NEXTHDR_FRAGMENT) {
			struct frag_hdr _fh;
			const struct frag_hdr *fh;

			fh = skb_header_pointer(skb, off, sizeof(_fh), &_fh);
			if (!fh)
				goto truncated;
			if (fh->frag_off & htons(IP6_OFFSET))
				fragment = true;
			off += sizeof(*fh);
		} else {
			if (nexthdr == NEXTHDR_ROUTING && h->segments_left &&
			    !routed) {
				routed = true;
				fl->flags |= IPSEC6_FLOW_ROUTED;
				if (outbound &&
				    ipsec6_selector_segment(skb, off, &ip6->daddr,
							    h->segments_left - 1,
							    &fl->remote) == -EINVAL)
					goto truncated;
			}
			off += ipv6_optlen(h);
		}
		nexthdr = h->nexthdr;
	}
	fl->proto = nexthdr;

	if (fragment) {
		fl->flags |= IPSEC6_FLOW_OPAQUE;
		return 0;
	}
	if (ipsec6_proto_has_ports(nexthdr)) {
		__be16 _p[2];
		const __be16 *p = skb_header_pointer(skb, off, sizeof(_p), _p);

		if (p) {
			u16 sport = ntohs(p[0]), dport = ntohs(p[1]);

			fl->rport = outbound ? dport : sport;
			fl->lport = outbound ? sport : dport;
			fl->flags |= IPSEC6_FLOW_PORTS;
		}
	} else if (nexthdr == IPPROTO_ICMPV6) {
		u8 _t[2];
		const u8 *t = skb_header_pointer(skb, off, sizeof(_t), _t);

		if (t) {
			fl->icmp_type = t[0];
			fl->icmp_code = t[1];
			fl->flags |= IPSEC6_FLOW_ICMP;
		}
	}
	return 0;
truncated:
	fl->proto = nexthdr;
	fl->flags |= IPSEC6_FLOW_OPAQUE;
	return -EINVAL;
}

/**
 * ipsec6_selector_flow - read a packet's selector fields
 * @skb: packet, network header set
 * @outbound: remote is the destination (true) or the source (false)
 * @ifindex: interface the packet leaves or arrived on
 * @fl: result
 *
 * ipsec6_selector_flow_at() on the packet's own IPv6 header.
 */
int ipsec6_selector_flow(const struct sk_buff *skb, bool outbound,
			 int ifindex, struct ipsec6_flow *fl)
{
	return ipsec6_selector_flow_at(skb, skb_network_offset(skb), outbound,
				       ifindex, fl);
}

/**
 * ipsec6_selector_nd_mld - a multicast message of Neighbour Discovery or
 *	MLD, which no SA can protect and without which the link fails
 * @fl: the packet's selector fields
 * @outbound: the direction @fl was read in
 */
bool ipsec6_selector_nd_mld(const struct ipsec6_flow *fl, bool outbound)
{
	const struct in6_addr *dst = outbound ? &fl->remote : &fl->local;

	if (dst->s6_addr[0] != 0xff || fl->proto != IPPROTO_ICMPV6 ||
	    !(fl->flags & IPSEC6_FLOW_ICMP))
		return false;
	switch (fl->icmp_type) {
	case ICMPV6_MGM_QUERY:
	case ICMPV6_MGM_REPORT:
	case ICMPV6_MGM_REDUCTION:
	case ICMPV6_MLD2_REPORT:
	case NDISC_ROUTER_SOLICITATION:
	case NDISC_ROUTER_ADVERTISEMENT:
	case NDISC_NEIGHBOUR_SOLICITATION:
	case NDISC_NEIGHBOUR_ADVERTISEMENT:
	case NDISC_REDIRECT:
		return true;
	}
	return false;
}
