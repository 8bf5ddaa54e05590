// SPDX-License-Identifier: GPL-2.0
/*
 * Security associations of the kernel-ipsec6 plugin: SPIs, adding,
 * updating, querying and deleting SAs, and IKEv2 transform ids to the
 * crypto API names the module accepts.
 *
 * SAs carry the CHILD_SA's reqid and no POLICY: the module lets an SA
 * serve every APPLY policy whose template it fits (protocol, mode, reqid,
 * tunnel endpoints), as XFRM does.  SPIs travel in network byte order in
 * charon and in host order in the module.  The module picks the SAs'
 * indexes; the plugin names an SA by (SPI, DST, PROTO), as charon does.
 */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include <daemon.h>
#include <utils/debug.h>

#include "ipsec6.h"
#include "kernel_ipsec6_ipsec.h"

/* An IKEv2 transform and how the module names it. */
struct alg_map {
	uint16_t ikev2;
	const char *name;
	uint32_t icv_bits;	/* 0: no ICV (a cipher) */
};

/* ESP ciphers and AEADs; ENCR_NULL is ESP without ENC_NAME (RFC 2410). */
static const struct alg_map enc_algs[] = {
	{ ENCR_AES_CBC, "cbc(aes)", 0 },
	{ ENCR_AES_GCM_ICV8, "rfc4106(gcm(aes))", 64 },
	{ ENCR_AES_GCM_ICV12, "rfc4106(gcm(aes))", 96 },
	{ ENCR_AES_GCM_ICV16, "rfc4106(gcm(aes))", 128 },
	{ ENCR_NULL_AUTH_AES_GMAC, "rfc4543(gcm(aes))", 128 },
	{ ENCR_CHACHA20_POLY1305, "rfc7539esp(chacha20,poly1305)", 128 },
};

/* Integrity algorithms, with the ICV length each transform truncates to. */
static const struct alg_map int_algs[] = {
	{ AUTH_HMAC_MD5_96, "hmac(md5)", 96 },
	{ AUTH_HMAC_MD5_128, "hmac(md5)", 128 },
	{ AUTH_HMAC_SHA1_96, "hmac(sha1)", 96 },
	{ AUTH_HMAC_SHA1_160, "hmac(sha1)", 160 },
	{ AUTH_HMAC_SHA2_256_96, "hmac(sha256)", 96 },
	{ AUTH_HMAC_SHA2_256_128, "hmac(sha256)", 128 },
	{ AUTH_HMAC_SHA2_256_256, "hmac(sha256)", 256 },
	{ AUTH_HMAC_SHA2_384_192, "hmac(sha384)", 192 },
	{ AUTH_HMAC_SHA2_384_384, "hmac(sha384)", 384 },
	{ AUTH_HMAC_SHA2_512_256, "hmac(sha512)", 256 },
	{ AUTH_HMAC_SHA2_512_512, "hmac(sha512)", 512 },
};

static const struct alg_map *alg_find(const struct alg_map *map, int n,
				      uint16_t ikev2)
{
	int i;

	for (i = 0; i < n; i++)
		if (map[i].ikev2 == ikev2)
			return &map[i];
	return NULL;
}

/* The (SPI, DST, PROTO) that names an SA in SA_GET/SA_DEL/SA_UPDATE. */
static bool put_sa_id(struct nlmsghdr *nlh, kernel_ipsec_sa_id_t *id)
{
	struct in6_addr dst;

	if (!kernel_ipsec6_addr(id->dst, &dst))
		return false;
	mnl_attr_put_u32(nlh, IPSEC6_SA_A_SPI, ntohl(id->spi));
	mnl_attr_put(nlh, IPSEC6_SA_A_DST, sizeof(dst), &dst);
	mnl_attr_put_u8(nlh, IPSEC6_SA_A_PROTO, id->proto);
	return true;
}

