// SPDX-License-Identifier: GPL-2.0
/*
 * UDP encapsulation of ESP (RFC 3948), as Linux XFRM's "encap espinudp".
 *
 * Outbound, esp.c puts a UDP header (the SA's ENCAP_SPORT -> ENCAP_DPORT)
 * in front of the ESP header and has its checksum computed here once the
 * ESP packet is complete: IPv6 requires a valid UDP checksum.
 *
 * Inbound, no socket option marks the port (a UDP_ENCAP socket would
 * hand the packets to XFRM).  Each generation lists the ENCAP_DPORTs of
 * its SAs that may receive (ipsec6_encap_prepare()); a UDP packet to
 * one of those ports whose payload is longer than an ESP header and
 * starts with a non-zero SPI is ESP for the SA of that SPI: the UDP header
 * is removed and the packet goes on as ESP.  The non-ESP marker (four zero
 * bytes: IKE) and the one-byte NAT keepalive 0xff go on to the socket
 * untouched, and are judged by the SPD like any UDP packet.
 */
#include <linux/netfilter.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <net/esp.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include "db.h"
#include "encap.h"
#include "netns.h"
#include "pkt.h"
#include "sad.h"
#include "tables.h"

/*
 * The ENCAP_DPORTs that receiving SAs of the published generation have,
 * each with the number of those SAs, sorted by port: usually one, 4500.
 * Kept by the writer; each generation (db.h) gets the list of ports.
 */
struct ipsec6_encap_ports {
	u32 n;
	struct {
		u16 port;	/* network order */
		u32 count;
	} p[];
};

/* Does @sa take ESP in UDP on its ENCAP_DPORT? */
static bool ipsec6_encap_receives(const struct ipsec6_sa *sa)
{
	return sa->encap_type && sa->dir != IPSEC6_DIR_OUT;
}

/* Add @d to the count of @port in @e, which has room for a new port. */
static void ipsec6_encap_add(struct ipsec6_encap_ports *e, __be16 port, int d)
{
	u16 p = (__force u16)port;
	u32 i, j;

	for (i = 0; i < e->n && e->p[i].port < p; i++)
		;
	if (i == e->n || e->p[i].port != p) {
		if (WARN_ON_ONCE(d < 0))
			return;
		for (j = e->n; j > i; j--)
			e->p[j] = e->p[j - 1];
		e->p[i].port = p;
		e->p[i].count = 0;
		e->n++;
	}
	e->p[i].count += d;
	if (!e->p[i].count) {
		for (j = i + 1; j < e->n; j++)
			e->p[j - 1] = e->p[j];
		e->n--;
	}
}

/**
 * ipsec6_encap_prepare - the encapsulation ports after a change set
 * @in: namespace, locked
 * @c: the change set about to be published
 * @next: the counts after it; *@next is @in->encap when @c changes none
 *
 * Returns 0 or -ENOMEM (nothing changed).  Pass *@next to
 * ipsec6_encap_publish() once @c is published, or to
 * ipsec6_encap_abort() if it is not.  O(ports + changed SAs).
 */
int ipsec6_encap_prepare(struct ipsec6_net *in, const struct ipsec6_change *c,
			 struct ipsec6_encap_ports **next)
{
	struct ipsec6_encap_ports *cur = in->encap, *e;
	u32 i, n = cur ? cur->n : 0, more = 0;

