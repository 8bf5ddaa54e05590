// SPDX-License-Identifier: GPL-2.0
/*
 * "ipsec6ctl policy ...": the "ip xfrm policy" grammar.
 */
#include <stdlib.h>
#include <string.h>
#include "batch.h"
#include "ipsec6ctl.h"
#include "output.h"
#include "xfrmgrammar.h"

void help_policy(FILE *f)
{
	fputs(
"Usage: ipsec6ctl policy {add|update} [SELECTOR] dir {in|out|fwd}\n"
"               [index INDEX] [priority N] [action ACTION] [tmpl TMPL]\n"
"               [bundle INDEX] [flag FLAG...] [ptype main]\n"
"       ipsec6ctl policy {del|delete|get} {index INDEX |\n"
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
"2); update, del and get find the policy by selector and dir.\n", f);
}

static void free_policies(struct vec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		policy_free(v->v[i]);
	vec_free(v);
}

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

/* "policy get index N": one POLICY_GET request. */
static int policy_get_index(uint32_t index)
{
	struct policy pol;
	struct json j;
	int got = nl_get_policy(ctl_nl(), index, &pol);

	if (got <= 0) {
		if (!got)
			err_msg("policy get: no policy %u", index);
		return 1;
	}
	if (ctl.json) {
		json_init(&j, stdout);
		json_policy(&j, NULL, &pol);
	} else {
		print_policy(stdout, &pol);
	}
	return 0;
}

static int policy_query(struct xg_policy *r)
{
	struct vec pols = { 0 }, found = { 0 };
	unsigned int n = 0;
	size_t i;
	int ret = 0;

	if (r->op == XG_GET && r->has_index)
		return policy_get_index(r->pol.index);
	if (nl_dump_policies(ctl_nl(), &pols) < 0)
		return 1;
	for (i = 0; i < pols.n; i++) {
		struct policy *p = pols.v[i];
		struct policy tmp = r->pol;

		if (r->op == XG_LIST || r->op == XG_COUNT) {
			if (r->op == XG_COUNT || list_match(r, p))
				vec_push(&found, p);
			continue;
		}
		/* get */
		if (r->has_index) {
			if (p->index == r->pol.index)
				vec_push(&found, p);
			continue;
		}
		if (!r->has_priority)
			tmp.priority = p->priority;
		if (policy_same_selector(p, &tmp))
			vec_push(&found, p);
	}
	n = (unsigned int)found.n;
	if (r->op == XG_COUNT) {
		if (ctl.json)
			printf("{\"count\":%u}\n", n);
		else
			printf("SPD count %u\n", n);
		goto out;
	}
	if (r->op == XG_GET && n != 1) {
		if (!n)
			err_msg("policy get: no such policy");
		else
			err_msg("policy get: %u policies match (add 'priority N' or use 'index N')",
				n);
		ret = 1;
		goto out;
	}
	if (ctl.json) {
		struct json j;

		json_init(&j, stdout);
		if (r->op == XG_GET) {
			json_policy(&j, NULL, found.v[0]);
		} else {
			json_arr_start(&j, NULL);
			for (i = 0; i < found.n; i++)
				json_policy(&j, NULL, found.v[i]);
			json_arr_end(&j);
		}
	} else {
		for (i = 0; i < found.n; i++)
			print_policy(stdout, found.v[i]);
	}
out:
	vec_free(&found);
	free_policies(&pols);
	return ret;
}

int cmd_policy(int argc, char **argv)
{
	struct origin o = { 0 };
	struct xg_policy r;
	struct batch *b;
	char err[ERRBUF_LEN], what[32];
	int ret;

	if (argc < 2)
		return usage_error("policy", "missing subcommand");
	if (xg_policy_parse(argc - 1, argv + 1, &r, err, sizeof(err)) < 0) {
		snprintf(what, sizeof(what), "policy %s", argv[1]);
		return usage_error(what, "%s", err);
	}
	if (r.op == XG_LIST || r.op == XG_GET || r.op == XG_COUNT)
		return policy_query(&r);
	snprintf(what, sizeof(what), "policy %s", argv[1]);
	o.what = what;
	b = batch_new();
	batch_add_policy(b, &r, &o);
	ret = batch_run(b, false);
	batch_free(b);
	return ret;
}
