// SPDX-License-Identifier: GPL-2.0
/*
 * Packet plumbing shared by input, output, AH and ESP: making room in an
 * skb, inserting and removing headers behind the unfragmentable part, and
 * the references a packet holds while it waits for asynchronous crypto.
 *
 * At both of our hooks skb->data is the network header.
 */
#include <linux/skbuff.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include "encap.h"
#include "lifetime.h"
#include "netns.h"
#include "pkt.h"
#include "sad.h"

/**
 * ipsec6_pkt_make_room - make an skb linear, private and roomy
 * @skb: the packet
 * @head: bytes needed in front of skb->data
 * @tail: bytes needed after the end
 *
 * After this the payload can be rewritten in place: the data is no longer
 * shared with clones (a TCP retransmit queue, a packet socket).
 */
int ipsec6_pkt_make_room(struct sk_buff *skb, unsigned int head,
			 unsigned int tail)
{
	unsigned int nhead, ntail;

	if (skb_is_nonlinear(skb) && __skb_linearize(skb))
		return -ENOMEM;
	nhead = head > skb_headroom(skb) ? head - skb_headroom(skb) : 0;
	ntail = tail > skb_tailroom(skb) ? tail - skb_tailroom(skb) : 0;
	if (!nhead && !ntail && !skb_cloned(skb))
		return 0;
	return pskb_expand_head(skb, nhead ? ALIGN(nhead, 32) : 0,
				ntail ? ALIGN(ntail, 32) : 0, GFP_ATOMIC);
}

/*
 * Keep the transport header on the bytes it named, relative to the moved
 * network header: in front of the change it keeps its offset; behind the
 * change it moves with the bytes; if it named removed bytes, it now names
 * what followed them.
 */
static void ipsec6_pkt_fix_transport(struct sk_buff *skb, int thoff,
				     unsigned int off, int delta)
{
	if (thoff == INT_MIN)
		return;
	if (thoff < (int)off)
		skb_set_transport_header(skb, thoff);
	else
		skb_set_transport_header(skb, max_t(int, off, thoff + delta));
}

static int ipsec6_pkt_thoff(const struct sk_buff *skb)
{
	if (!skb_transport_header_was_set(skb))
		return INT_MIN;
	return skb->transport_header - skb->network_header;
}

/**
 * ipsec6_pkt_insert - open a gap of @len bytes at @off from the network
 * header, moving the @off bytes in front of it
 * @skb: packet with at least @len bytes of headroom
 * @off: offset of the gap
 * @len: size of the gap
 *
 * Returns a pointer to the gap.
 */
void *ipsec6_pkt_insert(struct sk_buff *skb, unsigned int off,
			unsigned int len)
{
	int thoff = ipsec6_pkt_thoff(skb);

	skb_push(skb, len);
	memmove(skb->data, skb->data + len, off);
	skb_reset_network_header(skb);
	ipsec6_pkt_fix_transport(skb, thoff, off, len);
	return skb->data + off;
}

/**
 * ipsec6_pkt_remove - close @len bytes at @off from the network header
 * @skb: linear packet
 * @off: offset of the bytes to drop
 * @len: how many
 */
void ipsec6_pkt_remove(struct sk_buff *skb, unsigned int off,
		       unsigned int len)
{
	int thoff = ipsec6_pkt_thoff(skb);

	memmove(skb->data + len, skb->data, off);
	__skb_pull(skb, len);
	skb_reset_network_header(skb);
	ipsec6_pkt_fix_transport(skb, thoff, off, -(int)len);
	if (skb_mac_header_was_set(skb))
		skb_mac_header_rebuild(skb);
}

void ipsec6_pkt_set_payload_len(struct sk_buff *skb)
{
	ipv6_hdr(skb)->payload_len = htons(skb->len - sizeof(struct ipv6hdr));
}

