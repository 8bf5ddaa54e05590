/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * ipsec6: generic netlink interface.
 *
 * The family is described in Documentation/netlink/ipsec6.yaml; keep the two
 * in step (tests/host/nlspec.sh checks it).
 *
 * Model
 * -----
 * Each network namespace has a Security Policy Database (SPD) and a Security
 * Association Database (SAD).  Policies are ordered by (priority ascending,
 * index descending); the first match wins.  Index 1 is the catch-all slot:
 * it is searched last whatever its priority.  A new namespace starts with the
 * default policy: index 1, every selector a wildcard, BIDIRECT, BYPASS.
 *
 * Changes are made in change sets.  A single POLICY_NEW/DEL/FLUSH or
 * SA_NEW/DEL/FLUSH request is a change set of its own.  TXN_BEGIN opens a
 * change set owned by the calling socket: the requests that follow on that
 * socket are staged, TXN_COMMIT validates the whole set and publishes it in
 * one step (or changes nothing), TXN_ABORT or closing the socket drops it.
 * Only one change set may be open per namespace.
 *
 * Key material is write-only: it is never sent back by the kernel.
 */
#ifndef _UAPI_LINUX_IPSEC6_H
#define _UAPI_LINUX_IPSEC6_H

#define IPSEC6_GENL_NAME	"ipsec6"
#define IPSEC6_GENL_VERSION	1
#define IPSEC6_MCGRP_EVENTS	"events"

/* Largest algorithm name, including the terminating NUL. */
#define IPSEC6_ALG_NAME_MAX	64
/* Largest key accepted for any algorithm, in bytes. */
#define IPSEC6_KEY_MAX		128
/* Largest anti-replay window, in packets. */
#define IPSEC6_REPLAY_MAX	4096
/* Largest key file label, including the terminating NUL. */
#define IPSEC6_KEYFILE_MAX	256
/* SPIs 1..255 are reserved by IANA (RFC 4303 section 2.1); 0 is invalid. */
#define IPSEC6_SPI_MIN		256
/* Kernel-assigned indexes are searched upward from here (wrapping to 2). */
#define IPSEC6_INDEX_AUTO	0x40000000
/* Seconds a larval SA (SA_ALLOC_SPI) lives without HARD_ADD_SECONDS. */
#define IPSEC6_LARVAL_SECONDS	30
/* Default of the acquire_interval module parameter, seconds. */
#define IPSEC6_ACQUIRE_INTERVAL	30
/* Socket cookies a namespace keeps for SOCKET_BYPASS. */
#define IPSEC6_BYPASS_MAX	64

enum ipsec6_cmd {
	IPSEC6_CMD_UNSPEC,
	IPSEC6_CMD_POLICY_NEW,
	IPSEC6_CMD_POLICY_DEL,
	IPSEC6_CMD_POLICY_GET,
	IPSEC6_CMD_POLICY_FLUSH,
	IPSEC6_CMD_SA_NEW,
	IPSEC6_CMD_SA_DEL,
	IPSEC6_CMD_SA_GET,
	IPSEC6_CMD_SA_FLUSH,
	IPSEC6_CMD_TXN_BEGIN,
	IPSEC6_CMD_TXN_COMMIT,
	IPSEC6_CMD_TXN_ABORT,
	IPSEC6_CMD_STATS_GET,
	/* Notifications on the "events" group. */
	IPSEC6_CMD_CHANGED,	/* a change set was published */
	IPSEC6_CMD_SA_EXPIRED,	/* soft/hard lifetime, sequence exhausted */
	/* For IKE daemons (appended). */
	IPSEC6_CMD_SA_ALLOC_SPI,	/* request: a larval SA, free SPI */
	IPSEC6_CMD_SA_UPDATE,		/* request: change an SA in place */
	IPSEC6_CMD_ACQUIRE,		/* event: an outbound packet has no SA */
	IPSEC6_CMD_SA_ADD_NTF,		/* events: one per object changed by */
	IPSEC6_CMD_SA_UPDATE_NTF,	/* a published change set */
	IPSEC6_CMD_SA_DEL_NTF,
	IPSEC6_CMD_POLICY_ADD_NTF,
	IPSEC6_CMD_POLICY_DEL_NTF,
	IPSEC6_CMD_SOCKET_BYPASS,	/* request: a socket skips the SPD */

	__IPSEC6_CMD_MAX,
	IPSEC6_CMD_MAX = __IPSEC6_CMD_MAX - 1
};

