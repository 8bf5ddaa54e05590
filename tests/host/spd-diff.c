// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test of the SPD lookup structure (module/spd_lookup.c):
 * random policy sets (overlapping prefixes and ranges, empty ranges, ports,
 * protocols, ICMP, interfaces, directions, bundle-only policies) and random
 * packets; the fast lookup must return exactly what a naive first-match scan
 * of the search order returns.  Both use the module's own selector match
 * (extracted from module/selector.c by tests/host/spd-diff.sh).  Also times
 * the build and the lookup of large sets.  Prints TAP.
 *
 *   spd-diff [SEED]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <linux/slab.h>
#include "array.h"
#include "spd.h"
#include "spd_lookup.h"

#include "tap.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void set128(struct in6_addr *a, u64 hi, u64 lo)
{
	int i;

	for (i = 0; i < 8; i++) {
		a->s6_addr[i] = hi >> (56 - 8 * i);
		a->s6_addr[8 + i] = lo >> (56 - 8 * i);
	}
}

static void get128(const struct in6_addr *a, u64 *hi, u64 *lo)
{
	int i;

	*hi = 0;
	*lo = 0;
	for (i = 0; i < 8; i++) {
		*hi = *hi << 8 | a->s6_addr[i];
		*lo = *lo << 8 | a->s6_addr[8 + i];
	}
}

/*
 * A small universe so that things overlap: a few /48s, addresses near the
 * bottom and the top of the space, small host parts.
 */
static void rnd_addr(struct in6_addr *a)
{
	static const u64 nets[] = {
		0x20010db800000000ULL, 0x20010db800010000ULL,
		0x20010db8ffff0000ULL, 0xfe80000000000000ULL,
		0x0000000000000000ULL, 0xffffffffffffffffULL,
	};
	u64 hi = nets[rndn(6)], lo;

	switch (rndn(5)) {
	case 0:
		lo = rndn(8);
		break;
	case 1:
		lo = ~0ULL - rndn(4);
		break;
	case 2:
		lo = rnd();
		break;
	default:
		lo = rndn(64);
		hi |= rndn(3);
		break;
	}
	set128(a, hi, lo);
}

static void prefix_range(struct ipsec6_addr_range *r, const struct in6_addr *a,
			 int len)
{
	int i;

	r->start = *a;
	r->end = *a;
	for (i = len; i < 128; i++) {
		r->start.s6_addr[i / 8] &= ~(0x80 >> (i % 8));
		r->end.s6_addr[i / 8] |= 0x80 >> (i % 8);
	}
}

/* Random address selector in one dimension; returns the present bit. */
static u8 rnd_addr_sel(struct ipsec6_addr_range *r, u8 bit)
{
	static const int lens[] = { 128, 127, 126, 124, 120, 112, 64, 63, 48,
				    47, 32, 16, 8, 1, 0 };
	struct in6_addr a, b;
	u64 ah, al, bh, bl;

	switch (rndn(6)) {
	case 0:
		return 0;	/* wildcard, range left as any */
	case 1:
	case 2:
		rnd_addr(&a);
		prefix_range(r, &a, lens[rndn(sizeof(lens) / sizeof(lens[0]))]);
		return bit;
	case 3:
		rnd_addr(&a);
		r->start = a;
		r->end = a;
		return bit;
	default:
		rnd_addr(&a);
		if (rndn(3)) {
			/* a range near a: a .. a + small */
			get128(&a, &ah, &al);
			bh = ah;
			bl = al + rndn(70);
			if (bl < al)
				bh++;
			if (bh < ah) {
				bh = ~0ULL;
				bl = ~0ULL;
			}
			set128(&b, bh, bl);
		} else {
			rnd_addr(&b);
		}
		/* occasionally empty (start above end): never matches */
		if (memcmp(&a, &b, sizeof(a)) > 0 && rndn(8)) {
			r->start = b;
			r->end = a;
		} else {
			r->start = a;
			r->end = b;
		}
		return bit;
	}
}

