// SPDX-License-Identifier: GPL-2.0
/*
 * "ip xfrm" style arguments into the model: a grammar front end on the
 * value layer (values.c).
 *
 * Each keyword is a row of a table: the subcommands that take it, the
 * parser of its values and where they go in the request.  The parsers
 * check that values can be read; what they mean is the module's to judge.
 * "ipsec6ctl debug keywords" prints the words of the tables, so that the
 * tests can check the help text against what is really accepted.
 */
#include <net/if.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "xfrmgrammar.h"

static const struct word subcmds[] = {
	{ "add", XG_ADD }, { "update", XG_UPDATE }, { "del", XG_DEL },
	{ "delete", XG_DEL }, { "get", XG_GET }, { "list", XG_LIST },
	{ "show", XG_LIST }, { "ls", XG_LIST }, { "flush", XG_FLUSH },
	{ "count", XG_COUNT }, { "allocspi", XG_ALLOCSPI },	/* SAs only */
};

#define POL_SUBCMDS	(ARRAY_SIZE(subcmds) - 1)

/* Values of closed sets. */
static const struct word ipsec_protos[] = {
	{ "esp", IPSEC6_PROTO_ESP }, { "ah", IPSEC6_PROTO_AH },
};

static const struct word modes[] = {
	{ "transport", IPSEC6_MODE_TRANSPORT }, { "tunnel", IPSEC6_MODE_TUNNEL },
};

enum { A_ALLOW = 100, A_BLOCK };

static const struct word actions[] = {
	{ "allow", A_ALLOW }, { "block", A_BLOCK },
	{ "apply", IPSEC6_ACTION_APPLY }, { "bypass", IPSEC6_ACTION_BYPASS },
	{ "discard", IPSEC6_ACTION_DISCARD },
};

static const struct word levels[] = { { "required", 1 } };
static const struct word ptypes[] = { { "main", 1 } };
static const struct word keyfile_word[] = { { "keyfile", 1 } };

/*
 * "ip xfrm" subcommands and words we do not support, with the reason
 * (ipsec6ctl(8), IP XFRM COMPATIBILITY, lists them all).
 */
static const struct {
	const char *w;
	const char *why;
} unsupported[] = {
	{ "allocspi", "SPIs are allocated for SAs: 'sa allocspi'" },
	{ "deleteall", "not supported by ipsec6: use 'flush', or 'del' for one" },
	{ "delall", "not supported by ipsec6: use 'flush', or 'del' for one" },
	{ "set", "policy hash thresholds do not exist in ipsec6" },
	{ "setdefault", "not supported by ipsec6: the default is policy 1, searched last ('policy update index 1 ...')" },
	{ "getdefault", "not supported by ipsec6: the default is policy 1, searched last ('policy get index 1')" },
	{ "help", "the help is 'ipsec6ctl help sa' or 'ipsec6ctl help policy'" },
	{ "comp", "IP compression (IPComp) is not supported by ipsec6" },
	{ "mark", "marks are not supported by ipsec6" },
	{ "if_id", "xfrm interfaces are not supported by ipsec6" },
	{ "coa", "care-of addresses are not supported by ipsec6" },
	{ "ctx", "security contexts are not supported by ipsec6" },
	{ "extra-flag", "extra flags are not supported by ipsec6" },
	{ "output-mark", "marks are not supported by ipsec6" },
	{ "offload", "hardware offload is not supported by ipsec6" },
	{ "tfcpad", "TFC padding is not supported by ipsec6" },
	{ "lastused", "'lastused' is not supported by ipsec6" },
	{ "seq", "acquire sequence numbers are not supported by ipsec6 (replay-oseq sets the first sequence number sent)" },
	{ "limit", "policy lifetimes are not supported by ipsec6 (SAs have them)" },
	{ "key", "GRE key selectors are not supported by ipsec6" },
	{ "nokeys", "keys are never shown: leave 'nokeys' out" },
	{ "nosock", "there are no socket policies in ipsec6: leave 'nosock' out" },
};

