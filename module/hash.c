// SPDX-License-Identifier: GPL-2.0
/*
 * Chained hash tables for the multi-version lookup structures (policies
 * by address, SAs by SPI and by destination).
 *
 * One writer at a time (the namespace's lock) adds and removes nodes with
 * the RCU list primitives; readers walk a bucket under RCU and never
 * block.  Objects stay linked until no reader can need them (generations,
 * gen.h), so a change never makes a reader miss an object.  The only
 * exception is a resize, which moves every node to a table of another
 * size: it runs under a seqlock with bottom halves off, and a reader whose
 * walk overlapped it walks again (the way XFRM resizes its state hashes).
 * A walk always ends: a moved node only points to moved nodes.
 *
 * Resizing is O(n) and left to the caller (a work item in the kernel), so
 * that no single change pays it: ipsec6_hash_wants_resize() says when the
 * load leaves [1/8, 1] nodes per bucket; the new size puts it back
 * between 1/2 and 1.
 */
#include <linux/log2.h>
#include <linux/random.h>
#include <linux/slab.h>
#include "array.h"
#include "hash.h"

#define IPSEC6_HASH_MIN		16

static struct ipsec6_hash_tbl *ipsec6_hash_tbl_alloc(u32 size)
{
	struct ipsec6_hash_tbl *t;

	t = kmalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return NULL;
	t->b = ipsec6_array_alloc(size, sizeof(*t->b),
				  GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!t->b) {
		kfree(t);
		return NULL;
	}
	t->mask = size - 1;
	return t;
}

static void ipsec6_hash_tbl_free(struct ipsec6_hash_tbl *t)
{
	kvfree(t->b);
	kfree(t);
}

static void ipsec6_hash_tbl_free_rcu(struct rcu_head *head)
{
	ipsec6_hash_tbl_free(container_of(head, struct ipsec6_hash_tbl, rcu));
}

/**
 * ipsec6_hash_init - an empty table
 * @h: the table
 * @lock: the lock every writer holds
 * @hashfn: the hash of a linked node (for resizing)
 */
int ipsec6_hash_init(struct ipsec6_hash *h, struct mutex *lock,
		     u32 (*hashfn)(const struct ipsec6_hash *h,
				   const struct hlist_node *n))
{
	struct ipsec6_hash_tbl *t = ipsec6_hash_tbl_alloc(IPSEC6_HASH_MIN);

	if (!t)
		return -ENOMEM;
	RCU_INIT_POINTER(h->tbl, t);
	seqlock_init(&h->move);
	h->count = 0;
	h->seed = get_random_u32();
	h->lock = lock;
	h->hashfn = hashfn;
	return 0;
}

/* No reader can see @h any more; its nodes are the caller's business. */
void ipsec6_hash_destroy(struct ipsec6_hash *h)
{
	struct ipsec6_hash_tbl *t = rcu_dereference_protected(h->tbl, true);

	if (t)
		ipsec6_hash_tbl_free(t);
	RCU_INIT_POINTER(h->tbl, NULL);
}

void ipsec6_hash_add(struct ipsec6_hash *h, struct hlist_node *n, u32 hash)
{
	hlist_add_head_rcu(n, ipsec6_hash_bucket_w(h, hash));
	h->count++;
}

/* Readers may still be on @n: free it after a grace period. */
void ipsec6_hash_del(struct ipsec6_hash *h, struct hlist_node *n)
{
	lockdep_assert_held(h->lock);
	hlist_del_rcu(n);
	h->count--;
}

/* Buckets for @count nodes: between 1/2 and 1 node per bucket. */
static u32 ipsec6_hash_target(u32 count)
{
	return max_t(u32, IPSEC6_HASH_MIN, roundup_pow_of_two(count + 1));
}

bool ipsec6_hash_wants_resize(const struct ipsec6_hash *h)
{
	const struct ipsec6_hash_tbl *t;
	u32 size;

	t = rcu_dereference_protected(h->tbl, lockdep_is_held(h->lock));
	size = t->mask + 1;
	return h->count > size ||
	       (size > IPSEC6_HASH_MIN && h->count < size / 8);
}

/* More than four nodes per bucket: a writer should resize now. */
bool ipsec6_hash_overloaded(const struct ipsec6_hash *h)
{
	const struct ipsec6_hash_tbl *t;

	t = rcu_dereference_protected(h->tbl, lockdep_is_held(h->lock));
	return h->count > 4 * (t->mask + 1);
}

/**
 * ipsec6_hash_resize - move every node to a table sized for the load
 * @h: the table (writer)
 *
 * O(n), with bottom halves off while the nodes move.  On -ENOMEM the old
 * table stays, which only makes chains longer.
 */
int ipsec6_hash_resize(struct ipsec6_hash *h)
{
	struct ipsec6_hash_tbl *old, *new;
	struct hlist_node *n;
	u32 i, size;

	old = rcu_dereference_protected(h->tbl, lockdep_is_held(h->lock));
	size = ipsec6_hash_target(h->count);
	if (size == old->mask + 1)
		return 0;
	new = ipsec6_hash_tbl_alloc(size);
	if (!new)
		return -ENOMEM;
	write_seqlock_bh(&h->move);
	for (i = 0; i <= old->mask; i++) {
		while ((n = old->b[i].first)) {
			hlist_del_rcu(n);
			hlist_add_head_rcu(n, &new->b[h->hashfn(h, n) &
						       new->mask]);
		}
	}
	rcu_assign_pointer(h->tbl, new);
	write_sequnlock_bh(&h->move);
	call_rcu(&old->rcu, ipsec6_hash_tbl_free_rcu);
	return 0;
}
