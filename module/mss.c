// SPDX-License-Identifier: GPL-2.0
/*
 * TCP MSS clamping for protected flows.  TCP sizes its segments from the
 * route's MTU and knows nothing of the bytes AH or ESP add, so the MSS
 * option of SYNs we protect (and of SYNs we receive protected) is lowered
 * to what fits once protected.  Without it every full-sized segment would
 * be fragmented after protection.
 */
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/tcp.h>
#include <net/ipv6.h>
#include "compat.h"
#include "pkt.h"

void ipsec6_mss_clamp(struct sk_buff *skb, u16 mss)
{
	unsigned int thoff, optlen, i;
	int off = sizeof(struct ipv6hdr);
	__be16 frag_off;
	struct tcphdr *th;
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	u8 *opt;

	off = ipv6_skip_exthdr(skb, off, &nexthdr, &frag_off);
	if (off < 0 || nexthdr != IPPROTO_TCP || frag_off)
		return;
	thoff = off;
	th = skb_header_pointer(skb, thoff, sizeof(*th), &(struct tcphdr){});
	if (!th || !th->syn || th->doff * 4 <= sizeof(*th))
		return;
	optlen = th->doff * 4;
	if (skb_ensure_writable(skb, thoff + optlen))
		return;
	th = (struct tcphdr *)(skb_network_header(skb) + thoff);
	opt = (u8 *)th;
	for (i = sizeof(*th); i + TCPOLEN_MSS <= optlen; ) {
		if (opt[i] == TCPOPT_EOL)
			return;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (opt[i + 1] < 2)
			return;
		if (opt[i] == TCPOPT_MSS && opt[i + 1] == TCPOLEN_MSS) {
			u16 old = get_unaligned_be16(opt + i + 2);

			if (old <= mss)
				return;
			put_unaligned_be16(mss, opt + i + 2);
			inet_proto_csum_replace2(&th->check, skb, htons(old),
						 htons(mss), false);
			return;
		}
		i += opt[i + 1];
	}
}
