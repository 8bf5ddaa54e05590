// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: the published tables, the writer lock, the
 * drop counters and whether the netfilter hooks are on (hooks.c).  Every
 * namespace starts with the default policy (index 1, wildcards, BIDIRECT,
 * BYPASS).
 */
#include "acquire.h"
#include "bypass.h"
#include "db.h"
#include "hooks.h"
#include "lifetime.h"
#include "netns.h"
#include "txn.h"

unsigned int ipsec6_net_id __read_mostly;

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
	/* Only the default policy: the hooks stay off (hooks.c). */
	err = ipsec6_netns_default_tables(in);
	if (err)
		goto err_stats;
	return 0;

err_stats:
	ipsec6_stats_free(in->stats);
	return err;
}

static void __net_exit ipsec6_netns_exit(struct net *net)
{
	struct ipsec6_net *in = ipsec6_net(net);

	/* The SA expiry work may still commit: it must not arm again. */
	mutex_lock(&in->lock);
	in->dying = true;
	ipsec6_hooks_arm(in, false);
	mutex_unlock(&in->lock);
	/* Packets still inside asynchronous crypto count into @in. */
	wait_var_event(&in->inflight, !atomic_read(&in->inflight));
	ipsec6_lifetime_stop(in);
	ipsec6_netns_free_tables(in);
	ipsec6_bypass_free(in);
	ipsec6_acquire_free(in);
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

	err = ipsec6_hooks_init();
	if (err)
		return err;
	err = register_pernet_subsys(&ipsec6_netns_ops);
	if (err)
		ipsec6_hooks_exit();
	return err;
}

void ipsec6_netns_unregister(void)
{
	unregister_pernet_subsys(&ipsec6_netns_ops);
	ipsec6_hooks_exit();
}
