/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Included first in every file the host tests compile from module/
 * (tests/host/spd-diff.sh, tests/host/tables-diff.sh): userspace stand-ins
 * for the kernel APIs those files use.  One thread, no concurrency: RCU
 * read sections are nothing, call_rcu() and friends wait for
 * shim_grace_period() (shim.c), allocations can be made to fail.  The
 * header files next to this one are mostly empty: everything is here.
 */
#ifndef _SHIM_H
#define _SHIM_H
#include <linux/types.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define U16_MAX 0xffff
#define U32_MAX 0xffffffffU
#define U64_MAX 0xffffffffffffffffULL
#define __force
#define __rcu
#define __percpu
#define BIT(n) (1UL << (n))
#define ntohl(x) __builtin_bswap32(x)
#define htonl(x) __builtin_bswap32(x)

#define container_of(p, t, m) ((t *)((char *)(p) - offsetof(t, m)))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define struct_size(p, m, n) (sizeof(*(p)) + sizeof((p)->m[0]) * (size_t)(n))
#define hweight64(x) __builtin_popcountll(x)
#define WARN_ON_ONCE(c) ({						\
	int __c = !!(c);						\
	if (__c)							\
		fprintf(stderr, "WARN_ON_ONCE %s:%d\n", __FILE__, __LINE__), \
		shim_warnings++;					\
	__c;								\
})
extern unsigned long shim_warnings;

static inline u64 get_unaligned_be64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return __builtin_bswap64(v);
}

static inline u32 roundup_pow_of_two(u32 n)
{
	u32 p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

u32 get_random_u32(void);

/* ---- allocation (shim.c): the Nth allocation can be made to fail ---- */
#define GFP_KERNEL 0u
#define GFP_KERNEL_ACCOUNT 0u
#define __GFP_ZERO 1u
extern unsigned long spd_shim_fail_after;	/* fail the Nth allocation */
extern long shim_live_allocs;
void *spd_shim_alloc(size_t n, int zero);
void shim_free(void *p);
#define kmalloc(n, f) spd_shim_alloc((n), !!((f) & __GFP_ZERO))
#define kzalloc(n, f) spd_shim_alloc((n), 1)
#define kfree(p) shim_free(p)
#define kvmalloc_array(n, s, f) spd_shim_alloc((size_t)(n) * (s), 0)
#define kvcalloc(n, s, f) spd_shim_alloc((size_t)(n) * (s), 1)
#define kvfree(p) shim_free(p)

/* ---- RCU: callbacks run at shim_grace_period() ---- */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));
void shim_kfree_rcu(void *p, struct rcu_head *head);
#define kfree_rcu(p, f) shim_kfree_rcu((p), &(p)->f)
unsigned long start_poll_synchronize_rcu(void);
int poll_state_synchronize_rcu(unsigned long cookie);
void shim_grace_period(void);
#define rcu_dereference(p) (p)
#define rcu_dereference_check(p, c) (p)
#define rcu_dereference_protected(p, c) (p)
#define rcu_assign_pointer(p, v) ((p) = (v))
#define RCU_INIT_POINTER(p, v) ((p) = (v))

/* ---- lock annotations, one thread ---- */
struct mutex {
	int held;
};
#define lockdep_is_held(l) ((l)->held)
#define lockdep_assert_held(l) do {					\
	if (!(l)->held)							\
		fprintf(stderr, "lock not held %s:%d\n", __FILE__, __LINE__), \
		shim_warnings++;					\
} while (0)
typedef struct {
	unsigned int seq;
} seqlock_t;
#define seqlock_init(s) ((s)->seq = 0)
#define read_seqbegin(s) ((s)->seq)
#define read_seqretry(s, v) ((s)->seq != (v))
#define write_seqlock_bh(s) ((s)->seq++)
#define write_sequnlock_bh(s) ((s)->seq++)

/* ---- lists ---- */
struct list_head {
	struct list_head *next, *prev;
};
#define INIT_LIST_HEAD(h) ((h)->next = (h)->prev = (h))
#define list_empty(h) ((h)->next == (h))
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
}

#define list_entry(p, t, m) container_of(p, t, m)
#define list_for_each_entry_safe(pos, n, head, member)			\
	for (pos = list_entry((head)->next, typeof(*pos), member),	\
	     n = list_entry(pos->member.next, typeof(*pos), member);	\
	     &pos->member != (head);					\
	     pos = n, n = list_entry(n->member.next, typeof(*n), member))

