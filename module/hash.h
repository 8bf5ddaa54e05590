/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_HASH_H
#define _IPSEC6_HASH_H

#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/seqlock.h>
#include <linux/types.h>

struct ipsec6_hash_tbl {
	u32 mask;
	struct hlist_head *b;
	struct rcu_head rcu;
};

/*
 * A chained hash table that readers walk under RCU while one writer (who
 * holds @lock) adds and removes nodes; see hash.c.  The users keep their
 * own keys: they compute a node's hash with @seed and compare keys while
 * walking a bucket.  Several nodes may have the same key.
 */
struct ipsec6_hash {
	struct ipsec6_hash_tbl __rcu *tbl;
	seqlock_t move;			/* taken while nodes change table */
	u32 count;
	u32 seed;
	struct mutex *lock;		/* the writers' lock */
	/* A node's hash, for moving it to a table of another size. */
	u32 (*hashfn)(const struct ipsec6_hash *h, const struct hlist_node *n);
};

int ipsec6_hash_init(struct ipsec6_hash *h, struct mutex *lock,
		     u32 (*hashfn)(const struct ipsec6_hash *h,
				   const struct hlist_node *n));
void ipsec6_hash_destroy(struct ipsec6_hash *h);
void ipsec6_hash_add(struct ipsec6_hash *h, struct hlist_node *n, u32 hash);
void ipsec6_hash_del(struct ipsec6_hash *h, struct hlist_node *n);
bool ipsec6_hash_wants_resize(const struct ipsec6_hash *h);
bool ipsec6_hash_overloaded(const struct ipsec6_hash *h);
int ipsec6_hash_resize(struct ipsec6_hash *h);

/*
 * Readers (RCU read side):
 *
 *	do {
 *		seq = ipsec6_hash_begin(h);
 *		hlist_for_each_entry_rcu(x, ipsec6_hash_bucket(h, hash), node)
 *			...
 *	} while (ipsec6_hash_retry(h, seq));
 *
 * A walk that overlapped a resize may have missed nodes and is repeated.
 */
static inline unsigned int ipsec6_hash_begin(const struct ipsec6_hash *h)
{
	return read_seqbegin(&h->move);
}

static inline bool ipsec6_hash_retry(const struct ipsec6_hash *h,
				     unsigned int seq)
{
	return read_seqretry(&h->move, seq);
}

/* The bucket of @hash for a reader (RCU) or the writer (@h->lock). */
static inline struct hlist_head *ipsec6_hash_bucket(const struct ipsec6_hash *h,
						    u32 hash)
{
	struct ipsec6_hash_tbl *t;

	t = rcu_dereference_check(h->tbl, lockdep_is_held(h->lock));

	return &t->b[hash & t->mask];
}

/* The bucket of @hash for the writer. */
static inline struct hlist_head *
ipsec6_hash_bucket_w(const struct ipsec6_hash *h, u32 hash)
{
	struct ipsec6_hash_tbl *t;

	t = rcu_dereference_protected(h->tbl, lockdep_is_held(h->lock));
	return &t->b[hash & t->mask];
}

#endif /* _IPSEC6_HASH_H */
