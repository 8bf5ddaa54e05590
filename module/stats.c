// SPDX-License-Identifier: GPL-2.0
/*
 * Counters: per-namespace drop reasons, per-policy and per-SA traffic.
 * All are per-CPU and updated without locks; readers sum over CPUs.
 */
#include "stats.h"
#include "netns.h"

struct ipsec6_pcpu_stats __percpu *ipsec6_stats_alloc(void)
{
	return alloc_percpu(struct ipsec6_pcpu_stats);
}

void ipsec6_stats_free(struct ipsec6_pcpu_stats __percpu *stats)
{
	free_percpu(stats);
}

void ipsec6_stats_drop(struct ipsec6_net *in, enum ipsec6_stats_attr reason)
{
	if (WARN_ON_ONCE(!reason || reason > IPSEC6_STATS_A_MAX))
		return;
	this_cpu_inc(in->stats->drop[reason]);
}

u64 ipsec6_stats_read(struct ipsec6_pcpu_stats __percpu *stats,
		      enum ipsec6_stats_attr reason)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(stats, cpu)->drop[reason]);
	return sum;
}

struct ipsec6_counters __percpu *ipsec6_counters_alloc(void)
{
	return alloc_percpu_gfp(struct ipsec6_counters, GFP_KERNEL_ACCOUNT);
}

void ipsec6_counters_free(struct ipsec6_counters __percpu *c)
{
	free_percpu(c);
}

void ipsec6_counters_read(struct ipsec6_counters __percpu *c,
			  struct ipsec6_counters *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct ipsec6_counters *p = per_cpu_ptr(c, cpu);

		sum->packets += READ_ONCE(p->packets);
		sum->bytes += READ_ONCE(p->bytes);
		sum->drops += READ_ONCE(p->drops);
	}
}
