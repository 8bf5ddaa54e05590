// SPDX-License-Identifier: GPL-2.0
/*
 * The "ipsec6" generic netlink family (Documentation/netlink/ipsec6.yaml,
 * Documentation/netlink.rst).
 *
 * Attribute policies check types, lengths and bit masks; the handlers check
 * meaning and say in the extack message which attribute is wrong and why.
 * Every change goes through a change set (txn.c) under the namespace lock.
 */
#include <linux/notifier.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>
#include "alloc.h"
#include "bypass.h"
#include "compat.h"
#include "db.h"
#include "netlink.h"
#include "netns.h"
#include "replay.h"
#include "txn.h"

static struct genl_family ipsec6_family;

enum { IPSEC6_MCGRP_ID_EVENTS };

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
/*
 * 6.1 has no buffer in struct netlink_ext_ack for formatted messages.  The
 * message must outlive the handler (the ack is built after it returns), so
 * it goes to a ring of static buffers; a slot is reused only after
 * IPSEC6_ERR_RING later errors.
 */
#define IPSEC6_ERR_RING	64
static char ipsec6_err_ring[IPSEC6_ERR_RING][IPSEC6_ERR_LEN];
static atomic_t ipsec6_err_next = ATOMIC_INIT(0);

static char *ipsec6_err_buf(struct netlink_ext_ack *extack)
{
	return ipsec6_err_ring[(unsigned int)atomic_inc_return(&ipsec6_err_next) %
			       IPSEC6_ERR_RING];
}
#else
static char *ipsec6_err_buf(struct netlink_ext_ack *extack)
{
	BUILD_BUG_ON(sizeof(extack->_msg_buf) < IPSEC6_ERR_LEN);
	return extack->_msg_buf;
}
#endif

/**
 * ipsec6_netlink_err - set a formatted extack message and the bad attribute
 * @extack: may be NULL
 * @attr: attribute to point at, or NULL to keep the current one
 * @fmt: printf format of the message, at most IPSEC6_ERR_LEN - 1 long
 */
void ipsec6_netlink_err(struct netlink_ext_ack *extack,
			const struct nlattr *attr, const char *fmt, ...)
{
	va_list args;
	char *buf;

	if (!extack)
		return;
	buf = ipsec6_err_buf(extack);
	va_start(args, fmt);
	vsnprintf(buf, IPSEC6_ERR_LEN, fmt, args);
	va_end(args);
	extack->_msg = buf;
	if (attr)
		extack->bad_attr = attr;
}

/* Policies: types, lengths and flag masks.  Read-only attributes are
 * rejected on input.
 */
static const struct nla_policy ipsec6_nl_policy_policy[IPSEC6_POLICY_A_MAX + 1] = {
	[IPSEC6_POLICY_A_INDEX] = { .type = NLA_U32 },
	[IPSEC6_POLICY_A_PRIORITY] = { .type = NLA_U32 },
	[IPSEC6_POLICY_A_DIR] = NLA_POLICY_MASK(NLA_U8, IPSEC6_DIR_ALL),
	[IPSEC6_POLICY_A_ACTION] = { .type = NLA_U8 },
	[IPSEC6_POLICY_A_REMOTE_START] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_POLICY_A_REMOTE_END] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_POLICY_A_LOCAL_START] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_POLICY_A_LOCAL_END] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_POLICY_A_PROTO] = { .type = NLA_U8 },
	[IPSEC6_POLICY_A_REMOTE_PORT_START] = { .type = NLA_U16 },
	[IPSEC6_POLICY_A_REMOTE_PORT_END] = { .type = NLA_U16 },
	[IPSEC6_POLICY_A_LOCAL_PORT_START] = { .type = NLA_U16 },
	[IPSEC6_POLICY_A_LOCAL_PORT_END] = { .type = NLA_U16 },
	[IPSEC6_POLICY_A_ICMP_TYPE] = { .type = NLA_U8 },
	[IPSEC6_POLICY_A_ICMP_CODE] = { .type = NLA_U8 },
	[IPSEC6_POLICY_A_FROM_PACKET] = NLA_POLICY_MASK(NLA_U32,
							IPSEC6_FROM_PKT_ALL),
	[IPSEC6_POLICY_A_IFINDEX] = { .type = NLA_U32 },
	[IPSEC6_POLICY_A_IPSEC_PROTO] = { .type = NLA_U8 },
	[IPSEC6_POLICY_A_MODE] = { .type = NLA_U8 },
	[IPSEC6_POLICY_A_TUNNEL_REMOTE] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_POLICY_A_TUNNEL_LOCAL] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_POLICY_A_BUNDLE_NEXT] = { .type = NLA_U32 },
	[IPSEC6_POLICY_A_REQID] = { .type = NLA_U32 },
	[IPSEC6_POLICY_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, IPSEC6_POLICY_F_ALL),
	[IPSEC6_POLICY_A_COUNTS] = { .type = NLA_REJECT,
				     .reject_message = "COUNTS: read-only" },
	[IPSEC6_POLICY_A_OWNER] = { .type = NLA_U32 },
	[IPSEC6_POLICY_A_LAST_USED] = { .type = NLA_REJECT,
					.reject_message = "LAST_USED: read-only" },
};

/* Identifying a policy: only the index. */
static const struct nla_policy ipsec6_nl_policy_id_policy[IPSEC6_POLICY_A_INDEX + 1] = {
	[IPSEC6_POLICY_A_INDEX] = { .type = NLA_U32 },
};

const struct nla_policy ipsec6_nl_sa_policy[IPSEC6_SA_A_MAX + 1] = {
	[IPSEC6_SA_A_INDEX] = { .type = NLA_U32 },
	[IPSEC6_SA_A_SPI] = { .type = NLA_U32 },
	[IPSEC6_SA_A_PROTO] = { .type = NLA_U8 },
	[IPSEC6_SA_A_MODE] = { .type = NLA_U8 },
	[IPSEC6_SA_A_DIR] = { .type = NLA_U8 },
	[IPSEC6_SA_A_SRC] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_SA_A_DST] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_SA_A_POLICY] = { .type = NLA_U32 },
	[IPSEC6_SA_A_REQID] = { .type = NLA_U32 },
	[IPSEC6_SA_A_SEL_DST] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_SA_A_SEL_SRC] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_SA_A_SEL_PROTO] = { .type = NLA_U8 },
	[IPSEC6_SA_A_SEL_DPORT] = { .type = NLA_U16 },
	[IPSEC6_SA_A_SEL_SPORT] = { .type = NLA_U16 },
	[IPSEC6_SA_A_AUTH_NAME] = { .type = NLA_NUL_STRING,
				    .len = IPSEC6_ALG_NAME_MAX - 1 },
	[IPSEC6_SA_A_AUTH_KEY] = { .type = NLA_BINARY, .len = IPSEC6_KEY_MAX },
	[IPSEC6_SA_A_ENC_NAME] = { .type = NLA_NUL_STRING,
				   .len = IPSEC6_ALG_NAME_MAX - 1 },
	[IPSEC6_SA_A_ENC_KEY] = { .type = NLA_BINARY, .len = IPSEC6_KEY_MAX },
	[IPSEC6_SA_A_AEAD_NAME] = { .type = NLA_NUL_STRING,
				    .len = IPSEC6_ALG_NAME_MAX - 1 },
	[IPSEC6_SA_A_AEAD_KEY] = { .type = NLA_BINARY, .len = IPSEC6_KEY_MAX },
	[IPSEC6_SA_A_ICV_LEN] = { .type = NLA_U32 },
	[IPSEC6_SA_A_REPLAY_WINDOW] = NLA_POLICY_MAX(NLA_U32, IPSEC6_REPLAY_MAX),
	[IPSEC6_SA_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, IPSEC6_SA_F_ALL),
	[IPSEC6_SA_A_SOFT_BYTES] = { .type = NLA_U64 },
	[IPSEC6_SA_A_HARD_BYTES] = { .type = NLA_U64 },
	[IPSEC6_SA_A_SOFT_PACKETS] = { .type = NLA_U64 },
	[IPSEC6_SA_A_HARD_PACKETS] = { .type = NLA_U64 },
	[IPSEC6_SA_A_SOFT_ADD_SECONDS] = { .type = NLA_U64 },
	[IPSEC6_SA_A_HARD_ADD_SECONDS] = { .type = NLA_U64 },
	[IPSEC6_SA_A_SOFT_USE_SECONDS] = { .type = NLA_U64 },
	[IPSEC6_SA_A_HARD_USE_SECONDS] = { .type = NLA_U64 },
	[IPSEC6_SA_A_KEYFILE] = { .type = NLA_NUL_STRING,
				  .len = IPSEC6_KEYFILE_MAX - 1 },
	[IPSEC6_SA_A_ENC_KEYFILE] = { .type = NLA_NUL_STRING,
				      .len = IPSEC6_KEYFILE_MAX - 1 },
	[IPSEC6_SA_A_KEY_BITS] = { .type = NLA_REJECT,
				   .reject_message = "KEY_BITS: read-only" },
	[IPSEC6_SA_A_SEQ] = { .type = NLA_U64 },
	[IPSEC6_SA_A_RSEQ] = { .type = NLA_U64 },
	[IPSEC6_SA_A_STATE] = { .type = NLA_REJECT,
				.reject_message = "STATE: read-only" },
	[IPSEC6_SA_A_COUNTS] = { .type = NLA_REJECT,
				 .reject_message = "COUNTS: read-only" },
	[IPSEC6_SA_A_OWNER] = { .type = NLA_U32 },
	[IPSEC6_SA_A_SPI_MIN] = { .type = NLA_U32 },
	[IPSEC6_SA_A_SPI_MAX] = { .type = NLA_U32 },
	[IPSEC6_SA_A_LAST_USED] = { .type = NLA_REJECT,
				    .reject_message = "LAST_USED: read-only" },
	[IPSEC6_SA_A_ADD_TIME] = { .type = NLA_REJECT,
				   .reject_message = "ADD_TIME: read-only" },
	[IPSEC6_SA_A_ENCAP_TYPE] = { .type = NLA_U16 },
	[IPSEC6_SA_A_ENCAP_SPORT] = { .type = NLA_U16 },
	[IPSEC6_SA_A_ENCAP_DPORT] = { .type = NLA_U16 },
	[IPSEC6_SA_A_ENCAP_OA] = NLA_POLICY_EXACT_LEN(16),
};

