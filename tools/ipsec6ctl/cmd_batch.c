// SPDX-License-Identifier: GPL-2.0
/*
 * "ipsec6ctl -batch FILE": every line a native change command ("ip" and
 * "ip -batch" spell the option that way), the whole file one transaction.
 * Every line is parsed first; nothing is sent if one is wrong.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ipsec6ctl.h"
#include "plan.h"

/* "sa ...", "state ...", "policy ...", "[ip] xfrm {state|policy} ...". */
static int command_family(char **words, int n, int *skip)
{
	int i = 0;

	if (i < n && streq(words[i], "ip"))
		i++;
	if (i < n && streq(words[i], "xfrm"))
		i++;
	if (i >= n)
		return -1;
	*skip = i + 1;
	if (streq(words[i], "sa") || streq(words[i], "state"))
		return 1;
	if (streq(words[i], "policy"))
		return 0;
	return -1;
}

static bool is_change(enum xg_op op)
{
	return op == XG_ADD || op == XG_UPDATE || op == XG_DEL ||
	       op == XG_FLUSH;
}

/* One command into the plan; -1 after reporting what is wrong. */
static int batch_line(struct plan *p, char **w, int n,
		      const struct origin *o)
{
	const char *family = "policy";
	struct xg_policy rp;
	char err[ERRBUF_LEN], sv[64];
	int fam, skip = 0, ret;
	struct xg_sa rs;
	enum xg_op op;

	fam = command_family(w, n, &skip);
	if (fam < 0) {
		origin_msg(o,
			"unknown command '%s' (a batch takes sa/state and policy commands)",
			shown(w[0], sv, sizeof(sv)));
		return -1;
	}
	if (fam) {
		family = "sa";
		ret = xg_sa_parse(n - skip, w + skip, &rs, err, sizeof(err));
		op = rs.op;
	} else {
		ret = xg_policy_parse(n - skip, w + skip, &rp, err, sizeof(err));
		op = rp.op;
	}
	if (ret < 0)
		origin_msg(o, "%s", err);
	else if (!is_change(op))
		origin_msg(o, "'%s %s' cannot be in a batch (a batch is one transaction of add, update, del and flush)",
			family, w[skip]);
	else if (fam)
		plan_add_sa(p, &rs, o);
	else
		plan_add_policy(p, &rp, o);
	if (fam)
		xg_sa_free(&rs);	/* a no-op once moved into the plan */
	return ret < 0 || !is_change(op) ? -1 : 0;
}

int cmd_batch(const char *path)
{
	const char *shown_name = streq(path, "-") ? "<stdin>" : path;
	unsigned int errors = 0;
	struct vec words = { 0 };
	char *data, *cmd, err[ERRBUF_LEN];
	struct lines ls;
	struct plan *plan;
	size_t len;
	int n, ret = 1;
	bool nul;

	if (read_file(path, SIZE_MAX, &data, &len) < 0) {
		err_msg("%s: %s", shown_name, strerror(errno));
		return 1;
	}
	nl_opts.big_buffers = true;
	plan = plan_new();
	ls = (struct lines){ data, data + len, 0 };
	/* A command: a line and those a backslash joins to it. */
	for (;;) {
		struct origin o = { .file = shown_name, .line = ls.no + 1 };

		cmd = next_line(&ls, true, &nul);
		if (!cmd)
			break;
		n = split_words(cmd, &words, err, sizeof(err));
		if (n < 0)
			loc_msg(shown_name, o.line, "%s", err);
		if (n < 0 || (n > 0 && batch_line(plan, (char **)words.v, n,
						   &o) < 0))
			errors++;
	}
	/* The text held keys. */
	explicit_bzero(data, len);
	free(data);
	vec_free(&words);
	if (errors)
		err_msg("%u error%s in %s; nothing was changed", errors,
			errors == 1 ? "" : "s", shown_name);
	else
		ret = plan_run(plan, true);
	plan_free(plan);
	return ret;
}
