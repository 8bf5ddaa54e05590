// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink socket: resolving the "ipsec6" family, sending requests,
 * reading acks with their extended ack, dumps (restarted when flagged
 * NLM_F_DUMP_INTR), and transactions streamed without per-message acks.
 *
 * With --dry-run or IPSEC6CTL_FAKE_STATE the same bytes go to the simulated
 * kernel of nlfake.c instead of a socket.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define NL_RECV_BUF	65536
#define NL_MSG_MAX	8192	/* room reserved per request */
#define NL_CHUNK	32768	/* bytes per sendmsg() in a transaction */
#define NL_SOCK_BUF	(8 << 20)
#define NL_DUMP_TRIES	5

struct nl_options nl_opts;

struct nl {
	struct mnl_socket *sock;
	struct nlfake *fake;
	uint16_t family;
	uint32_t mcgrp;
	uint32_t maxattr;	/* highest top-level attribute the module knows */
	uint32_t portid;
	uint32_t seq;
	char *rbuf;
};

struct nl_err {
	int code;		/* positive errno */
	uint32_t seq;
	char msg[256];
	bool has_offs, has_miss;
	uint32_t offs, miss_type, miss_nest;
};

/* Batches. */

struct nlb_ent {
	size_t off;
	uint8_t cmd;
	uint32_t index;
	uint32_t seq;
	struct origin o;
};

struct nlbatch {
	struct buf b;
	struct nlb_ent *e;
	size_t n, cap;
};

struct nlbatch *nlb_new(void)
{
	return xcalloc(1, sizeof(struct nlbatch));
}

void nlb_free(struct nlbatch *b)
{
	if (!b)
		return;
	if (b->b.p)
		explicit_bzero(b->b.p, b->b.cap);
	buf_free(&b->b);
	free(b->e);
	free(b);
}

static struct nlmsghdr *nlb_start(struct nlbatch *b, uint8_t cmd,
				  uint16_t flags, uint32_t index,
				  const struct origin *o)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	/* libmnl zeroes what it writes, padding included. */
	buf_reserve(&b->b, NL_MSG_MAX);
	nlh = mnl_nlmsg_put_header(b->b.p + b->b.len);
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = IPSEC6_GENL_VERSION;
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->e = xrealloc(b->e, b->cap * sizeof(*b->e));
	}
	b->e[b->n].off = b->b.len;
	b->e[b->n].cmd = cmd;
	b->e[b->n].index = index;
	b->e[b->n].seq = 0;
	if (o)
		b->e[b->n].o = *o;
	else
		memset(&b->e[b->n].o, 0, sizeof(*o));
	b->n++;
	return nlh;
}

static void nlb_end(struct nlbatch *b, struct nlmsghdr *nlh)
{
	b->b.len += NLMSG_ALIGN(nlh->nlmsg_len);
}

void nlb_policy_new(struct nlbatch *b, const struct policy *pol,
		    bool replace, const struct origin *o)
{
	struct nlmsghdr *nlh = nlb_start(b, IPSEC6_CMD_POLICY_NEW, 0,
					 pol->index, o);

	nlmsg_put_policy(nlh, pol, PUT_REQUEST);
	if (replace)
		mnl_attr_put(nlh, IPSEC6_A_REPLACE, 0, NULL);
	nlb_end(b, nlh);
}

void nlb_policy_del(struct nlbatch *b, uint32_t index,
		    const struct origin *o)
{
	struct nlmsghdr *nlh = nlb_start(b, IPSEC6_CMD_POLICY_DEL, 0, index, o);
	struct nlattr *nest = mnl_attr_nest_start(nlh, IPSEC6_A_POLICY);

	mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_INDEX, index);
	mnl_attr_nest_end(nlh, nest);
	nlb_end(b, nlh);
}

void nlb_policy_flush(struct nlbatch *b, const struct origin *o)
{
	nlb_end(b, nlb_start(b, IPSEC6_CMD_POLICY_FLUSH, 0, 0, o));
}