/* Identifying an SA: its index, or (SPI, DST, PROTO). */
static const struct nla_policy ipsec6_nl_sa_id_policy[IPSEC6_SA_A_DST + 1] = {
	[IPSEC6_SA_A_INDEX] = { .type = NLA_U32 },
	[IPSEC6_SA_A_SPI] = { .type = NLA_U32 },
	[IPSEC6_SA_A_PROTO] = { .type = NLA_U8 },
	[IPSEC6_SA_A_DST] = NLA_POLICY_EXACT_LEN(16),
};

/*
 * Change requests: genetlink only checks that the nest is one; the handler
 * validates its contents (with the policies above) under the change set,
 * so that a request rejected inside a transaction marks it failed.
 * genetlink never calls the handler of a request its policy refuses.
 */
static const struct nla_policy ipsec6_nl_req_policy_new[IPSEC6_A_REPLACE + 1] = {
	[IPSEC6_A_POLICY] = { .type = NLA_NESTED },
	[IPSEC6_A_REPLACE] = { .type = NLA_FLAG },
};

static const struct nla_policy ipsec6_nl_req_policy_del[IPSEC6_A_POLICY + 1] = {
	[IPSEC6_A_POLICY] = { .type = NLA_NESTED },
};

static const struct nla_policy ipsec6_nl_req_policy_id[IPSEC6_A_POLICY + 1] = {
	[IPSEC6_A_POLICY] = NLA_POLICY_NESTED(ipsec6_nl_policy_id_policy),
};

static const struct nla_policy ipsec6_nl_req_sa_new[IPSEC6_A_REPLACE + 1] = {
	[IPSEC6_A_SA] = { .type = NLA_NESTED },
	[IPSEC6_A_REPLACE] = { .type = NLA_FLAG },
};

static const struct nla_policy ipsec6_nl_req_sa_del[IPSEC6_A_SA + 1] = {
	[IPSEC6_A_SA] = { .type = NLA_NESTED },
};

static const struct nla_policy ipsec6_nl_req_sa_id[IPSEC6_A_SA + 1] = {
	[IPSEC6_A_SA] = NLA_POLICY_NESTED(ipsec6_nl_sa_id_policy),
};

static const struct nla_policy ipsec6_nl_req_flush[IPSEC6_A_OWNER + 1] = {
	[IPSEC6_A_OWNER] = { .type = NLA_U32 },
};

static const struct nla_policy ipsec6_nl_req_bypass[IPSEC6_A_SOCKET_COOKIE + 1] = {
	[IPSEC6_A_OWNER] = { .type = NLA_U32 },
	[IPSEC6_A_SOCKET_COOKIE] = { .type = NLA_U64 },
};

static const struct nla_policy ipsec6_nl_req_txn_begin[IPSEC6_A_TXN_FLAGS + 1] = {
	[IPSEC6_A_TXN_FLAGS] = NLA_POLICY_MASK(NLA_U32, IPSEC6_TXN_F_REPLACE),
};

static const struct nla_policy ipsec6_nl_req_txn_commit[IPSEC6_A_TXN_REQUESTS + 1] = {
	[IPSEC6_A_TXN_REQUESTS] = { .type = NLA_U32 },
};

/* A required attribute: report it missing, naming it. */
bool ipsec6_nl_need(struct nlattr **tb, int type, const struct nlattr *nest,
		    const char *name, struct netlink_ext_ack *extack)
{
	if (tb[type])
		return true;
	NL_SET_ERR_ATTR_MISS(extack, nest, type);
	ipsec6_netlink_err(extack, NULL, "%s: missing", name);
	return false;
}

/* The one nest a request carries, or an error naming it. */
struct nlattr *ipsec6_nl_nest(struct genl_info *info, int type,
			      const char *name)
{
	struct nlattr *nest = info->attrs[type];

	if (!nest) {
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, type);
		ipsec6_netlink_err(info->extack, NULL, "%s: missing", name);
	}
	return nest;
}

static bool ipsec6_nl_addr_full(const struct ipsec6_addr_range *r)
{
	return ipv6_addr_any(&r->start) &&
	       !memchr_inv(&r->end, 0xff, sizeof(r->end));
}

/* An address range selector: both ends or neither, start <= end. */
static int ipsec6_nl_parse_range(struct nlattr **tb, int a_start, int a_end,
				 struct ipsec6_addr_range *r, u8 *present,
				 u8 bit, const char *what,
				 struct netlink_ext_ack *extack)
{
	if (!tb[a_start] && !tb[a_end])
		return 0;
	if (!tb[a_start] || !tb[a_end]) {
		ipsec6_netlink_err(extack, tb[a_start] ?: tb[a_end],
				   "%s: START and END go together", what);
		return -EINVAL;
	}
	r->start = nla_get_in6_addr(tb[a_start]);
	r->end = nla_get_in6_addr(tb[a_end]);
	if (memcmp(&r->start, &r->end, sizeof(r->start)) > 0) {
		ipsec6_netlink_err(extack, tb[a_start],
				   "%s: START %pI6c is above END %pI6c", what,
				   &r->start, &r->end);
		return -EINVAL;
	}
	if (!ipsec6_nl_addr_full(r))
		*present |= bit;
	return 0;
}

static int ipsec6_nl_parse_ports(struct nlattr **tb, int a_start, int a_end,
				 u16 *start, u16 *end, u8 *present, u8 bit,
				 const char *what, struct netlink_ext_ack *extack)
{
	if (!tb[a_start] && !tb[a_end])
		return 0;
	if (!tb[a_start] || !tb[a_end]) {
		ipsec6_netlink_err(extack, tb[a_start] ?: tb[a_end],
				   "%s: START and END go together", what);
		return -EINVAL;
	}
	*start = nla_get_u16(tb[a_start]);
	*end = nla_get_u16(tb[a_end]);
	if (*start > *end) {
		ipsec6_netlink_err(extack, tb[a_start],
				   "%s: START %u is above END %u", what, *start,
				   *end);
		return -EINVAL;
	}
	if (*start != 0 || *end != U16_MAX)
		*present |= bit;
	return 0;
}

static bool ipsec6_nl_proto_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP || proto == IPPROTO_UDPLITE;
}

static int ipsec6_nl_parse_sel(struct nlattr **tb, struct ipsec6_sel *sel,
			       struct netlink_ext_ack *extack)
{
	int err;

	err = ipsec6_nl_parse_range(tb, IPSEC6_POLICY_A_REMOTE_START,
				    IPSEC6_POLICY_A_REMOTE_END, &sel->remote,
				    &sel->present, IPSEC6_SEL_REMOTE, "REMOTE",
				    extack);
	if (err)
		return err;
	err = ipsec6_nl_parse_range(tb, IPSEC6_POLICY_A_LOCAL_START,
				    IPSEC6_POLICY_A_LOCAL_END, &sel->local,
				    &sel->present, IPSEC6_SEL_LOCAL, "LOCAL",
				    extack);
	if (err)
		return err;
	if (tb[IPSEC6_POLICY_A_PROTO]) {
		sel->proto = nla_get_u8(tb[IPSEC6_POLICY_A_PROTO]);
		sel->present |= IPSEC6_SEL_PROTO;
	}
	err = ipsec6_nl_parse_ports(tb, IPSEC6_POLICY_A_REMOTE_PORT_START,
				    IPSEC6_POLICY_A_REMOTE_PORT_END,
				    &sel->rport_start, &sel->rport_end,
				    &sel->present, IPSEC6_SEL_RPORT,
				    "REMOTE_PORT", extack);
	if (err)
		return err;
	err = ipsec6_nl_parse_ports(tb, IPSEC6_POLICY_A_LOCAL_PORT_START,
				    IPSEC6_POLICY_A_LOCAL_PORT_END,
				    &sel->lport_start, &sel->lport_end,
				    &sel->present, IPSEC6_SEL_LPORT,
				    "LOCAL_PORT", extack);
	if (err)
		return err;
	if ((tb[IPSEC6_POLICY_A_REMOTE_PORT_START] ||
	     tb[IPSEC6_POLICY_A_LOCAL_PORT_START]) &&
	    (!(sel->present & IPSEC6_SEL_PROTO) ||
	     !ipsec6_nl_proto_has_ports(sel->proto))) {
		ipsec6_netlink_err(extack, tb[IPSEC6_POLICY_A_REMOTE_PORT_START] ?:
				   tb[IPSEC6_POLICY_A_LOCAL_PORT_START],
				   "PORT: needs PROTO tcp, udp, sctp or udplite");
		return -EINVAL;
	}
	if (tb[IPSEC6_POLICY_A_ICMP_TYPE] || tb[IPSEC6_POLICY_A_ICMP_CODE]) {
		if (!(sel->present & IPSEC6_SEL_PROTO) ||
		    sel->proto != IPPROTO_ICMPV6) {
			ipsec6_netlink_err(extack, tb[IPSEC6_POLICY_A_ICMP_TYPE] ?:
					   tb[IPSEC6_POLICY_A_ICMP_CODE],
					   "ICMP_TYPE/CODE: need PROTO 58 (ICMPv6)");
			return -EINVAL;
		}
		if (!tb[IPSEC6_POLICY_A_ICMP_TYPE]) {
			ipsec6_netlink_err(extack, tb[IPSEC6_POLICY_A_ICMP_CODE],
					   "ICMP_CODE: needs ICMP_TYPE");
			return -EINVAL;
		}
		sel->icmp_type = nla_get_u8(tb[IPSEC6_POLICY_A_ICMP_TYPE]);
		sel->present |= IPSEC6_SEL_ICMP_TYPE;
		if (tb[IPSEC6_POLICY_A_ICMP_CODE]) {
			sel->icmp_code = nla_get_u8(tb[IPSEC6_POLICY_A_ICMP_CODE]);
			sel->present |= IPSEC6_SEL_ICMP_CODE;
		}
	}
	if (tb[IPSEC6_POLICY_A_FROM_PACKET])
		sel->from_packet = nla_get_u32(tb[IPSEC6_POLICY_A_FROM_PACKET]);
	if (tb[IPSEC6_POLICY_A_IFINDEX]) {
		sel->ifindex = nla_get_u32(tb[IPSEC6_POLICY_A_IFINDEX]);
		if (sel->ifindex)
			sel->present |= IPSEC6_SEL_IFINDEX;
	}
	return 0;
}

