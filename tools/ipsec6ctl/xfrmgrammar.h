/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "ip xfrm state" / "ip xfrm policy" argument grammar, into the model.
 * Parsing is pure: it never talks to the kernel (only "dev NAME" asks the
 * system for the interface index).
 */
#ifndef IPSEC6CTL_XFRMGRAMMAR_H
#define IPSEC6CTL_XFRMGRAMMAR_H

#include <stdio.h>
#include "model.h"

enum xg_op { XG_ADD, XG_UPDATE, XG_DEL, XG_GET, XG_LIST, XG_FLUSH, XG_COUNT,
	     XG_ALLOCSPI };

/* A policy template, as given (src/dst as the user wrote them). */
struct xg_tmpl {
	bool given;
	struct in6_addr src, dst;
	uint8_t proto, mode, level;
	uint32_t reqid, spi;
};

struct xg_policy {
	enum xg_op op;
	struct policy pol;
	bool has_index, has_dir, has_priority, has_action, has_owner;
	/* As given; pol has them as remote/local. */
	struct addr_sel src, dst;
	struct port_sel sport, dport;
	uint8_t action;		/* a word of the grammar, see xfrmgrammar.c */
	uint8_t ptype;
	struct xg_tmpl tmpl;
};

struct xg_sa {
	enum xg_op op;
	struct sa sa;
	bool has_index, has_dst, has_spi, has_proto, has_policy, has_dir;
	bool has_owner;
};

/*
 * @argv[0] is the subcommand ("add", ...).  Returns 0, or -1 with a
 * message in @err (the argument at fault, never a key).  Key arguments
 * given inline are wiped from @argv.
 */
int xg_policy_parse(int argc, char **argv, struct xg_policy *req,
		    char *err, size_t errlen);
int xg_sa_parse(int argc, char **argv, struct xg_sa *req, char *err,
		size_t errlen);
void xg_sa_free(struct xg_sa *req);

/* Every literal word the parser of @family ("sa", "policy") accepts. */
int xg_keywords(const char *family, FILE *f);

#endif /* IPSEC6CTL_XFRMGRAMMAR_H */
