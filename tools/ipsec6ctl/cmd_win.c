// SPDX-License-Identifier: GPL-2.0
/*
 * The commands of the Windows ipsec6 tool: sp, sa, s, l and d.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include "ipsec6ctl.h"
#include "output.h"
#include "winfile.h"

void help_sp(FILE *f)
{
	fputs(
"Usage: ipsec6ctl sp [IFINDEX]\n"
"\n"
"Print the security policies in search order, in the layout of a .spd\n"
"file (with -j: a JSON array): all of them, or those whose InterfaceIndex\n"
"is IFINDEX.\n", f);
}

void help_s(FILE *f)
{
	fputs(
"Usage: ipsec6ctl s NAME\n"
"\n"
"Save the policies to NAME.spd and the SAs to NAME.sad, in the layout of\n"
"the Windows ipsec6 tool; existing files are replaced (atomically).  Key\n"
"files are never written: each SA names the key file it was loaded from,\n"
"or NAME-sa<INDEX>.key if its key was given inline (with a warning: create\n"
"that file before loading).  A trailing .spd or .sad on NAME is ignored.\n", f);
}

void help_l(FILE *f)
{
	fputs(
"Usage: ipsec6ctl l [--replace] NAME\n"
"\n"
"Load NAME.spd, then NAME.sad (key files relative to the folder of\n"
"NAME.sad), in one transaction: every error of both files is reported as\n"
"FILE:LINE: Field: message, and nothing is changed unless everything is\n"
"accepted.  Entries identical to installed ones are accepted as they are.\n"
"\n"
"  --replace   start from empty tables: the files become the whole\n"
"              configuration (keep the default policy 1 in NAME.spd)\n", f);
}

void help_d(FILE *f)
{
	fputs(
"Usage: ipsec6ctl d sp {INDEX|all}\n"
"       ipsec6ctl d sa {INDEX|all}\n"
"\n"
"Delete policy INDEX and the SAs that serve it, or every policy (the\n"
"default policy 1 comes back); delete SA INDEX, or every SA.\n", f);
}

/* NAME without a trailing ".spd" / ".sad". */
static char *base_name(const char *name)
{
	char *b = xstrdup(name);
	size_t len = strlen(b);

	if (len > 4 && (!strcmp(b + len - 4, ".spd") ||
			!strcmp(b + len - 4, ".sad")))
		b[len - 4] = '\0';
	return b;
}

static void free_policies(struct vec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		policy_free(v->v[i]);
	vec_free(v);
}

static void free_sas(struct vec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		sa_free(v->v[i]);
	vec_free(v);
}

int cmd_sp(int argc, char **argv)
{
	struct vec pols = { 0 }, shown_pols = { 0 };
	uint32_t ifindex = 0;
	size_t i;

	if (argc > 2)
		return usage_error("sp", "unexpected '%s'", argv[2]);
	if (argc == 2 && !parse_u32_dec(argv[1], &ifindex))
		return usage_error("sp", "IFINDEX: not a number '%s'", argv[1]);
	if (nl_dump_policies(ctl_nl(), &pols) < 0)
		return 1;
	for (i = 0; i < pols.n; i++) {
		struct policy *p = pols.v[i];

		if (argc < 2 || p->ifindex == ifindex)
			vec_push(&shown_pols, p);
	}
	if (ctl.json) {
		struct json j;

		json_init(&j, stdout);
		json_arr_start(&j, NULL);
		for (i = 0; i < shown_pols.n; i++)
			json_policy(&j, NULL, shown_pols.v[i]);
		json_arr_end(&j);
	} else {
		winfile_write_spd(stdout, &shown_pols);
	}
	vec_free(&shown_pols);
	free_policies(&pols);
	return 0;
}

int cmd_win_sa(int argc, char **argv)
{
	struct vec sas = { 0 };
	int ret = 0;
	size_t i;

	if (nl_dump_sas(ctl_nl(), &sas) < 0)
		return 1;
	if (ctl.json) {
		struct json j;

		json_init(&j, stdout);
		json_arr_start(&j, NULL);
		for (i = 0; i < sas.n; i++)
			json_sa(&j, NULL, sas.v[i]);
		json_arr_end(&j);
	} else if (winfile_write_sad(stdout, &sas, NULL, NULL) < 0) {
		ret = 1;
	}
	free_sas(&sas);
	return ret;
}

