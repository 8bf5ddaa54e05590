// SPDX-License-Identifier: GPL-2.0
/*
 * The Windows ipsec6 .spd and .sad files: a grammar front end on the
 * value layer (values.c) into the model, and the writer of the same
 * layout.
 *
 * Reading checks the form of every line and every value and reports each
 * error (FILE:LINE: Field: message 'value'); what the values mean is the
 * module's to judge, and its errors come back against the same lines.
 * Keywords are matched without regard to case, CR LF line ends and a
 * UTF-8 byte order mark are accepted.  Writing produces the layout of the
 * original tool, upper case, LF line ends; extension fields (KEY=VALUE
 * before the ';') are written only when they differ from the default, so
 * files of the original tool round-trip unchanged.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "winfile.h"

#define MAX_TOKENS	64

static const char spd_title[] = "Security Policy List";
static const char sad_title[] = "Security Association List";
static const char spd_header[] =
	"Policy RemoteIPAddr LocalIPAddr Protocol RemotePort LocalPort "
	"IPSecProtocol IPSecMode RemoteGWIPAddr SABundleIndex Direction "
	"Action InterfaceIndex";
static const char sad_header[] =
	"SAEntry SPI SADestIPAddr DestIPAddr SrcIPAddr Protocol DestPort "
	"SrcPort AuthAlg KeyFile Direction SecPolicyIndex";
static const char legend[] =
	"- = Take selector from policy.\n"
	"+ = Take selector from packet.\n";

/* Closed sets of the format. */
static const struct word win_protos[] = {
	{ "TCP", IPPROTO_TCP }, { "UDP", IPPROTO_UDP },
	{ "ICMP", IPPROTO_ICMPV6 },
};

static const struct word ipsec_protos[] = {
	{ "AH", IPSEC6_PROTO_AH }, { "ESP", IPSEC6_PROTO_ESP }, { "NONE", 0 },
};

static const struct word modes[] = {
	{ "TRANSPORT", IPSEC6_MODE_TRANSPORT },
	{ "TUNNEL", IPSEC6_MODE_TUNNEL }, { "*", 0 },
};

static const struct word pol_dirs[] = {	/* BIDIRECT first: 's' writes it */
	{ "BIDIRECT", IPSEC6_DIR_BIDIRECT }, { "INBOUND", IPSEC6_DIR_IN },
	{ "OUTBOUND", IPSEC6_DIR_OUT }, { "FORWARD", IPSEC6_DIR_FWD },
};

static const struct word sa_dirs[] = {
	{ "INBOUND", IPSEC6_DIR_IN }, { "OUTBOUND", IPSEC6_DIR_OUT },
	{ "BIDIRECT", 0 },
};

/* Reading: one file at a time. */

struct rd {
	const char *shown;	/* file name in messages */
	unsigned int line;
	int errors;
	bool line_bad;		/* an error on the current line */
	const char *dir;	/* folder of the file, for key files */
};

/* An error (a warning if @warn) about @field of the current line. */
__printf(5, 6) static void fmsg(struct rd *rd, bool warn, const char *field,
				const char *value, const char *fmt, ...)
{
	char v[80], msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rd->errors += !warn;
	rd->line_bad |= !warn;
	loc_msg(rd->shown, rd->line, "%s%s: %s%s%s%s", warn ? "warning: " : "",
		field, msg, value ? " '" : "",
		value ? shown(value, v, sizeof(v)) : "", value ? "'" : "");
}

#define ferr(rd, ...)		fmsg(rd, false, __VA_ARGS__)
#define fwarn(rd, field, ...)	fmsg(rd, true, field, NULL, __VA_ARGS__)

/*
 * Fields: each of a kind that reads the token into the object of the line
 * (at an offset) and writes it back.  The writer omits an extension whose
 * value is the default (0, its bool false, its bit clear).
 */
enum kind {
	K_NUM,		/* decimal that fits the field (bit 1: not 0) */
	K_FLAG,		/* a word of two ("-" "+", "0" "1"): bit off or on */
	K_ADDR_SEL,	/* an address, A-B or (extension) A/LEN */
	K_PORT_SEL,	/* a port or P-Q */
	K_ADDR,		/* an address (with a bool: when it is true) */
	K_WORD,		/* a word of the field's set, into a u8 */
	K_BITS,		/* a comma list of words (flags), OR-ed (bit: not written) */
	K_PROTO,	/* TCP, UDP, ICMP (ICMPv6) or a number */
	K_ALG,		/* an algorithm spelling of the format (bit: where) */
	K_KEYFILE,	/* a key file name (NONE: none) */
};