void nlb_sa_new(struct nlbatch *b, const struct sa *sa, bool replace,
		const struct origin *o)
{
	struct nlmsghdr *nlh = nlb_start(b, IPSEC6_CMD_SA_NEW, 0, sa->index, o);

	nlmsg_put_sa(nlh, sa, PUT_REQUEST);
	if (replace)
		mnl_attr_put(nlh, IPSEC6_A_REPLACE, 0, NULL);
	nlb_end(b, nlh);
}

static void put_sa_id(struct nlmsghdr *nlh, uint32_t index, uint32_t spi,
		      const struct in6_addr *dst, uint8_t proto)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, IPSEC6_A_SA);

	if (index) {
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_INDEX, index);
	} else {
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_SPI, spi);
		mnl_attr_put_u8(nlh, IPSEC6_SA_A_PROTO, proto);
		mnl_attr_put(nlh, IPSEC6_SA_A_DST, sizeof(*dst), dst);
	}
	mnl_attr_nest_end(nlh, nest);
}

void nlb_sa_del(struct nlbatch *b, uint32_t index, const struct origin *o)
{
	struct nlmsghdr *nlh = nlb_start(b, IPSEC6_CMD_SA_DEL, 0, index, o);

	put_sa_id(nlh, index, 0, NULL, 0);
	nlb_end(b, nlh);
}

void nlb_sa_del_id(struct nlbatch *b, uint32_t spi,
		   const struct in6_addr *dst, uint8_t proto,
		   const struct origin *o)
{
	struct nlmsghdr *nlh = nlb_start(b, IPSEC6_CMD_SA_DEL, 0, 0, o);

	put_sa_id(nlh, 0, spi, dst, proto);
	nlb_end(b, nlh);
}

void nlb_sa_flush(struct nlbatch *b, const struct origin *o)
{
	nlb_end(b, nlb_start(b, IPSEC6_CMD_SA_FLUSH, 0, 0, o));
}

/* Transport. */

static void nl_print(const void *buf, size_t len, bool change)
{
	const struct nlmsghdr *nlh = buf;
	int rest = (int)len;

	if (!nl_opts.dump_msgs && !(change && nl_opts.dry_run))
		return;
	for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
		if (nl_opts.dump_msgs)
			nlmsg_print(stderr, nlh);
		if (change && nl_opts.dry_run)
			nlmsg_print(stdout, nlh);
	}
	if (change && nl_opts.dry_run)
		fflush(stdout);
}

static int nl_send(struct nl *nl, void *buf, size_t len, bool change)
{
	nl_print(buf, len, change);
	if (nl->fake) {
		nlfake_send(nl->fake, buf, len, nl->portid);
		return 0;
	}
	if (mnl_socket_sendto(nl->sock, buf, len) < 0)
		return -1;
	return 0;
}

/* One datagram; 0 if none is waiting and @nonblock. */
static ssize_t nl_recv(struct nl *nl, bool nonblock)
{
	ssize_t n;

	if (nl->fake) {
		n = (ssize_t)nlfake_recv(nl->fake, nl->rbuf, NL_RECV_BUF);
		if (!n && !nonblock) {
			errno = EPROTO;
			return -1;
		}
		return n;
	}
	for (;;) {
		n = recv(mnl_socket_get_fd(nl->sock), nl->rbuf, NL_RECV_BUF,
			 MSG_TRUNC | (nonblock ? MSG_DONTWAIT : 0));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && nonblock &&
		    (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n > NL_RECV_BUF) {
			errno = EMSGSIZE;
			return -1;
		}
		return n;
	}
}

static void nl_parse_err(const struct nlmsghdr *nlh, struct nl_err *e)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	size_t off = sizeof(*err);

	memset(e, 0, sizeof(*e));
	e->seq = nlh->nlmsg_seq;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err)) {
		e->code = EPROTO;
		return;
	}
	e->code = -err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (off > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_for_each(a, nlh, off) {
		switch (mnl_attr_get_type(a)) {
		case NLMSGERR_ATTR_MSG:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(e->msg, sizeof(e->msg), "%s",
					 mnl_attr_get_str(a));
			break;
		case NLMSGERR_ATTR_OFFS:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
				e->has_offs = true;
				e->offs = mnl_attr_get_u32(a);
			}
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
				e->has_miss = true;
				e->miss_type = mnl_attr_get_u32(a);
			}
			break;
		case NLMSGERR_ATTR_MISS_NEST:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				e->miss_nest = mnl_attr_get_u32(a);
			break;
		}
	}
}

