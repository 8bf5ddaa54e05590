// SPDX-License-Identifier: GPL-2.0
/*
 * The policy and SA model, comparison and ordering, and a small table
 * (struct db) with index lookup used by the simulated kernel and by the
 * batch resolver.
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

uint64_t policy_selector_hash(const struct policy *pol)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv(h, &pol->dir, sizeof(pol->dir));
	h = fnv(h, &pol->priority, sizeof(pol->priority));
	if (!pol->remote.any) {
		h = fnv(h, &pol->remote.start, 16);
		h = fnv(h, &pol->remote.end, 16);
	}
	if (!pol->local.any) {
		h = fnv(h, &pol->local.start, 16);
		h = fnv(h, &pol->local.end, 16);
	}
	if (pol->has_proto)
		h = fnv(h, &pol->proto, 1);
	if (!pol->rport.any) {
		h = fnv(h, &pol->rport.start, 2);
		h = fnv(h, &pol->rport.end, 2);
	}
	if (!pol->lport.any) {
		h = fnv(h, &pol->lport.start, 2);
		h = fnv(h, &pol->lport.end, 2);
	}
	return fnv(h, &pol->ifindex, sizeof(pol->ifindex));
}

bool policy_equal(const struct policy *a, const struct policy *b)
{
	return a->index == b->index && policy_same_selector(a, b) &&
	       a->action == b->action && a->from_packet == b->from_packet &&
	       a->ipsec_proto == b->ipsec_proto && a->mode == b->mode &&
	       a->has_tunnel_remote == b->has_tunnel_remote &&
	       (!a->has_tunnel_remote ||
		!cmp_in6(&a->tunnel_remote, &b->tunnel_remote)) &&
	       a->has_tunnel_local == b->has_tunnel_local &&
	       (!a->has_tunnel_local ||
		!cmp_in6(&a->tunnel_local, &b->tunnel_local)) &&
	       a->bundle_next == b->bundle_next && a->reqid == b->reqid &&
	       a->flags == b->flags;
}

bool policy_before(const struct policy *a, const struct policy *b)
{
	if ((a->index == 1) != (b->index == 1))
		return b->index == 1;
	if (a->priority != b->priority)
		return a->priority < b->priority;
	return a->index > b->index;
}

int policy_cmp_search(const void *a, const void *b)
{
	const struct policy *pa = *(const struct policy * const *)a;
	const struct policy *pb = *(const struct policy * const *)b;

	if (pa->index == pb->index)
		return 0;
	return policy_before(pa, pb) ? -1 : 1;
}

void sa_init(struct sa *sa)
{
	memset(sa, 0, sizeof(*sa));
}

struct sa *sa_new(void)
{
	struct sa *sa = xmalloc(sizeof(*sa));

	sa_init(sa);
	return sa;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct sa *sa_dup(const struct sa *sa)
{
	struct sa *s = xmalloc(sizeof(*s));

	*s = *sa;
	s->auth_name = dup_or_null(sa->auth_name);
	s->enc_name = dup_or_null(sa->enc_name);
	s->aead_name = dup_or_null(sa->aead_name);
	s->keyfile = dup_or_null(sa->keyfile);
	s->enc_keyfile = dup_or_null(sa->enc_keyfile);
	key_copy(&s->auth_key, &sa->auth_key);
	key_copy(&s->enc_key, &sa->enc_key);
	key_copy(&s->aead_key, &sa->aead_key);
	return s;
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

static bool str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

uint32_t sa_key_bits(const struct sa *sa)
{
	if (sa->has_key_bits)
		return sa->key_bits;
	return (uint32_t)(8 * (sa->auth_key.len + sa->enc_key.len +
			       sa->aead_key.len));
}

bool sa_equal(const struct sa *a, const struct sa *b, bool keys)
{
	if (keys) {
		if (!key_equal(&a->auth_key, &b->auth_key) ||
		    !key_equal(&a->enc_key, &b->enc_key) ||
		    !key_equal(&a->aead_key, &b->aead_key))
			return false;
	} else if (sa_key_bits(a) != sa_key_bits(b)) {
		return false;
	}
	return a->index == b->index && a->spi == b->spi &&
	       a->proto == b->proto && a->mode == b->mode &&
	       a->dir == b->dir && a->has_src == b->has_src &&
	       (!a->has_src || !cmp_in6(&a->src, &b->src)) &&
	       !cmp_in6(&a->dst, &b->dst) && a->policy == b->policy &&
	       a->reqid == b->reqid &&
	       a->has_sel_dst == b->has_sel_dst &&
	       (!a->has_sel_dst || !cmp_in6(&a->sel_dst, &b->sel_dst)) &&
	       a->has_sel_src == b->has_sel_src &&
	       (!a->has_sel_src || !cmp_in6(&a->sel_src, &b->sel_src)) &&
	       a->has_sel_proto == b->has_sel_proto &&
	       a->sel_proto == b->sel_proto &&
	       a->has_sel_dport == b->has_sel_dport &&
	       a->sel_dport == b->sel_dport &&
	       a->has_sel_sport == b->has_sel_sport &&
	       a->sel_sport == b->sel_sport &&
	       str_equal(a->auth_name, b->auth_name) &&
	       str_equal(a->enc_name, b->enc_name) &&
	       str_equal(a->aead_name, b->aead_name) &&
	       a->icv_bits == b->icv_bits &&
	       a->replay_window == b->replay_window && a->flags == b->flags &&
	       !memcmp(a->lft, b->lft, sizeof(a->lft)) &&
	       str_equal(a->keyfile, b->keyfile) &&
	       str_equal(a->enc_keyfile, b->enc_keyfile);
}

uint64_t sa_id_hash(uint32_t spi, const struct in6_addr *dst, uint8_t proto)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv(h, &spi, sizeof(spi));
	h = fnv(h, dst, sizeof(*dst));
	return fnv(h, &proto, 1);
}

int sa_cmp_index(const void *a, const void *b)
{
	const struct sa *sa = *(const struct sa * const *)a;
	const struct sa *sb = *(const struct sa * const *)b;

	return sa->index < sb->index ? -1 : sa->index > sb->index;
}

void set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? xstrdup(src) : NULL;
}

/* Hash map. */

