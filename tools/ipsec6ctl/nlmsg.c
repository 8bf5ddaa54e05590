// SPDX-License-Identifier: GPL-2.0
/*
 * The ipsec6 attributes: model -> request nests, dump nests -> model, and
 * a one-line printer of messages for --dry-run and IPSEC6CTL_DUMP_MSGS.
 * The printer never shows key bytes, only their length.
 */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <string.h>
#include "nl.h"

/* Attribute descriptions, for printing and for naming extack offsets. */

enum ptype { P_U8, P_U16, P_U32, P_U64, P_ADDR, P_STR, P_KEY, P_NEST,
	     P_BIN, P_FLAG };

struct edesc {
	uint32_t val;
	const char *name;
};

struct adesc {
	const char *name;
	enum ptype t;
	const struct edesc *enums;	/* value names, NULL-terminated */
	bool bits;			/* enums are bit flags */
	const struct adesc *nest;
	int nest_max;
};

#define E_END	{ 0, NULL }

static const struct edesc e_dir[] = {
	{ IPSEC6_DIR_IN, "IN" }, { IPSEC6_DIR_OUT, "OUT" },
	{ IPSEC6_DIR_FWD, "FWD" }, E_END
};

static const struct edesc e_action[] = {
	{ IPSEC6_ACTION_BYPASS, "BYPASS" }, { IPSEC6_ACTION_DISCARD, "DISCARD" },
	{ IPSEC6_ACTION_APPLY, "APPLY" }, { IPSEC6_ACTION_APPCHOICE, "APPCHOICE" },
	E_END
};

static const struct edesc e_proto[] = {
	{ IPSEC6_PROTO_ESP, "ESP" }, { IPSEC6_PROTO_AH, "AH" }, E_END
};

static const struct edesc e_mode[] = {
	{ IPSEC6_MODE_TRANSPORT, "TRANSPORT" }, { IPSEC6_MODE_TUNNEL, "TUNNEL" },
	E_END
};

static const struct edesc e_from_pkt[] = {
	{ IPSEC6_FROM_PKT_REMOTE_ADDR, "REMOTE_ADDR" },
	{ IPSEC6_FROM_PKT_LOCAL_ADDR, "LOCAL_ADDR" },
	{ IPSEC6_FROM_PKT_PROTO, "PROTO" },
	{ IPSEC6_FROM_PKT_REMOTE_PORT, "REMOTE_PORT" },
	{ IPSEC6_FROM_PKT_LOCAL_PORT, "LOCAL_PORT" }, E_END
};

static const struct edesc e_pol_flags[] = {
	{ IPSEC6_POLICY_F_DSCP_COPY, "DSCP_COPY" },
	{ IPSEC6_POLICY_F_BUNDLE_ONLY, "BUNDLE_ONLY" }, E_END
};

static const struct edesc e_sa_flags[] = {
	{ IPSEC6_SA_F_ESN, "ESN" }, { IPSEC6_SA_F_DSCP_COPY, "DSCP_COPY" },
	E_END
};

static const struct edesc e_state[] = {
	{ IPSEC6_SA_STATE_VALID, "VALID" },
	{ IPSEC6_SA_STATE_SOFT_EXPIRED, "SOFT_EXPIRED" },
	{ IPSEC6_SA_STATE_EXPIRED, "EXPIRED" }, E_END
};

static const struct edesc e_txn[] = {
	{ IPSEC6_TXN_F_REPLACE, "REPLACE" }, E_END
};

static const struct edesc e_expire[] = {
	{ IPSEC6_EXPIRE_SOFT, "SOFT" }, { IPSEC6_EXPIRE_HARD, "HARD" },
	{ IPSEC6_EXPIRE_SEQ, "SEQ" }, E_END
};

static const struct adesc a_counts[IPSEC6_COUNTS_A_MAX + 1] = {
	[IPSEC6_COUNTS_A_PACKETS] = { "PACKETS", P_U64 },
	[IPSEC6_COUNTS_A_BYTES] = { "BYTES", P_U64 },
	[IPSEC6_COUNTS_A_DROPS] = { "DROPS", P_U64 },
	[IPSEC6_COUNTS_A_PAD] = { "PAD", P_BIN },
};

static const struct adesc a_policy[IPSEC6_POLICY_A_MAX + 1] = {
	[IPSEC6_POLICY_A_INDEX] = { "INDEX", P_U32 },
	[IPSEC6_POLICY_A_PRIORITY] = { "PRIORITY", P_U32 },
	[IPSEC6_POLICY_A_DIR] = { "DIR", P_U8, e_dir, true },
	[IPSEC6_POLICY_A_ACTION] = { "ACTION", P_U8, e_action },
	[IPSEC6_POLICY_A_REMOTE_START] = { "REMOTE_START", P_ADDR },
	[IPSEC6_POLICY_A_REMOTE_END] = { "REMOTE_END", P_ADDR },
	[IPSEC6_POLICY_A_LOCAL_START] = { "LOCAL_START", P_ADDR },
	[IPSEC6_POLICY_A_LOCAL_END] = { "LOCAL_END", P_ADDR },
	[IPSEC6_POLICY_A_PROTO] = { "PROTO", P_U8 },
	[IPSEC6_POLICY_A_REMOTE_PORT_START] = { "REMOTE_PORT_START", P_U16 },
	[IPSEC6_POLICY_A_REMOTE_PORT_END] = { "REMOTE_PORT_END", P_U16 },
	[IPSEC6_POLICY_A_LOCAL_PORT_START] = { "LOCAL_PORT_START", P_U16 },
	[IPSEC6_POLICY_A_LOCAL_PORT_END] = { "LOCAL_PORT_END", P_U16 },
	[IPSEC6_POLICY_A_ICMP_TYPE] = { "ICMP_TYPE", P_U8 },
	[IPSEC6_POLICY_A_ICMP_CODE] = { "ICMP_CODE", P_U8 },
	[IPSEC6_POLICY_A_FROM_PACKET] = { "FROM_PACKET", P_U32, e_from_pkt,
					  true },
	[IPSEC6_POLICY_A_IFINDEX] = { "IFINDEX", P_U32 },
	[IPSEC6_POLICY_A_IPSEC_PROTO] = { "IPSEC_PROTO", P_U8, e_proto },
	[IPSEC6_POLICY_A_MODE] = { "MODE", P_U8, e_mode },
	[IPSEC6_POLICY_A_TUNNEL_REMOTE] = { "TUNNEL_REMOTE", P_ADDR },
	[IPSEC6_POLICY_A_TUNNEL_LOCAL] = { "TUNNEL_LOCAL", P_ADDR },
	[IPSEC6_POLICY_A_BUNDLE_NEXT] = { "BUNDLE_NEXT", P_U32 },
	[IPSEC6_POLICY_A_REQID] = { "REQID", P_U32 },
	[IPSEC6_POLICY_A_FLAGS] = { "FLAGS", P_U32, e_pol_flags, true },
	[IPSEC6_POLICY_A_COUNTS] = { "COUNTS", P_NEST, NULL, false, a_counts,
					  ARRAY_SIZE(a_counts) - 1 },
	[IPSEC6_POLICY_A_PAD] = { "PAD", P_BIN },
};

