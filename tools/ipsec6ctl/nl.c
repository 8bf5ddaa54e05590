// SPDX-License-Identifier: GPL-2.0
/*
 * The ipsec6 generic netlink family: the only file that speaks netlink.
 *
 * One table per nest describes the attributes of module/uapi/ipsec6.h:
 * name, type, where the value lives in the model and when a request
 * carries it.  The same tables encode requests, decode dumps and events,
 * print requests (--dry-run, IPSEC6CTL_DUMP_MSGS) and name the attribute an
 * extended ack points at.  Below them: the socket, acks, dumps restarted
 * when flagged NLM_F_DUMP_INTR, and transactions streamed without
 * per-message acks.  Keys are printed as their length only.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define NL_RECV_BUF	65536
#define NL_MSG_MAX	8192	/* room reserved per request */
#define NL_CHUNK	32768	/* bytes per sendmsg() in a transaction */
#define NL_SOCK_BUF	(8 << 20)
#define NL_DUMP_TRIES	5

struct nl_options nl_opts;

/* Attributes. */

/* Each attribute of the @len bytes at @data. */
#define for_each_attr(a, data, len) \
	for (a = (data); mnl_attr_ok(a, (int)((const char *)(data) + (len) - \
					      (const char *)a)); \
	     a = mnl_attr_next(a))

enum atype { T_U8, T_U16, T_U32, T_U64, T_ADDR, T_STR, T_KEY, T_NEST,
	     T_BIN, T_FLAG };

/* When a request carries the attribute. */
enum aput {
	P_NEVER,	/* read-only */
	P_ALWAYS,
	P_NONZERO,	/* the value (or string pointer) is not 0 */
	P_HAS,		/* the bool at .has is true */
	P_NOT_ANY,	/* the bool at .has ("any") is false */
};

struct attr {
	const char *name;
	uint8_t type, put;
	uint16_t off, has;	/* value and its bool in the model object */
	const struct word *enums;
	uint8_t nenums;
	bool bits;		/* enums are bit flags */
	const struct attr *nest;
	uint8_t nest_max;
};

#define V(st, f)	.off = offsetof(struct st, f)
#define H(st, f)	.has = offsetof(struct st, f)
#define E(t, b)		.enums = (t), .nenums = ARRAY_SIZE(t), .bits = (b)
#define N(t)		.nest = (t), .nest_max = ARRAY_SIZE(t) - 1

static const struct word e_dir[] = {
	{ "IN", IPSEC6_DIR_IN }, { "OUT", IPSEC6_DIR_OUT },
	{ "FWD", IPSEC6_DIR_FWD },
};

static const struct word e_txn[] = { { "REPLACE", IPSEC6_TXN_F_REPLACE } };

static const struct attr a_counts[IPSEC6_COUNTS_A_MAX + 1] = {
	[IPSEC6_COUNTS_A_PACKETS] = { "PACKETS", T_U64, P_NEVER,
				      V(counts, packets) },
	[IPSEC6_COUNTS_A_BYTES] = { "BYTES", T_U64, P_NEVER, V(counts, bytes) },
	[IPSEC6_COUNTS_A_DROPS] = { "DROPS", T_U64, P_NEVER, V(counts, drops) },
	[IPSEC6_COUNTS_A_PAD] = { "PAD", T_BIN },
};

#define PO(a, t, p, f)	[IPSEC6_POLICY_A_##a] = { #a, t, p, V(policy, f)
#define PO_SEL(a, t, f, r)	PO(a, t, P_NOT_ANY, r.f), H(policy, r.any) }
#define PO_HAS(a, t, f)	PO(a, t, P_HAS, f), H(policy, has_##f) }

static const struct attr a_policy[IPSEC6_POLICY_A_MAX + 1] = {
	PO(INDEX, T_U32, P_NONZERO, index) },
	PO(PRIORITY, T_U32, P_NONZERO, priority) },
	PO(DIR, T_U8, P_ALWAYS, dir), E(e_dir, true) },
	PO(ACTION, T_U8, P_ALWAYS, action), E(w_action, false) },
	PO_SEL(REMOTE_START, T_ADDR, start, remote),
	PO_SEL(REMOTE_END, T_ADDR, end, remote),
	PO_SEL(LOCAL_START, T_ADDR, start, local),
	PO_SEL(LOCAL_END, T_ADDR, end, local),
	PO_HAS(PROTO, T_U8, proto),
	PO_SEL(REMOTE_PORT_START, T_U16, start, rport),
	PO_SEL(REMOTE_PORT_END, T_U16, end, rport),
	PO_SEL(LOCAL_PORT_START, T_U16, start, lport),
	PO_SEL(LOCAL_PORT_END, T_U16, end, lport),
	PO_HAS(ICMP_TYPE, T_U8, icmp_type),
	PO_HAS(ICMP_CODE, T_U8, icmp_code),
	PO(FROM_PACKET, T_U32, P_NONZERO, from_packet), E(w_from_pkt, true) },
	PO(IFINDEX, T_U32, P_NONZERO, ifindex) },
	PO(IPSEC_PROTO, T_U8, P_NONZERO, ipsec_proto), E(w_ipsec_proto, false) },
	PO(MODE, T_U8, P_NONZERO, mode), E(w_mode, false) },
	PO_HAS(TUNNEL_REMOTE, T_ADDR, tunnel_remote),
	PO_HAS(TUNNEL_LOCAL, T_ADDR, tunnel_local),
	PO(BUNDLE_NEXT, T_U32, P_NONZERO, bundle_next) },
	PO(REQID, T_U32, P_NONZERO, reqid) },
	PO(FLAGS, T_U32, P_NONZERO, flags), E(w_pol_flags, true) },
	PO(COUNTS, T_NEST, P_NEVER, counts), H(policy, counts.present),
		N(a_counts) },
	[IPSEC6_POLICY_A_PAD] = { "PAD", T_BIN },
	PO(OWNER, T_U32, P_NONZERO, owner) },
	PO(LAST_USED, T_U64, P_NEVER, last_used) },
};

#define SA(a, t, p, f)	[IPSEC6_SA_A_##a] = { #a, t, p, V(sa, f)
#define SA_HAS(a, t, f, h)	SA(a, t, P_HAS, f), H(sa, h) }
#define SA_SEL(a, t, f)	SA_HAS(a, t, f, has_##f)
#define SA_LFT(a, l)	SA(a, T_U64, P_NONZERO, lft[l]) }

