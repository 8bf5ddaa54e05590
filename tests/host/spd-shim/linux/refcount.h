/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for the kernel header (tests/host/spd-diff.sh). */
#ifndef _SPD_SHIM_REFCOUNT_H
#define _SPD_SHIM_REFCOUNT_H
typedef struct {
	int refs;
} refcount_t;
#define refcount_inc(r) ((r)->refs++)
#define refcount_set(r, n) ((r)->refs = (n))
#define refcount_dec_and_test(r) (--(r)->refs == 0)
#endif