/* A cursor over the arguments with an error buffer. */
struct args {
	int argc, i;
	char **argv;
	char *err;
	size_t errlen;
	const char *name;	/* of the keyword being read, for messages */
	char sub[32];		/* a name "KEYWORD WORD" of a sub-grammar */
};

__printf(2, 3) static int fail(struct args *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->err, a->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static bool more(const struct args *a)
{
	return a->i < a->argc;
}

static const char *peek(const struct args *a)
{
	return more(a) ? a->argv[a->i] : "";
}

/* Keywords. */

struct kw;
typedef int (*kw_fn)(struct args *a, const struct kw *k, char *obj);

struct kw {
	const char *w;
	kw_fn fn;		/* NULL: refused, why */
	const char *why;
	uint8_t ops;		/* bits of the subcommands that take it */
	uint16_t off, has;	/* value and its bool in the request */
	const struct word *words;	/* a closed set of values */
	uint8_t nwords;
	uint32_t arg;
	const struct kw *sub;	/* the words of a sub-grammar */
	uint8_t nsub;
	uint8_t size;		/* of the value; 0: u32 (a number), u8 (a word) */
};

#define OP(x)		(1u << XG_##x)
#define CHANGE		(OP(ADD) | OP(UPDATE))
#define ID		(CHANGE | OP(DEL) | OP(GET))
#define ALL		(ID | OP(LIST))
#define ALLOC		OP(ALLOCSPI)
#define W(t)		.words = (t), .nwords = ARRAY_SIZE(t)
#define SUB(t)		.sub = (t), .nsub = ARRAY_SIZE(t)

static const struct kw *kw_find(const struct kw *t, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (streq(t[i].w, w))
			return &t[i];
	return NULL;
}

static void set_has(const struct kw *k, char *obj)
{
	if (k->has)
		*(bool *)(obj + k->has) = true;
}

/* The value after the keyword, or NULL (message set). */
static char *value(struct args *a, const char *what)
{
	if (!more(a)) {
		fail(a, "'%s' needs %s", a->name, what);
		return NULL;
	}
	return a->argv[a->i++];
}

/* "NAME: BEFORE'VALUE'AFTER", the value quoted and capped. */
static int bad(struct args *a, const char *before, const char *v,
	       const char *after)
{
	char sv[100];

	return fail(a, "%s: %s'%s'%s", a->name, before,
		    shown(v, sv, sizeof(sv)), after);
}

static int get_u32(struct args *a, uint32_t *v)
{
	const char *s = value(a, "a number");

	if (!s)
		return -1;
	return parse_u32(s, v) ? 0 : bad(a, "invalid number ", s, "");
}

/* A number (arg 1: an index, not 0: 0 stands for "none"). */
static int kw_num(struct args *a, const struct kw *k, char *obj)
{
	uint32_t n;

	if (get_u32(a, &n) < 0)
		return -1;
	if (k->arg == 1 && !n)
		return fail(a, "%s: 0 is invalid", a->name);
	if (k->size == 1 && n > 255)
		return fail(a, "%s: must be 0-255", a->name);
	uint_set(obj + k->off, k->size ?: 4, n);
	set_has(k, obj);
	return 0;
}

static int get_word(struct args *a, const struct kw *k, uint32_t *v)
{
	const char *s = value(a, "a value");
	char list[200], msg[240];
	int i;

	if (!s)
		return -1;
	i = word_find(k->words, k->nwords, s, false);
	if (i >= 0) {
		*v = k->words[i].v;
		return 0;
	}
	snprintf(msg, sizeof(msg), " is not one of %s",
		 word_list(k->words, k->nwords, ", ", list, sizeof(list)));
	return bad(a, "", s, msg);
}

/* A word of k->words. */
static int kw_word(struct args *a, const struct kw *k, char *obj)
{
	uint32_t v;

	if (get_word(a, k, &v) < 0)
		return -1;
	uint_set(obj + k->off, k->size ?: 1, v);
	set_has(k, obj);
	return 0;
}

/* "flag A B ...": one word or more of the set. */
static int kw_flags(struct args *a, const struct kw *k, char *obj)
{
	uint32_t *flags = (uint32_t *)(obj + k->off), v;
	int i;

	if (get_word(a, k, &v) < 0)
		return -1;
	*flags |= v;
	while ((i = word_find(k->words, k->nwords, peek(a), false)) >= 0) {
		*flags |= k->words[i].v;
		a->i++;
	}
	return 0;
}

/* The value of @k unless the next word is k->arg's refused one. */
static int kw_refuse(struct args *a, const struct kw *k, char *obj)
{
	static const char *const refused[][2] = {
		{ "use", "tmpl level use: optional templates are not supported" },
		{ "sub", "ptype sub: sub policies are not supported" },
	};

	if (streq(peek(a), refused[k->arg][0]))
		return fail(a, "%s", refused[k->arg][1]);
	return kw_word(a, k, obj);
}

/*
 * One address: ADDR or ADDR/128.  arg 1 (an SA selector): ADDR/0 is any,
 * as if left out.
 */
static int kw_addr(struct args *a, const struct kw *k, char *obj)
{
	const char *s = value(a, "an IPv6 address");
	struct addr_sel r;

	if (!s)
		return -1;
	if (strchr(s, '-') || parse_addr_sel(s, &r))
		return bad(a, "invalid IPv6 address ", s, "");
	if (k->arg && r.any)
		return 0;
	if (cmp_in6(&r.start, &r.end))
		return bad(a, "", s, k->arg ?
			   ": an SA selector takes one address, not a prefix" :
			   ": one address, not a prefix");
	*(struct in6_addr *)(obj + k->off) = r.start;
	set_has(k, obj);
	return 0;
}

/* ADDR, ADDR/PLEN or (extension) A-B; arg 1: a port or P-Q. */
static int kw_range(struct args *a, const struct kw *k, char *obj)
{
	const char *s = value(a, k->arg ? "a port or range" :
				     "an address, prefix or range");
	void *r = obj + k->off;

	if (!s)
		return -1;
	if (k->arg ? parse_port_sel(s, r) : parse_addr_sel(s, r))
		return bad(a, "", s, k->arg ?
			   " is not a port (0-65535) or range P-Q" :
			   " is not an IPv6 address, prefix or range");
	return 0;
}

/* One port, into a u16. */
static int kw_port(struct args *a, const struct kw *k, char *obj)
{
	struct port_sel r;

	if (kw_range(a, &(struct kw){ .arg = 1 }, (char *)&r) < 0)
		return -1;
	if (r.start != r.end)
		return fail(a, "%s: one port, not a range", a->name);
	*(uint16_t *)(obj + k->off) = r.start;
	set_has(k, obj);
	return 0;
}

static int kw_proto(struct args *a, const struct kw *k, char *obj)
{
	const char *s = value(a, "a protocol");

	if (!s)
		return -1;
	set_has(k, obj);
	if (!parse_proto(s, WORDS(w_protos), (uint8_t *)(obj + k->off)))
		return bad(a, "unknown protocol ", s, "");
	return 0;
}

static int kw_dev(struct args *a, const struct kw *k, char *obj)
{
	uint32_t *ifindex = (uint32_t *)(obj + k->off);
	const char *s = value(a, "an interface name");

	if (!s)
		return -1;
	*ifindex = if_nametoindex(s);
	return *ifindex ? 0 : bad(a, "no interface ", s, "");
}

/* "replay-seq N" and relatives: one half (arg 1: high) of a u64. */
static int kw_seq(struct args *a, const struct kw *k, char *obj)
{
	uint64_t *seq = (uint64_t *)(obj + k->off);
	uint32_t n;

	if (get_u32(a, &n) < 0)
		return -1;
	if (k->arg)
		*seq = (*seq & 0xffffffffULL) | (uint64_t)n << 32;
	else
		*seq = (*seq & ~0xffffffffULL) | n;
	set_has(k, obj);
	return 0;
}

static int kw_limit(struct args *a, const struct kw *k, char *obj)
{
	struct sa *sa = (struct sa *)(obj + k->off);
	const char *s;
	uint32_t which;

	if (get_word(a, k, &which) < 0)
		return -1;
	a->name = w_limits[which].w;
	s = value(a, "a number");
	if (!s)
		return -1;
	if (streq(s, "inf"))
		sa->lft[which] = 0;
	else if (!parse_u64(s, &sa->lft[which]))
		return bad(a, "invalid number ", s, "");
	return 0;
}

/* KEY: 0xHEX, a string, @FILE, or "keyfile FILE". */
static int get_key(struct args *a, struct key *k, char **label)
{
	char kerr[ERRBUF_LEN], *s = value(a, "a key");
	const char *name = a->name, *file = NULL;
	bool nl;

	if (!s)
		return -1;
	if (streq(s, "keyfile")) {
		a->name = "keyfile";
		file = value(a, "a file name");
		a->name = name;
		if (!file)
			return -1;
		if (key_from_file(k, file, file, &nl, kerr, sizeof(kerr)) < 0)
			return fail(a, "%s: key: %s", name, kerr);
	} else {
		if (key_from_arg(k, s, &file, kerr, sizeof(kerr)) < 0) {
			wipe_str(s);
			return fail(a, "%s: key: %s", name, kerr);
		}
		/* Keep inline keys out of /proc/PID/cmdline as soon as we can. */
		if (!file)
			wipe_str(s);
	}
	set_str(label, file);
	return 0;
}

/* auth, auth-trunc (arg ALG_TRUNC), enc, aead: name, key [, bits]. */
#define ALG_TRUNC	0x10

static int kw_alg(struct args *a, const struct kw *k, char *obj)
{
	static const char *const kinds[] = { "", "authentication",
					     "encryption", "AEAD" };
	struct sa *sa = (struct sa *)(obj + k->off);
	uint8_t kind = k->arg & 0xf;
	char **alg = kind == ALG_AUTH ? &sa->auth_name :
		     kind == ALG_ENC ? &sa->enc_name : &sa->aead_name;
	struct key *key = kind == ALG_AUTH ? &sa->auth_key :
			  kind == ALG_ENC ? &sa->enc_key : &sa->aead_key;
	const struct alg *def;
	const char *s;

	if (*alg)
		return fail(a, "%s: only one %s algorithm", a->name,
			    kinds[kind]);
	s = value(a, "an algorithm name");
	if (!s)
		return -1;
	set_str(alg, alg_xfrm_name(s, kind));
	if (get_key(a, key, kind == ALG_ENC ? &sa->enc_keyfile :
						     &sa->keyfile) < 0)
		return -1;
	if (kind == ALG_ENC)
		return 0;
	if (kind == ALG_AEAD || (k->arg & ALG_TRUNC)) {
		if (get_u32(a, &sa->icv_bits) < 0)
			return -1;
		sa->has_icv = true;
		if (kind == ALG_AEAD || sa->icv_bits)
			return 0;
	}
	/*
	 * "auth", "auth-trunc ... 0": XFRM's truncation of the algorithm,
	 * sent explicitly; none for a name the module will refuse.
	 */
	def = alg_spelling(ALG_XFRM, ALG_AUTH, *alg, 0, 0);
	sa->has_icv = def;
	sa->icv_bits = def ? def->icv : 0;
	return 0;
}

/*
 * A sub-grammar: its words, each once, as long as they come.  arg 1: may
 * be empty, only once (tmpl).
 */
static int kw_sub(struct args *a, const struct kw *k, char *obj)
{
	uint32_t seen = 0;

	if (k->arg && k->has && *(bool *)(obj + k->has))
		return fail(a, "only one '%s' per policy is supported: add one policy per template and chain them with 'bundle INDEX'",
			    k->w);
	while (more(a)) {
		const struct kw *s = kw_find(k->sub, k->nsub, peek(a));
		unsigned int bit = s ? (unsigned int)(s - k->sub) : 0;

		if (!s || seen & (1u << bit))
			break;
		seen |= 1u << bit;
		a->i++;
		snprintf(a->sub, sizeof(a->sub), "%s %s", k->w, s->w);
		if (!s->fn)
			return fail(a, "%s: %s", a->sub, s->why);
		a->name = a->sub;
		if (s->fn(a, s, obj + k->off) < 0)
			return -1;
	}
	set_has(k, obj);
	return seen || k->arg ? 0 :
	       fail(a, "'%s' needs %s", k->w, "src, dst, proto, sport or dport");
}

/*
 * A fixed sequence of values without keywords ("encap TYPE SPORT DPORT
 * OA"): each row of the sub-grammar in turn, named in messages.
 */
static int kw_fields(struct args *a, const struct kw *k, char *obj)
{
	size_t i;

	for (i = 0; i < k->nsub; i++) {
		snprintf(a->sub, sizeof(a->sub), "%s %s", k->w, k->sub[i].w);
		a->name = a->sub;
		if (k->sub[i].fn(a, &k->sub[i], obj + k->off) < 0)
			return -1;
	}
	return 0;
}

/* SAs. */

#define KS(w, fn, ops, f)	{ w, fn, NULL, ops, offsetof(struct xg_sa, f)
#define HS(f)			.has = offsetof(struct xg_sa, f)
#define KSEL(w, fn, f, h)	{ w, fn, NULL, 0, offsetof(struct sa, f), \
				  offsetof(struct sa, h), .arg = 1 }
