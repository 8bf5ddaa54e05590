// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test of the multi-version tables (module/tables.c,
 * spd_index.c, sad_index.c, hash.c, spd_lookup.c) in userspace: random
 * change sets (policies and SAs added, replaced, removed, brought back;
 * committed or aborted; allocations failing at every step) against a
 * model that keeps every object's content and generations.  At every
 * generation a reader may still see, the fast lookups must return what a
 * naive scan of the model returns: the SPD's first match, the inbound SA,
 * the SA a sending policy picks, the object of an index.  Readers are
 * simulated by holding back grace periods (tests/host/shim/shim.c): until
 * one passes, nothing they could see may be unlinked or freed.  Also times
 * single changes into tables of 0 to 100k objects.  Prints TAP.
 *
 *   tables-diff [SEED]
 */
#include <stdarg.h>
#include <time.h>
#include "gen.h"
#include "sad.h"
#include "selector.h"
#include "spd.h"
#include "spd_index.h"
#include "tables.h"

struct workqueue_struct *ipsec6_wq;

static long objs_live;

void ipsec6_spd_policy_put(struct ipsec6_policy *pol)
{
	if (!pol || !refcount_dec_and_test(&pol->ref))
		return;
	free(pol->tmpl);
	free(pol);
	objs_live--;
}

void ipsec6_sad_sa_put(struct ipsec6_sa *sa)
{
	if (!sa || !refcount_dec_and_test(&sa->ref))
		return;
	free(sa);
	objs_live--;
}

/* ---- TAP, randomness ------------------------------------------------------ */

#include "tap.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 2001:db8::/96 + @low: a small address space, so that things collide. */
static void addr(struct in6_addr *a, u32 hi, u32 low)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr32[0] = htonl(0x20010db8);
	a->s6_addr32[2] = htonl(hi);
	a->s6_addr32[3] = htonl(low);
}

/* A prefix of @len around address @low, a range, or the wildcard. */
static void rnd_range(struct ipsec6_addr_range *r, u8 *present, u8 bit)
{
	u32 low = rndn(64), len, span;

	switch (rndn(8)) {
	case 0:
	case 1:
		return;			/* wildcard */
	case 2:				/* a range that is no prefix */
		span = 1 + rndn(12);
		addr(&r->start, 0, low);
		addr(&r->end, 0, low + span);
		break;
	case 3:				/* an empty range, now and then */
		if (!rndn(8)) {
			addr(&r->start, 0, low + 1);
			addr(&r->end, 0, low);
			break;
		}
		/* fall through */
	default:			/* a prefix /122 .. /128 */
		len = 122 + rndn(7);
		span = (1u << (128 - len)) - 1;
		addr(&r->start, 0, low & ~span);
		addr(&r->end, 0, (low & ~span) | span);
		if (!rndn(16)) {	/* /64, /96 now and then */
			len = rndn(2) ? 64 : 96;
			addr(&r->start, 0, 0);
			addr(&r->end, len == 64 ? ~0u : 0, ~0u);
		}
		break;
	}
	*present |= bit;
}

#define NIDX	48	/* indexes 2 .. NIDX + 1 (and 1) */

static struct ipsec6_policy *rnd_policy(void)
{
	struct ipsec6_policy *p = calloc(1, sizeof(*p));
	struct ipsec6_sel *s = &p->sel;