static const struct adesc a_sa[IPSEC6_SA_A_MAX + 1] = {
	[IPSEC6_SA_A_INDEX] = { "INDEX", P_U32 },
	[IPSEC6_SA_A_SPI] = { "SPI", P_U32 },
	[IPSEC6_SA_A_PROTO] = { "PROTO", P_U8, e_proto },
	[IPSEC6_SA_A_MODE] = { "MODE", P_U8, e_mode },
	[IPSEC6_SA_A_DIR] = { "DIR", P_U8, e_dir, true },
	[IPSEC6_SA_A_SRC] = { "SRC", P_ADDR },
	[IPSEC6_SA_A_DST] = { "DST", P_ADDR },
	[IPSEC6_SA_A_POLICY] = { "POLICY", P_U32 },
	[IPSEC6_SA_A_REQID] = { "REQID", P_U32 },
	[IPSEC6_SA_A_SEL_DST] = { "SEL_DST", P_ADDR },
	[IPSEC6_SA_A_SEL_SRC] = { "SEL_SRC", P_ADDR },
	[IPSEC6_SA_A_SEL_PROTO] = { "SEL_PROTO", P_U8 },
	[IPSEC6_SA_A_SEL_DPORT] = { "SEL_DPORT", P_U16 },
	[IPSEC6_SA_A_SEL_SPORT] = { "SEL_SPORT", P_U16 },
	[IPSEC6_SA_A_AUTH_NAME] = { "AUTH_NAME", P_STR },
	[IPSEC6_SA_A_AUTH_KEY] = { "AUTH_KEY", P_KEY },
	[IPSEC6_SA_A_ENC_NAME] = { "ENC_NAME", P_STR },
	[IPSEC6_SA_A_ENC_KEY] = { "ENC_KEY", P_KEY },
	[IPSEC6_SA_A_AEAD_NAME] = { "AEAD_NAME", P_STR },
	[IPSEC6_SA_A_AEAD_KEY] = { "AEAD_KEY", P_KEY },
	[IPSEC6_SA_A_ICV_LEN] = { "ICV_LEN", P_U32 },
	[IPSEC6_SA_A_REPLAY_WINDOW] = { "REPLAY_WINDOW", P_U32 },
	[IPSEC6_SA_A_FLAGS] = { "FLAGS", P_U32, e_sa_flags, true },
	[IPSEC6_SA_A_SOFT_BYTES] = { "SOFT_BYTES", P_U64 },
	[IPSEC6_SA_A_HARD_BYTES] = { "HARD_BYTES", P_U64 },
	[IPSEC6_SA_A_SOFT_PACKETS] = { "SOFT_PACKETS", P_U64 },
	[IPSEC6_SA_A_HARD_PACKETS] = { "HARD_PACKETS", P_U64 },
	[IPSEC6_SA_A_SOFT_ADD_SECONDS] = { "SOFT_ADD_SECONDS", P_U64 },
	[IPSEC6_SA_A_HARD_ADD_SECONDS] = { "HARD_ADD_SECONDS", P_U64 },
	[IPSEC6_SA_A_SOFT_USE_SECONDS] = { "SOFT_USE_SECONDS", P_U64 },
	[IPSEC6_SA_A_HARD_USE_SECONDS] = { "HARD_USE_SECONDS", P_U64 },
	[IPSEC6_SA_A_KEYFILE] = { "KEYFILE", P_STR },
	[IPSEC6_SA_A_ENC_KEYFILE] = { "ENC_KEYFILE", P_STR },
	[IPSEC6_SA_A_KEY_BITS] = { "KEY_BITS", P_U32 },
	[IPSEC6_SA_A_SEQ] = { "SEQ", P_U64 },
	[IPSEC6_SA_A_RSEQ] = { "RSEQ", P_U64 },
	[IPSEC6_SA_A_STATE] = { "STATE", P_U8, e_state },
	[IPSEC6_SA_A_COUNTS] = { "COUNTS", P_NEST, NULL, false, a_counts,
					  ARRAY_SIZE(a_counts) - 1 },
	[IPSEC6_SA_A_PAD] = { "PAD", P_BIN },
};

static const char *const stats_names[IPSEC6_STATS_A_MAX + 1] = {
	[IPSEC6_STATS_A_NO_POLICY] = "no-policy",
	[IPSEC6_STATS_A_DISCARD] = "discard",
	[IPSEC6_STATS_A_NO_SA] = "no-sa",
	[IPSEC6_STATS_A_UNKNOWN_SPI] = "unknown-spi",
	[IPSEC6_STATS_A_ICV_FAIL] = "icv-fail",
	[IPSEC6_STATS_A_REPLAY] = "replay",
	[IPSEC6_STATS_A_SEQ_EXHAUSTED] = "seq-exhausted",
	[IPSEC6_STATS_A_MALFORMED] = "malformed",
	[IPSEC6_STATS_A_BAD_PADDING] = "bad-padding",
	[IPSEC6_STATS_A_DUMMY] = "dummy",
	[IPSEC6_STATS_A_POLICY_MISMATCH] = "policy-mismatch",
	[IPSEC6_STATS_A_CLEARTEXT] = "cleartext",
	[IPSEC6_STATS_A_EXPIRED] = "expired",
	[IPSEC6_STATS_A_NOMEM] = "nomem",
	[IPSEC6_STATS_A_CRYPTO_ERROR] = "crypto-error",
	[IPSEC6_STATS_A_TOO_BIG] = "too-big",
	[IPSEC6_STATS_A_TUNNEL_LOOP] = "tunnel-loop",
	[IPSEC6_STATS_A_NO_ROUTE] = "no-route",
};

