// SPDX-License-Identifier: GPL-2.0
/*
 * Encapsulating Security Payload (RFC 4303) for IPv6.
 *
 * Every ESP SA runs on one AEAD transform (crypto.c): the additional data
 * is the SPI and sequence number (with the high half of an extended
 * sequence number between them, the layout authencesn() and RFC 4106 both
 * expect), built in our request memory; the rest of the scatterlist is the
 * packet from the IV to the ICV, so the transform works in place.  The IV
 * generator of the transform (seqiv, echainiv) writes the IV into the
 * packet from the sequence number.  An SA with UDP encapsulation puts a
 * UDP header in front of ESP (encap.c); its checksum is computed once the
 * ESP packet is complete, synchronously or not.
 */
#include <crypto/aead.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/ip.h>
#include <net/ipv6.h>
#include "compat.h"
#include "encap.h"
#include "lifetime.h"
#include "pkt.h"
#include "replay.h"
#include "sad.h"

struct ipsec6_esp_tmp {
	struct ipsec6_pkt pkt;		/* continuation, for async */
	struct sk_buff *skb;
	struct ipsec6_sa *sa;
	unsigned int off;		/* ESP header offset */
	unsigned int nh_off;
	unsigned int elen;		/* input: ciphertext length */
	u64 seq;
	__be32 assoc[3];		/* SPI, [ESN high], sequence number */
	u8 iv[IPSEC6_IV_MAX] __aligned(8);
	struct scatterlist sg[2];
	u8 req[] __aligned(CRYPTO_MINALIGN);
};

static unsigned int ipsec6_esp_block(const struct ipsec6_sa *sa)
{
	return max_t(unsigned int, sa->crypto.block, 4);
}

/* Bytes ESP adds to a payload of @payload bytes. */
unsigned int ipsec6_esp_overhead(const struct ipsec6_sa *sa,
				 unsigned int payload)
{
	unsigned int clen = ALIGN(payload + 2, ipsec6_esp_block(sa));

	return sizeof(struct ip_esp_hdr) + sa->crypto.iv_len +
	       clen - payload + sa->crypto.icv_len;
}

static struct ipsec6_esp_tmp *ipsec6_esp_tmp_alloc(struct sk_buff *skb,
						   struct ipsec6_sa *sa,
						   unsigned int off,
						   unsigned int nh_off)
{
	struct ipsec6_esp_tmp *t;

	t = kmalloc(sizeof(*t) + sizeof(struct aead_request) +
		    crypto_aead_reqsize(sa->crypto.aead), GFP_ATOMIC);
	if (!t)
		return NULL;
	t->skb = skb;
	t->sa = sa;
	t->off = off;
	t->nh_off = nh_off;
	return t;
}

/* The additional data: SPI, then the sequence number (RFC 4303 2.2.1). */
static unsigned int ipsec6_esp_set_assoc(struct ipsec6_esp_tmp *t)
{
	t->assoc[0] = t->sa->spi;
	if (t->sa->flags & IPSEC6_SA_F_ESN) {
		t->assoc[1] = htonl(upper_32_bits(t->seq));
		t->assoc[2] = htonl(lower_32_bits(t->seq));
		return 3 * sizeof(__be32);
	}
	t->assoc[1] = htonl(lower_32_bits(t->seq));
	return 2 * sizeof(__be32);
}

static struct aead_request *ipsec6_esp_req(struct ipsec6_esp_tmp *t,
					   crypto_completion_t done,
					   unsigned int len)
{
	struct aead_request *req = (struct aead_request *)t->req;
	unsigned int assoclen = ipsec6_esp_set_assoc(t);

	sg_init_table(t->sg, 2);
	sg_set_buf(&t->sg[0], t->assoc, assoclen);
	sg_set_buf(&t->sg[1], t->skb->data + t->off + sizeof(struct ip_esp_hdr),
		   len);
	aead_request_set_tfm(req, t->sa->crypto.aead);
	aead_request_set_callback(req, 0, done, t);
	aead_request_set_ad(req, assoclen);
	return req;
}

static int ipsec6_esp_output_finish(struct ipsec6_esp_tmp *t,
				    struct ipsec6_pkt *pkt, int err)
{
	if (err) {
		pkt->drop = IPSEC6_STATS_A_CRYPTO_ERROR;
		return err;
	}
	if (t->sa->encap_type)
		ipsec6_encap_csum(t->skb, t->off - sizeof(struct udphdr));
	ipsec6_sa_account(t->sa, t->skb->len);
	return 0;
}

