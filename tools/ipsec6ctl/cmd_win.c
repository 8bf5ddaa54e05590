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

const char help_sp[] =
"Usage: ipsec6ctl sp [IFINDEX]\n"
"\n"
"Print the security policies in search order, in the layout of a .spd\n"
"file (with -j: a JSON array): all of them, or those whose InterfaceIndex\n"
"is IFINDEX.\n";

const char help_s[] =
"Usage: ipsec6ctl s NAME\n"
"\n"
"Save the policies to NAME.spd and the SAs to NAME.sad, in the layout of\n"
"the Windows ipsec6 tool; existing files are replaced (atomically).  Key\n"
"files are never written: each SA names the key file it was loaded from,\n"
"or NAME-sa<INDEX>.key if its key was given inline (with a warning: create\n"
"that file before loading).  A trailing .spd or .sad on NAME is ignored.\n";

const char help_l[] =
"Usage: ipsec6ctl l [--replace] NAME\n"
"\n"
"Load NAME.spd, then NAME.sad (key files relative to the folder of\n"
"NAME.sad), in one transaction: every error of both files is reported as\n"
"FILE:LINE: Field: message, and nothing is changed unless everything is\n"
"accepted.  Entries identical to installed ones are accepted as they are.\n"
"\n"
"  --replace   start from empty tables: the files become the whole\n"
"              configuration (keep the default policy 1 in NAME.spd)\n";

const char help_d[] =
"Usage: ipsec6ctl d sp {INDEX|all}\n"
"       ipsec6ctl d sa {INDEX|all}\n"
"\n"
"Delete policy INDEX and the SAs that serve it, or every policy (the\n"
"default policy 1 comes back); delete SA INDEX, or every SA.\n";

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

int cmd_sp(int argc, char **argv)
{
	struct vec pols = { 0 }, shown_pols = { 0 };
	uint32_t ifindex = 0;
	size_t i;

	if (argc > 2)
		return usage_error("sp", "unexpected '%s'", argv[2]);
	if (argc == 2 && !parse_u32_dec(argv[1], &ifindex))
		return usage_error("sp", "IFINDEX: not a number '%s'", argv[1]);
	if (nl_dump(ctl_nl(), IPSEC6_A_POLICY, &pols) < 0)
		return 1;
	for (i = 0; i < pols.n; i++) {
		struct policy *p = pols.v[i];

		if (argc < 2 || p->ifindex == ifindex)
			vec_push(&shown_pols, p);
	}
	if (ctl.json)
		list_policies(stdout, &shown_pols, true);
	else
		winfile_write_spd(stdout, &shown_pols);
	vec_free(&shown_pols);
	policies_free(&pols);
	return 0;
}

int cmd_win_sa(int argc, char **argv)
{
	struct vec sas = { 0 };
	int ret = 0;

	if (nl_dump(ctl_nl(), IPSEC6_A_SA, &sas) < 0)
		return 1;
	if (ctl.json)
		list_sas(stdout, &sas, true);
	else if (winfile_write_sad(stdout, &sas, NULL, NULL) < 0)
		ret = 1;
	sas_free(&sas);
	return ret;
}

int cmd_save(int argc, char **argv)
{
	struct atomic_file af[2] = { 0 };	/* .spd, .sad */
	struct vec pols = { 0 }, sas = { 0 };
	char *base, *path[2], *tmp, *keybase, *dir;
	int i, ret = 1;

	if (argc != 2)
		return usage_error("s", argc < 2 ? "missing NAME" :
				   "one NAME only");
	base = base_name(argv[1]);
	path[0] = xasprintf("%s.spd", base);
	path[1] = xasprintf("%s.sad", base);
	tmp = xstrdup(path[1]);
	dir = dirname(tmp);		/* in tmp */
	keybase = basename(base);	/* in base */

	if (nl_dump(ctl_nl(), IPSEC6_A_POLICY, &pols) < 0 ||
	    nl_dump(ctl_nl(), IPSEC6_A_SA, &sas) < 0)
		goto out;
	for (i = 0; i < 2; i++) {
		if (atomic_open(&af[i], path[i]) < 0) {
			err_msg("%s: %s", path[i], strerror(errno));
			goto out;
		}
	}
	winfile_write_spd(af[0].f, &pols);
	if (winfile_write_sad(af[1].f, &sas, keybase, dir) < 0) {
		err_msg("nothing was saved");
		goto out;
	}
	/* Both files are complete before either replaces the old one. */
	for (i = 0; i < 4; i++) {
		if (i < 2 ? fflush(af[i].f) : atomic_commit(&af[i - 2])) {
			err_msg("%s: %s", path[i % 2], strerror(errno));
			goto out;
		}
	}
	ret = 0;
out:
	for (i = 0; i < 2; i++) {
		atomic_discard(&af[i]);
		free(path[i]);
	}
	policies_free(&pols);
	sas_free(&sas);
	free(base);
	free(tmp);
	return ret;
}