static const struct attr a_sa[IPSEC6_SA_A_MAX + 1] = {
	SA(INDEX, T_U32, P_NONZERO, index) },
	SA(SPI, T_U32, P_NOT_ANY, spi), H(sa, spi_alloc) },
	SA(PROTO, T_U8, P_NONZERO, proto), E(w_ipsec_proto, false) },
	SA(MODE, T_U8, P_NONZERO, mode), E(w_mode, false) },
	SA(DIR, T_U8, P_NONZERO, dir), E(e_dir, true) },
	SA_SEL(SRC, T_ADDR, src),
	SA(DST, T_ADDR, P_ALWAYS, dst) },
	SA(POLICY, T_U32, P_NONZERO, policy) },
	SA(REQID, T_U32, P_NONZERO, reqid) },
	SA_SEL(SEL_DST, T_ADDR, sel_dst),
	SA_SEL(SEL_SRC, T_ADDR, sel_src),
	SA_SEL(SEL_PROTO, T_U8, sel_proto),
	SA_SEL(SEL_DPORT, T_U16, sel_dport),
	SA_SEL(SEL_SPORT, T_U16, sel_sport),
	SA(AUTH_NAME, T_STR, P_NONZERO, auth_name) },
	SA_HAS(AUTH_KEY, T_KEY, auth_key, auth_key.set),
	SA(ENC_NAME, T_STR, P_NONZERO, enc_name) },
	SA_HAS(ENC_KEY, T_KEY, enc_key, enc_key.set),
	SA(AEAD_NAME, T_STR, P_NONZERO, aead_name) },
	SA_HAS(AEAD_KEY, T_KEY, aead_key, aead_key.set),
	SA_HAS(ICV_LEN, T_U32, icv_bits, has_icv),
	SA_HAS(REPLAY_WINDOW, T_U32, replay_window, has_replay),
	SA(FLAGS, T_U32, P_NONZERO, flags), E(w_sa_flags, true) },
	SA_LFT(SOFT_BYTES, LFT_SOFT_BYTES),
	SA_LFT(HARD_BYTES, LFT_HARD_BYTES),
	SA_LFT(SOFT_PACKETS, LFT_SOFT_PACKETS),
	SA_LFT(HARD_PACKETS, LFT_HARD_PACKETS),
	SA_LFT(SOFT_ADD_SECONDS, LFT_SOFT_ADD),
	SA_LFT(HARD_ADD_SECONDS, LFT_HARD_ADD),
	SA_LFT(SOFT_USE_SECONDS, LFT_SOFT_USE),
	SA_LFT(HARD_USE_SECONDS, LFT_HARD_USE),
	SA(KEYFILE, T_STR, P_NONZERO, keyfile) },
	SA(ENC_KEYFILE, T_STR, P_NONZERO, enc_keyfile) },
	SA(KEY_BITS, T_U32, P_NEVER, key_bits), H(sa, has_key_bits) },
	/* Requests set starting numbers only when asked to. */
	SA_HAS(SEQ, T_U64, seq, has_seq),
	SA_HAS(RSEQ, T_U64, rseq, has_rseq),
	SA(STATE, T_U8, P_NEVER, state), H(sa, has_state), E(w_sa_state, false) },
	SA(COUNTS, T_NEST, P_NEVER, counts), H(sa, counts.present),
		N(a_counts) },
	[IPSEC6_SA_A_PAD] = { "PAD", T_BIN },
	SA(OWNER, T_U32, P_NONZERO, owner) },
	SA(SPI_MIN, T_U32, P_NONZERO, spi_min) },
	SA(SPI_MAX, T_U32, P_NONZERO, spi_max) },
	SA(LAST_USED, T_U64, P_NEVER, last_used) },
	SA(ADD_TIME, T_U64, P_NEVER, add_time) },
	SA_HAS(ENCAP_TYPE, T_U16, encap_type, has_encap),
	SA_HAS(ENCAP_SPORT, T_U16, encap_sport, has_encap),
	SA_HAS(ENCAP_DPORT, T_U16, encap_dport, has_encap),
	SA_HAS(ENCAP_OA, T_ADDR, encap_oa, has_encap),
};

/* The packet of an ACQUIRE. */
#define FL(a, t, f)	[IPSEC6_FLOW_A_##a] = { #a, t, P_NEVER, V(nl_flow, f)

static const struct attr a_flow[IPSEC6_FLOW_A_MAX + 1] = {
	FL(SRC, T_ADDR, src) }, FL(DST, T_ADDR, dst) }, FL(PROTO, T_U8, proto) },
	FL(SPORT, T_U16, sport), H(nl_flow, has_ports) },
	FL(DPORT, T_U16, dport), H(nl_flow, has_ports) },
	FL(ICMP_TYPE, T_U8, icmp_type), H(nl_flow, has_icmp) },
	FL(ICMP_CODE, T_U8, icmp_code), H(nl_flow, has_icmp) },
	FL(IFINDEX, T_U32, ifindex) },
};