static const struct adesc a_stats[IPSEC6_STATS_A_MAX + 1] = {
	[IPSEC6_STATS_A_NO_POLICY] = { "NO_POLICY", P_U64 },
	[IPSEC6_STATS_A_DISCARD] = { "DISCARD", P_U64 },
	[IPSEC6_STATS_A_NO_SA] = { "NO_SA", P_U64 },
	[IPSEC6_STATS_A_UNKNOWN_SPI] = { "UNKNOWN_SPI", P_U64 },
	[IPSEC6_STATS_A_ICV_FAIL] = { "ICV_FAIL", P_U64 },
	[IPSEC6_STATS_A_REPLAY] = { "REPLAY", P_U64 },
	[IPSEC6_STATS_A_SEQ_EXHAUSTED] = { "SEQ_EXHAUSTED", P_U64 },
	[IPSEC6_STATS_A_MALFORMED] = { "MALFORMED", P_U64 },
	[IPSEC6_STATS_A_BAD_PADDING] = { "BAD_PADDING", P_U64 },
	[IPSEC6_STATS_A_DUMMY] = { "DUMMY", P_U64 },
	[IPSEC6_STATS_A_POLICY_MISMATCH] = { "POLICY_MISMATCH", P_U64 },
	[IPSEC6_STATS_A_CLEARTEXT] = { "CLEARTEXT", P_U64 },
	[IPSEC6_STATS_A_EXPIRED] = { "EXPIRED", P_U64 },
	[IPSEC6_STATS_A_NOMEM] = { "NOMEM", P_U64 },
	[IPSEC6_STATS_A_CRYPTO_ERROR] = { "CRYPTO_ERROR", P_U64 },
	[IPSEC6_STATS_A_TOO_BIG] = { "TOO_BIG", P_U64 },
	[IPSEC6_STATS_A_TUNNEL_LOOP] = { "TUNNEL_LOOP", P_U64 },
	[IPSEC6_STATS_A_NO_ROUTE] = { "NO_ROUTE", P_U64 },
	[IPSEC6_STATS_A_PAD] = { "PAD", P_BIN },
};

static const struct adesc a_top[IPSEC6_A_MAX + 1] = {
	[IPSEC6_A_POLICY] = { "POLICY", P_NEST, NULL, false, a_policy,
					  ARRAY_SIZE(a_policy) - 1 },
	[IPSEC6_A_SA] = { "SA", P_NEST, NULL, false, a_sa,
					  ARRAY_SIZE(a_sa) - 1 },
	[IPSEC6_A_GENERATION] = { "GENERATION", P_U32 },
	[IPSEC6_A_TXN_FLAGS] = { "TXN_FLAGS", P_U32, e_txn, true },
	[IPSEC6_A_STATS] = { "STATS", P_NEST, NULL, false, a_stats,
					  ARRAY_SIZE(a_stats) - 1 },
	[IPSEC6_A_COUNTS] = { "COUNTS", P_NEST, NULL, false, a_counts,
					  ARRAY_SIZE(a_counts) - 1 },
	[IPSEC6_A_EXPIRE] = { "EXPIRE", P_U8, e_expire },
	[IPSEC6_A_REPLACE] = { "REPLACE", P_FLAG },
	[IPSEC6_A_PAD] = { "PAD", P_BIN },
	[IPSEC6_A_TXN_REQUESTS] = { "TXN_REQUESTS", P_U32 },
};

static const char *const cmd_names[IPSEC6_CMD_MAX + 1] = {
	[IPSEC6_CMD_POLICY_NEW] = "POLICY_NEW",
	[IPSEC6_CMD_POLICY_DEL] = "POLICY_DEL",
	[IPSEC6_CMD_POLICY_GET] = "POLICY_GET",
	[IPSEC6_CMD_POLICY_FLUSH] = "POLICY_FLUSH",
	[IPSEC6_CMD_SA_NEW] = "SA_NEW",
	[IPSEC6_CMD_SA_DEL] = "SA_DEL",
	[IPSEC6_CMD_SA_GET] = "SA_GET",
	[IPSEC6_CMD_SA_FLUSH] = "SA_FLUSH",
	[IPSEC6_CMD_TXN_BEGIN] = "TXN_BEGIN",
	[IPSEC6_CMD_TXN_COMMIT] = "TXN_COMMIT",
	[IPSEC6_CMD_TXN_ABORT] = "TXN_ABORT",
	[IPSEC6_CMD_STATS_GET] = "STATS_GET",
	[IPSEC6_CMD_CHANGED] = "CHANGED",
	[IPSEC6_CMD_SA_EXPIRED] = "SA_EXPIRED",
};

const char *nlmsg_cmd_name(uint8_t cmd)
{
	return cmd <= IPSEC6_CMD_MAX && cmd_names[cmd] ? cmd_names[cmd] : "?";
}

const char *stats_name(unsigned int type)
{
	return type <= IPSEC6_STATS_A_MAX ? stats_names[type] : NULL;
}

/* Model -> attributes. */

static void put_addr(struct nlmsghdr *nlh, uint16_t type,
		     const struct in6_addr *a)
{
	mnl_attr_put(nlh, type, sizeof(*a), a);
}

static void put_counts(struct nlmsghdr *nlh, uint16_t type,
		       const struct counts *c)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u64(nlh, IPSEC6_COUNTS_A_PACKETS, c->packets);
	mnl_attr_put_u64(nlh, IPSEC6_COUNTS_A_BYTES, c->bytes);
	mnl_attr_put_u64(nlh, IPSEC6_COUNTS_A_DROPS, c->drops);
	mnl_attr_nest_end(nlh, nest);
}