	objs_live++;
	refcount_set(&p->ref, 1);
	ipsec6_selector_init_any(s);
	p->index = rndn(20) ? 2 + rndn(NIDX) : 1;
	p->priority = rndn(4) * 100;
	p->dir = 1 + rndn(7);
	p->action = rndn(3);
	if (!rndn(10))
		p->flags = IPSEC6_POLICY_F_BUNDLE_ONLY;
	if (!rndn(8))
		p->bundle_next = 2 + rndn(NIDX);
	rnd_range(&s->remote, &s->present, IPSEC6_SEL_REMOTE);
	rnd_range(&s->local, &s->present, IPSEC6_SEL_LOCAL);
	if (!rndn(4)) {
		s->present |= IPSEC6_SEL_PROTO;
		s->proto = rndn(2) ? IPPROTO_TCP : IPPROTO_UDP;
		if (rndn(2)) {
			s->present |= IPSEC6_SEL_RPORT;
			s->rport_start = 1000 + rndn(4);
			s->rport_end = s->rport_start + rndn(3);
		}
	}
	if (p->action == IPSEC6_ACTION_APPLY) {
		p->tmpl = calloc(1, sizeof(*p->tmpl));
		p->tmpl->proto = rndn(2) ? IPPROTO_ESP : IPPROTO_AH;
		p->tmpl->mode = rndn(3) ? IPSEC6_MODE_TRANSPORT :
					  IPSEC6_MODE_TUNNEL;
		p->tmpl->reqid = rndn(3);
		addr(&p->tmpl->tremote, 1, rndn(4));
		p->tmpl->has_tlocal = !rndn(3);
		addr(&p->tmpl->tlocal, 2, rndn(2));
	}
	return p;
}

/* Creation order of SAs (sa->add_seq: the newest sends first). */
static u64 sa_seq;

static struct ipsec6_sa *rnd_sa(void)
{
	struct ipsec6_sa *sa = calloc(1, sizeof(*sa));

	objs_live++;
	refcount_set(&sa->ref, 1);
	sa->add_seq = ++sa_seq;
	sa->larval = !rndn(10);
	sa->state = rndn(6) ? IPSEC6_SA_STATE_VALID :
		    rndn(2) ? IPSEC6_SA_STATE_SOFT_EXPIRED :
			      IPSEC6_SA_STATE_EXPIRED;
	sa->index = 1 + rndn(NIDX);
	sa->spi = htonl(256 + rndn(16));
	sa->proto = rndn(2) ? IPPROTO_ESP : IPPROTO_AH;
	sa->mode = rndn(3) ? IPSEC6_MODE_TRANSPORT : IPSEC6_MODE_TUNNEL;
	sa->dir = rndn(3) == 0 ? IPSEC6_DIR_IN : rndn(2) ? IPSEC6_DIR_OUT : 0;
	sa->reqid = rndn(3);
	if (sa->mode == IPSEC6_MODE_TUNNEL)
		addr(&sa->dst, 1, rndn(4));
	else
		addr(&sa->dst, 0, rndn(64));
	sa->has_src = !rndn(3);
	addr(&sa->src, 2, rndn(2));
	if (!rndn(5))
		sa->policy = 2 + rndn(NIDX);
	if (!rndn(8)) {
		sa->sel.present = IPSEC6_SA_SEL_PROTO;
		sa->sel.proto = IPPROTO_TCP;
	}
	return sa;
}

static void rnd_flow(struct ipsec6_flow *fl)
{
	memset(fl, 0, sizeof(*fl));
	addr(&fl->remote, rndn(16) ? 0 : 1, rndn(72));
	addr(&fl->local, rndn(16) ? 0 : 2, rndn(72));
	fl->proto = rndn(3) ? IPPROTO_TCP : IPPROTO_UDP;
	if (rndn(4)) {
		fl->flags = IPSEC6_FLOW_PORTS;
		fl->rport = 999 + rndn(8);
		fl->lport = 40000;
	}
}

/* ---- the model ------------------------------------------------------------ */

/* An object as the model knows it: its content and generations. */
struct mobj {
	bool sa;
	union {
		struct ipsec6_policy *pol;	/* identity; content below */
		struct ipsec6_sa *s;
	};
	struct ipsec6_policy pc;
	struct ipsec6_tmpl tc;
	struct ipsec6_sa sc;
	u64 born, died;
	bool killed_here;	/* killed in the open change set */
};

