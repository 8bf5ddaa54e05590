// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink for the kernel-ipsec6 plugin, on libmnl: resolving the
 * "ipsec6" family (its id, the commands it implements, the events group),
 * requests with their acks and extended acks, dumps, and the events socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <library.h>
#include <utils/debug.h>
#include <threading/mutex.h>

#include "ipsec6.h"
#include "kernel_ipsec6_nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/* Dumps of many SAs come in messages of up to a page or more each. */
#define NL_RECV_BUF	65536
/* A request that gets no answer within this time fails (ETIMEDOUT). */
#define NL_TIMEOUT_S	10
/* Events come in bursts (a change set per SA); lost ones cost a rekey. */
#define NL_EVENT_RCVBUF	(4 << 20)

struct ipsec6_nl_t {
	/* Request socket and its state, under @lock. */
	mutex_t *lock;
	struct mnl_socket *req;
	uint32_t portid;
	uint32_t seq;
	char *rbuf;
	/* The family, resolved once under @lock. */
	bool ready;
	uint16_t family;
	uint32_t maxattr;
	uint64_t ops;		/* bit n: command n is implemented */
	uint32_t group;		/* "events" */
	/* Events socket; read by one watcher thread at a time. */
	struct mnl_socket *ev;
	char *ebuf;
};

static struct mnl_socket *nl_socket_open(void)
{
	struct mnl_socket *s = mnl_socket_open(NETLINK_GENERIC);
	int one = 1;

	if (!s)
		return NULL;
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(s);
		return NULL;
	}
	/* Error messages (extack) and acks without the request echoed. */
	mnl_socket_setsockopt(s, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &one, sizeof(one));
	return s;
}

struct nlmsghdr *ipsec6_nl_start(ipsec6_nl_t *nl, void *buf, uint8_t cmd,
				 uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, IPSEC6_NL_MSG_MAX);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = IPSEC6_GENL_VERSION;
	return nlh;
}

/* The extended ack's message of an NLMSG_ERROR, if there is one. */
static void nl_extack(const struct nlmsghdr *nlh, char *err, size_t errlen)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	size_t off;
	int len;

	if (!err || !errlen || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* With NETLINK_CAP_ACK the request is not echoed back. */
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (off > mnl_nlmsg_get_payload_len(nlh))
		return;
	len = mnl_nlmsg_get_payload_len(nlh) - off;
	for (a = (const void *)((const char *)e + off); mnl_attr_ok(a, len);
	     a = mnl_attr_next(a)) {
		len -= MNL_ALIGN(a->nla_len);
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0) {
			snprintf(err, errlen, "%s", mnl_attr_get_str(a));
			return;
		}
	}
}

/*
 * Reads the answer to request @seq: 1 more to come, 0 done, <0 -errno.
 * Messages of other sequence numbers (a request that timed out) are
 * skipped.  A dump flagged NLM_F_DUMP_INTR is read to its end and then
 * reported as -EINTR.
 */
static int nl_recv_one(ipsec6_nl_t *nl, uint32_t seq, ipsec6_nl_cb_t cb,
		       void *data, bool *intr, char *err, size_t errlen)
{
	const struct nlmsghdr *nlh;
	int len;

	len = mnl_socket_recvfrom(nl->req, nl->rbuf, NL_RECV_BUF);
	if (len < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	for (nlh = (const struct nlmsghdr *)nl->rbuf; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != nl->portid)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			*intr = true;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (e->error)
				nl_extack(nlh, err, errlen);
			return e->error;
		}
		if (nlh->nlmsg_type == NLMSG_DONE)
			return *intr ? -EINTR : 0;
		if (nlh->nlmsg_type == nl->family && cb && !*intr)
			cb(nlh, data);
	}
	return 1;
}

static int nl_send_locked(ipsec6_nl_t *nl, struct nlmsghdr *nlh,
			  ipsec6_nl_cb_t cb, void *data, char *err,
			  size_t errlen)
{
	bool intr = false;
	int rc;

	nlh->nlmsg_seq = ++nl->seq;
	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->req, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		rc = nl_recv_one(nl, nlh->nlmsg_seq, cb, data, &intr, err,
				 errlen);
	} while (rc > 0);
	return rc;
}

/* CTRL_CMD_GETFAMILY's answer: id, maxattr, the ops, the events group. */
static void nl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	ipsec6_nl_t *nl = data;
	const struct nlattr *a, *b, *c;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			nl->family = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_MAXATTR:
			nl->maxattr = mnl_attr_get_u32(a);
			break;
		case CTRL_ATTR_OPS:
			mnl_attr_for_each_nested(b, a) {
				mnl_attr_for_each_nested(c, b) {
					uint32_t op;

					if (mnl_attr_get_type(c) != CTRL_ATTR_OP_ID)
						continue;
					op = mnl_attr_get_u32(c);
					if (op < 64)
						nl->ops |= 1ULL << op;
				}
			}
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(b, a) {
				const char *name = NULL;
				uint32_t id = 0;

				mnl_attr_for_each_nested(c, b) {
					if (mnl_attr_get_type(c) == CTRL_ATTR_MCAST_GRP_NAME)
						name = mnl_attr_get_str(c);
					else if (mnl_attr_get_type(c) == CTRL_ATTR_MCAST_GRP_ID)
						id = mnl_attr_get_u32(c);
				}
				if (name && streq(name, IPSEC6_MCGRP_EVENTS))
					nl->group = id;
			}
			break;
		}
	}
}

