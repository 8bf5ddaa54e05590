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

/* A streaming JSON writer: compact output, strings escaped. */
struct json {
	FILE *f;
	int depth;
	bool comma[32];
};

void json_init(struct json *j, FILE *f);
void json_obj_start(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_start(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *v); /* NULL: null */
void json_u64(struct json *j, const char *key, uint64_t v);
void json_null(struct json *j, const char *key);

/* An object, named @key inside an object, NULL inside an array. */
void json_policy(struct json *j, const char *key, const struct policy *pol);
void json_sa(struct json *j, const char *key, const struct sa *sa);

void print_policy(FILE *f, const struct policy *pol);
void print_sa(FILE *f, const struct sa *sa);
/* One object, text or JSON; a list, text or a JSON array. */
void show_policy(FILE *f, const struct policy *pol, bool json);
void show_sa(FILE *f, const struct sa *sa, bool json);
void list_policies(FILE *f, const struct vec *pols, bool json);
void list_sas(FILE *f, const struct vec *sas, bool json);

void print_stats(FILE *f, const uint64_t *stats, const bool *present,
		 bool json);
void print_event(FILE *f, const struct nl_event *ev, bool json);

#endif /* IPSEC6CTL_OUTPUT_H */
