// SPDX-License-Identifier: GPL-2.0
/*
 * ACQUIRE: an outbound packet under an APPLY policy that finds no SA is
 * dropped (NO_SA, XFRM's larval_drop) and announced on the "events"
 * group, so that an IKE daemon negotiates one.  The event carries the
 * policy, with each selector marked FROM_PACKET narrowed to the packet's
 * own value, and the packet's flow (nl_ike.c builds it).
 *
 * Rate limit: one event per (policy index, source, destination, protocol,
 * ports) per acquire_interval seconds.  The namespace keeps the last ones
 * in a small set-associative table (IPSEC6_ACQ_SETS sets of
 * IPSEC6_ACQ_WAYS), allocated on first use; a full set forgets its oldest
 * entry, which at worst means one event too many.  Only packets that are
 * dropped anyway come here, and only while someone listens: the table's
 * spinlock is on no other path.  An SA that serves a policy, once
 * published, clears the policy's entries (notify.c), so a flow that loses
 * that SA again is announced at once.
 */
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "acquire.h"
#include "db.h"
#include "netlink.h"
#include "netns.h"

static unsigned int acquire_interval = IPSEC6_ACQUIRE_INTERVAL;
module_param(acquire_interval, uint, 0644);
MODULE_PARM_DESC(acquire_interval,
		 "Seconds between two ACQUIRE events of one policy and flow (default 30)");

#define IPSEC6_ACQ_SETS		32
#define IPSEC6_ACQ_WAYS		4

/* What one event stands for; 11 words, no padding. */
struct ipsec6_acq_key {
	struct in6_addr src;
	struct in6_addr dst;
	u32 policy;
	u16 sport;
	u16 dport;
	u32 proto;
};

struct ipsec6_acq_entry {
	struct ipsec6_acq_key key;
	unsigned long stamp;		/* jiffies of its last event */
	bool used;
};

struct ipsec6_acquire {
	spinlock_t lock;		/* the entries; BHs off */
	u32 seed;
	struct ipsec6_acq_entry e[IPSEC6_ACQ_SETS][IPSEC6_ACQ_WAYS];
};

static struct ipsec6_acquire *ipsec6_acquire_table(struct ipsec6_net *in)
{
	struct ipsec6_acquire *t = READ_ONCE(in->acq), *old;

	if (likely(t))
		return t;
	t = kzalloc(sizeof(*t), GFP_ATOMIC);
	if (!t)
		return NULL;
	spin_lock_init(&t->lock);
	t->seed = get_random_u32();
	old = cmpxchg(&in->acq, NULL, t);
	if (old) {
		kfree(t);
		return old;
	}
	return t;
}

/*
 * Is an event due for @k?  Records it if so: either a new entry (over the
 * set's oldest when it is full) or an old one whose interval passed.
 */
static bool ipsec6_acquire_due(struct ipsec6_acquire *t,
			       const struct ipsec6_acq_key *k)
{
	unsigned long now = jiffies;
	unsigned long ival = (unsigned long)READ_ONCE(acquire_interval) * HZ;
	struct ipsec6_acq_entry *set, *e, *victim = NULL;
	bool due = true;
	unsigned int w;

	BUILD_BUG_ON(sizeof(*k) % sizeof(u32));
	set = t->e[jhash2((const u32 *)k, sizeof(*k) / sizeof(u32), t->seed) %
		   IPSEC6_ACQ_SETS];
	spin_lock_bh(&t->lock);
	for (w = 0; w < IPSEC6_ACQ_WAYS; w++) {
		e = &set[w];
		if (e->used && !memcmp(&e->key, k, sizeof(*k))) {
			due = !time_before(now, e->stamp + ival);
			victim = e;
			break;
		}
		if (!victim || !e->used ||
		    (victim->used && time_before(e->stamp, victim->stamp)))
			victim = e;
	}
	if (due) {
		victim->key = *k;
		victim->stamp = now;
		victim->used = true;
	}
	spin_unlock_bh(&t->lock);
	return due;
}