/* Request @cmd with an SA nest holding only (SPI, DST, PROTO). */
static struct nlmsghdr *sa_id_request(private_kernel_ipsec6_t *this,
				      char *buf, uint8_t cmd,
				      kernel_ipsec_sa_id_t *id)
{
	struct nlmsghdr *nlh = ipsec6_nl_start(this->nl, buf, cmd, 0);
	struct nlattr *nest = mnl_attr_nest_start(nlh, IPSEC6_A_SA);

	if (!put_sa_id(nlh, id))
		return NULL;
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* SA_GET by (SPI, DST, PROTO): 0, -ENOENT or another -errno (logged). */
static int sa_get(private_kernel_ipsec6_t *this, kernel_ipsec_sa_id_t *id,
		  struct kernel_ipsec6_reply *info)
{
	char buf[IPSEC6_NL_MSG_MAX], err[256];
	struct nlmsghdr *nlh;
	int rc;

	nlh = sa_id_request(this, buf, IPSEC6_CMD_SA_GET, id);
	if (!nlh)
		return -EAFNOSUPPORT;
	memset(info, 0, sizeof(*info));
	info->nest = IPSEC6_A_SA;
	rc = ipsec6_nl_send(this->nl, nlh, kernel_ipsec6_reply_cb, info, err,
			    sizeof(err));
	if (!rc && !info->found)
		rc = -ENOENT;
	if (rc && rc != -ENOENT)
		DBG1(DBG_KNL, "ipsec6: querying SA %.8x failed: %s%s%s",
		     ntohl(id->spi), strerror(-rc), *err ? ": " : "", err);
	return rc;
}

/*
 * SA_ALLOC_SPI: the module reserves a random free SPI in charon's range as
 * a larval SA (no keys, no traffic) with our OWNER; add_sa() completes it,
 * or the module deletes it after IPSEC6_LARVAL_SECONDS (a hard expire).
 */
METHOD(kernel_ipsec_t, get_spi, status_t,
	private_kernel_ipsec6_t *this, host_t *src, host_t *dst,
	uint8_t protocol, uint32_t *spi)
{
	struct kernel_ipsec6_reply reply = { .nest = IPSEC6_A_SA };
	char buf[IPSEC6_NL_MSG_MAX];
	struct in6_addr s6, d6;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint32_t lo, hi, t;

	if (!kernel_ipsec6_addr(dst, &d6)) {
		DBG1(DBG_KNL, "ipsec6: no SPI for %H: not IPv6", dst);
		return FAILED;
	}
	lo = lib->settings->get_int(lib->settings, "%s.spi_min",
				    KERNEL_SPI_MIN, lib->ns);
	hi = lib->settings->get_int(lib->settings, "%s.spi_max",
				    KERNEL_SPI_MAX, lib->ns);
	if (lo > hi) {
		t = lo;
		lo = hi;
		hi = t;
	}
	lo = max(lo, IPSEC6_SPI_MIN);
	hi = max(hi, lo);

	nlh = ipsec6_nl_start(this->nl, buf, IPSEC6_CMD_SA_ALLOC_SPI, 0);
	nest = mnl_attr_nest_start(nlh, IPSEC6_A_SA);
	mnl_attr_put(nlh, IPSEC6_SA_A_DST, sizeof(d6), &d6);
	if (kernel_ipsec6_addr(src, &s6))
		mnl_attr_put(nlh, IPSEC6_SA_A_SRC, sizeof(s6), &s6);
	mnl_attr_put_u8(nlh, IPSEC6_SA_A_PROTO, protocol);
	mnl_attr_put_u32(nlh, IPSEC6_SA_A_OWNER, this->owner);
	mnl_attr_put_u32(nlh, IPSEC6_SA_A_SPI_MIN, lo);
	mnl_attr_put_u32(nlh, IPSEC6_SA_A_SPI_MAX, hi);
	mnl_attr_nest_end(nlh, nest);
	if (kernel_ipsec6_request(this, nlh, kernel_ipsec6_reply_cb, &reply,
				  "allocating an SPI") || !reply.spi) {
		DBG1(DBG_KNL, "ipsec6: unable to get an SPI");
		return FAILED;
	}
	*spi = htonl(reply.spi);
	DBG2(DBG_KNL, "ipsec6: got SPI %.8x (larval SA %u)", reply.spi,
	     reply.index);
	return SUCCESS;
}

METHOD(kernel_ipsec_t, get_cpi, status_t,
	private_kernel_ipsec6_t *this, host_t *src, host_t *dst, uint16_t *cpi)
{
	return NOT_SUPPORTED;
}

/* What the module cannot do, refused with the reason. */
static bool sa_supported(kernel_ipsec_sa_id_t *id, kernel_ipsec_add_sa_t *data)
{
	const char *what = NULL;

	if (id->src->get_family(id->src) != AF_INET6 ||
	    id->dst->get_family(id->dst) != AF_INET6)
		what = "IPv4 (ipsec6 is IPv6 only)";
	else if (id->proto != IPPROTO_ESP && id->proto != IPPROTO_AH)
		what = "IPComp";
	else if (data->ipcomp != IPCOMP_NONE)
		what = "IPComp";
	else if (data->mode != MODE_TRANSPORT && data->mode != MODE_TUNNEL)
		what = "modes other than transport and tunnel";
	else if (id->mark.value || id->mark.mask || data->mark.value ||
		 data->mark.mask)
		what = "marks";
	else if (id->if_id)
		what = "interface ids";
	else if (data->label)
		what = "security labels";
	else if (data->hw_offload == HW_OFFLOAD_YES)
		what = "hardware offload";
	if (what)
		DBG1(DBG_KNL, "ipsec6: SA %.8x not added: %s not supported",
		     ntohl(id->spi), what);
	return !what;
}

static bool put_algs(struct nlmsghdr *nlh, kernel_ipsec_sa_id_t *id,
		     kernel_ipsec_add_sa_t *data)
{
	const struct alg_map *enc = NULL, *integ = NULL;

	if (data->enc_alg != ENCR_UNDEFINED && data->enc_alg != ENCR_NULL) {
		enc = alg_find(enc_algs, countof(enc_algs), data->enc_alg);
		if (!enc || id->proto != IPPROTO_ESP) {
			DBG1(DBG_KNL, "ipsec6: algorithm %N not supported",
			     encryption_algorithm_names, data->enc_alg);
			return false;
		}
	}
	if (data->int_alg != AUTH_UNDEFINED) {
		integ = alg_find(int_algs, countof(int_algs), data->int_alg);
		if (!integ) {
			DBG1(DBG_KNL, "ipsec6: algorithm %N not supported",
			     integrity_algorithm_names, data->int_alg);
			return false;
		}
	}
	if (enc && enc->icv_bits) {
		mnl_attr_put_strz(nlh, IPSEC6_SA_A_AEAD_NAME, enc->name);
		mnl_attr_put(nlh, IPSEC6_SA_A_AEAD_KEY, data->enc_key.len,
			     data->enc_key.ptr);
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_ICV_LEN, enc->icv_bits);
		return true;
	}
	if (enc) {
		mnl_attr_put_strz(nlh, IPSEC6_SA_A_ENC_NAME, enc->name);
		mnl_attr_put(nlh, IPSEC6_SA_A_ENC_KEY, data->enc_key.len,
			     data->enc_key.ptr);
	}
	if (integ) {
		mnl_attr_put_strz(nlh, IPSEC6_SA_A_AUTH_NAME, integ->name);
		mnl_attr_put(nlh, IPSEC6_SA_A_AUTH_KEY, data->int_key.len,
			     data->int_key.ptr);
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_ICV_LEN, integ->icv_bits);
	}
	return true;
}

