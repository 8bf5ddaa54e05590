// SPDX-License-Identifier: GPL-2.0
/*
 * Authentication Header (RFC 4302) for IPv6.
 *
 * The ICV covers the whole packet as the receiver will see it: the fields
 * that change in transit (traffic class, flow label, hop limit, options
 * with the "may change" bit, a routing header's addresses and segments
 * left) are set to what the receiver computes with, the ICV field is
 * zero.  We change those fields in place, keep a copy of the headers in
 * front of AH, and put them back afterwards.
 *
 * The ICV is the tag of an AEAD transform (crypto.c) over the packet as
 * additional data, with nothing encrypted: authenc(HMAC,ecb(cipher_null))
 * for the HMAC algorithms, rfc4543(gcm(aes)) for AES-GMAC (RFC 4543).
 * AES-GMAC's Authentication Data field is an 8-byte IV (the sequence
 * number) followed by the tag, and the IV is covered by the tag.  On input
 * the transform compares the tag itself, in constant time.
 *
 * With extended sequence numbers the high 32 bits are authenticated after
 * the packet (RFC 4302 2.5.1).
 */
#include <crypto/aead.h>
#include <linux/ip.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include "compat.h"
#include "lifetime.h"
#include "pkt.h"
#include "replay.h"
#include "sad.h"

#define IPSEC6_AH_GMAC_IV	8

struct ipsec6_ah_tmp {
	struct ipsec6_pkt pkt;		/* continuation, for async */
	struct sk_buff *skb;
	struct ipsec6_sa *sa;
	unsigned int off;		/* AH offset = bytes saved */
	unsigned int nh_off;
	unsigned int ahlen;
	u64 seq;
	__be32 seqhi;
	u8 iv[IPSEC6_AH_GMAC_IV];
	u8 icv[IPSEC6_ICV_MAX];		/* computed, or received */
	struct scatterlist sg[3];
	u8 saved[];			/* headers before AH, then request */
};

static unsigned int ipsec6_ah_iv_len(const struct ipsec6_sa *sa)
{
	return sa->crypto.gmac ? IPSEC6_AH_GMAC_IV : 0;
}

unsigned int ipsec6_ah_overhead(const struct ipsec6_sa *sa)
{
	return ALIGN(sizeof(struct ip_auth_hdr) + ipsec6_ah_iv_len(sa) +
		     sa->crypto.icv_len, 8);
}

static unsigned int ipsec6_ah_reqsize(const struct ipsec6_sa *sa)
{
	return sizeof(struct aead_request) +
	       crypto_aead_reqsize(sa->crypto.aead);
}

static struct aead_request *ipsec6_ah_req(struct ipsec6_ah_tmp *t)
{
	return (struct aead_request *)PTR_ALIGN(t->saved + t->off,
						crypto_tfm_ctx_alignment());
}

static struct ipsec6_ah_tmp *ipsec6_ah_tmp_alloc(struct sk_buff *skb,
						 struct ipsec6_sa *sa,
						 unsigned int off,
						 unsigned int nh_off)
{
	struct ipsec6_ah_tmp *t;
	size_t len;

	len = sizeof(*t) + off + crypto_tfm_ctx_alignment() +
	      ipsec6_ah_reqsize(sa);
	t = kmalloc(len, GFP_ATOMIC);
	if (!t)
		return NULL;
	t->skb = skb;
	t->sa = sa;
	t->off = off;
	t->nh_off = nh_off;
	t->ahlen = ipsec6_ah_overhead(sa);
	return t;
}

/* Options: zero the data of those whose type says they may change. */
static int ipsec6_ah_clear_opts(u8 *h, unsigned int len)
{
	unsigned int i = 2;

	while (i < len) {
		unsigned int olen;

		if (h[i] == IPV6_TLV_PAD1) {
			i++;
			continue;
		}
		if (i + 2 > len)
			return -EINVAL;
		olen = h[i + 1] + 2;
		if (i + olen > len)
			return -EINVAL;
		if (h[i] & 0x20)
			memset(h + i + 2, 0, olen - 2);
		i += olen;
	}
	return 0;
}