static const struct {
	int type;
	const char *name;
} ipsec6_nl_apply_only[] = {
	{ IPSEC6_POLICY_A_IPSEC_PROTO, "IPSEC_PROTO" },
	{ IPSEC6_POLICY_A_MODE, "MODE" },
	{ IPSEC6_POLICY_A_TUNNEL_REMOTE, "TUNNEL_REMOTE" },
	{ IPSEC6_POLICY_A_TUNNEL_LOCAL, "TUNNEL_LOCAL" },
	{ IPSEC6_POLICY_A_BUNDLE_NEXT, "BUNDLE_NEXT" },
	{ IPSEC6_POLICY_A_REQID, "REQID" },
};

static int ipsec6_nl_parse_tmpl(struct nlattr **tb, const struct nlattr *nest,
				struct ipsec6_policy *pol,
				struct netlink_ext_ack *extack)
{
	struct ipsec6_tmpl *t;
	unsigned int i;

	if (pol->action != IPSEC6_ACTION_APPLY) {
		for (i = 0; i < ARRAY_SIZE(ipsec6_nl_apply_only); i++) {
			const struct nlattr *a = tb[ipsec6_nl_apply_only[i].type];

			if (a) {
				ipsec6_netlink_err(extack, a,
						   "%s: policy %u: only with ACTION apply",
						   ipsec6_nl_apply_only[i].name,
						   pol->index);
				return -EINVAL;
			}
		}
		return 0;
	}
	if (ipsec6_spd_policy_tmpl_alloc(pol))
		return -ENOMEM;
	t = pol->tmpl;
	if (!ipsec6_nl_need(tb, IPSEC6_POLICY_A_IPSEC_PROTO, nest,
			    "IPSEC_PROTO", extack) ||
	    !ipsec6_nl_need(tb, IPSEC6_POLICY_A_MODE, nest, "MODE", extack))
		return -EINVAL;
	t->proto = nla_get_u8(tb[IPSEC6_POLICY_A_IPSEC_PROTO]);
	if (t->proto != IPPROTO_AH && t->proto != IPPROTO_ESP) {
		ipsec6_netlink_err(extack, tb[IPSEC6_POLICY_A_IPSEC_PROTO],
				   "IPSEC_PROTO: unknown value %u (AH 51, ESP 50)",
				   t->proto);
		return -EINVAL;
	}
	t->mode = nla_get_u8(tb[IPSEC6_POLICY_A_MODE]);
	if (t->mode != IPSEC6_MODE_TRANSPORT && t->mode != IPSEC6_MODE_TUNNEL) {
		ipsec6_netlink_err(extack, tb[IPSEC6_POLICY_A_MODE],
				   "MODE: unknown value %u", t->mode);
		return -EINVAL;
	}
	if (t->mode == IPSEC6_MODE_TUNNEL) {
		if (!ipsec6_nl_need(tb, IPSEC6_POLICY_A_TUNNEL_REMOTE, nest,
				    "TUNNEL_REMOTE (tunnel mode)", extack))
			return -EINVAL;
		t->tremote = nla_get_in6_addr(tb[IPSEC6_POLICY_A_TUNNEL_REMOTE]);
		if (tb[IPSEC6_POLICY_A_TUNNEL_LOCAL]) {
			t->tlocal = nla_get_in6_addr(tb[IPSEC6_POLICY_A_TUNNEL_LOCAL]);
			t->has_tlocal = true;
		}
		if (ipv6_addr_any(&t->tremote) ||
		    ipv6_addr_is_multicast(&t->tremote)) {
			ipsec6_netlink_err(extack, tb[IPSEC6_POLICY_A_TUNNEL_REMOTE],
					   "TUNNEL_REMOTE: %pI6c is not a unicast address",
					   &t->tremote);
			return -EINVAL;
		}
	} else if (tb[IPSEC6_POLICY_A_TUNNEL_REMOTE] ||
		   tb[IPSEC6_POLICY_A_TUNNEL_LOCAL]) {
		ipsec6_netlink_err(extack, tb[IPSEC6_POLICY_A_TUNNEL_REMOTE] ?:
				   tb[IPSEC6_POLICY_A_TUNNEL_LOCAL],
				   "TUNNEL_*: only with MODE tunnel");
		return -EINVAL;
	}
	if (tb[IPSEC6_POLICY_A_REQID])
		t->reqid = nla_get_u32(tb[IPSEC6_POLICY_A_REQID]);
	if (tb[IPSEC6_POLICY_A_BUNDLE_NEXT]) {
		pol->bundle_next = nla_get_u32(tb[IPSEC6_POLICY_A_BUNDLE_NEXT]);
		if (!pol->bundle_next || pol->bundle_next == pol->index) {
			ipsec6_netlink_err(extack, tb[IPSEC6_POLICY_A_BUNDLE_NEXT],
					   "BUNDLE_NEXT: %u is not another policy",
					   pol->bundle_next);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * @index: what the kernel picked when the request has no INDEX (0: INDEX
 * is required).
 */
static struct ipsec6_policy *ipsec6_nl_parse_policy(const struct nlattr *nest,
						    u32 index,
						    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IPSEC6_POLICY_A_MAX + 1];
	struct ipsec6_policy *pol;
	int err;

	err = nla_parse_nested(tb, IPSEC6_POLICY_A_MAX, nest,
			       ipsec6_nl_policy_policy, extack);
	if (err)
		return ERR_PTR(err);
	if ((!index &&
	     !ipsec6_nl_need(tb, IPSEC6_POLICY_A_INDEX, nest, "INDEX",
			     extack)) ||
	    !ipsec6_nl_need(tb, IPSEC6_POLICY_A_DIR, nest, "DIR", extack) ||
	    !ipsec6_nl_need(tb, IPSEC6_POLICY_A_ACTION, nest, "ACTION", extack))
		return ERR_PTR(-EINVAL);

	pol = ipsec6_spd_policy_alloc();
	if (!pol)
		return ERR_PTR(-ENOMEM);
	err = -EINVAL;
	pol->index = tb[IPSEC6_POLICY_A_INDEX] ?
		     nla_get_u32(tb[IPSEC6_POLICY_A_INDEX]) : index;
	if (!pol->index) {
		ipsec6_netlink_err(extack, tb[IPSEC6_POLICY_A_INDEX],
				   "INDEX: 0 is invalid (indexes start at 1)");
		goto err;
	}
	if (tb[IPSEC6_POLICY_A_PRIORITY])
		pol->priority = nla_get_u32(tb[IPSEC6_POLICY_A_PRIORITY]);
	pol->dir = nla_get_u8(tb[IPSEC6_POLICY_A_DIR]);
	if (!pol->dir) {
		ipsec6_netlink_err(extack, tb[IPSEC6_POLICY_A_DIR],
				   "DIR: policy %u: no direction set",
				   pol->index);
		goto err;
	}
	pol->action = nla_get_u8(tb[IPSEC6_POLICY_A_ACTION]);
	if (pol->action > IPSEC6_ACTION_MAX) {
		ipsec6_netlink_err(extack, tb[IPSEC6_POLICY_A_ACTION],
				   "ACTION: unknown value %u", pol->action);
		goto err;
	}
	if (tb[IPSEC6_POLICY_A_FLAGS])
		pol->flags = nla_get_u32(tb[IPSEC6_POLICY_A_FLAGS]);
	if (tb[IPSEC6_POLICY_A_OWNER])
		pol->owner = nla_get_u32(tb[IPSEC6_POLICY_A_OWNER]);
	err = ipsec6_nl_parse_sel(tb, &pol->sel, extack);
	if (err)
		goto err;
	err = ipsec6_nl_parse_tmpl(tb, nest, pol, extack);
	if (err)
		goto err;
	return pol;
err:
	ipsec6_spd_policy_put(pol);
	return ERR_PTR(err);
}

static char *ipsec6_nl_strdup(const struct nlattr *a)
{
	return a ? kstrdup(nla_data(a), GFP_KERNEL_ACCOUNT) : NULL;
}

static int ipsec6_nl_check_spi(const struct nlattr *a,
			       struct netlink_ext_ack *extack)
{
	u32 spi = nla_get_u32(a);

	if (!spi) {
		ipsec6_netlink_err(extack, a, "SPI: 0 is invalid");
		return -EINVAL;
	}
	if (spi < IPSEC6_SPI_MIN) {
		ipsec6_netlink_err(extack, a,
				   "SPI: %u is reserved (1-255, RFC 4303)", spi);
		return -EINVAL;
	}
	return 0;
}

int ipsec6_nl_check_proto(const struct nlattr *a,
			  struct netlink_ext_ack *extack)
{
	u8 proto = nla_get_u8(a);

	if (proto != IPPROTO_AH && proto != IPPROTO_ESP) {
		ipsec6_netlink_err(extack, a,
				   "PROTO: unknown value %u (AH 51, ESP 50)",
				   proto);
		return -EINVAL;
	}
	return 0;
}

/* Soft limits must not exceed hard ones. */
static int ipsec6_nl_parse_lifetime(struct nlattr **tb,
				    struct ipsec6_lifetime *l,
				    struct netlink_ext_ack *extack)
{
	static const struct {
		int soft, hard;
		const char *name;
	} pairs[] = {
		{ IPSEC6_SA_A_SOFT_BYTES, IPSEC6_SA_A_HARD_BYTES, "BYTES" },
		{ IPSEC6_SA_A_SOFT_PACKETS, IPSEC6_SA_A_HARD_PACKETS,
		  "PACKETS" },
		{ IPSEC6_SA_A_SOFT_ADD_SECONDS, IPSEC6_SA_A_HARD_ADD_SECONDS,
		  "ADD_SECONDS" },
		{ IPSEC6_SA_A_SOFT_USE_SECONDS, IPSEC6_SA_A_HARD_USE_SECONDS,
		  "USE_SECONDS" },
	};
	u64 *v[ARRAY_SIZE(pairs)][2] = {
		{ &l->soft_bytes, &l->hard_bytes },
		{ &l->soft_packets, &l->hard_packets },
		{ &l->soft_add, &l->hard_add },
		{ &l->soft_use, &l->hard_use },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		if (tb[pairs[i].soft])
			*v[i][0] = nla_get_u64(tb[pairs[i].soft]);
		if (tb[pairs[i].hard])
			*v[i][1] = nla_get_u64(tb[pairs[i].hard]);
		if (*v[i][0] && *v[i][1] && *v[i][0] > *v[i][1]) {
			ipsec6_netlink_err(extack, tb[pairs[i].soft],
					   "SOFT_%s: above HARD_%s",
					   pairs[i].name, pairs[i].name);
			return -EINVAL;
		}
	}
	return 0;
}

/* A starting sequence number: 32 bits unless the SA uses ESN. */
static int ipsec6_nl_parse_seq(struct nlattr **tb, int type,
			       const struct ipsec6_sa *sa, u64 *seq,
			       const char *name, struct netlink_ext_ack *extack)
{
	if (!tb[type])
		return 0;
	*seq = nla_get_u64(tb[type]);
	if (!(sa->flags & IPSEC6_SA_F_ESN) && *seq > U32_MAX) {
		ipsec6_netlink_err(extack, tb[type], "%s: %llu needs FLAGS esn",
				   name, *seq);
		return -EINVAL;
	}
	return 0;
}

static void ipsec6_nl_parse_sa_sel(struct nlattr **tb, struct ipsec6_sa_sel *s)
{
	if (tb[IPSEC6_SA_A_SEL_DST]) {
		s->dst = nla_get_in6_addr(tb[IPSEC6_SA_A_SEL_DST]);
		s->present |= IPSEC6_SA_SEL_DST;
	}
	if (tb[IPSEC6_SA_A_SEL_SRC]) {
		s->src = nla_get_in6_addr(tb[IPSEC6_SA_A_SEL_SRC]);
		s->present |= IPSEC6_SA_SEL_SRC;
	}
	if (tb[IPSEC6_SA_A_SEL_PROTO]) {
		s->proto = nla_get_u8(tb[IPSEC6_SA_A_SEL_PROTO]);
		s->present |= IPSEC6_SA_SEL_PROTO;
	}
	if (tb[IPSEC6_SA_A_SEL_DPORT]) {
		s->dport = nla_get_u16(tb[IPSEC6_SA_A_SEL_DPORT]);
		s->present |= IPSEC6_SA_SEL_DPORT;
	}
	if (tb[IPSEC6_SA_A_SEL_SPORT]) {
		s->sport = nla_get_u16(tb[IPSEC6_SA_A_SEL_SPORT]);
		s->present |= IPSEC6_SA_SEL_SPORT;
	}
}

/* Protocol and mode of an SA: given, or those of the policy it names. */
static int ipsec6_nl_sa_proto_mode(struct nlattr **tb,
				   const struct nlattr *nest,
				   struct ipsec6_txn *txn, struct ipsec6_sa *sa,
				   struct netlink_ext_ack *extack)
{
	const struct ipsec6_policy *pol = NULL;

	if (sa->policy)
		pol = ipsec6_txn_policy_find(txn, sa->policy);
	if (tb[IPSEC6_SA_A_PROTO]) {
		if (ipsec6_nl_check_proto(tb[IPSEC6_SA_A_PROTO], extack))
			return -EINVAL;
		sa->proto = nla_get_u8(tb[IPSEC6_SA_A_PROTO]);
	} else if (!sa->policy) {
		if (!ipsec6_nl_need(tb, IPSEC6_SA_A_PROTO, nest, "PROTO",
				    extack))
			return -EINVAL;
	} else if (pol && pol->action == IPSEC6_ACTION_APPLY) {
		sa->proto = pol->tmpl->proto;
	} else {
		ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_POLICY],
				   "POLICY: SA %u: %u is no APPLY policy to take PROTO from",
				   sa->index, sa->policy);
		return -ENOENT;
	}