static void rnd_ports(u16 *s, u16 *e)
{
	static const u16 base[] = { 0, 22, 80, 443, 500, 4500, 65535 };
	u16 a = base[rndn(7)] + rndn(3), b;

	if (a < base[0])
		a = 65535;
	b = rndn(2) ? a : a + rndn(100);
	if (b < a)
		b = 65535;
	*s = a;
	*e = b;
}

static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMPV6,
			     IPPROTO_ESP, IPPROTO_SCTP, 0 };

static void rnd_policy(struct ipsec6_policy *p, u32 index, int density)
{
	static const u8 dirs[] = { IPSEC6_DIR_IN, IPSEC6_DIR_OUT,
				   IPSEC6_DIR_FWD, IPSEC6_DIR_BIDIRECT,
				   IPSEC6_DIR_ALL, IPSEC6_DIR_IN | IPSEC6_DIR_FWD };
	struct ipsec6_sel *sel = &p->sel;

	memset(p, 0, sizeof(*p));
	p->index = index;
	p->dir = dirs[rndn(6)];
	p->action = rndn(4);
	if (!rndn(20))
		p->flags = IPSEC6_POLICY_F_BUNDLE_ONLY;
	ipsec6_selector_init_any(sel);
	sel->present |= rnd_addr_sel(&sel->remote, IPSEC6_SEL_REMOTE);
	sel->present |= rnd_addr_sel(&sel->local, IPSEC6_SEL_LOCAL);
	if (rndn(density) == 0)
		return;
	if (rndn(2)) {
		sel->present |= IPSEC6_SEL_PROTO;
		sel->proto = protos[rndn(5)];
		if (sel->proto == IPPROTO_ICMPV6 && rndn(2)) {
			sel->present |= IPSEC6_SEL_ICMP_TYPE;
			sel->icmp_type = 128 + rndn(2);
			if (rndn(2)) {
				sel->present |= IPSEC6_SEL_ICMP_CODE;
				sel->icmp_code = rndn(2);
			}
		} else if (sel->proto != IPPROTO_ICMPV6 &&
			   sel->proto != IPPROTO_ESP) {
			if (rndn(2)) {
				sel->present |= IPSEC6_SEL_RPORT;
				rnd_ports(&sel->rport_start, &sel->rport_end);
			}
			if (rndn(2)) {
				sel->present |= IPSEC6_SEL_LPORT;
				rnd_ports(&sel->lport_start, &sel->lport_end);
			}
		}
	}
	if (!rndn(8)) {
		sel->present |= IPSEC6_SEL_IFINDEX;
		sel->ifindex = 1 + rndn(3);
	}
}

/* An address near the edges of some policy's range, or a random one. */
static void rnd_flow_addr(struct in6_addr *a, const struct ipsec6_policy *p,
			  bool remote)
{
	const struct ipsec6_addr_range *r = remote ? &p->sel.remote :
						     &p->sel.local;
	u64 hi, lo;

	switch (rndn(6)) {
	case 0:
		*a = r->start;
		return;
	case 1:
		*a = r->end;
		return;
	case 2:
		get128(&r->start, &hi, &lo);
		if (lo-- == 0)
			hi--;
		set128(a, hi, lo);
		return;
	case 3:
		get128(&r->end, &hi, &lo);
		if (++lo == 0)
			hi++;
		set128(a, hi, lo);
		return;
	default:
		rnd_addr(a);
		return;
	}
}

