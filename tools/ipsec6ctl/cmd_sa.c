// SPDX-License-Identifier: GPL-2.0
/*
 * "ipsec6ctl sa ...": the "ip xfrm state" grammar (and, without
 * arguments, the Windows listing).
 */
#include <stdlib.h>
#include <string.h>
#include "batch.h"
#include "ipsec6ctl.h"
#include "output.h"
#include "xfrmgrammar.h"

void help_sa(FILE *f)
{
	fputs(
"Usage: ipsec6ctl sa\n"
"       ipsec6ctl sa {add|update} dst ADDR spi SPI\n"
"               {proto {esp|ah} | policy INDEX} [src ADDR]\n"
"               [mode {transport|tunnel}] [index INDEX] [dir {in|out}]\n"
"               [reqid N] [replay-window N] [replay-seq N] [replay-oseq N]\n"
"               [replay-seq-hi N] [replay-oseq-hi N] [flag FLAG...]\n"
"               ALGO... [limit LIMIT N]... [sel SELECTOR]\n"
"       ipsec6ctl sa {del|delete|get} {index INDEX |\n"
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
"SPI is decimal or 0x hexadecimal, 256 or more.  A KEY that does not\n"
"start with 0x is taken as the bytes of the string, as \"ip xfrm\" does;\n"
"@FILE and keyfile FILE read the raw bytes of FILE and record its name\n"
"for 's'.  auth gives the ICV length \"ip xfrm\" gives (96 bits for md5,\n"
"sha1 and sha256, 192 for sha384, 256 for sha512); auth-trunc (0: the\n"
"same) and aead give it in bits.  NAME is a crypto API name or an alias:\n"
"  auth: md5 sha1 sha256 sha384 sha512 (hmac(...))\n"
"  enc:  aes aes-cbc (cbc(aes)), null cipher_null (ecb(cipher_null))\n"
"  aead: aes-gcm gcm (rfc4106(gcm(aes))), gmac null-gmac\n"
"        (rfc4543(gcm(aes))), chacha20-poly1305\n"
"        (rfc7539esp(chacha20,poly1305))\n"
"\n"
"replay-seq and replay-oseq (and their -hi high halves, with flag esn)\n"
"set the sequence number an SA starts from: the top of the replay\n"
"window of an inbound SA, the last number sent by an outbound one.\n"
"\n"
"'policy INDEX' binds the SA to that policy (as a .sad SecPolicyIndex;\n"
"proto and mode then default to the policy's); without it the SA serves\n"
"the APPLY policies whose template it matches.  Without 'index', add\n"
"takes the highest index in use plus one, update finds the SA by dst,\n"
"proto and spi.  Keys are never shown, only their length in bits.\n", f);
}

static void free_sas(struct vec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		sa_free(v->v[i]);
	vec_free(v);
}

static bool list_match(const struct xg_sa *r, const struct sa *sa)
{
	const struct sa *f = &r->sa;

	if (r->has_index && sa->index != f->index)
		return false;
	if (r->has_src && (!sa->has_src || cmp_in6(&sa->src, &f->src)))
		return false;
	if (r->has_dst && cmp_in6(&sa->dst, &f->dst))
		return false;
	if (r->has_proto && sa->proto != f->proto)
		return false;
	if (r->has_spi && sa->spi != f->spi)
		return false;
	if (r->has_policy && sa->policy != f->policy)
		return false;
	if (r->has_dir && sa->dir != f->dir)
		return false;
	return true;
}

static int sa_show(struct xg_sa *r)
{
	struct vec sas = { 0 }, found = { 0 };
	struct json j;
	size_t i;
	int ret = 0;

	if (r->op == XG_GET) {
		struct sa sa;
		int got = nl_get_sa(ctl_nl(), &r->sa, &sa);

		if (got <= 0) {
			if (!got)
				err_msg("sa get: no such SA");
			sa_clear(&sa);
			return 1;
		}
		if (ctl.json) {
			json_init(&j, stdout);
			json_sa(&j, NULL, &sa);
		} else {
			print_sa(stdout, &sa);
		}
		sa_clear(&sa);
		return 0;
	}
	if (nl_dump_sas(ctl_nl(), &sas) < 0)
		return 1;
	for (i = 0; i < sas.n; i++)
		if (r->op == XG_COUNT || list_match(r, sas.v[i]))
			vec_push(&found, sas.v[i]);
	if (r->op == XG_COUNT) {
		if (ctl.json)
			printf("{\"count\":%zu}\n", found.n);
		else
			printf("SAD count %zu\n", found.n);
	} else if (ctl.json) {
		json_init(&j, stdout);
		json_arr_start(&j, NULL);
		for (i = 0; i < found.n; i++)
			json_sa(&j, NULL, found.v[i]);
		json_arr_end(&j);
	} else {
		for (i = 0; i < found.n; i++)
			print_sa(stdout, found.v[i]);
	}
	vec_free(&found);
	free_sas(&sas);
	return ret;
}

int cmd_sa(int argc, char **argv)
{
	struct origin o = { 0 };
	struct xg_sa r;
	struct batch *b;
	char err[ERRBUF_LEN], what[32];
	int ret;

	if (argc < 2)
		return cmd_win_sa(argc, argv);
	if (xg_sa_parse(argc - 1, argv + 1, &r, err, sizeof(err)) < 0) {
		xg_sa_free(&r);
		snprintf(what, sizeof(what), "sa %s", argv[1]);
		return usage_error(what, "%s", err);
	}
	if (r.op == XG_LIST || r.op == XG_GET || r.op == XG_COUNT) {
		ret = sa_show(&r);
		xg_sa_free(&r);
		return ret;
	}
	snprintf(what, sizeof(what), "sa %s", argv[1]);
	o.what = what;
	b = batch_new();
	batch_add_sa(b, &r, &o);
	ret = batch_run(b, false);
	batch_free(b);
	return ret;
}