/* The counters of a STATS_GET reply. */
#define ST(a)	[IPSEC6_STATS_A_##a] = { #a, T_U64, P_NEVER, \
		V(nl_stats, v[IPSEC6_STATS_A_##a]), \
		H(nl_stats, present[IPSEC6_STATS_A_##a]) }

static const struct attr a_stats[IPSEC6_STATS_A_MAX + 1] = {
	ST(NO_POLICY), ST(DISCARD), ST(NO_SA), ST(UNKNOWN_SPI), ST(ICV_FAIL),
	ST(REPLAY), ST(SEQ_EXHAUSTED), ST(MALFORMED), ST(BAD_PADDING),
	ST(DUMMY), ST(POLICY_MISMATCH), ST(CLEARTEXT), ST(EXPIRED), ST(NOMEM),
	ST(CRYPTO_ERROR), ST(TOO_BIG), ST(TUNNEL_LOOP), ST(NO_ROUTE),
	[IPSEC6_STATS_A_PAD] = { "PAD", T_BIN }, ST(ENCAP_MISMATCH),
};

static const struct attr a_top[IPSEC6_A_MAX + 1] = {
	[IPSEC6_A_POLICY] = { "POLICY", T_NEST, N(a_policy) },
	[IPSEC6_A_SA] = { "SA", T_NEST, N(a_sa) },
	[IPSEC6_A_GENERATION] = { "GENERATION", T_U32 },
	[IPSEC6_A_TXN_FLAGS] = { "TXN_FLAGS", T_U32, E(e_txn, true) },
	[IPSEC6_A_STATS] = { "STATS", T_NEST, N(a_stats) },
	[IPSEC6_A_COUNTS] = { "COUNTS", T_NEST, N(a_counts) },
	[IPSEC6_A_EXPIRE] = { "EXPIRE", T_U8, E(w_expire, false) },
	[IPSEC6_A_REPLACE] = { "REPLACE", T_FLAG },
	[IPSEC6_A_PAD] = { "PAD", T_BIN },
	[IPSEC6_A_TXN_REQUESTS] = { "TXN_REQUESTS", T_U32 },
	[IPSEC6_A_OWNER] = { "OWNER", T_U32 },
	[IPSEC6_A_FLOW] = { "FLOW", T_NEST, N(a_flow) },
	[IPSEC6_A_SOCKET_COOKIE] = { "SOCKET_COOKIE", T_U64 },
};

#define CMD(c)	[IPSEC6_CMD_##c] = #c

static const char *const cmd_names[IPSEC6_CMD_MAX + 1] = {
	CMD(POLICY_NEW), CMD(POLICY_DEL), CMD(POLICY_GET), CMD(POLICY_FLUSH),
	CMD(SA_NEW), CMD(SA_DEL), CMD(SA_GET), CMD(SA_FLUSH), CMD(TXN_BEGIN),
	CMD(TXN_COMMIT), CMD(TXN_ABORT), CMD(STATS_GET), CMD(CHANGED),
	CMD(SA_EXPIRED), CMD(SA_ALLOC_SPI), CMD(SA_UPDATE),
};

const char *stats_name(unsigned int type)
{
	if (type > IPSEC6_STATS_A_MAX || type == IPSEC6_STATS_A_PAD)
		return NULL;
	return a_stats[type].name;
}

/* Model -> attributes. */

/* Bytes of the integer and address types, in the model as on the wire. */
static const uint8_t width[] = { [T_U8] = 1, [T_U16] = 2, [T_U32] = 4,
				 [T_U64] = 8, [T_ADDR] = 16 };

static bool attr_wanted(const struct attr *d, const char *obj)
{
	const void *v = obj + d->off;

	switch (d->put) {
	case P_ALWAYS:
		return true;
	case P_NONZERO:
		return d->type == T_STR ? *(char *const *)v != NULL :
					  uint_get(v, width[d->type]) != 0;
	case P_HAS:
		return *(const bool *)(obj + d->has);
	case P_NOT_ANY:
		return !*(const bool *)(obj + d->has);
	}
	return false;
}

/* @obj as the nest @nest_type (IPSEC6_A_POLICY, IPSEC6_A_SA). */
static void put_obj(struct nlmsghdr *nlh, uint16_t nest_type, const void *obj)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, nest_type);
	const struct attr *t = a_top[nest_type].nest;
	const char *o = obj;
	int type;

	for (type = 1; type <= a_top[nest_type].nest_max; type++) {
		const struct attr *d = &t[type];
		const struct key *k = (const void *)(o + d->off);

		if (!d->name || d->put == P_NEVER || !attr_wanted(d, o))
			continue;
		if (d->type == T_STR)
			mnl_attr_put_strz(nlh, type, *(char *const *)(o + d->off));
		else if (d->type == T_KEY)
			mnl_attr_put(nlh, type, k->len, k->data);
		else
			mnl_attr_put(nlh, type, width[d->type], o + d->off);
	}
	mnl_attr_nest_end(nlh, nest);
}

/* Attributes -> model. */

static bool attr_ok(const struct nlattr *a, const struct attr *d)
{
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (d->type) {
	case T_STR:
		return mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0;
	case T_NEST:
		return mnl_attr_validate(a, MNL_TYPE_NESTED) == 0;
	case T_FLAG:
		return len == 0;
	case T_KEY:
	case T_BIN:
		return true;
	}
	return d->type == T_ADDR ? len == 16 : len >= width[d->type];
}

static void get_value(const struct nlattr *a, const struct attr *d,
		      void *v)
{
	struct key *k = v;

	if (d->type == T_STR) {
		set_str(v, mnl_attr_get_str(a));
	} else if (d->type == T_KEY) {
		k->set = true;
		k->len = mnl_attr_get_payload_len(a);
		k->data = xmalloc(k->len);
		memcpy(k->data, mnl_attr_get_payload(a), k->len);
	} else {
		memcpy(v, mnl_attr_get_payload(a), width[d->type]);
	}
}

/*
 * Every known attribute of @len bytes at @data into @obj, by the table.
 * Unknown ones are skipped (a newer module may add some); -1 if one is
 * malformed.
 */
static int get_attrs(const void *data, size_t len, const struct attr *t,
		     int max, void *obj)
{
	const struct nlattr *a;
	char *o = obj;

	for_each_attr(a, data, len) {
		int type = mnl_attr_get_type(a);
		const struct attr *d = type <= max ? &t[type] : NULL;

		if (!d || !d->name || d->type == T_BIN || d->type == T_FLAG)
			continue;
		if (!attr_ok(a, d))
			return -1;
		if (d->type != T_NEST)
			get_value(a, d, o + d->off);
		else if (get_attrs(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a),
				   d->nest, d->nest_max, o + d->off) < 0)
			return -1;
		if (d->put == P_NOT_ANY)
			*(bool *)(o + d->has) = false;
		else if (d->has)
			*(bool *)(o + d->has) = true;
	}
	return 0;
}

/* The attributes of @a, the top-level nest of @type, into @obj. */
static int get_nest(const struct nlattr *a, int type, void *obj)
{
	return get_attrs(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a),
			 a_top[type].nest, a_top[type].nest_max, obj);
}

/* The attributes of a generic netlink message into @obj. */
static int get_msg(const struct nlmsghdr *nlh, const struct attr *t, int max,
		   void *obj)
{
	size_t hlen = sizeof(struct genlmsghdr);

	if (mnl_nlmsg_get_payload_len(nlh) < hlen)
		return -1;
	return get_attrs((const char *)mnl_nlmsg_get_payload(nlh) + hlen,
			 mnl_nlmsg_get_payload_len(nlh) - hlen, t, max, obj);
}

