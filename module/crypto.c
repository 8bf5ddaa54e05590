// SPDX-License-Identifier: GPL-2.0
/*
 * Algorithms: the table of what we accept (names, key and ICV sizes), the
 * validation of an SA's algorithm choice against it (the netlink attributes
 * are read in nl_parse.c), and transform allocation on the kernel crypto
 * API.
 *
 * Every SA runs on one AEAD transform.  ESP: a real AEAD (GCM,
 * ChaCha20-Poly1305, GMAC) or authenc()/authencesn() around a MAC and a
 * cipher, with ecb(cipher_null) standing in for NULL encryption, inside
 * the IV generator the algorithm uses (seqiv, echainiv).  AH: the MAC as
 * authenc(MAC,ecb(cipher_null)) over the whole packet as associated data,
 * or rfc4543(gcm(aes)) for AES-GMAC.  The tag check is then the crypto
 * API's constant-time one.
 *
 * crypto_async=1 (for tests) makes every transform one that always
 * completes asynchronously: cryptd() around a synchronous implementation,
 * pcrypt() where cryptd has none.
 */
#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/authenc.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include "compat.h"
#include "crypto.h"
#include "netlink.h"
#include "uapi/ipsec6.h"

static bool crypto_async;
module_param(crypto_async, bool, 0444);
MODULE_PARM_DESC(crypto_async,
		 "Run every transform through cryptd (tests the asynchronous path)");

/*
 * Table entries are written with these macros only, so that an ICV above
 * IPSEC6_ICV_MAX or an IV above IPSEC6_IV_MAX (the buffers of ah.c and
 * esp.c) is a build error: ALG_ICV(bits) is @bits, but the array it takes
 * the size of has a negative size when @bits is too large.  ICVs are in
 * bits, keys and IVs in bytes; a key length list of 0 means any length
 * from 1 to IPSEC6_KEY_MAX (none for cipher_null).
 */
#define ALG_ICV(bits)	(8 * IPSEC6_ICV_MAX - sizeof(char[8 * IPSEC6_ICV_MAX - (bits)]))
#define ALG_IV(bytes)	(IPSEC6_IV_MAX - sizeof(char[IPSEC6_IV_MAX - (bytes)]))

/* A MAC for AH and ESP: ICV from @min bits up to the whole digest. */
#define ALG_HMAC(_name, _digest, _default, _min) {			\
	.name = _name, .kind = IPSEC6_ALG_AUTH, .ah = true, .esp = true,	\
	.icv_default = _default, .icv_min = _min,			\
	.icv_max = ALG_ICV(_digest), .key_lens = { 0 } }

/* An ESP cipher with its packet IV, payload alignment and IV generator. */
#define ALG_CIPHER(_name, _iv, _block, _geniv, ...) {			\
	.name = _name, .kind = IPSEC6_ALG_ENC, .esp = true,		\
	.key_lens = { __VA_ARGS__ }, .iv = ALG_IV(_iv), .block = _block,	\
	.geniv = _geniv }

/*
 * An AEAD with a 4-byte salt at the end of its key and an 8-byte IV; it
 * has no default ICV (ICV_LEN is required).  ESP runs it inside the IV
 * generator seqiv() (_esp_tfm, the whole name: no formatting per SA).
 */
#define ALG_AEAD(_name, _esp_tfm, _ah, _icv_min, _icv_max, ...) {	\
	.name = _name, .kind = IPSEC6_ALG_AEAD, .ah = _ah, .esp = true,	\
	.icv_min = _icv_min, .icv_max = ALG_ICV(_icv_max),		\
	.key_lens = { __VA_ARGS__ }, .salt = 4, .iv = ALG_IV(8), .block = 4, \
	.esp_tfm = _esp_tfm }

/*
 * The default ICVs (ICV_LEN absent) are the RFCs' truncations: 96 bits for
 * HMAC-MD5 and HMAC-SHA-1 (RFC 2403, 2404), 128/192/256 for HMAC-SHA-256/
 * 384/512 (RFC 4868).  Linux XFRM's "auth" default for hmac(sha256) is 96
 * (a pre-RFC draft); ipsec6ctl sends ICV_LEN with every "auth" line.
 */
