// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: a structure-aware fuzzer of the ipsec6 generic netlink family,
 * run in a guest (tests/50-nlfuzz.sh, "make fuzz").
 *
 *   nlfuzz [-n MESSAGES] [-s SEED] [-u]
 *
 * Builds every request from the attribute schema of module/uapi/ipsec6.h,
 * mostly valid, then mutates it: missing, duplicate, unknown and
 * wrongly typed attributes, wrong attribute and message lengths, extreme
 * values, nests without NLA_F_NESTED or full of garbage, deep nests, odd
 * commands, versions and flags, truncated and corrupted messages; several
 * messages per datagram.  Every key sent is a recognisable byte pattern,
 * and every byte received (acks, extended acks, dumps, notifications) is
 * searched for it.  While the fuzzer sends, two children compete with it:
 * one dumps SAs and policies through a socket with the smallest receive
 * buffer (and sometimes reads with a tiny user buffer, truncating), the
 * other listens to the "events" group through a small buffer.  The tables
 * are flushed, and the fuzzing socket (with any transaction it opened)
 * closed, every so often.
 *
 * -u: unprivileged.  Children without CAP_NET_ADMIN (uid 0 with the
 * capability dropped, and uid nobody; a socket opened before dropping it
 * and one after) send fuzzed requests: every request of a privileged
 * command must be answered EPERM, joining "events" must fail with EPERM,
 * and the tables' generation must not move.
 *
 * Prints "nlfuzz: ..." summary lines; exits 0 when every check held.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "ipsec6.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/* ---- random numbers --------------------------------------------------- */

static uint64_t rng_s;

static uint64_t rnd64(void)
{
	/* splitmix64 */
	uint64_t z = (rng_s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

/* True with probability pct percent. */
static bool chance(unsigned int pct)
{
	return rnd(1000) < pct * 10;
}

static void rnd_bytes(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rnd64();
}

/* ---- the key pattern --------------------------------------------------- */

/* Every key byte comes from this cycle; no 5 consecutive bytes of it may
 * ever come back from the kernel.
 */
static const uint8_t keypat[8] = { 0xc7, 0x1e, 0x9a, 0x55,
				   0x3d, 0xb2, 0x68, 0xf4 };
#define KEYWIN 5

static unsigned long key_hits;

static void fill_key(uint8_t *p, size_t n)
{
	unsigned int off = rnd(8);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = keypat[(off + i) % 8];
}

static bool has_key(const uint8_t *p, size_t n)
{
	size_t i;
	unsigned int j;

	for (i = 0; i + KEYWIN <= n; i++) {
		for (j = 0; j < 8; j++)
			if (p[i] == keypat[j])
				break;
		if (j == 8)
			continue;
		for (unsigned int k = 1; k < KEYWIN; k++)
			if (p[i + k] != keypat[(j + k) % 8])
				goto next;
		return true;
next:;
	}
	return false;
}

/*
 * A received datagram holds the caller's own bytes where the kernel
 * echoes the request: every message's sequence number and port id, and
 * an error's copy of the request header (CAP_ACK: the header only).  A
 * request parsed out of the middle of another (a wrong nlmsg_len in a
 * batch) has key bytes there: not a leak.  Scan a copy with those masked.
 */
static bool has_key_masked(const uint8_t *p, size_t n)
{
	static uint8_t c[1 << 17];
	size_t off = 0;

	memcpy(c, p, n);
	while (off + 16 <= n) {
		uint32_t len = *(uint32_t *)(c + off);
		uint16_t type = *(uint16_t *)(c + off + 4);

		memset(c + off + 8, 0, 8);
		if (type == 2 /* NLMSG_ERROR */ && off + 36 <= n)
			memset(c + off + 20, 0, 16);
		if (len < 16)
			break;
		off += (len + 3) & ~3u;
	}
	return has_key(c, n);
}

/* ---- message building -------------------------------------------------- */

#define MSG_MAX 16384

struct msg {
	uint8_t b[MSG_MAX];
	size_t len;
	int depth;
	size_t nest[16];
	bool mutate;		/* attribute-level mutations on */
	bool framed_ok;		/* header and length left intact */
	int cmd;
	int nkeys;
	size_t keyr[8][2];	/* key attributes, header included */
};

static void *put_raw(struct msg *m, const void *p, size_t n)
{
	uint8_t *d;

	if (m->len + n > MSG_MAX - 64)
		return NULL;
	d = m->b + m->len;
	if (p)
		memcpy(d, p, n);
	else
		memset(d, 0, n);
	m->len += n;
	return d;
}

static void pad4(struct msg *m)
{
	while (m->len % 4)
		put_raw(m, NULL, 1);
}

static void put_attr_exact(struct msg *m, uint16_t type, const void *p,
			   size_t n)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + n),
			    .nla_type = type };

	if (m->len + NLA_HDRLEN + n + 4 > MSG_MAX - 64)
		return;
	put_raw(m, &a, sizeof(a));
	put_raw(m, p, n);
	pad4(m);
}

static const uint32_t extremes32[] = {
	0, 1, 2, 3, 4, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000,
	0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
};

static void garbage(struct msg *m, size_t max)
{
	uint8_t g[512];
	size_t n = rnd((uint32_t)(max < sizeof(g) ? max : sizeof(g)) + 1);

	rnd_bytes(g, n);
	put_raw(m, g, n);
}

/*
 * An attribute, possibly mutated: left out, sent twice, with a wrong
 * length, an unknown type, or garbage in front of it.
 */