static const struct nlattr *top_attr(const struct nlmsghdr *nlh, int type)
{
	const struct nlattr *a;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return NULL;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

/* The request listing. */

/* "ATTR=VALUE NEST{...}" of the attributes at @data; keys as <N bytes>. */
static void print_attrs(FILE *f, const void *data, size_t len,
			const struct attr *t, int max)
{
	const struct nlattr *a;
	bool first = true;
	char buf[128];
	uint64_t v;

	for_each_attr(a, data, len) {
		int type = mnl_attr_get_type(a);
		uint16_t alen = mnl_attr_get_payload_len(a);
		const struct attr *d = type <= max ? &t[type] : NULL;

		/* Flags of the request are shown with its nlmsg flags. */
		if (d && d->type == T_FLAG && !alen)
			continue;
		if (!first)
			fputc(' ', f);
		first = false;
		if (!d || !d->name || !attr_ok(a, d)) {
			fprintf(f, "#%d=<%u bytes>", type, alen);
			continue;
		}
		if (d->type == T_NEST) {
			fprintf(f, "%s{", d->name);
			print_attrs(f, mnl_attr_get_payload(a), alen, d->nest,
				    d->nest_max);
			fputc('}', f);
			continue;
		}
		fprintf(f, "%s=", d->name);
		v = d->type <= T_U64 ?
		    uint_get(mnl_attr_get_payload(a), width[d->type]) : 0;
		if (d->type <= T_U64 && d->bits)
			fputs(v ? word_bits_str(d->enums, d->nenums, (uint32_t)v,
						"|", buf, sizeof(buf)) : "0", f);
		else if (d->type <= T_U64 && d->enums &&
			 word_name(d->enums, d->nenums, (uint32_t)v))
			fputs(word_name(d->enums, d->nenums, (uint32_t)v), f);
		else if (d->type <= T_U64)
			fprintf(f, "%llu", (unsigned long long)v);
		else if (d->type == T_ADDR)
			fputs(fmt_in6(mnl_attr_get_payload(a), buf, sizeof(buf),
				      false), f);
		else if (d->type == T_STR)
			fput_quoted(f, mnl_attr_get_str(a));
		else
			fprintf(f, "<%u bytes>", alen);
	}
}

/* One line: "CMD [flags=...] ATTR=VALUE NEST{...}"; keys as <N bytes>. */
static void print_msg(FILE *f, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	size_t hlen = sizeof(*g), plen = mnl_nlmsg_get_payload_len(nlh);
	const struct nlattr *a;

	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		a = top_attr(nlh, CTRL_ATTR_FAMILY_NAME);
		fprintf(f, "CTRL_GETFAMILY FAMILY_NAME=\"%s\"\n",
			a ? mnl_attr_get_str(a) : "");
		return;
	}
	fputs(g->cmd <= IPSEC6_CMD_MAX && cmd_names[g->cmd] ?
	      cmd_names[g->cmd] : "?", f);
	/* The requests the tool sends use only these flags. */
	if ((nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP) {
		fputs(" flags=DUMP\n", f);
		return;
	}
	if (top_attr(nlh, IPSEC6_A_REPLACE))
		fputs(" flags=REPLACE", f);
	if (plen > hlen) {
		fputc(' ', f);
		print_attrs(f, (const char *)g + hlen, plen - hlen, a_top,
			    IPSEC6_A_MAX);
	}
	fputc('\n', f);
}

/* Name of the attribute at byte @off of the attributes at @data. */
static const char *attr_at(const void *data, size_t len, uint32_t off,
			   const struct attr *t, int max, char *buf,
			   size_t blen, size_t used)
{
	const struct nlattr *a;

	for_each_attr(a, data, len) {
		uint32_t start = (uint32_t)((const char *)a - (const char *)data);
		int type = mnl_attr_get_type(a);
		const struct attr *d = type <= max ? &t[type] : NULL;

		if (off < start || off >= start + a->nla_len)
			continue;
		if (!d || !d->name)
			return NULL;
		snprintf(buf + used, blen - used, "%s%s", used ? "." : "",
			 d->name);
		if (off >= start + MNL_ATTR_HDRLEN && d->type == T_NEST)
			return attr_at(mnl_attr_get_payload(a),
				       mnl_attr_get_payload_len(a),
				       off - start - MNL_ATTR_HDRLEN, d->nest,
				       d->nest_max, buf, blen, strlen(buf)) ?:
			       buf;
		return buf;
	}
	return NULL;
}

/* Requests. */

struct nl_req {
	size_t off;
	uint8_t cmd;
	uint32_t index;
	struct origin o;
};

struct nl_reqs {
	struct buf b;
	struct nl_req *e;
	size_t n, cap;
};

struct nl_reqs *nl_reqs_new(void)
{
	return xcalloc(1, sizeof(struct nl_reqs));
}

void nl_reqs_free(struct nl_reqs *r)
{
	if (!r)
		return;
	if (r->b.p)
		explicit_bzero(r->b.p, r->b.cap);
	buf_free(&r->b);
	free(r->e);
	free(r);
}

static struct nlmsghdr *genl_hdr(void *buf, uint16_t type, uint8_t cmd,
				 uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 1 : IPSEC6_GENL_VERSION;
	return nlh;
}

static void put_sa_id(struct nlmsghdr *nlh, const struct sa *id)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, IPSEC6_A_SA);

	if (id->index) {
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_INDEX, id->index);
	} else {
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_SPI, id->spi);
		mnl_attr_put_u8(nlh, IPSEC6_SA_A_PROTO, id->proto);
		mnl_attr_put(nlh, IPSEC6_SA_A_DST, sizeof(id->dst), &id->dst);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void put_policy_id(struct nlmsghdr *nlh, uint32_t index)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, IPSEC6_A_POLICY);

	mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_INDEX, index);
	mnl_attr_nest_end(nlh, nest);
}

void nl_req(struct nl_reqs *r, uint8_t cmd, const void *obj, bool replace,
	    const struct origin *o)
{
	const struct policy *pol = obj;
	const struct sa *sa = obj;
	bool is_sa = cmd >= IPSEC6_CMD_SA_NEW;	/* the SA commands follow */
	struct nlmsghdr *nlh;

	/* libmnl zeroes what it writes, padding included. */
	buf_reserve(&r->b, NL_MSG_MAX);
	nlh = genl_hdr(r->b.p + r->b.len, 0, cmd, 0);
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->e = xrealloc(r->e, r->cap * sizeof(*r->e));
	}
	r->e[r->n++] = (struct nl_req){ r->b.len, cmd, !obj ? 0 : is_sa ?
					sa->index : pol->index, *o };
	if (cmd == IPSEC6_CMD_POLICY_NEW)
		put_obj(nlh, IPSEC6_A_POLICY, pol);
	else if (cmd == IPSEC6_CMD_SA_NEW || cmd == IPSEC6_CMD_SA_UPDATE)
		put_obj(nlh, IPSEC6_A_SA, sa);
	else if (cmd == IPSEC6_CMD_POLICY_DEL)
		put_policy_id(nlh, pol->index);
	else if (cmd == IPSEC6_CMD_SA_DEL)
		put_sa_id(nlh, sa);
	else if (obj)	/* a flush of one owner's objects */
		mnl_attr_put_u32(nlh, IPSEC6_A_OWNER, is_sa ? sa->owner :
							     pol->owner);
	if (replace)
		mnl_attr_put(nlh, IPSEC6_A_REPLACE, 0, NULL);
	r->b.len += NLMSG_ALIGN(nlh->nlmsg_len);
}