/* Top-level attributes. */
enum ipsec6_attr {
	IPSEC6_A_UNSPEC,
	IPSEC6_A_POLICY,	/* nest: enum ipsec6_policy_attr */
	IPSEC6_A_SA,		/* nest: enum ipsec6_sa_attr */
	IPSEC6_A_GENERATION,	/* u32: changes with every published set */
	IPSEC6_A_TXN_FLAGS,	/* u32: enum ipsec6_txn_flags */
	IPSEC6_A_STATS,		/* nest: enum ipsec6_stats_attr */
	IPSEC6_A_COUNTS,	/* nest: enum ipsec6_counts_attr */
	IPSEC6_A_EXPIRE,	/* u8: enum ipsec6_expire */
	IPSEC6_A_REPLACE,	/* flag: NEW replaces an entry of that index */
	IPSEC6_A_PAD,
	IPSEC6_A_TXN_REQUESTS,	/* u32: change requests sent in the set */
	IPSEC6_A_OWNER,		/* u32: FLUSH and SOCKET_BYPASS: owner */
	IPSEC6_A_FLOW,		/* nest: enum ipsec6_flow_attr (ACQUIRE) */
	IPSEC6_A_SOCKET_COOKIE,	/* u64: SO_COOKIE of a socket */

	__IPSEC6_A_MAX,
	IPSEC6_A_MAX = __IPSEC6_A_MAX - 1
};

enum ipsec6_txn_flags {
	/* Start the change set from empty tables instead of the current ones
	 * (the default policy is not added back implicitly).
	 */
	IPSEC6_TXN_F_REPLACE = 1 << 0,
};

/* Direction bits; BIDIRECT is IN | OUT.  FWD is accepted for "ip xfrm"
 * compatibility; inbound enforcement happens before routing, so IN and FWD
 * policies both apply to every packet that arrives.
 */
enum ipsec6_dir {
	IPSEC6_DIR_IN = 1 << 0,
	IPSEC6_DIR_OUT = 1 << 1,
	IPSEC6_DIR_FWD = 1 << 2,
};

#define IPSEC6_DIR_BIDIRECT	(IPSEC6_DIR_IN | IPSEC6_DIR_OUT)
#define IPSEC6_DIR_ALL		(IPSEC6_DIR_IN | IPSEC6_DIR_OUT | IPSEC6_DIR_FWD)

enum ipsec6_action {
	IPSEC6_ACTION_BYPASS,
	IPSEC6_ACTION_DISCARD,
	IPSEC6_ACTION_APPLY,
	IPSEC6_ACTION_APPCHOICE,	/* BYPASS unless a socket asks */

	__IPSEC6_ACTION_MAX,
	IPSEC6_ACTION_MAX = __IPSEC6_ACTION_MAX - 1
};

/* IPsec protocols use their IP protocol numbers. */
enum ipsec6_proto {
	IPSEC6_PROTO_ESP = 50,
	IPSEC6_PROTO_AH = 51,
};

enum ipsec6_mode {
	IPSEC6_MODE_TRANSPORT = 1,
	IPSEC6_MODE_TUNNEL = 2,
};

/* "Take selector from packet" flags of a policy (the '+' of .spd files). */
enum ipsec6_from_packet {
	IPSEC6_FROM_PKT_REMOTE_ADDR = 1 << 0,
	IPSEC6_FROM_PKT_LOCAL_ADDR = 1 << 1,
	IPSEC6_FROM_PKT_PROTO = 1 << 2,
	IPSEC6_FROM_PKT_REMOTE_PORT = 1 << 3,
	IPSEC6_FROM_PKT_LOCAL_PORT = 1 << 4,
};

#define IPSEC6_FROM_PKT_ALL	0x1f

/*
 * Policy.  Address selectors are inclusive ranges; a missing START/END pair
 * is a wildcard, a single address has START == END, a prefix is the range it
 * covers.  Ports likewise.  PROTO missing means any next protocol.
 * For ICMPv6, ICMP_TYPE/ICMP_CODE select the message and ports do not apply.
 * Tunnel endpoints are remote/local too, so one BIDIRECT policy describes
 * both directions ("ip xfrm" "tmpl src A dst B" is local A, remote B for
 * "dir out" and remote A, local B for "dir in"/"dir fwd").
 */
