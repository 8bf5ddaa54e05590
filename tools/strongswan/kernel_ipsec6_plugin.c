// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel-ipsec6 plugin: registers kernel_ipsec_t on ipsec6 as charon's
 * "kernel-ipsec" feature.  charon uses the first kernel-ipsec that gets
 * constructed; kernel-ipsec6.conf gives this plugin a load priority above
 * kernel-netlink's so that it is this one, while kernel-netlink still
 * provides "kernel-net" (addresses, routes, interfaces).
 */
#include <library.h>
#include <daemon.h>
#include <utils/debug.h>

#include "kernel_ipsec6_ipsec.h"
#include "kernel_ipsec6_plugin.h"

typedef struct {
	kernel_ipsec6_plugin_t public;
} private_kernel_ipsec6_plugin_t;

METHOD(plugin_t, get_name, char *,
	private_kernel_ipsec6_plugin_t *this)
{
	return "kernel-ipsec6";
}

METHOD(plugin_t, get_features, int,
	private_kernel_ipsec6_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK(kernel_ipsec_register,
				kernel_ipsec6_ipsec_create),
			PLUGIN_PROVIDE(CUSTOM, "kernel-ipsec"),
	};

	*features = f;
	return countof(f);
}

METHOD(plugin_t, destroy, void,
	private_kernel_ipsec6_plugin_t *this)
{
	free(this);
}

__attribute__((visibility("default")))
plugin_t *kernel_ipsec6_plugin_create(void)
{
	private_kernel_ipsec6_plugin_t *this;

	if (!lib->caps->keep(lib->caps, CAP_NET_ADMIN)) {
		DBG1(DBG_KNL, "kernel-ipsec6 plugin requires CAP_NET_ADMIN");
		return NULL;
	}
	INIT(this,
		.public = {
			.plugin = {
				.get_name = _get_name,
				.get_features = _get_features,
				.destroy = _destroy,
			},
		},
	);
	return &this->public.plugin;
}