static bool nl_resolve_locked(ipsec6_nl_t *nl)
{
	char buf[IPSEC6_NL_MSG_MAX], err[256] = "";
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int rc;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, IPSEC6_GENL_NAME);

	/* The controller answers with its own family id in nlmsg_type. */
	nl->family = GENL_ID_CTRL;
	nl->ops = 0;
	rc = nl_send_locked(nl, nlh, nl_family_cb, nl, err, sizeof(err));
	if (rc || nl->family == GENL_ID_CTRL || !nl->group) {
		DBG1(DBG_KNL, "ipsec6: generic netlink family '%s' not found "
		     "(%s%s%s): is the ipsec6 module loaded?", IPSEC6_GENL_NAME,
		     rc ? strerror(-rc) : "no events group", *err ? ": " : "",
		     err);
		nl->family = 0;
		return false;
	}
	if (mnl_socket_setsockopt(nl->ev, NETLINK_ADD_MEMBERSHIP, &nl->group,
				  sizeof(nl->group)) < 0) {
		DBG1(DBG_KNL, "ipsec6: joining the events group failed: %s",
		     strerror(errno));
		nl->family = 0;
		return false;
	}
	DBG2(DBG_KNL, "ipsec6: family %u, events group %u, ops 0x%llx",
	     nl->family, nl->group, (unsigned long long)nl->ops);
	nl->ready = true;
	return true;
}

bool ipsec6_nl_ready(ipsec6_nl_t *nl)
{
	bool ready;

	nl->lock->lock(nl->lock);
	ready = nl->ready || nl_resolve_locked(nl);
	nl->lock->unlock(nl->lock);
	return ready;
}

bool ipsec6_nl_has_cmd(ipsec6_nl_t *nl, uint8_t cmd)
{
	return cmd < 64 && (nl->ops & (1ULL << cmd));
}

uint32_t ipsec6_nl_maxattr(ipsec6_nl_t *nl)
{
	return nl->maxattr;
}

int ipsec6_nl_send(ipsec6_nl_t *nl, struct nlmsghdr *nlh, ipsec6_nl_cb_t cb,
		   void *data, char *err, size_t errlen)
{
	int rc;

	if (err && errlen)
		*err = '\0';
	if (!ipsec6_nl_ready(nl))
		return -ENOENT;
	nl->lock->lock(nl->lock);
	nlh->nlmsg_type = nl->family;
	rc = nl_send_locked(nl, nlh, cb, data, err, errlen);
	nl->lock->unlock(nl->lock);
	return rc;
}

int ipsec6_nl_event_fd(ipsec6_nl_t *nl)
{
	return mnl_socket_get_fd(nl->ev);
}

void ipsec6_nl_event_read(ipsec6_nl_t *nl, ipsec6_nl_cb_t cb, void *data)
{
	const struct nlmsghdr *nlh;
	int len;

	for (;;) {
		len = recv(mnl_socket_get_fd(nl->ev), nl->ebuf, NL_RECV_BUF,
			   MSG_DONTWAIT);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				DBG1(DBG_KNL, "ipsec6: events lost (socket "
				     "buffer full)");
				continue;
			}
			if (errno != EAGAIN)
				DBG1(DBG_KNL, "ipsec6: reading events failed: "
				     "%s", strerror(errno));
			return;
		}
		for (nlh = (const struct nlmsghdr *)nl->ebuf;
		     mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nl->ready && nlh->nlmsg_type == nl->family)
				cb(nlh, data);
		}
	}
}

ipsec6_nl_t *ipsec6_nl_create(void)
{
	struct timeval tv = { .tv_sec = NL_TIMEOUT_S };
	int fd, size = NL_EVENT_RCVBUF;
	ipsec6_nl_t *nl;

	INIT(nl,
		.lock = mutex_create(MUTEX_TYPE_DEFAULT),
		.req = nl_socket_open(),
		.ev = nl_socket_open(),
		.rbuf = malloc(NL_RECV_BUF),
		.ebuf = malloc(NL_RECV_BUF),
	);
	if (!nl->req || !nl->ev) {
		DBG1(DBG_KNL, "ipsec6: opening a generic netlink socket "
		     "failed: %s", strerror(errno));
		ipsec6_nl_destroy(nl);
		return NULL;
	}
	nl->portid = mnl_socket_get_portid(nl->req);
	setsockopt(mnl_socket_get_fd(nl->req), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	fd = mnl_socket_get_fd(nl->ev);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	ipsec6_nl_ready(nl);
	return nl;
}

void ipsec6_nl_destroy(ipsec6_nl_t *nl)
{
	if (!nl)
		return;
	if (nl->req)
		mnl_socket_close(nl->req);
	if (nl->ev)
		mnl_socket_close(nl->ev);
	free(nl->rbuf);
	free(nl->ebuf);
	nl->lock->destroy(nl->lock);
	free(nl);
}
