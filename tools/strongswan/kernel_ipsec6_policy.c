// SPDX-License-Identifier: GPL-2.0
/*
 * Policies of the kernel-ipsec6 plugin.
 *
 * charon installs the same policy (direction, selectors, interface) once per
 * CHILD_SA that uses it: during a rekey the old and the new CHILD_SA both
 * hold it, a trap and the CHILD_SA it triggered both hold it.  The module
 * keeps one policy per such key; the plugin counts the users and keeps the
 * kernel policy in step with the user of highest priority (like
 * kernel-netlink): adding a user of higher priority, or removing the one
 * installed, replaces the kernel policy (same index); removing the last
 * user deletes it.  The module picks each policy's index (POLICY_NEW
 * without INDEX answers with the policy); they carry our OWNER.
 *
 * Priorities: lower is first, as in the module and XFRM; the automatic one
 * is kernel-netlink's, so that a configuration orders the same way on
 * both: a base per class (PASS, then IPsec and traps, then FALLBACK), less
 * for longer address prefixes, a protocol, ports and an interface.
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include <daemon.h>
#include <utils/debug.h>

#include "ipsec6.h"
#include "kernel_ipsec6_ipsec.h"

#define PRIO_BASE	200000

/* One CHILD_SA (or trap, or shunt) using a policy. */
typedef struct {
	uint32_t priority;
	uint32_t auto_priority;
	policy_type_t type;
	host_t *src;		/* the SA's addresses (tunnel endpoints) */
	host_t *dst;
	ipsec_sa_cfg_t cfg;
} policy_user_t;

/* A kernel policy and its users, the first installed. */
typedef struct {
	policy_dir_t dir;
	traffic_selector_t *src_ts;
	traffic_selector_t *dst_ts;
	char *interface;
	uint32_t index;		/* 0 while not installed */
	linked_list_t *users;	/* policy_user_t, by priority */
} policy_entry_t;

static void policy_user_destroy(policy_user_t *user)
{
	user->src->destroy(user->src);
	user->dst->destroy(user->dst);
	free(user);
}

static void policy_entry_destroy(policy_entry_t *entry)
{
	if (entry->users)
		entry->users->destroy_function(entry->users,
					       (void *)policy_user_destroy);
	entry->src_ts->destroy(entry->src_ts);
	entry->dst_ts->destroy(entry->dst_ts);
	free(entry->interface);
	free(entry);
}

static u_int policy_hash(const policy_entry_t *key)
{
	u_int hash = chunk_hash(chunk_from_thing(key->dir));

	hash = key->src_ts->hash(key->src_ts, hash);
	hash = key->dst_ts->hash(key->dst_ts, hash);
	if (key->interface)
		hash = chunk_hash_inc(chunk_from_str(key->interface), hash);
	return hash;
}

static bool policy_equals(const policy_entry_t *a, const policy_entry_t *b)
{
	return a->dir == b->dir &&
	       a->src_ts->equals(a->src_ts, b->src_ts) &&
	       a->dst_ts->equals(a->dst_ts, b->dst_ts) &&
	       streq(a->interface ?: "", b->interface ?: "");
}

/* Bits of a port range that are fixed (16 for one port, 0 for any). */
static uint32_t port_bits(traffic_selector_t *ts)
{
	uint16_t from = ts->get_from_port(ts), to = ts->get_to_port(ts);
	uint32_t bits = 0;

	while (bits < 16 && !((from ^ to) & (0x8000 >> bits)))
		bits++;
	return bits;
}

static uint32_t prefix_bits(traffic_selector_t *ts)
{
	host_t *net;
	uint8_t bits = 0;

	ts->to_subnet(ts, &net, &bits);
	net->destroy(net);
	return bits;
}