struct field {
	const char *name;
	uint8_t kind;
	uint16_t off, has;	/* value and its bool (has 0: none) */
	const struct word *words;
	uint8_t nwords;
	uint32_t bit;
	uint8_t size;		/* of a number */
	const char *none;	/* the token of the default value ("*", ...) */
	const char *msg;	/* instead of the parser's message */
};

#define TOKEN_MAX	(PATH_MAX + 64)
#define AT(st, f)	.off = offsetof(struct st, f)
#define HAS(st, f)	.has = offsetof(struct st, f)
#define W(t)		.words = (t), .nwords = ARRAY_SIZE(t)
#define SIZE(st, f)	.size = sizeof(((struct st *)0)->f)

static bool has(const struct field *f, const char *obj)
{
	return f->has && *(const bool *)(obj + f->has);
}

/* Read @v into @f of @obj: NULL, or what is wrong. */
static const char *field_parse(const struct field *f, const char *v,
			       char *obj)
{
	static char msg[80];
	const struct alg **alg = (const struct alg **)(obj + f->off);
	void *p = obj + f->off;
	char list[64];
	uint32_t bits;
	uint64_t n;
	int i;

	switch (f->kind) {
	case K_NUM:
		if (!parse_u64_dec(v, &n) || (f->bit && !n) ||
		    (f->size < 8 && n >> (8 * f->size)))
			return f->bit ? "not a positive integer" : "not a number";
		uint_set(p, f->size, n);
		break;
	case K_FLAG:
	case K_WORD:
		i = word_find(f->words, f->nwords, v, true);
		if (i < 0)
			return "unknown value";
		if (f->kind == K_WORD)
			*(uint8_t *)p = (uint8_t)f->words[i].v;
		else if (f->words[i].v)
			*(uint32_t *)p |= f->bit;
		break;
	case K_ADDR_SEL:
		return parse_addr_sel(v, p);
	case K_PORT_SEL:
		return parse_port_sel(v, p);
	case K_ADDR:
		if (!parse_in6(v, p))
			return "invalid address";
		break;
	case K_BITS:
		if (!word_bits(f->words, f->nwords, v, ',', true, &bits) ||
		    (f->size == 1 && !bits)) {
			snprintf(msg, sizeof(msg), "not a list of %s",
				 word_list(f->words, f->nwords, ", ", list,
					   sizeof(list)));
			return f->size == 1 ? "unknown value" : msg;
		}
		uint_set(p, f->size, uint_get(p, f->size) | bits);
		break;
	case K_PROTO:
		if (!parse_proto(v, WORDS(win_protos), p))
			return "unknown value";
		break;
	case K_ALG:
		*alg = alg_find((uint8_t)f->bit, v);
		if (!*alg)
			return "unknown value";
		break;
	case K_KEYFILE:
		if (!streq_ci(v, "NONE"))
			*(const char **)p = v;
		break;
	}
	if (f->has)
		*(bool *)(obj + f->has) = true;
	return NULL;
}

/* The token of @f's value in @obj (built in @buf), or NULL for none. */
static const char *field_put(const struct field *f, const char *obj,
			     char *buf)
{
	const struct alg *const *alg = (const void *)(obj + f->off);
	const struct addr_sel *r = (const void *)(obj + f->off);
	const struct port_sel *ports = (const void *)(obj + f->off);
	const void *p = obj + f->off;
	char e[INET6_ADDRSTRLEN];
	uint32_t bits;

	if (f->has && !has(f, obj))
		return NULL;
	switch (f->kind) {
	case K_NUM:
		snprintf(buf, TOKEN_MAX, "%llu",
			 (unsigned long long)uint_get(p, f->size));
		return buf;
	case K_FLAG:
		return word_name(f->words, f->nwords,
				 !!(*(const uint32_t *)p & f->bit));
	case K_ADDR_SEL:
		fmt_in6(&r->start, buf, INET6_ADDRSTRLEN, true);
		if (cmp_in6(&r->start, &r->end))
			snprintf(buf + strlen(buf), TOKEN_MAX - strlen(buf), "-%s",
				 fmt_in6(&r->end, e, sizeof(e), true));
		return buf;
	case K_PORT_SEL:
		snprintf(buf, TOKEN_MAX, ports->start == ports->end ? "%u" :
			 "%u-%u", ports->start, ports->end);
		return buf;
	case K_ADDR:
		return fmt_in6(p, buf, INET6_ADDRSTRLEN, true);
	case K_WORD:
		return word_name(f->words, f->nwords, *(const uint8_t *)p) ?:
		       "?";
	case K_BITS:
		bits = (uint32_t)uint_get(p, f->size) & ~f->bit;
		return bits ? word_bits_str(f->words, f->nwords, bits, ",", buf,
					    TOKEN_MAX) : NULL;
	case K_PROTO:
		snprintf(buf, TOKEN_MAX, "%u", *(const uint8_t *)p);
		return word_name(WORDS(win_protos), *(const uint8_t *)p) ?: buf;
	case K_ALG:
		return *alg ? (*alg)->token : NULL;
	case K_KEYFILE:
		return *(const char *const *)p;
	}
	return NULL;
}

