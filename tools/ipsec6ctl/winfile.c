// SPDX-License-Identifier: GPL-2.0
/*
 * Reader and writer of the Windows ipsec6 .spd and .sad files.
 *
 * Reading is all-or-nothing: every line is checked and every error is
 * reported (FILE:LINE: Field: message 'value'); the caller sends nothing
 * if there was one.  Keywords are matched without regard to case, CR LF
 * line ends and a UTF-8 byte order mark are accepted.  Writing produces
 * the layout of the original tool, upper case, LF line ends; extension
 * fields (KEY=VALUE before the ';') are written only when they differ from
 * the default, so files of the original tool round-trip unchanged.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "winfile.h"

#define SPD_TOKENS	18	/* 13 fields, 5 of them flag + value */
#define SAD_TOKENS	12
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

/* The field each token of a policy entry belongs to. */
static const char *const spd_field[SPD_TOKENS] = {
	"Policy", "RemoteIPAddr", "RemoteIPAddr", "LocalIPAddr",
	"LocalIPAddr", "Protocol", "Protocol", "RemotePort", "RemotePort",
	"LocalPort", "LocalPort", "IPSecProtocol", "IPSecMode",
	"RemoteGWIPAddr", "SABundleIndex", "Direction", "Action",
	"InterfaceIndex",
};

static const char *const sad_field[SAD_TOKENS] = {
	"SAEntry", "SPI", "SADestIPAddr", "DestIPAddr", "SrcIPAddr",
	"Protocol", "DestPort", "SrcPort", "AuthAlg", "KeyFile", "Direction",
	"SecPolicyIndex",
};

/* Reading: one file at a time. */

struct rd {
	const char *shown;	/* file name in messages */
	unsigned int line;
	int errors;
	bool line_bad;		/* an error on the current line */
};

__printf(4, 5) static void ferr(struct rd *rd, const char *field,
				const char *value, const char *fmt, ...)
{
	char v[80], msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rd->errors++;
	rd->line_bad = true;
	if (value)
		loc_msg(rd->shown, rd->line, "%s: %s '%s'", field, msg,
			shown(value, v, sizeof(v)));
	else
		loc_msg(rd->shown, rd->line, "%s: %s", field, msg);
}

__printf(3, 4) static void fwarn(struct rd *rd, const char *field,
				 const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	loc_msg(rd->shown, rd->line, "warning: %s: %s", field, msg);
}

/* Line iteration over a whole file in memory. */
struct lines {
	char *p, *end;
	unsigned int no;
};

