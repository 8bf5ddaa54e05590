// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: module/replay.c in user space, against a model.
 *
 * Input: window (2 bytes, up to IPSEC6_REPLAY_MAX + a little), ESN flag,
 * starting top (8 bytes), then operations of 5 bytes: a flag byte (bit 0:
 * the ICV "verified", so advance() follows check(); bit 1: the 32-bit
 * number is relative to the model's top) and a 32-bit number.
 *
 * The model is RFC 4303 3.4.3: with a window W > 0, a full sequence
 * number s is acceptable iff s is not 0 (nor U64_MAX), and s > top, or
 * top - W < s <= top and s was not accepted before.  W = 0 disables the
 * check.  The model remembers every number it accepted (exactly, no
 * bitmap), so a bitmap slot that aliases or is not cleared shows up.
 * For ESN, the inferred number must carry the packet's low 32 bits, and
 * must be the candidate (high half th - 1, th, th + 1) nearest the
 * window (RFC 4303 appendix A2.2).
 */
#include "kshim.h"
#include "../../module/replay.c"

#include <stdio.h>

#define MAX_OPS	4096
/* A little beyond IPSEC6_REPLAY_MAX: the module never allocates more,
 * but the rounding to whole longs is exercised either way. */
#define IPSEC6_REPLAY_MAX_FUZZ	4200

struct model {
	u64 top;
	u32 window;
	u64 *seen;
	size_t n;
};

static bool model_seen(const struct model *m, u64 s)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->seen[i] == s)
			return true;
	return false;
}

static bool model_ok(const struct model *m, u64 s)
{
	if (!s || s == U64_MAX)
		return false;
	if (!m->window || s > m->top)
		return true;
	if (m->top - s >= m->window)
		return false;
	return !model_seen(m, s);
}

static void model_accept(struct model *m, u64 s)
{
	size_t i, j = 0;

	if (s > m->top)
		m->top = s;
	m->seen[m->n++] = s;
	/* Forget what fell out of the window. */
	for (i = 0; i < m->n; i++)
		if (m->window && m->top - m->seen[i] < m->window)
			m->seen[j++] = m->seen[i];
	m->n = j;
}

static void fail(const char *what, u64 a, u64 b)
{
	fprintf(stderr, "replay_fuzz: %s (%llu, %llu)\n", what,
		(unsigned long long)a, (unsigned long long)b);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipsec6_replay *r;
	struct model m;
	u64 top = 0;
	bool esn;
	size_t i, ops;
	int k;

	if (size < 11)
		return 0;
	m.window = (data[0] << 8 | data[1]) % (IPSEC6_REPLAY_MAX_FUZZ + 1);
	esn = data[2] & 1;
	for (k = 0; k < 8; k++)
		top = top << 8 | data[3 + k];
	if (!(data[2] & 2))
		top &= 0xffffffffffULL;	/* mostly near the start */
	if (top == U64_MAX)
		top--;
	data += 11;
	size -= 11;
	ops = size / 5;
	if (ops > MAX_OPS)
		ops = MAX_OPS;

	r = ipsec6_replay_alloc(m.window, top);
	if (!r)
		return 0;
	m.top = top;
	m.seen = calloc(ops + 1, sizeof(u64));
	m.n = 0;

	for (i = 0; i < ops; i++) {
		const uint8_t *o = data + 5 * i;
		u32 lo = (u32)o[1] << 24 | o[2] << 16 | o[3] << 8 | o[4];
		u64 seq = 0, want;
		int rc;

		if (o[0] & 2)	/* near the top: a signed 16-bit offset */
			lo = lower_32_bits(m.top) + (int16_t)(lo & 0xffff);
		rc = ipsec6_replay_check(r, lo, esn, &seq);
		if (lower_32_bits(seq) != lo && seq != U64_MAX)
			fail("inferred number lost the low 32 bits", seq, lo);
		if (!esn && seq != lo)
			fail("non-ESN number changed", seq, lo);
		if (esn && seq != U64_MAX && m.window) {
			/* The lowest candidate not left of the window. */
			u64 th = upper_32_bits(m.top), best = U64_MAX, h;

			for (h = th ? th - 1 : 0; h <= th + 1 && h <= 0xffffffffULL;
			     h++) {
				u64 c = h << 32 | lo;

				if (c + m.window > m.top && c < best)
					best = c;
			}
			if (best != U64_MAX && seq != best)
				fail("ESN inference: not the lowest candidate in or right of the window",
				     seq, best);
		}
		want = model_ok(&m, seq);
		if ((rc == 0) != want && !(esn && seq == U64_MAX))
			fail(rc ? "check() rejected an acceptable number" :
				  "check() accepted a replay", seq, m.top);
		if (rc || !(o[0] & 1))
			continue;
		rc = ipsec6_replay_advance(r, seq);
		if (rc)
			fail("advance() rejected what check() accepted", seq,
			     m.top);
		model_accept(&m, seq);
		if (ipsec6_replay_top(r) != m.top)
			fail("top differs", ipsec6_replay_top(r), m.top);
		/* The same number again is a replay. */
		if (m.window && ipsec6_replay_advance(r, seq) == 0)
			fail("advance() accepted a duplicate", seq, m.top);
		if (m.window && ipsec6_replay_check(r, lo, esn, &seq) == 0)
			fail("check() accepted a duplicate", seq, m.top);
	}
	ipsec6_replay_free(r);
	free(m.seen);
	return 0;
}
