// SPDX-License-Identifier: GPL-2.0
/*
 * Identifiers the kernel picks: the index of a policy or SA added without
 * one, and the SPI of a larval SA (SA_ALLOC_SPI).
 *
 * A free index is used neither by the published generation nor by the
 * change set the request edits (which may have added or deleted entries
 * since).
 * The search goes upward from a per-namespace cursor that starts at
 * IPSEC6_INDEX_AUTO and wraps to 2 (index 1 is the default policy's), and
 * the cursor moves past the index taken.  The two sets hold at most 2n
 * indexes between them, so the search ends after at most 2n + 1 steps.
 *
 * A free SPI is one no SA, larval or not, staged or published, has with
 * the same destination and protocol: a random one in the range asked for
 * (tried by hash lookup a few times), or, when those are taken (a range
 * nearly full), the next free one above a random one, from a scan of
 * every SA.
 *
 * Everything here runs under ipsec6_net.lock.
 */
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/ipv6.h>
#include "alloc.h"
#include "db.h"
#include "netlink.h"
#include "netns.h"
#include "sad_index.h"
#include "txn.h"

/* Is @i used in the change set or the published generation? */
static bool ipsec6_alloc_index_used(struct ipsec6_net *in,
				    struct ipsec6_txn *txn, bool sa, u32 i)
{
	u64 g = txn->c.gen;

	if (sa)
		return ipsec6_tables_sa(txn->t, i, g) ||
		       ipsec6_tables_sa(txn->t, i, g - 1);
	return ipsec6_tables_policy(txn->t, i, g) ||
	       ipsec6_tables_policy(txn->t, i, g - 1);
}

static int ipsec6_alloc_index(struct ipsec6_net *in, struct ipsec6_txn *txn,
			      bool sa, u32 *index,
			      struct netlink_ext_ack *extack)
{
	u32 *cursor = sa ? &in->sa_cursor : &in->pol_cursor;
	u32 start, i;

	lockdep_assert_held(&in->lock);

	if (*cursor < 2)
		*cursor = IPSEC6_INDEX_AUTO;
	start = *cursor;
	i = start;
	do {
		if (!ipsec6_alloc_index_used(in, txn, sa, i)) {
			*index = i;
			*cursor = i == U32_MAX ? 2 : i + 1;
			return 0;
		}
		i = i == U32_MAX ? 2 : i + 1;
	} while (i != start);
	ipsec6_netlink_err(extack, NULL, "INDEX: no free %s index",
			   sa ? "SA" : "policy");
	return -ENOSPC;
}

/**
 * ipsec6_alloc_policy_index - a free index for a policy added without one
 * @in: namespace
 * @txn: the change set the request edits
 * @index: result
 * @extack: for the error message
 */
int ipsec6_alloc_policy_index(struct ipsec6_net *in, struct ipsec6_txn *txn,
			      u32 *index, struct netlink_ext_ack *extack)
{
	return ipsec6_alloc_index(in, txn, false, index, extack);
}

/* The same for an SA. */
int ipsec6_alloc_sa_index(struct ipsec6_net *in, struct ipsec6_txn *txn,
			  u32 *index, struct netlink_ext_ack *extack)
{
	return ipsec6_alloc_index(in, txn, true, index, extack);
}

static int ipsec6_alloc_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* Would @sa, with SPI @spi in [@min, @max], collide with @o? */
static bool ipsec6_alloc_spi_taken(const struct ipsec6_sa *o,
				   const struct ipsec6_sa *sa, u32 min, u32 max)
{
	u32 spi = be32_to_cpu(o->spi);

	return o->proto == sa->proto && ipv6_addr_equal(&o->dst, &sa->dst) &&
	       spi >= min && spi <= max;
}

/* Is @spi taken for @sa's destination and protocol (staged or published)? */
static bool ipsec6_alloc_spi_used(struct ipsec6_txn *txn,
				  const struct ipsec6_sa *sa, u32 spi)
{
	const struct ipsec6_sad_index *x = &txn->t->sad;
	__be32 v = cpu_to_be32(spi);
	u64 g = txn->c.gen;

	return ipsec6_sad_index_lookup(x, v, &sa->dst, sa->proto, g) ||
	       ipsec6_sad_index_lookup(x, v, &sa->dst, sa->proto, g - 1);
}