static void rnd_flow(struct ipsec6_flow *fl, const struct ipsec6_policy *pols,
		     u32 n)
{
	const struct ipsec6_policy *p = &pols[rndn(n)];
	u16 s, e;

	memset(fl, 0, sizeof(*fl));
	rnd_flow_addr(&fl->remote, p, true);
	p = &pols[rndn(n)];
	rnd_flow_addr(&fl->local, p, false);
	fl->proto = rndn(4) ? protos[rndn(6)] : p->sel.proto;
	fl->ifindex = rndn(5);
	if (fl->proto == IPPROTO_ICMPV6) {
		if (rndn(8)) {
			fl->flags = IPSEC6_FLOW_ICMP;
			fl->icmp_type = 128 + rndn(3);
			fl->icmp_code = rndn(2);
		}
	} else if (fl->proto == IPPROTO_TCP || fl->proto == IPPROTO_UDP ||
		   fl->proto == IPPROTO_SCTP) {
		if (rndn(10)) {
			fl->flags = IPSEC6_FLOW_PORTS;
			rnd_ports(&s, &e);
			fl->rport = rndn(2) ? s : e;
			rnd_ports(&s, &e);
			fl->lport = rndn(2) ? s : e;
			if (rndn(3) == 0) {
				fl->rport = p->sel.rport_start;
				fl->lport = p->sel.lport_end;
			}
		} else {
			fl->flags = IPSEC6_FLOW_OPAQUE;
		}
	}
}

/* The reference: first policy of the direction, in order, that matches. */
static u32 naive(struct ipsec6_policy *const *e, u32 n, u8 dir,
		 const struct ipsec6_flow *fl)
{
	u8 want = dir == IPSEC6_DIR_OUT ? IPSEC6_DIR_OUT :
					  IPSEC6_DIR_IN | IPSEC6_DIR_FWD;
	u32 i;

	for (i = 0; i < n; i++) {
		const struct ipsec6_policy *p = e[i];

		if ((p->flags & IPSEC6_POLICY_F_BUNDLE_ONLY) ||
		    !(p->dir & want))
			continue;
		if (ipsec6_selector_match(&p->sel, fl))
			return i;
	}
	return IPSEC6_SPD_NONE;
}

struct set {
	u32 n;
	struct ipsec6_policy *pol;
	struct ipsec6_policy **e;	/* search order */
};

static void set_make(struct set *s, u32 n, int density, bool with_default)
{
	u32 i;

	s->n = n;
	s->pol = calloc(n ? n : 1, sizeof(*s->pol));
	s->e = calloc(n ? n : 1, sizeof(*s->e));
	for (i = 0; i < n; i++) {
		rnd_policy(&s->pol[i], i + 2, density);
		ipsec6_gen_init(&s->pol[i].life, 0);
		s->e[i] = &s->pol[i];
	}
	if (with_default && n) {
		/* index 1, every wildcard, searched last */
		memset(&s->pol[n - 1], 0, sizeof(s->pol[n - 1]));
		s->pol[n - 1].index = 1;
		s->pol[n - 1].dir = IPSEC6_DIR_BIDIRECT;
		ipsec6_gen_init(&s->pol[n - 1].life, 0);
		ipsec6_selector_init_any(&s->pol[n - 1].sel);
	}
}

static void set_free(struct set *s)
{
	free(s->pol);
	free(s->e);
}

/* Compare fast and naive on @nflows random packets; returns mismatches. */
static u32 diff(const struct set *s, const struct ipsec6_spd_lk *lk,
		u32 nflows, char *why, size_t whylen)
{
	struct ipsec6_flow fl;
	u32 i, bad = 0;
	int d;

	for (i = 0; i < nflows; i++) {
		rnd_flow(&fl, s->pol, s->n ? s->n : 1);
		for (d = 0; d < 2; d++) {
			u8 dir = d ? IPSEC6_DIR_OUT : IPSEC6_DIR_IN;
			u32 a, b;

			a = ipsec6_spd_lookup_find(lk, dir, &fl, 0,
						   IPSEC6_SPD_NONE);
			b = naive(s->e, s->n, dir, &fl);
			if (a == b)
				continue;
			if (!bad++)
				snprintf(why, whylen,
					 "n=%u dir=%u: fast=%d naive=%d",
					 s->n, dir, (int)a, (int)b);
		}
	}
	return bad;
}

