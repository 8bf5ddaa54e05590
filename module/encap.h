/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_ENCAP_H
#define _IPSEC6_ENCAP_H

#include <linux/skbuff.h>
#include <linux/udp.h>
#include "sad.h"

struct ipsec6_change;
struct ipsec6_db;
struct ipsec6_encap_ports;
struct ipsec6_net;
struct ipsec6_pkt;

/* Bytes UDP encapsulation (RFC 3948) adds in front of ESP. */
static inline unsigned int ipsec6_encap_len(const struct ipsec6_sa *sa)
{
	return sa->encap_type ? sizeof(struct udphdr) : 0;
}

int ipsec6_encap_prepare(struct ipsec6_net *in, const struct ipsec6_change *c,
			 struct ipsec6_encap_ports **next);
u32 ipsec6_encap_nports(const struct ipsec6_encap_ports *e);
void ipsec6_encap_fill(struct ipsec6_db *db,
		       const struct ipsec6_encap_ports *e);
void ipsec6_encap_publish(struct ipsec6_net *in,
			  struct ipsec6_encap_ports *next);
void ipsec6_encap_abort(struct ipsec6_net *in, struct ipsec6_encap_ports *next);
void ipsec6_encap_free(struct ipsec6_net *in);
void ipsec6_encap_output(struct sk_buff *skb, const struct ipsec6_sa *sa,
			 unsigned int off);
void ipsec6_encap_csum(struct sk_buff *skb, unsigned int off);
int ipsec6_encap_input(struct sk_buff *skb, struct ipsec6_pkt *pkt,
		       const struct ipsec6_db *db, unsigned int off,
		       unsigned int nh_off);

#endif /* _IPSEC6_ENCAP_H */
