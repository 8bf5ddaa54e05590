/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for the kernel header (tests/host/spd-diff.sh). */
#ifndef _SPD_SHIM_SLAB_H
#define _SPD_SHIM_SLAB_H
#include <stdlib.h>
#include <linux/types.h>
#define GFP_KERNEL 0u
#define GFP_KERNEL_ACCOUNT 0u
#define __GFP_ZERO 1u
extern unsigned long spd_shim_fail_after;	/* fail the Nth allocation */
static inline void *spd_shim_alloc(size_t n, int zero)
{
	if (spd_shim_fail_after && !--spd_shim_fail_after)
		return NULL;
	return zero ? calloc(1, n ? n : 1) : malloc(n ? n : 1);
}
#define kzalloc(n, f) spd_shim_alloc((n), 1)
#define kfree(p) free(p)
#define kvmalloc_array(n, s, f) spd_shim_alloc((size_t)(n) * (s), 0)
#define kvcalloc(n, s, f) spd_shim_alloc((size_t)(n) * (s), 1)
#define kvfree(p) free(p)
#endif
