// SPDX-License-Identifier: GPL-2.0
/*
 * nlprobe - time single configuration changes the way an IKE daemon makes
 * them: one request per policy or SA, each its own change set, on one
 * netlink socket kept open (no process start-up in the figure).
 *
 *   nlprobe STACK WORK COUNT [FIRST]
 *
 *   STACK  ipsec6 (the module's generic netlink family) or xfrm (NETLINK_XFRM)
 *   WORK   policy-add, policy-del: COUNT outbound /128 policies, one request
 *          each (del removes what policy-add FIRST.. made)
 *          sa-add, sa-del: COUNT ESP AES-GCM SAs
 *          tunnel: COUNT tunnels, each 2 SAs and 2 policies (out, in) sent
 *          as 4 requests, as strongSwan installs a CHILD_SA
 *          tunnel-del: removes what tunnel FIRST.. made, 4 requests each
 *          load-policies, load-sas: what policy-add/sa-add make, to fill
 *          the tables; ipsec6 in one transaction (TXN_BEGIN .. TXN_COMMIT,
 *          the way "ipsec6ctl -batch" loads), XFRM one request after the
 *          other (it has no transactions)
 *   FIRST  number of the first object (default 1): peer i is
 *          2001:db8:ff00::/40 + i, so runs on top of each other do not clash
 *
 * Prints one line per block of 1000 objects (or fewer at the end):
 *   "WORK<TAB>block<TAB>objects<TAB>mean_us<TAB>max_us<TAB>median_us<TAB>p90_us"
 * and a last line "WORK<TAB>all<TAB>COUNT<TAB>..." over every object.  The
 * median is the robust figure on a machine where the guest's CPU is taken
 * away now and then (a request that waited for the host shows up in the
 * mean and the maximum).  A failed request ends the run with its error
 * (and the extack text).
 *
 * Then, where the time of single requests went (the tail), one line per
 * kind of request (sa-add, sa-del, policy-add, policy-del):
 *   "WORK<TAB>req:KIND<TAB>requests<TAB>mean_us<TAB>max_us<TAB>median_us<TAB>
 *    p90_us<TAB>p99_us<TAB>p999_us<TAB>share_slow"
 * share_slow: the share of the kind's time spent in requests that took
 * more than 4 times its median.  With NLPROBE_RAW=FILE set, every request
 * also goes to FILE at the end as "unit<TAB>kind<TAB>us<TAB>start_ms" (start: since
 * the first request, whose CLOCK_MONOTONIC time a first "# t0" line
 * gives), to see whether slow requests come with the number of objects
 * (table growth) or with the clock (timers, the host), and to match them
 * with a trace (perf record -k CLOCK_MONOTONIC, ftrace's mono clock).
 *
 * IPv6 only; the local address is 2001:db8::1.  Built by scripts/bench.sh.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "../../module/uapi/ipsec6.h"

#define BLOCK	1000

enum { REQ_SA_ADD, REQ_SA_DEL, REQ_POL_ADD, REQ_POL_DEL, REQ_KINDS };

static const char *const req_name[REQ_KINDS] = {
	"sa-add", "sa-del", "policy-add", "policy-del",
};

/* Times of single requests, by kind. */
struct req_log {
	double *us;
	uint32_t n, cap;
};

/* One request for NLPROBE_RAW, written out at the end. */
struct req_raw {
	uint32_t unit;
	int kind;
	double start, us;
};

struct probe {
	struct mnl_socket *nl;
	int xfrm;		/* NETLINK_XFRM instead of generic netlink */
	uint16_t family;	/* ipsec6's family id */
	uint32_t seq;
	uint32_t unit;		/* the object number of the current unit */
	int kind;		/* REQ_* of the next request */
	struct req_log req[REQ_KINDS];
	const char *raw;	/* NLPROBE_RAW */
	struct req_raw *rawv;	/* every request, in order */
	uint32_t nraw, capraw;
	char buf[16384];
};

static const uint8_t key[20] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void addr_local(struct in6_addr *a)
{
	inet_pton(AF_INET6, "2001:db8::1", a);
}

