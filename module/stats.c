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

/**
 * ipsec6_counters_first - allocate counters on first use
 * @c: where the object keeps them, NULL until now
 *
 * Called from the datapath (softirq, or a process with preemption
 * enabled): an atomic allocation, from the per-CPU allocator's populated
 * reserve, not charged to a memory cgroup (the packet's context is not the
 * policy owner's).  Installed with cmpxchg() so that CPUs racing on a first
 * packet agree on one block; the loser frees its own.
 *
 * Return: the counters now at @c, or NULL if the allocation failed.
 */
struct ipsec6_counters __percpu *
ipsec6_counters_first(struct ipsec6_counters __percpu **c)
{
	struct ipsec6_counters __percpu *p, *cur;

	p = alloc_percpu_gfp(struct ipsec6_counters, GFP_ATOMIC | __GFP_NOWARN);
	if (!p)
		return NULL;
	cur = cmpxchg(c, NULL, p);
	if (cur) {
		free_percpu(p);
		return cur;
	}
	return p;
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
	if (!c)		/* a policy that never counted a packet */
		return;
	for_each_possible_cpu(cpu) {
		const struct ipsec6_counters *p = per_cpu_ptr(c, cpu);

		sum->packets += READ_ONCE(p->packets);
		sum->bytes += READ_ONCE(p->bytes);
		sum->drops += READ_ONCE(p->drops);
	}
}
