// SPDX-License-Identifier: GPL-2.0
/*
 * kernel_ipsec_t on ipsec6: the object, the module's events turned into
 * charon's expire (and acquire) callbacks, the daemon's own IKE traffic
 * kept out of IPsec, and start-up clean-up of what an earlier charon left.
 *
 * Nothing here touches XFRM: no XFRM socket, no per-socket policy, no
 * UDP_ENCAP socket option.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include <daemon.h>
#include <processing/watcher.h>
#include <utils/debug.h>

#include "ipsec6.h"
#include "kernel_ipsec6_ipsec.h"

/* Indexes the plugin picks itself (a module that cannot assign them). */
#define INDEX_MIN	0x40000000u
#define INDEX_MAX	0x7fffffffu

/* The priority of the IKE bypass policies: before anything charon adds. */
#define BYPASS_PRIORITY	0

int kernel_ipsec6_request(private_kernel_ipsec6_t *this, struct nlmsghdr *nlh,
			  ipsec6_nl_cb_t cb, void *data, const char *what)
{
	char err[256];
	int rc;

	rc = ipsec6_nl_send(this->nl, nlh, cb, data, err, sizeof(err));
	if (rc)
		DBG1(DBG_KNL, "ipsec6: %s failed: %s%s%s", what, strerror(-rc),
		     *err ? ": " : "", err);
	return rc;
}

bool kernel_ipsec6_addr(host_t *host, struct in6_addr *addr)
{
	chunk_t a;

	if (!host || host->get_family(host) != AF_INET6)
		return false;
	a = host->get_address(host);
	if (a.len != sizeof(*addr))
		return false;
	memcpy(addr, a.ptr, sizeof(*addr));
	return true;
}

uint32_t kernel_ipsec6_index(private_kernel_ipsec6_t *this)
{
	uint32_t r = 0;

	/* Random, so that a restarted charon does not retrace its steps. */
	if (!this->rng->get_bytes(this->rng, sizeof(r), (void *)&r))
		r = ++this->last_index;
	this->last_index = INDEX_MIN + r % (INDEX_MAX - INDEX_MIN + 1);
	return this->last_index;
}

time_t kernel_ipsec6_monotonic(uint64_t wallclock)
{
	time_t now = time(NULL);

	if (!wallclock)
		return 0;
	return time_monotonic(NULL) - (now - (time_t)wallclock);
}

METHOD(kernel_ipsec_t, get_features, kernel_feature_t,
	private_kernel_ipsec6_t *this)
{
	/*
	 * Not KERNEL_POLICY_SPI: the module sends on the newest SA that fits
	 * a policy, so charon must add a rekeyed outbound SA only once the
	 * peer has its inbound one (it does so without this feature).
	 */
	return 0;
}

/* ---- events --------------------------------------------------------- */

static void process_expire(private_kernel_ipsec6_t *this,
			   const struct nlmsghdr *nlh)
{
	const struct nlattr *a, *b;
	uint8_t kind = 0, proto = 0;
	struct in6_addr dst;
	bool has_dst = false;
	uint32_t spi = 0;
	host_t *host;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == IPSEC6_A_EXPIRE) {
			kind = mnl_attr_get_u8(a);
			continue;
		}
		if (mnl_attr_get_type(a) != IPSEC6_A_SA)
			continue;
		mnl_attr_for_each_nested(b, a) {
			switch (mnl_attr_get_type(b)) {
			case IPSEC6_SA_A_SPI:
				spi = mnl_attr_get_u32(b);
				break;
			case IPSEC6_SA_A_PROTO:
				proto = mnl_attr_get_u8(b);
				break;
			case IPSEC6_SA_A_DST:
				if (mnl_attr_get_payload_len(b) != sizeof(dst))
					break;
				memcpy(&dst, mnl_attr_get_payload(b),
				       sizeof(dst));
				has_dst = true;
				break;
			}
		}
	}
	if (!spi || !has_dst || !kind ||
	    (proto != IPPROTO_ESP && proto != IPPROTO_AH))
		return;
	host = host_create_from_chunk(AF_INET6, chunk_from_thing(dst), 0);
	if (!host)
		return;
	DBG2(DBG_KNL, "ipsec6: SA %.8x to %H expired (%s)", spi, host,
	     kind == IPSEC6_EXPIRE_SOFT ? "soft" : "hard");
	/* Out of sequence numbers: the SA cannot send, as good as hard. */
	charon->kernel->expire(charon->kernel, proto, htonl(spi), host,
			       kind != IPSEC6_EXPIRE_SOFT);
	host->destroy(host);
}

static void event_cb(const struct nlmsghdr *nlh, void *data)
{
	private_kernel_ipsec6_t *this = data;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	switch (g->cmd) {
	case IPSEC6_CMD_SA_EXPIRED:
		process_expire(this, nlh);
		break;
	default:
		break;
	}
}

