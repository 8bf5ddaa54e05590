/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_SELECTOR_H
#define _IPSEC6_SELECTOR_H

#include <linux/in6.h>
#include <linux/types.h>

struct sk_buff;

/* An inclusive range of addresses; the wildcard is :: .. ffff:...:ffff. */
struct ipsec6_addr_range {
	struct in6_addr start;
	struct in6_addr end;
};

/* Which parts of a selector are not wildcards. */
enum {
	IPSEC6_SEL_REMOTE = 1 << 0,
	IPSEC6_SEL_LOCAL = 1 << 1,
	IPSEC6_SEL_PROTO = 1 << 2,
	IPSEC6_SEL_RPORT = 1 << 3,
	IPSEC6_SEL_LPORT = 1 << 4,
	IPSEC6_SEL_ICMP_TYPE = 1 << 5,
	IPSEC6_SEL_ICMP_CODE = 1 << 6,
	IPSEC6_SEL_IFINDEX = 1 << 7,
};

/* Traffic selector of a policy, in remote/local terms. */
struct ipsec6_sel {
	struct ipsec6_addr_range remote;
	struct ipsec6_addr_range local;
	u16 rport_start, rport_end;
	u16 lport_start, lport_end;
	u8 proto;
	u8 icmp_type;
	u8 icmp_code;
	u8 present;		/* IPSEC6_SEL_* */
	u8 from_packet;		/* enum ipsec6_from_packet */
	u32 ifindex;
};

enum {
	IPSEC6_FLOW_PORTS = 1 << 0,	/* rport/lport are valid */
	IPSEC6_FLOW_ICMP = 1 << 1,	/* icmp_type/code are valid */
	IPSEC6_FLOW_OPAQUE = 1 << 2,	/* non-initial fragment: no ports */
	IPSEC6_FLOW_ROUTED = 1 << 3,	/* routing header with segments left */
};

/*
 * The selector fields of one packet, in remote/local terms for the
 * direction it is looked up in.
 */
struct ipsec6_flow {
	struct in6_addr remote;
	struct in6_addr local;
	u16 rport;
	u16 lport;
	u8 proto;
	u8 icmp_type;
	u8 icmp_code;
	u8 flags;
	int ifindex;
};

void ipsec6_selector_init_any(struct ipsec6_sel *sel);
bool ipsec6_selector_match(const struct ipsec6_sel *sel,
			   const struct ipsec6_flow *fl);
bool ipsec6_selector_addr_in(const struct ipsec6_addr_range *r,
			     const struct in6_addr *a);
int ipsec6_selector_flow(const struct sk_buff *skb, bool outbound,
			 int ifindex, struct ipsec6_flow *fl);
int ipsec6_selector_flow_at(const struct sk_buff *skb, unsigned int off,
			    bool outbound, int ifindex,
			    struct ipsec6_flow *fl);
int ipsec6_selector_route(const struct sk_buff *skb, unsigned int *off);
int ipsec6_selector_segment(const struct sk_buff *skb, unsigned int off,
			    const struct in6_addr *daddr, unsigned int k,
			    struct in6_addr *addr);
bool ipsec6_selector_nd_mld(const struct ipsec6_flow *fl, bool outbound);

#endif /* _IPSEC6_SELECTOR_H */
