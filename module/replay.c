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
 */
#include <linux/bitmap.h>
#include <linux/slab.h>
#include "replay.h"

struct ipsec6_replay *ipsec6_replay_alloc(u32 window, u64 top)
{
	u32 size = window ? round_up(window, BITS_PER_LONG) : BITS_PER_LONG;
	struct ipsec6_replay *r;

	r = kzalloc(struct_size(r, bits, BITS_TO_LONGS(size)),
		    GFP_KERNEL_ACCOUNT);
	if (!r)
		return NULL;
	spin_lock_init(&r->lock);
	r->window = window;
	r->size = size;
	r->top = top;
	return r;
}

void ipsec6_replay_free(struct ipsec6_replay *r)
{
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

static bool ipsec6_replay_seen(const struct ipsec6_replay *r, u64 seq)
{
	return test_bit(seq % r->size, r->bits);
}

static int ipsec6_replay_test(const struct ipsec6_replay *r, u64 seq)
{
	u64 top = r->top;

	if (!seq || seq == U64_MAX)
		return -EBADMSG;
	if (!r->window || seq > top)
		return 0;
	if (top - seq >= r->window)
		return -EBADMSG;	/* left of the window */
	return ipsec6_replay_seen(r, seq) ? -EBADMSG : 0;
}

/**
 * ipsec6_replay_check - early check of a received sequence number
 * @r: the SA's window
 * @seq_lo: the 32 bits carried in the packet
 * @esn: the SA uses extended sequence numbers
 * @seq: the full sequence number to authenticate and later pass to
 *	 ipsec6_replay_advance()
 *
 * Returns 0, or -EBADMSG for a duplicate or a number left of the window.
 */
int ipsec6_replay_check(struct ipsec6_replay *r, u32 seq_lo, bool esn,
			u64 *seq)
{
	u64 top = READ_ONCE(r->top);

	*seq = esn ? ipsec6_replay_infer(top, r->window, seq_lo) : seq_lo;
	/* Unlocked: a stale view only lets a replay through to the ICV
	 * check, where ipsec6_replay_advance() catches it.
	 */
	return ipsec6_replay_test(r, *seq);
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
	int err;

	spin_lock_bh(&r->lock);
	err = ipsec6_replay_test(r, seq);
	if (err)
		goto out;
	if (seq > r->top) {
		u64 diff = seq - r->top;

		if (diff >= r->size) {
			bitmap_zero(r->bits, r->size);
		} else {
			u64 s;

			for (s = r->top + 1; s < seq; s++)
				__clear_bit(s % r->size, r->bits);
		}
		WRITE_ONCE(r->top, seq);
	}
	__set_bit(seq % r->size, r->bits);
out:
	spin_unlock_bh(&r->lock);
	return err;
}
