// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON printers.
 */
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "output.h"

/* The address @a in the buffer @b, lower case. */
#define IN6(a, b)	fmt_in6(a, b, sizeof(b), false)

/* JSON: a streaming writer, compact output, strings escaped. */

struct json {
	FILE *f;
	int depth;
	bool comma[32];
};

static void json_key(struct json *j, const char *key)
{
	if (j->comma[j->depth])
		fputc(',', j->f);
	j->comma[j->depth] = true;
	if (key) {
		fput_quoted(j->f, key);
		fputc(':', j->f);
	}
}

static void json_open(struct json *j, const char *key, char c)
{
	json_key(j, key);
	fputc(c, j->f);
	if (j->depth < (int)ARRAY_SIZE(j->comma) - 1)
		j->depth++;
	j->comma[j->depth] = false;
}

static void json_close(struct json *j, char c)
{
	fputc(c, j->f);
	j->depth--;
	if (!j->depth)
		fputc('\n', j->f);
}

#define json_obj_start(j, key)	json_open(j, key, '{')
#define json_arr_start(j, key)	json_open(j, key, '[')
#define json_obj_end(j)		json_close(j, '}')
#define json_arr_end(j)		json_close(j, ']')

static void json_str(struct json *j, const char *key, const char *v)
{
	json_key(j, key);
	if (v)
		fput_quoted(j->f, v);
	else
		fputs("null", j->f);
}

static void json_u64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

static void json_null(struct json *j, const char *key)
{
	json_str(j, key, NULL);
}

static void json_addr(struct json *j, const char *key,
		      const struct in6_addr *a, bool present)
{
	char buf[INET6_ADDRSTRLEN];

	json_str(j, key, present ? IN6(a, buf) : NULL);
}

/*
 * A selector, the addresses @a or the ports @p: null for any, else
 * {"start": A, "end": B}.
 */
static void json_range(struct json *j, const char *key,
		       const struct addr_sel *a, const struct port_sel *p)
{
	if (a ? a->any : p->any) {
		json_null(j, key);
		return;
	}
	json_obj_start(j, key);
	if (a) {
		json_addr(j, "start", &a->start, true);
		json_addr(j, "end", &a->end, true);
	} else {
		json_u64(j, "start", p->start);
		json_u64(j, "end", p->end);
	}
	json_obj_end(j);
}

/* A number, or null when @has is false. */
static void json_opt(struct json *j, const char *key, bool has, uint64_t v)
{
	if (has)
		json_u64(j, key, v);
	else
		json_null(j, key);
}

static void json_counts(struct json *j, const struct counts *c)
{
	json_obj_start(j, "counts");
	json_u64(j, "packets", c->packets);
	json_u64(j, "bytes", c->bytes);
	json_u64(j, "drops", c->drops);
	json_obj_end(j);
}