static const struct ipsec6_alg ipsec6_algs[] = {
	ALG_HMAC("hmac(md5)", 128, 96, 96),
	ALG_HMAC("hmac(sha1)", 160, 96, 96),
	ALG_HMAC("hmac(sha256)", 256, 128, 96),
	ALG_HMAC("hmac(sha384)", 384, 192, 192),
	ALG_HMAC("hmac(sha512)", 512, 256, 256),
	ALG_CIPHER("cbc(aes)", 16, 16, "echainiv", 16, 24, 32),
	ALG_CIPHER("ecb(cipher_null)", 0, 4, NULL, 0),
	ALG_AEAD("rfc4106(gcm(aes))", "seqiv(rfc4106(gcm(aes)))", false, 64, 128, 20, 28, 36),
	ALG_AEAD("rfc4543(gcm(aes))", "seqiv(rfc4543(gcm(aes)))", true, 128, 128, 20, 28, 36),
	ALG_AEAD("rfc7539esp(chacha20,poly1305)",
		 "seqiv(rfc7539esp(chacha20,poly1305))", false, 128, 128, 36),
};

const struct ipsec6_alg *ipsec6_crypto_find(const char *name, u8 kind)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ipsec6_algs); i++)
		if (ipsec6_algs[i].kind == kind &&
		    !strcmp(ipsec6_algs[i].name, name))
			return &ipsec6_algs[i];
	return NULL;
}

static bool ipsec6_crypto_key_len_ok(const struct ipsec6_alg *alg,
				     unsigned int len)
{
	unsigned int i;

	if (!alg->key_lens[0]) {
		if (alg->kind == IPSEC6_ALG_ENC)	/* cipher_null */
			return len == 0;
		return len >= 1 && len <= IPSEC6_KEY_MAX;
	}
	for (i = 0; i < ARRAY_SIZE(alg->key_lens) && alg->key_lens[i]; i++)
		if (alg->key_lens[i] == len)
			return true;
	return false;
}

static const char *const ipsec6_crypto_kind_name[] = {
	[IPSEC6_ALG_AUTH] = "AUTH",
	[IPSEC6_ALG_ENC] = "ENC",
	[IPSEC6_ALG_AEAD] = "AEAD",
};

static int ipsec6_crypto_blame(struct ipsec6_crypto_blame *blame, u8 field,
			       u8 kind, bool missing, int err)
{
	blame->field = field;
	blame->kind = kind;
	blame->missing = missing;
	return err;
}

/* One algorithm with its key; cfg keeps a copy of the key. */
static int ipsec6_crypto_cfg_one(struct ipsec6_crypto_cfg *cfg,
				 const struct ipsec6_crypto_req *req, u8 kind,
				 u8 proto, struct ipsec6_crypto_blame *blame,
				 struct netlink_ext_ack *extack)
{
	const char *what = ipsec6_crypto_kind_name[kind];
	const char *name = req->name[kind];
	const struct ipsec6_alg *alg;
	u16 len = req->key_len[kind];
	struct {
		const struct ipsec6_alg **alg;
		u8 **key;
		u16 *key_len;
	} slot;

	switch (kind) {
	case IPSEC6_ALG_AUTH:
		slot.alg = &cfg->auth;
		slot.key = &cfg->auth_key;
		slot.key_len = &cfg->auth_key_len;
		break;
	case IPSEC6_ALG_ENC:
		slot.alg = &cfg->enc;
		slot.key = &cfg->enc_key;
		slot.key_len = &cfg->enc_key_len;
		break;
	default:
		slot.alg = &cfg->aead;
		slot.key = &cfg->aead_key;
		slot.key_len = &cfg->aead_key_len;
		break;
	}