static void put_u64_nonzero(struct nlmsghdr *nlh, uint16_t type, uint64_t v)
{
	if (v)
		mnl_attr_put_u64(nlh, type, v);
}

static void put_lifetimes(struct nlmsghdr *nlh, lifetime_cfg_t *lft)
{
	/* Lifetimes count from when the SA was added, not last used. */
	put_u64_nonzero(nlh, IPSEC6_SA_A_SOFT_BYTES, lft->bytes.rekey);
	put_u64_nonzero(nlh, IPSEC6_SA_A_HARD_BYTES, lft->bytes.life);
	put_u64_nonzero(nlh, IPSEC6_SA_A_SOFT_PACKETS, lft->packets.rekey);
	put_u64_nonzero(nlh, IPSEC6_SA_A_HARD_PACKETS, lft->packets.life);
	put_u64_nonzero(nlh, IPSEC6_SA_A_SOFT_ADD_SECONDS, lft->time.rekey);
	put_u64_nonzero(nlh, IPSEC6_SA_A_HARD_ADD_SECONDS, lft->time.life);
}

static uint32_t sa_flags(kernel_ipsec_add_sa_t *data)
{
	uint32_t flags = 0;

	if (data->esn)
		flags |= IPSEC6_SA_F_ESN;
	if (data->mode == MODE_TUNNEL) {
		switch (data->copy_dscp) {
		case DSCP_COPY_YES:
			flags |= IPSEC6_SA_F_DSCP_COPY;
			break;
		case DSCP_COPY_IN_ONLY:
			if (data->inbound)
				flags |= IPSEC6_SA_F_DSCP_COPY;
			break;
		case DSCP_COPY_OUT_ONLY:
			if (!data->inbound)
				flags |= IPSEC6_SA_F_DSCP_COPY;
			break;
		case DSCP_COPY_NO:
			break;
		}
	}
	return flags;
}

