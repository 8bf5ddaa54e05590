// SPDX-License-Identifier: GPL-2.0
/*
 * "ipsec6ctl sa ...": the "ip xfrm state" grammar (and, without
 * arguments, the Windows listing).
 */
#include <stdlib.h>
#include <string.h>
#include "ipsec6ctl.h"
#include "output.h"
#include "plan.h"

const char help_sa[] =
"Usage: ipsec6ctl sa\n"
"       ipsec6ctl sa {add|update} dst ADDR spi SPI\n"
"               {proto {esp|ah} | policy INDEX} [src ADDR]\n"
"               [mode {transport|tunnel}] [index INDEX] [dir {in|out}]\n"
"               [reqid N] [replay-window N] [replay-seq N] [replay-oseq N]\n"
"               [replay-seq-hi N] [replay-oseq-hi N] [flag FLAG...]\n"
"               ALGO... [limit LIMIT N]... [sel SELECTOR]\n"
"       ipsec6ctl sa {del|get} {index INDEX |\n"
"               dst ADDR proto {esp|ah} spi SPI [src ADDR]}\n"
"       ipsec6ctl sa {list|show|ls} [index INDEX] [src ADDR] [dst ADDR]\n"
"               [proto {esp|ah}] [spi SPI] [policy INDEX] [dir {in|out}]\n"
"       ipsec6ctl sa {flush|count}\n"
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
"auth-trunc and aead give it in bits.\n"
"\n"
"replay-seq and replay-oseq (and their -hi high halves, with flag esn)\n"
"set the sequence number an SA starts from: the top of the replay\n"
"window of an inbound SA, the last number sent by an outbound one.\n"
"\n"
"'policy INDEX' binds the SA to that policy (as a .sad SecPolicyIndex;\n"
"proto and mode then default to the policy's); without it the SA serves\n"
"the APPLY policies whose template it matches.  Without 'index', add\n"
"takes the highest index in use plus one, update finds the SA by dst,\n"
"proto and spi.  Keys are never shown, only their length in bits.\n"
"\n"
"NAME is a crypto API name or one of these aliases:\n";

static bool list_match(const struct xg_sa *r, const struct sa *sa)
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

	if (r->op == XG_GET) {
		got = nl_get_sa(ctl_nl(), &r->sa, &sa);
		if (!got)
			err_msg("sa get: no such SA");
		if (got > 0)
			show_sa(stdout, &sa, ctl.json);
		sa_clear(&sa);
		return got > 0 ? 0 : 1;
	}
	if (nl_dump_sas(ctl_nl(), &sas) < 0)
		return 1;
	for (i = 0; i < sas.n; i++)
		if (r->op == XG_COUNT || list_match(r, sas.v[i]))
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
	if (r.op == XG_LIST || r.op == XG_GET || r.op == XG_COUNT) {
		ret = sa_query(&r);
		xg_sa_free(&r);
		return ret;
	}
	return plan_one(NULL, &r, what);
}