#define SEL_NO(w)		{ w, NULL, "not supported (an SA selector has src, dst, proto, sport and dport)" }

static const struct kw sel_words[] = {
	KSEL("src", kw_addr, sel_src, has_sel_src),
	KSEL("dst", kw_addr, sel_dst, has_sel_dst),
	KSEL("proto", kw_proto, sel_proto, has_sel_proto),
	KSEL("sport", kw_port, sel_sport, has_sel_sport),
	KSEL("dport", kw_port, sel_dport, has_sel_dport),
	SEL_NO("dev"), SEL_NO("type"), SEL_NO("code"), SEL_NO("key"),
};

#define KE(w, fn, f)	{ w, fn, NULL, 0, offsetof(struct sa, f), \
			  offsetof(struct sa, has_encap)

static const struct kw encap_fields[] = {
	KE("type", kw_word, encap_type), .size = 2, W(w_encap_types) },
	KE("sport", kw_port, encap_sport) },
	KE("dport", kw_port, encap_dport) },
	KE("oa", kw_addr, encap_oa) },
};

static const struct kw sa_words[] = {
	KS("src", kw_addr, ALL | ALLOC, sa.src), HS(sa.has_src) },
	KS("dst", kw_addr, ALL | ALLOC, sa.dst), HS(has_dst) },
	KS("proto", kw_word, ALL | ALLOC, sa.proto), HS(has_proto),
		W(ipsec_protos) },
	KS("spi", kw_num, ALL | ALLOC, sa.spi), HS(has_spi) },
	KS("min", kw_num, ALLOC, sa.spi_min), .arg = 1 },
	KS("max", kw_num, ALLOC, sa.spi_max), .arg = 1 },
	KS("mode", kw_word, CHANGE, sa.mode), W(modes) },
	KS("reqid", kw_num, CHANGE | ALLOC, sa.reqid) },
	KS("owner", kw_num, CHANGE | ALLOC | OP(FLUSH), sa.owner),
		HS(has_owner) },
	KS("replay-window", kw_num, CHANGE, sa.replay_window),
		HS(sa.has_replay) },
	KS("flag", kw_flags, CHANGE, sa.flags), W(w_sa_flag_words) },
	KS("auth", kw_alg, CHANGE, sa), .arg = ALG_AUTH, W(keyfile_word) },
	KS("auth-trunc", kw_alg, CHANGE, sa), .arg = ALG_AUTH | ALG_TRUNC },
	KS("enc", kw_alg, CHANGE, sa), .arg = ALG_ENC },
	KS("aead", kw_alg, CHANGE, sa), .arg = ALG_AEAD },
	KS("limit", kw_limit, CHANGE | ALLOC, sa), W(w_limits) },
	KS("sel", kw_sub, CHANGE, sa), SUB(sel_words) },
	KS("encap", kw_fields, CHANGE, sa), SUB(encap_fields) },
	KS("index", kw_num, ALL | ALLOC, sa.index), HS(has_index), .arg = 1 },
	KS("policy", kw_num, CHANGE | OP(LIST), sa.policy), HS(has_policy),
		.arg = 1 },
	KS("dir", kw_word, CHANGE | OP(LIST), sa.dir), HS(has_dir),
		.words = w_dirs, .nwords = 2 },	/* in, out */
	KS("replay-seq", kw_seq, CHANGE, sa.rseq), HS(sa.has_rseq) },
	KS("replay-oseq", kw_seq, CHANGE, sa.seq), HS(sa.has_seq) },
	KS("replay-seq-hi", kw_seq, CHANGE, sa.rseq), HS(sa.has_rseq),
		.arg = 1 },
	KS("replay-oseq-hi", kw_seq, CHANGE, sa.seq), HS(sa.has_seq),
		.arg = 1 },
};

