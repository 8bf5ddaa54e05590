// SPDX-License-Identifier: GPL-2.0
/*
 * Algorithms: the table of what we accept (names, key and ICV sizes), the
 * validation of an SA's algorithm attributes, and transform allocation on
 * the kernel crypto API.
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
#include <net/netlink.h>
#include "compat.h"
#include "crypto.h"
#include "netlink.h"
#include "uapi/ipsec6.h"

static bool crypto_async;
module_param(crypto_async, bool, 0444);
MODULE_PARM_DESC(crypto_async,
		 "Run every transform through cryptd (tests the asynchronous path)");

#define ANY_KEY	{ 0 }

static const struct ipsec6_alg ipsec6_algs[] = {
	{ .name = "hmac(md5)", .kind = IPSEC6_ALG_AUTH, .ah = true,
	  .esp = true, .digest_bits = 128, .icv_default = 96, .icv_min = 96,
	  .icv_max = 128, .key_lens = ANY_KEY },
	{ .name = "hmac(sha1)", .kind = IPSEC6_ALG_AUTH, .ah = true,
	  .esp = true, .digest_bits = 160, .icv_default = 96, .icv_min = 96,
	  .icv_max = 160, .key_lens = ANY_KEY },
	{ .name = "hmac(sha256)", .kind = IPSEC6_ALG_AUTH, .ah = true,
	  .esp = true, .digest_bits = 256, .icv_default = 128, .icv_min = 96,
	  .icv_max = 256, .key_lens = ANY_KEY },
	{ .name = "hmac(sha384)", .kind = IPSEC6_ALG_AUTH, .ah = true,
	  .esp = true, .digest_bits = 384, .icv_default = 192, .icv_min = 192,
	  .icv_max = 384, .key_lens = ANY_KEY },
	{ .name = "hmac(sha512)", .kind = IPSEC6_ALG_AUTH, .ah = true,
	  .esp = true, .digest_bits = 512, .icv_default = 256, .icv_min = 256,
	  .icv_max = 512, .key_lens = ANY_KEY },
	{ .name = "cbc(aes)", .kind = IPSEC6_ALG_ENC, .esp = true,
	  .key_lens = { 16, 24, 32 }, .iv = 16, .block = 16,
	  .geniv = "echainiv" },
	{ .name = "ecb(cipher_null)", .kind = IPSEC6_ALG_ENC, .esp = true,
	  .block = 4 },
	{ .name = "rfc4106(gcm(aes))", .kind = IPSEC6_ALG_AEAD, .esp = true,
	  .icv_default = 128, .icv_min = 64, .icv_max = 128,
	  .key_lens = { 20, 28, 36 }, .salt = 4, .iv = 8, .block = 4,
	  .geniv = "seqiv" },
	{ .name = "rfc4543(gcm(aes))", .kind = IPSEC6_ALG_AEAD, .ah = true,
	  .esp = true, .icv_default = 128, .icv_min = 128, .icv_max = 128,
	  .key_lens = { 20, 28, 36 }, .salt = 4, .iv = 8, .block = 4,
	  .geniv = "seqiv" },
	{ .name = "rfc7539esp(chacha20,poly1305)", .kind = IPSEC6_ALG_AEAD,
	  .esp = true, .icv_default = 128, .icv_min = 128, .icv_max = 128,
	  .key_lens = { 36 }, .salt = 4, .iv = 8, .block = 4,
	  .geniv = "seqiv" },
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

/* One algorithm attribute with its key; *key is a copy the caller frees. */
static int ipsec6_crypto_parse_one(struct nlattr **tb, int name_attr,
				   int key_attr, u8 kind, u8 proto,
				   const struct ipsec6_alg **alg, u8 **key,
				   u16 *key_len, const char *what,
				   struct netlink_ext_ack *extack)
{
	const struct nlattr *n = tb[name_attr], *k = tb[key_attr];
	const char *name = nla_data(n);

	*alg = ipsec6_crypto_find(name, kind);
	if (!*alg) {
		ipsec6_netlink_err(extack, n, "%s: unknown algorithm '%.32s'",
				   what, name);
		return -ENOENT;
	}
	if ((proto == IPPROTO_AH && !(*alg)->ah) ||
	    (proto == IPPROTO_ESP && !(*alg)->esp)) {
		ipsec6_netlink_err(extack, n, "%s: '%s' is not usable with %s",
				   what, name, proto == IPPROTO_AH ? "AH" : "ESP");
		return -EINVAL;
	}
	*key_len = k ? nla_len(k) : 0;
	if (!ipsec6_crypto_key_len_ok(*alg, *key_len)) {
		ipsec6_netlink_err(extack, k ?: n,
				   "%s key: %u bytes does not suit '%s'", what,
				   *key_len, name);
		return -EINVAL;
	}
	if (!*key_len)
		return 0;
	*key = kmemdup(nla_data(k), *key_len, GFP_KERNEL_ACCOUNT);
	return *key ? 0 : -ENOMEM;
}

/**
 * ipsec6_crypto_cfg_parse - validate an SA's algorithm attributes
 * @cfg: result; free with ipsec6_crypto_cfg_free() whatever the outcome
 * @proto: IPPROTO_AH or IPPROTO_ESP
 * @tb: the parsed SA nest
 * @nest: the SA nest, for missing-attribute reports
 * @extack: names the attribute at fault
 */
