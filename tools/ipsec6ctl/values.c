// SPDX-License-Identifier: GPL-2.0
/*
 * Values shared by the grammars: closed sets of words, selectors, ports,
 * protocols, the algorithm spellings and keys.  Buffers that held key
 * bytes are wiped with explicit_bzero() before they are freed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

/* Words. */

int word_find(const struct word *t, size_t n, const char *s, bool ci)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ci ? streq_ci(t[i].w, s) : streq(t[i].w, s))
			return (int)i;
	return -1;
}

const char *word_name(const struct word *t, size_t n, uint32_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].w;
	return NULL;
}

const char *word_list(const struct word *t, size_t n, const char *sep,
		      char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? sep : "", t[i].w);
	return buf;
}

bool word_bits(const struct word *t, size_t n, const char *s, char sep,
	       bool ci, uint32_t *out)
{
	char tmp[128], *w, *save = NULL, seps[2] = { sep, 0 };
	int i;

	if (strlen(s) >= sizeof(tmp))
		return false;
	strcpy(tmp, s);
	*out = 0;
	for (w = strtok_r(tmp, seps, &save); w; w = strtok_r(NULL, seps, &save)) {
		i = word_find(t, n, w, ci);
		if (i < 0)
			return false;
		*out |= t[i].v;
	}
	return true;
}

const char *word_bits_str(const struct word *t, size_t n, uint32_t v,
			  const char *sep, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && v && used < len; i++) {
		if (t[i].v && !(t[i].v & ~v)) {
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? sep : "", t[i].w);
			v &= ~t[i].v;
		}
	}
	if (v && used < len)
		snprintf(buf + used, len - used, "%s0x%x", used ? sep : "", v);
	return buf;
}

union uint_any {
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
};

uint64_t uint_get(const void *p, size_t size)
{
	union uint_any v;

	memcpy(&v, p, size);
	return size == 1 ? v.u8 : size == 2 ? v.u16 : size == 4 ? v.u32 :
	       v.u64;
}

void uint_set(void *p, size_t size, uint64_t n)
{
	union uint_any v;

	if (size == 1)
		v.u8 = (uint8_t)n;
	else if (size == 2)
		v.u16 = (uint16_t)n;
	else if (size == 4)
		v.u32 = (uint32_t)n;
	else
		v.u64 = n;
	memcpy(p, &v, size);
}

const struct word w_action[4] = {
	{ "BYPASS", IPSEC6_ACTION_BYPASS }, { "DISCARD", IPSEC6_ACTION_DISCARD },
	{ "APPLY", IPSEC6_ACTION_APPLY },
	{ "APPCHOICE", IPSEC6_ACTION_APPCHOICE },
};

const struct word w_ipsec_proto[2] = {
	{ "ESP", IPSEC6_PROTO_ESP }, { "AH", IPSEC6_PROTO_AH },
};

const struct word w_mode[2] = {
	{ "TRANSPORT", IPSEC6_MODE_TRANSPORT }, { "TUNNEL", IPSEC6_MODE_TUNNEL },
};

const struct word w_pol_flags[2] = {
	{ "DSCP_COPY", IPSEC6_POLICY_F_DSCP_COPY },
	{ "BUNDLE_ONLY", IPSEC6_POLICY_F_BUNDLE_ONLY },
};

/* The selectors a policy takes from the packet (output.c lowers them). */
const struct word w_from_pkt[5] = {
	{ "REMOTE_ADDR", IPSEC6_FROM_PKT_REMOTE_ADDR },
	{ "LOCAL_ADDR", IPSEC6_FROM_PKT_LOCAL_ADDR },
	{ "PROTO", IPSEC6_FROM_PKT_PROTO },
	{ "REMOTE_PORT", IPSEC6_FROM_PKT_REMOTE_PORT },
	{ "LOCAL_PORT", IPSEC6_FROM_PKT_LOCAL_PORT },
};

const struct word w_sa_flags[2] = {
	{ "ESN", IPSEC6_SA_F_ESN }, { "DSCP_COPY", IPSEC6_SA_F_DSCP_COPY },
};

