/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_GEN_H
#define _IPSEC6_GEN_H

#include <linux/compiler.h>
#include <linux/types.h>

/*
 * Generations (Documentation/design.rst, "Change sets").
 *
 * A namespace publishes a generation number G with its table view
 * (db.h).  Every policy and SA carries the generation it was born in and
 * the one it died in; it is part of generation g iff born <= g < died.  A
 * change set links its new objects with born = G + 1 and marks the ones it
 * removes with died = G + 1, directly in the shared lookup structures,
 * then publishes G + 1 with one pointer store: a packet that read G sees
 * none of the change set, one that read G + 1 sees all of it.  Objects die
 * once and are never born again (a change makes a new object), so the two
 * numbers only move from "not yet" to a value.  64 bits never wrap.
 */
#define IPSEC6_GEN_NEVER	U64_MAX

/* The generations an object is part of: [born, died). */
struct ipsec6_life {
	u64 born;
	u64 died;
};

static inline void ipsec6_gen_init(struct ipsec6_life *l, u64 born)
{
	l->born = born;
	l->died = IPSEC6_GEN_NEVER;
}

/* Is an object living @l part of generation @g? */
static inline bool ipsec6_gen_visible(const struct ipsec6_life *l, u64 g)
{
	return READ_ONCE(l->born) <= g && g < READ_ONCE(l->died);
}

#endif /* _IPSEC6_GEN_H */
