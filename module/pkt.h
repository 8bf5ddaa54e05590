/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_PKT_H
#define _IPSEC6_PKT_H

#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>
#include "spd.h"
#include "stats.h"

struct ipsec6_net;
struct ipsec6_sa;

/*
 * One packet's walk through the module: where it resumes in the stack and
 * which SAs it goes through.  Lives on the hook's stack; a transform that
 * goes asynchronous copies it into its crypto request memory and calls
 * ipsec6_output_done()/ipsec6_input_done() on completion.
 *
 * Output: @sa[0..@nsa) innermost first, @pos the one being applied.
 * Input: @sa[0..@nsa) in the order they were removed (outermost first),
 * @pos the one being removed;
 * @tun_src[i] is the outer source address when @sa[i] is a tunnel SA.
 * While @held, the packet also holds what its continuation uses
 * (ipsec6_pkt_hold()).
 */
struct ipsec6_pkt {
	struct nf_hook_state state;
	struct ipsec6_net *in;
	struct ipsec6_sa *sa[IPSEC6_BUNDLE_MAX];
	struct in6_addr tun_src[IPSEC6_BUNDLE_MAX];
	struct net_device *dev;		/* held skb->dev, if not in @state */
	netdevice_tracker in_tracker;	/* @state.in */
	netdevice_tracker out_tracker;	/* @state.out */
	netdevice_tracker dev_tracker;	/* @dev */
	u8 nsa;
	u8 pos;
	bool held;		/* references on @sa and @in->inflight */
	bool sk_held;		/* a reference on @state.sk */
	bool tunnel;		/* output: an outer header was added */
	bool spi_miss;		/* input: AH/ESP no SA of ours covers */
	u8 dscp_copy;		/* output: BIT(i): sa[i]'s policy copies DSCP */
	unsigned int off;	/* input: offset of the header in work */
	unsigned int nh_off;	/* input: its next-header byte */
	enum ipsec6_stats_attr drop;	/* reason when a step fails */
};

/* skb layout helpers (pkt.c). */
int ipsec6_pkt_make_room(struct sk_buff *skb, unsigned int head,
			 unsigned int tail);
void *ipsec6_pkt_insert(struct sk_buff *skb, unsigned int off,
			unsigned int len);
void ipsec6_pkt_remove(struct sk_buff *skb, unsigned int off,
		       unsigned int len);
void ipsec6_pkt_set_payload_len(struct sk_buff *skb);
int ipsec6_pkt_nexthdr_off(struct sk_buff *skb, unsigned int *off);

/* References for packets that leave the RCU section (pkt.c). */
int ipsec6_pkt_hold(struct ipsec6_pkt *pkt, struct sk_buff *skb);
void ipsec6_pkt_add_sa(struct ipsec6_pkt *pkt, struct ipsec6_sa *sa);
void ipsec6_pkt_release(struct ipsec6_pkt *pkt);
int ipsec6_pkt_resumable(struct ipsec6_pkt *pkt);
void ipsec6_pkt_count_drop(struct ipsec6_pkt *pkt,
			   enum ipsec6_stats_attr reason);
void ipsec6_pkt_drop(struct ipsec6_pkt *pkt, struct sk_buff *skb,
		     enum ipsec6_stats_attr reason);
unsigned int ipsec6_pkt_overhead(const struct ipsec6_sa *sa);

/*
 * Transforms (ah.c, esp.c).  @off is where the IPsec header goes (output)
 * or is (input), from the network header; @nh_off is the offset of the
 * next-header byte that names it.  They return 0 when done, -EINPROGRESS
 * when the crypto API completes later (the skb is theirs until the done
 * callback), or an error with pkt->drop set; on error the caller frees
 * the skb.
 */
int ipsec6_ah_output(struct sk_buff *skb, struct ipsec6_pkt *pkt,
		     struct ipsec6_sa *sa, unsigned int off,
		     unsigned int nh_off);
int ipsec6_ah_input(struct sk_buff *skb, struct ipsec6_pkt *pkt,
		    struct ipsec6_sa *sa, unsigned int off,
		    unsigned int nh_off);
int ipsec6_esp_output(struct sk_buff *skb, struct ipsec6_pkt *pkt,
		      struct ipsec6_sa *sa, unsigned int off,
		      unsigned int nh_off);
int ipsec6_esp_input(struct sk_buff *skb, struct ipsec6_pkt *pkt,
		     struct ipsec6_sa *sa, unsigned int off,
		     unsigned int nh_off);
unsigned int ipsec6_ah_overhead(const struct ipsec6_sa *sa);
unsigned int ipsec6_esp_overhead(const struct ipsec6_sa *sa,
				 unsigned int payload);

/* Sequence numbers on the send side (seq.c). */
int ipsec6_seq_next(struct ipsec6_sa *sa, u64 *seq);

/* Continuations (output.c, input.c, hooks.c). */
void ipsec6_output_done(struct sk_buff *skb, struct ipsec6_pkt *pkt,
			int err);
void ipsec6_input_done(struct sk_buff *skb, struct ipsec6_pkt *pkt, int err);
void ipsec6_hooks_resume(struct sk_buff *skb, struct nf_hook_state *state);

/* Hook bodies (output.c, input.c). */
unsigned int ipsec6_output_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state);
unsigned int ipsec6_input_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state);

/* TCP MSS clamping (mss.c). */
void ipsec6_mss_clamp(struct sk_buff *skb, u16 mss);

/* Per-SA accounting after a successful transform. */
void ipsec6_sa_account(struct ipsec6_sa *sa, unsigned int len);

/*
 * Count a packet a policy matched and note the time: the shared word is
 * written only when the second changed.
 */
static inline void ipsec6_policy_account(struct ipsec6_policy *pol,
					 unsigned int len)
{
	struct ipsec6_counters __percpu *c = ipsec6_counters_lazy(&pol->counts);
	u32 now = (u32)ktime_get_real_seconds();

	if (likely(c))
		ipsec6_counters_add(c, len);
	if (READ_ONCE(pol->last_used) != now)
		WRITE_ONCE(pol->last_used, now);
}

/* Count a drop against a policy. */
static inline void ipsec6_policy_drop(struct ipsec6_policy *pol)
{
	struct ipsec6_counters __percpu *c = ipsec6_counters_lazy(&pol->counts);

	if (likely(c))
		ipsec6_counters_drop(c);
}

#endif /* _IPSEC6_PKT_H */
