// SPDX-License-Identifier: GPL-2.0
/*
 * ICMPv6 errors: the packet they quote.
 *
 * RFC 4301 6.2: an error message quotes the packet that caused it, which
 * may be the plaintext of a packet that travelled protected.  When the
 * return traffic of the quoted packet (its addresses and ports swapped) is
 * under an APPLY policy, the error belongs to that traffic: output.c sends
 * it under that policy, input.c accepts it only through SAs that serve
 * that policy (so never in cleartext).  A quote of the AH or ESP packet
 * itself, as a router on the path sends it, is no plaintext.
 *
 * Packet Too Big (RFC 4301 6.1.2): the kernel hands an ICMPv6 error to the
 * handler of the protocol the offending packet carried; for AH and ESP
 * those belong to XFRM, which knows nothing of our SAs.  So once the
 * inbound SPD has accepted a Packet Too Big, input.c passes it here: one
 * that quotes an AH or ESP packet of one of our outbound SAs lowers the
 * path MTU towards that SA's destination, the route the protected packets
 * take.  In tunnel mode, the next inner packet that no longer fits once
 * protected then makes output.c send the inner flow's source a Packet Too
 * Big of its own (or fragment the protected packet when that MTU would be
 * below the IPv6 minimum), so the original sender learns the path MTU of
 * the tunnel.  In transport mode the route is the inner flow's own: its
 * senders size their packets to it and output.c fragments what no longer
 * fits once protected.
 *
 * The message goes on to the kernel's ICMPv6 code afterwards as usual.
 * Runs in the hooks under RCU, the network header at skb->data.
 */
#include <linux/icmpv6.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include "db.h"
#include "icmp.h"
#include "sad.h"
#include "selector.h"

/*
 * Offset of the ICMPv6 header of an error message (with its header in
 * @ih), or a negative error.
 */
static int ipsec6_icmp_error(const struct sk_buff *skb, struct icmp6hdr *ih)
{
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	const struct icmp6hdr *h;
	__be16 frag_off;
	int off;

	off = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &nexthdr,
			       &frag_off);
	if (off < 0 || nexthdr != IPPROTO_ICMPV6 || frag_off)
		return -ENOENT;
	h = skb_header_pointer(skb, off, sizeof(*ih), ih);
	/* RFC 4443 2.1: types 0-127 are errors and quote a packet. */
	if (!h || (h->icmp6_type & ICMPV6_INFOMSG_MASK))
		return -ENOENT;
	*ih = *h;
	return off;
}

/*
 * The outbound SA that sent the quoted packet at @eoff, if it is AH or
 * ESP of ours.
 */
static struct ipsec6_sa *ipsec6_icmp_sa(const struct sk_buff *skb,
					unsigned int eoff,
					const struct ipsec6_db *db)
{
	const struct ipv6hdr *eh;
	struct ipv6hdr _eh;
	u8 nexthdr;
	__be16 frag_off;
	__be32 _spi;
	const __be32 *spi;
	struct ipsec6_sa *sa;
	int off;

	eh = skb_header_pointer(skb, eoff, sizeof(_eh), &_eh);
	if (!eh || eh->version != 6)
		return NULL;
	nexthdr = eh->nexthdr;
	off = ipv6_skip_exthdr(skb, eoff + sizeof(*eh), &nexthdr, &frag_off);
	if (off < 0 || frag_off ||
	    (nexthdr != IPPROTO_ESP && nexthdr != IPPROTO_AH))
		return NULL;
	/* The SPI: first in ESP, behind next header, length, reserved in AH. */
	spi = skb_header_pointer(skb, off + (nexthdr == IPPROTO_AH ? 4 : 0),
				 sizeof(_spi), &_spi);
	if (!spi)
		return NULL;
	sa = ipsec6_sad_lookup(db, *spi, &eh->daddr, nexthdr);
	if (!sa || sa->dir == IPSEC6_DIR_IN)
		return NULL;
	return sa;
}

/**
 * ipsec6_icmp_quote - the return traffic of the packet an ICMPv6 error
 *	quotes
 * @skb: the packet, network header at skb->data
 * @fl: its selector fields
 * @outbound: the direction @fl was read in, and @q is for
 * @q: result: the quoted packet's selector fields with source and
 *	destination (addresses and ports) swapped
 *
 * Returns 0, or -ENOENT if @skb is no ICMPv6 error or quotes no whole IPv6
 * header.  A quote cut short inside its extension headers gives its
 * addresses only (IPSEC6_FLOW_OPAQUE, as a non-initial fragment).
 */
int ipsec6_icmp_quote(const struct sk_buff *skb, const struct ipsec6_flow *fl,
		      bool outbound, struct ipsec6_flow *q)
{
	struct icmp6hdr ih;
	int off;

	if (fl->proto != IPPROTO_ICMPV6 || !(fl->flags & IPSEC6_FLOW_ICMP) ||
	    (fl->icmp_type & ICMPV6_INFOMSG_MASK))
		return -ENOENT;
	off = ipsec6_icmp_error(skb, &ih);
	if (off < 0)
		return off;
	/* Our outbound packet seen inbound, and the other way round. */
	if (ipsec6_selector_flow_at(skb, off + sizeof(ih), !outbound,
				    fl->ifindex, q) &&
	    !(q->flags & IPSEC6_FLOW_OPAQUE))
		return -ENOENT;
	return 0;
}

/**
 * ipsec6_icmp_quotes_sa - does an ICMPv6 error quote an AH or ESP packet
 *	of one of our outbound SAs?
 * @skb: the packet, network header at skb->data
 * @db: the current tables
 */
bool ipsec6_icmp_quotes_sa(const struct sk_buff *skb,
			   const struct ipsec6_db *db)
{
	struct icmp6hdr ih;
	int off = ipsec6_icmp_error(skb, &ih);

	return off >= 0 && ipsec6_icmp_sa(skb, off + sizeof(ih), db);
}

/**
 * ipsec6_icmp_input - act on a Packet Too Big about one of our AH or ESP
 *	packets
 * @net: the namespace
 * @skb: the packet, network header at skb->data, accepted by the SPD
 * @db: the current tables
 *
 * Lowers the path MTU of the route to the quoted packet's destination.
 * May pull the quoted header into the linear area; leaves skb->data where
 * it was.
 */
void ipsec6_icmp_input(struct net *net, struct sk_buff *skb,
		       const struct ipsec6_db *db)
{
	struct icmp6hdr ih;
	unsigned int eoff;
	int off;

	off = ipsec6_icmp_error(skb, &ih);
	if (off < 0 || ih.icmp6_type != ICMPV6_PKT_TOOBIG)
		return;
	eoff = off + sizeof(ih);
	if (!ipsec6_icmp_sa(skb, eoff, db))
		return;
	/* ip6_update_pmtu() reads the quoted header at skb->data. */
	if (!pskb_may_pull(skb, eoff + sizeof(struct ipv6hdr)))
		return;
	__skb_pull(skb, eoff);
	ip6_update_pmtu(skb, net, ih.icmp6_mtu, 0, 0, sock_net_uid(net, NULL));
	__skb_push(skb, eoff);
}