static void ipsec6_esp_output_done(ipsec6_crypto_arg_t arg, int err)
{
	struct ipsec6_esp_tmp *t = ipsec6_crypto_data(arg);
	struct sk_buff *skb = t->skb;
	struct ipsec6_pkt pkt = t->pkt;

	err = ipsec6_esp_output_finish(t, &pkt, err);
	kfree(t);
	ipsec6_output_done(skb, &pkt, err);
}

int ipsec6_esp_output(struct sk_buff *skb, struct ipsec6_pkt *pkt,
		      struct ipsec6_sa *sa, unsigned int off,
		      unsigned int nh_off)
{
	const struct ipsec6_crypto *c = &sa->crypto;
	unsigned int plen = skb->len - off;
	unsigned int clen = ALIGN(plen + 2, ipsec6_esp_block(sa));
	unsigned int padlen = clen - plen - 2, i;
	unsigned int hlen = sizeof(struct ip_esp_hdr) + c->iv_len;
	unsigned int ulen = ipsec6_encap_len(sa);
	struct ipsec6_esp_tmp *t;
	struct aead_request *req;
	struct ip_esp_hdr *esph;
	u8 *tail, nexthdr;
	int err;

	if (ipsec6_pkt_make_room(skb, ulen + hlen, clen - plen + c->icv_len)) {
		pkt->drop = IPSEC6_STATS_A_NOMEM;
		return -ENOMEM;
	}
	if (ipsec6_lifetime_charge(sa, skb->len)) {
		pkt->drop = IPSEC6_STATS_A_EXPIRED;
		return -EKEYEXPIRED;
	}
	/* ESP goes behind the UDP header, if any. */
	t = ipsec6_esp_tmp_alloc(skb, sa, off + ulen, nh_off);
	if (!t) {
		pkt->drop = IPSEC6_STATS_A_NOMEM;
		return -ENOMEM;
	}
	if (ipsec6_seq_next(sa, &t->seq)) {
		kfree(t);
		pkt->drop = IPSEC6_STATS_A_SEQ_EXHAUSTED;
		return -EOVERFLOW;
	}

	esph = ipsec6_pkt_insert(skb, off, ulen + hlen) + ulen;
	nexthdr = skb->data[nh_off];
	skb->data[nh_off] = ulen ? IPPROTO_UDP : IPPROTO_ESP;
	if (ulen)
		ipsec6_encap_output(skb, sa, off);
	esph->spi = sa->spi;
	esph->seq_no = htonl(lower_32_bits(t->seq));
	/* RFC 4303 2.4: padding bytes are 1, 2, 3, ... */
	tail = skb_put(skb, clen - plen + c->icv_len);
	for (i = 0; i < padlen; i++)
		tail[i] = i + 1;
	tail[padlen] = padlen;
	tail[padlen + 1] = nexthdr;
	ipsec6_pkt_set_payload_len(skb);

	/* The IV generator derives the IV from this (the sequence number). */
	memset(t->iv, 0, sizeof(t->iv));
	if (c->iv_len)
		put_unaligned_be64(t->seq, t->iv + c->iv_len - 8);
	req = ipsec6_esp_req(t, ipsec6_esp_output_done,
			     c->iv_len + clen + c->icv_len);
	aead_request_set_crypt(req, t->sg, t->sg, c->iv_len + clen, t->iv);
	if (c->async && ipsec6_pkt_hold(pkt, skb)) {
		kfree(t);
		return -ENETDOWN;
	}
	t->pkt = *pkt;
	err = crypto_aead_encrypt(req);
	if (err == -EINPROGRESS)
		return err;
	err = ipsec6_esp_output_finish(t, pkt, err);
	kfree(t);
	return err;
}

static void ipsec6_esp_icv_fail(const struct sk_buff *skb,
				const struct ipsec6_sa *sa, u64 seq)
{
	net_info_ratelimited("ESP ICV check failed: SPI 0x%08x %pI6c -> %pI6c seq %llu\n",
			     ntohl(sa->spi), &ipv6_hdr(skb)->saddr,
			     &ipv6_hdr(skb)->daddr, seq);
}

/* Decrypted and authenticated, or not: check the trailer, remove ESP. */
static int ipsec6_esp_input_finish(struct ipsec6_esp_tmp *t,
				   struct ipsec6_pkt *pkt, int err)
{
	struct sk_buff *skb = t->skb;
	struct ipsec6_sa *sa = t->sa;
	unsigned int hlen = sizeof(struct ip_esp_hdr) + sa->crypto.iv_len;
	const u8 *p = skb->data + t->off + hlen;
	unsigned int padlen, i;
	u8 nexthdr;