int ipsec6_crypto_cfg_parse(struct ipsec6_crypto_cfg *cfg, u8 proto,
			    struct nlattr **tb, const struct nlattr *nest,
			    struct netlink_ext_ack *extack)
{
	const struct ipsec6_alg *mac;
	u32 icv;
	int err;

	memset(cfg, 0, sizeof(*cfg));
	if (tb[IPSEC6_SA_A_AEAD_NAME]) {
		if (tb[IPSEC6_SA_A_AUTH_NAME] || tb[IPSEC6_SA_A_ENC_NAME]) {
			ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_AEAD_NAME],
					   "AEAD_NAME: excludes AUTH_NAME and ENC_NAME");
			return -EINVAL;
		}
		if (!tb[IPSEC6_SA_A_AEAD_KEY]) {
			NL_SET_ERR_ATTR_MISS(extack, nest, IPSEC6_SA_A_AEAD_KEY);
			ipsec6_netlink_err(extack, NULL, "AEAD_KEY: missing");
			return -EINVAL;
		}
		err = ipsec6_crypto_parse_one(tb, IPSEC6_SA_A_AEAD_NAME,
					      IPSEC6_SA_A_AEAD_KEY,
					      IPSEC6_ALG_AEAD, proto,
					      &cfg->aead, &cfg->aead_key,
					      &cfg->aead_key_len, "AEAD",
					      extack);
		if (err)
			return err;
		if (!tb[IPSEC6_SA_A_ICV_LEN]) {
			NL_SET_ERR_ATTR_MISS(extack, nest, IPSEC6_SA_A_ICV_LEN);
			ipsec6_netlink_err(extack, NULL,
					   "ICV_LEN: missing (required with AEAD_NAME)");
			return -EINVAL;
		}
		mac = cfg->aead;
	} else {
		if (!tb[IPSEC6_SA_A_AUTH_NAME]) {
			NL_SET_ERR_ATTR_MISS(extack, nest, IPSEC6_SA_A_AUTH_NAME);
			ipsec6_netlink_err(extack, NULL,
					   "AUTH_NAME: missing (%s needs an integrity algorithm)",
					   proto == IPPROTO_AH ? "AH" : "ESP");
			return -EINVAL;
		}
		if (!tb[IPSEC6_SA_A_AUTH_KEY]) {
			NL_SET_ERR_ATTR_MISS(extack, nest, IPSEC6_SA_A_AUTH_KEY);
			ipsec6_netlink_err(extack, NULL, "AUTH_KEY: missing");
			return -EINVAL;
		}
		if (tb[IPSEC6_SA_A_ENC_NAME] && proto == IPPROTO_AH) {
			ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_ENC_NAME],
					   "ENC_NAME: AH does not encrypt");
			return -EINVAL;
		}
		err = ipsec6_crypto_parse_one(tb, IPSEC6_SA_A_AUTH_NAME,
					      IPSEC6_SA_A_AUTH_KEY,
					      IPSEC6_ALG_AUTH, proto,
					      &cfg->auth, &cfg->auth_key,
					      &cfg->auth_key_len, "AUTH",
					      extack);
		if (err)
			return err;
		if (tb[IPSEC6_SA_A_ENC_NAME]) {
			err = ipsec6_crypto_parse_one(tb, IPSEC6_SA_A_ENC_NAME,
						      IPSEC6_SA_A_ENC_KEY,
						      IPSEC6_ALG_ENC, proto,
						      &cfg->enc, &cfg->enc_key,
						      &cfg->enc_key_len, "ENC",
						      extack);
			if (err)
				return err;
		} else if (tb[IPSEC6_SA_A_ENC_KEY]) {
			ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_ENC_KEY],
					   "ENC_KEY: given without ENC_NAME");
			return -EINVAL;
		}
		mac = cfg->auth;
	}
	if (tb[IPSEC6_SA_A_AUTH_KEY] && !tb[IPSEC6_SA_A_AUTH_NAME]) {
		ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_AUTH_KEY],
				   "AUTH_KEY: given without AUTH_NAME");
		return -EINVAL;
	}
	if (tb[IPSEC6_SA_A_AEAD_KEY] && !tb[IPSEC6_SA_A_AEAD_NAME]) {
		ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_AEAD_KEY],
				   "AEAD_KEY: given without AEAD_NAME");
		return -EINVAL;
	}

	icv = tb[IPSEC6_SA_A_ICV_LEN] ? nla_get_u32(tb[IPSEC6_SA_A_ICV_LEN]) :
					mac->icv_default;
	if (icv < mac->icv_min || icv > mac->icv_max || icv % 32) {
		ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_ICV_LEN],
				   "ICV_LEN: %u bits invalid for '%s' (%u..%u, multiple of 32)",
				   icv, mac->name, mac->icv_min, mac->icv_max);
		return -EINVAL;
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

	if (cfg->aead)	/* AH-GMAC carries its own IV: no generator */
		return ipsec6_crypto_name(name, proto == IPPROTO_ESP ?
					  cfg->aead->geniv : NULL,
					  cfg->aead->name);
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