/* The next line, NUL-terminated, without CR LF; *nul if it holds a NUL. */
static char *next_line(struct lines *ls, size_t *len, bool *nul)
{
	char *start = ls->p, *nl;
	size_t raw;

	if (ls->p >= ls->end)
		return NULL;
	nl = memchr(ls->p, '\n', (size_t)(ls->end - ls->p));
	raw = nl ? (size_t)(nl - start) : (size_t)(ls->end - start);
	start[raw] = '\0';	/* the '\n', or read_file()'s terminator */
	ls->p = nl ? nl + 1 : ls->end;
	*nul = strlen(start) != raw;
	*len = raw;
	if (*len && start[*len - 1] == '\r')
		start[--*len] = '\0';
	ls->no++;
	return start;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* Split on blanks; a ';' glued to the last token is split off. */
static int tokenize(char *s, char **tok)
{
	int n = 0;

	for (;;) {
		while (is_blank(*s))
			s++;
		if (!*s)
			break;
		if (n == MAX_TOKENS)
			return -1;
		tok[n++] = s;
		while (*s && !is_blank(*s))
			s++;
		if (*s)
			*s++ = '\0';
	}
	if (n && strlen(tok[n - 1]) > 1 &&
	    tok[n - 1][strlen(tok[n - 1]) - 1] == ';') {
		if (n == MAX_TOKENS)
			return -1;
		tok[n - 1][strlen(tok[n - 1]) - 1] = '\0';
		tok[n++] = ";";
	}
	return n;
}

/*
 * The entries of a file: calls @entry for each line between the two
 * border lines with its tokens, without the final ';', standard fields
 * first (*@nstd of them) then KEY=VALUE extensions.
 */
typedef void (*entry_fn)(struct rd *rd, char **tok, int nstd, int next,
			 void *data);

static int for_each_entry(struct rd *rd, const char *path, size_t nfields,
			  const char *const *fields, entry_fn entry, void *data)
{
	int state = 0;	/* 0 before the entries, 1 in them, 2 after */
	unsigned int first_border = 0;
	char *text, *line;
	struct lines ls;
	size_t len;
	bool nul;

	if (read_file(path, &text, &len) < 0) {
		err_msg("%s: %s", rd->shown, strerror(errno));
		return -1;
	}
	ls.p = text;
	ls.end = text + len;
	ls.no = 0;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		ls.p += 3;
	while ((line = next_line(&ls, &len, &nul))) {
		char *tok[MAX_TOKENS];
		int n, i, nstd;

		rd->line = ls.no;
		rd->line_bad = false;
		if (nul) {
			ferr(rd, "line", NULL, "contains a NUL byte");
			continue;
		}
		if (line[0] == '_') {
			if (state == 0)
				first_border = ls.no;
			state++;
			continue;
		}
		if (state != 1)
			continue;
		n = tokenize(line, tok);
		if (!n)
			continue;
		if (n < 0) {
			ferr(rd, "entry", NULL, "more than %d fields",
			     MAX_TOKENS);
			continue;
		}
		for (i = 0; i < n && strcmp(tok[i], ";"); i++)
			;
		if (i == n) {
			ferr(rd, "entry", NULL,
			     "does not end with ';' (one entry per line)");
			continue;
		}
		if (i < n - 1) {
			ferr(rd, "entry", tok[i + 1],
			     "text after the ';' that ends the entry");
			continue;
		}
		n--;
		for (nstd = 0; nstd < n && !strchr(tok[nstd], '='); nstd++)
			;
		for (i = nstd; i < n; i++) {
			if (!strchr(tok[i], '=')) {
				ferr(rd, "entry", tok[i],
				     "a field after the KEY=VALUE extensions");
				break;
			}
		}
		if (i < n)
			continue;
		if ((size_t)nstd < nfields) {
			ferr(rd, fields[nfields - 1], NULL,
			     "missing (the entry has %d of %zu tokens%s)",
			     nstd, nfields,
			     nfields == SPD_TOKENS ?
			     "; a selector is a flag and a value" : "");
			continue;
		}
		if ((size_t)nstd > nfields) {
			ferr(rd, "entry", tok[nfields],
			     "unexpected field after %s (extensions are KEY=VALUE)",
			     fields[nfields - 1]);
			continue;
		}
		entry(rd, tok, nstd, n - nstd, data);
	}
	free(text);
	if (state == 0) {
		rd->line = 0;
		err_msg("%s: no entry list (no border line starting with '_')",
			rd->shown);
		rd->errors++;
	} else if (state == 1) {
		rd->line = first_border;
		loc_msg(rd->shown, first_border,
			"entry list not closed (no second border line)");
		rd->errors++;
	}
	return 0;
}

/* Field parsers. */

static bool kw(const char *s, const char *k)
{
	return streq_ci(s, k);
}

static void addr_normalize(struct addr_sel *r)
{
	static const struct in6_addr ones = { .s6_addr = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

	if (!r->any && in6_is_zero(&r->start) && !cmp_in6(&r->end, &ones))
		r->any = true;
}

/* "*", ADDR, A-B or ADDR/LEN. */
static const char *parse_addr_sel(const char *v, struct addr_sel *r)
{
	char tmp[2 * INET6_ADDRSTRLEN + 8], *sep, *slash;
	uint32_t len;

	r->any = false;
	if (!strcmp(v, "*")) {
		r->any = true;
		return NULL;
	}
	if (strlen(v) >= sizeof(tmp))
		return "invalid address";
	strcpy(tmp, v);
	slash = strchr(tmp, '/');
	sep = strchr(tmp, '-');
	if (slash) {
		struct in6_addr a;

		*slash = '\0';
		if (!parse_in6(tmp, &a))
			return "invalid address";
		if (!parse_u32_dec(slash + 1, &len) || len > 128)
			return "prefix length must be 0-128";
		prefix_range(&a, len, &r->start, &r->end);
	} else if (sep) {
		*sep = '\0';
		if (!parse_in6(tmp, &r->start) || !parse_in6(sep + 1, &r->end))
			return "invalid address range";
		if (cmp_in6(&r->start, &r->end) > 0)
			return "range start is above its end";
	} else {
		if (!parse_in6(tmp, &r->start))
			return "invalid address";
		r->end = r->start;
	}
	addr_normalize(r);
	return NULL;
}

static bool parse_port(const char *s, uint16_t *p)
{
	uint32_t v;

	if (!parse_u32_dec(s, &v) || v > 65535)
		return false;
	*p = (uint16_t)v;
	return true;
}

/* "*", P or P-Q. */
static const char *parse_port_sel(const char *v, struct port_sel *r)
{
	char tmp[16], *sep;

	r->any = false;
	if (!strcmp(v, "*")) {
		r->any = true;
		return NULL;
	}
	if (strlen(v) >= sizeof(tmp))
		return "invalid port";
	strcpy(tmp, v);
	sep = strchr(tmp, '-');
	if (sep) {
		*sep = '\0';
		if (!parse_port(tmp, &r->start) || !parse_port(sep + 1, &r->end))
			return "invalid port range";
		if (r->start > r->end)
			return "range start is above its end";
	} else {
		if (!parse_port(tmp, &r->start))
			return "invalid port";
		r->end = r->start;
	}
	if (r->start == 0 && r->end == 65535)
		r->any = true;
	return NULL;
}

/* TCP, UDP, ICMP (ICMPv6) or a number. */
static bool parse_win_proto(const char *v, uint8_t *p)
{
	uint32_t n;

	if (kw(v, "TCP"))
		*p = IPPROTO_TCP;
	else if (kw(v, "UDP"))
		*p = IPPROTO_UDP;
	else if (kw(v, "ICMP"))
		*p = IPPROTO_ICMPV6;
	else if (parse_u32_dec(v, &n) && n <= 255)
		*p = (uint8_t)n;
	else
		return false;
	return true;
}

static const char *win_proto_str(uint8_t p, char *buf, size_t len)
{
	switch (p) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_ICMPV6:
		return "ICMP";
	}
	snprintf(buf, len, "%u", p);
	return buf;
}

/* Direction: INBOUND, OUTBOUND, BIDIRECT, or a comma list with FORWARD. */
static bool parse_dir(const char *v, uint8_t *dir, bool sa)
{
	char tmp[64], *tokp, *save = NULL;

	if (sa) {
		if (kw(v, "INBOUND"))
			*dir = IPSEC6_DIR_IN;
		else if (kw(v, "OUTBOUND"))
			*dir = IPSEC6_DIR_OUT;
		else if (kw(v, "BIDIRECT"))
			*dir = 0;
		else
			return false;
		return true;
	}
	if (strlen(v) >= sizeof(tmp))
		return false;
	strcpy(tmp, v);
	*dir = 0;
	for (tokp = strtok_r(tmp, ",", &save); tokp;
	     tokp = strtok_r(NULL, ",", &save)) {
		if (kw(tokp, "INBOUND"))
			*dir |= IPSEC6_DIR_IN;
		else if (kw(tokp, "OUTBOUND"))
			*dir |= IPSEC6_DIR_OUT;
		else if (kw(tokp, "BIDIRECT"))
			*dir |= IPSEC6_DIR_BIDIRECT;
		else if (kw(tokp, "FORWARD"))
			*dir |= IPSEC6_DIR_FWD;
		else
			return false;
	}
	return *dir != 0;
}

static const char *dir_token(uint8_t dir, char *buf, size_t len)
{
	size_t used = 0;

	switch (dir) {
	case IPSEC6_DIR_IN:
		return "INBOUND";
	case IPSEC6_DIR_OUT:
		return "OUTBOUND";
	case IPSEC6_DIR_BIDIRECT:
		return "BIDIRECT";
	}
	buf[0] = '\0';
	if ((dir & IPSEC6_DIR_BIDIRECT) == IPSEC6_DIR_BIDIRECT)
		used += (size_t)snprintf(buf + used, len - used, "BIDIRECT");
	else if (dir & IPSEC6_DIR_IN)
		used += (size_t)snprintf(buf + used, len - used, "INBOUND");
	else if (dir & IPSEC6_DIR_OUT)
		used += (size_t)snprintf(buf + used, len - used, "OUTBOUND");
	if (dir & IPSEC6_DIR_FWD)
		snprintf(buf + used, len - used, "%sFORWARD", used ? "," : "");
	return buf;
}

/* Bit lists like DSCP_COPY,BUNDLE_ONLY. */
struct flagname {
	const char *name;
	uint32_t bit;
};

static const struct flagname pol_flags[] = {
	{ "DSCP_COPY", IPSEC6_POLICY_F_DSCP_COPY },
	{ "BUNDLE_ONLY", IPSEC6_POLICY_F_BUNDLE_ONLY },
};

static const struct flagname sa_flags[] = {
	{ "ESN", IPSEC6_SA_F_ESN },
	{ "DSCP_COPY", IPSEC6_SA_F_DSCP_COPY },
};

static bool parse_flags(const char *v, const struct flagname *names,
			size_t n, uint32_t *out)
{
	char tmp[128], *t, *save = NULL;
	size_t i;

	if (strlen(v) >= sizeof(tmp))
		return false;
	strcpy(tmp, v);
	*out = 0;
	for (t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < n && !kw(t, names[i].name); i++)
			;
		if (i == n)
			return false;
		*out |= names[i].bit;
	}
	return true;
}