	if (tb[IPSEC6_SA_A_MODE]) {
		sa->mode = nla_get_u8(tb[IPSEC6_SA_A_MODE]);
		if (sa->mode != IPSEC6_MODE_TRANSPORT &&
		    sa->mode != IPSEC6_MODE_TUNNEL) {
			ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_MODE],
					   "MODE: unknown value %u", sa->mode);
			return -EINVAL;
		}
	} else if (pol && pol->action == IPSEC6_ACTION_APPLY) {
		sa->mode = pol->tmpl->mode;
	} else {
		sa->mode = IPSEC6_MODE_TRANSPORT;
	}
	return 0;
}

/* Attributes an SA nest of SA_NEW (and SA_UPDATE) must not carry. */
static const struct {
	int type;
	const char *msg;
} ipsec6_nl_sa_refused[] = {
	{ IPSEC6_SA_A_SPI_MIN, "SPI_MIN: only with SA_ALLOC_SPI" },
	{ IPSEC6_SA_A_SPI_MAX, "SPI_MAX: only with SA_ALLOC_SPI" },
	{ IPSEC6_SA_A_ENCAP_TYPE, "ENCAP_TYPE: UDP encapsulation is not supported yet" },
	{ IPSEC6_SA_A_ENCAP_SPORT, "ENCAP_SPORT: UDP encapsulation is not supported yet" },
	{ IPSEC6_SA_A_ENCAP_DPORT, "ENCAP_DPORT: UDP encapsulation is not supported yet" },
	{ IPSEC6_SA_A_ENCAP_OA, "ENCAP_OA: UDP encapsulation is not supported yet" },
};

static int ipsec6_nl_sa_refuse(struct nlattr **tb,
			       struct netlink_ext_ack *extack)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ipsec6_nl_sa_refused); i++) {
		const struct nlattr *a = tb[ipsec6_nl_sa_refused[i].type];

		if (a) {
			ipsec6_netlink_err(extack, a, "%s",
					   ipsec6_nl_sa_refused[i].msg);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * @index: what the kernel picked when the request has no INDEX (0: INDEX
 * is required).
 */
static struct ipsec6_sa *ipsec6_nl_parse_sa(const struct nlattr *nest,
					    struct ipsec6_txn *txn, u32 index,
					    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IPSEC6_SA_A_MAX + 1];
	struct ipsec6_sa *sa;
	int err;

	err = nla_parse_nested(tb, IPSEC6_SA_A_MAX, nest, ipsec6_nl_sa_policy,
			       extack);
	if (err)
		return ERR_PTR(err);
	if ((!index &&
	     !ipsec6_nl_need(tb, IPSEC6_SA_A_INDEX, nest, "INDEX", extack)) ||
	    !ipsec6_nl_need(tb, IPSEC6_SA_A_SPI, nest, "SPI", extack) ||
	    !ipsec6_nl_need(tb, IPSEC6_SA_A_DST, nest, "DST", extack))
		return ERR_PTR(-EINVAL);
	if (ipsec6_nl_check_spi(tb[IPSEC6_SA_A_SPI], extack) ||
	    ipsec6_nl_sa_refuse(tb, extack))
		return ERR_PTR(-EINVAL);

	sa = ipsec6_sad_sa_alloc();
	if (!sa)
		return ERR_PTR(-ENOMEM);
	err = -EINVAL;
	sa->index = tb[IPSEC6_SA_A_INDEX] ?
		    nla_get_u32(tb[IPSEC6_SA_A_INDEX]) : index;
	if (!sa->index) {
		ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_INDEX],
				   "INDEX: 0 is invalid (indexes start at 1)");
		goto err;
	}
	sa->spi = cpu_to_be32(nla_get_u32(tb[IPSEC6_SA_A_SPI]));
	sa->dst = nla_get_in6_addr(tb[IPSEC6_SA_A_DST]);
	if (ipv6_addr_any(&sa->dst) || ipv6_addr_is_multicast(&sa->dst)) {
		ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_DST],
				   "DST: %pI6c is not a unicast address",
				   &sa->dst);
		goto err;
	}
	if (tb[IPSEC6_SA_A_SRC]) {
		sa->src = nla_get_in6_addr(tb[IPSEC6_SA_A_SRC]);
		sa->has_src = !ipv6_addr_any(&sa->src);
	}
	if (tb[IPSEC6_SA_A_POLICY])
		sa->policy = nla_get_u32(tb[IPSEC6_SA_A_POLICY]);
	if (tb[IPSEC6_SA_A_DIR]) {
		sa->dir = nla_get_u8(tb[IPSEC6_SA_A_DIR]);
		if (sa->dir != 0 && sa->dir != IPSEC6_DIR_IN &&
		    sa->dir != IPSEC6_DIR_OUT) {
			ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_DIR],
					   "DIR: %u is not IN (1), OUT (2) or 0",
					   sa->dir);
			goto err;
		}
	}
	err = ipsec6_nl_sa_proto_mode(tb, nest, txn, sa, extack);
	if (err)
		goto err;
	if (tb[IPSEC6_SA_A_REQID])
		sa->reqid = nla_get_u32(tb[IPSEC6_SA_A_REQID]);
	if (tb[IPSEC6_SA_A_OWNER])
		sa->owner = nla_get_u32(tb[IPSEC6_SA_A_OWNER]);
	if (tb[IPSEC6_SA_A_REPLAY_WINDOW])
		sa->replay_window = nla_get_u32(tb[IPSEC6_SA_A_REPLAY_WINDOW]);
	if (tb[IPSEC6_SA_A_FLAGS])
		sa->flags = nla_get_u32(tb[IPSEC6_SA_A_FLAGS]);
	ipsec6_nl_parse_sa_sel(tb, &sa->sel);
	err = ipsec6_nl_parse_lifetime(tb, &sa->lft, extack);
	if (err)
		goto err;
	sa->count_limits = sa->lft.soft_bytes || sa->lft.hard_bytes ||
			   sa->lft.soft_packets || sa->lft.hard_packets;
	sa->time_limits = sa->lft.soft_add || sa->lft.hard_add ||
			  sa->lft.soft_use || sa->lft.hard_use;
	err = ipsec6_nl_parse_seq(tb, IPSEC6_SA_A_SEQ, sa, &sa->init_oseq,
				  "SEQ", extack);
	if (err)
		goto err;
	err = ipsec6_nl_parse_seq(tb, IPSEC6_SA_A_RSEQ, sa, &sa->init_rseq,
				  "RSEQ", extack);
	if (err)
		goto err;
	err = -ENOMEM;
	sa->keyfile = ipsec6_nl_strdup(tb[IPSEC6_SA_A_KEYFILE]);
	if (tb[IPSEC6_SA_A_KEYFILE] && !sa->keyfile)
		goto err;
	sa->enc_keyfile = ipsec6_nl_strdup(tb[IPSEC6_SA_A_ENC_KEYFILE]);
	if (tb[IPSEC6_SA_A_ENC_KEYFILE] && !sa->enc_keyfile)
		goto err;
	err = ipsec6_crypto_cfg_parse(&sa->cfg, sa->proto, tb, nest, extack);
	if (err)
		goto err;
	err = ipsec6_sad_sa_setup(sa, extack);
	if (err)
		goto err;
	return sa;