/* Is the value of @f its default (written as f->none, or left out)? */
static bool is_default(const struct field *f, const char *obj)
{
	const void *p = obj + f->off;

	if (f->has)
		return !has(f, obj);
	if (f->kind == K_ADDR_SEL || f->kind == K_PORT_SEL)
		return *(const bool *)p;	/* any */
	if (f->kind == K_FLAG)
		return !(*(const uint32_t *)p & f->bit);
	return f->kind == K_NUM && !uint_get(p, f->size);
}

static const struct word sel_flags[] = { { "-", 0 }, { "+", 1 } };
static const struct word bit01[] = { { "0", 0 }, { "1", 1 } };

/* Policies. */

#define FP(n, k, f)	{ n, K_##k, AT(policy, f), SIZE(policy, f)
#define FLAG(n, b)	FP(n, FLAG, from_packet), .bit = (b), W(sel_flags), \
			.msg = "invalid selector flag (use '-' or '+')" }

static const struct field spd_fields[] = {
	FP("Policy", NUM, index), .bit = 1 },
	FLAG("RemoteIPAddr", IPSEC6_FROM_PKT_REMOTE_ADDR),
	FP("RemoteIPAddr", ADDR_SEL, remote), .none = "*" },
	FLAG("LocalIPAddr", IPSEC6_FROM_PKT_LOCAL_ADDR),
	FP("LocalIPAddr", ADDR_SEL, local), .none = "*" },
	FLAG("Protocol", IPSEC6_FROM_PKT_PROTO),
	FP("Protocol", PROTO, proto), HAS(policy, has_proto), .none = "*" },
	FLAG("RemotePort", IPSEC6_FROM_PKT_REMOTE_PORT),
	FP("RemotePort", PORT_SEL, rport), .none = "*" },
	FLAG("LocalPort", IPSEC6_FROM_PKT_LOCAL_PORT),
	FP("LocalPort", PORT_SEL, lport), .none = "*" },
	FP("IPSecProtocol", WORD, ipsec_proto), W(ipsec_protos) },
	FP("IPSecMode", WORD, mode), W(modes) },
	FP("RemoteGWIPAddr", ADDR, tunnel_remote),
		HAS(policy, has_tunnel_remote), .none = "*" },
	FP("SABundleIndex", NUM, bundle_next), .bit = 1, .none = "NONE",
		.msg = "not NONE or a policy index" },
	FP("Direction", BITS, dir), W(pol_dirs) },
	FP("Action", WORD, action), W(w_action) },
	FP("InterfaceIndex", NUM, ifindex) },
};

#define SPD_TOKENS	ARRAY_SIZE(spd_fields)	/* 13 fields, 5 with a flag */

static const struct field spd_exts[] = {
	FP("PRIORITY", NUM, priority) },
	FP("REQID", NUM, reqid) },
	FP("FLAGS", BITS, flags), W(w_pol_flags) },
	FP("TUNNEL_LOCAL", ADDR, tunnel_local), HAS(policy, has_tunnel_local) },
	FP("ICMP_TYPE", NUM, icmp_type), HAS(policy, has_icmp_type),
		.msg = "must be 0-255" },
	FP("ICMP_CODE", NUM, icmp_code), HAS(policy, has_icmp_code),
		.msg = "must be 0-255" },
};

/* SAs: the model plus what the line names before it is mapped. */
struct sad_line {
	struct sa sa;
	const struct alg *auth, *aead, *enc;
	const char *keyfile, *enckeyfile;
	bool has_proto_ext, has_mode_ext;
};