static void put_attr(struct msg *m, uint16_t type, const void *p, size_t n)
{
	uint8_t tmp[600];
	size_t n2;

	if (!m->mutate) {
		put_attr_exact(m, type, p, n);
		return;
	}
	if (chance(2))
		return;
	if (chance(1)) {	/* an unknown attribute first */
		uint16_t t = (uint16_t)(chance(50) ? 40 + rnd(0x3fff - 40) :
					rnd(0x10000));
		n2 = rnd(40);
		rnd_bytes(tmp, n2);
		put_attr_exact(m, t, tmp, n2);
	}
	if (chance(2)) {	/* wrong length: shorter, longer, random */
		n2 = chance(50) ? (n ? rnd((uint32_t)n) : 0) :
				  n + 1 + rnd(chance(50) ? 8 : 300);
		if (n2 > sizeof(tmp))
			n2 = sizeof(tmp);
		rnd_bytes(tmp, n2);
		memcpy(tmp, p, n < n2 ? n : n2);
		put_attr_exact(m, type, tmp, n2);
		return;
	}
	if (chance(1))		/* the nested flag on a plain attribute */
		type |= NLA_F_NESTED;
	if (chance(1))		/* the byte-order flag */
		type |= NLA_F_NET_BYTEORDER;
	put_attr_exact(m, type, p, n);
	if (chance(2))		/* a duplicate, same or other value */
		put_attr_exact(m, type, p, n);
}

static void put_u8(struct msg *m, uint16_t t, uint8_t v)
{
	put_attr(m, t, &v, 1);
}

static void put_u16(struct msg *m, uint16_t t, uint16_t v)
{
	put_attr(m, t, &v, 2);
}

static void put_u32(struct msg *m, uint16_t t, uint32_t v)
{
	put_attr(m, t, &v, 4);
}

static void put_u64(struct msg *m, uint16_t t, uint64_t v)
{
	put_attr(m, t, &v, 8);
}

static void put_str(struct msg *m, uint16_t t, const char *s)
{
	put_attr(m, t, s, strlen(s) + 1);
}

/* A value for an integer attribute: often a sensible one, else extreme. */
static uint64_t val(uint64_t lo, uint64_t hi)
{
	if (chance(85))
		return lo + rnd64() % (hi - lo + 1);
	if (chance(20))
		return rnd64();
	if (chance(20))
		return ~0ULL - rnd(3);
	return extremes32[rnd(sizeof(extremes32) / sizeof(extremes32[0]))];
}

static void put_addr(struct msg *m, uint16_t t)
{
	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	switch (rnd(8)) {
	case 0:
		memset(a, 0, 16);
		break;
	case 1:
		memset(a, 0xff, 16);
		break;
	case 2:
		rnd_bytes(a, 16);
		break;
	case 3:
		memset(a, 0, 16);
		a[0] = 0xfe;
		a[1] = 0x80;
		a[15] = (uint8_t)rnd(4);
		break;
	default:
		a[15] = (uint8_t)(1 + rnd(8));
		break;
	}
	put_attr(m, t, a, 16);
}

static void put_key(struct msg *m, uint16_t t)
{
	static const uint16_t lens[] = { 16, 20, 32, 36, 64, 14, 24, 28, 48,
					 0, 1, 5, 127, 128, 129, 200 };
	uint8_t k[256];
	size_t n = lens[rnd(chance(80) ? 9 : sizeof(lens) / sizeof(lens[0]))];

	fill_key(k, n);
	/* Never mutate a key into another attribute: only drop, duplicate
	 * or resize it (a resized key keeps the pattern too).
	 */
	if (m->mutate && chance(2))
		return;
	for (int i = m->mutate && chance(2) ? 2 : 1; i > 0; i--) {
		size_t start = m->len;

		put_attr_exact(m, t, k, n);
		if (m->nkeys < 8) {
			m->keyr[m->nkeys][0] = start;
			m->keyr[m->nkeys++][1] = m->len;
		}
	}
}

/* Is @off inside a key attribute (never flipped: a flipped type could
 * turn a key into a label the kernel returns)?
 */
static bool in_key(const struct msg *m, size_t off)
{
	for (int i = 0; i < m->nkeys; i++)
		if (off >= m->keyr[i][0] && off < m->keyr[i][1])
			return true;
	return false;
}

static const char *const algs_auth[] = {
	"hmac(sha256)", "hmac(sha1)", "hmac(md5)", "hmac(sha512)",
	"hmac(sha384)", "digest_null", "xcbc(aes)", "cmac(aes)",
};
static const char *const algs_enc[] = {
	"cbc(aes)", "ctr(aes)", "ecb(cipher_null)", "cbc(des3_ede)",
	"rfc3686(ctr(aes))",
};
static const char *const algs_aead[] = {
	"rfc4106(gcm(aes))", "rfc4543(gcm(aes))",
	"rfc7539esp(chacha20,poly1305)", "gcm(aes)", "rfc4309(ccm(aes))",
};
static const char *const algs_bad[] = {
	"", "nosuchalg", "hmac(nosuch)", "cbc(hmac(sha256))", "sha256",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	"%s%n%x", "rfc4106(gcm(aes)) ",
};

#define PICK(a) ((a)[rnd(sizeof(a) / sizeof((a)[0]))])

static void put_alg(struct msg *m, uint16_t t, const char *const *good,
		    size_t ngood)
{
	if (m->mutate && chance(5)) {
		if (chance(30)) {	/* not NUL-terminated, or too long */
			char s[80];

			memset(s, 'a', sizeof(s));
			put_attr_exact(m, t, s, 1 + rnd(sizeof(s)));
			return;
		}
		put_str(m, t, PICK(algs_bad));
		return;
	}
	put_str(m, t, good[rnd((uint32_t)ngood)]);
}

static void nest_begin(struct msg *m, uint16_t type)
{
	struct nlattr a = { .nla_len = 0, .nla_type = type };

	if (!m->mutate || !chance(3))
		a.nla_type |= NLA_F_NESTED;
	m->nest[m->depth++] = m->len;
	put_raw(m, &a, sizeof(a));
}

static void nest_end(struct msg *m)
{
	size_t off = m->nest[--m->depth];
	struct nlattr *a = (struct nlattr *)(m->b + off);

	a->nla_len = (uint16_t)(m->len - off);
}