	lockdep_assert_held(&in->lock);
	*next = cur;
	for (i = 0; i < c->sa_born.n; i++) {
		const struct ipsec6_sa *sa = c->sa_born.v[i];

		if (ipsec6_encap_receives(sa) &&
		    ipsec6_gen_visible(&sa->life, c->gen))
			more++;
	}
	for (i = 0; i < c->sa_died.n && !more; i++) {
		const struct ipsec6_sa *sa = c->sa_died.v[i];

		if (ipsec6_encap_receives(sa) && sa->life.born != c->gen &&
		    !ipsec6_gen_visible(&sa->life, c->gen))
			more = 1;
	}
	if (!more)
		return 0;
	e = kmalloc(struct_size(e, p, n + more), GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;
	e->n = n;
	if (n)
		memcpy(e->p, cur->p, n * sizeof(e->p[0]));
	for (i = 0; i < c->sa_born.n; i++) {
		const struct ipsec6_sa *sa = c->sa_born.v[i];

		if (ipsec6_encap_receives(sa) &&
		    ipsec6_gen_visible(&sa->life, c->gen))
			ipsec6_encap_add(e, sa->encap_dport, 1);
	}
	for (i = 0; i < c->sa_died.n; i++) {
		const struct ipsec6_sa *sa = c->sa_died.v[i];

		if (ipsec6_encap_receives(sa) && sa->life.born != c->gen &&
		    !ipsec6_gen_visible(&sa->life, c->gen))
			ipsec6_encap_add(e, sa->encap_dport, -1);
	}
	*next = e;
	return 0;
}

/* The ports of @e (from ipsec6_encap_prepare()), counted. */
u32 ipsec6_encap_nports(const struct ipsec6_encap_ports *e)
{
	return e ? e->n : 0;
}

/* Fill the ports of a new generation from @e (it has room for them). */
void ipsec6_encap_fill(struct ipsec6_db *db, const struct ipsec6_encap_ports *e)
{
	u32 i;

	for (i = 0; i < db->nencap_ports; i++)
		db->encap_ports[i] = e->p[i].port;
}

/* The change set was published: @next counts now. */
void ipsec6_encap_publish(struct ipsec6_net *in,
			  struct ipsec6_encap_ports *next)
{
	lockdep_assert_held(&in->lock);
	if (next == in->encap)
		return;
	kfree(in->encap);
	in->encap = next->n ? next : NULL;
	if (!next->n)
		kfree(next);
}

/* The change set was not published. */
void ipsec6_encap_abort(struct ipsec6_net *in, struct ipsec6_encap_ports *next)
{
	if (next != in->encap)
		kfree(next);
}

/* Namespace exit. */
void ipsec6_encap_free(struct ipsec6_net *in)
{
	kfree(in->encap);
	in->encap = NULL;
}

/* A drop charged to @sa: it becomes the packet's SA in work, if room. */
static int ipsec6_encap_drop(struct ipsec6_pkt *pkt, struct ipsec6_sa *sa,
			     enum ipsec6_stats_attr reason)
{
	if (pkt->nsa < IPSEC6_BUNDLE_MAX)
		ipsec6_pkt_add_sa(pkt, sa);
	pkt->drop = reason;
	return -EINVAL;
}

static bool ipsec6_encap_port(const struct ipsec6_db *db, __be16 port)
{
	u32 lo = 0, hi = db->nencap_ports;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		u16 p = db->encap_ports[mid];

		if (p == (__force u16)port)
			return true;
		if (p < (__force u16)port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/**
 * ipsec6_encap_output - the UDP header in front of an ESP header
 * @skb: the packet, with sizeof(struct udphdr) bytes free at @off
 * @sa: the SA
 * @off: where the UDP header goes, from the network header
 *
 * Length and checksum are set by ipsec6_encap_csum() once ESP is done.
 */
void ipsec6_encap_output(struct sk_buff *skb, const struct ipsec6_sa *sa,
			 unsigned int off)
{
	struct udphdr *uh = (struct udphdr *)(skb->data + off);

	uh->source = sa->encap_sport;
	uh->dest = sa->encap_dport;
	uh->len = 0;
	uh->check = 0;
}

/**
 * ipsec6_encap_csum - UDP length and checksum of an encapsulated packet
 * @skb: the packet, ESP complete (encrypted, ICV written)
 * @off: offset of the UDP header from the network header
 *
 * IPv6 forbids a zero UDP checksum (RFC 8200 8.1), so it is computed in
 * full, as esp6 does, with the addresses of the IPv6 header in front.
 */
void ipsec6_encap_csum(struct sk_buff *skb, unsigned int off)
{
	struct udphdr *uh = (struct udphdr *)(skb->data + off);
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);
	unsigned int len = skb->len - off;

	uh->len = htons(len);
	uh->check = 0;
	uh->check = csum_ipv6_magic(&ip6->saddr, &ip6->daddr, len, IPPROTO_UDP,
				    skb_checksum(skb, off, len, 0));
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
	skb->ip_summed = CHECKSUM_NONE;
}

/**
 * ipsec6_encap_input - is this UDP packet ESP for one of our SAs?
 * @skb: the packet, at PRE_ROUTING
 * @pkt: its walk
 * @db: the generation the packet sees
 * @off: offset of the UDP header
 * @nh_off: offset of the next-header byte that names it
 *
 * Returns 1 when it was: the UDP header is gone and ESP is at @off, named
 * by @nh_off.  Returns 0 for a packet that goes on as UDP: not to an
 * encapsulation port, IKE (non-ESP marker) or a NAT keepalive.  Returns
 * an error with pkt->drop set for ESP in UDP that no SA of ours has
 * (UNKNOWN_SPI: the port is our SAs', as XFRM drops what its encap socket
 * cannot take), that the SA does not take (ENCAP_MISMATCH), or with a bad
 * UDP checksum (MALFORMED).
 */
int ipsec6_encap_input(struct sk_buff *skb, struct ipsec6_pkt *pkt,
		       const struct ipsec6_db *db, unsigned int off,
		       unsigned int nh_off)
{
	struct udphdr _uh;
	const struct udphdr *uh;
	__be32 _spi;
	const __be32 *spi;
	struct ipsec6_sa *sa;
	unsigned int len = skb->len - off;

	uh = skb_header_pointer(skb, off, sizeof(_uh), &_uh);
	if (!uh || !ipsec6_encap_port(db, uh->dest))
		return 0;
	/* A bad length is the stack's to drop; IKE and keepalives are short. */
	if (ntohs(uh->len) != len ||
	    len <= sizeof(*uh) + sizeof(struct ip_esp_hdr))
		return 0;
	spi = skb_header_pointer(skb, off + sizeof(*uh), sizeof(_spi), &_spi);
	if (!spi || !*spi)
		return 0;
	sa = ipsec6_sad_lookup(db, *spi, &ipv6_hdr(skb)->daddr, IPPROTO_ESP);
	if (!sa || sa->dir == IPSEC6_DIR_OUT) {
		pkt->drop = IPSEC6_STATS_A_UNKNOWN_SPI;
		return -ENOENT;
	}
	if (sa->encap_type != UDP_ENCAP_ESPINUDP ||
	    sa->encap_dport != uh->dest)
		return ipsec6_encap_drop(pkt, sa, IPSEC6_STATS_A_ENCAP_MISMATCH);
	if (nf_checksum(skb, NF_INET_PRE_ROUTING, off, IPPROTO_UDP, AF_INET6))
		return ipsec6_encap_drop(pkt, sa, IPSEC6_STATS_A_MALFORMED);
	if (ipsec6_pkt_make_room(skb, 0, 0)) {
		pkt->drop = IPSEC6_STATS_A_NOMEM;
		return -ENOMEM;
	}
	skb->data[nh_off] = IPPROTO_ESP;
	ipsec6_pkt_remove(skb, off, sizeof(struct udphdr));
	ipsec6_pkt_set_payload_len(skb);
	skb->ip_summed = CHECKSUM_NONE;
	return 1;
}