/*
 * A routing header (types 0 and 2) with segments left: the receiver sees
 * the last address as destination and the addresses still to visit
 * rotated, and segments left 0 (RFC 4302 appendix A.2).
 */
static int ipsec6_ah_clear_rthdr(struct ipv6hdr *ip6, u8 *h, unsigned int len,
				 bool out)
{
	struct ipv6_rt_hdr *rt = (struct ipv6_rt_hdr *)h;
	unsigned int n, s = rt->segments_left;
	struct in6_addr *addr, last;

	if (!s)
		return 0;
	if (!out || (rt->type != 0 && rt->type != 2))
		return -EOPNOTSUPP;
	n = (len - 8) / sizeof(struct in6_addr);
	if (s > n)
		return -EINVAL;
	addr = (struct in6_addr *)(h + 8);
	last = addr[n - 1];
	memmove(&addr[n - s + 1], &addr[n - s], (s - 1) * sizeof(*addr));
	addr[n - s] = ip6->daddr;
	ip6->daddr = last;
	rt->segments_left = 0;
	return 0;
}

static int ipsec6_ah_clear_mutable(u8 *nh, unsigned int off, bool out)
{
	struct ipv6hdr *ip6 = (struct ipv6hdr *)nh;
	unsigned int pos = sizeof(*ip6);
	u8 next = ip6->nexthdr;
	int err = 0;

	ip6->priority = 0;
	memset(ip6->flow_lbl, 0, sizeof(ip6->flow_lbl));
	ip6->hop_limit = 0;

	while (pos < off) {
		struct ipv6_opt_hdr *h = (struct ipv6_opt_hdr *)(nh + pos);
		unsigned int len;

		if (pos + sizeof(*h) > off)
			return -EINVAL;
		len = ipv6_optlen(h);
		if (pos + len > off)
			return -EINVAL;
		switch (next) {
		case NEXTHDR_HOP:
		case NEXTHDR_DEST:
			err = ipsec6_ah_clear_opts(nh + pos, len);
			break;
		case NEXTHDR_ROUTING:
			err = ipsec6_ah_clear_rthdr(ip6, nh + pos, len, out);
			break;
		default:
			err = -EINVAL;
		}
		if (err)
			return err;
		next = h->nexthdr;
		pos += len;
	}
	return 0;
}

/*
 * Start the ICV computation over the prepared packet (and the ESN high
 * half): output writes the tag to t->icv, input checks it against t->icv.
 * rfc4543 authenticates its "plaintext" too and wants 16 bytes of
 * additional data; authenc() takes all of it as additional data.
 */
static int ipsec6_ah_crypt(struct ipsec6_ah_tmp *t, bool out,
			   crypto_completion_t done)
{
	const struct ipsec6_crypto *c = &t->sa->crypto;
	struct aead_request *req = ipsec6_ah_req(t);
	struct sk_buff *skb = t->skb;
	unsigned int len = skb->len, n = 1, assoc;

	sg_init_table(t->sg, ARRAY_SIZE(t->sg));
	sg_set_buf(&t->sg[0], skb->data, skb->len);
	if (t->sa->flags & IPSEC6_SA_F_ESN) {
		sg_set_buf(&t->sg[n++], &t->seqhi, sizeof(t->seqhi));
		len += sizeof(t->seqhi);
	}
	sg_set_buf(&t->sg[n], t->icv, c->icv_len);
	assoc = c->gmac ? 16 : len;
	aead_request_set_tfm(req, c->aead);
	aead_request_set_callback(req, 0, done, t);
	aead_request_set_crypt(req, t->sg, t->sg,
			       len - assoc + (out ? 0 : c->icv_len), t->iv);
	aead_request_set_ad(req, assoc);
	return out ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
}

static struct ip_auth_hdr *ipsec6_ah_hdr(struct ipsec6_ah_tmp *t)
{
	return (struct ip_auth_hdr *)(t->skb->data + t->off);
}

/* Put the headers back and, if all went well, the ICV in place. */
static int ipsec6_ah_output_finish(struct ipsec6_ah_tmp *t,
				   struct ipsec6_pkt *pkt, int err)
{
	struct ip_auth_hdr *ah = ipsec6_ah_hdr(t);

