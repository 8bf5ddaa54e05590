/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_TABLES_H
#define _IPSEC6_TABLES_H

#include <linux/list.h>
#include <linux/xarray.h>
#include "sad_index.h"
#include "spd_index.h"

struct ipsec6_policy;
struct ipsec6_sa;

/* A growing array of object pointers. */
struct ipsec6_vec {
	u32 n;
	u32 cap;
	void **v;
};

struct ipsec6_gc;

/*
 * What one change set did to the tables: the objects it linked (born in
 * @gen) and the ones it marked dead (died in @gen).  Kept by txn.c from
 * ipsec6_change_init() to ipsec6_tables_publish() or _abort(), which
 * empty it but keep its buffers for the next set.
 */
struct ipsec6_change {
	u64 gen;
	struct ipsec6_vec pol_born, pol_died, sa_born, sa_died;
	struct ipsec6_vec staged;	/* born policies of the SPD's rest */
	struct ipsec6_gc *gc;		/* where its dead objects go */
};

/*
 * Every policy and SA object of a namespace that a reader may still see,
 * with the structures that find them (tables.c).  Writers hold @lock;
 * readers need the RCU read lock and a generation (gen.h).
 */
struct ipsec6_tables {
	struct mutex *lock;	/* the writers' lock (the namespace's) */
	struct xarray pol;	/* index -> newest version (->older) */
	struct xarray sa;	/* index -> newest version (->older) */
	struct xarray named;	/* policy index -> an SA naming it */
	struct xarray bundles;	/* index -> its versions with BUNDLE_NEXT */
	struct ipsec6_spd_index spd;
	struct ipsec6_sad_index sad;
	struct list_head gc;	/* struct ipsec6_gc, waiting for readers */
	/* as of the published generation */
	u32 npol;
	u32 nsa;
	u32 ndir[2];		/* policies in inbound, outbound lookups */
};

/* How a change set changes the counts of struct ipsec6_tables. */
struct ipsec6_tables_delta {
	int npol;
	int nsa;
	int ndir[2];
};

int ipsec6_tables_init(struct ipsec6_tables *t, struct mutex *lock);
void ipsec6_tables_destroy(struct ipsec6_tables *t);

struct ipsec6_policy *ipsec6_tables_policy(const struct ipsec6_tables *t,
					   u32 index, u64 g);
struct ipsec6_sa *ipsec6_tables_sa(const struct ipsec6_tables *t, u32 index,
				   u64 g);
struct ipsec6_sa *ipsec6_tables_named(const struct ipsec6_tables *t,
				      u32 policy);

int ipsec6_change_init(struct ipsec6_change *c, u64 gen);
void ipsec6_change_destroy(struct ipsec6_change *c);
bool ipsec6_change_empty(const struct ipsec6_change *c);
int ipsec6_change_reserve(struct ipsec6_change *c, u32 npol, u32 nsa);
void ipsec6_change_delta(const struct ipsec6_change *c,
			 struct ipsec6_tables_delta *d);
int ipsec6_tables_add_policy(struct ipsec6_tables *t, struct ipsec6_change *c,
			     struct ipsec6_policy *pol);
int ipsec6_tables_kill_policy(struct ipsec6_tables *t, struct ipsec6_change *c,
			      struct ipsec6_policy *pol);
void ipsec6_tables_revive_policy(struct ipsec6_policy *pol);
int ipsec6_tables_add_sa(struct ipsec6_tables *t, struct ipsec6_change *c,
			 struct ipsec6_sa *sa);
int ipsec6_tables_kill_sa(struct ipsec6_tables *t, struct ipsec6_change *c,
			  struct ipsec6_sa *sa);
void ipsec6_tables_revive_sa(struct ipsec6_sa *sa);
int ipsec6_tables_prepare(struct ipsec6_tables *t, struct ipsec6_change *c);
void ipsec6_tables_publish(struct ipsec6_tables *t, struct ipsec6_change *c);
void ipsec6_tables_abort(struct ipsec6_tables *t, struct ipsec6_change *c);

bool ipsec6_tables_gc(struct ipsec6_tables *t);
bool ipsec6_tables_wants_resize(const struct ipsec6_tables *t);
void ipsec6_tables_resize(struct ipsec6_tables *t);

#endif /* _IPSEC6_TABLES_H */
