/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_STATS_H
#define _IPSEC6_STATS_H

#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/types.h>
#include "uapi/ipsec6.h"

struct ipsec6_net;

/*
 * Per-CPU drop counters of a namespace; updated with this_cpu ops.  Drop
 * reasons are the attribute numbers of enum ipsec6_stats_attr, so that the
 * counters are dumped one attribute per reason.
 */
struct ipsec6_pcpu_stats {
	u64 drop[IPSEC6_STATS_A_MAX + 1];
};

/*
 * Packet/byte counters of a policy: per-CPU in the object, and their sum
 * over the CPUs (ipsec6_counters_read()), allocated when the policy first
 * counts a packet (ipsec6_counters_lazy()): most of 100k policies never do,
 * and 24 bytes for each possible CPU would be most of a policy's memory on
 * a server (Documentation/performance.md).  Also the sum an SA's
 * counters are read into.
 */
struct ipsec6_counters {
	u64 packets;
	u64 bytes;
	u64 drops;
};

/*
 * An SA's counters: plain atomics, not per-CPU.  Every packet of an SA
 * already writes a line of that SA's own (the outbound sequence number,
 * the inbound replay window), and the packets of one inbound SA arrive on
 * one CPU (RSS hashes the outer addresses), so per-CPU copies would buy no
 * less sharing, and would cost 24 bytes for each possible CPU per SA
 * (1.5 KB with 64).
 */
struct ipsec6_sa_counters {
	atomic64_t packets;
	atomic64_t bytes;
	atomic64_t drops;
};

struct ipsec6_pcpu_stats __percpu *ipsec6_stats_alloc(void);
void ipsec6_stats_free(struct ipsec6_pcpu_stats __percpu *stats);
void ipsec6_stats_drop(struct ipsec6_net *in, enum ipsec6_stats_attr reason);
u64 ipsec6_stats_read(struct ipsec6_pcpu_stats __percpu *stats,
		      enum ipsec6_stats_attr reason);

struct ipsec6_counters __percpu *
ipsec6_counters_first(struct ipsec6_counters __percpu **c);
void ipsec6_counters_free(struct ipsec6_counters __percpu *c);
void ipsec6_counters_read(struct ipsec6_counters __percpu *c,
			  struct ipsec6_counters *sum);

static inline void ipsec6_counters_add(struct ipsec6_counters __percpu *c,
				       unsigned int len)
{
	this_cpu_inc(c->packets);
	this_cpu_add(c->bytes, len);
}

static inline void ipsec6_counters_drop(struct ipsec6_counters __percpu *c)
{
	this_cpu_inc(c->drops);
}

static inline void ipsec6_sa_counters_add(struct ipsec6_sa_counters *c,
					  unsigned int len)
{
	atomic64_inc(&c->packets);
	atomic64_add(len, &c->bytes);
}

static inline void ipsec6_sa_counters_drop(struct ipsec6_sa_counters *c)
{
	atomic64_inc(&c->drops);
}

static inline void ipsec6_sa_counters_read(const struct ipsec6_sa_counters *c,
					   struct ipsec6_counters *sum)
{
	sum->packets = atomic64_read(&c->packets);
	sum->bytes = atomic64_read(&c->bytes);
	sum->drops = atomic64_read(&c->drops);
}

/*
 * The counters kept at @c, allocated on first use (any context); NULL if
 * that allocation failed: the packet goes uncounted, the next one tries
 * again.
 */
static inline struct ipsec6_counters __percpu *
ipsec6_counters_lazy(struct ipsec6_counters __percpu **c)
{
	struct ipsec6_counters __percpu *p = READ_ONCE(*c);

	return likely(p) ? p : ipsec6_counters_first(c);
}

#endif /* _IPSEC6_STATS_H */