	memcpy(t->skb->data, t->saved, t->off);
	if (err) {
		pkt->drop = IPSEC6_STATS_A_CRYPTO_ERROR;
		return err;
	}
	memcpy(ah->auth_data + ipsec6_ah_iv_len(t->sa), t->icv,
	       t->sa->crypto.icv_len);
	ipsec6_sa_account(t->sa, t->skb->len);
	return 0;
}

static void ipsec6_ah_output_done(ipsec6_crypto_arg_t arg, int err)
{
	struct ipsec6_ah_tmp *t = ipsec6_crypto_data(arg);
	struct sk_buff *skb = t->skb;
	struct ipsec6_pkt pkt = t->pkt;

	err = ipsec6_ah_output_finish(t, &pkt, err);
	kfree(t);
	ipsec6_output_done(skb, &pkt, err);
}

int ipsec6_ah_output(struct sk_buff *skb, struct ipsec6_pkt *pkt,
		     struct ipsec6_sa *sa, unsigned int off, unsigned int nh_off)
{
	unsigned int ivl = ipsec6_ah_iv_len(sa), ahlen = ipsec6_ah_overhead(sa);
	struct ipsec6_ah_tmp *t;
	struct ip_auth_hdr *ah;
	u64 seq;
	int err;

	if (ipsec6_pkt_make_room(skb, ahlen, 0)) {
		pkt->drop = IPSEC6_STATS_A_NOMEM;
		return -ENOMEM;
	}
	if (ipsec6_lifetime_charge(sa, skb->len)) {
		pkt->drop = IPSEC6_STATS_A_EXPIRED;
		return -EKEYEXPIRED;
	}
	if (ipsec6_seq_next(sa, &seq)) {
		pkt->drop = IPSEC6_STATS_A_SEQ_EXHAUSTED;
		return -EOVERFLOW;
	}
	t = ipsec6_ah_tmp_alloc(skb, sa, off, nh_off);
	if (!t) {
		pkt->drop = IPSEC6_STATS_A_NOMEM;
		return -ENOMEM;
	}

	ah = ipsec6_pkt_insert(skb, off, ahlen);
	ah->nexthdr = skb->data[nh_off];
	skb->data[nh_off] = IPPROTO_AH;
	ah->hdrlen = ahlen / 4 - 2;
	ah->reserved = 0;
	ah->spi = sa->spi;
	ah->seq_no = htonl(lower_32_bits(seq));
	memset(ah->auth_data, 0, ahlen - sizeof(*ah));
	if (ivl) {
		put_unaligned_be64(seq, ah->auth_data);
		memcpy(t->iv, ah->auth_data, ivl);
	}
	ipsec6_pkt_set_payload_len(skb);

	t->seq = seq;
	t->seqhi = htonl(upper_32_bits(seq));
	memcpy(t->saved, skb->data, off);
	err = ipsec6_ah_clear_mutable(skb->data, off, true);
	if (err) {
		memcpy(skb->data, t->saved, off);
		kfree(t);
		pkt->drop = IPSEC6_STATS_A_MALFORMED;
		return err;
	}
	if (sa->crypto.async && ipsec6_pkt_hold(pkt, skb)) {
		kfree(t);
		return -ENETDOWN;
	}
	t->pkt = *pkt;
	err = ipsec6_ah_crypt(t, true, ipsec6_ah_output_done);
	if (err == -EINPROGRESS)
		return err;
	err = ipsec6_ah_output_finish(t, pkt, err);
	kfree(t);
	return err;
}

static void ipsec6_ah_icv_fail(const struct sk_buff *skb,
			       const struct ipsec6_sa *sa, u64 seq)
{
	net_info_ratelimited("AH ICV check failed: SPI 0x%08x %pI6c -> %pI6c seq %llu\n",
			     ntohl(sa->spi), &ipv6_hdr(skb)->saddr,
			     &ipv6_hdr(skb)->daddr, seq);
}

/* Verified or not: put the headers back; on success remove AH. */
static int ipsec6_ah_input_finish(struct ipsec6_ah_tmp *t,
				  struct ipsec6_pkt *pkt, int err)
{
	struct sk_buff *skb = t->skb;
	struct ipsec6_sa *sa = t->sa;
	struct ip_auth_hdr *ah = ipsec6_ah_hdr(t);

