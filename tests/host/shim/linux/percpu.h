/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for the kernel header (tests/host/shim). */
#ifndef _SHIM_PERCPU_H
#define _SHIM_PERCPU_H
#define this_cpu_inc(x) ((x)++)
#define this_cpu_add(x, v) ((x) += (v))
#endif