static uint32_t auto_priority(kernel_ipsec_policy_id_t *id,
			      policy_priority_t prio)
{
	uint32_t priority = PRIO_BASE;

	switch (prio) {
	case POLICY_PRIORITY_FALLBACK:
		priority += PRIO_BASE;
		/* fall through */
	case POLICY_PRIORITY_ROUTED:
	case POLICY_PRIORITY_DEFAULT:
		priority += PRIO_BASE;
		/* fall through */
	case POLICY_PRIORITY_PASS:
		break;
	}
	priority -= (prefix_bits(id->src_ts) + prefix_bits(id->dst_ts)) * 512;
	if (id->src_ts->get_protocol(id->src_ts) ||
	    id->dst_ts->get_protocol(id->dst_ts))
		priority -= 256;
	priority -= (port_bits(id->src_ts) + port_bits(id->dst_ts)) * 4;
	priority -= (id->interface != NULL) * 2;
	priority -= prio != POLICY_PRIORITY_ROUTED;
	return priority;
}

static bool is_port_proto(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP || proto == IPPROTO_UDPLITE;
}

/* One side's address range; @remote: the peer's side. */
static bool put_addrs(struct nlmsghdr *nlh, traffic_selector_t *ts,
		      bool remote)
{
	static const uint8_t zero[16], ones[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	chunk_t from = ts->get_from_address(ts), to = ts->get_to_address(ts);

	if (from.len != 16 || to.len != 16)
		return false;
	if (memeq(from.ptr, zero, 16) && memeq(to.ptr, ones, 16))
		return true;
	mnl_attr_put(nlh, remote ? IPSEC6_POLICY_A_REMOTE_START :
		     IPSEC6_POLICY_A_LOCAL_START, 16, from.ptr);
	mnl_attr_put(nlh, remote ? IPSEC6_POLICY_A_REMOTE_END :
		     IPSEC6_POLICY_A_LOCAL_END, 16, to.ptr);
	return true;
}

/* One side's port range; only TCP, UDP, SCTP and UDP-Lite have ports. */
static bool put_ports(struct nlmsghdr *nlh, traffic_selector_t *ts,
		      uint8_t proto, bool remote)
{
	uint16_t from = ts->get_from_port(ts), to = ts->get_to_port(ts);

	if (from == 0 && to == 0xffff)
		return true;
	if (!is_port_proto(proto) || from > to)
		return false;
	mnl_attr_put_u16(nlh, remote ? IPSEC6_POLICY_A_REMOTE_PORT_START :
			 IPSEC6_POLICY_A_LOCAL_PORT_START, from);
	mnl_attr_put_u16(nlh, remote ? IPSEC6_POLICY_A_REMOTE_PORT_END :
			 IPSEC6_POLICY_A_LOCAL_PORT_END, to);
	return true;
}

/*
 * ICMPv6: charon keeps type and code in the port range of a selector
 * (type << 8 | code), on whichever side is not "any".  The module takes
 * one type, with one code or any.
 */
static bool put_icmp(struct nlmsghdr *nlh, traffic_selector_t *a,
		     traffic_selector_t *b)
{
	traffic_selector_t *ts = port_bits(a) >= port_bits(b) ? a : b;
	uint16_t from = ts->get_from_port(ts), to = ts->get_to_port(ts);

	if (from == 0 && to == 0xffff)
		return true;
	if (traffic_selector_icmp_type(from) != traffic_selector_icmp_type(to))
		return false;
	mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_ICMP_TYPE,
			traffic_selector_icmp_type(from));
	if (from == to)
		mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_ICMP_CODE,
				traffic_selector_icmp_code(from));
	else if (traffic_selector_icmp_code(from) != 0 ||
		 traffic_selector_icmp_code(to) != 0xff)
		return false;
	return true;
}