static size_t hmap_slot(const struct hmap *m, uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & (m->cap - 1);
}

static void hmap_grow(struct hmap *m)
{
	struct hmap big = { 0 };
	size_t i;

	big.cap = m->cap ? 2 * m->cap : 64;
	big.keys = xcalloc(big.cap, sizeof(*big.keys));
	big.vals = xcalloc(big.cap, sizeof(*big.vals));
	big.used = xcalloc(big.cap, 1);
	for (i = 0; i < m->cap; i++)
		if (m->used[i])
			hmap_put(&big, m->keys[i], m->vals[i]);
	hmap_free(m);
	*m = big;
}

void hmap_put(struct hmap *m, uint64_t key, uint32_t val)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap)
		hmap_grow(m);
	for (i = hmap_slot(m, key); m->used[i]; i = (i + 1) & (m->cap - 1))
		;
	m->used[i] = 1;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
}

bool hmap_next(const struct hmap *m, uint64_t key, size_t *pos,
	       uint32_t *val)
{
	size_t i;

	if (!m->cap)
		return false;
	/* *pos counts probes from the home slot. */
	for (i = (hmap_slot(m, key) + *pos) & (m->cap - 1); m->used[i];
	     i = (i + 1) & (m->cap - 1)) {
		(*pos)++;
		if (m->keys[i] == key) {
			*val = m->vals[i];
			return true;
		}
	}
	return false;
}