CALLBACK(receive_events, bool,
	private_kernel_ipsec6_t *this, int fd, watcher_event_t event)
{
	ipsec6_nl_event_read(this->nl, event_cb, this);
	return TRUE;
}

/* ---- the daemon's own traffic -------------------------------------- */

/*
 * Until the module has SOCKET_BYPASS: two BYPASS policies for the
 * socket's UDP port (outbound from it, inbound to it), ahead of all
 * others.
 */
static bool add_port_bypass(private_kernel_ipsec6_t *this, uint16_t port)
{
	static const uint8_t dirs[] = { IPSEC6_DIR_IN, IPSEC6_DIR_OUT };
	char buf[IPSEC6_NL_MSG_MAX], what[64];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint32_t index;
	unsigned int i;

	snprintf(what, sizeof(what), "adding the bypass policy of UDP port %u",
		 port);
	for (i = 0; i < countof(dirs); i++) {
		index = kernel_ipsec6_index(this);
		nlh = ipsec6_nl_start(this->nl, buf, IPSEC6_CMD_POLICY_NEW, 0);
		nest = mnl_attr_nest_start(nlh, IPSEC6_A_POLICY);
		mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_INDEX, index);
		mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_PRIORITY,
				 BYPASS_PRIORITY);
		mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_DIR, dirs[i]);
		mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_ACTION,
				IPSEC6_ACTION_BYPASS);
		mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_PROTO, IPPROTO_UDP);
		mnl_attr_put_u16(nlh, IPSEC6_POLICY_A_LOCAL_PORT_START, port);
		mnl_attr_put_u16(nlh, IPSEC6_POLICY_A_LOCAL_PORT_END, port);
		mnl_attr_nest_end(nlh, nest);
		if (kernel_ipsec6_request(this, nlh, NULL, NULL, what))
			return false;
		this->bypass->insert_last(this->bypass,
					  (void *)(uintptr_t)index);
	}
	return true;
}

METHOD(kernel_ipsec_t, bypass_socket, bool,
	private_kernel_ipsec6_t *this, int fd, int family)
{
	struct sockaddr_in6 sin6;
	socklen_t len = sizeof(sin6);

	/* IPv4 is not ours: nothing to keep out of ipsec6. */
	if (family != AF_INET6)
		return TRUE;
	if (getsockname(fd, (struct sockaddr *)&sin6, &len) ||
	    sin6.sin6_family != AF_INET6) {
		DBG1(DBG_KNL, "ipsec6: bypass: cannot tell the socket's "
		     "port: %s", strerror(errno));
		return FALSE;
	}
	return add_port_bypass(this, ntohs(sin6.sin6_port));
}

METHOD(kernel_ipsec_t, enable_udp_decap, bool,
	private_kernel_ipsec6_t *this, int fd, int family, uint16_t port)
{
	/*
	 * The module recognises ESP in UDP by the SAs' encapsulation ports;
	 * the socket needs no UDP_ENCAP option (which would hand packets to
	 * XFRM).
	 */
	return TRUE;
}

/* ---- flushing our objects ------------------------------------------ */

struct index_list {
	uint32_t *idx;
	int n, cap;
	uint16_t nest;		/* IPSEC6_A_POLICY or IPSEC6_A_SA */
	uint16_t attr;		/* its INDEX attribute */
};

static void collect_ours_cb(const struct nlmsghdr *nlh, void *data)
{
	struct index_list *l = data;
	const struct nlattr *a, *b;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != l->nest)
			continue;
		mnl_attr_for_each_nested(b, a) {
			uint32_t index;

			if (mnl_attr_get_type(b) != l->attr)
				continue;
			index = mnl_attr_get_u32(b);
			if (index < INDEX_MIN || index > INDEX_MAX)
				continue;
			if (l->n == l->cap) {
				l->cap = l->cap ? 2 * l->cap : 64;
				l->idx = realloc(l->idx,
						 l->cap * sizeof(*l->idx));
			}
			l->idx[l->n++] = index;
		}
	}
}

static bool is_bypass(private_kernel_ipsec6_t *this, uint32_t index)
{
	void *item = (void *)(uintptr_t)index;

	return this->bypass->find_first(this->bypass, NULL, &item);
}

/*
 * Deletes the policies (@policies) or SAs the plugin added, known by their
 * index range while the module has no OWNER.
 */