static bool put_selectors(struct nlmsghdr *nlh, policy_entry_t *entry)
{
	traffic_selector_t *local, *remote;
	uint8_t proto;

	/* Outbound the source is ours; inbound and forwarded the peer's. */
	local = entry->dir == POLICY_OUT ? entry->src_ts : entry->dst_ts;
	remote = entry->dir == POLICY_OUT ? entry->dst_ts : entry->src_ts;
	proto = max(local->get_protocol(local), remote->get_protocol(remote));
	if (proto)
		mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_PROTO, proto);
	if (!put_addrs(nlh, local, false) || !put_addrs(nlh, remote, true))
		return false;
	if (proto == IPPROTO_ICMPV6)
		return put_icmp(nlh, local, remote);
	return put_ports(nlh, local, proto, false) &&
	       put_ports(nlh, remote, proto, true);
}

static uint8_t dir2kernel(policy_dir_t dir)
{
	switch (dir) {
	case POLICY_IN:
		return IPSEC6_DIR_IN;
	case POLICY_OUT:
		return IPSEC6_DIR_OUT;
	case POLICY_FWD:
		break;
	}
	return IPSEC6_DIR_FWD;
}

static uint8_t type2action(policy_type_t type)
{
	switch (type) {
	case POLICY_IPSEC:
		return IPSEC6_ACTION_APPLY;
	case POLICY_PASS:
		return IPSEC6_ACTION_BYPASS;
	case POLICY_DROP:
		break;
	}
	return IPSEC6_ACTION_DISCARD;
}

/* APPLY: the SA the policy wants (protocol, mode, endpoints, reqid). */
static bool put_template(struct nlmsghdr *nlh, policy_entry_t *entry,
			 policy_user_t *user)
{
	ipsec_sa_cfg_t *cfg = &user->cfg;
	struct in6_addr local, remote;

	if ((cfg->esp.use && cfg->ah.use) || (!cfg->esp.use && !cfg->ah.use) ||
	    cfg->ipcomp.transform != IPCOMP_NONE ||
	    (cfg->mode != MODE_TRANSPORT && cfg->mode != MODE_TUNNEL))
		return false;
	mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_IPSEC_PROTO, cfg->esp.use ?
			IPSEC6_PROTO_ESP : IPSEC6_PROTO_AH);
	mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_MODE, cfg->mode == MODE_TUNNEL ?
			IPSEC6_MODE_TUNNEL : IPSEC6_MODE_TRANSPORT);
	if (cfg->mode == MODE_TUNNEL) {
		/* The SA's source is ours outbound, the peer's otherwise. */
		if (!kernel_ipsec6_addr(entry->dir == POLICY_OUT ? user->src :
					user->dst, &local) ||
		    !kernel_ipsec6_addr(entry->dir == POLICY_OUT ? user->dst :
					user->src, &remote))
			return false;
		mnl_attr_put(nlh, IPSEC6_POLICY_A_TUNNEL_REMOTE, sizeof(remote),
			     &remote);
		if (!IN6_IS_ADDR_UNSPECIFIED(&local))
			mnl_attr_put(nlh, IPSEC6_POLICY_A_TUNNEL_LOCAL,
				     sizeof(local), &local);
	}
	if (cfg->reqid)
		mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_REQID, cfg->reqid);
	return true;
}

/* The POLICY nest; @entry->index 0: the module picks one. */
static bool build_policy(private_kernel_ipsec6_t *this, struct nlmsghdr *nlh,
			 policy_entry_t *entry, policy_user_t *user)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, IPSEC6_A_POLICY);
	unsigned int ifindex;

	if (entry->index)
		mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_INDEX, entry->index);
	mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_OWNER, this->owner);
	mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_PRIORITY, user->priority);
	mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_DIR, dir2kernel(entry->dir));
	mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_ACTION, type2action(user->type));
	if (!put_selectors(nlh, entry)) {
		DBG1(DBG_KNL, "ipsec6: policy %R === %R: selectors not "
		     "supported (ICMPv6 type ranges, opaque ports?)",
		     entry->src_ts, entry->dst_ts);
		return false;
	}
	if (entry->interface) {
		ifindex = if_nametoindex(entry->interface);
		if (!ifindex) {
			DBG1(DBG_KNL, "ipsec6: policy %R === %R: no interface "
			     "%s", entry->src_ts, entry->dst_ts,
			     entry->interface);
			return false;
		}
		mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_IFINDEX, ifindex);
	}
	if (user->type == POLICY_IPSEC && !put_template(nlh, entry, user)) {
		DBG1(DBG_KNL, "ipsec6: policy %R === %R: only one of ESP or AH, "
		     "in transport or tunnel mode, is supported",
		     entry->src_ts, entry->dst_ts);
		return false;
	}
	mnl_attr_nest_end(nlh, nest);
	return true;
}