const struct word w_sa_state[4] = {
	{ "VALID", IPSEC6_SA_STATE_VALID },
	{ "SOFT_EXPIRED", IPSEC6_SA_STATE_SOFT_EXPIRED },
	{ "EXPIRED", IPSEC6_SA_STATE_EXPIRED },
	{ "LARVAL", IPSEC6_SA_STATE_LARVAL },
};

const struct word w_expire[3] = {
	{ "SOFT", IPSEC6_EXPIRE_SOFT }, { "HARD", IPSEC6_EXPIRE_HARD },
	{ "SEQ", IPSEC6_EXPIRE_SEQ },
};

const struct word w_protos[10] = {
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
	{ "icmp", IPPROTO_ICMPV6 }, { "ipv6-icmp", IPPROTO_ICMPV6 },
	{ "icmpv6", IPPROTO_ICMPV6 }, { "sctp", IPPROTO_SCTP },
	{ "udplite", IPPROTO_UDPLITE }, { "esp", IPPROTO_ESP },
	{ "ah", IPPROTO_AH }, { "gre", IPPROTO_GRE },
};

const struct word w_dirs[3] = {
	{ "in", IPSEC6_DIR_IN }, { "out", IPSEC6_DIR_OUT },
	{ "fwd", IPSEC6_DIR_FWD },
};

const struct word w_pol_flag_words[2] = {
	{ "dscp-copy", IPSEC6_POLICY_F_DSCP_COPY },
	{ "bundle-only", IPSEC6_POLICY_F_BUNDLE_ONLY },
};

const struct word w_sa_flag_words[2] = {
	{ "esn", IPSEC6_SA_F_ESN }, { "dscp-copy", IPSEC6_SA_F_DSCP_COPY },
};

/* UDP encapsulation types: the module takes UDP_ENCAP_ESPINUDP only. */
const struct word w_encap_types[1] = { { "espinudp", 2 } };

/* SA lifetimes as "ip xfrm" spells them, by enum lifetime (model.h). */
const struct word w_limits[8] = {
	{ "byte-soft", LFT_SOFT_BYTES }, { "byte-hard", LFT_HARD_BYTES },
	{ "packet-soft", LFT_SOFT_PACKETS }, { "packet-hard", LFT_HARD_PACKETS },
	{ "time-soft", LFT_SOFT_ADD }, { "time-hard", LFT_HARD_ADD },
	{ "time-use-soft", LFT_SOFT_USE }, { "time-use-hard", LFT_HARD_USE },
};

/* Selectors. */

const char *parse_addr_sel(const char *s, struct addr_sel *r)
{
	static const struct in6_addr ones = { .s6_addr = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	char tmp[2 * INET6_ADDRSTRLEN + 8], *sep, *slash;
	struct in6_addr a;
	uint32_t len;

	if (strlen(s) >= sizeof(tmp))
		return "invalid address";
	strcpy(tmp, s);
	r->any = false;
	slash = strchr(tmp, '/');
	sep = strchr(tmp, '-');
	if (slash) {
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
	} else {
		if (!parse_in6(tmp, &r->start))
			return "invalid address";
		r->end = r->start;
	}
	r->any = in6_is_zero(&r->start) && !cmp_in6(&r->end, &ones);
	return NULL;
}

/* A decimal number that fits the @size bytes at @v (a port, a u8). */
static bool parse_dec(const char *s, void *v, size_t size)
{
	uint32_t n;

	if (!parse_u32_dec(s, &n) || (uint64_t)n >> (8 * size))
		return false;
	uint_set(v, size, n);
	return true;
}

const char *parse_port_sel(const char *s, struct port_sel *r)
{
	char tmp[16], *sep;

	if (strlen(s) >= sizeof(tmp))
		return "invalid port";
	strcpy(tmp, s);
	sep = strchr(tmp, '-');
	if (sep) {
		*sep = '\0';
		if (!parse_dec(tmp, &r->start, 2) ||
		    !parse_dec(sep + 1, &r->end, 2))
			return "invalid port range";
	} else {
		if (!parse_dec(tmp, &r->start, 2))
			return "invalid port";
		r->end = r->start;
	}
	r->any = r->start == 0 && r->end == 65535;
	return NULL;
}

bool parse_proto(const char *s, const struct word *names, size_t n,
		 uint8_t *num)
{
	int i = word_find(names, n, s, true);

	if (i >= 0) {
		*num = (uint8_t)names[i].v;
		return true;
	}
	return parse_dec(s, num, 1);
}

const char *proto_str(uint8_t num, char *buf, size_t len)
{
	const char *name = word_name(WORDS(w_protos), num);

	if (name)
		return name;
	snprintf(buf, len, "%u", num);
	return buf;
}

bool proto_has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP || proto == IPPROTO_UDPLITE;
}

