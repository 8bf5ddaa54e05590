// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/ipsec6.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/ipsec6.h>
#include <compat.h>

/* Common nested types */
const struct nla_policy ipsec6_counts_nl_policy[IPSEC6_COUNTS_A_PAD + 1] = {
	[IPSEC6_COUNTS_A_PACKETS] = { .type = NLA_U64, },
	[IPSEC6_COUNTS_A_BYTES] = { .type = NLA_U64, },
	[IPSEC6_COUNTS_A_DROPS] = { .type = NLA_U64, },
};

const struct nla_policy ipsec6_policy_nl_policy[IPSEC6_POLICY_A_LAST_USED + 1] = {
	[IPSEC6_POLICY_A_INDEX] = { .type = NLA_U32, },
	[IPSEC6_POLICY_A_PRIORITY] = { .type = NLA_U32, },
	[IPSEC6_POLICY_A_DIR] = NLA_POLICY_MASK(NLA_U8, 0x7),
	[IPSEC6_POLICY_A_ACTION] = { .type = NLA_U8, },
	[IPSEC6_POLICY_A_REMOTE_START] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_POLICY_A_REMOTE_END] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_POLICY_A_LOCAL_START] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_POLICY_A_LOCAL_END] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_POLICY_A_PROTO] = { .type = NLA_U8, },
	[IPSEC6_POLICY_A_REMOTE_PORT_START] = { .type = NLA_U16, },
	[IPSEC6_POLICY_A_REMOTE_PORT_END] = { .type = NLA_U16, },
	[IPSEC6_POLICY_A_LOCAL_PORT_START] = { .type = NLA_U16, },
	[IPSEC6_POLICY_A_LOCAL_PORT_END] = { .type = NLA_U16, },
	[IPSEC6_POLICY_A_ICMP_TYPE] = { .type = NLA_U8, },
	[IPSEC6_POLICY_A_ICMP_CODE] = { .type = NLA_U8, },
	[IPSEC6_POLICY_A_FROM_PACKET] = NLA_POLICY_MASK(NLA_U32, 0x1f),
	[IPSEC6_POLICY_A_IFINDEX] = { .type = NLA_U32, },
	[IPSEC6_POLICY_A_IPSEC_PROTO] = { .type = NLA_U8, },
	[IPSEC6_POLICY_A_MODE] = { .type = NLA_U8, },
	[IPSEC6_POLICY_A_TUNNEL_REMOTE] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_POLICY_A_TUNNEL_LOCAL] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_POLICY_A_BUNDLE_NEXT] = { .type = NLA_U32, },
	[IPSEC6_POLICY_A_REQID] = { .type = NLA_U32, },
	[IPSEC6_POLICY_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x3),
	[IPSEC6_POLICY_A_COUNTS] = NLA_POLICY_NESTED(ipsec6_counts_nl_policy),
	[IPSEC6_POLICY_A_OWNER] = { .type = NLA_U32, },
	[IPSEC6_POLICY_A_LAST_USED] = { .type = NLA_U64, },
};

