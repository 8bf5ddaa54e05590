// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-line parts of the userspace kernel stand-ins (shim.h):
 * allocations that fail on demand, RCU callbacks held until
 * shim_grace_period(), a small xarray.
 */
#include "shim.h"

unsigned long spd_shim_fail_after;
long shim_live_allocs;
unsigned long shim_warnings;

void *spd_shim_alloc(size_t n, int zero)
{
	void *p;

	if (spd_shim_fail_after && !--spd_shim_fail_after)
		return NULL;
	p = zero ? calloc(1, n ? n : 1) : malloc(n ? n : 1);
	if (p)
		shim_live_allocs++;
	return p;
}

void shim_free(void *p)
{
	if (p)
		shim_live_allocs--;
	free(p);
}

void *ipsec6_array_alloc(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return spd_shim_alloc(bytes, !!(gfp & __GFP_ZERO));
}

static u64 shim_rng = 88172645463325252ULL;

u32 get_random_u32(void)
{
	shim_rng ^= shim_rng << 13;
	shim_rng ^= shim_rng >> 7;
	shim_rng ^= shim_rng << 17;
	return (u32)shim_rng;
}

/* ---- RCU ---------------------------------------------------------------- */

static struct rcu_head *shim_cbs;
static unsigned long shim_gp_done;

void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
	head->func = func;
	head->next = shim_cbs;
	shim_cbs = head;
}

struct shim_kfree {
	struct rcu_head head;
	void *p;
};

static void shim_kfree_run(struct rcu_head *head)
{
	struct shim_kfree *k = container_of(head, struct shim_kfree, head);

	shim_free(k->p);
	free(k);
}

void shim_kfree_rcu(void *p, struct rcu_head *head)
{
	struct shim_kfree *k = malloc(sizeof(*k));

	(void)head;
	k->p = p;
	call_rcu(&k->head, shim_kfree_run);
}

unsigned long start_poll_synchronize_rcu(void)
{
	return shim_gp_done + 1;
}

int poll_state_synchronize_rcu(unsigned long cookie)
{
	return shim_gp_done >= cookie;
}

/* Every reader left: run the callbacks queued so far. */
void shim_grace_period(void)
{
	struct rcu_head *h = shim_cbs, *next;

	shim_cbs = NULL;
	shim_gp_done++;
	for (; h; h = next) {
		next = h->next;
		h->func(h);
	}
}

/* ---- xarray: a two-level table of u32 indexes ----------------------------- */

#define XA_RESERVED ((void *)1)
#define XA_TOP 65536

static void ***shim_xa_top(struct xarray *xa)
{
	if (!xa->root)
		xa->root = calloc(XA_TOP, sizeof(void **));
	return xa->root;
}

static void **shim_xa_slot(struct xarray *xa, unsigned long index, int create)
{
	void ***top = shim_xa_top(xa);
	void **leaf = top[index >> 16];

	if (!leaf && create) {
		leaf = calloc(XA_TOP, sizeof(void *));
		top[index >> 16] = leaf;
	}
	return leaf ? &leaf[index & 0xffff] : NULL;
}

void *xa_load(struct xarray *xa, unsigned long index)
{
	void **s = shim_xa_slot(xa, index, 0);

	return s && *s != XA_RESERVED ? *s : NULL;
}

/* Storing into an empty slot may fail, as a node allocation would. */
void *xa_store(struct xarray *xa, unsigned long index, void *p, gfp_t gfp)
{
	void **s = shim_xa_slot(xa, index, 1);
	void *old = *s;

	if (!old && spd_shim_fail_after && !--spd_shim_fail_after) {
		fprintf(stderr, "xa_store failed where the caller cannot\n");
		shim_warnings++;
		return NULL;
	}
	*s = p;
	return old == XA_RESERVED ? NULL : old;
}

void *xa_erase(struct xarray *xa, unsigned long index)
{
	void **s = shim_xa_slot(xa, index, 0);
	void *old = s ? *s : NULL;

	if (s)
		*s = NULL;
	return old == XA_RESERVED ? NULL : old;
}

int xa_reserve(struct xarray *xa, unsigned long index, gfp_t gfp)
{
	void **s = shim_xa_slot(xa, index, 1);

	if (*s)
		return 0;
	if (spd_shim_fail_after && !--spd_shim_fail_after)
		return -ENOMEM;
	*s = XA_RESERVED;
	return 0;
}

void xa_release(struct xarray *xa, unsigned long index)
{
	void **s = shim_xa_slot(xa, index, 0);

	if (s && *s == XA_RESERVED)
		*s = NULL;
}

/* The entry at *@index or the next one above it. */
void *shim_xa_next(struct xarray *xa, unsigned long *index)
{
	void ***top = shim_xa_top(xa);
	unsigned long i;

	for (i = *index; i <= 0xffffffffUL; i++) {
		void **leaf = top[i >> 16];

		if (!leaf) {
			i |= 0xffff;
			continue;
		}
		if (leaf[i & 0xffff] && leaf[i & 0xffff] != XA_RESERVED) {
			*index = i;
			return leaf[i & 0xffff];
		}
	}
	return NULL;
}

bool xa_empty(struct xarray *xa)
{
	unsigned long i = 0;

	return !shim_xa_next(xa, &i);
}

void xa_destroy(struct xarray *xa)
{
	void ***top = xa->root;
	int i;

	if (!top)
		return;
	for (i = 0; i < XA_TOP; i++)
		free(top[i]);
	free(top);
	xa->root = NULL;
}

/* ---- hashing (any decent mix will do here) ------------------------------- */

static u32 shim_mix(u32 h, u32 v)
{
	h ^= v;
	h *= 0x9e3779b1;
	return h ^ (h >> 15);
}

u32 jhash2(const u32 *k, u32 n, u32 initval)
{
	u32 h = initval ^ 0x5bd1e995;

	while (n--)
		h = shim_mix(h, *k++);
	return shim_mix(h, 0);
}

u32 jhash_3words(u32 a, u32 b, u32 c, u32 initval)
{
	u32 k[3] = { a, b, c };

	return jhash2(k, 3, initval);
}