/* Algorithms. */

#define GCM	"rfc4106(gcm(aes))"
#define GMAC	"rfc4543(gcm(aes))"
#define CHACHA	"rfc7539esp(chacha20,poly1305)"

static const struct alg algs[] = {
	/* "ip xfrm": XFRM's default truncation for "auth NAME KEY". */
	{ "md5", ALG_XFRM, ALG_AUTH, "hmac(md5)", 96, 0 },
	{ "sha1", ALG_XFRM, ALG_AUTH, "hmac(sha1)", 96, 0 },
	{ "sha256", ALG_XFRM, ALG_AUTH, "hmac(sha256)", 96, 0 },
	{ "sha384", ALG_XFRM, ALG_AUTH, "hmac(sha384)", 192, 0 },
	{ "sha512", ALG_XFRM, ALG_AUTH, "hmac(sha512)", 256, 0 },
	{ "aes", ALG_XFRM, ALG_ENC, "cbc(aes)", 0, 0 },
	{ "aes-cbc", ALG_XFRM, ALG_ENC, "cbc(aes)", 0, 0 },
	{ "null", ALG_XFRM, ALG_ENC, "ecb(cipher_null)", 0, 0 },
	{ "cipher_null", ALG_XFRM, ALG_ENC, "ecb(cipher_null)", 0, 0 },
	{ "aes-gcm", ALG_XFRM, ALG_AEAD, GCM, 0, 0 },
	{ "gcm", ALG_XFRM, ALG_AEAD, GCM, 0, 0 },
	{ "gmac", ALG_XFRM, ALG_AEAD, GMAC, 0, 0 },
	{ "null-gmac", ALG_XFRM, ALG_AEAD, GMAC, 0, 0 },
	{ "chacha20-poly1305", ALG_XFRM, ALG_AEAD, CHACHA, 0, 0 },
	/* .sad AuthAlg: HMAC-MD5 and HMAC-SHA1 are untruncated. */
	{ "NULL", ALG_WIN_AUTH, 0, NULL, 0, 0 },
	{ "HMAC-MD5", ALG_WIN_AUTH, ALG_AUTH, "hmac(md5)", 128, 0 },
	{ "HMAC-MD5-96", ALG_WIN_AUTH, ALG_AUTH, "hmac(md5)", 96, 0 },
	{ "HMAC-SHA1", ALG_WIN_AUTH, ALG_AUTH, "hmac(sha1)", 160, 0 },
	{ "HMAC-SHA1-96", ALG_WIN_AUTH, ALG_AUTH, "hmac(sha1)", 96, 0 },
	{ "HMAC-SHA256", ALG_WIN_AUTH, ALG_AUTH, "hmac(sha256)", 128, 0 },
	{ "HMAC-SHA384", ALG_WIN_AUTH, ALG_AUTH, "hmac(sha384)", 192, 0 },
	{ "HMAC-SHA512", ALG_WIN_AUTH, ALG_AUTH, "hmac(sha512)", 256, 0 },
	{ "AES-GMAC", ALG_WIN_AUTH, ALG_AEAD, GMAC, 128, 0 },
	/* .sad extensions; AEAD keys include the 4-byte salt. */
	{ "AES-GCM-128", ALG_WIN_AEAD, ALG_AEAD, GCM, 128, 20 },
	{ "AES-GCM-192", ALG_WIN_AEAD, ALG_AEAD, GCM, 128, 28 },
	{ "AES-GCM-256", ALG_WIN_AEAD, ALG_AEAD, GCM, 128, 36 },
	{ "CHACHA20-POLY1305", ALG_WIN_AEAD, ALG_AEAD, CHACHA, 128, 36 },
	{ "NULL-GMAC", ALG_WIN_AEAD, ALG_AEAD, GMAC, 128, 0 },
	{ "AES-CBC", ALG_WIN_ENC, ALG_ENC, "cbc(aes)", 0, 0 },
	{ "NULL", ALG_WIN_ENC, ALG_ENC, "ecb(cipher_null)", 0, 0 },
};

