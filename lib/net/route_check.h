/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Do the cells' address ranges collide with a route the host already has
 * (a LAN, Docker's bridges, a VPN)? Then a cell's address would shadow, or
 * be shadowed by, someone else's: `init` refuses such a configuration. */
#ifndef CHATCELL_ROUTE_CHECK_H
#define CHATCELL_ROUTE_CHECK_H

#include "base/error.h"
#include "config/conf.h"

/* 0 when no route of the host's main table (its default routes and the
 * cells' own links, cc*, left out) overlaps cell_ipv4_range or
 * cell_ipv6_range; else -1 with CC_ERR_CONFIG naming the route. */
int cc_cell_ranges_check_routes(const struct cc_config *config, struct cc_err *err);

#endif