void nlmsg_put_policy(struct nlmsghdr *nlh, const struct policy *p,
		      enum put_form form)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, IPSEC6_A_POLICY);
	bool dump = form == PUT_DUMP;

	mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_INDEX, p->index);
	if (p->priority || dump)
		mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_PRIORITY, p->priority);
	mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_DIR, p->dir);
	mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_ACTION, p->action);
	if (!p->remote.any) {
		put_addr(nlh, IPSEC6_POLICY_A_REMOTE_START, &p->remote.start);
		put_addr(nlh, IPSEC6_POLICY_A_REMOTE_END, &p->remote.end);
	}
	if (!p->local.any) {
		put_addr(nlh, IPSEC6_POLICY_A_LOCAL_START, &p->local.start);
		put_addr(nlh, IPSEC6_POLICY_A_LOCAL_END, &p->local.end);
	}
	if (p->has_proto)
		mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_PROTO, p->proto);
	if (!p->rport.any) {
		mnl_attr_put_u16(nlh, IPSEC6_POLICY_A_REMOTE_PORT_START,
				 p->rport.start);
		mnl_attr_put_u16(nlh, IPSEC6_POLICY_A_REMOTE_PORT_END,
				 p->rport.end);
	}
	if (!p->lport.any) {
		mnl_attr_put_u16(nlh, IPSEC6_POLICY_A_LOCAL_PORT_START,
				 p->lport.start);
		mnl_attr_put_u16(nlh, IPSEC6_POLICY_A_LOCAL_PORT_END,
				 p->lport.end);
	}
	if (p->has_icmp_type)
		mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_ICMP_TYPE, p->icmp_type);
	if (p->has_icmp_code)
		mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_ICMP_CODE, p->icmp_code);
	if (p->from_packet)
		mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_FROM_PACKET,
				 p->from_packet);
	if (p->ifindex || dump)
		mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_IFINDEX, p->ifindex);
	if (p->ipsec_proto)
		mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_IPSEC_PROTO,
				p->ipsec_proto);
	if (p->mode)
		mnl_attr_put_u8(nlh, IPSEC6_POLICY_A_MODE, p->mode);
	if (p->has_tunnel_remote)
		put_addr(nlh, IPSEC6_POLICY_A_TUNNEL_REMOTE, &p->tunnel_remote);
	if (p->has_tunnel_local)
		put_addr(nlh, IPSEC6_POLICY_A_TUNNEL_LOCAL, &p->tunnel_local);
	if (p->bundle_next)
		mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_BUNDLE_NEXT,
				 p->bundle_next);
	if (p->reqid)
		mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_REQID, p->reqid);
	if (p->flags)
		mnl_attr_put_u32(nlh, IPSEC6_POLICY_A_FLAGS, p->flags);
	if (dump)
		put_counts(nlh, IPSEC6_POLICY_A_COUNTS, &p->counts);
	mnl_attr_nest_end(nlh, nest);
}

static void put_key(struct nlmsghdr *nlh, uint16_t type, const struct key *k)
{
	static const uint8_t zero[IPSEC6_KEY_MAX];

	/* The simulated kernel keeps lengths only: send zeros then. */
	if (k->set)
		mnl_attr_put(nlh, type, k->len, k->data ? k->data : zero);
}

void nlmsg_put_sa(struct nlmsghdr *nlh, const struct sa *sa,
		  enum put_form form)
{
	static const uint16_t lft_attr[LFT_MAX] = {
		IPSEC6_SA_A_SOFT_BYTES, IPSEC6_SA_A_HARD_BYTES,
		IPSEC6_SA_A_SOFT_PACKETS, IPSEC6_SA_A_HARD_PACKETS,
		IPSEC6_SA_A_SOFT_ADD_SECONDS, IPSEC6_SA_A_HARD_ADD_SECONDS,
		IPSEC6_SA_A_SOFT_USE_SECONDS, IPSEC6_SA_A_HARD_USE_SECONDS,
	};
	struct nlattr *nest = mnl_attr_nest_start(nlh, IPSEC6_A_SA);
	bool dump = form == PUT_DUMP;
	unsigned int i;