/* Parse NAME.spd and NAME.sad; 0, or not after saying what is wrong. */
static int load_files(const char *spd_path, const char *sad_path,
		      struct vec *pols, struct vec *sas)
{
	int errors = winfile_read_spd(spd_path, spd_path, pols);
	int e = winfile_read_sad(sad_path, sad_path, sas);

	if (errors < 0 || e < 0)
		err_msg("nothing was loaded");
	else if (errors + e)
		err_msg("%d error%s in %s and %s; nothing was loaded",
			errors + e, errors + e == 1 ? "" : "s", spd_path,
			sad_path);
	return errors < 0 || e < 0 ? -1 : errors + e;
}

int cmd_load(int argc, char **argv)
{
	struct vec pols = { 0 }, sas = { 0 };
	char *base, *spd_path, *sad_path;
	struct nl_reqs *reqs = NULL;
	bool replace = false, has_default = false;
	const char *name = NULL;
	int i, ret = 1;
	size_t k;

	for (i = 1; i < argc; i++) {
		if (streq(argv[i], "--replace"))
			replace = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return usage_error("l", "unknown option '%s'", argv[i]);
		else if (name)
			return usage_error("l", "one NAME only");
		else
			name = argv[i];
	}
	if (!name)
		return usage_error("l", "missing NAME");
	base = base_name(name);
	spd_path = xasprintf("%s.spd", base);
	sad_path = xasprintf("%s.sad", base);
	if (load_files(spd_path, sad_path, &pols, &sas))
		goto out;
	for (k = 0; k < pols.n; k++)
		has_default |= ((struct policy *)pols.v[k])->index == 1;
	if (replace && !has_default)
		warn_msg("%s has no policy 1 (the default BYPASS): packets that match no policy will be dropped",
			 spd_path);
	reqs = nl_reqs_new();
	for (k = 0; k < pols.n; k++)
		nl_req(reqs, IPSEC6_CMD_POLICY_NEW, pols.v[k], false,
		       &((struct policy *)pols.v[k])->origin);
	for (k = 0; k < sas.n; k++)
		nl_req(reqs, IPSEC6_CMD_SA_NEW, sas.v[k], false,
		       &((struct sa *)sas.v[k])->origin);
	/* The keys are in the requests now. */
	sas_free(&sas);
	nl_opts.big_buffers = true;
	if (nl_run(ctl_nl(), reqs, true, replace ? IPSEC6_TXN_F_REPLACE : 0) == 0)
		ret = 0;
	else
		err_msg("nothing was loaded");
out:
	nl_reqs_free(reqs);
	sas_free(&sas);
	/* Origins point to the names: free them last. */
	policies_free(&pols);
	free(base);
	free(spd_path);
	free(sad_path);
	return ret;
}

int cmd_delete(int argc, char **argv)
{
	struct origin o = { 0 };
	struct nl_reqs *reqs;
	struct policy pol = { 0 };
	struct sa id = { 0 };
	bool all, sp;
	int ret;

	if (argc != 3 || (!streq(argv[1], "sp") && !streq(argv[1], "sa")))
		return usage_error("d", "usage: d {sp|sa} {INDEX|all}");
	sp = streq(argv[1], "sp");
	all = streq_ci(argv[2], "all");
	if (!all && (!parse_u32_dec(argv[2], &id.index) || !id.index))
		return usage_error("d", "not an index or 'all': '%s'",
				   argv[2]);
	o.what = sp ? "d sp" : "d sa";
	reqs = nl_reqs_new();
	pol.index = id.index;
	if (sp)
		nl_req(reqs, all ? IPSEC6_CMD_POLICY_FLUSH :
		       IPSEC6_CMD_POLICY_DEL, all ? NULL : &pol, false, &o);
	else
		nl_req(reqs, all ? IPSEC6_CMD_SA_FLUSH : IPSEC6_CMD_SA_DEL,
		       all ? NULL : &id, false, &o);
	ret = nl_run(ctl_nl(), reqs, false, 0) < 0 ? 1 : 0;
	nl_reqs_free(reqs);
	return ret;
}