	alg = ipsec6_crypto_find(name, kind);
	if (!alg) {
		ipsec6_netlink_err(extack, NULL, "%s: unknown algorithm '%.32s'",
				   what, name);
		return ipsec6_crypto_blame(blame, IPSEC6_CRYPTO_F_NAME, kind,
					   false, -ENOENT);
	}
	if ((proto == IPPROTO_AH && !alg->ah) ||
	    (proto == IPPROTO_ESP && !alg->esp)) {
		ipsec6_netlink_err(extack, NULL, "%s: '%s' is not usable with %s",
				   what, name, proto == IPPROTO_AH ? "AH" : "ESP");
		return ipsec6_crypto_blame(blame, IPSEC6_CRYPTO_F_NAME, kind,
					   false, -EINVAL);
	}
	if (!ipsec6_crypto_key_len_ok(alg, len)) {
		ipsec6_netlink_err(extack, NULL,
				   "%s key: %u bytes does not suit '%s'", what,
				   len, name);
		return ipsec6_crypto_blame(blame, req->key[kind] ?
					   IPSEC6_CRYPTO_F_KEY :
					   IPSEC6_CRYPTO_F_NAME, kind, false,
					   -EINVAL);
	}
	*slot.alg = alg;
	if (!len)
		return 0;
	*slot.key = kmemdup(req->key[kind], len, GFP_KERNEL_ACCOUNT);
	if (!*slot.key)
		return -ENOMEM;
	*slot.key_len = len;
	return 0;
}

/* A field the request must carry. */
static int ipsec6_crypto_need(const struct ipsec6_crypto_req *req, u8 field,
			      u8 kind, const char *why,
			      struct ipsec6_crypto_blame *blame,
			      struct netlink_ext_ack *extack)
{
	if ((field == IPSEC6_CRYPTO_F_NAME && req->name[kind]) ||
	    (field == IPSEC6_CRYPTO_F_KEY && req->key[kind]) ||
	    (field == IPSEC6_CRYPTO_F_ICV && req->has_icv))
		return 0;
	if (field == IPSEC6_CRYPTO_F_ICV)
		ipsec6_netlink_err(extack, NULL, "ICV_LEN: missing%s", why);
	else
		ipsec6_netlink_err(extack, NULL, "%s_%s: missing%s",
				   ipsec6_crypto_kind_name[kind],
				   field == IPSEC6_CRYPTO_F_NAME ? "NAME" : "KEY",
				   why);
	return ipsec6_crypto_blame(blame, field, kind, true, -EINVAL);
}

/* A key given without its algorithm. */
static int ipsec6_crypto_stray_key(const struct ipsec6_crypto_req *req,
				   u8 kind, struct ipsec6_crypto_blame *blame,
				   struct netlink_ext_ack *extack)
{
	if (!req->key[kind] || req->name[kind])
		return 0;
	ipsec6_netlink_err(extack, NULL, "%s_KEY: given without %s_NAME",
			   ipsec6_crypto_kind_name[kind],
			   ipsec6_crypto_kind_name[kind]);
	return ipsec6_crypto_blame(blame, IPSEC6_CRYPTO_F_KEY, kind, false,
				   -EINVAL);
}

static int ipsec6_crypto_cfg_aead(struct ipsec6_crypto_cfg *cfg,
				  const struct ipsec6_crypto_req *req, u8 proto,
				  struct ipsec6_crypto_blame *blame,
				  struct netlink_ext_ack *extack)
{
	if (req->name[IPSEC6_ALG_AUTH] || req->name[IPSEC6_ALG_ENC]) {
		ipsec6_netlink_err(extack, NULL,
				   "AEAD_NAME: excludes AUTH_NAME and ENC_NAME");
		return ipsec6_crypto_blame(blame, IPSEC6_CRYPTO_F_NAME,
					   IPSEC6_ALG_AEAD, false, -EINVAL);
	}
	return ipsec6_crypto_need(req, IPSEC6_CRYPTO_F_KEY, IPSEC6_ALG_AEAD,
				  "", blame, extack) ?:
	       ipsec6_crypto_cfg_one(cfg, req, IPSEC6_ALG_AEAD, proto, blame,
				     extack) ?:
	       ipsec6_crypto_need(req, IPSEC6_CRYPTO_F_ICV, IPSEC6_ALG_AEAD,
				  " (required with AEAD_NAME)", blame, extack);
}

