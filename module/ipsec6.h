/* SPDX-License-Identifier: GPL-2.0 */
/* Module-wide objects shared by several files. */
#ifndef _IPSEC6_H
#define _IPSEC6_H

#include <linux/workqueue.h>

/* Deferred frees (table versions, SAs) run here; drained on unload. */
extern struct workqueue_struct *ipsec6_wq;

#endif /* _IPSEC6_H */
