/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Change requests of the native commands, alone or as a batch file: index
 * allocation, resolving selectors and SA identities to indexes, then one
 * transaction (batch) or one request (command line).
 */
#ifndef IPSEC6CTL_BATCH_H
#define IPSEC6CTL_BATCH_H

#include "nl.h"
#include "xfrmgrammar.h"

struct batch;

struct batch *batch_new(void);
void batch_free(struct batch *b);
/* The request is moved into the batch (keys included). */
void batch_add_policy(struct batch *b, struct xg_policy *req,
		      const struct origin *o);
void batch_add_sa(struct batch *b, struct xg_sa *req,
		  const struct origin *o);
/* Resolve, encode and send; returns the exit code. */
int batch_run(struct batch *b, bool txn);

/* "-batch FILE": every line a command, the whole file one transaction. */
int batch_file(const char *path);

#endif /* IPSEC6CTL_BATCH_H */
