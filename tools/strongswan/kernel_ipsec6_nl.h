/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink sockets of the kernel-ipsec6 plugin: one for requests
 * (serialised by a mutex: charon calls in from many threads) and one that
 * listens on the family's "events" group.  Only this file and the files
 * that build or parse messages include libmnl.
 */
#ifndef KERNEL_IPSEC6_NL_H_
#define KERNEL_IPSEC6_NL_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

typedef struct ipsec6_nl_t ipsec6_nl_t;

/* Room for one request: the largest SA (keys, names, lifetimes) fits. */
#define IPSEC6_NL_MSG_MAX	4096

/* Called for each message of the family in a reply (or an event). */
typedef void (*ipsec6_nl_cb_t)(const struct nlmsghdr *nlh, void *data);

/*
 * Opens both sockets and resolves the family.  A missing family (module
 * not loaded) is no error here: every request tries again, so that charon
 * never falls back to another IPsec backend behind the user's back.
 */
ipsec6_nl_t *ipsec6_nl_create(void);
void ipsec6_nl_destroy(ipsec6_nl_t *nl);

/* Resolves the family if needed; false (logged) if it is not there. */
bool ipsec6_nl_ready(ipsec6_nl_t *nl);
/* Whether the module implements command @cmd (after ipsec6_nl_ready()). */
bool ipsec6_nl_has_cmd(ipsec6_nl_t *nl, uint8_t cmd);
/* The highest top-level attribute the module knows. */
uint32_t ipsec6_nl_maxattr(ipsec6_nl_t *nl);

/* Starts request @cmd in @buf (IPSEC6_NL_MSG_MAX bytes, zeroed here). */
struct nlmsghdr *ipsec6_nl_start(ipsec6_nl_t *nl, void *buf, uint8_t cmd,
				 uint16_t flags);

/*
 * Sends @nlh and waits for the kernel's answer; each message of the family
 * that comes back goes to @cb.  A dump (NLM_F_DUMP) ends with NLMSG_DONE,
 * anything else with its ack.  Returns 0 or a negative errno (-EINTR: the
 * dump crossed a change, run it again); the extended ack's message, if
 * any, is copied to @err.
 */
int ipsec6_nl_send(ipsec6_nl_t *nl, struct nlmsghdr *nlh, ipsec6_nl_cb_t cb,
		   void *data, char *err, size_t errlen);

/* The events socket (non-blocking), and reading what is queued on it. */
int ipsec6_nl_event_fd(ipsec6_nl_t *nl);
void ipsec6_nl_event_read(ipsec6_nl_t *nl, ipsec6_nl_cb_t cb, void *data);

#endif /* KERNEL_IPSEC6_NL_H_ */