err:
	ipsec6_sad_sa_put(sa);
	return ERR_PTR(err);
}

/* Messages to user space. */

static int ipsec6_nl_put_counts(struct sk_buff *skb, int type,
				struct ipsec6_counters __percpu *c)
{
	struct ipsec6_counts sum;
	struct nlattr *nest;

	ipsec6_counters_read(c, &sum);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, IPSEC6_COUNTS_A_PACKETS, sum.packets,
			      IPSEC6_COUNTS_A_PAD) ||
	    nla_put_u64_64bit(skb, IPSEC6_COUNTS_A_BYTES, sum.bytes,
			      IPSEC6_COUNTS_A_PAD) ||
	    nla_put_u64_64bit(skb, IPSEC6_COUNTS_A_DROPS, sum.drops,
			      IPSEC6_COUNTS_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ipsec6_nl_put_range(struct sk_buff *skb, int a_start, int a_end,
			       const struct ipsec6_addr_range *r)
{
	if (nla_put_in6_addr(skb, a_start, &r->start) ||
	    nla_put_in6_addr(skb, a_end, &r->end))
		return -EMSGSIZE;
	return 0;
}

static int ipsec6_nl_put_sel(struct sk_buff *skb, const struct ipsec6_sel *s)
{
	u8 p = s->present;

	if ((p & IPSEC6_SEL_REMOTE) &&
	    ipsec6_nl_put_range(skb, IPSEC6_POLICY_A_REMOTE_START,
				IPSEC6_POLICY_A_REMOTE_END, &s->remote))
		return -EMSGSIZE;
	if ((p & IPSEC6_SEL_LOCAL) &&
	    ipsec6_nl_put_range(skb, IPSEC6_POLICY_A_LOCAL_START,
				IPSEC6_POLICY_A_LOCAL_END, &s->local))
		return -EMSGSIZE;
	if ((p & IPSEC6_SEL_PROTO) &&
	    nla_put_u8(skb, IPSEC6_POLICY_A_PROTO, s->proto))
		return -EMSGSIZE;
	if ((p & IPSEC6_SEL_RPORT) &&
	    (nla_put_u16(skb, IPSEC6_POLICY_A_REMOTE_PORT_START,
			 s->rport_start) ||
	     nla_put_u16(skb, IPSEC6_POLICY_A_REMOTE_PORT_END, s->rport_end)))
		return -EMSGSIZE;
	if ((p & IPSEC6_SEL_LPORT) &&
	    (nla_put_u16(skb, IPSEC6_POLICY_A_LOCAL_PORT_START,
			 s->lport_start) ||
	     nla_put_u16(skb, IPSEC6_POLICY_A_LOCAL_PORT_END, s->lport_end)))
		return -EMSGSIZE;
	if ((p & IPSEC6_SEL_ICMP_TYPE) &&
	    nla_put_u8(skb, IPSEC6_POLICY_A_ICMP_TYPE, s->icmp_type))
		return -EMSGSIZE;
	if ((p & IPSEC6_SEL_ICMP_CODE) &&
	    nla_put_u8(skb, IPSEC6_POLICY_A_ICMP_CODE, s->icmp_code))
		return -EMSGSIZE;
	if (s->from_packet &&
	    nla_put_u32(skb, IPSEC6_POLICY_A_FROM_PACKET, s->from_packet))
		return -EMSGSIZE;
	if (nla_put_u32(skb, IPSEC6_POLICY_A_IFINDEX, s->ifindex))
		return -EMSGSIZE;
	return 0;
}

int ipsec6_nl_put_policy(struct sk_buff *skb, const struct ipsec6_policy *pol)
{
	const struct ipsec6_tmpl *t = pol->tmpl;
	struct nlattr *nest;

	nest = nla_nest_start(skb, IPSEC6_A_POLICY);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, IPSEC6_POLICY_A_INDEX, pol->index) ||
	    nla_put_u32(skb, IPSEC6_POLICY_A_PRIORITY, pol->priority) ||
	    nla_put_u8(skb, IPSEC6_POLICY_A_DIR, pol->dir) ||
	    nla_put_u8(skb, IPSEC6_POLICY_A_ACTION, pol->action) ||
	    ipsec6_nl_put_sel(skb, &pol->sel))
		goto cancel;
	if (pol->flags && nla_put_u32(skb, IPSEC6_POLICY_A_FLAGS, pol->flags))
		goto cancel;
	if (pol->owner && nla_put_u32(skb, IPSEC6_POLICY_A_OWNER, pol->owner))
		goto cancel;
	if (nla_put_u64_64bit(skb, IPSEC6_POLICY_A_LAST_USED,
			      READ_ONCE(pol->last_used), IPSEC6_POLICY_A_PAD))
		goto cancel;
	if (pol->action == IPSEC6_ACTION_APPLY) {
		if (nla_put_u8(skb, IPSEC6_POLICY_A_IPSEC_PROTO, t->proto) ||
		    nla_put_u8(skb, IPSEC6_POLICY_A_MODE, t->mode))
			goto cancel;
		if (t->mode == IPSEC6_MODE_TUNNEL &&
		    nla_put_in6_addr(skb, IPSEC6_POLICY_A_TUNNEL_REMOTE,
				     &t->tremote))
			goto cancel;
		if (t->has_tlocal &&
		    nla_put_in6_addr(skb, IPSEC6_POLICY_A_TUNNEL_LOCAL,
				     &t->tlocal))
			goto cancel;
		if (t->reqid && nla_put_u32(skb, IPSEC6_POLICY_A_REQID, t->reqid))
			goto cancel;
		if (pol->bundle_next &&
		    nla_put_u32(skb, IPSEC6_POLICY_A_BUNDLE_NEXT,
				pol->bundle_next))
			goto cancel;
	}
	if (ipsec6_nl_put_counts(skb, IPSEC6_POLICY_A_COUNTS, pol->counts))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int ipsec6_nl_put_alg(struct sk_buff *skb, int type,
			     const struct ipsec6_alg *alg)
{
	return alg ? nla_put_string(skb, type, alg->name) : 0;
}

static int ipsec6_nl_put_u64_nz(struct sk_buff *skb, int type, u64 v)
{
	return v ? nla_put_u64_64bit(skb, type, v, IPSEC6_SA_A_PAD) : 0;
}

static int ipsec6_nl_put_sa_sel(struct sk_buff *skb,
				const struct ipsec6_sa_sel *s)
{
	if ((s->present & IPSEC6_SA_SEL_DST) &&
	    nla_put_in6_addr(skb, IPSEC6_SA_A_SEL_DST, &s->dst))
		return -EMSGSIZE;
	if ((s->present & IPSEC6_SA_SEL_SRC) &&
	    nla_put_in6_addr(skb, IPSEC6_SA_A_SEL_SRC, &s->src))
		return -EMSGSIZE;
	if ((s->present & IPSEC6_SA_SEL_PROTO) &&
	    nla_put_u8(skb, IPSEC6_SA_A_SEL_PROTO, s->proto))
		return -EMSGSIZE;
	if ((s->present & IPSEC6_SA_SEL_DPORT) &&
	    nla_put_u16(skb, IPSEC6_SA_A_SEL_DPORT, s->dport))
		return -EMSGSIZE;
	if ((s->present & IPSEC6_SA_SEL_SPORT) &&
	    nla_put_u16(skb, IPSEC6_SA_A_SEL_SPORT, s->sport))
		return -EMSGSIZE;
	return 0;
}

static int ipsec6_nl_put_lifetime(struct sk_buff *skb,
				  const struct ipsec6_lifetime *l)
{
	if (ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_SOFT_BYTES, l->soft_bytes) ||
	    ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_HARD_BYTES, l->hard_bytes) ||
	    ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_SOFT_PACKETS,
				 l->soft_packets) ||
	    ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_HARD_PACKETS,
				 l->hard_packets) ||
	    ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_SOFT_ADD_SECONDS,
				 l->soft_add) ||
	    ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_HARD_ADD_SECONDS,
				 l->hard_add) ||
	    ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_SOFT_USE_SECONDS,
				 l->soft_use) ||
	    ipsec6_nl_put_u64_nz(skb, IPSEC6_SA_A_HARD_USE_SECONDS,
				 l->hard_use))
		return -EMSGSIZE;
	return 0;
}

/* What dumps call the state: a larval SA is LARVAL until it expires. */
static u8 ipsec6_nl_sa_state(const struct ipsec6_sa *sa)
{
	int state = READ_ONCE(sa->state);

	if (sa->larval && state == IPSEC6_SA_STATE_VALID)
		return IPSEC6_SA_STATE_LARVAL;
	return state;
}