static struct mobj **mo;
static u32 nmo, capmo;
static u64 G;			/* published generation */
static struct mutex lock = { .held = 1 };
static struct ipsec6_tables T;

static bool mvis(const struct mobj *m, u64 g)
{
	return m->born <= g && g < m->died;
}

static struct mobj *madd(bool sa, void *obj, u64 born)
{
	struct mobj *m;

	if (nmo == capmo) {
		capmo = capmo ? 2 * capmo : 1024;
		mo = realloc(mo, capmo * sizeof(*mo));
	}
	m = calloc(1, sizeof(*m));
	mo[nmo++] = m;
	m->sa = sa;
	if (sa) {
		m->s = obj;
		m->sc = *m->s;
	} else {
		m->pol = obj;
		m->pc = *m->pol;
		if (m->pol->tmpl) {
			m->tc = *m->pol->tmpl;
			m->pc.tmpl = &m->tc;
		}
	}
	m->born = born;
	m->died = IPSEC6_GEN_NEVER;
	return m;
}

/* The model object that is @index's policy (SA) in generation @g. */
static struct mobj *mfind(bool sa, u32 index, u64 g)
{
	u32 i;

	for (i = 0; i < nmo; i++) {
		struct mobj *m = mo[i];

		if (m->sa == sa && mvis(m, g) &&
		    (sa ? m->sc.index : m->pc.index) == index)
			return m;
	}
	return NULL;
}

static struct mobj *mfind_obj(const void *obj)
{
	u32 i;

	for (i = nmo; i-- > 0;)
		if ((mo[i]->sa ? (void *)mo[i]->s : (void *)mo[i]->pol) == obj)
			return mo[i];
	return NULL;
}

static struct mobj *mfind_said(const struct ipsec6_sa *k, u64 g)
{
	u32 i;

	for (i = 0; i < nmo; i++) {
		struct mobj *m = mo[i];

		if (m->sa && mvis(m, g) && m->sc.spi == k->spi &&
		    m->sc.proto == k->proto &&
		    ipv6_addr_equal(&m->sc.dst, &k->dst))
			return m;
	}
	return NULL;
}

static struct ipsec6_policy *naive_spd(u8 dir, const struct ipsec6_flow *fl,
				       u64 g)
{
	struct mobj *best = NULL;
	u64 bk = U64_MAX;
	u32 i;

	for (i = 0; i < nmo; i++) {
		struct mobj *m = mo[i];
		u64 k;

		if (m->sa || !mvis(m, g) ||
		    (m->pc.flags & IPSEC6_POLICY_F_BUNDLE_ONLY) ||
		    !ipsec6_spd_in_dir(&m->pc, dir) ||
		    !ipsec6_selector_match(&m->pc.sel, fl))
			continue;
		k = ipsec6_spd_key(&m->pc);
		if (k < bk) {
			bk = k;
			best = m;
		}
	}
	return best ? best->pol : NULL;
}

/* SA states by preference for sending: VALID, SOFT_EXPIRED, the rest. */
static int naive_rank(int state)
{
	return state == IPSEC6_SA_STATE_VALID ? 2 :
	       state == IPSEC6_SA_STATE_SOFT_EXPIRED;
}

/* The newest SA of the best state sends. */
static bool naive_better(const struct ipsec6_sa *a, const struct ipsec6_sa *b)
{
	if (naive_rank(a->state) != naive_rank(b->state))
		return naive_rank(a->state) > naive_rank(b->state);
	return a->add_seq > b->add_seq;
}