/* Garbage in a nest: random bytes, or attributes nested deeply. */
static void nest_garbage(struct msg *m, uint16_t type)
{
	int d, depth;

	nest_begin(m, type);
	if (chance(50)) {
		garbage(m, 200);
		pad4(m);
	} else {
		depth = 1 + rnd(12);
		for (d = 0; d < depth && m->depth < 15; d++)
			nest_begin(m, (uint16_t)rnd(40));
		put_u32(m, (uint16_t)rnd(40), (uint32_t)rnd64());
		while (d--)
			nest_end(m);
	}
	nest_end(m);
}

/* ---- requests ----------------------------------------------------------- */

static uint32_t fam_id;

static void msg_start(struct msg *m, int cmd, uint16_t flags, bool mutate)
{
	struct nlmsghdr h = { .nlmsg_type = (uint16_t)fam_id,
			      .nlmsg_flags = flags };
	struct genlmsghdr g = { .cmd = (uint8_t)cmd, .version = 1 };

	m->len = 0;
	m->depth = 0;
	m->mutate = mutate;
	m->framed_ok = true;
	m->cmd = cmd;
	m->nkeys = 0;
	put_raw(m, &h, sizeof(h));
	put_raw(m, &g, sizeof(g));
}

static void gen_policy(struct msg *m, bool full)
{
	static const uint8_t protos[] = { 6, 17, 58, 50, 51, 132, 136, 0, 255 };

	nest_begin(m, IPSEC6_A_POLICY);
	if (!full || !chance(5))	/* without: the kernel picks one */
		put_u32(m, IPSEC6_POLICY_A_INDEX, (uint32_t)val(1, 48));
	if (!full)
		goto out;
	if (chance(20))
		put_u32(m, IPSEC6_POLICY_A_OWNER, (uint32_t)val(0, 2));
	if (chance(50))
		put_u32(m, IPSEC6_POLICY_A_PRIORITY, (uint32_t)val(0, 5));
	put_u8(m, IPSEC6_POLICY_A_DIR, (uint8_t)val(1, 7));
	put_u8(m, IPSEC6_POLICY_A_ACTION, (uint8_t)val(0, 3));
	if (chance(40)) {
		put_addr(m, IPSEC6_POLICY_A_REMOTE_START);
		put_addr(m, IPSEC6_POLICY_A_REMOTE_END);
	}
	if (chance(30)) {
		put_addr(m, IPSEC6_POLICY_A_LOCAL_START);
		put_addr(m, IPSEC6_POLICY_A_LOCAL_END);
	}
	if (chance(40))
		put_u8(m, IPSEC6_POLICY_A_PROTO, PICK(protos));
	if (chance(20)) {
		put_u16(m, IPSEC6_POLICY_A_REMOTE_PORT_START, (uint16_t)val(0, 100));
		put_u16(m, IPSEC6_POLICY_A_REMOTE_PORT_END, (uint16_t)val(50, 65535));
	}
	if (chance(20)) {
		put_u16(m, IPSEC6_POLICY_A_LOCAL_PORT_START, (uint16_t)val(0, 100));
		put_u16(m, IPSEC6_POLICY_A_LOCAL_PORT_END, (uint16_t)val(50, 65535));
	}
	if (chance(10))
		put_u8(m, IPSEC6_POLICY_A_ICMP_TYPE, (uint8_t)val(0, 255));
	if (chance(10))
		put_u8(m, IPSEC6_POLICY_A_ICMP_CODE, (uint8_t)val(0, 255));
	if (chance(10))
		put_u32(m, IPSEC6_POLICY_A_FROM_PACKET, (uint32_t)val(0, 0x1f));
	if (chance(10))
		put_u32(m, IPSEC6_POLICY_A_IFINDEX, (uint32_t)val(0, 3));
	if (chance(50)) {
		put_u8(m, IPSEC6_POLICY_A_IPSEC_PROTO, (uint8_t)val(50, 51));
		put_u8(m, IPSEC6_POLICY_A_MODE, (uint8_t)val(1, 2));
	}
	if (chance(20))
		put_addr(m, IPSEC6_POLICY_A_TUNNEL_REMOTE);
	if (chance(10))
		put_addr(m, IPSEC6_POLICY_A_TUNNEL_LOCAL);
	if (chance(10))
		put_u32(m, IPSEC6_POLICY_A_BUNDLE_NEXT, (uint32_t)val(0, 48));
	if (chance(20))
		put_u32(m, IPSEC6_POLICY_A_REQID, (uint32_t)val(0, 5));
	if (chance(10))
		put_u32(m, IPSEC6_POLICY_A_FLAGS, (uint32_t)val(0, 3));
	if (m->mutate && chance(2))
		nest_garbage(m, IPSEC6_POLICY_A_COUNTS);
out:
	if (m->mutate && chance(2))
		nest_garbage(m, (uint16_t)rnd(IPSEC6_POLICY_A_MAX + 3));
	nest_end(m);
}

