// SPDX-License-Identifier: GPL-2.0
/*
 * The policy and SA model: life cycle, comparison and ordering.
 */
#include <stdlib.h>
#include <string.h>
#include "model.h"

void policy_init(struct policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->remote.any = true;
	pol->local.any = true;
	pol->rport.any = true;
	pol->lport.any = true;
}

struct policy *policy_new(void)
{
	struct policy *pol = xmalloc(sizeof(*pol));

	policy_init(pol);
	return pol;
}

struct policy *policy_dup(const struct policy *pol)
{
	struct policy *p = xmalloc(sizeof(*p));

	*p = *pol;
	return p;
}

void policy_free(struct policy *pol)
{
	free(pol);
}

static bool addr_sel_equal(const struct addr_sel *a, const struct addr_sel *b)
{
	if (a->any || b->any)
		return a->any == b->any;
	return !cmp_in6(&a->start, &b->start) && !cmp_in6(&a->end, &b->end);
}

static bool port_sel_equal(const struct port_sel *a, const struct port_sel *b)
{
	if (a->any || b->any)
		return a->any == b->any;
	return a->start == b->start && a->end == b->end;
}

bool policy_same_selector(const struct policy *a, const struct policy *b)
{
	return a->dir == b->dir && a->priority == b->priority &&
	       addr_sel_equal(&a->remote, &b->remote) &&
	       addr_sel_equal(&a->local, &b->local) &&
	       a->has_proto == b->has_proto &&
	       (!a->has_proto || a->proto == b->proto) &&
	       port_sel_equal(&a->rport, &b->rport) &&
	       port_sel_equal(&a->lport, &b->lport) &&
	       a->has_icmp_type == b->has_icmp_type &&
	       (!a->has_icmp_type || a->icmp_type == b->icmp_type) &&
	       a->has_icmp_code == b->has_icmp_code &&
	       (!a->has_icmp_code || a->icmp_code == b->icmp_code) &&
	       a->ifindex == b->ifindex;
}

static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* A selector's range, unless it is the wildcard. */
static uint64_t fnv_range(uint64_t h, bool any, const void *start,
			  const void *end, size_t len)
{
	return any ? h : fnv(fnv(h, start, len), end, len);
}

uint64_t policy_selector_hash(const struct policy *pol)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv(h, &pol->dir, sizeof(pol->dir));
	h = fnv(h, &pol->priority, sizeof(pol->priority));
	h = fnv_range(h, pol->remote.any, &pol->remote.start, &pol->remote.end,
		      16);
	h = fnv_range(h, pol->local.any, &pol->local.start, &pol->local.end, 16);
	if (pol->has_proto)
		h = fnv(h, &pol->proto, 1);
	h = fnv_range(h, pol->rport.any, &pol->rport.start, &pol->rport.end, 2);
	h = fnv_range(h, pol->lport.any, &pol->lport.start, &pol->lport.end, 2);
	return fnv(h, &pol->ifindex, sizeof(pol->ifindex));
}

bool policy_before(const struct policy *a, const struct policy *b)
{
	if ((a->index == 1) != (b->index == 1))
		return b->index == 1;
	if (a->priority != b->priority)
		return a->priority < b->priority;
	return a->index > b->index;
}

void policy_default(struct policy *pol)
{
	policy_init(pol);
	pol->index = 1;
	pol->dir = IPSEC6_DIR_BIDIRECT;
	pol->action = IPSEC6_ACTION_BYPASS;
}

void policies_free(struct vec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		policy_free(v->v[i]);
	vec_free(v);
}

struct sa *sa_new(void)
{
	return xcalloc(1, sizeof(struct sa));
}

void sa_clear(struct sa *sa)
{
	free(sa->auth_name);
	free(sa->enc_name);
	free(sa->aead_name);
	free(sa->keyfile);
	free(sa->enc_keyfile);
	key_clear(&sa->auth_key);
	key_clear(&sa->enc_key);
	key_clear(&sa->aead_key);
	explicit_bzero(sa, sizeof(*sa));
}

void sa_free(struct sa *sa)
{
	if (!sa)
		return;
	sa_clear(sa);
	free(sa);
}

void sas_free(struct vec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		sa_free(v->v[i]);
	vec_free(v);
}

uint32_t sa_key_bits(const struct sa *sa)
{
	if (sa->has_key_bits)
		return sa->key_bits;
	return (uint32_t)(8 * (sa->auth_key.len + sa->enc_key.len +
			       sa->aead_key.len));
}

uint64_t sa_id_hash(uint32_t spi, const struct in6_addr *dst, uint8_t proto)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv(h, &spi, sizeof(spi));
	h = fnv(h, dst, sizeof(*dst));
	return fnv(h, &proto, 1);
}

void set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? xstrdup(src) : NULL;
}

void origin_msg(const struct origin *o, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (o && o->file)
		loc_msg(o->file, o->line, "%s", msg);
	else if (o && o->what)
		err_msg("%s: %s", o->what, msg);
	else
		err_msg("%s", msg);
}