/**
 * ipsec6_pkt_nexthdr_off - where transport mode puts its header
 * @skb: packet
 * @off_out: set to the offset, from the network header, behind the headers
 *	 that stay in front (hop-by-hop, routing, destination options
 *	 before a routing header: RFC 8200 4.1)
 *
 * Returns the offset of the next-header byte that names what follows, or
 * a negative error for a malformed header chain.
 */
int ipsec6_pkt_nexthdr_off(struct sk_buff *skb, unsigned int *off_out)
{
	u8 *nexthdr;
	int off;

	off = ip6_find_1stfragopt(skb, &nexthdr);
	if (off < 0)
		return off;
	*off_out = off;
	return nexthdr - skb_network_header(skb);
}

/*
 * A packet that goes asynchronous leaves the RCU section of its hook.
 * Until it comes back it holds what its continuation uses, as a packet
 * queued by nf_queue does:
 *  - its SAs;
 *  - the devices of its hook state and skb->dev (for a bridged packet at
 *    POST_ROUTING the port, physoutdev; the bridge is @state.out and owns
 *    a fake route the packet may carry; physindev is looked up by index).
 *    A device can be deleted, or its namespace dismantled, while the
 *    packet waits: device exit runs before our pernet exit, and
 *    unregistering waits for these references;
 *  - the socket of its hook state, unless it is skb->sk, which the packet
 *    owns anyway; a socket prefetched by early demux without a reference
 *    gets one, as ip_rcv_finish_core() would;
 *  - its route (a forwarded packet's is only RCU-protected);
 *  - and it counts as in flight in its namespace, whose exit waits for it:
 *    that keeps @in and @state.net.
 * Returns 0, or an error with pkt->drop set when the route or the socket
 * is already going away (the packet is dropped, as nf_queue does).
 */
int ipsec6_pkt_hold(struct ipsec6_pkt *pkt, struct sk_buff *skb)
{
	struct nf_hook_state *st = &pkt->state;
	unsigned int i;

	if (pkt->held)
		return 0;
	if (skb_dst(skb) && !skb_dst_force(skb))
		goto gone;
	if (skb_sk_is_prefetched(skb) && !sk_is_refcounted(skb->sk)) {
		if (!refcount_inc_not_zero(&skb->sk->sk_refcnt))
			goto gone;
		skb->destructor = sock_edemux;
	}
	pkt->sk_held = st->sk && st->sk != skb->sk;
	if (pkt->sk_held && !refcount_inc_not_zero(&st->sk->sk_refcnt))
		goto gone;
	pkt->dev = skb->dev != st->in && skb->dev != st->out ? skb->dev : NULL;
	netdev_hold(st->in, &pkt->in_tracker, GFP_ATOMIC);
	netdev_hold(st->out, &pkt->out_tracker, GFP_ATOMIC);
	netdev_hold(pkt->dev, &pkt->dev_tracker, GFP_ATOMIC);
	for (i = 0; i < pkt->nsa; i++)
		ipsec6_sad_sa_get(pkt->sa[i]);
	atomic_inc(&pkt->in->inflight);
	pkt->held = true;
	return 0;
gone:
	pkt->drop = IPSEC6_STATS_A_NO_ROUTE;
	return -ENETDOWN;
}

/**
 * ipsec6_pkt_resumable - may a packet back from asynchronous crypto go on?
 * @pkt: the packet, held
 *
 * Not in a namespace being dismantled: device exit runs before our pernet
 * exit, so its devices may be freed already, and beyond the ones the
 * packet holds the stack would touch some (its loopback, which the null
 * route points to).  The check is safe against a namespace starting to go
 * right after it: the caller is in an RCU read-side section, and the
 * devices are freed only after a grace period that follows.  Returns 0,
 * or an error with pkt->drop set.
 */
int ipsec6_pkt_resumable(struct ipsec6_pkt *pkt)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "ipsec6: resuming outside RCU");
	if (likely(check_net(pkt->state.net)))
		return 0;
	pkt->drop = IPSEC6_STATS_A_NO_ROUTE;
	return -ENETDOWN;
}