/* @w, which is not @what of the grammar: why, or "unknown WHAT 'W'". */
static int unknown(struct args *a, const char *what, const char *w)
{
	char sv[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(unsupported); i++)
		if (streq(unsupported[i].w, w))
			return fail(a, "'%s': %s", w, unsupported[i].why);
	return fail(a, "unknown %s '%s'", what, shown(w, sv, sizeof(sv)));
}

/* The subcommand, then each keyword of @t that the subcommand takes. */
static int parse_words(struct args *a, enum xg_op *op, size_t nsub,
		       const struct kw *t, size_t n, char *obj)
{
	const char *sub, *w;
	const struct kw *k;
	char sv[64];
	int i;

	if (!more(a))
		return fail(a, "missing subcommand");
	sub = a->argv[0];
	i = word_find(subcmds, nsub, sub, false);
	if (i < 0)
		return unknown(a, "subcommand", sub);
	*op = (enum xg_op)subcmds[i].v;
	for (a->i++; more(a);) {
		w = a->argv[a->i++];
		k = kw_find(t, n, w);
		if (k && (k->ops & (1u << *op))) {
			a->name = w;
			if (k->fn(a, k, obj) < 0)
				return -1;
			continue;
		}
		if (*op == XG_FLUSH || *op == XG_COUNT)
			return fail(a, "'%s' takes %s ('%s' is not supported)",
				    sub, *op == XG_FLUSH ? "only 'owner N'" :
				    "no arguments", shown(w, sv, sizeof(sv)));
		if (k)
			return fail(a, "'%s' does not take '%s'", sub, w);
		return unknown(a, "argument", w);
	}
	return 0;
}

