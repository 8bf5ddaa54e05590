// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink attributes -> the module's own structures: policies (selector,
 * template), SAs (identity, lifetimes, algorithm choice) and the identity
 * of the policy or SA a DEL or GET request names.
 *
 * genetlink has already checked types, lengths and bit masks with the
 * generated attribute policies (netlink-gen.c); here the meaning is
 * checked, and every refusal names the attribute and says why.
 */
#include <linux/udp.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include "crypto.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "nl_parse.h"
#include "sad.h"
#include "spd.h"
#include "txn.h"

/* Attributes only the kernel sends: refused on input. */
static const struct ipsec6_nl_attr_name {
	int type;
	const char *name;
} ipsec6_nl_policy_read_only[] = {
	{ IPSEC6_POLICY_A_COUNTS, "COUNTS: read-only" },
	{ IPSEC6_POLICY_A_LAST_USED, "LAST_USED: read-only" },
}, ipsec6_nl_sa_read_only[] = {
	{ IPSEC6_SA_A_KEY_BITS, "KEY_BITS: read-only" },
	{ IPSEC6_SA_A_STATE, "STATE: read-only" },
	{ IPSEC6_SA_A_COUNTS, "COUNTS: read-only" },
	{ IPSEC6_SA_A_LAST_USED, "LAST_USED: read-only" },
	{ IPSEC6_SA_A_ADD_TIME, "ADD_TIME: read-only" },
	/* What SA_NEW and SA_UPDATE do not take. */
	{ IPSEC6_SA_A_SPI_MIN, "SPI_MIN: only with SA_ALLOC_SPI" },
	{ IPSEC6_SA_A_SPI_MAX, "SPI_MAX: only with SA_ALLOC_SPI" },
};

/* Refuse the attributes of @list, with their messages. */
static int ipsec6_nl_read_only(struct nlattr **tb,
			       const struct ipsec6_nl_attr_name *list,
			       unsigned int n, struct netlink_ext_ack *extack)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (tb[list[i].type]) {
			ipsec6_netlink_err(extack, tb[list[i].type], "%s",
					   list[i].name);
			return -EINVAL;
		}
	}
	return 0;
}

/* A required attribute: report it missing, naming it. */
static bool ipsec6_nl_need(struct nlattr **tb, int type,
			   const struct nlattr *nest, const char *name,
			   struct netlink_ext_ack *extack)
{
	if (tb[type])
		return true;
	NL_SET_ERR_ATTR_MISS(extack, nest, type);
	ipsec6_netlink_err(extack, NULL, "%s: missing", name);
	return false;
}

/**
 * ipsec6_nl_parse_nest - the one nest a request carries
 * @info: the request
 * @type: IPSEC6_A_POLICY or IPSEC6_A_SA
 * @name: its name, for the message when it is missing
 */