/* The socket. */

struct nl {
	struct mnl_socket *sock;	/* NULL with --dry-run */
	uint16_t family;
	uint32_t mcgrp;
	uint32_t maxattr;	/* highest top-level attribute the module knows */
	uint32_t seq;
	char *rbuf;
};

struct nl_err {
	int code;		/* positive errno */
	uint32_t seq;
	char msg[256];
	bool has_offs;
	uint32_t offs;
};

static void nl_print(const void *buf, size_t len, bool change)
{
	const struct nlmsghdr *nlh = buf;
	int rest = (int)len;

	for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
		if (nl_opts.dump_msgs)
			print_msg(stderr, nlh);
		if (change && nl_opts.dry_run)
			print_msg(stdout, nlh);
	}
	if (change && nl_opts.dry_run)
		fflush(stdout);
}

/* 1 if sent, 0 if only printed (--dry-run changes, no module), -1. */
static int nl_send(struct nl *nl, void *buf, size_t len, bool change)
{
	nl_print(buf, len, change);
	if (!nl->sock || (change && nl_opts.dry_run))
		return 0;
	return mnl_socket_sendto(nl->sock, buf, len) < 0 ? -1 : 1;
}

/* One datagram; 0 if none is waiting and @nonblock. */
static ssize_t nl_recv(struct nl *nl, bool nonblock)
{
	ssize_t n;

	if (!nl->sock)
		return 0;
	for (;;) {
		n = recv(mnl_socket_get_fd(nl->sock), nl->rbuf, NL_RECV_BUF,
			 MSG_TRUNC | (nonblock ? MSG_DONTWAIT : 0));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && nonblock &&
		    (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n > NL_RECV_BUF) {
			errno = EMSGSIZE;
			return -1;
		}
		return n;
	}
}

static void nl_parse_err(const struct nlmsghdr *nlh, struct nl_err *e)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*err);
	const struct nlattr *a;

	memset(e, 0, sizeof(*e));
	e->seq = nlh->nlmsg_seq;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err)) {
		e->code = EPROTO;
		return;
	}
	e->code = -err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (off > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_for_each(a, nlh, off) {
		int type = mnl_attr_get_type(a);

		if (type == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(e->msg, sizeof(e->msg), "%s",
				 mnl_attr_get_str(a));
		if (type == NLMSGERR_ATTR_OFFS &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			e->has_offs = true;
			e->offs = mnl_attr_get_u32(a);
		}
	}
}

/* The attribute an error points at in @req ("SA.SPI"), or NULL. */
static const char *err_attr(const struct nl_err *e,
			    const struct nlmsghdr *req, char *buf, size_t len)
{
	size_t hdr = MNL_NLMSG_HDRLEN + sizeof(struct genlmsghdr);

	if (!req || !e->has_offs || e->offs < hdr || e->offs >= req->nlmsg_len)
		return NULL;
	buf[0] = '\0';
	return attr_at((const char *)req + hdr, req->nlmsg_len - hdr,
		       e->offs - (uint32_t)hdr, a_top, IPSEC6_A_MAX, buf, len,
		       0);
}

/* Does @msg start with a name in capitals and a colon ("SPI: ...")? */
static bool names_attr(const char *msg)
{
	const char *p = msg;

	while ((*p >= 'A' && *p <= 'Z') || *p == '_' || *p == '/' ||
	       (*p >= '0' && *p <= '9'))
		p++;
	return p > msg && (*p == ':' || *p == ' ');
}

/* The text of an error: the extack message, or what we can say. */
static const char *nl_err_text(const struct nl_err *e,
			       const struct nlmsghdr *req, char *buf,
			       size_t len)
{
	char name[64];
	const char *a = err_attr(e, req, name, sizeof(name)), *last;

	last = a && strrchr(a, '.') ? strrchr(a, '.') + 1 : a;
	if (e->code == EPERM)
		snprintf(buf, len, "%s%spermission denied (needs CAP_NET_ADMIN)",
			 e->msg, e->msg[0] ? ": " : "");
	else if (e->msg[0] && a && !names_attr(e->msg))
		snprintf(buf, len, "%s: %s", last, e->msg);
	else if (e->msg[0])
		snprintf(buf, len, "%s", e->msg);
	else if (a)
		snprintf(buf, len, "attribute %s: %s", a, strerror(e->code));
	else
		snprintf(buf, len, "%s", strerror(e->code));
	return buf;
}

static void nl_report(const struct origin *o, const struct nl_err *e,
		      const struct nlmsghdr *req)
{
	char text[512];

	origin_msg(o, "%s", nl_err_text(e, req, text, sizeof(text)));
}

static void set_err(struct nl_err *e, int code, const char *what)
{
	memset(e, 0, sizeof(*e));
	e->code = code;
	snprintf(e->msg, sizeof(e->msg), "%s: %s", what, strerror(code));
}

/*
 * Read until the ack (or NLMSG_DONE) of @seq, or with @seq NL_NOWAIT until
 * nothing is waiting.  The other messages of @seq go to @cb (> 0: stop,
 * < 0: malformed); errors of other sequence numbers go to @other (if
 * set).  Returns 0 or the positive errno of the ack (details in *@e).
 */
#define NL_NOWAIT	((uint64_t)1 << 32)

static int nl_wait(struct nl *nl, uint64_t seq,
		   int (*cb)(const struct nlmsghdr *nlh, void *data),
		   void *data, struct nl_err *e,
		   void (*other)(const struct nl_err *e, void *data))
{
	const struct nlmsghdr *nlh;
	struct nl_err tmp;
	int rest, ret;
	ssize_t n;

	for (;;) {
		n = nl_recv(nl, seq == NL_NOWAIT);
		if (n < 0) {
			set_err(e, errno, "receiving from the kernel");
			return e->code;
		}
		if (!n && seq == NL_NOWAIT)
			return 0;
		rest = (int)n;
		for (nlh = (void *)nl->rbuf; mnl_nlmsg_ok(nlh, rest);
		     nlh = mnl_nlmsg_next(nlh, &rest)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				nl_parse_err(nlh, &tmp);
				if (nlh->nlmsg_seq == seq) {
					*e = tmp;
					return e->code;
				}
				if (tmp.code && other)
					other(&tmp, data);
				continue;
			}
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				const int *res = mnl_nlmsg_get_payload(nlh);

				if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int) ||
				    *res >= 0)
					return 0;
				set_err(e, -*res, "the dump failed");
				return e->code;
			}
			ret = cb ? cb(nlh, data) : 0;
			if (ret < 0)
				set_err(e, EPROTO, "reading the kernel's reply");
			if (ret)
				return ret < 0 ? e->code : 0;
		}
	}
}