#define FS(n, k, f)	{ n, K_##k, AT(sad_line, f), SIZE(sad_line, f)
#define FS_POLICY(n, k, f, m) \
	FS(n, k, sa.f), HAS(sad_line, sa.has_##f), .none = "POLICY", .msg = (m) }

static const struct field sad_fields[] = {
	FS("SAEntry", NUM, sa.index), .bit = 1 },
	FS("SPI", NUM, sa.spi), .msg = "not a decimal number up to 4294967295" },
	FS("SADestIPAddr", ADDR, sa.dst) },
	FS_POLICY("DestIPAddr", ADDR, sel_dst, "not POLICY or an address"),
	FS_POLICY("SrcIPAddr", ADDR, sel_src, "not POLICY or an address"),
	FS_POLICY("Protocol", PROTO, sel_proto, "unknown value"),
	FS_POLICY("DestPort", NUM, sel_dport, "not POLICY or a port (0-65535)"),
	FS_POLICY("SrcPort", NUM, sel_sport, "not POLICY or a port (0-65535)"),
	FS("AuthAlg", ALG, auth), .bit = ALG_WIN_AUTH },
	FS("KeyFile", KEYFILE, keyfile), .none = "NONE" },
	FS("Direction", WORD, sa.dir), W(sa_dirs) },
	FS("SecPolicyIndex", NUM, sa.policy), .bit = 1, .none = "NONE",
		.msg = "not a policy index" },
};

#define SAD_TOKENS	ARRAY_SIZE(sad_fields)

#define LFT(n, l)	FS(n, NUM, sa.lft[l]) }

/* In the order 's' writes them. */
static const struct field sad_exts[] = {
	FS("SRC", ADDR, sa.src), HAS(sad_line, sa.has_src) },
	FS("PROTO", WORD, sa.proto), HAS(sad_line, has_proto_ext),
		W(w_ipsec_proto), .msg = "not AH or ESP" },
	FS("MODE", WORD, sa.mode), HAS(sad_line, has_mode_ext), W(w_mode),
		.msg = "not TRANSPORT or TUNNEL" },
	FS("REQID", NUM, sa.reqid) },
	FS("AEAD", ALG, aead), .bit = ALG_WIN_AEAD },
	FS("ENC", ALG, enc), .bit = ALG_WIN_ENC, .msg = "not AES-CBC or NULL" },
	FS("ENCKEYFILE", KEYFILE, enckeyfile) },
	FS("ICV", NUM, sa.icv_bits), HAS(sad_line, sa.has_icv) },
	FS("REPLAY", NUM, sa.replay_window), HAS(sad_line, sa.has_replay) },
	FS("ESN", FLAG, sa.flags), .bit = IPSEC6_SA_F_ESN, W(bit01),
		.msg = "not 0 or 1" },
	FS("FLAGS", BITS, sa.flags), W(w_sa_flags), .bit = IPSEC6_SA_F_ESN },
	LFT("SOFT_BYTES", LFT_SOFT_BYTES), LFT("HARD_BYTES", LFT_HARD_BYTES),
	LFT("SOFT_PACKETS", LFT_SOFT_PACKETS),
	LFT("HARD_PACKETS", LFT_HARD_PACKETS),
	LFT("SOFT_ADD_SECONDS", LFT_SOFT_ADD),
	LFT("HARD_ADD_SECONDS", LFT_HARD_ADD),
	LFT("SOFT_USE_SECONDS", LFT_SOFT_USE),
	LFT("HARD_USE_SECONDS", LFT_HARD_USE),
};

/* Parse the standard tokens and the KEY=VALUE extensions of a line. */
static void parse_fields(struct rd *rd, const struct field *std, size_t nstd,
			 const struct field *ext, size_t next, char **tok,
			 int ntok, char *obj)
{
	bool seen[32] = { 0 };
	const char *e;
	size_t i;
	int t;

	for (i = 0; i < nstd; i++) {
		if (std[i].none && streq_ci(tok[i], std[i].none))
			continue;	/* the default */
		e = field_parse(&std[i], tok[i], obj);
		if (e)
			ferr(rd, std[i].name, tok[i], "%s", std[i].msg ?: e);
	}
	for (t = (int)nstd; t < ntok; t++) {
		char *eq = strchr(tok[t], '='), orig[300];

		snprintf(orig, sizeof(orig), "%s", tok[t]);
		*eq = '\0';
		for (i = 0; i < next && !streq_ci(tok[t], ext[i].name); i++)
			;
		if (i == next) {
			ferr(rd, "extension", orig, "unknown");
		} else if (seen[i]) {
			ferr(rd, ext[i].name, orig, "given twice");
		} else {
			seen[i] = true;
			e = field_parse(&ext[i], eq + 1, obj);
			if (e)
				ferr(rd, ext[i].name, eq + 1, "%s",
				     ext[i].msg ?: e);
		}
	}
}

