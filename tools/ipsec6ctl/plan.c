// SPDX-License-Identifier: GPL-2.0
/*
 * The request planner.  Three passes: the changes are parsed before they
 * get here (every error reported with its origin); resolving what needs
 * the installed tables (free indexes, "policy del" by selector, "sa
 * update" by SPI/DST/PROTO) against a staged copy that follows the earlier
 * changes; then encoding and sending.  Nothing is sent if a pass fails.
 * The staged copy holds what resolving needs, nothing more: selectors and
 * SA identities, never keys.
 */
#include <stdlib.h>
#include <string.h>
#include "ipsec6ctl.h"
#include "plan.h"

struct change {
	struct xg_policy *pol;	/* one of the two */
	struct xg_sa *sa;
	struct origin o;
};

/* Policies and SA identities by index; deleted ones leave a NULL. */
struct staged {
	struct vec pols, sas;
	struct hmap pol_pos, sa_pos;	/* index -> position */
	struct hmap sel;		/* selector hash -> policy index */
	struct hmap sa_id;		/* sa_id_hash() -> SA index */
};

struct plan {
	struct vec changes;
	bool need_tables, need_sas;	/* load them before resolving */
	struct staged st;
	uint32_t pol_max, sa_max;	/* highest index seen or given */
	unsigned int errors;
};

struct plan *plan_new(void)
{
	return xcalloc(1, sizeof(struct plan));
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

static void staged_free(struct staged *st)
{
	policies_free(&st->pols);	/* NULL holes included */
	sas_free(&st->sas);
	hmap_free(&st->pol_pos);
	hmap_free(&st->sa_pos);
	hmap_free(&st->sel);
	hmap_free(&st->sa_id);
}

void plan_free(struct plan *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->changes.n; i++)
		if (p->changes.v[i])
			change_free(p->changes.v[i]);
	vec_free(&p->changes);
	staged_free(&p->st);
	free(p);
}

static struct change *change_new(struct plan *p, const struct origin *o)
{
	struct change *c = xcalloc(1, sizeof(*c));

	c->o = *o;
	vec_push(&p->changes, c);
	return c;
}

void plan_add_policy(struct plan *p, struct xg_policy *req,
		     const struct origin *o)
{
	struct change *c = change_new(p, o);

	c->pol = xmalloc(sizeof(*c->pol));
	*c->pol = *req;
	c->pol->pol.origin = *o;
	/* Indexes the plan creates are not free for automatic ones. */
	if (req->has_index && req->op != XG_DEL && req->pol.index > p->pol_max)
		p->pol_max = req->pol.index;
	if (!req->has_index && req->op != XG_FLUSH)
		p->need_tables = true;
}

void plan_add_sa(struct plan *p, struct xg_sa *req, const struct origin *o)
{
	struct change *c = change_new(p, o);
	bool change = req->op == XG_ADD || req->op == XG_UPDATE;

	c->sa = xmalloc(sizeof(*c->sa));
	*c->sa = *req;
	memset(req, 0, sizeof(*req));	/* moved, keys included */
	c->sa->sa.origin = *o;
	if (change && c->sa->has_index && c->sa->sa.index > p->sa_max)
		p->sa_max = c->sa->sa.index;
	if (change && !c->sa->has_index)
		p->need_tables = p->need_sas = true;
}

/* An error of @o's change; -1. */
#define plan_err(p, o, ...)	((p)->errors++, origin_msg(o, __VA_ARGS__), -1)

/* The staged tables. */

static void *staged_get(const struct vec *v, const struct hmap *pos,
			uint32_t index)
{
	uint32_t i;

	return hmap_get(pos, index, &i) ? v->v[i] : NULL;
}

/* Take @index out of a staged table: its object, or NULL. */
static void *staged_take(struct vec *v, struct hmap *pos, uint32_t index)
{
	uint32_t i;
	void *obj;

	if (!hmap_get(pos, index, &i))
		return NULL;
	hmap_del(pos, index, i);
	obj = v->v[i];
	v->v[i] = NULL;
	return obj;
}

static void staged_del_sa(struct staged *st, uint32_t index)
{
	struct sa *sa = staged_take(&st->sas, &st->sa_pos, index);

	if (sa)
		hmap_del(&st->sa_id, sa_id_hash(sa->spi, &sa->dst, sa->proto),
			 index);
	sa_free(sa);
}

static void staged_put_sa(struct staged *st, struct sa *sa)
{
	staged_del_sa(st, sa->index);
	hmap_put(&st->sa_pos, sa->index, (uint32_t)st->sas.n);
	hmap_put(&st->sa_id, sa_id_hash(sa->spi, &sa->dst, sa->proto),
		 sa->index);
	vec_push(&st->sas, sa);
}