bool hmap_del(struct hmap *m, uint64_t key, uint32_t val)
{
	size_t i, j;

	if (!m->cap)
		return false;
	for (i = hmap_slot(m, key); m->used[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key && m->vals[i] == val)
			break;
	if (!m->used[i])
		return false;
	/* Backward-shift the rest of the cluster. */
	m->used[i] = 0;
	m->n--;
	for (j = (i + 1) & (m->cap - 1); m->used[j]; j = (j + 1) & (m->cap - 1)) {
		size_t home = hmap_slot(m, m->keys[j]);

		/* Move j to i if home is not in the cyclic range (i, j]. */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			m->used[i] = 1;
			m->used[j] = 0;
			i = j;
		}
	}
	return true;
}

void hmap_free(struct hmap *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

/* Tables. */

void db_init(struct db *db)
{
	memset(db, 0, sizeof(*db));
}

void db_free(struct db *db)
{
	size_t i;

	for (i = 0; i < db->pols.n; i++)
		policy_free(db->pols.v[i]);
	for (i = 0; i < db->sas.n; i++)
		sa_free(db->sas.v[i]);
	vec_free(&db->pols);
	vec_free(&db->sas);
	hmap_free(&db->pol_idx);
	hmap_free(&db->sa_idx);
	hmap_free(&db->sa_id);
}

void db_copy(struct db *dst, const struct db *src)
{
	size_t i;

	db_init(dst);
	for (i = 0; i < src->pols.n; i++)
		db_put_policy(dst, policy_dup(src->pols.v[i]));
	for (i = 0; i < src->sas.n; i++)
		db_put_sa(dst, sa_dup(src->sas.v[i]));
}

static bool db_pos(const struct hmap *m, uint32_t index, uint32_t *pos)
{
	size_t it = 0;

	return hmap_next(m, index, &it, pos);
}

struct policy *db_policy(const struct db *db, uint32_t index)
{
	uint32_t pos;

	return db_pos(&db->pol_idx, index, &pos) ? db->pols.v[pos] : NULL;
}

struct sa *db_sa(const struct db *db, uint32_t index)
{
	uint32_t pos;

	return db_pos(&db->sa_idx, index, &pos) ? db->sas.v[pos] : NULL;
}

void db_put_policy(struct db *db, struct policy *pol)
{
	uint32_t pos;

	if (db_pos(&db->pol_idx, pol->index, &pos)) {
		policy_free(db->pols.v[pos]);
		db->pols.v[pos] = pol;
		return;
	}
	hmap_put(&db->pol_idx, pol->index, (uint32_t)db->pols.n);
	vec_push(&db->pols, pol);
}

static uint64_t sa_hash(const struct sa *sa)
{
	return sa_id_hash(sa->spi, &sa->dst, sa->proto);
}

void db_put_sa(struct db *db, struct sa *sa)
{
	uint32_t pos;

	hmap_put(&db->sa_id, sa_hash(sa), sa->index);
	if (db_pos(&db->sa_idx, sa->index, &pos)) {
		struct sa *old = db->sas.v[pos];

		hmap_del(&db->sa_id, sa_hash(old), old->index);
		sa_free(old);
		db->sas.v[pos] = sa;
		return;
	}
	hmap_put(&db->sa_idx, sa->index, (uint32_t)db->sas.n);
	vec_push(&db->sas, sa);
}

/* Remove position @pos of @vec, moving the last element into it. */
static void db_swap_remove(struct vec *vec, struct hmap *m, uint32_t pos,
			   uint32_t last_index)
{
	uint32_t last = (uint32_t)vec->n - 1;

	if (pos != last) {
		hmap_del(m, last_index, last);
		hmap_put(m, last_index, pos);
		vec->v[pos] = vec->v[last];
	}
	vec->n--;
}

bool db_del_policy(struct db *db, uint32_t index)
{
	uint32_t pos, last_index;

	if (!db_pos(&db->pol_idx, index, &pos))
		return false;
	last_index = ((struct policy *)db->pols.v[db->pols.n - 1])->index;
	hmap_del(&db->pol_idx, index, pos);
	policy_free(db->pols.v[pos]);
	db_swap_remove(&db->pols, &db->pol_idx, pos, last_index);
	return true;
}

bool db_del_sa(struct db *db, uint32_t index)
{
	uint32_t pos, last_index;

	if (!db_pos(&db->sa_idx, index, &pos))
		return false;
	last_index = ((struct sa *)db->sas.v[db->sas.n - 1])->index;
	hmap_del(&db->sa_idx, index, pos);
	hmap_del(&db->sa_id, sa_hash(db->sas.v[pos]), index);
	sa_free(db->sas.v[pos]);
	db_swap_remove(&db->sas, &db->sa_idx, pos, last_index);
	return true;
}

struct sa *db_sa_by_id(const struct db *db, uint32_t spi,
		       const struct in6_addr *dst, uint8_t proto)
{
	size_t it = 0;
	uint32_t index;

	while (hmap_next(&db->sa_id, sa_id_hash(spi, dst, proto), &it,
			 &index)) {
		struct sa *sa = db_sa(db, index);

		if (sa && sa->spi == spi && sa->proto == proto &&
		    !cmp_in6(&sa->dst, dst))
			return sa;
	}
	return NULL;
}

static void db_reindex(struct vec *vec, struct hmap *m, bool sas)
{
	size_t i;

	hmap_free(m);
	for (i = 0; i < vec->n; i++) {
		uint32_t index = sas ? ((struct sa *)vec->v[i])->index :
				       ((struct policy *)vec->v[i])->index;

		hmap_put(m, index, (uint32_t)i);
	}
}

void db_sort(struct db *db)
{
	if (db->pols.n)
		qsort(db->pols.v, db->pols.n, sizeof(void *),
		      policy_cmp_search);
	if (db->sas.n)
		qsort(db->sas.v, db->sas.n, sizeof(void *), sa_cmp_index);
	db_reindex(&db->pols, &db->pol_idx, false);
	db_reindex(&db->sas, &db->sa_idx, true);
}

const char *action_name(uint8_t action)
{
	switch (action) {
	case IPSEC6_ACTION_BYPASS:
		return "BYPASS";
	case IPSEC6_ACTION_DISCARD:
		return "DISCARD";
	case IPSEC6_ACTION_APPLY:
		return "APPLY";
	case IPSEC6_ACTION_APPCHOICE:
		return "APPCHOICE";
	}
	return NULL;
}

const char *ipsec_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPSEC6_PROTO_ESP:
		return "ESP";
	case IPSEC6_PROTO_AH:
		return "AH";
	}
	return NULL;
}

