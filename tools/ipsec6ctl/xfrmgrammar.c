// SPDX-License-Identifier: GPL-2.0
/*
 * "ip xfrm" style arguments into the model.
 *
 * The words each parser accepts are listed in tables; the parsers look
 * words up in them and "ipsec6ctl debug keywords" prints them, so that the
 * tests can check the help text against what is really accepted.
 */
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include "xfrmgrammar.h"

struct word {
	const char *w;
	int id;
};

enum {
	K_SRC = 1, K_DST, K_PROTO, K_SPI, K_MODE, K_REQID, K_REPLAY, K_FLAG,
	K_AUTH, K_AUTH_TRUNC, K_ENC, K_AEAD, K_LIMIT, K_SEL, K_INDEX,
	K_POLICY, K_DIR, K_SPORT, K_DPORT, K_TYPE, K_CODE, K_DEV, K_PRIORITY,
	K_ACTION, K_TMPL, K_BUNDLE, K_PTYPE, K_LEVEL, K_SEQ, K_SEQ_HI, K_OSEQ,
	K_OSEQ_HI,
};

static const struct word subcmds[] = {
	{ "add", XG_ADD }, { "update", XG_UPDATE }, { "del", XG_DEL },
	{ "delete", XG_DEL }, { "get", XG_GET }, { "list", XG_LIST },
	{ "show", XG_LIST }, { "ls", XG_LIST }, { "flush", XG_FLUSH },
	{ "count", XG_COUNT },
};

static const struct word sa_words[] = {
	{ "src", K_SRC }, { "dst", K_DST }, { "proto", K_PROTO },
	{ "spi", K_SPI }, { "mode", K_MODE }, { "reqid", K_REQID },
	{ "replay-window", K_REPLAY }, { "flag", K_FLAG },
	{ "auth", K_AUTH }, { "auth-trunc", K_AUTH_TRUNC }, { "enc", K_ENC },
	{ "aead", K_AEAD }, { "limit", K_LIMIT }, { "sel", K_SEL },
	{ "index", K_INDEX }, { "policy", K_POLICY }, { "dir", K_DIR },
	{ "replay-seq", K_SEQ }, { "replay-oseq", K_OSEQ },
	{ "replay-seq-hi", K_SEQ_HI }, { "replay-oseq-hi", K_OSEQ_HI },
};

static const struct word sel_words[] = {
	{ "src", K_SRC }, { "dst", K_DST }, { "proto", K_PROTO },
	{ "sport", K_SPORT }, { "dport", K_DPORT },
};

static const struct word pol_words[] = {
	{ "src", K_SRC }, { "dst", K_DST }, { "proto", K_PROTO },
	{ "sport", K_SPORT }, { "dport", K_DPORT }, { "type", K_TYPE },
	{ "code", K_CODE }, { "dev", K_DEV }, { "dir", K_DIR },
	{ "index", K_INDEX }, { "priority", K_PRIORITY },
	{ "action", K_ACTION }, { "tmpl", K_TMPL }, { "bundle", K_BUNDLE },
	{ "flag", K_FLAG }, { "ptype", K_PTYPE },
};

static const struct word tmpl_words[] = {
	{ "src", K_SRC }, { "dst", K_DST }, { "proto", K_PROTO },
	{ "spi", K_SPI }, { "mode", K_MODE }, { "reqid", K_REQID },
	{ "level", K_LEVEL },
};

/* Values of closed sets. */
static const struct word ipsec_protos[] = {
	{ "esp", IPSEC6_PROTO_ESP }, { "ah", IPSEC6_PROTO_AH },
};

static const struct word modes[] = {
	{ "transport", IPSEC6_MODE_TRANSPORT }, { "tunnel", IPSEC6_MODE_TUNNEL },
};

static const struct word sa_dirs[] = {
	{ "in", IPSEC6_DIR_IN }, { "out", IPSEC6_DIR_OUT },
};

static const struct word pol_dirs[] = {
	{ "in", IPSEC6_DIR_IN }, { "out", IPSEC6_DIR_OUT },
	{ "fwd", IPSEC6_DIR_FWD },
};

static const struct word sa_flag_words[] = {
	{ "esn", IPSEC6_SA_F_ESN }, { "dscp-copy", IPSEC6_SA_F_DSCP_COPY },
};

static const struct word pol_flag_words[] = {
	{ "dscp-copy", IPSEC6_POLICY_F_DSCP_COPY },
	{ "bundle-only", IPSEC6_POLICY_F_BUNDLE_ONLY },
};

enum { A_ALLOW = 100, A_BLOCK };

static const struct word actions[] = {
	{ "allow", A_ALLOW }, { "block", A_BLOCK },
	{ "apply", IPSEC6_ACTION_APPLY }, { "bypass", IPSEC6_ACTION_BYPASS },
	{ "discard", IPSEC6_ACTION_DISCARD },
};