static void put_flags(struct buf *b, uint32_t v, const struct flagname *names,
		      size_t n)
{
	bool first = true;
	size_t i;

	buf_printf(b, " FLAGS=");
	for (i = 0; i < n; i++) {
		if (v & names[i].bit) {
			buf_printf(b, "%s%s", first ? "" : ",", names[i].name);
			first = false;
		}
	}
}

/* One KEY=VALUE extension: *key and *val point into @tok. */
static void split_ext(char *tok, char **key, char **val)
{
	char *eq = strchr(tok, '=');

	*eq = '\0';
	*key = tok;
	*val = eq + 1;
}

/* Policies. */

struct spd_ctx {
	struct vec *pols;
	struct hmap lines;	/* index -> line */
	struct policy *prev;
};

static void spd_entry(struct rd *rd, char **t, int nstd, int next,
		      void *data)
{
	struct spd_ctx *c = data;
	struct policy *p = policy_new();
	bool proto_ok = false, ext_seen[8] = { 0 };
	struct addr_sel *sel[2] = { &p->remote, &p->local };
	struct port_sel *ports[2] = { &p->rport, &p->lport };
	const char *e, *gw = NULL;
	uint32_t v, prev_line;
	int i;
	size_t pos = 0;

	(void)nstd;
	p->origin.file = rd->shown;
	p->origin.line = rd->line;
	if (!parse_u32_dec(t[0], &p->index) || !p->index)
		ferr(rd, "Policy", t[0], "not a positive integer");
	/* Selector flags: '-' take from policy, '+' take from packet. */
	for (i = 0; i < 5; i++) {
		static const uint32_t bit[5] = {
			IPSEC6_FROM_PKT_REMOTE_ADDR, IPSEC6_FROM_PKT_LOCAL_ADDR,
			IPSEC6_FROM_PKT_PROTO, IPSEC6_FROM_PKT_REMOTE_PORT,
			IPSEC6_FROM_PKT_LOCAL_PORT,
		};
		const char *flag = t[1 + 2 * i];

		if (!strcmp(flag, "+"))
			p->from_packet |= bit[i];
		else if (strcmp(flag, "-"))
			ferr(rd, spd_field[1 + 2 * i], flag,
			     "invalid selector flag (use '-' or '+')");
	}
	for (i = 0; i < 2; i++) {
		e = parse_addr_sel(t[2 + 2 * i], sel[i]);
		if (e)
			ferr(rd, spd_field[2 + 2 * i], t[2 + 2 * i], "%s", e);
	}
	if (!strcmp(t[6], "*")) {
		proto_ok = true;
	} else if (parse_win_proto(t[6], &p->proto)) {
		p->has_proto = true;
		proto_ok = true;
	} else {
		ferr(rd, "Protocol", t[6], "unknown value");
	}
	for (i = 0; i < 2; i++) {
		e = parse_port_sel(t[8 + 2 * i], ports[i]);
		if (e)
			ferr(rd, spd_field[8 + 2 * i], t[8 + 2 * i], "%s", e);
		else if (!ports[i]->any && proto_ok &&
			 (!p->has_proto || !proto_has_ports(p->proto)))
			ferr(rd, spd_field[8 + 2 * i], t[8 + 2 * i],
			     "ports need Protocol TCP, UDP, 132 (SCTP) or 136 (UDP-Lite)");
	}
	if (kw(t[11], "AH"))
		p->ipsec_proto = IPSEC6_PROTO_AH;
	else if (kw(t[11], "ESP"))
		p->ipsec_proto = IPSEC6_PROTO_ESP;
	else if (!kw(t[11], "NONE"))
		ferr(rd, "IPSecProtocol", t[11], "unknown value");
	if (kw(t[12], "TRANSPORT"))
		p->mode = IPSEC6_MODE_TRANSPORT;
	else if (kw(t[12], "TUNNEL"))
		p->mode = IPSEC6_MODE_TUNNEL;
	else if (strcmp(t[12], "*"))
		ferr(rd, "IPSecMode", t[12], "unknown value");
	if (strcmp(t[13], "*")) {
		gw = t[13];
		if (!parse_in6(t[13], &p->tunnel_remote))
			ferr(rd, "RemoteGWIPAddr", t[13], "invalid address");
		else if (!in6_is_unicast(&p->tunnel_remote))
			ferr(rd, "RemoteGWIPAddr", t[13],
			     "not a unicast address");
	}
	if (!kw(t[14], "NONE") &&
	    (!parse_u32_dec(t[14], &p->bundle_next) || !p->bundle_next))
		ferr(rd, "SABundleIndex", t[14], "not NONE or a policy index");
	if (!parse_dir(t[15], &p->dir, false))
		ferr(rd, "Direction", t[15], "unknown value");
	if (kw(t[16], "APPLY"))
		p->action = IPSEC6_ACTION_APPLY;
	else if (kw(t[16], "BYPASS"))
		p->action = IPSEC6_ACTION_BYPASS;
	else if (kw(t[16], "DISCARD"))
		p->action = IPSEC6_ACTION_DISCARD;
	else if (kw(t[16], "APPCHOICE"))
		p->action = IPSEC6_ACTION_APPCHOICE;
	else
		ferr(rd, "Action", t[16], "unknown value");
	if (!parse_u32_dec(t[17], &p->ifindex))
		ferr(rd, "InterfaceIndex", t[17], "not a number");

	/* Extensions. */
	for (i = SPD_TOKENS; i < SPD_TOKENS + next; i++) {
		static const char *const names[] = {
			"PRIORITY", "REQID", "FLAGS", "TUNNEL_LOCAL",
			"ICMP_TYPE", "ICMP_CODE",
		};
		char *k, *val, orig[200];

		snprintf(orig, sizeof(orig), "%s", t[i]);
		split_ext(t[i], &k, &val);
		for (pos = 0; pos < ARRAY_SIZE(names) &&
		     !kw(k, names[pos]); pos++)
			;
		if (pos == ARRAY_SIZE(names)) {
			ferr(rd, "extension", orig, "unknown");
			continue;
		}
		if (ext_seen[pos]) {
			ferr(rd, names[pos], orig, "given twice");
			continue;
		}
		ext_seen[pos] = true;
		switch (pos) {
		case 0:
			if (!parse_u32_dec(val, &p->priority))
				ferr(rd, "PRIORITY", val, "not a number");
			break;
		case 1:
			if (!parse_u32_dec(val, &p->reqid))
				ferr(rd, "REQID", val, "not a number");
			break;
		case 2:
			if (!parse_flags(val, pol_flags, ARRAY_SIZE(pol_flags),
					 &p->flags))
				ferr(rd, "FLAGS", val,
				     "not a list of DSCP_COPY, BUNDLE_ONLY");
			break;
		case 3:
			if (!parse_in6(val, &p->tunnel_local))
				ferr(rd, "TUNNEL_LOCAL", val, "invalid address");
			p->has_tunnel_local = true;
			break;
		case 4:
		case 5:
			if (!parse_u32_dec(val, &v) || v > 255) {
				ferr(rd, names[pos], val, "must be 0-255");
				break;
			}
			if (pos == 4) {
				p->has_icmp_type = true;
				p->icmp_type = (uint8_t)v;
			} else {
				p->has_icmp_code = true;
				p->icmp_code = (uint8_t)v;
			}
			break;
		}
	}

	/* Fields that depend on each other. */
	if (p->action == IPSEC6_ACTION_APPLY) {
		if (!p->ipsec_proto && kw(t[11], "NONE"))
			ferr(rd, "IPSecProtocol", t[11],
			     "APPLY needs AH or ESP");
		if (!p->mode && !strcmp(t[12], "*"))
			ferr(rd, "IPSecMode", t[12],
			     "APPLY needs TRANSPORT or TUNNEL");
		if (p->mode == IPSEC6_MODE_TUNNEL && !gw)
			ferr(rd, "RemoteGWIPAddr", t[13],
			     "TUNNEL mode needs the gateway address");
		if (p->bundle_next && p->bundle_next == p->index)
			ferr(rd, "SABundleIndex", t[14],
			     "a policy cannot bundle itself");
		if (p->has_tunnel_local && p->mode != IPSEC6_MODE_TUNNEL)
			ferr(rd, "TUNNEL_LOCAL", NULL, "only in TUNNEL mode");
	} else if (action_name(p->action)) {
		if (p->ipsec_proto)
			ferr(rd, "IPSecProtocol", t[11],
			     "must be NONE unless Action is APPLY");
		if (p->mode)
			ferr(rd, "IPSecMode", t[12],
			     "must be '*' unless Action is APPLY");
		if (p->bundle_next)
			ferr(rd, "SABundleIndex", t[14],
			     "must be NONE unless Action is APPLY");
		if (p->reqid)
			ferr(rd, "REQID", NULL, "only for APPLY policies");
		if (p->has_tunnel_local)
			ferr(rd, "TUNNEL_LOCAL", NULL, "only in TUNNEL mode");
	}
	if ((p->has_icmp_type || p->has_icmp_code) && proto_ok &&
	    (!p->has_proto || p->proto != IPPROTO_ICMPV6))
		ferr(rd, p->has_icmp_type ? "ICMP_TYPE" : "ICMP_CODE", NULL,
		     "needs Protocol ICMP");
	if (p->has_icmp_code && !p->has_icmp_type)
		ferr(rd, "ICMP_CODE", NULL, "needs ICMP_TYPE");
	/* The gateway only matters in tunnel mode ("ignored" otherwise). */
	if (p->mode != IPSEC6_MODE_TUNNEL)
		p->has_tunnel_remote = false;
	else if (gw)
		p->has_tunnel_remote = true;

	if (p->index) {
		size_t it = 0;

		if (hmap_next(&c->lines, p->index, &it, &prev_line)) {
			ferr(rd, "Policy", t[0], "index already used on line %u",
			     prev_line);
		} else {
			hmap_put(&c->lines, p->index, rd->line);
			if (c->prev && !rd->line_bad &&
			    !policy_before(c->prev, p))
				fwarn(rd, "Policy",
				      "index %u comes after %u: policies are searched by priority then decreasing index, not in file order",
				      p->index, c->prev->index);
		}
	}
	if (rd->line_bad) {
		policy_free(p);
		return;
	}
	c->prev = p;
	vec_push(c->pols, p);
}