/* The standard fields, then the extensions that are not the default. */
static void put_fields(struct buf *b, const struct field *std, size_t nstd,
		       const struct field *ext, size_t next, const char *obj)
{
	char buf[TOKEN_MAX];
	const char *v;
	size_t i;

	for (i = 0; i < nstd; i++)
		buf_printf(b, "%s%s", i ? " " : "",
			   std[i].none && is_default(&std[i], obj) ?
			   std[i].none : field_put(&std[i], obj, buf));
	for (i = 0; i < next; i++) {
		v = field_put(&ext[i], obj, buf);
		if (v && !is_default(&ext[i], obj))
			buf_printf(b, " %s=%s", ext[i].name, v);
	}
	buf_printf(b, " ;\n");
}

/* Split on blanks; a ';' glued to the last token is split off. */
static int tokenize(char *s, char **tok)
{
	static const char blanks[] = " \t\v\f\r";
	char *save = NULL, *w;
	size_t len;
	int n = 0;

	for (w = strtok_r(s, blanks, &save); w;
	     w = strtok_r(NULL, blanks, &save)) {
		if (n == MAX_TOKENS)
			return -1;
		tok[n++] = w;
	}
	len = n ? strlen(tok[n - 1]) : 0;
	if (len > 1 && tok[n - 1][len - 1] == ';') {
		if (n == MAX_TOKENS)
			return -1;
		tok[n - 1][len - 1] = '\0';
		tok[n++] = ";";
	}
	return n;
}

/*
 * The tokens of an entry line, without the final ';': standard fields
 * first (@nfields of them, the last named @last), then KEY=VALUE
 * extensions.  Returns their number, or -1 after reporting what is wrong.
 */
static int entry_tokens(struct rd *rd, char *line, char **tok,
			size_t nfields, const char *last)
{
	int n = tokenize(line, tok), i, nstd;

	if (!n)
		return 0;
	if (n < 0) {
		ferr(rd, "entry", NULL, "more than %d fields", MAX_TOKENS);
		return -1;
	}
	for (i = 0; i < n && !streq(tok[i], ";"); i++)
		;
	if (i == n) {
		ferr(rd, "entry", NULL, "does not end with ';' (one entry per line)");
		return -1;
	}
	if (i < n - 1) {
		ferr(rd, "entry", tok[i + 1], "text after the ';' that ends the entry");
		return -1;
	}
	n--;
	for (nstd = 0; nstd < n && !strchr(tok[nstd], '='); nstd++)
		;
	for (i = nstd; i < n && strchr(tok[i], '='); i++)
		;
	if (i < n) {
		ferr(rd, "entry", tok[i], "a field after the KEY=VALUE extensions");
		return -1;
	}
	if ((size_t)nstd < nfields) {
		ferr(rd, last, NULL, "missing (the entry has %d of %zu tokens%s)",
		     nstd, nfields, nfields == SPD_TOKENS ?
		     "; a selector is a flag and a value" : "");
		return -1;
	}
	if ((size_t)nstd > nfields) {
		ferr(rd, "entry", tok[nfields],
		     "unexpected field after %s (extensions are KEY=VALUE)", last);
		return -1;
	}
	return n;
}

/*
 * Calls @entry for each line between the two border lines that holds an
 * entry, with its tokens.
 */
typedef void (*entry_fn)(struct rd *rd, char **tok, int ntok, void *data);