/* allocspi: "spi N" is the range N-N; "min" and "max" go together. */
static int alloc_range(struct args *a, struct xg_sa *req)
{
	struct sa *sa = &req->sa;

	if (!req->has_dst || !req->has_proto)
		return fail(a, "missing 'dst ADDR' or 'proto {esp|ah}'");
	if (req->has_spi && (sa->spi_min || sa->spi_max))
		return fail(a, "'spi' excludes 'min' and 'max'");
	if (!sa->spi_min != !sa->spi_max)
		return fail(a, "'min' and 'max' go together");
	if (req->has_spi)
		sa->spi_min = sa->spi_max = sa->spi;
	sa->spi_alloc = true;
	return 0;
}

int xg_sa_parse(int argc, char **argv, struct xg_sa *req, char *err,
		size_t errlen)
{
	struct args a = { argc, 0, argv, err, errlen };

	memset(req, 0, sizeof(*req));
	if (parse_words(&a, &req->op, ARRAY_SIZE(subcmds), WORDS(sa_words),
			(char *)req) < 0)
		return -1;
	if ((req->sa.has_sel_sport || req->sa.has_sel_dport) &&
	    (!req->sa.has_sel_proto || !proto_has_ports(req->sa.sel_proto)))
		return fail(&a, "sel: ports need proto tcp, udp, sctp or udplite");
	switch (req->op) {
	case XG_ADD:
	case XG_UPDATE:
		if (!req->has_dst)
			return fail(&a, "missing 'dst ADDR'");
		if (!req->has_spi)
			return fail(&a, "missing 'spi SPI'");
		if (!req->has_proto && !req->has_policy)
			return fail(&a, "missing 'proto {esp|ah}' (or 'policy N')");
		break;
	case XG_DEL:
	case XG_GET:
		if (!req->has_index &&
		    (!req->has_dst || !req->has_proto || !req->has_spi))
			return fail(&a, "needs 'index N' or 'dst ADDR proto {esp|ah} spi SPI'");
		break;
	case XG_ALLOCSPI:
		return alloc_range(&a, req);
	default:
		break;
	}
	return 0;
}