int winfile_read_spd(const char *path, const char *shown, struct vec *pols)
{
	struct rd rd = { .shown = shown };
	struct spd_ctx c = { .pols = pols };

	if (for_each_entry(&rd, path, SPD_TOKENS, spd_field, spd_entry,
			   &c) < 0)
		return -1;
	hmap_free(&c.lines);
	return rd.errors;
}

/* Security associations. */

struct authalg {
	const char *token;
	const char *name;	/* crypto API name */
	uint32_t icv;
	bool aead;		/* AES-GMAC: an AEAD transform */
};

static const struct authalg authalgs[] = {
	{ "NULL", NULL, 0, false },
	{ "HMAC-MD5", "hmac(md5)", 128, false },
	{ "HMAC-MD5-96", "hmac(md5)", 96, false },
	{ "HMAC-SHA1", "hmac(sha1)", 160, false },
	{ "HMAC-SHA1-96", "hmac(sha1)", 96, false },
	{ "HMAC-SHA256", "hmac(sha256)", 128, false },
	{ "HMAC-SHA384", "hmac(sha384)", 192, false },
	{ "HMAC-SHA512", "hmac(sha512)", 256, false },
	{ "AES-GMAC", "rfc4543(gcm(aes))", 128, true },
};

struct aeadalg {
	const char *token;
	const char *name;
	uint32_t key_len;	/* bytes with salt; 0 = 20, 28 or 36 */
	bool esp_only;
};

static const struct aeadalg aeadalgs[] = {
	{ "AES-GCM-128", "rfc4106(gcm(aes))", 20, true },
	{ "AES-GCM-192", "rfc4106(gcm(aes))", 28, true },
	{ "AES-GCM-256", "rfc4106(gcm(aes))", 36, true },
	{ "CHACHA20-POLY1305", "rfc7539esp(chacha20,poly1305)", 36, true },
	{ "NULL-GMAC", "rfc4543(gcm(aes))", 0, false },
};

static const struct {
	const char *token;
	enum lifetime lft;
} lft_exts[] = {
	{ "SOFT_BYTES", LFT_SOFT_BYTES }, { "HARD_BYTES", LFT_HARD_BYTES },
	{ "SOFT_PACKETS", LFT_SOFT_PACKETS },
	{ "HARD_PACKETS", LFT_HARD_PACKETS },
	{ "SOFT_ADD_SECONDS", LFT_SOFT_ADD },
	{ "HARD_ADD_SECONDS", LFT_HARD_ADD },
	{ "SOFT_USE_SECONDS", LFT_SOFT_USE },
	{ "HARD_USE_SECONDS", LFT_HARD_USE },
};

struct sad_ctx {
	struct vec *sas;
	const struct vec *file_pols, *installed;
	struct hmap file_pol_idx, inst_pol_idx;	/* index -> position */
	struct hmap lines;			/* SA index -> line */
	struct hmap ids;			/* id hash -> position */
	struct buf protos;			/* IPsec protocol by position */
	char *dir;				/* folder of the .sad */
	struct sa *prev;
};

static const struct policy *sad_policy(struct sad_ctx *c, uint32_t index,
				       bool *installed)
{
	size_t it = 0;
	uint32_t pos;

	*installed = false;
	if (hmap_next(&c->file_pol_idx, index, &it, &pos))
		return c->file_pols->v[pos];
	it = 0;
	if (c->installed && hmap_next(&c->inst_pol_idx, index, &it, &pos)) {
		*installed = true;
		return c->installed->v[pos];
	}
	return NULL;
}

static char *key_path(struct sad_ctx *c, const char *name)
{
	if (name[0] == '/' || !c->dir)
		return xstrdup(name);
	return xasprintf("%s/%s", c->dir, name);
}

