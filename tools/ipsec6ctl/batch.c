// SPDX-License-Identifier: GPL-2.0
/*
 * Native change requests: a command line carries one, a batch file many.
 *
 * Three passes: parse everything (every error reported with FILE:LINE),
 * resolve what needs the installed tables (free indexes, "policy del" by
 * selector, "sa update" by SPI/DST/PROTO) against a staged copy that
 * follows the earlier lines, then encode and send.  Nothing is sent if a
 * pass fails.  A batch is one transaction; the kernel's errors come back
 * mapped to the line of the request.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "batch.h"
#include "ipsec6ctl.h"

struct change {
	bool is_sa;
	struct xg_policy *pol;
	struct xg_sa *sa;
	struct origin o;
};

struct batch {
	struct vec changes;
	/* Staged view of the tables, loaded only when needed. */
	bool need_tables, need_sas;
	struct db staged;
	struct hmap sel;		/* selector hash -> policy index */
	uint32_t pol_max, sa_max;	/* highest index seen or given */
	unsigned int errors;
};

struct batch *batch_new(void)
{
	struct batch *b = xcalloc(1, sizeof(*b));

	db_init(&b->staged);
	return b;
}

static void change_free(struct change *c)
{
	if (c->sa) {
		xg_sa_free(c->sa);
		free(c->sa);
	}
	free(c->pol);
	free(c);
}

void batch_free(struct batch *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->changes.n; i++)
		if (b->changes.v[i])
			change_free(b->changes.v[i]);
	vec_free(&b->changes);
	db_free(&b->staged);
	hmap_free(&b->sel);
	free(b);
}

void batch_add_policy(struct batch *b, struct xg_policy *req,
		      const struct origin *o)
{
	struct change *c = xcalloc(1, sizeof(*c));

	c->pol = xmalloc(sizeof(*c->pol));
	*c->pol = *req;
	c->pol->pol.origin = *o;
	c->o = *o;
	/* Indexes the batch creates are not free for automatic ones. */
	if ((req->op == XG_ADD || req->op == XG_UPDATE) && req->has_index &&
	    req->pol.index > b->pol_max)
		b->pol_max = req->pol.index;
	if ((req->op == XG_ADD && !req->has_index) ||
	    ((req->op == XG_UPDATE || req->op == XG_DEL) && !req->has_index))
		b->need_tables = true;
	vec_push(&b->changes, c);
}

void batch_add_sa(struct batch *b, struct xg_sa *req, const struct origin *o)
{
	struct change *c = xcalloc(1, sizeof(*c));

	c->is_sa = true;
	c->sa = xmalloc(sizeof(*c->sa));
	*c->sa = *req;
	memset(req, 0, sizeof(*req));	/* moved, keys included */
	c->sa->sa.origin = *o;
	c->o = *o;
	if ((c->sa->op == XG_ADD || c->sa->op == XG_UPDATE) &&
	    c->sa->has_index && c->sa->sa.index > b->sa_max)
		b->sa_max = c->sa->sa.index;
	if ((c->sa->op == XG_ADD || c->sa->op == XG_UPDATE) &&
	    !c->sa->has_index)
		b->need_tables = b->need_sas = true;
	vec_push(&b->changes, c);
}

__printf(3, 4) static void berr(struct batch *b, const struct origin *o,
				const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	b->errors++;
	if (o->file)
		loc_msg(o->file, o->line, "%s", msg);
	else
		err_msg("%s: %s", o->what, msg);
}

/* Staged tables. */

static void staged_put_policy(struct batch *b, const struct policy *p)
{
	struct policy *old = db_policy(&b->staged, p->index);

	if (old)
		hmap_del(&b->sel, policy_selector_hash(old), old->index);
	hmap_put(&b->sel, policy_selector_hash(p), p->index);
	db_put_policy(&b->staged, policy_dup(p));
	if (p->index > b->pol_max)
		b->pol_max = p->index;
}