/* Installs (or replaces) the kernel policy for @entry's first user. */
static bool policy_install(private_kernel_ipsec6_t *this,
			   policy_entry_t *entry)
{
	struct kernel_ipsec6_reply reply = { .nest = IPSEC6_A_POLICY };
	char buf[IPSEC6_NL_MSG_MAX];
	policy_user_t *user;
	struct nlmsghdr *nlh;

	if (entry->users->get_first(entry->users, (void **)&user) != SUCCESS)
		return false;
	nlh = ipsec6_nl_start(this->nl, buf, IPSEC6_CMD_POLICY_NEW, 0);
	if (!build_policy(this, nlh, entry, user))
		return false;
	if (entry->index)
		mnl_attr_put(nlh, IPSEC6_A_REPLACE, 0, NULL);
	if (kernel_ipsec6_request(this, nlh, kernel_ipsec6_reply_cb, &reply,
				  entry->index ? "replacing a policy" :
				  "installing a policy"))
		return false;
	if (!entry->index) {
		if (!reply.index) {
			DBG1(DBG_KNL, "ipsec6: the module did not say which "
			     "index it gave the policy");
			return false;
		}
		entry->index = reply.index;
	}
	DBG2(DBG_KNL, "ipsec6: policy %R === %R %N: index %u, priority %u",
	     entry->src_ts, entry->dst_ts, policy_dir_names, entry->dir,
	     entry->index, user->priority);
	return true;
}

static bool policy_uninstall(private_kernel_ipsec6_t *this,
			     policy_entry_t *entry)
{
	char buf[IPSEC6_NL_MSG_MAX];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int rc;

	if (!entry->index)
		return true;
	nlh = ipsec6_nl_start(this->nl, buf, IPSEC6_CMD_POLICY_DEL, 0);
	nest = mnl_attr_nest_start(nlh, IPSEC6_A_POLICY);
	mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_INDEX, entry->index);
	mnl_attr_nest_end(nlh, nest);
	rc = kernel_ipsec6_request(this, nlh, NULL, NULL, "deleting policy");
	return !rc || rc == -ENOENT;
}

/* Would @a and @b install the same kernel policy? */
static bool users_same_policy(policy_user_t *a, policy_user_t *b)
{
	return a->priority == b->priority && a->type == b->type &&
	       (a->type != POLICY_IPSEC ||
		(a->cfg.reqid == b->cfg.reqid && a->cfg.mode == b->cfg.mode &&
		 a->cfg.esp.use == b->cfg.esp.use &&
		 a->cfg.ah.use == b->cfg.ah.use &&
		 (a->cfg.mode != MODE_TUNNEL ||
		  (a->src->ip_equals(a->src, b->src) &&
		   a->dst->ip_equals(a->dst, b->dst)))));
}

/* What the module cannot express; logged. */
static bool policy_supported(kernel_ipsec_policy_id_t *id)
{
	const char *what = NULL;

	if (id->src_ts->get_type(id->src_ts) != TS_IPV6_ADDR_RANGE ||
	    id->dst_ts->get_type(id->dst_ts) != TS_IPV6_ADDR_RANGE)
		what = "IPv4 (ipsec6 is IPv6 only)";
	else if (id->mark.value || id->mark.mask)
		what = "marks";
	else if (id->if_id)
		what = "interface ids";
	else if (id->label)
		what = "security labels";
	if (what)
		DBG1(DBG_KNL, "ipsec6: policy %R === %R %N: %s not supported",
		     id->src_ts, id->dst_ts, policy_dir_names, id->dir, what);
	return !what;
}

