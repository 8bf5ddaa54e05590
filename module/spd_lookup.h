/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_SPD_LOOKUP_H
#define _IPSEC6_SPD_LOOKUP_H

#include <linux/types.h>

struct ipsec6_flow;
struct ipsec6_spd_entry;
struct ipsec6_spd_lk;

/*
 * The SPD lookup structure of one table version (spd_lookup.c).  Built by
 * the writer before the version is published, immutable afterwards, freed
 * with the version: readers only need the RCU read lock that protects the
 * version.  This file and spd_lookup.c build in userspace too
 * (tests/host/spd-diff.sh).
 */
struct ipsec6_spd_lk *ipsec6_spd_lookup_build(const struct ipsec6_spd_entry *pol,
					      u32 npol);
struct ipsec6_spd_lk *ipsec6_spd_lookup_share(const struct ipsec6_spd_lk *old,
					      const struct ipsec6_spd_entry *pol,
					      u32 npol);
void ipsec6_spd_lookup_free(struct ipsec6_spd_lk *lk);
const struct ipsec6_spd_entry *
ipsec6_spd_lookup_find(const struct ipsec6_spd_lk *lk, u8 dir,
		       const struct ipsec6_flow *fl);
const struct ipsec6_spd_entry *
ipsec6_spd_lookup_first(const struct ipsec6_spd_lk *lk, u8 dir);
size_t ipsec6_spd_lookup_size(const struct ipsec6_spd_lk *lk);

#endif /* _IPSEC6_SPD_LOOKUP_H */