static const struct word limits[] = {
	{ "byte-soft", LFT_SOFT_BYTES }, { "byte-hard", LFT_HARD_BYTES },
	{ "packet-soft", LFT_SOFT_PACKETS }, { "packet-hard", LFT_HARD_PACKETS },
	{ "time-soft", LFT_SOFT_ADD }, { "time-hard", LFT_HARD_ADD },
	{ "time-use-soft", LFT_SOFT_USE }, { "time-use-hard", LFT_HARD_USE },
};

static const struct word levels[] = { { "required", 1 } };
static const struct word ptypes[] = { { "main", 1 } };
static const struct word keyfile_word[] = { { "keyfile", 1 } };

/*
 * "ip xfrm" words we do not support, with the reason (ipsec6ctl(8), IP XFRM
 * COMPATIBILITY, lists them all).
 */
struct unsupported {
	const char *w;
	const char *why;
};

static const struct unsupported unsupported_subcmds[] = {
	{ "allocspi", "there are no larval SAs in ipsec6: give the SPI to 'add'" },
	{ "deleteall", "not supported by ipsec6: use 'flush', or 'del' for one" },
	{ "delall", "not supported by ipsec6: use 'flush', or 'del' for one" },
	{ "set", "policy hash thresholds do not exist in ipsec6" },
	{ "setdefault", "not supported by ipsec6: the default is policy 1, searched last ('policy update index 1 ...')" },
	{ "getdefault", "not supported by ipsec6: the default is policy 1, searched last ('policy get index 1')" },
	{ "help", "the help is 'ipsec6ctl help sa' or 'ipsec6ctl help policy'" },
};