static void gen_sa(struct msg *m, bool full)
{
	uint8_t proto;

	nest_begin(m, IPSEC6_A_SA);
	if (!full || !chance(5))	/* without: the kernel picks one */
		put_u32(m, IPSEC6_SA_A_INDEX, (uint32_t)val(1, 48));
	put_u32(m, IPSEC6_SA_A_SPI, (uint32_t)val(250, 320));
	put_addr(m, IPSEC6_SA_A_DST);
	proto = (uint8_t)val(50, 51);
	put_u8(m, IPSEC6_SA_A_PROTO, proto);
	if (!full)
		goto out;
	if (chance(20))
		put_u32(m, IPSEC6_SA_A_OWNER, (uint32_t)val(0, 2));
	if (chance(50))
		put_u8(m, IPSEC6_SA_A_MODE, (uint8_t)val(1, 2));
	if (chance(30))
		put_u8(m, IPSEC6_SA_A_DIR, (uint8_t)val(0, 3));
	if (chance(40))
		put_addr(m, IPSEC6_SA_A_SRC);
	if (chance(20))
		put_u32(m, IPSEC6_SA_A_POLICY, (uint32_t)val(0, 48));
	if (chance(20))
		put_u32(m, IPSEC6_SA_A_REQID, (uint32_t)val(0, 5));
	if (chance(10))
		put_addr(m, IPSEC6_SA_A_SEL_DST);
	if (chance(10))
		put_addr(m, IPSEC6_SA_A_SEL_SRC);
	if (chance(10))
		put_u8(m, IPSEC6_SA_A_SEL_PROTO, (uint8_t)val(0, 255));
	if (chance(10))
		put_u16(m, IPSEC6_SA_A_SEL_DPORT, (uint16_t)val(0, 65535));
	if (chance(10))
		put_u16(m, IPSEC6_SA_A_SEL_SPORT, (uint16_t)val(0, 65535));
	switch (rnd(proto == 51 ? 2 : 4)) {
	case 0:		/* AUTH alone */
		put_alg(m, IPSEC6_SA_A_AUTH_NAME, algs_auth, 8);
		put_key(m, IPSEC6_SA_A_AUTH_KEY);
		break;
	case 1:		/* AEAD */
		put_alg(m, IPSEC6_SA_A_AEAD_NAME, algs_aead, 5);
		put_key(m, IPSEC6_SA_A_AEAD_KEY);
		break;
	default:	/* AUTH + ENC */
		put_alg(m, IPSEC6_SA_A_AUTH_NAME, algs_auth, 8);
		put_key(m, IPSEC6_SA_A_AUTH_KEY);
		put_alg(m, IPSEC6_SA_A_ENC_NAME, algs_enc, 5);
		put_key(m, IPSEC6_SA_A_ENC_KEY);
		break;
	}
	if (m->mutate && chance(3))	/* all three */
		put_alg(m, IPSEC6_SA_A_ENC_NAME, algs_enc, 5);
	if (chance(40))
		put_u32(m, IPSEC6_SA_A_ICV_LEN,
			(uint32_t)(chance(80) ? 64 + 32 * rnd(7) : val(0, 1024)));
	if (chance(40))
		put_u32(m, IPSEC6_SA_A_REPLAY_WINDOW, (uint32_t)val(0, 4097));
	if (chance(20))
		put_u32(m, IPSEC6_SA_A_FLAGS, (uint32_t)val(0, 3));
	for (int i = IPSEC6_SA_A_SOFT_BYTES; i <= IPSEC6_SA_A_HARD_USE_SECONDS;
	     i++)
		if (chance(5))
			put_u64(m, (uint16_t)i, val(0, 1000));
	if (chance(10))
		put_str(m, IPSEC6_SA_A_KEYFILE, "fuzz.key");
	if (chance(5))
		put_str(m, IPSEC6_SA_A_ENC_KEYFILE, "fuzz-enc.key");
	if (chance(10))
		put_u64(m, IPSEC6_SA_A_SEQ, val(0, 100));
	if (chance(10))
		put_u64(m, IPSEC6_SA_A_RSEQ, val(0, 100));
	if (m->mutate && chance(2))
		put_u32(m, IPSEC6_SA_A_KEY_BITS, 128);
	if (m->mutate && chance(2))
		put_u8(m, IPSEC6_SA_A_STATE, 1);
	if (m->mutate && chance(2))
		nest_garbage(m, IPSEC6_SA_A_COUNTS);
out:
	if (m->mutate && chance(2))
		nest_garbage(m, (uint16_t)rnd(IPSEC6_SA_A_MAX + 3));
	nest_end(m);
}

/* SA_ALLOC_SPI: a larval SA. */
static void gen_larval(struct msg *m)
{
	nest_begin(m, IPSEC6_A_SA);
	put_addr(m, IPSEC6_SA_A_DST);
	put_u8(m, IPSEC6_SA_A_PROTO, (uint8_t)val(50, 51));
	if (chance(30))
		put_addr(m, IPSEC6_SA_A_SRC);
	if (chance(30))
		put_u32(m, IPSEC6_SA_A_INDEX, (uint32_t)val(1, 48));
	if (chance(20))
		put_u32(m, IPSEC6_SA_A_REQID, (uint32_t)val(0, 5));
	if (chance(20))
		put_u32(m, IPSEC6_SA_A_OWNER, (uint32_t)val(0, 2));
	if (chance(30))
		put_u64(m, IPSEC6_SA_A_HARD_ADD_SECONDS, val(0, 3));
	if (chance(40))
		put_u32(m, IPSEC6_SA_A_SPI_MIN, (uint32_t)val(250, 320));
	if (chance(40))
		put_u32(m, IPSEC6_SA_A_SPI_MAX, (uint32_t)val(250, 320));
	if (m->mutate && chance(5))
		put_u32(m, IPSEC6_SA_A_SPI, (uint32_t)val(250, 320));
	nest_end(m);
}

#define F_REQ	NLM_F_REQUEST
#define F_ACK	NLM_F_ACK

/* The requests (not the events): 1 .. STATS_GET, then the later ones. */
static int pick_cmd(void)
{
	static const int later[] = { IPSEC6_CMD_SA_ALLOC_SPI,
				     IPSEC6_CMD_SA_UPDATE,
				     IPSEC6_CMD_SOCKET_BYPASS };
	int n = IPSEC6_CMD_STATS_GET + (int)(sizeof(later) / sizeof(later[0]));
	int i = (int)rnd((uint32_t)n);

	return i < IPSEC6_CMD_STATS_GET ? i + 1 : later[i - IPSEC6_CMD_STATS_GET];
}