static struct sa *staged_sa_by_id(struct staged *st, const struct sa *id,
				  uint8_t proto)
{
	size_t it = 0;
	uint32_t index;
	struct sa *sa;

	while (hmap_next(&st->sa_id, sa_id_hash(id->spi, &id->dst, proto),
			 &it, &index)) {
		sa = staged_get(&st->sas, &st->sa_pos, index);
		if (sa && sa->spi == id->spi && sa->proto == proto &&
		    !cmp_in6(&sa->dst, &id->dst))
			return sa;
	}
	return NULL;
}

/* A policy goes, and the SAs bound to it with it. */
static void staged_del_policy(struct staged *st, uint32_t index)
{
	struct policy *pol = staged_take(&st->pols, &st->pol_pos, index);
	struct sa *sa;
	size_t k;

	if (!pol)
		return;
	hmap_del(&st->sel, policy_selector_hash(pol), index);
	policy_free(pol);
	for (k = 0; k < st->sas.n; k++) {
		sa = st->sas.v[k];
		if (sa && sa->policy == index)
			staged_del_sa(st, sa->index);
	}
}

static void staged_put_policy(struct plan *p, const struct policy *pol)
{
	struct staged *st = &p->st;
	struct policy *old = staged_get(&st->pols, &st->pol_pos, pol->index);

	if (old) {
		/* Replaced: its SAs stay. */
		hmap_del(&st->sel, policy_selector_hash(old), pol->index);
		*old = *pol;
	} else {
		hmap_put(&st->pol_pos, pol->index, (uint32_t)st->pols.n);
		vec_push(&st->pols, policy_dup(pol));
	}
	hmap_put(&st->sel, policy_selector_hash(pol), pol->index);
	if (pol->index > p->pol_max)
		p->pol_max = pol->index;
}

/* The policies with @pol's selector (any priority if @any_prio). */
static struct policy *staged_find_sel(struct plan *p, const struct policy *pol,
				      bool any_prio, unsigned int *count)
{
	struct policy *found = NULL, *q, tmp;
	size_t i = 0, it = 0;
	uint32_t index;

	/* Without a priority: every priority matches (linear). */
	for (*count = 0; any_prio ? i < p->st.pols.n :
	     hmap_next(&p->st.sel, policy_selector_hash(pol), &it, &index);
	     i++) {
		q = any_prio ? p->st.pols.v[i] :
			       staged_get(&p->st.pols, &p->st.pol_pos, index);
		tmp = *pol;
		tmp.priority = q && any_prio ? q->priority : pol->priority;
		if (q && policy_same_selector(q, &tmp)) {
			found = q;
			(*count)++;
		}
	}
	return found;
}

static int load_tables(struct plan *p, struct nl *nl)
{
	struct vec pols = { 0 }, sas = { 0 };
	size_t i;

	/* SAs only when SA lookups need them (their dump is privileged). */
	if (nl_dump(nl, IPSEC6_A_POLICY, &pols) < 0 ||
	    (p->need_sas && nl_dump(nl, IPSEC6_A_SA, &sas) < 0)) {
		policies_free(&pols);
		sas_free(&sas);
		return -1;
	}
	for (i = 0; i < pols.n; i++)
		staged_put_policy(p, pols.v[i]);
	for (i = 0; i < sas.n; i++) {
		struct sa *sa = sas.v[i];

		if (sa->index > p->sa_max)
			p->sa_max = sa->index;
		staged_put_sa(&p->st, sa);
	}
	policies_free(&pols);
	vec_free(&sas);
	return 0;
}

/* Resolving. */

static int resolve_policy(struct plan *p, struct change *c)
{
	struct xg_policy *r = c->pol;
	struct policy *pol = &r->pol, *q, def;
	unsigned int n;

	if (r->op == XG_FLUSH) {
		for (n = 0; n < p->st.pols.n; n++) {
			q = p->st.pols.v[n];
			if (q && (!r->has_owner || q->owner == pol->owner))
				staged_del_policy(&p->st, q->index);
		}
		policy_default(&def);
		if (!r->has_owner)	/* an owner's flush does not add it */
			staged_put_policy(p, &def);
		return 0;
	}
	if (!r->has_index) {
		q = staged_find_sel(p, pol, r->op == XG_DEL && !r->has_priority,
				    &n);
		if (r->op == XG_ADD && q)
			return plan_err(p, &c->o, "a policy with this selector, dir and priority exists (index %u); use 'policy update'",
					q->index);
		if (r->op == XG_UPDATE && !q)
			return plan_err(p, &c->o, "no policy with this selector, dir and priority to update");
		if (r->op == XG_DEL && !q)
			return plan_err(p, &c->o, "no policy matches this selector and dir");
		if (r->op == XG_DEL && n > 1)
			return plan_err(p, &c->o, "%u policies match this selector and dir (add 'priority N' or use 'index N')",
					n);
		if (!q && p->pol_max < 1)
			p->pol_max = 1;		/* 1 is the default policy */
		pol->index = q ? q->index : ++p->pol_max;
		r->has_index = true;
	}
	if (r->op == XG_DEL)
		staged_del_policy(&p->st, pol->index);
	else
		staged_put_policy(p, pol);
	return 0;
}