static void staged_del_policy(struct batch *b, uint32_t index)
{
	struct policy *old = db_policy(&b->staged, index);
	size_t i = 0;

	if (!old)
		return;
	hmap_del(&b->sel, policy_selector_hash(old), index);
	db_del_policy(&b->staged, index);
	while (i < b->staged.sas.n) {
		struct sa *sa = b->staged.sas.v[i];

		if (sa->policy == index)
			db_del_sa(&b->staged, sa->index);
		else
			i++;
	}
}

static struct policy *staged_find_sel(struct batch *b, const struct policy *p,
				      bool any_priority, unsigned int *count)
{
	struct policy *found = NULL;
	size_t i;

	*count = 0;
	if (!any_priority) {
		size_t it = 0;
		uint32_t index;

		while (hmap_next(&b->sel, policy_selector_hash(p), &it,
				 &index)) {
			struct policy *q = db_policy(&b->staged, index);

			if (q && policy_same_selector(q, p)) {
				found = q;
				(*count)++;
			}
		}
		return found;
	}
	/* Without a priority: every priority matches (linear). */
	for (i = 0; i < b->staged.pols.n; i++) {
		struct policy *q = b->staged.pols.v[i];
		struct policy tmp = *p;

		tmp.priority = q->priority;
		if (policy_same_selector(q, &tmp)) {
			found = q;
			(*count)++;
		}
	}
	return found;
}

static uint8_t staged_sa_proto(struct batch *b, const struct sa *sa)
{
	const struct policy *p;

	if (sa->proto)
		return sa->proto;
	p = sa->policy ? db_policy(&b->staged, sa->policy) : NULL;
	return p ? p->ipsec_proto : 0;
}

static int load_tables(struct batch *b, struct nl *nl)
{
	struct vec pols = { 0 }, sas = { 0 };
	size_t i;

	/* SAs only when SA lookups need them (their dump is privileged). */
	if (nl_dump_policies(nl, &pols) < 0 ||
	    (b->need_sas && nl_dump_sas(nl, &sas) < 0))
		return -1;
	for (i = 0; i < pols.n; i++) {
		staged_put_policy(b, pols.v[i]);
		policy_free(pols.v[i]);
	}
	for (i = 0; i < sas.n; i++) {
		struct sa *sa = sas.v[i];

		if (sa->index > b->sa_max)
			b->sa_max = sa->index;
		db_put_sa(&b->staged, sa);
	}
	vec_free(&pols);
	vec_free(&sas);
	return 0;
}

static void resolve_policy(struct batch *b, struct change *c)
{
	struct xg_policy *r = c->pol;
	struct policy *p = &r->pol, *q;
	unsigned int n;

	switch (r->op) {
	case XG_ADD:
		if (!r->has_index) {
			q = staged_find_sel(b, p, false, &n);
			if (q) {
				berr(b, &c->o, "a policy with this selector, dir and priority exists (index %u); use 'policy update'",
				     q->index);
				return;
			}
			if (b->pol_max < 1)
				b->pol_max = 1;
			p->index = ++b->pol_max;
			r->has_index = true;
		}
		staged_put_policy(b, p);
		break;
	case XG_UPDATE:
		if (!r->has_index) {
			q = staged_find_sel(b, p, false, &n);
			if (!q) {
				berr(b, &c->o, "no policy with this selector, dir and priority to update");
				return;
			}
			p->index = q->index;
			r->has_index = true;
		}
		staged_put_policy(b, p);
		break;
	case XG_DEL:
		if (!r->has_index) {
			q = staged_find_sel(b, p, !r->has_priority, &n);
			if (!q) {
				berr(b, &c->o, "no policy matches this selector and dir");
				return;
			}
			if (n > 1) {
				berr(b, &c->o, "%u policies match this selector and dir (add 'priority N' or use 'index N')",
				     n);
				return;
			}
			p->index = q->index;
			r->has_index = true;
		}
		staged_del_policy(b, p->index);
		break;
	case XG_FLUSH:
		while (b->staged.pols.n)
			staged_del_policy(b, ((struct policy *)
					      b->staged.pols.v[0])->index);
		{
			struct policy def;

			policy_init(&def);
			def.index = 1;
			def.dir = IPSEC6_DIR_BIDIRECT;
			def.action = IPSEC6_ACTION_BYPASS;
			staged_put_policy(b, &def);
		}
		break;
	default:
		berr(b, &c->o, "only add, update, del and flush can be in a batch");
		break;
	}
}

