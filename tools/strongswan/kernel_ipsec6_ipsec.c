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

#ifndef SO_COOKIE
#define SO_COOKIE	57
#endif

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

static void reply_counts(const struct nlattr *a,
			 struct kernel_ipsec6_reply *r)
{
	const struct nlattr *c;

	mnl_attr_for_each_nested(c, a) {
		if (mnl_attr_get_type(c) == IPSEC6_COUNTS_A_PACKETS)
			r->packets = mnl_attr_get_u64(c);
		else if (mnl_attr_get_type(c) == IPSEC6_COUNTS_A_BYTES)
			r->bytes = mnl_attr_get_u64(c);
	}
}

void kernel_ipsec6_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kernel_ipsec6_reply *r = data;
	bool sa = r->nest == IPSEC6_A_SA;
	const struct nlattr *a, *b;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != r->nest)
			continue;
		r->found = true;
		mnl_attr_for_each_nested(b, a) {
			uint16_t type = mnl_attr_get_type(b);

			/* INDEX is 1 in both attribute sets. */
			if (type == IPSEC6_SA_A_INDEX)
				r->index = mnl_attr_get_u32(b);
			else if (sa && type == IPSEC6_SA_A_SPI)
				r->spi = mnl_attr_get_u32(b);
			else if (type == (sa ? IPSEC6_SA_A_OWNER :
					  IPSEC6_POLICY_A_OWNER))
				r->owner = mnl_attr_get_u32(b);
			else if (type == (sa ? IPSEC6_SA_A_LAST_USED :
					  IPSEC6_POLICY_A_LAST_USED))
				r->last_used = mnl_attr_get_u64(b);
			else if (type == (sa ? IPSEC6_SA_A_COUNTS :
					  IPSEC6_POLICY_A_COUNTS))
				reply_counts(b, r);
		}
	}
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

static bool nest_addr(const struct nlattr *a, struct in6_addr *addr)
{
	if (mnl_attr_get_payload_len(a) != sizeof(*addr))
		return false;
	memcpy(addr, mnl_attr_get_payload(a), sizeof(*addr));
	return true;
}

/* SA_EXPIRED: soft or hard (or out of sequence numbers) for one SA. */
static void process_expire(private_kernel_ipsec6_t *this,
			   const struct nlmsghdr *nlh)
{
	const struct nlattr *a, *b;
	uint8_t kind = 0, proto = 0;
	uint32_t spi = 0, owner = 0;
	struct in6_addr dst;
	bool has_dst = false;
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
			case IPSEC6_SA_A_OWNER:
				owner = mnl_attr_get_u32(b);
				break;
			case IPSEC6_SA_A_DST:
				has_dst = nest_addr(b, &dst);
				break;
			}
		}
	}
	/* Only our SAs: another daemon's (or the admin's) are not charon's. */
	if (owner != this->owner || !spi || !has_dst || !kind ||
	    (proto != IPPROTO_ESP && proto != IPPROTO_AH))
		return;
	host = host_create_from_chunk(AF_INET6, chunk_from_thing(dst), 0);
	if (!host)
		return;
	DBG1(DBG_KNL, "ipsec6: SA %.8x to %H expired (%s)", spi, host,
	     kind == IPSEC6_EXPIRE_SOFT ? "soft" :
	     kind == IPSEC6_EXPIRE_HARD ? "hard" : "sequence numbers");
	/* Out of sequence numbers: the SA cannot send, as good as hard. */
	charon->kernel->expire(charon->kernel, proto, htonl(spi), host,
			       kind != IPSEC6_EXPIRE_SOFT);
	host->destroy(host);
}

/* The packet of an ACQUIRE (IPSEC6_A_FLOW). */
struct flow {
	struct in6_addr src, dst;
	bool has_src, has_dst;
	uint8_t proto;
	uint16_t sport, dport;
	bool ports, icmp;
	uint8_t icmp_type, icmp_code;
};