static struct ipsec6_sa *naive_select(const struct mobj *pm,
				      const struct ipsec6_flow *fl, u64 g)
{
	const struct ipsec6_policy *pol = &pm->pc;
	const struct ipsec6_tmpl *t = pol->tmpl;
	const struct in6_addr *dst = t->mode == IPSEC6_MODE_TUNNEL ?
				     &t->tremote : &fl->remote;
	struct mobj *best = NULL;
	u32 i;

	for (i = 0; i < nmo; i++) {
		struct mobj *m = mo[i];
		const struct ipsec6_sa *sa = &m->sc;

		if (!m->sa || !mvis(m, g) || sa->dir == IPSEC6_DIR_IN ||
		    sa->larval || !ipv6_addr_equal(&sa->dst, dst))
			continue;
		if (sa->policy) {
			if (sa->policy != pol->index ||
			    (t->mode == IPSEC6_MODE_TUNNEL &&
			     !ipsec6_sad_tunnel_ok(sa, t, IPSEC6_DIR_OUT)))
				continue;
		} else if (!ipsec6_sad_serves(sa, pol, IPSEC6_DIR_OUT)) {
			continue;
		}
		if (!ipsec6_sad_match_flow(sa, fl, IPSEC6_DIR_OUT))
			continue;
		if (!best || naive_better(sa, &best->sc))
			best = m;
	}
	return best ? best->s : NULL;
}

/* ---- checks ------------------------------------------------------------------ */

static char why[300];
static u32 nbad;