static bool read_key(struct rd *rd, struct sad_ctx *c, const char *field,
		     const char *name, struct key *k)
{
	char err[ERRBUF_LEN], *path;
	bool nl;

	/* The module keeps the name as a label of limited length. */
	if (strlen(name) >= IPSEC6_KEYFILE_MAX) {
		ferr(rd, field, NULL, "file name longer than %u bytes",
		     IPSEC6_KEYFILE_MAX - 1);
		return false;
	}
	path = key_path(c, name);
	if (key_from_file(k, path, name, &nl, err, sizeof(err)) < 0) {
		ferr(rd, field, NULL, "%s", err);
		free(path);
		return false;
	}
	free(path);
	if (nl)
		fwarn(rd, field,
		      "'%s' ends with a newline byte, which is part of the %zu-byte key",
		      name, k->len);
	return true;
}

static void sad_entry(struct rd *rd, char **t, int nstd, int next,
		      void *data)
{
	struct sad_ctx *c = data;
	struct sa *sa = sa_new();
	const struct authalg *auth = NULL;
	const struct aeadalg *aead = NULL;
	const struct policy *pol = NULL;
	const char *enc = NULL, *enckeyfile = NULL, *keyfile = NULL;
	bool ext_seen[32] = { 0 }, installed, has_proto_ext = false;
	uint8_t proto = 0;
	uint32_t v, prev_line;
	size_t i, pos;
	int x;

	(void)nstd;
	sa->origin.file = rd->shown;
	sa->origin.line = rd->line;
	if (!parse_u32_dec(t[0], &sa->index) || !sa->index)
		ferr(rd, "SAEntry", t[0], "not a positive integer");
	if (!parse_u32_dec(t[1], &sa->spi))
		ferr(rd, "SPI", t[1], "not a decimal number up to 4294967295");
	else if (!sa->spi)
		ferr(rd, "SPI", t[1], "0 is invalid");
	else if (sa->spi < IPSEC6_SPI_MIN)
		ferr(rd, "SPI", t[1], "reserved (1-255, RFC 4303)");
	if (!parse_in6(t[2], &sa->dst))
		ferr(rd, "SADestIPAddr", t[2], "invalid address");
	else if (!in6_is_unicast(&sa->dst))
		ferr(rd, "SADestIPAddr", t[2], "not a unicast address");
	if (!kw(t[3], "POLICY")) {
		if (parse_in6(t[3], &sa->sel_dst))
			sa->has_sel_dst = true;
		else
			ferr(rd, "DestIPAddr", t[3],
			     "not POLICY or an address");
	}
	if (!kw(t[4], "POLICY")) {
		if (parse_in6(t[4], &sa->sel_src))
			sa->has_sel_src = true;
		else
			ferr(rd, "SrcIPAddr", t[4], "not POLICY or an address");
	}
	if (!kw(t[5], "POLICY")) {
		if (parse_win_proto(t[5], &sa->sel_proto))
			sa->has_sel_proto = true;
		else
			ferr(rd, "Protocol", t[5], "unknown value");
	}
	for (x = 0; x < 2; x++) {
		const char *val = t[6 + x];
		bool *has = x ? &sa->has_sel_sport : &sa->has_sel_dport;
		uint16_t *port = x ? &sa->sel_sport : &sa->sel_dport;

		if (kw(val, "POLICY"))
			continue;
		if (!parse_port(val, port))
			ferr(rd, sad_field[6 + x], val,
			     "not POLICY or a port (0-65535)");
		else if (sa->has_sel_proto && !proto_has_ports(sa->sel_proto))
			ferr(rd, sad_field[6 + x], val,
			     "ports need Protocol TCP, UDP, 132 or 136");
		else
			*has = true;
	}
	for (i = 0; i < ARRAY_SIZE(authalgs) && !kw(t[8], authalgs[i].token);
	     i++)
		;
	if (i < ARRAY_SIZE(authalgs))
		auth = &authalgs[i];
	else
		ferr(rd, "AuthAlg", t[8], "unknown value");
	if (!kw(t[9], "NONE"))
		keyfile = t[9];
	if (!parse_dir(t[10], &sa->dir, true))
		ferr(rd, "Direction", t[10], "unknown value");
	if (!kw(t[11], "NONE")) {
		if (!parse_u32_dec(t[11], &sa->policy) || !sa->policy)
			ferr(rd, "SecPolicyIndex", t[11],
			     "not a policy index");
	}

	for (x = SAD_TOKENS; x < SAD_TOKENS + next; x++) {
		static const char *const names[] = {
			"SRC", "PROTO", "MODE", "REQID", "ENC", "ENCKEYFILE",
			"AEAD", "ICV", "REPLAY", "ESN", "FLAGS",
		};
		char *k, *val, orig[300];

		snprintf(orig, sizeof(orig), "%s", t[x]);
		split_ext(t[x], &k, &val);
		for (pos = 0; pos < ARRAY_SIZE(names) &&
		     !kw(k, names[pos]); pos++)
			;
		if (pos == ARRAY_SIZE(names)) {
			for (i = 0; i < ARRAY_SIZE(lft_exts) &&
			     !kw(k, lft_exts[i].token); i++)
				;
			if (i == ARRAY_SIZE(lft_exts)) {
				ferr(rd, "extension", orig, "unknown");
				continue;
			}
			pos = ARRAY_SIZE(names) + i;
		}
		if (ext_seen[pos]) {
			ferr(rd, k, orig, "given twice");
			continue;
		}
		ext_seen[pos] = true;
		switch (pos) {
		case 0:
			if (!parse_in6(val, &sa->src))
				ferr(rd, "SRC", val, "invalid address");
			sa->has_src = true;
			break;
		case 1:
			has_proto_ext = true;
			if (kw(val, "AH"))
				sa->proto = IPSEC6_PROTO_AH;
			else if (kw(val, "ESP"))
				sa->proto = IPSEC6_PROTO_ESP;
			else
				ferr(rd, "PROTO", val, "not AH or ESP");
			break;
		case 2:
			if (kw(val, "TRANSPORT"))
				sa->mode = IPSEC6_MODE_TRANSPORT;
			else if (kw(val, "TUNNEL"))
				sa->mode = IPSEC6_MODE_TUNNEL;
			else
				ferr(rd, "MODE", val,
				     "not TRANSPORT or TUNNEL");
			break;
		case 3:
			if (!parse_u32_dec(val, &sa->reqid))
				ferr(rd, "REQID", val, "not a number");
			break;
		case 4:
			enc = val;
			if (kw(val, "AES-CBC"))
				set_str(&sa->enc_name, "cbc(aes)");
			else if (kw(val, "NULL"))
				set_str(&sa->enc_name, "ecb(cipher_null)");
			else
				ferr(rd, "ENC", val, "not AES-CBC or NULL");
			break;
		case 5:
			enckeyfile = val;
			break;
		case 6:
			for (i = 0; i < ARRAY_SIZE(aeadalgs) &&
			     !kw(val, aeadalgs[i].token); i++)
				;
			if (i < ARRAY_SIZE(aeadalgs))
				aead = &aeadalgs[i];
			else
				ferr(rd, "AEAD", val, "unknown value");
			break;
		case 7:
			if (!parse_u32_dec(val, &sa->icv_bits) ||
			    !sa->icv_bits || sa->icv_bits % 32 ||
			    sa->icv_bits > 512)
				ferr(rd, "ICV", val,
				     "not a multiple of 32 bits up to 512");
			sa->has_icv = true;
			break;
		case 8:
			if (!parse_u32_dec(val, &sa->replay_window) ||
			    sa->replay_window > IPSEC6_REPLAY_MAX)
				ferr(rd, "REPLAY", val,
				     "not a window of 0-%u packets",
				     IPSEC6_REPLAY_MAX);
			sa->has_replay = true;
			break;
		case 9:
			if (!strcmp(val, "1"))
				sa->flags |= IPSEC6_SA_F_ESN;
			else if (strcmp(val, "0"))
				ferr(rd, "ESN", val, "not 0 or 1");
			break;
		case 10:
			if (!parse_flags(val, sa_flags, ARRAY_SIZE(sa_flags),
					 &v))
				ferr(rd, "FLAGS", val,
				     "not a list of ESN, DSCP_COPY");
			else
				sa->flags |= v;
			break;
		default:
			if (!parse_u64_dec(val, &sa->lft[lft_exts[pos -
					   ARRAY_SIZE(names)].lft]))
				ferr(rd, k, val, "not a number");
			break;
		}
	}

	/* The policy the SA serves gives its protocol. */
	if (sa->policy) {
		pol = sad_policy(c, sa->policy, &installed);
		if (!pol)
			ferr(rd, "SecPolicyIndex", t[11],
			     "no such policy in the .spd file%s",
			     c->installed ? " or installed" : "");
		else if (pol->action != IPSEC6_ACTION_APPLY)
			ferr(rd, "SecPolicyIndex", t[11],
			     "names a%s %s policy, not an APPLY one",
			     installed ? "n installed" : "",
			     action_name(pol->action) ?: "?");
		else
			proto = pol->ipsec_proto;
		if (has_proto_ext)
			ferr(rd, "PROTO", NULL,
			     "only with SecPolicyIndex NONE (the policy decides)");
		if (sa->mode)
			ferr(rd, "MODE", NULL,
			     "only with SecPolicyIndex NONE (the policy decides)");
	} else if (kw(t[11], "NONE")) {
		if (!has_proto_ext)
			ferr(rd, "SecPolicyIndex", t[11],
			     "NONE needs the PROTO=AH|ESP extension");
		proto = sa->proto;
	}

	/* Algorithms and keys. */
	if (auth && !auth->name && !aead) {
		ferr(rd, "AuthAlg", t[8],
		     "gives no integrity protection, which the ipsec6 module requires (use an HMAC or AEAD=)");
		if (keyfile)
			ferr(rd, "KeyFile", t[9], "must be NONE with AuthAlg NULL");
	} else if (auth && (auth->aead || auth->name) && aead) {
		ferr(rd, "AEAD", aead->token,
		     "needs AuthAlg NULL (it provides integrity itself)");
	} else if (auth && !keyfile) {
		ferr(rd, "KeyFile", t[9], "%s needs a key file",
		     aead ? aead->token : auth->token);
	} else if (auth) {
		struct key *k = auth->aead || aead ? &sa->aead_key :
						     &sa->auth_key;
		bool ok = read_key(rd, c, "KeyFile", keyfile, k);

		set_str(&sa->keyfile, keyfile);
		if (aead)
			set_str(&sa->aead_name, aead->name);
		else if (auth->aead)
			set_str(&sa->aead_name, auth->name);
		else
			set_str(&sa->auth_name, auth->name);
		if (!sa->has_icv) {
			sa->icv_bits = aead ? 128 : auth->icv;
			sa->has_icv = true;
		}
		if (ok && sa->aead_name) {
			uint32_t need = aead ? aead->key_len : 0;

			if (need && k->len != need)
				ferr(rd, "KeyFile", NULL,
				     "'%s' holds %zu bytes; %s needs %u (key and 4-byte salt)",
				     keyfile, k->len, aead->token, need);
			else if (!need && k->len != 20 && k->len != 28 &&
				 k->len != 36)
				ferr(rd, "KeyFile", NULL,
				     "'%s' holds %zu bytes; AES-GMAC needs 20, 28 or 36 (key and 4-byte salt)",
				     keyfile, k->len);
		}
	}
	if (aead && aead->esp_only && proto == IPSEC6_PROTO_AH)
		ferr(rd, "AEAD", aead->token,
		     "AH can only use NULL-GMAC (integrity only)");
	if (enc) {
		if (sa->aead_name)
			ferr(rd, "ENC", enc, "not with an AEAD algorithm");
		else if (proto == IPSEC6_PROTO_AH)
			ferr(rd, "ENC", enc, "AH does not encrypt");
		else if (sa->enc_name &&
			 !strcmp(sa->enc_name, "cbc(aes)") && !enckeyfile)
			ferr(rd, "ENC", enc, "needs ENCKEYFILE=");
		else if (sa->enc_name &&
			 !strcmp(sa->enc_name, "ecb(cipher_null)") &&
			 enckeyfile)
			ferr(rd, "ENCKEYFILE", enckeyfile,
			     "ENC=NULL takes no key");
		else if (enckeyfile &&
			 read_key(rd, c, "ENCKEYFILE", enckeyfile,
				  &sa->enc_key)) {
			set_str(&sa->enc_keyfile, enckeyfile);
			if (sa->enc_key.len != 16 && sa->enc_key.len != 24 &&
			    sa->enc_key.len != 32)
				ferr(rd, "ENCKEYFILE", NULL,
				     "'%s' holds %zu bytes; AES-CBC needs 16, 24 or 32",
				     enckeyfile, sa->enc_key.len);
		}
	} else if (enckeyfile) {
		ferr(rd, "ENCKEYFILE", enckeyfile, "needs ENC=AES-CBC");
	}

	/* Identity and order. */
	if (sa->index) {
		size_t it = 0;

		if (hmap_next(&c->lines, sa->index, &it, &prev_line))
			ferr(rd, "SAEntry", t[0],
			     "index already used on line %u", prev_line);
		else
			hmap_put(&c->lines, sa->index, rd->line);
	}
	if (!rd->line_bad && proto) {
		uint64_t h = sa_id_hash(sa->spi, &sa->dst, proto);
		size_t it = 0;
		uint32_t p;

		while (hmap_next(&c->ids, h, &it, &p)) {
			const struct sa *o = c->sas->v[p];

			if (o->spi == sa->spi && !cmp_in6(&o->dst, &sa->dst) &&
			    c->protos.p[p] == (char)proto) {
				ferr(rd, "SPI", t[1],
				     "SPI, SADestIPAddr and protocol already used on line %u",
				     o->origin.line);
				break;
			}
		}
		if (!rd->line_bad)
			hmap_put(&c->ids, h, (uint32_t)c->sas->n);
	}
	if (!rd->line_bad && c->prev && c->prev->index <= sa->index)
		fwarn(rd, "SAEntry", "index %u comes after %u (files list SAs by decreasing index)",
		      sa->index, c->prev->index);
	if (rd->line_bad) {
		sa_free(sa);
		return;
	}
	c->prev = sa;
	buf_reserve(&c->protos, 1);
	c->protos.p[c->protos.len++] = (char)proto;
	vec_push(c->sas, sa);
}

