/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for the kernel header (tests/host/spd-diff.sh). */
#ifndef _SPD_SHIM_PERCPU_H
#define _SPD_SHIM_PERCPU_H
#define __percpu
#define this_cpu_inc(x) ((x)++)
#define this_cpu_add(x, v) ((x) += (v))
#endif
