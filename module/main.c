// SPDX-License-Identifier: GPL-2.0
/*
 * ipsec6: IPv6 IPsec (AH and ESP, transport and tunnel mode) on netfilter
 * hooks, with its own SPD and SAD per network namespace, configured over
 * the "ipsec6" generic netlink family.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include "ipsec6.h"
#include "netlink.h"
#include "netns.h"
#include "spd.h"
#include "uapi/ipsec6.h"

struct workqueue_struct *ipsec6_wq;

static int __init ipsec6_init(void)
{
	int err;

	ipsec6_wq = alloc_workqueue("ipsec6", WQ_UNBOUND, 0);
	if (!ipsec6_wq)
		return -ENOMEM;
	err = ipsec6_spd_init();
	if (err)
		goto err_wq;
	err = ipsec6_netns_register();
	if (err)
		goto err_spd;
	err = ipsec6_netlink_register();
	if (err)
		goto err_netns;
	pr_info("IPv6 IPsec datapath loaded\n");
	return 0;

err_netns:
	ipsec6_netns_unregister();
err_spd:
	rcu_barrier();
	drain_workqueue(ipsec6_wq);
	ipsec6_spd_exit();
err_wq:
	destroy_workqueue(ipsec6_wq);
	return err;
}

static void __exit ipsec6_exit(void)
{
	ipsec6_netlink_unregister();
	ipsec6_netns_unregister();
	/* The SPD's arrays wait for a grace period, then free on ipsec6_wq
	 * (dropping policies); SAs free their transforms there.
	 */
	rcu_barrier();
	drain_workqueue(ipsec6_wq);
	rcu_barrier();
	destroy_workqueue(ipsec6_wq);
	ipsec6_spd_exit();
}

module_init(ipsec6_init);
module_exit(ipsec6_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IPv6 IPsec datapath (AH, ESP) on netfilter hooks");
MODULE_ALIAS_GENL_FAMILY(IPSEC6_GENL_NAME);