static void gen_request(struct msg *m, bool mutate)
{
	int cmd = pick_cmd();
	uint16_t flags = F_REQ | F_ACK;

	if (chance(25))		/* changes more often than the rest */
		cmd = chance(50) ? IPSEC6_CMD_SA_NEW : IPSEC6_CMD_POLICY_NEW;
	if ((cmd == IPSEC6_CMD_POLICY_GET || cmd == IPSEC6_CMD_SA_GET) &&
	    chance(50))
		flags |= NLM_F_DUMP;
	if (mutate && chance(3))
		flags ^= (uint16_t)(1u << rnd(12));
	msg_start(m, cmd, flags, mutate);
	switch (cmd) {
	case IPSEC6_CMD_POLICY_NEW:
		gen_policy(m, true);
		if (chance(20))
			put_attr(m, IPSEC6_A_REPLACE, NULL, 0);
		break;
	case IPSEC6_CMD_POLICY_DEL:
	case IPSEC6_CMD_POLICY_GET:
		if (!(flags & NLM_F_DUMP) || chance(10))
			gen_policy(m, false);
		break;
	case IPSEC6_CMD_SA_NEW:
		gen_sa(m, true);
		if (chance(20))
			put_attr(m, IPSEC6_A_REPLACE, NULL, 0);
		break;
	case IPSEC6_CMD_SA_DEL:
	case IPSEC6_CMD_SA_GET:
		if (!(flags & NLM_F_DUMP) || chance(10))
			gen_sa(m, chance(10));
		break;
	case IPSEC6_CMD_TXN_BEGIN:
		if (chance(50))
			put_u32(m, IPSEC6_A_TXN_FLAGS, (uint32_t)val(0, 1));
		break;
	case IPSEC6_CMD_POLICY_FLUSH:
	case IPSEC6_CMD_SA_FLUSH:
		if (chance(30))
			put_u32(m, IPSEC6_A_OWNER, (uint32_t)val(0, 2));
		break;
	case IPSEC6_CMD_SA_ALLOC_SPI:
		gen_larval(m);
		break;
	case IPSEC6_CMD_SA_UPDATE:
		gen_sa(m, true);
		break;
	case IPSEC6_CMD_SOCKET_BYPASS:
		if (chance(95))
			put_u64(m, IPSEC6_A_SOCKET_COOKIE, val(0, 1000));
		if (chance(50))
			put_u32(m, IPSEC6_A_OWNER, (uint32_t)val(0, 2));
		break;
	default:
		break;
	}
	if (mutate && chance(2))	/* an attribute of another command */
		put_u32(m, (uint16_t)rnd(IPSEC6_A_MAX + 4), (uint32_t)rnd64());
	if (mutate && chance(1))
		nest_garbage(m, (uint16_t)rnd(IPSEC6_A_MAX + 4));
	((struct nlmsghdr *)m->b)->nlmsg_len = (uint32_t)m->len;
	if (!mutate)
		return;
	/* Message-level damage. */
	if (chance(1)) {
		m->b[NLMSG_HDRLEN] = (uint8_t)rnd(256);		/* cmd */
		m->framed_ok = false;
	}
	if (chance(1)) {
		m->b[NLMSG_HDRLEN + 1] = (uint8_t)rnd(256);	/* version */
	}
	if (chance(1) && m->len > NLMSG_HDRLEN + GENL_HDRLEN) {
		/* flip bytes anywhere after the headers (lengths, types) */
		int k = 1 + rnd(4);

		while (k--) {
			size_t off = NLMSG_HDRLEN + GENL_HDRLEN +
				rnd((uint32_t)(m->len - NLMSG_HDRLEN - GENL_HDRLEN));

			if (!in_key(m, off))
				m->b[off] ^= (uint8_t)(1 + rnd(255));
		}
	}
	if (chance(1)) {
		/* truncated: a shorter nlmsg_len, the rest dropped */
		m->len = rnd((uint32_t)m->len + 1);
		if (m->len >= 4)
			((struct nlmsghdr *)m->b)->nlmsg_len = (uint32_t)m->len;
		m->framed_ok = false;
	} else if (chance(1)) {
		/* nlmsg_len past the end, or tiny */
		((struct nlmsghdr *)m->b)->nlmsg_len =
			chance(50) ? (uint32_t)m->len + 4 + rnd(100) : rnd(20);
		m->framed_ok = false;
	}
}

/* ---- sockets ------------------------------------------------------------ */

struct stats {
	unsigned long sent, datagrams, replies, errors, ok, eperm, dumps,
		      trunc, nobufs, unanswered;
	unsigned long err_by[140];
};

static int nl_open(int rcvbuf)
{
	int one = 1, fd;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0) {
		perror("nlfuzz: socket");
		exit(2);
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	/* Without CAP_ACK the kernel echoes the request (with its keys)
	 * in an error: the caller's own bytes, not a leak.
	 */
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("nlfuzz: bind");
		exit(2);
	}
	return fd;
}

static int failures;

__attribute__((format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("nlfuzz: FAIL: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	fflush(stdout);
	failures++;
}

static void hexdump(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < 256; i++)
		printf("%02x%s", p[i], i % 32 == 31 ? "\n" : " ");
	putchar('\n');
}

/*
 * Reads everything queued (continuing dumps) without waiting; checks every
 * byte for key material.  @want_seq/@errs: the error of each sequence
 * number in [seq0, seq0 + n) (1 = none seen yet).
 */
static void drain(int fd, struct stats *st, uint32_t seq0, int n, int *errs,
		  size_t bufsz, const char *who)
{
	static uint8_t buf[1 << 17];

	for (;;) {
		ssize_t r = recv(fd, buf, bufsz, MSG_DONTWAIT | MSG_TRUNC);
		size_t got;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				st->nobufs++;
				continue;
			}
			if (errno != EAGAIN)
				fail("%s: recv: %s", who, strerror(errno));
			return;
		}
		st->datagrams++;
		got = (size_t)r < bufsz ? (size_t)r : bufsz;
		if ((size_t)r > bufsz)
			st->trunc++;
		if (has_key_masked(buf, got)) {
			key_hits++;
			fail("%s: key bytes in a reply", who);
			hexdump(buf, got);
		}
		for (size_t off = 0; off + NLMSG_HDRLEN <= got;) {
			struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);

			if (h->nlmsg_len < NLMSG_HDRLEN || off + h->nlmsg_len > got)
				break;
			st->replies++;
			if (h->nlmsg_type == NLMSG_ERROR &&
			    h->nlmsg_len >= NLMSG_HDRLEN + 4) {
				int e = -*(int *)NLMSG_DATA(h);

				if (e)
					st->errors++;
				else
					st->ok++;
				if (e == EPERM)
					st->eperm++;
				if (e >= 0 && e < 140)
					st->err_by[e]++;
				if (errs && h->nlmsg_seq - seq0 < (uint32_t)n)
					errs[h->nlmsg_seq - seq0] = e;
			} else if (h->nlmsg_type == NLMSG_DONE) {
				st->dumps++;
				if (errs && h->nlmsg_seq - seq0 < (uint32_t)n)
					errs[h->nlmsg_seq - seq0] = 0;
			}
			off += NLMSG_ALIGN(h->nlmsg_len);
		}
	}
}