/* The text of an error: the extack message, or what we can say. */
static const char *nl_err_text(const struct nl_err *e,
			       const struct nlmsghdr *req, char *buf,
			       size_t len)
{
	char name[64];
	int nest = 0;

	if (e->has_miss && req && e->miss_nest &&
	    e->miss_nest + sizeof(struct nlattr) <= req->nlmsg_len)
		nest = mnl_attr_get_type((const struct nlattr *)
					 ((const char *)req + e->miss_nest));
	if (e->code == EPERM)
		snprintf(buf, len, "%s%spermission denied (needs CAP_NET_ADMIN)",
			 e->msg, e->msg[0] ? ": " : "");
	else if (e->msg[0])
		snprintf(buf, len, "%s", e->msg);
	else if (e->has_miss && req &&
		 nlmsg_attr_name(nest, (int)e->miss_type, name, sizeof(name)))
		snprintf(buf, len, "missing attribute %s: %s", name,
			 strerror(e->code));
	else if (e->has_offs && req &&
		 nlmsg_attr_at(req, e->offs, name, sizeof(name)))
		snprintf(buf, len, "attribute %s: %s", name,
			 strerror(e->code));
	else
		snprintf(buf, len, "%s", strerror(e->code));
	return buf;
}

static void nl_report(const struct origin *o, const struct nl_err *e,
		      const struct nlmsghdr *req)
{
	char text[512];

	nl_err_text(e, req, text, sizeof(text));
	if (o && o->file)
		loc_msg(o->file, o->line, "%s", text);
	else if (o && o->what)
		err_msg("%s: %s", o->what, text);
	else
		err_msg("%s", text);
}

static struct nlmsghdr *nl_hdr(struct nl *nl, char *buf, uint8_t cmd,
			       uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = IPSEC6_GENL_VERSION;
	return nlh;
}

/*
 * Read until the ack of @seq.  Messages for @seq go to @cb; errors of
 * other sequence numbers go to @other (if set).  Returns 0 or the positive
 * errno of the ack (details in *@e).
 */
static int nl_wait(struct nl *nl, uint32_t seq,
		   int (*cb)(const struct nlmsghdr *nlh, void *data),
		   void *data, struct nl_err *e,
		   void (*other)(const struct nl_err *e, void *data),
		   void *odata)
{
	for (;;) {
		const struct nlmsghdr *nlh;
		ssize_t n = nl_recv(nl, false);
		int rest;

		if (n < 0) {
			memset(e, 0, sizeof(*e));
			e->code = errno;
			snprintf(e->msg, sizeof(e->msg),
				 "receiving from the kernel: %s",
				 strerror(errno));
			return e->code;
		}
		rest = (int)n;
		for (nlh = (void *)nl->rbuf; mnl_nlmsg_ok(nlh, rest);
		     nlh = mnl_nlmsg_next(nlh, &rest)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nl_err tmp;

				nl_parse_err(nlh, &tmp);
				if (nlh->nlmsg_seq == seq) {
					*e = tmp;
					return e->code;
				}
				if (tmp.code && other)
					other(&tmp, odata);
				continue;
			}
			if (nlh->nlmsg_seq == seq && cb && cb(nlh, data) < 0) {
				memset(e, 0, sizeof(*e));
				e->code = EPROTO;
				snprintf(e->msg, sizeof(e->msg),
					 "malformed reply from the kernel");
				return e->code;
			}
		}
	}
}