/* Peer i: 2001:db8:ff00::/40 plus i in the last 32 bits. */
static void addr_peer(struct in6_addr *a, uint32_t i)
{
	inet_pton(AF_INET6, "2001:db8:ff00::", a);
	a->s6_addr32[3] = htonl(i);
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Send one request and wait for its ack; -errno on a refusal. */
static int probe_send(struct probe *p, struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err;
	const struct nlattr *a;
	int n;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++p->seq;
	if (mnl_socket_sendto(p->nl, nlh, nlh->nlmsg_len) < 0)
		die("send");
	for (;;) {
		n = mnl_socket_recvfrom(p->nl, p->buf, sizeof(p->buf));
		if (n < 0)
			die("recv");
		nlh = (struct nlmsghdr *)p->buf;
		for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_seq != p->seq ||
			    nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			err = mnl_nlmsg_get_payload(nlh);
			if (!err->error)
				return 0;
			mnl_attr_for_each(a, nlh, sizeof(*err) +
					  (nlh->nlmsg_flags & NLM_F_CAPPED ?
					   0 : err->msg.nlmsg_len - sizeof(*nlh)))
				if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
					fprintf(stderr, "nlprobe: %s\n",
						mnl_attr_get_str(a));
			return err->error;
		}
	}
}

static void *grow(void *v, uint32_t n, uint32_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? 2 * *cap : 4096;
	v = realloc(v, *cap * size);
	if (!v)
		die("realloc");
	return v;
}

/* Logged in memory: writing the file now would time its I/O too. */
static void req_add(struct probe *p, double start, double us)
{
	struct req_log *l = &p->req[p->kind];

	l->us = grow(l->us, l->n, &l->cap, sizeof(*l->us));
	l->us[l->n++] = us;
	if (!p->raw)
		return;
	p->rawv = grow(p->rawv, p->nraw, &p->capraw, sizeof(*p->rawv));
	p->rawv[p->nraw++] = (struct req_raw){ p->unit, p->kind, start, us };
}

/* NLPROBE_RAW: every request, then the first one's start. */
static void raw_write(const struct probe *p)
{
	FILE *f = fopen(p->raw, "w");
	uint32_t i;

	if (!f)
		die("NLPROBE_RAW");
	if (p->nraw)
		fprintf(f, "# t0 %.6f s CLOCK_MONOTONIC\n", p->rawv[0].start / 1e6);
	for (i = 0; i < p->nraw; i++)
		fprintf(f, "%u\t%s\t%.1f\t%.3f\n", p->rawv[i].unit,
			req_name[p->rawv[i].kind], p->rawv[i].us,
			(p->rawv[i].start - p->rawv[0].start) / 1e3);
	if (fclose(f))
		die("NLPROBE_RAW");
}

/* Send one request, wait for its ack, log its time; -errno on a refusal. */
static int probe_call(struct probe *p, struct nlmsghdr *nlh)
{
	double start = now_us();
	int err;

	err = probe_send(p, nlh);
	req_add(p, start, now_us() - start);
	return err;
}

static int probe_family(struct probe *p)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p->buf);
	struct genlmsghdr *g;
	struct nlattr *a;
	ssize_t n;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++p->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, IPSEC6_GENL_NAME);
	if (mnl_socket_sendto(p->nl, nlh, nlh->nlmsg_len) < 0)
		die("send");
	n = mnl_socket_recvfrom(p->nl, p->buf, sizeof(p->buf));
	if (n < 0)
		die("recv");
	nlh = (struct nlmsghdr *)p->buf;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return -1;
	mnl_attr_for_each(a, nlh, sizeof(*g))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			return mnl_attr_get_u16(a);
	return -1;
}

static struct nlmsghdr *ipsec6_msg(struct probe *p, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = p->family;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = IPSEC6_GENL_VERSION;
	return nlh;
}