/* @s in lower case, '-' for '_' if @dash ("SOFT_EXPIRED": "soft-expired"). */
static const char *lower(const char *s, bool dash, char *buf, size_t len)
{
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = (char)(s[i] == '_' && dash ? '-' :
				s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	buf[i] = '\0';
	return buf;
}

/* The name of @v in @t, lower case and '-' for '_'. */
#define LOWER(t, v, b)	lower(word_name(WORDS(t), v), true, b, sizeof(b))

/* The names of the bits of @v, lower case ("remote-addr"). */
static void json_bits(struct json *j, const char *key, uint32_t v,
		      const struct word *t, size_t n)
{
	char b[32];
	size_t i;

	json_arr_start(j, key);
	for (i = 0; i < n; i++)
		if (v & t[i].v)
			json_str(j, NULL, lower(t[i].w, true, b, sizeof(b)));
	json_arr_end(j);
}

static const struct word events[] = {
	{ "changed", IPSEC6_CMD_CHANGED }, { "acquire", IPSEC6_CMD_ACQUIRE },
	{ "sa-expired", IPSEC6_CMD_SA_EXPIRED },
	{ "sa-add", IPSEC6_CMD_SA_ADD_NTF },
	{ "sa-update", IPSEC6_CMD_SA_UPDATE_NTF },
	{ "sa-del", IPSEC6_CMD_SA_DEL_NTF },
	{ "policy-add", IPSEC6_CMD_POLICY_ADD_NTF },
	{ "policy-del", IPSEC6_CMD_POLICY_DEL_NTF },
};

static void json_policy(struct json *j, const char *key, const struct policy *p)
{
	char b[32];

	json_obj_start(j, key);
	json_u64(j, "index", p->index);
	json_u64(j, "priority", p->priority);
	json_bits(j, "dir", p->dir, WORDS(w_dirs));
	json_str(j, "action", LOWER(w_action, p->action, b));
	json_range(j, "remote", &p->remote, NULL);
	json_range(j, "local", &p->local, NULL);
	json_opt(j, "proto", p->has_proto, p->proto);
	json_range(j, "remote_port", NULL, &p->rport);
	json_range(j, "local_port", NULL, &p->lport);
	json_opt(j, "icmp_type", p->has_icmp_type, p->icmp_type);
	json_opt(j, "icmp_code", p->has_icmp_code, p->icmp_code);
	json_bits(j, "from_packet", p->from_packet, WORDS(w_from_pkt));
	json_u64(j, "ifindex", p->ifindex);
	json_str(j, "ipsec_proto", LOWER(w_ipsec_proto, p->ipsec_proto, b));
	json_str(j, "mode", LOWER(w_mode, p->mode, b));
	json_addr(j, "tunnel_remote", &p->tunnel_remote, p->has_tunnel_remote);
	json_addr(j, "tunnel_local", &p->tunnel_local, p->has_tunnel_local);
	json_opt(j, "bundle_next", p->bundle_next, p->bundle_next);
	json_u64(j, "reqid", p->reqid);
	json_bits(j, "flags", p->flags, WORDS(w_pol_flag_words));
	json_u64(j, "owner", p->owner);
	json_counts(j, &p->counts);
	json_u64(j, "last_used", p->last_used);
	json_obj_end(j);
}

static const char *const lft_names[LFT_MAX] = {
	"soft_bytes", "hard_bytes", "soft_packets", "hard_packets",
	"soft_add_seconds", "hard_add_seconds", "soft_use_seconds",
	"hard_use_seconds",
};

static void json_sa(struct json *j, const char *key, const struct sa *sa)
{
	char b[32];
	unsigned int i;

	json_obj_start(j, key);
	json_u64(j, "index", sa->index);
	json_u64(j, "spi", sa->spi);
	json_str(j, "proto", LOWER(w_ipsec_proto, sa->proto, b));
	json_str(j, "mode", LOWER(w_mode, sa->mode, b));
	json_str(j, "dir", sa->dir ? word_name(WORDS(w_dirs), sa->dir) : NULL);
	json_addr(j, "src", &sa->src, sa->has_src);
	json_addr(j, "dst", &sa->dst, true);
	json_opt(j, "policy", sa->policy, sa->policy);
	json_u64(j, "reqid", sa->reqid);
	json_obj_start(j, "sel");
	json_addr(j, "dst", &sa->sel_dst, sa->has_sel_dst);
	json_addr(j, "src", &sa->sel_src, sa->has_sel_src);
	json_opt(j, "proto", sa->has_sel_proto, sa->sel_proto);
	json_opt(j, "dport", sa->has_sel_dport, sa->sel_dport);
	json_opt(j, "sport", sa->has_sel_sport, sa->sel_sport);
	json_obj_end(j);
	json_str(j, "auth_alg", sa->auth_name);
	json_str(j, "enc_alg", sa->enc_name);
	json_str(j, "aead_alg", sa->aead_name);
	json_u64(j, "icv_bits", sa->icv_bits);
	json_u64(j, "key_bits", sa_key_bits(sa));
	json_str(j, "keyfile", sa->keyfile);
	json_str(j, "enc_keyfile", sa->enc_keyfile);
	json_u64(j, "replay_window", sa->replay_window);
	json_bits(j, "flags", sa->flags, WORDS(w_sa_flag_words));
	if (sa->has_encap) {
		json_obj_start(j, "encap");
		json_str(j, "type", word_name(WORDS(w_encap_types),
					      sa->encap_type));
		json_u64(j, "sport", sa->encap_sport);
		json_u64(j, "dport", sa->encap_dport);
		json_addr(j, "oa", &sa->encap_oa, true);
		json_obj_end(j);
	} else {
		json_null(j, "encap");
	}
	json_obj_start(j, "lifetime");
	for (i = 0; i < LFT_MAX; i++)
		json_u64(j, lft_names[i], sa->lft[i]);
	json_obj_end(j);
	json_u64(j, "seq", sa->seq);
	json_u64(j, "rseq", sa->rseq);
	json_str(j, "state", LOWER(w_sa_state, sa->state, b) ?: "unknown");
	json_u64(j, "owner", sa->owner);
	json_counts(j, &sa->counts);
	json_u64(j, "add_time", sa->add_time);
	json_u64(j, "last_used", sa->last_used);
	json_obj_end(j);
}

/* Text. */

static const char *range_str(const struct addr_sel *r, char *buf,
			     size_t len)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int plen;

	if (r->any)
		return "::/0";
	IN6(&r->start, a);
	plen = range_prefix_len(&r->start, &r->end);
	if (plen >= 0) {
		snprintf(buf, len, "%s/%d", a, plen);
	} else {
		IN6(&r->end, b);
		snprintf(buf, len, "%s-%s", a, b);
	}
	return buf;
}

