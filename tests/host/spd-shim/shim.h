/* SPDX-License-Identifier: GPL-2.0 */
/* Included first in every file of tests/host/spd-diff.sh. */
#ifndef _SPD_SHIM_H
#define _SPD_SHIM_H
#include <linux/types.h>
#include <linux/in.h>
#define U16_MAX 0xffff
static inline u64 get_unaligned_be64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return __builtin_bswap64(v);
}
#endif