/* Sends the datagram; returns false if the kernel refused it whole. */
static bool send_dgram(int fd, const uint8_t *p, size_t n)
{
	ssize_t r = send(fd, p, n, 0);

	return r == (ssize_t)n;
}

static uint32_t resolve_family(void)
{
	struct {
		struct nlmsghdr h;
		struct genlmsghdr g;
		uint8_t attrs[64];
	} req = { 0 };
	uint8_t buf[8192];
	struct nlattr *a;
	int fd = nl_open(0);
	ssize_t r;

	req.h.nlmsg_type = GENL_ID_CTRL;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.g.cmd = CTRL_CMD_GETFAMILY;
	req.g.version = 1;
	a = (struct nlattr *)req.attrs;
	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + sizeof(IPSEC6_GENL_NAME);
	memcpy(a + 1, IPSEC6_GENL_NAME, sizeof(IPSEC6_GENL_NAME));
	req.h.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + NLA_ALIGN(a->nla_len);
	if (send(fd, &req, req.h.nlmsg_len, 0) < 0)
		goto bad;
	r = recv(fd, buf, sizeof(buf), 0);
	if (r < (ssize_t)(NLMSG_HDRLEN + GENL_HDRLEN))
		goto bad;
	if (((struct nlmsghdr *)buf)->nlmsg_type == NLMSG_ERROR)
		goto bad;
	for (size_t off = NLMSG_HDRLEN + GENL_HDRLEN; off + 4 <= (size_t)r;) {
		a = (struct nlattr *)(buf + off);
		if (a->nla_len < 4)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID) {
			close(fd);
			return *(uint16_t *)(a + 1);
		}
		off += NLA_ALIGN(a->nla_len);
	}
bad:
	fprintf(stderr, "nlfuzz: family %s not found\n", IPSEC6_GENL_NAME);
	exit(2);
}

static uint32_t mcast_group(void)
{
	/* The id of "events": ask the controller again (simple parse). */
	struct {
		struct nlmsghdr h;
		struct genlmsghdr g;
		uint8_t attrs[64];
	} req = { 0 };
	uint8_t buf[8192];
	struct nlattr *a;
	int fd = nl_open(0);
	ssize_t r;

	req.h.nlmsg_type = GENL_ID_CTRL;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.g.cmd = CTRL_CMD_GETFAMILY;
	req.g.version = 1;
	a = (struct nlattr *)req.attrs;
	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + sizeof(IPSEC6_GENL_NAME);
	memcpy(a + 1, IPSEC6_GENL_NAME, sizeof(IPSEC6_GENL_NAME));
	req.h.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + NLA_ALIGN(a->nla_len);
	send(fd, &req, req.h.nlmsg_len, 0);
	r = recv(fd, buf, sizeof(buf), 0);
	close(fd);
	for (size_t off = NLMSG_HDRLEN + GENL_HDRLEN; r > 0 && off + 4 <= (size_t)r;) {
		a = (struct nlattr *)(buf + off);
		if (a->nla_len < 4)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GROUPS) {
			/* nest of nests: { ID u32, NAME } */
			uint8_t *p = (uint8_t *)(a + 1), *end = (uint8_t *)a + a->nla_len;

			while (p + 4 <= end) {
				struct nlattr *g = (struct nlattr *)p;
				uint8_t *q = (uint8_t *)(g + 1);

				while (q + 4 <= p + g->nla_len) {
					struct nlattr *x = (struct nlattr *)q;

					if ((x->nla_type & NLA_TYPE_MASK) ==
					    CTRL_ATTR_MCAST_GRP_ID)
						return *(uint32_t *)(x + 1);
					q += NLA_ALIGN(x->nla_len);
				}
				p += NLA_ALIGN(g->nla_len);
			}
		}
		off += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

/* One valid request and its answer (setup and cleanup). */
static int simple(int fd, int cmd, uint16_t flags)
{
	struct msg *m = calloc(1, sizeof(*m));
	struct stats st = { 0 };
	int err = 1;

	msg_start(m, cmd, F_REQ | F_ACK | flags, false);
	((struct nlmsghdr *)m->b)->nlmsg_seq = 0x7fff0000;
	((struct nlmsghdr *)m->b)->nlmsg_len = (uint32_t)m->len;
	send_dgram(fd, m->b, m->len);
	drain(fd, &st, 0x7fff0000, 1, &err, sizeof(((struct msg *)0)->b), "setup");
	free(m);
	return err;
}

/* The generation number, from a POLICY_GET dump (or ~0 on failure). */
static uint32_t generation(void)
{
	static uint8_t buf[1 << 16];
	struct msg *m = calloc(1, sizeof(*m));
	int fd = nl_open(0);
	uint32_t gen = ~0u;
	bool done = false;

	msg_start(m, IPSEC6_CMD_POLICY_GET, F_REQ | NLM_F_DUMP, false);
	((struct nlmsghdr *)m->b)->nlmsg_len = (uint32_t)m->len;
	send_dgram(fd, m->b, m->len);
	while (!done) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);

		if (r <= 0)
			break;
		for (size_t off = 0; off + NLMSG_HDRLEN <= (size_t)r;) {
			struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);

			if (h->nlmsg_len < NLMSG_HDRLEN)
				break;
			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			for (size_t a = NLMSG_HDRLEN + GENL_HDRLEN;
			     a + 4 <= h->nlmsg_len;) {
				struct nlattr *x = (struct nlattr *)((uint8_t *)h + a);

				if (x->nla_len < 4)
					break;
				if (x->nla_type == IPSEC6_A_GENERATION)
					gen = *(uint32_t *)(x + 1);
				a += NLA_ALIGN(x->nla_len);
			}
			off += NLMSG_ALIGN(h->nlmsg_len);
		}
	}
	close(fd);
	free(m);
	return gen;
}