static void resolve_sa(struct batch *b, struct change *c)
{
	struct xg_sa *r = c->sa;
	struct sa *sa = &r->sa, *q;
	uint8_t proto;

	switch (r->op) {
	case XG_ADD:
	case XG_UPDATE:
		proto = staged_sa_proto(b, sa);
		q = proto ? db_sa_by_id(&b->staged, sa->spi, &sa->dst, proto) :
			    NULL;
		if (!r->has_index) {
			if (r->op == XG_ADD && q) {
				berr(b, &c->o, "an SA with this SPI, dst and proto exists (index %u); use 'sa update'",
				     q->index);
				return;
			}
			if (r->op == XG_UPDATE && !q) {
				berr(b, &c->o, "no SA with this SPI, dst and proto to update");
				return;
			}
			sa->index = q ? q->index : ++b->sa_max;
			r->has_index = true;
		}
		if (sa->index > b->sa_max)
			b->sa_max = sa->index;
		if (b->need_tables) {
			/* Identity only: keys stay out of the staged copy. */
			struct sa *id = sa_new();

			id->index = sa->index;
			id->spi = sa->spi;
			id->dst = sa->dst;
			id->proto = proto;
			id->policy = sa->policy;
			db_put_sa(&b->staged, id);
		}
		break;
	case XG_DEL:
		if (r->has_index) {
			db_del_sa(&b->staged, sa->index);
		} else {
			q = db_sa_by_id(&b->staged, sa->spi, &sa->dst,
					sa->proto);
			if (q)
				db_del_sa(&b->staged, q->index);
		}
		break;
	case XG_FLUSH:
		while (b->staged.sas.n)
			db_del_sa(&b->staged,
				  ((struct sa *)b->staged.sas.v[0])->index);
		break;
	default:
		berr(b, &c->o, "only add, update, del and flush can be in a batch");
		break;
	}
}

static void encode(struct nlbatch *nb, struct change *c)
{
	if (c->is_sa) {
		struct xg_sa *r = c->sa;

		switch (r->op) {
		case XG_ADD:
		case XG_UPDATE:
			nlb_sa_new(nb, &r->sa, r->op == XG_UPDATE, &c->o);
			break;
		case XG_DEL:
			if (r->has_index)
				nlb_sa_del(nb, r->sa.index, &c->o);
			else
				nlb_sa_del_id(nb, r->sa.spi, &r->sa.dst,
					      r->sa.proto, &c->o);
			break;
		case XG_FLUSH:
			nlb_sa_flush(nb, &c->o);
			break;
		default:
			break;
		}
		return;
	}
	switch (c->pol->op) {
	case XG_ADD:
	case XG_UPDATE:
		nlb_policy_new(nb, &c->pol->pol, c->pol->op == XG_UPDATE,
			       &c->o);
		break;
	case XG_DEL:
		nlb_policy_del(nb, c->pol->pol.index, &c->o);
		break;
	case XG_FLUSH:
		nlb_policy_flush(nb, &c->o);
		break;
	default:
		break;
	}
}

int batch_run(struct batch *b, bool txn)
{
	struct nlbatch *nb;
	struct nl *nl;
	size_t i;
	int ret = 0;

	nl = ctl_nl();
	if (b->need_tables && load_tables(b, nl) < 0)
		return 1;
	for (i = 0; i < b->changes.n; i++) {
		struct change *c = b->changes.v[i];

		if (c->is_sa)
			resolve_sa(b, c);
		else
			resolve_policy(b, c);
	}
	if (b->errors) {
		if (b->changes.n > 1)
			err_msg("%u error%s; nothing was changed", b->errors,
				b->errors == 1 ? "" : "s");
		return 1;
	}
	nb = nlb_new();
	for (i = 0; i < b->changes.n; i++) {
		encode(nb, b->changes.v[i]);
		/* Drop each request (and its keys) once encoded. */
		change_free(b->changes.v[i]);
		b->changes.v[i] = NULL;
	}
	if (nl_run(nl, nb, txn, 0) < 0)
		ret = 1;
	nlb_free(nb);
	return ret;
}

