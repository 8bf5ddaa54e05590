/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Printers: the "ip xfrm"-like text of policies and SAs, their JSON form,
 * statistics and events.  Keys are never printed, only their length.
 */
#ifndef IPSEC6CTL_OUTPUT_H
#define IPSEC6CTL_OUTPUT_H

#include <stdio.h>
#include "model.h"
#include "nl.h"

/* One object, text or JSON; a list, text or a JSON array. */
void show_policy(FILE *f, const struct policy *pol, bool json);
void show_sa(FILE *f, const struct sa *sa, bool json);
void list_policies(FILE *f, const struct vec *pols, bool json);
void list_sas(FILE *f, const struct vec *sas, bool json);

void print_stats(FILE *f, const struct nl_stats *st, bool json);
void print_event(FILE *f, const struct nl_event *ev, bool json);

#endif /* IPSEC6CTL_OUTPUT_H */