/* Object numbers: policies 2i (out) and 2i+1 (in), SAs likewise. */
static int ipsec6_policy(struct probe *p, uint32_t i, int in, int del)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct in6_addr peer;

	nlh = ipsec6_msg(p, del ? IPSEC6_CMD_POLICY_DEL : IPSEC6_CMD_POLICY_NEW);
	nest = mnl_attr_nest_start(nlh, IPSEC6_A_POLICY);
	mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_INDEX, 0x10000000 + 2 * i + in);
	if (!del) {
		addr_peer(&peer, i);
		mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_DIR,
				in ? IPSEC6_DIR_IN : IPSEC6_DIR_OUT);
		mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_ACTION,
				IPSEC6_ACTION_APPLY);
		mnl_attr_put(nlh, IPSEC6_POLICY_A_REMOTE_START, 16, &peer);
		mnl_attr_put(nlh, IPSEC6_POLICY_A_REMOTE_END, 16, &peer);
		mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_IPSEC_PROTO,
				IPSEC6_PROTO_ESP);
		mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_MODE,
				IPSEC6_MODE_TRANSPORT);
		mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_REQID, i);
	}
	mnl_attr_nest_end(nlh, nest);
	return probe_call(p, nlh);
}

static int ipsec6_sa(struct probe *p, uint32_t i, int in, int del)
{
	struct in6_addr local, peer;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = ipsec6_msg(p, del ? IPSEC6_CMD_SA_DEL : IPSEC6_CMD_SA_NEW);
	nest = mnl_attr_nest_start(nlh, IPSEC6_A_SA);
	mnl_attr_put_u32(nlh, IPSEC6_SA_A_INDEX, 0x10000000 + 2 * i + in);
	if (!del) {
		addr_local(&local);
		addr_peer(&peer, i);
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_SPI, 0x10000000 + 2 * i + in);
		mnl_attr_put_u8(nlh, IPSEC6_SA_A_PROTO, IPSEC6_PROTO_ESP);
		mnl_attr_put_u8(nlh, IPSEC6_SA_A_MODE, IPSEC6_MODE_TRANSPORT);
		mnl_attr_put(nlh, IPSEC6_SA_A_SRC, 16, in ? &peer : &local);
		mnl_attr_put(nlh, IPSEC6_SA_A_DST, 16, in ? &local : &peer);
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_REQID, i);
		mnl_attr_put_strz(nlh, IPSEC6_SA_A_AEAD_NAME,
				  "rfc4106(gcm(aes))");
		mnl_attr_put(nlh, IPSEC6_SA_A_AEAD_KEY, sizeof(key), key);
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_ICV_LEN, 128);
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_REPLAY_WINDOW, 64);
	}
	mnl_attr_nest_end(nlh, nest);
	return probe_call(p, nlh);
}

static void xfrm_sel(struct xfrm_selector *sel, uint32_t i, int in)
{
	struct in6_addr local, peer;

	addr_local(&local);
	addr_peer(&peer, i);
	memcpy(&sel->daddr, in ? &local : &peer, 16);
	memcpy(&sel->saddr, in ? &peer : &local, 16);
	sel->family = AF_INET6;
	sel->prefixlen_d = 128;
	sel->prefixlen_s = 128;
}

static int xfrm_policy(struct probe *p, uint32_t i, int in, int del)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p->buf);
	struct xfrm_userpolicy_info *pi;
	struct xfrm_userpolicy_id *id;
	struct xfrm_user_tmpl t;

	if (del) {
		nlh->nlmsg_type = XFRM_MSG_DELPOLICY;
		id = mnl_nlmsg_put_extra_header(nlh, sizeof(*id));
		xfrm_sel(&id->sel, i, in);
		id->dir = in ? XFRM_POLICY_IN : XFRM_POLICY_OUT;
		return probe_call(p, nlh);
	}
	nlh->nlmsg_type = XFRM_MSG_NEWPOLICY;
	pi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pi));
	xfrm_sel(&pi->sel, i, in);
	pi->lft.soft_byte_limit = XFRM_INF;
	pi->lft.hard_byte_limit = XFRM_INF;
	pi->lft.soft_packet_limit = XFRM_INF;
	pi->lft.hard_packet_limit = XFRM_INF;
	pi->dir = in ? XFRM_POLICY_IN : XFRM_POLICY_OUT;
	pi->action = XFRM_POLICY_ALLOW;
	memset(&t, 0, sizeof(t));
	t.id.proto = IPPROTO_ESP;
	t.family = AF_INET6;
	t.reqid = i;
	t.mode = XFRM_MODE_TRANSPORT;
	t.aalgos = t.ealgos = t.calgos = ~0U;
	mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t), &t);
	return probe_call(p, nlh);
}

