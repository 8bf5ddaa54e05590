// SPDX-License-Identifier: GPL-2.0
/*
 * Per-object notifications of a published change set: the difference
 * between the version that was published and the one it replaced, taken
 * after the pointer swap and before the old version is released, and
 * only while someone listens to the "events" group.
 *
 * Both versions list their policies and SAs by index, so one merge walk
 * finds what was added (SA_ADD_NTF, POLICY_ADD_NTF), deleted
 * (SA_DEL_NTF, POLICY_DEL_NTF) or replaced by another object (an SA:
 * SA_UPDATE_NTF; a policy: POLICY_ADD_NTF with the new content).
 * Deletions go first, so that a listener keying on (SPI, DST, PROTO)
 * never sees two SAs with one identity.  An object kept across the
 * change set is the same object in both versions and says nothing.
 *
 * The same walk tells acquire.c which SAs are new, whether anyone
 * listens or not.
 */
#include "acquire.h"
#include "db.h"
#include "netlink.h"
#include "netns.h"
#include "notify.h"

struct ipsec6_notify {
	struct ipsec6_net *in;
	const struct ipsec6_db *old;
	const struct ipsec6_db *db;
	bool tell;
	bool adds;		/* the pass of additions, else deletions */
};

static struct ipsec6_policy *ipsec6_notify_pol(const struct ipsec6_db *db,
					       u32 i)
{
	return i < db->npol ? db->pol[db->pol_by_index[i]].pol : NULL;
}

static void ipsec6_notify_send(struct ipsec6_notify *n, u8 cmd, void *obj)
{
	if (n->tell)
		ipsec6_netlink_notify_object(n->in, cmd, obj);
}

static void ipsec6_notify_policies(struct ipsec6_notify *n)
{
	u32 i = 0, j = 0;

	while (i < n->old->npol || j < n->db->npol) {
		struct ipsec6_policy *a = ipsec6_notify_pol(n->old, i);
		struct ipsec6_policy *b = ipsec6_notify_pol(n->db, j);

		if (b && (!a || b->index < a->index)) {
			if (n->adds)
				ipsec6_notify_send(n, IPSEC6_CMD_POLICY_ADD_NTF,
						   b);
			j++;
		} else if (!b || a->index < b->index) {
			if (!n->adds)
				ipsec6_notify_send(n, IPSEC6_CMD_POLICY_DEL_NTF,
						   a);
			i++;
		} else {
			if (a != b && n->adds)
				ipsec6_notify_send(n, IPSEC6_CMD_POLICY_ADD_NTF,
						   b);
			i++;
			j++;
		}
	}
}

/* @sa is new in the published version (added, or replacing another). */
static void ipsec6_notify_sa_new(struct ipsec6_notify *n, u8 cmd,
				 struct ipsec6_sa *sa)
{
	ipsec6_notify_send(n, cmd, sa);
	ipsec6_acquire_forget(n->in, n->db, sa);
}

static void ipsec6_notify_sas(struct ipsec6_notify *n)
{
	u32 i = 0, j = 0;

	while (i < n->old->nsa || j < n->db->nsa) {
		struct ipsec6_sa *a = i < n->old->nsa ? n->old->sa[i] : NULL;
		struct ipsec6_sa *b = j < n->db->nsa ? n->db->sa[j] : NULL;

		if (b && (!a || b->index < a->index)) {
			if (n->adds)
				ipsec6_notify_sa_new(n, IPSEC6_CMD_SA_ADD_NTF,
						     b);
			j++;
		} else if (!b || a->index < b->index) {
			if (!n->adds)
				ipsec6_notify_send(n, IPSEC6_CMD_SA_DEL_NTF, a);
			i++;
		} else {
			if (a != b && n->adds)
				ipsec6_notify_sa_new(n, IPSEC6_CMD_SA_UPDATE_NTF,
						     b);
			i++;
			j++;
		}
	}
}

/**
 * ipsec6_notify_publish - announce what a published change set changed
 * @in: namespace, locked
 * @old: the version replaced (still allocated), or NULL
 * @db: the version just published
 */
void ipsec6_notify_publish(struct ipsec6_net *in, const struct ipsec6_db *old,
			   const struct ipsec6_db *db)
{
	struct ipsec6_notify n = { .in = in, .old = old, .db = db };

	lockdep_assert_held(&in->lock);

	if (!old)
		return;
	n.tell = ipsec6_nl_listening(in);
	if (!n.tell && !ipsec6_acquire_active(in))
		return;
	ipsec6_notify_policies(&n);
	ipsec6_notify_sas(&n);
	n.adds = true;
	ipsec6_notify_policies(&n);
	ipsec6_notify_sas(&n);
}
