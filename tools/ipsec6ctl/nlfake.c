// SPDX-License-Identifier: GPL-2.0
/*
 * A simulated ipsec6 kernel side, used by --dry-run and by
 * IPSEC6CTL_FAKE_STATE so that everything above the socket can be tested
 * without the module.  It takes the same byte stream the socket would get
 * and answers with netlink messages the way Documentation/netlink.rst
 * describes, for the subset that matters to the tool: change sets and
 * transactions, identical-is-a-no-op, -EEXIST without IPSEC6_A_REPLACE,
 * cascading deletes, commit-time reference checks, dumps in search order
 * and extended ack messages worded like the module's.
 *
 * Simplifications: keys are not kept (only their lengths, so "identical"
 * compares key lengths, not bytes); algorithms are not checked beyond what
 * the defaults need; counters stay zero.
 *
 * State file (IPSEC6CTL_FAKE_STATE): a header line, then the policies and
 * SAs as dump messages.  IPSEC6CTL_FAKE_DUMP_INTR=N flags the first N
 * dumps NLM_F_DUMP_INTR, as if the tables had changed during them.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "nl.h"

#define FAKE_MAGIC	"IPSEC6CTL-FAKE-STATE 1"
#define FAKE_DGRAM	16384
#define FAKE_MSG_MAX	8192

struct nlfake {
	struct db cur;
	struct db *txn;
	uint32_t txn_portid;
	uint32_t txn_requests;
	bool txn_failed;
	uint32_t generation;
	char *state;
	bool save;
	struct buf q;		/* queued datagrams: u32 length, bytes */
	size_t qpos;
	struct buf out;		/* datagram being built */
	int intr_left;		/* dumps still to flag NLM_F_DUMP_INTR */
	char msg[128];		/* extack of the current request */
};

static void fake_default(struct db *db)
{
	struct policy *pol = policy_new();

	pol->index = 1;
	pol->dir = IPSEC6_DIR_BIDIRECT;
	pol->action = IPSEC6_ACTION_BYPASS;
	db_put_policy(db, pol);
}

