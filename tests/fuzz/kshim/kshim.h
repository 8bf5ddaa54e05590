/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of the kernel API to compile module/selector.c and
 * module/replay.c as user-space code for libFuzzer (tests/fuzz/).
 * The kernel headers they include resolve to this file, from this folder;
 * the uapi ones (linux/types.h, linux/in6.h, linux/ipv6.h) are the
 * system's.
 */
#ifndef IPSEC6_KSHIM_H
#define IPSEC6_KSHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/types.h>
#include <linux/in6.h>
#include <linux/ipv6.h>

/* Skip module/compat.h: it wants genetlink and the kernel version. */
#define _IPSEC6_COMPAT_H

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define U16_MAX		((u16)~0U)
#define U64_MAX		((u64)~0ULL)
#define BITS_PER_LONG	64
#define BITS_TO_LONGS(n)	(((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define round_up(x, y)	((((x) - 1) | ((__typeof__(x))((y) - 1))) + 1)
#define struct_size(p, member, n) \
	(sizeof(*(p)) + sizeof((p)->member[0]) * (size_t)(n))
#define lower_32_bits(n)	((u32)((n) & 0xffffffff))
#define upper_32_bits(n)	((u32)(((n) >> 16) >> 16))
#define READ_ONCE(x)	(*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))

/* Memory: plain malloc, so that ASan sees every byte. */
#define GFP_KERNEL_ACCOUNT	0
#define GFP_ATOMIC		0
static inline void *kzalloc(size_t n, int gfp)
{
	(void)gfp;
	return calloc(1, n);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

/* Locks: single-threaded. */
typedef struct { int held; } spinlock_t;
#define spin_lock_init(l)	((l)->held = 0)
static inline void spin_lock_bh(spinlock_t *l)
{
	if (l->held++)
		abort();	/* recursion: a real deadlock */
}

static inline void spin_unlock_bh(spinlock_t *l)
{
	if (--l->held)
		abort();
}

/* RCU: single-threaded, so a grace period is immediate. */
struct rcu_head { void *unused; };
#define __rcu
#define lockdep_is_held(l)		((void)(l), true)
#define rcu_dereference(p)		(p)
#define rcu_dereference_protected(p, c)	((void)(c), (p))
#define rcu_assign_pointer(p, v)	((p) = (v))
#define RCU_INIT_POINTER(p, v)		((p) = (v))
#define kfree_rcu(p, field)		kfree(p)

/* Bitmaps: the generic non-atomic versions, bounds-checked by ASan. */
static inline bool test_bit(unsigned long nr, const unsigned long *addr)
{
	return (addr[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1;
}

static inline void __set_bit(unsigned long nr, unsigned long *addr)
{
	addr[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG);
}

static inline void __clear_bit(unsigned long nr, unsigned long *addr)
{
	addr[nr / BITS_PER_LONG] &= ~(1UL << (nr % BITS_PER_LONG));
}

static inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

/* Unaligned big-endian loads. */
static inline u64 get_unaligned_be64(const void *p)
{
	const u8 *b = p;
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

/* Neighbour Discovery message types of net/ndisc.h. */
#define NDISC_ROUTER_SOLICITATION	133
#define NDISC_ROUTER_ADVERTISEMENT	134
#define NDISC_NEIGHBOUR_SOLICITATION	135
#define NDISC_NEIGHBOUR_ADVERTISEMENT	136
#define NDISC_REDIRECT			137

/* IPv6 bits of net/ipv6.h. */
#define NEXTHDR_HOP		0
#define NEXTHDR_ROUTING		43
#define NEXTHDR_FRAGMENT	44
#define NEXTHDR_DEST		60
#define IP6_OFFSET		0xFFF8
#define ipv6_optlen(p)		(((p)->hdrlen + 1) << 3)

struct frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;
	__be32 identification;
};

/*
 * A linear socket buffer.  skb_header_pointer() returns a pointer into
 * the data (the kernel may copy into the buffer instead; callers must
 * accept either), NULL past the end.  The data is allocated to its exact
 * length so that any read past it is an ASan report.
 */
struct sk_buff {
	unsigned char *data;
	unsigned int len;
	int network_offset;
};

static inline int skb_network_offset(const struct sk_buff *skb)
{
	return skb->network_offset;
}

static inline struct ipv6hdr *ipv6_hdr(const struct sk_buff *skb)
{
	return (struct ipv6hdr *)(skb->data + skb->network_offset);
}

static inline void *skb_header_pointer(const struct sk_buff *skb, int off,
				       int len, void *buf)
{
	(void)buf;
	if (off < 0 || len < 0 || (unsigned int)off > skb->len ||
	    (unsigned int)len > skb->len - (unsigned int)off)
		return NULL;
	return skb->data + off;
}

#endif /* IPSEC6_KSHIM_H */