void xg_sa_free(struct xg_sa *req)
{
	sa_clear(&req->sa);
}

/* Policies. */

#define KP(w, fn, ops, f)	{ w, fn, NULL, ops, offsetof(struct xg_policy, f)
#define HP(f)			.has = offsetof(struct xg_policy, f)
#define KT(w, fn, f)		{ w, fn, NULL, 0, offsetof(struct xg_tmpl, f)

static const struct kw tmpl_words[] = {
	KT("src", kw_addr, src) },
	KT("dst", kw_addr, dst) },
	KT("proto", kw_word, proto), W(ipsec_protos) },
	KT("spi", kw_num, spi) },
	KT("mode", kw_word, mode), W(modes) },
	KT("reqid", kw_num, reqid) },
	KT("level", kw_refuse, level), W(levels), .arg = 0 },
};

static const struct kw pol_words[] = {
	KP("src", kw_range, ID, src) },
	KP("dst", kw_range, ID, dst) },
	KP("proto", kw_proto, ID, pol.proto), HP(pol.has_proto) },
	KP("sport", kw_range, ID, sport), .arg = 1 },
	KP("dport", kw_range, ID, dport), .arg = 1 },
	KP("type", kw_num, ID, pol.icmp_type), HP(pol.has_icmp_type),
		.size = 1 },
	KP("code", kw_num, ID, pol.icmp_code), HP(pol.has_icmp_code),
		.size = 1 },
	KP("dev", kw_dev, ID, pol.ifindex) },
	KP("dir", kw_word, ALL, pol.dir), HP(has_dir), W(w_dirs) },
	KP("index", kw_num, ALL, pol.index), HP(has_index), .arg = 1 },
	KP("priority", kw_num, ID, pol.priority), HP(has_priority) },
	KP("action", kw_word, ALL, action), HP(has_action), W(actions) },
	KP("tmpl", kw_sub, CHANGE, tmpl), HP(tmpl.given), SUB(tmpl_words),
		.arg = 1 },
	KP("bundle", kw_num, CHANGE, pol.bundle_next), .arg = 1 },
	KP("flag", kw_flags, CHANGE, pol.flags), W(w_pol_flag_words) },
	KP("ptype", kw_refuse, ID, ptype), W(ptypes), .arg = 1 },
	KP("owner", kw_num, CHANGE | OP(FLUSH), pol.owner), HP(has_owner) },
};

