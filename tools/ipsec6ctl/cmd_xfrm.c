// SPDX-License-Identifier: GPL-2.0
/*
 * The native commands: "ipsec6ctl policy ..." and "ipsec6ctl sa ..." in
 * the grammar of "ip xfrm policy" and "ip xfrm state" (sa without
 * arguments: the Windows listing).  Queries are answered here; changes go
 * through the planner.
 */
#include <stdlib.h>
#include <string.h>
#include "ipsec6ctl.h"
#include "output.h"
#include "plan.h"

const char help_policy[] =
"Usage: ipsec6ctl policy {add|update} [SELECTOR] dir {in|out|fwd}\n"
"               [index INDEX] [priority N] [action ACTION] [tmpl TMPL]\n"
"               [bundle INDEX] [flag FLAG...] [ptype main] [owner N]\n"
"       ipsec6ctl policy {del|delete|get} {index INDEX |\n"
"               [SELECTOR] dir {in|out|fwd} [priority N]}\n"
"       ipsec6ctl policy {list|show|ls} [dir {in|out|fwd}] [index INDEX]\n"
"               [action ACTION]\n"
"       ipsec6ctl policy {flush [owner N]|count}\n"
"SELECTOR := [src ADDRS] [dst ADDRS] [dev DEV]\n"
"            [proto PROTO [sport PORTS] [dport PORTS] [type N [code N]]]\n"
"ADDRS := ADDR | ADDR/PLEN | ADDR-ADDR\n"
"PORTS := PORT | PORT-PORT\n"
"ACTION := allow | block | apply | bypass | discard\n"
"TMPL := [src ADDR] [dst ADDR] proto {esp|ah} [spi 0]\n"
"        [mode {transport|tunnel}] [reqid N] [level required]\n"
"FLAG := dscp-copy | bundle-only\n"
"\n"
"For dir out, src and sport are this host's end, dst and dport the peer's;\n"
"for dir in and fwd the other way round.  action allow with a tmpl is\n"
"APPLY, without one BYPASS; block is DISCARD.  Without 'index', add takes\n"
"the highest index in use plus one; update, del and get find the policy\n"
"by selector and dir.  flush owner N deletes only the policies of owner N\n"
"(0: the administrator's, policy 1 among them).  See ipsec6ctl(8).\n";