static void print_ports(FILE *f, const char *kw, const struct port_sel *p)
{
	if (p->any)
		return;
	if (p->start == p->end)
		fprintf(f, " %s %u", kw, p->start);
	else
		fprintf(f, " %s %u-%u", kw, p->start, p->end);
}

static void print_bits(FILE *f, const char *kw, uint32_t v,
		       const struct word *t, size_t n)
{
	char buf[96];

	if (!v)
		return;
	word_bits_str(t, n, v, ",", buf, sizeof(buf));
	fprintf(f, " %s %s", kw, lower(buf, true, buf, sizeof(buf)));
}

/* " dev NAME", or " ifindex N" for an interface that is not there. */
static void print_dev(FILE *f, uint32_t ifindex)
{
	char name[IF_NAMESIZE];

	if (ifindex && if_indextoname(ifindex, name))
		fprintf(f, " dev %s", name);
	else if (ifindex)
		fprintf(f, " ifindex %u", ifindex);
}

/* " KW TIME" (UTC) for a wall-clock time that is not 0. */
static void print_time(FILE *f, const char *kw, uint64_t t)
{
	time_t secs = (time_t)t;
	struct tm tm;
	char buf[32];

	if (t && gmtime_r(&secs, &tm) &&
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		fprintf(f, " %s %s", kw, buf);
}

/* " KW N" for a number that is not 0. */
static void print_nz(FILE *f, const char *kw, uint32_t v)
{
	if (v)
		fprintf(f, " %s %u", kw, v);
}

/*
 * src/dst as "ip xfrm" shows them: seen by outbound packets when the
 * policy applies to them, otherwise by inbound ones.
 */
static void print_policy(FILE *f, const struct policy *p)
{
	bool out = p->dir & IPSEC6_DIR_OUT;
	const struct addr_sel *src = out ? &p->local : &p->remote;
	const struct addr_sel *dst = out ? &p->remote : &p->local;
	char b1[100], b2[100], a1[INET6_ADDRSTRLEN], a2[INET6_ADDRSTRLEN];

	fprintf(f, "src %s dst %s", range_str(src, b1, sizeof(b1)),
		range_str(dst, b2, sizeof(b2)));
	if (p->has_proto)
		fprintf(f, " proto %s", proto_str(p->proto, b1, sizeof(b1)));
	print_ports(f, "sport", out ? &p->lport : &p->rport);
	print_ports(f, "dport", out ? &p->rport : &p->lport);
	if (p->has_icmp_type)
		fprintf(f, " type %u", p->icmp_type);
	if (p->has_icmp_code)
		fprintf(f, " code %u", p->icmp_code);
	print_dev(f, p->ifindex);
	fprintf(f, "\n\tdir %s priority %u index %u action %s",
		word_bits_str(WORDS(w_dirs), p->dir, "|", b1, sizeof(b1)),
		p->priority, p->index, LOWER(w_action, p->action, b2) ?: "?");
	print_nz(f, "owner", p->owner);
	fputc('\n', f);
	if (p->action == IPSEC6_ACTION_APPLY) {
		fputs("\ttmpl", f);
		if (p->mode == IPSEC6_MODE_TUNNEL) {
			struct in6_addr zero = { 0 };
			const struct in6_addr *tl = p->has_tunnel_local ?
						    &p->tunnel_local : &zero;

			IN6(out ? tl : &p->tunnel_remote, a1);
			IN6(out ? &p->tunnel_remote : tl, a2);
			fprintf(f, " src %s dst %s", a1, a2);
		}
		fprintf(f, " proto %s mode %s",
			LOWER(w_ipsec_proto, p->ipsec_proto, b1) ?: "?",
			LOWER(w_mode, p->mode, b2) ?: "?");
		print_nz(f, "reqid", p->reqid);
		print_nz(f, "bundle", p->bundle_next);
		fputc('\n', f);
	}
	if (p->flags || p->from_packet) {
		fputc('\t', f);
		print_bits(f, "flag", p->flags, WORDS(w_pol_flag_words));
		print_bits(f, "from-packet", p->from_packet,
			   WORDS(w_from_pkt));
		fputc('\n', f);
	}
	fprintf(f, "\tpackets %llu bytes %llu drops %llu",
		(unsigned long long)p->counts.packets,
		(unsigned long long)p->counts.bytes,
		(unsigned long long)p->counts.drops);
	print_time(f, "use", p->last_used);
	fputc('\n', f);
}

static void print_sa(FILE *f, const struct sa *sa)
{
	char a[INET6_ADDRSTRLEN], b[32], m[32];
	bool any = false;
	unsigned int i;

	fprintf(f, "src %s", sa->has_src ? IN6(&sa->src, a) : "::");
	fprintf(f, " dst %s\n", IN6(&sa->dst, a));
	fprintf(f, "\tproto %s spi 0x%08x(%u) mode %s",
		LOWER(w_ipsec_proto, sa->proto, b) ?: "?", sa->spi, sa->spi,
		LOWER(w_mode, sa->mode, m) ?: "?");
	print_nz(f, "reqid", sa->reqid);
	fprintf(f, "\n\tindex %u", sa->index);
	if (sa->dir)
		fprintf(f, " dir %s", word_name(WORDS(w_dirs), sa->dir) ?: "?");
	print_nz(f, "policy", sa->policy);
	print_nz(f, "owner", sa->owner);
	fprintf(f, " replay-window %u", sa->replay_window);
	print_bits(f, "flag", sa->flags, WORDS(w_sa_flag_words));
	fputc('\n', f);
	if (sa->aead_name)
		fprintf(f, "\taead %s icv %u\n", sa->aead_name, sa->icv_bits);
	if (sa->auth_name)
		fprintf(f, "\tauth-trunc %s icv %u\n", sa->auth_name,
			sa->icv_bits);
	if (sa->enc_name)
		fprintf(f, "\tenc %s\n", sa->enc_name);
	fprintf(f, "\tkey-bits %u", sa_key_bits(sa));
	if (sa->keyfile)
		fprintf(f, " keyfile %s", sa->keyfile);
	if (sa->enc_keyfile)
		fprintf(f, " enc-keyfile %s", sa->enc_keyfile);
	fputc('\n', f);
	if (sa->has_sel_dst || sa->has_sel_src || sa->has_sel_proto ||
	    sa->has_sel_dport || sa->has_sel_sport) {
		fputs("\tsel", f);
		if (sa->has_sel_src)
			fprintf(f, " src %s", IN6(&sa->sel_src, a));
		if (sa->has_sel_dst)
			fprintf(f, " dst %s", IN6(&sa->sel_dst, a));
		if (sa->has_sel_proto)
			fprintf(f, " proto %s", proto_str(sa->sel_proto, b,
								  sizeof(b)));
		if (sa->has_sel_sport)
			fprintf(f, " sport %u", sa->sel_sport);
		if (sa->has_sel_dport)
			fprintf(f, " dport %u", sa->sel_dport);
		fputc('\n', f);
	}
	if (sa->has_encap)
		fprintf(f, "\tencap %s %u %u %s\n",
			word_name(WORDS(w_encap_types), sa->encap_type) ?: "?",
			sa->encap_sport, sa->encap_dport, IN6(&sa->encap_oa, a));
	for (i = 0; i < LFT_MAX; i++) {
		if (!sa->lft[i])
			continue;
		fprintf(f, "%s limit %s %llu", any ? "" : "\t", w_limits[i].w,
			(unsigned long long)sa->lft[i]);
		any = true;
	}
	if (any)
		fputc('\n', f);
	fprintf(f, "\tstate %s oseq 0x%llx seq 0x%llx packets %llu bytes %llu drops %llu",
		LOWER(w_sa_state, sa->state, m) ?: "unknown",
		(unsigned long long)sa->seq,
		(unsigned long long)sa->rseq,
		(unsigned long long)sa->counts.packets,
		(unsigned long long)sa->counts.bytes,
		(unsigned long long)sa->counts.drops);
	print_time(f, "add", sa->add_time);
	print_time(f, "use", sa->last_used);
	fputc('\n', f);
}

void print_stats(FILE *f, const struct nl_stats *st, bool json)
{
	struct json j = { .f = f };
	unsigned int i;
	char key[32];

	if (json)
		json_obj_start(&j, NULL);
	for (i = 0; i <= IPSEC6_STATS_A_MAX; i++) {
		const char *name = stats_name(i);

		if (!name || !st->present[i])
			continue;
		/* NO_POLICY: "no-policy" in text, "no_policy" in JSON. */
		lower(name, !json, key, sizeof(key));
		if (json)
			json_u64(&j, key, st->v[i]);
		else
			fprintf(f, "%-16s %llu\n", key,
				(unsigned long long)st->v[i]);
	}
	if (json)
		json_obj_end(&j);
}

static void json_flow(struct json *j, const struct nl_flow *fl)
{
	json_obj_start(j, "flow");
	json_addr(j, "src", &fl->src, true);
	json_addr(j, "dst", &fl->dst, true);
	json_u64(j, "proto", fl->proto);
	json_opt(j, "sport", fl->has_ports, fl->sport);
	json_opt(j, "dport", fl->has_ports, fl->dport);
	json_opt(j, "icmp_type", fl->has_icmp, fl->icmp_type);
	json_opt(j, "icmp_code", fl->has_icmp, fl->icmp_code);
	json_u64(j, "ifindex", fl->ifindex);
	json_obj_end(j);
}

static void print_flow(FILE *f, const struct nl_flow *fl)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], p[8];

	fprintf(f, " flow src %s dst %s proto %s", IN6(&fl->src, a),
		IN6(&fl->dst, b), proto_str(fl->proto, p, sizeof(p)));
	if (fl->has_ports)
		fprintf(f, " sport %u dport %u", fl->sport, fl->dport);
	if (fl->has_icmp)
		fprintf(f, " type %u code %u", fl->icmp_type, fl->icmp_code);
	print_dev(f, fl->ifindex);
}