struct nlattr *ipsec6_nl_parse_nest(struct genl_info *info, int type,
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

static const struct ipsec6_nl_attr_name ipsec6_nl_apply_only[] = {
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

/**
 * ipsec6_nl_parse_policy - a policy from a POLICY nest
 * @nest: IPSEC6_A_POLICY
 * @index: the index the kernel picked for a nest without INDEX (0: INDEX
 *	   is required)
 * @extack: names the attribute at fault
 *
 * Return: a new policy (one reference), or an ERR_PTR.
 */
struct ipsec6_policy *ipsec6_nl_parse_policy(const struct nlattr *nest,
					     u32 index,
					     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IPSEC6_POLICY_A_MAX + 1];
	struct ipsec6_policy *pol;
	int err;

	err = nla_parse_nested(tb, IPSEC6_POLICY_A_MAX, nest,
			       ipsec6_policy_nl_policy, extack);
	if (err)
		return ERR_PTR(err);
	if (ipsec6_nl_read_only(tb, ipsec6_nl_policy_read_only,
				ARRAY_SIZE(ipsec6_nl_policy_read_only), extack))
		return ERR_PTR(-EINVAL);
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

static int ipsec6_nl_check_proto(const struct nlattr *a,
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

/*
 * Keys longer than any algorithm takes: refused as an attribute policy
 * with a maximum length would (ynl-gen-c of 6.12 writes none for binary
 * attributes).
 */
static int ipsec6_nl_key_lens(struct nlattr **tb,
			      struct netlink_ext_ack *extack)
{
	static const struct ipsec6_nl_attr_name keys[] = {
		{ IPSEC6_SA_A_AUTH_KEY, "AUTH_KEY" },
		{ IPSEC6_SA_A_ENC_KEY, "ENC_KEY" },
		{ IPSEC6_SA_A_AEAD_KEY, "AEAD_KEY" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct nlattr *k = tb[keys[i].type];

		if (k && nla_len(k) > IPSEC6_KEY_MAX) {
			ipsec6_netlink_err(extack, k,
					   "%s: %d bytes, more than %d",
					   keys[i].name, nla_len(k),
					   IPSEC6_KEY_MAX);
			return -ERANGE;
		}
	}
	return 0;
}

/* The algorithm attributes, checked against the table by crypto.c. */
/* Does the nest name any algorithm, key or ICV length? */
static bool ipsec6_nl_has_crypto(struct nlattr **tb)
{
	return tb[IPSEC6_SA_A_AUTH_NAME] || tb[IPSEC6_SA_A_AUTH_KEY] ||
	       tb[IPSEC6_SA_A_ENC_NAME] || tb[IPSEC6_SA_A_ENC_KEY] ||
	       tb[IPSEC6_SA_A_AEAD_NAME] || tb[IPSEC6_SA_A_AEAD_KEY] ||
	       tb[IPSEC6_SA_A_ICV_LEN];
}

/*
 * The algorithms and keys of @sa: from the attributes, or, for an update
 * (@keep: the complete SA it changes) that names none, @keep's own.
 */
static int ipsec6_nl_parse_crypto(struct nlattr **tb, const struct nlattr *nest,
				  struct ipsec6_sa *sa,
				  const struct ipsec6_sa *keep,
				  struct netlink_ext_ack *extack)
{
	static const int name_attr[IPSEC6_ALG_KINDS] = {
		[IPSEC6_ALG_AUTH] = IPSEC6_SA_A_AUTH_NAME,
		[IPSEC6_ALG_ENC] = IPSEC6_SA_A_ENC_NAME,
		[IPSEC6_ALG_AEAD] = IPSEC6_SA_A_AEAD_NAME,
	};
	static const int key_attr[IPSEC6_ALG_KINDS] = {
		[IPSEC6_ALG_AUTH] = IPSEC6_SA_A_AUTH_KEY,
		[IPSEC6_ALG_ENC] = IPSEC6_SA_A_ENC_KEY,
		[IPSEC6_ALG_AEAD] = IPSEC6_SA_A_AEAD_KEY,
	};
	struct ipsec6_crypto_req req = {};
	struct ipsec6_crypto_blame blame;
	int kind, type = 0, err;

	for (kind = 0; kind < IPSEC6_ALG_KINDS; kind++) {
		const struct nlattr *n = tb[name_attr[kind]];
		const struct nlattr *k = tb[key_attr[kind]];

		req.name[kind] = n ? nla_data(n) : NULL;
		req.key[kind] = k ? nla_data(k) : NULL;
		req.key_len[kind] = k ? nla_len(k) : 0;
	}
	if (tb[IPSEC6_SA_A_ICV_LEN]) {
		req.icv_bits = nla_get_u32(tb[IPSEC6_SA_A_ICV_LEN]);
		req.has_icv = true;
	}
	if (keep && !keep->larval && !ipsec6_nl_has_crypto(tb))
		ipsec6_crypto_cfg_req(&keep->cfg, &req);
	err = ipsec6_crypto_cfg_init(&sa->cfg, &req, sa->proto, &blame, extack);
	if (!err)
		return 0;
	if (blame.field == IPSEC6_CRYPTO_F_NAME)
		type = name_attr[blame.kind];
	else if (blame.field == IPSEC6_CRYPTO_F_KEY)
		type = key_attr[blame.kind];
	else if (blame.field == IPSEC6_CRYPTO_F_ICV)
		type = IPSEC6_SA_A_ICV_LEN;
	if (type && blame.missing)
		NL_SET_ERR_ATTR_MISS(extack, nest, type);
	else if (type)
		NL_SET_BAD_ATTR(extack, tb[type]);
	return err;
}

/* What an SA carries besides its identity, addresses and algorithms. */
static int ipsec6_nl_parse_sa_state(struct nlattr **tb, struct ipsec6_sa *sa,
				    struct netlink_ext_ack *extack)
{
	int err;

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
		return err;
	sa->count_limits = sa->lft.soft_bytes || sa->lft.hard_bytes ||
			   sa->lft.soft_packets || sa->lft.hard_packets;
	sa->time_limits = sa->lft.soft_add || sa->lft.hard_add ||
			  sa->lft.soft_use || sa->lft.hard_use;
	err = ipsec6_nl_parse_seq(tb, IPSEC6_SA_A_SEQ, sa, &sa->init_oseq,
				  "SEQ", extack) ?:
	      ipsec6_nl_parse_seq(tb, IPSEC6_SA_A_RSEQ, sa, &sa->init_rseq,
				  "RSEQ", extack);
	if (err)
		return err;
	sa->keyfile = ipsec6_nl_strdup(tb[IPSEC6_SA_A_KEYFILE]);
	if (tb[IPSEC6_SA_A_KEYFILE] && !sa->keyfile)
		return -ENOMEM;
	sa->enc_keyfile = ipsec6_nl_strdup(tb[IPSEC6_SA_A_ENC_KEYFILE]);
	if (tb[IPSEC6_SA_A_ENC_KEYFILE] && !sa->enc_keyfile)
		return -ENOMEM;
	return 0;
}

/*
 * UDP encapsulation (RFC 3948): ENCAP_TYPE espinudp with both ports, on an
 * ESP SA; ENCAP_OA is only stored.
 */
static int ipsec6_nl_parse_encap(struct nlattr **tb, const struct nlattr *nest,
				 struct ipsec6_sa *sa,
				 struct netlink_ext_ack *extack)
{
	static const struct ipsec6_nl_attr_name rest[] = {
		{ IPSEC6_SA_A_ENCAP_SPORT, "ENCAP_SPORT" },
		{ IPSEC6_SA_A_ENCAP_DPORT, "ENCAP_DPORT" },
		{ IPSEC6_SA_A_ENCAP_OA, "ENCAP_OA" },
	};
	const struct nlattr *type = tb[IPSEC6_SA_A_ENCAP_TYPE];
	__be16 *port[] = { &sa->encap_sport, &sa->encap_dport };
	unsigned int i;

	for (i = 0; !type && i < ARRAY_SIZE(rest); i++) {
		if (tb[rest[i].type]) {
			ipsec6_netlink_err(extack, tb[rest[i].type],
					   "%s: only with ENCAP_TYPE",
					   rest[i].name);
			return -EINVAL;
		}
	}
	if (!type)
		return 0;
	sa->encap_type = nla_get_u16(type);
	if (sa->encap_type != UDP_ENCAP_ESPINUDP) {
		ipsec6_netlink_err(extack, type,
				   "ENCAP_TYPE: %u is not supported (2 = espinudp)",
				   sa->encap_type);
		return -EINVAL;
	}
	if (sa->proto != IPPROTO_ESP) {
		ipsec6_netlink_err(extack, type,
				   "ENCAP_TYPE: SA %u: UDP encapsulation is for ESP only",
				   sa->index);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(port); i++) {
		const struct nlattr *a = tb[rest[i].type];

		if (!ipsec6_nl_need(tb, rest[i].type, nest, rest[i].name,
				    extack))
			return -EINVAL;
		if (!nla_get_u16(a)) {
			ipsec6_netlink_err(extack, a, "%s: 0 is invalid",
					   rest[i].name);
			return -EINVAL;
		}
		*port[i] = htons(nla_get_u16(a));
	}
	if (tb[IPSEC6_SA_A_ENCAP_OA])
		sa->encap_oa = nla_get_in6_addr(tb[IPSEC6_SA_A_ENCAP_OA]);
	return 0;
}

/* DST (unicast) and SRC (optional, :: is none) of an SA. */
static int ipsec6_nl_parse_sa_addrs(struct nlattr **tb, struct ipsec6_sa *sa,
				    struct netlink_ext_ack *extack)
{
	sa->dst = nla_get_in6_addr(tb[IPSEC6_SA_A_DST]);
	if (ipv6_addr_any(&sa->dst) || ipv6_addr_is_multicast(&sa->dst)) {
		ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_DST],
				   "DST: %pI6c is not a unicast address",
				   &sa->dst);
		return -EINVAL;
	}
	if (tb[IPSEC6_SA_A_SRC]) {
		sa->src = nla_get_in6_addr(tb[IPSEC6_SA_A_SRC]);
		sa->has_src = !ipv6_addr_any(&sa->src);
	}
	return 0;
}

/* Index, SPI, destination, source, policy and direction. */
static int ipsec6_nl_parse_sa_id_attrs(struct nlattr **tb, struct ipsec6_sa *sa,
				       u32 index, struct netlink_ext_ack *extack)
{
	sa->index = tb[IPSEC6_SA_A_INDEX] ?
		    nla_get_u32(tb[IPSEC6_SA_A_INDEX]) : index;
	if (!sa->index) {
		ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_INDEX],
				   "INDEX: 0 is invalid (indexes start at 1)");
		return -EINVAL;
	}
	sa->spi = cpu_to_be32(nla_get_u32(tb[IPSEC6_SA_A_SPI]));
	if (ipsec6_nl_parse_sa_addrs(tb, sa, extack))
		return -EINVAL;
	if (tb[IPSEC6_SA_A_POLICY])
		sa->policy = nla_get_u32(tb[IPSEC6_SA_A_POLICY]);
	if (tb[IPSEC6_SA_A_DIR]) {
		sa->dir = nla_get_u8(tb[IPSEC6_SA_A_DIR]);
		if (sa->dir != 0 && sa->dir != IPSEC6_DIR_IN &&
		    sa->dir != IPSEC6_DIR_OUT) {
			ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_DIR],
					   "DIR: %u is not IN (1), OUT (2) or 0",
					   sa->dir);
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * ipsec6_nl_parse_sa - an SA from an SA nest
 * @nest: IPSEC6_A_SA
 * @txn: the change set it goes to (the policy it names is looked up there)
 * @index: the index for a nest without INDEX (0: INDEX is required)
 * @keep: SA_UPDATE: the SA it changes, whose algorithms and keys a nest
 *	without any keeps (NULL otherwise)
 * @extack: names the attribute at fault
 *
 * Return: a new SA, set up but not yet in any table, or an ERR_PTR.
 */
struct ipsec6_sa *ipsec6_nl_parse_sa(const struct nlattr *nest,
				     struct ipsec6_txn *txn, u32 index,
				     const struct ipsec6_sa *keep,
				     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IPSEC6_SA_A_MAX + 1];
	struct ipsec6_sa *sa;
	int err;

	err = nla_parse_nested(tb, IPSEC6_SA_A_MAX, nest, ipsec6_sa_nl_policy,
			       extack);
	if (err)
		return ERR_PTR(err);
	if (ipsec6_nl_read_only(tb, ipsec6_nl_sa_read_only,
				ARRAY_SIZE(ipsec6_nl_sa_read_only), extack))
		return ERR_PTR(-EINVAL);
	err = ipsec6_nl_key_lens(tb, extack);
	if (err)
		return ERR_PTR(err);
	if ((!index &&
	     !ipsec6_nl_need(tb, IPSEC6_SA_A_INDEX, nest, "INDEX", extack)) ||
	    !ipsec6_nl_need(tb, IPSEC6_SA_A_SPI, nest, "SPI", extack) ||
	    !ipsec6_nl_need(tb, IPSEC6_SA_A_DST, nest, "DST", extack))
		return ERR_PTR(-EINVAL);
	if (ipsec6_nl_check_spi(tb[IPSEC6_SA_A_SPI], extack))
		return ERR_PTR(-EINVAL);

	sa = ipsec6_sad_sa_alloc();
	if (!sa)
		return ERR_PTR(-ENOMEM);
	err = ipsec6_nl_parse_sa_id_attrs(tb, sa, index, extack) ?:
	      ipsec6_nl_sa_proto_mode(tb, nest, txn, sa, extack) ?:
	      ipsec6_nl_parse_sa_state(tb, sa, extack) ?:
	      ipsec6_nl_parse_encap(tb, nest, sa, extack) ?:
	      ipsec6_nl_parse_crypto(tb, nest, sa, keep, extack) ?:
	      ipsec6_sad_sa_setup(sa, extack);
	if (err) {
		ipsec6_sad_sa_put(sa);
		return ERR_PTR(err);
	}
	return sa;
}

