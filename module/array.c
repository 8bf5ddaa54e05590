// SPDX-License-Identifier: GPL-2.0
/*
 * Arrays sized by the number of policies or SAs (the SPD rest's segment
 * tree, hash buckets): 100k policies make arrays of megabytes.
 * kvmalloc() would try kmalloc() first, which rounds such an array up to
 * a power of two pages; on a 100k-policy SPD that slack was a
 * third of all the memory the SPD took (Documentation/performance.md).
 * So beyond a page they come straight from vmalloc, which rounds to a
 * page.
 */
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "array.h"

/**
 * ipsec6_array_alloc - memory for a large array
 * @n: number of elements
 * @size: bytes per element
 * @gfp: GFP_KERNEL or GFP_KERNEL_ACCOUNT, with __GFP_ZERO for zeroed memory
 *
 * Process context.  Free with kvfree().  NULL if @n * @size overflows or
 * memory is short; ZERO_SIZE_PTR for an empty array, as kmalloc(0).
 */
void *ipsec6_array_alloc(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	if (bytes <= PAGE_SIZE)
		return kmalloc(bytes, gfp);
	return __vmalloc(bytes, gfp);
}