__printf(2, 3) static int fake_err(struct nlfake *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Replies. */

static void fake_flush_dgram(struct nlfake *f)
{
	uint32_t len = (uint32_t)f->out.len;

	if (!len)
		return;
	buf_reserve(&f->q, sizeof(len) + len);
	memcpy(f->q.p + f->q.len, &len, sizeof(len));
	memcpy(f->q.p + f->q.len + sizeof(len), f->out.p, len);
	f->q.len += sizeof(len) + len;
	f->out.len = 0;
}

/* Room for one more message in the datagram being built. */
static struct nlmsghdr *fake_msg(struct nlfake *f, uint16_t type,
				 uint16_t flags, uint32_t seq,
				 uint32_t portid)
{
	struct nlmsghdr *nlh;

	if (f->out.len + FAKE_MSG_MAX > FAKE_DGRAM)
		fake_flush_dgram(f);
	buf_reserve(&f->out, FAKE_MSG_MAX);
	nlh = mnl_nlmsg_put_header(f->out.p + f->out.len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = portid;
	return nlh;
}

static void fake_msg_end(struct nlfake *f, struct nlmsghdr *nlh)
{
	f->out.len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static struct nlmsghdr *fake_genl(struct nlfake *f, uint8_t cmd,
				  uint16_t flags,
				  const struct nlmsghdr *req)
{
	struct nlmsghdr *nlh = fake_msg(f, NLFAKE_FAMILY, flags,
					req ? req->nlmsg_seq : 0,
					req ? req->nlmsg_pid : 0);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = cmd;
	g->version = IPSEC6_GENL_VERSION;
	return nlh;
}

static void fake_ack(struct nlfake *f, const struct nlmsghdr *req, int err)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	uint16_t flags = NLM_F_CAPPED;

	if (!err && !(req->nlmsg_flags & NLM_F_ACK))
		return;
	if (err && f->msg[0])
		flags |= NLM_F_ACK_TLVS;
	nlh = fake_msg(f, NLMSG_ERROR, flags, req->nlmsg_seq, req->nlmsg_pid);
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = err;
	e->msg = *req;
	if (err && f->msg[0])
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, f->msg);
	fake_msg_end(f, nlh);
	fake_flush_dgram(f);
}

/* Change sets. */

static struct db *fake_change(struct nlfake *f, uint32_t portid, int *err)
{
	struct db *db;

	if (f->txn) {
		if (f->txn_portid == portid)
			return f->txn;
		*err = -EBUSY;
		fake_err(f, "a transaction of port %u is open; retry later",
			 f->txn_portid);
		return NULL;
	}
	db = xmalloc(sizeof(*db));
	db_copy(db, &f->cur);
	return db;
}

static int fake_sa_id_cmp(const void *a, const void *b)
{
	const struct sa *x = *(const struct sa * const *)a;
	const struct sa *y = *(const struct sa * const *)b;
	int c;

	if (x->spi != y->spi)
		return x->spi < y->spi ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	c = cmp_in6(&x->dst, &y->dst);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int fake_check(struct nlfake *f, struct db *db, int *err)
{
	struct sa **v;
	size_t i;

	for (i = 0; i < db->sas.n; i++) {
		const struct sa *sa = db->sas.v[i];
		const struct policy *pol;

		if (!sa->policy)
			continue;
		pol = db_policy(db, sa->policy);
		*err = -EINVAL;
		if (!pol) {
			*err = -ENOENT;
			return fake_err(f, "POLICY: SA %u: policy %u does not exist",
					sa->index, sa->policy);
		}
		if (pol->action != IPSEC6_ACTION_APPLY)
			return fake_err(f, "POLICY: SA %u: policy %u is not APPLY",
					sa->index, sa->policy);
		if (pol->ipsec_proto != sa->proto)
			return fake_err(f, "PROTO: SA %u: policy %u uses the other IPsec protocol",
					sa->index, sa->policy);
		if (pol->mode != sa->mode)
			return fake_err(f, "MODE: SA %u: policy %u uses the other mode",
					sa->index, sa->policy);
	}
	for (i = 0; i < db->pols.n; i++) {
		const struct policy *pol = db->pols.v[i], *next;
		unsigned int depth = 0;

		if (!pol->bundle_next)
			continue;
		next = db_policy(db, pol->bundle_next);
		if (!next || next->action != IPSEC6_ACTION_APPLY) {
			*err = -EINVAL;
			return fake_err(f, "BUNDLE_NEXT: policy %u: %u is not an APPLY policy",
					pol->index, pol->bundle_next);
		}
		for (next = pol; next; next = next->bundle_next ?
		     db_policy(db, next->bundle_next) : NULL) {
			if (++depth > 4) {
				*err = -ELOOP;
				return fake_err(f, "BUNDLE_NEXT: policy %u: bundle loops or exceeds %u",
						pol->index, 4);
			}
		}
	}
	if (db->sas.n < 2)
		return 0;
	v = xmalloc(db->sas.n * sizeof(*v));
	memcpy(v, db->sas.v, db->sas.n * sizeof(*v));
	qsort(v, db->sas.n, sizeof(*v), fake_sa_id_cmp);
	for (i = 1; i < db->sas.n; i++) {
		if (v[i]->spi == v[i - 1]->spi &&
		    v[i]->proto == v[i - 1]->proto &&
		    !cmp_in6(&v[i]->dst, &v[i - 1]->dst)) {
			*err = -EEXIST;
			fake_err(f, "SPI: SA %u: SPI %u, DST and PROTO used by SA %u",
				 v[i]->index, v[i]->spi, v[i - 1]->index);
			free(v);
			return -1;
		}
	}
	free(v);
	return 0;
}

/* Publish @db (consumed on success). */
static int fake_commit(struct nlfake *f, struct db *db)
{
	int err = 0;

	if (fake_check(f, db, &err) < 0)
		return err;
	db_free(&f->cur);
	f->cur = *db;
	free(db);
	f->generation++;
	return 0;
}

static int fake_finish(struct nlfake *f, struct db *db, int err)
{
	if (db == f->txn) {
		f->txn_requests++;
		if (err)
			f->txn_failed = true;
		return err;
	}
	if (!err) {
		err = fake_commit(f, db);
		if (!err)
			return 0;
	}
	db_free(db);
	free(db);
	return err;
}

/* Requests. */

static int fake_parse_top(const struct nlmsghdr *nlh,
			  const struct nlattr **tb)
{
	const struct nlattr *a;

	memset(tb, 0, sizeof(*tb) * (IPSEC6_A_MAX + 1));
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		int type = mnl_attr_get_type(a);

		if (type <= IPSEC6_A_MAX)
			tb[type] = a;
	}
	return 0;
}

static int fake_check_policy(struct nlfake *f, const struct policy *p)
{
	if (!p->index)
		return fake_err(f, "INDEX: 0 is invalid (indexes start at 1)");
	if (!p->dir || p->dir & ~IPSEC6_DIR_ALL)
		return fake_err(f, "DIR: policy %u: no direction set", p->index);
	if (p->action > IPSEC6_ACTION_MAX)
		return fake_err(f, "ACTION: unknown value %u", p->action);
	if (!p->remote.any && cmp_in6(&p->remote.start, &p->remote.end) > 0)
		return fake_err(f, "REMOTE: START is above END");
	if (!p->local.any && cmp_in6(&p->local.start, &p->local.end) > 0)
		return fake_err(f, "LOCAL: START is above END");
	if ((!p->rport.any && p->rport.start > p->rport.end) ||
	    (!p->lport.any && p->lport.start > p->lport.end))
		return fake_err(f, "PORT: START is above END");
	if ((!p->rport.any || !p->lport.any) &&
	    (!p->has_proto || !proto_has_ports(p->proto)))
		return fake_err(f, "PORT: needs PROTO tcp, udp, sctp or udplite");
	if ((p->has_icmp_type || p->has_icmp_code) &&
	    (!p->has_proto || p->proto != IPPROTO_ICMPV6))
		return fake_err(f, "ICMP_TYPE/CODE: need PROTO 58 (ICMPv6)");
	if (p->has_icmp_code && !p->has_icmp_type)
		return fake_err(f, "ICMP_CODE: needs ICMP_TYPE");
	if (p->action != IPSEC6_ACTION_APPLY) {
		if (p->ipsec_proto || p->mode || p->has_tunnel_remote ||
		    p->has_tunnel_local || p->bundle_next || p->reqid)
			return fake_err(f, "policy %u: IPsec attributes need ACTION apply",
					p->index);
		return 0;
	}
	if (!p->ipsec_proto)
		return fake_err(f, "IPSEC_PROTO: missing");
	if (!ipsec_proto_name(p->ipsec_proto))
		return fake_err(f, "IPSEC_PROTO: unknown value %u (AH 51, ESP 50)",
				p->ipsec_proto);
	if (!p->mode)
		return fake_err(f, "MODE: missing");
	if (!mode_name(p->mode))
		return fake_err(f, "MODE: unknown value %u", p->mode);
	if (p->mode == IPSEC6_MODE_TUNNEL && !p->has_tunnel_remote)
		return fake_err(f, "TUNNEL_REMOTE (tunnel mode): missing");
	if (p->mode != IPSEC6_MODE_TUNNEL &&
	    (p->has_tunnel_remote || p->has_tunnel_local))
		return fake_err(f, "TUNNEL_*: only with MODE tunnel");
	if (p->bundle_next == p->index)
		return fake_err(f, "BUNDLE_NEXT: %u is not another policy",
				p->bundle_next);
	return 0;
}

static int fake_policy_new(struct nlfake *f, const struct nlmsghdr *nlh,
			   const struct nlattr **tb)
{
	struct policy *p, *old;
	struct db *db;
	int err = 0;

	if (!tb[IPSEC6_A_POLICY]) {
		fake_err(f, "POLICY: missing");
		return -EINVAL;
	}
	p = policy_new();
	if (nlmsg_parse_policy(tb[IPSEC6_A_POLICY], p) < 0) {
		fake_err(f, "POLICY: INDEX, DIR and ACTION are required");
		policy_free(p);
		return -EINVAL;
	}
	if (fake_check_policy(f, p) < 0) {
		policy_free(p);
		return -EINVAL;
	}
	p->counts.present = false;
	db = fake_change(f, nlh->nlmsg_pid, &err);
	if (!db) {
		policy_free(p);
		return err;
	}
	old = db_policy(db, p->index);
	if (old && policy_equal(old, p)) {
		policy_free(p);
	} else if (old && !tb[IPSEC6_A_REPLACE]) {
		err = -EEXIST;
		fake_err(f, "INDEX: policy %u exists with other content",
			 p->index);
		policy_free(p);
	} else {
		db_put_policy(db, p);
	}
	return fake_finish(f, db, err);
}

static void fake_drop_policy_sas(struct db *db, uint32_t index)
{
	size_t i = 0;

	while (i < db->sas.n) {
		struct sa *sa = db->sas.v[i];

		if (sa->policy == index && index)
			db_del_sa(db, sa->index);
		else
			i++;
	}
}

static int fake_policy_index(struct nlfake *f, const struct nlattr **tb,
			     uint32_t *index)
{
	struct policy p;

	if (!tb[IPSEC6_A_POLICY]) {
		fake_err(f, "POLICY: missing");
		return -EINVAL;
	}
	/* Only INDEX is needed; parse leniently. */
	if (nlmsg_parse_policy(tb[IPSEC6_A_POLICY], &p) < 0) {
		const struct nlattr *a;

		mnl_attr_for_each_nested(a, tb[IPSEC6_A_POLICY]) {
			if (mnl_attr_get_type(a) == IPSEC6_POLICY_A_INDEX &&
			    mnl_attr_get_payload_len(a) == 4) {
				*index = mnl_attr_get_u32(a);
				return 0;
			}
		}
		fake_err(f, "INDEX: missing");
		return -EINVAL;
	}
	*index = p.index;
	return 0;
}

static int fake_policy_del(struct nlfake *f, const struct nlmsghdr *nlh,
			   const struct nlattr **tb)
{
	uint32_t index;
	struct db *db;
	int err = 0;

	err = fake_policy_index(f, tb, &index);
	if (err)
		return err;
	db = fake_change(f, nlh->nlmsg_pid, &err);
	if (!db)
		return err;
	if (!db_del_policy(db, index)) {
		err = -ENOENT;
		fake_err(f, "INDEX: no policy %u", index);
	} else {
		fake_drop_policy_sas(db, index);
	}
	return fake_finish(f, db, err);
}

static int fake_policy_flush(struct nlfake *f, const struct nlmsghdr *nlh)
{
	struct db *db;
	int err = 0;

	db = fake_change(f, nlh->nlmsg_pid, &err);
	if (!db)
		return err;
	while (db->pols.n) {
		uint32_t index = ((struct policy *)db->pols.v[0])->index;

		db_del_policy(db, index);
		fake_drop_policy_sas(db, index);
	}
	fake_default(db);
	return fake_finish(f, db, err);
}

/*
 * The module's ICV when ICV_LEN is absent (Documentation/netlink.rst, the
 * RFCs' truncations); "auth" lines send XFRM's ICV_LEN instead.
 */
static uint32_t fake_icv_default(const char *auth)
{
	if (!strcmp(auth, "hmac(sha256)"))
		return 128;
	if (!strcmp(auth, "hmac(sha384)"))
		return 192;
	if (!strcmp(auth, "hmac(sha512)"))
		return 256;
	return 96;
}

static void key_forget(struct key *k)
{
	if (k->data) {
		explicit_bzero(k->data, k->len);
		free(k->data);
		k->data = NULL;
	}
}

static int fake_check_sa(struct nlfake *f, struct db *db, struct sa *sa,
			 int *err)
{
	const struct policy *pol = sa->policy ? db_policy(db, sa->policy) :
						NULL;

	*err = -EINVAL;
	if (!sa->index)
		return fake_err(f, "INDEX: 0 is invalid (indexes start at 1)");
	if (!sa->spi)
		return fake_err(f, "SPI: 0 is invalid");
	if (sa->spi < IPSEC6_SPI_MIN)
		return fake_err(f, "SPI: %u is reserved (1-255, RFC 4303)",
				sa->spi);
	if (!in6_is_unicast(&sa->dst))
		return fake_err(f, "DST: not a unicast address");
	if (sa->dir != 0 && sa->dir != IPSEC6_DIR_IN &&
	    sa->dir != IPSEC6_DIR_OUT)
		return fake_err(f, "DIR: %u is not IN (1), OUT (2) or 0",
				sa->dir);
	if (sa->has_src && in6_is_zero(&sa->src))
		sa->has_src = false;
	if (sa->proto) {
		if (!ipsec_proto_name(sa->proto))
			return fake_err(f, "PROTO: unknown value %u (AH 51, ESP 50)",
					sa->proto);
	} else if (!sa->policy) {
		return fake_err(f, "PROTO: missing");
	} else if (!pol || pol->action != IPSEC6_ACTION_APPLY) {
		*err = -ENOENT;
		return fake_err(f, "POLICY: SA %u: %u is no APPLY policy to take PROTO from",
				sa->index, sa->policy);
	} else {
		sa->proto = pol->ipsec_proto;
	}
	if (sa->mode) {
		if (!mode_name(sa->mode))
			return fake_err(f, "MODE: unknown value %u", sa->mode);
	} else {
		sa->mode = pol && pol->action == IPSEC6_ACTION_APPLY ?
			   pol->mode : IPSEC6_MODE_TRANSPORT;
	}
	if (sa->aead_name) {
		if (sa->auth_name || sa->enc_name)
			return fake_err(f, "AEAD_NAME: excludes AUTH_NAME and ENC_NAME");
		if (!sa->aead_key.set)
			return fake_err(f, "AEAD_KEY: missing");
		if (!sa->has_icv)
			return fake_err(f, "ICV_LEN: missing (required with AEAD_NAME)");
	} else {
		if (!sa->auth_name)
			return fake_err(f, "AUTH_NAME: missing (%s needs an integrity algorithm)",
					sa->proto == IPSEC6_PROTO_AH ? "AH" :
								       "ESP");
		if (!sa->auth_key.set)
			return fake_err(f, "AUTH_KEY: missing");
		if (sa->enc_name && sa->proto == IPSEC6_PROTO_AH)
			return fake_err(f, "ENC_NAME: AH does not encrypt");
		if (!sa->has_icv)
			sa->icv_bits = fake_icv_default(sa->auth_name);
	}
	sa->has_icv = true;
	sa->has_replay = true;
	sa->key_bits = sa_key_bits(sa);
	sa->has_key_bits = true;
	key_forget(&sa->auth_key);
	key_forget(&sa->enc_key);
	key_forget(&sa->aead_key);
	*err = 0;
	return 0;
}

static int fake_sa_new(struct nlfake *f, const struct nlmsghdr *nlh,
		       const struct nlattr **tb)
{
	struct sa *sa, *old;
	struct db *db;
	int err = 0;

	if (!tb[IPSEC6_A_SA]) {
		fake_err(f, "SA: missing");
		return -EINVAL;
	}
	db = fake_change(f, nlh->nlmsg_pid, &err);
	if (!db)
		return err;
	sa = sa_new();
	if (nlmsg_parse_sa(tb[IPSEC6_A_SA], sa) < 0) {
		fake_err(f, "SA: malformed");
		err = -EINVAL;
		goto out;
	}
	if (fake_check_sa(f, db, sa, &err) < 0)
		goto out;
	old = db_sa(db, sa->index);
	if (old && sa_equal(old, sa, false)) {
		sa_free(sa);
		sa = NULL;
	} else if (old && !tb[IPSEC6_A_REPLACE]) {
		err = -EEXIST;
		fake_err(f, "INDEX: SA %u exists with other content",
			 sa->index);
	} else {
		db_put_sa(db, sa);
		sa = NULL;
	}
out:
	sa_free(sa);
	return fake_finish(f, db, err);
}

/* The SA an identity (INDEX, or SPI/DST/PROTO) names, in @db. */
static struct sa *fake_sa_id(struct nlfake *f, struct db *db,
			     const struct nlattr **tb, int *err)
{
	struct sa id, *sa;
	char a[INET6_ADDRSTRLEN];

	*err = -EINVAL;
	if (!tb[IPSEC6_A_SA]) {
		fake_err(f, "SA: missing");
		return NULL;
	}
	if (nlmsg_parse_sa(tb[IPSEC6_A_SA], &id) < 0) {
		fake_err(f, "SA: malformed");
		return NULL;
	}
	if (id.index) {
		sa = db_sa(db, id.index);
		if (!sa) {
			*err = -ENOENT;
			fake_err(f, "INDEX: no SA %u", id.index);
		}
		sa_clear(&id);
		return sa;
	}
	if (!id.spi || in6_is_zero(&id.dst) || !id.proto) {
		fake_err(f, "%s: missing", !id.spi ? "SPI (or INDEX)" :
			 in6_is_zero(&id.dst) ? "DST" : "PROTO");
		sa_clear(&id);
		return NULL;
	}
	sa = db_sa_by_id(db, id.spi, &id.dst, id.proto);
	if (!sa) {
		*err = -ENOENT;
		fmt_in6(&id.dst, a, sizeof(a), false);
		fake_err(f, "SA: no SA with SPI %u, DST %s, PROTO %u", id.spi,
			 a, id.proto);
	}
	sa_clear(&id);
	return sa;
}

static int fake_sa_del(struct nlfake *f, const struct nlmsghdr *nlh,
		       const struct nlattr **tb)
{
	struct db *db;
	struct sa *sa;
	int err = 0;

	db = fake_change(f, nlh->nlmsg_pid, &err);
	if (!db)
		return err;
	sa = fake_sa_id(f, db, tb, &err);
	if (sa) {
		db_del_sa(db, sa->index);
		err = 0;
	}
	return fake_finish(f, db, err);
}

static int fake_sa_flush(struct nlfake *f, const struct nlmsghdr *nlh)
{
	struct db *db;
	int err = 0;

	db = fake_change(f, nlh->nlmsg_pid, &err);
	if (!db)
		return err;
	while (db->sas.n)
		db_del_sa(db, ((struct sa *)db->sas.v[0])->index);
	return fake_finish(f, db, 0);
}

static int fake_txn_begin(struct nlfake *f, const struct nlmsghdr *nlh,
			  const struct nlattr **tb)
{
	uint32_t flags = 0;

	if (tb[IPSEC6_A_TXN_FLAGS])
		flags = mnl_attr_get_u32(tb[IPSEC6_A_TXN_FLAGS]);
	if (flags & ~(uint32_t)IPSEC6_TXN_F_REPLACE) {
		fake_err(f, "TXN_FLAGS: unknown bits");
		return -EINVAL;
	}
	if (f->txn) {
		fake_err(f, "overlapping transaction: port %u has one open",
			 f->txn_portid);
		return -EBUSY;
	}
	f->txn = xmalloc(sizeof(*f->txn));
	if (flags & IPSEC6_TXN_F_REPLACE)
		db_init(f->txn);
	else
		db_copy(f->txn, &f->cur);
	f->txn_portid = nlh->nlmsg_pid;
	f->txn_failed = false;
	f->txn_requests = 0;
	return 0;
}

static void fake_txn_drop(struct nlfake *f)
{
	if (!f->txn)
		return;
	db_free(f->txn);
	free(f->txn);
	f->txn = NULL;
}

static int fake_txn_end(struct nlfake *f, const struct nlmsghdr *nlh,
			const struct nlattr **tb, bool commit)
{
	int err;

	if (!f->txn || f->txn_portid != nlh->nlmsg_pid) {
		fake_err(f, "no open transaction on this socket");
		return -ENOENT;
	}
	if (!commit) {
		fake_txn_drop(f);
		return 0;
	}
	if (tb[IPSEC6_A_TXN_REQUESTS] &&
	    mnl_attr_get_u32(tb[IPSEC6_A_TXN_REQUESTS]) != f->txn_requests) {
		f->txn_failed = true;
		fake_err(f, "TXN_REQUESTS: %u sent, %u reached ipsec6; abort it",
			 mnl_attr_get_u32(tb[IPSEC6_A_TXN_REQUESTS]),
			 f->txn_requests);
		return -EINVAL;
	}
	if (f->txn_failed) {
		fake_err(f, "transaction had a rejected request; abort it");
		return -EINVAL;
	}
	err = fake_commit(f, f->txn);
	if (!err)
		f->txn = NULL;
	return err;
}

static void fake_dump(struct nlfake *f, const struct nlmsghdr *req,
		      bool sas)
{
	uint16_t flags = NLM_F_MULTI;
	struct nlmsghdr *nlh;
	size_t i;

	/* Tests: pretend the tables changed under this dump. */
	if (f->intr_left > 0) {
		f->intr_left--;
		flags |= NLM_F_DUMP_INTR;
	}
	db_sort(&f->cur);
	for (i = 0; i < (sas ? f->cur.sas.n : f->cur.pols.n); i++) {
		nlh = fake_genl(f, sas ? IPSEC6_CMD_SA_GET :
				IPSEC6_CMD_POLICY_GET, flags, req);
		mnl_attr_put_u32(nlh, IPSEC6_A_GENERATION, f->generation);
		if (sas)
			nlmsg_put_sa(nlh, f->cur.sas.v[i], PUT_DUMP);
		else
			nlmsg_put_policy(nlh, f->cur.pols.v[i], PUT_DUMP);
		fake_msg_end(f, nlh);
	}
	nlh = fake_msg(f, NLMSG_DONE, flags, req->nlmsg_seq, req->nlmsg_pid);
	mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	fake_msg_end(f, nlh);
	fake_flush_dgram(f);
}

static int fake_get(struct nlfake *f, const struct nlmsghdr *req,
		    const struct nlattr **tb, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct policy *pol = NULL;
	struct sa *sa = NULL;
	uint32_t index;
	int err = 0;

	if (cmd == IPSEC6_CMD_POLICY_GET) {
		err = fake_policy_index(f, tb, &index);
		if (err)
			return err;
		pol = db_policy(&f->cur, index);
		if (!pol) {
			fake_err(f, "INDEX: no policy %u", index);
			return -ENOENT;
		}
	} else {
		sa = fake_sa_id(f, &f->cur, tb, &err);
		if (!sa)
			return err;
	}
	nlh = fake_genl(f, cmd, 0, req);
	if (pol)
		nlmsg_put_policy(nlh, pol, PUT_DUMP);
	else
		nlmsg_put_sa(nlh, sa, PUT_DUMP);
	fake_msg_end(f, nlh);
	fake_flush_dgram(f);
	return 0;
}

static int fake_stats(struct nlfake *f, const struct nlmsghdr *req)
{
	struct nlmsghdr *nlh = fake_genl(f, IPSEC6_CMD_STATS_GET, 0, req);
	struct nlattr *nest = mnl_attr_nest_start(nlh, IPSEC6_A_STATS);
	uint16_t r;

	for (r = IPSEC6_STATS_A_NO_POLICY; r < IPSEC6_STATS_A_PAD; r++)
		mnl_attr_put_u64(nlh, r, 0);
	mnl_attr_nest_end(nlh, nest);
	fake_msg_end(f, nlh);
	fake_flush_dgram(f);
	return 0;
}

static void fake_handle(struct nlfake *f, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[IPSEC6_A_MAX + 1];
	const struct genlmsghdr *g;
	int err;

	f->msg[0] = '\0';
	if (nlh->nlmsg_type != NLFAKE_FAMILY ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*g)) {
		fake_ack(f, nlh, -EOPNOTSUPP);
		return;
	}
	g = mnl_nlmsg_get_payload(nlh);
	fake_parse_top(nlh, tb);
	if ((nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP &&
	    (g->cmd == IPSEC6_CMD_POLICY_GET || g->cmd == IPSEC6_CMD_SA_GET)) {
		fake_dump(f, nlh, g->cmd == IPSEC6_CMD_SA_GET);
		return;
	}
	switch (g->cmd) {
	case IPSEC6_CMD_POLICY_NEW:
		err = fake_policy_new(f, nlh, tb);
		break;
	case IPSEC6_CMD_POLICY_DEL:
		err = fake_policy_del(f, nlh, tb);
		break;
	case IPSEC6_CMD_POLICY_FLUSH:
		err = fake_policy_flush(f, nlh);
		break;
	case IPSEC6_CMD_SA_NEW:
		err = fake_sa_new(f, nlh, tb);
		break;
	case IPSEC6_CMD_SA_DEL:
		err = fake_sa_del(f, nlh, tb);
		break;
	case IPSEC6_CMD_SA_FLUSH:
		err = fake_sa_flush(f, nlh);
		break;
	case IPSEC6_CMD_TXN_BEGIN:
		err = fake_txn_begin(f, nlh, tb);
		break;
	case IPSEC6_CMD_TXN_COMMIT:
		err = fake_txn_end(f, nlh, tb, true);
		break;
	case IPSEC6_CMD_TXN_ABORT:
		err = fake_txn_end(f, nlh, tb, false);
		break;
	case IPSEC6_CMD_POLICY_GET:
	case IPSEC6_CMD_SA_GET:
		err = fake_get(f, nlh, tb, g->cmd);
		break;
	case IPSEC6_CMD_STATS_GET:
		err = fake_stats(f, nlh);
		break;
	default:
		err = -EOPNOTSUPP;
		break;
	}
	fake_ack(f, nlh, err);
}

void nlfake_send(struct nlfake *f, const void *buf, size_t len,
		 uint32_t portid)
{
	const struct nlmsghdr *nlh = buf;
	int rest = (int)len;

	while (mnl_nlmsg_ok(nlh, rest)) {
		struct nlmsghdr *copy = xmalloc(nlh->nlmsg_len);

		/* The socket layer fills in the sender. */
		memcpy(copy, nlh, nlh->nlmsg_len);
		copy->nlmsg_pid = portid;
		fake_handle(f, copy);
		explicit_bzero(copy, copy->nlmsg_len);
		free(copy);
		nlh = mnl_nlmsg_next(nlh, &rest);
	}
}

size_t nlfake_recv(struct nlfake *f, void *buf, size_t len)
{
	size_t copy;
	uint32_t n;

	if (f->qpos >= f->q.len) {
		f->q.len = f->qpos = 0;
		return 0;
	}
	memcpy(&n, f->q.p + f->qpos, sizeof(n));
	copy = n < len ? n : len;	/* truncated like MSG_TRUNC */
	memcpy(buf, f->q.p + f->qpos + sizeof(n), copy);
	f->qpos += sizeof(n) + n;
	return copy;
}

/* State file. */

static int fake_load(struct nlfake *f, const char *path)
{
	const struct nlmsghdr *nlh;
	size_t len, hlen = strlen(FAKE_MAGIC);
	char *data, *p;
	int rest;

	if (read_file(path, &data, &len) < 0) {
		if (errno == ENOENT)
			return 1;
		err_msg("%s: %s", path, strerror(errno));
		return -1;
	}
	p = memchr(data, '\n', len);
	if (len < hlen || memcmp(data, FAKE_MAGIC, hlen) || !p) {
		err_msg("%s: not a simulated kernel state file", path);
		free(data);
		return -1;
	}
	f->generation = (uint32_t)strtoul(data + hlen, NULL, 10);
	p++;
	/* Messages start at the next 4-byte boundary. */
	while ((size_t)(p - data) % 4)
		p++;
	nlh = (const struct nlmsghdr *)p;
	rest = (int)(len - (size_t)(p - data));
	while (mnl_nlmsg_ok(nlh, rest)) {
		const struct nlattr *tb[IPSEC6_A_MAX + 1];

		fake_parse_top(nlh, tb);
		if (tb[IPSEC6_A_POLICY]) {
			struct policy *pol = policy_new();

			if (nlmsg_parse_policy(tb[IPSEC6_A_POLICY], pol) == 0)
				db_put_policy(&f->cur, pol);
			else
				policy_free(pol);
		} else if (tb[IPSEC6_A_SA]) {
			struct sa *sa = sa_new();

			if (nlmsg_parse_sa(tb[IPSEC6_A_SA], sa) == 0)
				db_put_sa(&f->cur, sa);
			else
				sa_free(sa);
		}
		nlh = mnl_nlmsg_next(nlh, &rest);
	}
	free(data);
	return 0;
}

static int fake_store(struct nlfake *f)
{
	struct atomic_file af;
	struct buf b = { 0 };
	size_t i;
	int ret;

	db_sort(&f->cur);
	buf_printf(&b, "%s %u\n", FAKE_MAGIC, f->generation);
	while (b.len % 4)
		buf_printf(&b, "\n");
	for (i = 0; i < f->cur.pols.n + f->cur.sas.n; i++) {
		struct nlmsghdr *nlh;

		buf_reserve(&b, FAKE_MSG_MAX);
		memset(b.p + b.len, 0, FAKE_MSG_MAX);
		nlh = mnl_nlmsg_put_header(b.p + b.len);
		nlh->nlmsg_type = NLFAKE_FAMILY;
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
		if (i < f->cur.pols.n)
			nlmsg_put_policy(nlh, f->cur.pols.v[i], PUT_DUMP);
		else
			nlmsg_put_sa(nlh, f->cur.sas.v[i - f->cur.pols.n],
				     PUT_DUMP);
		b.len += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	if (atomic_open(&af, f->state) < 0) {
		err_msg("%s: %s", f->state, strerror(errno));
		buf_free(&b);
		return -1;
	}
	fwrite(b.p, 1, b.len, af.f);
	ret = atomic_commit(&af);
	if (ret)
		err_msg("%s: %s", f->state, strerror(errno));
	buf_free(&b);
	return ret;
}

struct nlfake *nlfake_open(const char *state, bool save)
{
	struct nlfake *f = xcalloc(1, sizeof(*f));
	int ret = 1;

	db_init(&f->cur);
	if (state) {
		f->state = xstrdup(state);
		ret = fake_load(f, state);
		if (ret < 0) {
			free(f->state);
			free(f);
			return NULL;
		}
	}
	if (ret == 1) {
		fake_default(&f->cur);
		f->generation = 1;
	}
	f->save = save && state;
	if (getenv("IPSEC6CTL_FAKE_DUMP_INTR"))
		f->intr_left = atoi(getenv("IPSEC6CTL_FAKE_DUMP_INTR"));
	return f;
}

int nlfake_close(struct nlfake *f)
{
	int ret = 0;

	if (!f)
		return 0;
	fake_txn_drop(f);	/* closing the socket aborts */
	if (f->save)
		ret = fake_store(f);
	db_free(&f->cur);
	buf_free(&f->q);
	buf_free(&f->out);
	free(f->state);
	free(f);
	return ret;
}