/* A single request with an ack; its replies go to @cb. */
static int nl_request(struct nl *nl, struct nlmsghdr *nlh, bool change,
		      int (*cb)(const struct nlmsghdr *nlh, void *data),
		      void *data, struct nl_err *e)
{
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (nl_send(nl, nlh, nlh->nlmsg_len, change) < 0) {
		memset(e, 0, sizeof(*e));
		e->code = errno;
		snprintf(e->msg, sizeof(e->msg), "sending to the kernel: %s",
			 strerror(errno));
		return e->code;
	}
	return nl_wait(nl, nlh->nlmsg_seq, cb, data, e, NULL, NULL);
}

/* Family resolution. */

struct family_info {
	uint16_t id;
	uint32_t mcgrp;
	uint32_t maxattr;
	bool found;
};

static int family_grp_cb(const struct nlattr *a, void *data)
{
	struct family_info *fi = data;
	const struct nlattr *n = NULL, *id = NULL, *x;

	mnl_attr_for_each_nested(x, a) {
		if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(x, MNL_TYPE_NUL_STRING) == 0)
			n = x;
		if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_ID &&
		    mnl_attr_validate(x, MNL_TYPE_U32) == 0)
			id = x;
	}
	if (n && id && !strcmp(mnl_attr_get_str(n), IPSEC6_MCGRP_EVENTS))
		fi->mcgrp = mnl_attr_get_u32(id);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct family_info *fi = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) == 0) {
				fi->id = mnl_attr_get_u16(a);
				fi->found = true;
			}
			break;
		case CTRL_ATTR_MAXATTR:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				fi->maxattr = mnl_attr_get_u32(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_parse_nested(a, family_grp_cb, fi);
			break;
		}
	}
	return 0;
}

static void nl_resolve(struct nl *nl)
{
	char buf[NL_MSG_MAX];
	struct family_info fi = { 0 };
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct nl_err e;
	int err;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, IPSEC6_GENL_NAME);
	err = nl_request(nl, nlh, false, family_cb, &fi, &e);
	if (err == ENOENT || (!err && !fi.found))
		die("the ipsec6 module is not loaded (modprobe ipsec6 / insmod ipsec6.ko)");
	if (err)
		die("cannot resolve the ipsec6 netlink family: %s",
		    nl_err_text(&e, NULL, buf, sizeof(buf)));
	nl->family = fi.id;
	nl->mcgrp = fi.mcgrp;
	nl->maxattr = fi.maxattr;
}

struct nl *nl_open(void)
{
	struct nl *nl = xcalloc(1, sizeof(*nl));
	int one = 1, size = NL_SOCK_BUF;
	int fd;

	nl->rbuf = xmalloc(NL_RECV_BUF);
	if (nl_opts.dry_run || nl_opts.fake_state) {
		nl->fake = nlfake_open(nl_opts.fake_state, !nl_opts.dry_run);
		if (!nl->fake)
			exit(1);
		nl->family = NLFAKE_FAMILY;
		nl->mcgrp = 1;
		nl->maxattr = IPSEC6_A_MAX;
		nl->portid = (uint32_t)getpid();
		return nl;
	}
	nl->seq = (uint32_t)time(NULL);
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock)
		die("cannot open a generic netlink socket: %s",
		    strerror(errno));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		die("cannot bind the netlink socket: %s", strerror(errno));
	nl->portid = mnl_socket_get_portid(nl->sock);
	fd = mnl_socket_get_fd(nl->sock);
	/* Best effort: old kernels lack them and still work. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (nl_opts.batch) {
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size,
			       sizeof(size)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size,
				   sizeof(size));
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
			       sizeof(size)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size,
				   sizeof(size));
	}
	nl_resolve(nl);
	return nl;
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	if (nl->fake && nlfake_close(nl->fake) < 0)
		exit(1);
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->rbuf);
	free(nl);
}

/* Running a batch. */

struct run_state {
	struct nlbatch *b;
	uint32_t first_seq;
	unsigned int errors;
	bool lost;
};

static struct nlb_ent *run_ent(struct run_state *rs, uint32_t seq)
{
	uint32_t i = seq - rs->first_seq;

	return i < rs->b->n ? &rs->b->e[i] : NULL;
}