	mnl_attr_put_u32(nlh, IPSEC6_SA_A_INDEX, sa->index);
	mnl_attr_put_u32(nlh, IPSEC6_SA_A_SPI, sa->spi);
	if (sa->proto || dump)
		mnl_attr_put_u8(nlh, IPSEC6_SA_A_PROTO, sa->proto);
	if (sa->mode || dump)
		mnl_attr_put_u8(nlh, IPSEC6_SA_A_MODE, sa->mode);
	if (sa->dir || dump)
		mnl_attr_put_u8(nlh, IPSEC6_SA_A_DIR, sa->dir);
	if (sa->has_src)
		put_addr(nlh, IPSEC6_SA_A_SRC, &sa->src);
	put_addr(nlh, IPSEC6_SA_A_DST, &sa->dst);
	if (sa->policy)
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_POLICY, sa->policy);
	if (sa->reqid)
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_REQID, sa->reqid);
	if (sa->has_sel_dst)
		put_addr(nlh, IPSEC6_SA_A_SEL_DST, &sa->sel_dst);
	if (sa->has_sel_src)
		put_addr(nlh, IPSEC6_SA_A_SEL_SRC, &sa->sel_src);
	if (sa->has_sel_proto)
		mnl_attr_put_u8(nlh, IPSEC6_SA_A_SEL_PROTO, sa->sel_proto);
	if (sa->has_sel_dport)
		mnl_attr_put_u16(nlh, IPSEC6_SA_A_SEL_DPORT, sa->sel_dport);
	if (sa->has_sel_sport)
		mnl_attr_put_u16(nlh, IPSEC6_SA_A_SEL_SPORT, sa->sel_sport);
	if (sa->auth_name) {
		mnl_attr_put_strz(nlh, IPSEC6_SA_A_AUTH_NAME, sa->auth_name);
		if (!dump)
			put_key(nlh, IPSEC6_SA_A_AUTH_KEY, &sa->auth_key);
	}
	if (sa->enc_name) {
		mnl_attr_put_strz(nlh, IPSEC6_SA_A_ENC_NAME, sa->enc_name);
		if (!dump)
			put_key(nlh, IPSEC6_SA_A_ENC_KEY, &sa->enc_key);
	}
	if (sa->aead_name) {
		mnl_attr_put_strz(nlh, IPSEC6_SA_A_AEAD_NAME, sa->aead_name);
		if (!dump)
			put_key(nlh, IPSEC6_SA_A_AEAD_KEY, &sa->aead_key);
	}
	if (sa->has_icv || dump)
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_ICV_LEN, sa->icv_bits);
	if (sa->has_replay || dump)
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_REPLAY_WINDOW,
				 sa->replay_window);
	if (sa->flags)
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_FLAGS, sa->flags);
	for (i = 0; i < LFT_MAX; i++)
		if (sa->lft[i])
			mnl_attr_put_u64(nlh, lft_attr[i], sa->lft[i]);
	if (sa->keyfile)
		mnl_attr_put_strz(nlh, IPSEC6_SA_A_KEYFILE, sa->keyfile);
	if (sa->enc_keyfile)
		mnl_attr_put_strz(nlh, IPSEC6_SA_A_ENC_KEYFILE,
				  sa->enc_keyfile);
	/* Requests set starting numbers only when asked to. */
	if (dump || sa->has_seq)
		mnl_attr_put_u64(nlh, IPSEC6_SA_A_SEQ, sa->seq);
	if (dump ? sa->dir != IPSEC6_DIR_OUT : sa->has_rseq)
		mnl_attr_put_u64(nlh, IPSEC6_SA_A_RSEQ, sa->rseq);
	if (dump) {
		mnl_attr_put_u32(nlh, IPSEC6_SA_A_KEY_BITS, sa_key_bits(sa));
		mnl_attr_put_u8(nlh, IPSEC6_SA_A_STATE, sa->state);
		put_counts(nlh, IPSEC6_SA_A_COUNTS, &sa->counts);
	}
	mnl_attr_nest_end(nlh, nest);
}

/* Attributes -> model. */

struct tbl {
	const struct nlattr **tb;
	int max;
	const struct adesc *desc;
	bool bad;
};

static bool attr_ok(const struct nlattr *a, const struct adesc *d)
{
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (d->t) {
	case P_U8:
		return len >= 1;
	case P_U16:
		return len >= 2;
	case P_U32:
		return len >= 4;
	case P_U64:
		return len >= 8;
	case P_ADDR:
		return len == 16;
	case P_STR:
		return mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0;
	case P_NEST:
		return mnl_attr_validate(a, MNL_TYPE_NESTED) == 0;
	case P_FLAG:
		return len == 0;
	case P_KEY:
	case P_BIN:
		return true;
	}
	return false;
}

static int collect_cb(const struct nlattr *a, void *data)
{
	struct tbl *t = data;
	int type = mnl_attr_get_type(a);

	/* Unknown attributes are skipped: newer kernels may add some. */
	if (type > t->max || !t->desc[type].name)
		return MNL_CB_OK;
	if (!attr_ok(a, &t->desc[type])) {
		t->bad = true;
		return MNL_CB_OK;
	}
	t->tb[type] = a;
	return MNL_CB_OK;
}

static int collect(const struct nlattr *nest, const struct nlattr **tb,
		   int max, const struct adesc *desc)
{
	struct tbl t = { tb, max, desc, false };

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	if (mnl_attr_parse_nested(nest, collect_cb, &t) < 0 || t.bad)
		return -1;
	return 0;
}

static void get_addr(const struct nlattr *a, struct in6_addr *out)
{
	memcpy(out, mnl_attr_get_payload(a), sizeof(*out));
}

static void get_counts(const struct nlattr *nest, struct counts *c)
{
	const struct nlattr *tb[IPSEC6_COUNTS_A_MAX + 1];

	if (collect(nest, tb, IPSEC6_COUNTS_A_MAX, a_counts) < 0)
		return;
	c->present = true;
	if (tb[IPSEC6_COUNTS_A_PACKETS])
		c->packets = mnl_attr_get_u64(tb[IPSEC6_COUNTS_A_PACKETS]);
	if (tb[IPSEC6_COUNTS_A_BYTES])
		c->bytes = mnl_attr_get_u64(tb[IPSEC6_COUNTS_A_BYTES]);
	if (tb[IPSEC6_COUNTS_A_DROPS])
		c->drops = mnl_attr_get_u64(tb[IPSEC6_COUNTS_A_DROPS]);
}

static void get_range(const struct nlattr *s, const struct nlattr *e,
		      struct addr_sel *r)
{
	r->any = !(s && e);
	if (!r->any) {
		get_addr(s, &r->start);
		get_addr(e, &r->end);
	}
}

static void get_ports(const struct nlattr *s, const struct nlattr *e,
		      struct port_sel *r)
{
	r->any = !(s && e);
	if (!r->any) {
		r->start = mnl_attr_get_u16(s);
		r->end = mnl_attr_get_u16(e);
	}
}