/*
 * Only the attributes that identify an object: the others are refused
 * as an attribute policy without them would.
 */
static int ipsec6_nl_only(struct nlattr **tb, int maxtype, u64 allowed,
			  struct netlink_ext_ack *extack)
{
	int type;

	for (type = 1; type <= maxtype; type++) {
		if (tb[type] && !(allowed & BIT_ULL(type))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[type],
					    "Unsupported attribute");
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * ipsec6_nl_parse_policy_index - the policy a DEL or GET request names
 * @nest: IPSEC6_A_POLICY, or NULL (then an error)
 * @index: result
 * @extack: names the attribute at fault
 */
int ipsec6_nl_parse_policy_index(const struct nlattr *nest, u32 *index,
				 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IPSEC6_POLICY_A_INDEX + 1];
	int err;

	if (!nest)
		return -EINVAL;
	err = nla_parse_nested(tb, IPSEC6_POLICY_A_INDEX, nest,
			       ipsec6_policy_nl_policy, extack);
	if (err)
		return err;
	if (!ipsec6_nl_need(tb, IPSEC6_POLICY_A_INDEX, nest, "INDEX", extack))
		return -EINVAL;
	*index = nla_get_u32(tb[IPSEC6_POLICY_A_INDEX]);
	return 0;
}

/* The SA identity of a parsed SA nest: INDEX, or SPI, DST and PROTO. */
static int ipsec6_nl_sa_id_of(struct nlattr **tb, const struct nlattr *nest,
			      struct ipsec6_nl_sa_id *id,
			      struct netlink_ext_ack *extack)
{
	memset(id, 0, sizeof(*id));
	if (tb[IPSEC6_SA_A_INDEX]) {
		id->index = nla_get_u32(tb[IPSEC6_SA_A_INDEX]);
		id->by_index = true;
		return 0;
	}
	if (!ipsec6_nl_need(tb, IPSEC6_SA_A_SPI, nest, "SPI (or INDEX)",
			    extack) ||
	    !ipsec6_nl_need(tb, IPSEC6_SA_A_DST, nest, "DST", extack) ||
	    !ipsec6_nl_need(tb, IPSEC6_SA_A_PROTO, nest, "PROTO", extack))
		return -EINVAL;
	id->spi = cpu_to_be32(nla_get_u32(tb[IPSEC6_SA_A_SPI]));
	id->dst = nla_get_in6_addr(tb[IPSEC6_SA_A_DST]);
	id->proto = nla_get_u8(tb[IPSEC6_SA_A_PROTO]);
	return 0;
}

/**
 * ipsec6_nl_parse_sa_id - the SA a DEL or GET request names
 * @nest: IPSEC6_A_SA, or NULL (then an error)
 * @id: result: INDEX, or SPI, DST and PROTO
 * @extack: names the attribute at fault
 */
int ipsec6_nl_parse_sa_id(const struct nlattr *nest, struct ipsec6_nl_sa_id *id,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IPSEC6_SA_A_DST + 1];
	int err;