static void run_error(const struct nl_err *e, void *data)
{
	struct run_state *rs = data;
	struct nlb_ent *ent = run_ent(rs, e->seq);

	if (e->code == ENOBUFS && !e->msg[0])
		rs->lost = true;
	rs->errors++;
	nl_report(ent ? &ent->o : NULL, e,
		  ent ? (const void *)(rs->b->b.p + ent->off) : NULL);
}

/*
 * The entry a commit error names ("SA 3: ..." / "policy 2: ..."): the
 * first object mentioned that is one of ours.
 */
static struct nlb_ent *commit_ent(struct run_state *rs, const char *msg)
{
	const char *p;

	for (p = msg; *p; p++) {
		bool sa = !strncmp(p, "SA ", 3);
		bool pol = !strncmp(p, "policy ", 7);
		const char *d;
		uint32_t index = 0;
		size_t i;

		if (!sa && !pol)
			continue;
		if (p > msg && p[-1] != ' ' && p[-1] != '(')
			continue;
		d = p + (sa ? 3 : 7);
		if (*d < '0' || *d > '9')
			continue;
		for (; *d >= '0' && *d <= '9'; d++)
			index = index * 10 + (uint32_t)(*d - '0');
		for (i = rs->b->n; i-- > 0;) {
			struct nlb_ent *ent = &rs->b->e[i];

			if (ent->index == index &&
			    ent->cmd == (sa ? IPSEC6_CMD_SA_NEW :
				       IPSEC6_CMD_POLICY_NEW))
				return ent;
		}
	}
	/* Else a request of ours whose index the message mentions. */
	for (p = msg; *p; p++) {
		uint32_t index = 0;
		size_t i;

		if (*p < '0' || *p > '9' || (p > msg && p[-1] >= '0' &&
					     p[-1] <= '9'))
			continue;
		for (; *p >= '0' && *p <= '9'; p++)
			index = index * 10 + (uint32_t)(*p - '0');
		for (i = rs->b->n; index && i-- > 0;)
			if (rs->b->e[i].index == index)
				return &rs->b->e[i];
		if (!*p)
			break;
	}
	/* Else the only request there is. */
	return rs->b->n == 1 ? &rs->b->e[0] : NULL;
}

static int nl_txn_simple(struct nl *nl, uint8_t cmd, uint32_t flags,
			 struct nl_err *e)
{
	char buf[NL_MSG_MAX];
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = nl_hdr(nl, buf, cmd, 0);
	if (flags)
		mnl_attr_put_u32(nlh, IPSEC6_A_TXN_FLAGS, flags);
	return nl_request(nl, nlh, true, NULL, NULL, e);
}

static int nl_run_single(struct nl *nl, struct nlbatch *b)
{
	struct nl_err e;
	size_t i;

	for (i = 0; i < b->n; i++) {
		struct nlmsghdr *nlh = (void *)(b->b.p + b->e[i].off);

		nlh->nlmsg_type = nl->family;
		nlh->nlmsg_seq = ++nl->seq;
		if (nl_request(nl, nlh, true, NULL, NULL, &e)) {
			nl_report(&b->e[i].o, &e, nlh);
			return -1;
		}
	}
	return 0;
}

static void nl_abort(struct nl *nl)
{
	struct nl_err e;

	/* Closing the socket aborts too; this makes it explicit. */
	if (nl_txn_simple(nl, IPSEC6_CMD_TXN_ABORT, 0, &e) &&
	    e.code != ENOENT)
		nl_report(NULL, &e, NULL);
}