static int ipsec6_crypto_cfg_auth_enc(struct ipsec6_crypto_cfg *cfg,
				      const struct ipsec6_crypto_req *req,
				      u8 proto,
				      struct ipsec6_crypto_blame *blame,
				      struct netlink_ext_ack *extack)
{
	int err;

	err = ipsec6_crypto_need(req, IPSEC6_CRYPTO_F_NAME, IPSEC6_ALG_AUTH,
				 proto == IPPROTO_AH ?
				 " (AH needs an integrity algorithm)" :
				 " (ESP needs an integrity algorithm)",
				 blame, extack) ?:
	      ipsec6_crypto_need(req, IPSEC6_CRYPTO_F_KEY, IPSEC6_ALG_AUTH,
				 "", blame, extack);
	if (err)
		return err;
	if (req->name[IPSEC6_ALG_ENC] && proto == IPPROTO_AH) {
		ipsec6_netlink_err(extack, NULL, "ENC_NAME: AH does not encrypt");
		return ipsec6_crypto_blame(blame, IPSEC6_CRYPTO_F_NAME,
					   IPSEC6_ALG_ENC, false, -EINVAL);
	}
	err = ipsec6_crypto_cfg_one(cfg, req, IPSEC6_ALG_AUTH, proto, blame,
				    extack);
	if (err)
		return err;
	if (req->name[IPSEC6_ALG_ENC])
		return ipsec6_crypto_cfg_one(cfg, req, IPSEC6_ALG_ENC, proto,
					     blame, extack);
	return ipsec6_crypto_stray_key(req, IPSEC6_ALG_ENC, blame, extack);
}

/**
 * ipsec6_crypto_cfg_req - the request that configures @cfg again
 * @cfg: a configuration made by ipsec6_crypto_cfg_init()
 * @req: result; points into @cfg, which must outlive it
 *
 * For an SA_UPDATE that names no algorithm: the SA keeps its own.
 */
void ipsec6_crypto_cfg_req(const struct ipsec6_crypto_cfg *cfg,
			   struct ipsec6_crypto_req *req)
{
	static const u8 no_key[1];
	const struct ipsec6_alg *alg[IPSEC6_ALG_KINDS] = {
		[IPSEC6_ALG_AUTH] = cfg->auth,
		[IPSEC6_ALG_ENC] = cfg->enc,
		[IPSEC6_ALG_AEAD] = cfg->aead,
	};
	const u8 *key[IPSEC6_ALG_KINDS] = {
		[IPSEC6_ALG_AUTH] = cfg->auth_key,
		[IPSEC6_ALG_ENC] = cfg->enc_key,
		[IPSEC6_ALG_AEAD] = cfg->aead_key,
	};
	const u16 len[IPSEC6_ALG_KINDS] = {
		[IPSEC6_ALG_AUTH] = cfg->auth_key_len,
		[IPSEC6_ALG_ENC] = cfg->enc_key_len,
		[IPSEC6_ALG_AEAD] = cfg->aead_key_len,
	};
	int kind;

	memset(req, 0, sizeof(*req));
	for (kind = 0; kind < IPSEC6_ALG_KINDS; kind++) {
		if (!alg[kind])
			continue;
		req->name[kind] = alg[kind]->name;
		req->key[kind] = key[kind] ?: no_key;
		req->key_len[kind] = len[kind];
	}
	req->icv_bits = cfg->icv_bits;
	req->has_icv = cfg->icv_bits != 0;
}

/**
 * ipsec6_crypto_cfg_init - check an SA's algorithm choice against the table
 * @cfg: result; free with ipsec6_crypto_cfg_free() whatever the outcome
 * @req: the algorithms, keys and ICV length as requested
 * @proto: IPPROTO_AH or IPPROTO_ESP
 * @blame: on error, the field at fault (for the caller to point at)
 * @extack: the message, naming the field
 */