	if (!nest)
		return -EINVAL;
	err = nla_parse_nested(tb, IPSEC6_SA_A_DST, nest, ipsec6_sa_nl_policy,
			       extack) ?:
	      ipsec6_nl_only(tb, IPSEC6_SA_A_DST,
			     BIT(IPSEC6_SA_A_INDEX) | BIT(IPSEC6_SA_A_SPI) |
			     BIT(IPSEC6_SA_A_PROTO) | BIT(IPSEC6_SA_A_DST),
			     extack);
	if (err)
		return err;
	return ipsec6_nl_sa_id_of(tb, nest, id, extack);
}

/**
 * ipsec6_nl_parse_sa_update_id - the SA an SA_UPDATE names
 * @nest: IPSEC6_A_SA, the full SA
 * @id: result: INDEX, or SPI, DST and PROTO
 * @extack: names the attribute at fault
 */
int ipsec6_nl_parse_sa_update_id(const struct nlattr *nest,
				 struct ipsec6_nl_sa_id *id,
				 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IPSEC6_SA_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, IPSEC6_SA_A_MAX, nest, ipsec6_sa_nl_policy,
			       extack);
	if (err)
		return err;
	return ipsec6_nl_sa_id_of(tb, nest, id, extack);
}

/* What the SA nest of SA_ALLOC_SPI may carry. */
#define IPSEC6_NL_LARVAL_ATTRS						\
	(BIT_ULL(IPSEC6_SA_A_INDEX) | BIT_ULL(IPSEC6_SA_A_DST) |	\
	 BIT_ULL(IPSEC6_SA_A_PROTO) | BIT_ULL(IPSEC6_SA_A_SRC) |	\
	 BIT_ULL(IPSEC6_SA_A_REQID) | BIT_ULL(IPSEC6_SA_A_OWNER) |	\
	 BIT_ULL(IPSEC6_SA_A_HARD_ADD_SECONDS) |			\
	 BIT_ULL(IPSEC6_SA_A_SPI_MIN) | BIT_ULL(IPSEC6_SA_A_SPI_MAX))