static void parse_flow(const struct nlattr *a, struct flow *f)
{
	const struct nlattr *b;

	mnl_attr_for_each_nested(b, a) {
		switch (mnl_attr_get_type(b)) {
		case IPSEC6_FLOW_A_SRC:
			f->has_src = nest_addr(b, &f->src);
			break;
		case IPSEC6_FLOW_A_DST:
			f->has_dst = nest_addr(b, &f->dst);
			break;
		case IPSEC6_FLOW_A_PROTO:
			f->proto = mnl_attr_get_u8(b);
			break;
		case IPSEC6_FLOW_A_SPORT:
			f->sport = mnl_attr_get_u16(b);
			f->ports = true;
			break;
		case IPSEC6_FLOW_A_DPORT:
			f->dport = mnl_attr_get_u16(b);
			f->ports = true;
			break;
		case IPSEC6_FLOW_A_ICMP_TYPE:
			f->icmp_type = mnl_attr_get_u8(b);
			f->icmp = true;
			break;
		case IPSEC6_FLOW_A_ICMP_CODE:
			f->icmp_code = mnl_attr_get_u8(b);
			break;
		}
	}
}

/*
 * One side of the packet as a traffic selector, as kernel-netlink makes
 * them from XFRM's acquire: the address alone, the protocol, the port (or
 * ICMPv6 type and code in charon's port encoding) if the packet has one.
 */
static traffic_selector_t *flow_ts(struct flow *f, bool src)
{
	struct in6_addr *addr = src ? &f->src : &f->dst;
	uint16_t port = 0, to = 0xffff;
	host_t *host;
	traffic_selector_t *ts;

	if (f->icmp) {
		port = to = f->icmp_type << 8 | f->icmp_code;
	} else if (f->ports) {
		port = to = src ? f->sport : f->dport;
		if (!port)
			to = 0xffff;
	}
	host = host_create_from_chunk(AF_INET6, chunk_create((u_char *)addr,
							     sizeof(*addr)), 0);
	if (!host)
		return NULL;
	ts = traffic_selector_create_from_subnet(host, 128, f->proto, port,
						 to);
	return ts;
}

/* ACQUIRE: a packet under one of our APPLY policies found no SA. */
static void process_acquire(private_kernel_ipsec6_t *this,
			    const struct nlmsghdr *nlh)
{
	kernel_acquire_data_t data = {};
	const struct nlattr *a, *b;
	uint32_t reqid = 0, owner = 0;
	struct flow f = {};

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == IPSEC6_A_FLOW) {
			parse_flow(a, &f);
			continue;
		}
		if (mnl_attr_get_type(a) != IPSEC6_A_POLICY)
			continue;
		mnl_attr_for_each_nested(b, a) {
			if (mnl_attr_get_type(b) == IPSEC6_POLICY_A_REQID)
				reqid = mnl_attr_get_u32(b);
			else if (mnl_attr_get_type(b) == IPSEC6_POLICY_A_OWNER)
				owner = mnl_attr_get_u32(b);
		}
	}
	if (owner != this->owner || !reqid)
		return;
	if (f.has_src && f.has_dst) {
		data.src = flow_ts(&f, true);
		data.dst = flow_ts(&f, false);
	}
	DBG1(DBG_KNL, "ipsec6: acquire for reqid %u: %R === %R", reqid,
	     data.src, data.dst);
	charon->kernel->acquire(charon->kernel, reqid, &data);
	DESTROY_IF(data.src);
	DESTROY_IF(data.dst);
}