/*
 * ESP in UDP (RFC 3948): charon's hosts carry the ports.  The module that
 * cannot do it yet refuses the SA with "ENCAP_TYPE: ... not supported yet".
 */
static void put_encap(struct nlmsghdr *nlh, kernel_ipsec_sa_id_t *id)
{
	mnl_attr_put_u16(nlh, IPSEC6_SA_A_ENCAP_TYPE, 2 /* ESPINUDP */);
	mnl_attr_put_u16(nlh, IPSEC6_SA_A_ENCAP_SPORT,
			 id->src->get_port(id->src));
	mnl_attr_put_u16(nlh, IPSEC6_SA_A_ENCAP_DPORT,
			 id->dst->get_port(id->dst));
}

/*
 * The SA nest of SA_NEW/SA_UPDATE for @id/@data, at index @index (0: the
 * module's choice, or the SA named by SPI/DST/PROTO); false if refused.
 */
static bool build_sa(private_kernel_ipsec6_t *this, struct nlmsghdr *nlh,
		     kernel_ipsec_sa_id_t *id, kernel_ipsec_add_sa_t *data,
		     uint32_t index)
{
	struct in6_addr src;
	struct nlattr *nest;

	nest = mnl_attr_nest_start(nlh, IPSEC6_A_SA);
	if (index)
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_INDEX, index);
	if (!put_sa_id(nlh, id) || !kernel_ipsec6_addr(id->src, &src))
		return false;
	mnl_attr_put(nlh, IPSEC6_SA_A_SRC, sizeof(src), &src);
	mnl_attr_put_u32(nlh, IPSEC6_SA_A_OWNER, this->owner);
	mnl_attr_put_u8(nlh, IPSEC6_SA_A_MODE, data->mode == MODE_TUNNEL ?
			IPSEC6_MODE_TUNNEL : IPSEC6_MODE_TRANSPORT);
	mnl_attr_put_u8(nlh, IPSEC6_SA_A_DIR, data->inbound ?
			IPSEC6_DIR_IN : IPSEC6_DIR_OUT);
	if (data->reqid)
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_REQID, data->reqid);
	if (!put_algs(nlh, id, data))
		return false;
	/* Only an inbound SA checks for replays. */
	if (data->inbound && data->replay_window)
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_REPLAY_WINDOW,
				 min(data->replay_window, IPSEC6_REPLAY_MAX));
	mnl_attr_put_u32(nlh, IPSEC6_SA_A_FLAGS, sa_flags(data));
	put_lifetimes(nlh, data->lifetime);
	if (data->encap)
		put_encap(nlh, id);
	mnl_attr_nest_end(nlh, nest);
	return true;
}

/*
 * A module without SA_UPDATE: the larval SA is completed by SA_NEW with
 * REPLACE at its index (the contract's other way).
 */
static int complete_by_replace(private_kernel_ipsec6_t *this,
			       kernel_ipsec_sa_id_t *id,
			       kernel_ipsec_add_sa_t *data, char *buf,
			       const char *what)
{
	struct kernel_ipsec6_reply larval;
	struct nlmsghdr *nlh;
	int rc;

	rc = sa_get(this, id, &larval);
	if (rc) {
		DBG1(DBG_KNL, "ipsec6: %s: no SA with that SPI (%s)", what,
		     strerror(-rc));
		return rc;
	}
	nlh = ipsec6_nl_start(this->nl, buf, IPSEC6_CMD_SA_NEW, 0);
	if (!build_sa(this, nlh, id, data, larval.index))
		return -EINVAL;
	mnl_attr_put(nlh, IPSEC6_A_REPLACE, 0, NULL);
	return kernel_ipsec6_request(this, nlh, NULL, NULL, what);
}