static int resolve_sa(struct plan *p, struct change *c)
{
	struct xg_sa *r = c->sa;
	struct sa *sa = &r->sa, *q, *id;
	const struct policy *pol;
	uint8_t proto = sa->proto;
	size_t i;

	if (r->op == XG_FLUSH) {
		for (i = 0; i < p->st.sas.n; i++) {
			q = p->st.sas.v[i];
			if (q && (!r->has_owner || q->owner == sa->owner))
				staged_del_sa(&p->st, q->index);
		}
		return 0;
	}
	if (r->op == XG_DEL) {
		q = r->has_index ? NULL : staged_sa_by_id(&p->st, sa, proto);
		staged_del_sa(&p->st, q ? q->index : sa->index);
		return 0;
	}
	/* add, update: the protocol of the policy it names, if not given. */
	pol = !proto && sa->policy ? staged_get(&p->st.pols, &p->st.pol_pos,
						 sa->policy) : NULL;
	proto = pol ? pol->ipsec_proto : proto;
	q = proto ? staged_sa_by_id(&p->st, sa, proto) : NULL;
	if (!r->has_index) {
		if (r->op == XG_ADD && q)
			return plan_err(p, &c->o, "an SA with this SPI, dst and proto exists (index %u); use 'sa update'",
					q->index);
		if (r->op == XG_UPDATE && !q)
			return plan_err(p, &c->o, "no SA with this SPI, dst and proto to update");
		sa->index = q ? q->index : ++p->sa_max;
		r->has_index = true;
	}
	if (sa->index > p->sa_max)
		p->sa_max = sa->index;
	if (p->need_tables) {
		/* Identity only: keys stay out of the staged copy. */
		id = sa_new();
		id->index = sa->index;
		id->spi = sa->spi;
		id->dst = sa->dst;
		id->proto = proto;
		id->policy = sa->policy;
		id->owner = sa->owner;
		staged_put_sa(&p->st, id);
	}
	return 0;
}

static void encode(struct nl_reqs *reqs, struct change *c)
{
	static const uint8_t cmds[][2] = {	/* by op: policy, SA */
		[XG_ADD] = { IPSEC6_CMD_POLICY_NEW, IPSEC6_CMD_SA_NEW },
		[XG_UPDATE] = { IPSEC6_CMD_POLICY_NEW, IPSEC6_CMD_SA_UPDATE },
		[XG_DEL] = { IPSEC6_CMD_POLICY_DEL, IPSEC6_CMD_SA_DEL },
		[XG_FLUSH] = { IPSEC6_CMD_POLICY_FLUSH, IPSEC6_CMD_SA_FLUSH },
	};
	enum xg_op op = c->sa ? c->sa->op : c->pol->op;
	bool all = op == XG_FLUSH && !(c->sa ? c->sa->has_owner :
					      c->pol->has_owner);

	nl_req(reqs, cmds[op][c->sa != NULL], all ? NULL : c->sa ?
	       (void *)&c->sa->sa : (void *)&c->pol->pol,
	       op == XG_UPDATE && !c->sa, &c->o);
}

int plan_run(struct plan *p, bool txn)
{
	struct nl_reqs *reqs;
	struct change *c;
	struct nl *nl;
	size_t i;
	int ret;

	if (!p->changes.n)
		return 0;	/* an empty batch: no socket, nothing sent */
	nl = ctl_nl();
	if (p->need_tables && load_tables(p, nl) < 0)
		return 1;
	for (i = 0; i < p->changes.n; i++) {
		c = p->changes.v[i];
		if (c->sa)
			resolve_sa(p, c);
		else
			resolve_policy(p, c);
	}
	if (p->errors) {
		if (p->changes.n > 1)
			err_msg("%u error%s; nothing was changed", p->errors,
				p->errors == 1 ? "" : "s");
		return 1;
	}
	reqs = nl_reqs_new();
	for (i = 0; i < p->changes.n; i++) {
		encode(reqs, p->changes.v[i]);
		/* Drop each change (and its keys) once encoded. */
		change_free(p->changes.v[i]);
		p->changes.v[i] = NULL;
	}
	ret = nl_run(nl, reqs, txn, 0) < 0 ? 1 : 0;
	nl_reqs_free(reqs);
	return ret;
}

int plan_one(struct xg_policy *pol, struct xg_sa *sa, const char *what)
{
	struct origin o = { .what = what };
	struct plan *p = plan_new();
	int ret;

	if (sa)
		plan_add_sa(p, sa, &o);
	else
		plan_add_policy(p, pol, &o);
	ret = plan_run(p, false);
	plan_free(p);
	return ret;
}