const struct nla_policy ipsec6_sa_nl_policy[IPSEC6_SA_A_ENCAP_OA + 1] = {
	[IPSEC6_SA_A_INDEX] = { .type = NLA_U32, },
	[IPSEC6_SA_A_SPI] = { .type = NLA_U32, },
	[IPSEC6_SA_A_PROTO] = { .type = NLA_U8, },
	[IPSEC6_SA_A_MODE] = { .type = NLA_U8, },
	[IPSEC6_SA_A_DIR] = { .type = NLA_U8, },
	[IPSEC6_SA_A_SRC] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_SA_A_DST] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_SA_A_POLICY] = { .type = NLA_U32, },
	[IPSEC6_SA_A_REQID] = { .type = NLA_U32, },
	[IPSEC6_SA_A_SEL_DST] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_SA_A_SEL_SRC] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC6_SA_A_SEL_PROTO] = { .type = NLA_U8, },
	[IPSEC6_SA_A_SEL_DPORT] = { .type = NLA_U16, },
	[IPSEC6_SA_A_SEL_SPORT] = { .type = NLA_U16, },
	[IPSEC6_SA_A_AUTH_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[IPSEC6_SA_A_AUTH_KEY] = { .type = NLA_BINARY, },
	[IPSEC6_SA_A_ENC_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[IPSEC6_SA_A_ENC_KEY] = { .type = NLA_BINARY, },
	[IPSEC6_SA_A_AEAD_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[IPSEC6_SA_A_AEAD_KEY] = { .type = NLA_BINARY, },
	[IPSEC6_SA_A_ICV_LEN] = { .type = NLA_U32, },
	[IPSEC6_SA_A_REPLAY_WINDOW] = NLA_POLICY_MAX(NLA_U32, IPSEC6_REPLAY_MAX),
	[IPSEC6_SA_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x3),
	[IPSEC6_SA_A_SOFT_BYTES] = { .type = NLA_U64, },
	[IPSEC6_SA_A_HARD_BYTES] = { .type = NLA_U64, },
	[IPSEC6_SA_A_SOFT_PACKETS] = { .type = NLA_U64, },
	[IPSEC6_SA_A_HARD_PACKETS] = { .type = NLA_U64, },
	[IPSEC6_SA_A_SOFT_ADD_SECONDS] = { .type = NLA_U64, },
	[IPSEC6_SA_A_HARD_ADD_SECONDS] = { .type = NLA_U64, },
	[IPSEC6_SA_A_SOFT_USE_SECONDS] = { .type = NLA_U64, },
	[IPSEC6_SA_A_HARD_USE_SECONDS] = { .type = NLA_U64, },
	[IPSEC6_SA_A_KEYFILE] = { .type = NLA_NUL_STRING, .len = 255, },
	[IPSEC6_SA_A_ENC_KEYFILE] = { .type = NLA_NUL_STRING, .len = 255, },
	[IPSEC6_SA_A_KEY_BITS] = { .type = NLA_U32, },
	[IPSEC6_SA_A_SEQ] = { .type = NLA_U64, },
	[IPSEC6_SA_A_RSEQ] = { .type = NLA_U64, },
	[IPSEC6_SA_A_STATE] = { .type = NLA_U8, },
	[IPSEC6_SA_A_COUNTS] = NLA_POLICY_NESTED(ipsec6_counts_nl_policy),
	[IPSEC6_SA_A_OWNER] = { .type = NLA_U32, },
	[IPSEC6_SA_A_SPI_MIN] = { .type = NLA_U32, },
	[IPSEC6_SA_A_SPI_MAX] = { .type = NLA_U32, },
	[IPSEC6_SA_A_LAST_USED] = { .type = NLA_U64, },
	[IPSEC6_SA_A_ADD_TIME] = { .type = NLA_U64, },
	[IPSEC6_SA_A_ENCAP_TYPE] = { .type = NLA_U16, },
	[IPSEC6_SA_A_ENCAP_SPORT] = { .type = NLA_U16, },
	[IPSEC6_SA_A_ENCAP_DPORT] = { .type = NLA_U16, },
	[IPSEC6_SA_A_ENCAP_OA] = NLA_POLICY_EXACT_LEN(16),
};

/* IPSEC6_CMD_POLICY_NEW - do */
static const struct nla_policy ipsec6_policy_new_nl_policy[IPSEC6_A_REPLACE + 1] = {
	[IPSEC6_A_POLICY] = NLA_POLICY_NESTED(ipsec6_policy_nl_policy),
	[IPSEC6_A_REPLACE] = { .type = NLA_FLAG, },
};

/* IPSEC6_CMD_POLICY_DEL - do */
static const struct nla_policy ipsec6_policy_del_nl_policy[IPSEC6_A_POLICY + 1] = {
	[IPSEC6_A_POLICY] = NLA_POLICY_NESTED(ipsec6_policy_nl_policy),
};

/* IPSEC6_CMD_POLICY_GET - do */
static const struct nla_policy ipsec6_policy_get_nl_policy[IPSEC6_A_POLICY + 1] = {
	[IPSEC6_A_POLICY] = NLA_POLICY_NESTED(ipsec6_policy_nl_policy),
};

/* IPSEC6_CMD_POLICY_FLUSH - do */
static const struct nla_policy ipsec6_policy_flush_nl_policy[IPSEC6_A_OWNER + 1] = {
	[IPSEC6_A_OWNER] = { .type = NLA_U32, },
};

/* IPSEC6_CMD_SA_NEW - do */
static const struct nla_policy ipsec6_sa_new_nl_policy[IPSEC6_A_REPLACE + 1] = {
	[IPSEC6_A_SA] = NLA_POLICY_NESTED(ipsec6_sa_nl_policy),
	[IPSEC6_A_REPLACE] = { .type = NLA_FLAG, },
};

/* IPSEC6_CMD_SA_DEL - do */
static const struct nla_policy ipsec6_sa_del_nl_policy[IPSEC6_A_SA + 1] = {
	[IPSEC6_A_SA] = NLA_POLICY_NESTED(ipsec6_sa_nl_policy),
};

/* IPSEC6_CMD_SA_GET - do */
static const struct nla_policy ipsec6_sa_get_nl_policy[IPSEC6_A_SA + 1] = {
	[IPSEC6_A_SA] = NLA_POLICY_NESTED(ipsec6_sa_nl_policy),
};

/* IPSEC6_CMD_SA_FLUSH - do */
static const struct nla_policy ipsec6_sa_flush_nl_policy[IPSEC6_A_OWNER + 1] = {
	[IPSEC6_A_OWNER] = { .type = NLA_U32, },
};

/* IPSEC6_CMD_TXN_BEGIN - do */
static const struct nla_policy ipsec6_txn_begin_nl_policy[IPSEC6_A_TXN_FLAGS + 1] = {
	[IPSEC6_A_TXN_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x1),
};

/* IPSEC6_CMD_TXN_COMMIT - do */
static const struct nla_policy ipsec6_txn_commit_nl_policy[IPSEC6_A_TXN_REQUESTS + 1] = {
	[IPSEC6_A_TXN_REQUESTS] = { .type = NLA_U32, },
};

/* IPSEC6_CMD_SA_ALLOC_SPI - do */
static const struct nla_policy ipsec6_sa_alloc_spi_nl_policy[IPSEC6_A_SA + 1] = {
	[IPSEC6_A_SA] = NLA_POLICY_NESTED(ipsec6_sa_nl_policy),
};

/* IPSEC6_CMD_SA_UPDATE - do */
static const struct nla_policy ipsec6_sa_update_nl_policy[IPSEC6_A_SA + 1] = {
	[IPSEC6_A_SA] = NLA_POLICY_NESTED(ipsec6_sa_nl_policy),
};

/* IPSEC6_CMD_SOCKET_BYPASS - do */
static const struct nla_policy ipsec6_socket_bypass_nl_policy[IPSEC6_A_SOCKET_COOKIE + 1] = {
	[IPSEC6_A_SOCKET_COOKIE] = { .type = NLA_U64, },
	[IPSEC6_A_OWNER] = { .type = NLA_U32, },
};

/* Ops table for ipsec6 */
const struct genl_split_ops ipsec6_nl_ops[17] = {
	{
		.cmd		= IPSEC6_CMD_POLICY_NEW,
		.doit		= ipsec6_nl_policy_new_doit,
		.policy		= ipsec6_policy_new_nl_policy,
		.maxattr	= IPSEC6_A_REPLACE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC6_CMD_POLICY_DEL,
		.doit		= ipsec6_nl_policy_del_doit,
		.policy		= ipsec6_policy_del_nl_policy,
		.maxattr	= IPSEC6_A_POLICY,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC6_CMD_POLICY_GET,
		.doit		= ipsec6_nl_policy_get_doit,
		.policy		= ipsec6_policy_get_nl_policy,
		.maxattr	= IPSEC6_A_POLICY,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= IPSEC6_CMD_POLICY_GET,
		.dumpit	= ipsec6_nl_policy_get_dumpit,
		.done	= ipsec6_nl_policy_get_dump_done,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= IPSEC6_CMD_POLICY_FLUSH,
		.doit		= ipsec6_nl_policy_flush_doit,
		.policy		= ipsec6_policy_flush_nl_policy,
		.maxattr	= IPSEC6_A_OWNER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC6_CMD_SA_NEW,
		.doit		= ipsec6_nl_sa_new_doit,
		.policy		= ipsec6_sa_new_nl_policy,
		.maxattr	= IPSEC6_A_REPLACE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC6_CMD_SA_DEL,
		.doit		= ipsec6_nl_sa_del_doit,
		.policy		= ipsec6_sa_del_nl_policy,
		.maxattr	= IPSEC6_A_SA,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC6_CMD_SA_GET,
		.doit		= ipsec6_nl_sa_get_doit,
		.policy		= ipsec6_sa_get_nl_policy,
		.maxattr	= IPSEC6_A_SA,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= IPSEC6_CMD_SA_GET,
		.dumpit	= ipsec6_nl_sa_get_dumpit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= IPSEC6_CMD_SA_FLUSH,
		.doit		= ipsec6_nl_sa_flush_doit,
		.policy		= ipsec6_sa_flush_nl_policy,
		.maxattr	= IPSEC6_A_OWNER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC6_CMD_TXN_BEGIN,
		.doit		= ipsec6_nl_txn_begin_doit,
		.policy		= ipsec6_txn_begin_nl_policy,
		.maxattr	= IPSEC6_A_TXN_FLAGS,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC6_CMD_TXN_COMMIT,
		.doit		= ipsec6_nl_txn_commit_doit,
		.policy		= ipsec6_txn_commit_nl_policy,
		.maxattr	= IPSEC6_A_TXN_REQUESTS,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= IPSEC6_CMD_TXN_ABORT,
		.doit	= ipsec6_nl_txn_abort_doit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= IPSEC6_CMD_STATS_GET,
		.doit	= ipsec6_nl_stats_get_doit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC6_CMD_SA_ALLOC_SPI,
		.doit		= ipsec6_nl_sa_alloc_spi_doit,
		.policy		= ipsec6_sa_alloc_spi_nl_policy,
		.maxattr	= IPSEC6_A_SA,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC6_CMD_SA_UPDATE,
		.doit		= ipsec6_nl_sa_update_doit,
		.policy		= ipsec6_sa_update_nl_policy,
		.maxattr	= IPSEC6_A_SA,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC6_CMD_SOCKET_BYPASS,
		.doit		= ipsec6_nl_socket_bypass_doit,
		.policy		= ipsec6_socket_bypass_nl_policy,
		.maxattr	= IPSEC6_A_SOCKET_COOKIE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
};

static const struct genl_multicast_group ipsec6_nl_mcgrps[] = {
	[IPSEC6_NLGRP_EVENTS] = { "events", },
};