	if (err) {
		if (err == -EBADMSG) {
			ipsec6_esp_icv_fail(skb, sa, t->seq);
			pkt->drop = IPSEC6_STATS_A_ICV_FAIL;
		} else {
			pkt->drop = IPSEC6_STATS_A_CRYPTO_ERROR;
		}
		return err;
	}
	padlen = p[t->elen - 2];
	nexthdr = p[t->elen - 1];
	/*
	 * No payload data left: as esp6 does, refuse the packet before it
	 * moves the anti-replay window (a dummy packet is counted as such).
	 */
	if (padlen + 2 >= t->elen) {
		pkt->drop = padlen + 2 == t->elen && nexthdr == NEXTHDR_NONE ?
			    IPSEC6_STATS_A_DUMMY : IPSEC6_STATS_A_BAD_PADDING;
		return -EINVAL;
	}
	for (i = 0; i < padlen; i++) {
		if (p[t->elen - 2 - padlen + i] != i + 1) {
			pkt->drop = IPSEC6_STATS_A_BAD_PADDING;
			return -EINVAL;
		}
	}
	if (ipsec6_lifetime_charge(sa, skb->len)) {
		pkt->drop = IPSEC6_STATS_A_EXPIRED;
		return -EKEYEXPIRED;
	}
	if (ipsec6_replay_advance(sa->replay, t->seq)) {
		pkt->drop = IPSEC6_STATS_A_REPLAY;
		return -EBADMSG;
	}
	ipsec6_sa_account(sa, skb->len);
	if (nexthdr == NEXTHDR_NONE) {
		/* RFC 4303 2.6: a dummy packet, valid and discarded. */
		pkt->drop = IPSEC6_STATS_A_DUMMY;
		return -ENODATA;
	}
	__skb_trim(skb, skb->len - padlen - 2 - sa->crypto.icv_len);
	skb->data[t->nh_off] = nexthdr;
	ipsec6_pkt_remove(skb, t->off, hlen);
	ipsec6_pkt_set_payload_len(skb);
	/*
	 * RFC 3948 3.1.2, as esp6 does: behind a NAT, the checksum of a
	 * transport-mode payload covers addresses the NAT changed; ESP has
	 * authenticated the payload.
	 */
	if (sa->encap_type && sa->mode == IPSEC6_MODE_TRANSPORT)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	else
		skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

static void ipsec6_esp_input_done(ipsec6_crypto_arg_t arg, int err)
{
	struct ipsec6_esp_tmp *t = ipsec6_crypto_data(arg);
	struct sk_buff *skb = t->skb;
	struct ipsec6_pkt pkt = t->pkt;

	err = ipsec6_esp_input_finish(t, &pkt, err);
	kfree(t);
	ipsec6_input_done(skb, &pkt, err);
}

int ipsec6_esp_input(struct sk_buff *skb, struct ipsec6_pkt *pkt,
		     struct ipsec6_sa *sa, unsigned int off,
		     unsigned int nh_off)
{
	const struct ipsec6_crypto *c = &sa->crypto;
	unsigned int hlen = sizeof(struct ip_esp_hdr) + c->iv_len;
	struct ipsec6_esp_tmp *t;
	struct aead_request *req;
	struct ip_esp_hdr *esph;
	int elen, err;
	u64 seq;

	if (ipsec6_pkt_make_room(skb, 0, 0)) {
		pkt->drop = IPSEC6_STATS_A_NOMEM;
		return -ENOMEM;
	}
	elen = (int)skb->len - (int)(off + hlen + c->icv_len);
	if (elen < 2 || (c->block > 4 && elen % c->block)) {
		pkt->drop = IPSEC6_STATS_A_MALFORMED;
		return -EINVAL;
	}
	esph = (struct ip_esp_hdr *)(skb->data + off);
	if (ipsec6_replay_check(sa->replay, ntohl(esph->seq_no),
				sa->flags & IPSEC6_SA_F_ESN, &seq)) {
		pkt->drop = IPSEC6_STATS_A_REPLAY;
		return -EBADMSG;
	}
	t = ipsec6_esp_tmp_alloc(skb, sa, off, nh_off);
	if (!t) {
		pkt->drop = IPSEC6_STATS_A_NOMEM;
		return -ENOMEM;
	}
	t->seq = seq;
	t->elen = elen;
	req = ipsec6_esp_req(t, ipsec6_esp_input_done,
			     c->iv_len + elen + c->icv_len);
	aead_request_set_crypt(req, t->sg, t->sg, c->iv_len + elen + c->icv_len,
			       t->iv);
	if (c->async && ipsec6_pkt_hold(pkt, skb)) {
		kfree(t);
		return -ENETDOWN;
	}
	t->pkt = *pkt;
	err = crypto_aead_decrypt(req);
	if (err == -EINPROGRESS)
		return err;
	err = ipsec6_esp_input_finish(t, pkt, err);
	kfree(t);
	return err;
}
