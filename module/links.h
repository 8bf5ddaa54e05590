/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC6_LINKS_H
#define _IPSEC6_LINKS_H

struct ipsec6_db;

int ipsec6_links_build(struct ipsec6_db *db);

#endif /* _IPSEC6_LINKS_H */