static int for_each_entry(struct rd *rd, const char *path, size_t nfields,
			  const char *last, entry_fn entry, void *data)
{
	unsigned int state = 0, first_border = 0;	/* 1: in the entries */
	char *text, *line, *tok[MAX_TOKENS];
	struct lines ls = { 0 };
	size_t len;
	bool nul;
	int n;

	if (read_file(path, SIZE_MAX, &text, &len) < 0) {
		err_msg("%s: %s", rd->shown, strerror(errno));
		return -1;
	}
	ls.p = text;
	ls.end = text + len;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		ls.p += 3;
	while ((line = next_line(&ls, false, &nul))) {
		rd->line = ls.no;
		rd->line_bad = false;
		if (nul) {
			ferr(rd, "line", NULL, "contains a NUL byte");
		} else if (line[0] == '_') {
			first_border = state++ ? first_border : ls.no;
		} else if (state == 1) {
			n = entry_tokens(rd, line, tok, nfields, last);
			if (n > 0)
				entry(rd, tok, n, data);
		}
	}
	free(text);
	if (state == 0) {
		err_msg("%s: no entry list (no border line starting with '_')",
			rd->shown);
		rd->errors++;
	} else if (state == 1) {
		loc_msg(rd->shown, first_border,
			"entry list not closed (no second border line)");
		rd->errors++;
	}
	return 0;
}

/* Index @index on this line: an error if an earlier line had it. */
static bool index_dup(struct rd *rd, struct hmap *lines, const char *field,
		      const char *tok, uint32_t index)
{
	uint32_t prev;

	if (!index)
		return false;
	if (hmap_get(lines, index, &prev)) {
		ferr(rd, field, tok, "index already used on line %u", prev);
		return true;
	}
	hmap_put(lines, index, rd->line);
	return false;
}

struct file_ctx {
	struct vec *out;
	struct hmap lines;	/* index -> line */
	void *prev;
};

static void spd_entry(struct rd *rd, char **t, int ntok, void *data)
{
	struct file_ctx *c = data;
	struct policy *p = policy_new(), *prev = c->prev;

	p->origin = (struct origin){ rd->shown, rd->line };
	parse_fields(rd, spd_fields, SPD_TOKENS, spd_exts,
		     ARRAY_SIZE(spd_exts), t, ntok, (char *)p);
	/* The gateway is ignored outside TUNNEL mode. */
	if (p->mode != IPSEC6_MODE_TUNNEL)
		p->has_tunnel_remote = false;
	if (!index_dup(rd, &c->lines, "Policy", t[0], p->index) &&
	    prev && !rd->line_bad && !policy_before(prev, p))
		fwarn(rd, "Policy", "index %u comes after %u: policies are searched by priority then decreasing index, not in file order",
		      p->index, prev->index);
	if (rd->line_bad) {
		policy_free(p);
		return;
	}
	c->prev = p;
	vec_push(c->out, p);
}

/* Security associations. */

static bool read_key(struct rd *rd, const char *field, const char *name,
		     struct key *k)
{
	char err[ERRBUF_LEN], *path;
	bool nl;
	int ret;

	path = name[0] == '/' ? xstrdup(name) :
				xasprintf("%s/%s", rd->dir, name);
	ret = key_from_file(k, path, name, &nl, err, sizeof(err));
	free(path);
	if (ret < 0) {
		ferr(rd, field, NULL, "%s", err);
		return false;
	}
	if (nl)
		fwarn(rd, field,
		      "'%s' ends with a newline byte, which is part of the %zu-byte key",
		      name, k->len);
	return true;
}

/* AuthAlg, AEAD=, ENC= and the key files into the SA's algorithms. */
static void sad_algs(struct rd *rd, struct sad_line *l)
{
	const struct alg *mac = l->aead ?: l->auth;
	struct sa *sa = &l->sa;
	struct key *k;

	if (l->aead && l->auth && l->auth->kind)
		ferr(rd, "AEAD", l->aead->token,
		     "needs AuthAlg NULL (it provides integrity itself)");
	if (!mac)
		return;
	if (mac->kind == ALG_AEAD)
		set_str(&sa->aead_name, mac->name);
	else if (mac->kind == ALG_AUTH)
		set_str(&sa->auth_name, mac->name);
	if (!sa->has_icv && mac->icv) {
		sa->icv_bits = mac->icv;
		sa->has_icv = true;
	}
	k = mac->kind == ALG_AEAD ? &sa->aead_key : &sa->auth_key;
	if (l->keyfile && read_key(rd, "KeyFile", l->keyfile, k)) {
		set_str(&sa->keyfile, l->keyfile);
		/* The spelling names a key size the module cannot know. */
		if (mac->key_len && k->len != mac->key_len)
			ferr(rd, "KeyFile", NULL,
			     "'%s' holds %zu bytes; %s needs %u (key and 4-byte salt)",
			     l->keyfile, k->len, mac->token, mac->key_len);
	}
	if (l->enc)
		set_str(&sa->enc_name, l->enc->name);
	if (l->enckeyfile && read_key(rd, "ENCKEYFILE", l->enckeyfile,
				      &sa->enc_key))
		set_str(&sa->enc_keyfile, l->enckeyfile);
}