	memcpy(skb->data, t->saved, t->off);
	if (err) {
		if (err == -EBADMSG) {
			ipsec6_ah_icv_fail(skb, sa, t->seq);
			pkt->drop = IPSEC6_STATS_A_ICV_FAIL;
		} else {
			pkt->drop = IPSEC6_STATS_A_CRYPTO_ERROR;
		}
		return err;
	}
	if (ipsec6_lifetime_charge(sa, skb->len)) {
		pkt->drop = IPSEC6_STATS_A_EXPIRED;
		return -EKEYEXPIRED;
	}
	if (ipsec6_replay_advance(sa->replay, t->seq)) {
		pkt->drop = IPSEC6_STATS_A_REPLAY;
		return -EBADMSG;
	}
	skb->data[t->nh_off] = ah->nexthdr;
	ipsec6_pkt_remove(skb, t->off, t->ahlen);
	ipsec6_pkt_set_payload_len(skb);
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	ipsec6_sa_account(sa, skb->len);
	return 0;
}

static void ipsec6_ah_input_done(ipsec6_crypto_arg_t arg, int err)
{
	struct ipsec6_ah_tmp *t = ipsec6_crypto_data(arg);
	struct sk_buff *skb = t->skb;
	struct ipsec6_pkt pkt = t->pkt;

	err = ipsec6_ah_input_finish(t, &pkt, err);
	kfree(t);
	ipsec6_input_done(skb, &pkt, err);
}

int ipsec6_ah_input(struct sk_buff *skb, struct ipsec6_pkt *pkt,
		    struct ipsec6_sa *sa, unsigned int off, unsigned int nh_off)
{
	unsigned int ivl = ipsec6_ah_iv_len(sa), ahlen = ipsec6_ah_overhead(sa);
	struct ipsec6_ah_tmp *t;
	struct ip_auth_hdr *ah;
	u64 seq;
	int err;

	if (ipsec6_pkt_make_room(skb, 0, 0)) {
		pkt->drop = IPSEC6_STATS_A_NOMEM;
		return -ENOMEM;
	}
	ah = (struct ip_auth_hdr *)(skb->data + off);
	if (off + sizeof(*ah) > skb->len ||
	    (ah->hdrlen + 2) * 4 != ahlen || off + ahlen > skb->len) {
		pkt->drop = IPSEC6_STATS_A_MALFORMED;
		return -EINVAL;
	}
	if (ipsec6_replay_check(sa->replay, ntohl(ah->seq_no),
				sa->flags & IPSEC6_SA_F_ESN, &seq)) {
		pkt->drop = IPSEC6_STATS_A_REPLAY;
		return -EBADMSG;
	}
	t = ipsec6_ah_tmp_alloc(skb, sa, off, nh_off);
	if (!t) {
		pkt->drop = IPSEC6_STATS_A_NOMEM;
		return -ENOMEM;
	}
	t->seq = seq;
	t->seqhi = htonl(upper_32_bits(seq));
	if (ivl)
		memcpy(t->iv, ah->auth_data, ivl);
	/* RFC 4302 3.3.3.2.1: only the ICV is zeroed; the sender's padding
	 * is authenticated as it came.
	 */
	memcpy(t->icv, ah->auth_data + ivl, sa->crypto.icv_len);
	memset(ah->auth_data + ivl, 0, sa->crypto.icv_len);

	memcpy(t->saved, skb->data, off);
	err = ipsec6_ah_clear_mutable(skb->data, off, false);
	if (err) {
		/* The ICV bytes are gone; the packet is dropped anyway. */
		kfree(t);
		pkt->drop = IPSEC6_STATS_A_MALFORMED;
		return err;
	}
	if (sa->crypto.async && ipsec6_pkt_hold(pkt, skb)) {
		kfree(t);
		return -ENETDOWN;
	}
	t->pkt = *pkt;
	err = ipsec6_ah_crypt(t, false, ipsec6_ah_input_done);
	if (err == -EINPROGRESS)
		return err;
	err = ipsec6_ah_input_finish(t, pkt, err);
	kfree(t);
	return err;
}