static void event_cb(const struct nlmsghdr *nlh, void *data)
{
	private_kernel_ipsec6_t *this = data;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	switch (g->cmd) {
	case IPSEC6_CMD_SA_EXPIRED:
		process_expire(this, nlh);
		break;
	case IPSEC6_CMD_ACQUIRE:
		process_acquire(this, nlh);
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

static bool register_cookie(private_kernel_ipsec6_t *this, uint64_t cookie)
{
	char buf[IPSEC6_NL_MSG_MAX];
	struct nlmsghdr *nlh;

	nlh = ipsec6_nl_start(this->nl, buf, IPSEC6_CMD_SOCKET_BYPASS, 0);
	mnl_attr_put_u64(nlh, IPSEC6_A_SOCKET_COOKIE, cookie);
	mnl_attr_put_u32(nlh, IPSEC6_A_OWNER, this->owner);
	return !kernel_ipsec6_request(this, nlh, NULL, NULL,
				      "bypassing the IKE socket");
}

/* After a flush with our OWNER, which took our cookies along. */
static void register_cookies(private_kernel_ipsec6_t *this)
{
	enumerator_t *enumerator;
	uint64_t *cookie;

	this->bypass_lock->lock(this->bypass_lock);
	enumerator = this->bypass->create_enumerator(this->bypass);
	while (enumerator->enumerate(enumerator, &cookie))
		register_cookie(this, *cookie);
	enumerator->destroy(enumerator);
	this->bypass_lock->unlock(this->bypass_lock);
}

METHOD(kernel_ipsec_t, bypass_socket, bool,
	private_kernel_ipsec6_t *this, int fd, int family)
{
	socklen_t len = sizeof(uint64_t);
	uint64_t cookie;
	bool ok;

	/* IPv4 is not ours: nothing to keep out of ipsec6. */
	if (family != AF_INET6)
		return TRUE;
	if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len) ||
	    len != sizeof(cookie)) {
		DBG1(DBG_KNL, "ipsec6: bypass: cannot read the socket's "
		     "SO_COOKIE: %s", strerror(errno));
		return FALSE;
	}
	this->bypass_lock->lock(this->bypass_lock);
	ok = register_cookie(this, cookie);
	if (ok)
		this->bypass->insert_last(this->bypass,
					  memcpy(malloc(sizeof(cookie)),
						 &cookie, sizeof(cookie)));
	this->bypass_lock->unlock(this->bypass_lock);
	DBG2(DBG_KNL, "ipsec6: IKE socket %d (cookie %llu) bypasses the SPD",
	     fd, (unsigned long long)cookie);
	return ok;
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

/* POLICY_FLUSH or SA_FLUSH of the objects with our OWNER. */
static status_t flush_ours(private_kernel_ipsec6_t *this, bool policies)
{
	char buf[IPSEC6_NL_MSG_MAX];
	struct nlmsghdr *nlh;
	int rc;

	nlh = ipsec6_nl_start(this->nl, buf, policies ?
			      IPSEC6_CMD_POLICY_FLUSH : IPSEC6_CMD_SA_FLUSH, 0);
	mnl_attr_put_u32(nlh, IPSEC6_A_OWNER, this->owner);
	rc = kernel_ipsec6_request(this, nlh, NULL, NULL, policies ?
				   "flushing our policies" :
				   "flushing our SAs");
	/* The flush cleared our IKE sockets' cookies too. */
	register_cookies(this);
	return rc ? FAILED : SUCCESS;
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
	if (this->nl)
		lib->watcher->remove(lib->watcher,
				     ipsec6_nl_event_fd(this->nl));
	kernel_ipsec6_policy_destroy(this);
	this->bypass->destroy_function(this->bypass, free);
	this->bypass_lock->destroy(this->bypass_lock);
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
		.bypass_lock = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	kernel_ipsec6_sa_init(this);
	kernel_ipsec6_policy_init(this);
	this->nl = ipsec6_nl_create();
	if (!this->nl) {
		destroy(this);
		return NULL;
	}
	/*
	 * What a charon killed before us left behind: the policies, SAs
	 * and socket cookies with our OWNER.
	 */
	if (ipsec6_nl_ready(this->nl)) {
		flush_ours(this, true);
		flush_ours(this, false);
	}
	lib->watcher->add(lib->watcher, ipsec6_nl_event_fd(this->nl),
			  WATCHER_READ, receive_events, this);
	return &this->public;
}
