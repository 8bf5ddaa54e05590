// SPDX-License-Identifier: GPL-2.0
/*
 * "ipsec6ctl policy ...": the "ip xfrm policy" grammar.
 */
#include <stdlib.h>
#include <string.h>
#include "ipsec6ctl.h"
#include "output.h"
#include "plan.h"

const char help_policy[] =
"Usage: ipsec6ctl policy {add|update} [SELECTOR] dir {in|out|fwd}\n"
"               [index INDEX] [priority N] [action ACTION] [tmpl TMPL]\n"
"               [bundle INDEX] [flag FLAG...] [ptype main]\n"
"       ipsec6ctl policy {del|get} {index INDEX |\n"
"               [SELECTOR] dir {in|out|fwd} [priority N]}\n"
"       ipsec6ctl policy {list|show|ls} [dir {in|out|fwd}] [index INDEX]\n"
"               [action ACTION]\n"
"       ipsec6ctl policy {flush|count}\n"
"SELECTOR := [src ADDRS] [dst ADDRS] [dev DEV]\n"
"            [proto PROTO [sport PORTS] [dport PORTS] [type N [code N]]]\n"
"ADDRS := ADDR | ADDR/PLEN | ADDR-ADDR\n"
"PORTS := PORT | PORT-PORT\n"
"ACTION := allow | block | apply | bypass | discard\n"
"TMPL := [src ADDR] [dst ADDR] proto {esp|ah} [spi 0]\n"
"        [mode {transport|tunnel}] [reqid N] [level required]\n"
"FLAG := dscp-copy | bundle-only\n"
"\n"
"For dir out, src and sport are this host's end and dst and dport the\n"
"peer's; for dir in and fwd it is the other way round (the kernel keeps\n"
"remote and local selectors).  PROTO is a name (tcp, udp, icmp, sctp,\n"
"udplite, ...) or a number; type and code need proto icmp (ICMPv6).\n"
"\n"
"action allow with a tmpl applies IPsec (APPLY), without one lets the\n"
"packets pass (BYPASS); block drops them (DISCARD).  One tmpl per policy:\n"
"chain policies with 'bundle INDEX' for AH over ESP.  In tunnel mode the\n"
"tmpl gives the gateways (src is ours for dir out).\n"
"\n"
"Without 'index', add takes the highest index in use plus one (at least\n"
"2); update, del and get find the policy by selector and dir.\n";

static bool list_match(const struct xg_policy *r, const struct policy *p)
{
	if (r->has_index && p->index != r->pol.index)
		return false;
	if (r->has_dir && !(p->dir & r->pol.dir))
		return false;
	if (r->has_action && p->action != r->pol.action)
		return false;
	return true;
}

/* Does @p answer the query @r ("get" by selector, "list", "count")? */
static bool query_match(const struct xg_policy *r, const struct policy *p)
{
	struct policy tmp = r->pol;

	if (r->op == XG_COUNT)
		return true;
	if (r->op == XG_LIST || r->has_index)
		return list_match(r, p);
	if (!r->has_priority)
		tmp.priority = p->priority;
	return policy_same_selector(p, &tmp);
}

static int policy_query(struct xg_policy *r)
{
	struct vec pols = { 0 }, found = { 0 };
	struct policy pol;
	size_t i;
	int ret = 1, got;

	if (r->op == XG_GET && r->has_index) {
		/* One POLICY_GET request. */
		got = nl_get_policy(ctl_nl(), r->pol.index, &pol);
		if (!got)
			err_msg("policy get: no policy %u", r->pol.index);
		if (got > 0)
			show_policy(stdout, &pol, ctl.json);
		return got > 0 ? 0 : 1;
	}
	if (nl_dump_policies(ctl_nl(), &pols) < 0)
		return 1;
	for (i = 0; i < pols.n; i++)
		if (query_match(r, pols.v[i]))
			vec_push(&found, pols.v[i]);
	if (r->op == XG_COUNT)
		printf(ctl.json ? "{\"count\":%zu}\n" : "SPD count %zu\n",
		       found.n);
	else if (r->op == XG_GET && found.n > 1)
		err_msg("policy get: %zu policies match (add 'priority N' or use 'index N')",
			found.n);
	else if (r->op == XG_GET && !found.n)
		err_msg("policy get: no such policy");
	else if (r->op == XG_GET)
		show_policy(stdout, found.v[0], ctl.json);
	else
		list_policies(stdout, &found, ctl.json);
	if (r->op != XG_GET || found.n == 1)
		ret = 0;
	vec_free(&found);
	policies_free(&pols);
	return ret;
}

int cmd_policy(int argc, char **argv)
{
	struct xg_policy r;
	char err[ERRBUF_LEN], what[32];

	if (argc < 2)
		return usage_error("policy", "missing subcommand");
	snprintf(what, sizeof(what), "policy %s", argv[1]);
	if (xg_policy_parse(argc - 1, argv + 1, &r, err, sizeof(err)) < 0)
		return usage_error(what, "%s", err);
	if (r.op == XG_LIST || r.op == XG_GET || r.op == XG_COUNT)
		return policy_query(&r);
	return plan_one(&r, NULL, what);
}
