/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The request planner of the native commands: a command line carries one
 * change, a -batch file many.  It gives automatic indexes, finds the
 * index of a policy named by its selector or of an SA named by SPI, DST
 * and PROTO, then sends the requests: one transaction for a batch, one
 * request for a command line.
 */
#ifndef IPSEC6CTL_PLAN_H
#define IPSEC6CTL_PLAN_H

#include "nl.h"
#include "xfrmgrammar.h"

struct plan;

struct plan *plan_new(void);
void plan_free(struct plan *p);
/* The request is moved into the plan (keys included). */
void plan_add_policy(struct plan *p, struct xg_policy *req,
		     const struct origin *o);
void plan_add_sa(struct plan *p, struct xg_sa *req, const struct origin *o);
/* Resolve, encode and send; returns the exit code. */
int plan_run(struct plan *p, bool txn);
/* One change of the command line (@what: "policy add", ...). */
int plan_one(struct xg_policy *pol, struct xg_sa *sa, const char *what);

#endif /* IPSEC6CTL_PLAN_H */