static int xfrm_sa(struct probe *p, uint32_t i, int in, int del)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p->buf);
	struct in6_addr local, peer;
	struct xfrm_usersa_info *si;
	struct xfrm_usersa_id *id;
	struct {
		struct xfrm_algo_aead a;
		uint8_t key[sizeof(key)];
	} alg;

	addr_local(&local);
	addr_peer(&peer, i);
	if (del) {
		nlh->nlmsg_type = XFRM_MSG_DELSA;
		id = mnl_nlmsg_put_extra_header(nlh, sizeof(*id));
		memcpy(&id->daddr, in ? &local : &peer, 16);
		id->spi = htonl(0x10000000 + 2 * i + in);
		id->family = AF_INET6;
		id->proto = IPPROTO_ESP;
		return probe_call(p, nlh);
	}
	nlh->nlmsg_type = XFRM_MSG_NEWSA;
	si = mnl_nlmsg_put_extra_header(nlh, sizeof(*si));
	memcpy(&si->id.daddr, in ? &local : &peer, 16);
	memcpy(&si->saddr, in ? &peer : &local, 16);
	si->id.spi = htonl(0x10000000 + 2 * i + in);
	si->id.proto = IPPROTO_ESP;
	si->family = AF_INET6;
	si->mode = XFRM_MODE_TRANSPORT;
	si->reqid = i;
	si->replay_window = 64;
	si->lft.soft_byte_limit = XFRM_INF;
	si->lft.hard_byte_limit = XFRM_INF;
	si->lft.soft_packet_limit = XFRM_INF;
	si->lft.hard_packet_limit = XFRM_INF;
	memset(&alg, 0, sizeof(alg));
	strcpy(alg.a.alg_name, "rfc4106(gcm(aes))");
	alg.a.alg_key_len = 8 * sizeof(key);
	alg.a.alg_icv_len = 128;
	memcpy(alg.key, key, sizeof(key));
	mnl_attr_put(nlh, XFRMA_ALG_AEAD, sizeof(alg), &alg);
	return probe_call(p, nlh);
}

static int do_policy(struct probe *p, uint32_t i, int in, int del)
{
	p->kind = del ? REQ_POL_DEL : REQ_POL_ADD;
	return p->xfrm ? xfrm_policy(p, i, in, del) : ipsec6_policy(p, i, in, del);
}

static int do_sa(struct probe *p, uint32_t i, int in, int del)
{
	p->kind = del ? REQ_SA_DEL : REQ_SA_ADD;
	return p->xfrm ? xfrm_sa(p, i, in, del) : ipsec6_sa(p, i, in, del);
}

/* TXN_BEGIN, or TXN_COMMIT naming the number of requests in between. */
static int ipsec6_txn(struct probe *p, int commit, uint32_t requests)
{
	struct nlmsghdr *nlh;

	nlh = ipsec6_msg(p, commit ? IPSEC6_CMD_TXN_COMMIT :
			 IPSEC6_CMD_TXN_BEGIN);
	if (commit)
		mnl_attr_put_u32(nlh, IPSEC6_A_TXN_REQUESTS, requests);
	return probe_send(p, nlh);
}

/* One unit of WORK for object @i: 1 request, or 4 for a tunnel. */
static int do_unit(struct probe *p, const char *work, uint32_t i)
{
	int err, del;

	if (!strcmp(work, "policy-add") || !strcmp(work, "load-policies"))
		return do_policy(p, i, 0, 0);
	if (!strcmp(work, "policy-del"))
		return do_policy(p, i, 0, 1);
	if (!strcmp(work, "sa-add") || !strcmp(work, "load-sas"))
		return do_sa(p, i, 0, 0);
	if (!strcmp(work, "sa-del"))
		return do_sa(p, i, 0, 1);
	del = !strcmp(work, "tunnel-del");
	err = do_sa(p, i, 1, del);
	if (!err)
		err = do_sa(p, i, 0, del);
	if (!err)
		err = do_policy(p, i, 0, del);
	if (!err)
		err = do_policy(p, i, 1, del);
	return err;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Mean, maximum, median and 90th percentile of @n samples (sorted here). */
static void report(const char *work, const char *what, double *v, uint32_t n)
{
	double sum = 0;
	uint32_t i;

	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp_double);
	for (i = 0; i < n; i++)
		sum += v[i];
	printf("%s\t%s\t%u\t%.1f\t%.1f\t%.1f\t%.1f\n", work, what, n,
	       sum / n, v[n - 1], v[n / 2], v[n * 9 / 10]);
}