static void random_sets(u32 sets, u32 maxn, u32 nflows, int density)
{
	char why[200] = "";
	u32 k, bad = 0, badsets = 0;

	for (k = 0; k < sets; k++) {
		struct ipsec6_spd_lk *lk;
		struct set s;
		u32 b;

		set_make(&s, rndn(maxn + 1), density, rndn(2));
		lk = ipsec6_spd_lookup_build(s.e, s.n);
		if (!lk) {
			bad++;
			badsets++;
			snprintf(why, sizeof(why), "build failed, n=%u", s.n);
			set_free(&s);
			continue;
		}
		b = diff(&s, lk, nflows, why, sizeof(why));
		bad += b;
		badsets += !!b;
		ipsec6_spd_lookup_free(lk);
		set_free(&s);
	}
	tap(!bad, "%u random sets of up to %u policies (density %d), %u packets each: fast == naive",
	    sets, maxn, density, nflows);
	if (bad)
		printf("# %u mismatches in %u sets; first: %s\n", bad, badsets,
		       why);
}

/* Overlapping staggered ranges [i, i + n]: memory stays O(n log n). */
static void staggered(u32 n)
{
	struct ipsec6_spd_lk *lk;
	char why[200] = "";
	struct set s;
	u32 i, bad;
	size_t sz;

	set_make(&s, n, 1, false);
	for (i = 0; i < n; i++) {
		struct ipsec6_sel *sel = &s.pol[i].sel;

		s.pol[i].flags = 0;
		s.pol[i].dir = IPSEC6_DIR_ALL;
		ipsec6_selector_init_any(sel);
		sel->present = IPSEC6_SEL_REMOTE;
		set128(&sel->remote.start, 0x20010db800000000ULL, i);
		set128(&sel->remote.end, 0x20010db800000000ULL, i + n);
	}
	lk = ipsec6_spd_lookup_build(s.e, s.n);
	sz = lk ? ipsec6_spd_lookup_size(lk) : 0;
	bad = lk ? diff(&s, lk, 20000, why, sizeof(why)) : 1;
	tap(lk && !bad && sz < (size_t)n * 200,
	    "%u staggered overlapping ranges: correct, %zu bytes (%.1f per policy)",
	    n, sz, (double)sz / n);
	if (bad)
		printf("# %s\n", why);
	ipsec6_spd_lookup_free(lk);
	set_free(&s);
}

/* Every allocation failing in turn: NULL, nothing leaks (ASan checks). */
static void alloc_failures(void)
{
	struct set s;
	unsigned long k;
	int ok = 1;

	set_make(&s, 300, 2, true);
	for (k = 1; k < 40; k++) {
		struct ipsec6_spd_lk *lk;

		spd_shim_fail_after = k;
		lk = ipsec6_spd_lookup_build(s.e, s.n);
		if (spd_shim_fail_after == 0 && lk) {
			/* allocation k failed but the build succeeded */
			ok = 0;
		}
		if (spd_shim_fail_after && !lk)
			ok = 0;	/* failed without an allocation failing */
		spd_shim_fail_after = 0;
		ipsec6_spd_lookup_free(lk);
	}
	tap(ok, "an allocation failure at any point fails the build cleanly");
	set_free(&s);
}

/*
 * The shape of the benchmark (scripts/bench-guest.sh): @n outbound
 * policies of mixed /128, /64 prefixes and small ranges with ports, plus
 * the default; times the build and the lookups against the naive scan.
 */