/* Everything about an SA except its keys. */
int ipsec6_nl_put_sa(struct sk_buff *skb, struct ipsec6_sa *sa)
{
	const struct ipsec6_crypto_cfg *c = &sa->cfg;
	struct nlattr *nest;

	nest = nla_nest_start(skb, IPSEC6_A_SA);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, IPSEC6_SA_A_INDEX, sa->index) ||
	    nla_put_u32(skb, IPSEC6_SA_A_SPI, be32_to_cpu(sa->spi)) ||
	    nla_put_u8(skb, IPSEC6_SA_A_PROTO, sa->proto) ||
	    nla_put_u8(skb, IPSEC6_SA_A_MODE, sa->mode) ||
	    nla_put_u8(skb, IPSEC6_SA_A_DIR, sa->dir) ||
	    nla_put_in6_addr(skb, IPSEC6_SA_A_DST, &sa->dst) ||
	    (sa->has_src && nla_put_in6_addr(skb, IPSEC6_SA_A_SRC, &sa->src)) ||
	    (sa->policy && nla_put_u32(skb, IPSEC6_SA_A_POLICY, sa->policy)) ||
	    (sa->reqid && nla_put_u32(skb, IPSEC6_SA_A_REQID, sa->reqid)) ||
	    (sa->owner && nla_put_u32(skb, IPSEC6_SA_A_OWNER, sa->owner)) ||
	    ipsec6_nl_put_sa_sel(skb, &sa->sel) ||
	    ipsec6_nl_put_alg(skb, IPSEC6_SA_A_AUTH_NAME, c->auth) ||
	    ipsec6_nl_put_alg(skb, IPSEC6_SA_A_ENC_NAME, c->enc) ||
	    ipsec6_nl_put_alg(skb, IPSEC6_SA_A_AEAD_NAME, c->aead) ||
	    nla_put_u32(skb, IPSEC6_SA_A_ICV_LEN, c->icv_bits) ||
	    nla_put_u32(skb, IPSEC6_SA_A_REPLAY_WINDOW, sa->replay_window) ||
	    (sa->flags && nla_put_u32(skb, IPSEC6_SA_A_FLAGS, sa->flags)) ||
	    ipsec6_nl_put_lifetime(skb, &sa->lft) ||
	    (sa->keyfile &&
	     nla_put_string(skb, IPSEC6_SA_A_KEYFILE, sa->keyfile)) ||
	    (sa->enc_keyfile &&
	     nla_put_string(skb, IPSEC6_SA_A_ENC_KEYFILE, sa->enc_keyfile)) ||
	    nla_put_u32(skb, IPSEC6_SA_A_KEY_BITS,
			ipsec6_crypto_cfg_key_bits(c)) ||
	    nla_put_u64_64bit(skb, IPSEC6_SA_A_SEQ, atomic64_read(&sa->oseq),
			      IPSEC6_SA_A_PAD) ||
	    (sa->replay &&
	     nla_put_u64_64bit(skb, IPSEC6_SA_A_RSEQ,
			       ipsec6_replay_top(sa->replay), IPSEC6_SA_A_PAD)) ||
	    nla_put_u8(skb, IPSEC6_SA_A_STATE, ipsec6_nl_sa_state(sa)) ||
	    nla_put_u64_64bit(skb, IPSEC6_SA_A_LAST_USED,
			      READ_ONCE(sa->last_used), IPSEC6_SA_A_PAD) ||
	    nla_put_u64_64bit(skb, IPSEC6_SA_A_ADD_TIME, sa->add_time,
			      IPSEC6_SA_A_PAD) ||
	    ipsec6_nl_put_counts(skb, IPSEC6_SA_A_COUNTS, sa->counts)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Change requests. */

/*
 * Replacing is asked for with an attribute: genetlink refuses nlmsg_flags
 * such as NLM_F_REPLACE on strictly validated operations.
 */
static bool ipsec6_nl_replace(const struct genl_info *info)
{
	return nla_get_flag(info->attrs[IPSEC6_A_REPLACE]);
}

/*
 * A NEW request without INDEX gets one from the kernel (alloc.c); *@index
 * stays 0 if the request has one.
 */
static int ipsec6_nl_auto_index(struct ipsec6_net *in, struct ipsec6_txn *txn,
				const struct nlattr *nest, bool sa, u32 *index,
				struct netlink_ext_ack *extack)
{
	*index = 0;
	if (!nest || nla_find_nested(nest, sa ? IPSEC6_SA_A_INDEX :
					  IPSEC6_POLICY_A_INDEX))
		return 0;
	if (sa)
		return ipsec6_alloc_sa_index(in, txn, index, extack);
	return ipsec6_alloc_policy_index(in, txn, index, extack);
}

/*
 * Does a NEW request get the object back before its ack?  When the kernel
 * chose the index, and on NLM_F_ECHO.
 */
static bool ipsec6_nl_answers(const struct genl_info *info, u32 auto_index)
{
	return auto_index || (info->nlhdr->nlmsg_flags & NLM_F_ECHO);
}

/* The caller's open change set, or NULL (its changes are published). */
static struct ipsec6_txn *ipsec6_nl_staged(struct ipsec6_net *in,
					   const struct genl_info *info)
{
	lockdep_assert_held(&in->lock);

	if (in->txn && in->txn->portid == info->snd_portid)
		return in->txn;
	return NULL;
}

/*
 * The policy a request left at @index, referenced: staged in the caller's
 * open transaction, or published.  NULL if there is none.
 */
static struct ipsec6_policy *ipsec6_nl_result_policy(struct ipsec6_net *in,
						     const struct genl_info *info,
						     u32 index)
{
	struct ipsec6_txn *txn = ipsec6_nl_staged(in, info);
	struct ipsec6_db *db = ipsec6_net_db(in);
	const struct ipsec6_spd_entry *e;
	struct ipsec6_policy *pol;

	if (txn) {
		pol = ipsec6_txn_policy_find(txn, index);
		return pol ? ipsec6_spd_policy_get(pol) : NULL;
	}
	e = db ? ipsec6_spd_find(db, index) : NULL;
	return e ? ipsec6_spd_policy_get(e->pol) : NULL;
}

/* The same for an SA. */
struct ipsec6_sa *ipsec6_nl_result_sa(struct ipsec6_net *in,
				      const struct genl_info *info, u32 index)
{
	struct ipsec6_txn *txn = ipsec6_nl_staged(in, info);
	struct ipsec6_db *db = ipsec6_net_db(in);
	struct ipsec6_sa *sa;

	if (txn)
		sa = xa_load(&txn->sa, index);
	else
		sa = db ? ipsec6_sad_find(db, index) : NULL;
	return sa ? ipsec6_sad_sa_get(sa) : NULL;
}

static int ipsec6_nl_policy_new(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	struct nlattr *nest = ipsec6_nl_nest(info, IPSEC6_A_POLICY, "POLICY");
	struct ipsec6_policy *pol, *res = NULL;
	struct ipsec6_txn *txn;
	u32 index;
	int err;

	mutex_lock(&in->lock);
	txn = ipsec6_txn_get(in, info->snd_portid, info->extack);
	if (IS_ERR(txn)) {
		err = PTR_ERR(txn);
		goto out;
	}
	/* Parsed under the change set: a rejection must mark it failed. */
	err = ipsec6_nl_auto_index(in, txn, nest, false, &index,
				   info->extack);
	pol = err ? ERR_PTR(err) :
	      nest ? ipsec6_nl_parse_policy(nest, index, info->extack) :
		     ERR_PTR(-EINVAL);
	if (IS_ERR(pol)) {
		err = PTR_ERR(pol);
	} else {
		index = ipsec6_nl_answers(info, index) ? pol->index : 0;
		err = ipsec6_txn_policy_add(txn, pol, ipsec6_nl_replace(info),
					    info->extack);
		if (err)
			ipsec6_spd_policy_put(pol);
	}
	err = ipsec6_txn_finish(in, txn, err, info->extack);
	if (!err && index)
		res = ipsec6_nl_result_policy(in, info, index);
out:
	mutex_unlock(&in->lock);
	if (res) {
		err = ipsec6_nl_reply(info, IPSEC6_CMD_POLICY_NEW,
				      ipsec6_nl_fill_policy, res);
		ipsec6_spd_policy_put(res);
	}
	return err;
}

static int ipsec6_nl_policy_index(struct genl_info *info, u32 *index)
{
	struct nlattr *nest = ipsec6_nl_nest(info, IPSEC6_A_POLICY, "POLICY");
	struct nlattr *tb[IPSEC6_POLICY_A_INDEX + 1];
	int err;

	if (!nest)
		return -EINVAL;
	err = nla_parse_nested(tb, IPSEC6_POLICY_A_INDEX, nest,
			       ipsec6_nl_policy_id_policy, info->extack);
	if (err)
		return err;
	if (!ipsec6_nl_need(tb, IPSEC6_POLICY_A_INDEX, nest, "INDEX",
			    info->extack))
		return -EINVAL;
	*index = nla_get_u32(tb[IPSEC6_POLICY_A_INDEX]);
	return 0;
}

static int ipsec6_nl_policy_del(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	struct ipsec6_txn *txn;
	u32 index;
	int err;

	mutex_lock(&in->lock);
	txn = ipsec6_txn_get(in, info->snd_portid, info->extack);
	if (IS_ERR(txn)) {
		err = PTR_ERR(txn);
		goto out;
	}
	err = ipsec6_nl_policy_index(info, &index);
	if (!err)
		err = ipsec6_txn_policy_del(txn, index, info->extack);
	err = ipsec6_txn_finish(in, txn, err, info->extack);
out:
	mutex_unlock(&in->lock);
	return err;
}

/* With OWNER, only that owner's objects (and socket-bypass cookies). */
static int ipsec6_nl_policy_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	const struct nlattr *owner = info->attrs[IPSEC6_A_OWNER];
	struct ipsec6_txn *txn;
	int err;

	mutex_lock(&in->lock);
	txn = ipsec6_txn_get(in, info->snd_portid, info->extack);
	if (IS_ERR(txn)) {
		err = PTR_ERR(txn);
		goto out;
	}
	if (owner) {
		ipsec6_txn_policy_flush_owner(txn, nla_get_u32(owner));
		err = 0;
	} else {
		err = ipsec6_txn_policy_flush(txn);
	}
	err = ipsec6_txn_finish(in, txn, err, info->extack);
	if (!err && owner)
		ipsec6_bypass_flush(in, nla_get_u32(owner));
out:
	mutex_unlock(&in->lock);
	return err;
}