static int ipsec6_nl_larval_only(struct nlattr **tb,
				 struct netlink_ext_ack *extack)
{
	int type;

	BUILD_BUG_ON(IPSEC6_SA_A_MAX >= 64);
	for (type = 1; type <= IPSEC6_SA_A_MAX; type++) {
		if (tb[type] && !(IPSEC6_NL_LARVAL_ATTRS & BIT_ULL(type))) {
			ipsec6_netlink_err(extack, tb[type],
					   "SA: attribute %d is not taken by SA_ALLOC_SPI",
					   type);
			return -EINVAL;
		}
	}
	return 0;
}

/* The SPI range: 256..0xffffffff unless narrowed. */
static int ipsec6_nl_spi_range(struct nlattr **tb, u32 *min, u32 *max,
			       struct netlink_ext_ack *extack)
{
	*min = IPSEC6_SPI_MIN;
	*max = U32_MAX;
	if (tb[IPSEC6_SA_A_SPI_MIN])
		*min = nla_get_u32(tb[IPSEC6_SA_A_SPI_MIN]);
	if (tb[IPSEC6_SA_A_SPI_MAX])
		*max = nla_get_u32(tb[IPSEC6_SA_A_SPI_MAX]);
	if (*min < IPSEC6_SPI_MIN) {
		ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_SPI_MIN],
				   "SPI_MIN: %u is reserved (below 256, RFC 4303)",
				   *min);
		return -EINVAL;
	}
	if (*max < *min) {
		ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_SPI_MAX],
				   "SPI_MAX: %u is below SPI_MIN %u", *max, *min);
		return -EINVAL;
	}
	return 0;
}