const struct alg *alg_find(uint8_t where, const char *token)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(algs); i++)
		if (algs[i].where == where && streq_ci(algs[i].token, token))
			return &algs[i];
	return NULL;
}

const struct alg *alg_spelling(uint8_t where, uint8_t kind,
			       const char *name, uint32_t icv,
			       uint32_t key_len)
{
	const struct alg *best = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(algs); i++) {
		const struct alg *a = &algs[i];

		if (a->where != where || a->kind != kind || !a->name ||
		    !streq(a->name, name) ||
		    (a->key_len && a->key_len != key_len))
			continue;
		if (icv && a->icv == icv)
			return a;
		if (!best)
			best = a;
	}
	return best;
}

const char *alg_xfrm_name(const char *s, uint8_t kind)
{
	const struct alg *a = alg_find(ALG_XFRM, s);

	return a && a->kind == kind ? a->name : s;
}

void alg_print_aliases(FILE *f)
{
	static const char *const kinds[] = { "", "auth", "enc", "aead" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(algs) && algs[i].where == ALG_XFRM; i++) {
		fprintf(f, "  %-5s %-18s %s", kinds[algs[i].kind],
			algs[i].token, algs[i].name);
		if (algs[i].icv)
			fprintf(f, ", ICV %u bits", algs[i].icv);
		fputc('\n', f);
	}
}

/* Keys. */

void key_clear(struct key *k)
{
	if (k->data) {
		explicit_bzero(k->data, k->len);
		free(k->data);
	}
	k->data = NULL;
	k->len = 0;
	k->set = false;
}

static void key_set(struct key *k, const void *data, size_t len)
{
	k->data = xmalloc(len);
	memcpy(k->data, data, len);
	k->len = len;
	k->set = true;
}

static int hexval(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

int key_from_arg(struct key *k, const char *arg, const char **from_file,
		 char *err, size_t errlen)
{
	bool hex = arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X'), nl;
	const char *h = arg + 2;
	size_t len = hex ? strlen(h) / 2 : strlen(arg), i;

	*from_file = NULL;
	key_clear(k);
	if (arg[0] == '@') {
		*from_file = arg + 1;
		return key_from_file(k, arg + 1, arg + 1, &nl, err, errlen);
	}
	if (hex && strlen(h) % 2)
		snprintf(err, errlen, "hex key has an odd number of digits");
	else if (hex && strspn(h, "0123456789abcdefABCDEF") != strlen(h))
		snprintf(err, errlen,
			 "hex key has a character that is not a hex digit");
	else if (len > IPSEC6_KEY_MAX)
		snprintf(err, errlen, "key is longer than %u bytes",
			 IPSEC6_KEY_MAX);
	else
		goto ok;
	return -1;
ok:
	key_set(k, arg, len);	/* the string, or room for the bytes */
	for (i = 0; hex && i < len; i++)
		k->data[i] = (uint8_t)(hexval(h[2 * i]) << 4 |
				       hexval(h[2 * i + 1]));
	return 0;
}

int key_from_file(struct key *k, const char *path, const char *shown_name,
		  bool *trailing_nl, char *err, size_t errlen)
{
	char *data;
	size_t len;

	key_clear(k);
	*trailing_nl = false;
	/* One buffer for a key file of any sane size: nothing left unwiped. */
	if (read_file(path, IPSEC6_KEY_MAX + 1, &data, &len) < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", shown_name,
			 strerror(errno));
		return -1;
	}
	if (!len)
		snprintf(err, errlen, "'%s' is empty", shown_name);
	else if (len > IPSEC6_KEY_MAX)
		snprintf(err, errlen, "'%s' is longer than %u bytes",
			 shown_name, IPSEC6_KEY_MAX);
	else
		key_set(k, data, len);
	*trailing_nl = k->set && data[len - 1] == '\n';
	explicit_bzero(data, len);
	free(data);
	return k->set ? 0 : -1;
}

void wipe_str(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
}