static int ipsec6_nl_sa_new(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	struct nlattr *nest = ipsec6_nl_nest(info, IPSEC6_A_SA, "SA");
	struct ipsec6_sa *sa, *res = NULL;
	struct ipsec6_txn *txn;
	u32 index;
	int err;

	mutex_lock(&in->lock);
	txn = ipsec6_txn_get(in, info->snd_portid, info->extack);
	if (IS_ERR(txn)) {
		err = PTR_ERR(txn);
		goto out;
	}
	err = ipsec6_nl_auto_index(in, txn, nest, true, &index, info->extack);
	sa = err ? ERR_PTR(err) :
	     nest ? ipsec6_nl_parse_sa(nest, txn, index, info->extack) :
		    ERR_PTR(-EINVAL);
	if (IS_ERR(sa)) {
		err = PTR_ERR(sa);
	} else {
		sa->net = in;
		index = ipsec6_nl_answers(info, index) ? sa->index : 0;
		err = ipsec6_txn_sa_add(txn, sa, ipsec6_nl_replace(info),
					info->extack);
		if (err)
			ipsec6_sad_sa_put(sa);
	}
	err = ipsec6_txn_finish(in, txn, err, info->extack);
	if (!err && index)
		res = ipsec6_nl_result_sa(in, info, index);
out:
	mutex_unlock(&in->lock);
	if (res) {
		err = ipsec6_nl_reply(info, IPSEC6_CMD_SA_NEW,
				      ipsec6_nl_fill_sa, res);
		ipsec6_sad_sa_put(res);
	}
	return err;
}

/* Resolve an SA identity (INDEX, or SPI/DST/PROTO) to its index. */
static int ipsec6_nl_sa_id(struct genl_info *info, struct xarray *sas,
			   struct ipsec6_db *db, u32 *index)
{
	struct nlattr *nest = ipsec6_nl_nest(info, IPSEC6_A_SA, "SA");
	struct nlattr *tb[IPSEC6_SA_A_DST + 1];
	struct ipsec6_sa *sa = NULL, key;
	unsigned long i;
	int err;

	if (!nest)
		return -EINVAL;
	err = nla_parse_nested(tb, IPSEC6_SA_A_DST, nest,
			       ipsec6_nl_sa_id_policy, info->extack);
	if (err)
		return err;
	if (tb[IPSEC6_SA_A_INDEX]) {
		*index = nla_get_u32(tb[IPSEC6_SA_A_INDEX]);
		return 0;
	}
	if (!ipsec6_nl_need(tb, IPSEC6_SA_A_SPI, nest, "SPI (or INDEX)",
			    info->extack) ||
	    !ipsec6_nl_need(tb, IPSEC6_SA_A_DST, nest, "DST", info->extack) ||
	    !ipsec6_nl_need(tb, IPSEC6_SA_A_PROTO, nest, "PROTO",
			    info->extack))
		return -EINVAL;
	key.spi = cpu_to_be32(nla_get_u32(tb[IPSEC6_SA_A_SPI]));
	key.dst = nla_get_in6_addr(tb[IPSEC6_SA_A_DST]);
	key.proto = nla_get_u8(tb[IPSEC6_SA_A_PROTO]);
	if (sas) {
		xa_for_each(sas, i, sa)
			if (ipsec6_sad_sa_same_id(sa, &key))
				break;
	} else {
		sa = ipsec6_sad_lookup(db, key.spi, &key.dst, key.proto);
	}
	if (!sa) {
		ipsec6_netlink_err(info->extack, nest,
				   "SA: no SA with SPI %u, DST %pI6c, PROTO %u",
				   ntohl(key.spi), &key.dst, key.proto);
		return -ENOENT;
	}
	*index = sa->index;
	return 0;
}

static int ipsec6_nl_sa_del(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	struct ipsec6_txn *txn;
	u32 index;
	int err;

	mutex_lock(&in->lock);
	txn = ipsec6_txn_get(in, info->snd_portid, info->extack);
	if (IS_ERR(txn)) {
		err = PTR_ERR(txn);
		goto out;
	}
	err = ipsec6_nl_sa_id(info, &txn->sa, NULL, &index);
	if (!err)
		err = ipsec6_txn_sa_del(txn, index, info->extack);
	err = ipsec6_txn_finish(in, txn, err, info->extack);
out:
	mutex_unlock(&in->lock);
	return err;
}

static int ipsec6_nl_sa_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	const struct nlattr *owner = info->attrs[IPSEC6_A_OWNER];
	struct ipsec6_txn *txn;
	int err;

	mutex_lock(&in->lock);
	txn = ipsec6_txn_get(in, info->snd_portid, info->extack);
	if (IS_ERR(txn)) {
		err = PTR_ERR(txn);
		goto out;
	}
	if (owner)
		ipsec6_txn_sa_flush_owner(txn, nla_get_u32(owner));
	else
		ipsec6_txn_sa_flush(txn);
	err = ipsec6_txn_finish(in, txn, 0, info->extack);
	if (!err && owner)
		ipsec6_bypass_flush(in, nla_get_u32(owner));
out:
	mutex_unlock(&in->lock);
	return err;
}

/* Not there yet: it comes with SA state shared across objects. */
static int ipsec6_nl_sa_update(struct sk_buff *skb, struct genl_info *info)
{
	ipsec6_netlink_err(info->extack, NULL, "SA_UPDATE: not implemented yet");
	return -EOPNOTSUPP;
}

static int ipsec6_nl_txn_begin(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	struct ipsec6_txn *txn;
	u32 flags = 0;

	if (info->attrs[IPSEC6_A_TXN_FLAGS])
		flags = nla_get_u32(info->attrs[IPSEC6_A_TXN_FLAGS]);
	mutex_lock(&in->lock);
	txn = ipsec6_txn_begin(in, info->snd_portid, flags, info->extack);
	mutex_unlock(&in->lock);
	return PTR_ERR_OR_ZERO(txn);
}

/* The open transaction of the caller, or an error saying there is none. */
static struct ipsec6_txn *ipsec6_nl_own_txn(struct ipsec6_net *in,
					    struct genl_info *info)
{
	lockdep_assert_held(&in->lock);

	if (!in->txn || in->txn->portid != info->snd_portid) {
		ipsec6_netlink_err(info->extack, NULL,
				   "no open transaction on this socket");
		return NULL;
	}
	return in->txn;
}

/*
 * A request genetlink refuses (reserved header flags, an unknown attribute)
 * never reaches ipsec6 and so cannot mark the set failed.  A client that
 * says in TXN_REQUESTS how many change requests it sent learns it at
 * commit: the set is then failed, as if ipsec6 had refused the request.
 */
static int ipsec6_nl_txn_count(struct ipsec6_txn *txn, struct genl_info *info)
{
	const struct nlattr *attr = info->attrs[IPSEC6_A_TXN_REQUESTS];

	if (!attr || nla_get_u32(attr) == txn->requests)
		return 0;
	txn->failed = true;
	ipsec6_netlink_err(info->extack, attr,
			   "TXN_REQUESTS: %u sent, %u reached ipsec6; abort it",
			   nla_get_u32(attr), txn->requests);
	return -EINVAL;
}

static int ipsec6_nl_txn_commit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	struct ipsec6_txn *txn;
	int err = -ENOENT;

	mutex_lock(&in->lock);
	txn = ipsec6_nl_own_txn(in, info);
	if (txn) {
		err = ipsec6_nl_txn_count(txn, info) ?:
		      ipsec6_txn_commit(in, txn, info->extack);
		if (!err)
			ipsec6_txn_abort(in, txn);
	}
	mutex_unlock(&in->lock);
	return err;
}

static int ipsec6_nl_txn_abort(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	struct ipsec6_txn *txn;
	int err = -ENOENT;

	mutex_lock(&in->lock);
	txn = ipsec6_nl_own_txn(in, info);
	if (txn) {
		ipsec6_txn_abort(in, txn);
		err = 0;
	}
	mutex_unlock(&in->lock);
	return err;
}

/* Queries. */

int ipsec6_nl_reply(struct genl_info *info, u8 cmd,
		    int (*fill)(struct sk_buff *skb, void *obj), void *obj)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ipsec6_family, 0, cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err;
	}
	err = fill(msg, obj);
	if (err)
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return err;
}

int ipsec6_nl_fill_policy(struct sk_buff *skb, void *obj)
{
	return ipsec6_nl_put_policy(skb, obj);
}

int ipsec6_nl_fill_sa(struct sk_buff *skb, void *obj)
{
	return ipsec6_nl_put_sa(skb, obj);
}

static int ipsec6_nl_policy_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	const struct ipsec6_spd_entry *e;
	struct ipsec6_policy *pol = NULL;
	u32 index;
	int err;

	err = ipsec6_nl_policy_index(info, &index);
	if (err)
		return err;
	rcu_read_lock();
	e = ipsec6_spd_find(rcu_dereference(in->db), index);
	if (e)
		pol = ipsec6_spd_policy_get(e->pol);
	rcu_read_unlock();
	if (!pol) {
		ipsec6_netlink_err(info->extack, NULL, "INDEX: no policy %u",
				   index);
		return -ENOENT;
	}
	err = ipsec6_nl_reply(info, IPSEC6_CMD_POLICY_GET,
			      ipsec6_nl_fill_policy, pol);
	ipsec6_spd_policy_put(pol);
	return err;
}

static int ipsec6_nl_sa_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ipsec6_net *in = ipsec6_net(genl_info_net(info));
	struct ipsec6_sa *sa = NULL;
	struct ipsec6_db *db;
	u32 index;
	int err;

	rcu_read_lock();
	db = rcu_dereference(in->db);
	err = ipsec6_nl_sa_id(info, NULL, db, &index);
	if (!err) {
		sa = ipsec6_sad_find(db, index);
		if (sa)
			ipsec6_sad_sa_get(sa);
	}
	rcu_read_unlock();
	if (err)
		return err;
	if (!sa) {
		ipsec6_netlink_err(info->extack, NULL, "INDEX: no SA %u", index);
		return -ENOENT;
	}
	err = ipsec6_nl_reply(info, IPSEC6_CMD_SA_GET, ipsec6_nl_fill_sa, sa);
	ipsec6_sad_sa_put(sa);
	return err;
}

/*
 * Dumps walk the published version one message per object; cb->args[0] is
 * the position, cb->seq the generation, so a dump that spans a change is
 * flagged NLM_F_DUMP_INTR.
 */
