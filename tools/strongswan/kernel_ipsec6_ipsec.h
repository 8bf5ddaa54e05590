/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kernel_ipsec_t on the ipsec6 generic netlink family.
 *
 * kernel_ipsec6_ipsec.c builds the object and handles what is neither an
 * SA nor a policy (events, socket bypass, flushes); kernel_ipsec6_sa.c and
 * kernel_ipsec6_policy.c fill in their methods.  This header is shared by
 * the three; the plugin only sees kernel_ipsec6_ipsec_create().
 */
#ifndef KERNEL_IPSEC6_IPSEC_H_
#define KERNEL_IPSEC6_IPSEC_H_

#include <netinet/in.h>

#include <library.h>
#include <kernel/kernel_ipsec.h>
#include <collections/hashtable.h>
#include <collections/linked_list.h>
#include <threading/mutex.h>

#include "kernel_ipsec6_nl.h"

struct nlmsghdr;

/* The OWNER the plugin marks its objects with, unless configured. */
#define KERNEL_IPSEC6_OWNER	0x4b45

typedef struct private_kernel_ipsec6_t private_kernel_ipsec6_t;

struct private_kernel_ipsec6_t {
	kernel_ipsec_t public;

	ipsec6_nl_t *nl;
	/* OWNER of our policies and SAs (kernel-ipsec6.owner). */
	uint32_t owner;

	/*
	 * Policy cache (kernel_ipsec6_policy.c): policy_entry_t by
	 * (direction, selectors, interface), each with the CHILD_SAs using
	 * it.  @mutex is held across a whole add/del, netlink included:
	 * nothing called under it calls back into the plugin.
	 */
	mutex_t *mutex;
	hashtable_t *policies;
	/* Install routes for tunnel-mode policies (charon.install_routes). */
	bool install_routes;

	/*
	 * SO_COOKIEs of the IKE sockets given to SOCKET_BYPASS (uint64_t *),
	 * under @bypass_lock: an owner-filtered flush clears them in the
	 * module, the plugin registers them again.
	 */
	mutex_t *bypass_lock;
	linked_list_t *bypass;
	/* The module refused SA_UPDATE (EOPNOTSUPP): complete larval SAs
	 * with SA_NEW, REPLACE and their index instead. */
	bool no_sa_update;
};

kernel_ipsec_t *kernel_ipsec6_ipsec_create(void);

/* kernel_ipsec6_sa.c and kernel_ipsec6_policy.c: their methods. */
void kernel_ipsec6_sa_init(private_kernel_ipsec6_t *this);
void kernel_ipsec6_policy_init(private_kernel_ipsec6_t *this);
void kernel_ipsec6_policy_destroy(private_kernel_ipsec6_t *this);

/*
 * Shared helpers (kernel_ipsec6_ipsec.c).
 */

/* Sends @nlh; logs "ipsec6: @what failed: ..." with the extack. */
int kernel_ipsec6_request(private_kernel_ipsec6_t *this, struct nlmsghdr *nlh,
			  ipsec6_nl_cb_t cb, void *data, const char *what);
/* The IPv6 address of @host, false if @host is not IPv6. */
bool kernel_ipsec6_addr(host_t *host, struct in6_addr *addr);
/*
 * What the module says about one policy or SA (nest @nest): the answer to
 * a NEW without INDEX or to SA_ALLOC_SPI (the index it picked), or to a
 * GET.  kernel_ipsec6_reply_cb() fills it in.
 */
struct kernel_ipsec6_reply {
	uint16_t nest;		/* IPSEC6_A_POLICY or IPSEC6_A_SA */
	uint32_t index;
	uint32_t spi;		/* SA replies */
	uint32_t owner;
	uint64_t last_used;	/* wall-clock seconds, 0 = never */
	uint64_t bytes, packets;
	bool found;
};
void kernel_ipsec6_reply_cb(const struct nlmsghdr *nlh, void *data);
/* Wall-clock seconds from the module to charon's monotonic time. */
time_t kernel_ipsec6_monotonic(uint64_t wallclock);

#endif /* KERNEL_IPSEC6_IPSEC_H_ */
