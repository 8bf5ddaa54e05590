/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The neutral in-memory model of a policy and of a security association.
 * It mirrors the netlink attributes of module/uapi/ipsec6.h: the two
 * grammars fill it, nl.c turns it into requests and dumps back into it,
 * the printers read it.
 */
#ifndef IPSEC6CTL_MODEL_H
#define IPSEC6CTL_MODEL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <ipsec6.h>
#include "util.h"
#include "values.h"

struct counts {
	bool present;
	uint64_t packets, bytes, drops;
};

/* Where an object came from, for messages. */
struct origin {
	const char *file;	/* NULL: the command line */
	unsigned int line;
	const char *what;	/* "sa add", ... for command line messages */
};

struct policy {
	uint32_t index;
	uint32_t priority;
	uint8_t dir;			/* IPSEC6_DIR_* bits */
	uint8_t action;			/* enum ipsec6_action */
	struct addr_sel remote, local;
	bool has_proto;
	uint8_t proto;
	struct port_sel rport, lport;
	bool has_icmp_type, has_icmp_code;
	uint8_t icmp_type, icmp_code;
	uint32_t from_packet;		/* IPSEC6_FROM_PKT_* */
	uint32_t ifindex;
	uint8_t ipsec_proto;		/* 0 = none */
	uint8_t mode;			/* 0 = none */
	bool has_tunnel_remote, has_tunnel_local;
	struct in6_addr tunnel_remote, tunnel_local;
	uint32_t bundle_next;		/* 0 = none */
	uint32_t reqid;
	uint32_t flags;			/* IPSEC6_POLICY_F_* */
	uint32_t owner;			/* 0 = the administrator */
	struct counts counts;		/* read-only */
	uint64_t last_used;		/* read-only, wall clock; 0 = never */
	struct origin origin;
};

enum lifetime {
	LFT_SOFT_BYTES,
	LFT_HARD_BYTES,
	LFT_SOFT_PACKETS,
	LFT_HARD_PACKETS,
	LFT_SOFT_ADD,
	LFT_HARD_ADD,
	LFT_SOFT_USE,
	LFT_HARD_USE,
	LFT_MAX
};

struct sa {
	uint32_t index;
	uint32_t spi;
	bool spi_alloc;			/* SA_ALLOC_SPI: no SPI, a range */
	uint32_t spi_min, spi_max;	/* 0 = the default */
	uint8_t proto;			/* 0 = the policy's */
	uint8_t mode;			/* 0 = the policy's, or transport */
	uint8_t dir;			/* 0 = both */
	bool has_src;
	struct in6_addr src, dst;
	uint32_t policy;		/* 0 = none */
	uint32_t reqid;
	bool has_sel_dst, has_sel_src, has_sel_proto;
	bool has_sel_dport, has_sel_sport;
	struct in6_addr sel_dst, sel_src;
	uint8_t sel_proto;
	uint16_t sel_dport, sel_sport;
	char *auth_name, *enc_name, *aead_name;
	struct key auth_key, enc_key, aead_key;
	bool has_icv;
	uint32_t icv_bits;
	bool has_replay;
	uint32_t replay_window;
	uint32_t flags;			/* IPSEC6_SA_F_* */
	bool has_encap;			/* UDP encapsulation (RFC 3948) */
	uint16_t encap_type;		/* 2 = espinudp */
	uint16_t encap_sport, encap_dport;
	struct in6_addr encap_oa;
	uint64_t lft[LFT_MAX];		/* 0 = no limit */
	char *keyfile, *enc_keyfile;	/* labels, not keys */
	uint32_t owner;			/* 0 = the administrator */
	/* Read-only, from the kernel. */
	bool has_key_bits;
	uint32_t key_bits;
	bool has_seq;
	uint64_t seq;			/* last sent */
	bool has_rseq;
	uint64_t rseq;			/* top of the replay window */
	bool has_state;
	uint8_t state;
	struct counts counts;
	uint64_t add_time, last_used;	/* wall clock; 0 = never used */
	struct origin origin;
};

void policy_init(struct policy *pol);
struct policy *policy_new(void);
struct policy *policy_dup(const struct policy *pol);
void policy_free(struct policy *pol);
/* Same selector, direction and priority: "ip xfrm" identity. */
bool policy_same_selector(const struct policy *a, const struct policy *b);
uint64_t policy_selector_hash(const struct policy *pol);
/* Search order: priority ascending, index descending, index 1 last. */
bool policy_before(const struct policy *a, const struct policy *b);
/* Index 1: every selector a wildcard, both directions, BYPASS. */
void policy_default(struct policy *pol);
void policies_free(struct vec *v);

struct sa *sa_new(void);
void sa_clear(struct sa *sa);		/* frees and wipes the keys */
void sa_free(struct sa *sa);
void sas_free(struct vec *v);
uint64_t sa_id_hash(uint32_t spi, const struct in6_addr *dst, uint8_t proto);
uint32_t sa_key_bits(const struct sa *sa);

void set_str(char **dst, const char *src);
/* "FILE:LINE: MESSAGE", "ipsec6ctl: WHAT: MESSAGE" or "ipsec6ctl: ...". */
__printf(2, 3) void origin_msg(const struct origin *o, const char *fmt, ...);

#endif /* IPSEC6CTL_MODEL_H */