static void sad_entry(struct rd *rd, char **t, int ntok, void *data)
{
	struct file_ctx *c = data;
	struct sad_line l = { 0 };
	struct sa *sa, *prev = c->prev;

	l.sa.origin = (struct origin){ rd->shown, rd->line };
	parse_fields(rd, sad_fields, SAD_TOKENS, sad_exts,
		     ARRAY_SIZE(sad_exts), t, ntok, (char *)&l);
	/* The module takes ports with any protocol; they could never match. */
	if (l.sa.has_sel_proto && !proto_has_ports(l.sa.sel_proto)) {
		if (l.sa.has_sel_dport)
			ferr(rd, "DestPort", t[6], "ports need Protocol TCP, UDP, 132 or 136");
		if (l.sa.has_sel_sport)
			ferr(rd, "SrcPort", t[7], "ports need Protocol TCP, UDP, 132 or 136");
	}
	/* The policy decides protocol and mode of the SAs bound to it. */
	if (l.sa.policy && l.has_proto_ext)
		ferr(rd, "PROTO", NULL,
		     "only with SecPolicyIndex NONE (the policy decides)");
	if (l.sa.policy && l.sa.mode)
		ferr(rd, "MODE", NULL,
		     "only with SecPolicyIndex NONE (the policy decides)");
	sad_algs(rd, &l);
	if (!index_dup(rd, &c->lines, "SAEntry", t[0], l.sa.index) &&
	    prev && !rd->line_bad && prev->index <= l.sa.index)
		fwarn(rd, "SAEntry", "index %u comes after %u (files list SAs by decreasing index)",
		      l.sa.index, prev->index);
	if (rd->line_bad) {
		sa_clear(&l.sa);
		return;
	}
	sa = sa_new();
	*sa = l.sa;
	c->prev = sa;
	vec_push(c->out, sa);
}

/* Read the entries of the file at @path into @out. */
static int read_entries(const char *path, const char *shown, size_t nfields,
			const char *last, entry_fn entry, struct vec *out)
{
	struct rd rd = { .shown = shown };
	struct file_ctx c = { .out = out };
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int ret;

	if (slash)
		slash[slash == dir] = '\0';	/* "/x.sad": "/" */
	else
		strcpy(dir, ".");
	rd.dir = dir;
	ret = for_each_entry(&rd, path, nfields, last, entry, &c);
	hmap_free(&c.lines);
	free(dir);
	return ret < 0 ? -1 : rd.errors;
}

int winfile_read_spd(const char *path, const char *shown, struct vec *pols)
{
	return read_entries(path, shown, SPD_TOKENS, "InterfaceIndex",
			    spd_entry, pols);
}

int winfile_read_sad(const char *path, const char *shown, struct vec *sas)
{
	return read_entries(path, shown, SAD_TOKENS, "SecPolicyIndex",
			    sad_entry, sas);
}

/* Writing. */

static void put_border(FILE *f, size_t len)
{
	while (len--)
		fputc('_', f);
	fputc('\n', f);
}

static void put_list(FILE *f, const char *title, const char *header,
		     struct buf *entries)
{
	fprintf(f, "\n%s\n\n%s\n", title, header);
	put_border(f, strlen(header));
	fwrite(entries->p ?: "", 1, entries->len, f);
	put_border(f, strlen(header));
	fprintf(f, "\n%s", legend);
	buf_free(entries);
}

void winfile_write_spd(FILE *f, const struct vec *pols)
{
	struct buf b = { 0 };
	struct policy p;
	size_t i;

	for (i = 0; i < pols->n; i++) {
		p = *(struct policy *)pols->v[i];
		/* The gateway only in TUNNEL mode. */
		p.has_tunnel_remote &= p.mode == IPSEC6_MODE_TUNNEL;
		put_fields(&b, spd_fields, SPD_TOKENS, spd_exts,
			   ARRAY_SIZE(spd_exts), (const char *)&p);
	}
	put_list(f, spd_title, spd_header, &b);
}

