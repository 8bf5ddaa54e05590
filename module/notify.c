// SPDX-License-Identifier: GPL-2.0
/*
 * Per-object notifications of a published change set, taken from the
 * set's log of the objects it linked and the ones it marked dead
 * (tables.c), after the generation was published and before the log is
 * handed to the collector, and only while someone listens to the
 * "events" group.  The cost is that of the change, not of the tables.
 *
 * A dead object whose index has no object in the new generation was
 * deleted (SA_DEL_NTF, POLICY_DEL_NTF); a new object whose index had one
 * in the generation before replaced it (an SA: SA_UPDATE_NTF; a policy:
 * POLICY_ADD_NTF with the new content), else it was added (SA_ADD_NTF,
 * POLICY_ADD_NTF).  Deletions go first, so that a listener keying on
 * (SPI, DST, PROTO) never sees two SAs with one identity; each kind goes
 * by index, as a dump lists them.  An object the set removed and brought
 * back (the same content again) and one it added and removed again say
 * nothing.
 *
 * The same log tells acquire.c which SAs are new, whether anyone listens
 * or not.
 */
#include <linux/slab.h>
#include <linux/sort.h>
#include "acquire.h"
#include "db.h"
#include "netlink.h"
#include "netns.h"
#include "notify.h"
#include "tables.h"

struct ipsec6_notify {
	struct ipsec6_net *in;
	const struct ipsec6_change *c;
	const struct ipsec6_db *db;
	bool tell;
};

static int ipsec6_notify_cmp_pol(const void *a, const void *b)
{
	const struct ipsec6_policy *x = *(void *const *)a;
	const struct ipsec6_policy *y = *(void *const *)b;

	return x->index < y->index ? -1 : x->index > y->index;
}

static int ipsec6_notify_cmp_sa(const void *a, const void *b)
{
	const struct ipsec6_sa *x = *(void *const *)a;
	const struct ipsec6_sa *y = *(void *const *)b;

	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * The objects of @v that the published generation changed: born in it
 * (@born) or removed from it (not @born), in index order; NULL with *@n
 * 0 if none, or if out of memory (the events are then not sent).
 */
static void **ipsec6_notify_pick(const struct ipsec6_vec *v, bool sa,
				 bool born, u64 gen, u32 *n)
{
	void **out;
	u32 i;

	*n = 0;
	if (!v->n)
		return NULL;
	out = kvmalloc_array(v->n, sizeof(*out), GFP_KERNEL);
	if (!out)
		return NULL;
	for (i = 0; i < v->n; i++) {
		const struct ipsec6_life *l = sa ?
			&((struct ipsec6_sa *)v->v[i])->life :
			&((struct ipsec6_policy *)v->v[i])->life;
		bool vis = ipsec6_gen_visible(l, gen);

		if (born ? vis : !vis && l->born != gen)
			out[(*n)++] = v->v[i];
	}
	sort(out, *n, sizeof(*out),
	     sa ? ipsec6_notify_cmp_sa : ipsec6_notify_cmp_pol, NULL);
	return out;
}

static void ipsec6_notify_send(struct ipsec6_notify *n, u8 cmd, void *obj)
{
	if (n->tell)
		ipsec6_netlink_notify_object(n->in, cmd, obj);
}

/* Deletions (@adds false) or additions of policies. */
static void ipsec6_notify_policies(struct ipsec6_notify *n, bool adds)
{
	const struct ipsec6_change *c = n->c;
	struct ipsec6_tables *t = &n->in->tables;
	struct ipsec6_policy *pol;
	void **v;
	u32 i, k;

	v = ipsec6_notify_pick(adds ? &c->pol_born : &c->pol_died, false, adds,
			       c->gen, &k);
	for (i = 0; i < k; i++) {
		pol = v[i];
		if (adds)
			ipsec6_notify_send(n, IPSEC6_CMD_POLICY_ADD_NTF, pol);
		else if (!ipsec6_tables_policy(t, pol->index, c->gen))
			ipsec6_notify_send(n, IPSEC6_CMD_POLICY_DEL_NTF, pol);
	}
	kvfree(v);
}

/* Deletions (@adds false) or additions and replacements of SAs. */
static void ipsec6_notify_sas(struct ipsec6_notify *n, bool adds)
{
	const struct ipsec6_change *c = n->c;
	struct ipsec6_tables *t = &n->in->tables;
	struct ipsec6_sa *sa;
	void **v;
	u32 i, k;

	v = ipsec6_notify_pick(adds ? &c->sa_born : &c->sa_died, true, adds,
			       c->gen, &k);
	for (i = 0; i < k; i++) {
		sa = v[i];
		if (!adds) {
			if (!ipsec6_tables_sa(t, sa->index, c->gen))
				ipsec6_notify_send(n, IPSEC6_CMD_SA_DEL_NTF, sa);
			continue;
		}
		ipsec6_notify_send(n, ipsec6_tables_sa(t, sa->index, c->gen - 1) ?
				   IPSEC6_CMD_SA_UPDATE_NTF :
				   IPSEC6_CMD_SA_ADD_NTF, sa);
		ipsec6_acquire_forget(n->in, n->db, sa);
	}
	kvfree(v);
}

/**
 * ipsec6_notify_publish - announce what a published change set changed
 * @in: namespace, locked
 * @c: the change set, its generation just published (before
 *     ipsec6_tables_publish())
 * @db: the generation just published
 * @tell: someone listens to the events group (ipsec6_nl_listening())
 */
void ipsec6_notify_publish(struct ipsec6_net *in,
			   const struct ipsec6_change *c,
			   const struct ipsec6_db *db, bool tell)
{
	struct ipsec6_notify n = { .in = in, .c = c, .db = db, .tell = tell };

	lockdep_assert_held(&in->lock);

	if (c->gen == 1)
		return;		/* a new namespace's default policy */
	if (!n.tell && !ipsec6_acquire_active(in))
		return;
	ipsec6_notify_policies(&n, false);
	ipsec6_notify_sas(&n, false);
	ipsec6_notify_policies(&n, true);
	ipsec6_notify_sas(&n, true);
}
