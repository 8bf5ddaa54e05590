// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: the published tables, the writer lock, the
 * drop counters and whether the netfilter hooks are on (hooks.c).  Every
 * namespace starts with the default policy (index 1, wildcards, BIDIRECT,
 * BYPASS).
 */
#include <linux/netdevice.h>
#include "acquire.h"
#include "bypass.h"
#include "db.h"
#include "encap.h"
#include "hooks.h"
#include "ipsec6.h"
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

static void ipsec6_netns_gc(struct work_struct *work)
{
	struct ipsec6_net *in = container_of(to_rcu_work(work),
					     struct ipsec6_net, gc_work);
	bool more;

	mutex_lock(&in->lock);
	more = ipsec6_tables_gc(&in->tables) && !in->dying;
	mutex_unlock(&in->lock);
	if (more)
		queue_rcu_work(ipsec6_wq, &in->gc_work);
}

static void ipsec6_netns_resize(struct work_struct *work)
{
	struct ipsec6_net *in = container_of(work, struct ipsec6_net,
					     resize_work);

	mutex_lock(&in->lock);
	ipsec6_tables_resize(&in->tables);
	mutex_unlock(&in->lock);
}

/*
 * A change set was published or undone: dead objects wait for a grace
 * period, hash tables may need another size.  Both off the request path.
 */
void ipsec6_netns_tables_changed(struct ipsec6_net *in)
{
	lockdep_assert_held(&in->lock);
	if (in->dying)
		return;
	if (!list_empty(&in->tables.gc))
		queue_rcu_work(ipsec6_wq, &in->gc_work);
	if (ipsec6_tables_wants_resize(&in->tables))
		queue_work(ipsec6_wq, &in->resize_work);
}

static void ipsec6_netns_free_tables(struct ipsec6_net *in)
{
	struct ipsec6_db *db;

	mutex_lock(&in->lock);
	if (in->txn)
		ipsec6_txn_abort(in, in->txn);
	db = rcu_replace_pointer(in->db, NULL, lockdep_is_held(&in->lock));
	mutex_unlock(&in->lock);
	/* Queued before @dying was set: wait for them. */
	flush_rcu_work(&in->gc_work);
	cancel_work_sync(&in->resize_work);
	/* The hooks are gone and their last runs are over (synchronize_net()
	 * in ipsec6_netns_exit()), so nobody else can see the tables.
	 */
	mutex_lock(&in->lock);
	ipsec6_txn_destroy(in);
	ipsec6_tables_destroy(&in->tables);
	ipsec6_encap_free(in);
	ipsec6_db_retired_free(&in->retired);
	mutex_unlock(&in->lock);
	kfree(db);
}

static int __net_init ipsec6_netns_init(struct net *net)
{
	struct ipsec6_net *in = ipsec6_net(net);
	int err;

	in->net = net;
	mutex_init(&in->lock);
	ipsec6_lifetime_init(in);
	INIT_RCU_WORK(&in->gc_work, ipsec6_netns_gc);
	INIT_WORK(&in->resize_work, ipsec6_netns_resize);
	atomic_set(&in->inflight, 0);
	in->stats = ipsec6_stats_alloc();
	if (!in->stats)
		return -ENOMEM;
	err = ipsec6_tables_init(&in->tables, &in->lock);
	if (err)
		goto err_stats;
	/* Only the default policy: the hooks stay off (hooks.c). */
	err = ipsec6_netns_default_tables(in);
	if (err)
		goto err_tables;
	return 0;

err_tables:
	mutex_lock(&in->lock);
	in->dying = true;
	mutex_unlock(&in->lock);
	ipsec6_netns_free_tables(in);
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
	/*
	 * Unregistering does not wait for a hook already running (6.1 and
	 * 6.12 swap in accept_all and free the old entries after a grace
	 * period): wait for those, which may still read the tables or park
	 * a packet in crypto (counted in @in->inflight before they return).
	 */
	synchronize_net();
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
