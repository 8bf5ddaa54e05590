/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything netlink.  Only nl.c (the socket), nlmsg.c (attributes <->
 * model, request printer) and nlfake.c (the simulated kernel behind
 * --dry-run) include libmnl; the rest of the tool sees this interface.
 */
#ifndef IPSEC6CTL_NL_H
#define IPSEC6CTL_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "model.h"
#include "util.h"

struct nlmsghdr;
struct nlattr;

/* How the tool reaches the kernel (set from options before nl_open()). */
struct nl_options {
	bool dry_run;		/* simulated kernel; print change requests */
	const char *fake_state;	/* IPSEC6CTL_FAKE_STATE */
	bool dump_msgs;		/* IPSEC6CTL_DUMP_MSGS: requests on stderr */
	bool batch;		/* large socket buffers */
};

extern struct nl_options nl_opts;

struct nl;

/* Open the socket (or the simulated kernel); exits with a message. */
struct nl *nl_open(void);
void nl_close(struct nl *nl);

/*
 * A list of change requests, each with the origin its errors are reported
 * against.  The buffer holds key bytes: nlb_free() wipes it.
 */
struct nlbatch;

struct nlbatch *nlb_new(void);
void nlb_free(struct nlbatch *b);
void nlb_policy_new(struct nlbatch *b, const struct policy *pol,
		    bool replace, const struct origin *o);
void nlb_policy_del(struct nlbatch *b, uint32_t index,
		    const struct origin *o);
void nlb_policy_flush(struct nlbatch *b, const struct origin *o);
void nlb_sa_new(struct nlbatch *b, const struct sa *sa, bool replace,
		const struct origin *o);
void nlb_sa_del(struct nlbatch *b, uint32_t index, const struct origin *o);
void nlb_sa_del_id(struct nlbatch *b, uint32_t spi,
		   const struct in6_addr *dst, uint8_t proto,
		   const struct origin *o);
void nlb_sa_flush(struct nlbatch *b, const struct origin *o);

/*
 * Send the requests: inside one transaction (TXN_BEGIN with @txn_flags,
 * ..., TXN_COMMIT; on any error TXN_ABORT) or each on its own.  Errors are
 * printed against their origins.  Returns 0 or -1.
 */
int nl_run(struct nl *nl, struct nlbatch *b, bool txn, uint32_t txn_flags);

/* Dumps into @out (struct policy * / struct sa *), in the kernel's order. */
int nl_dump_policies(struct nl *nl, struct vec *out);
int nl_dump_sas(struct nl *nl, struct vec *out);
/* One object; 1 if found, 0 if not, -1 on error (printed). */
int nl_get_policy(struct nl *nl, uint32_t index, struct policy *out);
int nl_get_sa(struct nl *nl, const struct sa *id, struct sa *out);
int nl_get_stats(struct nl *nl, uint64_t *stats, bool *present);

struct nl_event {
	uint8_t cmd;		/* IPSEC6_CMD_CHANGED or _SA_EXPIRED */
	bool has_generation;
	uint32_t generation;
	uint8_t expire;		/* enum ipsec6_expire */
	bool has_sa;
	struct sa sa;
};

/* Calls @cb for each event until it returns non-zero or an error. */
int nl_monitor(struct nl *nl, int (*cb)(const struct nl_event *ev,
					void *data), void *data);

/* nlmsg.c: attributes <-> model. */
enum put_form { PUT_REQUEST, PUT_DUMP };

void nlmsg_put_policy(struct nlmsghdr *nlh, const struct policy *pol,
		      enum put_form form);
void nlmsg_put_sa(struct nlmsghdr *nlh, const struct sa *sa,
		  enum put_form form);
/* -1 if the nest is malformed. */
int nlmsg_parse_policy(const struct nlattr *nest, struct policy *pol);
int nlmsg_parse_sa(const struct nlattr *nest, struct sa *sa);
int nlmsg_parse_stats(const struct nlattr *nest, uint64_t *stats,
		      bool *present);
/* One line: "CMD [flags=...] ATTR=VALUE NEST{...}"; keys as <N bytes>. */
void nlmsg_print(FILE *f, const struct nlmsghdr *nlh);
/* Name of the attribute at byte @off of @nlh ("SA.SPI"), or NULL. */
const char *nlmsg_attr_at(const struct nlmsghdr *nlh, uint32_t off,
			  char *buf, size_t len);
const char *nlmsg_attr_name(int nest_type, int type, char *buf, size_t len);
const char *nlmsg_cmd_name(uint8_t cmd);
const char *stats_name(unsigned int type);	/* "no-policy", ... */

/* nlfake.c: the simulated kernel. */
#define NLFAKE_FAMILY	0x7f00

struct nlfake;

struct nlfake *nlfake_open(const char *state, bool save);
int nlfake_close(struct nlfake *f);
/* Process every message in @buf; replies are queued. */
void nlfake_send(struct nlfake *f, const void *buf, size_t len,
		 uint32_t portid);
/* One queued datagram; 0 when none. */
size_t nlfake_recv(struct nlfake *f, void *buf, size_t len);

#endif /* IPSEC6CTL_NL_H */
