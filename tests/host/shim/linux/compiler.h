/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for the kernel header (tests/host/shim). */
#ifndef _SHIM_COMPILER_H
#define _SHIM_COMPILER_H
#define READ_ONCE(x) (*(const volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile typeof(x) *)&(x) = (v))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