int winfile_read_sad(const char *path, const char *shown,
		     const struct vec *file_pols, const struct vec *installed,
		     struct vec *sas)
{
	struct rd rd = { .shown = shown };
	struct sad_ctx c = { .sas = sas, .file_pols = file_pols,
			     .installed = installed };
	char *slash;
	size_t i;
	int ret;

	for (i = 0; file_pols && i < file_pols->n; i++)
		hmap_put(&c.file_pol_idx,
			 ((struct policy *)file_pols->v[i])->index, (uint32_t)i);
	for (i = 0; installed && i < installed->n; i++)
		hmap_put(&c.inst_pol_idx,
			 ((struct policy *)installed->v[i])->index, (uint32_t)i);
	c.dir = xstrdup(path);
	slash = strrchr(c.dir, '/');
	if (slash)
		slash[slash == c.dir] = '\0';
	else
		strcpy(c.dir, ".");
	ret = for_each_entry(&rd, path, SAD_TOKENS, sad_field, sad_entry, &c);
	hmap_free(&c.file_pol_idx);
	hmap_free(&c.inst_pol_idx);
	hmap_free(&c.lines);
	hmap_free(&c.ids);
	buf_free(&c.protos);
	free(c.dir);
	return ret < 0 ? -1 : rd.errors;
}