enum ipsec6_policy_attr {
	IPSEC6_POLICY_A_UNSPEC,
	IPSEC6_POLICY_A_INDEX,		/* u32, >= 1 */
	IPSEC6_POLICY_A_PRIORITY,	/* u32, default 0, lower first */
	IPSEC6_POLICY_A_DIR,		/* u8, enum ipsec6_dir bits */
	IPSEC6_POLICY_A_ACTION,		/* u8, enum ipsec6_action */
	IPSEC6_POLICY_A_REMOTE_START,	/* binary, in6_addr */
	IPSEC6_POLICY_A_REMOTE_END,	/* binary, in6_addr */
	IPSEC6_POLICY_A_LOCAL_START,	/* binary, in6_addr */
	IPSEC6_POLICY_A_LOCAL_END,	/* binary, in6_addr */
	IPSEC6_POLICY_A_PROTO,		/* u8 */
	IPSEC6_POLICY_A_REMOTE_PORT_START,	/* u16 */
	IPSEC6_POLICY_A_REMOTE_PORT_END,	/* u16 */
	IPSEC6_POLICY_A_LOCAL_PORT_START,	/* u16 */
	IPSEC6_POLICY_A_LOCAL_PORT_END,		/* u16 */
	IPSEC6_POLICY_A_ICMP_TYPE,	/* u8 */
	IPSEC6_POLICY_A_ICMP_CODE,	/* u8 */
	IPSEC6_POLICY_A_FROM_PACKET,	/* u32, enum ipsec6_from_packet bits */
	IPSEC6_POLICY_A_IFINDEX,	/* u32, 0 = every interface */
	IPSEC6_POLICY_A_IPSEC_PROTO,	/* u8, enum ipsec6_proto (APPLY) */
	IPSEC6_POLICY_A_MODE,		/* u8, enum ipsec6_mode (APPLY) */
	IPSEC6_POLICY_A_TUNNEL_REMOTE,	/* binary, in6_addr: peer gateway */
	IPSEC6_POLICY_A_TUNNEL_LOCAL,	/* binary, in6_addr: our end, optional */
	IPSEC6_POLICY_A_BUNDLE_NEXT,	/* u32, index of the next policy */
	IPSEC6_POLICY_A_REQID,		/* u32, ties SAs to the policy */
	IPSEC6_POLICY_A_FLAGS,		/* u32, enum ipsec6_policy_flags */
	IPSEC6_POLICY_A_COUNTS,		/* nest, enum ipsec6_counts_attr (out) */
	IPSEC6_POLICY_A_PAD,
	IPSEC6_POLICY_A_OWNER,		/* u32, 0 = none (the administrator) */
	IPSEC6_POLICY_A_LAST_USED,	/* u64, read-only: wall-clock seconds
					 * of the last packet, 0 = never
					 */

	__IPSEC6_POLICY_A_MAX,
	IPSEC6_POLICY_A_MAX = __IPSEC6_POLICY_A_MAX - 1
};

enum ipsec6_policy_flags {
	/* Tunnel mode: copy DSCP from the inner header (default: zero it). */
	IPSEC6_POLICY_F_DSCP_COPY = 1 << 0,
	/* Only reachable through another policy's BUNDLE_NEXT. */
	IPSEC6_POLICY_F_BUNDLE_ONLY = 1 << 1,
};

#define IPSEC6_POLICY_F_ALL	0x3

/*
 * Security association.  The kernel looks inbound SAs up by (SPI, DST,
 * PROTO).  An SA with POLICY set serves that policy only (the .sad model);
 * otherwise it serves the APPLY policies whose template it matches (the
 * "ip xfrm" model: protocol, mode, addresses and reqid).
 *
 * Algorithms are given by their crypto API names: AUTH_NAME alone (AH, or
 * ESP with NULL encryption), AUTH_NAME with ENC_NAME (ESP with a cipher and
 * a separate MAC), or AEAD_NAME (ESP, or AH with "rfc4543(gcm(aes))").
 * ICV_LEN is in bits.  Keys are write-only.  KEYFILE and ENC_KEYFILE are
 * opaque labels the tool stores so that a saved .sad names the key files the
 * keys were loaded from; the kernel only keeps and returns them.
 */