METHOD(kernel_ipsec_t, add_sa, status_t,
	private_kernel_ipsec6_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_add_sa_t *data)
{
	char buf[IPSEC6_NL_MSG_MAX], what[64], err[256];
	struct nlmsghdr *nlh;
	int rc = -EINVAL;

	if (!sa_supported(id, data))
		return NOT_SUPPORTED;
	DBG2(DBG_KNL, "ipsec6: adding SA %.8x (%s, reqid %u%s)",
	     ntohl(id->spi), data->inbound ? "in" : "out", data->reqid,
	     data->update ? ", completing the larval SA" : "");
	snprintf(what, sizeof(what), "%s SA %.8x", data->update ?
		 "completing" : "adding", ntohl(id->spi));
	if (!data->update) {
		/* A new SA: the module picks its index. */
		nlh = ipsec6_nl_start(this->nl, buf, IPSEC6_CMD_SA_NEW, 0);
		if (build_sa(this, nlh, id, data, 0))
			rc = kernel_ipsec6_request(this, nlh, NULL, NULL,
						   what);
	} else if (!this->no_sa_update) {
		/* Our SPI from get_spi(): SA_UPDATE by SPI/DST/PROTO. */
		nlh = ipsec6_nl_start(this->nl, buf, IPSEC6_CMD_SA_UPDATE, 0);
		if (build_sa(this, nlh, id, data, 0))
			rc = ipsec6_nl_send(this->nl, nlh, NULL, NULL, err,
					    sizeof(err));
		if (rc == -EOPNOTSUPP) {
			DBG1(DBG_KNL, "ipsec6: the module has no SA_UPDATE "
			     "(%s): larval SAs are completed by SA_NEW with "
			     "REPLACE", err);
			this->no_sa_update = true;
		} else if (rc) {
			DBG1(DBG_KNL, "ipsec6: %s failed: %s%s%s", what,
			     strerror(-rc), *err ? ": " : "", err);
		}
	}
	if (data->update && this->no_sa_update)
		rc = complete_by_replace(this, id, data, buf, what);
	memwipe(buf, sizeof(buf));
	return rc ? FAILED : SUCCESS;
}

/* An SA as SA_GET returns it: its nest, copied out of the reply. */
struct sa_nest {
	char buf[IPSEC6_NL_MSG_MAX];
	bool found;
};

static void sa_nest_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sa_nest *sa = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == IPSEC6_A_SA &&
		    a->nla_len <= sizeof(sa->buf)) {
			memcpy(sa->buf, a, a->nla_len);
			sa->found = true;
		}
	}
}

/*
 * What update_sa() does not copy from SA_GET's answer: what the module
 * refuses on input, what it ignores in an update (SEQ, RSEQ), what
 * update_sa() replaces, and the algorithms and ICV length, so that the
 * module keeps the SA's own algorithms and keys (no dump returns keys).
 */
static bool update_keeps(uint16_t type)
{
	switch (type) {
	case IPSEC6_SA_A_KEY_BITS:
	case IPSEC6_SA_A_STATE:
	case IPSEC6_SA_A_COUNTS:
	case IPSEC6_SA_A_LAST_USED:
	case IPSEC6_SA_A_ADD_TIME:
	case IPSEC6_SA_A_PAD:
	case IPSEC6_SA_A_SEQ:
	case IPSEC6_SA_A_RSEQ:
	case IPSEC6_SA_A_AUTH_NAME:
	case IPSEC6_SA_A_ENC_NAME:
	case IPSEC6_SA_A_AEAD_NAME:
	case IPSEC6_SA_A_ICV_LEN:
	case IPSEC6_SA_A_SRC:
	case IPSEC6_SA_A_DST:
	case IPSEC6_SA_A_ENCAP_TYPE:
	case IPSEC6_SA_A_ENCAP_SPORT:
	case IPSEC6_SA_A_ENCAP_DPORT:
	case IPSEC6_SA_A_ENCAP_OA:
		return false;
	}
	return true;
}

/*
 * MOBIKE and NAT mapping changes: the SA moves to new addresses (and
 * encapsulation, reqid).  SA_GET, then SA_UPDATE by INDEX (DST may change)
 * with what SA_GET said, new addresses, and no algorithms: the module
 * keeps the keys, sequence numbers, replay window and counters.
 */