/* Does @p answer the query @r ("get" by selector, "list", "count")? */
static bool query_match(const struct xg_policy *r, const struct policy *p)
{
	struct policy tmp = r->pol;

	if (r->op == XG_COUNT)
		return true;
	if (r->op == XG_LIST || r->has_index)
		return (!r->has_index || p->index == r->pol.index) &&
		       (!r->has_dir || (p->dir & r->pol.dir)) &&
		       (!r->has_action || p->action == r->pol.action);
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
	if (nl_dump(ctl_nl(), IPSEC6_A_POLICY, &pols) < 0)
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

const char help_sa[] =
"Usage: ipsec6ctl sa\n"
"       ipsec6ctl sa {add|update} dst ADDR spi SPI\n"
"               {proto {esp|ah} | policy INDEX} [src ADDR]\n"
"               [mode {transport|tunnel}] [index INDEX] [dir {in|out}]\n"
"               [reqid N] [replay-window N] [replay-seq N] [replay-oseq N]\n"
"               [replay-seq-hi N] [replay-oseq-hi N] [flag FLAG...]\n"
"               ALGO... [limit LIMIT N]... [sel SELECTOR] [owner N]\n"
"               [encap espinudp SPORT DPORT OA]\n"
"       ipsec6ctl sa allocspi dst ADDR proto {esp|ah} [src ADDR]\n"
"               [spi SPI | min SPI max SPI] [reqid N] [index INDEX]\n"
"               [limit time-hard N] [owner N]\n"
"       ipsec6ctl sa {del|delete|get} {index INDEX |\n"
"               dst ADDR proto {esp|ah} spi SPI [src ADDR]}\n"
"       ipsec6ctl sa {list|show|ls} [index INDEX] [src ADDR] [dst ADDR]\n"
"               [proto {esp|ah}] [spi SPI] [policy INDEX] [dir {in|out}]\n"
"       ipsec6ctl sa {flush [owner N]|count}\n"
"ALGO := auth NAME KEY | auth-trunc NAME KEY BITS | enc NAME KEY |\n"
"        aead NAME KEY BITS\n"
"KEY := 0xHEX | STRING | @FILE | keyfile FILE\n"
"FLAG := esn | dscp-copy\n"
"LIMIT := byte-soft | byte-hard | packet-soft | packet-hard | time-soft |\n"
"         time-hard | time-use-soft | time-use-hard\n"
"SELECTOR := [src ADDR] [dst ADDR] [proto PROTO [sport PORT] [dport PORT]]\n"
"\n"
"Without arguments, print the SAs in the layout of a .sad file.\n"
"\n"
"SPI is decimal or 0x hexadecimal.  A KEY that does not start with 0x\n"
"is taken as the bytes of the string, as \"ip xfrm\" does;\n"
"@FILE and keyfile FILE read the raw bytes of FILE and record its name\n"
"for 's'.  auth sends the ICV length \"ip xfrm\" gives the algorithm,\n"
"auth-trunc (0: the same) and aead give it in bits.\n"
"\n"
"replay-seq and replay-oseq (-hi: the high halves, with flag esn) set the\n"
"number an SA starts from.  'policy INDEX' binds the SA to that policy\n"
"(its proto and mode by default).  Without 'index', add takes the highest\n"
"index in use plus one, update finds the SA by dst, proto and spi and\n"
"changes it in place (not its keys).  allocspi reserves a free SPI of the\n"
"range (default 256-0xffffffff) in a larval SA without keys, which lives\n"
"30 s (limit time-hard) unless 'sa update' completes it.  flush owner N\n"
"deletes only the SAs of owner N (0: the administrator).  Keys are never\n"
"shown.  See ipsec6ctl(8).\n"
"\n"
"NAME is a crypto API name or one of these aliases:\n";

static bool sa_match(const struct xg_sa *r, const struct sa *sa)
{
	const struct sa *f = &r->sa;

	return (!r->has_index || sa->index == f->index) &&
	       (!f->has_src || (sa->has_src && !cmp_in6(&sa->src, &f->src))) &&
	       (!r->has_dst || !cmp_in6(&sa->dst, &f->dst)) &&
	       (!r->has_proto || sa->proto == f->proto) &&
	       (!r->has_spi || sa->spi == f->spi) &&
	       (!r->has_policy || sa->policy == f->policy) &&
	       (!r->has_dir || sa->dir == f->dir);
}

static int sa_query(struct xg_sa *r)
{
	struct vec sas = { 0 }, found = { 0 };
	struct sa sa;
	size_t i;
	int got;

	if (r->op == XG_GET || r->op == XG_ALLOCSPI) {
		got = nl_get_sa(ctl_nl(), r->op == XG_GET ? IPSEC6_CMD_SA_GET :
				IPSEC6_CMD_SA_ALLOC_SPI, &r->sa, &sa);
		if (!got && r->op == XG_GET)
			err_msg("sa get: no such SA");
		if (got > 0)
			show_sa(stdout, &sa, ctl.json);
		sa_clear(&sa);
		/* --dry-run: the allocspi request is printed, nothing more. */
		return got > 0 || (!got && nl_opts.dry_run) ? 0 : 1;
	}
	if (nl_dump(ctl_nl(), IPSEC6_A_SA, &sas) < 0)
		return 1;
	for (i = 0; i < sas.n; i++)
		if (r->op == XG_COUNT || sa_match(r, sas.v[i]))
			vec_push(&found, sas.v[i]);
	if (r->op == XG_COUNT)
		printf(ctl.json ? "{\"count\":%zu}\n" : "SAD count %zu\n",
		       found.n);
	else
		list_sas(stdout, &found, ctl.json);
	vec_free(&found);
	sas_free(&sas);
	return 0;
}

int cmd_sa(int argc, char **argv)
{
	struct xg_sa r;
	char err[ERRBUF_LEN], what[32];
	int ret;

	if (argc < 2)
		return cmd_win_sa(argc, argv);
	snprintf(what, sizeof(what), "sa %s", argv[1]);
	if (xg_sa_parse(argc - 1, argv + 1, &r, err, sizeof(err)) < 0) {
		xg_sa_free(&r);
		return usage_error(what, "%s", err);
	}
	if (r.op == XG_LIST || r.op == XG_GET || r.op == XG_COUNT ||
	    r.op == XG_ALLOCSPI) {
		ret = sa_query(&r);
		xg_sa_free(&r);
		return ret;
	}
	return plan_one(NULL, &r, what);
}