/* The policy's selectors marked FROM_PACKET become the packet's values. */
static void ipsec6_acquire_from_packet(struct ipsec6_sel *sel,
				       const struct ipsec6_flow *fl)
{
	u8 fp = sel->from_packet;

	if (fp & IPSEC6_FROM_PKT_REMOTE_ADDR) {
		sel->remote.start = fl->remote;
		sel->remote.end = fl->remote;
		sel->present |= IPSEC6_SEL_REMOTE;
	}
	if (fp & IPSEC6_FROM_PKT_LOCAL_ADDR) {
		sel->local.start = fl->local;
		sel->local.end = fl->local;
		sel->present |= IPSEC6_SEL_LOCAL;
	}
	if (fp & IPSEC6_FROM_PKT_PROTO) {
		sel->proto = fl->proto;
		sel->present |= IPSEC6_SEL_PROTO;
	}
	if (!(fl->flags & IPSEC6_FLOW_PORTS))
		return;
	if (fp & IPSEC6_FROM_PKT_REMOTE_PORT) {
		sel->rport_start = fl->rport;
		sel->rport_end = fl->rport;
		sel->present |= IPSEC6_SEL_RPORT;
	}
	if (fp & IPSEC6_FROM_PKT_LOCAL_PORT) {
		sel->lport_start = fl->lport;
		sel->lport_end = fl->lport;
		sel->present |= IPSEC6_SEL_LPORT;
	}
}

/**
 * ipsec6_acquire - announce an outbound packet that found no SA
 * @in: namespace
 * @e: the APPLY policy (bundle step) that has no SA for it
 * @fl: the packet's selector fields, outbound terms, as @e sees them
 *
 * Under RCU, in the output hook; the caller drops the packet.
 */
void ipsec6_acquire(struct ipsec6_net *in, const struct ipsec6_policy *e,
		    const struct ipsec6_flow *fl)
{
	struct ipsec6_acq_key k = {
		.src = fl->local,
		.dst = fl->remote,
		.policy = e->index,
		.proto = fl->proto,
	};
	struct ipsec6_acquire *t;
	struct ipsec6_policy pol;

	if (!ipsec6_nl_listening(in))
		return;
	t = ipsec6_acquire_table(in);
	if (!t)
		return;
	if (fl->flags & IPSEC6_FLOW_PORTS) {
		k.sport = fl->lport;
		k.dport = fl->rport;
	}
	if (!ipsec6_acquire_due(t, &k))
		return;
	/* A copy to read from only: its template and counters are shared. */
	pol = *e;
	ipsec6_acquire_from_packet(&pol.sel, fl);
	ipsec6_netlink_notify_acquire(in, &pol, fl);
}

/**
 * ipsec6_acquire_forget - an SA was published: forget the events of the
 * policies it serves
 * @in: namespace, locked
 * @db: the generation that has it
 * @sa: the SA
 */
void ipsec6_acquire_forget(struct ipsec6_net *in, const struct ipsec6_db *db,
			   const struct ipsec6_sa *sa)
{
	struct ipsec6_acquire *t = READ_ONCE(in->acq);
	const struct ipsec6_policy *e;
	unsigned int s, w;

	lockdep_assert_held(&in->lock);

	if (!t || sa->larval || sa->dir == IPSEC6_DIR_IN)
		return;
	spin_lock_bh(&t->lock);
	for (s = 0; s < IPSEC6_ACQ_SETS; s++) {
		for (w = 0; w < IPSEC6_ACQ_WAYS; w++) {
			struct ipsec6_acq_entry *a = &t->e[s][w];

			if (!a->used)
				continue;
			e = ipsec6_spd_find(db, a->key.policy);
			if (e && e->action == IPSEC6_ACTION_APPLY &&
			    ipsec6_sad_serves(sa, e, IPSEC6_DIR_OUT))
				a->used = false;
		}
	}
	spin_unlock_bh(&t->lock);
}

/* Does the namespace remember any event? */
bool ipsec6_acquire_active(struct ipsec6_net *in)
{
	return READ_ONCE(in->acq);
}

/* Namespace exit, after the hooks are gone. */
void ipsec6_acquire_free(struct ipsec6_net *in)
{
	kfree(in->acq);
	in->acq = NULL;
}