/* A single request with an ack; its replies go to @cb. */
static int nl_request(struct nl *nl, struct nlmsghdr *nlh, bool change,
		      int (*cb)(const struct nlmsghdr *nlh, void *data),
		      void *data, struct nl_err *e)
{
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	if (nlh->nlmsg_type != GENL_ID_CTRL)
		nlh->nlmsg_type = nl->family;
	switch (nl_send(nl, nlh, nlh->nlmsg_len, change)) {
	case -1:
		set_err(e, errno, "sending to the kernel");
		return e->code;
	case 0:
		return 0;
	}
	return nl_wait(nl, nlh->nlmsg_seq, cb, data, e, NULL);
}

/* Family resolution. */

static const struct attr a_ctrl[CTRL_ATTR_MAXATTR + 1] = {
	[CTRL_ATTR_FAMILY_ID] = { "FAMILY_ID", T_U16, V(nl, family) },
	[CTRL_ATTR_MAXATTR] = { "MAXATTR", T_U32, V(nl, maxattr) },
};

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a = top_attr(nlh, CTRL_ATTR_MCAST_GROUPS), *g, *x;
	struct nl *nl = data;

	if (get_msg(nlh, a_ctrl, CTRL_ATTR_MAXATTR, nl) < 0 || !a)
		return 0;
	mnl_attr_for_each_nested(g, a) {
		const char *name = NULL;
		uint32_t id = 0;

		mnl_attr_for_each_nested(x, g) {
			if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_NAME &&
			    mnl_attr_validate(x, MNL_TYPE_NUL_STRING) == 0)
				name = mnl_attr_get_str(x);
			if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_ID &&
			    mnl_attr_validate(x, MNL_TYPE_U32) == 0)
				id = mnl_attr_get_u32(x);
		}
		if (name && streq(name, IPSEC6_MCGRP_EVENTS))
			nl->mcgrp = id;
	}
	return 0;
}

static void set_buf(int fd, int opt, int opt_force)
{
	int size = NL_SOCK_BUF;

	if (setsockopt(fd, SOL_SOCKET, opt_force, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
}

/* The socket and the family; NULL or what went wrong in @msg. */
static struct mnl_socket *nl_connect(struct nl *nl, char *msg, size_t len)
{
	char buf[NL_MSG_MAX] = { 0 };
	struct nlmsghdr *nlh;
	int one = 1, fd, err;
	struct nl_err e;

	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(msg, len, "cannot open a generic netlink socket: %s",
			 strerror(errno));
		return NULL;
	}
	fd = mnl_socket_get_fd(nl->sock);
	/* Best effort: old kernels lack them and still work. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (nl_opts.big_buffers) {
		set_buf(fd, SO_SNDBUF, SO_SNDBUFFORCE);
		set_buf(fd, SO_RCVBUF, SO_RCVBUFFORCE);
	}
	nlh = genl_hdr(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, IPSEC6_GENL_NAME);
	err = nl_request(nl, nlh, false, family_cb, nl, &e);
	if (err == ENOENT || (!err && !nl->family))
		snprintf(msg, len, "the ipsec6 module is not loaded (modprobe ipsec6 / insmod ipsec6.ko)");
	else if (err)
		snprintf(msg, len, "cannot resolve the ipsec6 netlink family: %s",
			 nl_err_text(&e, NULL, buf, sizeof(buf)));
	return err || !nl->family ? NULL : nl->sock;
}

struct nl *nl_open(void)
{
	struct nl *nl = xcalloc(1, sizeof(*nl));
	char msg[512];

	nl->rbuf = xmalloc(NL_RECV_BUF);
	nl->seq = (uint32_t)time(NULL);
	if (nl_connect(nl, msg, sizeof(msg)))
		return nl;
	if (!nl_opts.dry_run)
		die("%s", msg);
	/* --dry-run without the module: a fresh namespace answers. */
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
	nl->maxattr = IPSEC6_A_MAX;
	return nl;
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->rbuf);
	free(nl);
}

/* Sending requests. */

struct run_state {
	struct nl_reqs *r;
	uint32_t first_seq;
	unsigned int errors;
	bool lost;
};

static void run_error(const struct nl_err *e, void *data)
{
	struct run_state *rs = data;
	uint32_t i = e->seq - rs->first_seq;
	struct nl_req *req = i < rs->r->n ? &rs->r->e[i] : NULL;

	if (e->code == ENOBUFS && !e->msg[0])
		rs->lost = true;
	rs->errors++;
	nl_report(req ? &req->o : NULL, e,
		  req ? (const void *)(rs->r->b.p + req->off) : NULL);
}

/* The last request of @cmd (any, if 0) for @index. */
static struct nl_req *find_req(struct nl_reqs *r, uint8_t cmd,
			       uint32_t index)
{
	size_t i;

	for (i = r->n; index && i-- > 0;)
		if (r->e[i].index == index && (!cmd || r->e[i].cmd == cmd))
			return &r->e[i];
	return NULL;
}

/*
 * The request a commit error is about ("SA 3: ..." / "policy 2: ..."):
 * the first object it names that we sent, else a request of ours for an
 * index it mentions, else the only request there is.
 */
static struct nl_req *commit_req(struct nl_reqs *r, const char *msg)
{
	struct nl_req *req;
	const char *p;

