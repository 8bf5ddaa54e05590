// SPDX-License-Identifier: GPL-2.0
/*
 * SA lifetimes (RFC 4301 4.4.2.1): soft and hard limits in bytes, packets,
 * seconds since the SA was added and seconds since its first use.
 *
 * An SA's state only moves forward: VALID -> SOFT_EXPIRED -> EXPIRED, each
 * step announced once on the "events" group.  Byte and packet limits are
 * charged by the datapath (outbound before the packet is protected,
 * inbound once it verified); time limits are checked by a per-namespace
 * work item once a second while any SA has one.  An expired SA drops its
 * packets at once and is removed from the tables by that work item with a
 * change set of its own, as soon as no transaction is open.  Running out
 * of sequence numbers (pkt.c) is a hard expiry too.
 */
#include <linux/ktime.h>
#include "db.h"
#include "ipsec6.h"
#include "lifetime.h"
#include "netlink.h"
#include "netns.h"
#include "sad.h"
#include "txn.h"

#define IPSEC6_LIFETIME_PERIOD	HZ

static bool ipsec6_lifetime_step(struct ipsec6_sa *sa, int to)
{
	int cur = READ_ONCE(sa->state);

	while (cur < to) {
		int old = cmpxchg(&sa->state, cur, to);

		if (old == cur)
			return true;
		cur = old;
	}
	return false;
}

/**
 * ipsec6_lifetime_expire - move an SA to soft or hard expiry
 * @sa: the SA
 * @what: IPSEC6_EXPIRE_SOFT, _HARD or _SEQ
 *
 * Announces the step if it is new; a hard step also asks for the SA's
 * removal.  May run in softirq context.
 */
void ipsec6_lifetime_expire(struct ipsec6_sa *sa, u8 what)
{
	int to = what == IPSEC6_EXPIRE_SOFT ? IPSEC6_SA_STATE_SOFT_EXPIRED :
					      IPSEC6_SA_STATE_EXPIRED;

	if (!ipsec6_lifetime_step(sa, to))
		return;
	ipsec6_netlink_notify_expired(sa, what);
	if (to == IPSEC6_SA_STATE_EXPIRED && sa->net)
		mod_delayed_work(ipsec6_wq, &sa->net->expire_work, 0);
}

static bool ipsec6_lifetime_over(u64 used, u64 limit)
{
	return limit && used > limit;
}

/**
 * ipsec6_lifetime_charge - count a packet against an SA's limits
 * @sa: the SA
 * @len: bytes of the packet
 *
 * Returns 0, or -EKEYEXPIRED if the SA is past its hard lifetime (the
 * packet must be dropped).
 */
int ipsec6_lifetime_charge(struct ipsec6_sa *sa, unsigned int len)
{
	const struct ipsec6_lifetime *l = &sa->lft;
	u64 bytes, packets;

	if (unlikely(READ_ONCE(sa->state) == IPSEC6_SA_STATE_EXPIRED))
		return -EKEYEXPIRED;
	if (likely(!sa->count_limits))
		return 0;
	bytes = atomic64_add_return(len, &sa->live->lft_bytes);
	packets = atomic64_inc_return(&sa->live->lft_packets);
	if (ipsec6_lifetime_over(bytes, l->hard_bytes) ||
	    ipsec6_lifetime_over(packets, l->hard_packets)) {
		ipsec6_lifetime_expire(sa, IPSEC6_EXPIRE_HARD);
		return -EKEYEXPIRED;
	}
	if (ipsec6_lifetime_over(bytes, l->soft_bytes) ||
	    ipsec6_lifetime_over(packets, l->soft_packets))
		ipsec6_lifetime_expire(sa, IPSEC6_EXPIRE_SOFT);
	return 0;
}

static bool ipsec6_lifetime_due(time64_t since, u64 limit, time64_t now)
{
	return limit && since && now >= since + (time64_t)limit;
}

/*
 * Check an SA's time limits; true if it is (now) hard-expired.  A soft
 * limit that fell due together with the hard one is still announced, so
 * that a listener always sees soft before hard.
 */
static bool ipsec6_lifetime_check_time(struct ipsec6_sa *sa, time64_t now)
{
	const struct ipsec6_lifetime *l = &sa->lft;
	time64_t added = sa->live->add_time;
	time64_t used = READ_ONCE(sa->live->use_time);

	if (ipsec6_lifetime_due(added, l->soft_add, now) ||
	    ipsec6_lifetime_due(used, l->soft_use, now))
		ipsec6_lifetime_expire(sa, IPSEC6_EXPIRE_SOFT);
	if (ipsec6_lifetime_due(added, l->hard_add, now) ||
	    ipsec6_lifetime_due(used, l->hard_use, now))
		ipsec6_lifetime_expire(sa, IPSEC6_EXPIRE_HARD);
	return READ_ONCE(sa->state) == IPSEC6_SA_STATE_EXPIRED;
}

static void ipsec6_lifetime_work(struct work_struct *work)
{
	struct ipsec6_net *in = container_of(to_delayed_work(work),
					     struct ipsec6_net, expire_work);
	time64_t now = ktime_get_real_seconds();
	struct ipsec6_txn *txn = NULL;
	struct ipsec6_sa *sa;
	bool again = false;
	unsigned long i;
	void *head;

	mutex_lock(&in->lock);
	/* The published SAs; a change set here only marks, never unlinks. */
	xa_for_each(&in->tables.sa, i, head) {
		sa = ipsec6_tables_sa(&in->tables, i, in->generation);
		if (!sa)
			continue;
		if (sa->time_limits)
			again = true;
		if (!ipsec6_lifetime_check_time(sa, now))
			continue;
		/* An open transaction holds the tables: try again later. */
		if (in->txn) {
			again = true;
			break;
		}
		if (!txn) {
			txn = ipsec6_txn_get(in, 0, NULL);
			if (IS_ERR(txn)) {
				txn = NULL;
				again = true;
				break;
			}
		}
		ipsec6_txn_sa_del(txn, sa->index, NULL);
	}
	if (txn && ipsec6_txn_finish(in, txn, 0, NULL))
		again = true;
	mutex_unlock(&in->lock);
	if (again)
		mod_delayed_work(ipsec6_wq, &in->expire_work,
				 IPSEC6_LIFETIME_PERIOD);
}

/*
 * A change set adds an SA with time limits: watch them.  Already pending:
 * leave it, or changes made more often than once a second would starve
 * it.
 */
void ipsec6_lifetime_watch(struct ipsec6_net *in)
{
	queue_delayed_work(ipsec6_wq, &in->expire_work, IPSEC6_LIFETIME_PERIOD);
}

void ipsec6_lifetime_init(struct ipsec6_net *in)
{
	INIT_DELAYED_WORK(&in->expire_work, ipsec6_lifetime_work);
}

/* No packets can arrive any more: stop watching. */
void ipsec6_lifetime_stop(struct ipsec6_net *in)
{
	cancel_delayed_work_sync(&in->expire_work);
}