/* ---- the children --------------------------------------------------------- */

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void report(const char *who, const struct stats *st)
{
	printf("nlfuzz: %s: %lu requests, %lu datagrams, %lu messages received "
	       "(%lu acks ok, %lu errors, %lu EPERM, %lu dumps done, "
	       "%lu truncated reads, %lu ENOBUFS)\n", who, st->sent,
	       st->datagrams, st->replies, st->ok, st->errors, st->eperm,
	       st->dumps, st->trunc, st->nobufs);
	fflush(stdout);
}

/* Dumps SAs and policies through the smallest receive buffer. */
static void dumper(void)
{
	struct stats st = { 0 };
	struct msg *m = calloc(1, sizeof(*m));
	int fd = nl_open(1);	/* raised to the kernel's minimum */
	uint32_t seq = 1;

	while (!stop) {
		int cmd = chance(60) ? IPSEC6_CMD_SA_GET :
			  chance(80) ? IPSEC6_CMD_POLICY_GET :
				       IPSEC6_CMD_STATS_GET;

		msg_start(m, cmd, F_REQ | F_ACK |
			  (cmd != IPSEC6_CMD_STATS_GET ? NLM_F_DUMP : 0), false);
		((struct nlmsghdr *)m->b)->nlmsg_seq = seq++;
		((struct nlmsghdr *)m->b)->nlmsg_len = (uint32_t)m->len;
		if (!send_dgram(fd, m->b, m->len))
			continue;
		st.sent++;
		/* Read part of the dump, let the rest wait a little, and
		 * sometimes through a tiny buffer (the message is lost).
		 */
		drain(fd, &st, 0, 0, NULL, chance(10) ? 16 + rnd(200) : 1 << 17,
		      "dumper");
		if (chance(5)) {
			close(fd);	/* in the middle of a dump */
			fd = nl_open(1);
		}
	}
	report("dumper", &st);
	exit(failures ? 1 : 0);
}

/* Listens to the events group through a small buffer. */
static void listener(uint32_t grp)
{
	struct stats st = { 0 };
	int fd = nl_open(2048);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)) < 0) {
		fail("listener: join events: %s", strerror(errno));
		exit(1);
	}
	while (!stop) {
		if (poll(&p, 1, 200) > 0)
			drain(fd, &st, 0, 0, NULL, chance(10) ? 64 : 1 << 17,
			      "listener");
	}
	drain(fd, &st, 0, 0, NULL, 1 << 17, "listener");
	report("events listener", &st);
	exit(failures ? 1 : 0);
}

/* ---- privileged fuzzing ------------------------------------------------------ */

#define BATCH 8

static void fuzz(unsigned long total)
{
	struct stats st = { 0 };
	static struct msg ms[BATCH];
	static uint8_t dgram[BATCH * MSG_MAX];
	int fd = nl_open(1 << 20), errs[BATCH];
	uint32_t seq = 1;
	unsigned long next_flush = 2000, next_reopen = 500;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (st.sent < total) {
		int n = chance(70) ? 1 : 1 + rnd(BATCH);
		size_t len = 0;
		uint32_t seq0 = seq;

		for (int i = 0; i < n; i++) {
			gen_request(&ms[i], !chance(15));
			if (ms[i].len >= NLMSG_HDRLEN) {
				((struct nlmsghdr *)ms[i].b)->nlmsg_seq = seq;
				if (!((struct nlmsghdr *)ms[i].b)->nlmsg_pid &&
				    chance(1))
					((struct nlmsghdr *)ms[i].b)->nlmsg_pid =
						(uint32_t)rnd64();
			}
			seq++;
			memcpy(dgram + len, ms[i].b, ms[i].len);
			len += NLMSG_ALIGN(ms[i].len);
			errs[i] = 1;
		}
		send_dgram(fd, dgram, len);
		st.sent += (unsigned long)n;
		drain(fd, &st, seq0, n, errs, chance(2) ? 32 : 1 << 17, "fuzzer");
		if (st.sent >= next_reopen) {
			/* drops an open transaction, and anything queued */
			close(fd);
			fd = nl_open(chance(20) ? 1 : 1 << 20);
			next_reopen = st.sent + 200 + rnd(2000);
		}
		if (st.sent >= next_flush) {
			simple(fd, IPSEC6_CMD_TXN_ABORT, 0);
			simple(fd, IPSEC6_CMD_SA_FLUSH, 0);
			if (chance(50))
				simple(fd, IPSEC6_CMD_POLICY_FLUSH, 0);
			next_flush = st.sent + 1000 + rnd(5000);
		}
		if (st.sent % 100000 < (unsigned long)n) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			fprintf(stderr, "nlfuzz: %lu sent, %.0f s\n", st.sent,
				(double)(t1.tv_sec - t0.tv_sec));
		}
	}
	simple(fd, IPSEC6_CMD_TXN_ABORT, 0);
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	report("fuzzer", &st);
	printf("nlfuzz: fuzzer: %.1f s, errors by errno:",
	       (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	for (int e = 0; e < 140; e++)
		if (st.err_by[e])
			printf(" %s=%lu", e ? strerrorname_np(e) : "0",
			       st.err_by[e]);
	putchar('\n');
}

/* ---- unprivileged ----------------------------------------------------------- */

static bool privileged_cmd(int cmd)
{
	return (cmd >= IPSEC6_CMD_POLICY_NEW && cmd <= IPSEC6_CMD_STATS_GET) ||
	       cmd == IPSEC6_CMD_SA_ALLOC_SPI || cmd == IPSEC6_CMD_SA_UPDATE ||
	       cmd == IPSEC6_CMD_SOCKET_BYPASS;
}

static void drop_cap_net_admin(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0) {
		perror("capget");
		exit(2);
	}
	d[0].effective &= ~(1u << CAP_NET_ADMIN);
	d[0].permitted &= ~(1u << CAP_NET_ADMIN);
	d[0].inheritable &= ~(1u << CAP_NET_ADMIN);
	prctl(PR_CAPBSET_DROP, CAP_NET_ADMIN, 0, 0, 0);
	if (syscall(SYS_capset, &h, d) < 0) {
		perror("capset");
		exit(2);
	}
}