int cmd_save(int argc, char **argv)
{
	struct atomic_file spd = { 0 }, sad = { 0 };
	struct vec pols = { 0 }, sas = { 0 };
	char *base, *spd_path, *sad_path, *tmp, *keybase, *dir;
	int ret = 1;

	if (argc != 2)
		return usage_error("s", argc < 2 ? "missing NAME" :
				   "one NAME only");
	base = base_name(argv[1]);
	spd_path = xasprintf("%s.spd", base);
	sad_path = xasprintf("%s.sad", base);
	tmp = xstrdup(base);
	keybase = xstrdup(basename(tmp));
	free(tmp);
	tmp = xstrdup(sad_path);
	dir = xstrdup(dirname(tmp));
	free(tmp);

	if (nl_dump_policies(ctl_nl(), &pols) < 0 ||
	    nl_dump_sas(ctl_nl(), &sas) < 0)
		goto out;
	if (atomic_open(&spd, spd_path) < 0) {
		err_msg("%s: %s", spd_path, strerror(errno));
		goto out;
	}
	if (atomic_open(&sad, sad_path) < 0) {
		err_msg("%s: %s", sad_path, strerror(errno));
		goto out;
	}
	winfile_write_spd(spd.f, &pols);
	if (winfile_write_sad(sad.f, &sas, keybase, dir) < 0) {
		err_msg("nothing was saved");
		goto out;
	}
	/* Both files are complete before either replaces the old one. */
	if (fflush(spd.f) || fflush(sad.f)) {
		err_msg("writing %s: %s", spd_path, strerror(errno));
		goto out;
	}
	if (atomic_commit(&spd) < 0) {
		err_msg("%s: %s", spd_path, strerror(errno));
		goto out;
	}
	if (atomic_commit(&sad) < 0) {
		err_msg("%s: %s", sad_path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	atomic_discard(&spd);
	atomic_discard(&sad);
	free_policies(&pols);
	free_sas(&sas);
	free(base);
	free(spd_path);
	free(sad_path);
	free(keybase);
	free(dir);
	return ret;
}

int cmd_load(int argc, char **argv)
{
	struct vec installed = { 0 }, pols = { 0 }, sas = { 0 };
	char *base, *spd_path, *sad_path;
	struct nlbatch *nb = NULL;
	bool replace = false, has_default = false;
	const char *name = NULL;
	int i, errors, e, ret = 1;
	size_t k;

	for (i = 1; i < argc; i++) {
		if (streq(argv[i], "--replace")) {
			replace = true;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1])
			return usage_error("l", "unknown option '%s'", argv[i]);
		if (name)
			return usage_error("l", "one NAME only");
		name = argv[i];
	}
	if (!name)
		return usage_error("l", "missing NAME");
	base = base_name(name);
	spd_path = xasprintf("%s.spd", base);
	sad_path = xasprintf("%s.sad", base);
	nl_opts.batch = true;	/* big socket buffers for a big load */

	/* SAs may serve installed policies, unless we start from scratch. */
	if (!replace && nl_dump_policies(ctl_nl(), &installed) < 0)
		goto out;
	errors = winfile_read_spd(spd_path, spd_path, &pols);
	e = winfile_read_sad(sad_path, sad_path, &pols,
			     replace ? NULL : &installed, &sas);
	if (errors < 0 || e < 0) {
		err_msg("nothing was loaded");
		goto out;
	}
	errors += e;
	if (errors) {
		err_msg("%d error%s in %s and %s; nothing was loaded", errors,
			errors == 1 ? "" : "s", spd_path, sad_path);
		goto out;
	}
	for (k = 0; k < pols.n; k++)
		if (((struct policy *)pols.v[k])->index == 1)
			has_default = true;
	if (replace && !has_default)
		warn_msg("%s has no policy 1 (the default BYPASS): packets that match no policy will be dropped",
			 spd_path);

	nb = nlb_new();
	for (k = 0; k < pols.n; k++) {
		struct policy *p = pols.v[k];

		nlb_policy_new(nb, p, false, &p->origin);
	}
	for (k = 0; k < sas.n; k++) {
		struct sa *sa = sas.v[k];

		nlb_sa_new(nb, sa, false, &sa->origin);
	}
	/* The keys are in the messages now. */
	free_sas(&sas);
	if (nl_run(ctl_nl(), nb, true, replace ? IPSEC6_TXN_F_REPLACE : 0) == 0)
		ret = 0;
	else
		err_msg("nothing was loaded");
out:
	nlb_free(nb);
	free_policies(&installed);
	free_sas(&sas);
	/* Origins point to the names: free them last. */
	free_policies(&pols);
	free(base);
	free(spd_path);
	free(sad_path);
	return ret;
}

int cmd_delete(int argc, char **argv)
{
	struct origin o = { 0 };
	struct nlbatch *nb;
	uint32_t index = 0;
	bool all, sp;
	int ret;

	if (argc != 3 || (!streq(argv[1], "sp") && !streq(argv[1], "sa")))
		return usage_error("d", "usage: d {sp|sa} {INDEX|all}");
	sp = streq(argv[1], "sp");
	all = streq_ci(argv[2], "all");
	if (!all && (!parse_u32_dec(argv[2], &index) || !index))
		return usage_error("d", "not an index or 'all': '%s'",
				   argv[2]);
	o.what = sp ? "d sp" : "d sa";
	nb = nlb_new();
	if (sp && all)
		nlb_policy_flush(nb, &o);
	else if (sp)
		nlb_policy_del(nb, index, &o);
	else if (all)
		nlb_sa_flush(nb, &o);
	else
		nlb_sa_del(nb, index, &o);
	ret = nl_run(ctl_nl(), nb, false, 0) < 0 ? 1 : 0;
	nlb_free(nb);
	return ret;
}