static void scale(u32 n, double build_limit)
{
	struct ipsec6_spd_lk *lk;
	struct ipsec6_flow *fls;
	u32 i, nfl = 100000, bad = 0, hits = 0;
	double t0, tb, tf, tn = 0;
	const u32 nnaive = 200;
	struct set s;

	set_make(&s, n + 1, 1, true);
	for (i = 0; i < n; i++) {
		struct ipsec6_sel *sel = &s.pol[i].sel;
		struct in6_addr a;

		s.pol[i].flags = 0;
		s.pol[i].dir = IPSEC6_DIR_OUT;
		ipsec6_selector_init_any(sel);
		sel->present = IPSEC6_SEL_REMOTE | IPSEC6_SEL_LOCAL;
		set128(&a, 0x20010db800000000ULL | (i >> 16), 0);
		prefix_range(&sel->local, &a, 64);
		set128(&a, 0x20010db800010000ULL | (i % 3),
		       (u64)(i / 3) << 8);
		switch (i % 3) {
		case 0:
			prefix_range(&sel->remote, &a, 128);
			break;
		case 1:
			prefix_range(&sel->remote, &a, 120);
			break;
		default:
			sel->remote.start = a;
			a.s6_addr[15] = 0x7f;
			sel->remote.end = a;
			sel->present |= IPSEC6_SEL_PROTO | IPSEC6_SEL_RPORT;
			sel->proto = IPPROTO_TCP;
			sel->rport_start = 5000;
			sel->rport_end = 5100;
			break;
		}
	}
	t0 = now();
	lk = ipsec6_spd_lookup_build(s.e, s.n);
	tb = now() - t0;
	if (!lk) {
		tap(0, "%u policies: build", n);
		set_free(&s);
		return;
	}
	fls = calloc(nfl, sizeof(*fls));
	for (i = 0; i < nfl; i++) {
		u32 j = rndn(n + n / 10);

		fls[i].proto = IPPROTO_TCP;
		fls[i].flags = IPSEC6_FLOW_PORTS;
		fls[i].rport = 5000 + rndn(200);
		fls[i].lport = 40000;
		set128(&fls[i].local, 0x20010db800000000ULL | (j >> 16), 1);
		set128(&fls[i].remote, 0x20010db800010000ULL | (j % 3),
		       (u64)(j / 3) << 8 | rndn(256));
	}
	t0 = now();
	for (i = 0; i < nfl; i++)
		hits += s.e[ipsec6_spd_lookup_find(lk, IPSEC6_DIR_OUT, &fls[i],
						   0, IPSEC6_SPD_NONE)]->index != 1;
	tf = (now() - t0) / nfl;
	for (i = 0; i < nfl; i++) {
		if (i < nnaive) {
			t0 = now();
			if (naive(s.e, s.n, IPSEC6_DIR_OUT, &fls[i]) !=
			    ipsec6_spd_lookup_find(lk, IPSEC6_DIR_OUT, &fls[i],
						   0, IPSEC6_SPD_NONE))
				bad++;
			tn += now() - t0;
		}
	}
	printf("# %u policies: build %.1f ms, %zu bytes (%.1f per policy); lookup %.0f ns (naive scan %.0f us); %u%% hit a policy\n",
	       n, tb * 1e3, ipsec6_spd_lookup_size(lk),
	       (double)ipsec6_spd_lookup_size(lk) / n, tf * 1e9,
	       tn / nnaive * 1e6, hits * 100 / nfl);
	tap(!bad, "%u policies: fast == naive on %u packets", n, nnaive);
	tap(tb < build_limit, "%u policies: build %.0f ms (limit %.0f ms)", n,
	    tb * 1e3, build_limit * 1e3);
	free(fls);
	ipsec6_spd_lookup_free(lk);
	set_free(&s);
}

int main(int argc, char **argv)
{
	u64 seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 20240601;

	rng_state = seed ? seed : 1;
	printf("1..10\n# seed %llu\n", (unsigned long long)seed);
	random_sets(3000, 8, 300, 1);
	random_sets(2000, 40, 300, 2);
	random_sets(500, 300, 300, 3);
	random_sets(40, 3000, 2000, 4);
	staggered(5000);
	alloc_failures();
	scale(1000, 1.0);
	scale(100000, 1.0);
	return t_failed ? 1 : 0;
}