static const struct unsupported unsupported[] = {
	{ "comp", "IP compression (IPComp) is not supported by ipsec6" },
	{ "encap", "UDP encapsulation is not supported by ipsec6" },
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

static int find(const struct word *t, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (streq(t[i].w, w))
			return t[i].id;
	return -1;
}

#define FIND(t, w) find(t, ARRAY_SIZE(t), w)

/* A cursor over the arguments with an error buffer. */
struct args {
	int argc, i;
	char **argv;
	char *err;
	size_t errlen;
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
	return more(a) ? a->argv[a->i] : NULL;
}

/* The value after keyword @kw, or NULL (message set). */
static char *value(struct args *a, const char *kw, const char *what)
{
	if (!more(a)) {
		fail(a, "'%s' needs %s", kw, what);
		return NULL;
	}
	return a->argv[a->i++];
}

static int get_u32(struct args *a, const char *kw, uint32_t *v)
{
	char sv[64];
	const char *s = value(a, kw, "a number");

	if (!s)
		return -1;
	if (!parse_u32(s, v))
		return fail(a, "%s: invalid number '%s'", kw,
			    shown(s, sv, sizeof(sv)));
	return 0;
}

static int get_u64(struct args *a, const char *kw, uint64_t *v)
{
	char sv[64];
	const char *s = value(a, kw, "a number");

	if (!s)
		return -1;
	if (streq(s, "inf")) {
		*v = 0;
		return 0;
	}
	if (!parse_u64(s, v))
		return fail(a, "%s: invalid number '%s'", kw,
			    shown(s, sv, sizeof(sv)));
	return 0;
}

static int get_word(struct args *a, const char *kw, const struct word *t,
		    size_t n, int *id)
{
	char list[200], sv[64];
	const char *s = value(a, kw, "a value");
	size_t i, used = 0;

	if (!s)
		return -1;
	*id = find(t, n, s);
	if (*id >= 0)
		return 0;
	list[0] = '\0';
	for (i = 0; i < n; i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used,
					 "%s%s", i ? ", " : "", t[i].w);
	return fail(a, "%s: '%s' is not one of %s", kw,
		    shown(s, sv, sizeof(sv)), list);
}

#define GET_WORD(a, kw, t, id) get_word(a, kw, t, ARRAY_SIZE(t), id)

static int get_addr(struct args *a, const char *kw, struct in6_addr *addr)
{
	char sv[64];
	const char *s = value(a, kw, "an IPv6 address");

	if (!s)
		return -1;
	if (!parse_in6(s, addr)) {
		/* A "/128" prefix is one address too. */
		char tmp[INET6_ADDRSTRLEN + 8], *slash;

		if (strlen(s) < sizeof(tmp)) {
			strcpy(tmp, s);
			slash = strchr(tmp, '/');
			if (slash && streq(slash, "/128")) {
				*slash = '\0';
				if (parse_in6(tmp, addr))
					return 0;
			}
		}
		return fail(a, "%s: invalid IPv6 address '%s'", kw,
			    shown(s, sv, sizeof(sv)));
	}
	return 0;
}

/* ADDR, ADDR/PLEN or (extension) A-B. */
static int get_prefix(struct args *a, const char *kw, struct addr_sel *r)
{
	static const struct in6_addr ones = { .s6_addr = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	char tmp[2 * INET6_ADDRSTRLEN + 8], sv[100], *sep, *slash;
	const char *s = value(a, kw, "an address, prefix or range");
	uint32_t len;

	if (!s)
		return -1;
	if (strlen(s) >= sizeof(tmp))
		goto bad;
	strcpy(tmp, s);
	r->any = false;
	slash = strchr(tmp, '/');
	sep = strchr(tmp, '-');
	if (slash) {
		struct in6_addr addr;

		*slash = '\0';
		if (!parse_in6(tmp, &addr) || !parse_u32_dec(slash + 1, &len) ||
		    len > 128)
			goto bad;
		prefix_range(&addr, len, &r->start, &r->end);
	} else if (sep) {
		*sep = '\0';
		if (!parse_in6(tmp, &r->start) || !parse_in6(sep + 1, &r->end))
			goto bad;
		if (cmp_in6(&r->start, &r->end) > 0)
			return fail(a, "%s: range start is above its end '%s'",
				    kw, shown(s, sv, sizeof(sv)));
	} else {
		if (!parse_in6(tmp, &r->start))
			goto bad;
		r->end = r->start;
	}
	if (in6_is_zero(&r->start) && !cmp_in6(&r->end, &ones))
		r->any = true;
	return 0;
bad:
	return fail(a, "%s: '%s' is not an IPv6 address, prefix or range", kw,
		    shown(s, sv, sizeof(sv)));
}

static int get_ports(struct args *a, const char *kw, struct port_sel *r)
{
	const char *s = value(a, kw, "a port or range");
	char tmp[16], sv[64], *sep;
	uint32_t x, y;

	if (!s)
		return -1;
	if (strlen(s) >= sizeof(tmp))
		goto bad;
	strcpy(tmp, s);
	sep = strchr(tmp, '-');
	if (sep)
		*sep = '\0';
	if (!parse_u32_dec(tmp, &x) || x > 65535)
		goto bad;
	y = x;
	if (sep && (!parse_u32_dec(sep + 1, &y) || y > 65535))
		goto bad;
	if (x > y)
		return fail(a, "%s: range start is above its end '%s'", kw,
			    shown(s, sv, sizeof(sv)));
	r->any = x == 0 && y == 65535;
	r->start = (uint16_t)x;
	r->end = (uint16_t)y;
	return 0;
bad:
	return fail(a, "%s: '%s' is not a port (0-65535) or range P-Q", kw,
		    shown(s, sv, sizeof(sv)));
}

static int get_proto(struct args *a, const char *kw, uint8_t *p)
{
	const char *s = value(a, kw, "a protocol");
	char sv[64];

	if (!s)
		return -1;
	if (!proto_parse(s, p))
		return fail(a, "%s: unknown protocol '%s'", kw,
			    shown(s, sv, sizeof(sv)));
	return 0;
}

static int get_spi(struct args *a, const char *kw, uint32_t *spi,
		   bool zero_ok)
{
	if (get_u32(a, kw, spi) < 0)
		return -1;
	if (!*spi && zero_ok)
		return 0;
	if (!*spi)
		return fail(a, "%s: 0 is invalid", kw);
	if (*spi < IPSEC6_SPI_MIN)
		return fail(a, "%s: %u is reserved (1-255, RFC 4303)", kw,
			    *spi);
	return 0;
}

static int check_unsupported(struct args *a, const struct unsupported *t,
			     size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (streq(t[i].w, w))
			return fail(a, "'%s': %s", w, t[i].why);
	return 0;
}

#define CHECK_UNSUPPORTED(a, t, w) check_unsupported(a, t, ARRAY_SIZE(t), w)

static int unknown(struct args *a, const char *w)
{
	char sv[64];

	if (CHECK_UNSUPPORTED(a, unsupported, w) < 0)
		return -1;
	return fail(a, "unknown argument '%s'", shown(w, sv, sizeof(sv)));
}

/* A keyword of the grammar that this subcommand (argv[0]) does not take. */
static int not_here(struct args *a, const char *w)
{
	return fail(a, "'%s' does not take '%s'", a->argv[0], w);
}

/* flush and count take nothing ("ip xfrm state flush proto P" filters). */
static int no_arguments(struct args *a)
{
	char sv[64];

	return fail(a, "'%s' takes no arguments ('%s' is not supported)",
		    a->argv[0], shown(peek(a), sv, sizeof(sv)));
}

static int get_subcmd(struct args *a, enum xg_op *op)
{
	char sv[64];
	int id;

	if (!more(a))
		return fail(a, "missing subcommand");
	id = FIND(subcmds, a->argv[a->i]);
	if (id < 0) {
		if (CHECK_UNSUPPORTED(a, unsupported_subcmds, a->argv[a->i]) < 0)
			return -1;
		return fail(a, "unknown subcommand '%s'",
			    shown(a->argv[a->i], sv, sizeof(sv)));
	}
	a->i++;
	*op = (enum xg_op)id;
	return 0;
}

/* SAs. */

static const char *alias(const char *name, int kind)
{
	static const struct {
		const char *alias, *name;
		int kind;	/* K_AUTH, K_ENC, K_AEAD */
	} aliases[] = {
		{ "md5", "hmac(md5)", K_AUTH },
		{ "sha1", "hmac(sha1)", K_AUTH },
		{ "sha256", "hmac(sha256)", K_AUTH },
		{ "sha384", "hmac(sha384)", K_AUTH },
		{ "sha512", "hmac(sha512)", K_AUTH },
		{ "aes", "cbc(aes)", K_ENC },
		{ "aes-cbc", "cbc(aes)", K_ENC },
		{ "null", "ecb(cipher_null)", K_ENC },
		{ "cipher_null", "ecb(cipher_null)", K_ENC },
		{ "aes-gcm", "rfc4106(gcm(aes))", K_AEAD },
		{ "gcm", "rfc4106(gcm(aes))", K_AEAD },
		{ "gmac", "rfc4543(gcm(aes))", K_AEAD },
		{ "null-gmac", "rfc4543(gcm(aes))", K_AEAD },
		{ "chacha20-poly1305", "rfc7539esp(chacha20,poly1305)", K_AEAD },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(aliases); i++)
		if (aliases[i].kind == kind && streq_ci(aliases[i].alias, name))
			return aliases[i].name;
	return name;
}

/*
 * The ICV "auth NAME KEY" (and "auth-trunc NAME KEY 0") gets: what Linux
 * XFRM gives it (icv_truncbits in net/xfrm/xfrm_algo.c), so that the line
 * means the same to both.  For hmac(sha256) that is 96 bits, not RFC 4868's
 * 128 (the module's default when ICV_LEN is absent).  0: a name the module
 * will refuse anyway.
 */
static uint32_t xfrm_auth_icv(const char *name)
{
	static const struct {
		const char *name;
		uint32_t bits;
	} icvs[] = {
		{ "hmac(md5)", 96 }, { "hmac(sha1)", 96 },
		{ "hmac(sha256)", 96 }, { "hmac(sha384)", 192 },
		{ "hmac(sha512)", 256 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(icvs); i++)
		if (streq(icvs[i].name, name))
			return icvs[i].bits;
	return 0;
}

/* KEY: 0xHEX, a string, @FILE, or "keyfile FILE". */
static int get_key(struct args *a, const char *kw, struct key *k,
		   char **label)
{
	char kerr[ERRBUF_LEN];
	const char *file = NULL;
	char *s = value(a, kw, "a key");

	if (!s)
		return -1;
	if (streq(s, "keyfile")) {
		bool nl;

		file = value(a, "keyfile", "a file name");
		if (!file)
			return -1;
		if (key_from_file(k, file, file, &nl, kerr, sizeof(kerr)) < 0)
			return fail(a, "%s: key: %s", kw, kerr);
	} else {
		if (key_from_arg(k, s, &file, kerr, sizeof(kerr)) < 0) {
			wipe_str(s);
			return fail(a, "%s: key: %s", kw, kerr);
		}
		/* Keep inline keys out of /proc/PID/cmdline as soon as we can. */
		if (!file)
			wipe_str(s);
	}
	if (file && strlen(file) >= IPSEC6_KEYFILE_MAX) {
		key_clear(k);
		return fail(a, "%s: key file name longer than %u bytes", kw,
			    IPSEC6_KEYFILE_MAX - 1);
	}
	set_str(label, file);
	return 0;
}

static int get_alg_name(struct args *a, const char *kw, int kind,
			char **name)
{
	const char *s = value(a, kw, "an algorithm name");
	const char *n;

	if (!s)
		return -1;
	n = alias(s, kind);
	if (strlen(n) >= IPSEC6_ALG_NAME_MAX)
		return fail(a, "%s: algorithm name longer than %u bytes", kw,
			    IPSEC6_ALG_NAME_MAX - 1);
	set_str(name, n);
	return 0;
}

static int sa_algo(struct args *a, int id, const char *kw, struct sa *sa)
{
	uint32_t bits;

	switch (id) {
	case K_AUTH:
	case K_AUTH_TRUNC:
		if (sa->auth_name)
			return fail(a, "%s: only one authentication algorithm",
				    kw);
		if (get_alg_name(a, kw, K_AUTH, &sa->auth_name) < 0 ||
		    get_key(a, kw, &sa->auth_key, &sa->keyfile) < 0)
			return -1;
		bits = 0;
		if (id == K_AUTH_TRUNC && get_u32(a, kw, &bits) < 0)
			return -1;
		if (!bits)
			bits = xfrm_auth_icv(sa->auth_name);
		sa->has_icv = bits != 0;
		sa->icv_bits = bits;
		return 0;
	case K_ENC:
		if (sa->enc_name)
			return fail(a, "%s: only one encryption algorithm",
				    kw);
		if (get_alg_name(a, kw, K_ENC, &sa->enc_name) < 0 ||
		    get_key(a, kw, &sa->enc_key, &sa->enc_keyfile) < 0)
			return -1;
		return 0;
	case K_AEAD:
		if (sa->aead_name)
			return fail(a, "%s: only one AEAD algorithm", kw);
		if (get_alg_name(a, kw, K_AEAD, &sa->aead_name) < 0 ||
		    get_key(a, kw, &sa->aead_key, &sa->keyfile) < 0 ||
		    get_u32(a, kw, &bits) < 0)
			return -1;
		sa->has_icv = true;
		sa->icv_bits = bits;
		return 0;
	}
	return -1;
}

/*
 * An SA selector address is one address (ADDR or ADDR/128); a /0 prefix
 * means any, like leaving it out (*given false).
 */
static int get_sel_addr(struct args *a, const char *kw, struct in6_addr *addr,
			bool *given)
{
	const char *s = peek(a), *slash = s ? strchr(s, '/') : NULL;
	char sv[64];

	*given = true;
	if (slash && streq(slash, "/0")) {
		a->i++;
		*given = false;
		return 0;
	}
	if (slash && !streq(slash, "/128"))
		return fail(a, "%s: '%s': an SA selector takes one address, not a prefix",
			    kw, shown(s, sv, sizeof(sv)));
	return get_addr(a, kw, addr);
}

static int sa_sel(struct args *a, struct sa *sa)
{
	uint32_t seen = 0;

	while (more(a)) {
		int id = FIND(sel_words, peek(a));
		const char *kw = peek(a);
		struct port_sel ps;

		if (id < 0 || seen & (1u << id))
			break;
		seen |= 1u << id;
		a->i++;
		switch (id) {
		case K_SRC:
			if (get_sel_addr(a, "sel src", &sa->sel_src,
					 &sa->has_sel_src) < 0)
				return -1;
			break;
		case K_DST:
			if (get_sel_addr(a, "sel dst", &sa->sel_dst,
					 &sa->has_sel_dst) < 0)
				return -1;
			break;
		case K_PROTO:
			if (get_proto(a, "sel proto", &sa->sel_proto) < 0)
				return -1;
			sa->has_sel_proto = true;
			break;
		case K_SPORT:
		case K_DPORT:
			if (get_ports(a, kw, &ps) < 0)
				return -1;
			if (ps.start != ps.end)
				return fail(a, "sel %s: one port, not a range",
					    kw);
			if (id == K_SPORT) {
				sa->has_sel_sport = true;
				sa->sel_sport = ps.start;
			} else {
				sa->has_sel_dport = true;
				sa->sel_dport = ps.start;
			}
			break;
		}
	}
	if (more(a) && (streq(peek(a), "dev") || streq(peek(a), "type") ||
			 streq(peek(a), "code") || streq(peek(a), "key")))
		return fail(a, "sel %s: not supported (an SA selector has src, dst, proto, sport and dport)",
			    peek(a));
	if (!seen)
		return fail(a, "'sel' needs src, dst, proto, sport or dport");
	if ((sa->has_sel_sport || sa->has_sel_dport) &&
	    (!sa->has_sel_proto || !proto_has_ports(sa->sel_proto)))
		return fail(a, "sel: ports need proto tcp, udp, sctp or udplite");
	return 0;
}

int xg_sa_parse(int argc, char **argv, struct xg_sa *req, char *err,
		size_t errlen)
{
	struct args a = { argc, 0, argv, err, errlen };
	struct sa *sa = &req->sa;
	int id, v, known;

	memset(req, 0, sizeof(*req));
	if (get_subcmd(&a, &req->op) < 0)
		return -1;
	if ((req->op == XG_FLUSH || req->op == XG_COUNT) && more(&a))
		return no_arguments(&a);
	while (more(&a)) {
		const char *kw = a.argv[a.i++];
		bool change = req->op == XG_ADD || req->op == XG_UPDATE;

		id = known = FIND(sa_words, kw);
		/* del/get/list take only identities and filters. */
		if (!change && id != K_SRC && id != K_DST && id != K_PROTO &&
		    id != K_SPI && id != K_INDEX &&
		    !(req->op == XG_LIST && (id == K_POLICY || id == K_DIR)))
			id = -1;
		switch (id) {
		case K_SRC:
			if (get_addr(&a, kw, &sa->src) < 0)
				return -1;
			sa->has_src = req->has_src = true;
			break;
		case K_DST:
			if (get_addr(&a, kw, &sa->dst) < 0)
				return -1;
			req->has_dst = true;
			break;
		case K_PROTO:
			if (GET_WORD(&a, kw, ipsec_protos, &v) < 0)
				return -1;
			sa->proto = (uint8_t)v;
			req->has_proto = true;
			break;
		case K_SPI:
			if (get_spi(&a, kw, &sa->spi, false) < 0)
				return -1;
			req->has_spi = true;
			break;
		case K_MODE:
			if (GET_WORD(&a, kw, modes, &v) < 0)
				return -1;
			sa->mode = (uint8_t)v;
			break;
		case K_REQID:
			if (get_u32(&a, kw, &sa->reqid) < 0)
				return -1;
			break;
		case K_REPLAY:
			if (get_u32(&a, kw, &sa->replay_window) < 0)
				return -1;
			if (sa->replay_window > IPSEC6_REPLAY_MAX)
				return fail(&a, "%s: at most %u", kw,
					    IPSEC6_REPLAY_MAX);
			sa->has_replay = true;
			break;
		case K_SEQ:
		case K_SEQ_HI:
		case K_OSEQ:
		case K_OSEQ_HI: {
			/* Starting numbers, given by their halves. */
			bool out = id == K_OSEQ || id == K_OSEQ_HI;
			uint64_t *s = out ? &sa->seq : &sa->rseq;
			uint32_t n;

			if (get_u32(&a, kw, &n) < 0)
				return -1;
			if (id == K_SEQ || id == K_OSEQ)
				*s = (*s & ~0xffffffffULL) | n;
			else
				*s = (*s & 0xffffffffULL) | (uint64_t)n << 32;
			if (out)
				sa->has_seq = true;
			else
				sa->has_rseq = true;
			break;
		}
		case K_FLAG:
			if (GET_WORD(&a, kw, sa_flag_words, &v) < 0)
				return -1;
			sa->flags |= (uint32_t)v;
			while (more(&a) && FIND(sa_flag_words, peek(&a)) >= 0)
				sa->flags |= (uint32_t)FIND(sa_flag_words,
							    a.argv[a.i++]);
			break;
		case K_AUTH:
		case K_AUTH_TRUNC:
		case K_ENC:
		case K_AEAD:
			if (sa_algo(&a, id, kw, sa) < 0)
				return -1;
			break;
		case K_LIMIT: {
			uint64_t n;

			if (GET_WORD(&a, kw, limits, &v) < 0 ||
			    get_u64(&a, limits[v].w, &n) < 0)
				return -1;
			sa->lft[v] = n;
			break;
		}
		case K_SEL:
			if (sa_sel(&a, sa) < 0)
				return -1;
			break;
		case K_INDEX:
			if (get_u32(&a, kw, &sa->index) < 0)
				return -1;
			if (!sa->index)
				return fail(&a, "index: 0 is invalid");
			req->has_index = true;
			break;
		case K_POLICY:
			if (get_u32(&a, kw, &sa->policy) < 0)
				return -1;
			if (!sa->policy)
				return fail(&a, "policy: 0 is invalid");
			req->has_policy = true;
			break;
		case K_DIR:
			if (GET_WORD(&a, kw, sa_dirs, &v) < 0)
				return -1;
			sa->dir = (uint8_t)v;
			req->has_dir = true;
			break;
		default:
			a.i--;
			if (known >= 0)
				return not_here(&a, kw);
			return unknown(&a, kw);
		}
	}

	switch (req->op) {
	case XG_ADD:
	case XG_UPDATE:
		if (!req->has_dst)
			return fail(&a, "missing 'dst ADDR'");
		if (!req->has_spi)
			return fail(&a, "missing 'spi SPI'");
		if (!req->has_proto && !req->has_policy)
			return fail(&a, "missing 'proto {esp|ah}' (or 'policy N')");
		if (!in6_is_unicast(&sa->dst))
			return fail(&a, "dst: not a unicast address");
		if (sa->aead_name && (sa->auth_name || sa->enc_name))
			return fail(&a, "aead excludes auth and enc");
		if (!sa->aead_name && !sa->auth_name)
			return fail(&a, "no integrity algorithm: give auth, auth-trunc or aead");
		if (sa->enc_name && req->has_proto &&
		    sa->proto == IPSEC6_PROTO_AH)
			return fail(&a, "enc: AH does not encrypt");
		break;
	case XG_DEL:
	case XG_GET:
		if (req->has_index)
			break;
		if (!req->has_dst || !req->has_proto || !req->has_spi)
			return fail(&a, "needs 'index N' or 'dst ADDR proto {esp|ah} spi SPI'");
		break;
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

struct tmpl {
	bool given, has_src, has_dst;
	struct in6_addr src, dst;
	uint8_t proto, mode;
	uint32_t reqid;
};

static int pol_tmpl(struct args *a, struct tmpl *t)
{
	uint32_t seen = 0, spi;
	int v;

	t->given = true;
	t->mode = IPSEC6_MODE_TRANSPORT;
	while (more(a)) {
		const char *kw = peek(a);
		int id = FIND(tmpl_words, kw);

		if (id < 0 || seen & (1u << id))
			break;
		seen |= 1u << id;
		a->i++;
		switch (id) {
		case K_SRC:
			if (get_addr(a, "tmpl src", &t->src) < 0)
				return -1;
			t->has_src = !in6_is_zero(&t->src);
			break;
		case K_DST:
			if (get_addr(a, "tmpl dst", &t->dst) < 0)
				return -1;
			t->has_dst = !in6_is_zero(&t->dst);
			break;
		case K_PROTO:
			if (GET_WORD(a, "tmpl proto", ipsec_protos, &v) < 0)
				return -1;
			t->proto = (uint8_t)v;
			break;
		case K_SPI:
			if (get_spi(a, "tmpl spi", &spi, true) < 0)
				return -1;
			if (spi)
				return fail(a, "tmpl spi: only 0 (SAs are bound by reqid or by 'policy N')");
			break;
		case K_MODE:
			if (GET_WORD(a, "tmpl mode", modes, &v) < 0)
				return -1;
			t->mode = (uint8_t)v;
			break;
		case K_REQID:
			if (get_u32(a, "tmpl reqid", &t->reqid) < 0)
				return -1;
			break;
		case K_LEVEL:
			if (more(a) && streq(peek(a), "use"))
				return fail(a, "tmpl level use: optional templates are not supported");
			if (GET_WORD(a, "tmpl level", levels, &v) < 0)
				return -1;
			break;
		}
	}
	if (!t->proto)
		return fail(a, "tmpl: missing 'proto {esp|ah}'");
	return 0;
}

int xg_policy_parse(int argc, char **argv, struct xg_policy *req,
		    char *err, size_t errlen)
{
	struct args a = { argc, 0, argv, err, errlen };
	struct policy *p = &req->pol;
	struct addr_sel src = { .any = true }, dst = { .any = true };
	struct port_sel sport = { .any = true }, dport = { .any = true };
	struct tmpl t = { 0 };
	int id, v, known, action = -1;
	bool out;

	memset(req, 0, sizeof(*req));
	policy_init(p);
	if (get_subcmd(&a, &req->op) < 0)
		return -1;
	if ((req->op == XG_FLUSH || req->op == XG_COUNT) && more(&a))
		return no_arguments(&a);
	while (more(&a)) {
		const char *kw = a.argv[a.i++];
		bool change = req->op == XG_ADD || req->op == XG_UPDATE;
		char *devname;

		id = known = FIND(pol_words, kw);
		if (req->op == XG_LIST && id != K_DIR && id != K_INDEX &&
		    id != K_ACTION)
			id = -1;
		if (!change && (id == K_TMPL || id == K_BUNDLE ||
				id == K_FLAG))
			id = -1;
		switch (id) {
		case K_SRC:
		case K_DST:
			if (get_prefix(&a, kw, id == K_SRC ? &src : &dst) < 0)
				return -1;
			req->has_sel = true;
			break;
		case K_PROTO:
			if (get_proto(&a, kw, &p->proto) < 0)
				return -1;
			p->has_proto = true;
			req->has_sel = true;
			break;
		case K_SPORT:
		case K_DPORT:
			if (get_ports(&a, kw, id == K_SPORT ? &sport : &dport) < 0)
				return -1;
			req->has_sel = true;
			break;
		case K_TYPE:
		case K_CODE: {
			uint32_t n;

			if (get_u32(&a, kw, &n) < 0)
				return -1;
			if (n > 255)
				return fail(&a, "%s: must be 0-255", kw);
			if (id == K_TYPE) {
				p->has_icmp_type = true;
				p->icmp_type = (uint8_t)n;
			} else {
				p->has_icmp_code = true;
				p->icmp_code = (uint8_t)n;
			}
			req->has_sel = true;
			break;
		}
		case K_DEV:
			devname = value(&a, kw, "an interface name");
			if (!devname)
				return -1;
			p->ifindex = if_nametoindex(devname);
			if (!p->ifindex) {
				char sv[64];

				return fail(&a, "dev: no interface '%s'",
					    shown(devname, sv, sizeof(sv)));
			}
			req->has_sel = true;
			break;
		case K_DIR:
			if (GET_WORD(&a, kw, pol_dirs, &v) < 0)
				return -1;
			p->dir = (uint8_t)v;
			req->has_dir = true;
			break;
		case K_INDEX:
			if (get_u32(&a, kw, &p->index) < 0)
				return -1;
			if (!p->index)
				return fail(&a, "index: 0 is invalid");
			req->has_index = true;
			break;
		case K_PRIORITY:
			if (get_u32(&a, kw, &p->priority) < 0)
				return -1;
			req->has_priority = true;
			break;
		case K_ACTION:
			if (GET_WORD(&a, kw, actions, &action) < 0)
				return -1;
			req->has_action = true;
			break;
		case K_TMPL:
			if (t.given)
				return fail(&a, "only one 'tmpl' per policy is supported: add one policy per template and chain them with 'bundle INDEX'");
			if (pol_tmpl(&a, &t) < 0)
				return -1;
			break;
		case K_BUNDLE:
			if (get_u32(&a, kw, &p->bundle_next) < 0)
				return -1;
			if (!p->bundle_next)
				return fail(&a, "bundle: 0 is invalid");
			break;
		case K_FLAG:
			if (GET_WORD(&a, kw, pol_flag_words, &v) < 0)
				return -1;
			p->flags |= (uint32_t)v;
			while (more(&a) && FIND(pol_flag_words, peek(&a)) >= 0)
				p->flags |= (uint32_t)FIND(pol_flag_words,
							   a.argv[a.i++]);
			break;
		case K_PTYPE:
			if (more(&a) && streq(peek(&a), "sub"))
				return fail(&a, "ptype sub: sub policies are not supported");
			if (GET_WORD(&a, kw, ptypes, &v) < 0)
				return -1;
			break;
		default:
			a.i--;
			if (known >= 0)
				return not_here(&a, kw);
			return unknown(&a, kw);
		}
	}

	/* remote/local from src/dst: "dir out" sees us as the source. */
	out = p->dir == IPSEC6_DIR_OUT;
	p->local = out ? src : dst;
	p->remote = out ? dst : src;
	p->lport = out ? sport : dport;
	p->rport = out ? dport : sport;
	if (req->op == XG_LIST) {
		if (req->has_action)
			p->action = action == A_ALLOW ? IPSEC6_ACTION_BYPASS :
				    action == A_BLOCK ? IPSEC6_ACTION_DISCARD :
				    (uint8_t)action;
		return 0;
	}
	if ((!sport.any || !dport.any) &&
	    (!p->has_proto || !proto_has_ports(p->proto)))
		return fail(&a, "sport/dport need proto tcp, udp, sctp or udplite");
	if ((p->has_icmp_type || p->has_icmp_code) &&
	    (!p->has_proto || p->proto != IPPROTO_ICMPV6))
		return fail(&a, "type/code need proto icmp (ICMPv6, 58)");
	if (p->has_icmp_code && !p->has_icmp_type)
		return fail(&a, "code needs type");
	if (req->op == XG_FLUSH || req->op == XG_COUNT)
		return 0;
	if ((req->op == XG_DEL || req->op == XG_GET) && req->has_index)
		return 0;
	if (!req->has_dir)
		return fail(&a, "missing 'dir {in|out|fwd}'%s",
			    req->op == XG_DEL || req->op == XG_GET ?
			    " (or 'index N')" : "");
	if (req->op == XG_DEL || req->op == XG_GET)
		return 0;

	/* The action. */
	switch (action) {
	case -1:
	case A_ALLOW:
		p->action = t.given ? IPSEC6_ACTION_APPLY :
				      IPSEC6_ACTION_BYPASS;
		break;
	case A_BLOCK:
	case IPSEC6_ACTION_DISCARD:
		p->action = IPSEC6_ACTION_DISCARD;
		break;
	default:
		p->action = (uint8_t)action;
		break;
	}
	if (p->action == IPSEC6_ACTION_APPLY && !t.given)
		return fail(&a, "action apply needs a 'tmpl'");
	if (p->action != IPSEC6_ACTION_APPLY && t.given)
		return fail(&a, "a 'tmpl' needs action allow or apply");
	if (p->action != IPSEC6_ACTION_APPLY && p->bundle_next)
		return fail(&a, "bundle: only with a 'tmpl'");
	if (!t.given)
		return 0;
	p->ipsec_proto = t.proto;
	p->mode = t.mode;
	p->reqid = t.reqid;
	if (t.mode == IPSEC6_MODE_TUNNEL) {
		/* The template is remote/local too: see the uapi header. */
		bool has_remote = out ? t.has_dst : t.has_src;
		bool has_local = out ? t.has_src : t.has_dst;

		if (!has_remote)
			return fail(&a, "tmpl: tunnel mode needs the peer gateway ('%s ADDR')",
				    out ? "dst" : "src");
		p->has_tunnel_remote = true;
		p->tunnel_remote = out ? t.dst : t.src;
		if (!in6_is_unicast(&p->tunnel_remote))
			return fail(&a, "tmpl: the peer gateway is not a unicast address");
		if (has_local) {
			p->has_tunnel_local = true;
			p->tunnel_local = out ? t.src : t.dst;
		}
	}
	return 0;
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

#define ADD(v, t) add_words(v, t, ARRAY_SIZE(t))

int xg_keywords(const char *family, FILE *f)
{
	struct vec v = { 0 };
	size_t i;

	ADD(&v, subcmds);
	if (streq(family, "sa")) {
		ADD(&v, sa_words);
		ADD(&v, sel_words);
		ADD(&v, ipsec_protos);
		ADD(&v, modes);
		ADD(&v, sa_dirs);
		ADD(&v, sa_flag_words);
		ADD(&v, limits);
		ADD(&v, keyfile_word);
	} else if (streq(family, "policy")) {
		ADD(&v, pol_words);
		ADD(&v, tmpl_words);
		ADD(&v, ipsec_protos);
		ADD(&v, modes);
		ADD(&v, pol_dirs);
		ADD(&v, pol_flag_words);
		ADD(&v, actions);
		ADD(&v, levels);
		ADD(&v, ptypes);
	} else {
		vec_free(&v);
		return -1;
	}
	qsort(v.v, v.n, sizeof(*v.v), cmp_str);
	for (i = 0; i < v.n; i++)
		if (!i || strcmp(v.v[i], v.v[i - 1]))
			fprintf(f, "%s\n", (const char *)v.v[i]);
	vec_free(&v);
	return 0;
}