struct hlist_head {
	struct hlist_node *first;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

static inline void hlist_add_head_rcu(struct hlist_node *n,
				      struct hlist_head *h)
{
	n->next = h->first;
	n->pprev = &h->first;
	if (h->first)
		h->first->pprev = &n->next;
	h->first = n;
}

static inline void hlist_del_rcu(struct hlist_node *n)
{
	*n->pprev = n->next;
	if (n->next)
		n->next->pprev = n->pprev;
	n->pprev = NULL;
}

#define hlist_entry_safe(p, t, m) ({ typeof(p) __p = (p); \
	__p ? container_of(__p, t, m) : NULL; })
#define hlist_for_each_entry_rcu(pos, head, member, ...)		\
	for (pos = hlist_entry_safe((head)->first, typeof(*pos), member); \
	     pos; pos = hlist_entry_safe(pos->member.next, typeof(*pos), member))
#define hlist_for_each_entry(pos, head, member)				\
	hlist_for_each_entry_rcu(pos, head, member)

/* ---- work: runs at once ---- */
struct work_struct {
	void (*func)(struct work_struct *w);
};
struct workqueue_struct;
#define INIT_WORK(w, f) ((w)->func = (f))
static inline bool queue_work(struct workqueue_struct *q,
			      struct work_struct *w)
{
	w->func(w);
	return true;
}

/* ---- references ---- */
typedef struct {
	int refs;
} refcount_t;
#define refcount_set(r, v) ((r)->refs = (v))
#define refcount_inc(r) ((r)->refs++)
#define refcount_dec_and_test(r) (--(r)->refs == 0)
#define refcount_inc_not_zero(r) ((r)->refs ? ++(r)->refs : 0)
typedef struct {
	long long counter;
} atomic64_t;
#define atomic64_read(a) ((a)->counter)
#define atomic64_inc(a) ((a)->counter++)
#define atomic64_add(v, a) ((a)->counter += (v))
typedef long long time64_t;

/* ---- xarray (shim.c): u32 indexes, reserve/release, failing stores ---- */
struct xarray {
	void *root;
};
#define xa_init(xa) ((xa)->root = NULL)
void *xa_load(struct xarray *xa, unsigned long index);
void *xa_store(struct xarray *xa, unsigned long index, void *p, gfp_t gfp);
void *xa_erase(struct xarray *xa, unsigned long index);
int xa_reserve(struct xarray *xa, unsigned long index, gfp_t gfp);
void xa_release(struct xarray *xa, unsigned long index);
void *shim_xa_next(struct xarray *xa, unsigned long *index);
void xa_destroy(struct xarray *xa);
#define xa_err(p) 0
#define xa_mk_value(v) ((void *)(((unsigned long)(v) << 2) | 2))
#define xa_to_value(p) ((unsigned long)(p) >> 2)
bool xa_empty(struct xarray *xa);
#define xa_for_each(xa, i, e)						\
	for (i = 0, e = shim_xa_next(xa, &i); e; i++, e = shim_xa_next(xa, &i))

/* ---- hashing, addresses ---- */
u32 jhash2(const u32 *k, u32 n, u32 initval);
u32 jhash_3words(u32 a, u32 b, u32 c, u32 initval);
static inline bool ipv6_addr_equal(const struct in6_addr *a,
				   const struct in6_addr *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static inline int ipv6_addr_cmp(const struct in6_addr *a,
				const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a));
}

static inline u32 ipv6_addr_hash(const struct in6_addr *a)
{
	return a->s6_addr32[0] ^ a->s6_addr32[1] ^ a->s6_addr32[2] ^
	       a->s6_addr32[3];
}

static inline void ipv6_addr_prefix(struct in6_addr *pfx,
				    const struct in6_addr *addr, int plen)
{
	int o = plen >> 3, b = plen & 7;

	memset(pfx->s6_addr, 0, sizeof(pfx->s6_addr));
	memcpy(pfx->s6_addr, addr, o);
	if (b)
		pfx->s6_addr[o] = addr->s6_addr[o] & (0xff00 >> b);
}

void *ipsec6_array_alloc(size_t n, size_t size, gfp_t gfp);
#endif