static void unpriv_child(unsigned long total, int mode, uint32_t grp)
{
	struct stats st = { 0 };
	static struct msg m;
	int early = nl_open(1 << 20), fd, err;
	unsigned long checked = 0;
	uint32_t seq = 1;

	if (mode == 0) {
		drop_cap_net_admin();
	} else {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
			perror("nlfuzz: setuid nobody");
			exit(2);
		}
	}
	fd = nl_open(1 << 20);
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)) == 0 || errno != EPERM)
		fail("unprivileged (%s): joining events did not fail with EPERM",
		     mode ? "nobody" : "no CAP_NET_ADMIN");
	while (st.sent < total) {
		int s = chance(50) ? fd : early;

		gen_request(&m, true);
		if (!m.framed_ok || m.len < NLMSG_HDRLEN + GENL_HDRLEN)
			continue;
		/* A dump of a command without one is EOPNOTSUPP before the
		 * permission check on 6.12 (split ops): not a question of
		 * privilege.
		 */
		if (m.cmd != IPSEC6_CMD_SA_GET && m.cmd != IPSEC6_CMD_POLICY_GET)
			((struct nlmsghdr *)m.b)->nlmsg_flags &= ~NLM_F_DUMP;
		/* genetlink rejects other flags (EINVAL) before it looks at
		 * the command's permissions: not a question of privilege.
		 */
		((struct nlmsghdr *)m.b)->nlmsg_flags &=
			NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO | NLM_F_DUMP;
		if ((((struct nlmsghdr *)m.b)->nlmsg_flags & NLM_F_DUMP) !=
		    NLM_F_DUMP)
			((struct nlmsghdr *)m.b)->nlmsg_flags &= ~NLM_F_DUMP;
		((struct nlmsghdr *)m.b)->nlmsg_seq = seq;
		((struct nlmsghdr *)m.b)->nlmsg_flags |= F_ACK | F_REQ;
		err = 1;
		send_dgram(s, m.b, m.len);
		st.sent++;
		drain(s, &st, seq, 1, &err, 1 << 17, "unprivileged");
		if (privileged_cmd(m.b[NLMSG_HDRLEN])) {
			checked++;
			if (err != EPERM) {
				fail("unprivileged (%s): cmd %u answered %d, not EPERM",
				     mode ? "nobody" : "no CAP_NET_ADMIN",
				     m.b[NLMSG_HDRLEN], err);
				hexdump(m.b, m.len);
			}
		}
		seq++;
	}
	report(mode ? "unprivileged (nobody)" : "unprivileged (no CAP_NET_ADMIN)",
	       &st);
	printf("nlfuzz: unprivileged (%s): %lu requests of privileged commands, "
	       "all EPERM: %s\n", mode ? "nobody" : "no CAP_NET_ADMIN",
	       checked, failures ? "no" : "yes");
	exit(failures ? 1 : 0);
}

static int wait_child(pid_t pid, const char *who)
{
	int ws;

	if (waitpid(pid, &ws, 0) < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws)) {
		fail("%s child failed (status 0x%x)", who, ws);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long total = 10000;
	uint64_t seed = (uint64_t)time(NULL);
	bool unpriv = false;
	uint32_t grp;
	int opt;

	while ((opt = getopt(argc, argv, "n:s:u")) != -1) {
		switch (opt) {
		case 'n':
			total = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'u':
			unpriv = true;
			break;
		default:
			fprintf(stderr, "usage: nlfuzz [-n MESSAGES] [-s SEED] [-u]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	rng_s = seed;
	printf("nlfuzz: seed %llu, %lu messages%s\n", (unsigned long long)seed,
	       total, unpriv ? ", unprivileged" : "");
	fam_id = resolve_family();
	grp = mcast_group();

	if (unpriv) {
		int fd = nl_open(0);
		uint32_t g0;
		pid_t a, b;

		/* Nothing left to expire (an SA's lifetime, a larval SA)
		 * while the children run: that would move the generation.
		 */
		simple(fd, IPSEC6_CMD_SA_FLUSH, 0);
		simple(fd, IPSEC6_CMD_POLICY_FLUSH, 0);
		close(fd);
		g0 = generation();

		a = fork();
		if (!a) {
			rng_s = seed + 1;
			unpriv_child(total / 2, 0, grp);
		}
		b = fork();
		if (!b) {
			rng_s = seed + 2;
			unpriv_child(total - total / 2, 1, grp);
		}
		wait_child(a, "no CAP_NET_ADMIN");
		wait_child(b, "nobody");
		if (generation() != g0)
			fail("the generation moved through unprivileged requests (%u -> %u)",
			     g0, generation());
	} else {
		struct sigaction sa = { .sa_handler = on_term };
		pid_t d, l;

		sigaction(SIGTERM, &sa, NULL);
		d = fork();
		if (!d) {
			rng_s = seed ^ 0xd;
			dumper();
		}
		l = fork();
		if (!l) {
			rng_s = seed ^ 0xe;
			listener(grp);
		}
		fuzz(total);
		kill(d, SIGTERM);
		kill(l, SIGTERM);
		wait_child(d, "dumper");
		wait_child(l, "listener");
	}
	printf("nlfuzz: key bytes in replies: %lu\n", key_hits);
	printf("nlfuzz: %s\n", failures ? "FAILED" : "OK");
	return failures ? 1 : 0;
}