int nlmsg_parse_policy(const struct nlattr *nest, struct policy *p)
{
	const struct nlattr *tb[IPSEC6_POLICY_A_MAX + 1];

	policy_init(p);
	if (collect(nest, tb, IPSEC6_POLICY_A_MAX, a_policy) < 0)
		return -1;
	if (!tb[IPSEC6_POLICY_A_INDEX] || !tb[IPSEC6_POLICY_A_DIR] ||
	    !tb[IPSEC6_POLICY_A_ACTION])
		return -1;
	p->index = mnl_attr_get_u32(tb[IPSEC6_POLICY_A_INDEX]);
	if (tb[IPSEC6_POLICY_A_PRIORITY])
		p->priority = mnl_attr_get_u32(tb[IPSEC6_POLICY_A_PRIORITY]);
	p->dir = mnl_attr_get_u8(tb[IPSEC6_POLICY_A_DIR]);
	p->action = mnl_attr_get_u8(tb[IPSEC6_POLICY_A_ACTION]);
	get_range(tb[IPSEC6_POLICY_A_REMOTE_START],
		  tb[IPSEC6_POLICY_A_REMOTE_END], &p->remote);
	get_range(tb[IPSEC6_POLICY_A_LOCAL_START],
		  tb[IPSEC6_POLICY_A_LOCAL_END], &p->local);
	if (tb[IPSEC6_POLICY_A_PROTO]) {
		p->has_proto = true;
		p->proto = mnl_attr_get_u8(tb[IPSEC6_POLICY_A_PROTO]);
	}
	get_ports(tb[IPSEC6_POLICY_A_REMOTE_PORT_START],
		  tb[IPSEC6_POLICY_A_REMOTE_PORT_END], &p->rport);
	get_ports(tb[IPSEC6_POLICY_A_LOCAL_PORT_START],
		  tb[IPSEC6_POLICY_A_LOCAL_PORT_END], &p->lport);
	if (tb[IPSEC6_POLICY_A_ICMP_TYPE]) {
		p->has_icmp_type = true;
		p->icmp_type = mnl_attr_get_u8(tb[IPSEC6_POLICY_A_ICMP_TYPE]);
	}
	if (tb[IPSEC6_POLICY_A_ICMP_CODE]) {
		p->has_icmp_code = true;
		p->icmp_code = mnl_attr_get_u8(tb[IPSEC6_POLICY_A_ICMP_CODE]);
	}
	if (tb[IPSEC6_POLICY_A_FROM_PACKET])
		p->from_packet = mnl_attr_get_u32(tb[IPSEC6_POLICY_A_FROM_PACKET]);
	if (tb[IPSEC6_POLICY_A_IFINDEX])
		p->ifindex = mnl_attr_get_u32(tb[IPSEC6_POLICY_A_IFINDEX]);
	if (tb[IPSEC6_POLICY_A_IPSEC_PROTO])
		p->ipsec_proto = mnl_attr_get_u8(tb[IPSEC6_POLICY_A_IPSEC_PROTO]);
	if (tb[IPSEC6_POLICY_A_MODE])
		p->mode = mnl_attr_get_u8(tb[IPSEC6_POLICY_A_MODE]);
	if (tb[IPSEC6_POLICY_A_TUNNEL_REMOTE]) {
		p->has_tunnel_remote = true;
		get_addr(tb[IPSEC6_POLICY_A_TUNNEL_REMOTE], &p->tunnel_remote);
	}
	if (tb[IPSEC6_POLICY_A_TUNNEL_LOCAL]) {
		p->has_tunnel_local = true;
		get_addr(tb[IPSEC6_POLICY_A_TUNNEL_LOCAL], &p->tunnel_local);
	}
	if (tb[IPSEC6_POLICY_A_BUNDLE_NEXT])
		p->bundle_next = mnl_attr_get_u32(tb[IPSEC6_POLICY_A_BUNDLE_NEXT]);
	if (tb[IPSEC6_POLICY_A_REQID])
		p->reqid = mnl_attr_get_u32(tb[IPSEC6_POLICY_A_REQID]);
	if (tb[IPSEC6_POLICY_A_FLAGS])
		p->flags = mnl_attr_get_u32(tb[IPSEC6_POLICY_A_FLAGS]);
	if (tb[IPSEC6_POLICY_A_COUNTS])
		get_counts(tb[IPSEC6_POLICY_A_COUNTS], &p->counts);
	return 0;
}

static char *get_str(const struct nlattr *a)
{
	return a ? xstrdup(mnl_attr_get_str(a)) : NULL;
}

static void get_key(const struct nlattr *a, struct key *k)
{
	if (!a)
		return;
	k->set = true;
	k->len = mnl_attr_get_payload_len(a);
	k->data = xmalloc(k->len);
	memcpy(k->data, mnl_attr_get_payload(a), k->len);
}