/* The template into the policy: remote/local as for the selectors. */
static int pol_tmpl(struct args *a, struct xg_policy *req, bool out)
{
	struct policy *p = &req->pol;
	const struct xg_tmpl *t = &req->tmpl;
	const struct in6_addr *remote = out ? &t->dst : &t->src;
	const struct in6_addr *local = out ? &t->src : &t->dst;

	if (!t->proto)
		return fail(a, "tmpl: missing 'proto {esp|ah}'");
	if (t->spi)
		return fail(a, "tmpl spi: only 0 (SAs are bound by reqid or by 'policy N')");
	p->ipsec_proto = t->proto;
	p->mode = t->mode ?: IPSEC6_MODE_TRANSPORT;
	p->reqid = t->reqid;
	/* In transport mode the addresses of the template are ignored. */
	if (p->mode != IPSEC6_MODE_TUNNEL)
		return 0;
	p->has_tunnel_remote = !in6_is_zero(remote);
	p->tunnel_remote = *remote;
	p->has_tunnel_local = !in6_is_zero(local);
	p->tunnel_local = *local;
	return 0;
}

static uint8_t pol_action(const struct xg_policy *req)
{
	if (!req->has_action || req->action == A_ALLOW)
		return req->tmpl.given ? IPSEC6_ACTION_APPLY :
					 IPSEC6_ACTION_BYPASS;
	if (req->action == A_BLOCK)
		return IPSEC6_ACTION_DISCARD;
	return req->action;
}