/* Destination, protocol, source, index, REQID and OWNER of a larval SA. */
static int ipsec6_nl_parse_larval_id(struct nlattr **tb,
				     const struct nlattr *nest,
				     struct ipsec6_sa *sa,
				     struct netlink_ext_ack *extack)
{
	if (!ipsec6_nl_need(tb, IPSEC6_SA_A_DST, nest, "DST", extack) ||
	    !ipsec6_nl_need(tb, IPSEC6_SA_A_PROTO, nest, "PROTO", extack) ||
	    ipsec6_nl_check_proto(tb[IPSEC6_SA_A_PROTO], extack))
		return -EINVAL;
	sa->proto = nla_get_u8(tb[IPSEC6_SA_A_PROTO]);
	if (ipsec6_nl_parse_sa_addrs(tb, sa, extack))
		return -EINVAL;
	if (tb[IPSEC6_SA_A_INDEX]) {
		sa->index = nla_get_u32(tb[IPSEC6_SA_A_INDEX]);
		if (!sa->index) {
			ipsec6_netlink_err(extack, tb[IPSEC6_SA_A_INDEX],
					   "INDEX: 0 is invalid (indexes start at 1)");
			return -EINVAL;
		}
	}
	if (tb[IPSEC6_SA_A_REQID])
		sa->reqid = nla_get_u32(tb[IPSEC6_SA_A_REQID]);
	if (tb[IPSEC6_SA_A_OWNER])
		sa->owner = nla_get_u32(tb[IPSEC6_SA_A_OWNER]);
	return 0;
}

