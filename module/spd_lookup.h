/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_SPD_LOOKUP_H
#define _IPSEC6_SPD_LOOKUP_H

#include <linux/types.h>

struct ipsec6_flow;
struct ipsec6_policy;
struct ipsec6_sel;
struct ipsec6_spd_lk;

/* Parts of a direction: which address dimension a policy is found by. */
enum {
	IPSEC6_SPD_REMOTE,
	IPSEC6_SPD_LOCAL,
	IPSEC6_SPD_ANY,		/* both addresses are wildcards */
	IPSEC6_SPD_NEVER,	/* an empty range: matches nothing */
};

/* No rank: no policy matched. */
#define IPSEC6_SPD_NONE		(~0U)

/*
 * A segment tree lookup structure over an array of policies in search
 * order (spd_lookup.c).  Built by the writer, immutable afterwards:
 * readers only need the RCU read lock that keeps it.  Results are ranks
 * (positions in that array).  This file and spd_lookup.c build in
 * userspace too (tests/host/spd-diff.sh).
 */
struct ipsec6_spd_lk *ipsec6_spd_lookup_build(struct ipsec6_policy *const *pol,
					      u32 npol);
void ipsec6_spd_lookup_free(struct ipsec6_spd_lk *lk);
u32 ipsec6_spd_lookup_find(const struct ipsec6_spd_lk *lk, u8 dir,
			   const struct ipsec6_flow *fl, u64 g, u32 below);
int ipsec6_spd_lookup_part(const struct ipsec6_sel *sel);
size_t ipsec6_spd_lookup_size(const struct ipsec6_spd_lk *lk);

#endif /* _IPSEC6_SPD_LOOKUP_H */
