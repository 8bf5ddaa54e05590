// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: module/selector.c in user space.
 *
 * Input: a selector (struct ipsec6_sel's fields, 52 bytes), then a packet
 * (an IPv6 header and whatever follows).  Checks:
 *  - ipsec6_selector_flow() never reads past the packet (ASan: the packet
 *    is allocated to its exact length) and fills a consistent flow;
 *    outbound, the remote address of a packet with a routing header is
 *    its final destination, and every address left in that header is
 *    read within the packet (ipsec6_selector_route()/_segment());
 *  - ipsec6_selector_match() agrees with a plain re-implementation
 *    written from the comments of selector.h (RFC 4301 4.4.1.1);
 *  - the wildcard selector matches every flow, and the selector built
 *    exactly from a flow (every field present) matches it.
 */
#include "kshim.h"
#include "../../module/selector.c"

#include <stdio.h>

static int ref_cmp(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, 16);
}

static bool ref_in(const struct ipsec6_addr_range *r, const struct in6_addr *a)
{
	return ref_cmp(&r->start, a) <= 0 && ref_cmp(a, &r->end) <= 0;
}

static bool ref_match(const struct ipsec6_sel *s, const struct ipsec6_flow *f)
{
	u8 p = s->present;

	if ((p & IPSEC6_SEL_IFINDEX) && s->ifindex != (u32)f->ifindex)
		return false;
	if ((p & IPSEC6_SEL_REMOTE) && !ref_in(&s->remote, &f->remote))
		return false;
	if ((p & IPSEC6_SEL_LOCAL) && !ref_in(&s->local, &f->local))
		return false;
	if (!(p & IPSEC6_SEL_PROTO))
		return true;	/* ports and ICMP only qualify a protocol */
	if (s->proto != f->proto)
		return false;
	if ((p & (IPSEC6_SEL_RPORT | IPSEC6_SEL_LPORT)) &&
	    !(f->flags & IPSEC6_FLOW_PORTS))
		return false;
	if ((p & IPSEC6_SEL_RPORT) &&
	    !(s->rport_start <= f->rport && f->rport <= s->rport_end))
		return false;
	if ((p & IPSEC6_SEL_LPORT) &&
	    !(s->lport_start <= f->lport && f->lport <= s->lport_end))
		return false;
	if ((p & IPSEC6_SEL_ICMP_TYPE) &&
	    (!(f->flags & IPSEC6_FLOW_ICMP) || s->icmp_type != f->icmp_type))
		return false;
	if ((p & IPSEC6_SEL_ICMP_TYPE) && (p & IPSEC6_SEL_ICMP_CODE) &&
	    s->icmp_code != f->icmp_code)
		return false;
	return true;
}

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "selector_fuzz: %s\n", what);
		abort();
	}
}

/*
 * A routing header with segments left: every address it still leads to
 * is read within the packet, the last is the final destination, which an
 * outbound flow has as its remote address.
 */
static void check_route(const struct sk_buff *skb,
			const struct ipsec6_flow *fl, int dir)
{
	const struct ipv6hdr *ip6 = (const void *)skb->data;
	struct in6_addr a;
	unsigned int off, k;
	int left, err;

	left = ipsec6_selector_route(skb, &off);
	check(left > 0, "route: flagged, but no routing header found");
	for (k = 0; k < (unsigned int)left; k++) {
		err = ipsec6_selector_segment(skb, off, &ip6->daddr, k, &a);
		check(err == 0 || err == -EINVAL || err == -EOPNOTSUPP,
		      "segment: unexpected return value");
	}
	check(ipsec6_selector_segment(skb, off, &ip6->daddr, left, &a) ==
	      -ENOENT, "segment: past the last");
	if (!dir)
		return;
	/* flow succeeded, so the final address was readable or unknown */
	err = ipsec6_selector_segment(skb, off, &ip6->daddr, left - 1, &a);
	check(err != -EINVAL, "route: flow read an unreadable final address");
	check(!memcmp(&fl->remote, err ? &ip6->daddr : &a, 16),
	      "route: remote is not the final destination");
}