const char *mode_name(uint8_t mode)
{
	switch (mode) {
	case IPSEC6_MODE_TRANSPORT:
		return "TRANSPORT";
	case IPSEC6_MODE_TUNNEL:
		return "TUNNEL";
	}
	return NULL;
}

bool proto_has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP || proto == IPPROTO_UDPLITE;
}

static const struct {
	const char *name;
	uint8_t num;
} protos[] = {
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
	{ "icmp", IPPROTO_ICMPV6 }, { "ipv6-icmp", IPPROTO_ICMPV6 },
	{ "icmpv6", IPPROTO_ICMPV6 }, { "sctp", IPPROTO_SCTP },
	{ "udplite", IPPROTO_UDPLITE }, { "esp", IPPROTO_ESP },
	{ "ah", IPPROTO_AH }, { "gre", IPPROTO_GRE },
};

bool proto_parse(const char *s, uint8_t *num)
{
	uint32_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		if (streq_ci(s, protos[i].name)) {
			*num = protos[i].num;
			return true;
		}
	}
	if (!parse_u32_dec(s, &v) || v > 255)
		return false;
	*num = (uint8_t)v;
	return true;
}

const char *proto_str(uint8_t num, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protos); i++)
		if (protos[i].num == num)
			return protos[i].name;
	snprintf(buf, len, "%u", num);
	return buf;
}