	for (p = msg; *p; p++) {
		bool sa = !strncmp(p, "SA ", 3), pol = !strncmp(p, "policy ", 7);
		const char *d = p + (sa ? 3 : 7);

		if ((!sa && !pol) || (p > msg && p[-1] != ' ' && p[-1] != '(') ||
		    *d < '0' || *d > '9')
			continue;
		req = find_req(r, sa ? IPSEC6_CMD_SA_NEW : IPSEC6_CMD_POLICY_NEW,
			       (uint32_t)strtoul(d, NULL, 10));
		if (req)
			return req;
	}
	for (p = msg; *p; p++) {
		if (*p < '0' || *p > '9' ||
		    (p > msg && p[-1] >= '0' && p[-1] <= '9'))
			continue;
		req = find_req(r, 0, (uint32_t)strtoul(p, NULL, 10));
		if (req)
			return req;
	}
	return r->n == 1 ? &r->e[0] : NULL;
}

static int nl_txn_simple(struct nl *nl, uint8_t cmd, uint32_t attr,
			 uint32_t val, struct nl_err *e)
{
	char buf[NL_MSG_MAX] = { 0 };
	struct nlmsghdr *nlh = genl_hdr(buf, nl->family, cmd, 0);

	if (val)
		mnl_attr_put_u32(nlh, attr, val);
	return nl_request(nl, nlh, true, NULL, NULL, e);
}

static int nl_run_single(struct nl *nl, struct nl_reqs *r)
{
	struct nl_err e;
	size_t i;

	for (i = 0; i < r->n; i++) {
		struct nlmsghdr *nlh = (void *)(r->b.p + r->e[i].off);

		if (nl_request(nl, nlh, true, NULL, NULL, &e)) {
			nl_report(&r->e[i].o, &e, nlh);
			return -1;
		}
	}
	return 0;
}

static void nl_abort(struct nl *nl)
{
	struct nl_err e;

	/* Closing the socket aborts too; this makes it explicit. */
	if (nl_txn_simple(nl, IPSEC6_CMD_TXN_ABORT, 0, 0, &e) &&
	    e.code != ENOENT)
		nl_report(NULL, &e, NULL);
}

/* Stream the requests in chunks, stopping after the first error. */
static int nl_stream(struct nl *nl, struct run_state *rs)
{
	struct nl_reqs *r = rs->r;
	size_t i, start, end, bytes;
	struct nl_err e;

	for (i = 0; i < r->n; i++) {
		struct nlmsghdr *nlh = (void *)(r->b.p + r->e[i].off);

		nlh->nlmsg_type = nl->family;
		nlh->nlmsg_seq = ++nl->seq;
	}
	for (start = 0; start < r->n && !rs->errors; start = end) {
		for (end = start, bytes = 0; end < r->n; end++) {
			size_t next = end + 1 < r->n ? r->e[end + 1].off :
						       r->b.len;

			if (bytes && bytes + next - r->e[end].off > NL_CHUNK)
				break;
			bytes += next - r->e[end].off;
		}
		if (nl_send(nl, r->b.p + r->e[start].off, bytes, true) < 0)
			return -1;
		/* The errors that came back so far. */
		if (nl_wait(nl, NL_NOWAIT, NULL, rs, &e, run_error)) {
			rs->lost |= e.code == ENOBUFS;
			rs->errors++;
		}
	}
	return 0;
}

int nl_run(struct nl *nl, struct nl_reqs *r, bool txn, uint32_t txn_flags)
{
	struct run_state rs = { .r = r };
	char buf[NL_MSG_MAX] = { 0 };
	struct nlmsghdr *nlh;
	struct nl_req *req;
	struct nl_err e;
	int sent;

	if (!txn)
		return nl_run_single(nl, r);
	if (nl_txn_simple(nl, IPSEC6_CMD_TXN_BEGIN, IPSEC6_A_TXN_FLAGS,
			  txn_flags, &e)) {
		nl_report(NULL, &e, NULL);
		return -1;
	}
	rs.first_seq = nl->seq + 1;
	memset(&e, 0, sizeof(e));
	sent = nl_stream(nl, &rs);
	if (sent == 0 && !rs.errors) {
		/* Errors of earlier requests arrive before the commit's ack. */
		nlh = genl_hdr(buf, nl->family, IPSEC6_CMD_TXN_COMMIT, NLM_F_ACK);
		nlh->nlmsg_seq = ++nl->seq;
		/*
		 * The kernel checks that every request reached it.  A module
		 * older than the attribute would refuse it as unknown.
		 */
		if (nl->maxattr >= IPSEC6_A_TXN_REQUESTS)
			mnl_attr_put_u32(nlh, IPSEC6_A_TXN_REQUESTS,
					 (uint32_t)r->n);
		sent = nl_send(nl, nlh, nlh->nlmsg_len, true);
		if (sent > 0)
			nl_wait(nl, nlh->nlmsg_seq, NULL, &rs, &e, run_error);
	}
	if (sent < 0)
		err_msg("sending to the kernel: %s", strerror(errno));
	else if (rs.lost)
		err_msg("some error reports were lost (receive buffer full)");
	if (sent >= 0 && !rs.errors && !e.code)
		return 0;
	if (sent >= 0 && !rs.errors) {
		req = e.msg[0] ? commit_req(r, e.msg) : NULL;
		nl_report(req ? &req->o : &(struct origin){ .what = "commit" },
			  &e, NULL);
	}
	nl_abort(nl);
	return -1;
}

/* Queries. */

struct reply {
	int type;		/* top-level attribute wanted */
	struct vec *out;	/* dumps */
	void *obj;		/* gets */
	bool got, intr;
};

static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reply *rp = data;
	const struct nlattr *a = top_attr(nlh, rp->type);
	void *obj = rp->obj;
	int ret;

	rp->intr |= !!(nlh->nlmsg_flags & NLM_F_DUMP_INTR);
	if (!a)
		return 0;
	if (rp->out)
		obj = rp->type == IPSEC6_A_SA ? (void *)sa_new() :
						(void *)policy_new();
	if (rp->type == IPSEC6_A_SA)
		sa_clear(obj);
	else
		policy_init(obj);
	ret = get_nest(a, rp->type, obj);
	if (rp->out)
		vec_push(rp->out, obj);
	rp->got = true;
	return ret;
}