static uint32_t user_priority(kernel_ipsec_policy_id_t *id,
			      kernel_ipsec_manage_policy_t *data,
			      uint32_t *autoprio)
{
	*autoprio = auto_priority(id, data->prio);
	return data->manual_prio ?: *autoprio;
}

/* The entry of @id's (direction, selectors, interface); under @mutex. */
static policy_entry_t *policy_find(private_kernel_ipsec6_t *this,
				   kernel_ipsec_policy_id_t *id)
{
	policy_entry_t lookup = {
		.dir = id->dir,
		.src_ts = id->src_ts,
		.dst_ts = id->dst_ts,
		.interface = id->interface,
	};

	return this->policies->get(this->policies, &lookup);
}

METHOD(kernel_ipsec_t, add_policy, status_t,
	private_kernel_ipsec6_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_manage_policy_t *data)
{
	policy_entry_t *entry;
	policy_user_t *user, *cur, *first = NULL;
	enumerator_t *enumerator;
	status_t status = SUCCESS;

	if (!policy_supported(id))
		return NOT_SUPPORTED;
	INIT(user,
		.type = data->type,
		.src = data->src->clone(data->src),
		.dst = data->dst->clone(data->dst),
		.cfg = *data->sa,
	);
	user->priority = user_priority(id, data, &user->auto_priority);

	this->mutex->lock(this->mutex);
	entry = policy_find(this, id);
	if (!entry) {
		INIT(entry,
			.dir = id->dir,
			.src_ts = id->src_ts->clone(id->src_ts),
			.dst_ts = id->dst_ts->clone(id->dst_ts),
			.interface = strdupnull(id->interface),
			.users = linked_list_create(),
		);
		this->policies->put(this->policies, entry, entry);
	}
	entry->users->get_first(entry->users, (void **)&first);

	/*
	 * Insert by priority; among equals the newcomer goes first unless
	 * it lacks a reqid that the other has (kernel-netlink's order).
	 */
	enumerator = entry->users->create_enumerator(entry->users);
	while (enumerator->enumerate(enumerator, &cur)) {
		if (cur->priority > user->priority)
			break;
		if (cur->priority == user->priority &&
		    (cur->auto_priority > user->auto_priority ||
		     (cur->auto_priority == user->auto_priority &&
		      (!cur->cfg.reqid || user->cfg.reqid))))
			break;
	}
	entry->users->insert_before(entry->users, enumerator, user);
	enumerator->destroy(enumerator);

	if (entry->users->get_first(entry->users, (void **)&cur) == SUCCESS &&
	    cur == user &&
	    (!entry->index || !first || !users_same_policy(first, user))) {
		if (!policy_install(this, entry)) {
			/* The user stays: charon deletes what it added. */
			DBG1(DBG_KNL, "ipsec6: unable to install policy %R === "
			     "%R %N", id->src_ts, id->dst_ts, policy_dir_names,
			     id->dir);
			status = FAILED;
		}
	}
	DBG2(DBG_KNL, "ipsec6: policy %R === %R %N used by %d",
	     id->src_ts, id->dst_ts, policy_dir_names, id->dir,
	     entry->users->get_count(entry->users));
	this->mutex->unlock(this->mutex);
	return status;
}