/*
 * The SPIs in [@min, @max] taken for @sa's destination and protocol, in
 * the change set and the published tables, sorted (duplicates kept).
 */
static u32 *ipsec6_alloc_spis_taken(struct ipsec6_txn *txn,
				    const struct ipsec6_sa *sa, u32 min,
				    u32 max, u32 *n)
{
	u64 g = txn->c.gen;
	struct ipsec6_sa *o;
	unsigned long i;
	u32 k = 0, cap = 0, *used;
	void *head;

	xa_for_each(&txn->t->sa, i, head)
		cap += 2;
	used = kvmalloc_array(max_t(u32, cap, 1), sizeof(*used), GFP_KERNEL);
	if (!used)
		return NULL;
	xa_for_each(&txn->t->sa, i, head) {
		o = ipsec6_tables_sa(txn->t, i, g);
		if (o && ipsec6_alloc_spi_taken(o, sa, min, max) && k < cap)
			used[k++] = be32_to_cpu(o->spi);
		o = ipsec6_tables_sa(txn->t, i, g - 1);
		if (o && ipsec6_alloc_spi_taken(o, sa, min, max) && k < cap)
			used[k++] = be32_to_cpu(o->spi);
	}
	sort(used, k, sizeof(*used), ipsec6_alloc_cmp_u32, NULL);
	*n = k;
	return used;
}

/* Random SPIs tried by lookup before the range is searched in full. */
#define IPSEC6_ALLOC_SPI_TRIES	16

/**
 * ipsec6_alloc_spi - a free random SPI for a larval SA
 * @in: namespace
 * @txn: the change set the request edits
 * @sa: the SA (destination and protocol set); its SPI is set
 * @min: lowest acceptable SPI (>= IPSEC6_SPI_MIN)
 * @max: highest acceptable SPI (>= @min)
 * @extack: for the error message
 *
 * Returns 0, or -ENOSPC when every SPI of the range is taken.
 */
int ipsec6_alloc_spi(struct ipsec6_net *in, struct ipsec6_txn *txn,
		     struct ipsec6_sa *sa, u32 min, u32 max,
		     struct netlink_ext_ack *extack)
{
	u32 n, lo = 0, hi, spi, *used;

	lockdep_assert_held(&in->lock);

	/* Usually free at the first try: one hash lookup, not a scan. */
	for (n = 0; n < IPSEC6_ALLOC_SPI_TRIES; n++) {
		spi = get_random_u32_inclusive(min, max);
		if (!ipsec6_alloc_spi_used(txn, sa, spi)) {
			sa->spi = cpu_to_be32(spi);
			return 0;
		}
	}
	used = ipsec6_alloc_spis_taken(txn, sa, min, max, &n);
	if (!used)
		return -ENOMEM;
	/* Sorted, with duplicates: drop them to count what is taken. */
	for (hi = 0; hi < n; hi++)
		if (!lo || used[lo - 1] != used[hi])
			used[lo++] = used[hi];
	n = lo;
	if ((u64)n >= (u64)max - min + 1) {
		kvfree(used);
		ipsec6_netlink_err(extack, NULL,
				   "SPI_MIN: no free SPI in %u-%u for DST and PROTO",
				   min, max);
		return -ENOSPC;
	}
	spi = get_random_u32_inclusive(min, max);
	/* The first taken SPI at or above it, then past the taken run. */
	for (lo = 0, hi = n; lo < hi;) {
		u32 mid = lo + (hi - lo) / 2;

		if (used[mid] < spi)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo < n && used[lo] == spi) {
		if (spi == max) {
			spi = min;
			lo = 0;
			continue;
		}
		spi++;
		lo++;
	}
	kvfree(used);
	sa->spi = cpu_to_be32(spi);
	return 0;
}