/* Batch files. */

/*
 * The next command: one line, joined with the following ones while it
 * ends in a backslash.  *@line counts the lines consumed.
 */
static char *next_command(char **p, char *end, unsigned int *line)
{
	char *start = *p, *r = *p, *w = *p;

	if (r >= end)
		return NULL;
	while (r < end) {
		char c = *r++;

		if (c != '\n') {
			*w++ = c;
			continue;
		}
		(*line)++;
		if (w > start && w[-1] == '\r')
			w--;
		if (w > start && w[-1] == '\\') {
			w[-1] = ' ';
			continue;
		}
		break;
	}
	if (w > start && w[-1] == '\r')
		w--;
	*w = '\0';	/* w < r, or the terminator read_file() adds */
	*p = r;
	return start;
}

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

static void not_change(const char *file, unsigned int line,
		       const char *family, enum xg_op op)
{
	loc_msg(file, line,
		"'%s %s' cannot be in a batch (a batch is one transaction of add, update, del and flush)",
		family, op == XG_GET ? "get" : op == XG_LIST ? "list" :
		"count");
}

int batch_file(const char *path)
{
	const char *shown_name = streq(path, "-") ? "<stdin>" : path;
	struct batch *b;
	struct vec words = { 0 };
	char *data, *p, *cmd, err[ERRBUF_LEN];
	unsigned int line = 1, errors = 0;
	size_t len;
	int ret;

	if (read_file(streq(path, "-") ? "/dev/stdin" : path, &data,
		      &len) < 0) {
		err_msg("%s: %s", shown_name, strerror(errno));
		return 1;
	}
	b = batch_new();
	p = data;
	while (p < data + len) {
		unsigned int first = line;
		struct origin o = { .file = shown_name };
		int n, fam, skip = 0;

		cmd = next_command(&p, data + len, &line);
		if (!cmd)
			break;
		o.line = first;
		n = split_words(cmd, &words, err, sizeof(err));
		if (n < 0) {
			loc_msg(shown_name, first, "%s", err);
			errors++;
			continue;
		}
		if (!n)
			continue;
		fam = command_family((char **)words.v, n, &skip);
		if (fam < 0) {
			char sv[64];

			loc_msg(shown_name, first,
				"unknown command '%s' (a batch takes sa/state and policy commands)",
				shown(words.v[0], sv, sizeof(sv)));
			errors++;
			continue;
		}
		if (fam) {
			struct xg_sa r;

			if (xg_sa_parse(n - skip, (char **)words.v + skip, &r,
					err, sizeof(err)) < 0) {
				loc_msg(shown_name, first, "%s", err);
				xg_sa_free(&r);
				errors++;
				continue;
			}
			if (!is_change(r.op)) {
				not_change(shown_name, first, "sa", r.op);
				xg_sa_free(&r);
				errors++;
				continue;
			}
			batch_add_sa(b, &r, &o);
		} else {
			struct xg_policy r;

			if (xg_policy_parse(n - skip, (char **)words.v + skip,
					    &r, err, sizeof(err)) < 0) {
				loc_msg(shown_name, first, "%s", err);
				errors++;
				continue;
			}
			if (!is_change(r.op)) {
				not_change(shown_name, first, "policy", r.op);
				errors++;
				continue;
			}
			batch_add_policy(b, &r, &o);
		}
	}
	/* The text held keys. */
	explicit_bzero(data, len);
	free(data);
	vec_free(&words);
	if (errors) {
		err_msg("%u error%s in %s; nothing was changed", errors,
			errors == 1 ? "" : "s", shown_name);
		batch_free(b);
		return 1;
	}
	if (!b->changes.n) {
		batch_free(b);
		return 0;
	}
	ret = batch_run(b, true);
	batch_free(b);
	return ret;
}