/**
 * ipsec6_nl_parse_larval - the larval SA an SA_ALLOC_SPI asks for
 * @nest: IPSEC6_A_SA
 * @min: result: the lowest SPI it may get
 * @max: result: the highest
 * @extack: names the attribute at fault
 *
 * No algorithms, no keys, never selected to send, its packets dropped; it
 * lives HARD_ADD_SECONDS (0 or absent: IPSEC6_LARVAL_SECONDS) unless
 * completed.  INDEX is 0 when the request has none, the SPI is not
 * chosen yet (alloc.c does both).
 *
 * Return: a new SA, or an ERR_PTR.
 */
struct ipsec6_sa *ipsec6_nl_parse_larval(const struct nlattr *nest, u32 *min,
					 u32 *max,
					 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IPSEC6_SA_A_MAX + 1];
	struct ipsec6_sa *sa;
	int err;

	err = nla_parse_nested(tb, IPSEC6_SA_A_MAX, nest, ipsec6_sa_nl_policy,
			       extack) ?:
	      ipsec6_nl_larval_only(tb, extack) ?:
	      ipsec6_nl_spi_range(tb, min, max, extack);
	if (err)
		return ERR_PTR(err);
	sa = ipsec6_sad_sa_alloc();
	if (!sa)
		return ERR_PTR(-ENOMEM);
	err = ipsec6_nl_parse_larval_id(tb, nest, sa, extack);
	if (err) {
		ipsec6_sad_sa_put(sa);
		return ERR_PTR(err);
	}
	sa->larval = true;
	sa->mode = IPSEC6_MODE_TRANSPORT;
	if (tb[IPSEC6_SA_A_HARD_ADD_SECONDS])
		sa->lft.hard_add = nla_get_u64(tb[IPSEC6_SA_A_HARD_ADD_SECONDS]);
	if (!sa->lft.hard_add)
		sa->lft.hard_add = IPSEC6_LARVAL_SECONDS;
	sa->time_limits = true;
	return sa;
}