int ipsec6_crypto_cfg_init(struct ipsec6_crypto_cfg *cfg,
			   const struct ipsec6_crypto_req *req, u8 proto,
			   struct ipsec6_crypto_blame *blame,
			   struct netlink_ext_ack *extack)
{
	const struct ipsec6_alg *mac;
	u32 icv;
	int err;

	memset(cfg, 0, sizeof(*cfg));
	ipsec6_crypto_blame(blame, IPSEC6_CRYPTO_F_NONE, 0, false, 0);
	if (req->name[IPSEC6_ALG_AEAD])
		err = ipsec6_crypto_cfg_aead(cfg, req, proto, blame, extack);
	else
		err = ipsec6_crypto_cfg_auth_enc(cfg, req, proto, blame,
						 extack);
	err = err ?: ipsec6_crypto_stray_key(req, IPSEC6_ALG_AUTH, blame,
					     extack) ?:
	      ipsec6_crypto_stray_key(req, IPSEC6_ALG_AEAD, blame, extack);
	if (err)
		return err;

	mac = cfg->aead ?: cfg->auth;
	icv = req->has_icv ? req->icv_bits : mac->icv_default;
	if (icv < mac->icv_min || icv > mac->icv_max || icv % 32) {
		ipsec6_netlink_err(extack, NULL,
				   "ICV_LEN: %u bits invalid for '%s' (%u..%u, multiple of 32)",
				   icv, mac->name, mac->icv_min, mac->icv_max);
		return ipsec6_crypto_blame(blame, req->has_icv ?
					   IPSEC6_CRYPTO_F_ICV :
					   IPSEC6_CRYPTO_F_NONE, 0, false,
					   -EINVAL);
	}
	cfg->icv_bits = icv;
	return 0;
}

void ipsec6_crypto_cfg_free(struct ipsec6_crypto_cfg *cfg)
{
	kfree_sensitive(cfg->auth_key);
	kfree_sensitive(cfg->enc_key);
	kfree_sensitive(cfg->aead_key);
	memzero_explicit(cfg, sizeof(*cfg));
}

static bool ipsec6_crypto_key_equal(const u8 *a, u16 alen, const u8 *b,
				    u16 blen)
{
	if (alen != blen)
		return false;
	return !alen || !crypto_memneq(a, b, alen);
}

/* Same algorithms and keys (the ICV length aside). */
bool ipsec6_crypto_cfg_same_keys(const struct ipsec6_crypto_cfg *a,
				 const struct ipsec6_crypto_cfg *b)
{
	return a->auth == b->auth && a->enc == b->enc && a->aead == b->aead &&
	       ipsec6_crypto_key_equal(a->auth_key, a->auth_key_len,
				       b->auth_key, b->auth_key_len) &&
	       ipsec6_crypto_key_equal(a->enc_key, a->enc_key_len,
				       b->enc_key, b->enc_key_len) &&
	       ipsec6_crypto_key_equal(a->aead_key, a->aead_key_len,
				       b->aead_key, b->aead_key_len);
}

bool ipsec6_crypto_cfg_equal(const struct ipsec6_crypto_cfg *a,
			     const struct ipsec6_crypto_cfg *b)
{
	return a->icv_bits == b->icv_bits &&
	       ipsec6_crypto_cfg_same_keys(a, b);
}

u32 ipsec6_crypto_cfg_key_bits(const struct ipsec6_crypto_cfg *cfg)
{
	return 8 * (cfg->auth_key_len + cfg->enc_key_len + cfg->aead_key_len);
}

/* The transform name: NAME, inside GENIV( ) for ESP. */
static int ipsec6_crypto_name(char *buf, const char *geniv, const char *name)
{
	int n;

	if (geniv)
		n = snprintf(buf, CRYPTO_MAX_ALG_NAME, "%s(%s)", geniv, name);
	else
		n = snprintf(buf, CRYPTO_MAX_ALG_NAME, "%s", name);
	return n < CRYPTO_MAX_ALG_NAME ? 0 : -ENAMETOOLONG;
}