int nl_run(struct nl *nl, struct nlbatch *b, bool txn, uint32_t txn_flags)
{
	struct run_state rs = { .b = b };
	struct nl_err e;
	size_t i, start;

	if (!txn)
		return nl_run_single(nl, b);

	if (nl_txn_simple(nl, IPSEC6_CMD_TXN_BEGIN, txn_flags, &e)) {
		nl_report(NULL, &e, NULL);
		return -1;
	}
	rs.first_seq = nl->seq + 1;
	for (i = 0; i < b->n; i++) {
		struct nlmsghdr *nlh = (void *)(b->b.p + b->e[i].off);

		nlh->nlmsg_type = nl->family;
		nlh->nlmsg_seq = ++nl->seq;
		b->e[i].seq = nlh->nlmsg_seq;
	}
	/* Stream in chunks; only errors come back.  Stop at the first. */
	for (start = 0; start < b->n && !rs.errors;) {
		size_t end = start, bytes = 0;

		while (end < b->n) {
			size_t next = end + 1 < b->n ? b->e[end + 1].off :
						       b->b.len;
			size_t len = next - b->e[end].off;

			if (bytes && bytes + len > NL_CHUNK)
				break;
			bytes += len;
			end++;
		}
		if (nl_send(nl, b->b.p + b->e[start].off, bytes, true) < 0) {
			err_msg("sending to the kernel: %s", strerror(errno));
			nl_abort(nl);
			return -1;
		}
		start = end;
		for (;;) {
			ssize_t n = nl_recv(nl, true);
			const struct nlmsghdr *nlh;
			int rest;

			if (n < 0 && errno == ENOBUFS) {
				rs.lost = true;
				rs.errors++;
				break;
			}
			if (n <= 0)
				break;
			rest = (int)n;
			for (nlh = (void *)nl->rbuf; mnl_nlmsg_ok(nlh, rest);
			     nlh = mnl_nlmsg_next(nlh, &rest)) {
				struct nl_err tmp;

				if (nlh->nlmsg_type != NLMSG_ERROR)
					continue;
				nl_parse_err(nlh, &tmp);
				if (tmp.code)
					run_error(&tmp, &rs);
			}
		}
	}
	memset(&e, 0, sizeof(e));
	if (!rs.errors) {
		char buf[NL_MSG_MAX];
		struct nlmsghdr *nlh;

		/* Errors of earlier requests arrive before the commit's ack. */
		memset(buf, 0, sizeof(buf));
		nlh = nl_hdr(nl, buf, IPSEC6_CMD_TXN_COMMIT, NLM_F_ACK);
		/*
		 * The kernel checks that every request reached it.  A module
		 * older than the attribute would refuse it as unknown.
		 */
		if (nl->maxattr >= IPSEC6_A_TXN_REQUESTS)
			mnl_attr_put_u32(nlh, IPSEC6_A_TXN_REQUESTS,
					 (uint32_t)b->n);
		if (nl_send(nl, nlh, nlh->nlmsg_len, true) < 0) {
			err_msg("sending to the kernel: %s", strerror(errno));
			nl_abort(nl);
			return -1;
		}
		nl_wait(nl, nlh->nlmsg_seq, NULL, NULL, &e, run_error, &rs);
	}
	if (rs.lost)
		err_msg("some error reports were lost (receive buffer full)");
	if (!rs.errors && !e.code)
		return 0;
	if (!rs.errors) {
		struct nlb_ent *ent = e.msg[0] ? commit_ent(&rs, e.msg) : NULL;

		if (ent)
			nl_report(&ent->o, &e, NULL);
		else
			nl_report(&(struct origin){ .what = "commit" }, &e,
				  NULL);
	}
	nl_abort(nl);
	return -1;
}

/* Queries. */