#define SEL_BYTES	(16 * 4 + 2 * 4 + 3 + 1 + 4)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipsec6_sel sel, any, exact;
	struct ipsec6_flow fl;
	struct sk_buff skb;
	const uint8_t *d = data;
	size_t plen;
	int rc, dir;

	if (size < SEL_BYTES + 1 + sizeof(struct ipv6hdr))
		return 0;
	memset(&sel, 0, sizeof(sel));
	memcpy(&sel.remote.start, d, 16);
	memcpy(&sel.remote.end, d + 16, 16);
	memcpy(&sel.local.start, d + 32, 16);
	memcpy(&sel.local.end, d + 48, 16);
	d += 64;
	sel.rport_start = d[0] << 8 | d[1];
	sel.rport_end = d[2] << 8 | d[3];
	sel.lport_start = d[4] << 8 | d[5];
	sel.lport_end = d[6] << 8 | d[7];
	sel.proto = d[8];
	sel.icmp_type = d[9];
	sel.icmp_code = d[10];
	sel.present = d[11];
	sel.ifindex = d[12] & 3;
	d += SEL_BYTES - 64;
	dir = *d++ & 1;

	/* The packet, exactly as long as the rest of the input. */
	plen = size - (size_t)(d - data);
	skb.data = malloc(plen);
	memcpy(skb.data, d, plen);
	skb.len = (unsigned int)plen;
	skb.network_offset = 0;

	memset(&fl, 0xa5, sizeof(fl));
	rc = ipsec6_selector_flow(&skb, dir, 2, &fl);
	check(rc == 0 || rc == -EINVAL, "flow: unexpected return value");
	/* A chain cut short still gives the addresses, as opaque. */
	check(rc == 0 || (fl.flags & IPSEC6_FLOW_OPAQUE),
	      "flow: truncated chain not opaque");
	if (rc == 0) {
		const struct ipv6hdr *ip6 = (const void *)skb.data;

		check(fl.ifindex == 2, "flow: ifindex");
		check(!memcmp(&fl.remote, dir ? &ip6->daddr : &ip6->saddr, 16) ||
		      (dir && (fl.flags & IPSEC6_FLOW_ROUTED)),
		      "flow: remote address");
		check(!memcmp(&fl.local, dir ? &ip6->saddr : &ip6->daddr, 16),
		      "flow: local address");
		check(!(fl.flags & ~15), "flow: unknown flags");
		if (fl.flags & IPSEC6_FLOW_ROUTED)
			check_route(&skb, &fl, dir);
		check(!((fl.flags & IPSEC6_FLOW_OPAQUE) &&
			(fl.flags & (IPSEC6_FLOW_PORTS | IPSEC6_FLOW_ICMP))),
		      "flow: a non-initial fragment with ports");
		check(!((fl.flags & IPSEC6_FLOW_PORTS) &&
			(fl.flags & IPSEC6_FLOW_ICMP)), "flow: ports and ICMP");
		check((fl.flags & IPSEC6_FLOW_PORTS) || (!fl.rport && !fl.lport),
		      "flow: ports without IPSEC6_FLOW_PORTS");

		check(ipsec6_selector_match(&sel, &fl) == ref_match(&sel, &fl),
		      "match differs from the reference");

		ipsec6_selector_init_any(&any);
		check(ipsec6_selector_match(&any, &fl), "wildcard: no match");
		any.present = 0xff & ~(IPSEC6_SEL_ICMP_TYPE |
				       IPSEC6_SEL_ICMP_CODE | IPSEC6_SEL_PROTO |
				       IPSEC6_SEL_IFINDEX);
		check(ipsec6_selector_match(&any, &fl),
		      "full-range addresses and ports: no match");

		memset(&exact, 0, sizeof(exact));
		exact.remote.start = exact.remote.end = fl.remote;
		exact.local.start = exact.local.end = fl.local;
		exact.proto = fl.proto;
		exact.ifindex = 2;
		exact.present = IPSEC6_SEL_REMOTE | IPSEC6_SEL_LOCAL |
				IPSEC6_SEL_PROTO | IPSEC6_SEL_IFINDEX;
		if (fl.flags & IPSEC6_FLOW_PORTS) {
			exact.rport_start = exact.rport_end = fl.rport;
			exact.lport_start = exact.lport_end = fl.lport;
			exact.present |= IPSEC6_SEL_RPORT | IPSEC6_SEL_LPORT;
		}
		if (fl.flags & IPSEC6_FLOW_ICMP) {
			exact.icmp_type = fl.icmp_type;
			exact.icmp_code = fl.icmp_code;
			exact.present |= IPSEC6_SEL_ICMP_TYPE |
					 IPSEC6_SEL_ICMP_CODE;
		}
		check(ipsec6_selector_match(&exact, &fl),
		      "exact selector: no match");
		/* The address comparison is a total order (memcmp). */
		check(ipsec6_selector_addr_in(&sel.remote, &fl.remote) ==
		      ref_in(&sel.remote, &fl.remote), "addr_in");
	}
	free(skb.data);
	return 0;
}