enum ipsec6_sa_attr {
	IPSEC6_SA_A_UNSPEC,
	IPSEC6_SA_A_INDEX,		/* u32, >= 1 */
	IPSEC6_SA_A_SPI,		/* u32 (host order), >= 256 */
	IPSEC6_SA_A_PROTO,		/* u8, enum ipsec6_proto */
	IPSEC6_SA_A_MODE,		/* u8, enum ipsec6_mode */
	IPSEC6_SA_A_DIR,		/* u8, IPSEC6_DIR_IN or _OUT; 0 = both */
	IPSEC6_SA_A_SRC,		/* binary, in6_addr */
	IPSEC6_SA_A_DST,		/* binary, in6_addr (SADestIPAddr) */
	IPSEC6_SA_A_POLICY,		/* u32, index of the policy served */
	IPSEC6_SA_A_REQID,		/* u32 */
	IPSEC6_SA_A_SEL_DST,		/* binary, in6_addr (.sad DestIPAddr) */
	IPSEC6_SA_A_SEL_SRC,		/* binary, in6_addr (.sad SrcIPAddr) */
	IPSEC6_SA_A_SEL_PROTO,		/* u8 (.sad Protocol) */
	IPSEC6_SA_A_SEL_DPORT,		/* u16 (.sad DestPort) */
	IPSEC6_SA_A_SEL_SPORT,		/* u16 (.sad SrcPort) */
	IPSEC6_SA_A_AUTH_NAME,		/* string */
	IPSEC6_SA_A_AUTH_KEY,		/* binary, write-only */
	IPSEC6_SA_A_ENC_NAME,		/* string */
	IPSEC6_SA_A_ENC_KEY,		/* binary, write-only */
	IPSEC6_SA_A_AEAD_NAME,		/* string */
	IPSEC6_SA_A_AEAD_KEY,		/* binary, write-only, includes salt */
	IPSEC6_SA_A_ICV_LEN,		/* u32, bits */
	IPSEC6_SA_A_REPLAY_WINDOW,	/* u32, packets, 0 = no check */
	IPSEC6_SA_A_FLAGS,		/* u32, enum ipsec6_sa_flags */
	IPSEC6_SA_A_SOFT_BYTES,		/* u64 */
	IPSEC6_SA_A_HARD_BYTES,		/* u64 */
	IPSEC6_SA_A_SOFT_PACKETS,	/* u64 */
	IPSEC6_SA_A_HARD_PACKETS,	/* u64 */
	IPSEC6_SA_A_SOFT_ADD_SECONDS,	/* u64 */
	IPSEC6_SA_A_HARD_ADD_SECONDS,	/* u64 */
	IPSEC6_SA_A_SOFT_USE_SECONDS,	/* u64 */
	IPSEC6_SA_A_HARD_USE_SECONDS,	/* u64 */
	IPSEC6_SA_A_KEYFILE,		/* string: where AUTH/AEAD key came from */
	IPSEC6_SA_A_ENC_KEYFILE,	/* string: where ENC key came from */
	/* Read-only. */
	IPSEC6_SA_A_KEY_BITS,		/* u32, total key bits (never bytes) */
	IPSEC6_SA_A_SEQ,		/* u64, last sequence number sent;
					 * on NEW the one to start from
					 */
	IPSEC6_SA_A_RSEQ,		/* u64, top of the replay window;
					 * on NEW the one to start from
					 */
	IPSEC6_SA_A_STATE,		/* u8, enum ipsec6_sa_state */
	IPSEC6_SA_A_COUNTS,		/* nest, enum ipsec6_counts_attr */
	IPSEC6_SA_A_PAD,
	IPSEC6_SA_A_OWNER,		/* u32, 0 = none (the administrator) */
	IPSEC6_SA_A_SPI_MIN,		/* u32, SA_ALLOC_SPI: lowest SPI */
	IPSEC6_SA_A_SPI_MAX,		/* u32, SA_ALLOC_SPI: highest SPI */
	/* Read-only. */
	IPSEC6_SA_A_LAST_USED,		/* u64, wall-clock seconds of the last
					 * packet, 0 = never
					 */
	IPSEC6_SA_A_ADD_TIME,		/* u64, wall-clock seconds */
	/* UDP encapsulation (RFC 3948); not implemented yet: refused. */
	IPSEC6_SA_A_ENCAP_TYPE,		/* u16, 2 = UDP_ENCAP_ESPINUDP */
	IPSEC6_SA_A_ENCAP_SPORT,	/* u16 */
	IPSEC6_SA_A_ENCAP_DPORT,	/* u16 */
	IPSEC6_SA_A_ENCAP_OA,		/* binary, in6_addr */

	__IPSEC6_SA_A_MAX,
	IPSEC6_SA_A_MAX = __IPSEC6_SA_A_MAX - 1
};

enum ipsec6_sa_flags {
	IPSEC6_SA_F_ESN = 1 << 0,	/* 64-bit extended sequence numbers */
	IPSEC6_SA_F_DSCP_COPY = 1 << 1,	/* tunnel: copy DSCP from inner */
};