/* A key file label usable as a .sad token. */
static bool label_ok(const char *s)
{
	if (!s || !*s || streq(s, ";") || strchr(s, '='))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

struct sad_out {
	const char *keybase, *dir;
	char lbl[2][PATH_MAX];
};

static const char *key_label(struct sad_out *o, const char *label,
			     uint32_t index, bool enc)
{
	char *path;

	if (label_ok(label)) {
		path = label[0] == '/' || !o->dir ? xstrdup(label) :
			xasprintf("%s/%s", o->dir, label);
		if (o->dir && access(path, R_OK) < 0)
			warn_msg("SA %u: key file '%s' is not there (%s); create it before loading",
				 index, label, strerror(errno));
		free(path);
		return label;
	}
	if (!o->keybase)
		return "(inline)";
	snprintf(o->lbl[enc], PATH_MAX, "%s-sa%u%s.key", o->keybase, index,
		 enc ? "-enc" : "");
	warn_msg("SA %u: its %skey was not loaded from a key file; the .sad names '%s', which you must create (ipsec6ctl never writes keys)",
		 index, enc ? "encryption " : "", o->lbl[enc]);
	return o->lbl[enc];
}

/*
 * The line of @sa as the reader would have it (the .sad spellings of its
 * algorithms, its key files); false if an algorithm has no .sad name.
 */
static bool sad_prepare(struct sad_line *l, const struct sa *sa,
			struct sad_out *o)
{
	const char *name = sa->aead_name ?: sa->auth_name;
	const struct alg *mac;

	memset(l, 0, sizeof(*l));
	l->sa = *sa;	/* shallow: nothing of it is freed */
	l->auth = name ? alg_spelling(ALG_WIN_AUTH, sa->aead_name ? ALG_AEAD :
				      ALG_AUTH, name, sa->icv_bits, 0) : NULL;
	if (sa->aead_name && !l->auth) {
		l->aead = alg_spelling(ALG_WIN_AEAD, ALG_AEAD, name, 0,
				       sa_key_bits(sa) / 8);
		l->auth = alg_find(ALG_WIN_AUTH, "NULL");
	}
	if (sa->enc_name)
		l->enc = alg_spelling(ALG_WIN_ENC, ALG_ENC, sa->enc_name, 0, 0);
	mac = l->aead ?: l->auth;
	if (!mac || !mac->kind || (sa->enc_name && !l->enc))
		return false;
	l->keyfile = key_label(o, sa->keyfile, sa->index, false);
	if (l->enc && !streq(l->enc->token, "NULL"))
		l->enckeyfile = key_label(o, sa->enc_keyfile, sa->index, true);
	l->sa.has_src &= !in6_is_zero(&sa->src);
	l->has_proto_ext = !sa->policy;
	l->has_mode_ext = !sa->policy && sa->mode == IPSEC6_MODE_TUNNEL;
	l->sa.has_icv = sa->icv_bits && sa->icv_bits != mac->icv;
	l->sa.has_replay = sa->replay_window;
	return true;
}

/* qsort(): highest index first. */
static int sa_cmp_index_desc(const void *a, const void *b)
{
	const struct sa *sa = *(const struct sa * const *)a;
	const struct sa *sb = *(const struct sa * const *)b;

	return sa->index > sb->index ? -1 : sa->index < sb->index;
}

int winfile_write_sad(FILE *f, const struct vec *sas, const char *keybase,
		      const char *sad_dir)
{
	struct sad_out o = { keybase, sad_dir };
	struct buf b = { 0 };
	struct sad_line l;
	struct sa **v, *sa;
	size_t i;
	int ret = 0;

	v = xmalloc((sas->n ? sas->n : 1) * sizeof(*v));
	if (sas->n) {	/* an empty vec has v == NULL */
		memcpy(v, sas->v, sas->n * sizeof(*v));
		qsort(v, sas->n, sizeof(*v), sa_cmp_index_desc);
	}
	for (i = 0; i < sas->n; i++) {
		sa = v[i];
		if (sad_prepare(&l, sa, &o)) {
			put_fields(&b, sad_fields, SAD_TOKENS, sad_exts,
				   ARRAY_SIZE(sad_exts), (char *)&l);
			continue;
		}
		err_msg("SA %u: its algorithm (%s%s%s) has no name in the .sad format",
			sa->index, sa->aead_name ?: sa->auth_name ?: "none",
			sa->enc_name ? ", " : "", sa->enc_name ?: "");
		ret = -1;
	}
	put_list(f, sad_title, sad_header, &b);
	free(v);
	return ret;
}