int nlmsg_parse_sa(const struct nlattr *nest, struct sa *sa)
{
	static const uint16_t lft_attr[LFT_MAX] = {
		IPSEC6_SA_A_SOFT_BYTES, IPSEC6_SA_A_HARD_BYTES,
		IPSEC6_SA_A_SOFT_PACKETS, IPSEC6_SA_A_HARD_PACKETS,
		IPSEC6_SA_A_SOFT_ADD_SECONDS, IPSEC6_SA_A_HARD_ADD_SECONDS,
		IPSEC6_SA_A_SOFT_USE_SECONDS, IPSEC6_SA_A_HARD_USE_SECONDS,
	};
	const struct nlattr *tb[IPSEC6_SA_A_MAX + 1];
	unsigned int i;

	sa_init(sa);
	if (collect(nest, tb, IPSEC6_SA_A_MAX, a_sa) < 0)
		return -1;
	if (tb[IPSEC6_SA_A_INDEX])
		sa->index = mnl_attr_get_u32(tb[IPSEC6_SA_A_INDEX]);
	if (tb[IPSEC6_SA_A_SPI])
		sa->spi = mnl_attr_get_u32(tb[IPSEC6_SA_A_SPI]);
	if (tb[IPSEC6_SA_A_PROTO])
		sa->proto = mnl_attr_get_u8(tb[IPSEC6_SA_A_PROTO]);
	if (tb[IPSEC6_SA_A_MODE])
		sa->mode = mnl_attr_get_u8(tb[IPSEC6_SA_A_MODE]);
	if (tb[IPSEC6_SA_A_DIR])
		sa->dir = mnl_attr_get_u8(tb[IPSEC6_SA_A_DIR]);
	if (tb[IPSEC6_SA_A_SRC]) {
		sa->has_src = true;
		get_addr(tb[IPSEC6_SA_A_SRC], &sa->src);
	}
	if (tb[IPSEC6_SA_A_DST])
		get_addr(tb[IPSEC6_SA_A_DST], &sa->dst);
	if (tb[IPSEC6_SA_A_POLICY])
		sa->policy = mnl_attr_get_u32(tb[IPSEC6_SA_A_POLICY]);
	if (tb[IPSEC6_SA_A_REQID])
		sa->reqid = mnl_attr_get_u32(tb[IPSEC6_SA_A_REQID]);
	if (tb[IPSEC6_SA_A_SEL_DST]) {
		sa->has_sel_dst = true;
		get_addr(tb[IPSEC6_SA_A_SEL_DST], &sa->sel_dst);
	}
	if (tb[IPSEC6_SA_A_SEL_SRC]) {
		sa->has_sel_src = true;
		get_addr(tb[IPSEC6_SA_A_SEL_SRC], &sa->sel_src);
	}
	if (tb[IPSEC6_SA_A_SEL_PROTO]) {
		sa->has_sel_proto = true;
		sa->sel_proto = mnl_attr_get_u8(tb[IPSEC6_SA_A_SEL_PROTO]);
	}
	if (tb[IPSEC6_SA_A_SEL_DPORT]) {
		sa->has_sel_dport = true;
		sa->sel_dport = mnl_attr_get_u16(tb[IPSEC6_SA_A_SEL_DPORT]);
	}
	if (tb[IPSEC6_SA_A_SEL_SPORT]) {
		sa->has_sel_sport = true;
		sa->sel_sport = mnl_attr_get_u16(tb[IPSEC6_SA_A_SEL_SPORT]);
	}
	sa->auth_name = get_str(tb[IPSEC6_SA_A_AUTH_NAME]);
	sa->enc_name = get_str(tb[IPSEC6_SA_A_ENC_NAME]);
	sa->aead_name = get_str(tb[IPSEC6_SA_A_AEAD_NAME]);
	get_key(tb[IPSEC6_SA_A_AUTH_KEY], &sa->auth_key);
	get_key(tb[IPSEC6_SA_A_ENC_KEY], &sa->enc_key);
	get_key(tb[IPSEC6_SA_A_AEAD_KEY], &sa->aead_key);
	if (tb[IPSEC6_SA_A_ICV_LEN]) {
		sa->has_icv = true;
		sa->icv_bits = mnl_attr_get_u32(tb[IPSEC6_SA_A_ICV_LEN]);
	}
	if (tb[IPSEC6_SA_A_REPLAY_WINDOW]) {
		sa->has_replay = true;
		sa->replay_window =
			mnl_attr_get_u32(tb[IPSEC6_SA_A_REPLAY_WINDOW]);
	}
	if (tb[IPSEC6_SA_A_FLAGS])
		sa->flags = mnl_attr_get_u32(tb[IPSEC6_SA_A_FLAGS]);
	for (i = 0; i < LFT_MAX; i++)
		if (tb[lft_attr[i]])
			sa->lft[i] = mnl_attr_get_u64(tb[lft_attr[i]]);
	sa->keyfile = get_str(tb[IPSEC6_SA_A_KEYFILE]);
	sa->enc_keyfile = get_str(tb[IPSEC6_SA_A_ENC_KEYFILE]);
	if (tb[IPSEC6_SA_A_KEY_BITS]) {
		sa->has_key_bits = true;
		sa->key_bits = mnl_attr_get_u32(tb[IPSEC6_SA_A_KEY_BITS]);
	}
	/* Current numbers: shown, never sent back as starting ones. */
	if (tb[IPSEC6_SA_A_SEQ])
		sa->seq = mnl_attr_get_u64(tb[IPSEC6_SA_A_SEQ]);
	if (tb[IPSEC6_SA_A_RSEQ])
		sa->rseq = mnl_attr_get_u64(tb[IPSEC6_SA_A_RSEQ]);
	if (tb[IPSEC6_SA_A_STATE]) {
		sa->has_state = true;
		sa->state = mnl_attr_get_u8(tb[IPSEC6_SA_A_STATE]);
	}
	if (tb[IPSEC6_SA_A_COUNTS])
		get_counts(tb[IPSEC6_SA_A_COUNTS], &sa->counts);
	return 0;
}

int nlmsg_parse_stats(const struct nlattr *nest, uint64_t *stats,
		      bool *present)
{
	const struct nlattr *tb[IPSEC6_STATS_A_MAX + 1];
	int i;

	if (collect(nest, tb, IPSEC6_STATS_A_MAX, a_stats) < 0)
		return -1;
	for (i = 0; i <= IPSEC6_STATS_A_MAX; i++) {
		present[i] = tb[i] && i != IPSEC6_STATS_A_PAD;
		stats[i] = present[i] ? mnl_attr_get_u64(tb[i]) : 0;
	}
	return 0;
}

/* The printer. */

static void print_enum(FILE *f, uint64_t v, const struct adesc *d)
{
	const struct edesc *e;
	bool first = true;

	if (!d->bits) {
		for (e = d->enums; e->name; e++) {
			if (e->val == v) {
				fputs(e->name, f);
				return;
			}
		}
		fprintf(f, "%llu", (unsigned long long)v);
		return;
	}
	if (!v) {
		fputc('0', f);
		return;
	}
	for (e = d->enums; e->name; e++) {
		if (v & e->val) {
			fprintf(f, "%s%s", first ? "" : "|", e->name);
			v &= ~(uint64_t)e->val;
			first = false;
		}
	}
	if (v)
		fprintf(f, "%s0x%llx", first ? "" : "|", (unsigned long long)v);
}