static status_t flush_ours(private_kernel_ipsec6_t *this, bool policies)
{
	struct index_list l = {
		.nest = policies ? IPSEC6_A_POLICY : IPSEC6_A_SA,
		.attr = policies ? IPSEC6_POLICY_A_INDEX : IPSEC6_SA_A_INDEX,
	};
	uint8_t get = policies ? IPSEC6_CMD_POLICY_GET : IPSEC6_CMD_SA_GET;
	uint8_t del = policies ? IPSEC6_CMD_POLICY_DEL : IPSEC6_CMD_SA_DEL;
	char buf[IPSEC6_NL_MSG_MAX];
	status_t status = SUCCESS;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int i, rc, tries = 0;

	do {
		l.n = 0;
		nlh = ipsec6_nl_start(this->nl, buf, get, NLM_F_DUMP);
		rc = ipsec6_nl_send(this->nl, nlh, collect_ours_cb, &l, NULL,
				    0);
	} while (rc == -EINTR && ++tries < 5);
	if (rc) {
		DBG1(DBG_KNL, "ipsec6: listing %s failed: %s",
		     policies ? "policies" : "SAs", strerror(-rc));
		free(l.idx);
		return FAILED;
	}
	for (i = 0; i < l.n; i++) {
		/* The IKE sockets' bypass policies stay while they are open. */
		if (policies && is_bypass(this, l.idx[i]))
			continue;
		nlh = ipsec6_nl_start(this->nl, buf, del, 0);
		nest = mnl_attr_nest_start(nlh, l.nest);
		mnl_attr_put_u32(nlh, l.attr, l.idx[i]);
		mnl_attr_nest_end(nlh, nest);
		rc = kernel_ipsec6_request(this, nlh, NULL, NULL,
					   policies ? "flushing a policy" :
					   "flushing an SA");
		if (rc && rc != -ENOENT)
			status = FAILED;
	}
	if (l.n)
		DBG1(DBG_KNL, "ipsec6: flushed %d %s", l.n,
		     policies ? "policies" : "SAs");
	free(l.idx);
	return status;
}

METHOD(kernel_ipsec_t, flush_sas, status_t,
	private_kernel_ipsec6_t *this)
{
	return flush_ours(this, false);
}

METHOD(kernel_ipsec_t, flush_policies, status_t,
	private_kernel_ipsec6_t *this)
{
	return flush_ours(this, true);
}

METHOD(kernel_ipsec_t, destroy, void,
	private_kernel_ipsec6_t *this)
{
	enumerator_t *enumerator;
	char buf[IPSEC6_NL_MSG_MAX];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	void *index;

	if (this->nl) {
		lib->watcher->remove(lib->watcher,
				     ipsec6_nl_event_fd(this->nl));
		enumerator = this->bypass->create_enumerator(this->bypass);
		while (enumerator->enumerate(enumerator, &index)) {
			nlh = ipsec6_nl_start(this->nl, buf,
					      IPSEC6_CMD_POLICY_DEL, 0);
			nest = mnl_attr_nest_start(nlh, IPSEC6_A_POLICY);
			mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_INDEX,
					 (uintptr_t)index);
			mnl_attr_nest_end(nlh, nest);
			kernel_ipsec6_request(this, nlh, NULL, NULL,
					      "deleting a bypass policy");
		}
		enumerator->destroy(enumerator);
	}
	kernel_ipsec6_policy_destroy(this);
	this->bypass->destroy(this->bypass);
	DESTROY_IF(this->rng);
	ipsec6_nl_destroy(this->nl);
	free(this);
}

kernel_ipsec_t *kernel_ipsec6_ipsec_create(void)
{
	private_kernel_ipsec6_t *this;

	INIT(this,
		.public = {
			.get_features = _get_features,
			.flush_sas = _flush_sas,
			.flush_policies = _flush_policies,
			.bypass_socket = _bypass_socket,
			.enable_udp_decap = _enable_udp_decap,
			.destroy = _destroy,
		},
		.owner = lib->settings->get_int(lib->settings,
				"%s.plugins.kernel-ipsec6.owner",
				KERNEL_IPSEC6_OWNER, lib->ns),
		.install_routes = lib->settings->get_bool(lib->settings,
				"%s.install_routes", TRUE, lib->ns),
		.bypass = linked_list_create(),
		.rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK),
	);
	kernel_ipsec6_sa_init(this);
	kernel_ipsec6_policy_init(this);
	if (!this->rng) {
		DBG1(DBG_KNL, "ipsec6: no RNG");
		destroy(this);
		return NULL;
	}
	this->nl = ipsec6_nl_create();
	if (!this->nl) {
		destroy(this);
		return NULL;
	}
	/* What a charon killed before us left behind. */
	if (ipsec6_nl_ready(this->nl)) {
		flush_ours(this, true);
		flush_ours(this, false);
	}
	lib->watcher->add(lib->watcher, ipsec6_nl_event_fd(this->nl),
			  WATCHER_READ, receive_events, this);
	return &this->public;
}