int nl_dump(struct nl *nl, int type, struct vec *out)
{
	struct reply rp = { .type = type, .out = out };
	const char *what = type == IPSEC6_A_SA ? "SA dump" : "policy dump";
	char buf[NL_MSG_MAX] = { 0 };
	struct nlmsghdr *nlh;
	struct policy *def;
	struct nl_err e;
	int tries;

	nlh = genl_hdr(buf, nl->family, type == IPSEC6_A_SA ?
		       IPSEC6_CMD_SA_GET : IPSEC6_CMD_POLICY_GET, NLM_F_DUMP);
	for (tries = 0; tries < NL_DUMP_TRIES; tries++) {
		nlh->nlmsg_seq = ++nl->seq;
		if (nl_send(nl, nlh, nlh->nlmsg_len, false) < 0) {
			err_msg("sending to the kernel: %s", strerror(errno));
			return -1;
		}
		if (!nl->sock && type == IPSEC6_A_POLICY) {
			/* --dry-run without the module: a fresh namespace. */
			def = policy_new();
			policy_default(def);
			vec_push(out, def);
		}
		if (!nl->sock)
			return 0;
		/* Tests: as if the first dumps had been interrupted. */
		rp.intr = nl_opts.dump_intr > 0;
		nl_opts.dump_intr -= rp.intr;
		if (nl_wait(nl, nlh->nlmsg_seq, reply_cb, &rp, &e, NULL)) {
			nl_report(&(struct origin){ .what = what }, &e, NULL);
			return -1;
		}
		if (!rp.intr)
			return 0;
		if (type == IPSEC6_A_SA)
			sas_free(out);
		else
			policies_free(out);
	}
	err_msg("the tables kept changing during the dump; try again");
	return -1;
}

static int nl_get(struct nl *nl, struct nlmsghdr *nlh, struct reply *rp,
		  const char *what)
{
	bool change = ((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd ==
		      IPSEC6_CMD_SA_ALLOC_SPI;
	struct nl_err e;

	if (nl_request(nl, nlh, change, reply_cb, rp, &e)) {
		if (e.code == ENOENT)
			return 0;
		nl_report(&(struct origin){ .what = what }, &e, nlh);
		return -1;
	}
	return rp->got;
}

int nl_get_policy(struct nl *nl, uint32_t index, struct policy *out)
{
	struct reply rp = { .type = IPSEC6_A_POLICY, .obj = out };
	char buf[NL_MSG_MAX] = { 0 };
	struct nlmsghdr *nlh;

	nlh = genl_hdr(buf, nl->family, IPSEC6_CMD_POLICY_GET, 0);
	put_policy_id(nlh, index);
	if (!nl->sock && index == 1) {
		policy_default(out);
		return 1;
	}
	return nl_get(nl, nlh, &rp, "policy get");
}

int nl_get_sa(struct nl *nl, uint8_t cmd, const struct sa *sa,
	      struct sa *out)
{
	struct reply rp = { .type = IPSEC6_A_SA, .obj = out };
	char buf[NL_MSG_MAX] = { 0 };
	struct nlmsghdr *nlh = genl_hdr(buf, nl->family, cmd, 0);

	memset(out, 0, sizeof(*out));
	if (cmd == IPSEC6_CMD_SA_GET)
		put_sa_id(nlh, sa);
	else
		put_obj(nlh, IPSEC6_A_SA, sa);
	return nl_get(nl, nlh, &rp, cmd == IPSEC6_CMD_SA_GET ? "sa get" :
			 "sa allocspi");
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a = top_attr(nlh, IPSEC6_A_STATS);

	return a ? get_nest(a, IPSEC6_A_STATS, data) : 0;
}

int nl_get_stats(struct nl *nl, struct nl_stats *st)
{
	char buf[NL_MSG_MAX] = { 0 };
	struct nlmsghdr *nlh;
	struct nl_err e;
	unsigned int i;

	memset(st, 0, sizeof(*st));
	nlh = genl_hdr(buf, nl->family, IPSEC6_CMD_STATS_GET, 0);
	if (nl_request(nl, nlh, false, stats_cb, st, &e)) {
		nl_report(&(struct origin){ .what = "stats" }, &e, nlh);
		return -1;
	}
	/* --dry-run without the module: a fresh namespace, no drops. */
	for (i = 0; i <= IPSEC6_STATS_A_MAX; i++)
		st->present[i] = stats_name(i) && (st->present[i] || !nl->sock);
	return 0;
}

/* Events. */

static const struct attr a_event[IPSEC6_A_MAX + 1] = {
	[IPSEC6_A_GENERATION] = { "GENERATION", T_U32, V(nl_event, generation) },
	[IPSEC6_A_EXPIRE] = { "EXPIRE", T_U8, V(nl_event, expire) },
	[IPSEC6_A_SA] = { "SA", T_NEST, V(nl_event, sa), H(nl_event, has_sa),
			  N(a_sa) },
	[IPSEC6_A_POLICY] = { "POLICY", T_NEST, V(nl_event, policy),
			      H(nl_event, has_policy), N(a_policy) },
	[IPSEC6_A_FLOW] = { "FLOW", T_NEST, V(nl_event, flow),
			    H(nl_event, has_flow), N(a_flow) },
};

struct event_ctx {
	uint16_t family;
	int (*cb)(const struct nl_event *ev, void *data);
	void *data;
	int ret;
};

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct event_ctx *c = data;
	struct nl_event ev = { 0 };
	int ret = 0;

	if (nlh->nlmsg_type != c->family)
		return 0;
	policy_init(&ev.policy);
	if (get_msg(nlh, a_event, IPSEC6_A_MAX, &ev) == 0) {
		ev.cmd = ((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd;
		ret = c->cb(&ev, c->data);
	}
	sa_clear(&ev.sa);
	c->ret = ret;
	return ret ? 1 : 0;
}

int nl_monitor(struct nl *nl, int (*cb)(const struct nl_event *ev,
					void *data), void *data)
{
	struct event_ctx c = { nl->family, cb, data, 0 };
	struct nl_err e;
	int err;

	if (nl_opts.dry_run)
		return 0;	/* nothing ever happens */
	if (!nl->mcgrp) {
		err_msg("the ipsec6 family has no \"%s\" group",
			IPSEC6_MCGRP_EVENTS);
		return -1;
	}
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP,
				  &nl->mcgrp, sizeof(nl->mcgrp)) < 0) {
		err_msg("cannot join the \"%s\" group: %s",
			IPSEC6_MCGRP_EVENTS, strerror(errno));
		return -1;
	}
	/* Events have sequence number 0 and no ack. */
	while ((err = nl_wait(nl, 0, event_cb, &c, &e, NULL)) == ENOBUFS)
		warn_msg("events were lost (receive buffer full)");
	if (err)
		err_msg("%s", e.msg);
	return err || c.ret < 0 ? -1 : 0;
}