/* Writing. */

static void put_border(FILE *f, size_t len)
{
	while (len--)
		fputc('_', f);
	fputc('\n', f);
}

static void put_start(FILE *f, const char *title, const char *header)
{
	fprintf(f, "\n%s\n\n%s\n", title, header);
	put_border(f, strlen(header));
}

static void put_end(FILE *f, const char *header)
{
	put_border(f, strlen(header));
	fprintf(f, "\n%s", legend);
}

static void addr_token(struct buf *b, const struct addr_sel *r)
{
	char x[INET6_ADDRSTRLEN], y[INET6_ADDRSTRLEN];

	if (r->any) {
		buf_printf(b, " *");
		return;
	}
	fmt_in6(&r->start, x, sizeof(x), true);
	if (!cmp_in6(&r->start, &r->end)) {
		buf_printf(b, " %s", x);
		return;
	}
	fmt_in6(&r->end, y, sizeof(y), true);
	buf_printf(b, " %s-%s", x, y);
}

static void port_token(struct buf *b, const struct port_sel *r)
{
	if (r->any)
		buf_printf(b, " *");
	else if (r->start == r->end)
		buf_printf(b, " %u", r->start);
	else
		buf_printf(b, " %u-%u", r->start, r->end);
}

static void policy_line(struct buf *b, const struct policy *p)
{
	char x[INET6_ADDRSTRLEN], tmp[32];
	uint32_t fp = p->from_packet;

	buf_printf(b, "%u", p->index);
	buf_printf(b, " %c", fp & IPSEC6_FROM_PKT_REMOTE_ADDR ? '+' : '-');
	addr_token(b, &p->remote);
	buf_printf(b, " %c", fp & IPSEC6_FROM_PKT_LOCAL_ADDR ? '+' : '-');
	addr_token(b, &p->local);
	buf_printf(b, " %c %s", fp & IPSEC6_FROM_PKT_PROTO ? '+' : '-',
		   p->has_proto ? win_proto_str(p->proto, tmp, sizeof(tmp)) :
				  "*");
	buf_printf(b, " %c", fp & IPSEC6_FROM_PKT_REMOTE_PORT ? '+' : '-');
	port_token(b, &p->rport);
	buf_printf(b, " %c", fp & IPSEC6_FROM_PKT_LOCAL_PORT ? '+' : '-');
	port_token(b, &p->lport);
	buf_printf(b, " %s %s", ipsec_proto_name(p->ipsec_proto) ?: "NONE",
		   mode_name(p->mode) ?: "*");
	if (p->mode == IPSEC6_MODE_TUNNEL && p->has_tunnel_remote) {
		fmt_in6(&p->tunnel_remote, x, sizeof(x), true);
		buf_printf(b, " %s", x);
	} else {
		buf_printf(b, " *");
	}
	if (p->bundle_next)
		buf_printf(b, " %u", p->bundle_next);
	else
		buf_printf(b, " NONE");
	buf_printf(b, " %s %s %u", dir_token(p->dir, tmp, sizeof(tmp)),
		   action_name(p->action) ?: "?", p->ifindex);
	if (p->priority)
		buf_printf(b, " PRIORITY=%u", p->priority);
	if (p->reqid)
		buf_printf(b, " REQID=%u", p->reqid);
	if (p->flags)
		put_flags(b, p->flags, pol_flags, ARRAY_SIZE(pol_flags));
	if (p->has_tunnel_local) {
		fmt_in6(&p->tunnel_local, x, sizeof(x), true);
		buf_printf(b, " TUNNEL_LOCAL=%s", x);
	}
	if (p->has_icmp_type)
		buf_printf(b, " ICMP_TYPE=%u", p->icmp_type);
	if (p->has_icmp_code)
		buf_printf(b, " ICMP_CODE=%u", p->icmp_code);
	buf_printf(b, " ;\n");
}

void winfile_write_spd(FILE *f, const struct vec *pols)
{
	struct buf b = { 0 };
	size_t i;

	put_start(f, spd_title, spd_header);
	for (i = 0; i < pols->n; i++) {
		b.len = 0;
		policy_line(&b, pols->v[i]);
		fwrite(b.p, 1, b.len, f);
	}
	put_end(f, spd_header);
	buf_free(&b);
}