METHOD(kernel_ipsec_t, query_policy, status_t,
	private_kernel_ipsec6_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_query_policy_t *data, time_t *use_time)
{
	struct kernel_ipsec6_reply reply = { .nest = IPSEC6_A_POLICY };
	policy_entry_t *entry;
	char buf[IPSEC6_NL_MSG_MAX];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint32_t index = 0;

	this->mutex->lock(this->mutex);
	entry = policy_find(this, id);
	if (entry)
		index = entry->index;
	this->mutex->unlock(this->mutex);
	if (!index)
		return NOT_FOUND;
	nlh = ipsec6_nl_start(this->nl, buf, IPSEC6_CMD_POLICY_GET, 0);
	nest = mnl_attr_nest_start(nlh, IPSEC6_A_POLICY);
	mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_INDEX, index);
	mnl_attr_nest_end(nlh, nest);
	if (kernel_ipsec6_request(this, nlh, kernel_ipsec6_reply_cb, &reply,
				  "querying a policy") || !reply.found)
		return FAILED;
	*use_time = kernel_ipsec6_monotonic(reply.last_used);
	return SUCCESS;
}

METHOD(kernel_ipsec_t, del_policy, status_t,
	private_kernel_ipsec6_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_manage_policy_t *data)
{
	policy_entry_t *entry;
	policy_user_t *cur, *found = NULL;
	enumerator_t *enumerator;
	uint32_t priority, autoprio;
	status_t status = SUCCESS;
	bool first = true, was_first = false;

	priority = user_priority(id, data, &autoprio);
	this->mutex->lock(this->mutex);
	entry = policy_find(this, id);
	if (!entry) {
		this->mutex->unlock(this->mutex);
		DBG1(DBG_KNL, "ipsec6: deleting policy %R === %R %N: not found",
		     id->src_ts, id->dst_ts, policy_dir_names, id->dir);
		return NOT_FOUND;
	}
	enumerator = entry->users->create_enumerator(entry->users);
	while (enumerator->enumerate(enumerator, &cur)) {
		if (cur->priority == priority &&
		    cur->auto_priority == autoprio &&
		    cur->type == data->type &&
		    cur->src->ip_equals(cur->src, data->src) &&
		    cur->dst->ip_equals(cur->dst, data->dst) &&
		    ipsec_sa_cfg_equals(&cur->cfg, data->sa)) {
			entry->users->remove_at(entry->users, enumerator);
			found = cur;
			was_first = first;
			break;
		}
		first = false;
	}
	enumerator->destroy(enumerator);

	if (!found) {
		DBG1(DBG_KNL, "ipsec6: deleting policy %R === %R %N: no such "
		     "user", id->src_ts, id->dst_ts, policy_dir_names, id->dir);
		status = NOT_FOUND;
	} else if (entry->users->get_count(entry->users) == 0) {
		if (!policy_uninstall(this, entry))
			status = FAILED;
		this->policies->remove(this->policies, entry);
		policy_entry_destroy(entry);
	} else if (was_first) {
		entry->users->get_first(entry->users, (void **)&cur);
		if ((!entry->index || !users_same_policy(found, cur)) &&
		    !policy_install(this, entry))
			status = FAILED;
	}
	this->mutex->unlock(this->mutex);
	if (found)
		policy_user_destroy(found);
	return status;
}

void kernel_ipsec6_policy_init(private_kernel_ipsec6_t *this)
{
	this->mutex = mutex_create(MUTEX_TYPE_DEFAULT);
	this->policies = hashtable_create((hashtable_hash_t)policy_hash,
					  (hashtable_equals_t)policy_equals, 32);
	this->public.add_policy = _add_policy;
	this->public.query_policy = _query_policy;
	this->public.del_policy = _del_policy;
}

void kernel_ipsec6_policy_destroy(private_kernel_ipsec6_t *this)
{
	enumerator_t *enumerator;
	policy_entry_t *entry;

	if (!this->policies)
		return;
	enumerator = this->policies->create_enumerator(this->policies);
	while (enumerator->enumerate(enumerator, NULL, &entry))
		policy_entry_destroy(entry);
	enumerator->destroy(enumerator);
	this->policies->destroy(this->policies);
	this->mutex->destroy(this->mutex);
}
