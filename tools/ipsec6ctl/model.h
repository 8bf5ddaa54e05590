/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The neutral in-memory model of a policy and of a security association.
 * It mirrors the netlink attributes of module/uapi/ipsec6.h: the file
 * readers and the command parsers fill it, nlmsg.c turns it into requests
 * and dumps back into it, the printers read it.
 */
#ifndef IPSEC6CTL_MODEL_H
#define IPSEC6CTL_MODEL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <ipsec6.h>
#include "keys.h"
#include "util.h"

/* An inclusive address range; any = wildcard (no attributes sent). */
struct addr_sel {
	bool any;
	struct in6_addr start, end;
};

struct port_sel {
	bool any;
	uint16_t start, end;
};

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
	struct counts counts;		/* read-only */
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
	uint64_t lft[LFT_MAX];		/* 0 = no limit */
	char *keyfile, *enc_keyfile;	/* labels, not keys */
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
	struct origin origin;
};

void policy_init(struct policy *pol);
struct policy *policy_new(void);
struct policy *policy_dup(const struct policy *pol);
void policy_free(struct policy *pol);
/* Same configuration (read-only fields and origin ignored). */
bool policy_equal(const struct policy *a, const struct policy *b);
/* Same selector, direction and priority: "ip xfrm" identity. */
bool policy_same_selector(const struct policy *a, const struct policy *b);
uint64_t policy_selector_hash(const struct policy *pol);
/* Search order: priority ascending, index descending, index 1 last. */
bool policy_before(const struct policy *a, const struct policy *b);
int policy_cmp_search(const void *a, const void *b);

void sa_init(struct sa *sa);
struct sa *sa_new(void);
struct sa *sa_dup(const struct sa *sa);	/* keys copied */
void sa_clear(struct sa *sa);		/* frees and wipes the keys */
void sa_free(struct sa *sa);
/* Same configuration; keys compared by length only if @keys is false. */
bool sa_equal(const struct sa *a, const struct sa *b, bool keys);
uint64_t sa_id_hash(uint32_t spi, const struct in6_addr *dst, uint8_t proto);
int sa_cmp_index(const void *a, const void *b);
uint32_t sa_key_bits(const struct sa *sa);

void set_str(char **dst, const char *src);

/*
 * A hash multimap from 64-bit keys to 32-bit values (linear probing,
 * backward-shift deletion).  Lookups walk the values of one key.
 */
struct hmap {
	uint64_t *keys;
	uint32_t *vals;
	uint8_t *used;
	size_t cap, n;
};

void hmap_put(struct hmap *m, uint64_t key, uint32_t val);
/* Iterate: *pos = 0 first; returns false when done. */
bool hmap_next(const struct hmap *m, uint64_t key, size_t *pos,
	       uint32_t *val);
bool hmap_del(struct hmap *m, uint64_t key, uint32_t val);
void hmap_free(struct hmap *m);

/* Policies and SAs of one table version, with index lookup. */
struct db {
	struct vec pols, sas;
	struct hmap pol_idx, sa_idx;	/* index -> position */
	struct hmap sa_id;		/* sa_id_hash() -> index */
};

void db_init(struct db *db);
void db_free(struct db *db);		/* and the objects */
void db_copy(struct db *dst, const struct db *src);
struct policy *db_policy(const struct db *db, uint32_t index);
struct sa *db_sa(const struct db *db, uint32_t index);
/* Takes ownership; replaces an object with the same index. */
void db_put_policy(struct db *db, struct policy *pol);
void db_put_sa(struct db *db, struct sa *sa);
bool db_del_policy(struct db *db, uint32_t index);
bool db_del_sa(struct db *db, uint32_t index);
struct sa *db_sa_by_id(const struct db *db, uint32_t spi,
		       const struct in6_addr *dst, uint8_t proto);
void db_sort(struct db *db);	/* policies by search order, SAs by index */

/* Names of values, shared by the printers and parsers. */
const char *action_name(uint8_t action);	/* "APPLY", ... */
const char *ipsec_proto_name(uint8_t proto);	/* "ESP", "AH" or NULL */
const char *mode_name(uint8_t mode);		/* "TRANSPORT", ... or NULL */
bool proto_has_ports(uint8_t proto);
/* Next-header protocols by name ("tcp", "icmp" = 58, ...) or number. */
bool proto_parse(const char *s, uint8_t *num);
const char *proto_str(uint8_t num, char *buf, size_t len);

#endif /* IPSEC6CTL_MODEL_H */
