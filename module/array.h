/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_ARRAY_H
#define _IPSEC6_ARRAY_H

#include <linux/types.h>

void *ipsec6_array_alloc(size_t n, size_t size, gfp_t gfp);

#endif /* _IPSEC6_ARRAY_H */
