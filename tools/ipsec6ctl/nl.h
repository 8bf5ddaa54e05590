/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything netlink: nl.c is the only file that includes libmnl.  It
 * encodes requests from the model, sends them (alone or as one
 * transaction), maps the module's extended acks back to the origin of
 * each request, reads dumps and events into the model and prints requests
 * for --dry-run and IPSEC6CTL_DUMP_MSGS.
 */
#ifndef IPSEC6CTL_NL_H
#define IPSEC6CTL_NL_H

#include <stdbool.h>
#include <stdint.h>
#include "model.h"

/* How the tool reaches the kernel (set from options before nl_open()). */
struct nl_options {
	bool dry_run;		/* print change requests, send nothing */
	bool dump_msgs;		/* IPSEC6CTL_DUMP_MSGS: requests on stderr */
	bool big_buffers;	/* large socket buffers for large loads */
	int dump_intr;		/* IPSEC6CTL_TEST_DUMP_INTR: dumps to redo */
};

extern struct nl_options nl_opts;

struct nl;

/*
 * Open the socket and resolve the family; exits with a message.  With
 * --dry-run nothing is opened and queries see a fresh namespace (the
 * default policy only).
 */
struct nl *nl_open(void);
void nl_close(struct nl *nl);

/*
 * A list of change requests, each with the origin its errors are reported
 * against.  The buffer holds key bytes: nl_reqs_free() wipes it.
 */
struct nl_reqs;

struct nl_reqs *nl_reqs_new(void);
void nl_reqs_free(struct nl_reqs *r);
/*
 * Add a request: @cmd IPSEC6_CMD_POLICY_NEW or _SA_NEW (@obj the policy or
 * SA; @replace: an existing one with other content may be replaced),
 * _SA_UPDATE (@obj the SA), _POLICY_DEL (@obj the policy: its index),
 * _SA_DEL (@obj the SA: its index, or else SPI, DST and PROTO),
 * _POLICY_FLUSH or _SA_FLUSH (@obj NULL, or the object whose OWNER goes).
 */
void nl_req(struct nl_reqs *r, uint8_t cmd, const void *obj, bool replace,
	    const struct origin *o);

/*
 * Send the requests: inside one transaction (TXN_BEGIN with @txn_flags,
 * ..., TXN_COMMIT; on any error TXN_ABORT) or each on its own.  Errors are
 * printed against their origins.  Returns 0 or -1.
 */
int nl_run(struct nl *nl, struct nl_reqs *r, bool txn, uint32_t txn_flags);

/*
 * Dump the policies (@type IPSEC6_A_POLICY) or SAs (IPSEC6_A_SA) into
 * @out (struct policy * / struct sa *), in the kernel's order.
 */
int nl_dump(struct nl *nl, int type, struct vec *out);
/* One object; 1 if found, 0 if not, -1 on error (printed). */
int nl_get_policy(struct nl *nl, uint32_t index, struct policy *out);
/* @cmd SA_GET (@sa: the index, or SPI, DST and PROTO) or SA_ALLOC_SPI. */
int nl_get_sa(struct nl *nl, uint8_t cmd, const struct sa *sa,
	      struct sa *out);
/* The drop counters by IPSEC6_STATS_A_*, present if known and sent. */
struct nl_stats {
	uint64_t v[IPSEC6_STATS_A_MAX + 1];
	bool present[IPSEC6_STATS_A_MAX + 1];
};

int nl_get_stats(struct nl *nl, struct nl_stats *st);
const char *stats_name(unsigned int type);	/* "NO_POLICY", ... */

/* The packet of an ACQUIRE event. */
struct nl_flow {
	struct in6_addr src, dst;
	uint8_t proto, icmp_type, icmp_code;
	bool has_ports, has_icmp;
	uint16_t sport, dport;
	uint32_t ifindex;
};

struct nl_event {
	uint8_t cmd;		/* IPSEC6_CMD_CHANGED, _SA_EXPIRED, _*_NTF, ... */
	uint32_t generation;
	uint8_t expire;		/* enum ipsec6_expire */
	bool has_sa, has_policy, has_flow;
	struct sa sa;
	struct policy policy;
	struct nl_flow flow;
};

/* Calls @cb for each event until it returns non-zero or an error. */
int nl_monitor(struct nl *nl, int (*cb)(const struct nl_event *ev,
					void *data), void *data);

#endif /* IPSEC6CTL_NL_H */
