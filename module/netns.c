// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: the published tables, the writer lock, the
 * drop counters and the netfilter hooks.  Every namespace starts with the
 * default policy (index 1, wildcards, BIDIRECT, BYPASS).
 */
#include <linux/module.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include "db.h"
#include "hooks.h"
#include "lifetime.h"
#include "netns.h"
#include "txn.h"

unsigned int ipsec6_net_id __read_mostly;

/*
 * nf_defrag_ipv6 is taken at run time (symbol_request) rather than linked,
 * so that a plain insmod of ipsec6.ko loads it on demand.
 */
static int (*ipsec6_defrag_enable)(struct net *net);
static void (*ipsec6_defrag_disable)(struct net *net);

static int ipsec6_netns_default_tables(struct ipsec6_net *in)
{
	struct ipsec6_txn *txn;
	int err;

	mutex_lock(&in->lock);
	txn = ipsec6_txn_get(in, 0, NULL);
	if (IS_ERR(txn)) {
		err = PTR_ERR(txn);
		goto out;
	}
	err = ipsec6_txn_policy_flush(txn);
	err = ipsec6_txn_finish(in, txn, err, NULL);
out:
	mutex_unlock(&in->lock);
	return err;
}

static void ipsec6_netns_free_tables(struct ipsec6_net *in)
{
	struct ipsec6_db *db;

	mutex_lock(&in->lock);
	if (in->txn)
		ipsec6_txn_abort(in, in->txn);
	db = rcu_replace_pointer(in->db, NULL, lockdep_is_held(&in->lock));
	mutex_unlock(&in->lock);
	/* The hooks are gone (nf_unregister_net_hooks() waited for their
	 * readers), so nobody else can see @db.
	 */
	ipsec6_db_free(db);
}

static int __net_init ipsec6_netns_init(struct net *net)
{
	struct ipsec6_net *in = ipsec6_net(net);
	int err;

	in->net = net;
	mutex_init(&in->lock);
	ipsec6_lifetime_init(in);
	atomic_set(&in->inflight, 0);
	in->stats = ipsec6_stats_alloc();
	if (!in->stats)
		return -ENOMEM;
	err = ipsec6_netns_default_tables(in);
	if (err)
		goto err_stats;
	err = ipsec6_defrag_enable(net);
	if (err)
		goto err_tables;
	in->defrag = true;
	err = ipsec6_hooks_register(in);
	if (err)
		goto err_defrag;
	return 0;

err_defrag:
	ipsec6_defrag_disable(net);
err_tables:
	ipsec6_lifetime_stop(in);
	ipsec6_netns_free_tables(in);
err_stats:
	ipsec6_stats_free(in->stats);
	return err;
}

static void __net_exit ipsec6_netns_exit(struct net *net)
{
	struct ipsec6_net *in = ipsec6_net(net);

	ipsec6_hooks_unregister(in);
	ipsec6_defrag_disable(net);
	/* Packets still inside asynchronous crypto count into @in. */
	wait_var_event(&in->inflight, !atomic_read(&in->inflight));
	ipsec6_lifetime_stop(in);
	ipsec6_netns_free_tables(in);
	ipsec6_stats_free(in->stats);
}

static struct pernet_operations ipsec6_netns_ops = {
	.init = ipsec6_netns_init,
	.exit = ipsec6_netns_exit,
	.id = &ipsec6_net_id,
	.size = sizeof(struct ipsec6_net),
};

int ipsec6_netns_register(void)
{
	int err;

	ipsec6_defrag_enable = symbol_request(nf_defrag_ipv6_enable);
	if (!ipsec6_defrag_enable)
		return -ENOENT;
	ipsec6_defrag_disable = symbol_request(nf_defrag_ipv6_disable);
	if (!ipsec6_defrag_disable) {
		err = -ENOENT;
		goto err_enable;
	}
	err = register_pernet_subsys(&ipsec6_netns_ops);
	if (err)
		goto err_disable;
	return 0;

err_disable:
	symbol_put(nf_defrag_ipv6_disable);
err_enable:
	symbol_put(nf_defrag_ipv6_enable);
	return err;
}

void ipsec6_netns_unregister(void)
{
	unregister_pernet_subsys(&ipsec6_netns_ops);
	symbol_put(nf_defrag_ipv6_disable);
	symbol_put(nf_defrag_ipv6_enable);
}