static void bad(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void bad(const char *fmt, ...)
{
	va_list ap;

	if (!nbad++) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
}

/* Every lookup at generation @g against the model. */
static void check_gen(u64 g, u32 nflows)
{
	struct ipsec6_flow fl;
	u32 i, k;

	for (i = 0; i < nflows; i++) {
		rnd_flow(&fl);
		for (k = 0; k < 2; k++) {
			u8 dir = k ? IPSEC6_DIR_OUT : IPSEC6_DIR_IN;
			struct ipsec6_policy *a, *b;

			a = ipsec6_spd_index_lookup(&T.spd, dir, &fl, g);
			b = naive_spd(dir, &fl, g);
			if (a != b)
				bad("gen %llu: SPD dir %u: fast index %d, naive index %d",
				    (unsigned long long)g, dir,
				    a ? (int)mfind_obj(a)->pc.index : -1,
				    b ? (int)mfind_obj(b)->pc.index : -1);
		}
	}
	for (i = 1; i <= NIDX + 1; i++) {
		struct mobj *m = mfind(false, i, g);
		struct ipsec6_policy *p = ipsec6_tables_policy(&T, i, g);
		struct mobj *ms = mfind(true, i, g);
		struct ipsec6_sa *s = ipsec6_tables_sa(&T, i, g);

		if (p != (m ? m->pol : NULL))
			bad("gen %llu: policy %u by index", (unsigned long long)g,
			    i);
		if (s != (ms ? ms->s : NULL))
			bad("gen %llu: SA %u by index", (unsigned long long)g, i);
	}
	for (i = 0; i < nmo; i++) {
		struct mobj *m = mo[i];
		struct ipsec6_sa *s, key;
		struct mobj *n;

		if (!m->sa || !mvis(m, g))
			continue;
		key = m->sc;
		if (rndn(2))
			key.spi = htonl(256 + rndn(20));
		s = ipsec6_sad_index_lookup(&T.sad, key.spi, &key.dst,
					    key.proto, g);
		n = mfind_said(&key, g);
		if (s != (n ? n->s : NULL))
			bad("gen %llu: inbound SA SPI %u", (unsigned long long)g,
			    ntohl(key.spi));
	}
	for (i = 0; i < nmo; i++) {
		struct mobj *m = mo[i];

		if (m->sa || !mvis(m, g) || m->pc.action != IPSEC6_ACTION_APPLY)
			continue;
		for (k = 0; k < 4; k++) {
			struct ipsec6_sa *a, *b;

			rnd_flow(&fl);
			if (rndn(2)) {
				struct mobj *sm = mo[rndn(nmo)];

				if (sm->sa)
					fl.remote = sm->sc.dst;
			}
			a = ipsec6_sad_index_select(&T.sad, m->pol, &fl, g);
			b = naive_select(m, &fl, g);
			if (a != b)
				bad("gen %llu: policy %u selects SA %d, naive %d",
				    (unsigned long long)g, m->pc.index,
				    a ? (int)a->index : -1,
				    b ? (int)b->index : -1);
		}
	}
}

/* ---- change sets as txn.c makes them --------------------------------------- */

static struct ipsec6_change C;
static bool open_set;
static u64 readers[8];
static u32 nreaders;

/* Kill model object @m in the open set (the tables did it). */
static void mkill(struct mobj *m)
{
	m->died = C.gen;
	m->killed_here = true;
}

static int op_kill(struct mobj *m)
{
	int err = m->sa ? ipsec6_tables_kill_sa(&T, &C, m->s) :
			  ipsec6_tables_kill_policy(&T, &C, m->pol);

	if (!err)
		mkill(m);
	return err;
}

static void op_revive(struct mobj *m)
{
	if (m->sa)
		ipsec6_tables_revive_sa(m->s);
	else
		ipsec6_tables_revive_policy(m->pol);
	m->died = IPSEC6_GEN_NEVER;
}

/* Add @obj, replacing what has its index (and SA identity) in the set. */
static int op_add(bool sa, void *obj)
{
	struct mobj *old = mfind(sa, sa ? ((struct ipsec6_sa *)obj)->index :
				 ((struct ipsec6_policy *)obj)->index, C.gen);
	struct mobj *dup = sa ? mfind_said(obj, C.gen) : NULL;
	int err = 0;

	if (dup == old)
		dup = NULL;
	if (old)
		err = op_kill(old);
	if (!err && dup)
		err = op_kill(dup);
	if (!err)
		err = sa ? ipsec6_tables_add_sa(&T, &C, obj) :
			   ipsec6_tables_add_policy(&T, &C, obj);
	if (err) {
		/* all or nothing, as txn.c does it */
		if (dup && dup->died == C.gen)
			op_revive(dup);
		if (old && old->died == C.gen)
			op_revive(old);
		if (sa)
			ipsec6_sad_sa_put(obj);
		else
			ipsec6_spd_policy_put(obj);
		return err;
	}
	madd(sa, obj, C.gen);
	return 0;
}

static void set_begin(void)
{
	u32 i;

	while (ipsec6_change_init(&C, G + 1))
		;
	for (i = 0; i < nmo; i++)
		mo[i]->killed_here = false;
	open_set = true;
}

static void set_abort(void)
{
	u32 i;

	ipsec6_tables_abort(&T, &C);
	for (i = 0; i < nmo; i++) {
		struct mobj *m = mo[i];

		if (m->born == G + 1)
			m->died = m->born;	/* never seen */
		else if (m->killed_here)
			m->died = IPSEC6_GEN_NEVER;
	}
	open_set = false;
}

static int set_commit(void)
{
	int err = ipsec6_tables_prepare(&T, &C);

	if (err) {
		set_abort();
		return err;
	}
	G++;
	ipsec6_tables_publish(&T, &C);
	open_set = false;
	return 0;
}

/* One random request; allocations fail now and then. */
static void random_op(void)
{
	struct mobj *m;
	u32 i, pick = rndn(10);

	if (!rndn(6))
		spd_shim_fail_after = 1 + rndn(6);
	if (pick < 4) {
		op_add(false, rnd_policy());
	} else if (pick < 7) {
		op_add(true, rnd_sa());
	} else if (nmo) {
		m = mo[rndn(nmo)];
		if (mvis(m, C.gen)) {
			if (op_kill(m) == 0 && pick == 9 && m->born <= G) {
				op_revive(m);
				if (rndn(2) && op_kill(m))
					bad("kill after revive failed");
			}
		}
	}
	spd_shim_fail_after = 0;
	(void)i;
}

static void reader_open(void)
{
	if (nreaders < 8)
		readers[nreaders++] = G;
}

/* Every reader is done: a grace period, the collector catches up. */
static void readers_done(void)
{
	nreaders = 0;
	shim_grace_period();
	ipsec6_tables_gc(&T);
	shim_grace_period();
	ipsec6_tables_gc(&T);
}

static void check_all(u32 nflows)
{
	u32 i;

	check_gen(G, nflows);
	for (i = 0; i < nreaders; i++)
		check_gen(readers[i], nflows / 4 + 1);
}

static void random_history(u32 sets, u32 maxops, u32 nflows)
{
	u32 k, i, n, commits = 0, aborts = 0, failed = 0;

	nbad = 0;
	for (k = 0; k < sets; k++) {
		set_begin();
		n = 1 + rndn(maxops);
		for (i = 0; i < n; i++)
			random_op();
		if (rndn(5)) {
			if (!rndn(8))
				spd_shim_fail_after = 1 + rndn(3);
			if (set_commit())
				failed++;
			else
				commits++;
			spd_shim_fail_after = 0;
		} else {
			set_abort();
			aborts++;
		}
		if (!rndn(3))
			reader_open();
		if (!rndn(4)) {
			ipsec6_tables_gc(&T);	/* no grace period: no-op */
			check_all(nflows / 2);
		}
		if (!rndn(5))
			readers_done();
		if (!rndn(7) && ipsec6_tables_wants_resize(&T))
			ipsec6_tables_resize(&T);
		if (!rndn(3))
			check_all(nflows);
		if (nbad)
			break;
	}
	check_all(nflows);
	tap(!nbad && !shim_warnings,
	    "%u change sets (%u committed, %u aborted, %u failed to commit), up to %u requests each: every generation a reader holds == model",
	    k, commits, aborts, failed, maxops);
	if (nbad)
		printf("# %u mismatches; first: %s\n", nbad, why);
	if (shim_warnings)
		printf("# %lu warnings (see stderr)\n", shim_warnings);
}

/* Tear down: every object and allocation must be gone. */
static void teardown(const char *what)
{
	if (open_set)
		set_abort();
	ipsec6_change_destroy(&C);	/* the buffers it kept between sets */
	readers_done();
	ipsec6_tables_destroy(&T);
	shim_grace_period();
	shim_grace_period();
	tap(objs_live == 0 && shim_live_allocs == 0,
	    "%s: nothing left after destroy (%ld objects, %ld allocations)",
	    what, objs_live, shim_live_allocs);
	while (nmo)
		free(mo[--nmo]);
	free(mo);
	mo = NULL;
	nmo = capmo = 0;
}

static void setup(void)
{
	int err = ipsec6_tables_init(&T, &lock);

	if (err) {
		printf("Bail out! tables init failed\n");
		exit(1);
	}
}

/* ---- single changes at scale --------------------------------------------- */

/* A /128 APPLY policy for peer @i, out or in. */
static struct ipsec6_policy *peer_policy(u32 i, bool in)
{
	struct ipsec6_policy *p = calloc(1, sizeof(*p));

	objs_live++;
	refcount_set(&p->ref, 1);
	ipsec6_selector_init_any(&p->sel);
	p->index = 0x10000000 + 2 * i + in;
	p->dir = in ? IPSEC6_DIR_IN : IPSEC6_DIR_OUT;
	p->action = IPSEC6_ACTION_APPLY;
	p->sel.present = IPSEC6_SEL_REMOTE;
	addr(&p->sel.remote.start, 7, i);
	p->sel.remote.end = p->sel.remote.start;
	p->tmpl = calloc(1, sizeof(*p->tmpl));
	p->tmpl->proto = IPPROTO_ESP;
	p->tmpl->mode = IPSEC6_MODE_TRANSPORT;
	p->tmpl->reqid = i;
	return p;
}

static struct ipsec6_sa *peer_sa(u32 i, bool in)
{
	struct ipsec6_sa *sa = calloc(1, sizeof(*sa));

	objs_live++;
	refcount_set(&sa->ref, 1);
	sa->add_seq = ++sa_seq;
	sa->index = 0x10000000 + 2 * i + in;
	sa->spi = htonl(0x10000000 + 2 * i + in);
	sa->proto = IPPROTO_ESP;
	sa->mode = IPSEC6_MODE_TRANSPORT;
	sa->reqid = i;
	addr(&sa->dst, in ? 8 : 7, in ? 1 : i);
	return sa;
}

/* One request as its own change set: add a tunnel's 4 objects. */
static void one_set(void *obj, bool sa)
{
	struct ipsec6_change c = {};

	ipsec6_change_init(&c, G + 1);
	if (sa)
		ipsec6_tables_add_sa(&T, &c, obj);
	else
		ipsec6_tables_add_policy(&T, &c, obj);
	ipsec6_tables_prepare(&T, &c);
	G++;
	ipsec6_tables_publish(&T, &c);
	ipsec6_change_destroy(&c);
	if (ipsec6_tables_wants_resize(&T))
		ipsec6_tables_resize(&T);
}

static void tunnel(u32 i)
{
	one_set(peer_sa(i, true), true);
	one_set(peer_sa(i, false), true);
	one_set(peer_policy(i, false), false);
	one_set(peer_policy(i, true), false);
}

/*
 * Tunnels one after the other, 4 change sets each, into tables that hold
 * @base tunnels: the mean cost per tunnel must not grow with the size.
 */
static void scale(void)
{
	static const u32 base[] = { 0, 1000, 10000, 100000 };
	double t[4], t0 = 0;
	u32 k, i, n = 2000;
	struct ipsec6_flow fl;
	int ok = 1;

	for (k = 0; k < 4; k++) {
		setup();
		for (i = 0; i < base[k]; i++)
			tunnel(1000000 + i);
		/* the best of 4 rounds: the machine is shared */
		t[k] = 1e9;
		for (i = 0; i < n; i++) {
			if (!(i % (n / 4)))
				t0 = now();
			tunnel(i);
			if (!(i % 64)) {
				shim_grace_period();
				ipsec6_tables_gc(&T);
			}
			if (!((i + 1) % (n / 4)) && (now() - t0) / (n / 4) < t[k])
				t[k] = (now() - t0) / (n / 4);
		}
		/* the last tunnel works */
		memset(&fl, 0, sizeof(fl));
		addr(&fl.remote, 7, n - 1);
		if (ipsec6_spd_index_lookup(&T.spd, IPSEC6_DIR_OUT, &fl, G) !=
		    ipsec6_tables_policy(&T, 0x10000000 + 2 * (n - 1), G) ||
		    !ipsec6_sad_index_select(&T.sad,
					     ipsec6_tables_policy(&T, 0x10000000 + 2 * (n - 1), G),
					     &fl, G))
			ok = 0;
		readers_done();
		ipsec6_tables_destroy(&T);
		shim_grace_period();
		printf("# %u tunnels on top of %u: %.2f us per tunnel (4 change sets, best round)\n",
		       n, base[k], t[k] * 1e6);
	}
	tap(ok, "tunnels at scale: the last one is found");
	/*
	 * Loose on a shared machine (make bench holds the 1.5x goal in the
	 * kernel); anything O(n) per change is 100 times slower here.
	 */
	tap(t[3] < 2.5 * t[0] + 5e-6,
	    "a tunnel on top of 100k objects costs %.2f us, on top of none %.2f us (at most 2.5x)",
	    t[3] * 1e6, t[0] * 1e6);
}

int main(int argc, char **argv)
{
	u64 seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 20261206;

	rng_state = seed ? seed : 1;
	printf("1..8\n# seed %llu\n", (unsigned long long)seed);
	setup();
	random_history(3000, 6, 40);
	teardown("short change sets");
	setup();
	random_history(300, 60, 40);
	teardown("long change sets");
	setup();
	random_history(40, 400, 200);
	teardown("large change sets");
	scale();
	return t_failed ? 1 : 0;
}
