/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_CRYPTO_H
#define _IPSEC6_CRYPTO_H

#include <linux/types.h>

struct crypto_aead;
struct netlink_ext_ack;

enum ipsec6_alg_kind {
	IPSEC6_ALG_AUTH,
	IPSEC6_ALG_ENC,
	IPSEC6_ALG_AEAD,
	IPSEC6_ALG_KINDS
};

/*
 * The largest ICV and the largest IV carried in a packet of any algorithm
 * in crypto.c's table, in bytes: ah.c and esp.c size their per-packet
 * buffers with them.  crypto.c builds every table entry through macros
 * that fail the build if an entry exceeds them.
 */
#define IPSEC6_ICV_MAX	64	/* hmac(sha512) untruncated */
#define IPSEC6_IV_MAX	16	/* cbc(aes) */

/* One algorithm we accept, as named on the wire. */
struct ipsec6_alg {
	const char *name;	/* crypto API name, also the netlink name */
	u8 kind;		/* enum ipsec6_alg_kind */
	bool ah;		/* usable with AH */
	bool esp;		/* usable with ESP */
	u16 icv_default;	/* bits, AUTH: when ICV_LEN is absent */
	u16 icv_min;		/* bits */
	u16 icv_max;		/* bits */
	u8 key_lens[3];		/* accepted lengths in bytes, 0 = any 1..MAX */
	u8 salt;		/* AEAD: bytes of the key that are salt */
	u8 iv;			/* bytes of IV carried in each packet */
	u8 block;		/* ESP payload alignment */
	const char *geniv;	/* ESP cipher: IV generator wrapped around it */
	const char *esp_tfm;	/* AEAD: seqiv(NAME), the ESP transform */
};

/* An SA's algorithms and keys as configured (before any tfm exists). */
struct ipsec6_crypto_cfg {
	const struct ipsec6_alg *auth;
	const struct ipsec6_alg *enc;
	const struct ipsec6_alg *aead;
	u8 *auth_key;
	u8 *enc_key;
	u8 *aead_key;
	u16 auth_key_len;
	u16 enc_key_len;
	u16 aead_key_len;
	u16 icv_bits;
};

/* Ready-to-use transform of an SA. */
struct ipsec6_crypto {
	struct crypto_aead *aead;
	bool gmac;			/* AH: rfc4543 with a carried IV */
	u16 icv_len;			/* bytes */
	u8 iv_len;			/* bytes carried in packets */
	u8 block;			/* ESP alignment */
	bool async;			/* may complete asynchronously */
};

/*
 * An SA's algorithms and keys as requested (nl_parse.c fills it from the
 * attributes), indexed by enum ipsec6_alg_kind; NULL is absent.  Points
 * into the request.
 */
struct ipsec6_crypto_req {
	const char *name[IPSEC6_ALG_KINDS];
	const u8 *key[IPSEC6_ALG_KINDS];
	u16 key_len[IPSEC6_ALG_KINDS];
	u32 icv_bits;
	bool has_icv;
};

/* Which field of a struct ipsec6_crypto_req a refusal is about. */
enum ipsec6_crypto_field {
	IPSEC6_CRYPTO_F_NONE,
	IPSEC6_CRYPTO_F_NAME,	/* name[kind] */
	IPSEC6_CRYPTO_F_KEY,	/* key[kind] */
	IPSEC6_CRYPTO_F_ICV,	/* icv_bits */
};

struct ipsec6_crypto_blame {
	u8 field;		/* enum ipsec6_crypto_field */
	u8 kind;		/* enum ipsec6_alg_kind */
	bool missing;		/* the field is absent but needed */
};

const struct ipsec6_alg *ipsec6_crypto_find(const char *name, u8 kind);
int ipsec6_crypto_cfg_init(struct ipsec6_crypto_cfg *cfg,
			   const struct ipsec6_crypto_req *req, u8 proto,
			   struct ipsec6_crypto_blame *blame,
			   struct netlink_ext_ack *extack);
void ipsec6_crypto_cfg_req(const struct ipsec6_crypto_cfg *cfg,
			   struct ipsec6_crypto_req *req);
void ipsec6_crypto_cfg_free(struct ipsec6_crypto_cfg *cfg);
bool ipsec6_crypto_cfg_equal(const struct ipsec6_crypto_cfg *a,
			     const struct ipsec6_crypto_cfg *b);
bool ipsec6_crypto_cfg_same_keys(const struct ipsec6_crypto_cfg *a,
				 const struct ipsec6_crypto_cfg *b);
u32 ipsec6_crypto_cfg_key_bits(const struct ipsec6_crypto_cfg *cfg);
int ipsec6_crypto_init(struct ipsec6_crypto *c,
		       const struct ipsec6_crypto_cfg *cfg, u8 proto,
		       bool esn, struct netlink_ext_ack *extack);
void ipsec6_crypto_destroy(struct ipsec6_crypto *c);

#endif /* _IPSEC6_CRYPTO_H */