/* Percentiles of each kind of request, and the share of slow ones. */
static void report_reqs(const char *work, struct probe *p)
{
	double sum, slow, *v;
	uint32_t i, k, n;

	for (k = 0; k < REQ_KINDS; k++) {
		n = p->req[k].n;
		v = p->req[k].us;
		if (!n)
			continue;
		qsort(v, n, sizeof(*v), cmp_double);
		sum = slow = 0;
		for (i = 0; i < n; i++) {
			sum += v[i];
			if (v[i] > 4 * v[n / 2])
				slow += v[i];
		}
		printf("%s\treq:%s\t%u\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.3f\n",
		       work, req_name[k], n, sum / n, v[n - 1], v[n / 2],
		       v[(uint64_t)n * 9 / 10], v[(uint64_t)n * 99 / 100],
		       v[(uint64_t)n * 999 / 1000], sum ? slow / sum : 0);
		free(v);
	}
}

int main(int argc, char **argv)
{
	double t, *all, block_v[BLOCK];
	const char *work;
	uint32_t i, count, first = 1, nb = 0, block = 0;
	struct probe *p;
	int err, load;

	if (argc < 4 || (strcmp(argv[1], "ipsec6") && strcmp(argv[1], "xfrm"))) {
		fprintf(stderr, "usage: nlprobe ipsec6|xfrm policy-add|policy-del|sa-add|sa-del|tunnel|tunnel-del|load-policies|load-sas COUNT [FIRST]\n");
		return 2;
	}
	work = argv[2];
	load = !strncmp(work, "load-", 5);
	if (strcmp(work, "policy-add") && strcmp(work, "policy-del") &&
	    strcmp(work, "sa-add") && strcmp(work, "sa-del") &&
	    strcmp(work, "tunnel") && strcmp(work, "tunnel-del") &&
	    strcmp(work, "load-policies") &&
	    strcmp(work, "load-sas")) {
		fprintf(stderr, "nlprobe: unknown work '%s'\n", work);
		return 2;
	}
	count = strtoul(argv[3], NULL, 0);
	if (argc > 4)
		first = strtoul(argv[4], NULL, 0);
	p = calloc(1, sizeof(*p));
	all = calloc(count + 2, sizeof(*all));
	if (!p || !all)
		die("calloc");
	p->xfrm = !strcmp(argv[1], "xfrm");
	p->raw = getenv("NLPROBE_RAW");
	p->nl = mnl_socket_open(p->xfrm ? NETLINK_XFRM : NETLINK_GENERIC);
	if (!p->nl || mnl_socket_bind(p->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink");
	if (!p->xfrm) {
		err = probe_family(p);
		if (err < 0) {
			fprintf(stderr, "nlprobe: no ipsec6 family (module loaded?)\n");
			return 1;
		}
		p->family = err;
	}
	if (load && !p->xfrm && ipsec6_txn(p, 0, 0)) {
		fprintf(stderr, "nlprobe: TXN_BEGIN failed\n");
		return 1;
	}
	for (i = first; i < first + count; i++) {
		p->unit = i;
		t = now_us();
		err = do_unit(p, work, i);
		t = now_us() - t;
		if (err) {
			fprintf(stderr, "nlprobe: %s %u: %s\n", work, i,
				strerror(-err));
			return 1;
		}
		all[i - first] = t;
		block_v[nb] = t;
		if (++nb == BLOCK || i + 1 == first + count) {
			char name[16];

			snprintf(name, sizeof(name), "%u", block++);
			report(work, name, block_v, nb);
			nb = 0;
		}
	}
	if (load && !p->xfrm) {
		t = now_us();
		err = ipsec6_txn(p, 1, count);
		if (err) {
			fprintf(stderr, "nlprobe: TXN_COMMIT: %s\n",
				strerror(-err));
			return 1;
		}
		/* the commit counts as one more request */
		all[count++] = now_us() - t;
	}
	report(work, "all", all, count);
	report_reqs(work, p);
	if (p->raw)
		raw_write(p);
	free(p->rawv);
	free(all);
	mnl_socket_close(p->nl);
	free(p);
	return 0;
}