/* Input: the SA that removes the next header (it becomes the one in work). */
void ipsec6_pkt_add_sa(struct ipsec6_pkt *pkt, struct ipsec6_sa *sa)
{
	pkt->pos = pkt->nsa;
	pkt->sa[pkt->nsa++] = sa;
	if (pkt->held)
		ipsec6_sad_sa_get(sa);
}

void ipsec6_pkt_release(struct ipsec6_pkt *pkt)
{
	struct ipsec6_net *in = pkt->in;
	unsigned int i;

	if (!pkt->held)
		return;
	for (i = 0; i < pkt->nsa; i++)
		ipsec6_sad_sa_put(pkt->sa[i]);
	netdev_put(pkt->state.in, &pkt->in_tracker);
	netdev_put(pkt->state.out, &pkt->out_tracker);
	netdev_put(pkt->dev, &pkt->dev_tracker);
	if (pkt->sk_held)
		sock_gen_put(pkt->state.sk);
	pkt->held = false;
	/* Last: the namespace may go once this reaches zero. */
	if (atomic_dec_and_test(&in->inflight))
		wake_up_var(&in->inflight);
}

/* Count a drop on the namespace and, if known, the SA in work. */
void ipsec6_pkt_count_drop(struct ipsec6_pkt *pkt,
			   enum ipsec6_stats_attr reason)
{
	if (pkt->nsa)
		ipsec6_sa_counters_drop(&pkt->sa[min_t(u8, pkt->pos,
						       pkt->nsa - 1)]->live->counts);
	ipsec6_stats_drop(pkt->in, reason);
}

void ipsec6_pkt_drop(struct ipsec6_pkt *pkt, struct sk_buff *skb,
		     enum ipsec6_stats_attr reason)
{
	ipsec6_pkt_count_drop(pkt, reason);
	kfree_skb(skb);
}

/* Largest growth an SA can cause, for MTU and MSS decisions. */
unsigned int ipsec6_pkt_overhead(const struct ipsec6_sa *sa)
{
	unsigned int n = sa->mode == IPSEC6_MODE_TUNNEL ?
			 sizeof(struct ipv6hdr) : 0;

	if (sa->proto == IPPROTO_AH)
		return n + ipsec6_ah_overhead(sa);
	return n + ipsec6_encap_len(sa) + ipsec6_esp_overhead(sa, 0) +
	       max_t(unsigned int, sa->crypto.block, 4) - 1;
}

void ipsec6_sa_account(struct ipsec6_sa *sa, unsigned int len)
{
	time64_t now = ktime_get_real_seconds();

	ipsec6_sa_counters_add(&sa->live->counts, len);
	if (unlikely(!READ_ONCE(sa->live->use_time)))
		WRITE_ONCE(sa->live->use_time, now);
	/* Not a shared cache line written per packet: once a second. */
	if (READ_ONCE(sa->live->last_used) != now)
		WRITE_ONCE(sa->live->last_used, now);
}

/**
 * ipsec6_seq_next - the next outbound sequence number of an SA
 * @sa: outbound SA
 * @seq: result
 *
 * RFC 4303 3.3.3: the counter never cycles.  When the SA runs out, it is
 * marked expired and the event is announced once.
 */
int ipsec6_seq_next(struct ipsec6_sa *sa, u64 *seq)
{
	u64 s = atomic64_inc_return(&sa->live->oseq);
	bool esn = sa->flags & IPSEC6_SA_F_ESN;

	if (unlikely(esn ? s == 0 : s > U32_MAX)) {
		atomic64_set(&sa->live->oseq, esn ? U64_MAX : U32_MAX);
		ipsec6_lifetime_expire(sa, IPSEC6_EXPIRE_SEQ);
		return -EOVERFLOW;
	}
	*seq = s;
	return 0;
}