METHOD(kernel_ipsec_t, update_sa, status_t,
	private_kernel_ipsec6_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_update_sa_t *data)
{
	char buf[IPSEC6_NL_MSG_MAX], what[64], err[256];
	struct sa_nest sa = { .found = false };
	struct in6_addr src, dst;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	const struct nlattr *a;
	int rc;

	if (!kernel_ipsec6_addr(data->new_src, &src) ||
	    !kernel_ipsec6_addr(data->new_dst, &dst)) {
		DBG1(DBG_KNL, "ipsec6: SA %.8x not moved: not IPv6",
		     ntohl(id->spi));
		return NOT_SUPPORTED;
	}
	nlh = sa_id_request(this, buf, IPSEC6_CMD_SA_GET, id);
	rc = nlh ? ipsec6_nl_send(this->nl, nlh, sa_nest_cb, &sa, err,
				  sizeof(err)) : -EAFNOSUPPORT;
	if (rc == -ENOENT || (!rc && !sa.found)) {
		DBG1(DBG_KNL, "ipsec6: updating SA %.8x: not found",
		     ntohl(id->spi));
		return NOT_FOUND;
	}
	snprintf(what, sizeof(what), "updating SA %.8x", ntohl(id->spi));
	if (rc) {
		DBG1(DBG_KNL, "ipsec6: %s failed: %s%s%s", what, strerror(-rc),
		     *err ? ": " : "", err);
		return FAILED;
	}
	nlh = ipsec6_nl_start(this->nl, buf, IPSEC6_CMD_SA_UPDATE, 0);
	nest = mnl_attr_nest_start(nlh, IPSEC6_A_SA);
	mnl_attr_for_each_nested(a, (struct nlattr *)sa.buf) {
		uint16_t type = mnl_attr_get_type(a);

		if (type == IPSEC6_SA_A_REQID && data->new_reqid)
			continue;
		if (update_keeps(type))
			mnl_attr_put(nlh, type, mnl_attr_get_payload_len(a),
				     mnl_attr_get_payload(a));
	}
	if (data->new_reqid)
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_REQID, data->new_reqid);
	mnl_attr_put(nlh, IPSEC6_SA_A_SRC, sizeof(src), &src);
	mnl_attr_put(nlh, IPSEC6_SA_A_DST, sizeof(dst), &dst);
	if (data->new_encap) {
		kernel_ipsec_sa_id_t to = { .src = data->new_src,
					    .dst = data->new_dst };

		put_encap(nlh, &to);
	}
	mnl_attr_nest_end(nlh, nest);
	rc = kernel_ipsec6_request(this, nlh, NULL, NULL, what);
	if (rc)
		return rc == -ENOENT ? NOT_FOUND : FAILED;
	DBG2(DBG_KNL, "ipsec6: SA %.8x now %H -> %H%s", ntohl(id->spi),
	     data->new_src, data->new_dst, data->new_encap ? " (ESP in UDP)" :
	     "");
	return SUCCESS;
}

METHOD(kernel_ipsec_t, query_sa, status_t,
	private_kernel_ipsec6_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_query_sa_t *data, uint64_t *bytes, uint64_t *packets,
	time_t *time)
{
	struct kernel_ipsec6_reply info;

	if (sa_get(this, id, &info))
		return FAILED;
	if (bytes)
		*bytes = info.bytes;
	if (packets)
		*packets = info.packets;
	if (time)
		*time = kernel_ipsec6_monotonic(info.last_used);
	return SUCCESS;
}

METHOD(kernel_ipsec_t, del_sa, status_t,
	private_kernel_ipsec6_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_del_sa_t *data)
{
	char buf[IPSEC6_NL_MSG_MAX], err[256];
	struct nlmsghdr *nlh;
	int rc;

	nlh = sa_id_request(this, buf, IPSEC6_CMD_SA_DEL, id);
	if (!nlh)
		return NOT_SUPPORTED;
	rc = ipsec6_nl_send(this->nl, nlh, NULL, NULL, err, sizeof(err));
	if (rc == -ENOENT) {
		DBG1(DBG_KNL, "ipsec6: deleting SA %.8x: not found",
		     ntohl(id->spi));
		return NOT_FOUND;
	}
	if (rc) {
		DBG1(DBG_KNL, "ipsec6: deleting SA %.8x failed: %s%s%s",
		     ntohl(id->spi), strerror(-rc), *err ? ": " : "", err);
		return FAILED;
	}
	DBG2(DBG_KNL, "ipsec6: deleted SA %.8x", ntohl(id->spi));
	return SUCCESS;
}

void kernel_ipsec6_sa_init(private_kernel_ipsec6_t *this)
{
	this->public.get_spi = _get_spi;
	this->public.get_cpi = _get_cpi;
	this->public.add_sa = _add_sa;
	this->public.update_sa = _update_sa;
	this->public.query_sa = _query_sa;
	this->public.del_sa = _del_sa;
}