#define IPSEC6_SA_F_ALL		0x3

enum ipsec6_sa_state {
	IPSEC6_SA_STATE_VALID,
	IPSEC6_SA_STATE_SOFT_EXPIRED,
	IPSEC6_SA_STATE_EXPIRED,	/* hard limit or sequence exhausted */
	IPSEC6_SA_STATE_LARVAL,		/* SA_ALLOC_SPI: no keys yet */
};

enum ipsec6_expire {
	IPSEC6_EXPIRE_SOFT = 1,
	IPSEC6_EXPIRE_HARD,
	IPSEC6_EXPIRE_SEQ,
};

/*
 * The packet behind an ACQUIRE: addresses as sent (SRC is this host),
 * the next protocol, ports (TCP, UDP, SCTP, UDP-Lite) or ICMPv6 type and
 * code when the packet has them, and the outgoing interface.
 */
enum ipsec6_flow_attr {
	IPSEC6_FLOW_A_UNSPEC,
	IPSEC6_FLOW_A_SRC,		/* binary, in6_addr */
	IPSEC6_FLOW_A_DST,		/* binary, in6_addr */
	IPSEC6_FLOW_A_PROTO,		/* u8 */
	IPSEC6_FLOW_A_SPORT,		/* u16 */
	IPSEC6_FLOW_A_DPORT,		/* u16 */
	IPSEC6_FLOW_A_ICMP_TYPE,	/* u8 */
	IPSEC6_FLOW_A_ICMP_CODE,	/* u8 */
	IPSEC6_FLOW_A_IFINDEX,		/* u32 */

	__IPSEC6_FLOW_A_MAX,
	IPSEC6_FLOW_A_MAX = __IPSEC6_FLOW_A_MAX - 1
};

/* Packet and byte counters of a policy or SA. */
enum ipsec6_counts_attr {
	IPSEC6_COUNTS_A_UNSPEC,
	IPSEC6_COUNTS_A_PACKETS,	/* u64 */
	IPSEC6_COUNTS_A_BYTES,		/* u64 */
	IPSEC6_COUNTS_A_DROPS,		/* u64 (SA: drops charged to it) */
	IPSEC6_COUNTS_A_PAD,

	__IPSEC6_COUNTS_A_MAX,
	IPSEC6_COUNTS_A_MAX = __IPSEC6_COUNTS_A_MAX - 1
};

/* Per-namespace drop counters, one u64 attribute per reason. */
enum ipsec6_stats_attr {
	IPSEC6_STATS_A_UNSPEC,
	IPSEC6_STATS_A_NO_POLICY,	/* no policy matched (empty SPD) */
	IPSEC6_STATS_A_DISCARD,		/* DISCARD policy */
	IPSEC6_STATS_A_NO_SA,		/* APPLY without a usable SA */
	IPSEC6_STATS_A_UNKNOWN_SPI,	/* AH/ESP for us, no SA */
	IPSEC6_STATS_A_ICV_FAIL,	/* integrity check failed */
	IPSEC6_STATS_A_REPLAY,		/* duplicate or left of window */
	IPSEC6_STATS_A_SEQ_EXHAUSTED,	/* sender would wrap */
	IPSEC6_STATS_A_MALFORMED,	/* truncated or inconsistent */
	IPSEC6_STATS_A_BAD_PADDING,	/* ESP pad length/contents */
	IPSEC6_STATS_A_DUMMY,		/* ESP next header 59 */
	IPSEC6_STATS_A_POLICY_MISMATCH,	/* decapsulated, policy disagrees */
	IPSEC6_STATS_A_CLEARTEXT,	/* cleartext under APPLY */
	IPSEC6_STATS_A_EXPIRED,		/* SA past its hard lifetime */
	IPSEC6_STATS_A_NOMEM,		/* allocation failed */
	IPSEC6_STATS_A_CRYPTO_ERROR,	/* crypto API error */
	IPSEC6_STATS_A_TOO_BIG,		/* exceeds MTU, Packet Too Big sent */
	IPSEC6_STATS_A_TUNNEL_LOOP,	/* tunnel recursion */
	IPSEC6_STATS_A_NO_ROUTE,	/* tunnel outer packet unroutable */
	IPSEC6_STATS_A_PAD,

	__IPSEC6_STATS_A_MAX,
	IPSEC6_STATS_A_MAX = __IPSEC6_STATS_A_MAX - 1
};

#endif /* _UAPI_LINUX_IPSEC6_H */