static void print_str(FILE *f, const char *s, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void print_attrs(FILE *f, const void *data, size_t len,
			const struct adesc *desc, int max);

static void print_attr(FILE *f, const struct nlattr *a,
		       const struct adesc *desc, int max)
{
	int type = mnl_attr_get_type(a);
	uint16_t len = mnl_attr_get_payload_len(a);
	const struct adesc *d = type <= max ? &desc[type] : NULL;
	char addr[INET6_ADDRSTRLEN];

	if (!d || !d->name || !attr_ok(a, d)) {
		fprintf(f, "#%d=<%u bytes>", type, len);
		return;
	}
	if (d->t == P_FLAG) {
		fputs(d->name, f);
		return;
	}
	if (d->t == P_NEST) {
		fprintf(f, "%s{", d->name);
		print_attrs(f, mnl_attr_get_payload(a), len, d->nest,
			    d->nest_max);
		fputc('}', f);
		return;
	}
	fprintf(f, "%s=", d->name);
	switch (d->t) {
	case P_U8:
	case P_U16:
	case P_U32:
	case P_U64: {
		uint64_t v = d->t == P_U8 ? mnl_attr_get_u8(a) :
			     d->t == P_U16 ? mnl_attr_get_u16(a) :
			     d->t == P_U32 ? mnl_attr_get_u32(a) :
					     mnl_attr_get_u64(a);

		if (d->enums)
			print_enum(f, v, d);
		else
			fprintf(f, "%llu", (unsigned long long)v);
		break;
	}
	case P_ADDR:
		fmt_in6(mnl_attr_get_payload(a), addr, sizeof(addr), false);
		fputs(addr, f);
		break;
	case P_STR:
		print_str(f, mnl_attr_get_payload(a), len);
		break;
	case P_FLAG:
	case P_KEY:
	case P_BIN:
	case P_NEST:
		fprintf(f, "<%u bytes>", len);
		break;
	}
}

static void print_attrs(FILE *f, const void *data, size_t len,
			const struct adesc *desc, int max)
{
	const struct nlattr *a;
	bool first = true;

	for (a = data; mnl_attr_ok(a, (int)((const char *)data + len -
					     (const char *)a));
	     a = mnl_attr_next(a)) {
		int type = mnl_attr_get_type(a);

		/* Flags of the request are shown with its nlmsg flags. */
		if (type <= max && desc[type].t == P_FLAG &&
		    mnl_attr_get_payload_len(a) == 0)
			continue;
		if (!first)
			fputc(' ', f);
		print_attr(f, a, desc, max);
		first = false;
	}
}

static bool top_has(const struct nlmsghdr *nlh, size_t hlen, int type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, hlen)
		if (mnl_attr_get_type(a) == type)
			return true;
	return false;
}

void nlmsg_print(FILE *f, const struct nlmsghdr *nlh)
{
	static const struct { uint16_t flag; const char *name; } flags[] = {
		{ NLM_F_REPLACE, "REPLACE" },
		{ NLM_F_EXCL, "EXCL" }, { NLM_F_CREATE, "CREATE" },
	};
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	size_t hlen = sizeof(*g);
	bool first = true;
	unsigned int i;

	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		const struct nlattr *a;

		fputs("CTRL_GETFAMILY", f);
		mnl_attr_for_each(a, nlh, hlen)
			if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_NAME &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				fprintf(f, " FAMILY_NAME=\"%s\"",
					mnl_attr_get_str(a));
		fputc('\n', f);
		return;
	}

	/* NLM_F_DUMP shares its bits with NLM_F_REPLACE | NLM_F_EXCL. */
	if ((g->cmd == IPSEC6_CMD_POLICY_GET || g->cmd == IPSEC6_CMD_SA_GET ||
	     g->cmd == IPSEC6_CMD_STATS_GET) &&
	    (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP) {
		fprintf(f, "%s flags=DUMP\n", nlmsg_cmd_name(g->cmd));
		return;
	}
	fputs(nlmsg_cmd_name(g->cmd), f);
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		if (nlh->nlmsg_flags & flags[i].flag) {
			fprintf(f, "%s%s", first ? " flags=" : "|",
				flags[i].name);
			first = false;
		}
	}
	if (top_has(nlh, hlen, IPSEC6_A_REPLACE))
		fprintf(f, "%sREPLACE", first ? " flags=" : "|");
	if (mnl_nlmsg_get_payload_len(nlh) > hlen) {
		fputc(' ', f);
		print_attrs(f, (const char *)g + hlen,
			    mnl_nlmsg_get_payload_len(nlh) - hlen, a_top,
			    IPSEC6_A_MAX);
	}
	fputc('\n', f);
}

static const char *attr_at(const void *data, size_t len, uint32_t off,
			   const struct adesc *desc, int max, char *buf,
			   size_t blen, size_t used)
{
	const struct nlattr *a;

	for (a = data; mnl_attr_ok(a, (int)((const char *)data + len -
					     (const char *)a));
	     a = mnl_attr_next(a)) {
		uint32_t start = (uint32_t)((const char *)a - (const char *)data);
		int type = mnl_attr_get_type(a);
		const struct adesc *d = type <= max ? &desc[type] : NULL;

		if (off < start || off >= start + a->nla_len)
			continue;
		if (!d || !d->name)
			return NULL;
		snprintf(buf + used, blen - used, "%s%s", used ? "." : "",
			 d->name);
		if (off > start && d->t == P_NEST) {
			size_t hl = MNL_ATTR_HDRLEN;

			if (off < start + hl)
				return buf;
			return attr_at(mnl_attr_get_payload(a),
				       mnl_attr_get_payload_len(a),
				       off - start - (uint32_t)hl, d->nest,
				       d->nest_max, buf, blen, strlen(buf)) ?:
				buf;
		}
		return buf;
	}
	return NULL;
}

const char *nlmsg_attr_at(const struct nlmsghdr *nlh, uint32_t off,
			  char *buf, size_t len)
{
	size_t hdr = MNL_NLMSG_HDRLEN + sizeof(struct genlmsghdr);

	if (off < hdr || off >= nlh->nlmsg_len || !len)
		return NULL;
	buf[0] = '\0';
	return attr_at((const char *)nlh + hdr, nlh->nlmsg_len - hdr,
		       off - (uint32_t)hdr, a_top, IPSEC6_A_MAX, buf, len, 0);
}

const char *nlmsg_attr_name(int nest_type, int type, char *buf, size_t len)
{
	const struct adesc *d;

	if (nest_type > 0 && nest_type <= IPSEC6_A_MAX &&
	    a_top[nest_type].t == P_NEST) {
		d = &a_top[nest_type];
		if (type > d->nest_max || !d->nest[type].name)
			return NULL;
		snprintf(buf, len, "%s.%s", d->name, d->nest[type].name);
		return buf;
	}
	if (type > IPSEC6_A_MAX || !a_top[type].name)
		return NULL;
	snprintf(buf, len, "%s", a_top[type].name);
	return buf;
}
