/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP output and the xorshift64* generator of the host differential tests
 * (spd-diff.c, tables-diff.c).  Each test sets rng_state from its seed
 * and ends with its plan from t_n and t_failed.
 */
#ifndef _IPSEC6_HOST_TAP_H
#define _IPSEC6_HOST_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <linux/types.h>

static int t_n, t_failed;

static void tap(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++t_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok)
		t_failed++;
	fflush(stdout);
}

/* xorshift64* */
static u64 rng_state;

static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static u32 rndn(u32 n)
{
	return n ? (u32)(rnd() % n) : 0;
}

#endif /* _IPSEC6_HOST_TAP_H */
