// SPDX-License-Identifier: GPL-2.0
/*
 * Traffic selectors: what part of a packet a policy matches on, and reading
 * those fields out of a packet.
 */
#include <linux/skbuff.h>
#include <linux/ipv6.h>
#include <net/ipv6.h>
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

/**
 * ipsec6_selector_flow - read a packet's selector fields
 * @skb: packet, network header set
 * @outbound: remote is the destination (true) or the source (false)
 * @ifindex: interface the packet leaves or arrived on
 * @fl: result
 *
 * Walks the extension headers that precede the upper-layer header (AH and
 * ESP end the walk: they are the next protocol).  Returns 0 or -EINVAL for a
 * truncated header chain.
 */
int ipsec6_selector_flow(const struct sk_buff *skb, bool outbound,
			 int ifindex, struct ipsec6_flow *fl)
{
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);
	unsigned int off = skb_network_offset(skb) + sizeof(*ip6);
	bool fragment = false;
	u8 nexthdr = ip6->nexthdr;
	int hops;

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

	for (hops = 0; hops < 16; hops++) {
		struct ipv6_opt_hdr _h;
		const struct ipv6_opt_hdr *h;

		if (nexthdr != NEXTHDR_HOP && nexthdr != NEXTHDR_ROUTING &&
		    nexthdr != NEXTHDR_DEST && nexthdr != NEXTHDR_FRAGMENT)
			break;
		h = skb_header_pointer(skb, off, sizeof(_h), &_h);
		if (!h)
			return -EINVAL;
		if (nexthdr == NEXTHDR_FRAGMENT) {
			struct frag_hdr _fh;
			const struct frag_hdr *fh;

			fh = skb_header_pointer(skb, off, sizeof(_fh), &_fh);
			if (!fh)
				return -EINVAL;
			if (fh->frag_off & htons(IP6_OFFSET))
				fragment = true;
			off += sizeof(*fh);
		} else {
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
}