static const struct nlattr *top_attr(const struct nlmsghdr *nlh, int type)
{
	const struct nlattr *a;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return NULL;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

struct dump_ctx {
	struct vec *out;
	bool sas;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	const struct nlattr *a = top_attr(nlh, d->sas ? IPSEC6_A_SA :
						       IPSEC6_A_POLICY);

	if (!a)
		return 0;
	if (d->sas) {
		struct sa *sa = sa_new();

		if (nlmsg_parse_sa(a, sa) < 0) {
			sa_free(sa);
			return -1;
		}
		vec_push(d->out, sa);
	} else {
		struct policy *pol = policy_new();

		if (nlmsg_parse_policy(a, pol) < 0) {
			policy_free(pol);
			return -1;
		}
		vec_push(d->out, pol);
	}
	return 0;
}

static void dump_reset(struct dump_ctx *d)
{
	size_t i;

	for (i = 0; i < d->out->n; i++) {
		if (d->sas)
			sa_free(d->out->v[i]);
		else
			policy_free(d->out->v[i]);
	}
	d->out->n = 0;
}

static int nl_dump(struct nl *nl, bool sas, struct vec *out)
{
	struct dump_ctx d = { out, sas };
	int tries;

	for (tries = 0; tries < NL_DUMP_TRIES; tries++) {
		char buf[NL_MSG_MAX];
		struct nlmsghdr *nlh;
		bool done = false, intr = false;
		uint32_t seq;

		memset(buf, 0, sizeof(buf));
		nlh = nl_hdr(nl, buf, sas ? IPSEC6_CMD_SA_GET :
			     IPSEC6_CMD_POLICY_GET, NLM_F_DUMP);
		seq = nlh->nlmsg_seq;
		if (nl_send(nl, nlh, nlh->nlmsg_len, false) < 0) {
			err_msg("sending to the kernel: %s", strerror(errno));
			return -1;
		}
		while (!done) {
			ssize_t n = nl_recv(nl, false);
			const struct nlmsghdr *m;
			int rest;

			if (n < 0) {
				err_msg("receiving from the kernel: %s",
					strerror(errno));
				return -1;
			}
			rest = (int)n;
			for (m = (void *)nl->rbuf; mnl_nlmsg_ok(m, rest);
			     m = mnl_nlmsg_next(m, &rest)) {
				if (m->nlmsg_seq != seq)
					continue;
				if (m->nlmsg_flags & NLM_F_DUMP_INTR)
					intr = true;
				if (m->nlmsg_type == NLMSG_ERROR) {
					struct nl_err e;

					nl_parse_err(m, &e);
					if (!e.code)
						continue;
					nl_report(&(struct origin){
						.what = sas ? "SA dump" :
							      "policy dump" },
						&e, NULL);
					return -1;
				}
				if (m->nlmsg_type == NLMSG_DONE) {
					const int *res = mnl_nlmsg_get_payload(m);

					if (mnl_nlmsg_get_payload_len(m) >=
					    sizeof(int) && *res < 0) {
						err_msg("dump failed: %s",
							strerror(-*res));
						return -1;
					}
					done = true;
					break;
				}
				if (dump_cb(m, &d) < 0) {
					err_msg("malformed dump message from the kernel");
					return -1;
				}
			}
		}
		if (!intr)
			return 0;
		dump_reset(&d);
	}
	err_msg("the tables kept changing during the dump; try again");
	return -1;
}

int nl_dump_policies(struct nl *nl, struct vec *out)
{
	return nl_dump(nl, false, out);
}

int nl_dump_sas(struct nl *nl, struct vec *out)
{
	return nl_dump(nl, true, out);
}

struct get_ctx {
	int type;
	struct policy *pol;
	struct sa *sa;
	uint64_t *stats;
	bool *present;
	bool got;
};

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *g = data;
	const struct nlattr *a = top_attr(nlh, g->type);

	if (!a)
		return 0;
	if (g->sa) {
		sa_clear(g->sa);
		if (nlmsg_parse_sa(a, g->sa) < 0)
			return -1;
	} else if (g->pol) {
		if (nlmsg_parse_policy(a, g->pol) < 0)
			return -1;
	} else if (nlmsg_parse_stats(a, g->stats, g->present) < 0) {
		return -1;
	}
	g->got = true;
	return 0;
}

int nl_get_policy(struct nl *nl, uint32_t index, struct policy *out)
{
	struct get_ctx g = { .type = IPSEC6_A_POLICY, .pol = out };
	char buf[NL_MSG_MAX];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct nl_err e;

	memset(buf, 0, sizeof(buf));
	nlh = nl_hdr(nl, buf, IPSEC6_CMD_POLICY_GET, 0);
	nest = mnl_attr_nest_start(nlh, IPSEC6_A_POLICY);
	mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_INDEX, index);
	mnl_attr_nest_end(nlh, nest);
	if (nl_request(nl, nlh, false, get_cb, &g, &e)) {
		if (e.code == ENOENT)
			return 0;
		nl_report(&(struct origin){ .what = "policy get" }, &e, nlh);
		return -1;
	}
	return g.got;
}

