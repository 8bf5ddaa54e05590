/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The value layer both grammars parse with (winfile.c, xfrmgrammar.c):
 * words of closed sets, address selectors (address, prefix, range), ports,
 * protocols, algorithms with the ICV and key length each spelling implies,
 * and keys.  It checks that a value can be read and represented (a number
 * in range, an address, a key that fits); what a value means is the
 * module's to judge.
 */
#ifndef IPSEC6CTL_VALUES_H
#define IPSEC6CTL_VALUES_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <ipsec6.h>
#include "util.h"

/* A word of a closed set and its value. */
struct word {
	const char *w;
	uint32_t v;
};

#define WORDS(t)	(t), ARRAY_SIZE(t)

/* Position of @s in @t (case-insensitive if @ci), or -1. */
int word_find(const struct word *t, size_t n, const char *s, bool ci);
/* The first word with value @v, or NULL. */
const char *word_name(const struct word *t, size_t n, uint32_t v);
/* The words joined by @sep, into @buf. */
const char *word_list(const struct word *t, size_t n, const char *sep,
		      char *buf, size_t len);
/* A list of words separated by @sep, OR-ed; false on an unknown word. */
bool word_bits(const struct word *t, size_t n, const char *s, char sep,
	       bool ci, uint32_t *out);
/*
 * The names of the bits of @v joined by @sep, first fit (a word may name
 * several bits), unknown bits in hex; "" for none.
 */
const char *word_bits_str(const struct word *t, size_t n, uint32_t v,
			  const char *sep, char *buf, size_t len);

/*
 * An unsigned integer of @size bytes (1, 2, 4 or 8) in a model object: the
 * tables of the grammars and of nl.c reach fields by offset and size.
 */
uint64_t uint_get(const void *p, size_t size);
void uint_set(void *p, size_t size, uint64_t v);

/* Sets shared by the grammars, the printers and the request listing. */
extern const struct word w_action[4];		/* APPLY, BYPASS, ... */
extern const struct word w_ipsec_proto[2];	/* AH, ESP */
extern const struct word w_mode[2];		/* TRANSPORT, TUNNEL */
extern const struct word w_pol_flags[2];	/* DSCP_COPY, BUNDLE_ONLY */
extern const struct word w_sa_flags[2];		/* ESN, DSCP_COPY */
extern const struct word w_from_pkt[5];		/* REMOTE_ADDR, ... */
extern const struct word w_sa_state[4];		/* VALID, SOFT_EXPIRED, ... */
extern const struct word w_expire[3];		/* SOFT, HARD, SEQ */
extern const struct word w_protos[10];		/* tcp, udp, icmp, ... */
/* The spelling of "ip xfrm" and of the printers. */
extern const struct word w_dirs[3];		/* in, out, fwd */
extern const struct word w_pol_flag_words[2];	/* dscp-copy, bundle-only */
extern const struct word w_sa_flag_words[2];	/* esn, dscp-copy */
extern const struct word w_encap_types[1];	/* espinudp */
extern const struct word w_limits[8];		/* byte-soft, ...: LFT_* */

/* An inclusive address range; any = wildcard (no attributes sent). */
struct addr_sel {
	bool any;
	struct in6_addr start, end;
};

struct port_sel {
	bool any;
	uint16_t start, end;
};

/*
 * ADDR, ADDR/PLEN or A-B; the whole space becomes "any".  NULL, or what is
 * wrong ("invalid address", "prefix length must be 0-128", ...).
 */
const char *parse_addr_sel(const char *s, struct addr_sel *r);
/* P or P-Q; 0-65535 becomes "any".  NULL or what is wrong. */
const char *parse_port_sel(const char *s, struct port_sel *r);
/* A word of @names (case-insensitive) or a number 0-255. */
bool parse_proto(const char *s, const struct word *names, size_t n,
		 uint8_t *num);
const char *proto_str(uint8_t num, char *buf, size_t len);
bool proto_has_ports(uint8_t proto);

/* Algorithms: every spelling of each grammar, in one table. */
enum alg_kind { ALG_AUTH = 1, ALG_ENC, ALG_AEAD };
enum alg_where {
	ALG_XFRM,	/* an "ip xfrm" alias; icv: the default of "auth" */
	ALG_WIN_AUTH,	/* a .sad AuthAlg; icv: the ICV it implies */
	ALG_WIN_AEAD,	/* a .sad AEAD= */
	ALG_WIN_ENC,	/* a .sad ENC= */
};

struct alg {
	const char *token;	/* the spelling */
	uint8_t where;		/* enum alg_where */
	uint8_t kind;		/* enum alg_kind; 0: no algorithm (NULL) */
	const char *name;	/* crypto API name */
	uint16_t icv;		/* ICV bits the spelling implies; 0: none */
	uint8_t key_len;	/* key bytes (with salt) it implies; 0: any */
};

/* The spelling @token of @where (case-insensitive), or NULL. */
const struct alg *alg_find(uint8_t where, const char *token);
/*
 * The spelling of @where for crypto name @name: the one implying @icv (if
 * not 0) and @key_len (if it implies one), else the first; or NULL.
 */
const struct alg *alg_spelling(uint8_t where, uint8_t kind,
			       const char *name, uint32_t icv,
			       uint32_t key_len);
/* An "ip xfrm" algorithm name: the alias's crypto name, or @s. */
const char *alg_xfrm_name(const char *s, uint8_t kind);
/* "  auth md5   hmac(md5), ICV 96 bits" lines of the aliases. */
void alg_print_aliases(FILE *f);

/* Key material lives in heap buffers wiped when released. */
struct key {
	bool set;
	size_t len;
	uint8_t *data;
};

void key_clear(struct key *k);
/*
 * A key argument as "ip xfrm" takes it: "0x" followed by hex digits, or the
 * raw bytes of the string; "@FILE" reads FILE (*@from_file then points to
 * the name inside @arg).
 */
int key_from_arg(struct key *k, const char *arg, const char **from_file,
		 char *err, size_t errlen);
/*
 * The raw bytes of a key file, no newline stripped.  Missing, empty and
 * too long (> IPSEC6_KEY_MAX) files are errors naming @shown_name.
 * *@trailing_nl tells whether the last byte is a newline.
 */
int key_from_file(struct key *k, const char *path, const char *shown_name,
		  bool *trailing_nl, char *err, size_t errlen);
/* Overwrite a string in place (a key given on the command line). */
void wipe_str(char *s);

#endif /* IPSEC6CTL_VALUES_H */
