/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel-ipsec6 charon plugin: strongSwan's IPsec backend on the ipsec6
 * module (tools/strongswan/README.md).
 */
#ifndef KERNEL_IPSEC6_PLUGIN_H_
#define KERNEL_IPSEC6_PLUGIN_H_

#include <plugins/plugin.h>

typedef struct kernel_ipsec6_plugin_t kernel_ipsec6_plugin_t;

struct kernel_ipsec6_plugin_t {
	plugin_t plugin;
};

/* The name charon's plugin loader looks for: <name>_plugin_create. */
plugin_t *kernel_ipsec6_plugin_create(void);

#endif /* KERNEL_IPSEC6_PLUGIN_H_ */