static int ipsec6_nl_dump(struct sk_buff *skb, struct netlink_callback *cb,
			  u8 cmd, bool sas)
{
	struct ipsec6_net *in = ipsec6_net(sock_net(skb->sk));
	const struct ipsec6_db *db;
	unsigned long pos = cb->args[0];
	int err = 0;

	rcu_read_lock();
	db = rcu_dereference(in->db);
	cb->seq = db->generation;
	for (; pos < (sas ? db->nsa : db->npol); pos++) {
		void *hdr;

		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ipsec6_family,
				  NLM_F_MULTI, cmd);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (nla_put_u32(skb, IPSEC6_A_GENERATION, db->generation))
			err = -EMSGSIZE;
		else if (sas)
			err = ipsec6_nl_put_sa(skb, db->sa[pos]);
		else
			err = ipsec6_nl_put_policy(skb, db->pol[pos].pol);
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	rcu_read_unlock();
	/* A single object that does not fit an empty message is a bug. */
	if (err && pos == cb->args[0])
		return err;
	cb->args[0] = pos;
	return skb->len;
}

static int ipsec6_nl_policy_dump(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	return ipsec6_nl_dump(skb, cb, IPSEC6_CMD_POLICY_GET, false);
}

static int ipsec6_nl_sa_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return ipsec6_nl_dump(skb, cb, IPSEC6_CMD_SA_GET, true);
}

static int ipsec6_nl_fill_stats(struct sk_buff *skb, void *obj)
{
	struct ipsec6_net *in = obj;
	struct nlattr *nest;
	unsigned int r;

	nest = nla_nest_start(skb, IPSEC6_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (r = IPSEC6_STATS_A_NO_POLICY; r < IPSEC6_STATS_A_PAD; r++) {
		if (nla_put_u64_64bit(skb, r, ipsec6_stats_read(in->stats, r),
				      IPSEC6_STATS_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ipsec6_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	return ipsec6_nl_reply(info, IPSEC6_CMD_STATS_GET,
			       ipsec6_nl_fill_stats,
			       ipsec6_net(genl_info_net(info)));
}

/* Notifications. */

void ipsec6_nl_multicast(struct ipsec6_net *in, struct sk_buff *msg)
{
	genlmsg_multicast_netns(&ipsec6_family, in->net, msg, 0,
				IPSEC6_MCGRP_ID_EVENTS, GFP_ATOMIC);
}

/* Is anyone listening to the events group of @in's namespace? */
bool ipsec6_nl_listening(struct ipsec6_net *in)
{
	return genl_has_listeners(&ipsec6_family, in->net,
				  IPSEC6_MCGRP_ID_EVENTS);
}

/* An event message of @cmd; NULL if no memory.  Finish with genlmsg_end(). */
struct sk_buff *ipsec6_nl_event_new(u8 cmd, gfp_t gfp, void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, gfp);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &ipsec6_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void ipsec6_netlink_notify_changed(struct ipsec6_net *in)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&ipsec6_family, in->net,
				IPSEC6_MCGRP_ID_EVENTS))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &ipsec6_family, 0, IPSEC6_CMD_CHANGED);
	if (!hdr || nla_put_u32(msg, IPSEC6_A_GENERATION, in->generation)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	ipsec6_nl_multicast(in, msg);
}

/* May run in softirq context. */
void ipsec6_netlink_notify_expired(struct ipsec6_sa *sa, u8 what)
{
	struct net *net = sa->net->net;
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&ipsec6_family, net, IPSEC6_MCGRP_ID_EVENTS))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &ipsec6_family, 0,
			  IPSEC6_CMD_SA_EXPIRED);
	if (!hdr || nla_put_u8(msg, IPSEC6_A_EXPIRE, what) ||
	    ipsec6_nl_put_sa(msg, sa)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	ipsec6_nl_multicast(sa->net, msg);
}

#define IPSEC6_NL_OP(_cmd, _doit, _dumpit, _policy, _maxattr, _flags) { \
	.cmd = (_cmd), .doit = (_doit), .dumpit = (_dumpit),		\
	.policy = (_policy), .maxattr = (_maxattr), .flags = (_flags),	\
}

#define IPSEC6_NL_OP_NOATTR(_cmd, _doit, _flags) {			\
	.cmd = (_cmd), .doit = (_doit), .flags = (_flags),		\
}

static const struct genl_ops ipsec6_ops[] = {
	IPSEC6_NL_OP(IPSEC6_CMD_POLICY_NEW, ipsec6_nl_policy_new, NULL,
		     ipsec6_nl_req_policy_new,
		     ARRAY_SIZE(ipsec6_nl_req_policy_new) - 1, GENL_UNS_ADMIN_PERM),
	IPSEC6_NL_OP(IPSEC6_CMD_POLICY_DEL, ipsec6_nl_policy_del, NULL,
		     ipsec6_nl_req_policy_del,
		     ARRAY_SIZE(ipsec6_nl_req_policy_del) - 1, GENL_UNS_ADMIN_PERM),
	IPSEC6_NL_OP(IPSEC6_CMD_POLICY_GET, ipsec6_nl_policy_get,
		     ipsec6_nl_policy_dump,
		     ipsec6_nl_req_policy_id,
		     ARRAY_SIZE(ipsec6_nl_req_policy_id) - 1, 0),
	IPSEC6_NL_OP(IPSEC6_CMD_POLICY_FLUSH, ipsec6_nl_policy_flush, NULL,
		     ipsec6_nl_req_flush,
		     ARRAY_SIZE(ipsec6_nl_req_flush) - 1, GENL_UNS_ADMIN_PERM),
	IPSEC6_NL_OP(IPSEC6_CMD_SA_NEW, ipsec6_nl_sa_new, NULL,
		     ipsec6_nl_req_sa_new,
		     ARRAY_SIZE(ipsec6_nl_req_sa_new) - 1, GENL_UNS_ADMIN_PERM),
	IPSEC6_NL_OP(IPSEC6_CMD_SA_DEL, ipsec6_nl_sa_del, NULL,
		     ipsec6_nl_req_sa_del,
		     ARRAY_SIZE(ipsec6_nl_req_sa_del) - 1, GENL_UNS_ADMIN_PERM),
	IPSEC6_NL_OP(IPSEC6_CMD_SA_GET, ipsec6_nl_sa_get, ipsec6_nl_sa_dump,
		     ipsec6_nl_req_sa_id,
		     ARRAY_SIZE(ipsec6_nl_req_sa_id) - 1, GENL_UNS_ADMIN_PERM),
	IPSEC6_NL_OP(IPSEC6_CMD_SA_FLUSH, ipsec6_nl_sa_flush, NULL,
		     ipsec6_nl_req_flush,
		     ARRAY_SIZE(ipsec6_nl_req_flush) - 1, GENL_UNS_ADMIN_PERM),
	IPSEC6_NL_OP(IPSEC6_CMD_TXN_BEGIN, ipsec6_nl_txn_begin, NULL,
		     ipsec6_nl_req_txn_begin,
		     ARRAY_SIZE(ipsec6_nl_req_txn_begin) - 1, GENL_UNS_ADMIN_PERM),
	IPSEC6_NL_OP(IPSEC6_CMD_TXN_COMMIT, ipsec6_nl_txn_commit, NULL,
		     ipsec6_nl_req_txn_commit,
		     ARRAY_SIZE(ipsec6_nl_req_txn_commit) - 1, GENL_UNS_ADMIN_PERM),
	IPSEC6_NL_OP_NOATTR(IPSEC6_CMD_TXN_ABORT, ipsec6_nl_txn_abort,
			    GENL_UNS_ADMIN_PERM),
	IPSEC6_NL_OP_NOATTR(IPSEC6_CMD_STATS_GET, ipsec6_nl_stats_get, 0),
	IPSEC6_NL_OP(IPSEC6_CMD_SA_ALLOC_SPI, ipsec6_nl_sa_alloc_spi, NULL,
		     ipsec6_nl_req_sa_del,
		     ARRAY_SIZE(ipsec6_nl_req_sa_del) - 1, GENL_UNS_ADMIN_PERM),
	IPSEC6_NL_OP(IPSEC6_CMD_SA_UPDATE, ipsec6_nl_sa_update, NULL,
		     ipsec6_nl_req_sa_del,
		     ARRAY_SIZE(ipsec6_nl_req_sa_del) - 1, GENL_UNS_ADMIN_PERM),
	IPSEC6_NL_OP(IPSEC6_CMD_SOCKET_BYPASS, ipsec6_nl_socket_bypass, NULL,
		     ipsec6_nl_req_bypass,
		     ARRAY_SIZE(ipsec6_nl_req_bypass) - 1, GENL_UNS_ADMIN_PERM),
};

static const struct genl_multicast_group ipsec6_mcgrps[] = {
	/* SA_EXPIRED carries what SA_GET shows only to CAP_NET_ADMIN. */
	[IPSEC6_MCGRP_ID_EVENTS] = { .name = IPSEC6_MCGRP_EVENTS,
				     .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family ipsec6_family __ro_after_init = {
	.name = IPSEC6_GENL_NAME,
	.version = IPSEC6_GENL_VERSION,
	.maxattr = IPSEC6_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = ipsec6_ops,
	.n_ops = ARRAY_SIZE(ipsec6_ops),
	.resv_start_op = IPSEC6_CMD_POLICY_NEW,
	.mcgrps = ipsec6_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ipsec6_mcgrps),
};

/* A socket that owned a transaction was closed: drop the transaction. */
static int ipsec6_nl_urelease(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	ipsec6_txn_release_portid(ipsec6_net(n->net), n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block ipsec6_nl_notifier = {
	.notifier_call = ipsec6_nl_urelease,
};

int ipsec6_netlink_register(void)
{
	int err;

	err = netlink_register_notifier(&ipsec6_nl_notifier);
	if (err)
		return err;
	err = genl_register_family(&ipsec6_family);
	if (err)
		netlink_unregister_notifier(&ipsec6_nl_notifier);
	return err;
}

void ipsec6_netlink_unregister(void)
{
	genl_unregister_family(&ipsec6_family);
	netlink_unregister_notifier(&ipsec6_nl_notifier);
}