int xg_policy_parse(int argc, char **argv, struct xg_policy *req,
		    char *err, size_t errlen)
{
	struct args a = { argc, 0, argv, err, errlen };
	struct policy *p = &req->pol;
	bool out;

	memset(req, 0, sizeof(*req));
	policy_init(p);
	req->src.any = req->dst.any = req->sport.any = req->dport.any = true;
	if (parse_words(&a, &req->op, POL_SUBCMDS, WORDS(pol_words),
			(char *)req) < 0)
		return -1;
	/* remote/local from src/dst: "dir out" sees us as the source. */
	out = p->dir == IPSEC6_DIR_OUT;
	p->local = out ? req->src : req->dst;
	p->remote = out ? req->dst : req->src;
	p->lport = out ? req->sport : req->dport;
	p->rport = out ? req->dport : req->sport;
	p->action = pol_action(req);
	if (req->op == XG_LIST || req->op == XG_FLUSH ||
	    req->op == XG_COUNT ||
	    ((req->op == XG_DEL || req->op == XG_GET) && req->has_index))
		return 0;
	if (!req->has_dir)
		return fail(&a, "missing 'dir {in|out|fwd}'%s",
			    req->op == XG_DEL || req->op == XG_GET ?
			    " (or 'index N')" : "");
	if (req->op == XG_DEL || req->op == XG_GET)
		return 0;
	return req->tmpl.given ? pol_tmpl(&a, req, out) : 0;
}

/* Keyword lists for "debug keywords". */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char * const *)a, *(const char * const *)b);
}

static void add_words(struct vec *v, const struct word *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		vec_push(v, (void *)t[i].w);
}

/* @fields: the rows name values, not keywords (kw_fields). */
static void add_kws(struct vec *v, const struct kw *t, size_t n, bool fields)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!t[i].fn)
			continue;	/* a refused word */
		if (!fields)
			vec_push(v, (void *)t[i].w);
		add_words(v, t[i].words, t[i].nwords);
		add_kws(v, t[i].sub, t[i].nsub, t[i].fn == kw_fields);
	}
}

int xg_keywords(const char *family, FILE *f)
{
	bool sa = streq(family, "sa");
	struct vec v = { 0 };
	size_t i;

	if (!sa && !streq(family, "policy"))
		return -1;
	add_words(&v, subcmds, sa ? ARRAY_SIZE(subcmds) : POL_SUBCMDS);
	if (sa)
		add_kws(&v, WORDS(sa_words), false);
	else
		add_kws(&v, WORDS(pol_words), false);
	qsort(v.v, v.n, sizeof(*v.v), cmp_str);
	for (i = 0; i < v.n; i++)
		if (!i || strcmp(v.v[i], v.v[i - 1]))
			fprintf(f, "%s\n", (const char *)v.v[i]);
	vec_free(&v);
	return 0;
}