int nl_get_sa(struct nl *nl, const struct sa *id, struct sa *out)
{
	struct get_ctx g = { .type = IPSEC6_A_SA, .sa = out };
	char buf[NL_MSG_MAX];
	struct nlmsghdr *nlh;
	struct nl_err e;

	memset(buf, 0, sizeof(buf));
	sa_init(out);
	nlh = nl_hdr(nl, buf, IPSEC6_CMD_SA_GET, 0);
	put_sa_id(nlh, id->index, id->spi, &id->dst, id->proto);
	if (nl_request(nl, nlh, false, get_cb, &g, &e)) {
		if (e.code == ENOENT)
			return 0;
		nl_report(&(struct origin){ .what = "sa get" }, &e, nlh);
		return -1;
	}
	return g.got;
}

int nl_get_stats(struct nl *nl, uint64_t *stats, bool *present)
{
	struct get_ctx g = { .type = IPSEC6_A_STATS, .stats = stats,
			     .present = present };
	char buf[NL_MSG_MAX];
	struct nlmsghdr *nlh;
	struct nl_err e;

	memset(buf, 0, sizeof(buf));
	nlh = nl_hdr(nl, buf, IPSEC6_CMD_STATS_GET, 0);
	if (nl_request(nl, nlh, false, get_cb, &g, &e)) {
		nl_report(&(struct origin){ .what = "stats" }, &e, nlh);
		return -1;
	}
	if (!g.got) {
		err_msg("stats: no reply from the kernel");
		return -1;
	}
	return 0;
}

/* Events. */

static int event_parse(const struct nlmsghdr *nlh, struct nl_event *ev)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	memset(ev, 0, sizeof(*ev));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*g))
		return -1;
	ev->cmd = g->cmd;
	a = top_attr(nlh, IPSEC6_A_GENERATION);
	if (a && mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
		ev->has_generation = true;
		ev->generation = mnl_attr_get_u32(a);
	}
	a = top_attr(nlh, IPSEC6_A_EXPIRE);
	if (a && mnl_attr_validate(a, MNL_TYPE_U8) == 0)
		ev->expire = mnl_attr_get_u8(a);
	a = top_attr(nlh, IPSEC6_A_SA);
	if (a) {
		if (nlmsg_parse_sa(a, &ev->sa) < 0)
			return -1;
		ev->has_sa = true;
	}
	return 0;
}

int nl_monitor(struct nl *nl, int (*cb)(const struct nl_event *ev,
					void *data), void *data)
{
	if (nl->fake) {
		/* Nothing ever happens in the simulated kernel. */
		return 0;
	}
	if (!nl->mcgrp) {
		err_msg("the ipsec6 family has no \"%s\" group",
			IPSEC6_MCGRP_EVENTS);
		return -1;
	}
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP,
				  &nl->mcgrp, sizeof(nl->mcgrp)) < 0) {
		err_msg("cannot join the \"%s\" group: %s",
			IPSEC6_MCGRP_EVENTS, strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n = nl_recv(nl, false);
		const struct nlmsghdr *nlh;
		int rest;

		if (n < 0 && errno == ENOBUFS) {
			warn_msg("events were lost (receive buffer full)");
			continue;
		}
		if (n < 0) {
			err_msg("receiving from the kernel: %s",
				strerror(errno));
			return -1;
		}
		rest = (int)n;
		for (nlh = (void *)nl->rbuf; mnl_nlmsg_ok(nlh, rest);
		     nlh = mnl_nlmsg_next(nlh, &rest)) {
			struct nl_event ev;
			int ret;

			if (nlh->nlmsg_type != nl->family)
				continue;
			if (event_parse(nlh, &ev) < 0)
				continue;
			ret = cb(&ev, data);
			sa_clear(&ev.sa);
			if (ret)
				return ret < 0 ? -1 : 0;
		}
	}
}