/* A key file label usable as a .sad token. */
static bool label_ok(const char *s)
{
	if (!s || !*s || !strcmp(s, ";") || strchr(s, '='))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static void check_key_file(const char *dir, const char *label,
			   uint32_t index)
{
	char *path;

	if (!dir)
		return;
	path = label[0] == '/' ? xstrdup(label) :
				 xasprintf("%s/%s", dir, label);
	if (access(path, R_OK) < 0)
		warn_msg("SA %u: key file '%s' is not there (%s); create it before loading",
			 index, label, strerror(errno));
	free(path);
}

static const char *key_label(const char *label, const char *keybase,
			     const char *dir, uint32_t index, bool enc,
			     char *buf, size_t len)
{
	if (label_ok(label)) {
		check_key_file(dir, label, index);
		return label;
	}
	if (!keybase)
		return "(inline)";
	snprintf(buf, len, "%s-sa%u%s.key", keybase, index, enc ? "-enc" : "");
	warn_msg("SA %u: its %skey was not loaded from a key file; the .sad names '%s', which you must create (ipsec6ctl never writes keys)",
		 index, enc ? "encryption " : "", buf);
	return buf;
}

/* The .sad spelling of an SA's algorithms; -1 if there is none. */
static int sa_line(struct buf *b, const struct sa *sa, const char *keybase,
		   const char *dir)
{
	const char *authtok = NULL, *aeadtok = NULL, *enctok = NULL;
	uint32_t implied_icv = 0, key_bits = sa_key_bits(sa);
	char x[INET6_ADDRSTRLEN], tmp[32], lbl[PATH_MAX];
	size_t i;

	if (sa->aead_name) {
		if (!strcmp(sa->aead_name, "rfc4543(gcm(aes))")) {
			authtok = "AES-GMAC";
			implied_icv = 128;
		} else {
			for (i = 0; i < ARRAY_SIZE(aeadalgs); i++) {
				if (!strcmp(aeadalgs[i].name, sa->aead_name) &&
				    (!aeadalgs[i].key_len ||
				     8 * aeadalgs[i].key_len == key_bits))
					break;
			}
			if (i == ARRAY_SIZE(aeadalgs))
				goto unnamed;
			authtok = "NULL";
			aeadtok = aeadalgs[i].token;
			implied_icv = 128;
		}
	} else if (sa->auth_name) {
		const struct authalg *best = NULL;

		for (i = 0; i < ARRAY_SIZE(authalgs); i++) {
			const struct authalg *a = &authalgs[i];

			if (!a->name || a->aead || strcmp(a->name, sa->auth_name))
				continue;
			if (!best || a->icv == sa->icv_bits)
				best = a;
			if (a->icv == sa->icv_bits)
				break;
		}
		if (!best)
			goto unnamed;
		authtok = best->token;
		implied_icv = best->icv;
	} else {
		goto unnamed;
	}
	if (sa->enc_name) {
		if (!strcmp(sa->enc_name, "cbc(aes)"))
			enctok = "AES-CBC";
		else if (!strcmp(sa->enc_name, "ecb(cipher_null)"))
			enctok = "NULL";
		else
			goto unnamed;
	}

	fmt_in6(&sa->dst, x, sizeof(x), true);
	buf_printf(b, "%u %u %s", sa->index, sa->spi, x);
	if (sa->has_sel_dst) {
		fmt_in6(&sa->sel_dst, x, sizeof(x), true);
		buf_printf(b, " %s", x);
	} else {
		buf_printf(b, " POLICY");
	}
	if (sa->has_sel_src) {
		fmt_in6(&sa->sel_src, x, sizeof(x), true);
		buf_printf(b, " %s", x);
	} else {
		buf_printf(b, " POLICY");
	}
	buf_printf(b, " %s", sa->has_sel_proto ?
		   win_proto_str(sa->sel_proto, tmp, sizeof(tmp)) : "POLICY");
	if (sa->has_sel_dport)
		buf_printf(b, " %u", sa->sel_dport);
	else
		buf_printf(b, " POLICY");
	if (sa->has_sel_sport)
		buf_printf(b, " %u", sa->sel_sport);
	else
		buf_printf(b, " POLICY");
	buf_printf(b, " %s %s", authtok,
		   key_label(sa->keyfile, keybase, dir, sa->index, false, lbl,
			     sizeof(lbl)));
	buf_printf(b, " %s", sa->dir == IPSEC6_DIR_IN ? "INBOUND" :
		   sa->dir == IPSEC6_DIR_OUT ? "OUTBOUND" : "BIDIRECT");
	if (sa->policy)
		buf_printf(b, " %u", sa->policy);
	else
		buf_printf(b, " NONE");
	if (sa->has_src && !in6_is_zero(&sa->src)) {
		fmt_in6(&sa->src, x, sizeof(x), true);
		buf_printf(b, " SRC=%s", x);
	}
	if (!sa->policy) {
		buf_printf(b, " PROTO=%s", ipsec_proto_name(sa->proto) ?: "?");
		if (sa->mode == IPSEC6_MODE_TUNNEL)
			buf_printf(b, " MODE=TUNNEL");
	}
	if (sa->reqid)
		buf_printf(b, " REQID=%u", sa->reqid);
	if (aeadtok)
		buf_printf(b, " AEAD=%s", aeadtok);
	if (enctok) {
		buf_printf(b, " ENC=%s", enctok);
		if (strcmp(enctok, "NULL"))
			buf_printf(b, " ENCKEYFILE=%s",
				   key_label(sa->enc_keyfile, keybase, dir,
					     sa->index, true, lbl,
					     sizeof(lbl)));
	}
	if (sa->icv_bits && sa->icv_bits != implied_icv)
		buf_printf(b, " ICV=%u", sa->icv_bits);
	if (sa->replay_window)
		buf_printf(b, " REPLAY=%u", sa->replay_window);
	if (sa->flags & IPSEC6_SA_F_ESN)
		buf_printf(b, " ESN=1");
	if (sa->flags & ~(uint32_t)IPSEC6_SA_F_ESN)
		put_flags(b, sa->flags & ~(uint32_t)IPSEC6_SA_F_ESN, sa_flags,
			  ARRAY_SIZE(sa_flags));
	for (i = 0; i < ARRAY_SIZE(lft_exts); i++)
		if (sa->lft[lft_exts[i].lft])
			buf_printf(b, " %s=%llu", lft_exts[i].token,
				   (unsigned long long)sa->lft[lft_exts[i].lft]);
	buf_printf(b, " ;\n");
	return 0;
unnamed:
	err_msg("SA %u: its algorithm (%s%s%s) has no name in the .sad format",
		sa->index, sa->aead_name ?: sa->auth_name ?: "none",
		sa->enc_name ? ", " : "", sa->enc_name ?: "");
	return -1;
}

static int sa_cmp_index_desc(const void *a, const void *b)
{
	return -sa_cmp_index(a, b);
}

int winfile_write_sad(FILE *f, const struct vec *sas, const char *keybase,
		      const char *sad_dir)
{
	struct buf b = { 0 };
	struct sa **v;
	size_t i;
	int ret = 0;

	v = xmalloc((sas->n ? sas->n : 1) * sizeof(*v));
	if (sas->n) {	/* an empty vec has v == NULL */
		memcpy(v, sas->v, sas->n * sizeof(*v));
		qsort(v, sas->n, sizeof(*v), sa_cmp_index_desc);
	}
	put_start(f, sad_title, sad_header);
	for (i = 0; i < sas->n; i++) {
		b.len = 0;
		if (sa_line(&b, v[i], keybase, sad_dir) < 0) {
			ret = -1;
			continue;
		}
		fwrite(b.p, 1, b.len, f);
	}
	put_end(f, sad_header);
	buf_free(&b);
	free(v);
	return ret;
}
