// SPDX-License-Identifier: GPL-2.0
/*
 * Sequence numbers on the receive side: anti-replay window and extended
 * sequence number inference.
 *
 * ipsec6_replay_check() runs before the integrity check and rejects what is
 * certainly a replay; ipsec6_replay_advance() runs after it succeeded and
 * moves the window, rechecking under the lock because another CPU may have
 * accepted the same number in between.  The window only ever moves for
 * packets whose ICV verified.
 *
 * ipsec6_replay_adopt() gives a window in use the size of a new
 * configuration of its SA, under the same lock.
 */
#include <linux/bitmap.h>
#include <linux/slab.h>
#include "replay.h"

static u32 ipsec6_replay_size(u32 window)
{
	return window ? round_up(window, BITS_PER_LONG) : BITS_PER_LONG;
}

struct ipsec6_replay *ipsec6_replay_alloc(u32 window, u64 top)
{
	u32 size = ipsec6_replay_size(window);
	struct ipsec6_replay_map *m;
	struct ipsec6_replay *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	m = kzalloc(struct_size(m, bits, BITS_TO_LONGS(size)),
		    GFP_KERNEL_ACCOUNT);
	if (!r || !m) {
		kfree(r);
		kfree(m);
		return NULL;
	}
	spin_lock_init(&r->lock);
	m->size = size;
	r->window = window;
	r->top = top;
	RCU_INIT_POINTER(r->map, m);
	return r;
}

/* Packets may still be testing the bits: they go after a grace period. */
void ipsec6_replay_free(struct ipsec6_replay *r)
{
	struct ipsec6_replay_map *m;

	if (!r)
		return;
	m = rcu_dereference_protected(r->map, true);
	if (m)
		kfree_rcu(m, rcu);
	kfree(r);
}

u64 ipsec6_replay_top(struct ipsec6_replay *r)
{
	return READ_ONCE(r->top);
}

/* RFC 4303 appendix A.2.2: the high half of a received ESN. */
static u64 ipsec6_replay_infer(u64 top, u32 window, u32 seq_lo)
{
	u32 tl = lower_32_bits(top), th = upper_32_bits(top);
	u32 w = window ?: 1;

	if (tl >= w - 1) {
		/* Window within one subspace. */
		if (seq_lo >= tl - w + 1)
			return ((u64)th << 32) | seq_lo;
		return ((u64)(th + 1) << 32) | seq_lo;
	}
	/* Window spans two subspaces. */
	if (seq_lo >= tl - w + 1) {
		if (!th)
			return U64_MAX;	/* before the first subspace */
		return ((u64)(th - 1) << 32) | seq_lo;
	}
	return ((u64)th << 32) | seq_lo;
}

static int ipsec6_replay_test(const struct ipsec6_replay_map *m, u64 top,
			      u32 window, u64 seq)
{
	if (!seq || seq == U64_MAX)
		return -EBADMSG;
	if (!window || seq > top)
		return 0;
	if (top - seq >= window)
		return -EBADMSG;	/* left of the window */
	return test_bit(seq % m->size, m->bits) ? -EBADMSG : 0;
}

/**
 * ipsec6_replay_check - early check of a received sequence number
 * @r: the SA's window
 * @seq_lo: the 32 bits carried in the packet
 * @esn: the SA uses extended sequence numbers
 * @seq: the full sequence number to authenticate and later pass to
 *	 ipsec6_replay_advance()
 *
 * Call in an RCU read-side section.  Returns 0, or -EBADMSG for a
 * duplicate or a number left of the window.
 */
int ipsec6_replay_check(struct ipsec6_replay *r, u32 seq_lo, bool esn,
			u64 *seq)
{
	const struct ipsec6_replay_map *m = rcu_dereference(r->map);
	u64 top = READ_ONCE(r->top);
	u32 window = READ_ONCE(r->window);

	*seq = esn ? ipsec6_replay_infer(top, window, seq_lo) : seq_lo;
	/* Unlocked: a stale view (also of a window being resized) only lets
	 * a replay through to the ICV check, where ipsec6_replay_advance()
	 * catches it, or drops a packet while the window is reconfigured.
	 */
	return ipsec6_replay_test(m, top, window, *seq);
}

/**
 * ipsec6_replay_advance - record an authenticated sequence number
 * @r: the SA's window
 * @seq: full sequence number from ipsec6_replay_check()
 *
 * Returns 0, or -EBADMSG if the number was accepted meanwhile or fell out
 * of the window.
 */
int ipsec6_replay_advance(struct ipsec6_replay *r, u64 seq)
{
	struct ipsec6_replay_map *m;
	int err;

	spin_lock_bh(&r->lock);
	m = rcu_dereference_protected(r->map, lockdep_is_held(&r->lock));
	err = ipsec6_replay_test(m, r->top, r->window, seq);
	if (err)
		goto out;
	if (seq > r->top) {
		u64 diff = seq - r->top;

		if (diff >= m->size) {
			bitmap_zero(m->bits, m->size);
		} else {
			u64 s;

			for (s = r->top + 1; s < seq; s++)
				__clear_bit(s % m->size, m->bits);
		}
		WRITE_ONCE(r->top, seq);
	}
	__set_bit(seq % m->size, m->bits);
out:
	spin_unlock_bh(&r->lock);
	return err;
}

/**
 * ipsec6_replay_adopt - a window in use takes a new configuration's size
 * @r: the window in use
 * @spare: the window allocated for the new configuration (its size is
 *	   taken, not its top); if @r's bits are too few, @r takes @spare's
 *	   and leaves its own to @spare, to be freed with it
 *
 * Cannot fail.  The numbers a larger window newly covers were left of the
 * old one, refused if they came: they count as seen, so that none of them
 * is accepted now.
 */
void ipsec6_replay_adopt(struct ipsec6_replay *r, struct ipsec6_replay *spare)
{
	struct ipsec6_replay_map *old, *new;
	u32 window = spare->window;
	u64 s, top;

	spin_lock_bh(&r->lock);
	old = rcu_dereference_protected(r->map, lockdep_is_held(&r->lock));
	new = rcu_dereference_protected(spare->map, true);
	top = r->top;
	if (window > old->size) {	/* @spare's are enough: its size */
		bitmap_zero(new->bits, new->size);
		for (s = top; s && top - s < old->size; s--)
			if (test_bit(s % old->size, old->bits))
				__set_bit(s % new->size, new->bits);
		rcu_assign_pointer(r->map, new);
		RCU_INIT_POINTER(spare->map, old);
		old = new;
	}
	if (r->window && window > r->window && top > r->window) {
		for (s = top - r->window; s && top - s < window; s--)
			__set_bit(s % old->size, old->bits);
	} else if (!r->window && window) {
		/* Nothing was checked: everything up to the top is used. */
		for (s = top; s && top - s < window; s--)
			__set_bit(s % old->size, old->bits);
	}
	WRITE_ONCE(r->window, window);
	spin_unlock_bh(&r->lock);
}