/*
 * @name inside the template @tmpl: @tmpl(DRIVER) of the implementation
 * of @name that @mask allows.  Such instances are registered under the
 * name of what they wrap and found by driver name, so the driver is looked
 * up first; an instance that exists already outranks the plain transform
 * and may be what the name finds.
 */
static struct crypto_aead *ipsec6_crypto_wrap(const char *tmpl,
					      const char *name, u32 mask)
{
	struct crypto_aead *tfm = crypto_alloc_aead(name, 0, mask);
	char wrapped[CRYPTO_MAX_ALG_NAME];
	size_t len = strlen(tmpl);
	const char *driver;
	int n;

	if (IS_ERR(tfm))
		return tfm;
	driver = crypto_tfm_alg_driver_name(crypto_aead_tfm(tfm));
	if (!strncmp(driver, tmpl, len) && driver[len] == '(')
		return tfm;
	n = snprintf(wrapped, sizeof(wrapped), "%s(%s)", tmpl, driver);
	crypto_free_aead(tfm);
	if (n >= (int)sizeof(wrapped))
		return ERR_PTR(-ENAMETOOLONG);
	return crypto_alloc_aead(wrapped, 0, 0);
}

/*
 * Before 6.3 cryptd's AEAD hands the caller's request itself to the inner
 * transform (req->base.tfm changes).  The crypto self-tests report that as
 * a corrupted request (a WARN, and the instance is refused) for every AEAD
 * they have test vectors for; of our transforms these (6.1's testmgr).
 * They go through pcrypt instead.
 */
static bool ipsec6_crypto_cryptd_ok(const char *name)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0) && \
	!IS_ENABLED(CONFIG_CRYPTO_MANAGER_DISABLE_TESTS)
	static const char *const tested[] = {
		"authenc(hmac(md5),ecb(cipher_null))",
		"authenc(hmac(sha1),ecb(cipher_null))",
		"rfc4543(gcm(aes))",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tested); i++)
		if (!strcmp(name, tested[i]))
			return false;
#endif
	return true;
}

/*
 * The transform.  When the tests force the asynchronous path: cryptd()
 * around a synchronous implementation (cryptd wraps only those; every
 * request then goes through its worker and completes asynchronously),
 * which keeps lockdep usable; pcrypt() (padata) where cryptd cannot: a
 * transform of ipsec6_crypto_cryptd_ok()'s list, no cryptd, or no
 * synchronous implementation (-ENOENT).  Not on any other error: a slow
 * debug kernel can take longer than the crypto API's 60 s to build the
 * templates (-ETIMEDOUT); that is waited for again, a few times.
 */
static struct crypto_aead *ipsec6_crypto_alloc(const char *name)
{
	struct crypto_aead *tfm;
	int tries = 5;

	if (!crypto_async)
		return crypto_alloc_aead(name, 0, 0);
	if (!ipsec6_crypto_cryptd_ok(name))
		return ipsec6_crypto_wrap("pcrypt", name, 0);
	do {
		tfm = ipsec6_crypto_wrap("cryptd", name, CRYPTO_ALG_ASYNC);
	} while (PTR_ERR_OR_ZERO(tfm) == -ETIMEDOUT && --tries);
	if (PTR_ERR_OR_ZERO(tfm) == -ENOENT) {
		pr_info("crypto_async: no cryptd for %s, pcrypt instead\n", name);
		tfm = ipsec6_crypto_wrap("pcrypt", name, 0);
	}
	return tfm;
}

/* authenc() keys: an rtattr carrying the cipher key length, MAC key, cipher
 * key.
 */