/* One policy or SA (@sa): its text, or its JSON with @j. */
static void show(FILE *f, struct json *j, const void *obj, bool sa)
{
	if (j && sa)
		json_sa(j, NULL, obj);
	else if (j)
		json_policy(j, NULL, obj);
	else if (sa)
		print_sa(f, obj);
	else
		print_policy(f, obj);
}

/* The lines show() writes of @obj as words of one line. */
static void print_flat(FILE *f, const char *kw, const void *obj, bool sa)
{
	char *text = NULL, *w, *save = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return;
	show(m, NULL, obj, sa);
	fclose(m);
	fputs(kw, f);
	for (w = strtok_r(text, " \t\n", &save); w;
	     w = strtok_r(NULL, " \t\n", &save))
		fprintf(f, " %s", w);
	free(text);
}

/*
 * One line: the event's name, its details and its objects as the lists
 * show them ("sa-add src ... dst ..."), or one JSON object.
 */
void print_event(FILE *f, const struct nl_event *ev, bool json)
{
	const char *name = word_name(WORDS(events), ev->cmd) ?: "unknown";
	char b[16];
	const char *exp = LOWER(w_expire, ev->expire, b);
	struct json j = { .f = f };

	if (json) {
		json_obj_start(&j, NULL);
		json_str(&j, "event", name);
	} else {
		fputs(name, f);
	}
	if (ev->cmd == IPSEC6_CMD_CHANGED && json)
		json_u64(&j, "generation", ev->generation);
	else if (ev->cmd == IPSEC6_CMD_CHANGED)
		fprintf(f, " generation %u", ev->generation);
	if (exp && json)
		json_str(&j, "expire", exp);
	else if (exp)
		fprintf(f, " %s", exp);
	if (ev->has_flow && json)
		json_flow(&j, &ev->flow);
	else if (ev->has_flow)
		print_flow(f, &ev->flow);
	if (ev->has_policy && json)
		json_policy(&j, "policy", &ev->policy);
	else if (ev->has_policy)
		print_flat(f, ev->has_flow ? " policy" : "", &ev->policy,
			   false);
	if (ev->has_sa && json)
		json_sa(&j, "sa", &ev->sa);
	else if (ev->has_sa)
		print_flat(f, "", &ev->sa, true);
	if (json)
		json_obj_end(&j);
	else
		fputc('\n', f);
	fflush(f);
}

/* Text blocks, or a JSON array. */
static void list(FILE *f, const struct vec *v, bool json, bool sa)
{
	struct json j = { .f = f };
	size_t i;

	if (json)
		json_arr_start(&j, NULL);
	for (i = 0; i < v->n; i++)
		show(f, json ? &j : NULL, v->v[i], sa);
	if (json)
		json_arr_end(&j);
}

void list_policies(FILE *f, const struct vec *pols, bool json)
{
	list(f, pols, json, false);
}

void list_sas(FILE *f, const struct vec *sas, bool json)
{
	list(f, sas, json, true);
}

void show_policy(FILE *f, const struct policy *pol, bool json)
{
	show(f, json ? &(struct json){ .f = f } : NULL, pol, false);
}

void show_sa(FILE *f, const struct sa *sa, bool json)
{
	show(f, json ? &(struct json){ .f = f } : NULL, sa, true);
}