static int ipsec6_crypto_authenc_setkey(struct crypto_aead *tfm,
					const struct ipsec6_crypto_cfg *cfg)
{
	struct crypto_authenc_key_param *param;
	unsigned int len;
	struct rtattr *rta;
	u8 *key, *p;
	int err;

	len = RTA_SPACE(sizeof(*param)) + cfg->auth_key_len + cfg->enc_key_len;
	key = kmalloc(len, GFP_KERNEL);
	if (!key)
		return -ENOMEM;
	rta = (struct rtattr *)key;
	rta->rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
	rta->rta_len = RTA_LENGTH(sizeof(*param));
	param = RTA_DATA(rta);
	param->enckeylen = cpu_to_be32(cfg->enc_key_len);
	p = key + RTA_SPACE(sizeof(*param));
	memcpy(p, cfg->auth_key, cfg->auth_key_len);
	if (cfg->enc_key_len)
		memcpy(p + cfg->auth_key_len, cfg->enc_key, cfg->enc_key_len);
	err = crypto_aead_setkey(tfm, key, len);
	kfree_sensitive(key);
	return err;
}

/* The name of the transform an SA runs on. */
static int ipsec6_crypto_tfm_name(char *name,
				  const struct ipsec6_crypto_cfg *cfg,
				  u8 proto, bool esn)
{
	char inner[CRYPTO_MAX_ALG_NAME];
	const char *enc;

	if (cfg->aead) {	/* AH-GMAC carries its own IV: no generator */
		strscpy(name, proto == IPPROTO_ESP ? cfg->aead->esp_tfm :
			cfg->aead->name, CRYPTO_MAX_ALG_NAME);
		return 0;
	}
	enc = cfg->enc ? cfg->enc->name : "ecb(cipher_null)";
	/* AH appends the ESN high half itself: plain authenc(). */
	if (snprintf(inner, sizeof(inner), "%s(%s,%s)",
		     esn && proto == IPPROTO_ESP ? "authencesn" : "authenc",
		     cfg->auth->name, enc) >= (int)sizeof(inner))
		return -ENAMETOOLONG;
	return ipsec6_crypto_name(name, cfg->enc ? cfg->enc->geniv : NULL,
				  inner);
}

/**
 * ipsec6_crypto_init - allocate and key the transform of an SA
 * @c: result
 * @cfg: validated algorithms and keys
 * @proto: IPPROTO_AH or IPPROTO_ESP
 * @esn: extended sequence numbers (authencesn for ESP)
 * @extack: for the error message
 *
 * On error the caller still calls ipsec6_crypto_destroy().
 */
int ipsec6_crypto_init(struct ipsec6_crypto *c,
		       const struct ipsec6_crypto_cfg *cfg, u8 proto,
		       bool esn, struct netlink_ext_ack *extack)
{
	const struct ipsec6_alg *enc = cfg->aead ?: cfg->enc;
	char name[CRYPTO_MAX_ALG_NAME] = "";
	struct crypto_aead *tfm;
	int err;

	c->icv_len = cfg->icv_bits / 8;
	c->iv_len = enc ? enc->iv : 0;
	c->block = enc ? enc->block : 4;
	c->gmac = proto == IPPROTO_AH && cfg->aead;
	err = ipsec6_crypto_tfm_name(name, cfg, proto, esn);
	if (err)
		goto out;
	tfm = ipsec6_crypto_alloc(name);
	if (IS_ERR(tfm)) {
		err = PTR_ERR(tfm);
		goto out;
	}
	c->aead = tfm;
	c->async = crypto_aead_tfm(tfm)->__crt_alg->cra_flags & CRYPTO_ALG_ASYNC;
	if (cfg->aead)
		err = crypto_aead_setkey(tfm, cfg->aead_key, cfg->aead_key_len);
	else
		err = ipsec6_crypto_authenc_setkey(tfm, cfg);
	if (!err)
		err = crypto_aead_setauthsize(tfm, c->icv_len);
out:
	if (err)
		ipsec6_netlink_err(extack, NULL,
				   "crypto API refused '%s' or its key (%d)",
				   name, err);
	return err;
}

void ipsec6_crypto_destroy(struct ipsec6_crypto *c)
{
	if (c->aead)
		crypto_free_aead(c->aead);
	c->aead = NULL;
}
